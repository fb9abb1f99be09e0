/* mod_tf_extra.c - tensorflow names beyond the basics that tutorials use:
 * tf.identity/is_tensor/TensorShape, tile, pad, unique, boolean_mask,
 * gather_nd, split, unstack, reverse, broadcast_to, repeat; tf.math.top_k,
 * reduce_logsumexp, squared_difference, count_nonzero, cumprod, bincount,
 * l2_normalize, confusion_matrix; tf.linalg.inv/det/diag/diag_part/trace/
 * solve/matrix_transpose; tf.nn's cross-entropies with logits and moments;
 * tf.random.categorical/truncated_normal.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_tf.h).  Many
 * are the numpy function of the same meaning with the result re-flavoured
 * as a tf tensor; the losses are compositions of the recorded element-wise
 * ops, so GradientTape differentiates them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mod_tf.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

static bool np_given_tf(Value v)
{
    return v.kind != VAL_UNSET && v.kind != VAL_NONE;
}

/* v (a tensor, number, or a list/tuple of them) as tf values. */
static bool to_tf(Interp *I, Value v, Value *out)
{
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) {
        ObjList *l = as_list(v);
        bool tup = val_is_obj(v, OBJ_TUPLE), ok;
        Value r;
        ok = tup ? tuple_new(I, l->len, &r) : list_new(I, l->len, &r);
        for (size_t i = 0; ok && i < l->len; i++) {
            Value e;
            ok = to_tf(I, l->items[i], &e);
            if (ok && tup)
                as_list(r)->items[i] = e;
            else if (ok) {
                ok = list_append(I, r, e);
                value_decref(e);
            }
        }
        if (!ok) {
            if (r.kind == VAL_OBJ)
                value_decref(r);
            return false;
        }
        *out = r;
        return true;
    }
    return tf_value(I, v, -1, out);
}

/* Calls the dotted attribute path of a module ("numpy", "linalg.inv"). */
static bool call_path(Interp *I, const char *module, const char *path, const Value *pos, int npos,
                      int nkw, const char *const *kwn, const Value *kwv, Value *out)
{
    Value cur, next;
    char part[64];
    if (!interp_import(I, module, &cur))
        return false;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        bool ok = value_getattr(I, cur, part, &next);
        value_decref(cur);
        if (!ok)
            return false;
        cur = next;
        p += n + (p[n] == '.');
    }
    Args a = {npos, pos, nkw, kwn, kwv};
    bool ok = value_call(I, cur, &a, out);
    value_decref(cur);
    return ok;
}

/* numpy.PATH(*a) with the result as tf tensors. */
static bool via_np(Interp *I, const char *path, const Args *a, Value *out)
{
    Value r;
    if (!call_path(I, "numpy", path, a->pos, a->npos, a->nkw, a->kwnames, a->kwvals, &r))
        return false;
    bool ok = to_tf(I, r, out);
    value_decref(r);
    return ok;
}

static bool tf_call(Interp *I, const char *path, const Value *pos, int npos, Value *out)
{
    return call_path(I, "tensorflow", path, pos, npos, 0, NULL, NULL, out);
}

/* ---- top level ---- */

static bool tfx_identity(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    UNUSED_SELF;
    return args_parse(I, "identity", a, "input, name=", v) && tf_value(I, v[0], -1, out);
}

static bool tfx_is_tensor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    UNUSED_SELF;
    if (!args_parse(I, "is_tensor", a, "x", v))
        return false;
    *out = val_bool(tensor_value_is(v[0]) && tensor_value_flavour(v[0]) == TENSOR_TF);
    return true;
}

static bool tfx_TensorShape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    int nd;
    int64_t shape[NN_MAXDIM];
    UNUSED_SELF;
    if (!args_parse(I, "TensorShape", a, "dims", v) || !tensor_shape_arg(I, "TensorShape", v[0], &nd, shape))
        return false;
    return tensor_shape_value(I, nd, shape, out);
}

#define VIA_NP(fn, NAME, PATH) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { UNUSED_SELF; (void)NAME; return via_np(I, PATH, a, out); }
VIA_NP(tfx_tile, "tile", "tile")
VIA_NP(tfx_broadcast_to, "broadcast_to", "broadcast_to")
VIA_NP(tfx_inv, "inv", "linalg.inv")
VIA_NP(tfx_det, "det", "linalg.det")
VIA_NP(tfx_solve, "solve", "linalg.solve")

static bool tfx_repeat(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    UNUSED_SELF;
    if (!args_parse(I, "repeat", a, "input, repeats, axis=, name=", v))
        return false;
    Value pos[3] = {v[0], v[1], np_given_tf(v[2]) ? v[2] : val_none()};
    Args na = {3, pos, 0, NULL, NULL};
    return via_np(I, "repeat", &na, out);
}

