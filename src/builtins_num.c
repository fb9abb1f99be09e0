/* builtins_num.c - Python's numeric built-in functions: abs, round (half
 * to even, correctly rounded decimals), divmod, pow (with a modulus), hex,
 * oct, bin, chr, ord and hash (CPython's hash of numbers).
 *
 * Owned by the built-ins engineer; builtins.c installs builtins_num_defs.
 * Depends on value.h and interp.h only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "methods_internal.h"
#include "bigint.h"

static const char *tname(Value v)
{
    return v.kind == VAL_NONE ? "NoneType" : value_type_name(v);
}

static bool given(Value v)
{
    return v.kind != VAL_UNSET;
}

/* ---- numbers ---- */

/* Calls x.__name__() when x (a native or user object) defines it; *found
 * tells whether it did. */
static bool call_dunder(Interp *I, Value x, const char *name, int npos, const Value *pos,
                        Value *out, bool *found)
{
    Value fn;
    *found = false;
    if (x.kind != VAL_OBJ || val_is_obj(x, OBJ_STR) || val_is_obj(x, OBJ_LIST) ||
        val_is_obj(x, OBJ_TUPLE) || val_is_obj(x, OBJ_DICT))
        return true;
    if (!value_getattr(I, x, name, &fn)) {
        interp_clear_error(I);
        return true;
    }
    *found = true;
    bool ok = interp_call(I, fn, npos, pos, out);
    value_decref(fn);
    return ok;
}

static bool b_abs(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    bool found;
    if (!args_parse(I, "abs", a, "x", &x))
        return false;
    switch (x.kind) {
    case VAL_BOOL: *out = val_int(x.as.b); return true;
    case VAL_FLOAT: *out = val_float(fabs(x.as.f)); return true;
    case VAL_INT:
        if (x.as.i == INT64_MIN)
            return bigint_unop(I, UN_NEG, x, out);
        *out = val_int(x.as.i < 0 ? -x.as.i : x.as.i);
        return true;
    default:
        break;
    }
    if (bigint_is(x)) {
        if (bigint_sign(x) < 0)
            return bigint_unop(I, UN_NEG, x, out);
        value_incref(x);
        *out = x;
        return true;
    }
    if (!call_dunder(I, x, "__abs__", 0, NULL, out, &found))
        return false;
    if (found)
        return true;
    return interp_error(I, ERR_TYPE, "bad operand type for abs(): '%s'", tname(x));
}

/* round(x, n) for a float: the correctly rounded decimal (half to even on
 * the exact binary value, as CPython's dtoa), read back. */
static double round_float(double x, int64_t nd)
{
    char buf[400];
    if (!isfinite(x) || x == 0 || nd > 323)
        return x;
    if (nd >= 0) {
        snprintf(buf, sizeof buf, "%.*f", (int)nd, x);
        return strtod(buf, NULL);
    }
    snprintf(buf, sizeof buf, "%.0e", x);
    int exp10 = atoi(strchr(buf, 'e') + 1);
    if (fabs(x) < 1 && exp10 == 0)
        exp10 = -1;   /* "%.0e" may round 0.96 up to 1e+00 */
    int64_t nsig = exp10 + 1 + nd;
    if (nsig >= 1) {
        snprintf(buf, sizeof buf, "%.*e", (int)(nsig - 1), x);
        return strtod(buf, NULL);
    }
    if (nsig == 0 && -nd <= 22 && fabs(x) > 5 * pow(10, (double)(-nd - 1)))
        return copysign(pow(10, (double)-nd), x);
    return copysign(0.0, x);
}

/* round(n, nd) for an int and nd < 0: half to even on multiples of 10^-nd. */
static int64_t round_int(int64_t n, int64_t nd)
{
    if (nd >= 0)
        return n;
    if (nd < -18)
        return 0;
    int64_t p = 1;
    for (int64_t i = 0; i < -nd; i++)
        p *= 10;
    int64_t q = n / p, r = n % p;
    if (r < 0) {
        r += p;
        q--;
    }
    if (2 * r > p || (2 * r == p && (q & 1)))
        q++;
    return q * p;
}

