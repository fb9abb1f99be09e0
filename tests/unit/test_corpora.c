/* test_corpora.c - malformed-file corpora generated on the fly, beyond what
 * test_idx.c and test_npy.c already cover (IDX/gz headers and .npy headers):
 *   - model files: a small model cut at every byte offset, and every byte of
 *     its header regions (the first 256 bytes: zip local header and the
 *     start of config.json; the last 128: central directory and end record)
 *     changed two ways;
 *   - .npz: an archive of two arrays cut at every byte offset, and every
 *     byte of its header regions changed;
 *   - CSV: every field of a table replaced by text, every row short of a
 *     field, every byte offset of truncation, NUL bytes and a 1 MiB line.
 * Each file must be rejected with NN_EFORMAT/NN_EIO and a message naming
 * the file (CSV: naming the line and column, computed here from where the
 * damage was put), or - when the change cannot matter, e.g. a timestamp -
 * load with exactly the original contents; in under 100 ms each, with the
 * lib memory limit at 64 MiB.  Counts per format are printed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "nn.h"
#include "io_test_util.h"

#define MAX_MS 100.0
static NnCtx *ctx_;
static double worst_ms;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: the machine is shared */
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void timed(double t0, const char *what)
{
    double ms = now_ms() - t0;
    if (ms > worst_ms)
        worst_ms = ms;
    if (ms > MAX_MS)
        fail_msg("%s took %.1f ms", what, ms);
}

static void expect_rejected(const char *path, const char *what)
{
    NnStatus st = nn_status(ctx_);
    if (st != NN_EFORMAT && st != NN_EIO)
        fail_msg("%s: status %d (%s)", what, (int)st, nn_errmsg(ctx_));
    if (!strstr(nn_errmsg(ctx_), path))
        fail_msg("%s: the message does not name the file: %s", what, nn_errmsg(ctx_));
    nn_clear_error(ctx_);
}

static int setup(void **state)
{
    (void)state;
    io_dir_make();
    ctx_ = nn_ctx_new();
    nn_ctx_set_threads(ctx_, 1);
    nn_ctx_set_mem_limit(ctx_, (size_t)64 << 20);
    nn_rng_seed(ctx_, 3);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(nn_ctx_mem_used(ctx_), 0);
    nn_ctx_free(ctx_);
    io_dir_remove();
    return 0;
}

/* ---------------------------------------------------------------- models */

static NnModel *small_model(void)
{
    NnModel *m = nn_model_new(ctx_);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 3;
    c.activation = NN_ACT_RELU;
    assert_int_equal(nn_model_add(ctx_, m, &c), NN_OK);
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    assert_int_equal(nn_model_add(ctx_, m, &c), NN_OK);
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 2;
    c.activation = NN_ACT_SOFTMAX;
    assert_int_equal(nn_model_add(ctx_, m, &c), NN_OK);
    assert_int_equal(nn_model_build(ctx_, m, 1, (int64_t[]){ 4 }), NN_OK);
    NnOptimConfig o;
    NnLossConfig l;
    nn_optim_config_init(&o, NN_OPT_ADAM);
    nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
    assert_int_equal(nn_model_compile(ctx_, m, &o, &l, NULL, 0), NN_OK);
    return m;
}

static bool same_model(const NnModel *a, const NnModel *b)
{
    if (nn_model_nlayers(a) != nn_model_nlayers(b))
        return false;
    for (int i = 0; i < nn_model_nlayers(a); i++) {
        if (nn_model_layer_nweights(a, i) != nn_model_layer_nweights(b, i))
            return false;
        for (int j = 0; j < nn_model_layer_nweights(a, i); j++) {
            bool tr;
            int nd, nd2;
            int64_t sh[NN_MAXDIM], sh2[NN_MAXDIM], n = 1;
            nn_model_weight_info(a, i, j, &tr, &nd, sh);
            nn_model_weight_info(b, i, j, &tr, &nd2, sh2);
            if (nd != nd2 || memcmp(sh, sh2, sizeof(int64_t) * (size_t)nd))
                return false;
            for (int d = 0; d < nd; d++)
                n *= sh[d];
            if (memcmp(nn_model_weight_data(a, i, j), nn_model_weight_data(b, i, j),
                       (size_t)n * sizeof(float)))
                return false;
        }
    }
    return true;
}

