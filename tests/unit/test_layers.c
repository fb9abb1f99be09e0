/* test_layers.c - layers and losses of the model runtime: shape inference
 * and parameter counts as Keras reports them, and gradient checks of every
 * layer's backward pass and every loss against central differences of the
 * loss (the float32 forward on well-scaled inputs, eps 1e-3, checked
 * relative to the largest gradient), fused vs unfused softmax +
 * cross-entropy, and Keras's forward values for hand-derived cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn.h"
#include "nn_layer.h"

static void *test_alloc(void *ud, void *ptr, size_t n)
{
    (void)ud;
    if (n == 0) {
        test_free(ptr);
        return NULL;
    }
    return test_realloc(ptr, n);
}

static int setup(void **state)
{
    NnCtx *ctx = nn_ctx_new();
    nn_ctx_set_allocator(ctx, test_alloc, NULL);
    nn_ctx_set_threads(ctx, 1);
    nn_rng_seed(ctx, 42);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    nn_ctx_free(*state);
    return 0;
}

static NnTensor *tensor(NnCtx *ctx, int ndim, const int64_t *shape, const float *data)
{
    NnTensor *t = nn_tensor_from_data(ctx, NN_F32, ndim, shape, data);
    assert_non_null(t);
    return t;
}

static NnTensor *rand_tensor(NnCtx *ctx, int ndim, const int64_t *shape, double lo, double hi)
{
    NnTensor *t = nn_tensor_new(ctx, NN_F32, ndim, shape);
    assert_non_null(t);
    float *p = nn_tensor_data(t);
    for (int64_t i = 0; i < nn_tensor_numel(t); i++)
        p[i] = (float)(lo + (hi - lo) * nn_rng_double(ctx));
    return t;
}

static void add(NnCtx *ctx, NnModel *m, NnLayerConfig *c)
{
    assert_int_equal(nn_model_add(ctx, m, c), NN_OK);
}

static void add_dense(NnCtx *ctx, NnModel *m, int64_t units, NnActivation act)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = units;
    c.activation = act;
    add(ctx, m, &c);
}

static void compile(NnCtx *ctx, NnModel *m, NnLossKind loss)
{
    NnOptimConfig o;
    NnLossConfig l;
    nn_optim_config_init(&o, NN_OPT_SGD);
    nn_loss_config_init(&l, loss);
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, NULL, 0), NN_OK);
}

static double loss_at(NnCtx *ctx, NnModel *m, NnTensor *x, NnTensor *y, bool training)
{
    double loss;
    nn_rng_seed(ctx, 7);        /* the same dropout mask every time */
    assert_int_equal(nn_model_loss_grad(ctx, m, x, y, training, &loss), NN_OK);
    return loss;
}

static const char *what = "";   /* the case under check, for failure messages */

/* Every parameter gradient against (L(w+e) - L(w-e)) / 2e. */
static void check_grads(NnCtx *ctx, NnModel *m, NnTensor *x, NnTensor *y, bool training,
                        double rtol)
{
    const double eps = 1e-3;
    loss_at(ctx, m, x, y, training);        /* builds (drawing initial weights) */
    loss_at(ctx, m, x, y, training);
    int64_t n = m->nparams;
    double *g = test_malloc(sizeof(double) * (size_t)n), gmax = 0, worst = 0;
    for (int64_t i = 0; i < n; i++) {
        g[i] = m->grads[i];
        gmax = fabs(g[i]) > gmax ? fabs(g[i]) : gmax;
    }
    assert_true(gmax > 0);
    int64_t step = n > 400 ? n / 400 : 1, wi = 0;
    for (int64_t i = 0; i < n; i += step) {
        float p = m->params[i];
        m->params[i] = (float)(p + eps);
        double lp = loss_at(ctx, m, x, y, training);
        m->params[i] = (float)(p - eps);
        double lm = loss_at(ctx, m, x, y, training);
        m->params[i] = p;
        double num = (lp - lm) / (2 * eps), err = fabs(num - g[i]) / gmax;
        if (err > worst) {
            worst = err;
            wi = i;
        }
    }
    if (worst > rtol)
        print_error("%s: max gradient error %g at param %lld (of %lld, max |g| %g)\n", what,
                    worst, (long long)wi, (long long)n, gmax);
    assert_true(worst <= rtol);
    test_free(g);
}

