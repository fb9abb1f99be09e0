/* nn_layer.c - the Sequential model: layer configs and names, shape
 * inference, the parameter blocks and the weight views, get/set weights,
 * snapshots.  Kernels live in nn_layer_dense.c, nn_layer_conv.c,
 * nn_layer_pool.c and nn_layer_norm.c; compile and the optimizer in
 * nn_optim.c.
 */
#include "nn_layer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const class_names[NN_LAYER_KIND_COUNT] = {
    "InputLayer", "Dense", "Activation", "Softmax", "ReLU", "Dropout",
    "BatchNormalization", "Flatten", "Reshape", "Conv2D", "MaxPooling2D",
    "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "LeakyReLU", "ELU",
};
static const char *const base_names[NN_LAYER_KIND_COUNT] = {
    "input", "dense", "activation", "softmax", "re_lu", "dropout",
    "batch_normalization", "flatten", "reshape", "conv2d", "max_pooling2d",
    "average_pooling2d", "global_average_pooling2d", "global_max_pooling2d", "leaky_re_lu", "elu",
};

const char *nn_layer_class_name(NnLayerKind k)
{
    return (unsigned)k < NN_LAYER_KIND_COUNT ? class_names[k] : "?";
}

const char *nn_layer_base_name(NnLayerKind k)
{
    return (unsigned)k < NN_LAYER_KIND_COUNT ? base_names[k] : "?";
}

bool nn_layer_kind_from_class(const char *cls, NnLayerKind *out)
{
    for (int k = 0; k < NN_LAYER_KIND_COUNT; k++)
        if (strcmp(cls, class_names[k]) == 0) {
            *out = (NnLayerKind)k;
            return true;
        }
    return false;
}

void nn_layer_config_init(NnLayerConfig *c, NnLayerKind kind)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->trainable = true;
    c->activation = NN_ACT_LINEAR;
    c->act_alpha = kind == NN_LAYER_LEAKY_RELU ? 0.3 : kind == NN_LAYER_ELU ? 1.0 : 0.2;
    c->use_bias = true;
    c->kernel_init.kind = NN_INIT_GLOROT_UNIFORM;
    c->bias_init.kind = NN_INIT_ZEROS;
    bool pool = kind == NN_LAYER_MAXPOOL2D || kind == NN_LAYER_AVGPOOL2D;
    c->kernel[0] = c->kernel[1] = pool ? 2 : 1;
    c->strides[0] = c->strides[1] = pool ? 0 : 1;
    c->momentum = 0.99;
    c->epsilon = 1e-3;
    c->center = c->scale = true;
    c->axis = -1;
    c->max_value = NAN;
}

/* ---------------------------------------------------------------- model */

NnModel *nn_model_new(NnCtx *ctx)
{
    NnModel *m = nn_calloc(ctx, 1, sizeof *m, "model");
    if (m)
        m->ctx = ctx;
    return m;
}

static void free_blocks(NnModel *m)
{
    NnCtx *ctx = m->ctx;
    nn_free(ctx, m->params);
    nn_free(ctx, m->grads);
    nn_free(ctx, m->state);
    for (int i = 0; i < 3; i++)
        nn_free(ctx, m->slots[i]);
    m->params = m->grads = m->state = NULL;
    m->slots[0] = m->slots[1] = m->slots[2] = NULL;
}

static void free_ws(NnModel *m)
{
    nn_free(m->ctx, m->ws);
    nn_free(m->ctx, m->idx);
    nn_free(m->ctx, m->partial);
    m->ws = NULL;
    m->idx = NULL;
    m->partial = NULL;
    m->partial_cap = 0;
    m->ws_rows = 0;
    m->nidx = 0;
}

void nn_model_free(NnModel *m)
{
    if (!m)
        return;
    free_blocks(m);
    free_ws(m);
    nn_free(m->ctx, m->layers);
    nn_free(m->ctx, m);
}

int nn_model_nlayers(const NnModel *m) { return m->n; }
const NnLayerConfig *nn_model_layer_config(const NnModel *m, int i) { return &m->layers[i].cfg; }
bool nn_model_is_built(const NnModel *m) { return m->built; }

bool nn_model_input_shape(const NnModel *m, int *ndim, int64_t *shape)
{
    if (!m->has_input)
        return false;
    *ndim = m->in_ndim;
    memcpy(shape, m->in_shape, sizeof(int64_t) * (size_t)m->in_ndim);
    return true;
}

