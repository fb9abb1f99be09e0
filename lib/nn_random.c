/* nn_random.c - the session's random generator and random tensors.
 *
 * MT19937 with numpy's legacy RandomState algorithms, so that after
 * np.random.seed(n) every draw equals numpy 1.24's: random_sample (53-bit
 * doubles from two 32-bit words), legacy_gauss (polar Box-Muller keeping
 * the second value), masked rejection sampling for bounded integers (32-bit
 * words for ranges below 2**32, 64-bit words above; 8-bit and bool draws
 * buffered), and shuffle as Fisher-Yates from the end with random_interval
 * (also over a Generator's PCG64, nn_random_shuffle_pcg).
 * Owned by the tensor runtime; the state lives in NnCtx (nn_internal.h).
 */
#include "nn_internal.h"
#include "nn_ops.h"
#include "nn_pcg64.h"

#include <math.h>
#include <string.h>

void nn_rng_seed(NnCtx *ctx, uint32_t seed)
{
    /* numpy mt19937_seed == init_genrand */
    ctx->mt[0] = seed;
    for (int i = 1; i < NN_MT_N; i++) {
        uint32_t p = ctx->mt[i - 1];
        ctx->mt[i] = 1812433253u * (p ^ (p >> 30)) + (uint32_t)i;
    }
    ctx->mti = NN_MT_N;
    ctx->has_gauss = false;
    ctx->gauss = 0.0;
}

static void mt_generate(uint32_t *mt)
{
    const uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix = 0x9908b0dfu;
    int i;
    uint32_t y;
    for (i = 0; i < NN_MT_N - 397; i++) {
        y = (mt[i] & upper) | (mt[i + 1] & lower);
        mt[i] = mt[i + 397] ^ (y >> 1) ^ (-(y & 1u) & matrix);
    }
    for (; i < NN_MT_N - 1; i++) {
        y = (mt[i] & upper) | (mt[i + 1] & lower);
        mt[i] = mt[i + 397 - NN_MT_N] ^ (y >> 1) ^ (-(y & 1u) & matrix);
    }
    y = (mt[NN_MT_N - 1] & upper) | (mt[0] & lower);
    mt[NN_MT_N - 1] = mt[396] ^ (y >> 1) ^ (-(y & 1u) & matrix);
}

