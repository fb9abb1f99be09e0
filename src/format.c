/* format.c - Python's number and string formatting: float repr, the
 * format-spec mini-language (format(), f-strings, str.format) and the
 * printf-style `%` operator (str.format's templates are in format_template.c).
 *
 * Owned by the built-ins engineer.  Depends on value.h/interp.h only.  The
 * digits of floats come from the C library's correctly rounded printf
 * (glibc prints the exact binary value, rounding half to even), then are
 * laid out with CPython's rules (Python/pystrtod.c format_float_short), so
 * repr(), format() and % agree with Python 3.11 byte for byte.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "methods_internal.h"
#include "bigint.h"

/* A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.prec][type]. */
typedef struct FmtSpec {
    char fill[5];
    int filllen;
    char align;         /* '<' '>' '^' '=' */
    char sign;          /* '+' '-' ' ' or 0 */
    bool z, alt;
    int64_t width;      /* -1: none */
    char group;         /* ',' '_' or 0 */
    int64_t prec;       /* -1: none */
    char type;          /* 0: none */
} FmtSpec;

/* ---- digits of a double ---- */

/* The decimal digits of |x| (finite, nonzero or zero) correctly rounded to
 * `prec` significant digits (1..120): digits[] without dot, *decpt = position
 * of the decimal point (x = 0.d1d2... * 10^decpt).  Returns the digit count.
 * digits must hold prec + 1 bytes. */
static int float_digits(double x, int prec, char *digits, int *decpt)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%.*e", prec - 1, fabs(x));
    int n = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p))
            digits[n++] = *p;
    digits[n] = '\0';
    *decpt = atoi(p + 1) + 1;
    return n;
}

/* The shortest digits that read back as x (Python's repr). */
static int float_shortest(double x, char *digits, int *decpt)
{
    for (int prec = 1; prec < 17; prec++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.*e", prec - 1, x);
        if (strtod(buf, NULL) == x)
            return float_digits(x, prec, digits, decpt);
    }
    return float_digits(x, 17, digits, decpt);
}

static int strip_zeros(char *digits, int n)
{
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    return n;
}

/* Lays out digits as CPython does: positional or d.ddde+XX.  `add_dot0`
 * appends ".0" to an integral positional result; `alt` keeps a bare dot. */
static void layout_digits(StrBuf *sb, const char *d, int nd, int decpt, bool use_exp,
                          bool add_dot0, bool alt, bool upper)
{
    if (use_exp) {
        int e = decpt - 1;
        sb_putc(sb, d[0]);
        if (nd > 1) {
            sb_putc(sb, '.');
            sb_append(sb, d + 1, nd - 1);
        } else if (alt) {
            sb_putc(sb, '.');
        }
        sb_printf(sb, "%c%c%02d", upper ? 'E' : 'e', e < 0 ? '-' : '+', abs(e));
        return;
    }
    if (decpt <= 0) {
        sb_puts(sb, "0.");
        for (int i = 0; i < -decpt; i++)
            sb_putc(sb, '0');
        sb_append(sb, d, nd);
    } else if (decpt >= nd) {
        sb_append(sb, d, nd);
        for (int i = nd; i < decpt; i++)
            sb_putc(sb, '0');
        if (add_dot0)
            sb_puts(sb, ".0");
        else if (alt)
            sb_putc(sb, '.');
    } else {
        sb_append(sb, d, decpt);
        sb_putc(sb, '.');
        sb_append(sb, d + decpt, nd - decpt);
    }
}

void format_float_repr(double f, StrBuf *sb)
{
    if (isnan(f)) {
        sb_puts(sb, "nan");
        return;
    }
    if (isinf(f)) {
        sb_puts(sb, f < 0 ? "-inf" : "inf");
        return;
    }
    if (signbit(f))
        sb_putc(sb, '-');
    char d[48];
    int decpt;
    int nd = strip_zeros(d, float_shortest(f, d, &decpt));
    if (f == 0) {
        decpt = 1;
        nd = 1;
    }
    layout_digits(sb, d, nd, decpt, decpt <= -4 || decpt > 16, true, false, false);
}

/* The body of |x| (no sign) for a float presentation type: 'e' 'E' 'f' 'F'
 * 'g' 'G' 'n' '%' or 'r' (repr) or '\0' (no type: repr, or 'g'-like with at
 * least one decimal when a precision is given).  prec < 0: the default. */