/* round(n, nd) for a big n or nd < -18: half to even on multiples of 10^-nd. */
static bool round_big(Interp *I, Value x, int64_t nd, Value *out)
{
    if (nd >= 0) {
        value_incref(x);
        *out = x;
        return true;
    }
    if (nd < -(int64_t)(bigint_bit_length(x) / 3 + 2)) {   /* 10^-nd > 2|x| */
        *out = val_int(0);
        return true;
    }
    mpz_t n, p, q, r;
    mpz_inits(n, p, q, r, NULL);
    bigint_get(n, x);
    mpz_ui_pow_ui(p, 10, (unsigned long)-nd);
    mpz_fdiv_qr(q, r, n, p);
    mpz_mul_2exp(r, r, 1);
    int c = mpz_cmp(r, p);
    if (c > 0 || (c == 0 && mpz_odd_p(q)))
        mpz_add_ui(q, q, 1);
    mpz_mul(n, q, p);
    mpz_clears(p, q, r, NULL);
    return bigint_take(I, n, out);
}

static bool float_to_int(Interp *I, double x, Value *out)
{
    if (isnan(x))
        return interp_error(I, ERR_VALUE, "cannot convert float NaN to integer");
    if (isinf(x))
        return interp_error(I, ERR_OVERFLOW, "cannot convert float infinity to integer");
    return bigint_from_double(I, x, out);
}

static bool b_round(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    int64_t nd = 0;
    bool has_nd, found;
    if (!args_parse(I, "round", a, "number, ndigits=", v))
        return false;
    has_nd = given(v[1]) && v[1].kind != VAL_NONE;
    if (has_nd && !value_as_index(I, v[1], &nd))
        return false;
    Value x = v[0];
    if (x.kind == VAL_BOOL)
        x = val_int(x.as.b);
    if (x.kind == VAL_INT && nd >= -18 && x.as.i > -INT64_C(9000000000000000000) &&
        x.as.i < INT64_C(9000000000000000000)) {
        *out = val_int(round_int(x.as.i, nd));
        return true;
    }
    if (bigint_intlike(x))
        return round_big(I, x, nd, out);
    if (x.kind == VAL_FLOAT) {
        if (has_nd) {
            *out = val_float(round_float(x.as.f, nd));
            return true;
        }
        return float_to_int(I, rint(x.as.f), out);
    }
    if (!call_dunder(I, x, "__round__", has_nd, &v[1], out, &found))
        return false;
    if (found)
        return true;
    double d;
    if (!val_is_obj(x, OBJ_NATIVE_OBJ) || !value_to_float(I, x, &d)) {
        interp_clear_error(I);
        return interp_error(I, ERR_TYPE, "type %s doesn't define __round__ method", tname(x));
    }
    if (has_nd) {
        *out = val_float(round_float(d, nd));
        return true;
    }
    return float_to_int(I, rint(d), out);
}

static bool b_divmod(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], q, r;
    if (!args_parse(I, "divmod", a, "x, y", v) || !value_binop(I, BIN_FLOORDIV, v[0], v[1], &q))
        return false;
    if (!value_binop(I, BIN_MOD, v[0], v[1], &r)) {
        value_decref(q);
        return false;
    }
    bool ok = tuple_pack(I, out, 2, q, r);
    value_decref(q);
    value_decref(r);
    return ok;
}

/* base ** exp % mod for ints (exp < 0: the modular inverse, Python 3.8+). */
static bool pow_mod(Interp *I, int64_t base, int64_t exp, int64_t mod, Value *out)
{
    if (mod == 0)
        return interp_error(I, ERR_VALUE, "pow() 3rd argument cannot be 0");
    __int128 m = mod < 0 ? -(__int128)mod : mod;
    __int128 b = ((__int128)base % m + m) % m;
    if (exp < 0) {
        __int128 t = 0, nt = 1, r = m, nr = b;   /* extended Euclid */
        while (nr) {
            __int128 q = r / nr, tmp = t - q * nt;
            t = nt; nt = tmp;
            tmp = r - q * nr; r = nr; nr = tmp;
        }
        if (r != 1)
            return interp_error(I, ERR_VALUE, "base is not invertible for the given modulus");
        b = (t % m + m) % m;
        exp = -exp;
    }
    __int128 result = 1 % m;
    for (; exp; exp >>= 1) {
        if (exp & 1)
            result = result * b % m;
        b = b * b % m;
    }
    if (mod < 0 && result)
        result -= m;
    *out = val_int((int64_t)result);
    return true;
}

