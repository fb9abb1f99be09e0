/* tensor_format.c - numpy 1.24 / TensorFlow 2 text of a tensor.
 *
 * The structure follows numpy/core/arrayprint.py so that each rule can be
 * checked against it: digit generation (dragon4's shortest round-trip
 * digits, capped at the precision), FloatingFormat.fillFormat (one pass to
 * choose scientific notation, one to find the shared widths), IntegerFormat,
 * BoolFormat, _formatArray (nesting, wrapping, summarising) and the str/repr
 * wrappers.  Owned by the display part of nnsh; see tensor_format.h.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tensor_format.h"

#define PREC_MAX 300        /* digits after the point we are willing to print */
#define NUMBUF (PREC_MAX + 400)

/* ------------------------------------------------------------------ */
/* dtypes, shapes, elements                                            */

const char *tensor_format_dtype_name(NnDType dt)
{
    static const char *const names[NN_NDTYPES] = {
        "bool", "uint8", "int32", "int64", "float32", "float64"
    };
    return (unsigned)dt < NN_NDTYPES ? names[dt] : "unknown";
}

static size_t dtype_size(NnDType dt)
{
    static const size_t sizes[NN_NDTYPES] = { 1, 1, 4, 8, 4, 8 };
    return (unsigned)dt < NN_NDTYPES ? sizes[dt] : 1;
}

void tensor_format_shape(int ndim, const int64_t *shape, StrBuf *sb)
{
    sb_putc(sb, '(');
    for (int i = 0; i < ndim; i++)
        sb_printf(sb, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (ndim == 1)
        sb_putc(sb, ',');
    sb_putc(sb, ')');
}

static int64_t numel(const NnTensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->shape[i];
    return n;
}

static const void *elem_ptr(const NnTensor *t, int64_t off)
{
    return (const char *)t->buf->data + off * (int64_t)dtype_size(t->dtype);
}

/* Element `off` (elements from buf->data) as a double; float32 exactly. */
static double elem_f64(const NnTensor *t, int64_t off)
{
    const void *p = elem_ptr(t, off);
    switch (t->dtype) {
    case NN_F32: { float v; memcpy(&v, p, sizeof v); return v; }
    case NN_F64: { double v; memcpy(&v, p, sizeof v); return v; }
    case NN_I32: { int32_t v; memcpy(&v, p, sizeof v); return v; }
    case NN_I64: { int64_t v; memcpy(&v, p, sizeof v); return (double)v; }
    case NN_U8: return *(const uint8_t *)p;
    default: return *(const uint8_t *)p != 0;
    }
}

static int64_t elem_i64(const NnTensor *t, int64_t off)
{
    const void *p = elem_ptr(t, off);
    switch (t->dtype) {
    case NN_I32: { int32_t v; memcpy(&v, p, sizeof v); return v; }
    case NN_I64: { int64_t v; memcpy(&v, p, sizeof v); return v; }
    case NN_U8: return *(const uint8_t *)p;
    case NN_BOOL: return *(const uint8_t *)p != 0;
    default: return (int64_t)elem_f64(t, off);
    }
}

/* ------------------------------------------------------------------ */
/* Digits: dragon4's shortest round-trip digits, and rounding at a cutoff */

/* |v| = d[0].d[1]...d[n-1] x 10^e; no trailing zeros except for "0". */
typedef struct Dec {
    char d[48];
    int n, e;
} Dec;

static void dec_strip(Dec *x)
{
    while (x->n > 1 && x->d[x->n - 1] == '0')
        x->n--;
    x->d[x->n] = '\0';
}

/* Parses printf's "%.*e" output of a non-negative value. */
static void dec_parse_sci(const char *s, Dec *x)
{
    x->n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && x->n < (int)sizeof x->d - 1)
            x->d[x->n++] = *s;
    x->d[x->n] = '\0';
    x->e = *s == 'e' ? atoi(s + 1) : 0;
}

static double dec_value(const Dec *x, bool f32)
{
    char buf[80];
    snprintf(buf, sizeof buf, "%c.%se%d", x->d[0], x->d + 1, x->e);
    return f32 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
}

