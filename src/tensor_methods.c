/* tensor_methods.c - attributes and methods of tensor values (a.shape,
 * a.dtype, a.T, a.reshape(...), a.sum(axis=0), t.numpy(), a.tolist() ...)
 * and the reductions shared with the tf and numpy modules.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Methods keep the
 * flavour of `self`; numpy results that are 0-d become numpy scalars.
 */
#include <string.h>
#include <math.h>
#include "tensor_value.h"
#include "autodiff.h"
#include "mod_np.h"

const char *const tensor_attr_names[] = {
    "shape", "dtype", "ndim", "size", "T", "itemsize", "nbytes", "strides", NULL
};

/* t with its axes reversed (a.T), recorded on active tapes. */
static NnTensor *reversed(Interp *I, NnTensor *t)
{
    NnGradAttrs at = {.naxes = t->ndim};
    for (int i = 0; i < t->ndim; i++)
        at.axes[i] = t->ndim - 1 - i;
    return ad_rec(I, nn_tensor_transpose(interp_nn(I), t, NULL), NN_G_TRANSPOSE, &t, 1, &at);
}

static TensorFlavour self_fl(Value self)
{
    TensorFlavour fl = tensor_value_flavour(self);
    return fl == TENSOR_SCALAR ? TENSOR_NP : fl;
}

bool tensor_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    NnTensor *t = tensor_value_get(self);
    bool tf = tensor_value_flavour(self) == TENSOR_TF;
    *found = true;
    if (strcmp(name, "shape") == 0)
        return tf ? tensor_shape_value(I, t->ndim, t->shape, out)
                  : tensor_shape_tuple(I, t->ndim, t->shape, out);
    if (strcmp(name, "dtype") == 0)
        return tensor_dtype_value(I, t->dtype, tf ? DTYPE_TF : DTYPE_NP, out);
    if (strcmp(name, "ndim") == 0)
        *out = val_int(t->ndim);
    else if (strcmp(name, "size") == 0)
        *out = val_int(nn_tensor_numel(t));
    else if (strcmp(name, "itemsize") == 0)
        *out = val_int((int64_t)nn_dtype_size(t->dtype));
    else if (strcmp(name, "nbytes") == 0)
        *out = val_int(nn_tensor_numel(t) * (int64_t)nn_dtype_size(t->dtype));
    else if (strcmp(name, "strides") == 0 && !tf) {   /* bytes, as numpy */
        int64_t st[NN_MAXDIM];
        for (int d = 0; d < t->ndim; d++)
            st[d] = t->strides[d] * (int64_t)nn_dtype_size(t->dtype);
        return tensor_shape_tuple(I, t->ndim, st, out);
    } else if (strcmp(name, "T") == 0)
        return tensor_value_wrap(I, reversed(I, t), self_fl(self), out);
    else
        *found = false;
    return true;
}

/* ---- reductions ---- */

static NnDType reduce_dtype(NnReduceOp op, NnDType dt, bool tf)
{
    switch (op) {
    case NN_SUM: case NN_PROD:
        return tf || nn_dtype_is_float(dt) ? (dt == NN_BOOL ? NN_I32 : dt) : NN_I64;
    case NN_MEAN: case NN_STD: case NN_VAR:
        return nn_dtype_is_float(dt) ? dt : NN_F64;
    case NN_ANY: case NN_ALL:
        return NN_BOOL;
    case NN_ARGMAX: case NN_ARGMIN:
        return NN_I64;
    default:
        return dt;
    }
}

bool tensor_reduce(Interp *I, NnReduceOp op, Value a, Value axis, Value keepdims,
                   TensorFlavour fl, int ddof, Value *out)
{
    NnTensor *t;
    int axes[NN_MAXDIM], naxes = 0;
    bool keep = false, ok = false;
    if (tensor_value_is(a))
        fl = tensor_value_flavour(a);
    if (fl == TENSOR_SCALAR)
        fl = TENSOR_NP;
    if (!tensor_from_value(I, a, -1, fl, &t))
        return false;
    if (keepdims.kind != VAL_UNSET && keepdims.kind != VAL_NONE &&
        !arg_bool(I, "reduce", "keepdims", keepdims, &keep))
        goto done;
    if (op == NN_ARGMAX || op == NN_ARGMIN) {
        int ax;
        if (!tensor_axis_arg(I, axis, t->ndim, NN_ALL_AXES, &ax))
            goto done;
        if (ax != NN_ALL_AXES)
            axes[naxes++] = ax;
    } else if (!tensor_axes_arg(I, axis, t->ndim, axes, &naxes)) {
        goto done;
    }
    NnDType dt = reduce_dtype(op, t->dtype, fl == TENSOR_TF);
    bool int_mean = fl == TENSOR_TF && op == NN_MEAN && !nn_dtype_is_float(t->dtype);
    NnTensor *r = (fl == TENSOR_NP ? nn_reduce_np : nn_reduce)(interp_nn(I), op, t, axes, naxes, keep,
                                                              int_mean ? NN_F64 : dt, ddof);
    r = ad_reduce(I, r, op, t, axes, naxes, keep, ddof);
    if (r && int_mean) {   /* TF: the mean of ints is an int (truncated) */
        NnTensor *c = nn_tensor_cast(interp_nn(I), r, t->dtype);
        nn_tensor_unref(r);
        r = c;
    }
    ok = tensor_value_wrap(I, r, fl, out);
done:
    nn_tensor_unref(t);
    return ok;
}

