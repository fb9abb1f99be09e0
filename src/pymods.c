/* pymods.c - Python's standard modules that scripts import: math, time,
 * sys and string (random is in pymods_random.c; os, os.path and functools in
 * pymods_os.c).  Results
 * and error messages follow Python 3.11 ("math domain error", ...).
 *
 * Owned by the built-ins engineer.  Modules are registered lazily with
 * interp_register_module and built on first import.  Depends on value.h,
 * interp.h and modules.h only.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "modules.h"
#include "methods_internal.h"
#include "bigint.h"
#include "bigint_math.h"
#include "object.h"

static const char *tname(Value v)
{
    return v.kind == VAL_NONE ? "NoneType" : value_type_name(v);
}

/* A real number argument, with Python's TypeError otherwise. */
static bool real(Interp *I, Value v, double *out)
{
    switch (v.kind) {
    case VAL_INT: *out = (double)v.as.i; return true;
    case VAL_BOOL: *out = v.as.b; return true;
    case VAL_FLOAT: *out = v.as.f; return true;
    default: break;
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ))
        return value_to_float(I, v, out);
    return interp_error(I, ERR_TYPE, "must be real number, not %s", tname(v));
}

/* An integral argument (int or bool; a float is a TypeError as in Python). */
static bool integral(Interp *I, Value v, int64_t *out)
{
    if (v.kind == VAL_FLOAT)
        return interp_error(I, ERR_TYPE, "'float' object cannot be interpreted as an integer");
    return value_as_index(I, v, out);
}

/* ---- math: one-argument functions ---- */

static double degrees(double x) { return x * (180.0 / M_PI); }
static double radians(double x) { return x * (M_PI / 180.0); }

/* Python's math_1: NaN from a non-NaN is a domain error, an infinity from a
 * finite x is a range error (can_overflow) or a domain error. */
static bool math1(Interp *I, const Args *a, const char *fname, double (*fn)(double),
                  bool can_overflow, Value *out)
{
    Value x;
    double d;
    if (!args_parse(I, fname, a, "x", &x) || !real(I, x, &d))
        return false;
    bool pole = (fn == tgamma || fn == lgamma) && d <= 0 && d == floor(d);
    if (pole || ((fn == log10 || fn == log2) && d <= 0) || (fn == log1p && d <= -1))
        return interp_error(I, ERR_VALUE, "math domain error");
    double r = fn(d);
    if (isnan(r) && !isnan(d))
        return interp_error(I, ERR_VALUE, "math domain error");
    if (isinf(r) && isfinite(d))
        return can_overflow ? interp_error(I, ERR_OVERFLOW, "math range error")
                            : interp_error(I, ERR_VALUE, "math domain error");
    *out = val_float(r);
    return true;
}

#define MATH1(name, fn, ovf) \
    static bool m1_##name(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return math1(I, a, "math." #name, fn, ovf, out); }
MATH1(acos, acos, false)
MATH1(acosh, acosh, false)
MATH1(asin, asin, false)
MATH1(asinh, asinh, false)
MATH1(atan, atan, false)
MATH1(atanh, atanh, false)
MATH1(cbrt, cbrt, false)
MATH1(cos, cos, false)
MATH1(cosh, cosh, true)
MATH1(degrees, degrees, false)
MATH1(erf, erf, false)
MATH1(erfc, erfc, false)
MATH1(exp, exp, true)
MATH1(exp2, exp2, true)
MATH1(expm1, expm1, true)
MATH1(fabs, fabs, false)
MATH1(gamma, tgamma, true)
MATH1(lgamma, lgamma, true)
MATH1(log10, log10, false)
MATH1(log1p, log1p, false)
MATH1(log2, log2, false)
MATH1(radians, radians, false)
MATH1(sin, sin, false)
MATH1(sinh, sinh, true)
MATH1(sqrt, sqrt, false)
MATH1(tan, tan, false)
MATH1(tanh, tanh, false)

/* ---- math: the others ---- */

static bool m_log(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    double x, b = M_E;
    bool bx = false;
    if (!args_parse(I, "math.log", a, "x, base=", v))
        return false;
    if (bigint_is(v[0]) && bigint_sign(v[0]) > 0)
        x = bigint_log(v[0]), bx = true;       /* beyond float range: exact exponent */
    else if (!real(I, v[0], &x))
        return false;
    if (v[1].kind != VAL_UNSET && !real(I, v[1], &b))
        return false;
    if (x <= 0 || b <= 0)
        return interp_error(I, ERR_VALUE, "math domain error");
    double lx = bx ? x : log(x);
    if (v[1].kind == VAL_UNSET) {
        *out = val_float(lx);
        return true;
    }
    if (b == 1)
        return interp_error(I, ERR_ZERO_DIVISION, "float division by zero");
    *out = val_float(lx / log(b));
    return true;
}

