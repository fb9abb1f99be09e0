/* nn_assign.c - numpy item and slice assignment: dst[...] = src with
 * broadcasting and casting, boolean-mask assignment and selection, and
 * integer-array assignment along axis 0.
 *
 * Owned by the tensor runtime.  Writes go through the target view into the
 * shared buffer, as numpy does.  Sources that share the target's buffer are
 * copied first so overlapping slices (x[1:] = x[:-1]) behave as numpy's.
 */
#include "nn_internal.h"

#include <stdio.h>
#include <string.h>

static NnStatus check_broadcast(NnCtx *ctx, const NnTensor *dst, const NnTensor *src)
{
    bool ok = src->ndim <= dst->ndim;
    for (int i = 0; ok && i < src->ndim; i++) {
        int64_t s = src->shape[i], d = dst->shape[dst->ndim - src->ndim + i];
        ok = s == d || s == 1;
    }
    if (ok)
        return NN_OK;
    char s1[200], s2[200];
    return nn_error(ctx, NN_EDIM, "could not broadcast input array from shape %s into shape %s",
                    nn_shape_str(src->ndim, src->shape, s1, sizeof s1),
                    nn_shape_str(dst->ndim, dst->shape, s2, sizeof s2));
}

NnStatus nn_tensor_assign(NnCtx *ctx, NnTensor *dst, const NnTensor *src)
{
    if (check_broadcast(ctx, dst, src))
        return NN_EDIM;
    if (src->buf != dst->buf) {
        nn_copy_into(ctx, dst, src);
        return NN_OK;
    }
    NnTensor *tmp = nn_tensor_copy(ctx, src);
    if (!tmp)
        return nn_status(ctx);
    nn_copy_into(ctx, dst, tmp);
    nn_tensor_unref(tmp);
    return NN_OK;
}

/* Number of sub-arrays a mask selects; checks the mask's shape against t's. */
static NnStatus mask_count(NnCtx *ctx, const NnTensor *t, const NnTensor *mask, int64_t *count,
                           int64_t *row)
{
    bool ok = mask->dtype == NN_BOOL && mask->ndim <= t->ndim;
    for (int i = 0; ok && i < mask->ndim; i++)
        ok = mask->shape[i] == t->shape[i];
    if (!ok) {
        char s1[200], s2[200];
        if (mask->dtype != NN_BOOL)
            return nn_error(ctx, NN_ETYPE, "a mask must be a bool tensor (got %s)",
                            nn_dtype_name(mask->dtype));
        return nn_error(ctx, NN_EINDEX, "boolean index of shape %s does not match indexed array of shape %s",
                        nn_shape_str(mask->ndim, mask->shape, s1, sizeof s1),
                        nn_shape_str(t->ndim, t->shape, s2, sizeof s2));
    }
    int64_t n = nn_tensor_numel(mask), c = 0, r = 1;
    for (int64_t i = 0; i < n; i++)
        c += nn_tensor_get_i64(mask, i) != 0;
    for (int d = mask->ndim; d < t->ndim; d++)
        r *= t->shape[d];
    *count = c;
    *row = r;
    return NN_OK;
}

/* The sub-array of t at flat mask position i (t's leading mask->ndim axes). */
static void sub_view(const NnTensor *t, int mdim, int64_t i, NnTensor *out)
{
    *out = *t;
    int64_t off = t->offset;
    for (int d = mdim - 1; d >= 0; d--) {
        off += (i % t->shape[d]) * t->strides[d];
        i /= t->shape[d];
    }
    out->offset = off;
    out->ndim = t->ndim - mdim;
    memmove(out->shape, t->shape + mdim, sizeof(int64_t) * (size_t)out->ndim);
    memmove(out->strides, t->strides + mdim, sizeof(int64_t) * (size_t)out->ndim);
}

/* A contiguous view of s's elements [start, start+n) shaped like `like`
 * (or a 0-d broadcast view when `scalar`). */
static void shaped_view(const NnTensor *s, const NnTensor *like, int64_t start, bool scalar,
                        NnTensor *out)
{
    *out = *s;
    out->offset = s->offset + start;
    if (scalar) {
        out->ndim = 0;
        return;
    }
    out->ndim = like->ndim;
    int64_t st = 1;
    for (int d = like->ndim - 1; d >= 0; d--) {
        out->shape[d] = like->shape[d];
        out->strides[d] = st;
        st *= like->shape[d] ? like->shape[d] : 1;
    }
}

