/* mod_keras_generic.c - the generic training loop of fit / evaluate /
 * predict, as Keras's Model.train_step runs it:
 *
 *     with tf.GradientTape() as tape:
 *         y_pred = model(x_batch, training=True)      # the user's call()
 *         loss = loss_fn(y_batch, y_pred) + sum(regularization losses)
 *     grads = tape.gradient(loss, model.trainable_variables)
 *     optimizer.apply_gradients(zip(grads, model.trainable_variables))
 *
 * It trains subclassed keras.Model instances, and Sequential / Functional
 * models compiled with a loss or metric lib's nn_fit lacks (a keras.losses
 * function such as log_cosh, a user function def my_loss(y_true, y_pred)).
 * Both are chosen at compile; nothing is printed about it.
 *
 * Semantics as tf.keras 2.12: numpy float inputs become float32; a loss
 * function's per-sample values are reduced by their mean (the
 * sum-over-batch-size reduction); y_pred is squeezed when it has one axis
 * more than y_true and that axis has size 1; the loss is reported as the
 * running mean of batch losses weighted by batch size, a function metric as
 * the running mean of all its values (MeanMetricWrapper); 'accuracy'
 * resolves to binary / sparse categorical / categorical accuracy from the
 * shapes.  Progress, callbacks and History are fit's own (the hooks of
 * mod_keras_fit.c), Ctrl-C stops after the batch and a non-finite loss stops
 * before its update, with nn_fit's messages.
 *
 * The compile settings are a native object (Keras's model.compiled_loss):
 * KModel.gen of a Sequential model, the compiled_loss attribute of a
 * subclassed one.  Owned by the Keras bindings.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras_fit.h"
#include "autodiff.h"

/* lib's nn_model_compile takes NN_MAX_LOGS / 2 - 1 metrics (loss and val_ logs besides) */
#define NN_MAX_METRICS (NN_MAX_LOGS / 2 - 1)

typedef enum { GM_LIB, GM_FN } GmKind;

typedef struct {
    char name[56];
    GmKind kind;
    NnMetricConfig mc;      /* GM_LIB; NN_METRIC_ACCURACY is resolved from the shapes */
    Value fn;               /* GM_FN: fn(y_true, y_pred) (owned) */
} GMetric;

typedef struct {
    Value optimizer, loss;  /* as compiled (owned) */
    bool lib_loss;          /* lc computes the loss (NN_LOSS_COUNT: none given) */
    NnLossConfig lc;
    Value loss_fn;          /* otherwise loss_fn(y_true, y_pred) (owned) */
    int nm;
    GMetric m[NN_MAX_METRICS];
    char val_names[NN_MAX_METRICS + 1][64];
    const char *names[NN_MAX_LOGS];     /* loss, metrics, val_loss, val_ metrics */
} KGeneric;

static void gen_finalize(void *d)
{
    KGeneric *g = d;
    value_decref(g->optimizer);
    value_decref(g->loss);
    value_decref(g->loss_fn);
    for (int i = 0; i < g->nm; i++)
        value_decref(g->m[i].fn);
    free(g);
}

static bool gen_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<keras.engine.compile_utils.LossesContainer object at %p>", (void *)self.as.o);
    return true;
}

static const NativeClass gen_class = {
    .name = "LossesContainer", .finalize = gen_finalize, .repr = gen_repr,
    .doc = "The loss and metrics given to compile (model.compiled_loss).",
};

static KGeneric *gen_data(Value v) { return native_obj_data(v, &gen_class); }

int keras_generic_log_names(Value gen, const char **names)
{
    KGeneric *g = gen_data(gen);
    if (!g)
        return 0;
    for (int i = 0; i <= g->nm; i++)
        names[i] = g->names[i];
    return g->nm + 1;
}

/* ---------------------------------------------------------------- compile */

static bool is_callable(Interp *I, Value v)
{
    Value fn;
    if (v.kind != VAL_OBJ)
        return false;
    switch (v.as.o->kind) {
    case OBJ_FUNC: case OBJ_NATIVE: case OBJ_BOUND: case OBJ_TYPE:
        return true;
    case OBJ_NATIVE_OBJ:
        return ((ObjNativeObj *)v.as.o)->cls->call != NULL;
    case OBJ_INSTANCE:
        if (value_getattr(I, v, "__call__", &fn)) {
            value_decref(fn);
            return true;
        }
        interp_clear_error(I);
        return false;
    default:
        return false;
    }
}

/* keras.losses / keras.metrics functions by name ("log_cosh", "mape"). */
static bool named_fn(Interp *I, const char *name, Value *out, bool *found)
{
    const NativeDef *tables[2] = { keras_loss_fn_defs, keras_metric_fn_defs };
    *found = false;
    for (int t = 0; t < 2; t++)
        for (const NativeDef *d = tables[t]; d->name; d++)
            if (strcmp(d->name, name) == 0) {
                *found = true;
                return native_new(I, d, d->name, (Value){0}, out);
            }
    return true;
}