/* Loads path: rejected, or loaded equal to ref.  Returns true if loaded. */
static bool check_model_file(const char *path, const NnModel *ref, const char *what)
{
    double t0 = now_ms();
    NnModel *m = nn_model_load(ctx_, path);
    timed(t0, what);
    if (!m) {
        expect_rejected(path, what);
        return false;
    }
    if (!same_model(m, ref))
        fail_msg("%s: loaded with different weights", what);
    nn_model_free(m);
    return true;
}

static void test_model_truncated(void **state)
{
    (void)state;
    char p[300], q[300], what[64];
    NnModel *ref = small_model();
    assert_int_equal(nn_model_save(ctx_, ref, io_path(p, sizeof p, "m.nnz")), NN_OK);
    size_t n;
    unsigned char *b = io_slurp(p, &n);
    io_path(q, sizeof q, "cut.nnz");
    for (size_t cut = 0; cut < n; cut++) {
        io_write(q, b, cut);
        snprintf(what, sizeof what, "model cut at %zu of %zu", cut, n);
        if (check_model_file(q, ref, what))
            fail_msg("%s: a truncated model loaded", what);
    }
    io_write(q, b, n);
    assert_true(check_model_file(q, ref, "the whole model"));
    printf("model files truncated: %zu (every offset), worst %.1f ms\n", n, worst_ms);
    free(b);
    nn_model_free(ref);
}

/* Every byte of [lo, hi) changed to b ^ 0xff and to b + 1. */
static int mutate_region(const unsigned char *b, size_t n, size_t lo, size_t hi,
                         const char *q, bool (*check)(const char *, const void *, const char *),
                         const void *ref, const char *kind, int *loaded)
{
    unsigned char *c = malloc(n);
    char what[80];
    int files = 0;
    for (size_t i = lo; i < hi && i < n; i++) {
        for (int k = 0; k < 2; k++) {
            memcpy(c, b, n);
            c[i] = k ? (unsigned char)(b[i] + 1) : (unsigned char)(b[i] ^ 0xff);
            io_write(q, c, n);
            snprintf(what, sizeof what, "%s byte %zu changed to 0x%02x", kind, i, c[i]);
            *loaded += check(q, ref, what);
            files++;
        }
    }
    free(c);
    return files;
}

static bool check_model_cb(const char *path, const void *ref, const char *what)
{
    return check_model_file(path, ref, what);
}

static void test_model_header_bytes(void **state)
{
    (void)state;
    char p[300], q[300];
    NnModel *ref = small_model();
    assert_int_equal(nn_model_save(ctx_, ref, io_path(p, sizeof p, "m.nnz")), NN_OK);
    size_t n;
    unsigned char *b = io_slurp(p, &n);
    io_path(q, sizeof q, "flip.nnz");
    int loaded = 0;
    int files = mutate_region(b, n, 0, 256, q, check_model_cb, ref, "model", &loaded);
    files += mutate_region(b, n, n > 128 ? n - 128 : 0, n, q, check_model_cb, ref, "model", &loaded);
    printf("model files with a changed header byte: %d (%d harmless: loaded equal)\n", files, loaded);
    free(b);
    nn_model_free(ref);
}

/* ---------------------------------------------------------------- npz */

typedef struct {
    NnTensor *a, *b;
} NpzRef;

