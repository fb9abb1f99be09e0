/* nn_linalg.c - matrix products with numpy semantics: matmul (1-D operands
 * promoted, batch dimensions broadcast), dot, tensordot and outer.
 *
 * Owned by the tensor runtime.  Float products go through the GEMM backend
 * (nn_gemm.c) with the transposes read off the operands' strides, so a
 * transposed view costs no copy; integer and bool products use a plain
 * int64-accumulating loop.  Each public op is a thin entry over a kernel
 * (the autodiff hook point).
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <stdio.h>
#include <string.h>

/* A matrix operand: element (i, p) at data + i*rs + p*cs (elements). */
typedef struct {
    const char *data;
    int64_t rs, cs;
} Mat;

/* Can (rows x cols) with strides (rs, cs) be passed to GEMM as is? */
static bool gemm_layout(int64_t rs, int64_t cs, int64_t rows, int64_t cols, bool *trans,
                        int64_t *ld)
{
    if (cs == 1 || cols == 1) {
        *trans = false;
        *ld = rows == 1 || rs < cols ? cols : rs;
        return rows == 1 || rs >= cols;
    }
    if (rs == 1 || rows == 1) {
        *trans = true;
        *ld = cols == 1 || cs < rows ? rows : cs;
        return cols == 1 || cs >= rows;
    }
    return false;
}

#define INT_MM(T)                                                                   \
    do {                                                                            \
        T *o = c;                                                                   \
        for (int64_t i = 0; i < m; i++)                                             \
            for (int64_t x = 0; x < n; x++) {                                       \
                uint64_t s = 0;                                                     \
                for (int64_t p = 0; p < k; p++)                                     \
                    s += (uint64_t)(int64_t)((const T *)a->data)[i * a->rs + p * a->cs] * \
                         (uint64_t)(int64_t)((const T *)b->data)[p * b->rs + x * b->cs]; \
                o[i * n + x] = (T)s;                                                \
            }                                                                       \
    } while (0)

/* c (m x n, contiguous) = a (m x k) @ b (k x n).  false when an operand's
 * layout needs a copy first (floats only). */
static bool mm2d(NnCtx *ctx, NnDType dt, int64_t m, int64_t n, int64_t k, const Mat *a,
                 const Mat *b, void *c)
{
    bool ta, tb;
    int64_t lda, ldb;
    switch (dt) {
    case NN_F32:
    case NN_F64:
        if (!gemm_layout(a->rs, a->cs, m, k, &ta, &lda) || !gemm_layout(b->rs, b->cs, k, n, &tb, &ldb))
            return false;
        if (dt == NN_F32)
            nn_gemm_f32(ctx, ta, tb, m, n, k, 1.0f, (const float *)a->data, lda,
                        (const float *)b->data, ldb, 0.0f, c, n);
        else
            nn_gemm_f64(ctx, ta, tb, m, n, k, 1.0, (const double *)a->data, lda,
                        (const double *)b->data, ldb, 0.0, c, n);
        return true;
    case NN_I32: INT_MM(int32_t); return true;
    case NN_I64: INT_MM(int64_t); return true;
    case NN_U8: INT_MM(uint8_t); return true;
    case NN_BOOL: {
        bool *o = c;
        for (int64_t i = 0; i < m; i++)
            for (int64_t x = 0; x < n; x++) {
                bool s = false;
                for (int64_t p = 0; p < k && !s; p++)
                    s = ((const bool *)a->data)[i * a->rs + p * a->cs] &&
                        ((const bool *)b->data)[p * b->rs + x * b->cs];
                o[i * n + x] = s;
            }
        return true;
    }
    default:
        return true;
    }
}

static NnStatus matmul_shape_error(NnCtx *ctx, int64_t ka, int64_t kb)
{
    return nn_error(ctx, NN_EDIM, "matmul: Input operand 1 has a mismatch in its core dimension 0, "
                    "with gufunc signature (n?,k),(k,m?)->(n?,m?) (size %lld is different from %lld)",
                    (long long)kb, (long long)ka);
}

