/* io_test_util.h - shared by the data-file tests (test_idx, test_npy,
 * test_csv, test_datasets): a private temp directory, writing byte images
 * (raw or gzipped) to files in it, and checking that a reader rejected a
 * file with NN_EFORMAT/NN_EIO and a message naming it.
 */
#ifndef IO_TEST_UTIL_H
#define IO_TEST_UTIL_H

#include "lib_test_util.h"

#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

static char io_dir[64];

__attribute__((unused)) static void io_dir_make(void)
{
    snprintf(io_dir, sizeof io_dir, "/tmp/nnsh-iotest-XXXXXX");
    assert_non_null(mkdtemp(io_dir));
}

__attribute__((unused)) static void io_dir_remove(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", io_dir);
    assert_int_equal(system(cmd), 0);
}

/* io_dir/name into buf; returns buf. */
__attribute__((unused)) static char *io_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", io_dir, name);
    return buf;
}

__attribute__((unused)) static void io_write(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

__attribute__((unused)) static void io_write_gz(const char *path, const void *p, size_t n)
{
    gzFile z = gzopen(path, "wb");
    assert_non_null(z);
    if (n)
        assert_int_equal(gzwrite(z, p, (unsigned)n), (int)n);
    assert_int_equal(gzclose(z), Z_OK);
}

/* The whole file into a malloc'ed buffer. */
__attribute__((unused)) static unsigned char *io_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len + 1);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* A rejected file: no tensor, a file status, a message naming the file. */
__attribute__((unused)) static void io_check_rejected(NnCtx *ctx, NnTensor *t, const char *path)
{
    if (t)
        fail_msg("%s: accepted a malformed file", path);
    NnStatus st = nn_status(ctx);
    if (st != NN_EFORMAT && st != NN_EIO)
        fail_msg("%s: status %d (%s)", path, st, nn_errmsg(ctx));
    if (!strstr(nn_errmsg(ctx), path))
        fail_msg("message does not name the file: %s", nn_errmsg(ctx));
    nn_clear_error(ctx);
}

#endif
