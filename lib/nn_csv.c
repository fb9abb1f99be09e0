/* nn_csv.c - text tables: np.loadtxt and np.genfromtxt semantics, and
 * np.savetxt.
 *
 * Part of the data-file readers (nn_io.h).  The file is read line by line
 * into a buffer that grows through the ctx allocator; values accumulate as
 * doubles (or int64 for integer dtypes, so large ints stay exact) and the
 * result is made once the column count is known.  loadtxt errors name the
 * file, the 1-based line and column: "data.csv:3:2: could not convert
 * string 'abc' to float64".  genfromtxt fills empty or unparsable fields.
 */
#include "nn_io_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void nn_text_options_init(NnTextOptions *o)
{
    *o = (NnTextOptions){.comments = "#", .dtype = NN_F64, .max_rows = -1, .filling = NAN};
}

typedef struct {
    NnCtx *ctx;
    const char *path;
    const NnTextOptions *o;
    FILE *f;
    char *line;           /* current line, NUL-terminated */
    size_t cap;
    int64_t lineno;
    /* fields of the current line (pointers into line) */
    char **fld;
    int nfld, fldcap;
    /* values */
    union { double *d; int64_t *i; } v;
    int64_t nv, vcap;
    int64_t rows;
    int ncols;            /* selected columns per row; -1 before the first row */
    int rawcols;          /* fields in the first row */
} Txt;

/* Reads one line (without its newline); false at the end of the file. */
static NnStatus txt_getline(Txt *t, bool *eof)
{
    size_t n = 0;
    int c;
    while ((c = getc(t->f)) != EOF && c != '\n') {
        if (n + 2 > t->cap) {
            size_t nc = t->cap ? t->cap * 2 : 256;
            char *nl = nn_realloc(t->ctx, t->line, nc, "text line");
            if (!nl)
                return NN_ENOMEM;
            t->line = nl;
            t->cap = nc;
        }
        t->line[n++] = (char)c;
    }
    if (ferror(t->f))
        return nn_error(t->ctx, NN_EIO, "%s: %s", t->path, strerror(errno));
    *eof = c == EOF && n == 0;
    if (!t->line && !*eof && !(t->line = nn_alloc(t->ctx, t->cap = 256, "text line")))
        return NN_ENOMEM;
    if (t->line) {
        if (n && t->line[n - 1] == '\r')
            n--;
        t->line[n] = 0;
    }
    t->lineno++;
    return NN_OK;
}

static NnStatus txt_addfield(Txt *t, char *s)
{
    if (t->nfld == t->fldcap) {
        int nc = t->fldcap ? t->fldcap * 2 : 16;
        char **nf = nn_realloc(t->ctx, t->fld, (size_t)nc * sizeof *nf, "text fields");
        if (!nf)
            return NN_ENOMEM;
        t->fld = nf;
        t->fldcap = nc;
    }
    t->fld[t->nfld++] = s;
    return NN_OK;
}

