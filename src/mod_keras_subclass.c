/* mod_keras_subclass.c - keras.Model as a class user code can subclass:
 *
 *     class MyModel(tf.keras.Model):
 *         def __init__(self):
 *             super().__init__()
 *             self.d1 = tf.keras.layers.Dense(128, activation='relu')
 *             self.d2 = tf.keras.layers.Dense(10)
 *         def call(self, x):
 *             return self.d2(self.d1(x))
 *
 * keras.Model is a user-level class (so a class statement can derive from
 * it) whose own constructor is the functional API (keras.Model(inputs,
 * outputs) makes a Functional model, mod_keras_call.c).  A subclass instance
 * keeps its layers as attributes; model(x) runs self.call(x), each layer
 * recording itself on an active GradientTape, so custom training loops work;
 * trainable_variables / weights / layers collect the attribute layers (and
 * models) in assignment order, as Keras tracks them; predict runs call in
 * inference mode.  compile / fit / evaluate / predict run the generic loop
 * of mod_keras_generic.c (compile keeps its settings as the instance's
 * compiled_loss, optimizer and loss attributes); summary() lists the
 * attribute layers with "multiple" output shapes, as Keras does for
 * subclassed models.  Owned by the Keras bindings.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"
#include "object.h"
#include "ast.h"

/* types.c: a user class (the class statement; declared where used, as convert.c does) */
bool class_new(Interp *I, const char *name, const Value *bases, int nbases, Value dict,
               Value *out);

/* The instance a method got: bound through super() (self) or unbound (pos[0]). */
static bool self_of(Interp *I, Value self, const Args *a, Value *inst, Args *rest)
{
    *rest = *a;
    if (val_is_obj(self, OBJ_INSTANCE)) {
        *inst = self;
        return true;
    }
    if (a->npos < 1 || !val_is_obj(a->pos[0], OBJ_INSTANCE))
        return interp_error(I, ERR_TYPE, "keras.Model method called without an instance");
    *inst = a->pos[0];
    rest->pos++;
    rest->npos--;
    return true;
}

/* "MyModel" -> "my_model" (Keras's default name of a subclassed model). */
static void snake_name(const char *cls, char *buf, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; cls[i] && n + 2 < size; i++) {
        if (isupper((unsigned char)cls[i]) && i > 0 && n > 0 && buf[n - 1] != '_')
            buf[n++] = '_';
        buf[n++] = (char)tolower((unsigned char)cls[i]);
    }
    buf[n] = 0;
}

static bool m_init(Interp *I, Value self, const Args *a, Value *out)
{
    Value inst, v[3], name;
    Args rest;
    if (!self_of(I, self, a, &inst, &rest) ||
        !args_parse(I, "Model.__init__", &rest, "*, name=, trainable=, dtype=", v))
        return false;
    if (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE) {
        name = v[0];
        value_incref(name);
    } else {
        char base[64], buf[64];
        snake_name(((ObjInstance *)inst.as.o)->cls->name, base, sizeof base);
        if (!keras_unique_name(I, base, buf, sizeof buf) || !str_from_cstr(I, buf, &name))
            return false;
    }
    bool ok = value_setattr(I, inst, "name", name);
    value_decref(name);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

/* True when the user's call() declares a `training` parameter. */
static bool takes_training(Value bound)
{
    Value fn = val_is_obj(bound, OBJ_BOUND) ? ((ObjBound *)bound.as.o)->fn : bound;
    if (!val_is_obj(fn, OBJ_FUNC))
        return false;
    const Node *node = ((ObjFunc *)fn.as.o)->node;
    for (size_t i = 0; i < (size_t)node->u.func.params.n; i++)
        if (strcmp(node->u.func.params.items[i]->u.param.name, "training") == 0)
            return true;
    return false;
}

static bool run_call(Interp *I, Value inst, Value x, Value training, Value *out)
{
    Value call;
    if (!value_getattr(I, inst, "call", &call))
        return false;
    static const char *const kw[] = { "training" };
    Args b = { 1, &x, 0, kw, &training };
    if (training.kind != VAL_UNSET && training.kind != VAL_NONE && takes_training(call))
        b.nkw = 1;
    bool ok = value_call(I, call, &b, out);
    value_decref(call);
    return ok;
}

static bool m_call(Interp *I, Value self, const Args *a, Value *out)
{
    Value inst, v[3];
    Args rest;
    if (!self_of(I, self, a, &inst, &rest) ||
        !args_parse(I, "Model.__call__", &rest, "inputs, training=, mask=", v))
        return false;
    return run_call(I, inst, v[0], v[1], out);
}

static bool m_default_call(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    (void)a;
    (void)out;
    return interp_error(I, ERR_NOT_IMPLEMENTED, "Model subclasses must implement `call(self, "
                        "inputs)`");
}

/* ---- tracked layers ---- */

typedef bool (*LayerFn)(Interp *I, Value item, void *ud);

/* Each layer or model among the instance's attributes (and lists of them). */
static bool each_layer(Interp *I, Value inst, LayerFn fn, void *ud)
{
    Value d = ((ObjInstance *)inst.as.o)->dict, k, v;
    size_t pos = 0;
    while (d.kind == VAL_OBJ && dict_next(d, &pos, &k, &v)) {
        if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) {
            for (size_t i = 0; i < as_list(v)->len; i++) {
                Value e = as_list(v)->items[i];
                if ((keras_layer_data(e) || keras_model_data(e)) && !fn(I, e, ud))
                    return false;
            }
        } else if ((keras_layer_data(v) || keras_model_data(v)) && !fn(I, v, ud)) {
            return false;
        }
    }
    return true;
}