uint32_t nn_rng_u32(NnCtx *ctx)
{
    if (ctx->mti >= NN_MT_N) {
        mt_generate(ctx->mt);
        ctx->mti = 0;
    }
    uint32_t y = ctx->mt[ctx->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static uint64_t rng_u64(NnCtx *ctx)
{
    uint64_t hi = nn_rng_u32(ctx);
    return hi << 32 | nn_rng_u32(ctx);
}

double nn_rng_double(NnCtx *ctx)
{
    int32_t a = (int32_t)(nn_rng_u32(ctx) >> 5), b = (int32_t)(nn_rng_u32(ctx) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double nn_rng_gauss(NnCtx *ctx)
{
    if (ctx->has_gauss) {
        double t = ctx->gauss;
        ctx->has_gauss = false;
        ctx->gauss = 0.0;
        return t;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * nn_rng_double(ctx) - 1.0;
        x2 = 2.0 * nn_rng_double(ctx) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    ctx->gauss = f * x1;
    ctx->has_gauss = true;
    return f * x2;
}

static uint64_t gen_mask(uint64_t max)
{
    uint64_t m = max;
    m |= m >> 1;
    m |= m >> 2;
    m |= m >> 4;
    m |= m >> 8;
    m |= m >> 16;
    m |= m >> 32;
    return m;
}

uint64_t nn_rng_interval(NnCtx *ctx, uint64_t max)
{
    if (max == 0)
        return 0;
    uint64_t mask = gen_mask(max), v;
    if (max <= 0xffffffffu) {
        while ((v = (nn_rng_u32(ctx) & mask)) > max)
            ;
    } else {
        while ((v = (rng_u64(ctx) & mask)) > max)
            ;
    }
    return v;
}

/* ---- random tensors ---- */

NnTensor *nn_random_uniform(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape,
                            double lo, double hi)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (!t)
        return NULL;
    int64_t n = nn_tensor_numel(t);
    double range = hi - lo;
    char *p = t->buf->data;
    size_t es = nn_dtype_size(dt);
    for (int64_t i = 0; i < n; i++)
        nn_store_f64(p + i * es, dt, lo + range * nn_rng_double(ctx));
    return t;
}

NnTensor *nn_random_normal(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape,
                           double mean, double std)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (!t)
        return NULL;
    int64_t n = nn_tensor_numel(t);
    char *p = t->buf->data;
    size_t es = nn_dtype_size(dt);
    for (int64_t i = 0; i < n; i++)
        nn_store_f64(p + i * es, dt, mean + std * nn_rng_gauss(ctx));
    return t;
}

/* numpy buffered 8-bit and 1-bit draws (RandomState.randint dtype=uint8/bool) */
typedef struct {
    uint32_t buf;
    int bcnt;
} Buffered;

static uint64_t draw_u8(NnCtx *ctx, uint64_t rng, Buffered *b)
{
    uint32_t mask = (uint32_t)gen_mask(rng), v;
    do {
        if (!b->bcnt) {
            b->buf = nn_rng_u32(ctx);
            b->bcnt = 3;
        } else {
            b->buf >>= 8;
            b->bcnt--;
        }
        v = (uint8_t)b->buf & mask;
    } while (v > rng);
    return v;
}

static uint64_t draw_bool(NnCtx *ctx, Buffered *b)
{
    if (!b->bcnt) {
        b->buf = nn_rng_u32(ctx);
        b->bcnt = 31;
    } else {
        b->buf >>= 1;
        b->bcnt--;
    }
    return b->buf & 1u;
}

static uint64_t draw_bounded(NnCtx *ctx, NnDType dt, uint64_t rng, Buffered *b)
{
    if (rng == 0)
        return 0;
    if (dt == NN_BOOL)
        return draw_bool(ctx, b);
    if (dt == NN_U8 && rng <= 0xff)
        return draw_u8(ctx, rng, b);
    if (rng == 0xffffffffu)
        return nn_rng_u32(ctx);
    if (rng == UINT64_MAX)
        return rng_u64(ctx);
    uint64_t mask = gen_mask(rng), v;
    if (rng < 0xffffffffu) {
        while ((v = (nn_rng_u32(ctx) & mask)) > rng)
            ;
    } else {
        while ((v = (rng_u64(ctx) & mask)) > rng)
            ;
    }
    return v;
}

NnTensor *nn_random_randint(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape,
                            int64_t lo, int64_t hi)
{
    if (hi <= lo) {
        nn_error(ctx, NN_EARG, "low >= high");
        return NULL;
    }
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (!t)
        return NULL;
    int64_t n = nn_tensor_numel(t);
    uint64_t rng = (uint64_t)hi - (uint64_t)lo - 1;
    char *p = t->buf->data;
    size_t es = nn_dtype_size(dt);
    Buffered b = {0, 0};
    for (int64_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)lo + draw_bounded(ctx, dt, rng, &b);
        if (nn_dtype_is_float(dt))
            nn_store_f64(p + i * es, dt, (double)(int64_t)v);
        else
            nn_store_i64(p + i * es, dt, (int64_t)v);
    }
    return t;
}

/* Swaps sub-arrays i and j of axis 0 (any strides). */
static void swap_rows(NnTensor *t, int64_t i, int64_t j)
{
    NnTensor ri = *t, rj;
    ri.ndim = t->ndim - 1;
    memmove(ri.shape, t->shape + 1, sizeof(int64_t) * (size_t)ri.ndim);
    memmove(ri.strides, t->strides + 1, sizeof(int64_t) * (size_t)ri.ndim);
    rj = ri;
    ri.offset = t->offset + i * t->strides[0];
    rj.offset = t->offset + j * t->strides[0];
    int64_t n = nn_tensor_numel(&ri);
    size_t es = nn_dtype_size(t->dtype);
    for (int64_t k = 0; k < n; k++) {
        unsigned char tmp[8];
        char *pa = (char *)t->buf->data, *pb = pa;
        int64_t oa = ri.offset, ob = rj.offset, rem = k;
        for (int d = ri.ndim - 1; d >= 0; d--) {
            int64_t c = rem % ri.shape[d];
            rem /= ri.shape[d];
            oa += c * ri.strides[d];
            ob += c * rj.strides[d];
        }
        pa += oa * (int64_t)es;
        pb += ob * (int64_t)es;
        memcpy(tmp, pa, es);
        memcpy(pa, pb, es);
        memcpy(pb, tmp, es);
    }
}

NnStatus nn_random_shuffle(NnCtx *ctx, NnTensor *t)
{
    if (t->ndim == 0)
        return nn_error(ctx, NN_EARG, "shuffle needs an array of at least one dimension");
    int64_t n = t->shape[0];
    if (nn_tensor_numel(t) == 0)
        return NN_OK;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_rng_interval(ctx, (uint64_t)i);
        if (i != j)
            swap_rows(t, i, j);
    }
    return NN_OK;
}

/* The same Fisher-Yates over a Generator's PCG64 (numpy's Generator.shuffle:
 * random_interval on 32-bit words below 2**32). */
NnStatus nn_random_shuffle_pcg(NnCtx *ctx, NnTensor *t, NnPcg64 *g)
{
    if (t->ndim == 0)
        return nn_error(ctx, NN_EARG, "shuffle needs an array of at least one dimension");
    if (nn_tensor_numel(t) == 0)
        return NN_OK;
    for (int64_t i = t->shape[0] - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_pcg64_interval(g, (uint64_t)i);
        if (i != j)
            swap_rows(t, i, j);
    }
    return NN_OK;
}

NnTensor *nn_random_permutation(NnCtx *ctx, int64_t n)
{
    if (n < 0) {
        nn_error(ctx, NN_EARG, "negative dimensions are not allowed");
        return NULL;
    }
    int64_t shape[1] = {n};
    NnTensor *t = nn_tensor_empty(ctx, NN_I64, 1, shape);
    if (!t)
        return NULL;
    int64_t *p = t->buf->data;
    for (int64_t i = 0; i < n; i++)
        p[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_rng_interval(ctx, (uint64_t)i);
        int64_t tmp = p[i];
        p[i] = p[j];
        p[j] = tmp;
    }
    return t;
}