static void fmt_float_body(double x, char type, int prec, bool alt, StrBuf *sb)
{
    bool upper = type == 'E' || type == 'F' || type == 'G';
    if (type == '%')
        x *= 100;
    if (!isfinite(x)) {
        sb_puts(sb, isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
        if (type == '%')
            sb_putc(sb, '%');
        return;
    }
    x = fabs(x);
    if (type == 'r' || (type == '\0' && prec < 0)) {
        if (!alt || x == 0) {
            format_float_repr(x, sb);
            return;
        }
        char d[48];
        int decpt;
        int nd = strip_zeros(d, float_shortest(x, d, &decpt));
        layout_digits(sb, d, nd, decpt, decpt <= -4 || decpt > 16, true, true, false);
        return;
    }
    if (type == '\0') {
        char d[128];
        int decpt, p = prec == 0 ? 1 : prec > 120 ? 120 : (int)prec;
        int nd = float_digits(x, p, d, &decpt);
        if (!alt)
            nd = strip_zeros(d, nd);
        if (x == 0)
            decpt = 1;
        layout_digits(sb, d, nd, decpt, decpt <= -4 || decpt > p - 1, true, alt, false);
        return;
    }
    if (type == 'g' || type == 'G' || type == 'n') {
        /* laid out here: glibc's "%#g" drops a zero when rounding carries */
        char d[128];
        int decpt, p = prec < 0 ? 6 : prec == 0 ? 1 : prec > 120 ? 120 : (int)prec;
        int nd = float_digits(x, p, d, &decpt);
        if (x == 0)
            decpt = 1;
        if (!alt)
            nd = strip_zeros(d, nd);
        bool use_exp = decpt - 1 < -4 || decpt - 1 >= p;
        layout_digits(sb, d, nd, decpt, use_exp, false, alt, upper);
        return;
    }
    char conv = type == '%' ? 'f' : type;
    char cfmt[8] = "%";
    if (alt)
        strcat(cfmt, "#");
    strcat(cfmt, ".*");
    size_t k = strlen(cfmt);
    cfmt[k] = conv;
    cfmt[k + 1] = '\0';
    if (prec < 0)
        prec = 6;
    if (prec > 1000)
        prec = 1000;
    int n = snprintf(NULL, 0, cfmt, prec, x);
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        sb->oom = true;
        return;
    }
    snprintf(buf, (size_t)n + 1, cfmt, prec, x);
    sb_append(sb, buf, (size_t)n);
    free(buf);
    if (type == '%')
        sb_putc(sb, '%');
}

/* ---- the format-spec mini-language ---- */

static size_t fmt_utf8_len(const char *s, size_t n)
{
    size_t cps = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cps++;
    return cps;
}