/* Moves x one unit of its last digit up (dir > 0) or down. */
static void dec_step(Dec *x, int dir)
{
    int i = x->n - 1;
    if (dir > 0) {
        while (i >= 0 && x->d[i] == '9')
            x->d[i--] = '0';
        if (i >= 0) {
            x->d[i]++;
        } else {                          /* 99 -> 100: one more power of ten */
            x->d[0] = '1';
            x->e++;
        }
        return;
    }
    while (i >= 0 && x->d[i] == '0')
        x->d[i--] = '9';
    if (i >= 0)
        x->d[i]--;
    if (x->d[0] == '0' && x->n > 0) {     /* 100 -> 099 -> 99.9 */
        memmove(x->d, x->d + 1, (size_t)x->n - 1);
        x->d[x->n - 1] = '9';
        x->e--;
    }
}

/* Whether some p-digit decimal reads back as a: the correctly rounded one,
 * or else its neighbour on a's other side (at a power of two the interval
 * is lopsided and only the farther one may be inside it). */
static bool dec_try(double a, bool f32, int p, Dec *out)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*e", p - 1, a);
    dec_parse_sci(buf, out);
    double back = dec_value(out, f32);
    if (back == a)
        return true;
    Dec other = *out;
    dec_step(&other, back < a ? 1 : -1);
    if (dec_value(&other, f32) != a)
        return false;
    *out = other;
    return true;
}

/* The shortest digits that read back as a (a finite, >= 0) in its own
 * precision, the closest to a when several have that length: the digits
 * numpy's dragon4 prints in "unique" mode.  A length that works makes every
 * longer one work, so the length is found by bisection. */
static void dec_shortest(double a, bool f32, Dec *out)
{
    if (a == 0) {
        strcpy(out->d, "0");
        out->n = 1;
        out->e = 0;
        return;
    }
    int lo = 1, hi = f32 ? 9 : 17;     /* hi always works */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        Dec x;
        if (dec_try(a, f32, mid, &x))
            hi = mid;
        else
            lo = mid + 1;
    }
    dec_try(a, f32, lo, out);
    dec_strip(out);
}

/* Scientific digits with at most `prec` after the point (trim '.'). */
static void dec_sci(double a, bool f32, int prec, bool unique, Dec *out)
{
    char buf[NUMBUF];
    if (unique) {
        dec_shortest(a, f32, out);
        if (out->n - 1 <= prec)
            return;
    }
    snprintf(buf, sizeof buf, "%.*e", prec < 40 ? prec : 40, a);
    dec_parse_sci(buf, out);
    dec_strip(out);
}

/* Positional text of a (finite, >= 0) with at most `prec` digits after the
 * point, trailing zeros trimmed: int part into ip, fraction into fp.
 * int_exact is dragon4's min_digits=0 (what arrays pass): digits go on at
 * least to the units, so float32 85080976 prints 85080976., not the
 * shortest 85080980. that the scalar prints. */
static void positional(double a, bool f32, int prec, bool int_exact, char *ip, char *fp)
{
    Dec x;
    dec_shortest(a, f32, &x);
    int nfrac = x.n - 1 - x.e;
    if (int_exact && nfrac < 0)
        prec = 0;
    else if (nfrac <= prec) {
        char *p = ip;
        if (x.e < 0)
            *p++ = '0';
        for (int i = 0; i <= x.e; i++)
            *p++ = i < x.n ? x.d[i] : '0';
        *p = '\0';
        p = fp;
        for (int i = x.e + 1; i < x.n; i++)
            *p++ = i < 0 ? '0' : x.d[i];
        *p = '\0';
        return;
    }
    char buf[NUMBUF];
    snprintf(buf, sizeof buf, "%.*f", prec, a);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = '\0';
    strcpy(ip, buf);
    strcpy(fp, dot ? dot + 1 : "");
    size_t n = strlen(fp);
    while (n > 0 && fp[n - 1] == '0')
        fp[--n] = '\0';
}

static void put_spaces(StrBuf *sb, int n)
{
    static const char sp[] = "                                ";
    while (n > 0) {
        int k = n < 32 ? n : 32;
        sb_append(sb, sp, (size_t)k);
        n -= k;
    }
}

/* ------------------------------------------------------------------ */
/* Visiting the elements that will be shown                            */

typedef void (*VisitFn)(void *ud, const NnTensor *t, int64_t off);

/* Calls fn on every element shown (numpy's _leading_trailing: when
 * summarising, only the first and last `edge` items of each long axis). */
