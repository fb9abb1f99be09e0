/* value_repr.c - repr(), str(), truth, equality and hashing of values, as
 * Python defines them.  Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>
#include "object.h"
#include "bigint.h"

static const char *iter_names[] = {
    "list_iterator", "str_ascii_iterator", "range_iterator", "dict_keyiterator",
    "enumerate", "zip", "iterator", "generator"
};

const char *value_type_name(Value v)
{
    switch (v.kind) {
    case VAL_UNSET: return "<unset>";
    case VAL_NONE: return "NoneType";
    case VAL_BOOL: return "bool";
    case VAL_INT: return "int";
    case VAL_FLOAT: return "float";
    case VAL_OBJ: break;
    }
    switch (v.as.o->kind) {
    case OBJ_STR: return "str";
    case OBJ_LIST: return "list";
    case OBJ_TUPLE: return "tuple";
    case OBJ_DICT: return "dict";
    case OBJ_SET: return ((ObjDict *)v.as.o)->frozen ? "frozenset" : "set";
    case OBJ_RANGE: return "range";
    case OBJ_SLICE: return "slice";
    case OBJ_FUNC: return "function";
    case OBJ_NATIVE:
        return ((ObjNativeFn *)v.as.o)->self.kind == VAL_UNSET ? "builtin_function_or_method"
                                                                : "builtin_function_or_method";
    case OBJ_BOUND: return "method";
    case OBJ_MODULE: return "module";
    case OBJ_TYPE: return "type";
    case OBJ_INSTANCE: return ((ObjInstance *)v.as.o)->cls->name;
    case OBJ_CELL: return "cell";
    case OBJ_ITER: return iter_names[((ObjIter *)v.as.o)->ik];
    case OBJ_NATIVE_OBJ: return ((ObjNativeObj *)v.as.o)->cls->name;
    }
    return "object";
}

/* Python's str repr: single quotes unless the text has ' and no ". */
bool sb_repr_str(StrBuf *sb, const char *s, size_t n)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    sb_putc(sb, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c == '\n') {
            sb_puts(sb, "\\n");
        } else if (c == '\t') {
            sb_puts(sb, "\\t");
        } else if (c == '\r') {
            sb_puts(sb, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(sb, "\\x%02x", c);
        } else {
            sb_putc(sb, (char)c);
        }
    }
    sb_putc(sb, q);
    return true;
}

/* Recursion guard for containers that contain themselves. */
static bool repr_enter(Interp *I, Obj *o, bool *seen)
{
    *seen = false;
    for (int i = 0; i < I->repr_depth; i++)
        if (I->repr_stack[i] == o)
            *seen = true;
    if (*seen)
        return true;
    if (I->repr_depth >= (int)(sizeof I->repr_stack / sizeof I->repr_stack[0]))
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded while getting the repr of an object");
    I->repr_stack[I->repr_depth++] = o;
    return true;
}

static bool repr_seq(Interp *I, Value v, StrBuf *sb)
{
    ObjList *l = as_list(v);
    bool tuple = v.as.o->kind == OBJ_TUPLE, seen;
    if (!repr_enter(I, v.as.o, &seen))
        return false;
    if (seen) {
        sb_puts(sb, tuple ? "(...)" : "[...]");
        return true;
    }
    bool ok = true;
    sb_putc(sb, tuple ? '(' : '[');
    for (size_t i = 0; ok && i < l->len; i++) {
        if (i)
            sb_puts(sb, ", ");
        ok = value_repr(I, l->items[i], sb);
    }
    if (tuple && l->len == 1)
        sb_putc(sb, ',');
    sb_putc(sb, tuple ? ')' : ']');
    I->repr_depth--;
    return ok;
}