static bool name_taken(const NnModel *m, const char *name)
{
    if (strcmp(name, m->input_name) == 0)
        return true;
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->layers[i].cfg.name, name) == 0)
            return true;
    return false;
}

static void auto_name(const NnModel *m, NnLayerConfig *c)
{
    const char *base = nn_layer_base_name(c->kind);
    snprintf(c->name, sizeof c->name, "%s", base);
    for (int k = 1; name_taken(m, c->name); k++)
        snprintf(c->name, sizeof c->name, "%s_%d", base, k);
}

static NnStatus check_config(NnCtx *ctx, const NnLayerConfig *c)
{
    switch (c->kind) {
    case NN_LAYER_DENSE:
        if (c->units <= 0)
            return nn_error(ctx, NN_EARG, "Dense: units must be a positive integer, got %lld",
                            (long long)c->units);
        break;
    case NN_LAYER_CONV2D:
        if (c->units <= 0)
            return nn_error(ctx, NN_EARG, "Conv2D: filters must be a positive integer, got %lld",
                            (long long)c->units);
        /* fall through */
    case NN_LAYER_MAXPOOL2D:
    case NN_LAYER_AVGPOOL2D:
        if (c->kernel[0] <= 0 || c->kernel[1] <= 0 || c->strides[0] < 0 || c->strides[1] < 0)
            return nn_error(ctx, NN_EARG, "%s: kernel size and strides must be positive",
                            nn_layer_class_name(c->kind));
        break;
    case NN_LAYER_DROPOUT:
        if (!(c->rate >= 0 && c->rate < 1))
            return nn_error(ctx, NN_EARG, "Dropout: rate must be in [0, 1), got %g", c->rate);
        break;
    case NN_LAYER_SOFTMAX:
        if (c->axis == 0 || c->axis < -NN_MAXDIM || c->axis >= NN_MAXDIM)
            return nn_error(ctx, NN_EARG, "Softmax: axis %d is not a feature axis", c->axis);
        break;
    default:
        if ((unsigned)c->kind >= NN_LAYER_KIND_COUNT)
            return nn_error(ctx, NN_EARG, "unknown layer kind %d", (int)c->kind);
    }
    if (c->ndim < 0 || c->ndim > NN_MAXDIM - 1)
        return nn_error(ctx, NN_EARG, "%s: shape has %d dimensions", nn_layer_class_name(c->kind),
                        c->ndim);
    return NN_OK;
}

static NnStatus add_input(NnCtx *ctx, NnModel *m, const NnLayerConfig *c)
{
    if (m->n > 0 || m->has_input)
        return nn_error(ctx, NN_EARG, "an Input layer must come first in a Sequential model");
    for (int d = 0; d < c->ndim; d++)
        if (c->shape[d] <= 0)
            return nn_error(ctx, NN_EARG, "Input: shape dimensions must be positive");
    m->has_input = true;
    m->in_ndim = c->ndim;
    memcpy(m->in_shape, c->shape, sizeof(int64_t) * (size_t)c->ndim);
    snprintf(m->input_name, sizeof m->input_name, "%s", c->name[0] ? c->name : "input_1");
    return NN_OK;
}

static NnStatus build_layers(NnCtx *ctx, NnModel *m, int from);

NnStatus nn_model_add(NnCtx *ctx, NnModel *m, const NnLayerConfig *c)
{
    NnStatus st = check_config(ctx, c);
    if (st)
        return st;
    if (c->kind == NN_LAYER_INPUT)
        return add_input(ctx, m, c);
    if (c->name[0] && name_taken(m, c->name))
        return nn_error(ctx, NN_EARG, "All layers added to a Sequential model should have "
                        "unique names. Name \"%s\" is already the name of a layer in this model. "
                        "Update the `name` argument to pass a unique name.", c->name);
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 8;
        NnLayer *l = nn_realloc(ctx, m->layers, sizeof(NnLayer) * (size_t)cap, "layers");
        if (!l)
            return NN_ENOMEM;
        m->layers = l;
        m->cap = cap;
    }
    NnLayer *L = &m->layers[m->n];
    memset(L, 0, sizeof *L);
    L->cfg = *c;
    if (!c->name[0])
        auto_name(m, &L->cfg);
    if (m->n == 0 && !m->has_input && c->ndim > 0 && c->kind != NN_LAYER_RESHAPE) {
        m->has_input = true;
        m->in_ndim = c->ndim;
        memcpy(m->in_shape, c->shape, sizeof(int64_t) * (size_t)c->ndim);
    }
    m->n++;
    if (m->built) {
        st = build_layers(ctx, m, m->n - 1);
        if (st)
            m->n--;
        return st;
    }
    return NN_OK;
}

