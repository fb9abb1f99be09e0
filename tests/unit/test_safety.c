/* test_safety.c - numerical safety and interruption of long kernels:
 *   - softmax, log-softmax and cross-entropy of logits at +-1000 are finite
 *     and equal the hand-derived values;
 *   - fit with a learning rate of 1e10 stops at the first non-finite loss
 *     (NN_ENAN) with every weight finite, equal to the weights after the
 *     last step whose loss was finite;
 *   - a tiny MLP with set weights follows the loss trajectory numpy computes
 *     (golden_mlp.h from gen_golden_mlp.py) to 1e-2 absolute; the gcc build
 *     and the clang sanitizer build both run this, so they agree;
 *   - a long matmul stops within a panel once the interrupt hook fires, and
 *     the paneled product equals the plain one when it does not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nn.h"
#include "golden_mlp.h"

static NnCtx *new_ctx(void)
{
    NnCtx *ctx = nn_ctx_new();
    assert_non_null(ctx);
    nn_ctx_set_threads(ctx, 1);
    nn_rng_seed(ctx, 11);
    return ctx;
}

static NnTensor *from(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, const double *v)
{
    NnTensor *t64 = nn_tensor_from_data(ctx, NN_F64, ndim, shape, v);
    NnTensor *t = nn_tensor_cast(ctx, t64, dt);
    nn_tensor_unref(t64);
    assert_non_null(t);
    return t;
}

/* softmax([1000, -1000, 0]) = [1, e^-2000, e^-1000] = [1, 0, 0]; log-softmax
 * = [0, -2000, -1000] exactly (the max is subtracted before exp). */
static void test_extreme_logits(void **state)
{
    (void)state;
    NnCtx *ctx = new_ctx();
    for (int f = 0; f < 2; f++) {
        NnDType dt = f ? NN_F64 : NN_F32;
        NnTensor *z = from(ctx, dt, 2, (int64_t[]){ 2, 3 },
                           (double[]){ 1000, -1000, 0, -1000, -1000, 1000 });
        NnTensor *s = nn_softmax(ctx, z, -1), *ls = nn_log_softmax(ctx, z, -1);
        assert_non_null(s);
        assert_non_null(ls);
        static const double want_s[6] = { 1, 0, 0, 0, 0, 1 };
        static const double want_ls[6] = { 0, -2000, -1000, -2000, -2000, 0 };
        for (int i = 0; i < 6; i++) {
            assert_true(isfinite(nn_tensor_get_f64(s, i)));
            assert_true(fabs(nn_tensor_get_f64(s, i) - want_s[i]) < 1e-6);
            assert_true(fabs(nn_tensor_get_f64(ls, i) - want_ls[i]) < 1e-3);
        }
        /* sparse CE from logits: labels [1, 0] -> mean(2000, 2000) = 2000;
         * categorical CE of one-hot [0,1,0],[0,0,1] -> (2000 + 0) / 2 = 1000 */
        NnLossConfig lc;
        double loss = 0;
        nn_loss_config_init(&lc, NN_LOSS_SPARSE_CCE);
        lc.from_logits = true;
        NnTensor *lab = from(ctx, NN_I64, 1, (int64_t[]){ 2 }, (double[]){ 1, 0 });
        assert_int_equal(nn_loss_eval(ctx, &lc, lab, z, &loss), NN_OK);
        assert_true(isfinite(loss));
        assert_true(fabs(loss - 2000) < 1e-2);
        nn_loss_config_init(&lc, NN_LOSS_CCE);
        lc.from_logits = true;
        NnTensor *oh = from(ctx, dt, 2, (int64_t[]){ 2, 3 }, (double[]){ 0, 1, 0, 0, 0, 1 });
        assert_int_equal(nn_loss_eval(ctx, &lc, oh, z, &loss), NN_OK);
        assert_true(fabs(loss - 1000) < 1e-2);
        /* binary CE from logits +-1000: log(1 + e^-|z|) + max(z, 0) - z*y */
        nn_loss_config_init(&lc, NN_LOSS_BCE);
        lc.from_logits = true;
        NnTensor *bz = from(ctx, dt, 2, (int64_t[]){ 2, 1 }, (double[]){ 1000, -1000 });
        NnTensor *by = from(ctx, dt, 2, (int64_t[]){ 2, 1 }, (double[]){ 0, 0 });
        assert_int_equal(nn_loss_eval(ctx, &lc, by, bz, &loss), NN_OK);
        assert_true(fabs(loss - 500) < 1e-2);
        nn_tensor_unref(bz);
        nn_tensor_unref(by);
        nn_tensor_unref(oh);
        nn_tensor_unref(lab);
        nn_tensor_unref(s);
        nn_tensor_unref(ls);
        nn_tensor_unref(z);
    }
    nn_ctx_free(ctx);
}

