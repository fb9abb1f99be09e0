/* nn_ops.h - tensor operations: element-wise, reductions, linear algebra,
 * shape manipulation, creation ranges and random tensors.
 *
 * Depends on nn_tensor.h.  Every op returns a new contiguous tensor (a new
 * reference) or NULL with the status and message in the ctx; inputs are
 * borrowed and may be any strided view.  Broadcasting follows numpy.
 * Errors name the operation and the shapes, e.g.
 *   "shapes (3,) and (2,) cannot be broadcast together in add".
 *
 * dtype policy: lib computes in the dtype the caller passes; the language
 * front (tf or numpy flavour) decides promotion.  Comparisons and logical
 * ops return NN_BOOL.  Large element-wise work is split over the ctx's
 * threads.  When an autodiff tape is recording (nn_grad.h), differentiable
 * ops record their node.
 */
#ifndef NN_OPS_H
#define NN_OPS_H

#include "nn_tensor.h"

/* ---- element-wise ---- */
typedef enum {
    NN_ADD, NN_SUB, NN_MUL,
    NN_DIV,         /* true division (caller passes a float dtype) */
    NN_FLOORDIV,    /* floor, as Python and numpy (ints: x // 0 -> 0, as numpy) */
    NN_MOD,         /* sign of the divisor, as Python and numpy */
    NN_POW,
    NN_MAXIMUM, NN_MINIMUM,   /* nan-propagating, as numpy */
    NN_EQ, NN_NE, NN_LT, NN_LE, NN_GT, NN_GE,   /* -> bool */
    NN_LOGICAL_AND, NN_LOGICAL_OR, NN_LOGICAL_XOR, /* -> bool */
    NN_BITAND, NN_BITOR, NN_BITXOR,  /* ints and bools */
    NN_ATAN2,
    NN_BINARY_COUNT
} NnBinaryOp;

const char *nn_binary_name(NnBinaryOp op);   /* "add", "subtract", ... (for messages) */

/* a and b are cast to `dt` and combined with broadcasting. */
NnTensor *nn_binary(NnCtx *ctx, NnBinaryOp op, const NnTensor *a, const NnTensor *b, NnDType dt);

typedef enum {
    NN_NEG, NN_POS, NN_ABS, NN_SIGN, NN_SQUARE, NN_RECIPROCAL,
    NN_SQRT, NN_RSQRT, NN_EXP, NN_EXPM1, NN_LOG, NN_LOG1P, NN_LOG2, NN_LOG10,
    NN_SIN, NN_COS, NN_TAN, NN_ASIN, NN_ACOS, NN_ATAN, NN_SINH, NN_COSH, NN_TANH,
    NN_SIGMOID, NN_RELU, NN_RELU6, NN_ELU, NN_SELU, NN_SOFTPLUS, NN_SOFTSIGN,
    NN_SWISH, NN_GELU, NN_LEAKY_RELU,   /* leaky: alpha 0.2 (Keras) unless nn_leaky_relu */
    NN_FLOOR, NN_CEIL, NN_ROUND,        /* round: half to even, as numpy */
    NN_TRUNC, NN_ERF,
    NN_LOGICAL_NOT, NN_ISNAN, NN_ISINF, NN_ISFINITE,  /* -> bool */
    NN_INVERT,                          /* ~ on ints and bools */
    NN_UNARY_COUNT
} NnUnaryOp;

const char *nn_unary_name(NnUnaryOp op);

/* Computes in a's dtype; transcendental ops on integer input are an NN_ETYPE
 * error (the front casts first, to float32 for tf and float64 for numpy). */
NnTensor *nn_unary(NnCtx *ctx, NnUnaryOp op, const NnTensor *a);
NnTensor *nn_leaky_relu(NnCtx *ctx, const NnTensor *a, double alpha);
/* clip to [lo, hi]; a NaN bound means no bound on that side. */
NnTensor *nn_clip(NnCtx *ctx, const NnTensor *a, double lo, double hi);
/* cond ? a : b with broadcasting of all three; a and b cast to dt. */
NnTensor *nn_where(NnCtx *ctx, const NnTensor *cond, const NnTensor *a, const NnTensor *b, NnDType dt);
/* Numerically stable softmax / log_softmax along axis (negative counts from the end). */
NnTensor *nn_softmax(NnCtx *ctx, const NnTensor *a, int axis);
NnTensor *nn_log_softmax(NnCtx *ctx, const NnTensor *a, int axis);

