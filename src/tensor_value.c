/* tensor_value.c - the tensor value classes (EagerTensor, ndarray, numpy
 * scalars), conversion from Python values, and the operators.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Dtype rules follow
 * the originals: numpy 1.24's legacy promotion (Python numbers and 0-d
 * operands are "weak" against arrays of the same kind), TF's conversion of
 * Python numbers to the tensor's dtype.  Where TF would refuse two tensors of
 * different dtypes, nnsh promotes them as numpy does.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include "tensor_value.h"
#include "autodiff.h"

static void tensor_finalize(void *data)
{
    TensorObj *o = data;
    nn_tensor_unref(o->t);
    free(o);
}

static bool tv_binop(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled);
static bool tv_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled);
static bool tv_unop(Interp *I, UnOp op, Value self, Value *out);
static bool tv_len(Interp *I, Value self, int64_t *out);
static bool tv_iter(Interp *I, Value self, Value *it);
static bool tv_truth(Interp *I, Value self, bool *out);
static bool tv_to_float(Interp *I, Value self, double *out);
static bool tv_to_int(Interp *I, Value self, int64_t *out);
/* tensor_inplace.c */
bool tensor_inplace(Interp *I, BinOp op, Value self, Value rhs, Value *out, bool *handled);
/* tensor_format_spec.c */
bool tensor_format_spec(Interp *I, Value self, const char *spec, size_t len, StrBuf *sb,
                        bool *handled);

#define TENSOR_CLASS(NAME, MOD, DOC) { \
    .name = NAME, .finalize = tensor_finalize, .getattr = tensor_getattr, \
    .repr = tensor_repr, .str = tensor_str, .binop = tv_binop, .compare = tv_compare, \
    .unop = tv_unop, .getitem = tensor_getitem, .setitem = tensor_setitem, \
    .len = tv_len, .iter = tv_iter, .truth = tv_truth, .to_float = tv_to_float, \
    .to_int = tv_to_int, .attrs = tensor_attr_names, .methods = tensor_methods, .doc = DOC, \
    .inplace = tensor_inplace, .module = MOD, .format = tensor_format_spec }

static const NativeClass tf_class = TENSOR_CLASS("EagerTensor", "tensorflow.python.framework.ops",
    "A TensorFlow tensor: immutable, printed as tf.Tensor(value, shape=..., dtype=...).\n"
    "Made by tf.constant, tf.zeros, tf ops; .numpy() gives a numpy array.");
static const NativeClass np_class = TENSOR_CLASS("ndarray", "numpy",
    "A numpy array: printed as numpy prints it, supports item assignment.\n"
    "Made by np.array, np.zeros, np.arange, ...");
/* numpy scalars: one class per dtype so type(x).__name__ is numpy's. */
static const NativeClass scalar_classes[NN_NDTYPES] = {
    [NN_BOOL] = TENSOR_CLASS("bool_", "numpy", "A numpy bool scalar."),
    [NN_U8] = TENSOR_CLASS("uint8", "numpy", "A numpy uint8 scalar."),
    [NN_I32] = TENSOR_CLASS("int32", "numpy", "A numpy int32 scalar."),
    [NN_I64] = TENSOR_CLASS("int64", "numpy", "A numpy int64 scalar."),
    [NN_F32] = TENSOR_CLASS("float32", "numpy", "A numpy float32 scalar."),
    [NN_F64] = TENSOR_CLASS("float64", "numpy", "A numpy float64 scalar."),
};

const NativeClass *tensor_scalar_class(NnDType dt)
{
    return (int)dt >= 0 && dt < NN_NDTYPES && scalar_classes[dt].name ? &scalar_classes[dt] : NULL;
}

static void var_finalize(void *data)
{
    VarObj *o = data;
    nn_tensor_unref(o->base.t);
    free(o->name);
    free(o);
}

