/* mod_np_grid.c - np.mgrid and np.ogrid: objects indexed with slices
 * (np.mgrid[0:3, 0:2], np.mgrid[-1:1:0.5]) that build index grids as
 * numpy 1.24's nd_grid does: per axis ceil((stop - start) / step) points,
 * value index * step + start, float64 when any bound is a float, else
 * int64; one slice is np.arange(start, stop, step).  Complex steps (5j)
 * do not exist in nnsh.  Also np.r_ and np.c_ (numpy's AxisConcatenator
 * for arrays, sequences, scalars and slices; no string directives): r_
 * joins along axis 0, c_ along the last axis with 1-d items as columns.
 *
 * Owned by the tensor-language part (see mod_np.h).
 */
#include <math.h>
#include <string.h>
#include "mod_np.h"
#include "object.h"

#define CTX interp_nn(I)

typedef struct {
    double start, stop, step;
} Axis;

static bool grid_getitem(Interp *I, Value self, Value key, Value *out);
static bool grid_repr(Interp *I, Value self, StrBuf *sb);

static const NativeClass mgrid_class = {
    .name = "MGridClass", .module = "numpy.lib.index_tricks", .getitem = grid_getitem, .repr = grid_repr,
    .doc = "np.mgrid[start:stop:step, ...]: dense index grids, shape (ndim, n0, n1, ...)."};
static const NativeClass ogrid_class = {
    .name = "OGridClass", .module = "numpy.lib.index_tricks", .getitem = grid_getitem, .repr = grid_repr,
    .doc = "np.ogrid[start:stop:step, ...]: open index grids (a list of broadcastable arrays)."};

static bool grid_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    bool dense = ((ObjNativeObj *)self.as.o)->cls == &mgrid_class;
    sb_printf(sb, "<numpy.lib.index_tricks.%s object at %p>", dense ? "MGridClass" : "OGridClass",
              (void *)self.as.o);
    return true;
}

/* One bound: None -> dflt; *is_float set for a float. */
static bool bound(Interp *I, Value v, double dflt, double *out, bool *is_float)
{
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        *out = dflt;
        return true;
    }
    if (v.kind == VAL_FLOAT || (tensor_value_is(v) && nn_dtype_is_float(tensor_value_get(v)->dtype)))
        *is_float = true;
    return arg_float(I, "mgrid", "index", v, out);
}

static bool axis_of(Interp *I, Value s, Axis *ax, bool *is_float)
{
    if (!val_is_obj(s, OBJ_SLICE))
        return interp_error(I, ERR_TYPE, "np.mgrid/np.ogrid take slices: np.mgrid[0:3, 0:2]");
    ObjSlice *sl = (ObjSlice *)s.as.o;
    if (!bound(I, sl->lower, 0, &ax->start, is_float) || !bound(I, sl->upper, 0, &ax->stop, is_float) ||
        !bound(I, sl->step, 1, &ax->step, is_float))
        return false;
    if (ax->step == 0)
        return interp_error(I, ERR_VALUE, "step must not be zero");   /* numpy: ZeroDivisionError */
    return true;
}

/* Grid value i of axis a in dtype dt into element e of t. */
static void put(NnTensor *t, int64_t e, const Axis *a, int64_t i, bool flt)
{
    if (flt)
        ((double *)nn_tensor_data(t))[e] = (double)i * a->step + a->start;
    else
        ((int64_t *)nn_tensor_data(t))[e] = i * (int64_t)a->step + (int64_t)a->start;
}

static NnTensor *dense_grid(NnCtx *ctx, const Axis *ax, const int64_t *size, int n, bool flt)
{
    int64_t shape[NN_MAXDIM], cell = 1;
    shape[0] = n;
    for (int k = 0; k < n; k++) {
        shape[k + 1] = size[k];
        cell *= size[k];
    }
    NnTensor *t = nn_tensor_new(ctx, flt ? NN_F64 : NN_I64, n + 1, shape);
    for (int k = 0; t && k < n; k++) {
        int64_t inner = 1;
        for (int j = k + 1; j < n; j++)
            inner *= size[j];
        for (int64_t e = 0; e < cell; e++)
            put(t, k * cell + e, &ax[k], (e / inner) % size[k], flt);
    }
    return t;
}

static bool open_grid(Interp *I, const Axis *ax, const int64_t *size, int n, bool flt, Value *out)
{
    NnTensor *ts[NN_MAXDIM];
    for (int k = 0; k < n; k++) {
        int64_t shape[NN_MAXDIM];
        for (int j = 0; j < n; j++)
            shape[j] = j == k ? size[k] : 1;
        ts[k] = nn_tensor_new(CTX, flt ? NN_F64 : NN_I64, n, shape);
        for (int64_t i = 0; ts[k] && i < size[k]; i++)
            put(ts[k], i, &ax[k], i, flt);
    }
    return np_tensor_list(I, ts, n, false, out);
}

static bool one_slice(Interp *I, Value key, Value *out)
{
    ObjSlice *sl = (ObjSlice *)key.as.o;
    Value np = {0}, fn = {0}, args[3];
    args[0] = sl->lower.kind == VAL_UNSET || sl->lower.kind == VAL_NONE ? val_int(0) : sl->lower;
    args[1] = sl->upper;
    args[2] = sl->step.kind == VAL_UNSET || sl->step.kind == VAL_NONE ? val_int(1) : sl->step;
    bool ok = interp_import(I, "numpy", &np) && value_getattr(I, np, "arange", &fn) &&
              interp_call(I, fn, 3, args, out);
    value_decref(fn);
    value_decref(np);
    return ok;
}