/* ---- reductions ---- */
typedef enum {
    NN_SUM, NN_MEAN, NN_PROD, NN_MAX, NN_MIN, NN_ANY, NN_ALL,
    NN_STD, NN_VAR,           /* with ddof */
    NN_ARGMAX, NN_ARGMIN,     /* one axis (or all, flattened); int64; first occurrence */
    NN_REDUCE_COUNT
} NnReduceOp;

/* Reduces over axes[0..naxes) (negative counts from the end; naxes 0 = all).
 * Result dtype `dt` (accumulation in at least double for floats, int64 for
 * ints).  max/min of an empty axis is an NN_EARG error ("zero-size array to
 * reduction operation maximum which has no identity"). */
NnTensor *nn_reduce(NnCtx *ctx, NnReduceOp op, const NnTensor *a, const int *axes, int naxes,
                    bool keepdims, NnDType dt, int ddof);
/* Running sum / product along axis (NN_ALL_AXES: flattened). */
NnTensor *nn_cumsum(NnCtx *ctx, const NnTensor *a, int axis, NnDType dt);
NnTensor *nn_cumprod(NnCtx *ctx, const NnTensor *a, int axis, NnDType dt);

/* ---- linear algebra ---- */
/* numpy matmul: 1-D operands promoted and the added axis removed, batch
 * dimensions broadcast.  Both operands must have the same dtype (NN_ETYPE).
 * Error (numpy's): "matmul: Input operand 1 has a mismatch in its core
 * dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 4 is
 * different from 3)".  nn_dot says "shapes (2,3) and (4,5) not aligned:
 * 3 (dim 1) != 4 (dim 0)" as numpy.dot; dot, tensordot and outer promote
 * mixed dtypes with nn_promote. */
NnTensor *nn_matmul(NnCtx *ctx, const NnTensor *a, const NnTensor *b);
/* numpy dot (N-D: sum over a's last and b's second-to-last axis). */
NnTensor *nn_dot(NnCtx *ctx, const NnTensor *a, const NnTensor *b);
/* tensordot over the listed axis pairs. */
NnTensor *nn_tensordot(NnCtx *ctx, const NnTensor *a, const NnTensor *b,
                       int naxes, const int *axes_a, const int *axes_b);
NnTensor *nn_outer(NnCtx *ctx, const NnTensor *a, const NnTensor *b);

/* GEMM backend: C = alpha * op(A) @ op(B) + beta * C, row-major.
 * op(X) = X^T when tX.  Uses cblas when configured, else the built-in
 * blocked kernel. */
void nn_gemm_f32(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                 const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                 float *c, int64_t ldc);
void nn_gemm_f64(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
                 const double *a, int64_t lda, const double *b, int64_t ldb, double beta,
                 double *c, int64_t ldc);
typedef enum { NN_GEMM_AUTO, NN_GEMM_BLAS, NN_GEMM_BUILTIN } NnGemmBackend;
/* Chooses the backend (for tests and bench); false when BLAS is not built in. */
bool nn_gemm_set_backend(NnGemmBackend b);
const char *nn_gemm_backend_name(void);   /* "openblas" / "builtin" */

/* ---- shape manipulation ---- */
NnTensor *nn_concat(NnCtx *ctx, NnTensor *const *ts, int n, int axis, NnDType dt);
NnTensor *nn_stack(NnCtx *ctx, NnTensor *const *ts, int n, int axis, NnDType dt);
/* Splits along axis at the given indices (numpy array_split semantics when
 * nidx == 0 and nsections > 0).  outs receives nidx+1 (or nsections) new tensors. */
NnStatus nn_split(NnCtx *ctx, const NnTensor *t, int axis, int nsections,
                  const int64_t *indices, int nidx, NnTensor **outs);
/* Gather along axis with an integer index tensor (any shape; negative
 * indices count from the end; out of range is NN_EINDEX naming the axis). */
NnTensor *nn_take(NnCtx *ctx, const NnTensor *t, const NnTensor *indices, int axis);
NnTensor *nn_one_hot(NnCtx *ctx, const NnTensor *indices, int64_t depth,
                     double on, double off, NnDType dt);
NnTensor *nn_sort(NnCtx *ctx, const NnTensor *t, int axis, bool descending);
NnTensor *nn_argsort(NnCtx *ctx, const NnTensor *t, int axis, bool descending); /* stable, int64 */
/* Sorted unique values of the flattened tensor; counts/inverse optional (NULL). */
NnTensor *nn_unique(NnCtx *ctx, const NnTensor *t, NnTensor **counts, NnTensor **inverse);
NnTensor *nn_bincount(NnCtx *ctx, const NnTensor *t, const NnTensor *weights, int64_t minlength);
NnTensor *nn_flip(NnCtx *ctx, const NnTensor *t, int axis);
NnTensor *nn_tile(NnCtx *ctx, const NnTensor *t, int n, const int64_t *reps);
NnTensor *nn_repeat(NnCtx *ctx, const NnTensor *t, int64_t repeats, int axis);

