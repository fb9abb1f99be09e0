/* nn_train.c - the training loop: the workspace, forward and backward over
 * the layer list, fit / evaluate / predict / train_on_batch.
 *
 * The workspace (activations, saved values, backward ping-pong buffers, the
 * gathered batch) is one block sized for the largest batch seen; it only
 * grows, so no step allocates.  A batch is gathered from the caller's
 * arrays (any dtype, converted while copying) in the epoch's sample order
 * (numpy's permutation from the ctx generator, so a seed reproduces a run).
 *
 * Logs follow Keras: the loss is the running mean of batch losses weighted
 * by batch size (regularization included), metrics the running mean over
 * samples.  A non-finite loss stops before the update (NN_ENAN); the
 * interrupt hook is polled after each batch (NN_EINTR).  History gets one
 * entry per completed epoch.
 */
#include "nn_layer.h"
#include "nn_internal.h"   /* nn_flush_denormals_begin */

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- workspace */

static float *layer_carve(NnLayer *L, float *p, int64_t rows)
{
    const NnLayerConfig *c = &L->cfg;
    bool alias;
    nn_layer_ws_floats(L, rows, &alias);
    L->alias = alias;
    L->out = L->z = L->aux = L->aux2 = NULL;
    if (alias)
        return p;
    L->out = p;
    p += rows * L->out_size;
    if ((c->kind == NN_LAYER_DENSE || c->kind == NN_LAYER_CONV2D) && nn_act_needs_z(c->activation)) {
        L->z = p;
        p += rows * L->out_size;
    }
    if (c->kind == NN_LAYER_DROPOUT || c->kind == NN_LAYER_BATCHNORM) {
        L->aux = p;
        p += rows * L->in_size;
    }
    if (c->kind == NN_LAYER_BATCHNORM) {
        L->aux2 = p;
        p += 2 * L->in_shape[L->in_ndim - 1];
    }
    if (c->kind == NN_LAYER_CONV2D) {
        L->aux = p;
        p += rows * L->oh * L->ow * c->kernel[0] * c->kernel[1] * L->ic;
    }
    if (c->kind == NN_LAYER_MAXPOOL2D) {
        L->aux = p;
        p += rows * L->out_size;
    }
    return p;
}

static int64_t in_size(const NnModel *m)
{
    int64_t n = 1;
    for (int d = 0; d < m->in_ndim; d++)
        n *= m->in_shape[d];
    return n;
}

static int64_t out_size(const NnModel *m)
{
    return m->n ? m->layers[m->n - 1].out_size : in_size(m);
}

/* Sizes the workspace for `rows` samples per batch (grows only). */
NnStatus nn_ws_ensure(NnCtx *ctx, NnModel *m, int64_t rows)
{
    if (rows <= m->ws_rows)
        return NN_OK;
    int64_t maxsz = in_size(m), scratch = 1, total = 0;
    for (int i = 0; i < m->n; i++) {
        NnLayer *L = &m->layers[i];
        bool alias;
        total += nn_layer_ws_floats(L, rows, &alias);
        maxsz = L->out_size > maxsz ? L->out_size : maxsz;
        if (L->cfg.kind == NN_LAYER_CONV2D) {
            int64_t k = rows * L->oh * L->ow * L->cfg.kernel[0] * L->cfg.kernel[1] * L->ic;
            scratch = k > scratch ? k : scratch;
        }
    }
    total += rows * in_size(m) + rows * out_size(m) + rows + 2 * rows * maxsz + scratch;
    float *ws = nn_alloc(ctx, sizeof(float) * (size_t)total, "training workspace");
    if (!ws)
        return NN_ENOMEM;
    nn_free(ctx, m->ws);
    m->ws = ws;
    m->ws_rows = rows;
    float *p = ws;
    for (int i = 0; i < m->n; i++)
        p = layer_carve(&m->layers[i], p, rows);
    m->xb = p;
    p += rows * in_size(m);
    m->yb = p;
    p += rows * out_size(m);
    m->swb = p;
    p += rows;
    m->dbuf[0] = p;
    p += rows * maxsz;
    m->dbuf[1] = p;
    p += rows * maxsz;
    m->scratch = p;
    return NN_OK;
}

/* ---------------------------------------------------------------- forward / backward */

