/* pymods_random.c - Python's `random` module: the Mersenne Twister seeded
 * exactly as CPython seeds it (init_by_array over the 32-bit words of
 * abs(seed)), so random.seed(42); random.random() gives Python's numbers,
 * and randrange/randint/choice/shuffle/sample/choices/gauss built on it
 * with the algorithms of CPython 3.11's Lib/random.py.
 *
 * This generator is separate from the tensor generator (np.random, tf.random
 * live in lib/).  Its state is one object per session, bound as `self` to
 * every function of the module.  Owned by the built-ins engineer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "methods_internal.h"
#include "bigint.h"
#include "sha512.h"

#define MT_N 624
#define MT_M 397

typedef struct MtState {
    uint32_t mt[MT_N];
    int mti;
    bool has_gauss;
    double gauss_next;
} MtState;

static void init_genrand(MtState *s, uint32_t seed)
{
    s->mt[0] = seed;
    for (int i = 1; i < MT_N; i++)
        s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t)i;
    s->mti = MT_N;
}

static void init_by_array(MtState *s, const uint32_t *key, size_t len)
{
    init_genrand(s, 19650218u);
    size_t i = 1, j = 0, k = MT_N > len ? MT_N : len;
    for (; k; k--) {
        s->mt[i] = (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1664525u)) + key[j] +
                   (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) {
            s->mt[0] = s->mt[MT_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        s->mt[i] = (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1566083941u)) -
                   (uint32_t)i;
        i++;
        if (i >= MT_N) {
            s->mt[0] = s->mt[MT_N - 1];
            i = 1;
        }
    }
    s->mt[0] = 0x80000000u;
}

static uint32_t genrand_uint32(MtState *s)
{
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    uint32_t y;
    if (s->mti >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
            s->mt[kk] = s->mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1u];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
            s->mt[kk] = s->mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1u];
        }
        y = (s->mt[MT_N - 1] & 0x80000000u) | (s->mt[0] & 0x7fffffffu);
        s->mt[MT_N - 1] = s->mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1u];
        s->mti = 0;
    }
    y = s->mt[s->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

/* random(): 53 random bits as CPython's random_random. */
static double mt_random(MtState *s)
{
    uint32_t a = genrand_uint32(s) >> 5, b = genrand_uint32(s) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/* getrandbits(k) for 0 <= k <= 64 (words least significant first). */
static uint64_t mt_getrandbits(MtState *s, int k)
{
    if (k <= 0)
        return 0;
    if (k <= 32)
        return genrand_uint32(s) >> (32 - k);
    uint64_t lo = genrand_uint32(s);
    uint64_t hi = genrand_uint32(s) >> (64 - k);
    return lo | hi << 32;
}

/* A random int in [0, n), n > 0: CPython's _randbelow_with_getrandbits. */
static uint64_t mt_below(MtState *s, uint64_t n)
{
    int k = 0;
    for (uint64_t t = n; t; t >>= 1)
        k++;
    uint64_t r = mt_getrandbits(s, k);
    while (r >= n)
        r = mt_getrandbits(s, k);
    return r;
}

/* Seeds from an unsigned magnitude, as random.seed(int) does. */
static void mt_seed_u64(MtState *s, uint64_t u)
{
    uint32_t key[2] = {(uint32_t)u, (uint32_t)(u >> 32)};
    init_by_array(s, key, key[1] ? 2 : 1);
    s->has_gauss = false;
}

static void mt_seed_entropy(MtState *s)
{
    uint32_t key[MT_N];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n = f ? fread(key, sizeof key[0], MT_N, f) : 0;
    if (f)
        fclose(f);
    if (n < MT_N) {
        key[0] = (uint32_t)time(NULL);
        key[1] = (uint32_t)getpid();
        key[2] = (uint32_t)clock();
        n = 3;
    }
    init_by_array(s, key, n);
    s->has_gauss = false;
}

/* ---- the module's functions: self is the generator object ---- */

static void state_finalize(void *data)
{
    free(data);
}

static bool state_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool state_repr(Interp *I, Value self, StrBuf *sb);

static const NativeClass random_state_class = {
    .name = "Random", .finalize = state_finalize,
    .getattr = state_getattr, .repr = state_repr,
    .doc = "The state of the random module's Mersenne Twister (Python's algorithm).",
};

static MtState *ST(Value self)
{
    return native_obj_data(self, &random_state_class);
}

/* Seeds from the unsigned big-endian number b[0..n), as random.seed(int)
 * does: init_by_array over its 32-bit words, least significant first. */
static bool mt_seed_bytes(Interp *I, MtState *s, const uint8_t *b, size_t n)
{
    while (n && !b[0])
        b++, n--;
    size_t words = n ? (n + 3) / 4 : 1;
    uint32_t *key = calloc(words, sizeof *key);
    if (!key)
        return interp_error(I, ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++)      /* byte i from the end: word i/4 */
        key[i / 4] |= (uint32_t)b[n - 1 - i] << (8 * (i % 4));
    init_by_array(s, key, words);
    s->has_gauss = false;
    free(key);
    return true;
}

/* random.seed(str), version 2: the int of the UTF-8 bytes followed by
 * their SHA-512 digest, as CPython. */
static bool mt_seed_str(Interp *I, MtState *s, const char *str, size_t n)
{
    uint8_t *b = malloc(n + 64);
    if (!b)
        return interp_error(I, ERR_MEMORY, "out of memory");
    memcpy(b, str, n);
    sha512(str, n, b + n);
    bool ok = mt_seed_bytes(I, s, b, n + 64);
    free(b);
    return ok;
}

/* random.seed(int past 64 bits): abs(seed)'s bytes. */
static bool mt_seed_big(Interp *I, MtState *s, Value x)
{
    size_t n = 0;
    uint8_t *b = mpz_export(NULL, &n, 1, 1, 1, 0, bigint_mpz(x));
    bool ok = mt_seed_bytes(I, s, b, n);
    void (*release)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &release);
    release(b, n);
    return ok;
}