/* Byte length of the UTF-8 character starting at s (at most n). */
static size_t utf8_char_len(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

static bool is_align(char c)
{
    return c == '<' || c == '>' || c == '^' || c == '=';
}

static bool read_number(Interp *I, const char *s, size_t n, size_t *pos, int64_t *out)
{
    int64_t v = 0;
    size_t start = *pos;
    while (*pos < n && isdigit((unsigned char)s[*pos])) {
        if (v > 100000000) {
            interp_error(I, ERR_VALUE, "Too many decimal digits in format string");
            return false;
        }
        v = v * 10 + (s[(*pos)++] - '0');
    }
    *out = *pos > start ? v : -1;
    return true;
}

static bool spec_invalid(Interp *I, const char *spec, size_t len, const char *tname)
{
    return interp_error(I, ERR_VALUE, "Invalid format specifier '%.*s' for object of type '%s'",
                        (int)len, spec, tname);
}

/* Parses spec (CPython's parse_internal_render_format_spec).  `def_align`
 * is '>' for numbers and '<' for strings; `tname` names the type in errors. */
static bool fmt_spec_parse(Interp *I, const char *spec, size_t len, char def_align,
                           char def_type, const char *tname, FmtSpec *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->fill[0] = ' ';
    fs->filllen = 1;
    fs->width = -1;
    fs->prec = -1;
    size_t pos = 0;
    bool fill_given = false;
    size_t c1 = len ? utf8_char_len(spec, len) : 0;
    if (len > c1 && is_align(spec[c1])) {
        memcpy(fs->fill, spec, c1);
        fs->filllen = (int)c1;
        fs->align = spec[c1];
        fill_given = true;
        pos = c1 + 1;
    } else if (len && is_align(spec[0])) {
        fs->align = spec[0];
        pos = 1;
    }
    if (pos < len && (spec[pos] == '+' || spec[pos] == '-' || spec[pos] == ' '))
        fs->sign = spec[pos++];
    if (pos < len && spec[pos] == 'z') {
        fs->z = true;
        pos++;
    }
    if (pos < len && spec[pos] == '#') {
        fs->alt = true;
        pos++;
    }
    if (pos < len && spec[pos] == '0' && !fill_given) {
        fs->fill[0] = '0';
        fs->filllen = 1;
        if (!fs->align && def_align == '>')
            fs->align = '=';
        pos++;
    }
    if (!read_number(I, spec, len, &pos, &fs->width))
        return false;
    if (pos < len && (spec[pos] == ',' || spec[pos] == '_'))
        fs->group = spec[pos++];
    if (pos < len && (spec[pos] == ',' || spec[pos] == '_'))
        return interp_error(I, ERR_VALUE, "Cannot specify both ',' and '_'.");
    if (pos < len && spec[pos] == '.') {
        pos++;
        if (!read_number(I, spec, len, &pos, &fs->prec))
            return false;
        if (fs->prec < 0)
            return interp_error(I, ERR_VALUE, "Format specifier missing precision");
    }
    if (len - pos > 1)
        return spec_invalid(I, spec, len, tname);
    fs->type = len - pos == 1 ? spec[pos] : def_type;
    if (!fs->align)
        fs->align = def_align;
    if (fs->group) {
        const char *ok = fs->group == ',' ? "defgEG%F" : "defgEG%FboxX";
        if (fs->type && !strchr(ok, fs->type))
            return interp_error(I, ERR_VALUE, "Cannot specify '%c' with '%c'.", fs->group, fs->type);
    }
    return true;
}

static void put_fill(StrBuf *sb, const FmtSpec *fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_append(sb, fs->fill, (size_t)fs->filllen);
}

/* Writes text padded to fs->width with fs->fill and fs->align ('=' pads
 * after the first `signlen` bytes).  Width counts characters. */
static void fmt_pad(StrBuf *sb, const FmtSpec *fs, const char *text, size_t n, size_t signlen)
{
    size_t cps = fmt_utf8_len(text, n);
    size_t pad = fs->width > 0 && (size_t)fs->width > cps ? (size_t)fs->width - cps : 0;
    size_t left = 0;
    switch (fs->align) {
    case '<': left = 0; break;
    case '^': left = pad / 2; break;
    case '=':
        sb_append(sb, text, signlen);
        put_fill(sb, fs, pad);
        sb_append(sb, text + signlen, n - signlen);
        return;
    default: left = pad; break;
    }
    put_fill(sb, fs, left);
    sb_append(sb, text, n);
    put_fill(sb, fs, pad - left);
}

/* Assembles sign + prefix + grouped integer digits + rest and pads.  With
 * fill '0' and '=' alignment, zeros (and separators) widen the digits as
 * CPython does: format(1234, '08,') == '0,001,234'. */
static void emit_number(StrBuf *sb, const FmtSpec *fs, const char *sign, const char *prefix,
                        const char *digits, size_t nd, const char *rest, int gsize)
{
    StrBuf t;
    sb_init(&t);
    sb_puts(&t, sign);
    sb_puts(&t, prefix);
    size_t head = t.len;
    size_t fixed = head + strlen(rest);
    size_t nz = nd;
    if (fs->fill[0] == '0' && fs->filllen == 1 && fs->align == '=' && fs->width > 0 && nd > 0) {
        for (;;) {
            size_t glen = nz + (fs->group && nz ? (nz - 1) / (size_t)gsize : 0);
            if (glen + fixed >= (size_t)fs->width)
                break;
            nz++;
        }
    }
    for (size_t i = 0; i < nz; i++) {
        size_t left = nz - i;   /* digits from here to the end */
        if (fs->group && i > 0 && left % (size_t)gsize == 0)
            sb_putc(&t, fs->group);
        sb_putc(&t, i < nz - nd ? '0' : digits[i - (nz - nd)]);
    }
    sb_puts(&t, rest);
    fmt_pad(sb, fs, t.data ? t.data : "", t.len, head);
    if (t.oom)
        sb->oom = true;
    sb_free(&t);
}

static const char *sign_str(bool neg, char sign)
{
    if (neg)
        return "-";
    return sign == '+' ? "+" : sign == ' ' ? " " : "";
}

/* A float with a parsed spec (type already checked). */
static void fmt_float_spec(double x, const FmtSpec *fs, StrBuf *sb)
{
    StrBuf body;
    sb_init(&body);
    fmt_float_body(x, fs->type, fs->prec, fs->alt, &body);
    const char *b = body.data ? body.data : "";
    bool neg = signbit(x) && !isnan(x);
    if (neg && fs->z) {
        const char *e = b + strcspn(b, "eE%");
        if (strspn(b, "0.") >= (size_t)(e - b))
            neg = false;
    }
    size_t nd = strspn(b, "0123456789");
    emit_number(sb, fs, sign_str(neg, fs->sign), "", b, nd, b + nd, 3);
    sb_free(&body);
}

static void utf8_encode(StrBuf *sb, uint32_t cp)
{
    char b[4];
    int n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | (cp >> 6 & 63));
        b[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | (cp >> 12 & 63));
        b[2] = (char)(0x80 | (cp >> 6 & 63)); b[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    sb_append(sb, b, (size_t)n);
}

/* Digits of |v| in base 2/8/10/16 into buf (no sign); returns the count. */
static size_t int_digits(int64_t v, int base, bool upper, char *buf)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[70];
    size_t n = 0;
    do {
        tmp[n++] = dig[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

static bool fmt_int_spec(Interp *I, int64_t v, const char *tname, const FmtSpec *fs, StrBuf *sb)
{
    char t = fs->type;
    if (t && strchr("eEfFgG%", t)) {
        fmt_float_spec((double)v, fs, sb);
        return true;
    }
    if (t && !strchr("dnbcoxX", t))
        return interp_error(I, ERR_VALUE, "Unknown format code '%c' for object of type '%s'", t,
                            tname);
    if (fs->prec >= 0)
        return interp_error(I, ERR_VALUE, "Precision not allowed in integer format specifier");
    if (fs->z)
        return interp_error(I, ERR_VALUE,
                            "Negative zero coercion (z) not allowed in integer format specifier");
    if (t == 'c') {
        if (fs->sign)
            return interp_error(I, ERR_VALUE, "Sign not allowed with integer format specifier 'c'");
        if (fs->alt)
            return interp_error(I, ERR_VALUE,
                                "Alternate form (#) not allowed with integer format specifier 'c'");
        if (v < 0 || v > 0x10FFFF)
            return interp_error(I, ERR_OVERFLOW, "%%c arg not in range(0x110000)");
        StrBuf c;
        sb_init(&c);
        utf8_encode(&c, (uint32_t)v);
        fmt_pad(sb, fs, c.data, c.len, 0);
        sb_free(&c);
        return true;
    }
    int base = t == 'b' ? 2 : t == 'o' ? 8 : (t == 'x' || t == 'X') ? 16 : 10;
    const char *prefix = "";
    if (fs->alt && base != 10)
        prefix = t == 'b' ? "0b" : t == 'o' ? "0o" : t == 'x' ? "0x" : "0X";
    char digits[72];
    size_t nd = int_digits(v, base, t == 'X', digits);
    emit_number(sb, fs, sign_str(v < 0, fs->sign), prefix, digits, nd, "", base == 10 ? 3 : 4);
    return true;
}

/* An int beyond int64 with a parsed spec: as fmt_int_spec, digits by GMP. */
static bool fmt_big_spec(Interp *I, Value v, const FmtSpec *fs, StrBuf *sb)
{
    char t = fs->type;
    if (t && strchr("eEfFgG%", t)) {
        double d;
        if (!bigint_to_double(I, v, &d))
            return false;
        fmt_float_spec(d, fs, sb);
        return true;
    }
    if ((t && !strchr("dnbcoxX", t)) || fs->prec >= 0 || fs->z)
        return fmt_int_spec(I, 0, "int", fs, sb);     /* its error messages */
    if (t == 'c')
        return interp_error(I, ERR_OVERFLOW, "Python int too large to convert to C long");
    int base = t == 'b' ? 2 : t == 'o' ? 8 : (t == 'x' || t == 'X') ? 16 : 10;
    const char *prefix = "";
    if (fs->alt && base != 10)
        prefix = t == 'b' ? "0b" : t == 'o' ? "0o" : t == 'x' ? "0x" : "0X";
    StrBuf d;
    sb_init(&d);
    if (!bigint_digits(I, v, base, t == 'X', &d)) {
        sb_free(&d);
        return false;
    }
    emit_number(sb, fs, sign_str(bigint_sign(v) < 0, fs->sign), prefix, d.data ? d.data : "",
                d.len, "", base == 10 ? 3 : 4);
    sb_free(&d);
    return true;
}

static bool fmt_str_spec(Interp *I, const char *s, size_t n, const FmtSpec *fs, StrBuf *sb)
{
    if (fs->type && fs->type != 's')
        return interp_error(I, ERR_VALUE, "Unknown format code '%c' for object of type 'str'",
                            fs->type);
    if (fs->sign)
        return interp_error(I, ERR_VALUE, "%s not allowed in string format specifier",
                            fs->sign == ' ' ? "Space" : "Sign");
    if (fs->z)
        return interp_error(I, ERR_VALUE,
                            "Negative zero coercion (z) not allowed in string format specifier");
    if (fs->alt)
        return interp_error(I, ERR_VALUE, "Alternate form (#) not allowed in string format specifier");
    if (fs->align == '=')
        return interp_error(I, ERR_VALUE, "'=' alignment not allowed in string format specifier");
    if (fs->group)
        return interp_error(I, ERR_VALUE, "Cannot specify '%c' with 's'.", fs->group);
    size_t len = n;
    if (fs->prec >= 0) {
        size_t cps = 0;
        for (len = 0; len < n; len++) {
            if (((unsigned char)s[len] & 0xC0) != 0x80) {
                if (cps == (size_t)fs->prec)
                    break;
                cps++;
            }
        }
    }
    fmt_pad(sb, fs, s, len, 0);
    return true;
}

static bool fmt_float_value(Interp *I, double x, const char *spec, size_t len, StrBuf *sb)
{
    FmtSpec fs;
    if (!fmt_spec_parse(I, spec, len, '>', '\0', "float", &fs))
        return false;
    if (fs.type && !strchr("eEfFgGn%", fs.type))
        return interp_error(I, ERR_VALUE, "Unknown format code '%c' for object of type 'float'",
                            fs.type);
    fmt_float_spec(x, &fs, sb);
    return true;
}

static bool fmt_int_value(Interp *I, int64_t v, const char *spec, size_t len, const char *tname,
                          StrBuf *sb)
{
    FmtSpec fs;
    if (!fmt_spec_parse(I, spec, len, '>', 'd', tname, &fs))
        return false;
    return fmt_int_spec(I, v, tname, &fs, sb);
}

bool format_str_spec(Interp *I, const char *s, size_t n, const char *spec, size_t len,
                     StrBuf *sb)
{
    FmtSpec fs;
    if (!fmt_spec_parse(I, spec, len, '<', 's', "str", &fs))
        return false;
    return fmt_str_spec(I, s, n, &fs, sb);
}

/* A native object (a scalar tensor, a numpy scalar) formats as its number
 * when the spec asks for one; otherwise as its str(). */
static bool fmt_native(Interp *I, Value v, const char *spec, size_t len, StrBuf *sb)
{
    const NativeClass *cls = ((ObjNativeObj *)v.as.o)->cls;
    char t = len ? spec[len - 1] : '\0';
    if (cls->to_int && t && strchr("dbcoxX", t)) {
        int64_t i;
        if (!cls->to_int(I, v, &i))
            return false;
        return fmt_int_value(I, i, spec, len, "int", sb);
    }
    if (cls->to_float && !(t == 's')) {
        double d;
        if (cls->to_float(I, v, &d))
            return fmt_float_value(I, d, spec, len, sb);
        interp_clear_error(I);
    }
    StrBuf s;
    sb_init(&s);
    bool ok = value_str(I, v, &s) && format_str_spec(I, s.data ? s.data : "", s.len, spec, len, sb);
    sb_free(&s);
    return ok;
}

/* An instance of a user class: its __format__(spec) when it defines one. */
static bool fmt_instance(Interp *I, Value v, const char *spec, size_t len, StrBuf *sb)
{
    Value fn, arg, r;
    if (!value_getattr(I, v, "__format__", &fn)) {
        if (interp_error_kind(I) != ERR_ATTRIBUTE)
            return false;
        interp_clear_error(I);
        return interp_error(I, ERR_TYPE, "unsupported format string passed to %s.__format__",
                            value_type_name(v));
    }
    bool ok = str_new(I, spec, len, &arg);
    if (ok) {
        ok = interp_call(I, fn, 1, &arg, &r);
        value_decref(arg);
    }
    value_decref(fn);
    if (!ok)
        return false;
    if (!val_is_obj(r, OBJ_STR)) {
        value_decref(r);
        return interp_error(I, ERR_TYPE, "__format__ must return a str, not %s",
                            value_type_name(r));
    }
    sb_append(sb, str_cstr(r), as_str(r)->len);
    value_decref(r);
    return true;
}

bool format_value(Interp *I, Value v, const char *spec, size_t speclen, StrBuf *sb)
{
    if (bigint_is(v) && speclen) {
        FmtSpec fs;
        return fmt_spec_parse(I, spec, speclen, '>', 'd', "int", &fs) &&
               fmt_big_spec(I, v, &fs, sb);
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ)) {
        const NativeClass *cls = ((ObjNativeObj *)v.as.o)->cls;
        bool handled = false;
        if (cls->format && !cls->format(I, v, spec, speclen, sb, &handled))
            return false;
        if (handled)
            return true;
    }
    if (speclen == 0)
        return value_str(I, v, sb);
    switch (v.kind) {
    case VAL_BOOL:
        return fmt_int_value(I, v.as.b, spec, speclen, "bool", sb);
    case VAL_INT:
        return fmt_int_value(I, v.as.i, spec, speclen, "int", sb);
    case VAL_FLOAT:
        return fmt_float_value(I, v.as.f, spec, speclen, sb);
    case VAL_OBJ:
        if (v.as.o->kind == OBJ_STR)
            return format_str_spec(I, as_str(v)->chars, as_str(v)->len, spec, speclen, sb);
        if (v.as.o->kind == OBJ_NATIVE_OBJ)
            return fmt_native(I, v, spec, speclen, sb);
        if (v.as.o->kind == OBJ_INSTANCE)
            return fmt_instance(I, v, spec, speclen, sb);
        break;
    default:
        break;
    }
    return interp_error(I, ERR_TYPE, "unsupported format string passed to %s.__format__",
                        v.kind == VAL_NONE ? "NoneType" : value_type_name(v));
}

/* ---- ascii(): repr with non-ASCII characters escaped ---- */

/* Decodes one UTF-8 character at s (n bytes left); returns its length. */
static size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
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

static void ascii_escape(const char *s, size_t n, StrBuf *sb)
{
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            sb_putc(sb, s[i++]);
            continue;
        }
        uint32_t cp;
        i += utf8_decode(s + i, n - i, &cp);
        if (cp < 0x100)
            sb_printf(sb, "\\x%02x", (unsigned)cp);
        else if (cp < 0x10000)
            sb_printf(sb, "\\u%04x", (unsigned)cp);
        else
            sb_printf(sb, "\\U%08x", (unsigned)cp);
    }
}

