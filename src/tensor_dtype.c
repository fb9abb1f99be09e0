/* tensor_dtype.c - the small values around tensors: dtype objects
 * (tf.float32, np.float32, a.dtype), TensorShape (tf's .shape), numpy's
 * print options, the display of tensor values, and argument helpers shared
 * by mod_tf.c and mod_np.c.
 *
 * Owned by the tensor-language part (see tensor_value.h).  The numpy print
 * options live in the numpy module (attribute `_printoptions`, a PrintOpts
 * instance), so each Interp has its own and no static state is needed.
 */
#include <stdlib.h>
#include <string.h>
#include "tensor_value.h"
#include "tensor_format.h"

/* ---- dtype objects ---- */

typedef struct DTypeObj {
    NnDType dt;
    DTypeKind kind;
} DTypeObj;

static bool dt_repr(Interp *I, Value self, StrBuf *sb);
static bool dt_str(Interp *I, Value self, StrBuf *sb);
static bool dt_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled);
static bool dt_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool dt_call(Interp *I, Value self, const Args *a, Value *out);

static const char *const dt_attrs[] = {
    "name", "is_floating", "is_integer", "is_bool", "itemsize", "kind", "type",
    "as_numpy_dtype", "size", NULL
};

static const NativeClass dtype_classes[3] = {
    [DTYPE_TF] = { .name = "DType", .finalize = free, .getattr = dt_getattr, .repr = dt_repr,
                   .str = dt_str, .compare = dt_compare, .attrs = dt_attrs,
                   .doc = "A TensorFlow dtype: tf.float32, tf.int32, tf.bool, ..." },
    [DTYPE_NP] = { .name = "dtype", .finalize = free, .getattr = dt_getattr, .repr = dt_repr,
                   .str = dt_str, .compare = dt_compare, .attrs = dt_attrs,
                   .doc = "A numpy dtype: a.dtype, np.dtype('float32')." },
    [DTYPE_NP_TYPE] = { .name = "type", .finalize = free, .getattr = dt_getattr,
                        .repr = dt_repr, .str = dt_str, .compare = dt_compare,
                        .call = dt_call, .attrs = dt_attrs,
                        .doc = "A numpy scalar type: np.float32(1.5) makes a numpy scalar; "
                               "also a dtype argument (dtype=np.float32)." },
};

static DTypeObj *dt_obj(Value v)
{
    for (int k = 0; k < 3; k++) {
        DTypeObj *d = native_obj_data(v, &dtype_classes[k]);
        if (d)
            return d;
    }
    return NULL;
}

bool tensor_dtype_value(Interp *I, NnDType dt, DTypeKind kind, Value *out)
{
    if (kind == DTYPE_NP_TYPE)   /* np.float32 is the scalars' class itself */
        return tensor_np_scalar_type(I, dt, out);
    DTypeObj *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    d->dt = dt;
    d->kind = kind;
    return native_obj_new(I, &dtype_classes[kind], d, out);
}

/* numpy's name of the scalar type: np.bool_ prints <class 'numpy.bool_'>. */
static const char *np_type_name(NnDType dt)
{
    return dt == NN_BOOL ? "bool_" : nn_dtype_name(dt);
}

static bool dt_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    DTypeObj *d = dt_obj(self);
    if (d->kind == DTYPE_TF)
        sb_printf(sb, "tf.%s", nn_dtype_name(d->dt));
    else if (d->kind == DTYPE_NP)
        sb_printf(sb, "dtype('%s')", nn_dtype_name(d->dt));
    else
        sb_printf(sb, "<class 'numpy.%s'>", np_type_name(d->dt));
    return true;
}

static bool dt_str(Interp *I, Value self, StrBuf *sb)
{
    DTypeObj *d = dt_obj(self);
    if (d->kind == DTYPE_TF)
        sb_printf(sb, "<dtype: '%s'>", nn_dtype_name(d->dt));
    else if (d->kind == DTYPE_NP)
        sb_puts(sb, nn_dtype_name(d->dt));
    else
        return dt_repr(I, self, sb);
    return true;
}

