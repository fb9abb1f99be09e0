/* bigint_math.h - math-module integer functions over ints of any size
 * (bigint_math.c), for pymods.c's math table.  Arguments are borrowed;
 * *out is a new reference; errors as Python's math module words them.
 */
#ifndef NNSH_BIGINT_MATH_H
#define NNSH_BIGINT_MATH_H

#include "value.h"

bool bigint_factorial(Interp *I, Value n, Value *out);
/* gcd(*integers) / lcm(*integers): positional arguments only. */
bool bigint_gcd_lcm(Interp *I, const Args *a, bool lcm, Value *out);
/* comb(n, k) / perm(n, k); k unset or None: perm(n) == n!. */
bool bigint_comb_perm(Interp *I, Value n, Value k, bool comb, Value *out);
bool bigint_isqrt(Interp *I, Value n, Value *out);
/* The natural log of a positive bigint (any size). */
double bigint_log(Value v);

#endif
