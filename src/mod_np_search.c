/* mod_np_search.c - numpy's searching, counting and resampling functions:
 * searchsorted, digitize, isin/in1d, histogram, interp, nan_to_num.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  Values
 * are compared as float64 (numpy compares ints exactly; ints beyond 2^53 are
 * the difference).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

/* ---- searching and counting ---- */

/* First index in sorted s[0..n) with s[i] >= x (left) or > x (right). */
static int64_t bisect(const NnTensor *s, int64_t n, double x, bool right)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        double m = nn_tensor_get_f64(s, mid);
        if (right ? m <= x : m < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool search_common(Interp *I, Value av, Value vv, bool right, bool digitize, Value *out)
{
    NnTensor *s, *x;
    if (!np_tensor(I, av, &s))
        return false;
    if (!np_tensor(I, vv, &x)) {
        nn_tensor_unref(s);
        return false;
    }
    if (s->ndim != 1) {
        nn_tensor_unref(s);
        nn_tensor_unref(x);
        return interp_error(I, ERR_VALUE, digitize ? "object too deep for desired array"
                                                   : "object of too small depth for desired array");
    }
    int64_t n = s->shape[0];
    bool desc = digitize && n > 1 && nn_tensor_get_f64(s, 0) > nn_tensor_get_f64(s, n - 1);
    NnTensor *r = nn_tensor_new(CTX, NN_I64, x->ndim, x->shape);
    for (int64_t i = 0; r && i < nn_tensor_numel(x); i++) {
        double q = nn_tensor_get_f64(x, i);
        int64_t k;
        if (desc) {   /* digitize on decreasing bins: count of bins above (or at) q */
            int64_t lo = 0, hi = n;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                double m = nn_tensor_get_f64(s, mid);
                if (right ? m >= q : m > q)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            k = lo;
        } else {
            k = bisect(s, n, q, right);
        }
        nn_tensor_set_i64(r, i, k);
    }
    nn_tensor_unref(s);
    nn_tensor_unref(x);
    return np_wrap(I, r, out);
}

static bool np_searchsorted(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    const char *side = "left";
    UNUSED_SELF;
    if (!args_parse(I, "searchsorted", a, "a, v, side=, sorter=", v) ||
        (np_given(v[2]) && !arg_str(I, "searchsorted", "side", v[2], &side)))
        return false;
    if (strcmp(side, "left") && strcmp(side, "right"))
        return interp_error(I, ERR_VALUE, "side must be 'left' or 'right' (got '%s')", side);
    if (np_given(v[3]))
        return interp_error(I, ERR_VALUE, "nnsh's searchsorted does not take sorter=");
    return search_common(I, v[0], v[1], side[0] == 'r', false, out);
}

static bool np_digitize(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    bool right = false;
    UNUSED_SELF;
    if (!args_parse(I, "digitize", a, "x, bins, right=", v) ||
        (np_given(v[2]) && !value_truth(I, v[2], &right)))
        return false;
    return search_common(I, v[1], v[0], !right, true, out);
}

static int cmp_f64(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bool isin_common(Interp *I, Value ev, Value tv, bool invert, bool flat, Value *out)
{
    NnTensor *e, *t, *r = NULL;
    if (!np_tensor(I, ev, &e))
        return false;
    if (!np_tensor(I, tv, &t)) {
        nn_tensor_unref(e);
        return false;
    }
    int64_t m = nn_tensor_numel(t), ne = nn_tensor_numel(e);
    double *vals = malloc((size_t)(m ? m : 1) * sizeof *vals);
    if (vals) {
        for (int64_t i = 0; i < m; i++)
            vals[i] = nn_tensor_get_f64(t, i);
        qsort(vals, (size_t)m, sizeof *vals, cmp_f64);
        int nd = flat ? 1 : e->ndim;
        r = nn_tensor_new(CTX, NN_BOOL, nd, flat ? &ne : e->shape);
        for (int64_t i = 0; r && i < ne; i++) {
            double x = nn_tensor_get_f64(e, i);
            bool hit = bsearch(&x, vals, (size_t)m, sizeof *vals, cmp_f64) != NULL;
            nn_tensor_set_i64(r, i, hit != invert);
        }
    }
    free(vals);
    nn_tensor_unref(e);
    nn_tensor_unref(t);
    if (!vals)
        return interp_error(I, ERR_MEMORY, "out of memory");
    return np_wrap(I, r, out);
}

static bool np_isin(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    bool inv = false;
    UNUSED_SELF;
    if (!args_parse(I, "isin", a, "element, test_elements, assume_unique=, invert=", v) ||
        (np_given(v[3]) && !value_truth(I, v[3], &inv)))
        return false;
    return isin_common(I, v[0], v[1], inv, false, out);
}

static bool np_in1d(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    bool inv = false;
    UNUSED_SELF;
    if (!args_parse(I, "in1d", a, "ar1, ar2, assume_unique=, invert=", v) ||
        (np_given(v[3]) && !value_truth(I, v[3], &inv)))
        return false;
    return isin_common(I, v[0], v[1], inv, true, out);
}

/* ---- histogram ---- */

/* Bin edges: `bins` equal bins over [lo, hi] (numpy widens an empty range by 0.5). */
static NnTensor *hist_edges(Interp *I, Value bins, Value range, NnTensor *x, bool *uniform)
{
    NnTensor *e;
    if (bins.kind == VAL_UNSET || bins.kind == VAL_INT) {
        int64_t nb = bins.kind == VAL_INT ? bins.as.i : 10;
        double lo = INFINITY, hi = -INFINITY;
        if (nb < 1)
            return interp_error(I, ERR_VALUE, "`bins` must be positive, when an integer"), NULL;
        if (np_given(range)) {
            NnTensor *r;
            if (!tensor_from_value(I, range, NN_F64, TENSOR_NP, &r))
                return NULL;
            lo = nn_tensor_numel(r) == 2 ? nn_tensor_get_f64(r, 0) : NAN;
            hi = nn_tensor_numel(r) == 2 ? nn_tensor_get_f64(r, 1) : NAN;
            nn_tensor_unref(r);
            if (!(lo <= hi))
                return interp_error(I, ERR_VALUE, "max must be larger than min in range parameter."), NULL;
        } else {
            for (int64_t i = 0; i < nn_tensor_numel(x); i++) {
                double v = nn_tensor_get_f64(x, i);
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            if (nn_tensor_numel(x) == 0)
                lo = 0, hi = 1;
        }
        if (lo == hi)
            lo -= 0.5, hi += 0.5;
        *uniform = true;
        e = nn_linspace(CTX, lo, hi, nb + 1, true, NN_F64);
        return e ? e : (interp_error_from_nn(I), NULL);
    }
    *uniform = false;
    if (!tensor_from_value(I, bins, NN_F64, TENSOR_NP, &e))
        return NULL;
    for (int64_t i = 1; i < nn_tensor_numel(e); i++)
        if (nn_tensor_get_f64(e, i) < nn_tensor_get_f64(e, i - 1)) {
            nn_tensor_unref(e);
            return interp_error(I, ERR_VALUE, "`bins` must increase monotonically, when an array"), NULL;
        }
    return e;
}

/* The bin of v (numpy's search with the last edge inclusive), -1 outside. */
static int64_t hist_bin(const NnTensor *e, int64_t nb, double v, bool uniform)
{
    double first = nn_tensor_get_f64(e, 0), last = nn_tensor_get_f64(e, nb);
    if (!(v >= first && v <= last))
        return -1;
    int64_t k;
    if (uniform) {   /* numpy's fast path, corrected against the edges */
        k = (int64_t)((v - first) * ((double)nb / (last - first)));
        if (k == nb)
            k--;
        if (v < nn_tensor_get_f64(e, k))
            k--;
        else if (v >= nn_tensor_get_f64(e, k + 1) && k != nb - 1)
            k++;
        return k;
    }
    k = bisect(e, nb + 1, v, true) - 1;
    return k >= nb ? nb - 1 : k;
}

static bool np_histogram(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *x, *e, *w = NULL, *h;
    bool uniform, density = false;
    UNUSED_SELF;
    if (!args_parse(I, "histogram", a, "a, bins=, range=, density=, weights=", v) ||
        (np_given(v[3]) && !value_truth(I, v[3], &density)) ||
        !tensor_from_value(I, v[0], NN_F64, TENSOR_NP, &x))
        return false;
    if (!(e = hist_edges(I, v[1], v[2], x, &uniform)) ||
        (np_given(v[4]) && !tensor_from_value(I, v[4], NN_F64, TENSOR_NP, &w))) {
        nn_tensor_unref(x);
        nn_tensor_unref(e);
        return false;
    }
    int64_t nb = nn_tensor_numel(e) - 1;
    NnTensor *edges = e;   /* returned in the dtype given (bins=[0, 1, 2] stays int) */
    if (!uniform && !tensor_from_value(I, v[1], -1, TENSOR_NP, &edges))
        edges = nn_tensor_ref(e), interp_clear_error(I);
    h = nn_tensor_new(CTX, density || w ? NN_F64 : NN_I64, 1, &nb);
    double total = 0;
    for (int64_t i = 0; h && i < nn_tensor_numel(x); i++) {
        int64_t k = hist_bin(e, nb, nn_tensor_get_f64(x, i), uniform);
        double wt = w ? nn_tensor_get_f64(w, i) : 1.0;
        if (k < 0)
            continue;
        total += wt;
        if (h->dtype == NN_I64)
            nn_tensor_set_i64(h, k, nn_tensor_get_i64(h, k) + 1);
        else
            nn_tensor_set_f64(h, k, nn_tensor_get_f64(h, k) + wt);
    }
    for (int64_t k = 0; h && density && k < nb; k++)
        nn_tensor_set_f64(h, k, nn_tensor_get_f64(h, k) / total /
                                (nn_tensor_get_f64(e, k + 1) - nn_tensor_get_f64(e, k)));
    nn_tensor_unref(x);
    nn_tensor_unref(w);
    if (edges != e)
        nn_tensor_unref(e);
    NnTensor *pair[2] = {h, edges};
    return np_tensor_list(I, pair, 2, true, out);
}

/* ---- interp, nan_to_num ---- */

static bool np_interp(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    NnTensor *x, *xp = NULL, *fp = NULL, *r = NULL;
    double left = NAN, right = NAN;
    UNUSED_SELF;
    if (!args_parse(I, "interp", a, "x, xp, fp, left=, right=, period=", v) ||
        (np_given(v[3]) && !arg_float(I, "interp", "left", v[3], &left)) ||
        (np_given(v[4]) && !arg_float(I, "interp", "right", v[4], &right)) ||
        !tensor_from_value(I, v[0], NN_F64, TENSOR_NP, &x))
        return false;
    bool ok = tensor_from_value(I, v[1], NN_F64, TENSOR_NP, &xp) &&
              tensor_from_value(I, v[2], NN_F64, TENSOR_NP, &fp);
    int64_t n = ok ? nn_tensor_numel(xp) : 0;
    if (ok && (xp->ndim != 1 || fp->ndim != 1 || n != nn_tensor_numel(fp)))
        ok = interp_error(I, ERR_VALUE, "fp and xp are not of the same length.");
    if (ok && n == 0)
        ok = interp_error(I, ERR_VALUE, "array of sample points is empty");
    if (ok && !(r = nn_tensor_new(CTX, NN_F64, x->ndim, x->shape)))
        ok = interp_error_from_nn(I);
    for (int64_t i = 0; ok && i < nn_tensor_numel(x); i++) {
        double q = nn_tensor_get_f64(x, i), y;
        if (isnan(q))
            y = q;
        else if (q < nn_tensor_get_f64(xp, 0))
            y = isnan(left) ? nn_tensor_get_f64(fp, 0) : left;
        else if (q > nn_tensor_get_f64(xp, n - 1))
            y = isnan(right) ? nn_tensor_get_f64(fp, n - 1) : right;
        else {
            int64_t k = bisect(xp, n, q, true) - 1;
            if (k >= n - 1)
                y = nn_tensor_get_f64(fp, n - 1);
            else {
                double x0 = nn_tensor_get_f64(xp, k), x1 = nn_tensor_get_f64(xp, k + 1);
                double f0 = nn_tensor_get_f64(fp, k), f1 = nn_tensor_get_f64(fp, k + 1);
                double slope = (f1 - f0) / (x1 - x0);
                y = slope * (q - x0) + f0;
            }
        }
        nn_tensor_set_f64(r, i, y);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(xp);
    nn_tensor_unref(fp);
    return ok && np_wrap(I, r, out);
}

static bool np_nan_to_num(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t, *r;
    double nanv = 0, pos = NAN, neg = NAN;
    UNUSED_SELF;
    if (!args_parse(I, "nan_to_num", a, "x, copy=, nan=, posinf=, neginf=", v) ||
        (np_given(v[2]) && !arg_float(I, "nan_to_num", "nan", v[2], &nanv)) ||
        (np_given(v[3]) && !arg_float(I, "nan_to_num", "posinf", v[3], &pos)) ||
        (np_given(v[4]) && !arg_float(I, "nan_to_num", "neginf", v[4], &neg)) || !np_tensor(I, v[0], &t))
        return false;
    r = nn_tensor_copy(CTX, t);
    nn_tensor_unref(t);
    if (!r)
        return interp_error_from_nn(I);
    double big = r->dtype == NN_F32 ? FLT_MAX : DBL_MAX;
    for (int64_t i = 0; nn_dtype_is_float(r->dtype) && i < nn_tensor_numel(r); i++) {
        double x = nn_tensor_get_f64(r, i);
        if (isnan(x))
            nn_tensor_set_f64(r, i, nanv);
        else if (isinf(x))
            nn_tensor_set_f64(r, i, x > 0 ? (isnan(pos) ? big : pos) : (isnan(neg) ? -big : neg));
    }
    return np_wrap(I, r, out);
}

#define D(name, fn, sig, doc) {name, fn, sig, doc}

const NativeDef np_search_defs[] = {
    D("searchsorted", np_searchsorted, "searchsorted(a, v, side='left')", "Where v would be inserted to keep a sorted."),
    D("digitize", np_digitize, "digitize(x, bins, right=False)", "The bin index of each value."),
    D("isin", np_isin, "isin(element, test_elements, invert=False)", "True where element is in test_elements."),
    D("in1d", np_in1d, "in1d(ar1, ar2, invert=False)", "isin of the flattened ar1."),
    D("histogram", np_histogram, "histogram(a, bins=10, range=None, density=False, weights=None)",
      "Counts per bin and the bin edges.\n  hist, edges = np.histogram(x, bins=5)"),
    D("interp", np_interp, "interp(x, xp, fp, left=None, right=None)", "Piecewise-linear interpolation."),
    D("nan_to_num", np_nan_to_num, "nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)", "NaN and infinities replaced by numbers."),
    {NULL, NULL, NULL, NULL}
};
