/* test_npy.c - .npy and .npz: numpy's own header bytes, headers written by
 * hand in every spelling numpy accepts (key order, spaces, quotes, versions
 * 1-3, byte orders, Fortran order, narrow dtypes), round trips of every
 * dtype and of 0-d, 1-d, 3-d and empty arrays, a generated corpus of
 * malformed files, .npz archives, allocation failures, and - when
 * /usr/bin/python3 has numpy - numpy reading what nnsh writes and nnsh
 * reading what numpy writes.
 */
#include "io_test_util.h"

#include <sys/wait.h>

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

/* numpy 1.24's np.save headers (printed by numpy itself) for
 * zeros((3,4), f4), array(5, i8), zeros((0,), bool), zeros((2,3,4), u1). */
static const char *const numpy_headers[4] = {
"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }                                                          \x0a",
"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (), }                                                              \x0a",
"\x93NUMPY\x01\x00v\x00{'descr': '|b1', 'fortran_order': False, 'shape': (0,), }                                                            \x0a",
"\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }                                                       \x0a",
};

/* The value the interchange tests put at flat index i for each dtype. */
static double val(NnDType dt, int64_t i)
{
    switch (dt) {
    case NN_BOOL: return i % 3 == 0;
    case NN_U8: return (double)(i * 37 % 256);
    case NN_I32: return (double)(i * 37 % 101 - 50);
    case NN_I64: return (double)(i * 37 % 101 - 50) * 1e12;
    default: return (double)i * 0.5 - 3.25;
    }
}

static NnTensor *filled(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    assert_non_null(t);
    for (int64_t i = 0; i < nn_tensor_numel(t); i++)
        nn_tensor_set_f64(t, i, val(dt, i));
    return t;
}

static void check_filled(const NnTensor *t, NnDType dt, int ndim, const int64_t *shape)
{
    assert_non_null(t);
    assert_int_equal(t->dtype, dt);
    check_shape(t, ndim, shape);
    for (int64_t i = 0; i < nn_tensor_numel(t); i++)
        if (nn_tensor_get_f64(t, i) != val(dt, i))
            fail_msg("%s element %lld: got %g want %g", nn_dtype_name(dt), (long long)i,
                     nn_tensor_get_f64(t, i), val(dt, i));
}

static void test_numpy_header_bytes(void **state)
{
    int64_t s34[2] = {3, 4}, s0[1] = {0}, s234[3] = {2, 3, 4};
    NnTensor *t[4] = {
        nn_tensor_new(CTX, NN_F32, 2, s34), nn_tensor_scalar_i64(CTX, NN_I64, 5),
        nn_tensor_new(CTX, NN_BOOL, 1, s0), nn_tensor_new(CTX, NN_U8, 3, s234),
    };
    const size_t sizes[4] = {176, 136, 128, 152};   /* numpy's file sizes */
    for (int k = 0; k < 4; k++) {
        char p[300];
        assert_int_equal(nn_npy_save(CTX, io_path(p, sizeof p, "h.npy"), t[k]), NN_OK);
        size_t n;
        unsigned char *b = io_slurp(p, &n);
        assert_int_equal(n, sizes[k]);
        assert_memory_equal(b, numpy_headers[k], 128);
        free(b);
        nn_tensor_unref(t[k]);
    }
}

static void test_roundtrip(void **state)
{
    const int64_t shapes[4][3] = {{0}, {7}, {2, 3, 4}, {0, 3}};
    const int nd[4] = {0, 1, 3, 2};
    for (NnDType dt = 0; dt < NN_NDTYPES; dt++)
        for (int k = 0; k < 4; k++) {
            NnTensor *t = filled(CTX, dt, nd[k], shapes[k]);
            char p[300];
            assert_int_equal(nn_npy_save(CTX, io_path(p, sizeof p, "r.npy"), t), NN_OK);
            NnTensor *r = nn_npy_load(CTX, p);
            check_filled(r, dt, nd[k], shapes[k]);
            nn_tensor_unref(r);
            nn_tensor_unref(t);
        }
}

