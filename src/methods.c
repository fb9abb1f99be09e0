/* methods.c - the methods of list, tuple, dict and set values (xs.append,
 * xs.sort(key=...), d.items(), s.add, ...) with Python 3.11's results and
 * messages, the dict_keys/dict_values/dict_items views, and the dispatch
 * methods_getattr/methods_names that value_getattr and dir() call (str
 * methods are in methods_str.c).
 *
 * Owned by the built-ins engineer.  Depends on value.h and interp.h only.
 */
#include <stdlib.h>
#include <string.h>
#include "modules.h"
#include "methods_internal.h"
#include "object.h"

static bool no_args(Interp *I, const char *fname, const Args *a)
{
    Value none_[1];
    return args_parse(I, fname, a, "", none_);
}

/* ---- list ---- */

static bool list_reserve(Interp *I, ObjList *l, size_t need)
{
    if (need <= l->cap)
        return true;
    size_t cap = l->cap ? l->cap : 4;
    while (cap < need)
        cap *= 2;
    Value *p = realloc(l->items, cap * sizeof(Value));
    if (!p)
        return interp_error(I, ERR_MEMORY, "out of memory");
    l->items = p;
    l->cap = cap;
    return true;
}

static bool l_append(Interp *I, Value self, const Args *a, Value *out)
{
    Value x;
    if (!args_parse(I, "list.append", a, "object", &x) || !list_append(I, self, x))
        return false;
    *out = val_none();
    return true;
}

static bool l_extend(Interp *I, Value self, const Args *a, Value *out)
{
    Value it, items;
    if (!args_parse(I, "list.extend", a, "iterable", &it) || !value_to_list(I, it, &items))
        return false;
    ObjList *src = as_list(items);
    bool ok = true;
    for (size_t i = 0; i < src->len && ok; i++)
        ok = list_append(I, self, src->items[i]);
    value_decref(items);
    *out = val_none();
    return ok;
}

static bool l_insert(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t idx;
    ObjList *l = as_list(self);
    if (!args_parse(I, "list.insert", a, "index, object", v) || !value_as_index(I, v[0], &idx) ||
        !list_reserve(I, l, l->len + 1))
        return false;
    int64_t n = (int64_t)l->len;
    if (idx < 0)
        idx = idx + n < 0 ? 0 : idx + n;
    if (idx > n)
        idx = n;
    memmove(l->items + idx + 1, l->items + idx, (size_t)(n - idx) * sizeof(Value));
    value_incref(v[1]);
    l->items[idx] = v[1];
    l->len++;
    *out = val_none();
    return true;
}

static bool l_pop(Interp *I, Value self, const Args *a, Value *out)
{
    Value iv;
    int64_t idx = -1;
    ObjList *l = as_list(self);
    if (!args_parse(I, "list.pop", a, "index=", &iv))
        return false;
    if (iv.kind != VAL_UNSET && !value_as_index(I, iv, &idx))
        return false;
    if (l->len == 0)
        return interp_error(I, ERR_INDEX, "pop from empty list");
    if (idx < 0)
        idx += (int64_t)l->len;
    if (idx < 0 || idx >= (int64_t)l->len)
        return interp_error(I, ERR_INDEX, "pop index out of range");
    *out = l->items[idx];
    memmove(l->items + idx, l->items + idx + 1, (l->len - (size_t)idx - 1) * sizeof(Value));
    l->len--;
    return true;
}

/* Index of the first item equal to x in items[lo..hi), or -1. */
static bool find_item(Interp *I, ObjList *l, Value x, size_t lo, size_t hi, int64_t *at)
{
    *at = -1;
    for (size_t i = lo; i < hi && i < l->len; i++) {
        bool eq;
        if (!value_eq(I, l->items[i], x, &eq))
            return false;
        if (eq) {
            *at = (int64_t)i;
            return true;
        }
    }
    return true;
}

static bool l_remove(Interp *I, Value self, const Args *a, Value *out)
{
    Value x;
    int64_t at;
    ObjList *l = as_list(self);
    if (!args_parse(I, "list.remove", a, "value", &x) || !find_item(I, l, x, 0, l->len, &at))
        return false;
    if (at < 0)
        return interp_error(I, ERR_VALUE, "list.remove(x): x not in list");
    Value gone = l->items[at];
    memmove(l->items + at, l->items + at + 1, (l->len - (size_t)at - 1) * sizeof(Value));
    l->len--;
    value_decref(gone);
    *out = val_none();
    return true;
}

/* Clamps a Python start/stop argument to [0, len]. */
static bool seq_bound(Interp *I, Value v, size_t len, size_t dflt, size_t *out)
{
    int64_t i;
    *out = dflt;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!value_as_index(I, v, &i))
        return false;
    if (i < 0)
        i = i + (int64_t)len < 0 ? 0 : i + (int64_t)len;
    *out = (size_t)i > len ? len : (size_t)i;
    return true;
}