/* tf.Variable: the tensor classes' slots, with its own attributes and display. */
const NativeClass tensor_variable_class = {
    .name = "ResourceVariable", .module = "tensorflow.python.ops.resource_variable_ops",
    .finalize = var_finalize, .getattr = autodiff_var_getattr,
    .repr = autodiff_var_repr, .str = autodiff_var_repr, .binop = tv_binop,
    .compare = tv_compare, .unop = tv_unop, .getitem = tensor_getitem, .len = tv_len,
    .iter = tv_iter, .truth = tv_truth, .to_float = tv_to_float, .to_int = tv_to_int,
    .attrs = autodiff_var_attrs, .methods = autodiff_var_methods, .format = tensor_format_spec,
    .doc = "A tf.Variable: a mutable tensor that GradientTapes watch (when trainable).\n"
           "  w = tf.Variable(3.0); w.assign_sub(0.1); w.numpy()",
};

static TensorObj *tv_obj(Value v)
{
    if (!val_is_obj(v, OBJ_NATIVE_OBJ))
        return NULL;
    const NativeClass *cls = ((ObjNativeObj *)v.as.o)->cls;
    if (cls == &tf_class || cls == &np_class || cls == &tensor_variable_class ||
        (cls >= scalar_classes && cls < scalar_classes + NN_NDTYPES))
        return ((ObjNativeObj *)v.as.o)->data;
    return NULL;
}

NnTensor *tensor_value_get(Value v)
{
    TensorObj *o = tv_obj(v);
    return o ? o->t : NULL;
}

bool tensor_value_is(Value v) { return tv_obj(v) != NULL; }

TensorFlavour tensor_value_flavour(Value v)
{
    TensorObj *o = tv_obj(v);
    return o ? o->fl : TENSOR_NP;
}

bool tensor_value_new(Interp *I, NnTensor *t, TensorFlavour fl, Value *out)
{
    if (fl == TENSOR_SCALAR && t->ndim != 0)
        fl = TENSOR_NP;
    TensorObj *o = malloc(sizeof *o);
    if (!o) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    o->t = t;
    o->fl = fl;
    const NativeClass *cls = fl == TENSOR_TF ? &tf_class
                           : fl == TENSOR_NP ? &np_class : &scalar_classes[t->dtype];
    /* native_obj_new finalizes o itself when it fails */
    return native_obj_new(I, cls, o, out);
}

bool tensor_variable_new(Interp *I, NnTensor *t, const char *name, bool trainable, Value *out)
{
    VarObj *o = calloc(1, sizeof *o);
    char *nm = strdup(name);
    if (!o || !nm) {
        free(o);
        free(nm);
        nn_tensor_unref(t);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    o->base.t = t;
    o->base.fl = TENSOR_TF;
    o->name = nm;
    o->trainable = trainable;
    t->requires_grad = trainable && nn_dtype_is_float(t->dtype);
    return native_obj_new(I, &tensor_variable_class, o, out);   /* finalizes o on failure */
}

VarObj *tensor_variable_get(Value v)
{
    return native_obj_data(v, &tensor_variable_class);
}

bool tensor_value_np(Interp *I, NnTensor *t, Value *out)
{
    if (!t)
        return interp_error_from_nn(I);
    return tensor_value_new(I, t, t->ndim == 0 ? TENSOR_SCALAR : TENSOR_NP, out);
}

bool tensor_value_wrap(Interp *I, NnTensor *t, TensorFlavour fl, Value *out)
{
    if (!t)
        return interp_error_from_nn(I);
    if (fl == TENSOR_SCALAR)
        fl = TENSOR_NP;
    if (fl == TENSOR_NP && t->ndim == 0)
        fl = TENSOR_SCALAR;
    return tensor_value_new(I, t, fl, out);
}

/* ---- conversion from Python values ---- */

static bool is_seq(Value v)
{
    return val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE);
}

static bool is_number(Value v)
{
    return v.kind == VAL_BOOL || v.kind == VAL_INT || v.kind == VAL_FLOAT;
}

typedef struct Scan {
    int ndim;                       /* total dims (list dims + leaf tensor dims) */
    int nlist;                      /* dims made by lists */
    int64_t shape[NN_MAXDIM];
    bool has_bool, has_int, has_float;
    int tdtype;                     /* promoted dtype of tensor leaves, -1 none */
    bool big;                       /* an int outside int32 */
} Scan;

