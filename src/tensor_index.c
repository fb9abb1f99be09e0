/* tensor_index.c - x[key] and x[key] = v for tensor values, as numpy does.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Basic indexing
 * (ints, slices, `...`, None) makes views that share the buffer; integer
 * arrays and boolean masks ("advanced" indexing) make copies.  A key with one
 * advanced index among basic ones applies the basic ones first and then
 * gathers along that index's axis; several integer arrays index the leading
 * axes together (x[[0, 1], [1, 2]]).  tf tensors are immutable.
 */
#include <string.h>
#include "tensor_value.h"
#include "autodiff.h"

typedef enum { IK_INT, IK_SLICE, IK_NONE, IK_ELLIPSIS, IK_ARRAY, IK_MASK } IdxKind;

typedef struct IdxItem {
    IdxKind kind;
    int64_t i;            /* IK_INT */
    Value v;              /* IK_SLICE: borrowed slice object */
    NnTensor *arr;        /* IK_ARRAY (int64) / IK_MASK (bool): owned */
} IdxItem;

typedef struct Index {
    int n;
    IdxItem items[NN_MAXDIM * 2 + 2];
    int nreal;            /* items that consume an axis (int, slice, array; mask: its ndim) */
    int nadv;             /* advanced items */
} Index;

static void index_free(Index *ix)
{
    for (int i = 0; i < ix->n; i++)
        nn_tensor_unref(ix->items[i].arr);
}

/* The Ellipsis singleton (`...`): an instance of this class, made once by
 * tensor_install as the built-in `Ellipsis`. */
static bool ellipsis_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    (void)self;
    sb_puts(sb, "Ellipsis");
    return true;
}

const NativeClass tensor_ellipsis_class = {
    .name = "ellipsis", .repr = ellipsis_repr,
    .doc = "The Ellipsis singleton, written `...`: a[..., 0] indexes the last axis.",
};

static bool is_ellipsis(Value v)
{
    return native_obj_is(v, &tensor_ellipsis_class);
}

/* An array-like index: a list/tuple of numbers or a tensor. */
static bool item_array(Interp *I, Value v, IdxItem *it)
{
    NnTensor *t;
    if (!tensor_from_value(I, v, -1, TENSOR_NP, &t))
        return false;
    if (t->dtype == NN_BOOL) {
        it->kind = IK_MASK;
        it->arr = t;
        return true;
    }
    if (nn_dtype_is_float(t->dtype)) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_INDEX, "arrays used as indices must be of integer (or boolean) type");
    }
    it->kind = IK_ARRAY;
    it->arr = nn_tensor_cast(interp_nn(I), t, NN_I64);
    nn_tensor_unref(t);
    return it->arr ? true : interp_error_from_nn(I);
}

static bool item_parse(Interp *I, Value v, IdxItem *it)
{
    NnTensor *t = tensor_value_get(v);
    memset(it, 0, sizeof *it);
    if (v.kind == VAL_INT || v.kind == VAL_BOOL) {
        it->kind = IK_INT;
        it->i = v.kind == VAL_INT ? v.as.i : v.as.b;
        return true;
    }
    if (t && t->ndim == 0 && nn_dtype_is_int(t->dtype)) {
        it->kind = IK_INT;
        it->i = nn_tensor_get_i64(t, 0);
        return true;
    }
    if (v.kind == VAL_NONE) {
        it->kind = IK_NONE;
        return true;
    }
    if (val_is_obj(v, OBJ_SLICE)) {
        it->kind = IK_SLICE;
        it->v = v;
        return true;
    }
    if (is_ellipsis(v)) {
        it->kind = IK_ELLIPSIS;
        return true;
    }
    if (t || val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE) || val_is_obj(v, OBJ_RANGE))
        return item_array(I, v, it);
    return interp_error(I, ERR_INDEX, "only integers, slices (`:`), ellipsis (`...`), "
                        "numpy.newaxis (`None`) and integer or boolean arrays are valid indices");
}

