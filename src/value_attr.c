/* value_attr.c - attribute access (value_getattr/setattr/dir), calling any
 * callable value (value_call), the special methods of user classes, and
 * the "did you mean" suggestions shared by AttributeError and argument
 * errors.  Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "object.h"
#include "modules.h"

/* ---- "did you mean" ---- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return 1000;
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[m];
}

/* The closest of `names` (a list of str) to `name`, or NULL when none is
 * close enough: CPython's rule, where each edit costs 2 and at most
 * (len(a) + len(b) + 3) * 2 / 6 is allowed. */
const char *suggest_name(const char *name, Value names)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX, la = strlen(name);
    if (!val_is_obj(names, OBJ_LIST))
        return NULL;
    for (size_t i = 0; i < as_list(names)->len; i++) {
        Value s = as_list(names)->items[i];
        if (!val_is_obj(s, OBJ_STR) || strcmp(str_cstr(s), name) == 0)
            continue;
        size_t d = 2 * edit_distance(name, str_cstr(s));
        size_t max = (la + as_str(s)->len + 3) * 2 / 6;
        if (d <= max && d < bestd) {
            bestd = d;
            best = str_cstr(s);
        }
    }
    return best;
}

/* ---- special methods of user classes ---- */

static bool call_with_self(Interp *I, Value fn, Value self, const Args *a, Value *out)
{
    Value stack[8], *pos = stack;
    if (a->npos + 1 > 8) {
        pos = malloc(((size_t)a->npos + 1) * sizeof(Value));
        if (!pos)
            return interp_error(I, ERR_MEMORY, "out of memory");
    }
    pos[0] = self;
    for (int i = 0; i < a->npos; i++)
        pos[i + 1] = a->pos[i];
    Args b = *a;
    b.npos = a->npos + 1;
    b.pos = pos;
    bool ok = value_call(I, fn, &b, out);
    if (pos != stack)
        free(pos);
    return ok;
}

bool user_instance_special(Interp *I, Value self, const char *name, int npos,
                           const Value *pos, Value *out, bool *found)
{
    Value fn;
    *found = false;
    if (!val_is_obj(self, OBJ_INSTANCE))
        return true;
    if (!type_lookup(((ObjInstance *)self.as.o)->cls, name, &fn))
        return true;
    *found = true;
    Args a = {npos, pos, 0, NULL, NULL};
    return call_with_self(I, fn, self, &a, out);
}

/* ---- getattr ---- */

static bool attr_error(Interp *I, Value obj, const char *name)
{
    Value names;
    const char *hint = NULL;
    ErrKind saved_kind;
    (void)saved_kind;
    if (value_dir(I, obj, &names))
        hint = suggest_name(name, names);
    else {
        interp_clear_error(I);
        names = val_none();
    }
    char prefix[200];
    if (val_is_obj(obj, OBJ_MODULE))
        snprintf(prefix, sizeof prefix, "module '%s' has no attribute '%s'",
                 ((ObjModule *)obj.as.o)->name, name);
    else if (val_is_obj(obj, OBJ_TYPE))
        snprintf(prefix, sizeof prefix, "type object '%s' has no attribute '%s'",
                 ((ObjType *)obj.as.o)->name, name);
    else
        snprintf(prefix, sizeof prefix, "'%s' object has no attribute '%s'",
                 value_type_name(obj), name);
    if (hint)
        interp_error(I, ERR_ATTRIBUTE, "%s. Did you mean: '%s'?", prefix, hint);
    else
        interp_error(I, ERR_ATTRIBUTE, "%s", prefix);
    value_decref(names);
    return false;
}