/* Follows the first elements down to find the candidate shape. */
static bool scan_shape(Interp *I, Value v, Scan *s)
{
    bool empty = false;
    s->ndim = 0;
    while (is_seq(v)) {
        if (s->ndim == NN_MAXDIM)
            return interp_error(I, ERR_VALUE, "too many dimensions (nnsh tensors have at most %d)",
                                NN_MAXDIM);
        ObjList *l = as_list(v);
        s->shape[s->ndim++] = (int64_t)l->len;
        if (l->len == 0) {
            empty = true;
            break;
        }
        v = l->items[0];
    }
    s->nlist = s->ndim;
    NnTensor *t = empty ? NULL : tensor_value_get(v);
    if (t) {
        if (s->ndim + t->ndim > NN_MAXDIM)
            return interp_error(I, ERR_VALUE, "too many dimensions (nnsh tensors have at most %d)",
                                NN_MAXDIM);
        for (int i = 0; i < t->ndim; i++)
            s->shape[s->ndim++] = t->shape[i];
    }
    return true;
}

static bool ragged(Interp *I, const Scan *s, int depth, TensorFlavour fl)
{
    if (fl == TENSOR_TF)
        return interp_error(I, ERR_VALUE, "Can't convert non-rectangular Python sequence to Tensor.");
    char buf[160];
    nn_shape_str(depth, s->shape, buf, sizeof buf);
    return interp_error(I, ERR_VALUE, "setting an array element with a sequence. The requested "
                        "array has an inhomogeneous shape after %d dimensions. The detected "
                        "shape was %s + inhomogeneous part.", depth, buf);
}

static bool scan_leaf(Interp *I, Value v, int depth, Scan *s, TensorFlavour fl)
{
    NnTensor *t = tensor_value_get(v);
    if (t) {
        if (t->ndim != s->ndim - s->nlist)
            return ragged(I, s, depth, fl);
        for (int i = 0; i < t->ndim; i++)
            if (t->shape[i] != s->shape[s->nlist + i])
                return ragged(I, s, depth, fl);
        s->tdtype = s->tdtype < 0 ? (int)t->dtype : (int)nn_promote(s->tdtype, t->dtype);
        return true;
    }
    if (is_seq(v) || s->ndim != s->nlist)
        return ragged(I, s, depth, fl);
    if (v.kind == VAL_BOOL)
        s->has_bool = true;
    else if (v.kind == VAL_INT) {
        s->has_int = true;
        if (v.as.i > INT32_MAX || v.as.i < INT32_MIN)
            s->big = true;
    } else if (v.kind == VAL_FLOAT)
        s->has_float = true;
    else if (v.kind == VAL_NONE && fl != TENSOR_TF)
        s->has_float = true;    /* numpy makes an object array; nnsh a float nan */
    else
        return interp_error(I, ERR_TYPE, "cannot convert a %s to a tensor (tensors hold numbers)",
                            value_type_name(v));
    return true;
}

static bool scan_check(Interp *I, Value v, int depth, Scan *s, TensorFlavour fl)
{
    if (depth >= s->nlist)
        return scan_leaf(I, v, depth, s, fl);
    if (!is_seq(v) || (int64_t)as_list(v)->len != s->shape[depth])
        return ragged(I, s, depth, fl);
    ObjList *l = as_list(v);
    for (size_t i = 0; i < l->len; i++)
        if (!scan_check(I, l->items[i], depth + 1, s, fl))
            return false;
    return true;
}

static NnDType scan_dtype(const Scan *s, TensorFlavour fl)
{
    int py = -1;
    if (s->has_float)
        py = fl == TENSOR_TF ? NN_F32 : NN_F64;
    else if (s->has_int)
        py = fl == TENSOR_TF && !s->big ? NN_I32 : NN_I64;
    else if (s->has_bool)
        py = NN_BOOL;
    if (s->tdtype < 0)
        return py < 0 ? (fl == TENSOR_TF ? NN_F32 : NN_F64) : (NnDType)py;
    if (py < 0)
        return (NnDType)s->tdtype;
    return nn_promote((NnDType)s->tdtype, (NnDType)py);
}

static void fill_number(NnTensor *t, int64_t flat, Value v)
{
    if (v.kind == VAL_FLOAT || v.kind == VAL_NONE) {
        double f = v.kind == VAL_NONE ? NAN : v.as.f;
        if (t->dtype == NN_BOOL)
            nn_tensor_set_i64(t, flat, f != 0);
        else
            nn_tensor_set_f64(t, flat, f);
    } else {
        int64_t i = v.kind == VAL_BOOL ? v.as.b : v.as.i;
        if (nn_dtype_is_float(t->dtype))
            nn_tensor_set_f64(t, flat, (double)i);
        else
            nn_tensor_set_i64(t, flat, t->dtype == NN_BOOL ? i != 0 : i);
    }
}

