/* nn_io.h - data files and datasets: IDX (MNIST), .npy/.npz (numpy),
 * CSV/text (np.loadtxt, np.genfromtxt), the teaching sets (spiral, moons,
 * circles, blobs, xor, classification), MNIST/Fashion-MNIST location, and
 * the index splits of train_test_split and KFold.
 *
 * Depends on nn_core.h and nn_tensor.h only.  Every reader validates each
 * size it reads against the real length of the file before allocating and
 * fails with NN_EFORMAT (malformed) or NN_EIO (missing, unreadable) and a
 * message that names the file and the cause.  Writers are atomic: a temp
 * file in the same directory, fsync, rename.  Returned tensors are new
 * references the caller owns; argument tensors are borrowed.
 *
 * The generators draw from the ctx RNG (numpy's legacy RandomState
 * algorithms), so with the same seed they give numpy's/sklearn's numbers.
 * random_state >= 0 draws from a generator seeded with it and leaves the
 * ctx stream untouched (sklearn's random_state=int); random_state < 0 draws
 * from the ctx stream (random_state=None, numpy's global generator).
 */
#ifndef NN_IO_H
#define NN_IO_H

#include "nn_core.h"
#include "nn_tensor.h"

/* ---- IDX (nn_idx.c) ---- */

/* Reads an IDX file, gzipped (detected by its magic) or raw.  Element types
 * 0x08 -> uint8, 0x09/0x0B/0x0C -> int32, 0x0D -> float32, 0x0E -> float64. */
NnTensor *nn_idx_load(NnCtx *ctx, const char *path);
/* Writes t as raw IDX (uint8, int32, float32, float64), atomically; gzip
 * compressed when gz is true. */
NnStatus nn_idx_save(NnCtx *ctx, const char *path, const NnTensor *t, bool gz);

/* ---- .npy (nn_npy.c) ---- */

/* Reads a .npy file (versions 1.0, 2.0, 3.0).  Big-endian data is byte
 * swapped, Fortran order is converted to C order; |i1 <i2 <u2 -> int32,
 * <u4 <u8 -> int64, <f2 -> float32.  Object arrays are refused. */
NnTensor *nn_npy_load(NnCtx *ctx, const char *path);
/* Writes t as a version 1.0 .npy (2.0 when the header needs it) with the
 * header padded to a multiple of 64 bytes, as numpy.save does. */
NnStatus nn_npy_save(NnCtx *ctx, const char *path, const NnTensor *t);

/* ---- .npz (nn_npz.c) ---- */

typedef struct NnNpz NnNpz;
/* Opens a zip of .npy entries; the ctx is kept for later calls. */
NnNpz *nn_npz_open(NnCtx *ctx, const char *path);
void nn_npz_close(NnNpz *z);
/* numpy's NpzFile.files: entry names with ".npy" removed, in zip order. */
int nn_npz_count(const NnNpz *z);
const char *nn_npz_name(const NnNpz *z, int i);
bool nn_npz_has(const NnNpz *z, const char *name);     /* "x" or "x.npy" */
/* Reads one array by name ("x" or "x.npy"); NN_EINDEX "x is not a file in
 * the archive" when absent. */
NnTensor *nn_npz_get(NnNpz *z, const char *name);
/* Writes n arrays as NAME.npy entries, stored (np.savez) or deflated
 * (np.savez_compressed), atomically.  Names must be distinct. */
NnStatus nn_npz_save(NnCtx *ctx, const char *path, int n, const char *const *names,
                     const NnTensor *const *arrays, bool compress);

/* ---- text files (nn_csv.c) ---- */

typedef struct {
    const char *delimiter;  /* NULL = any whitespace (numpy's None) */
    const char *comments;   /* "#" by default; NULL = none */
    int64_t skiprows;       /* lines skipped first (comment lines count) */
    const int *usecols;     /* column indices (negative from the end), or NULL */
    int nusecols;
    NnDType dtype;          /* NN_F64 by default */
    int ndmin;              /* 0, 1 or 2 (loadtxt's squeeze rules) */
    int64_t max_rows;       /* < 0 = all */
    /* genfromtxt mode: empty or unparsable fields become `filling` (nan by
     * default) instead of an error; names=true takes column names from the
     * first line (optionally after a comment marker). */
    bool genfromtxt;
    bool names;
    double filling;
} NnTextOptions;

/* np.loadtxt's defaults: whitespace, '#', float64, ndmin 0, all rows. */
void nn_text_options_init(NnTextOptions *o);
/* Reads a text table.  Errors name the file, line and column:
 * "data.csv:3:2: could not convert string 'abc' to float64".  With
 * o->names, *names receives nnames strings (nn_alloc'ed, free each and the
 * array with nn_text_names_free); names may be NULL otherwise. */
