/* nn_loss.c - losses and metrics with Keras semantics.
 *
 * A loss is a per-row value (mean over the last axis, or the cross-entropy
 * of the row) times the sample weight, summed and divided by the number of
 * rows (Keras's sum_over_batch_size).  Cross-entropies take the logits when
 * the output comes from a softmax (sigmoid) activation, as Keras's
 * _get_logits does in fit/evaluate; otherwise they clip probabilities to
 * [1e-7, 1 - 1e-7] as keras.backend does.  With logits the gradient returned
 * is d loss / d logits (the fused (p - y) / rows).
 */
#include "nn_layer.h"

#include <math.h>
#include <string.h>

#define EPS 1e-7

static const char *const loss_names[NN_LOSS_COUNT] = {
    "mean_squared_error", "mean_absolute_error", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "binary_crossentropy", "hinge", "squared_hinge", "huber",
};
static const char *const loss_alias[][2] = {
    { "mse", "mean_squared_error" }, { "MSE", "mean_squared_error" },
    { "MeanSquaredError", "mean_squared_error" }, { "mae", "mean_absolute_error" },
    { "MAE", "mean_absolute_error" }, { "MeanAbsoluteError", "mean_absolute_error" },
    { "CategoricalCrossentropy", "categorical_crossentropy" },
    { "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy" },
    { "BinaryCrossentropy", "binary_crossentropy" }, { "Hinge", "hinge" },
    { "SquaredHinge", "squared_hinge" }, { "Huber", "huber" }, { "huber_loss", "huber" },
};

void nn_loss_config_init(NnLossConfig *c, NnLossKind kind)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->delta = 1.0;
}

bool nn_loss_from_name(const char *name, NnLossKind *out)
{
    for (size_t i = 0; i < sizeof loss_alias / sizeof loss_alias[0]; i++)
        if (strcmp(name, loss_alias[i][0]) == 0)
            name = loss_alias[i][1];
    for (int k = 0; k < NN_LOSS_COUNT; k++)
        if (strcmp(name, loss_names[k]) == 0) {
            *out = (NnLossKind)k;
            return true;
        }
    return false;
}

const char *nn_loss_name(NnLossKind k) { return (unsigned)k < NN_LOSS_COUNT ? loss_names[k] : "?"; }

bool nn_loss_is_sparse(const NnLossConfig *c) { return c->kind == NN_LOSS_SPARSE_CCE; }

/* ---------------------------------------------------------------- per-row losses */

typedef struct {
    const NnLossConfig *c;
    const NnLossArgs *a;
    int64_t cols;
    double gscale;          /* sample weight / rows */
    bool pm1;               /* hinge labels already in {-1, 1} */
} RowCtx;

/* Target j of row r (dense, or the one-hot of a sparse label), smoothed. */
static inline double target(const RowCtx *k, int64_t r, int64_t j, int64_t label)
{
    double y = label >= 0 ? (j == label) : k->a->y[r * k->cols + j];
    double ls = k->c->label_smoothing;
    if (ls > 0)
        y = k->c->kind == NN_LOSS_BCE ? y * (1 - ls) + 0.5 * ls : y * (1 - ls) + ls / (double)k->cols;
    return y;
}

/* Cross-entropy of row r from logits z (softmax over the row). */
static double ce_logits(const RowCtx *k, const float *z, int64_t r, int64_t label, float *g)
{
    int64_t n = k->cols;
    double mx = z[0], s = 0, sy = 0, syz = 0;
    double e[64];           /* exp(z - max) of a row of up to 64 classes, for the gradient */
    for (int64_t j = 1; j < n; j++)
        mx = z[j] > mx ? z[j] : mx;
    for (int64_t j = 0; j < n; j++) {
        double v = exp(z[j] - mx);
        if (j < 64)
            e[j] = v;
        s += v;
    }
    double lse = mx + log(s);
    for (int64_t j = 0; j < n; j++) {
        double y = target(k, r, j, label);
        sy += y;
        syz += y * z[j];
    }
    if (g)
        for (int64_t j = 0; j < n; j++)
            g[j] = (float)(k->gscale * ((j < 64 ? e[j] / s : exp(z[j] - lse)) * sy -
                                        target(k, r, j, label)));
    return lse * sy - syz;
}