static bool seq_index(Interp *I, Value self, const Args *a, const char *fname, Value *out)
{
    Value v[3];
    size_t lo, hi;
    int64_t at;
    ObjList *l = as_list(self);
    if (!args_parse(I, fname, a, "value, start=, stop=", v) ||
        !seq_bound(I, v[1], l->len, 0, &lo) || !seq_bound(I, v[2], l->len, l->len, &hi) ||
        !find_item(I, l, v[0], lo, hi, &at))
        return false;
    if (at >= 0) {
        *out = val_int(at);
        return true;
    }
    if (val_is_obj(self, OBJ_TUPLE))
        return interp_error(I, ERR_VALUE, "tuple.index(x): x not in tuple");
    StrBuf sb;
    sb_init(&sb);
    bool ok = value_repr(I, v[0], &sb);
    if (ok)
        interp_error(I, ERR_VALUE, "%s is not in list", sb.data ? sb.data : "");
    sb_free(&sb);
    return false;
}

static bool seq_count(Interp *I, Value self, const Args *a, const char *fname, Value *out)
{
    Value x;
    if (!args_parse(I, fname, a, "value", &x))
        return false;
    ObjList *l = as_list(self);
    int64_t n = 0;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if (!value_eq(I, l->items[i], x, &eq))
            return false;
        n += eq;
    }
    *out = val_int(n);
    return true;
}

static bool l_index(Interp *I, Value s, const Args *a, Value *o) { return seq_index(I, s, a, "list.index", o); }
static bool l_count(Interp *I, Value s, const Args *a, Value *o) { return seq_count(I, s, a, "list.count", o); }
static bool t_index(Interp *I, Value s, const Args *a, Value *o) { return seq_index(I, s, a, "tuple.index", o); }
static bool t_count(Interp *I, Value s, const Args *a, Value *o) { return seq_count(I, s, a, "tuple.count", o); }

static bool l_reverse(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "list.reverse", a))
        return false;
    ObjList *l = as_list(self);
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        Value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    *out = val_none();
    return true;
}

static bool l_copy(Interp *I, Value self, const Args *a, Value *out)
{
    Value r;
    ObjList *l = as_list(self);
    if (!no_args(I, "list.copy", a) || !list_new(I, l->len, &r))
        return false;
    for (size_t i = 0; i < l->len; i++)
        list_append(I, r, l->items[i]);   /* capacity reserved: cannot fail */
    *out = r;
    return true;
}

static bool l_clear(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "list.clear", a))
        return false;
    ObjList *l = as_list(self);
    Value *items = l->items;
    size_t n = l->len;
    l->items = NULL;
    l->len = l->cap = 0;
    for (size_t i = 0; i < n; i++)
        value_decref(items[i]);
    free(items);
    *out = val_none();
    return true;
}

/* ---- sorting: a stable merge sort (Python's sort is stable) ---- */

typedef struct SortItem {
    Value key, val;
} SortItem;

static bool sort_less(Interp *I, Value a, Value b, bool *lt)
{
    if (a.kind == VAL_INT && b.kind == VAL_INT) {
        *lt = a.as.i < b.as.i;
        return true;
    }
    if (a.kind == VAL_FLOAT && b.kind == VAL_FLOAT) {
        *lt = a.as.f < b.as.f;
        return true;
    }
    if (val_is_obj(a, OBJ_STR) && val_is_obj(b, OBJ_STR)) {
        size_t n = as_str(a)->len < as_str(b)->len ? as_str(a)->len : as_str(b)->len;
        int c = memcmp(str_cstr(a), str_cstr(b), n);
        *lt = c < 0 || (c == 0 && as_str(a)->len < as_str(b)->len);
        return true;
    }
    Value r;
    if (!value_compare(I, CMP_LT, a, b, &r))
        return false;
    bool ok = value_truth(I, r, lt);
    value_decref(r);
    return ok;
}

/* Sorts it[0..n) using tmp[0..n) as scratch.  Compares later < earlier, as
 * CPython does, so a mixed list reports "'<' not supported between
 * instances of 'str' and 'int'" for [1, 'a']. */
static bool merge_sort(Interp *I, SortItem *it, SortItem *tmp, size_t n)
{
    if (n < 2)
        return true;
    size_t mid = n / 2;
    if (!merge_sort(I, it, tmp, mid) || !merge_sort(I, it + mid, tmp, n - mid))
        return false;
    bool lt;
    if (!sort_less(I, it[mid].key, it[mid - 1].key, &lt))
        return false;
    if (!lt)
        return true;
    memcpy(tmp, it, mid * sizeof *it);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        if (!sort_less(I, it[j].key, tmp[i].key, &lt)) {
            while (i < mid)
                it[k++] = tmp[i++];   /* keep every item in it[] on failure */
            memmove(it + k, it + j, (n - j) * sizeof *it);
            return false;
        }
        it[k++] = lt ? it[j++] : tmp[i++];
    }
    while (i < mid)
        it[k++] = tmp[i++];
    return true;
}

/* Fewer than 64 items: CPython's listobject.c does one count_run (the
 * leading ascending or strictly descending run, reversed when descending)
 * and a binary insertion sort of the rest.  Same comparisons in the same
 * order, so a failing comparison (3 < 'a') or a user __lt__ sees what it
 * sees under CPython. */
