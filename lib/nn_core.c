/* nn_core.c - NnCtx: the allocator hook with byte accounting and an optional
 * limit, the error status and message, the interrupt hook, the thread count
 * and a small persistent thread pool (nn_parallel_for).
 *
 * Owned by the tensor runtime.  The random generator's state lives in the
 * ctx too; its algorithms are in nn_random.c.  Every block handed out by
 * nn_alloc carries a 16-byte header with its size so the accounting works
 * with a lua_Alloc-style hook that is never told the old size.
 */
#include "nn_internal.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define HDR 16                  /* size and offset, before the block */
#define NN_ALIGN 64
#define SLACK (HDR + NN_ALIGN)

/* Blocks from 4 MiB are asked to be backed by huge pages, as numpy does for
 * its arrays: a training step gathers a batch of rows from anywhere in the
 * training set, and with 4 KiB pages every row was a TLB miss (prefetching
 * a Fashion-MNIST batch took twice as long). */
#define NN_HUGEPAGE_MIN ((size_t)4 << 20)

static void *default_alloc(void *ud, void *ptr, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    void *p = realloc(ptr, nsize);
#ifdef MADV_HUGEPAGE
    if (p && nsize >= NN_HUGEPAGE_MIN) {
        uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1);
        madvise((void *)a, nsize - (a - (uintptr_t)p), MADV_HUGEPAGE);    /* a hint only */
    }
#endif
    return p;
}

/* Seeds from /dev/urandom (time as a fallback), as numpy does unseeded. */
static uint32_t entropy_seed(void)
{
    uint32_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&s, sizeof s, 1, f) != 1)
            s = 0;
        fclose(f);
    }
    if (s == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ (uint32_t)getpid();
    }
    return s;
}

NnCtx *nn_ctx_new(void)
{
    NnCtx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->alloc = default_alloc;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    ctx->threads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    nn_rng_seed(ctx, entropy_seed());
    return ctx;
}

static void pool_free(struct NnPool *p);

void nn_ctx_free(NnCtx *ctx)
{
    if (!ctx)
        return;
    pool_free(ctx->pool);
    free(ctx);
}

void nn_ctx_set_allocator(NnCtx *ctx, NnAllocFn fn, void *ud)
{
    ctx->alloc = fn ? fn : default_alloc;
    ctx->alloc_ud = fn ? ud : NULL;
}

void nn_format_bytes(double nbytes, char *buf, size_t size)
{
    static const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int e = 0;
    if (nbytes >= 1)
        frexp(nbytes, &e);
    int bits = nbytes >= 1 ? e - 1 : 0;
    int ui = (bits > 1 ? bits : 1) / 10;
    if (ui > 6)
        ui = 6;
    double n = nbytes / ldexp(1.0, 10 * ui);
    if (ui < 6 && nearbyint(n) == 1024) {
        ui++;
        n /= 1024;
    }
    if (ui == 0)
        snprintf(buf, size, "%.0f %s", n, units[0]);
    else
        snprintf(buf, size, "%.3g %s", n, units[ui]);
}

static NnStatus oom(NnCtx *ctx, double n, const char *what)
{
    char sz[32];
    nn_format_bytes(n, sz, sizeof sz);
    return nn_error(ctx, NN_ENOMEM, "cannot allocate %s for %s", sz, what ? what : "a buffer");
}

/* Blocks are 64-byte aligned (a cache line): a parallel region's threads
 * write neighbouring ranges of the same arrays (a layer's kernel rows, the
 * optimizer's chunks), and a line shared by two ranges would travel
 * between the cores at every write.  Before the block: its size, and its
 * distance from what the allocator returned. */
static unsigned char *aligned_in(unsigned char *raw)
{
    return (unsigned char *)(((uintptr_t)raw + HDR + NN_ALIGN - 1) & ~(uintptr_t)(NN_ALIGN - 1));
}

static void set_header(unsigned char *p, size_t n, unsigned char *raw)
{
    size_t off = (size_t)(p - raw);
    memcpy(p - HDR, &n, sizeof n);
    memcpy(p - HDR + sizeof n, &off, sizeof off);
}

static unsigned char *raw_of(unsigned char *p, size_t *n)
{
    size_t off;
    memcpy(n, p - HDR, sizeof *n);
    memcpy(&off, p - HDR + sizeof *n, sizeof off);
    return p - off;
}

void *nn_alloc(NnCtx *ctx, size_t n, const char *what)
{
    if (n > SIZE_MAX - SLACK || (ctx->mem_limit && ctx->mem_used + n > ctx->mem_limit)) {
        oom(ctx, (double)n, what);
        return NULL;
    }
    unsigned char *raw = ctx->alloc(ctx->alloc_ud, NULL, n + SLACK);
    if (!raw) {
        oom(ctx, (double)n, what);
        return NULL;
    }
    unsigned char *p = aligned_in(raw);
    set_header(p, n, raw);
    ctx->mem_used += n;
    return p;
}

