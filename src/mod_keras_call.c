/* mod_keras_call.c - models and layers as functions of tensors: model(x),
 * model(x, training=True), layer(x); their weights as tf.Variables
 * (model.trainable_variables, model.weights, layer.kernel, layer.bias) so
 * custom training loops work:
 *
 *     with tf.GradientTape() as tape:
 *         logits = model(x, training=True)
 *         loss = loss_fn(y, logits)
 *     grads = tape.gradient(loss, model.trainable_variables)
 *     optimizer.apply_gradients(zip(grads, model.trainable_variables))
 *
 * A call under a recording tape is one tape node (autodiff_record_custom)
 * whose VJP runs the model's backward pass on the activations the call
 * saved (lib's NnTrace); loss objects record the same way.
 *
 * Weights: lib keeps them in the model's parameter blocks; the variables
 * are created at first use and hold copies.  Outside fit/evaluate/predict
 * the variables are the newer side: every lib call that reads weights first
 * copies the variables in (keras_weights_use), and every call that changes
 * weights copies them out (keras_weights_changed).  While fit runs (k->busy)
 * the model is the newer side, so callbacks that read variables see the
 * weights of the current step.
 *
 * Also: the functional API for chains of layers (KerasTensor from
 * keras.Input, layer(keras_tensor), keras.Model(inputs, outputs)) and
 * fit/evaluate on a tf.data.Dataset.  Owned by the Keras bindings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"
#include "mod_data.h"
#include "autodiff.h"

/* ---------------------------------------------------------------- variables */

static int nweights_total(const NnModel *m)
{
    int n = 0;
    for (int i = 0; nn_model_is_built(m) && i < nn_model_nlayers(m); i++)
        n += nn_model_layer_nweights(m, i);
    return n;
}

/* Position of weight j of layer i in the variable list. */
static int var_pos(const NnModel *m, int i, int j)
{
    int p = 0;
    for (int q = 0; q < i; q++)
        p += nn_model_layer_nweights(m, q);
    return p + j;
}

static NnTensor *var_tensor(Value v)
{
    VarObj *o = tensor_variable_get(v);
    return o ? o->base.t : NULL;
}

