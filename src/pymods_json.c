/* pymods_json.c - Python's json module: dumps/dump with indent, sort_keys,
 * separators and ensure_ascii as Python writes them, and loads/load
 * (objects become dicts, arrays lists; NaN and Infinity accepted).
 * Decoding errors are ValueErrors worded as json.JSONDecodeError's
 * ("Expecting value: line 1 column 1 (char 0)").
 *
 * Owned by the built-ins engineer; registered by pymods_install.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "methods_internal.h"
#include "bigint.h"

/* ---- encoding ---- */

typedef struct Enc {
    const char *indent;     /* NULL: one line */
    const char *item_sep;   /* ", " or "," */
    const char *key_sep;    /* ": " */
    bool sort_keys, ensure_ascii;
    int depth;
} Enc;

static bool enc_value(Interp *I, Enc *e, Value v, StrBuf *sb);

static void enc_string(const char *s, size_t n, bool ascii, StrBuf *sb)
{
    sb_putc(sb, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c < 0x20) {
            const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                            : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
            if (esc)
                sb_puts(sb, esc);
            else
                sb_printf(sb, "\\u%04x", c);
        } else if (c >= 0x80 && ascii) {
            size_t k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            uint32_t cp = k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
            for (size_t j = 1; j < k && i + j < n; j++)
                cp = cp << 6 | ((unsigned char)s[i + j] & 0x3Fu);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                sb_printf(sb, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                sb_printf(sb, "\\u%04x", cp);
            }
            i += k;
            continue;
        } else {
            sb_putc(sb, (char)c);
        }
        i++;
    }
    sb_putc(sb, '"');
}

static void enc_newline(Enc *e, StrBuf *sb)
{
    sb_putc(sb, '\n');
    for (int i = 0; i < e->depth; i++)
        sb_puts(sb, e->indent);
}

static bool enc_float(Interp *I, double d, StrBuf *sb)
{
    (void)I;
    if (isnan(d))
        sb_puts(sb, "NaN");
    else if (isinf(d))
        sb_puts(sb, d > 0 ? "Infinity" : "-Infinity");
    else
        format_float_repr(d, sb);
    return true;
}

static bool enc_list(Interp *I, Enc *e, ObjList *l, StrBuf *sb)
{
    if (l->len == 0) {
        sb_puts(sb, "[]");
        return true;
    }
    sb_putc(sb, '[');
    e->depth++;
    for (size_t i = 0; i < l->len; i++) {
        if (i)
            sb_puts(sb, e->item_sep);
        if (e->indent)
            enc_newline(e, sb);
        if (!enc_value(I, e, l->items[i], sb))
            return false;
    }
    e->depth--;
    if (e->indent)
        enc_newline(e, sb);
    sb_putc(sb, ']');
    return true;
}

/* A dict key as JSON text: str as is; int/float/bool/None converted. */
static bool enc_key(Interp *I, Enc *e, Value k, StrBuf *sb)
{
    if (val_is_obj(k, OBJ_STR)) {
        enc_string(str_cstr(k), as_str(k)->len, e->ensure_ascii, sb);
        return true;
    }
    StrBuf t;
    sb_init(&t);
    switch (k.kind) {
    case VAL_INT: sb_printf(&t, "%lld", (long long)k.as.i); break;
    case VAL_BOOL: sb_puts(&t, k.as.b ? "true" : "false"); break;
    case VAL_NONE: sb_puts(&t, "null"); break;
    case VAL_FLOAT: enc_float(I, k.as.f, &t); break;
    default:
        sb_free(&t);
        return interp_error(I, ERR_TYPE, "keys must be str, int, float, bool or None, not %s",
                            value_type_name(k));
    }
    enc_string(t.data, t.len, false, sb);
    sb_free(&t);
    return true;
}