static bool m_reduce(Interp *I, Value self, const Args *a, Value *out, NnReduceOp op,
                     const char *name)
{
    Value v[4];
    if (!args_parse(I, name, a, "axis=, dtype=, out=, keepdims=", v))
        return false;
    return tensor_reduce(I, op, self, v[0], v[3], self_fl(self), 0, out);
}

#define REDUCE_METHOD(fname, OP) \
    static bool m_##fname(Interp *I, Value self, const Args *a, Value *out) \
    { return m_reduce(I, self, a, out, OP, #fname); }
REDUCE_METHOD(sum, NN_SUM)
REDUCE_METHOD(mean, NN_MEAN)
REDUCE_METHOD(prod, NN_PROD)
REDUCE_METHOD(max, NN_MAX)
REDUCE_METHOD(min, NN_MIN)
REDUCE_METHOD(any, NN_ANY)
REDUCE_METHOD(all, NN_ALL)

static bool m_stdvar(Interp *I, Value self, const Args *a, Value *out, NnReduceOp op)
{
    Value v[5];
    int64_t ddof = 0;
    if (!args_parse(I, op == NN_STD ? "std" : "var", a, "axis=, dtype=, out=, ddof=, keepdims=", v))
        return false;
    if (v[3].kind != VAL_UNSET && !arg_int(I, "std", "ddof", v[3], &ddof))
        return false;
    return tensor_reduce(I, op, self, v[0], v[4], self_fl(self), (int)ddof, out);
}

static bool m_std(Interp *I, Value self, const Args *a, Value *out)
{
    return m_stdvar(I, self, a, out, NN_STD);
}

static bool m_var(Interp *I, Value self, const Args *a, Value *out)
{
    return m_stdvar(I, self, a, out, NN_VAR);
}

static bool m_arg(Interp *I, Value self, const Args *a, Value *out, NnReduceOp op)
{
    Value v[3];
    if (!args_parse(I, op == NN_ARGMAX ? "argmax" : "argmin", a, "axis=, out=, *, keepdims=", v))
        return false;
    return tensor_reduce(I, op, self, v[0], v[2], self_fl(self), 0, out);
}

static bool m_argmax(Interp *I, Value self, const Args *a, Value *out)
{
    return m_arg(I, self, a, out, NN_ARGMAX);
}

static bool m_argmin(Interp *I, Value self, const Args *a, Value *out)
{
    return m_arg(I, self, a, out, NN_ARGMIN);
}

/* ---- shape methods ---- */

/* reshape(2, 3) or reshape((2, 3)). */
static bool shape_from_args(Interp *I, const char *fname, const Args *a, int *ndim, int64_t *shape)
{
    if (a->npos == 1)
        return tensor_shape_arg(I, fname, a->pos[0], ndim, shape);
    if (a->npos > NN_MAXDIM)
        return interp_error(I, ERR_VALUE, "too many dimensions (nnsh tensors have at most %d)",
                            NN_MAXDIM);
    for (int i = 0; i < a->npos; i++)
        if (!arg_int(I, fname, "shape", a->pos[i], &shape[i]))
            return false;
    *ndim = a->npos;
    return true;
}

static bool m_reshape(Interp *I, Value self, const Args *a, Value *out)
{
    int ndim;
    int64_t shape[NN_MAXDIM];
    if (!shape_from_args(I, "reshape", a, &ndim, shape))
        return false;
    NnTensor *t = tensor_value_get(self);
    NnTensor *r = ad_rec(I, nn_tensor_reshape(interp_nn(I), t, ndim, shape), NN_G_RESHAPE, &t, 1, NULL);
    return tensor_value_wrap(I, r, self_fl(self), out);
}

static bool m_transpose(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    int64_t raw[NN_MAXDIM];
    int perm[NN_MAXDIM], n = 0;
    if (a->npos == 0)
        return tensor_value_wrap(I, reversed(I, t), self_fl(self), out);
    if (!shape_from_args(I, "transpose", a, &n, raw))
        return false;
    if (n != t->ndim)
        return interp_error(I, ERR_VALUE, "axes don't match array");
    for (int i = 0; i < n; i++)
        perm[i] = (int)(raw[i] < 0 ? raw[i] + n : raw[i]);
    NnGradAttrs at = {.naxes = n};
    memcpy(at.axes, perm, sizeof perm);
    NnTensor *r = ad_rec(I, nn_tensor_transpose(interp_nn(I), t, perm), NN_G_TRANSPOSE, &t, 1, &at);
    return tensor_value_wrap(I, r, self_fl(self), out);
}

static bool m_ravel(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    int64_t n = -1;
    if (!args_parse(I, "ravel", a, "order=", (Value[1]){{0}}))
        return false;
    return tensor_value_wrap(I, nn_tensor_reshape(interp_nn(I), t, 1, &n), self_fl(self), out);
}

static bool m_copy(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    if (!args_parse(I, "copy", a, "order=", (Value[1]){{0}}))
        return false;
    TensorFlavour fl = tensor_value_flavour(self);
    return tensor_value_wrap(I, nn_tensor_copy(interp_nn(I), t), fl, out);
}

static bool m_flatten(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    int64_t n = -1;
    if (!args_parse(I, "flatten", a, "order=", (Value[1]){{0}}))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);
    NnTensor *r = c ? nn_tensor_reshape(interp_nn(I), c, 1, &n) : NULL;
    nn_tensor_unref(c);
    return tensor_value_wrap(I, r, self_fl(self), out);
}

static bool m_squeeze(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    Value v[1];
    int axis;
    if (!args_parse(I, "squeeze", a, "axis=", v) ||
        !tensor_axis_arg(I, v[0], t->ndim, NN_ALL_AXES, &axis))
        return false;
    return tensor_value_wrap(I, nn_tensor_squeeze(interp_nn(I), t, axis), self_fl(self), out);
}

static bool m_astype(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnDType dt;
    if (!args_parse(I, "astype", a, "dtype, copy=", v) || !tensor_dtype_from_value(I, v[0], &dt))
        return false;
    NnTensor *t = tensor_value_get(self);
    return tensor_value_wrap(I, ad_cast(I, nn_tensor_cast(interp_nn(I), t, dt), t), self_fl(self), out);
}

static bool m_numpy(Interp *I, Value self, const Args *a, Value *out)
{
    if (!args_parse(I, "numpy", a, "", (Value[1]){{0}}))
        return false;
    NnTensor *t = tensor_value_get(self);
    return tensor_value_np(I, nn_tensor_copy(interp_nn(I), t), out);
}

/* ---- conversion to Python values ---- */

static bool element_value(Interp *I, const NnTensor *t, int64_t flat, Value *out)
{
    (void)I;
    if (t->dtype == NN_BOOL)
        *out = val_bool(nn_tensor_get_i64(t, flat) != 0);
    else if (nn_dtype_is_float(t->dtype))
        *out = val_float(nn_tensor_get_f64(t, flat));
    else
        *out = val_int(nn_tensor_get_i64(t, flat));
    return true;
}

static bool to_list(Interp *I, const NnTensor *t, int dim, int64_t *flat, Value *out)
{
    Value l;
    if (dim == t->ndim)
        return element_value(I, t, (*flat)++, out);
    if (!list_new(I, (size_t)t->shape[dim], &l))
        return false;
    for (int64_t i = 0; i < t->shape[dim]; i++) {
        Value item;
        if (!to_list(I, t, dim + 1, flat, &item))
            goto fail;
        bool ok = list_append(I, l, item);
        value_decref(item);
        if (!ok)
            goto fail;
    }
    *out = l;
    return true;
fail:
    value_decref(l);
    return false;
}

static bool m_tolist(Interp *I, Value self, const Args *a, Value *out)
{
    int64_t flat = 0;
    if (!args_parse(I, "tolist", a, "", (Value[1]){{0}}))
        return false;
    return to_list(I, tensor_value_get(self), 0, &flat, out);
}

static bool m_item(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    Value v[1];
    int64_t idx = 0, n = nn_tensor_numel(t);
    if (!args_parse(I, "item", a, "index=", v))
        return false;
    if (v[0].kind == VAL_UNSET && n != 1)
        return interp_error(I, ERR_VALUE, "can only convert an array of size 1 to a Python scalar");
    if (v[0].kind != VAL_UNSET && !arg_int(I, "item", "index", v[0], &idx))
        return false;
    if (idx < 0)
        idx += n;
    if (idx < 0 || idx >= n)
        return interp_error(I, ERR_INDEX, "index %lld is out of bounds for size %lld",
                            (long long)idx, (long long)n);
    return element_value(I, t, idx, out);
}

/* ---- element-wise methods ---- */

static bool m_clip(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    double lo = NAN, hi = NAN;
    if (!args_parse(I, "clip", a, "min=, max=", v))
        return false;
    if (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE && !arg_float(I, "clip", "min", v[0], &lo))
        return false;
    if (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE && !arg_float(I, "clip", "max", v[1], &hi))
        return false;
    NnTensor *t = tensor_value_get(self);
    NnGradAttrs at = {.lo = lo, .hi = hi};
    return tensor_value_wrap(I, ad_rec(I, nn_clip(interp_nn(I), t, lo, hi), NN_G_CLIP, &t, 1, &at),
                             self_fl(self), out);
}

static bool m_round(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    int64_t dec = 0;
    if (!args_parse(I, "round", a, "decimals=", v))
        return false;
    if (v[0].kind != VAL_UNSET && !arg_int(I, "round", "decimals", v[0], &dec))
        return false;
    if (dec == 0)
        return tensor_unary(I, NN_ROUND, self, self_fl(self), out);
    Value scale = val_float(pow(10.0, (double)dec)), tmp, r;
    if (!tensor_binary(I, NN_MUL, self, scale, &tmp))
        return false;
    bool ok = tensor_unary(I, NN_ROUND, tmp, self_fl(self), &r);
    value_decref(tmp);
    if (!ok)
        return false;
    ok = tensor_binary(I, NN_DIV, r, scale, out);
    value_decref(r);
    return ok;
}

static bool m_cumsum(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    Value v[3];
    int axis;
    if (!args_parse(I, "cumsum", a, "axis=, dtype=, out=", v) ||
        !tensor_axis_arg(I, v[0], t->ndim, NN_ALL_AXES, &axis))
        return false;
    NnDType dt = reduce_dtype(NN_SUM, t->dtype, self_fl(self) == TENSOR_TF);
    return tensor_value_wrap(I, nn_cumsum(interp_nn(I), t, axis, dt), self_fl(self), out);
}

static bool m_dot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    if (!args_parse(I, "dot", a, "b", v))
        return false;
    return tensor_matmul(I, self, v[0], self_fl(self), out);
}

