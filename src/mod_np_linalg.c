/* mod_np_linalg.c - numpy.linalg's inv, det, solve, matrix_power and norm
 * (with ord and axis, as numpy 1.24 computes them), added to the
 * numpy.linalg module after its basic table.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  The
 * factorisations are lib's (nn_linalg_extra.c: LU with partial pivoting in
 * float64).  A singular matrix raises numpy.linalg.LinAlgError (a
 * subclass of Exception made as `type(...)` makes one) with numpy's text.
 * SVD-based norms (ord=2, -2, 'nuc') take the singular values from
 * mod_np_linalg2.c.
 */
#include <string.h>
#include <math.h>
#include "mod_np.h"
#include "object.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

/* numpy.linalg.LinAlgError: type('LinAlgError', (Exception,), {...}). */
bool np_linalg_add_error(Interp *I, Value m)
{
    Value type = {0}, ve = {0}, args[3] = {{0}}, mod = {0}, cls = {0};
    bool f1 = false, f2 = false, ok = false;
    if (interp_get_builtin(I, "type", &type, &f1) && interp_get_builtin(I, "Exception", &ve, &f2) &&
        f1 && f2 && str_from_cstr(I, "LinAlgError", &args[0]) &&
        tuple_pack(I, &args[1], 1, ve) && dict_new(I, &args[2]) &&
        str_from_cstr(I, "numpy.linalg", &mod) && dict_set_str(I, args[2], "__module__", mod) &&
        interp_call(I, type, 3, args, &cls))
        ok = module_set(I, m, "LinAlgError", cls);
    value_decref(cls);
    value_decref(mod);
    for (int i = 0; i < 3; i++)
        value_decref(args[i]);
    value_decref(ve);
    value_decref(type);
    return ok;
}

/* lib's messages that numpy raises as LinAlgError (the rest keep their kind). */
static bool is_linalg_error(const char *m)
{
    static const char *const texts[] = {
        "Singular matrix", "Last 2 dimensions of the array must be square", "Eigenvalues did not converge",
        "SVD did not converge", "SVD did not converge in Linear Least Squares", "Incompatible dimensions",
        "Incorrect argument found in QR"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (strcmp(m, texts[i]) == 0)
            return true;
    return strstr(m, "-dimensional array given. Array must be") != NULL;
}

/* lib's error for a NULL result; numpy's LinAlgError texts as LinAlgError. */
bool np_linalg_fail(Interp *I)
{
    Value mod = {0}, cls = {0}, msg = {0}, exc = {0};
    if (!is_linalg_error(nn_errmsg(CTX)))
        return interp_error_from_nn(I);
    bool ok = str_from_cstr(I, nn_errmsg(CTX), &msg);
    nn_clear_error(CTX);
    if (ok && interp_import(I, "numpy.linalg", &mod) && value_getattr(I, mod, "LinAlgError", &cls) &&
        interp_call(I, cls, 1, &msg, &exc))
        interp_set_error_exc(I, exc);
    value_decref(exc);
    value_decref(msg);
    value_decref(cls);
    value_decref(mod);
    return false;
}

static bool linalg_wrap(Interp *I, NnTensor *r, bool scalar, Value *out)
{
    if (!r)
        return np_linalg_fail(I);
    return scalar ? np_wrap(I, r, out) : tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool npl_inv(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "inv", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_linalg_inv(CTX, t);
    nn_tensor_unref(t);
    return linalg_wrap(I, r, false, out);
}

static bool npl_det(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "det", a, "a", v) || !np_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_linalg_det(CTX, t);
    nn_tensor_unref(t);
    return linalg_wrap(I, r, true, out);
}

static bool npl_solve(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *x, *y;
    UNUSED_SELF;
    if (!args_parse(I, "solve", a, "a, b", v) || !np_tensor(I, v[0], &x))
        return false;
    if (!np_tensor(I, v[1], &y)) {
        nn_tensor_unref(x);
        return false;
    }
    NnTensor *r = nn_linalg_solve(CTX, x, y);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return linalg_wrap(I, r, false, out);
}

static bool npl_matrix_power(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t, *r = NULL, *b = NULL;
    int64_t n;
    UNUSED_SELF;
    if (!args_parse(I, "matrix_power", a, "a, n", v) || !arg_int(I, "matrix_power", "n", v[1], &n) ||
        !np_tensor(I, v[0], &t))
        return false;
    if (t->ndim < 2 || t->shape[t->ndim - 1] != t->shape[t->ndim - 2]) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "Last 2 dimensions of the array must be square");
    }
    b = n < 0 ? nn_linalg_inv(CTX, t) : nn_tensor_ref(t);
    int64_t k = n < 0 ? -n : n, m = t->shape[t->ndim - 1];
    r = b ? nn_eye(CTX, m, m, 0, b->dtype) : NULL;
    if (r && t->ndim > 2) {
        NnTensor *e = nn_tensor_broadcast_to(CTX, r, b->ndim, b->shape);
        nn_tensor_unref(r);
        r = e ? nn_tensor_copy(CTX, e) : NULL;
        nn_tensor_unref(e);
    }
    while (r && b && k) {   /* binary powering */
        NnTensor *nr = (k & 1) ? nn_matmul(CTX, r, b) : nn_tensor_ref(r);
        k >>= 1;
        NnTensor *nb = nr && k ? nn_matmul(CTX, b, b) : nn_tensor_ref(b);
        nn_tensor_unref(r);
        nn_tensor_unref(b);
        r = nr;
        b = nb;
    }
    nn_tensor_unref(b);
    nn_tensor_unref(t);
    return linalg_wrap(I, r, false, out);
}

