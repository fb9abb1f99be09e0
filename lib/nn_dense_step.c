/* nn_dense_step.c - the Dense layer in the model's steps (fit, evaluate,
 * predict, model(x)), its kernel cut into blocks of rows over the ctx's
 * threads.
 *
 * With T threads, a layer whose product is large enough has the rows of
 * its kernel W (fan_in, units) cut into T blocks, and block p stays with
 * thread p (nn_parallel_parts) in every region of every step:
 *  - forward: thread p computes the partial product X[:, rows_p] W[rows_p, :];
 *    the caller adds the partials in block order, then the bias and the
 *    activation;
 *  - backward: thread p computes dW[rows_p, :] = X[:, rows_p]^T dY and,
 *    for the first layer of a training step (it has no input gradient, so
 *    nothing reads its old weights afterwards), runs the optimizer's
 *    update of those rows at once.
 * Each thread's kernel rows, gradients and optimizer moments are one
 * contiguous range that stays in its core's cache: 784-128-10's first
 * layer with Adam is 1.6 MB, more than one core's 1 MB L2, and half of it
 * fits.  Cutting by columns instead interleaves the two threads' data
 * every 256 bytes, and their stores then contend: a training step took
 * longer on two threads than on one.
 *
 * The weights of a run depend on the thread count, as with any threaded
 * BLAS: the forward product is summed in T pieces.  With one thread the
 * layer is one product, as before; for a given thread count a run is
 * reproducible (test_fit_repro).
 */
#include "nn_layer.h"
#include "nn_internal.h"
#include "nn_train_fast.h"

/* Below this product size (2mnk) a layer runs on one thread: a region
 * costs a few microseconds of hand-over. */
#define NN_DENSE_SPLIT_MIN 1e6
/* Kernel rows per block at least. */
#define NN_DENSE_BLOCK_MIN 64
/* Floats of partial products at most (4 MiB): training batches, not a
 * predict over 10,000 rows. */
#define NN_PARTIAL_MAX ((int64_t)1 << 20)

typedef struct {
    NnModel *m;
    NnLayer *L;
    const float *x;         /* layer input (rows, k) */
    float *dy;              /* backward: d loss / d output (rows, n) */
    float *z;               /* forward: partial 0 (the layer's z or out) */
    int64_t rows, n, k;
    int parts;
    bool update;            /* backward: the optimizer's update too */
} DenseJob;

static int dense_parts(NnCtx *ctx, int64_t rows, int64_t n, int64_t k)
{
    int threads = nn_ctx_threads(ctx);
    if (threads < 2 || 2.0 * (double)rows * (double)n * (double)k < NN_DENSE_SPLIT_MIN)
        return 1;
    int64_t most = k / NN_DENSE_BLOCK_MIN;
    if (most > 24)
        most = 24;
    return most < threads ? (int)(most < 1 ? 1 : most) : threads;
}

/* Kernel rows [r0, r1) of block p. */
static void block_rows(const DenseJob *j, int64_t p, int64_t *r0, int64_t *r1)
{
    *r0 = j->k * p / j->parts;
    *r1 = j->k * (p + 1) / j->parts;
}

/* Partial p of the forward product, into z (p 0) or m->partial. */
static float *partial_buf(const DenseJob *j, int64_t p)
{
    return p == 0 ? j->z : j->m->partial + (p - 1) * j->rows * j->n;
}

static void forward_task(void *arg, int64_t lo, int64_t hi)
{
    const DenseJob *j = arg;
    const float *W = nn_weight_ptr(j->m, j->L, 0);
    for (int64_t p = lo; p < hi; p++) {
        int64_t r0, r1;
        block_rows(j, p, &r0, &r1);
        nn_train_gemm_block(false, false, j->rows, j->n, r1 - r0, j->x + r0, j->k, W + r0 * j->n,
                            j->n, partial_buf(j, p), j->n);
    }
}

/* With the update, a block's gradient rows are computed and applied a
 * slice at a time, each slice's gradients, weights and moments (16 bytes a
 * parameter with Adam) about 256 KB, so they are still in L2 when the
 * update reads them: 784-128-10 at batch 32 gained 3-8% on one thread.
 * A slice keeps at least 128 rows: thinner products lose more in the GEMM
 * than the cache saves (784-512-512-10 at batch 128 with 32-row slices:
 * 2.69 s per epoch on one thread against 2.46 unsliced). */
#define NN_UPDATE_SLICE_BYTES (256 << 10)
#define NN_UPDATE_SLICE_ROWS 128

