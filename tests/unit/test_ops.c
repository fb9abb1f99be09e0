#define _POSIX_C_SOURCE 200809L   /* nanosleep */
/* test_ops.c - element-wise ops, reductions and shape ops against float64
 * references computed here (libm in double, naive loops), hand-derived
 * values, and numpy 1.24 output (ops_cases.h from gen_ops_cases.py).
 * Inputs include broadcasts, transposed and negative-step views, 0-size
 * dims and a 10^6-element reduction. */
#include "lib_test_util.h"
#include "ops_cases.h"
#include "nn_internal.h"   /* nn_parallel_for: the ctx thread pool */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define EW_ATOL 1e-5
#define EW_RTOL 1.3e-6

static void unref_all(NnTensor **ts, int n)
{
    for (int i = 0; i < n; i++)
        nn_tensor_unref(ts[i]);
}

static NnTensor *rnd(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, uint64_t seed, double scale)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    int64_t n = nn_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        nn_tensor_set_f64(t, i, lcg_next(&seed) * scale);
    return t;
}

/* ---- binary ---- */

static double ref_binary(NnBinaryOp op, double x, double y)
{
    switch (op) {
    case NN_ADD: return x + y;
    case NN_SUB: return x - y;
    case NN_MUL: return x * y;
    case NN_DIV: return x / y;
    case NN_POW: return pow(x, y);
    case NN_MAXIMUM: return x >= y ? x : y;
    case NN_MINIMUM: return x <= y ? x : y;
    case NN_EQ: return x == y;
    case NN_NE: return x != y;
    case NN_LT: return x < y;
    case NN_LE: return x <= y;
    case NN_GT: return x > y;
    case NN_GE: return x >= y;
    case NN_LOGICAL_AND: return x != 0 && y != 0;
    case NN_LOGICAL_OR: return x != 0 || y != 0;
    case NN_LOGICAL_XOR: return (x != 0) != (y != 0);
    case NN_ATAN2: return atan2(x, y);
    default: return NAN;
    }
}

/* a (2,3,4) transposed view op b broadcast (4,) / (3,1) / scalar */
static void check_binary_float(NnCtx *ctx, NnBinaryOp op, NnDType dt)
{
    int64_t sa[3] = {4, 3, 2}, sb1[1] = {2}, sb2[2] = {3, 1};
    NnTensor *base = rnd(ctx, dt, 3, sa, 11 + op, 3);
    NnTensor *a = nn_tensor_transpose(ctx, base, (int[]){0, 1, 2});   /* same layout */
    NnTensor *pos = nn_unary(ctx, NN_ABS, a);                         /* pow wants x >= 0 */
    NnTensor *x = op == NN_POW ? pos : a;
    const NnTensor *bs[3];
    NnTensor *b1 = rnd(ctx, dt, 1, sb1, 5, 2), *b2 = rnd(ctx, dt, 2, sb2, 6, 2);
    NnTensor *b3 = nn_tensor_scalar(ctx, dt, 0.75);
    bs[0] = b1; bs[1] = b2; bs[2] = b3;
    for (int k = 0; k < 3; k++) {
        NnTensor *r = nn_binary(ctx, op, x, bs[k], dt);
        assert_non_null(r);
        check_shape(r, 3, sa);
        double ref[24];
        for (int64_t f = 0; f < 24; f++) {
            int64_t i1 = f % 2, i2 = f / 2 % 3;
            double y = k == 0 ? nn_tensor_get_f64(bs[0], i1) : k == 1 ? nn_tensor_get_f64(bs[1], i2)
                                                                        : 0.75;
            ref[f] = ref_binary(op, nn_tensor_get_f64(x, f), y);
        }
        check_close(r, ref, 24, EW_ATOL, EW_RTOL);
        nn_tensor_unref(r);
    }
    NnTensor *ts[] = {b3, b2, b1, pos, a, base};
    unref_all(ts, 6);
}

static void test_binary_floats(void **state)
{
    NnBinaryOp ops[] = {NN_ADD, NN_SUB, NN_MUL, NN_DIV, NN_POW, NN_MAXIMUM, NN_MINIMUM, NN_EQ,
                        NN_NE, NN_LT, NN_LE, NN_GT, NN_GE, NN_LOGICAL_AND, NN_LOGICAL_OR,
                        NN_LOGICAL_XOR, NN_ATAN2};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        check_binary_float(CTX, ops[i], NN_F32);
        check_binary_float(CTX, ops[i], NN_F64);
    }
}

static void test_floordiv_mod_numpy(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s9[1] = {fa_n}, s8[1] = {ia_n}, s5[1] = {5};
    NnTensor *a = mk(ctx, NN_F64, 1, s9, fa), *b = mk(ctx, NN_F64, 1, s9, fb);
    NnTensor *fd = nn_binary(ctx, NN_FLOORDIV, a, b, NN_F64), *fm = nn_binary(ctx, NN_MOD, a, b, NN_F64);
    check_close(fd, f_floordiv, fa_n, 0, 0);
    check_close(fm, f_mod, fa_n, 0, 0);
    assert_true(signbit(nn_tensor_get_f64(fm, 8)));   /* 6 % -3 == -0.0 */
    NnTensor *fd32 = nn_binary(ctx, NN_FLOORDIV, a, b, NN_F32);
    check_close(fd32, f_floordiv, fa_n, 0, 0);
    NnDType its[3] = {NN_I64, NN_I32, NN_I64};
    NnTensor *ts[16];
    int nt = 0;
    for (int k = 0; k < 2; k++) {
        NnTensor *x = mk(ctx, its[k], 1, s8, ia), *y = mk(ctx, its[k], 1, s8, ib);
        NnTensor *q = nn_binary(ctx, NN_FLOORDIV, x, y, its[k]), *m = nn_binary(ctx, NN_MOD, x, y, its[k]);
        check_close(q, i_floordiv, ia_n, 0, 0);   /* x // 0 == 0, as numpy */
        check_close(m, i_mod, ia_n, 0, 0);
        ts[nt++] = x; ts[nt++] = y; ts[nt++] = q; ts[nt++] = m;
    }
    double pb[5] = {2, -3, 0, 7, 1}, pe[5] = {10, 3, 0, 2, 50};
    NnTensor *pbt = mk(ctx, NN_I64, 1, s5, pb), *pet = mk(ctx, NN_I64, 1, s5, pe);
    NnTensor *pw = nn_binary(ctx, NN_POW, pbt, pet, NN_I64);
    check_close(pw, i_pow, 5, 0, 0);
    nn_tensor_set_i64(pet, 1, -1);
    assert_null(nn_binary(ctx, NN_POW, pbt, pet, NN_I64));
    assert_int_equal(nn_status(ctx), NN_EARG);
    assert_string_equal(nn_errmsg(ctx), "Integers to negative integer powers are not allowed.");
    ts[nt++] = pw; ts[nt++] = pet; ts[nt++] = pbt;
    NnTensor *rest[] = {fd32, fm, fd, b, a};
    unref_all(rest, 5);
    unref_all(ts, nt);
}

