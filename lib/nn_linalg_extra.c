/* nn_linalg_extra.c - square-matrix algebra as numpy.linalg computes it:
 * inverse, determinant and linear solves through an LU factorisation with
 * partial pivoting (LAPACK's getrf/getrs), in float64, over any leading
 * batch dimensions.
 *
 * Owned by the tensor-language part (declared at the end of nn_ops.h).
 * Results are float64, or float32 for float32 input (numpy keeps the
 * single precision); integer input computes as float64.  A singular matrix
 * is NN_EARG "Singular matrix" (numpy's LinAlgError text); det of a
 * singular matrix is 0; det is sign * exp(sum log|u_ii|) as numpy's.
 */
#include "config.h"
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <string.h>

#ifdef HAVE_LAPACKE
#include <lapacke.h>

/* With LAPACK, the factorisation and solves are getrf/getrs, the routines
 * numpy calls (inv and solve through gesv), so results round as numpy's.
 * piv[n] (int64) holds the n lapack_int pivots. */
static int lu_factor(double *a, int64_t n, int64_t *piv)
{
    lapack_int *ip = (lapack_int *)piv;
    if (n == 0)
        return 1;
    if (LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, a, (lapack_int)n, ip) != 0)
        return 0;
    int sign = 1;
    for (int64_t i = 0; i < n; i++)
        if (ip[i] != i + 1)
            sign = -sign;
    return sign;
}

static void lu_solve(const double *lu, int64_t n, const int64_t *piv, double *b, int64_t m)
{
    if (n && m)
        LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)m, lu, (lapack_int)n,
                       (const lapack_int *)piv, b, (lapack_int)m);
}
#else
/* In-place LU of the n x n row-major matrix a with row pivots piv[n];
 * returns the sign of the permutation, or 0 when a pivot is exactly 0. */
static int lu_factor(double *a, int64_t n, int64_t *piv)
{
    int sign = 1;
    for (int64_t k = 0; k < n; k++) {
        int64_t p = k;
        for (int64_t i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[p * n + k]))
                p = i;
        piv[k] = p;
        if (a[p * n + k] == 0.0)
            return 0;
        if (p != k) {
            for (int64_t j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[p * n + j];
                a[p * n + j] = t;
            }
            sign = -sign;
        }
        for (int64_t i = k + 1; i < n; i++) {
            double l = a[i * n + k] /= a[k * n + k];
            for (int64_t j = k + 1; j < n; j++)
                a[i * n + j] -= l * a[k * n + j];
        }
    }
    return sign;
}

/* Solves LU x = P b for the m right-hand sides in b (n x m, row-major). */
static void lu_solve(const double *lu, int64_t n, const int64_t *piv, double *b, int64_t m)
{
    for (int64_t k = 0; k < n; k++)
        if (piv[k] != k)
            for (int64_t j = 0; j < m; j++) {
                double t = b[k * m + j];
                b[k * m + j] = b[piv[k] * m + j];
                b[piv[k] * m + j] = t;
            }
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < i; k++)
            for (int64_t j = 0; j < m; j++)
                b[i * m + j] -= lu[i * n + k] * b[k * m + j];
    for (int64_t i = n - 1; i >= 0; i--) {
        for (int64_t k = i + 1; k < n; k++)
            for (int64_t j = 0; j < m; j++)
                b[i * m + j] -= lu[i * n + k] * b[k * m + j];
        for (int64_t j = 0; j < m; j++)
            b[i * m + j] /= lu[i * n + i];
    }
}
#endif

static NnStatus check_square(NnCtx *ctx, const NnTensor *a)
{
    if (a->ndim < 2)
        return nn_error(ctx, NN_EDIM, "%d-dimensional array given. Array must be at least "
                        "two-dimensional", a->ndim);
    if (a->shape[a->ndim - 1] != a->shape[a->ndim - 2])
        return nn_error(ctx, NN_EDIM, "Last 2 dimensions of the array must be square");
    return NN_OK;
}

static NnDType out_dtype(NnDType dt)
{
    return dt == NN_F32 ? NN_F32 : NN_F64;
}

/* A float64 contiguous copy of t (new reference). */
static NnTensor *as_f64(NnCtx *ctx, const NnTensor *t)
{
    return nn_tensor_cast(ctx, t, NN_F64);
}

/* Casts the float64 result r to dt, consuming r. */
static NnTensor *finish(NnCtx *ctx, NnTensor *r, NnDType dt)
{
    if (!r || dt == NN_F64)
        return r;
    NnTensor *c = nn_tensor_cast(ctx, r, dt);
    nn_tensor_unref(r);
    return c;
}