static void dense(NnCtx *ctx, NnModel *m, int64_t units, NnActivation act)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = units;
    c.activation = act;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
}

static void compile_sgd(NnCtx *ctx, NnModel *m, double lr)
{
    NnOptimConfig o;
    NnLossConfig l;
    nn_optim_config_init(&o, NN_OPT_SGD);
    o.learning_rate = lr;
    nn_loss_config_init(&l, NN_LOSS_MSE);
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, NULL, 0), NN_OK);
}

static bool all_finite(const NnModel *m)
{
    for (int i = 0; i < nn_model_nlayers(m); i++)
        for (int j = 0; j < nn_model_layer_nweights(m, i); j++) {
            bool tr;
            int nd;
            int64_t sh[NN_MAXDIM], n = 1;
            nn_model_weight_info(m, i, j, &tr, &nd, sh);
            for (int d = 0; d < nd; d++)
                n *= sh[d];
            const float *w = nn_model_weight_data(m, i, j);
            for (int64_t k = 0; k < n; k++)
                if (!isfinite(w[k]))
                    return false;
        }
    return true;
}

/* The same model stepped by train_on_batch keeps a copy of the weights
 * before each step; fit must end on the copy from before the first step
 * whose loss is not finite. */
static void test_huge_learning_rate(void **state)
{
    (void)state;
    NnCtx *ctx = new_ctx();
    NnModel *m = nn_model_new(ctx), *ref = nn_model_new(ctx);
    NnTensor *x = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 16, 3 }, -1, 1);
    NnTensor *y = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 16, 1 }, -1, 1);
    NnModel *ms[2] = { m, ref };
    for (int k = 0; k < 2; k++) {
        dense(ctx, ms[k], 8, NN_ACT_RELU);
        dense(ctx, ms[k], 1, NN_ACT_LINEAR);
        assert_int_equal(nn_model_build(ctx, ms[k], 1, (int64_t[]){ 3 }), NN_OK);
        compile_sgd(ctx, ms[k], 1e10);
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            NnTensor *w = nn_model_get_weight(ctx, m, i, j);
            assert_int_equal(nn_model_set_weight(ctx, ref, i, j, w), NN_OK);
            nn_tensor_unref(w);
        }
    /* reference: step until a loss is not finite */
    NnSnapshot *before = NULL;
    int steps = 0;
    for (;; steps++) {
        assert_true(steps < 100);
        nn_snapshot_free(ctx, before);
        before = nn_model_snapshot(ctx, ref);
        NnLogs logs;
        NnStatus st = nn_train_on_batch(ctx, ref, x, y, &logs);
        if (st == NN_ENAN)
            break;
        assert_int_equal(st, NN_OK);
        if (!isfinite(logs.values[0]))
            break;
    }
    nn_clear_error(ctx);
    assert_int_equal(nn_model_restore(ctx, ref, before), NN_OK);
    nn_snapshot_free(ctx, before);

    NnFitOptions fo;
    nn_fit_options_init(&fo);
    fo.epochs = 100;
    fo.batch_size = 16;
    fo.shuffle = false;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &fo, h), NN_ENAN);
    assert_non_null(strstr(nn_errmsg(ctx), "loss is"));
    nn_clear_error(ctx);
    assert_true(all_finite(m));
    assert_int_equal(nn_history_nepochs(h), steps);
    for (int64_t e = 0; e < nn_history_nepochs(h); e++)
        assert_true(isfinite(nn_history_values(h, 0)[e]));
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            NnTensor *a = nn_model_get_weight(ctx, m, i, j), *b = nn_model_get_weight(ctx, ref, i, j);
            assert_memory_equal(nn_tensor_data(a), nn_tensor_data(b),
                                (size_t)nn_tensor_numel(a) * sizeof(float));
            nn_tensor_unref(a);
            nn_tensor_unref(b);
        }
    printf("lr 1e10: stopped after %d finite epochs\n", steps);
    nn_history_free(h);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_model_free(ref);
    nn_model_free(m);
    nn_ctx_free(ctx);
}