NnStatus nn_model_pop(NnCtx *ctx, NnModel *m)
{
    if (m->n == 0)
        return nn_error(ctx, NN_EARG, "There are no layers in the model.");
    m->n--;
    if (m->built) {
        /* The blocks keep the popped layer's space at their end; rebuild the
         * views is unnecessary: earlier offsets are unchanged. */
        NnLayer *L = &m->layers[m->n];
        for (int j = 0; j < L->nw; j++) {
            if (L->w[j].trainable)
                m->nparams -= L->w[j].numel;
            else
                m->nstate -= L->w[j].numel;
        }
        free_ws(m);
        if (m->n == 0)
            m->built = false;
    }
    return NN_OK;
}

/* ---------------------------------------------------------------- shapes */

static int64_t shape_numel(int ndim, const int64_t *s)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= s[d];
    return n;
}

static int64_t conv_out(int64_t in, int64_t k, int64_t s, bool same)
{
    if (same)
        return (in + s - 1) / s;
    return in < k ? 0 : (in - k) / s + 1;     /* no window fits: none (C division truncates) */
}

static NnStatus infer_spatial(NnCtx *ctx, NnLayer *L)
{
    const NnLayerConfig *c = &L->cfg;
    if (L->in_ndim != 3) {      /* Keras's InputSpec: Conv2D min_ndim=4, pooling ndim=4 */
        char a[96];
        return nn_error(ctx, NN_EDIM, "Input 0 of layer \"%s\" is incompatible with the layer: "
                        "expected %sndim=4, found ndim=%d. Full shape received: %s", c->name,
                        c->kind == NN_LAYER_CONV2D ? "min_" : "", L->in_ndim + 1,
                        nn_shape_none_str(L->in_ndim, L->in_shape, a, sizeof a));
    }
    int64_t kh = c->kernel[0], kw = c->kernel[1];
    int64_t sh = c->strides[0] ? c->strides[0] : kh, sw = c->strides[1] ? c->strides[1] : kw;
    L->ih = L->in_shape[0];
    L->iw = L->in_shape[1];
    L->ic = L->in_shape[2];
    L->oh = conv_out(L->ih, kh, sh, c->same_padding);
    L->ow = conv_out(L->iw, kw, sw, c->same_padding);
    if (L->oh <= 0 || L->ow <= 0)
        return nn_error(ctx, NN_EDIM, "%s \"%s\": kernel %lldx%lld does not fit input %lldx%lld",
                        nn_layer_class_name(c->kind), c->name, (long long)kh, (long long)kw,
                        (long long)L->ih, (long long)L->iw);
    int64_t ph = (L->oh - 1) * sh + kh - L->ih, pw = (L->ow - 1) * sw + kw - L->iw;
    L->pad_t = c->same_padding && ph > 0 ? ph / 2 : 0;
    L->pad_l = c->same_padding && pw > 0 ? pw / 2 : 0;
    L->oc = c->kind == NN_LAYER_CONV2D ? c->units : L->ic;
    L->out_ndim = 3;
    L->out_shape[0] = L->oh;
    L->out_shape[1] = L->ow;
    L->out_shape[2] = L->oc;
    return NN_OK;
}

/* GlobalAveragePooling2D / GlobalMaxPooling2D: (H, W, C) -> (C) or (1, 1, C). */
static NnStatus infer_global(NnCtx *ctx, NnLayer *L)
{
    if (L->in_ndim != 3) {
        char a[96];
        return nn_error(ctx, NN_EDIM, "Input 0 of layer \"%s\" is incompatible with the layer: "
                        "expected ndim=4, found ndim=%d. Full shape received: %s", L->cfg.name,
                        L->in_ndim + 1, nn_shape_none_str(L->in_ndim, L->in_shape, a, sizeof a));
    }
    L->ih = L->in_shape[0];
    L->iw = L->in_shape[1];
    L->ic = L->oc = L->in_shape[2];
    L->oh = L->ow = 1;
    L->pad_t = L->pad_l = 0;
    L->out_ndim = L->cfg.keepdims ? 3 : 1;
    L->out_shape[0] = L->out_shape[1] = 1;
    L->out_shape[L->out_ndim - 1] = L->ic;
    return NN_OK;
}

