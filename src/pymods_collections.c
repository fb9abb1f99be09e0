/* pymods_collections.c - Python's `collections`: Counter, defaultdict and
 * OrderedDict (the dict type: dicts keep insertion order).
 *
 * Counter and defaultdict are native classes wrapping a plain dict: item
 * access, len, iteration and `in` go through the class slots, and every
 * dict method (keys, items, get, pop, ...) is the wrapped dict's own.
 * Owned by the built-ins engineer; registered by pymods_install.
 */
#include <stdlib.h>
#include <string.h>
#include "modules.h"
#include "methods_internal.h"
#include "object.h"

typedef struct Wrapped {
    Value dict;         /* the items (retained) */
    Value factory;      /* defaultdict: default_factory (None allowed) */
    bool counter;
} Wrapped;

static const NativeClass counter_class, defaultdict_class;

static Wrapped *W(Value v)
{
    Wrapped *w = native_obj_data(v, &counter_class);
    return w ? w : native_obj_data(v, &defaultdict_class);
}

static void wrapped_finalize(void *data)
{
    Wrapped *w = data;
    value_decref(w->dict);
    value_decref(w->factory);
    free(w);
}

static bool wrapped_new(Interp *I, bool counter, Value factory, Value *out)
{
    Wrapped *w = calloc(1, sizeof *w);
    if (!w)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!dict_new(I, &w->dict)) {
        free(w);
        return false;
    }
    value_incref(factory);
    w->factory = factory;
    w->counter = counter;
    return native_obj_new(I, counter ? &counter_class : &defaultdict_class, w, out);
}

/* KeyError carries the key itself as its argument, as in Python. */
static bool key_error(Interp *I, Value key)
{
    Value exc;
    if (!exc_new(I, exc_class_for_kind(I, ERR_KEY), &key, 1, &exc))
        return false;
    interp_set_error_exc(I, exc);
    value_decref(exc);
    return false;
}

/* c[key]: a Counter answers 0 for a missing key (without storing it); a
 * defaultdict stores and returns default_factory(). */
static bool w_getitem(Interp *I, Value self, Value key, Value *out)
{
    Wrapped *w = W(self);
    bool found;
    if (!dict_get(I, w->dict, key, out, &found))
        return false;
    if (found)
        return true;
    if (w->counter) {
        *out = val_int(0);
        return true;
    }
    if (w->factory.kind == VAL_NONE || w->factory.kind == VAL_UNSET)
        return key_error(I, key);
    Value d;
    if (!interp_call(I, w->factory, 0, NULL, &d))
        return false;
    if (!dict_set(I, w->dict, key, d)) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

static bool w_setitem(Interp *I, Value self, Value key, Value v)
{
    return dict_set(I, W(self)->dict, key, v);
}

static bool w_len(Interp *I, Value self, int64_t *out)
{
    (void)I;
    *out = (int64_t)as_dict(W(self)->dict)->len;
    return true;
}

static bool w_truth(Interp *I, Value self, bool *out)
{
    (void)I;
    *out = as_dict(W(self)->dict)->len > 0;
    return true;
}

static bool w_iter(Interp *I, Value self, Value *out)
{
    return value_iter(I, W(self)->dict, out);
}

/* ---- Counter ---- */

static bool second_item(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->npos != 1 || !val_is_obj(a->pos[0], OBJ_TUPLE) || as_list(a->pos[0])->len < 2)
        return interp_error(I, ERR_TYPE, "expected a (key, count) pair");
    *out = as_list(a->pos[0])->items[1];
    value_incref(*out);
    return true;
}

static const NativeDef second_item_def = {"count_of", second_item, "count_of(pair)", NULL};

/* The (key, count) pairs sorted by count, largest first, ties in insertion
 * order (Python's sorted(items, key=itemgetter(1), reverse=True)). */
static bool most_common_list(Interp *I, Wrapped *w, Value *out)
{
    ObjDict *d = as_dict(w->dict);
    Value list, key, unset = {VAL_UNSET, {0}};
    if (!list_new(I, d->len, &list))
        return false;
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        Value t;
        if (e->key.kind == VAL_UNSET)
            continue;
        if (!tuple_pack(I, &t, 2, e->key, e->value) || !list_append(I, list, t)) {
            value_decref(list);
            return false;
        }
        value_decref(t);
    }
    if (!native_new(I, &second_item_def, "Counter.count_of", unset, &key)) {
        value_decref(list);
        return false;
    }
    bool ok = methods_sort_list(I, list, key, true);
    value_decref(key);
    if (!ok) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