/* Cross-entropy of row r from probabilities p (normalised, clipped). */
static double ce_probs(const RowCtx *k, const float *p, int64_t r, int64_t label, float *g)
{
    int64_t n = k->cols;
    double s = 0, l = 0, gq = 0;
    for (int64_t j = 0; j < n; j++)
        s += p[j];
    for (int64_t j = 0; j < n; j++) {
        double q = p[j] / s, y = target(k, r, j, label);
        double qc = q < EPS ? EPS : q > 1 - EPS ? 1 - EPS : q;
        l -= y * log(qc);
        if (q > EPS && q < 1 - EPS)
            gq += -y / qc * q;
    }
    if (g)
        for (int64_t j = 0; j < n; j++) {
            double q = p[j] / s, y = target(k, r, j, label);
            double gj = (q > EPS && q < 1 - EPS) ? -y / q : 0;
            g[j] = (float)(k->gscale * (gj - gq) / s);
        }
    return l;
}

static double bce_row(const RowCtx *k, const float *p, const float *z, int64_t r, float *g)
{
    int64_t n = k->cols;
    double l = 0;
    for (int64_t j = 0; j < n; j++) {
        double y = target(k, r, j, -1), gj;
        if (z) {
            double zj = z[j];
            l += (zj > 0 ? zj : 0) - zj * y + log1p(exp(-fabs(zj)));
            gj = 1.0 / (1.0 + exp(-zj)) - y;
        } else {
            double pj = p[j], pc = pj < EPS ? EPS : pj > 1 - EPS ? 1 - EPS : pj;
            l -= y * log(pc + EPS) + (1 - y) * log(1 - pc + EPS);
            gj = (pj > EPS && pj < 1 - EPS) ? -(y / (pc + EPS) - (1 - y) / (1 - pc + EPS)) : 0;
        }
        if (g)
            g[j] = (float)(k->gscale * gj / (double)n);
    }
    return l / (double)n;
}

static double elementwise_row(const RowCtx *k, const float *p, int64_t r, float *g)
{
    int64_t n = k->cols;
    const float *y = k->a->y + r * n;
    double l = 0, d = k->c->delta;
    for (int64_t j = 0; j < n; j++) {
        double e = (double)p[j] - y[j], v, gj, yy, mg;
        switch (k->c->kind) {
        case NN_LOSS_MSE: v = e * e; gj = 2 * e; break;
        case NN_LOSS_MAE: v = fabs(e); gj = e > 0 ? 1 : e < 0 ? -1 : 0; break;
        case NN_LOSS_HUBER:
            v = fabs(e) <= d ? 0.5 * e * e : d * fabs(e) - 0.5 * d * d;
            gj = fabs(e) <= d ? e : (e > 0 ? d : -d);
            break;
        default:    /* hinge, squared hinge */
            yy = k->pm1 ? y[j] : 2.0 * y[j] - 1.0;
            mg = 1.0 - yy * p[j];
            mg = mg > 0 ? mg : 0;
            v = k->c->kind == NN_LOSS_HINGE ? mg : mg * mg;
            gj = mg > 0 ? (k->c->kind == NN_LOSS_HINGE ? -yy : -2 * yy * mg) : 0;
            break;
        }
        l += v;
        if (g)
            g[j] = (float)(k->gscale * gj / (double)n);
    }
    return l / (double)n;
}

/* Keras's hinge converts {0, 1} labels to {-1, 1} when every label is 0 or 1. */
static bool labels_pm1(const NnLossArgs *a)
{
    for (int64_t i = 0; i < a->rows * a->cols; i++)
        if (a->y[i] != 0 && a->y[i] != 1)
            return true;
    return false;
}

static NnStatus check_label(NnCtx *ctx, float y, int64_t cols, int64_t *label)
{
    if (!(y >= 0 && y < (float)cols))
        return nn_error(ctx, NN_EARG, "Received a label value of %g which is outside the valid "
                        "range of [0, %lld).", (double)y, (long long)cols);
    *label = (int64_t)y;
    return NN_OK;
}