static bool m_pow(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    double x, y;
    if (!args_parse(I, "math.pow", a, "x, y", v) || !real(I, v[0], &x) || !real(I, v[1], &y))
        return false;
    if (x == 0 && y < 0)
        return interp_error(I, ERR_VALUE, "math domain error");
    double r = pow(x, y);
    if (isnan(r) && !isnan(x) && !isnan(y))
        return interp_error(I, ERR_VALUE, "math domain error");
    if (isinf(r) && isfinite(x) && isfinite(y))
        return interp_error(I, ERR_OVERFLOW, "math range error");
    *out = val_float(r);
    return true;
}

static bool two_reals(Interp *I, const Args *a, const char *fname, const char *spec, double *x,
                      double *y)
{
    Value v[2];
    return args_parse(I, fname, a, spec, v) && real(I, v[0], x) && real(I, v[1], y);
}

static bool m_atan2(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    double y, x;
    if (!two_reals(I, a, "math.atan2", "y, x", &y, &x))
        return false;
    *out = val_float(atan2(y, x));
    return true;
}

static bool m_copysign(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    double x, y;
    if (!two_reals(I, a, "math.copysign", "x, y", &x, &y))
        return false;
    *out = val_float(copysign(x, y));
    return true;
}

static bool m_fmod(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    double x, y;
    if (!two_reals(I, a, "math.fmod", "x, y", &x, &y))
        return false;
    if ((y == 0 && !isnan(x)) || isinf(x))
        return interp_error(I, ERR_VALUE, "math domain error");
    *out = val_float(fmod(x, y));
    return true;
}

/* CPython 3.11's vector_norm: scaled, with lossless squares and sums and a
 * final differential correction, so hypot/dist round as Python's do. */
static double vector_norm(size_t n, double *vec, double max, bool found_nan)
{
    if (isinf(max))
        return max;
    if (found_nan)
        return NAN;
    if (max == 0.0 || n <= 1)
        return max;
    int max_e;
    frexp(max, &max_e);
    if (max_e < -1023) {
        for (size_t i = 0; i < n; i++)
            vec[i] /= DBL_MIN;
        return DBL_MIN * vector_norm(n, vec, max / DBL_MIN, found_nan);
    }
    double scale = ldexp(1.0, -max_e), csum = 1.0, frac1 = 0.0, frac2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = vec[i] * scale, hi = x * x, lo = fma(x, x, -hi);
        double sum = csum + hi;
        frac2 += (csum - sum) + hi;
        csum = sum;
        frac1 += lo;
    }
    double h = sqrt(csum - 1.0 + (frac1 + frac2));
    double phi = -h * h, plo = fma(-h, h, -phi), sum = csum + phi;
    frac2 += (csum - sum) + phi;
    csum = sum;
    frac1 += plo;
    double x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    return h / scale;
}

/* The norm of n coordinates (p minus q when q is given). */
static bool norm_of(Interp *I, const Value *p, const Value *q, size_t n, Value *out)
{
    double *vec = malloc((n ? n : 1) * sizeof *vec), max = 0;
    bool found_nan = false;
    if (!vec)
        return interp_error(I, ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) {
        double x, y = 0;
        if (!real(I, p[i], &x) || (q && !real(I, q[i], &y))) {
            free(vec);
            return false;
        }
        vec[i] = fabs(x - y);
        found_nan |= isnan(vec[i]);
        if (vec[i] > max)
            max = vec[i];
    }
    *out = val_float(vector_norm(n, vec, max, found_nan));
    free(vec);
    return true;
}

static bool m_hypot(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "hypot() takes no keyword arguments");
    return norm_of(I, a->pos, NULL, (size_t)a->npos, out);
}

static bool m_dist(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], p, q;
    if (!args_parse(I, "math.dist", a, "p, q", v))
        return false;
    for (int i = 0; i < 2; i++)
        if (!val_is_obj(v[i], OBJ_TUPLE) && !val_is_obj(v[i], OBJ_LIST))
            return interp_error(I, ERR_TYPE, "dist() argument %d must be tuple, not %s", i + 1,
                                value_type_name(v[i]));
    p = v[0];
    q = v[1];
    if (as_list(p)->len != as_list(q)->len)
        return interp_error(I, ERR_VALUE, "both points must have the same number of dimensions");
    return norm_of(I, as_list(p)->items, as_list(q)->items, as_list(p)->len, out);
}

static bool m_modf(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    double d, ip;
    if (!args_parse(I, "math.modf", a, "x", &x) || !real(I, x, &d))
        return false;
    double fp = isinf(d) ? copysign(0.0, d) : modf(d, &ip);
    if (isinf(d))
        ip = d;
    return tuple_pack(I, out, 2, val_float(fp), val_float(ip));
}