static bool is_classification(NnLossKind k)
{
    return k == NN_LOSS_CCE || k == NN_LOSS_SPARSE_CCE || k == NN_LOSS_BCE;
}

static bool gen_loss(Interp *I, KGeneric *g, Value v, bool *lib)
{
    bool found;
    g->lib_loss = true;
    nn_loss_config_init(&g->lc, NN_LOSS_COUNT);
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (keras_loss_arg(I, v, &g->lc))
        return true;
    nn_loss_config_init(&g->lc, NN_LOSS_COUNT);
    g->lib_loss = false;
    *lib = false;
    if (val_is_obj(v, OBJ_STR)) {
        interp_clear_error(I);
        if (!named_fn(I, str_cstr(v), &g->loss_fn, &found))
            return false;
        return found || interp_error(I, ERR_VALUE, "Unknown loss function: '%s'. Please ensure "
                                     "you are using a `keras.utils.custom_object_scope` and that "
                                     "this object is included in the scope.", str_cstr(v));
    }
    if (!is_callable(I, v))
        return false;           /* keras_loss_arg's error stays pending */
    interp_clear_error(I);
    g->loss_fn = v;
    value_incref(v);
    return true;
}

/* The name Keras logs a function metric under: the string, or __name__. */
static bool fn_metric_name(Interp *I, Value v, char *buf, size_t size)
{
    Value n;
    if (val_is_obj(v, OBJ_STR)) {
        snprintf(buf, size, "%s", str_cstr(v));
        return true;
    }
    if (!value_getattr(I, v, "__name__", &n) && !value_getattr(I, v, "name", &n)) {
        interp_clear_error(I);
        snprintf(buf, size, "custom_metric");
        return true;
    }
    interp_clear_error(I);
    snprintf(buf, size, "%s", val_is_obj(n, OBJ_STR) ? str_cstr(n) : "custom_metric");
    value_decref(n);
    return true;
}

static bool gen_metric(Interp *I, GMetric *m, Value v, bool *lib)
{
    bool found = false;
    m->kind = GM_LIB;
    if (keras_metric_arg(I, v, &m->mc)) {
        size_t len = 0;
        while (len < sizeof m->mc.name && len < sizeof m->name - 1 && m->mc.name[len])
            len++;
        memcpy(m->name, m->mc.name, len);
        m->name[len] = 0;
        return true;
    }
    double *sum, *count;
    if (keras_metric_state(v, &sum, &count))
        return false;           /* metrics.Mean: keras_metric_arg's error */
    m->kind = GM_FN;
    *lib = false;
    if (val_is_obj(v, OBJ_STR)) {
        interp_clear_error(I);
        if (!named_fn(I, str_cstr(v), &m->fn, &found))
            return false;
        if (!found)
            return interp_error(I, ERR_VALUE, "Unknown metric function: '%s'. Please ensure you "
                                "are using a `keras.utils.custom_object_scope` and that this "
                                "object is included in the scope.", str_cstr(v));
    } else if (is_callable(I, v)) {
        interp_clear_error(I);
        m->fn = v;
        value_incref(v);
    } else {
        return false;
    }
    return fn_metric_name(I, v, m->name, sizeof m->name);
}

static void gen_names(KGeneric *g)
{
    g->names[0] = "loss";
    snprintf(g->val_names[0], sizeof g->val_names[0], "val_loss");
    for (int i = 0; i < g->nm; i++) {
        g->names[i + 1] = g->m[i].name;
        snprintf(g->val_names[i + 1], sizeof g->val_names[0], "val_%s", g->m[i].name);
    }
    for (int i = 0; i <= g->nm; i++)
        g->names[g->nm + 1 + i] = g->val_names[i];
}