static NnStatus infer_reshape(NnCtx *ctx, NnLayer *L)
{
    const NnLayerConfig *c = &L->cfg;
    int64_t known = 1;
    int unknown = -1;
    for (int d = 0; d < c->ndim; d++) {
        if (c->shape[d] == -1 && unknown < 0)
            unknown = d;
        else if (c->shape[d] <= 0)
            return nn_error(ctx, NN_EARG, "Reshape: bad target shape dimension %lld",
                            (long long)c->shape[d]);
        else
            known *= c->shape[d];
    }
    L->out_ndim = c->ndim;
    memcpy(L->out_shape, c->shape, sizeof(int64_t) * (size_t)c->ndim);
    if (unknown >= 0 && known > 0 && L->in_size % known == 0)
        L->out_shape[unknown] = L->in_size / known;
    if (shape_numel(L->out_ndim, L->out_shape) != L->in_size) {
        char a[96], b[96];
        return nn_error(ctx, NN_EDIM, "Reshape \"%s\": total size of new array must be unchanged, "
                        "input_shape = %s, output_shape = %s", c->name,
                        nn_shape_str(L->in_ndim, L->in_shape, a, sizeof a),
                        nn_shape_str(c->ndim, c->shape, b, sizeof b));
    }
    return NN_OK;
}

/* Output shape of L for inputs of feature shape `shape`. */
NnStatus nn_layer_infer(NnCtx *ctx, NnLayer *L, int ndim, const int64_t *shape)
{
    const NnLayerConfig *c = &L->cfg;
    L->in_ndim = ndim;
    memcpy(L->in_shape, shape, sizeof(int64_t) * (size_t)ndim);
    L->in_size = shape_numel(ndim, shape);
    L->out_ndim = ndim;
    memcpy(L->out_shape, shape, sizeof(int64_t) * (size_t)ndim);
    NnStatus st = NN_OK;
    switch (c->kind) {
    case NN_LAYER_DENSE:
        if (ndim < 1)
            return nn_error(ctx, NN_EDIM, "Input 0 of layer \"%s\" is incompatible with the "
                            "layer: expected min_ndim=2, found ndim=1", c->name);
        L->out_shape[ndim - 1] = c->units;
        break;
    case NN_LAYER_FLATTEN:
        L->out_ndim = 1;
        L->out_shape[0] = L->in_size;
        break;
    case NN_LAYER_RESHAPE:
        st = infer_reshape(ctx, L);
        break;
    case NN_LAYER_CONV2D:
    case NN_LAYER_MAXPOOL2D:
    case NN_LAYER_AVGPOOL2D:
        st = infer_spatial(ctx, L);
        break;
    case NN_LAYER_GLOBAL_AVGPOOL2D:
    case NN_LAYER_GLOBAL_MAXPOOL2D:
        st = infer_global(ctx, L);
        break;
    case NN_LAYER_BATCHNORM:
    case NN_LAYER_SOFTMAX:
        if (ndim < 1)
            return nn_error(ctx, NN_EDIM, "layer \"%s\" needs a feature axis", c->name);
        if (c->kind == NN_LAYER_SOFTMAX && !nn_softmax_axis_valid(c, ndim))
            return nn_error(ctx, NN_EDIM, "Softmax layer \"%s\": axis %d is out of range for "
                            "inputs of rank %d", c->name, c->axis, ndim + 1);
        break;
    default:
        break;
    }
    if (st)
        return st;
    L->out_size = shape_numel(L->out_ndim, L->out_shape);
    return NN_OK;
}

static void add_weight(NnLayer *L, const char *name, bool trainable, int ndim, const int64_t *s)
{
    NnWeight *w = &L->w[L->nw++];
    snprintf(w->name, sizeof w->name, "%s", name);
    w->trainable = trainable;
    w->ndim = ndim;
    memcpy(w->shape, s, sizeof(int64_t) * (size_t)ndim);
    w->numel = shape_numel(ndim, s);
}

