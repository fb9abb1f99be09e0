/* mod_np_more.c - numpy's contractions and statistics beyond the basics:
 * einsum, tensordot, inner, percentile/quantile, the nan-ignoring
 * reductions, ptp, average, logspace, fmax/fmin, and the array methods
 * that mirror numpy functions (a.repeat, a.nonzero, ...).  Searching,
 * histograms and interpolation are in mod_np_search.c.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  The
 * linear algebra of numpy.linalg (inv, det, solve, norm with ord/axis) is
 * in mod_np_linalg.c.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

bool np_method_via(Interp *I, const char *name, Value self, const Args *a, Value *out)
{
    Value np, fn;
    bool found = false;
    if (!interp_import(I, "numpy", &np))
        return false;
    bool ok = module_get(I, np, name, &fn, &found);
    value_decref(np);
    if (!ok || !found)
        return ok ? interp_error(I, ERR_ATTRIBUTE, "numpy has no attribute '%s'", name) : false;
    Value pos[16];
    if (a->npos > 15) {
        value_decref(fn);
        return interp_error(I, ERR_TYPE, "%s() takes at most 15 arguments", name);
    }
    pos[0] = self;
    for (int i = 0; i < a->npos; i++)
        pos[i + 1] = a->pos[i];
    Args ca = {a->npos + 1, pos, a->nkw, a->kwnames, a->kwvals};
    ok = value_call(I, fn, &ca, out);
    value_decref(fn);
    return ok;
}

#define VIA(fn, NAME) \
    bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { return np_method_via(I, NAME, self, a, out); }
VIA(np_m_nonzero, "nonzero")
VIA(np_m_repeat, "repeat")
VIA(np_m_swapaxes, "swapaxes")
VIA(np_m_cumprod, "cumprod")
VIA(np_m_trace, "trace")
VIA(np_m_diagonal, "diagonal")
VIA(np_m_ptp, "ptp")

bool np_m_view(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    if (!args_parse(I, "view", a, "dtype=, type=", v))
        return false;
    NnTensor *t = tensor_value_get(self);
    int dt;
    if (!tensor_dtype_arg(I, v[0], &dt))
        return false;
    if (dt >= 0 && dt != (int)t->dtype)
        return interp_error(I, ERR_VALUE, "nnsh's view() cannot reinterpret %s as %s",
                            nn_dtype_name(t->dtype), nn_dtype_name((NnDType)dt));
    return tensor_value_new(I, nn_tensor_ref(t), TENSOR_NP, out);
}

/* ---- einsum ---- */

typedef struct {
    int nops;
    int nlab;                 /* distinct labels */
    char labels[52];
    int64_t dim[52];
    int ops_lab[8][NN_MAXDIM];   /* label index of each operand axis */
    int nout, out_lab[NN_MAXDIM];
} EinSpec;

static int label_index(EinSpec *s, char c)
{
    for (int i = 0; i < s->nlab; i++)
        if (s->labels[i] == c)
            return i;
    s->labels[s->nlab] = c;
    s->dim[s->nlab] = -1;
    return s->nlab++;
}

/* Parses "ij,jk->ik" (spaces ignored) against the operands' shapes. */
static bool ein_parse(Interp *I, const char *sub, NnTensor **ts, int n, EinSpec *s)
{
    int op = 0, ax = 0, count[52] = {0};
    const char *p = sub;
    memset(s, 0, sizeof *s);
    s->nops = n;
    for (; *p && !(p[0] == '-' && p[1] == '>'); p++) {
        if (*p == ' ')
            continue;
        if (*p == ',') {
            if (ax != ts[op]->ndim || ++op >= n)
                break;
            ax = 0;
            continue;
        }
        if (*p == '.')
            return interp_error(I, ERR_VALUE, "nnsh's einsum does not support '...' subscripts");
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return interp_error(I, ERR_VALUE, "invalid subscript '%c' in einstein sum subscripts "
                                "string, subscripts must be letters", *p);
        if (ax >= ts[op]->ndim)
            return interp_error(I, ERR_VALUE, "einstein sum subscripts string contains too many "
                                "subscripts for operand %d", op);
        int l = label_index(s, *p);
        int64_t d = ts[op]->shape[ax];
        if (s->dim[l] >= 0 && s->dim[l] != d && d != 1 && s->dim[l] != 1)
            return interp_error(I, ERR_VALUE, "operands could not be broadcast together with "
                                "remapped shapes [original->remapped]");
        if (s->dim[l] < 0 || s->dim[l] == 1)
            s->dim[l] = d;
        s->ops_lab[op][ax++] = l;
        count[l]++;
    }
    if (op != n - 1 || ax != ts[op]->ndim)
        return interp_error(I, ERR_VALUE, "operand has more dimensions than subscripts given in "
                            "einstein sum, but no '...' ellipsis provided to broadcast the extra "
                            "dimensions.");
    if (*p) {   /* explicit output */
        for (p += 2; *p; p++) {
            if (*p == ' ')
                continue;
            int l = -1;
            for (int i = 0; i < s->nlab; i++)
                if (s->labels[i] == *p)
                    l = i;
            if (l < 0)
                return interp_error(I, ERR_VALUE, "einstein sum subscripts string included output "
                                    "subscript '%c' which never appeared in an input", *p);
            if (s->nout >= NN_MAXDIM)
                return interp_error(I, ERR_VALUE, "too many output subscripts");
            s->out_lab[s->nout++] = l;
        }
        return true;
    }
    for (char c = 'A'; c <= 'z'; c++)   /* implicit: labels seen once, in order */
        for (int i = 0; i < s->nlab; i++)
            if (s->labels[i] == c && count[i] == 1 && s->nout < NN_MAXDIM)
                s->out_lab[s->nout++] = i;
    return true;
}

