/* nn_idx.c - IDX files (the MNIST format), gzipped or raw, through zlib.
 *
 * Part of the data-file readers (nn_io.h).  Reading streams: the header is
 * read and checked, the result tensor allocated once, and gzread inflates
 * straight into it (no copy of the file).  Every size is validated before
 * allocating: for a raw file against its length; for a gzip file against
 * the most deflate can inflate from its length (1032:1), and then while
 * reading: a stream that ends early or inflates past the declared size is
 * rejected.
 */
#include "nn_io_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_MAX_RATIO 1032u   /* deflate's largest inflate/deflate ratio */

typedef struct {
    NnCtx *ctx;
    const char *path;
    gzFile gz;
    bool compressed;
    uint64_t file_size;
} IdxIn;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads exactly n bytes; *got the count actually read. */
static NnStatus idx_read(IdxIn *in, void *buf, size_t n, size_t *got)
{
    size_t total = 0;
    while (total < n) {
        /* 16 MiB at a time, polling the interrupt hook (Ctrl-C in a large load) */
        if (total && nn_interrupted(in->ctx))
            return NN_EINTR;
        unsigned chunk = n - total > (1u << 24) ? (1u << 24) : (unsigned)(n - total);
        int r = gzread(in->gz, (char *)buf + total, chunk);
        if (r < 0) {
            int err;
            const char *m = gzerror(in->gz, &err);
            return nn_error(in->ctx, err == Z_ERRNO ? NN_EIO : NN_EFORMAT,
                            "%s: corrupt gzip stream (%s)", in->path,
                            err == Z_ERRNO ? strerror(errno) : m);
        }
        if (r == 0) {   /* zlib reports a stream cut short as Z_BUF_ERROR, not -1 */
            int err;
            gzerror(in->gz, &err);
            if (err != Z_OK)
                return nn_error(in->ctx, NN_EFORMAT, "%s: gzip stream is truncated", in->path);
            break;
        }
        total += (size_t)r;
    }
    *got = total;
    return NN_OK;
}

static NnStatus idx_open(IdxIn *in)
{
    int fd = open(in->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nn_error(in->ctx, NN_EIO, "%s: %s", in->path, strerror(errno));
    struct stat sb;
    unsigned char mg[2] = {0, 0};
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return nn_error(in->ctx, NN_EIO, "%s: not a regular file", in->path);
    }
    in->file_size = (uint64_t)sb.st_size;
    in->compressed = pread(fd, mg, 2, 0) == 2 && mg[0] == 0x1f && mg[1] == 0x8b;
    in->gz = gzdopen(fd, "rb");
    if (!in->gz) {
        close(fd);
        return nn_error(in->ctx, NN_ENOMEM, "%s: cannot start zlib", in->path);
    }
    gzbuffer(in->gz, 1 << 17);
    return NN_OK;
}

/* IDX element type code -> (file element size, nnsh dtype). */
static bool idx_type(unsigned code, size_t *esize, NnDType *dt)
{
    switch (code) {
    case 0x08: *esize = 1; *dt = NN_U8; return true;
    case 0x09: *esize = 1; *dt = NN_I32; return true;
    case 0x0B: *esize = 2; *dt = NN_I32; return true;
    case 0x0C: *esize = 4; *dt = NN_I32; return true;
    case 0x0D: *esize = 4; *dt = NN_F32; return true;
    case 0x0E: *esize = 8; *dt = NN_F64; return true;
    default: return false;
    }
}

typedef struct {
    int ndim;
    int64_t shape[NN_MAXDIM];
    size_t esize;
    NnDType dt;
    uint64_t data_bytes;
} IdxHeader;

