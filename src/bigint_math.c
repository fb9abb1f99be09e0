/* bigint_math.c - the integer functions of Python's math module over ints
 * of any size (GMP): factorial, comb, perm, gcd, lcm, isqrt, and log of an
 * int too large for a float.  pymods.c's math table calls these.
 * Errors are Python's; sizes past what memory can hold are a MemoryError
 * before GMP is asked (it would abort).  Part of the language core.
 */
#include <math.h>
#include "bigint.h"
#include "bigint_math.h"

#define MAX_RESULT_BITS ((uint64_t)1 << 31)

/* An int argument (a float is a TypeError, as in Python). */
static bool int_arg(Interp *I, Value v)
{
    int64_t dummy;
    if (bigint_intlike(v))
        return true;
    if (v.kind == VAL_FLOAT)
        return interp_error(I, ERR_TYPE, "'float' object cannot be interpreted as an integer");
    return value_as_index(I, v, &dummy) &&
           interp_error(I, ERR_TYPE, "'%s' object cannot be interpreted as an integer",
                        value_type_name(v));
}

bool bigint_factorial(Interp *I, Value x, Value *out)
{
    if (!int_arg(I, x))
        return false;
    if (bigint_sign(x) < 0)
        return interp_error(I, ERR_VALUE, "factorial() not defined for negative values");
    if (bigint_is(x))
        return interp_error(I, ERR_OVERFLOW, "factorial() argument should not exceed %ld",
                            (long)INT64_MAX);
    int64_t n = x.kind == VAL_BOOL ? x.as.b : x.as.i;
    if ((double)n * log2((double)n + 1) > (double)MAX_RESULT_BITS)
        return interp_error(I, ERR_MEMORY, "%s", "");
    mpz_t r;
    mpz_init(r);
    mpz_fac_ui(r, (unsigned long)n);
    return bigint_take(I, r, out);
}

bool bigint_gcd_lcm(Interp *I, const Args *a, bool lcm, Value *out)
{
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "%s() takes no keyword arguments", lcm ? "lcm" : "gcd");
    for (int i = 0; i < a->npos; i++)
        if (!int_arg(I, a->pos[i]))
            return false;
    mpz_t acc, x;
    mpz_init_set_ui(acc, lcm ? 1 : 0);
    mpz_init(x);
    for (int i = 0; i < a->npos; i++) {
        bigint_get(x, a->pos[i]);
        if (lcm)
            mpz_lcm(acc, acc, x);
        else
            mpz_gcd(acc, acc, x);
    }
    mpz_clear(x);
    return bigint_take(I, acc, out);
}

bool bigint_comb_perm(Interp *I, Value vn, Value vk, bool comb, Value *out)
{
    bool no_k = vk.kind == VAL_UNSET || vk.kind == VAL_NONE;
    if (!int_arg(I, vn) || (!no_k && !int_arg(I, vk)))
        return false;
    if (no_k)
        vk = vn;
    if (bigint_sign(vn) < 0)
        return interp_error(I, ERR_VALUE, "n must be a non-negative integer");
    if (bigint_sign(vk) < 0)
        return interp_error(I, ERR_VALUE, "k must be a non-negative integer");
    if (bigint_cmp(vk, vn) > 0) {
        *out = val_int(0);
        return true;
    }
    mpz_t n, k, r;
    mpz_inits(n, k, r, NULL);
    bigint_get(n, vn);
    bigint_get(k, vk);
    if (comb) {
        mpz_sub(r, n, k);
        if (mpz_cmp(r, k) < 0)
            mpz_set(k, r);              /* comb(n, k) == comb(n, n - k) */
    }
    bool ok = mpz_fits_ulong_p(k) &&
              (double)mpz_get_ui(k) * (double)mpz_sizeinbase(n, 2) <= (double)MAX_RESULT_BITS;
    if (ok) {
        unsigned long kk = mpz_get_ui(k);
        mpz_bin_ui(r, n, kk);
        if (!comb) {
            mpz_fac_ui(k, kk);
            mpz_mul(r, r, k);
        }
    }
    mpz_clears(n, k, NULL);
    if (!ok) {
        mpz_clear(r);
        return interp_error(I, ERR_MEMORY, "%s", "");
    }
    return bigint_take(I, r, out);
}

bool bigint_isqrt(Interp *I, Value x, Value *out)
{
    if (!int_arg(I, x))
        return false;
    if (bigint_sign(x) < 0)
        return interp_error(I, ERR_VALUE, "isqrt() argument must be nonnegative");
    mpz_t r;
    mpz_init(r);
    bigint_get(r, x);
    mpz_sqrt(r, r);
    return bigint_take(I, r, out);
}

double bigint_log(Value v)
{
    mpz_srcptr z = bigint_mpz(v);
    long e;
    double m = mpz_get_d_2exp(&e, z);   /* |m| in [0.5, 1) */
    return log(fabs(m)) + (double)e * M_LN2;
}