/* Writes str(v) ('s'), repr(v) ('r') or ascii(v) ('a') to sb. */
bool format_convert(Interp *I, Value v, char conv, StrBuf *sb)
{
    if (conv == 's')
        return value_str(I, v, sb);
    if (conv == 'r')
        return value_repr(I, v, sb);
    StrBuf t;
    sb_init(&t);
    bool ok = value_repr(I, v, &t);
    if (ok)
        ascii_escape(t.data ? t.data : "", t.len, sb);
    sb_free(&t);
    return ok;
}

/* ---- printf-style formatting: fmt % args ---- */

typedef struct PctState {
    const Value *items;     /* the positional arguments */
    size_t n, idx;
    Value dict;             /* unset unless args is a dict */
} PctState;

static bool pct_next(Interp *I, PctState *st, Value *out)
{
    if (st->idx >= st->n)
        return interp_error(I, ERR_TYPE, "not enough arguments for format string");
    *out = st->items[st->idx++];
    return true;
}

/* Reads "(key)" at fmt[*pos] (after the '(') and looks it up; *owned gets
 * the reference to release. */
static bool pct_key(Interp *I, PctState *st, const char *f, size_t n, size_t *pos, Value *owned)
{
    size_t start = *pos, depth = 1;
    while (*pos < n && depth) {
        if (f[*pos] == '(')
            depth++;
        else if (f[*pos] == ')')
            depth--;
        (*pos)++;
    }
    if (depth)
        return interp_error(I, ERR_VALUE, "incomplete format key");
    if (st->dict.kind == VAL_UNSET)
        return interp_error(I, ERR_TYPE, "format requires a mapping");
    Value key;
    if (!str_new(I, f + start, *pos - 1 - start, &key))
        return false;
    bool found;
    bool ok = dict_get(I, st->dict, key, owned, &found);
    value_decref(key);
    if (ok && !found)
        return interp_error(I, ERR_KEY, "'%.*s'", (int)(*pos - 1 - start), f + start);
    st->idx = st->n;    /* a mapped spec ends positional arguments, as in CPython */
    return ok;
}