static bool m_fill(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *src;
    if (!args_parse(I, "fill", a, "value", v) || !tensor_from_value(I, v[0], -1, TENSOR_NP, &src))
        return false;
    NnStatus st = nn_tensor_assign(interp_nn(I), tensor_value_get(self), src);
    nn_tensor_unref(src);
    if (st != NN_OK)
        return interp_error_from_nn(I);
    *out = val_none();
    return true;
}

static bool m_sort(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    Value v[1];
    int axis;
    if (!args_parse(I, "sort", a, "axis=", v) || !tensor_axis_arg(I, v[0], t->ndim, -1, &axis))
        return false;
    if (axis < 0)
        axis = t->ndim - 1;
    NnTensor *s = nn_sort(interp_nn(I), t, axis, false);
    if (!s)
        return interp_error_from_nn(I);
    NnStatus st = nn_tensor_assign(interp_nn(I), t, s);
    nn_tensor_unref(s);
    if (st != NN_OK)
        return interp_error_from_nn(I);
    *out = val_none();
    return true;
}

static bool m_argsort(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    Value v[1];
    int axis;
    if (!args_parse(I, "argsort", a, "axis=", v) || !tensor_axis_arg(I, v[0], t->ndim, -1, &axis))
        return false;
    if (axis < 0)
        axis = t->ndim - 1;
    return tensor_value_wrap(I, nn_argsort(interp_nn(I), t, axis, false), self_fl(self), out);
}