typedef struct {
    Value list;
    int which;
} Collect;

static bool add_vars(Interp *I, Value item, void *ud)
{
    Collect *c = ud;
    KLayer *L = keras_layer_data(item);
    Value vs;
    if (L && !L->model)
        return true;        /* never called: no weights yet */
    if (!(L ? keras_var_list(I, L->model, L->index, c->which, &vs)
            : keras_var_list(I, keras_model_data(item), -1, c->which, &vs)))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(vs)->len; i++)
        ok = list_append(I, c->list, as_list(vs)->items[i]);
    value_decref(vs);
    return ok;
}

static bool add_item(Interp *I, Value item, void *ud)
{
    return list_append(I, ((Collect *)ud)->list, item);
}

static bool var_prop(Interp *I, const Args *a, int which, Value *out)
{
    Collect c = { {0}, which };
    if (a->npos < 1 || !list_new(I, 0, &c.list))
        return false;
    if (!each_layer(I, a->pos[0], add_vars, &c)) {
        value_decref(c.list);
        return false;
    }
    *out = c.list;
    return true;
}

static bool p_trainable(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return var_prop(I, a, 1, out);
}

static bool p_weights(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return var_prop(I, a, 0, out);
}

static bool p_non_trainable(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return var_prop(I, a, 2, out);
}

static bool p_layers(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Collect c = { {0}, 0 };
    if (a->npos < 1 || !list_new(I, 0, &c.list))
        return false;
    if (!each_layer(I, a->pos[0], add_item, &c)) {
        value_decref(c.list);
        return false;
    }
    *out = c.list;
    return true;
}

/* ---- methods reached through properties (so they bind to the instance) ---- */

static bool m_compile(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[8], opt, gen, dflt = {0};
    NnOptimConfig oc;
    if (!args_parse(I, "compile", a, "optimizer=, loss=, metrics=, loss_weights=, "
                    "weighted_metrics=, run_eagerly=, steps_per_execution=, jit_compile=", v))
        return false;
    if (v[0].kind == VAL_UNSET && !str_from_cstr(I, "rmsprop", &dflt))
        return false;
    bool ok = keras_optimizer_arg(I, v[0].kind == VAL_UNSET ? dflt : v[0], &oc, &opt);
    value_decref(dflt);
    if (!ok)
        return false;
    ok = keras_generic_compile(I, opt, v[1], v[2], NULL, &gen);
    if (ok) {
        ok = value_setattr(I, self, "optimizer", opt) &&
             value_setattr(I, self, "loss", v[1].kind == VAL_UNSET ? val_none() : v[1]) &&
             value_setattr(I, self, "compiled_loss", gen) &&
             value_setattr(I, self, "stop_training", val_bool(false));
        value_decref(gen);
    }
    value_decref(opt);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

/* get_weights(): numpy copies of model.weights. */
static bool m_get_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value w, none_[1];
    if (!args_parse(I, "get_weights", a, "", none_) || !value_getattr(I, self, "weights", &w))
        return false;
    bool ok = list_new(I, 0, out);
    for (size_t i = 0; ok && i < as_list(w)->len; i++) {
        NnTensor *t = tensor_value_get(as_list(w)->items[i]);
        Value c;
        ok = tensor_value_wrap(I, t ? nn_tensor_copy(interp_nn(I), t) : NULL, TENSOR_NP, &c) &&
             list_append(I, *out, c);
        if (ok)
            value_decref(c);
    }
    if (!ok && out->kind == VAL_OBJ)
        value_decref(*out);
    value_decref(w);
    return ok;
}