/* ---------------------------------------------------------------- shapes and counts */

static void test_summary_counts(void **state)
{
    NnCtx *ctx = *state;
    NnModel *m = nn_model_new(ctx);
    add_dense(ctx, m, 64, NN_ACT_RELU);
    add_dense(ctx, m, 32, NN_ACT_RELU);
    add_dense(ctx, m, 10, NN_ACT_SOFTMAX);
    assert_string_equal(nn_model_layer_config(m, 1)->name, "dense_1");
    int64_t in = 784;
    assert_int_equal(nn_model_build(ctx, m, 1, &in), NN_OK);
    assert_int_equal(nn_model_layer_count_params(m, 0), 50240);
    assert_int_equal(nn_model_layer_count_params(m, 1), 2080);
    assert_int_equal(nn_model_layer_count_params(m, 2), 330);
    assert_int_equal(nn_model_count_params(m), 52650);
    int nd;
    int64_t s[8];
    nn_model_layer_output_shape(m, 1, &nd, s);
    assert_int_equal(nd, 1);
    assert_int_equal(s[0], 32);
    /* a wrong feature count names both shapes */
    int64_t bad = 10;
    assert_int_equal(nn_model_build(ctx, m, 1, &bad), NN_EDIM);
    assert_non_null(strstr(nn_errmsg(ctx), "(None, 784)"));
    assert_non_null(strstr(nn_errmsg(ctx), "(None, 10)"));
    nn_model_free(m);
}

static void test_batchnorm_counts(void **state)
{
    NnCtx *ctx = *state;
    NnModel *m = nn_model_new(ctx);
    add_dense(ctx, m, 32, NN_ACT_RELU);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    add(ctx, m, &c);
    nn_layer_config_init(&c, NN_LAYER_DROPOUT);
    c.rate = 0.5;
    add(ctx, m, &c);
    add_dense(ctx, m, 1, NN_ACT_SIGMOID);
    int64_t in = 8;
    assert_int_equal(nn_model_build(ctx, m, 1, &in), NN_OK);
    assert_int_equal(nn_model_layer_count_params(m, 1), 128);
    assert_int_equal(nn_model_count_params(m), 288 + 128 + 33);
    assert_int_equal(nn_model_trainable_params(m), 288 + 64 + 33);
    assert_string_equal(nn_model_layer_config(m, 1)->name, "batch_normalization");
    bool tr;
    assert_string_equal(nn_model_weight_info(m, 1, 2, &tr, NULL, NULL), "moving_mean");
    assert_false(tr);
    nn_model_free(m);
}

static void test_cnn_shapes(void **state)
{
    NnCtx *ctx = *state;
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_CONV2D);
    c.units = 32;
    c.kernel[0] = c.kernel[1] = 3;
    c.activation = NN_ACT_RELU;
    c.ndim = 3;
    c.shape[0] = 28, c.shape[1] = 28, c.shape[2] = 1;
    add(ctx, m, &c);
    nn_layer_config_init(&c, NN_LAYER_MAXPOOL2D);
    add(ctx, m, &c);
    nn_layer_config_init(&c, NN_LAYER_CONV2D);
    c.units = 8;
    c.kernel[0] = c.kernel[1] = 3;
    c.strides[0] = c.strides[1] = 2;
    c.same_padding = true;
    add(ctx, m, &c);
    nn_layer_config_init(&c, NN_LAYER_FLATTEN);
    add(ctx, m, &c);
    add_dense(ctx, m, 10, NN_ACT_SOFTMAX);
    int nd;
    int64_t s[8];
    assert_true(nn_model_input_shape(m, &nd, s));
    assert_int_equal(nn_model_build(ctx, m, nd, s), NN_OK);
    nn_model_layer_output_shape(m, 0, &nd, s);
    assert_int_equal(s[0] * 10000 + s[1] * 100 + s[2], 262632);      /* (26, 26, 32) */
    nn_model_layer_output_shape(m, 1, &nd, s);
    assert_int_equal(s[0] * 10000 + s[1] * 100 + s[2], 131332);      /* (13, 13, 32) */
    nn_model_layer_output_shape(m, 2, &nd, s);
    assert_int_equal(s[0] * 10000 + s[1] * 100 + s[2], 70708);       /* (7, 7, 8) */
    assert_int_equal(nn_model_layer_count_params(m, 0), 320);
    assert_int_equal(nn_model_layer_count_params(m, 2), 3 * 3 * 32 * 8 + 8);
    assert_int_equal(nn_model_layer_count_params(m, 4), 392 * 10 + 10);
    nn_model_free(m);
}

