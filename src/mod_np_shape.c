/* mod_np_shape.c - numpy's array creation (array, zeros, arange, ...) and
 * shape, selection and set functions (reshape, concatenate, where, unique,
 * sort, ...).
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).
 */
#include <string.h>
#include <math.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self

/* ---- creation ---- */

static bool np_array_common(Interp *I, const Args *a, bool copy, const char *fname, Value *out)
{
    Value v[4];
    int dt;
    int64_t ndmin = 0;
    NnTensor *t;
    if (!args_parse(I, fname, a, "object, dtype=, copy=, ndmin=", v) ||
        !tensor_dtype_arg(I, v[1], &dt) ||
        (np_given(v[3]) && !arg_int(I, fname, "ndmin", v[3], &ndmin)) ||
        !tensor_from_value(I, v[0], dt, TENSOR_NP, &t))
        return false;
    if (copy && tensor_value_is(v[0]) && t == tensor_value_get(v[0])) {
        NnTensor *c = nn_tensor_copy(interp_nn(I), t);
        nn_tensor_unref(t);
        if (!c)
            return interp_error_from_nn(I);
        t = c;
    }
    while (t->ndim < ndmin && t->ndim < NN_MAXDIM) {
        NnTensor *e = nn_tensor_expand_dims(interp_nn(I), t, 0);
        nn_tensor_unref(t);
        if (!e)
            return interp_error_from_nn(I);
        t = e;
    }
    return tensor_value_new(I, t, TENSOR_NP, out);
}

static bool np_array(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_array_common(I, a, true, "array", out);
}

static bool np_asarray(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_array_common(I, a, false, "asarray", out);
}

static bool np_filled(Interp *I, const Args *a, const char *fname, double fillv, bool given,
                      Value *out)
{
    Value v[3];
    int dt, ndim;
    int64_t shape[NN_MAXDIM];
    const char *spec = given ? "shape, fill_value, dtype=" : "shape, dtype=, order=";
    if (!args_parse(I, fname, a, spec, v) || !tensor_shape_arg(I, fname, v[0], &ndim, shape) ||
        !tensor_dtype_arg(I, given ? v[2] : v[1], &dt))
        return false;
    NnDType d = dt >= 0 ? (NnDType)dt : NN_F64;
    if (given) {
        NnTensor *fv;
        if (!tensor_from_value(I, v[1], dt, TENSOR_NP, &fv))
            return false;
        NnTensor *b = nn_tensor_broadcast_to(interp_nn(I), fv, ndim, shape);
        NnTensor *r = b ? nn_tensor_copy(interp_nn(I), b) : NULL;
        nn_tensor_unref(b);
        nn_tensor_unref(fv);
        return tensor_value_wrap(I, r, TENSOR_NP, out);
    }
    return tensor_value_wrap(I, nn_tensor_full(interp_nn(I), d, ndim, shape, fillv), TENSOR_NP, out);
}

static bool np_zeros(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_filled(I, a, "zeros", 0, false, out);
}

static bool np_ones(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_filled(I, a, "ones", 1, false, out);
}

static bool np_empty(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_filled(I, a, "empty", 0, false, out);
}

static bool np_full(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_filled(I, a, "full", 0, true, out);
}