/* Runs the layers on m->xb-like input x (B rows); the result is the last layer's out. */
void nn_model_forward(NnCtx *ctx, NnModel *m, const float *x, int64_t B, bool training)
{
    for (int i = 0; i < m->n; i++) {
        NnLayer *L = &m->layers[i];
        if (L->alias) {
            L->out = (float *)x;
        } else {
            switch (L->cfg.kind) {
            case NN_LAYER_DENSE: nn_dense_forward(ctx, m, L, x, B); break;
            case NN_LAYER_CONV2D: nn_conv2d_forward(ctx, m, L, x, B); break;
            case NN_LAYER_MAXPOOL2D: nn_maxpool_forward(L, x, B); break;
            case NN_LAYER_AVGPOOL2D:
            case NN_LAYER_GLOBAL_AVGPOOL2D:
            case NN_LAYER_GLOBAL_MAXPOOL2D: nn_pool_forward(L, x, B); break;
            case NN_LAYER_DROPOUT: nn_dropout_forward(ctx, L, x, B, training); break;
            case NN_LAYER_BATCHNORM:
                nn_batchnorm_forward(m, L, x, B, training && L->cfg.trainable);
                break;
            default: nn_actlayer_forward(L, x, B); break;
            }
        }
        x = L->out;
    }
}

static int first_trainable(const NnModel *m)
{
    for (int i = 0; i < m->n; i++)
        if (m->layers[i].cfg.trainable && m->layers[i].nw > 0)
            return i;
    return m->n;
}

/* One layer's backward: its parameter gradients and, when dx is given,
 * d loss / d input into dx; x is the layer's input, dy d loss / d output. */
void nn_layer_backward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, float *dy, float *dx,
                       int64_t B, bool training)
{
    switch (L->cfg.kind) {
    case NN_LAYER_DENSE: nn_dense_backward(ctx, m, L, x, dy, dx, B); break;
    case NN_LAYER_CONV2D: nn_conv2d_backward(ctx, m, L, x, dy, dx, B); break;
    case NN_LAYER_MAXPOOL2D: if (dx) nn_maxpool_backward(L, dy, dx, B); break;
    case NN_LAYER_AVGPOOL2D:
    case NN_LAYER_GLOBAL_AVGPOOL2D:
    case NN_LAYER_GLOBAL_MAXPOOL2D: if (dx) nn_pool_backward(L, x, dy, dx, B); break;
    case NN_LAYER_DROPOUT: if (dx) nn_dropout_backward(L, dy, dx, B, training); break;
    case NN_LAYER_BATCHNORM: nn_batchnorm_backward(m, L, dy, dx, B); break;
    default: if (dx) nn_actlayer_backward(L, x, dy, dx, B); break;
    }
}

/* Backward from dy = m->dbuf[0] (d loss / d output of the last layer). */
static void backward(NnCtx *ctx, NnModel *m, int64_t B)
{
    float *dy = m->dbuf[0], *other = m->dbuf[1];
    int first = first_trainable(m);
    for (int i = m->n - 1; i >= first; i--) {
        NnLayer *L = &m->layers[i];
        if (L->alias)
            continue;
        const float *x = i ? m->layers[i - 1].out : m->xb;
        float *dx = i > first ? other : NULL;
        nn_layer_backward(ctx, m, L, x, dy, dx, B, true);
        other = dy;
        dy = dx;
    }
}

/* ---------------------------------------------------------------- data */

typedef struct {
    NnTensor *x, *y;        /* contiguous references */
    int64_t n, xsz, ysz;
    bool sparse_y;
} Data;

static void data_close(Data *d)
{
    nn_tensor_unref(d->x);
    nn_tensor_unref(d->y);
    d->x = d->y = NULL;
}

static void shape_none(const NnTensor *t, int ndim, const int64_t *s, char *buf, size_t size)
{
    if (t)
        nn_shape_none_str(t->ndim - 1, t->shape + 1, buf, size);
    else
        nn_shape_none_str(ndim, s, buf, size);
}

/* Checks y against the model output and resolves "accuracy" as Keras does. */
static NnStatus check_targets(NnCtx *ctx, NnModel *m, Data *d)
{
    const NnLayer *L = &m->layers[m->n - 1];
    int64_t cols = L->out_shape[L->out_ndim - 1], rps = L->out_size / cols;
    char a[128], b[128];
    bool sparse_loss = nn_loss_is_sparse(&m->loss);
    d->sparse_y = sparse_loss || (d->ysz == rps && d->ysz != L->out_size);
    if ((d->sparse_y && d->ysz != rps) || (!d->sparse_y && d->ysz != L->out_size)) {
        shape_none(d->y, 0, NULL, a, sizeof a);
        shape_none(NULL, L->out_ndim, L->out_shape, b, sizeof b);
        if (sparse_loss)
            return nn_error(ctx, NN_EDIM, "sparse_categorical_crossentropy: labels of shape %s "
                            "do not match the output shape %s (expected one integer label per "
                            "sample)", a, b);
        return nn_error(ctx, NN_EDIM, "Shapes %s and %s are incompatible", a, b);
    }
    for (int i = 0; i < m->nmetrics; i++) {
        NnMetricKind k = m->metrics[i].kind;
        if (k == NN_METRIC_ACCURACY)
            k = cols == 1 ? NN_METRIC_BINARY_ACCURACY
                          : d->sparse_y ? NN_METRIC_SPARSE_CATEGORICAL_ACCURACY
                                        : NN_METRIC_CATEGORICAL_ACCURACY;
        if (k == NN_METRIC_TOP_K && d->sparse_y)
            k = NN_METRIC_SPARSE_TOP_K;
        bool wants_sparse = k == NN_METRIC_SPARSE_CATEGORICAL_ACCURACY ||
                            k == NN_METRIC_SPARSE_TOP_K;
        if (wants_sparse != d->sparse_y && !(d->sparse_y && cols == 1))
            return nn_error(ctx, NN_EDIM, "metric %s: labels of shape %s do not suit it",
                            m->metrics[i].name, (shape_none(d->y, 0, NULL, a, sizeof a), a));
        m->resolved[i] = k;
    }
    return NN_OK;
}