static void test_binary_ints_bools(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[2] = {3, 4};
    NnTensor *a = rnd(ctx, NN_F64, 2, s, 3, 100), *b = rnd(ctx, NN_F64, 2, s, 4, 100);
    NnTensor *ai = nn_tensor_cast(ctx, a, NN_I32), *bi = nn_tensor_cast(ctx, b, NN_I32);
    NnTensor *r = nn_binary(ctx, NN_SUB, ai, bi, NN_I32);
    NnTensor *x = nn_binary(ctx, NN_BITXOR, ai, bi, NN_I32);
    NnTensor *u = nn_binary(ctx, NN_ADD, ai, bi, NN_U8);   /* wraps mod 256 */
    for (int i = 0; i < 12; i++) {
        int64_t p = nn_tensor_get_i64(ai, i), q = nn_tensor_get_i64(bi, i);
        assert_int_equal(nn_tensor_get_i64(r, i), p - q);
        assert_int_equal(nn_tensor_get_i64(x, i), p ^ q);
        assert_int_equal(nn_tensor_get_i64(u, i), (uint8_t)((uint8_t)p + (uint8_t)q));
    }
    NnTensor *ba = nn_tensor_cast(ctx, ai, NN_BOOL);
    NnTensor *bsum = nn_binary(ctx, NN_ADD, ba, ba, NN_BOOL);   /* logical or */
    assert_int_equal(bsum->dtype, NN_BOOL);
    assert_null(nn_binary(ctx, NN_SUB, ba, ba, NN_BOOL));
    assert_int_equal(nn_status(ctx), NN_ETYPE);
    assert_null(nn_binary(ctx, NN_BITAND, a, b, NN_F64));
    assert_int_equal(nn_status(ctx), NN_ETYPE);
    /* int64 beyond 2^53 stays exact */
    NnTensor *big = nn_tensor_scalar_i64(ctx, NN_I64, ((int64_t)1 << 60) + 1);
    NnTensor *one = nn_tensor_scalar_i64(ctx, NN_I64, 1);
    NnTensor *sum = nn_binary(ctx, NN_ADD, big, one, NN_I64);
    assert_true(nn_tensor_get_i64(sum, 0) == ((int64_t)1 << 60) + 2);
    NnTensor *ts[] = {sum, one, big, bsum, ba, u, x, r, bi, ai, b, a};
    unref_all(ts, 12);
}

static void test_nan_and_broadcast_errors(void **state)
{
    NnCtx *ctx = CTX;
    double v[3] = {NAN, 1, 2}, w[3] = {1, NAN, 2};
    int64_t s3[1] = {3}, s4[1] = {4};
    NnTensor *a = mk(ctx, NN_F32, 1, s3, v), *b = mk(ctx, NN_F32, 1, s3, w);
    NnTensor *eq = nn_binary(ctx, NN_EQ, a, a, NN_F32), *ne = nn_binary(ctx, NN_NE, a, b, NN_F32);
    NnTensor *mx = nn_binary(ctx, NN_MAXIMUM, a, b, NN_F32), *mn = nn_binary(ctx, NN_MINIMUM, b, a, NN_F32);
    double weq[3] = {0, 1, 1}, wne[3] = {1, 1, 0}, wmx[3] = {NAN, NAN, 2};
    check_close(eq, weq, 3, 0, 0);
    check_close(ne, wne, 3, 0, 0);
    check_close(mx, wmx, 3, 0, 0);
    check_close(mn, wmx, 3, 0, 0);
    NnTensor *c = nn_tensor_new(ctx, NN_I32, 1, s4);
    assert_null(nn_binary(ctx, NN_ADD, a, c, NN_F32));
    assert_int_equal(nn_status(ctx), NN_EDIM);
    assert_string_equal(nn_errmsg(ctx), "shapes (3,) and (4,) cannot be broadcast together in add");
    /* 0-size broadcast */
    int64_t z[2] = {0, 3};
    NnTensor *e = nn_tensor_new(ctx, NN_F32, 2, z);
    NnTensor *er = nn_binary(ctx, NN_MUL, e, a, NN_F32);
    check_shape(er, 2, z);
    NnTensor *ts[] = {er, e, c, mn, mx, ne, eq, b, a};
    unref_all(ts, 9);
}