static bool m_frexp(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    double d;
    int e = 0;
    if (!args_parse(I, "math.frexp", a, "x", &x) || !real(I, x, &d))
        return false;
    double m = isfinite(d) ? frexp(d, &e) : d;
    return tuple_pack(I, out, 2, val_float(m), val_int(e));
}

static bool m_ldexp(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    double x;
    int64_t e;
    if (!args_parse(I, "math.ldexp", a, "x, i", v) || !real(I, v[0], &x))
        return false;
    if (v[1].kind != VAL_INT && v[1].kind != VAL_BOOL)
        return interp_error(I, ERR_TYPE, "Expected an int as second argument to ldexp.");
    e = v[1].kind == VAL_INT ? v[1].as.i : v[1].as.b;
    double r = ldexp(x, e > 100000 ? 100000 : e < -100000 ? -100000 : (int)e);
    if (isinf(r) && isfinite(x))
        return interp_error(I, ERR_OVERFLOW, "math range error");
    *out = val_float(r);
    return true;
}

static bool m_remainder(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    double x, y;
    if (!two_reals(I, a, "math.remainder", "x, y", &x, &y))
        return false;
    if (!isnan(x) && !isnan(y) && (isinf(x) || y == 0))
        return interp_error(I, ERR_VALUE, "math domain error");
    *out = val_float(remainder(x, y));
    return true;
}

static bool m_nextafter(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    double x, y;
    if (!two_reals(I, a, "math.nextafter", "x, y", &x, &y))
        return false;
    *out = val_float(nextafter(x, y));
    return true;
}

static bool m_ulp(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v;
    double x;
    if (!args_parse(I, "math.ulp", a, "x", &v) || !real(I, v, &x))
        return false;
    x = fabs(x);
    if (isnan(x) || isinf(x)) {
        *out = val_float(x);
        return true;
    }
    double x2 = nextafter(x, INFINITY);
    if (isinf(x2))
        x2 = x - nextafter(x, -INFINITY), x = 0;
    *out = val_float(x2 - x);
    return true;
}

/* floor/ceil/trunc: an int, as Python.  An instance of a user class that
 * defines the method `dunder` (__floor__, ...) answers itself (Fraction);
 * otherwise it goes through __float__. */
static bool rounding(Interp *I, const Args *a, const char *fname, const char *dunder,
                     double (*fn)(double), Value *out)
{
    Value x;
    double d;
    bool found;
    if (!args_parse(I, fname, a, "x", &x))
        return false;
    if (x.kind == VAL_INT || x.kind == VAL_BOOL || bigint_is(x)) {
        *out = x.kind == VAL_BOOL ? val_int(x.as.b) : x;
        value_incref(*out);
        return true;
    }
    if (val_is_obj(x, OBJ_INSTANCE)) {
        if (!user_instance_special(I, x, dunder, 0, NULL, out, &found))
            return false;
        if (found)
            return true;
        if (fn == trunc)   /* no __float__ fallback, as CPython */
            return interp_error(I, ERR_TYPE, "type %s doesn't define __trunc__ method",
                                tname(x));
        if (!value_to_float(I, x, &d))
            return false;
    } else if (!real(I, x, &d))
        return false;
    return bigint_from_double(I, fn(d), out);
}

static bool m_floor(Interp *I, Value s, const Args *a, Value *o) { (void)s; return rounding(I, a, "math.floor", "__floor__", floor, o); }
static bool m_ceil(Interp *I, Value s, const Args *a, Value *o) { (void)s; return rounding(I, a, "math.ceil", "__ceil__", ceil, o); }
static bool m_trunc(Interp *I, Value s, const Args *a, Value *o) { (void)s; return rounding(I, a, "math.trunc", "__trunc__", trunc, o); }

typedef enum { P_NAN, P_INF, P_FINITE } FloatPred;

static bool predicate(Interp *I, const Args *a, const char *fname, FloatPred p, Value *out)
{
    Value x;
    double d;
    if (!args_parse(I, fname, a, "x", &x) || !real(I, x, &d))
        return false;
    *out = val_bool(p == P_NAN ? isnan(d) : p == P_INF ? isinf(d) : isfinite(d));
    return true;
}

static bool m_isnan(Interp *I, Value s, const Args *a, Value *o) { (void)s; return predicate(I, a, "math.isnan", P_NAN, o); }
static bool m_isinf(Interp *I, Value s, const Args *a, Value *o) { (void)s; return predicate(I, a, "math.isinf", P_INF, o); }
static bool m_isfinite(Interp *I, Value s, const Args *a, Value *o) { (void)s; return predicate(I, a, "math.isfinite", P_FINITE, o); }