/* Declares L's weights (names, shapes, block membership; offsets later). */
void nn_layer_weights_layout(NnLayer *L)
{
    const NnLayerConfig *c = &L->cfg;
    int64_t s[4];
    L->nw = 0;
    if (c->kind == NN_LAYER_DENSE) {
        s[0] = L->in_shape[L->in_ndim - 1];
        s[1] = c->units;
        add_weight(L, "kernel", true, 2, s);
        if (c->use_bias)
            add_weight(L, "bias", true, 1, &s[1]);
    } else if (c->kind == NN_LAYER_CONV2D) {
        s[0] = c->kernel[0];
        s[1] = c->kernel[1];
        s[2] = L->ic;
        s[3] = c->units;
        add_weight(L, "kernel", true, 4, s);
        if (c->use_bias)
            add_weight(L, "bias", true, 1, &s[3]);
    } else if (c->kind == NN_LAYER_BATCHNORM) {
        s[0] = L->in_shape[L->in_ndim - 1];
        if (c->scale)
            add_weight(L, "gamma", true, 1, s);
        if (c->center)
            add_weight(L, "beta", true, 1, s);
        add_weight(L, "moving_mean", false, 1, s);
        add_weight(L, "moving_variance", false, 1, s);
    }
}

float *nn_weight_ptr(const NnModel *m, const NnLayer *L, int j)
{
    const NnWeight *w = &L->w[j];
    return (w->trainable ? m->params : m->state) + w->offset;
}

float *nn_grad_ptr(const NnModel *m, const NnLayer *L, int j)
{
    return m->grads + L->w[j].offset;
}

static void fans(const NnLayer *L, double *fan_in, double *fan_out)
{
    const NnWeight *k = &L->w[0];
    if (k->ndim == 4) {
        double rf = (double)(k->shape[0] * k->shape[1]);
        *fan_in = rf * (double)k->shape[2];
        *fan_out = rf * (double)k->shape[3];
    } else {
        *fan_in = (double)k->shape[0];
        *fan_out = (double)k->shape[1];
    }
}

static void init_layer(NnCtx *ctx, NnModel *m, NnLayer *L)
{
    double fi = 1, fo = 1;
    if (L->cfg.kind == NN_LAYER_DENSE || L->cfg.kind == NN_LAYER_CONV2D)
        fans(L, &fi, &fo);
    for (int j = 0; j < L->nw; j++) {
        NnWeight *w = &L->w[j];
        float *p = nn_weight_ptr(m, L, j);
        NnInit one = { NN_INIT_ONES, 0, 0 }, zero = { NN_INIT_ZEROS, 0, 0 };
        const NnInit *init = &zero;
        if (strcmp(w->name, "kernel") == 0)
            init = &L->cfg.kernel_init;
        else if (strcmp(w->name, "bias") == 0)
            init = &L->cfg.bias_init;
        else if (strcmp(w->name, "gamma") == 0 || strcmp(w->name, "moving_variance") == 0)
            init = &one;
        nn_init_fill(ctx, init, p, w->numel, fi, fo);
    }
}

/* Grows a block to n floats, keeping its contents. */
static NnStatus grow(NnCtx *ctx, float **p, int64_t n, const char *what)
{
    float *q = nn_realloc(ctx, *p, sizeof(float) * (size_t)(n > 0 ? n : 1), what);
    if (!q)
        return NN_ENOMEM;
    *p = q;
    return NN_OK;
}

/* Shapes, offsets and initial weights of layers [from, n). */
static NnStatus build_layers(NnCtx *ctx, NnModel *m, int from)
{
    int ndim = m->in_ndim;
    const int64_t *shape = m->in_shape;
    if (from > 0) {
        ndim = m->layers[from - 1].out_ndim;
        shape = m->layers[from - 1].out_shape;
    }
    int64_t np = m->nparams, ns = m->nstate;
    for (int i = from; i < m->n; i++) {
        NnLayer *L = &m->layers[i];
        NnStatus st = nn_layer_infer(ctx, L, ndim, shape);
        if (st)
            return st;
        nn_layer_weights_layout(L);
        for (int j = 0; j < L->nw; j++) {
            int64_t *n = L->w[j].trainable ? &np : &ns;
            L->w[j].offset = *n;
            *n += L->w[j].numel;
        }
        ndim = L->out_ndim;
        shape = L->out_shape;
    }
    if (grow(ctx, &m->params, np, "parameters") || grow(ctx, &m->grads, np, "gradients") ||
        grow(ctx, &m->state, ns, "non-trainable weights"))
        return NN_ENOMEM;
    m->nparams = np;
    m->nstate = ns;
    for (int i = from; i < m->n; i++)
        init_layer(ctx, m, &m->layers[i]);
    free_ws(m);
    m->built = true;
    if (m->compiled)
        return nn_optim_alloc(ctx, m);
    return NN_OK;
}

