/* mod_np_print.c - numpy's printing functions beyond set/get_printoptions:
 * the np.printoptions(...) context manager, np.array2string,
 * np.array_str and np.array_repr.
 *
 * Owned by the tensor-language part (see mod_np.h).  The options are the
 * numpy module's `_printoptions` (tensor_dtype.c); np.printoptions applies
 * them through np.set_printoptions itself, so validation and errors are
 * that function's, and restores the previous options on exit, as numpy's
 * contextmanager does.  The other functions format under a copy of the
 * session's options with their own overrides.
 */
#include <stdlib.h>
#include <string.h>
#include "mod_np.h"
#include "tensor_format.h"

#define CTX interp_nn(I)

/* The session's options (borrowed from the numpy module), or NULL with an
 * error raised. */
static PrintOptions *session_options(Interp *I)
{
    Value np = {0}, po = {0};
    bool found = false;
    PrintOptions *o = NULL;
    if (interp_import(I, "numpy", &np) && module_get(I, np, "_printoptions", &po, &found) && found)
        o = tensor_printoptions_get(po);
    value_decref(po);
    value_decref(np);
    if (!o && !interp_error_pending(I))
        interp_error(I, ERR_RUNTIME, "numpy print options are missing");
    return o;
}

/* Calls numpy.NAME with the arguments a. */
static bool call_np(Interp *I, const char *name, const Args *a, Value *out)
{
    Value np = {0}, fn = {0};
    bool ok = interp_import(I, "numpy", &np) && value_getattr(I, np, name, &fn) && value_call(I, fn, a, out);
    value_decref(fn);
    value_decref(np);
    return ok;
}

/* ---- np.printoptions ---- */

typedef struct PoCtx {
    PrintOptions set;     /* the options inside the with block */
    PrintOptions saved;   /* the options to restore on exit */
} PoCtx;

static bool po_enter(Interp *I, Value self, Value *val);
static bool po_exit(Interp *I, Value self, bool error);

static const NativeClass po_class = {
    .name = "_GeneratorContextManager", .module = "contextlib", .finalize = free,
    .enter = po_enter, .exit = po_exit,
    .doc = "np.printoptions(...): the print options inside a with block.",
};

static bool po_enter(Interp *I, Value self, Value *val)
{
    PoCtx *c = native_obj_data(self, &po_class);
    PrintOptions *o = session_options(I);
    static const Args none = {0, NULL, 0, NULL, NULL};
    if (!o)
        return false;
    c->saved = *o;
    *o = c->set;
    return call_np(I, "get_printoptions", &none, val);
}

static bool po_exit(Interp *I, Value self, bool error)
{
    PoCtx *c = native_obj_data(self, &po_class);
    PrintOptions *o = session_options(I);
    (void)error;
    if (!o)
        return false;
    *o = c->saved;
    return true;
}

static bool np_printoptions(Interp *I, Value self, const Args *a, Value *out)
{
    Value r = {0};
    PrintOptions *o = session_options(I);
    (void)self;
    if (!o)
        return false;
    PoCtx *c = malloc(sizeof *c);
    if (!c)
        return interp_error(I, ERR_MEMORY, "out of memory");
    c->saved = *o;
    bool ok = call_np(I, "set_printoptions", a, &r);
    c->set = *o;
    *o = c->saved;
    value_decref(r);
    if (!ok) {
        free(c);
        return false;
    }
    return native_obj_new(I, &po_class, c, out);
}

/* ---- array2string, array_str, array_repr ---- */

/* The overrides shared by the three: max_line_width, precision,
 * suppress_small (v[0..2]) on top of the session's options. */
static bool overrides(Interp *I, const char *fname, const Value *v, PrintOptions *o)
{
    const PrintOptions *s = session_options(I);
    int64_t n;
    if (!s)
        return false;
    *o = *s;
    if (np_given(v[0])) {
        if (!arg_int(I, fname, "max_line_width", v[0], &n))
            return false;
        o->linewidth = (int)n;
    }
    if (np_given(v[1])) {
        if (!arg_int(I, fname, "precision", v[1], &n))
            return false;
        o->precision = (int)n;
    }
    return !np_given(v[2]) || value_truth(I, v[2], &o->suppress);
}

/* Formats the array argument v as str (repr false) or repr. */
static bool format_with(Interp *I, Value v, const PrintOptions *o, bool repr, Value *out)
{
    NnTensor *t;
    StrBuf sb;
    if (!np_tensor(I, v, &t))
        return false;
    sb_init(&sb);
    bool ok = repr ? tensor_format_np_repr(t, o, &sb) : tensor_format_np_str(t, o, &sb);
    nn_tensor_unref(t);
    ok = ok ? str_new(I, sb.data ? sb.data : "", sb.len, out)
            : interp_error(I, ERR_MEMORY, "out of memory");
    sb_free(&sb);
    return ok;
}

static bool np_array2string(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[8];
    PrintOptions o;
    int64_t n;
    (void)self;
    if (!args_parse(I, "array2string", a, "a, max_line_width=, precision=, suppress_small=, separator=, "
                    "prefix=, *, threshold=, edgeitems=", v) || !overrides(I, "array2string", v + 1, &o))
        return false;
    if ((np_given(v[4]) && !(val_is_obj(v[4], OBJ_STR) && strcmp(str_cstr(v[4]), " ") == 0)) ||
        (np_given(v[5]) && !(val_is_obj(v[5], OBJ_STR) && !*str_cstr(v[5]))))
        return interp_error(I, ERR_VALUE, "nnsh's array2string supports separator=' ' and prefix='' only");
    if (np_given(v[6])) {
        if (!arg_int(I, "array2string", "threshold", v[6], &n))
            return false;
        o.threshold = n;
    }
    if (np_given(v[7])) {
        if (!arg_int(I, "array2string", "edgeitems", v[7], &n))
            return false;
        o.edgeitems = (int)n;
    }
    return format_with(I, v[0], &o, false, out);
}

static bool np_array_str(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    PrintOptions o;
    (void)self;
    return args_parse(I, "array_str", a, "a, max_line_width=, precision=, suppress_small=", v) &&
           overrides(I, "array_str", v + 1, &o) && format_with(I, v[0], &o, false, out);
}

static bool np_array_repr(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    PrintOptions o;
    (void)self;
    return args_parse(I, "array_repr", a, "arr, max_line_width=, precision=, suppress_small=", v) &&
           overrides(I, "array_repr", v + 1, &o) && format_with(I, v[0], &o, true, out);
}

const NativeDef np_print_defs[] = {
    {"printoptions", np_printoptions, "printoptions(**kwargs)",
     "A context manager: np.set_printoptions(**kwargs) inside the with block, the previous options after.\n"
     "  with np.printoptions(precision=3, suppress=True):\n      print(a)"},
    {"array2string", np_array2string,
     "array2string(a, max_line_width=None, precision=None, suppress_small=None, separator=' ', prefix='', "
     "*, threshold=None, edgeitems=None)",
     "The text print(a) shows, under the given options (separator ' ' only)."},
    {"array_str", np_array_str, "array_str(a, max_line_width=None, precision=None, suppress_small=None)",
     "str(a) under the given options."},
    {"array_repr", np_array_repr, "array_repr(arr, max_line_width=None, precision=None, suppress_small=None)",
     "repr(a) under the given options."},
    {NULL, NULL, NULL, NULL}
};