static void fill_tensor(NnTensor *t, int64_t *flat, const NnTensor *src)
{
    int64_t n = nn_tensor_numel(src);
    bool f = nn_dtype_is_float(src->dtype) || nn_dtype_is_float(t->dtype);
    for (int64_t i = 0; i < n; i++, (*flat)++) {
        if (t->dtype == NN_BOOL)
            nn_tensor_set_i64(t, *flat, nn_tensor_get_f64(src, i) != 0);
        else if (f)
            nn_tensor_set_f64(t, *flat, nn_tensor_get_f64(src, i));
        else
            nn_tensor_set_i64(t, *flat, nn_tensor_get_i64(src, i));
    }
}

static void fill(NnTensor *t, Value v, int depth, const Scan *s, int64_t *flat)
{
    if (depth < s->nlist) {
        ObjList *l = as_list(v);
        for (size_t i = 0; i < l->len; i++)
            fill(t, l->items[i], depth + 1, s, flat);
        return;
    }
    NnTensor *src = tensor_value_get(v);
    if (src)
        fill_tensor(t, flat, src);
    else
        fill_number(t, (*flat)++, v);
}

static bool from_tensor(Interp *I, NnTensor *t, int dtype, NnTensor **out)
{
    if (dtype < 0 || (NnDType)dtype == t->dtype) {
        *out = nn_tensor_ref(t);
        return true;
    }
    *out = ad_cast(I, nn_tensor_cast(interp_nn(I), t, (NnDType)dtype), t);
    return *out ? true : interp_error_from_nn(I);
}

bool tensor_from_value(Interp *I, Value v, int dtype, TensorFlavour fl, NnTensor **out)
{
    NnTensor *t = tensor_value_get(v);
    if (t)
        return from_tensor(I, t, dtype, out);
    if (val_is_obj(v, OBJ_RANGE)) {    /* np.array(range(n)) reads the numbers */
        Value l;
        if (!value_to_list(I, v, &l))
            return false;
        bool ok = tensor_from_value(I, l, dtype, fl, out);
        value_decref(l);
        return ok;
    }
    Scan s;
    memset(&s, 0, sizeof s);
    s.tdtype = -1;
    if (!scan_shape(I, v, &s) || !scan_check(I, v, 0, &s, fl))
        return false;
    NnDType dt = dtype >= 0 ? (NnDType)dtype : scan_dtype(&s, fl);
    NnTensor *r = nn_tensor_new(interp_nn(I), dt, s.ndim, s.shape);
    if (!r)
        return interp_error_from_nn(I);
    int64_t flat = 0;
    fill(r, v, 0, &s, &flat);
    *out = r;
    return true;
}

/* ---- binary operators ---- */

typedef struct Operand {
    NnTensor *t;        /* owned; NULL for a Python number */
    Value num;          /* the Python number when t is NULL */
    bool tf;            /* a tf tensor */
    bool weak;          /* Python number (or, for numpy, a 0-d operand) */
} Operand;

static int dtype_kind(NnDType dt)
{
    return dt == NN_BOOL ? 0 : nn_dtype_is_int(dt) ? 1 : 2;
}

static int num_kind(Value v)
{
    return v.kind == VAL_BOOL ? 0 : v.kind == VAL_INT ? 1 : 2;
}

static bool operand_get(Interp *I, Value v, Operand *o, bool *ok)
{
    memset(o, 0, sizeof *o);
    *ok = true;
    if (tensor_value_is(v)) {
        o->t = nn_tensor_ref(tensor_value_get(v));
        o->tf = tensor_value_flavour(v) == TENSOR_TF;
        return true;
    }
    if (is_number(v)) {
        o->num = v;
        o->weak = true;
        return true;
    }
    if (is_seq(v))
        return tensor_from_value(I, v, -1, TENSOR_NP, &o->t);
    *ok = false;
    return true;
}