static bool c_most_common(Interp *I, Value self, const Args *a, Value *out)
{
    Value nv, list;
    int64_t n = -1;
    if (!args_parse(I, "Counter.most_common", a, "n=", &nv))
        return false;
    if (nv.kind != VAL_UNSET && nv.kind != VAL_NONE && !arg_int(I, "most_common", "n", nv, &n))
        return false;
    if (!most_common_list(I, W(self), &list))
        return false;
    ObjList *l = as_list(list);
    if (n >= 0 && (size_t)n < l->len) {
        for (size_t i = (size_t)n; i < l->len; i++)
            value_decref(l->items[i]);
        l->len = (size_t)n;
    }
    *out = list;
    return true;
}

/* Adds sign * count for every element of src (a mapping or an iterable). */
static bool count_into(Interp *I, Wrapped *w, Value src, int sign)
{
    Wrapped *sw = val_is_obj(src, OBJ_NATIVE_OBJ) ? W(src) : NULL;
    Value from = sw ? sw->dict : src;
    bool mapping = val_is_obj(from, OBJ_DICT);
    Value items;
    if (!value_to_list(I, from, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value k = as_list(items)->items[i], old, add = val_int(1), sum;
        bool found;
        if (mapping && !(ok = dict_get(I, from, k, &add, &found)))
            break;
        ok = dict_get(I, w->dict, k, &old, &found);
        if (!ok) {
            if (mapping)
                value_decref(add);
            break;
        }
        if (!found)
            old = val_int(0);
        ok = value_binop(I, sign > 0 ? BIN_ADD : BIN_SUB, old, add, &sum);
        value_decref(old);
        if (mapping)
            value_decref(add);
        if (ok) {
            ok = dict_set(I, w->dict, k, sum);
            value_decref(sum);
        }
    }
    value_decref(items);
    return ok;
}

static bool count_args(Interp *I, Wrapped *w, const Args *a, const char *fname, int sign)
{
    if (a->npos > 1)
        return interp_error(I, ERR_TYPE, "%s expected at most 1 argument, got %d", fname, a->npos);
    if (a->npos == 1 && a->pos[0].kind != VAL_NONE && !count_into(I, w, a->pos[0], sign))
        return false;
    for (int i = 0; i < a->nkw; i++) {
        Value k, old, sum;
        bool found;
        if (!str_from_cstr(I, a->kwnames[i], &k))
            return false;
        bool ok = dict_get(I, w->dict, k, &old, &found);
        if (ok && !found)
            old = val_int(0);
        ok = ok && value_binop(I, sign > 0 ? BIN_ADD : BIN_SUB, old, a->kwvals[i], &sum);
        if (ok) {
            ok = dict_set(I, w->dict, k, sum);
            value_decref(sum);
        }
        value_decref(old);
        value_decref(k);
        if (!ok)
            return false;
    }
    return true;
}

static bool c_update(Interp *I, Value self, const Args *a, Value *out)
{
    if (!count_args(I, W(self), a, "update", 1))
        return false;
    *out = val_none();
    return true;
}

static bool c_subtract(Interp *I, Value self, const Args *a, Value *out)
{
    if (!count_args(I, W(self), a, "subtract", -1))
        return false;
    *out = val_none();
    return true;
}

static bool c_total(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], acc = val_int(0);
    if (!args_parse(I, "Counter.total", a, "", none_))
        return false;
    ObjDict *d = as_dict(W(self)->dict);
    for (size_t i = 0; i < d->nentries; i++) {
        Value r;
        if (d->entries[i].key.kind == VAL_UNSET)
            continue;
        if (!value_binop(I, BIN_ADD, acc, d->entries[i].value, &r)) {
            value_decref(acc);
            return false;
        }
        value_decref(acc);
        acc = r;
    }
    *out = acc;
    return true;
}

static bool c_elements(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], list;
    if (!args_parse(I, "Counter.elements", a, "", none_) || !list_new(I, 0, &list))
        return false;
    ObjDict *d = as_dict(W(self)->dict);
    bool ok = true;
    for (size_t i = 0; ok && i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind == VAL_UNSET || e->value.kind != VAL_INT)
            continue;
        for (int64_t k = 0; ok && k < e->value.as.i; k++)
            ok = list_append(I, list, e->key);
    }
    ok = ok && value_iter(I, list, out);
    value_decref(list);
    return ok;
}

