/* value_bigrange.c - range() past 64 bits: range(2**100), range(-2**63,
 * 2**63), as Python's.  A range whose bounds or length do not fit in
 * int64 is an instance of bigrange_class (named "range"; type() maps it to
 * range) holding three mpz_t; every other range stays an OBJ_RANGE.  It
 * supports len() (OverflowError "Python int too large to convert to C
 * ssize_t" past int64, as CPython's), indexing, slicing (a slice that fits
 * becomes a plain range again), `in` computed arithmetically, iteration,
 * ==, truth, start/stop/step, count() and index(), and the repr.
 * Part of the language core; depends on bigint.h and object.h.
 */
#include <stdlib.h>
#include <string.h>
#include "bigint.h"
#include "object.h"

typedef struct BigRange {
    mpz_t start, stop, step;
} BigRange;

typedef struct BigRangeIter {
    mpz_t cur, stop, step;
} BigRangeIter;

static void br_finalize(void *data)
{
    BigRange *r = data;
    if (r) {
        mpz_clears(r->start, r->stop, r->step, NULL);
        free(r);
    }
}

static BigRange *br(Value v)
{
    return ((ObjNativeObj *)v.as.o)->data;
}

/* The number of items of start:stop:step into len (initialized). */
static void range_length(mpz_t len, mpz_srcptr start, mpz_srcptr stop, mpz_srcptr step)
{
    mpz_sub(len, stop, start);
    if (mpz_sgn(step) > 0 ? mpz_sgn(len) <= 0 : mpz_sgn(len) >= 0) {
        mpz_set_ui(len, 0);
        return;
    }
    /* (stop - start - sign(step)) // step + 1 */
    if (mpz_sgn(step) > 0)
        mpz_sub_ui(len, len, 1);
    else
        mpz_add_ui(len, len, 1);
    mpz_fdiv_q(len, len, step);
    mpz_add_ui(len, len, 1);
}

static bool fits(mpz_srcptr z)
{
    return mpz_cmp_si(z, INT64_MIN) >= 0 && mpz_cmp_si(z, INT64_MAX) <= 0;
}

static int64_t get64(mpz_srcptr z)
{
    return (int64_t)mpz_get_si(z);   /* long is 64-bit where nnsh builds */
}

/* A range value of start:stop:step (step != 0): a plain range when all of
 * it and its length fit in int64. */
static bool range_from_mpz(Interp *I, mpz_srcptr start, mpz_srcptr stop, mpz_srcptr step,
                           Value *out)
{
    mpz_t len;
    mpz_init(len);
    range_length(len, start, stop, step);
    bool small = fits(start) && fits(stop) && fits(step) && fits(len);
    mpz_clear(len);
    if (small)
        return range_new(I, get64(start), get64(stop), get64(step), out);
    BigRange *r = malloc(sizeof *r);
    if (!r)
        return interp_error(I, ERR_MEMORY, "out of memory");
    mpz_init_set(r->start, start);
    mpz_init_set(r->stop, stop);
    mpz_init_set(r->step, step);
    extern const NativeClass bigrange_class;
    return native_obj_new(I, &bigrange_class, r, out);
}

bool bigrange_new(Interp *I, Value start, Value stop, Value step, Value *out)
{
    mpz_t a, b, c;
    mpz_inits(a, b, c, NULL);
    bigint_get(a, start);
    bigint_get(b, stop);
    bigint_get(c, step);
    bool ok = mpz_sgn(c) != 0 ? range_from_mpz(I, a, b, c, out)
                              : interp_error(I, ERR_VALUE, "range() arg 3 must not be zero");
    mpz_clears(a, b, c, NULL);
    return ok;
}

/* Appends the decimal digits of z. */
static void sb_mpz(StrBuf *sb, mpz_srcptr z)
{
    char *s = malloc(mpz_sizeinbase(z, 10) + 2);
    if (!s) {
        sb->oom = true;
        return;
    }
    mpz_get_str(s, 10, z);
    sb_puts(sb, s);
    free(s);
}

