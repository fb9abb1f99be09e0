/* mod_np_random.c - numpy.random (seeded legacy draws, the same numbers as
 * numpy's RandomState for the same seed) and numpy.linalg (norm).
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  The
 * generator is the session's one (nn_rng_*), shared with tf.random and
 * :seed.  Without size= the draws return Python numbers, as numpy does.
 */
#include <string.h>
#include <math.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self

bool np_size_arg(Interp *I, const char *fname, Value v, int *ndim, int64_t *shape, bool *scalar)
{
    *scalar = !np_given(v);
    *ndim = 0;
    return *scalar || tensor_shape_arg(I, fname, v, ndim, shape);
}

bool np_draw_result(Interp *I, NnTensor *t, bool scalar, Value *out)
{
    if (!t)
        return interp_error_from_nn(I);
    if (!scalar)
        return tensor_value_new(I, t, TENSOR_NP, out);
    *out = nn_dtype_is_float(t->dtype) ? val_float(nn_tensor_get_f64(t, 0))
                                        : val_int(nn_tensor_get_i64(t, 0));
    nn_tensor_unref(t);
    return true;
}

/* rand(d0, d1, ...) / randn(d0, d1, ...). */
static bool dims_args(Interp *I, const char *fname, const Args *a, int *ndim, int64_t *shape)
{
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "%s() takes no keyword arguments", fname);
    if (a->npos > NN_MAXDIM)
        return interp_error(I, ERR_VALUE, "too many dimensions");
    for (int i = 0; i < a->npos; i++)
        if (!arg_int(I, fname, "d", a->pos[i], &shape[i]))
            return false;
    *ndim = a->npos;
    return true;
}

static bool npr_rand(Interp *I, Value self, const Args *a, Value *out)
{
    int ndim;
    int64_t shape[NN_MAXDIM];
    UNUSED_SELF;
    if (!dims_args(I, "rand", a, &ndim, shape))
        return false;
    return np_draw_result(I, nn_random_uniform(interp_nn(I), NN_F64, ndim, shape, 0, 1), ndim == 0, out);
}

static bool npr_randn(Interp *I, Value self, const Args *a, Value *out)
{
    int ndim;
    int64_t shape[NN_MAXDIM];
    UNUSED_SELF;
    if (!dims_args(I, "randn", a, &ndim, shape))
        return false;
    return np_draw_result(I, nn_random_normal(interp_nn(I), NN_F64, ndim, shape, 0, 1), ndim == 0, out);
}

static bool npr_random(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    int ndim;
    int64_t shape[NN_MAXDIM];
    bool scalar;
    UNUSED_SELF;
    if (!args_parse(I, "random", a, "size=", v) || !np_size_arg(I, "random", v[0], &ndim, shape, &scalar))
        return false;
    return np_draw_result(I, nn_random_uniform(interp_nn(I), NN_F64, ndim, shape, 0, 1), scalar, out);
}

static bool npr_two(Interp *I, const Args *a, bool normal, Value *out)
{
    Value v[3];
    int ndim;
    int64_t shape[NN_MAXDIM];
    bool scalar;
    double p0 = normal ? 0 : 0, p1 = 1;
    const char *fname = normal ? "normal" : "uniform";
    if (!args_parse(I, fname, a, normal ? "loc=, scale=, size=" : "low=, high=, size=", v) ||
        (np_given(v[0]) && !arg_float(I, fname, normal ? "loc" : "low", v[0], &p0)) ||
        (np_given(v[1]) && !arg_float(I, fname, normal ? "scale" : "high", v[1], &p1)) ||
        !np_size_arg(I, fname, v[2], &ndim, shape, &scalar))
        return false;
    if (normal && !np_param_nonneg(p1))
        return interp_error(I, ERR_VALUE, "scale < 0");
    NnTensor *t = normal ? nn_random_normal(interp_nn(I), NN_F64, ndim, shape, p0, p1)
                         : nn_random_uniform(interp_nn(I), NN_F64, ndim, shape, p0, p1);
    return np_draw_result(I, t, scalar, out);
}

static bool npr_normal(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return npr_two(I, a, true, out);
}

static bool npr_uniform(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return npr_two(I, a, false, out);
}

static bool npr_randint(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t lo, hi;
    int ndim, dt;
    int64_t shape[NN_MAXDIM];
    bool scalar;
    UNUSED_SELF;
    if (!args_parse(I, "randint", a, "low, high=, size=, dtype=", v) ||
        !arg_int(I, "randint", "low", v[0], &lo) ||
        !np_size_arg(I, "randint", v[2], &ndim, shape, &scalar) || !tensor_dtype_arg(I, v[3], &dt))
        return false;
    if (np_given(v[1])) {
        if (!arg_int(I, "randint", "high", v[1], &hi))
            return false;
    } else {
        hi = lo;
        lo = 0;
    }
    if (lo >= hi)
        return interp_error(I, ERR_VALUE, "low >= high");
    NnDType d = dt < 0 ? NN_I64 : (NnDType)dt;
    return np_draw_result(I, nn_random_randint(interp_nn(I), d, ndim, shape, lo, hi), scalar, out);
}