/* Takes contiguous refs of x (and y), builds the model, checks shapes. */
static NnStatus data_open(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y, Data *d)
{
    memset(d, 0, sizeof *d);
    if (x->ndim < 2)
        return nn_error(ctx, NN_EDIM, "the input must have a batch axis and at least one feature "
                        "axis, got an array of %d dimension%s", x->ndim, x->ndim == 1 ? "" : "s");
    NnStatus st = nn_model_build(ctx, m, x->ndim - 1, x->shape + 1);
    if (st)
        return st;
    if (y && (y->ndim < 1 || y->shape[0] != x->shape[0]))
        return nn_error(ctx, NN_EDIM, "Data cardinality is ambiguous: x sizes: %lld, y sizes: %lld. "
                        "Make sure all arrays contain the same number of samples.",
                        (long long)x->shape[0], (long long)(y->ndim ? y->shape[0] : 1));
    d->n = x->shape[0];
    d->xsz = in_size(m);
    d->x = nn_tensor_contiguous(ctx, (NnTensor *)x);
    if (!d->x)
        return nn_status(ctx);
    if (y) {
        d->y = nn_tensor_contiguous(ctx, (NnTensor *)y);
        if (!d->y) {
            data_close(d);
            return nn_status(ctx);
        }
        d->ysz = d->n ? nn_tensor_numel(y) / d->n : 0;
        if ((st = check_targets(ctx, m, d))) {
            data_close(d);
            return st;
        }
    }
    return NN_OK;
}

/* dst[:, c0:c1] (B rows of rowsz) float32 <- columns [c0, c1) of rows
 * idx[start..start+B) (or start.. when idx NULL) of t. */
static void gather_cols(const NnTensor *t, const int64_t *idx, int64_t start, int64_t B,
                        int64_t rowsz, int64_t c0, int64_t c1, float *dst)
{
    const char *base = nn_tensor_data(t);
    size_t es = nn_dtype_size(t->dtype);
    for (int64_t r = 0; r < B; r++) {
        int64_t s = idx ? idx[start + r] : start + r;
        const char *src = base + (size_t)(s * rowsz + c0) * es;
        float *d = dst + r * rowsz + c0;
        int64_t n = c1 - c0;
        switch (t->dtype) {
        case NN_F32: memcpy(d, src, sizeof(float) * (size_t)n); break;
        case NN_F64: for (int64_t j = 0; j < n; j++) d[j] = (float)((const double *)src)[j]; break;
        case NN_I64: for (int64_t j = 0; j < n; j++) d[j] = (float)((const int64_t *)src)[j]; break;
        case NN_I32: for (int64_t j = 0; j < n; j++) d[j] = (float)((const int32_t *)src)[j]; break;
        case NN_U8: for (int64_t j = 0; j < n; j++) d[j] = ((const uint8_t *)src)[j]; break;
        default: for (int64_t j = 0; j < n; j++) d[j] = ((const bool *)src)[j]; break;
        }
    }
}

/* dst (B, rowsz) float32 <- rows idx[start..start+B) (or start.. when idx NULL) of t. */
static void gather(const NnTensor *t, const int64_t *idx, int64_t start, int64_t B,
                   int64_t rowsz, float *dst)
{
    gather_cols(t, idx, start, B, rowsz, 0, rowsz, dst);
}

/* Asks the cache for columns [c0, c1) of rows idx[start..start+B) of t
 * while the current batch trains: a shuffled batch is B rows from anywhere
 * in the training set, so gathering it waits on memory unless its lines
 * were requested early. */
static void prefetch_cols(const NnTensor *t, const int64_t *idx, int64_t start, int64_t B,
                          int64_t rowsz, int64_t c0, int64_t c1)
{
    const char *base = nn_tensor_data(t);
    size_t es = nn_dtype_size(t->dtype);
    for (int64_t r = 0; r < B; r++) {
        const char *row = base + (size_t)idx[start + r] * (size_t)rowsz * es;
        for (size_t off = (size_t)c0 * es; off < (size_t)c1 * es; off += 64)
            __builtin_prefetch(row + off, 0, 1);
    }
}

