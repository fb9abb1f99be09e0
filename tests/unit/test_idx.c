/* test_idx.c - IDX files: hand-made images of every element type, raw and
 * gzipped; save/load round trips; a generated corpus of malformed files
 * (truncations at every header offset, bad magic, overflowing dimension
 * products, sizes past the end, gzip streams that stop early or inflate
 * past the declared size); allocation failures; the real Fashion-MNIST
 * when the Debian package is installed.
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

/* A (2, 3, 4) uint8 image: values 0..23. */
static size_t img_u8(unsigned char *b)
{
    const unsigned char head[16] = {0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
    memcpy(b, head, 16);
    for (int i = 0; i < 24; i++)
        b[16 + i] = (unsigned char)i;
    return 40;
}

static void test_u8_raw_and_gz(void **state)
{
    unsigned char b[64];
    char p[300], q[300];
    size_t n = img_u8(b);
    io_write(io_path(p, sizeof p, "a.idx"), b, n);
    io_write_gz(io_path(q, sizeof q, "a.idx.gz"), b, n);
    const char *paths[2] = {p, q};
    for (int k = 0; k < 2; k++) {
        NnTensor *t = nn_idx_load(CTX, paths[k]);
        assert_non_null(t);
        int64_t s[3] = {2, 3, 4};
        check_shape(t, 3, s);
        assert_int_equal(t->dtype, NN_U8);
        for (int i = 0; i < 24; i++)
            assert_int_equal(nn_tensor_get_i64(t, i), i);
        nn_tensor_unref(t);
    }
}

/* One element type: header + big-endian bytes, and the values expected. */
static void check_type(void **state, unsigned code, const unsigned char *data, size_t nbytes,
                       int n, NnDType dt, const double *want)
{
    unsigned char b[128] = {0, 0, (unsigned char)code, 1, 0, 0, 0, (unsigned char)n};
    memcpy(b + 8, data, nbytes);
    char p[300];
    io_write_gz(io_path(p, sizeof p, "t.gz"), b, 8 + nbytes);
    NnTensor *t = nn_idx_load(CTX, p);
    assert_non_null(t);
    assert_int_equal(t->dtype, dt);
    int64_t s[1] = {n};
    check_shape(t, 1, s);
    check_close(t, want, n, 0, 0);
    nn_tensor_unref(t);
}

static void test_element_types(void **state)
{
    const unsigned char i8[3] = {0x7f, 0x80, 0xff};
    check_type(state, 0x09, i8, 3, 3, NN_I32, (double[]){127, -128, -1});
    const unsigned char i16[6] = {0x01, 0x02, 0xff, 0xfe, 0x80, 0x00};
    check_type(state, 0x0B, i16, 6, 3, NN_I32, (double[]){258, -2, -32768});
    const unsigned char i32[8] = {0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfd};
    check_type(state, 0x0C, i32, 8, 2, NN_I32, (double[]){65536, -3});
    const unsigned char f32[8] = {0x3f, 0xc0, 0, 0, 0xc2, 0x28, 0, 0};   /* 1.5, -42 */
    check_type(state, 0x0D, f32, 8, 2, NN_F32, (double[]){1.5, -42});
    const unsigned char f64[8] = {0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18}; /* pi */
    check_type(state, 0x0E, f64, 8, 1, NN_F64, (double[]){3.141592653589793});
}

static void test_save_roundtrip(void **state)
{
    const NnDType dts[4] = {NN_U8, NN_I32, NN_F32, NN_F64};
    int64_t s[2] = {3, 5};
    double v[15];
    for (int i = 0; i < 15; i++)
        v[i] = i * 7 % 11 - (i > 7 ? 3 : 0);
    for (int k = 0; k < 8; k++) {
        NnDType dt = dts[k % 4];
        double w[15];
        for (int i = 0; i < 15; i++)
            w[i] = dt == NN_U8 ? (double)(uint8_t)(int)v[i] : v[i] + (nn_dtype_is_float(dt) ? 0.25 : 0);
        NnTensor *t = mk(CTX, dt, 2, s, w);
        char p[300];
        io_path(p, sizeof p, k < 4 ? "r.idx" : "r.idx.gz");
        assert_int_equal(nn_idx_save(CTX, p, t, k >= 4), NN_OK);
        NnTensor *r = nn_idx_load(CTX, p);
        assert_non_null(r);
        assert_int_equal(r->dtype, dt);
        check_shape(r, 2, s);
        check_close(r, w, 15, 0, 0);
        nn_tensor_unref(r);
        nn_tensor_unref(t);
    }
    /* the written header is the IDX one: 00 00 0D 02, dims big-endian */
    size_t n;
    char p[300];
    NnTensor *t = nn_tensor_full(CTX, NN_F32, 2, s, 1.0);
    assert_int_equal(nn_idx_save(CTX, io_path(p, sizeof p, "h.idx"), t, false), NN_OK);
    unsigned char *b = io_slurp(p, &n);
    const unsigned char want[16] = {0, 0, 0x0D, 2, 0, 0, 0, 3, 0, 0, 0, 5, 0x3f, 0x80, 0, 0};
    assert_int_equal(n, 12 + 15 * 4);
    assert_memory_equal(b, want, 16);
    free(b);
    nn_tensor_unref(t);
}

typedef struct {
    void **state;
    int count;
} Corpus;

static void reject(Corpus *c, const char *name, const void *b, size_t n, bool gz)
{
    void **state = c->state;
    char p[300];
    io_path(p, sizeof p, name);
    if (gz)
        io_write_gz(p, b, n);
    else
        io_write(p, b, n);
    io_check_rejected(CTX, nn_idx_load(CTX, p), p);
    unlink(p);
    c->count++;
}

/* Header (type, dims) followed by `data` bytes of 0x11. */
static size_t hdr(unsigned char *b, unsigned type, int ndim, const uint32_t *dims, size_t data)
{
    b[0] = b[1] = 0;
    b[2] = (unsigned char)type;
    b[3] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++)
        for (int k = 0; k < 4; k++)
            b[4 + 4 * i + k] = (unsigned char)(dims[i] >> (24 - 8 * k));
    memset(b + 4 + 4 * ndim, 0x11, data);
    return 4 + 4 * (size_t)ndim + data;
}