static bool repr_dict(Interp *I, Value v, StrBuf *sb)
{
    bool is_set = v.as.o->kind == OBJ_SET, seen;
    if (is_set && as_dict(v)->len == 0) {
        sb_puts(sb, "set()");
        return true;
    }
    if (is_set) {
        Value ordered;
        bool done;
        if (!set_python_order(I, v, &ordered, &done))
            return false;
        if (done) {
            bool ok = true;
            sb_putc(sb, '{');
            for (size_t i = 0; ok && i < as_list(ordered)->len; i++) {
                if (i)
                    sb_puts(sb, ", ");
                ok = value_repr(I, as_list(ordered)->items[i], sb);
            }
            sb_putc(sb, '}');
            value_decref(ordered);
            return ok;
        }
    }
    if (!repr_enter(I, v.as.o, &seen))
        return false;
    if (seen) {
        sb_puts(sb, "{...}");
        return true;
    }
    bool ok = true, first = true;
    size_t pos = 0;
    Value k, val;
    sb_putc(sb, '{');
    while (ok && dict_next(v, &pos, &k, &val)) {
        if (!first)
            sb_puts(sb, ", ");
        first = false;
        ok = value_repr(I, k, sb);
        if (ok && !is_set) {
            sb_puts(sb, ": ");
            ok = value_repr(I, val, sb);
        }
    }
    sb_putc(sb, '}');
    I->repr_depth--;
    return ok;
}

/* A set, or a frozenset as frozenset({1, 2}) / frozenset(). */
static bool repr_set(Interp *I, Value v, StrBuf *sb)
{
    if (!as_dict(v)->frozen)
        return repr_dict(I, v, sb);
    if (as_dict(v)->len == 0) {
        sb_puts(sb, "frozenset()");
        return true;
    }
    sb_puts(sb, "frozenset(");
    bool ok = repr_dict(I, v, sb);
    sb_putc(sb, ')');
    return ok;
}

static bool repr_user(Interp *I, Value v, const char *special, StrBuf *sb, bool *done)
{
    Value r;
    bool found;
    *done = false;
    if (!user_instance_special(I, v, special, 0, NULL, &r, &found))
        return false;
    if (!found)
        return true;
    *done = true;
    if (!val_is_obj(r, OBJ_STR)) {
        interp_error(I, ERR_TYPE, "%s returned non-string (type %s)", special, value_type_name(r));
        value_decref(r);
        return false;
    }
    sb_append(sb, str_cstr(r), as_str(r)->len);
    value_decref(r);
    return true;
}

static bool repr_instance(Interp *I, Value v, StrBuf *sb)
{
    ObjInstance *in = (ObjInstance *)v.as.o;
    bool done;
    if (!repr_user(I, v, "__repr__", sb, &done))
        return false;
    if (done)
        return true;
    if (in->cls->is_exception) {
        sb_puts(sb, in->cls->name);
        if (in->args.kind == VAL_UNSET || as_list(in->args)->len == 0) {
            sb_puts(sb, "()");
            return true;
        }
        if (as_list(in->args)->len == 1) {
            sb_putc(sb, '(');
            bool ok = value_repr(I, as_list(in->args)->items[0], sb);
            sb_putc(sb, ')');
            return ok;
        }
        return value_repr(I, in->args, sb);
    }
    sb_printf(sb, "<__main__.%s object at %p>", in->cls->name, (void *)in);
    return true;
}

static bool repr_callable(Interp *I, Value v, StrBuf *sb)
{
    Obj *o = v.as.o;
    switch (o->kind) {
    case OBJ_FUNC: {
        char q[160];
        func_qualname((ObjFunc *)o, q, sizeof q);
        sb_printf(sb, "<function %s at %p>", q, (void *)o);
        return true;
    }
    case OBJ_NATIVE: {
        ObjNativeFn *f = (ObjNativeFn *)o;
        if (f->self.kind == VAL_UNSET)
            sb_printf(sb, "<built-in function %s>", f->def->name);
        else
            sb_printf(sb, "<built-in method %s of %s object at %p>", f->def->name,
                      value_type_name(f->self), (void *)f->self.as.o);
        return true;
    }
    case OBJ_BOUND: {
        ObjBound *b = (ObjBound *)o;
        const char *fname = val_is_obj(b->fn, OBJ_FUNC) ? ((ObjFunc *)b->fn.as.o)->name : "?";
        sb_printf(sb, "<bound method %s.%s of ", value_type_name(b->self), fname);
        bool ok = value_repr(I, b->self, sb);
        sb_putc(sb, '>');
        return ok;
    }
    default:
        return true;
    }
}