static bool same_tensor(const NnTensor *x, const NnTensor *y)
{
    return x->dtype == y->dtype && nn_shape_equal(x, y) &&
           memcmp(nn_tensor_data(x), nn_tensor_data(y),
                  (size_t)nn_tensor_numel(x) * nn_dtype_size(x->dtype)) == 0;
}

static bool check_npz_file(const char *path, const void *refp, const char *what)
{
    const NpzRef *ref = refp;
    double t0 = now_ms();
    NnNpz *z = nn_npz_open(ctx_, path);
    NnTensor *a = z ? nn_npz_get(z, "a") : NULL;
    NnTensor *b = a ? nn_npz_get(z, "b") : NULL;
    nn_npz_close(z);
    timed(t0, what);
    if (!a || !b) {
        nn_tensor_unref(a);
        if (nn_status(ctx_) == NN_EINDEX)   /* a changed entry name: the entry is not there */
            nn_clear_error(ctx_);
        else
            expect_rejected(path, what);
        return false;
    }
    if (!same_tensor(a, ref->a) || !same_tensor(b, ref->b))
        fail_msg("%s: loaded different data", what);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
    return true;
}

static void npz_case(bool compress)
{
    char p[300], q[300], what[64];
    NpzRef ref;
    ref.a = nn_random_uniform(ctx_, NN_F32, 2, (int64_t[]){ 3, 4 }, -1, 1);
    ref.b = nn_arange(ctx_, 0, 10, 1, NN_I64);
    const char *names[] = { "a", "b" };
    const NnTensor *arrs[] = { ref.a, ref.b };
    assert_int_equal(nn_npz_save(ctx_, io_path(p, sizeof p, "z.npz"), 2, names, arrs, compress), NN_OK);
    size_t n;
    unsigned char *b = io_slurp(p, &n);
    io_path(q, sizeof q, "bad.npz");
    for (size_t cut = 0; cut < n; cut++) {
        io_write(q, b, cut);
        snprintf(what, sizeof what, "npz cut at %zu of %zu", cut, n);
        if (check_npz_file(q, &ref, what))
            fail_msg("%s: a truncated archive loaded", what);
    }
    int loaded = 0;
    int files = mutate_region(b, n, 0, 160, q, check_npz_file, &ref, "npz", &loaded);
    files += mutate_region(b, n, n > 160 ? n - 160 : 0, n, q, check_npz_file, &ref, "npz", &loaded);
    printf("npz (%s) files: %zu truncated, %d with a changed header byte (%d loaded equal)\n",
           compress ? "deflated" : "stored", n, files, loaded);
    free(b);
    nn_tensor_unref(ref.a);
    nn_tensor_unref(ref.b);
}

static void test_npz_corpus(void **state)
{
    (void)state;
    npz_case(false);
    npz_case(true);
}

/* ---------------------------------------------------------------- CSV */

#define ROWS 6
#define COLS 4

static void table_text(char *buf, size_t size, int bad_row, int bad_col, int short_row)
{
    size_t l = 0;
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            if (r == short_row && c == COLS - 1)
                break;
            const char *sep = c ? "," : "";
            if (r == bad_row && c == bad_col)
                l += (size_t)snprintf(buf + l, size - l, "%sx%d", sep, c);
            else
                l += (size_t)snprintf(buf + l, size - l, "%s%d.%d", sep, r * 10 + c, c + 1);
        }
        l += (size_t)snprintf(buf + l, size - l, "\n");
    }
}

static NnTensor *csv_load(const char *path, const char *what)
{
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = ",";
    double t0 = now_ms();
    NnTensor *t = nn_text_load(ctx_, path, &o, NULL, NULL);
    timed(t0, what);
    return t;
}

