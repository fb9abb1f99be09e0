/* value_seq.c - indexing, slicing, length, membership, iteration and
 * numeric conversion of values, as Python defines them (negative indices,
 * clamped slices with any step, slice assignment on lists, code-point
 * indexing of UTF-8 strings).  Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "object.h"
#include "bigint.h"

static const char *seq_name(Value v) { return value_type_name(v); }

bool value_as_index(Interp *I, Value v, int64_t *out)
{
    if (v.kind == VAL_INT) {
        *out = v.as.i;
        return true;
    }
    if (v.kind == VAL_BOOL) {
        *out = v.as.b;
        return true;
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->to_int)
        return ((ObjNativeObj *)v.as.o)->cls->to_int(I, v, out);
    if (val_is_obj(v, OBJ_INSTANCE)) {           /* the class's __index__ */
        Value r;
        bool found;
        if (!user_instance_special(I, v, "__index__", 0, NULL, &r, &found))
            return false;
        if (found && (r.kind == VAL_INT || r.kind == VAL_BOOL)) {
            *out = r.kind == VAL_INT ? r.as.i : r.as.b;
            return true;
        }
        if (found) {
            interp_error(I, ERR_TYPE, "__index__ returned non-int (type %s)", value_type_name(r));
            value_decref(r);
            return false;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object cannot be interpreted as an integer",
                        value_type_name(v));
}

bool value_to_float(Interp *I, Value v, double *out)
{
    if (num_as_double(v, out))
        return true;
    if (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->to_float)
        return ((ObjNativeObj *)v.as.o)->cls->to_float(I, v, out);
    if (val_is_obj(v, OBJ_INSTANCE)) {
        Value r;
        bool found;
        if (!user_instance_special(I, v, "__float__", 0, NULL, &r, &found))
            return false;
        if (found) {
            bool ok = num_as_double(r, out);
            value_decref(r);
            if (ok)
                return true;
        }
    }
    return interp_error(I, ERR_TYPE, "must be real number, not %s", value_type_name(v));
}

