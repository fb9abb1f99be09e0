/* mod_keras_lossfn.c - the lowercase loss and metric functions of
 * keras.losses and keras.metrics: mean_squared_error / mse / MSE,
 * mean_absolute_error, mean_absolute_percentage_error,
 * mean_squared_logarithmic_error, categorical_crossentropy,
 * sparse_categorical_crossentropy, binary_crossentropy, hinge,
 * squared_hinge, categorical_hinge, huber, kl_divergence, log_cosh,
 * poisson; and the accuracy functions of keras.metrics.
 *
 * Keras semantics: a function reduces only the last axis and returns the
 * per-sample values (shape y_pred.shape[:-1]), unlike the loss classes,
 * which reduce to a scalar.  Probabilities are clipped to [1e-7, 1 - 1e-7]
 * as keras.backend does.  Values are computed in double per row and stored
 * in y_pred's float dtype (float32 otherwise).
 *
 * Under a recording GradientTape a loss function is one tape node
 * (autodiff_record_custom) whose VJP multiplies each row's gradient by the
 * incoming gradient of that row; the accuracy functions are not
 * differentiable and are not recorded.
 *
 * Owned by the Keras bindings; the modules are assembled in mod_keras.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"
#include "autodiff.h"

#define EPS 1e-7

typedef enum {
    LF_MSE, LF_MAE, LF_MAPE, LF_MSLE, LF_CCE, LF_SCCE, LF_BCE, LF_HINGE, LF_SQHINGE,
    LF_CATHINGE, LF_HUBER, LF_KLD, LF_LOGCOSH, LF_POISSON,
    /* metrics (not differentiable) */
    LF_BINACC, LF_CATACC, LF_SPARSEACC, LF_TOPK, LF_SPARSETOPK,
    LF_ACC,                 /* accuracy: element-wise equality, nothing reduced */
} LfKind;

typedef struct {
    LfKind kind;
    bool from_logits;
    double label_smoothing;
    double delta;           /* huber */
    double threshold;       /* binary_accuracy */
    int64_t k;              /* top-k */
    bool pm1;               /* hinge: labels already in {-1, 1} */
} LfConfig;

static bool lf_sparse(LfKind k) { return k == LF_SCCE || k == LF_SPARSEACC || k == LF_SPARSETOPK; }
static bool lf_metric(LfKind k) { return k >= LF_BINACC; }

