/* nn_train_fast.h - the training loop's fast paths (nn_train_fast.c): the
 * GEMM policy of the Dense layers (which backend and how many threads for
 * each product shape) and the fused row kernels of a step.
 *
 * Internal to the model runtime (nn_layer*.c, nn_train.c); depends on
 * nn_ops.h (GEMM) and the ctx thread pool.  Kernels take float* rows and
 * never allocate.  Every choice depends only on the shape, the backend
 * compiled in and the ctx thread count, so a run is bit-reproducible for a
 * given seed and thread count.
 */
#ifndef NN_TRAIN_FAST_H
#define NN_TRAIN_FAST_H

#include "nn_ops.h"

/* C (m, n) = op(A) @ op(B), row-major (alpha 1, beta 0), as nn_gemm_f32.
 * Products too small to gain from a second thread (the GEMMs of a small
 * MLP at batch 32) run single-threaded even when the ctx has more: waking
 * a BLAS thread costs more than it saves, and on a busy machine a parallel
 * region waits for its slowest (descheduled) thread. */
void nn_train_gemm(NnCtx *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                   int64_t ldc);

/* bench/: when on, nn_train_gemm adds its wall time to a counter, so the
 * time a fit spends outside its matrix products can be measured.  Off by
 * default (no clock reads); for single-threaded callers of fit. */
void nn_train_gemm_timing(bool on);
double nn_train_gemm_seconds(void);

/* C (m, n) = op(A) @ op(B) on the calling thread alone (a block of a
 * product cut by the caller: A, B and C may be parts of larger arrays).  The
 * caller brackets its parallel region with nn_train_blas_serial(ctx, true)
 * and (ctx, false), so no block wakes OpenBLAS's own threads. */
void nn_train_gemm_block(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a,
                         int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc);
void nn_train_blas_serial(NnCtx *ctx, bool on);


/* db (n) = column sums of dy (rows, n), summed in row order. */
void nn_train_colsum(const float *dy, int64_t rows, int64_t n, float *db);

/* y (rows, cols) = relu(y + b) in place, b (cols) or NULL; relu(v) is
 * v > 0 ? v : 0 (NaN and -0 give +0), branch-free. */
void nn_train_bias_relu(float *y, const float *b, int64_t rows, int64_t cols);

/* dy (n) = y > 0 ? dy : 0, y the ReLU's output. */
void nn_train_relu_backward(float *dy, const float *y, int64_t n);
/* y = max(z, 0) into a separate buffer (y != z). */
void nn_train_relu(float *y, const float *z, int64_t n);

#endif
