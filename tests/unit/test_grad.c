/* test_grad.c - gradient checks of the autodiff tape (lib/nn_grad.c,
 * nn_grad_ops.c) against central differences.
 *
 * Every differentiable op of the registry (NnGradOp) has a case in `cases`;
 * test_registry_covered fails when one is missing.  Each case is checked in
 * float64 (eps 1e-6; |g - g_num| <= 1e-5 + 1e-3 |g_num|) and in float32
 * (|g - g_num| <= 1e-3 + 1e-2 |g_num|, g_num from a float64 evaluation of
 * the same float32 inputs), with inputs drawn away from kinks.  The loss is
 * sum(y * w) for fixed random weights w, so every element of the output
 * gradient differs.  Structure cases: a tensor used twice, shared weights,
 * broadcasting, chained views, zero-size tensors, a small MLP, tape rules.
 */
#include "lib_test_util.h"

#define MAXIN 3

typedef struct Case Case;
/* Computes the case's output from in[], recording on tp when tp != NULL. */
typedef NnTensor *(*FwdFn)(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp);

struct Case {
    NnGradOp op;
    FwdFn fwd;
    int nin;
    int ndim[MAXIN];
    int64_t shape[MAXIN][4];
    double lo, hi;          /* |x| in [lo, hi]; hi < 0: signed uniform in [lo, -hi] */
    bool signed_mag;        /* random sign with magnitude in [lo, hi] */
    NnGradAttrs at;
};

static NnTensor *rec(NnCtx *ctx, NnTape *tp, NnGradOp op, NnTensor **in, int n,
                     const NnGradAttrs *at, NnTensor *y)
{
    assert_non_null(y);
    if (tp)
        assert_int_equal(nn_tape_record(ctx, tp, op, in, n, at, y), NN_OK);
    return y;
}

static const NnBinaryOp bin_of[] = {
    [NN_G_ADD] = NN_ADD, [NN_G_SUB] = NN_SUB, [NN_G_MUL] = NN_MUL, [NN_G_DIV] = NN_DIV,
    [NN_G_POW] = NN_POW, [NN_G_MAXIMUM] = NN_MAXIMUM, [NN_G_MINIMUM] = NN_MINIMUM,
    [NN_G_ATAN2] = NN_ATAN2, [NN_G_MOD] = NN_MOD,
};

static NnTensor *fw_binary(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    return rec(ctx, tp, c->op, in, 2, NULL, nn_binary(ctx, bin_of[c->op], in[0], in[1], in[0]->dtype));
}

static const NnUnaryOp un_of[] = {
    [NN_G_NEG] = NN_NEG, [NN_G_POS] = NN_POS, [NN_G_ABS] = NN_ABS, [NN_G_SQUARE] = NN_SQUARE,
    [NN_G_RECIPROCAL] = NN_RECIPROCAL, [NN_G_SQRT] = NN_SQRT, [NN_G_RSQRT] = NN_RSQRT,
    [NN_G_EXP] = NN_EXP, [NN_G_EXPM1] = NN_EXPM1, [NN_G_LOG] = NN_LOG, [NN_G_LOG1P] = NN_LOG1P,
    [NN_G_LOG2] = NN_LOG2, [NN_G_LOG10] = NN_LOG10, [NN_G_SIN] = NN_SIN, [NN_G_COS] = NN_COS,
    [NN_G_TAN] = NN_TAN, [NN_G_ASIN] = NN_ASIN, [NN_G_ACOS] = NN_ACOS, [NN_G_ATAN] = NN_ATAN,
    [NN_G_SINH] = NN_SINH, [NN_G_COSH] = NN_COSH, [NN_G_TANH] = NN_TANH,
    [NN_G_SIGMOID] = NN_SIGMOID, [NN_G_RELU] = NN_RELU, [NN_G_RELU6] = NN_RELU6,
    [NN_G_ELU] = NN_ELU, [NN_G_SELU] = NN_SELU, [NN_G_SOFTPLUS] = NN_SOFTPLUS,
    [NN_G_SOFTSIGN] = NN_SOFTSIGN, [NN_G_SWISH] = NN_SWISH, [NN_G_GELU] = NN_GELU,
    [NN_G_ERF] = NN_ERF,
};