static void visit_shown(const NnTensor *t, int axis, int64_t off, bool summ, int edge,
                        VisitFn fn, void *ud)
{
    if (axis == t->ndim) {
        fn(ud, t, off);
        return;
    }
    int64_t n = t->shape[axis];
    bool cut = summ && n > 2 * (int64_t)edge;
    for (int64_t i = 0; i < n; i++) {
        if (cut && i == edge)
            i = n - edge;
        visit_shown(t, axis + 1, off + i * t->strides[axis], summ, edge, fn, ud);
    }
}

/* ------------------------------------------------------------------ */
/* Element formats: FloatingFormat, IntegerFormat, BoolFormat          */

typedef struct ElemFmt {
    const PrintOptions *o;
    NnDType dt;
    bool f32;
    bool is0d;
    bool legacy;                /* legacy='1.13' */
    char sign;                  /* the sign option in effect */
    /* FloatingFormat */
    bool exp_format, unique;
    int precision;              /* in scientific: the shared digit count */
    int pad_left, pad_right, exp_size;
    /* IntegerFormat */
    int int_width;
} ElemFmt;

/* What the first passes over the shown floats collect. */
typedef struct FloatScan {
    ElemFmt *f;
    bool any_nonzero, any_finite, any_nonfinite, any_neginf, any_signbit;
    double maxv, minv;                 /* over finite non-zero |x| */
    int max_int, max_frac, max_exp;    /* lengths of the text parts */
    int64_t imax, imin;                /* IntegerFormat */
    bool any_int;
} FloatScan;

static void scan_range(void *ud, const NnTensor *t, int64_t off)
{
    FloatScan *s = ud;
    double v = elem_f64(t, off);
    if (!isfinite(v)) {
        s->any_nonfinite = true;
        if (isinf(v) && v < 0)
            s->any_neginf = true;
        return;
    }
    s->any_finite = true;
    if (signbit(v))
        s->any_signbit = true;
    double a = fabs(v);
    if (a == 0)
        return;
    if (!s->any_nonzero || a > s->maxv)
        s->maxv = a;
    if (!s->any_nonzero || a < s->minv)
        s->minv = a;
    s->any_nonzero = true;
}

static int sign_len(const ElemFmt *f, double v)
{
    return signbit(v) || f->sign == '+';
}

static void scan_lengths(void *ud, const NnTensor *t, int64_t off)
{
    FloatScan *s = ud;
    ElemFmt *f = s->f;
    double v = elem_f64(t, off);
    if (!isfinite(v))
        return;
    int sl = sign_len(f, v), il, fl;
    if (f->exp_format) {
        Dec x;
        dec_sci(fabs(v), f->f32, f->precision, f->unique, &x);
        int ae = abs(x.e), ed = ae >= 100 ? (ae >= 1000 ? 4 : 3) : 2;
        il = 1 + sl;
        fl = f->legacy ? f->precision : x.n - 1;   /* 1.13 keeps the zeros */
        if (1 + ed > s->max_exp)
            s->max_exp = 1 + ed;
    } else {
        char ip[NUMBUF], fp[NUMBUF];
        positional(fabs(v), f->f32, f->precision, true, ip, fp);
        il = (int)strlen(ip) + (f->legacy ? 1 : sl);   /* 1.13: room for a sign */
        fl = (int)strlen(fp);
    }
    if (il > s->max_int)
        s->max_int = il;
    if (fl > s->max_frac)
        s->max_frac = fl;
}

static bool wants_exp(const FloatScan *s, const ElemFmt *f)
{
    if (!s->any_nonzero)
        return false;
    double ratio = s->maxv / s->minv;
    if (f->f32)
        ratio = (float)ratio;      /* numpy divides the float32 scalars */
    return s->maxv >= 1.e8 ||
           (!f->o->suppress && (s->minv < 0.0001 || ratio > 1000.));
}