/* Odometer over the labels in `which` (values in idx); false when done. */
static bool ein_next(const EinSpec *s, const int *which, int nw, int64_t *idx)
{
    for (int k = nw - 1; k >= 0; k--) {
        int l = which[k];
        if (++idx[l] < s->dim[l])
            return true;
        idx[l] = 0;
    }
    return false;
}

static NnTensor *ein_compute(Interp *I, const EinSpec *s, NnTensor **ts, NnDType dt)
{
    int64_t shape[NN_MAXDIM], idx[52] = {0}, strides[8][52];
    int sum_lab[52], nsum = 0;
    bool is_out[52] = {false}, fl = nn_dtype_is_float(dt);
    for (int k = 0; k < s->nout; k++) {
        shape[k] = s->dim[s->out_lab[k]];
        is_out[s->out_lab[k]] = true;
    }
    for (int l = 0; l < s->nlab; l++)
        if (!is_out[l])
            sum_lab[nsum++] = l;
    for (int o = 0; o < s->nops; o++) {
        int64_t st = 1;
        memset(strides[o], 0, sizeof strides[o]);
        for (int ax = ts[o]->ndim - 1; ax >= 0; ax--) {
            if (ts[o]->shape[ax] != 1)
                strides[o][s->ops_lab[o][ax]] += st;
            st *= ts[o]->shape[ax];
        }
    }
    NnTensor *r = nn_tensor_new(CTX, dt, s->nout, shape);
    if (!r)
        return NULL;
    int64_t total = nn_tensor_numel(r), empty = 0;
    for (int l = 0; l < s->nlab; l++)
        empty |= s->dim[l] == 0;
    for (int64_t f = 0; f < total && !empty; f++) {
        double acc = 0;
        int64_t iacc = 0;
        for (int k = 0; k < nsum; k++)
            idx[sum_lab[k]] = 0;
        do {
            double p = 1;
            int64_t ip = 1;
            for (int o = 0; o < s->nops; o++) {
                int64_t off = 0;
                for (int l = 0; l < s->nlab; l++)
                    off += idx[l] * strides[o][l];
                if (fl)
                    p *= nn_tensor_get_f64(ts[o], off);
                else
                    ip *= nn_tensor_get_i64(ts[o], off);
            }
            acc += p;
            iacc += ip;
        } while (nsum && ein_next(s, sum_lab, nsum, idx));
        if (fl)
            nn_tensor_set_f64(r, f, acc);
        else
            nn_tensor_set_i64(r, f, dt == NN_BOOL ? iacc != 0 : iacc);
        ein_next(s, s->out_lab, s->nout, idx);
    }
    return r;
}

static bool np_einsum(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *ts[8] = {0};
    const char *sub;
    EinSpec spec;
    UNUSED_SELF;
    if (a->npos < 2)
        return interp_error(I, ERR_TYPE, "einsum() needs subscripts and at least one operand");
    if (a->npos > 9)
        return interp_error(I, ERR_VALUE, "nnsh's einsum takes at most 8 operands");
    if (!arg_str(I, "einsum", "subscripts", a->pos[0], &sub))
        return false;
    int n = a->npos - 1;
    bool ok = true;
    NnDType dt = NN_BOOL;
    for (int i = 0; ok && i < n; i++) {
        NnTensor *t;
        ok = np_tensor(I, a->pos[i + 1], &t);
        if (ok) {
            dt = i == 0 ? t->dtype : nn_promote(dt, t->dtype);
            ts[i] = nn_tensor_contiguous(CTX, t);
            nn_tensor_unref(t);
            ok = ts[i] || interp_error_from_nn(I);
        }
    }
    if (ok && ein_parse(I, sub, ts, n, &spec))
        ok = np_wrap(I, ein_compute(I, &spec, ts, dt), out);
    else
        ok = false;
    for (int i = 0; i < n; i++)
        nn_tensor_unref(ts[i]);
    return ok;
}

/* ---- tensordot / inner ---- */