/* Large work runs on two threads with results identical to one. */
static void test_threads_identical(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[2] = {700, 1000};
    NnTensor *a = rnd(ctx, NN_F32, 2, s, 1, 4), *row = rnd(ctx, NN_F32, 1, s + 1, 2, 1);
    nn_ctx_set_threads(ctx, 1);
    NnTensor *r1 = nn_binary(ctx, NN_MUL, a, row, NN_F32), *u1 = nn_unary(ctx, NN_TANH, a);
    NnTensor *s1 = nn_reduce(ctx, NN_SUM, a, (int[]){1}, 1, false, NN_F32, 0);
    nn_ctx_set_threads(ctx, 2);
    NnTensor *r2 = nn_binary(ctx, NN_MUL, a, row, NN_F32), *u2 = nn_unary(ctx, NN_TANH, a);
    NnTensor *s2 = nn_reduce(ctx, NN_SUM, a, (int[]){1}, 1, false, NN_F32, 0);
    assert_memory_equal(r1->buf->data, r2->buf->data, 700 * 1000 * 4);
    assert_memory_equal(u1->buf->data, u2->buf->data, 700 * 1000 * 4);
    assert_memory_equal(s1->buf->data, s2->buf->data, 700 * 4);
    NnTensor *ts[] = {s2, u2, r2, s1, u1, r1, row, a};
    unref_all(ts, 8);
}

/* The pool under back-to-back regions of changing size: with three
 * threads (two workers) regions of 2 to 3 chunks follow each other, the
 * caller and the workers claiming chunks as they come, so a worker late
 * for one region must not run a chunk of it in the next; every index is
 * visited exactly once per region.  Some regions come after a pause long
 * enough for the workers to go to sleep. */
typedef struct {
    int *hits;
    int region;
} PoolJob;

static void pool_task(void *arg, int64_t lo, int64_t hi)
{
    PoolJob *j = arg;
    for (int64_t i = lo; i < hi; i++)
        __atomic_add_fetch(&j->hits[i], 1, __ATOMIC_RELAXED);
}

static void test_pool_regions(void **state)
{
    NnCtx *ctx = CTX;
    enum { N = 3000 };
    static int hits[N];
    nn_ctx_set_threads(ctx, 3);
    for (int r = 0; r < 3000; r++) {
        int64_t n = r % 3 == 0 ? 2000 : r % 3 == 1 ? 3000 : 1500;
        PoolJob j = { hits, r };
        memset(hits, 0, sizeof hits);
        nn_parallel_for(ctx, n, 1000, pool_task, &j);
        for (int64_t i = 0; i < N; i++)
            if (hits[i] != (i < n ? 1 : 0))
                fail_msg("region %d: index %lld visited %d times", r, (long long)i, hits[i]);
        if (r % 500 == 499) {
            struct timespec ts = { 0, 2000000 };     /* 2 ms: the workers sleep */
            nanosleep(&ts, NULL);
        }
    }
    nn_ctx_set_threads(ctx, 1);
}

/* Homed regions (nn_parallel_parts) between plain ones: every part runs
 * exactly once per region, as fn(arg, p, p + 1); the caller runs part 0
 * (no other thread takes it before its own); with one thread the caller
 * runs all. */
typedef struct {
    int hits[8];
    _Atomic int calls;
    pthread_t caller;
    _Atomic int part0_elsewhere;
} PartsJob;

static void parts_task(void *arg, int64_t lo, int64_t hi)
{
    PartsJob *j = arg;
    if (hi != lo + 1 || lo < 0 || lo >= 8)
        return;                 /* no call is counted: the region's check fails */
    __atomic_add_fetch(&j->hits[lo], 1, __ATOMIC_RELAXED);
    atomic_fetch_add(&j->calls, 1);
    if (lo == 0 && !pthread_equal(pthread_self(), j->caller))
        atomic_fetch_add(&j->part0_elsewhere, 1);
}

static void test_pool_parts(void **state)
{
    NnCtx *ctx = CTX;
    static int hits[3000];
    for (int threads = 1; threads <= 3; threads++) {
        nn_ctx_set_threads(ctx, threads);
        for (int r = 0; r < 2000; r++) {
            int parts = 1 + r % 5;
            PartsJob j = { .caller = pthread_self() };
            nn_parallel_parts(ctx, parts, parts_task, &j);
            for (int p = 0; p < 8; p++)
                if (j.hits[p] != (p < parts ? 1 : 0))
                    fail_msg("%d threads, region %d: part %d ran %d times", threads, r, p,
                             j.hits[p]);
            assert_int_equal(atomic_load(&j.calls), parts);
            assert_int_equal(atomic_load(&j.part0_elsewhere), 0);
            PoolJob pj = { hits, r };               /* a plain region in between */
            memset(hits, 0, sizeof hits);
            nn_parallel_for(ctx, 3000, 1000, pool_task, &pj);
            for (int i = 0; i < 3000; i++)
                assert_int_equal(hits[i], 1);
        }
    }
    nn_ctx_set_threads(ctx, 1);
}

/* Model steps flush denormals to zero (as TensorFlow's threads do): inside
 * the scope a product in the denormal range is 0, on the caller and on a
 * pool worker alike; after it, the caller's mode is back. */
typedef struct {
    volatile float a, b;
    volatile float out[4];
} FlushJob;

static void flush_task(void *arg, int64_t lo, int64_t hi)
{
    FlushJob *j = arg;
    for (int64_t p = lo; p < hi; p++)
        j->out[p] = j->a * j->b;        /* stored before the region's end */
}

static void test_flush_denormals(void **state)
{
    NnCtx *ctx = CTX;
    FlushJob j = { .a = 1e-30f, .b = 1e-10f };     /* 1e-40: below FLT_MIN (1.18e-38) */
    assert_true(j.a * j.b > 0);
    nn_ctx_set_threads(ctx, 2);
    unsigned mode = nn_flush_denormals_begin();
    nn_parallel_parts(ctx, 2, flush_task, &j);
    volatile float inside = j.a * j.b;  /* a volatile store stays inside the scope */
    nn_flush_denormals_end(mode);
#if defined(__x86_64__) || defined(__i386__)
    assert_true(inside == 0 && j.out[0] == 0 && j.out[1] == 0);
#else
    (void)inside;
#endif
    assert_true(j.a * j.b > 0);
    nn_parallel_parts(ctx, 2, flush_task, &j);      /* the worker follows the caller back */
    assert_true(j.out[0] > 0 && j.out[1] > 0);
    nn_ctx_set_threads(ctx, 1);
}

