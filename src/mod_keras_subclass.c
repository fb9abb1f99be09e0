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
 * inference mode.  compile/fit of subclassed models are not provided: the
 * error says to write the loop with GradientTape.  Owned by the Keras
 * bindings.
 */
#include <ctype.h>
#include <stdio.h>
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

static bool m_predict(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], r;
    NnTensor *t;
    if (!args_parse(I, "predict", a, "x, batch_size=, verbose=, steps=", v) ||
        !run_call(I, self, v[0], val_bool(false), &r))
        return false;
    bool ok = tensor_from_value(I, r, NN_F32, TENSOR_NP, &t);
    value_decref(r);
    return ok && tensor_value_new(I, t, TENSOR_NP, out);
}

static bool m_unsupported(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    (void)a;
    (void)out;
    return interp_error(I, ERR_NOT_IMPLEMENTED, "compile/fit/evaluate of a subclassed keras.Model "
                        "are not supported by nnsh: train it with a GradientTape loop "
                        "(model(x, training=True), tape.gradient(loss, model.trainable_variables), "
                        "optimizer.apply_gradients), or build the model with Sequential or the "
                        "functional API");
}

static const NativeDef bound_defs[] = {
    {"predict", m_predict, "predict(x, batch_size=None, verbose='auto')",
     "call(x) in inference mode, as a float32 numpy array."},
    {"compile", m_unsupported, "compile(...)", "Not supported for subclassed models."},
    {"fit", m_unsupported, "fit(...)", "Not supported for subclassed models."},
    {"evaluate", m_unsupported, "evaluate(...)", "Not supported for subclassed models."},
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
    {"compile", p_compile, "compile", "Not supported for subclassed models."},
    {"fit", p_fit, "fit", "Not supported for subclassed models."},
    {"evaluate", p_evaluate, "evaluate", "Not supported for subclassed models."},
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