/* A training batch's inputs: gathered, and the next batch's prefetched, in
 * column blocks over the ctx's threads, block p on thread p: the blocks of
 * the first Dense layer's kernel rows (nn_dense_step.c), so that each
 * thread's share of the batch lands in the cache of the core that reads
 * it.  Small batches of few features are one block. */
#define NN_GATHER_SPLIT_MIN 8192        /* floats in the batch */

typedef struct {
    const NnTensor *t;
    const int64_t *idx;
    int64_t start, B, rowsz, next, nextB;   /* nextB 0: nothing to prefetch */
    float *dst;
    int parts;
} GatherJob;

static void gather_task(void *arg, int64_t lo, int64_t hi)
{
    const GatherJob *j = arg;
    for (int64_t p = lo; p < hi; p++) {
        int64_t c0 = j->rowsz * p / j->parts, c1 = j->rowsz * (p + 1) / j->parts;
        gather_cols(j->t, j->idx, j->start, j->B, j->rowsz, c0, c1, j->dst);
        if (j->nextB)
            prefetch_cols(j->t, j->idx, j->next, j->nextB, j->rowsz, c0, c1);
    }
}

static void gather_batch(NnCtx *ctx, const NnTensor *t, const int64_t *idx, int64_t start,
                         int64_t B, int64_t nextB, int64_t rowsz, float *dst)
{
    int threads = nn_ctx_threads(ctx);
    GatherJob j = { t, idx, start, B, rowsz, start + B, nextB, dst, 1 };
    if (threads > 1 && B * rowsz >= NN_GATHER_SPLIT_MIN && rowsz >= threads) {
        j.parts = threads;
        nn_parallel_parts(ctx, j.parts, gather_task, &j);
    } else {
        gather_task(&j, 0, 1);
    }
}

/* ---------------------------------------------------------------- one batch */

typedef struct {
    double loss_sum, loss_n;
    double msum[NN_MAX_METRICS], mcount[NN_MAX_METRICS];
} Running;

static void running_logs(const NnModel *m, const Running *r, NnLogs *logs, const char *prefix,
                         char (*names)[64])
{
    int n = logs->n;
    for (int i = 0; i <= m->nmetrics && n < NN_MAX_LOGS; i++, n++) {
        if (prefix) {
            snprintf(names[i], 64, "%s%s", prefix, m->lognames[i]);
            logs->names[n] = names[i];
        } else {
            logs->names[n] = m->lognames[i];
        }
        logs->values[n] = i == 0 ? (r->loss_n ? r->loss_sum / r->loss_n : NAN)
                                 : (r->mcount[i - 1] ? r->msum[i - 1] / r->mcount[i - 1] : NAN);
    }
    logs->n = n;
}

static void logit_source(NnModel *m, const float *x, NnLossArgs *a)
{
    NnLayer *L = &m->layers[m->n - 1];
    const float *in = m->n > 1 ? m->layers[m->n - 2].out : x;
    NnActivation act = L->cfg.kind == NN_LAYER_SOFTMAX ? NN_ACT_SOFTMAX : L->cfg.activation;
    bool has_act = L->cfg.kind == NN_LAYER_DENSE || L->cfg.kind == NN_LAYER_CONV2D ||
                   L->cfg.kind == NN_LAYER_ACTIVATION || L->cfg.kind == NN_LAYER_SOFTMAX;
    a->mode = NN_Z_NONE;
    a->z = NULL;
    if (m->nofuse || !has_act || (act != NN_ACT_SOFTMAX && act != NN_ACT_SIGMOID) ||
        nn_softmax_strided(L))
        return;
    a->mode = act == NN_ACT_SOFTMAX ? NN_Z_SOFTMAX : NN_Z_SIGMOID;
    a->z = (L->cfg.kind == NN_LAYER_DENSE || L->cfg.kind == NN_LAYER_CONV2D) ? L->z : in;
}

/* Forward + loss (+ metrics into r) of the B gathered rows. */
static NnStatus forward_loss(NnCtx *ctx, NnModel *m, const Data *d, int64_t B, bool training,
                             bool grad, double *loss, Running *r, bool use_sw)
{
    NnLayer *L = &m->layers[m->n - 1];
    nn_model_forward(ctx, m, m->xb, B, training);
    NnLossArgs a = { 0 };
    a.B = B;
    a.cols = L->out_shape[L->out_ndim - 1];
    a.rows = B * (L->out_size / a.cols);
    a.p = L->out;
    a.y = m->yb;
    a.sw = use_sw ? m->swb : NULL;
    a.grad = grad ? m->dbuf[0] : NULL;
    logit_source(m, m->xb, &a);
    NnStatus st;
    double l = nn_loss_compute(ctx, &m->loss, &a, &st);
    if (st)
        return st;
    l += nn_reg_loss(m);
    L->skip_act_backward = a.grad_is_dz;
    *loss = l;
    if (!isfinite(l))
        return NN_ENAN;
    r->loss_sum += l * (double)B;
    r->loss_n += (double)B;
    for (int i = 0; i < m->nmetrics; i++)
        nn_metric_update(m->resolved[i], &m->metrics[i], &a, d->sparse_y, &r->msum[i],
                         &r->mcount[i]);
    return NN_OK;
}

