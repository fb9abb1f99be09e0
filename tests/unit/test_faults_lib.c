/* test_faults_lib.c - allocation-failure injection over the runtime: one
 * training step (forward, backward, optimizer update) through each layer
 * kind and each optimizer, a short fit, each loader and model save.  A
 * failed step must leave the weights and the optimizer's step count as they
 * were; a failed save must leave the file that was there before intact.
 * Every iteration returns NN_OK or NN_ENOMEM and frees everything. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nn.h"
#include "fault_alloc.h"
#include "faults.h"

static NnCtx *new_ctx(void)
{
    NnCtx *ctx = nn_ctx_new();
    assert_non_null(ctx);
    nn_ctx_set_threads(ctx, 1);
    nn_rng_seed(ctx, 7);
    return ctx;
}

/* ---------------------------------------------------------------- models */

typedef struct {
    const char *name;
    NnLayerKind kind;
    int ndim;                 /* input feature shape */
    int64_t shape[3];
} LayerCase;

static void add_layer(NnCtx *ctx, NnModel *m, NnLayerKind kind)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, kind);
    switch (kind) {
    case NN_LAYER_DENSE: c.units = 3; c.activation = NN_ACT_TANH; break;
    case NN_LAYER_ACTIVATION: c.activation = NN_ACT_SIGMOID; break;
    case NN_LAYER_DROPOUT: c.rate = 0.5; break;
    case NN_LAYER_RESHAPE: c.ndim = 2; c.shape[0] = 3; c.shape[1] = 2; break;
    case NN_LAYER_CONV2D: c.units = 2; c.kernel[0] = c.kernel[1] = 2; c.activation = NN_ACT_RELU; break;
    default: break;
    }
    if (nn_model_add(ctx, m, &c) != NN_OK)
        fail_msg("adding a %s: %s", nn_layer_class_name(kind), nn_errmsg(ctx));
}

static NnModel *model_with(NnCtx *ctx, const LayerCase *lc, NnOptimKind opt)
{
    NnModel *m = nn_model_new(ctx);
    assert_non_null(m);
    if (lc->kind == NN_LAYER_RESHAPE)   /* a first layer's shape is the input shape */
        add_layer(ctx, m, NN_LAYER_FLATTEN);
    add_layer(ctx, m, lc->kind);
    if (lc->ndim > 1)
        add_layer(ctx, m, NN_LAYER_FLATTEN);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 2;
    c.activation = NN_ACT_SOFTMAX;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    if (nn_model_build(ctx, m, lc->ndim, lc->shape) != NN_OK)
        fail_msg("building %s: %s", lc->name, nn_errmsg(ctx));
    NnOptimConfig o;
    NnLossConfig l;
    NnMetricConfig acc;
    nn_optim_config_init(&o, opt);
    if (opt == NN_OPT_SGD) {
        o.momentum = 0.9;
        o.nesterov = true;
    }
    if (opt == NN_OPT_RMSPROP)
        o.centered = true;
    if (opt == NN_OPT_ADAM)
        o.amsgrad = true;
    nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
    assert_true(nn_metric_from_name("accuracy", &acc));
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, &acc, 1), NN_OK);
    return m;
}

/* All weights in one malloc'd float array (compared after a failed step). */
static float *weights_copy(const NnModel *m, size_t *count)
{
    size_t n = 0, cap = 0;
    float *out = NULL;
    for (int i = 0; i < nn_model_nlayers(m); i++) {
        for (int j = 0; j < nn_model_layer_nweights(m, i); j++) {
            bool tr;
            int nd;
            int64_t sh[8], k = 1;
            nn_model_weight_info(m, i, j, &tr, &nd, sh);
            for (int d = 0; d < nd; d++)
                k *= sh[d];
            if (n + (size_t)k > cap) {
                cap = (n + (size_t)k) * 2;
                out = realloc(out, cap * sizeof *out);
                assert_non_null(out);
            }
            memcpy(out + n, nn_model_weight_data(m, i, j), (size_t)k * sizeof *out);
            n += (size_t)k;
        }
    }
    *count = n;
    return out;
}

