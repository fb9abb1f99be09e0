/* bench/nnsh_bench.c - the nnsh side of `make bench`: trains one
 * configuration of the bench matrix on Fashion-MNIST through libnnsh,
 * exactly the call `model.fit` makes from the language (a fit is one call
 * into lib), and prints one JSON object on stdout.
 *
 * The model mirrors tf.keras defaults (glorot-uniform kernels, zero
 * biases, Adam 1e-3/0.9/0.999/1e-7, softmax + sparse categorical
 * cross-entropy, shuffle every epoch, last partial batch kept); inputs are
 * float32 / 255.  Epoch times come from the fit callbacks.
 *
 *   nnsh_bench --model mlp128|mlp64_32|mlp512|cnn --batch B --threads T
 *              [--epochs E] [--subset N] [--seed S] [--predict]
 *              [--backend auto|blas|builtin] [--gemm-step]
 *   nnsh_bench --gemm-rate T     GFLOP/s of the BLAS (best of 1024^3 and the
 *                                two largest training products)
 *
 * --epochs 0 prints only that GEMM time.  Every run also reports the GEMM
 * time measured inside the fit (fit_gemm_step_us, fit_gemm_fraction).
 * --gemm-step adds the time the step's matrix products alone take (the
 * same nn_gemm_f32 calls the Dense layers make, on dummy data), so the
 * per-step overhead beyond GEMM can be reported.  Owned by bench/.
 */
#define _POSIX_C_SOURCE 200809L
#include "nn.h"
#include "nn_train_fast.h"   /* the GEMM policy the Dense layers use */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
    const char *model, *backend;
    int batch, threads, epochs, seed;
    int64_t subset;
    bool predict, gemm_step;
    int gemm_rate;
} Args;

typedef struct {
    double t0;
    int n;
    double times[64];
} Timer;

static bool on_epoch_begin(void *ud, int64_t epoch)
{
    (void)epoch;
    ((Timer *)ud)->t0 = now();
    return false;
}

static bool on_epoch_end(void *ud, int64_t epoch, const NnLogs *logs)
{
    (void)epoch;
    (void)logs;
    Timer *t = ud;
    if (t->n < 64)
        t->times[t->n++] = now() - t->t0;
    return false;
}

static void die(NnCtx *ctx, const char *what)
{
    fprintf(stderr, "nnsh_bench: %s: %s\n", what, ctx ? nn_errmsg(ctx) : "failed");
    exit(1);
}

static void add(NnCtx *ctx, NnModel *m, NnLayerKind kind, int64_t units, NnActivation act)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, kind);
    c.units = units;
    c.activation = act;
    if (kind == NN_LAYER_CONV2D)                /* Conv2D(32, 3): the config's kernel is 1x1 */
        c.kernel[0] = c.kernel[1] = 3;
    if (nn_model_add(ctx, m, &c))
        die(ctx, "add");
}

/* Dense widths of the MLPs (input 784 excluded); 0-terminated. */
static const int64_t *mlp_widths(const char *name)
{
    static const int64_t w128[] = { 128, 10, 0 }, w64[] = { 64, 32, 10, 0 },
                         w512[] = { 512, 512, 10, 0 };
    if (!strcmp(name, "mlp128"))
        return w128;
    if (!strcmp(name, "mlp64_32"))
        return w64;
    if (!strcmp(name, "mlp512"))
        return w512;
    return NULL;
}

