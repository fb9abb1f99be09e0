/* bigint.h - Python ints beyond 64 bits, backed by GMP.
 *
 * nnsh keeps the VAL_INT fast path for every int that fits in int64; a
 * result that does not fit (2**100, a long literal, math.factorial(25))
 * becomes a heap object of bigint_class holding an mpz_t.  Results that
 * fit in int64 again are normalized back to VAL_INT, so one value never has
 * two representations: a bigint is always outside [INT64_MIN, INT64_MAX].
 * type() of a bigint is int (types.c maps it), value_type_name says "int".
 *
 * Owned by the language core; depends on value.h, interp.h and GMP.
 * Ownership follows value.h: Value arguments are borrowed, *out is new.
 * "int-like" below means VAL_INT, VAL_BOOL or a bigint.
 */
#ifndef NNSH_BIGINT_H
#define NNSH_BIGINT_H

#include <gmp.h>
#include "value.h"
#include "interp.h"

extern const NativeClass bigint_class;

/* Python 3.11's default limit of sys.set_int_max_str_digits. */
#define BIGINT_MAX_STR_DIGITS 4300

static inline bool bigint_is(Value v) { return native_obj_is(v, &bigint_class); }
static inline bool bigint_intlike(Value v)
{
    return v.kind == VAL_INT || v.kind == VAL_BOOL || bigint_is(v);
}

/* The mpz of a bigint (borrowed; v must be a bigint). */
mpz_srcptr bigint_mpz(Value v);
/* Sets the initialized z to the int-like v. */
void bigint_get(mpz_t z, Value v);
/* Consumes z (cleared on return): a VAL_INT when it fits, else a bigint. */
bool bigint_take(Interp *I, mpz_t z, Value *out);
/* -1, 0 or 1. */
int bigint_sign(Value v);

/* a OP b for int-like a and b (one may be a VAL_INT pair that overflowed):
 * exact, with Python's errors (ZeroDivisionError, negative shift count,
 * MemoryError for results too large to hold). */
bool bigint_binop(Interp *I, BinOp op, Value a, Value b, Value *out);
/* -v, +v, ~v of an int-like v. */
bool bigint_unop(Interp *I, UnOp op, Value v, Value *out);
/* pow(a, b, m) for int-likes. */
bool bigint_powmod(Interp *I, Value a, Value b, Value m, Value *out);

/* float(v), correctly rounded; OverflowError "int too large to convert to
 * float". */
bool bigint_to_double(Interp *I, Value v, double *out);
/* int(d) for a finite or infinite/NaN double, exact. */
bool bigint_from_double(Interp *I, double d, Value *out);
/* Compares int-like a with the double d exactly: -1, 0, 1; 2 when d is NaN. */
int bigint_cmp_double(Value a, double d);
/* Compares two int-likes: -1, 0, 1. */
int bigint_cmp(Value a, Value b);
/* Python's hash(v) of an int-like (modulo 2**61 - 1). */
int64_t bigint_pyhash(Value v);

/* Digits of |v| in base 2..36 (lowercase unless upper); base 10 obeys the
 * 4300-digit limit (ValueError as Python's). */
bool bigint_digits(Interp *I, Value v, int base, bool upper, StrBuf *sb);
/* int(text, base) of digits already checked (no sign, no underscores, no
 * prefix), base 2..36; ValueError past 4300 decimal digits. */
bool bigint_parse(Interp *I, const char *digits, bool neg, int base, Value *out);
/* abs(v).bit_length() */
uint64_t bigint_bit_length(Value v);

/* range() past 64 bits (value_bigrange.c): a range value of the int-likes
 * start, stop, step (a plain OBJ_RANGE when all of it and its length fit
 * in int64), and `item in r` for an instance of bigrange_class. */
extern const NativeClass bigrange_class;
bool bigrange_new(Interp *I, Value start, Value stop, Value step, Value *out);
bool bigrange_contains(Interp *I, Value self, Value item, bool *out);

#endif