static NnTensor *batch_x(NnCtx *ctx, const LayerCase *lc)
{
    int64_t shape[4] = { 4 };
    for (int d = 0; d < lc->ndim; d++)
        shape[d + 1] = lc->shape[d];
    NnTensor *x = nn_random_uniform(ctx, NN_F32, lc->ndim + 1, shape, -1, 1);
    assert_non_null(x);
    return x;
}

static NnTensor *labels(NnCtx *ctx, int64_t n)
{
    NnTensor *y = nn_tensor_new(ctx, NN_I64, 1, (int64_t[]){ n });
    assert_non_null(y);
    int64_t *p = nn_tensor_data(y);
    for (int64_t i = 0; i < n; i++)
        p[i] = i % 2;
    return y;
}

/* train_on_batch under injection; returns the injection points. */
static long step_scenario(const LayerCase *lc, NnOptimKind opt)
{
    long live0 = fault_live(), n;
    NnCtx *ctx = new_ctx();
    NnModel *m = model_with(ctx, lc, opt);
    NnTensor *x = batch_x(ctx, lc), *y = labels(ctx, 4);
    /* the first step allocates the optimizer's slots and the step arena;
     * later steps of the same shapes allocate nothing */
    for (n = 1;; n++) {
        size_t nw0, nw1;
        float *w0 = weights_copy(m, &nw0);
        int64_t it0 = nn_model_optim_iterations(m);
        NnLogs logs;
        fault_arm(n);
        NnStatus st = nn_train_on_batch(ctx, m, x, y, &logs);
        bool fired = fault_fired();
        fault_arm(0);
        if (st != NN_OK) {
            if (st != NN_ENOMEM || !fired)
                fail_msg("%s: allocation %ld: status %d: %s", lc->name, n, (int)st, nn_errmsg(ctx));
            float *w1 = weights_copy(m, &nw1);
            assert_int_equal(nw0, nw1);
            if (memcmp(w0, w1, nw0 * sizeof *w0) != 0)
                fail_msg("%s: allocation %ld: weights changed by a failed step", lc->name, n);
            assert_int_equal(nn_model_optim_iterations(m), it0);
            free(w1);
            nn_clear_error(ctx);
        }
        free(w0);
        if (!fired)
            break;
    }
    /* still usable */
    assert_int_equal(nn_train_on_batch(ctx, m, x, y, NULL), NN_OK);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_model_free(m);
    nn_ctx_free(ctx);
    assert_int_equal(fault_live(), live0);
    return n;
}

static const LayerCase LAYERS[] = {
    { "layer_dense", NN_LAYER_DENSE, 1, { 5 } },
    { "layer_activation", NN_LAYER_ACTIVATION, 1, { 5 } },
    { "layer_softmax", NN_LAYER_SOFTMAX, 1, { 5 } },
    { "layer_relu", NN_LAYER_RELU, 1, { 5 } },
    { "layer_dropout", NN_LAYER_DROPOUT, 1, { 5 } },
    { "layer_batchnorm", NN_LAYER_BATCHNORM, 1, { 5 } },
    { "layer_flatten", NN_LAYER_FLATTEN, 2, { 2, 3 } },
    { "layer_reshape", NN_LAYER_RESHAPE, 2, { 2, 3 } },
    { "layer_conv2d", NN_LAYER_CONV2D, 3, { 4, 4, 2 } },
    { "layer_maxpool2d", NN_LAYER_MAXPOOL2D, 3, { 4, 4, 2 } },
};

void test_faults_layers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof LAYERS / sizeof *LAYERS; i++)
        if (faults_wanted(LAYERS[i].name))
            faults_report(LAYERS[i].name, step_scenario(&LAYERS[i], NN_OPT_SGD));
}

