/* mod_keras_model.c - the Sequential model class: construction, add/pop,
 * build, summary (the tf.keras 2.12 table), compile, weights, attributes,
 * save/load (.nnz files; .h5/.keras names get the same format and a note).
 * fit/evaluate/predict are in mod_keras_fit.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"

#define NN_MAX_LAYERS_SUMMARY 256    /* rows summary() shows */

static void model_finalize(void *data);
static bool model_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool model_setattr(Interp *I, Value self, const char *name, Value v);
static bool model_repr(Interp *I, Value self, StrBuf *sb);
static bool model_call(Interp *I, Value self, const Args *a, Value *out);
extern const NativeDef model_methods[];
static const char *const model_attrs[] = {
    "layers", "name", "input_shape", "output_shape", "optimizer", "loss", "metrics_names",
    "built", "stop_training", "history", "weights", "trainable_weights", "trainable",
    "variables", "trainable_variables", "non_trainable_weights", "non_trainable_variables", NULL,
};

const NativeClass keras_model_class = {
    .name = "Sequential", .module = "keras.engine.sequential",
    .finalize = model_finalize, .getattr = model_getattr,
    .setattr = model_setattr, .repr = model_repr, .call = model_call, .attrs = model_attrs,
    .methods = model_methods,
    .doc = "Sequential(layers=None, name=None): a plain stack of layers.\n"
           "    model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation='softmax')])",
};

/* keras.Model(inputs, outputs): the same model runtime (a chain of layers). */
const NativeClass keras_functional_class = {
    .name = "Functional", .module = "keras.engine.functional",
    .finalize = model_finalize, .getattr = model_getattr,
    .setattr = model_setattr, .repr = model_repr, .call = model_call, .attrs = model_attrs,
    .methods = model_methods,
    .doc = "Model(inputs, outputs, name=None): the layers between a keras.Input and an output "
           "(the functional API; nnsh takes a chain of layers).\n"
           "    inputs = tf.keras.Input(shape=(784,))\n"
           "    x = tf.keras.layers.Dense(64, activation='relu')(inputs)\n"
           "    outputs = tf.keras.layers.Dense(10)(x)\n"
           "    model = tf.keras.Model(inputs=inputs, outputs=outputs)",
};

KModel *keras_model_data(Value v)
{
    KModel *k = native_obj_data(v, &keras_model_class);
    return k ? k : native_obj_data(v, &keras_functional_class);
}

static void model_finalize(void *data)
{
    KModel *k = data;
    if (k->layers.kind == VAL_OBJ) {
        ObjList *l = as_list(k->layers);
        for (size_t i = 0; i < l->len; i++) {
            KLayer *L = keras_layer_data(l->items[i]);
            if (L && L->model == k)
                L->model = NULL;
        }
    }
    value_decref(k->layers);
    value_decref(k->optimizer);
    value_decref(k->loss);
    value_decref(k->metrics);
    value_decref(k->history);
    value_decref(k->vars);
    value_decref(k->gen);
    nn_model_free(k->m);
    free(k);
}

static bool model_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    if (keras_model_data(self)->functional)
        sb_printf(sb, "<keras.engine.functional.Functional object at %p>", (void *)self.as.o);
    else
        sb_printf(sb, "<keras.engine.sequential.Sequential object at %p>", (void *)self.as.o);
    return true;
}

/* model(x): the outputs as a tf.Tensor (inference mode, no progress). */
static bool model_call(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *x;
    bool training = false;
    KModel *k = keras_model_data(self);
    if (!args_parse(I, k->name, a, "inputs, training=, mask=", v) ||
        (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE && !value_truth(I, v[1], &training)))
        return false;
    if (native_obj_is(v[0], &keras_tensor_class))
        return interp_error(I, ERR_TYPE, "calling a model on a KerasTensor (a model inside the "
                            "functional API) is not supported by nnsh: use its layers");
    if (!keras_to_tensor(I, v[0], &x))
        return false;
    bool ok = keras_model_call(I, self, k, x, training, out);
    nn_tensor_unref(x);
    return ok;
}

bool keras_to_tensor(Interp *I, Value v, NnTensor **out)
{
    NnTensor *t = tensor_value_get(v);
    if (t) {
        *out = nn_tensor_ref(t);
        return true;
    }
    return tensor_from_value(I, v, -1, TENSOR_NP, out);
}

static bool nn_fail(Interp *I) { return interp_error_from_nn(I); }

/* Builds the model when its input shape is known (Keras builds at add then). */
static bool maybe_build(Interp *I, KModel *k)
{
    int nd;
    int64_t s[NN_MAXDIM];
    if (nn_model_is_built(k->m) || nn_model_nlayers(k->m) == 0 || !nn_model_input_shape(k->m, &nd, s))
        return true;
    return nn_model_build(interp_nn(I), k->m, nd, s) == NN_OK || nn_fail(I);
}

/* A built model used as a layer (Sequential([model, Softmax()])): its layers
 * are appended one by one with copies of their weights. */