double nn_loss_compute(NnCtx *ctx, const NnLossConfig *c, NnLossArgs *a, NnStatus *st)
{
    RowCtx k = { c, a, a->cols, 0, false };
    int64_t rps = a->rows / a->B;
    bool ce = c->kind == NN_LOSS_CCE || c->kind == NN_LOSS_SPARSE_CCE;
    const float *z = c->from_logits ? a->p : NULL;
    if (!c->from_logits && ((ce && a->mode == NN_Z_SOFTMAX) ||
                            (c->kind == NN_LOSS_BCE && a->mode == NN_Z_SIGMOID)))
        z = a->z;
    a->grad_is_dz = z && !c->from_logits;
    if (c->kind == NN_LOSS_HINGE || c->kind == NN_LOSS_SQUARED_HINGE)
        k.pm1 = labels_pm1(a);
    *st = NN_OK;
    double total = 0;
    for (int64_t r = 0; r < a->rows; r++) {
        double w = a->sw ? a->sw[r / rps] : 1.0;
        k.gscale = w / (double)a->rows;
        const float *pr = a->p + r * a->cols, *zr = z ? z + r * a->cols : NULL;
        float *g = a->grad ? a->grad + r * a->cols : NULL;
        int64_t label = -1;
        double l;
        if (c->kind == NN_LOSS_SPARSE_CCE && (*st = check_label(ctx, a->y[r], a->cols, &label)))
            return NAN;
        if (ce)
            l = zr ? ce_logits(&k, zr, r, label, g) : ce_probs(&k, pr, r, label, g);
        else if (c->kind == NN_LOSS_BCE)
            l = bce_row(&k, pr, zr, r, g);
        else
            l = elementwise_row(&k, pr, r, g);
        total += w * l;
    }
    return total / (double)a->rows;
}

NnStatus nn_loss_eval(NnCtx *ctx, const NnLossConfig *c, const NnTensor *y_true,
                      const NnTensor *y_pred, double *out)
{
    NnTensor *p = nn_tensor_cast(ctx, y_pred, NN_F32), *y = p ? nn_tensor_cast(ctx, y_true, NN_F32) : NULL;
    NnStatus st = y ? NN_OK : nn_status(ctx);
    if (!st) {
        NnLossArgs a = { 0 };
        a.cols = p->ndim ? p->shape[p->ndim - 1] : 1;
        a.rows = a.cols ? nn_tensor_numel(p) / a.cols : 0;
        a.B = a.rows;
        a.p = nn_tensor_data(p);
        a.y = nn_tensor_data(y);
        int64_t want = nn_loss_is_sparse(c) ? a.rows : nn_tensor_numel(p);
        if (nn_tensor_numel(y) != want || a.rows == 0) {
            char s1[96], s2[96];
            st = nn_error(ctx, NN_EDIM, "%s: y_true of shape %s does not match y_pred of shape %s",
                          nn_loss_name(c->kind), nn_shape_str(y_true->ndim, y_true->shape, s1, sizeof s1),
                          nn_shape_str(y_pred->ndim, y_pred->shape, s2, sizeof s2));
        } else {
            *out = nn_loss_compute(ctx, c, &a, &st);
        }
    }
    nn_tensor_unref(p);
    nn_tensor_unref(y);
    return st;
}

/* ---------------------------------------------------------------- metrics */

