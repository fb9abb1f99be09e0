/* mod_tf_shape.c - tf's shape, selection and linear algebra functions
 * (reshape, transpose, concat, matmul, tensordot, one_hot, where, gather,
 * sort, norm ...) and the tf.linalg table.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_tf.h).
 */
#include <string.h>
#include "mod_tf.h"
#include "autodiff.h"

/* ---- shapes ---- */

static bool tf_reshape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int ndim;
    int64_t shape[NN_MAXDIM];
    NnTensor *t;
    (void)self;
    TF1_DEFER(I, tf_reshape, "reshape", a, out);
    if (!args_parse(I, "reshape", a, "tensor, shape, name=", v) ||
        !tensor_shape_arg(I, "reshape", v[1], &ndim, shape) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = ad_rec(I, nn_tensor_reshape(interp_nn(I), t, ndim, shape), NN_G_RESHAPE, &t, 1, NULL);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_transpose(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t raw[NN_MAXDIM];
    int perm[NN_MAXDIM], n = 0;
    NnTensor *t;
    (void)self;
    TF1_DEFER(I, tf_transpose, "transpose", a, out);
    if (!args_parse(I, "transpose", a, "a, perm=, conjugate=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    bool has = v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE;
    if (has && !arg_int_seq(I, "transpose", "perm", v[1], raw, NN_MAXDIM, &n)) {
        nn_tensor_unref(t);
        return false;
    }
    if (has && n != t->ndim) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "transpose: perm has %d entries for a tensor of rank %d",
                            n, t->ndim);
    }
    for (int i = 0; i < n; i++)
        perm[i] = (int)(raw[i] < 0 ? raw[i] + n : raw[i]);
    NnTensor *r = nn_tensor_transpose(interp_nn(I), t, has ? perm : NULL);
    NnGradAttrs at = {.naxes = t->ndim};
    for (int i = 0; i < t->ndim; i++)
        at.axes[i] = has ? perm[i] : t->ndim - 1 - i;
    NnTensor *c = r ? ad_rec(I, nn_tensor_copy(interp_nn(I), r), NN_G_TRANSPOSE, &t, 1, &at) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

static bool tf_expand_dims(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t ax;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "expand_dims", a, "input, axis, name=", v) ||
        !arg_int(I, "expand_dims", "axis", v[1], &ax) || !tf_tensor(I, v[0], &t))
        return false;
    if (ax < -t->ndim - 1 || ax > t->ndim) {
        int nd = t->ndim;
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "axis %lld is out of bounds for array of dimension %d",
                            (long long)ax, nd + 1);
    }
    if (ax < 0)
        ax += t->ndim + 1;
    NnTensor *r = ad_rec(I, nn_tensor_expand_dims(interp_nn(I), t, (int)ax), NN_G_EXPAND_DIMS,
                         &t, 1, NULL);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_squeeze(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int axis;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "squeeze", a, "input, axis=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = NULL;
    if (tensor_axis_arg(I, v[1], t->ndim, NN_ALL_AXES, &axis)) {
        r = ad_rec(I, nn_tensor_squeeze(interp_nn(I), t, axis), NN_G_SQUEEZE, &t, 1, NULL);
        if (!r)
            interp_error_from_nn(I);
    }
    nn_tensor_unref(t);
    return r ? tensor_value_new(I, r, TENSOR_TF, out) : false;
}