static bool small_sort(Interp *I, SortItem *it, size_t n)
{
    bool lt;
    size_t run = 1;
    if (n < 2)
        return true;
    if (!sort_less(I, it[1].key, it[0].key, &lt))
        return false;
    run = 2;
    bool descending = lt;
    for (; run < n; run++) {
        if (!sort_less(I, it[run].key, it[run - 1].key, &lt))
            return false;
        if (lt != descending)
            break;
    }
    for (size_t i = 0, j = run; descending && i + 1 < j; i++, j--) {
        SortItem t = it[i];
        it[i] = it[j - 1];
        it[j - 1] = t;
    }
    for (size_t start = run; start < n; start++) {
        size_t l = 0, r = start;
        SortItem pivot = it[start];
        do {
            size_t m = l + ((r - l) >> 1);
            if (!sort_less(I, pivot.key, it[m].key, &lt))
                return false;
            if (lt)
                r = m;
            else
                l = m + 1;
        } while (l < r);
        memmove(it + l + 1, it + l, (start - l) * sizeof *it);
        it[l] = pivot;
    }
    return true;
}

static void reverse_items(Value *v, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        Value t = v[i];
        v[i] = v[j - 1];
        v[j - 1] = t;
    }
}

/* Computes keys and sorts vals[0..n) in place (all of vals stays there,
 * in some order, on failure). */
static bool sort_values(Interp *I, Value *vals, size_t n, Value key, bool reverse)
{
    SortItem *it = calloc(n ? 2 * n : 1, sizeof *it);
    if (!it)
        return interp_error(I, ERR_MEMORY, "out of memory");
    bool ok = true, haskey = key.kind != VAL_UNSET && key.kind != VAL_NONE;
    size_t owned = 0;           /* keys it[0..owned) are new references */
    if (reverse)
        reverse_items(vals, n);
    for (size_t i = 0; i < n; i++)
        it[i].val = it[i].key = vals[i];
    for (; haskey && owned < n && ok; owned += ok)
        ok = interp_call(I, key, 1, &vals[owned], &it[owned].key);
    if (ok)
        ok = n < 64 ? small_sort(I, it, n) : merge_sort(I, it, it + n, n);
    for (size_t i = 0; i < n; i++) {
        vals[i] = it[i].val;
        if (i < owned)
            value_decref(it[i].key);
    }
    if (reverse)
        reverse_items(vals, n);
    free(it);
    return ok;
}

bool methods_sort_list(Interp *I, Value list, Value key, bool reverse)
{
    ObjList *l = as_list(list);
    Value *items = l->items;
    size_t n = l->len, cap = l->cap;
    l->items = NULL;            /* the list looks empty while keys run */
    l->len = l->cap = 0;
    bool ok = sort_values(I, items, n, key, reverse);
    if (ok && l->len) {
        ok = interp_error(I, ERR_VALUE, "list modified during sort");
    }
    for (size_t i = 0; i < l->len; i++)
        value_decref(l->items[i]);
    free(l->items);
    l->items = items;
    l->len = n;
    l->cap = cap;
    return ok;
}

static bool l_sort(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    bool reverse = false;
    if (!args_parse(I, "list.sort", a, "*, key=, reverse=", v))
        return false;
    if (v[1].kind != VAL_UNSET && !value_truth(I, v[1], &reverse))
        return false;
    if (!methods_sort_list(I, self, v[0], reverse))
        return false;
    *out = val_none();
    return true;
}

/* ---- dict views: live dict_keys / dict_values / dict_items ---- */

typedef enum { VIEW_KEYS, VIEW_VALUES, VIEW_ITEMS } ViewKind;
typedef struct DictView {
    Value dict;                 /* retained */
    ViewKind kind;
} DictView;

static const NativeClass view_classes[3];

static DictView *view_of(Value v)
{
    for (int k = 0; k < 3; k++) {
        DictView *d = native_obj_data(v, &view_classes[k]);
        if (d)
            return d;
    }
    return NULL;
}

static void view_finalize(void *data)
{
    DictView *d = data;
    value_decref(d->dict);
    free(d);
}

/* The view's elements as a new list (keys, values or (key, value) tuples). */
static bool view_list(Interp *I, const DictView *d, Value *out)
{
    ObjDict *dict = as_dict(d->dict);
    Value list;
    if (!list_new(I, dict->len, &list))
        return false;
    for (size_t i = 0; i < dict->nentries; i++) {
        DictEntry *e = &dict->entries[i];
        if (e->key.kind == VAL_UNSET)
            continue;
        Value item;
        bool ok;
        if (d->kind == VIEW_ITEMS) {
            ok = tuple_pack(I, &item, 2, e->key, e->value);
            ok = ok && list_append(I, list, item);
            if (ok)
                value_decref(item);
        } else {
            ok = list_append(I, list, d->kind == VIEW_KEYS ? e->key : e->value);
        }
        if (!ok) {
            value_decref(list);
            return false;
        }
    }
    *out = list;
    return true;
}

static bool view_repr(Interp *I, Value self, StrBuf *sb)
{
    DictView *d = view_of(self);
    Value list;
    if (!view_list(I, d, &list))
        return false;
    static const char *const names[] = {"dict_keys(", "dict_values(", "dict_items("};
    sb_puts(sb, names[d->kind]);
    bool ok = value_repr(I, list, sb);
    sb_putc(sb, ')');
    value_decref(list);
    return ok;
}

static bool view_iter(Interp *I, Value self, Value *iterator)
{
    Value list;
    if (!view_list(I, view_of(self), &list))
        return false;
    bool ok = value_iter(I, list, iterator);
    value_decref(list);
    return ok;
}

static bool view_len(Interp *I, Value self, int64_t *out)
{
    (void)I;
    *out = (int64_t)as_dict(view_of(self)->dict)->len;
    return true;
}

static bool view_truth(Interp *I, Value self, bool *out)
{
    (void)I;
    *out = as_dict(view_of(self)->dict)->len > 0;
    return true;
}