/* ---------------------------------------------------------------- gradient checks */

static void grad_dense_acts(void **state)
{
    NnCtx *ctx = *state;
    const NnActivation acts[] = {
        NN_ACT_LINEAR, NN_ACT_RELU, NN_ACT_SIGMOID, NN_ACT_TANH, NN_ACT_SOFTMAX, NN_ACT_ELU,
        NN_ACT_SELU, NN_ACT_SOFTPLUS, NN_ACT_SOFTSIGN, NN_ACT_SWISH, NN_ACT_GELU,
        NN_ACT_LEAKY_RELU, NN_ACT_EXPONENTIAL, NN_ACT_HARD_SIGMOID, NN_ACT_RELU6,
    };
    int64_t xs[2] = { 6, 5 }, ys[2] = { 6, 3 };
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        NnModel *m = nn_model_new(ctx);
        add_dense(ctx, m, 7, acts[a]);
        add_dense(ctx, m, 3, NN_ACT_LINEAR);
        compile(ctx, m, NN_LOSS_MSE);
        NnTensor *x = rand_tensor(ctx, 2, xs, -1, 1), *y = rand_tensor(ctx, 2, ys, -1, 1);
        what = nn_activation_name(acts[a]);
        check_grads(ctx, m, x, y, true, 2e-2);
        nn_tensor_unref(x);
        nn_tensor_unref(y);
        nn_model_free(m);
    }
}

static void grad_losses(void **state)
{
    NnCtx *ctx = *state;
    struct { NnLossKind loss; NnActivation act; bool logits; bool sparse; } cases[] = {
        { NN_LOSS_MSE, NN_ACT_LINEAR, false, false }, { NN_LOSS_MAE, NN_ACT_LINEAR, false, false },
        { NN_LOSS_HUBER, NN_ACT_LINEAR, false, false }, { NN_LOSS_HINGE, NN_ACT_TANH, false, false },
        { NN_LOSS_SQUARED_HINGE, NN_ACT_TANH, false, false },
        { NN_LOSS_CCE, NN_ACT_SOFTMAX, false, false }, { NN_LOSS_CCE, NN_ACT_LINEAR, true, false },
        { NN_LOSS_CCE, NN_ACT_SIGMOID, false, false },
        { NN_LOSS_SPARSE_CCE, NN_ACT_SOFTMAX, false, true },
        { NN_LOSS_SPARSE_CCE, NN_ACT_LINEAR, true, true },
        { NN_LOSS_BCE, NN_ACT_SIGMOID, false, false }, { NN_LOSS_BCE, NN_ACT_LINEAR, true, false },
        { NN_LOSS_BCE, NN_ACT_SOFTMAX, false, false },
    };
    int64_t xs[2] = { 8, 4 }, ys[2] = { 8, 3 }, ls[1] = { 8 };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        NnModel *m = nn_model_new(ctx);
        add_dense(ctx, m, 5, NN_ACT_TANH);
        add_dense(ctx, m, 3, cases[k].act);
        NnOptimConfig o;
        NnLossConfig l;
        nn_optim_config_init(&o, NN_OPT_SGD);
        nn_loss_config_init(&l, cases[k].loss);
        l.from_logits = cases[k].logits;
        assert_int_equal(nn_model_compile(ctx, m, &o, &l, NULL, 0), NN_OK);
        NnTensor *x = rand_tensor(ctx, 2, xs, -2, 2), *y;
        if (cases[k].sparse) {
            float lab[8] = { 0, 1, 2, 2, 1, 0, 1, 2 };
            y = tensor(ctx, 1, ls, lab);
        } else {
            y = rand_tensor(ctx, 2, ys, 0, 1);
            float *p = nn_tensor_data(y);
            for (int i = 0; i < 24; i++)
                p[i] = cases[k].loss == NN_LOSS_CCE ? (i % 3 == (i / 3) % 3) : (p[i] > 0.5f);
            if (cases[k].loss <= NN_LOSS_MAE || cases[k].loss == NN_LOSS_HUBER)
                for (int i = 0; i < 24; i++)
                    p[i] = (float)(2.0 * nn_rng_double(ctx) - 1.0);
        }
        what = nn_loss_name(cases[k].loss);
        check_grads(ctx, m, x, y, true, cases[k].loss == NN_LOSS_MAE ? 5e-2 : 2e-2);
        nn_tensor_unref(x);
        nn_tensor_unref(y);
        nn_model_free(m);
    }
}