static bool index_parse(Interp *I, Value key, int ndim, Index *ix)
{
    memset(ix, 0, sizeof *ix);
    bool tup = val_is_obj(key, OBJ_TUPLE);
    size_t n = tup ? as_list(key)->len : 1;
    bool ell = false;
    if (n > sizeof ix->items / sizeof ix->items[0])
        return interp_error(I, ERR_INDEX, "too many indices for array");
    for (size_t k = 0; k < n; k++) {
        IdxItem *it = &ix->items[ix->n];
        if (!item_parse(I, tup ? as_list(key)->items[k] : key, it))
            return false;
        ix->n++;
        if (it->kind == IK_ELLIPSIS) {
            if (ell)
                return interp_error(I, ERR_INDEX, "an index can only have a single ellipsis ('...')");
            ell = true;
        }
        if (it->kind == IK_INT || it->kind == IK_SLICE || it->kind == IK_ARRAY)
            ix->nreal++;
        if (it->kind == IK_MASK)
            ix->nreal += it->arr->ndim;
        if (it->kind == IK_ARRAY || it->kind == IK_MASK)
            ix->nadv++;
    }
    if (ix->nreal > ndim)
        return interp_error(I, ERR_INDEX, "too many indices for array: array is %d-dimensional, "
                            "but %d were indexed", ndim, ix->nreal);
    return true;
}

static bool slice_part(Interp *I, Value sl, const char *name, bool *has, int64_t *out)
{
    Value v;
    if (!value_getattr(I, sl, name, &v))
        return false;
    *has = v.kind != VAL_NONE;
    bool ok = !*has || value_as_index(I, v, out);
    value_decref(v);
    return ok;
}

static NnTensor *apply_slice(Interp *I, NnTensor *t, int axis, Value sl)
{
    int64_t start = 0, stop = 0, step = 1;
    bool hs, he, hst;
    if (!slice_part(I, sl, "start", &hs, &start) || !slice_part(I, sl, "stop", &he, &stop) ||
        !slice_part(I, sl, "step", &hst, &step))
        return NULL;
    if (step == 0) {
        interp_error(I, ERR_VALUE, "slice step cannot be zero");
        return NULL;
    }
    nn_slice_indices(t->shape[axis], hs, &start, he, &stop, step);
    NnGradAttrs at = {.axes = {axis}, .start = start, .stop = stop, .step = step};
    NnTensor *r = ad_rec(I, nn_tensor_slice(interp_nn(I), t, axis, start, stop, step), NN_G_SLICE,
                         &t, 1, &at);
    if (!r)
        interp_error_from_nn(I);
    return r;
}

/* Applies the basic items (advanced ones become full slices); advaxis[k]
 * receives the result axis of advanced item k (-1 when not advanced). */
static NnTensor *apply_basic(Interp *I, NnTensor *t, const Index *ix, int *advaxis)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *cur = nn_tensor_ref(t);
    int axis = 0, src = 0;      /* axis of cur, axis of t (for messages) */
    for (int k = 0; k < ix->n && cur; k++) {
        const IdxItem *it = &ix->items[k];
        NnTensor *next = NULL;
        advaxis[k] = -1;
        int64_t n = it->kind == IK_INT && axis < cur->ndim ? cur->shape[axis] : 0;
        if (it->kind == IK_INT && axis < cur->ndim && (it->i < -n || it->i >= n)) {
            interp_error(I, ERR_INDEX, "index %lld is out of bounds for axis %d with size %lld",
                         (long long)it->i, src, (long long)n);
            nn_tensor_unref(cur);
            return NULL;
        }
        src += it->kind == IK_ELLIPSIS ? t->ndim - ix->nreal : it->kind == IK_MASK ? it->arr->ndim :
               it->kind != IK_NONE;
        switch (it->kind) {
        case IK_ELLIPSIS:
            axis += t->ndim - ix->nreal;
            continue;
        case IK_NONE:
            next = ad_rec(I, nn_tensor_expand_dims(ctx, cur, axis), NN_G_EXPAND_DIMS, &cur, 1, NULL);
            axis++;
            break;
        case IK_INT: {
            NnGradAttrs at = {.axes = {axis}, .start = it->i < 0 ? it->i + cur->shape[axis] : it->i};
            next = ad_rec(I, nn_tensor_select(ctx, cur, axis, it->i), NN_G_SELECT, &cur, 1, &at);
            break;
        }
        case IK_SLICE:
            next = apply_slice(I, cur, axis++, it->v);
            if (!next) {
                nn_tensor_unref(cur);
                return NULL;
            }
            break;
        case IK_ARRAY:
        case IK_MASK:
            advaxis[k] = axis;
            axis += it->kind == IK_MASK ? it->arr->ndim : 1;
            continue;
        }
        nn_tensor_unref(cur);
        cur = next;
        if (!cur)
            interp_error_from_nn(I);
    }
    return cur;
}