bool keras_generic_compile(Interp *I, Value optimizer, Value loss, Value metrics, bool *all_lib,
                           Value *out)
{
    bool lib = true;
    Value ml = {0};
    KGeneric *g = calloc(1, sizeof *g);
    if (!g)
        return interp_error(I, ERR_MEMORY, "out of memory");
    g->optimizer = optimizer;
    value_incref(optimizer);
    g->loss = loss.kind == VAL_UNSET ? val_none() : loss;
    value_incref(g->loss);
    bool ok = gen_loss(I, g, loss, &lib);
    if (ok && metrics.kind != VAL_UNSET && metrics.kind != VAL_NONE && value_to_list(I, metrics, &ml)) {
        for (size_t i = 0; ok && i < as_list(ml)->len && g->nm < NN_MAX_METRICS; i++)
            ok = gen_metric(I, &g->m[g->nm++], as_list(ml)->items[i], &lib);
        value_decref(ml);
    } else if (ok && metrics.kind != VAL_UNSET && metrics.kind != VAL_NONE) {
        ok = false;
    } else if (ok && g->lib_loss && g->lc.kind != NN_LOSS_COUNT && is_classification(g->lc.kind)) {
        /* as lib's compile: accuracy is tracked for classification losses */
        NnMetricConfig acc;
        nn_metric_from_name("accuracy", &acc);
        g->m[0].mc = acc;
        snprintf(g->m[0].name, sizeof g->m[0].name, "%s", acc.name);
        g->nm = 1;
    }
    if (!ok) {
        gen_finalize(g);
        return false;
    }
    gen_names(g);
    if (all_lib)
        *all_lib = lib;
    return native_obj_new(I, &gen_class, g, out);
}

bool keras_generic_compiled(Interp *I, Value self, KFitModel *fm)
{
    Value gen;
    *fm = (KFitModel){ .self = self, .generic = true };
    if (!value_getattr(I, self, "compiled_loss", &gen) || !gen_data(gen)) {
        if (interp_error_pending(I))
            interp_clear_error(I);
        else
            value_decref(gen);
        return interp_error(I, ERR_RUNTIME, "You must compile your model before training/testing. "
                            "Use `model.compile(optimizer, loss)`.");
    }
    KGeneric *g = gen_data(gen);
    fm->gen = gen;              /* the instance keeps it */
    fm->optimizer = g->optimizer;
    value_decref(gen);
    if (g->lib_loss && g->lc.kind == NN_LOSS_COUNT)
        return interp_error(I, ERR_VALUE, "No loss found. You may have forgotten to provide a "
                            "`loss` argument in the `compile()` method.");
    return true;
}

/* ---------------------------------------------------------------- one batch */

/* model(x, training=...) through the model value (a subclass's call()). */
static bool forward(Interp *I, Value self, NnTensor *x, bool training, Value *out)
{
    Value xv, r;
    static const char *const kw[] = { "training" };
    Value tv = val_bool(training);
    if (!tensor_value_new(I, nn_tensor_ref(x), TENSOR_TF, &xv))
        return false;
    Args a = { 1, &xv, 1, kw, &tv };
    bool ok = value_call(I, self, &a, &r);
    value_decref(xv);
    if (!ok)
        return false;
    if (!tensor_value_get(r)) {
        NnTensor *t;
        ok = tensor_from_value(I, r, NN_F32, TENSOR_TF, &t) && tensor_value_new(I, t, TENSOR_TF, out);
        value_decref(r);
        return ok;
    }
    *out = r;
    return true;
}

/* Keras's squeeze_or_expand_dimensions for loss functions: y_pred loses a
 * trailing axis of 1 that y_true lacks (recorded, so gradients flow), or
 * y_true loses one y_pred lacks. */
static bool match_dims(Interp *I, Value *ytv, Value *ypv)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *yt = tensor_value_get(*ytv), *yp = tensor_value_get(*ypv);
    Value *which = NULL;
    NnTensor *src = NULL;
    if (yp->ndim == yt->ndim + 1 && yp->shape[yp->ndim - 1] == 1) {
        which = ypv;
        src = yp;
    } else if (yt->ndim == yp->ndim + 1 && yt->shape[yt->ndim - 1] == 1) {
        which = ytv;
        src = yt;
    }
    if (!which)
        return true;
    NnTensor *r = nn_tensor_reshape(ctx, src, src->ndim - 1, src->shape);
    r = ad_rec(I, r, NN_G_RESHAPE, &src, 1, NULL);
    Value nv;
    if (!tensor_value_wrap(I, r, TENSOR_TF, &nv))
        return false;
    value_decref(*which);
    *which = nv;
    return true;
}

/* The batch loss (a float scalar tensor recorded on the active tape; new reference). */
static NnTensor *batch_loss(Interp *I, KGeneric *g, NnTensor *y, Value ypv)
{
    NnCtx *ctx = interp_nn(I);
    Value lv, args[2];
    NnTensor *t = NULL;
    if (g->lib_loss) {
        if (!keras_loss_call(I, &g->lc, y, tensor_value_get(ypv), &lv))
            return NULL;
    } else {
        args[1] = ypv;
        value_incref(ypv);
        if (!tensor_value_new(I, nn_tensor_ref(y), TENSOR_TF, &args[0]))
            return NULL;
        bool ok = match_dims(I, &args[0], &args[1]) && interp_call(I, g->loss_fn, 2, args, &lv);
        value_decref(args[0]);
        value_decref(args[1]);
        if (!ok)
            return NULL;
    }
    if (!tensor_from_value(I, lv, -1, TENSOR_TF, &t)) {
        value_decref(lv);
        return NULL;
    }
    value_decref(lv);
    if (!nn_dtype_is_float(t->dtype)) {
        nn_tensor_unref(t);
        interp_error(I, ERR_TYPE, "the loss function must return float values");
        return NULL;
    }
    if (t->ndim == 0)
        return t;
    NnTensor *m = nn_reduce(ctx, NN_MEAN, t, NULL, 0, false, t->dtype, 0);
    m = ad_reduce(I, m, NN_MEAN, t, NULL, 0, false, 0);
    nn_tensor_unref(t);
    if (!m)
        interp_error_from_nn(I);
    return m;
}