/* Copies the model's weights into the variables' tensors, in place. */
static void pull(KModel *k, bool state_only)
{
    if (k->vars.kind != VAL_OBJ)
        return;
    ObjList *l = as_list(k->vars);
    int p = 0;
    for (int i = 0; i < nn_model_nlayers(k->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++, p++) {
            bool tr;
            nn_model_weight_info(k->m, i, j, &tr, NULL, NULL);
            NnTensor *t = (size_t)p < l->len ? var_tensor(l->items[p]) : NULL;
            if (t && !(state_only && tr))
                memcpy(nn_tensor_data(t), nn_model_weight_data(k->m, i, j),
                       sizeof(float) * (size_t)nn_tensor_numel(t));
        }
}

bool keras_weights_changed(Interp *I, KModel *k)
{
    (void)I;
    pull(k, false);
    return true;
}

void keras_weights_use(Interp *I, KModel *k)
{
    if (k->vars.kind != VAL_OBJ || k->busy)
        return;
    ObjList *l = as_list(k->vars);
    int p = 0;
    for (int i = 0; i < nn_model_nlayers(k->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++, p++) {
            NnTensor *t = (size_t)p < l->len ? var_tensor(l->items[p]) : NULL;
            if (t && t->dtype == NN_F32 && nn_tensor_is_contiguous(t))
                memcpy(nn_model_weight_data(k->m, i, j), nn_tensor_data(t),
                       sizeof(float) * (size_t)nn_tensor_numel(t));
            else if (t)
                nn_model_set_weight(interp_nn(I), k->m, i, j, t);
        }
}

void keras_vars_drop(Interp *I, KModel *k)
{
    keras_weights_use(I, k);
    value_decref(k->vars);
    k->vars = (Value){0};
}

/* The variable list of a built model (created at first use; borrowed). */
static bool model_vars(Interp *I, KModel *k, Value *out)
{
    if (k->vars.kind == VAL_OBJ && (int)as_list(k->vars)->len == nweights_total(k->m)) {
        if (k->busy)
            pull(k, false);
        *out = k->vars;
        return true;
    }
    keras_vars_drop(I, k);
    Value l;
    if (!list_new(I, 0, &l))
        return false;
    for (int i = 0; nn_model_is_built(k->m) && i < nn_model_nlayers(k->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++) {
            bool tr;
            const char *wn = nn_model_weight_info(k->m, i, j, &tr, NULL, NULL);
            char name[160];
            snprintf(name, sizeof name, "%s/%s:0", nn_model_layer_config(k->m, i)->name, wn);
            Value v;
            NnTensor *t = nn_model_get_weight(interp_nn(I), k->m, i, j);
            bool ok = t ? tensor_variable_new(I, t, name, tr, &v) : interp_error_from_nn(I);
            if (ok) {
                ok = list_append(I, l, v);
                value_decref(v);
            }
            if (!ok) {
                value_decref(l);
                return false;
            }
        }
    k->vars = l;
    *out = l;
    return true;
}

static bool in_selection(const KModel *k, int i, int j, int which)
{
    bool tr;
    nn_model_weight_info(k->m, i, j, &tr, NULL, NULL);
    tr = tr && nn_model_layer_config(k->m, i)->trainable;
    return which == 0 || (which == 1 && tr) || (which == 2 && !tr);
}

bool keras_var_list(Interp *I, KModel *k, int layer, int which, Value *out)
{
    Value all;
    if (!list_new(I, 0, out))
        return false;
    if (!k || !nn_model_is_built(k->m))
        return true;
    if (!model_vars(I, k, &all)) {
        value_decref(*out);
        return false;
    }
    /* Keras lists trainable weights first, then the others (layer.weights) */
    for (int pass = which ? which : 1; pass <= (which ? which : 2); pass++)
        for (int i = 0; i < nn_model_nlayers(k->m); i++) {
            if (layer >= 0 && i != layer)
                continue;
            for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++)
                if (in_selection(k, i, j, pass) &&
                    !list_append(I, *out, as_list(all)->items[var_pos(k->m, i, j)])) {
                    value_decref(*out);
                    return false;
                }
        }
    return true;
}

bool keras_var_get(Interp *I, KModel *k, int layer, const char *wname, Value *out, bool *found)
{
    Value all;
    *found = false;
    if (!k || !nn_model_is_built(k->m))
        return true;
    for (int j = 0; j < nn_model_layer_nweights(k->m, layer); j++)
        if (strcmp(nn_model_weight_info(k->m, layer, j, NULL, NULL, NULL), wname) == 0) {
            if (!model_vars(I, k, &all))
                return false;
            *found = true;
            *out = as_list(all)->items[var_pos(k->m, layer, j)];
            value_incref(*out);
            return true;
        }
    return true;
}

/* ---------------------------------------------------------------- calls */

typedef struct {
    Value owner;            /* keeps the model alive (owned) */
    KModel *k;
    NnCtx *ctx;
    NnTrace *tr;
    int nvar;
    int *li, *wj;           /* layer and weight of each variable input */
} CallUd;

static void call_ud_free(void *p)
{
    CallUd *u = p;
    nn_trace_free(u->ctx, u->tr);
    value_decref(u->owner);
    free(u->li);
    free(u->wj);
    free(u);
}

static NnStatus call_vjp(NnCtx *ctx, void *ud, const NnTensor *gout, NnTensor *const *inputs,
                         int n, const NnTensor *output, NnTensor **gin)
{
    (void)output;
    CallUd *u = ud;
    NnModel *m = u->k->m;
    bool want_dx = nn_dtype_is_float(inputs[0]->dtype);
    NnTensor *dx = NULL;
    NnStatus st = nn_model_call_backward(ctx, m, u->tr, gout, want_dx ? &dx : NULL);
    if (st)
        return st;
    gin[0] = dx && dx->dtype != inputs[0]->dtype ? nn_tensor_cast(ctx, dx, inputs[0]->dtype) : dx;
    if (gin[0] != dx)
        nn_tensor_unref(dx);
    for (int v = 1; v < n; v++) {
        int nd;
        int64_t s[NN_MAXDIM];
        nn_model_weight_info(m, u->li[v - 1], u->wj[v - 1], NULL, &nd, s);
        const float *g = nn_model_grad_data(m, u->li[v - 1], u->wj[v - 1]);
        gin[v] = g ? nn_tensor_from_data(ctx, NN_F32, nd, s, g) : NULL;
        if (g && !gin[v]) {
            for (int q = 0; q < v; q++) {
                nn_tensor_unref(gin[q]);
                gin[q] = NULL;
            }
            return nn_status(ctx);
        }
    }
    return NN_OK;
}

/* Records y = model(x) on the active tape: inputs x and the trainable variables. */
static NnTensor *record_call(Interp *I, Value owner, KModel *k, NnTensor *x, NnTensor *y,
                             NnTrace *tr)
{
    Value all;
    CallUd *u = calloc(1, sizeof *u);
    int nw = nweights_total(k->m);
    NnTensor **in = malloc(sizeof *in * (size_t)(nw + 1));
    if (u) {
        u->li = malloc(sizeof(int) * (size_t)(nw + 1));
        u->wj = malloc(sizeof(int) * (size_t)(nw + 1));
    }
    if (!u || !in || !u->li || !u->wj || !model_vars(I, k, &all)) {
        if (u) {
            free(u->li);
            free(u->wj);
        }
        free(u);
        free(in);
        nn_trace_free(interp_nn(I), tr);
        nn_tensor_unref(y);
        if (!interp_error_pending(I))
            interp_error(I, ERR_MEMORY, "out of memory");
        return NULL;
    }
    u->owner = owner;
    value_incref(owner);
    u->k = k;
    u->ctx = interp_nn(I);
    u->tr = tr;
    in[0] = x;
    for (int i = 0; i < nn_model_nlayers(k->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++)
            if (in_selection(k, i, j, 1)) {
                u->li[u->nvar] = i;
                u->wj[u->nvar] = j;
                in[++u->nvar] = var_tensor(as_list(all)->items[var_pos(k->m, i, j)]);
            }
    NnTensor *r = autodiff_record_custom(I, y, "model", in, u->nvar + 1, call_vjp, u, call_ud_free);
    free(in);
    return r;
}

bool keras_model_call(Interp *I, Value owner, KModel *k, NnTensor *x, bool training, Value *out)
{
    NnCtx *ctx = interp_nn(I);
    if (nn_model_nlayers(k->m) == 0)
        return interp_error(I, ERR_VALUE, "The model has no layers: add layers before calling it");
    keras_weights_use(I, k);
    NnTrace *tr = NULL;
    bool rec = autodiff_active > 0;
    NnTensor *y = nn_model_call(ctx, k->m, x, training, rec ? &tr : NULL);
    if (!y)
        return interp_error_from_nn(I);
    if (training)
        pull(k, true);          /* BatchNormalization's moving statistics */
    if (rec && !(y = record_call(I, owner, k, x, y, tr)))
        return interp_error_pending(I) || interp_error_from_nn(I);
    return tensor_value_wrap(I, y, TENSOR_TF, out);
}

/* ---------------------------------------------------------------- loss objects */

typedef struct {
    NnLossConfig c;
    NnTensor *y_true;
    NnCtx *ctx;
} LossUd;

static void loss_ud_free(void *p)
{
    LossUd *u = p;
    nn_tensor_unref(u->y_true);
    free(u);
}

static NnStatus loss_vjp(NnCtx *ctx, void *ud, const NnTensor *gout, NnTensor *const *inputs,
                         int n, const NnTensor *output, NnTensor **gin)
{
    (void)n;
    (void)output;
    LossUd *u = ud;
    double l, s = nn_tensor_get_f64(gout, 0);
    NnTensor *g = NULL;
    NnStatus st = nn_loss_value_grad(ctx, &u->c, u->y_true, inputs[0], &l, &g);
    if (st)
        return st;
    float *p = nn_tensor_data(g);
    for (int64_t i = 0; i < nn_tensor_numel(g); i++)
        p[i] = (float)(p[i] * s);
    gin[0] = g->dtype != inputs[0]->dtype ? nn_tensor_cast(ctx, g, inputs[0]->dtype) : g;
    if (gin[0] != g)
        nn_tensor_unref(g);
    return gin[0] ? NN_OK : nn_status(ctx);
}

bool keras_loss_call(Interp *I, const NnLossConfig *c, NnTensor *yt, NnTensor *yp, Value *out)
{
    NnCtx *ctx = interp_nn(I);
    double r = 0;
    if (nn_loss_value_grad(ctx, c, yt, yp, &r, NULL))
        return interp_error_from_nn(I);
    NnTensor *t = nn_tensor_scalar(ctx, NN_F32, r);
    if (t && autodiff_active) {
        LossUd *u = calloc(1, sizeof *u);
        if (!u) {
            nn_tensor_unref(t);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
        u->c = *c;
        u->y_true = nn_tensor_ref(yt);
        u->ctx = ctx;
        t = autodiff_record_custom(I, t, nn_loss_name(c->kind), &yp, 1, loss_vjp, u, loss_ud_free);
    }
    return tensor_value_wrap(I, t, TENSOR_TF, out);
}

/* ---------------------------------------------------------------- layers called on tensors */

/* A layer called on its own gets a private one-layer model (owned by the
 * layer; the model does not list the layer, so there is no cycle). */
static bool own_model(Interp *I, KLayer *L, Value *owner)
{
    if (L->own.kind == VAL_OBJ) {
        *owner = L->own;
        return true;
    }
    Value mv, name;
    static const char *const kw[] = { "name" };
    if (!str_from_cstr(I, L->cfg.name, &name))
        return false;
    Args a = { 0, NULL, 1, kw, &name };
    bool ok = keras_sequential(I, val_none(), &a, &mv);
    value_decref(name);
    if (!ok)
        return false;
    KModel *k = keras_model_data(mv);
    NnLayerConfig c = L->cfg;
    if (c.kind != NN_LAYER_RESHAPE)
        c.ndim = 0;
    if (nn_model_add(interp_nn(I), k->m, &c)) {
        value_decref(mv);
        return interp_error_from_nn(I);
    }
    L->own = mv;
    *owner = mv;
    return true;
}

/* layer(x) for a layer of a bigger model: a one-layer copy with its weights
 * (forward only: gradients do not reach the bigger model). */
static bool copy_call(Interp *I, KLayer *L, NnTensor *x, bool training, Value *out)
{
    NnCtx *ctx = interp_nn(I);
    NnModel *m = nn_model_new(ctx);
    NnLayerConfig c = *nn_model_layer_config(L->model->m, L->index);
    int nd;
    int64_t s[NN_MAXDIM];
    if (c.kind != NN_LAYER_RESHAPE)
        c.ndim = 0;
    keras_weights_use(I, L->model);
    nn_model_layer_output_shape(L->model->m, L->index - 1, &nd, s);
    NnStatus st = m ? nn_model_add(ctx, m, &c) : nn_status(ctx);
    if (!st)
        st = nn_model_build(ctx, m, x->ndim - 1, x->shape + 1);
    for (int j = 0; !st && j < nn_model_layer_nweights(m, 0); j++) {
        NnTensor *w = nn_model_get_weight(ctx, L->model->m, L->index, j);
        st = w ? nn_model_set_weight(ctx, m, 0, j, w) : nn_status(ctx);
        nn_tensor_unref(w);
    }
    NnTensor *y = st ? NULL : nn_model_call(ctx, m, x, training, NULL);
    nn_model_free(m);
    return tensor_value_wrap(I, y, TENSOR_TF, out);
}

/* Keras's element-wise layers have no input spec: they take any shape, and
 * a new shape on each call. */
static bool elementwise_layer(const KLayer *L)
{
    NnLayerKind k = L->cfg.kind;
    return k == NN_LAYER_ACTIVATION || k == NN_LAYER_SOFTMAX || k == NN_LAYER_RELU ||
           k == NN_LAYER_DROPOUT || k == NN_LAYER_LEAKY_RELU || k == NN_LAYER_ELU;
}

/* The layer belongs to a model other than its private one. */
static bool in_bigger_model(const KLayer *L)
{
    return L->model && (L->own.kind != VAL_OBJ || L->model != keras_model_data(L->own));
}

/* Drops an element-wise layer's private model built for another shape (it
 * holds no weights), so the next own_model() builds one for this shape. */
static void own_model_fit_shape(KLayer *L, const NnTensor *x)
{
    int nd;
    int64_t s[NN_MAXDIM];
    if (L->own.kind != VAL_OBJ || !nn_model_input_shape(keras_model_data(L->own)->m, &nd, s))
        return;
    if (nd == x->ndim - 1 && !memcmp(s, x->shape + 1, sizeof(int64_t) * (size_t)nd))
        return;
    Value old = L->own;
    L->own = val_none();
    L->model = NULL;
    value_decref(old);
}

/* layer(x) on a tensor: through a one-layer copy when the layer belongs to
 * a bigger model, else through its private model (an element-wise layer's
 * rebuilt for a new shape). */
static bool tensor_call(Interp *I, KLayer *L, NnTensor *x, bool training, Value *out)
{
    Value owner;
    if (in_bigger_model(L))
        return copy_call(I, L, x, training, out);
    if (elementwise_layer(L))
        own_model_fit_shape(L, x);
    if (!own_model(I, L, &owner))
        return false;
    L->model = keras_model_data(owner);
    L->index = 0;
    return keras_model_call(I, owner, L->model, x, training, out);
}

/* layer(x) for an element-wise layer on a 0-D or 1-D x: run on (1, n), then
 * give the result x's shape (recorded as reshapes, so gradients pass). */
static bool elementwise_low_rank_call(Interp *I, KLayer *L, NnTensor *x, bool training,
                                      Value *out)
{
    NnCtx *ctx = interp_nn(I);
    int64_t row[2] = { 1, x->ndim ? x->shape[0] : 1 };
    NnTensor *x2 = ad_rec(I, nn_tensor_reshape(ctx, x, 2, row), NN_G_RESHAPE, &x, 1, NULL);
    Value y2v;
    if (!x2)
        return interp_error_from_nn(I);
    bool ok = tensor_call(I, L, x2, training, &y2v);
    nn_tensor_unref(x2);
    if (!ok)
        return false;
    NnTensor *y2 = tensor_value_get(y2v);
    NnTensor *y = ad_rec(I, nn_tensor_reshape(ctx, y2, x->ndim, x->shape), NN_G_RESHAPE, &y2, 1,
                         NULL);
    value_decref(y2v);
    return tensor_value_wrap(I, y, TENSOR_TF, out);
}

static bool training_arg(Interp *I, Value v, bool *out)
{
    *out = false;
    return v.kind == VAL_UNSET || v.kind == VAL_NONE || value_truth(I, v, out);
}

static bool symbolic_call(Interp *I, Value layer, Value sym, Value *out);

bool keras_layer_call(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    KLayer *L = keras_layer_data(self);
    bool training;
    NnTensor *x;
    if (!args_parse(I, L->cfg.name, a, "inputs, training=, mask=", v) ||
        !training_arg(I, v[1], &training))
        return false;
    if (native_obj_is(v[0], &keras_tensor_class))
        return symbolic_call(I, self, v[0], out);
    if (L->cfg.kind == NN_LAYER_INPUT)
        return interp_error(I, ERR_TYPE, "an InputLayer cannot be called on a tensor");
    if (!keras_to_tensor(I, v[0], &x))
        return false;
    bool ok;
    if (elementwise_layer(L) && x->ndim < 2) {
        ok = elementwise_low_rank_call(I, L, x, training, out);
    } else if (x->ndim < 2) {
        char shp[32] = "()";
        if (x->ndim == 1)
            snprintf(shp, sizeof shp, "(%lld,)", (long long)x->shape[0]);
        ok = interp_error(I, ERR_VALUE, "Input 0 of layer \"%s\" is incompatible with the layer: "
                          "expected min_ndim=2, found ndim=%d. Full shape received: %s",
                          L->cfg.name, x->ndim, shp);
    } else {
        ok = tensor_call(I, L, x, training, out);
    }
    nn_tensor_unref(x);
    return ok;
}

/* Gives a layer leaving its private model for a bigger one its weights. */
bool keras_layer_adopt_weights(Interp *I, KLayer *L, KModel *k, int index)
{
    if (L->own.kind != VAL_OBJ || !nn_model_is_built(k->m))
        return true;
    KModel *own = keras_model_data(L->own);
    if (!nn_model_is_built(own->m))
        return true;
    NnCtx *ctx = interp_nn(I);
    keras_weights_use(I, own);
    for (int j = 0; j < nn_model_layer_nweights(own->m, 0); j++) {
        NnTensor *w = nn_model_get_weight(ctx, own->m, 0, j);
        NnStatus st = w ? nn_model_set_weight(ctx, k->m, index, j, w) : nn_status(ctx);
        nn_tensor_unref(w);
        if (st) {
            nn_clear_error(ctx);    /* other shapes in the new model: keep its own weights */
            break;
        }
    }
    return true;
}

/* ---------------------------------------------------------------- the functional API */

/* A symbolic tensor: the output of `layer` applied to `parent` (unset for
 * keras.Input, whose layer is an InputLayer). */
typedef struct {
    Value layer, parent;    /* owned */
    int ndim;               /* feature shape, batch excluded */
    int64_t shape[NN_MAXDIM];
} KSym;

static void ksym_finalize(void *p)
{
    KSym *s = p;
    value_decref(s->layer);
    value_decref(s->parent);
    free(s);
}

static const char *ksym_layer_name(const KSym *s)
{
    KLayer *L = keras_layer_data(s->layer);
    return L ? L->cfg.name : "?";
}

static bool ksym_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    KSym *s = native_obj_data(self, &keras_tensor_class);
    char sh[200];
    nn_shape_none_str(s->ndim, s->shape, sh, sizeof sh);
    sb_printf(sb, "<KerasTensor: shape=%s dtype=float32 (created by layer '%s')>", sh,
              ksym_layer_name(s));
    return true;
}

static bool ksym_str(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    KSym *s = native_obj_data(self, &keras_tensor_class);
    char sh[200];
    const char *ln = ksym_layer_name(s);
    nn_shape_none_str(s->ndim, s->shape, sh, sizeof sh);
    if (s->parent.kind == VAL_OBJ)
        sb_printf(sb, "KerasTensor(type_spec=TensorSpec(shape=%s, dtype=tf.float32, name=None), "
                  "name='%s/%s:0', description=\"created by layer '%s'\")", sh, ln,
                  nn_layer_class_name(keras_layer_data(s->layer)->cfg.kind), ln);
    else
        sb_printf(sb, "KerasTensor(type_spec=TensorSpec(shape=%s, dtype=tf.float32, name='%s'), "
                  "name='%s', description=\"created by layer '%s'\")", sh, ln, ln, ln);
    return true;
}

static bool ksym_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    KSym *s = native_obj_data(self, &keras_tensor_class);
    *found = true;
    if (strcmp(name, "shape") == 0) {
        if (!tuple_new(I, (size_t)s->ndim + 1, out))
            return false;
        as_list(*out)->items[0] = val_none();
        for (int i = 0; i < s->ndim; i++)
            as_list(*out)->items[i + 1] = val_int(s->shape[i]);
        return true;
    }
    if (strcmp(name, "dtype") == 0)
        return tensor_dtype_value(I, NN_F32, DTYPE_TF, out);
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, ksym_layer_name(s), out);
    if (strcmp(name, "ndim") == 0) {
        *out = val_int(s->ndim + 1);
        return true;
    }
    *found = false;
    return true;
}

static const char *const ksym_attrs[] = { "shape", "dtype", "name", "ndim", NULL };

const NativeClass keras_tensor_class = {
    .name = "KerasTensor", .module = "keras.engine.keras_tensor", .finalize = ksym_finalize,
    .getattr = ksym_getattr,
    .repr = ksym_repr, .str = ksym_str, .attrs = ksym_attrs,
    .doc = "A symbolic tensor of the functional API: keras.Input(shape=(784,)) or a layer "
           "called on one.  keras.Model(inputs, outputs) makes a model of the layers between.",
};

static bool ksym_new(Interp *I, Value layer, Value parent, int ndim, const int64_t *shape,
                     Value *out)
{
    KSym *s = calloc(1, sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->layer = layer;
    value_incref(layer);
    s->parent = parent;
    value_incref(parent);
    s->ndim = ndim;
    memcpy(s->shape, shape, sizeof(int64_t) * (size_t)ndim);
    return native_obj_new(I, &keras_tensor_class, s, out);
}

bool keras_input_tensor(Interp *I, Value input_layer, Value *out)
{
    KLayer *L = keras_layer_data(input_layer);
    return ksym_new(I, input_layer, (Value){0}, L->cfg.ndim, L->cfg.shape, out);
}

Value keras_tensor_input_layer(Value v)
{
    KSym *s = native_obj_data(v, &keras_tensor_class);
    return s && s->parent.kind != VAL_OBJ ? s->layer : (Value){0};
}

static bool symbolic_call(Interp *I, Value layer, Value sym, Value *out)
{
    KSym *s = native_obj_data(sym, &keras_tensor_class);
    KLayer *L = keras_layer_data(layer);
    int nd;
    int64_t shape[NN_MAXDIM];
    if (L->cfg.kind == NN_LAYER_INPUT)
        return interp_error(I, ERR_TYPE, "an InputLayer cannot be called on a KerasTensor");
    if (nn_layer_output_shape(interp_nn(I), &L->cfg, s->ndim, s->shape, &nd, shape))
        return interp_error_from_nn(I);
    return ksym_new(I, layer, sym, nd, shape, out);
}

/* The one KerasTensor of a value that may be a list/tuple of one. */
static bool single_sym(Interp *I, const char *what, Value v, KSym **out)
{
    if ((val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) && as_list(v)->len == 1)
        v = as_list(v)->items[0];
    *out = native_obj_data(v, &keras_tensor_class);
    if (*out)
        return true;
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE) || val_is_obj(v, OBJ_DICT))
        return interp_error(I, ERR_VALUE, "Model: nnsh's functional API takes one input and one "
                            "output (a chain of layers); got several %s", what);
    return interp_error(I, ERR_TYPE, "Model: `%s` must be a KerasTensor (from keras.Input or a "
                        "layer called on one), not %s", what, value_type_name(v));
}

