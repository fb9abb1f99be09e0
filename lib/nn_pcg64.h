/* nn_pcg64.h - numpy's Generator bit stream: PCG64 seeded through
 * SeedSequence, and the draws numpy 1.24's Generator builds on it (53-bit
 * doubles, Lemire bounded integers, masked intervals, the ziggurat normal).
 *
 * Owned by the tensor runtime; the draws depend on the C library only.  One NnPcg64
 * per Generator object: np.random.default_rng(42) seeds one from the words
 * of 42 and then every draw equals numpy's for that seed.
 */
#ifndef NN_PCG64_H
#define NN_PCG64_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "nn_tensor.h"

typedef struct {
    uint64_t state_hi, state_lo;   /* the 128-bit LCG state */
    uint64_t inc_hi, inc_lo;       /* its odd increment */
    bool has32;                    /* a buffered upper half for next32 */
    uint32_t u32;
} NnPcg64;

/* SeedSequence(entropy) with entropy given as little-endian 32-bit words
 * (the int 42 is {42}; 0 is {0}), then PCG64's seeding from 4 generated
 * 64-bit words. */
void nn_pcg64_seed(NnPcg64 *g, const uint32_t *words, size_t n);
/* The same SeedSequence words, exposed for checks: n64 64-bit outputs. */
void nn_pcg64_seedseq(const uint32_t *words, size_t n, uint64_t *out, size_t n64);

uint64_t nn_pcg64_next64(NnPcg64 *g);
uint32_t nn_pcg64_next32(NnPcg64 *g);      /* low half, then the buffered high half */
double nn_pcg64_double(NnPcg64 *g);        /* [0, 1): (next64 >> 11) * 2**-53 */
uint64_t nn_pcg64_bounded(NnPcg64 *g, uint64_t rng);   /* [0, rng], Lemire */
uint64_t nn_pcg64_interval(NnPcg64 *g, uint64_t max);  /* [0, max], masked rejection */
double nn_pcg64_normal(NnPcg64 *g);        /* standard normal, 256-layer ziggurat */
double nn_pcg64_exponential(NnPcg64 *g);   /* standard exponential, 256-layer ziggurat */

/* Shuffles t along axis 0 in place with g's draws, as numpy's
 * Generator.shuffle (nn_random.c). */
NnStatus nn_random_shuffle_pcg(NnCtx *ctx, NnTensor *t, NnPcg64 *g);

#endif
