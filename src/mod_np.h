/* mod_np.h - shared between the files of the numpy module (mod_np.c,
 * mod_np_shape.c, mod_np_random.c); owned by the tensor-language part.
 */
#ifndef NNSH_MOD_NP_H
#define NNSH_MOD_NP_H

#include "tensor_value.h"

#include <math.h>

/* v as a numpy tensor (new reference), Python ints -> int64, floats -> float64. */
bool np_tensor(Interp *I, Value v, NnTensor **out);
/* v as a numpy value: Python numbers stay numbers (weak operands), the rest
 * becomes an ndarray / numpy scalar value (new reference). */
bool np_value(Interp *I, Value v, Value *out);
/* The argument was given and is not None. */
bool np_given(Value v);
/* size= of a random draw (None: a scalar draw, *scalar set), and its result:
 * a Python number for a scalar draw, else the ndarray (takes t). */
bool np_size_arg(Interp *I, const char *fname, Value v, int *ndim, int64_t *shape, bool *scalar);
bool np_draw_result(Interp *I, NnTensor *t, bool scalar, Value *out);
/* numpy's constraints on a distribution parameter (check_constraint):
 * non-negative rejects -0.0 by its sign bit and lets NaN through (the draw
 * is nan); positive rejects p <= 0 and lets NaN through. */
static inline bool np_param_nonneg(double p) { return isnan(p) || !signbit(p); }
static inline bool np_param_positive(double p) { return !(p <= 0); }

extern const NativeDef np_create_defs[];   /* mod_np_shape.c */
extern const NativeDef np_shape_defs[];    /* mod_np_shape.c */

/* ---- mod_np_extra.c / mod_np_more.c / mod_np_rng.c ---- */
/* t as a numpy result (0-d -> numpy scalar); NULL t raises lib's error.
 * Takes the reference. */
bool np_wrap(Interp *I, NnTensor *t, Value *out);
/* d[di] = s[si] keeping integer precision. */
void np_copy_elem(NnTensor *d, int64_t di, const NnTensor *s, int64_t si);
/* A list (or tuple) of numpy arrays; takes the n references (NULL entries
 * raise lib's error). */
bool np_tensor_list(Interp *I, NnTensor **ts, int n, bool tuple, Value *out);
/* The offset diagonal of axes ax1, ax2 as a new last axis (new reference;
 * NULL with the error raised). */
NnTensor *np_diagonal_of(Interp *I, NnTensor *t, int64_t off, int ax1, int ax2);
/* Calls numpy.NAME with self prepended to the arguments (array methods
 * that mirror a numpy function: a.repeat, a.swapaxes, ...). */
bool np_method_via(Interp *I, const char *name, Value self, const Args *a, Value *out);

extern const NativeDef np_extra_defs[];        /* mod_np_extra.c */
extern const NativeDef np_more_defs[];         /* mod_np_more.c */
extern const NativeDef np_search_defs[];       /* mod_np_search.c */
extern const NativeDef np_linalg_more_defs[];  /* mod_np_linalg.c: numpy.linalg */
/* Adds numpy.linalg.LinAlgError to the module m (mod_np_linalg.c). */
bool np_linalg_add_error(Interp *I, Value m);
/* Raises lib's pending error, as numpy.linalg.LinAlgError when numpy raises
 * that for the message (mod_np_linalg.c); returns false. */
bool np_linalg_fail(Interp *I);
extern const NativeDef np_linalg_lapack_defs[];  /* mod_np_linalg2.c: eig, svd, ... */
extern const NativeDef np_linalg_top_defs[];     /* mod_np_linalg2.c: numpy.cross */
extern const NativeDef np_print_defs[];          /* mod_np_print.c: printoptions, array2string */
extern const NativeDef np_random_mvn_defs[];     /* mod_np_mvn.c: numpy.random.multivariate_normal */
extern const NativeDef np_stats_defs[];          /* mod_np_mvn.c: numpy.cov, corrcoef */
/* Adds np.mgrid, np.ogrid, np.r_ and np.c_ to the numpy module m (mod_np_grid.c). */
bool np_grid_install(Interp *I, Value m);
/* The singular values of the stacked matrices x (..., m, n) (new reference;
 * NULL with the error raised) (mod_np_linalg2.c). */
NnTensor *np_linalg_svdvals(Interp *I, NnTensor *x);
extern const NativeDef np_random_more_defs[];  /* mod_np_rng.c: numpy.random */
/* Calls numpy.random.NAME with the arguments (mod_np_rng.c). */
bool np_random_call(Interp *I, const char *name, const Args *a, Value *out);
/* Generator.NAME for the samplers of mod_np_rng.c (exponential, gamma, beta,
 * poisson, binomial, lognormal, laplace, standard_exponential/_gamma) over g. */
bool np_dist_pcg(Interp *I, const char *name, const Args *a, NnPcg64 *g, Value *out);
/* np.random.default_rng(seed=None): a Generator over its own PCG64 (mod_np_gen.c). */
bool np_generator_new(Interp *I, const Args *a, Value *out);
/* Array methods added to tensor_methods (mod_np_more.c). */
bool np_m_nonzero(Interp *I, Value self, const Args *a, Value *out);
bool np_m_repeat(Interp *I, Value self, const Args *a, Value *out);
bool np_m_swapaxes(Interp *I, Value self, const Args *a, Value *out);
bool np_m_cumprod(Interp *I, Value self, const Args *a, Value *out);
bool np_m_trace(Interp *I, Value self, const Args *a, Value *out);
bool np_m_diagonal(Interp *I, Value self, const Args *a, Value *out);
bool np_m_ptp(Interp *I, Value self, const Args *a, Value *out);
bool np_m_view(Interp *I, Value self, const Args *a, Value *out);

#endif
