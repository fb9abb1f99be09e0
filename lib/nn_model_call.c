/* nn_model_call.c - a model called on a tensor outside fit (model(x),
 * layer(x) in custom training loops): the forward pass with its saved
 * activations handed to the caller as a trace, the backward pass of a trace
 * (input and weight gradients), a loss with its gradient, the output shape
 * of one layer config, and the model's name.
 *
 * A trace owns the workspace its forward pass ran in: the model gets a new
 * one for its next pass, so several calls can be differentiated later in
 * any order (an autodiff tape records each call as one node).  Backward
 * swaps the trace's workspace into the model for its duration.  Unlike fit
 * these calls allocate (one workspace per traced call).
 *
 * Part of the model runtime (nn_layer.h internals); depends on nn_train.c's
 * nn_ws_ensure/nn_model_forward and the layer kernels.
 */
#include "nn_layer.h"

#include <stdio.h>
#include <string.h>

/* The workspace fields of a model, as moved between a model and a trace. */
typedef struct {
    float *ws;
    int64_t ws_rows;
    float *xb, *yb, *swb, *dbuf[2], *scratch;
    int64_t *idx;
    int64_t nidx;
} Ws;

typedef struct {
    float *out, *z, *aux, *aux2;
    bool alias, batch_stats;
} LayerWs;

struct NnTrace {
    Ws ws;
    LayerWs *lw;            /* n entries */
    int n;                  /* layers at the forward pass */
    int64_t nparams, B, in_numel;
    bool training;
    int in_ndim;
    int64_t in_shape[NN_MAXDIM];
};

static void ws_take(NnModel *m, Ws *w)
{
    w->ws = m->ws;
    w->ws_rows = m->ws_rows;
    w->xb = m->xb;
    w->yb = m->yb;
    w->swb = m->swb;
    w->dbuf[0] = m->dbuf[0];
    w->dbuf[1] = m->dbuf[1];
    w->scratch = m->scratch;
    w->idx = m->idx;
    w->nidx = m->nidx;
    m->ws = NULL;
    m->ws_rows = 0;
    m->idx = NULL;
    m->nidx = 0;
}

static void ws_give(NnModel *m, const Ws *w)
{
    m->ws = w->ws;
    m->ws_rows = w->ws_rows;
    m->xb = w->xb;
    m->yb = w->yb;
    m->swb = w->swb;
    m->dbuf[0] = w->dbuf[0];
    m->dbuf[1] = w->dbuf[1];
    m->scratch = w->scratch;
    m->idx = w->idx;
    m->nidx = w->nidx;
}

static void layers_save(const NnModel *m, LayerWs *lw)
{
    for (int i = 0; i < m->n; i++) {
        const NnLayer *L = &m->layers[i];
        lw[i] = (LayerWs){ L->out, L->z, L->aux, L->aux2, L->alias, L->batch_stats };
    }
}

static void layers_load(NnModel *m, const LayerWs *lw)
{
    for (int i = 0; i < m->n; i++) {
        NnLayer *L = &m->layers[i];
        L->out = lw[i].out;
        L->z = lw[i].z;
        L->aux = lw[i].aux;
        L->aux2 = lw[i].aux2;
        L->alias = lw[i].alias;
        L->batch_stats = lw[i].batch_stats;
    }
}

void nn_trace_free(NnCtx *ctx, NnTrace *tr)
{
    if (!tr)
        return;
    nn_free(ctx, tr->ws.ws);
    nn_free(ctx, tr->ws.idx);
    nn_free(ctx, tr->lw);
    nn_free(ctx, tr);
}

