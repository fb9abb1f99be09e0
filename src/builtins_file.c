/* builtins_file.c - open() and Python's text file objects: read, readline,
 * readlines, write, writelines, close, iteration over lines and `with`.
 * Text mode only (nnsh has no bytes type); errors are Python's
 * ("[Errno 2] No such file or directory: 'x.txt'", "I/O operation on closed
 * file.").
 *
 * Owned by the built-ins engineer; open is registered by builtins.c.
 * Depends on value.h and interp.h only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "methods_internal.h"

typedef struct PyFile {
    FILE *fp;           /* NULL once closed */
    char *name;
    char mode[4];
    bool readable, writable;
    bool borrowed;      /* sys.stdin: never closed here */
} PyFile;

static const NativeClass file_class;

static PyFile *F(Value v)
{
    return native_obj_data(v, &file_class);
}

static void file_finalize(void *data)
{
    PyFile *f = data;
    if (f->fp && !f->borrowed)
        fclose(f->fp);
    free(f->name);
    free(f);
}

static bool open_file(Interp *I, PyFile *f, Value self, bool want_write, bool want_read)
{
    (void)self;
    if (!f->fp)
        return interp_error(I, ERR_VALUE, "I/O operation on closed file.");
    if (want_write && !f->writable)
        return interp_error(I, ERR_IO, "not writable");
    if (want_read && !f->readable)
        return interp_error(I, ERR_IO, "not readable");
    return true;
}

/* ---- reading ---- */

/* Appends characters to sb up to and including a newline (stop_at_nl) or
 * `limit` characters (< 0: no limit); *eof when nothing was read. */
static void read_chars(FILE *fp, StrBuf *sb, int64_t limit, bool stop_at_nl, bool *eof)
{
    int c;
    int64_t n = 0;
    *eof = true;
    while ((c = getc(fp)) != EOF) {
        if ((c & 0xC0) != 0x80) {          /* the first byte of a character */
            if (limit >= 0 && n == limit) {
                ungetc(c, fp);
                break;
            }
            n++;
        }
        *eof = false;
        sb_putc(sb, (char)c);
        if (c == '\n' && stop_at_nl)
            break;
    }
}

static void read_line(FILE *fp, StrBuf *sb, int64_t limit, bool *eof)
{
    read_chars(fp, sb, limit, true, eof);
}

static bool f_read(Interp *I, Value self, const Args *a, Value *out)
{
    Value sv;
    int64_t size = -1;
    PyFile *f = F(self);
    if (!args_parse(I, "read", a, "size=", &sv) || !open_file(I, f, self, false, true))
        return false;
    if (sv.kind != VAL_UNSET && sv.kind != VAL_NONE && !arg_int(I, "read", "size", sv, &size))
        return false;
    StrBuf sb;
    sb_init(&sb);
    if (size >= 0) {
        bool eof;
        read_chars(f->fp, &sb, size, false, &eof);
    } else {
        char buf[8192];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f->fp)) > 0)
            sb_append(&sb, buf, got);
    }
    return sb_to_str(I, &sb, out);
}

static bool f_readline(Interp *I, Value self, const Args *a, Value *out)
{
    Value sv;
    int64_t size = -1;
    bool eof;
    PyFile *f = F(self);
    if (!args_parse(I, "readline", a, "size=", &sv) || !open_file(I, f, self, false, true))
        return false;
    if (sv.kind != VAL_UNSET && sv.kind != VAL_NONE && !arg_int(I, "readline", "size", sv, &size))
        return false;
    StrBuf sb;
    sb_init(&sb);
    read_line(f->fp, &sb, size, &eof);
    return sb_to_str(I, &sb, out);
}

static bool f_readlines(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], list;
    PyFile *f = F(self);
    if (!args_parse(I, "readlines", a, "", none_) || !open_file(I, f, self, false, true) ||
        !list_new(I, 0, &list))
        return false;
    for (;;) {
        StrBuf sb;
        bool eof;
        Value line;
        sb_init(&sb);
        read_line(f->fp, &sb, -1, &eof);
        if (eof) {
            sb_free(&sb);
            break;
        }
        bool ok = sb_to_str(I, &sb, &line) && list_append(I, list, line);
        if (!ok) {
            value_decref(list);
            return false;
        }
        value_decref(line);
    }
    *out = list;
    return true;
}

