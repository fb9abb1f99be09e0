/* test_train.c - the training loop: XOR learns, runs are bit-reproducible
 * from the seed, the running epoch logs are Keras's weighted means,
 * validation_split takes the last rows, callbacks can stop, Ctrl-C and a
 * NaN loss stop between batches keeping the last finite weights, and the
 * user errors (fit before compile, mismatched lengths, wrong feature
 * count) name what is wrong.
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
    nn_rng_seed(ctx, 3);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    nn_ctx_free(*state);
    return 0;
}

static void dense(NnCtx *ctx, NnModel *m, int64_t units, NnActivation act)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = units;
    c.activation = act;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
}

static void compile(NnCtx *ctx, NnModel *m, NnOptimKind ok, double lr, NnLossKind lk, bool acc)
{
    NnOptimConfig o;
    NnLossConfig l;
    NnMetricConfig mc;
    nn_optim_config_init(&o, ok);
    if (lr >= 0)
        o.learning_rate = lr;
    nn_loss_config_init(&l, lk);
    assert_true(nn_metric_from_name("accuracy", &mc));
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, &mc, acc ? 1 : 0), NN_OK);
}

static NnTensor *randt(NnCtx *ctx, int64_t n, int64_t f)
{
    NnTensor *t = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ n, f }, 0, 1);
    assert_non_null(t);
    return t;
}

/* integer labels 0..k-1, shape (n,) */
static NnTensor *labels(NnCtx *ctx, int64_t n, int64_t k)
{
    NnTensor *t = nn_tensor_new(ctx, NN_I64, 1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++)
        ((int64_t *)nn_tensor_data(t))[i] = (i * 7 + 3) % k;
    return t;
}

static void xor_learns(void **state)
{
    NnCtx *ctx = *state;
    float xd[8] = { 0, 0, 0, 1, 1, 0, 1, 1 }, yd[4] = { 0, 1, 1, 0 };
    NnTensor *x = nn_tensor_from_data(ctx, NN_F32, 2, (int64_t[]){ 4, 2 }, xd);
    NnTensor *y = nn_tensor_from_data(ctx, NN_F32, 2, (int64_t[]){ 4, 1 }, yd);
    NnModel *m = nn_model_new(ctx);
    dense(ctx, m, 8, NN_ACT_TANH);
    dense(ctx, m, 1, NN_ACT_SIGMOID);
    compile(ctx, m, NN_OPT_ADAM, 0.05, NN_LOSS_BCE, true);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = 500;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, h), NN_OK);
    assert_int_equal(nn_history_nepochs(h), 500);
    assert_string_equal(nn_history_key(h, 1), "accuracy");
    double out[2];
    assert_int_equal(nn_evaluate(ctx, m, x, y, 0, NULL, out), NN_OK);
    assert_true(out[1] == 1.0);
    assert_true(out[0] < 0.1);
    NnTensor *p = nn_predict(ctx, m, x, 0, NULL);
    assert_non_null(p);
    assert_int_equal(p->ndim, 2);
    assert_int_equal(p->shape[1], 1);
    for (int i = 0; i < 4; i++)
        assert_true((((float *)nn_tensor_data(p))[i] > 0.5f) == (yd[i] > 0.5f));
    nn_tensor_unref(p);
    nn_history_free(h);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* Dropout + BatchNormalization + shuffling, twice from the same seed. */
static NnModel *seeded_fit(NnCtx *ctx, NnTensor *x, NnTensor *y)
{
    nn_rng_seed(ctx, 11);
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    dense(ctx, m, 16, NN_ACT_RELU);
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    nn_layer_config_init(&c, NN_LAYER_DROPOUT);
    c.rate = 0.25;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    dense(ctx, m, 4, NN_ACT_SOFTMAX);
    compile(ctx, m, NN_OPT_ADAM, -1, NN_LOSS_SPARSE_CCE, true);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = 3;
    f.batch_size = 7;
    assert_int_equal(nn_fit(ctx, m, x, y, &f, NULL), NN_OK);
    return m;
}

static void deterministic(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = randt(ctx, 50, 6), *y = labels(ctx, 50, 4);
    NnModel *a = seeded_fit(ctx, x, y), *b = seeded_fit(ctx, x, y);
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
    /* inference is deterministic too (dropout off, moving statistics) */
    NnTensor *p1 = nn_predict(ctx, a, x, 0, NULL), *p2 = nn_predict(ctx, a, x, 5, NULL);
    assert_memory_equal(nn_tensor_data(p1), nn_tensor_data(p2), sizeof(float) * 200);
    for (int r = 0; r < 50; r++) {
        double s = 0;
        for (int k = 0; k < 4; k++)
            s += ((float *)nn_tensor_data(p1))[r * 4 + k];
        assert_true(fabs(s - 1) < 1e-5);
    }
    nn_tensor_unref(p1);
    nn_tensor_unref(p2);
    nn_model_free(a);
    nn_model_free(b);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* With lr 0 the weights never move, so the epoch's running loss (batch
 * losses weighted by batch size, last batch partial) and accuracy equal
 * evaluate over the same rows; the validation logs equal evaluate over the
 * last 20% of the rows. */