static bool b_pow(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    if (!args_parse(I, "pow", a, "base, exp, mod=", v))
        return false;
    if (!given(v[2]) || v[2].kind == VAL_NONE)
        return value_binop(I, BIN_POW, v[0], v[1], out);
    for (int i = 0; i < 3; i++)
        if (!bigint_intlike(v[i]))
            return interp_error(I, ERR_TYPE, "pow() 3rd argument not allowed unless all "
                                "arguments are integers");
    if (bigint_is(v[0]) || bigint_is(v[1]) || bigint_is(v[2]))
        return bigint_powmod(I, v[0], v[1], v[2], out);
    int64_t n[3];
    for (int i = 0; i < 3; i++)
        n[i] = v[i].kind == VAL_INT ? v[i].as.i : v[i].as.b;
    return pow_mod(I, n[0], n[1], n[2], out);
}

static bool int_base(Interp *I, const Args *a, const char *fname, int base, Value *out)
{
    Value x;
    int64_t n;
    if (!args_parse(I, fname, a, "number", &x))
        return false;
    if (x.kind == VAL_FLOAT)
        return interp_error(I, ERR_TYPE, "'float' object cannot be interpreted as an integer");
    if (bigint_is(x)) {
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, bigint_sign(x) < 0 ? "-" : "");
        sb_puts(&sb, base == 16 ? "0x" : base == 8 ? "0o" : "0b");
        if (!bigint_digits(I, x, base, false, &sb)) {
            sb_free(&sb);
            return false;
        }
        return sb_to_str(I, &sb, out);
    }
    if (!value_as_index(I, x, &n))
        return false;
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    char digits[70];
    int k = 0;
    do {
        digits[k++] = "0123456789abcdef"[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    StrBuf sb;
    sb_init(&sb);
    if (n < 0)
        sb_putc(&sb, '-');
    sb_puts(&sb, base == 16 ? "0x" : base == 8 ? "0o" : "0b");
    while (k)
        sb_putc(&sb, digits[--k]);
    return sb_to_str(I, &sb, out);
}

static bool b_hex(Interp *I, Value self, const Args *a, Value *out) { (void)self; return int_base(I, a, "hex", 16, out); }
static bool b_oct(Interp *I, Value self, const Args *a, Value *out) { (void)self; return int_base(I, a, "oct", 8, out); }
static bool b_bin(Interp *I, Value self, const Args *a, Value *out) { (void)self; return int_base(I, a, "bin", 2, out); }

static bool b_chr(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    int64_t c;
    if (!args_parse(I, "chr", a, "i", &x))
        return false;
    if (x.kind == VAL_FLOAT)
        return interp_error(I, ERR_TYPE, "'float' object cannot be interpreted as an integer");
    if (!value_as_index(I, x, &c))
        return false;
    if (c < 0 || c > 0x10FFFF)
        return interp_error(I, ERR_VALUE, "chr() arg not in range(0x110000)");
    Value fmt = val_int(c);
    StrBuf sb;
    sb_init(&sb);
    if (!format_value(I, fmt, "c", 1, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

static bool b_ord(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    if (!args_parse(I, "ord", a, "c", &x))
        return false;
    if (!val_is_obj(x, OBJ_STR))
        return interp_error(I, ERR_TYPE, "ord() expected string of length 1, but %s found",
                            tname(x));
    const unsigned char *s = (const unsigned char *)str_cstr(x);
    size_t n = as_str(x)->len, cps = meth_cp_count((const char *)s, n);
    if (cps != 1)
        return interp_error(I, ERR_TYPE, "ord() expected a character, but string of length %zu "
                            "found", cps);
    uint32_t cp = s[0] < 0x80 ? s[0] : s[0] < 0xE0 ? s[0] & 0x1Fu : s[0] < 0xF0 ? s[0] & 0x0Fu
                                                                                : s[0] & 0x07u;
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    *out = val_int(cp);
    return true;
}

#define HASH_MODULUS ((((int64_t)1) << 61) - 1)

/* CPython's hash of a float (Python/pyhash.c _Py_HashDouble), so that
 * hash(1.5) and hash(2) print what Python prints. */
int64_t builtins_hash_double(double v)
{
    if (isinf(v))
        return v > 0 ? 314159 : -314159;
    if (isnan(v))
        return 0;
    int e, sign = 1;
    double m = frexp(v, &e);
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0, P = (uint64_t)HASH_MODULUS;
    while (m) {
        x = ((x << 28) & P) | x >> (61 - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= P)
            x -= P;
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
    x = ((x << e) & P) | x >> (61 - e);
    int64_t h = (int64_t)x * sign;
    return h == -1 ? -2 : h;
}

static int64_t hash_int(int64_t n)
{
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int64_t h = (int64_t)(u % (uint64_t)HASH_MODULUS);
    if (n < 0)
        h = -h;
    return h == -1 ? -2 : h;
}

static bool b_hash(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    uint64_t h;
    if (!args_parse(I, "hash", a, "obj", &x))
        return false;
    switch (x.kind) {
    case VAL_INT: *out = val_int(hash_int(x.as.i)); return true;
    case VAL_BOOL: *out = val_int(x.as.b); return true;
    case VAL_FLOAT: *out = val_int(builtins_hash_double(x.as.f)); return true;
    default: break;
    }
    if (bigint_is(x)) {
        *out = val_int(bigint_pyhash(x));
        return true;
    }
    if (!value_hash(I, x, &h))
        return false;
    bool found = false;
    Value r;
    if (x.kind == VAL_OBJ && strcmp(value_type_name(x), "type") != 0 &&
        !call_dunder(I, x, "__hash__", 0, NULL, &r, &found))
        return false;
    if (x.kind == VAL_OBJ && found && r.kind == VAL_INT) {
        *out = r;                       /* a user class's own __hash__() */
        return true;
    }
    if (x.kind == VAL_OBJ && found)
        value_decref(r);
    *out = val_int((int64_t)h);
    return true;
}

/* ---- methods and attributes of int, bool and float ---- */

static bool pair(Interp *I, Value a, Value b, Value *out)
{
    if (!tuple_new(I, 2, out))
        return false;
    as_list(*out)->items[0] = a;
    as_list(*out)->items[1] = b;
    return true;
}

static bool no_args(Interp *I, const char *fname, const Args *a)
{
    if (a->npos + a->nkw == 0)
        return true;
    return interp_error(I, ERR_TYPE, "%s() takes no arguments (%d given)", fname,
                        a->npos + a->nkw);
}

static int64_t ival(Value v) { return v.kind == VAL_BOOL ? v.as.b : v.as.i; }

static bool n_bit_length(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "bit_length", a))
        return false;
    uint64_t u = ival(self) < 0 ? 0 - (uint64_t)ival(self) : (uint64_t)ival(self);
    int n = 0;
    for (; u; u >>= 1)
        n++;
    *out = val_int(n);
    return true;
}

static bool n_bit_count(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "bit_count", a))
        return false;
    uint64_t u = ival(self) < 0 ? 0 - (uint64_t)ival(self) : (uint64_t)ival(self);
    int n = 0;
    for (; u; u &= u - 1)
        n++;
    *out = val_int(n);
    return true;
}

static bool n_conjugate(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "conjugate", a))
        return false;
    *out = self.kind == VAL_BOOL ? val_int(self.as.b) : self;
    return true;
}

