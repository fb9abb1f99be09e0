/* nn_elementwise.c - binary element-wise ops with numpy broadcasting:
 * arithmetic (Python/numpy floor division and modulo, integer powers by
 * squaring), nan-propagating maximum/minimum, IEEE comparisons, logical and
 * bitwise ops, atan2.
 *
 * Owned by the tensor runtime.  nn_binary is the one public entry (the
 * autodiff hook point); binary_kernel does the work.  Operands are cast to
 * the computing dtype, broadcast into one strided walk (nn_iter_run collapses
 * dims, so same-shape, scalar and row broadcasts become long unit-stride or
 * zero-stride runs the compiler vectorises) and split over the ctx's
 * threads for large outputs.  Unary ops live in nn_unary.c.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAR_MIN (1 << 16)   /* elements per thread before splitting */

static const char *const bin_names[NN_BINARY_COUNT] = {
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
    "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and",
    "bitwise_or", "bitwise_xor", "arctan2",
};

const char *nn_binary_name(NnBinaryOp op)
{
    return (unsigned)op < NN_BINARY_COUNT ? bin_names[op] : "?";
}

static bool is_cmp(NnBinaryOp op) { return op >= NN_EQ && op <= NN_LOGICAL_XOR; }

/* ---- float helpers (numpy npy_divmod) ---- */

#define DEF_DIVMOD(T, S)                                                        \
    static inline T floordiv_##S(T a, T b)                                      \
    {                                                                           \
        if (!b)                                                                 \
            return a / b;                                                       \
        T mod = fmod##S(a, b), div = (a - mod) / b;                             \
        if (mod && ((b < 0) != (mod < 0)))                                      \
            div -= 1;                                                           \
        if (!div)                                                               \
            return copysign##S(0, a / b);                                       \
        T fl = floor##S(div);                                                   \
        return div - fl > (T)0.5 ? fl + 1 : fl;                                 \
    }                                                                           \
    static inline T remainder_##S(T a, T b)                                     \
    {                                                                           \
        T mod = fmod##S(a, b);                                                  \
        if (!b)                                                                 \
            return mod;                                                         \
        if (mod) {                                                              \
            if ((b < 0) != (mod < 0))                                           \
                mod += b;                                                       \
        } else {                                                                \
            mod = copysign##S(0, b);                                            \
        }                                                                       \
        return mod;                                                             \
    }
DEF_DIVMOD(float, f)
DEF_DIVMOD(double, )

/* ---- integer helpers (Python semantics; x // 0 == x % 0 == 0 as numpy) ---- */

#define DEF_INTOPS(T, U, MIN)                                                 \
    static inline T ifloordiv_##T(T x, T y)                                     \
    {                                                                           \
        if (y == 0)                                                             \
            return 0;                                                           \
        if (x == (T)MIN && y == (T)-1)                              \
            return x;                                                           \
        T q = x / y;                                                            \
        if ((x % y != 0) && ((x < 0) != (y < 0)))                               \
            q--;                                                                \
        return q;                                                               \
    }                                                                           \
    static inline T imod_##T(T x, T y)                                          \
    {                                                                           \
        if (y == 0 || y == (T)-1)                                 \
            return 0;                                                           \
        T r = x % y;                                                            \
        if (r != 0 && ((r < 0) != (y < 0)))                                     \
            r += y;                                                             \
        return r;                                                               \
    }                                                                           \
    static inline T ipow_##T(T x, T y)                                          \
    {                                                                           \
        U r = 1, b = (U)x;                                                      \
        for (U e = (U)y; e; e >>= 1) {                                          \
            if (e & 1)                                                          \
                r *= b;                                                         \
            b *= b;                                                             \
        }                                                                       \
        return (T)r;                                                            \
    }
DEF_INTOPS(int32_t, uint32_t, INT32_MIN)
DEF_INTOPS(int64_t, uint64_t, INT64_MIN)
static inline uint8_t ifloordiv_uint8_t(uint8_t x, uint8_t y) { return y ? x / y : 0; }
static inline uint8_t imod_uint8_t(uint8_t x, uint8_t y) { return y ? x % y : 0; }
static inline uint8_t ipow_uint8_t(uint8_t x, uint8_t y)
{
    uint32_t r = 1, b = x;
    for (uint32_t e = y; e; e >>= 1) {
        if (e & 1)
            r *= b;
        b *= b;
    }
    return (uint8_t)r;
}

/* One inner run: o[i] = EXPR(x, y) with x = a[i*sa], y = b[i*sb]; the
 * unit-stride and scalar cases are spelled out so they vectorise. */
