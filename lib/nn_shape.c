/* nn_shape.c - shape manipulation: concat, stack, split, take (gather),
 * one_hot, flip, tile, repeat; and the ranges arange, linspace, eye.
 *
 * Owned by the tensor runtime.  Results are new contiguous tensors.  Sorting,
 * unique and bincount live in nn_sort.c.  Error messages follow numpy's.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A view of t restricted to [start, start+len) on axis (no refcount). */
static NnTensor axis_window(const NnTensor *t, int axis, int64_t start, int64_t len)
{
    NnTensor v = *t;
    v.offset += start * t->strides[axis];
    v.shape[axis] = len;
    return v;
}

static NnStatus concat_check(NnCtx *ctx, NnTensor *const *ts, int n, int ax)
{
    const NnTensor *a = ts[0];
    for (int i = 1; i < n; i++) {
        const NnTensor *b = ts[i];
        if (b->ndim != a->ndim)
            return nn_error(ctx, NN_EDIM, "all the input arrays must have same number of dimensions, "
                            "but the array at index 0 has %d dimension(s) and the array at index %d "
                            "has %d dimension(s)", a->ndim, i, b->ndim);
        for (int d = 0; d < a->ndim; d++)
            if (d != ax && a->shape[d] != b->shape[d])
                return nn_error(ctx, NN_EDIM, "all the input array dimensions except for the "
                                "concatenation axis must match exactly, but along dimension %d, the "
                                "array at index 0 has size %lld and the array at index %d has size %lld",
                                d, (long long)a->shape[d], i, (long long)b->shape[d]);
    }
    return NN_OK;
}

NnTensor *nn_concat(NnCtx *ctx, NnTensor *const *ts, int n, int axis, NnDType dt)
{
    int ax;
    if (n < 1) {
        nn_error(ctx, NN_EARG, "need at least one array to concatenate");
        return NULL;
    }
    if (ts[0]->ndim == 0) {
        nn_error(ctx, NN_EDIM, "zero-dimensional arrays cannot be concatenated");
        return NULL;
    }
    if (nn_norm_axis(ctx, axis, ts[0]->ndim, &ax) || concat_check(ctx, ts, n, ax))
        return NULL;
    int64_t shape[NN_MAXDIM];
    memcpy(shape, ts[0]->shape, sizeof shape);
    shape[ax] = 0;
    for (int i = 0; i < n; i++)
        shape[ax] += ts[i]->shape[ax];
    NnTensor *out = nn_tensor_empty(ctx, dt, ts[0]->ndim, shape);
    if (!out)
        return NULL;
    int64_t pos = 0;
    for (int i = 0; i < n; i++) {
        NnTensor w = axis_window(out, ax, pos, ts[i]->shape[ax]);
        nn_copy_into(ctx, &w, ts[i]);
        pos += ts[i]->shape[ax];
    }
    return out;
}

NnTensor *nn_stack(NnCtx *ctx, NnTensor *const *ts, int n, int axis, NnDType dt)
{
    int ax;
    if (n < 1) {
        nn_error(ctx, NN_EARG, "need at least one array to stack");
        return NULL;
    }
    for (int i = 1; i < n; i++)
        if (!nn_shape_equal(ts[0], ts[i])) {
            nn_error(ctx, NN_EDIM, "all input arrays must have the same shape");
            return NULL;
        }
    if (ts[0]->ndim + 1 > NN_MAXDIM) {
        nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions", NN_MAXDIM);
        return NULL;
    }
    if (nn_norm_axis(ctx, axis, ts[0]->ndim + 1, &ax))
        return NULL;
    int64_t shape[NN_MAXDIM];
    int nd = ts[0]->ndim + 1;
    for (int d = 0, k = 0; d < nd; d++)
        shape[d] = d == ax ? n : ts[0]->shape[k++];
    NnTensor *out = nn_tensor_empty(ctx, dt, nd, shape);
    if (!out)
        return NULL;
    for (int i = 0; i < n; i++) {
        NnTensor w = axis_window(out, ax, i, 1);   /* drop the stacked axis */
        for (int d = ax; d < nd - 1; d++) {
            w.shape[d] = w.shape[d + 1];
            w.strides[d] = w.strides[d + 1];
        }
        w.ndim = nd - 1;
        nn_copy_into(ctx, &w, ts[i]);
    }
    return out;
}