static void corpus_truncations(Corpus *c)
{
    unsigned char b[64];
    char name[64];
    size_t n = img_u8(b);
    for (size_t cut = 0; cut < n; cut++) {
        snprintf(name, sizeof name, "trunc%zu", cut);
        reject(c, name, b, cut, false);
        snprintf(name, sizeof name, "trunc%zu.gz", cut);
        reject(c, name, b, cut, true);
    }
    /* the gzip file itself cut at every byte (inside header, stream, trailer) */
    char p[300];
    io_write_gz(io_path(p, sizeof p, "full.gz"), b, n);
    void **state = c->state;
    size_t zn;
    unsigned char *z = io_slurp(p, &zn);
    for (size_t cut = 2; cut < zn; cut++) {
        snprintf(name, sizeof name, "zcut%zu.gz", cut);
        reject(c, name, z, cut, false);
    }
    /* a flipped byte in the deflate stream or the CRC */
    for (size_t at = 10; at < zn; at += 3) {
        z[at] ^= 0x5a;
        snprintf(name, sizeof name, "zflip%zu.gz", at);
        io_write(io_path(p, sizeof p, name), z, zn);
        NnTensor *t = nn_idx_load(CTX, p);
        if (t) {   /* a flip may still inflate to a valid image: then it is one */
            nn_tensor_unref(t);
        } else {
            io_check_rejected(CTX, NULL, p);
            c->count++;
        }
        z[at] ^= 0x5a;
    }
    free(z);
}

static void corpus_headers(Corpus *c)
{
    unsigned char b[256];
    uint32_t d3[3] = {2, 3, 4};
    const unsigned bad_types[6] = {0x00, 0x07, 0x0A, 0x0F, 0x10, 0xFF};
    char name[64];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "type%02x", bad_types[i]);
        reject(c, name, b, hdr(b, bad_types[i], 3, d3, 24), i % 2);
    }
    const int bad_ndim[3] = {0, 9, 255};
    for (int i = 0; i < 3; i++) {
        size_t n = hdr(b, 0x08, 3, d3, 24);
        b[3] = (unsigned char)bad_ndim[i];
        snprintf(name, sizeof name, "ndim%d", bad_ndim[i]);
        reject(c, name, b, n, i == 1);
    }
    for (int k = 0; k < 2; k++) {
        size_t n = hdr(b, 0x08, 3, d3, 24);
        b[k] = 1;   /* magic's leading zero bytes */
        reject(c, k ? "magic1" : "magic0", b, n, k);
    }
    memcpy(b, "\x89PNG\r\n\x1a\n", 8);
    reject(c, "png", b, 40, false);
}