static void test_golden_mlp(void **state)
{
    (void)state;
    enum { N = 8, IN = 3, HID = 4, OUT = 1, EPOCHS = 30 };
    double xv[N * IN], yv[N], w1[IN * HID], b1[HID], w2[HID * OUT], b2[OUT] = { 0.1 };
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < IN; j++)
            xv[i * IN + j] = sin(i + 0.5 * j);
        yv[i] = cos(0.7 * i);
    }
    for (int i = 0; i < IN; i++)
        for (int j = 0; j < HID; j++)
            w1[i * HID + j] = 0.1 * ((i * HID + j) % 7) - 0.3;
    for (int j = 0; j < HID; j++)
        b1[j] = 0.05 * j - 0.05;
    for (int i = 0; i < HID; i++)
        w2[i] = 0.2 * ((i * OUT) % 5) - 0.4;
    NnCtx *ctx = new_ctx();
    NnModel *m = nn_model_new(ctx);
    dense(ctx, m, HID, NN_ACT_TANH);
    dense(ctx, m, OUT, NN_ACT_LINEAR);
    assert_int_equal(nn_model_build(ctx, m, 1, (int64_t[]){ IN }), NN_OK);
    compile_sgd(ctx, m, 0.1);
    const double *vals[4] = { w1, b1, w2, b2 };
    const int64_t shapes[4][2] = { { IN, HID }, { HID }, { HID, OUT }, { OUT } };
    for (int k = 0; k < 4; k++) {
        NnTensor *t = from(ctx, NN_F32, k % 2 ? 1 : 2, shapes[k], vals[k]);
        assert_int_equal(nn_model_set_weight(ctx, m, k / 2, k % 2, t), NN_OK);
        nn_tensor_unref(t);
    }
    NnTensor *x = from(ctx, NN_F32, 2, (int64_t[]){ N, IN }, xv);
    NnTensor *y = from(ctx, NN_F32, 2, (int64_t[]){ N, 1 }, yv);
    NnFitOptions fo;
    nn_fit_options_init(&fo);
    fo.epochs = EPOCHS;
    fo.batch_size = N;
    fo.shuffle = false;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &fo, h), NN_OK);
    assert_int_equal(nn_history_nepochs(h), EPOCHS);
    double worst = 0;
    for (int e = 0; e < EPOCHS; e++) {
        double d = fabs(nn_history_values(h, 0)[e] - golden_mlp_loss[e]);
        if (d > worst)
            worst = d;
        if (d > 1e-2)
            fail_msg("epoch %d: loss %.6f, numpy %.6f", e, nn_history_values(h, 0)[e], golden_mlp_loss[e]);
    }
    printf("golden MLP: %d epochs, max |loss - numpy| = %.2e\n", EPOCHS, worst);
    nn_history_free(h);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_model_free(m);
    nn_ctx_free(ctx);
}

static int polls, fire_after;

static bool count_hook(void *ud)
{
    (void)ud;
    return ++polls > fire_after && fire_after >= 0;
}

static void test_matmul_interrupt(void **state)
{
    (void)state;
    NnCtx *ctx = new_ctx();
    NnTensor *a = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 700, 600 }, -1, 1);
    NnTensor *b = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 600, 500 }, -1, 1);
    NnTensor *plain = nn_matmul(ctx, a, b);      /* no hook: one GEMM */
    assert_non_null(plain);
    nn_ctx_set_interrupt(ctx, count_hook, NULL);
    fire_after = -1;
    polls = 0;
    NnTensor *paneled = nn_matmul(ctx, a, b);    /* 2.1e8 flops: panels, never fires */
    assert_non_null(paneled);
    assert_true(polls > 1);
    assert_memory_equal(nn_tensor_data(plain), nn_tensor_data(paneled), 700 * 500 * sizeof(float));
    fire_after = 1;
    polls = 0;
    assert_null(nn_matmul(ctx, a, b));
    assert_int_equal(nn_status(ctx), NN_EINTR);
    nn_clear_error(ctx);
    nn_tensor_unref(paneled);
    nn_tensor_unref(plain);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
    nn_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extreme_logits),
        cmocka_unit_test(test_huge_learning_rate),
        cmocka_unit_test(test_golden_mlp),
        cmocka_unit_test(test_matmul_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