static bool enc_dict(Interp *I, Enc *e, Value dict, StrBuf *sb)
{
    Value keys;
    if (!value_to_list(I, dict, &keys))
        return false;
    Value unset = {VAL_UNSET, {0}};
    bool ok = !e->sort_keys || methods_sort_list(I, keys, unset, false);
    ObjList *l = as_list(keys);
    if (ok && l->len == 0)
        sb_puts(sb, "{}");
    if (!ok || l->len == 0) {
        value_decref(keys);
        return ok;
    }
    sb_putc(sb, '{');
    e->depth++;
    for (size_t i = 0; ok && i < l->len; i++) {
        Value v;
        bool found;
        if (i)
            sb_puts(sb, e->item_sep);
        if (e->indent)
            enc_newline(e, sb);
        ok = enc_key(I, e, l->items[i], sb) && dict_get(I, dict, l->items[i], &v, &found);
        if (ok) {
            sb_puts(sb, e->key_sep);
            ok = enc_value(I, e, v, sb);
            value_decref(v);
        }
    }
    e->depth--;
    if (ok && e->indent)
        enc_newline(e, sb);
    sb_putc(sb, '}');
    value_decref(keys);
    return ok;
}

static bool enc_value(Interp *I, Enc *e, Value v, StrBuf *sb)
{
    if (e->depth > 200)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded while encoding "
                            "a JSON object");
    switch (v.kind) {
    case VAL_NONE: sb_puts(sb, "null"); return true;
    case VAL_BOOL: sb_puts(sb, v.as.b ? "true" : "false"); return true;
    case VAL_INT: sb_printf(sb, "%lld", (long long)v.as.i); return true;
    case VAL_FLOAT: return enc_float(I, v.as.f, sb);
    default: break;
    }
    if (val_is_obj(v, OBJ_STR)) {
        enc_string(str_cstr(v), as_str(v)->len, e->ensure_ascii, sb);
        return true;
    }
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE))
        return enc_list(I, e, as_list(v), sb);
    if (val_is_obj(v, OBJ_DICT))
        return enc_dict(I, e, v, sb);
    if (bigint_is(v))
        return value_repr(I, v, sb);            /* an int of any size */
    double d;
    if (val_is_obj(v, OBJ_NATIVE_OBJ) && value_to_float(I, v, &d))
        return enc_float(I, d, sb);
    interp_clear_error(I);
    return interp_error(I, ERR_TYPE, "Object of type %s is not JSON serializable",
                        value_type_name(v));
}

/* dumps' keyword options into e; spaces holds an indent string built here. */
static bool enc_options(Interp *I, const Value *v, Enc *e, char *spaces, size_t cap)
{
    memset(e, 0, sizeof *e);
    e->item_sep = ", ";
    e->key_sep = ": ";
    e->ensure_ascii = true;
    if (v[0].kind == VAL_INT || v[0].kind == VAL_BOOL) {
        int64_t n = v[0].kind == VAL_INT ? v[0].as.i : v[0].as.b;
        size_t k = n < 0 ? 0 : (size_t)n < cap - 1 ? (size_t)n : cap - 1;
        memset(spaces, ' ', k);
        spaces[k] = '\0';
        e->indent = spaces;
    } else if (val_is_obj(v[0], OBJ_STR)) {
        e->indent = str_cstr(v[0]);
    }
    if (e->indent)
        e->item_sep = ",";
    if ((v[1].kind != VAL_UNSET && !value_truth(I, v[1], &e->sort_keys)) ||
        (v[2].kind != VAL_UNSET && !value_truth(I, v[2], &e->ensure_ascii)))
        return false;
    if (val_is_obj(v[3], OBJ_TUPLE) && as_list(v[3])->len == 2 &&
        val_is_obj(as_list(v[3])->items[0], OBJ_STR) && val_is_obj(as_list(v[3])->items[1], OBJ_STR)) {
        e->item_sep = str_cstr(as_list(v[3])->items[0]);
        e->key_sep = str_cstr(as_list(v[3])->items[1]);
    }
    return true;
}

static bool dumps_to(Interp *I, Value obj, const Value *opts, StrBuf *sb)
{
    Enc e;
    char spaces[64];
    return enc_options(I, opts, &e, spaces, sizeof spaces) && enc_value(I, &e, obj, sb);
}

#define DUMP_OPTS "*, indent=, sort_keys=, ensure_ascii=, separators=, skipkeys=, default="

