#include "config.h"
/* nn_gemm.c - the GEMM backend: C = alpha * op(A) @ op(B) + beta * C,
 * row-major, through cblas (OpenBLAS) when configured, else the built-in
 * kernel.  Both backends are always compiled; nn_gemm_set_backend chooses
 * one for tests and bench.
 *
 * The built-in kernel is the classic blocked scheme (Goto/BLIS): B is packed
 * in KC x NR slivers, A in MR x KC slivers, and a register-tiled MR x NR
 * micro-kernel written with GCC vector extensions accumulates in registers.
 * The micro-kernel is compiled three times, for AVX-512, AVX2+FMA and the
 * portable baseline, and chosen at run time with __builtin_cpu_supports.
 * Large products are split over the ctx's threads along N (or M when M is
 * larger), which never changes the order of the k-sums: results do not
 * depend on the thread count.  Packing buffers come from the ctx allocator
 * in the calling thread; if that fails a plain loop computes the product.
 *
 * Owned by the tensor runtime.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_CBLAS
#include <cblas.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NN_X86 1
#define ATTR_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define ATTR_AVX2 __attribute__((target("avx2,fma")))
#else
#define ATTR_AVX512
#define ATTR_AVX2
#endif

/* ISO C mode turns off FMA contraction; the micro-kernels want it. */
#if defined(__GNUC__) && !defined(__clang__)
#define ATTR_FMA __attribute__((optimize("fp-contract=fast")))
#else
#define ATTR_FMA
#endif

static NnGemmBackend g_backend = NN_GEMM_AUTO;

bool nn_gemm_set_backend(NnGemmBackend b)
{
#ifndef HAVE_CBLAS
    if (b == NN_GEMM_BLAS)
        return false;
#endif
    g_backend = b;
    return true;
}

static bool use_blas(void)
{
#ifdef HAVE_CBLAS
    return g_backend != NN_GEMM_BUILTIN;
#else
    return false;
#endif
}

const char *nn_gemm_backend_name(void) { return use_blas() ? "openblas" : "builtin"; }

/* ---- micro-kernels ---- */

/* c[0..mr, 0..nr) += alpha * a_sliver @ b_sliver, a packed MR-major per k,
 * b packed NR-major per k (both zero-padded to MR/NR). */
#define DEF_UKERNEL(NAME, T, VT, VL, MR, NV, ATTR)                                        \
    ATTR ATTR_FMA static void NAME(int64_t kc, const T *restrict a, const T *restrict b,          \
                          T *restrict c, int64_t ldc, T alpha, int mr, int nr)           \
    {                                                                                     \
        enum { NR = VL * NV };                                                            \
        VT acc[MR][NV];                                                                   \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)                             \
            _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++)                          \
                acc[i][j] = (VT){0};                                                      \
        for (int64_t p = 0; p < kc; p++) {                                                \
            VT bv[NV];                                                                    \
            _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++)                          \
                bv[j] = *(const VT *)(b + p * NR + j * VL);                               \
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {                       \
                T av = a[p * MR + i];                                                     \
                _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++)                      \
                    acc[i][j] += av * bv[j];                                              \
            }                                                                             \
        }                                                                                 \
        if (mr == MR && nr == NR) {                                                       \
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)                         \
                _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++) {                    \
                    VT cv;                                                                \
                    memcpy(&cv, c + i * ldc + j * VL, sizeof cv);                         \
                    cv += alpha * acc[i][j];                                              \
                    memcpy(c + i * ldc + j * VL, &cv, sizeof cv);                         \
                }                                                                         \
            return;                                                                       \
        }                                                                                 \
        T tmp[MR * NR] __attribute__((aligned(64)));                                      \
        for (int i = 0; i < MR; i++)                                                      \
            for (int j = 0; j < NV; j++)                                                  \
                memcpy(tmp + i * NR + j * VL, &acc[i][j], sizeof(VT));                    \
        for (int i = 0; i < mr; i++)                                                      \
            for (int j = 0; j < nr; j++)                                                  \
                c[i * ldc + j] += alpha * tmp[i * NR + j];                                \
    }

