/* mod_data.c - numpy's file functions: np.save, np.load (arrays and the
 * NpzFile of an .npz), np.savez, np.savez_compressed, np.loadtxt,
 * np.genfromtxt, np.savetxt.  They are added to the numpy module by
 * data_install_numpy (modules.h).
 *
 * Owned by the data part.  The formats are lib's (nn_io.h); this file
 * parses arguments as numpy does, names files as numpy does (np.save adds
 * ".npy", np.savez ".npz") and turns lib errors into Python's exceptions.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tensor_value.h"
#include "modules.h"
#include "mod_data.h"

bool data_nn_error(Interp *I)
{
    return interp_error_from_nn(I);
}

/* An ndarray (0-d stays an array, as np.load and np.loadtxt return). */
static bool array_value(Interp *I, NnTensor *t, Value *out)
{
    if (!t)
        return data_nn_error(I);
    return tensor_value_new(I, t, TENSOR_NP, out);
}

bool data_path_arg(Interp *I, const char *fname, Value v, const char **out)
{
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s() expected a file name (str), not %s", fname,
                            value_type_name(v));
    *out = str_cstr(v);
    return true;
}

bool data_check_readable(Interp *I, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return true;
    int e = errno;
    return interp_error(I, e == ENOENT ? ERR_FILE_NOT_FOUND : ERR_IO,
                        "[Errno %d] %s: '%s'", e, strerror(e), path);
}

/* path + ext unless it already ends with ext (malloc'd). */
static char *with_ext(Interp *I, const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    bool has = n >= e && strcmp(path + n - e, ext) == 0;
    char *p = malloc(n + e + 1);
    if (!p) {
        interp_error(I, ERR_MEMORY, "out of memory");
        return NULL;
    }
    memcpy(p, path, n);
    strcpy(p + n, has ? "" : ext);
    return p;
}

/* ---------------------------------------------------------------- NpzFile */

typedef struct {
    NnNpz *z;      /* NULL once closed */
} NpzObj;

static void npz_finalize(void *data)
{
    NpzObj *o = data;
    nn_npz_close(o->z);
    free(o);
}

static NpzObj *npz_open_obj(Interp *I, Value self)
{
    NpzObj *o = native_obj_data(self, &data_npz_class);
    if (!o->z)
        interp_error(I, ERR_VALUE, "I/O operation on closed file.");
    return o->z ? o : NULL;
}

static bool npz_files(Interp *I, NpzObj *o, Value *out)
{
    if (!list_new(I, (size_t)nn_npz_count(o->z), out))
        return false;
    for (int i = 0; i < nn_npz_count(o->z); i++) {
        Value s;
        if (!str_from_cstr(I, nn_npz_name(o->z, i), &s) || !list_append(I, *out, s)) {
            value_decref(*out);
            return false;
        }
        value_decref(s);
    }
    return true;
}

static bool npz_getitem(Interp *I, Value self, Value key, Value *out)
{
    NpzObj *o = npz_open_obj(I, self);
    if (!o)
        return false;
    if (!val_is_obj(key, OBJ_STR))
        return interp_error(I, ERR_KEY, "'%s is not a file in the archive'", value_type_name(key));
    NnTensor *t = nn_npz_get(o->z, str_cstr(key));
    if (!t) {
        NnCtx *ctx = interp_nn(I);
        if (nn_status(ctx) == NN_EINDEX) {
            nn_clear_error(ctx);
            return interp_error(I, ERR_KEY, "'%s is not a file in the archive'", str_cstr(key));
        }
        return data_nn_error(I);
    }
    return tensor_value_new(I, t, TENSOR_NP, out);
}

static bool npz_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    *found = strcmp(name, "files") == 0;
    if (!*found)
        return true;
    NpzObj *o = npz_open_obj(I, self);
    return o && npz_files(I, o, out);
}