/* for line in f: the file is its own iterator. */
static bool file_iter(Interp *I, Value self, Value *out)
{
    if (!open_file(I, F(self), self, false, true))
        return false;
    value_incref(self);
    *out = self;
    return true;
}

static bool file_next(Interp *I, Value self, Value *out, bool *done)
{
    PyFile *f = F(self);
    bool eof;
    if (!open_file(I, f, self, false, true))
        return false;
    StrBuf sb;
    sb_init(&sb);
    read_line(f->fp, &sb, -1, &eof);
    *done = eof;
    if (eof) {
        sb_free(&sb);
        return true;
    }
    return sb_to_str(I, &sb, out);
}

/* ---- writing ---- */

static bool f_write(Interp *I, Value self, const Args *a, Value *out)
{
    Value s;
    PyFile *f = F(self);
    if (!args_parse(I, "write", a, "s", &s) || !open_file(I, f, self, true, false))
        return false;
    if (!val_is_obj(s, OBJ_STR))
        return interp_error(I, ERR_TYPE, "write() argument must be str, not %s",
                            s.kind == VAL_NONE ? "NoneType" : value_type_name(s));
    if (fwrite(str_cstr(s), 1, as_str(s)->len, f->fp) != as_str(s)->len)
        return interp_error(I, ERR_IO, "[Errno %d] %s: '%s'", errno, strerror(errno), f->name);
    *out = val_int((int64_t)meth_cp_count(str_cstr(s), as_str(s)->len));
    return true;
}

static bool f_writelines(Interp *I, Value self, const Args *a, Value *out)
{
    Value it, items, r;
    if (!args_parse(I, "writelines", a, "lines", &it) || !value_to_list(I, it, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Args one = {1, &as_list(items)->items[i], 0, NULL, NULL};
        ok = f_write(I, self, &one, &r);
    }
    value_decref(items);
    if (ok)
        *out = val_none();
    return ok;
}

static bool f_flush(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    PyFile *f = F(self);
    if (!args_parse(I, "flush", a, "", none_) || !open_file(I, f, self, false, false))
        return false;
    fflush(f->fp);
    *out = val_none();
    return true;
}

static bool f_close(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    PyFile *f = F(self);
    if (!args_parse(I, "close", a, "", none_))
        return false;
    if (f->fp && f->borrowed) {
        f->fp = NULL;
    } else if (f->fp) {
        int rc = fclose(f->fp);
        f->fp = NULL;
        if (rc != 0)
            return interp_error(I, ERR_IO, "[Errno %d] %s: '%s'", errno, strerror(errno), f->name);
    }
    *out = val_none();
    return true;
}

static bool file_enter(Interp *I, Value self, Value *out)
{
    if (!open_file(I, F(self), self, false, false))
        return false;
    value_incref(self);
    *out = self;
    return true;
}

static bool file_exit(Interp *I, Value self, bool error_pending)
{
    (void)I;
    (void)error_pending;
    PyFile *f = F(self);
    if (f->fp && !f->borrowed)
        fclose(f->fp);
    f->fp = NULL;
    return true;
}

static bool file_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    PyFile *f = F(self);
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, f->name, out);
    if (strcmp(name, "mode") == 0)
        return str_from_cstr(I, f->mode, out);
    if (strcmp(name, "closed") == 0) {
        *out = val_bool(f->fp == NULL);
        return true;
    }
    *found = false;
    return true;
}

static bool file_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    PyFile *f = F(self);
    if (!f->fp) {
        sb_puts(sb, "<_io.TextIOWrapper [closed]>");
        return true;
    }
    sb_printf(sb, "<_io.TextIOWrapper name='%s' mode='%s' encoding='UTF-8'>", f->name, f->mode);
    return true;
}