/* Reads a width or precision: digits or '*' (taken from the arguments). */
static bool pct_num(Interp *I, PctState *st, const char *f, size_t n, size_t *pos, int64_t *out)
{
    if (*pos < n && f[*pos] == '*') {
        (*pos)++;
        Value v = {VAL_UNSET, {0}};
        if (!pct_next(I, st, &v))
            return false;
        if (v.kind != VAL_INT && v.kind != VAL_BOOL)
            return interp_error(I, ERR_TYPE, "* wants int");
        *out = v.kind == VAL_INT ? v.as.i : v.as.b;
        return true;
    }
    return read_number(I, f, n, pos, out);
}

static bool is_number(Value v)
{
    return v.kind == VAL_INT || v.kind == VAL_BOOL || v.kind == VAL_FLOAT;
}

static const char *type_name_of(Value v)
{
    return v.kind == VAL_NONE ? "NoneType" : value_type_name(v);
}

/* %d %x %o of an int beyond int64. */
static bool pct_big(Interp *I, char c, Value v, FmtSpec *fs, int64_t prec, StrBuf *sb)
{
    int base = c == 'o' ? 8 : (c == 'x' || c == 'X') ? 16 : 10;
    StrBuf d;
    sb_init(&d);
    (void)prec;                 /* a big int has more digits than any precision asks */
    if (!bigint_digits(I, v, base, c == 'X', &d)) {
        sb_free(&d);
        return false;
    }
    const char *prefix = "";
    if (fs->alt && base != 10)
        prefix = c == 'o' ? "0o" : c == 'x' ? "0x" : "0X";
    emit_number(sb, fs, sign_str(bigint_sign(v) < 0, fs->sign), prefix, d.data ? d.data : "",
                d.len, "", 3);
    sb_free(&d);
    return true;
}