/* acc += c * op(w) summed (l1: abs, l2: square), recorded. */
static NnTensor *reg_term(Interp *I, NnTensor *acc, NnTensor *w, NnUnaryOp op, double c)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *u = ad_unary(I, nn_unary(ctx, op, w), op, w);
    NnTensor *s = u ? ad_reduce(I, nn_reduce(ctx, NN_SUM, u, NULL, 0, false, NN_F32, 0), NN_SUM, u,
                                NULL, 0, false, 0) : NULL;
    NnTensor *k = s ? nn_tensor_scalar(ctx, NN_F32, c) : NULL;
    NnTensor *p = k ? ad_binary(I, nn_binary(ctx, NN_MUL, s, k, NN_F32), NN_MUL, s, k) : NULL;
    NnTensor *r = p && acc ? ad_binary(I, nn_binary(ctx, NN_ADD, acc, p, NN_F32), NN_ADD, acc, p) : p;
    nn_tensor_unref(u);
    nn_tensor_unref(s);
    nn_tensor_unref(k);
    if (r != p)
        nn_tensor_unref(p);
    nn_tensor_unref(acc);
    return r;
}

/* Adds the kernel/bias regularization of layer i of km to *acc. */
static bool layer_reg(Interp *I, KModel *km, int i, NnTensor **acc)
{
    const NnLayerConfig *c = nn_model_layer_config(km->m, i);
    const NnRegularizer *regs[2] = { &c->kernel_reg, &c->bias_reg };
    static const char *const wn[2] = { "kernel", "bias" };
    for (int r = 0; r < 2; r++) {
        Value v;
        bool found;
        if (regs[r]->l1 == 0 && regs[r]->l2 == 0)
            continue;
        if (!keras_var_get(I, km, i, wn[r], &v, &found))
            return false;
        if (!found)
            continue;
        NnTensor *w = tensor_value_get(v);
        bool ok = true;
        if (regs[r]->l1 != 0)
            ok = (*acc = reg_term(I, *acc, w, NN_ABS, regs[r]->l1)) != NULL;
        if (ok && regs[r]->l2 != 0)
            ok = (*acc = reg_term(I, *acc, w, NN_SQUARE, regs[r]->l2)) != NULL;
        value_decref(v);
        if (!ok)
            return interp_error_pending(I) ? false : interp_error_from_nn(I);
    }
    return true;
}

/* The sum of the layers' regularization losses (model.losses), or NULL
 * in *out when there is none. */
static bool reg_losses(Interp *I, KFitModel *fm, NnTensor **out)
{
    Value layers;
    *out = NULL;
    if (fm->k) {
        for (int i = 0; nn_model_is_built(fm->k->m) && i < nn_model_nlayers(fm->k->m); i++)
            if (!layer_reg(I, fm->k, i, out))
                return false;
        return true;
    }
    if (!value_getattr(I, fm->self, "layers", &layers))
        return false;
    bool ok = true;
    for (size_t j = 0; ok && j < as_list(layers)->len; j++) {
        Value it = as_list(layers)->items[j];
        KLayer *L = keras_layer_data(it);
        KModel *km = keras_model_data(it);
        if (L && L->model && nn_model_is_built(L->model->m))
            ok = layer_reg(I, L->model, L->index, out);
        for (int i = 0; ok && km && nn_model_is_built(km->m) && i < nn_model_nlayers(km->m); i++)
            ok = layer_reg(I, km, i, out);
    }
    value_decref(layers);
    return ok;
}

typedef struct {
    KFitModel *fm;
    KGeneric *g;
    NnTensor *x, *y;        /* the batch (borrowed) */
    Value ypv;              /* y_pred (owned once set) */
    NnTensor *loss;         /* owned once set */
} Step;