/* keras.Model(inputs=, outputs=, name=): the layers from the input to the
 * output, which must form a chain, as a Sequential-equivalent model that
 * shows its InputLayer in summary() as Keras's Functional models do. */
bool keras_functional(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[4], layers, name = {0};
    KSym *in, *outs;
    if (!args_parse(I, "Model", a, "inputs=, outputs=, name=, trainable=", v))
        return false;
    if (v[0].kind == VAL_UNSET && v[1].kind == VAL_UNSET)
        return interp_error(I, ERR_TYPE, "Model(): give inputs= and outputs= (the functional "
                            "API); subclassing keras.Model is not supported by nnsh: use "
                            "Sequential, or the functional API");
    if (!single_sym(I, "inputs", v[0], &in) || !single_sym(I, "outputs", v[1], &outs))
        return false;
    if (in->parent.kind == VAL_OBJ)
        return interp_error(I, ERR_VALUE, "Model: inputs must come from keras.Input()");
    int n = 0;
    for (KSym *s = outs; s != in; s = native_obj_data(s->parent, &keras_tensor_class), n++)
        if (s->parent.kind != VAL_OBJ)
            return interp_error(I, ERR_VALUE, "Graph disconnected: the outputs were not computed "
                                "from these inputs (input '%s')", ksym_layer_name(s));
    if (!list_new(I, (size_t)n + 1, &layers))
        return false;
    bool ok = true;
    for (int i = 0; i <= n; i++)
        ok = ok && list_append(I, layers, val_none());
    KSym *s = outs;
    for (int i = n; ok && i >= 0; i--, s = native_obj_data(s->parent, &keras_tensor_class)) {
        value_incref(s->layer);
        as_list(layers)->items[i] = s->layer;
    }
    if (ok && v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE) {
        name = v[2];
        value_incref(name);
    } else if (ok) {
        char buf[64];
        ok = keras_unique_name(I, "model", buf, sizeof buf) && str_from_cstr(I, buf, &name);
    }
    if (ok) {
        static const char *const kw[] = { "layers", "name" };
        Value kv[2] = { layers, name };
        Args b = { 0, NULL, 2, kw, kv };
        ok = keras_sequential(I, val_none(), &b, out);
    }
    value_decref(layers);
    value_decref(name);
    if (ok) {
        keras_model_data(*out)->functional = true;
        nn_model_set_functional(keras_model_data(*out)->m, true);      /* kept by model.save */
        ((ObjNativeObj *)out->as.o)->cls = &keras_functional_class;   /* type(model): Functional */
    }
    return ok;
}

