/* test_fit_repro.c - the training loop's fast paths (lib/nn_train_fast.c)
 * and reproducibility at the sizes where they matter (never timed):
 *  - two fits of an MLP large enough that some products take the threaded
 *    GEMM path and the optimizer step is split over threads give
 *    bit-identical weights from the same seed, with 1 and with 2 threads;
 *  - the weights do not depend on where the first layer's update runs, and
 *    one and two threads agree up to rounding;
 *  - the per-shape GEMM policy matches a float64 reference on shapes on
 *    both sides of its single-thread threshold, with every transpose;
 *  - the fused row kernels match their definitions (hand-checked values,
 *    NaN and -0 included).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "nn.h"
#include "nn_layer.h"     /* nn_model_loss_grad: gradients without an update */
#include "nn_train_fast.h"

static int setup(void **state)
{
    NnCtx *ctx = nn_ctx_new();
    nn_rng_seed(ctx, 5);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    nn_ctx_free(*state);
    return 0;
}

/* 256 -> 512 relu -> 512 relu -> 10 softmax at batch 128: the 512x512
 * products (67 MFLOP) are above the single-thread threshold, the others
 * below; 394,250 parameters split the optimizer step. */
static NnModel *seeded_fit_act(NnCtx *ctx, const NnTensor *x, const NnTensor *y, int threads,
                               double clipnorm, NnActivation act);

static NnModel *seeded_fit(NnCtx *ctx, const NnTensor *x, const NnTensor *y, int threads)
{
    return seeded_fit_act(ctx, x, y, threads, 0, NN_ACT_RELU);
}

static NnModel *seeded_fit_clip(NnCtx *ctx, const NnTensor *x, const NnTensor *y, int threads,
                                double clipnorm)
{
    return seeded_fit_act(ctx, x, y, threads, clipnorm, NN_ACT_RELU);
}

/* clipnorm > 0 (too large to clip anything) keeps every update after the
 * backward pass; 0 lets the first layer update itself in its backward. */
static NnModel *seeded_fit_act(NnCtx *ctx, const NnTensor *x, const NnTensor *y, int threads,
                               double clipnorm, NnActivation act)
{
    nn_ctx_set_threads(ctx, threads);
    nn_rng_seed(ctx, 17);
    NnModel *m = nn_model_new(ctx);
    const int64_t units[3] = { 512, 512, 10 };
    for (int i = 0; i < 3; i++) {
        NnLayerConfig c;
        nn_layer_config_init(&c, NN_LAYER_DENSE);
        c.units = units[i];
        c.activation = i < 2 ? act : NN_ACT_SOFTMAX;
        assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    }
    NnOptimConfig o;
    NnLossConfig l;
    nn_optim_config_init(&o, NN_OPT_ADAM);
    o.clipnorm = clipnorm;
    nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, NULL, 0), NN_OK);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = 2;
    f.batch_size = 128;
    assert_int_equal(nn_fit(ctx, m, x, y, &f, NULL), NN_OK);
    return m;
}

static void data(NnCtx *ctx, NnTensor **x, NnTensor **y)
{
    nn_rng_seed(ctx, 3);
    *x = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 300, 256 }, 0, 1);
    *y = nn_tensor_new(ctx, NN_I64, 1, (int64_t[]){ 300 });
    assert_non_null(*x);
    assert_non_null(*y);
    for (int64_t i = 0; i < 300; i++)      /* learnable: the class of the largest of 10 features */
        ((int64_t *)nn_tensor_data(*y))[i] = 0;
    const float *xd = nn_tensor_data(*x);
    for (int64_t i = 0; i < 300; i++)
        for (int k = 1; k < 10; k++)
            if (xd[i * 256 + k] > xd[i * 256 + ((int64_t *)nn_tensor_data(*y))[i]])
                ((int64_t *)nn_tensor_data(*y))[i] = k;
}

static void assert_same_weights(const NnModel *a, const NnModel *b)
{
    for (int i = 0; i < nn_model_nlayers(a); i++)
        for (int j = 0; j < nn_model_layer_nweights(a, i); j++) {
            int nd;
            int64_t s[8], n = 1;
            nn_model_weight_info(a, i, j, NULL, &nd, s);
            for (int d = 0; d < nd; d++)
                n *= s[d];
            assert_memory_equal(nn_model_weight_data(a, i, j), nn_model_weight_data(b, i, j),
                                sizeof(float) * (size_t)n);
        }
}

