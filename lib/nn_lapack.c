/* nn_lapack.c - the factorisations numpy.linalg takes from LAPACK: eig
 * (geev), eigh (syevd), svd (gesdd), lstsq (gelsd) and qr (geqrf +
 * orgqr), batched over leading dimensions, in float64.
 *
 * Owned by the tensor-language part (declared at the end of nn_ops.h).
 * numpy calls these same routines with the same jobs and optimal workspace
 * sizes, so eigenvalue order and the signs of eigen- and singular vectors
 * agree with numpy's.  LAPACKE (Debian: liblapacke-dev) is optional at
 * build time like BLAS: without it (no HAVE_LAPACKE) every function here
 * fails with NN_ETYPE saying so.  Integer and float32 input computes in
 * float64 (numpy uses the single-precision routines for float32; the
 * results are cast back to float32 here).  Failures: NN_EARG with numpy's
 * LinAlgError texts ("Eigenvalues did not converge", "SVD did not converge",
 * "Last 2 dimensions of the array must be square"); complex eigenvalues,
 * which nnsh cannot hold, are NN_ETYPE.
 */
#include "config.h"
#include "nn_internal.h"
#include "nn_ops.h"

#include <string.h>

#ifdef HAVE_LAPACKE
#include <lapacke.h>
#endif

bool nn_lapack_available(void)
{
#ifdef HAVE_LAPACKE
    return true;
#else
    return false;
#endif
}

#ifndef HAVE_LAPACKE
static NnStatus no_lapack(NnCtx *ctx)
{
    return nn_error(ctx, NN_ETYPE, "this nnsh was built without LAPACK (install liblapacke-dev "
                    "and reconfigure): eig, eigh, svd, pinv, lstsq, qr and matrix_rank need it");
}

NnStatus nn_linalg_eig(NnCtx *ctx, const NnTensor *a, bool vectors, NnTensor **w, NnTensor **v)
{
    (void)a, (void)vectors, (void)w, (void)v;
    return no_lapack(ctx);
}

NnStatus nn_linalg_eigh(NnCtx *ctx, const NnTensor *a, char uplo, bool vectors, NnTensor **w, NnTensor **v)
{
    (void)a, (void)uplo, (void)vectors, (void)w, (void)v;
    return no_lapack(ctx);
}

NnStatus nn_linalg_svd(NnCtx *ctx, const NnTensor *a, bool full, bool uv, NnTensor **u, NnTensor **s,
                       NnTensor **vt)
{
    (void)a, (void)full, (void)uv, (void)u, (void)s, (void)vt;
    return no_lapack(ctx);
}

NnStatus nn_linalg_qr(NnCtx *ctx, const NnTensor *a, NnTensor **q, NnTensor **r)
{
    (void)a, (void)q, (void)r;
    return no_lapack(ctx);
}

NnStatus nn_linalg_lstsq(NnCtx *ctx, const NnTensor *a, const NnTensor *b, double rcond, NnTensor **x,
                         NnTensor **resid, int64_t *rank, NnTensor **s)
{
    (void)a, (void)b, (void)rcond, (void)x, (void)resid, (void)rank, (void)s;
    return no_lapack(ctx);
}
#else

/* A matrix operand: a float64 contiguous copy (LAPACK overwrites it),
 * the batch count and the trailing (m, n). */
typedef struct {
    NnTensor *t;
    int64_t nb, m, n;
} Operand;

static NnStatus operand(NnCtx *ctx, const NnTensor *a, bool square, Operand *op)
{
    memset(op, 0, sizeof *op);
    if (a->ndim < 2)
        return nn_error(ctx, NN_EARG, "%d-dimensional array given. Array must be at least "
                        "two-dimensional", a->ndim);
    op->m = a->shape[a->ndim - 2];
    op->n = a->shape[a->ndim - 1];
    if (square && op->m != op->n)
        return nn_error(ctx, NN_EARG, "Last 2 dimensions of the array must be square");
    if (op->m > INT32_MAX / 2 || op->n > INT32_MAX / 2)
        return nn_error(ctx, NN_EDIM, "matrix too large for LAPACK");
    op->nb = op->m * op->n != 0 ? nn_tensor_numel(a) / (op->m * op->n) : 1;
    op->t = nn_tensor_cast(ctx, a, NN_F64);
    return op->t ? NN_OK : ctx->status;
}