static bool np_like(Interp *I, const Args *a, const char *fname, int mode, Value *out)
{
    Value v[3];
    int dt;
    NnTensor *t, *r = NULL;
    bool full = mode == 2;
    if (!args_parse(I, fname, a, full ? "a, fill_value, dtype=" : "a, dtype=, order=", v) ||
        !tensor_dtype_arg(I, full ? v[2] : v[1], &dt) || !np_tensor(I, v[0], &t))
        return false;
    NnDType d = dt >= 0 ? (NnDType)dt : t->dtype;
    if (full) {
        NnTensor *fv;
        if (tensor_from_value(I, v[1], d, TENSOR_NP, &fv)) {
            NnTensor *b = nn_tensor_broadcast_to(interp_nn(I), fv, t->ndim, t->shape);
            r = b ? nn_tensor_copy(interp_nn(I), b) : NULL;
            nn_tensor_unref(b);
            nn_tensor_unref(fv);
        } else {
            nn_tensor_unref(t);
            return false;
        }
    } else {
        r = nn_tensor_full(interp_nn(I), d, t->ndim, t->shape, mode);
    }
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_zeros_like(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_like(I, a, "zeros_like", 0, out);
}

static bool np_ones_like(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_like(I, a, "ones_like", 1, out);
}

static bool np_full_like(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_like(I, a, "full_like", 2, out);
}

static bool np_eye(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t n, m, k = 0;
    int dt;
    UNUSED_SELF;
    if (!args_parse(I, "eye", a, "N, M=, k=, dtype=", v) || !arg_int(I, "eye", "N", v[0], &n) ||
        !tensor_dtype_arg(I, v[3], &dt))
        return false;
    m = n;
    if ((np_given(v[1]) && !arg_int(I, "eye", "M", v[1], &m)) ||
        (np_given(v[2]) && !arg_int(I, "eye", "k", v[2], &k)))
        return false;
    return tensor_value_wrap(I, nn_eye(interp_nn(I), n, m, k, dt < 0 ? NN_F64 : (NnDType)dt),
                             TENSOR_NP, out);
}

static bool np_identity(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t n;
    int dt;
    UNUSED_SELF;
    if (!args_parse(I, "identity", a, "n, dtype=", v) || !arg_int(I, "identity", "n", v[0], &n) ||
        !tensor_dtype_arg(I, v[1], &dt))
        return false;
    return tensor_value_wrap(I, nn_eye(interp_nn(I), n, n, 0, dt < 0 ? NN_F64 : (NnDType)dt),
                             TENSOR_NP, out);
}

static bool is_floaty(Value v)
{
    NnTensor *t = tensor_value_get(v);
    return v.kind == VAL_FLOAT || (t && nn_dtype_is_float(t->dtype));
}

static bool np_arange(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    double start = 0, stop, step = 1;
    int dt;
    UNUSED_SELF;
    if (!args_parse(I, "arange", a, "start, stop=, step=, dtype=", v) ||
        !tensor_dtype_arg(I, v[3], &dt))
        return false;
    bool one = !np_given(v[1]);
    if (!arg_float(I, "arange", "start", v[0], one ? &stop : &start) ||
        (!one && !arg_float(I, "arange", "stop", v[1], &stop)) ||
        (np_given(v[2]) && !arg_float(I, "arange", "step", v[2], &step)))
        return false;
    if (step == 0)
        return interp_error(I, ERR_ZERO_DIVISION, "division by zero");
    bool f = is_floaty(v[0]) || is_floaty(v[1]) || is_floaty(v[2]);
    NnDType d = dt >= 0 ? (NnDType)dt : f ? NN_F64 : NN_I64;
    return tensor_value_wrap(I, nn_arange(interp_nn(I), start, stop, step, d), TENSOR_NP, out);
}

static bool np_linspace(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    double start, stop;
    int64_t num = 50;
    bool endpoint = true;
    int dt;
    UNUSED_SELF;
    if (!args_parse(I, "linspace", a, "start, stop, num=, endpoint=, retstep=, dtype=", v) ||
        !arg_float(I, "linspace", "start", v[0], &start) ||
        !arg_float(I, "linspace", "stop", v[1], &stop) ||
        (np_given(v[2]) && !arg_int(I, "linspace", "num", v[2], &num)) ||
        (np_given(v[3]) && !arg_bool(I, "linspace", "endpoint", v[3], &endpoint)) ||
        !tensor_dtype_arg(I, v[5], &dt))
        return false;
    if (num < 0)
        return interp_error(I, ERR_VALUE, "Number of samples, %lld, must be non-negative.",
                            (long long)num);
    NnTensor *r = nn_linspace(interp_nn(I), start, stop, num, endpoint, NN_F64);
    if (r && dt >= 0 && dt != NN_F64) {
        NnTensor *c = nn_tensor_cast(interp_nn(I), r, (NnDType)dt);
        nn_tensor_unref(r);
        r = c;
    }
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_dtype(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnDType dt;
    UNUSED_SELF;
    if (!args_parse(I, "dtype", a, "dtype", v) || !tensor_dtype_from_value(I, v[0], &dt))
        return false;
    return tensor_dtype_value(I, dt, DTYPE_NP, out);
}

/* ---- shape functions (mostly the method of the same name) ---- */

/* Calls method `name` of np.asarray(arg0) with the remaining arguments. */
static bool as_method(Interp *I, const Args *a, const char *name, Value *out)
{
    Value x, meth;
    NnTensor *t;
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "%s() missing 1 required positional argument: 'a'", name);
    if (!np_tensor(I, a->pos[0], &t) || !tensor_value_new(I, t, TENSOR_NP, &x))
        return false;
    bool ok = value_getattr(I, x, name, &meth);
    if (ok) {
        Args rest = {a->npos - 1, a->pos + 1, a->nkw, a->kwnames, a->kwvals};
        ok = value_call(I, meth, &rest, out);
        value_decref(meth);
    }
    value_decref(x);
    return ok;
}

#define NP_METHOD(fn, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { UNUSED_SELF; return as_method(I, a, NAME, out); }
NP_METHOD(np_reshape, "reshape")
NP_METHOD(np_ravel, "ravel")
NP_METHOD(np_squeeze, "squeeze")

static bool np_transpose(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2], x, meth;
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "transpose", a, "a, axes=", v) || !np_tensor(I, v[0], &t) ||
        !tensor_value_new(I, t, TENSOR_NP, &x))
        return false;
    bool ok = value_getattr(I, x, "transpose", &meth);
    if (ok) {
        Args ma = {np_given(v[1]) ? 1 : 0, &v[1], 0, NULL, NULL};
        ok = value_call(I, meth, &ma, out);
        value_decref(meth);
    }
    value_decref(x);
    return ok;
}