static bool np_tensordot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *x, *y;
    int axa[NN_MAXDIM], axb[NN_MAXDIM], n = 0;
    UNUSED_SELF;
    if (!args_parse(I, "tensordot", a, "a, b, axes=", v) || !np_tensor(I, v[0], &x))
        return false;
    if (!np_tensor(I, v[1], &y)) {
        nn_tensor_unref(x);
        return false;
    }
    bool ok = true;
    if (!np_given(v[2]) || v[2].kind == VAL_INT) {
        int64_t k = np_given(v[2]) ? v[2].as.i : 2;
        if (k < 0 || k > x->ndim || k > y->ndim)
            ok = interp_error(I, ERR_VALUE, "shape-mismatch for sum");
        for (int i = 0; ok && i < k; i++) {
            axa[i] = x->ndim - (int)k + i;
            axb[i] = i;
        }
        n = (int)k;
    } else {
        Value pa, pb;
        Value key0 = val_int(0), key1 = val_int(1);
        ok = value_getitem(I, v[2], key0, &pa);
        if (ok && !value_getitem(I, v[2], key1, &pb)) {
            value_decref(pa);
            ok = false;
        }
        if (ok) {
            int64_t ra[NN_MAXDIM], rb[NN_MAXDIM];
            int na, nb;
            ok = arg_int_seq(I, "tensordot", "axes", pa, ra, NN_MAXDIM, &na) &&
                 arg_int_seq(I, "tensordot", "axes", pb, rb, NN_MAXDIM, &nb);
            if (ok && na != nb)
                ok = interp_error(I, ERR_VALUE, "shape-mismatch for sum");
            for (int i = 0; ok && i < na; i++) {
                axa[i] = (int)(ra[i] < 0 ? ra[i] + x->ndim : ra[i]);
                axb[i] = (int)(rb[i] < 0 ? rb[i] + y->ndim : rb[i]);
            }
            n = na;
            value_decref(pa);
            value_decref(pb);
        }
    }
    if (ok)
        ok = np_wrap(I, nn_tensordot(CTX, x, y, n, axa, axb), out);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool np_inner(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *x, *y;
    UNUSED_SELF;
    if (!args_parse(I, "inner", a, "a, b", v))
        return false;
    if (!np_tensor(I, v[0], &x))
        return false;
    if (!np_tensor(I, v[1], &y)) {
        nn_tensor_unref(x);
        return false;
    }
    bool ok;
    if (x->ndim == 0 || y->ndim == 0) {
        ok = tensor_binary(I, NN_MUL, v[0], v[1], out);
    } else {
        int axa = x->ndim - 1, axb = y->ndim - 1;
        ok = np_wrap(I, nn_tensordot(CTX, x, y, 1, &axa, &axb), out);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

/* ---- percentile / quantile ---- */

/* t with `axis` moved last, as a contiguous float64 copy (new reference). */
static NnTensor *axis_last_f64(Interp *I, NnTensor *t, int axis)
{
    int perm[NN_MAXDIM], k = 0;
    for (int d = 0; d < t->ndim; d++)
        if (d != axis)
            perm[k++] = d;
    perm[k] = axis;
    NnTensor *p = nn_tensor_transpose(CTX, t, perm);
    NnTensor *c = p ? nn_tensor_cast(CTX, p, NN_F64) : NULL;
    nn_tensor_unref(p);
    return c;
}

static double lerp_q(const double *row, int64_t n, double q)
{
    double vi = (double)(n - 1) * q;
    double prev = floor(vi);
    int64_t lo = (int64_t)prev, hi = lo + 1 < n ? lo + 1 : n - 1;
    if (lo > n - 1)
        lo = n - 1;
    double g = vi - prev, x = row[lo], y = row[hi], d = y - x;
    return g >= 0.5 ? y - d * (1 - g) : x + d * g;
}

static bool quantile_common(Interp *I, const Args *a, double scale, const char *fname, Value *out)
{
    Value v[6];
    NnTensor *t, *q, *w = NULL, *s = NULL, *r = NULL;
    int axis;
    bool keep = false, ok = false;
    if (!args_parse(I, fname, a, "a, q, axis=, out=, overwrite_input=, keepdims=", v) ||
        (np_given(v[5]) && !value_truth(I, v[5], &keep)) || !np_tensor(I, v[0], &t))
        return false;
    if (!tensor_from_value(I, v[1], NN_F64, TENSOR_NP, &q)) {
        nn_tensor_unref(t);
        return false;
    }
    for (int64_t i = 0; i < nn_tensor_numel(q); i++) {
        double x = nn_tensor_get_f64(q, i) / scale;
        if (!(x >= 0 && x <= 1)) {
            interp_error(I, ERR_VALUE, scale == 1 ? "Quantiles must be in the range [0, 1]"
                                                  : "Percentiles must be in the range [0, 100]");
            goto done;
        }
    }
    if (!np_given(v[2])) {
        int64_t m = -1;
        w = nn_tensor_reshape(CTX, t, 1, &m);
        axis = 0;
    } else if (tensor_axis_arg(I, v[2], t->ndim, 0, &axis)) {
        w = nn_tensor_ref(t);
    } else {
        goto done;
    }
    NnTensor *f = w ? axis_last_f64(I, w, axis) : NULL;
    int last = f ? f->ndim - 1 : 0;
    s = f ? nn_sort(CTX, f, last, false) : NULL;
    nn_tensor_unref(f);
    if (!s) {
        interp_error_from_nn(I);
        goto done;
    }
    int64_t n = s->shape[last], rows = n ? nn_tensor_numel(s) / n : 0, nq = nn_tensor_numel(q);
    if (n == 0) {
        interp_error(I, ERR_INDEX, "index -1 is out of bounds for axis 0 with size 0");
        goto done;
    }
    int64_t shape[NN_MAXDIM];
    int nd = 0;
    for (int d = 0; d < q->ndim; d++)
        shape[nd++] = q->shape[d];
    for (int d = 0; d < t->ndim; d++)
        if (np_given(v[2]) ? d != axis : false)
            shape[nd++] = t->shape[d];
        else if (keep)
            shape[nd++] = 1;
    NnDType dt = t->dtype == NN_F32 ? NN_F32 : NN_F64;
    if (!(r = nn_tensor_new(CTX, dt, nd, shape))) {
        interp_error_from_nn(I);
        goto done;
    }
    const double *sd = nn_tensor_data(s);
    for (int64_t k = 0; k < nq; k++)
        for (int64_t i = 0; i < rows; i++)
            nn_tensor_set_f64(r, k * rows + i, lerp_q(sd + i * n, n, nn_tensor_get_f64(q, k) / scale));
    ok = np_wrap(I, r, out);
    r = NULL;
done:
    nn_tensor_unref(r);
    nn_tensor_unref(s);
    nn_tensor_unref(w);
    nn_tensor_unref(q);
    nn_tensor_unref(t);
    return ok;
}

static bool np_percentile(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return quantile_common(I, a, 100.0, "percentile", out);
}

static bool np_quantile(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return quantile_common(I, a, 1.0, "quantile", out);
}

/* ---- nan-ignoring reductions ---- */

typedef enum { NAN_SUM, NAN_MEAN, NAN_MAX, NAN_MIN, NAN_STD, NAN_VAR } NanOp;

/* sum over axes of x with NaNs replaced by `fill`, and the count of
 * non-NaN entries (both new references, float64 unless x is float32). */
static bool nan_parts(Interp *I, NnTensor *x, const int *axes, int naxes, bool keep, double fill,
                      NnReduceOp op, NnTensor **res, NnTensor **cnt)
{
    NnTensor *mask = nn_unary(CTX, NN_ISNAN, x);
    NnTensor *f = mask ? nn_tensor_scalar(CTX, x->dtype, fill) : NULL;
    NnTensor *z = f ? nn_where(CTX, mask, f, x, x->dtype) : NULL;
    NnTensor *keepm = z ? nn_unary(CTX, NN_LOGICAL_NOT, mask) : NULL;
    *res = keepm ? nn_reduce(CTX, op, z, axes, naxes, keep, x->dtype, 0) : NULL;
    *cnt = *res ? nn_reduce(CTX, NN_SUM, keepm, axes, naxes, keep, NN_F64, 0) : NULL;
    nn_tensor_unref(mask);
    nn_tensor_unref(f);
    nn_tensor_unref(z);
    nn_tensor_unref(keepm);
    if (!*cnt) {
        nn_tensor_unref(*res);
        return interp_error_from_nn(I);
    }
    return true;
}

static NnTensor *nan_reduce(Interp *I, NanOp op, NnTensor *x, const int *axes, int naxes,
                            bool keep, int ddof)
{
    NnTensor *res, *cnt;
    static const double fills[] = {0, 0, -INFINITY, INFINITY, 0, 0};
    NnReduceOp rop = op == NAN_MAX ? NN_MAX : op == NAN_MIN ? NN_MIN : NN_SUM;
    if (!nan_parts(I, x, axes, naxes, keep, fills[op], rop, &res, &cnt))
        return NULL;
    int64_t n = nn_tensor_numel(res);
    if (op == NAN_MAX || op == NAN_MIN) {
        for (int64_t i = 0; i < n; i++)
            if (nn_tensor_get_f64(cnt, i) == 0)
                nn_tensor_set_f64(res, i, NAN);
    } else if (op == NAN_MEAN) {
        for (int64_t i = 0; i < n; i++)
            nn_tensor_set_f64(res, i, nn_tensor_get_f64(res, i) / nn_tensor_get_f64(cnt, i));
    } else if (op == NAN_STD || op == NAN_VAR) {
        NnTensor *mean = nan_reduce(I, NAN_MEAN, x, axes, naxes, true, 0);
        NnTensor *d = mean ? nn_binary(CTX, NN_SUB, x, mean, x->dtype) : NULL;
        NnTensor *sq = d ? nn_binary(CTX, NN_MUL, d, d, x->dtype) : NULL;
        NnTensor *ss = NULL, *c2 = NULL;
        bool ok = sq && nan_parts(I, sq, axes, naxes, keep, 0, NN_SUM, &ss, &c2);
        for (int64_t i = 0; ok && i < n; i++) {
            double var = nn_tensor_get_f64(ss, i) / (nn_tensor_get_f64(c2, i) - ddof);
            nn_tensor_set_f64(res, i, op == NAN_STD ? sqrt(var) : var);
        }
        if (!ok && !interp_error_pending(I))
            interp_error_from_nn(I);
        nn_tensor_unref(mean);
        nn_tensor_unref(d);
        nn_tensor_unref(sq);
        nn_tensor_unref(ss);
        nn_tensor_unref(c2);
        if (!ok) {
            nn_tensor_unref(res);
            res = NULL;
        }
    }
    nn_tensor_unref(cnt);
    return res;
}

static bool np_nan(Interp *I, const Args *a, NanOp op, const char *fname, Value *out)
{
    Value v[6];
    NnTensor *t;
    int axes[NN_MAXDIM], naxes;
    bool keep = false, sv = op == NAN_STD || op == NAN_VAR;
    int64_t ddof = 0;
    if (!args_parse(I, fname, a, sv ? "a, axis=, dtype=, out=, ddof=, keepdims="
                                    : "a, axis=, dtype=, out=, keepdims=, initial=", v) ||
        (sv && np_given(v[4]) && !arg_int(I, fname, "ddof", v[4], &ddof)) ||
        (np_given(v[sv ? 5 : 4]) && !value_truth(I, v[sv ? 5 : 4], &keep)) || !np_tensor(I, v[0], &t))
        return false;
    bool ok = tensor_axes_arg(I, v[1], t->ndim, axes, &naxes);
    if (ok && !nn_dtype_is_float(t->dtype)) {   /* no NaNs: the plain reductions */
        static const NnReduceOp plain[] = {NN_SUM, NN_MEAN, NN_MAX, NN_MIN, NN_STD, NN_VAR};
        Value tv;
        ok = tensor_value_new(I, nn_tensor_ref(t), TENSOR_NP, &tv) &&
             tensor_reduce(I, plain[op], tv, v[1], val_bool(keep), TENSOR_NP, (int)ddof, out);
        if (tv.kind == VAL_OBJ)
            value_decref(tv);
        nn_tensor_unref(t);
        return ok;
    }
    ok = ok && np_wrap(I, nan_reduce(I, op, t, axes, naxes, keep, (int)ddof), out);
    nn_tensor_unref(t);
    return ok;
}

#define NP_NAN(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { UNUSED_SELF; return np_nan(I, a, OP, NAME, out); }
NP_NAN(np_nansum, NAN_SUM, "nansum")
NP_NAN(np_nanmean, NAN_MEAN, "nanmean")
NP_NAN(np_nanmax, NAN_MAX, "nanmax")
NP_NAN(np_nanmin, NAN_MIN, "nanmin")
NP_NAN(np_nanstd, NAN_STD, "nanstd")
NP_NAN(np_nanvar, NAN_VAR, "nanvar")

/* ---- small reductions and element-wise helpers ---- */

static bool np_ptp(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, hi = {0}, lo = {0};
    UNUSED_SELF;
    if (!args_parse(I, "ptp", a, "a, axis=, out=, keepdims=", v) || !np_value(I, v[0], &x))
        return false;
    bool ok = tensor_reduce(I, NN_MAX, x, v[1], v[3], TENSOR_NP, 0, &hi) &&
              tensor_reduce(I, NN_MIN, x, v[1], v[3], TENSOR_NP, 0, &lo) &&
              tensor_binary(I, NN_SUB, hi, lo, out);
    value_decref(hi);
    value_decref(lo);
    value_decref(x);
    return ok;
}

static bool np_average(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, w = {0}, num = {0}, den = {0}, prod = {0};
    UNUSED_SELF;
    if (!args_parse(I, "average", a, "a, axis=, weights=, returned=, keepdims=", v) ||
        !np_value(I, v[0], &x))
        return false;
    if (!np_given(v[2])) {
        bool ok = tensor_reduce(I, NN_MEAN, x, v[1], v[4], TENSOR_NP, 0, out);
        value_decref(x);
        return ok;
    }
    NnTensor *xt = tensor_value_get(x), *wt;
    bool ok = xt && np_tensor(I, v[2], &wt);
    if (ok && wt->ndim == 1 && xt->ndim > 1 && v[1].kind == VAL_INT) {   /* 1-D weights along axis */
        int axis;
        int64_t shape[NN_MAXDIM];
        ok = tensor_axis_arg(I, v[1], xt->ndim, 0, &axis);
        for (int d = 0; d < xt->ndim; d++)
            shape[d] = d == axis ? wt->shape[0] : 1;
        NnTensor *r = ok ? nn_tensor_reshape(CTX, wt, xt->ndim, shape) : NULL;
        nn_tensor_unref(wt);
        wt = r;
        ok = wt || (interp_error_pending(I) ? false : interp_error_from_nn(I));
    }
    ok = ok && tensor_value_new(I, wt, TENSOR_NP, &w) && tensor_binary(I, NN_MUL, x, w, &prod) &&
         tensor_reduce(I, NN_SUM, prod, v[1], v[4], TENSOR_NP, 0, &num);
    if (ok) {   /* the weights' sum over the same axes, broadcast as the product was */
        NnTensor *pt = tensor_value_get(prod);
        NnTensor *wb = nn_tensor_broadcast_to(CTX, tensor_value_get(w), pt->ndim, pt->shape);
        Value wv;
        ok = wb ? tensor_value_new(I, wb, TENSOR_NP, &wv) : interp_error_from_nn(I);
        if (ok) {
            ok = tensor_reduce(I, NN_SUM, wv, v[1], v[4], TENSOR_NP, 0, &den);
            value_decref(wv);
        }
    }
    ok = ok && tensor_binary(I, NN_DIV, num, den, out);
    value_decref(prod);
    value_decref(num);
    value_decref(den);
    value_decref(w);
    value_decref(x);
    return ok;
}

static bool np_logspace(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    double start, stop, base = 10.0;
    int64_t num = 50;
    bool endpoint = true;
    UNUSED_SELF;
    if (!args_parse(I, "logspace", a, "start, stop, num=, endpoint=, base=, dtype=", v) ||
        !arg_float(I, "logspace", "start", v[0], &start) || !arg_float(I, "logspace", "stop", v[1], &stop) ||
        (np_given(v[2]) && !arg_int(I, "logspace", "num", v[2], &num)) ||
        (np_given(v[3]) && !value_truth(I, v[3], &endpoint)) ||
        (np_given(v[4]) && !arg_float(I, "logspace", "base", v[4], &base)))
        return false;
    if (num < 0)
        return interp_error(I, ERR_VALUE, "Number of samples, %lld, must be non-negative.", (long long)num);
    NnTensor *r = nn_linspace(CTX, start, stop, num, endpoint, NN_F64);
    for (int64_t i = 0; r && i < num; i++)
        nn_tensor_set_f64(r, i, pow(base, nn_tensor_get_f64(r, i)));
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

/* fmax/fmin: maximum/minimum that prefer the non-NaN operand. */
static bool np_fminmax(Interp *I, const Args *a, bool max, Value *out)
{
    Value v[2], r;
    const char *fname = max ? "fmax" : "fmin";
    if (!args_parse(I, fname, a, "x1, x2", v) ||
        !tensor_binary(I, max ? NN_MAXIMUM : NN_MINIMUM, v[0], v[1], &r))
        return false;
    NnTensor *t = tensor_value_get(r), *x, *y;
    if (!t || !nn_dtype_is_float(t->dtype)) {
        *out = r;
        return true;
    }
    bool ok = tensor_from_value(I, v[0], NN_F64, TENSOR_NP, &x);
    if (ok && !tensor_from_value(I, v[1], NN_F64, TENSOR_NP, &y)) {
        nn_tensor_unref(x);
        ok = false;
    }
    NnTensor *bx = ok ? nn_tensor_broadcast_to(CTX, x, t->ndim, t->shape) : NULL;
    NnTensor *by = bx ? nn_tensor_broadcast_to(CTX, y, t->ndim, t->shape) : NULL;
    for (int64_t i = 0; by && i < nn_tensor_numel(t); i++) {
        double p = nn_tensor_get_f64(bx, i), q = nn_tensor_get_f64(by, i);
        if (isnan(p) != isnan(q))
            nn_tensor_set_f64(t, i, isnan(p) ? q : p);
    }
    if (ok) {
        nn_tensor_unref(x);
        nn_tensor_unref(y);
    }
    nn_tensor_unref(bx);
    nn_tensor_unref(by);
    *out = r;
    return true;
}

static bool np_fmax(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_fminmax(I, a, true, out);
}

static bool np_fmin(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_fminmax(I, a, false, out);
}

static bool np_rint(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], x;
    UNUSED_SELF;
    if (!args_parse(I, "rint", a, "x", v) || !np_value(I, v[0], &x))
        return false;
    if (x.kind != VAL_OBJ) {
        NnTensor *t;
        if (!np_tensor(I, x, &t) || !tensor_value_np(I, t, &x))
            return false;
    }
    bool ok = tensor_unary(I, NN_ROUND, x, TENSOR_NP, out);
    value_decref(x);
    return ok;
}

static bool np_isscalar(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    UNUSED_SELF;
    if (!args_parse(I, "isscalar", a, "element", v))
        return false;
    *out = val_bool(v[0].kind == VAL_INT || v[0].kind == VAL_FLOAT || v[0].kind == VAL_BOOL ||
                    val_is_obj(v[0], OBJ_STR) ||
                    (tensor_value_is(v[0]) && tensor_value_flavour(v[0]) == TENSOR_SCALAR));
    return true;
}

static bool np_copy(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t;
    UNUSED_SELF;
    if (!args_parse(I, "copy", a, "a, order=", v) || !np_tensor(I, v[0], &t))
        return false;
    NnTensor *c = nn_tensor_copy(CTX, t);
    nn_tensor_unref(t);
    return np_wrap(I, c, out);
}

static bool np_size_ndim(Interp *I, const Args *a, bool size, Value *out)
{
    Value v[2];
    NnTensor *t;
    if (!args_parse(I, size ? "size" : "ndim", a, size ? "a, axis=" : "a", v) || !np_tensor(I, v[0], &t))
        return false;
    int axis;
    bool ok = true;
    if (!size)
        *out = val_int(t->ndim);
    else if (np_given(v[1]) && (ok = tensor_axis_arg(I, v[1], t->ndim, 0, &axis)))
        *out = val_int(t->shape[axis]);
    else if (ok)
        *out = val_int(nn_tensor_numel(t));
    nn_tensor_unref(t);
    return ok;
}

static bool np_size(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_size_ndim(I, a, true, out);
}

static bool np_ndim(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_size_ndim(I, a, false, out);
}

/* ---- finfo / iinfo ---- */

typedef struct {
    NnDType dt;
} InfoObj;

static bool info_dtype(Interp *I, const Args *a, const char *fname, bool fl, NnDType *dt)
{
    Value v[1];
    if (!args_parse(I, fname, a, fl ? "dtype" : "int_type", v))
        return false;
    NnTensor *t = tensor_value_get(v[0]);
    if (t)
        *dt = t->dtype;
    else if (v[0].kind == VAL_FLOAT)
        *dt = NN_F64;
    else if (v[0].kind == VAL_INT)
        *dt = NN_I64;
    else if (!tensor_dtype_from_value(I, v[0], dt))
        return false;
    if (fl && !nn_dtype_is_float(*dt))
        return interp_error(I, ERR_VALUE, "data type <class 'numpy.%s'> not inexact", nn_dtype_name(*dt));
    if (!fl && !nn_dtype_is_int(*dt))
        return interp_error(I, ERR_VALUE, "Invalid integer data type '%c'.", nn_dtype_is_float(*dt) ? 'f' : 'b');
    return true;
}

static bool info_scalar(Interp *I, NnDType dt, double v, Value *out)
{
    return tensor_value_wrap(I, nn_tensor_scalar(interp_nn(I), dt, v), TENSOR_SCALAR, out);
}

static bool finfo_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    InfoObj *o = ((ObjNativeObj *)self.as.o)->data;
    bool f32 = o->dt == NN_F32;
    *found = true;
    if (strcmp(name, "eps") == 0)
        return info_scalar(I, o->dt, f32 ? FLT_EPSILON : DBL_EPSILON, out);
    if (strcmp(name, "max") == 0)
        return info_scalar(I, o->dt, f32 ? FLT_MAX : DBL_MAX, out);
    if (strcmp(name, "min") == 0)
        return info_scalar(I, o->dt, f32 ? -FLT_MAX : -DBL_MAX, out);
    if (strcmp(name, "tiny") == 0 || strcmp(name, "smallest_normal") == 0)
        return info_scalar(I, o->dt, f32 ? FLT_MIN : DBL_MIN, out);
    if (strcmp(name, "resolution") == 0)
        return info_scalar(I, o->dt, f32 ? 1e-6 : 1e-15, out);
    if (strcmp(name, "epsneg") == 0)
        return info_scalar(I, o->dt, f32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2, out);
    if (strcmp(name, "bits") == 0)
        *out = val_int(f32 ? 32 : 64);
    else if (strcmp(name, "precision") == 0)
        *out = val_int(f32 ? 6 : 15);
    else if (strcmp(name, "dtype") == 0)
        return tensor_dtype_value(I, o->dt, DTYPE_NP, out);
    else
        *found = false;
    return true;
}

static bool iinfo_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    InfoObj *o = ((ObjNativeObj *)self.as.o)->data;
    int bits = o->dt == NN_U8 ? 8 : o->dt == NN_I32 ? 32 : 64;
    *found = true;
    if (strcmp(name, "min") == 0)
        *out = val_int(o->dt == NN_U8 ? 0 : o->dt == NN_I32 ? INT32_MIN : INT64_MIN);
    else if (strcmp(name, "max") == 0)
        *out = val_int(o->dt == NN_U8 ? 255 : o->dt == NN_I32 ? INT32_MAX : INT64_MAX);
    else if (strcmp(name, "bits") == 0)
        *out = val_int(bits);
    else if (strcmp(name, "dtype") == 0)
        return tensor_dtype_value(I, o->dt, DTYPE_NP, out);
    else
        *found = false;
    return true;
}