/* Layer under test between two Dense layers, so its input gradient is checked too. */
static void grad_sandwich(NnCtx *ctx, NnLayerConfig *mid, int nd, const int64_t *feat,
                          int64_t hidden, bool training, double rtol)
{
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    what = nn_layer_class_name(mid->kind);
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = hidden;
    c.activation = NN_ACT_TANH;
    c.ndim = nd;
    memcpy(c.shape, feat, sizeof(int64_t) * (size_t)nd);
    add(ctx, m, &c);
    add(ctx, m, mid);
    nn_layer_config_init(&c, NN_LAYER_FLATTEN);
    add(ctx, m, &c);
    add_dense(ctx, m, 2, NN_ACT_LINEAR);
    compile(ctx, m, NN_LOSS_MSE);
    int64_t xs[NN_MAXDIM] = { 4 }, ys[2] = { 4, 2 };
    memcpy(xs + 1, feat, sizeof(int64_t) * (size_t)nd);
    NnTensor *x = rand_tensor(ctx, nd + 1, xs, -1, 1), *y = rand_tensor(ctx, 2, ys, -1, 1);
    check_grads(ctx, m, x, y, training, rtol);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_model_free(m);
}

static void grad_layers(void **state)
{
    NnCtx *ctx = *state;
    NnLayerConfig c;
    int64_t f1[1] = { 5 }, img[3] = { 6, 5, 2 };
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    grad_sandwich(ctx, &c, 1, f1, 6, true, 2e-2);
    grad_sandwich(ctx, &c, 1, f1, 6, false, 2e-2);
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
    nn_layer_config_init(&c, NN_LAYER_DROPOUT);
    c.rate = 0.3;
    grad_sandwich(ctx, &c, 1, f1, 6, true, 2e-2);
    nn_layer_config_init(&c, NN_LAYER_ACTIVATION);
    c.activation = NN_ACT_SOFTMAX;
    grad_sandwich(ctx, &c, 1, f1, 6, true, 2e-2);
    nn_layer_config_init(&c, NN_LAYER_RELU);
    c.negative_slope = 0.1;
    c.max_value = 0.5;
    grad_sandwich(ctx, &c, 1, f1, 6, true, 2e-2);
    nn_layer_config_init(&c, NN_LAYER_RESHAPE);
    c.ndim = 2, c.shape[0] = 3, c.shape[1] = -1;
    grad_sandwich(ctx, &c, 1, f1, 6, true, 2e-2);
}

static void grad_conv_pool(void **state)
{
    NnCtx *ctx = *state;
    NnLayerConfig c;
    int64_t img[3] = { 7, 6, 2 };
    for (int same = 0; same < 2; same++)
        for (int s = 1; s <= 2; s++) {
            nn_layer_config_init(&c, NN_LAYER_CONV2D);
            c.units = 3;
            c.kernel[0] = 3, c.kernel[1] = 2;
            c.strides[0] = c.strides[1] = s;
            c.same_padding = same;
            c.activation = NN_ACT_SWISH;
            grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
            nn_layer_config_init(&c, NN_LAYER_MAXPOOL2D);
            c.strides[0] = c.strides[1] = s;
            c.same_padding = same;
            grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
        }
}

/* AveragePooling2D ('valid' and 'same', strides 1, 2 and the pool size),
 * GlobalAveragePooling2D and GlobalMaxPooling2D (keepdims or not): their
 * backward passes carry the gradients of the Dense layer below them. */