/* FloatingFormat.fillFormat over the shown elements. */
static void float_fill(ElemFmt *f, const NnTensor *t, bool summ)
{
    const PrintOptions *o = f->o;
    FloatScan s = { .f = f };
    visit_shown(t, 0, t->offset, summ, o->edgeitems, scan_range, &s);
    f->exp_format = wants_exp(&s, f);
    f->precision = o->precision;
    f->unique = !(f->legacy && f->exp_format);
    f->pad_left = f->pad_right = 0;
    f->exp_size = -1;
    if (s.any_finite) {
        visit_shown(t, 0, t->offset, summ, o->edgeitems, scan_lengths, &s);
        f->pad_left = s.max_int;
        if (f->exp_format) {
            if (f->legacy)
                f->pad_left = 3;
            f->exp_size = s.max_exp - 1;
            f->precision = s.max_frac;     /* trim 'k', min_digits = precision */
            f->pad_right = f->exp_size + 2 + f->precision;
        } else {
            f->pad_right = s.max_frac;
        }
    }
    if (!f->legacy && f->sign == ' ' && !s.any_signbit)
        f->pad_left++;
    if (s.any_nonfinite) {
        int neginf = f->sign != '-' || s.any_neginf;
        int off = f->pad_right + 1;
        int nanl = (int)strlen(o->nanstr) - off, infl = (int)strlen(o->infstr) + neginf - off;
        if (nanl > f->pad_left)
            f->pad_left = nanl;
        if (infl > f->pad_left)
            f->pad_left = infl;
    }
}

static void int_scan(void *ud, const NnTensor *t, int64_t off)
{
    FloatScan *s = ud;
    int64_t v = elem_i64(t, off);
    if (!s->any_int || v > s->imax)
        s->imax = v;
    if (!s->any_int || v < s->imin)
        s->imin = v;
    s->any_int = true;
}

static void int_fill(ElemFmt *f, const NnTensor *t, bool summ)
{
    FloatScan s = { .f = f };
    char a[32], b[32];
    visit_shown(t, 0, t->offset, summ, f->o->edgeitems, int_scan, &s);
    if (!s.any_int) {
        f->int_width = 0;
        return;
    }
    int la = snprintf(a, sizeof a, "%lld", (long long)s.imax);
    int lb = snprintf(b, sizeof b, "%lld", (long long)s.imin);
    f->int_width = la > lb ? la : lb;
}

static void elem_fmt_init(ElemFmt *f, const NnTensor *t, const PrintOptions *o, bool summ)
{
    memset(f, 0, sizeof *f);
    f->o = o;
    f->dt = t->dtype;
    f->f32 = t->dtype == NN_F32;
    f->is0d = t->ndim == 0;
    f->legacy = o->legacy_113;
    f->sign = o->sign;
    if (f->legacy && !f->is0d && f->sign == '-')
        f->sign = ' ';          /* 1.13 always leaves a column for the sign */
    if (nn_dtype_is_float(t->dtype))
        float_fill(f, t, summ);
    else if (t->dtype != NN_BOOL)
        int_fill(f, t, summ);
}

static void float_word_nonfinite(const ElemFmt *f, double v, StrBuf *sb)
{
    const PrintOptions *o = f->o;
    const char *sign = "", *s = isnan(v) ? o->nanstr : o->infstr;
    if (isnan(v))
        sign = f->sign == '+' ? "+" : "";
    else
        sign = v < 0 ? "-" : f->sign == '+' ? "+" : "";
    int len = (int)(strlen(sign) + strlen(s));
    put_spaces(sb, f->pad_left + f->pad_right + 1 - len);
    sb_puts(sb, sign);
    sb_puts(sb, s);
}

/* dragon4_scientific(x, precision, min_digits=precision, unique, trim 'k',
 * sign, pad_left, exp_digits).  With min_digits, dragon4 goes on past the
 * unique digits with the exact value's digits (float32 0.1 in an array
 * printed to 8 digits is 1.00000001e-01), so this is the exact value
 * correctly rounded at `precision` digits: printf's %.*e. */
static void float_word_sci(const ElemFmt *f, double v, StrBuf *sb)
{
    char buf[NUMBUF];
    snprintf(buf, sizeof buf, "%.*e", f->precision, fabs(v));
    char *e = strchr(buf, 'e');
    int ex = e ? atoi(e + 1) : 0;
    if (e)
        *e = '\0';
    int sl = sign_len(f, v);
    put_spaces(sb, f->pad_left - 1 - sl);
    if (sl)
        sb_putc(sb, signbit(v) ? '-' : '+');
    sb_puts(sb, buf);
    if (f->precision == 0)
        sb_putc(sb, '.');
    sb_printf(sb, "e%c%0*d", ex < 0 ? '-' : '+', f->exp_size > 0 ? f->exp_size : 2, abs(ex));
}

