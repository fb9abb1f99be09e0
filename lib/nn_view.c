/* nn_view.c - views that share a tensor's buffer: reshape (a view when the
 * layout allows), transpose, slices with any step, select, expand_dims,
 * squeeze, broadcast_to; Python slice normalisation and numpy broadcast
 * shapes.
 *
 * Owned by the tensor runtime.  Every function returns a new header (a new
 * reference) sharing the buffer, or NULL with the message in the ctx.
 */
#include "nn_internal.h"

#include <stdio.h>
#include <string.h>

/* numpy prints shapes in reshape errors without spaces: (3,4), (3,newaxis) */
static void np_shape_str(int ndim, const int64_t *shape, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "(");
    for (int i = 0; i < ndim && len < size; i++) {
        if (shape[i] < 0)
            len += (size_t)snprintf(buf + len, size - len, "%snewaxis", i ? "," : "");
        else
            len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "",
                                    (long long)shape[i]);
    }
    if (len < size)
        snprintf(buf + len, size - len, ndim == 1 ? ",)" : ")");
}

static NnStatus infer_shape(NnCtx *ctx, int64_t numel, int ndim, const int64_t *shape, int64_t *out)
{
    int infer = -1;
    int64_t known = 1;
    char sh[200];
    if (ndim > NN_MAXDIM)
        return nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions (got %d)", NN_MAXDIM, ndim);
    for (int i = 0; i < ndim; i++) {
        out[i] = shape[i];
        if (shape[i] == -1) {
            if (infer >= 0)
                return nn_error(ctx, NN_EARG, "can only specify one unknown dimension");
            infer = i;
        } else if (shape[i] < 0) {
            return nn_error(ctx, NN_EARG, "negative dimensions are not allowed");
        } else {
            if (shape[i] && known > INT64_MAX / shape[i])
                known = -1;   /* overflow: cannot match */
            else if (known >= 0)
                known *= shape[i];
        }
    }
    if (infer >= 0 && known > 0 && numel % known == 0) {
        out[infer] = numel / known;
        return NN_OK;
    }
    if (infer < 0 && known == numel)
        return NN_OK;
    np_shape_str(ndim, shape, sh, sizeof sh);
    return nn_error(ctx, NN_EDIM, "cannot reshape array of size %lld into shape %s",
                    (long long)numel, sh);
}

NnTensor *nn_tensor_reshape(NnCtx *ctx, NnTensor *t, int ndim, const int64_t *shape)
{
    int64_t ns[NN_MAXDIM];
    if (infer_shape(ctx, nn_tensor_numel(t), ndim, shape, ns))
        return NULL;
    NnTensor *c = nn_tensor_contiguous(ctx, t);
    if (!c)
        return NULL;
    NnTensor *v = nn_tensor_view_of(ctx, c);
    nn_tensor_unref(c);
    if (!v)
        return NULL;
    v->ndim = ndim;
    int64_t st = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        v->shape[i] = ns[i];
        v->strides[i] = st;
        st *= ns[i] ? ns[i] : 1;
    }
    return v;
}

NnTensor *nn_tensor_transpose(NnCtx *ctx, NnTensor *t, const int *perm)
{
    int p[NN_MAXDIM];
    bool seen[NN_MAXDIM] = {false};
    for (int i = 0; i < t->ndim; i++) {
        p[i] = perm ? perm[i] : t->ndim - 1 - i;
        if (p[i] < 0)
            p[i] += t->ndim;
        if (p[i] < 0 || p[i] >= t->ndim) {
            nn_error(ctx, NN_EARG, "axis %d is out of bounds for array of dimension %d",
                     perm[i], t->ndim);
            return NULL;
        }
        if (seen[p[i]]) {
            nn_error(ctx, NN_EARG, "repeated axis in transpose");
            return NULL;
        }
        seen[p[i]] = true;
    }
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    for (int i = 0; i < t->ndim; i++) {
        v->shape[i] = t->shape[p[i]];
        v->strides[i] = t->strides[p[i]];
    }
    return v;
}

int64_t nn_slice_indices(int64_t n, bool has_start, int64_t *start, bool has_stop,
                         int64_t *stop, int64_t step)
{
    int64_t s = has_start ? *start : (step < 0 ? INT64_MAX : 0);
    int64_t e = has_stop ? *stop : (step < 0 ? INT64_MIN : INT64_MAX);
    if (s < 0) {
        s = s < -n ? (step < 0 ? -1 : 0) : s + n;
    } else if (s >= n) {
        s = step < 0 ? n - 1 : n;
    }
    if (e < 0) {
        e = e < -n ? (step < 0 ? -1 : 0) : e + n;
    } else if (e >= n) {
        e = step < 0 ? n - 1 : n;
    }
    *start = s;
    *stop = e;
    if (step < 0)
        return e < s ? (s - e - 1) / (-step) + 1 : 0;
    return s < e ? (e - s - 1) / step + 1 : 0;
}

