/* mod_np_extra.c - more of numpy's array functions: column_stack, dstack,
 * meshgrid, append, insert, delete, argwhere, diag, diagonal, trace,
 * tril/triu, roll, cumprod, atleast_Nd, array_split/hsplit/vsplit,
 * moveaxis/swapaxes, broadcast_to, pad, triu/tril_indices, fliplr/flipud.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  Each
 * function follows numpy 1.24's result shapes and dtypes; element loops go
 * through lib's flat accessors (nn_tensor_get_*), the heavy lifting through
 * lib ops.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

bool np_wrap(Interp *I, NnTensor *t, Value *out)
{
    if (!t)
        return interp_error_from_nn(I);
    return tensor_value_np(I, t, out);
}

void np_copy_elem(NnTensor *d, int64_t di, const NnTensor *s, int64_t si)
{
    if (nn_dtype_is_float(d->dtype))
        nn_tensor_set_f64(d, di, nn_tensor_get_f64(s, si));
    else
        nn_tensor_set_i64(d, di, nn_tensor_get_i64(s, si));
}

bool np_tensor_list(Interp *I, NnTensor **ts, int n, bool tuple, Value *out)
{
    Value seq;
    bool ok = tuple ? tuple_new(I, (size_t)n, &seq) : list_new(I, (size_t)n, &seq);
    for (int i = 0; i < n; i++) {
        Value v;
        if (!ok) {
            nn_tensor_unref(ts[i]);
            continue;
        }
        if (!ts[i]) {
            ok = interp_error_from_nn(I);
        } else if (!tensor_value_new(I, ts[i], TENSOR_NP, &v)) {
            ok = false;
        } else if (tuple) {
            as_list(seq)->items[i] = v;
        } else {
            ok = list_append(I, seq, v);
            value_decref(v);
        }
    }
    if (!ok) {
        if (seq.kind == VAL_OBJ)
            value_decref(seq);
        return false;
    }
    *out = seq;
    return true;
}

/* t reshaped (view or copy) to nd dims (new reference, NULL on error). */
static NnTensor *reshaped(Interp *I, NnTensor *t, int nd, const int64_t *shape)
{
    NnTensor *r = nn_tensor_reshape(CTX, t, nd, shape);
    if (!r)
        interp_error_from_nn(I);
    return r;
}

/* numpy's atleast_{1,2,3}d of one tensor (new reference). */
static NnTensor *atleast(Interp *I, NnTensor *t, int nd)
{
    int64_t s[3];
    if (t->ndim >= nd)
        return nn_tensor_ref(t);
    if (t->ndim == 0) {
        s[0] = s[1] = s[2] = 1;
    } else if (t->ndim == 1) {
        s[0] = 1, s[1] = t->shape[0], s[2] = 1;
    } else {
        s[0] = t->shape[0], s[1] = t->shape[1], s[2] = 1;
    }
    return reshaped(I, t, nd, s);
}

/* Joins the tensors of a sequence along `axis` after shaping each with
 * `prep` (NULL: as they are); mode 0 column_stack, 1 dstack. */
static bool join_prepared(Interp *I, Value seq, int mode, const char *fname, Value *out)
{
    NnTensor **ts;
    int n;
    if (!tensor_list_arg(I, seq, TENSOR_NP, &ts, &n))
        return false;
    if (n == 0) {
        tensor_list_free(ts, n);
        return interp_error(I, ERR_VALUE, "need at least one array to concatenate");
    }
    bool ok = true;
    NnDType dt = ts[0]->dtype;
    for (int i = 0; ok && i < n; i++) {
        NnTensor *p;
        if (mode == 0 && ts[i]->ndim < 2) {
            int64_t s[2] = {ts[i]->ndim ? ts[i]->shape[0] : 1, 1};
            p = reshaped(I, ts[i], 2, s);
        } else {
            p = mode == 1 ? atleast(I, ts[i], 3) : nn_tensor_ref(ts[i]);
        }
        ok = p != NULL;
        if (ok) {
            nn_tensor_unref(ts[i]);
            ts[i] = p;
            dt = nn_promote(dt, p->dtype);
        }
    }
    (void)fname;
    if (ok)
        ok = np_wrap(I, nn_concat(CTX, ts, n, mode == 0 ? 1 : 2, dt), out);
    tensor_list_free(ts, n);
    return ok;
}

static bool np_column_stack(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    UNUSED_SELF;
    return args_parse(I, "column_stack", a, "tup", v) && join_prepared(I, v[0], 0, "column_stack", out);
}

static bool np_dstack(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    UNUSED_SELF;
    return args_parse(I, "dstack", a, "tup", v) && join_prepared(I, v[0], 1, "dstack", out);
}

static bool np_atleast(Interp *I, const Args *a, int nd, Value *out)
{
    NnTensor *ts[64];
    if (a->npos > 64 || a->nkw)
        return interp_error(I, ERR_TYPE, "atleast_%dd() takes arrays only", nd);
    int n = 0;
    bool ok = true;
    for (; ok && n < a->npos; n++) {
        NnTensor *t;
        ok = np_tensor(I, a->pos[n], &t);
        ts[n] = ok ? atleast(I, t, nd) : NULL;
        if (ok)
            nn_tensor_unref(t);
        ok = ok && ts[n];
    }
    if (!ok) {
        for (int i = 0; i < n; i++)
            nn_tensor_unref(ts[i]);
        return false;
    }
    if (n == 1)
        return tensor_value_new(I, ts[0], TENSOR_NP, out);
    return np_tensor_list(I, ts, n, false, out);
}