static NnModel *build(NnCtx *ctx, const char *name)
{
    NnModel *m = nn_model_new(ctx);
    const int64_t *w = mlp_widths(name);
    if (!m)
        die(ctx, "model");
    if (w) {
        for (int i = 0; w[i]; i++)
            add(ctx, m, NN_LAYER_DENSE, w[i], w[i + 1] ? NN_ACT_RELU : NN_ACT_SOFTMAX);
    } else if (!strcmp(name, "cnn")) {
        add(ctx, m, NN_LAYER_CONV2D, 32, NN_ACT_RELU);   /* 3x3, valid padding */
        add(ctx, m, NN_LAYER_MAXPOOL2D, 0, NN_ACT_LINEAR);
        add(ctx, m, NN_LAYER_FLATTEN, 0, NN_ACT_LINEAR);
        add(ctx, m, NN_LAYER_DENSE, 128, NN_ACT_RELU);
        add(ctx, m, NN_LAYER_DENSE, 10, NN_ACT_SOFTMAX);
    } else {
        fprintf(stderr, "nnsh_bench: unknown model %s\n", name);
        exit(2);
    }
    NnOptimConfig o;
    nn_optim_config_init(&o, NN_OPT_ADAM);
    NnLossConfig l;
    nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
    NnMetricConfig acc;
    nn_metric_config_init(&acc, NN_METRIC_ACCURACY);
    if (nn_model_compile(ctx, m, &o, &l, &acc, 1))
        die(ctx, "compile");
    return m;
}

/* x uint8 (N, 28, 28) -> float32 (N, 784) or (N, 28, 28, 1), / 255. */
static NnTensor *to_input(NnCtx *ctx, const NnTensor *u8, int64_t n, bool image)
{
    int64_t s2[2] = { n, 784 }, s4[4] = { n, 28, 28, 1 };
    NnTensor *x = image ? nn_tensor_empty(ctx, NN_F32, 4, s4) : nn_tensor_empty(ctx, NN_F32, 2, s2);
    if (!x)
        die(ctx, "input");
    const uint8_t *src = nn_tensor_data(u8);
    float *dst = nn_tensor_data(x);
    for (int64_t i = 0; i < n * 784; i++)
        dst[i] = (float)src[i] / 255.0f;
    return x;
}

static NnTensor *labels(NnCtx *ctx, const NnTensor *u8, int64_t n)
{
    int64_t s[1] = { n };
    NnTensor *y = nn_tensor_empty(ctx, NN_I64, 1, s);
    if (!y)
        die(ctx, "labels");
    const uint8_t *src = nn_tensor_data(u8);
    int64_t *dst = nn_tensor_data(y);
    for (int64_t i = 0; i < n; i++)
        dst[i] = src[i];
    return y;
}

/* Microseconds of the matrix products of one training step of an MLP at
 * batch B: per Dense (k -> n) x@W (B,n,k), dW = x^T dY (k,n,B) and, but for
 * the first layer, dX = dY W^T (B,k,n) -- nn_dense_forward/backward's calls,
 * through the same per-shape policy. */
static double gemm_step_us(NnCtx *ctx, const char *name, int64_t B)
{
    const int64_t *w = mlp_widths(name);
    if (!w)
        return -1;
    size_t big = (size_t)(B > 784 ? B : 784) * 1024;
    float *a = calloc(big, sizeof(float)), *b = calloc(big, sizeof(float)),
          *c = calloc(big, sizeof(float));
    for (size_t i = 0; i < big; i++)
        a[i] = b[i] = (float)(i % 7) * 0.01f;
    double best = 1e30;
    for (int run = 0; run < 5; run++) {
        int reps = 0;
        double t0 = now(), t;
        do {
            int64_t k = 784;
            for (int l = 0; w[l]; k = w[l], l++) {
                int64_t n = w[l];
                nn_train_gemm(ctx, false, false, B, n, k, a, k, b, n, c, n);
                nn_train_gemm(ctx, true, false, k, n, B, a, k, b, n, c, n);
                if (l > 0)
                    nn_train_gemm(ctx, false, true, B, k, n, a, n, b, n, c, k);
            }
            reps++;
        } while ((t = now() - t0) < 0.1);
        if (t / reps < best)
            best = t / reps;
    }
    free(a);
    free(b);
    free(c);
    return best * 1e6;
}

/* GFLOP/s of one product shape, best of 6 runs of >= 0.1 s, alternately
 * through nn_gemm_f32 (the BLAS's own threads) and the training loop's
 * policy (single-threaded BLAS calls over the ctx pool). */
