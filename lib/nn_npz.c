/* nn_npz.c - numpy's .npz archives (np.savez, np.savez_compressed) through
 * libzip: list the entries, read one by name, write several atomically.
 *
 * Part of the data-file readers (nn_io.h).  An entry is read by streaming
 * zip_fread into the result tensor through the .npy codec of nn_npy.c; its
 * declared size comes from the zip directory and is checked while reading.
 * Writing adds each array as two buffer fragments (header, data) without
 * copying the data; it assumes a little-endian host, as the .npy data of an
 * npz entry must be little-endian.
 */
#include "nn_io_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

struct NnNpz {
    NnCtx *ctx;
    char *path;
    zip_t *za;
    int n;
    char **names;          /* n names, ".npy" removed */
    zip_uint64_t *index;   /* their zip indices */
};

static char *dupstr(NnCtx *ctx, const char *s, size_t n)
{
    char *d = nn_alloc(ctx, n + 1, "name");
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

void nn_npz_close(NnNpz *z)
{
    if (!z)
        return;
    NnCtx *ctx = z->ctx;
    for (int i = 0; i < z->n; i++)
        nn_free(ctx, z->names[i]);
    nn_free(ctx, z->names);
    nn_free(ctx, z->index);
    if (z->za)
        zip_discard(z->za);
    nn_free(ctx, z->path);
    nn_free(ctx, z);
}

static NnStatus npz_zip_open(NnNpz *z)
{
    int err = 0;
    z->za = zip_open(z->path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (z->za)
        return NN_OK;
    if (err == ZIP_ER_NOENT)
        return nn_error(z->ctx, NN_EIO, "%s: No such file or directory", z->path);
    if (err == ZIP_ER_OPEN || err == ZIP_ER_READ)
        return nn_error(z->ctx, NN_EIO, "%s: %s", z->path, strerror(errno));
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    NnStatus st = nn_error(z->ctx, NN_EFORMAT, "%s: not a valid .npz (zip) file: %s", z->path,
                           zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return st;
}

static NnStatus npz_list(NnNpz *z)
{
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    if (n < 0 || n > 1000000)
        return nn_error(z->ctx, NN_EFORMAT, "%s: bad zip directory", z->path);
    z->names = nn_calloc(z->ctx, (size_t)n + 1, sizeof *z->names, "npz names");
    z->index = nn_calloc(z->ctx, (size_t)n + 1, sizeof *z->index, "npz index");
    if (!z->names || !z->index)
        return NN_ENOMEM;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *nm = zip_get_name(z->za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (!nm)
            return nn_error(z->ctx, NN_EFORMAT, "%s: bad zip entry %lld", z->path, (long long)i);
        size_t len = strlen(nm);
        if (len && nm[len - 1] == '/')
            continue;   /* a directory */
        if (len >= 4 && strcmp(nm + len - 4, ".npy") == 0)
            len -= 4;
        if (!(z->names[z->n] = dupstr(z->ctx, nm, len)))
            return NN_ENOMEM;
        z->index[z->n++] = (zip_uint64_t)i;
    }
    return NN_OK;
}

NnNpz *nn_npz_open(NnCtx *ctx, const char *path)
{
    NnNpz *z = nn_calloc(ctx, 1, sizeof *z, "npz");
    if (!z)
        return NULL;
    z->ctx = ctx;
    z->path = dupstr(ctx, path, strlen(path));
    if (!z->path || npz_zip_open(z) || npz_list(z)) {
        nn_npz_close(z);
        return NULL;
    }
    return z;
}

int nn_npz_count(const NnNpz *z) { return z->n; }
const char *nn_npz_name(const NnNpz *z, int i) { return i >= 0 && i < z->n ? z->names[i] : NULL; }

static int npz_find(const NnNpz *z, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < z->n; i++)
        if (strcmp(z->names[i], name) == 0)
            return i;
    if (len >= 4 && strcmp(name + len - 4, ".npy") == 0)
        for (int i = 0; i < z->n; i++)
            if (strlen(z->names[i]) == len - 4 && memcmp(z->names[i], name, len - 4) == 0)
                return i;
    return -1;
}

bool nn_npz_has(const NnNpz *z, const char *name) { return npz_find(z, name) >= 0; }

static int64_t zf_read(void *ud, void *buf, size_t n)
{
    return zip_fread(ud, buf, n);
}

NnTensor *nn_npz_get(NnNpz *z, const char *name)
{
    int i = npz_find(z, name);
    if (i < 0) {
        nn_error(z->ctx, NN_EINDEX, "%s is not a file in the archive", name);
        return NULL;
    }
    zip_stat_t sb;
    char label[512];
    snprintf(label, sizeof label, "%s: %s", z->path, zip_get_name(z->za, z->index[i], 0));
    if (zip_stat_index(z->za, z->index[i], 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE)) {
        nn_error(z->ctx, NN_EFORMAT, "%s: bad zip entry", label);
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(z->za, z->index[i], 0);
    if (!zf) {
        nn_error(z->ctx, NN_EFORMAT, "%s: cannot read the entry: %s", label,
                 zip_strerror(z->za));
        return NULL;
    }
    NnTensor *t = nn_npy_read(z->ctx, label, zf_read, zf, sb.size);
    if (!t && nn_status(z->ctx) == NN_EIO)   /* zip_fread failed: say why */
        nn_error(z->ctx, NN_EFORMAT, "%s: %s", label, zip_file_strerror(zf));
    /* libzip checks the CRC only when a read reaches the end of the entry:
     * read past the last byte, as Python's zipfile does, so a damaged
     * stored entry is an error, not different numbers */
    char extra;
    if (t && zip_fread(zf, &extra, 1) != 0) {
        nn_error(z->ctx, NN_EFORMAT, "%s: the entry is corrupted (%s)", label, zip_file_strerror(zf));
        nn_tensor_unref(t);
        t = NULL;
    }
    zip_fclose(zf);
    return t;
}

/* ---- writing ---- */

typedef struct {
    NnCtx *ctx;
    const char *path;
    zip_t *za;
    int n;
    char **heads;          /* n .npy headers, alive until zip_close */
    NnTensor **data;       /* n contiguous arrays, alive until zip_close */
} NpzOut;

static NnStatus npz_add(NpzOut *o, const char *name, const NnTensor *t, bool compress)
{
    size_t hlen;
    char entry[1024];
    snprintf(entry, sizeof entry, "%s.npy", name);
    o->heads[o->n] = nn_npy_header(o->ctx, t, &hlen);
    o->data[o->n] = o->heads[o->n] ? nn_tensor_contiguous(o->ctx, (NnTensor *)t) : NULL;
    if (!o->data[o->n++])
        return nn_status(o->ctx);
    NnTensor *c = o->data[o->n - 1];
    zip_buffer_fragment_t fr[2] = {
        {(zip_uint8_t *)o->heads[o->n - 1], hlen},
        {nn_tensor_data(c), (zip_uint64_t)nn_tensor_numel(c) * nn_dtype_size(c->dtype)},
    };
    zip_source_t *src = zip_source_buffer_fragment(o->za, fr, fr[1].length ? 2 : 1, 0);
    zip_int64_t idx = src ? zip_file_add(o->za, entry, src, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
        zip_source_free(src);
        return nn_error(o->ctx, NN_EIO, "%s: cannot add %s: %s", o->path, entry,
                        zip_strerror(o->za));
    }
    zip_set_file_compression(o->za, (zip_uint64_t)idx, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    return NN_OK;
}

static NnStatus npz_tmp_zip(NpzOut *o, char **tmp)
{
    FILE *f = nn_io_tmp_open(o->ctx, o->path, tmp);
    if (!f)
        return NN_EIO;
    fclose(f);
    int err = 0;
    o->za = zip_open(*tmp, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!o->za) {
        nn_io_tmp_abort(o->ctx, NULL, *tmp);
        *tmp = NULL;
        return nn_error(o->ctx, NN_EIO, "%s: cannot create the zip file", o->path);
    }
    return NN_OK;
}

NnStatus nn_npz_save(NnCtx *ctx, const char *path, int n, const char *const *names,
                     const NnTensor *const *arrays, bool compress)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return nn_error(ctx, NN_EARG, "cannot use un-named variables and keyword %s",
                                names[i]);
    NpzOut o = {.ctx = ctx, .path = path};
    char *tmp = NULL;
    o.heads = nn_calloc(ctx, (size_t)n + 1, sizeof *o.heads, "npz headers");
    o.data = nn_calloc(ctx, (size_t)n + 1, sizeof *o.data, "npz arrays");
    NnStatus st = o.heads && o.data ? npz_tmp_zip(&o, &tmp) : NN_ENOMEM;
    for (int i = 0; i < n && !st; i++)
        st = npz_add(&o, names[i], arrays[i], compress);
    if (o.za && !st && zip_close(o.za) != 0)
        st = nn_error(ctx, NN_EIO, "%s: %s", path, zip_strerror(o.za));
    else if (o.za && !st)
        o.za = NULL;
    if (o.za)
        zip_discard(o.za);
    for (int i = 0; i < o.n; i++) {
        nn_free(ctx, o.heads[i]);
        nn_tensor_unref(o.data[i]);
    }
    nn_free(ctx, o.heads);
    nn_free(ctx, o.data);
    if (st) {
        nn_io_tmp_abort(ctx, NULL, tmp);
        return st;
    }
    return nn_io_sync_rename(ctx, tmp, path);
}