/* Python's built-in types int/float/bool as dtypes (numpy's meaning). */
static bool pytype_dtype(Interp *I, Value v, NnDType *out, bool *found)
{
    StrBuf sb;
    *found = false;
    if (!val_is_obj(v, OBJ_TYPE))
        return true;
    sb_init(&sb);
    bool ok = value_repr(I, v, &sb);
    if (ok && sb.data) {
        *found = true;
        if (strcmp(sb.data, "<class 'float'>") == 0)
            *out = NN_F64;
        else if (strcmp(sb.data, "<class 'int'>") == 0)
            *out = NN_I64;
        else if (strcmp(sb.data, "<class 'bool'>") == 0)
            *out = NN_BOOL;
        else
            *found = false;
    }
    sb_free(&sb);
    return ok;
}

bool tensor_dtype_from_value(Interp *I, Value v, NnDType *out)
{
    DTypeObj *d = dt_obj(v);
    bool found;
    if (d) {
        *out = d->dt;
        return true;
    }
    if (tensor_np_scalar_type_dtype(v, out))
        return true;
    if (val_is_obj(v, OBJ_STR)) {
        const char *s = str_cstr(v);
        if (strcmp(s, "bool_") == 0 || strcmp(s, "bool8") == 0) {
            *out = NN_BOOL;
            return true;
        }
        if (nn_dtype_from_name(s, out))
            return true;
        return interp_error(I, ERR_TYPE, "data type '%s' not understood", s);
    }
    if (!pytype_dtype(I, v, out, &found))
        return false;
    if (found)
        return true;
    StrBuf sb;
    sb_init(&sb);
    value_repr(I, v, &sb);
    interp_clear_error(I);
    interp_error(I, ERR_TYPE, "Cannot interpret '%s' as a data type", sb.data ? sb.data : "?");
    sb_free(&sb);
    return false;
}

bool tensor_dtype_arg(Interp *I, Value v, int *out)
{
    NnDType dt;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        *out = -1;
        return true;
    }
    if (!tensor_dtype_from_value(I, v, &dt))
        return false;
    *out = (int)dt;
    return true;
}

static bool dt_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    NnDType da, db;
    *handled = false;
    if (op != CMP_EQ && op != CMP_NE)
        return true;
    *handled = true;
    bool eq = false;
    if (tensor_dtype_from_value(I, a, &da) && tensor_dtype_from_value(I, b, &db))
        eq = da == db;
    else
        interp_clear_error(I);
    *out = val_bool(op == CMP_EQ ? eq : !eq);
    return true;
}

static bool dt_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    DTypeObj *d = dt_obj(self);
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, d->kind == DTYPE_NP_TYPE ? np_type_name(d->dt)
                             : nn_dtype_name(d->dt), out);
    if (strcmp(name, "is_floating") == 0)
        *out = val_bool(nn_dtype_is_float(d->dt));
    else if (strcmp(name, "is_integer") == 0)
        *out = val_bool(nn_dtype_is_int(d->dt));
    else if (strcmp(name, "is_bool") == 0)
        *out = val_bool(d->dt == NN_BOOL);
    else if (strcmp(name, "itemsize") == 0 || strcmp(name, "size") == 0)
        *out = val_int((int64_t)nn_dtype_size(d->dt));
    else if (strcmp(name, "kind") == 0)
        return str_from_cstr(I, d->dt == NN_BOOL ? "b" : d->dt == NN_U8 ? "u"
                             : nn_dtype_is_int(d->dt) ? "i" : "f", out);
    else if (strcmp(name, "type") == 0 || strcmp(name, "as_numpy_dtype") == 0)
        return tensor_dtype_value(I, d->dt, DTYPE_NP_TYPE, out);
    else
        *found = false;
    return true;
}

static bool dt_call(Interp *I, Value self, const Args *a, Value *out)
{
    return tensor_np_scalar_call(I, dt_obj(self)->dt, a, out);
}