#define VIEW_CLASS(cname, cdoc) \
    {.name = cname, .finalize = view_finalize, .repr = view_repr, .len = view_len, \
     .iter = view_iter, .truth = view_truth, .doc = cdoc}

static const NativeClass view_classes[3] = {
    VIEW_CLASS("dict_keys", "A live view of a dict's keys: iterate it, len() it, test `in`."),
    VIEW_CLASS("dict_values", "A live view of a dict's values: iterate it or len() it."),
    VIEW_CLASS("dict_items", "A live view of a dict's (key, value) pairs: iterate it or len() it."),
};

static bool make_view(Interp *I, Value self, const Args *a, const char *fname, ViewKind k,
                      Value *out)
{
    if (!no_args(I, fname, a))
        return false;
    DictView *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    value_incref(self);
    d->dict = self;
    d->kind = k;
    return native_obj_new(I, &view_classes[k], d, out);
}

static bool d_keys(Interp *I, Value s, const Args *a, Value *o) { return make_view(I, s, a, "dict.keys", VIEW_KEYS, o); }
static bool d_values(Interp *I, Value s, const Args *a, Value *o) { return make_view(I, s, a, "dict.values", VIEW_VALUES, o); }
static bool d_items(Interp *I, Value s, const Args *a, Value *o) { return make_view(I, s, a, "dict.items", VIEW_ITEMS, o); }

/* ---- dict ---- */

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

static bool d_get(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    bool found;
    if (!args_parse(I, "dict.get", a, "key, default=", v) || !dict_get(I, self, v[0], out, &found))
        return false;
    if (!found) {
        *out = v[1].kind == VAL_UNSET ? val_none() : v[1];
        value_incref(*out);
    }
    return true;
}

static bool d_setdefault(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    bool found;
    if (!args_parse(I, "dict.setdefault", a, "key, default=", v) ||
        !dict_get(I, self, v[0], out, &found))
        return false;
    if (found)
        return true;
    Value d = v[1].kind == VAL_UNSET ? val_none() : v[1];
    if (!dict_set(I, self, v[0], d))
        return false;
    value_incref(d);
    *out = d;
    return true;
}

static bool d_pop(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2], got;
    bool found;
    if (!args_parse(I, "dict.pop", a, "key, default=", v) || !dict_get(I, self, v[0], &got, &found))
        return false;
    if (!found) {
        if (v[1].kind == VAL_UNSET)
            return key_error(I, v[0]);
        value_incref(v[1]);
        *out = v[1];
        return true;
    }
    if (!dict_del(I, self, v[0], &found)) {
        value_decref(got);
        return false;
    }
    *out = got;
    return true;
}

static bool d_popitem(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "dict.popitem", a))
        return false;
    ObjDict *d = as_dict(self);
    for (size_t i = d->nentries; i-- > 0;) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind == VAL_UNSET)
            continue;
        Value key = e->key;
        bool found;
        value_incref(key);
        bool ok = tuple_pack(I, out, 2, e->key, e->value) && dict_del(I, self, key, &found);
        value_decref(key);
        return ok;
    }
    return interp_error(I, ERR_KEY, "'popitem(): dictionary is empty'");
}

/* d.update(other) for a dict or an iterable of pairs. */
static bool update_from(Interp *I, Value self, Value other)
{
    if (val_is_obj(other, OBJ_DICT) || val_is_obj(other, OBJ_SET)) {
        ObjDict *o = as_dict(other);
        for (size_t i = 0; i < o->nentries; i++)
            if (o->entries[i].key.kind != VAL_UNSET &&
                !dict_set(I, self, o->entries[i].key, o->entries[i].value))
                return false;
        return true;
    }
    bool mapping;
    if (!dict_update_mapping(I, self, other, &mapping))
        return false;
    if (mapping)
        return true;
    Value items;
    if (!value_to_list(I, other, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; i < as_list(items)->len && ok; i++) {
        Value pair, elem = as_list(items)->items[i];
        ok = value_to_list(I, elem, &pair);
        if (!ok) {
            if (interp_error_kind(I) == ERR_TYPE) {
                interp_clear_error(I);
                interp_error(I, ERR_TYPE, "cannot convert dictionary update sequence "
                             "element #%zu to a sequence", i);
            }
            break;
        }
        if (as_list(pair)->len != 2)
            ok = interp_error(I, ERR_VALUE, "dictionary update sequence element #%zu has "
                              "length %zu; 2 is required", i, as_list(pair)->len);
        else
            ok = dict_set(I, self, as_list(pair)->items[0], as_list(pair)->items[1]);
        value_decref(pair);
    }
    value_decref(items);
    return ok;
}

static bool d_update(Interp *I, Value self, const Args *a, Value *out)
{
    if (a->npos > 1)
        return interp_error(I, ERR_TYPE, "update expected at most 1 argument, got %d", a->npos);
    if (a->npos == 1 && !update_from(I, self, a->pos[0]))
        return false;
    for (int i = 0; i < a->nkw; i++)
        if (!dict_set_str(I, self, a->kwnames[i], a->kwvals[i]))
            return false;
    *out = val_none();
    return true;
}

static bool d_copy(Interp *I, Value self, const Args *a, Value *out)
{
    Value r;
    if (!no_args(I, val_is_obj(self, OBJ_SET) ? "set.copy" : "dict.copy", a))
        return false;
    if (val_is_obj(self, OBJ_SET))
        return pyset_from(I, self, out);
    if (!dict_new(I, &r))
        return false;
    if (!update_from(I, r, self)) {
        value_decref(r);
        return false;
    }
    *out = r;
    return true;
}

static bool d_clear(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, val_is_obj(self, OBJ_SET) ? "set.clear" : "dict.clear", a))
        return false;
    if (val_is_obj(self, OBJ_SET)) {
        pyset_clear(self);
        *out = val_none();
        return true;
    }
    ObjDict *d = as_dict(self);
    for (size_t i = 0; i < d->nentries; i++) {
        bool found;
        Value key = d->entries[i].key;
        if (key.kind == VAL_UNSET)
            continue;
        value_incref(key);
        bool ok = dict_del(I, self, key, &found);
        value_decref(key);
        if (!ok)
            return false;
    }
    *out = val_none();
    return true;
}