/* dragon4_positional(x, precision, unique, fractional, trim '.', sign,
 * pad_left, pad_right). */
static void float_word_pos(const ElemFmt *f, double v, StrBuf *sb)
{
    char ip[NUMBUF], fp[NUMBUF];
    positional(fabs(v), f->f32, f->precision, true, ip, fp);
    int sl = sign_len(f, v);
    put_spaces(sb, f->pad_left - (int)strlen(ip) - sl);
    if (sl)
        sb_putc(sb, signbit(v) ? '-' : '+');
    sb_puts(sb, ip);
    sb_putc(sb, '.');
    sb_puts(sb, fp);
    put_spaces(sb, f->pad_right - (int)strlen(fp));
}

/* The text of one element, as format_function(a[index]). */
static void elem_word(const ElemFmt *f, const NnTensor *t, int64_t off, StrBuf *sb)
{
    if (f->dt == NN_BOOL) {
        bool b = elem_i64(t, off) != 0;
        sb_puts(sb, b ? (f->is0d ? "True" : " True") : "False");
    } else if (!nn_dtype_is_float(f->dt)) {
        sb_printf(sb, "%*lld", f->int_width, (long long)elem_i64(t, off));
    } else {
        double v = elem_f64(t, off);
        if (!isfinite(v))
            float_word_nonfinite(f, v, sb);
        else if (f->exp_format)
            float_word_sci(f, v, sb);
        else
            float_word_pos(f, v, sb);
    }
}

/* ------------------------------------------------------------------ */
/* _formatArray: nesting, wrapping, summarising                        */

typedef struct Layout {
    const NnTensor *t;
    const PrintOptions *o;
    ElemFmt f;
    bool summ;
    const char *sep;            /* ' ' (str) or ', ' (repr) */
    int base_indent;            /* len(next_line_prefix): 1 + len(prefix) */
    bool legacy;                /* legacy='1.13' wrapping rules */
    StrBuf *out;
    StrBuf line, word;          /* scratch */
} Layout;

/* s += text, dropping the hanging indent the first time (numpy builds s
 * with the indent on its first line too, then cuts it off). */
static void emit(Layout *L, bool *first, int indent, const char *s, size_t n)
{
    if (*first) {
        s += indent;
        n -= (size_t)indent;
        *first = false;
    }
    sb_append(L->out, s, n);
}

/* _extendLine: adds word to the current line, wrapping first when it would
 * pass `width` (unless the line holds only the indent). */
static void extend_line(Layout *L, bool *first, int indent, const char *w, size_t wn,
                        int width)
{
    StrBuf *line = &L->line;
    if ((int64_t)(line->len + wn) > width && (L->legacy || (int64_t)line->len > indent)) {
        size_t n = line->len;
        while (n > 0 && line->data[n - 1] == ' ')
            n--;
        emit(L, first, indent, line->data, n);
        sb_putc(L->out, '\n');
        line->len = 0;
        put_spaces(line, indent);
    }
    sb_append(line, w, wn);
}

static int64_t axis_step(int64_t n, int64_t i, bool cut, int edge)
{
    return (cut && i == edge - 1) ? n - edge - i : 1;
}

/* The innermost axis: words separated by sep, wrapped at width. */
static void format_row(Layout *L, int axis, int64_t off, int indent, int width)
{
    int64_t n = L->t->shape[axis], st = L->t->strides[axis];
    int edge = L->o->edgeitems;
    bool cut = L->summ && n > 2 * (int64_t)edge, first = true;
    size_t seplen = strlen(L->sep), sepr = seplen;
    while (sepr > 0 && L->sep[sepr - 1] == ' ')
        sepr--;
    /* max(len(sep.rstrip()), len(']')); 1.13 ignored the bracket */
    int elem_width = L->legacy ? width - (int)sepr : width - 1;
    L->line.len = 0;
    put_spaces(&L->line, indent);
    for (int64_t i = 0; i < n; i++) {
        L->word.len = 0;
        elem_word(&L->f, L->t, off + i * st, &L->word);
        if (L->legacy && i == n - 1)
            elem_width = width;   /* 1.13 did not count the last separator */
        extend_line(L, &first, indent, L->word.data, L->word.len, elem_width);
        if (i < n - 1)
            sb_append(&L->line, L->sep, seplen);
        if (cut && i == edge - 1) {
            extend_line(L, &first, indent, "...", 3, elem_width);
            if (L->legacy)
                sb_puts(&L->line, ", ");
            else
                sb_append(&L->line, L->sep, seplen);
        }
        i += axis_step(n, i, cut, edge) - 1;
    }
    emit(L, &first, indent, L->line.data, L->line.len);
}