static double gemm_rate1(NnCtx *ctx, bool ta, int m, int n, int k)
{
    size_t big = (size_t)(m > n ? m : n) * (size_t)k + (size_t)m * n;
    float *a = calloc(big, sizeof(float)), *b = calloc(big, sizeof(float)),
          *c = calloc(big, sizeof(float));
    for (size_t i = 0; i < big; i++)
        a[i] = b[i] = (float)(i % 5) * 0.1f;
    double best = 0;
    for (int run = 0; run < 6; run++) {
        int reps = 0;
        double t0 = now(), t;
        do {
            if (run % 2)    /* the training loop's policy (nn_train_fast.c) */
                nn_train_gemm(ctx, ta, false, m, n, k, a, ta ? m : k, b, n, c, n);
            else            /* the BLAS's own threading */
                nn_gemm_f32(ctx, ta, false, m, n, k, 1.0f, a, ta ? m : k, b, n, 0.0f, c, n);
            reps++;
        } while ((t = now() - t0) < 0.1);
        double gf = 2.0 * m * n * (double)k * reps / t / 1e9;
        best = gf > best ? gf : best;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

/* The BLAS's rate for the FLOP bound: the best of a 1024^3 product and
 * the two largest training shapes of the matrix (784-512-512-10 at batch
 * 128: x@W1 and dW = h^T dY), either way of threading, so the bound is the
 * machine's, not a shape's. */
static double gemm_rate(NnCtx *ctx)
{
    double r[3] = { gemm_rate1(ctx, false, 1024, 1024, 1024), gemm_rate1(ctx, false, 128, 512, 784),
                    gemm_rate1(ctx, true, 512, 512, 128) };
    double best = r[0];
    for (int i = 1; i < 3; i++)
        best = r[i] > best ? r[i] : best;
    return best;
}

static double median_after_first(const Timer *t)
{
    double v[64];
    int n = 0;
    for (int i = t->n > 1 ? 1 : 0; i < t->n; i++)
        v[n++] = t->times[i];
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double s = v[j];
            v[j] = v[j - 1];
            v[j - 1] = s;
        }
    return n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0;
}

static void parse(int argc, char **argv, Args *a)
{
    *a = (Args){ .model = "mlp128", .backend = "auto", .batch = 32, .threads = 1, .epochs = 3,
                 .seed = 1 };
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--predict")) { a->predict = true; continue; }
        if (!strcmp(o, "--gemm-step")) { a->gemm_step = true; continue; }
        if (!v) { fprintf(stderr, "nnsh_bench: %s needs a value\n", o); exit(2); }
        i++;
        if (!strcmp(o, "--model")) a->model = v;
        else if (!strcmp(o, "--backend")) a->backend = v;
        else if (!strcmp(o, "--batch")) a->batch = atoi(v);
        else if (!strcmp(o, "--threads")) a->threads = atoi(v);
        else if (!strcmp(o, "--epochs")) a->epochs = atoi(v);
        else if (!strcmp(o, "--seed")) a->seed = atoi(v);
        else if (!strcmp(o, "--subset")) a->subset = atoll(v);
        else if (!strcmp(o, "--gemm-rate")) a->gemm_rate = atoi(v);
        else { fprintf(stderr, "nnsh_bench: unknown option %s\n", o); exit(2); }
    }
}