bool value_to_int(Interp *I, Value v, int64_t *out)
{
    if (v.kind == VAL_FLOAT) {
        if (isnan(v.as.f))
            return interp_error(I, ERR_VALUE, "cannot convert float NaN to integer");
        if (isinf(v.as.f))
            return interp_error(I, ERR_OVERFLOW, "cannot convert float infinity to integer");
        if (v.as.f >= 9223372036854775808.0 || v.as.f < -9223372036854775808.0)
            return interp_error(I, ERR_OVERFLOW, "integer overflow");
        *out = (int64_t)v.as.f;
        return true;
    }
    if (v.kind == VAL_INT || v.kind == VAL_BOOL ||
        (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->to_int))
        return value_as_index(I, v, out);
    if (val_is_obj(v, OBJ_INSTANCE)) {
        Value r;
        bool found;
        if (!user_instance_special(I, v, "__int__", 0, NULL, &r, &found))
            return false;
        if (found) {
            bool ok = r.kind == VAL_INT;
            if (ok)
                *out = r.as.i;
            value_decref(r);
            if (ok)
                return true;
        }
    }
    return interp_error(I, ERR_TYPE,
                        "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                        value_type_name(v));
}

/* ---- length ---- */

static int64_t range_len(const ObjRange *r)
{
    if (r->step > 0 && r->start < r->stop)
        return (int64_t)(((uint64_t)r->stop - (uint64_t)r->start - 1) / (uint64_t)r->step + 1);
    if (r->step < 0 && r->start > r->stop)
        return (int64_t)(((uint64_t)r->start - (uint64_t)r->stop - 1) / (uint64_t)(-r->step) + 1);
    return 0;
}

bool value_len(Interp *I, Value v, int64_t *out)
{
    if (v.kind == VAL_OBJ) {
        switch (v.as.o->kind) {
        case OBJ_STR: *out = (int64_t)utf8_len(as_str(v)->chars, as_str(v)->len); return true;
        case OBJ_LIST: case OBJ_TUPLE: *out = (int64_t)as_list(v)->len; return true;
        case OBJ_DICT: case OBJ_SET: *out = (int64_t)as_dict(v)->len; return true;
        case OBJ_RANGE: *out = range_len((ObjRange *)v.as.o); return true;
        case OBJ_NATIVE_OBJ:
            if (((ObjNativeObj *)v.as.o)->cls->len)
                return ((ObjNativeObj *)v.as.o)->cls->len(I, v, out);
            break;
        case OBJ_INSTANCE: {
            Value r;
            bool found;
            if (!user_instance_special(I, v, "__len__", 0, NULL, &r, &found))
                return false;
            if (found) {
                bool ok = r.kind == VAL_INT && r.as.i >= 0;
                if (ok)
                    *out = r.as.i;
                value_decref(r);
                return ok ? true : interp_error(I, ERR_VALUE, "__len__() should return >= 0");
            }
            break;
        }
        default: break;
        }
    }
    return interp_error(I, ERR_TYPE, "object of type '%s' has no len()", value_type_name(v));
}

/* ---- slices ---- */

/* Python's PySlice_GetIndicesEx: clamps to [0, len] with any step. */
bool slice_indices(Interp *I, ObjSlice *sl, int64_t len, int64_t *start, int64_t *stop,
                   int64_t *step, int64_t *count)
{
    int64_t st = 1, lo, hi;
    if (sl->step.kind != VAL_UNSET && sl->step.kind != VAL_NONE &&
        !value_as_index(I, sl->step, &st))
        return false;
    if (st == 0)
        return interp_error(I, ERR_VALUE, "slice step cannot be zero");
    bool neg = st < 0;
    if (sl->lower.kind == VAL_UNSET || sl->lower.kind == VAL_NONE) {
        lo = neg ? len - 1 : 0;
    } else {
        if (!value_as_index(I, sl->lower, &lo))
            return false;
        if (lo < 0)
            lo = lo + len < 0 ? (neg ? -1 : 0) : lo + len;
        else if (lo >= len)
            lo = neg ? len - 1 : len;
    }
    if (sl->upper.kind == VAL_UNSET || sl->upper.kind == VAL_NONE) {
        hi = neg ? -1 : len;
    } else {
        if (!value_as_index(I, sl->upper, &hi))
            return false;
        if (hi < 0)
            hi = hi + len < 0 ? (neg ? -1 : 0) : hi + len;
        else if (hi >= len)
            hi = neg ? len - 1 : len;
    }
    *start = lo;
    *stop = hi;
    *step = st;
    if (neg)
        *count = hi < lo ? (lo - hi - 1) / (-st) + 1 : 0;
    else
        *count = lo < hi ? (hi - lo - 1) / st + 1 : 0;
    return true;
}

/* Byte offsets of each code point of a str (n+1 entries); NULL on OOM. */
static size_t *str_offsets(const ObjStr *s, int64_t *n)
{
    *n = (int64_t)utf8_len(s->chars, s->len);
    size_t *off = malloc(((size_t)*n + 1) * sizeof(size_t));
    if (!off)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < s->len; i++)
        if (((unsigned char)s->chars[i] & 0xC0) != 0x80)
            off[j++] = i;
    off[j] = s->len;
    return off;
}