/* %d %i %u %x %X %o with the flags in fs. */
static bool pct_int(Interp *I, char c, Value v, FmtSpec *fs, int64_t prec, StrBuf *sb)
{
    int64_t i;
    bool integral = v.kind == VAL_INT || v.kind == VAL_BOOL || val_is_obj(v, OBJ_NATIVE_OBJ);
    if (v.kind == VAL_FLOAT && strchr("diu", c)) {
        if (!isfinite(v.as.f))
            return interp_error(I, isnan(v.as.f) ? ERR_VALUE : ERR_OVERFLOW,
                                "cannot convert float %s to integer",
                                isnan(v.as.f) ? "NaN" : "infinity");
        if (fabs(v.as.f) >= 9.2233720368547758e18) {
            char big[400];   /* an integral double prints exactly */
            int nb = snprintf(big, sizeof big, "%.0f", trunc(fabs(v.as.f)));
            emit_number(sb, fs, sign_str(v.as.f < 0, fs->sign), "", big, (size_t)nb, "", 3);
            return true;
        }
        i = (int64_t)v.as.f;
    } else if (bigint_is(v)) {
        return pct_big(I, c, v, fs, prec, sb);
    } else if (integral) {
        if (!value_to_int(I, v, &i))
            return false;
    } else if (strchr("diu", c)) {
        return interp_error(I, ERR_TYPE, "%%%c format: a real number is required, not %s",
                            c, type_name_of(v));
    } else {
        return interp_error(I, ERR_TYPE, "%%%c format: an integer is required, not %s",
                            c, type_name_of(v));
    }
    int base = c == 'o' ? 8 : (c == 'x' || c == 'X') ? 16 : 10;
    char digits[160];
    char raw[72];
    size_t nr = int_digits(i, base, c == 'X', raw), nd = 0;
    if (prec > 80)
        prec = 80;
    for (; prec > 0 && (size_t)prec > nr + nd; )
        digits[nd++] = '0';
    memcpy(digits + nd, raw, nr + 1);
    nd += nr;
    const char *prefix = "";
    if (fs->alt && base != 10)
        prefix = c == 'o' ? "0o" : c == 'x' ? "0x" : "0X";
    emit_number(sb, fs, sign_str(i < 0, fs->sign), prefix, digits, nd, "", 3);
    return true;
}