typedef float v16f __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v8d __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));
typedef double v2d __attribute__((vector_size(16)));

#ifdef NN_X86
DEF_UKERNEL(uk_s_avx512, float, v16f, 16, 12, 2, ATTR_AVX512)
DEF_UKERNEL(uk_s_avx512n, float, v16f, 16, 12, 1, ATTR_AVX512)   /* narrow N (<= 16) */
DEF_UKERNEL(uk_d_avx512, double, v8d, 8, 12, 2, ATTR_AVX512)
DEF_UKERNEL(uk_d_avx512n, double, v8d, 8, 12, 1, ATTR_AVX512)
DEF_UKERNEL(uk_s_avx2, float, v8f, 8, 6, 2, ATTR_AVX2)
DEF_UKERNEL(uk_s_avx2n, float, v8f, 8, 6, 1, ATTR_AVX2)
DEF_UKERNEL(uk_d_avx2, double, v4d, 4, 6, 2, ATTR_AVX2)
DEF_UKERNEL(uk_d_avx2n, double, v4d, 4, 6, 1, ATTR_AVX2)
#endif
DEF_UKERNEL(uk_s_base, float, v4f, 4, 6, 2, )
DEF_UKERNEL(uk_d_base, double, v2d, 2, 6, 2, )

typedef void (*UkS)(int64_t, const float *, const float *, float *, int64_t, float, int, int);
typedef void (*UkD)(int64_t, const double *, const double *, double *, int64_t, double, int, int);

typedef struct {
    int mr, nr, kc, mc, nc;
    UkS s;
    UkD d;
    const char *name;
} Isa;

/* g_isa_*n: the same ISA with a one-vector-wide tile, for products whose N
 * is at most one vector (the 10-class output layer) */
static Isa g_isa_s, g_isa_d, g_isa_sn, g_isa_dn;
static bool g_isa_ready;

static void isa_init(void)
{
    if (g_isa_ready)
        return;
    g_isa_s = (Isa){6, 8, 256, 96, 1024, uk_s_base, NULL, "base"};
    g_isa_d = (Isa){6, 4, 256, 96, 1024, NULL, uk_d_base, "base"};
    g_isa_sn = g_isa_s;
    g_isa_dn = g_isa_d;
#ifdef NN_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        g_isa_s = (Isa){12, 32, 256, 144, 1024, uk_s_avx512, NULL, "avx512"};
        g_isa_d = (Isa){12, 16, 256, 96, 1024, NULL, uk_d_avx512, "avx512"};
        g_isa_sn = (Isa){12, 16, 256, 144, 1024, uk_s_avx512n, NULL, "avx512"};
        g_isa_dn = (Isa){12, 8, 256, 96, 1024, NULL, uk_d_avx512n, "avx512"};
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        g_isa_s = (Isa){6, 16, 256, 96, 1024, uk_s_avx2, NULL, "avx2"};
        g_isa_d = (Isa){6, 8, 256, 96, 1024, NULL, uk_d_avx2, "avx2"};
        g_isa_sn = (Isa){6, 8, 256, 96, 1024, uk_s_avx2n, NULL, "avx2"};
        g_isa_dn = (Isa){6, 4, 256, 96, 1024, NULL, uk_d_avx2n, "avx2"};
    }
#endif
    g_isa_ready = true;
}

/* Name of the built-in micro-kernel in use ("avx512", "avx2", "base"). */
const char *nn_gemm_builtin_isa(void)
{
    isa_init();
    return g_isa_s.name;
}

/* ---- the blocked driver, once per element type ---- */

