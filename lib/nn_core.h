/* nn_core.h - the lib context: status codes, error messages, the allocator
 * hook, the interrupt hook, thread count and the random generator.
 *
 * Depends on the C library only.  Every lib call takes an NnCtx; a call that
 * fails returns its status (or NULL for constructors) and leaves the message
 * in the ctx.  lib never prints, never exits, never longjmps.
 */
#ifndef NN_CORE_H
#define NN_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
    NN_OK = 0,
    NN_ENOMEM,      /* allocation failed or over the memory limit */
    NN_EDIM,        /* shapes do not fit (broadcast, matmul, reshape) */
    NN_EARG,        /* a bad argument value (axis out of range, bad dtype) */
    NN_ETYPE,       /* an operation not defined for the dtype */
    NN_EINDEX,      /* an index out of range */
    NN_EIO,         /* a file could not be read or written */
    NN_EFORMAT,     /* a file is malformed */
    NN_ENAN,        /* a non-finite value where it is not allowed (training) */
    NN_EINTR        /* interrupted through the interrupt hook */
} NnStatus;

typedef struct NnCtx NnCtx;

/* The allocator hook (lua_Alloc style): malloc/realloc/free in one function.
 * nsize == 0 frees ptr and returns NULL; otherwise returns the new block or
 * NULL on failure (ptr is then untouched). */
typedef void *(*NnAllocFn)(void *ud, void *ptr, size_t nsize);

NnCtx *nn_ctx_new(void);                 /* NULL on OOM */
void nn_ctx_free(NnCtx *ctx);
void nn_ctx_set_allocator(NnCtx *ctx, NnAllocFn fn, void *ud);

/* Allocation through the hook; every lib allocation uses these.
 * nn_alloc returns NULL and sets NN_ENOMEM with a message naming `what`
 * and the byte count when it fails. */
void *nn_alloc(NnCtx *ctx, size_t n, const char *what);
void *nn_calloc(NnCtx *ctx, size_t count, size_t size, const char *what);
void *nn_realloc(NnCtx *ctx, void *p, size_t n, const char *what);
void nn_free(NnCtx *ctx, void *p);
/* Optional cap on bytes live through the hook (0 = none): :limit memory. */
void nn_ctx_set_mem_limit(NnCtx *ctx, size_t bytes);
size_t nn_ctx_mem_used(const NnCtx *ctx);

/* Errors: nn_error sets status and message (printf-style) and returns the
 * status, so `return nn_error(ctx, NN_EDIM, "...")` reads well. */
NnStatus nn_error(NnCtx *ctx, NnStatus st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
NnStatus nn_status(const NnCtx *ctx);
const char *nn_errmsg(const NnCtx *ctx);
void nn_clear_error(NnCtx *ctx);

/* Interrupt: lib polls fn between batches and in the outer loops of long
 * kernels; when it returns true the call fails with NN_EINTR. */
void nn_ctx_set_interrupt(NnCtx *ctx, bool (*fn)(void *ud), void *ud);
bool nn_interrupted(NnCtx *ctx);         /* sets NN_EINTR "interrupted" when true */

/* Threads for element-wise work, reductions and GEMM (default: all cores). */
void nn_ctx_set_threads(NnCtx *ctx, int n);
int nn_ctx_threads(const NnCtx *ctx);

/* The one random generator of a session: MT19937 with numpy's legacy
 * seeding and draws, so np.random.seed(0); np.random.rand(3) gives numpy's
 * numbers.  :seed, np.random.seed and tf.random.set_seed all seed it. */
void nn_rng_seed(NnCtx *ctx, uint32_t seed);
uint32_t nn_rng_u32(NnCtx *ctx);
double nn_rng_double(NnCtx *ctx);        /* [0, 1), numpy random_sample */
double nn_rng_gauss(NnCtx *ctx);         /* numpy legacy_gauss (polar, cached) */
uint64_t nn_rng_interval(NnCtx *ctx, uint64_t max);   /* [0, max], numpy masked rejection */

/* Added for :limit memory (reliability): the limit set with
 * nn_ctx_set_mem_limit (0 = none). */
size_t nn_ctx_mem_limit(const NnCtx *ctx);

#endif