static void format_axis(Layout *L, int axis, int64_t off, int indent, int width);

/* Outer axes: sub-arrays separated by sep.rstrip() and one newline per
 * remaining axis, `...` standing for the elided middle. */
static void format_outer(Layout *L, int axis, int64_t off, int indent, int width)
{
    int64_t n = L->t->shape[axis], st = L->t->strides[axis];
    int edge = L->o->edgeitems, left = L->t->ndim - axis;
    bool cut = L->summ && n > 2 * (int64_t)edge;
    size_t sepn = strlen(L->sep);
    while (sepn > 0 && L->sep[sepn - 1] == ' ')
        sepn--;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0)
            put_spaces(L->out, indent);
        format_axis(L, axis + 1, off + i * st, indent + 1, L->legacy ? width : width - 1);
        if (i == n - 1)
            break;
        sb_append(L->out, L->sep, sepn);
        for (int k = 0; k < left - 1; k++)
            sb_putc(L->out, '\n');
        if (cut && i == edge - 1) {
            put_spaces(L->out, indent);
            sb_puts(L->out, "...");
            if (L->legacy) {
                sb_puts(L->out, ", \n");    /* 1.13: fixed separator */
            } else {
                sb_append(L->out, L->sep, sepn);
                for (int k = 0; k < left - 1; k++)
                    sb_putc(L->out, '\n');
            }
        }
        i += axis_step(n, i, cut, edge) - 1;
    }
}

/* recurser(index, hanging_indent, curr_width) */
static void format_axis(Layout *L, int axis, int64_t off, int indent, int width)
{
    if (axis == L->t->ndim) {
        elem_word(&L->f, L->t, off, L->out);
        return;
    }
    sb_putc(L->out, '[');
    if (L->t->ndim - axis == 1)
        format_row(L, axis, off, indent, width);
    else
        format_outer(L, axis, off, indent, width);
    sb_putc(L->out, ']');
}

/* _array2string for a non-empty array: prefix_len is len("array(") for
 * repr; linewidth already reduced by the suffix. */
static bool array2string(const NnTensor *t, const PrintOptions *o, const char *sep,
                         int prefix_len, int linewidth, StrBuf *sb)
{
    Layout L = { .t = t, .o = o, .sep = sep, .out = sb };
    L.summ = numel(t) > o->threshold;
    L.base_indent = 1 + prefix_len;
    L.legacy = o->legacy_113;
    sb_init(&L.line);
    sb_init(&L.word);
    elem_fmt_init(&L.f, t, o, L.summ);
    format_axis(&L, 0, t->offset, L.base_indent, linewidth);
    bool ok = !L.line.oom && !L.word.oom;
    sb_free(&L.line);
    sb_free(&L.word);
    if (!ok)
        sb->oom = true;
    return !sb->oom;
}

/* ------------------------------------------------------------------ */
/* numpy scalars, str, repr                                            */

void print_options_default(PrintOptions *o)
{
    o->precision = 8;
    o->threshold = 1000;
    o->edgeitems = 3;
    o->linewidth = 75;
    o->suppress = false;
    o->nanstr = "nan";
    o->infstr = "inf";
    o->sign = '-';
    o->legacy_113 = false;
}

/* Copies the options, filling the defaults when o is NULL and clamping
 * what would not fit our buffers. */
static void opts_get(const PrintOptions *o, PrintOptions *out)
{
    if (o)
        *out = *o;
    else
        print_options_default(out);
    if (out->precision < 0)
        out->precision = 0;
    if (out->precision > PREC_MAX)
        out->precision = PREC_MAX;
    if (out->edgeitems < 0)
        out->edgeitems = 0;
    if (!out->nanstr)
        out->nanstr = "nan";
    if (!out->infstr)
        out->infstr = "inf";
    if ((out->sign != '+' && out->sign != ' ') || out->legacy_113)
        out->sign = '-';            /* set_printoptions resets it for 1.13 */
}

/* str(np.float32(x)) / str(np.float64(x)): shortest digits, positional for
 * 0 and 1e-4 <= |x| < 1e16 ("6.0"), else scientific ("1e-05", "1.5e+16"). */