/* Clipped values pass no gradient where x < lo or x > hi (tf.clip_by_value's rule). */
static double clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static double sgn(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

/* ---------------------------------------------------------------- per-row values */

/* Element j's value and d value / d p of the mean-reduced losses. */
static double elem(const LfConfig *c, double y, double p, double *g)
{
    double e = p - y, d = c->delta, m, a, b, yy;
    switch (c->kind) {
    case LF_MSE: *g = 2 * e; return e * e;
    case LF_MAE: *g = sgn(e); return fabs(e);
    case LF_MAPE:
        m = fabs(y) > EPS ? fabs(y) : EPS;
        *g = 100 * sgn(e) / m;
        return 100 * fabs(e) / m;
    case LF_MSLE:
        a = log((p > EPS ? p : EPS) + 1);
        b = log((y > EPS ? y : EPS) + 1);
        *g = p >= EPS ? 2 * (a - b) / (p + 1) : 0;
        return (a - b) * (a - b);
    case LF_HUBER:
        *g = fabs(e) <= d ? e : d * sgn(e);
        return fabs(e) <= d ? 0.5 * e * e : d * fabs(e) - 0.5 * d * d;
    case LF_LOGCOSH:
        *g = tanh(e);       /* x + softplus(-2x) - log 2, computed stably */
        return fabs(e) + log1p(exp(-2 * fabs(e))) - log(2.0);
    case LF_POISSON:
        *g = 1 - y / (p + EPS);
        return p - y * log(p + EPS);
    default:            /* hinge, squared hinge */
        yy = c->pm1 ? y : 2 * y - 1;
        m = 1 - yy * p > 0 ? 1 - yy * p : 0;
        *g = m > 0 ? (c->kind == LF_HINGE ? -yy : -2 * yy * m) : 0;
        return c->kind == LF_HINGE ? m : m * m;
    }
}

static double mean_row(const LfConfig *c, const double *y, const double *p, int64_t n, double *g)
{
    double l = 0, gj;
    for (int64_t j = 0; j < n; j++) {
        l += elem(c, y[j], p[j], &gj);
        if (g)
            g[j] = gj / (double)n;
    }
    return l / (double)n;
}

static double bce_row(const LfConfig *c, const double *yr, const double *p, int64_t n, double *g)
{
    double l = 0, ls = c->label_smoothing;
    for (int64_t j = 0; j < n; j++) {
        double y = yr[j] * (1 - ls) + 0.5 * ls, z = p[j], gj;
        if (c->from_logits) {
            l += (z > 0 ? z : 0) - z * y + log1p(exp(-fabs(z)));
            gj = 1 / (1 + exp(-z)) - y;
        } else {
            double pc = clip(z, EPS, 1 - EPS);
            l -= y * log(pc + EPS) + (1 - y) * log(1 - pc + EPS);
            gj = z >= EPS && z <= 1 - EPS ? -(y / (pc + EPS) - (1 - y) / (1 - pc + EPS)) : 0;
        }
        if (g)
            g[j] = gj / (double)n;
    }
    return l / (double)n;
}

/* Categorical cross-entropy of one row; label >= 0 for the sparse form. */
static double ce_logits(const LfConfig *c, const double *yr, int64_t label, const double *z,
                        int64_t n, double *g)
{
    double mx = z[0], s = 0, sy = 0, syz = 0, ls = c->label_smoothing;
    for (int64_t j = 1; j < n; j++)
        mx = z[j] > mx ? z[j] : mx;
    for (int64_t j = 0; j < n; j++)
        s += exp(z[j] - mx);
    double lse = mx + log(s);
    for (int64_t j = 0; j < n; j++) {
        double y = label >= 0 ? (j == label) : yr[j] * (1 - ls) + ls / (double)n;
        sy += y;
        syz += y * z[j];
        if (g)
            g[j] = -y;
    }
    for (int64_t j = 0; g && j < n; j++)
        g[j] += exp(z[j] - lse) * sy;
    return lse * sy - syz;
}

/* keras.backend.categorical_crossentropy on probabilities: normalised, then clipped. */
static double cce_probs(const LfConfig *c, const double *yr, const double *p, int64_t n, double *g)
{
    double s = 0, l = 0, gq = 0, ls = c->label_smoothing;
    for (int64_t j = 0; j < n; j++)
        s += p[j];
    for (int64_t j = 0; j < n; j++) {
        double q = p[j] / s, y = yr[j] * (1 - ls) + ls / (double)n;
        l -= y * log(clip(q, EPS, 1 - EPS));
        double dq = q >= EPS && q <= 1 - EPS ? -y / q : 0;
        gq += dq * q;
        if (g)
            g[j] = dq;
    }
    for (int64_t j = 0; g && j < n; j++)
        g[j] = (g[j] - gq) / s;
    return l;
}

/* keras.backend.sparse_categorical_crossentropy on probabilities: clipped,
 * then the softmax cross-entropy of their logarithms. */
static double scce_probs(int64_t label, const double *p, int64_t n, double *g)
{
    double s = 0;
    for (int64_t j = 0; j < n; j++)
        s += clip(p[j], EPS, 1 - EPS);
    for (int64_t j = 0; g && j < n; j++) {
        bool in = p[j] >= EPS && p[j] <= 1 - EPS;
        g[j] = in ? 1 / s - (j == label ? 1 / p[j] : 0) : 0;
    }
    return log(s) - log(clip(p[label], EPS, 1 - EPS));
}

static double cathinge_row(const double *y, const double *p, int64_t n, double *g)
{
    double pos = 0, neg = -INFINITY;
    int64_t at = 0;
    for (int64_t j = 0; j < n; j++) {
        pos += y[j] * p[j];
        if ((1 - y[j]) * p[j] > neg) {
            neg = (1 - y[j]) * p[j];
            at = j;
        }
    }
    double l = neg - pos + 1;
    for (int64_t j = 0; g && j < n; j++)
        g[j] = l > 0 ? -y[j] + (j == at ? 1 - y[at] : 0) : 0;
    return l > 0 ? l : 0;
}

static double kld_row(const double *y, const double *p, int64_t n, double *g)
{
    double l = 0;
    for (int64_t j = 0; j < n; j++) {
        double yc = clip(y[j], EPS, 1), pc = clip(p[j], EPS, 1);
        l += yc * log(yc / pc);
        if (g)
            g[j] = p[j] >= EPS && p[j] <= 1 ? -yc / pc : 0;
    }
    return l;
}

static int64_t argmax(const double *x, int64_t n)
{
    int64_t a = 0;
    for (int64_t j = 1; j < n; j++)
        if (x[j] > x[a])
            a = j;
    return a;
}

/* tf.math.in_top_k: ties at the boundary count as inside. */
static double in_top_k(int64_t label, const double *p, int64_t n, int64_t k)
{
    int64_t greater = 0;
    for (int64_t j = 0; j < n; j++)
        greater += p[j] > p[label];
    return greater < k;
}

static double metric_row(const LfConfig *c, const double *y, int64_t label, const double *p,
                         int64_t n)
{
    double s = 0;
    switch (c->kind) {
    case LF_BINACC:
        for (int64_t j = 0; j < n; j++)
            s += y[j] == (p[j] > c->threshold ? 1.0 : 0.0);
        return s / (double)n;
    case LF_CATACC: return argmax(y, n) == argmax(p, n);
    case LF_SPARSEACC: return label == argmax(p, n);
    case LF_TOPK: return in_top_k(argmax(y, n), p, n, c->k);
    default: return in_top_k(label, p, n, c->k);
    }
}

/* The value of row y/p (n predictions) and, when g is not NULL, its
 * gradient w.r.t. the predictions.  label: the sparse label, else -1. */
static double row_value(const LfConfig *c, const double *y, int64_t label, const double *p,
                        int64_t n, double *g)
{
    switch (c->kind) {
    case LF_CCE: return c->from_logits ? ce_logits(c, y, -1, p, n, g) : cce_probs(c, y, p, n, g);
    case LF_SCCE: return c->from_logits ? ce_logits(c, y, label, p, n, g) : scce_probs(label, p, n, g);
    case LF_BCE: return bce_row(c, y, p, n, g);
    case LF_CATHINGE: return cathinge_row(y, p, n, g);
    case LF_KLD: return kld_row(y, p, n, g);
    default: return lf_metric(c->kind) ? metric_row(c, y, label, p, n) : mean_row(c, y, p, n, g);
    }
}

/* ---------------------------------------------------------------- rows of tensors */

static int64_t ncols(const NnTensor *p) { return p->ndim ? p->shape[p->ndim - 1] : 1; }

/* Every row of y64/p64 (float64, contiguous, checked): values into vals
 * (one per row) and gradients into g (p's size) when they are not NULL. */
static void lf_run(const LfConfig *c, const NnTensor *y64, const NnTensor *p64, double *vals,
                   double *g)
{
    int64_t n = ncols(p64), rows = n ? nn_tensor_numel(p64) / n : 0;
    const double *y = nn_tensor_data(y64), *p = nn_tensor_data(p64);
    bool sparse = lf_sparse(c->kind);
    for (int64_t r = 0; r < rows; r++) {
        int64_t label = sparse ? (int64_t)y[r] : -1;
        double v = row_value(c, sparse ? NULL : y + r * n, label, p + r * n, n, g ? g + r * n : NULL);
        if (vals)
            vals[r] = v;
    }
}

typedef struct {
    LfConfig c;
    NnTensor *y;            /* y_true as float64 (owned) */
} LfUd;

static void lf_ud_free(void *p)
{
    LfUd *u = p;
    nn_tensor_unref(u->y);
    free(u);
}

/* d loss / d y_pred: each row's gradient times the incoming gradient of that row. */
static NnStatus lf_vjp(NnCtx *ctx, void *ud, const NnTensor *gout, NnTensor *const *inputs,
                       int n, const NnTensor *output, NnTensor **gin)
{
    (void)n;
    (void)output;
    LfUd *u = ud;
    NnTensor *p = nn_tensor_cast(ctx, inputs[0], NN_F64);
    NnTensor *go = p ? nn_tensor_cast(ctx, gout, NN_F64) : NULL;
    NnTensor *g = go ? nn_tensor_new(ctx, NN_F64, p->ndim, p->shape) : NULL;
    if (g) {
        double *gd = nn_tensor_data(g);
        const double *s = nn_tensor_data(go);
        int64_t cols = ncols(p);
        lf_run(&u->c, u->y, p, NULL, gd);
        for (int64_t i = 0; i < nn_tensor_numel(g); i++)
            gd[i] *= s[cols ? i / cols : 0];
        gin[0] = nn_tensor_cast(ctx, g, inputs[0]->dtype);
    }
    nn_tensor_unref(p);
    nn_tensor_unref(go);
    nn_tensor_unref(g);
    return g && gin[0] ? NN_OK : nn_status(ctx);
}

static bool same_shape(const NnTensor *a, const NnTensor *b)
{
    return a->ndim == b->ndim && memcmp(a->shape, b->shape, sizeof(int64_t) * (size_t)a->ndim) == 0;
}

/* y_true as float64, broadcast to y_pred's shape when it can be (as the
 * Keras functions' arithmetic does); NULL with the ctx status on OOM. */
static NnTensor *true64(NnCtx *ctx, const LfConfig *c, NnTensor *yt, const NnTensor *yp)
{
    int nd;
    int64_t s[NN_MAXDIM];
    NnTensor *b = NULL;
    if (!lf_sparse(c->kind) && !same_shape(yt, yp) &&
        nn_broadcast_shape(ctx, yt->ndim, yt->shape, yp->ndim, yp->shape, &nd, s) == NN_OK &&
        nd == yp->ndim && memcmp(s, yp->shape, sizeof(int64_t) * (size_t)nd) == 0)
        b = nn_tensor_broadcast_to(ctx, yt, yp->ndim, yp->shape);
    nn_clear_error(ctx);
    NnTensor *y = nn_tensor_cast(ctx, b ? b : yt, NN_F64);
    nn_tensor_unref(b);
    return y;
}

/* y_true must match y_pred (sparse forms: one integer label per row, in range). */
static bool lf_check(Interp *I, const char *f, const LfConfig *c, const NnTensor *yt,
                     const NnTensor *yp, const NnTensor *y64)
{
    char s1[96], s2[96];
    int64_t n = ncols(yp), rows = n ? nn_tensor_numel(yp) / n : 0;
    if (lf_sparse(c->kind) ? nn_tensor_numel(yt) != rows : !same_shape(y64, yp))
        return interp_error(I, ERR_VALUE, "%s: y_true of shape %s does not match y_pred of shape %s",
                            f, nn_shape_str(yt->ndim, yt->shape, s1, sizeof s1),
                            nn_shape_str(yp->ndim, yp->shape, s2, sizeof s2));
    if (n == 0 || rows == 0)
        return interp_error(I, ERR_VALUE, "%s: y_pred of shape %s is empty", f,
                            nn_shape_str(yp->ndim, yp->shape, s2, sizeof s2));
    const double *y = nn_tensor_data(y64);
    for (int64_t r = 0; lf_sparse(c->kind) && r < rows; r++)
        if (!(y[r] >= 0 && y[r] < (double)n))
            return interp_error(I, ERR_VALUE, "Received a label value of %g which is outside "
                                "the valid range of [0, %lld).", y[r], (long long)n);
    return true;
}

/* Keras's hinge converts {0, 1} labels to {-1, 1}; other labels are kept. */
static bool labels_pm1(const NnTensor *y64)
{
    const double *y = nn_tensor_data(y64);
    for (int64_t i = 0; i < nn_tensor_numel(y64); i++)
        if (y[i] != 0 && y[i] != 1)
            return true;
    return false;
}

/* keras.metrics.accuracy: 1.0 where y_true == y_pred (y_pred cast to
 * y_true's dtype first, so an integer y_true truncates the predictions). */
static NnTensor *elem_equal(NnCtx *ctx, const NnTensor *yt, const NnTensor *y64, const NnTensor *p64)
{
    NnTensor *r = nn_tensor_empty(ctx, NN_F32, p64->ndim, p64->shape);
    if (!r)
        return NULL;
    const double *y = nn_tensor_data(y64), *p = nn_tensor_data(p64);
    float *o = nn_tensor_data(r);
    bool ints = !nn_dtype_is_float(yt->dtype);
    for (int64_t i = 0; i < nn_tensor_numel(r); i++)
        o[i] = y[i] == (ints ? trunc(p[i]) : p[i]) ? 1.0f : 0.0f;
    return r;
}

/* The per-row values as a tensor of shape y_pred.shape[:-1], recorded on
 * an active tape for the losses.  Takes nothing; *out a new value. */
static bool lf_eval(Interp *I, const char *f, LfConfig *c, NnTensor *yt, NnTensor *yp, Value *out)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *y = true64(ctx, c, yt, yp), *p = y ? nn_tensor_cast(ctx, yp, NN_F64) : NULL;
    NnTensor *r = NULL;
    bool ok = p ? lf_check(I, f, c, yt, yp, y) : interp_error_from_nn(I);
    NnDType dt = !lf_metric(c->kind) && yp->dtype == NN_F64 ? NN_F64 : NN_F32;
    if (ok && c->kind == LF_ACC) {
        r = elem_equal(ctx, yt, y, p);
        ok = r || interp_error_from_nn(I);
    } else if (ok) {
        c->pm1 = labels_pm1(y);
        NnTensor *v = nn_tensor_empty(ctx, NN_F64, yp->ndim ? yp->ndim - 1 : 0, yp->shape);
        if (v)
            lf_run(c, y, p, nn_tensor_data(v), NULL);
        r = v ? nn_tensor_cast(ctx, v, dt) : NULL;
        nn_tensor_unref(v);
        ok = r || interp_error_from_nn(I);
    }
    if (ok && autodiff_active && !lf_metric(c->kind) && nn_dtype_is_float(yp->dtype)) {
        LfUd *u = calloc(1, sizeof *u);
        if (!u) {
            nn_tensor_unref(r);
            r = NULL;
            ok = interp_error(I, ERR_MEMORY, "out of memory");
        } else {
            u->c = *c;
            u->y = nn_tensor_ref(y);
            ok = (r = autodiff_record_custom(I, r, f, &yp, 1, lf_vjp, u, lf_ud_free)) ||
                 interp_error_from_nn(I);
        }
    }
    nn_tensor_unref(y);
    nn_tensor_unref(p);
    return ok && tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* ---------------------------------------------------------------- the functions */

static const char *lf_spec(LfKind k)
{
    switch (k) {
    case LF_CCE: case LF_BCE: return "y_true, y_pred, from_logits=, label_smoothing=, axis=";
    case LF_SCCE: return "y_true, y_pred, from_logits=, axis=, ignore_class=";
    case LF_HUBER: return "y_true, y_pred, delta=";
    case LF_BINACC: return "y_true, y_pred, threshold=";
    case LF_TOPK: case LF_SPARSETOPK: return "y_true, y_pred, k=";
    default: return "y_true, y_pred";
    }
}

static bool given(Value v) { return v.kind != VAL_UNSET && v.kind != VAL_NONE; }

/* The options after y_true, y_pred (v[2...]) into c. */
static bool lf_options(Interp *I, const char *f, const Value *v, LfConfig *c)
{
    int64_t axis = -1;
    switch (c->kind) {
    case LF_CCE: case LF_BCE: case LF_SCCE:
        if ((v[2].kind != VAL_UNSET && !arg_bool(I, f, "from_logits", v[2], &c->from_logits)) ||
            (c->kind != LF_SCCE && given(v[3]) &&
             !arg_float(I, f, "label_smoothing", v[3], &c->label_smoothing)))
            return false;
        if (c->kind == LF_SCCE && given(v[4]))
            return interp_error(I, ERR_VALUE, "%s: ignore_class is not supported", f);
        if (given(v[c->kind == LF_SCCE ? 3 : 4]) &&
            !arg_int(I, f, "axis", v[c->kind == LF_SCCE ? 3 : 4], &axis))
            return false;
        if (axis != -1)
            return interp_error(I, ERR_VALUE, "%s: only axis=-1 (the last axis) is supported", f);
        return true;
    case LF_HUBER: return !given(v[2]) || arg_float(I, f, "delta", v[2], &c->delta);
    case LF_BINACC: return !given(v[2]) || arg_float(I, f, "threshold", v[2], &c->threshold);
    case LF_TOPK: case LF_SPARSETOPK: return !given(v[2]) || arg_int(I, f, "k", v[2], &c->k);
    default: return true;
    }
}

static bool lf_call(Interp *I, const Args *a, const char *f, LfKind kind, Value *out)
{
    Value v[5];
    LfConfig c = { .kind = kind, .delta = 1.0, .threshold = 0.5, .k = 5 };
    NnTensor *yt = NULL, *yp = NULL;
    if (!args_parse(I, f, a, lf_spec(kind), v) || !lf_options(I, f, v, &c))
        return false;
    bool ok = tensor_from_value(I, v[1], -1, TENSOR_TF, &yp) &&
              tensor_from_value(I, v[0], -1, TENSOR_TF, &yt) && lf_eval(I, f, &c, yt, yp, out);
    nn_tensor_unref(yt);
    nn_tensor_unref(yp);
    return ok;
}

#define LF(fn, NAME, KIND) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return lf_call(I, a, NAME, KIND, out); }
LF(f_mse, "mean_squared_error", LF_MSE)
LF(f_mae, "mean_absolute_error", LF_MAE)
LF(f_mape, "mean_absolute_percentage_error", LF_MAPE)
LF(f_msle, "mean_squared_logarithmic_error", LF_MSLE)
LF(f_cce, "categorical_crossentropy", LF_CCE)
LF(f_scce, "sparse_categorical_crossentropy", LF_SCCE)
LF(f_bce, "binary_crossentropy", LF_BCE)
LF(f_hinge, "hinge", LF_HINGE)
LF(f_sqhinge, "squared_hinge", LF_SQHINGE)
LF(f_cathinge, "categorical_hinge", LF_CATHINGE)
LF(f_huber, "huber", LF_HUBER)
LF(f_kld, "kl_divergence", LF_KLD)
LF(f_logcosh, "log_cosh", LF_LOGCOSH)
LF(f_poisson, "poisson", LF_POISSON)
LF(f_binacc, "binary_accuracy", LF_BINACC)
LF(f_catacc, "categorical_accuracy", LF_CATACC)
LF(f_sparseacc, "sparse_categorical_accuracy", LF_SPARSEACC)
LF(f_topk, "top_k_categorical_accuracy", LF_TOPK)
LF(f_sparsetopk, "sparse_top_k_categorical_accuracy", LF_SPARSETOPK)
LF(f_acc, "accuracy", LF_ACC)

#define PER_SAMPLE "\nReduces the last axis only: one value per sample, shape y_pred.shape[:-1]."
#define SIG "(y_true, y_pred)"
#define LOSS_DEFS \
    {"mean_squared_error", f_mse, "mean_squared_error" SIG, "mean(square(y_pred - y_true), axis=-1)." PER_SAMPLE}, \
    {"mse", f_mse, "mse" SIG, "mean_squared_error." PER_SAMPLE}, \
    {"MSE", f_mse, "MSE" SIG, "mean_squared_error." PER_SAMPLE}, \
    {"mean_absolute_error", f_mae, "mean_absolute_error" SIG, "mean(abs(y_pred - y_true), axis=-1)." PER_SAMPLE}, \
    {"mae", f_mae, "mae" SIG, "mean_absolute_error." PER_SAMPLE}, \
    {"MAE", f_mae, "MAE" SIG, "mean_absolute_error." PER_SAMPLE}, \
    {"mean_absolute_percentage_error", f_mape, "mean_absolute_percentage_error" SIG, \
     "100 * mean(abs((y_true - y_pred) / max(abs(y_true), 1e-7)), axis=-1)." PER_SAMPLE}, \
    {"mape", f_mape, "mape" SIG, "mean_absolute_percentage_error." PER_SAMPLE}, \
    {"MAPE", f_mape, "MAPE" SIG, "mean_absolute_percentage_error." PER_SAMPLE}, \
    {"mean_squared_logarithmic_error", f_msle, "mean_squared_logarithmic_error" SIG, \
     "mean(square(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)), axis=-1)." PER_SAMPLE}, \
    {"msle", f_msle, "msle" SIG, "mean_squared_logarithmic_error." PER_SAMPLE}, \
    {"MSLE", f_msle, "MSLE" SIG, "mean_squared_logarithmic_error." PER_SAMPLE}, \
    {"categorical_crossentropy", f_cce, \
     "categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1)", \
     "-sum(y_true * log(p), axis=-1), p = y_pred normalised to sum 1 and clipped to " \
     "[1e-7, 1 - 1e-7] (softmax of y_pred when from_logits)." PER_SAMPLE}, \
    {"sparse_categorical_crossentropy", f_scce, \
     "sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1, ignore_class=None)", \
     "categorical_crossentropy with integer labels y_true (shape (batch,) or (batch, 1))." PER_SAMPLE}, \
    {"binary_crossentropy", f_bce, \
     "binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1)", \
     "-mean(y log(p + 1e-7) + (1 - y) log(1 - p + 1e-7), axis=-1), p clipped to " \
     "[1e-7, 1 - 1e-7] (sigmoid of y_pred when from_logits)." PER_SAMPLE}, \
    {"hinge", f_hinge, "hinge" SIG, "mean(maximum(1 - y_true * y_pred, 0), axis=-1); labels " \
     "0/1 become -1/1." PER_SAMPLE}, \
    {"squared_hinge", f_sqhinge, "squared_hinge" SIG, \
     "mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)." PER_SAMPLE}, \
    {"categorical_hinge", f_cathinge, "categorical_hinge" SIG, \
     "maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)." PER_SAMPLE}, \
    {"huber", f_huber, "huber(y_true, y_pred, delta=1.0)", \
     "mean(0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2, axis=-1), e = y_pred - y_true." \
     PER_SAMPLE}, \
    {"kl_divergence", f_kld, "kl_divergence" SIG, "sum(y log(y / p), axis=-1), both clipped to " \
     "[1e-7, 1]." PER_SAMPLE}, \
    {"kld", f_kld, "kld" SIG, "kl_divergence." PER_SAMPLE}, \
    {"KLD", f_kld, "KLD" SIG, "kl_divergence." PER_SAMPLE}, \
    {"kullback_leibler_divergence", f_kld, "kullback_leibler_divergence" SIG, "kl_divergence." PER_SAMPLE}, \
    {"log_cosh", f_logcosh, "log_cosh" SIG, "mean(log(cosh(y_pred - y_true)), axis=-1)." PER_SAMPLE}, \
    {"logcosh", f_logcosh, "logcosh" SIG, "log_cosh." PER_SAMPLE}, \
    {"poisson", f_poisson, "poisson" SIG, "mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)." PER_SAMPLE}

const NativeDef keras_loss_fn_defs[] = {
    LOSS_DEFS,
    {NULL, NULL, NULL, NULL},
};

const NativeDef keras_metric_fn_defs[] = {
    LOSS_DEFS,
    {"accuracy", f_acc, "accuracy" SIG,
     "1.0 where y_true == y_pred element by element (nothing reduced), else 0.0."},
    {"binary_accuracy", f_binacc, "binary_accuracy(y_true, y_pred, threshold=0.5)",
     "mean(y_true == (y_pred > threshold), axis=-1)." PER_SAMPLE},
    {"categorical_accuracy", f_catacc, "categorical_accuracy" SIG,
     "1.0 where argmax(y_true, -1) == argmax(y_pred, -1), else 0.0." PER_SAMPLE},
    {"sparse_categorical_accuracy", f_sparseacc, "sparse_categorical_accuracy" SIG,
     "1.0 where the integer label y_true == argmax(y_pred, -1), else 0.0." PER_SAMPLE},
    {"top_k_categorical_accuracy", f_topk, "top_k_categorical_accuracy(y_true, y_pred, k=5)",
     "1.0 where argmax(y_true, -1) is among the k largest of y_pred." PER_SAMPLE},
    {"sparse_top_k_categorical_accuracy", f_sparsetopk,
     "sparse_top_k_categorical_accuracy(y_true, y_pred, k=5)",
     "1.0 where the integer label y_true is among the k largest of y_pred." PER_SAMPLE},
    {NULL, NULL, NULL, NULL},
};