static void running_means_and_split(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = randt(ctx, 53, 5), *y = labels(ctx, 53, 3);
    NnModel *m = nn_model_new(ctx);
    dense(ctx, m, 3, NN_ACT_SOFTMAX);
    compile(ctx, m, NN_OPT_SGD, 0.0, NN_LOSS_SPARSE_CCE, true);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.batch_size = 10;
    f.validation_split = 0.2;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, h), NN_OK);
    assert_int_equal(nn_history_nkeys(h), 4);
    assert_string_equal(nn_history_key(h, 2), "val_loss");
    assert_string_equal(nn_history_key(h, 3), "val_accuracy");
    NnTensor *xt = nn_tensor_slice(ctx, x, 0, 0, 42, 1), *yt = nn_tensor_slice(ctx, y, 0, 0, 42, 1);
    NnTensor *xv = nn_tensor_slice(ctx, x, 0, 42, 53, 1), *yv = nn_tensor_slice(ctx, y, 0, 42, 53, 1);
    double tr[2], va[2];
    assert_int_equal(nn_evaluate(ctx, m, xt, yt, 0, NULL, tr), NN_OK);
    assert_int_equal(nn_evaluate(ctx, m, xv, yv, 0, NULL, va), NN_OK);
    assert_true(fabs(nn_history_values(h, 0)[0] - tr[0]) < 1e-6);
    assert_true(fabs(nn_history_values(h, 1)[0] - tr[1]) < 1e-9);
    assert_true(fabs(nn_history_values(h, 2)[0] - va[0]) < 1e-6);
    assert_true(fabs(nn_history_values(h, 3)[0] - va[1]) < 1e-9);
    nn_tensor_unref(xt);
    nn_tensor_unref(yt);
    nn_tensor_unref(xv);
    nn_tensor_unref(yv);
    nn_history_free(h);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

typedef struct {
    int batches, epochs, stop_at_epoch;
    int64_t steps, samples;
    int polls, interrupt_after;
} Probe;

static void on_begin(void *ud, int64_t epochs, int64_t steps, int64_t samples)
{
    (void)epochs;
    ((Probe *)ud)->steps = steps;
    ((Probe *)ud)->samples = samples;
}

static bool on_batch(void *ud, int64_t step, const NnLogs *logs)
{
    (void)step;
    (void)logs;
    ((Probe *)ud)->batches++;
    return false;
}

static bool on_epoch(void *ud, int64_t epoch, const NnLogs *logs)
{
    (void)logs;
    Probe *p = ud;
    p->epochs++;
    return epoch == p->stop_at_epoch;
}

static bool interrupt(void *ud)
{
    Probe *p = ud;
    return ++p->polls >= p->interrupt_after;
}

static void callbacks_and_stops(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = randt(ctx, 20, 4), *y = labels(ctx, 20, 2);
    NnModel *m = nn_model_new(ctx);
    dense(ctx, m, 2, NN_ACT_SOFTMAX);
    compile(ctx, m, NN_OPT_SGD, -1, NN_LOSS_SPARSE_CCE, false);
    Probe p = { .stop_at_epoch = 1 };
    NnFitCallbacks cb = { .ud = &p, .on_train_begin = on_begin, .on_batch_end = on_batch,
                          .on_epoch_end = on_epoch };
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = 10;
    f.batch_size = 8;
    f.cb = &cb;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, h), NN_OK);
    assert_int_equal(p.steps, 3);
    assert_int_equal(p.samples, 20);
    assert_int_equal(p.epochs, 2);
    assert_int_equal(p.batches, 6);
    assert_int_equal(nn_history_nepochs(h), 2);
    assert_int_equal(nn_model_optim_iterations(m), 6);

    /* Ctrl-C: the hook answers true at its 5th poll -> stop after epoch 2's batch 2 */
    Probe q = { .stop_at_epoch = -1, .interrupt_after = 5 };
    nn_ctx_set_interrupt(ctx, interrupt, &q);
    f.cb = NULL;
    assert_int_equal(nn_fit(ctx, m, x, y, &f, h), NN_EINTR);
    assert_string_equal(nn_errmsg(ctx), "epoch 2, batch 2: interrupted");
    assert_int_equal(nn_history_nepochs(h), 3);
    assert_int_equal(nn_model_optim_iterations(m), 11);
    nn_ctx_set_interrupt(ctx, NULL, NULL);
    nn_history_free(h);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* A NaN target in row 5 makes batch 3 (batch size 2, no shuffle) non-finite:
 * fit stops before that update, so the weights are those after batch 2. */