void test_faults_optimizers(void **state)
{
    (void)state;
    static const struct { const char *name; NnOptimKind k; } opts[] = {
        { "optim_sgd_nesterov", NN_OPT_SGD }, { "optim_adam_amsgrad", NN_OPT_ADAM },
        { "optim_adamw", NN_OPT_ADAMW }, { "optim_rmsprop_centered", NN_OPT_RMSPROP },
        { "optim_adagrad", NN_OPT_ADAGRAD },
    };
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        LayerCase lc = { opts[i].name, NN_LAYER_DENSE, 1, { 5 } };
        if (faults_wanted(lc.name))
            faults_report(lc.name, step_scenario(&lc, opts[i].k));
    }
}

/* nn_fit over 2 epochs with a validation split and a history. */
void test_faults_fit(void **state)
{
    (void)state;
    if (!faults_wanted("fit"))
        return;
    long live0 = fault_live(), n;
    NnCtx *ctx = new_ctx();
    LayerCase lc = { "fit", NN_LAYER_DENSE, 1, { 5 } };
    NnModel *m = model_with(ctx, &lc, NN_OPT_ADAM);
    NnTensor *x = nn_random_uniform(ctx, NN_F32, 2, (int64_t[]){ 20, 5 }, -1, 1), *y = labels(ctx, 20);
    assert_non_null(x);
    for (n = 1;; n++) {
        NnFitOptions fo;
        nn_fit_options_init(&fo);
        fo.epochs = 2;
        fo.batch_size = 8;
        fo.validation_split = 0.2;
        fault_arm(n);
        NnHistory *h = nn_history_new(ctx);
        NnStatus st = h ? nn_fit(ctx, m, x, y, &fo, h) : NN_ENOMEM;
        bool fired = fault_fired();
        fault_arm(0);
        if (st != NN_OK && (st != NN_ENOMEM || !fired))
            fail_msg("fit: allocation %ld: status %d: %s", n, (int)st, nn_errmsg(ctx));
        nn_history_free(h);
        nn_clear_error(ctx);
        if (!fired)
            break;
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_model_free(m);
    nn_ctx_free(ctx);
    assert_int_equal(fault_live(), live0);
    faults_report("fit", n);
}

/* ---------------------------------------------------------------- files */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/nnsh-faults-XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
    }
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

typedef enum { LD_IDX, LD_IDX_GZ, LD_NPY, LD_NPZ, LD_CSV, LD_MODEL } LoaderKind;

static NnStatus load_once(NnCtx *ctx, LoaderKind k)
{
    NnTensor *t = NULL;
    switch (k) {
    case LD_IDX: t = nn_idx_load(ctx, tmp_path("a.idx")); break;
    case LD_IDX_GZ: t = nn_idx_load(ctx, tmp_path("a.idx.gz")); break;
    case LD_NPY: t = nn_npy_load(ctx, tmp_path("a.npy")); break;
    case LD_NPZ: {
        NnNpz *z = nn_npz_open(ctx, tmp_path("a.npz"));
        if (!z)
            return nn_status(ctx);
        t = nn_npz_get(z, "b");
        nn_npz_close(z);
        break;
    }
    case LD_CSV: {
        NnTextOptions o;
        nn_text_options_init(&o);
        o.delimiter = ",";
        o.genfromtxt = true;
        o.names = true;
        char **names = NULL;
        int nn = 0;
        t = nn_text_load(ctx, tmp_path("a.csv"), &o, &names, &nn);
        if (t)
            nn_text_names_free(ctx, names, nn);
        break;
    }
    case LD_MODEL: {
        NnModel *m = nn_model_load(ctx, tmp_path("m.keras"));
        if (!m)
            return nn_status(ctx);
        nn_model_free(m);
        return NN_OK;
    }
    }
    if (!t)
        return nn_status(ctx);
    nn_tensor_unref(t);
    return NN_OK;
}

