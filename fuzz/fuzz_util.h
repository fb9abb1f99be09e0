/* fuzz_util.h - shared by the libFuzzer targets in fuzz/: the fuzzed bytes
 * written to a scratch file (the loaders take paths), and a lib context
 * bounded the way the sandbox is (64 MiB through the allocator hook, one
 * thread).  Header-only so each target stays one translation unit. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "nn.h"

#define FUZZ_MEM_LIMIT ((size_t)64 << 20)

/* A per-process scratch directory on tmpfs when there is one. */
static const char *fuzz_dir(void)
{
    static char dir[96];
    if (!dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/nnsh-fuzz-%ld", base, (long)getpid());
        mkdir(dir, 0700);
    }
    return dir;
}

static const char *fuzz_path(const char *name)
{
    static char path[2][160];
    static int k;
    k ^= 1;
    snprintf(path[k], sizeof path[k], "%s/%s", fuzz_dir(), name);
    return path[k];
}

/* Writes the input to fuzz_path(name); returns that path (NULL on failure). */
static const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *p = fuzz_path(name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return NULL;
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size)
        return NULL;
    return p;
}

static NnCtx *fuzz_ctx(void)
{
    NnCtx *ctx = nn_ctx_new();
    if (!ctx)
        abort();
    nn_ctx_set_threads(ctx, 1);
    nn_ctx_set_mem_limit(ctx, FUZZ_MEM_LIMIT);
    return ctx;
}

/* A failed load must say why. */
static void fuzz_check_error(NnCtx *ctx)
{
    if (nn_status(ctx) == NN_OK || !nn_errmsg(ctx)[0]) {
        fprintf(stderr, "loader failed without an error message\n");
        abort();
    }
    nn_clear_error(ctx);
}

#endif