static bool tfx_pad(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    const char *mode = "CONSTANT";
    UNUSED_SELF;
    if (!args_parse(I, "pad", a, "tensor, paddings, mode=, constant_values=, name=", v) ||
        (np_given_tf(v[2]) && !arg_str(I, "pad", "mode", v[2], &mode)))
        return false;
    if (strcmp(mode, "CONSTANT") && strcmp(mode, "constant"))
        return interp_error(I, ERR_VALUE, "nnsh's tf.pad supports mode='CONSTANT' only");
    Value pos[2] = {v[0], v[1]};
    const char *kw[] = {"constant_values"};
    Args na = {2, pos, np_given_tf(v[3]) ? 1 : 0, kw, &v[3]};
    return via_np(I, "pad", &na, out);
}

static bool tfx_reverse(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], x;
    int64_t axes[NN_MAXDIM];
    int n;
    UNUSED_SELF;
    if (!args_parse(I, "reverse", a, "tensor, axis, name=", v) ||
        !arg_int_seq(I, "reverse", "axis", v[1], axes, NN_MAXDIM, &n) || !tf_value(I, v[0], -1, &x))
        return false;
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        NnTensor *t = tensor_value_get(x);
        int ax;
        ok = tensor_axis_arg(I, val_int(axes[i]), t->ndim, 0, &ax);
        Value r;
        ok = ok && tensor_value_wrap(I, nn_flip(CTX, t, ax), TENSOR_TF, &r);
        if (ok) {
            value_decref(x);
            x = r;
        }
    }
    if (!ok) {
        value_decref(x);
        return false;
    }
    *out = x;
    return true;
}