NnStatus nn_tensor_mask_assign(NnCtx *ctx, NnTensor *dst, const NnTensor *mask, const NnTensor *src)
{
    int64_t count, row;
    if (mask_count(ctx, dst, mask, &count, &row))
        return nn_status(ctx);
    int64_t sn = nn_tensor_numel(src);
    if (sn != 1 && sn != row && sn != count * row)
        return nn_error(ctx, NN_EDIM, "NumPy boolean array indexing assignment cannot assign "
                        "%lld input values to the %lld output values where the mask is true",
                        (long long)sn, (long long)(count * row));
    bool per_row = sn == count * row && sn != row;
    NnTensor *s = nn_tensor_cast(ctx, src, dst->dtype);   /* contiguous, no overlap */
    if (!s)
        return nn_status(ctx);
    int64_t n = nn_tensor_numel(mask), k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!nn_tensor_get_i64(mask, i))
            continue;
        NnTensor dv, sv;
        sub_view(dst, mask->ndim, i, &dv);
        shaped_view(s, &dv, per_row ? k * row : 0, sn == 1, &sv);
        nn_copy_into(ctx, &dv, &sv);
        k++;
    }
    nn_tensor_unref(s);
    return NN_OK;
}

NnTensor *nn_tensor_mask_select(NnCtx *ctx, const NnTensor *t, const NnTensor *mask)
{
    int64_t count, row;
    if (mask_count(ctx, t, mask, &count, &row))
        return NULL;
    int64_t shape[NN_MAXDIM];
    int nd = 1 + t->ndim - mask->ndim;
    shape[0] = count;
    for (int d = mask->ndim; d < t->ndim; d++)
        shape[1 + d - mask->ndim] = t->shape[d];
    NnTensor *r = nn_tensor_empty(ctx, t->dtype, nd, shape);
    if (!r)
        return NULL;
    int64_t n = nn_tensor_numel(mask), k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!nn_tensor_get_i64(mask, i))
            continue;
        NnTensor sv, dv;
        sub_view(t, mask->ndim, i, &sv);
        shaped_view(r, &sv, k * row, false, &dv);
        nn_copy_into(ctx, &dv, &sv);
        k++;
    }
    return r;
}

NnStatus nn_tensor_put(NnCtx *ctx, NnTensor *dst, const NnTensor *index, const NnTensor *src)
{
    if (dst->ndim == 0)
        return nn_error(ctx, NN_EINDEX, "too many indices for array: array is 0-dimensional");
    if (nn_dtype_is_float(index->dtype))
        return nn_error(ctx, NN_EINDEX, "arrays used as indices must be of integer (or boolean) type");
    int64_t n = nn_tensor_numel(index), len = dst->shape[0];
    for (int64_t i = 0; i < n; i++) {
        int64_t j = nn_tensor_get_i64(index, i);
        if (j < -len || j >= len)
            return nn_error(ctx, NN_EINDEX, "index %lld is out of bounds for axis 0 with size %lld",
                            (long long)j, (long long)len);
    }
    /* src broadcast to index.shape + dst.shape[1:] */
    int64_t shape[2 * NN_MAXDIM];
    int nd = index->ndim + dst->ndim - 1;
    if (nd > NN_MAXDIM)
        return nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions", NN_MAXDIM);
    memcpy(shape, index->shape, sizeof(int64_t) * (size_t)index->ndim);
    memcpy(shape + index->ndim, dst->shape + 1, sizeof(int64_t) * (size_t)(dst->ndim - 1));
    NnTensor *b = nn_tensor_broadcast_to(ctx, (NnTensor *)src, nd, shape);
    if (!b)
        return nn_status(ctx);
    NnTensor *s = nn_tensor_cast(ctx, b, dst->dtype);
    nn_tensor_unref(b);
    if (!s)
        return nn_status(ctx);
    int64_t row = 1;
    for (int d = 1; d < dst->ndim; d++)
        row *= dst->shape[d];
    for (int64_t i = 0; i < n; i++) {
        int64_t j = nn_tensor_get_i64(index, i);
        NnTensor dv, sv;
        sub_view(dst, 1, j < 0 ? j + len : j, &dv);
        shaped_view(s, &dv, i * row, false, &sv);
        nn_copy_into(ctx, &dv, &sv);
    }
    nn_tensor_unref(s);
    return NN_OK;
}
