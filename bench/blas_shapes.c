/* bench/blas_shapes.c - one BLAS library's single-thread sgemm time at the
 * training step's shapes (784-128-10 at batch 32, 784-512-512-10 at batch
 * 128) and at 1024^3, through CBLAS.  bench/blas-shapes.sh builds it once
 * against OpenBLAS and once against BLIS (when installed) and runs both, so
 * the choice of BLAS is measured on this machine.  Not part of nnsh.
 *
 *   blas_shapes NAME     prints one line per shape: time and GFLOP/s
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best of many calls of C (m, n) = op(A) op(B), row-major. */
static void shape(const char *name, int ta, int tb, int m, int n, int k)
{
    float *a = malloc(sizeof(float) * (size_t)m * (size_t)k);
    float *b = malloc(sizeof(float) * (size_t)k * (size_t)n);
    float *c = malloc(sizeof(float) * (size_t)m * (size_t)n);
    if (!a || !b || !c) {
        fprintf(stderr, "blas_shapes: out of memory\n");
        exit(1);
    }
    for (long i = 0; i < (long)m * k; i++)
        a[i] = (float)(i % 17) * 0.01f;
    for (long i = 0; i < (long)k * n; i++)
        b[i] = (float)(i % 13) * 0.01f;
    double flops = 2.0 * m * n * k, best = 1e30, spent = 0;
    for (int it = 0; it < 5000 && spent < 1.0; it++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m, n, k, 1.0f, a, ta ? m : k, b, tb ? k : n, 0.0f, c, n);
        double t = now() - t0;
        spent += t;
        best = t < best ? t : best;
    }
    printf("  %-26s %9.1f us %7.1f GFLOP/s\n", name, best * 1e6, flops / best / 1e9);
    free(a);
    free(b);
    free(c);
}

int main(int argc, char **argv)
{
    printf("%s:\n", argc > 1 ? argv[1] : "BLAS");
    shape("forward 32x128x784 NN", 0, 0, 32, 128, 784);
    shape("kernel grad 784x128x32 TN", 1, 0, 784, 128, 32);
    shape("input grad 32x784x128 NT", 0, 1, 32, 784, 128);
    shape("forward 128x512x784 NN", 0, 0, 128, 512, 784);
    shape("kernel grad 512x512x128 TN", 1, 0, 512, 512, 128);
    shape("1024^3 NN", 0, 0, 1024, 1024, 1024);
    return 0;
}