static bool tfx_boolean_mask(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, m, r;
    UNUSED_SELF;
    if (!args_parse(I, "boolean_mask", a, "tensor, mask, axis=, name=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    NnTensor *mt;
    if (!tensor_from_value(I, v[1], NN_BOOL, TENSOR_NP, &mt) || !tensor_value_new(I, mt, TENSOR_NP, &m)) {
        value_decref(x);
        return false;
    }
    bool ok = value_getitem(I, x, m, &r);
    value_decref(x);
    value_decref(m);
    if (ok) {
        ok = tf_value(I, r, -1, out);
        value_decref(r);
    }
    return ok;
}

/* tf.gather_nd(params, indices): the last axis of indices indexes params. */
static bool tfx_gather_nd(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *p, *ix;
    UNUSED_SELF;
    if (!args_parse(I, "gather_nd", a, "params, indices, batch_dims=, name=", v) || !tf_tensor(I, v[0], &p))
        return false;
    if (!tensor_from_value(I, v[1], NN_I64, TENSOR_TF, &ix)) {
        nn_tensor_unref(p);
        return false;
    }
    int k = ix->ndim ? (int)ix->shape[ix->ndim - 1] : 0;
    bool ok = (ix->ndim >= 1 && k <= p->ndim) ||
              interp_error(I, ERR_VALUE, "index innermost dimension length must be <= params rank");
    int64_t shape[NN_MAXDIM], inner = 1, nq = 0;
    int nd = 0;
    for (int d = 0; ok && d < ix->ndim - 1; d++)
        shape[nd++] = ix->shape[d];
    for (int d = k; ok && d < p->ndim; d++) {
        shape[nd++] = p->shape[d];
        inner *= p->shape[d];
    }
    ok = ok && nd <= NN_MAXDIM;
    NnTensor *r = ok ? nn_tensor_new(CTX, p->dtype, nd, shape) : NULL;
    nq = ok && k ? nn_tensor_numel(ix) / k : 0;
    for (int64_t q = 0; r && ok && q < nq; q++) {
        int64_t off = 0;
        for (int d = 0; ok && d < k; d++) {
            int64_t i = nn_tensor_get_i64(ix, q * k + d);
            if (i < 0 || i >= p->shape[d])
                ok = interp_error(I, ERR_INDEX, "indices[%lld] = %lld does not index into param shape",
                                  (long long)q, (long long)i);
            off = off * p->shape[d] + i;
        }
        for (int64_t j = 0; ok && j < inner; j++) {
            if (nn_dtype_is_float(p->dtype))
                nn_tensor_set_f64(r, q * inner + j, nn_tensor_get_f64(p, off * inner + j));
            else
                nn_tensor_set_i64(r, q * inner + j, nn_tensor_get_i64(p, off * inner + j));
        }
    }
    nn_tensor_unref(p);
    nn_tensor_unref(ix);
    if (!ok) {
        nn_tensor_unref(r);
        return false;
    }
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* tf.split: an int splits evenly, a list gives the sizes. */
static bool tfx_split(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    UNUSED_SELF;
    if (!args_parse(I, "split", a, "value, num_or_size_splits, axis=, num=, name=", v))
        return false;
    Value pos[3] = {v[0], v[1], np_given_tf(v[2]) ? v[2] : val_int(0)};
    if (v[1].kind != VAL_INT) {   /* sizes -> split indices */
        int64_t sz[1024];
        int n;
        if (!arg_int_seq(I, "split", "num_or_size_splits", v[1], sz, 1024, &n))
            return false;
        Value idx;
        if (!list_new(I, (size_t)n, &idx))
            return false;
        int64_t acc = 0;
        bool ok = true;
        for (int i = 0; ok && i + 1 < n; i++)
            ok = list_append(I, idx, val_int(acc += sz[i]));
        pos[1] = idx;
        Args na = {3, pos, 0, NULL, NULL};
        ok = ok && via_np(I, "split", &na, out);
        value_decref(idx);
        return ok;
    }
    Args na = {3, pos, 0, NULL, NULL};
    return via_np(I, "split", &na, out);
}

static bool tfx_unstack(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], list;
    NnTensor *t;
    int axis;
    UNUSED_SELF;
    if (!args_parse(I, "unstack", a, "value, num=, axis=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axis_arg(I, v[2], t->ndim, 0, &axis) && list_new(I, 0, &list);
    for (int64_t i = 0; ok && i < t->shape[axis]; i++) {
        Value e;
        ok = tensor_value_wrap(I, nn_tensor_select(CTX, t, axis, i), TENSOR_TF, &e);
        if (ok) {
            ok = list_append(I, list, e);
            value_decref(e);
        }
        if (!ok)
            value_decref(list);
    }
    nn_tensor_unref(t);
    if (ok)
        *out = list;
    return ok;
}

/* tf.unique: values in order of first appearance and each element's index. */
static bool tfx_unique(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "unique", a, "x, out_idx=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    int64_t n = nn_tensor_numel(t), nu = 0;
    NnTensor *idx = nn_tensor_new(CTX, NN_I32, 1, &n), *first = nn_tensor_new(CTX, NN_I64, 1, &n);
    for (int64_t i = 0; idx && first && i < n; i++) {
        double x = nn_tensor_get_f64(t, i);
        int64_t k = 0;
        while (k < nu && nn_tensor_get_f64(t, nn_tensor_get_i64(first, k)) != x)
            k++;
        if (k == nu)
            nn_tensor_set_i64(first, nu++, i);
        nn_tensor_set_i64(idx, i, k);
    }
    NnTensor *fs = first ? nn_tensor_slice(CTX, first, 0, 0, nu, 1) : NULL;
    NnTensor *y = fs ? nn_take(CTX, t, fs, 0) : NULL;
    nn_tensor_unref(fs);
    nn_tensor_unref(first);
    nn_tensor_unref(t);
    Value yv = {0}, iv = {0};
    bool ok = y && idx;
    if (!ok) {
        nn_tensor_unref(y);
        nn_tensor_unref(idx);
        return interp_error_from_nn(I);
    }
    ok = tensor_value_new(I, y, TENSOR_TF, &yv);
    if (!ok)
        nn_tensor_unref(idx);
    ok = ok && tensor_value_new(I, idx, TENSOR_TF, &iv) && tuple_pack(I, out, 2, yv, iv);
    value_decref(yv);
    value_decref(iv);
    return ok;
}

/* ---- tf.math ---- */

static bool tfx_top_k(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t;
    int64_t k = 1;
    UNUSED_SELF;
    if (!args_parse(I, "top_k", a, "input, k=, sorted=, name=", v) ||
        (np_given_tf(v[1]) && !arg_int(I, "top_k", "k", v[1], &k)) || !tf_tensor(I, v[0], &t))
        return false;
    int ax = t->ndim - 1;
    if (t->ndim == 0 || k < 0 || k > t->shape[ax]) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "input must have at least k columns");
    }
    NnTensor *s = nn_sort(CTX, t, ax, true), *o = s ? nn_argsort(CTX, t, ax, true) : NULL;
    NnTensor *sv = o ? nn_tensor_slice(CTX, s, ax, 0, k, 1) : NULL;
    NnTensor *so = sv ? nn_tensor_slice(CTX, o, ax, 0, k, 1) : NULL;
    NnTensor *vc = so ? nn_tensor_copy(CTX, sv) : NULL, *ic = vc ? nn_tensor_cast(CTX, so, NN_I32) : NULL;
    nn_tensor_unref(s);
    nn_tensor_unref(o);
    nn_tensor_unref(sv);
    nn_tensor_unref(so);
    nn_tensor_unref(t);
    if (!ic) {
        nn_tensor_unref(vc);
        return interp_error_from_nn(I);
    }
    Value vv = {0}, iv = {0};
    bool ok = tensor_value_new(I, vc, TENSOR_TF, &vv);
    if (!ok)
        nn_tensor_unref(ic);
    ok = ok && tensor_value_new(I, ic, TENSOR_TF, &iv) && tuple_pack(I, out, 2, vv, iv);
    value_decref(vv);
    value_decref(iv);
    return ok;
}

static bool tfx_squared_difference(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], x, y, d = {0};
    UNUSED_SELF;
    if (!args_parse(I, "squared_difference", a, "x, y, name=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    if (!tf_value(I, v[1], -1, &y)) {
        value_decref(x);
        return false;
    }
    bool ok = tensor_binary(I, NN_SUB, x, y, &d) && tensor_binary(I, NN_MUL, d, d, out);
    value_decref(d);
    value_decref(x);
    value_decref(y);
    return ok;
}

/* log(sum(exp(x))) stably: m + log(sum(exp(x - m))). */
static bool tfx_reduce_logsumexp(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, m = {0}, mk = {0}, d = {0}, e = {0}, s = {0}, l = {0}, ms = {0};
    UNUSED_SELF;
    if (!args_parse(I, "reduce_logsumexp", a, "input_tensor, axis=, keepdims=, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    bool ok = tensor_reduce(I, NN_MAX, x, v[1], val_bool(true), TENSOR_TF, 0, &mk) &&
              tensor_binary(I, NN_SUB, x, mk, &d) && tensor_unary(I, NN_EXP, d, TENSOR_TF, &e) &&
              tensor_reduce(I, NN_SUM, e, v[1], v[2], TENSOR_TF, 0, &s) &&
              tensor_unary(I, NN_LOG, s, TENSOR_TF, &l) &&
              tensor_reduce(I, NN_MAX, x, v[1], v[2], TENSOR_TF, 0, &m) &&
              tensor_binary(I, NN_ADD, l, m, out);
    Value all[] = {x, m, mk, d, e, s, l, ms};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i].kind == VAL_OBJ)
            value_decref(all[i]);
    return ok;
}

static bool tfx_count_nonzero(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], b, r;
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "count_nonzero", a, "input, axis=, keepdims=, dtype=, name=", v) ||
        !tensor_from_value(I, v[0], NN_BOOL, TENSOR_TF, &t) || !tensor_value_new(I, t, TENSOR_TF, &b))
        return false;
    NnTensor *c = nn_tensor_cast(CTX, t, NN_I64);
    Value cv;
    bool ok = c && tensor_value_new(I, c, TENSOR_TF, &cv);
    value_decref(b);
    if (!ok)
        return c ? false : interp_error_from_nn(I);
    ok = tensor_reduce(I, NN_SUM, cv, v[1], v[2], TENSOR_TF, 0, &r);
    value_decref(cv);
    if (ok) {
        ok = tf_value(I, r, -1, out);
        value_decref(r);
    }
    return ok;
}