typedef struct {
    int nb;                       /* batch dims */
    int64_t bshape[NN_MAXDIM];
    int64_t m, n, k;
    bool a1, b1;                  /* 1-D operands */
} MmPlan;

static NnStatus matmul_plan(NnCtx *ctx, const NnTensor *a, const NnTensor *b, MmPlan *p)
{
    if (a->ndim == 0 || b->ndim == 0)
        return nn_error(ctx, NN_EDIM, "matmul: Input operand %d does not have enough dimensions "
                        "(has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)",
                        a->ndim == 0 ? 0 : 1);
    if (a->dtype != b->dtype)
        return nn_error(ctx, NN_ETYPE, "matmul: operands must have the same dtype (%s and %s)",
                        nn_dtype_name(a->dtype), nn_dtype_name(b->dtype));
    p->a1 = a->ndim == 1;
    p->b1 = b->ndim == 1;
    p->m = p->a1 ? 1 : a->shape[a->ndim - 2];
    p->k = a->shape[a->ndim - 1];
    int64_t kb = p->b1 ? b->shape[0] : b->shape[b->ndim - 2];
    p->n = p->b1 ? 1 : b->shape[b->ndim - 1];
    if (kb != p->k)
        return matmul_shape_error(ctx, p->k, kb);
    int na = p->a1 ? 0 : a->ndim - 2, nbb = p->b1 ? 0 : b->ndim - 2;
    if (nn_broadcast_shape(ctx, na, a->shape, nbb, b->shape, &p->nb, p->bshape)) {
        size_t len = strlen(ctx->msg);
        snprintf(ctx->msg + len, sizeof ctx->msg - len, " in matmul");
        return NN_EDIM;
    }
    return NN_OK;
}

/* Matrix view of operand t for batch offset off (its last two dims). */
static Mat mat_of(const NnTensor *t, bool vec, bool is_b, int64_t off)
{
    size_t es = nn_dtype_size(t->dtype);
    Mat mt = {(const char *)t->buf->data + (t->offset + off) * (int64_t)es, 0, 0};
    if (vec) {
        if (is_b)
            mt.rs = t->strides[0];   /* (k, 1) */
        else
            mt.cs = t->strides[0];   /* (1, k) */
    } else {
        mt.rs = t->strides[t->ndim - 2];
        mt.cs = t->strides[t->ndim - 1];
    }
    if (vec && !is_b)
        mt.rs = 0;
    if (vec && is_b)
        mt.cs = 0;
    return mt;
}

static int64_t batch_offset(const NnTensor *t, int tnb, const MmPlan *p, int64_t bi)
{
    int64_t off = 0;
    for (int d = p->nb - 1; d >= 0; d--) {
        int64_t idx = bi % p->bshape[d];
        bi /= p->bshape[d];
        int td = d - (p->nb - tnb);
        if (td >= 0 && t->shape[td] != 1)
            off += idx * t->strides[td];
    }
    return off;
}

static NnTensor *matmul_kernel(NnCtx *ctx, const NnTensor *a, const NnTensor *b, const MmPlan *p)
{
    int64_t shape[NN_MAXDIM + 2];
    int nd = p->nb;
    memcpy(shape, p->bshape, sizeof(int64_t) * (size_t)p->nb);
    if (!p->a1)
        shape[nd++] = p->m;
    if (!p->b1)
        shape[nd++] = p->n;
    NnTensor *out = nn_tensor_new(ctx, a->dtype, nd, shape);
    if (!out)
        return NULL;
    int64_t nbatch = 1;
    for (int d = 0; d < p->nb; d++)
        nbatch *= p->bshape[d];
    size_t es = nn_dtype_size(a->dtype);
    if (nbatch > 1 && !p->b1 && b->ndim == 2 && a->ndim == p->nb + 2 && nn_tensor_is_contiguous(a)) {
        /* (..., M, K) @ (K, N): one product of (batch*M, K) @ (K, N) */
        Mat ma = {nn_tensor_data(a), p->k, 1}, mb = mat_of(b, false, true, 0);
        if (mm2d(ctx, a->dtype, nbatch * p->m, p->n, p->k, &ma, &mb, out->buf->data))
            return out;
    }
    int ta = p->a1 ? 0 : a->ndim - 2, tb = p->b1 ? 0 : b->ndim - 2;
    for (int64_t bi = 0; bi < nbatch; bi++) {
        Mat ma = mat_of(a, p->a1, false, batch_offset(a, ta, p, bi));
        Mat mb = mat_of(b, p->b1, true, batch_offset(b, tb, p, bi));
        char *c = (char *)out->buf->data + bi * p->m * p->n * (int64_t)es;
        if (!mm2d(ctx, a->dtype, p->m, p->n, p->k, &ma, &mb, c)) {
            nn_tensor_unref(out);   /* caller retries with contiguous operands */
            return NULL;
        }
    }
    return out;
}