NnStatus nn_split(NnCtx *ctx, const NnTensor *t, int axis, int nsections,
                  const int64_t *indices, int nidx, NnTensor **outs)
{
    int ax;
    if (nn_norm_axis(ctx, axis, t->ndim, &ax))
        return NN_EARG;
    int64_t len = t->shape[ax];
    int nout = nidx > 0 ? nidx + 1 : nsections;
    if (nout < 1)
        return nn_error(ctx, NN_EARG, "number sections must be larger than 0.");
    for (int i = 0; i < nout; i++)
        outs[i] = NULL;
    for (int i = 0; i < nout; i++) {
        int64_t st, en;
        if (nidx > 0) {
            st = i == 0 ? 0 : indices[i - 1];
            en = i == nidx ? len : indices[i];
            nn_slice_indices(len, i > 0, &st, i < nidx, &en, 1);
            if (en < st)
                en = st;
        } else {
            int64_t each = len / nsections, extra = len % nsections;
            st = i * each + (i < extra ? i : extra);
            en = st + each + (i < extra ? 1 : 0);
        }
        NnTensor w = axis_window(t, ax, st, en - st);
        if (!(outs[i] = nn_tensor_copy(ctx, &w))) {
            for (int k = 0; k < i; k++) {
                nn_tensor_unref(outs[k]);
                outs[k] = NULL;
            }
            return nn_status(ctx);
        }
    }
    return NN_OK;
}

/* ---- gather ---- */

static NnStatus check_indices(NnCtx *ctx, const NnTensor *idx, int64_t len, int ax)
{
    if (!nn_dtype_is_int(idx->dtype) && idx->dtype != NN_BOOL)
        return nn_error(ctx, NN_EINDEX, "arrays used as indices must be of integer (or boolean) type");
    int64_t n = nn_tensor_numel(idx);
    for (int64_t i = 0; i < n; i++) {
        int64_t j = nn_tensor_get_i64(idx, i);
        if (j < -len || j >= len)
            return nn_error(ctx, NN_EINDEX, "index %lld is out of bounds for axis %d with size %lld",
                            (long long)j, ax, (long long)len);
    }
    return NN_OK;
}

static NnTensor *take_kernel(NnCtx *ctx, const NnTensor *c, const NnTensor *idx, int ax)
{
    int64_t shape[NN_MAXDIM + NN_MAXDIM];
    int nd = 0;
    for (int d = 0; d < ax; d++)
        shape[nd++] = c->shape[d];
    for (int d = 0; d < idx->ndim; d++)
        shape[nd++] = idx->shape[d];
    for (int d = ax + 1; d < c->ndim; d++)
        shape[nd++] = c->shape[d];
    if (nd > NN_MAXDIM) {
        nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions", NN_MAXDIM);
        return NULL;
    }
    NnTensor *out = nn_tensor_empty(ctx, c->dtype, nd, shape);
    if (!out)
        return NULL;
    int64_t outer = 1, inner = 1, len = c->shape[ax], ni = nn_tensor_numel(idx);
    for (int d = 0; d < ax; d++)
        outer *= c->shape[d];
    for (int d = ax + 1; d < c->ndim; d++)
        inner *= c->shape[d];
    size_t blk = (size_t)inner * nn_dtype_size(c->dtype);
    const char *src = nn_tensor_data(c);
    char *dst = out->buf->data;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < ni; i++, dst += blk) {
            int64_t j = nn_tensor_get_i64(idx, i);
            if (j < 0)
                j += len;
            memcpy(dst, src + (size_t)((o * len + j)) * blk, blk);
        }
    return out;
}

NnTensor *nn_take(NnCtx *ctx, const NnTensor *t, const NnTensor *indices, int axis)
{
    NnTensor *c = nn_tensor_contiguous(ctx, (NnTensor *)t), *out = NULL;
    int ax = 0;
    if (!c)
        return NULL;
    NnTensor flat = *c;
    if (axis == NN_ALL_AXES) {
        flat.ndim = 1;
        flat.shape[0] = nn_tensor_numel(c);
        flat.strides[0] = 1;
    } else if (nn_norm_axis(ctx, axis, c->ndim, &ax)) {
        goto done;
    }
    if (check_indices(ctx, indices, flat.shape[ax], ax))
        goto done;
    out = take_kernel(ctx, &flat, indices, ax);
done:
    nn_tensor_unref(c);
    return out;
}