/* ---- unary ---- */

static double sigm(double x) { return 1 / (1 + exp(-x)); }

static double ref_unary(NnUnaryOp op, double x)
{
    switch (op) {
    case NN_NEG: return -x;
    case NN_ABS: return fabs(x);
    case NN_SIGN: return (x > 0) - (x < 0);
    case NN_SQUARE: return x * x;
    case NN_RECIPROCAL: return 1 / x;
    case NN_SQRT: return sqrt(fabs(x));
    case NN_RSQRT: return 1 / sqrt(fabs(x));
    case NN_EXP: return exp(x);
    case NN_EXPM1: return expm1(x);
    case NN_LOG: return log(fabs(x));
    case NN_LOG1P: return log1p(fabs(x));
    case NN_LOG2: return log2(fabs(x));
    case NN_LOG10: return log10(fabs(x));
    case NN_SIN: return sin(x);
    case NN_COS: return cos(x);
    case NN_TAN: return tan(x);
    case NN_ASIN: return asin(x / 4);
    case NN_ACOS: return acos(x / 4);
    case NN_ATAN: return atan(x);
    case NN_SINH: return sinh(x);
    case NN_COSH: return cosh(x);
    case NN_TANH: return tanh(x);
    case NN_SIGMOID: return sigm(x);
    case NN_RELU: return x > 0 ? x : 0;
    case NN_RELU6: return x < 0 ? 0 : x > 6 ? 6 : x;
    case NN_ELU: return x > 0 ? x : exp(x) - 1;
    case NN_SELU: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (exp(x) - 1));
    case NN_SOFTPLUS: return log(1 + exp(x));
    case NN_SOFTSIGN: return x / (1 + fabs(x));
    case NN_SWISH: return x * sigm(x);
    case NN_GELU: return 0.5 * x * (1 + erf(x / sqrt(2)));
    case NN_LEAKY_RELU: return x > 0 ? x : 0.2 * x;
    case NN_FLOOR: return floor(x);
    case NN_CEIL: return ceil(x);
    case NN_TRUNC: return trunc(x);
    case NN_ERF: return erf(x);
    default: return NAN;
    }
}

static bool needs_pos(NnUnaryOp op)
{
    return op == NN_SQRT || op == NN_RSQRT || op == NN_LOG || op == NN_LOG1P || op == NN_LOG2 ||
           op == NN_LOG10;
}

static void test_unary_floats(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[2] = {5, 6};
    for (int op = NN_NEG; op <= NN_ERF; op++) {
        if (op == NN_POS || op == NN_ROUND)
            continue;
        for (int d = 0; d < 2; d++) {
            NnDType dt = d ? NN_F64 : NN_F32;
            NnTensor *base = rnd(ctx, dt, 2, s, 40 + op, 3.9);
            NnTensor *v = nn_tensor_transpose(ctx, base, NULL);          /* strided input */
            NnTensor *four = nn_tensor_scalar(ctx, dt, 4);
            NnTensor *in = needs_pos(op) ? nn_unary(ctx, NN_ABS, v)
                           : (op == NN_ASIN || op == NN_ACOS) ? nn_binary(ctx, NN_DIV, v, four, dt)
                                                              : nn_tensor_ref(v);
            NnTensor *r = nn_unary(ctx, op, in);
            assert_non_null(r);
            double ref[30];
            for (int i = 0; i < 30; i++)
                ref[i] = ref_unary(op, (op == NN_ASIN || op == NN_ACOS) ? nn_tensor_get_f64(v, i)
                                                                        : nn_tensor_get_f64(in, i));
            check_close(r, ref, 30, EW_ATOL, d ? 1e-12 : EW_RTOL);
            NnTensor *ts[] = {r, in, four, v, base};
            unref_all(ts, 5);
        }
    }
}

static void test_unary_special(void **state)
{
    NnCtx *ctx = CTX;
    double x[6] = {-1000, -30, 0, 30, 1000, NAN};
    int64_t s6[1] = {6}, s7[1] = {round_in_n};
    NnTensor *a = mk(ctx, NN_F32, 1, s6, x);
    NnTensor *sg = nn_unary(ctx, NN_SIGMOID, a), *sp = nn_unary(ctx, NN_SOFTPLUS, a);
    double wsg[6] = {0, sigm(-30), 0.5, sigm(30), 1, NAN};
    double wsp[6] = {0, log1p(exp(-30)), log(2), 30 + log1p(exp(-30)), 1000, NAN};
    check_close(sg, wsg, 6, 1e-30, EW_RTOL);   /* no overflow at +-1000 */
    check_close(sp, wsp, 6, 1e-20, EW_RTOL);
    NnTensor *in = nn_unary(ctx, NN_ISNAN, a), *fin = nn_unary(ctx, NN_ISFINITE, a);
    assert_int_equal(in->dtype, NN_BOOL);
    assert_int_equal(nn_tensor_get_i64(in, 5), 1);
    assert_int_equal(nn_tensor_get_i64(fin, 5), 0);
    NnTensor *re = nn_unary(ctx, NN_RELU, a);
    assert_true(isnan(nn_tensor_get_f64(re, 5)));
    NnTensor *rin = mk(ctx, NN_F64, 1, s7, round_in), *ro = nn_unary(ctx, NN_ROUND, rin);
    check_close(ro, round_out, round_in_n, 0, 0);   /* half to even */
    NnTensor *lr = nn_leaky_relu(ctx, a, 0.01);
    assert_true(nn_tensor_get_f64(lr, 1) == (double)(float)(-30 * 0.01f));
    NnTensor *ai = nn_tensor_cast(ctx, rin, NN_I32);
    assert_null(nn_unary(ctx, NN_EXP, ai));
    assert_int_equal(nn_status(ctx), NN_ETYPE);
    NnTensor *inv = nn_unary(ctx, NN_INVERT, ai), *ng = nn_unary(ctx, NN_NEG, ai);
    assert_int_equal(nn_tensor_get_i64(inv, 2), ~2);
    assert_int_equal(nn_tensor_get_i64(ng, 2), -2);
    NnTensor *ts[] = {ng, inv, ai, lr, ro, rin, re, fin, in, sp, sg, a};
    unref_all(ts, 12);
}

