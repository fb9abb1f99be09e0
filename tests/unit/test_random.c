/* test_random.c - the ctx generator against numpy 1.24's RandomState:
 * the expected numbers in random_cases.h were printed by numpy itself
 * (gen_random_cases.py). */
#include "lib_test_util.h"
#include "random_cases.h"

static void expect_f(const NnTensor *t, const double *want, int n)
{
    assert_non_null(t);
    assert_int_equal(nn_tensor_numel(t), n);
    for (int i = 0; i < n; i++) {
        double got = nn_tensor_get_f64(t, i);
        if (fabs(got - want[i]) > 1e-15 * fabs(want[i]) + 1e-300)
            fail_msg("draw %d: got %.17g, numpy %.17g", i, got, want[i]);
    }
}

static void expect_i(const NnTensor *t, const long long *want, int n)
{
    assert_non_null(t);
    assert_int_equal(nn_tensor_numel(t), n);
    for (int i = 0; i < n; i++)
        assert_int_equal(nn_tensor_get_i64(t, i), want[i]);
}

static void test_numpy_sequence(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s5 = 5, s10 = 10, s4 = 4;
    nn_rng_seed(ctx, 0);
    NnTensor *t = nn_random_uniform(ctx, NN_F64, 1, &s5, 0, 1);   /* rand(5) */
    expect_f(t, seq_rand, 5);
    nn_tensor_unref(t);
    t = nn_random_normal(ctx, NN_F64, 1, &s5, 0, 1);               /* randn(5) */
    expect_f(t, seq_randn, 5);
    nn_tensor_unref(t);
    t = nn_random_randint(ctx, NN_I64, 1, &s10, 0, 10);
    expect_i(t, seq_randint, 10);
    nn_tensor_unref(t);
    t = nn_random_uniform(ctx, NN_F64, 1, &s4, -1, 1);
    expect_f(t, seq_uniform, 4);
    nn_tensor_unref(t);
    t = nn_random_normal(ctx, NN_F64, 1, &s4, 2, 3);
    expect_f(t, seq_normal, 4);
    nn_tensor_unref(t);
    t = nn_random_permutation(ctx, 10);
    expect_i(t, seq_perm, 10);
    nn_tensor_unref(t);
    t = nn_arange(ctx, 0, 10, 1, NN_I64);
    assert_int_equal(nn_random_shuffle(ctx, t), NN_OK);
    expect_i(t, seq_shuffle, 10);
    nn_tensor_unref(t);
}

static void test_bounded_ints(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s6 = 6, s9 = 9, s5 = 5;
    nn_rng_seed(ctx, 12345);
    NnTensor *t = nn_random_randint(ctx, NN_I64, 1, &s6, -5, (int64_t)1 << 40);
    expect_i(t, big_randint, 6);   /* range above 2**32: 64-bit draws */
    nn_tensor_unref(t);
    t = nn_random_randint(ctx, NN_I64, 1, &s6, -100, -3);
    expect_i(t, neg_randint, 6);
    nn_tensor_unref(t);
    t = nn_random_randint(ctx, NN_U8, 1, &s9, 0, 200);
    expect_i(t, u8_randint, 9);    /* buffered 8-bit draws */
    nn_tensor_unref(t);
    t = nn_random_randint(ctx, NN_BOOL, 1, &s9, 0, 2);
    expect_i(t, bool_randint, 9);  /* buffered 1-bit draws */
    nn_tensor_unref(t);
    t = nn_random_randint(ctx, NN_I32, 1, &s5, -7, 1000);
    expect_i(t, i32_randint, 5);
    nn_tensor_unref(t);
    int64_t sh[2] = {4, 3};
    t = nn_arange(ctx, 0, 12, 1, NN_I64);
    NnTensor *m = nn_tensor_reshape(ctx, t, 2, sh);
    assert_int_equal(nn_random_shuffle(ctx, m), NN_OK);   /* rows move, as numpy */
    expect_i(t, shuffle_rows, 12);
    nn_tensor_unref(m);
    nn_tensor_unref(t);
}

static void test_seed_resets_gauss(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s1 = 1, s3 = 3;
    nn_rng_seed(ctx, 7);
    NnTensor *t = nn_random_normal(ctx, NN_F64, 1, &s1, 0, 1);
    nn_tensor_unref(t);
    nn_rng_seed(ctx, 7);
    t = nn_random_normal(ctx, NN_F64, 1, &s3, 0, 1);
    expect_f(t, reseed_randn, 3);
    nn_tensor_unref(t);
    nn_rng_seed(ctx, 4294967295u);
    t = nn_random_uniform(ctx, NN_F64, 1, &s3, 0, 1);
    expect_f(t, maxseed_rand, 3);
    nn_tensor_unref(t);
}

static void test_float32_and_errors(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s5 = 5;
    nn_rng_seed(ctx, 0);
    NnTensor *t = nn_random_uniform(ctx, NN_F32, 1, &s5, 0, 1);
    assert_int_equal(t->dtype, NN_F32);
    for (int i = 0; i < 5; i++)   /* float64 draws rounded to float32 */
        assert_true(nn_tensor_get_f64(t, i) == (double)(float)seq_rand[i]);
    nn_tensor_unref(t);
    assert_null(nn_random_randint(ctx, NN_I64, 1, &s5, 3, 3));
    assert_int_equal(nn_status(ctx), NN_EARG);
    assert_string_equal(nn_errmsg(ctx), "low >= high");
    assert_int_equal(nn_rng_interval(ctx, 0), 0);
    for (int i = 0; i < 100; i++)
        assert_true(nn_rng_interval(ctx, 6) <= 6);
}

static void test_unseeded_differs(void **state)
{
    (void)state;
    NnCtx *a = nn_ctx_new(), *b = nn_ctx_new();
    uint32_t x[4], y[4];
    for (int i = 0; i < 4; i++) {
        x[i] = nn_rng_u32(a);
        y[i] = nn_rng_u32(b);
    }
    assert_memory_not_equal(x, y, sizeof x);   /* seeded from /dev/urandom */
    nn_ctx_free(a);
    nn_ctx_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numpy_sequence, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bounded_ints, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_seed_resets_gauss, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_float32_and_errors, fx_setup, fx_teardown),
        cmocka_unit_test(test_unseeded_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