#define RUN(T, R, EXPR)                                                             \
    do {                                                                            \
        R *o_ = (R *)o;                                                             \
        if (sa == 1 && sb == 1) {                                                   \
            for (int64_t i = 0; i < n; i++) { T x = a[i], y = b[i]; o_[i] = (R)(EXPR); } \
        } else if (sa == 1 && sb == 0) {                                            \
            T y = b[0];                                                             \
            for (int64_t i = 0; i < n; i++) { T x = a[i]; o_[i] = (R)(EXPR); }      \
        } else if (sa == 0 && sb == 1) {                                            \
            T x = a[0];                                                             \
            for (int64_t i = 0; i < n; i++) { T y = b[i]; o_[i] = (R)(EXPR); }      \
        } else {                                                                    \
            for (int64_t i = 0; i < n; i++) {                                       \
                T x = a[i * sa], y = b[i * sb];                                     \
                o_[i] = (R)(EXPR);                                                  \
            }                                                                       \
        }                                                                           \
    } while (0)

#define CMP_CASES(T)                                                     \
    case NN_EQ: RUN(T, bool, x == y); break;                             \
    case NN_NE: RUN(T, bool, x != y); break;                             \
    case NN_LT: RUN(T, bool, x < y); break;                              \
    case NN_LE: RUN(T, bool, x <= y); break;                             \
    case NN_GT: RUN(T, bool, x > y); break;                              \
    case NN_GE: RUN(T, bool, x >= y); break;                             \
    case NN_LOGICAL_AND: RUN(T, bool, (x != 0) & (y != 0)); break;       \
    case NN_LOGICAL_OR: RUN(T, bool, (x != 0) | (y != 0)); break;        \
    case NN_LOGICAL_XOR: RUN(T, bool, (x != 0) ^ (y != 0)); break;