NnTensor *nn_matmul(NnCtx *ctx, const NnTensor *a, const NnTensor *b)
{
    MmPlan p;
    if (matmul_plan(ctx, a, b, &p))
        return NULL;
    NnStatus st = ctx->status;
    NnTensor *out = matmul_kernel(ctx, a, b, &p);
    if (out && nn_interrupted(ctx)) {   /* the GEMM stopped part way (nn_gemm.c) */
        nn_tensor_unref(out);
        return NULL;
    }
    if (out || ctx->status != st)
        return out;
    NnTensor *ca = nn_tensor_copy(ctx, a), *cb = ca ? nn_tensor_copy(ctx, b) : NULL;
    if (cb)
        out = matmul_kernel(ctx, ca, cb, &p);
    nn_tensor_unref(cb);
    nn_tensor_unref(ca);
    return out;
}

/* ---- tensordot, dot, outer ---- */

static NnStatus td_axes(NnCtx *ctx, const NnTensor *a, const NnTensor *b, int naxes,
                        const int *axes_a, const int *axes_b, int *ra, int *rb)
{
    bool used_a[NN_MAXDIM] = {false}, used_b[NN_MAXDIM] = {false};
    if (naxes < 0 || naxes > a->ndim || naxes > b->ndim)
        return nn_error(ctx, NN_EDIM, "tensordot: too many axes to sum over (%d)", naxes);
    for (int i = 0; i < naxes; i++) {
        if (nn_norm_axis(ctx, axes_a[i], a->ndim, &ra[i]) || nn_norm_axis(ctx, axes_b[i], b->ndim, &rb[i]))
            return NN_EARG;
        if (used_a[ra[i]] || used_b[rb[i]])
            return nn_error(ctx, NN_EARG, "tensordot: repeated axis");
        used_a[ra[i]] = used_b[rb[i]] = true;
        if (a->shape[ra[i]] != b->shape[rb[i]])
            return nn_error(ctx, NN_EDIM, "shape-mismatch for sum");
    }
    return NN_OK;
}

/* t transposed so `sum` axes come last (front=false) or first (front=true),
 * copied contiguous. */
static NnTensor *td_arrange(NnCtx *ctx, const NnTensor *t, int naxes, const int *sum, bool front,
                            int64_t *free_n, int64_t *sum_n)
{
    int perm[NN_MAXDIM], k = 0;
    bool is_sum[NN_MAXDIM] = {false};
    *free_n = *sum_n = 1;
    for (int i = 0; i < naxes; i++) {
        is_sum[sum[i]] = true;
        *sum_n *= t->shape[sum[i]];
    }
    if (front)
        for (int i = 0; i < naxes; i++)
            perm[k++] = sum[i];
    for (int d = 0; d < t->ndim; d++)
        if (!is_sum[d]) {
            perm[k++] = d;
            *free_n *= t->shape[d];
        }
    if (!front)
        for (int i = 0; i < naxes; i++)
            perm[k++] = sum[i];
    NnTensor *v = nn_tensor_transpose(ctx, (NnTensor *)t, perm);
    NnTensor *c = v ? nn_tensor_contiguous(ctx, v) : NULL;
    nn_tensor_unref(v);
    return c;
}