static bool npz_len(Interp *I, Value self, int64_t *out)
{
    NpzObj *o = npz_open_obj(I, self);
    if (o)
        *out = nn_npz_count(o->z);
    return o != NULL;
}

static bool npz_iter(Interp *I, Value self, Value *it)
{
    Value files;
    NpzObj *o = npz_open_obj(I, self);
    if (!o || !npz_files(I, o, &files))
        return false;
    bool ok = value_iter(I, files, it);
    value_decref(files);
    return ok;
}

static bool npz_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<numpy.lib.npyio.NpzFile object at %p>", (void *)self.as.o);
    return true;
}

static bool npz_enter(Interp *I, Value self, Value *out)
{
    (void)I;
    value_incref(self);
    *out = self;
    return true;
}

static bool npz_exit(Interp *I, Value self, bool error_pending)
{
    (void)I;
    (void)error_pending;
    NpzObj *o = native_obj_data(self, &data_npz_class);
    nn_npz_close(o->z);
    o->z = NULL;
    return true;
}

static bool npz_close(Interp *I, Value self, const Args *a, Value *out)
{
    if (!args_parse(I, "close", a, "", (Value[1]){{0}}))
        return false;
    npz_exit(I, self, false);
    *out = val_none();
    return true;
}

static bool npz_keys(Interp *I, Value self, const Args *a, Value *out)
{
    NpzObj *o;
    if (!args_parse(I, "keys", a, "", (Value[1]){{0}}) || !(o = npz_open_obj(I, self)))
        return false;
    return npz_files(I, o, out);
}

static bool npz_get(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NpzObj *o;
    if (!args_parse(I, "get", a, "key, default=", v) || !(o = npz_open_obj(I, self)))
        return false;
    if (val_is_obj(v[0], OBJ_STR) && nn_npz_has(o->z, str_cstr(v[0])))
        return npz_getitem(I, self, v[0], out);
    *out = v[1].kind == VAL_UNSET ? val_none() : v[1];
    value_incref(*out);
    return true;
}

static const NativeDef npz_methods[] = {
    {"close", npz_close, "close()", "Closes the archive (also done at the end of a with block)."},
    {"keys", npz_keys, "keys()", "The array names, as .files."},
    {"get", npz_get, "get(key, default=None)", "The array `key`, or default when absent."},
    {NULL, NULL, NULL, NULL}
};
static const char *const npz_attrs[] = {"files", NULL};

const NativeClass data_npz_class = {
    .name = "NpzFile", .finalize = npz_finalize, .getattr = npz_getattr, .repr = npz_repr,
    .getitem = npz_getitem, .len = npz_len, .iter = npz_iter, .enter = npz_enter,
    .exit = npz_exit, .attrs = npz_attrs, .methods = npz_methods,
    .doc = "The arrays of an .npz archive: z['x'], z.files, `with np.load(f) as z:`.",
};

/* ---------------------------------------------------------------- np.save / np.load */

static bool np_save(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    const char *path = NULL;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "save", a, "file, arr, allow_pickle=, fix_imports=", v) ||
        !data_path_arg(I, "save", v[0], &path))
        return false;
    char *p = with_ext(I, path, ".npy");
    if (!p)
        return false;
    bool ok = tensor_from_value(I, v[1], -1, TENSOR_NP, &t);
    if (ok) {
        ok = nn_npy_save(interp_nn(I), p, t) == NN_OK || data_nn_error(I);
        nn_tensor_unref(t);
    }
    free(p);
    if (ok)
        *out = val_none();
    return ok;
}

/* The first bytes of path: a zip (npz), a .npy, or something numpy would
 * try to unpickle - which nnsh never does. */
