/* lib_test_util.h - shared by the tensor runtime's unit tests (test_tensor,
 * test_ops, test_gemm, test_random): a ctx whose allocator is cmocka's
 * leak-checking test_malloc family, with optional failure of the n-th
 * allocation, and float64 reference comparisons.
 */
#ifndef LIB_TEST_UTIL_H
#define LIB_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn.h"

typedef struct {
    long count;      /* allocations so far */
    long fail_at;    /* fail this allocation (1-based); 0 = never */
} TestAlloc;

__attribute__((unused)) static void *test_alloc_fn(void *ud, void *ptr, size_t nsize)
{
    TestAlloc *ta = ud;
    if (nsize == 0) {
        test_free(ptr);
        return NULL;
    }
    ta->count++;
    if (ta->fail_at && ta->count == ta->fail_at)
        return NULL;
    if (nsize > ((size_t)1 << 30))   /* cmocka's test_malloc aborts when malloc fails */
        return NULL;
    return test_realloc(ptr, nsize);
}

typedef struct {
    NnCtx *ctx;
    TestAlloc ta;
} Fx;

__attribute__((unused)) static int fx_setup(void **state)
{
    Fx *f = test_calloc(1, sizeof *f);
    f->ctx = nn_ctx_new();
    nn_ctx_set_allocator(f->ctx, test_alloc_fn, &f->ta);
    *state = f;
    return 0;
}

__attribute__((unused)) static int fx_teardown(void **state)
{
    Fx *f = *state;
    assert_int_equal(nn_ctx_mem_used(f->ctx), 0);
    nn_ctx_free(f->ctx);
    test_free(f);
    return 0;
}

#define CTX (((Fx *)*state)->ctx)

/* |a - r| <= atol + rtol * |r| for every element (NaN matches NaN). */
__attribute__((unused)) static void check_close(const NnTensor *t, const double *ref, int64_t n, double atol, double rtol)
{
    assert_int_equal(nn_tensor_numel(t), n);
    double worst = 0;
    int64_t wi = -1;
    for (int64_t i = 0; i < n; i++) {
        double a = nn_tensor_get_f64(t, i), r = ref[i];
        if (isnan(r) && isnan(a))
            continue;
        if (isinf(r) && a == r)
            continue;
        double d = fabs(a - r), lim = atol + rtol * fabs(r);
        if (!(d <= lim) && (wi < 0 || d - lim > worst)) {
            worst = d - lim;
            wi = i;
        }
    }
    if (wi >= 0)
        fail_msg("element %lld: got %.17g, want %.17g", (long long)wi,
                 nn_tensor_get_f64(t, wi), ref[wi]);
}

__attribute__((unused)) static void check_shape(const NnTensor *t, int ndim, const int64_t *shape)
{
    assert_non_null(t);
    assert_int_equal(t->ndim, ndim);
    for (int i = 0; i < ndim; i++)
        assert_int_equal(t->shape[i], shape[i]);
}

/* A float64 tensor with the given values. */
__attribute__((unused)) static NnTensor *mk(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, const double *v)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    assert_non_null(t);
    int64_t n = nn_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        nn_tensor_set_f64(t, i, v[i]);
    return t;
}

/* Deterministic pseudo-random values in [-1, 1) (an LCG, not the ctx RNG). */
__attribute__((unused)) static double lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0 * 2 - 1;
}

#endif