static bool step_forward(Interp *I, void *ud)
{
    Step *s = ud;
    NnTensor *reg;
    if (!forward(I, s->fm->self, s->x, true, &s->ypv))
        return false;
    if (!(s->loss = batch_loss(I, s->g, s->y, s->ypv)) || !reg_losses(I, s->fm, &reg))
        return false;
    if (reg) {
        NnCtx *ctx = interp_nn(I);
        NnTensor *t = ad_binary(I, nn_binary(ctx, NN_ADD, s->loss, reg, s->loss->dtype), NN_ADD,
                                s->loss, reg);
        nn_tensor_unref(reg);
        if (!t)
            return interp_error_from_nn(I);
        nn_tensor_unref(s->loss);
        s->loss = t;
    }
    return true;
}

/* The gradient of s->loss for each trainable variable, applied by the optimizer. */
static bool step_apply(Interp *I, Step *s, NnTape *tp)
{
    Value vars;
    NnCtx *ctx = interp_nn(I);
    if (!value_getattr(I, s->fm->self, "trainable_variables", &vars))
        return false;
    ObjList *l = as_list(vars);
    int n = (int)l->len, got = 0;
    NnTensor **src = calloc((size_t)n + 1, sizeof *src), **grads = calloc((size_t)n + 1, sizeof *grads);
    bool ok = (src && grads) || interp_error(I, ERR_MEMORY, "out of memory");
    for (int i = 0; ok && i < n; i++)
        src[i] = tensor_value_get(l->items[i]);
    if (ok && nn_tape_gradient(ctx, tp, s->loss, NULL, src, n, grads))
        ok = interp_error_from_nn(I);
    for (int i = 0; ok && i < n; i++)
        got += grads[i] != NULL;
    if (ok && n && !got)
        ok = interp_error(I, ERR_VALUE, "No gradients provided for any variable: the loss does not "
                          "depend on the model's trainable variables");
    ok = ok && keras_optimizer_apply(I, s->fm->optimizer, grads, l->items, n);
    for (int i = 0; grads && i < n; i++)
        nn_tensor_unref(grads[i]);
    free(src);
    free(grads);
    value_decref(vars);
    return ok;
}

/* ---------------------------------------------------------------- running means */

typedef struct {
    double loss, n;
    double sum[NN_MAX_METRICS], count[NN_MAX_METRICS];
} Acc;

static NnMetricConfig resolved(const GMetric *m, const NnTensor *yt, const NnTensor *yp)
{
    NnMetricConfig c = m->mc;
    if (c.kind != NN_METRIC_ACCURACY)
        return c;
    int64_t tl = yt->ndim ? yt->shape[yt->ndim - 1] : 1, pl = yp->ndim ? yp->shape[yp->ndim - 1] : 1;
    NnMetricKind k = pl == 1 ? NN_METRIC_BINARY_ACCURACY
                   : yt->ndim < yp->ndim || (tl == 1 && pl > 1) ? NN_METRIC_SPARSE_CATEGORICAL_ACCURACY
                   : NN_METRIC_CATEGORICAL_ACCURACY;
    nn_metric_config_init(&c, k);
    snprintf(c.name, sizeof c.name, "%s", m->mc.name);
    return c;
}

static bool fn_metric(Interp *I, const GMetric *m, NnTensor *y, Value ypv, double *sum, double *count)
{
    Value args[2], r;
    NnTensor *t;
    args[1] = ypv;
    value_incref(ypv);
    if (!tensor_value_new(I, nn_tensor_ref(y), TENSOR_TF, &args[0]))
        return false;
    bool ok = match_dims(I, &args[0], &args[1]) && interp_call(I, m->fn, 2, args, &r);
    value_decref(args[0]);
    value_decref(args[1]);
    if (!ok)
        return false;
    ok = tensor_from_value(I, r, NN_F64, TENSOR_TF, &t);
    value_decref(r);
    if (!ok)
        return false;
    for (int64_t i = 0; i < nn_tensor_numel(t); i++)
        *sum += nn_tensor_get_f64(t, i);
    *count += (double)nn_tensor_numel(t);
    nn_tensor_unref(t);
    return true;
}

static bool acc_update(Interp *I, KGeneric *g, Acc *a, NnTensor *y, Value ypv, double loss)
{
    NnTensor *yp = tensor_value_get(ypv);
    double b = y->ndim ? (double)y->shape[0] : 1;
    a->loss += loss * b;
    a->n += b;
    for (int i = 0; i < g->nm; i++) {
        GMetric *m = &g->m[i];
        if (m->kind == GM_FN) {
            if (!fn_metric(I, m, y, ypv, &a->sum[i], &a->count[i]))
                return false;
            continue;
        }
        NnMetricConfig c = resolved(m, y, yp);
        if (nn_metric_eval(interp_nn(I), &c, y, yp, &a->sum[i], &a->count[i]))
            return interp_error_from_nn(I);
    }
    return true;
}