/* x as float32 rows of the model's feature size; NN_EDIM naming both shapes. */
static NnStatus check_input(NnCtx *ctx, const NnModel *m, const NnTensor *x)
{
    char s1[128], s2[128];
    bool ok = x->ndim == m->in_ndim + 1;
    for (int d = 0; ok && d < m->in_ndim; d++)
        ok = x->shape[d + 1] == m->in_shape[d];
    if (ok)
        return NN_OK;
    nn_shape_none_str(m->in_ndim, m->in_shape, s1, sizeof s1);
    return nn_error(ctx, NN_EDIM, "Input 0 of layer \"%s\" is incompatible with the layer: "
                    "expected shape=%s, found shape=%s", m->n ? m->layers[0].cfg.name : "model",
                    s1, nn_shape_str(x->ndim, x->shape, s2, sizeof s2));
}

/* Runs the forward pass of x (B rows) in the model's current workspace. */
static NnTensor *forward(NnCtx *ctx, NnModel *m, const NnTensor *x, bool training)
{
    int64_t B = x->shape[0];
    NnTensor *xf = nn_tensor_cast(ctx, x, NN_F32);
    if (!xf || nn_ws_ensure(ctx, m, B > 0 ? B : 1)) {
        nn_tensor_unref(xf);
        return NULL;
    }
    memcpy(m->xb, nn_tensor_data(xf), sizeof(float) * (size_t)nn_tensor_numel(xf));
    nn_tensor_unref(xf);
    const NnLayer *L = &m->layers[m->n - 1];
    int64_t shape[NN_MAXDIM];
    shape[0] = B;
    memcpy(shape + 1, L->out_shape, sizeof(int64_t) * (size_t)L->out_ndim);
    NnTensor *out = nn_tensor_empty(ctx, NN_F32, L->out_ndim + 1, shape);
    if (!out)
        return NULL;
    if (B > 0) {
        nn_model_forward(ctx, m, m->xb, B, training);
        memcpy(nn_tensor_data(out), m->layers[m->n - 1].out,
               sizeof(float) * (size_t)(B * L->out_size));
    }
    return out;
}

NnTensor *nn_model_call(NnCtx *ctx, NnModel *m, const NnTensor *x, bool training, NnTrace **trace)
{
    if (trace)
        *trace = NULL;
    if (m->n == 0) {
        nn_error(ctx, NN_EARG, "the model has no layers");
        return NULL;
    }
    if (!m->built && nn_model_build(ctx, m, x->ndim - 1, x->shape + 1))
        return NULL;
    if (check_input(ctx, m, x))
        return NULL;
    if (!trace)
        return forward(ctx, m, x, training);
    NnTrace *tr = nn_calloc(ctx, 1, sizeof *tr, "model call trace");
    LayerWs *saved = nn_calloc(ctx, (size_t)m->n, sizeof *saved, "model call trace");
    if (tr)
        tr->lw = nn_calloc(ctx, (size_t)m->n, sizeof *tr->lw, "model call trace");
    if (!tr || !saved || !tr->lw) {
        nn_free(ctx, saved);
        nn_trace_free(ctx, tr);
        return NULL;
    }
    Ws keep;
    layers_save(m, saved);
    ws_take(m, &keep);                      /* the model's own workspace, for later */
    NnTensor *out = forward(ctx, m, x, training);
    layers_save(m, tr->lw);
    ws_take(m, &tr->ws);                    /* the new one goes with the trace */
    ws_give(m, &keep);
    layers_load(m, saved);
    nn_free(ctx, saved);
    if (!out) {
        nn_trace_free(ctx, tr);
        return NULL;
    }
    tr->n = m->n;
    tr->nparams = m->nparams;
    tr->B = x->shape[0];
    tr->training = training;
    tr->in_ndim = x->ndim;
    memcpy(tr->in_shape, x->shape, sizeof(int64_t) * (size_t)x->ndim);
    *trace = tr;
    return out;
}

/* The backward loop of nn_train.c, down to the input: dy = m->dbuf[0]
 * holds d/d output; returns the buffer holding d/d input (NULL when
 * want_dx is false). */
