/* test_modelfile.c - .nnz model files: a save/load round trip predicts the
 * same numbers and resumes training bit-identically (optimizer state kept),
 * numpy reads every weight and reproduces the predictions with its own
 * matmuls (skipped when /usr/bin/python3 with numpy is missing), weights-only
 * files, and truncated, corrupted or lying files are rejected with an error
 * naming the file and the cause.
 */
#define _GNU_SOURCE     /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "nn.h"

static char dir[256];

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
    nn_rng_seed(ctx, 5);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    nn_ctx_free(*state);
    return 0;
}

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* x[i] = (i % 17) / 16 - 0.5: exact in binary, easy to rebuild in numpy. */
static NnTensor *xdata(NnCtx *ctx, int64_t n, int64_t f)
{
    NnTensor *t = nn_tensor_new(ctx, NN_F32, 2, (int64_t[]){ n, f });
    for (int64_t i = 0; i < n * f; i++)
        ((float *)nn_tensor_data(t))[i] = (float)((i % 17) / 16.0 - 0.5);
    return t;
}

static NnModel *mlp(NnCtx *ctx)
{
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 16;
    c.activation = NN_ACT_RELU;
    c.ndim = 1;
    c.shape[0] = 6;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 4;
    c.activation = NN_ACT_SOFTMAX;
    c.kernel_reg.l2 = 0.01;
    assert_int_equal(nn_model_add(ctx, m, &c), NN_OK);
    NnOptimConfig o;
    NnLossConfig l;
    NnMetricConfig mc;
    nn_optim_config_init(&o, NN_OPT_ADAM);
    nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
    nn_metric_from_name("accuracy", &mc);
    assert_int_equal(nn_model_compile(ctx, m, &o, &l, &mc, 1), NN_OK);
    return m;
}

static NnTensor *ydata(NnCtx *ctx, int64_t n)
{
    NnTensor *t = nn_tensor_new(ctx, NN_I32, 1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++)
        ((int32_t *)nn_tensor_data(t))[i] = (int32_t)((i * 5) % 4);
    return t;
}

static void train(NnCtx *ctx, NnModel *m, NnTensor *x, NnTensor *y, int epochs)
{
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = epochs;
    f.batch_size = 8;
    assert_int_equal(nn_fit(ctx, m, x, y, &f, NULL), NN_OK);
}

static void round_trip(void **state)
{
    NnCtx *ctx = *state;
    NnTensor *x = xdata(ctx, 40, 6), *y = ydata(ctx, 40);
    NnModel *m = mlp(ctx);
    train(ctx, m, x, y, 2);
    const char *p = path_in("m.nnz");
    assert_int_equal(nn_model_save(ctx, m, p), NN_OK);
    /* atomic write: nothing but m.nnz left behind */
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 1);
    NnModel *l = nn_model_load(ctx, p);
    if (!l)
        print_error("%s\n", nn_errmsg(ctx));
    assert_non_null(l);
    assert_int_equal(nn_model_count_params(l), nn_model_count_params(m));
    assert_string_equal(nn_model_layer_config(l, 1)->name, "batch_normalization");
    assert_true(nn_model_layer_config(l, 2)->kernel_reg.l2 == 0.01);
    assert_int_equal(nn_model_optim_iterations(l), 10);
    NnTensor *pm = nn_predict(ctx, m, x, 0, NULL), *pl = nn_predict(ctx, l, x, 0, NULL);
    assert_memory_equal(nn_tensor_data(pm), nn_tensor_data(pl), sizeof(float) * 160);
    /* the optimizer state came along: training on continues identically */
    nn_rng_seed(ctx, 9);
    train(ctx, m, x, y, 1);
    nn_rng_seed(ctx, 9);
    train(ctx, l, x, y, 1);
    for (int j = 0; j < 2; j++)
        assert_memory_equal(nn_model_weight_data(m, 0, j), nn_model_weight_data(l, 0, j),
                            sizeof(float) * (j ? 16 : 96));
    nn_tensor_unref(pm);
    nn_tensor_unref(pl);
    nn_model_free(l);

    /* weights only, into a fresh unbuilt model of the same architecture */
    const char *w = path_in("w.nnz");
    assert_int_equal(nn_model_save_weights(ctx, m, w), NN_OK);
    NnModel *f = mlp(ctx);
    assert_int_equal(nn_model_load_weights(ctx, f, w), NN_OK);
    pm = nn_predict(ctx, m, x, 0, NULL);
    pl = nn_predict(ctx, f, x, 0, NULL);
    assert_memory_equal(nn_tensor_data(pm), nn_tensor_data(pl), sizeof(float) * 160);
    nn_tensor_unref(pm);
    nn_tensor_unref(pl);
    nn_model_free(f);
    unlink(w);
    unlink(p);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