/* The running values as logs; val puts them after `base` entries with val_ names. */
static void acc_logs(const KGeneric *g, const Acc *a, NnLogs *logs, bool val)
{
    int off = val ? g->nm + 1 : 0;
    if (!val)
        logs->n = 0;
    logs->names[logs->n] = g->names[off];
    logs->values[logs->n++] = a->n ? a->loss / a->n : 0;
    for (int i = 0; i < g->nm; i++) {
        logs->names[logs->n] = g->names[off + 1 + i];
        logs->values[logs->n++] = a->count[i] ? a->sum[i] / a->count[i] : 0;
    }
}

/* ---------------------------------------------------------------- the loops */

/* Rows [start, stop) of t, or the rows perm[start..stop); floats as float32
 * (Keras feeds numpy floats as floatx).  A new reference, NULL with the ctx error. */
static NnTensor *rows(NnCtx *ctx, NnTensor *t, NnTensor *perm, int64_t start, int64_t stop)
{
    NnTensor *r;
    if (perm) {
        NnTensor *idx = nn_tensor_slice(ctx, perm, 0, start, stop, 1);
        r = idx ? nn_take(ctx, t, idx, 0) : NULL;
        nn_tensor_unref(idx);
    } else {
        r = nn_tensor_slice(ctx, t, 0, start, stop, 1);
    }
    if (r && nn_dtype_is_float(r->dtype) && r->dtype != NN_F32) {
        NnTensor *c = nn_tensor_cast(ctx, r, NN_F32);
        nn_tensor_unref(r);
        r = c;
    }
    return r;
}

static int64_t nrows(const NnTensor *t) { return t->ndim ? t->shape[0] : 1; }

/* A Python error from a batch: KeyboardInterrupt becomes fit's soft stop. */
static NnStatus batch_failed(Interp *I, KFit *f, int64_t epoch, int64_t b)
{
    if (interp_error_kind(I) == ERR_INTERRUPT) {
        interp_clear_error(I);
        return nn_error(interp_nn(I), NN_EINTR, "epoch %lld, batch %lld: interrupted",
                        (long long)epoch + 1, (long long)b + 1);
    }
    f->failed = true;
    return NN_EARG;
}

/* One training step on rows [b0, b1); adds to the running means. */
static NnStatus train_batch(Interp *I, KFit *f, KGeneric *g, const NnTensor *const *xy,
                            NnTensor *perm, int64_t b0, int64_t b1, int64_t epoch, int64_t b, Acc *a)
{
    NnCtx *ctx = interp_nn(I);
    Step s = { .fm = &f->fm, .g = g };
    s.x = rows(ctx, (NnTensor *)xy[0], perm, b0, b1);
    s.y = s.x ? rows(ctx, (NnTensor *)xy[1], perm, b0, b1) : NULL;
    bool ok = s.y || interp_error_from_nn(I);
    NnTape *tp = ok ? autodiff_run_recorded(I, step_forward, &s) : NULL;
    NnStatus st = NN_OK;
    double lv = tp ? nn_tensor_get_f64(s.loss, 0) : 0;
    if (!tp)
        ok = false;
    else if (!isfinite(lv))
        st = nn_error(ctx, NN_ENAN, "epoch %lld, batch %lld: loss is %s", (long long)epoch + 1,
                      (long long)b + 1, isnan(lv) ? "nan" : "inf");
    else
        ok = step_apply(I, &s, tp) && acc_update(I, g, a, s.y, s.ypv, lv);
    nn_tape_free(tp);
    value_decref(s.ypv);
    nn_tensor_unref(s.loss);
    nn_tensor_unref(s.x);
    nn_tensor_unref(s.y);
    if (!ok && !st)
        st = batch_failed(I, f, epoch, b);
    return st;
}

static NnStatus train_epoch(Interp *I, KFit *f, KGeneric *g, const NnTensor *const *xy,
                            int64_t n, const NnFitOptions *o, int64_t epoch, Acc *a, bool *stop)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *perm = o->shuffle ? nn_random_permutation(ctx, n) : NULL;
    NnFitCallbacks cb;
    NnStatus st = o->shuffle && !perm ? nn_status(ctx) : NN_OK;
    keras_fit_hooks(f, &cb);
    for (int64_t b = 0; !st && b * o->batch_size < n; b++) {
        int64_t b1 = (b + 1) * o->batch_size < n ? (b + 1) * o->batch_size : n;
        st = train_batch(I, f, g, xy, perm, b * o->batch_size, b1, epoch, b, a);
        if (st)
            break;
        NnLogs logs;
        acc_logs(g, a, &logs, false);
        if (cb.on_batch_end(cb.ud, b + 1, &logs)) {
            *stop = true;
            if (f->failed)
                st = NN_EARG;
            break;
        }
        if (interp_interrupted)
            st = nn_error(ctx, NN_EINTR, "epoch %lld, batch %lld: interrupted",
                          (long long)epoch + 1, (long long)b + 1);
    }
    nn_tensor_unref(perm);
    return st;
}