static bool bound_new(Interp *I, Value fn, Value self, Value *out)
{
    if (!val_is_obj(fn, OBJ_FUNC)) {
        value_incref(fn);
        *out = fn;
        return true;
    }
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

static bool getattr_instance(Interp *I, Value obj, const char *name, Value *out, bool *found)
{
    ObjInstance *in = (ObjInstance *)obj.as.o;
    Value fn;
    *found = true;
    if (in->dict.kind == VAL_OBJ) {
        DictEntry *e = dict_find_cstr(in->dict, name);
        if (e) {
            value_incref(e->value);
            *out = e->value;
            return true;
        }
    }
    if (in->cls->is_exception && strcmp(name, "args") == 0) {
        if (in->args.kind == VAL_UNSET && !tuple_new(I, 0, &in->args))
            return false;
        value_incref(in->args);
        *out = in->args;
        return true;
    }
    if (type_lookup(in->cls, name, &fn)) {
        bool handled;
        if (!descr_get(I, fn, obj, in->cls, out, &handled))
            return false;
        return handled ? true : bound_new(I, fn, obj, out);
    }
    if (strcmp(name, "__dict__") == 0 && in->dict.kind == VAL_OBJ) {
        value_incref(in->dict);
        *out = in->dict;
        return true;
    }
    *found = false;
    return true;
}

static bool getattr_native(Interp *I, Value obj, const char *name, Value *out, bool *found)
{
    const NativeClass *c = ((ObjNativeObj *)obj.as.o)->cls;
    *found = false;
    if (c->getattr && !c->getattr(I, obj, name, out, found))
        return false;
    if (*found)
        return true;
    for (const NativeDef *d = c->methods; d && d->name; d++)
        if (strcmp(d->name, name) == 0) {
            *found = true;
            return native_new(I, d, d->name, obj, out);
        }
    return true;
}

/* DFS over the bases keeping each class's last occurrence: C3's answer for
 * single inheritance and the usual diamonds. */
static void mro_walk(ObjType *t, ObjType **seq, int *n, int cap)
{
    if (*n < cap)
        seq[(*n)++] = t;
    for (int i = 0; i < t->nbases; i++)
        mro_walk(t->bases[i], seq, n, cap);
}

static bool type_bases_tuple(Interp *I, ObjType *t, bool mro, Value *out)
{
    ObjType *seq[256];
    int n = 0, k = 0;
    if (mro)
        mro_walk(t, seq, &n, 256);
    else
        for (; n < t->nbases && n < 256; n++)
            seq[n] = t->bases[n];
    for (int i = 0; i < n; i++) {
        bool later = false;
        for (int j = i + 1; j < n && !later; j++)
            later = mro && seq[j] == seq[i];
        if (!later)
            seq[k++] = seq[i];
    }
    if (!tuple_new(I, (size_t)k, out))
        return false;
    for (int i = 0; i < k; i++) {
        value_incref(val_obj(&seq[i]->obj));
        as_list(*out)->items[i] = val_obj(&seq[i]->obj);
    }
    return true;
}

static bool getattr_common(Interp *I, Value obj, const char *name, Value *out, bool *found)
{
    if (val_is_obj(obj, OBJ_TYPE) && (strcmp(name, "__bases__") == 0 ||
                                      strcmp(name, "__mro__") == 0)) {
        *found = true;
        return type_bases_tuple(I, (ObjType *)obj.as.o, name[2] == 'm', out);
    }
    *found = true;
    if (strcmp(name, "__class__") == 0) {
        ObjType *t = value_type_obj(I, obj);
        if (!t)
            return false;
        value_incref(val_obj(&t->obj));
        *out = val_obj(&t->obj);
        return true;
    }
    if (strcmp(name, "__name__") == 0) {
        const char *s = NULL;
        if (val_is_obj(obj, OBJ_TYPE))
            s = ((ObjType *)obj.as.o)->name;
        else if (val_is_obj(obj, OBJ_FUNC))
            s = ((ObjFunc *)obj.as.o)->name;
        else if (val_is_obj(obj, OBJ_NATIVE))
            s = ((ObjNativeFn *)obj.as.o)->def->name;
        else if (val_is_obj(obj, OBJ_MODULE))
            s = ((ObjModule *)obj.as.o)->name;
        if (s)
            return str_from_cstr(I, s, out);
    }
    if (val_is_obj(obj, OBJ_INSTANCE) && ((ObjInstance *)obj.as.o)->cls->is_exception &&
        (strcmp(name, "__cause__") == 0 || strcmp(name, "__context__") == 0 ||
         strcmp(name, "__traceback__") == 0 || strcmp(name, "__suppress_context__") == 0)) {
        *out = name[2] == 's' ? val_bool(false) : val_none();   /* never set */
        return true;
    }
    if (val_is_obj(obj, OBJ_INSTANCE) && ((ObjInstance *)obj.as.o)->cls->is_exception &&
        ((strcmp(name, "value") == 0 &&
          type_is_subclass(((ObjInstance *)obj.as.o)->cls, I->exc[ERR_STOP_ITERATION])) ||
         (strcmp(name, "code") == 0 &&
          type_is_subclass(((ObjInstance *)obj.as.o)->cls, I->exc[ERR_SYSTEM_EXIT])))) {
        Value args = ((ObjInstance *)obj.as.o)->args;   /* args[0], or None */
        *out = args.kind == VAL_OBJ && as_list(args)->len ? as_list(args)->items[0] : val_none();
        value_incref(*out);
        return true;
    }
    if (strcmp(name, "__dict__") == 0 && val_is_obj(obj, OBJ_TYPE)) {
        Value d = ((ObjType *)obj.as.o)->dict, k, v;   /* a copy: read-only, as the mappingproxy */
        size_t pos = 0;
        if (!dict_new(I, out))
            return false;
        while (d.kind == VAL_OBJ && dict_next(d, &pos, &k, &v))
            if (!dict_set(I, *out, k, v)) {
                value_decref(*out);
                return false;
            }
        return true;
    }
    if (strcmp(name, "__qualname__") == 0 && val_is_obj(obj, OBJ_TYPE))
        return str_from_cstr(I, ((ObjType *)obj.as.o)->name, out);
    if (strcmp(name, "__doc__") == 0 && val_is_obj(obj, OBJ_FUNC)) {
        const Node *n = ((ObjFunc *)obj.as.o)->node, *first;   /* the docstring, raw */
        if (n->kind == NODE_DEF && n->u.func.body && n->u.func.body->kind == NODE_BLOCK &&
            n->u.func.body->u.block.stmts.n > 0 &&
            (first = n->u.func.body->u.block.stmts.items[0])->kind == NODE_EXPR_STMT &&
            first->u.expr_stmt.value->kind == NODE_STR)
            return str_new(I, first->u.expr_stmt.value->u.str.s,
                          first->u.expr_stmt.value->u.str.len, out);
        *out = val_none();
        return true;
    }
    if (strcmp(name, "__dict__") == 0 && val_is_obj(obj, OBJ_FUNC)) {
        ObjFunc *f = (ObjFunc *)obj.as.o;     /* the attributes, made on first use */
        if (f->dict.kind != VAL_OBJ && !dict_new(I, &f->dict))
            return false;
        value_incref(f->dict);
        *out = f->dict;
        return true;
    }
    if (strcmp(name, "__module__") == 0 && val_is_obj(obj, OBJ_FUNC))
        return str_from_cstr(I, "__main__", out);
    if (strcmp(name, "__qualname__") == 0 && val_is_obj(obj, OBJ_FUNC)) {
        char q[160];
        func_qualname((ObjFunc *)obj.as.o, q, sizeof q);
        return str_from_cstr(I, q, out);
    }
    *found = false;
    return true;
}

static bool getattr_obj(Interp *I, Value obj, const char *name, Value *out, bool *found)
{
    Value fn;
    *found = false;
    switch (obj.as.o->kind) {
    case OBJ_MODULE:
        return module_get(I, obj, name, out, found);
    case OBJ_INSTANCE:
        return getattr_instance(I, obj, name, out, found);
    case OBJ_NATIVE_OBJ:
        return getattr_native(I, obj, name, out, found);
    case OBJ_TYPE:
        if (type_lookup((ObjType *)obj.as.o, name, &fn)) {
            bool handled;
            *found = true;
            if (!descr_get(I, fn, (Value){VAL_UNSET, {0}}, (ObjType *)obj.as.o, out, &handled))
                return false;
            if (!handled) {
                value_incref(fn);
                *out = fn;
            }
            return true;
        }
        /* str.lower, list.append, dict.fromkeys: the methods of the core
         * kinds as plain functions taking the object first. */
        switch (((ObjType *)obj.as.o)->tag) {
        case T_STR: return methods_unbound(I, OBJ_STR, name, out, found);
        case T_LIST: return methods_unbound(I, OBJ_LIST, name, out, found);
        case T_TUPLE: return methods_unbound(I, OBJ_TUPLE, name, out, found);
        case T_DICT: return methods_unbound(I, OBJ_DICT, name, out, found);
        case T_SET: return methods_unbound(I, OBJ_SET, name, out, found);
        case T_FROZENSET: return methods_unbound(I, (ObjKind)-1, name, out, found);
        default: return true;
        }
    case OBJ_FUNC: {
        ObjFunc *f = (ObjFunc *)obj.as.o;
        if (f->dict.kind == VAL_OBJ)
            return dict_get_str(I, f->dict, name, out, found);
        return true;
    }
    case OBJ_SLICE: {
        ObjSlice *s = (ObjSlice *)obj.as.o;
        Value *v = !strcmp(name, "start") ? &s->lower : !strcmp(name, "stop") ? &s->upper
                 : !strcmp(name, "step") ? &s->step : NULL;
        if (v) {
            *out = v->kind == VAL_UNSET ? val_none() : *v;
            value_incref(*out);
            *found = true;
        }
        return true;
    }
    case OBJ_RANGE: {
        ObjRange *r = (ObjRange *)obj.as.o;
        int64_t *v = !strcmp(name, "start") ? &r->start : !strcmp(name, "stop") ? &r->stop
                   : !strcmp(name, "step") ? &r->step : NULL;
        if (v) {
            *out = val_int(*v);
            *found = true;
            return true;
        }
        break;
    }
    default: break;
    }
    return methods_getattr(I, obj, name, out, found);
}

bool value_getattr(Interp *I, Value obj, const char *name, Value *out)
{
    bool found = false;
    if (obj.kind == VAL_OBJ) {
        if (!getattr_obj(I, obj, name, out, &found))
            return false;
    } else if (obj.kind != VAL_UNSET) {
        if (!methods_getattr(I, obj, name, out, &found))
            return false;
    }
    if (!found && !getattr_common(I, obj, name, out, &found))
        return false;
    if (!found && val_is_obj(obj, OBJ_INSTANCE)) {     /* the class's __getattr__ */
        Value key;
        if (!str_from_cstr(I, name, &key))
            return false;
        bool ok = user_instance_special(I, obj, "__getattr__", 1, &key, out, &found);
        value_decref(key);
        if (!ok)
            return false;
    }
    if (!found)
        return attr_error(I, obj, name);
    return true;
}

bool value_setattr(Interp *I, Value obj, const char *name, Value v)
{
    Value fn;
    if (val_is_obj(obj, OBJ_INSTANCE) &&
        type_lookup(((ObjInstance *)obj.as.o)->cls, "__setattr__", &fn) && val_is_obj(fn, OBJ_FUNC)) {
        Value args[2], r;                /* the class's own __setattr__ */
        bool found;
        if (!str_from_cstr(I, name, &args[0]))
            return false;
        args[1] = v;
        bool ok = user_instance_special(I, obj, "__setattr__", 2, args, &r, &found);
        value_decref(args[0]);
        if (ok)
            value_decref(r);
        return ok;
    }
    return value_setattr_plain(I, obj, name, v);
}

/* setattr without the class's __setattr__ (object.__setattr__). */
bool value_setattr_plain(Interp *I, Value obj, const char *name, Value v)
{
    Value *dict = NULL;
    bool handled;
    if (val_is_obj(obj, OBJ_INSTANCE)) {
        if (!descr_set(I, obj, name, v, &handled))
            return false;
        if (handled)
            return true;
        dict = &((ObjInstance *)obj.as.o)->dict;
    } else if (val_is_obj(obj, OBJ_TYPE)) {
        dict = &((ObjType *)obj.as.o)->dict;
    } else if (val_is_obj(obj, OBJ_MODULE)) {
        dict = &((ObjModule *)obj.as.o)->dict;
    } else if (val_is_obj(obj, OBJ_FUNC)) {
        dict = &((ObjFunc *)obj.as.o)->dict;
    } else if (val_is_obj(obj, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)obj.as.o)->cls->setattr) {
        return ((ObjNativeObj *)obj.as.o)->cls->setattr(I, obj, name, v);
    }
    if (!dict)
        return interp_error(I, ERR_ATTRIBUTE, "'%s' object has no attribute '%s'",
                            value_type_name(obj), name);
    if (dict->kind == VAL_UNSET && !dict_new(I, dict))
        return false;
    return dict_set_str(I, *dict, name, v);
}