static NnTensor *fw_unary(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    NnTensor *y = c->op == NN_G_LEAKY_RELU ? nn_leaky_relu(ctx, in[0], c->at.alpha)
                : c->op == NN_G_CLIP ? nn_clip(ctx, in[0], c->at.lo, c->at.hi)
                : c->op == NN_G_SOFTMAX ? nn_softmax(ctx, in[0], c->at.axes[0])
                : c->op == NN_G_LOG_SOFTMAX ? nn_log_softmax(ctx, in[0], c->at.axes[0])
                : nn_unary(ctx, un_of[c->op], in[0]);
    return rec(ctx, tp, c->op, in, 1, &c->at, y);
}

static const NnReduceOp red_of[] = {
    [NN_G_SUM] = NN_SUM, [NN_G_MEAN] = NN_MEAN, [NN_G_PROD] = NN_PROD, [NN_G_MAX] = NN_MAX,
    [NN_G_MIN] = NN_MIN, [NN_G_STD] = NN_STD, [NN_G_VAR] = NN_VAR,
};

static NnTensor *fw_reduce(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    const NnGradAttrs *a = &c->at;
    NnTensor *y = c->op == NN_G_CUMSUM ? nn_cumsum(ctx, in[0], a->axes[0], in[0]->dtype)
                : nn_reduce(ctx, red_of[c->op], in[0], a->axes, a->naxes, a->keepdims,
                            in[0]->dtype, a->ddof);
    return rec(ctx, tp, c->op, in, 1, a, y);
}

static NnTensor *fw_matmul(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    return rec(ctx, tp, c->op, in, 2, NULL, nn_matmul(ctx, in[0], in[1]));
}

static NnTensor *fw_cast(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    return rec(ctx, tp, c->op, in, 1, NULL, nn_tensor_cast(ctx, in[0], NN_F64));
}

/* Views are copied before use as outputs, as the front does not need to:
 * the node records the view itself. */
static NnTensor *fw_view(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    const NnGradAttrs *a = &c->at;
    NnTensor *x = in[0], *y = NULL;
    int64_t rs[2] = {3, 2}, bs[2] = {2, 3};
    switch (c->op) {
    case NN_G_RESHAPE: y = nn_tensor_reshape(ctx, x, 2, rs); break;
    case NN_G_EXPAND_DIMS: y = nn_tensor_expand_dims(ctx, x, a->axes[0]); break;
    case NN_G_SQUEEZE: y = nn_tensor_squeeze(ctx, x, a->axes[0]); break;
    case NN_G_TRANSPOSE: y = nn_tensor_transpose(ctx, x, a->axes); break;
    case NN_G_SLICE: y = nn_tensor_slice(ctx, x, a->axes[0], a->start, a->stop, a->step); break;
    case NN_G_SELECT: y = nn_tensor_select(ctx, x, a->axes[0], a->start); break;
    case NN_G_BROADCAST_TO: y = nn_tensor_broadcast_to(ctx, x, 2, bs); break;
    case NN_G_TAKE: y = nn_take(ctx, x, a->aux, a->axes[0]); break;
    case NN_G_MASK_SELECT: y = nn_tensor_mask_select(ctx, x, a->aux); break;
    default: break;
    }
    return rec(ctx, tp, c->op, in, 1, a, y);
}

static NnTensor *fw_pieces(NnCtx *ctx, const Case *c, NnTensor **in, NnTape *tp)
{
    NnTensor *y = c->op == NN_G_CONCAT ? nn_concat(ctx, in, c->nin, c->at.axes[0], in[0]->dtype)
                : c->op == NN_G_STACK ? nn_stack(ctx, in, c->nin, c->at.axes[0], in[0]->dtype)
                : nn_where(ctx, c->at.aux, in[0], in[1], in[0]->dtype);
    return rec(ctx, tp, c->op, in, c->nin, &c->at, y);
}

/* ---- the table ---- */

#define BIN(OP, lo_, hi_) {.op = OP, .fwd = fw_binary, .nin = 2, .ndim = {2, 1}, \
    .shape = {{2, 3}, {3}}, .lo = lo_, .hi = hi_}
#define UN(OP, lo_, hi_, sg) {.op = OP, .fwd = fw_unary, .nin = 1, .ndim = {2}, \
    .shape = {{2, 3}}, .lo = lo_, .hi = hi_, .signed_mag = sg}
