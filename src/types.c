/* types.c - the type objects (int, float, str, bool, list, tuple, dict,
 * set, range, slice, object, type, enumerate, zip), the exception classes
 * with Python's hierarchy, exception instances, user class instantiation,
 * type(), isinstance(), issubclass() and super().  Conversions done by
 * calling a type (int("42"), float("nan"), dict(a=1)) are in convert.c.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "bigint.h"

bool convert_call(Interp *I, ObjType *t, const Args *a, Value *out);   /* convert.c */

static const char *const tag_names[T_COUNT] = {
    "NoneType", "bool", "int", "float", "str", "list", "tuple", "dict", "set", "range",
    "slice", "function", "builtin_function_or_method", "method", "module", "type",
    "object", "cell", "iterator", "enumerate", "zip", "frozenset"
};

/* The exception classes: name, index, parent index (-1: BaseException root). */
static const struct { const char *name; int index, parent; } exc_table[] = {
    {"BaseException", X_BASE, -1},
    {"SystemExit", ERR_SYSTEM_EXIT, X_BASE},
    {"KeyboardInterrupt", ERR_INTERRUPT, X_BASE},
    {"Exception", ERR_EXCEPTION, X_BASE},
    {"ArithmeticError", X_ARITH, ERR_EXCEPTION},
    {"ZeroDivisionError", ERR_ZERO_DIVISION, X_ARITH},
    {"OverflowError", ERR_OVERFLOW, X_ARITH},
    {"AssertionError", ERR_ASSERTION, ERR_EXCEPTION},
    {"AttributeError", ERR_ATTRIBUTE, ERR_EXCEPTION},
    {"ImportError", ERR_IMPORT, ERR_EXCEPTION},
    {"ModuleNotFoundError", X_MODNOTFOUND, ERR_IMPORT},
    {"LookupError", X_LOOKUP, ERR_EXCEPTION},
    {"IndexError", ERR_INDEX, X_LOOKUP},
    {"KeyError", ERR_KEY, X_LOOKUP},
    {"MemoryError", ERR_MEMORY, ERR_EXCEPTION},
    {"NameError", ERR_NAME, ERR_EXCEPTION},
    {"UnboundLocalError", X_UNBOUND, ERR_NAME},
    {"OSError", ERR_IO, ERR_EXCEPTION},
    {"FileNotFoundError", ERR_FILE_NOT_FOUND, ERR_IO},
    {"RuntimeError", ERR_RUNTIME, ERR_EXCEPTION},
    {"RecursionError", ERR_RECURSION, ERR_RUNTIME},
    {"NotImplementedError", ERR_NOT_IMPLEMENTED, ERR_RUNTIME},
    {"StopIteration", ERR_STOP_ITERATION, ERR_EXCEPTION},
    {"SyntaxError", ERR_SYNTAX, ERR_EXCEPTION},
    {"IndentationError", ERR_INDENT, ERR_SYNTAX},
    {"TabError", X_TABERROR, ERR_INDENT},
    {"TypeError", ERR_TYPE, ERR_EXCEPTION},
    {"ValueError", ERR_VALUE, ERR_EXCEPTION},
    {"EOFError", X_EOF, ERR_EXCEPTION},
    {"PermissionError", X_PERMISSION, ERR_IO},
    {"IsADirectoryError", X_ISADIR, ERR_IO},
    {"NotADirectoryError", X_NOTADIR, ERR_IO},
    {"FileExistsError", X_FILEEXISTS, ERR_IO},
    {"TimeoutError", X_TIMEOUT, ERR_IO},
    {"ConnectionError", X_CONNECTION, ERR_IO},
    {"UnicodeError", X_UNICODE, ERR_VALUE},
    {"UnicodeDecodeError", X_UNICODE_DECODE, X_UNICODE},
    {"UnicodeEncodeError", X_UNICODE_ENCODE, X_UNICODE},
    {"FloatingPointError", X_FLOATINGPOINT, X_ARITH},
    {"GeneratorExit", X_GENEXIT, X_BASE},
    {"Warning", X_WARNING, ERR_EXCEPTION},
    {"UserWarning", X_USERWARNING, X_WARNING},
    {"DeprecationWarning", X_DEPRECATION, X_WARNING},
    {"PendingDeprecationWarning", X_PENDINGDEPRECATION, X_WARNING},
    {"RuntimeWarning", X_RUNTIMEWARNING, X_WARNING},
    {"FutureWarning", X_FUTUREWARNING, X_WARNING},
    {"SyntaxWarning", X_SYNTAXWARNING, X_WARNING},
    {"ImportWarning", X_IMPORTWARNING, X_WARNING},
    {"AxisError", X_AXIS, ERR_VALUE},
};