static bool grid_getitem(Interp *I, Value self, Value key, Value *out)
{
    bool dense = ((ObjNativeObj *)self.as.o)->cls == &mgrid_class, flt = false;
    Axis ax[NN_MAXDIM - 1];
    int64_t size[NN_MAXDIM - 1];
    if (val_is_obj(key, OBJ_SLICE))
        return one_slice(I, key, out);
    if (!val_is_obj(key, OBJ_TUPLE))
        return interp_error(I, ERR_TYPE, "np.mgrid/np.ogrid take slices: np.mgrid[0:3, 0:2]");
    size_t n = as_list(key)->len;
    if (n == 0 || n >= NN_MAXDIM)
        return interp_error(I, ERR_VALUE, "np.mgrid takes 1 to %d slices", NN_MAXDIM - 1);
    for (size_t k = 0; k < n; k++)
        if (!axis_of(I, as_list(key)->items[k], &ax[k], &flt))
            return false;
    for (size_t k = 0; k < n; k++) {
        double c = ceil((ax[k].stop - ax[k].start) / ax[k].step);
        size[k] = c > 0 ? (int64_t)c : 0;
    }
    if (!dense)
        return open_grid(I, ax, size, (int)n, flt, out);
    NnTensor *t = dense_grid(CTX, ax, size, (int)n, flt);
    return t ? tensor_value_wrap(I, t, TENSOR_NP, out) : interp_error_from_nn(I);
}

/* ---- np.r_ / np.c_ ---- */

static bool concat_getitem(Interp *I, Value self, Value key, Value *out);

static const NativeClass r_class = {
    .name = "RClass", .module = "numpy.lib.index_tricks", .getitem = concat_getitem,
    .doc = "np.r_[a, b, 0:3, ...]: joins arrays, sequences, scalars and slices (as aranges) along axis 0."};
static const NativeClass c_class = {
    .name = "CClass", .module = "numpy.lib.index_tricks", .getitem = concat_getitem,
    .doc = "np.c_[a, b, ...]: joins along the last axis, 1-d items as columns:\n"
           "  np.c_[xx.ravel(), yy.ravel()] is the (N, 2) array of grid points."};

/* Item v as a tensor with c_'s ndmin=2 (1-d -> column) or r_'s ndmin=1. */
static NnTensor *concat_item(Interp *I, Value v, bool cols)
{
    Value r = {0};
    NnTensor *t = NULL, *s;
    if (val_is_obj(v, OBJ_SLICE)) {
        if (!one_slice(I, v, &r))
            return NULL;
        v = r;
    }
    bool ok = np_tensor(I, v, &t);
    value_decref(r);
    if (!ok)
        return NULL;
    int64_t shape[2] = {t->ndim == 1 ? t->shape[0] : 1, 1};
    if (t->ndim == 0 || (cols && t->ndim == 1)) {
        s = nn_tensor_reshape(CTX, t, cols ? 2 : 1, shape);
        nn_tensor_unref(t);
        t = s;
    }
    if (!t)
        interp_error_from_nn(I);
    return t;
}

static bool concat_getitem(Interp *I, Value self, Value key, Value *out)
{
    bool cols = ((ObjNativeObj *)self.as.o)->cls == &c_class, ok = true;
    size_t n = val_is_obj(key, OBJ_TUPLE) ? as_list(key)->len : 1;
    NnTensor *ts[64] = {NULL};
    if (n > 64)
        return interp_error(I, ERR_VALUE, "np.r_/np.c_ join at most 64 items");
    NnDType dt = NN_BOOL;
    for (size_t k = 0; ok && k < n; k++) {
        ts[k] = concat_item(I, n == 1 && !val_is_obj(key, OBJ_TUPLE) ? key : as_list(key)->items[k], cols);
        ok = ts[k] != NULL;
        if (ok)
            dt = k ? nn_promote(dt, ts[k]->dtype) : ts[k]->dtype;
    }
    NnTensor *r = ok ? nn_concat(CTX, ts, (int)n, cols ? ts[0]->ndim - 1 : 0, dt) : NULL;
    for (size_t k = 0; k < n; k++)
        nn_tensor_unref(ts[k]);
    if (!ok)
        return false;
    return r ? tensor_value_wrap(I, r, TENSOR_NP, out) : interp_error_from_nn(I);
}

static bool set_obj(Interp *I, Value m, const char *name, const NativeClass *cls)
{
    Value g;
    if (!native_obj_new(I, cls, NULL, &g))
        return false;
    bool ok = module_set(I, m, name, g);
    value_decref(g);
    return ok;
}

/* Adds np.mgrid, np.ogrid, np.r_ and np.c_ to the numpy module m. */
bool np_grid_install(Interp *I, Value m)
{
    return set_obj(I, m, "mgrid", &mgrid_class) && set_obj(I, m, "ogrid", &ogrid_class) &&
           set_obj(I, m, "r_", &r_class) && set_obj(I, m, "c_", &c_class);
}