static const float *backward_all(NnCtx *ctx, NnModel *m, int64_t B, bool training, bool want_dx)
{
    float *dy = m->dbuf[0], *other = m->dbuf[1];
    m->layers[m->n - 1].skip_act_backward = false;
    for (int i = m->n - 1; i >= 0; i--) {
        NnLayer *L = &m->layers[i];
        if (L->alias)
            continue;
        const float *x = i ? m->layers[i - 1].out : m->xb;
        float *dx = i > 0 || want_dx ? other : NULL;
        nn_layer_backward(ctx, m, L, x, dy, dx, B, training);
        other = dy;
        dy = dx;
    }
    return dy;
}

NnStatus nn_model_call_backward(NnCtx *ctx, NnModel *m, NnTrace *tr, const NnTensor *gout,
                                NnTensor **dx)
{
    if (dx)
        *dx = NULL;
    if (tr->n != m->n || tr->nparams != m->nparams || !m->built)
        return nn_error(ctx, NN_EARG, "the model changed between its call and the gradient");
    const NnLayer *last = &m->layers[m->n - 1];
    if (nn_tensor_numel(gout) != tr->B * last->out_size)
        return nn_error(ctx, NN_EDIM, "model gradient: %lld output values, expected %lld",
                        (long long)nn_tensor_numel(gout), (long long)(tr->B * last->out_size));
    NnTensor *g = nn_tensor_cast(ctx, gout, NN_F32), *d = NULL;
    LayerWs *saved = g ? nn_calloc(ctx, (size_t)m->n, sizeof *saved, "model gradient") : NULL;
    if (!saved) {
        nn_tensor_unref(g);
        return nn_status(ctx);
    }
    Ws keep;
    layers_save(m, saved);
    ws_take(m, &keep);
    ws_give(m, &tr->ws);
    layers_load(m, tr->lw);
    if (tr->B > 0) {
        memcpy(m->dbuf[0], nn_tensor_data(g), sizeof(float) * (size_t)nn_tensor_numel(g));
        const float *gx = backward_all(ctx, m, tr->B, tr->training, dx != NULL);
        if (dx && (d = nn_tensor_empty(ctx, NN_F32, tr->in_ndim, tr->in_shape)))
            memcpy(nn_tensor_data(d), gx, sizeof(float) * (size_t)nn_tensor_numel(d));
    } else if (dx) {
        d = nn_tensor_new(ctx, NN_F32, tr->in_ndim, tr->in_shape);
        if (m->grads)
            memset(m->grads, 0, sizeof(float) * (size_t)m->nparams);
    }
    ws_take(m, &tr->ws);
    ws_give(m, &keep);
    layers_load(m, saved);
    nn_free(ctx, saved);
    nn_tensor_unref(g);
    if (dx && !d)
        return nn_status(ctx);
    if (dx)
        *dx = d;
    return NN_OK;
}

const float *nn_model_grad_data(const NnModel *m, int i, int j)
{
    const NnLayer *L = &m->layers[i];
    return L->w[j].trainable ? nn_grad_ptr(m, L, j) : NULL;
}

/* ---------------------------------------------------------------- loss gradient */

NnStatus nn_loss_value_grad(NnCtx *ctx, const NnLossConfig *c, const NnTensor *y_true,
                            const NnTensor *y_pred, double *loss, NnTensor **dpred)
{
    NnTensor *p = nn_tensor_cast(ctx, y_pred, NN_F32);
    NnTensor *y = p ? nn_tensor_cast(ctx, y_true, NN_F32) : NULL;
    NnTensor *g = y && dpred ? nn_tensor_new(ctx, NN_F32, p->ndim, p->shape) : NULL;
    NnStatus st = y && (g || !dpred) ? NN_OK : nn_status(ctx);
    if (!st) {
        NnLossArgs a = { 0 };
        a.cols = p->ndim ? p->shape[p->ndim - 1] : 1;
        a.rows = a.cols ? nn_tensor_numel(p) / a.cols : 0;
        a.B = a.rows;
        a.p = nn_tensor_data(p);
        a.y = nn_tensor_data(y);
        a.grad = g ? nn_tensor_data(g) : NULL;
        int64_t want = nn_loss_is_sparse(c) ? a.rows : nn_tensor_numel(p);
        if (nn_tensor_numel(y) != want || a.rows == 0) {
            char s1[96], s2[96];
            st = nn_error(ctx, NN_EDIM, "%s: y_true of shape %s does not match y_pred of shape %s",
                          nn_loss_name(c->kind),
                          nn_shape_str(y_true->ndim, y_true->shape, s1, sizeof s1),
                          nn_shape_str(y_pred->ndim, y_pred->shape, s2, sizeof s2));
        } else {
            *loss = nn_loss_compute(ctx, c, &a, &st);
        }
    }
    nn_tensor_unref(p);
    nn_tensor_unref(y);
    if (st || !dpred)
        nn_tensor_unref(g);
    else
        *dpred = g;
    return st;
}