NnTensor *nn_tensor_slice(NnCtx *ctx, NnTensor *t, int axis, int64_t start, int64_t stop, int64_t step)
{
    int ax;
    if (nn_norm_axis(ctx, axis, t->ndim, &ax))
        return NULL;
    if (step == 0) {
        nn_error(ctx, NN_EARG, "slice step cannot be zero");
        return NULL;
    }
    int64_t n = t->shape[ax], cnt;
    if (step < 0)
        cnt = start > stop ? (start - stop - 1) / (-step) + 1 : 0;
    else
        cnt = stop > start ? (stop - start - 1) / step + 1 : 0;
    if (cnt > 0 && (start < 0 || start >= n || start + (cnt - 1) * step < 0 ||
                    start + (cnt - 1) * step >= n)) {
        nn_error(ctx, NN_EINDEX, "slice [%lld:%lld:%lld] is out of bounds for axis %d with size %lld",
                 (long long)start, (long long)stop, (long long)step, ax, (long long)n);
        return NULL;
    }
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    if (cnt > 0)
        v->offset += start * t->strides[ax];
    v->shape[ax] = cnt;
    v->strides[ax] = t->strides[ax] * step;
    return v;
}

NnTensor *nn_tensor_select(NnCtx *ctx, NnTensor *t, int axis, int64_t index)
{
    int ax;
    if (nn_norm_axis(ctx, axis, t->ndim, &ax))
        return NULL;
    int64_t n = t->shape[ax], i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) {
        nn_error(ctx, NN_EINDEX, "index %lld is out of bounds for axis %d with size %lld",
                 (long long)index, ax, (long long)n);
        return NULL;
    }
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    v->offset += i * t->strides[ax];
    for (int d = ax; d < t->ndim - 1; d++) {
        v->shape[d] = t->shape[d + 1];
        v->strides[d] = t->strides[d + 1];
    }
    v->ndim--;
    return v;
}

NnTensor *nn_tensor_expand_dims(NnCtx *ctx, NnTensor *t, int axis)
{
    int nd = t->ndim + 1, ax;
    if (nd > NN_MAXDIM) {
        nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions", NN_MAXDIM);
        return NULL;
    }
    if (nn_norm_axis(ctx, axis, nd, &ax))
        return NULL;
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    for (int d = nd - 1; d > ax; d--) {
        v->shape[d] = t->shape[d - 1];
        v->strides[d] = t->strides[d - 1];
    }
    v->shape[ax] = 1;
    v->strides[ax] = ax + 1 < nd ? v->shape[ax + 1] * v->strides[ax + 1] : 1;
    v->ndim = nd;
    return v;
}

NnTensor *nn_tensor_squeeze(NnCtx *ctx, NnTensor *t, int axis)
{
    int ax = -1;
    if (axis != NN_ALL_AXES) {
        if (nn_norm_axis(ctx, axis, t->ndim, &ax))
            return NULL;
        if (t->shape[ax] != 1) {
            nn_error(ctx, NN_EARG, "cannot select an axis to squeeze out which has size not equal to one");
            return NULL;
        }
    }
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    int k = 0;
    for (int d = 0; d < t->ndim; d++) {
        if (d == ax || (ax < 0 && t->shape[d] == 1))
            continue;
        v->shape[k] = t->shape[d];
        v->strides[k] = t->strides[d];
        k++;
    }
    v->ndim = k;
    return v;
}

NnStatus nn_broadcast_shape(NnCtx *ctx, int na, const int64_t *sa, int nb, const int64_t *sb,
                            int *nout, int64_t *sout)
{
    int n = na > nb ? na : nb;
    int64_t r[NN_MAXDIM];
    for (int i = 0; i < n; i++) {
        int ia = i - (n - na), ib = i - (n - nb);
        int64_t x = ia >= 0 ? sa[ia] : 1, y = ib >= 0 ? sb[ib] : 1;
        if (x != y && x != 1 && y != 1) {
            char s1[200], s2[200];
            return nn_error(ctx, NN_EDIM, "shapes %s and %s cannot be broadcast together",
                            nn_shape_str(na, sa, s1, sizeof s1), nn_shape_str(nb, sb, s2, sizeof s2));
        }
        r[i] = x == 1 ? y : x;
    }
    *nout = n;
    memcpy(sout, r, sizeof(int64_t) * (size_t)n);
    return NN_OK;
}

NnTensor *nn_tensor_broadcast_to(NnCtx *ctx, NnTensor *t, int ndim, const int64_t *shape)
{
    bool ok = ndim >= t->ndim && ndim <= NN_MAXDIM;
    for (int i = 0; ok && i < t->ndim; i++) {
        int64_t s = t->shape[i], d = shape[ndim - t->ndim + i];
        ok = s == d || s == 1;
    }
    if (!ok) {
        char s1[200], s2[200];
        nn_error(ctx, NN_EDIM, "cannot broadcast shape %s to %s",
                 nn_shape_str(t->ndim, t->shape, s1, sizeof s1), nn_shape_str(ndim, shape, s2, sizeof s2));
        return NULL;
    }
    NnTensor *v = nn_tensor_view_of(ctx, t);
    if (!v)
        return NULL;
    nn_broadcast_strides(t, ndim, shape, v->strides);
    memcpy(v->shape, shape, sizeof(int64_t) * (size_t)ndim);
    v->ndim = ndim;
    return v;
}