static bool add_model(Interp *I, KModel *k, KModel *sub)
{
    NnCtx *ctx = interp_nn(I);
    int nd;
    int64_t s[NN_MAXDIM];
    if (!nn_model_is_built(sub->m) || !nn_model_input_shape(sub->m, &nd, s))
        return interp_error(I, ERR_VALUE, "Sequential: a model added as a layer must be built "
                            "first (fit it, or call its build())");
    if (nn_model_nlayers(k->m) == 0 && !nn_model_input_shape(k->m, &nd, s)) {
        NnLayerConfig in;
        nn_layer_config_init(&in, NN_LAYER_INPUT);
        nn_model_input_shape(sub->m, &in.ndim, in.shape);
        if (nn_model_add(ctx, k->m, &in))
            return nn_fail(I);
    }
    int base = nn_model_nlayers(k->m);
    for (int i = 0; i < nn_model_nlayers(sub->m); i++) {
        NnLayerConfig c = *nn_model_layer_config(sub->m, i);
        Value lv;
        if (c.kind != NN_LAYER_RESHAPE)
            c.ndim = 0;
        if (nn_model_add(ctx, k->m, &c))
            return nn_fail(I);
        if (!keras_layer_new(I, &c, false, &lv))
            return false;
        KLayer *L = keras_layer_data(lv);
        L->model = k;
        L->index = nn_model_nlayers(k->m) - 1;
        bool ok = list_append(I, k->layers, lv);
        value_decref(lv);
        if (!ok)
            return false;
    }
    if (!maybe_build(I, k))
        return false;
    for (int i = 0; nn_model_is_built(k->m) && i < nn_model_nlayers(sub->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(sub->m, i); j++) {
            NnTensor *t = nn_model_get_weight(ctx, sub->m, i, j);
            NnStatus st = t ? nn_model_set_weight(ctx, k->m, base + i, j, t) : nn_status(ctx);
            nn_tensor_unref(t);
            if (st)
                return nn_fail(I);
        }
    return true;
}

static bool add_layer(Interp *I, KModel *k, Value layer)
{
    NnCtx *ctx = interp_nn(I);
    if (keras_tensor_input_layer(layer).kind == VAL_OBJ)
        layer = keras_tensor_input_layer(layer);
    KLayer *L = keras_layer_data(layer);
    keras_vars_drop(I, k);
    if (!L && keras_model_data(layer))
        return add_model(I, k, keras_model_data(layer));
    if (!L) {
        StrBuf sb;
        sb_init(&sb);
        value_repr(I, layer, &sb);
        bool r = interp_error(I, ERR_TYPE, "The added layer must be an instance of class Layer. "
                              "Received: layer=%s of type <class '%s'>.", sb.data ? sb.data : "?",
                              value_type_name(layer));
        sb_free(&sb);
        return r;
    }
    if (L->cfg.kind == NN_LAYER_INPUT) {
        if (nn_model_nlayers(k->m) > 0)
            return interp_error(I, ERR_VALUE, "An InputLayer can only be the first layer of a "
                                "Sequential model");
        if (nn_model_add(ctx, k->m, &L->cfg))
            return nn_fail(I);
        return list_append(I, k->layers, layer) || true;
    }
    int nd;
    int64_t s[NN_MAXDIM];
    if (nn_model_nlayers(k->m) == 0 && L->has_input_shape && !nn_model_input_shape(k->m, &nd, s)) {
        NnLayerConfig in;
        nn_layer_config_init(&in, NN_LAYER_INPUT);
        in.ndim = L->in_ndim;
        memcpy(in.shape, L->in_shape, sizeof in.shape);
        if (nn_model_add(ctx, k->m, &in))
            return nn_fail(I);
    }
    NnLayerConfig c = L->cfg;
    if (c.kind != NN_LAYER_RESHAPE)
        c.ndim = 0;
    if (nn_model_add(ctx, k->m, &c))
        return nn_fail(I);
    L->model = k;
    L->index = nn_model_nlayers(k->m) - 1;
    if (!list_append(I, k->layers, layer))
        return false;
    return maybe_build(I, k) && keras_layer_adopt_weights(I, L, k, L->index);
}

bool keras_sequential(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    if (!args_parse(I, "Sequential", a, "layers=, name=, trainable=", v))
        return false;
    KModel *k = calloc(1, sizeof *k);
    if (!k || !(k->m = nn_model_new(interp_nn(I)))) {
        free(k);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    Value mv;
    if (!list_new(I, 0, &k->layers) || !native_obj_new(I, &keras_model_class, k, &mv)) {
        value_decref(k->layers);
        nn_model_free(k->m);
        free(k);
        return false;
    }
    const char *name = NULL;
    bool ok = true;
    if (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE)
        ok = arg_str(I, "Sequential", "name", v[1], &name);
    if (ok && name)
        snprintf(k->name, sizeof k->name, "%s", name);
    else if (ok)
        ok = keras_unique_name(I, "sequential", k->name, sizeof k->name);
    if (ok && v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE) {
        Value items;
        ok = value_to_list(I, v[0], &items);
        for (size_t i = 0; ok && i < as_list(items)->len; i++)
            ok = add_layer(I, k, as_list(items)->items[i]);
        if (ok || as_list(items))
            value_decref(items);
    }
    if (!ok) {
        value_decref(mv);
        return false;
    }
    *out = mv;
    return true;
}

/* A model value around a loaded NnModel (takes m): layer values rebuilt. */
bool keras_model_wrap(Interp *I, NnModel *m, Value *out)
{
    KModel *k = calloc(1, sizeof *k);
    Value mv;
    if (!k) {
        nn_model_free(m);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    k->m = m;
    if (!list_new(I, 0, &k->layers) || !native_obj_new(I, &keras_model_class, k, &mv)) {
        value_decref(k->layers);
        nn_model_free(m);
        free(k);
        return false;
    }
    bool ok = true;
    if (nn_model_name(m)[0])
        snprintf(k->name, sizeof k->name, "%s", nn_model_name(m));
    else
        ok = keras_unique_name(I, "sequential", k->name, sizeof k->name);
    for (int i = 0; ok && i < nn_model_nlayers(m); i++) {
        Value lv;
        ok = keras_layer_new(I, nn_model_layer_config(m, i), false, &lv);
        if (ok) {
            KLayer *L = keras_layer_data(lv);
            L->model = k;
            L->index = i;
            ok = list_append(I, k->layers, lv);
            value_decref(lv);
        }
    }
    if (!ok) {
        value_decref(mv);
        return false;
    }
    *out = mv;
    return true;
}

/* ---------------------------------------------------------------- methods */

static KModel *KM(Value self) { return keras_model_data(self); }

static bool m_add(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    if (!args_parse(I, "add", a, "layer", v) || !add_layer(I, KM(self), v[0]))
        return false;
    *out = val_none();
    return true;
}

static bool m_pop(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    KModel *k = KM(self);
    if (!args_parse(I, "pop", a, "", none_))
        return false;
    ObjList *l = as_list(k->layers);
    if (nn_model_nlayers(k->m) == 0 || l->len == 0)
        return interp_error(I, ERR_TYPE, "There are no layers in the model.");
    keras_vars_drop(I, k);
    if (nn_model_pop(interp_nn(I), k->m))
        return nn_fail(I);
    Value last = l->items[--l->len];
    KLayer *L = keras_layer_data(last);
    if (L && L->model == k)
        L->model = NULL;
    value_decref(last);
    *out = val_none();
    return true;
}

static bool m_build(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    KModel *k = KM(self);
    if (!args_parse(I, "build", a, "input_shape=", v))
        return false;
    int nd = 0;
    int64_t s[NN_MAXDIM + 1];
    if (v[0].kind == VAL_UNSET || v[0].kind == VAL_NONE) {
        if (!nn_model_input_shape(k->m, &nd, s))
            return interp_error(I, ERR_VALUE, "You must provide an `input_shape` argument.");
    } else {
        if (!val_is_obj(v[0], OBJ_TUPLE) && !val_is_obj(v[0], OBJ_LIST))
            return interp_error(I, ERR_TYPE, "build() argument 'input_shape' must be a tuple "
                                "such as (None, 784)");
        ObjList *l = as_list(v[0]);
        if (l->len < 2 || l->len > NN_MAXDIM)
            return interp_error(I, ERR_VALUE, "build(): input_shape needs a batch axis and "
                                "feature axes, e.g. (None, 784)");
        for (size_t i = 1; i < l->len; i++)
            if (!arg_int(I, "build", "input_shape", l->items[i], &s[nd++]))
                return false;
    }
    if (nn_model_nlayers(k->m) == 0)
        return interp_error(I, ERR_VALUE, "You must add a layer to the model before building it");
    if (nn_model_build(interp_nn(I), k->m, nd, s))
        return nn_fail(I);
    *out = val_none();
    return true;
}

static bool not_built(Interp *I, const KModel *k)
{
    (void)k;
    return interp_error(I, ERR_VALUE, "This model has not yet been built. Build the model first "
                        "by calling `build()` or by calling the model on a batch of data.");
}

/* ---- summary: keras.utils.layer_utils.print_summary of tf.keras 2.12 ---- */

static void print_row(StrBuf *sb, const char *const *fields, const int *pos)
{
    const char *left[3] = { fields[0], fields[1], fields[2] };
    while (*left[0] || *left[1] || *left[2]) {
        char line[512];
        size_t len = 0;
        for (int col = 0; col < 3; col++) {
            int start = col ? pos[col - 1] : 0, space = col != 2 ? 2 : 0;
            size_t cutoff = (size_t)(pos[col] - start - space), n = strlen(left[col]);
            size_t fit = n < cutoff ? n : cutoff, best = fit;
            static const char *const brk[] = { "),", "},", "],", "'," };
            for (int b = 0; b < 4; b++)
                for (size_t i = 0; i + 1 < fit; i++)
                    if (left[col][i] == brk[b][0] && left[col][i + 1] == brk[b][1]) {
                        if (i + 2 < best)
                            best = i + 2;
                        break;
                    }
            if (best < fit)
                cutoff = best;
            fit = best;
            if (col == 0)
                line[len++] = ' ';
            memcpy(line + len, left[col], fit);
            len += fit;
            for (int s = 0; s < space; s++)
                line[len++] = ' ';
            left[col] += n < cutoff ? n : cutoff;
            while ((int)len < pos[col])
                line[len++] = ' ';
        }
        sb_append(sb, line, len);
        sb_putc(sb, '\n');
    }
}

static void group_digits(int64_t n, char *buf)
{
    char tmp[32];
    int l = snprintf(tmp, sizeof tmp, "%lld", (long long)n), o = 0;
    for (int i = 0; i < l; i++) {
        buf[o++] = tmp[i];
        if (tmp[i] != '-' && (l - i - 1) % 3 == 0 && i != l - 1)
            buf[o++] = ',';
    }
    buf[o] = 0;
}

/* Emits sb's text: to print_fn line by line when given, else to stdout. */
static bool summary_emit(Interp *I, StrBuf *sb, Value print_fn)
{
    bool ok = !sb->oom;
    if (ok && print_fn.kind != VAL_UNSET && print_fn.kind != VAL_NONE) {
        char *p = sb->data;
        while (ok && *p) {
            char *e = strchr(p, '\n');
            Value line, r;
            ok = str_new(I, p, (size_t)(e - p), &line) && interp_call(I, print_fn, 1, &line, &r);
            value_decref(line);
            if (ok)
                value_decref(r);
            p = e + 1;
        }
    } else if (ok) {
        interp_write(I, sb->data, sb->len);
    }
    bool oom = sb->oom;
    sb_free(sb);
    if (!ok && oom && !interp_error_pending(I))
        return interp_error(I, ERR_MEMORY, "out of memory");
    return ok;
}

bool keras_summary_table(Interp *I, const char *model_name, int n, const char *const *rows,
                         int64_t total, int64_t trainable, Value line_length, Value print_fn)
{
    int64_t ll = 65;
    if (line_length.kind != VAL_UNSET && line_length.kind != VAL_NONE &&
        !arg_int(I, "summary", "line_length", line_length, &ll))
        return false;
    if (ll < 20 || ll > 400)
        ll = 65;
    int pos[3] = { (int)(ll * .45), (int)(ll * .85), (int)ll };
    StrBuf sb;
    sb_init(&sb);
    char rule[402];
    sb_printf(&sb, "Model: \"%s\"\n", model_name);
    memset(rule, '_', (size_t)ll);
    rule[ll] = '\n';
    sb_append(&sb, rule, (size_t)ll + 1);
    const char *hdr[3] = { "Layer (type)", "Output Shape", "Param #" };
    print_row(&sb, hdr, pos);
    memset(rule, '=', (size_t)ll);
    sb_append(&sb, rule, (size_t)ll + 1);
    for (int i = 0; i < n; i++) {
        print_row(&sb, rows + 3 * i, pos);
        memset(rule, ' ', (size_t)ll);
        sb_append(&sb, rule, (size_t)ll + 1);
    }
    memset(rule, '=', (size_t)ll);
    sb_append(&sb, rule, (size_t)ll + 1);
    char n1[40], n2[40], n3[40];
    group_digits(total, n1);
    group_digits(trainable, n2);
    group_digits(total - trainable, n3);
    sb_printf(&sb, "Total params: %s\nTrainable params: %s\nNon-trainable params: %s\n", n1, n2, n3);
    memset(rule, '_', (size_t)ll);
    sb_append(&sb, rule, (size_t)ll + 1);
    return summary_emit(I, &sb, print_fn);
}

void keras_layer_params(const NnModel *m, int i, int64_t *total, int64_t *trainable)
{
    for (int j = 0; j < nn_model_layer_nweights(m, i); j++) {
        bool tr;
        int wn;
        int64_t ws[8], cnt = 1;
        nn_model_weight_info(m, i, j, &tr, &wn, ws);
        for (int d = 0; d < wn; d++)
            cnt *= ws[d];
        *total += cnt;
        *trainable += tr ? cnt : 0;
    }
}

typedef struct {
    char text[NN_MAX_LAYERS_SUMMARY][3][160];
    const char *rows[NN_MAX_LAYERS_SUMMARY * 3];
    int n;
} SumRows;

static void sum_row(SumRows *r, const char *name, const char *shape, int64_t params)
{
    if (r->n == NN_MAX_LAYERS_SUMMARY)
        return;
    snprintf(r->text[r->n][0], 160, "%s", name);
    snprintf(r->text[r->n][1], 160, "%s", shape);
    snprintf(r->text[r->n][2], 160, "%lld", (long long)params);
    for (int c = 0; c < 3; c++)
        r->rows[3 * r->n + c] = r->text[r->n][c];
    r->n++;
}

/* A Functional model's summary starts with its InputLayer: "[(None, 784)]". */
static void functional_input_row(SumRows *r, KModel *k)
{
    char name[160], shape[140], lst[160];
    int nd;
    int64_t s[NN_MAXDIM];
    KLayer *L = as_list(k->layers)->len ? keras_layer_data(as_list(k->layers)->items[0]) : NULL;
    if (!L || L->cfg.kind != NN_LAYER_INPUT || !nn_model_input_shape(k->m, &nd, s))
        return;
    snprintf(name, sizeof name, "%s (InputLayer)", L->cfg.name);
    nn_shape_none_str(nd, s, shape, sizeof shape);
    snprintf(lst, sizeof lst, "[%s]", shape);
    sum_row(r, name, lst, 0);
}

static bool m_summary(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    KModel *k = KM(self);
    if (!args_parse(I, "summary", a, "line_length=, positions=, print_fn=, expand_nested=, "
                    "show_trainable=", v))
        return false;
    if (!nn_model_is_built(k->m))
        return not_built(I, k);
    SumRows *r = calloc(1, sizeof *r);
    if (!r)
        return interp_error(I, ERR_MEMORY, "out of memory");
    int64_t trainable = 0, total = 0;
    if (k->functional)
        functional_input_row(r, k);
    for (int i = 0; i < nn_model_nlayers(k->m); i++) {
        const NnLayerConfig *c = nn_model_layer_config(k->m, i);
        char name[160], shape[160];
        int nd;
        int64_t s[NN_MAXDIM];
        snprintf(name, sizeof name, "%s (%s)", c->name, nn_layer_class_name(c->kind));
        nn_model_layer_output_shape(k->m, i, &nd, s);
        nn_shape_none_str(nd, s, shape, sizeof shape);
        sum_row(r, name, shape, nn_model_layer_count_params(k->m, i));
        keras_layer_params(k->m, i, &total, &trainable);
    }
    bool ok = keras_summary_table(I, k->name, r->n, r->rows, total, trainable, v[0], v[2]);
    free(r);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

/* ---- compile ---- */

static bool is_classification(NnLossKind k)
{
    return k == NN_LOSS_CCE || k == NN_LOSS_SPARSE_CCE || k == NN_LOSS_BCE;
}

/* A loss or metric lib's fit lacks: the generic loop trains the model
 * (mod_keras_generic.c).  lib's model is compiled with the optimizer and a
 * stand-in loss so its state (built, compiled) reads the same.  Takes opt and gen. */
static bool compile_generic(Interp *I, KModel *k, const NnOptimConfig *oc, Value opt, Value gen,
                            Value loss, Value metrics, Value *out)
{
    NnLossConfig use;
    Value ml = {0};
    nn_loss_config_init(&use, NN_LOSS_MSE);
    bool ok = nn_model_compile(interp_nn(I), k->m, oc, &use, NULL, 0) == NN_OK || nn_fail(I);
    ok = ok && (metrics.kind == VAL_UNSET || metrics.kind == VAL_NONE || value_to_list(I, metrics, &ml));
    if (!ok) {
        value_decref(opt);
        value_decref(gen);
        return false;
    }
    value_decref(k->optimizer);
    value_decref(k->loss);
    value_decref(k->metrics);
    value_decref(k->gen);
    k->optimizer = opt;
    k->loss = loss.kind == VAL_UNSET ? val_none() : loss;
    value_incref(k->loss);
    k->metrics = ml;
    k->gen = gen;
    *out = val_none();
    return true;
}

static bool m_compile(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[8];
    KModel *k = KM(self);
    if (!args_parse(I, "compile", a, "optimizer=, loss=, metrics=, loss_weights=, "
                    "weighted_metrics=, run_eagerly=, steps_per_execution=, jit_compile=", v))
        return false;
    NnOptimConfig oc;
    NnLossConfig lc;
    NnMetricConfig mc[8];
    int nm = 0;
    Value opt = {0}, mlist = {0};
    Value ov = v[0];
    Value dflt;
    bool have_dflt = false;
    if (ov.kind == VAL_UNSET) {
        if (!str_from_cstr(I, "rmsprop", &dflt))
            return false;
        ov = dflt;
        have_dflt = true;
    }
    bool ok = keras_optimizer_arg(I, ov, &oc, &opt);
    if (have_dflt)
        value_decref(dflt);
    if (!ok)
        return false;
    Value gen;
    bool all_lib = true;
    if (!keras_generic_compile(I, opt, v[1], v[2], &all_lib, &gen))
        goto fail;
    if (!all_lib)
        return compile_generic(I, k, &oc, opt, gen, v[1], v[2], out);
    value_decref(gen);
    if (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE)
        nn_loss_config_init(&lc, NN_LOSS_COUNT);
    else if (!keras_loss_arg(I, v[1], &lc))
        goto fail;
    if (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE) {
        if (!value_to_list(I, v[2], &mlist))
            goto fail;
        for (size_t i = 0; i < as_list(mlist)->len; i++) {
            if (nm == 8)
                break;
            if (!keras_metric_arg(I, as_list(mlist)->items[i], &mc[nm++]))
                goto fail;
        }
    } else if (lc.kind != NN_LOSS_COUNT && is_classification(lc.kind)) {
        /* documented in :help compile: accuracy is tracked for classification losses */
        nn_metric_from_name("accuracy", &mc[nm++]);
    }
    NnLossConfig use = lc;
    if (lc.kind == NN_LOSS_COUNT)
        nn_loss_config_init(&use, NN_LOSS_MSE);
    if (nn_model_compile(interp_nn(I), k->m, &oc, &use, mc, nm)) {
        nn_fail(I);
        goto fail;
    }
    value_decref(k->optimizer);
    value_decref(k->loss);
    value_decref(k->metrics);
    value_decref(k->gen);
    k->gen = (Value){0};
    k->optimizer = opt;
    k->loss = lc.kind == NN_LOSS_COUNT ? val_none() : v[1];
    value_incref(k->loss);
    k->metrics = mlist;
    *out = val_none();
    return true;
fail:
    value_decref(opt);
    value_decref(mlist);
    return false;
}

/* ---- weights ---- */

static bool m_get_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    KModel *k = KM(self);
    if (!args_parse(I, "get_weights", a, "", none_) || !list_new(I, 0, out))
        return false;
    if (!nn_model_is_built(k->m))
        return true;
    keras_weights_use(I, k);
    for (int i = 0; i < nn_model_nlayers(k->m); i++)
        for (int j = 0; j < nn_model_layer_nweights(k->m, i); j++) {
            Value t;
            if (!tensor_value_wrap(I, nn_model_get_weight(interp_nn(I), k->m, i, j), TENSOR_NP, &t) ||
                !list_append(I, *out, t)) {
                value_decref(*out);
                return false;
            }
            value_decref(t);
        }
    return true;
}

static bool m_set_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], items;
    KModel *k = KM(self);
    if (!args_parse(I, "set_weights", a, "weights", v) || !value_to_list(I, v[0], &items))
        return false;
    int64_t total = 0;
    for (int i = 0; nn_model_is_built(k->m) && i < nn_model_nlayers(k->m); i++)
        total += nn_model_layer_nweights(k->m, i);
    ObjList *l = as_list(items);
    bool ok = (int64_t)l->len == total ||
              interp_error(I, ERR_VALUE, "You called `set_weights(weights)` on layer \"%s\" with a "
                           "weight list of length %zu, but the layer was expecting %lld weights.",
                           k->name, l->len, (long long)total);
    size_t e = 0;
    for (int i = 0; ok && i < nn_model_nlayers(k->m); i++)
        for (int j = 0; ok && j < nn_model_layer_nweights(k->m, i); j++) {
            NnTensor *t = NULL;
            ok = tensor_from_value(I, l->items[e++], NN_F32, TENSOR_NP, &t);
            if (ok && nn_model_set_weight(interp_nn(I), k->m, i, j, t))
                ok = nn_fail(I);
            if (t)
                nn_tensor_unref(t);
        }
    value_decref(items);
    keras_weights_changed(I, k);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

static bool m_count_params(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    KModel *k = KM(self);
    if (!args_parse(I, "count_params", a, "", none_))
        return false;
    if (!nn_model_is_built(k->m))
        return interp_error(I, ERR_VALUE, "You tried to call `count_params` on layer %s, but the "
                            "layer isn't built. You can build it manually via: "
                            "`%s.build(batch_input_shape)`.", k->name, k->name);
    *out = val_int(nn_model_count_params(k->m));
    return true;
}

static bool m_get_layer(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    KModel *k = KM(self);
    ObjList *l = as_list(k->layers);
    if (!args_parse(I, "get_layer", a, "name=, index=", v))
        return false;
    if (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE) {
        int64_t ix;
        if (!arg_int(I, "get_layer", "index", v[1], &ix))
            return false;
        if (ix < 0 || ix >= (int64_t)l->len)
            return interp_error(I, ERR_VALUE, "Was asked to retrieve layer at index %lld but "
                                "model only has %zu layers.", (long long)ix, l->len);
        value_incref(l->items[ix]);
        *out = l->items[ix];
        return true;
    }
    const char *name;
    if (!arg_str(I, "get_layer", "name", v[0], &name))
        return false;
    for (size_t i = 0; i < l->len; i++) {
        KLayer *L = keras_layer_data(l->items[i]);
        if (L && strcmp(L->cfg.name, name) == 0) {
            value_incref(l->items[i]);
            *out = l->items[i];
            return true;
        }
    }
    return interp_error(I, ERR_VALUE, "No such layer: %s. Existing layers are: [...].", name);
}

/* ---- files ---- */

static bool path_arg(Interp *I, const char *f, Value v, const char **path, bool *note)
{
    if (!arg_str(I, f, "filepath", v, path))
        return false;
    size_t n = strlen(*path);
    *note = (n > 3 && strcmp(*path + n - 3, ".h5") == 0) ||
            (n > 6 && strcmp(*path + n - 6, ".keras") == 0);
    return true;
}

static bool m_save(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    const char *p;
    bool note;
    KModel *k = KM(self);
    if (!args_parse(I, "save", a, "filepath, overwrite=, save_format=, include_optimizer=, "
                    "save_traces=", v) || !path_arg(I, "save", v[0], &p, &note))
        return false;
    if (note)
        interp_warn(I, "%s: written in nnsh's model format (a zip of config.json and .npy "
                    "weights, read by numpy.load and tf.keras.models.load_model), not HDF5/Keras v3", p);
    keras_weights_use(I, k);
    nn_model_set_name(k->m, k->name);
    if (nn_model_save(interp_nn(I), k->m, p))
        return nn_fail(I);
    *out = val_none();
    return true;
}

static bool m_save_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    const char *p;
    bool note;
    if (!args_parse(I, "save_weights", a, "filepath, overwrite=, save_format=, options=", v) ||
        !path_arg(I, "save_weights", v[0], &p, &note))
        return false;
    if (note)
        interp_warn(I, "%s: written in nnsh's weights format (a zip of .npy entries), not HDF5", p);
    keras_weights_use(I, KM(self));
    if (nn_model_save_weights(interp_nn(I), KM(self)->m, p))
        return nn_fail(I);
    *out = val_none();
    return true;
}

static bool m_load_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    const char *p;
    bool note;
    if (!args_parse(I, "load_weights", a, "filepath, by_name=, skip_mismatch=, options=", v) ||
        !path_arg(I, "load_weights", v[0], &p, &note))
        return false;
    keras_weights_use(I, KM(self));
    if (nn_model_load_weights(interp_nn(I), KM(self)->m, p))
        return nn_fail(I);
    keras_weights_changed(I, KM(self));
    *out = val_none();
    return true;
}