static void float_scalar(double v, bool f32, StrBuf *sb)
{
    if (isnan(v)) {
        sb_puts(sb, "nan");
        return;
    }
    if (isinf(v)) {
        sb_puts(sb, v < 0 ? "-inf" : "inf");
        return;
    }
    if (signbit(v))
        sb_putc(sb, '-');
    long double a = fabsl((long double)v);
    if (a == 0 || (a >= 1.e-4L && a < 1.e16L)) {
        char ip[NUMBUF], fp[NUMBUF];
        positional((double)a, f32, PREC_MAX, false, ip, fp);
        sb_printf(sb, "%s.%s", ip, fp[0] ? fp : "0");
        return;
    }
    Dec x;
    dec_shortest((double)a, f32, &x);
    sb_putc(sb, x.d[0]);
    if (x.n > 1) {
        sb_putc(sb, '.');
        sb_append(sb, x.d + 1, (size_t)x.n - 1);
    }
    sb_printf(sb, "e%c%02d", x.e < 0 ? '-' : '+', abs(x.e));
}

/* numpy 1.13's scalar text: %.17g / %.12g (float64 repr / str), %.8g /
 * %.6g (float32), with ".0" added to what would read as an integer. */
static void legacy_float_scalar(double v, bool f32, bool repr, StrBuf *sb)
{
    char buf[64];
    if (isnan(v) || isinf(v)) {
        float_scalar(v, f32, sb);
        return;
    }
    snprintf(buf, sizeof buf, "%.*g", f32 ? (repr ? 8 : 6) : (repr ? 17 : 12), v);
    sb_puts(sb, buf);
    if (!strpbrk(buf, ".e"))
        sb_puts(sb, ".0");
}

bool tensor_format_scalar_np_opts(const NnTensor *t0d, const PrintOptions *o, StrBuf *sb,
                                  bool repr)
{
    if (o && o->legacy_113 && nn_dtype_is_float(t0d->dtype)) {
        legacy_float_scalar(elem_f64(t0d, t0d->offset), t0d->dtype == NN_F32, repr, sb);
        return !sb->oom;
    }
    return tensor_format_scalar_np(t0d, sb, repr);
}

bool tensor_format_scalar_np(const NnTensor *t0d, StrBuf *sb, bool repr)
{
    (void)repr;     /* numpy 1.24 prints scalars the same in str and repr */
    int64_t off = t0d->offset;
    switch (t0d->dtype) {
    case NN_BOOL:
        sb_puts(sb, elem_i64(t0d, off) ? "True" : "False");
        break;
    case NN_F32:
    case NN_F64:
        float_scalar(elem_f64(t0d, off), t0d->dtype == NN_F32, sb);
        break;
    default:
        sb_printf(sb, "%lld", (long long)elem_i64(t0d, off));
        break;
    }
    return !sb->oom;
}

/* legacy 1.13 prints a 0-d array as its Python item: a float32 becomes a
 * Python float, so 0.1f is 0.10000000149011612. */
static bool item_py(const NnTensor *t0d, StrBuf *sb)
{
    if (nn_dtype_is_float(t0d->dtype)) {
        float_scalar(elem_f64(t0d, t0d->offset), false, sb);
        return !sb->oom;
    }
    return tensor_format_scalar_np(t0d, sb, true);
}

bool tensor_format_np_str(const NnTensor *t, const PrintOptions *o, StrBuf *sb)
{
    PrintOptions op;
    opts_get(o, &op);
    if (t->ndim == 0 && op.legacy_113)
        return item_py(t, sb);
    if (t->ndim == 0)
        return tensor_format_scalar_np(t, sb, false);
    if (numel(t) == 0) {
        sb_puts(sb, "[]");
        return !sb->oom;
    }
    return array2string(t, &op, " ", 0, op.linewidth, sb);
}

/* dtype_is_implied: float64, int64 (numpy's int_ on Linux) and bool
 * (bool not in 1.13). */
static bool dtype_implied(NnDType dt, bool legacy)
{
    return dt == NN_F64 || dt == NN_I64 || (dt == NN_BOOL && !legacy);
}

static bool has_newline_after(const StrBuf *sb, size_t from)
{
    return sb->len > from && memchr(sb->data + from, '\n', sb->len - from) != NULL;
}