static const NativeDef counter_methods[] = {
    {"elements", c_elements, "elements()", "An iterator over each element repeated as many times as its count.\nExample: sorted(Counter('abba').elements()) -> ['a', 'a', 'b', 'b']"},
    {"most_common", c_most_common, "most_common(n=None)", "The n most common (element, count) pairs, largest count first.\nExample: Counter('abracadabra').most_common(2) -> [('a', 5), ('b', 2)]"},
    {"subtract", c_subtract, "subtract(iterable_or_mapping=None, **kwds)", "Subtracts counts.\nExample: c.subtract(['a'])"},
    {"total", c_total, "total()", "The sum of the counts.\nExample: Counter('aab').total() -> 3"},
    {"update", c_update, "update(iterable_or_mapping=None, **kwds)", "Adds counts from an iterable of elements or a mapping of counts.\nExample: c.update('abc')"},
    {NULL, NULL, NULL, NULL},
};

/* Attributes: Counter's own methods first, then the wrapped dict's. */
static bool w_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    Wrapped *w = W(self);
    *found = false;
    if (w->counter) {
        for (const NativeDef *d = counter_methods; d->name; d++)
            if (strcmp(d->name, name) == 0) {
                *found = true;
                return native_new(I, d, NULL, self, out);
            }
    } else if (strcmp(name, "default_factory") == 0) {
        *found = true;
        *out = w->factory;
        value_incref(*out);
        return true;
    }
    return methods_getattr(I, w->dict, name, out, found);
}

static bool w_repr(Interp *I, Value self, StrBuf *sb)
{
    Wrapped *w = W(self);
    if (!w->counter) {
        sb_puts(sb, "defaultdict(");
        if (!value_repr(I, w->factory, sb))
            return false;
        sb_puts(sb, ", ");
        bool ok = value_repr(I, w->dict, sb);
        sb_putc(sb, ')');
        return ok;
    }
    if (as_dict(w->dict)->len == 0) {
        sb_puts(sb, "Counter()");
        return true;
    }
    Value list;
    if (!most_common_list(I, w, &list))
        return false;
    sb_puts(sb, "Counter({");
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(list)->len; i++) {
        ObjList *t = as_list(as_list(list)->items[i]);
        if (i)
            sb_puts(sb, ", ");
        ok = value_repr(I, t->items[0], sb);
        sb_puts(sb, ": ");
        ok = ok && value_repr(I, t->items[1], sb);
    }
    sb_puts(sb, "})");
    value_decref(list);
    return ok;
}

/* == and != compare the items, as dicts do; other operators are not handled. */
static bool w_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    *handled = false;
    if (op != CMP_EQ && op != CMP_NE)
        return true;
    Wrapped *wa = val_is_obj(a, OBJ_NATIVE_OBJ) ? W(a) : NULL;
    Wrapped *wb = val_is_obj(b, OBJ_NATIVE_OBJ) ? W(b) : NULL;
    Value da = wa ? wa->dict : a, db = wb ? wb->dict : b;
    if (!val_is_obj(da, OBJ_DICT) || !val_is_obj(db, OBJ_DICT))
        return true;
    bool eq;
    if (!value_eq(I, da, db, &eq))
        return false;
    *handled = true;
    *out = val_bool(op == CMP_EQ ? eq : !eq);
    return true;
}

/* The next live entry of a dict (insertion order) from *pos. */
static bool next_item(Value dict, size_t *pos, Value *k, Value *v)
{
    ObjDict *d = as_dict(dict);
    for (; *pos < d->nentries; (*pos)++)
        if (d->entries[*pos].key.kind != VAL_UNSET) {
            *k = d->entries[*pos].key;
            *v = d->entries[(*pos)++].value;
            return true;
        }
    return false;
}

/* other[elem] of a Counter: 0 when missing; *n an int count. */
static bool count_of(Interp *I, Value dict, Value elem, int64_t *n, bool *found)
{
    Value v;
    *n = 0;
    if (!dict_get(I, dict, elem, &v, found))
        return false;
    if (*found) {
        *n = v.kind == VAL_INT ? v.as.i : v.kind == VAL_BOOL ? v.as.b : 0;
        value_decref(v);
    }
    return true;
}

/* Counter + - | & Counter, as collections.py computes them (the left
 * operand's elements first, then the right's new ones; only positive
 * counts are kept). */
