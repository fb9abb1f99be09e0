/* test_tensor.c - NnTensor: dtypes and promotion, creation with checked
 * sizes and memory messages, reference counts, views (reshape, transpose,
 * slices with negative steps, select, expand/squeeze, broadcast_to), casts
 * with numpy's rules, element access on strided views, assignment, masks,
 * Python slice normalisation, and the allocator hook (counting, limits,
 * failing the n-th allocation). */
#include "lib_test_util.h"

static void test_dtypes(void **state)
{
    (void)state;
    NnDType dt;
    assert_string_equal(nn_dtype_name(NN_F32), "float32");
    assert_string_equal(nn_dtype_name(NN_U8), "uint8");
    assert_int_equal(nn_dtype_size(NN_I64), 8);
    assert_int_equal(nn_dtype_size(NN_BOOL), 1);
    assert_true(nn_dtype_from_name("<i8", &dt) && dt == NN_I64);
    assert_true(nn_dtype_from_name("float", &dt) && dt == NN_F64);
    assert_false(nn_dtype_from_name("complex64", &dt));
    /* numpy's result_type for arrays (np.result_type(a, b)) */
    struct { NnDType a, b, r; } tab[] = {
        {NN_BOOL, NN_BOOL, NN_BOOL}, {NN_BOOL, NN_U8, NN_U8}, {NN_U8, NN_I32, NN_I32},
        {NN_I32, NN_I64, NN_I64}, {NN_U8, NN_I64, NN_I64}, {NN_U8, NN_F32, NN_F32},
        {NN_BOOL, NN_F32, NN_F32}, {NN_I32, NN_F32, NN_F64}, {NN_I64, NN_F32, NN_F64},
        {NN_F32, NN_F64, NN_F64}, {NN_I64, NN_F64, NN_F64}, {NN_F32, NN_F32, NN_F32},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        assert_int_equal(nn_promote(tab[i].a, tab[i].b), tab[i].r);
        assert_int_equal(nn_promote(tab[i].b, tab[i].a), tab[i].r);
    }
}

static void test_create_and_refcount(void **state)
{
    NnCtx *ctx = CTX;
    int64_t sh[2] = {2, 3};
    NnTensor *t = nn_tensor_full(ctx, NN_F32, 2, sh, 1.5);
    assert_int_equal(nn_tensor_numel(t), 6);
    assert_true(nn_tensor_is_contiguous(t));
    assert_int_equal(t->strides[0], 3);
    for (int i = 0; i < 6; i++)
        assert_true(nn_tensor_get_f64(t, i) == 1.5);
    NnTensor *z = nn_tensor_new(ctx, NN_I32, 2, sh);
    assert_int_equal(nn_tensor_get_i64(z, 5), 0);
    NnTensor *v = nn_tensor_transpose(ctx, t, NULL);
    assert_int_equal(t->buf->refcount, 2);     /* the view shares the buffer */
    assert_int_equal(t->refcount, 1);
    assert_ptr_equal(nn_tensor_ref(t), t);
    assert_int_equal(t->refcount, 2);
    nn_tensor_unref(t);
    nn_tensor_unref(t);                          /* base gone, view keeps the buffer */
    assert_int_equal(v->buf->refcount, 1);
    assert_true(nn_tensor_get_f64(v, 4) == 1.5);
    nn_tensor_unref(v);
    nn_tensor_unref(z);
    nn_tensor_unref(NULL);
    NnTensor *s = nn_tensor_scalar(ctx, NN_F64, 2.5);
    assert_int_equal(s->ndim, 0);
    assert_int_equal(nn_tensor_numel(s), 1);
    assert_true(nn_tensor_get_f64(s, 0) == 2.5);
    nn_tensor_unref(s);
    s = nn_tensor_scalar_i64(ctx, NN_I64, INT64_MAX);
    assert_true(nn_tensor_get_i64(s, 0) == INT64_MAX);
    nn_tensor_unref(s);
    int64_t e[2] = {0, 4};
    NnTensor *emp = nn_tensor_new(ctx, NN_F32, 2, e);
    assert_int_equal(nn_tensor_numel(emp), 0);
    nn_tensor_unref(emp);
    char buf[64];
    assert_string_equal(nn_shape_str(2, sh, buf, sizeof buf), "(2, 3)");
    assert_string_equal(nn_shape_str(1, sh, buf, sizeof buf), "(2,)");
    assert_string_equal(nn_shape_str(0, sh, buf, sizeof buf), "()");
}

