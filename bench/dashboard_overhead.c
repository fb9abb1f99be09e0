/* dashboard_overhead.c - the fit dashboard's cost against silent training.
 *
 * Trains the same small MLP (2-64-64-1, binary cross-entropy, Adam, batch
 * 32, 4096 samples of a synthetic two-class set) with no callbacks
 * (verbose=0) and with the dashboard, alternating, and prints the best
 * wall time of each.  Run it in a terminal (the dashboard needs one):
 *
 *   make src/nnsh && sh bench/dashboard_overhead.sh
 *
 * Not part of make check (timings are never asserted by tests).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "dashboard.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static NnModel *make_model(NnCtx *ctx)
{
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 64; c.activation = NN_ACT_RELU;
    nn_model_add(ctx, m, &c);
    nn_model_add(ctx, m, &c);
    c.units = 1; c.activation = NN_ACT_SIGMOID;
    nn_model_add(ctx, m, &c);
    NnOptimConfig o; nn_optim_config_init(&o, NN_OPT_ADAM);
    NnLossConfig l; nn_loss_config_init(&l, NN_LOSS_BCE);
    NnMetricConfig acc; nn_metric_config_init(&acc, NN_METRIC_ACCURACY);
    nn_model_compile(ctx, m, &o, &l, &acc, 1);
    return m;
}

static double run(Interp *I, NnTensor *x, NnTensor *y, int epochs, bool dash)
{
    NnCtx *ctx = interp_nn(I);
    NnModel *m = make_model(ctx);
    NnFitOptions f;
    nn_fit_options_init(&f);
    f.epochs = epochs;
    f.validation_split = 0.1;
    NnFitCallbacks cb;
    Dashboard *d = NULL;
    if (dash) {
        DashboardParams p = { .epochs = epochs, .model = m };
        d = dashboard_start(I, &p, &cb);
        if (!d) {
            fprintf(stderr, "no dashboard (not a terminal?)\n");
            exit(77);
        }
        f.cb = &cb;
    }
    NnHistory *h = nn_history_new(ctx);
    double t0 = now();
    NnStatus st = nn_fit(ctx, m, x, y, &f, h);
    double t = now() - t0;
    dashboard_finish(d);
    if (st)
        fprintf(stderr, "fit: %s\n", nn_errmsg(ctx));
    nn_history_free(h);
    nn_model_free(m);
    return t;
}

int main(int argc, char **argv)
{
    int epochs = argc > 1 ? atoi(argv[1]) : 20, reps = argc > 2 ? atoi(argv[2]) : 3;
    Interp *I = interp_new();
    NnCtx *ctx = interp_nn(I);
    int64_t n = 4096, xs[2] = { n, 2 }, ys[2] = { n, 1 };
    NnTensor *x = nn_tensor_new(ctx, NN_F32, 2, xs), *y = nn_tensor_new(ctx, NN_F32, 2, ys);
    float *xd = nn_tensor_data(x), *yd = nn_tensor_data(y);
    srand(1);
    for (int64_t i = 0; i < n; i++) {
        double a = rand() / (double)RAND_MAX * 6.28, r = rand() / (double)RAND_MAX;
        xd[2 * i] = (float)(r * cos(a));
        xd[2 * i + 1] = (float)(r * sin(a));
        yd[i] = r > 0.6f;
    }
    double best0 = 1e30, best1 = 1e30;
    for (int k = 0; k < reps; k++) {
        best0 = fmin(best0, run(I, x, y, epochs, false));
        best1 = fmin(best1, run(I, x, y, epochs, true));
    }
    printf("epochs %d x %lld steps: verbose=0 %.3fs, dashboard %.3fs, overhead %+.2f%%\n",
           epochs, (long long)((n * 9 / 10 + 31) / 32), best0, best1, (best1 / best0 - 1) * 100);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    interp_free(I);
    return 0;
}