static void repro_threads(void **state, int threads)
{
    NnCtx *ctx = *state;
    NnTensor *x, *y;
    data(ctx, &x, &y);
    NnModel *a = seeded_fit(ctx, x, y, threads), *b = seeded_fit(ctx, x, y, threads);
    assert_int_equal(nn_model_optim_iterations(a), 6);
    assert_same_weights(a, b);
    nn_model_free(a);
    nn_model_free(b);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

static void repro_one_thread(void **state) { repro_threads(state, 1); }
static void repro_two_threads(void **state) { repro_threads(state, 2); }

/* Where the first layer's update runs does not change the weights: in its
 * backward pass (block by block on two threads) or in the pass over all
 * parameters after it (clipnorm set, too large to clip). */
static void same_weights_wherever_updated(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x, *y;
    data(ctx, &x, &y);
    for (int th = 1; th <= 2; th++) {
        NnModel *early = seeded_fit(ctx, x, y, th), *late = seeded_fit_clip(ctx, x, y, th, 1e30);
        assert_same_weights(early, late);
        nn_model_free(early);
        nn_model_free(late);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

static double max_abs(const float *a, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++)
        m = fabs(a[i]) > m ? fabs(a[i]) : m;
    return m;
}

static void assert_close(const float *a, const float *b, int64_t n, const char *what)
{
    double tol = 1e-5 * max_abs(a, n);
    for (int64_t i = 0; i < n; i++)
        if (!(fabs((double)a[i] - b[i]) <= tol))
            fail_msg("%s[%lld]: %.9g on one thread, %.9g on two", what, (long long)i, a[i], b[i]);
}

/* On two threads the 512-unit layers' products are cut into blocks of
 * kernel rows and summed in two pieces: the outputs and the gradients
 * agree with one thread's up to rounding.  The hidden layers are tanh: with
 * ReLU, a unit whose input is within rounding of zero can switch with the
 * order of the sums, and one sample's whole gradient with it. */
static void threads_agree(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x, *y;
    data(ctx, &x, &y);
    NnModel *m = seeded_fit_act(ctx, x, y, 1, 0, NN_ACT_TANH);    /* trained weights */
    float *grads[2][3], *pred[2];
    int64_t np[3];
    for (int th = 1; th <= 2; th++) {
        nn_ctx_set_threads(ctx, th);
        double loss;
        assert_int_equal(nn_model_loss_grad(ctx, m, x, y, false, &loss), NN_OK);
        for (int i = 0; i < 3; i++) {
            int nd;
            int64_t s[8];
            nn_model_weight_info(m, i, 0, NULL, &nd, s);
            np[i] = s[0] * s[1];
            grads[th - 1][i] = test_malloc(sizeof(float) * (size_t)np[i]);
            memcpy(grads[th - 1][i], nn_model_grad_data(m, i, 0), sizeof(float) * (size_t)np[i]);
        }
        NnTensor *p = nn_predict(ctx, m, x, 32, NULL);
        assert_non_null(p);
        pred[th - 1] = test_malloc(sizeof(float) * 3000);
        memcpy(pred[th - 1], nn_tensor_data(p), sizeof(float) * 3000);
        nn_tensor_unref(p);
    }
    assert_close(pred[0], pred[1], 3000, "prediction");
    for (int i = 0; i < 3; i++) {
        assert_close(grads[0][i], grads[1][i], np[i], "kernel gradient");
        test_free(grads[0][i]);
        test_free(grads[1][i]);
    }
    test_free(pred[0]);
    test_free(pred[1]);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* ---- the GEMM policy against float64 ---- */

static void check_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k)
{
    float *a = test_malloc(sizeof(float) * (size_t)(m * k));
    float *b = test_malloc(sizeof(float) * (size_t)(k * n));
    float *c = test_malloc(sizeof(float) * (size_t)(m * n));
    for (int64_t i = 0; i < m * k; i++)
        a[i] = (float)((i * 37 % 101) - 50) / 64.0f;
    for (int64_t i = 0; i < k * n; i++)
        b[i] = (float)((i * 53 % 89) - 44) / 32.0f;
    for (int64_t i = 0; i < m * n; i++)
        c[i] = NAN;                             /* beta 0: C is overwritten */
    int64_t lda = ta ? m : k, ldb = tb ? k : n;
    nn_train_gemm(ctx, ta, tb, m, n, k, a, lda, b, ldb, c, n);
    double worst = 0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double s = 0, mag = 0;
            for (int64_t p = 0; p < k; p++) {
                double av = ta ? a[p * lda + i] : a[i * lda + p];
                double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                s += av * bv;
                mag += fabs(av * bv);
            }
            double err = fabs(c[i * n + j] - s) / (mag + 1e-30);
            worst = err > worst ? err : worst;
        }
    if (!(worst < 1e-5))
        print_error("gemm %s%s %lldx%lldx%lld: relative error %g\n", ta ? "T" : "N", tb ? "T" : "N",
                    (long long)m, (long long)n, (long long)k, worst);
    assert_true(worst < 1e-5);
    test_free(a);
    test_free(b);
    test_free(c);
}

static void gemm_policy(void **state)
{
    NnCtx *ctx = *state;
    /* (m, n, k): batch-32 MLP shapes (one thread), a 512x512 layer at batch
     * 128 (above the threshold), odd sizes */
    static const int64_t shapes[][3] = {
        { 32, 128, 784 }, { 784, 128, 32 }, { 32, 10, 128 }, { 128, 512, 512 },
        { 512, 512, 128 }, { 7, 3, 5 }, { 1, 1, 1 },
    };
    for (int th = 1; th <= 2; th++) {
        nn_ctx_set_threads(ctx, th);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int t = 0; t < 4; t++)
                check_gemm(ctx, t & 1, t & 2, shapes[s][0], shapes[s][1], shapes[s][2]);
    }
}

