/* bigint_ops.c - arithmetic on ints of any size (GMP): + - * / // % **,
 * shifts and bitwise operators (two's complement, as Python), unary
 * operators, pow with a modulus, and the bigint class's binop/compare/unop
 * slots (mixing with floats as Python does: exact comparisons, conversion
 * to float for arithmetic).  Results are normalized (bigint.h).
 *
 * GMP aborts when it cannot allocate, so sizes a user can ask for (2**10**12,
 * 1 << 10**11) are checked first against BIGINT_MAX_BITS: past it the
 * operation is a MemoryError, as in Python on a machine without that memory.
 * Part of the language core.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "bigint.h"

#define BIGINT_MAX_BITS ((uint64_t)1 << 31)

static bool too_big(Interp *I)
{
    return interp_error(I, ERR_MEMORY, "%s", "");
}

/* x / y for exact ints, correctly rounded (CPython's long_true_divide). */
static bool true_div(Interp *I, mpz_srcptr x, mpz_srcptr y, Value *out)
{
    if (mpz_sgn(y) == 0)
        return interp_error(I, ERR_ZERO_DIVISION, "division by zero");
    bool neg = (mpz_sgn(x) < 0) != (mpz_sgn(y) < 0);
    if (mpz_sgn(x) == 0) {
        *out = val_float(neg ? -0.0 : 0.0);
        return true;
    }
    long la = (long)mpz_sizeinbase(x, 2), lb = (long)mpz_sizeinbase(y, 2);
    long s = 65 - (la - lb);      /* q = |x| 2^s / |y| has 65 or 66 bits */
    mpz_t n, d, q, r;
    mpz_inits(n, d, q, r, NULL);
    mpz_abs(n, x);
    mpz_abs(d, y);
    if (s > 0)
        mpz_mul_2exp(n, n, (mp_bitcnt_t)s);
    else
        mpz_mul_2exp(d, d, (mp_bitcnt_t)-s);
    mpz_tdiv_qr(q, r, n, d);
    uint64_t sticky = mpz_sgn(r) != 0;
    long extra = (long)mpz_sizeinbase(q, 2) - 63;
    if (extra > 0) {
        sticky |= mpz_scan1(q, 0) < (mp_bitcnt_t)extra;
        mpz_tdiv_q_2exp(q, q, (mp_bitcnt_t)extra);
    } else {
        extra = 0;
    }
    double m = (double)((uint64_t)mpz_get_ui(q) | sticky);
    mpz_clears(n, d, q, r, NULL);
    long e = extra - s;
    double res = e > 2000 ? INFINITY : e < -2200 ? 0.0 : ldexp(m, (int)e);
    if (isinf(res))
        return interp_error(I, ERR_OVERFLOW, "integer division result too large for a float");
    *out = val_float(neg ? -res : res);
    return true;
}