static bool np_atleast_1d(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_atleast(I, a, 1, out);
}

static bool np_atleast_2d(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_atleast(I, a, 2, out);
}

static bool np_atleast_3d(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_atleast(I, a, 3, out);
}

/* ---- meshgrid ---- */

static bool np_meshgrid(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *xs[NN_MAXDIM] = {0}, *outs[NN_MAXDIM] = {0};
    const char *indexing = "xy";
    bool sparse = false, ok = true;
    int n = a->npos;
    UNUSED_SELF;
    for (int k = 0; ok && k < a->nkw; k++) {
        if (strcmp(a->kwnames[k], "indexing") == 0)
            ok = arg_str(I, "meshgrid", "indexing", a->kwvals[k], &indexing);
        else if (strcmp(a->kwnames[k], "sparse") == 0)
            ok = value_truth(I, a->kwvals[k], &sparse);
        else if (strcmp(a->kwnames[k], "copy") != 0)
            ok = interp_error(I, ERR_TYPE, "meshgrid() got an unexpected keyword argument '%s'",
                              a->kwnames[k]);
    }
    if (ok && strcmp(indexing, "xy") && strcmp(indexing, "ij"))
        ok = interp_error(I, ERR_VALUE, "Valid values for `indexing` are 'xy' and 'ij'.");
    if (ok && n > NN_MAXDIM)
        ok = interp_error(I, ERR_VALUE, "meshgrid: at most %d arrays", NN_MAXDIM);
    if (!ok)
        return false;
    bool xy = indexing[0] == 'x' && n >= 2;
    int64_t full[NN_MAXDIM];
    for (int i = 0; ok && i < n; i++) {
        NnTensor *t;
        ok = np_tensor(I, a->pos[i], &t);
        if (ok) {
            int64_t m = -1;
            xs[i] = reshaped(I, t, 1, &m);
            nn_tensor_unref(t);
            ok = xs[i] != NULL;
        }
    }
    for (int i = 0; ok && i < n; i++)
        full[xy && i < 2 ? 1 - i : i] = xs[i]->shape[0];
    for (int i = 0; ok && i < n; i++) {
        int64_t s[NN_MAXDIM];
        int pos = xy && i < 2 ? 1 - i : i;
        for (int d = 0; d < n; d++)
            s[d] = d == pos ? xs[i]->shape[0] : 1;
        NnTensor *r = reshaped(I, xs[i], n, s);
        NnTensor *b = r && !sparse ? nn_tensor_broadcast_to(CTX, r, n, full) : NULL;
        outs[i] = sparse ? r : b ? nn_tensor_copy(CTX, b) : NULL;
        if (!sparse) {
            nn_tensor_unref(r);
            nn_tensor_unref(b);
        }
        ok = outs[i] || interp_error_from_nn(I);
    }
    for (int i = 0; i < n; i++)
        nn_tensor_unref(xs[i]);
    if (!ok) {
        for (int i = 0; i < n; i++)
            nn_tensor_unref(outs[i]);
        return false;
    }
    return np_tensor_list(I, outs, n, false, out);
}

/* ---- append / insert / delete ---- */

/* t flattened when axis is None (axis 0 of the result), else t itself. */
static NnTensor *flat_or_self(Interp *I, NnTensor *t, Value axv, int *axis)
{
    if (!np_given(axv)) {
        int64_t m = -1;
        *axis = 0;
        return reshaped(I, t, 1, &m);
    }
    return tensor_axis_arg(I, axv, t->ndim, 0, axis) ? nn_tensor_ref(t) : NULL;
}