#define DEF_DRIVER(T, SUF, UKF)                                                           \
    typedef struct {                                                                      \
        bool ta, tb;                                                                      \
        int64_t m, n, k, lda, ldb, ldc;                                                   \
        T alpha;                                                                          \
        const T *a, *b;                                                                   \
        T *c;                                                                             \
        const Isa *isa;                                                                   \
        T *scratch;                                                                       \
        size_t per_task;                                                                  \
        bool split_n;                                                                     \
        int64_t unit, nunits, ntasks, mcap;                                               \
    } Job##SUF;                                                                           \
                                                                                          \
    static void pack_a_##SUF(const Job##SUF *j, int64_t i0, int64_t mc, int64_t p0,       \
                             int64_t kc, T *ap)                                           \
    {                                                                                     \
        int mr = j->isa->mr;                                                              \
        for (int64_t s = 0; s < mc; s += mr, ap += mr * kc) {                             \
            int h = mc - s < mr ? (int)(mc - s) : mr;                                     \
            if (j->ta) {                                                                  \
                for (int64_t p = 0; p < kc; p++) {                                        \
                    const T *src = j->a + (p0 + p) * j->lda + i0 + s;                     \
                    for (int i = 0; i < h; i++)                                           \
                        ap[p * mr + i] = src[i];                                          \
                    for (int i = h; i < mr; i++)                                          \
                        ap[p * mr + i] = 0;                                               \
                }                                                                         \
                continue;                                                                 \
            }                                                                             \
            for (int i = 0; i < h; i++) {                                                 \
                const T *src = j->a + (i0 + s + i) * j->lda + p0;                         \
                for (int64_t p = 0; p < kc; p++)                                          \
                    ap[p * mr + i] = src[p];                                              \
            }                                                                             \
            for (int i = h; i < mr; i++)                                                  \
                for (int64_t p = 0; p < kc; p++)                                          \
                    ap[p * mr + i] = 0;                                                   \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void pack_b_##SUF(const Job##SUF *j, int64_t p0, int64_t kc, int64_t j0,       \
                             int64_t nc, T *bp)                                           \
    {                                                                                     \
        int nr = j->isa->nr;                                                              \
        for (int64_t s = 0; s < nc; s += nr, bp += nr * kc) {                             \
            int64_t w = nc - s < nr ? nc - s : nr;                                        \
            for (int64_t p = 0; p < kc; p++) {                                            \
                T *dst = bp + p * nr;                                                     \
                int64_t q = p0 + p;                                                       \
                if (!j->tb) {                                                             \
                    memcpy(dst, j->b + q * j->ldb + j0 + s, (size_t)w * sizeof(T));       \
                } else {                                                                  \
                    for (int64_t x = 0; x < w; x++)                                       \
                        dst[x] = j->b[(j0 + s + x) * j->ldb + q];                         \
                }                                                                         \
                for (int64_t x = w; x < nr; x++)                                          \
                    dst[x] = 0;                                                           \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    /* C[i0:i1, j0:j1] += alpha * op(A) op(B) on one task's block */                      \
    static void block_##SUF(const Job##SUF *j, int64_t i0, int64_t i1, int64_t j0,        \
                            int64_t j1, T *scratch)                                       \
    {                                                                                     \
        const Isa *isa = j->isa;                                                          \
        int mr = isa->mr, nr = isa->nr;                                                   \
        int64_t kcap = j->k < isa->kc ? j->k : isa->kc;                                   \
        T *ap = scratch, *bp = scratch + (size_t)((j->mcap * kcap + 15) & ~(int64_t)15);  \
        for (int64_t jc = j0; jc < j1; jc += isa->nc) {                                   \
            int64_t nc = j1 - jc < isa->nc ? j1 - jc : isa->nc;                           \
            for (int64_t pc = 0; pc < j->k; pc += isa->kc) {                              \
                int64_t kc = j->k - pc < isa->kc ? j->k - pc : isa->kc;                   \
                pack_b_##SUF(j, pc, kc, jc, nc, bp);                                      \
                for (int64_t ic = i0; ic < i1; ic += isa->mc) {                           \
                    int64_t mc = i1 - ic < isa->mc ? i1 - ic : isa->mc;                   \
                    pack_a_##SUF(j, ic, mc, pc, kc, ap);                                  \
                    for (int64_t jr = 0; jr < nc; jr += nr)                               \
                        for (int64_t ir = 0; ir < mc; ir += mr)                           \
                            isa->UKF(kc, ap + ir * kc, bp + jr * kc,                      \
                                     j->c + (ic + ir) * j->ldc + jc + jr, j->ldc,         \
                                     j->alpha, (int)(mc - ir < mr ? mc - ir : mr),        \
                                     (int)(nc - jr < nr ? nc - jr : nr));                 \
                }                                                                         \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void task_##SUF(void *arg, int64_t lo, int64_t hi)                             \
    {                                                                                     \
        Job##SUF *j = arg;                                                                \
        for (int64_t t = lo; t < hi; t++) {                                               \
            int64_t a0 = j->nunits * t / j->ntasks * j->unit;                             \
            int64_t a1 = j->nunits * (t + 1) / j->ntasks * j->unit;                       \
            T *scratch = j->scratch + (size_t)t * j->per_task;                            \
            if (j->split_n)                                                               \
                block_##SUF(j, 0, j->m, a0, a1 < j->n ? a1 : j->n, scratch);              \
            else                                                                          \
                block_##SUF(j, a0, a1 < j->m ? a1 : j->m, 0, j->n, scratch);              \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void naive_##SUF(const Job##SUF *j)                                            \
    {                                                                                     \
        for (int64_t i = 0; i < j->m; i++)                                                \
            for (int64_t p = 0; p < j->k; p++) {                                          \
                T av = j->alpha * (j->ta ? j->a[p * j->lda + i] : j->a[i * j->lda + p]);  \
                for (int64_t x = 0; x < j->n; x++)                                        \
                    j->c[i * j->ldc + x] +=                                               \
                        av * (j->tb ? j->b[x * j->ldb + p] : j->b[p * j->ldb + x]);       \
            }                                                                             \
    }                                                                                     \
                                                                                          \
    static void builtin_##SUF(NnCtx *ctx, Job##SUF *j)                                    \
    {                                                                                     \
        const Isa *isa = j->isa;                                                          \
        int threads = nn_ctx_threads(ctx);                                                \
        double flops = (double)j->m * (double)j->n * (double)j->k;                        \
        j->split_n = j->n >= j->m;                                                        \
        j->unit = j->split_n ? isa->nr : isa->mr;                                         \
        j->nunits = ((j->split_n ? j->n : j->m) + j->unit - 1) / j->unit;                 \
        j->ntasks = flops < 262144.0 ? 1 : threads;                                       \
        if (j->ntasks > j->nunits)                                                        \
            j->ntasks = j->nunits;                                                        \
        if (j->ntasks < 1)                                                                \
            j->ntasks = 1;                                                                \
        int64_t mcap = j->m < isa->mc ? (j->m + isa->mr - 1) / isa->mr * isa->mr : isa->mc; \
        int64_t ncap = j->n < isa->nc ? (j->n + isa->nr - 1) / isa->nr * isa->nr : isa->nc; \
        int64_t kcap = j->k < isa->kc ? j->k : isa->kc;                                   \
        j->mcap = mcap;                                                                   \
        j->per_task = (size_t)((kcap * (mcap + ncap) + 64 + 15) & ~(int64_t)15);          \
        NnStatus st = ctx ? ctx->status : NN_OK;                                          \
        char *raw = ctx ? nn_alloc(ctx, j->per_task * sizeof(T) * (size_t)j->ntasks + 64, \
                                   "GEMM packing buffers")                                \
                        : malloc(j->per_task * sizeof(T) * (size_t)j->ntasks + 64);       \
        if (!raw) {                                                                       \
            if (ctx)                                                                      \
                ctx->status = st;                                                         \
            naive_##SUF(j);                                                               \
            return;                                                                       \
        }                                                                                 \
        j->scratch = (T *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);                      \
        nn_parallel_for(ctx, j->ntasks, 1, task_##SUF, j);                                \
        if (ctx)                                                                          \
            nn_free(ctx, raw);                                                            \
        else                                                                              \
            free(raw);                                                                    \
    }

DEF_DRIVER(float, s, s)
DEF_DRIVER(double, d, d)

/* C = beta * C, with beta == 0 clearing C (NaNs in C do not survive). */
#define SCALE_C(T)                                                       \
    do {                                                                 \
        if (beta == 1)                                                   \
            break;                                                       \
        for (int64_t i = 0; i < m; i++)                                  \
            for (int64_t x = 0; x < n; x++)                              \
                c[i * ldc + x] = beta == 0 ? 0 : beta * c[i * ldc + x];  \
    } while (0)

#ifdef HAVE_CBLAS
/* OpenBLAS runs on the ctx's thread count, so nnsh never oversubscribes. */
static void blas_threads(NnCtx *ctx)
{
    static int set = -1;
    int t = nn_ctx_threads(ctx);
    if (ctx && t != set) {
        openblas_set_num_threads(t);
        set = t;
    }
}
#endif

static bool blas_ok(int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb, int64_t ldc)
{
    return use_blas() && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX && lda <= INT_MAX &&
           ldb <= INT_MAX && ldc <= INT_MAX;
}

static void gemm_f32_once(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                 const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                 float *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        SCALE_C(float);
        return;
    }
#ifdef HAVE_CBLAS
    if (blas_ok(m, n, k, lda, ldb, ldc)) {
        blas_threads(ctx);
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
        return;
    }
#endif
    SCALE_C(float);
    isa_init();
    Jobs j = {.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb, .ldc = ldc,
              .alpha = alpha, .a = a, .b = b, .c = c,
              .isa = n <= g_isa_sn.nr ? &g_isa_sn : &g_isa_s};
    builtin_s(ctx, &j);
}

static void gemm_f64_once(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
                 const double *a, int64_t lda, const double *b, int64_t ldb, double beta,
                 double *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        SCALE_C(double);
        return;
    }
#ifdef HAVE_CBLAS
    if (blas_ok(m, n, k, lda, ldb, ldc)) {
        blas_threads(ctx);
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
        return;
    }
#endif
    SCALE_C(double);
    isa_init();
    Jobd j = {.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb, .ldc = ldc,
              .alpha = alpha, .a = a, .b = b, .c = c,
              .isa = n <= g_isa_dn.nr ? &g_isa_dn : &g_isa_d};
    builtin_d(ctx, &j);
}

/* Ctrl-C inside one long product: above GEMM_PANEL_FLOPS, C is computed in
 * panels of rows and the ctx interrupt hook is polled before each; when it
 * fires the rest is skipped (C is then incomplete) and the caller, which
 * polls nn_interrupted() after the call, fails with NN_EINTR. */
#define GEMM_PANEL_FLOPS ((double)(1 << 27))

static bool gemm_poll(NnCtx *ctx)
{
    return ctx && ctx->intr && ctx->intr(ctx->intr_ud);
}

static int64_t gemm_panel_rows(NnCtx *ctx, int64_t m, int64_t n, int64_t k)
{
    double flops = (double)m * (double)n * (double)k;
    if (!ctx || !ctx->intr || flops <= GEMM_PANEL_FLOPS)
        return m;
    int64_t rows = (int64_t)(GEMM_PANEL_FLOPS / ((double)n * (double)k));
    rows = (rows + 15) / 16 * 16;
    return rows < 16 ? 16 : rows;
}

#define DEF_GEMM_PANELS(T, S)                                                              \
    void nn_gemm_##S(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,        \
                     T alpha, const T *a, int64_t lda, const T *b, int64_t ldb, T beta,    \
                     T *c, int64_t ldc)                                                    \
    {                                                                                      \
        int64_t rows = gemm_panel_rows(ctx, m, n, k);                                      \
        if (rows >= m) {                                                                   \
            gemm_##S##_once(ctx, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);    \
            return;                                                                        \
        }                                                                                  \
        for (int64_t i0 = 0; i0 < m && !gemm_poll(ctx); i0 += rows) {                      \
            int64_t mi = m - i0 < rows ? m - i0 : rows;                                    \
            gemm_##S##_once(ctx, ta, tb, mi, n, k, alpha, ta ? a + i0 : a + i0 * lda, lda, \
                            b, ldb, beta, c + i0 * ldc, ldc);                              \
        }                                                                                  \
    }

DEF_GEMM_PANELS(float, f32)
DEF_GEMM_PANELS(double, f64)