static bool counter_binop(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled)
{
    Wrapped *wa = native_obj_data(a, &counter_class), *wb = native_obj_data(b, &counter_class);
    *handled = wa && wb && (op == BIN_ADD || op == BIN_SUB || op == BIN_BITOR || op == BIN_BITAND);
    if (!*handled)
        return true;
    Value r, k, v;
    if (!wrapped_new(I, true, val_none(), &r))
        return false;
    bool ok = true, found;
    size_t pos = 0;
    while (ok && next_item(wa->dict, &pos, &k, &v)) {
        int64_t c = v.kind == VAL_INT ? v.as.i : 0, o, n;
        if (!(ok = count_of(I, wb->dict, k, &o, &found)))
            break;
        n = op == BIN_ADD ? c + o : op == BIN_SUB ? c - o : op == BIN_BITOR ? (c < o ? o : c)
          : (c < o ? c : o);
        if (n > 0)
            ok = dict_set(I, W(r)->dict, k, val_int(n));
    }
    pos = 0;
    while (ok && op != BIN_BITAND && next_item(wb->dict, &pos, &k, &v)) {
        int64_t c = v.kind == VAL_INT ? v.as.i : 0, mine;
        if (!(ok = count_of(I, wa->dict, k, &mine, &found)) || found)
            continue;
        if (op == BIN_SUB ? c < 0 : c > 0)
            ok = dict_set(I, W(r)->dict, k, val_int(op == BIN_SUB ? -c : c));
    }
    if (!ok) {
        value_decref(r);
        return false;
    }
    *out = r;
    return true;
}

static const char *const wrapped_attrs[] = {"clear", "copy", "get", "items", "keys", "pop",
                                            "popitem", "setdefault", "update", "values", NULL};

static const NativeClass counter_class = {
    .name = "Counter", .finalize = wrapped_finalize, .getattr = w_getattr, .repr = w_repr,
    .compare = w_compare, .binop = counter_binop, .getitem = w_getitem, .setitem = w_setitem, .len = w_len, .iter = w_iter,
    .truth = w_truth, .attrs = wrapped_attrs, .methods = counter_methods,
    .doc = "Counter(iterable_or_mapping=None, **kwds): a dict of counts; a missing key counts 0.\n"
           "Example: Counter('abracadabra').most_common(1) -> [('a', 5)]",
};

static const NativeClass defaultdict_class = {
    .name = "defaultdict", .finalize = wrapped_finalize, .getattr = w_getattr, .repr = w_repr,
    .compare = w_compare, .getitem = w_getitem, .setitem = w_setitem, .len = w_len, .iter = w_iter,
    .truth = w_truth, .attrs = wrapped_attrs,
    .doc = "defaultdict(default_factory=None, ...): a dict that fills a missing key with "
           "default_factory().\nExample: d = defaultdict(list); d['k'].append(1)",
};

static bool counter_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value c;
    if (!wrapped_new(I, true, val_none(), &c))
        return false;
    if (!count_args(I, W(c), a, "Counter", 1)) {
        value_decref(c);
        return false;
    }
    *out = c;
    return true;
}

static bool defaultdict_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value d, factory = a->npos > 0 ? a->pos[0] : val_none();
    if (factory.kind != VAL_NONE && !val_is_obj(factory, OBJ_TYPE) &&
        !val_is_obj(factory, OBJ_FUNC) && !val_is_obj(factory, OBJ_NATIVE) &&
        !val_is_obj(factory, OBJ_BOUND))
        return interp_error(I, ERR_TYPE, "first argument must be callable or None");
    if (!wrapped_new(I, false, factory, &d))
        return false;
    Args rest = {a->npos > 0 ? a->npos - 1 : 0, a->pos + (a->npos > 0), a->nkw, a->kwnames,
                 a->kwvals};
    Value upd, r;
    bool ok = methods_getattr(I, W(d)->dict, "update", &upd, &(bool){false});
    if (ok) {
        ok = value_call(I, upd, &rest, &r);
        value_decref(upd);
        if (ok)
            value_decref(r);
    }
    if (!ok) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

static bool add_type(Interp *I, Value mod, const char *name, bool made, Value t)
{
    if (!made)
        return false;
    bool ok = module_set(I, mod, name, t);
    value_decref(t);
    return ok;
}

bool pymods_collections_create(Interp *I, Value *out)
{
    Value mod, t, d;
    if (!module_new(I, "collections", "Python's collections: Counter, defaultdict, "
                    "OrderedDict.", &mod))
        return false;
    bool ok = add_type(I, mod, "Counter", native_class_type(I, &counter_class, counter_ctor, &t), t) &&
              add_type(I, mod, "defaultdict",
                       native_class_type(I, &defaultdict_class, defaultdict_ctor, &t), t);
    if (ok && (ok = dict_new(I, &d))) {
        ok = add_type(I, mod, "OrderedDict", value_type(I, d, &t), t);
        value_decref(d);
    }
    ok = ok && pymods_collections_extra(I, mod);
    if (!ok) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}