static bool pct_float(Interp *I, char c, Value v, FmtSpec *fs, StrBuf *sb)
{
    double x;
    if (v.kind == VAL_FLOAT)
        x = v.as.f;
    else if (is_number(v) || val_is_obj(v, OBJ_NATIVE_OBJ)) {
        if (!value_to_float(I, v, &x))
            return false;
    } else
        return interp_error(I, ERR_TYPE, "must be real number, not %s", type_name_of(v));
    fs->type = c;
    if (fs->prec < 0)
        fs->prec = 6;
    fmt_float_spec(x, fs, sb);
    return true;
}

static bool pct_char(Interp *I, Value v, FmtSpec *fs, StrBuf *sb)
{
    StrBuf t;
    sb_init(&t);
    if (bigint_is(v))
        return interp_error(I, ERR_OVERFLOW, "%%c arg not in range(0x110000)");
    if (v.kind == VAL_INT || v.kind == VAL_BOOL) {
        int64_t c = v.kind == VAL_INT ? v.as.i : v.as.b;
        if (c < 0 || c > 0x10FFFF)
            return interp_error(I, ERR_OVERFLOW, "%%c arg not in range(0x110000)");
        utf8_encode(&t, (uint32_t)c);
    } else if (val_is_obj(v, OBJ_STR) && fmt_utf8_len(str_cstr(v), as_str(v)->len) == 1) {
        sb_append(&t, str_cstr(v), as_str(v)->len);
    } else {
        return interp_error(I, ERR_TYPE, "%%c requires int or char");
    }
    fmt_pad(sb, fs, t.data, t.len, 0);
    sb_free(&t);
    return true;
}

