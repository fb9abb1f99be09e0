/* bigint.c - the big-int object: an mpz_t behind a NativeClass named
 * "int", its conversions (to and from double, text, Python's hash) and the
 * class slots other than arithmetic (bigint_ops.c has those).
 * See bigint.h for the representation rule (normalized: never in int64).
 * Part of the language core.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "bigint.h"

#define HASH_BITS 61
#define HASH_MODULUS ((((uint64_t)1) << HASH_BITS) - 1)

static void bigint_finalize(void *data)
{
    mpz_ptr z = data;
    if (z) {
        mpz_clear(z);
        free(z);
    }
}

mpz_srcptr bigint_mpz(Value v)
{
    return ((ObjNativeObj *)v.as.o)->data;
}

void bigint_get(mpz_t z, Value v)
{
    if (v.kind == VAL_INT)
        mpz_set_si(z, (long)v.as.i);
    else if (v.kind == VAL_BOOL)
        mpz_set_si(z, v.as.b);
    else
        mpz_set(z, bigint_mpz(v));
}

bool bigint_take(Interp *I, mpz_t z, Value *out)
{
    if (mpz_fits_slong_p(z)) {
        *out = val_int((int64_t)mpz_get_si(z));
        mpz_clear(z);
        return true;
    }
    mpz_ptr p = malloc(sizeof *p);
    if (!p) {
        mpz_clear(z);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    *p = *z;                    /* the limbs move to the heap copy */
    return native_obj_new(I, &bigint_class, p, out);
}

int bigint_sign(Value v)
{
    if (v.kind == VAL_INT)
        return (v.as.i > 0) - (v.as.i < 0);
    if (v.kind == VAL_BOOL)
        return v.as.b;
    return mpz_sgn(bigint_mpz(v));
}

uint64_t bigint_bit_length(Value v)
{
    if (!bigint_is(v)) {
        int64_t i = v.kind == VAL_BOOL ? v.as.b : v.as.i;
        uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        return u ? 64 - (uint64_t)__builtin_clzll(u) : 0;
    }
    return mpz_sizeinbase(bigint_mpz(v), 2);
}

/* |z| correctly rounded to a double (half to even), as a mantissa of at
 * most 63 bits plus a sticky bit, then scaled: *exp is the power of two. */
static double round_to_double(mpz_srcptr z, long *exp)
{
    size_t bits = mpz_sizeinbase(z, 2);
    mpz_t t;
    mpz_init(t);
    mpz_abs(t, z);
    long shift = 0;
    uint64_t sticky = 0;
    if (bits > 63) {
        shift = (long)bits - 63;
        sticky = mpz_scan1(t, 0) < (mp_bitcnt_t)shift;
        mpz_tdiv_q_2exp(t, t, (mp_bitcnt_t)shift);
    }
    uint64_t m = (uint64_t)mpz_get_ui(t) | sticky;
    mpz_clear(t);
    *exp = shift;
    return (double)m;           /* the one rounding: 63+ bits to 53 */
}

bool bigint_to_double(Interp *I, Value v, double *out)
{
    if (!bigint_is(v)) {
        *out = v.kind == VAL_BOOL ? v.as.b : (double)v.as.i;
        return true;
    }
    mpz_srcptr z = bigint_mpz(v);
    long e;
    double d = round_to_double(z, &e);
    if (e > 1100 || isinf(d = ldexp(d, (int)e)))
        return interp_error(I, ERR_OVERFLOW, "int too large to convert to float");
    *out = mpz_sgn(z) < 0 ? -d : d;
    return true;
}

bool bigint_from_double(Interp *I, double d, Value *out)
{
    if (isnan(d))
        return interp_error(I, ERR_VALUE, "cannot convert float NaN to integer");
    if (isinf(d))
        return interp_error(I, ERR_OVERFLOW, "cannot convert float infinity to integer");
    if (fabs(d) < 9.2e18) {
        *out = val_int((int64_t)d);
        return true;
    }
    mpz_t z;
    mpz_init_set_d(z, d);       /* exact: an integral double */
    return bigint_take(I, z, out);
}

int bigint_cmp_double(Value a, double d)
{
    if (isnan(d))
        return 2;
    if (!bigint_is(a)) {
        int64_t i = a.kind == VAL_BOOL ? a.as.b : a.as.i;
        if (i >= -(INT64_C(1) << 53) && i <= (INT64_C(1) << 53)) {
            double x = (double)i;
            return (x > d) - (x < d);
        }
        if (isinf(d))
            return d > 0 ? -1 : 1;
        mpz_t z;
        mpz_init_set_si(z, (long)i);
        int c = mpz_cmp_d(z, d);
        mpz_clear(z);
        return (c > 0) - (c < 0);
    }
    if (isinf(d))
        return d > 0 ? -1 : 1;
    int c = mpz_cmp_d(bigint_mpz(a), d);
    return (c > 0) - (c < 0);
}

int bigint_cmp(Value a, Value b)
{
    if (!bigint_is(a) && !bigint_is(b)) {
        int64_t x = a.kind == VAL_BOOL ? a.as.b : a.as.i, y = b.kind == VAL_BOOL ? b.as.b : b.as.i;
        return (x > y) - (x < y);
    }
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    bigint_get(x, a);
    bigint_get(y, b);
    int c = mpz_cmp(x, y);
    mpz_clears(x, y, NULL);
    return (c > 0) - (c < 0);
}