NnTensor *nn_one_hot(NnCtx *ctx, const NnTensor *indices, int64_t depth, double on, double off,
                     NnDType dt)
{
    int64_t shape[NN_MAXDIM];
    if (indices->ndim + 1 > NN_MAXDIM || depth < 0) {
        nn_error(ctx, depth < 0 ? NN_EARG : NN_EDIM, depth < 0 ? "depth must be non-negative"
                                                               : "one_hot: too many dimensions");
        return NULL;
    }
    memcpy(shape, indices->shape, sizeof(int64_t) * (size_t)indices->ndim);
    shape[indices->ndim] = depth;
    NnTensor *out = nn_tensor_full(ctx, dt, indices->ndim + 1, shape, off);
    if (!out)
        return NULL;
    int64_t n = nn_tensor_numel(indices);
    char *p = out->buf->data;
    size_t es = nn_dtype_size(dt);
    for (int64_t i = 0; i < n; i++) {
        int64_t j = nn_tensor_get_i64(indices, i);
        if (j >= 0 && j < depth)   /* out of range: a row of `off`, as tf */
            nn_store_f64(p + (size_t)(i * depth + j) * es, dt, on);
    }
    return out;
}

/* ---- flip, tile, repeat ---- */

NnTensor *nn_flip(NnCtx *ctx, const NnTensor *t, int axis)
{
    NnTensor v = *t;
    int ax;
    for (int d = 0; d < t->ndim; d++) {
        if (axis != NN_ALL_AXES) {
            if (nn_norm_axis(ctx, axis, t->ndim, &ax))
                return NULL;
            if (d != ax)
                continue;
        }
        if (v.shape[d] > 0)
            v.offset += (v.shape[d] - 1) * v.strides[d];
        v.strides[d] = -v.strides[d];
    }
    return nn_tensor_copy(ctx, &v);
}

NnTensor *nn_tile(NnCtx *ctx, const NnTensor *t, int n, const int64_t *reps)
{
    int nd = n > t->ndim ? n : t->ndim;
    int64_t r[NN_MAXDIM], s[NN_MAXDIM], shape[NN_MAXDIM], str[NN_MAXDIM];
    if (nd > NN_MAXDIM) {
        nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions", NN_MAXDIM);
        return NULL;
    }
    for (int d = 0; d < nd; d++) {
        int i = d - (nd - n), k = d - (nd - t->ndim);
        r[d] = i >= 0 ? reps[i] : 1;
        s[d] = k >= 0 ? t->shape[k] : 1;
        str[d] = k >= 0 ? t->strides[k] : 0;
        if (r[d] < 0) {
            nn_error(ctx, NN_EARG, "negative dimensions are not allowed");
            return NULL;
        }
        shape[d] = r[d] * s[d];
    }
    NnTensor *out = nn_tensor_empty(ctx, t->dtype, nd, shape);
    if (!out)
        return NULL;
    int64_t total = nn_tensor_numel(out);
    size_t es = nn_dtype_size(t->dtype);
    const char *src = t->buf->data;
    char *dst = out->buf->data;
    for (int64_t f = 0; f < total; f++) {
        int64_t rem = f, off = t->offset;
        for (int d = nd - 1; d >= 0; d--) {
            off += (rem % shape[d]) % s[d] * str[d];
            rem /= shape[d];
        }
        memcpy(dst + (size_t)f * es, src + off * (int64_t)es, es);
    }
    return out;
}

NnTensor *nn_repeat(NnCtx *ctx, const NnTensor *t, int64_t repeats, int axis)
{
    if (repeats < 0) {
        nn_error(ctx, NN_EARG, "negative dimensions are not allowed");
        return NULL;
    }
    NnTensor *c = nn_tensor_contiguous(ctx, (NnTensor *)t), *out = NULL;
    int ax = 0;
    if (!c)
        return NULL;
    NnTensor flat = *c;
    if (axis == NN_ALL_AXES || c->ndim == 0) {
        flat.ndim = 1;
        flat.shape[0] = nn_tensor_numel(c);
        flat.strides[0] = 1;
    } else if (nn_norm_axis(ctx, axis, c->ndim, &ax)) {
        goto done;
    }
    int64_t shape[NN_MAXDIM];
    memcpy(shape, flat.shape, sizeof shape);
    shape[ax] *= repeats;
    if (!(out = nn_tensor_empty(ctx, c->dtype, flat.ndim, shape)))
        goto done;
    int64_t outer = 1, inner = 1, len = flat.shape[ax];
    for (int d = 0; d < ax; d++)
        outer *= flat.shape[d];
    for (int d = ax + 1; d < flat.ndim; d++)
        inner *= flat.shape[d];
    size_t blk = (size_t)inner * nn_dtype_size(c->dtype);
    const char *src = nn_tensor_data(c);
    char *dst = out->buf->data;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < len; i++)
            for (int64_t r = 0; r < repeats; r++, dst += blk)
                memcpy(dst, src + (size_t)(o * len + i) * blk, blk);
