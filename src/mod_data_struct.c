/* mod_data_struct.c - the structured array np.genfromtxt(..., names=True)
 * returns: named float columns, d['age'] giving a column, d[0] a row,
 * d.dtype.names the names, len(d) the rows.
 *
 * Owned by the data part.  A small stand-in for numpy's structured arrays,
 * which nnsh's tensors (one dtype per array) do not have.
 */
#include <stdlib.h>
#include <string.h>
#include "mod_data.h"

typedef struct {
    NnTensor *t;     /* (rows, cols) */
    char **names;    /* cols names (lib allocations) */
    int n;
} StructObj;

static void st_finalize(void *data)
{
    StructObj *o = data;
    nn_text_names_free(o->t->ctx, o->names, o->n);
    nn_tensor_unref(o->t);
    free(o);
}

static const NativeClass struct_class;
static const NativeClass struct_dtype_class;

static StructObj *st_get(Value v)
{
    StructObj *o = native_obj_data(v, &struct_class);
    return o ? o : native_obj_data(v, &struct_dtype_class);
}

static bool st_names(Interp *I, StructObj *o, Value *out)
{
    if (!tuple_new(I, (size_t)o->n, out))
        return false;
    for (int i = 0; i < o->n; i++)
        if (!str_from_cstr(I, o->names[i], &as_list(*out)->items[i])) {
            for (int j = i; j < o->n; j++)
                as_list(*out)->items[j] = val_none();
            value_decref(*out);
            return false;
        }
    return true;
}

static bool st_getitem(Interp *I, Value self, Value key, Value *out)
{
    StructObj *o = st_get(self);
    NnCtx *ctx = interp_nn(I);
    if (val_is_obj(key, OBJ_STR)) {
        for (int i = 0; i < o->n; i++)
            if (strcmp(o->names[i], str_cstr(key)) == 0) {
                NnTensor *c = nn_tensor_select(ctx, o->t, 1, i);
                NnTensor *cc = c ? nn_tensor_copy(ctx, c) : NULL;
                nn_tensor_unref(c);
                return tensor_value_wrap(I, cc, TENSOR_NP, out);
            }
        return interp_error(I, ERR_VALUE, "no field of name %s", str_cstr(key));
    }
    int64_t r;
    if (!value_as_index(I, key, &r))
        return false;
    NnTensor *row = nn_tensor_select(ctx, o->t, 0, r);
    if (!row)
        return data_nn_error(I);
    bool ok = tuple_new(I, (size_t)o->n, out);
    for (int i = 0; ok && i < o->n; i++)
        as_list(*out)->items[i] = val_float(nn_tensor_get_f64(row, i));
    nn_tensor_unref(row);
    return ok;
}

static bool st_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    StructObj *o = st_get(self);
    *found = true;
    if (strcmp(name, "names") == 0 && native_obj_is(self, &struct_dtype_class))
        return st_names(I, o, out);
    if (native_obj_is(self, &struct_dtype_class)) {
        *found = false;
        return true;
    }
    if (strcmp(name, "dtype") == 0) {
        o->t = nn_tensor_ref(o->t);   /* the dtype view shares the columns */
        StructObj *d = malloc(sizeof *d);
        char **nm = nn_calloc(o->t->ctx, (size_t)o->n + 1, sizeof *nm, "names");
        for (int i = 0; d && nm && i < o->n; i++)
            if ((nm[i] = nn_alloc(o->t->ctx, strlen(o->names[i]) + 1, "name")))
                strcpy(nm[i], o->names[i]);
        if (!d || !nm) {
            free(d);
            nn_free(o->t->ctx, nm);
            nn_tensor_unref(o->t);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
        *d = (StructObj){o->t, nm, o->n};
        return native_obj_new(I, &struct_dtype_class, d, out);
    }
    if (strcmp(name, "shape") == 0)
        return tuple_pack(I, out, 1, val_int(o->t->shape[0]));
    if (strcmp(name, "size") == 0 || strcmp(name, "ndim") == 0) {
        *out = val_int(name[0] == 's' ? o->t->shape[0] : 1);
        return true;
    }
    *found = false;
    return true;
}

static bool st_len(Interp *I, Value self, int64_t *out)
{
    (void)I;
    *out = st_get(self)->t->shape[0];
    return true;
}

static void st_dtype_text(StructObj *o, StrBuf *sb)
{
    const char *d = o->t->dtype == NN_F64 ? "<f8" : o->t->dtype == NN_F32 ? "<f4"
                  : o->t->dtype == NN_I64 ? "<i8" : "<i4";
    sb_putc(sb, '[');
    for (int i = 0; i < o->n; i++)
        sb_printf(sb, "%s('%s', '%s')", i ? ", " : "", o->names[i], d);
    sb_putc(sb, ']');
}

static bool st_repr(Interp *I, Value self, StrBuf *sb)
{
    StructObj *o = st_get(self);
    if (native_obj_is(self, &struct_dtype_class)) {
        sb_puts(sb, "dtype(");
        st_dtype_text(o, sb);
        sb_putc(sb, ')');
        return true;
    }
    sb_puts(sb, "array([");
    for (int64_t r = 0; r < o->t->shape[0]; r++) {
        sb_puts(sb, r ? ", (" : "(");
        for (int i = 0; i < o->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            format_float_repr(nn_tensor_get_f64(o->t, r * o->n + i), sb);
        }
        sb_putc(sb, ')');
    }
    sb_puts(sb, "],\n      dtype=");
    st_dtype_text(o, sb);
    sb_putc(sb, ')');
    (void)I;
    return true;
}

static const char *const st_attrs[] = {"dtype", "shape", "size", "ndim", NULL};
static const char *const dt_attrs[] = {"names", NULL};

static const NativeClass struct_class = {
    .name = "ndarray", .finalize = st_finalize, .getattr = st_getattr, .repr = st_repr,
    .getitem = st_getitem, .len = st_len, .attrs = st_attrs,
    .doc = "A table with named columns (np.genfromtxt(..., names=True)): d['name'] is a column.",
};
static const NativeClass struct_dtype_class = {
    .name = "dtype", .finalize = st_finalize, .getattr = st_getattr, .repr = st_repr,
    .attrs = dt_attrs, .doc = "The fields of a structured array: .names.",
};

bool data_struct_load(Interp *I, const char *path, const NnTextOptions *o, Value *out)
{
    NnCtx *ctx = interp_nn(I);
    char **names;
    int n;
    NnTensor *t = nn_text_load(ctx, path, o, &names, &n);
    if (!t)
        return data_nn_error(I);
    if (n != (t->ndim == 2 ? t->shape[1] : 0) && t->shape[0] > 0) {
        nn_text_names_free(ctx, names, n);
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "%s: %d column names for %lld columns", path, n,
                            (long long)(t->ndim == 2 ? t->shape[1] : 0));
    }
    StructObj *s = malloc(sizeof *s);
    if (!s) {
        nn_text_names_free(ctx, names, n);
        nn_tensor_unref(t);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    *s = (StructObj){t, names, n};
    return native_obj_new(I, &struct_class, s, out);
}
