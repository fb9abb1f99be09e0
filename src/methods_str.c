/* methods_str.c - the methods of str values ("a b".split(), s.upper(), ...),
 * with Python 3.11's results and error messages.  Indices and widths count
 * code points (strings are UTF-8); case mapping covers ASCII letters.
 *
 * Owned by the built-ins engineer; reached through methods_getattr in
 * methods.c.  Depends on value.h and interp.h only.
 */
#include <ctype.h>
#include <string.h>
#include "methods_internal.h"

#define S(v) str_cstr(v)
#define SLEN(v) (as_str(v)->len)

bool meth_str_arg(Interp *I, const char *fname, int argno, Value v)
{
    if (val_is_obj(v, OBJ_STR))
        return true;
    const char *dot = strchr(fname, '.');
    return interp_error(I, ERR_TYPE, "%s() argument %d must be str, not %s",
                        dot ? dot + 1 : fname, argno,
                        v.kind == VAL_NONE ? "NoneType" : value_type_name(v));
}

size_t meth_cp_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

size_t meth_cp_offset(const char *s, size_t n, int64_t idx)
{
    if (idx < 0) {
        int64_t len = (int64_t)meth_cp_count(s, n);
        idx += len;
        if (idx < 0)
            idx = 0;
    }
    size_t i = 0;
    for (int64_t c = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == idx)
                return i;
            c++;
        }
    }
    return n;
}

bool meth_range(Interp *I, const char *fname, const char *s, size_t n, Value start, Value end,
                size_t *lo, size_t *hi)
{
    int64_t v;
    *lo = 0;
    *hi = n;
    if (start.kind != VAL_UNSET && start.kind != VAL_NONE) {
        if (!value_as_index(I, start, &v))
            return false;
        *lo = meth_cp_offset(s, n, v);
    }
    if (end.kind != VAL_UNSET && end.kind != VAL_NONE) {
        if (!value_as_index(I, end, &v))
            return false;
        *hi = meth_cp_offset(s, n, v);
    }
    (void)fname;
    return true;
}

/* The first occurrence of needle (m > 0 bytes) in hay[0..n), or NULL. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return m == 0 ? hay : NULL;
    for (const char *p = hay; (p = memchr(p, needle[0], n - m + 1 - (size_t)(p - hay))); p++)
        if (memcmp(p, needle, m) == 0)
            return p;
    return NULL;
}

static bool push_str(Interp *I, Value list, const char *s, size_t n)
{
    Value v;
    if (!str_new(I, s, n, &v))
        return false;
    bool ok = list_append(I, list, v);
    value_decref(v);
    return ok;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
           c == '\x1c' || c == '\x1d' || c == '\x1e' || c == '\x1f';
}

/* ---- case ---- */

typedef enum { CASE_UPPER, CASE_LOWER, CASE_SWAP, CASE_CAP, CASE_TITLE, CASE_FOLD } CaseOp;

/* Simple case mapping of ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic (what Python's str.upper does for those letters). */
static uint32_t cp_upper(uint32_t c)
{
    if (c < 0x80)
        return (uint32_t)toupper((int)c);
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) ||
        (c >= 0x430 && c <= 0x44F))
        return c - 0x20;
    if (c == 0x3C2)
        return 0x3A3;
    if (c == 0xFF)
        return 0x178;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (odd_lower ? !(c & 1) : (c & 1))
            return c - 1;
    }
    return c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c < 0x80)
        return (uint32_t)tolower((int)c);
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c == 0x178)
        return 0xFF;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (odd_lower ? (c & 1) : !(c & 1))
            return c + 1;
    }
    return c;
}

static size_t decode_cp(const char *s, size_t n, uint32_t *cp)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (k > n)
        k = n;
    uint32_t v = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < k; i++)
        v = v << 6 | ((unsigned char)s[i] & 0x3Fu);
    *cp = v;
    return k;
}

static void encode_cp(StrBuf *sb, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | (cp >> 6 & 63));
        b[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | (cp >> 12 & 63));
        b[2] = (char)(0x80 | (cp >> 6 & 63)); b[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    sb_append(sb, b, n);
}

static bool cp_is_cased(uint32_t c)
{
    return cp_upper(c) != c || cp_lower(c) != c;
}

/* Python's full case folding where it differs from lower(), for the common
 * letters: ß and ẞ fold to "ss" (a zero return), final sigma to sigma, the
 * micro sign to mu, long s to s. */
static uint32_t cp_fold(uint32_t c)
{
    switch (c) {
    case 0xDF: case 0x1E9E: return 0;
    case 0x3C2: return 0x3C3;
    case 0xB5: return 0x3BC;
    case 0x17F: return 's';
    default: return cp_lower(c);
    }
}