done:
    nn_tensor_unref(c);
    return out;
}

/* ---- ranges ---- */

#define ARANGE_FILL(T)                                                   \
    do {                                                                 \
        T *p = out->buf->data;                                           \
        if (n > 0)                                                       \
            p[0] = (T)start;                                             \
        if (n > 1)                                                       \
            p[1] = (T)(start + step);                                    \
        T s0 = n > 0 ? p[0] : 0, delta = n > 1 ? (T)(p[1] - p[0]) : 0;  \
        for (int64_t i = 2; i < n; i++)                                  \
            p[i] = (T)(s0 + (T)i * delta);                               \
    } while (0)

NnTensor *nn_arange(NnCtx *ctx, double start, double stop, double step, NnDType dt)
{
    if (step == 0 || isnan(step) || isnan(start) || isnan(stop)) {
        nn_error(ctx, NN_EARG, step == 0 ? "division by zero" : "arange: cannot compute length");
        return NULL;
    }
    double len = ceil((stop - start) / step);
    if (!(len < 9.2e18)) {
        nn_error(ctx, NN_EARG, "Maximum allowed size exceeded");
        return NULL;
    }
    int64_t n = len > 0 ? (int64_t)len : 0, shape[1] = {n};
    NnTensor *out = nn_tensor_empty(ctx, dt, 1, shape);
    if (!out)
        return NULL;
    switch (dt) {
    case NN_F32: ARANGE_FILL(float); break;
    case NN_F64: ARANGE_FILL(double); break;
    case NN_I32: ARANGE_FILL(int32_t); break;
    case NN_I64: ARANGE_FILL(int64_t); break;
    case NN_U8: ARANGE_FILL(uint8_t); break;
    default:
        for (int64_t i = 0; i < n; i++)
            nn_tensor_set_f64(out, i, start + (double)i * step);
        break;
    }
    return out;
}

NnTensor *nn_linspace(NnCtx *ctx, double start, double stop, int64_t num, bool endpoint, NnDType dt)
{
    if (num < 0) {
        nn_error(ctx, NN_EARG, "Number of samples, %lld, must be non-negative.", (long long)num);
        return NULL;
    }
    int64_t shape[1] = {num};
    NnTensor *out = nn_tensor_empty(ctx, dt, 1, shape);
    if (!out)
        return NULL;
    int64_t div = endpoint ? num - 1 : num;
    double delta = stop - start, step = div > 0 ? delta / (double)div : NAN;
    bool int_dt = !nn_dtype_is_float(dt) && dt != NN_BOOL;
    for (int64_t i = 0; i < num; i++) {
        double y;
        if (div > 0)
            y = step == 0 ? (double)i / (double)div * delta : (double)i * step;
        else
            y = (double)i * delta;
        y += start;
        if (endpoint && num > 1 && i == num - 1)
            y = stop;
        nn_tensor_set_f64(out, i, int_dt ? floor(y) : y);
    }
    return out;
}

NnTensor *nn_eye(NnCtx *ctx, int64_t n, int64_t m, int64_t k, NnDType dt)
{
    if (m < 0)
        m = n;
    int64_t shape[2] = {n, m};
    NnTensor *out = nn_tensor_new(ctx, dt, 2, shape);
    if (!out)
        return NULL;
    size_t es = nn_dtype_size(dt);
    for (int64_t i = 0; i < n; i++) {
        int64_t j = i + k;
        if (j >= 0 && j < m)
            nn_store_f64((char *)out->buf->data + (size_t)(i * m + j) * es, dt, 1.0);
    }
    return out;
}
