/* mod_keras_utils.c - keras.utils (to_categorical, normalize, set_random_seed)
 * and keras.backend (clear_session, floatx).  Owned by the model-runtime
 * engineer; the modules are assembled in mod_keras.c.  keras.activations
 * lives in mod_keras_activations.c.  Also the class identity helpers (the
 * __module__ of the Keras classes, as tf.keras 2.12 prints them).
 */
#include <string.h>
#include "mod_keras.h"
#include "object.h"

/* ---------------------------------------------------------------- utils, backend */

static bool u_to_categorical(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    NnTensor *y;
    int64_t nc = -1;
    if (!args_parse(I, "to_categorical", a, "y, num_classes=, dtype=", v) ||
        (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE &&
         !arg_int(I, "to_categorical", "num_classes", v[1], &nc)) ||
        !tensor_from_value(I, v[0], NN_I64, TENSOR_NP, &y))
        return false;
    int nd = y->ndim;
    int64_t shape[NN_MAXDIM], n = nn_tensor_numel(y);
    memcpy(shape, y->shape, sizeof(int64_t) * (size_t)nd);
    if (nd > 1 && shape[nd - 1] == 1)
        nd--;
    const int64_t *lab = nn_tensor_data(y);
    int64_t mx = -1;
    for (int64_t i = 0; i < n; i++) {
        if (lab[i] < 0) {
            nn_tensor_unref(y);
            return interp_error(I, ERR_INDEX, "index %lld is out of bounds for axis 1 with size %lld",
                                (long long)lab[i], (long long)(nc > 0 ? nc : mx + 1));
        }
        mx = lab[i] > mx ? lab[i] : mx;
    }
    if (nc < 0)
        nc = mx + 1;
    if (mx >= nc) {
        nn_tensor_unref(y);
        return interp_error(I, ERR_INDEX, "index %lld is out of bounds for axis 1 with size %lld",
                            (long long)mx, (long long)nc);
    }
    if (nd >= NN_MAXDIM) {
        nn_tensor_unref(y);
        return interp_error(I, ERR_VALUE, "to_categorical: too many dimensions");
    }
    shape[nd] = nc;
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_F32, nd + 1, shape);
    if (r)
        for (int64_t i = 0; i < n; i++)
            ((float *)nn_tensor_data(r))[i * nc + lab[i]] = 1.0f;
    nn_tensor_unref(y);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* keras.utils.normalize: x / ||x||_order along axis, a zero norm left as 1
 * (Keras: l2[l2 == 0] = 1).  Floats keep their dtype, ints become float64. */
static NnTensor *lp_norm(NnCtx *ctx, NnTensor *x, int axis, double order)
{
    NnTensor *ab = nn_unary(ctx, NN_ABS, x), *p = NULL, *s = NULL, *r = NULL;
    if (!ab)
        return NULL;
    NnTensor *e = order == 1.0 ? NULL : nn_tensor_scalar(ctx, x->dtype, order);
    if (order == 1.0)
        p = nn_tensor_ref(ab);
    else if (e)
        p = nn_binary(ctx, NN_POW, ab, e, x->dtype);
    if (p)
        s = nn_reduce(ctx, NN_SUM, p, &axis, 1, true, x->dtype, 0);
    if (s && order == 1.0) {
        r = nn_tensor_ref(s);
    } else if (s) {
        NnTensor *inv = nn_tensor_scalar(ctx, x->dtype, 1.0 / order);
        if (inv)
            r = nn_binary(ctx, NN_POW, s, inv, x->dtype);
        nn_tensor_unref(inv);
    }
    nn_tensor_unref(s);
    nn_tensor_unref(p);
    nn_tensor_unref(e);
    nn_tensor_unref(ab);
    return r;
}