#define DEF_FLOAT_KERNEL(T, S)                                                        \
    static void bin_##T(NnBinaryOp op, int64_t n, const T *a, int64_t sa,             \
                        const T *b, int64_t sb, void *o)                              \
    {                                                                                 \
        switch (op) {                                                                 \
        case NN_ADD: RUN(T, T, x + y); break;                                         \
        case NN_SUB: RUN(T, T, x - y); break;                                         \
        case NN_MUL: RUN(T, T, x * y); break;                                         \
        case NN_DIV: RUN(T, T, x / y); break;                                         \
        case NN_FLOORDIV: RUN(T, T, floordiv_##S(x, y)); break;                       \
        case NN_MOD: RUN(T, T, remainder_##S(x, y)); break;                           \
        case NN_POW: RUN(T, T, pow##S(x, y)); break;                                  \
        case NN_MAXIMUM: RUN(T, T, (x >= y || x != x) ? x : y); break;                \
        case NN_MINIMUM: RUN(T, T, (x <= y || x != x) ? x : y); break;                \
        case NN_ATAN2: RUN(T, T, atan2##S(x, y)); break;                              \
        CMP_CASES(T)                                                                  \
        default: break;                                                               \
        }                                                                             \
    }
DEF_FLOAT_KERNEL(float, f)
DEF_FLOAT_KERNEL(double, )

#define DEF_INT_KERNEL(T, U)                                                          \
    static void bin_##T(NnBinaryOp op, int64_t n, const T *a, int64_t sa,             \
                        const T *b, int64_t sb, void *o)                              \
    {                                                                                 \
        switch (op) {                                                                 \
        case NN_ADD: RUN(T, T, (U)x + (U)y); break;                                   \
        case NN_SUB: RUN(T, T, (U)x - (U)y); break;                                   \
        case NN_MUL: RUN(T, T, (U)x * (U)y); break;                                   \
        case NN_FLOORDIV: RUN(T, T, ifloordiv_##T(x, y)); break;                      \
        case NN_MOD: RUN(T, T, imod_##T(x, y)); break;                                \
        case NN_POW: RUN(T, T, ipow_##T(x, y)); break;                                \
        case NN_MAXIMUM: RUN(T, T, x >= y ? x : y); break;                            \
        case NN_MINIMUM: RUN(T, T, x <= y ? x : y); break;                            \
        case NN_BITAND: RUN(T, T, x & y); break;                                      \
        case NN_BITOR: RUN(T, T, x | y); break;                                       \
        case NN_BITXOR: RUN(T, T, x ^ y); break;                                      \
        CMP_CASES(T)                                                                  \
        default: break;                                                               \
        }                                                                             \
    }
DEF_INT_KERNEL(int32_t, uint32_t)
DEF_INT_KERNEL(int64_t, uint64_t)
DEF_INT_KERNEL(uint8_t, uint32_t)

static void bin_bool(NnBinaryOp op, int64_t n, const uint8_t *a, int64_t sa,
                     const uint8_t *b, int64_t sb, void *o)
{
    switch (op) {
    case NN_ADD: case NN_MAXIMUM: case NN_BITOR: RUN(uint8_t, bool, x | y); break;
    case NN_MUL: case NN_MINIMUM: case NN_BITAND: RUN(uint8_t, bool, x & y); break;
    case NN_BITXOR: RUN(uint8_t, bool, x ^ y); break;
    CMP_CASES(uint8_t)
    default: break;
    }
}

/* Whether op is defined for dt (numpy's ufunc type tables). */
static bool binary_defined(NnBinaryOp op, NnDType dt)
{
    if ((unsigned)op >= NN_BINARY_COUNT)
        return false;
    if (is_cmp(op))
        return true;
    if (dt == NN_BOOL)
        return op == NN_ADD || op == NN_MUL || op == NN_MAXIMUM || op == NN_MINIMUM ||
               op == NN_BITAND || op == NN_BITOR || op == NN_BITXOR;
    if (nn_dtype_is_float(dt))
        return op != NN_BITAND && op != NN_BITOR && op != NN_BITXOR;
    return op != NN_DIV && op != NN_ATAN2;
}

typedef struct {
    NnBinaryOp op;
    NnDType dt;
    char *o, *a, *b;
    size_t oes, es;
    NnIter it;
} BinJob;

static void bin_run(void *arg, int64_t n, const int64_t *off, const int64_t *step)
{
    BinJob *j = arg;
    void *o = j->o + off[0] * (int64_t)j->oes;
    const void *a = j->a + off[1] * (int64_t)j->es, *b = j->b + off[2] * (int64_t)j->es;
    int64_t sa = step[1], sb = step[2];
    switch (j->dt) {
    case NN_F32: bin_float(j->op, n, a, sa, b, sb, o); break;
    case NN_F64: bin_double(j->op, n, a, sa, b, sb, o); break;
    case NN_I32: bin_int32_t(j->op, n, a, sa, b, sb, o); break;
    case NN_I64: bin_int64_t(j->op, n, a, sa, b, sb, o); break;
    case NN_U8: bin_uint8_t(j->op, n, a, sa, b, sb, o); break;
    case NN_BOOL: bin_bool(j->op, n, a, sa, b, sb, o); break;
    default: break;
    }
}

static void bin_task(void *arg, int64_t lo, int64_t hi)
{
    BinJob *j = arg;
    nn_iter_run(&j->it, lo, hi, bin_run, j);
}

static NnStatus check_int_pow(NnCtx *ctx, const NnTensor *b)
{
    if (b->dtype == NN_U8 || b->dtype == NN_BOOL)
        return NN_OK;
    int64_t n = nn_tensor_numel(b);
    for (int64_t i = 0; i < n; i++)
        if (nn_tensor_get_i64(b, i) < 0)
            return nn_error(ctx, NN_EARG, "Integers to negative integer powers are not allowed.");
    return NN_OK;
}

/* out (fresh, contiguous, broadcast shape) = a op b, both already in dt. */
static void binary_kernel(NnCtx *ctx, NnBinaryOp op, NnTensor *out, const NnTensor *a,
                          const NnTensor *b, NnDType dt)
{
    BinJob j = {.op = op, .dt = dt};
    int64_t sa[NN_MAXDIM], sb[NN_MAXDIM];
    nn_broadcast_strides(a, out->ndim, out->shape, sa);
    nn_broadcast_strides(b, out->ndim, out->shape, sb);
    const int64_t *strides[3] = {out->strides, sa, sb};
    nn_iter_init(&j.it, out->ndim, out->shape, 3, strides);
    j.o = nn_tensor_data(out);
    j.a = nn_tensor_data(a);
    j.b = nn_tensor_data(b);
    j.oes = nn_dtype_size(out->dtype);
    j.es = nn_dtype_size(dt);
    nn_parallel_for(ctx, nn_tensor_numel(out), PAR_MIN, bin_task, &j);
}

NnTensor *nn_binary(NnCtx *ctx, NnBinaryOp op, const NnTensor *a, const NnTensor *b, NnDType dt)
{
    NnTensor *ca = NULL, *cb = NULL, *out = NULL;
    int nd;
    int64_t shape[NN_MAXDIM];
    if (!binary_defined(op, dt)) {
        nn_error(ctx, NN_ETYPE, "ufunc '%s' not supported for dtype %s", nn_binary_name(op),
                 nn_dtype_name(dt));
        return NULL;
    }
    if (nn_broadcast_shape(ctx, a->ndim, a->shape, b->ndim, b->shape, &nd, shape)) {
        size_t len = strlen(ctx->msg);
        snprintf(ctx->msg + len, sizeof ctx->msg - len, " in %s", nn_binary_name(op));
        return NULL;
    }
    if (!(ca = nn_as_dtype(ctx, a, dt)) || !(cb = nn_as_dtype(ctx, b, dt)))
        goto done;
    if (op == NN_POW && nn_dtype_is_int(dt) && check_int_pow(ctx, cb))
        goto done;
    out = nn_tensor_empty(ctx, is_cmp(op) ? NN_BOOL : dt, nd, shape);
    if (out)
        binary_kernel(ctx, op, out, ca, cb, dt);
done:
    nn_tensor_unref(cb);
    nn_tensor_unref(ca);
    return out;
}
