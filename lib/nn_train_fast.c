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

#ifdef HAVE_CBLAS
#include <cblas.h>
#endif

/* Products below this many flops (2mnk) run on one thread.  Measured in
 * bench/: OpenBLAS on two threads loses below ~50 MFLOP on this class of
 * machine (784-128-10 at batch 128 is 26 MFLOP per product); 784-512-512-10
 * at batch 128 (103 MFLOP) gains. */
#define NN_GEMM_MT_MIN 40e6

void nn_train_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                   int64_t ldc)
{
    double flops = 2.0 * (double)m * (double)n * (double)k;
    int threads = nn_ctx_threads(ctx);
#ifdef HAVE_CBLAS
    if (threads > 1 && flops < NN_GEMM_MT_MIN && m > 0 && n > 0 && k > 0 && m <= INT_MAX &&
        n <= INT_MAX && k <= INT_MAX && lda <= INT_MAX && ldb <= INT_MAX && ldc <= INT_MAX &&
        strcmp(nn_gemm_backend_name(), "openblas") == 0) {
        openblas_set_num_threads(1);
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)m, (int)n, (int)k, 1.0f, a, (int)lda, b, (int)ldb, 0.0f, c, (int)ldc);
        openblas_set_num_threads(threads);   /* what nn_gemm_f32 last set for this ctx */
        return;
    }
#endif
    nn_gemm_f32(ctx, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
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
void nn_train_relu_backward(float *restrict dy, const float *restrict y, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        dy[i] = y[i] > 0 ? dy[i] : 0;
}