/* Reads and checks the header against the file length. */
static NnStatus idx_header(IdxIn *in, IdxHeader *h)
{
    unsigned char b[4 + 4 * 255];
    size_t got;
    NnStatus st = idx_read(in, b, 4, &got);
    if (st)
        return st;
    if (got < 4)
        return nn_error(in->ctx, NN_EFORMAT, "%s: truncated IDX header (%zu of 4 magic bytes)",
                        in->path, got);
    if (b[0] != 0 || b[1] != 0 || !idx_type(b[2], &h->esize, &h->dt))
        return nn_error(in->ctx, NN_EFORMAT,
                        "%s: not an IDX file (magic 0x%02x%02x%02x%02x)", in->path, b[0], b[1],
                        b[2], b[3]);
    h->ndim = b[3];
    if (h->ndim < 1 || h->ndim > NN_MAXDIM)
        return nn_error(in->ctx, NN_EFORMAT, "%s: IDX file has %d dimensions (1 to %d allowed)",
                        in->path, h->ndim, NN_MAXDIM);
    st = idx_read(in, b + 4, 4 * (size_t)h->ndim, &got);
    if (st)
        return st;
    if (got < 4 * (size_t)h->ndim)
        return nn_error(in->ctx, NN_EFORMAT,
                        "%s: truncated IDX header (%zu of %d dimension bytes)", in->path, got,
                        4 * h->ndim);
    uint64_t n = 1;
    bool over = false;
    for (int i = 0; i < h->ndim; i++) {
        h->shape[i] = be32(b + 4 + 4 * i);
        if (h->shape[i] != 0 && n > UINT64_MAX / 8 / (uint64_t)h->shape[i])
            over = true;
        else
            n *= (uint64_t)h->shape[i];
    }
    if (over)
        return nn_error(in->ctx, NN_EFORMAT, "%s: IDX dimensions overflow", in->path);
    h->data_bytes = n * h->esize;
    return NN_OK;
}

/* The declared data must fit what the file can hold. */
static NnStatus idx_check_size(IdxIn *in, const IdxHeader *h)
{
    uint64_t head = 4 + 4 * (uint64_t)h->ndim;
    if (!in->compressed) {
        if (head + h->data_bytes > in->file_size)
            return nn_error(in->ctx, NN_EFORMAT,
                            "%s: IDX header declares %llu data bytes but the file has %llu",
                            in->path, (unsigned long long)h->data_bytes,
                            (unsigned long long)(in->file_size - head));
        if (head + h->data_bytes < in->file_size)
            return nn_error(in->ctx, NN_EFORMAT,
                            "%s: %llu bytes after the IDX data the header declares", in->path,
                            (unsigned long long)(in->file_size - head - h->data_bytes));
        return NN_OK;
    }
    if (h->data_bytes / IDX_MAX_RATIO > in->file_size)
        return nn_error(in->ctx, NN_EFORMAT,
                        "%s: IDX header declares %llu data bytes, more than a %llu-byte gzip "
                        "file can hold", in->path, (unsigned long long)h->data_bytes,
                        (unsigned long long)in->file_size);
    return NN_OK;
}