static bool npr_seed(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    int64_t s = 0;
    UNUSED_SELF;
    if (!args_parse(I, "seed", a, "seed=", v))
        return false;
    if (np_given(v[0]) && !arg_int(I, "seed", "seed", v[0], &s))
        return false;
    if (s < 0 || s > 0xffffffffLL)
        return interp_error(I, ERR_VALUE, "Seed must be between 0 and 2**32 - 1");
    nn_rng_seed(interp_nn(I), (uint32_t)s);
    *out = val_none();
    return true;
}

static bool npr_shuffle(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "shuffle", a, "x", v))
        return false;
    t = tensor_value_get(v[0]);
    if (!t || tensor_value_flavour(v[0]) != TENSOR_NP)
        return interp_error(I, ERR_TYPE, "shuffle() needs a numpy array (it shuffles in place)");
    if (nn_random_shuffle(interp_nn(I), t) != NN_OK)
        return interp_error_from_nn(I);
    *out = val_none();
    return true;
}

static bool npr_permutation(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "permutation", a, "x", v))
        return false;
    if (v[0].kind == VAL_INT)
        return tensor_value_wrap(I, nn_random_permutation(interp_nn(I), v[0].as.i), TENSOR_NP, out);
    if (!np_tensor(I, v[0], &t))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);
    nn_tensor_unref(t);
    if (c && nn_random_shuffle(interp_nn(I), c) != NN_OK) {
        nn_tensor_unref(c);
        c = NULL;
    }
    return tensor_value_wrap(I, c, TENSOR_NP, out);
}

/* choice with p: numpy's legacy inverse-CDF draw (cdf searchsorted right). */
static NnTensor *choice_p(Interp *I, const NnTensor *p, int64_t n, int ndim, const int64_t *shape)
{
    NnCtx *ctx = interp_nn(I);
    double cdf[4096];
    if (nn_tensor_numel(p) != n || n > 4096) {
        interp_error(I, ERR_VALUE, "'a' and 'p' must have same size");
        return NULL;
    }
    double acc = 0;
    for (int64_t i = 0; i < n; i++) {
        double pi = nn_tensor_get_f64(p, i);
        if (pi < 0) {
            interp_error(I, ERR_VALUE, "probabilities are not non-negative");
            return NULL;
        }
        cdf[i] = acc += pi;
    }
    if (fabs(acc - 1.0) > sqrt(2.220446049250313e-16)) {
        interp_error(I, ERR_VALUE, "probabilities do not sum to 1");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        cdf[i] /= cdf[n - 1];
    NnTensor *u = nn_random_uniform(ctx, NN_F64, ndim, shape, 0, 1);
    NnTensor *r = u ? nn_tensor_new(ctx, NN_I64, ndim, shape) : NULL;
    for (int64_t k = 0; r && k < nn_tensor_numel(r); k++) {
        double x = nn_tensor_get_f64(u, k);
        int64_t lo = 0, hi = n;
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (cdf[mid] <= x)
                lo = mid + 1;
            else
                hi = mid;
        }
        nn_tensor_set_i64(r, k, lo);
    }
    nn_tensor_unref(u);
    if (!r)
        interp_error_from_nn(I);
    return r;
}

static NnTensor *choice_idx(Interp *I, Value *v, int64_t n, int ndim, const int64_t *shape,
                            bool replace)
{
    NnCtx *ctx = interp_nn(I);
    int64_t total = 1;
    for (int i = 0; i < ndim; i++)
        total *= shape[i];
    if (np_given(v[3])) {
        NnTensor *p, *r;
        if (!replace) {
            interp_error(I, ERR_VALUE, "nnsh's choice supports p= only with replace=True");
            return NULL;
        }
        if (!tensor_from_value(I, v[3], NN_F64, TENSOR_NP, &p))
            return NULL;
        r = choice_p(I, p, n, ndim, shape);
        nn_tensor_unref(p);
        return r;
    }
    if (replace) {
        NnTensor *r = nn_random_randint(ctx, NN_I64, ndim, shape, 0, n);
        if (!r)
            interp_error_from_nn(I);
        return r;
    }
    if (total > n) {
        interp_error(I, ERR_VALUE, "Cannot take a larger sample than population when 'replace=False'");
        return NULL;
    }
    NnTensor *perm = nn_random_permutation(ctx, n);
    NnTensor *head = perm ? nn_tensor_slice(ctx, perm, 0, 0, total, 1) : NULL;
    NnTensor *r = head ? nn_tensor_reshape(ctx, head, ndim, shape) : NULL;
    NnTensor *c = r ? nn_tensor_copy(ctx, r) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(head);
    nn_tensor_unref(perm);
    if (!c)
        interp_error_from_nn(I);
    return c;
}