static void test_memory_messages(void **state)
{
    NnCtx *ctx = CTX;
    int64_t big[3] = {100000, 100000, 100};
    assert_null(nn_tensor_new(ctx, NN_F32, 3, big));
    assert_int_equal(nn_status(ctx), NN_ENOMEM);
    assert_string_equal(nn_errmsg(ctx),
        "cannot allocate 3.64 TiB for a tensor of shape (100000, 100000, 100) and dtype float32");
    int64_t huge[1] = {(int64_t)1 << 62};
    assert_null(nn_tensor_new(ctx, NN_F64, 1, huge));   /* overflows size_t */
    assert_int_equal(nn_status(ctx), NN_ENOMEM);
    assert_string_equal(nn_errmsg(ctx),
        "cannot allocate 32 EiB for a tensor of shape (4611686018427387904,) and dtype float64");
    int64_t over[2] = {INT64_MAX / 2, 5};   /* the element count itself overflows */
    assert_null(nn_tensor_empty(ctx, NN_U8, 2, over));
    assert_int_equal(nn_status(ctx), NN_EARG);
    assert_string_equal(nn_errmsg(ctx), "array is too big; `arr.size * arr.dtype.itemsize` "
                        "is larger than the maximum possible size.");
    int64_t neg[1] = {-1};
    assert_null(nn_tensor_new(ctx, NN_F32, 1, neg));
    assert_string_equal(nn_errmsg(ctx), "negative dimensions are not allowed");
    /* the optional limit */
    nn_ctx_set_mem_limit(ctx, 1000);
    int64_t sh[1] = {1000};
    assert_null(nn_tensor_new(ctx, NN_F32, 1, sh));
    assert_int_equal(nn_status(ctx), NN_ENOMEM);
    assert_string_equal(nn_errmsg(ctx), "cannot allocate 3.91 KiB for a tensor of shape (1000,) and dtype float32");
    sh[0] = 10;
    NnTensor *t = nn_tensor_new(ctx, NN_F32, 1, sh);
    assert_non_null(t);
    assert_true(nn_ctx_mem_used(ctx) > 40);
    nn_tensor_unref(t);
    assert_int_equal(nn_ctx_mem_used(ctx), 0);
    nn_clear_error(ctx);
    assert_int_equal(nn_status(ctx), NN_OK);
    assert_string_equal(nn_errmsg(ctx), "");
}

static void test_reshape(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 12, 1, NN_I64);
    int64_t s1[2] = {3, -1}, s2[2] = {3, 5}, s3[2] = {-1, -1};
    NnTensor *r = nn_tensor_reshape(ctx, a, 2, s1);
    int64_t want[2] = {3, 4};
    check_shape(r, 2, want);
    assert_ptr_equal(r->buf, a->buf);            /* a view */
    assert_null(nn_tensor_reshape(ctx, a, 2, s2));
    assert_int_equal(nn_status(ctx), NN_EDIM);
    assert_string_equal(nn_errmsg(ctx), "cannot reshape array of size 12 into shape (3,5)");
    assert_null(nn_tensor_reshape(ctx, a, 2, s3));
    assert_string_equal(nn_errmsg(ctx), "can only specify one unknown dimension");
    NnTensor *a10 = nn_arange(ctx, 0, 10, 1, NN_I64);
    int64_t s4[2] = {3, 4};
    assert_null(nn_tensor_reshape(ctx, a10, 2, s4));
    assert_string_equal(nn_errmsg(ctx), "cannot reshape array of size 10 into shape (3,4)");
    /* a transposed (non-contiguous) tensor reshapes through a copy */
    NnTensor *tr = nn_tensor_transpose(ctx, r, NULL);
    int64_t flat = -1;
    NnTensor *f = nn_tensor_reshape(ctx, tr, 1, &flat);
    assert_ptr_not_equal(f->buf, a->buf);
    long long wantf[12] = {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11};
    for (int i = 0; i < 12; i++)
        assert_int_equal(nn_tensor_get_i64(f, i), wantf[i]);
    nn_tensor_unref(f);
    nn_tensor_unref(tr);
    nn_tensor_unref(a10);
    nn_tensor_unref(r);
    nn_tensor_unref(a);
}

