/* test_atomic.c - crash-safe writers: every lib writer (model save, save
 * weights, .npy, .npz stored and compressed, IDX raw and gzip, savetxt)
 * writes a temporary file, fsyncs it and renames it over the target.  A
 * write that fails part way - here the file-size limit (RLIMIT_FSIZE, what a
 * full disk looks like to write(2)) - must return NN_EIO, leave the old file
 * byte for byte, and leave no temporary file behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "nn.h"
#include "io_test_util.h"

#define LIMIT 4096   /* bytes a process may write to one file */
#define OLD "the previous contents\n"

static NnCtx *ctx_;

typedef enum { W_MODEL, W_WEIGHTS, W_NPY, W_NPZ, W_NPZ_Z, W_IDX, W_IDX_GZ, W_TXT, W_COUNT } Writer;
static const char *wname[W_COUNT] = { "model", "weights", "npy", "npz", "npz_compressed",
                                      "idx", "idx_gz", "savetxt" };

static NnStatus write_big(Writer w, const char *path, const NnTensor *t, const NnModel *m)
{
    const char *names[] = { "a" };
    const NnTensor *arrs[] = { t };
    switch (w) {
    case W_MODEL: return nn_model_save(ctx_, m, path);
    case W_WEIGHTS: return nn_model_save_weights(ctx_, m, path);
    case W_NPY: return nn_npy_save(ctx_, path, t);
    case W_NPZ: return nn_npz_save(ctx_, path, 1, names, arrs, false);
    case W_NPZ_Z: return nn_npz_save(ctx_, path, 1, names, arrs, true);
    case W_IDX: return nn_idx_save(ctx_, path, t, false);
    case W_IDX_GZ: return nn_idx_save(ctx_, path, t, true);
    case W_TXT: return nn_text_save(ctx_, path, t, "%.18e", " ");
    default: return NN_EARG;
    }
}

static int count_entries(void)
{
    DIR *d = opendir(io_dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_failed_writes_keep_the_old_file(void **state)
{
    (void)state;
    io_dir_make();
    ctx_ = nn_ctx_new();
    nn_ctx_set_threads(ctx_, 1);
    nn_rng_seed(ctx_, 5);
    /* random data: gzip and deflate cannot squeeze it under the limit */
    NnTensor *t = nn_random_uniform(ctx_, NN_F32, 2, (int64_t[]){ 100, 100 }, 0, 1);
    NnModel *m = nn_model_new(ctx_);
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    c.units = 200;
    assert_int_equal(nn_model_add(ctx_, m, &c), NN_OK);
    assert_int_equal(nn_model_build(ctx_, m, 1, (int64_t[]){ 50 }), NN_OK);

    signal(SIGXFSZ, SIG_IGN);   /* write(2) then fails with EFBIG instead of killing */
    struct rlimit old_lim, lim;
    getrlimit(RLIMIT_FSIZE, &old_lim);
    char path[300];
    for (int w = 0; w < W_COUNT; w++) {
        io_path(path, sizeof path, wname[w]);
        io_write(path, OLD, strlen(OLD));
        int entries = count_entries();
        lim = old_lim;
        lim.rlim_cur = LIMIT;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        NnStatus st = write_big((Writer)w, path, t, m);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_lim), 0);
        if (st != NN_EIO)
            fail_msg("%s: a write past the limit returned %d (%s)", wname[w], (int)st, nn_errmsg(ctx_));
        nn_clear_error(ctx_);
        size_t n;
        unsigned char *b = io_slurp(path, &n);
        if (n != strlen(OLD) || memcmp(b, OLD, n) != 0)
            fail_msg("%s: the old file was changed by a failed write", wname[w]);
        free(b);
        if (count_entries() != entries)
            fail_msg("%s: a temporary file was left behind", wname[w]);
        /* and without the limit the same write replaces it */
        assert_int_equal(write_big((Writer)w, path, t, m), NN_OK);
        b = io_slurp(path, &n);
        assert_true(n > LIMIT);
        free(b);
        assert_int_equal(count_entries(), entries);
    }
    signal(SIGXFSZ, SIG_DFL);
    nn_model_free(m);
    nn_tensor_unref(t);
    nn_ctx_free(ctx_);
    io_dir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed_writes_keep_the_old_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