static const struct { const char *name; NnMetricKind kind; const char *log; } metric_names[] = {
    { "accuracy", NN_METRIC_ACCURACY, "accuracy" }, { "acc", NN_METRIC_ACCURACY, "acc" },
    { "binary_accuracy", NN_METRIC_BINARY_ACCURACY, "binary_accuracy" },
    { "BinaryAccuracy", NN_METRIC_BINARY_ACCURACY, "binary_accuracy" },
    { "categorical_accuracy", NN_METRIC_CATEGORICAL_ACCURACY, "categorical_accuracy" },
    { "CategoricalAccuracy", NN_METRIC_CATEGORICAL_ACCURACY, "categorical_accuracy" },
    { "sparse_categorical_accuracy", NN_METRIC_SPARSE_CATEGORICAL_ACCURACY,
      "sparse_categorical_accuracy" },
    { "SparseCategoricalAccuracy", NN_METRIC_SPARSE_CATEGORICAL_ACCURACY,
      "sparse_categorical_accuracy" },
    { "mse", NN_METRIC_MSE, "mse" }, { "MSE", NN_METRIC_MSE, "mse" },
    { "mean_squared_error", NN_METRIC_MSE, "mean_squared_error" },
    { "MeanSquaredError", NN_METRIC_MSE, "mean_squared_error" },
    { "mae", NN_METRIC_MAE, "mae" }, { "MAE", NN_METRIC_MAE, "mae" },
    { "mean_absolute_error", NN_METRIC_MAE, "mean_absolute_error" },
    { "MeanAbsoluteError", NN_METRIC_MAE, "mean_absolute_error" },
    { "top_k_categorical_accuracy", NN_METRIC_TOP_K, "top_k_categorical_accuracy" },
    { "TopKCategoricalAccuracy", NN_METRIC_TOP_K, "top_k_categorical_accuracy" },
    { "sparse_top_k_categorical_accuracy", NN_METRIC_SPARSE_TOP_K,
      "sparse_top_k_categorical_accuracy" },
    { "SparseTopKCategoricalAccuracy", NN_METRIC_SPARSE_TOP_K,
      "sparse_top_k_categorical_accuracy" },
};

void nn_metric_config_init(NnMetricConfig *c, NnMetricKind kind)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->k = 5;
    c->threshold = 0.5;
}

bool nn_metric_from_name(const char *name, NnMetricConfig *out)
{
    for (size_t i = 0; i < sizeof metric_names / sizeof metric_names[0]; i++)
        if (strcmp(name, metric_names[i].name) == 0) {
            nn_metric_config_init(out, metric_names[i].kind);
            strcpy(out->name, metric_names[i].log);
            return true;
        }
    return false;
}

static int64_t argmax_row(const float *p, int64_t n)
{
    int64_t b = 0;
    for (int64_t j = 1; j < n; j++)
        if (p[j] > p[b])
            b = j;
    return b;
}

static double metric_row(NnMetricKind k, const NnMetricConfig *c, const NnLossArgs *a,
                         bool sparse_y, int64_t r)
{
    int64_t n = a->cols;
    const float *p = a->p + r * n;
    const float *y = sparse_y ? a->y + r : a->y + r * n;
    double s = 0;
    int64_t t;
    switch (k) {
    case NN_METRIC_BINARY_ACCURACY:
        for (int64_t j = 0; j < n; j++)
            s += (float)(p[j] > c->threshold) == y[j];
        return s / (double)n;
    case NN_METRIC_CATEGORICAL_ACCURACY:
        return argmax_row(p, n) == argmax_row(y, n);
    case NN_METRIC_SPARSE_CATEGORICAL_ACCURACY:
        return (float)argmax_row(p, n) == y[0];
    case NN_METRIC_MSE: case NN_METRIC_MAE:
        for (int64_t j = 0; j < n; j++) {
            double e = (double)p[j] - y[j];
            s += k == NN_METRIC_MSE ? e * e : fabs(e);
        }
        return s / (double)n;
    default:    /* top-k: target's score beaten by fewer than k others */
        t = k == NN_METRIC_SPARSE_TOP_K ? (int64_t)y[0] : argmax_row(y, n);
        if (t < 0 || t >= n || !isfinite(p[t]))
            return 0;
        for (int64_t j = 0; j < n; j++)
            s += p[j] > p[t];
        return s < c->k;
    }
}

void nn_metric_update(NnMetricKind k, const NnMetricConfig *c, const NnLossArgs *a,
                      bool sparse_y, double *sum, double *count)
{
    double s = 0;
    for (int64_t r = 0; r < a->rows; r++)
        s += metric_row(k, c, a, sparse_y, r);
    *sum += s;
    *count += (double)a->rows;
}