static void test_softmax(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[3] = {2, 3, 4};
    NnTensor *a = rnd(ctx, NN_F32, 3, s, 77, 50);   /* large logits: stability */
    for (int axis = -1; axis < 3; axis++) {
        int ax = axis < 0 ? 2 : axis;
        NnTensor *sm = nn_softmax(ctx, a, axis), *ls = nn_log_softmax(ctx, a, axis);
        double ref[24], lref[24];
        for (int f = 0; f < 24; f++) {
            int idx[3] = {f / 12, f / 4 % 3, f % 4};
            double m = -INFINITY, sum = 0;
            for (int j = 0; j < s[ax]; j++) {
                int id2[3] = {idx[0], idx[1], idx[2]};
                id2[ax] = j;
                double v = nn_tensor_get_f64(a, id2[0] * 12 + id2[1] * 4 + id2[2]);
                if (v > m)
                    m = v;
            }
            for (int j = 0; j < s[ax]; j++) {
                int id2[3] = {idx[0], idx[1], idx[2]};
                id2[ax] = j;
                sum += exp(nn_tensor_get_f64(a, id2[0] * 12 + id2[1] * 4 + id2[2]) - m);
            }
            double x = nn_tensor_get_f64(a, f);
            ref[f] = exp(x - m) / sum;
            lref[f] = x - m - log(sum);
        }
        check_close(sm, ref, 24, EW_ATOL, EW_RTOL);
        check_close(ls, lref, 24, EW_ATOL, EW_RTOL);
        nn_tensor_unref(ls);
        nn_tensor_unref(sm);
    }
    nn_tensor_unref(a);
}

static void test_clip_where(void **state)
{
    NnCtx *ctx = CTX;
    double v[5] = {-2, 0.5, 3, NAN, 1};
    int64_t s5[1] = {5};
    NnTensor *a = mk(ctx, NN_F64, 1, s5, v);
    NnTensor *c = nn_clip(ctx, a, 0, 1), *c2 = nn_clip(ctx, a, NAN, 0.7);
    double wc[5] = {0, 0.5, 1, NAN, 1}, wc2[5] = {-2, 0.5, 0.7, NAN, 0.7};
    check_close(c, wc, 5, 0, 0);
    check_close(c2, wc2, 5, 0, 0);
    NnTensor *zero = nn_tensor_scalar(ctx, NN_F64, 0);
    NnTensor *cond = nn_binary(ctx, NN_GT, a, zero, NN_F64);
    int64_t s21[2] = {2, 1};
    double bv[2] = {10, 20};
    NnTensor *b = mk(ctx, NN_I32, 2, s21, bv);
    NnTensor *w = nn_where(ctx, cond, a, b, NN_F64);   /* (5,) x (5,) x (2,1) -> (2,5) */
    double ww[10] = {10, 0.5, 3, 10, 1, 20, 0.5, 3, 20, 1};
    int64_t sw[2] = {2, 5};
    check_shape(w, 2, sw);
    check_close(w, ww, 10, 0, 0);
    NnTensor *ts[] = {w, b, cond, zero, c2, c, a};
    unref_all(ts, 7);
}

/* ---- reductions ---- */

static void test_reduce_axes(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[3] = {3, 4, 5};
    NnTensor *base = rnd(ctx, NN_F32, 3, s, 21, 2);
    NnTensor *a = nn_tensor_slice(ctx, base, 2, 4, -1, -1);   /* negative-step view */
    /* sum over axes (0, 2), keepdims -> (1, 4, 1) */
    NnTensor *r = nn_reduce(ctx, NN_SUM, a, (int[]){0, -1}, 2, true, NN_F32, 0);
    int64_t wk[3] = {1, 4, 1};
    check_shape(r, 3, wk);
    double ref[4] = {0}, mref[4], pref[4], mxr[4], mnr[4];
    for (int j = 0; j < 4; j++) {
        pref[j] = 1;
        mxr[j] = -INFINITY;
        mnr[j] = INFINITY;
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 5; k++) {
                double x = nn_tensor_get_f64(base, i * 20 + j * 5 + (4 - k));
                ref[j] += x;
                pref[j] *= x;
                mxr[j] = fmax(mxr[j], x);
                mnr[j] = fmin(mnr[j], x);
            }
        mref[j] = ref[j] / 15;
    }
    double tol = 1e-6 * sqrt(15);
    check_close(r, ref, 4, 1e-6, tol);
    NnTensor *m = nn_reduce(ctx, NN_MEAN, a, (int[]){2, 0}, 2, false, NN_F64, 0);
    check_close(m, mref, 4, 1e-7, tol);
    NnTensor *p = nn_reduce(ctx, NN_PROD, a, (int[]){0, 2}, 2, false, NN_F64, 0);
    check_close(p, pref, 4, 1e-12, tol);
    NnTensor *mx = nn_reduce(ctx, NN_MAX, a, (int[]){0, 2}, 2, false, NN_F32, 0);
    NnTensor *mn = nn_reduce(ctx, NN_MIN, a, (int[]){0, 2}, 2, false, NN_F32, 0);
    check_close(mx, mxr, 4, 0, 0);
    check_close(mn, mnr, 4, 0, 0);
    assert_null(nn_reduce(ctx, NN_SUM, a, (int[]){0, 0}, 2, false, NN_F32, 0));
    assert_string_equal(nn_errmsg(ctx), "duplicate value in 'axis'");
    assert_null(nn_reduce(ctx, NN_SUM, a, (int[]){3}, 1, false, NN_F32, 0));
    assert_string_equal(nn_errmsg(ctx), "axis 3 is out of bounds for array of dimension 3");
    NnTensor *ts[] = {mn, mx, p, m, r, a, base};
    unref_all(ts, 7);
}

