/* nn_mnist.c - finding and loading MNIST and Fashion-MNIST: the four IDX
 * files (gzipped or raw) in a directory, or the mnist.npz Keras downloads.
 *
 * Part of the data layer (nn_io.h).  The places are tried in order; the
 * first complete one is loaded (a malformed file there is an error, not a
 * reason to look further).  When none holds the data, the NN_EIO message
 * lists every place looked and how to get the files.
 */
#include "nn_io_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const idx_base[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
static const char *const npz_key[4] = {"x_train", "y_train", "x_test", "y_test"};

static bool is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* dir/base.gz or dir/base into buf; false when neither exists. */
static bool idx_path(const char *dir, const char *base, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.gz", dir, base);
    if (is_file(buf))
        return true;
    snprintf(buf, size, "%s/%s", dir, base);
    return is_file(buf);
}

static void drop4(NnTensor *out[4])
{
    for (int i = 0; i < 4; i++) {
        nn_tensor_unref(out[i]);
        out[i] = NULL;
    }
}

/* Shapes Keras returns: x (N, 28, 28) uint8 and y (N,) uint8, N matching. */
static NnStatus check4(NnCtx *ctx, const char *where, NnTensor *out[4])
{
    for (int i = 0; i < 4; i += 2) {
        NnTensor *x = out[i], *y = out[i + 1];
        if (x->dtype != NN_U8 || y->dtype != NN_U8 || x->ndim != 3 || y->ndim != 1 ||
            x->shape[0] != y->shape[0])
            return nn_error(ctx, NN_EFORMAT, "%s: %s/%s are not uint8 images (N, H, W) with N "
                            "uint8 labels", where, npz_key[i], npz_key[i + 1]);
    }
    return NN_OK;
}

/* 1 found and loaded, 0 not there, -1 error (status set). */
static int try_idx_dir(NnCtx *ctx, const char *dir, NnTensor *out[4])
{
    char p[4][4096];
    for (int i = 0; i < 4; i++)
        if (!idx_path(dir, idx_base[i], p[i], sizeof p[i]))
            return 0;
    for (int i = 0; i < 4; i++)
        if (!(out[i] = nn_idx_load(ctx, p[i]))) {
            drop4(out);
            return -1;
        }
    if (check4(ctx, dir, out)) {
        drop4(out);
        return -1;
    }
    return 1;
}

static int try_npz(NnCtx *ctx, const char *path, NnTensor *out[4])
{
    if (!is_file(path))
        return 0;
    NnNpz *z = nn_npz_open(ctx, path);
    if (!z)
        return -1;
    for (int i = 0; i < 4; i++)
        if (!(out[i] = nn_npz_get(z, npz_key[i]))) {
            if (nn_status(ctx) == NN_EINDEX)
                nn_error(ctx, NN_EFORMAT, "%s: no '%s' array in the archive", path, npz_key[i]);
            nn_npz_close(z);
            drop4(out);
            return -1;
        }
    nn_npz_close(z);
    if (check4(ctx, path, out)) {
        drop4(out);
        return -1;
    }
    return 1;
}

typedef struct {
    char list[1024];
    size_t len;
} Looked;

static void looked(Looked *l, const char *what)
{
    int w = snprintf(l->list + l->len, sizeof l->list - l->len, "\n  %s", what);
    if (w > 0 && l->len + (size_t)w < sizeof l->list)
        l->len += (size_t)w;
}

/* A directory: its IDX files, then NPZ inside it. */
static int try_dir(NnCtx *ctx, const char *dir, const char *npz, NnTensor *out[4], Looked *l)
{
    looked(l, dir);
    int r = try_idx_dir(ctx, dir, out);
    if (r)
        return r;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, npz);
    return try_npz(ctx, p, out);
}

static int search(NnCtx *ctx, bool fashion, NnTensor *out[4], Looked *l)
{
    const char *sub = fashion ? "fashion-mnist" : "mnist";
    const char *npz = fashion ? "fashion-mnist.npz" : "mnist.npz";
    const char *data = getenv("NNSH_DATA"), *home = getenv("HOME");
    char d[4096];
    int r = 0;
    if (data && *data) {
        snprintf(d, sizeof d, "%s/%s", data, sub);
        if ((r = try_dir(ctx, d, npz, out, l)) || (r = try_dir(ctx, data, npz, out, l)))
            return r;
    } else {
        looked(l, "$NNSH_DATA (not set)");
    }
    if (fashion && (r = try_dir(ctx, "/usr/share/datasets/fashion-mnist", npz, out, l)))
        return r;
    if (!home || !*home) {
        looked(l, "~/.keras/datasets and ~/.nnsh/datasets (HOME not set)");
        return 0;
    }
    snprintf(d, sizeof d, "%s/.keras/datasets/%s", home, fashion ? sub : npz);
    looked(l, d);
    if ((r = fashion ? try_dir(ctx, d, npz, out, l) : try_npz(ctx, d, out)))
        return r;
    snprintf(d, sizeof d, "%s/.nnsh/datasets/%s", home, sub);
    return try_dir(ctx, d, npz, out, l);
}

NnStatus nn_data_load_mnist(NnCtx *ctx, const char *name, NnTensor *out[4])
{
    bool fashion = strcmp(name, "fashion_mnist") == 0 || strcmp(name, "fashion-mnist") == 0;
    if (!fashion && strcmp(name, "mnist") != 0)
        return nn_error(ctx, NN_EARG, "unknown dataset '%s' (mnist or fashion_mnist)", name);
    for (int i = 0; i < 4; i++)
        out[i] = NULL;
    Looked l = {.len = 0};
    int r = search(ctx, fashion, out, &l);
    if (r > 0)
        return NN_OK;
    if (r < 0)
        return nn_status(ctx);
    if (fashion)
        return nn_error(ctx, NN_EIO, "Fashion-MNIST not found. Looked in:%s\nInstall it with: "
                        "sudo apt-get install dataset-fashion-mnist", l.list);
    return nn_error(ctx, NN_EIO, "MNIST not found. Looked in:%s\nTo get it: put mnist.npz (the "
                    "file Keras downloads) in ~/.keras/datasets/, or the four IDX files "
                    "(train-images-idx3-ubyte.gz ...) in ~/.nnsh/datasets/mnist/", l.list);
}