static bool n_is_integer(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "is_integer", a))
        return false;
    *out = val_bool(isfinite(self.as.f) && floor(self.as.f) == self.as.f);
    return true;
}

/* float.as_integer_ratio: the exact fraction, lowest terms, positive
 * denominator (a power of two). */
static bool n_as_integer_ratio(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "as_integer_ratio", a))
        return false;
    if (self.kind != VAL_FLOAT)
        return pair(I, val_int(ival(self)), val_int(1), out);
    double f = self.as.f;
    if (isinf(f))
        return interp_error(I, ERR_OVERFLOW, "cannot convert Infinity to integer ratio");
    if (isnan(f))
        return interp_error(I, ERR_VALUE, "cannot convert NaN to integer ratio");
    int e;
    double m = frexp(f, &e);
    for (int i = 0; i < 300 && m != floor(m); i++) {
        m *= 2;
        e--;
    }
    int64_t mant = (int64_t)m;     /* at most 53 bits */
    while (e < 0 && mant % 2 == 0) {
        mant /= 2;
        e++;
    }
    mpz_t num, den;
    mpz_init_set_si(num, mant);
    mpz_init_set_ui(den, 1);
    if (e > 0)
        mpz_mul_2exp(num, num, (mp_bitcnt_t)e);
    else
        mpz_mul_2exp(den, den, (mp_bitcnt_t)-e);
    Value vn, vd;
    if (!bigint_take(I, num, &vn)) {
        mpz_clear(den);
        return false;
    }
    if (!bigint_take(I, den, &vd)) {
        value_decref(vn);
        return false;
    }
    if (pair(I, vn, vd, out))      /* the tuple takes both references */
        return true;
    value_decref(vn);
    value_decref(vd);
    return false;
}