static bool recase(Interp *I, Value self, const Args *a, const char *fname, CaseOp op, Value *out)
{
    Value none_[1];
    if (!args_parse(I, fname, a, "", none_))
        return false;
    const char *s = S(self);
    size_t n = SLEN(self);
    StrBuf sb;
    sb_init(&sb);
    bool prev_cased = false, first = true;
    for (size_t i = 0; i < n;) {
        uint32_t c, r = 0;
        bool was_cased = prev_cased;
        i += decode_cp(s + i, n - i, &c);
        switch (op) {
        case CASE_UPPER: r = cp_upper(c); break;
        case CASE_LOWER: r = cp_lower(c); break;
        case CASE_FOLD:
            if (!(r = cp_fold(c))) {
                sb_puts(&sb, "ss");
                continue;
            }
            break;
        case CASE_SWAP: r = cp_upper(c) != c ? cp_upper(c) : cp_lower(c); break;
        case CASE_CAP: r = first ? cp_upper(c) : cp_lower(c); break;
        case CASE_TITLE:
            r = prev_cased ? cp_lower(c) : cp_upper(c);
            prev_cased = cp_is_cased(c) || (c >= 0x80 && c != r);
            break;
        }
        first = false;
        if (c == 0xDF && r == 0xDF && op != CASE_LOWER && (op != CASE_TITLE || !was_cased) &&
            (op != CASE_CAP || i <= 2)) {
            sb_puts(&sb, op == CASE_UPPER || op == CASE_SWAP ? "SS" : "Ss");   /* ß */
            prev_cased = true;
            continue;
        }
        encode_cp(&sb, r);
    }
    return sb_to_str(I, &sb, out);
}

