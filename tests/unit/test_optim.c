/* test_optim.c - optimizer steps of the model runtime against hand-computed
 * values and float64 re-implementations of the Keras (TF 2.11+) update
 * formulas, on Dense(1, use_bias=False) with mean squared error so the
 * gradient of each step is known in closed form: g = 2 (w.x - y) x.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "nn.h"

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
    nn_rng_seed(ctx, 1);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    nn_ctx_free(*state);
    return 0;
}

#define NIN 3
static const float X[NIN] = { 1.0f, 2.0f, -0.5f };
static const float Y = 0.25f;

/* Dense(1, use_bias=False, kernel ones) on NIN inputs, compiled with o and mse. */
static NnModel *one_unit(NnCtx *ctx, const NnOptimConfig *o, double l2, int nin)
{
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 1;
    c.use_bias = false;
    c.kernel_init.kind = NN_INIT_ONES;
    c.kernel_reg.l2 = l2;
    c.ndim = 1;
    c.shape[0] = nin;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    NnLossConfig l;
    nn_loss_config_init(&l, NN_LOSS_MSE);
    assert_int_equal(nn_model_compile(ctx, m, o, &l, NULL, 0), NN_OK);
    assert_int_equal(nn_model_build(ctx, m, 1, (int64_t[]){ nin }), NN_OK);
    return m;
}

static double step(NnCtx *ctx, NnModel *m, const float *x, float y, int nin)
{
    NnTensor *xt = nn_tensor_from_data(ctx, NN_F32, 2, (int64_t[]){ 1, nin }, x);
    NnTensor *yt = nn_tensor_from_data(ctx, NN_F32, 2, (int64_t[]){ 1, 1 }, &y);
    NnLogs logs;
    assert_int_equal(nn_train_on_batch(ctx, m, xt, yt, &logs), NN_OK);
    nn_tensor_unref(xt);
    nn_tensor_unref(yt);
    assert_string_equal(logs.names[0], "loss");
    return logs.values[0];
}

/* The hand computation: prediction 3, loss 9, gradient (6, 12). */
static void sgd_hand(void **state)
{
    NnCtx *ctx = *state;
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_SGD);
    assert_true(o.learning_rate == 0.01);
    o.learning_rate = 0.1;
    NnModel *m = one_unit(ctx, &o, 0, 2);
    float x[2] = { 1, 2 };
    assert_true(fabs(step(ctx, m, x, 0, 2) - 9.0) < 1e-6);
    const float *w = nn_model_weight_data(m, 0, 0);
    assert_true(fabs(w[0] - 0.4) < 1e-6);
    assert_true(fabs(w[1] - (-0.2)) < 1e-6);
    assert_int_equal(nn_model_optim_iterations(m), 1);
    nn_model_free(m);
}

/* L2(0.01) adds 0.01 * sum w^2 to the loss and 0.02 w to the gradient. */
static void sgd_l2(void **state)
{
    NnCtx *ctx = *state;
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_SGD);
    o.learning_rate = 0.1;
    NnModel *m = one_unit(ctx, &o, 0.01, 2);
    float x[2] = { 1, 2 };
    assert_true(fabs(step(ctx, m, x, 0, 2) - 9.02) < 1e-6);
    const float *w = nn_model_weight_data(m, 0, 0);
    assert_true(fabs(w[0] - 0.398) < 1e-6);
    assert_true(fabs(w[1] - (-0.202)) < 1e-6);
    nn_model_free(m);
}

/* One Adam step moves every weight by the learning rate (m_hat/sqrt(v_hat) = sign g). */
static void adam_first_step(void **state)
{
    NnCtx *ctx = *state;
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_ADAM);
    assert_true(o.learning_rate == 0.001 && o.beta_1 == 0.9 && o.beta_2 == 0.999 &&
                o.epsilon == 1e-7);
    NnModel *m = one_unit(ctx, &o, 0, NIN);
    step(ctx, m, X, Y, NIN);
    const float *w = nn_model_weight_data(m, 0, 0);
    for (int i = 0; i < NIN; i++)
        assert_true(fabs(fabs(w[i] - 1.0) - 0.001) < 1e-6);
    nn_model_free(m);
}

/* ---------------------------------------------------------------- float64 references */

typedef struct {
    double w[NIN], s0[NIN], s1[NIN], s2[NIN];
    int64_t t;
} Ref;

static void ref_grad(const Ref *r, double *g)
{
    double p = 0;
    for (int i = 0; i < NIN; i++)
        p += r->w[i] * X[i];
    for (int i = 0; i < NIN; i++)
        g[i] = 2 * (p - Y) * X[i];
}