static bool m_isclose(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[4];
    double x, y, rel = 1e-9, abs_tol = 0;
    if (!args_parse(I, "math.isclose", a, "a, b, *, rel_tol=, abs_tol=", v) ||
        !real(I, v[0], &x) || !real(I, v[1], &y) ||
        (v[2].kind != VAL_UNSET && !real(I, v[2], &rel)) ||
        (v[3].kind != VAL_UNSET && !real(I, v[3], &abs_tol)))
        return false;
    if (rel < 0 || abs_tol < 0)
        return interp_error(I, ERR_VALUE, "tolerances must be non-negative");
    if (x == y) {
        *out = val_bool(true);
        return true;
    }
    if (isinf(x) || isinf(y)) {
        *out = val_bool(false);
        return true;
    }
    double diff = fabs(y - x);
    *out = val_bool((diff <= fabs(rel * y)) || (diff <= fabs(rel * x)) || diff <= abs_tol);
    return true;
}

static bool m_factorial(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    return args_parse(I, "math.factorial", a, "n", &x) && bigint_factorial(I, x, out);
}

static bool m_gcd(Interp *I, Value s, const Args *a, Value *o) { (void)s; return bigint_gcd_lcm(I, a, false, o); }
static bool m_lcm(Interp *I, Value s, const Args *a, Value *o) { (void)s; return bigint_gcd_lcm(I, a, true, o); }

/* comb(n, k) and perm(n, k), exact (bigint_math.c). */
static bool comb_perm(Interp *I, const Args *a, const char *fname, bool comb, Value *out)
{
    Value v[2];
    return args_parse(I, fname, a, comb ? "n, k" : "n, k=", v) &&
           bigint_comb_perm(I, v[0], v[1], comb, out);
}

static bool m_comb(Interp *I, Value s, const Args *a, Value *o) { (void)s; return comb_perm(I, a, "math.comb", true, o); }
static bool m_perm(Interp *I, Value s, const Args *a, Value *o) { (void)s; return comb_perm(I, a, "math.perm", false, o); }

static bool m_isqrt(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    return args_parse(I, "math.isqrt", a, "n", &x) && bigint_isqrt(I, x, out);
}

static bool m_prod(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], items;
    if (!args_parse(I, "math.prod", a, "iterable, *, start=", v) || !value_to_list(I, v[0], &items))
        return false;
    Value acc = v[1].kind == VAL_UNSET ? val_int(1) : v[1];
    value_incref(acc);
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value r;
        ok = value_binop(I, BIN_MUL, acc, as_list(items)->items[i], &r);
        if (ok) {
            value_decref(acc);
            acc = r;
        }
    }
    value_decref(items);
    if (!ok) {
        value_decref(acc);
        return false;
    }
    *out = acc;
    return true;
}

/* fsum: Shewchuk's exact partial sums (the algorithm of Python's msum). */
static bool m_fsum(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value it, items;
    if (!args_parse(I, "math.fsum", a, "seq", &it) || !value_to_list(I, it, &items))
        return false;
    size_t n = as_list(items)->len, np = 0;
    double *p = malloc((n + 1) * sizeof *p);
    bool ok = p || interp_error(I, ERR_MEMORY, "out of memory");
    double special = 0;
    for (size_t i = 0; ok && i < n; i++) {
        double x;
        ok = real(I, as_list(items)->items[i], &x);
        if (!ok)
            break;
        if (!isfinite(x)) {
            special += x;
            continue;
        }
        size_t j = 0;
        for (size_t k = 0; k < np; k++) {
            double y = p[k];
            if (fabs(x) < fabs(y)) { double t = x; x = y; y = t; }
            double hi = x + y, lo = y - (hi - x);
            if (lo != 0)
                p[j++] = lo;
            x = hi;
        }
        np = j;
        p[np++] = x;
    }
    value_decref(items);
    if (!ok) {
        free(p);
        return false;
    }
    double hi = 0;
    if (special != 0 || isnan(special)) {
        hi = special;
    } else if (np) {
        size_t k = np - 1;
        hi = p[k];
        double lo = 0;
        while (k > 0) {
            double x = hi, y = p[--k];
            hi = x + y;
            lo = y - (hi - x);
            if (lo != 0)
                break;
        }
        if (k > 0 && ((lo < 0 && p[k - 1] < 0) || (lo > 0 && p[k - 1] > 0))) {
            double y = lo * 2, x = hi + y;
            if (y == x - hi)
                hi = x;
        }
    }
    free(p);
    *out = val_float(hi);
    return true;
}