/* Loss and metrics of (x, y) in inference mode by batches (progress on pb when not NULL). */
static bool eval_pass(Interp *I, KFitModel *fm, KGeneric *g, NnTensor *x, NnTensor *y,
                      int64_t batch, KProgbar *pb, Acc *a)
{
    NnCtx *ctx = interp_nn(I);
    int64_t n = nrows(x), steps = (n + batch - 1) / batch;
    if (nrows(y) != n)
        return interp_error(I, ERR_VALUE, "Data cardinality is ambiguous: x sizes: %lld, y sizes: "
                            "%lld. Make sure all arrays contain the same number of samples.",
                            (long long)n, (long long)nrows(y));
    for (int64_t b = 0; b < steps; b++) {
        int64_t b1 = (b + 1) * batch < n ? (b + 1) * batch : n;
        NnTensor *xb = rows(ctx, x, NULL, b * batch, b1), *l = NULL, *reg = NULL;
        NnTensor *yb = xb ? rows(ctx, y, NULL, b * batch, b1) : NULL;
        Value ypv = {0};
        bool ok = (yb || interp_error_from_nn(I)) && forward(I, fm->self, xb, false, &ypv) &&
                  (l = batch_loss(I, g, yb, ypv)) && reg_losses(I, fm, &reg) &&
                  acc_update(I, g, a, yb, ypv, nn_tensor_get_f64(l, 0) +
                             (reg ? nn_tensor_get_f64(reg, 0) : 0));
        value_decref(ypv);
        nn_tensor_unref(l);
        nn_tensor_unref(reg);
        nn_tensor_unref(xb);
        nn_tensor_unref(yb);
        if (!ok || !interp_check_interrupt(I))
            return false;
        if (pb) {
            NnLogs logs;
            acc_logs(g, a, &logs, false);
            keras_pb_update(pb, b + 1, &logs, b + 1 >= steps);
        }
    }
    return true;
}

typedef struct {
    NnTensor *x, *y, *vx, *vy;      /* owned */
    int64_t n;
} Split;

static void split_free(Split *s)
{
    nn_tensor_unref(s->x);
    nn_tensor_unref(s->y);
    nn_tensor_unref(s->vx);
    nn_tensor_unref(s->vy);
}

/* The training rows and the validation data: validation_data, or the last
 * validation_split fraction of x and y (taken before any shuffling). */
static NnStatus split_data(NnCtx *ctx, const KFitData *d, Split *s)
{
    *s = (Split){ nn_tensor_ref(d->x), nn_tensor_ref(d->y), nn_tensor_ref(d->vx),
                  nn_tensor_ref(d->vy), nrows(d->x) };
    if (nrows(d->y) != s->n)
        return nn_error(ctx, NN_EDIM, "Data cardinality is ambiguous: x sizes: %lld, y sizes: %lld. "
                        "Make sure all arrays contain the same number of samples.",
                        (long long)s->n, (long long)nrows(d->y));
    double f = d->o.validation_split;
    if (s->vx || f <= 0)
        return NN_OK;
    if (f >= 1)
        return nn_error(ctx, NN_EARG, "`validation_split` must be in [0, 1), got %g", f);
    int64_t at = (int64_t)floor((double)s->n * (1.0 - f));
    s->vx = nn_tensor_slice(ctx, d->x, 0, at, s->n, 1);
    s->vy = nn_tensor_slice(ctx, d->y, 0, at, s->n, 1);
    nn_tensor_unref(s->x);
    nn_tensor_unref(s->y);
    s->x = nn_tensor_slice(ctx, d->x, 0, 0, at, 1);
    s->y = nn_tensor_slice(ctx, d->y, 0, 0, at, 1);
    s->n = at;
    return s->x && s->y && s->vx && s->vy ? NN_OK : nn_status(ctx);
}

/* The next epoch's data of a Dataset, read again so its shuffle() reorders it. */
static NnStatus reread(Interp *I, KFit *f, KFitData *d, Split *s)
{
    int64_t batch;
    nn_tensor_unref(d->x);
    nn_tensor_unref(d->y);
    d->x = d->y = NULL;
    if (!keras_fit_dataset_xy(I, "fit", d->ds, &d->x, &d->y, &batch)) {
        f->failed = true;
        return NN_EARG;
    }
    split_free(s);
    return split_data(interp_nn(I), d, s);
}

