/* mod_keras_lossclass.c - keras.losses.Loss, the base class of user losses,
 * and the loss classes lib's fit does not implement, built on it:
 *
 *     class MyLoss(tf.keras.losses.Loss):
 *         def call(self, y_true, y_pred):
 *             return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
 *     model.compile(optimizer='adam', loss=MyLoss())
 *
 * loss(y_true, y_pred, sample_weight=None) runs self.call, multiplies the
 * per-sample values by sample_weight and reduces them as Keras's reduction
 * says: 'auto' / 'sum_over_batch_size' (the mean over all values), 'sum',
 * 'none'.  The reduction records on an active GradientTape, so the classes
 * train in custom loops and in fit's generic loop alike.  LogCosh,
 * KLDivergence, Poisson, MeanSquaredLogarithmicError,
 * MeanAbsolutePercentageError and CategoricalHinge are subclasses whose call
 * is the keras.losses function of that name.  Owned by the Keras bindings.
 */
#include <stdio.h>
#include <string.h>
#include "mod_keras.h"
#include "autodiff.h"

/* types.c: a user class (the class statement; declared where used, as convert.c does) */
bool class_new(Interp *I, const char *name, const Value *bases, int nbases, Value dict,
               Value *out);

/* The instance a method got: bound through super() (self) or unbound (pos[0]). */
static bool inst_of(Interp *I, Value self, const Args *a, Value *inst, Args *rest)
{
    *rest = *a;
    if (val_is_obj(self, OBJ_INSTANCE)) {
        *inst = self;
        return true;
    }
    if (a->npos < 1 || !val_is_obj(a->pos[0], OBJ_INSTANCE))
        return interp_error(I, ERR_TYPE, "keras.losses.Loss method called without an instance");
    *inst = a->pos[0];
    rest->pos++;
    rest->npos--;
    return true;
}

static bool l_init(Interp *I, Value self, const Args *a, Value *out)
{
    Value inst, v[2], name = val_none(), red, dflt;
    Args rest;
    if (!inst_of(I, self, a, &inst, &rest) ||
        !args_parse(I, "Loss.__init__", &rest, "reduction=, name=", v))
        return false;
    if (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE) {
        name = v[1];
        value_incref(name);
    } else if (value_getattr(I, inst, "_default_name", &dflt)) {
        name = dflt;
    } else {
        interp_clear_error(I);
    }
    if (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE) {
        red = v[0];
        value_incref(red);
    } else if (!str_from_cstr(I, "auto", &red)) {
        value_decref(name);
        return false;
    }
    bool ok = value_setattr(I, inst, "name", name) && value_setattr(I, inst, "reduction", red);
    value_decref(name);
    value_decref(red);
    if (!ok)
        return false;
    *out = val_none();
    return true;
}

static bool l_call_default(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    (void)a;
    (void)out;
    return interp_error(I, ERR_NOT_IMPLEMENTED, "Loss subclasses must implement `call(self, "
                        "y_true, y_pred)`");
}

/* values * sample_weight (recorded), or values when sw is None. */
static NnTensor *weighted(Interp *I, NnTensor *t, Value sw)
{
    NnTensor *w;
    if (sw.kind == VAL_UNSET || sw.kind == VAL_NONE)
        return nn_tensor_ref(t);
    if (!tensor_from_value(I, sw, t->dtype, TENSOR_TF, &w))
        return NULL;
    /* per-sample weights of shape (N,) scale rows of (N, ...) values */
    NnTensor *wb = w;
    if (w->ndim == 1 && t->ndim > 1) {
        int64_t s[NN_MAXDIM];
        s[0] = w->shape[0];
        for (int i = 1; i < t->ndim; i++)
            s[i] = 1;
        wb = nn_tensor_reshape(interp_nn(I), w, t->ndim, s);
        nn_tensor_unref(w);
    }
    NnTensor *r = wb ? ad_binary(I, nn_binary(interp_nn(I), NN_MUL, t, wb, t->dtype), NN_MUL, t, wb)
                     : NULL;
    nn_tensor_unref(wb);
    if (!r && !interp_error_pending(I))
        interp_error_from_nn(I);
    return r;
}

/* Keras's compute_weighted_loss: 'none', 'sum', else the mean of all values. */
static bool reduce(Interp *I, Value inst, NnTensor *t, Value *out)
{
    Value red;
    const char *r = "auto";
    bool have = value_getattr(I, inst, "reduction", &red);
    if (!have)
        interp_clear_error(I);
    else if (val_is_obj(red, OBJ_STR))
        r = str_cstr(red);
    NnReduceOp op = strcmp(r, "sum") == 0 ? NN_SUM : NN_MEAN;
    bool none = strcmp(r, "none") == 0;
    NnTensor *s = none || t->ndim == 0 ? nn_tensor_ref(t)
                : ad_reduce(I, nn_reduce(interp_nn(I), op, t, NULL, 0, false, t->dtype, 0), op, t,
                            NULL, 0, false, 0);
    if (have)
        value_decref(red);
    return tensor_value_wrap(I, s, TENSOR_TF, out);
}