/* A new float64 tensor with a's batch dimensions followed by k trailing ones. */
static NnTensor *batch_new(NnCtx *ctx, const NnTensor *a, int k, int64_t d0, int64_t d1)
{
    int64_t shape[NN_MAXDIM];
    int nd = a->ndim - 2;
    memcpy(shape, a->shape, (size_t)nd * sizeof *shape);
    if (k > 0)
        shape[nd++] = d0;
    if (k > 1)
        shape[nd++] = d1;
    return nn_tensor_new(ctx, NN_F64, nd, shape);
}

/* Casts *t (float64) to dt in place of the reference. */
static NnStatus to_dtype(NnCtx *ctx, NnTensor **t, NnDType dt)
{
    if (!*t || dt != NN_F32)
        return NN_OK;
    NnTensor *c = nn_tensor_cast(ctx, *t, dt);
    nn_tensor_unref(*t);
    *t = c;
    return c ? NN_OK : ctx->status;
}

static NnDType result_dtype(const NnTensor *a)
{
    return a->dtype == NN_F32 ? NN_F32 : NN_F64;
}

static void drop(NnTensor **t)
{
    nn_tensor_unref(*t);
    *t = NULL;
}

/* ---- eig: dgeev (jobvl 'N', jobvr 'V' or 'N') ---- */

NnStatus nn_linalg_eig(NnCtx *ctx, const NnTensor *a, bool vectors, NnTensor **w, NnTensor **v)
{
    Operand op;
    *w = NULL;
    if (v)
        *v = NULL;
    if (operand(ctx, a, true, &op) != NN_OK)
        return ctx->status;
    lapack_int n = (lapack_int)op.n, info = 0;
    NnTensor *wr = batch_new(ctx, a, 1, n, 0), *vr = vectors ? batch_new(ctx, a, 2, n, n) : NULL;
    double *wi = nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *wi, "eigenvalues");
    bool ok = wr && wi && (!vectors || vr);
    double *ad = ok ? nn_tensor_data(op.t) : NULL;
    for (int64_t b = 0; ok && n && b < op.nb; b++) {
        double *vrb = vectors ? (double *)nn_tensor_data(vr) + b * n * n : NULL;
        info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', vectors ? 'V' : 'N', n, ad + b * n * n, n,
                             (double *)nn_tensor_data(wr) + b * n, wi, NULL, 1, vrb, vectors ? n : 1);
        if (info != 0)
            ok = !nn_error(ctx, NN_EARG, "Eigenvalues did not converge");
        for (lapack_int i = 0; ok && i < n; i++)
            if (wi[i] != 0)
                ok = !nn_error(ctx, NN_ETYPE, "eig: the eigenvalues are complex, and nnsh has no "
                               "complex dtype");
    }
    nn_free(ctx, wi);
    nn_tensor_unref(op.t);
    if (ok && to_dtype(ctx, &wr, result_dtype(a)) == NN_OK && to_dtype(ctx, &vr, result_dtype(a)) == NN_OK) {
        *w = wr;
        if (v)
            *v = vr;
        return NN_OK;
    }
    nn_tensor_unref(wr);
    nn_tensor_unref(vr);
    return ctx->status;
}

/* ---- eigh: dsyevd (jobz 'V' or 'N', uplo 'L' or 'U') ---- */

NnStatus nn_linalg_eigh(NnCtx *ctx, const NnTensor *a, char uplo, bool vectors, NnTensor **w, NnTensor **v)
{
    Operand op;
    *w = NULL;
    if (v)
        *v = NULL;
    if (operand(ctx, a, true, &op) != NN_OK)
        return ctx->status;
    lapack_int n = (lapack_int)op.n;
    NnTensor *wr = batch_new(ctx, a, 1, n, 0);
    bool ok = wr != NULL;
    double *ad = nn_tensor_data(op.t);
    for (int64_t b = 0; ok && n && b < op.nb; b++)
        if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vectors ? 'V' : 'N', uplo, n, ad + b * n * n, n,
                           (double *)nn_tensor_data(wr) + b * n) != 0)
            ok = !nn_error(ctx, NN_EARG, "Eigenvalues did not converge");
    if (ok && to_dtype(ctx, &wr, result_dtype(a)) == NN_OK) {
        *w = wr;
        if (vectors && v) {
            *v = op.t;   /* syevd leaves the eigenvectors in place of a */
            return to_dtype(ctx, v, result_dtype(a)) == NN_OK ? NN_OK : (drop(w), ctx->status);
        }
        nn_tensor_unref(op.t);
        return NN_OK;
    }
    nn_tensor_unref(wr);
    nn_tensor_unref(op.t);
    return ctx->status;
}