static bool np_load_kind(Interp *I, const char *path, bool *is_zip)
{
    unsigned char m[6] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return data_check_readable(I, path) &&
               interp_error(I, ERR_IO, "[Errno %d] %s: '%s'", errno, strerror(errno), path);
    size_t n = fread(m, 1, sizeof m, f);
    fclose(f);
    *is_zip = n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] < 9 && m[3] < 9;
    if (*is_zip || (n == 6 && memcmp(m, "\x93NUMPY", 6) == 0))
        return true;
    return interp_error(I, ERR_VALUE, "Cannot load file containing pickled data when "
                        "allow_pickle=False (nnsh reads .npy and .npz files only and never "
                        "unpickles)");
}

static bool np_load(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    const char *path = NULL;
    bool zip = false;
    (void)self;
    if (!args_parse(I, "load", a, "file, mmap_mode=, allow_pickle=, fix_imports=, encoding=, "
                    "*, max_header_size=", v) ||
        !data_path_arg(I, "load", v[0], &path) || !np_load_kind(I, path, &zip))
        return false;
    NnCtx *ctx = interp_nn(I);
    if (!zip)
        return array_value(I, nn_npy_load(ctx, path), out);
    NpzObj *o = calloc(1, sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!(o->z = nn_npz_open(ctx, path))) {
        free(o);
        return data_nn_error(I);
    }
    return native_obj_new(I, &data_npz_class, o, out);
}

/* np.savez's names: keywords first, then arr_0, arr_1 ... for the
 * positional arrays, as numpy builds its dict. */
static bool savez(Interp *I, const Args *a, bool compress, const char *fname)
{
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "%s() missing 1 required positional argument: 'file'",
                            fname);
    const char *path = NULL;
    if (!data_path_arg(I, fname, a->pos[0], &path))
        return false;
    int n = a->npos - 1 + a->nkw, k = 0;
    const char **names = calloc((size_t)n + 1, sizeof *names);
    char (*gen)[24] = calloc((size_t)a->npos + 1, sizeof *gen);
    NnTensor **ts = calloc((size_t)n + 1, sizeof *ts);
    char *p = NULL;
    bool ok = names && gen && ts;
    if (!ok)
        interp_error(I, ERR_MEMORY, "out of memory");
    else
        ok = (p = with_ext(I, path, ".npz")) != NULL;
    for (int i = 0; ok && i < a->nkw; i++, k++) {
        names[k] = a->kwnames[i];
        ok = tensor_from_value(I, a->kwvals[i], -1, TENSOR_NP, &ts[k]);
    }
    for (int i = 1; ok && i < a->npos; i++, k++) {
        snprintf(gen[i], sizeof gen[i], "arr_%d", i - 1);
        for (int j = 0; j < a->nkw; j++)
            if (strcmp(a->kwnames[j], gen[i]) == 0)
                ok = interp_error(I, ERR_VALUE, "Cannot use un-named variables and keyword %s",
                                  gen[i]);
        names[k] = gen[i];
        ok = ok && tensor_from_value(I, a->pos[i], -1, TENSOR_NP, &ts[k]);
    }
    if (ok && nn_npz_save(interp_nn(I), p, n, names, (const NnTensor *const *)ts, compress))
        ok = data_nn_error(I);
    for (int i = 0; ts && i < n; i++)
        nn_tensor_unref(ts[i]);
    free(ts);
    free(gen);
    free(names);
    free(p);
    return ok;
}

static bool np_savez(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!savez(I, a, false, "savez"))
        return false;
    *out = val_none();
    return true;
}

static bool np_savez_compressed(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!savez(I, a, true, "savez_compressed"))
        return false;
    *out = val_none();
    return true;
}

/* ---------------------------------------------------------------- text files */