static bool repr_obj(Interp *I, Value v, StrBuf *sb)
{
    Obj *o = v.as.o;
    switch (o->kind) {
    case OBJ_STR: return sb_repr_str(sb, as_str(v)->chars, as_str(v)->len);
    case OBJ_LIST: case OBJ_TUPLE: return repr_seq(I, v, sb);
    case OBJ_DICT: return repr_dict(I, v, sb);
    case OBJ_SET: return repr_set(I, v, sb);
    case OBJ_RANGE: {
        ObjRange *r = (ObjRange *)o;
        sb_printf(sb, "range(%lld, %lld", (long long)r->start, (long long)r->stop);
        if (r->step != 1)
            sb_printf(sb, ", %lld", (long long)r->step);
        sb_putc(sb, ')');
        return true;
    }
    case OBJ_SLICE: {
        ObjSlice *s = (ObjSlice *)o;
        Value none = val_none();
        sb_puts(sb, "slice(");
        bool ok = value_repr(I, s->lower.kind ? s->lower : none, sb);
        sb_puts(sb, ", ");
        ok = ok && value_repr(I, s->upper.kind ? s->upper : none, sb);
        sb_puts(sb, ", ");
        ok = ok && value_repr(I, s->step.kind ? s->step : none, sb);
        sb_putc(sb, ')');
        return ok;
    }
    case OBJ_FUNC: case OBJ_NATIVE: case OBJ_BOUND: return repr_callable(I, v, sb);
    case OBJ_MODULE:
        sb_printf(sb, "<module '%s' (built-in)>", ((ObjModule *)o)->name);
        return true;
    case OBJ_TYPE: {
        ObjType *t = (ObjType *)o;
        bool user = t->tag < 0 && t->exc < 0 && !t->ncls;
        const char *mod = t->ncls && t->ncls->module ? t->ncls->module : NULL;
        /* a class made with a __module__ of its own: numpy.floating */
        DictEntry *e = user && t->dict.kind == VAL_OBJ ? dict_find_cstr(t->dict, "__module__") : NULL;
        if (e && val_is_obj(e->value, OBJ_STR) && strcmp(str_cstr(e->value), "__main__") != 0) {
            mod = str_cstr(e->value);
            user = false;
        }
        sb_printf(sb, "<class '%s%s%s%s'>", user ? "__main__." : "", mod ? mod : "", mod ? "." : "",
                  t->name);
        return true;
    }
    case OBJ_INSTANCE: return repr_instance(I, v, sb);
    case OBJ_CELL: sb_printf(sb, "<cell at %p>", (void *)o); return true;
    case OBJ_ITER:
        sb_printf(sb, "<%s object%s at %p>", value_type_name(v),
                  ((ObjIter *)o)->ik == IT_GENEXP ? " <genexpr>" : "", (void *)o);
        return true;
    case OBJ_NATIVE_OBJ: {
        ObjNativeObj *n = (ObjNativeObj *)o;
        if (n->cls->repr)
            return n->cls->repr(I, v, sb);
        sb_printf(sb, "<%s object at %p>", n->cls->name, (void *)o);
        return true;
    }
    }
    return true;
}

bool value_repr(Interp *I, Value v, StrBuf *sb)
{
    switch (v.kind) {
    case VAL_UNSET: sb_puts(sb, "<unset>"); return true;
    case VAL_NONE: sb_puts(sb, "None"); return true;
    case VAL_BOOL: sb_puts(sb, v.as.b ? "True" : "False"); return true;
    case VAL_INT: sb_printf(sb, "%lld", (long long)v.as.i); return true;
    case VAL_FLOAT: format_float_repr(v.as.f, sb); return true;
    case VAL_OBJ: return repr_obj(I, v, sb);
    }
    return true;
}

bool value_str(Interp *I, Value v, StrBuf *sb)
{
    if (val_is_obj(v, OBJ_STR)) {
        sb_append(sb, as_str(v)->chars, as_str(v)->len);
        return true;
    }
    if (val_is_obj(v, OBJ_INSTANCE)) {
        bool done;
        if (!repr_user(I, v, "__str__", sb, &done))
            return false;
        if (done)
            return true;
        if (((ObjInstance *)v.as.o)->cls->is_exception)
            return exc_message(I, v, sb);
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ)) {
        ObjNativeObj *n = (ObjNativeObj *)v.as.o;
        if (n->cls->str)
            return n->cls->str(I, v, sb);
    }
    return value_repr(I, v, sb);
}