static bool np_expand_dims(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t ax;
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "expand_dims", a, "a, axis", v) ||
        !arg_int(I, "expand_dims", "axis", v[1], &ax) || !np_tensor(I, v[0], &t))
        return false;
    int nd = t->ndim + 1;
    if (ax < -nd || ax >= nd) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "axis %lld is out of bounds for array of dimension %d",
                            (long long)ax, nd);
    }
    NnTensor *r = nn_tensor_expand_dims(interp_nn(I), t, (int)(ax < 0 ? ax + nd : ax));
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* concatenate / stack / vstack / hstack. mode: 0 concat, 1 stack, 2 vstack, 3 hstack */
static bool np_join(Interp *I, const Args *a, int mode, const char *fname, Value *out)
{
    Value v[2];
    NnTensor **ts;
    int n, axis = 0;
    if (!args_parse(I, fname, a, mode >= 2 ? "tup" : "arrays, axis=", v) ||
        !tensor_list_arg(I, v[0], TENSOR_NP, &ts, &n))
        return false;
    if (n == 0) {
        tensor_list_free(ts, n);
        return interp_error(I, ERR_VALUE, "need at least one array to %s",
                            mode == 1 ? "stack" : "concatenate");
    }
    NnDType dt = ts[0]->dtype;
    bool flat = mode == 0 && v[1].kind == VAL_NONE;    /* axis=None joins the raveled arrays */
    for (int i = 0; i < n; i++) {
        dt = nn_promote(dt, ts[i]->dtype);
        if (flat) {
            int64_t len = nn_tensor_numel(ts[i]);
            NnTensor *e = nn_tensor_reshape(interp_nn(I), ts[i], 1, &len);
            if (!e) {
                tensor_list_free(ts, n);
                return interp_error_from_nn(I);
            }
            nn_tensor_unref(ts[i]);
            ts[i] = e;
        }
        while ((mode == 2 && ts[i]->ndim < 2) || (mode == 3 && ts[i]->ndim < 1)) {
            NnTensor *e = nn_tensor_expand_dims(interp_nn(I), ts[i], 0);
            if (!e) {
                tensor_list_free(ts, n);
                return interp_error_from_nn(I);
            }
            nn_tensor_unref(ts[i]);
            ts[i] = e;
        }
    }
    bool ok = true;
    if (mode == 3)
        axis = ts[0]->ndim == 1 ? 0 : 1;
    else if (mode <= 1 && !flat)
        ok = tensor_axis_arg(I, v[1], ts[0]->ndim + mode, 0, &axis);
    NnTensor *r = NULL;
    if (ok)
        r = mode == 1 ? nn_stack(interp_nn(I), ts, n, axis, dt) : nn_concat(interp_nn(I), ts, n, axis, dt);
    tensor_list_free(ts, n);
    return ok && tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_concatenate(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_join(I, a, 0, "concatenate", out);
}

static bool np_stack(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_join(I, a, 1, "stack", out);
}

static bool np_vstack(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_join(I, a, 2, "vstack", out);
}

static bool np_hstack(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_join(I, a, 3, "hstack", out);
}

static bool np_split(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], list;
    NnTensor *t, *parts[1024];
    int64_t idx[1024];
    int axis, nidx = 0, nsec = 0;
    UNUSED_SELF;
    if (!args_parse(I, "split", a, "ary, indices_or_sections, axis=", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axis_arg(I, v[2], t->ndim, 0, &axis);
    if (ok && v[1].kind == VAL_INT) {
        nsec = (int)v[1].as.i;
        if (nsec <= 0 || nsec > 1024 || t->shape[axis] % nsec != 0)
            ok = interp_error(I, ERR_VALUE, "array split does not result in an equal division");
    } else if (ok) {
        ok = arg_int_seq(I, "split", "indices_or_sections", v[1], idx, 1023, &nidx);
    }
    int nout = nsec ? nsec : nidx + 1;
    if (ok && nn_split(interp_nn(I), t, axis, nsec, idx, nidx, parts) != NN_OK)
        ok = interp_error_from_nn(I);
    nn_tensor_unref(t);
    if (!ok)
        return false;
    if (!list_new(I, (size_t)nout, &list)) {
        for (int i = 0; i < nout; i++)
            nn_tensor_unref(parts[i]);
        return false;
    }
    for (int i = 0; i < nout; i++) {
        Value pv;
        if (!ok)
            nn_tensor_unref(parts[i]);
        else if (tensor_value_new(I, parts[i], TENSOR_NP, &pv)) {   /* takes parts[i] */
            ok = list_append(I, list, pv);
            value_decref(pv);
        } else
            ok = false;
    }
    if (!ok) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

static bool np_take(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t = NULL, *idx = NULL, *flat = NULL;
    int axis;
    bool ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "take", a, "a, indices, axis=", v) || !np_tensor(I, v[0], &t))
        return false;
    if (!tensor_from_value(I, v[1], NN_I64, TENSOR_NP, &idx) ||
        !tensor_axis_arg(I, v[2], t->ndim, NN_ALL_AXES, &axis))
        goto done;
    if (axis == NN_ALL_AXES) {
        int64_t n = -1;
        flat = nn_tensor_reshape(interp_nn(I), t, 1, &n);
        axis = 0;
    }
    ok = tensor_value_wrap(I, nn_take(interp_nn(I), flat ? flat : t, idx, axis), TENSOR_NP, out);
done:
    nn_tensor_unref(flat);
    nn_tensor_unref(idx);
    nn_tensor_unref(t);
    return ok;
}

static bool np_tile(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t reps[NN_MAXDIM];
    int n;
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "tile", a, "A, reps", v) ||
        !arg_int_seq(I, "tile", "reps", v[1], reps, NN_MAXDIM, &n) || !np_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_tile(interp_nn(I), t, n, reps);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_repeat(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t reps;
    int axis;
    NnTensor *t, *r = NULL;
    UNUSED_SELF;
    if (!args_parse(I, "repeat", a, "a, repeats, axis=", v) ||
        !arg_int(I, "repeat", "repeats", v[1], &reps) || !np_tensor(I, v[0], &t))
        return false;
    if (tensor_axis_arg(I, v[2], t->ndim, NN_ALL_AXES, &axis))
        r = nn_repeat(interp_nn(I), t, reps, axis);
    else
        reps = -1;
    nn_tensor_unref(t);
    return reps >= 0 && tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_flip(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int axis;
    NnTensor *t, *r = NULL;
    bool ok;
    UNUSED_SELF;
    if (!args_parse(I, "flip", a, "m, axis=", v) || !np_tensor(I, v[0], &t))
        return false;
    ok = tensor_axis_arg(I, v[1], t->ndim, NN_ALL_AXES, &axis);
    if (ok)
        r = nn_flip(interp_nn(I), t, axis);
    nn_tensor_unref(t);
    return ok && tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* ---- selection ---- */

/* np.nonzero(a): a tuple of int64 index arrays, one per dimension. */
static bool nonzero_tuple(Interp *I, NnTensor *c, Value *out)
{
    Value tup;
    int nd = c->ndim ? c->ndim : 1;
    int64_t n = nn_tensor_numel(c), cnt = 0;
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_f64(c, i) != 0;
    if (!tuple_new(I, (size_t)nd, &tup))
        return false;
    for (int d = 0; d < nd; d++) {
        NnTensor *r = nn_tensor_new(interp_nn(I), NN_I64, 1, &cnt);
        if (!r || !tensor_value_new(I, r, TENSOR_NP, &as_list(tup)->items[d])) {
            if (!r)
                interp_error_from_nn(I);
            value_decref(tup);
            return false;
        }
        for (int64_t i = 0, row = 0; i < n; i++) {
            if (nn_tensor_get_f64(c, i) == 0)
                continue;
            int64_t rem = i;
            for (int e = c->ndim - 1; e > d; e--)
                rem /= c->shape[e];
            nn_tensor_set_i64(r, row++, c->ndim ? rem % c->shape[d] : 0);
        }
    }
    *out = tup;
    return true;
}

static bool np_nonzero(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "nonzero", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = nonzero_tuple(I, t, out);
    nn_tensor_unref(t);
    return ok;
}

/* The dtype of np.where(c, x, y): Python numbers are weak (numpy 1.24). */
static NnDType where_dtype(Value x, const NnTensor *tx, Value y, const NnTensor *ty)
{
    bool wx = !tensor_value_is(x) && !val_is_obj(x, OBJ_LIST) && !val_is_obj(x, OBJ_TUPLE);
    bool wy = !tensor_value_is(y) && !val_is_obj(y, OBJ_LIST) && !val_is_obj(y, OBJ_TUPLE);
    if (wx == wy)
        return nn_promote(tx->dtype, ty->dtype);
    const NnTensor *w = wx ? tx : ty, *s = wx ? ty : tx;
    int kw = w->dtype == NN_BOOL ? 0 : nn_dtype_is_int(w->dtype) ? 1 : 2;
    int ks = s->dtype == NN_BOOL ? 0 : nn_dtype_is_int(s->dtype) ? 1 : 2;
    return kw <= ks ? s->dtype : nn_promote(s->dtype, w->dtype);
}

static bool np_where(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *c = NULL, *x = NULL, *y = NULL;
    bool ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "where", a, "condition, x=, y=", v) ||
        !tensor_from_value(I, v[0], NN_BOOL, TENSOR_NP, &c))
        return false;
    if (v[1].kind == VAL_UNSET && v[2].kind == VAL_UNSET) {
        ok = nonzero_tuple(I, c, out);
    } else if (v[1].kind == VAL_UNSET || v[2].kind == VAL_UNSET) {
        interp_error(I, ERR_VALUE, "either both or neither of x and y should be given");
    } else if (np_tensor(I, v[1], &x) && np_tensor(I, v[2], &y)) {
        NnDType dt = where_dtype(v[1], x, v[2], y);
        ok = tensor_value_wrap(I, nn_where(interp_nn(I), c, x, y, dt), TENSOR_NP, out);
    }
    nn_tensor_unref(c);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

/* The flat index of each unique value's first occurrence, from the inverse map. */
static NnTensor *unique_first(Interp *I, const NnTensor *inverse, int64_t nuniq)
{
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_I64, 1, &nuniq);
    if (!r)
        return NULL;
    for (int64_t k = 0; k < nuniq; k++)
        nn_tensor_set_i64(r, k, -1);
    for (int64_t i = nn_tensor_numel(inverse) - 1; i >= 0; i--)
        nn_tensor_set_i64(r, nn_tensor_get_i64(inverse, i), i);
    return r;
}

/* Wraps unique's results (owned) as one array or a tuple of arrays. */
static bool unique_result(Interp *I, NnTensor **ts, size_t n, Value *out)
{
    bool ok = true;
    for (size_t k = 0; k < n; k++)
        ok = ok && ts[k];
    if (!ok) {
        for (size_t k = 0; k < n; k++)
            nn_tensor_unref(ts[k]);
        return interp_error_from_nn(I);
    }
    if (n == 1)
        return tensor_value_wrap(I, ts[0], TENSOR_NP, out);
    if (!tuple_new(I, n, out)) {
        for (size_t k = 0; k < n; k++)
            nn_tensor_unref(ts[k]);
        return false;
    }
    for (size_t k = 0; k < n; k++)
        if (!tensor_value_wrap(I, ts[k], TENSOR_NP, &as_list(*out)->items[k])) {
            for (size_t j = k + 1; j < n; j++)
                nn_tensor_unref(ts[j]);
            value_decref(*out);
            return false;
        }
    return true;
}

static bool np_unique(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t, *counts = NULL, *inverse = NULL;
    bool ridx = false, rinv = false, rcnt = false;
    UNUSED_SELF;
    if (!args_parse(I, "unique", a, "ar, return_index=, return_inverse=, return_counts=, axis=", v) ||
        (np_given(v[1]) && !arg_bool(I, "unique", "return_index", v[1], &ridx)) ||
        (np_given(v[2]) && !arg_bool(I, "unique", "return_inverse", v[2], &rinv)) ||
        (np_given(v[3]) && !arg_bool(I, "unique", "return_counts", v[3], &rcnt)) ||
        !np_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_unique(interp_nn(I), t, rcnt ? &counts : NULL, rinv || ridx ? &inverse : NULL);
    nn_tensor_unref(t);
    NnTensor *ts[4] = {r};
    size_t n = 1;
    if (ridx)
        ts[n++] = r ? unique_first(I, inverse, nn_tensor_numel(r)) : NULL;
    if (rinv)
        ts[n++] = inverse ? nn_tensor_ref(inverse) : NULL;
    if (rcnt)
        ts[n++] = counts;
    else
        nn_tensor_unref(counts);
    nn_tensor_unref(inverse);
    return unique_result(I, ts, n, out);
}

static bool np_bincount(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t = NULL, *w = NULL;
    int64_t minlength = 0;
    bool ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "bincount", a, "x, weights=, minlength=", v) ||
        (np_given(v[2]) && !arg_int(I, "bincount", "minlength", v[2], &minlength)) ||
        !np_tensor(I, v[0], &t))
        return false;
    if (!np_given(v[1]) || np_tensor(I, v[1], &w))
        ok = tensor_value_wrap(I, nn_bincount(interp_nn(I), t, w, minlength), TENSOR_NP, out);
    nn_tensor_unref(t);
    nn_tensor_unref(w);
    return ok;
}