/* A Python int that does not fit the integer dtype forces int64. */
static bool int_fits(NnDType dt, Value v)
{
    int64_t i = v.kind == VAL_BOOL ? v.as.b : v.as.i;
    if (dt == NN_U8)
        return i >= 0 && i <= 255;
    if (dt == NN_I32)
        return i >= INT32_MIN && i <= INT32_MAX;
    return true;
}

static NnDType py_dtype(Value v, bool tf)
{
    int k = num_kind(v);
    if (k == 0)
        return NN_BOOL;
    if (k == 1)
        return tf && int_fits(NN_I32, v) ? NN_I32 : NN_I64;
    return tf ? NN_F32 : NN_F64;
}

/* The dtype in which a (weak) and s (strong) combine. */
static NnDType weak_strong(const Operand *w, NnDType wdt, NnDType sdt, bool tf)
{
    int wk = w->t ? dtype_kind(wdt) : num_kind(w->num);
    int sk = dtype_kind(sdt);
    if (wk <= sk) {
        if (!w->t && wk == 1 && !int_fits(sdt, w->num))
            return NN_I64;
        return sdt;
    }
    if (tf)   /* TF: an int tensor with a Python float -> float32 */
        return wk == 2 ? NN_F32 : NN_I32;
    return nn_promote(sdt, wdt);
}

static NnDType result_dtype(Operand *a, Operand *b, bool tf)
{
    NnDType da = a->t ? a->t->dtype : py_dtype(a->num, tf);
    NnDType db = b->t ? b->t->dtype : py_dtype(b->num, tf);
    if (!tf && (!a->t || a->t->ndim == 0) && (!b->t || b->t->ndim == 0))
        return nn_promote(da, db);  /* numpy 1.24: scalars alone promote fully (f32 + 1.0 -> f64) */
    if (!tf) {  /* numpy 1.24: 0-d operands are weak against arrays */
        if (a->t && a->t->ndim == 0 && b->t && b->t->ndim > 0)
            a->weak = true;
        if (b->t && b->t->ndim == 0 && a->t && a->t->ndim > 0)
            b->weak = true;
    }
    if (a->weak && !b->weak)
        return weak_strong(a, da, db, tf);
    if (b->weak && !a->weak)
        return weak_strong(b, db, da, tf);
    return nn_promote(da, db);
}

static bool operand_tensor(Interp *I, Operand *o, NnDType dt)
{
    if (o->t)
        return true;
    NnCtx *ctx = interp_nn(I);
    Value v = o->num;
    if (v.kind == VAL_FLOAT)
        o->t = nn_tensor_scalar(ctx, nn_dtype_is_float(dt) ? dt : NN_F64, v.as.f);
    else
        o->t = nn_tensor_scalar_i64(ctx, nn_dtype_is_float(dt) || dt == NN_BOOL ? NN_I64 : dt,
                                    v.kind == VAL_BOOL ? v.as.b : v.as.i);
    return o->t ? true : interp_error_from_nn(I);
}

static NnDType op_dtype(NnBinaryOp op, NnDType dt, bool tf)
{
    if (op == NN_DIV && !nn_dtype_is_float(dt))
        return tf && dt == NN_U8 ? NN_F32 : NN_F64;
    return dt;
}

/* numpy's shape text: (2,3), (3,), (). */
static void np_shape_text(StrBuf *sb, const NnTensor *t)
{
    sb_putc(sb, '(');
    for (int d = 0; d < t->ndim; d++)
        sb_printf(sb, "%s%lld", d ? "," : "", (long long)t->shape[d]);
    sb_puts(sb, t->ndim == 1 ? ",)" : ")");
}

/* numpy arrays that do not broadcast: numpy's own words (with its trailing
 * space); tf tensors keep lib's "shapes (3,) and (4,) cannot be broadcast
 * together in add". */
static bool np_broadcast_error(Interp *I, const NnTensor *a, const NnTensor *b)
{
    StrBuf sb = {0};
    bool ok;
    sb_puts(&sb, "operands could not be broadcast together with shapes ");
    np_shape_text(&sb, a);
    sb_putc(&sb, ' ');
    np_shape_text(&sb, b);
    sb_putc(&sb, ' ');
    ok = interp_error(I, ERR_VALUE, "%s", sb.data ? sb.data : "");
    sb_free(&sb);
    return ok;
}