/* ---------------------------------------------------------------- tf.data input */

/* The x and y tensors of a batched Dataset of (x, y) tuples (y NULL for a
 * dataset of x only), concatenated, and its batch size (the first batch's). */
bool keras_dataset_xy(Interp *I, Value ds, NnTensor **x, NnTensor **y, int64_t *batch)
{
    Value els;
    *x = *y = NULL;
    if (!data_dataset_elements(I, ds, &els))
        return false;
    ObjList *l = as_list(els);
    size_t n = l->len;
    NnTensor **xs = calloc(n ? n : 1, sizeof *xs), **ys = calloc(n ? n : 1, sizeof *ys);
    bool ok = xs && ys ? true : interp_error(I, ERR_MEMORY, "out of memory");
    bool pairs = n && (val_is_obj(l->items[0], OBJ_TUPLE) || val_is_obj(l->items[0], OBJ_LIST));
    for (size_t i = 0; ok && i < n; i++) {
        Value e = l->items[i];
        if (pairs && (!(val_is_obj(e, OBJ_TUPLE) || val_is_obj(e, OBJ_LIST)) || as_list(e)->len < 2))
            ok = interp_error(I, ERR_VALUE, "fit: a Dataset of (x, y) tuples is needed");
        else
            ok = keras_to_tensor(I, pairs ? as_list(e)->items[0] : e, &xs[i]) &&
                 (!pairs || keras_to_tensor(I, as_list(e)->items[1], &ys[i]));
    }
    if (ok && n == 0)
        ok = interp_error(I, ERR_VALUE, "Expected input data to be non-empty.");
    if (ok && xs[0]->ndim == 0)
        ok = interp_error(I, ERR_VALUE, "the Dataset's elements are scalars: batch it first "
                          "(dataset.batch(32))");
    NnCtx *ctx = interp_nn(I);
    if (ok) {
        *batch = xs[0]->shape[0];
        *x = nn_concat(ctx, xs, (int)n, 0, xs[0]->dtype);
        if (*x && pairs)
            *y = nn_concat(ctx, ys, (int)n, 0, ys[0]->dtype);
        if (!*x || (pairs && !*y)) {
            nn_tensor_unref(*x);
            *x = NULL;
            ok = interp_error_from_nn(I);
        }
    }
    for (size_t i = 0; i < n && xs && ys; i++) {
        nn_tensor_unref(xs[i]);
        nn_tensor_unref(ys[i]);
    }
    free(xs);
    free(ys);
    value_decref(els);
    return ok;
}