static NnStatus train_step(NnCtx *ctx, NnModel *m, const Data *d, int64_t B, bool use_sw,
                           Running *r, double *loss)
{
    unsigned fp = nn_flush_denormals_begin();
    NnStatus st = forward_loss(ctx, m, d, B, true, true, loss, r, use_sw);
    if (!st) {
        m->update_early = true;
        backward(ctx, m, B);
        m->update_early = false;
        nn_reg_grad(m);
        nn_optim_step(m);
    }
    nn_flush_denormals_end(fp);
    return st;
}

/* ---------------------------------------------------------------- evaluate / predict */

/* Rows per internal chunk: at least the batch size, up to ~64 MiB of workspace. */
static int64_t chunk_rows(NnModel *m, int64_t batch, int64_t n)
{
    int64_t per = 1;
    for (int i = 0; i < m->n; i++) {
        bool alias;
        per += nn_layer_ws_floats(&m->layers[i], 1, &alias) + m->layers[i].out_size;
    }
    int64_t rows = (16 << 20) / per;
    rows = rows > 1024 ? 1024 : rows;
    rows = rows < batch ? batch : rows - rows % batch;
    return rows > n && n > 0 ? (n < batch ? batch : n) : rows;
}

static NnStatus eval_range(NnCtx *ctx, NnModel *m, const Data *d, int64_t start, int64_t n,
                           int64_t batch, const NnFitCallbacks *cb, Running *r)
{
    int64_t chunk = chunk_rows(m, batch, n);
    NnStatus st = nn_ws_ensure(ctx, m, chunk);
    for (int64_t done = 0; !st && done < n;) {
        int64_t B = n - done < chunk ? n - done : chunk;
        gather(d->x, NULL, start + done, B, d->xsz, m->xb);
        gather(d->y, NULL, start + done, B, d->ysz, m->yb);
        double loss;
        unsigned fp = nn_flush_denormals_begin();
        st = forward_loss(ctx, m, d, B, false, false, &loss, r, false);
        nn_flush_denormals_end(fp);
        if (st == NN_ENAN)
            st = NN_OK;     /* evaluate reports nan as Keras does */
        done += B;
        if (!st && cb && cb->on_batch_end) {
            NnLogs logs = { 0 };
            running_logs(m, r, &logs, NULL, NULL);
            cb->on_batch_end(cb->ud, (done + batch - 1) / batch, &logs);
        }
        if (!st && done < n && nn_interrupted(ctx))
            st = NN_EINTR;
    }
    return st;
}

static NnStatus need_compiled(NnCtx *ctx, const NnModel *m)
{
    if (!m->compiled)
        return nn_error(ctx, NN_EARG, "You must compile your model before training/testing. "
                        "Use `model.compile(optimizer, loss)`.");
    if (m->n == 0)
        return nn_error(ctx, NN_EARG, "the model has no layers");
    return NN_OK;
}

NnStatus nn_evaluate(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                     int64_t batch_size, const NnFitCallbacks *cb, double *out)
{
    Data d;
    NnStatus st = need_compiled(ctx, m);
    if (st || (st = data_open(ctx, m, x, y, &d)))
        return st;
    Running r = { 0 };
    st = eval_range(ctx, m, &d, 0, d.n, batch_size > 0 ? batch_size : 32, cb, &r);
    if (!st) {
        NnLogs logs = { 0 };
        running_logs(m, &r, &logs, NULL, NULL);
        for (int i = 0; i < logs.n; i++)
            out[i] = logs.values[i];
    }
    data_close(&d);
    return st;
}