static bool l_call(Interp *I, Value self, const Args *a, Value *out)
{
    Value inst, v[3], fn, r;
    Args rest;
    NnTensor *t, *w;
    if (!inst_of(I, self, a, &inst, &rest) ||
        !args_parse(I, "Loss.__call__", &rest, "y_true, y_pred, sample_weight=", v) ||
        !value_getattr(I, inst, "call", &fn))
        return false;
    bool ok = interp_call(I, fn, 2, v, &r);
    value_decref(fn);
    if (!ok)
        return false;
    ok = tensor_from_value(I, r, -1, TENSOR_TF, &t);
    value_decref(r);
    if (!ok)
        return false;
    w = weighted(I, t, v[2]);
    nn_tensor_unref(t);
    if (!w)
        return false;
    ok = reduce(I, inst, w, out);
    nn_tensor_unref(w);
    return ok;
}

static bool l_get_config(Interp *I, Value self, const Args *a, Value *out)
{
    Value inst = self, v[1], name, red;
    if (!args_parse(I, "get_config", a, "", v) || !dict_new(I, out))
        return false;
    bool ok = value_getattr(I, inst, "reduction", &red);
    if (ok) {
        ok = dict_set_str(I, *out, "reduction", red);
        value_decref(red);
    }
    if (ok && (ok = value_getattr(I, inst, "name", &name))) {
        ok = dict_set_str(I, *out, "name", name);
        value_decref(name);
    }
    if (!ok)
        value_decref(*out);
    return ok;
}

static const NativeDef config_def = {
    "get_config", l_get_config, "get_config()", "{'reduction': ..., 'name': ...}."
};

/* get_config is reached through a property so that it binds to the instance. */
static bool p_get_config(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "property getter needs an instance");
    return native_new(I, &config_def, config_def.name, a->pos[0], out);
}

static const NativeDef loss_methods[] = {
    {"__init__", l_init, "__init__(self, reduction='auto', name=None)",
     "Keeps the reduction ('auto', 'sum_over_batch_size', 'sum', 'none') and the name."},
    {"__call__", l_call, "__call__(self, y_true, y_pred, sample_weight=None)",
     "self.call(y_true, y_pred), weighted and reduced."},
    {"call", l_call_default, "call(self, y_true, y_pred)", "The per-sample losses: override it."},
    {NULL, NULL, NULL, NULL},
};

static const NativeDef prop_config = {
    "get_config", p_get_config, "get_config", "The loss's configuration."
};

static bool add_config_prop(Interp *I, Value dict)
{
    Value prop, fn, p;
    bool found;
    if (!interp_get_builtin(I, "property", &prop, &found))
        return false;
    if (!found)
        return interp_error(I, ERR_RUNTIME, "keras.losses.Loss: no property built-in");
    bool ok = native_new(I, &prop_config, prop_config.name, (Value){0}, &fn);
    if (ok) {
        ok = interp_call(I, prop, 1, &fn, &p);
        value_decref(fn);
    }
    if (ok) {
        ok = dict_set_str(I, dict, "get_config", p);
        value_decref(p);
    }
    value_decref(prop);
    return ok;
}

/* The loss classes on top of Loss: class name, default name, function. */
static const char *const derived[][3] = {
    { "LogCosh", "log_cosh", "log_cosh" },
    { "KLDivergence", "kl_divergence", "kl_divergence" },
    { "Poisson", "poisson", "poisson" },
    { "MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "mean_squared_logarithmic_error" },
    { "MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mean_absolute_percentage_error" },
    { "CategoricalHinge", "categorical_hinge", "categorical_hinge" },
};

static const NativeDef *loss_fn_def(const char *name)
{
    for (const NativeDef *d = keras_loss_fn_defs; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

static bool add_derived(Interp *I, Value module, Value base, int i)
{
    Value dict, fn, name, cls;
    const NativeDef *d = loss_fn_def(derived[i][2]);
    if (!d)
        return interp_error(I, ERR_RUNTIME, "keras.losses: no function %s", derived[i][2]);
    if (!dict_new(I, &dict))
        return false;
    bool ok = native_new(I, d, d->name, (Value){0}, &fn);
    if (ok) {
        ok = dict_set_str(I, dict, "call", fn);
        value_decref(fn);
    }
    if (ok && (ok = str_from_cstr(I, derived[i][1], &name))) {
        ok = dict_set_str(I, dict, "_default_name", name);
        value_decref(name);
    }
    ok = ok && keras_class_set_module(I, dict, "keras.losses") &&
         class_new(I, derived[i][0], &base, 1, dict, &cls);
    value_decref(dict);
    if (!ok)
        return false;
    ok = module_set(I, module, derived[i][0], cls);
    value_decref(cls);
    return ok;
}

bool keras_loss_classes_add(Interp *I, Value module)
{
    Value dict, fn, base;
    if (!dict_new(I, &dict))
        return false;
    bool ok = true;
    for (int i = 0; ok && loss_methods[i].name; i++) {
        fn = (Value){0};
        ok = native_new(I, &loss_methods[i], loss_methods[i].name, (Value){0}, &fn) &&
             dict_set_str(I, dict, loss_methods[i].name, fn);
        value_decref(fn);
    }
    ok = ok && add_config_prop(I, dict) && keras_class_set_module(I, dict, "keras.losses") &&
         class_new(I, "Loss", NULL, 0, dict, &base);
    value_decref(dict);
    if (!ok)
        return false;
    ok = module_set(I, module, "Loss", base);
    for (int i = 0; ok && i < (int)(sizeof derived / sizeof derived[0]); i++)
        ok = add_derived(I, module, base, i);
    value_decref(base);
    return ok;
}