/* A .npy image: version, header text (padded to 64 by the writer), data. */
static size_t mkimg(unsigned char *b, int major, const char *dict, const void *data, size_t n)
{
    size_t dl = strlen(dict), pre = major == 1 ? 10 : 12;
    size_t hl = dl + 1;
    hl += (64 - (pre + hl) % 64) % 64;
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)major;
    b[7] = 0;
    for (size_t k = 0; k < pre - 8; k++)
        b[8 + k] = (unsigned char)(hl >> (8 * k));
    memcpy(b + pre, dict, dl);
    memset(b + pre + dl, ' ', hl - dl - 1);
    b[pre + hl - 1] = '\n';
    memcpy(b + pre + hl, data, n);
    return pre + hl + n;
}

static NnTensor *load_img(void **state, const unsigned char *b, size_t n)
{
    char p[300];
    io_write(io_path(p, sizeof p, "v.npy"), b, n);
    return nn_npy_load(CTX, p);
}

static void test_header_spellings(void **state)
{
    const int32_t d[6] = {1, -2, 3, -4, 5, -6};
    const char *dicts[] = {
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'shape': (2, 3), 'descr': '<i4', 'fortran_order': False}",
        "{ \"fortran_order\" : False ,\"shape\":(2,3,),'descr':'<i4' , }",
        "{'descr': '=i4', 'fortran_order': False, 'shape': (2L, 3L)}",
    };
    unsigned char b[512];
    int64_t s[2] = {2, 3};
    for (int major = 1; major <= 3; major++)
        for (size_t k = 0; k < sizeof dicts / sizeof *dicts; k++) {
            NnTensor *t = load_img(state, b, mkimg(b, major, dicts[k], d, sizeof d));
            if (!t)
                fail_msg("%s: %s", dicts[k], nn_errmsg(CTX));
            check_close(t, (double[]){1, -2, 3, -4, 5, -6}, 6, 0, 0);
            check_shape(t, 2, s);
            nn_tensor_unref(t);
        }
}