/* ---------------------------------------------------------------- metric objects */

/* update_state(y_true, y_pred) or, for Mean, update_state(values). */
static bool metric_update(Interp *I, Value self, const Args *a)
{
    double *sum, *count;
    NnMetricConfig *c = keras_metric_state(self, &sum, &count);
    Value v[3];
    NnTensor *yt = NULL, *yp = NULL;
    bool mean = c->kind == NN_METRIC_COUNT;
    if (!args_parse(I, "update_state", a, mean ? "values, sample_weight=" :
                    "y_true, y_pred, sample_weight=", v))
        return false;
    bool ok = tensor_from_value(I, v[0], -1, TENSOR_TF, &yt);
    if (ok && mean) {
        for (int64_t i = 0; i < nn_tensor_numel(yt); i++)
            *sum += nn_tensor_get_f64(yt, i);
        *count += (double)nn_tensor_numel(yt);
    } else if (ok) {
        ok = tensor_from_value(I, v[1], -1, TENSOR_TF, &yp);
        if (ok && nn_metric_eval(interp_nn(I), c, yt, yp, sum, count))
            ok = interp_error_from_nn(I);
    }
    nn_tensor_unref(yt);
    nn_tensor_unref(yp);
    return ok;
}

static bool metric_result(Interp *I, Value self, Value *out)
{
    double *sum, *count;
    keras_metric_state(self, &sum, &count);
    double r = *count > 0 ? *sum / *count : 0.0;
    return tensor_value_wrap(I, nn_tensor_scalar(interp_nn(I), NN_F32, r), TENSOR_TF, out);
}