/* "(None, 28, 28)" for a feature shape (28, 28): the batch axis as Keras shows it. */
char *nn_shape_none_str(int ndim, const int64_t *shape, char *buf, size_t size)
{
    size_t off = (size_t)snprintf(buf, size, "(None");
    for (int d = 0; d < ndim && off < size; d++)
        off += (size_t)snprintf(buf + off, size - off, ", %lld", (long long)shape[d]);
    if (off < size)
        snprintf(buf + off, size - off, ")");
    return buf;
}

NnStatus nn_model_build(NnCtx *ctx, NnModel *m, int ndim, const int64_t *shape)
{
    char a[96], b[96];
    if (m->built || m->has_input) {
        if (ndim != m->in_ndim || memcmp(shape, m->in_shape, sizeof(int64_t) * (size_t)ndim)) {
            nn_shape_none_str(m->in_ndim, m->in_shape, a, sizeof a);
            nn_shape_none_str(ndim, shape, b, sizeof b);
            return nn_error(ctx, NN_EDIM, "Input 0 of layer \"%s\" is incompatible with the layer: "
                            "expected shape=%s, found shape=%s",
                            m->n ? m->layers[0].cfg.name : "sequential", a, b);
        }
        if (m->built)
            return NN_OK;
    }
    if (ndim < 1 || ndim >= NN_MAXDIM)
        return nn_error(ctx, NN_EDIM, "the model needs inputs with a batch and a feature axis");
    if (m->n == 0)
        return nn_error(ctx, NN_EARG, "the model has no layers to build");
    m->has_input = true;
    m->in_ndim = ndim;
    memcpy(m->in_shape, shape, sizeof(int64_t) * (size_t)ndim);
    m->nparams = m->nstate = 0;
    NnStatus st = build_layers(ctx, m, 0);
    if (st) {
        m->built = false;
        m->nparams = m->nstate = 0;
    }
    return st;
}

void nn_model_layer_output_shape(const NnModel *m, int i, int *ndim, int64_t *shape)
{
    const NnLayer *L = &m->layers[i];
    *ndim = L->out_ndim;
    memcpy(shape, L->out_shape, sizeof(int64_t) * (size_t)L->out_ndim);
}

int64_t nn_model_layer_count_params(const NnModel *m, int i)
{
    int64_t n = 0;
    for (int j = 0; j < m->layers[i].nw; j++)
        n += m->layers[i].w[j].numel;
    return n;
}

int64_t nn_model_count_params(const NnModel *m)
{
    return m->built ? m->nparams + m->nstate : 0;
}

int64_t nn_model_trainable_params(const NnModel *m)
{
    int64_t n = 0;
    for (int i = 0; i < m->n; i++)
        if (m->layers[i].cfg.trainable)
            for (int j = 0; j < m->layers[i].nw; j++)
                n += m->layers[i].w[j].trainable ? m->layers[i].w[j].numel : 0;
    return n;
}

/* ---------------------------------------------------------------- weights */

int nn_model_layer_nweights(const NnModel *m, int i) { return m->layers[i].nw; }

const char *nn_model_weight_info(const NnModel *m, int i, int j, bool *trainable, int *ndim,
                                 int64_t *shape)
{
    const NnWeight *w = &m->layers[i].w[j];
    if (trainable)
        *trainable = w->trainable && m->layers[i].cfg.trainable;
    if (ndim)
        *ndim = w->ndim;
    if (shape)
        memcpy(shape, w->shape, sizeof(int64_t) * (size_t)w->ndim);
    return w->name;
}

float *nn_model_weight_data(const NnModel *m, int i, int j)
{
    return nn_weight_ptr(m, &m->layers[i], j);
}

NnTensor *nn_model_get_weight(NnCtx *ctx, const NnModel *m, int i, int j)
{
    const NnWeight *w = &m->layers[i].w[j];
    return nn_tensor_from_data(ctx, NN_F32, w->ndim, w->shape, nn_model_weight_data(m, i, j));
}

