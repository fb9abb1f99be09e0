/* test_gemm.c - the GEMM backend (BLAS and the built-in blocked kernel)
 * against a naive float64 reference on many shapes, transposes, leading
 * dimensions and alpha/beta; thread-count independence of the built-in
 * kernel; and matmul/dot/tensordot/outer with numpy's semantics. */
#include "lib_test_util.h"

#include <stdlib.h>


/* C = alpha op(A) op(B) + beta C in float64, and the scale sum |a||b| per
 * element for the error bound (float32 rounding grows with it). */
static void ref_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double *a, int lda,
                     const double *b, int ldb, double beta, double *c, int ldc, double *scale)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0, sa = 0;
            for (int p = 0; p < k; p++) {
                double x = ta ? a[p * lda + i] : a[i * lda + p];
                double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                s += x * y;
                sa += fabs(x * y);
            }
            c[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j]);
            scale[i * ldc + j] = fabs(alpha) * sa + fabs(beta * c[i * ldc + j]) + 1e-30;
        }
}

typedef struct {
    int m, n, k;
    bool ta, tb;
    int pad;          /* extra leading-dimension elements */
    double alpha, beta;
} Case;

static void run_case_f32(NnCtx *ctx, const Case *cs, NnGemmBackend be)
{
    int m = cs->m, n = cs->n, k = cs->k;
    int lda = (cs->ta ? m : k) + cs->pad, ldb = (cs->tb ? k : n) + cs->pad, ldc = n + cs->pad;
    int arows = cs->ta ? k : m, brows = cs->tb ? n : k;
    size_t na = (size_t)arows * lda + 1, nb = (size_t)brows * ldb + 1, nc = (size_t)m * ldc + 1;
    float *a = malloc(na * 4), *b = malloc(nb * 4), *c = malloc(nc * 4);
    double *ad = malloc(na * 8), *bd = malloc(nb * 8), *cd = malloc(nc * 8), *sc = malloc(nc * 8);
    uint64_t seed = (uint64_t)(m * 131 + n * 17 + k);
    for (size_t i = 0; i < na; i++)
        ad[i] = a[i] = (float)lcg_next(&seed);
    for (size_t i = 0; i < nb; i++)
        bd[i] = b[i] = (float)lcg_next(&seed);
    for (size_t i = 0; i < nc; i++)
        cd[i] = c[i] = (float)lcg_next(&seed);
    if (cs->beta == 0 && nc > 1)
        c[0] = NAN;   /* beta 0 ignores what C held, NaN included */
    assert_true(nn_gemm_set_backend(be));
    nn_gemm_f32(ctx, cs->ta, cs->tb, m, n, k, (float)cs->alpha, a, lda, b, ldb, (float)cs->beta, c, ldc);
    ref_gemm(cs->ta, cs->tb, m, n, k, cs->alpha, ad, lda, bd, ldb, cs->beta, cd, ldc, sc);
    double tol = 1e-6 * sqrt((double)(k > 1 ? k : 1));
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double got = c[i * ldc + j], want = cd[i * ldc + j];
            if (!(fabs(got - want) <= tol * sc[i * ldc + j]))
                fail_msg("%s %dx%dx%d ta=%d tb=%d: C[%d,%d] = %.9g, reference %.9g",
                         nn_gemm_backend_name(), m, n, k, cs->ta, cs->tb, i, j, got, want);
        }
    if (cs->pad)   /* the padding columns of C are untouched */
        for (int i = 0; i < m; i++)
            assert_true(c[i * ldc + n] == (float)cd[i * ldc + n] || (i == 0 && n == 0));
    free(a); free(b); free(c); free(ad); free(bd); free(cd); free(sc);
}

static const int sizes[] = {1, 7, 33, 129};