static bool tfx_cumprod(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t;
    int axis;
    UNUSED_SELF;
    if (!args_parse(I, "cumprod", a, "x, axis=, exclusive=, reverse=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axis_arg(I, np_given_tf(v[1]) ? v[1] : val_int(0), t->ndim, 0, &axis) &&
              tensor_value_wrap(I, nn_cumprod(CTX, t, axis, t->dtype), TENSOR_TF, out);
    nn_tensor_unref(t);
    return ok;
}

static bool tfx_bincount(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    NnTensor *t, *w = NULL;
    int64_t minlength = 0;
    UNUSED_SELF;
    if (!args_parse(I, "bincount", a, "arr, weights=, minlength=, maxlength=, dtype=, name=", v) ||
        (np_given_tf(v[2]) && !arg_int(I, "bincount", "minlength", v[2], &minlength)) ||
        !tensor_from_value(I, v[0], NN_I64, TENSOR_TF, &t))
        return false;
    if (np_given_tf(v[1]) && !tf_tensor(I, v[1], &w)) {
        nn_tensor_unref(t);
        return false;
    }
    NnTensor *r = nn_bincount(CTX, t, w, minlength);
    NnTensor *c = r ? nn_tensor_cast(CTX, r, w ? w->dtype : NN_I32) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(t);
    nn_tensor_unref(w);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

/* x / sqrt(max(sum(x**2, axis), epsilon)). */
static bool tfx_l2_normalize(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, sq = {0}, s = {0}, mx = {0}, r = {0};
    double eps = 1e-12;
    UNUSED_SELF;
    if (!args_parse(I, "l2_normalize", a, "x, axis=, epsilon=, name=", v) ||
        (np_given_tf(v[2]) && !arg_float(I, "l2_normalize", "epsilon", v[2], &eps)) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    bool ok = tensor_binary(I, NN_MUL, x, x, &sq) &&
              tensor_reduce(I, NN_SUM, sq, v[1], val_bool(true), TENSOR_TF, 0, &s) &&
              tensor_binary(I, NN_MAXIMUM, s, val_float(eps), &mx) &&
              tensor_unary(I, NN_RSQRT, mx, TENSOR_TF, &r) && tensor_binary(I, NN_MUL, x, r, out);
    Value all[] = {x, sq, s, mx, r};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i].kind == VAL_OBJ)
            value_decref(all[i]);
    return ok;
}

static bool tfx_confusion_matrix(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    NnTensor *l, *p;
    int64_t n = -1;
    UNUSED_SELF;
    if (!args_parse(I, "confusion_matrix", a, "labels, predictions, num_classes=, weights=, dtype=, name=", v) ||
        (np_given_tf(v[2]) && !arg_int(I, "confusion_matrix", "num_classes", v[2], &n)) ||
        !tensor_from_value(I, v[0], NN_I64, TENSOR_TF, &l))
        return false;
    if (!tensor_from_value(I, v[1], NN_I64, TENSOR_TF, &p)) {
        nn_tensor_unref(l);
        return false;
    }
    int64_t m = nn_tensor_numel(l);
    bool ok = m == nn_tensor_numel(p) ||
              interp_error(I, ERR_VALUE, "labels and predictions must have the same size");
    if (ok && n < 0) {
        n = 0;
        for (int64_t i = 0; i < m; i++) {
            int64_t x = nn_tensor_get_i64(l, i), y = nn_tensor_get_i64(p, i);
            n = x + 1 > n ? x + 1 : n;
            n = y + 1 > n ? y + 1 : n;
        }
    }
    int64_t shape[2] = {n, n};
    NnTensor *r = ok ? nn_tensor_new(CTX, NN_I32, 2, shape) : NULL;
    for (int64_t i = 0; r && ok && i < m; i++) {
        int64_t x = nn_tensor_get_i64(l, i), y = nn_tensor_get_i64(p, i);
        if (x < 0 || y < 0 || x >= n || y >= n)
            ok = interp_error(I, ERR_VALUE, "labels and predictions must be in [0, %lld)", (long long)n);
        else
            nn_tensor_set_i64(r, x * n + y, nn_tensor_get_i64(r, x * n + y) + 1);
    }
    nn_tensor_unref(l);
    nn_tensor_unref(p);
    if (!ok) {
        nn_tensor_unref(r);
        return false;
    }
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* tf.math.softmax / log_softmax: tf.nn's. */
static bool nn_passthrough(Interp *I, const char *path, const Args *a, Value *out)
{
    return call_path(I, "tensorflow", path, a->pos, a->npos, a->nkw, a->kwnames, a->kwvals, out);
}

static bool tfx_log_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return nn_passthrough(I, "nn.log_softmax", a, out);
}

static bool tfx_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return nn_passthrough(I, "nn.softmax", a, out);
}

/* ---- tf.linalg ---- */

static bool tfx_matrix_transpose(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "matrix_transpose", a, "a, name=, conjugate=", v) || !tf_tensor(I, v[0], &t))
        return false;
    if (t->ndim < 2) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "Argument 'a' should be a (batch) matrix with rank >= 2");
    }
    int perm[NN_MAXDIM];
    for (int d = 0; d < t->ndim; d++)
        perm[d] = d;
    perm[t->ndim - 1] = t->ndim - 2;
    perm[t->ndim - 2] = t->ndim - 1;
    NnTensor *r = nn_tensor_transpose(CTX, t, perm), *c = r ? nn_tensor_copy(CTX, r) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