/* ---- dir ---- */

static bool add_names_from_dict(Interp *I, Value list, Value dict)
{
    size_t pos = 0;
    Value k;
    while (dict_next(dict, &pos, &k, NULL))
        if (val_is_obj(k, OBJ_STR) && str_cstr(k)[0] != ' ' && !list_append(I, list, k))
            return false;
    return true;
}

static bool add_cnames(Interp *I, Value list, const char *const *names)
{
    for (; names && *names; names++) {
        Value s;
        if (!str_from_cstr(I, *names, &s))
            return false;
        bool ok = list_append(I, list, s);
        value_decref(s);
        if (!ok)
            return false;
    }
    return true;
}

static bool add_type_names(Interp *I, Value list, ObjType *t)
{
    if (t->dict.kind == VAL_OBJ && !add_names_from_dict(I, list, t->dict))
        return false;
    for (int i = 0; i < t->nbases; i++)
        if (!add_type_names(I, list, t->bases[i]))
            return false;
    return true;
}

static bool dir_fill(Interp *I, Value v, Value list)
{
    if (v.kind != VAL_OBJ)
        return true;
    switch (v.as.o->kind) {
    case OBJ_MODULE: return add_names_from_dict(I, list, ((ObjModule *)v.as.o)->dict);
    case OBJ_INSTANCE: {
        ObjInstance *in = (ObjInstance *)v.as.o;
        if (in->dict.kind == VAL_OBJ && !add_names_from_dict(I, list, in->dict))
            return false;
        return add_type_names(I, list, in->cls);
    }
    case OBJ_TYPE: return add_type_names(I, list, (ObjType *)v.as.o);
    case OBJ_NATIVE_OBJ: {
        const NativeClass *c = ((ObjNativeObj *)v.as.o)->cls;
        if (!add_cnames(I, list, c->attrs))
            return false;
        for (const NativeDef *d = c->methods; d && d->name; d++) {
            const char *one[2] = {d->name, NULL};
            if (!add_cnames(I, list, one))
                return false;
        }
        return true;
    }
    case OBJ_STR: case OBJ_LIST: case OBJ_TUPLE: case OBJ_DICT: case OBJ_SET:
        if (val_is_frozenset(v))
            return add_cnames(I, list, methods_frozenset_names());
        return add_cnames(I, list, methods_names(v.as.o->kind));
    default: return true;
    }
}