static void set_backend(const char *b)
{
    NnGemmBackend k = !strcmp(b, "blas") ? NN_GEMM_BLAS
                    : !strcmp(b, "builtin") ? NN_GEMM_BUILTIN : NN_GEMM_AUTO;
    if (!nn_gemm_set_backend(k)) {
        fprintf(stderr, "nnsh_bench: backend %s not available\n", b);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    Args a;
    parse(argc, argv, &a);
    NnCtx *ctx = nn_ctx_new();
    set_backend(a.backend);
    if (a.gemm_rate > 0) {
        nn_ctx_set_threads(ctx, a.gemm_rate);
        if (!nn_gemm_set_backend(NN_GEMM_BLAS))
            set_backend("builtin");
        printf("{\"threads\": %d, \"gemm_backend\": \"%s\", \"gemm_gflops\": %.2f}\n",
               a.gemm_rate, nn_gemm_backend_name(), gemm_rate(ctx));
        nn_ctx_free(ctx);
        return 0;
    }
    nn_ctx_set_threads(ctx, a.threads);
    nn_rng_seed(ctx, (uint32_t)a.seed);
    if (a.epochs == 0) {        /* the step's GEMM time alone */
        printf("{\"model\": \"%s\", \"batch\": %d, \"threads\": %d, \"gemm_backend\": \"%s\", "
               "\"gemm_step_us\": %.2f}\n", a.model, a.batch, a.threads, nn_gemm_backend_name(),
               gemm_step_us(ctx, a.model, a.batch));
        nn_ctx_free(ctx);
        return 0;
    }
    NnTensor *raw[4];
    if (nn_data_load_mnist(ctx, "fashion_mnist", raw))
        die(ctx, "fashion_mnist");
    bool image = !strcmp(a.model, "cnn");
    int64_t n = raw[0]->shape[0], nte = raw[2]->shape[0];
    if (a.subset > 0 && a.subset < n)
        n = a.subset;
    NnTensor *x = to_input(ctx, raw[0], n, image), *y = labels(ctx, raw[1], n);
    NnTensor *xt = to_input(ctx, raw[2], nte, image), *yt = labels(ctx, raw[3], nte);
    for (int i = 0; i < 4; i++)
        nn_tensor_unref(raw[i]);
    NnModel *m = build(ctx, a.model);
    Timer tm = { 0 };
    NnFitCallbacks cb = { .ud = &tm, .on_epoch_begin = on_epoch_begin, .on_epoch_end = on_epoch_end };
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = a.epochs;
    f.batch_size = a.batch;
    f.cb = &cb;
    nn_train_gemm_timing(true);     /* GEMM time inside the fit, every epoch */
    if (nn_fit(ctx, m, x, y, &f, NULL))
        die(ctx, "fit");
    double fit_gemm = nn_train_gemm_seconds();
    nn_train_gemm_timing(false);
    double res[4] = { 0 };
    if (nn_evaluate(ctx, m, xt, yt, 0, NULL, res))
        die(ctx, "evaluate");
    double pred = -1;
    for (int r = 0; a.predict && r < 3; r++) {
        double t0 = now();
        NnTensor *p = nn_predict(ctx, m, xt, 0, NULL);
        if (!p)
            die(ctx, "predict");
        double t = now() - t0;
        pred = pred < 0 || t < pred ? t : pred;
        nn_tensor_unref(p);
    }
    int64_t steps = (n + a.batch - 1) / a.batch;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"impl\": \"nnsh\", \"model\": \"%s\", \"batch\": %d, \"threads\": %d, "
           "\"samples\": %lld, \"steps\": %lld, \"gemm_backend\": \"%s\", \"epoch_times\": [",
           a.model, a.batch, a.threads, (long long)n, (long long)steps, nn_gemm_backend_name());
    for (int i = 0; i < tm.n; i++)
        printf("%s%.6f", i ? ", " : "", tm.times[i]);
    double fit_total = 0;
    for (int i = 0; i < tm.n; i++)
        fit_total += tm.times[i];
    printf("], \"epoch_median\": %.6f, \"test_accuracy\": %.6f, \"params\": %lld",
           median_after_first(&tm), res[1], (long long)nn_model_count_params(m));
    printf(", \"fit_gemm_fraction\": %.4f, \"fit_gemm_step_us\": %.2f",
           fit_total > 0 ? fit_gemm / fit_total : 0, fit_gemm / (double)(steps * tm.n) * 1e6);
    if (a.predict)
        printf(", \"predict_seconds\": %.6f", pred);
    if (a.gemm_step)
        printf(", \"gemm_step_us\": %.2f", gemm_step_us(ctx, a.model, a.batch));
    printf(", \"peak_rss_mib\": %.1f}\n", (double)ru.ru_maxrss / 1024.0);
    nn_model_free(m);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_tensor_unref(xt);
    nn_tensor_unref(yt);
    nn_ctx_free(ctx);
    return 0;
}