/* set_weights(list): each array into the variable of model.weights, same shapes. */
static bool m_set_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], w, l;
    if (!args_parse(I, "set_weights", a, "weights", v) || !value_getattr(I, self, "weights", &w))
        return false;
    if (!value_to_list(I, v[0], &l)) {
        value_decref(w);
        return false;
    }
    size_t n = as_list(w)->len;
    bool ok = as_list(l)->len == n ||
              interp_error(I, ERR_VALUE, "You called `set_weights(weights)` on layer \"%s\" with a "
                           "weight list of length %zu, but the layer was expecting %zu weights.",
                           "model", as_list(l)->len, n);
    for (size_t i = 0; ok && i < n; i++) {
        NnTensor *dst = tensor_value_get(as_list(w)->items[i]), *src;
        ok = tensor_from_value(I, as_list(l)->items[i], NN_F32, TENSOR_NP, &src);
        if (!ok)
            break;
        if (nn_tensor_numel(src) != nn_tensor_numel(dst) || src->ndim != dst->ndim)
            ok = interp_error(I, ERR_VALUE, "set_weights: weight %zu has %lld values, the "
                              "variable %lld", i, (long long)nn_tensor_numel(src),
                              (long long)nn_tensor_numel(dst));
        else if (nn_tensor_assign(interp_nn(I), dst, src))
            ok = interp_error_from_nn(I);
        nn_tensor_unref(src);
    }
    value_decref(l);
    value_decref(w);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

typedef struct {
    char (*text)[3][160];
    const char **rows;
    int n, cap;
    int64_t total, trainable;
} SumAcc;

/* One summary row per attribute layer or model (built ones). */
static bool sum_item(Interp *I, Value item, void *ud)
{
    SumAcc *s = ud;
    KLayer *L = keras_layer_data(item);
    KModel *k = keras_model_data(item);
    int64_t tot = 0, tr = 0;
    const char *name = L ? L->cfg.name : k->name;
    const char *cls = L ? nn_layer_class_name(L->cfg.kind) : k->functional ? "Functional" : "Sequential";
    if (L && L->model && nn_model_is_built(L->model->m))
        keras_layer_params(L->model->m, L->index, &tot, &tr);
    for (int i = 0; k && nn_model_is_built(k->m) && i < nn_model_nlayers(k->m); i++)
        keras_layer_params(k->m, i, &tot, &tr);
    if (s->n == s->cap)
        return true;
    if (L && L->model)
        name = nn_model_layer_config(L->model->m, L->index)->name;
    snprintf(s->text[s->n][0], 160, "%s (%s)", name, cls);
    snprintf(s->text[s->n][1], 160, "multiple");
    snprintf(s->text[s->n][2], 160, "%lld", (long long)tot);
    for (int c = 0; c < 3; c++)
        s->rows[3 * s->n + c] = s->text[s->n][c];
    s->n++;
    s->total += tot;
    s->trainable += tr;
    (void)I;
    return true;
}

/* Built when some attribute layer has weights (called once), as Keras's model.built. */
static bool any_built(Interp *I, Value item, void *ud)
{
    (void)I;
    KLayer *L = keras_layer_data(item);
    KModel *k = keras_model_data(item);
    if ((L && L->model && nn_model_is_built(L->model->m)) || (k && nn_model_is_built(k->m)))
        *(bool *)ud = true;
    return true;
}

static bool m_summary(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], name;
    bool built = false;
    if (!args_parse(I, "summary", a, "line_length=, positions=, print_fn=, expand_nested=, "
                    "show_trainable=", v) || !each_layer(I, self, any_built, &built))
        return false;
    if (!built)
        return interp_error(I, ERR_VALUE, "This model has not yet been built. Build the model first "
                            "by calling `build()` or by calling the model on a batch of data.");
    SumAcc s = { .cap = 256 };
    s.text = calloc((size_t)s.cap, sizeof *s.text);
    s.rows = calloc((size_t)s.cap * 3, sizeof *s.rows);
    bool ok = (s.text && s.rows) || interp_error(I, ERR_MEMORY, "out of memory");
    ok = ok && each_layer(I, self, sum_item, &s) && value_getattr(I, self, "name", &name);
    if (ok) {
        ok = keras_summary_table(I, val_is_obj(name, OBJ_STR) ? str_cstr(name) : "model", s.n,
                                 s.rows, s.total, s.trainable, v[0], v[2]);
        value_decref(name);
    }
    free(s.text);
    free(s.rows);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

