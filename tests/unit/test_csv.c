/* test_csv.c - text tables with np.loadtxt / np.genfromtxt semantics:
 * delimiters, comments, blank lines, CRLF, skiprows, usecols, max_rows,
 * dtypes, the ndmin squeeze rules, errors naming file:line:column, names
 * and missing values in genfromtxt, np.savetxt's default format.  The
 * expected results are numpy 1.24's for the same text.
 */
#include "io_test_util.h"

static int setup(void **state)
{
    io_dir_make();
    return fx_setup(state);
}

static int teardown(void **state)
{
    io_dir_remove();
    return fx_teardown(state);
}

static char path[300];

static NnTensor *load(void **state, const char *text, const NnTextOptions *o)
{
    io_write(io_path(path, sizeof path, "data.csv"), text, strlen(text));
    return nn_text_load(CTX, path, o, NULL, NULL);
}

static void expect(void **state, const char *text, const NnTextOptions *o, int ndim,
                   const int64_t *shape, const double *v)
{
    NnTensor *t = load(state, text, o);
    if (!t)
        fail_msg("%s", nn_errmsg(CTX));
    check_shape(t, ndim, shape);
    int64_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= shape[i];
    check_close(t, v, n, 0, 0);
    nn_tensor_unref(t);
}

static void test_whitespace_default(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    expect(state, "1 2\n3\t4\n", &o, 2, (int64_t[]){2, 2}, (double[]){1, 2, 3, 4});
    expect(state, "  1.5e3   -2 \n\n# note\n nan inf # end\n", &o, 2, (int64_t[]){2, 2},
           (double[]){1500, -2, NAN, INFINITY});
}