static void test_slices(void **state)
{
    NnCtx *ctx = CTX;
    int64_t st, en, n;
    /* Python: slice(None, None, -1).indices(5) -> (4, -1, -1), 5 items */
    n = nn_slice_indices(5, false, &st, false, &en, -1);
    assert_int_equal(n, 5); assert_int_equal(st, 4); assert_int_equal(en, -1);
    st = -2; n = nn_slice_indices(5, true, &st, false, &en, 1);       /* [-2:] */
    assert_int_equal(n, 2); assert_int_equal(st, 3); assert_int_equal(en, 5);
    st = 10; en = -10; n = nn_slice_indices(5, true, &st, true, &en, -2);  /* [10:-10:-2] */
    assert_int_equal(n, 3); assert_int_equal(st, 4); assert_int_equal(en, -1);
    st = 1; en = 100; n = nn_slice_indices(5, true, &st, true, &en, 3);
    assert_int_equal(n, 2);
    st = 3; en = 1; n = nn_slice_indices(5, true, &st, true, &en, 1);
    assert_int_equal(n, 0);

    NnTensor *a = nn_arange(ctx, 0, 10, 1, NN_I32);
    st = 8; en = 1;
    n = nn_slice_indices(10, true, &st, true, &en, -3);
    NnTensor *s = nn_tensor_slice(ctx, a, 0, st, en, -3);   /* a[8:1:-3] = [8 5 2] */
    assert_int_equal(s->shape[0], n);
    assert_int_equal(n, 3);
    assert_int_equal(nn_tensor_get_i64(s, 0), 8);
    assert_int_equal(nn_tensor_get_i64(s, 2), 2);
    NnTensor *s2 = nn_tensor_slice(ctx, s, 0, 2, -1, -1);    /* reversed again: [2 5 8] */
    assert_int_equal(nn_tensor_get_i64(s2, 0), 2);
    assert_int_equal(nn_tensor_get_i64(s2, 2), 8);
    NnTensor *c = nn_tensor_copy(ctx, s2);
    assert_true(nn_tensor_is_contiguous(c));
    assert_int_equal(nn_tensor_get_i64(c, 1), 5);
    NnTensor *e = nn_tensor_slice(ctx, a, 0, 3, 3, 1);
    assert_int_equal(nn_tensor_numel(e), 0);
    nn_tensor_unref(e);
    nn_tensor_unref(c);
    nn_tensor_unref(s2);
    nn_tensor_unref(s);
    nn_tensor_unref(a);
}