/* ---------------------------------------------------------------- shapes, names */

NnStatus nn_layer_output_shape(NnCtx *ctx, const NnLayerConfig *c, int ndim,
                               const int64_t *shape, int *out_ndim, int64_t *out_shape)
{
    NnLayer L;
    memset(&L, 0, sizeof L);
    L.cfg = *c;
    if (c->kind == NN_LAYER_INPUT) {
        *out_ndim = ndim;
        memcpy(out_shape, shape, sizeof(int64_t) * (size_t)ndim);
        return NN_OK;
    }
    NnStatus st = nn_layer_infer(ctx, &L, ndim, shape);
    if (st)
        return st;
    *out_ndim = L.out_ndim;
    memcpy(out_shape, L.out_shape, sizeof(int64_t) * (size_t)L.out_ndim);
    return NN_OK;
}

void nn_model_set_name(NnModel *m, const char *name)
{
    snprintf(m->name, sizeof m->name, "%s", name ? name : "");
}

const char *nn_model_name(const NnModel *m) { return m->name; }

void nn_model_set_functional(NnModel *m, bool functional) { m->functional = functional; }
bool nn_model_is_functional(const NnModel *m) { return m->functional; }
const char *nn_model_input_name(const NnModel *m) { return m->has_input ? m->input_name : ""; }

/* ---------------------------------------------------------------- metric objects */

NnStatus nn_metric_eval(NnCtx *ctx, const NnMetricConfig *c, const NnTensor *y_true,
                        const NnTensor *y_pred, double *sum, double *count)
{
    NnTensor *p = nn_tensor_cast(ctx, y_pred, NN_F32);
    NnTensor *y = p ? nn_tensor_cast(ctx, y_true, NN_F32) : NULL;
    NnStatus st = y ? NN_OK : nn_status(ctx);
    bool sparse = c->kind == NN_METRIC_SPARSE_CATEGORICAL_ACCURACY ||
                  c->kind == NN_METRIC_SPARSE_TOP_K;
    if (!st) {
        NnLossArgs a = { 0 };
        a.cols = p->ndim ? p->shape[p->ndim - 1] : 1;
        a.rows = a.cols ? nn_tensor_numel(p) / a.cols : 0;
        a.B = a.rows;
        a.p = nn_tensor_data(p);
        a.y = nn_tensor_data(y);
        int64_t want = sparse ? a.rows : nn_tensor_numel(p);
        if (nn_tensor_numel(y) != want) {
            char s1[96], s2[96];
            st = nn_error(ctx, NN_EDIM, "metric: y_true of shape %s does not match y_pred of "
                          "shape %s", nn_shape_str(y_true->ndim, y_true->shape, s1, sizeof s1),
                          nn_shape_str(y_pred->ndim, y_pred->shape, s2, sizeof s2));
        } else if (c->kind == NN_METRIC_ACCURACY) {
            for (int64_t i = 0; i < want; i++)
                *sum += a.p[i] == a.y[i];
            *count += (double)want;
        } else {
            nn_metric_update(c->kind, c, &a, sparse, sum, count);
        }
    }
    nn_tensor_unref(p);
    nn_tensor_unref(y);
    return st;
}