/* Integer positions of the true entries of a 1-D mask. */
static NnTensor *mask_positions(Interp *I, const NnTensor *mask, int64_t size)
{
    NnCtx *ctx = interp_nn(I);
    int64_t n = nn_tensor_numel(mask), cnt = 0;
    if (n != size) {
        interp_error(I, ERR_INDEX, "boolean index did not match indexed array along dimension "
                     "0; dimension is %lld but corresponding boolean dimension is %lld",
                     (long long)size, (long long)n);
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_i64(mask, i) != 0;
    NnTensor *r = nn_tensor_new(ctx, NN_I64, 1, &cnt);
    if (!r) {
        interp_error_from_nn(I);
        return NULL;
    }
    for (int64_t i = 0, j = 0; i < n; i++)
        if (nn_tensor_get_i64(mask, i))
            nn_tensor_set_i64(r, j++, i);
    return r;
}

/* numpy's error for a boolean mask whose shape is not a prefix of t's. */
static bool mask_fits(Interp *I, const NnTensor *t, const NnTensor *mask)
{
    for (int d = 0; d < mask->ndim; d++)
        if (d >= t->ndim || mask->shape[d] != t->shape[d]) {
            if (d >= t->ndim)
                return interp_error(I, ERR_INDEX, "too many indices for array: array is "
                                    "%d-dimensional, but %d were indexed", t->ndim, mask->ndim);
            return interp_error(I, ERR_INDEX, "boolean index did not match indexed array along "
                                "dimension %d; dimension is %lld but corresponding boolean "
                                "dimension is %lld", d, (long long)t->shape[d],
                                (long long)mask->shape[d]);
        }
    return true;
}

/* One advanced item at result axis `axis` of cur. */
static NnTensor *apply_one_adv(Interp *I, NnTensor *cur, const IdxItem *it, int axis)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *r;
    if (it->kind == IK_MASK && (it->arr->ndim > 1 || axis == 0)) {
        if (axis != 0) {
            interp_error(I, ERR_INDEX, "nnsh supports a multi-dimensional boolean mask "
                         "only on the leading axes");
            return NULL;
        }
        if (!mask_fits(I, cur, it->arr))
            return NULL;
        NnGradAttrs at = {.aux = it->arr};
        r = ad_rec(I, nn_tensor_mask_select(ctx, cur, it->arr), NN_G_MASK_SELECT, &cur, 1, &at);
    } else if (it->kind == IK_MASK) {
        NnTensor *pos = mask_positions(I, it->arr, cur->shape[axis]);
        if (!pos)
            return NULL;
        NnGradAttrs at = {.aux = pos, .axes = {axis}};
        r = ad_rec(I, nn_take(ctx, cur, pos, axis), NN_G_TAKE, &cur, 1, &at);
        nn_tensor_unref(pos);
    } else {
        NnGradAttrs at = {.aux = it->arr, .axes = {axis}};
        r = ad_rec(I, nn_take(ctx, cur, it->arr, axis), NN_G_TAKE, &cur, 1, &at);
    }
    if (!r)
        interp_error_from_nn(I);
    return r;
}

/* Several integer arrays on the leading axes: flat indices into the
 * collapsed leading axes, then one gather. */