NnTensor *nn_linalg_inv(NnCtx *ctx, const NnTensor *a)
{
    if (check_square(ctx, a) != NN_OK)
        return NULL;
    int64_t n = a->shape[a->ndim - 1], nn2 = n * n, nb = n ? nn_tensor_numel(a) / nn2 : 0;
    NnTensor *x = as_f64(ctx, a), *r = x ? nn_tensor_new(ctx, NN_F64, a->ndim, a->shape) : NULL;
    int64_t *piv = r ? nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *piv, "pivots") : NULL;
    if (!piv)
        goto fail;
    double *xd = nn_tensor_data(x), *rd = nn_tensor_data(r);
    for (int64_t b = 0; b < nb; b++) {
        if (lu_factor(xd + b * nn2, n, piv) == 0) {
            nn_error(ctx, NN_EARG, "Singular matrix");
            goto fail;
        }
        for (int64_t i = 0; i < n; i++)
            rd[b * nn2 + i * n + i] = 1.0;
        lu_solve(xd + b * nn2, n, piv, rd + b * nn2, n);
    }
    nn_free(ctx, piv);
    nn_tensor_unref(x);
    return finish(ctx, r, out_dtype(a->dtype));
fail:
    nn_free(ctx, piv);
    nn_tensor_unref(x);
    nn_tensor_unref(r);
    return NULL;
}

NnTensor *nn_linalg_det(NnCtx *ctx, const NnTensor *a)
{
    if (check_square(ctx, a) != NN_OK)
        return NULL;
    int64_t n = a->shape[a->ndim - 1], nn2 = n * n;
    NnTensor *x = as_f64(ctx, a), *r = x ? nn_tensor_new(ctx, NN_F64, a->ndim - 2, a->shape) : NULL;
    int64_t *piv = r ? nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *piv, "pivots") : NULL;
    if (!piv) {
        nn_tensor_unref(x);
        nn_tensor_unref(r);
        return NULL;
    }
    double *xd = nn_tensor_data(x), *rd = nn_tensor_data(r);
    for (int64_t b = 0; b < nn_tensor_numel(r); b++) {
        /* numpy: sign * exp(sum(log|u_ii|)), as its slogdet path computes it */
        int sign = lu_factor(xd + b * nn2, n, piv);
        double logdet = 0;
        for (int64_t i = 0; sign && i < n; i++) {
            double u = xd[b * nn2 + i * n + i];
            if (u < 0)
                sign = -sign;
            logdet += log(fabs(u));
        }
        rd[b] = sign ? sign * exp(logdet) : 0.0;
    }
    nn_free(ctx, piv);
    nn_tensor_unref(x);
    return finish(ctx, r, out_dtype(a->dtype));
}

/* b is (..., n) with a (..., n, n) when b has one dimension fewer than a
 * (numpy 1.24's rule), else (..., n, k).  Batch dimensions must match. */
NnTensor *nn_linalg_solve(NnCtx *ctx, const NnTensor *a, const NnTensor *b)
{
    if (check_square(ctx, a) != NN_OK)
        return NULL;
    int64_t n = a->shape[a->ndim - 1], nn2 = n * n, nb = n ? nn_tensor_numel(a) / nn2 : 0;
    bool vec = b->ndim == a->ndim - 1;
    int64_t m = vec ? 1 : (b->ndim ? b->shape[b->ndim - 1] : 0);
    bool fits = b->ndim >= 1 && (vec || b->ndim == a->ndim) &&
                b->shape[vec ? b->ndim - 1 : b->ndim - 2] == n;
    for (int d = 0; fits && d < a->ndim - 2; d++)
        fits = a->shape[d] == b->shape[d];
    if (!fits) {
        char sa[96], sb[96];
        return nn_error(ctx, NN_EDIM, "solve: shapes %s and %s do not fit",
                        nn_shape_str(a->ndim, a->shape, sa, sizeof sa),
                        nn_shape_str(b->ndim, b->shape, sb, sizeof sb)), NULL;
    }
    NnTensor *x = as_f64(ctx, a), *r = x ? as_f64(ctx, b) : NULL;
    int64_t *piv = r ? nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *piv, "pivots") : NULL;
    if (!piv)
        goto fail;
    double *xd = nn_tensor_data(x), *rd = nn_tensor_data(r);
    for (int64_t k = 0; k < nb; k++) {
        if (lu_factor(xd + k * nn2, n, piv) == 0) {
            nn_error(ctx, NN_EARG, "Singular matrix");
            goto fail;
        }
        lu_solve(xd + k * nn2, n, piv, rd + k * n * m, m);
    }
    nn_free(ctx, piv);
    nn_tensor_unref(x);
    return finish(ctx, r, nn_promote(out_dtype(a->dtype), out_dtype(b->dtype)));
fail:
    nn_free(ctx, piv);
    nn_tensor_unref(x);
    nn_tensor_unref(r);
    return NULL;
}
