/* nn_pcg64.c - PCG64 (XSL-RR output over a 128-bit LCG) with numpy's
 * SeedSequence seeding, and the Generator draws of numpy 1.24 over it.
 *
 * Owned by the tensor runtime (see nn_pcg64.h).  The legacy MT19937 stream of
 * np.random.seed is nn_random.c's; this file serves default_rng Generators.
 */
#include "nn_pcg64.h"

#include <math.h>

#include "nn_ziggurat_tab.h"

__extension__ typedef unsigned __int128 u128;

/* ---- SeedSequence (pool of 4 32-bit words) ---- */

#define SS_POOL 4
#define SS_INIT_A 0x43b0d7e5u
#define SS_MULT_A 0x931e8875u
#define SS_INIT_B 0x8b51f9ddu
#define SS_MULT_B 0x58f38dedu
#define SS_MIX_L 0xca01f9ddu
#define SS_MIX_R 0x4973f715u
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const)
{
    value ^= *hash_const;
    *hash_const *= SS_MULT_A;
    value *= *hash_const;
    return value ^ (value >> SS_XSHIFT);
}

static uint32_t ss_mix(uint32_t x, uint32_t y)
{
    uint32_t r = SS_MIX_L * x - SS_MIX_R * y;
    return r ^ (r >> SS_XSHIFT);
}

static void ss_pool(const uint32_t *words, size_t n, uint32_t *pool)
{
    uint32_t hc = SS_INIT_A;
    for (size_t i = 0; i < SS_POOL; i++)
        pool[i] = ss_hashmix(i < n ? words[i] : 0, &hc);
    for (size_t src = 0; src < SS_POOL; src++)
        for (size_t dst = 0; dst < SS_POOL; dst++)
            if (src != dst)
                pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &hc));
    for (size_t src = SS_POOL; src < n; src++)
        for (size_t dst = 0; dst < SS_POOL; dst++)
            pool[dst] = ss_mix(pool[dst], ss_hashmix(words[src], &hc));
}

void nn_pcg64_seedseq(const uint32_t *words, size_t n, uint64_t *out, size_t n64)
{
    uint32_t pool[SS_POOL], hc = SS_INIT_B;
    ss_pool(words, n, pool);
    for (size_t i = 0; i < 2 * n64; i++) {
        uint32_t v = pool[i % SS_POOL] ^ hc;
        hc *= SS_MULT_B;
        v *= hc;
        v ^= v >> SS_XSHIFT;
        if (i % 2 == 0)
            out[i / 2] = v;
        else
            out[i / 2] |= (uint64_t)v << 32;
    }
}

/* ---- PCG64 ---- */

static const u128 PCG_MULT = ((u128)0x2360ed051fc65da4ULL << 64) | 0x4385df649fccf645ULL;

static u128 get_state(const NnPcg64 *g) { return ((u128)g->state_hi << 64) | g->state_lo; }
static u128 get_inc(const NnPcg64 *g) { return ((u128)g->inc_hi << 64) | g->inc_lo; }

static void put_state(NnPcg64 *g, u128 s)
{
    g->state_hi = (uint64_t)(s >> 64);
    g->state_lo = (uint64_t)s;
}

static void pcg_step(NnPcg64 *g)
{
    put_state(g, get_state(g) * PCG_MULT + get_inc(g));
}

void nn_pcg64_seed(NnPcg64 *g, const uint32_t *words, size_t n)
{
    uint64_t v[4];
    nn_pcg64_seedseq(words, n, v, 4);
    u128 initstate = ((u128)v[0] << 64) | v[1], initseq = ((u128)v[2] << 64) | v[3];
    u128 inc = (initseq << 1) | 1u;
    g->inc_hi = (uint64_t)(inc >> 64);
    g->inc_lo = (uint64_t)inc;
    put_state(g, 0);
    pcg_step(g);
    put_state(g, get_state(g) + initstate);
    pcg_step(g);
    g->has32 = false;
    g->u32 = 0;
}

uint64_t nn_pcg64_next64(NnPcg64 *g)
{
    pcg_step(g);
    uint64_t x = g->state_hi ^ g->state_lo;
    unsigned rot = (unsigned)(g->state_hi >> 58);
    return (x >> rot) | (x << ((64 - rot) & 63));
}