static void test_select_expand_squeeze(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 6, 1, NN_F64);
    int64_t sh[2] = {2, 3};
    NnTensor *m = nn_tensor_reshape(ctx, a, 2, sh);
    NnTensor *row = nn_tensor_select(ctx, m, 0, -1);
    assert_int_equal(row->ndim, 1);
    assert_true(nn_tensor_get_f64(row, 0) == 3);
    NnTensor *col = nn_tensor_select(ctx, m, 1, 2);
    assert_true(nn_tensor_get_f64(col, 1) == 5);
    assert_null(nn_tensor_select(ctx, m, 0, 5));
    assert_int_equal(nn_status(ctx), NN_EINDEX);
    assert_string_equal(nn_errmsg(ctx), "index 5 is out of bounds for axis 0 with size 2");
    NnTensor *ex = nn_tensor_expand_dims(ctx, m, 1);
    int64_t w1[3] = {2, 1, 3};
    check_shape(ex, 3, w1);
    NnTensor *sq = nn_tensor_squeeze(ctx, ex, NN_ALL_AXES);
    check_shape(sq, 2, sh);
    assert_null(nn_tensor_squeeze(ctx, m, 0));
    assert_int_equal(nn_status(ctx), NN_EARG);
    NnTensor *ex2 = nn_tensor_expand_dims(ctx, m, -1);
    int64_t w2[3] = {2, 3, 1};
    check_shape(ex2, 3, w2);
    NnTensor *b = nn_tensor_broadcast_to(ctx, row, 2, (int64_t[]){4, 3});
    assert_int_equal(b->strides[0], 0);
    assert_true(nn_tensor_get_f64(b, 10) == 4);
    assert_null(nn_tensor_broadcast_to(ctx, row, 1, (int64_t[]){4}));
    assert_null(nn_tensor_expand_dims(ctx, m, 3));
    assert_string_equal(nn_errmsg(ctx), "axis 3 is out of bounds for array of dimension 3");
    NnTensor *ts[] = {b, ex2, ex, sq, col, row, m, a};
    for (int i = 0; i < 8; i++)
        nn_tensor_unref(ts[i]);
}

static void test_broadcast_shape(void **state)
{
    NnCtx *ctx = CTX;
    int n;
    int64_t out[NN_MAXDIM];
    int64_t a[3] = {8, 1, 6}, b[2] = {7, 1};
    assert_int_equal(nn_broadcast_shape(ctx, 3, a, 2, b, &n, out), NN_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 8); assert_int_equal(out[1], 7); assert_int_equal(out[2], 6);
    int64_t c[1] = {3}, d[1] = {4};
    assert_int_equal(nn_broadcast_shape(ctx, 1, c, 1, d, &n, out), NN_EDIM);
    assert_string_equal(nn_errmsg(ctx), "shapes (3,) and (4,) cannot be broadcast together");
    int64_t e[1] = {0}, f[2] = {5, 1};
    assert_int_equal(nn_broadcast_shape(ctx, 1, e, 2, f, &n, out), NN_OK);
    assert_int_equal(out[0], 5); assert_int_equal(out[1], 0);
    assert_int_equal(nn_broadcast_shape(ctx, 0, e, 1, c, &n, out), NN_OK);
    assert_int_equal(n, 1);
}

static void test_cast(void **state)
{
    NnCtx *ctx = CTX;
    double v[8] = {-2.7, -0.5, 0.0, 0.9, 2.5, 300.0, -1.0, NAN};
    int64_t sh[1] = {8};
    NnTensor *a = mk(ctx, NN_F64, 1, sh, v);
    NnTensor *i = nn_tensor_cast(ctx, a, NN_I32);
    long long wi[7] = {-2, 0, 0, 0, 2, 300, -1};     /* np.array(v).astype(np.int32) */
    for (int k = 0; k < 7; k++)
        assert_int_equal(nn_tensor_get_i64(i, k), wi[k]);
    NnTensor *u = nn_tensor_cast(ctx, a, NN_U8);
    assert_int_equal(nn_tensor_get_i64(u, 5), 44);    /* 300 wraps as numpy: 300 % 256 */
    assert_int_equal(nn_tensor_get_i64(u, 6), 255);
    NnTensor *bo = nn_tensor_cast(ctx, a, NN_BOOL);
    long long wb[8] = {1, 1, 0, 1, 1, 1, 1, 1};      /* NaN is truthy */
    for (int k = 0; k < 8; k++)
        assert_int_equal(nn_tensor_get_i64(bo, k), wb[k]);
    NnTensor *f = nn_tensor_cast(ctx, i, NN_F32);
    assert_true(nn_tensor_get_f64(f, 0) == -2.0);
    NnTensor *big = nn_tensor_scalar_i64(ctx, NN_I64, ((int64_t)1 << 40) + 7);
    NnTensor *b32 = nn_tensor_cast(ctx, big, NN_I32);
    assert_int_equal(nn_tensor_get_i64(b32, 0), 7);   /* wraps to the low 32 bits */
    NnTensor *ts[] = {b32, big, f, bo, u, i, a};
    for (int k = 0; k < 7; k++)
        nn_tensor_unref(ts[k]);
}