static void test_f32_shapes(void **state)
{
    NnCtx *ctx = CTX;
    NnGemmBackend bes[2] = {NN_GEMM_BUILTIN, NN_GEMM_BLAS};
    for (int be = 0; be < 2; be++) {
        if (!nn_gemm_set_backend(bes[be]))
            continue;   /* built without BLAS */
        for (int im = 0; im < 4; im++)
            for (int in = 0; in < 4; in++)
                for (int ik = 0; ik < 4; ik++)
                    for (int t = 0; t < 4; t++) {
                        Case cs = {sizes[im], sizes[in], sizes[ik], t & 1, t >> 1, (im + ik) % 2 * 3,
                                   t == 2 ? 0.5 : 1.0, t == 3 ? -1.5 : 0.0};
                        run_case_f32(ctx, &cs, bes[be]);
                    }
    }
    nn_gemm_set_backend(NN_GEMM_AUTO);
}

static void test_f32_mlp_shapes(void **state)
{
    NnCtx *ctx = CTX;
    const Case cases[] = {
        {32, 128, 784, false, false, 0, 1, 0},  /* x @ W1 */
        {784, 128, 32, true, false, 0, 1, 0},   /* dW1 = x^T dY */
        {32, 784, 128, false, true, 0, 1, 0},   /* dX = dY W1^T */
        {128, 10, 128, false, false, 0, 1, 1},  /* 128x10 layer, accumulating */
        {300, 520, 700, false, false, 5, 1, 0}, /* several cache blocks */
    };
    for (int be = 0; be < 2; be++) {
        NnGemmBackend b = be ? NN_GEMM_BLAS : NN_GEMM_BUILTIN;
        if (!nn_gemm_set_backend(b))
            continue;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            run_case_f32(ctx, &cases[i], b);
    }
    nn_gemm_set_backend(NN_GEMM_AUTO);
}

static void test_f64(void **state)
{
    NnCtx *ctx = CTX;
    int m = 37, n = 45, k = 131;
    double *a = malloc(sizeof(double) * m * k), *b = malloc(sizeof(double) * k * n);
    double *c = calloc((size_t)m * n, sizeof(double)), *r = calloc((size_t)m * n, sizeof(double));
    double *sc = malloc(sizeof(double) * m * n);
    uint64_t seed = 5;
    for (int i = 0; i < m * k; i++)
        a[i] = lcg_next(&seed);
    for (int i = 0; i < k * n; i++)
        b[i] = lcg_next(&seed);
    ref_gemm(true, false, m, n, k, 1, a, m, b, n, 0, r, n, sc);
    for (int be = 0; be < 2; be++) {
        if (!nn_gemm_set_backend(be ? NN_GEMM_BLAS : NN_GEMM_BUILTIN))
            continue;
        nn_gemm_f64(ctx, true, false, m, n, k, 1, a, m, b, n, 0, c, n);
        for (int i = 0; i < m * n; i++)
            assert_true(fabs(c[i] - r[i]) <= 1e-13 * sc[i]);
    }
    nn_gemm_set_backend(NN_GEMM_AUTO);
    free(a); free(b); free(c); free(r); free(sc);
}

/* The built-in kernel splits work over threads without changing any sum. */
static void test_threads_identical(void **state)
{
    NnCtx *ctx = CTX;
    int m = 200, n = 300, k = 257;
    float *a = malloc(4 * (size_t)m * k), *b = malloc(4 * (size_t)k * n);
    float *c1 = malloc(4 * (size_t)m * n), *c2 = malloc(4 * (size_t)m * n);
    uint64_t seed = 9;
    for (int i = 0; i < m * k; i++)
        a[i] = (float)lcg_next(&seed);
    for (int i = 0; i < k * n; i++)
        b[i] = (float)lcg_next(&seed);
    nn_gemm_set_backend(NN_GEMM_BUILTIN);
    nn_ctx_set_threads(ctx, 1);
    nn_gemm_f32(ctx, false, false, m, n, k, 1, a, k, b, n, 0, c1, n);
    nn_ctx_set_threads(ctx, 2);
    nn_gemm_f32(ctx, false, false, m, n, k, 1, a, k, b, n, 0, c2, n);
    assert_memory_equal(c1, c2, 4 * (size_t)m * n);
    nn_gemm_set_backend(NN_GEMM_AUTO);
    assert_string_not_equal(nn_gemm_builtin_isa(), "");
    free(a); free(b); free(c1); free(c2);
}