static int cmp_strs(const void *a, const void *b)
{
    return strcmp(str_cstr(*(const Value *)a), str_cstr(*(const Value *)b));
}

bool value_dir(Interp *I, Value v, Value *out)
{
    Value list;
    if (!list_new(I, 0, &list))
        return false;
    if (!dir_fill(I, v, list)) {
        value_decref(list);
        return false;
    }
    ObjList *l = as_list(list);
    if (l->len)
        qsort(l->items, l->len, sizeof(Value), cmp_strs);
    size_t j = 0;
    for (size_t i = 0; i < l->len; i++) {
        if (j && strcmp(str_cstr(l->items[j - 1]), str_cstr(l->items[i])) == 0)
            value_decref(l->items[i]);
        else
            l->items[j++] = l->items[i];
    }
    l->len = j;
    *out = list;
    return true;
}

/* ---- calls ---- */

bool value_call(Interp *I, Value fn, const Args *a, Value *out)
{
    Value r;
    bool found;
    if (fn.kind == VAL_OBJ) {
        switch (fn.as.o->kind) {
        case OBJ_FUNC: return func_call(I, (ObjFunc *)fn.as.o, a, out);
        case OBJ_NATIVE: {
            ObjNativeFn *f = (ObjNativeFn *)fn.as.o;
            return f->def->fn(I, f->self, a, out);
        }
        case OBJ_BOUND: {
            ObjBound *b = (ObjBound *)fn.as.o;
            return call_with_self(I, b->fn, b->self, a, out);
        }
        case OBJ_TYPE: return type_call(I, (ObjType *)fn.as.o, a, out);
        case OBJ_NATIVE_OBJ:
            if (((ObjNativeObj *)fn.as.o)->cls->call)
                return ((ObjNativeObj *)fn.as.o)->cls->call(I, fn, a, out);
            break;
        case OBJ_INSTANCE:
            if (type_lookup(((ObjInstance *)fn.as.o)->cls, "__call__", &r))
                return call_with_self(I, r, fn, a, out);
            break;
        default: break;
        }
    }
    (void)found;
    return interp_error(I, ERR_TYPE, "'%s' object is not callable", value_type_name(fn));
}