static bool np_append(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *x, *y, *p[2] = {NULL, NULL};
    int axis = 0;
    UNUSED_SELF;
    if (!args_parse(I, "append", a, "arr, values, axis=", v) || !np_tensor(I, v[0], &x))
        return false;
    if (!np_tensor(I, v[1], &y)) {
        nn_tensor_unref(x);
        return false;
    }
    p[0] = flat_or_self(I, x, v[2], &axis);
    p[1] = !p[0] ? NULL : np_given(v[2]) ? nn_tensor_ref(y) : flat_or_self(I, y, v[2], &axis);
    bool ok = p[1] != NULL;
    if (ok && p[1]->ndim != p[0]->ndim)
        ok = interp_error(I, ERR_VALUE, "all the input arrays must have same number of "
                          "dimensions, but the array at index 0 has %d dimension(s) and the "
                          "array at index 1 has %d dimension(s)", p[0]->ndim, p[1]->ndim);
    if (ok)
        ok = np_wrap(I, nn_concat(CTX, p, 2, axis, nn_promote(p[0]->dtype, p[1]->dtype)), out);
    nn_tensor_unref(p[0]);
    nn_tensor_unref(p[1]);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

/* Builds the result of insert/delete along axis: position p of the result
 * takes slice src[p] of x (src >= 0) or slice -src-1 of vals. */
static NnTensor *assemble(Interp *I, NnTensor *x, NnTensor *vals, int axis,
                          const int64_t *src, int64_t nout)
{
    int64_t shape[NN_MAXDIM];
    memcpy(shape, x->shape, sizeof shape);
    shape[axis] = nout;
    NnTensor *r = nn_tensor_new(CTX, x->dtype, x->ndim, shape);
    for (int64_t p = 0; r && p < nout; p++) {
        NnTensor *d = nn_tensor_select(CTX, r, axis, p);
        NnTensor *s = src[p] >= 0 ? nn_tensor_select(CTX, x, axis, src[p])
                                  : d ? nn_tensor_select(CTX, vals, axis, -src[p] - 1) : NULL;
        NnStatus st = s ? nn_tensor_assign(CTX, d, s) : NN_ENOMEM;
        nn_tensor_unref(d);
        nn_tensor_unref(s);
        if (st != NN_OK) {
            nn_tensor_unref(r);
            r = NULL;
        }
    }
    if (!r)
        interp_error_from_nn(I);
    return r;
}

/* Indices given as an int or a sequence of ints, normalised against n. */
static bool index_list(Interp *I, const char *fname, Value v, int64_t n, int64_t **idx,
                       int64_t *cnt, bool *scalar)
{
    NnTensor *t;
    if (!tensor_from_value(I, v, NN_I64, TENSOR_NP, &t))
        return false;
    *scalar = t->ndim == 0;
    *cnt = nn_tensor_numel(t);
    *idx = malloc((size_t)(*cnt ? *cnt : 1) * sizeof **idx);
    bool ok = *idx != NULL || interp_error(I, ERR_MEMORY, "out of memory");
    for (int64_t i = 0; ok && i < *cnt; i++) {
        int64_t k = nn_tensor_get_i64(t, i);
        if (k < -n || k > n || (k == n && strcmp(fname, "delete") == 0))
            ok = interp_error(I, ERR_INDEX, "index %lld is out of bounds for axis 0 with size %lld",
                              (long long)k, (long long)n);
        (*idx)[i] = k < 0 ? k + n : k;
    }
    nn_tensor_unref(t);
    if (!ok) {
        free(*idx);
        *idx = NULL;
    }
    return ok;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The value slices of np.insert: values shaped as numpy does (ndmin, then
 * broadcast to the insertion block). */
static NnTensor *insert_values(Interp *I, Value vals, NnTensor *x, int axis, bool scalar,
                               int64_t cnt, int64_t *numnew)
{
    NnTensor *v, *e;
    if (!tensor_from_value(I, vals, x->dtype, TENSOR_NP, &v))
        return NULL;
    while (v && v->ndim < x->ndim) {
        e = nn_tensor_expand_dims(CTX, v, 0);
        nn_tensor_unref(v);
        v = e;
    }
    if (v && scalar && axis != 0) {
        int perm[NN_MAXDIM], k = 0;
        for (int d = 1; d < v->ndim; d++) {
            if (k == axis)
                perm[k++] = 0;
            perm[k++] = d;
        }
        if (k == axis)
            perm[k++] = 0;
        e = nn_tensor_transpose(CTX, v, perm);
        nn_tensor_unref(v);
        v = e;
    }
    if (!v)
        return interp_error_from_nn(I), NULL;
    int64_t shape[NN_MAXDIM];
    memcpy(shape, x->shape, sizeof shape);
    shape[axis] = *numnew = scalar ? v->shape[axis] : cnt;
    e = nn_tensor_broadcast_to(CTX, v, x->ndim, shape);
    nn_tensor_unref(v);
    if (!e)
        interp_error_from_nn(I);
    return e;
}

static bool np_insert(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t, *x = NULL, *vals = NULL;
    int64_t *idx = NULL, *src = NULL, cnt, numnew = 0;
    int axis;
    bool scalar, ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "insert", a, "arr, obj, values, axis=", v) || !np_tensor(I, v[0], &t))
        return false;
    x = flat_or_self(I, t, v[3], &axis);
    nn_tensor_unref(t);
    if (!x || !index_list(I, "insert", v[1], x->shape[axis], &idx, &cnt, &scalar))
        goto done;
    if (!(vals = insert_values(I, v[2], x, axis, scalar, cnt, &numnew)))
        goto done;
    int64_t n = x->shape[axis], nout = n + numnew;
    if (!(src = malloc((size_t)(nout ? nout : 1) * sizeof *src))) {
        interp_error(I, ERR_MEMORY, "out of memory");
        goto done;
    }
    for (int64_t p = 0; p < nout; p++)
        src[p] = -1 - nout;   /* marks an unset slot */
    if (scalar) {
        for (int64_t k = 0; k < numnew; k++)
            src[idx[0] + k] = -k - 1;
    } else {
        /* numpy: stable order of the indices, each shifted by its rank */
        int64_t *ord = malloc((size_t)(cnt ? cnt : 1) * 2 * sizeof *ord);
        if (!ord) {
            interp_error(I, ERR_MEMORY, "out of memory");
            goto done;
        }
        for (int64_t k = 0; k < cnt; k++)
            ord[2 * k] = idx[k] * (cnt + 1) + k, ord[2 * k + 1] = k;
        qsort(ord, (size_t)cnt, 2 * sizeof *ord, cmp_i64);
        for (int64_t r = 0; r < cnt; r++) {
            int64_t k = ord[2 * r + 1];
            src[idx[k] + r] = -k - 1;
        }
        free(ord);
    }
    for (int64_t p = 0, j = 0; p < nout; p++)
        if (src[p] == -1 - nout)
            src[p] = j++;
    ok = np_wrap(I, assemble(I, x, vals, axis, src, nout), out);
done:
    free(idx);
    free(src);
    nn_tensor_unref(vals);
    nn_tensor_unref(x);
    return ok;
}

