/* nn_npy.c - numpy's .npy format: read (versions 1.0, 2.0, 3.0) and write
 * (1.0, or 2.0 when the header needs it), plus the atomic-write helpers the
 * other file writers share.
 *
 * Part of the data-file readers (nn_io.h).  The header is a Python dict
 * literal, parsed here by a small tokenizer (any key order, spaces,
 * trailing commas) - never evaluated.  The data streams straight into the
 * result tensor; sizes are checked against the file's length first.
 * Big-endian data is byte swapped, Fortran order transposed to C order,
 * narrow or unsigned integer types widened; object arrays are refused.
 */
#include "nn_io_int.h"

#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NPY_MAX_HEADER (1u << 20)

/* ---- atomic writes ---- */

FILE *nn_io_tmp_open(NnCtx *ctx, const char *path, char **tmp)
{
    size_t n = strlen(path) + 12;
    *tmp = nn_alloc(ctx, n, "temp file name");
    if (!*tmp)
        return NULL;
    snprintf(*tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(*tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        nn_error(ctx, NN_EIO, "%s: cannot create a temp file: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(*tmp);
        }
        nn_free(ctx, *tmp);
        *tmp = NULL;
    }
    return f;
}

void nn_io_tmp_abort(NnCtx *ctx, FILE *f, char *tmp)
{
    if (f)
        fclose(f);
    if (tmp) {
        unlink(tmp);
        nn_free(ctx, tmp);
    }
}

NnStatus nn_io_tmp_commit(NnCtx *ctx, FILE *f, char *tmp, const char *path)
{
    int err = 0;
    mode_t um = umask(0);   /* mkstemp made it 0600: give it a normal file's mode */
    umask(um);
    if (fflush(f) != 0 || fchmod(fileno(f), 0666 & ~um) != 0 || fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        nn_free(ctx, tmp);
        return nn_error(ctx, NN_EIO, "%s: %s", path, strerror(err));
    }
    nn_free(ctx, tmp);
    return NN_OK;
}

NnStatus nn_io_sync_rename(NnCtx *ctx, char *tmp, const char *path)
{
    FILE *f = fopen(tmp, "rb+");
    if (!f) {
        NnStatus st = nn_error(ctx, NN_EIO, "%s: %s", path, strerror(errno));
        nn_io_tmp_abort(ctx, NULL, tmp);
        return st;
    }
    return nn_io_tmp_commit(ctx, f, tmp, path);
}

/* ---- header dict parsing ---- */

typedef struct {
    NnCtx *ctx;
    const char *name;
    const char *p, *end;
    /* results */
    char descr[32];
    int have;               /* bits: 1 descr, 2 fortran_order, 4 shape */
    bool fortran;
    int ndim;
    int64_t shape[NN_MAXDIM];
} Hdr;

static NnStatus hbad(Hdr *h, const char *what)
{
    return nn_error(h->ctx, NN_EFORMAT, "%s: bad .npy header: %s", h->name, what);
}

static void hskip(Hdr *h)
{
    while (h->p < h->end && isspace((unsigned char)*h->p))
        h->p++;
}

static bool heat(Hdr *h, char c)
{
    hskip(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return true;
    }
    return false;
}

/* A quoted string into buf (no escapes: numpy's keys and descrs have none). */
static NnStatus hstring(Hdr *h, char *buf, size_t size)
{
    hskip(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return hbad(h, "expected a string");
    char q = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != q) {
        if (n + 1 >= size)
            return hbad(h, "string too long");
        buf[n++] = *h->p++;
    }
    if (h->p >= h->end)
        return hbad(h, "unterminated string");
    h->p++;
    buf[n] = 0;
    return NN_OK;
}

static NnStatus hshape(Hdr *h)
{
    if (!heat(h, '('))
        return hbad(h, "'shape' is not a tuple");
    h->ndim = 0;
    while (!heat(h, ')')) {
        hskip(h);
        if (h->p >= h->end || !isdigit((unsigned char)*h->p))
            return hbad(h, "'shape' holds something other than non-negative integers");
        errno = 0;
        char *e;
        unsigned long long v = strtoull(h->p, &e, 10);
        if (errno || v > (unsigned long long)INT64_MAX)
            return hbad(h, "a dimension in 'shape' is too large");
        if (h->ndim == NN_MAXDIM)
            return nn_error(h->ctx, NN_EFORMAT, "%s: arrays of more than %d dimensions are "
                            "not supported", h->name, NN_MAXDIM);
        h->shape[h->ndim++] = (int64_t)v;
        h->p = e;
        if (h->p < h->end && (*h->p == 'L' || *h->p == 'l'))
            h->p++;
        if (!heat(h, ',')) {
            if (!heat(h, ')'))
                return hbad(h, "'shape' is not a tuple");
            break;
        }
    }
    h->have |= 4;
    return NN_OK;
}

static NnStatus hvalue(Hdr *h, const char *key)
{
    if (strcmp(key, "descr") == 0) {
        hskip(h);
        if (h->p < h->end && *h->p == '[')
            return nn_error(h->ctx, NN_EFORMAT, "%s: structured arrays are not supported",
                            h->name);
        h->have |= 1;
        return hstring(h, h->descr, sizeof h->descr);
    }
    if (strcmp(key, "fortran_order") == 0) {
        hskip(h);
        size_t left = (size_t)(h->end - h->p);
        if (left >= 4 && memcmp(h->p, "True", 4) == 0)
            h->fortran = true, h->p += 4;
        else if (left >= 5 && memcmp(h->p, "False", 5) == 0)
            h->fortran = false, h->p += 5;
        else
            return hbad(h, "'fortran_order' is not True or False");
        h->have |= 2;
        return NN_OK;
    }
    if (strcmp(key, "shape") == 0)
        return hshape(h);
    return nn_error(h->ctx, NN_EFORMAT, "%s: bad .npy header: unexpected key '%s'", h->name,
                    key);
}

/* The dict literal: keys descr, fortran_order, shape, each exactly once. */
static NnStatus hparse(Hdr *h)
{
    if (!heat(h, '{'))
        return hbad(h, "not a dict");
    while (!heat(h, '}')) {
        char key[32];
        NnStatus st = hstring(h, key, sizeof key);
        if (st)
            return st;
        if (!heat(h, ':'))
            return hbad(h, "expected ':' after a key");
        int before = h->have;
        if ((st = hvalue(h, key)))
            return st;
        if (before == h->have)
            return nn_error(h->ctx, NN_EFORMAT, "%s: bad .npy header: key '%s' repeated",
                            h->name, key);
        if (!heat(h, ',')) {
            if (!heat(h, '}'))
                return hbad(h, "expected ',' or '}'");
            break;
        }
    }
    hskip(h);
    if (h->p != h->end)
        return hbad(h, "text after the dict");
    if (h->have != 7)
        return nn_error(h->ctx, NN_EFORMAT, "%s: bad .npy header: missing '%s'", h->name,
                        !(h->have & 1) ? "descr" : !(h->have & 2) ? "fortran_order" : "shape");
    return NN_OK;
}

/* ---- dtypes ---- */

typedef struct {
    char kind;      /* 'f' 'i' 'u' 'b' */
    size_t size;    /* bytes per element in the file */
    bool swap;      /* big-endian in the file */
    NnDType dt;     /* result dtype */
} NpyType;

static bool host_little(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static NnStatus npy_type(Hdr *h, NpyType *ty)
{
    const char *d = h->descr;
    char order = '|';
    if (*d == '<' || *d == '>' || *d == '|' || *d == '=')
        order = *d++;
    if (strcmp(d, "O") == 0 || strncmp(d, "O", 1) == 0)
        return nn_error(h->ctx, NN_EFORMAT, "%s: object arrays are not supported: nnsh never "
                        "unpickles", h->name);
    ty->kind = d[0] == '?' ? 'b' : d[0];
    char *e;
    long sz = d[0] == '?' && d[1] == 0 ? 1 : strtol(d + 1, &e, 10);
    bool ok = d[0] == '?' ? d[1] == 0 : (d[1] && *e == 0);
    static const struct { char k; long s; NnDType dt; } tab[] = {
        {'f', 2, NN_F32}, {'f', 4, NN_F32}, {'f', 8, NN_F64},
        {'i', 1, NN_I32}, {'i', 2, NN_I32}, {'i', 4, NN_I32}, {'i', 8, NN_I64},
        {'u', 1, NN_U8}, {'u', 2, NN_I32}, {'u', 4, NN_I64}, {'u', 8, NN_I64},
        {'b', 1, NN_BOOL},
    };
    for (size_t i = 0; ok && i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].k == ty->kind && tab[i].s == sz) {
            ty->size = (size_t)sz;
            ty->dt = tab[i].dt;
            bool big = order == '>' || (order == '=' && !host_little());
            ty->swap = sz > 1 && (big == host_little());
            return NN_OK;
        }
    return nn_error(h->ctx, NN_EFORMAT, "%s: unsupported dtype '%s' (nnsh reads float16/32/64, "
                    "int8-64, uint8-64 and bool)", h->name, h->descr);
}

static void swap_bytes(unsigned char *p, int64_t n, size_t es)
{
    for (int64_t i = 0; i < n; i++, p += es)
        for (size_t a = 0, b = es - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY)
                                                       : ldexpf((float)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

/* Converts n file elements at src (already in host byte order) to dst. */
static NnStatus npy_widen(Hdr *h, const NpyType *ty, const unsigned char *src, void *dst, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        const unsigned char *s = src + (size_t)i * ty->size;
        if (ty->kind == 'f') {
            uint16_t v;
            memcpy(&v, s, 2);
            ((float *)dst)[i] = half_to_float(v);
        } else if (ty->kind == 'i') {
            int16_t v16 = (int8_t)*s;
            if (ty->size == 2)
                memcpy(&v16, s, 2);
            ((int32_t *)dst)[i] = v16;
        } else if (ty->size == 2) {
            uint16_t v;
            memcpy(&v, s, 2);
            ((int32_t *)dst)[i] = v;
        } else if (ty->size == 4) {
            uint32_t v;
            memcpy(&v, s, 4);
            ((int64_t *)dst)[i] = v;
        } else {
            uint64_t v;
            memcpy(&v, s, 8);
            if (v > (uint64_t)INT64_MAX)
                return nn_error(h->ctx, NN_EFORMAT, "%s: uint64 value %llu does not fit int64",
                                h->name, (unsigned long long)v);
            ((int64_t *)dst)[i] = (int64_t)v;
        }
    }
    return NN_OK;
}

/* ---- reading ---- */

typedef struct {
    NnCtx *ctx;
    const char *name;
    NnReadFn rd;
    void *ud;
    uint64_t total, pos;
} Src;

/* Reads in 16 MiB pieces, polling the interrupt hook between them, so
 * Ctrl-C stops a large load. */
#define SRC_CHUNK ((size_t)16 << 20)

static NnStatus src_read(Src *s, void *buf, size_t n, const char *what)
{
    size_t done = 0;
    while (done < n) {
        size_t want = n - done > SRC_CHUNK ? SRC_CHUNK : n - done;
        if (done && nn_interrupted(s->ctx))
            return NN_EINTR;
        int64_t got = s->rd(s->ud, (char *)buf + done, want);
        if (got < 0)
            return nn_error(s->ctx, NN_EIO, "%s: read error", s->name);
        s->pos += (uint64_t)got;
        done += (size_t)got;
        if ((size_t)got < want)
            break;
    }
    if (done < n)
        return nn_error(s->ctx, NN_EFORMAT, "%s: file ends inside the %s (%zu of %zu bytes)",
                        s->name, what, done, n);
    return NN_OK;
}

/* Magic, version and header length; *hlen checked against the file. */
static NnStatus npy_prefix(Src *s, size_t *hlen)
{
    unsigned char b[12];
    if (s->total < 10)
        return nn_error(s->ctx, NN_EFORMAT, "%s: too short for a .npy file (%llu bytes)",
                        s->name, (unsigned long long)s->total);
    NnStatus st = src_read(s, b, 8, ".npy magic");
    if (st)
        return st;
    if (memcmp(b, "\x93NUMPY", 6) != 0)
        return nn_error(s->ctx, NN_EFORMAT, "%s: not a .npy file (bad magic)", s->name);
    if (b[6] < 1 || b[6] > 3 || b[7] != 0)
        return nn_error(s->ctx, NN_EFORMAT, "%s: unsupported .npy format version %d.%d",
                        s->name, b[6], b[7]);
    size_t nl = b[6] == 1 ? 2 : 4;
    if ((st = src_read(s, b + 8, nl, ".npy header length")))
        return st;
    uint64_t len = b[8] | (uint64_t)b[9] << 8;
    if (nl == 4)
        len |= (uint64_t)b[10] << 16 | (uint64_t)b[11] << 24;
    if (len > NPY_MAX_HEADER)
        return nn_error(s->ctx, NN_EFORMAT, "%s: .npy header of %llu bytes is too large",
                        s->name, (unsigned long long)len);
    if (len > s->total - s->pos)
        return nn_error(s->ctx, NN_EFORMAT,
                        "%s: .npy header of %llu bytes runs past the end of the file (%llu bytes)",
                        s->name, (unsigned long long)len, (unsigned long long)s->total);
    *hlen = (size_t)len;
    return NN_OK;
}

static NnStatus npy_header(Src *s, Hdr *h, NpyType *ty)
{
    size_t hlen = 0;
    NnStatus st = npy_prefix(s, &hlen);
    if (st)
        return st;
    char *buf = nn_alloc(s->ctx, hlen + 1, ".npy header");
    if (!buf)
        return NN_ENOMEM;
    st = src_read(s, buf, hlen, ".npy header");
    if (!st) {
        *h = (Hdr){.ctx = s->ctx, .name = s->name, .p = buf, .end = buf + hlen};
        st = hparse(h);
    }
    nn_free(s->ctx, buf);
    h->p = h->end = NULL;
    return st ? st : npy_type(h, ty);
}

/* Element count and file bytes, checked against what follows the header. */
static NnStatus npy_sizes(Src *s, const Hdr *h, const NpyType *ty, int64_t *n)
{
    uint64_t cnt = 1;
    for (int i = 0; i < h->ndim; i++) {
        if (h->shape[i] && cnt > (uint64_t)INT64_MAX / 8 / (uint64_t)h->shape[i])
            return nn_error(s->ctx, NN_EFORMAT, "%s: .npy shape overflows", s->name);
        cnt *= (uint64_t)h->shape[i];
    }
    uint64_t bytes = cnt * ty->size;
    if (bytes > s->total - s->pos)
        return nn_error(s->ctx, NN_EFORMAT,
                        "%s: .npy data is %llu bytes but only %llu follow the header", s->name,
                        (unsigned long long)bytes, (unsigned long long)(s->total - s->pos));
    *n = (int64_t)cnt;
    return NN_OK;
}

/* Reads n elements into t (shape already set), converting as needed. */
static NnStatus npy_body(Src *s, Hdr *h, const NpyType *ty, NnTensor *t, int64_t n)
{
    size_t bytes = (size_t)n * ty->size;
    /* uint64 has int64's size but must be range-checked (npy_widen) */
    bool direct = ty->size == nn_dtype_size(t->dtype) && !(ty->kind == 'f' && ty->size == 2) &&
                  !(ty->kind == 'u' && ty->size == 8);
    unsigned char *raw = direct ? t->buf->data : nn_alloc(s->ctx, bytes ? bytes : 1, ".npy data");
    if (!raw)
        return NN_ENOMEM;
    NnStatus st = src_read(s, raw, bytes, ".npy data");
    if (!st && ty->swap)
        swap_bytes(raw, n, ty->size);
    if (!st && !direct)
        st = npy_widen(h, ty, raw, t->buf->data, n);
    if (!st && t->dtype == NN_BOOL)
        for (int64_t i = 0; i < n; i++)
            raw[i] = raw[i] != 0;
    if (!direct)
        nn_free(s->ctx, raw);
    return st;
}

/* Fortran order: the data is the C-order array of the reversed shape. */
static NnTensor *npy_from_fortran(NnCtx *ctx, NnTensor *t)
{
    NnTensor *tr = nn_tensor_transpose(ctx, t, NULL);
    NnTensor *c = tr ? nn_tensor_copy(ctx, tr) : NULL;
    nn_tensor_unref(tr);
    nn_tensor_unref(t);
    return c;
}

NnTensor *nn_npy_read(NnCtx *ctx, const char *name, NnReadFn rd, void *ud, uint64_t total)
{
    Src s = {.ctx = ctx, .name = name, .rd = rd, .ud = ud, .total = total};
    Hdr h;
    NpyType ty = {0};
    int64_t n = 0, shape[NN_MAXDIM];
    if (npy_header(&s, &h, &ty) || npy_sizes(&s, &h, &ty, &n))
        return NULL;
    for (int i = 0; i < h.ndim; i++)
        shape[i] = h.fortran ? h.shape[h.ndim - 1 - i] : h.shape[i];
    NnTensor *t = nn_tensor_empty(ctx, ty.dt, h.ndim, shape);
    if (!t)
        return NULL;
    if (npy_body(&s, &h, &ty, t, n)) {
        nn_tensor_unref(t);
        return NULL;
    }
    return h.fortran && h.ndim > 1 ? npy_from_fortran(ctx, t) : t;
}

static int64_t file_read(void *ud, void *buf, size_t n)
{
    size_t got = fread(buf, 1, n, ud);
    return got < n && ferror((FILE *)ud) ? -1 : (int64_t)got;
}

NnTensor *nn_npy_load(NnCtx *ctx, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f) {
        nn_error(ctx, NN_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        nn_error(ctx, NN_EIO, "%s: not a regular file", path);
        return NULL;
    }
    NnTensor *t = nn_npy_read(ctx, path, file_read, f, (uint64_t)sb.st_size);
    fclose(f);
    return t;
}

/* ---- writing ---- */

static const char *npy_descr(NnDType dt)
{
    static const char *const d[NN_NDTYPES] = {"|b1", "|u1", "<i4", "<i8", "<f4", "<f8"};
    return d[dt];
}

char *nn_npy_header(NnCtx *ctx, const NnTensor *t, size_t *len)
{
    char dict[64 + NN_MAXDIM * 24 + 32], shp[NN_MAXDIM * 24 + 8];
    nn_shape_str(t->ndim, t->shape, shp, sizeof shp);
    int dl = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      npy_descr(t->dtype), shp);
    if (t->ndim > 0) {   /* numpy's spare room for growing axis 0 in place */
        char d0[24];
        int w = snprintf(d0, sizeof d0, "%lld", (long long)t->shape[0]);
        for (int i = w; i < 21; i++)
            dict[dl++] = ' ';
        dict[dl] = 0;
    }
    size_t hlen = (size_t)dl + 1;
    size_t pre = 10;   /* 8 dims always fit version 1.0's 16-bit length */
    size_t pad = 64 - (pre + hlen) % 64;
    *len = pre + hlen + pad;
    char *b = nn_alloc(ctx, *len, ".npy header");
    if (!b)
        return NULL;
    memcpy(b, "\x93NUMPY", 6);
    b[6] = pre == 10 ? 1 : 2;
    b[7] = 0;
    size_t body = hlen + pad;
    for (size_t k = 0; k < pre - 8; k++)
        b[8 + k] = (char)(unsigned char)(body >> (8 * k));
    memcpy(b + pre, dict, (size_t)dl);
    memset(b + pre + dl, ' ', pad);
    b[*len - 1] = '\n';
    return b;
}

/* t's elements in C order, little-endian, to f. */
static NnStatus npy_write_data(NnCtx *ctx, const char *path, FILE *f, const NnTensor *t)
{
    NnTensor *c = nn_tensor_contiguous(ctx, (NnTensor *)t);
    if (!c)
        return nn_status(ctx);
    size_t es = nn_dtype_size(c->dtype), n = (size_t)nn_tensor_numel(c);
    NnStatus st = NN_OK;
    if (!host_little() && es > 1) {
        unsigned char tmp[8];
        const unsigned char *p = nn_tensor_data(c);
        for (size_t i = 0; i < n && !st; i++) {
            memcpy(tmp, p + i * es, es);
            swap_bytes(tmp, 1, es);
            if (fwrite(tmp, 1, es, f) != es)
                st = NN_EIO;
        }
    } else if (n && fwrite(nn_tensor_data(c), es, n, f) != n) {
        st = NN_EIO;
    }
    nn_tensor_unref(c);
    return st ? nn_error(ctx, NN_EIO, "%s: write failed: %s", path, strerror(errno)) : NN_OK;
}

NnStatus nn_npy_save(NnCtx *ctx, const char *path, const NnTensor *t)
{
    size_t hlen;
    char *tmp = NULL;
    char *head = nn_npy_header(ctx, t, &hlen);
    if (!head)
        return NN_ENOMEM;
    FILE *f = nn_io_tmp_open(ctx, path, &tmp);
    NnStatus st = f ? NN_OK : NN_EIO;
    if (!st && fwrite(head, 1, hlen, f) != hlen)
        st = nn_error(ctx, NN_EIO, "%s: write failed: %s", path, strerror(errno));
    nn_free(ctx, head);
    if (!st)
        st = npy_write_data(ctx, path, f, t);
    if (st) {
        if (f)
            nn_io_tmp_abort(ctx, f, tmp);
        return st;
    }
    return nn_io_tmp_commit(ctx, f, tmp, path);
}