static void test_reduce_stats_args(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[2] = {2, 3};
    NnTensor *a = mk(ctx, NN_F64, 2, s, sv);
    NnTensor *sd = nn_reduce(ctx, NN_STD, a, (int[]){0}, 1, false, NN_F64, 0);
    NnTensor *vr = nn_reduce(ctx, NN_VAR, a, (int[]){1}, 1, false, NN_F64, 1);
    NnTensor *sa = nn_reduce(ctx, NN_STD, a, NULL, 0, false, NN_F64, 0);
    check_close(sd, sv_std0, 3, 0, 1e-15);
    check_close(vr, sv_var1_ddof1, 2, 0, 1e-15);
    check_close(sa, sv_std_all, 1, 0, 1e-15);
    NnTensor *am = nn_reduce(ctx, NN_ARGMAX, a, (int[]){1}, 1, false, NN_I64, 0);
    NnTensor *an = nn_reduce(ctx, NN_ARGMIN, a, NULL, 0, false, NN_I64, 0);   /* flattened */
    double wam[2] = {2, 0}, wan[1] = {4};
    check_close(am, wam, 2, 0, 0);
    check_close(an, wan, 1, 0, 0);
    double nv[4] = {1, NAN, 3, NAN};
    int64_t s4[1] = {4};
    NnTensor *n = mk(ctx, NN_F32, 1, s4, nv);
    NnTensor *nm = nn_reduce(ctx, NN_MAX, n, NULL, 0, false, NN_F32, 0);
    NnTensor *na = nn_reduce(ctx, NN_ARGMAX, n, NULL, 0, false, NN_I64, 0);
    assert_true(isnan(nn_tensor_get_f64(nm, 0)));     /* max propagates nan */
    assert_int_equal(nn_tensor_get_i64(na, 0), 1);     /* first nan wins */
    NnTensor *ts[] = {na, nm, n, an, am, sa, vr, sd, a};
    unref_all(ts, 9);
}

static void test_reduce_ints_bools_empty(void **state)
{
    NnCtx *ctx = CTX;
    double v[6] = {1, 0, 3, 4, 0, 6};
    int64_t s[2] = {2, 3};
    NnTensor *a = mk(ctx, NN_I32, 2, s, v);
    NnTensor *sum = nn_reduce(ctx, NN_SUM, a, NULL, 0, false, NN_I64, 0);
    assert_int_equal(sum->dtype, NN_I64);
    assert_int_equal(nn_tensor_get_i64(sum, 0), 14);
    NnTensor *any = nn_reduce(ctx, NN_ANY, a, (int[]){1}, 1, false, NN_BOOL, 0);
    NnTensor *all = nn_reduce(ctx, NN_ALL, a, (int[]){0}, 1, false, NN_BOOL, 0);
    double wany[2] = {1, 1}, wall[3] = {1, 0, 1};
    check_close(any, wany, 2, 0, 0);
    check_close(all, wall, 3, 0, 0);
    NnTensor *mean = nn_reduce(ctx, NN_MEAN, a, (int[]){0}, 1, false, NN_F64, 0);
    double wm[3] = {2.5, 0, 4.5};
    check_close(mean, wm, 3, 0, 0);
    int64_t z[2] = {0, 3};
    NnTensor *e = nn_tensor_new(ctx, NN_F32, 2, z);
    NnTensor *es = nn_reduce(ctx, NN_SUM, e, (int[]){0}, 1, false, NN_F32, 0);
    NnTensor *ep = nn_reduce(ctx, NN_PROD, e, NULL, 0, false, NN_F32, 0);
    NnTensor *em = nn_reduce(ctx, NN_MEAN, e, NULL, 0, false, NN_F32, 0);
    double w0[3] = {0, 0, 0}, w1[1] = {1}, wn[1] = {NAN};
    check_close(es, w0, 3, 0, 0);
    check_close(ep, w1, 1, 0, 0);
    check_close(em, wn, 1, 0, 0);
    assert_null(nn_reduce(ctx, NN_MAX, e, (int[]){0}, 1, false, NN_F32, 0));
    assert_int_equal(nn_status(ctx), NN_EARG);
    assert_string_equal(nn_errmsg(ctx), "zero-size array to reduction operation maximum which has no identity");
    NnTensor *e1 = nn_reduce(ctx, NN_MAX, e, (int[]){1}, 1, false, NN_F32, 0);   /* shape (0,) */
    assert_int_equal(nn_tensor_numel(e1), 0);
    NnTensor *ts[] = {e1, em, ep, es, e, mean, all, any, sum, a};
    unref_all(ts, 10);
}

static void test_reduce_million(void **state)
{
    NnCtx *ctx = CTX;
    int64_t n = 1000000;
    NnTensor *a = nn_tensor_empty(ctx, NN_F32, 1, &n);
    float *p = a->buf->data;
    uint64_t seed = 3;
    double ref = 0, c = 0;
    for (int64_t i = 0; i < n; i++) {
        p[i] = (float)(lcg_next(&seed) + 0.25);
        double y = (double)p[i] - c, t = ref + y;   /* Kahan in double: the reference */
        c = (t - ref) - y;
        ref = t;
    }
    NnTensor *s = nn_reduce(ctx, NN_SUM, a, NULL, 0, false, NN_F64, 0);
    assert_true(fabs(nn_tensor_get_f64(s, 0) - ref) <= 1e-6 * fabs(ref));
    NnTensor *m = nn_reduce(ctx, NN_MEAN, a, NULL, 0, false, NN_F32, 0);
    assert_true(fabs(nn_tensor_get_f64(m, 0) - ref / n) <= 1e-6 * fabs(ref / n));
    nn_tensor_unref(m);
    nn_tensor_unref(s);
    nn_tensor_unref(a);
}