static void test_delimiter_comments(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = ",";
    expect(state, "# x,y\n1.5, 2\n\n3 ,4 # c\r\n", &o, 2, (int64_t[]){2, 2},
           (double[]){1.5, 2, 3, 4});
    o.skiprows = 1;
    expect(state, "a,b,c\n1,2,3\n", &o, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    o.skiprows = 0;
    o.usecols = (int[]){0, -1};
    o.nusecols = 2;
    expect(state, "1,2,3\n4,5,6\n", &o, 2, (int64_t[]){2, 2}, (double[]){1, 3, 4, 6});
    o.usecols = NULL;
    o.max_rows = 1;
    expect(state, "1,2\n3,4\n", &o, 1, (int64_t[]){2}, (double[]){1, 2});
    o.max_rows = -1;
    o.delimiter = ";";
    o.comments = "//";
    expect(state, "1;2 // two\n3;4\n", &o, 2, (int64_t[]){2, 2}, (double[]){1, 2, 3, 4});
}

/* numpy: loadtxt squeezes, then pads to ndmin (atleast_2d(a).T for 2). */
static void test_ndmin(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    expect(state, "1\n2\n3\n", &o, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    o.ndmin = 2;
    expect(state, "1\n2\n3\n", &o, 2, (int64_t[]){3, 1}, (double[]){1, 2, 3});
    expect(state, "1 2 3\n", &o, 2, (int64_t[]){1, 3}, (double[]){1, 2, 3});
    expect(state, "5\n", &o, 2, (int64_t[]){1, 1}, (double[]){5});
    o.ndmin = 1;
    expect(state, "5\n", &o, 1, (int64_t[]){1}, (double[]){5});
    o.ndmin = 0;
    expect(state, "5\n", &o, 0, NULL, (double[]){5});
    expect(state, "", &o, 1, (int64_t[]){0}, NULL);
    o.ndmin = 3;
    assert_null(load(state, "1\n", &o));
    assert_int_equal(nn_status(CTX), NN_EARG);
    nn_clear_error(CTX);
}

static void test_int_dtypes(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = ",";
    o.dtype = NN_I64;
    NnTensor *t = load(state, "1,-2\n3,4.0\n9007199254740993,0\n", &o);
    assert_non_null(t);
    assert_int_equal(t->dtype, NN_I64);
    assert_int_equal(nn_tensor_get_i64(t, 1), -2);
    assert_int_equal(nn_tensor_get_i64(t, 3), 4);
    assert_int_equal(nn_tensor_get_i64(t, 4), 9007199254740993LL);   /* exact past 2^53 */
    nn_tensor_unref(t);
    o.dtype = NN_I32;
    assert_null(load(state, "1,2\n3,4.5\n", &o));
    assert_non_null(strstr(nn_errmsg(CTX), "data.csv:2:2: could not convert string '4.5' to int32"));
    nn_clear_error(CTX);
}

static void test_errors(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = ",";
    assert_null(load(state, "1,2\n3,4\n5,abc\n", &o));
    assert_int_equal(nn_status(CTX), NN_EFORMAT);
    char want[400];
    snprintf(want, sizeof want, "%s:3:2: could not convert string 'abc' to float64", path);
    assert_string_equal(nn_errmsg(CTX), want);
    nn_clear_error(CTX);
    assert_null(load(state, "1,2\n3\n", &o));
    assert_non_null(strstr(nn_errmsg(CTX), "data.csv:2: the number of columns changed from 2 to 1"));
    nn_clear_error(CTX);
    assert_null(load(state, "1,,2\n", &o));   /* loadtxt: an empty field is an error */
    assert_non_null(strstr(nn_errmsg(CTX), "data.csv:1:2: could not convert string '' to float64"));
    nn_clear_error(CTX);
    o.usecols = (int[]){5};
    o.nusecols = 1;
    assert_null(load(state, "1,2\n", &o));
    assert_non_null(strstr(nn_errmsg(CTX), "invalid column index 5"));
    nn_clear_error(CTX);
    assert_null(nn_text_load(CTX, io_path(path, sizeof path, "none.csv"), NULL, NULL, NULL));
    assert_int_equal(nn_status(CTX), NN_EIO);
    assert_non_null(strstr(nn_errmsg(CTX), "none.csv"));
    nn_clear_error(CTX);
}

static void test_genfromtxt(void **state)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = ",";
    o.genfromtxt = true;
    o.skiprows = 1;
    /* numpy: [[1, 2, 3], [4, nan, nan], [7, 8, 9]] */
    const char *text = "a,b,c\n1,2,3\n4,,abc\n 7 , 8,9\n";
    expect(state, text, &o, 2, (int64_t[]){3, 3}, (double[]){1, 2, 3, 4, NAN, NAN, 7, 8, 9});
    o.skiprows = 0;
    o.names = true;
    char **names;
    int nn;
    const char *texts[2] = {text, "# a, b ,c\n1,2,3\n4,,abc\n 7 , 8,9\n"};
    for (int k = 0; k < 2; k++) {
        io_write(io_path(path, sizeof path, "g.csv"), texts[k], strlen(texts[k]));
        NnTensor *t = nn_text_load(CTX, path, &o, &names, &nn);
        assert_non_null(t);
        assert_int_equal(nn, 3);
        assert_string_equal(names[0], "a");
        assert_string_equal(names[1], "b");
        assert_string_equal(names[2], "c");
        check_shape(t, 2, (int64_t[]){3, 3});
        check_close(t, (double[]){1, 2, 3, 4, NAN, NAN, 7, 8, 9}, 9, 0, 0);
        nn_text_names_free(CTX, names, nn);
        nn_tensor_unref(t);
    }
    o.names = false;
    o.filling = -1;
    expect(state, "1,,3\n", &o, 1, (int64_t[]){3}, (double[]){1, -1, 3});
}

static void test_savetxt(void **state)
{
    int64_t s[2] = {2, 2};
    NnTensor *t = mk(CTX, NN_F64, 2, s, (double[]){1.5, 2, -0.25, 1e-3});
    assert_int_equal(nn_text_save(CTX, io_path(path, sizeof path, "o.txt"), t, NULL, NULL), NN_OK);
    size_t n;
    unsigned char *b = io_slurp(path, &n);
    /* np.savetxt(f, [[1.5, 2], [-0.25, 1e-3]]) */
    const char *want = "1.500000000000000000e+00 2.000000000000000000e+00\n"
                       "-2.500000000000000000e-01 1.000000000000000021e-03\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(b, want, n);
    free(b);
    assert_int_equal(nn_text_save(CTX, path, t, "%d", ","), NN_OK);
    b = io_slurp(path, &n);
    assert_int_equal(n, strlen("1,2\n0,0\n"));
    assert_memory_equal(b, "1,2\n0,0\n", n);
    free(b);
    nn_tensor_unref(t);
}

static void test_alloc_failures(void **state)
{
    Fx *f = *state;
    NnTextOptions o;
    nn_text_options_init(&o);
    o.names = true;
    o.genfromtxt = true;
    io_write(io_path(path, sizeof path, "a.txt"), "x y\n1 2\n3 4\n", 12);
    for (long k = 1;; k++) {
        f->ta.count = 0;
        f->ta.fail_at = k;
        char **names;
        int nn;
        NnTensor *t = nn_text_load(CTX, path, &o, &names, &nn);
        f->ta.fail_at = 0;
        if (t) {
            nn_text_names_free(CTX, names, nn);
            nn_tensor_unref(t);
            break;
        }
        assert_int_equal(nn_status(CTX), NN_ENOMEM);
        assert_null(names);
        assert_int_equal(nn_ctx_mem_used(CTX), 0);
        nn_clear_error(CTX);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_whitespace_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delimiter_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ndmin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int_dtypes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_genfromtxt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_savetxt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