/* np.float32(x): a numpy scalar for a number, an array for a sequence. */
bool tensor_np_scalar_call(Interp *I, NnDType dt, const Args *a, Value *out)
{
    Value arg[1];
    NnTensor *t;
    if (!args_parse(I, np_type_name(dt), a, "x=", arg))
        return false;
    if (arg[0].kind == VAL_UNSET)
        arg[0] = val_int(0);
    if (val_is_obj(arg[0], OBJ_STR))
        return interp_error(I, ERR_VALUE, "could not convert string to %s: '%s'",
                            nn_dtype_name(dt), str_cstr(arg[0]));
    if (!tensor_from_value(I, arg[0], dt, TENSOR_NP, &t))
        return false;
    if (t->ndim == 0 && tensor_value_is(arg[0])) {   /* a fresh scalar, not a view */
        NnTensor *c = nn_tensor_copy(interp_nn(I), t);
        nn_tensor_unref(t);
        if (!c)
            return interp_error_from_nn(I);
        t = c;
    }
    return tensor_value_np(I, t, out);
}

/* ---- TensorShape ---- */

typedef struct ShapeObj {
    int ndim;
    int64_t shape[NN_MAXDIM];
} ShapeObj;

static bool shape_repr(Interp *I, Value self, StrBuf *sb);
static bool shape_str(Interp *I, Value self, StrBuf *sb);
static bool shape_getitem(Interp *I, Value self, Value key, Value *out);
static bool shape_len(Interp *I, Value self, int64_t *out);
static bool shape_iter(Interp *I, Value self, Value *it);
static bool shape_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled);
static bool shape_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool shape_as_list(Interp *I, Value self, const Args *a, Value *out);

static const NativeDef shape_methods[] = {
    {"as_list", shape_as_list, "as_list()", "The dimensions as a list of ints."},
    {NULL, NULL, NULL, NULL}
};
static const char *const shape_attrs[] = {"rank", "ndims", "dims", NULL};

static const NativeClass shape_class = {
    .name = "TensorShape", .finalize = free, .getattr = shape_getattr, .repr = shape_repr,
    .str = shape_str, .compare = shape_compare, .getitem = shape_getitem, .len = shape_len,
    .iter = shape_iter, .attrs = shape_attrs, .methods = shape_methods,
    .doc = "The shape of a tf tensor: prints as (2, 3); indexable; as_list()."
};

bool tensor_shape_value(Interp *I, int ndim, const int64_t *shape, Value *out)
{
    ShapeObj *s = malloc(sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->ndim = ndim;
    memcpy(s->shape, shape, sizeof(int64_t) * (size_t)ndim);
    return native_obj_new(I, &shape_class, s, out);
}

bool tensor_shape_tuple(Interp *I, int ndim, const int64_t *shape, Value *out)
{
    Value t;
    if (!tuple_new(I, (size_t)ndim, &t))
        return false;
    for (int i = 0; i < ndim; i++)
        as_list(t)->items[i] = val_int(shape[i]);
    *out = t;
    return true;
}

static bool shape_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    ShapeObj *s = native_obj_data(self, &shape_class);
    sb_puts(sb, "TensorShape([");
    for (int i = 0; i < s->ndim; i++)
        sb_printf(sb, "%s%lld", i ? ", " : "", (long long)s->shape[i]);
    sb_puts(sb, "])");
    return true;
}

static bool shape_str(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    ShapeObj *s = native_obj_data(self, &shape_class);
    tensor_format_shape(s->ndim, s->shape, sb);
    return true;
}

static bool shape_getitem(Interp *I, Value self, Value key, Value *out)
{
    ShapeObj *s = native_obj_data(self, &shape_class);
    Value tup, r;
    if (!val_is_obj(key, OBJ_SLICE)) {
        int64_t i;
        if (!value_as_index(I, key, &i))
            return false;
        if (i < 0)
            i += s->ndim;
        if (i < 0 || i >= s->ndim)
            return interp_error(I, ERR_INDEX, "list index out of range");
        *out = val_int(s->shape[i]);
        return true;
    }
    if (!tensor_shape_tuple(I, s->ndim, s->shape, &tup))
        return false;
    bool ok = value_getitem(I, tup, key, &r);
    value_decref(tup);
    if (!ok)
        return false;
    ObjList *l = as_list(r);
    int64_t dims[NN_MAXDIM];
    for (size_t i = 0; i < l->len; i++)
        dims[i] = l->items[i].as.i;
    ok = tensor_shape_value(I, (int)l->len, dims, out);
    value_decref(r);
    return ok;
}

static bool shape_len(Interp *I, Value self, int64_t *out)
{
    (void)I;
    *out = ((ShapeObj *)native_obj_data(self, &shape_class))->ndim;
    return true;
}

