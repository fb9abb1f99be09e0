/* nn_sort.c - sort and argsort along an axis (stable merge sort, NaN last
 * as numpy), unique (with counts and inverse) and bincount.
 *
 * Owned by the tensor runtime.  Each lane is gathered into a key buffer
 * (double for floats, int64 for integers so large int64 values compare
 * exactly) and an index permutation is merge-sorted by key.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <string.h>

typedef struct {
    bool ints, desc;
    const double *kd;
    const int64_t *ki;
} Keys;

/* a strictly before b (stable sorts keep equal keys in index order) */
static inline bool key_less(const Keys *k, int64_t a, int64_t b)
{
    if (k->ints)
        return k->desc ? k->ki[a] > k->ki[b] : k->ki[a] < k->ki[b];
    double x = k->kd[a], y = k->kd[b];
    if (isnan(x))
        return false;   /* NaN last, in either direction */
    if (isnan(y))
        return true;
    return k->desc ? x > y : x < y;
}

static void merge_sort(const Keys *k, int64_t *idx, int64_t *tmp, int64_t n)
{
    if (n < 2)
        return;
    if (n <= 16) {   /* insertion sort: stable */
        for (int64_t i = 1; i < n; i++) {
            int64_t v = idx[i], j = i;
            while (j > 0 && key_less(k, v, idx[j - 1])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        return;
    }
    int64_t h = n / 2;
    merge_sort(k, idx, tmp, h);
    merge_sort(k, idx + h, tmp, n - h);
    int64_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        tmp[o++] = key_less(k, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h)
        tmp[o++] = idx[i++];
    while (j < n)
        tmp[o++] = idx[j++];
    memcpy(idx, tmp, sizeof(int64_t) * (size_t)n);
}

/* Sorted permutation of the lane of `len` elements at offset off, stride st. */
static void sort_lane(const NnTensor *t, int64_t off, int64_t st, int64_t len, bool desc,
                      void *keybuf, int64_t *idx, int64_t *tmp)
{
    Keys k = {.ints = !nn_dtype_is_float(t->dtype), .desc = desc, .kd = keybuf, .ki = keybuf};
    const char *src = (const char *)t->buf->data + (t->offset + off) * (int64_t)nn_dtype_size(t->dtype);
    nn_convert_run(keybuf, k.ints ? NN_I64 : NN_F64, 1, src, t->dtype, st, len);
    for (int64_t i = 0; i < len; i++)
        idx[i] = i;
    merge_sort(&k, idx, tmp, len);
}

static NnTensor *sort_kernel(NnCtx *ctx, const NnTensor *t, int axis, bool desc, bool arg)
{
    int ax;
    NnTensor flat = *t;
    if (t->ndim == 0) {
        flat.ndim = 1;
        flat.shape[0] = 1;
        flat.strides[0] = 1;
    }
    if (nn_norm_axis(ctx, axis, flat.ndim, &ax))
        return NULL;
    int64_t len = flat.shape[ax];
    NnTensor *out = nn_tensor_empty(ctx, arg ? NN_I64 : t->dtype, flat.ndim, flat.shape);
    void *keys = nn_alloc(ctx, (size_t)(len ? len : 1) * 8, "sort keys");
    int64_t *idx = nn_alloc(ctx, (size_t)(len ? len : 1) * 16, "sort indices");
    if (!out || !keys || !idx)
        goto fail;
    int64_t nlanes = len ? nn_tensor_numel(&flat) / len : 0;
    size_t es = nn_dtype_size(out->dtype);
    for (int64_t l = 0; l < nlanes; l++) {
        int64_t off = 0, rem = l, ooff = 0, ostride = out->strides[ax];
        for (int d = flat.ndim - 1; d >= 0; d--) {   /* lane l over the other axes */
            if (d == ax)
                continue;
            off += (rem % flat.shape[d]) * flat.strides[d];
            ooff += (rem % flat.shape[d]) * out->strides[d];
            rem /= flat.shape[d];
        }
        sort_lane(&flat, off, flat.strides[ax], len, desc, keys, idx, idx + len);
        char *dst = (char *)out->buf->data + ooff * (int64_t)es;
        const char *src = (const char *)flat.buf->data + (flat.offset + off) * (int64_t)es;
        for (int64_t i = 0; i < len; i++) {
            if (arg)
                ((int64_t *)dst)[i * ostride] = idx[i];
            else
                memcpy(dst + i * ostride * (int64_t)es, src + idx[i] * flat.strides[ax] * (int64_t)es, es);
        }
    }
    nn_free(ctx, idx);
    nn_free(ctx, keys);
    return out;
fail:
    nn_free(ctx, idx);
    nn_free(ctx, keys);
    nn_tensor_unref(out);
    return NULL;
}

NnTensor *nn_sort(NnCtx *ctx, const NnTensor *t, int axis, bool descending)
{
    if (axis == NN_ALL_AXES) {
        int64_t n = nn_tensor_numel(t);
        NnTensor *f = nn_tensor_reshape(ctx, (NnTensor *)t, 1, &n);
        NnTensor *r = f ? sort_kernel(ctx, f, 0, descending, false) : NULL;
        nn_tensor_unref(f);
        return r;
    }
    return sort_kernel(ctx, t, axis, descending, false);
}

NnTensor *nn_argsort(NnCtx *ctx, const NnTensor *t, int axis, bool descending)
{
    if (axis == NN_ALL_AXES) {
        int64_t n = nn_tensor_numel(t);
        NnTensor *f = nn_tensor_reshape(ctx, (NnTensor *)t, 1, &n);
        NnTensor *r = f ? sort_kernel(ctx, f, 0, descending, true) : NULL;
        nn_tensor_unref(f);
        return r;
    }
    return sort_kernel(ctx, t, axis, descending, true);
}

/* ---- unique ---- */

static bool same_key(const NnTensor *s, int64_t i, int64_t j)
{
    if (nn_dtype_is_float(s->dtype)) {
        double a = nn_tensor_get_f64(s, i), b = nn_tensor_get_f64(s, j);
        return a == b || (isnan(a) && isnan(b));   /* numpy 1.24: equal_nan */
    }
    return nn_tensor_get_i64(s, i) == nn_tensor_get_i64(s, j);
}

NnTensor *nn_unique(NnCtx *ctx, const NnTensor *t, NnTensor **counts, NnTensor **inverse)
{
    int64_t n = nn_tensor_numel(t), nu = 0;
    NnTensor *f = nn_tensor_reshape(ctx, (NnTensor *)t, 1, &n);
    NnTensor *order = f ? nn_argsort(ctx, f, 0, false) : NULL;
    NnTensor *sorted = order ? nn_take(ctx, f, order, 0) : NULL;
    NnTensor *vals = NULL, *cnt = NULL, *inv = NULL;
    int64_t *grp = sorted ? nn_alloc(ctx, (size_t)(n ? n : 1) * 8, "unique groups") : NULL;
    if (!grp)
        goto fail;
    for (int64_t i = 0; i < n; i++) {   /* group number of each sorted element */
        if (i > 0 && !same_key(sorted, i, i - 1))
            nu++;
        grp[i] = nu;
    }
    nu = n ? nu + 1 : 0;
    int64_t sh[1] = {nu};
    if (!(vals = nn_tensor_empty(ctx, t->dtype, 1, sh)) ||
        (counts && !(cnt = nn_tensor_new(ctx, NN_I64, 1, sh))) ||
        (inverse && !(inv = nn_tensor_empty(ctx, NN_I64, 1, &n))))
        goto fail;
    size_t es = nn_dtype_size(t->dtype);
    const int64_t *ord = order->buf->data;
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || grp[i] != grp[i - 1])
            memcpy((char *)vals->buf->data + grp[i] * (int64_t)es,
                   (char *)sorted->buf->data + i * (int64_t)es, es);
        if (cnt)
            ((int64_t *)cnt->buf->data)[grp[i]]++;
        if (inv)
            ((int64_t *)inv->buf->data)[ord[i]] = grp[i];
    }
    nn_free(ctx, grp);
    nn_tensor_unref(sorted);
    nn_tensor_unref(order);
    nn_tensor_unref(f);
    if (counts)
        *counts = cnt;
    if (inverse)
        *inverse = inv;
    return vals;
fail:
    nn_free(ctx, grp);
    nn_tensor_unref(inv);
    nn_tensor_unref(cnt);
    nn_tensor_unref(vals);
    nn_tensor_unref(sorted);
    nn_tensor_unref(order);
    nn_tensor_unref(f);
    return NULL;
}