static const NativeDef file_methods[] = {
    {"close", f_close, "close()", "Closes the file (with-blocks do it for you).\nExample: f.close()"},
    {"flush", f_flush, "flush()", "Writes buffered data to the file.\nExample: f.flush()"},
    {"read", f_read, "read(size=-1)", "Reads the rest of the file (or at most size characters) as a str.\nExample: text = open('notes.txt').read()"},
    {"readline", f_readline, "readline(size=-1)", "Reads one line, with its newline ('' at the end of the file).\nExample: header = f.readline()"},
    {"readlines", f_readlines, "readlines()", "Reads the remaining lines into a list.\nExample: lines = f.readlines()"},
    {"write", f_write, "write(s)", "Writes the string s; returns the number of characters.\nExample: f.write('loss,acc\\n')"},
    {"writelines", f_writelines, "writelines(lines)", "Writes each string of lines (no newlines are added).\nExample: f.writelines(['a\\n', 'b\\n'])"},
    {NULL, NULL, NULL, NULL},
};

static const char *const file_attrs[] = {"closed", "mode", "name", NULL};

static const NativeClass file_class = {
    .name = "TextIOWrapper", .finalize = file_finalize, .getattr = file_getattr,
    .repr = file_repr, .iter = file_iter, .next = file_next, .enter = file_enter,
    .exit = file_exit, .attrs = file_attrs, .methods = file_methods,
    .doc = "A text file from open(): read/readline/readlines, write/writelines, iteration "
           "over lines, close, and `with open(...) as f:`.",
};

/* Checks a mode string ("r", "w", "a", "x", optionally "+" and "t"). */
static bool parse_mode(Interp *I, const char *mode, PyFile *f, const char **cmode)
{
    char kind = 0;
    bool plus = false;
    for (const char *p = mode; *p; p++) {
        if (strchr("rwax", *p) && !kind)
            kind = *p;
        else if (*p == '+' && !plus)
            plus = true;
        else if (*p == 'b')
            return interp_error(I, ERR_VALUE, "binary mode '%s' is not supported: nnsh has no "
                                "bytes type (use text mode)", mode);
        else if (*p != 't')
            return interp_error(I, ERR_VALUE, "invalid mode: '%s'", mode);
    }
    if (!kind)
        return interp_error(I, ERR_VALUE, "Must have exactly one of create/read/write/append "
                            "mode and at most one plus");
    f->readable = kind == 'r' || plus;
    f->writable = kind != 'r' || plus;
    static const char *const cm[4][2] = {{"r", "r+"}, {"w", "w+"}, {"a", "a+"}, {"wx", "w+x"}};
    *cmode = cm[strchr("rwax", kind) - "rwax"][plus];
    snprintf(f->mode, sizeof f->mode, "%c%s", kind, plus ? "+" : "");
    return true;
}

bool builtins_open(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[6];
    const char *name, *mode = "r", *cmode = "r";
    if (!args_parse(I, "open", a, "file, mode=, buffering=, encoding=, *, errors=, newline=", v))
        return false;
    if (!val_is_obj(v[0], OBJ_STR))
        return interp_error(I, ERR_TYPE, "expected str, bytes or os.PathLike object, not %s",
                            value_type_name(v[0]));
    name = str_cstr(v[0]);
    if (v[1].kind != VAL_UNSET && !arg_str(I, "open", "mode", v[1], &mode))
        return false;
    PyFile *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(name))) {
        free(f);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    if (!parse_mode(I, mode, f, &cmode) || !(f->fp = fopen(name, cmode))) {
        if (!interp_error_pending(I))
            interp_error(I, errno == ENOENT ? ERR_FILE_NOT_FOUND : ERR_IO,
                         "[Errno %d] %s: '%s'", errno, strerror(errno), name);
        file_finalize(f);
        return false;
    }
    return native_obj_new(I, &file_class, f, out);
}

bool builtins_file_stdin(Interp *I, Value *out)
{
    PyFile *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup("<stdin>"))) {
        free(f);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    f->fp = stdin;
    f->borrowed = true;
    f->readable = true;
    strcpy(f->mode, "r");
    return native_obj_new(I, &file_class, f, out);
}