static bool str_slice(Interp *I, Value v, ObjSlice *sl, Value *out)
{
    int64_t n, start, stop, step, count;
    size_t *off = str_offsets(as_str(v), &n);
    if (!off)
        return interp_error(I, ERR_MEMORY, "out of memory");
    bool ok = slice_indices(I, sl, n, &start, &stop, &step, &count);
    StrBuf sb;
    sb_init(&sb);
    for (int64_t i = 0, k = start; ok && i < count; i++, k += step)
        sb_append(&sb, as_str(v)->chars + off[k], off[k + 1] - off[k]);
    free(off);
    if (!ok) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

bool value_slice_get(Interp *I, Value obj, ObjSlice *sl, Value *out)
{
    int64_t start, stop, step, count;
    if (val_is_obj(obj, OBJ_STR))
        return str_slice(I, obj, sl, out);
    if (val_is_obj(obj, OBJ_RANGE)) {
        ObjRange *r = (ObjRange *)obj.as.o, *nr;
        if (!slice_indices(I, sl, range_len(r), &start, &stop, &step, &count))
            return false;
        nr = (ObjRange *)obj_alloc(I, OBJ_RANGE, sizeof(ObjRange));
        if (!nr)
            return false;
        nr->start = r->start + start * r->step;
        nr->step = r->step * step;
        nr->stop = nr->start + count * nr->step;
        *out = val_obj(&nr->obj);
        return true;
    }
    ObjList *l = as_list(obj);
    bool tuple = obj.as.o->kind == OBJ_TUPLE;
    if (!slice_indices(I, sl, (int64_t)l->len, &start, &stop, &step, &count))
        return false;
    if (step == 1)
        return list_copy_items(I, l, (size_t)start, (size_t)(start + count), tuple, out);
    Value r;
    if (tuple ? !tuple_new(I, (size_t)count, &r) : !list_new(I, (size_t)count, &r))
        return false;
    for (int64_t i = 0, k = start; i < count; i++, k += step) {
        value_incref(l->items[k]);
        as_list(r)->items[i] = l->items[k];
    }
    as_list(r)->len = (size_t)count;
    *out = r;
    return true;
}

/* ---- getitem ---- */

static bool norm_index(Interp *I, Value key, int64_t len, const char *what, int64_t *out)
{
    int64_t i;
    if (!value_as_index(I, key, &i))
        return false;
    if (i < 0)
        i += len;
    if (i < 0 || i >= len)
        return interp_error(I, ERR_INDEX, "%s index out of range", what);
    *out = i;
    return true;
}

static bool index_type_error(Interp *I, Value obj, Value key)
{
    if (val_is_obj(obj, OBJ_STR))
        return interp_error(I, ERR_TYPE, "string indices must be integers, not '%s'",
                            value_type_name(key));
    return interp_error(I, ERR_TYPE, "%s indices must be integers or slices, not %s",
                        seq_name(obj), value_type_name(key));
}

static bool str_index(Interp *I, Value v, Value key, Value *out)
{
    int64_t n, i;
    ObjStr *s = as_str(v);
    n = (int64_t)utf8_len(s->chars, s->len);
    if (!norm_index(I, key, n, "string", &i))
        return false;
    size_t b = 0;
    for (int64_t k = 0; k < i; k++) {
        b++;
        while (b < s->len && ((unsigned char)s->chars[b] & 0xC0) == 0x80)
            b++;
    }
    size_t e = b + 1;
    while (e < s->len && ((unsigned char)s->chars[e] & 0xC0) == 0x80)
        e++;
    return str_new(I, s->chars + b, e - b, out);
}

static bool is_index_value(Value key)
{
    Value fn;
    return key.kind == VAL_INT || key.kind == VAL_BOOL ||
           (val_is_obj(key, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)key.as.o)->cls->to_int) ||
           (val_is_obj(key, OBJ_INSTANCE) &&
            type_lookup(((ObjInstance *)key.as.o)->cls, "__index__", &fn));
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

static bool seq_getitem(Interp *I, Value obj, Value key, Value *out)
{
    if (val_is_obj(key, OBJ_SLICE))
        return value_slice_get(I, obj, (ObjSlice *)key.as.o, out);
    if (!is_index_value(key))
        return index_type_error(I, obj, key);
    if (val_is_obj(obj, OBJ_STR))
        return str_index(I, obj, key, out);
    int64_t i;
    if (val_is_obj(obj, OBJ_RANGE)) {
        ObjRange *r = (ObjRange *)obj.as.o;
        if (!norm_index(I, key, range_len(r), "range object", &i))
            return false;
        *out = val_int(r->start + i * r->step);
        return true;
    }
    ObjList *l = as_list(obj);
    if (!norm_index(I, key, (int64_t)l->len, seq_name(obj), &i))
        return false;
    value_incref(l->items[i]);
    *out = l->items[i];
    return true;
}

bool value_getitem(Interp *I, Value obj, Value key, Value *out)
{
    bool found;
    if (obj.kind == VAL_OBJ) {
        switch (obj.as.o->kind) {
        case OBJ_STR: case OBJ_LIST: case OBJ_TUPLE: case OBJ_RANGE:
            return seq_getitem(I, obj, key, out);
        case OBJ_DICT:
            if (!dict_get(I, obj, key, out, &found))
                return false;
            return found ? true : key_error(I, key);
        case OBJ_NATIVE_OBJ:
            if (((ObjNativeObj *)obj.as.o)->cls->getitem)
                return ((ObjNativeObj *)obj.as.o)->cls->getitem(I, obj, key, out);
            break;
        case OBJ_INSTANCE:
            if (!user_instance_special(I, obj, "__getitem__", 1, &key, out, &found))
                return false;
            if (found)
                return true;
            break;
        case OBJ_TYPE:
            /* list[int], dict[str, int]: type hints evaluate to the type itself */
            value_incref(obj);
            *out = obj;
            return true;
        default: break;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object is not subscriptable", value_type_name(obj));
}

/* ---- setitem and delitem on lists ---- */

/* Replaces l[start:stop] (step 1) by the items of `src` (a list). */
static bool list_splice(Interp *I, ObjList *l, int64_t start, int64_t stop, ObjList *src)
{
    if (stop < start)
        stop = start;
    size_t old = (size_t)(stop - start), n = src->len;
    size_t newlen = l->len - old + n;
    if (newlen > l->cap) {
        Value *p = realloc(l->items, (newlen + 1) * sizeof(Value));
        if (!p)
            return interp_error(I, ERR_MEMORY, "out of memory");
        l->items = p;
        l->cap = newlen + 1;
    }
    Value *dropped = malloc((old + 1) * sizeof(Value));
    if (!dropped)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (l->items)
        memcpy(dropped, l->items + start, old * sizeof(Value));
    if (l->items)
        memmove(l->items + start + n, l->items + stop, (l->len - (size_t)stop) * sizeof(Value));
    for (size_t i = 0; i < n; i++) {
        value_incref(src->items[i]);
        l->items[start + (int64_t)i] = src->items[i];
    }
    l->len = newlen;
    for (size_t i = 0; i < old; i++)
        value_decref(dropped[i]);
    free(dropped);
    return true;
}

static bool list_set_slice(Interp *I, Value list, ObjSlice *sl, Value v)
{
    ObjList *l = as_list(list);
    int64_t start, stop, step, count;
    if (!slice_indices(I, sl, (int64_t)l->len, &start, &stop, &step, &count))
        return false;
    Value items;
    if (!value_to_list(I, v, &items))
        return false;
    ObjList *src = as_list(items);
    bool ok = true;
    if (step == 1) {
        ok = list_splice(I, l, start, start + count > stop ? start + count : stop, src);
    } else if ((int64_t)src->len != count) {
        ok = interp_error(I, ERR_VALUE,
                          "attempt to assign sequence of size %zu to extended slice of size %lld",
                          src->len, (long long)count);
    } else {
        for (int64_t i = 0, k = start; i < count; i++, k += step) {
            value_incref(src->items[i]);
            value_decref(l->items[k]);
            l->items[k] = src->items[i];
        }
    }
    value_decref(items);
    return ok;
}

bool value_setitem(Interp *I, Value obj, Value key, Value v)
{
    bool found;
    int64_t i;
    if (val_is_obj(obj, OBJ_LIST)) {
        if (val_is_obj(key, OBJ_SLICE))
            return list_set_slice(I, obj, (ObjSlice *)key.as.o, v);
        if (!is_index_value(key))
            return index_type_error(I, obj, key);
        if (!norm_index(I, key, (int64_t)as_list(obj)->len, "list assignment", &i))
            return false;
        value_incref(v);
        value_decref(as_list(obj)->items[i]);
        as_list(obj)->items[i] = v;
        return true;
    }
    if (val_is_obj(obj, OBJ_DICT))
        return dict_set(I, obj, key, v);
    if (val_is_obj(obj, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)obj.as.o)->cls->setitem)
        return ((ObjNativeObj *)obj.as.o)->cls->setitem(I, obj, key, v);
    if (val_is_obj(obj, OBJ_INSTANCE)) {
        Value args[2] = {key, v}, r;
        if (!user_instance_special(I, obj, "__setitem__", 2, args, &r, &found))
            return false;
        if (found) {
            value_decref(r);
            return true;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object does not support item assignment",
                        value_type_name(obj));
}

bool value_delitem(Interp *I, Value obj, Value key)
{
    bool found;
    int64_t i, start, stop, step, count;
    if (val_is_obj(obj, OBJ_LIST)) {
        ObjList *l = as_list(obj);
        if (val_is_obj(key, OBJ_SLICE)) {
            if (!slice_indices(I, (ObjSlice *)key.as.o, (int64_t)l->len, &start, &stop, &step,
                               &count))
                return false;
            if (step < 0) {
                start = start + (count - 1) * step;
                step = -step;
            }
            for (int64_t k = count - 1; k >= 0; k--) {
                ObjList empty = {0};
                if (!list_splice(I, l, start + k * step, start + k * step + 1, &empty))
                    return false;
            }
            return true;
        }
        if (!is_index_value(key))
            return index_type_error(I, obj, key);
        if (!norm_index(I, key, (int64_t)l->len, "list assignment", &i))
            return false;
        Value old = l->items[i];
        memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
        l->len--;
        value_decref(old);
        return true;
    }
    if (val_is_obj(obj, OBJ_DICT)) {
        if (!dict_del(I, obj, key, &found))
            return false;
        return found ? true : key_error(I, key);
    }
    if (val_is_obj(obj, OBJ_INSTANCE)) {
        Value r;
        if (!user_instance_special(I, obj, "__delitem__", 1, &key, &r, &found))
            return false;
        if (found) {
            value_decref(r);
            return true;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object doesn't support item deletion",
                        value_type_name(obj));
}

/* ---- membership ---- */

static bool str_contains(Interp *I, Value s, Value item, bool *out)
{
    if (!val_is_obj(item, OBJ_STR))
        return interp_error(I, ERR_TYPE, "'in <string>' requires string as left operand, not %s",
                            value_type_name(item));
    ObjStr *h = as_str(s), *n = as_str(item);
    *out = false;
    if (n->len == 0) {
        *out = true;
        return true;
    }
    for (size_t i = 0; i + n->len <= h->len; i++)
        if (memcmp(h->chars + i, n->chars, n->len) == 0) {
            *out = true;
            break;
        }
    return true;
}

static bool iter_contains(Interp *I, Value container, Value item, bool *out)
{
    Value it, x;
    bool done = false;
    if (!value_iter(I, container, &it)) {
        Value fn;
        if (interp_error_kind(I) == ERR_TYPE && (container.kind != VAL_OBJ ||
            (val_is_obj(container, OBJ_INSTANCE) &&
             !type_lookup(((ObjInstance *)container.as.o)->cls, "__iter__", &fn) &&
             !type_lookup(((ObjInstance *)container.as.o)->cls, "__getitem__", &fn)))) {
            interp_clear_error(I);     /* 1 in 5 */
            interp_error(I, ERR_TYPE, "argument of type '%s' is not iterable",
                         value_type_name(container));
        }
        return false;
    }
    *out = false;
    while (!*out) {
        if (!value_next(I, it, &x, &done)) {
            value_decref(it);
            return false;
        }
        if (done)
            break;
        bool ok = value_eq(I, x, item, out);
        value_decref(x);
        if (!ok) {
            value_decref(it);
            return false;
        }
    }
    value_decref(it);
    return true;
}

bool value_contains(Interp *I, Value container, Value item, bool *out)
{
    Value r;
    bool found;
    if (container.kind == VAL_OBJ) {
        switch (container.as.o->kind) {
        case OBJ_STR: return str_contains(I, container, item, out);
        case OBJ_LIST: case OBJ_TUPLE: {
            ObjList *l = as_list(container);
            *out = false;
            for (size_t i = 0; i < l->len && !*out; i++)
                if (!value_identical(l->items[i], item) && !value_eq(I, l->items[i], item, out))
                    return false;
                else if (value_identical(l->items[i], item))
                    *out = true;
            return true;
        }
        case OBJ_DICT: case OBJ_SET: {
            /* {1} in a set looks {1} up as frozenset({1}), as CPython does */
            bool as_frozen = container.as.o->kind == OBJ_SET && val_is_obj(item, OBJ_SET) &&
                        !as_dict(item)->frozen;
            if (as_frozen)
                as_dict(item)->frozen = true;
            bool ok = dict_get(I, container, item, &r, &found);
            if (as_frozen)
                as_dict(item)->frozen = false;
            if (!ok)
                return false;
            if (found)
                value_decref(r);
            *out = found;
            return true;
        }
        case OBJ_RANGE: {
            ObjRange *rg = (ObjRange *)container.as.o;
            int64_t x;
            if (bigint_is(item)) {     /* every item of a plain range fits in int64 */
                *out = false;
                return true;
            }
            if (item.kind != VAL_INT && item.kind != VAL_BOOL)
                return iter_contains(I, container, item, out);
            x = item.kind == VAL_INT ? item.as.i : item.as.b;
            *out = (rg->step > 0 ? x >= rg->start && x < rg->stop
                                 : x <= rg->start && x > rg->stop) &&
                   (x - rg->start) % rg->step == 0;
            return true;
        }
        case OBJ_NATIVE_OBJ:
            if (native_obj_is(container, &bigrange_class))
                return bigrange_contains(I, container, item, out);
            break;
        case OBJ_INSTANCE:
            if (!user_instance_special(I, container, "__contains__", 1, &item, &r, &found))
                return false;
            if (found) {
                bool ok = value_truth(I, r, out);
                value_decref(r);
                return ok;
            }
            break;
        default: break;
        }
    }
    return iter_contains(I, container, item, out);
}

/* ---- iteration ---- */

bool iter_new(Interp *I, IterKind ik, Value src, Value *out)
{
    ObjIter *it = (ObjIter *)obj_alloc(I, OBJ_ITER, sizeof(ObjIter));
    if (!it)
        return false;
    it->ik = ik;
    value_incref(src);
    it->src = src;
    if (ik == IT_DICT)
        it->expect_len = as_dict(src)->len;
    *out = val_obj(&it->obj);
    return true;
}

bool value_iter(Interp *I, Value v, Value *iterator)
{
    bool found;
    if (v.kind == VAL_OBJ) {
        switch (v.as.o->kind) {
        case OBJ_LIST: case OBJ_TUPLE: return iter_new(I, IT_SEQ, v, iterator);
        case OBJ_STR: return iter_new(I, IT_STR, v, iterator);
        case OBJ_RANGE: return iter_new(I, IT_RANGE, v, iterator);
        case OBJ_SET: {
            Value ordered;
            bool done;
            if (!set_python_order(I, v, &ordered, &done))
                return false;
            if (!done)
                return iter_new(I, IT_DICT, v, iterator);
            bool ok = iter_new(I, IT_SEQ, ordered, iterator);
            value_decref(ordered);
            return ok;
        }
        case OBJ_DICT: return iter_new(I, IT_DICT, v, iterator);
        case OBJ_ITER:
            value_incref(v);
            *iterator = v;
            return true;
        case OBJ_NATIVE_OBJ: {
            const NativeClass *c = ((ObjNativeObj *)v.as.o)->cls;
            if (c->iter)
                return c->iter(I, v, iterator);
            if (c->next) {
                value_incref(v);
                *iterator = v;
                return true;
            }
            break;
        }
        case OBJ_INSTANCE: {
            Value gi;
            if (!user_instance_special(I, v, "__iter__", 0, NULL, iterator, &found))
                return false;
            if (found)
                return true;
            if (type_lookup(((ObjInstance *)v.as.o)->cls, "__getitem__", &gi))
                return iter_new(I, IT_GETITEM, v, iterator);
            break;
        }
        default: break;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object is not iterable", value_type_name(v));
}

static bool iter_next_seq(Interp *I, ObjIter *it, Value *out, bool *done)
{
    switch (it->ik) {
    case IT_SEQ: case IT_GENEXP: {
        ObjList *l = as_list(it->src);
        if ((size_t)it->pos >= l->len)
            break;
        *out = l->items[it->pos++];
        value_incref(*out);
        return true;
    }
    case IT_STR: {
        ObjStr *s = as_str(it->src);
        size_t b = (size_t)it->pos, e = b + 1;
        if (b >= s->len)
            break;
        while (e < s->len && ((unsigned char)s->chars[e] & 0xC0) == 0x80)
            e++;
        it->pos = (int64_t)e;
        return str_new(I, s->chars + b, e - b, out);
    }
    case IT_RANGE: {
        ObjRange *r = (ObjRange *)it->src.as.o;
        if (it->pos >= range_len(r))
            break;
        *out = val_int(r->start + it->pos++ * r->step);
        return true;
    }
    case IT_DICT: {
        Value k;
        size_t pos = (size_t)it->pos;
        if (as_dict(it->src)->len != it->expect_len)
            return interp_error(I, ERR_RUNTIME, "%s changed size during iteration",
                                it->src.as.o->kind == OBJ_SET ? "Set" : "dictionary");
        if (!dict_next(it->src, &pos, &k, NULL))
            break;
        it->pos = (int64_t)pos;
        value_incref(k);
        *out = k;
        return true;
    }
    case IT_GETITEM: {
        bool found;
        Value idx = val_int(it->pos);
        if (it->pos < 0)
            break;
        if (user_instance_special(I, it->src, "__getitem__", 1, &idx, out, &found)) {
            it->pos++;
            return true;
        }
        ErrKind k = interp_error_kind(I);
        if (k != ERR_INDEX && k != ERR_STOP_ITERATION)
            return false;
        interp_clear_error(I);
        it->pos = -1;
        break;
    }
    default: break;
    }
    *done = true;
    return true;
}

static bool iter_next_combined(Interp *I, ObjIter *it, Value *out, bool *done)
{
    Value x;
    if (it->ik == IT_ENUMERATE) {
        if (!value_next(I, it->src, &x, done) || *done)
            return !*done ? false : true;
        Value t;
        bool ok = tuple_pack(I, &t, 2, val_int(it->count++), x);
        value_decref(x);
        if (ok)
            *out = t;
        return ok;
    }
    ObjList *its = as_list(it->src);
    Value t;
    if (!tuple_new(I, its->len, &t))
        return false;
    for (size_t i = 0; i < its->len; i++) {
        if (!value_next(I, its->items[i], &x, done) || *done) {
            bool failed = !*done;
            value_decref(t);
            return !failed;
        }
        as_list(t)->items[i] = x;
    }
    if (its->len == 0) {
        value_decref(t);
        *done = true;
        return true;
    }
    *out = t;
    return true;
}

bool value_next(Interp *I, Value iterator, Value *out, bool *done)
{
    *done = false;
    if (interp_interrupted && !interp_check_interrupt(I))
        return false;
    if (val_is_obj(iterator, OBJ_ITER)) {
        ObjIter *it = (ObjIter *)iterator.as.o;
        if (it->ik == IT_ENUMERATE || it->ik == IT_ZIP)
            return iter_next_combined(I, it, out, done);
        return iter_next_seq(I, it, out, done);
    }
    if (val_is_obj(iterator, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)iterator.as.o)->cls->next)
        return ((ObjNativeObj *)iterator.as.o)->cls->next(I, iterator, out, done);
    if (val_is_obj(iterator, OBJ_INSTANCE)) {
        bool found;
        if (user_instance_special(I, iterator, "__next__", 0, NULL, out, &found)) {
            if (found)
                return true;
        } else if (interp_error_kind(I) == ERR_STOP_ITERATION) {
            interp_clear_error(I);
            *done = true;
            return true;
        } else {
            return false;
        }
    }
    return interp_error(I, ERR_TYPE, "'%s' object is not an iterator", value_type_name(iterator));
}

bool value_to_list(Interp *I, Value v, Value *out)
{
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE))
        return list_copy_items(I, as_list(v), 0, as_list(v)->len, false, out);
    Value it, l, x;
    bool done = false, ok = true;
    if (!value_iter(I, v, &it))
        return false;
    if (!list_new(I, 0, &l)) {
        value_decref(it);
        return false;
    }
    while (ok) {
        ok = value_next(I, it, &x, &done);
        if (!ok || done)
            break;
        ok = list_append(I, l, x);
        value_decref(x);
    }
    value_decref(it);
    if (!ok) {
        value_decref(l);
        return false;
    }
    *out = l;
    return true;
}