int64_t bigint_pyhash(Value v)
{
    mpz_t z;
    mpz_init(z);
    bigint_get(z, v);
    bool neg = mpz_sgn(z) < 0;
    mpz_abs(z, z);
    int64_t h = (int64_t)mpz_fdiv_ui(z, HASH_MODULUS);
    mpz_clear(z);
    if (neg)
        h = -h;
    return h == -1 ? -2 : h;
}

static bool too_many_digits(Interp *I)
{
    return interp_error(I, ERR_VALUE, "Exceeds the limit (%d digits) for integer string "
                        "conversion; use sys.set_int_max_str_digits() to increase the limit",
                        BIGINT_MAX_STR_DIGITS);
}

bool bigint_digits(Interp *I, Value v, int base, bool upper, StrBuf *sb)
{
    mpz_t z;
    mpz_init(z);
    bigint_get(z, v);
    mpz_abs(z, z);
    size_t n = mpz_sizeinbase(z, base);
    if (base == 10 && n > BIGINT_MAX_STR_DIGITS + 1) {
        mpz_clear(z);
        return too_many_digits(I);
    }
    char *s = malloc(n + 2);
    if (!s) {
        mpz_clear(z);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    mpz_get_str(s, upper ? -base : base, z);
    mpz_clear(z);
    if (base == 10 && strlen(s) > BIGINT_MAX_STR_DIGITS) {
        free(s);
        return too_many_digits(I);
    }
    sb_puts(sb, s);
    free(s);
    return true;
}

bool bigint_parse(Interp *I, const char *digits, bool neg, int base, Value *out)
{
    size_t n = strlen(digits);
    if ((base & (base - 1)) != 0 && n > BIGINT_MAX_STR_DIGITS)
        return interp_error(I, ERR_VALUE, "Exceeds the limit (%d digits) for integer string "
                            "conversion: value has %zu digits; use "
                            "sys.set_int_max_str_digits() to increase the limit",
                            BIGINT_MAX_STR_DIGITS, n);
    mpz_t z;
    if (mpz_init_set_str(z, digits, base) != 0) {
        mpz_clear(z);
        return interp_error(I, ERR_VALUE, "invalid literal for int() with base %d", base);
    }
    if (neg)
        mpz_neg(z, z);
    return bigint_take(I, z, out);
}

/* ---- class slots ---- */

static bool bigint_repr(Interp *I, Value self, StrBuf *sb)
{
    if (mpz_sgn(bigint_mpz(self)) < 0)
        sb_putc(sb, '-');
    return bigint_digits(I, self, 10, false, sb);
}

static bool bigint_truth(Interp *I, Value self, bool *out)
{
    (void)I; (void)self;
    *out = true;                /* never zero: zero is a VAL_INT */
    return true;
}

static bool bigint_to_float_slot(Interp *I, Value self, double *out)
{
    return bigint_to_double(I, self, out);
}

static bool bigint_to_int_slot(Interp *I, Value self, int64_t *out)
{
    (void)self; (void)out;
    return interp_error(I, ERR_INDEX, "cannot fit 'int' into an index-sized integer");
}

static bool no_args(Interp *I, const char *fname, const Args *a)
{
    if (a->npos + a->nkw == 0)
        return true;
    return interp_error(I, ERR_TYPE, "%s() takes no arguments (%d given)", fname,
                        a->npos + a->nkw);
}

static bool m_bit_length(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "bit_length", a))
        return false;
    *out = val_int((int64_t)bigint_bit_length(self));
    return true;
}

static bool m_bit_count(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "bit_count", a))
        return false;
    mpz_t z;
    mpz_init(z);
    mpz_abs(z, bigint_mpz(self));
    *out = val_int((int64_t)mpz_popcount(z));
    mpz_clear(z);
    return true;
}

static bool m_self(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "conjugate", a))
        return false;
    value_incref(self);
    *out = self;
    return true;
}

static bool m_ratio(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "as_integer_ratio", a))
        return false;
    return tuple_pack(I, out, 2, self, val_int(1));
}

static bool bigint_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    (void)I;
    *found = true;
    if (!strcmp(name, "real") || !strcmp(name, "numerator")) {
        value_incref(self);
        *out = self;
    } else if (!strcmp(name, "imag")) {
        *out = val_int(0);
    } else if (!strcmp(name, "denominator")) {
        *out = val_int(1);
    } else {
        *found = false;
    }
    return true;
}

static const NativeDef bigint_methods[] = {
    {"bit_length", m_bit_length, "bit_length()", "Number of bits needed for abs(self).\nExample: (2**100).bit_length() -> 101"},
    {"bit_count", m_bit_count, "bit_count()", "Number of ones in the binary form of abs(self).\nExample: (2**100).bit_count() -> 1"},
    {"conjugate", m_self, "conjugate()", "The number itself.\nExample: (2**100).conjugate()"},
    {"as_integer_ratio", m_ratio, "as_integer_ratio()", "(self, 1).\nExample: (2**100).as_integer_ratio()"},
    {NULL, NULL, NULL, NULL},
};

bool bigint_binop_slot(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled);
bool bigint_compare_slot(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled);
bool bigint_unop_slot(Interp *I, UnOp op, Value self, Value *out);

const NativeClass bigint_class = {
    .name = "int",
    .finalize = bigint_finalize,
    .getattr = bigint_getattr,
    .repr = bigint_repr,
    .binop = bigint_binop_slot,
    .compare = bigint_compare_slot,
    .unop = bigint_unop_slot,
    .truth = bigint_truth,
    .to_float = bigint_to_float_slot,
    .to_int = bigint_to_int_slot,
    .methods = bigint_methods,
    .doc = "int: an integer of any size (beyond 64 bits nnsh stores it with GMP).\n"
           "Example: 2**100 -> 1267650600228229401496703205376",
};