static void nan_stops(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = randt(ctx, 8, 3), *y = randt(ctx, 8, 1);
    NnModel *m = nn_model_new(ctx), *ref = nn_model_new(ctx);
    dense(ctx, m, 1, NN_ACT_LINEAR);
    dense(ctx, ref, 1, NN_ACT_LINEAR);
    compile(ctx, m, NN_OPT_SGD, 0.1, NN_LOSS_MSE, false);
    compile(ctx, ref, NN_OPT_SGD, 0.1, NN_LOSS_MSE, false);
    assert_int_equal(nn_model_build(ctx, m, 1, (int64_t[]){ 3 }), NN_OK);
    assert_int_equal(nn_model_build(ctx, ref, 1, (int64_t[]){ 3 }), NN_OK);
    for (int j = 0; j < 2; j++) {
        NnTensor *w = nn_model_get_weight(ctx, m, 0, j);
        assert_int_equal(nn_model_set_weight(ctx, ref, 0, j, w), NN_OK);
        nn_tensor_unref(w);
    }
    NnTensor *x4 = nn_tensor_slice(ctx, x, 0, 0, 4, 1), *y4 = nn_tensor_slice(ctx, y, 0, 0, 4, 1);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.batch_size = 2;
    f.shuffle = false;
    assert_int_equal(nn_fit(ctx, ref, x4, y4, &f, NULL), NN_OK);   /* the same 2 batches */
    ((float *)nn_tensor_data(y))[5] = NAN;
    NnHistory *h = nn_history_new(ctx);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, h), NN_ENAN);
    assert_string_equal(nn_errmsg(ctx), "epoch 1, batch 3: loss is nan");
    assert_int_equal(nn_history_nepochs(h), 0);
    assert_int_equal(nn_model_optim_iterations(m), 2);
    assert_memory_equal(nn_model_weight_data(m, 0, 0), nn_model_weight_data(ref, 0, 0), 12);
    assert_memory_equal(nn_model_weight_data(m, 0, 1), nn_model_weight_data(ref, 0, 1), 4);
    nn_history_free(h);
    nn_tensor_unref(x4);
    nn_tensor_unref(y4);
    nn_model_free(m);
    nn_model_free(ref);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

static void user_errors(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = randt(ctx, 10, 4), *y = labels(ctx, 9, 2), *x3 = randt(ctx, 10, 3);
    NnModel *m = nn_model_new(ctx);
    dense(ctx, m, 2, NN_ACT_SOFTMAX);
    NnFitOptions f;
    nn_fit_options_init(&f);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, NULL), NN_EARG);
    assert_non_null(strstr(nn_errmsg(ctx), "You must compile your model before training"));
    compile(ctx, m, NN_OPT_ADAM, -1, NN_LOSS_SPARSE_CCE, true);
    assert_int_equal(nn_fit(ctx, m, x, y, &f, NULL), NN_EDIM);
    assert_non_null(strstr(nn_errmsg(ctx), "x sizes: 10"));
    assert_non_null(strstr(nn_errmsg(ctx), "y sizes: 9"));
    NnTensor *p = nn_predict(ctx, m, x, 0, NULL);
    assert_non_null(p);
    nn_tensor_unref(p);
    assert_null(nn_predict(ctx, m, x3, 0, NULL));
    assert_non_null(strstr(nn_errmsg(ctx), "expected shape=(None, 4)"));
    assert_non_null(strstr(nn_errmsg(ctx), "found shape=(None, 3)"));
    /* one-hot targets of the wrong width */
    NnModel *m2 = nn_model_new(ctx);
    dense(ctx, m2, 3, NN_ACT_SOFTMAX);
    compile(ctx, m2, NN_OPT_ADAM, -1, NN_LOSS_CCE, true);
    NnTensor *y2 = randt(ctx, 10, 2);
    assert_int_equal(nn_fit(ctx, m2, x, y2, &f, NULL), NN_EDIM);
    assert_string_equal(nn_errmsg(ctx), "Shapes (None, 2) and (None, 3) are incompatible");
    nn_tensor_unref(y2);
    nn_model_free(m2);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(x3);
    nn_tensor_unref(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xor_learns, setup, teardown),
        cmocka_unit_test_setup_teardown(deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(running_means_and_split, setup, teardown),
        cmocka_unit_test_setup_teardown(callbacks_and_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(nan_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(user_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