/* ---- fused row kernels ---- */

static void bias_relu(void **state)
{
    (void)state;
    float y[6] = { 1.5f, -2.0f, 0.25f, NAN, -0.0f, 3.0f };
    const float b[3] = { -1.0f, 1.0f, -0.25f };
    nn_train_bias_relu(y, b, 2, 3);
    /* 1.5-1 = 0.5; -2+1 = -1 -> 0; 0.25-0.25 = 0 -> 0; NaN -> 0; -0+1 = 1; 3-0.25 */
    const float want[6] = { 0.5f, 0.0f, 0.0f, 0.0f, 1.0f, 2.75f };
    for (int i = 0; i < 6; i++) {
        assert_true(y[i] == want[i]);
        assert_false(signbit(y[i]));
    }
    float z[3] = { -0.0f, 2.0f, -3.0f };
    nn_train_bias_relu(z, NULL, 1, 3);
    assert_true(z[0] == 0 && !signbit(z[0]) && z[1] == 2.0f && z[2] == 0);
}

/* Into a separate buffer, the input left as it was. */
static void relu_copy(void **state)
{
    (void)state;
    const float z[5] = { -1.5f, -0.0f, 2.0f, NAN, 0.25f };
    float y[5] = { 9, 9, 9, 9, 9 };
    nn_train_relu(y, z, 5);
    const float want[5] = { 0.0f, 0.0f, 2.0f, 0.0f, 0.25f };
    for (int i = 0; i < 5; i++) {
        assert_true(y[i] == want[i]);
        assert_false(signbit(y[i]));
    }
    assert_true(z[0] == -1.5f && signbit(z[1]) && isnan(z[3]));
}

static void relu_backward(void **state)
{
    (void)state;
    float dy[5] = { 1, 2, 3, 4, 5 };
    const float y[5] = { 0.5f, 0.0f, -0.0f, 2.0f, 0.0f };
    nn_train_relu_backward(dy, y, 5);
    const float want[5] = { 1, 0, 0, 4, 0 };
    assert_memory_equal(dy, want, sizeof want);
}

static void colsum(void **state)
{
    (void)state;
    const float dy[6] = { 1, 2, 3, 10, 20, 30 };
    float db[3] = { 99, 99, 99 };
    nn_train_colsum(dy, 2, 3, db);
    assert_true(db[0] == 11 && db[1] == 22 && db[2] == 33);
}

/* A block product: C[:, 1:3] of C (2x5) from B[:, 1:3] of B (3x4), the
 * rest of C untouched, by hand. */
static void block_product(void **state)
{
    (void)state;
    /* A (2x3) @ B[:, 1:3] of B (3x4) into C[:, 1:3] of C (2x5) */
    const float a[6] = { 1, 2, 3, 4, 5, 6 };
    const float b[12] = { 9, 1, 2, 9, 9, 3, 4, 9, 9, 5, 6, 9 };
    float c[10];
    for (int i = 0; i < 10; i++)
        c[i] = -7;
    nn_train_gemm_block(false, false, 2, 2, 3, a, 3, b + 1, 4, c + 1, 5);
    /* row 0: 1*1+2*3+3*5 = 22, 1*2+2*4+3*6 = 28; row 1: 4+15+30 = 49, 8+20+36 = 64 */
    const float want[10] = { -7, 22, 28, -7, -7, -7, 49, 64, -7, -7 };
    assert_memory_equal(c, want, sizeof want);
    /* A^T: A stored (3x2), op(A) = A^T (2x3) */
    const float at[6] = { 1, 4, 2, 5, 3, 6 };
    for (int i = 0; i < 10; i++)
        c[i] = -7;
    nn_train_gemm_block(true, false, 2, 2, 3, at, 2, b + 1, 4, c + 1, 5);
    assert_memory_equal(c, want, sizeof want);
    /* A as columns 1..3 of a (2x4) array (lda 4): a kernel-row block's input */
    const float awide[8] = { 8, 1, 2, 3, 8, 4, 5, 6 };
    for (int i = 0; i < 10; i++)
        c[i] = -7;
    nn_train_gemm_block(false, false, 2, 2, 3, awide + 1, 4, b + 1, 4, c + 1, 5);
    assert_memory_equal(c, want, sizeof want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(repro_one_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(repro_two_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(same_weights_wherever_updated, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_agree, setup, teardown),
        cmocka_unit_test(block_product),
        cmocka_unit_test_setup_teardown(gemm_policy, setup, teardown),
        cmocka_unit_test(bias_relu),
        cmocka_unit_test(relu_copy),
        cmocka_unit_test(relu_backward),
        cmocka_unit_test(colsum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