const char *errkind_name(ErrKind k)
{
    for (size_t i = 0; i < sizeof exc_table / sizeof exc_table[0]; i++)
        if (exc_table[i].index == (int)k)
            return exc_table[i].name;
    return "Exception";
}

static bool type_alloc(Interp *I, const char *name, ObjType *base, ObjType **out)
{
    ObjType *t = (ObjType *)obj_alloc(I, OBJ_TYPE, sizeof(ObjType));
    if (!t)
        return false;
    t->tag = t->exc = -1;
    t->name = strdup(name);
    if (!t->name || !dict_new(I, &t->dict) ||
        (base && !(t->bases = malloc(sizeof(ObjType *))))) {
        value_decref(val_obj(&t->obj));
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    if (base) {
        t->bases[0] = base;
        t->nbases = 1;
        value_incref(val_obj(&base->obj));
        t->is_exception = base->is_exception;
    }
    *out = t;
    return true;
}

bool type_is_subclass(const ObjType *t, const ObjType *base)
{
    if (t == base)
        return true;
    if (base->tag == T_OBJECT)
        return true;
    for (int i = 0; i < t->nbases; i++)
        if (type_is_subclass(t->bases[i], base))
            return true;
    return false;
}

bool type_lookup(ObjType *t, const char *name, Value *out)
{
    if (t->dict.kind == VAL_OBJ) {
        DictEntry *e = dict_find_cstr(t->dict, name);
        if (e) {
            *out = e->value;
            return true;
        }
    }
    for (int i = 0; i < t->nbases; i++)
        if (type_lookup(t->bases[i], name, out))
            return true;
    return false;
}

ObjType *exc_class_for_kind(Interp *I, int kind)
{
    if (kind < 0 || kind >= X_COUNT)
        kind = ERR_EXCEPTION;
    return I->exc[kind];
}

/* The ErrKind that C code sees for an exception class: the nearest
 * ancestor that has one. */
int exc_kind_of_class(const ObjType *t)
{
    if (t->exc >= 0 && t->exc < ERR_KIND_COUNT)
        return t->exc;
    for (int i = 0; i < t->nbases; i++)
        if (t->bases[i]->is_exception)
            return exc_kind_of_class(t->bases[i]);
    return ERR_EXCEPTION;
}

bool native_type_get(Interp *I, const NativeClass *cls, ObjType **out)
{
    Value key = val_int((int64_t)(uintptr_t)cls), t;
    bool found;
    if (!dict_get(I, I->native_types, key, &t, &found))
        return false;
    if (found) {
        value_decref(t);
        *out = (ObjType *)t.as.o;
        return true;
    }
    ObjType *nt;
    if (!type_alloc(I, cls->name, I->types[T_OBJECT], &nt))
        return false;
    nt->ncls = cls;
    bool ok = dict_set(I, I->native_types, key, val_obj(&nt->obj));
    value_decref(val_obj(&nt->obj));
    *out = nt;
    return ok;
}

ObjType *value_type_obj(Interp *I, Value v)
{
    ObjType *t = NULL;
    switch (v.kind) {
    case VAL_UNSET: case VAL_NONE: return I->types[T_NONE];
    case VAL_BOOL: return I->types[T_BOOL];
    case VAL_INT: return I->types[T_INT];
    case VAL_FLOAT: return I->types[T_FLOAT];
    case VAL_OBJ: break;
    }
    switch (v.as.o->kind) {
    case OBJ_STR: return I->types[T_STR];
    case OBJ_LIST: return I->types[T_LIST];
    case OBJ_TUPLE: return I->types[T_TUPLE];
    case OBJ_DICT: return I->types[T_DICT];
    case OBJ_SET: return I->types[as_dict(v)->frozen ? T_FROZENSET : T_SET];
    case OBJ_RANGE: return I->types[T_RANGE];
    case OBJ_SLICE: return I->types[T_SLICE];
    case OBJ_FUNC: return I->types[T_FUNCTION];
    case OBJ_NATIVE: return I->types[T_BUILTIN];
    case OBJ_BOUND: return I->types[T_METHOD];
    case OBJ_MODULE: return I->types[T_MODULE];
    case OBJ_TYPE: return I->types[T_TYPE];
    case OBJ_INSTANCE: return ((ObjInstance *)v.as.o)->cls;
    case OBJ_CELL: return I->types[T_CELL];
    case OBJ_ITER: {
        IterKind ik = ((ObjIter *)v.as.o)->ik;
        if (ik == IT_GENEXP)
            return native_type_get(I, gen_native_class(), &t) ? t : NULL;
        return I->types[ik == IT_ENUMERATE ? T_ENUMERATE : ik == IT_ZIP ? T_ZIP : T_ITER];
    }
    case OBJ_NATIVE_OBJ:
        if (((ObjNativeObj *)v.as.o)->cls == &bigint_class)
            return I->types[T_INT];
        if (((ObjNativeObj *)v.as.o)->cls == &bigrange_class)
            return I->types[T_RANGE];
        if (!native_type_get(I, ((ObjNativeObj *)v.as.o)->cls, &t))
            return NULL;
        return t;
    }
    return I->types[T_OBJECT];
}

bool value_type(Interp *I, Value v, Value *out)
{
    ObjType *t = value_type_obj(I, v);
    if (!t)
        return false;
    *out = val_obj(&t->obj);
    value_incref(*out);
    return true;
}

bool value_isinstance(Interp *I, Value v, Value cls, bool *out)
{
    if (val_is_obj(cls, OBJ_TUPLE)) {
        *out = false;
        for (size_t i = 0; i < as_list(cls)->len && !*out; i++)
            if (!value_isinstance(I, v, as_list(cls)->items[i], out))
                return false;
        return true;
    }
    if (!val_is_obj(cls, OBJ_TYPE))
        return interp_error(I, ERR_TYPE,
                            "isinstance() arg 2 must be a type, a tuple of types, or a union");
    ObjType *t = value_type_obj(I, v);
    if (!t)
        return false;
    *out = type_is_subclass(t, (ObjType *)cls.as.o);
    return true;
}

bool value_in(Interp *I, Value container, Value item, bool *out)
{
    return value_contains(I, container, item, out);
}

bool range_new(Interp *I, int64_t start, int64_t stop, int64_t step, Value *out)
{
    if (step == 0)
        return interp_error(I, ERR_VALUE, "range() arg 3 must not be zero");
    ObjRange *r = (ObjRange *)obj_alloc(I, OBJ_RANGE, sizeof(ObjRange));
    if (!r)
        return false;
    r->start = start;
    r->stop = stop;
    r->step = step;
    *out = val_obj(&r->obj);
    return true;
}

bool native_class_type(Interp *I, const NativeClass *cls, NativeFn ctor, Value *out)
{
    ObjType *t;
    if (!native_type_get(I, cls, &t))
        return false;
    if (!t->ctor)
        t->ctor = ctor;
    *out = val_obj(&t->obj);
    value_incref(*out);
    return true;
}

const NativeClass *type_native_class(Value v)
{
    return val_is_obj(v, OBJ_TYPE) ? ((ObjType *)v.as.o)->ncls : NULL;
}

/* ---- exceptions ---- */

bool exc_new(Interp *I, ObjType *cls, const Value *args, int nargs, Value *out)
{
    ObjInstance *in = (ObjInstance *)obj_alloc(I, OBJ_INSTANCE, sizeof(ObjInstance));
    if (!in)
        return false;
    Value v = val_obj(&in->obj);
    in->cls = cls;
    value_incref(val_obj(&cls->obj));
    if (!tuple_new(I, (size_t)nargs, &in->args)) {
        value_decref(v);
        return false;
    }
    for (int i = 0; i < nargs; i++) {
        value_incref(args[i]);
        as_list(in->args)->items[i] = args[i];
    }
    *out = v;
    return true;
}

bool exc_message(Interp *I, Value exc, StrBuf *sb)
{
    ObjInstance *in = (ObjInstance *)exc.as.o;
    if (in->msg) {
        sb_puts(sb, in->msg);
        return true;
    }
    if (in->args.kind == VAL_UNSET || as_list(in->args)->len == 0)
        return true;
    if (as_list(in->args)->len == 1) {
        Value a = as_list(in->args)->items[0];
        if (type_is_subclass(in->cls, I->exc[ERR_KEY]))
            return value_repr(I, a, sb);
        return value_str(I, a, sb);
    }
    return value_repr(I, in->args, sb);
}

/* BaseException.__init__(self, *args): what super().__init__(msg) reaches. */
static bool exc_init(Interp *I, Value self, const Args *a, Value *out)
{
    int first = 0;
    if (self.kind == VAL_UNSET) {
        if (a->npos < 1)
            return interp_error(I, ERR_TYPE, "descriptor '__init__' needs an argument");
        self = a->pos[0];
        first = 1;
    }
    if (!val_is_obj(self, OBJ_INSTANCE))
        return interp_error(I, ERR_TYPE, "descriptor '__init__' requires an exception");
    ObjInstance *in = (ObjInstance *)self.as.o;
    Value t;
    if (!tuple_new(I, (size_t)(a->npos - first), &t))
        return false;
    for (int i = first; i < a->npos; i++) {
        value_incref(a->pos[i]);
        as_list(t)->items[i - first] = a->pos[i];
    }
    value_decref(in->args);
    in->args = t;
    free(in->msg);
    in->msg = NULL;
    *out = val_none();
    return true;
}

static bool object_init(Interp *I, Value self, const Args *a, Value *out)
{
    (void)I; (void)self; (void)a;
    *out = val_none();
    return true;
}

static const NativeDef exc_init_def = {"__init__", exc_init, "__init__(self, *args)", NULL};
static const NativeDef object_init_def = {"__init__", object_init, "__init__(self)", NULL};

/* object.__new__(cls): an instance of a user class without running its
 * __init__ (copy.copy, cls.__new__(cls) in class methods). */
static bool object_new(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->npos < 1 || !val_is_obj(a->pos[0], OBJ_TYPE))
        return interp_error(I, ERR_TYPE, "object.__new__(X): X is not a type object");
    ObjType *cls = (ObjType *)a->pos[0].as.o;
    if (cls->is_exception)
        return exc_new(I, cls, a->pos + 1, a->npos - 1, out);
    if (cls->tag >= 0 || cls->ncls)
        return interp_error(I, ERR_TYPE, "object.__new__(%s) is not safe, use %s.__new__()",
                            cls->name, cls->name);
    ObjInstance *in = (ObjInstance *)obj_alloc(I, OBJ_INSTANCE, sizeof(ObjInstance));
    if (!in)
        return false;
    in->cls = cls;
    value_incref(val_obj(&cls->obj));
    *out = val_obj(&in->obj);
    if (!dict_new(I, &in->dict)) {
        value_decref(*out);
        return false;
    }
    return true;
}