static void grad_pool_layers(void **state)
{
    NnCtx *ctx = *state;
    NnLayerConfig c;
    int64_t img[3] = { 7, 6, 2 };
    for (int same = 0; same < 2; same++)
        for (int s = 0; s <= 2; s++) {
            nn_layer_config_init(&c, NN_LAYER_AVGPOOL2D);
            c.kernel[0] = 3, c.kernel[1] = 2;
            c.strides[0] = c.strides[1] = s;
            c.same_padding = same;
            grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
        }
    for (int keep = 0; keep < 2; keep++) {
        nn_layer_config_init(&c, NN_LAYER_GLOBAL_AVGPOOL2D);
        c.keepdims = keep;
        grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
        nn_layer_config_init(&c, NN_LAYER_GLOBAL_MAXPOOL2D);
        c.keepdims = keep;
        grad_sandwich(ctx, &c, 3, img, 3, true, 2e-2);
    }
}

/* Keras's names and output shapes after AveragePooling2D() on (None, 10,
 * 8, 3) -> (5, 4, 3): AveragePooling2D() (2x2, 'valid') -> (2, 2, 3),
 * AveragePooling2D(3, 2, 'same') (ceil(5/2), ceil(4/2)) -> (3, 2, 3),
 * GlobalAveragePooling2D(keepdims=True) -> (1, 1, 3), GlobalMaxPooling2D()
 * -> (3); no weights; a 2-D input is rejected naming the layer and ndims. */
static void pool_shapes(void **state)
{
    NnCtx *ctx = *state;
    const NnLayerKind kinds[4] = { NN_LAYER_AVGPOOL2D, NN_LAYER_AVGPOOL2D,
                                   NN_LAYER_GLOBAL_AVGPOOL2D, NN_LAYER_GLOBAL_MAXPOOL2D };
    const char *names[4] = { "average_pooling2d_1", "average_pooling2d_1",
                             "global_average_pooling2d", "global_max_pooling2d" };
    const int64_t want[4][3] = { { 2, 2, 3 }, { 3, 2, 3 }, { 1, 1, 3 }, { 3 } };
    const int want_nd[4] = { 3, 3, 3, 1 };
    NnLayerConfig c;
    for (int i = 0; i < 4; i++) {
        NnModel *m = nn_model_new(ctx);
        nn_layer_config_init(&c, NN_LAYER_AVGPOOL2D);
        add(ctx, m, &c);
        nn_layer_config_init(&c, kinds[i]);
        if (i == 1) {
            c.kernel[0] = c.kernel[1] = 3;
            c.strides[0] = c.strides[1] = 2;
            c.same_padding = true;
        }
        c.keepdims = i == 2;
        add(ctx, m, &c);
        int64_t in[3] = { 10, 8, 3 }, s[8];
        int nd;
        assert_int_equal(nn_model_build(ctx, m, 3, in), NN_OK);
        assert_string_equal(nn_model_layer_config(m, 0)->name, "average_pooling2d");
        assert_string_equal(nn_model_layer_config(m, 1)->name, names[i]);
        nn_model_layer_output_shape(m, 1, &nd, s);
        assert_int_equal(nd, want_nd[i]);
        for (int d = 0; d < nd; d++)
            assert_int_equal(s[d], want[i][d]);
        assert_int_equal(nn_model_count_params(m), 0);
        nn_model_free(m);
    }
    NnModel *m = nn_model_new(ctx);
    nn_layer_config_init(&c, NN_LAYER_GLOBAL_MAXPOOL2D);
    add(ctx, m, &c);
    int64_t flat = 5;
    assert_int_equal(nn_model_build(ctx, m, 1, &flat), NN_EDIM);
    assert_non_null(strstr(nn_errmsg(ctx), "\"global_max_pooling2d\""));
    assert_non_null(strstr(nn_errmsg(ctx), "expected ndim=4, found ndim=2"));
    nn_model_free(m);
}

/* One pooling layer called on x (shape xs) with d loss / d y = 1: y and dx
 * against hand-derived values. */