/* ---- svd: dgesdd (jobz 'A', 'S' or 'N') ---- */

NnStatus nn_linalg_svd(NnCtx *ctx, const NnTensor *a, bool full, bool uv, NnTensor **u, NnTensor **s,
                       NnTensor **vt)
{
    Operand op;
    *s = NULL;
    if (u)
        *u = *vt = NULL;
    if (operand(ctx, a, false, &op) != NN_OK)
        return ctx->status;
    lapack_int m = (lapack_int)op.m, n = (lapack_int)op.n, k = m < n ? m : n;
    lapack_int ucols = full ? m : k, vrows = full ? n : k;
    char job = !uv ? 'N' : full ? 'A' : 'S';
    NnTensor *st = batch_new(ctx, a, 1, k, 0);
    NnTensor *ut = uv ? batch_new(ctx, a, 2, m, ucols) : NULL, *vtt = uv ? batch_new(ctx, a, 2, vrows, n) : NULL;
    bool ok = st && (!uv || (ut && vtt));
    double *ad = nn_tensor_data(op.t);
    for (int64_t b = 0; ok && m && n && b < op.nb; b++) {
        double *ub = uv ? (double *)nn_tensor_data(ut) + b * m * ucols : NULL;
        double *vb = uv ? (double *)nn_tensor_data(vtt) + b * vrows * n : NULL;
        if (LAPACKE_dgesdd(LAPACK_ROW_MAJOR, job, m, n, ad + b * m * n, n,
                           (double *)nn_tensor_data(st) + b * k, ub, ucols ? ucols : 1, vb, n) != 0)
            ok = !nn_error(ctx, NN_EARG, "SVD did not converge");
    }
    nn_tensor_unref(op.t);
    NnDType dt = result_dtype(a);
    if (ok && to_dtype(ctx, &st, dt) == NN_OK && to_dtype(ctx, &ut, dt) == NN_OK &&
        to_dtype(ctx, &vtt, dt) == NN_OK) {
        *s = st;
        if (u) {
            *u = ut;
            *vt = vtt;
        }
        return NN_OK;
    }
    nn_tensor_unref(st);
    nn_tensor_unref(ut);
    nn_tensor_unref(vtt);
    return ctx->status;
}

/* ---- qr (numpy's mode='reduced'): dgeqrf, then dorgqr on the first
 * min(m, n) columns; r is the upper triangle of the first min(m, n) rows. ---- */

static NnStatus qr_one(NnCtx *ctx, double *a, lapack_int m, lapack_int n, double *q, double *r, double *tau)
{
    lapack_int k = m < n ? m : n;
    if (LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, m, n, a, n, tau) != 0)
        return nn_error(ctx, NN_EARG, "Incorrect argument found in QR");
    for (lapack_int i = 0; i < k; i++)
        for (lapack_int j = i; j < n; j++)
            r[i * n + j] = a[i * n + j];
    for (lapack_int i = 0; i < m; i++)
        memcpy(q + i * k, a + i * n, (size_t)k * sizeof *q);
    if (k && LAPACKE_dorgqr(LAPACK_ROW_MAJOR, m, k, k, q, k, tau) != 0)
        return nn_error(ctx, NN_EARG, "Incorrect argument found in QR");
    return NN_OK;
}

NnStatus nn_linalg_qr(NnCtx *ctx, const NnTensor *a, NnTensor **q, NnTensor **r)
{
    Operand op;
    *q = *r = NULL;
    if (operand(ctx, a, false, &op) != NN_OK)
        return ctx->status;
    lapack_int m = (lapack_int)op.m, n = (lapack_int)op.n, k = m < n ? m : n;
    NnTensor *qt = batch_new(ctx, a, 2, m, k), *rt = batch_new(ctx, a, 2, k, n);
    double *tau = nn_alloc(ctx, (size_t)(k ? k : 1) * sizeof *tau, "qr");
    bool ok = qt && rt && tau;
    double *ad = nn_tensor_data(op.t);
    for (int64_t b = 0; ok && m && n && b < op.nb; b++)
        ok = qr_one(ctx, ad + b * m * n, m, n, (double *)nn_tensor_data(qt) + b * m * k,
                    (double *)nn_tensor_data(rt) + b * k * n, tau) == NN_OK;
    nn_free(ctx, tau);
    nn_tensor_unref(op.t);
    if (ok && to_dtype(ctx, &qt, result_dtype(a)) == NN_OK && to_dtype(ctx, &rt, result_dtype(a)) == NN_OK) {
        *q = qt;
        *r = rt;
        return NN_OK;
    }
    nn_tensor_unref(qt);
    nn_tensor_unref(rt);
    return ctx->status;
}