static const NativeDef math_defs[] = {
    {"acos", m1_acos, "acos(x)", "The arc cosine of x, in radians.\nExample: math.acos(1) -> 0.0"},
    {"acosh", m1_acosh, "acosh(x)", "The inverse hyperbolic cosine of x.\nExample: math.acosh(1) -> 0.0"},
    {"asin", m1_asin, "asin(x)", "The arc sine of x, in radians.\nExample: math.asin(0) -> 0.0"},
    {"asinh", m1_asinh, "asinh(x)", "The inverse hyperbolic sine of x.\nExample: math.asinh(0) -> 0.0"},
    {"atan", m1_atan, "atan(x)", "The arc tangent of x, in radians.\nExample: math.atan(1) -> 0.7853981633974483"},
    {"atanh", m1_atanh, "atanh(x)", "The inverse hyperbolic tangent of x.\nExample: math.atanh(0) -> 0.0"},
    {"cbrt", m1_cbrt, "cbrt(x)", "The cube root of x.\nExample: math.cbrt(27) -> 3.0000000000000004"},
    {"cos", m1_cos, "cos(x)", "The cosine of x (radians).\nExample: math.cos(0) -> 1.0"},
    {"cosh", m1_cosh, "cosh(x)", "The hyperbolic cosine of x.\nExample: math.cosh(0) -> 1.0"},
    {"degrees", m1_degrees, "degrees(x)", "Converts radians to degrees.\nExample: math.degrees(math.pi) -> 180.0"},
    {"erf", m1_erf, "erf(x)", "The error function of x.\nExample: math.erf(0) -> 0.0"},
    {"erfc", m1_erfc, "erfc(x)", "The complementary error function 1 - erf(x).\nExample: math.erfc(0) -> 1.0"},
    {"exp", m1_exp, "exp(x)", "e raised to the power x.\nExample: math.exp(1) -> 2.718281828459045"},
    {"exp2", m1_exp2, "exp2(x)", "2 raised to the power x.\nExample: math.exp2(3) -> 8.0"},
    {"expm1", m1_expm1, "expm1(x)", "exp(x) - 1, accurate for small x.\nExample: math.expm1(0) -> 0.0"},
    {"fabs", m1_fabs, "fabs(x)", "The absolute value of x as a float.\nExample: math.fabs(-2) -> 2.0"},
    {"gamma", m1_gamma, "gamma(x)", "The Gamma function at x.\nExample: math.gamma(5) -> 24.0"},
    {"lgamma", m1_lgamma, "lgamma(x)", "The natural logarithm of |Gamma(x)|.\nExample: math.lgamma(1) -> 0.0"},
    {"log10", m1_log10, "log10(x)", "The base-10 logarithm of x.\nExample: math.log10(1000) -> 3.0"},
    {"log1p", m1_log1p, "log1p(x)", "The natural logarithm of 1 + x, accurate for small x.\nExample: math.log1p(0) -> 0.0"},
    {"log2", m1_log2, "log2(x)", "The base-2 logarithm of x.\nExample: math.log2(8) -> 3.0"},
    {"radians", m1_radians, "radians(x)", "Converts degrees to radians.\nExample: math.radians(180) -> 3.141592653589793"},
    {"sin", m1_sin, "sin(x)", "The sine of x (radians).\nExample: math.sin(0) -> 0.0"},
    {"sinh", m1_sinh, "sinh(x)", "The hyperbolic sine of x.\nExample: math.sinh(0) -> 0.0"},
    {"sqrt", m1_sqrt, "sqrt(x)", "The square root of x.\nExample: math.sqrt(2) -> 1.4142135623730951"},
    {"tan", m1_tan, "tan(x)", "The tangent of x (radians).\nExample: math.tan(0) -> 0.0"},
    {"tanh", m1_tanh, "tanh(x)", "The hyperbolic tangent of x.\nExample: math.tanh(0) -> 0.0"},
    {"atan2", m_atan2, "atan2(y, x)", "The arc tangent of y/x in radians, using the signs of both to pick the quadrant.\nExample: math.atan2(1, 1) -> 0.7853981633974483"},
    {"ceil", m_ceil, "ceil(x)", "The smallest int >= x.\nExample: math.ceil(1.2) -> 2"},
    {"comb", m_comb, "comb(n, k)", "The number of ways to choose k items from n.\nExample: math.comb(5, 2) -> 10"},
    {"copysign", m_copysign, "copysign(x, y)", "x with the sign of y.\nExample: math.copysign(1, -0.0) -> -1.0"},
    {"dist", m_dist, "dist(p, q)", "The Euclidean distance between points p and q (sequences of coordinates).\nExample: math.dist((0, 0), (3, 4)) -> 5.0"},
    {"frexp", m_frexp, "frexp(x)", "The mantissa and exponent of x: (m, e) with x == m * 2**e.\nExample: math.frexp(8.0) -> (0.5, 4)"},
    {"ldexp", m_ldexp, "ldexp(x, i)", "x * 2**i.\nExample: math.ldexp(1, 3) -> 8.0"},
    {"modf", m_modf, "modf(x)", "The fractional and integer parts of x, as floats.\nExample: math.modf(3.5) -> (0.5, 3.0)"},
    {"nextafter", m_nextafter, "nextafter(x, y)", "The next float after x towards y.\nExample: math.nextafter(1.0, 2.0) -> 1.0000000000000002"},
    {"remainder", m_remainder, "remainder(x, y)", "The IEEE 754 remainder of x with respect to y.\nExample: math.remainder(10, 3) -> 1.0"},
    {"ulp", m_ulp, "ulp(x)", "The value of the least significant bit of the float x.\nExample: math.ulp(1.0) -> 2.220446049250313e-16"},
    {"factorial", m_factorial, "factorial(n)", "n! for an int n >= 0.\nExample: math.factorial(5) -> 120"},
    {"floor", m_floor, "floor(x)", "The largest int <= x.\nExample: math.floor(-1.5) -> -2"},
    {"fmod", m_fmod, "fmod(x, y)", "The C remainder of x / y (sign of x).\nExample: math.fmod(-7, 3) -> -1.0"},
    {"fsum", m_fsum, "fsum(seq)", "The exactly rounded sum of the floats of seq.\nExample: math.fsum([0.1] * 10) -> 1.0"},
    {"gcd", m_gcd, "gcd(*integers)", "The greatest common divisor.\nExample: math.gcd(12, 18) -> 6"},
    {"hypot", m_hypot, "hypot(*coordinates)", "The Euclidean norm sqrt(sum(x*x)).\nExample: math.hypot(3, 4) -> 5.0"},
    {"isclose", m_isclose, "isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)", "True when a and b are close in relative or absolute terms.\nExample: math.isclose(0.1 + 0.2, 0.3) -> True"},
    {"isfinite", m_isfinite, "isfinite(x)", "True when x is neither infinite nor NaN.\nExample: math.isfinite(1e308) -> True"},
    {"isinf", m_isinf, "isinf(x)", "True when x is an infinity.\nExample: math.isinf(math.inf) -> True"},
    {"isnan", m_isnan, "isnan(x)", "True when x is NaN.\nExample: math.isnan(float('nan')) -> True"},
    {"isqrt", m_isqrt, "isqrt(n)", "The integer square root of n >= 0.\nExample: math.isqrt(10) -> 3"},
    {"lcm", m_lcm, "lcm(*integers)", "The least common multiple.\nExample: math.lcm(4, 6) -> 12"},
    {"log", m_log, "log(x, base=math.e)", "The logarithm of x to base (natural by default).\nExample: math.log(8, 2) -> 3.0"},
    {"perm", m_perm, "perm(n, k=None)", "The number of ordered arrangements of k items from n.\nExample: math.perm(5, 2) -> 20"},
    {"pow", m_pow, "pow(x, y)", "x raised to the power y, as a float.\nExample: math.pow(2, 0.5) -> 1.4142135623730951"},
    {"prod", m_prod, "prod(iterable, *, start=1)", "The product of start and the elements.\nExample: math.prod([2, 3, 4]) -> 24"},
    {"trunc", m_trunc, "trunc(x)", "x truncated toward zero, as an int.\nExample: math.trunc(-1.7) -> -1"},
    {NULL, NULL, NULL, NULL},
};