static bool seed_from(Interp *I, MtState *s, Value x)
{
    if (x.kind == VAL_UNSET || x.kind == VAL_NONE) {
        mt_seed_entropy(s);
    } else if (x.kind == VAL_INT || x.kind == VAL_BOOL) {
        int64_t n = x.kind == VAL_INT ? x.as.i : x.as.b;
        mt_seed_u64(s, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
    } else if (val_is_obj(x, OBJ_STR)) {
        return mt_seed_str(I, s, str_cstr(x), as_str(x)->len);
    } else if (bigint_is(x)) {
        return mt_seed_big(I, s, x);
    } else if (x.kind == VAL_FLOAT) {
        int64_t n = builtins_hash_double(x.as.f);
        mt_seed_u64(s, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
    } else {
        return interp_error(I, ERR_TYPE, "The only supported seed types are: None,\n"
                            "int, float, str, bytes, and bytearray.");
    }
    return true;
}

static bool r_seed(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    if (!args_parse(I, "random.seed", a, "a=, version=", v) || !seed_from(I, ST(self), v[0]))
        return false;
    *out = val_none();
    return true;
}

static bool r_random(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    if (!args_parse(I, "random.random", a, "", none_))
        return false;
    *out = val_float(mt_random(ST(self)));
    return true;
}

static bool r_getrandbits(Interp *I, Value self, const Args *a, Value *out)
{
    Value kv;
    int64_t k;
    if (!args_parse(I, "random.getrandbits", a, "k", &kv) ||
        !arg_int(I, "getrandbits", "k", kv, &k))
        return false;
    if (k < 0)
        return interp_error(I, ERR_VALUE, "number of bits must be non-negative");
    if (k > 63)
        return interp_error(I, ERR_OVERFLOW, "getrandbits(%lld) does not fit a 64-bit int",
                            (long long)k);
    *out = val_int((int64_t)mt_getrandbits(ST(self), (int)k));
    return true;
}

static bool int_arg(Interp *I, Value v, const char *which, int64_t *out)
{
    if (v.kind == VAL_FLOAT) {
        if (v.as.f != floor(v.as.f))
            return interp_error(I, ERR_VALUE, "non-integer %s for randrange()", which);
        *out = (int64_t)v.as.f;
        return true;
    }
    return value_as_index(I, v, out);
}

/* randrange as CPython 3.11's Random.randrange. */
static bool randrange(Interp *I, MtState *s, Value start, Value stop, Value step, Value *out)
{
    int64_t istart, istop, istep = 1;
    if (!int_arg(I, start, "arg 1", &istart))
        return false;
    if (stop.kind == VAL_UNSET || stop.kind == VAL_NONE) {
        if (step.kind != VAL_UNSET)
            return interp_error(I, ERR_TYPE, "Missing a non-None stop argument");
        if (istart > 0) {
            *out = val_int((int64_t)mt_below(s, (uint64_t)istart));
            return true;
        }
        return interp_error(I, ERR_VALUE, "empty range for randrange()");
    }
    if (!int_arg(I, stop, "stop", &istop) ||
        (step.kind != VAL_UNSET && !int_arg(I, step, "step", &istep)))
        return false;
    int64_t width = istop - istart, n;
    if (istep == 1) {
        if (width > 0) {
            *out = val_int(istart + (int64_t)mt_below(s, (uint64_t)width));
            return true;
        }
        return interp_error(I, ERR_VALUE, "empty range for randrange() (%lld, %lld, %lld)",
                            (long long)istart, (long long)istop, (long long)width);
    }
    if (istep == 0)
        return interp_error(I, ERR_VALUE, "zero step for randrange()");
    n = istep > 0 ? width + istep - 1 : width + istep + 1;
    n = n / istep - ((n % istep != 0) && ((n < 0) != (istep < 0)));   /* floor division */
    if (n <= 0)
        return interp_error(I, ERR_VALUE, "empty range for randrange()");
    *out = val_int(istart + istep * (int64_t)mt_below(s, (uint64_t)n));
    return true;
}

static bool r_randrange(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    if (!args_parse(I, "random.randrange", a, "start, stop=, step=", v))
        return false;
    return randrange(I, ST(self), v[0], v[1], v[2], out);
}

static bool r_randint(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t b;
    if (!args_parse(I, "random.randint", a, "a, b", v) || !int_arg(I, v[1], "stop", &b))
        return false;
    Value unset = {VAL_UNSET, {0}};
    return randrange(I, ST(self), v[0], val_int(b + 1), unset, out);
}

static bool num(Interp *I, Value v, double *out)
{
    switch (v.kind) {
    case VAL_INT: *out = (double)v.as.i; return true;
    case VAL_BOOL: *out = v.as.b; return true;
    case VAL_FLOAT: *out = v.as.f; return true;
    default: break;
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ))
        return value_to_float(I, v, out);
    return interp_error(I, ERR_TYPE, "must be real number, not %s",
                        v.kind == VAL_NONE ? "NoneType" : value_type_name(v));
}

static bool r_uniform(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    double lo, hi;
    if (!args_parse(I, "random.uniform", a, "a, b", v) || !num(I, v[0], &lo) || !num(I, v[1], &hi))
        return false;
    *out = val_float(lo + (hi - lo) * mt_random(ST(self)));
    return true;
}

/* Two optional float parameters with defaults. */
static bool two_floats(Interp *I, const Args *a, const char *fname, const char *spec,
                       double d0, double d1, double *x0, double *x1)
{
    Value v[2];
    if (!args_parse(I, fname, a, spec, v))
        return false;
    *x0 = d0;
    *x1 = d1;
    return (v[0].kind == VAL_UNSET || num(I, v[0], x0)) &&
           (v[1].kind == VAL_UNSET || num(I, v[1], x1));
}

static bool r_gauss(Interp *I, Value self, const Args *a, Value *out)
{
    double mu, sigma, z;
    if (!two_floats(I, a, "random.gauss", "mu=, sigma=", 0.0, 1.0, &mu, &sigma))
        return false;
    MtState *s = ST(self);
    if (s->has_gauss) {
        z = s->gauss_next;
        s->has_gauss = false;
    } else {
        double x2pi = mt_random(s) * (2.0 * M_PI);
        double g2rad = sqrt(-2.0 * log(1.0 - mt_random(s)));
        z = cos(x2pi) * g2rad;
        s->gauss_next = sin(x2pi) * g2rad;
        s->has_gauss = true;
    }
    *out = val_float(mu + z * sigma);
    return true;
}

static double normal_kinderman(MtState *s);

static bool r_normalvariate(Interp *I, Value self, const Args *a, Value *out)
{
    double mu, sigma;
    if (!two_floats(I, a, "random.normalvariate", "mu=, sigma=", 0.0, 1.0, &mu, &sigma))
        return false;
    *out = val_float(mu + normal_kinderman(ST(self)) * sigma);
    return true;
}

static bool r_expovariate(Interp *I, Value self, const Args *a, Value *out)
{
    Value lv;
    double lambd;
    if (!args_parse(I, "random.expovariate", a, "lambd", &lv) || !num(I, lv, &lambd))
        return false;
    if (lambd == 0)
        return interp_error(I, ERR_ZERO_DIVISION, "float division by zero");
    *out = val_float(-log(1.0 - mt_random(ST(self))) / lambd);
    return true;
}

/* ---- more distributions, as CPython 3.11's Lib/random.py ---- */

static double normal_kinderman(MtState *s)
{
    const double magic = 4 * exp(-0.5) / sqrt(2.0);
    for (;;) {
        double u1 = mt_random(s), u2 = 1.0 - mt_random(s);
        double z = magic * (u1 - 0.5) / u2;
        if (z * z / 4.0 <= -log(u2))
            return z;
    }
}

/* Python's float %: the result takes the sign of the divisor. */
static double py_fmod(double x, double m)
{
    double r = fmod(x, m);
    if (r != 0 && ((r < 0) != (m < 0)))
        r += m;
    return r;
}

static bool r_triangular(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    double low = 0.0, high = 1.0, mode = 0, c = 0.5;
    if (!args_parse(I, "random.triangular", a, "low=, high=, mode=", v) ||
        (v[0].kind != VAL_UNSET && !num(I, v[0], &low)) ||
        (v[1].kind != VAL_UNSET && !num(I, v[1], &high)))
        return false;
    double u = mt_random(ST(self));
    if (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE) {
        if (!num(I, v[2], &mode))
            return false;
        if (high - low == 0) {    /* Python returns low as given */
            *out = v[0].kind == VAL_UNSET ? val_float(low) : v[0];
            value_incref(*out);
            return true;
        }
        c = (mode - low) / (high - low);
    }
    if (u > c) {
        u = 1.0 - u;
        c = 1.0 - c;
        double t = low;
        low = high;
        high = t;
    }
    *out = val_float(low + (high - low) * sqrt(u * c));
    return true;
}

static bool r_lognormvariate(Interp *I, Value self, const Args *a, Value *out)
{
    double mu, sigma;
    if (!two_floats(I, a, "random.lognormvariate", "mu, sigma", 0.0, 1.0, &mu, &sigma))
        return false;
    *out = val_float(exp(mu + normal_kinderman(ST(self)) * sigma));
    return true;
}

static bool r_vonmisesvariate(Interp *I, Value self, const Args *a, Value *out)
{
    double mu, kappa, z;
    if (!two_floats(I, a, "random.vonmisesvariate", "mu, kappa", 0.0, 0.0, &mu, &kappa))
        return false;
    MtState *s = ST(self);
    if (kappa <= 1e-6) {
        *out = val_float(2.0 * M_PI * mt_random(s));
        return true;
    }
    double hs = 0.5 / kappa, r = hs + sqrt(1.0 + hs * hs);
    for (;;) {
        z = cos(M_PI * mt_random(s));
        double d = z / (r + z), u2 = mt_random(s);
        if (u2 < 1.0 - d * d || u2 <= (1.0 - d) * exp(d))
            break;
    }
    double q = 1.0 / r, f = (q + z) / (1.0 + q * z);
    double th = mt_random(s) > 0.5 ? mu + acos(f) : mu - acos(f);
    *out = val_float(py_fmod(th, 2.0 * M_PI));
    return true;
}

static double gamma_draw(MtState *s, double alpha, double beta)
{
    double x;
    if (alpha > 1.0) {
        double ainv = sqrt(2.0 * alpha - 1.0), bbb = alpha - log(4.0), ccc = alpha + ainv;
        for (;;) {
            double u1 = mt_random(s);
            if (!(1e-7 < u1 && u1 < 0.9999999))
                continue;
            double u2 = 1.0 - mt_random(s);
            double v = log(u1 / (1.0 - u1)) / ainv;
            x = alpha * exp(v);
            double z = u1 * u1 * u2, r = bbb + ccc * v - x;
            if (r + (1.0 + log(4.5)) - 4.5 * z >= 0.0 || r >= log(z))
                return x * beta;
        }
    }
    if (alpha == 1.0)
        return -log(1.0 - mt_random(s)) * beta;
    for (;;) {
        double u = mt_random(s), b = (M_E + alpha) / M_E, p = b * u;
        x = p <= 1.0 ? pow(p, 1.0 / alpha) : -log((b - p) / alpha);
        double u1 = mt_random(s);
        if (p > 1.0 ? u1 <= pow(x, alpha - 1.0) : u1 <= exp(-x))
            return x * beta;
    }
}

static bool r_gammavariate(Interp *I, Value self, const Args *a, Value *out)
{
    double alpha, beta;
    if (!two_floats(I, a, "random.gammavariate", "alpha, beta", 0.0, 0.0, &alpha, &beta))
        return false;
    if (alpha <= 0.0 || beta <= 0.0)
        return interp_error(I, ERR_VALUE, "gammavariate: alpha and beta must be > 0.0");
    *out = val_float(gamma_draw(ST(self), alpha, beta));
    return true;
}

static bool r_betavariate(Interp *I, Value self, const Args *a, Value *out)
{
    double alpha, beta;
    if (!two_floats(I, a, "random.betavariate", "alpha, beta", 0.0, 0.0, &alpha, &beta))
        return false;
    if (alpha <= 0.0 || beta <= 0.0)
        return interp_error(I, ERR_VALUE, "gammavariate: alpha and beta must be > 0.0");
    double y = gamma_draw(ST(self), alpha, 1.0);
    *out = val_float(y ? y / (y + gamma_draw(ST(self), beta, 1.0)) : 0.0);
    return true;
}

static bool r_paretovariate(Interp *I, Value self, const Args *a, Value *out)
{
    Value v;
    double alpha;
    if (!args_parse(I, "random.paretovariate", a, "alpha", &v) || !num(I, v, &alpha))
        return false;
    double u = 1.0 - mt_random(ST(self));
    *out = val_float(pow(u, -1.0 / alpha));
    return true;
}

static bool r_weibullvariate(Interp *I, Value self, const Args *a, Value *out)
{
    double alpha, beta;
    if (!two_floats(I, a, "random.weibullvariate", "alpha, beta", 0.0, 0.0, &alpha, &beta))
        return false;
    double u = 1.0 - mt_random(ST(self));
    *out = val_float(alpha * pow(-log(u), 1.0 / beta));
    return true;
}

/* ---- sequences ---- */

static bool r_choice(Interp *I, Value self, const Args *a, Value *out)
{
    Value seq;
    int64_t n;
    if (!args_parse(I, "random.choice", a, "seq", &seq) || !value_len(I, seq, &n))
        return false;
    if (n == 0)
        return interp_error(I, ERR_INDEX, "Cannot choose from an empty sequence");
    return value_getitem(I, seq, val_int((int64_t)mt_below(ST(self), (uint64_t)n)), out);
}

static bool r_shuffle(Interp *I, Value self, const Args *a, Value *out)
{
    Value x;
    if (!args_parse(I, "random.shuffle", a, "x", &x))
        return false;
    if (!val_is_obj(x, OBJ_LIST))
        return interp_error(I, ERR_TYPE, "'%s' object does not support item assignment",
                            value_type_name(x));
    ObjList *l = as_list(x);
    for (size_t i = l->len; i-- > 1;) {
        size_t j = (size_t)mt_below(ST(self), i + 1);
        Value t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
    *out = val_none();
    return true;
}

/* Is j among sel[0..n)?  (sample's "selected" set, small enough to scan.) */
static bool chosen(const uint64_t *sel, int64_t n, uint64_t j)
{
    for (int64_t i = 0; i < n; i++)
        if (sel[i] == j)
            return true;
    return false;
}

static bool sample_pick(Interp *I, MtState *s, Value pool, int64_t n, int64_t k, Value result)
{
    int64_t setsize = 21;
    if (k > 5)
        setsize += (int64_t)pow(4, ceil(log((double)k * 3) / log(4)));
    ObjList *p = as_list(pool);
    bool ok = true;
    if (n <= setsize) {
        for (int64_t i = 0; i < k && ok; i++) {
            uint64_t j = mt_below(s, (uint64_t)(n - i));
            ok = list_append(I, result, p->items[j]);
            Value t = p->items[j];
            p->items[j] = p->items[n - i - 1];
            p->items[n - i - 1] = t;
        }
        return ok;
    }
    uint64_t *sel = malloc((size_t)(k ? k : 1) * sizeof *sel);
    if (!sel)
        return interp_error(I, ERR_MEMORY, "out of memory");
    for (int64_t i = 0; i < k && ok; i++) {
        uint64_t j = mt_below(s, (uint64_t)n);
        while (chosen(sel, i, j))
            j = mt_below(s, (uint64_t)n);
        sel[i] = j;
        ok = list_append(I, result, p->items[j]);
    }
    free(sel);
    return ok;
}

static bool r_sample(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], pool, result;
    int64_t k;
    if (!args_parse(I, "random.sample", a, "population, k, *, counts=", v) ||
        !arg_int(I, "sample", "k", v[1], &k))
        return false;
    if (val_is_obj(v[0], OBJ_SET) || val_is_obj(v[0], OBJ_DICT))
        return interp_error(I, ERR_TYPE, "Population must be a sequence.  For dicts or sets, "
                            "use sorted(d).");
    if (!value_to_list(I, v[0], &pool))
        return false;
    int64_t n = (int64_t)as_list(pool)->len;
    bool ok = true;
    if (k < 0 || k > n)
        ok = interp_error(I, ERR_VALUE, "Sample larger than population or is negative");
    ok = ok && list_new(I, (size_t)k, &result);
    if (ok && !sample_pick(I, ST(self), pool, n, k, result)) {
        value_decref(result);
        ok = false;
    }
    value_decref(pool);
    if (ok)
        *out = result;
    return ok;
}

/* The cumulative weights of choices() as doubles (n of them). */
static bool cum_weights(Interp *I, Value weights, bool cumulative, int64_t n, double *cw)
{
    Value list;
    if (!value_to_list(I, weights, &list))
        return false;
    bool ok = true;
    if ((int64_t)as_list(list)->len != n)
        ok = interp_error(I, ERR_VALUE, "The number of weights does not match the population");
    double acc = 0;
    for (int64_t i = 0; ok && i < n; i++) {
        double w;
        ok = num(I, as_list(list)->items[i], &w);
        acc = cumulative ? w : acc + w;
        cw[i] = acc;
    }
    value_decref(list);
    return ok;
}

static int64_t bisect_right(const double *a, double x, int64_t lo, int64_t hi)
{
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (x < a[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static bool choices_pick(Interp *I, MtState *s, Value pop, const double *cw, int64_t n,
                         int64_t k, Value result)
{
    bool ok = true;
    if (n == 0)
        return k > 0 ? interp_error(I, ERR_INDEX, "list index out of range") : true;
    double total = cw ? cw[n - 1] : 0;
    if (cw && !(total > 0.0))
        return interp_error(I, ERR_VALUE, "Total of weights must be greater than zero");
    if (cw && !isfinite(total))
        return interp_error(I, ERR_VALUE, "Total of weights must be finite");
    for (int64_t i = 0; i < k && ok; i++) {
        int64_t j = cw ? bisect_right(cw, mt_random(s) * total, 0, n - 1)
                       : (int64_t)floor(mt_random(s) * (double)n);
        ok = list_append(I, result, as_list(pop)->items[j]);
    }
    return ok;
}

static bool r_choices(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], pop, result;
    int64_t k = 1;
    if (!args_parse(I, "random.choices", a, "population, weights=, *, cum_weights=, k=", v))
        return false;
    if (v[3].kind != VAL_UNSET && !arg_int(I, "choices", "k", v[3], &k))
        return false;
    bool w = v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE;
    bool cw = v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE;
    if (w && cw)
        return interp_error(I, ERR_TYPE, "Cannot specify both weights and cumulative weights");
    if (!value_to_list(I, v[0], &pop))
        return false;
    int64_t n = (int64_t)as_list(pop)->len;
    double *c = (w || cw) ? malloc((size_t)(n ? n : 1) * sizeof *c) : NULL;
    bool ok = !(w || cw) || c || interp_error(I, ERR_MEMORY, "out of memory");
    ok = ok && (!(w || cw) || cum_weights(I, w ? v[1] : v[2], cw, n, c));
    ok = ok && list_new(I, k > 0 ? (size_t)k : 0, &result);
    if (ok && !choices_pick(I, ST(self), pop, c, n, k, result)) {
        value_decref(result);
        ok = false;
    }
    free(c);
    value_decref(pop);
    if (ok)
        *out = result;
    return ok;
}

/* ---- getstate/setstate: (3, 625 words, gauss_next) as CPython's ---- */

static bool r_getstate(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], words, st;
    if (!args_parse(I, "random.getstate", a, "", none_) || !tuple_new(I, MT_N + 1, &words))
        return false;
    MtState *s = ST(self);
    for (int i = 0; i < MT_N; i++)
        as_list(words)->items[i] = val_int(s->mt[i]);
    as_list(words)->items[MT_N] = val_int(s->mti);
    Value g = s->has_gauss ? val_float(s->gauss_next) : val_none();
    bool ok = tuple_pack(I, &st, 3, val_int(3), words, g);
    value_decref(words);
    if (ok)
        *out = st;
    return ok;
}

static bool r_setstate(Interp *I, Value self, const Args *a, Value *out)
{
    Value st;
    if (!args_parse(I, "random.setstate", a, "state", &st))
        return false;
    if (!val_is_obj(st, OBJ_TUPLE) || as_list(st)->len != 3)
        return interp_error(I, ERR_TYPE, "state vector must be a tuple");
    Value ver = as_list(st)->items[0], w = as_list(st)->items[1], g = as_list(st)->items[2];
    if (ver.kind != VAL_INT || ver.as.i != 3)
        return interp_error(I, ERR_VALUE, "state with version %s passed to Random.setstate() "
                            "of version 3", ver.kind == VAL_INT ? "other" : "?");
    if (!val_is_obj(w, OBJ_TUPLE) || as_list(w)->len != MT_N + 1)
        return interp_error(I, ERR_VALUE, "state vector is the wrong size");
    MtState tmp;
    for (int i = 0; i <= MT_N; i++) {
        Value x = as_list(w)->items[i];
        if (x.kind != VAL_INT || x.as.i < 0 || x.as.i > 0xffffffffll)
            return interp_error(I, ERR_TYPE, "state vector items must be integers");
        if (i < MT_N)
            tmp.mt[i] = (uint32_t)x.as.i;
        else if (x.as.i > MT_N)
            return interp_error(I, ERR_VALUE, "invalid state");
        else
            tmp.mti = (int)x.as.i;
    }
    tmp.has_gauss = g.kind != VAL_NONE;
    tmp.gauss_next = 0;
    if (tmp.has_gauss && !num(I, g, &tmp.gauss_next))
        return false;
    *ST(self) = tmp;
    *out = val_none();
    return true;
}

static bool r_Random(Interp *I, Value self, const Args *a, Value *out);

static const Method random_defs[] = {
    METHOD("random", "Random", r_Random, "Random(x=None)", "A generator of its own (Python's random.Random): the module's functions as methods, seeded with x.\nExample: r = random.Random(5); r.randint(1, 6)"),
    METHOD("random", "betavariate", r_betavariate, "betavariate(alpha, beta)", "A beta-distributed float in [0, 1] (Python's algorithm).\nExample: random.betavariate(2, 3)"),
    METHOD("random", "gammavariate", r_gammavariate, "gammavariate(alpha, beta)", "A gamma-distributed float (Python's algorithm).\nExample: random.gammavariate(2.0, 1.0)"),
    METHOD("random", "getstate", r_getstate, "getstate()", "The generator's state, for setstate().\nExample: st = random.getstate()"),
    METHOD("random", "lognormvariate", r_lognormvariate, "lognormvariate(mu, sigma)", "A log-normally distributed float.\nExample: random.lognormvariate(0, 1)"),
    METHOD("random", "paretovariate", r_paretovariate, "paretovariate(alpha)", "A Pareto-distributed float.\nExample: random.paretovariate(3)"),
    METHOD("random", "setstate", r_setstate, "setstate(state)", "Restores a state returned by getstate().\nExample: random.setstate(st)"),
    METHOD("random", "triangular", r_triangular, "triangular(low=0.0, high=1.0, mode=None)", "A float from the triangular distribution on [low, high] with the given mode.\nExample: random.triangular(0, 10, 2)"),
    METHOD("random", "vonmisesvariate", r_vonmisesvariate, "vonmisesvariate(mu, kappa)", "An angle from the von Mises distribution.\nExample: random.vonmisesvariate(0, 1)"),
    METHOD("random", "weibullvariate", r_weibullvariate, "weibullvariate(alpha, beta)", "A Weibull-distributed float.\nExample: random.weibullvariate(1, 1.5)"),
    METHOD("random", "choice", r_choice, "choice(seq)", "A random element of a non-empty sequence.\nExample: random.choice(['a', 'b', 'c'])"),
    METHOD("random", "choices", r_choices, "choices(population, weights=None, *, cum_weights=None, k=1)", "A list of k elements chosen with replacement (optionally weighted).\nExample: random.choices([0, 1], weights=[0.9, 0.1], k=5)"),
    METHOD("random", "expovariate", r_expovariate, "expovariate(lambd)", "An exponentially distributed float with rate lambd.\nExample: random.expovariate(2.0)"),
    METHOD("random", "gauss", r_gauss, "gauss(mu=0.0, sigma=1.0)", "A normally distributed float (Python's gauss algorithm and sequence).\nExample: random.seed(0); random.gauss() -> 0.9417154046806644"),
    METHOD("random", "getrandbits", r_getrandbits, "getrandbits(k)", "An int with k random bits (k <= 63 in nnsh).\nExample: random.getrandbits(8)"),
    METHOD("random", "normalvariate", r_normalvariate, "normalvariate(mu=0.0, sigma=1.0)", "A normally distributed float (Kinderman-Monahan method).\nExample: random.normalvariate(0, 1)"),
    METHOD("random", "randint", r_randint, "randint(a, b)", "A random int N with a <= N <= b.\nExample: random.randint(1, 6)"),
    METHOD("random", "random", r_random, "random()", "A random float in [0.0, 1.0), the same sequence as Python's for the same seed.\nExample: random.seed(42); random.random() -> 0.6394267984578837"),
    METHOD("random", "randrange", r_randrange, "randrange(start, stop=None, step=1)", "A random element of range(start, stop, step).\nExample: random.randrange(0, 10, 2)"),
    METHOD("random", "sample", r_sample, "sample(population, k, *, counts=None)", "A list of k distinct elements chosen from a sequence.\nExample: random.sample(range(10), 3)"),
    METHOD("random", "seed", r_seed, "seed(a=None, version=2)", "Seeds the generator: an int or str seed gives Python's exact sequence; None seeds from the system.\nExample: random.seed(42)"),
    METHOD("random", "shuffle", r_shuffle, "shuffle(x)", "Shuffles a list in place.\nExample: xs = [1, 2, 3]; random.shuffle(xs)"),
    METHOD("random", "uniform", r_uniform, "uniform(a, b)", "A random float between a and b.\nExample: random.uniform(-1, 1)"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

/* A Random instance answers the module's function names as its methods. */
static bool state_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    *found = false;
    if (strcmp(name, "Random") == 0)
        return true;
    for (const Method *m = random_defs; m->qualname; m++) {
        if (strcmp(m->def.name, name) == 0) {
            *found = true;
            return native_new(I, &m->def, m->qualname, self, out);
        }
    }
    return true;
}

static bool state_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<random.Random object at %p>", (void *)self.as.o);
    return true;
}

static bool r_Random(Interp *I, Value self, const Args *a, Value *out)
{
    Value x;
    (void)self;
    if (!args_parse(I, "random.Random", a, "x=", &x))
        return false;
    MtState *s = malloc(sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!seed_from(I, s, x)) {
        free(s);
        return false;
    }
    return native_obj_new(I, &random_state_class, s, out);
}

bool pymods_random_create(Interp *I, Value *out)
{
    Value state;
    MtState *s = malloc(sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    mt_seed_entropy(s);
    if (!native_obj_new(I, &random_state_class, s, &state))
        return false;
    Value mod = {VAL_UNSET, {0}};
    bool ok = module_new(I, "random", "Python's random module: pseudo-random numbers from "
                         "the Mersenne Twister, seeded as Python seeds it.", &mod);
    for (const Method *m = random_defs; ok && m->qualname; m++) {
        Value fn;
        ok = native_new(I, &m->def, m->qualname, state, &fn);
        if (ok) {
            ok = module_set(I, mod, m->def.name, fn);
            value_decref(fn);
        }
    }
    value_decref(state);
    if (!ok) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}