/* diag_part / trace over the last two axes; diag builds matrices. */
static bool linalg_diag(Interp *I, const Args *a, int mode, Value *out)
{
    Value v[2];
    NnTensor *t;
    const char *fname = mode == 0 ? "diag_part" : mode == 1 ? "trace" : "diag";
    if (!args_parse(I, fname, a, mode == 2 ? "diagonal, name=" : "input, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = NULL;
    if (mode == 2) {   /* (..., n) -> (..., n, n) */
        int64_t n = t->ndim ? t->shape[t->ndim - 1] : 1, shape[NN_MAXDIM];
        memcpy(shape, t->shape, sizeof shape);
        shape[t->ndim] = n;
        if (t->ndim < NN_MAXDIM)
            r = nn_tensor_new(CTX, t->dtype, t->ndim + 1, shape);
        for (int64_t i = 0; r && i < nn_tensor_numel(t); i++) {
            int64_t j = i % n;
            if (nn_dtype_is_float(t->dtype))
                nn_tensor_set_f64(r, i * n + j, nn_tensor_get_f64(t, i));
            else
                nn_tensor_set_i64(r, i * n + j, nn_tensor_get_i64(t, i));
        }
    } else if (t->ndim >= 2) {
        Value tv, pos[4], d;
        if (!tensor_value_new(I, nn_tensor_ref(t), TENSOR_NP, &tv)) {
            nn_tensor_unref(t);
            return false;
        }
        pos[0] = tv, pos[1] = val_int(0), pos[2] = val_int(-2), pos[3] = val_int(-1);
        bool ok = call_path(I, "numpy", "diagonal", pos, 4, 0, NULL, NULL, &d);
        value_decref(tv);
        if (ok && mode == 1) {
            Value s;
            ok = tensor_reduce(I, NN_SUM, d, val_int(-1), val_bool(false), TENSOR_TF, 0, &s);
            value_decref(d);
            d = s;
        }
        nn_tensor_unref(t);
        if (!ok)
            return false;
        ok = tf_value(I, d, -1, out);
        value_decref(d);
        return ok;
    } else {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "input must be at least 2-dim");
    }
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tfx_diag_part(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return linalg_diag(I, a, 0, out);
}

static bool tfx_trace(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return linalg_diag(I, a, 1, out);
}

static bool tfx_diag(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return linalg_diag(I, a, 2, out);
}

/* ---- tf.nn losses ---- */

static bool decref_all(Value *vs, int n, bool ok)
{
    for (int i = 0; i < n; i++)
        if (vs[i].kind == VAL_OBJ)
            value_decref(vs[i]);
    return ok;
}

/* max(x, 0) - x * z + log(1 + exp(-|x|)) */
static bool tfx_sigmoid_xent(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], t[8] = {{0}};
    UNUSED_SELF;
    if (!args_parse(I, "sigmoid_cross_entropy_with_logits", a, "labels=, logits=, name=", v))
        return false;
    if (!np_given_tf(v[0]) || !np_given_tf(v[1]))
        return interp_error(I, ERR_VALUE, "Both labels= and logits= must be provided.");
    bool ok = tf_value(I, v[1], -1, &t[0]) &&
              tf_value(I, v[0], (int)tensor_value_get(t[0])->dtype, &t[1]) &&
              tensor_binary(I, NN_MAXIMUM, t[0], val_float(0.0), &t[2]) &&
              tensor_binary(I, NN_MUL, t[0], t[1], &t[3]) &&
              tensor_unary(I, NN_ABS, t[0], TENSOR_TF, &t[4]) &&
              tensor_unary(I, NN_NEG, t[4], TENSOR_TF, &t[5]) &&
              tensor_unary(I, NN_SOFTPLUS, t[5], TENSOR_TF, &t[6]) &&
              tensor_binary(I, NN_SUB, t[2], t[3], &t[7]) &&
              tensor_binary(I, NN_ADD, t[7], t[6], out);
    return decref_all(t, 8, ok);
}

/* -sum(labels * log_softmax(logits), axis) */
static bool tfx_softmax_xent(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], t[4] = {{0}}, s = {0};
    UNUSED_SELF;
    if (!args_parse(I, "softmax_cross_entropy_with_logits", a, "labels, logits, axis=, name=", v))
        return false;
    Value axis = np_given_tf(v[2]) ? v[2] : val_int(-1);
    bool ok = tf_value(I, v[1], -1, &t[0]) &&
              tf_value(I, v[0], (int)tensor_value_get(t[0])->dtype, &t[1]) &&
              tf_call(I, "nn.log_softmax", (Value[]){t[0], axis}, 2, &t[2]) &&
              tensor_binary(I, NN_MUL, t[1], t[2], &t[3]) &&
              tensor_reduce(I, NN_SUM, t[3], axis, val_bool(false), TENSOR_TF, 0, &s) &&
              tensor_unary(I, NN_NEG, s, TENSOR_TF, out);
    if (s.kind == VAL_OBJ)
        value_decref(s);
    return decref_all(t, 4, ok);
}