static bool int_pow(Interp *I, mpz_srcptr x, Value b, mpz_srcptr y, Value a, Value *out)
{
    if (mpz_sgn(y) < 0) {
        double fa, fb;
        if (mpz_sgn(x) == 0)
            return interp_error(I, ERR_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
        if (!bigint_to_double(I, a, &fa) || !bigint_to_double(I, b, &fb))
            return false;
        *out = val_float(pow(fa, fb));
        return true;
    }
    if (mpz_cmpabs_ui(x, 1) <= 0) {            /* 0, 1, -1 */
        long v = mpz_get_si(x);
        if (v == 0)
            *out = val_int(mpz_sgn(y) ? 0 : 1);
        else
            *out = val_int(v == -1 && mpz_odd_p(y) ? -1 : 1);
        return true;
    }
    uint64_t bits = mpz_sizeinbase(x, 2) - 1;
    if (!mpz_fits_ulong_p(y) || (bits ? mpz_get_ui(y) > BIGINT_MAX_BITS / bits
                                      : mpz_get_ui(y) > BIGINT_MAX_BITS))
        return too_big(I);
    mpz_t r;
    mpz_init(r);
    mpz_pow_ui(r, x, mpz_get_ui(y));
    return bigint_take(I, r, out);
}

static bool int_shift(Interp *I, BinOp op, mpz_srcptr x, mpz_srcptr y, Value *out)
{
    if (mpz_sgn(y) < 0)
        return interp_error(I, ERR_VALUE, "negative shift count");
    mpz_t r;
    if (op == BIN_RSHIFT) {
        if (!mpz_fits_ulong_p(y)) {
            *out = val_int(mpz_sgn(x) < 0 ? -1 : 0);
            return true;
        }
        mpz_init(r);
        mpz_fdiv_q_2exp(r, x, mpz_get_ui(y));
        return bigint_take(I, r, out);
    }
    if (mpz_sgn(x) == 0) {
        *out = val_int(0);
        return true;
    }
    if (!mpz_fits_slong_p(y))
        return interp_error(I, ERR_OVERFLOW, "too many digits in integer");
    if (mpz_get_ui(y) + mpz_sizeinbase(x, 2) > BIGINT_MAX_BITS)
        return too_big(I);
    mpz_init(r);
    mpz_mul_2exp(r, x, mpz_get_ui(y));
    return bigint_take(I, r, out);
}

/* The operators whose result is an int computed into r; false when the
 * operator is not one of them. */
static bool simple_op(Interp *I, BinOp op, mpz_t r, mpz_srcptr x, mpz_srcptr y, bool *ok)
{
    *ok = true;
    switch (op) {
    case BIN_ADD: mpz_add(r, x, y); return true;
    case BIN_SUB: mpz_sub(r, x, y); return true;
    case BIN_MUL:
        if (mpz_sizeinbase(x, 2) + mpz_sizeinbase(y, 2) > BIGINT_MAX_BITS)
            *ok = too_big(I);
        else
            mpz_mul(r, x, y);
        return true;
    case BIN_FLOORDIV: case BIN_MOD:
        if (mpz_sgn(y) == 0)
            *ok = interp_error(I, ERR_ZERO_DIVISION, op == BIN_MOD ? "integer modulo by zero"
                               : "integer division or modulo by zero");
        else if (op == BIN_FLOORDIV)
            mpz_fdiv_q(r, x, y);
        else
            mpz_fdiv_r(r, x, y);
        return true;
    case BIN_BITAND: mpz_and(r, x, y); return true;
    case BIN_BITOR: mpz_ior(r, x, y); return true;
    case BIN_BITXOR: mpz_xor(r, x, y); return true;
    default: return false;
    }
}

bool bigint_binop(Interp *I, BinOp op, Value a, Value b, Value *out)
{
    mpz_t x, y, r;
    mpz_inits(x, y, r, NULL);
    bigint_get(x, a);
    bigint_get(y, b);
    bool ok;
    if (simple_op(I, op, r, x, y, &ok)) {
        mpz_clears(x, y, NULL);
        if (!ok) {
            mpz_clear(r);
            return false;
        }
        return bigint_take(I, r, out);
    }
    mpz_clear(r);
    if (op == BIN_DIV)
        ok = true_div(I, x, y, out);
    else if (op == BIN_POW)
        ok = int_pow(I, x, b, y, a, out);
    else if (op == BIN_LSHIFT || op == BIN_RSHIFT)
        ok = int_shift(I, op, x, y, out);
    else
        ok = interp_error(I, ERR_TYPE, "unsupported operand type(s) for %s: 'int' and 'int'",
                          binop_symbol(op));
    mpz_clears(x, y, NULL);
    return ok;
}

bool bigint_unop(Interp *I, UnOp op, Value v, Value *out)
{
    if (op == UN_NOT) {
        *out = val_bool(bigint_sign(v) == 0);
        return true;
    }
    mpz_t z;
    mpz_init(z);
    bigint_get(z, v);
    if (op == UN_NEG)
        mpz_neg(z, z);
    else if (op == UN_INVERT)
        mpz_com(z, z);
    return bigint_take(I, z, out);
}

bool bigint_powmod(Interp *I, Value a, Value b, Value m, Value *out)
{
    if (bigint_sign(m) == 0)
        return interp_error(I, ERR_VALUE, "pow() 3rd argument cannot be 0");
    mpz_t x, y, n, r;
    mpz_inits(x, y, n, r, NULL);
    bigint_get(x, a);
    bigint_get(y, b);
    bigint_get(n, m);
    bool ok = true;
    mpz_t an;
    mpz_init(an);
    mpz_abs(an, n);
    if (mpz_sgn(y) < 0) {
        if (!mpz_invert(x, x, an))
            ok = interp_error(I, ERR_VALUE, "base is not invertible for the given modulus");
        mpz_neg(y, y);
    }
    if (ok) {
        mpz_powm(r, x, y, an);                 /* in [0, |n|) */
        if (mpz_sgn(n) < 0 && mpz_sgn(r) != 0)
            mpz_add(r, r, n);                  /* Python: the sign of the modulus */
    }
    mpz_clears(x, y, n, an, NULL);
    if (!ok) {
        mpz_clear(r);
        return false;
    }
    return bigint_take(I, r, out);
}

/* ---- the class's slots ---- */

static bool is_seq(Value v)
{
    return val_is_obj(v, OBJ_STR) || val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE);
}

bool bigint_binop_slot(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled)
{
    *handled = true;
    if (bigint_intlike(a) && bigint_intlike(b) && op != BIN_MATMUL)
        return bigint_binop(I, op, a, b, out);
    if ((bigint_intlike(a) || a.kind == VAL_FLOAT) && (bigint_intlike(b) || b.kind == VAL_FLOAT)
        && op <= BIN_POW && op != BIN_MATMUL) {
        double x, y;
        if (!(a.kind == VAL_FLOAT ? (x = a.as.f, true) : bigint_to_double(I, a, &x)) ||
            !(b.kind == VAL_FLOAT ? (y = b.as.f, true) : bigint_to_double(I, b, &y)))
            return false;
        return value_binop(I, op, val_float(x), val_float(y), out);
    }
    if (op == BIN_MUL && (is_seq(a) || is_seq(b)))
        return interp_error(I, ERR_OVERFLOW, "cannot fit 'int' into an index-sized integer");
    *handled = false;
    return true;
}

static bool cmp_true(CmpOp op, int c)
{
    switch (op) {
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_LT: return c == -1;
    case CMP_LE: return c == -1 || c == 0;
    case CMP_GT: return c == 1;
    case CMP_GE: return c == 1 || c == 0;
    default: return false;
    }
}

bool bigint_compare_slot(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    (void)I;
    *handled = true;
    if (bigint_intlike(a) && bigint_intlike(b)) {
        *out = val_bool(cmp_true(op, bigint_cmp(a, b)));
        return true;
    }
    if (bigint_intlike(a) && b.kind == VAL_FLOAT) {
        *out = val_bool(cmp_true(op, bigint_cmp_double(a, b.as.f)));
        return true;
    }
    if (a.kind == VAL_FLOAT && bigint_intlike(b)) {
        int c = bigint_cmp_double(b, a.as.f);
        *out = val_bool(cmp_true(op, c == 2 ? 2 : -c));
        return true;
    }
    *handled = false;
    return true;
}

bool bigint_unop_slot(Interp *I, UnOp op, Value self, Value *out)
{
    if (op == UN_POS) {
        value_incref(self);
        *out = self;
        return true;
    }
    return bigint_unop(I, op, self, out);
}