static bool binary_operands(Interp *I, NnBinaryOp op, Operand *oa, Operand *ob, Value *out)
{
    bool tf = oa->tf || ob->tf;
    int nd;
    int64_t bs[NN_MAXDIM];
    if (!tf && oa->t && ob->t &&
        nn_broadcast_shape(interp_nn(I), oa->t->ndim, oa->t->shape, ob->t->ndim, ob->t->shape,
                           &nd, bs) != NN_OK) {
        nn_clear_error(interp_nn(I));
        return np_broadcast_error(I, oa->t, ob->t);
    }
    NnDType dt = op_dtype(op, result_dtype(oa, ob, tf), tf);
    if (!operand_tensor(I, oa, dt) || !operand_tensor(I, ob, dt))
        return false;
    NnTensor *r = ad_binary(I, nn_binary(interp_nn(I), op, oa->t, ob->t, dt), op, oa->t, ob->t);
    return tensor_value_wrap(I, r, tf ? TENSOR_TF : TENSOR_NP, out);
}

/* *handled=false when an operand is not tensor-like. */
static bool binary_try(Interp *I, NnBinaryOp op, Value a, Value b, Value *out, bool *handled)
{
    Operand oa, ob;
    bool oka = true, okb = true, ok = false;
    *handled = true;
    if (!operand_get(I, a, &oa, &oka))
        return false;
    if (!operand_get(I, b, &ob, &okb))
        goto done;
    if (!oka || !okb) {
        *handled = false;
        ok = true;
        goto done;
    }
    ok = binary_operands(I, op, &oa, &ob, out);
done:
    nn_tensor_unref(oa.t);
    nn_tensor_unref(ob.t);
    return ok;
}

bool tensor_binary(Interp *I, NnBinaryOp op, Value a, Value b, Value *out)
{
    bool handled;
    if (!binary_try(I, op, a, b, out, &handled))
        return false;
    if (!handled)
        return interp_error(I, ERR_TYPE, "unsupported operand types for %s: '%s' and '%s'",
                            nn_binary_name(op), value_type_name(a), value_type_name(b));
    return true;
}

bool tensor_matmul(Interp *I, Value a, Value b, TensorFlavour fl, Value *out)
{
    NnTensor *ta = NULL, *tb = NULL, *ca = NULL, *cb = NULL;
    bool ok = false;
    if (tensor_value_flavour(a) == TENSOR_TF || tensor_value_flavour(b) == TENSOR_TF)
        fl = TENSOR_TF;
    if (!tensor_from_value(I, a, -1, fl, &ta) || !tensor_from_value(I, b, -1, fl, &tb))
        goto done;
    NnDType dt = nn_promote(ta->dtype, tb->dtype);
    if (dt == NN_BOOL)
        dt = NN_I64;
    if (!from_tensor(I, ta, dt, &ca) || !from_tensor(I, tb, dt, &cb))
        goto done;
    ok = tensor_value_wrap(I, ad_rec(I, nn_matmul(interp_nn(I), ca, cb), NN_G_MATMUL,
                                     (NnTensor *[]){ca, cb}, 2, NULL), fl, out);
done:
    nn_tensor_unref(ca);
    nn_tensor_unref(cb);
    nn_tensor_unref(ta);
    nn_tensor_unref(tb);
    return ok;
}

/* Code points of a UTF-8 string (numpy's '<U' length). */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A numpy array or scalar with a str: numpy's ufunc errors (add, subtract,
 * multiply have no loop for the types; the others cannot coerce). */
static bool str_operand_error(Interp *I, BinOp op, Value a, Value b)
{
    static const char *const names[BIN_COUNT] = {
        [BIN_ADD] = "add", [BIN_SUB] = "subtract", [BIN_MUL] = "multiply", [BIN_DIV] = "divide",
        [BIN_FLOORDIV] = "floor_divide", [BIN_MOD] = "remainder", [BIN_POW] = "power",
    };
    char ta[32], tb[32], msg[256];
    Value v[2] = {a, b};
    char *bufs[2] = {ta, tb};
    for (int i = 0; i < 2; i++)
        if (val_is_obj(v[i], OBJ_STR))
            snprintf(bufs[i], 32, "<U%zu", utf8_len(str_cstr(v[i])));
        else
            snprintf(bufs[i], 32, "%s", nn_dtype_name(tensor_value_get(v[i])->dtype));
    if (op == BIN_ADD || op == BIN_SUB || op == BIN_MUL) {
        snprintf(msg, sizeof msg, "ufunc '%s' did not contain a loop with signature matching types "
                 "(dtype('%s'), dtype('%s')) -> None", names[op], ta, tb);
        return tensor_np_raise(I, "_UFuncNoLoopError", msg);
    }
    return interp_error(I, ERR_TYPE, "ufunc '%s' not supported for the input types, and the inputs could "
                        "not be safely coerced to any supported types according to the casting rule "
                        "''safe''", names[op]);
}