NnTensor *nn_text_load(NnCtx *ctx, const char *path, const NnTextOptions *o,
                       char ***names, int *nnames);
void nn_text_names_free(NnCtx *ctx, char **names, int n);
/* np.savetxt(path, t, fmt='%.18e', delimiter=' '): 1-D or 2-D, atomic. */
NnStatus nn_text_save(NnCtx *ctx, const char *path, const NnTensor *t, const char *fmt,
                      const char *delimiter);

/* ---- teaching sets (nn_datasets.c) ---- */
/* x: (n, 2) or (n, dim) float64, y: (n,) int64. */

/* cs231n's spiral: n points per class on `classes` arms, theta noise
 * `noise` (0.2 in the course notes).  Draws from the ctx stream. */
NnStatus nn_data_spiral(NnCtx *ctx, int64_t n, int classes, double noise,
                        NnTensor **x, NnTensor **y);
/* sklearn.datasets.make_moons / make_circles (factor in (0, 1)). */
NnStatus nn_data_moons(NnCtx *ctx, int64_t n, double noise, bool shuffle, int64_t random_state,
                       NnTensor **x, NnTensor **y);
NnStatus nn_data_circles(NnCtx *ctx, int64_t n, double noise, double factor, bool shuffle,
                         int64_t random_state, NnTensor **x, NnTensor **y);
/* sklearn.datasets.make_blobs with `centers` random centres in
 * (box_lo, box_hi) (sklearn: -10, 10), or the given centers (centers x
 * dim, row-major) when center_xy is not NULL. */
NnStatus nn_data_blobs(NnCtx *ctx, int64_t n, int centers, const double *center_xy, int dim,
                       double std, double box_lo, double box_hi, bool shuffle,
                       int64_t random_state, NnTensor **x, NnTensor **y);
/* XOR: points uniform in [-1, 1)^2, label 1 where the signs differ, then
 * gaussian noise of scale `noise` added to the points. */
NnStatus nn_data_xor(NnCtx *ctx, int64_t n, double noise, NnTensor **x, NnTensor **y);
/* A simplified make_classification: n_classes gaussian clusters (one per
 * class, n_clusters_per_class 1) on vertices of a hypercube of side
 * 2*class_sep in the n_informative first features, the rest noise; flip_y
 * of the labels replaced at random.  Balanced classes, shuffled. */
NnStatus nn_data_classification(NnCtx *ctx, int64_t n, int n_features, int n_informative,
                                int n_classes, double class_sep, double flip_y,
                                int64_t random_state, NnTensor **x, NnTensor **y);

/* MNIST ("mnist") and Fashion-MNIST ("fashion_mnist"): out[0..3] =
 * x_train (60000, 28, 28) uint8, y_train, x_test, y_test.  Looks, in
 * order, in $NNSH_DATA/NAME (IDX files or NAME.npz), ~/.keras/datasets
 * (mnist.npz, or fashion-mnist/ with IDX files), ~/.nnsh/datasets/NAME/,
 * and for fashion_mnist /usr/share/datasets/fashion-mnist.  NN_EIO when
 * nothing is found, with every place looked and how to get the files. */
NnStatus nn_data_load_mnist(NnCtx *ctx, const char *name, NnTensor *out[4]);

/* ---- splits ---- */

/* sklearn's train_test_split indices: test count ceil(test_size * n) for
 * a fraction (or test_size itself when >= 1), train the rest.  With
 * shuffle, a permutation of the seeded generator as ShuffleSplit; with
 * stratify (n labels, int64), each class is split in proportion.  Returns
 * two int64 index tensors. */
NnStatus nn_split_train_test(NnCtx *ctx, int64_t n, double test_size, bool shuffle,
                             int64_t random_state, const NnTensor *stratify,
                             NnTensor **train_idx, NnTensor **test_idx);
/* KFold(n_splits, shuffle, random_state).split: fold `fold` of k, indices
 * sorted as sklearn returns them.  The permutation is drawn once per call
 * with random_state (so every fold agrees); random_state < 0 with shuffle
 * needs the caller to pass the same permutation: use nn_split_kfold_perm. */
NnStatus nn_split_kfold(NnCtx *ctx, int64_t n, int k, int fold, const NnTensor *perm,
                        NnTensor **train_idx, NnTensor **test_idx);
/* The KFold order: arange(n), shuffled when shuffle is set. */
NnTensor *nn_split_kfold_perm(NnCtx *ctx, int64_t n, bool shuffle, int64_t random_state);

#endif
