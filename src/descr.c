/* descr.c - staticmethod, classmethod and property for user classes: the
 * wrappers, user descriptors (__get__/__set__), and what attribute lookup
 * does with them (descr_get/descr_set,
 * called by value_attr.c).  Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include "object.h"

typedef struct Descr {
    Value fn;      /* the function (fget for property) */
    Value fset;    /* property setter, or unset */
} Descr;

static void descr_finalize(void *data)
{
    Descr *d = data;
    value_decref(d->fn);
    value_decref(d->fset);
    free(d);
}

static bool property_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);

static const NativeClass staticmethod_class = {.name = "staticmethod", .finalize = descr_finalize};
static const NativeClass classmethod_class = {.name = "classmethod", .finalize = descr_finalize};
static const NativeClass property_class = {.name = "property", .finalize = descr_finalize,
                                           .getattr = property_getattr};

static bool descr_new(Interp *I, const NativeClass *cls, Value fn, Value fset, Value *out)
{
    Descr *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    value_incref(fn);
    value_incref(fset);
    d->fn = fn;
    d->fset = fset;
    return native_obj_new(I, cls, d, out);
}

static bool property_setter(Interp *I, Value self, const Args *a, Value *out)
{
    Value p[1];
    if (!args_parse(I, "setter", a, "fset", p))
        return false;
    Descr *d = native_obj_data(self, &property_class);
    return descr_new(I, &property_class, d->fn, p[0], out);
}

static const NativeDef setter_def = {"setter", property_setter, "setter(fset)", NULL};

static bool property_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    *found = strcmp(name, "setter") == 0;
    return *found ? native_new(I, &setter_def, "property.setter", self, out) : true;
}

static bool make(Interp *I, const NativeClass *cls, const char *fname, const Args *a, Value *out)
{
    Value p[2] = {val_none(), val_none()};   /* the one-argument spec leaves p[1] alone */
    if (!args_parse(I, fname, a, cls == &property_class ? "fget=, fset=" : "function", p))
        return false;
    Value none = val_none();
    return descr_new(I, cls, p[0].kind ? p[0] : none, p[1], out);
}

static bool b_staticmethod(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return make(I, &staticmethod_class, "staticmethod", a, out);
}

static bool b_classmethod(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return make(I, &classmethod_class, "classmethod", a, out);
}

static bool b_property(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return make(I, &property_class, "property", a, out);
}

static const NativeDef descr_defs[] = {
    {"staticmethod", b_staticmethod, "staticmethod(function)",
     "A method that receives no implicit first argument (use as @staticmethod)."},
    {"classmethod", b_classmethod, "classmethod(function)",
     "A method that receives the class as its first argument (use as @classmethod)."},
    {"property", b_property, "property(fget=None, fset=None)",
     "An attribute computed by a method (use as @property, and @name.setter)."},
    {NULL, NULL, NULL, NULL}
};

bool descr_install(Interp *I)
{
    return interp_add_builtins(I, descr_defs);
}

static bool bind(Interp *I, Value fn, Value self, Value *out)
{
    ObjBound *b = (ObjBound *)obj_alloc(I, OBJ_BOUND, sizeof(ObjBound));
    if (!b)
        return false;
    value_incref(fn);
    value_incref(self);
    b->fn = fn;
    b->self = self;
    *out = val_obj(&b->obj);
    return true;
}

/* What a class attribute `attr` becomes when read through `obj` (an
 * instance, or unset when read on the class `cls`).  *handled=false: attr
 * is not a descriptor. */
bool descr_get(Interp *I, Value attr, Value obj, ObjType *cls, Value *out, bool *handled)
{
    *handled = false;
    Value get;
    if (val_is_obj(attr, OBJ_INSTANCE) &&   /* a user descriptor: __get__(obj or None, cls) */
        type_lookup(((ObjInstance *)attr.as.o)->cls, "__get__", &get)) {
        Value args[3] = {attr, obj.kind == VAL_UNSET ? val_none() : obj, val_obj(&cls->obj)};
        *handled = true;
        return interp_call(I, get, 3, args, out);
    }
    if (!val_is_obj(attr, OBJ_NATIVE_OBJ))
        return true;
    Descr *d = ((ObjNativeObj *)attr.as.o)->data;
    const NativeClass *c = ((ObjNativeObj *)attr.as.o)->cls;
    if (c == &staticmethod_class) {
        *handled = true;
        value_incref(d->fn);
        *out = d->fn;
        return true;
    }
    if (c == &classmethod_class) {
        *handled = true;
        return bind(I, d->fn, val_obj(&cls->obj), out);
    }
    if (c == &property_class && obj.kind != VAL_UNSET) {
        *handled = true;
        return interp_call(I, d->fn, 1, &obj, out);
    }
    return true;
}

/* obj.name = v where the class has a property `name`. */
bool descr_set(Interp *I, Value obj, const char *name, Value v, bool *handled)
{
    Value attr, r;
    *handled = false;
    ObjType *cls = ((ObjInstance *)obj.as.o)->cls;
    if (!type_lookup(cls, name, &attr))
        return true;
    Value set;
    if (val_is_obj(attr, OBJ_INSTANCE) &&   /* a user data descriptor: __set__(obj, v) */
        type_lookup(((ObjInstance *)attr.as.o)->cls, "__set__", &set)) {
        Value args[3] = {attr, obj, v};
        *handled = true;
        if (!interp_call(I, set, 3, args, &r))
            return false;
        value_decref(r);
        return true;
    }
    if (!native_obj_is(attr, &property_class))
        return true;
    Descr *d = native_obj_data(attr, &property_class);
    *handled = true;
    if (d->fset.kind == VAL_UNSET)
        return interp_error(I, ERR_ATTRIBUTE, "property '%s' of '%s' object has no setter",
                            name, cls->name);
    Value args[2] = {obj, v};
    if (!interp_call(I, d->fset, 2, args, &r))
        return false;
    value_decref(r);
    return true;
}