/* Big-endian file elements to host order, widening i8/i16 to int32. */
static void idx_convert(void *data, int64_t n, const IdxHeader *h)
{
    unsigned char *p = data;
    if (h->esize == 1 && h->dt == NN_I32) {
        int32_t *o = data;
        for (int64_t i = n - 1; i >= 0; i--)
            o[i] = (int8_t)p[i];
    } else if (h->esize == 2) {
        int32_t *o = data;
        for (int64_t i = n - 1; i >= 0; i--)
            o[i] = (int16_t)(uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
    } else if (h->esize == 4) {
        for (int64_t i = 0; i < n; i++) {
            uint32_t v = be32(p + 4 * i);
            memcpy(p + 4 * i, &v, 4);
        }
    } else if (h->esize == 8) {
        for (int64_t i = 0; i < n; i++) {
            uint64_t v = (uint64_t)be32(p + 8 * i) << 32 | be32(p + 8 * i + 4);
            memcpy(p + 8 * i, &v, 8);
        }
    }
}

static NnStatus idx_body(IdxIn *in, const IdxHeader *h, NnTensor *t)
{
    size_t got;
    NnStatus st = idx_read(in, t->buf->data, (size_t)h->data_bytes, &got);
    if (st)
        return st;
    if (got < h->data_bytes)
        return nn_error(in->ctx, NN_EFORMAT,
                        "%s: %s ends after %zu of the %llu data bytes the IDX header declares",
                        in->path, in->compressed ? "gzip stream" : "file", got,
                        (unsigned long long)h->data_bytes);
    unsigned char extra;
    st = idx_read(in, &extra, 1, &got);
    if (st)
        return st;
    if (got)
        return nn_error(in->ctx, NN_EFORMAT,
                        "%s: gzip stream inflates past the %llu data bytes the IDX header "
                        "declares", in->path, (unsigned long long)h->data_bytes);
    idx_convert(t->buf->data, nn_tensor_numel(t), h);
    return NN_OK;
}

NnTensor *nn_idx_load(NnCtx *ctx, const char *path)
{
    IdxIn in = {.ctx = ctx, .path = path};
    IdxHeader h;
    NnTensor *t = NULL;
    NnStatus st = idx_open(&in);
    if (st)
        return NULL;
    if ((st = idx_header(&in, &h)) || (st = idx_check_size(&in, &h)))
        goto done;
    /* i8/i16 widen in place from the end, so allocate the int32 result
     * and read the narrow elements into its front. */
    t = nn_tensor_empty(ctx, h.dt, h.ndim, h.shape);
    if (!t) {
        st = nn_status(ctx);
        goto done;
    }
    st = idx_body(&in, &h, t);
done:
    gzclose(in.gz);
    if (st) {
        nn_tensor_unref(t);
        return NULL;
    }
    return t;
}

/* ---- writing ---- */

/* Writes n bytes to gz when it is set, else to f. */
static NnStatus idx_write_all(NnCtx *ctx, const char *path, gzFile gz, FILE *f, const void *p,
                              size_t n)
{
    const char *c = p;
    while (n) {
        unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
        size_t w = gz ? (size_t)gzwrite(gz, c, chunk) : f ? fwrite(c, 1, chunk, f) : 0;
        if (w != chunk)
            return nn_error(ctx, NN_EIO, "%s: write failed", path);
        c += chunk;
        n -= chunk;
    }
    return NN_OK;
}

/* The header and the big-endian data of t into one buffer. */
static unsigned char *idx_image(NnCtx *ctx, const NnTensor *t, size_t *len)
{
    static const unsigned char code[NN_NDTYPES] = {0x08, 0x08, 0x0C, 0, 0x0D, 0x0E};
    size_t es = nn_dtype_size(t->dtype);
    int64_t n = nn_tensor_numel(t);
    size_t head = 4 + 4 * (size_t)t->ndim;
    *len = head + (size_t)n * es;
    unsigned char *b = nn_alloc(ctx, *len, "IDX image");
    if (!b)
        return NULL;
    b[0] = b[1] = 0;
    b[2] = code[t->dtype];
    b[3] = (unsigned char)t->ndim;
    for (int i = 0; i < t->ndim; i++)
        for (int k = 0; k < 4; k++)
            b[4 + 4 * i + k] = (unsigned char)((uint64_t)t->shape[i] >> (24 - 8 * k));
    unsigned char tmp[8];
    for (int64_t i = 0; i < n; i++) {
        if (t->dtype == NN_I32)
            nn_store_i64(tmp, NN_I32, nn_tensor_get_i64(t, i));
        else
            nn_store_f64(tmp, t->dtype, nn_tensor_get_f64(t, i));
        for (size_t k = 0; k < es; k++)
            b[head + (size_t)i * es + k] = tmp[es - 1 - k];
    }
    return b;
}

NnStatus nn_idx_save(NnCtx *ctx, const char *path, const NnTensor *t, bool gz)
{
    if (t->dtype == NN_I64 || t->ndim < 1)
        return nn_error(ctx, NN_EARG, "%s: IDX holds uint8, int32, float32 or float64 arrays "
                        "of at least one dimension", path);
    for (int i = 0; i < t->ndim; i++)
        if (t->shape[i] > (int64_t)UINT32_MAX)
            return nn_error(ctx, NN_EARG, "%s: dimension too large for IDX", path);
    size_t len;
    char *tmp = NULL;
    gzFile z = NULL;
    unsigned char *img = idx_image(ctx, t, &len);
    if (!img)
        return NN_ENOMEM;
    FILE *f = nn_io_tmp_open(ctx, path, &tmp);
    NnStatus st = f ? NN_OK : NN_EIO;
    if (!st && gz) {
        fflush(f);
        z = gzdopen(dup(fileno(f)), "wb9");
        st = z ? idx_write_all(ctx, path, z, NULL, img, len) : NN_ENOMEM;
        if (z && gzclose(z) != Z_OK && !st)
            st = nn_error(ctx, NN_EIO, "%s: write failed", path);
    } else if (!st) {
        st = idx_write_all(ctx, path, NULL, f, img, len);
    }
    nn_free(ctx, img);
    if (st) {
        if (f)
            nn_io_tmp_abort(ctx, f, tmp);
        return st;
    }
    return nn_io_tmp_commit(ctx, f, tmp, path);
}