static bool tf_join(Interp *I, const Args *a, bool stack, Value *out)
{
    Value v[3];
    NnTensor **ts;
    int n, axis;
    const char *fname = stack ? "stack" : "concat";
    if (!args_parse(I, fname, a, stack ? "values, axis=, name=" : "values, axis, name=", v) ||
        !tensor_list_arg(I, v[0], TENSOR_TF, &ts, &n))
        return false;
    if (n == 0) {
        tensor_list_free(ts, n);
        return interp_error(I, ERR_VALUE, "%s: the list of tensors is empty", fname);
    }
    NnDType dt = ts[0]->dtype;
    for (int i = 1; i < n; i++)
        dt = nn_promote(dt, ts[i]->dtype);
    NnTensor *r = NULL;
    if (tensor_axis_arg(I, v[1], ts[0]->ndim + (stack ? 1 : 0), 0, &axis)) {
        NnGradAttrs at = {.axes = {axis}};
        r = stack ? nn_stack(interp_nn(I), ts, n, axis, dt) : nn_concat(interp_nn(I), ts, n, axis, dt);
        r = ad_rec(I, r, stack ? NN_G_STACK : NN_G_CONCAT, ts, n, &at);
    } else {
        axis = -1;
    }
    tensor_list_free(ts, n);
    if (axis == -1)
        return false;
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_concat(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_join(I, a, false, out);
}

static bool tf_stack(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_join(I, a, true, out);
}

static bool tf_cast(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnDType dt;
    (void)self;
    TF1_DEFER(I, tf_cast, "cast", a, out);
    if (!args_parse(I, "cast", a, "x, dtype, name=", v) || !tensor_dtype_from_value(I, v[1], &dt))
        return false;
    return tf_value(I, v[0], dt, out);
}

static bool tf_matmul(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, y;
    bool ta = false, tb = false, ok = false;
    (void)self;
    TF1_DEFER(I, tf_matmul, "matmul", a, out);
    if (!args_parse(I, "matmul", a, "a, b, transpose_a=, transpose_b=, name=", v))
        return false;
    if ((v[2].kind != VAL_UNSET && !arg_bool(I, "matmul", "transpose_a", v[2], &ta)) ||
        (v[3].kind != VAL_UNSET && !arg_bool(I, "matmul", "transpose_b", v[3], &tb)))
        return false;
    if (!tf_value(I, v[0], -1, &x))
        return false;
    if (!tf_value(I, v[1], -1, &y)) {
        value_decref(x);
        return false;
    }
    Value xs = x, ys = y;
    if (ta && !tensor_getattr(I, x, "T", &xs, &ok))
        goto done;
    if (tb && !tensor_getattr(I, y, "T", &ys, &ok))
        goto done;
    ok = tensor_matmul(I, xs, ys, TENSOR_TF, out);
done:
    if (ta && xs.kind == VAL_OBJ && xs.as.o != x.as.o)
        value_decref(xs);
    if (tb && ys.kind == VAL_OBJ && ys.as.o != y.as.o)
        value_decref(ys);
    value_decref(x);
    value_decref(y);
    return ok;
}

/* axes: an int N, or a pair (axes of a, axes of b), each an int or a list. */
static bool tensordot_axes(Interp *I, Value axes, const NnTensor *a, const NnTensor *b,
                           int *n, int *aa, int *ab)
{
    int64_t ra[NN_MAXDIM], rb[NN_MAXDIM];
    int na, nb;
    if (axes.kind == VAL_INT) {
        if (axes.as.i < 0 || axes.as.i > a->ndim || axes.as.i > b->ndim)
            return interp_error(I, ERR_VALUE, "tensordot: axes=%lld is out of range for ranks %d "
                                "and %d", (long long)axes.as.i, a->ndim, b->ndim);
        *n = (int)axes.as.i;
        for (int i = 0; i < *n; i++) {
            aa[i] = a->ndim - *n + i;
            ab[i] = i;
        }
        return true;
    }
    if ((!val_is_obj(axes, OBJ_LIST) && !val_is_obj(axes, OBJ_TUPLE)) || as_list(axes)->len != 2)
        return interp_error(I, ERR_VALUE, "tensordot: axes must be an int or a pair of axis lists");
    if (!arg_int_seq(I, "tensordot", "axes", as_list(axes)->items[0], ra, NN_MAXDIM, &na) ||
        !arg_int_seq(I, "tensordot", "axes", as_list(axes)->items[1], rb, NN_MAXDIM, &nb))
        return false;
    if (na != nb)
        return interp_error(I, ERR_VALUE, "tensordot: %d axes of a but %d axes of b", na, nb);
    for (int i = 0; i < na; i++) {
        aa[i] = (int)(ra[i] < 0 ? ra[i] + a->ndim : ra[i]);
        ab[i] = (int)(rb[i] < 0 ? rb[i] + b->ndim : rb[i]);
    }
    *n = na;
    return true;
}

static bool tf_tensordot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *x = NULL, *y = NULL, *cx = NULL, *cy = NULL;
    int n = 0, aa[NN_MAXDIM], ab[NN_MAXDIM];
    bool ok = false;
    (void)self;
    if (!args_parse(I, "tensordot", a, "a, b, axes, name=", v) || !tf_tensor(I, v[0], &x))
        return false;
    if (!tf_tensor(I, v[1], &y) || !tensordot_axes(I, v[2], x, y, &n, aa, ab))
        goto done;
    NnDType dt = nn_promote(x->dtype, y->dtype);
    cx = nn_tensor_cast(interp_nn(I), x, dt);
    cy = cx ? nn_tensor_cast(interp_nn(I), y, dt) : NULL;
    if (!cy) {
        interp_error_from_nn(I);
        goto done;
    }
    ok = tensor_value_wrap(I, nn_tensordot(interp_nn(I), cx, cy, n, aa, ab), TENSOR_TF, out);
done:
    nn_tensor_unref(cx);
    nn_tensor_unref(cy);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool tf_one_hot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[7];
    int64_t depth;
    double on = 1, off = 0;
    int dt;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "one_hot", a, "indices, depth, on_value=, off_value=, axis=, dtype=, name=", v) ||
        !arg_int(I, "one_hot", "depth", v[1], &depth) || !tensor_dtype_arg(I, v[5], &dt))
        return false;
    if ((v[2].kind != VAL_UNSET && !arg_float(I, "one_hot", "on_value", v[2], &on)) ||
        (v[3].kind != VAL_UNSET && !arg_float(I, "one_hot", "off_value", v[3], &off)))
        return false;
    if (!tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_one_hot(interp_nn(I), t, depth, on, off, dt < 0 ? NN_F32 : (NnDType)dt);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* tf.where(cond): the coordinates of the true entries, int64 (N, rank). */
static NnTensor *where_coords(Interp *I, const NnTensor *c)
{
    int64_t n = nn_tensor_numel(c), cnt = 0;
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_f64(c, i) != 0;
    int64_t shape[2] = {cnt, c->ndim};
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_I64, 2, shape);
    if (!r)
        return NULL;
    for (int64_t i = 0, row = 0; i < n; i++) {
        if (nn_tensor_get_f64(c, i) == 0)
            continue;
        int64_t rem = i;
        for (int d = c->ndim - 1; d >= 0; d--) {
            nn_tensor_set_i64(r, row * c->ndim + d, rem % c->shape[d]);
            rem /= c->shape[d];
        }
        row++;
    }
    return r;
}