NnTensor *nn_predict(NnCtx *ctx, NnModel *m, const NnTensor *x, int64_t batch_size,
                     const NnFitCallbacks *cb)
{
    Data d;
    if (m->n == 0) {
        nn_error(ctx, NN_EARG, "the model has no layers");
        return NULL;
    }
    if (data_open(ctx, m, x, NULL, &d))
        return NULL;
    const NnLayer *L = &m->layers[m->n - 1];
    int64_t shape[NN_MAXDIM];
    shape[0] = d.n;
    memcpy(shape + 1, L->out_shape, sizeof(int64_t) * (size_t)L->out_ndim);
    NnTensor *out = nn_tensor_empty(ctx, NN_F32, L->out_ndim + 1, shape);
    int64_t batch = batch_size > 0 ? batch_size : 32, chunk = chunk_rows(m, batch, d.n);
    if (out && nn_ws_ensure(ctx, m, chunk)) {
        nn_tensor_unref(out);
        out = NULL;
    }
    float *o = out ? nn_tensor_data(out) : NULL;
    for (int64_t done = 0; out && done < d.n;) {
        int64_t B = d.n - done < chunk ? d.n - done : chunk;
        gather(d.x, NULL, done, B, d.xsz, m->xb);
        unsigned fp = nn_flush_denormals_begin();
        nn_model_forward(ctx, m, m->xb, B, false);
        nn_flush_denormals_end(fp);
        memcpy(o + done * L->out_size, m->layers[m->n - 1].out,
               sizeof(float) * (size_t)(B * L->out_size));
        done += B;
        if (cb && cb->on_batch_end)
            cb->on_batch_end(cb->ud, (done + batch - 1) / batch, NULL);
        if (done < d.n && nn_interrupted(ctx)) {
            nn_tensor_unref(out);
            out = NULL;
        }
    }
    data_close(&d);
    return out;
}

NnStatus nn_train_on_batch(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                           NnLogs *logs)
{
    Data d;
    NnStatus st = need_compiled(ctx, m);
    if (st || (st = data_open(ctx, m, x, y, &d)))
        return st;
    Running r = { 0 };
    if (d.n > 0 && !(st = nn_ws_ensure(ctx, m, d.n))) {
        gather(d.x, NULL, 0, d.n, d.xsz, m->xb);
        gather(d.y, NULL, 0, d.n, d.ysz, m->yb);
        double loss;
        st = train_step(ctx, m, &d, d.n, false, &r, &loss);
        if (st == NN_ENAN)
            nn_error(ctx, NN_ENAN, "batch 1: loss is %s", isnan(loss) ? "nan" : "inf");
    }
    if (!st && logs) {
        logs->n = 0;
        running_logs(m, &r, logs, NULL, NULL);
    }
    data_close(&d);
    return st;
}

/* Forward + loss + backward on the whole of x without an update (the
 * gradient checks of the unit tests). */
NnStatus nn_model_loss_grad(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                            bool training, double *loss)
{
    Data d;
    NnStatus st = need_compiled(ctx, m);
    if (st || (st = data_open(ctx, m, x, y, &d)))
        return st;
    Running r = { 0 };
    if (!(st = nn_ws_ensure(ctx, m, d.n))) {
        gather(d.x, NULL, 0, d.n, d.xsz, m->xb);
        gather(d.y, NULL, 0, d.n, d.ysz, m->yb);
        st = forward_loss(ctx, m, &d, d.n, training, true, loss, &r, false);
        if (!st) {
            backward(ctx, m, d.n);
            nn_reg_grad(m);
        }
    }
    data_close(&d);
    return st;
}

/* ---------------------------------------------------------------- fit */

void nn_fit_options_init(NnFitOptions *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->batch_size = 32;
    o->shuffle = true;
}

/* ---------------------------------------------------------------- history */

struct NnHistory {
    NnCtx *ctx;
    int nkeys;
    char keys[NN_MAX_LOGS][64];
    double *vals[NN_MAX_LOGS];
    int64_t *epochs;
    int64_t n, cap;
};

NnHistory *nn_history_new(NnCtx *ctx)
{
    NnHistory *h = nn_calloc(ctx, 1, sizeof *h, "history");
    if (h)
        h->ctx = ctx;
    return h;
}

void nn_history_free(NnHistory *h)
{
    if (!h)
        return;
    for (int k = 0; k < h->nkeys; k++)
        nn_free(h->ctx, h->vals[k]);
    nn_free(h->ctx, h->epochs);
    nn_free(h->ctx, h);
}

int nn_history_nkeys(const NnHistory *h) { return h->nkeys; }
const char *nn_history_key(const NnHistory *h, int k) { return h->keys[k]; }
int64_t nn_history_nepochs(const NnHistory *h) { return h->n; }
const double *nn_history_values(const NnHistory *h, int k) { return h->vals[k]; }
const int64_t *nn_history_epochs(const NnHistory *h) { return h->epochs; }

static NnStatus history_grow(NnHistory *h, int64_t cap)
{
    int64_t *e = nn_realloc(h->ctx, h->epochs, sizeof(int64_t) * (size_t)cap, "history");
    if (!e)
        return NN_ENOMEM;
    h->epochs = e;
    for (int k = 0; k < h->nkeys; k++) {
        double *v = nn_realloc(h->ctx, h->vals[k], sizeof(double) * (size_t)cap, "history");
        if (!v)
            return NN_ENOMEM;
        h->vals[k] = v;
    }
    h->cap = cap;
    return NN_OK;
}