static const NativeDef bound_defs[] = {
    {"predict", keras_predict, "predict(x, batch_size=None, verbose='auto')",
     "call(x) in inference mode by batches, as a float32 numpy array."},
    {"compile", m_compile, "compile(optimizer='rmsprop', loss=None, metrics=None)",
     "Optimizer, loss and metrics for fit/evaluate (a loss may be any function of (y_true, "
     "y_pred))."},
    {"fit", keras_fit, "fit(x=None, y=None, batch_size=None, epochs=1, verbose='auto', "
     "callbacks=None, validation_split=0.0, validation_data=None, shuffle=True)",
     "Trains with GradientTape steps through call(x, training=True); returns a History."},
    {"evaluate", keras_evaluate, "evaluate(x=None, y=None, batch_size=None, verbose='auto')",
     "Loss and metrics in inference mode."},
    {"summary", m_summary, "summary(line_length=None, print_fn=None)",
     "The layers assigned as attributes, with \"multiple\" output shapes (as Keras)."},
    {"get_weights", m_get_weights, "get_weights()", "The weights as numpy arrays."},
    {"set_weights", m_set_weights, "set_weights(weights)", "Sets the weights from numpy arrays."},
    {NULL, NULL, NULL, NULL},
};

static bool p_method(Interp *I, const Args *a, int i, Value *out)
{
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "property getter needs an instance");
    return native_new(I, &bound_defs[i], bound_defs[i].name, a->pos[0], out);
}

static bool p_predict(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 0, o); }
static bool p_compile(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 1, o); }
static bool p_fit(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 2, o); }
static bool p_evaluate(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 3, o); }
static bool p_summary(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 4, o); }
static bool p_get_weights(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 5, o); }
static bool p_set_weights(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_method(I, a, 6, o); }

static const NativeDef method_defs[] = {
    {"__init__", m_init, "__init__(self, *, name=None)", "Names the model (my_model)."},
    {"__call__", m_call, "__call__(self, inputs, training=None)", "Runs self.call(inputs)."},
    {"call", m_default_call, "call(self, inputs, training=None)", "The forward pass: override it."},
    {NULL, NULL, NULL, NULL},
};

static const NativeDef prop_defs[] = {
    {"trainable_variables", p_trainable, "trainable_variables", "The layers' trainable tf.Variables."},
    {"trainable_weights", p_trainable, "trainable_weights", "The layers' trainable tf.Variables."},
    {"weights", p_weights, "weights", "All the layers' tf.Variables."},
    {"variables", p_weights, "variables", "All the layers' tf.Variables."},
    {"non_trainable_weights", p_non_trainable, "non_trainable_weights", "Moving statistics ..."},
    {"non_trainable_variables", p_non_trainable, "non_trainable_variables", "Moving statistics ..."},
    {"layers", p_layers, "layers", "The layers assigned as attributes, in order."},
    {"predict", p_predict, "predict", "call(x) in inference mode, as a numpy array."},
    {"compile", p_compile, "compile", "Optimizer, loss and metrics for fit/evaluate."},
    {"fit", p_fit, "fit", "Trains with GradientTape steps through call()."},
    {"evaluate", p_evaluate, "evaluate", "Loss and metrics in inference mode."},
    {"summary", p_summary, "summary", "The attribute layers and their parameter counts."},
    {"get_weights", p_get_weights, "get_weights", "The weights as numpy arrays."},
    {"set_weights", p_set_weights, "set_weights", "Sets the weights from numpy arrays."},
    {NULL, NULL, NULL, NULL},
};

/* keras.Model: a user-level class; calling it is the functional API. */
bool keras_model_base_class(Interp *I, Value *out)
{
    Value dict, prop, fn, p;
    bool found;
    if (!interp_get_builtin(I, "property", &prop, &found))
        return false;
    if (!found)
        return interp_error(I, ERR_RUNTIME, "keras.Model: no property built-in");
    bool ok = dict_new(I, &dict);
    for (int i = 0; ok && method_defs[i].name; i++) {
        ok = native_new(I, &method_defs[i], method_defs[i].name, (Value){0}, &fn) &&
             dict_set_str(I, dict, method_defs[i].name, fn);
        value_decref(fn);
    }
    for (int i = 0; ok && prop_defs[i].name; i++) {
        ok = native_new(I, &prop_defs[i], prop_defs[i].name, (Value){0}, &fn) &&
             interp_call(I, prop, 1, &fn, &p);
        value_decref(fn);
        if (ok) {
            ok = dict_set_str(I, dict, prop_defs[i].name, p);
            value_decref(p);
        }
    }
    ok = ok && class_new(I, "Model", NULL, 0, dict, out);
    value_decref(dict);
    value_decref(prop);
    if (ok)
        ((ObjType *)out->as.o)->ctor = keras_functional;
    return ok;
}
