/* nn_unary.c - unary element-wise ops (math, activations, rounding, tests),
 * leaky_relu, clip, where, and numerically stable softmax / log_softmax.
 *
 * Owned by the tensor runtime.  Each public function is a thin entry (the
 * autodiff hook point) over a kernel.  float32 is computed with the float
 * functions of libm (expf, tanhf, ...); activations are written in their
 * stable forms (sigmoid never overflows exp, softplus uses log1p(exp(-|x|)),
 * softmax subtracts the row maximum and sums in double).
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAR_MIN (1 << 16)

static const char *const un_names[NN_UNARY_COUNT] = {
    "negative", "positive", "absolute", "sign", "square", "reciprocal",
    "sqrt", "rsqrt", "exp", "expm1", "log", "log1p", "log2", "log10",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "sigmoid", "relu", "relu6", "elu", "selu", "softplus", "softsign",
    "swish", "gelu", "leaky_relu", "floor", "ceil", "round", "trunc", "erf",
    "logical_not", "isnan", "isinf", "isfinite", "invert",
};

const char *nn_unary_name(NnUnaryOp op)
{
    return (unsigned)op < NN_UNARY_COUNT ? un_names[op] : "?";
}

static bool to_bool(NnUnaryOp op)
{
    return op == NN_LOGICAL_NOT || op == NN_ISNAN || op == NN_ISINF || op == NN_ISFINITE;
}

/* the integer kernels are shared by signed and unsigned types */
#pragma GCC diagnostic ignored "-Wtype-limits"

#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

#define ULOOP(T, R, EXPR)                                                         \
    do {                                                                          \
        R *o_ = (R *)o;                                                           \
        if (sa == 1)                                                              \
            for (int64_t i = 0; i < n; i++) { T x = a[i]; o_[i] = (R)(EXPR); }    \
        else                                                                      \
            for (int64_t i = 0; i < n; i++) { T x = a[i * sa]; o_[i] = (R)(EXPR); } \
    } while (0)