static void test_cumsum(void **state)
{
    NnCtx *ctx = CTX;
    double v[6] = {1, 2, 3, 4, 5, 6};
    int64_t s[2] = {2, 3};
    NnTensor *a = mk(ctx, NN_I32, 2, s, v);
    NnTensor *c0 = nn_cumsum(ctx, a, 0, NN_I64), *c1 = nn_cumsum(ctx, a, -1, NN_I64);
    NnTensor *cf = nn_cumsum(ctx, a, NN_ALL_AXES, NN_F64), *cp = nn_cumprod(ctx, a, 1, NN_I64);
    double w0[6] = {1, 2, 3, 5, 7, 9}, w1[6] = {1, 3, 6, 4, 9, 15}, wf[6] = {1, 3, 6, 10, 15, 21},
           wp[6] = {1, 2, 6, 4, 20, 120};
    check_close(c0, w0, 6, 0, 0);
    check_close(c1, w1, 6, 0, 0);
    check_close(cf, wf, 6, 0, 0);
    check_close(cp, wp, 6, 0, 0);
    assert_int_equal(cf->ndim, 1);
    NnTensor *ts[] = {cp, cf, c1, c0, a};
    unref_all(ts, 5);
}

/* ---- shape ops ---- */

static void test_concat_stack_split(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 6, 1, NN_I32), *b = nn_arange(ctx, 6, 10, 1, NN_I64);
    int64_t s23[2] = {2, 3}, s22[2] = {2, 2};
    NnTensor *a2 = nn_tensor_reshape(ctx, a, 2, s23), *b2 = nn_tensor_reshape(ctx, b, 2, s22);
    NnTensor *pair[2] = {a2, b2};
    NnTensor *c = nn_concat(ctx, pair, 2, 1, NN_I64);
    double wc[10] = {0, 1, 2, 6, 7, 3, 4, 5, 8, 9};
    check_close(c, wc, 10, 0, 0);
    assert_null(nn_concat(ctx, pair, 2, 0, NN_I64));
    assert_string_equal(nn_errmsg(ctx), "all the input array dimensions except for the concatenation "
                        "axis must match exactly, but along dimension 1, the array at index 0 has size 3 "
                        "and the array at index 1 has size 2");
    NnTensor *same[2] = {a2, a2};
    NnTensor *st = nn_stack(ctx, same, 2, 1, NN_F32);
    int64_t wst[3] = {2, 2, 3};
    check_shape(st, 3, wst);
    assert_true(nn_tensor_get_f64(st, 3) == 0 && nn_tensor_get_f64(st, 6) == 3);
    NnTensor *outs[4];
    assert_int_equal(nn_split(ctx, a, 0, 4, NULL, 0, outs), NN_OK);   /* array_split 6 into 4 */
    assert_int_equal(outs[0]->shape[0], 2);
    assert_int_equal(outs[1]->shape[0], 2);
    assert_int_equal(outs[2]->shape[0], 1);
    for (int i = 0; i < 4; i++)
        nn_tensor_unref(outs[i]);
    int64_t idx[2] = {1, -2};
    assert_int_equal(nn_split(ctx, a, 0, 0, idx, 2, outs), NN_OK);   /* [:1], [1:4], [4:] */
    assert_int_equal(outs[0]->shape[0], 1);
    assert_int_equal(outs[1]->shape[0], 3);
    assert_int_equal(outs[2]->shape[0], 2);
    for (int i = 0; i < 3; i++)
        nn_tensor_unref(outs[i]);
    NnTensor *ts[] = {st, c, b2, a2, b, a};
    unref_all(ts, 6);
}

static void test_take_onehot(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 12, 1, NN_F32);
    int64_t s34[2] = {3, 4}, s2[1] = {2};
    NnTensor *m = nn_tensor_reshape(ctx, a, 2, s34);
    double iv[2] = {2, -1};
    NnTensor *idx = mk(ctx, NN_I64, 1, s2, iv);
    NnTensor *t0 = nn_take(ctx, m, idx, 0), *t1 = nn_take(ctx, m, idx, 1);
    double w0[8] = {8, 9, 10, 11, 8, 9, 10, 11}, w1[6] = {2, 3, 6, 7, 10, 11};
    check_close(t0, w0, 8, 0, 0);
    check_close(t1, w1, 6, 0, 0);
    nn_tensor_set_i64(idx, 0, 4);
    assert_null(nn_take(ctx, m, idx, 1));
    assert_int_equal(nn_status(ctx), NN_EINDEX);
    assert_string_equal(nn_errmsg(ctx), "index 4 is out of bounds for axis 1 with size 4");
    double lv[3] = {0, 2, 5};
    int64_t s3[1] = {3};
    NnTensor *lab = mk(ctx, NN_I32, 1, s3, lv);
    NnTensor *oh = nn_one_hot(ctx, lab, 3, 1, 0, NN_F32);
    double woh[9] = {1, 0, 0, 0, 0, 1, 0, 0, 0};   /* 5 is out of range: a zero row, as tf */
    check_close(oh, woh, 9, 0, 0);
    NnTensor *ts[] = {oh, lab, t1, t0, idx, m, a};
    unref_all(ts, 7);
}