/* ---- truth ---- */

static bool truth_instance(Interp *I, Value v, bool *out)
{
    Value r;
    bool found;
    if (!user_instance_special(I, v, "__bool__", 0, NULL, &r, &found))
        return false;
    if (!found && !user_instance_special(I, v, "__len__", 0, NULL, &r, &found))
        return false;
    if (!found) {
        *out = true;
        return true;
    }
    bool ok = r.kind == VAL_BOOL || r.kind == VAL_INT;
    if (ok)
        *out = r.kind == VAL_BOOL ? r.as.b : r.as.i != 0;
    value_decref(r);
    return ok ? true : interp_error(I, ERR_TYPE, "__bool__ should return bool");
}

bool value_truth(Interp *I, Value v, bool *out)
{
    switch (v.kind) {
    case VAL_UNSET: case VAL_NONE: *out = false; return true;
    case VAL_BOOL: *out = v.as.b; return true;
    case VAL_INT: *out = v.as.i != 0; return true;
    case VAL_FLOAT: *out = v.as.f != 0.0; return true;
    case VAL_OBJ: break;
    }
    switch (v.as.o->kind) {
    case OBJ_STR: *out = as_str(v)->len != 0; return true;
    case OBJ_LIST: case OBJ_TUPLE: *out = as_list(v)->len != 0; return true;
    case OBJ_DICT: case OBJ_SET: *out = as_dict(v)->len != 0; return true;
    case OBJ_RANGE: {
        int64_t n;
        if (!value_len(I, v, &n))
            return false;
        *out = n != 0;
        return true;
    }
    case OBJ_INSTANCE: return truth_instance(I, v, out);
    case OBJ_NATIVE_OBJ: {
        const NativeClass *c = ((ObjNativeObj *)v.as.o)->cls;
        if (c->truth)
            return c->truth(I, v, out);
        if (c->len) {
            int64_t n;
            if (!c->len(I, v, &n))
                return false;
            *out = n != 0;
            return true;
        }
        *out = true;
        return true;
    }
    default: *out = true; return true;
    }
}

/* ---- equality and hashing ---- */

static bool eq_seq(Interp *I, ObjList *a, ObjList *b, bool *out)
{
    *out = false;
    if (a->len != b->len)
        return true;
    if (I->cdepth > 800)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded in comparison");
    I->cdepth++;
    bool ok = true;
    for (size_t i = 0; ok && i < a->len; i++) {
        bool e;
        if (value_identical(a->items[i], b->items[i]))
            continue;
        ok = value_eq(I, a->items[i], b->items[i], &e);
        if (ok && !e) {
            I->cdepth--;
            return true;
        }
    }
    I->cdepth--;
    *out = ok;
    return ok;
}

static bool eq_dict(Interp *I, Value a, Value b, bool *out)
{
    *out = false;
    if (as_dict(a)->len != as_dict(b)->len)
        return true;
    size_t pos = 0;
    Value k, v;
    bool is_set = a.as.o->kind == OBJ_SET;
    while (dict_next(a, &pos, &k, &v)) {
        Value w;
        bool found, e = true;
        if (!dict_get(I, b, k, &w, &found))
            return false;
        if (!found)
            return true;
        if (!is_set) {
            bool ok = value_eq(I, v, w, &e);
            value_decref(w);
            if (!ok)
                return false;
        }
        if (!e)
            return true;
    }
    *out = true;
    return true;
}

static bool eq_via_compare(Interp *I, Value a, Value b, bool *out, bool *handled)
{
    Value r;
    *handled = false;
    if (!value_compare(I, CMP_EQ, a, b, &r))
        return false;
    *handled = true;
    bool ok = value_truth(I, r, out);
    value_decref(r);
    return ok;
}