NnStatus nn_model_set_weight(NnCtx *ctx, NnModel *m, int i, int j, const NnTensor *t)
{
    const NnWeight *w = &m->layers[i].w[j];
    if (t->ndim != w->ndim || memcmp(t->shape, w->shape, sizeof(int64_t) * (size_t)w->ndim)) {
        char a[96], b[96];
        return nn_error(ctx, NN_EDIM, "Layer %s weight shape %s is not compatible with provided "
                        "weight shape %s", m->layers[i].cfg.name,
                        nn_shape_str(w->ndim, w->shape, a, sizeof a),
                        nn_shape_str(t->ndim, t->shape, b, sizeof b));
    }
    float *dst = nn_model_weight_data(m, i, j);
    if (t->dtype == NN_F32 && nn_tensor_is_contiguous(t)) {
        memcpy(dst, nn_tensor_data(t), sizeof(float) * (size_t)w->numel);
        return NN_OK;
    }
    for (int64_t k = 0; k < w->numel; k++)
        dst[k] = (float)nn_tensor_get_f64(t, k);
    return NN_OK;
}

/* ---------------------------------------------------------------- snapshots */

struct NnSnapshot {
    int64_t np, ns;
    float *p, *s;
};

NnSnapshot *nn_model_snapshot(NnCtx *ctx, const NnModel *m)
{
    NnSnapshot *s = nn_calloc(ctx, 1, sizeof *s, "snapshot");
    if (!s)
        return NULL;
    s->np = m->nparams;
    s->ns = m->nstate;
    s->p = nn_alloc(ctx, sizeof(float) * (size_t)(s->np + 1), "snapshot");
    s->s = nn_alloc(ctx, sizeof(float) * (size_t)(s->ns + 1), "snapshot");
    if (!s->p || !s->s) {
        nn_snapshot_free(ctx, s);
        return NULL;
    }
    if (s->np)
        memcpy(s->p, m->params, sizeof(float) * (size_t)s->np);
    if (s->ns)
        memcpy(s->s, m->state, sizeof(float) * (size_t)s->ns);
    return s;
}

NnStatus nn_model_restore(NnCtx *ctx, NnModel *m, const NnSnapshot *s)
{
    if (s->np != m->nparams || s->ns != m->nstate)
        return nn_error(ctx, NN_EARG, "the snapshot does not match the model's weights");
    if (s->np)
        memcpy(m->params, s->p, sizeof(float) * (size_t)s->np);
    if (s->ns)
        memcpy(m->state, s->s, sizeof(float) * (size_t)s->ns);
    return NN_OK;
}

void nn_snapshot_free(NnCtx *ctx, NnSnapshot *s)
{
    if (!s)
        return;
    nn_free(ctx, s->p);
    nn_free(ctx, s->s);
    nn_free(ctx, s);
}

bool nn_act_needs_z(NnActivation a)
{
    return a == NN_ACT_SOFTMAX || a == NN_ACT_SIGMOID || a == NN_ACT_SOFTSIGN ||
           a == NN_ACT_SWISH || a == NN_ACT_GELU || a == NN_ACT_SELU || a == NN_ACT_ELU ||
           a == NN_ACT_SOFTPLUS;
}

/* Per-layer workspace floats for `rows` rows; *alias when the output is the input. */
int64_t nn_layer_ws_floats(const NnLayer *L, int64_t rows, bool *alias)
{
    const NnLayerConfig *c = &L->cfg;
    *alias = c->kind == NN_LAYER_FLATTEN || c->kind == NN_LAYER_RESHAPE ||
             (c->kind == NN_LAYER_DROPOUT && c->rate == 0);
    if (*alias)
        return 0;
    int64_t n = rows * L->out_size;
    bool hasact = c->kind == NN_LAYER_DENSE || c->kind == NN_LAYER_CONV2D;
    if (hasact && c->activation != NN_ACT_LINEAR && nn_act_needs_z(c->activation))
        n += rows * L->out_size;
    if (c->kind == NN_LAYER_DROPOUT || c->kind == NN_LAYER_BATCHNORM)
        n += rows * L->in_size;
    if (c->kind == NN_LAYER_BATCHNORM)
        n += 2 * L->in_shape[L->in_ndim - 1];
    if (c->kind == NN_LAYER_CONV2D)
        n += rows * L->oh * L->ow * c->kernel[0] * c->kernel[1] * L->ic;
    if (c->kind == NN_LAYER_MAXPOOL2D)
        n += rows * L->out_size;
    return n;
}