static void write_files(NnCtx *ctx)
{
    NnTensor *a = nn_arange(ctx, 0, 24, 1, NN_F32);
    assert_non_null(a);
    NnTensor *b = nn_tensor_reshape(ctx, a, 3, (int64_t[]){ 2, 3, 4 });
    NnTensor *u = nn_tensor_cast(ctx, b, NN_U8);
    assert_int_equal(nn_idx_save(ctx, tmp_path("a.idx"), u, false), NN_OK);
    assert_int_equal(nn_idx_save(ctx, tmp_path("a.idx.gz"), u, true), NN_OK);
    assert_int_equal(nn_npy_save(ctx, tmp_path("a.npy"), b), NN_OK);
    const char *names[] = { "a", "b" };
    const NnTensor *arrs[] = { a, b };
    assert_int_equal(nn_npz_save(ctx, tmp_path("a.npz"), 2, names, arrs, true), NN_OK);
    FILE *f = fopen(tmp_path("a.csv"), "w");
    assert_non_null(f);
    fputs("# x,y,label\n", f);
    for (int i = 0; i < 30; i++)
        fprintf(f, "%d.5,%s,%d\n", i, i % 7 ? "2.25" : "", i % 3);
    fclose(f);
    LayerCase lc = { "m", NN_LAYER_BATCHNORM, 1, { 5 } };
    NnModel *m = model_with(ctx, &lc, NN_OPT_ADAM);
    assert_int_equal(nn_model_save(ctx, m, tmp_path("m.keras")), NN_OK);
    nn_model_free(m);
    nn_tensor_unref(u);
    nn_tensor_unref(b);
    nn_tensor_unref(a);
}

void test_faults_loaders(void **state)
{
    (void)state;
    static const char *names[] = { "load_idx", "load_idx_gz", "load_npy", "load_npz",
                                   "load_csv", "load_model" };
    NnCtx *ctx = new_ctx();
    write_files(ctx);
    for (int k = LD_IDX; k <= LD_MODEL; k++) {
        if (!faults_wanted(names[k]))
            continue;
        long live0 = fault_live(), n;
        for (n = 1;; n++) {
            fault_arm(n);
            NnStatus st = load_once(ctx, (LoaderKind)k);
            bool fired = fault_fired();
            fault_arm(0);
            if (st != NN_OK && (st != NN_ENOMEM || !fired))
                fail_msg("%s: allocation %ld: status %d: %s", names[k], n, (int)st, nn_errmsg(ctx));
            nn_clear_error(ctx);
            assert_int_equal(fault_live(), live0);
            if (!fired)
                break;
        }
        assert_int_equal(load_once(ctx, (LoaderKind)k), NN_OK);
        faults_report(names[k], n);
    }
    nn_ctx_free(ctx);
}

static long file_bytes(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    *out = malloc((size_t)n + 1);
    assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return n;
}

/* A save that fails part way leaves the previous file byte for byte. */
void test_faults_model_save(void **state)
{
    (void)state;
    if (!faults_wanted("model_save"))
        return;
    NnCtx *ctx = new_ctx();
    LayerCase lc = { "m", NN_LAYER_DENSE, 1, { 5 } };
    NnModel *old = model_with(ctx, &lc, NN_OPT_ADAM), *m = model_with(ctx, &lc, NN_OPT_SGD);
    const char *path = tmp_path("save.keras");
    assert_int_equal(nn_model_save(ctx, old, path), NN_OK);
    unsigned char *want, *got;
    long nwant = file_bytes(path, &want);
    long live0 = fault_live(), n;
    for (n = 1;; n++) {
        fault_arm(n);
        NnStatus st = nn_model_save(ctx, m, path);
        bool fired = fault_fired();
        fault_arm(0);
        if (st != NN_OK) {
            if (st != NN_ENOMEM || !fired)
                fail_msg("model_save: allocation %ld: status %d: %s", n, (int)st, nn_errmsg(ctx));
            long ngot = file_bytes(path, &got);
            if (ngot != nwant || memcmp(got, want, (size_t)nwant) != 0)
                fail_msg("model_save: allocation %ld: the old file was changed", n);
            free(got);
            nn_clear_error(ctx);
        }
        assert_int_equal(fault_live(), live0);
        if (!fired)
            break;
    }
    NnModel *back = nn_model_load(ctx, path);
    assert_non_null(back);
    nn_model_free(back);
    free(want);
    nn_model_free(m);
    nn_model_free(old);
    nn_ctx_free(ctx);
    faults_report("model_save", n);
}