/* A loaded Functional model's InputLayer, first in its layer list as
 * keras.Model(inputs, outputs) leaves it (the runtime keeps only the input
 * shape and name). */
static bool functional_input_layer(Interp *I, KModel *k)
{
    NnLayerConfig c;
    int nd;
    int64_t s[NN_MAXDIM];
    Value lv;
    if (!nn_model_input_shape(k->m, &nd, s))
        return true;
    nn_layer_config_init(&c, NN_LAYER_INPUT);
    c.ndim = nd;
    memcpy(c.shape, s, sizeof(int64_t) * (size_t)nd);
    snprintf(c.name, sizeof c.name, "%s", nn_model_input_name(k->m));
    if (!keras_layer_new(I, &c, true, &lv))
        return false;
    bool ok = list_append(I, k->layers, lv);
    value_decref(lv);
    if (ok) {
        ObjList *l = as_list(k->layers);
        Value in = l->items[l->len - 1];
        memmove(l->items + 1, l->items, sizeof(Value) * (l->len - 1));
        l->items[0] = in;
    }
    return ok;
}

bool keras_load_model(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[4];
    const char *p;
    bool note;
    if (!args_parse(I, "load_model", a, "filepath, custom_objects=, compile=, options=", v) ||
        !path_arg(I, "load_model", v[0], &p, &note))
        return false;
    NnModel *m = nn_model_load(interp_nn(I), p);
    if (!m)
        return nn_fail(I);
    if (!keras_model_wrap(I, m, out))
        return false;
    KModel *k = keras_model_data(*out);
    if (nn_model_is_functional(m)) {
        k->functional = true;
        ((ObjNativeObj *)out->as.o)->cls = &keras_functional_class;
        if (!functional_input_layer(I, k)) {
            value_decref(*out);
            return false;
        }
    }
    if (nn_model_is_compiled(m)) {
        Value name;
        NnOptimConfig oc;
        bool ok = str_from_cstr(I, nn_optim_class_name(nn_model_optim_config(m)->kind), &name) &&
                  keras_optimizer_arg(I, name, &oc, &k->optimizer);
        value_decref(name);
        NnOptimConfig *cfg = ok ? keras_optimizer_config(k->optimizer) : NULL;
        if (cfg)
            *cfg = *nn_model_optim_config(m);
        ok = ok && str_from_cstr(I, nn_loss_name(nn_model_loss_config(m)->kind), &k->loss);
        if (!ok) {
            value_decref(*out);
            return false;
        }
    }
    return true;
}