/* ---- matmul and friends ---- */

static NnTensor *seq(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, uint64_t seed)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    int64_t n = nn_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        nn_tensor_set_f64(t, i, nn_dtype_is_float(dt) ? lcg_next(&seed) : (double)((i * 7 + 3) % 11) - 5);
    return t;
}

/* reference: out[b, i, j] = sum_p a[b, i, p] * bb[b, p, j] over flat index math */
static void ref_bmm(const NnTensor *a, const NnTensor *b, int64_t batch_a, int64_t batch_b,
                    int64_t m, int64_t k, int64_t n, double *out)
{
    int64_t nb = batch_a > batch_b ? batch_a : batch_b;
    for (int64_t q = 0; q < nb; q++)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                double s = 0;
                for (int64_t p = 0; p < k; p++)
                    s += nn_tensor_get_f64(a, (q % batch_a) * m * k + i * k + p) *
                         nn_tensor_get_f64(b, (q % batch_b) * k * n + p * n + j);
                out[(q * m + i) * n + j] = s;
            }
}

static void test_matmul(void **state)
{
    NnCtx *ctx = CTX;
    int64_t sa[3] = {3, 4, 5}, sb[2] = {5, 6};
    NnTensor *a = seq(ctx, NN_F32, 3, sa, 1), *b = seq(ctx, NN_F32, 2, sb, 2);
    NnTensor *c = nn_matmul(ctx, a, b);
    int64_t wc[3] = {3, 4, 6};
    check_shape(c, 3, wc);
    double ref[72];
    ref_bmm(a, b, 3, 1, 4, 5, 6, ref);
    check_close(c, ref, 72, 0, 1e-6 * sqrt(5) * 5);
    /* a transposed view as operand costs no copy and gives the same */
    int64_t sbt[2] = {6, 5};
    NnTensor *bt = seq(ctx, NN_F32, 2, sbt, 3), *btv = nn_tensor_transpose(ctx, bt, NULL);
    NnTensor *c2 = nn_matmul(ctx, a, btv), *btc = nn_tensor_copy(ctx, btv);
    ref_bmm(a, btc, 3, 1, 4, 5, 6, ref);
    check_close(c2, ref, 72, 0, 1e-5);
    /* 1-D operands: (5,) @ (5, 6) -> (6,), (3,4,5) @ (5,) -> (3, 4) */
    int64_t s5[1] = {5};
    NnTensor *v = seq(ctx, NN_F32, 1, s5, 4);
    NnTensor *c3 = nn_matmul(ctx, v, b);
    int64_t w3[1] = {6};
    check_shape(c3, 1, w3);
    ref_bmm(v, b, 1, 1, 1, 5, 6, ref);
    check_close(c3, ref, 6, 0, 1e-5);
    NnTensor *c4 = nn_matmul(ctx, a, v);
    int64_t w4[2] = {3, 4};
    check_shape(c4, 2, w4);
    NnTensor *c5 = nn_matmul(ctx, v, v);
    assert_int_equal(c5->ndim, 0);
    /* mismatch: numpy's message */
    int64_t s4[2] = {4, 5};
    NnTensor *bad = seq(ctx, NN_F32, 2, s4, 5);
    assert_null(nn_matmul(ctx, b, bad));
    assert_int_equal(nn_status(ctx), NN_EDIM);
    assert_string_equal(nn_errmsg(ctx), "matmul: Input operand 1 has a mismatch in its core dimension 0, "
                        "with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 4 is different from 6)");
    /* ints: exact */
    int64_t si[2] = {2, 3}, sj[2] = {3, 2};
    NnTensor *ia = seq(ctx, NN_I32, 2, si, 0), *ib = seq(ctx, NN_I32, 2, sj, 0);
    NnTensor *ic = nn_matmul(ctx, ia, ib);
    assert_int_equal(ic->dtype, NN_I32);
    ref_bmm(ia, ib, 1, 1, 2, 3, 2, ref);
    check_close(ic, ref, 4, 0, 0);
    /* zero-size k: zeros */
    int64_t z1[2] = {2, 0}, z2[2] = {0, 3};
    NnTensor *za = nn_tensor_new(ctx, NN_F64, 2, z1), *zb = nn_tensor_new(ctx, NN_F64, 2, z2);
    NnTensor *zc = nn_matmul(ctx, za, zb);
    double zeros[6] = {0};
    check_close(zc, zeros, 6, 0, 0);
    NnTensor *ts[] = {zc, zb, za, ic, ib, ia, bad, c5, c4, c3, v, btc, c2, btv, bt, c, b, a};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        nn_tensor_unref(ts[i]);
}