/* ---- lstsq: dgelsd on a (m, n) and b (m,) or (m, k) ---- */

/* Squared residual norms of the rows n.. of the solved b (ldb columns
 * k), as numpy reports them: only when rank == n < m. */
static NnTensor *residuals(NnCtx *ctx, const double *bw, int64_t m, int64_t n, int64_t k, bool full_rank)
{
    int64_t len = full_rank && m > n ? k : 0;
    NnTensor *r = nn_tensor_new(ctx, NN_F64, 1, &len);
    double *rd = r ? nn_tensor_data(r) : NULL;
    for (int64_t j = 0; rd && j < len; j++)
        for (int64_t i = n; i < m; i++)
            rd[j] += bw[i * k + j] * bw[i * k + j];
    return r;
}

NnStatus nn_linalg_lstsq(NnCtx *ctx, const NnTensor *a, const NnTensor *b, double rcond, NnTensor **x,
                         NnTensor **resid, int64_t *rank, NnTensor **s)
{
    Operand op;
    *x = *resid = *s = NULL;
    if (a->ndim != 2 || (b->ndim != 1 && b->ndim != 2))
        return nn_error(ctx, NN_EARG, "%d-dimensional array given. Array must be two-dimensional",
                        a->ndim != 2 ? a->ndim : b->ndim);
    if (b->shape[0] != a->shape[0])
        return nn_error(ctx, NN_EARG, "Incompatible dimensions");
    if (operand(ctx, a, false, &op) != NN_OK)
        return ctx->status;
    lapack_int m = (lapack_int)op.m, n = (lapack_int)op.n, k = b->ndim == 2 ? (lapack_int)b->shape[1] : 1;
    lapack_int mx = m > n ? m : n, mn = m < n ? m : n, rk = 0;
    int64_t wshape[2] = {mx, k}, sshape[1] = {mn};
    NnTensor *bt = nn_tensor_cast(ctx, b, NN_F64), *work = bt ? nn_tensor_new(ctx, NN_F64, 2, wshape) : NULL;
    NnTensor *st = work ? nn_tensor_new(ctx, NN_F64, 1, sshape) : NULL;
    bool ok = st != NULL;
    if (ok) {
        memcpy(nn_tensor_data(work), nn_tensor_data(bt), (size_t)m * k * sizeof(double));
        if (m && n && LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, k, nn_tensor_data(op.t), n, nn_tensor_data(work), k,
                                     nn_tensor_data(st), rcond, &rk) != 0)
            ok = !nn_error(ctx, NN_EARG, "SVD did not converge in Linear Least Squares");
    }
    int64_t xshape[2] = {n, k};
    NnTensor *xt = ok ? nn_tensor_new(ctx, NN_F64, b->ndim, xshape) : NULL;
    NnTensor *rt = xt ? residuals(ctx, nn_tensor_data(work), m, n, k, rk == n) : NULL;
    if (rt)
        memcpy(nn_tensor_data(xt), nn_tensor_data(work), (size_t)n * k * sizeof(double));
    nn_tensor_unref(op.t);
    nn_tensor_unref(bt);
    nn_tensor_unref(work);
    NnDType dt = nn_promote(result_dtype(a), result_dtype(b));
    if (rt && to_dtype(ctx, &xt, dt) == NN_OK && to_dtype(ctx, &rt, dt) == NN_OK &&
        to_dtype(ctx, &st, dt) == NN_OK) {
        *x = xt;
        *resid = rt;
        *s = st;
        *rank = rk;
        return NN_OK;
    }
    nn_tensor_unref(xt);
    nn_tensor_unref(rt);
    nn_tensor_unref(st);
    return ctx->status;
}
#endif