/* -log_softmax(logits)[..., labels] */
static bool tfx_sparse_softmax_xent(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], t[4] = {{0}}, s = {0};
    UNUSED_SELF;
    if (!args_parse(I, "sparse_softmax_cross_entropy_with_logits", a, "labels, logits, name=", v))
        return false;
    bool ok = tf_value(I, v[1], -1, &t[0]);
    NnTensor *lg = ok ? tensor_value_get(t[0]) : NULL;
    ok = ok && lg->ndim >= 1 && tf_value(I, v[0], NN_I64, &t[1]);
    if (ok) {
        Value depth = val_int(lg->shape[lg->ndim - 1]);
        Value oh[2] = {t[1], depth};
        ok = tf_call(I, "one_hot", oh, 2, &t[2]) &&
             tf_value(I, t[2], (int)lg->dtype, &t[3]) &&
             tf_call(I, "nn.softmax_cross_entropy_with_logits", (Value[]){t[3], t[0]}, 2, &s);
        if (ok)
            *out = s;
    } else if (lg && !interp_error_pending(I)) {
        ok = interp_error(I, ERR_VALUE, "logits must have rank >= 1");
    }
    return decref_all(t, 4, ok);
}

static bool tfx_moments(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, m = {0}, var = {0};
    UNUSED_SELF;
    if (!args_parse(I, "moments", a, "x, axes, shift=, keepdims=, name=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    Value keep = np_given_tf(v[3]) ? v[3] : val_bool(false);
    bool ok = tensor_reduce(I, NN_MEAN, x, v[1], keep, TENSOR_TF, 0, &m) &&
              tensor_reduce(I, NN_VAR, x, v[1], keep, TENSOR_TF, 0, &var) &&
              tuple_pack(I, out, 2, m, var);
    Value all[] = {x, m, var};
    return decref_all(all, 3, ok);
}

/* ---- tf.random ---- */

static bool tfx_categorical(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t;
    int64_t ns;
    UNUSED_SELF;
    if (!args_parse(I, "categorical", a, "logits, num_samples, dtype=, seed=, name=", v) ||
        !arg_int(I, "categorical", "num_samples", v[1], &ns) ||
        !tensor_from_value(I, v[0], NN_F64, TENSOR_TF, &t))
        return false;
    if (t->ndim != 2) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "logits should be a matrix [batch_size, num_classes]");
    }
    int64_t b = t->shape[0], c = t->shape[1], shape[2] = {b, ns};
    NnTensor *r = nn_tensor_new(CTX, NN_I64, 2, shape);
    for (int64_t i = 0; r && i < b; i++) {
        double mx = -INFINITY, tot = 0;
        for (int64_t j = 0; j < c; j++)
            mx = fmax(mx, nn_tensor_get_f64(t, i * c + j));
        for (int64_t j = 0; j < c; j++)
            tot += exp(nn_tensor_get_f64(t, i * c + j) - mx);
        for (int64_t s = 0; s < ns; s++) {
            double u = nn_rng_double(CTX) * tot, acc = 0;
            int64_t j = 0;
            for (; j < c - 1; j++) {
                acc += exp(nn_tensor_get_f64(t, i * c + j) - mx);
                if (u < acc)
                    break;
            }
            nn_tensor_set_i64(r, i * ns + s, j);
        }
    }
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tfx_truncated_normal(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    int nd, dt;
    int64_t shape[NN_MAXDIM];
    double mean = 0, sd = 1;
    UNUSED_SELF;
    if (!args_parse(I, "truncated_normal", a, "shape, mean=, stddev=, dtype=, seed=, name=", v) ||
        !tensor_shape_arg(I, "truncated_normal", v[0], &nd, shape) ||
        (np_given_tf(v[1]) && !arg_float(I, "truncated_normal", "mean", v[1], &mean)) ||
        (np_given_tf(v[2]) && !arg_float(I, "truncated_normal", "stddev", v[2], &sd)) ||
        !tensor_dtype_arg(I, v[3], &dt))
        return false;
    NnTensor *r = nn_tensor_new(CTX, dt < 0 ? NN_F32 : (NnDType)dt, nd, shape);
    for (int64_t i = 0; r && i < nn_tensor_numel(r); i++) {
        double z;
        do
            z = nn_rng_gauss(CTX);
        while (fabs(z) > 2.0);
        nn_tensor_set_f64(r, i, mean + sd * z);
    }
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef tf_extra_defs[] = {
    D("identity", tfx_identity, "identity(input, name=None)", "The same values as a tensor."),
    D("is_tensor", tfx_is_tensor, "is_tensor(x)", "True for tf tensors."),
    D("TensorShape", tfx_TensorShape, "TensorShape(dims)", "A shape object."),
    D("tile", tfx_tile, "tile(input, multiples, name=None)", "input repeated multiples times per axis."),
    D("pad", tfx_pad, "pad(tensor, paddings, mode='CONSTANT', constant_values=0, name=None)", "Padded with a constant."),
    D("reverse", tfx_reverse, "reverse(tensor, axis, name=None)", "Order reversed along the axes."),
    D("boolean_mask", tfx_boolean_mask, "boolean_mask(tensor, mask, axis=None, name=None)", "The entries where mask is true."),
    D("gather_nd", tfx_gather_nd, "gather_nd(params, indices, batch_dims=0, name=None)", "Slices of params at index tuples."),
    D("split", tfx_split, "split(value, num_or_size_splits, axis=0, num=None, name='split')", "A list of sub-tensors."),
    D("unstack", tfx_unstack, "unstack(value, num=None, axis=0, name='unstack')", "A list of the slices along axis."),
    D("unique", tfx_unique, "unique(x, out_idx=tf.int32, name=None)", "(y, idx): values in order of appearance, and where each element went."),
    D("broadcast_to", tfx_broadcast_to, "broadcast_to(input, shape, name=None)", "input broadcast to shape."),
    D("repeat", tfx_repeat, "repeat(input, repeats, axis=None, name=None)", "Each element repeated."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef tf_extra_math_defs[] = {
    D("log_softmax", tfx_log_softmax, "log_softmax(logits, axis=None, name=None)", "log(softmax(logits)) computed stably."),
    D("softmax", tfx_softmax, "softmax(logits, axis=None, name=None)", "exp(x) / sum(exp(x)) along axis."),
    D("top_k", tfx_top_k, "top_k(input, k=1, sorted=True, name=None)", "(values, indices) of the k largest entries of the last axis."),
    D("squared_difference", tfx_squared_difference, "squared_difference(x, y, name=None)", "(x - y) ** 2."),
    D("reduce_logsumexp", tfx_reduce_logsumexp, "reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None)", "log(sum(exp(x))) computed stably."),
    D("count_nonzero", tfx_count_nonzero, "count_nonzero(input, axis=None, keepdims=None, dtype=tf.int64, name=None)", "Number of non-zero entries."),
    D("cumprod", tfx_cumprod, "cumprod(x, axis=0, exclusive=False, reverse=False, name=None)", "Running product."),
    D("bincount", tfx_bincount, "bincount(arr, weights=None, minlength=None, maxlength=None, dtype=tf.int32, name=None)", "Counts of each int."),
    D("l2_normalize", tfx_l2_normalize, "l2_normalize(x, axis=None, epsilon=1e-12, name=None)", "x / ||x||."),
    D("confusion_matrix", tfx_confusion_matrix, "confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=tf.int32, name=None)", "Counts of (label, prediction) pairs."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef tf_extra_linalg_defs[] = {
    D("inv", tfx_inv, "inv(input, adjoint=False, name=None)", "Inverse of square matrices."),
    D("det", tfx_det, "det(input, name=None)", "Determinant of square matrices."),
    D("solve", tfx_solve, "solve(matrix, rhs, adjoint=False, name=None)", "x with matrix @ x = rhs."),
    D("matrix_transpose", tfx_matrix_transpose, "matrix_transpose(a, name='matrix_transpose', conjugate=False)", "The last two axes swapped."),
    D("transpose", tfx_matrix_transpose, "transpose(a, name='matrix_transpose', conjugate=False)", "The last two axes swapped."),
    D("diag", tfx_diag, "diag(diagonal, name='diag')", "Diagonal matrices from the last axis."),
    D("diag_part", tfx_diag_part, "diag_part(input, name='diag_part')", "The diagonal of the last two axes."),
    D("trace", tfx_trace, "trace(x, name=None)", "Sum of the diagonal of the last two axes."),
    D("l2_normalize", tfx_l2_normalize, "l2_normalize(x, axis=None, epsilon=1e-12, name=None)", "x / ||x||."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef tf_extra_nn_defs[] = {
    D("sigmoid_cross_entropy_with_logits", tfx_sigmoid_xent, "sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None)", "Element-wise logistic loss from logits (stable)."),
    D("softmax_cross_entropy_with_logits", tfx_softmax_xent, "softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None)", "Cross-entropy of one-hot (or soft) labels and logits."),
    D("sparse_softmax_cross_entropy_with_logits", tfx_sparse_softmax_xent, "sparse_softmax_cross_entropy_with_logits(labels, logits, name=None)", "Cross-entropy of class indices and logits."),
    D("l2_normalize", tfx_l2_normalize, "l2_normalize(x, axis=None, epsilon=1e-12, name=None)", "x / ||x||."),
    D("moments", tfx_moments, "moments(x, axes, shift=None, keepdims=False, name=None)", "(mean, variance) over axes."),
    D("top_k", tfx_top_k, "top_k(input, k=1, sorted=True, name=None)", "(values, indices) of the k largest entries."),
    {NULL, NULL, NULL, NULL}
};

const NativeDef tf_extra_random_defs[] = {
    D("categorical", tfx_categorical, "categorical(logits, num_samples, dtype=None, seed=None, name=None)", "Class indices drawn from softmax(logits), one row per batch entry."),
    D("truncated_normal", tfx_truncated_normal, "truncated_normal(shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, name=None)", "Normal samples redrawn beyond two standard deviations."),
    {NULL, NULL, NULL, NULL}
};