static bool tf_where(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *c = NULL, *x = NULL, *y = NULL;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "where", a, "condition, x=, y=, name=", v) ||
        !tensor_from_value(I, v[0], NN_BOOL, TENSOR_TF, &c))
        return false;
    if (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE) {
        ok = tensor_value_wrap(I, where_coords(I, c), TENSOR_TF, out);
    } else if (tf_tensor(I, v[1], &x) && tf_tensor(I, v[2], &y)) {
        NnDType dt = nn_promote(x->dtype, y->dtype);
        NnGradAttrs at = {.aux = c};
        ok = tensor_value_wrap(I, ad_rec(I, nn_where(interp_nn(I), c, x, y, dt), NN_G_WHERE,
                                         (NnTensor *[]){x, y}, 2, &at), TENSOR_TF, out);
    }
    nn_tensor_unref(c);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool tf_shape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "shape", a, "input, out_type=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    int64_t n = t->ndim;
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_I32, 1, &n);
    for (int i = 0; r && i < t->ndim; i++)
        nn_tensor_set_i64(r, i, t->shape[i]);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_size_rank(Interp *I, const Args *a, bool size, Value *out)
{
    Value v[3];
    NnTensor *t;
    if (!args_parse(I, size ? "size" : "rank", a, "input, out_type=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    int64_t n = size ? nn_tensor_numel(t) : t->ndim;
    nn_tensor_unref(t);
    return tensor_value_wrap(I, nn_tensor_scalar_i64(interp_nn(I), NN_I32, n), TENSOR_TF, out);
}

static bool tf_size(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_size_rank(I, a, true, out);
}

static bool tf_rank(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_size_rank(I, a, false, out);
}

static bool tf_clip_by_value(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, lo = {0};
    bool ok = false;
    (void)self;
    if (!args_parse(I, "clip_by_value", a, "t, clip_value_min, clip_value_max, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    if (tensor_binary(I, NN_MAXIMUM, x, v[1], &lo))
        ok = tensor_binary(I, NN_MINIMUM, lo, v[2], out);
    value_decref(lo);
    value_decref(x);
    return ok;
}

static bool tf_gather(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *p = NULL, *idx = NULL;
    int axis;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "gather", a, "params, indices, validate_indices=, axis=, name=", v) ||
        !tf_tensor(I, v[0], &p))
        return false;
    if (tensor_from_value(I, v[1], NN_I64, TENSOR_TF, &idx) &&
        tensor_axis_arg(I, v[3], p->ndim, 0, &axis)) {
        NnGradAttrs at = {.aux = idx, .axes = {axis}};
        ok = tensor_value_wrap(I, ad_rec(I, nn_take(interp_nn(I), p, idx, axis), NN_G_TAKE, &p, 1, &at),
                               TENSOR_TF, out);
    }
    nn_tensor_unref(p);
    nn_tensor_unref(idx);
    return ok;
}

static bool tf_sort_common(Interp *I, const Args *a, bool arg, Value *out)
{
    Value v[5];
    NnTensor *t;
    int axis;
    bool desc = false, ok = false;
    const char *fname = arg ? "argsort" : "sort";
    if (!args_parse(I, fname, a, "values, axis=, direction=, stable=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    if (val_is_obj(v[2], OBJ_STR)) {
        desc = strcmp(str_cstr(v[2]), "DESCENDING") == 0;
        if (!desc && strcmp(str_cstr(v[2]), "ASCENDING") != 0) {
            nn_tensor_unref(t);
            return interp_error(I, ERR_VALUE, "%s: direction must be 'ASCENDING' or 'DESCENDING', "
                                "not '%s'", fname, str_cstr(v[2]));
        }
    }
    if (tensor_axis_arg(I, v[1], t->ndim, t->ndim - 1, &axis)) {
        NnTensor *r = arg ? nn_argsort(interp_nn(I), t, axis, desc) : nn_sort(interp_nn(I), t, axis, desc);
        if (r && arg) {
            NnTensor *c = nn_tensor_cast(interp_nn(I), r, NN_I32);
            nn_tensor_unref(r);
            r = c;
        }
        ok = tensor_value_wrap(I, r, TENSOR_TF, out);
    }
    nn_tensor_unref(t);
    return ok;
}

static bool tf_sort(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_sort_common(I, a, false, out);
}

static bool tf_argsort(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_sort_common(I, a, true, out);
}

bool tf_cumsum(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t;
    int axis;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "cumsum", a, "x, axis=, exclusive=, reverse=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    if (tensor_axis_arg(I, v[1], t->ndim, 0, &axis)) {
        NnGradAttrs at = {.axes = {axis}};
        ok = tensor_value_wrap(I, ad_rec(I, nn_cumsum(interp_nn(I), t, axis, t->dtype), NN_G_CUMSUM,
                                         &t, 1, &at), TENSOR_TF, out);
    }
    nn_tensor_unref(t);
    return ok;
}

static bool tf_norm(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, sq = {0}, s = {0};
    bool ok = false;
    (void)self;
    if (!args_parse(I, "norm", a, "tensor, ord=, axis=, keepdims=, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    if (tensor_unary(I, NN_SQUARE, x, TENSOR_TF, &sq) &&
        tensor_reduce(I, NN_SUM, sq, v[2], v[3], TENSOR_TF, 0, &s))
        ok = tensor_unary(I, NN_SQRT, s, TENSOR_TF, out);
    value_decref(s);
    value_decref(sq);
    value_decref(x);
    return ok;
}


#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef tf_shape_defs[] = {
    D("reshape", tf_reshape, "reshape(tensor, shape, name=None)", "The values in a new shape (one -1 inferred)."),
    D("transpose", tf_transpose, "transpose(a, perm=None, conjugate=False, name='transpose')", "Axes permuted (reversed by default)."),
    D("expand_dims", tf_expand_dims, "expand_dims(input, axis, name=None)", "A size-1 axis inserted at axis."),
    D("squeeze", tf_squeeze, "squeeze(input, axis=None, name=None)", "Size-1 axes removed."),
    D("concat", tf_concat, "concat(values, axis, name='concat')", "Tensors joined along an existing axis."),
    D("stack", tf_stack, "stack(values, axis=0, name='stack')", "Tensors joined along a new axis."),
    D("cast", tf_cast, "cast(x, dtype, name=None)", "x converted to dtype.\n  tf.cast(x, tf.float32)"),
    D("matmul", tf_matmul, "matmul(a, b, transpose_a=False, transpose_b=False, name=None)", "Matrix product (batched)."),
    D("tensordot", tf_tensordot, "tensordot(a, b, axes, name=None)", "Sum over the given axes of a and b.\n  tf.tensordot(x, y, axes=1)"),
    D("one_hot", tf_one_hot, "one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None)", "One-hot vectors of length depth."),
    D("where", tf_where, "where(condition, x=None, y=None, name=None)", "x where condition else y; with one argument the coordinates of true entries."),
    D("shape", tf_shape, "shape(input, out_type=tf.int32, name=None)", "The shape as an int32 tensor."),
    D("size", tf_size, "size(input, out_type=tf.int32, name=None)", "The number of elements."),
    D("rank", tf_rank, "rank(input, name=None)", "The number of dimensions."),
    D("clip_by_value", tf_clip_by_value, "clip_by_value(t, clip_value_min, clip_value_max, name=None)", "Values limited to [min, max]."),
    D("gather", tf_gather, "gather(params, indices, validate_indices=None, axis=None, name=None)", "Slices of params at indices along axis."),
    D("sort", tf_sort, "sort(values, axis=-1, direction='ASCENDING', name=None)", "Sorted values."),
    D("argsort", tf_argsort, "argsort(values, axis=-1, direction='ASCENDING', stable=False, name=None)", "Indices that sort values."),
    D("norm", tf_norm, "norm(tensor, ord='euclidean', axis=None, keepdims=None, name=None)", "Euclidean norm."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef tf_linalg_defs[] = {
    D("matmul", tf_matmul, "matmul(a, b, transpose_a=False, transpose_b=False, name=None)", "Matrix product."),
    D("tensordot", tf_tensordot, "tensordot(a, b, axes, name=None)", "Tensor contraction."),
    D("matrix_transpose", tf_transpose, "matrix_transpose(a, name=None)", "Transpose."),
    D("norm", tf_norm, "norm(tensor, ord='euclidean', axis=None, keepdims=None, name=None)", "Euclidean norm."),
    D("eye", tf_eye, "eye(num_rows, num_columns=None, batch_shape=None, dtype=tf.float32, name=None)", "Identity matrix."),
    {NULL, NULL, NULL, NULL}
};