static bool npr_choice(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *pool = NULL, *idx;
    int64_t n, shape[NN_MAXDIM];
    int ndim;
    bool scalar, replace = true;
    UNUSED_SELF;
    if (!args_parse(I, "choice", a, "a, size=, replace=, p=", v) ||
        !np_size_arg(I, "choice", v[1], &ndim, shape, &scalar) ||
        (np_given(v[2]) && !arg_bool(I, "choice", "replace", v[2], &replace)))
        return false;
    if (v[0].kind == VAL_INT) {
        n = v[0].as.i;
    } else {
        if (!np_tensor(I, v[0], &pool))
            return false;
        if (pool->ndim != 1) {
            nn_tensor_unref(pool);
            return interp_error(I, ERR_VALUE, "a must be 1-dimensional");
        }
        n = pool->shape[0];
    }
    if (n <= 0) {
        nn_tensor_unref(pool);
        return interp_error(I, ERR_VALUE, "a must be greater than 0 unless no samples are taken");
    }
    idx = choice_idx(I, v, n, ndim, shape, replace);
    if (!idx) {
        nn_tensor_unref(pool);
        return false;
    }
    if (!pool && scalar && nn_tensor_numel(idx) == 1) {   /* numpy: choice(5) is a Python int */
        *out = val_int((int64_t)nn_tensor_get_f64(idx, 0));
        nn_tensor_unref(idx);
        return true;
    }
    NnTensor *r = pool ? nn_take(interp_nn(I), pool, idx, 0) : nn_tensor_ref(idx);
    nn_tensor_unref(idx);
    nn_tensor_unref(pool);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static const NativeDef np_random_defs[] = {
    {"seed", npr_seed, "seed(seed=None)", "Seeds the session's generator (numpy's legacy MT19937)."},
    {"rand", npr_rand, "rand(d0, d1, ...)", "Uniform samples in [0, 1) of the given shape.\n  np.random.rand(3, 2)"},
    {"randn", npr_randn, "randn(d0, d1, ...)", "Standard normal samples of the given shape."},
    {"random", npr_random, "random(size=None)", "Uniform samples in [0, 1)."},
    {"random_sample", npr_random, "random_sample(size=None)", "Uniform samples in [0, 1)."},
    {"sample", npr_random, "sample(size=None)", "Uniform samples in [0, 1)."},
    {"uniform", npr_uniform, "uniform(low=0.0, high=1.0, size=None)", "Uniform samples in [low, high)."},
    {"normal", npr_normal, "normal(loc=0.0, scale=1.0, size=None)", "Normal samples."},
    {"randint", npr_randint, "randint(low, high=None, size=None, dtype=int)", "Integers in [low, high)."},
    {"choice", npr_choice, "choice(a, size=None, replace=True, p=None)", "Random samples from a (or range(a))."},
    {"shuffle", npr_shuffle, "shuffle(x)", "Shuffles an array in place along its first axis."},
    {"permutation", npr_permutation, "permutation(x)", "A shuffled copy (or a permutation of range(x))."},
    {NULL, NULL, NULL, NULL}
};

bool mod_np_random_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "numpy.random", "numpy's random numbers (legacy RandomState algorithms; "
                    "the same numbers as numpy for the same seed).", &m))
        return false;
    if (!module_add_natives(I, m, np_random_defs) || !module_add_natives(I, m, np_random_more_defs) ||
        !module_add_natives(I, m, np_random_mvn_defs)) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

/* ---- numpy.linalg ---- */

static bool npl_norm(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x = {0}, sq = {0}, s = {0};
    NnTensor *t;
    bool ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "norm", a, "x, ord=, axis=, keepdims=", v))
        return false;
    if (np_given(v[1]))
        return interp_error(I, ERR_VALUE, "nnsh's norm computes the 2-norm / Frobenius norm only "
                            "(ord=None)");
    if (!tensor_from_value(I, v[0], -1, TENSOR_NP, &t))
        return false;
    if (!nn_dtype_is_float(t->dtype)) {
        NnTensor *c = nn_tensor_cast(interp_nn(I), t, NN_F64);
        nn_tensor_unref(t);
        if (!(t = c))
            return interp_error_from_nn(I);
    }
    if (tensor_value_new(I, t, TENSOR_NP, &x) && tensor_unary(I, NN_SQUARE, x, TENSOR_NP, &sq) &&
        tensor_reduce(I, NN_SUM, sq, v[2], v[3], TENSOR_NP, 0, &s))
        ok = tensor_unary(I, NN_SQRT, s, TENSOR_NP, out);
    value_decref(s);
    value_decref(sq);
    value_decref(x);
    return ok;
}

static const NativeDef np_linalg_defs[] = {
    {"norm", npl_norm, "norm(x, ord=None, axis=None, keepdims=False)", "The 2-norm of a vector, Frobenius norm of a matrix."},
    {NULL, NULL, NULL, NULL}
};

bool mod_np_linalg_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "numpy.linalg", "numpy's linear algebra (norm).", &m))
        return false;
    if (!module_add_natives(I, m, np_linalg_defs) || !module_add_natives(I, m, np_linalg_more_defs) ||
        !module_add_natives(I, m, np_linalg_lapack_defs) ||
        !np_linalg_add_error(I, m)) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}
