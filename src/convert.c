/* convert.c - calling a built-in type: int("42"), int(3.9), float("1e-3"),
 * float("nan"), str(x), bool(x), list/tuple/set(iterable), dict(pairs,
 * **kw), range, slice, type(x) and type(name, bases, dict), enumerate and
 * zip.  Errors are worded as Python's.  Part of the language core.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include "object.h"
#include "bigint.h"

bool class_new(Interp *I, const char *name, const Value *bases, int nbases, Value dict,
               Value *out);

static bool bad_literal(Interp *I, const char *what, Value s, int base)
{
    StrBuf sb;
    sb_init(&sb);
    value_repr(I, s, &sb);
    if (base >= 0)
        interp_error(I, ERR_VALUE, "invalid literal for int() with base %d: %s", base,
                     sb.data ? sb.data : "''");
    else
        interp_error(I, ERR_VALUE, "could not convert string to %s: %s", what,
                     sb.data ? sb.data : "''");
    sb_free(&sb);
    return false;
}

/* Copies s without surrounding whitespace and without '_' between digits;
 * false when an underscore is misplaced. */
static bool clean_number(const char *s, size_t n, char *buf, size_t cap)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= cap)
        return false;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == n || !isalnum((unsigned char)s[i - 1]) ||
                !isalnum((unsigned char)s[i + 1]))
                return false;
            continue;
        }
        if (s[i] == '\0')
            return false;
        buf[j++] = s[i];
    }
    buf[j] = '\0';
    return true;
}

/* The value of p (digits in base b, already checked), as an int of any size. */
static bool int_digits_value(Interp *I, const char *p, bool neg, int b, Value *out)
{
    uint64_t v = 0;
    for (const char *q = p; *q; q++) {
        int d = isdigit((unsigned char)*q) ? *q - '0' : tolower((unsigned char)*q) - 'a' + 10;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)b)
            return bigint_parse(I, p, neg, b, out);
        v = v * (uint64_t)b + (uint64_t)d;
    }
    if (v > (uint64_t)INT64_MAX + neg)
        return bigint_parse(I, p, neg, b, out);
    *out = val_int(neg ? (int64_t)(0 - v) : (int64_t)v);
    return true;
}