bool tensor_format_np_repr(const NnTensor *t, const PrintOptions *o, StrBuf *sb)
{
    PrintOptions op;
    opts_get(o, &op);
    int64_t size = numel(t);
    bool skipdtype = dtype_implied(t->dtype, op.legacy_113) && size > 0;
    size_t start = sb->len;
    sb_puts(sb, "array(");
    if (t->ndim == 0 && op.legacy_113) {
        if (!item_py(t, sb))
            return false;
    } else if (size > 0) {
        /* the suffix, ')' or ',', counts against the width (not in 1.13) */
        if (!array2string(t, &op, ", ", 6, op.linewidth - !op.legacy_113, sb))
            return false;
    } else if (t->ndim == 1) {
        sb_puts(sb, "[]");
    } else {
        sb_puts(sb, "[], shape=");
        tensor_format_shape(t->ndim, t->shape, sb);
    }
    if (skipdtype) {
        sb_putc(sb, ')');
        return !sb->oom;
    }
    sb_putc(sb, ',');
    if (sb->oom)
        return false;
    const char *dname = tensor_format_dtype_name(t->dtype);
    size_t bol = sb->len;          /* beginning of the last line */
    while (bol > start && sb->data[bol - 1] != '\n')
        bol--;
    size_t last = sb->len - bol;
    size_t dlen = strlen("dtype=") + strlen(dname) + 1;
    if (!op.legacy_113 && (int64_t)(last + dlen + 1) > op.linewidth)
        sb_puts(sb, "\n      ");
    else
        sb_putc(sb, ' ');
    sb_printf(sb, "dtype=%s)", dname);
    return !sb->oom;
}

/* ------------------------------------------------------------------ */
/* TensorFlow                                                          */

/* numpy_text(tensor, is_repr): the numpy text, on its own line when it
 * has several. */
static bool tf_numpy_text(const NnTensor *t, const PrintOptions *o, bool repr, StrBuf *sb)
{
    StrBuf tmp;
    sb_init(&tmp);
    bool ok;
    if (t->ndim == 0)
        ok = tensor_format_scalar_np_opts(t, o, &tmp, repr);
    else if (repr)
        ok = tensor_format_np_repr(t, o, &tmp);
    else
        ok = tensor_format_np_str(t, o, &tmp);
    if (ok && has_newline_after(&tmp, 0))
        sb_putc(sb, '\n');
    if (ok)
        sb_append(sb, tmp.data, tmp.len);
    sb_free(&tmp);
    if (!ok)
        sb->oom = true;
    return !sb->oom;
}

bool tensor_format_tf_opts(const NnTensor *t, const PrintOptions *o, StrBuf *sb)
{
    sb_puts(sb, "tf.Tensor(");
    if (!tf_numpy_text(t, o, false, sb))
        return false;
    sb_puts(sb, ", shape=");
    tensor_format_shape(t->ndim, t->shape, sb);
    sb_printf(sb, ", dtype=%s)", tensor_format_dtype_name(t->dtype));
    return !sb->oom;
}

bool tensor_format_tf_repr_opts(const NnTensor *t, const PrintOptions *o, StrBuf *sb)
{
    sb_puts(sb, "<tf.Tensor: shape=");
    tensor_format_shape(t->ndim, t->shape, sb);
    sb_printf(sb, ", dtype=%s, numpy=", tensor_format_dtype_name(t->dtype));
    if (!tf_numpy_text(t, o, true, sb))
        return false;
    sb_putc(sb, '>');
    return !sb->oom;
}

bool tensor_format_tf(const NnTensor *t, StrBuf *sb)
{
    return tensor_format_tf_opts(t, NULL, sb);
}

bool tensor_format_tf_repr(const NnTensor *t, StrBuf *sb)
{
    return tensor_format_tf_repr_opts(t, NULL, sb);
}

bool tensor_format_variable(const NnTensor *t, const char *name, StrBuf *sb)
{
    sb_printf(sb, "<tf.Variable '%s' shape=", name ? name : "Variable:0");
    tensor_format_shape(t->ndim, t->shape, sb);
    sb_printf(sb, " dtype=%s, numpy=", tensor_format_dtype_name(t->dtype));
    if (!tf_numpy_text(t, NULL, true, sb))
        return false;
    sb_putc(sb, '>');
    return !sb->oom;
}