/* ---- set ---- */

static bool set_has(Interp *I, Value set, Value item, bool *found)
{
    Value got;
    if (!dict_get(I, set, item, &got, found))
        return false;
    if (*found)
        value_decref(got);
    return true;
}

/* Any iterable as a set: a new reference (the same object for a set). */
static bool as_set(Interp *I, Value v, Value *out)
{
    if (val_is_obj(v, OBJ_SET)) {
        value_incref(v);
        *out = v;
        return true;
    }
    Value items, s;
    if (!value_to_list(I, v, &items))
        return false;
    bool ok = set_new(I, &s);
    for (size_t i = 0; ok && i < as_list(items)->len; i++)
        ok = set_add(I, s, as_list(items)->items[i]);
    value_decref(items);
    if (!ok) {
        value_decref(s);
        return false;
    }
    *out = s;
    return true;
}

static bool s_add(Interp *I, Value self, const Args *a, Value *out)
{
    Value x;
    if (!args_parse(I, "set.add", a, "elem", &x) || !set_add(I, self, x))
        return false;
    *out = val_none();
    return true;
}

static bool set_remove(Interp *I, Value self, const Args *a, const char *fname, bool must,
                       Value *out)
{
    Value x;
    bool found;
    if (!args_parse(I, fname, a, "elem", &x) || !dict_del(I, self, x, &found))
        return false;
    if (!found && must)
        return key_error(I, x);
    *out = val_none();
    return true;
}

static bool s_remove(Interp *I, Value s, const Args *a, Value *o) { return set_remove(I, s, a, "set.remove", true, o); }
static bool s_discard(Interp *I, Value s, const Args *a, Value *o) { return set_remove(I, s, a, "set.discard", false, o); }

static bool s_pop(Interp *I, Value self, const Args *a, Value *out)
{
    bool done;
    if (!no_args(I, "set.pop", a) || !pyset_pop(I, self, out, &done))
        return false;
    if (done)
        return true;
    ObjDict *d = as_dict(self);
    for (size_t i = 0; i < d->nentries; i++) {
        Value key = d->entries[i].key;
        bool found;
        if (key.kind == VAL_UNSET)
            continue;
        value_incref(key);
        if (!dict_del(I, self, key, &found)) {
            value_decref(key);
            return false;
        }
        *out = key;
        return true;
    }
    return interp_error(I, ERR_KEY, "'pop from an empty set'");
}

typedef enum { SET_UNION, SET_INTER, SET_DIFF } SetOp;

/* union/intersection/difference and their *_update forms, with any
 * number of operands, as CPython combines them (value_setsim.c). */
static bool set_op(Interp *I, Value self, const Args *a, SetOp op, bool in_place, Value *out)
{
    BinOp bop = op == SET_UNION ? BIN_BITOR : op == SET_INTER ? BIN_BITAND : BIN_SUB;
    if (a->nkw > 0)
        return interp_error(I, ERR_TYPE, "set methods take no keyword arguments");
    if (!pyset_multi(I, bop, in_place, self, a->npos, a->pos, out))
        return false;
    if (in_place)
        *out = val_none();
    return true;
}

static bool s_union(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_UNION, false, o); }
static bool s_intersection(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_INTER, false, o); }
static bool s_difference(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_DIFF, false, o); }
static bool s_update(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_UNION, true, o); }
static bool s_intersection_update(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_INTER, true, o); }
static bool s_difference_update(Interp *I, Value s, const Args *a, Value *o) { return set_op(I, s, a, SET_DIFF, true, o); }

static bool s_symdiff(Interp *I, Value self, const Args *a, Value *out)
{
    Value other;
    if (!args_parse(I, "set.symmetric_difference", a, "other", &other))
        return false;
    return pyset_binop(I, BIN_BITXOR, self, other, out);
}

static bool s_symdiff_update(Interp *I, Value self, const Args *a, Value *out)
{
    Value other;
    if (!args_parse(I, "set.symmetric_difference_update", a, "other", &other) ||
        !pyset_inplace(I, BIN_BITXOR, self, other))
        return false;
    *out = val_none();
    return true;
}

typedef enum { REL_SUBSET, REL_SUPERSET, REL_DISJOINT } SetRel;