static NnTensor *apply_multi_adv(Interp *I, NnTensor *t, const Index *ix)
{
    NnCtx *ctx = interp_nn(I);
    int k = ix->n;
    for (int i = 0; i < k; i++)
        if (ix->items[i].kind != IK_ARRAY) {
            interp_error(I, ERR_INDEX, "nnsh supports several index arrays only as x[i0, i1, ...] "
                         "on the leading axes");
            return NULL;
        }
    NnTensor *flat = NULL, *r = NULL, *base = NULL;
    int64_t shape[NN_MAXDIM], lead = 1;
    for (int i = 0; i < k; i++) {
        const NnTensor *a = ix->items[i].arr;
        int64_t n = t->shape[i], cnt = nn_tensor_numel(a);
        for (int64_t j = 0; j < cnt; j++) {
            int64_t v = nn_tensor_get_i64(a, j);
            if (v < -n || v >= n) {
                interp_error(I, ERR_INDEX, "index %lld is out of bounds for axis %d with size %lld",
                             (long long)v, i, (long long)n);
                goto done;
            }
        }
        NnTensor *size = nn_tensor_scalar_i64(ctx, NN_I64, n);
        NnTensor *pos = size ? nn_binary(ctx, NN_MOD, a, size, NN_I64) : NULL;
        NnTensor *acc = pos && flat ? nn_binary(ctx, NN_MUL, flat, size, NN_I64) : NULL;
        NnTensor *sum = acc ? nn_binary(ctx, NN_ADD, acc, pos, NN_I64) : NULL;
        nn_tensor_unref(size);
        nn_tensor_unref(acc);
        if (flat) {
            nn_tensor_unref(pos);
            pos = sum;
        }
        nn_tensor_unref(flat);
        flat = pos;
        if (!flat) {
            interp_error_from_nn(I);
            goto done;
        }
        lead *= n;
    }
    shape[0] = lead;
    for (int i = k; i < t->ndim; i++)
        shape[i - k + 1] = t->shape[i];
    base = ad_rec(I, nn_tensor_reshape(ctx, t, t->ndim - k + 1, shape), NN_G_RESHAPE, &t, 1, NULL);
    NnGradAttrs at = {.aux = flat, .axes = {0}};
    r = base ? ad_rec(I, nn_take(ctx, base, flat, 0), NN_G_TAKE, &base, 1, &at) : NULL;
    if (!r)
        interp_error_from_nn(I);
done:
    nn_tensor_unref(base);
    nn_tensor_unref(flat);
    return r;
}

static NnTensor *index_get(Interp *I, NnTensor *t, const Index *ix)
{
    int advaxis[NN_MAXDIM * 2 + 2];
    if (ix->nadv > 1)
        return apply_multi_adv(I, t, ix);
    NnTensor *cur = apply_basic(I, t, ix, advaxis);
    for (int k = 0; cur && k < ix->n && ix->nadv; k++) {
        if (advaxis[k] < 0)
            continue;
        NnTensor *r = apply_one_adv(I, cur, &ix->items[k], advaxis[k]);
        nn_tensor_unref(cur);
        cur = r;
    }
    return cur;
}

bool tensor_getitem(Interp *I, Value self, Value key, Value *out)
{
    NnTensor *t = tensor_value_get(self);
    TensorFlavour fl = tensor_value_flavour(self);
    Index ix;
    if (fl == TENSOR_SCALAR)
        return interp_error(I, ERR_INDEX, "invalid index to scalar variable.");
    if (!index_parse(I, key, t->ndim, &ix)) {
        index_free(&ix);
        return false;
    }
    NnTensor *r = index_get(I, t, &ix);
    index_free(&ix);
    if (!r)
        return false;
    if (r->ndim == 0 && fl == TENSOR_NP) {   /* numpy scalars are copies */
        NnTensor *c = nn_tensor_copy(interp_nn(I), r);
        nn_tensor_unref(r);
        return tensor_value_np(I, c, out);
    }
    return tensor_value_new(I, r, fl, out);
}

/* x[i0, :, idx] = v with one 1-D index array among basic items: assigns
 * element by element of the array (v broadcast to each view). */