static const Method int_method_defs[] = {
    METHOD("int", "bit_length", n_bit_length, "bit_length()", "Number of bits needed for abs(self).\nExample: (5).bit_length() -> 3"),
    METHOD("int", "bit_count", n_bit_count, "bit_count()", "Number of ones in the binary form of abs(self).\nExample: (7).bit_count() -> 3"),
    METHOD("int", "conjugate", n_conjugate, "conjugate()", "The number itself.\nExample: (3).conjugate() -> 3"),
    METHOD("int", "as_integer_ratio", n_as_integer_ratio, "as_integer_ratio()", "(self, 1).\nExample: (3).as_integer_ratio() -> (3, 1)"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

static const Method float_method_defs[] = {
    METHOD("float", "is_integer", n_is_integer, "is_integer()", "True when the float has no fractional part.\nExample: (2.0).is_integer() -> True"),
    METHOD("float", "as_integer_ratio", n_as_integer_ratio, "as_integer_ratio()", "The exact fraction as (numerator, denominator).\nExample: (0.75).as_integer_ratio() -> (3, 4)"),
    METHOD("float", "conjugate", n_conjugate, "conjugate()", "The number itself.\nExample: (1.5).conjugate() -> 1.5"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

bool num_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    bool is_float = self.kind == VAL_FLOAT;
    *found = true;
    if (strcmp(name, "real") == 0 || (!is_float && strcmp(name, "numerator") == 0)) {
        *out = is_float ? self : val_int(ival(self));
        return true;
    }
    if (strcmp(name, "imag") == 0) {
        *out = is_float ? val_float(0.0) : val_int(0);
        return true;
    }
    if (!is_float && strcmp(name, "denominator") == 0) {
        *out = val_int(1);
        return true;
    }
    for (const Method *m = is_float ? float_method_defs : int_method_defs; m->qualname; m++)
        if (strcmp(m->def.name, name) == 0)
            return native_new(I, &m->def, m->qualname, self, out);
    *found = false;
    return true;
}

const NativeDef builtins_num_defs[] = {
    {"abs", b_abs, "abs(x)", "The absolute value of a number.\nExample: abs(-2.5) -> 2.5"},
    {"bin", b_bin, "bin(number)", "The binary text of an integer, prefixed with 0b.\nExample: bin(5) -> '0b101'"},
    {"chr", b_chr, "chr(i)", "The one-character string of Unicode code point i.\nExample: chr(65) -> 'A'"},
    {"divmod", b_divmod, "divmod(x, y)", "The pair (x // y, x % y).\nExample: divmod(7, 2) -> (3, 1)"},
    {"hash", b_hash, "hash(obj)", "The hash of a hashable value (equal values hash equal).\nExample: hash(1) -> 1"},
    {"hex", b_hex, "hex(number)", "The hexadecimal text of an integer, prefixed with 0x.\nExample: hex(255) -> '0xff'"},
    {"oct", b_oct, "oct(number)", "The octal text of an integer, prefixed with 0o.\nExample: oct(8) -> '0o10'"},
    {"ord", b_ord, "ord(c)", "The Unicode code point of a one-character string.\nExample: ord('A') -> 65"},
    {"pow", b_pow, "pow(base, exp, mod=None)", "base ** exp, or base ** exp % mod computed efficiently for integers.\nExample: pow(2, 10) -> 1024; pow(3, 4, 5) -> 1"},
    {"round", b_round, "round(number, ndigits=None)", "number rounded to ndigits decimals (an int when ndigits is None); ties go to the even digit.\nExample: round(2.5) -> 2; round(2.675, 2) -> 2.67"},
    {NULL, NULL, NULL, NULL},
};