/* ---- norm ---- */

typedef enum { ORD_NONE, ORD_FRO, ORD_NUC, ORD_NUM } OrdKind;

static bool ord_arg(Interp *I, Value v, OrdKind *kind, double *p)
{
    *kind = ORD_NONE;
    if (!np_given(v))
        return true;
    if (val_is_obj(v, OBJ_STR)) {
        const char *s = str_cstr(v);
        if (strcmp(s, "fro") == 0)
            *kind = ORD_FRO;
        else if (strcmp(s, "nuc") == 0)
            *kind = ORD_NUC;
        else
            return interp_error(I, ERR_VALUE, "Invalid norm order '%s' for vectors", s);
        return true;
    }
    *kind = ORD_NUM;
    return arg_float(I, "norm", "ord", v, p);
}

/* Vector p-norm of x (float) along `axis` (NN_ALL_AXES: all). */
static NnTensor *vec_norm(Interp *I, NnTensor *x, int axis, bool keep, OrdKind kind, double p)
{
    int ax[1] = {axis}, nax = axis == NN_ALL_AXES ? 0 : 1;
    NnTensor *ab = nn_unary(CTX, NN_ABS, x), *r = NULL;
    if (!ab)
        return NULL;
    if (kind == ORD_NONE || (kind == ORD_NUM && p == 2)) {
        NnTensor *sq = nn_binary(CTX, NN_MUL, ab, ab, x->dtype);
        NnTensor *s = sq ? nn_reduce(CTX, NN_SUM, sq, ax, nax, keep, x->dtype, 0) : NULL;
        r = s ? nn_unary(CTX, NN_SQRT, s) : NULL;
        nn_tensor_unref(sq);
        nn_tensor_unref(s);
    } else if (kind != ORD_NUM) {
        interp_error(I, ERR_VALUE, "Invalid norm order '%s' for vectors", kind == ORD_FRO ? "fro" : "nuc");
    } else if (isinf(p)) {
        r = nn_reduce(CTX, p > 0 ? NN_MAX : NN_MIN, ab, ax, nax, keep, x->dtype, 0);
    } else if (p == 0) {
        NnTensor *z = nn_tensor_scalar(CTX, x->dtype, 0);
        NnTensor *nz = z ? nn_binary(CTX, NN_NE, ab, z, x->dtype) : NULL;
        r = nz ? nn_reduce(CTX, NN_SUM, nz, ax, nax, keep, x->dtype, 0) : NULL;
        nn_tensor_unref(z);
        nn_tensor_unref(nz);
    } else if (p == 1) {
        r = nn_reduce(CTX, NN_SUM, ab, ax, nax, keep, x->dtype, 0);
    } else {
        NnTensor *pt = nn_tensor_scalar(CTX, x->dtype, p), *ip = nn_tensor_scalar(CTX, x->dtype, 1.0 / p);
        NnTensor *pw = pt && ip ? nn_binary(CTX, NN_POW, ab, pt, x->dtype) : NULL;
        NnTensor *s = pw ? nn_reduce(CTX, NN_SUM, pw, ax, nax, keep, x->dtype, 0) : NULL;
        r = s ? nn_binary(CTX, NN_POW, s, ip, x->dtype) : NULL;
        nn_tensor_unref(pt);
        nn_tensor_unref(ip);
        nn_tensor_unref(pw);
        nn_tensor_unref(s);
    }
    nn_tensor_unref(ab);
    return r;
}