static bool add_float(Interp *I, Value mod, const char *name, double d)
{
    return module_set(I, mod, name, val_float(d));
}

static bool create_math(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "math", "Python's math module: functions of real numbers and the "
                    "constants pi, e, tau, inf and nan.", &mod))
        return false;
    bool ok = module_add_natives(I, mod, math_defs) && add_float(I, mod, "pi", M_PI) &&
              add_float(I, mod, "e", M_E) && add_float(I, mod, "tau", 2 * M_PI) &&
              add_float(I, mod, "inf", INFINITY) && add_float(I, mod, "nan", NAN);
    if (!ok) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}

/* ---- time ---- */

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool no_args(Interp *I, const char *fname, const Args *a)
{
    Value none_[1];
    return args_parse(I, fname, a, "", none_);
}

static bool t_time(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    if (!no_args(I, "time.time", a))
        return false;
    *out = val_float(clock_seconds(CLOCK_REALTIME));
    return true;
}

static bool t_time_ns(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    struct timespec ts;
    if (!no_args(I, "time.time_ns", a))
        return false;
    clock_gettime(CLOCK_REALTIME, &ts);
    *out = val_int((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    return true;
}

static bool t_perf_counter(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    if (!no_args(I, "time.perf_counter", a))
        return false;
    *out = val_float(clock_seconds(CLOCK_MONOTONIC));
    return true;
}

static bool t_process_time(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    if (!no_args(I, "time.process_time", a))
        return false;
    *out = val_float(clock_seconds(CLOCK_PROCESS_CPUTIME_ID));
    return true;
}

/* Sleeps in slices of at most 50 ms so Ctrl-C interrupts promptly. */
static bool t_sleep(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    double secs;
    if (!args_parse(I, "time.sleep", a, "secs", &v) || !real(I, v, &secs))
        return false;
    if (secs < 0)
        return interp_error(I, ERR_VALUE, "sleep length must be non-negative");
    double end = clock_seconds(CLOCK_MONOTONIC) + secs;
    for (;;) {
        if (!interp_check_interrupt(I))
            return false;
        double left = end - clock_seconds(CLOCK_MONOTONIC);
        if (left <= 0)
            break;
        if (left > 0.05)
            left = 0.05;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
    *out = val_none();
    return true;
}

static bool t_strftime(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value fmt;
    const char *f;
    if (!args_parse(I, "time.strftime", a, "format", &fmt) ||
        !arg_str(I, "strftime", "format", fmt, &f))
        return false;
    time_t now = time(NULL);
    struct tm tm;
    char buf[512];
    localtime_r(&now, &tm);
    size_t n = strftime(buf, sizeof buf, f, &tm);
    return str_new(I, buf, n, out);
}

static const NativeDef time_defs[] = {
    {"monotonic", t_perf_counter, "monotonic()", "Seconds of a clock that never goes back (for durations).\nExample: t0 = time.monotonic()"},
    {"perf_counter", t_perf_counter, "perf_counter()", "Seconds of a high-resolution clock, for timing code.\nExample: t0 = time.perf_counter(); ...; print(time.perf_counter() - t0)"},
    {"process_time", t_process_time, "process_time()", "CPU seconds used by this process.\nExample: time.process_time()"},
    {"sleep", t_sleep, "sleep(secs)", "Waits secs seconds (Ctrl-C interrupts).\nExample: time.sleep(0.5)"},
    {"strftime", t_strftime, "strftime(format)", "The local time formatted with strftime codes.\nExample: time.strftime('%Y-%m-%d')"},
    {"time", t_time, "time()", "Seconds since the Unix epoch, as a float.\nExample: time.time()"},
    {"time_ns", t_time_ns, "time_ns()", "Nanoseconds since the Unix epoch, as an int.\nExample: time.time_ns()"},
    {NULL, NULL, NULL, NULL},
};

static bool create_time(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "time", "Python's time module: clocks and sleep.", &mod))
        return false;
    if (!module_add_natives(I, mod, time_defs)) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}

/* ---- sys: stdout/stderr objects, argv, exit ---- */

typedef struct Stream {
    int fd;             /* 1 or 2 */
} Stream;

static void stream_finalize(void *data)
{
    free(data);
}

static bool stream_repr(Interp *I, Value self, StrBuf *sb);

static bool st_write(Interp *I, Value self, const Args *a, Value *out);
static bool st_flush(Interp *I, Value self, const Args *a, Value *out);

static const NativeDef stream_methods[] = {
    {"flush", st_flush, "flush()", "Flushes buffered output.\nExample: sys.stdout.flush()"},
    {"write", st_write, "write(s)", "Writes the string s and returns its length.\nExample: sys.stderr.write('warning\\n')"},
    {NULL, NULL, NULL, NULL},
};

static const NativeClass stream_class = {
    .name = "TextIOWrapper", .finalize = stream_finalize, .repr = stream_repr,
    .methods = stream_methods,
    .doc = "sys.stdout or sys.stderr: write(s) and flush(), and print(..., file=...).",
};

static bool stream_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    Stream *s = native_obj_data(self, &stream_class);
    sb_printf(sb, "<_io.TextIOWrapper name='<%s>' mode='w' encoding='utf-8'>",
              s->fd == 2 ? "stderr" : "stdout");
    return true;
}