static bool u_normalize(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    NnTensor *x0, *x = NULL, *n = NULL, *z = NULL, *one = NULL, *safe = NULL, *r = NULL;
    int64_t axis = -1;
    double order = 2;
    if (!args_parse(I, "normalize", a, "x, axis=, order=", v) ||
        (v[1].kind != VAL_UNSET && !arg_int(I, "normalize", "axis", v[1], &axis)) ||
        (v[2].kind != VAL_UNSET && !arg_float(I, "normalize", "order", v[2], &order)) ||
        !tensor_from_value(I, v[0], -1, TENSOR_NP, &x0))
        return false;
    NnCtx *ctx = interp_nn(I);
    if (order <= 0) {
        nn_tensor_unref(x0);
        return interp_error(I, ERR_VALUE, "normalize: order must be positive, not %g", order);
    }
    x = nn_dtype_is_float(x0->dtype) ? nn_tensor_ref(x0) : nn_tensor_cast(ctx, x0, NN_F64);
    if (x && (n = lp_norm(ctx, x, (int)axis, order)) &&
        (z = nn_tensor_scalar(ctx, x->dtype, 0)) && (one = nn_tensor_scalar(ctx, x->dtype, 1))) {
        NnTensor *iszero = nn_binary(ctx, NN_EQ, n, z, x->dtype);
        if (iszero)
            safe = nn_where(ctx, iszero, one, n, x->dtype);
        nn_tensor_unref(iszero);
        if (safe)
            r = nn_binary(ctx, NN_DIV, x, safe, x->dtype);
    }
    nn_tensor_unref(safe);
    nn_tensor_unref(one);
    nn_tensor_unref(z);
    nn_tensor_unref(n);
    nn_tensor_unref(x);
    nn_tensor_unref(x0);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool u_set_random_seed(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[1];
    int64_t s;
    if (!args_parse(I, "set_random_seed", a, "seed", v) || !arg_int(I, "set_random_seed", "seed", v[0], &s))
        return false;
    nn_rng_seed(interp_nn(I), (uint32_t)s);
    *out = val_none();
    return true;
}

const NativeDef keras_utils_defs[] = {
    {"to_categorical", u_to_categorical, "to_categorical(y, num_classes=None, dtype='float32')",
     "Integer labels to one-hot rows (float32).\n"
     "    tf.keras.utils.to_categorical([0, 2], num_classes=3)"},
    {"normalize", u_normalize, "normalize(x, axis=-1, order=2)",
     "Divides x by its L-order norm along axis (a zero norm is left alone).\n"
     "    tf.keras.utils.normalize(np.array([[3.0, 4.0]]))   # [[0.6 0.8]]"},
    {"set_random_seed", u_set_random_seed, "set_random_seed(seed)",
     "Seeds nnsh's generator (numpy, tf and keras share it)."},
    {NULL, NULL, NULL, NULL},
};

static bool b_clear_session(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value none_[1];
    if (!args_parse(I, "clear_session", a, "", none_) || !keras_clear_session(I))
        return false;
    *out = val_none();
    return true;
}

static bool b_floatx(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value none_[1];
    return args_parse(I, "floatx", a, "", none_) && str_from_cstr(I, "float32", out);
}

const NativeDef keras_backend_defs[] = {
    {"clear_session", b_clear_session, "clear_session()",
     "Resets the automatic layer and model names (dense, dense_1, ...)."},
    {"floatx", b_floatx, "floatx()", "The default float type: 'float32'."},
    {NULL, NULL, NULL, NULL},
};

/* ---------------------------------------------------------------- class identity */

bool keras_class_type(Interp *I, const NativeClass *cls, NativeFn ctor, Value *out)
{
    Value mod;
    if (!native_class_type(I, cls, ctor, out))
        return false;
    ObjType *t = (ObjType *)out->as.o;
    if (!cls->module || t->dict.kind != VAL_OBJ || dict_find_cstr(t->dict, "__module__"))
        return true;
    bool ok = str_from_cstr(I, cls->module, &mod);
    if (ok) {
        ok = dict_set_str(I, t->dict, "__module__", mod);
        value_decref(mod);
    }
    if (!ok)
        value_decref(*out);
    return ok;
}

bool keras_class_set_module(Interp *I, Value cls, const char *module)
{
    Value mod, dict = val_is_obj(cls, OBJ_TYPE) ? ((ObjType *)cls.as.o)->dict : cls;
    if (!str_from_cstr(I, module, &mod))
        return false;
    bool ok = dict_set_str(I, dict, "__module__", mod);
    value_decref(mod);
    return ok;
}

/* The classes that are only reached through type(x) (what fit returns, the
 * functional model, keras.Input's tensor) get their type and __module__
 * when keras is imported, as the classes exposed by name do. */
bool keras_class_types_register(Interp *I)
{
    static const NativeClass *const hidden[] = {
        &keras_history_class, &keras_functional_class, &keras_tensor_class,
    };
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
        Value t;
        if (!keras_class_type(I, hidden[i], NULL, &t))
            return false;
        value_decref(t);
    }
    return true;
}
