/* mod_np_mvn.c - numpy.random.multivariate_normal as numpy 1.24's legacy
 * RandomState computes it, so a seeded session draws the same numbers:
 * standard normals of shape size + (d,), the SVD of cov (LAPACK gesdd,
 * nn_lapack.c), x @ (sqrt(s)[:, None] * vh) + mean.  The positive
 * semi-definiteness check warns as numpy does ("covariance is not
 * symmetric positive-semidefinite.").  Also np.random.ranf, and np.cov /
 * np.corrcoef computed in numpy's order (mean, centre, X @ X.T, times
 * 1/(N - ddof); corrcoef divides by the standard deviations and clips).
 *
 * Owned by the tensor-language part (see mod_np.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mod_np.h"

#define CTX interp_nn(I)

/* sqrt(s)[:, None] * vh, (d, d) */
static NnTensor *scale_rows(NnCtx *ctx, NnTensor *s, NnTensor *vh)
{
    int64_t d = s->shape[0], shape[2] = {d, 1};
    NnTensor *r = nn_unary(ctx, NN_SQRT, s), *c = r ? nn_tensor_reshape(ctx, r, 2, shape) : NULL;
    NnTensor *m = c ? nn_binary(ctx, NN_MUL, c, vh, NN_F64) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(c);
    return m;
}

/* np.allclose(np.dot(v.T * s, v), cov, rtol=tol, atol=tol) */
static bool is_psd(const NnTensor *cov, const NnTensor *s, const NnTensor *vh, double tol)
{
    int64_t d = s->shape[0];
    const double *sv = nn_tensor_data(s), *v = nn_tensor_data(vh), *c = nn_tensor_data(cov);
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < d; j++) {
            double x = 0;
            for (int64_t k = 0; k < d; k++)
                x += v[k * d + i] * sv[k] * v[k * d + j];
            if (!(fabs(x - c[i * d + j]) <= tol + tol * fabs(c[i * d + j])))
                return false;
        }
    return true;
}

static bool mvn_args(Interp *I, const Value *v, NnTensor **mean, NnTensor **cov, int *ndim, int64_t *shape)
{
    NnTensor *m = NULL, *c = NULL;
    *ndim = 0;
    if (np_given(v[2]) && !tensor_shape_arg(I, "multivariate_normal", v[2], ndim, shape))
        return false;
    if (!np_tensor(I, v[0], &m) || !np_tensor(I, v[1], &c))
        goto fail;
    *mean = nn_tensor_cast(CTX, m, NN_F64);
    *cov = nn_tensor_cast(CTX, c, NN_F64);
    nn_tensor_unref(m);
    nn_tensor_unref(c);
    if (!*mean || !*cov)
        return interp_error_from_nn(I);
    if ((*mean)->ndim != 1)
        return interp_error(I, ERR_VALUE, "mean must be 1 dimensional");
    if ((*cov)->ndim != 2 || (*cov)->shape[0] != (*cov)->shape[1])
        return interp_error(I, ERR_VALUE, "cov must be 2 dimensional and square");
    if ((*mean)->shape[0] != (*cov)->shape[0])
        return interp_error(I, ERR_VALUE, "mean and cov must have same length");
    shape[(*ndim)++] = (*mean)->shape[0];
    return true;
fail:
    nn_tensor_unref(m);
    nn_tensor_unref(c);
    return false;
}