static void test_sort_unique_bincount(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s6[1] = {sort_in_n}, s7[1] = {uq_in_n};
    NnTensor *a = mk(ctx, NN_F64, 1, s6, sort_in);
    NnTensor *so = nn_sort(ctx, a, 0, false), *as = nn_argsort(ctx, a, -1, false);
    check_close(so, sort_out, sort_in_n, 0, 0);
    check_close(as, argsort_out, sort_in_n, 0, 0);
    NnTensor *sd = nn_sort(ctx, a, 0, true);
    double wsd[6] = {3, 2, 2, -1, -INFINITY, NAN};
    check_close(sd, wsd, 6, 0, 0);
    int64_t s23[2] = {2, 3};
    double mv[6] = {3, 1, 2, 0, 5, -1};
    NnTensor *m = mk(ctx, NN_I32, 2, s23, mv);
    NnTensor *ms0 = nn_sort(ctx, m, 0, false), *ms1 = nn_argsort(ctx, m, 1, false);
    double wms0[6] = {0, 1, -1, 3, 5, 2}, wms1[6] = {1, 2, 0, 2, 0, 1};
    check_close(ms0, wms0, 6, 0, 0);
    check_close(ms1, wms1, 6, 0, 0);
    NnTensor *u = mk(ctx, NN_F64, 1, s7, uq_in), *cnt = NULL, *inv = NULL;
    NnTensor *uv = nn_unique(ctx, u, &cnt, &inv);
    check_close(uv, uq_vals, uq_vals_n, 0, 0);
    check_close(cnt, uq_cnt, uq_cnt_n, 0, 0);
    check_close(inv, uq_inv, uq_inv_n, 0, 0);
    double bv[5] = {0, 3, 1, 3, 3};
    int64_t s5[1] = {5};
    NnTensor *bi = mk(ctx, NN_I64, 1, s5, bv), *bw = mk(ctx, NN_F32, 1, s5, mv);
    NnTensor *bc = nn_bincount(ctx, bi, NULL, 6), *bcw = nn_bincount(ctx, bi, bw, 0);
    double wbc[6] = {1, 1, 0, 3, 0, 0}, wbcw[4] = {3, 2, 0, 1 + 0 + 5};
    check_close(bc, wbc, 6, 0, 0);
    assert_int_equal(bcw->dtype, NN_F64);
    check_close(bcw, wbcw, 4, 0, 0);
    nn_tensor_set_i64(bi, 0, -1);
    assert_null(nn_bincount(ctx, bi, NULL, 0));
    assert_string_equal(nn_errmsg(ctx), "'list' argument must have no negative elements");
    NnTensor *ts[] = {bcw, bc, bw, bi, uv, cnt, inv, u, ms1, ms0, m, sd, as, so, a};
    unref_all(ts, 15);
}

static void test_flip_tile_repeat(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 6, 1, NN_I64);
    int64_t s23[2] = {2, 3};
    NnTensor *m = nn_tensor_reshape(ctx, a, 2, s23);
    NnTensor *f1 = nn_flip(ctx, m, 1), *fa = nn_flip(ctx, m, NN_ALL_AXES);
    double wf1[6] = {2, 1, 0, 5, 4, 3}, wfa[6] = {5, 4, 3, 2, 1, 0};
    check_close(f1, wf1, 6, 0, 0);
    check_close(fa, wfa, 6, 0, 0);
    int64_t reps[2] = {2, 2};
    NnTensor *t = nn_tile(ctx, a, 2, reps);   /* np.tile(arange(6), (2, 2)) -> (2, 12) */
    int64_t wts[2] = {2, 12};
    check_shape(t, 2, wts);
    assert_int_equal(nn_tensor_get_i64(t, 7), 1);
    assert_int_equal(nn_tensor_get_i64(t, 12 + 11), 5);
    NnTensor *r = nn_repeat(ctx, m, 2, 0), *rf = nn_repeat(ctx, m, 2, NN_ALL_AXES);
    double wr[12] = {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, wrf[12] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    check_close(r, wr, 12, 0, 0);
    check_close(rf, wrf, 12, 0, 0);
    NnTensor *ts[] = {rf, r, t, fa, f1, m, a};
    unref_all(ts, 7);
}

static void test_ranges(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *t;
    t = nn_linspace(ctx, 0, 1, 7, true, NN_F64); check_close(t, lin1, lin1_n, 0, 0); nn_tensor_unref(t);
    t = nn_linspace(ctx, -3, 5, 4, false, NN_F64); check_close(t, lin2, lin2_n, 0, 0); nn_tensor_unref(t);
    t = nn_linspace(ctx, 0, 10, 4, true, NN_I64); check_close(t, lin3, lin3_n, 0, 0); nn_tensor_unref(t);
    t = nn_linspace(ctx, 2, -1, 6, true, NN_F32); check_close(t, lin4, lin4_n, 0, 0); nn_tensor_unref(t);
    t = nn_arange(ctx, 0, 1, 0.1, NN_F64); check_close(t, ar1, ar1_n, 0, 0); nn_tensor_unref(t);
    t = nn_arange(ctx, 0.5, 3.2, 0.3, NN_F32); check_close(t, ar2, ar2_n, 0, 0); nn_tensor_unref(t);
    t = nn_arange(ctx, 10, -3, -4, NN_I64); check_close(t, ar3, ar3_n, 0, 0); nn_tensor_unref(t);
    t = nn_arange(ctx, 5, 1, 1, NN_I64); assert_int_equal(nn_tensor_numel(t), 0); nn_tensor_unref(t);
    t = nn_eye(ctx, 2, 3, 1, NN_F32);
    double we[6] = {0, 1, 0, 0, 0, 1};
    check_close(t, we, 6, 0, 0);
    nn_tensor_unref(t);
    assert_null(nn_linspace(ctx, 0, 1, -1, true, NN_F64));
    assert_string_equal(nn_errmsg(ctx), "Number of samples, -1, must be non-negative.");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_binary_floats), T(test_floordiv_mod_numpy), T(test_binary_ints_bools),
        T(test_nan_and_broadcast_errors), T(test_threads_identical), T(test_pool_regions), T(test_pool_parts), T(test_flush_denormals), T(test_unary_floats),
        T(test_unary_special), T(test_softmax), T(test_clip_where), T(test_reduce_axes),
        T(test_reduce_stats_args), T(test_reduce_ints_bools_empty), T(test_reduce_million),
        T(test_cumsum), T(test_concat_stack_split), T(test_take_onehot),
        T(test_sort_unique_bincount), T(test_flip_tile_repeat), T(test_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