static void pool_call(NnCtx *ctx, NnLayerConfig *c, const int64_t *xs, const float *x,
                      const float *want_y, int64_t ny, const float *want_dx)
{
    NnModel *m = nn_model_new(ctx);
    add(ctx, m, c);
    NnTensor *xt = tensor(ctx, 4, xs, x), *dx = NULL;
    NnTrace *tr = NULL;
    NnTensor *y = nn_model_call(ctx, m, xt, true, &tr);
    assert_non_null(y);
    assert_int_equal(nn_tensor_numel(y), ny);
    for (int64_t i = 0; i < ny; i++)
        assert_float_equal(((float *)nn_tensor_data(y))[i], want_y[i], 1e-6);
    NnTensor *g = nn_tensor_new(ctx, NN_F32, y->ndim, y->shape);
    for (int64_t i = 0; i < ny; i++)
        ((float *)nn_tensor_data(g))[i] = 1;
    assert_int_equal(nn_model_call_backward(ctx, m, tr, g, &dx), NN_OK);
    for (int64_t i = 0; i < nn_tensor_numel(xt); i++)
        assert_float_equal(((float *)nn_tensor_data(dx))[i], want_dx[i], 1e-6);
    nn_tensor_unref(g);
    nn_tensor_unref(dx);
    nn_tensor_unref(y);
    nn_tensor_unref(xt);
    nn_trace_free(ctx, tr);
    nn_model_free(m);
}

/* x = [[1 2 3] [4 5 6] [7 8 9]]: AveragePooling2D(2, padding='same') keeps
 * ceil(3/2) = 2 rows and columns, padding at the bottom/right left out of
 * the mean: (1+2+4+5)/4 = 3, (3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1 = 9, and
 * each pixel gets 1/count of its window; 'valid' keeps the first window
 * only.  GlobalAveragePooling2D: 45/9 = 5, dx = 1/9.  GlobalMaxPooling2D of
 * [1 3 3 2]: 3, the gradient shared by the two maxima (tf.reduce_max's). */
static void pool_values(void **state)
{
    NnCtx *ctx = *state;
    NnLayerConfig c;
    const int64_t xs[4] = { 1, 3, 3, 1 }, ts[4] = { 1, 2, 2, 1 };
    const float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, t[4] = { 1, 3, 3, 2 };
    const float same_y[4] = { 3, 4.5f, 7.5f, 9 };
    const float same_dx[9] = { .25f, .25f, .5f, .25f, .25f, .5f, .5f, .5f, 1 };
    const float valid_dx[9] = { .25f, .25f, 0, .25f, .25f, 0, 0, 0, 0 };
    float ninth[9], mean = 5, three = 3;
    for (int i = 0; i < 9; i++)
        ninth[i] = 1.0f / 9;
    nn_layer_config_init(&c, NN_LAYER_AVGPOOL2D);
    c.same_padding = true;
    pool_call(ctx, &c, xs, x, same_y, 4, same_dx);
    nn_layer_config_init(&c, NN_LAYER_AVGPOOL2D);
    pool_call(ctx, &c, xs, x, same_y, 1, valid_dx);
    nn_layer_config_init(&c, NN_LAYER_GLOBAL_AVGPOOL2D);
    pool_call(ctx, &c, xs, x, &mean, 1, ninth);
    nn_layer_config_init(&c, NN_LAYER_GLOBAL_MAXPOOL2D);
    c.keepdims = true;
    pool_call(ctx, &c, ts, t, &three, 1, (const float[4]){ 0, .5f, .5f, 0 });
}

/* ---------------------------------------------------------------- fused vs unfused, values */