static bool npr_multivariate_normal(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *mean = NULL, *cov = NULL, *u = NULL, *s = NULL, *vh = NULL, *x = NULL, *m = NULL, *r = NULL;
    int64_t shape[NN_MAXDIM + 1];
    int ndim;
    double tol = 1e-8;
    (void)self;
    bool ok = args_parse(I, "multivariate_normal", a, "mean, cov, size=, check_valid=, tol=", v) &&
              (!np_given(v[4]) || arg_float(I, "multivariate_normal", "tol", v[4], &tol)) &&
              mvn_args(I, v, &mean, &cov, &ndim, shape);
    if (ok) {   /* numpy draws the normals before factoring cov */
        x = nn_random_normal(CTX, NN_F64, ndim, shape, 0, 1);
        ok = x && nn_linalg_svd(CTX, cov, true, true, &u, &s, &vh) == NN_OK;
        if (!ok)
            np_linalg_fail(I);
    }
    const char *cv = np_given(v[3]) && val_is_obj(v[3], OBJ_STR) ? str_cstr(v[3]) : "warn";
    if (ok && strcmp(cv, "ignore") != 0 && !is_psd(cov, s, vh, tol)) {
        if (strcmp(cv, "raise") == 0)
            ok = interp_error(I, ERR_VALUE, "covariance is not symmetric positive-semidefinite.");
        else
            interp_warn(I, "RuntimeWarning: covariance is not symmetric positive-semidefinite.");
    }
    if (ok) {
        int64_t d = mean->shape[0], flat[2] = {d ? nn_tensor_numel(x) / d : 0, d};
        NnTensor *x2 = nn_tensor_reshape(CTX, x, 2, flat), *sv = x2 ? scale_rows(CTX, s, vh) : NULL;
        m = sv ? nn_matmul(CTX, x2, sv) : NULL;
        NnTensor *sum = m ? nn_binary(CTX, NN_ADD, m, mean, NN_F64) : NULL;
        r = sum ? nn_tensor_reshape(CTX, sum, ndim, shape) : NULL;
        nn_tensor_unref(x2);
        nn_tensor_unref(sv);
        nn_tensor_unref(sum);
        ok = r ? tensor_value_wrap(I, r, TENSOR_NP, out) : interp_error_from_nn(I);
    }
    NnTensor *all[] = {mean, cov, u, s, vh, x, m};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        nn_tensor_unref(all[i]);
    return ok;
}

static bool npr_ranf(Interp *I, Value self, const Args *a, Value *out)
{
    Value np = {0}, fn = {0};
    (void)self;
    bool ok = interp_import(I, "numpy.random", &np) && value_getattr(I, np, "random_sample", &fn) &&
              value_call(I, fn, a, out);
    value_decref(fn);
    value_decref(np);
    return ok;
}

/* ---- np.cov, np.corrcoef ---- */

/* numpy's cov of the rows (rowvar) or columns of m: (n, n), squeezed. */
static NnTensor *cov_of(Interp *I, NnTensor *m, bool rowvar, int64_t ddof)
{
    NnCtx *ctx = CTX;
    NnTensor *x = NULL, *c = NULL;
    int64_t shape2[2] = {1, m->ndim ? m->shape[0] : 1};
    NnTensor *f = nn_tensor_cast(ctx, m, NN_F64);
    if (f && m->ndim < 2) {
        x = nn_tensor_reshape(ctx, f, 2, shape2);
    } else if (f) {
        x = rowvar ? nn_tensor_ref(f) : nn_tensor_transpose(ctx, f, NULL);
    }
    nn_tensor_unref(f);
    if (!x || x->ndim != 2) {
        nn_tensor_unref(x);
        return interp_error(I, ERR_VALUE, "m has more than 2 dimensions"), NULL;
    }
    int ax = 1;
    int64_t n = x->shape[1], col[2] = {x->shape[0], 1};
    NnTensor *avg = nn_reduce_np(ctx, NN_MEAN, x, &ax, 1, false, NN_F64, 0);
    NnTensor *ac = avg ? nn_tensor_reshape(ctx, avg, 2, col) : NULL;
    NnTensor *xc = ac ? nn_binary(ctx, NN_SUB, x, ac, NN_F64) : NULL;
    NnTensor *xt = xc ? nn_tensor_transpose(ctx, xc, NULL) : NULL;
    NnTensor *p = xt ? nn_matmul(ctx, xc, xt) : NULL;
    double fact = (double)(n - ddof);
    if (fact <= 0)
        interp_warn(I, "RuntimeWarning: Degrees of freedom <= 0 for slice");
    NnTensor *k = p ? nn_tensor_scalar(ctx, NN_F64, 1.0 / fact) : NULL;
    c = k ? nn_binary(ctx, NN_MUL, p, k, NN_F64) : NULL;
    NnTensor *all[] = {x, avg, ac, xc, xt, p, k};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        nn_tensor_unref(all[i]);
    if (c && c->shape[0] == 1) {   /* squeeze: one variable gives a 0-d array */
        NnTensor *s = nn_tensor_reshape(ctx, c, 0, NULL);
        nn_tensor_unref(c);
        c = s;
    }
    if (!c && !interp_error_pending(I))
        interp_error_from_nn(I);
    return c;
}