/* Is every element of a in b (want true), or none of them (want false)? */
static bool all_in(Interp *I, Value a, Value b, bool want, bool *out)
{
    ObjDict *ad = as_dict(a);
    *out = true;
    for (size_t i = 0; i < ad->nentries && *out; i++) {
        bool found;
        if (ad->entries[i].key.kind == VAL_UNSET)
            continue;
        if (!set_has(I, b, ad->entries[i].key, &found))
            return false;
        *out = found == want;
    }
    return true;
}

static bool set_rel(Interp *I, Value self, const Args *a, const char *fname, SetRel rel,
                    Value *out)
{
    Value other, o;
    bool r;
    if (!args_parse(I, fname, a, "other", &other) || !as_set(I, other, &o))
        return false;
    bool ok = rel == REL_SUBSET ? all_in(I, self, o, true, &r)
            : rel == REL_SUPERSET ? all_in(I, o, self, true, &r)
            : all_in(I, self, o, false, &r);
    value_decref(o);
    if (ok)
        *out = val_bool(r);
    return ok;
}

static bool s_issubset(Interp *I, Value s, const Args *a, Value *o) { return set_rel(I, s, a, "set.issubset", REL_SUBSET, o); }
static bool s_issuperset(Interp *I, Value s, const Args *a, Value *o) { return set_rel(I, s, a, "set.issuperset", REL_SUPERSET, o); }
static bool s_isdisjoint(Interp *I, Value s, const Args *a, Value *o) { return set_rel(I, s, a, "set.isdisjoint", REL_DISJOINT, o); }

/* ---- tables and dispatch ---- */

#define MAX_METHODS 48
static void fill_names(const Method *m, const char **names);