static void expect_csv_error(const char *path, const char *want, const char *what)
{
    NnTensor *t = csv_load(path, what);
    if (t)
        fail_msg("%s: loaded", what);
    if (nn_status(ctx_) != NN_EFORMAT || strcmp(nn_errmsg(ctx_), want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", what, nn_errmsg(ctx_), want);
    nn_clear_error(ctx_);
}

static void test_csv_corpus(void **state)
{
    (void)state;
    char p[300], text[4096], want[512], what[64];
    int files = 0;
    io_path(p, sizeof p, "t.csv");
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            table_text(text, sizeof text, r, c, -1);
            io_write(p, text, strlen(text));
            snprintf(want, sizeof want, "%s:%d:%d: could not convert string 'x%d' to float64",
                     p, r + 1, c + 1, c);
            snprintf(what, sizeof what, "csv field %d,%d", r, c);
            expect_csv_error(p, want, what);
            files++;
        }
        if (r > 0) {
            table_text(text, sizeof text, -1, -1, r);
            io_write(p, text, strlen(text));
            snprintf(want, sizeof want, "%s:%d: the number of columns changed from %d to %d; "
                     "use usecols to select a subset", p, r + 1, COLS, COLS - 1);
            expect_csv_error(p, want, "csv short row");
            files++;
        }
    }
    /* truncation at every offset: rows before the cut load; a cut inside
     * the last row leaves fewer fields (an error naming that line) or a
     * shorter last number (loads) */
    table_text(text, sizeof text, -1, -1, -1);
    size_t n = strlen(text);
    for (size_t cut = 1; cut < n; cut++) {
        io_write(p, text, cut);
        snprintf(what, sizeof what, "csv cut at %zu", cut);
        int line = 1, fields = 1;
        for (size_t i = 0; i < cut; i++) {
            if (text[i] == '\n' && i + 1 < cut) {
                line++;
                fields = 1;
            } else if (text[i] == ',') {
                fields++;
            }
        }
        /* the first row sets the number of columns */
        bool partial = text[cut - 1] != '\n' && fields < COLS && line > 1;
        bool dangling = text[cut - 1] == ',';
        if (partial || dangling) {
            NnTensor *t = csv_load(p, what);
            if (t)
                fail_msg("%s: loaded a partial row", what);
            if (!strstr(nn_errmsg(ctx_), p) || nn_status(ctx_) != NN_EFORMAT)
                fail_msg("%s: %s", what, nn_errmsg(ctx_));
            char at[32];
            snprintf(at, sizeof at, ":%d:", line);
            if (!strstr(nn_errmsg(ctx_), at))
                fail_msg("%s: the error does not name line %d: %s", what, line, nn_errmsg(ctx_));
            nn_clear_error(ctx_);
        } else {
            NnTensor *t = csv_load(p, what);
            if (!t)
                fail_msg("%s: %s", what, nn_errmsg(ctx_));
            int64_t rows = t->ndim == 2 ? t->shape[0] : line == 1 ? 1 : t->shape[0];
            if (rows != line)
                fail_msg("%s: %lld rows, want %d", what, (long long)rows, line);
            nn_tensor_unref(t);
        }
        files++;
    }
    /* a NUL byte inside a number, and a 1 MiB line of one number per field */
    memcpy(text, "1,2\n3,\0004\n", 10);
    io_write(p, text, 10);
    NnTensor *t = csv_load(p, "csv NUL");
    if (t)
        fail_msg("a NUL byte loaded");
    expect_rejected(p, "csv NUL");
    files++;
    size_t big = (size_t)1 << 20;
    char *line = malloc(big + 2);
    for (size_t i = 0; i < big; i += 2) {
        line[i] = '7';
        line[i + 1] = ',';
    }
    line[big - 1] = '\n';
    io_write(p, line, big);
    t = csv_load(p, "csv 1 MiB line");
    assert_non_null(t);
    assert_int_equal(nn_tensor_numel(t), (int64_t)(big / 2));
    nn_tensor_unref(t);
    free(line);
    files++;
    printf("csv files: %d\n", files);
}

/* ---------------------------------------------------------------- odd paths */

static bool always(void *ud)
{
    (void)ud;
    return true;
}