bool value_eq(Interp *I, Value a, Value b, bool *out)
{
    double x, y;
    if (a.kind != VAL_OBJ && b.kind != VAL_OBJ) {
        if (a.kind == VAL_NONE || b.kind == VAL_NONE) {
            *out = a.kind == b.kind;
            return true;
        }
        if (a.kind != VAL_FLOAT && b.kind != VAL_FLOAT) {
            int64_t p = a.kind == VAL_BOOL ? a.as.b : a.as.i;
            int64_t q = b.kind == VAL_BOOL ? b.as.b : b.as.i;
            *out = p == q;
            return true;
        }
        if (a.kind != VAL_FLOAT || b.kind != VAL_FLOAT) {   /* int == float, exactly */
            *out = a.kind == VAL_FLOAT ? bigint_cmp_double(b, a.as.f) == 0
                                       : bigint_cmp_double(a, b.as.f) == 0;
            return true;
        }
        num_as_double(a, &x);
        num_as_double(b, &y);
        *out = x == y;
        return true;
    }
    if (a.kind == VAL_OBJ && b.kind == VAL_OBJ && a.as.o->kind == b.as.o->kind) {
        switch (a.as.o->kind) {
        case OBJ_STR:
            *out = as_str(a)->len == as_str(b)->len &&
                   memcmp(as_str(a)->chars, as_str(b)->chars, as_str(a)->len) == 0;
            return true;
        case OBJ_LIST: case OBJ_TUPLE: return eq_seq(I, as_list(a), as_list(b), out);
        case OBJ_DICT: case OBJ_SET: return eq_dict(I, a, b, out);
        case OBJ_RANGE: {
            ObjRange *p = (ObjRange *)a.as.o, *q = (ObjRange *)b.as.o;
            int64_t n, m;
            value_len(I, a, &n);
            value_len(I, b, &m);
            *out = n == m && (n == 0 || (p->start == q->start && (n == 1 || p->step == q->step)));
            return true;
        }
        default: break;
        }
    }
    bool handled;
    if (val_is_obj(a, OBJ_INSTANCE) || val_is_obj(b, OBJ_INSTANCE) ||
        val_is_obj(a, OBJ_NATIVE_OBJ) || val_is_obj(b, OBJ_NATIVE_OBJ)) {
        if (!eq_via_compare(I, a, b, out, &handled))
            return false;
        if (handled)
            return true;
    }
    *out = value_identical(a, b);
    return true;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

bool value_is_hashable(Value v)
{
    if (v.kind != VAL_OBJ)
        return true;
    ObjKind k = v.as.o->kind;
    if (k == OBJ_LIST || k == OBJ_DICT || k == OBJ_SLICE || (k == OBJ_SET && !as_dict(v)->frozen))
        return false;
    if (k == OBJ_TUPLE)
        for (size_t i = 0; i < as_list(v)->len; i++)
            if (!value_is_hashable(as_list(v)->items[i]))
                return false;
    return true;
}

/* The class that decides an instance's hash: the first in the MRO whose
 * own dict has __hash__ or __eq__ (a class defining __eq__ alone has
 * __hash__ = None in Python).  *fn: its __hash__ (borrowed), unset when
 * the instance is unhashable, None when object's identity hash applies. */
static void instance_hash_fn(ObjType *t, Value *fn, bool *decided)
{
    if (t->dict.kind == VAL_OBJ) {
        DictEntry *h = dict_find_cstr(t->dict, "__hash__");
        if (h || dict_find_cstr(t->dict, "__eq__")) {
            *fn = h && h->value.kind != VAL_NONE ? h->value : (Value){VAL_UNSET, {0}};
            *decided = true;
            return;
        }
    }
    for (int i = 0; i < t->nbases && !*decided; i++)
        instance_hash_fn(t->bases[i], fn, decided);
}

/* hash(obj) of a user instance: its __hash__() (an int), or TypeError. */
bool value_instance_hash(Interp *I, Value v, int64_t *out, bool *identity)
{
    Value fn = val_none(), r;
    bool decided = false;
    ObjType *cls = ((ObjInstance *)v.as.o)->cls;
    instance_hash_fn(cls, &fn, &decided);
    *identity = !decided || fn.kind == VAL_NONE;
    if (*identity)
        return true;
    if (fn.kind == VAL_UNSET)
        return interp_error(I, ERR_TYPE, "unhashable type: '%s'", cls->name);
    bool found;
    if (!user_instance_special(I, v, "__hash__", 0, NULL, &r, &found))
        return false;
    if (r.kind != VAL_INT && r.kind != VAL_BOOL) {
        value_decref(r);
        return interp_error(I, ERR_TYPE, "__hash__ method should return an integer");
    }
    *out = r.kind == VAL_INT ? r.as.i : r.as.b;
    return true;
}

int64_t builtins_hash_double(double v);     /* builtins_num.c: Python's hash(float) */

/* Python's hash() of a frozenset element: numbers hash as in CPython (so
 * hash(frozenset({1, 2})) is CPython's), anything else by value_hash. */
static bool element_pyhash(Interp *I, Value v, uint64_t *out)
{
    const uint64_t mod = (UINT64_C(1) << 61) - 1;
    int64_t h;
    switch (v.kind) {
    case VAL_BOOL: *out = v.as.b; return true;
    case VAL_INT: {
        uint64_t u = v.as.i < 0 ? (uint64_t)0 - (uint64_t)v.as.i : (uint64_t)v.as.i;
        h = (int64_t)(u % mod);
        h = v.as.i < 0 ? -h : h;
        *out = (uint64_t)(h == -1 ? -2 : h);
        return true;
    }
    case VAL_FLOAT: *out = (uint64_t)builtins_hash_double(v.as.f); return true;
    default: break;
    }
    if (bigint_is(v)) {
        *out = (uint64_t)bigint_pyhash(v);
        return true;
    }
    return value_hash(I, v, out);
}

/* CPython 3.11's frozenset_hash: an order-free xor of the shuffled element
 * hashes, mixed with the size. */
static bool frozenset_hash(Interp *I, Value v, uint64_t *out)
{
    uint64_t h = 0, e;
    size_t pos = 0;
    Value k, unused;
    while (dict_next(v, &pos, &k, &unused)) {
        if (!element_pyhash(I, k, &e))
            return false;
        h ^= ((e ^ UINT64_C(89869747)) ^ (e << 16)) * UINT64_C(3644798167);
    }
    h ^= ((uint64_t)as_dict(v)->len + 1) * UINT64_C(1927868237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h * UINT64_C(69069) + UINT64_C(907133923);
    *out = h == UINT64_MAX ? UINT64_C(590923713) : h;
    return true;
}

/* Numbers hash as mix(CPython's hash()), so that equal numbers of any type
 * -- int, float, a user class's __hash__ (Fraction(1, 2) and 0.5) -- meet
 * in a dict or set.  An int64's CPython hash: its value mod 2**61 - 1, -1
 * being -2. */
static uint64_t int_key_hash(int64_t i)
{
    const int64_t mod = (INT64_C(1) << 61) - 1;
    if (i >= mod || i <= -mod)
        i %= mod;
    if (i == -1)
        i = -2;
    return mix((uint64_t)i);
}

bool value_hash(Interp *I, Value v, uint64_t *out)
{
    switch (v.kind) {
    case VAL_UNSET: case VAL_NONE: *out = 0x9e3779b9; return true;
    case VAL_BOOL: *out = mix((uint64_t)v.as.b); return true;
    case VAL_INT: *out = int_key_hash(v.as.i); return true;
    case VAL_FLOAT:
        if (isfinite(v.as.f) && v.as.f == floor(v.as.f) && fabs(v.as.f) < 9.2e18)
            *out = int_key_hash((int64_t)v.as.f);
        else if (!isnan(v.as.f))
            *out = mix((uint64_t)builtins_hash_double(v.as.f));
        else {
            uint64_t bits;
            memcpy(&bits, &v.as.f, sizeof bits);
            *out = mix(bits ^ 0x5bd1e995);
        }
        return true;
    case VAL_OBJ: break;
    }
    if (bigint_is(v)) {
        *out = mix((uint64_t)bigint_pyhash(v));
        return true;
    }
    ObjKind k = v.as.o->kind;
    if (k == OBJ_STR) {
        ObjStr *s = as_str(v);
        if (!s->hash)
            s->hash = str_hash_bytes(s->chars, s->len);
        *out = s->hash;
        return true;
    }
    if (k == OBJ_TUPLE) {
        uint64_t h = 0x345678;
        if (I->cdepth > 800)
            return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded while hashing");
        for (size_t i = 0; i < as_list(v)->len; i++) {
            uint64_t e;
            I->cdepth++;
            bool ok = value_hash(I, as_list(v)->items[i], &e);
            I->cdepth--;
            if (!ok)
                return false;
            h = mix(h * 1000003 ^ e);
        }
        *out = h;
        return true;
    }
    if (k == OBJ_SET && as_dict(v)->frozen)
        return frozenset_hash(I, v, out);
    if (!value_is_hashable(v))
        return interp_error(I, ERR_TYPE, "unhashable type: '%s'", value_type_name(v));
    if (k == OBJ_INSTANCE) {
        int64_t h;
        bool identity;
        if (!value_instance_hash(I, v, &h, &identity))
            return false;
        if (!identity) {
            *out = mix((uint64_t)h);
            return true;
        }
    }
    *out = mix((uint64_t)(uintptr_t)v.as.o);
    return true;
}

/* ---- CPython's iteration order of int sets ----
 * Python iterates a set in hash-table slot order.  Ints hash to
 * themselves, so {3, 1, 2} prints as {1, 2, 3} there; strings hash
 * randomly per process, so only all-int sets have a defined order to
 * match.  This simulates CPython 3.11's setobject.c table (size 8, linear
 * probes of 9, perturbation, resize at 60% fill) over the insertion order. */

typedef struct SimSlot { bool used; int64_t key; size_t item; } SimSlot;

static uint64_t py_int_hash(int64_t v)
{
    const int64_t mod = (INT64_C(1) << 61) - 1;
    int64_t h = v % mod;
    if (h == -1)
        h = -2;
    return (uint64_t)h;
}

static void sim_insert(SimSlot *t, size_t mask, int64_t key, size_t item)
{
    uint64_t hash = py_int_hash(key), perturb = hash;
    size_t i = hash & mask;
    for (;;) {
        size_t probes = i + 9 <= mask ? 9 : 0;
        for (size_t j = 0; j <= probes; j++)
            if (!t[i + j].used) {
                t[i + j] = (SimSlot){true, key, item};
                return;
            }
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

static SimSlot *sim_resize(SimSlot *old, size_t oldsize, size_t used, size_t *mask)
{
    size_t size = 8, minused = used > 50000 ? used * 2 : used * 4;
    while (size <= minused)
        size <<= 1;
    SimSlot *t = calloc(size, sizeof *t);
    if (!t)
        return NULL;
    for (size_t i = 0; i < oldsize; i++)
        if (old[i].used)
            sim_insert(t, size - 1, old[i].key, old[i].item);
    free(old);
    *mask = size - 1;
    return t;
}

/* A new list of the set's items in CPython's order when every item is an
 * int (or bool); *done=false (nothing made) otherwise. */
bool set_python_order(Interp *I, Value set, Value *out, bool *done)
{
    ObjDict *d = as_dict(set);
    size_t pos = 0, n = 0, mask = 7;
    Value k;
    *done = false;
    while (dict_next(set, &pos, &k, NULL))
        if (k.kind != VAL_INT && k.kind != VAL_BOOL)
            return true;
    if (!setsim_order(I, set, out, done))
        return false;
    if (*done)
        return true;
    SimSlot *t = calloc(8, sizeof *t);
    Value *items = malloc((d->len + 1) * sizeof(Value));
    if (!t || !items) {
        free(t);
        free(items);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    pos = 0;
    while (dict_next(set, &pos, &k, NULL)) {
        items[n] = k;
        sim_insert(t, mask, k.kind == VAL_INT ? k.as.i : k.as.b, n);
        n++;
        if (n * 5 >= mask * 3 && !(t = sim_resize(t, mask + 1, n, &mask))) {
            free(items);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
    }
    bool ok = list_new(I, n, out);
    for (size_t i = 0; ok && i <= mask; i++)
        if (t[i].used)
            ok = list_append(I, *out, items[t[i].item]);
    free(t);
    free(items);
    *done = ok;
    return ok;
}