static void test_assign_and_masks(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 6, 1, NN_F64);
    int64_t sh[2] = {2, 3};
    NnTensor *m = nn_tensor_reshape(ctx, a, 2, sh);
    /* m[:, 1] = 7 */
    NnTensor *col = nn_tensor_select(ctx, m, 1, 1);
    NnTensor *seven = nn_tensor_scalar_i64(ctx, NN_I64, 7);
    assert_int_equal(nn_tensor_assign(ctx, col, seven), NN_OK);
    double w1[6] = {0, 7, 2, 3, 7, 5};
    check_close(a, w1, 6, 0, 0);
    /* overlapping: a[1:] = a[:-1] (numpy copies the source first) */
    NnTensor *dst = nn_tensor_slice(ctx, a, 0, 1, 6, 1), *src = nn_tensor_slice(ctx, a, 0, 0, 5, 1);
    assert_int_equal(nn_tensor_assign(ctx, dst, src), NN_OK);
    double w2[6] = {0, 0, 7, 2, 3, 7};
    check_close(a, w2, 6, 0, 0);
    /* a[a > 2] = -1 */
    NnTensor *two = nn_tensor_scalar(ctx, NN_F64, 2);
    NnTensor *mask = nn_binary(ctx, NN_GT, a, two, NN_F64);
    NnTensor *sel = nn_tensor_mask_select(ctx, a, mask);
    double w3[3] = {7, 3, 7};
    check_close(sel, w3, 3, 0, 0);
    NnTensor *neg = nn_tensor_scalar(ctx, NN_F64, -1);
    assert_int_equal(nn_tensor_mask_assign(ctx, a, mask, neg), NN_OK);
    double w4[6] = {0, 0, -1, 2, -1, -1};
    check_close(a, w4, 6, 0, 0);
    /* a[mask] = [10, 20, 30] */
    double vals[3] = {10, 20, 30};
    int64_t s3[1] = {3};
    NnTensor *v3 = mk(ctx, NN_F64, 1, s3, vals);
    assert_int_equal(nn_tensor_mask_assign(ctx, a, mask, v3), NN_OK);
    double w5[6] = {0, 0, 10, 2, 20, 30};
    check_close(a, w5, 6, 0, 0);
    int64_t s2[1] = {2};
    NnTensor *v2 = mk(ctx, NN_F64, 1, s2, vals);
    assert_int_equal(nn_tensor_mask_assign(ctx, a, mask, v2), NN_EDIM);
    /* put along axis 0 of the 2x3 view: m[[1, -2]] = [[1,2,3]] rows */
    double rv[3] = {1, 2, 3};
    NnTensor *rowv = mk(ctx, NN_F32, 1, s3, rv);
    double iv[2] = {1, -2};
    NnTensor *idx = mk(ctx, NN_I64, 1, s2, iv);
    assert_int_equal(nn_tensor_put(ctx, m, idx, rowv), NN_OK);
    double w6[6] = {1, 2, 3, 1, 2, 3};
    check_close(a, w6, 6, 0, 0);
    nn_tensor_set_i64(idx, 0, 2);
    assert_int_equal(nn_tensor_put(ctx, m, idx, rowv), NN_EINDEX);
    assert_string_equal(nn_errmsg(ctx), "index 2 is out of bounds for axis 0 with size 2");
    /* a row mask selects sub-arrays: m[[True, False]] -> shape (1, 3) */
    NnTensor *rm = nn_tensor_new(ctx, NN_BOOL, 1, s2);
    nn_tensor_set_i64(rm, 0, 1);
    NnTensor *rs = nn_tensor_mask_select(ctx, m, rm);
    int64_t wsh[2] = {1, 3};
    check_shape(rs, 2, wsh);
    NnTensor *ts[] = {rs, rm, idx, rowv, v2, v3, neg, sel, mask, two, dst, src, seven, col, m, a};
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++)
        nn_tensor_unref(ts[k]);
}