void *nn_calloc(NnCtx *ctx, size_t count, size_t size, const char *what)
{
    if (size && count > SIZE_MAX / size) {
        oom(ctx, (double)count * (double)size, what);
        return NULL;
    }
    void *p = nn_alloc(ctx, count * size, what);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *nn_realloc(NnCtx *ctx, void *p, size_t n, const char *what)
{
    if (!p)
        return nn_alloc(ctx, n, what);
    if (n == 0) {
        nn_free(ctx, p);
        return NULL;
    }
    size_t old;
    unsigned char *raw = raw_of(p, &old);
    size_t off = (size_t)((unsigned char *)p - raw);
    if (n > SIZE_MAX - SLACK ||
        (ctx->mem_limit && n > old && ctx->mem_used + (n - old) > ctx->mem_limit)) {
        oom(ctx, (double)n, what);
        return NULL;
    }
    unsigned char *q = ctx->alloc(ctx->alloc_ud, raw, n + SLACK);
    if (!q) {
        oom(ctx, (double)n, what);
        return NULL;
    }
    unsigned char *np = aligned_in(q);
    if (np != q + off)          /* the allocator moved it to another alignment */
        memmove(np, q + off, old < n ? old : n);
    set_header(np, n, q);
    ctx->mem_used = ctx->mem_used - old + n;
    return np;
}

void nn_free(NnCtx *ctx, void *p)
{
    if (!p)
        return;
    size_t old;
    unsigned char *raw = raw_of(p, &old);
    ctx->mem_used -= old;
    ctx->alloc(ctx->alloc_ud, raw, 0);
}

void nn_ctx_set_mem_limit(NnCtx *ctx, size_t bytes) { ctx->mem_limit = bytes; }
size_t nn_ctx_mem_used(const NnCtx *ctx) { return ctx->mem_used; }
size_t nn_ctx_mem_limit(const NnCtx *ctx) { return ctx->mem_limit; }

NnStatus nn_error(NnCtx *ctx, NnStatus st, const char *fmt, ...)
{
    if (!ctx)
        return st;
    /* formatted aside first: callers may pass nn_errmsg(ctx) as an argument
     * to prefix the current message ("PATH: %s") */
    char buf[sizeof ctx->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(ctx->msg, buf, sizeof buf);
    ctx->status = st;
    return st;
}

NnStatus nn_status(const NnCtx *ctx) { return ctx->status; }
const char *nn_errmsg(const NnCtx *ctx) { return ctx->status ? ctx->msg : ""; }

void nn_clear_error(NnCtx *ctx)
{
    ctx->status = NN_OK;
    ctx->msg[0] = '\0';
}

void nn_ctx_set_interrupt(NnCtx *ctx, bool (*fn)(void *ud), void *ud)
{
    ctx->intr = fn;
    ctx->intr_ud = ud;
}

bool nn_interrupted(NnCtx *ctx)
{
    if (ctx && ctx->intr && ctx->intr(ctx->intr_ud)) {
        nn_error(ctx, NN_EINTR, "interrupted");
        return true;
    }
    return false;
}

/* ---- threads ---- */

/* A persistent pool of threads-1 workers.  A parallel region is cut into
 * chunks (up to NN_CHUNKS_PER_THREAD per thread, fixed by n, min_chunk and
 * the thread count, so results never depend on who runs a chunk).  The
 * caller and the workers claim chunks from one atomic word, and the caller
 * waits only for chunks a worker has claimed and not yet finished: when the
 * other core is busy with another program, the caller does the region
 * itself instead of waiting for a descheduled worker.  A worker that
 * finished spins a short while (NN_SPIN_NS) watching the claim word before
 * it sleeps, so the regions of a training step, tens of microseconds apart,
 * start without a system call, and an idle pool still sleeps.  The pool is
 * created with plain malloc (not the hook) on first use, since it outlives
 * any one call.
 *
 * A homed region (nn_parallel_parts) has one chunk per part, and its claim
 * word holds the set of chunks taken instead of a counter: each thread
 * takes its own part first (the caller part 0, worker i part i + 1), then
 * any part still free (part 0 is the caller's alone), so the parts stay on
 * their cores from one region to the next unless a thread is late. */
#define NN_SPIN_NS 200000
#define NN_CHUNKS_PER_THREAD 4
#define CHUNK_BITS 24                   /* claim = generation << 24 | next chunk */
#define NN_PARTS_MAX CHUNK_BITS         /* a homed region's chunks: one bit each */
#define GEN_OF(w) ((w) >> CHUNK_BITS)
#define CHUNK_OF(w) ((int64_t)((w) & ((UINT64_C(1) << CHUNK_BITS) - 1)))

typedef struct NnPool {
    int nworkers;
    pthread_t *th;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    _Atomic uint64_t claim;         /* the region's generation and next chunk */
    atomic_int finished;            /* chunks done in the current region */
    atomic_bool quit;
    int sleepers;                   /* workers waiting on go (under mu) */
    /* The region: stored before its generation is published, between
     * fields_gen 0 and fields_gen = its generation (a sequence lock).  A
     * claimer reads them between loading the claim word and claiming a
     * chunk with a compare-and-swap on it, and uses them only when
     * fields_gen, read before and after, is the claim word's generation:
     * the next region's fields are written once this one's chunks are all
     * done, while the claim word still shows this region, and a claim
     * computed from them would succeed. */
    _Atomic uint64_t fields_gen;
    _Atomic(NnTaskFn) fn;
    _Atomic(void *) arg;
    _Atomic int64_t n;
    _Atomic int64_t nchunks;
    _Atomic unsigned fp_mode;       /* the caller's floating-point mode (denormals) */
    _Atomic bool homed;             /* nn_parallel_parts: the claim's low bits are a set */
} NnPool;

typedef struct {
    NnPool *pool;
    int index;
} Worker;

static void task_range(int64_t n, int64_t ntasks, int64_t t, int64_t *lo, int64_t *hi)
{
    *lo = n * t / ntasks;
    *hi = n * (t + 1) / ntasks;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The chunk a thread claims next: in a homed region its own (chunk
 * `home`) while free, then any free one but the caller's chunk 0, which
 * only the caller runs; otherwise the next in order.  -1 when none is
 * left. */
static int64_t next_chunk(uint64_t w, bool homed, int64_t nchunks, int home)
{
    if (!homed)
        return CHUNK_OF(w) < nchunks ? CHUNK_OF(w) : -1;
    uint64_t taken = (uint64_t)CHUNK_OF(w);
    if (home < nchunks && !(taken >> home & 1))
        return home;
    for (int64_t c = nchunks - 1; c >= (home ? 1 : 0); c--)
        if (!(taken >> c & 1))
            return c;
    return -1;
}

/* Claims and runs chunks, from the region of claim word w on, until none
 * is left; returns the last claim word seen.  home: the caller 0, worker
 * i i + 1. */
static uint64_t run_chunks(NnPool *p, uint64_t w, int home)
{
    for (;;) {
        uint64_t g = atomic_load_explicit(&p->fields_gen, memory_order_acquire);
        NnTaskFn fn = atomic_load_explicit(&p->fn, memory_order_relaxed);
        void *arg = atomic_load_explicit(&p->arg, memory_order_relaxed);
        int64_t n = atomic_load_explicit(&p->n, memory_order_relaxed);
        int64_t nchunks = atomic_load_explicit(&p->nchunks, memory_order_relaxed);
        bool homed = atomic_load_explicit(&p->homed, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (g != GEN_OF(w) || atomic_load_explicit(&p->fields_gen, memory_order_relaxed) != g)
            return w;               /* w's region is done; the next one is coming */
        int64_t c = next_chunk(w, homed, nchunks, home);
        if (c < 0)
            return w;
        uint64_t claimed = homed ? w | UINT64_C(1) << c : w + 1;
        if (!atomic_compare_exchange_weak_explicit(&p->claim, &w, claimed, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;                   /* w now holds the current word */
        int64_t lo, hi;
        task_range(n, nchunks, c, &lo, &hi);
        nn_fp_mode_set(atomic_load_explicit(&p->fp_mode, memory_order_relaxed));
        fn(arg, lo, hi);
        if (atomic_fetch_add_explicit(&p->finished, 1, memory_order_acq_rel) + 1 == nchunks) {
            pthread_mutex_lock(&p->mu);           /* the caller may be asleep */
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
        w = atomic_load_explicit(&p->claim, memory_order_acquire);
    }
}

/* Spins until the claim word's generation differs from seen or the pool
 * quits; false when the spin budget ran out first. */
static bool spin_for_region(NnPool *p, uint64_t seen)
{
    int64_t until = mono_ns() + NN_SPIN_NS;
    for (unsigned i = 1;; i++) {
        if (GEN_OF(atomic_load_explicit(&p->claim, memory_order_acquire)) != seen ||
            atomic_load_explicit(&p->quit, memory_order_relaxed))
            return true;
        if (i < 256)
            cpu_relax();
        else
            sched_yield();      /* a thread of another program may want this core */
        if (i % 64 == 0 && mono_ns() > until)
            return false;
    }
}

static void *worker_main(void *vp)
{
    Worker *w = vp;
    NnPool *p = w->pool;
    uint64_t seen = 0;
    for (;;) {
        if (!spin_for_region(p, seen)) {
            pthread_mutex_lock(&p->mu);
            p->sleepers++;
            while (GEN_OF(atomic_load(&p->claim)) == seen && !atomic_load(&p->quit))
                pthread_cond_wait(&p->go, &p->mu);
            p->sleepers--;
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit))
            break;
        seen = GEN_OF(run_chunks(p, atomic_load_explicit(&p->claim, memory_order_acquire),
                                 w->index + 1));
    }
    free(w);
    return NULL;
}

static void pool_free(NnPool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, true);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nworkers; i++)
        pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    free(p->th);
    free(p);
}

static NnPool *pool_new(int nworkers)
{
    NnPool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->th = calloc((size_t)nworkers, sizeof *p->th);
    if (!p->th) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    /* Workers inherit the creating thread's signal mask: block everything so
     * signals (Ctrl-C, SIGWINCH) reach the program's own threads only. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (int i = 0; i < nworkers; i++) {
        Worker *w = malloc(sizeof *w);
        if (!w)
            break;
        w->pool = p;
        w->index = i;
        if (pthread_create(&p->th[i], NULL, worker_main, w) != 0) {
            free(w);
            break;
        }
        p->nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

void nn_ctx_set_threads(NnCtx *ctx, int n)
{
    if (n < 1)
        n = 1;
    if (n > 64)
        n = 64;
    if (n != ctx->threads) {
        pool_free(ctx->pool);
        ctx->pool = NULL;
    }
    ctx->threads = n;
}

int nn_ctx_threads(const NnCtx *ctx) { return ctx ? ctx->threads : 1; }

/* Publishes a region of nchunks chunks over [0, n) and runs it with the
 * workers; returns when every chunk is done. */
static void run_region(NnPool *p, int64_t n, int64_t nchunks, bool homed, NnTaskFn fn, void *arg)
{
    uint64_t gen = GEN_OF(atomic_load_explicit(&p->claim, memory_order_relaxed)) + 1;
    atomic_store_explicit(&p->fields_gen, 0, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&p->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&p->arg, arg, memory_order_relaxed);
    atomic_store_explicit(&p->n, n, memory_order_relaxed);
    atomic_store_explicit(&p->nchunks, nchunks, memory_order_relaxed);
    atomic_store_explicit(&p->homed, homed, memory_order_relaxed);
    atomic_store_explicit(&p->fp_mode, nn_fp_mode_get(), memory_order_relaxed);
    atomic_store_explicit(&p->finished, 0, memory_order_relaxed);
    atomic_store_explicit(&p->fields_gen, gen, memory_order_release);
    uint64_t w = gen << CHUNK_BITS;
    pthread_mutex_lock(&p->mu);            /* published under mu: no lost wake-up */
    atomic_store_explicit(&p->claim, w, memory_order_release);
    if (p->sleepers)
        pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    run_chunks(p, w, 0);
    int64_t until = mono_ns() + NN_SPIN_NS;
    for (unsigned i = 1; atomic_load_explicit(&p->finished, memory_order_acquire) < nchunks; i++) {
        cpu_relax();
        if (i % 64 == 0 && mono_ns() > until) {
            pthread_mutex_lock(&p->mu);
            while (atomic_load_explicit(&p->finished, memory_order_acquire) < nchunks)
                pthread_cond_wait(&p->done, &p->mu);
            pthread_mutex_unlock(&p->mu);
            break;
        }
    }
}

/* The ctx's pool for a region of several chunks (created on first use), or
 * NULL when the region runs on the caller alone. */
static NnPool *region_pool(NnCtx *ctx, bool several)
{
    if (!ctx || ctx->threads < 2 || !several)
        return NULL;
    if (!ctx->pool)
        ctx->pool = pool_new(ctx->threads - 1);
    return ctx->pool && ctx->pool->nworkers > 0 ? ctx->pool : NULL;
}

void nn_parallel_for(NnCtx *ctx, int64_t n, int64_t min_chunk, NnTaskFn fn, void *arg)
{
    int64_t want = n / (min_chunk < 1 ? 1 : min_chunk);
    NnPool *p = region_pool(ctx, want > 1);
    if (!p) {
        if (n > 0)
            fn(arg, 0, n);
        return;
    }
    int64_t nchunks = (int64_t)(p->nworkers + 1) * NN_CHUNKS_PER_THREAD;
    run_region(p, n, nchunks < want ? nchunks : want, false, fn, arg);
}

void nn_parallel_parts(NnCtx *ctx, int parts, NnTaskFn fn, void *arg)
{
    NnPool *p = region_pool(ctx, parts > 1 && parts <= NN_PARTS_MAX);
    if (!p) {
        for (int i = 0; i < parts; i++)
            fn(arg, i, i + 1);
        return;
    }
    run_region(p, parts, parts, true, fn, arg);
}
