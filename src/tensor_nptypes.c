/* tensor_nptypes.c - numpy's scalar types as classes: np.float64 is the
 * class of numpy float64 scalars (type(a[0]) is np.float64), placed in
 * numpy 1.24's hierarchy generic > number > integer > signedinteger /
 * unsignedinteger, number > inexact > floating, generic > bool_, with
 * np.float64 also a subclass of Python's float (np.int64 is not an int in
 * numpy 1.24, nor np.float32 a float).  So isinstance(x, np.floating),
 * issubclass(np.int32, np.integer) and np.issubdtype answer as numpy's.
 *
 * Owned by the tensor-language part (see tensor_value.h).  The scalar
 * classes are tensor_value.c's native classes; their type objects are the
 * Interp's (native_class_type), so no static state is kept here.  The
 * abstract classes are made as `type(name, bases, {'__module__': 'numpy'})`
 * makes them, when the numpy module is created.
 */
#include <stdlib.h>
#include <string.h>
#include "tensor_value.h"
#include "mod_np.h"
#include "object.h"

static bool scalar_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    NnDType dt;
    if (!tensor_np_scalar_type_dtype(self, &dt))
        return interp_error(I, ERR_TYPE, "not a numpy scalar type");
    return tensor_np_scalar_call(I, dt, a, out);
}

bool tensor_np_scalar_type(Interp *I, NnDType dt, Value *out)
{
    const NativeClass *c = tensor_scalar_class(dt);
    if (!c)
        return interp_error(I, ERR_TYPE, "no numpy scalar type for this dtype");
    return native_class_type(I, c, scalar_ctor, out);
}

bool tensor_np_scalar_type_dtype(Value v, NnDType *out)
{
    const NativeClass *c = type_native_class(v);
    for (int d = 0; c && d < NN_NDTYPES; d++)
        if (tensor_scalar_class((NnDType)d) == c) {
            *out = (NnDType)d;
            return true;
        }
    return false;
}

/* type(name, (base,), {'__module__': module, '__qualname__': qual}) set
 * as m.attr; *out borrows it. */
static bool make_class(Interp *I, Value m, const char *attr, const char *name, const char *qual,
                       const char *module, Value base, Value *out)
{
    Value type = {0}, args[3] = {{0}}, mod = {0}, qn = {0}, cls = {0};
    bool found = false, ok = false;
    if (interp_get_builtin(I, "type", &type, &found) && found && str_from_cstr(I, name, &args[0]) &&
        tuple_pack(I, &args[1], 1, base) && dict_new(I, &args[2]) && str_from_cstr(I, module, &mod) &&
        dict_set_str(I, args[2], "__module__", mod) && str_from_cstr(I, qual, &qn) &&
        dict_set_str(I, args[2], "__qualname__", qn) && interp_call(I, type, 3, args, &cls))
        ok = module_set(I, m, attr, cls);
    *out = cls;
    value_decref(cls);   /* the module keeps it */
    value_decref(mod);
    value_decref(qn);
    for (int i = 0; i < 3; i++)
        value_decref(args[i]);
    value_decref(type);
    return ok;
}

/* Replaces the bases of the scalar type of dt with b0 (and b1). */
static bool abstract_class(Interp *I, Value m, const char *name, Value base, Value *out)
{
    return make_class(I, m, name, name, name, "numpy", base, out);
}

/* numpy.core._exceptions' UFuncTypeError(TypeError) and the subclass
 * raised when an in-place result cannot be cast back, which shows as
 * UFuncTypeError but prints as _UFuncOutputCastingError in tracebacks. */
static bool ufunc_errors(Interp *I, Value m)
{
    Value te = {0}, base, sub;
    bool found = false;
    const char *mod = "numpy.core._exceptions";
    bool ok = interp_get_builtin(I, "TypeError", &te, &found) && found &&
              make_class(I, m, "_UFuncTypeError", "UFuncTypeError", "UFuncTypeError", mod, te, &base) &&
              make_class(I, m, "_UFuncOutputCastingError", "UFuncTypeError", "_UFuncOutputCastingError", mod,
                         base, &sub) &&
              make_class(I, m, "_UFuncNoLoopError", "UFuncTypeError", "_UFuncNoLoopError", mod, base, &sub);
    value_decref(te);
    return ok;
}

bool tensor_np_raise(Interp *I, const char *cls_attr, const char *msg)
{
    Value np = {0}, cls = {0}, m = {0}, exc = {0};
    if (interp_import(I, "numpy", &np) && value_getattr(I, np, cls_attr, &cls) && str_from_cstr(I, msg, &m) &&
        interp_call(I, cls, 1, &m, &exc))
        interp_set_error_exc(I, exc);
    value_decref(exc);
    value_decref(m);
    value_decref(cls);
    value_decref(np);
    return false;
}