static bool br_repr(Interp *I, Value self, StrBuf *sb)
{
    BigRange *r = br(self);
    (void)I;
    sb_puts(sb, "range(");
    sb_mpz(sb, r->start);
    sb_puts(sb, ", ");
    sb_mpz(sb, r->stop);
    if (mpz_cmp_ui(r->step, 1) != 0) {
        sb_puts(sb, ", ");
        sb_mpz(sb, r->step);
    }
    sb_putc(sb, ')');
    return true;
}

static bool br_len(Interp *I, Value self, int64_t *out)
{
    BigRange *r = br(self);
    mpz_t len;
    mpz_init(len);
    range_length(len, r->start, r->stop, r->step);
    bool ok = fits(len);
    if (ok)
        *out = get64(len);
    mpz_clear(len);
    return ok || interp_error(I, ERR_OVERFLOW, "Python int too large to convert to C ssize_t");
}

static bool br_truth(Interp *I, Value self, bool *out)
{
    BigRange *r = br(self);
    (void)I;
    *out = mpz_sgn(r->step) > 0 ? mpz_cmp(r->start, r->stop) < 0
                                : mpz_cmp(r->start, r->stop) > 0;
    return true;
}

/* Whether the int z is one of r's items; its position into pos when so. */
static bool br_find(const BigRange *r, mpz_srcptr z, mpz_t pos)
{
    bool in = mpz_sgn(r->step) > 0
                  ? mpz_cmp(z, r->start) >= 0 && mpz_cmp(z, r->stop) < 0
                  : mpz_cmp(z, r->start) <= 0 && mpz_cmp(z, r->stop) > 0;
    if (!in)
        return false;
    mpz_t rem;
    mpz_init(rem);
    mpz_sub(pos, z, r->start);
    mpz_fdiv_qr(pos, rem, pos, r->step);
    in = mpz_sgn(rem) == 0;
    mpz_clear(rem);
    return in;
}

bool bigrange_contains(Interp *I, Value self, Value item, bool *out)
{
    (void)I;
    if (!bigint_intlike(item)) {
        *out = false;      /* floats equal to an item are not looked for */
        return true;
    }
    mpz_t z, pos;
    mpz_inits(z, pos, NULL);
    bigint_get(z, item);
    *out = br_find(br(self), z, pos);
    mpz_clears(z, pos, NULL);
    return true;
}

/* One bound of a slice of a sequence of length len, as slice.indices(). */
static bool slice_bound(Interp *I, Value v, mpz_srcptr len, mpz_srcptr lower,
                        mpz_srcptr upper, mpz_srcptr dflt, mpz_t out)
{
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        mpz_set(out, dflt);
        return true;
    }
    if (!bigint_intlike(v))
        return interp_error(I, ERR_TYPE,
                            "slice indices must be integers or None or have an __index__ method");
    mpz_t z;
    mpz_init(z);
    bigint_get(z, v);
    if (mpz_sgn(z) < 0)
        mpz_add(z, z, len);
    if (mpz_cmp(z, lower) < 0)
        mpz_set(out, lower);
    else if (mpz_cmp(z, upper) > 0)
        mpz_set(out, upper);
    else
        mpz_set(out, z);
    mpz_clear(z);
    return true;
}

static bool br_slice(Interp *I, BigRange *r, mpz_srcptr len, Value key, Value *out)
{
    ObjSlice *s = (ObjSlice *)key.as.o;
    mpz_t st, lo, hi, a, b;
    if (s->step.kind == VAL_UNSET || s->step.kind == VAL_NONE)
        mpz_init_set_ui(st, 1);
    else if (bigint_intlike(s->step)) {
        mpz_init(st);
        bigint_get(st, s->step);
    }
    else
        return interp_error(I, ERR_TYPE,
                            "slice indices must be integers or None or have an __index__ method");
    if (mpz_sgn(st) == 0) {
        mpz_clear(st);
        return interp_error(I, ERR_VALUE, "slice step cannot be zero");
    }
    bool neg = mpz_sgn(st) < 0;
    mpz_inits(lo, hi, a, b, NULL);
    if (neg) {
        mpz_set_si(lo, -1);
        mpz_sub_ui(hi, len, 1);
    } else {
        mpz_set(hi, len);
    }
    bool ok = slice_bound(I, s->lower, len, lo, hi, neg ? hi : lo, a) &&
              slice_bound(I, s->upper, len, lo, hi, neg ? lo : hi, b);
    if (ok) {
        mpz_mul(a, a, r->step);     /* start + a*step, start + b*step, step*st */
        mpz_add(a, a, r->start);
        mpz_mul(b, b, r->step);
        mpz_add(b, b, r->start);
        mpz_mul(st, st, r->step);
        ok = range_from_mpz(I, a, b, st, out);
    }
    mpz_clears(st, lo, hi, a, b, NULL);
    return ok;
}