static bool np_delete(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t, *x;
    int64_t *idx = NULL, cnt;
    int axis;
    bool scalar, ok = false;
    UNUSED_SELF;
    if (!args_parse(I, "delete", a, "arr, obj, axis=", v) || !np_tensor(I, v[0], &t))
        return false;
    x = flat_or_self(I, t, v[2], &axis);
    nn_tensor_unref(t);
    if (!x || !index_list(I, "delete", v[1], x->shape[axis], &idx, &cnt, &scalar)) {
        nn_tensor_unref(x);
        return false;
    }
    int64_t n = x->shape[axis], nkeep = 0;
    unsigned char *drop = calloc((size_t)(n ? n : 1), 1);
    int64_t *src = malloc((size_t)(n ? n : 1) * sizeof *src);
    if (drop && src) {
        for (int64_t k = 0; k < cnt; k++)
            drop[idx[k]] = 1;
        for (int64_t j = 0; j < n; j++)
            if (!drop[j])
                src[nkeep++] = j;
        ok = np_wrap(I, assemble(I, x, NULL, axis, src, nkeep), out);
    } else {
        interp_error(I, ERR_MEMORY, "out of memory");
    }
    free(drop);
    free(src);
    free(idx);
    nn_tensor_unref(x);
    return ok;
}

/* ---- nonzero positions ---- */

static bool np_argwhere(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "argwhere", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    int64_t n = nn_tensor_numel(t), cnt = 0;
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_f64(t, i) != 0;
    int64_t shape[2] = {cnt, t->ndim};
    NnTensor *r = nn_tensor_new(CTX, NN_I64, 2, shape);
    for (int64_t i = 0, row = 0; r && i < n; i++) {
        if (nn_tensor_get_f64(t, i) == 0)
            continue;
        int64_t rem = i;
        for (int d = t->ndim - 1; d >= 0; d--) {
            nn_tensor_set_i64(r, row * t->ndim + d, rem % t->shape[d]);
            rem /= t->shape[d];
        }
        row++;
    }
    nn_tensor_unref(t);
    return np_wrap(I, r, out);
}