static bool m_abs(Interp *I, Value self, const Args *a, Value *out)
{
    if (!args_parse(I, "__abs__", a, "", (Value[1]){{0}}))
        return false;
    return tensor_unary(I, NN_ABS, self, self_fl(self), out);
}

/* round(x) of a numpy scalar: a Python int without ndigits, as numpy. */
static bool m_pyround(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], r;
    if (!args_parse(I, "__round__", a, "ndigits=", v))
        return false;
    if (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE) {
        Args ra = {1, v, 0, NULL, NULL};
        return m_round(I, self, &ra, out);
    }
    if (!tensor_unary(I, NN_ROUND, self, self_fl(self), &r))
        return false;
    NnTensor *t = tensor_value_get(r);
    if (tensor_value_flavour(self) == TENSOR_SCALAR && t->ndim == 0) {
        double f = nn_tensor_get_f64(t, 0);
        value_decref(r);
        if (!isfinite(f))
            return interp_error(I, ERR_VALUE, "cannot convert float NaN or infinity to integer");
        *out = val_int((int64_t)f);
        return true;
    }
    *out = r;
    return true;
}

const NativeDef tensor_methods[] = {
    {"__abs__", m_abs, "__abs__()", "abs(x): element-wise absolute value."},
    {"__round__", m_pyround, "__round__(ndigits=None)", "round(x, ndigits)."},
    {"numpy", m_numpy, "numpy()", "A numpy copy of the tensor."},
    {"reshape", m_reshape, "reshape(*shape)", "The same values in a new shape (one -1 is inferred)."},
    {"transpose", m_transpose, "transpose(*axes)", "Axes reversed, or permuted as given."},
    {"astype", m_astype, "astype(dtype)", "A copy converted to dtype."},
    {"sum", m_sum, "sum(axis=None, keepdims=False)", "Sum of the elements."},
    {"mean", m_mean, "mean(axis=None, keepdims=False)", "Mean of the elements."},
    {"prod", m_prod, "prod(axis=None, keepdims=False)", "Product of the elements."},
    {"max", m_max, "max(axis=None, keepdims=False)", "Largest element."},
    {"min", m_min, "min(axis=None, keepdims=False)", "Smallest element."},
    {"any", m_any, "any(axis=None, keepdims=False)", "True when any element is true."},
    {"all", m_all, "all(axis=None, keepdims=False)", "True when every element is true."},
    {"std", m_std, "std(axis=None, ddof=0, keepdims=False)", "Standard deviation."},
    {"var", m_var, "var(axis=None, ddof=0, keepdims=False)", "Variance."},
    {"argmax", m_argmax, "argmax(axis=None)", "Index of the largest element."},
    {"argmin", m_argmin, "argmin(axis=None)", "Index of the smallest element."},
    {"ravel", m_ravel, "ravel()", "The elements as a 1-D array."},
    {"flatten", m_flatten, "flatten()", "A 1-D copy of the elements."},
    {"copy", m_copy, "copy()", "A copy."},
    {"squeeze", m_squeeze, "squeeze(axis=None)", "Size-1 axes removed."},
    {"tolist", m_tolist, "tolist()", "The values as nested Python lists."},
    {"item", m_item, "item(index=None)", "One element as a Python number."},
    {"clip", m_clip, "clip(min=None, max=None)", "Values limited to [min, max]."},
    {"round", m_round, "round(decimals=0)", "Rounded (half to even)."},
    {"cumsum", m_cumsum, "cumsum(axis=None)", "Running sum."},
    {"dot", m_dot, "dot(b)", "Dot product with b."},
    {"fill", m_fill, "fill(value)", "Sets every element to value (in place)."},
    {"sort", m_sort, "sort(axis=-1)", "Sorts in place."},
    {"argsort", m_argsort, "argsort(axis=-1)", "Indices that sort the array."},
    {"nonzero", np_m_nonzero, "nonzero()", "Indices of the non-zero elements, one array per axis."},
    {"repeat", np_m_repeat, "repeat(repeats, axis=None)", "Each element repeated."},
    {"swapaxes", np_m_swapaxes, "swapaxes(axis1, axis2)", "Two axes interchanged."},
    {"cumprod", np_m_cumprod, "cumprod(axis=None)", "Running product."},
    {"trace", np_m_trace, "trace(offset=0, axis1=0, axis2=1)", "Sum along the diagonal."},
    {"diagonal", np_m_diagonal, "diagonal(offset=0, axis1=0, axis2=1)", "The diagonal."},
    {"ptp", np_m_ptp, "ptp(axis=None)", "Range of values (max - min)."},
    {"view", np_m_view, "view(dtype=None)", "A new array object on the same data."},
    {NULL, NULL, NULL, NULL}
};