/* numpy's _multi_svd_norm: op (max, min, sum) of the singular values of x
 * with (rax, cax) moved last. */
static NnTensor *svd_norm(Interp *I, NnTensor *x, int rax, int cax, bool keep, NnReduceOp op)
{
    int perm[NN_MAXDIM], k = 0, last = -1;
    for (int d = 0; d < x->ndim; d++)
        if (d != rax && d != cax)
            perm[k++] = d;
    perm[k++] = rax;
    perm[k++] = cax;
    NnTensor *y = nn_tensor_transpose(CTX, x, perm), *s = y ? np_linalg_svdvals(I, y) : NULL;
    NnTensor *r = s ? nn_reduce_np(CTX, op, s, &last, 1, false, s->dtype, 0) : NULL;
    nn_tensor_unref(y);
    nn_tensor_unref(s);
    if (!r || !keep)
        return r;
    int64_t shape[NN_MAXDIM];
    memcpy(shape, x->shape, (size_t)x->ndim * sizeof *shape);
    shape[rax] = shape[cax] = 1;
    NnTensor *kr = nn_tensor_reshape(CTX, r, x->ndim, shape);
    nn_tensor_unref(r);
    return kr;
}

/* Matrix norm over (rax, cax): Frobenius, or max/min of column (ord +-1)
 * or row (ord +-inf) sums of |x|. */
static NnTensor *mat_norm(Interp *I, NnTensor *x, int rax, int cax, bool keep, OrdKind kind, double p)
{
    int both[2] = {rax, cax};
    if (kind == ORD_NONE || kind == ORD_FRO) {
        NnTensor *sq = nn_binary(CTX, NN_MUL, x, x, x->dtype);
        NnTensor *s = sq ? nn_reduce(CTX, NN_SUM, sq, both, 2, keep, x->dtype, 0) : NULL;
        NnTensor *r = s ? nn_unary(CTX, NN_SQRT, s) : NULL;
        nn_tensor_unref(sq);
        nn_tensor_unref(s);
        return r;
    }
    if (kind == ORD_NUC || (kind == ORD_NUM && fabs(p) == 2))
        return svd_norm(I, x, rax, cax, keep, kind == ORD_NUC ? NN_SUM : p > 0 ? NN_MAX : NN_MIN);
    if (!(fabs(p) == 1 || isinf(p)))
        return interp_error(I, ERR_VALUE, "Invalid norm order for matrices."), NULL;
    int sum_ax = fabs(p) == 1 ? rax : cax, pick_ax = fabs(p) == 1 ? cax : rax;
    NnTensor *ab = nn_unary(CTX, NN_ABS, x);
    NnTensor *s = ab ? nn_reduce(CTX, NN_SUM, ab, &sum_ax, 1, true, x->dtype, 0) : NULL;
    NnTensor *m = s ? nn_reduce(CTX, p > 0 ? NN_MAX : NN_MIN, s, &pick_ax, 1, true, x->dtype, 0) : NULL;
    nn_tensor_unref(ab);
    nn_tensor_unref(s);
    if (!m || keep)
        return m;
    int hi = rax > cax ? rax : cax, lo = rax > cax ? cax : rax;
    NnTensor *q = nn_tensor_squeeze(CTX, m, hi);
    NnTensor *r = q ? nn_tensor_squeeze(CTX, q, lo) : NULL;
    nn_tensor_unref(m);
    nn_tensor_unref(q);
    return r;
}