/* Options shared by loadtxt and genfromtxt; usecols points into cols. */
static bool text_opts(Interp *I, const char *fname, Value dtype, Value comments, Value delim,
                      Value usecols, Value ndmin, Value max_rows, NnTextOptions *o, int *cols)
{
    int dt;
    int64_t nd = 0, mr = -1;
    nn_text_options_init(o);
    if (!tensor_dtype_arg(I, dtype, &dt))
        return false;
    o->dtype = dt < 0 ? NN_F64 : (NnDType)dt;
    if (comments.kind == VAL_NONE)
        o->comments = NULL;
    else if (comments.kind != VAL_UNSET && !arg_str(I, fname, "comments", comments, &o->comments))
        return false;
    if (delim.kind != VAL_UNSET && delim.kind != VAL_NONE &&
        !arg_str(I, fname, "delimiter", delim, &o->delimiter))
        return false;
    if (usecols.kind != VAL_UNSET && usecols.kind != VAL_NONE) {
        int64_t c[64];
        if (!arg_int_seq(I, fname, "usecols", usecols, c, 64, &o->nusecols))
            return false;
        for (int i = 0; i < o->nusecols; i++)
            cols[i] = (int)c[i];
        o->usecols = cols;
    }
    if ((ndmin.kind != VAL_UNSET && !arg_int(I, fname, "ndmin", ndmin, &nd)) ||
        (max_rows.kind != VAL_UNSET && max_rows.kind != VAL_NONE &&
         !arg_int(I, fname, "max_rows", max_rows, &mr)))
        return false;
    o->ndmin = (int)nd;
    o->max_rows = mr;
    return true;
}

/* The result, transposed when unpack is true (numpy returns arr.T). */
static bool text_result(Interp *I, NnTensor *t, Value unpack, Value *out)
{
    bool up = false;
    if (!t)
        return data_nn_error(I);
    if (unpack.kind != VAL_UNSET && !arg_bool(I, "loadtxt", "unpack", unpack, &up)) {
        nn_tensor_unref(t);
        return false;
    }
    if (up && t->ndim > 1) {
        NnTensor *tr = nn_tensor_transpose(interp_nn(I), t, NULL);
        nn_tensor_unref(t);
        t = tr;
    }
    return array_value(I, t, out);
}

static bool np_loadtxt(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[13];
    const char *path = NULL;
    int64_t skip = 0;
    NnTextOptions o;
    int cols[64];
    (void)self;
    if (!args_parse(I, "loadtxt", a, "fname, dtype=, comments=, delimiter=, converters=, "
                    "skiprows=, usecols=, unpack=, ndmin=, encoding=, max_rows=, *, quotechar=, "
                    "like=", v) ||
        !data_path_arg(I, "loadtxt", v[0], &path) || !data_check_readable(I, path) ||
        !text_opts(I, "loadtxt", v[1], v[2], v[3], v[6], v[8], v[10], &o, cols) ||
        (v[5].kind != VAL_UNSET && !arg_int(I, "loadtxt", "skiprows", v[5], &skip)))
        return false;
    if (v[4].kind != VAL_UNSET && v[4].kind != VAL_NONE)
        return interp_error(I, ERR_NOT_IMPLEMENTED, "loadtxt(): converters are not supported");
    o.skiprows = skip;
    return text_result(I, nn_text_load(interp_nn(I), path, &o, NULL, NULL), v[7], out);
}

static bool np_genfromtxt(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[14];
    const char *path = NULL;
    int64_t skip = 0;
    double fill = NAN;
    bool names = false;
    NnTextOptions o;
    int cols[64];
    (void)self;
    if (!args_parse(I, "genfromtxt", a, "fname, dtype=, comments=, delimiter=, skip_header=, "
                    "skip_footer=, converters=, missing_values=, filling_values=, usecols=, "
                    "names=, unpack=, max_rows=, *, ndmin=", v) ||
        !data_path_arg(I, "genfromtxt", v[0], &path) || !data_check_readable(I, path) ||
        !text_opts(I, "genfromtxt", v[1], v[2], v[3], v[9], v[13], v[12], &o, cols) ||
        (v[4].kind != VAL_UNSET && !arg_int(I, "genfromtxt", "skip_header", v[4], &skip)) ||
        (v[8].kind != VAL_UNSET && v[8].kind != VAL_NONE &&
         !arg_float(I, "genfromtxt", "filling_values", v[8], &fill)) ||
        (v[10].kind != VAL_UNSET && v[10].kind != VAL_NONE &&
         !arg_bool(I, "genfromtxt", "names", v[10], &names)))
        return false;
    o.genfromtxt = true;
    o.skiprows = skip;
    o.filling = fill;
    o.names = names;
    if (!names)
        return text_result(I, nn_text_load(interp_nn(I), path, &o, NULL, NULL), v[11], out);
    return data_struct_load(I, path, &o, out);
}