static int history_key(NnHistory *h, const char *name)
{
    for (int k = 0; k < h->nkeys; k++)
        if (strcmp(h->keys[k], name) == 0)
            return k;
    if (h->nkeys == NN_MAX_LOGS)
        return -1;
    double *v = nn_alloc(h->ctx, sizeof(double) * (size_t)(h->cap ? h->cap : 1), "history");
    if (!v)
        return -1;
    for (int64_t i = 0; i < h->n; i++)
        v[i] = NAN;
    snprintf(h->keys[h->nkeys], 64, "%s", name);
    h->vals[h->nkeys] = v;
    return h->nkeys++;
}

static NnStatus history_append(NnHistory *h, int64_t epoch, const NnLogs *logs)
{
    if (h->n == h->cap && history_grow(h, h->cap ? 2 * h->cap : 16))
        return NN_ENOMEM;
    for (int k = 0; k < h->nkeys; k++)
        h->vals[k][h->n] = NAN;
    for (int i = 0; i < logs->n; i++) {
        int k = history_key(h, logs->names[i]);
        if (k < 0)
            return nn_error(h->ctx, NN_ENOMEM, "history: too many keys");
        h->vals[k][h->n] = logs->values[i];
    }
    h->epochs[h->n++] = epoch;
    return NN_OK;
}

/* ---------------------------------------------------------------- fit */

typedef struct {
    NnCtx *ctx;
    NnModel *m;
    const NnFitOptions *o;
    const NnFitCallbacks *cb;
    Data d, vd;
    int64_t ntrain, vn, batch;
    bool has_val, val_split;
    float *sw_all;          /* (N) sample weights, or NULL */
    char vnames[NN_MAX_LOGS][64];
} Fit;

static int64_t class_of(const Data *d, int64_t i)
{
    if (d->ysz == 1)
        return (int64_t)nn_tensor_get_f64(d->y, i);
    int64_t b = 0;
    for (int64_t j = 1; j < d->ysz; j++)
        if (nn_tensor_get_f64(d->y, i * d->ysz + j) > nn_tensor_get_f64(d->y, i * d->ysz + b))
            b = j;
    return b;
}

static NnStatus sample_weights(Fit *f)
{
    const NnFitOptions *o = f->o;
    if (!o->class_weight && !o->sample_weight)
        return NN_OK;
    if (o->sample_weight && nn_tensor_numel(o->sample_weight) != f->d.n)
        return nn_error(f->ctx, NN_EDIM, "sample_weight has %lld values for %lld samples",
                        (long long)nn_tensor_numel(o->sample_weight), (long long)f->d.n);
    f->sw_all = nn_alloc(f->ctx, sizeof(float) * (size_t)(f->d.n ? f->d.n : 1), "sample weights");
    if (!f->sw_all)
        return NN_ENOMEM;
    for (int64_t i = 0; i < f->d.n; i++) {
        double w = o->sample_weight ? nn_tensor_get_f64(o->sample_weight, i) : 1.0;
        if (o->class_weight) {
            int64_t c = class_of(&f->d, i);
            w *= c >= 0 && c < o->nclass_weight ? o->class_weight[c] : 1.0;
        }
        f->sw_all[i] = (float)w;
    }
    return NN_OK;
}

static NnStatus fit_open(Fit *f, const NnTensor *x, const NnTensor *y)
{
    const NnFitOptions *o = f->o;
    NnStatus st = data_open(f->ctx, f->m, x, y, &f->d);
    if (st)
        return st;
    f->ntrain = f->d.n;
    if (o->val_x && o->val_y) {
        if ((st = data_open(f->ctx, f->m, o->val_x, o->val_y, &f->vd)))
            return st;
        f->has_val = true;
        f->vn = f->vd.n;
    } else if (o->validation_split > 0) {
        if (o->validation_split >= 1)
            return nn_error(f->ctx, NN_EARG, "`validation_split` must be in [0, 1), got %g",
                            o->validation_split);
        f->ntrain = (int64_t)floor((double)f->d.n * (1.0 - o->validation_split));
        f->vn = f->d.n - f->ntrain;
        f->has_val = f->val_split = f->vn > 0;
    }
    f->batch = o->batch_size > 0 ? o->batch_size : 32;
    if ((st = sample_weights(f)) || (st = nn_ws_ensure(f->ctx, f->m, f->batch)))
        return st;
    if (f->m->nidx < f->ntrain) {
        nn_free(f->ctx, f->m->idx);
        f->m->nidx = 0;
        f->m->idx = nn_alloc(f->ctx, sizeof(int64_t) * (size_t)(f->ntrain + 1), "sample order");
        if (!f->m->idx)
            return NN_ENOMEM;
        f->m->nidx = f->ntrain;
    }
    return NN_OK;
}