static bool np_flatnonzero(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "flatnonzero", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    int64_t n = nn_tensor_numel(t), cnt = 0;
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_f64(t, i) != 0;
    NnTensor *r = nn_tensor_new(CTX, NN_I64, 1, &cnt);
    for (int64_t i = 0, k = 0; r && i < n; i++)
        if (nn_tensor_get_f64(t, i) != 0)
            nn_tensor_set_i64(r, k++, i);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* ---- diagonals and triangles ---- */

/* The offset diagonal of axes (ax1, ax2), as a new last axis. */
NnTensor *np_diagonal_of(Interp *I, NnTensor *t, int64_t off, int ax1, int ax2)
{
    if (t->ndim < 2)
        return interp_error(I, ERR_VALUE, "diag requires an array of at least two dimensions"), NULL;
    if (ax1 == ax2)
        return interp_error(I, ERR_VALUE, "axis1 and axis2 cannot be the same"), NULL;
    int perm[NN_MAXDIM], k = 0;
    for (int d = 0; d < t->ndim; d++)
        if (d != ax1 && d != ax2)
            perm[k++] = d;
    perm[k++] = ax1;
    perm[k++] = ax2;
    NnTensor *p = nn_tensor_transpose(CTX, t, perm);
    if (!p)
        return interp_error_from_nn(I), NULL;
    int64_t n1 = p->shape[k - 2], n2 = p->shape[k - 1];
    int64_t r0 = off < 0 ? -off : 0, c0 = off > 0 ? off : 0;
    int64_t len = n1 - r0 < n2 - c0 ? n1 - r0 : n2 - c0;
    if (len < 0)
        len = 0;
    int64_t shape[NN_MAXDIM];
    memcpy(shape, p->shape, sizeof shape);
    shape[k - 2] = len;
    NnTensor *r = nn_tensor_new(CTX, t->dtype, k - 1, shape);
    int64_t nb = len && n1 && n2 ? nn_tensor_numel(p) / (n1 * n2) : 0;
    for (int64_t b = 0; r && b < nb; b++)
        for (int64_t i = 0; i < len; i++)
            np_copy_elem(r, b * len + i, p, b * n1 * n2 + (r0 + i) * n2 + c0 + i);
    nn_tensor_unref(p);
    if (!r)
        interp_error_from_nn(I);
    return r;
}

static bool np_diagonal(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t;
    int64_t off = 0;
    int ax1 = 0, ax2 = 1;
    UNUSED_SELF;
    if (!args_parse(I, "diagonal", a, "a, offset=, axis1=, axis2=", v) ||
        (np_given(v[1]) && !arg_int(I, "diagonal", "offset", v[1], &off)) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = t->ndim >= 2 || interp_error(I, ERR_VALUE, "diag requires an array of at least "
                                            "two dimensions");
    ok = ok && tensor_axis_arg(I, v[2], t->ndim, 0, &ax1) && tensor_axis_arg(I, v[3], t->ndim, 1, &ax2);
    if (ok)
        ok = tensor_value_wrap(I, np_diagonal_of(I, t, off, ax1, ax2), TENSOR_NP, out) ||
             (interp_error_pending(I) ? false : interp_error_from_nn(I));
    nn_tensor_unref(t);
    return ok;
}

static bool np_diag(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t;
    int64_t k = 0;
    UNUSED_SELF;
    if (!args_parse(I, "diag", a, "v, k=", v) ||
        (np_given(v[1]) && !arg_int(I, "diag", "k", v[1], &k)) || !np_tensor(I, v[0], &t))
        return false;
    bool ok;
    if (t->ndim == 1) {
        int64_t n = t->shape[0] + (k < 0 ? -k : k), shape[2] = {n, n};
        NnTensor *r = nn_tensor_new(CTX, t->dtype, 2, shape);
        for (int64_t i = 0; r && i < t->shape[0]; i++)
            np_copy_elem(r, (i + (k < 0 ? -k : 0)) * n + i + (k > 0 ? k : 0), t, i);
        ok = np_wrap(I, r, out);
    } else if (t->ndim == 2) {
        NnTensor *r = np_diagonal_of(I, t, k, 0, 1);
        ok = r && tensor_value_new(I, r, TENSOR_NP, out);
    } else {
        ok = interp_error(I, ERR_VALUE, "Input must be 1- or 2-d.");
    }
    nn_tensor_unref(t);
    return ok;
}

static bool np_trace(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t, *d = NULL;
    int64_t off = 0;
    int ax1 = 0, ax2 = 1;
    UNUSED_SELF;
    if (!args_parse(I, "trace", a, "a, offset=, axis1=, axis2=, dtype=", v) ||
        (np_given(v[1]) && !arg_int(I, "trace", "offset", v[1], &off)) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = t->ndim >= 2 || interp_error(I, ERR_VALUE, "diag requires an array of at least "
                                            "two dimensions");
    ok = ok && tensor_axis_arg(I, v[2], t->ndim, 0, &ax1) && tensor_axis_arg(I, v[3], t->ndim, 1, &ax2) &&
         (d = np_diagonal_of(I, t, off, ax1, ax2)) != NULL;
    if (ok) {
        int ax = d->ndim - 1;
        NnDType dt = nn_dtype_is_float(d->dtype) ? d->dtype : NN_I64;
        ok = np_wrap(I, nn_reduce(CTX, NN_SUM, d, &ax, 1, false, dt, 0), out);
    }
    nn_tensor_unref(d);
    nn_tensor_unref(t);
    return ok;
}

static bool np_tri(Interp *I, const Args *a, bool lower, Value *out)
{
    Value v[2];
    NnTensor *t, *r;
    int64_t k = 0;
    const char *fname = lower ? "tril" : "triu";
    if (!args_parse(I, fname, a, "m, k=", v) ||
        (np_given(v[1]) && !arg_int(I, fname, "k", v[1], &k)) || !np_tensor(I, v[0], &t))
        return false;
    if (t->ndim < 2) {   /* numpy broadcasts a 1-D row over the square */
        int64_t n = t->ndim ? t->shape[0] : 1, shape[2] = {n, n};
        NnTensor *b = nn_tensor_broadcast_to(CTX, t, 2, shape);
        nn_tensor_unref(t);
        t = b;
        if (!t)
            return interp_error_from_nn(I);
    }
    r = nn_tensor_copy(CTX, t);
    nn_tensor_unref(t);
    if (!r)
        return interp_error_from_nn(I);
    int64_t n1 = r->shape[r->ndim - 2], n2 = r->shape[r->ndim - 1];
    int64_t total = nn_tensor_numel(r);
    for (int64_t f = 0; n1 && n2 && f < total; f++) {
        int64_t j = f % n2, i = (f / n2) % n1;
        if (lower ? j - i > k : j - i < k)
            nn_tensor_set_i64(r, f, 0);
    }
    return tensor_value_new(I, r, TENSOR_NP, out);
}

static bool np_tril(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_tri(I, a, true, out);
}

static bool np_triu(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_tri(I, a, false, out);
}

static bool np_tri_indices(Interp *I, const Args *a, bool lower, Value *out)
{
    Value v[3];
    int64_t n, k = 0, m;
    const char *fname = lower ? "tril_indices" : "triu_indices";
    if (!args_parse(I, fname, a, "n, k=, m=", v) || !arg_int(I, fname, "n", v[0], &n) ||
        (np_given(v[1]) && !arg_int(I, fname, "k", v[1], &k)))
        return false;
    m = n;
    if (np_given(v[2]) && !arg_int(I, fname, "m", v[2], &m))
        return false;
    int64_t cnt = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++)
            cnt += lower ? j - i <= k : j - i >= k;
    NnTensor *ts[2] = {nn_tensor_new(CTX, NN_I64, 1, &cnt), nn_tensor_new(CTX, NN_I64, 1, &cnt)};
    for (int64_t i = 0, p = 0; ts[0] && ts[1] && i < n; i++)
        for (int64_t j = 0; j < m; j++)
            if (lower ? j - i <= k : j - i >= k) {
                nn_tensor_set_i64(ts[0], p, i);
                nn_tensor_set_i64(ts[1], p++, j);
            }
    return np_tensor_list(I, ts, 2, true, out);
}

static bool np_triu_indices(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_tri_indices(I, a, false, out);
}

static bool np_tril_indices(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_tri_indices(I, a, true, out);
}

/* ---- roll, flips, axes ---- */

/* t rolled by `shift` along axis (new reference). */
static NnTensor *roll_axis(Interp *I, NnTensor *t, int64_t shift, int axis)
{
    int64_t n = t->shape[axis];
    if (n == 0)
        return nn_tensor_ref(t);
    shift %= n;
    if (shift < 0)
        shift += n;
    NnTensor *p[2];
    p[0] = nn_tensor_slice(CTX, t, axis, n - shift, n, 1);
    p[1] = p[0] ? nn_tensor_slice(CTX, t, axis, 0, n - shift, 1) : NULL;
    NnTensor *r = p[1] ? nn_concat(CTX, p, 2, axis, t->dtype) : NULL;
    nn_tensor_unref(p[0]);
    nn_tensor_unref(p[1]);
    if (!r)
        interp_error_from_nn(I);
    return r;
}

static bool np_roll(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t, *x;
    int64_t shifts[NN_MAXDIM], axes64[NN_MAXDIM];
    int ns, na = 1;
    UNUSED_SELF;
    if (!args_parse(I, "roll", a, "a, shift, axis=", v) ||
        !arg_int_seq(I, "roll", "shift", v[1], shifts, NN_MAXDIM, &ns) || !np_tensor(I, v[0], &t))
        return false;
    int axis;
    x = flat_or_self(I, t, np_given(v[2]) && v[2].kind == VAL_INT ? v[2] : val_none(), &axis);
    bool ok = x != NULL;
    if (ok && np_given(v[2]))
        ok = arg_int_seq(I, "roll", "axis", v[2], axes64, NN_MAXDIM, &na);
    else
        axes64[0] = 0;
    if (ok && ns != na && ns != 1 && na != 1)
        ok = interp_error(I, ERR_VALUE, "'shift' and 'axis' should be scalars or 1D sequences");
    int cnt = ns > na ? ns : na;
    for (int i = 0; ok && i < cnt; i++) {
        int ax;
        ok = tensor_axis_arg(I, val_int(axes64[na == 1 ? 0 : i]), x->ndim, 0, &ax);
        NnTensor *r = ok ? roll_axis(I, x, shifts[ns == 1 ? 0 : i], ax) : NULL;
        nn_tensor_unref(x);
        x = r;
        ok = x != NULL;
    }
    if (ok && !np_given(v[2])) {
        NnTensor *r = reshaped(I, x, t->ndim, t->shape);
        nn_tensor_unref(x);
        x = r;
        ok = x != NULL;
    }
    nn_tensor_unref(t);
    return ok && tensor_value_new(I, x, TENSOR_NP, out);
}

static bool np_flip_axis(Interp *I, const Args *a, int axis, const char *fname, Value *out)
{
    Value v[1];
    NnTensor *t;
    if (!args_parse(I, fname, a, "m", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = t->ndim > axis ||
              interp_error(I, ERR_VALUE, "Input must be >= %d-d.", axis + 1);
    ok = ok && np_wrap(I, nn_flip(CTX, t, axis), out);
    nn_tensor_unref(t);
    return ok;
}

static bool np_fliplr(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_flip_axis(I, a, 1, "fliplr", out);
}

static bool np_flipud(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_flip_axis(I, a, 0, "flipud", out);
}

/* Normalised axes of an int or a sequence argument. */
static bool axes_list(Interp *I, const char *pname, Value v, int ndim, int *axes, int *n)
{
    int64_t raw[NN_MAXDIM];
    if (!arg_int_seq(I, "moveaxis", pname, v, raw, NN_MAXDIM, n))
        return false;
    for (int i = 0; i < *n; i++) {
        if (!tensor_axis_arg(I, val_int(raw[i]), ndim, 0, &axes[i]))
            return false;
        for (int j = 0; j < i; j++)
            if (axes[j] == axes[i])
                return interp_error(I, ERR_VALUE, "repeated axis in `%s` argument", pname);
    }
    return true;
}

static bool np_moveaxis(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    int src[NN_MAXDIM], dst[NN_MAXDIM], ns, nd;
    UNUSED_SELF;
    if (!args_parse(I, "moveaxis", a, "a, source, destination", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = axes_list(I, "source", v[1], t->ndim, src, &ns) &&
              axes_list(I, "destination", v[2], t->ndim, dst, &nd);
    if (ok && ns != nd)
        ok = interp_error(I, ERR_VALUE, "`source` and `destination` arguments must have the "
                          "same number of elements");
    if (ok) {
        int order[NN_MAXDIM], k = 0, perm[NN_MAXDIM];
        bool moved[NN_MAXDIM] = {false}, filled[NN_MAXDIM] = {false};
        for (int i = 0; i < ns; i++) {
            perm[dst[i]] = src[i];
            filled[dst[i]] = true;
            moved[src[i]] = true;
        }
        for (int d = 0; d < t->ndim; d++)
            if (!moved[d])
                order[k++] = d;
        for (int d = 0, j = 0; d < t->ndim; d++)
            if (!filled[d])
                perm[d] = order[j++];
        ok = tensor_value_wrap(I, nn_tensor_transpose(CTX, t, perm), TENSOR_NP, out);
    }
    nn_tensor_unref(t);
    return ok;
}

static bool np_swapaxes(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    int a1, a2;
    UNUSED_SELF;
    if (!args_parse(I, "swapaxes", a, "a, axis1, axis2", v) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axis_arg(I, v[1], t->ndim, 0, &a1) && tensor_axis_arg(I, v[2], t->ndim, 0, &a2);
    if (ok) {
        int perm[NN_MAXDIM];
        for (int d = 0; d < t->ndim; d++)
            perm[d] = d == a1 ? a2 : d == a2 ? a1 : d;
        ok = tensor_value_wrap(I, nn_tensor_transpose(CTX, t, perm), TENSOR_NP, out);
    }
    nn_tensor_unref(t);
    return ok;
}

static bool np_broadcast_to(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    int nd;
    int64_t shape[NN_MAXDIM];
    UNUSED_SELF;
    if (!args_parse(I, "broadcast_to", a, "array, shape, subok=", v) ||
        !tensor_shape_arg(I, "broadcast_to", v[1], &nd, shape) || !np_tensor(I, v[0], &t))
        return false;
    NnTensor *b = nn_tensor_broadcast_to(CTX, t, nd, shape);
    NnTensor *r = b ? nn_tensor_copy(CTX, b) : NULL;
    nn_tensor_unref(b);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* ---- splitting ---- */

/* mode: 0 array_split (any sections), 1 hsplit, 2 vsplit, 3 dsplit. */
static bool split_common(Interp *I, const Args *a, int mode, const char *fname, Value *out)
{
    Value v[3];
    NnTensor *t, *parts[1024];
    int64_t idx[1024];
    int axis = 0, nidx = 0, nsec = 0;
    if (!args_parse(I, fname, a, mode ? "ary, indices_or_sections" : "ary, indices_or_sections, axis=", v) ||
        !np_tensor(I, v[0], &t))
        return false;
    bool ok = true;
    if (mode == 0)
        ok = tensor_axis_arg(I, v[2], t->ndim, 0, &axis);
    else if (t->ndim < (mode == 3 ? 3 : mode == 2 ? 2 : 1))
        ok = interp_error(I, ERR_VALUE, "%s only works on arrays of %d or more dimensions", fname,
                          mode == 3 ? 3 : mode == 2 ? 2 : 1);
    else
        axis = mode == 1 ? (t->ndim > 1 ? 1 : 0) : mode == 2 ? 0 : 2;
    if (ok && v[1].kind == VAL_INT) {
        nsec = (int)v[1].as.i;
        if (nsec <= 0 || nsec > 1024)
            ok = interp_error(I, ERR_VALUE, "number sections must be larger than 0.");
        else if (mode && t->shape[axis] % nsec != 0)
            ok = interp_error(I, ERR_VALUE, "array split does not result in an equal division");
    } else if (ok) {
        ok = arg_int_seq(I, fname, "indices_or_sections", v[1], idx, 1023, &nidx);
    }
    int nout = nsec ? nsec : nidx + 1;
    if (ok && nn_split(CTX, t, axis, nsec, idx, nidx, parts) != NN_OK)
        ok = interp_error_from_nn(I);
    nn_tensor_unref(t);
    return ok && np_tensor_list(I, parts, nout, false, out);
}

static bool np_array_split(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return split_common(I, a, 0, "array_split", out);
}

static bool np_hsplit(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return split_common(I, a, 1, "hsplit", out);
}

static bool np_vsplit(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return split_common(I, a, 2, "vsplit", out);
}

static bool np_dsplit(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return split_common(I, a, 3, "dsplit", out);
}

/* ---- pad ---- */

/* pad_width as numpy broadcasts it: n, (n,), (b, a) or ((b0, a0), ...). */
static bool pad_widths(Interp *I, Value pw, int ndim, int64_t (*w)[2])
{
    NnTensor *t;
    if (!tensor_from_value(I, pw, NN_I64, TENSOR_NP, &t))
        return false;
    int64_t n = nn_tensor_numel(t);
    bool ok = true;
    if (n == 1 || n == 2) {
        for (int d = 0; d < ndim; d++)
            for (int s = 0; s < 2; s++)
                w[d][s] = nn_tensor_get_i64(t, n == 1 ? 0 : s);
    } else if (t->ndim == 2 && t->shape[0] == ndim && t->shape[1] == 2) {
        for (int d = 0; d < ndim; d++)
            for (int s = 0; s < 2; s++)
                w[d][s] = nn_tensor_get_i64(t, d * 2 + s);
    } else {
        ok = interp_error(I, ERR_VALUE, "operands could not be broadcast together with "
                          "remapped shapes [original->remapped]");
    }
    nn_tensor_unref(t);
    for (int d = 0; ok && d < ndim; d++)
        if (w[d][0] < 0 || w[d][1] < 0)
            ok = interp_error(I, ERR_VALUE, "index can't contain negative values");
    return ok;
}

static bool np_pad(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t, *r = NULL, *view = NULL;
    const char *mode = "constant";
    double cval = 0;
    int64_t w[NN_MAXDIM][2];
    UNUSED_SELF;
    if (!args_parse(I, "pad", a, "array, pad_width, mode=, constant_values=", v) ||
        (np_given(v[2]) && !arg_str(I, "pad", "mode", v[2], &mode)) ||
        (np_given(v[3]) && !arg_float(I, "pad", "constant_values", v[3], &cval)) ||
        !np_tensor(I, v[0], &t))
        return false;
    bool ok = pad_widths(I, v[1], t->ndim, w);
    if (ok && strcmp(mode, "constant") && strcmp(mode, "edge"))
        ok = interp_error(I, ERR_VALUE, "mode '%s' is not supported by nnsh (constant, edge)", mode);
    int64_t shape[NN_MAXDIM];
    for (int d = 0; d < t->ndim; d++)
        shape[d] = t->shape[d] + w[d][0] + w[d][1];
    if (ok && (r = nn_tensor_full(CTX, t->dtype, t->ndim, shape, cval)))
        view = nn_tensor_ref(r);
    for (int d = 0; view && d < t->ndim; d++) {
        NnTensor *s = nn_tensor_slice(CTX, view, d, w[d][0], w[d][0] + t->shape[d], 1);
        nn_tensor_unref(view);
        view = s;
    }
    if (ok && (!view || nn_tensor_assign(CTX, view, t) != NN_OK))
        ok = interp_error_from_nn(I);
    nn_tensor_unref(view);
    for (int d = 0; ok && mode[0] == 'e' && d < t->ndim; d++) {   /* edge: copy the border slices */
        for (int64_t p = 0; ok && p < shape[d]; p++) {
            int64_t q = p < w[d][0] ? w[d][0] : p >= w[d][0] + t->shape[d] ? w[d][0] + t->shape[d] - 1 : p;
            if (q == p || t->shape[d] == 0)
                continue;
            NnTensor *dd = nn_tensor_select(CTX, r, d, p), *ss = nn_tensor_select(CTX, r, d, q);
            ok = dd && ss && nn_tensor_assign(CTX, dd, ss) == NN_OK;
            nn_tensor_unref(dd);
            nn_tensor_unref(ss);
            if (!ok)
                interp_error_from_nn(I);
        }
    }
    nn_tensor_unref(t);
    if (!ok) {
        nn_tensor_unref(r);
        return false;
    }
    return tensor_value_new(I, r, TENSOR_NP, out);
}

/* ---- cumprod ---- */

static bool np_cumprod(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t;
    int axis, dt;
    UNUSED_SELF;
    if (!args_parse(I, "cumprod", a, "a, axis=, dtype=, out=", v) || !tensor_dtype_arg(I, v[2], &dt) ||
        !np_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axis_arg(I, v[1], t->ndim, NN_ALL_AXES, &axis);
    if (dt < 0)
        dt = nn_dtype_is_float(t->dtype) ? (int)t->dtype : NN_I64;
    ok = ok && tensor_value_wrap(I, nn_cumprod(CTX, t, axis, (NnDType)dt), TENSOR_NP, out);
    nn_tensor_unref(t);
    return ok;
}

#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef np_extra_defs[] = {
    D("column_stack", np_column_stack, "column_stack(tup)", "1-D arrays as the columns of a 2-D array."),
    D("dstack", np_dstack, "dstack(tup)", "Arrays stacked along a third axis."),
    D("atleast_1d", np_atleast_1d, "atleast_1d(*arys)", "Inputs as arrays of at least one dimension."),
    D("atleast_2d", np_atleast_2d, "atleast_2d(*arys)", "Inputs as arrays of at least two dimensions."),
    D("atleast_3d", np_atleast_3d, "atleast_3d(*arys)", "Inputs as arrays of at least three dimensions."),
    D("meshgrid", np_meshgrid, "meshgrid(*xi, indexing='xy', sparse=False)",
      "Coordinate matrices from coordinate vectors.\n  xx, yy = np.meshgrid(x, y)"),
    D("append", np_append, "append(arr, values, axis=None)", "values appended (flattened when axis is None)."),
    D("insert", np_insert, "insert(arr, obj, values, axis=None)", "values inserted before the index or indices obj."),
    D("delete", np_delete, "delete(arr, obj, axis=None)", "The array without the entries at obj."),
    D("argwhere", np_argwhere, "argwhere(a)", "Indices of the non-zero elements, one row each."),
    D("flatnonzero", np_flatnonzero, "flatnonzero(a)", "Flat indices of the non-zero elements."),
    D("diag", np_diag, "diag(v, k=0)", "A diagonal matrix from a vector, or a matrix's diagonal."),
    D("diagonal", np_diagonal, "diagonal(a, offset=0, axis1=0, axis2=1)", "The diagonal (as the last axis)."),
    D("trace", np_trace, "trace(a, offset=0, axis1=0, axis2=1)", "Sum along the diagonal."),
    D("tril", np_tril, "tril(m, k=0)", "Lower triangle (zeros above the k-th diagonal)."),
    D("triu", np_triu, "triu(m, k=0)", "Upper triangle (zeros below the k-th diagonal)."),
    D("tril_indices", np_tril_indices, "tril_indices(n, k=0, m=None)", "Row and column indices of the lower triangle."),
    D("triu_indices", np_triu_indices, "triu_indices(n, k=0, m=None)", "Row and column indices of the upper triangle."),
    D("roll", np_roll, "roll(a, shift, axis=None)", "Elements shifted cyclically."),
    D("fliplr", np_fliplr, "fliplr(m)", "Columns in reverse order."),
    D("flipud", np_flipud, "flipud(m)", "Rows in reverse order."),
    D("moveaxis", np_moveaxis, "moveaxis(a, source, destination)", "Axes moved to new positions."),
    D("swapaxes", np_swapaxes, "swapaxes(a, axis1, axis2)", "Two axes interchanged."),
    D("broadcast_to", np_broadcast_to, "broadcast_to(array, shape)", "The array broadcast to shape."),
    D("array_split", np_array_split, "array_split(ary, indices_or_sections, axis=0)", "Split into sub-arrays (sizes may differ)."),
    D("hsplit", np_hsplit, "hsplit(ary, indices_or_sections)", "Split along the columns."),
    D("vsplit", np_vsplit, "vsplit(ary, indices_or_sections)", "Split along the rows."),
    D("dsplit", np_dsplit, "dsplit(ary, indices_or_sections)", "Split along the third axis."),
    D("pad", np_pad, "pad(array, pad_width, mode='constant', constant_values=0)", "The array padded (constant or edge)."),
    D("cumprod", np_cumprod, "cumprod(a, axis=None)", "Running product."),
    {NULL, NULL, NULL, NULL}
};