static bool st_write(Interp *I, Value self, const Args *a, Value *out)
{
    Value v;
    if (!args_parse(I, "write", a, "s", &v))
        return false;
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_TYPE, "write() argument must be str, not %s", tname(v));
    Stream *s = native_obj_data(self, &stream_class);
    if (s->fd == 2) {
        fflush(stdout);
        fwrite(str_cstr(v), 1, as_str(v)->len, stderr);
    } else {
        interp_write(I, str_cstr(v), as_str(v)->len);
    }
    *out = val_int((int64_t)meth_cp_count(str_cstr(v), as_str(v)->len));
    return true;
}

static bool st_flush(Interp *I, Value self, const Args *a, Value *out)
{
    Stream *s = native_obj_data(self, &stream_class);
    if (!no_args(I, "flush", a))
        return false;
    fflush(s->fd == 2 ? stderr : stdout);
    *out = val_none();
    return true;
}

static bool sys_getrecursionlimit(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    if (!no_args(I, "sys.getrecursionlimit", a))
        return false;
    *out = val_int(1000);
    return true;
}

static bool sys_setrecursionlimit(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    int64_t n;
    if (!args_parse(I, "sys.setrecursionlimit", a, "limit", &v) || !integral(I, v, &n))
        return false;
    if (n < 1)
        return interp_error(I, ERR_VALUE, "recursion limit must be greater or equal than 1");
    *out = val_none();   /* nnsh keeps its fixed limit of 1000 calls */
    return true;
}

