/* mod_np_linalg2.c - numpy.linalg's LAPACK-based functions: eig, eigvals,
 * eigh, eigvalsh, svd, pinv, lstsq, matrix_rank and qr, computed as numpy
 * 1.24's linalg.py composes them (pinv's cutoff, matrix_rank's tolerance,
 * lstsq's rcond default and FutureWarning).
 *
 * Owned by the tensor-language part (see mod_np.h).  The factorisations
 * are lib's (nn_lapack.c); errors numpy raises as LinAlgError go through
 * np_linalg_fail.  Results are tuples, as numpy 1.24 returns them.
 */
#include <string.h>
#include <math.h>
#include <float.h>
#include "mod_np.h"
#include "object.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

/* The argument as a numpy tensor; false with the error raised. */
static bool matrix_arg(Interp *I, Value v, NnTensor **t)
{
    return np_tensor(I, v, t);
}

static bool pair(Interp *I, NnStatus st, NnTensor *a, NnTensor *b, Value *out)
{
    if (st != NN_OK)
        return np_linalg_fail(I);
    NnTensor *ts[2] = {a, b};
    return np_tensor_list(I, ts, 2, true, out);
}

static bool npl_eig(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t, *w, *vec;
    UNUSED_SELF;
    if (!args_parse(I, "eig", a, "a", v) || !matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_eig(CTX, t, true, &w, &vec);
    nn_tensor_unref(t);
    return pair(I, st, w, vec, out);
}

static bool npl_eigvals(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t, *w;
    UNUSED_SELF;
    if (!args_parse(I, "eigvals", a, "a", v) || !matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_eig(CTX, t, false, &w, NULL);
    nn_tensor_unref(t);
    return st == NN_OK ? tensor_value_wrap(I, w, TENSOR_NP, out) : np_linalg_fail(I);
}

/* UPLO: 'L' or 'U' (numpy: ValueError "UPLO argument must be 'L' or 'U'"). */
static bool uplo_arg(Interp *I, Value v, char *uplo)
{
    const char *s = "L";
    if (np_given(v) && !arg_str(I, "eigh", "UPLO", v, &s))
        return false;
    if (strcmp(s, "L") != 0 && strcmp(s, "U") != 0)
        return interp_error(I, ERR_VALUE, "UPLO argument must be 'L' or 'U'");
    *uplo = s[0];
    return true;
}

static bool eigh_common(Interp *I, const Args *a, const char *name, bool vectors, Value *out)
{
    Value v[2];
    NnTensor *t, *w, *vec = NULL;
    char uplo = 'L';
    if (!args_parse(I, name, a, "a, UPLO=", v) || !uplo_arg(I, v[1], &uplo) || !matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_eigh(CTX, t, uplo, vectors, &w, vectors ? &vec : NULL);
    nn_tensor_unref(t);
    if (vectors)
        return pair(I, st, w, vec, out);
    return st == NN_OK ? tensor_value_wrap(I, w, TENSOR_NP, out) : np_linalg_fail(I);
}

static bool npl_eigh(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return eigh_common(I, a, "eigh", true, out);
}

static bool npl_eigvalsh(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return eigh_common(I, a, "eigvalsh", false, out);
}

static bool npl_svd(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t, *u = NULL, *s = NULL, *vt = NULL;
    bool full = true, uv = true, herm = false;
    UNUSED_SELF;
    if (!args_parse(I, "svd", a, "a, full_matrices=, compute_uv=, hermitian=", v) ||
        (np_given(v[1]) && !value_truth(I, v[1], &full)) || (np_given(v[2]) && !value_truth(I, v[2], &uv)) ||
        (np_given(v[3]) && !value_truth(I, v[3], &herm)) || !matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_svd(CTX, t, full, uv, uv ? &u : NULL, &s, &vt);
    nn_tensor_unref(t);
    if (st != NN_OK)
        return np_linalg_fail(I);
    if (!uv)
        return tensor_value_wrap(I, s, TENSOR_NP, out);
    NnTensor *ts[3] = {u, s, vt};
    return np_tensor_list(I, ts, 3, true, out);
}

NnTensor *np_linalg_svdvals(Interp *I, NnTensor *x)
{
    NnTensor *s = NULL;
    if (nn_linalg_svd(CTX, x, false, false, NULL, &s, NULL) != NN_OK)
        return np_linalg_fail(I), NULL;
    return s;
}

/* ---- pinv: numpy 1.24's linalg.pinv for stacks of matrices ---- */

/* Element i of the contiguous float tensor s. */
static double sv_get(const NnTensor *s, int64_t i)
{
    return s->dtype == NN_F32 ? ((const float *)nn_tensor_data(s))[i] : ((const double *)nn_tensor_data(s))[i];
}

static void sv_set(NnTensor *s, int64_t i, double x)
{
    if (s->dtype == NN_F32)
        ((float *)nn_tensor_data(s))[i] = (float)x;
    else
        ((double *)nn_tensor_data(s))[i] = x;
}

/* s -> 1/s where s > rcond * max(s) (per matrix), else 0; in place. */
static void pinv_invert(NnTensor *s, double rcond)
{
    int64_t k = s->ndim ? s->shape[s->ndim - 1] : 1, nb = k ? nn_tensor_numel(s) / k : 0;
    for (int64_t b = 0; b < nb; b++) {
        double mx = -INFINITY;
        for (int64_t i = 0; i < k; i++)
            mx = fmax(mx, sv_get(s, b * k + i));
        double cut = s->dtype == NN_F32 ? (double)(float)((float)rcond * (float)mx) : rcond * mx;
        for (int64_t i = 0; i < k; i++) {
            double x = sv_get(s, b * k + i);
            sv_set(s, b * k + i, x > cut ? 1.0 / x : 0.0);
        }
    }
}

/* Swaps the last two axes (a view). */
static NnTensor *swap_last(NnCtx *ctx, NnTensor *t)
{
    int perm[NN_MAXDIM];
    for (int i = 0; i < t->ndim; i++)
        perm[i] = i;
    perm[t->ndim - 1] = t->ndim - 2;
    perm[t->ndim - 2] = t->ndim - 1;
    return nn_tensor_transpose(ctx, t, perm);
}

/* matmul(transpose(vt), multiply(s[..., newaxis], transpose(u))) */
static NnTensor *pinv_compose(NnCtx *ctx, NnTensor *u, NnTensor *s, NnTensor *vt)
{
    int64_t shape[NN_MAXDIM];
    memcpy(shape, s->shape, (size_t)s->ndim * sizeof *shape);
    shape[s->ndim] = 1;
    NnTensor *ut = swap_last(ctx, u), *vtt = swap_last(ctx, vt);
    NnTensor *sc = nn_tensor_reshape(ctx, s, s->ndim + 1, shape);
    NnTensor *m = ut && sc ? nn_binary(ctx, NN_MUL, sc, ut, u->dtype) : NULL;
    NnTensor *r = m && vtt ? nn_matmul(ctx, vtt, m) : NULL;
    nn_tensor_unref(ut);
    nn_tensor_unref(vtt);
    nn_tensor_unref(sc);
    nn_tensor_unref(m);
    return r;
}

static bool npl_pinv(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t, *u = NULL, *s = NULL, *vt = NULL;
    double rcond = 1e-15;
    UNUSED_SELF;
    if (!args_parse(I, "pinv", a, "a, rcond=, hermitian=", v) ||
        (np_given(v[1]) && !arg_float(I, "pinv", "rcond", v[1], &rcond)) || !matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_svd(CTX, t, false, true, &u, &s, &vt);
    nn_tensor_unref(t);
    if (st != NN_OK)
        return np_linalg_fail(I);
    pinv_invert(s, rcond);
    NnTensor *r = pinv_compose(CTX, u, s, vt);
    nn_tensor_unref(u);
    nn_tensor_unref(s);
    nn_tensor_unref(vt);
    return r ? tensor_value_wrap(I, r, TENSOR_NP, out) : interp_error_from_nn(I);
}

/* ---- lstsq ---- */

/* rcond: absent or 'warn' -> numpy 1.24's FutureWarning and -1 (machine
 * precision); None -> eps * max(M, N); else the number. */
static bool rcond_arg(Interp *I, Value v, const NnTensor *a, double *rcond)
{
    int64_t m = a->ndim == 2 ? a->shape[0] : 0, n = a->ndim == 2 ? a->shape[1] : 0;
    if (v.kind == VAL_UNSET || (val_is_obj(v, OBJ_STR) && strcmp(str_cstr(v), "warn") == 0)) {
        interp_warn(I, "FutureWarning: `rcond` parameter will change to the default of machine precision "
                    "times ``max(M, N)`` where M and N are the input matrix dimensions.\nTo use the future "
                    "default and silence this warning we advise to pass `rcond=None`, to keep using the old, "
                    "explicitly pass `rcond=-1`.");
        *rcond = -1;
        return true;
    }
    if (!np_given(v)) {
        *rcond = DBL_EPSILON * (double)(m > n ? m : n);
        return true;
    }
    return arg_float(I, "lstsq", "rcond", v, rcond);
}

static bool npl_lstsq(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], rk = {0}, tup = {0};
    NnTensor *ta, *tb = NULL, *x, *res, *s;
    double rcond;
    int64_t rank = 0;
    UNUSED_SELF;
    if (!args_parse(I, "lstsq", a, "a, b, rcond=", v) || !matrix_arg(I, v[0], &ta))
        return false;
    bool ok = matrix_arg(I, v[1], &tb) && rcond_arg(I, v[2], ta, &rcond);
    NnStatus st = ok ? nn_linalg_lstsq(CTX, ta, tb, rcond, &x, &res, &rank, &s) : NN_OK;
    nn_tensor_unref(ta);
    nn_tensor_unref(tb);
    if (!ok)
        return false;
    if (st != NN_OK)
        return np_linalg_fail(I);
    NnTensor *ts[4] = {x, res, NULL, s};
    Value xs[4] = {{0}};
    ok = np_tensor_list(I, ts, 2, true, &tup) && tensor_value_new(I, s, TENSOR_NP, &xs[3]);
    if (!ok)
        nn_tensor_unref(s);
    ok = ok && np_wrap(I, nn_tensor_scalar(CTX, NN_I32, (double)rank), &rk);
    if (ok) {
        xs[0] = as_list(tup)->items[0];
        xs[1] = as_list(tup)->items[1];
        xs[2] = rk;
        ok = tuple_pack(I, out, 4, xs[0], xs[1], xs[2], xs[3]);
    }
    value_decref(tup);
    value_decref(rk);
    value_decref(xs[3]);
    return ok;
}

/* ---- matrix_rank ---- */

static bool npl_matrix_rank(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    double tol = -1;
    UNUSED_SELF;
    if (!args_parse(I, "matrix_rank", a, "A, tol=, hermitian=", v) ||
        (np_given(v[1]) && !arg_float(I, "matrix_rank", "tol", v[1], &tol)) || !matrix_arg(I, v[0], &t))
        return false;
    if (t->ndim < 2) {   /* int(not all(M == 0)) */
        bool nz = false;
        for (int64_t i = 0; i < nn_tensor_numel(t) && !nz; i++)
            nz = nn_tensor_get_f64(t, i) != 0;
        nn_tensor_unref(t);
        *out = val_int(nz);
        return true;
    }
    int64_t mx = t->shape[t->ndim - 1] > t->shape[t->ndim - 2] ? t->shape[t->ndim - 1] : t->shape[t->ndim - 2];
    NnTensor *s = np_linalg_svdvals(I, t);
    nn_tensor_unref(t);
    if (!s)
        return false;
    double eps = s->dtype == NN_F32 ? FLT_EPSILON : DBL_EPSILON;
    int64_t k = s->shape[s->ndim - 1], nb = k ? nn_tensor_numel(s) / k : 1;
    NnTensor *r = nn_tensor_new(CTX, NN_I64, s->ndim - 1, s->shape);
    for (int64_t b = 0; r && b < nb; b++) {
        double smax = 0, lim;
        int64_t cnt = 0;
        for (int64_t i = 0; i < k; i++)
            smax = fmax(smax, sv_get(s, b * k + i));
        lim = tol >= 0 ? tol : smax * (double)mx * eps;
        for (int64_t i = 0; i < k; i++)
            cnt += sv_get(s, b * k + i) > lim;
        ((int64_t *)nn_tensor_data(r))[b] = cnt;
    }
    nn_tensor_unref(s);
    return np_wrap(I, r, out);
}

static bool npl_qr(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t, *q, *r;
    const char *mode = "reduced";
    UNUSED_SELF;
    if (!args_parse(I, "qr", a, "a, mode=", v) || (np_given(v[1]) && !arg_str(I, "qr", "mode", v[1], &mode)))
        return false;
    if (strcmp(mode, "reduced") != 0)
        return interp_error(I, ERR_VALUE, "nnsh's qr supports mode='reduced' only, not '%s'", mode);
    if (!matrix_arg(I, v[0], &t))
        return false;
    NnStatus st = nn_linalg_qr(CTX, t, &q, &r);
    nn_tensor_unref(t);
    return pair(I, st, q, r, out);
}

/* ---- np.cross over the last axis (2- or 3-vectors, broadcast) ---- */

/* Component i of the last axis of t as a view without that axis; a
 * missing third component of a 2-vector is 0 (numpy's rule). */
static NnTensor *component(NnCtx *ctx, NnTensor *t, int i)
{
    int last = t->ndim - 1;
    if (i >= t->shape[last])
        return nn_tensor_scalar(ctx, t->dtype, 0);
    NnTensor *sl = nn_tensor_slice(ctx, t, last, i, i + 1, 1);
    NnTensor *c = sl ? nn_tensor_squeeze(ctx, sl, last) : NULL;
    nn_tensor_unref(sl);
    return c;
}

/* x[i] * y[j] - x[j] * y[i] in dtype dt. */
static NnTensor *cross_term(NnCtx *ctx, NnTensor **x, NnTensor **y, int i, int j, NnDType dt)
{
    NnTensor *p = nn_binary(ctx, NN_MUL, x[i], y[j], dt), *q = p ? nn_binary(ctx, NN_MUL, x[j], y[i], dt) : NULL;
    NnTensor *r = q ? nn_binary(ctx, NN_SUB, p, q, dt) : NULL;
    nn_tensor_unref(p);
    nn_tensor_unref(q);
    return r;
}

static NnTensor *cross_of(NnCtx *ctx, NnTensor *a, NnTensor *b)
{
    NnTensor *x[3] = {NULL}, *y[3] = {NULL}, *c[3] = {NULL}, *r = NULL;
    NnDType dt = nn_promote(a->dtype, b->dtype);
    bool two = a->shape[a->ndim - 1] == 2 && b->shape[b->ndim - 1] == 2, ok = true;
    for (int i = 0; i < 3; i++)
        ok = ok && (x[i] = component(ctx, a, i)) && (y[i] = component(ctx, b, i));
    if (ok && two) {
        r = cross_term(ctx, x, y, 0, 1, dt);
    } else if (ok && (c[0] = cross_term(ctx, x, y, 1, 2, dt)) && (c[1] = cross_term(ctx, x, y, 2, 0, dt)) &&
               (c[2] = cross_term(ctx, x, y, 0, 1, dt))) {
        NnTensor *e[3];
        for (int i = 0; i < 3; i++)
            e[i] = nn_tensor_expand_dims(ctx, c[i], c[i]->ndim);
        r = e[0] && e[1] && e[2] ? nn_concat(ctx, e, 3, c[0]->ndim, dt) : NULL;
        for (int i = 0; i < 3; i++)
            nn_tensor_unref(e[i]);
    }
    for (int i = 0; i < 3; i++) {
        nn_tensor_unref(x[i]);
        nn_tensor_unref(y[i]);
        nn_tensor_unref(c[i]);
    }
    return r;
}

static bool np_cross(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *x, *y = NULL;
    UNUSED_SELF;
    if (!args_parse(I, "cross", a, "a, b", v) || !np_tensor(I, v[0], &x))
        return false;
    bool ok = np_tensor(I, v[1], &y);
    int64_t na = ok && x->ndim ? x->shape[x->ndim - 1] : 0, nb = ok && y->ndim ? y->shape[y->ndim - 1] : 0;
    if (ok && (na < 2 || na > 3 || nb < 2 || nb > 3))
        ok = interp_error(I, ERR_VALUE, "incompatible dimensions for cross product\n"
                          "(dimension must be 2 or 3)");
    NnTensor *r = ok ? cross_of(CTX, x, y) : NULL;
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    if (!ok)
        return false;
    return r ? np_wrap(I, r, out) : interp_error_from_nn(I);
}

const NativeDef np_linalg_top_defs[] = {
    {"cross", np_cross, "cross(a, b)",
     "Cross product of 3-vectors (or the z component for 2-vectors) over the last axis, broadcast:\n"
     "  np.cross([1, 0, 0], [0, 1, 0]) is array([0, 0, 1])."},
    {NULL, NULL, NULL, NULL}
};

const NativeDef np_linalg_lapack_defs[] = {
    {"eig", npl_eig, "eig(a)",
     "Eigenvalues and right eigenvectors of a square matrix (LAPACK geev), as a tuple (w, v):\n"
     "  a @ v[:, i] == w[i] * v[:, i].  Complex eigenvalues are not supported."},
    {"eigvals", npl_eigvals, "eigvals(a)", "Eigenvalues of a square matrix (LAPACK geev)."},
    {"eigh", npl_eigh, "eigh(a, UPLO='L')",
     "Eigenvalues (ascending) and eigenvectors of a symmetric matrix (LAPACK syevd), as (w, v)."},
    {"eigvalsh", npl_eigvalsh, "eigvalsh(a, UPLO='L')", "Eigenvalues (ascending) of a symmetric matrix."},
    {"svd", npl_svd, "svd(a, full_matrices=True, compute_uv=True, hermitian=False)",
     "Singular value decomposition (LAPACK gesdd): u, s, vh with a == u @ np.diag(s) @ vh\n"
     "  (full_matrices=False: the reduced shapes); compute_uv=False returns s only."},
    {"pinv", npl_pinv, "pinv(a, rcond=1e-15, hermitian=False)",
     "Moore-Penrose pseudo-inverse through the SVD; singular values below rcond * max(s) are dropped."},
    {"lstsq", npl_lstsq, "lstsq(a, b, rcond='warn')",
     "Least-squares solution of a @ x = b (LAPACK gelsd): (x, residuals, rank, s).\n"
     "  Pass rcond=None for numpy's current default."},
    {"matrix_rank", npl_matrix_rank, "matrix_rank(A, tol=None, hermitian=False)",
     "Rank of a matrix: the singular values above tol (default S.max() * max(M, N) * eps)."},
    {"qr", npl_qr, "qr(a, mode='reduced')", "QR factorisation (LAPACK geqrf/orgqr): q, r with a == q @ r."},
    {NULL, NULL, NULL, NULL}
};