static bool npl_norm(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *t, *x, *r = NULL;
    OrdKind kind;
    double p = 0;
    bool keep = false;
    int64_t ax[NN_MAXDIM];
    int nax = 0;
    UNUSED_SELF;
    if (!args_parse(I, "norm", a, "x, ord=, axis=, keepdims=", v) || !ord_arg(I, v[1], &kind, &p) ||
        (np_given(v[2]) && !arg_int_seq(I, "norm", "axis", v[2], ax, NN_MAXDIM, &nax)) ||
        (np_given(v[3]) && !value_truth(I, v[3], &keep)) || !np_tensor(I, v[0], &t))
        return false;
    x = nn_dtype_is_float(t->dtype) ? nn_tensor_ref(t) : nn_tensor_cast(CTX, t, NN_F64);
    bool ok = x || interp_error_from_nn(I);
    int a0 = 0, a1 = 0;
    if (ok && nax > 2)
        ok = interp_error(I, ERR_VALUE, "Improper number of dimensions to norm.");
    ok = ok && (nax < 1 || tensor_axis_arg(I, val_int(ax[0]), x->ndim, 0, &a0)) &&
         (nax < 2 || tensor_axis_arg(I, val_int(ax[1]), x->ndim, 0, &a1));
    if (ok && nax == 0 && kind == ORD_NONE)
        r = vec_norm(I, x, NN_ALL_AXES, keep, kind, p);
    else if (ok && (nax == 1 || (nax == 0 && x->ndim == 1)))
        r = vec_norm(I, x, nax ? a0 : 0, keep, kind, p);
    else if (ok && (nax == 2 || (nax == 0 && x->ndim == 2)))
        r = mat_norm(I, x, nax ? a0 : 0, nax ? a1 : 1, keep, kind, p);
    else if (ok)
        ok = interp_error(I, ERR_VALUE, "Improper number of dimensions to norm.");
    if (ok && !r && !interp_error_pending(I))
        interp_error_from_nn(I);
    ok = ok && r && np_wrap(I, r, out);
    nn_tensor_unref(x);
    nn_tensor_unref(t);
    return ok;
}

const NativeDef np_linalg_more_defs[] = {
    {"norm", npl_norm, "norm(x, ord=None, axis=None, keepdims=False)",
     "Vector or matrix norm (ord: None, 'fro', inf, -inf, 0, 1, -1, p; matrices: fro, nuc, 1, -1, 2, -2, inf, -inf)."},
    {"inv", npl_inv, "inv(a)", "Inverse of a square matrix (or a stack of them).\n  np.linalg.inv(a) @ a"},
    {"det", npl_det, "det(a)", "Determinant (LU with partial pivoting)."},
    {"solve", npl_solve, "solve(a, b)", "x with a @ x == b."},
    {"matrix_power", npl_matrix_power, "matrix_power(a, n)", "a multiplied by itself n times (n < 0: of the inverse)."},
    {NULL, NULL, NULL, NULL}
};
