/* format_template.c - str.format and str.format_map: "{0.attr[key]!r:>{w}}"
 * fields, automatic and manual numbering, nested fields in the spec, and
 * Python 3.11's error messages.  Each field is formatted by format_value
 * (format.c).
 *
 * Owned by the built-ins engineer.  Depends on value.h and interp.h only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "methods_internal.h"

/* ---- str.format: "{0.attr[key]!r:>{width}}" ---- */

typedef struct Template {
    const Args *a;
    Value mapping;          /* format_map's mapping, or unset */
    int auto_idx;           /* next automatic field number */
    int mode;               /* 0 unknown, 1 automatic, 2 manual */
} Template;

static bool expand(Interp *I, Template *t, const char *f, size_t n, int depth, StrBuf *sb);

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* The argument named by the head of a field: "", "0" or "name" (borrowed). */
static bool field_head(Interp *I, Template *t, const char *s, size_t n, Value *out, Value *owned)
{
    if (n == 0 || all_digits(s, n)) {
        int idx;
        if (n == 0) {
            if (t->mode == 2)
                return interp_error(I, ERR_VALUE, "cannot switch from manual field "
                                    "specification to automatic field numbering");
            t->mode = 1;
            idx = t->auto_idx++;
        } else {
            if (t->mode == 1)
                return interp_error(I, ERR_VALUE, "cannot switch from automatic field "
                                    "numbering to manual field specification");
            t->mode = 2;
            idx = n > 9 ? 1 << 30 : atoi(s);
        }
        if (idx >= t->a->npos)
            return interp_error(I, ERR_INDEX,
                                "Replacement index %d out of range for positional args tuple", idx);
        *out = t->a->pos[idx];
        return true;
    }
    if (t->mapping.kind == VAL_UNSET) {
        for (int i = 0; i < t->a->nkw; i++)
            if (strlen(t->a->kwnames[i]) == n && !memcmp(t->a->kwnames[i], s, n)) {
                *out = t->a->kwvals[i];
                return true;
            }
        return interp_error(I, ERR_KEY, "'%.*s'", (int)n, s);
    }
    Value key;
    if (!str_new(I, s, n, &key))
        return false;
    bool ok = value_getitem(I, t->mapping, key, owned);
    value_decref(key);
    if (ok)
        *out = *owned;
    return ok;
}

/* Applies ".attr" and "[key]" accessors after the head; *v is replaced by
 * an owned value (released by the caller). */
static bool field_rest(Interp *I, const char *s, size_t n, Value *v)
{
    for (size_t i = 0; i < n;) {
        char c = s[i++];
        size_t start = i;
        Value next;
        bool ok;
        if (c == '.') {
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            if (i == start)
                return interp_error(I, ERR_VALUE, "Empty attribute in format string");
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(i - start), s + start);
            ok = value_getattr(I, *v, name, &next);
        } else if (c == '[') {
            while (i < n && s[i] != ']')
                i++;
            if (i >= n)
                return interp_error(I, ERR_VALUE, "Missing ']' in format string");
            Value key;
            if (all_digits(s + start, i - start))
                key = val_int(atoll(s + start));
            else if (!str_new(I, s + start, i - start, &key))
                return false;
            ok = value_getitem(I, *v, key, &next);
            value_decref(key);
            i++;
        } else {
            return interp_error(I, ERR_VALUE,
                                "Only '.' or '[' may follow ']' in format field specifier");
        }
        if (!ok)
            return false;
        value_decref(*v);
        *v = next;
    }
    return true;
}

/* One replacement field (the text between the braces). */
static bool field(Interp *I, Template *t, const char *s, size_t n, int depth, StrBuf *sb)
{
    size_t i = 0, bracket = 0;
    for (; i < n; i++) {
        if (s[i] == '[') bracket++;
        else if (s[i] == ']' && bracket) bracket--;
        else if (!bracket && (s[i] == '!' || s[i] == ':')) break;
    }
    size_t name_end = i, head = 0;
    while (head < name_end && s[head] != '.' && s[head] != '[')
        head++;
    char conv = 0;
    if (i < n && s[i] == '!') {
        if (i + 1 >= n)
            return interp_error(I, ERR_VALUE, "end of string while looking for conversion specifier");
        conv = s[i + 1];
        i += 2;
        if (i < n && s[i] != ':')
            return interp_error(I, ERR_VALUE, "expected ':' after conversion specifier");
        if (!strchr("rsa", conv))
            return interp_error(I, ERR_VALUE, "Unknown conversion specifier %c", conv);
    }
    const char *spec = i < n ? s + i + 1 : s + n;
    size_t speclen = i < n ? n - i - 1 : 0;
    Value owned = {VAL_UNSET, {0}}, v;
    if (!field_head(I, t, s, head, &v, &owned))
        return false;
    if (owned.kind == VAL_UNSET)
        value_incref(v);
    StrBuf sp, cv;
    sb_init(&sp);
    sb_init(&cv);
    bool ok = field_rest(I, s + head, name_end - head, &v) &&
              expand(I, t, spec, speclen, depth + 1, &sp);
    if (ok && conv) {
        ok = format_convert(I, v, conv, &cv);
        if (ok)
            ok = format_str_spec(I, cv.data ? cv.data : "", cv.len, sp.data ? sp.data : "", sp.len, sb);
    } else if (ok) {
        ok = format_value(I, v, sp.data ? sp.data : "", sp.len, sb);
    }
    value_decref(v);
    sb_free(&sp);
    sb_free(&cv);
    return ok;
}

static bool expand(Interp *I, Template *t, const char *f, size_t n, int depth, StrBuf *sb)
{
    if (depth > 2)
        return interp_error(I, ERR_VALUE, "Max string recursion exceeded");
    for (size_t i = 0; i < n;) {
        char c = f[i];
        if (c == '}') {
            if (i + 1 < n && f[i + 1] == '}') {
                sb_putc(sb, '}');
                i += 2;
                continue;
            }
            return interp_error(I, ERR_VALUE, "Single '}' encountered in format string");
        }
        if (c != '{') {
            sb_putc(sb, c);
            i++;
            continue;
        }
        if (i + 1 < n && f[i + 1] == '{') {
            sb_putc(sb, '{');
            i += 2;
            continue;
        }
        size_t j = i + 1, level = 1;
        for (; j < n; j++) {
            if (f[j] == '{') level++;
            else if (f[j] == '}' && --level == 0) break;
        }
        if (j >= n)
            return interp_error(I, ERR_VALUE, level > 1 || i + 1 < n
                                ? "expected '}' before end of string"
                                : "Single '{' encountered in format string");
        if (!field(I, t, f + i + 1, j - i - 1, depth, sb))
            return false;
        i = j + 1;
    }
    return true;
}

bool format_template(Interp *I, const char *fmt, size_t len, const Args *a, Value mapping,
                     StrBuf *sb)
{
    Template t = {a, mapping, 0, 0};
    return expand(I, &t, fmt, len, 0, sb);
}