static NnStatus fit_epochs(Interp *I, KFit *f, KGeneric *g, KFitData *d, Split *s)
{
    NnFitCallbacks cb;
    NnStatus st = NN_OK;
    NnLogs last = { 0 };
    keras_fit_hooks(f, &cb);
    cb.on_train_begin(cb.ud, d->o.epochs, (s->n + d->o.batch_size - 1) / d->o.batch_size, s->n);
    int64_t vb = d->o.validation_batch_size > 0 ? d->o.validation_batch_size : d->o.batch_size;
    for (int64_t e = d->o.initial_epoch; !st && !f->failed && e < d->o.epochs; e++) {
        if (d->ds.kind != VAL_UNSET && e > d->o.initial_epoch && (st = reread(I, f, d, s)))
            break;
        if (cb.on_epoch_begin(cb.ud, e))
            break;
        Acc a = { 0 }, va = { 0 };
        bool stop = false;
        const NnTensor *xy[2] = { s->x, s->y };
        if ((st = train_epoch(I, f, g, xy, s->n, &d->o, e, &a, &stop)))
            break;
        NnLogs logs;
        acc_logs(g, &a, &logs, false);
        if (s->vx && !eval_pass(I, &f->fm, g, s->vx, s->vy, vb, NULL, &va)) {
            st = batch_failed(I, f, e, (s->n + d->o.batch_size - 1) / d->o.batch_size - 1);
            break;
        }
        if (s->vx)
            acc_logs(g, &va, &logs, true);
        last = logs;
        if (cb.on_epoch_end(cb.ud, e, &logs) || stop)
            break;
    }
    if (!st && !f->failed)
        cb.on_train_end(cb.ud, &last);
    return st ? st : f->failed ? NN_EARG : NN_OK;
}

NnStatus keras_generic_fit(Interp *I, KFit *f, KFitData *d)
{
    KGeneric *g = gen_data(f->fm.gen);
    Split s = { 0 };
    if (d->o.class_weight || d->sw) {
        f->failed = true;
        interp_error(I, ERR_NOT_IMPLEMENTED, "fit: class_weight and sample_weight with this "
                     "model's loss (computed in Python) are not supported by nnsh");
        return NN_EARG;
    }
    NnStatus st = split_data(interp_nn(I), d, &s);
    if (!st)
        st = fit_epochs(I, f, g, d, &s);
    split_free(&s);
    return st;
}

bool keras_generic_evaluate(Interp *I, KFitModel *fm, NnTensor *x, NnTensor *y, int64_t batch,
                            int verbose, double *res, const char **names, int *n)
{
    KGeneric *g = gen_data(fm->gen);
    KProgbar pb;
    Acc a = { 0 };
    NnLogs logs;
    keras_pb_start(&pb, I, verbose, (nrows(x) + batch - 1) / batch);
    if (!eval_pass(I, fm, g, x, y, batch, &pb, &a)) {
        keras_pb_abandon(&pb);
        return false;
    }
    acc_logs(g, &a, &logs, false);
    for (int i = 0; i < logs.n; i++) {
        res[i] = logs.values[i];
        names[i] = logs.names[i];
    }
    *n = logs.n;
    return true;
}

bool keras_generic_predict(Interp *I, KFitModel *fm, NnTensor *x, int64_t batch, int verbose,
                           NnTensor **out)
{
    NnCtx *ctx = interp_nn(I);
    int64_t n = nrows(x), steps = (n + batch - 1) / batch;
    NnTensor **parts = calloc((size_t)(steps ? steps : 1), sizeof *parts);
    KProgbar pb;
    bool ok = parts || interp_error(I, ERR_MEMORY, "out of memory");
    keras_pb_start(&pb, I, verbose, steps);
    for (int64_t b = 0; ok && b < steps; b++) {
        int64_t b1 = (b + 1) * batch < n ? (b + 1) * batch : n;
        NnTensor *xb = rows(ctx, x, NULL, b * batch, b1);
        Value yv = {0};
        ok = (xb || interp_error_from_nn(I)) && forward(I, fm->self, xb, false, &yv) &&
             tensor_from_value(I, yv, NN_F32, TENSOR_NP, &parts[b]) && interp_check_interrupt(I);
        value_decref(yv);
        nn_tensor_unref(xb);
        if (ok)
            keras_pb_update(&pb, b + 1, NULL, b + 1 >= steps);
    }
    *out = NULL;
    if (ok && steps)
        ok = (*out = nn_concat(ctx, parts, (int)steps, 0, NN_F32)) || interp_error_from_nn(I);
    else if (ok)
        ok = interp_error(I, ERR_VALUE, "Expected input data to be non-empty.");
    if (!ok)
        keras_pb_abandon(&pb);
    for (int64_t b = 0; parts && b < steps; b++)
        nn_tensor_unref(parts[b]);
    free(parts);
    return ok;
}