/* ---- ranges ---- */
NnTensor *nn_arange(NnCtx *ctx, double start, double stop, double step, NnDType dt);
NnTensor *nn_linspace(NnCtx *ctx, double start, double stop, int64_t num, bool endpoint, NnDType dt);
/* m < 0 means m = n; k is the diagonal offset. */
NnTensor *nn_eye(NnCtx *ctx, int64_t n, int64_t m, int64_t k, NnDType dt);

/* ---- random tensors (the ctx generator; numpy legacy algorithms) ---- */
NnTensor *nn_random_uniform(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, double lo, double hi);
NnTensor *nn_random_normal(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, double mean, double std);
/* Integers in [lo, hi) as numpy's randint. */
NnTensor *nn_random_randint(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, int64_t lo, int64_t hi);
/* Shuffles t in place along axis 0 (numpy shuffle). */
NnStatus nn_random_shuffle(NnCtx *ctx, NnTensor *t);
NnTensor *nn_random_permutation(NnCtx *ctx, int64_t n);

/* ---- additions (tensor runtime) ---- */
/* The built-in GEMM's micro-kernel chosen for this CPU: "avx512", "avx2"
 * or "base" (for bench and tests). */
const char *nn_gemm_builtin_isa(void);
/* ---- additions (tensor language part, nn_linalg_extra.c) ----
 * Square-matrix algebra via LU with partial pivoting in float64, batched
 * over leading dimensions; float32 in -> float32 out, else float64.
 * A singular matrix is NN_EARG "Singular matrix"; a non-square one NN_EDIM. */
NnTensor *nn_linalg_inv(NnCtx *ctx, const NnTensor *a);      /* (..., n, n) */
NnTensor *nn_linalg_det(NnCtx *ctx, const NnTensor *a);      /* (..., n, n) -> (...) */
/* x with a @ x = b: b (..., n) or (..., n, k) with the batch of a. */
NnTensor *nn_linalg_solve(NnCtx *ctx, const NnTensor *a, const NnTensor *b);


/* Added for numpy: nn_reduce with numpy's summation order and rounding for
 * float NN_SUM/NN_MEAN/NN_VAR/NN_STD (nn_reduce_np.c); other ops as nn_reduce. */
NnTensor *nn_reduce_np(NnCtx *ctx, NnReduceOp op, const NnTensor *a, const int *axes, int naxes,
                       bool keepdims, NnDType dt, int ddof);

/* ---- additions (tensor language part, nn_lapack.c) ----
 * numpy.linalg's LAPACK factorisations in float64 (float32 in -> float32
 * out), batched over leading dimensions.  Outputs are new references, set
 * only on NN_OK.  NN_EARG carries numpy's LinAlgError text ("Eigenvalues
 * did not converge", "SVD did not converge", "Last 2 dimensions of the
 * array must be square"); without LAPACKE at build time they fail with
 * NN_ETYPE saying so (nn_lapack_available() is false). */
bool nn_lapack_available(void);
/* geev: eigenvalues w (..., n) and, when v, right eigenvectors (..., n, n);
 * complex eigenvalues are NN_ETYPE. */
NnStatus nn_linalg_eig(NnCtx *ctx, const NnTensor *a, bool vectors, NnTensor **w, NnTensor **v);
/* syevd with uplo 'L' or 'U': ascending w (..., n), v (..., n, n). */
NnStatus nn_linalg_eigh(NnCtx *ctx, const NnTensor *a, char uplo, bool vectors, NnTensor **w, NnTensor **v);
/* gesdd: s (..., k), k = min(m, n); u, vt when u is non-NULL and uv
 * (full: (m, m) and (n, n); else (m, k) and (k, n)). */
NnStatus nn_linalg_svd(NnCtx *ctx, const NnTensor *a, bool full, bool uv, NnTensor **u, NnTensor **s,
                       NnTensor **vt);
/* Reduced QR: q (..., m, k), r (..., k, n). */
NnStatus nn_linalg_qr(NnCtx *ctx, const NnTensor *a, NnTensor **q, NnTensor **r);
/* gelsd: a (m, n), b (m,) or (m, k); x (n,) or (n, k), residuals (k,) or
 * (0,) as numpy, the rank and the singular values (min(m, n),). */
NnStatus nn_linalg_lstsq(NnCtx *ctx, const NnTensor *a, const NnTensor *b, double rcond, NnTensor **x,
                         NnTensor **resid, int64_t *rank, NnTensor **s);

#endif
