/* nn_io_int.h - private helpers shared by the data-file readers and writers
 * (nn_idx.c, nn_npy.c, nn_npz.c, nn_csv.c, nn_datasets.c): atomic writes,
 * the .npy stream codec npz reuses, and borrowing the ctx RNG for a
 * random_state.  Never installed, never included from src/.
 */
#ifndef NN_IO_INT_H
#define NN_IO_INT_H

#include <stdio.h>

#include "nn_internal.h"
#include "nn_io.h"

/* ---- atomic writes (nn_npy.c) ---- */
/* Opens a temp file beside path ("PATH.tmpXXXXXX"); *tmp receives its
 * nn_alloc'ed name.  NULL with NN_EIO naming path on failure. */
FILE *nn_io_tmp_open(NnCtx *ctx, const char *path, char **tmp);
/* Closes f (fflush + fsync), renames tmp over path and frees tmp.  On
 * failure removes tmp and returns NN_EIO naming path. */
NnStatus nn_io_tmp_commit(NnCtx *ctx, FILE *f, char *tmp, const char *path);
/* Closes f (may be NULL), removes and frees tmp. */
void nn_io_tmp_abort(NnCtx *ctx, FILE *f, char *tmp);
/* fsync(path) then rename(tmp, path); frees tmp; removes it on failure. */
NnStatus nn_io_sync_rename(NnCtx *ctx, char *tmp, const char *path);

/* ---- .npy codec (nn_npy.c) ---- */
/* A byte source: returns the bytes read (< n at the end), -1 on error. */
typedef int64_t (*NnReadFn)(void *ud, void *buf, size_t n);
/* Reads one .npy image of `total` bytes from rd; `name` prefixes messages
 * ("data.npz: x.npy" for an npz entry). */
NnTensor *nn_npy_read(NnCtx *ctx, const char *name, NnReadFn rd, void *ud, uint64_t total);
/* The header of t's .npy image (magic, version, length, dict, padding)
 * into a nn_alloc'ed buffer; *len its size.  The data that follows is t's
 * elements in C order, little-endian. */
char *nn_npy_header(NnCtx *ctx, const NnTensor *t, size_t *len);

/* ---- RNG borrowing (nn_datasets.c) ---- */
typedef struct {
    bool saved;
    uint32_t mt[NN_MT_N];
    int mti;
    bool has_gauss;
    double gauss;
} NnRngSave;
/* random_state >= 0: saves the ctx stream and seeds it with random_state;
 * < 0: nothing (the ctx stream is used). */
void nn_io_rng_push(NnCtx *ctx, int64_t random_state, NnRngSave *s);
void nn_io_rng_pop(NnCtx *ctx, NnRngSave *s);

#endif