static bool finfo_repr(Interp *I, Value self, StrBuf *sb)
{
    InfoObj *o = ((ObjNativeObj *)self.as.o)->data;
    (void)I;
    if (o->dt == NN_F32)
        sb_puts(sb, "finfo(resolution=1e-06, min=-3.4028235e+38, max=3.4028235e+38, dtype=float32)");
    else
        sb_puts(sb, "finfo(resolution=1e-15, min=-1.7976931348623157e+308, max=1.7976931348623157e+308, dtype=float64)");
    return true;
}

static bool iinfo_repr(Interp *I, Value self, StrBuf *sb)
{
    InfoObj *o = ((ObjNativeObj *)self.as.o)->data;
    Value mn, mx;
    bool f;
    iinfo_getattr(I, self, "min", &mn, &f);
    iinfo_getattr(I, self, "max", &mx, &f);
    sb_printf(sb, "iinfo(min=%lld, max=%lld, dtype=%s)", (long long)mn.as.i, (long long)mx.as.i,
              nn_dtype_name(o->dt));
    return true;
}

/* print(np.iinfo(t)): numpy's table. */
static bool iinfo_str(Interp *I, Value self, StrBuf *sb)
{
    InfoObj *o = ((ObjNativeObj *)self.as.o)->data;
    Value mn, mx;
    bool f;
    const char *rule = "---------------------------------------------------------------";
    iinfo_getattr(I, self, "min", &mn, &f);
    iinfo_getattr(I, self, "max", &mx, &f);
    sb_printf(sb, "Machine parameters for %s\n%s\nmin = %lld\nmax = %lld\n%s\n", nn_dtype_name(o->dt),
              rule, (long long)mn.as.i, (long long)mx.as.i, rule);
    return true;
}