static bool object_setattr(Interp *I, Value self, const Args *a, Value *out)
{
    Value p[3];                          /* self is set when reached through super() */
    int k = self.kind == VAL_UNSET ? 0 : 1;
    if (k)
        p[0] = self;
    for (int i = 0; i < a->npos && i + k < 3; i++)
        p[i + k] = a->pos[i];
    if (a->npos + k != 3 || !val_is_obj(p[1], OBJ_STR))
        return interp_error(I, ERR_TYPE, "object.__setattr__(self, name, value) takes a str name");
    if (!value_setattr_plain(I, p[0], str_cstr(p[1]), p[2]))
        return false;
    *out = val_none();
    return true;
}

static const NativeDef object_setattr_def = {"__setattr__", object_setattr,
    "__setattr__(self, name, value)", "Sets an attribute, past the class's own __setattr__."};

static const NativeDef object_new_def = {"__new__", object_new, "__new__(cls, *args)",
    "A new instance of cls, without calling its __init__.\nExample: obj = object.__new__(C)"};

/* ---- user classes: instantiation ---- */

static bool instance_new(Interp *I, ObjType *cls, const Args *a, Value *out)
{
    Value v, init, r;
    if (cls->is_exception) {
        if (!exc_new(I, cls, a->pos, a->npos, &v))
            return false;
    } else {
        ObjInstance *in = (ObjInstance *)obj_alloc(I, OBJ_INSTANCE, sizeof(ObjInstance));
        if (!in)
            return false;
        in->cls = cls;
        value_incref(val_obj(&cls->obj));
        v = val_obj(&in->obj);
    }
    if (!dict_new(I, &((ObjInstance *)v.as.o)->dict)) {
        value_decref(v);
        return false;
    }
    bool plain = !type_lookup(cls, "__init__", &init) ||
                 (val_is_obj(init, OBJ_NATIVE) && ((ObjNativeFn *)init.as.o)->def == &object_init_def);
    if (plain && !cls->is_exception && (a->npos || a->nkw)) {
        value_decref(v);
        return interp_error(I, ERR_TYPE, "%s() takes no arguments", cls->name);
    }
    if (!plain) {
        Value bound;
        if (!value_getattr(I, v, "__init__", &bound)) {
            value_decref(v);
            return false;
        }
        bool ok;
        if (val_is_obj(bound, OBJ_NATIVE) && ((ObjNativeFn *)bound.as.o)->self.kind == VAL_UNSET) {
            /* a native __init__ found on a base: pass self explicitly */
            Value stack[16];
            Args b = *a;
            if (a->npos + 1 > 16) {
                value_decref(bound);
                value_decref(v);
                return interp_error(I, ERR_TYPE, "too many arguments");
            }
            stack[0] = v;
            if (a->npos)
                memcpy(stack + 1, a->pos, (size_t)a->npos * sizeof(Value));
            b.pos = stack;
            b.npos = a->npos + 1;
            ok = value_call(I, bound, &b, &r);
        } else {
            ok = value_call(I, bound, a, &r);
        }
        value_decref(bound);
        if (!ok) {
            value_decref(v);
            return false;
        }
        if (r.kind != VAL_NONE) {
            value_decref(r);
            value_decref(v);
            return interp_error(I, ERR_TYPE, "__init__() should return None, not '%s'",
                                value_type_name(r));
        }
    }
    *out = v;
    return true;
}