static void corpus_sizes(Corpus *c)
{
    unsigned char b[256];
    const uint32_t huge3[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    const uint32_t big8[8] = {65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536};
    const uint32_t two[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    const uint32_t mnist[3] = {60000, 28, 28};
    const uint32_t more[3] = {2, 3, 5};
    const uint32_t d3[3] = {2, 3, 4};
    for (int gz = 0; gz < 2; gz++) {
        reject(c, "ovf3", b, hdr(b, 0x0E, 3, huge3, 16), gz);
        reject(c, "ovf8", b, hdr(b, 0x08, 8, big8, 16), gz);
        reject(c, "ovf2", b, hdr(b, 0x0D, 2, two, 16), gz);
        reject(c, "u8big", b, hdr(b, 0x08, 2, two, 16), gz);
        reject(c, "mnist", b, hdr(b, 0x08, 3, mnist, 100), gz);
        reject(c, "short", b, hdr(b, 0x08, 3, more, 24), gz);
        reject(c, "short32", b, hdr(b, 0x0C, 3, d3, 95), gz);
        reject(c, "long", b, hdr(b, 0x08, 3, d3, 25), gz);      /* gz: inflates past */
        reject(c, "long64", b, hdr(b, 0x0E, 3, d3, 24 * 8 + 7), gz);
    }
    void **state = c->state;
    char p[300];
    io_check_rejected(CTX, nn_idx_load(CTX, io_path(p, sizeof p, "missing")), p);
    io_check_rejected(CTX, nn_idx_load(CTX, io_dir), io_dir);
    c->count += 2;
}

static void test_malformed_corpus(void **state)
{
    Corpus c = {state, 0};
    corpus_truncations(&c);
    corpus_headers(&c);
    corpus_sizes(&c);
    if (c.count < 100)
        fail_msg("only %d malformed files", c.count);
}

static void test_messages(void **state)
{
    unsigned char b[64];
    char p[300];
    const uint32_t d3[3] = {2, 3, 4};
    io_write_gz(io_path(p, sizeof p, "x.gz"), b, hdr(b, 0x08, 3, d3, 30));
    assert_null(nn_idx_load(CTX, p));
    assert_int_equal(nn_status(CTX), NN_EFORMAT);
    assert_non_null(strstr(nn_errmsg(CTX), "inflates past the 24 data bytes"));
    io_write_gz(p, b, hdr(b, 0x08, 3, d3, 20));
    assert_null(nn_idx_load(CTX, p));
    assert_non_null(strstr(nn_errmsg(CTX), "ends after 20 of the 24 data bytes"));
    io_write(p, b, hdr(b, 0x08, 3, d3, 20));
    assert_null(nn_idx_load(CTX, p));
    assert_non_null(strstr(nn_errmsg(CTX), "declares 24 data bytes but the file has 20"));
    io_write(p, b, 3);
    assert_null(nn_idx_load(CTX, p));
    assert_non_null(strstr(nn_errmsg(CTX), "truncated IDX header"));
}

static void test_alloc_failures(void **state)
{
    Fx *f = *state;
    unsigned char b[64];
    char p[300];
    io_write_gz(io_path(p, sizeof p, "a.gz"), b, img_u8(b));
    for (long k = 1;; k++) {
        f->ta.count = 0;
        f->ta.fail_at = k;
        NnTensor *t = nn_idx_load(CTX, p);
        f->ta.fail_at = 0;
        if (t) {
            nn_tensor_unref(t);
            break;
        }
        assert_int_equal(nn_status(CTX), NN_ENOMEM);
        assert_int_equal(nn_ctx_mem_used(CTX), 0);
        nn_clear_error(CTX);
    }
}

static void test_fashion_mnist(void **state)
{
    const char *dir = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz";
    if (access(dir, R_OK) != 0)
        skip();
    NnTensor *y = nn_idx_load(CTX, dir);
    assert_non_null(y);
    int64_t s[1] = {60000};
    check_shape(y, 1, s);
    int64_t count[10] = {0};
    for (int64_t i = 0; i < 60000; i++)
        count[nn_tensor_get_i64(y, i)]++;
    for (int k = 0; k < 10; k++)   /* Fashion-MNIST: 6000 of each class */
        assert_int_equal(count[k], 6000);
    assert_int_equal(nn_tensor_get_i64(y, 0), 9);   /* the first item is an ankle boot */
    nn_tensor_unref(y);
    NnTensor *x = nn_idx_load(CTX, "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    assert_non_null(x);
    int64_t sx[3] = {10000, 28, 28};
    check_shape(x, 3, sx);
    assert_int_equal(x->dtype, NN_U8);
    nn_tensor_unref(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_u8_raw_and_gz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_element_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fashion_mnist, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