static const char *const finfo_attrs[] = {"eps", "max", "min", "tiny", "smallest_normal", "resolution",
                                          "epsneg", "bits", "precision", "dtype", NULL};
static const char *const iinfo_attrs[] = {"min", "max", "bits", "dtype", NULL};
static const NativeClass finfo_class = {
    .name = "finfo", .module = "numpy", .finalize = free, .getattr = finfo_getattr, .repr = finfo_repr,
    .attrs = finfo_attrs, .doc = "Machine limits of a float type: eps, max, min, tiny, resolution.",
};
static const NativeClass iinfo_class = {
    .name = "iinfo", .module = "numpy", .finalize = free, .getattr = iinfo_getattr, .repr = iinfo_repr, .str = iinfo_str,
    .attrs = iinfo_attrs, .doc = "Machine limits of an integer type: min, max, bits.",
};

static bool info_new(Interp *I, const Args *a, bool fl, Value *out)
{
    NnDType dt;
    if (!info_dtype(I, a, fl ? "finfo" : "iinfo", fl, &dt))
        return false;
    InfoObj *o = malloc(sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    o->dt = dt;
    return native_obj_new(I, fl ? &finfo_class : &iinfo_class, o, out);
}

static bool np_finfo(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return info_new(I, a, true, out);
}

static bool np_iinfo(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return info_new(I, a, false, out);
}


#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef np_more_defs[] = {
    D("einsum", np_einsum, "einsum(subscripts, *operands)",
      "Einstein summation.\n  np.einsum('ij,jk->ik', a, b); np.einsum('i,i->', x, y)"),
    D("tensordot", np_tensordot, "tensordot(a, b, axes=2)", "Sum of products over the given axes."),
    D("inner", np_inner, "inner(a, b)", "Inner product over the last axes."),
    D("percentile", np_percentile, "percentile(a, q, axis=None, keepdims=False)", "q-th percentile (linear interpolation)."),
    D("quantile", np_quantile, "quantile(a, q, axis=None, keepdims=False)", "q-th quantile (linear interpolation)."),
    D("nansum", np_nansum, "nansum(a, axis=None, keepdims=False)", "Sum treating NaN as zero."),
    D("nanmean", np_nanmean, "nanmean(a, axis=None, keepdims=False)", "Mean ignoring NaNs."),
    D("nanmax", np_nanmax, "nanmax(a, axis=None, keepdims=False)", "Maximum ignoring NaNs."),
    D("nanmin", np_nanmin, "nanmin(a, axis=None, keepdims=False)", "Minimum ignoring NaNs."),
    D("nanstd", np_nanstd, "nanstd(a, axis=None, ddof=0, keepdims=False)", "Standard deviation ignoring NaNs."),
    D("nanvar", np_nanvar, "nanvar(a, axis=None, ddof=0, keepdims=False)", "Variance ignoring NaNs."),
    D("ptp", np_ptp, "ptp(a, axis=None, keepdims=False)", "Range of values (max - min)."),
    D("average", np_average, "average(a, axis=None, weights=None)", "Weighted average."),
    D("logspace", np_logspace, "logspace(start, stop, num=50, endpoint=True, base=10.0)", "Numbers spaced evenly on a log scale."),
    D("fmax", np_fmax, "fmax(x1, x2)", "Element-wise maximum ignoring NaNs."),
    D("fmin", np_fmin, "fmin(x1, x2)", "Element-wise minimum ignoring NaNs."),
    D("rint", np_rint, "rint(x)", "Rounds to the nearest integer (half to even)."),
    D("isscalar", np_isscalar, "isscalar(element)", "True for Python and numpy scalars."),
    D("copy", np_copy, "copy(a)", "An array copy of a."),
    D("size", np_size, "size(a, axis=None)", "Number of elements (along axis)."),
    D("ndim", np_ndim, "ndim(a)", "Number of dimensions."),
    D("finfo", np_finfo, "finfo(dtype)", "Machine limits of a float type.\n  np.finfo(np.float32).eps"),
    D("iinfo", np_iinfo, "iinfo(int_type)", "Machine limits of an integer type.\n  np.iinfo(np.int32).max"),
    {NULL, NULL, NULL, NULL}
};