static const Method list_methods[] = {
    METHOD("list", "append", l_append, "append(object)", "Adds object at the end of the list.\nExample: xs = [1]; xs.append(2); xs -> [1, 2]"),
    METHOD("list", "clear", l_clear, "clear()", "Removes every item.\nExample: xs.clear(); xs -> []"),
    METHOD("list", "copy", l_copy, "copy()", "Returns a shallow copy of the list.\nExample: ys = xs.copy()"),
    METHOD("list", "count", l_count, "count(value)", "Returns how many items equal value.\nExample: [1, 2, 1].count(1) -> 2"),
    METHOD("list", "extend", l_extend, "extend(iterable)", "Appends every item of iterable.\nExample: xs = [1]; xs.extend([2, 3]); xs -> [1, 2, 3]"),
    METHOD("list", "index", l_index, "index(value, start=0, stop=None)", "Returns the first index of value; ValueError when absent.\nExample: ['a', 'b'].index('b') -> 1"),
    METHOD("list", "insert", l_insert, "insert(index, object)", "Inserts object before index.\nExample: xs = [1, 3]; xs.insert(1, 2); xs -> [1, 2, 3]"),
    METHOD("list", "pop", l_pop, "pop(index=-1)", "Removes and returns the item at index (the last by default).\nExample: [1, 2, 3].pop() -> 3"),
    METHOD("list", "remove", l_remove, "remove(value)", "Removes the first item equal to value; ValueError when absent.\nExample: xs = [1, 2]; xs.remove(1); xs -> [2]"),
    METHOD("list", "reverse", l_reverse, "reverse()", "Reverses the list in place.\nExample: xs = [1, 2]; xs.reverse(); xs -> [2, 1]"),
    METHOD("list", "sort", l_sort, "sort(*, key=None, reverse=False)", "Sorts the list in place (stable); key maps each item to its sort key.\nExample: xs = ['bb', 'a']; xs.sort(key=len); xs -> ['a', 'bb']"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

static const Method tuple_methods[] = {
    METHOD("tuple", "count", t_count, "count(value)", "Returns how many items equal value.\nExample: (1, 2, 1).count(1) -> 2"),
    METHOD("tuple", "index", t_index, "index(value, start=0, stop=None)", "Returns the first index of value; ValueError when absent.\nExample: (5, 6).index(6) -> 1"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

static const Method dict_methods[] = {
    METHOD("dict", "clear", d_clear, "clear()", "Removes every item.\nExample: d.clear(); d -> {}"),
    METHOD("dict", "copy", d_copy, "copy()", "Returns a shallow copy.\nExample: e = d.copy()"),
    METHOD("dict", "get", d_get, "get(key, default=None)", "Returns d[key], or default when key is absent.\nExample: {'a': 1}.get('b', 0) -> 0"),
    METHOD("dict", "items", d_items, "items()", "A view of the (key, value) pairs, in insertion order.\nExample: for k, v in d.items(): print(k, v)"),
    METHOD("dict", "keys", d_keys, "keys()", "A view of the keys, in insertion order.\nExample: list({'a': 1}.keys()) -> ['a']"),
    METHOD("dict", "pop", d_pop, "pop(key, default=<unset>)", "Removes key and returns its value (or default; KeyError without one).\nExample: {'a': 1}.pop('a') -> 1"),
    METHOD("dict", "popitem", d_popitem, "popitem()", "Removes and returns the last inserted (key, value) pair.\nExample: {'a': 1}.popitem() -> ('a', 1)"),
    METHOD("dict", "setdefault", d_setdefault, "setdefault(key, default=None)", "Returns d[key], inserting default first when key is absent.\nExample: d.setdefault('n', []).append(1)"),
    METHOD("dict", "update", d_update, "update(other=(), **kwargs)", "Adds the pairs of other (a dict or pairs) and the keyword arguments.\nExample: d.update({'a': 1}, b=2)"),
    METHOD("dict", "values", d_values, "values()", "A view of the values, in insertion order.\nExample: sum({'a': 1, 'b': 2}.values()) -> 3"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

static const Method set_methods[] = {
    METHOD("set", "add", s_add, "add(elem)", "Adds elem to the set.\nExample: s = {1}; s.add(2); s -> {1, 2}"),
    METHOD("set", "clear", d_clear, "clear()", "Removes every element.\nExample: s.clear(); s -> set()"),
    METHOD("set", "copy", d_copy, "copy()", "Returns a shallow copy.\nExample: t = s.copy()"),
    METHOD("set", "difference", s_difference, "difference(*others)", "Elements of the set that are in none of the others.\nExample: {1, 2, 3}.difference([2]) -> {1, 3}"),
    METHOD("set", "difference_update", s_difference_update, "difference_update(*others)", "Removes the elements found in others.\nExample: s.difference_update([2])"),
    METHOD("set", "discard", s_discard, "discard(elem)", "Removes elem if present.\nExample: s.discard(5)"),
    METHOD("set", "intersection", s_intersection, "intersection(*others)", "Elements common to the set and all others.\nExample: {1, 2}.intersection([2, 3]) -> {2}"),
    METHOD("set", "intersection_update", s_intersection_update, "intersection_update(*others)", "Keeps only the elements found in all others.\nExample: s.intersection_update([1, 2])"),
    METHOD("set", "isdisjoint", s_isdisjoint, "isdisjoint(other)", "True when the set and other have no element in common.\nExample: {1}.isdisjoint([2]) -> True"),
    METHOD("set", "issubset", s_issubset, "issubset(other)", "True when every element is in other.\nExample: {1}.issubset([1, 2]) -> True"),
    METHOD("set", "issuperset", s_issuperset, "issuperset(other)", "True when every element of other is in the set.\nExample: {1, 2}.issuperset([1]) -> True"),
    METHOD("set", "pop", s_pop, "pop()", "Removes and returns an arbitrary element; KeyError when empty.\nExample: {7}.pop() -> 7"),
    METHOD("set", "remove", s_remove, "remove(elem)", "Removes elem; KeyError when absent.\nExample: s.remove(1)"),
    METHOD("set", "symmetric_difference", s_symdiff, "symmetric_difference(other)", "Elements in exactly one of the set and other.\nExample: {1, 2}.symmetric_difference([2, 3]) -> {1, 3}"),
    METHOD("set", "symmetric_difference_update", s_symdiff_update, "symmetric_difference_update(other)", "Keeps the elements in exactly one of the set and other.\nExample: s.symmetric_difference_update([2, 3])"),
    METHOD("set", "union", s_union, "union(*others)", "Elements in the set or any of the others.\nExample: {1}.union([2]) -> {1, 2}"),
    METHOD("set", "update", s_update, "update(*others)", "Adds the elements of others.\nExample: s.update([4, 5])"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

/* frozenset: the set methods that do not change the set; each result takes
 * self's type (frozenset({1}).union([2]) is a frozenset). */
static bool fs_copy(Interp *I, Value self, const Args *a, Value *out)
{
    if (!no_args(I, "frozenset.copy", a))
        return false;
    value_incref(self);                  /* immutable: the copy is itself */
    *out = self;
    return true;
}

static const Method frozenset_methods[] = {
    METHOD("frozenset", "copy", fs_copy, "copy()", "Returns the frozenset itself (it never changes).\nExample: fs.copy() is fs -> True"),
    METHOD("frozenset", "difference", s_difference, "difference(*others)", "Elements of the frozenset that are in none of the others.\nExample: frozenset({1, 2, 3}).difference([2]) -> frozenset({1, 3})"),
    METHOD("frozenset", "intersection", s_intersection, "intersection(*others)", "Elements common to the frozenset and all others.\nExample: frozenset({1, 2}).intersection([2, 3]) -> frozenset({2})"),
    METHOD("frozenset", "isdisjoint", s_isdisjoint, "isdisjoint(other)", "True when the frozenset and other have no element in common.\nExample: frozenset({1}).isdisjoint([2]) -> True"),
    METHOD("frozenset", "issubset", s_issubset, "issubset(other)", "True when every element is in other.\nExample: frozenset({1}).issubset([1, 2]) -> True"),
    METHOD("frozenset", "issuperset", s_issuperset, "issuperset(other)", "True when every element of other is in the frozenset.\nExample: frozenset({1, 2}).issuperset([1]) -> True"),
    METHOD("frozenset", "symmetric_difference", s_symdiff, "symmetric_difference(other)", "Elements in exactly one of the frozenset and other.\nExample: frozenset({1, 2}).symmetric_difference([2, 3]) -> frozenset({1, 3})"),
    METHOD("frozenset", "union", s_union, "union(*others)", "Elements in the frozenset or any of the others.\nExample: frozenset({1}).union([2]) -> frozenset({1, 2})"),
    {NULL, {NULL, NULL, NULL, NULL}},
};

const char *const *methods_frozenset_names(void)
{
    static const char *names[MAX_METHODS + 1];
    if (!names[0])
        fill_names(frozenset_methods, names);
    return names;
}

static const Method *table_for(ObjKind kind)
{
    switch (kind) {
    case OBJ_STR: return str_methods;
    case OBJ_LIST: return list_methods;
    case OBJ_TUPLE: return tuple_methods;
    case OBJ_DICT: return dict_methods;
    case OBJ_SET: return set_methods;
    default: return NULL;
    }
}

bool methods_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    *found = false;
    if (self.kind == VAL_INT || self.kind == VAL_BOOL || self.kind == VAL_FLOAT)
        return num_getattr(I, self, name, out, found);
    if (self.kind != VAL_OBJ)
        return true;
    const Method *m = val_is_frozenset(self) ? frozenset_methods : table_for(self.as.o->kind);
    for (; m && m->qualname; m++) {
        if (strcmp(m->def.name, name) == 0) {
            *found = true;
            return native_new(I, &m->def, m->qualname, self, out);
        }
    }
    return true;
}

static void fill_names(const Method *m, const char **names)
{
    int n = 0;
    for (; m->qualname && n < MAX_METHODS; m++)
        names[n++] = m->def.name;
    names[n] = NULL;
}

const char *const *methods_names(ObjKind kind)
{
    static const char *names[5][MAX_METHODS + 1];
    static const ObjKind kinds[5] = {OBJ_STR, OBJ_LIST, OBJ_TUPLE, OBJ_DICT, OBJ_SET};
    for (int k = 0; k < 5; k++) {
        if (kinds[k] != kind)
            continue;
        if (!names[k][0])
            fill_names(table_for(kind), names[k]);
        return names[k];
    }
    static const char *const none[] = {NULL};
    return none;
}

/* ---- unbound methods: str.lower, list.append, ... used as functions ---- */

static const ObjKind method_kinds[5] = {OBJ_STR, OBJ_LIST, OBJ_TUPLE, OBJ_DICT, OBJ_SET};

enum { FROZENSET_K = 5 };   /* the kind index of frozenset's methods */

/* self is an int: kind index * 256 + method index. */
static bool unbound_call(Interp *I, Value self, const Args *a, Value *out)
{
    int k = (int)(self.as.i >> 8), i = (int)(self.as.i & 255);
    const Method *m = k == FROZENSET_K ? &frozenset_methods[i] : &table_for(method_kinds[k])[i];
    const char *tn = m->qualname;
    size_t tl = strcspn(tn, ".");
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "unbound method %s() needs an argument", m->qualname);
    if (k == FROZENSET_K ? !val_is_frozenset(a->pos[0])
                         : !val_is_obj(a->pos[0], method_kinds[k]) || val_is_frozenset(a->pos[0]))
        return interp_error(I, ERR_TYPE, "descriptor '%s' for '%.*s' objects doesn't apply to "
                            "a '%s' object", m->def.name, (int)tl, tn,
                            a->pos[0].kind == VAL_NONE ? "NoneType" : value_type_name(a->pos[0]));
    Args rest = {a->npos - 1, a->pos + 1, a->nkw, a->kwnames, a->kwvals};
    return m->def.fn(I, a->pos[0], &rest, out);
}

/* dict.fromkeys(iterable, value=None): a class method, reached through the
 * dict type. */
static bool d_fromkeys(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], keys, d = {VAL_UNSET, {0}};
    if (!args_parse(I, "dict.fromkeys", a, "iterable, value=", v) || !value_to_list(I, v[0], &keys))
        return false;
    Value val = v[1].kind == VAL_UNSET ? val_none() : v[1];
    bool ok = dict_new(I, &d);
    for (size_t i = 0; ok && i < as_list(keys)->len; i++)
        ok = dict_set(I, d, as_list(keys)->items[i], val);
    value_decref(keys);
    if (!ok) {
        if (d.kind == VAL_OBJ)
            value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

static const NativeDef fromkeys_def = {
    "fromkeys", d_fromkeys, "dict.fromkeys(iterable, value=None)",
    "A new dict with the elements of iterable as keys, each mapped to value.\n"
    "Example: dict.fromkeys(['a', 'b'], 0) -> {'a': 0, 'b': 0}"};

bool methods_unbound(Interp *I, ObjKind kind, const char *name, Value *out, bool *found)
{
    static NativeDef defs[FROZENSET_K + 1][MAX_METHODS];
    *found = false;
    if (kind == (ObjKind)-1) {           /* frozenset.union & co. */
        const Method *m = frozenset_methods;
        for (int i = 0; m[i].qualname; i++)
            if (strcmp(m[i].def.name, name) == 0) {
                defs[FROZENSET_K][i] = m[i].def;
                defs[FROZENSET_K][i].fn = unbound_call;
                *found = true;
                return native_new(I, &defs[FROZENSET_K][i], m[i].qualname,
                                  val_int(FROZENSET_K * 256 + i), out);
            }
        return true;
    }
    if (kind == OBJ_DICT && strcmp(name, "fromkeys") == 0) {
        Value unset = {VAL_UNSET, {0}};
        *found = true;
        return native_new(I, &fromkeys_def, "dict.fromkeys", unset, out);
    }
    for (int k = 0; k < 5; k++) {
        if (method_kinds[k] != kind)
            continue;
        const Method *m = table_for(kind);
        for (int i = 0; m[i].qualname && i < MAX_METHODS; i++) {
            if (strcmp(m[i].def.name, name) != 0)
                continue;
            defs[k][i] = m[i].def;
            defs[k][i].fn = unbound_call;
            *found = true;
            return native_new(I, &defs[k][i], m[i].qualname, val_int(k * 256 + i), out);
        }
    }
    return true;
}