static void test_get_set_strided(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *a = nn_arange(ctx, 0, 24, 1, NN_I64);
    int64_t sh[3] = {2, 3, 4};
    NnTensor *r = nn_tensor_reshape(ctx, a, 3, sh);
    int perm[3] = {2, 0, 1};
    NnTensor *t = nn_tensor_transpose(ctx, r, perm);   /* shape (4, 2, 3) */
    /* t[i, j, k] = r[j, k, i] = 12j + 4k + i */
    for (int64_t f = 0; f < 24; f++) {
        int64_t i = f / 6, j = f / 3 % 2, k = f % 3;
        assert_int_equal(nn_tensor_get_i64(t, f), 12 * j + 4 * k + i);
    }
    nn_tensor_set_f64(t, 23, -5.9);   /* t[3,1,2] = r[1,2,3] = a[23] */
    assert_int_equal(nn_tensor_get_i64(a, 23), -5);
    assert_null(nn_tensor_transpose(ctx, r, (int[]){0, 0, 1}));
    assert_string_equal(nn_errmsg(ctx), "repeated axis in transpose");
    nn_tensor_unref(t);
    nn_tensor_unref(r);
    nn_tensor_unref(a);
}

/* Fails allocation 1, 2, ... of a sequence of ops until it succeeds: every
 * failure must be NN_ENOMEM with nothing leaked (the teardown and cmocka
 * check the byte count and the blocks). */
static void test_fault_injection(void **state)
{
    Fx *fx = *state;
    NnCtx *ctx = fx->ctx;
    for (long n = 1;; n++) {
        fx->ta.count = 0;
        fx->ta.fail_at = n;
        nn_clear_error(ctx);
        NnTensor *a = NULL, *r = NULL, *t = NULL, *s = NULL, *c = NULL, *mm = NULL;
        int64_t sh[2] = {3, 4};
        a = nn_arange(ctx, 0, 12, 1, NN_I32);
        if (a)
            r = nn_tensor_reshape(ctx, a, 2, sh);
        if (r)
            t = nn_tensor_transpose(ctx, r, NULL);
        if (t)
            s = nn_binary(ctx, NN_ADD, t, t, NN_F32);     /* casts, then adds */
        if (s)
            c = nn_reduce(ctx, NN_SUM, s, (int[]){0}, 1, false, NN_F64, 0);
        if (c)
            mm = nn_matmul(ctx, s, r == NULL ? s : s);    /* (4,3) @ (4,3): shape error */
        bool ok = c != NULL;
        if (ok)
            assert_null(mm);
        NnTensor *ts[] = {mm, c, s, t, r, a};
        for (int k = 0; k < 6; k++)
            nn_tensor_unref(ts[k]);
        if (ok) {
            assert_int_equal(nn_status(ctx), NN_EDIM);
            break;
        }
        assert_int_equal(nn_status(ctx), NN_ENOMEM);
        assert_int_equal(nn_ctx_mem_used(ctx), 0);
        assert_true(n < 100);
    }
    fx->ta.fail_at = 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_dtypes), T(test_create_and_refcount), T(test_memory_messages), T(test_reshape),
        T(test_slices), T(test_select_expand_squeeze), T(test_broadcast_shape), T(test_cast),
        T(test_assign_and_masks), T(test_get_set_strided), T(test_fault_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