static const NativeDef sys_defs[] = {
    {"exit", builtins_exit, "exit(code=None)", "Ends the program with exit status code, as exit().\nExample: sys.exit(1)"},
    {"getrecursionlimit", sys_getrecursionlimit, "getrecursionlimit()", "The maximum call depth (1000 in nnsh).\nExample: sys.getrecursionlimit() -> 1000"},
    {"setrecursionlimit", sys_setrecursionlimit, "setrecursionlimit(limit)", "Accepted for compatibility; nnsh's call depth limit stays 1000.\nExample: sys.setrecursionlimit(5000)"},
    {NULL, NULL, NULL, NULL},
};

static bool add_stream(Interp *I, Value mod, const char *name, int fd)
{
    Stream *s = malloc(sizeof *s);
    Value v;
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->fd = fd;
    if (!native_obj_new(I, &stream_class, s, &v))
        return false;
    bool ok = module_set(I, mod, name, v);
    value_decref(v);
    return ok;
}

static bool add_value(Interp *I, Value mod, const char *name, bool made, Value v)
{
    if (!made)
        return false;
    bool ok = module_set(I, mod, name, v);
    value_decref(v);
    return ok;
}

static bool sys_fill(Interp *I, Value mod)
{
    Value v, t[3];
    bool ok = add_stream(I, mod, "stdout", 1) && add_stream(I, mod, "stderr", 2) &&
              add_value(I, mod, "stdin", builtins_file_stdin(I, &v), v) &&
              add_value(I, mod, "argv", list_new(I, 0, &v), v) &&
              add_value(I, mod, "path", list_new(I, 0, &v), v) &&
              add_value(I, mod, "version", str_from_cstr(I, "3.11.0 (nnsh)", &v), v) &&
              add_value(I, mod, "platform", str_from_cstr(I, "linux", &v), v) &&
              add_value(I, mod, "byteorder", str_from_cstr(I, "little", &v), v) &&
              module_set(I, mod, "maxsize", val_int(INT64_MAX));
    if (!ok || !str_from_cstr(I, "final", &t[0]))
        return false;
    ok = add_value(I, mod, "version_info",
                   tuple_pack(I, &v, 5, val_int(3), val_int(11), val_int(0), t[0], val_int(0)), v);
    value_decref(t[0]);
    return ok;
}

static bool create_sys(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "sys", "Python's sys module: argv, stdout, stderr, exit, version, "
                    "platform, maxsize.", &mod))
        return false;
    if (!module_add_natives(I, mod, sys_defs) || !sys_fill(I, mod)) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}

/* ---- string: the character-class constants ---- */

static bool create_string(Interp *I, Value *out)
{
    static const char *const consts[][2] = {
        {"ascii_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"ascii_lowercase", "abcdefghijklmnopqrstuvwxyz"},
        {"ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"digits", "0123456789"},
        {"hexdigits", "0123456789abcdefABCDEF"},
        {"octdigits", "01234567"},
        {"punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
        {"whitespace", " \t\n\r\x0b\x0c"},
        {"printable", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c"},
    };
    Value mod, v;
    if (!module_new(I, "string", "Python's string constants: ascii_letters, digits, "
                    "punctuation, whitespace, ...", &mod))
        return false;
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (!add_value(I, mod, consts[i][0], str_from_cstr(I, consts[i][1], &v), v)) {
            value_decref(mod);
            return false;
        }
    *out = mod;
    return true;
}

bool pymods_install(Interp *I)
{
    return interp_register_module(I, "math", create_math) &&
           interp_register_module(I, "random", pymods_random_create) &&
           interp_register_module(I, "time", create_time) &&
           interp_register_module(I, "sys", create_sys) &&
           interp_register_module(I, "os", pymods_os_create) &&
           interp_register_module(I, "os.path", pymods_os_path_create) &&
           interp_register_module(I, "functools", pymods_functools_create) &&
           interp_register_module(I, "collections", pymods_collections_create) &&
           interp_register_module(I, "string", create_string) &&
           interp_register_module(I, "json", pymods_json_create) &&
           interp_register_module(I, "itertools", pymods_itertools_create) &&
           interp_register_module(I, "heapq", pymods_heapq_create) &&
           interp_register_module(I, "bisect", pymods_bisect_create) &&
           interp_register_module(I, "copy", pymods_copy_create) &&
           interp_register_module(I, "operator", pymods_operator_create) &&
           interp_register_module(I, "typing", pymods_typing_create) &&
           interp_register_module(I, "dataclasses", pymods_dataclasses_create) &&
           interp_register_module(I, "fractions", pymods_fractions_create) &&
           interp_register_module(I, "statistics", pymods_statistics_create);
}