#define RED(OP, NA, A0, A1, KD, DD) {.op = OP, .fwd = fw_reduce, .nin = 1, .ndim = {3}, \
    .shape = {{2, 3, 2}}, .lo = 0.5, .hi = 1.5, .at = {.axes = {A0, A1}, .naxes = NA, \
    .keepdims = KD, .ddof = DD}}
#define VIEW(OP, ND, S0, S1_, S2, ...) {.op = OP, .fwd = fw_view, .nin = 1, .ndim = {ND}, \
    .shape = {{S0, S1_, S2}}, .lo = 0.1, .hi = 1, .signed_mag = true, .at = __VA_ARGS__}

static Case cases[] = {
    BIN(NN_G_ADD, 0.1, 1), BIN(NN_G_SUB, 0.1, 1), BIN(NN_G_MUL, 0.1, 1),
    BIN(NN_G_DIV, 0.5, 1.5), BIN(NN_G_POW, 0.5, 1.5), BIN(NN_G_MAXIMUM, 0.1, 1),
    BIN(NN_G_MINIMUM, 0.1, 1), BIN(NN_G_ATAN2, 0.2, 1),
    {.op = NN_G_MOD, .fwd = fw_binary, .nin = 2, .ndim = {2, 1}, .shape = {{2, 3}, {3}},
     .lo = 1.5, .hi = 1.9},
    UN(NN_G_NEG, 0.1, 1, true), UN(NN_G_POS, 0.1, 1, true), UN(NN_G_ABS, 0.1, 1, true),
    UN(NN_G_SQUARE, 0.1, 1, true), UN(NN_G_RECIPROCAL, 0.5, 2, true),
    UN(NN_G_SQRT, 0.5, 2, false), UN(NN_G_RSQRT, 0.5, 2, false), UN(NN_G_EXP, 0.1, 1, true),
    UN(NN_G_EXPM1, 0.1, 1, true), UN(NN_G_LOG, 0.5, 2, false), UN(NN_G_LOG1P, 0.1, 1, false),
    UN(NN_G_LOG2, 0.5, 2, false), UN(NN_G_LOG10, 0.5, 2, false), UN(NN_G_SIN, 0.1, 1, true),
    UN(NN_G_COS, 0.1, 1, true), UN(NN_G_TAN, 0.1, 1, true), UN(NN_G_ASIN, 0.1, 0.8, true),
    UN(NN_G_ACOS, 0.1, 0.8, true), UN(NN_G_ATAN, 0.1, 1, true), UN(NN_G_SINH, 0.1, 1, true),
    UN(NN_G_COSH, 0.1, 1, true), UN(NN_G_TANH, 0.1, 1, true), UN(NN_G_SIGMOID, 0.1, 1, true),
    UN(NN_G_RELU, 0.1, 1, true), UN(NN_G_RELU6, 0.1, 1, true), UN(NN_G_ELU, 0.1, 1, true),
    UN(NN_G_SELU, 0.1, 1, true), UN(NN_G_SOFTPLUS, 0.1, 1, true),
    UN(NN_G_SOFTSIGN, 0.1, 1, true), UN(NN_G_SWISH, 0.1, 1, true),
    UN(NN_G_GELU, 0.1, 1, true), UN(NN_G_ERF, 0.1, 1, true),
    {.op = NN_G_LEAKY_RELU, .fwd = fw_unary, .nin = 1, .ndim = {2}, .shape = {{2, 3}},
     .lo = 0.1, .hi = 1, .signed_mag = true, .at = {.alpha = 0.3}},
    {.op = NN_G_CLIP, .fwd = fw_unary, .nin = 1, .ndim = {2}, .shape = {{2, 3}},
     .lo = 0.1, .hi = 1, .signed_mag = true, .at = {.lo = -0.45, .hi = 0.55}},
    {.op = NN_G_SOFTMAX, .fwd = fw_unary, .nin = 1, .ndim = {2}, .shape = {{2, 3}},
     .lo = 0.1, .hi = 1, .signed_mag = true, .at = {.axes = {1}}},
    {.op = NN_G_LOG_SOFTMAX, .fwd = fw_unary, .nin = 1, .ndim = {2}, .shape = {{2, 3}},
     .lo = 0.1, .hi = 1, .signed_mag = true, .at = {.axes = {0}}},
    RED(NN_G_SUM, 1, 1, 0, false, 0), RED(NN_G_MEAN, 2, 0, 2, true, 0),
    RED(NN_G_PROD, 0, 0, 0, false, 0), RED(NN_G_MAX, 1, 1, 0, false, 0),
    RED(NN_G_MIN, 0, 0, 0, false, 0), RED(NN_G_STD, 1, 0, 0, false, 0),
    RED(NN_G_VAR, 1, 1, 0, true, 1), RED(NN_G_CUMSUM, 1, 1, 0, false, 0),
    {.op = NN_G_MATMUL, .fwd = fw_matmul, .nin = 2, .ndim = {2, 2}, .shape = {{2, 3}, {3, 4}},
     .lo = 0.1, .hi = 1, .signed_mag = true},
    {.op = NN_G_CAST, .fwd = fw_cast, .nin = 1, .ndim = {2}, .shape = {{2, 3}}, .lo = 0.1, .hi = 1},
    VIEW(NN_G_RESHAPE, 2, 2, 3, 0, {.naxes = 0}),
    VIEW(NN_G_EXPAND_DIMS, 2, 2, 3, 0, {.axes = {1}}),
    VIEW(NN_G_SQUEEZE, 3, 2, 1, 3, {.axes = {1}}),
    VIEW(NN_G_TRANSPOSE, 3, 2, 3, 4, {.axes = {1, 2, 0}, .naxes = 3}),
    VIEW(NN_G_SLICE, 2, 2, 5, 0, {.axes = {1}, .start = 4, .stop = 0, .step = -2}),
    VIEW(NN_G_SELECT, 2, 2, 3, 0, {.axes = {1}, .start = 2}),
    VIEW(NN_G_BROADCAST_TO, 2, 2, 1, 0, {.naxes = 0}),
    VIEW(NN_G_TAKE, 2, 3, 2, 0, {.axes = {0}}),         /* aux filled in setup */
    VIEW(NN_G_MASK_SELECT, 2, 2, 3, 0, {.naxes = 0}),            /* aux filled in setup */
    {.op = NN_G_CONCAT, .fwd = fw_pieces, .nin = 2, .ndim = {2, 2}, .shape = {{2, 2}, {2, 3}},
     .lo = 0.1, .hi = 1, .at = {.axes = {1}}},
    {.op = NN_G_STACK, .fwd = fw_pieces, .nin = 3, .ndim = {2, 2, 2},
     .shape = {{2, 3}, {2, 3}, {2, 3}}, .lo = 0.1, .hi = 1, .at = {.axes = {1}}},
    {.op = NN_G_WHERE, .fwd = fw_pieces, .nin = 2, .ndim = {2, 1}, .shape = {{2, 3}, {3}},
     .lo = 0.1, .hi = 1},                               /* aux filled in setup */
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

/* Index and mask tensors of the cases that need one (float64 ctx-free data). */
static NnTensor *case_aux(NnCtx *ctx, NnGradOp op)
{
    if (op == NN_G_TAKE) {
        int64_t s[1] = {4};
        return mk(ctx, NN_I64, 1, s, (double[]){2, 0, 2, -1});
    }
    int64_t s[2] = {2, 3};
    return mk(ctx, NN_BOOL, 2, s, (double[]){1, 0, 1, 0, 0, 1});
}

/* ---- the checker ---- */

static NnTensor *make_input(NnCtx *ctx, const Case *c, int k, NnDType dt, uint64_t *seed)
{
    NnTensor *t = nn_tensor_new(ctx, dt, c->ndim[k], c->shape[k]);
    assert_non_null(t);
    for (int64_t i = 0; i < nn_tensor_numel(t); i++) {
        double u = (lcg_next(seed) + 1) / 2, v = c->lo + u * (c->hi - c->lo);
        if (c->signed_mag && lcg_next(seed) < 0)
            v = -v;
        nn_tensor_set_f64(t, i, v);
    }
    return t;
}

static double weighted(NnCtx *ctx, const Case *c, NnTensor **in, const NnTensor *w)
{
    NnTensor *y = c->fwd(ctx, c, in, NULL);
    double s = 0;
    for (int64_t i = 0; i < nn_tensor_numel(y); i++)
        s += nn_tensor_get_f64(y, i) * nn_tensor_get_f64(w, i);
    nn_tensor_unref(y);
    return s;
}

/* Central differences of sum(f(in) * w) with respect to in[k], in float64. */
static void numeric(NnCtx *ctx, const Case *c, NnTensor **in64, int k, const NnTensor *w,
                    double *out)
{
    const double eps = 1e-6;
    for (int64_t i = 0; i < nn_tensor_numel(in64[k]); i++) {
        double x = nn_tensor_get_f64(in64[k], i);
        nn_tensor_set_f64(in64[k], i, x + eps);
        double fp = weighted(ctx, c, in64, w);
        nn_tensor_set_f64(in64[k], i, x - eps);
        double fm = weighted(ctx, c, in64, w);
        nn_tensor_set_f64(in64[k], i, x);
        out[i] = (fp - fm) / (2 * eps);
    }
}

static void check_case(NnCtx *ctx, Case *c, NnDType dt)
{
    uint64_t seed = 1234 + (uint64_t)c->op;
    NnTensor *in[MAXIN], *in64[MAXIN], *g[MAXIN] = {0};
    NnTape *tp = nn_tape_new(ctx, false, false);
    assert_non_null(tp);
    for (int k = 0; k < c->nin; k++) {
        in[k] = make_input(ctx, c, k, dt, &seed);
        in64[k] = nn_tensor_cast(ctx, in[k], NN_F64);
        assert_int_equal(nn_tape_watch(tp, in[k]), NN_OK);
    }
    NnTensor *y = c->fwd(ctx, c, in, tp);
    NnTensor *w = nn_tensor_new(ctx, NN_F64, y->ndim, y->shape);
    for (int64_t i = 0; i < nn_tensor_numel(w); i++)
        nn_tensor_set_f64(w, i, lcg_next(&seed));
    assert_int_equal(nn_tape_gradient(ctx, tp, y, w, in, c->nin, g), NN_OK);
    for (int k = 0; k < c->nin; k++) {
        double num[64];
        assert_non_null(g[k]);
        assert_int_equal(g[k]->dtype, dt);
        check_shape(g[k], in[k]->ndim, in[k]->shape);
        numeric(ctx, c, in64, k, w, num);
        if (dt == NN_F64)
            check_close(g[k], num, nn_tensor_numel(in[k]), 1e-5, 1e-3);
        else
            check_close(g[k], num, nn_tensor_numel(in[k]), 1e-3, 1e-2);
    }
    for (int k = 0; k < c->nin; k++) {
        nn_tensor_unref(g[k]);
        nn_tensor_unref(in[k]);
        nn_tensor_unref(in64[k]);
    }
    nn_tensor_unref(w);
    nn_tensor_unref(y);
    nn_tape_free(tp);
}

static void test_registry_covered(void **state)
{
    (void)state;
    char missing[1024] = "";
    for (int op = 0; op < NN_G_COUNT_DIFF; op++) {
        bool found = false;
        for (int i = 0; i < NCASES; i++)
            found |= cases[i].op == (NnGradOp)op;
        if (!found) {
            strncat(missing, " ", sizeof missing - strlen(missing) - 1);
            strncat(missing, nn_grad_op_name((NnGradOp)op), sizeof missing - strlen(missing) - 1);
        }
    }
    if (missing[0])
        fail_msg("differentiable ops without a gradient check:%s", missing);
}

static void run_all(void **state, NnDType dt)
{
    for (int i = 0; i < NCASES; i++) {
        Case *c = &cases[i];
        bool aux = c->op == NN_G_TAKE || c->op == NN_G_MASK_SELECT || c->op == NN_G_WHERE;
        if (aux)
            c->at.aux = case_aux(CTX, c->op);
        print_message("%s %s\n", nn_grad_op_name(c->op), nn_dtype_name(dt));
        check_case(CTX, c, dt);
        if (aux) {
            nn_tensor_unref(c->at.aux);
            c->at.aux = NULL;
        }
    }
}

static void test_ops_f64(void **state) { run_all(state, NN_F64); }
static void test_ops_f32(void **state) { run_all(state, NN_F32); }

#include "grad_struct.h"

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_registry_covered), T(test_ops_f64), T(test_ops_f32),
        STRUCT_TESTS
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