static void fused_vs_unfused(void **state)
{
    NnCtx *ctx = *state;
    int64_t xs[2] = { 6, 4 }, ys[2] = { 6, 5 };
    NnTensor *x = rand_tensor(ctx, 2, xs, -1, 1), *y = nn_tensor_new(ctx, NN_F32, 2, ys);
    for (int i = 0; i < 6; i++)
        ((float *)nn_tensor_data(y))[i * 5 + (i * 7) % 5] = 1;
    NnModel *m = nn_model_new(ctx);
    add_dense(ctx, m, 5, NN_ACT_SOFTMAX);
    compile(ctx, m, NN_LOSS_CCE);
    double lf = loss_at(ctx, m, x, y, true);
    float *gf = test_malloc(sizeof(float) * (size_t)m->nparams);
    memcpy(gf, m->grads, sizeof(float) * (size_t)m->nparams);
    m->nofuse = true;
    double lu = loss_at(ctx, m, x, y, true);
    assert_true(fabs(lf - lu) < 1e-5 * fabs(lf));
    for (int64_t i = 0; i < m->nparams; i++)
        assert_true(fabs(gf[i] - m->grads[i]) < 1e-5);
    test_free(gf);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* Hand-derived Keras values: with all-zero weights a 4-class softmax gives
 * p = 1/4, so CCE = ln 4 for any one-hot row; binary CE of p = 0 clips to
 * -ln(1e-7 + 1e-7) for y = 1; hinge of p = 0.3, y = 1 (0/1 labels) is 0.7. */
static void keras_values(void **state)
{
    NnCtx *ctx = *state;
    int64_t xs[2] = { 2, 3 }, ys[2] = { 2, 4 };
    float xd[6] = { 1, 2, 3, -1, 0.5f, 2 }, yd[8] = { 0, 1, 0, 0, 0, 0, 0, 1 };
    NnTensor *x = tensor(ctx, 2, xs, xd), *y = tensor(ctx, 2, ys, yd);
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 4;
    c.activation = NN_ACT_SOFTMAX;
    c.kernel_init.kind = NN_INIT_ZEROS;
    add(ctx, m, &c);
    compile(ctx, m, NN_LOSS_CCE);
    assert_true(fabs(loss_at(ctx, m, x, y, false) - log(4.0)) < 1e-6);
    nn_model_free(m);

    /* BCE on a relu output of exactly 0 with label 1: Keras clips. */
    m = nn_model_new(ctx);
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 1;
    c.activation = NN_ACT_RELU;
    c.kernel_init.kind = NN_INIT_ZEROS;
    add(ctx, m, &c);
    compile(ctx, m, NN_LOSS_BCE);
    int64_t y1s[2] = { 2, 1 };
    float y1[2] = { 1, 0 };
    NnTensor *yb = tensor(ctx, 2, y1s, y1);
    double want = (-log(1e-7 + 1e-7) - log(1 - 1e-7 + 1e-7)) / 2;
    assert_true(fabs(loss_at(ctx, m, x, yb, false) - want) < 1e-6 * want);
    nn_model_free(m);

    /* hinge with constant output 0.3 (bias init constant) */
    m = nn_model_new(ctx);
    c.activation = NN_ACT_LINEAR;
    c.bias_init.kind = NN_INIT_CONSTANT;
    c.bias_init.a = 0.3;
    add(ctx, m, &c);
    compile(ctx, m, NN_LOSS_HINGE);
    assert_true(fabs(loss_at(ctx, m, x, yb, false) - (0.7 + 1.3) / 2) < 1e-6);
    nn_model_free(m);

    nn_tensor_unref(yb);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* Initializer statistics: glorot_uniform within its limit with the right
 * variance; glorot_normal truncated at 2 sigma of its untruncated stddev. */
static void init_stats(void **state)
{
    NnCtx *ctx = *state;
    enum { N = 200000 };
    float *w = test_malloc(sizeof(float) * N);
    NnInit gu = { NN_INIT_GLOROT_UNIFORM, 0, 0 }, gn = { NN_INIT_GLOROT_NORMAL, 0, 0 };
    nn_init_fill(ctx, &gu, w, N, 100, 200);
    double lim = sqrt(6.0 / 300), s2 = 0;
    for (int i = 0; i < N; i++) {
        assert_true(fabs(w[i]) <= lim);
        s2 += (double)w[i] * w[i];
    }
    assert_true(fabs(s2 / N - 2.0 / 300) < 0.02 * 2.0 / 300);
    nn_init_fill(ctx, &gn, w, N, 100, 200);
    double sd = sqrt(2.0 / 300) / .87962566103423978;
    s2 = 0;
    for (int i = 0; i < N; i++) {
        assert_true(fabs(w[i]) <= 2 * sd + 1e-6);
        s2 += (double)w[i] * w[i];
    }
    assert_true(fabs(s2 / N - 2.0 / 300) < 0.02 * 2.0 / 300);
    test_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_summary_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batchnorm_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cnn_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(grad_dense_acts, setup, teardown),
        cmocka_unit_test_setup_teardown(grad_losses, setup, teardown),
        cmocka_unit_test_setup_teardown(grad_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(grad_conv_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(grad_pool_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(pool_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(pool_values, setup, teardown),
        cmocka_unit_test_setup_teardown(fused_vs_unfused, setup, teardown),
        cmocka_unit_test_setup_teardown(keras_values, setup, teardown),
        cmocka_unit_test_setup_teardown(init_stats, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