static void test_byte_orders_and_order(void **state)
{
    unsigned char b[512];
    /* >f4 1.5, -2.0 ; >i8 -3 */
    const unsigned char bf[8] = {0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0};
    NnTensor *t = load_img(state, b, mkimg(b, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", bf, 8));
    assert_non_null(t);
    assert_int_equal(t->dtype, NN_F32);
    check_close(t, (double[]){1.5, -2.0}, 2, 0, 0);
    nn_tensor_unref(t);
    const unsigned char bi[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd};
    t = load_img(state, b, mkimg(b, 1, "{'descr': '>i8', 'fortran_order': False, 'shape': (), }", bi, 8));
    assert_non_null(t);
    assert_int_equal(t->ndim, 0);
    assert_int_equal(nn_tensor_get_i64(t, 0), -3);
    nn_tensor_unref(t);
    /* Fortran order: the (2, 3) array [[1 2 3] [4 5 6]] stored column by column */
    const double fo[6] = {1, 4, 2, 5, 3, 6};
    t = load_img(state, b, mkimg(b, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", fo, 48));
    assert_non_null(t);
    int64_t s[2] = {2, 3};
    check_shape(t, 2, s);
    check_close(t, (double[]){1, 2, 3, 4, 5, 6}, 6, 0, 0);
    nn_tensor_unref(t);
}

static void test_narrow_dtypes(void **state)
{
    unsigned char b[512];
    const struct { const char *descr; unsigned char data[8]; size_t n; NnDType dt; double want[2]; } c[] = {
        {"|i1", {0xff, 0x7f}, 2, NN_I32, {-1, 127}},
        {"<i2", {0x00, 0x80, 0x02, 0x01}, 4, NN_I32, {-32768, 258}},
        {"<u2", {0xff, 0xff, 0x01, 0x00}, 4, NN_I32, {65535, 1}},
        {"<u4", {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, 8, NN_I64, {4294967295.0, 0}},
        {"<f2", {0x00, 0x3c, 0x00, 0xc1}, 4, NN_F32, {1.0, -2.5}},
        {"<u1", {200, 3}, 2, NN_U8, {200, 3}},
        {"?", {0, 1}, 2, NN_BOOL, {0, 1}},
        {"|b1", {1, 0}, 2, NN_BOOL, {1, 0}},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (2,), }", c[k].descr);
        NnTensor *t = load_img(state, b, mkimg(b, 1, dict, c[k].data, c[k].n));
        if (!t)
            fail_msg("%s: %s", c[k].descr, nn_errmsg(CTX));
        assert_int_equal(t->dtype, c[k].dt);
        check_close(t, c[k].want, 2, 0, 0);
        nn_tensor_unref(t);
    }
}

typedef struct {
    void **state;
    int count;
} Corpus;

static void reject(Corpus *c, const unsigned char *b, size_t n)
{
    void **state = c->state;
    char p[300], name[32];
    snprintf(name, sizeof name, "bad%d.npy", c->count);
    io_write(io_path(p, sizeof p, name), b, n);
    io_check_rejected(CTX, nn_npy_load(CTX, p), p);
    unlink(p);
    c->count++;
}

static void corpus_bytes(Corpus *c)
{
    unsigned char b[512], v[48] = {0};
    size_t n = mkimg(b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", v, 48);
    for (size_t cut = 0; cut < n; cut += cut < 12 ? 1 : 5)
        reject(c, b, cut);
    for (int k = 0; k < 6; k++) {
        b[k] ^= 0x20;
        reject(c, b, n);
        b[k] ^= 0x20;
    }
    const unsigned char vers[4][2] = {{0, 0}, {4, 0}, {1, 1}, {2, 5}};
    for (int k = 0; k < 4; k++) {
        unsigned char save[2] = {b[6], b[7]};
        b[6] = vers[k][0];
        b[7] = vers[k][1];
        reject(c, b, n);
        b[6] = save[0];
        b[7] = save[1];
    }
    b[8] = b[9] = 0xff;   /* header length 65535 past the end */
    reject(c, b, n);
    unsigned char h2[16] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0xff, 0xff, '{'};
    reject(c, h2, sizeof h2);
    h2[11] = 0x7f;
    reject(c, h2, sizeof h2);
    h2[8] = 0x00;
    h2[9] = 0x00;
    h2[10] = 0x20;   /* 2 MiB header: over the limit */
    h2[11] = 0x00;
    reject(c, h2, sizeof h2);
}

static void corpus_dicts(Corpus *c)
{
    static const char *const dicts[] = {
        "{'fortran_order': False, 'shape': (2, 3), }",
        "{'descr': '<f8', 'shape': (2, 3), }",
        "{'descr': '<f8', 'fortran_order': False, }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
        "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}",
        "['descr', '<f8']",
        "",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (9999999999999, 9999999999999, 99999999)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 6)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 3)}",
        "{'descr': '<f8', 'fortran_order': 'yes', 'shape': (2, 3)}",
        "{'descr': '|O', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<O8', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<U5', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '|S10', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '|V8', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f16', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} extra",
        "{'descr' '<f8', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1000,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 4)}",
        "{'descr': '<i8', 'fortran_order': True, 'shape': (7,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)",
    };
    unsigned char b[512], v[48] = {0};
    for (int major = 1; major <= 3; major++)
        for (size_t k = 0; k < sizeof dicts / sizeof *dicts; k++)
            reject(c, b, mkimg(b, major, dicts[k], v, 48));
}

static void test_malformed_corpus(void **state)
{
    Corpus c = {state, 0};
    corpus_bytes(&c);
    corpus_dicts(&c);
    if (c.count < 100)
        fail_msg("only %d malformed files", c.count);
    unsigned char b[512], v[48] = {0};
    assert_null(load_img(state, b, mkimg(b, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", v, 16)));
    assert_int_equal(nn_status(CTX), NN_EFORMAT);
    assert_non_null(strstr(nn_errmsg(CTX), "object arrays are not supported: nnsh never unpickles"));
    assert_null(load_img(state, b, mkimg(b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (7,)}", v, 48)));
    assert_non_null(strstr(nn_errmsg(CTX), "data is 56 bytes but only 48 follow the header"));
}

static void test_npz(void **state)
{
    int64_t s2[2] = {2, 3}, s0[1] = {0};
    NnTensor *a = filled(CTX, NN_F32, 2, s2), *b = filled(CTX, NN_I64, 0, NULL);
    NnTensor *e = filled(CTX, NN_BOOL, 1, s0);
    const char *names[3] = {"a", "b", "empty"};
    const NnTensor *arr[3] = {a, b, e};
    for (int comp = 0; comp < 2; comp++) {
        char p[300];
        assert_int_equal(nn_npz_save(CTX, io_path(p, sizeof p, "z.npz"), 3, names, arr, comp), NN_OK);
        NnNpz *z = nn_npz_open(CTX, p);
        assert_non_null(z);
        assert_int_equal(nn_npz_count(z), 3);
        for (int i = 0; i < 3; i++)
            assert_string_equal(nn_npz_name(z, i), names[i]);
        assert_true(nn_npz_has(z, "a.npy"));
        assert_false(nn_npz_has(z, "c"));
        NnTensor *r = nn_npz_get(z, "a");
        check_filled(r, NN_F32, 2, s2);
        nn_tensor_unref(r);
        r = nn_npz_get(z, "b.npy");
        check_filled(r, NN_I64, 0, NULL);
        nn_tensor_unref(r);
        r = nn_npz_get(z, "empty");
        check_filled(r, NN_BOOL, 1, s0);
        nn_tensor_unref(r);
        assert_null(nn_npz_get(z, "c"));
        assert_int_equal(nn_status(CTX), NN_EINDEX);
        assert_string_equal(nn_errmsg(CTX), "c is not a file in the archive");
        nn_clear_error(CTX);
        nn_npz_close(z);
    }
    const char *dup[2] = {"a", "a"};
    const NnTensor *arr2[2] = {a, a};
    char p[300];
    assert_int_equal(nn_npz_save(CTX, io_path(p, sizeof p, "d.npz"), 2, dup, arr2, false), NN_EARG);
    nn_clear_error(CTX);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
    nn_tensor_unref(e);
}

static void test_npz_malformed(void **state)
{
    char p[300];
    unsigned char junk[100];
    for (int i = 0; i < 100; i++)
        junk[i] = (unsigned char)(i * 7);
    io_write(io_path(p, sizeof p, "junk.npz"), junk, sizeof junk);
    assert_null(nn_npz_open(CTX, p));
    assert_int_equal(nn_status(CTX), NN_EFORMAT);
    assert_non_null(strstr(nn_errmsg(CTX), p));
    nn_clear_error(CTX);
    assert_null(nn_npz_open(CTX, io_path(p, sizeof p, "none.npz")));
    assert_int_equal(nn_status(CTX), NN_EIO);
    nn_clear_error(CTX);
    /* a valid archive cut short, and one whose entry is not a .npy */
    int64_t s[1] = {1000};
    NnTensor *a = filled(CTX, NN_F64, 1, s);
    const char *names[1] = {"x"};
    const NnTensor *arr[1] = {a};
    assert_int_equal(nn_npz_save(CTX, io_path(p, sizeof p, "ok.npz"), 1, names, arr, true), NN_OK);
    nn_tensor_unref(a);
    size_t n;
    unsigned char *b = io_slurp(p, &n);
    for (size_t cut = 0; cut < n; cut += n / 17 + 1) {
        io_write(io_path(p, sizeof p, "cut.npz"), b, cut);
        NnNpz *z = nn_npz_open(CTX, p);
        NnTensor *t = z ? nn_npz_get(z, "x") : NULL;
        io_check_rejected(CTX, t, p);
        nn_npz_close(z);
    }
    b[n / 2] ^= 0xff;   /* corrupt the deflate stream: CRC or inflate error */
    io_write(io_path(p, sizeof p, "flip.npz"), b, n);
    NnNpz *z = nn_npz_open(CTX, p);
    assert_non_null(z);
    io_check_rejected(CTX, nn_npz_get(z, "x"), p);
    nn_npz_close(z);
    free(b);
}

static void test_alloc_failures(void **state)
{
    Fx *f = *state;
    int64_t s[2] = {3, 2};
    NnTensor *a = filled(CTX, NN_F64, 2, s);
    char p[300], q[300];
    const char *names[1] = {"x"};
    const NnTensor *arr[1] = {a};
    assert_int_equal(nn_npy_save(CTX, io_path(p, sizeof p, "f.npy"), a), NN_OK);
    assert_int_equal(nn_npz_save(CTX, io_path(q, sizeof q, "f.npz"), 1, names, arr, true), NN_OK);
    nn_tensor_unref(a);
    for (int which = 0; which < 3; which++)
        for (long k = 1;; k++) {
            f->ta.count = 0;
            f->ta.fail_at = k;
            NnTensor *t = NULL;
            NnNpz *z = NULL;
            if (which == 0) {
                t = nn_npy_load(CTX, p);
            } else if ((z = nn_npz_open(CTX, q))) {
                t = which == 2 ? nn_npz_get(z, "x") : NULL;
            }
            f->ta.fail_at = 0;
            bool ok = which == 1 ? z != NULL : t != NULL;
            nn_tensor_unref(t);
            nn_npz_close(z);
            if (ok)
                break;
            assert_int_equal(nn_status(CTX), NN_ENOMEM);
            assert_int_equal(nn_ctx_mem_used(CTX), 0);
            nn_clear_error(CTX);
        }
}

/* ---- numpy interchange ---- */

static const char *const dtnames[NN_NDTYPES] = {"bool", "uint8", "int32", "int64", "float32",
                                                "float64"};
static const int64_t ishape[4][3] = {{0}, {7}, {2, 3, 4}, {0, 3}};
static const int indim[4] = {0, 1, 3, 2};

/* numpy checks the files nnsh wrote (w_*), then writes its own (n_*). */
static const char check_py[] =
    "import numpy as np, sys, os\n"
    "d = sys.argv[1]\n"
    "def val(dt, shape):\n"
    "    i = np.arange(int(np.prod(shape)), dtype=np.int64)\n"
    "    v = {'bool': i % 3 == 0, 'uint8': i * 37 % 256, 'int32': i * 37 % 101 - 50,\n"
    "         'int64': (i * 37 % 101 - 50) * 10**12}.get(dt, i * 0.5 - 3.25)\n"
    "    return v.astype(dt).reshape(shape)\n"
    "shapes = [(), (7,), (2, 3, 4), (0, 3)]\n"
    "dts = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64']\n"
    "bad = []\n"
    "def check(name, a, want):\n"
    "    if a.dtype != want.dtype or a.shape != want.shape or not np.array_equal(a, want):\n"
    "        bad.append('%s: got %r %s, want %r %s' % (name, a, a.dtype, want, want.dtype))\n"
    "for dt in dts:\n"
    "    for k, s in enumerate(shapes):\n"
    "        n = 'w_%s_%d.npy' % (dt, k)\n"
    "        check(n, np.load(os.path.join(d, n)), val(dt, s))\n"
    "        np.save(os.path.join(d, 'n_%s_%d.npy' % (dt, k)), val(dt, s))\n"
    "for n in ['ws.npz', 'wc.npz']:\n"
    "    with np.load(os.path.join(d, n)) as z:\n"
    "        if z.files != ['a', 'b']: bad.append('%s: files %r' % (n, z.files))\n"
    "        check(n + ':a', z['a'], val('float32', (2, 3, 4)))\n"
    "        check(n + ':b', z['b'], val('int64', (7,)))\n"
    "np.save(os.path.join(d, 'n_be.npy'), val('float64', (2, 3)).astype('>f8'))\n"
    "np.save(os.path.join(d, 'n_bei.npy'), val('int32', (2, 3)).astype('>i4'))\n"
    "np.save(os.path.join(d, 'n_f.npy'), np.asfortranarray(val('int32', (2, 3, 4))))\n"
    "for v in (2, 3):\n"
    "    with open(os.path.join(d, 'n_v%d.npy' % v), 'wb') as f:\n"
    "        np.lib.format.write_array(f, val('float32', (2, 3, 4)), version=(v, 0))\n"
    "np.savez(os.path.join(d, 'n_s.npz'), val('float32', (2, 3, 4)), b=val('int64', (7,)))\n"
    "np.savez_compressed(os.path.join(d, 'n_c.npz'), a=val('float32', (2, 3, 4)), b=val('int64', (7,)))\n"
    "if bad: print('\\n'.join(bad))\n"
    "sys.exit(1 if bad else 0)\n";

static bool have_numpy(char *py, size_t size)
{
    const char *env = getenv("PYTHON3");
    snprintf(py, size, "%s", env && *env ? env : "/usr/bin/python3");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "'%s' -c 'import numpy' >/dev/null 2>&1", py);
    return access(py, X_OK) == 0 && system(cmd) == 0;
}

static void write_for_numpy(void **state)
{
    char p[300], name[64];
    for (NnDType dt = 0; dt < NN_NDTYPES; dt++)
        for (int k = 0; k < 4; k++) {
            NnTensor *t = filled(CTX, dt, indim[k], ishape[k]);
            snprintf(name, sizeof name, "w_%s_%d.npy", dtnames[dt], k);
            assert_int_equal(nn_npy_save(CTX, io_path(p, sizeof p, name), t), NN_OK);
            nn_tensor_unref(t);
        }
    int64_t s7[1] = {7};
    NnTensor *a = filled(CTX, NN_F32, 3, ishape[2]), *b = filled(CTX, NN_I64, 1, s7);
    const char *names[2] = {"a", "b"};
    const NnTensor *arr[2] = {a, b};
    assert_int_equal(nn_npz_save(CTX, io_path(p, sizeof p, "ws.npz"), 2, names, arr, false), NN_OK);
    assert_int_equal(nn_npz_save(CTX, io_path(p, sizeof p, "wc.npz"), 2, names, arr, true), NN_OK);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
}

static void read_from_numpy(void **state)
{
    char p[300], name[64];
    for (NnDType dt = 0; dt < NN_NDTYPES; dt++)
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "n_%s_%d.npy", dtnames[dt], k);
            NnTensor *t = nn_npy_load(CTX, io_path(p, sizeof p, name));
            check_filled(t, dt, indim[k], ishape[k]);
            nn_tensor_unref(t);
        }
    int64_t s23[2] = {2, 3}, s7[1] = {7};
    const struct { const char *f; NnDType dt; int nd; const int64_t *s; } c[] = {
        {"n_be.npy", NN_F64, 2, s23}, {"n_bei.npy", NN_I32, 2, s23},
        {"n_f.npy", NN_I32, 3, ishape[2]}, {"n_v2.npy", NN_F32, 3, ishape[2]},
        {"n_v3.npy", NN_F32, 3, ishape[2]},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        NnTensor *t = nn_npy_load(CTX, io_path(p, sizeof p, c[k].f));
        if (!t)
            fail_msg("%s", nn_errmsg(CTX));
        check_filled(t, c[k].dt, c[k].nd, c[k].s);
        nn_tensor_unref(t);
    }
    const char *first[2] = {"arr_0", "a"};
    for (int k = 0; k < 2; k++) {
        NnNpz *z = nn_npz_open(CTX, io_path(p, sizeof p, k ? "n_c.npz" : "n_s.npz"));
        assert_non_null(z);
        assert_int_equal(nn_npz_count(z), 2);
        assert_true(nn_npz_has(z, first[k]));   /* numpy puts keyword arrays first */
        NnTensor *t = nn_npz_get(z, first[k]);
        check_filled(t, NN_F32, 3, ishape[2]);
        nn_tensor_unref(t);
        t = nn_npz_get(z, "b");
        check_filled(t, NN_I64, 1, s7);
        nn_tensor_unref(t);
        nn_npz_close(z);
    }
}

static void test_numpy_interchange(void **state)
{
    char py[256], p[300], cmd[1024];
    if (!have_numpy(py, sizeof py))
        skip();
    write_for_numpy(state);
    io_write(io_path(p, sizeof p, "check.py"), check_py, sizeof check_py - 1);
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, p, io_dir);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("numpy rejected files nnsh wrote (exit %d)", WEXITSTATUS(rc));
    read_from_numpy(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numpy_header_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_byte_orders_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narrow_dtypes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npz_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numpy_interchange, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