static void test_dot_tensordot_outer(void **state)
{
    NnCtx *ctx = CTX;
    double x[3] = {1, 2, 3}, y[3] = {4, 5, 6};
    int64_t s3[1] = {3};
    NnTensor *a = mk(ctx, NN_I32, 1, s3, x), *b = mk(ctx, NN_I32, 1, s3, y);
    int axa = 0, axb = 0;
    NnTensor *d = nn_tensordot(ctx, a, b, 1, &axa, &axb);   /* tf.tensordot(a, b, axes=1) */
    assert_int_equal(d->ndim, 0);
    assert_int_equal(d->dtype, NN_I32);
    assert_int_equal(nn_tensor_get_i64(d, 0), 32);
    NnTensor *o = nn_outer(ctx, a, b);
    double wo[9] = {4, 5, 6, 8, 10, 12, 12, 15, 18};
    check_close(o, wo, 9, 0, 0);
    int64_t s234[3] = {2, 3, 4}, s43[2] = {4, 3};
    NnTensor *p = seq(ctx, NN_F64, 3, s234, 7), *q = seq(ctx, NN_F64, 2, s43, 8);
    NnTensor *pd = nn_dot(ctx, p, q);   /* (2,3,4) . (4,3) -> (2,3,3) */
    double ref[18];
    ref_bmm(p, q, 2, 1, 3, 4, 3, ref);
    check_close(pd, ref, 18, 1e-15, 1e-12);
    int64_t s5[2] = {5, 3};
    NnTensor *r = seq(ctx, NN_F64, 2, s5, 9);
    assert_null(nn_dot(ctx, p, r));
    assert_string_equal(nn_errmsg(ctx), "shapes (2,3,4) and (5,3) not aligned: 4 (dim 2) != 5 (dim 0)");
    /* tensordot over two axis pairs: sum_{j,k} p[i,j,k] * t[k,j] */
    int64_t s4x3[2] = {4, 3};
    NnTensor *t = seq(ctx, NN_F64, 2, s4x3, 10);
    int aa[2] = {1, 2}, bb[2] = {1, 0};
    NnTensor *td = nn_tensordot(ctx, p, t, 2, aa, bb);
    double w2[2];
    for (int i = 0; i < 2; i++) {
        w2[i] = 0;
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                w2[i] += nn_tensor_get_f64(p, i * 12 + j * 4 + k) * nn_tensor_get_f64(t, k * 3 + j);
    }
    check_close(td, w2, 2, 1e-15, 1e-12);
    NnTensor *ts[] = {td, t, r, pd, q, p, o, d, b, a};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        nn_tensor_unref(ts[i]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_f32_shapes), T(test_f32_mlp_shapes), T(test_f64), T(test_threads_identical),
        T(test_matmul), T(test_dot_tensordot_outer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