const NativeDef model_methods[] = {
    {"add", m_add, "add(layer)", "Adds a layer on top of the stack."},
    {"pop", m_pop, "pop()", "Removes the last layer."},
    {"build", m_build, "build(input_shape=None)", "Creates the weights for inputs of "
     "input_shape, e.g. model.build((None, 784))."},
    {"summary", m_summary, "summary(line_length=None, positions=None, print_fn=None)",
     "Prints the layers, their output shapes and parameter counts (the tf.keras table)."},
    {"compile", m_compile, "compile(optimizer='rmsprop', loss=None, metrics=None)",
     "Sets the optimizer, the loss and the metrics.  When no metrics are given and the loss is "
     "a classification loss (categorical, sparse categorical or binary cross-entropy), nnsh "
     "tracks accuracy anyway, so `loss, accuracy = model.evaluate(x, y)` works.  The loss "
     "and the metrics may also be any keras.losses function or class, a keras.losses.Loss "
     "subclass or a function of (y_true, y_pred) returning per-sample values; fit then "
     "trains with GradientTape steps (slower than the built-in losses).\n"
     "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
     "metrics=['accuracy'])"},
    {"fit", keras_fit, "fit(x=None, y=None, batch_size=None, epochs=1, verbose='auto', "
     "callbacks=None, validation_split=0.0, validation_data=None, shuffle=True, "
     "class_weight=None, sample_weight=None, initial_epoch=0, validation_batch_size=None)",
     "Trains the model; returns a History.  Ctrl-C stops after the current batch and returns "
     "the History so far."},
    {"evaluate", keras_evaluate, "evaluate(x=None, y=None, batch_size=None, verbose='auto', "
     "sample_weight=None, return_dict=False)", "The loss and the metrics: [loss, metric, ...]."},
    {"predict", keras_predict, "predict(x, batch_size=None, verbose='auto')",
     "The model's outputs for x as a float32 numpy array."},
    {"predict_classes", keras_predict_classes, "predict_classes(x, batch_size=32, verbose=0)",
     "Class indices: argmax of the outputs (0/1 for a one-unit sigmoid output)."},
    {"score", keras_score, "score(x, y)", "The accuracy on (x, y), as evaluate reports it."},
    {"train_on_batch", keras_train_on_batch, "train_on_batch(x, y=None)",
     "One optimizer step on one batch; returns the loss (and metrics)."},
    {"get_weights", m_get_weights, "get_weights()", "All weights as numpy arrays, layer by layer."},
    {"set_weights", m_set_weights, "set_weights(weights)", "Sets all weights from arrays."},
    {"count_params", m_count_params, "count_params()", "The number of weights."},
    {"get_layer", m_get_layer, "get_layer(name=None, index=None)", "A layer by name or index."},
    {"save", m_save, "save(filepath, overwrite=True)", "Writes the model (architecture, "
     "weights, compile settings, optimizer state) to a .nnz file."},
    {"save_weights", m_save_weights, "save_weights(filepath)", "Writes the weights."},
    {"load_weights", m_load_weights, "load_weights(filepath)", "Reads weights written by "
     "save_weights or save."},
    {NULL, NULL, NULL, NULL},
};