static void ref_step(const NnOptimConfig *o, Ref *r)
{
    double g[NIN], lr = o->learning_rate;
    ref_grad(r, g);
    r->t++;
    for (int i = 0; i < NIN; i++) {
        double *w = &r->w[i];
        *w -= lr * o->weight_decay * *w;
        switch (o->kind) {
        case NN_OPT_SGD:
            r->s0[i] = o->momentum * r->s0[i] - lr * g[i];
            *w += o->nesterov ? o->momentum * r->s0[i] - lr * g[i] : r->s0[i];
            break;
        case NN_OPT_ADAM: case NN_OPT_ADAMW: {
            r->s0[i] = o->beta_1 * r->s0[i] + (1 - o->beta_1) * g[i];
            r->s1[i] = o->beta_2 * r->s1[i] + (1 - o->beta_2) * g[i] * g[i];
            r->s2[i] = r->s2[i] > r->s1[i] ? r->s2[i] : r->s1[i];
            double v = o->amsgrad ? r->s2[i] : r->s1[i];
            double a = lr * sqrt(1 - pow(o->beta_2, (double)r->t)) / (1 - pow(o->beta_1, (double)r->t));
            *w -= a * r->s0[i] / (sqrt(v) + o->epsilon);
            break;
        }
        case NN_OPT_RMSPROP: {
            r->s0[i] = o->rho * r->s0[i] + (1 - o->rho) * g[i] * g[i];
            double den = r->s0[i] + o->epsilon;
            if (o->centered) {
                r->s2[i] = o->rho * r->s2[i] + (1 - o->rho) * g[i];
                den -= r->s2[i] * r->s2[i];
            }
            double inc = lr * g[i] / sqrt(den);
            r->s1[i] = o->momentum * r->s1[i] + inc;
            *w -= o->momentum > 0 ? r->s1[i] : inc;
            break;
        }
        default:
            if (r->t == 1)
                r->s0[i] = o->initial_accumulator;
            r->s0[i] += g[i] * g[i];
            *w -= lr * g[i] / sqrt(r->s0[i] + o->epsilon);
            break;
        }
    }
}

static void against_ref(NnCtx *ctx, const NnOptimConfig *o, const char *what)
{
    NnModel *m = one_unit(ctx, o, 0, NIN);
    Ref r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < NIN; i++)
        r.w[i] = 1;
    for (int s = 0; s < 5; s++) {
        step(ctx, m, X, Y, NIN);
        ref_step(o, &r);
        const float *w = nn_model_weight_data(m, 0, 0);
        for (int i = 0; i < NIN; i++) {
            double err = fabs(w[i] - r.w[i]) / (fabs(r.w[i]) > 1e-3 ? fabs(r.w[i]) : 1e-3);
            if (err > 1e-5)
                print_error("%s: step %d weight %d: %.9g vs float64 %.9g\n", what, s + 1, i,
                            (double)w[i], r.w[i]);
            assert_true(err <= 1e-5);
        }
    }
    nn_model_free(m);
}

static void optimizers_vs_f64(void **state)
{
    NnCtx *ctx = *state;
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_SGD);
    against_ref(ctx, &o, "sgd");
    o.momentum = 0.9;
    against_ref(ctx, &o, "sgd momentum");
    o.nesterov = true;
    against_ref(ctx, &o, "sgd nesterov");
    nn_optim_config_init(&o, NN_OPT_ADAM);
    o.learning_rate = 0.05;
    against_ref(ctx, &o, "adam");
    o.amsgrad = true;
    against_ref(ctx, &o, "adam amsgrad");
    nn_optim_config_init(&o, NN_OPT_ADAMW);
    assert_true(o.weight_decay == 0.004);
    o.learning_rate = 0.05;
    against_ref(ctx, &o, "adamw");
    nn_optim_config_init(&o, NN_OPT_RMSPROP);
    assert_true(o.rho == 0.9 && o.learning_rate == 0.001);
    against_ref(ctx, &o, "rmsprop");
    o.momentum = 0.5;
    against_ref(ctx, &o, "rmsprop momentum");
    o.centered = true;
    against_ref(ctx, &o, "rmsprop centered");
    nn_optim_config_init(&o, NN_OPT_ADAGRAD);
    o.learning_rate = 0.1;
    against_ref(ctx, &o, "adagrad");
}

/* The learning rate is read at every step (schedules, ReduceLROnPlateau). */
static void lr_change(void **state)
{
    NnCtx *ctx = *state;
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_SGD);
    o.learning_rate = 0.1;
    NnModel *m = one_unit(ctx, &o, 0, 2);
    nn_model_set_lr(m, 0.05);
    assert_true(nn_model_get_lr(m) == 0.05);
    float x[2] = { 1, 2 };
    step(ctx, m, x, 0, 2);
    const float *w = nn_model_weight_data(m, 0, 0);
    assert_true(fabs(w[0] - 0.7) < 1e-6 && fabs(w[1] - 0.4) < 1e-6);
    nn_model_free(m);
}

static void names_and_defaults(void **state)
{
    (void)state;
    NnOptimKind k;
    assert_true(nn_optim_from_name("adam", &k) && k == NN_OPT_ADAM);
    assert_true(nn_optim_from_name("RMSprop", &k) && k == NN_OPT_RMSPROP);
    assert_true(nn_optim_from_name("rmsprop", &k) && k == NN_OPT_RMSPROP);
    assert_false(nn_optim_from_name("adamm", &k));
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_ADAGRAD);
    assert_true(o.initial_accumulator == 0.1 && o.learning_rate == 0.001 && o.epsilon == 1e-7);
    nn_optim_config_init(&o, NN_OPT_SGD);
    assert_true(o.momentum == 0 && !o.nesterov);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sgd_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(sgd_l2, setup, teardown),
        cmocka_unit_test_setup_teardown(adam_first_step, setup, teardown),
        cmocka_unit_test_setup_teardown(optimizers_vs_f64, setup, teardown),
        cmocka_unit_test_setup_teardown(lr_change, setup, teardown),
        cmocka_unit_test_setup_teardown(names_and_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