#define DEF_FLOAT_UNARY(T, S)                                                             \
    static inline T sigmoid_##S(T x)                                                      \
    {                                                                                     \
        if (x >= 0)                                                                       \
            return 1 / (1 + exp##S(-x));                                                  \
        T e = exp##S(x);                                                                  \
        return e / (1 + e);                                                               \
    }                                                                                     \
    static void un_##T(NnUnaryOp op, int64_t n, const T *a, int64_t sa, void *o, T alpha) \
    {                                                                                     \
        switch (op) {                                                                     \
        case NN_NEG: ULOOP(T, T, -x); break;                                              \
        case NN_POS: ULOOP(T, T, x); break;                                               \
        case NN_ABS: ULOOP(T, T, fabs##S(x)); break;                                      \
        case NN_SIGN: ULOOP(T, T, x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x); break;        \
        case NN_SQUARE: ULOOP(T, T, x * x); break;                                        \
        case NN_RECIPROCAL: ULOOP(T, T, 1 / x); break;                                    \
        case NN_SQRT: ULOOP(T, T, sqrt##S(x)); break;                                     \
        case NN_RSQRT: ULOOP(T, T, 1 / sqrt##S(x)); break;                                \
        case NN_EXP: ULOOP(T, T, exp##S(x)); break;                                       \
        case NN_EXPM1: ULOOP(T, T, expm1##S(x)); break;                                   \
        case NN_LOG: ULOOP(T, T, log##S(x)); break;                                       \
        case NN_LOG1P: ULOOP(T, T, log1p##S(x)); break;                                   \
        case NN_LOG2: ULOOP(T, T, log2##S(x)); break;                                     \
        case NN_LOG10: ULOOP(T, T, log10##S(x)); break;                                   \
        case NN_SIN: ULOOP(T, T, sin##S(x)); break;                                       \
        case NN_COS: ULOOP(T, T, cos##S(x)); break;                                       \
        case NN_TAN: ULOOP(T, T, tan##S(x)); break;                                       \
        case NN_ASIN: ULOOP(T, T, asin##S(x)); break;                                     \
        case NN_ACOS: ULOOP(T, T, acos##S(x)); break;                                     \
        case NN_ATAN: ULOOP(T, T, atan##S(x)); break;                                     \
        case NN_SINH: ULOOP(T, T, sinh##S(x)); break;                                     \
        case NN_COSH: ULOOP(T, T, cosh##S(x)); break;                                     \
        case NN_TANH: ULOOP(T, T, tanh##S(x)); break;                                     \
        case NN_SIGMOID: ULOOP(T, T, sigmoid_##S(x)); break;                              \
        case NN_RELU: ULOOP(T, T, x > 0 ? x : (x != x ? x : 0)); break;                   \
        case NN_RELU6: ULOOP(T, T, x != x ? x : x < 0 ? 0 : x > 6 ? 6 : x); break;        \
        case NN_ELU: ULOOP(T, T, x > 0 ? x : expm1##S(x)); break;                         \
        case NN_SELU:                                                                     \
            ULOOP(T, T, (T)SELU_SCALE * (x > 0 ? x : (T)SELU_ALPHA * expm1##S(x)));       \
            break;                                                                        \
        case NN_SOFTPLUS:                                                                 \
            ULOOP(T, T, (x > 0 ? x : 0) + log1p##S(exp##S(-fabs##S(x))));                 \
            break;                                                                        \
        case NN_SOFTSIGN: ULOOP(T, T, x / (1 + fabs##S(x))); break;                       \
        case NN_SWISH: ULOOP(T, T, x * sigmoid_##S(x)); break;                            \
        case NN_GELU:                                                                     \
            ULOOP(T, T, (T)0.5 * x * (1 + erf##S(x * (T)0.70710678118654752440)));        \
            break;                                                                        \
        case NN_LEAKY_RELU: ULOOP(T, T, x > 0 ? x : alpha * x); break;                    \
        case NN_FLOOR: ULOOP(T, T, floor##S(x)); break;                                   \
        case NN_CEIL: ULOOP(T, T, ceil##S(x)); break;                                     \
        case NN_ROUND: ULOOP(T, T, nearbyint##S(x)); break;                               \
        case NN_TRUNC: ULOOP(T, T, trunc##S(x)); break;                                   \
        case NN_ERF: ULOOP(T, T, erf##S(x)); break;                                       \
        case NN_LOGICAL_NOT: ULOOP(T, bool, x == 0); break;                               \
        case NN_ISNAN: ULOOP(T, bool, isnan(x)); break;                                   \
        case NN_ISINF: ULOOP(T, bool, isinf(x)); break;                                   \
        case NN_ISFINITE: ULOOP(T, bool, isfinite(x)); break;                             \
        default: break;                                                                   \
        }                                                                                 \
    }
DEF_FLOAT_UNARY(float, f)
DEF_FLOAT_UNARY(double, )

#define DEF_INT_UNARY(T, U, ABS)                                                          \
    static void un_##T(NnUnaryOp op, int64_t n, const T *a, int64_t sa, void *o, double alpha) \
    {                                                                                     \
        (void)alpha;                                                                      \
        switch (op) {                                                                     \
        case NN_NEG: ULOOP(T, T, -(U)x); break;                                           \
        case NN_POS: case NN_FLOOR: case NN_CEIL: case NN_ROUND: case NN_TRUNC:           \
            ULOOP(T, T, x); break;                                                        \
        case NN_ABS: ULOOP(T, T, ABS); break;                                             \
        case NN_SIGN: ULOOP(T, T, (x > 0) - (x < 0)); break;                              \
        case NN_SQUARE: ULOOP(T, T, (U)x * (U)x); break;                                  \
        case NN_RELU: ULOOP(T, T, x > 0 ? x : 0); break;                                  \
        case NN_RELU6: ULOOP(T, T, x < 0 ? 0 : x > 6 ? 6 : x); break;                     \
        case NN_LOGICAL_NOT: ULOOP(T, bool, x == 0); break;                               \
        case NN_ISNAN: case NN_ISINF: ULOOP(T, bool, ((void)x, 0)); break;                           \
        case NN_ISFINITE: ULOOP(T, bool, ((void)x, 1)); break;                                       \
        case NN_INVERT: ULOOP(T, T, ~x); break;                                           \
        default: break;                                                                   \
        }                                                                                 \
    }
DEF_INT_UNARY(int32_t, uint32_t, x < 0 ? -(uint32_t)x : (uint32_t)x)
DEF_INT_UNARY(int64_t, uint64_t, x < 0 ? -(uint64_t)x : (uint64_t)x)
DEF_INT_UNARY(uint8_t, uint32_t, x)

static void un_bool(NnUnaryOp op, int64_t n, const uint8_t *a, int64_t sa, void *o)
{
    switch (op) {
    case NN_POS: case NN_ABS: ULOOP(uint8_t, bool, x); break;
    case NN_LOGICAL_NOT: case NN_INVERT: ULOOP(uint8_t, bool, !x); break;
    case NN_ISNAN: case NN_ISINF: ULOOP(uint8_t, bool, ((void)x, 0)); break;
    case NN_ISFINITE: ULOOP(uint8_t, bool, ((void)x, 1)); break;
    default: break;
    }
}

static bool unary_defined(NnUnaryOp op, NnDType dt)
{
    if ((unsigned)op >= NN_UNARY_COUNT)
        return false;
    if (nn_dtype_is_float(dt))
        return op != NN_INVERT;
    if (dt == NN_BOOL)
        return op == NN_POS || op == NN_ABS || op == NN_LOGICAL_NOT || op == NN_INVERT ||
               op == NN_ISNAN || op == NN_ISINF || op == NN_ISFINITE;
    switch (op) {
    case NN_NEG: case NN_POS: case NN_ABS: case NN_SIGN: case NN_SQUARE: case NN_RELU:
    case NN_RELU6: case NN_FLOOR: case NN_CEIL: case NN_ROUND: case NN_TRUNC:
    case NN_LOGICAL_NOT: case NN_ISNAN: case NN_ISINF: case NN_ISFINITE: case NN_INVERT:
        return true;
    default:
        return false;
    }
}

typedef struct {
    NnUnaryOp op;
    NnDType dt;
    double alpha;
    char *o, *a;
    size_t oes, es;
    NnIter it;
} UnJob;

static void un_run(void *arg, int64_t n, const int64_t *off, const int64_t *step)
{
    UnJob *j = arg;
    void *o = j->o + off[0] * (int64_t)j->oes;
    const void *a = j->a + off[1] * (int64_t)j->es;
    int64_t sa = step[1];
    switch (j->dt) {
    case NN_F32: un_float(j->op, n, a, sa, o, (float)j->alpha); break;
    case NN_F64: un_double(j->op, n, a, sa, o, j->alpha); break;
    case NN_I32: un_int32_t(j->op, n, a, sa, o, j->alpha); break;
    case NN_I64: un_int64_t(j->op, n, a, sa, o, j->alpha); break;
    case NN_U8: un_uint8_t(j->op, n, a, sa, o, j->alpha); break;
    case NN_BOOL: un_bool(j->op, n, a, sa, o); break;
    default: break;
    }
}

static void un_task(void *arg, int64_t lo, int64_t hi)
{
    UnJob *j = arg;
    nn_iter_run(&j->it, lo, hi, un_run, j);
}

static NnTensor *unary_kernel(NnCtx *ctx, NnUnaryOp op, const NnTensor *a, double alpha)
{
    if (!unary_defined(op, a->dtype)) {
        nn_error(ctx, NN_ETYPE, "ufunc '%s' not supported for dtype %s", nn_unary_name(op),
                 nn_dtype_name(a->dtype));
        return NULL;
    }
    NnTensor *out = nn_tensor_empty(ctx, to_bool(op) ? NN_BOOL : a->dtype, a->ndim, a->shape);
    if (!out)
        return NULL;
    UnJob j = {.op = op, .dt = a->dtype, .alpha = alpha};
    const int64_t *strides[2] = {out->strides, a->strides};
    nn_iter_init(&j.it, a->ndim, a->shape, 2, strides);
    j.o = nn_tensor_data(out);
    j.a = nn_tensor_data(a);
    j.oes = nn_dtype_size(out->dtype);
    j.es = nn_dtype_size(a->dtype);
    nn_parallel_for(ctx, nn_tensor_numel(out), PAR_MIN, un_task, &j);
    return out;
}

NnTensor *nn_unary(NnCtx *ctx, NnUnaryOp op, const NnTensor *a)
{
    return unary_kernel(ctx, op, a, 0.2);
}

NnTensor *nn_leaky_relu(NnCtx *ctx, const NnTensor *a, double alpha)
{
    if (!nn_dtype_is_float(a->dtype)) {
        nn_error(ctx, NN_ETYPE, "leaky_relu needs a float tensor (got %s)", nn_dtype_name(a->dtype));
        return NULL;
    }
    return unary_kernel(ctx, NN_LEAKY_RELU, a, alpha);
}

/* ---- clip ---- */

#define CLIP_LOOP(T)                                                     \
    do {                                                                 \
        T *p = d;                                                        \
        for (int64_t i = 0; i < n; i++) {                                \
            T v = p[i];                                                  \
            if (has_lo && v < (T)lo)                                     \
                v = (T)lo;                                               \
            if (has_hi && v > (T)hi)                                     \
                v = (T)hi;                                               \
            p[i] = v;                                                    \
        }                                                                \
    } while (0)

NnTensor *nn_clip(NnCtx *ctx, const NnTensor *a, double lo, double hi)
{
    NnTensor *r = nn_tensor_copy(ctx, a);
    if (!r)
        return NULL;
    bool has_lo = !isnan(lo), has_hi = !isnan(hi);
    int64_t n = nn_tensor_numel(r);
    void *d = r->buf->data;
    switch (r->dtype) {
    case NN_F32: CLIP_LOOP(float); break;
    case NN_F64: CLIP_LOOP(double); break;
    case NN_I32: lo = fmax(lo, INT32_MIN); hi = fmin(hi, INT32_MAX); CLIP_LOOP(int32_t); break;
    case NN_I64: lo = fmax(lo, -9.2e18); hi = fmin(hi, 9.2e18); CLIP_LOOP(int64_t); break;
    case NN_U8: lo = fmax(lo, 0); hi = fmin(hi, 255); CLIP_LOOP(uint8_t); break;
    case NN_BOOL: lo = fmax(lo, 0); hi = fmin(hi, 1); CLIP_LOOP(uint8_t); break;
    default: break;
    }
    return r;
}

/* ---- where ---- */

typedef struct {
    char *o, *c, *a, *b;
    size_t es;
    NnIter it;
} WhereJob;

#define WHERE_LOOP(T)                                                          \
    do {                                                                       \
        T *o = (T *)j->o + off[0];                                             \
        const uint8_t *c = (const uint8_t *)j->c + off[1];                     \
        const T *a = (const T *)j->a + off[2], *b = (const T *)j->b + off[3];  \
        for (int64_t i = 0; i < n; i++)                                        \
            o[i] = c[i * step[1]] ? a[i * step[2]] : b[i * step[3]];           \
    } while (0)

static void where_run(void *arg, int64_t n, const int64_t *off, const int64_t *step)
{
    WhereJob *j = arg;
    switch (j->es) {
    case 1: WHERE_LOOP(uint8_t); break;
    case 4: WHERE_LOOP(uint32_t); break;
    default: WHERE_LOOP(uint64_t); break;
    }
}

static void where_task(void *arg, int64_t lo, int64_t hi)
{
    WhereJob *j = arg;
    nn_iter_run(&j->it, lo, hi, where_run, j);
}

static void where_kernel(NnCtx *ctx, NnTensor *out, const NnTensor *c, const NnTensor *a,
                         const NnTensor *b)
{
    WhereJob j;
    int64_t sc[NN_MAXDIM], sa[NN_MAXDIM], sb[NN_MAXDIM];
    nn_broadcast_strides(c, out->ndim, out->shape, sc);
    nn_broadcast_strides(a, out->ndim, out->shape, sa);
    nn_broadcast_strides(b, out->ndim, out->shape, sb);
    const int64_t *strides[4] = {out->strides, sc, sa, sb};
    nn_iter_init(&j.it, out->ndim, out->shape, 4, strides);
    j.o = nn_tensor_data(out);
    j.c = nn_tensor_data(c);
    j.a = nn_tensor_data(a);
    j.b = nn_tensor_data(b);
    j.es = nn_dtype_size(out->dtype);
    nn_parallel_for(ctx, nn_tensor_numel(out), PAR_MIN, where_task, &j);
}

NnTensor *nn_where(NnCtx *ctx, const NnTensor *cond, const NnTensor *a, const NnTensor *b, NnDType dt)
{
    NnTensor *c = NULL, *ca = NULL, *cb = NULL, *out = NULL;
    int n1, n2;
    int64_t s1[NN_MAXDIM], s2[NN_MAXDIM];
    if (nn_broadcast_shape(ctx, cond->ndim, cond->shape, a->ndim, a->shape, &n1, s1) ||
        nn_broadcast_shape(ctx, n1, s1, b->ndim, b->shape, &n2, s2)) {
        size_t len = strlen(ctx->msg);
        snprintf(ctx->msg + len, sizeof ctx->msg - len, " in where");
        return NULL;
    }
    if (!(c = nn_as_dtype(ctx, cond, NN_BOOL)) || !(ca = nn_as_dtype(ctx, a, dt)) ||
        !(cb = nn_as_dtype(ctx, b, dt)))
        goto done;
    out = nn_tensor_empty(ctx, dt, n2, s2);
    if (out)
        where_kernel(ctx, out, c, ca, cb);
done:
    nn_tensor_unref(cb);
    nn_tensor_unref(ca);
    nn_tensor_unref(c);
    return out;
}

/* ---- softmax ---- */

#define SOFTMAX_ROWS(T, EXP, LOG)                                             \
    do {                                                                      \
        T *p = r->buf->data;                                                  \
        for (int64_t row = 0; row < rows; row++, p += k) {                    \
            T m = p[0];                                                       \
            for (int64_t i = 1; i < k; i++)                                   \
                if (p[i] > m || p[i] != p[i])                                 \
                    m = p[i];                                                 \
            if (isinf(m) && m < 0)                                            \
                m = 0;                                                        \
            double s = 0;                                                     \
            for (int64_t i = 0; i < k; i++)                                   \
                s += (double)EXP(p[i] - m);                                   \
            if (log_) {                                                       \
                T ls = (T)log(s);                                             \
                for (int64_t i = 0; i < k; i++)                               \
                    p[i] = p[i] - m - ls;                                     \
            } else {                                                          \
                T inv = (T)(1.0 / s);                                         \
                for (int64_t i = 0; i < k; i++)                               \
                    p[i] = EXP(p[i] - m) * inv;                               \
            }                                                                 \
        }                                                                     \
    } while (0)

static NnTensor *softmax_kernel(NnCtx *ctx, const NnTensor *a, int axis, bool log_)
{
    int ax, perm[NN_MAXDIM];
    if (!nn_dtype_is_float(a->dtype)) {
        nn_error(ctx, NN_ETYPE, "%s needs a float tensor (got %s)", log_ ? "log_softmax" : "softmax",
                 nn_dtype_name(a->dtype));
        return NULL;
    }
    if (a->ndim == 0)
        return nn_unary(ctx, NN_POS, a);   /* nothing to normalise over */
    if (nn_norm_axis(ctx, axis, a->ndim, &ax))
        return NULL;
    for (int i = 0, k = 0; i < a->ndim; i++)
        if (i != ax)
            perm[k++] = i;
    perm[a->ndim - 1] = ax;
    NnTensor *v = nn_tensor_transpose(ctx, (NnTensor *)a, perm);
    NnTensor *r = v ? nn_tensor_copy(ctx, v) : NULL;
    nn_tensor_unref(v);
    if (!r)
        return NULL;
    int64_t k = r->shape[r->ndim - 1], rows = k ? nn_tensor_numel(r) / k : 0;
    if (r->dtype == NN_F32)
        SOFTMAX_ROWS(float, expf, logf);
    else
        SOFTMAX_ROWS(double, exp, log);
    if (ax == a->ndim - 1)
        return r;
    int inv[NN_MAXDIM];
    for (int i = 0; i < a->ndim; i++)
        inv[perm[i]] = i;
    NnTensor *back = nn_tensor_transpose(ctx, r, inv);
    NnTensor *out = back ? nn_tensor_copy(ctx, back) : NULL;
    nn_tensor_unref(back);
    nn_tensor_unref(r);
    return out;
}

NnTensor *nn_softmax(NnCtx *ctx, const NnTensor *a, int axis)
{
    return softmax_kernel(ctx, a, axis, false);
}

NnTensor *nn_log_softmax(NnCtx *ctx, const NnTensor *a, int axis)
{
    return softmax_kernel(ctx, a, axis, true);
}