/* A directory where a file is expected, a save into a missing directory, a
 * uint64 too large for int64, and a large load interrupted: each a clean
 * error naming the file. */
static void test_odd_paths(void **state)
{
    (void)state;
    char dir[300], missing[300], p[300];
    io_path(dir, sizeof dir, "");
    io_path(missing, sizeof missing, "no/such/dir/x");
    NnTensor *t = nn_arange(ctx_, 0, 5, 1, NN_F32);
    assert_null(nn_npy_load(ctx_, dir));
    expect_rejected(dir, "npy of a directory");
    assert_null(nn_idx_load(ctx_, dir));
    expect_rejected(dir, "idx of a directory");
    assert_null(nn_model_load(ctx_, dir));
    expect_rejected(dir, "model of a directory");
    assert_int_equal(nn_npy_save(ctx_, missing, t), NN_EIO);
    expect_rejected(missing, "npy save into a missing directory");
    const char *names[] = { "t" };
    const NnTensor *arrs[] = { t };
    assert_int_equal(nn_npz_save(ctx_, missing, 1, names, arrs, false), NN_EIO);
    expect_rejected(missing, "npz save into a missing directory");
    assert_int_equal(nn_idx_save(ctx_, missing, t, false), NN_EIO);
    expect_rejected(missing, "idx save into a missing directory");
    assert_int_equal(nn_text_save(ctx_, missing, t, "%g", " "), NN_EIO);
    expect_rejected(missing, "savetxt into a missing directory");
    /* <u8 holding 2**63: numpy's uint64 does not fit nnsh's int64 */
    unsigned char npy[128 + 8];
    const char *h = "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }";
    memset(npy, ' ', 128);
    memcpy(npy, "\x93NUMPY\x01\x00\x76\x00", 10);
    memcpy(npy + 10, h, strlen(h));
    npy[127] = '\n';
    memset(npy + 128, 0, 8);
    npy[135] = 0x80;
    io_write(io_path(p, sizeof p, "u8.npy"), npy, sizeof npy);
    assert_null(nn_npy_load(ctx_, p));
    expect_rejected(p, "uint64 2**63");
    /* a 20 MiB .npy, IDX and a long table, loaded with the interrupt hook set */
    char pidx[300];
    NnTensor *big = nn_tensor_new(ctx_, NN_U8, 1, (int64_t[]){ 20 << 20 });
    assert_int_equal(nn_npy_save(ctx_, io_path(p, sizeof p, "big.npy"), big), NN_OK);
    assert_int_equal(nn_idx_save(ctx_, io_path(pidx, sizeof pidx, "big.idx"), big, false), NN_OK);
    nn_tensor_unref(big);
    nn_ctx_set_interrupt(ctx_, always, NULL);
    assert_null(nn_npy_load(ctx_, p));
    assert_int_equal(nn_status(ctx_), NN_EINTR);
    nn_clear_error(ctx_);
    assert_null(nn_idx_load(ctx_, pidx));
    assert_int_equal(nn_status(ctx_), NN_EINTR);
    nn_clear_error(ctx_);
    nn_ctx_set_interrupt(ctx_, NULL, NULL);
    FILE *f = fopen(io_path(p, sizeof p, "long.csv"), "w");
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%d,%d\n", i, -i);
    fclose(f);
    nn_ctx_set_interrupt(ctx_, always, NULL);
    assert_null(csv_load(p, "interrupted table"));
    assert_int_equal(nn_status(ctx_), NN_EINTR);
    nn_clear_error(ctx_);
    nn_ctx_set_interrupt(ctx_, NULL, NULL);
    nn_tensor_unref(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_truncated),
        cmocka_unit_test(test_model_header_bytes),
        cmocka_unit_test(test_npz_corpus),
        cmocka_unit_test(test_csv_corpus),
        cmocka_unit_test(test_odd_paths),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("slowest file: %.1f ms\n", worst_ms);
    return rc;
}