/* ---------------------------------------------------------------- attributes */

static bool shape_tuple(Interp *I, int nd, const int64_t *s, Value *out)
{
    if (!tuple_new(I, (size_t)nd + 1, out))
        return false;
    as_list(*out)->items[0] = val_none();
    for (int i = 0; i < nd; i++)
        as_list(*out)->items[i + 1] = val_int(s[i]);
    return true;
}

static bool metrics_names(Interp *I, KModel *k, Value *out)
{
    const char *gnames[NN_MAX_LOGS];
    int gn = keras_generic_log_names(k->gen, gnames);
    if (!list_new(I, 0, out))
        return false;
    for (int i = 0; gn ? i < gn : nn_model_is_compiled(k->m) && i < nn_model_nlogs(k->m); i++) {
        Value s;
        if (!str_from_cstr(I, gn ? gnames[i] : nn_model_log_name(k->m, i), &s) ||
            !list_append(I, *out, s)) {
            value_decref(*out);
            return false;
        }
        value_decref(s);
    }
    return true;
}

static bool model_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    KModel *k = KM(self);
    *found = true;
    if (strcmp(name, "layers") == 0) {
        Value l;
        if (!list_new(I, 0, &l))
            return false;
        ObjList *src = as_list(k->layers);
        for (size_t i = 0; i < src->len; i++) {
            KLayer *L = keras_layer_data(src->items[i]);
            if (L && L->cfg.kind == NN_LAYER_INPUT && !k->functional)
                continue;
            if (!list_append(I, l, src->items[i])) {
                value_decref(l);
                return false;
            }
        }
        *out = l;
        return true;
    }
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, k->name, out);
    if (strcmp(name, "built") == 0) {
        *out = val_bool(nn_model_is_built(k->m));
        return true;
    }
    if (strcmp(name, "stop_training") == 0) {
        *out = val_bool(k->stop_training);
        return true;
    }
    if (strcmp(name, "trainable") == 0) {
        *out = val_bool(true);
        return true;
    }
    if (strcmp(name, "optimizer") == 0 || strcmp(name, "loss") == 0 || strcmp(name, "history") == 0) {
        Value v = name[0] == 'o' ? k->optimizer : name[0] == 'l' ? k->loss : k->history;
        if (v.kind == VAL_UNSET)
            v = val_none();
        value_incref(v);
        *out = v;
        return true;
    }
    if (strcmp(name, "metrics_names") == 0)
        return metrics_names(I, k, out);
    if (strcmp(name, "input_shape") == 0 || strcmp(name, "output_shape") == 0) {
        int nd;
        int64_t s[NN_MAXDIM];
        if (name[0] == 'i' && nn_model_input_shape(k->m, &nd, s))
            return shape_tuple(I, nd, s, out);
        if (name[0] == 'o' && nn_model_is_built(k->m)) {
            nn_model_layer_output_shape(k->m, nn_model_nlayers(k->m) - 1, &nd, s);
            return shape_tuple(I, nd, s, out);
        }
        return interp_error(I, ERR_ATTRIBUTE, "The layer \"%s\" has never been called and thus "
                            "has no defined %s shape.", k->name, name[0] == 'i' ? "input" : "output");
    }
    if (strcmp(name, "weights") == 0 || strcmp(name, "variables") == 0)
        return keras_var_list(I, k, -1, 0, out);
    if (strcmp(name, "trainable_weights") == 0 || strcmp(name, "trainable_variables") == 0)
        return keras_var_list(I, k, -1, 1, out);
    if (strcmp(name, "non_trainable_weights") == 0 || strcmp(name, "non_trainable_variables") == 0)
        return keras_var_list(I, k, -1, 2, out);
    *found = false;
    return true;
}

static bool model_setattr(Interp *I, Value self, const char *name, Value v)
{
    KModel *k = KM(self);
    if (strcmp(name, "stop_training") == 0)
        return value_truth(I, v, &k->stop_training);
    if (strcmp(name, "trainable") == 0)
        return true;
    return interp_error(I, ERR_ATTRIBUTE, "can't set attribute '%s' of a Sequential model", name);
}