static bool int_from_str(Interp *I, Value s, int base, Value *out)
{
    size_t cap = as_str(s)->len + 1;
    char *buf = malloc(cap);
    if (!buf)
        return interp_error(I, ERR_MEMORY, "out of memory");
    bool ok = false;
    if (!clean_number(str_cstr(s), as_str(s)->len, buf, cap))
        goto bad;
    char *p = buf;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    int b = base;
    if ((b == 16 || b == 0) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2, b = 16;
    else if ((b == 8 || b == 0) && p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
        p += 2, b = 8;
    else if ((b == 2 || b == 0) && p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
        p += 2, b = 2;
    else if (b == 0)
        b = 10;
    if (!*p)
        goto bad;
    for (const char *q = p; *q; q++) {
        int d = isdigit((unsigned char)*q) ? *q - '0'
              : isalpha((unsigned char)*q) ? tolower((unsigned char)*q) - 'a' + 10 : 99;
        if (d >= b)
            goto bad;
    }
    ok = int_digits_value(I, p, neg, b, out);
    free(buf);
    return ok;
bad:
    free(buf);
    return bad_literal(I, "int", s, base);
}

static bool conv_int(Interp *I, const Args *a, Value *out)
{
    Value p[2];
    int64_t base = 10, r;
    if (!args_parse(I, "int", a, "x=, base=", p))
        return false;
    if (p[0].kind == VAL_UNSET) {
        *out = val_int(0);
        return true;
    }
    if (p[1].kind != VAL_UNSET) {
        if (!value_as_index(I, p[1], &base))
            return false;
        if (!val_is_obj(p[0], OBJ_STR))
            return interp_error(I, ERR_TYPE, "int() can't convert non-string with explicit base");
        if (base != 0 && (base < 2 || base > 36))
            return interp_error(I, ERR_VALUE, "int() base must be >= 2 and <= 36, or 0");
    }
    if (val_is_obj(p[0], OBJ_STR))
        return int_from_str(I, p[0], (int)base, out);
    if (bigint_is(p[0])) {
        value_incref(p[0]);
        *out = p[0];
        return true;
    }
    if (p[0].kind == VAL_FLOAT)
        return bigint_from_double(I, p[0].as.f, out);
    if (!value_to_int(I, p[0], &r))
        return false;
    *out = val_int(r);
    return true;
}

static bool float_from_str(Interp *I, Value s, Value *out)
{
    char buf[512];
    if (!clean_number(str_cstr(s), as_str(s)->len, buf, sizeof buf))
        return bad_literal(I, "float", s, -1);
    const char *p = buf + (buf[0] == '+' || buf[0] == '-');
    double sign = buf[0] == '-' ? -1.0 : 1.0;
    if (!strcasecmp(p, "nan")) {
        *out = val_float(NAN);
        return true;
    }
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
        *out = val_float(sign * INFINITY);
        return true;
    }
    if (strpbrk(buf, "xXnN"))
        return bad_literal(I, "float", s, -1);
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end || end == buf)
        return bad_literal(I, "float", s, -1);
    *out = val_float(d);
    return true;
}

static bool conv_float(Interp *I, const Args *a, Value *out)
{
    Value p[1];
    double d;
    if (!args_parse(I, "float", a, "x=", p))
        return false;
    if (p[0].kind == VAL_UNSET) {
        *out = val_float(0.0);
        return true;
    }
    if (val_is_obj(p[0], OBJ_STR))
        return float_from_str(I, p[0], out);
    if (!num_as_double(p[0], &d) && !val_is_obj(p[0], OBJ_NATIVE_OBJ) &&
        !val_is_obj(p[0], OBJ_INSTANCE))
        return interp_error(I, ERR_TYPE, "float() argument must be a string or a real number, not '%s'",
                            value_type_name(p[0]));
    if (!value_to_float(I, p[0], &d))
        return false;
    *out = val_float(d);
    return true;
}

static bool conv_str(Interp *I, const Args *a, Value *out)
{
    Value p[3];
    if (!args_parse(I, "str", a, "object=, encoding=, errors=", p))
        return false;
    if (p[0].kind == VAL_UNSET)
        return str_new(I, "", 0, out);
    if (val_is_obj(p[0], OBJ_STR)) {
        value_incref(p[0]);
        *out = p[0];
        return true;
    }
    StrBuf sb;
    sb_init(&sb);
    if (!value_str(I, p[0], &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

/* A mapping that is not a dict (Counter, defaultdict, a class with keys()
 * and __getitem__): d[k] = src[k] for k in src.keys(), as Python does.
 * *handled is false (and no error pending) when src has no keys(). */
bool dict_update_mapping(Interp *I, Value d, Value src, bool *handled)
{
    Value keysfn, keys;
    *handled = false;
    if (!val_is_obj(src, OBJ_NATIVE_OBJ) && !val_is_obj(src, OBJ_INSTANCE))
        return true;
    if (!value_getattr(I, src, "keys", &keysfn)) {
        interp_clear_error(I);
        return true;
    }
    *handled = true;
    Args none = {0, NULL, 0, NULL, NULL};
    bool ok = value_call(I, keysfn, &none, &keys);
    value_decref(keysfn);
    if (!ok)
        return false;
    Value list;
    ok = value_to_list(I, keys, &list);
    value_decref(keys);
    if (!ok)
        return false;
    for (size_t i = 0; ok && i < as_list(list)->len; i++) {
        Value k = as_list(list)->items[i], v;
        ok = value_getitem(I, src, k, &v);
        if (ok) {
            ok = dict_set(I, d, k, v);
            value_decref(v);
        }
    }
    value_decref(list);
    return ok;
}

static bool dict_update_pairs(Interp *I, Value d, Value src)
{
    bool mapping;
    if (!dict_update_mapping(I, d, src, &mapping))
        return false;
    if (mapping)
        return true;
    if (val_is_obj(src, OBJ_DICT)) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(src, &pos, &k, &v))
            if (!dict_set(I, d, k, v))
                return false;
        return true;
    }
    Value items;
    if (!value_to_list(I, src, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value pair, e = as_list(items)->items[i];
        ok = value_to_list(I, e, &pair);
        if (!ok) {
            if (interp_error_kind(I) == ERR_TYPE) {
                interp_clear_error(I);
                interp_error(I, ERR_TYPE, "cannot convert dictionary update sequence "
                             "element #%zu to a sequence", i);
            }
            break;
        }
        if (as_list(pair)->len != 2)
            ok = interp_error(I, ERR_VALUE,
                              "dictionary update sequence element #%zu has length %zu; 2 is required",
                              i, as_list(pair)->len);
        else
            ok = dict_set(I, d, as_list(pair)->items[0], as_list(pair)->items[1]);
        value_decref(pair);
    }
    value_decref(items);
    return ok;
}

static bool conv_dict(Interp *I, const Args *a, Value *out)
{
    Value d;
    if (a->npos > 1)
        return interp_error(I, ERR_TYPE, "dict expected at most 1 argument, got %d", a->npos);
    if (!dict_new(I, &d))
        return false;
    bool ok = a->npos == 0 || dict_update_pairs(I, d, a->pos[0]);
    for (int i = 0; ok && i < a->nkw; i++)
        ok = dict_set_str(I, d, a->kwnames[i], a->kwvals[i]);
    if (!ok) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

static bool conv_collection(Interp *I, int tag, const Args *a, Value *out)
{
    static const char *const names[] = {[T_LIST] = "list", [T_TUPLE] = "tuple", [T_SET] = "set",
                                         [T_FROZENSET] = "frozenset"};
    Value p[1], l;
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "%s() takes no keyword arguments", names[tag]);
    if (a->npos > 1)
        return interp_error(I, ERR_TYPE, "%s expected at most 1 argument, got %d", names[tag], a->npos);
    p[0] = a->npos ? a->pos[0] : (Value){VAL_UNSET, {0}};
    if (tag == T_TUPLE && val_is_obj(p[0], OBJ_TUPLE)) {
        value_incref(p[0]);
        *out = p[0];
        return true;
    }
    if (tag == T_SET)
        return pyset_from(I, p[0], out);
    if (tag == T_FROZENSET && val_is_frozenset(p[0])) {   /* immutable: itself */
        value_incref(p[0]);
        *out = p[0];
        return true;
    }
    if (tag == T_FROZENSET) {
        if (!pyset_from(I, p[0], out))
            return false;
        as_dict(*out)->frozen = true;
        return true;
    }
    if (p[0].kind == VAL_UNSET) {
        return tag == T_LIST ? list_new(I, 0, out) : tuple_new(I, 0, out);
    }
    if (!value_to_list(I, p[0], &l))
        return false;
    if (tag == T_LIST) {
        *out = l;
        return true;
    }
    bool ok;
    if (tag == T_TUPLE) {
        ok = list_copy_items(I, as_list(l), 0, as_list(l)->len, true, out);
    } else {
        bool made = ok = set_new(I, out);   /* *out is unset when this fails */
        for (size_t i = 0; ok && i < as_list(l)->len; i++)
            ok = set_add(I, *out, as_list(l)->items[i]);
        if (!ok && made)
            value_decref(*out);
    }
    value_decref(l);
    return ok;
}

static bool conv_range(Interp *I, const Args *a, Value *out)
{
    int64_t v[3] = {0, 0, 1};
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "range() takes no keyword arguments");
    if (a->npos < 1 || a->npos > 3)
        return interp_error(I, ERR_TYPE, a->npos ? "range expected at most 3 arguments, got %d"
                                                 : "range expected at least 1 argument, got %d",
                            a->npos);
    Value big[3] = {val_int(0), val_int(0), val_int(1)};
    bool any_big = false;
    for (int i = 0; i < a->npos; i++) {
        big[a->npos == 1 ? 1 : i] = a->pos[i];
        any_big |= bigint_is(a->pos[i]);
    }
    if (any_big)       /* past 64 bits: value_bigrange.c */
        return bigrange_new(I, big[0], big[1], big[2], out);
    for (int i = 0; i < a->npos; i++)
        if (!value_as_index(I, a->pos[i], &v[a->npos == 1 ? 1 : i]))
            return false;
    uint64_t span = v[1] >= v[0] ? (uint64_t)v[1] - (uint64_t)v[0]
                                 : (uint64_t)v[0] - (uint64_t)v[1];
    if (span > (uint64_t)INT64_MAX && v[2] != 0)   /* a length past int64 */
        return bigrange_new(I, val_int(v[0]), val_int(v[1]), val_int(v[2]), out);
    return range_new(I, v[0], v[1], v[2], out);
}

static bool conv_slice(Interp *I, const Args *a, Value *out)
{
    if (a->npos < 1 || a->npos > 3 || a->nkw)
        return interp_error(I, ERR_TYPE, "slice expected at least 1 argument, got %d", a->npos);
    ObjSlice *s = (ObjSlice *)obj_alloc(I, OBJ_SLICE, sizeof(ObjSlice));
    if (!s)
        return false;
    Value *slots[3] = {&s->lower, &s->upper, &s->step};
    for (int i = 0; i < a->npos; i++) {
        Value v = a->pos[i];
        value_incref(v);
        *slots[a->npos == 1 ? 1 : i] = v;
    }
    *out = val_obj(&s->obj);
    return true;
}

static bool conv_type(Interp *I, const Args *a, Value *out)
{
    if (a->npos == 1 && !a->nkw)
        return value_type(I, a->pos[0], out);
    if (a->npos == 3 && val_is_obj(a->pos[0], OBJ_STR) && val_is_obj(a->pos[1], OBJ_TUPLE) &&
        val_is_obj(a->pos[2], OBJ_DICT))
        return class_new(I, str_cstr(a->pos[0]), as_list(a->pos[1])->items,
                         (int)as_list(a->pos[1])->len, a->pos[2], out);
    return interp_error(I, ERR_TYPE, "type() takes 1 or 3 arguments");
}

static bool conv_enumerate(Interp *I, const Args *a, Value *out)
{
    Value p[2], it;
    int64_t start = 0;
    if (!args_parse(I, "enumerate", a, "iterable, start=", p))
        return false;
    if (p[1].kind != VAL_UNSET && !value_as_index(I, p[1], &start))
        return false;
    if (!value_iter(I, p[0], &it))
        return false;
    bool ok = iter_new(I, IT_ENUMERATE, it, out);
    value_decref(it);
    if (ok)
        ((ObjIter *)out->as.o)->count = start;
    return ok;
}

static bool conv_zip(Interp *I, const Args *a, Value *out)
{
    Value its;
    if (!tuple_new(I, (size_t)a->npos, &its))
        return false;
    for (int i = 0; i < a->npos; i++) {
        if (!value_iter(I, a->pos[i], &as_list(its)->items[i])) {
            value_decref(its);
            return false;
        }
    }
    bool ok = iter_new(I, IT_ZIP, its, out);
    value_decref(its);
    return ok;
}

bool convert_call(Interp *I, ObjType *t, const Args *a, Value *out)
{
    bool b;
    Value p[1];
    switch (t->tag) {
    case T_INT: return conv_int(I, a, out);
    case T_FLOAT: return conv_float(I, a, out);
    case T_STR: return conv_str(I, a, out);
    case T_BOOL:
        if (!args_parse(I, "bool", a, "x=", p))
            return false;
        if (p[0].kind == VAL_UNSET) {
            *out = val_bool(false);
            return true;
        }
        if (!value_truth(I, p[0], &b))
            return false;
        *out = val_bool(b);
        return true;
    case T_LIST: case T_TUPLE: case T_SET: case T_FROZENSET: return conv_collection(I, t->tag, a, out);
    case T_DICT: return conv_dict(I, a, out);
    case T_RANGE: return conv_range(I, a, out);
    case T_SLICE: return conv_slice(I, a, out);
    case T_TYPE: return conv_type(I, a, out);
    case T_ENUMERATE: return conv_enumerate(I, a, out);
    case T_ZIP: return conv_zip(I, a, out);
    case T_NONE: *out = val_none(); return true;
    default:
        return interp_error(I, ERR_TYPE, "cannot create '%s' instances", t->name);
    }
}