static bool set_adv_loop(Interp *I, NnTensor *t, Index *ix, int k, NnTensor *src)
{
    IdxItem saved = ix->items[k];
    NnTensor *pos = saved.kind == IK_MASK ? NULL : nn_tensor_ref(saved.arr);
    bool ok = true;
    int advaxis[NN_MAXDIM * 2 + 2];
    if (saved.kind == IK_MASK) {
        if (saved.arr->ndim != 1)
            return interp_error(I, ERR_INDEX, "nnsh assigns through a multi-dimensional boolean "
                                "mask only as x[mask] = v");
        NnTensor *view = apply_basic(I, t, ix, advaxis);
        if (!view)
            return false;
        int64_t size = view->shape[advaxis[k]];
        nn_tensor_unref(view);
        pos = mask_positions(I, saved.arr, size);
        if (!pos)
            return false;
    }
    ix->items[k].kind = IK_INT;
    ix->items[k].arr = NULL;
    ix->nadv = 0;
    for (int64_t j = 0; ok && j < nn_tensor_numel(pos); j++) {
        ix->items[k].i = nn_tensor_get_i64(pos, j);
        NnTensor *view = apply_basic(I, t, ix, advaxis);
        ok = view && nn_tensor_assign(interp_nn(I), view, src) == NN_OK;
        if (view && !ok)
            interp_error_from_nn(I);
        nn_tensor_unref(view);
    }
    ix->items[k] = saved;
    nn_tensor_unref(pos);
    return ok;
}

static bool index_set(Interp *I, NnTensor *t, Index *ix, NnTensor *src)
{
    NnCtx *ctx = interp_nn(I);
    int advaxis[NN_MAXDIM * 2 + 2];
    NnStatus st;
    if (ix->nadv == 0) {
        NnTensor *view = apply_basic(I, t, ix, advaxis);
        if (!view)
            return false;
        st = nn_tensor_assign(ctx, view, src);
        nn_tensor_unref(view);
    } else if (ix->n == 1 && ix->items[0].kind == IK_MASK) {
        if (!mask_fits(I, t, ix->items[0].arr))
            return false;
        st = nn_tensor_mask_assign(ctx, t, ix->items[0].arr, src);
    } else if (ix->n == 1) {
        st = nn_tensor_put(ctx, t, ix->items[0].arr, src);
    } else if (ix->nadv == 1) {
        int k = 0;
        while (ix->items[k].kind != IK_ARRAY && ix->items[k].kind != IK_MASK)
            k++;
        return set_adv_loop(I, t, ix, k, src);
    } else {
        return interp_error(I, ERR_INDEX, "nnsh does not support assignment through several "
                            "index arrays");
    }
    return st == NN_OK ? true : interp_error_from_nn(I);
}

bool tensor_setitem(Interp *I, Value self, Value key, Value v)
{
    NnTensor *t = tensor_value_get(self), *src = NULL;
    TensorFlavour fl = tensor_value_flavour(self);
    Index ix;
    if (fl == TENSOR_TF)
        return interp_error(I, ERR_TYPE, "'tensorflow.python.framework.ops.EagerTensor' object "
                            "does not support item assignment");
    if (fl == TENSOR_SCALAR)
        return interp_error(I, ERR_TYPE, "'numpy.%s' object does not support item assignment",
                            nn_dtype_name(t->dtype));
    if (!index_parse(I, key, t->ndim, &ix)) {
        index_free(&ix);
        return false;
    }
    Value num = v, conv = {0};
    bool ok = true, found = false;
    if (val_is_obj(v, OBJ_STR)) {   /* numpy converts a str as int(s) / float(s) does */
        ok = interp_get_builtin(I, nn_dtype_is_float(t->dtype) ? "float" : "int", &conv, &found) &&
             found && interp_call(I, conv, 1, &v, &num);
        value_decref(conv);
        if (!ok)
            num = v;
    }
    ok = ok && tensor_from_value(I, num, -1, TENSOR_NP, &src) && index_set(I, t, &ix, src);
    if (num.kind != v.kind || num.as.o != v.as.o)
        value_decref(num);
    nn_tensor_unref(src);
    index_free(&ix);
    return ok;
}
