/* bench/gemm.c - GEMM throughput of the built-in kernel and of the BLAS at
 * the shapes of a 784-128-10 MLP (forward x@W, backward dW = x^T dY and
 * dX = dY W^T, for both layers) and one large square product.
 *
 * usage: gemm [-t THREADS] [-b BATCH]...   prints one line per shape and
 * backend: shape, transposes, GFLOP/s (best of 5 runs of >= 40 ms).
 * The BLAS thread count is its own (OPENBLAS_NUM_THREADS); run.sh sets it.
 * It ends with the core's FMA ceiling for 256- and 512-bit vectors (twelve
 * independent FMA chains in registers): whether AVX-512 micro-kernels can
 * beat AVX2 ones on this CPU at all (cores that split a 512-bit FMA into
 * two 256-bit halves give both the same ceiling). */
#include "nn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define FMA_CHAINS(VT, SET1, FMA)                                                          \
    VT a0 = SET1(1), a1 = SET1(2), a2 = SET1(3), a3 = SET1(4), a4 = SET1(5), a5 = SET1(6);   \
    VT a6 = SET1(7), a7 = SET1(8), a8 = SET1(9), a9 = SET1(10), aa = SET1(11), ab = SET1(12); \
    VT m = SET1(0.999f), d = SET1(1e-6f);                                                  \
    for (long r = 0; r < n; r++) {                                                        \
        a0 = FMA(a0, m, d); a1 = FMA(a1, m, d); a2 = FMA(a2, m, d); a3 = FMA(a3, m, d);    \
        a4 = FMA(a4, m, d); a5 = FMA(a5, m, d); a6 = FMA(a6, m, d); a7 = FMA(a7, m, d);    \
        a8 = FMA(a8, m, d); a9 = FMA(a9, m, d); aa = FMA(aa, m, d); ab = FMA(ab, m, d);    \
    }

__attribute__((target("avx2,fma"), noinline)) static float fma256(long n)
{
    FMA_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps)
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(aa, ab)));
    float o[8];
    _mm256_storeu_ps(o, s);
    return o[0];
}

__attribute__((target("avx512f"), noinline)) static float fma512(long n)
{
    FMA_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps)
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(aa, ab)));
    return _mm512_reduce_add_ps(s);
}
#endif


/* Single-core FMA GFLOP/s with 8- and 16-float vectors; 0 when the CPU
 * lacks the instructions. */
static void fma_ceiling(double *g256, double *g512)
{
    *g256 = *g512 = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const long n = 20000000;
    volatile float sink = 0;
    for (int rep = 0; rep < 3; rep++) {
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            double t0 = now();
            sink += fma256(n);
            double g = 12.0 * 16 * n / (now() - t0) / 1e9;
            *g256 = g > *g256 ? g : *g256;
        }
        if (__builtin_cpu_supports("avx512f")) {
            double t0 = now();
            sink += fma512(n);
            double g = 12.0 * 32 * n / (now() - t0) / 1e9;
            *g512 = g > *g512 ? g : *g512;
        }
    }
    (void)sink;
#endif
}


typedef struct {
    const char *name;
    int m, n, k;
    bool ta, tb;
} Shape;

static double measure(NnCtx *ctx, const Shape *s, const float *a, const float *b, float *c)
{
    int lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    double best = 0;
    for (int run = 0; run < 5; run++) {
        long reps = 0;
        double t0 = now(), t;
        do {
            nn_gemm_f32(ctx, s->ta, s->tb, s->m, s->n, s->k, 1.0f, a, lda, b, ldb, 0.0f, c, s->n);
            reps++;
        } while ((t = now() - t0) < 0.04);
        double gf = 2.0 * s->m * s->n * s->k * reps / t / 1e9;
        if (gf > best)
            best = gf;
    }
    return best;
}

int main(int argc, char **argv)
{
    int threads = 1, nb = 0, batches[8];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc && nb < 8)
            batches[nb++] = atoi(argv[++i]);
    }
    if (nb == 0) {
        batches[0] = 32;
        batches[1] = 128;
        nb = 2;
    }
    NnCtx *ctx = nn_ctx_new();
    if (!ctx)
        return 1;
    nn_ctx_set_threads(ctx, threads);
    float *a = malloc(4u << 22), *b = malloc(4u << 22), *c = malloc(4u << 22);
    if (!a || !b || !c)
        return 1;
    for (int i = 0; i < (1 << 22); i++) {
        a[i] = (float)((i * 37 % 101) - 50) / 50.0f;
        b[i] = (float)((i * 53 % 97) - 48) / 48.0f;
    }
    printf("%-28s %5s %5s %5s %4s %10s %10s\n", "shape (784-128-10 MLP)", "m", "n", "k", "op",
           "builtin", "blas");
    for (int bi = 0; bi <= nb; bi++) {
        int B = bi < nb ? batches[bi] : 0;
        Shape shapes[6] = {
            {"x@W1", B, 128, 784, false, false}, {"dW1 = x^T dY", 784, 128, B, true, false},
            {"dX = dY W1^T", B, 784, 128, false, true}, {"h@W2", B, 10, 128, false, false},
            {"dW2 = h^T dY", 128, 10, B, true, false}, {"dH = dY W2^T", B, 128, 10, false, true},
        };
        int ns = 6;
        if (bi == nb) {   /* the machine's large-GEMM rate, for reference */
            shapes[0] = (Shape){"square 1024", 1024, 1024, 1024, false, false};
            ns = 1;
        }
        for (int i = 0; i < ns; i++) {
            double g[2] = {0, 0};
            for (int be = 0; be < 2; be++) {
                if (!nn_gemm_set_backend(be ? NN_GEMM_BLAS : NN_GEMM_BUILTIN))
                    continue;
                g[be] = measure(ctx, &shapes[i], a, b, c);
            }
            char label[64];
            if (bi < nb)
                snprintf(label, sizeof label, "B=%-3d %s", B, shapes[i].name);
            else
                snprintf(label, sizeof label, "%s", shapes[i].name);
            printf("%-28s %5d %5d %5d %2s%-2s %10.1f %10.1f\n", label, shapes[i].m, shapes[i].n,
                   shapes[i].k, shapes[i].ta ? "T" : "N", shapes[i].tb ? "T" : "N", g[0], g[1]);
        }
    }
    printf("GFLOP/s; %d thread(s); built-in micro-kernel: %s\n", threads, nn_gemm_builtin_isa());
    double g256, g512;
    fma_ceiling(&g256, &g512);
    printf("FMA ceiling, one core: AVX2 %.1f GFLOP/s, AVX-512 %.1f GFLOP/s%s\n", g256, g512,
           g512 > 0 && g512 < 1.3 * g256 ? " (no gain from 512-bit vectors on this core)" : "");
    free(a);
    free(b);
    free(c);
    nn_ctx_free(ctx);
    return 0;
}
