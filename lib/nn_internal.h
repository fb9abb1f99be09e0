/* nn_internal.h - private to libnnsh's tensor runtime: the NnCtx layout, the
 * thread pool entry point and the strided iteration helpers shared by the
 * kernel files (nn_elementwise.c, nn_reduce.c, nn_shape.c, nn_linalg.c).
 *
 * Never installed and never included from src/.  Functions here carry the
 * nn_ prefix only because libnnsh exports ^nn_; they are not public API.
 */
#ifndef NN_INTERNAL_H
#define NN_INTERNAL_H

#include "nn_tensor.h"

#define NN_MT_N 624

struct NnPool;

struct NnCtx {
    NnAllocFn alloc;
    void *alloc_ud;
    size_t mem_used, mem_limit;
    NnStatus status;
    char msg[512];
    bool (*intr)(void *ud);
    void *intr_ud;
    int threads;
    struct NnPool *pool;
    /* MT19937 state, numpy legacy layout (key, pos, has_gauss, gauss) */
    uint32_t mt[NN_MT_N];
    int mti;
    bool has_gauss;
    double gauss;
};

/* fn(arg, lo, hi) runs over disjoint ranges covering [0, n).  The split
 * depends only on n, min_chunk and the thread count; work below min_chunk
 * items per thread runs on the caller alone.  ctx may be NULL (one thread). */
typedef void (*NnTaskFn)(void *arg, int64_t lo, int64_t hi);
void nn_parallel_for(NnCtx *ctx, int64_t n, int64_t min_chunk, NnTaskFn fn, void *arg);
/* fn(arg, p, p + 1) for each part p < parts, part p on thread p when that
 * thread is free for it (the caller is thread 0 and always runs part 0),
 * else on any: regions over the same parts keep each part's data in one
 * core's cache.  Up to 24 parts run on the pool; more run on the caller
 * alone. */
void nn_parallel_parts(NnCtx *ctx, int parts, NnTaskFn fn, void *arg);

/* Denormal floats flushed to zero (MXCSR FTZ and DAZ on x86) for the
 * model's own arithmetic: training, evaluation and prediction.  TensorFlow
 * runs its kernels so (every thread of its pools sets the flags), and
 * without it Adam's first moments of weights whose gradient stays zero (the
 * border pixels of an image) decay into the denormal range, where each
 * operation takes a slow microcode path: that doubled the optimizer's time
 * on Fashion-MNIST.  nn_parallel_for's workers take the caller's setting.
 * The interpreter's own arithmetic runs between the scopes, untouched. */
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
static inline unsigned nn_flush_denormals_begin(void)
{
    unsigned old = _mm_getcsr();
    _mm_setcsr(old | 0x8040u);          /* FTZ (bit 15) and DAZ (bit 6) */
    return old;
}
static inline void nn_flush_denormals_end(unsigned old) { _mm_setcsr(old); }
static inline unsigned nn_fp_mode_get(void) { return _mm_getcsr(); }
static inline void nn_fp_mode_set(unsigned mode)
{
    if (_mm_getcsr() != mode)
        _mm_setcsr(mode);
}
#else
static inline unsigned nn_flush_denormals_begin(void) { return 0; }
static inline void nn_flush_denormals_end(unsigned old) { (void)old; }
static inline unsigned nn_fp_mode_get(void) { return 0; }
static inline void nn_fp_mode_set(unsigned mode) { (void)mode; }
#endif

/* "3.64 TiB" as numpy's _ArrayMemoryError prints sizes. */
void nn_format_bytes(double nbytes, char *buf, size_t size);

/* Bytes of a (dt, shape) tensor with overflow checks: false when it does
 * not fit in size_t (then *bytes_d still holds the true size as a double). */
bool nn_shape_bytes(NnDType dt, int ndim, const int64_t *shape, size_t *bytes, double *bytes_d);

/* A tensor of shape/dtype with fresh strides, for internal results. */
NnTensor *nn_tensor_alloc_like_shape(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape);

/* Normalises a possibly negative axis; NN_EARG "axis 3 is out of bounds for
 * array of dimension 2" when out of range. */
NnStatus nn_norm_axis(NnCtx *ctx, int axis, int ndim, int *out);

/* Input cast to dt (a new reference: t itself when already dt). */
NnTensor *nn_as_dtype(NnCtx *ctx, const NnTensor *t, NnDType dt);

/* Copy of element i of src (any dtype) converted to double / int64. */
double nn_load_f64(const void *p, NnDType dt);
int64_t nn_load_i64(const void *p, NnDType dt);
void nn_store_f64(void *p, NnDType dt, double v);
void nn_store_i64(void *p, NnDType dt, int64_t v);

/* Strided N-D walk over `nop` operands sharing one shape: after
 * nn_iter_init, calls visit each inner run of length `inner` starting at
 * the given element offsets.  Dims are collapsed where all operands allow. */
#define NN_ITER_MAXOP 4
typedef struct {
    int ndim, nop;
    int64_t shape[NN_MAXDIM];
    int64_t strides[NN_ITER_MAXOP][NN_MAXDIM];
} NnIter;
void nn_iter_init(NnIter *it, int ndim, const int64_t *shape, int nop,
                  const int64_t *const *strides);
/* Calls fn for every inner run covering flat C-order positions [lo, hi):
 * n elements, off[k] the element offset of operand k, step[k] its inner
 * stride. */
typedef void (*NnRunFn)(void *arg, int64_t n, const int64_t *off, const int64_t *step);
void nn_iter_run(const NnIter *it, int64_t lo, int64_t hi, NnRunFn fn, void *arg);
/* Strides of t broadcast to (ndim, shape) (t's shape must broadcast). */
void nn_broadcast_strides(const NnTensor *t, int ndim, const int64_t *shape, int64_t *out);

/* n elements src (dtype sd, stride ss) -> dst (dd, ds) with numpy casting. */
void nn_convert_run(void *dst, NnDType dd, int64_t ds, const void *src, NnDType sd, int64_t ss,
                    int64_t n);
/* dst = src broadcast to dst's shape and cast; buffers must not overlap. */
void nn_copy_into(NnCtx *ctx, NnTensor *dst, const NnTensor *src);
/* A new header sharing t's buffer and layout (no node, not watched). */
NnTensor *nn_tensor_view_of(NnCtx *ctx, const NnTensor *t);

#endif