static bool m_update_state(Interp *I, Value self, const Args *a, Value *out)
{
    if (!metric_update(I, self, a))
        return false;
    *out = val_none();
    return true;
}

static bool m_result(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    return args_parse(I, "result", a, "", none_) && metric_result(I, self, out);
}

static bool m_reset_state(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    double *sum, *count;
    if (!args_parse(I, "reset_state", a, "", none_))
        return false;
    keras_metric_state(self, &sum, &count);
    *sum = *count = 0;
    *out = val_none();
    return true;
}

/* metric(y_true, y_pred): update_state, then the running result. */
bool keras_metric_call(Interp *I, Value self, const Args *a, Value *out)
{
    return metric_update(I, self, a) && metric_result(I, self, out);
}

const NativeDef keras_metric_methods[] = {
    {"update_state", m_update_state, "update_state(y_true, y_pred, sample_weight=None)",
     "Adds a batch to the running value (metrics.Mean: update_state(values)).\n"
     "    acc.update_state(labels, logits)"},
    {"result", m_result, "result()", "The running value as a float32 tf.Tensor."},
    {"reset_state", m_reset_state, "reset_state()", "Forgets the batches seen (each epoch)."},
    {"reset_states", m_reset_state, "reset_states()", "reset_state() under its older name."},
    {NULL, NULL, NULL, NULL},
};