uint32_t nn_pcg64_next32(NnPcg64 *g)
{
    if (g->has32) {
        g->has32 = false;
        return g->u32;
    }
    uint64_t x = nn_pcg64_next64(g);
    g->has32 = true;
    g->u32 = (uint32_t)(x >> 32);
    return (uint32_t)x;
}

double nn_pcg64_double(NnPcg64 *g)
{
    return (double)(nn_pcg64_next64(g) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- bounded integers ---- */

static uint32_t lemire32(NnPcg64 *g, uint32_t rng)
{
    uint32_t excl = rng + 1;
    uint64_t m = (uint64_t)nn_pcg64_next32(g) * excl;
    uint32_t left = (uint32_t)m;
    if (left < excl) {
        uint32_t threshold = (UINT32_MAX - rng) % excl;
        while (left < threshold) {
            m = (uint64_t)nn_pcg64_next32(g) * excl;
            left = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

static uint64_t lemire64(NnPcg64 *g, uint64_t rng)
{
    uint64_t excl = rng + 1;
    u128 m = (u128)nn_pcg64_next64(g) * excl;
    uint64_t left = (uint64_t)m;
    if (left < excl) {
        uint64_t threshold = (UINT64_MAX - rng) % excl;
        while (left < threshold) {
            m = (u128)nn_pcg64_next64(g) * excl;
            left = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

uint64_t nn_pcg64_bounded(NnPcg64 *g, uint64_t rng)
{
    if (rng == 0)
        return 0;
    if (rng == 0xFFFFFFFFULL)
        return nn_pcg64_next32(g);
    if (rng < 0xFFFFFFFFULL)
        return lemire32(g, (uint32_t)rng);
    if (rng == UINT64_MAX)
        return nn_pcg64_next64(g);
    return lemire64(g, rng);
}

uint64_t nn_pcg64_interval(NnPcg64 *g, uint64_t max)
{
    uint64_t mask = max, v;
    if (max == 0)
        return 0;
    for (int s = 1; s < 64; s <<= 1)
        mask |= mask >> s;
    if (max <= 0xFFFFFFFFULL)
        while ((v = (nn_pcg64_next32(g) & mask)) > max)
            ;
    else
        while ((v = (nn_pcg64_next64(g) & mask)) > max)
            ;
    return v;
}

/* ---- the ziggurat normal ---- */

#define ZIG_R 3.6541528853610087963519472518
#define ZIG_INV_R 0.27366123732975827203338247596

/* Beyond the base layer: Marsaglia's exponential-pair tail. */
static double zig_tail(NnPcg64 *g, uint64_t rabs)
{
    for (;;) {
        double xx = -ZIG_INV_R * log1p(-nn_pcg64_double(g));
        double yy = -log1p(-nn_pcg64_double(g));
        if (yy + yy > xx * xx)
            return ((rabs >> 8) & 1) ? -(ZIG_R + xx) : ZIG_R + xx;
    }
}

double nn_pcg64_normal(NnPcg64 *g)
{
    for (;;) {
        uint64_t r = nn_pcg64_next64(g);
        int idx = (int)(r & 0xff);
        r >>= 8;
        uint64_t rabs = (r >> 1) & 0x000fffffffffffffULL;
        double x = (double)rabs * zig_w[idx];
        if (r & 1)
            x = -x;
        if (rabs < zig_k[idx])
            return x;
        if (idx == 0)
            return zig_tail(g, rabs);
        if ((zig_f[idx - 1] - zig_f[idx]) * nn_pcg64_double(g) + zig_f[idx] < exp(-0.5 * x * x))
            return x;
    }
}

/* ---- the ziggurat exponential ---- */

#define ZIGE_R 7.6971174701310497140446280481

double nn_pcg64_exponential(NnPcg64 *g)
{
    for (;;) {
        uint64_t r = nn_pcg64_next64(g) >> 3;
        int idx = (int)(r & 0xff);
        r >>= 8;
        double x = (double)r * zige_w[idx];
        if (r < zige_k[idx])
            return x;
        if (idx == 0)
            return ZIGE_R - log1p(-nn_pcg64_double(g));
        if ((zige_f[idx - 1] - zige_f[idx]) * nn_pcg64_double(g) + zige_f[idx] < exp(-x))
            return x;
    }
}