static NnTensor *tensordot_kernel(NnCtx *ctx, const NnTensor *a, const NnTensor *b, int naxes,
                                  const int *ra, const int *rb)
{
    int64_t ma, ka, nb, kb, shape[2 * NN_MAXDIM];
    int nd = 0;
    NnTensor *ca = td_arrange(ctx, a, naxes, ra, false, &ma, &ka);
    NnTensor *cb = ca ? td_arrange(ctx, b, naxes, rb, true, &nb, &kb) : NULL;
    NnTensor *out = NULL;
    if (!cb)
        goto done;
    for (int i = 0; i < a->ndim - naxes; i++)
        shape[nd++] = ca->shape[i];
    for (int i = naxes; i < b->ndim; i++)
        shape[nd++] = cb->shape[i];
    if (nd > NN_MAXDIM) {
        nn_error(ctx, NN_EDIM, "tensordot: the result would have %d dimensions", nd);
        goto done;
    }
    out = nn_tensor_new(ctx, a->dtype, nd, shape);
    if (!out)
        goto done;
    Mat am = {nn_tensor_data(ca), ka, 1}, bm = {nn_tensor_data(cb), nb, 1};
    mm2d(ctx, a->dtype, ma, nb, ka, &am, &bm, out->buf->data);
    if (nn_interrupted(ctx)) {   /* the GEMM stopped part way */
        nn_tensor_unref(out);
        out = NULL;
    }
done:
    nn_tensor_unref(cb);
    nn_tensor_unref(ca);
    return out;
}

NnTensor *nn_tensordot(NnCtx *ctx, const NnTensor *a, const NnTensor *b, int naxes,
                       const int *axes_a, const int *axes_b)
{
    int ra[NN_MAXDIM], rb[NN_MAXDIM];
    if (td_axes(ctx, a, b, naxes, axes_a, axes_b, ra, rb))
        return NULL;
    NnDType dt = nn_promote(a->dtype, b->dtype);
    NnTensor *ca = nn_as_dtype(ctx, a, dt), *cb = ca ? nn_as_dtype(ctx, b, dt) : NULL;
    NnTensor *out = cb ? tensordot_kernel(ctx, ca, cb, naxes, ra, rb) : NULL;
    nn_tensor_unref(cb);
    nn_tensor_unref(ca);
    return out;
}

/* numpy prints shapes in dot's message without spaces: (2,3) */
static void np_shape(const NnTensor *t, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "(");
    for (int i = 0; i < t->ndim && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "", (long long)t->shape[i]);
    if (len < size)
        snprintf(buf + len, size - len, t->ndim == 1 ? ",)" : ")");
}

NnTensor *nn_dot(NnCtx *ctx, const NnTensor *a, const NnTensor *b)
{
    if (a->ndim == 0 || b->ndim == 0)
        return nn_binary(ctx, NN_MUL, a, b, nn_promote(a->dtype, b->dtype));
    int axa = a->ndim - 1, axb = b->ndim >= 2 ? b->ndim - 2 : 0;
    if (a->shape[axa] != b->shape[axb]) {
        char s1[160], s2[160];
        np_shape(a, s1, sizeof s1);
        np_shape(b, s2, sizeof s2);
        nn_error(ctx, NN_EDIM, "shapes %s and %s not aligned: %lld (dim %d) != %lld (dim %d)", s1, s2,
                 (long long)a->shape[axa], axa, (long long)b->shape[axb], axb);
        return NULL;
    }
    return nn_tensordot(ctx, a, b, 1, &axa, &axb);
}

NnTensor *nn_outer(NnCtx *ctx, const NnTensor *a, const NnTensor *b)
{
    int64_t sa[2] = {nn_tensor_numel(a), 1}, sb[2] = {1, nn_tensor_numel(b)};
    NnTensor *va = nn_tensor_reshape(ctx, (NnTensor *)a, 2, sa);
    NnTensor *vb = va ? nn_tensor_reshape(ctx, (NnTensor *)b, 2, sb) : NULL;
    NnTensor *out = vb ? nn_binary(ctx, NN_MUL, va, vb, nn_promote(a->dtype, b->dtype)) : NULL;
    nn_tensor_unref(vb);
    nn_tensor_unref(va);
    return out;
}
