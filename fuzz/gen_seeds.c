/* gen_seeds.c - writes the binary seed files of the fuzz corpora with the
 * library's own writers: IDX (raw and gzip, each element type), .npy (each
 * dtype, 0-d, 1-d, 3-d, empty), .npz (stored and deflated), text tables, and
 * model files (Dense, BatchNormalization, Conv2D + MaxPooling2D, Reshape,
 * compiled and not, built and not).  Usage: gen_seeds OUTDIR (OUTDIR/idx,
 * OUTDIR/npy, OUTDIR/csv, OUTDIR/model must exist). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn.h"

static NnCtx *ctx;
static const char *outdir;

static const char *path(const char *sub, const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s/%s", outdir, sub, name);
    return buf;
}

static void check(NnStatus st, const char *what)
{
    if (st != NN_OK) {
        fprintf(stderr, "gen_seeds: %s: %s\n", what, nn_errmsg(ctx));
        exit(1);
    }
}

static NnTensor *arr(NnDType dt, int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    NnTensor *a = nn_arange(ctx, 0, (double)n, 1, NN_F64);
    NnTensor *r = nn_tensor_reshape(ctx, a, ndim, shape);
    NnTensor *c = nn_tensor_cast(ctx, r, dt);
    nn_tensor_unref(a);
    nn_tensor_unref(r);
    if (!c)
        check(nn_status(ctx), "array");
    return c;
}

static void data_files(void)
{
    static const NnDType dts[] = { NN_U8, NN_I32, NN_F32, NN_F64, NN_I64, NN_BOOL };
    static const char *dn[] = { "u1", "i4", "f4", "f8", "i8", "b1" };
    static const int64_t shapes[4][3] = { { 0 }, { 5 }, { 2, 3, 2 }, { 0, 3 } };
    static const int ndims[4] = { 0, 1, 3, 2 };
    char name[64];
    for (int i = 0; i < 6; i++) {
        for (int s = 0; s < 4; s++) {
            NnTensor *t = arr(dts[i], ndims[s], shapes[s]);
            snprintf(name, sizeof name, "%s_%dd%s.npy", dn[i], ndims[s], s == 3 ? "_empty" : "");
            check(nn_npy_save(ctx, path("npy", name), t), name);
            if (i < 4 && s == 2) {
                snprintf(name, sizeof name, "%s.idx", dn[i]);
                check(nn_idx_save(ctx, path("idx", name), t, false), name);
                snprintf(name, sizeof name, "%s.idx.gz", dn[i]);
                check(nn_idx_save(ctx, path("idx", name), t, true), name);
            }
            if (s == 1 || s == 2) {
                snprintf(name, sizeof name, "%s_%dd.csv", dn[i], ndims[s]);
                NnTensor *two = ndims[s] == 3 ? nn_tensor_reshape(ctx, t, 2, (int64_t[]){ 4, 3 })
                                              : nn_tensor_ref(t);
                if (i != 5) {
                    FILE *f = fopen(path("csv", name), "wb");
                    fputc(0x01, f);           /* the options byte: ',' delimiter */
                    int64_t cols = two->ndim == 2 ? two->shape[1] : 1;
                    for (int64_t k = 0; k < nn_tensor_numel(two); k++)
                        fprintf(f, "%g%s", nn_tensor_get_f64(two, k), (k + 1) % cols ? "," : "\n");
                    fclose(f);
                }
                nn_tensor_unref(two);
            }
            nn_tensor_unref(t);
        }
    }
    NnTensor *a = arr(NN_F32, 2, (int64_t[]){ 3, 4 }), *b = arr(NN_I64, 1, (int64_t[]){ 7 });
    const char *names[] = { "x", "y" };
    const NnTensor *arrays[] = { a, b };
    check(nn_npz_save(ctx, path("npy", "stored.npz"), 2, names, arrays, false), "npz");
    check(nn_npz_save(ctx, path("npy", "deflated.npz"), 2, names, arrays, true), "npz");
    nn_tensor_unref(a);
    nn_tensor_unref(b);
}

static void layer(NnModel *m, NnLayerKind k, int64_t units, NnActivation act)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, k);
    c.units = units;
    c.activation = act;
    if (k == NN_LAYER_CONV2D)
        c.kernel[0] = c.kernel[1] = 2;
    if (k == NN_LAYER_RESHAPE) {
        c.ndim = 2;
        c.shape[0] = 2;
        c.shape[1] = 2;
    }
    check(nn_model_add(ctx, m, &c), "layer");
}

static void model(const char *name, int kind, bool build, bool compile)
{
    NnModel *m = nn_model_new(ctx);
    int64_t in1[1] = { 4 }, in3[3] = { 4, 4, 1 };
    if (kind == 0) {
        layer(m, NN_LAYER_DENSE, 3, NN_ACT_RELU);
        layer(m, NN_LAYER_DENSE, 2, NN_ACT_SOFTMAX);
    } else if (kind == 1) {
        layer(m, NN_LAYER_DENSE, 4, NN_ACT_TANH);
        layer(m, NN_LAYER_BATCHNORM, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_DROPOUT, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_RESHAPE, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_FLATTEN, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_DENSE, 1, NN_ACT_SIGMOID);
    } else {
        layer(m, NN_LAYER_CONV2D, 2, NN_ACT_RELU);
        layer(m, NN_LAYER_MAXPOOL2D, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_FLATTEN, 0, NN_ACT_LINEAR);
        layer(m, NN_LAYER_DENSE, 3, NN_ACT_SOFTMAX);
    }
    if (build)
        check(kind == 2 ? nn_model_build(ctx, m, 3, in3) : nn_model_build(ctx, m, 1, in1), "build");
    if (compile) {
        NnOptimConfig o;
        NnLossConfig l;
        NnMetricConfig acc;
        nn_optim_config_init(&o, kind == 1 ? NN_OPT_SGD : NN_OPT_ADAM);
        nn_loss_config_init(&l, kind == 1 ? NN_LOSS_BCE : NN_LOSS_SPARSE_CCE);
        nn_metric_from_name("accuracy", &acc);
        check(nn_model_compile(ctx, m, &o, &l, &acc, 1), "compile");
    }
    check(nn_model_save(ctx, m, path("model", name)), name);
    nn_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_seeds OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    ctx = nn_ctx_new();
    nn_rng_seed(ctx, 1);
    data_files();
    model("dense.nnz", 0, true, true);
    model("dense_unbuilt.nnz", 0, false, false);
    model("bn_reshape.nnz", 1, true, true);
    model("conv.nnz", 2, true, false);
    nn_ctx_free(ctx);
    return 0;
}
