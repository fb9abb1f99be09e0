#include "config.h"
/* nn_train_fast.c - the training loop's fast paths: the per-shape GEMM
 * policy of the Dense layers and fused row kernels (see nn_train_fast.h).
 *
 * Owned by the performance work of bench/ (issue 9); measured there.
 */
#include "nn_train_fast.h"
#include "nn_internal.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_CBLAS
#include <cblas.h>
#endif

/* Products below this many flops (2mnk) run on one thread: a split costs
 * a few microseconds (784-128-10 at batch 32 is 6 MFLOP per product, 60 us).
 * From 8 MFLOP the pool's spinning workers make the split pay: 784-512-512-10
 * at batch 32 (26 and 17 MFLOP products) trains in 2.4 s per epoch on two
 * threads against 3.3 s with this limit at 40 MFLOP. */
#define NN_GEMM_MT_MIN 8e6

#ifdef HAVE_CBLAS
/* A product on several threads: C is cut into one column block per
 * thread, each one single-threaded cblas call, block p on thread p
 * (nn_parallel_parts), so the part of B a thread reads stays in its cache
 * from one step to the next (for dX = dY W^T, its block is the kernel rows
 * that the Dense layer's other regions give it, nn_dense_step.c).
 * OpenBLAS's own threads are never woken: they busy-wait, which on a
 * loaded 2-core machine made its 2-thread products several times slower
 * than 1 thread, while the pool's workers sleep.  A thread that is late
 * leaves its block to the others.  Every element of C is one k-sum
 * computed by the same kernel whichever thread runs its block, and the
 * blocks depend only on n and the thread count: results do not depend on
 * scheduling. */
typedef struct {
    bool ta, tb;
    int m, n, k, lda, ldb, ldc;
    const float *a, *b;
    float *c;
    int parts;
} GemmJob;

/* beta is 1 for the blocks of a split product: C was cleared in one
 * memset, which is much faster than OpenBLAS clearing a strided block. */
static void gemm_cols(const GemmJob *j, int64_t j0, int64_t j1, float beta)
{
    const float *b = j->tb ? j->b + j0 * j->ldb : j->b + j0;
    cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans,
                j->tb ? CblasTrans : CblasNoTrans, j->m, (int)(j1 - j0), j->k, 1.0f, j->a,
                j->lda, b, j->ldb, beta, j->c + j0, j->ldc);
}

static void gemm_worker(void *arg, int64_t lo, int64_t hi)
{
    const GemmJob *j = arg;
    int64_t blocks = (j->n + 15) / 16;      /* 16 columns: one 64-byte line */
    for (int64_t p = lo; p < hi; p++) {
        int64_t j0 = blocks * p / j->parts * 16, j1 = blocks * (p + 1) / j->parts * 16;
        if (j1 > j->n)
            j1 = j->n;
        if (j1 > j0)
            gemm_cols(j, j0, j1, 1.0f);
    }
}

static bool blas_small_enough(int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb,
                              int64_t ldc)
{
    return m > 0 && n > 0 && k > 0 && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX &&
           lda <= INT_MAX && ldb <= INT_MAX && ldc <= INT_MAX;
}
#endif

/* Per thread: the bench times the thread that runs the fit; a pool
 * worker's block products add to its own counter, not to the caller's. */
static _Thread_local bool g_timing;
static _Thread_local double g_gemm_seconds;

void nn_train_gemm_timing(bool on)
{
    g_timing = on;
    g_gemm_seconds = 0;
}

double nn_train_gemm_seconds(void) { return g_gemm_seconds; }

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void train_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                       const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                       int64_t ldc);

void nn_train_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                   int64_t ldc)
{
    if (!g_timing) {
        train_gemm(ctx, ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    double t0 = now_seconds();
    train_gemm(ctx, ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
    g_gemm_seconds += now_seconds() - t0;
}

static void train_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                       const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                       int64_t ldc)
{
#ifdef HAVE_CBLAS
    if (blas_small_enough(m, n, k, lda, ldb, ldc) &&
        strcmp(nn_gemm_backend_name(), "openblas") == 0) {
        double flops = 2.0 * (double)m * (double)n * (double)k;
        int threads = nn_ctx_threads(ctx);
        GemmJob j = { ta, tb, (int)m, (int)n, (int)k, (int)lda, (int)ldb, (int)ldc, a, b, c, 1 };
        if (threads > 1 && flops >= NN_GEMM_MT_MIN && n >= 128) {
            int64_t p = n / 64 < threads ? n / 64 : threads;   /* >= 64 columns each */
            j.parts = (int)p;
        }
        openblas_set_num_threads(1);
        if (j.parts > 1) {
            for (int64_t i = 0; i < m; i++)
                memset(c + i * ldc, 0, sizeof(float) * (size_t)n);
            nn_parallel_parts(ctx, j.parts, gemm_worker, &j);
        } else {
            gemm_cols(&j, 0, n, 0.0f);
        }
        openblas_set_num_threads(threads);   /* what nn_gemm_f32 last set for this ctx */
        return;
    }
#endif
    nn_gemm_f32(ctx, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

void nn_train_gemm_block(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a,
                         int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc)
{
    double t0 = g_timing ? now_seconds() : 0;
#ifdef HAVE_CBLAS
    if (blas_small_enough(m, n, k, lda, ldb, ldc) &&
        strcmp(nn_gemm_backend_name(), "openblas") == 0) {
        GemmJob j = { ta, tb, (int)m, (int)n, (int)k, (int)lda, (int)ldb, (int)ldc, a, b, c, 1 };
        gemm_cols(&j, 0, n, 0.0f);
    } else
#endif
    {
        nn_gemm_f32(NULL, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    }
    if (g_timing)
        g_gemm_seconds += now_seconds() - t0;
}

void nn_train_blas_serial(NnCtx *ctx, bool on)
{
#ifdef HAVE_CBLAS
    if (strcmp(nn_gemm_backend_name(), "openblas") == 0)
        openblas_set_num_threads(on ? 1 : nn_ctx_threads(ctx));
#else
    (void)ctx;
    (void)on;
#endif
}

/* The row kernels are simple loops written for the vectorizer; ISO C mode
 * at -O2 leaves the ReLU's select as a branch that mispredicts half the
 * time. */
#if defined(__GNUC__) && !defined(__clang__)
#define NN_FAST __attribute__((optimize("O3", "no-math-errno")))
#else
#define NN_FAST
#endif

NN_FAST
void nn_train_colsum(const float *restrict dy, int64_t rows, int64_t n, float *restrict db)
{
    memset(db, 0, sizeof(float) * (size_t)n);
    for (int64_t r = 0; r < rows; r++) {
        const float *d = dy + r * n;
        for (int64_t j = 0; j < n; j++)
            db[j] += d[j];
    }
}

NN_FAST
void nn_train_bias_relu(float *restrict y, const float *restrict b, int64_t rows, int64_t cols)
{
    for (int64_t r = 0; r < rows; r++) {
        float *o = y + r * cols;
        if (b) {
            for (int64_t j = 0; j < cols; j++) {
                float v = o[j] + b[j];
                o[j] = v > 0 ? v : 0;
            }
        } else {
            for (int64_t j = 0; j < cols; j++)
                o[j] = o[j] > 0 ? o[j] : 0;
        }
    }
}

NN_FAST
void nn_train_relu(float *restrict y, const float *restrict z, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        y[i] = z[i] > 0 ? z[i] : 0;
}

NN_FAST
void nn_train_relu_backward(float *restrict dy, const float *restrict y, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        dy[i] = y[i] > 0 ? dy[i] : 0;
}