NnTensor *nn_bincount(NnCtx *ctx, const NnTensor *t, const NnTensor *weights, int64_t minlength)
{
    if (t->ndim != 1) {
        nn_error(ctx, NN_EDIM, "object too deep for desired array");
        return NULL;
    }
    if (nn_dtype_is_float(t->dtype)) {
        nn_error(ctx, NN_ETYPE, "Cannot cast array data from dtype('%s') to dtype('int64') according to the rule 'safe'",
                 nn_dtype_name(t->dtype));
        return NULL;
    }
    if (minlength < 0) {
        nn_error(ctx, NN_EARG, "'minlength' must not be negative");
        return NULL;
    }
    int64_t n = t->shape[0], mx = -1;
    if (weights && nn_tensor_numel(weights) != n) {
        nn_error(ctx, NN_EDIM, "The weights and list don't have the same length.");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t v = nn_tensor_get_i64(t, i);
        if (v < 0) {
            nn_error(ctx, NN_EARG, "'list' argument must have no negative elements");
            return NULL;
        }
        if (v > mx)
            mx = v;
    }
    int64_t len = mx + 1 > minlength ? mx + 1 : minlength;
    NnTensor *out = nn_tensor_new(ctx, weights ? NN_F64 : NN_I64, 1, &len);
    if (!out)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        int64_t v = nn_tensor_get_i64(t, i);
        if (weights)
            ((double *)out->buf->data)[v] += nn_tensor_get_f64(weights, i);
        else
            ((int64_t *)out->buf->data)[v]++;
    }
    return out;
}