static bool shape_as_list(Interp *I, Value self, const Args *a, Value *out)
{
    ShapeObj *s = native_obj_data(self, &shape_class);
    Value l;
    if (!args_parse(I, "as_list", a, "", (Value[1]){{0}}) || !list_new(I, (size_t)s->ndim, &l))
        return false;
    for (int i = 0; i < s->ndim; i++)
        if (!list_append(I, l, val_int(s->shape[i]))) {
            value_decref(l);
            return false;
        }
    *out = l;
    return true;
}

static bool shape_iter(Interp *I, Value self, Value *it)
{
    ShapeObj *s = native_obj_data(self, &shape_class);
    Value tup;
    if (!tensor_shape_tuple(I, s->ndim, s->shape, &tup))
        return false;
    bool ok = value_iter(I, tup, it);
    value_decref(tup);
    return ok;
}

/* A TensorShape, list or tuple of ints as dims; false (no error) otherwise. */
static bool shape_dims(Value v, int *ndim, int64_t *dims)
{
    ShapeObj *s = native_obj_data(v, &shape_class);
    if (s) {
        *ndim = s->ndim;
        memcpy(dims, s->shape, sizeof(int64_t) * (size_t)s->ndim);
        return true;
    }
    if (!val_is_obj(v, OBJ_LIST) && !val_is_obj(v, OBJ_TUPLE))
        return false;
    ObjList *l = as_list(v);
    if (l->len > NN_MAXDIM)
        return false;
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i].kind != VAL_INT)
            return false;
        dims[i] = l->items[i].as.i;
    }
    *ndim = (int)l->len;
    return true;
}

static bool shape_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    (void)I;
    int na, nb;
    int64_t da[NN_MAXDIM], db[NN_MAXDIM];
    *handled = false;
    if (op != CMP_EQ && op != CMP_NE)
        return true;
    *handled = true;
    bool eq = shape_dims(a, &na, da) && shape_dims(b, &nb, db) && na == nb &&
              memcmp(da, db, sizeof(int64_t) * (size_t)na) == 0;
    *out = val_bool(op == CMP_EQ ? eq : !eq);
    return true;
}

static bool shape_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    ShapeObj *s = native_obj_data(self, &shape_class);
    *found = true;
    if (strcmp(name, "rank") == 0 || strcmp(name, "ndims") == 0) {
        *out = val_int(s->ndim);
        return true;
    }
    if (strcmp(name, "dims") == 0)
        return shape_as_list(I, self, &(Args){0, NULL, 0, NULL, NULL}, out);
    *found = false;
    return true;
}

/* ---- argument helpers ---- */

bool tensor_shape_arg(Interp *I, const char *fname, Value v, int *ndim, int64_t *shape)
{
    NnTensor *t = tensor_value_get(v);
    if (shape_dims(v, ndim, shape))
        return true;
    if (v.kind == VAL_INT) {
        *ndim = 1;
        shape[0] = v.as.i;
        return true;
    }
    if (t && t->ndim <= 1 && !nn_dtype_is_float(t->dtype) && nn_tensor_numel(t) <= NN_MAXDIM) {
        *ndim = t->ndim == 0 ? 1 : (int)t->shape[0];
        for (int i = 0; i < *ndim; i++)
            shape[i] = nn_tensor_get_i64(t, i);
        return true;
    }
    if (t && t->ndim == 0 && t->dtype != NN_BOOL && !nn_dtype_is_float(t->dtype)) {
        *ndim = 1;
        shape[0] = nn_tensor_get_i64(t, 0);
        return true;
    }
    return arg_int_seq(I, fname, "shape", v, shape, NN_MAXDIM, ndim);
}

static bool axis_norm(Interp *I, int64_t ax, int ndim, int *out)
{
    if (ax < -ndim || ax >= (ndim == 0 ? 1 : ndim))
        return interp_error(I, ERR_VALUE, "axis %lld is out of bounds for array of dimension %d",
                            (long long)ax, ndim);
    *out = (int)(ax < 0 ? ax + ndim : ax);
    return true;
}