static bool np_with_str(Value a, Value b)
{
    Value t = val_is_obj(a, OBJ_STR) ? b : a, s = val_is_obj(a, OBJ_STR) ? a : b;
    return val_is_obj(s, OBJ_STR) && tensor_value_is(t) && tensor_value_flavour(t) != TENSOR_TF &&
           !tensor_variable_get(t);
}

static bool tv_binop(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled)
{
    static const int map[BIN_COUNT] = {
        [BIN_ADD] = NN_ADD, [BIN_SUB] = NN_SUB, [BIN_MUL] = NN_MUL, [BIN_DIV] = NN_DIV,
        [BIN_FLOORDIV] = NN_FLOORDIV, [BIN_MOD] = NN_MOD, [BIN_POW] = NN_POW,
        [BIN_MATMUL] = -1, [BIN_LSHIFT] = -2, [BIN_RSHIFT] = -2,
        [BIN_BITAND] = NN_BITAND, [BIN_BITOR] = NN_BITOR, [BIN_BITXOR] = NN_BITXOR,
    };
    *handled = true;
    if (map[op] == -2) {
        *handled = false;
        return true;
    }
    if (op <= BIN_POW && op != BIN_MATMUL && np_with_str(a, b))
        return str_operand_error(I, op, a, b);
    if (map[op] == -1) {
        bool ok = (tensor_value_is(a) || is_seq(a)) && (tensor_value_is(b) || is_seq(b));
        if (!ok) {
            *handled = false;
            return true;
        }
        return tensor_matmul(I, a, b, TENSOR_NP, out);
    }
    return binary_try(I, (NnBinaryOp)map[op], a, b, out, handled);
}

static bool tv_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    static const int map[CMP_COUNT] = {
        [CMP_EQ] = NN_EQ, [CMP_NE] = NN_NE, [CMP_LT] = NN_LT, [CMP_LE] = NN_LE,
        [CMP_GT] = NN_GT, [CMP_GE] = NN_GE, [CMP_IN] = -1, [CMP_NOT_IN] = -1,
        [CMP_IS] = -1, [CMP_IS_NOT] = -1,
    };
    *handled = true;
    if (map[op] < 0) {
        *handled = false;
        return true;
    }
    return binary_try(I, (NnBinaryOp)map[op], a, b, out, handled);
}

/* ---- unary operators and conversions ---- */

static bool tv_unop(Interp *I, UnOp op, Value self, Value *out)
{
    TensorObj *o = tv_obj(self);
    if (op == UN_NOT) {
        bool b;
        if (!tv_truth(I, self, &b))
            return false;
        *out = val_bool(!b);
        return true;
    }
    NnUnaryOp u = op == UN_NEG ? NN_NEG : op == UN_POS ? NN_POS : NN_INVERT;
    if (u == NN_NEG && o->t->dtype == NN_BOOL)
        return interp_error(I, ERR_TYPE, "The numpy boolean negative, the `-` operator, is not "
                            "supported, use the `~` operator or the logical_not function instead.");
    if (u == NN_INVERT && nn_dtype_is_float(o->t->dtype))
        return interp_error(I, ERR_TYPE, "ufunc 'invert' not supported for the input types, and "
                            "the inputs could not be safely coerced to any supported types "
                            "according to the casting rule ''safe''");
    return tensor_value_wrap(I, ad_unary(I, nn_unary(interp_nn(I), u, o->t), u, o->t), o->fl, out);
}