static bool cov_common(Interp *I, Value mv, Value rowv, int64_t ddof, bool corr, Value *out)
{
    NnTensor *m;
    bool rowvar = true;
    if ((np_given(rowv) && !value_truth(I, rowv, &rowvar)) || !np_tensor(I, mv, &m))
        return false;
    NnTensor *c = cov_of(I, m, rowvar, ddof);
    nn_tensor_unref(m);
    if (!c)
        return false;
    double *cd = nn_tensor_data(c);
    if (corr && c->ndim == 0) {
        cd[0] = cd[0] / cd[0];
    } else if (corr) {   /* c / sd[:, None] / sd[None, :], clipped to [-1, 1] */
        int64_t n = c->shape[0];
        double *sd = malloc((size_t)n * sizeof *sd);
        if (!sd) {
            nn_tensor_unref(c);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
        for (int64_t i = 0; i < n; i++)
            sd[i] = sqrt(cd[i * n + i]);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                double v = cd[i * n + j] / sd[i] / sd[j];
                cd[i * n + j] = v < -1 ? -1 : v > 1 ? 1 : v;
            }
        free(sd);
    }
    return np_wrap(I, c, out);
}

static bool np_cov(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    int64_t ddof = 1;
    bool bias = false;
    (void)self;
    if (!args_parse(I, "cov", a, "m, y=, rowvar=, bias=, ddof=", v) ||
        (np_given(v[3]) && !value_truth(I, v[3], &bias)) ||
        (np_given(v[4]) && !arg_int(I, "cov", "ddof", v[4], &ddof)))
        return false;
    if (np_given(v[1]))
        return interp_error(I, ERR_VALUE, "nnsh's cov takes one array m (stack y onto m)");
    if (!np_given(v[4]))
        ddof = bias ? 0 : 1;
    return cov_common(I, v[0], v[2], ddof, false, out);
}

static bool np_corrcoef(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    (void)self;
    if (!args_parse(I, "corrcoef", a, "x, y=, rowvar=", v))
        return false;
    if (np_given(v[1]))
        return interp_error(I, ERR_VALUE, "nnsh's corrcoef takes one array x (stack y onto x)");
    return cov_common(I, v[0], v[2], 1, true, out);
}

const NativeDef np_stats_defs[] = {
    {"cov", np_cov, "cov(m, y=None, rowvar=True, bias=False, ddof=None)",
     "Covariance matrix of the rows of m (the variables; rowvar=False: the columns)."},
    {"corrcoef", np_corrcoef, "corrcoef(x, y=None, rowvar=True)",
     "Pearson correlation coefficients of the rows of x (rowvar=False: the columns)."},
    {NULL, NULL, NULL, NULL}
};

const NativeDef np_random_mvn_defs[] = {
    {"multivariate_normal", npr_multivariate_normal,
     "multivariate_normal(mean, cov, size=None, check_valid='warn', tol=1e-8)",
     "Samples of the normal distribution with the given mean vector and covariance matrix,\n"
     "shape size + (len(mean),); the same numbers as numpy after np.random.seed.\n"
     "  np.random.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 100)"},
    {"ranf", npr_ranf, "ranf(size=None)", "Uniform samples in [0, 1) (random_sample)."},
    {NULL, NULL, NULL, NULL}
};