static void backward_task(void *arg, int64_t lo, int64_t hi)
{
    const DenseJob *j = arg;
    const NnLayer *L = j->L;
    int64_t slice = NN_UPDATE_SLICE_BYTES / (16 * j->n);
    if (slice < NN_UPDATE_SLICE_ROWS)
        slice = NN_UPDATE_SLICE_ROWS;
    for (int64_t p = lo; p < hi; p++) {
        int64_t r0, r1;
        block_rows(j, p, &r0, &r1);
        int64_t step = j->update ? slice : r1 - r0;
        for (int64_t a = r0; a < r1; a += step) {
            int64_t b = a + step < r1 ? a + step : r1;
            nn_train_gemm_block(true, false, b - a, j->n, j->rows, j->x + a, j->k, j->dy, j->n,
                                nn_grad_ptr(j->m, L, 0) + a * j->n, j->n);
            if (j->update)
                nn_optim_update_range(j->m, L->w[0].offset + a * j->n, (b - a) * j->n);
        }
        if (j->update && p == 0)
            for (int w = 1; w < L->nw; w++)
                nn_optim_update_range(j->m, L->w[w].offset, L->w[w].numel);
    }
}

/* Room for the partials 1..parts-1; false (one thread then) when it cannot
 * be had.  It grows only, so a fit allocates at its first batch. */
static bool partials_ready(DenseJob *j)
{
    int64_t need = (j->parts - 1) * j->rows * j->n;
    if (need > NN_PARTIAL_MAX)
        return false;       /* a large product: nn_train_gemm cuts its columns */
    if (need <= j->m->partial_cap)
        return true;
    float *p = nn_realloc(j->m->ctx, j->m->partial, sizeof(float) * (size_t)need, "partial sums");
    if (!p) {
        nn_clear_error(j->m->ctx);
        return false;
    }
    j->m->partial = p;
    j->m->partial_cap = need;
    return true;
}

/* Runs fn over the job's blocks, block p on thread p. */
static void run_blocks(NnCtx *ctx, DenseJob *j, NnTaskFn fn)
{
    nn_train_blas_serial(ctx, true);
    nn_parallel_parts(ctx, j->parts, fn, j);
    nn_train_blas_serial(ctx, false);
}

/* z += the partials 1..parts-1, in block order. */
static void sum_partials(const DenseJob *j)
{
    int64_t len = j->rows * j->n;
    for (int p = 1; p < j->parts; p++) {
        const float *s = partial_buf(j, p);
        for (int64_t i = 0; i < len; i++)
            j->z[i] += s[i];
    }
}

/* x (rows, fan_in) -> out (rows, units), rows = B * in_size / fan_in. */
void nn_dense_forward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, int64_t B)
{
    int64_t k = L->w[0].shape[0], n = L->w[0].shape[1];
    int64_t rows = B * (L->in_size / k);
    float *z = L->z ? L->z : L->out;
    const float *b = L->nw > 1 ? nn_weight_ptr(m, L, 1) : NULL;
    DenseJob j = { m, L, x, NULL, z, rows, n, k, dense_parts(ctx, rows, n, k), false };
    if (j.parts > 1 && partials_ready(&j)) {
        run_blocks(ctx, &j, forward_task);
        sum_partials(&j);
    } else {
        nn_train_gemm(ctx, false, false, rows, n, k, x, k, nn_weight_ptr(m, L, 0), n, z, n);
    }
    nn_bias_act(L, z, L->out, b, rows, n);
}

void nn_dense_backward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, float *dy,
                       float *dx, int64_t B)
{
    int64_t k = L->w[0].shape[0], n = L->w[0].shape[1];
    int64_t rows = B * (L->in_size / k);
    if (!L->skip_act_backward)
        nn_act_backward(L->cfg.activation, L->cfg.act_alpha, L->z, L->out, dy, rows, n);
    if (L->cfg.trainable) {
        if (L->nw > 1)
            nn_train_colsum(dy, rows, n, nn_grad_ptr(m, L, 1));
        /* the input gradient reads the old weights: only a layer without
         * one may update itself here */
        DenseJob j = { m, L, x, dy, NULL, rows, n, k, dense_parts(ctx, rows, n, k), false };
        j.update = !dx && nn_optim_can_update_early(m, L);
        if (j.parts > 1) {
            run_blocks(ctx, &j, backward_task);
        } else if (j.update) {
            j.parts = 1;
            backward_task(&j, 0, 1);
        } else {
            nn_train_gemm(ctx, true, false, k, n, rows, x, k, dy, n, nn_grad_ptr(m, L, 0), n);
        }
        if (j.update)
            nn_optim_updated_early(m, L);
    }
    if (dx)
        nn_train_gemm(ctx, false, true, rows, k, n, dy, n, nn_weight_ptr(m, L, 0), n, dx, k);
}