static bool pct_text(Interp *I, char c, Value v, FmtSpec *fs, StrBuf *sb)
{
    StrBuf t;
    sb_init(&t);
    bool ok = format_convert(I, v, c, &t);
    if (ok) {
        fs->type = 0;
        fs->sign = 0;
        fs->alt = fs->z = false;
        fs->fill[0] = ' ';
        if (fs->align == '=')
            fs->align = '>';
        ok = fmt_str_spec(I, t.data ? t.data : "", t.len, fs, sb);
    }
    sb_free(&t);
    return ok;
}

/* Formats one conversion; *pos is just past the '%'. */
static bool pct_one(Interp *I, PctState *st, const char *f, size_t n, size_t *pos, StrBuf *sb)
{
    Value owned = {VAL_UNSET, {0}}, v = owned;
    size_t start = *pos;
    FmtSpec fs;
    bool ok = false, left = false, zero = false;
    memset(&fs, 0, sizeof fs);
    fs.fill[0] = ' ';
    fs.filllen = 1;
    fs.width = fs.prec = -1;
    if (*pos < n && f[*pos] == '(') {
        (*pos)++;
        if (!pct_key(I, st, f, n, pos, &owned))
            return false;
    }
    for (; *pos < n && strchr("-+ #0", f[*pos]); (*pos)++) {
        char c = f[*pos];
        if (c == '-') left = true;
        else if (c == '0') zero = true;
        else if (c == '#') fs.alt = true;
        else if (c == '+' || fs.sign != '+') fs.sign = c;
    }
    if (!pct_num(I, st, f, n, pos, &fs.width))
        goto done;
    if (fs.width < -1) {
        left = true;
        fs.width = -fs.width;
    }
    if (*pos < n && f[*pos] == '.') {
        (*pos)++;
        if (!pct_num(I, st, f, n, pos, &fs.prec))
            goto done;
        if (fs.prec < 0)
            fs.prec = 0;
    }
    while (*pos < n && strchr("hlL", f[*pos]))
        (*pos)++;
    if (*pos >= n) {
        interp_error(I, ERR_VALUE, "incomplete format");
        goto done;
    }
    char c = f[(*pos)++];
    if (c == '%' && *pos - start != 1) {
        interp_error(I, ERR_VALUE, "unsupported format character '%%' (0x25) at index %zu",
                     *pos - 1);
        goto done;
    }
    if (c == '%') {
        sb_putc(sb, '%');
        ok = true;
        goto done;
    }
    if (owned.kind != VAL_UNSET)
        v = owned;
    else if (!pct_next(I, st, &v))
        goto done;
    fs.align = left ? '<' : (zero ? '=' : '>');
    if (zero && !left)
        fs.fill[0] = '0';
    if (strchr("diuxXo", c)) {
        int64_t prec = fs.prec;
        fs.prec = -1;
        ok = pct_int(I, c, v, &fs, prec, sb);
    } else if (strchr("eEfFgG", c)) {
        ok = pct_float(I, c, v, &fs, sb);
    } else if (c == 'c') {
        fs.fill[0] = ' ';
        fs.align = left ? '<' : '>';
        ok = pct_char(I, v, &fs, sb);
    } else if (c == 's' || c == 'r' || c == 'a') {
        ok = pct_text(I, c, v, &fs, sb);
    } else {
        interp_error(I, ERR_VALUE, "unsupported format character '%c' (0x%x) at index %zu",
                     c, (unsigned)(unsigned char)c, *pos - 1);
    }
done:
    value_decref(owned);
    return ok;
}

bool format_percent(Interp *I, Value fmt, Value args, Value *out)
{
    const char *f = str_cstr(fmt);
    size_t n = as_str(fmt)->len;
    PctState st = {&args, 1, 0, {VAL_UNSET, {0}}};
    if (val_is_obj(args, OBJ_TUPLE)) {
        st.items = as_list(args)->items;
        st.n = as_list(args)->len;
    } else if (val_is_obj(args, OBJ_DICT)) {
        st.dict = args;
    }
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n;) {
        const char *pct = memchr(f + i, '%', n - i);
        size_t lit = pct ? (size_t)(pct - (f + i)) : n - i;
        sb_append(&sb, f + i, lit);
        i += lit;
        if (i >= n)
            break;
        i++;
        if (!pct_one(I, &st, f, n, &i, &sb)) {
            sb_free(&sb);
            return false;
        }
    }
    if (st.idx < st.n && st.dict.kind == VAL_UNSET) {
        sb_free(&sb);
        return interp_error(I, ERR_TYPE, "not all arguments converted during string formatting");
    }
    return sb_to_str(I, &sb, out);
}