static bool set_bases(Interp *I, NnDType dt, Value b0, Value b1)
{
    Value tv;
    if (!tensor_np_scalar_type(I, dt, &tv))
        return false;
    ObjType *t = (ObjType *)tv.as.o;
    int n = b1.kind == VAL_OBJ ? 2 : 1;
    ObjType **nb = malloc((size_t)n * sizeof *nb);
    if (!nb) {
        value_decref(tv);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    nb[0] = (ObjType *)b0.as.o;
    if (n == 2)
        nb[1] = (ObjType *)b1.as.o;
    for (int i = 0; i < n; i++)
        value_incref(val_obj(&nb[i]->obj));
    for (int i = 0; i < t->nbases; i++)
        value_decref(val_obj(&t->bases[i]->obj));
    free(t->bases);
    t->bases = nb;
    t->nbases = n;
    value_decref(tv);
    return true;
}

/* Sets m.name to the class t (borrowed). */
static bool set_class(Interp *I, Value m, const char *name, ObjType *t)
{
    return module_set(I, m, name, val_obj(&t->obj));
}

/* t's first base when it is the class named name, else NULL. */
static ObjType *named_base(ObjType *t, const char *name)
{
    return t && t->nbases >= 1 && t->bases[0] && strcmp(t->bases[0]->name, name) == 0
               ? t->bases[0] : NULL;
}

/* When the numpy module is made again in this session, the scalar types
 * already have their bases: the module gets those same classes.  An
 * install cut short (out of memory) left some types without theirs: then
 * the classes are made again. */
static bool reuse_installed(Interp *I, Value m, bool *done)
{
    Value f64, i64, u8;
    *done = false;
    if (!tensor_np_scalar_type(I, NN_F64, &f64))
        return false;
    ObjType *t = (ObjType *)f64.as.o;
    value_decref(f64);
    if (t->nbases != 2)
        return true;
    if (!tensor_np_scalar_type(I, NN_I64, &i64))
        return false;
    value_decref(i64);
    if (!tensor_np_scalar_type(I, NN_U8, &u8))
        return false;
    value_decref(u8);
    ObjType *floating = named_base(t, "floating"), *inexact = named_base(floating, "inexact");
    ObjType *number = named_base(inexact, "number");
    ObjType *sint = named_base((ObjType *)i64.as.o, "signedinteger");
    ObjType *uint = named_base((ObjType *)u8.as.o, "unsignedinteger");
    if (!number || !named_base(number, "generic") || !sint || !named_base(sint, "integer") || !uint)
        return true;
    *done = true;
    return ufunc_errors(I, m) && set_class(I, m, "floating", floating) && set_class(I, m, "inexact", inexact) &&
           set_class(I, m, "number", number) && set_class(I, m, "generic", number->bases[0]) &&
           set_class(I, m, "signedinteger", sint) && set_class(I, m, "integer", sint->bases[0]) &&
           set_class(I, m, "unsignedinteger", uint);
}

bool tensor_np_types_install(Interp *I, Value m)
{
    bool done;
    if (!reuse_installed(I, m, &done) || done)
        return done;
    Value object = {0}, flt = {0}, generic, number, integer, sint, uint, inexact, floating;
    bool f1 = false, f2 = false;
    bool ok = interp_get_builtin(I, "object", &object, &f1) && f1 && interp_get_builtin(I, "float", &flt, &f2) &&
              f2 && abstract_class(I, m, "generic", object, &generic) &&
              abstract_class(I, m, "number", generic, &number) && abstract_class(I, m, "integer", number, &integer) &&
              abstract_class(I, m, "signedinteger", integer, &sint) &&
              abstract_class(I, m, "unsignedinteger", integer, &uint) &&
              abstract_class(I, m, "inexact", number, &inexact) &&
              abstract_class(I, m, "floating", inexact, &floating);
    Value none = {0};
    ok = ok && ufunc_errors(I, m) && set_bases(I, NN_F64, floating, flt) && set_bases(I, NN_F32, floating, none) &&
         set_bases(I, NN_I64, sint, none) && set_bases(I, NN_I32, sint, none) &&
         set_bases(I, NN_U8, uint, none) && set_bases(I, NN_BOOL, generic, none);
    value_decref(object);
    value_decref(flt);
    return ok;
}

/* ---- np.issubdtype ---- */

/* numpy: a subclass of np.generic stays; anything else is np.dtype(x).type. */
static bool generic_class(Interp *I, Value v, Value generic, Value *out)
{
    NnDType dt;
    if (val_is_obj(v, OBJ_TYPE) && type_is_subclass((ObjType *)v.as.o, (ObjType *)generic.as.o)) {
        value_incref(v);
        *out = v;
        return true;
    }
    return tensor_dtype_from_value(I, v, &dt) && tensor_np_scalar_type(I, dt, out);
}

static bool np_issubdtype(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2], np = {0}, generic = {0}, c1 = {0}, c2 = {0};
    (void)self;
    if (!args_parse(I, "issubdtype", a, "arg1, arg2", v))
        return false;
    bool ok = interp_import(I, "numpy", &np) && value_getattr(I, np, "generic", &generic) &&
              val_is_obj(generic, OBJ_TYPE) && generic_class(I, v[0], generic, &c1) &&
              generic_class(I, v[1], generic, &c2);
    if (ok)
        *out = val_bool(type_is_subclass((ObjType *)c1.as.o, (ObjType *)c2.as.o));
    value_decref(c1);
    value_decref(c2);
    value_decref(generic);
    value_decref(np);
    return ok;
}

const NativeDef np_types_defs[] = {
    {"issubdtype", np_issubdtype, "issubdtype(arg1, arg2)",
     "True when the first dtype or scalar type is lower or equal in numpy's type hierarchy:\n"
     "  np.issubdtype(a.dtype, np.floating), np.issubdtype(np.int32, np.integer)."},
    {NULL, NULL, NULL, NULL}
};