bool type_call(Interp *I, ObjType *t, const Args *a, Value *out)
{
    if (t->ctor)
        return t->ctor(I, val_obj(&t->obj), a, out);
    if (t->ncls)
        return interp_error(I, ERR_TYPE, "cannot create '%s' instances", t->name);
    if (t->tag >= 0 && t->tag != T_OBJECT)
        return convert_call(I, t, a, out);
    if (t->exc >= 0) {
        if (a->nkw)
            return interp_error(I, ERR_TYPE, "%s() takes no keyword arguments", t->name);
        return exc_new(I, t, a->pos, a->npos, out);
    }
    return instance_new(I, t, a, out);
}

/* Creates a user class (the class statement).  bases: types (others are
 * treated as object, so a class deriving from a runtime function works). */
bool class_new(Interp *I, const char *name, const Value *bases, int nbases, Value dict,
               Value *out)
{
    ObjType *t;
    if (!type_alloc(I, name, NULL, &t))
        return false;
    value_decref(t->dict);
    value_incref(dict);
    t->dict = dict;
    t->bases = malloc(((size_t)nbases + 1) * sizeof(ObjType *));
    if (!t->bases) {
        value_decref(val_obj(&t->obj));
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    for (int i = 0; i < nbases; i++) {
        ObjType *b = val_is_obj(bases[i], OBJ_TYPE) ? (ObjType *)bases[i].as.o : I->types[T_OBJECT];
        value_incref(val_obj(&b->obj));
        t->bases[t->nbases++] = b;
        t->is_exception |= b->is_exception;
    }
    if (nbases == 0) {
        t->bases[0] = I->types[T_OBJECT];
        value_incref(val_obj(&t->bases[0]->obj));
        t->nbases = 1;
    }
    size_t pos = 0;
    Value k, v;
    while (dict_next(dict, &pos, &k, &v))
        if (val_is_obj(v, OBJ_FUNC) && !((ObjFunc *)v.as.o)->owner)
            ((ObjFunc *)v.as.o)->owner = t;
    *out = val_obj(&t->obj);
    return true;
}

/* ---- super() ---- */

typedef struct SuperData {
    ObjType *start;      /* look up after this class */
    Value self;
} SuperData;

static void super_finalize(void *data)
{
    SuperData *s = data;
    value_decref(s->self);
    value_decref(val_obj(&s->start->obj));
    free(s);
}

/* The method resolution order: depth first, each class at its last
 * occurrence (C3's answer for single inheritance and the usual diamonds). */
static void mro_walk(ObjType *t, ObjType **seq, int *n, int cap)
{
    if (*n < cap)
        seq[(*n)++] = t;
    for (int i = 0; i < t->nbases; i++)
        mro_walk(t->bases[i], seq, n, cap);
}

/* `name` in the classes after s->start in the MRO of self's class, as
 * Python's super() does (a mixin's super() reaches its sibling). */
static bool super_lookup(SuperData *s, const char *name, Value *fn)
{
    ObjType *seq[128], *cls = val_is_obj(s->self, OBJ_TYPE) ? (ObjType *)s->self.as.o
                            : val_is_obj(s->self, OBJ_INSTANCE) ? ((ObjInstance *)s->self.as.o)->cls
                            : NULL;
    int n = 0;
    if (cls)
        mro_walk(cls, seq, &n, 128);
    bool after = false;
    for (int i = 0; i < n; i++) {
        bool later = false;
        for (int j = i + 1; j < n && !later; j++)
            later = seq[j] == seq[i];
        if (later)
            continue;
        if (after && seq[i]->dict.kind == VAL_OBJ) {
            DictEntry *e = dict_find_cstr(seq[i]->dict, name);
            if (e) {
                *fn = e->value;
                return true;
            }
        }
        after = after || seq[i] == s->start;
    }
    if (after)
        return false;
    for (int i = 0; i < s->start->nbases; i++)   /* self is not an instance of start */
        if (type_lookup(s->start->bases[i], name, fn))
            return true;
    return false;
}

static bool super_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    SuperData *s = ((ObjNativeObj *)self.as.o)->data;
    Value fn;
    *found = super_lookup(s, name, &fn);
    if (!*found)
        return true;
    if (val_is_obj(fn, OBJ_FUNC)) {
        ObjBound *b = (ObjBound *)obj_alloc(I, OBJ_BOUND, sizeof(ObjBound));
        if (!b)
            return false;
        value_incref(fn);
        value_incref(s->self);
        b->fn = fn;
        b->self = s->self;
        *out = val_obj(&b->obj);
        return true;
    }
    if (val_is_obj(fn, OBJ_NATIVE))
        return native_new(I, ((ObjNativeFn *)fn.as.o)->def, ((ObjNativeFn *)fn.as.o)->qualname,
                          s->self, out);
    value_incref(fn);
    *out = fn;
    return true;
}