bool tensor_unary(Interp *I, NnUnaryOp op, Value a, TensorFlavour fl, Value *out)
{
    NnTensor *t = NULL, *c = NULL;
    if (tensor_value_is(a))
        fl = tensor_value_flavour(a);
    if (fl == TENSOR_SCALAR)
        fl = TENSOR_NP;
    if (!tensor_from_value(I, a, -1, fl, &t))
        return false;
    bool keeps_int = op == NN_NEG || op == NN_POS || op == NN_ABS || op == NN_SIGN ||
                     op == NN_SQUARE || op == NN_RELU || op == NN_INVERT || op >= NN_FLOOR;
    if (!nn_dtype_is_float(t->dtype) && !keeps_int) {
        NnDType want = fl == TENSOR_TF ? NN_F32 : (t->dtype == NN_U8 || t->dtype == NN_BOOL)
                       ? NN_F32 : NN_F64;
        bool ok = from_tensor(I, t, want, &c);
        nn_tensor_unref(t);
        if (!ok)
            return false;
        t = c;
    }
    NnTensor *r = ad_unary(I, nn_unary(interp_nn(I), op, t), op, t);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, fl, out);
}

static bool tv_len(Interp *I, Value self, int64_t *out)
{
    TensorObj *o = tv_obj(self);
    if (o->fl == TENSOR_SCALAR)
        return interp_error(I, ERR_TYPE, "object of type 'numpy.%s' has no len()",
                            nn_dtype_name(o->t->dtype));
    if (o->t->ndim == 0)
        return interp_error(I, ERR_TYPE, o->fl == TENSOR_TF ? "Scalar tensor has no `len()`"
                            : "len() of unsized object");
    *out = o->t->shape[0];
    return true;
}

static bool tv_iter(Interp *I, Value self, Value *it)
{
    TensorObj *o = tv_obj(self);
    Value list;
    if (o->t->ndim == 0)
        return interp_error(I, ERR_TYPE, o->fl == TENSOR_TF
                            ? "Cannot iterate over a scalar tensor." : "iteration over a 0-d array");
    if (!list_new(I, (size_t)o->t->shape[0], &list))
        return false;
    for (int64_t i = 0; i < o->t->shape[0]; i++) {
        Value item;
        if (!tensor_getitem(I, self, val_int(i), &item))
            goto fail;
        bool ok = list_append(I, list, item);
        value_decref(item);
        if (!ok)
            goto fail;
    }
    bool ok = value_iter(I, list, it);
    value_decref(list);
    return ok;
fail:
    value_decref(list);
    return false;
}

static bool tv_truth(Interp *I, Value self, bool *out)
{
    TensorObj *o = tv_obj(self);
    int64_t n = nn_tensor_numel(o->t);
    if (n > 1)
        return interp_error(I, ERR_VALUE, "The truth value of an array with more than one "
                            "element is ambiguous. Use a.any() or a.all()");
    *out = n == 1 && nn_tensor_get_f64(o->t, 0) != 0;
    return true;
}

static bool size1(Interp *I, TensorObj *o)
{
    if (nn_tensor_numel(o->t) != 1)
        return interp_error(I, ERR_TYPE, "only size-1 arrays can be converted to Python scalars");
    return true;
}

static bool tv_to_float(Interp *I, Value self, double *out)
{
    TensorObj *o = tv_obj(self);
    if (!size1(I, o))
        return false;
    *out = nn_tensor_get_f64(o->t, 0);
    return true;
}

static bool tv_to_int(Interp *I, Value self, int64_t *out)
{
    TensorObj *o = tv_obj(self);
    if (!size1(I, o))
        return false;
    if (nn_dtype_is_float(o->t->dtype)) {
        double f = nn_tensor_get_f64(o->t, 0);
        if (isnan(f))
            return interp_error(I, ERR_VALUE, "cannot convert float NaN to integer");
        if (isinf(f))
            return interp_error(I, ERR_OVERFLOW, "cannot convert float infinity to integer");
        *out = (int64_t)f;
    } else {
        *out = nn_tensor_get_i64(o->t, 0);
    }
    return true;
}

bool tensor_np_type(Interp *I, Value *out)
{
    return native_class_type(I, &np_class, NULL, out);
}

bool tensor_tf_type(Interp *I, Value *out)
{
    return native_class_type(I, &tf_class, NULL, out);
}