static bool j_dumps(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v[7];
    StrBuf sb;
    if (!args_parse(I, "json.dumps", a, "obj, " DUMP_OPTS, v))
        return false;
    sb_init(&sb);
    if (!dumps_to(I, v[0], v + 1, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

static bool j_dump(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v[8], text, fn, r;
    StrBuf sb;
    if (!args_parse(I, "json.dump", a, "obj, fp, " DUMP_OPTS, v))
        return false;
    sb_init(&sb);
    if (!dumps_to(I, v[0], v + 2, &sb)) {
        sb_free(&sb);
        return false;
    }
    if (!sb_to_str(I, &sb, &text))
        return false;
    bool ok = value_getattr(I, v[1], "write", &fn);
    if (ok) {
        ok = interp_call(I, fn, 1, &text, &r);
        value_decref(fn);
        if (ok)
            value_decref(r);
    }
    value_decref(text);
    if (ok)
        *out = val_none();
    return ok;
}

/* ---- decoding ---- */

typedef struct Dec {
    Interp *I;
    const char *s;
    size_t n, pos;
    int depth;
} Dec;

static bool dec_value(Dec *d, Value *out);

static bool dec_error(Dec *d, const char *what, size_t at)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at && i < d->n; i++) {
        if (d->s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return interp_error(d->I, ERR_VALUE, "%s: line %zu column %zu (char %zu)", what, line, col, at);
}

static void skip_ws(Dec *d)
{
    while (d->pos < d->n && strchr(" \t\n\r", d->s[d->pos]) && d->s[d->pos])
        d->pos++;
}

static bool dec_literal(Dec *d, const char *word, Value v, Value *out)
{
    size_t k = strlen(word);
    if (d->n - d->pos < k || memcmp(d->s + d->pos, word, k) != 0)
        return dec_error(d, "Expecting value", d->pos);
    d->pos += k;
    *out = v;
    return true;
}

static bool dec_number(Dec *d, Value *out)
{
    size_t st = d->pos;
    bool is_float = false;
    if (d->s[d->pos] == '-')
        d->pos++;
    if (d->n - d->pos >= 8 && memcmp(d->s + d->pos, "Infinity", 8) == 0) {
        d->pos += 8;
        *out = val_float(d->s[st] == '-' ? -INFINITY : INFINITY);
        return true;
    }
    if (d->pos >= d->n || d->s[d->pos] < '0' || d->s[d->pos] > '9')
        return dec_error(d, "Expecting value", st);
    while (d->pos < d->n && strchr("0123456789+-.eE", d->s[d->pos]) && d->s[d->pos]) {
        is_float |= strchr(".eE", d->s[d->pos]) != NULL;
        d->pos++;
    }
    if (!is_float && d->pos - st > 18) {        /* maybe beyond int64: exact */
        char *digits = malloc(d->pos - st + 1);
        if (!digits)
            return interp_error(d->I, ERR_MEMORY, "out of memory");
        bool neg = d->s[st] == '-';
        memcpy(digits, d->s + st + neg, d->pos - st - neg);
        digits[d->pos - st - neg] = '\0';
        bool ok = strspn(digits, "0123456789") == strlen(digits) &&
                  bigint_parse(d->I, digits, neg, 10, out);
        free(digits);
        if (ok || interp_error_pending(d->I))
            return ok;
    }
    char buf[64];
    size_t len = d->pos - st < sizeof buf - 1 ? d->pos - st : sizeof buf - 1;
    memcpy(buf, d->s + st, len);
    buf[len] = '\0';
    if (!is_float) {
        char *end;
        long long v = strtoll(buf, &end, 10);
        if (*end == '\0' && !(v == LLONG_MAX || v == LLONG_MIN)) {
            *out = val_int(v);
            return true;
        }
    }
    *out = val_float(strtod(buf, NULL));
    return true;
}

static void put_utf8(StrBuf *sb, uint32_t cp)
{
    if (cp < 0x80) {
        sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_putc(sb, (char)(0xC0 | cp >> 6));
        sb_putc(sb, (char)(0x80 | (cp & 63)));
    } else if (cp < 0x10000) {
        sb_putc(sb, (char)(0xE0 | cp >> 12));
        sb_putc(sb, (char)(0x80 | (cp >> 6 & 63)));
        sb_putc(sb, (char)(0x80 | (cp & 63)));
    } else {
        sb_putc(sb, (char)(0xF0 | cp >> 18));
        sb_putc(sb, (char)(0x80 | (cp >> 12 & 63)));
        sb_putc(sb, (char)(0x80 | (cp >> 6 & 63)));
        sb_putc(sb, (char)(0x80 | (cp & 63)));
    }
}

static bool hex4(Dec *d, size_t at, uint32_t *out)
{
    if (d->n - at < 4)
        return false;
    char buf[5] = {0};
    memcpy(buf, d->s + at, 4);
    char *end;
    *out = (uint32_t)strtoul(buf, &end, 16);
    return *end == '\0';
}

/* A string starting at the opening quote; the text goes to sb. */
static bool dec_string_text(Dec *d, StrBuf *sb)
{
    size_t start = d->pos++;
    while (d->pos < d->n && d->s[d->pos] != '"') {
        char c = d->s[d->pos];
        if ((unsigned char)c < 0x20)
            return dec_error(d, "Invalid control character at", d->pos);
        if (c != '\\') {
            sb_putc(sb, c);
            d->pos++;
            continue;
        }
        if (++d->pos >= d->n)
            break;
        char e = d->s[d->pos++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        uint32_t cp, lo;
        if (hit && e) {
            sb_putc(sb, to[hit - from]);
        } else if (e == 'u' && hex4(d, d->pos, &cp)) {
            d->pos += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && d->n - d->pos >= 6 && d->s[d->pos] == '\\' &&
                d->s[d->pos + 1] == 'u' && hex4(d, d->pos + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                d->pos += 6;
            }
            put_utf8(sb, cp);
        } else {
            return dec_error(d, e == 'u' ? "Invalid \\uXXXX escape" : "Invalid \\escape", d->pos - 2);
        }
    }
    if (d->pos >= d->n)
        return dec_error(d, "Unterminated string starting at", start);
    d->pos++;
    return true;
}

static bool dec_string(Dec *d, Value *out)
{
    StrBuf sb;
    sb_init(&sb);
    if (!dec_string_text(d, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(d->I, &sb, out);
}

static bool dec_array(Dec *d, Value *out)
{
    Value list, item;
    if (!list_new(d->I, 0, &list))
        return false;
    d->pos++;
    skip_ws(d);
    if (d->pos < d->n && d->s[d->pos] == ']') {
        d->pos++;
        *out = list;
        return true;
    }
    for (;;) {
        skip_ws(d);
        if (!dec_value(d, &item))
            break;
        bool ok = list_append(d->I, list, item);
        value_decref(item);
        skip_ws(d);
        if (!ok)
            break;
        if (d->pos < d->n && d->s[d->pos] == ',') {
            d->pos++;
            continue;
        }
        if (d->pos < d->n && d->s[d->pos] == ']') {
            d->pos++;
            *out = list;
            return true;
        }
        dec_error(d, "Expecting ',' delimiter", d->pos);
        break;
    }
    value_decref(list);
    return false;
}

static bool dec_member(Dec *d, Value dict)
{
    Value key, val;
    skip_ws(d);
    if (d->pos >= d->n || d->s[d->pos] != '"')
        return dec_error(d, "Expecting property name enclosed in double quotes", d->pos);
    if (!dec_string(d, &key))
        return false;
    skip_ws(d);
    bool ok = d->pos < d->n && d->s[d->pos] == ':';
    if (!ok) {
        value_decref(key);
        return dec_error(d, "Expecting ':' delimiter", d->pos);
    }
    d->pos++;
    skip_ws(d);
    ok = dec_value(d, &val);
    if (ok) {
        ok = dict_set(d->I, dict, key, val);
        value_decref(val);
    }
    value_decref(key);
    return ok;
}

static bool dec_object(Dec *d, Value *out)
{
    Value dict;
    if (!dict_new(d->I, &dict))
        return false;
    d->pos++;
    skip_ws(d);
    if (d->pos < d->n && d->s[d->pos] == '}') {
        d->pos++;
        *out = dict;
        return true;
    }
    for (;;) {
        if (!dec_member(d, dict))
            break;
        skip_ws(d);
        if (d->pos < d->n && d->s[d->pos] == ',') {
            d->pos++;
            continue;
        }
        if (d->pos < d->n && d->s[d->pos] == '}') {
            d->pos++;
            *out = dict;
            return true;
        }
        dec_error(d, "Expecting ',' delimiter", d->pos);
        break;
    }
    value_decref(dict);
    return false;
}

static bool dec_value(Dec *d, Value *out)
{
    if (d->pos >= d->n)
        return dec_error(d, "Expecting value", d->pos);
    if (++d->depth > 500)
        return interp_error(d->I, ERR_RECURSION, "maximum recursion depth exceeded while "
                            "decoding a JSON document");
    bool ok;
    switch (d->s[d->pos]) {
    case '{': ok = dec_object(d, out); break;
    case '[': ok = dec_array(d, out); break;
    case '"': ok = dec_string(d, out); break;
    case 't': ok = dec_literal(d, "true", val_bool(true), out); break;
    case 'f': ok = dec_literal(d, "false", val_bool(false), out); break;
    case 'n': ok = dec_literal(d, "null", val_none(), out); break;
    case 'N': ok = dec_literal(d, "NaN", val_float(NAN), out); break;
    case 'I': ok = dec_literal(d, "Infinity", val_float(INFINITY), out); break;
    default: ok = dec_number(d, out); break;
    }
    d->depth--;
    return ok;
}

static bool loads_text(Interp *I, const char *s, size_t n, Value *out)
{
    Dec d = {I, s, n, 0, 0};
    Value v;
    skip_ws(&d);
    if (!dec_value(&d, &v))
        return false;
    skip_ws(&d);
    if (d.pos < d.n) {
        value_decref(v);
        return dec_error(&d, "Extra data", d.pos);
    }
    *out = v;
    return true;
}

static bool j_loads(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value s;
    if (!args_parse(I, "json.loads", a, "s", &s))
        return false;
    if (!val_is_obj(s, OBJ_STR))
        return interp_error(I, ERR_TYPE, "the JSON object must be str, bytes or bytearray, "
                            "not %s", value_type_name(s));
    return loads_text(I, str_cstr(s), as_str(s)->len, out);
}

static bool j_load(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value fp, fn, text;
    if (!args_parse(I, "json.load", a, "fp", &fp) || !value_getattr(I, fp, "read", &fn))
        return false;
    bool ok = interp_call(I, fn, 0, NULL, &text);
    value_decref(fn);
    if (!ok)
        return false;
    if (val_is_obj(text, OBJ_STR))
        ok = loads_text(I, str_cstr(text), as_str(text)->len, out);
    else
        ok = interp_error(I, ERR_TYPE, "read() should return a str");
    value_decref(text);
    return ok;
}

static const NativeDef json_defs[] = {
    {"dump", j_dump, "dump(obj, fp, *, indent=None, sort_keys=False, ensure_ascii=True, separators=None)", "Writes obj as JSON to the file fp.\nExample: with open('h.json', 'w') as f: json.dump(history, f)"},
    {"dumps", j_dumps, "dumps(obj, *, indent=None, sort_keys=False, ensure_ascii=True, separators=None)", "obj (dicts, lists, str, numbers, bools, None) as a JSON string.\nExample: json.dumps({'a': [1, 2.5]}) -> '{\"a\": [1, 2.5]}'"},
    {"load", j_load, "load(fp)", "Reads a JSON document from the file fp.\nExample: cfg = json.load(open('config.json'))"},
    {"loads", j_loads, "loads(s)", "Parses a JSON string: objects become dicts, arrays lists.\nExample: json.loads('[1, 2]') -> [1, 2]"},
    {NULL, NULL, NULL, NULL},
};

bool pymods_json_create(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "json", "Python's json module: dumps/dump and loads/load.", &mod))
        return false;
    if (!module_add_natives(I, mod, json_defs)) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}