static bool m_upper(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.upper", CASE_UPPER, o); }
static bool m_lower(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.lower", CASE_LOWER, o); }
static bool m_casefold(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.casefold", CASE_FOLD, o); }
static bool m_swapcase(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.swapcase", CASE_SWAP, o); }
static bool m_capitalize(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.capitalize", CASE_CAP, o); }
static bool m_title(Interp *I, Value s, const Args *a, Value *o) { return recase(I, s, a, "str.title", CASE_TITLE, o); }

/* ---- strip ---- */

/* Is the character at s[i..i+k) in chars (NULL: whitespace)? */
static bool in_chars(const char *s, size_t k, Value chars)
{
    if (chars.kind != VAL_OBJ)
        return k == 1 && is_ws(s[0]);
    const char *c = S(chars);
    size_t n = SLEN(chars);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(c + i, s, k) == 0 && ((unsigned char)c[i] & 0xC0) != 0x80)
            return true;
    return false;
}

static size_t char_len(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

static bool strip(Interp *I, Value self, const Args *a, const char *fname, int sides, Value *out)
{
    Value chars;
    if (!args_parse(I, fname, a, "chars=", &chars))
        return false;
    if (chars.kind == VAL_NONE)
        chars.kind = VAL_UNSET;
    if (chars.kind != VAL_UNSET && !val_is_obj(chars, OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s arg must be None or str", fname + 4);
    const char *s = S(self);
    size_t lo = 0, hi = SLEN(self);
    while ((sides & 1) && lo < hi) {
        size_t k = char_len(s + lo, hi - lo);
        if (!in_chars(s + lo, k, chars))
            break;
        lo += k;
    }
    while ((sides & 2) && hi > lo) {
        size_t st = hi - 1;
        while (st > lo && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        if (!in_chars(s + st, hi - st, chars))
            break;
        hi = st;
    }
    return str_new(I, s + lo, hi - lo, out);
}

static bool m_strip(Interp *I, Value s, const Args *a, Value *o) { return strip(I, s, a, "str.strip", 3, o); }
static bool m_lstrip(Interp *I, Value s, const Args *a, Value *o) { return strip(I, s, a, "str.lstrip", 1, o); }
static bool m_rstrip(Interp *I, Value s, const Args *a, Value *o) { return strip(I, s, a, "str.rstrip", 2, o); }

/* ---- split ---- */

static bool split_args(Interp *I, const char *fname, const Args *a, Value *sep, int64_t *maxsplit)
{
    Value v[2];
    if (!args_parse(I, fname, a, "sep=, maxsplit=", v))
        return false;
    *sep = v[0];
    *maxsplit = -1;
    if (v[1].kind != VAL_UNSET && !arg_int(I, fname, "maxsplit", v[1], maxsplit))
        return false;
    if (sep->kind == VAL_NONE)
        sep->kind = VAL_UNSET;
    if (sep->kind != VAL_UNSET) {
        if (!val_is_obj(*sep, OBJ_STR))
            return interp_error(I, ERR_TYPE, "must be str or None, not %s", value_type_name(*sep));
        if (SLEN(*sep) == 0)
            return interp_error(I, ERR_VALUE, "empty separator");
    }
    return true;
}

static bool split_ws(Interp *I, const char *s, size_t n, int64_t maxsplit, Value list)
{
    size_t i = 0;
    for (;;) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i >= n)
            return true;
        if (maxsplit-- == 0)
            return push_str(I, list, s + i, n - i);
        size_t j = i;
        while (j < n && !is_ws(s[j]))
            j++;
        if (!push_str(I, list, s + i, j - i))
            return false;
        i = j;
    }
}

static bool split_sep(Interp *I, const char *s, size_t n, const char *sep, size_t m,
                      int64_t maxsplit, Value list)
{
    size_t i = 0;
    while (maxsplit-- != 0) {
        const char *hit = m <= n - i ? find_bytes(s + i, n - i, sep, m) : NULL;
        if (!hit)
            break;
        if (!push_str(I, list, s + i, (size_t)(hit - (s + i))))
            return false;
        i = (size_t)(hit - s) + m;
    }
    return push_str(I, list, s + i, n - i);
}

static bool m_split(Interp *I, Value self, const Args *a, Value *out)
{
    Value sep, list;
    int64_t maxsplit;
    if (!split_args(I, "str.split", a, &sep, &maxsplit) || !list_new(I, 0, &list))
        return false;
    bool ok = sep.kind == VAL_UNSET
        ? split_ws(I, S(self), SLEN(self), maxsplit, list)
        : split_sep(I, S(self), SLEN(self), S(sep), SLEN(sep), maxsplit, list);
    if (!ok) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

static void reverse_list(Value list)
{
    ObjList *l = as_list(list);
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        Value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
}

/* rsplit collects from the right, then reverses the list. */
static bool rsplit_into(Interp *I, const char *s, size_t n, Value sep, int64_t maxsplit,
                        Value list)
{
    size_t end = n;
    if (sep.kind == VAL_UNSET) {
        for (;;) {
            while (end > 0 && is_ws(s[end - 1]))
                end--;
            if (end == 0)
                return true;
            if (maxsplit-- == 0)
                return push_str(I, list, s, end);
            size_t j = end;
            while (j > 0 && !is_ws(s[j - 1]))
                j--;
            if (!push_str(I, list, s + j, end - j))
                return false;
            end = j;
        }
    }
    const char *p = S(sep);
    size_t m = SLEN(sep);
    while (maxsplit-- != 0 && end >= m) {
        size_t j = end - m + 1, hit = (size_t)-1;
        while (j-- > 0)
            if (memcmp(s + j, p, m) == 0) {
                hit = j;
                break;
            }
        if (hit == (size_t)-1)
            break;
        if (!push_str(I, list, s + hit + m, end - hit - m))
            return false;
        end = hit;
    }
    return push_str(I, list, s, end);
}

static bool m_rsplit(Interp *I, Value self, const Args *a, Value *out)
{
    Value sep, list;
    int64_t maxsplit;
    if (!split_args(I, "str.rsplit", a, &sep, &maxsplit) || !list_new(I, 0, &list))
        return false;
    if (!rsplit_into(I, S(self), SLEN(self), sep, maxsplit, list)) {
        value_decref(list);
        return false;
    }
    reverse_list(list);
    *out = list;
    return true;
}

static bool m_splitlines(Interp *I, Value self, const Args *a, Value *out)
{
    Value kv, list;
    bool keep = false;
    if (!args_parse(I, "str.splitlines", a, "keepends=", &kv))
        return false;
    if (kv.kind != VAL_UNSET && !value_truth(I, kv, &keep))
        return false;
    if (!list_new(I, 0, &list))
        return false;
    const char *s = S(self);
    size_t n = SLEN(self), i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && !strchr("\n\r\v\f\x1c\x1d\x1e", s[j]))
            j++;
        size_t eol = j < n ? (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n' ? 2 : 1) : 0;
        if (!push_str(I, list, s + i, j - i + (keep ? eol : 0))) {
            value_decref(list);
            return false;
        }
        i = j + eol;
    }
    *out = list;
    return true;
}

/* ---- join, replace ---- */

static bool m_join(Interp *I, Value self, const Args *a, Value *out)
{
    Value it, items;
    if (!args_parse(I, "str.join", a, "iterable", &it) || !value_to_list(I, it, &items))
        return false;
    StrBuf sb;
    sb_init(&sb);
    ObjList *l = as_list(items);
    for (size_t i = 0; i < l->len; i++) {
        if (!val_is_obj(l->items[i], OBJ_STR)) {
            interp_error(I, ERR_TYPE, "sequence item %zu: expected str instance, %s found", i,
                         l->items[i].kind == VAL_NONE ? "NoneType" : value_type_name(l->items[i]));
            sb_free(&sb);
            value_decref(items);
            return false;
        }
        if (i)
            sb_append(&sb, S(self), SLEN(self));
        sb_append(&sb, S(l->items[i]), SLEN(l->items[i]));
    }
    value_decref(items);
    return sb_to_str(I, &sb, out);
}

static bool m_replace(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t count = -1;
    if (!args_parse(I, "str.replace", a, "old, new, count=", v) ||
        !meth_str_arg(I, "str.replace", 1, v[0]) || !meth_str_arg(I, "str.replace", 2, v[1]))
        return false;
    if (v[2].kind != VAL_UNSET && !arg_int(I, "replace", "count", v[2], &count))
        return false;
    const char *s = S(self), *old = S(v[0]);
    size_t n = SLEN(self), m = SLEN(v[0]), i = 0;
    StrBuf sb;
    sb_init(&sb);
    if (m == 0) {
        for (; count != 0; count--) {
            sb_append(&sb, S(v[1]), SLEN(v[1]));
            if (i >= n)
                break;
            size_t k = char_len(s + i, n - i);
            sb_append(&sb, s + i, k);
            i += k;
        }
    } else {
        for (; count != 0; count--) {
            const char *hit = m <= n - i ? find_bytes(s + i, n - i, old, m) : NULL;
            if (!hit)
                break;
            sb_append(&sb, s + i, (size_t)(hit - (s + i)));
            sb_append(&sb, S(v[1]), SLEN(v[1]));
            i = (size_t)(hit - s) + m;
        }
    }
    sb_append(&sb, s + i, n - i);
    return sb_to_str(I, &sb, out);
}

/* ---- searching ---- */

static bool affix(Interp *I, Value self, const Args *a, const char *fname, bool end, Value *out)
{
    Value v[3];
    size_t lo, hi;
    if (!args_parse(I, fname, a, "prefix, start=, end=", v) ||
        !meth_range(I, fname, S(self), SLEN(self), v[1], v[2], &lo, &hi))
        return false;
    const Value *cands = &v[0];
    size_t nc = 1;
    if (val_is_obj(v[0], OBJ_TUPLE)) {
        cands = as_list(v[0])->items;
        nc = as_list(v[0])->len;
    }
    bool hit = false;
    for (size_t i = 0; i < nc && !hit; i++) {
        if (!val_is_obj(cands[i], OBJ_STR))
            return interp_error(I, ERR_TYPE, "%s first arg must be str or a tuple of str, not %s",
                                fname + 4, value_type_name(cands[i]));
        size_t m = SLEN(cands[i]);
        if (hi >= lo && m <= hi - lo)
            hit = memcmp(S(self) + (end ? hi - m : lo), S(cands[i]), m) == 0;
    }
    *out = val_bool(hit);
    return true;
}

static bool m_startswith(Interp *I, Value s, const Args *a, Value *o) { return affix(I, s, a, "str.startswith", false, o); }
static bool m_endswith(Interp *I, Value s, const Args *a, Value *o) { return affix(I, s, a, "str.endswith", true, o); }

typedef enum { FIND, RFIND, INDEX, RINDEX, COUNT } FindOp;

static bool search(Interp *I, Value self, const Args *a, const char *fname, FindOp op, Value *out)
{
    Value v[3];
    size_t lo, hi;
    if (!args_parse(I, fname, a, "sub, start=, end=", v))
        return false;
    if (!val_is_obj(v[0], OBJ_STR))
        return interp_error(I, ERR_TYPE, "must be str, not %s", value_type_name(v[0]));
    const char *s = S(self), *sub = S(v[0]);
    size_t m = SLEN(v[0]);
    if (!meth_range(I, fname, s, SLEN(self), v[1], v[2], &lo, &hi))
        return false;
    int64_t count = 0, found = -1;
    if (hi >= lo && m <= hi - lo) {
        if (op == RFIND || op == RINDEX) {
            for (size_t j = hi - m + 1; j-- > lo;)
                if (memcmp(s + j, sub, m) == 0) {
                    found = (int64_t)j;
                    break;
                }
        } else {
            for (size_t j = lo; j + m <= hi; j++) {
                if (memcmp(s + j, sub, m) == 0) {
                    if (found < 0)
                        found = (int64_t)j;
                    if (op != COUNT)
                        break;
                    count++;
                    j += m ? m - 1 : 0;
                    if (m == 0)
                        j += char_len(s + j, hi - j) - 1;
                }
            }
            if (op == COUNT && m == 0)
                count = (int64_t)meth_cp_count(s + lo, hi - lo) + 1;
        }
    }
    if (op == COUNT) {
        *out = val_int(count);
        return true;
    }
    if (found < 0 && (op == INDEX || op == RINDEX))
        return interp_error(I, ERR_VALUE, "substring not found");
    *out = val_int(found < 0 ? -1 : (int64_t)meth_cp_count(s, (size_t)found));
    return true;
}

static bool m_find(Interp *I, Value s, const Args *a, Value *o) { return search(I, s, a, "str.find", FIND, o); }
static bool m_rfind(Interp *I, Value s, const Args *a, Value *o) { return search(I, s, a, "str.rfind", RFIND, o); }
static bool m_index(Interp *I, Value s, const Args *a, Value *o) { return search(I, s, a, "str.index", INDEX, o); }
static bool m_rindex(Interp *I, Value s, const Args *a, Value *o) { return search(I, s, a, "str.rindex", RINDEX, o); }
static bool m_count(Interp *I, Value s, const Args *a, Value *o) { return search(I, s, a, "str.count", COUNT, o); }

/* ---- formatting ---- */

static bool m_format(Interp *I, Value self, const Args *a, Value *out)
{
    StrBuf sb;
    sb_init(&sb);
    Value unset = {VAL_UNSET, {0}};
    if (!format_template(I, S(self), SLEN(self), a, unset, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

static bool m_format_map(Interp *I, Value self, const Args *a, Value *out)
{
    Value mapping;
    if (!args_parse(I, "str.format_map", a, "mapping", &mapping))
        return false;
    Args none = {0, NULL, 0, NULL, NULL};
    StrBuf sb;
    sb_init(&sb);
    if (!format_template(I, S(self), SLEN(self), &none, mapping, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

/* ---- predicates ---- */

typedef enum {
    IS_DIGIT, IS_DECIMAL, IS_NUMERIC, IS_ALPHA, IS_ALNUM, IS_SPACE, IS_UPPER, IS_LOWER, IS_TITLE
} IsOp;

/* Per code point, with Python's Unicode classes (unicode_tables.c); a
 * character is lower case when it has an upper-case form, and so on. */
static bool predicate(Interp *I, Value self, const Args *a, const char *fname, IsOp op, Value *out)
{
    Value none_[1];
    if (!args_parse(I, fname, a, "", none_))
        return false;
    const char *s = S(self);
    size_t n = SLEN(self);
    bool ok = n > 0, cased = false, prev_cased = false;
    for (size_t i = 0; i < n && ok;) {
        uint32_t c;
        i += decode_cp(s + i, n - i, &c);
        bool up = cp_lower(c) != c, low = cp_upper(c) != c || c == 0xDF;
        switch (op) {
        case IS_DIGIT: ok = uni_isdigit(c); break;
        case IS_DECIMAL: ok = uni_isdecimal(c); break;
        case IS_NUMERIC: ok = uni_isnumeric(c); break;
        case IS_ALPHA: ok = uni_isalpha(c); break;
        case IS_ALNUM: ok = uni_isalpha(c) || uni_isnumeric(c); break;
        case IS_SPACE: ok = uni_isspace(c); break;
        case IS_UPPER: ok = !low; cased |= up; break;
        case IS_LOWER: ok = !up; cased |= low; break;
        case IS_TITLE:
            if (up) { ok = !prev_cased; cased = prev_cased = true; }
            else if (low) { ok = prev_cased; prev_cased = true; }
            else prev_cased = false;
            break;
        }
    }
    if (op == IS_UPPER || op == IS_LOWER || op == IS_TITLE)
        ok = ok && cased;
    *out = val_bool(ok);
    return true;
}

static bool m_isdigit(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isdigit", IS_DIGIT, o); }
static bool m_isdecimal(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isdecimal", IS_DECIMAL, o); }
static bool m_isnumeric(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isnumeric", IS_NUMERIC, o); }
static bool m_isalpha(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isalpha", IS_ALPHA, o); }

static bool m_isascii(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    if (!args_parse(I, "str.isascii", a, "", none_))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < SLEN(self); i++)
        ok = (unsigned char)S(self)[i] < 0x80;
    *out = val_bool(ok);
    return true;
}

/* A letter or _ first, then letters, digits and _ (Unicode letters and
 * digits as str.isalpha/isdecimal see them). */
static bool m_isidentifier(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    if (!args_parse(I, "str.isidentifier", a, "", none_))
        return false;
    const char *s = S(self);
    size_t n = SLEN(self);
    bool ok = n > 0;
    for (size_t i = 0, k = 0; ok && i < n; k++) {
        uint32_t c;
        i += decode_cp(s + i, n - i, &c);
        ok = c == '_' || uni_isalpha(c) || (k > 0 && (uni_isdecimal(c) || uni_isdigit(c)));
    }
    *out = val_bool(ok);
    return true;
}

/* Tabs to spaces up to the next multiple of tabsize (columns restart at
 * each newline). */
static bool m_expandtabs(Interp *I, Value self, const Args *a, Value *out)
{
    Value v;
    int64_t tab = 8;
    if (!args_parse(I, "str.expandtabs", a, "tabsize=", &v) ||
        (v.kind != VAL_UNSET && !arg_int(I, "str.expandtabs", "tabsize", v, &tab)))
        return false;
    StrBuf sb;
    sb_init(&sb);
    int64_t col = 0;
    for (size_t i = 0; i < SLEN(self); i++) {
        char c = S(self)[i];
        if (c == '\t') {
            int64_t fill = tab > 0 ? tab - col % tab : 0;
            for (int64_t k = 0; k < fill; k++)
                sb_putc(&sb, ' ');
            col += fill;
        } else {
            sb_putc(&sb, c);
            col = c == '\n' || c == '\r' ? 0 : col + (((unsigned char)c & 0xC0) != 0x80);
        }
    }
    return sb_to_str(I, &sb, out);
}
static bool m_isalnum(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isalnum", IS_ALNUM, o); }
static bool m_isspace(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isspace", IS_SPACE, o); }
static bool m_isupper(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.isupper", IS_UPPER, o); }
static bool m_islower(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.islower", IS_LOWER, o); }
static bool m_istitle(Interp *I, Value s, const Args *a, Value *o) { return predicate(I, s, a, "str.istitle", IS_TITLE, o); }

/* ---- padding ---- */

static bool pad(Interp *I, Value self, const Args *a, const char *fname, char how, Value *out)
{
    Value v[2];
    int64_t width;
    if (!args_parse(I, fname, a, "width, fillchar=", v) || !arg_int(I, fname, "width", v[0], &width))
        return false;
    const char *fill = " ";
    size_t fl = 1;
    if (v[1].kind != VAL_UNSET) {
        if (!val_is_obj(v[1], OBJ_STR))
            return interp_error(I, ERR_TYPE, "%s() argument 2 must be str, not %s", fname + 4,
                                value_type_name(v[1]));
        if (meth_cp_count(S(v[1]), SLEN(v[1])) != 1)
            return interp_error(I, ERR_TYPE, "The fill character must be exactly one character long");
        fill = S(v[1]);
        fl = SLEN(v[1]);
    }
    int64_t len = (int64_t)meth_cp_count(S(self), SLEN(self));
    int64_t marg = width > len ? width - len : 0, left;
    left = how == '<' ? 0 : how == '>' ? marg : marg / 2 + (marg & width & 1);
    StrBuf sb;
    sb_init(&sb);
    for (int64_t i = 0; i < left; i++)
        sb_append(&sb, fill, fl);
    sb_append(&sb, S(self), SLEN(self));
    for (int64_t i = left; i < marg; i++)
        sb_append(&sb, fill, fl);
    return sb_to_str(I, &sb, out);
}

static bool m_center(Interp *I, Value s, const Args *a, Value *o) { return pad(I, s, a, "str.center", '^', o); }
static bool m_ljust(Interp *I, Value s, const Args *a, Value *o) { return pad(I, s, a, "str.ljust", '<', o); }
static bool m_rjust(Interp *I, Value s, const Args *a, Value *o) { return pad(I, s, a, "str.rjust", '>', o); }

static bool m_zfill(Interp *I, Value self, const Args *a, Value *out)
{
    Value w;
    int64_t width;
    if (!args_parse(I, "str.zfill", a, "width", &w) || !arg_int(I, "zfill", "width", w, &width))
        return false;
    const char *s = S(self);
    size_t n = SLEN(self), sign = n && (s[0] == '+' || s[0] == '-');
    int64_t len = (int64_t)meth_cp_count(s, n);
    StrBuf sb;
    sb_init(&sb);
    sb_append(&sb, s, sign);
    for (int64_t i = len; i < width; i++)
        sb_putc(&sb, '0');
    sb_append(&sb, s + sign, n - sign);
    return sb_to_str(I, &sb, out);
}

/* ---- partition, prefixes ---- */

static bool partition(Interp *I, Value self, const Args *a, const char *fname, bool right,
                      Value *out)
{
    Value sep;
    if (!args_parse(I, fname, a, "sep", &sep) || !meth_str_arg(I, fname, 1, sep))
        return false;
    if (SLEN(sep) == 0)
        return interp_error(I, ERR_VALUE, "empty separator");
    const char *s = S(self), *p = S(sep);
    size_t n = SLEN(self), m = SLEN(sep), hit = (size_t)-1;
    if (m <= n) {
        if (right) {
            for (size_t j = n - m + 1; j-- > 0;)
                if (memcmp(s + j, p, m) == 0) { hit = j; break; }
        } else {
            const char *h = find_bytes(s, n, p, m);
            if (h)
                hit = (size_t)(h - s);
        }
    }
    Value parts[3];
    bool ok;
    if (hit == (size_t)-1)
        ok = right ? str_new(I, "", 0, &parts[0]) && str_new(I, "", 0, &parts[1]) &&
                     str_new(I, s, n, &parts[2])
                   : str_new(I, s, n, &parts[0]) && str_new(I, "", 0, &parts[1]) &&
                     str_new(I, "", 0, &parts[2]);
    else
        ok = str_new(I, s, hit, &parts[0]) && str_new(I, p, m, &parts[1]) &&
             str_new(I, s + hit + m, n - hit - m, &parts[2]);
    if (!ok)
        return false;
    ok = tuple_pack(I, out, 3, parts[0], parts[1], parts[2]);
    for (int i = 0; i < 3; i++)
        value_decref(parts[i]);
    return ok;
}

static bool m_partition(Interp *I, Value s, const Args *a, Value *o) { return partition(I, s, a, "str.partition", false, o); }
static bool m_rpartition(Interp *I, Value s, const Args *a, Value *o) { return partition(I, s, a, "str.rpartition", true, o); }

static bool remove_affix(Interp *I, Value self, const Args *a, const char *fname, bool suffix,
                         Value *out)
{
    Value x;
    if (!args_parse(I, fname, a, "x", &x) || !meth_str_arg(I, fname, 1, x))
        return false;
    size_t n = SLEN(self), m = SLEN(x);
    const char *s = S(self);
    if (m <= n && memcmp(suffix ? s + n - m : s, S(x), m) == 0)
        return str_new(I, suffix ? s : s + m, n - m, out);
    value_incref(self);
    *out = self;
    return true;
}

static bool m_removeprefix(Interp *I, Value s, const Args *a, Value *o) { return remove_affix(I, s, a, "str.removeprefix", false, o); }
static bool m_removesuffix(Interp *I, Value s, const Args *a, Value *o) { return remove_affix(I, s, a, "str.removesuffix", true, o); }

const Method str_methods[] = {
    METHOD("str", "capitalize", m_capitalize, "capitalize()", "Returns a copy with the first character upper case and the rest lower case.\nExample: 'hello WORLD'.capitalize() -> 'Hello world'"),
    METHOD("str", "casefold", m_casefold, "casefold()", "Returns a lower-case copy for caseless comparison.\nExample: 'ABC'.casefold() -> 'abc'"),
    METHOD("str", "center", m_center, "center(width, fillchar=' ')", "Returns the string centred in a field of `width` characters.\nExample: 'ab'.center(6, '*') -> '**ab**'"),
    METHOD("str", "count", m_count, "count(sub, start=None, end=None)", "Returns the number of non-overlapping occurrences of sub.\nExample: 'banana'.count('an') -> 2"),
    METHOD("str", "endswith", m_endswith, "endswith(suffix, start=None, end=None)", "True when the string ends with suffix (a str or a tuple of str).\nExample: 'model.nns'.endswith('.nns') -> True"),
    METHOD("str", "find", m_find, "find(sub, start=None, end=None)", "Returns the lowest index where sub is found, or -1.\nExample: 'hello'.find('l') -> 2"),
    METHOD("str", "format", m_format, "format(*args, **kwargs)", "Replaces {} fields with the arguments, applying format specs.\nExample: '{} has {:.1f}%'.format('acc', 97.25) -> 'acc has 97.2%'"),
    METHOD("str", "format_map", m_format_map, "format_map(mapping)", "Like format(), with names looked up in mapping.\nExample: '{x}'.format_map({'x': 1}) -> '1'"),
    METHOD("str", "index", m_index, "index(sub, start=None, end=None)", "Like find() but raises ValueError when sub is not found.\nExample: 'hello'.index('e') -> 1"),
    METHOD("str", "isalnum", m_isalnum, "isalnum()", "True when all characters are letters or digits and there is at least one.\nExample: 'abc1'.isalnum() -> True"),
    METHOD("str", "isascii", m_isascii, "isascii()", "True when every character is ASCII (also for '').\nExample: 'abc'.isascii() -> True"),
    METHOD("str", "isidentifier", m_isidentifier, "isidentifier()", "True when the string is a valid identifier.\nExample: 'x_1'.isidentifier() -> True"),
    METHOD("str", "expandtabs", m_expandtabs, "expandtabs(tabsize=8)", "Replaces tabs by spaces up to the next multiple of tabsize.\nExample: 'a\\tb'.expandtabs(4) -> 'a   b'"),
    METHOD("str", "isalpha", m_isalpha, "isalpha()", "True when all characters are letters and there is at least one.\nExample: 'abc'.isalpha() -> True"),
    METHOD("str", "isdecimal", m_isdecimal, "isdecimal()", "True when all characters are decimal digits and there is at least one.\nExample: '42'.isdecimal() -> True"),
    METHOD("str", "isdigit", m_isdigit, "isdigit()", "True when all characters are digits and there is at least one.\nExample: '42'.isdigit() -> True"),
    METHOD("str", "islower", m_islower, "islower()", "True when all cased characters are lower case and there is at least one.\nExample: 'abc'.islower() -> True"),
    METHOD("str", "isnumeric", m_isnumeric, "isnumeric()", "True when all characters are numeric and there is at least one.\nExample: '42'.isnumeric() -> True"),
    METHOD("str", "isspace", m_isspace, "isspace()", "True when all characters are whitespace and there is at least one.\nExample: ' \\t'.isspace() -> True"),
    METHOD("str", "istitle", m_istitle, "istitle()", "True when the string is title-cased.\nExample: 'Hello World'.istitle() -> True"),
    METHOD("str", "isupper", m_isupper, "isupper()", "True when all cased characters are upper case and there is at least one.\nExample: 'ABC'.isupper() -> True"),
    METHOD("str", "join", m_join, "join(iterable)", "Concatenates the strings of iterable with this string between them.\nExample: ', '.join(['a', 'b']) -> 'a, b'"),
    METHOD("str", "ljust", m_ljust, "ljust(width, fillchar=' ')", "Returns the string left-justified in a field of `width` characters.\nExample: 'ab'.ljust(4, '.') -> 'ab..'"),
    METHOD("str", "lower", m_lower, "lower()", "Returns a lower-case copy.\nExample: 'Hello'.lower() -> 'hello'"),
    METHOD("str", "lstrip", m_lstrip, "lstrip(chars=None)", "Removes leading whitespace (or the characters in chars).\nExample: '  hi'.lstrip() -> 'hi'"),
    METHOD("str", "partition", m_partition, "partition(sep)", "Splits at the first sep into (head, sep, tail).\nExample: 'a=b=c'.partition('=') -> ('a', '=', 'b=c')"),
    METHOD("str", "removeprefix", m_removeprefix, "removeprefix(prefix)", "Returns the string without prefix when it starts with it.\nExample: 'test_x'.removeprefix('test_') -> 'x'"),
    METHOD("str", "removesuffix", m_removesuffix, "removesuffix(suffix)", "Returns the string without suffix when it ends with it.\nExample: 'a.nns'.removesuffix('.nns') -> 'a'"),
    METHOD("str", "replace", m_replace, "replace(old, new, count=-1)", "Returns a copy with occurrences of old replaced by new (at most count).\nExample: 'a-b-c'.replace('-', '+') -> 'a+b+c'"),
    METHOD("str", "rfind", m_rfind, "rfind(sub, start=None, end=None)", "Returns the highest index where sub is found, or -1.\nExample: 'hello'.rfind('l') -> 3"),
    METHOD("str", "rindex", m_rindex, "rindex(sub, start=None, end=None)", "Like rfind() but raises ValueError when sub is not found.\nExample: 'hello'.rindex('l') -> 3"),
    METHOD("str", "rjust", m_rjust, "rjust(width, fillchar=' ')", "Returns the string right-justified in a field of `width` characters.\nExample: '7'.rjust(3, '0') -> '007'"),
    METHOD("str", "rpartition", m_rpartition, "rpartition(sep)", "Splits at the last sep into (head, sep, tail).\nExample: 'a=b=c'.rpartition('=') -> ('a=b', '=', 'c')"),
    METHOD("str", "rsplit", m_rsplit, "rsplit(sep=None, maxsplit=-1)", "Like split(), splitting from the right.\nExample: 'a.b.c'.rsplit('.', 1) -> ['a.b', 'c']"),
    METHOD("str", "rstrip", m_rstrip, "rstrip(chars=None)", "Removes trailing whitespace (or the characters in chars).\nExample: 'hi\\n'.rstrip() -> 'hi'"),
    METHOD("str", "split", m_split, "split(sep=None, maxsplit=-1)", "Splits at sep (runs of whitespace when None) into a list.\nExample: 'a b  c'.split() -> ['a', 'b', 'c']"),
    METHOD("str", "splitlines", m_splitlines, "splitlines(keepends=False)", "Splits at line boundaries.\nExample: 'a\\nb\\n'.splitlines() -> ['a', 'b']"),
    METHOD("str", "startswith", m_startswith, "startswith(prefix, start=None, end=None)", "True when the string starts with prefix (a str or a tuple of str).\nExample: 'tf.keras'.startswith('tf') -> True"),
    METHOD("str", "strip", m_strip, "strip(chars=None)", "Removes leading and trailing whitespace (or the characters in chars).\nExample: '  hi  '.strip() -> 'hi'"),
    METHOD("str", "swapcase", m_swapcase, "swapcase()", "Swaps upper and lower case.\nExample: 'aB'.swapcase() -> 'Ab'"),
    METHOD("str", "title", m_title, "title()", "Returns a copy with each word capitalized.\nExample: 'hello world'.title() -> 'Hello World'"),
    METHOD("str", "upper", m_upper, "upper()", "Returns an upper-case copy.\nExample: 'Hello'.upper() -> 'HELLO'"),
    METHOD("str", "zfill", m_zfill, "zfill(width)", "Pads a numeric string with zeros on the left to `width`.\nExample: '-42'.zfill(5) -> '-0042'"),
    {NULL, {NULL, NULL, NULL, NULL}},
};