static void epoch_order(Fit *f)
{
    int64_t *idx = f->m->idx;
    for (int64_t i = 0; i < f->ntrain; i++)
        idx[i] = i;
    if (!f->o->shuffle)
        return;
    for (int64_t i = f->ntrain - 1; i > 0; i--) {   /* numpy's legacy shuffle */
        int64_t j = (int64_t)nn_rng_interval(f->ctx, (uint64_t)i);
        int64_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

/* One epoch of batches; *stop when a callback asked to stop. */
static NnStatus run_epoch(Fit *f, int64_t epoch, Running *r, bool *stop)
{
    NnModel *m = f->m;
    int64_t steps = (f->ntrain + f->batch - 1) / f->batch;
    epoch_order(f);
    for (int64_t s = 0; s < steps; s++) {
        int64_t start = s * f->batch;
        int64_t B = f->ntrain - start < f->batch ? f->ntrain - start : f->batch;
        int64_t nextB = f->ntrain - start - B < f->batch ? f->ntrain - start - B : f->batch;
        gather_batch(f->ctx, f->d.x, m->idx, start, B, nextB, f->d.xsz, m->xb);
        gather(f->d.y, m->idx, start, B, f->d.ysz, m->yb);
        if (f->sw_all)
            for (int64_t k = 0; k < B; k++)
                m->swb[k] = f->sw_all[m->idx[start + k]];
        double loss = 0;
        NnStatus st = train_step(f->ctx, m, &f->d, B, f->sw_all != NULL, r, &loss);
        if (st == NN_ENAN)
            return nn_error(f->ctx, NN_ENAN, "epoch %lld, batch %lld: loss is %s",
                            (long long)epoch + 1, (long long)s + 1, isnan(loss) ? "nan" : "inf");
        if (st)
            return st;
        if (f->cb && f->cb->on_batch_end) {
            NnLogs logs = { 0 };
            running_logs(m, r, &logs, NULL, NULL);
            if (f->cb->on_batch_end(f->cb->ud, s + 1, &logs)) {
                *stop = true;
                return NN_OK;
            }
        }
        if (nn_interrupted(f->ctx))
            return nn_error(f->ctx, NN_EINTR, "epoch %lld, batch %lld: interrupted",
                            (long long)epoch + 1, (long long)s + 1);
    }
    return NN_OK;
}

static NnStatus end_epoch(Fit *f, int64_t epoch, const Running *r, NnHistory *hist, NnLogs *logs,
                          bool *stop)
{
    NnModel *m = f->m;
    logs->n = 0;
    running_logs(m, r, logs, NULL, NULL);
    if (f->has_val) {
        Running vr = { 0 };
        const Data *vd = f->val_split ? &f->d : &f->vd;
        int64_t vb = f->o->validation_batch_size > 0 ? f->o->validation_batch_size : f->batch;
        NnStatus st = eval_range(f->ctx, m, vd, f->val_split ? f->ntrain : 0, f->vn, vb, NULL, &vr);
        if (st == NN_EINTR)
            return nn_error(f->ctx, NN_EINTR, "epoch %lld: interrupted during validation",
                            (long long)epoch + 1);
        if (st)
            return st;
        running_logs(m, &vr, logs, "val_", f->vnames);
    }
    if (hist && history_append(hist, epoch, logs))
        return NN_ENOMEM;
    if (f->cb && f->cb->on_epoch_end && f->cb->on_epoch_end(f->cb->ud, epoch, logs))
        *stop = true;
    return NN_OK;
}

NnStatus nn_fit(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                const NnFitOptions *o, NnHistory *hist)
{
    Fit f = { .ctx = ctx, .m = m, .o = o, .cb = o->cb };
    NnStatus st = need_compiled(ctx, m);
    if (st || (st = fit_open(&f, x, y)))
        goto done;
    const NnFitCallbacks *cb = f.cb;
    int64_t steps = (f.ntrain + f.batch - 1) / f.batch;
    if (cb && cb->on_train_begin)
        cb->on_train_begin(cb->ud, o->epochs, steps, f.ntrain);
    NnLogs logs = { 0 };
    bool stop = false, any = false;
    for (int64_t e = o->initial_epoch; e < o->epochs && !stop; e++) {
        Running r = { 0 };
        if (cb && cb->on_epoch_begin && cb->on_epoch_begin(cb->ud, e))
            break;
        if ((st = run_epoch(&f, e, &r, &stop)) || (st = end_epoch(&f, e, &r, hist, &logs, &stop)))
            break;
        any = true;
    }
    if (cb && cb->on_train_end)
        cb->on_train_end(cb->ud, any ? &logs : NULL);
done:
    nn_free(ctx, f.sw_all);
    data_close(&f.d);
    data_close(&f.vd);
    return st;
}