bool tensor_axes_arg(Interp *I, Value v, int ndim, int *axes, int *naxes)
{
    int64_t raw[NN_MAXDIM];
    int n = 0;
    *naxes = 0;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_int_seq(I, "reduce", "axis", v, raw, NN_MAXDIM, &n))
        return false;
    for (int i = 0; i < n; i++) {
        if (!axis_norm(I, raw[i], ndim, &axes[i]))
            return false;
        for (int j = 0; j < i; j++)
            if (axes[j] == axes[i])
                return interp_error(I, ERR_VALUE, "duplicate value in 'axis'");
    }
    *naxes = n;
    return true;
}

bool tensor_axis_arg(Interp *I, Value v, int ndim, int dflt, int *axis)
{
    int64_t ax;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        *axis = dflt;
        return true;
    }
    if (!value_as_index(I, v, &ax))
        return false;
    return axis_norm(I, ax, ndim, axis);
}

bool tensor_list_arg(Interp *I, Value v, TensorFlavour fl, NnTensor ***ts, int *n)
{
    Value list;
    if (!value_to_list(I, v, &list))
        return false;
    ObjList *l = as_list(list);
    NnTensor **arr = calloc(l->len ? l->len : 1, sizeof *arr);
    bool ok = arr != NULL;
    if (!ok)
        interp_error(I, ERR_MEMORY, "out of memory");
    for (size_t i = 0; ok && i < l->len; i++)
        ok = tensor_from_value(I, l->items[i], -1, fl, &arr[i]);
    if (ok) {
        *ts = arr;
        *n = (int)l->len;
    } else if (arr) {
        tensor_list_free(arr, (int)l->len);
    }
    value_decref(list);
    return ok;
}

void tensor_list_free(NnTensor **ts, int n)
{
    for (int i = 0; i < n; i++)
        nn_tensor_unref(ts[i]);
    free(ts);
}

/* ---- print options (np.set_printoptions) ---- */

static const NativeClass popts_class = {
    .name = "_PrintOptions", .finalize = free,
    .doc = "numpy's print options of this session (np.set_printoptions)."
};

/* The session's options, or NULL (defaults) when numpy has none yet. */
static PrintOptions *print_options(Interp *I)
{
    Value np, po;
    bool found = false;
    if (!interp_import(I, "numpy", &np)) {
        interp_clear_error(I);
        return NULL;
    }
    PrintOptions *o = NULL;
    if (module_get(I, np, "_printoptions", &po, &found) && found) {
        o = native_obj_data(po, &popts_class);
        value_decref(po);
    }
    interp_clear_error(I);
    value_decref(np);
    return o;
}

bool tensor_printoptions_new(Interp *I, Value *out)
{
    PrintOptions *o = malloc(sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    print_options_default(o);
    return native_obj_new(I, &popts_class, o, out);
}

PrintOptions *tensor_printoptions_get(Value v)
{
    return native_obj_data(v, &popts_class);
}

/* ---- display ---- */

bool tensor_repr(Interp *I, Value self, StrBuf *sb)
{
    NnTensor *t = tensor_value_get(self);
    TensorFlavour fl = tensor_value_flavour(self);
    const PrintOptions *o = print_options(I);
    bool ok = fl == TENSOR_TF ? tensor_format_tf_opts(t, o, sb)
            : fl == TENSOR_SCALAR ? tensor_format_scalar_np(t, sb, true)
            : tensor_format_np_repr(t, o, sb);
    return ok ? true : interp_error(I, ERR_MEMORY, "out of memory formatting a tensor");
}

bool tensor_str(Interp *I, Value self, StrBuf *sb)
{
    NnTensor *t = tensor_value_get(self);
    TensorFlavour fl = tensor_value_flavour(self);
    const PrintOptions *o = print_options(I);
    bool ok = fl == TENSOR_TF ? tensor_format_tf_opts(t, o, sb)
            : fl == TENSOR_SCALAR ? tensor_format_scalar_np(t, sb, false)
            : tensor_format_np_str(t, o, sb);
    return ok ? true : interp_error(I, ERR_MEMORY, "out of memory formatting a tensor");
}

bool tensor_print_text(Interp *I, NnTensor *t, StrBuf *sb)
{
    bool ok = t->ndim == 0 ? tensor_format_scalar_np(t, sb, false)
                           : tensor_format_np_str(t, print_options(I), sb);
    return ok ? true : interp_error(I, ERR_MEMORY, "out of memory formatting a tensor");
}