static const NativeClass super_class = {.name = "super", .finalize = super_finalize,
                                        .getattr = super_getattr};

/* Native methods found through super() get self as `self`; exc_init and
 * object_init take it from pos[0] when called unbound, so adapt. */
static bool super_fn(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    ObjType *start = NULL;
    Value obj = {VAL_UNSET, {0}};
    if (a->npos >= 2 && val_is_obj(a->pos[0], OBJ_TYPE)) {
        start = (ObjType *)a->pos[0].as.o;
        obj = a->pos[1];
    } else if (a->npos == 0 && I->frame && I->frame->func && I->frame->func->owner) {
        Frame *f = I->frame;
        start = f->func->owner;
        const Node *p = f->func->node->u.func.params.n ? f->func->node->u.func.params.items[0] : NULL;
        DictEntry *e = p && f->locals.kind == VAL_OBJ ? dict_find_cstr(f->locals, p->u.param.name) : NULL;
        if (e)
            obj = val_is_obj(e->value, OBJ_CELL) ? ((ObjCell *)e->value.as.o)->v : e->value;
    }
    if (!start || obj.kind == VAL_UNSET)
        return interp_error(I, ERR_RUNTIME, "super(): no arguments");
    SuperData *s = malloc(sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->start = start;
    s->self = obj;
    value_incref(obj);
    value_incref(val_obj(&start->obj));
    return native_obj_new(I, &super_class, s, out);
}

/* ---- type(), isinstance(), issubclass() ---- */

static bool isinstance_fn(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value p[2];
    bool r;
    if (!args_parse(I, "isinstance", a, "obj, class_or_tuple", p) ||
        !value_isinstance(I, p[0], p[1], &r))
        return false;
    *out = val_bool(r);
    return true;
}

static bool issubclass_fn(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value p[2];
    if (!args_parse(I, "issubclass", a, "cls, class_or_tuple", p))
        return false;
    if (!val_is_obj(p[0], OBJ_TYPE))
        return interp_error(I, ERR_TYPE, "issubclass() arg 1 must be a class");
    bool r = false;
    if (val_is_obj(p[1], OBJ_TUPLE)) {
        for (size_t i = 0; i < as_list(p[1])->len && !r; i++)
            r = val_is_obj(as_list(p[1])->items[i], OBJ_TYPE) &&
                type_is_subclass((ObjType *)p[0].as.o, (ObjType *)as_list(p[1])->items[i].as.o);
    } else if (val_is_obj(p[1], OBJ_TYPE)) {
        r = type_is_subclass((ObjType *)p[0].as.o, (ObjType *)p[1].as.o);
    } else {
        return interp_error(I, ERR_TYPE, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    }
    *out = val_bool(r);
    return true;
}

static const NativeDef type_defs[] = {
    {"isinstance", isinstance_fn, "isinstance(obj, class_or_tuple)",
     "Return whether an object is an instance of a class or of a subclass thereof.\n"
     "Example: isinstance(3, int) -> True"},
    {"issubclass", issubclass_fn, "issubclass(cls, class_or_tuple)",
     "Return whether 'cls' is derived from another class or is the same class.\n"
     "Example: issubclass(bool, int) -> True"},
    {"super", super_fn, "super()",
     "The parent class of the class being defined, bound to self: super().__init__()."},
    {NULL, NULL, NULL, NULL}
};

/* ---- installation ---- */

static bool install_builtin_types(Interp *I)
{
    if (!type_alloc(I, "object", NULL, &I->types[T_OBJECT]))
        return false;
    I->types[T_OBJECT]->tag = T_OBJECT;
    for (int tag = 0; tag < T_COUNT; tag++) {
        if (tag == T_OBJECT)
            continue;
        ObjType *base = tag == T_BOOL ? I->types[T_INT] : I->types[T_OBJECT];
        if (tag == T_BOOL && !I->types[T_INT]) {
            if (!type_alloc(I, "int", I->types[T_OBJECT], &I->types[T_INT]))
                return false;
            I->types[T_INT]->tag = T_INT;
            base = I->types[T_INT];
        }
        if (I->types[tag])
            continue;
        if (!type_alloc(I, tag_names[tag], base, &I->types[tag]))
            return false;
        I->types[tag]->tag = tag;
    }
    Value f;
    if (!native_new(I, &object_init_def, "object.__init__", (Value){VAL_UNSET, {0}}, &f))
        return false;
    bool ok = dict_set_str(I, I->types[T_OBJECT]->dict, "__init__", f);
    value_decref(f);
    if (!ok || !native_new(I, &object_new_def, "object.__new__", (Value){VAL_UNSET, {0}}, &f))
        return false;
    ok = dict_set_str(I, I->types[T_OBJECT]->dict, "__new__", f);
    value_decref(f);
    if (!ok || !native_new(I, &object_setattr_def, "object.__setattr__", (Value){VAL_UNSET, {0}}, &f))
        return false;
    ok = dict_set_str(I, I->types[T_OBJECT]->dict, "__setattr__", f);
    value_decref(f);
    return ok;
}

static bool install_exceptions(Interp *I)
{
    for (size_t i = 0; i < sizeof exc_table / sizeof exc_table[0]; i++) {
        int parent = exc_table[i].parent;
        ObjType *t;
        if (!type_alloc(I, exc_table[i].name, parent < 0 ? I->types[T_OBJECT] : I->exc[parent], &t))
            return false;
        t->exc = exc_table[i].index;
        t->is_exception = true;
        I->exc[t->exc] = t;
    }
    /* numpy.AxisError is also an IndexError */
    ObjType *ax = I->exc[X_AXIS], **b = realloc(ax->bases, 2 * sizeof *b);
    if (!b)
        return interp_error(I, ERR_MEMORY, "out of memory");
    ax->bases = b;
    b[ax->nbases++] = I->exc[ERR_INDEX];
    value_incref(val_obj(&I->exc[ERR_INDEX]->obj));
    Value f;
    if (!native_new(I, &exc_init_def, "BaseException.__init__", (Value){VAL_UNSET, {0}}, &f))
        return false;
    bool ok = dict_set_str(I, I->exc[X_BASE]->dict, "__init__", f);
    value_decref(f);
    return ok;
}

static bool add_type(Interp *I, const char *name, ObjType *t)
{
    return interp_add_builtin(I, name, val_obj(&t->obj));
}

/* Creates the type objects; called first by interp_new. */
bool types_install(Interp *I)
{
    return install_builtin_types(I) && install_exceptions(I);
}

/* Makes them visible as built-in names; called after pybuiltins_install so
 * the names int, str, ValueError ... are always the type objects. */
bool types_install_names(Interp *I)
{
    static const int visible[] = {T_BOOL, T_INT, T_FLOAT, T_STR, T_LIST, T_TUPLE, T_DICT,
                                  T_SET, T_FROZENSET, T_RANGE, T_SLICE, T_OBJECT, T_TYPE};
    for (size_t i = 0; i < sizeof visible / sizeof visible[0]; i++)
        if (!add_type(I, tag_names[visible[i]], I->types[visible[i]]))
            return false;
    for (size_t i = 0; i < sizeof exc_table / sizeof exc_table[0]; i++)
        if (exc_table[i].index != X_AXIS &&
            !add_type(I, exc_table[i].name, I->exc[exc_table[i].index]))
            return false;
    if (!add_type(I, "IOError", I->exc[ERR_IO]) || !add_type(I, "EnvironmentError", I->exc[ERR_IO]))
        return false;
    for (int tag = T_ENUMERATE; tag <= T_ZIP; tag++)
        if (!dict_find_cstr(I->builtins, tag_names[tag]) &&
            !add_type(I, tag_names[tag], I->types[tag]))
            return false;
    return interp_add_builtins(I, type_defs);
}

void types_free(Interp *I)
{
    for (int i = 0; i < T_COUNT; i++)
        if (I->types[i])
            value_decref(val_obj(&I->types[i]->obj));
    for (int i = 0; i < X_COUNT; i++)
        if (I->exc[i])
            value_decref(val_obj(&I->exc[i]->obj));
}