static void numpy_reads(void **state)
{
    NnCtx *ctx = *state;
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
        skip();
    NnTensor *x = xdata(ctx, 30, 6), *y = ydata(ctx, 30);
    NnModel *m = mlp(ctx);
    train(ctx, m, x, y, 1);
    const char *p = path_in("np.nnz"), *out = path_in("pred.f32"), *py = path_in("check.py");
    assert_int_equal(nn_model_save(ctx, m, p), NN_OK);
    NnTensor *pr = nn_predict(ctx, m, x, 0, NULL);
    FILE *fp = fopen(out, "wb");
    fwrite(nn_tensor_data(pr), sizeof(float), 120, fp);
    fclose(fp);
    fp = fopen(py, "w");
    fputs("import sys, numpy as np\n"
          "z = np.load(sys.argv[1])\n"
          "assert sorted(z.files) == sorted(['batch_normalization/beta', 'batch_normalization/gamma',"
          " 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',"
          " 'dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel',"
          " 'config.json', 'optimizer/slot0', 'optimizer/slot1']), z.files\n"
          "assert z['dense/kernel'].dtype == np.float32 and z['dense/kernel'].shape == (6, 16)\n"
          "x = ((np.arange(30 * 6) % 17) / 16 - 0.5).astype(np.float32).reshape(30, 6)\n"
          "h = np.maximum(x @ z['dense/kernel'] + z['dense/bias'], 0)\n"
          "b = 'batch_normalization/'\n"
          "h = (h - z[b + 'moving_mean']) / np.sqrt(z[b + 'moving_variance'] + 1e-3)"
          " * z[b + 'gamma'] + z[b + 'beta']\n"
          "o = h @ z['dense_1/kernel'] + z['dense_1/bias']\n"
          "e = np.exp(o - o.max(1, keepdims=True)); q = e / e.sum(1, keepdims=True)\n"
          "r = np.fromfile(sys.argv[2], dtype='<f4').reshape(30, 4)\n"
          "sys.exit(0 if np.allclose(q, r, rtol=1e-5, atol=1e-6) else 1)\n", fp);
    fclose(fp);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", py, p, out);
    assert_int_equal(system(cmd), 0);
    unlink(p);
    unlink(out);
    unlink(py);
    nn_tensor_unref(pr);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
}

/* ---------------------------------------------------------------- bad files */

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spit(const char *p, const char *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static void expect_rejected(NnCtx *ctx, const char *p, const char *cause)
{
    NnModel *m = nn_model_load(ctx, p);
    assert_null(m);
    assert_int_equal(nn_status(ctx), NN_EFORMAT);
    if (!strstr(nn_errmsg(ctx), p) || !strstr(nn_errmsg(ctx), cause))
        print_error("message: %s (expected %s)\n", nn_errmsg(ctx), cause);
    assert_non_null(strstr(nn_errmsg(ctx), p));
    assert_non_null(strstr(nn_errmsg(ctx), cause));
}

/* Rewrites entry `name` of the zip at p with `data`. */
static void replace_entry(const char *p, const char *name, const char *data, size_t n)
{
    int err;
    zip_t *z = zip_open(p, 0, &err);
    assert_non_null(z);
    zip_source_t *s = zip_source_buffer(z, data, n, 0);
    assert_true(zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
}

static char *read_entry(const char *p, const char *name, size_t *n)
{
    int err;
    zip_t *z = zip_open(p, ZIP_RDONLY, &err);
    zip_stat_t st;
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    char *b = calloc(1, st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    assert_int_equal(zip_fread(f, b, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_discard(z);
    *n = st.size;
    return b;
}

static void bad_files(void **state)
{
    NnCtx *ctx = *state;
    NnModel *m = mlp(ctx);
    assert_int_equal(nn_model_build(ctx, m, 1, (int64_t[]){ 6 }), NN_OK);
    const char *good = path_in("good.nnz"), *bad = path_in("bad.nnz");
    assert_int_equal(nn_model_save(ctx, m, good), NN_OK);
    size_t n;
    char *img = slurp(good, &n);

    spit(bad, img, n / 2);                                  /* truncated */
    expect_rejected(ctx, bad, "not a valid model file");

    char *cor = malloc(n);                                  /* a flipped data byte */
    memcpy(cor, img, n);
    char *k = memmem(cor, n, "\x93NUMPY", 6);            /* dense/kernel, stored */
    k[200] ^= 0x40;
    spit(bad, cor, n);
    expect_rejected(ctx, bad, "corrupted");

    spit(bad, "not a zip at all", 16);
    expect_rejected(ctx, bad, "not a valid model file");

    /* config.json lies about the units: the kernel entry no longer fits */
    size_t jn;
    char *js = read_entry(good, "config.json", &jn);
    char *u = strstr(js, "\"units\"");
    assert_non_null(u);
    u = strchr(u, '1');
    assert_non_null(u);
    *u = '2';                                               /* 16 -> 26 */
    spit(bad, img, n);
    replace_entry(bad, "config.json", js, jn);
    expect_rejected(ctx, bad, "dense/kernel");

    /* an .npy entry lying about its dtype */
    spit(bad, img, n);
    size_t kn;
    char *ke = read_entry(good, "dense/kernel.npy", &kn);
    char *d = strstr(ke + 10, "<f4");
    d[2] = '8';
    replace_entry(bad, "dense/kernel.npy", ke, kn);
    expect_rejected(ctx, bad, "dtype is not float32");

    /* an .npy entry shorter than its shape needs */
    spit(bad, img, n);
    char *ks = read_entry(good, "dense/kernel.npy", &kn);
    replace_entry(bad, "dense/kernel.npy", ks, kn - 4);
    expect_rejected(ctx, bad, "data bytes where the shape needs");
    free(ks);

    /* invalid JSON */
    spit(bad, img, n);
    replace_entry(bad, "config.json", "{\"format\": ", 11);
    expect_rejected(ctx, bad, "config.json");

    /* a missing file is an I/O error naming it */
    assert_null(nn_model_load(ctx, path_in("missing.nnz")));
    assert_int_equal(nn_status(ctx), NN_EIO);
    assert_non_null(strstr(nn_errmsg(ctx), "missing.nnz"));

    free(js);
    free(ke);
    free(cor);
    free(img);
    unlink(bad);
    unlink(good);
    nn_model_free(m);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_modelfile.XXXXXX");
    if (!mkdtemp(dir))
        return 99;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(numpy_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_files, setup, teardown),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return r;
}