static bool br_getitem(Interp *I, Value self, Value key, Value *out)
{
    BigRange *r = br(self);
    mpz_t len, i;
    mpz_init(len);
    range_length(len, r->start, r->stop, r->step);
    bool ok;
    if (val_is_obj(key, OBJ_SLICE)) {
        ok = br_slice(I, r, len, key, out);
    } else if (!bigint_intlike(key)) {
        ok = interp_error(I, ERR_TYPE, "range indices must be integers or slices, not %s",
                          value_type_name(key));
    } else {
        mpz_init(i);
        bigint_get(i, key);
        if (mpz_sgn(i) < 0)
            mpz_add(i, i, len);
        if (mpz_sgn(i) < 0 || mpz_cmp(i, len) >= 0) {
            ok = interp_error(I, ERR_INDEX, "range object index out of range");
            mpz_clear(i);
        } else {
            mpz_mul(i, i, r->step);
            mpz_add(i, i, r->start);
            ok = bigint_take(I, i, out);
        }
    }
    mpz_clear(len);
    return ok;
}

static bool br_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    BigRange *r = br(self);
    mpz_srcptr z = !strcmp(name, "start") ? r->start : !strcmp(name, "stop") ? r->stop
                 : !strcmp(name, "step") ? r->step : NULL;
    *found = z != NULL;
    if (!z)
        return true;
    mpz_t c;
    mpz_init_set(c, z);
    return bigint_take(I, c, out);
}

/* ---- ==: as sequences (same length; same start unless empty; same step
 * unless of length 1), with plain ranges too ---- */

static bool as_mpz3(Value v, mpz_t a, mpz_t b, mpz_t c)
{
    extern const NativeClass bigrange_class;
    if (native_obj_is(v, &bigrange_class)) {
        mpz_init_set(a, br(v)->start);
        mpz_init_set(b, br(v)->stop);
        mpz_init_set(c, br(v)->step);
        return true;
    }
    if (!val_is_obj(v, OBJ_RANGE))
        return false;
    ObjRange *r = (ObjRange *)v.as.o;
    mpz_init_set_si(a, r->start);
    mpz_init_set_si(b, r->stop);
    mpz_init_set_si(c, r->step);
    return true;
}

static bool ranges_equal(mpz_t a[3], mpz_t b[3])
{
    mpz_t la, lb;
    mpz_inits(la, lb, NULL);
    range_length(la, a[0], a[1], a[2]);
    range_length(lb, b[0], b[1], b[2]);
    bool eq = mpz_cmp(la, lb) == 0 &&
              (mpz_sgn(la) == 0 || (mpz_cmp(a[0], b[0]) == 0 &&
                                    (mpz_cmp_ui(la, 1) == 0 || mpz_cmp(a[2], b[2]) == 0)));
    mpz_clears(la, lb, NULL);
    return eq;
}

static bool br_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    (void)I;
    mpz_t x[3], y[3];
    *handled = false;
    if (op != CMP_EQ && op != CMP_NE)
        return true;
    if (!as_mpz3(a, x[0], x[1], x[2]))
        return true;
    if (!as_mpz3(b, y[0], y[1], y[2])) {
        mpz_clears(x[0], x[1], x[2], NULL);
        return true;
    }
    bool eq = ranges_equal(x, y);
    mpz_clears(x[0], x[1], x[2], y[0], y[1], y[2], NULL);
    *handled = true;
    *out = val_bool(op == CMP_EQ ? eq : !eq);
    return true;
}