static bool np_sort_common(Interp *I, const Args *a, bool arg, Value *out)
{
    Value v[3];
    NnTensor *t, *r = NULL;
    int axis;
    if (!args_parse(I, arg ? "argsort" : "sort", a, "a, axis=, kind=", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = true;
    if (v[1].kind == VAL_NONE) {   /* axis=None: flattened */
        int64_t n = -1;
        NnTensor *f = nn_tensor_reshape(interp_nn(I), t, 1, &n);
        nn_tensor_unref(t);
        if (!(t = f))
            return interp_error_from_nn(I);
        axis = 0;
    } else {
        ok = tensor_axis_arg(I, v[1], t->ndim, t->ndim - 1, &axis);
    }
    if (ok)
        r = arg ? nn_argsort(interp_nn(I), t, axis, false) : nn_sort(interp_nn(I), t, axis, false);
    nn_tensor_unref(t);
    return ok && tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool np_sort(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_sort_common(I, a, false, out);
}

static bool np_argsort(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_sort_common(I, a, true, out);
}

/* t flattened to 1-D (axis=None), or retained as is; *axis set. */
static NnTensor *axis_or_flat(Interp *I, NnTensor *t, Value axv, int *axis)
{
    if (!np_given(axv)) {
        int64_t n = -1;
        NnTensor *f = nn_tensor_reshape(interp_nn(I), t, 1, &n);
        *axis = 0;
        if (!f)
            interp_error_from_nn(I);
        return f;
    }
    return tensor_axis_arg(I, axv, t->ndim, 0, axis) ? nn_tensor_ref(t) : NULL;
}

/* np.median: the middle of the sorted values (mean of the two middle ones). */
static bool np_median(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t, *f, *s = NULL, *mid = NULL, *r = NULL;
    NnCtx *ctx = interp_nn(I);
    int axis;
    bool keep = false;
    UNUSED_SELF;
    if (!args_parse(I, "median", a, "a, axis=, keepdims=", v) ||
        (np_given(v[2]) && !value_truth(I, v[2], &keep)) || !np_tensor(I, v[0], &t))
        return false;
    f = axis_or_flat(I, t, v[1], &axis);
    nn_tensor_unref(t);
    if (!f)
        return false;
    int64_t n = f->shape[axis];
    NnDType dt = f->dtype == NN_F32 ? NN_F32 : NN_F64;
    if ((s = nn_sort(ctx, f, axis, false)))
        mid = nn_tensor_slice(ctx, s, axis, n > 0 ? (n - 1) / 2 : 0, n / 2 + 1, 1);
    if (mid)
        r = nn_reduce(ctx, NN_MEAN, mid, &axis, 1, keep, dt, 0);
    nn_tensor_unref(f);
    nn_tensor_unref(s);
    nn_tensor_unref(mid);
    if (!r)
        return interp_error_from_nn(I);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* np.diff: a[1:] - a[:-1] along axis (default the last), n times. */
static bool np_diff(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    NnCtx *ctx = interp_nn(I);
    int64_t times = 1;
    int axis;
    UNUSED_SELF;
    if (!args_parse(I, "diff", a, "a, n=1, axis=-1", v) ||
        (np_given(v[1]) && !arg_int(I, "diff", "n", v[1], &times)) || !np_tensor(I, v[0], &t))
        return false;
    if (!tensor_axis_arg(I, v[2], t->ndim, t->ndim - 1, &axis)) {
        nn_tensor_unref(t);
        return false;
    }
    for (int64_t k = 0; k < times && t; k++) {
        int64_t len = t->shape[axis];
        NnTensor *hi = nn_tensor_slice(ctx, t, axis, len > 0 ? 1 : 0, len, 1);
        NnTensor *lo = hi ? nn_tensor_slice(ctx, t, axis, 0, len > 0 ? len - 1 : 0, 1) : NULL;
        NnTensor *d = lo ? nn_binary(ctx, NN_SUB, hi, lo, t->dtype) : NULL;
        nn_tensor_unref(hi);
        nn_tensor_unref(lo);
        nn_tensor_unref(t);
        t = d;
    }
    if (!t)
        return interp_error_from_nn(I);
    return tensor_value_wrap(I, t, TENSOR_NP, out);
}

static bool np_shape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "shape", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_shape_tuple(I, t->ndim, t->shape, out);
    nn_tensor_unref(t);
    return ok;
}

#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef np_create_defs[] = {
    D("array", np_array, "array(object, dtype=None, copy=True, ndmin=0)",
      "An array from a list, a number or another array (copied).\n  np.array([[1, 2], [3, 4]])"),
    D("asarray", np_asarray, "asarray(a, dtype=None)", "An array (no copy when a already is one)."),
    D("zeros", np_zeros, "zeros(shape, dtype=float)", "An array of zeros.\n  np.zeros((2, 3))"),
    D("ones", np_ones, "ones(shape, dtype=float)", "An array of ones."),
    D("empty", np_empty, "empty(shape, dtype=float)", "A new array (nnsh fills it with zeros)."),
    D("full", np_full, "full(shape, fill_value, dtype=None)", "An array filled with fill_value."),
    D("zeros_like", np_zeros_like, "zeros_like(a, dtype=None)", "Zeros with a's shape and dtype."),
    D("ones_like", np_ones_like, "ones_like(a, dtype=None)", "Ones with a's shape and dtype."),
    D("empty_like", np_zeros_like, "empty_like(prototype, dtype=None)", "A new array with a's shape and dtype (nnsh fills it with zeros)."),
    D("full_like", np_full_like, "full_like(a, fill_value, dtype=None)", "fill_value with a's shape."),
    D("eye", np_eye, "eye(N, M=None, k=0, dtype=float)", "Ones on the k-th diagonal."),
    D("identity", np_identity, "identity(n, dtype=float)", "The n x n identity matrix."),
    D("arange", np_arange, "arange(start, stop=None, step=1, dtype=None)", "Evenly spaced values in [start, stop).\n  np.arange(10)"),
    D("linspace", np_linspace, "linspace(start, stop, num=50, endpoint=True, dtype=None)", "num evenly spaced values."),
    D("dtype", np_dtype, "dtype(obj)", "A dtype object: np.dtype('float32')."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef np_shape_defs[] = {
    D("reshape", np_reshape, "reshape(a, newshape)", "a in a new shape."),
    D("transpose", np_transpose, "transpose(a, axes=None)", "Axes reversed or permuted."),
    D("ravel", np_ravel, "ravel(a)", "The elements as a 1-D array."),
    D("squeeze", np_squeeze, "squeeze(a, axis=None)", "Size-1 axes removed."),
    D("expand_dims", np_expand_dims, "expand_dims(a, axis)", "A size-1 axis inserted."),
    D("concatenate", np_concatenate, "concatenate(arrays, axis=0)", "Arrays joined along an axis."),
    D("stack", np_stack, "stack(arrays, axis=0)", "Arrays joined along a new axis."),
    D("vstack", np_vstack, "vstack(tup)", "Arrays stacked as rows."),
    D("row_stack", np_vstack, "row_stack(tup)", "Arrays stacked as rows (vstack)."),
    D("hstack", np_hstack, "hstack(tup)", "Arrays stacked as columns."),
    D("split", np_split, "split(ary, indices_or_sections, axis=0)", "A list of sub-arrays."),
    D("take", np_take, "take(a, indices, axis=None)", "Elements at indices."),
    D("tile", np_tile, "tile(A, reps)", "A repeated reps times."),
    D("repeat", np_repeat, "repeat(a, repeats, axis=None)", "Each element repeated."),
    D("flip", np_flip, "flip(m, axis=None)", "Order reversed along axis."),
    D("nonzero", np_nonzero, "nonzero(a)", "Indices of the non-zero elements, one array per axis."),
    D("where", np_where, "where(condition, x=None, y=None)", "x where condition else y; with one argument, np.nonzero(condition)."),
    D("unique", np_unique, "unique(ar, return_inverse=False, return_counts=False)", "Sorted unique values."),
    D("bincount", np_bincount, "bincount(x, weights=None, minlength=0)", "Counts of each non-negative int."),
    D("sort", np_sort, "sort(a, axis=-1)", "A sorted copy."),
    D("argsort", np_argsort, "argsort(a, axis=-1)", "Indices that sort a."),
    D("shape", np_shape, "shape(a)", "The shape of a as a tuple."),
    D("median", np_median, "median(a, axis=None, keepdims=False)", "Middle value of the sorted elements (mean of the two middle ones)."),
    D("diff", np_diff, "diff(a, n=1, axis=-1)", "Differences of neighbours a[1:] - a[:-1]."),
    {NULL, NULL, NULL, NULL}
};