static char *strip(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/* Cuts the comment, splits into fields; nfld 0 for a blank line. */
static NnStatus txt_split(Txt *t, char *s)
{
    t->nfld = 0;
    const char *cm = t->o->comments;
    char *c = cm && *cm ? strstr(s, cm) : NULL;
    if (c)
        *c = 0;
    const char *d = t->o->delimiter;
    if (!d || !*d) {
        for (char *tok = strtok(s, " \t\v\f\r"); tok; tok = strtok(NULL, " \t\v\f\r"))
            if (txt_addfield(t, tok))
                return NN_ENOMEM;
        return NN_OK;
    }
    if (*strip(s) == 0)
        return NN_OK;
    size_t dl = strlen(d);
    for (;;) {
        /* strchr for the usual one-byte delimiter: the sanitizers' strstr
         * measures the whole rest of the line on every call (quadratic on a
         * 1 MiB line of short fields) */
        char *e = dl == 1 ? strchr(s, *d) : strstr(s, d);
        if (e)
            *e = 0;
        if (txt_addfield(t, strip(s)))
            return NN_ENOMEM;
        if (!e)
            return NN_OK;
        s = e + dl;
    }
}

static NnStatus txt_push(Txt *t, double d, int64_t i)
{
    if (t->nv == t->vcap) {
        int64_t nc = t->vcap ? t->vcap * 2 : 1024;
        void *nv = nn_realloc(t->ctx, t->v.d, (size_t)nc * 8, "text values");
        if (!nv)
            return NN_ENOMEM;
        t->v.d = nv;
        t->vcap = nc;
    }
    if (nn_dtype_is_float(t->o->dtype))
        t->v.d[t->nv++] = d;
    else
        t->v.i[t->nv++] = i;
    return NN_OK;
}

/* Parses one field as the result dtype; false when it is not a number. */
static bool txt_parse(const Txt *t, const char *s, double *d, int64_t *i)
{
    char *e;
    if (!*s)
        return false;
    errno = 0;
    if (nn_dtype_is_float(t->o->dtype)) {
        *d = strtod(s, &e);
        return *e == 0;
    }
    if (t->o->dtype == NN_BOOL && (strcmp(s, "True") == 0 || strcmp(s, "False") == 0)) {
        *i = s[0] == 'T';
        return true;
    }
    long long v = strtoll(s, &e, 10);
    if (*e) {   /* numpy 1.23+ still takes integral floats ("4.0"), deprecated */
        double f = strtod(s, &e);
        if (*e || f != floor(f) || fabs(f) > 9.2e18)
            return false;
        v = (long long)f;
    } else if (errno) {
        return false;
    }
    *i = t->o->dtype == NN_BOOL ? v != 0 : v;
    if (t->o->dtype == NN_U8)
        *i = (uint8_t)v;
    else if (t->o->dtype == NN_I32)
        *i = (int32_t)v;
    return true;
}

static NnStatus txt_value(Txt *t, int col)
{
    const char *s = t->fld[col];
    double d = 0;
    int64_t i = 0;
    if (!txt_parse(t, s, &d, &i)) {
        if (!t->o->genfromtxt)
            return nn_error(t->ctx, NN_EFORMAT, "%s:%lld:%d: could not convert string '%s' to %s",
                            t->path, (long long)t->lineno, col + 1, s,
                            nn_dtype_name(t->o->dtype));
        d = t->o->filling;
        i = isnan(d) ? -1 : (int64_t)d;
    }
    return txt_push(t, d, i);
}

/* The column indices of a row with n fields (usecols or all). */
static NnStatus txt_row(Txt *t)
{
    if (t->ncols < 0) {
        t->rawcols = t->nfld;
        t->ncols = t->o->usecols ? t->o->nusecols : t->nfld;
    } else if (!t->o->usecols && t->nfld != t->rawcols) {
        return nn_error(t->ctx, NN_EFORMAT, "%s:%lld: the number of columns changed from %d to "
                        "%d; use usecols to select a subset", t->path, (long long)t->lineno,
                        t->rawcols, t->nfld);
    }
    for (int k = 0; k < t->ncols; k++) {
        int c = t->o->usecols ? t->o->usecols[k] : k;
        if (c < 0)
            c += t->nfld;
        if (c < 0 || c >= t->nfld)
            return nn_error(t->ctx, NN_EFORMAT, "%s:%lld: invalid column index %d for a row "
                            "with %d columns", t->path, (long long)t->lineno,
                            t->o->usecols ? t->o->usecols[k] : k, t->nfld);
        NnStatus st = txt_value(t, c);
        if (st)
            return st;
    }
    t->rows++;
    return NN_OK;
}

/* genfromtxt names=True: the first line (after skip_header), comment
 * marker allowed, split like data; spaces inside a name become '_'. */
static NnStatus txt_names(Txt *t, char ***names, int *nnames)
{
    char *s = t->line;
    const char *cm = t->o->comments;
    while (isspace((unsigned char)*s))
        s++;
    if (cm && *cm && strncmp(s, cm, strlen(cm)) == 0)
        s += strlen(cm);
    NnTextOptions tmp = *t->o;
    tmp.comments = NULL;
    const NnTextOptions *o = t->o;
    t->o = &tmp;
    NnStatus st = txt_split(t, s);
    t->o = o;
    if (st)
        return st;
    *names = nn_calloc(t->ctx, (size_t)t->nfld + 1, sizeof **names, "column names");
    if (!*names)
        return NN_ENOMEM;
    for (int k = 0; k < t->nfld; k++) {
        char *nm = strip(t->fld[k]);
        size_t n = strlen(nm);
        char *d = nn_alloc(t->ctx, n + 1, "column name");
        if (!d) {
            nn_text_names_free(t->ctx, *names, k);
            *names = NULL;
            return NN_ENOMEM;
        }
        for (size_t j = 0; j <= n; j++)
            d[j] = nm[j] == ' ' ? '_' : nm[j];
        (*names)[k] = d;
        *nnames = k + 1;
    }
    return NN_OK;
}

void nn_text_names_free(NnCtx *ctx, char **names, int n)
{
    if (!names)
        return;
    for (int i = 0; i < n; i++)
        nn_free(ctx, names[i]);
    nn_free(ctx, names);
}

static NnStatus txt_read(Txt *t, char ***names, int *nnames)
{
    bool eof = false, want_names = t->o->names && names;
    NnStatus st = NN_OK;
    for (int64_t k = 0; k < t->o->skiprows && !st && !eof; k++)
        st = txt_getline(t, &eof);
    while (!st && (t->o->max_rows < 0 || t->rows < t->o->max_rows)) {
        if ((t->lineno & 4095) == 4095 && nn_interrupted(t->ctx))
            return NN_EINTR;   /* Ctrl-C in a large table */
        if ((st = txt_getline(t, &eof)) || eof)
            break;
        if (want_names) {
            char *s = t->line;
            while (isspace((unsigned char)*s))
                s++;
            if (!*s)
                continue;
            want_names = false;
            st = txt_names(t, names, nnames);
            continue;
        }
        if (!(st = txt_split(t, t->line)) && t->nfld)
            st = txt_row(t);
    }
    return st;
}

/* loadtxt's _ensure_ndmin_ndarray: squeeze, then pad up to ndmin. */
static void txt_shape(const Txt *t, int *ndim, int64_t *shape)
{
    int64_t full[2] = {t->rows, t->ncols < 0 ? 0 : t->ncols};
    int n = 0;
    if (t->o->names) {
        shape[0] = full[0];
        shape[1] = full[1];
        *ndim = 2;
        return;
    }
    if (t->rows == 0) {            /* no data: numpy gives shape (0,) */
        shape[n++] = 0;
    } else if (t->o->ndmin >= 2) {
        shape[n++] = full[0];
        shape[n++] = full[1];
    } else {
        for (int k = 0; k < 2; k++)
            if (full[k] != 1)
                shape[n++] = full[k];
    }
    if (n < t->o->ndmin && t->o->ndmin == 1) {
        shape[n++] = 1;
    } else if (n < t->o->ndmin) {  /* atleast_2d(a).T: (k,) -> (k, 1), () -> (1, 1) */
        if (n == 0)
            shape[0] = 1;
        shape[1] = 1;
        n = 2;
    }
    *ndim = n;
}

static NnTensor *txt_result(Txt *t)
{
    int ndim;
    int64_t shape[2];
    txt_shape(t, &ndim, shape);
    NnTensor *r = nn_tensor_empty(t->ctx, t->o->dtype, ndim, shape);
    if (!r)
        return NULL;
    void *p = r->buf->data;
    bool fl = nn_dtype_is_float(t->o->dtype);
    for (int64_t i = 0; i < t->nv; i++) {
        if (fl)
            nn_store_f64((char *)p + i * (int64_t)nn_dtype_size(r->dtype), r->dtype, t->v.d[i]);
        else
            nn_store_i64((char *)p + i * (int64_t)nn_dtype_size(r->dtype), r->dtype, t->v.i[i]);
    }
    return r;
}

NnTensor *nn_text_load(NnCtx *ctx, const char *path, const NnTextOptions *o, char ***names,
                       int *nnames)
{
    NnTextOptions def;
    if (!o) {
        nn_text_options_init(&def);
        o = &def;
    }
    if (names)
        *names = NULL;
    if (nnames)
        *nnames = 0;
    Txt t = {.ctx = ctx, .path = path, .o = o, .ncols = -1};
    int nn = 0;
    NnTensor *r = NULL;
    if (o->ndmin < 0 || o->ndmin > 2) {
        nn_error(ctx, NN_EARG, "Illegal value of ndmin keyword: %d", o->ndmin);
        return NULL;
    }
    if (!(t.f = fopen(path, "r"))) {
        nn_error(ctx, NN_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!txt_read(&t, names, &nn))
        r = txt_result(&t);
    fclose(t.f);
    nn_free(ctx, t.line);
    nn_free(ctx, t.fld);
    nn_free(ctx, t.v.d);
    if (!r && names) {
        nn_text_names_free(ctx, *names, nn);
        *names = NULL;
        nn = 0;
    }
    if (nnames)
        *nnames = nn;
    return r;
}

NnStatus nn_text_save(NnCtx *ctx, const char *path, const NnTensor *t, const char *fmt,
                      const char *delimiter)
{
    if (t->ndim < 1 || t->ndim > 2)
        return nn_error(ctx, NN_EARG, "Expected 1D or 2D array, got %dD array instead", t->ndim);
    fmt = fmt ? fmt : "%.18e";
    delimiter = delimiter ? delimiter : " ";
    int64_t rows = t->shape[0], cols = t->ndim == 2 ? t->shape[1] : 1;
    char *tmp = NULL;
    FILE *f = nn_io_tmp_open(ctx, path, &tmp);
    if (!f)
        return NN_EIO;
    /* a single %d/%i/%u conversion prints the value truncated, as Python's % */
    char ifmt[64];
    size_t fl = strlen(fmt);
    bool isint = fl > 1 && fl < sizeof ifmt - 3 && strchr("diu", fmt[fl - 1]) &&
                 strchr(fmt, '%') == strrchr(fmt, '%');
    if (isint)
        snprintf(ifmt, sizeof ifmt, "%.*sll%c", (int)(fl - 1), fmt, fmt[fl - 1]);
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) {
            double v = nn_tensor_get_f64(t, r * cols + c);
            if (c)
                fputs(delimiter, f);
            if (isint)
                fprintf(f, ifmt, (long long)(nn_dtype_is_float(t->dtype) ? (long long)v
                                             : nn_tensor_get_i64(t, r * cols + c)));
            else
                fprintf(f, fmt, v);
            if (c == cols - 1)
                fputc('\n', f);
        }
    if (ferror(f)) {
        nn_io_tmp_abort(ctx, f, tmp);
        return nn_error(ctx, NN_EIO, "%s: write failed", path);
    }
    return nn_io_tmp_commit(ctx, f, tmp, path);
}