static bool np_savetxt(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[9];
    const char *path = NULL, *fmt = NULL, *delim = NULL;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "savetxt", a, "fname, X, fmt=, delimiter=, newline=, header=, footer=, "
                    "comments=, encoding=", v) ||
        !data_path_arg(I, "savetxt", v[0], &path) ||
        (v[2].kind != VAL_UNSET && !arg_str(I, "savetxt", "fmt", v[2], &fmt)) ||
        (v[3].kind != VAL_UNSET && !arg_str(I, "savetxt", "delimiter", v[3], &delim)) ||
        !tensor_from_value(I, v[1], -1, TENSOR_NP, &t))
        return false;
    bool ok = nn_text_save(interp_nn(I), path, t, fmt, delim) == NN_OK || data_nn_error(I);
    nn_tensor_unref(t);
    if (ok)
        *out = val_none();
    return ok;
}

static const NativeDef data_np_defs[] = {
    {"save", np_save, "save(file, arr, allow_pickle=True, fix_imports=True)",
     "Writes arr to a .npy file (\".npy\" is added to the name when missing).\n"
     "    np.save('x.npy', np.arange(3))"},
    {"load", np_load, "load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, "
     "encoding='ASCII')",
     "Reads a .npy file (an array) or an .npz archive (an NpzFile: z['x'], z.files).  "
     "Pickled data is never loaded.\n    a = np.load('x.npy')"},
    {"savez", np_savez, "savez(file, *args, **kwds)",
     "Writes several arrays to an uncompressed .npz archive (keywords name them; positional "
     "arrays are arr_0, arr_1, ...).\n    np.savez('d.npz', x=x, y=y)"},
    {"savez_compressed", np_savez_compressed, "savez_compressed(file, *args, **kwds)",
     "As savez, with the arrays deflated.\n    np.savez_compressed('d.npz', x=x)"},
    {"loadtxt", np_loadtxt, "loadtxt(fname, dtype=float, comments='#', delimiter=None, "
     "converters=None, skiprows=0, usecols=None, unpack=False, ndmin=0, encoding='bytes', "
     "max_rows=None)",
     "Reads a text table (CSV with delimiter=',').  Errors name the file, line and column.\n"
     "    data = np.loadtxt('data.csv', delimiter=',', skiprows=1)"},
    {"genfromtxt", np_genfromtxt, "genfromtxt(fname, dtype=float, comments='#', delimiter=None, "
     "skip_header=0, skip_footer=0, converters=None, missing_values=None, filling_values=None, "
     "usecols=None, names=None, unpack=None, max_rows=None)",
     "Reads a text table; missing or bad values become nan (filling_values).  names=True takes "
     "the column names from the first line.\n    d = np.genfromtxt('d.csv', delimiter=',', "
     "names=True); d['age']"},
    {"savetxt", np_savetxt, "savetxt(fname, X, fmt='%.18e', delimiter=' ')",
     "Writes a 1-D or 2-D array as text.\n    np.savetxt('x.txt', x, fmt='%.3f', delimiter=',')"},
    {NULL, NULL, NULL, NULL}
};

bool data_install_numpy(Interp *I, Value np_module)
{
    return module_add_natives(I, np_module, data_np_defs);
}