/* ---- iteration ---- */

static void bri_finalize(void *data)
{
    BigRangeIter *it = data;
    if (it) {
        mpz_clears(it->cur, it->stop, it->step, NULL);
        free(it);
    }
}

static bool bri_next(Interp *I, Value self, Value *out, bool *done)
{
    BigRangeIter *it = ((ObjNativeObj *)self.as.o)->data;
    int c = mpz_cmp(it->cur, it->stop);
    *done = mpz_sgn(it->step) > 0 ? c >= 0 : c <= 0;
    if (*done)
        return true;
    mpz_t v;
    mpz_init_set(v, it->cur);
    if (!bigint_take(I, v, out))
        return false;
    mpz_add(it->cur, it->cur, it->step);
    return true;
}

static bool bri_iter(Interp *I, Value self, Value *out)
{
    (void)I;
    value_incref(self);
    *out = self;
    return true;
}

static const NativeClass bigrange_iter_class = {
    .name = "longrange_iterator",
    .finalize = bri_finalize,
    .iter = bri_iter,
    .next = bri_next,
    .doc = "An iterator over a range past 64 bits.",
};

static bool br_iter(Interp *I, Value self, Value *out)
{
    BigRange *r = br(self);
    BigRangeIter *it = malloc(sizeof *it);
    if (!it)
        return interp_error(I, ERR_MEMORY, "out of memory");
    mpz_init_set(it->cur, r->start);
    mpz_init_set(it->stop, r->stop);
    mpz_init_set(it->step, r->step);
    return native_obj_new(I, &bigrange_iter_class, it, out);
}

/* ---- count() and index() ---- */

static bool br_index_of(Interp *I, Value self, const Args *a, bool count, Value *out)
{
    const char *fname = count ? "count" : "index";
    if (a->npos != 1 || a->nkw)
        return interp_error(I, ERR_TYPE, "%s() takes exactly one argument (%d given)", fname,
                            a->npos + a->nkw);
    Value x = a->pos[0];
    mpz_t z, pos;
    bool in = false;
    mpz_init(pos);
    if (bigint_intlike(x)) {
        mpz_init(z);
        bigint_get(z, x);
        in = br_find(br(self), z, pos);
        mpz_clear(z);
    }
    if (count) {
        mpz_clear(pos);
        *out = val_int(in);
        return true;
    }
    if (in)
        return bigint_take(I, pos, out);
    mpz_clear(pos);
    StrBuf sb;
    sb_init(&sb);
    bool ok = value_repr(I, x, &sb);
    if (ok)
        ok = interp_error(I, ERR_VALUE, "%s is not in range", sb.data ? sb.data : "");
    sb_free(&sb);
    return ok;
}

static bool m_count(Interp *I, Value self, const Args *a, Value *out)
{
    return br_index_of(I, self, a, true, out);
}

static bool m_index(Interp *I, Value self, const Args *a, Value *out)
{
    return br_index_of(I, self, a, false, out);
}

static const NativeDef br_methods[] = {
    {"count", m_count, "count(value)", "1 when value is an item of the range, else 0.\n"
     "Example: range(2**100).count(5) -> 1"},
    {"index", m_index, "index(value)", "The position of value in the range; ValueError "
     "when it is not in it.\nExample: range(0, 2**100, 3).index(9) -> 3"},
    {NULL, NULL, NULL, NULL},
};

static const char *const br_attrs[] = {"start", "stop", "step", NULL};

const NativeClass bigrange_class = {
    .name = "range",
    .finalize = br_finalize,
    .getattr = br_getattr,
    .repr = br_repr,
    .compare = br_compare,
    .getitem = br_getitem,
    .len = br_len,
    .iter = br_iter,
    .truth = br_truth,
    .attrs = br_attrs,
    .methods = br_methods,
    .doc = "range(stop) / range(start, stop[, step]): an immutable sequence of ints, "
           "here past 64 bits.\nExample: range(2**100)[-1]",
};
