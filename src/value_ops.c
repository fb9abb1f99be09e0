/* value_ops.c - binary and unary operators and comparisons with Python
 * semantics: 64-bit ints with overflow detection, floor division and modulo
 * rounding toward negative infinity, true division to float, sequence
 * concatenation and repetition, lexicographic ordering, and dispatch to
 * native classes and user classes (__add__/__radd__, __lt__, ...).
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "object.h"
#include "bigint.h"

static const char *const dunder[BIN_COUNT] = {
    "__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__",
    "__matmul__", "__lshift__", "__rshift__", "__and__", "__or__", "__xor__"
};
static const char *const rdunder[BIN_COUNT] = {
    "__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__", "__rmod__", "__rpow__",
    "__rmatmul__", "__rlshift__", "__rrshift__", "__rand__", "__ror__", "__rxor__"
};

bool value_identical(Value a, Value b)
{
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case VAL_UNSET: case VAL_NONE: return true;
    case VAL_BOOL: return a.as.b == b.as.b;
    case VAL_INT: return a.as.i == b.as.i;
    case VAL_FLOAT: return a.as.f == b.as.f || (isnan(a.as.f) && isnan(b.as.f));
    case VAL_OBJ: return a.as.o == b.as.o;
    }
    return false;
}

bool num_as_double(Value v, double *out)
{
    switch (v.kind) {
    case VAL_BOOL: *out = v.as.b; return true;
    case VAL_INT: *out = (double)v.as.i; return true;
    case VAL_FLOAT: *out = v.as.f; return true;
    default: return false;
    }
}

static bool is_intlike(Value v) { return v.kind == VAL_INT || v.kind == VAL_BOOL; }
static int64_t intval(Value v) { return v.kind == VAL_BOOL ? v.as.b : v.as.i; }
static bool is_num(Value v) { return is_intlike(v) || v.kind == VAL_FLOAT; }

/* An int result that leaves int64 continues as a big int (bigint.c). */
static bool big(Interp *I, BinOp op, int64_t a, int64_t b, Value *out)
{
    return bigint_binop(I, op, val_int(a), val_int(b), out);
}

static bool int_pow(Interp *I, int64_t a, int64_t b, Value *out)
{
    if (b < 0) {
        if (a == 0)
            return interp_error(I, ERR_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
        *out = val_float(pow((double)a, (double)b));
        return true;
    }
    int64_t r = 1, base = a, e = b;
    while (e) {
        if (e & 1 && __builtin_mul_overflow(r, base, &r))
            return big(I, BIN_POW, a, b, out);
        e >>= 1;
        if (e && __builtin_mul_overflow(base, base, &base))
            return big(I, BIN_POW, a, b, out);
    }
    *out = val_int(r);
    return true;
}

static bool int_shift(Interp *I, BinOp op, int64_t a, int64_t b, Value *out)
{
    if (b < 0)
        return interp_error(I, ERR_VALUE, "negative shift count");
    if (op == BIN_RSHIFT) {
        *out = val_int(b >= 63 ? (a < 0 ? -1 : 0) : a >> b);
        return true;
    }
    if (a == 0) {
        *out = val_int(0);
        return true;
    }
    if (b >= 63 || (a > 0 ? a > (INT64_MAX >> b) : a < (INT64_MIN >> b)))
        return big(I, op, a, b, out);
    *out = val_int((int64_t)((uint64_t)a << b));
    return true;
}

#define TWO53 (INT64_C(1) << 53)

static bool int_binop(Interp *I, BinOp op, int64_t a, int64_t b, Value *out)
{
    int64_t r;
    switch (op) {
    case BIN_ADD: if (__builtin_add_overflow(a, b, &r)) return big(I, op, a, b, out); break;
    case BIN_SUB: if (__builtin_sub_overflow(a, b, &r)) return big(I, op, a, b, out); break;
    case BIN_MUL: if (__builtin_mul_overflow(a, b, &r)) return big(I, op, a, b, out); break;
    case BIN_DIV:
        if (b == 0)
            return interp_error(I, ERR_ZERO_DIVISION, "division by zero");
        if (a > TWO53 || a < -TWO53 || b > TWO53 || b < -TWO53)
            return big(I, op, a, b, out);     /* correctly rounded, as Python */
        *out = val_float((double)a / (double)b);
        return true;
    case BIN_FLOORDIV: case BIN_MOD:
        if (b == 0)
            return interp_error(I, ERR_ZERO_DIVISION, op == BIN_MOD ? "integer modulo by zero"
                                                    : "integer division or modulo by zero");
        if (a == INT64_MIN && b == -1) {
            if (op == BIN_FLOORDIV)
                return big(I, op, a, b, out);
            r = 0;
            break;
        }
        if (op == BIN_FLOORDIV) {
            r = a / b;
            if (a % b != 0 && ((a < 0) != (b < 0)))
                r--;
        } else {
            r = a % b;
            if (r != 0 && ((r < 0) != (b < 0)))
                r += b;
        }
        break;
    case BIN_POW: return int_pow(I, a, b, out);
    case BIN_LSHIFT: case BIN_RSHIFT: return int_shift(I, op, a, b, out);
    case BIN_BITAND: r = a & b; break;
    case BIN_BITOR: r = a | b; break;
    case BIN_BITXOR: r = a ^ b; break;
    default: return false;
    }
    *out = val_int(r);
    return true;
}

/* Python's float_divmod. */
static void float_divmod(double vx, double wx, double *floordiv, double *modp)
{
    double mod = fmod(vx, wx), div = (vx - mod) / wx, fd;
    if (mod) {
        if ((wx < 0) != (mod < 0)) {
            mod += wx;
            div -= 1.0;
        }
    } else {
        mod = copysign(0.0, wx);
    }
    if (div) {
        fd = floor(div);
        if (div - fd > 0.5)
            fd += 1.0;
    } else {
        fd = copysign(0.0, vx / wx);
    }
    *floordiv = fd;
    *modp = mod;
}

static bool float_pow(Interp *I, double a, double b, Value *out)
{
    if (a == 0.0 && b < 0)
        return interp_error(I, ERR_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
    if (a < 0 && b != floor(b) && isfinite(b))
        return interp_error(I, ERR_VALUE, "negative number cannot be raised to a fractional power");
    double r = pow(a, b);
    if (isinf(r) && isfinite(a) && isfinite(b))
        return interp_error(I, ERR_OVERFLOW, "(34, 'Numerical result out of range')");
    *out = val_float(r);
    return true;
}

static bool float_binop(Interp *I, BinOp op, double a, double b, Value *out, bool *handled)
{
    double fd, md;
    *handled = true;
    switch (op) {
    case BIN_ADD: *out = val_float(a + b); return true;
    case BIN_SUB: *out = val_float(a - b); return true;
    case BIN_MUL: *out = val_float(a * b); return true;
    case BIN_DIV:
        if (b == 0.0)
            return interp_error(I, ERR_ZERO_DIVISION, "float division by zero");
        *out = val_float(a / b);
        return true;
    case BIN_FLOORDIV: case BIN_MOD:
        if (b == 0.0)
            return interp_error(I, ERR_ZERO_DIVISION,
                                op == BIN_MOD ? "float modulo" : "float floor division by zero");
        float_divmod(a, b, &fd, &md);
        *out = val_float(op == BIN_MOD ? md : fd);
        return true;
    case BIN_POW: return float_pow(I, a, b, out);
    default: *handled = false; return true;
    }
}

static bool repeat_seq(Interp *I, Value seq, int64_t n, Value *out)
{
    if (n < 0)
        n = 0;
    if (val_is_obj(seq, OBJ_STR)) {
        size_t len = as_str(seq)->len;
        if (len && (uint64_t)n > (SIZE_MAX / 4) / len)
            return interp_error(I, ERR_MEMORY, "repeated string is too long");
        /* one allocation, filled by doubling: 'ab' * 10**15 is a MemoryError
         * at once, not a loop of 10**15 appends to a buffer that gave up */
        size_t total = len * (size_t)n;
        char *buf = malloc(total + 1);
        if (!buf)
            return interp_error(I, ERR_MEMORY, "out of memory building a string");
        if (total) {
            memcpy(buf, as_str(seq)->chars, len);
            for (size_t have = len; have < total; have *= 2)
                memcpy(buf + have, buf, have <= total - have ? have : total - have);
        }
        buf[total] = '\0';
        bool ok = str_new(I, buf, total, out);
        free(buf);
        return ok;
    }
    ObjList *l = as_list(seq);
    bool tuple = seq.as.o->kind == OBJ_TUPLE;
    if (l->len && (uint64_t)n > (SIZE_MAX / 64) / l->len)
        return interp_error(I, ERR_MEMORY, "repeated sequence is too long");
    size_t total = l->len * (size_t)n;
    Value r;
    if (tuple ? !tuple_new(I, total, &r) : !list_new(I, total, &r))
        return false;
    for (size_t i = 0; i < total; i++) {
        value_incref(l->items[i % l->len]);
        as_list(r)->items[i] = l->items[i % l->len];
    }
    as_list(r)->len = total;
    *out = r;
    return true;
}

static bool concat_seq(Interp *I, Value a, Value b, Value *out)
{
    if (val_is_obj(a, OBJ_STR)) {
        StrBuf sb;
        sb_init(&sb);
        sb_append(&sb, as_str(a)->chars, as_str(a)->len);
        sb_append(&sb, as_str(b)->chars, as_str(b)->len);
        return sb_to_str(I, &sb, out);
    }
    ObjList *p = as_list(a), *q = as_list(b);
    bool tuple = a.as.o->kind == OBJ_TUPLE;
    Value r;
    if (!list_copy_items(I, p, 0, p->len, tuple, &r))
        return false;
    ObjList *rl = as_list(r);
    Value *items = realloc(rl->items, (p->len + q->len + 1) * sizeof(Value));
    if (!items) {
        value_decref(r);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    rl->items = items;
    rl->cap = p->len + q->len + 1;
    for (size_t i = 0; i < q->len; i++) {
        value_incref(q->items[i]);
        rl->items[rl->len++] = q->items[i];
    }
    *out = r;
    return true;
}

/* Set algebra: | & - ^ (and dict | dict). */
static bool set_binop(Interp *I, BinOp op, Value a, Value b, Value *out)
{
    Value r, k, v;
    bool is_dict = a.as.o->kind == OBJ_DICT, ok = true, found;
    if (!is_dict)
        return pyset_binop(I, op, a, b, out);
    if (is_dict ? !dict_new(I, &r) : !set_new(I, &r))
        return false;
    size_t pos = 0;
    while (ok && dict_next(a, &pos, &k, &v)) {
        bool in_b = false;
        if (op != BIN_BITOR) {
            ok = value_contains(I, b, k, &in_b);
        }
        if (ok && (op == BIN_BITOR || (op == BIN_BITAND) == in_b))
            ok = dict_set(I, r, k, v);
    }
    pos = 0;
    while (ok && (op == BIN_BITOR || op == BIN_BITXOR) && dict_next(b, &pos, &k, &v)) {
        found = false;
        if (op == BIN_BITXOR)
            ok = value_contains(I, a, k, &found);
        if (ok && !found)
            ok = dict_set(I, r, k, v);
    }
    if (!ok) {
        value_decref(r);
        return false;
    }
    *out = r;
    return true;
}

/* The core types' operators; *handled=false when the types do not fit. */
static bool core_binop(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled)
{
    *handled = true;
    if (is_intlike(a) && is_intlike(b)) {
        if (a.kind == VAL_BOOL && b.kind == VAL_BOOL &&
            (op == BIN_BITAND || op == BIN_BITOR || op == BIN_BITXOR)) {
            bool x = a.as.b, y = b.as.b;
            *out = val_bool(op == BIN_BITAND ? (x && y) : op == BIN_BITOR ? (x || y) : x != y);
            return true;
        }
        if (op != BIN_MATMUL)
            return int_binop(I, op, intval(a), intval(b), out);
    }
    double x = 0, y = 0;
    if (is_num(a) && is_num(b)) {
        num_as_double(a, &x);
        num_as_double(b, &y);
        return float_binop(I, op, x, y, out, handled);
    }
    if (a.kind == VAL_OBJ && b.kind == VAL_OBJ && a.as.o->kind == b.as.o->kind) {
        ObjKind k = a.as.o->kind;
        if (op == BIN_ADD && (k == OBJ_STR || k == OBJ_LIST || k == OBJ_TUPLE))
            return concat_seq(I, a, b, out);
        if ((k == OBJ_SET && (op == BIN_BITOR || op == BIN_BITAND || op == BIN_SUB ||
                              op == BIN_BITXOR)) || (k == OBJ_DICT && op == BIN_BITOR))
            return set_binop(I, op, a, b, out);
    }
    if (op == BIN_MUL) {
        bool seq_a = val_is_obj(a, OBJ_STR) || val_is_obj(a, OBJ_LIST) || val_is_obj(a, OBJ_TUPLE);
        bool seq_b = val_is_obj(b, OBJ_STR) || val_is_obj(b, OBJ_LIST) || val_is_obj(b, OBJ_TUPLE);
        if (seq_a && is_intlike(b))
            return repeat_seq(I, a, intval(b), out);
        if (seq_b && is_intlike(a))
            return repeat_seq(I, b, intval(a), out);
    }
    if (op == BIN_MOD && val_is_obj(a, OBJ_STR))
        return format_percent(I, a, b, out);
    *handled = false;
    return true;
}

/* NotImplemented: what a user __eq__/__add__ returns to let the other
 * operand (or the default) answer. */
static bool notimpl_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I; (void)self;
    sb_puts(sb, "NotImplemented");
    return true;
}

static const NativeClass notimpl_class = {
    .name = "NotImplementedType", .repr = notimpl_repr,
    .doc = "NotImplemented: returned by a binary special method (__eq__, __add__, ...) to let "
           "the other operand answer.\nExample: return NotImplemented"};

bool value_notimpl_install(Interp *I)
{
    Value v;
    if (!native_obj_new(I, &notimpl_class, NULL, &v))
        return false;
    bool ok = interp_add_builtin(I, "NotImplemented", v);
    value_decref(v);
    return ok;
}

/* A user special method's answer: NotImplemented counts as no answer. */
static bool user_special(Interp *I, Value self, const char *name, Value arg, Value *out,
                         bool *handled)
{
    if (!user_instance_special(I, self, name, 1, &arg, out, handled))
        return false;
    if (*handled && native_obj_is(*out, &notimpl_class)) {
        value_decref(*out);
        *handled = false;
    }
    return true;
}

static bool native_binop(Interp *I, BinOp op, Value side, Value a, Value b, Value *out,
                         bool *handled)
{
    *handled = false;
    if (!val_is_obj(side, OBJ_NATIVE_OBJ))
        return true;
    const NativeClass *c = ((ObjNativeObj *)side.as.o)->cls;
    if (!c->binop)
        return true;
    return c->binop(I, op, a, b, out, handled);
}

static bool binop_type_error(Interp *I, BinOp op, Value a, Value b)
{
    const char *ta = value_type_name(a), *tb = value_type_name(b);
    if (op == BIN_ADD && val_is_obj(a, OBJ_STR))
        return interp_error(I, ERR_TYPE, "can only concatenate str (not \"%s\") to str", tb);
    if (op == BIN_ADD && (val_is_obj(a, OBJ_LIST) || val_is_obj(a, OBJ_TUPLE)))
        return interp_error(I, ERR_TYPE, "can only concatenate %s (not \"%s\") to %s", ta, tb, ta);
    if (op == BIN_MUL && (val_is_obj(a, OBJ_STR) || val_is_obj(a, OBJ_LIST) ||
                          val_is_obj(a, OBJ_TUPLE) || val_is_obj(b, OBJ_STR) ||
                          val_is_obj(b, OBJ_LIST) || val_is_obj(b, OBJ_TUPLE))) {
        bool seq_a = !is_num(a) && !val_is_obj(a, OBJ_NATIVE_OBJ);
        return interp_error(I, ERR_TYPE, "can't multiply sequence by non-int of type '%s'",
                            seq_a ? tb : ta);
    }
    return interp_error(I, ERR_TYPE, "unsupported operand type(s) for %s: '%s' and '%s'",
                        op == BIN_POW ? "** or pow()" : binop_symbol(op), ta, tb);
}

bool value_binop(Interp *I, BinOp op, Value a, Value b, Value *out)
{
    bool handled;
    if (!core_binop(I, op, a, b, out, &handled))
        return false;
    if (handled)
        return true;
    if (!native_binop(I, op, a, a, b, out, &handled))
        return false;
    if (!handled && !native_binop(I, op, b, a, b, out, &handled))
        return false;
    if (handled)
        return true;
    if (val_is_obj(a, OBJ_INSTANCE)) {
        if (!user_special(I, a, dunder[op], b, out, &handled))
            return false;
        if (handled)
            return true;
    }
    if (val_is_obj(b, OBJ_INSTANCE)) {
        if (!user_special(I, b, rdunder[op], a, out, &handled))
            return false;
        if (handled)
            return true;
    }
    return binop_type_error(I, op, a, b);
}

bool value_unop(Interp *I, UnOp op, Value v, Value *out)
{
    bool t, found;
    if (op == UN_NOT) {
        if (!value_truth(I, v, &t))
            return false;
        *out = val_bool(!t);
        return true;
    }
    if (is_intlike(v)) {
        int64_t x = intval(v);
        if (op == UN_NEG && x == INT64_MIN)
            return bigint_unop(I, op, v, out);
        *out = val_int(op == UN_NEG ? -x : op == UN_POS ? x : ~x);
        return true;
    }
    if (v.kind == VAL_FLOAT && op != UN_INVERT) {
        *out = val_float(op == UN_NEG ? -v.as.f : v.as.f);
        return true;
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->unop)
        return ((ObjNativeObj *)v.as.o)->cls->unop(I, op, v, out);
    if (val_is_obj(v, OBJ_INSTANCE)) {
        static const char *const names[] = {"__neg__", "__pos__", "", "__invert__"};
        if (!user_instance_special(I, v, names[op], 0, NULL, out, &found))
            return false;
        if (found)
            return true;
    }
    return interp_error(I, ERR_TYPE, "bad operand type for unary %s: '%s'", unop_symbol(op),
                        value_type_name(v));
}

/* ---- comparisons ---- */

static int cmp_result(CmpOp op, int c)
{
    switch (op) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    case CMP_GE: return c >= 0;
    case CMP_EQ: return c == 0;
    default: return c != 0;
    }
}

static bool order(Interp *I, CmpOp op, Value a, Value b, bool *res, bool *handled);
static bool order_seq_items(Interp *I, CmpOp op, ObjList *p, ObjList *q, bool *res);

static bool order_seq(Interp *I, CmpOp op, ObjList *p, ObjList *q, bool *res)
{
    if (I->cdepth > 800)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded in comparison");
    I->cdepth++;
    bool ok = order_seq_items(I, op, p, q, res);
    I->cdepth--;
    return ok;
}

static bool order_seq_items(Interp *I, CmpOp op, ObjList *p, ObjList *q, bool *res)
{
    size_t n = p->len < q->len ? p->len : q->len;
    for (size_t i = 0; i < n; i++) {
        bool e, h;
        if (!value_eq(I, p->items[i], q->items[i], &e))
            return false;
        if (e)
            continue;
        if (!order(I, op, p->items[i], q->items[i], res, &h))
            return false;
        if (!h)
            return interp_error(I, ERR_TYPE, "'%s' not supported between instances of '%s' and '%s'",
                                cmpop_symbol(op), value_type_name(p->items[i]),
                                value_type_name(q->items[i]));
        return true;
    }
    *res = cmp_result(op, p->len < q->len ? -1 : p->len > q->len);
    return true;
}

static bool order_set(Interp *I, CmpOp op, Value a, Value b, bool *res)
{
    Value x = a, y = b;
    if (op == CMP_GT || op == CMP_GE) {
        x = b;
        y = a;
    }
    size_t pos = 0;
    Value k;
    bool sub = true;
    while (sub && dict_next(x, &pos, &k, NULL))
        if (!value_contains(I, y, k, &sub))
            return false;
    bool strict = op == CMP_LT || op == CMP_GT;
    *res = sub && (!strict || as_dict(x)->len < as_dict(y)->len);
    return true;
}

/* <, <=, >, >= for core types; *handled=false when they do not order. */
static bool order(Interp *I, CmpOp op, Value a, Value b, bool *res, bool *handled)
{
    *handled = true;
    if (is_intlike(a) && is_intlike(b)) {
        int64_t x = intval(a), y = intval(b);
        *res = cmp_result(op, (x > y) - (x < y));
        return true;
    }
    if ((is_intlike(a) && b.kind == VAL_FLOAT) || (a.kind == VAL_FLOAT && is_intlike(b))) {
        int c = is_intlike(a) ? bigint_cmp_double(a, b.as.f) : bigint_cmp_double(b, a.as.f);
        *res = c != 2 && cmp_result(op, is_intlike(a) ? c : -c);   /* exact, as Python */
        return true;
    }
    double x, y;
    if (is_num(a) && is_num(b)) {
        num_as_double(a, &x);
        num_as_double(b, &y);
        *res = op == CMP_LT ? x < y : op == CMP_LE ? x <= y : op == CMP_GT ? x > y : x >= y;
        return true;
    }
    if (a.kind == VAL_OBJ && b.kind == VAL_OBJ && a.as.o->kind == b.as.o->kind) {
        switch (a.as.o->kind) {
        case OBJ_STR: {
            size_t n = as_str(a)->len < as_str(b)->len ? as_str(a)->len : as_str(b)->len;
            int c = memcmp(as_str(a)->chars, as_str(b)->chars, n);
            if (c == 0)
                c = (as_str(a)->len > as_str(b)->len) - (as_str(a)->len < as_str(b)->len);
            *res = cmp_result(op, c);
            return true;
        }
        case OBJ_LIST: case OBJ_TUPLE: return order_seq(I, op, as_list(a), as_list(b), res);
        case OBJ_SET: return order_set(I, op, a, b, res);
        default: break;
        }
    }
    *handled = false;
    return true;
}

static bool native_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    *handled = false;
    Value side = val_is_obj(a, OBJ_NATIVE_OBJ) ? a : b;
    if (!val_is_obj(side, OBJ_NATIVE_OBJ) || !((ObjNativeObj *)side.as.o)->cls->compare)
        return true;
    if (!((ObjNativeObj *)side.as.o)->cls->compare(I, op, a, b, out, handled))
        return false;
    if (!*handled && val_is_obj(b, OBJ_NATIVE_OBJ) && side.as.o != b.as.o &&
        ((ObjNativeObj *)b.as.o)->cls->compare)
        return ((ObjNativeObj *)b.as.o)->cls->compare(I, op, a, b, out, handled);
    return true;
}

static bool user_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    static const char *const names[] = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"};
    static const CmpOp swapped[] = {CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE};
    *handled = false;
    if (val_is_obj(a, OBJ_INSTANCE) && !user_special(I, a, names[op], b, out, handled))
        return false;
    if (!*handled && val_is_obj(b, OBJ_INSTANCE) &&
        !user_special(I, b, names[swapped[op]], a, out, handled))
        return false;
    if (!*handled && op == CMP_NE && (val_is_obj(a, OBJ_INSTANCE) || val_is_obj(b, OBJ_INSTANCE))) {
        Value r;
        if (!user_compare(I, CMP_EQ, a, b, &r, handled))
            return false;
        if (*handled) {
            bool t;
            bool ok = value_truth(I, r, &t);
            value_decref(r);
            if (!ok)
                return false;
            *out = val_bool(!t);
        }
    }
    return true;
}

bool value_compare(Interp *I, CmpOp op, Value a, Value b, Value *out)
{
    bool res, handled;
    if (op == CMP_IS || op == CMP_IS_NOT) {
        *out = val_bool(value_identical(a, b) == (op == CMP_IS));
        return true;
    }
    if (op == CMP_IN || op == CMP_NOT_IN) {
        if (!value_contains(I, b, a, &res))
            return false;
        *out = val_bool(res == (op == CMP_IN));
        return true;
    }
    if (!native_compare(I, op, a, b, out, &handled))
        return false;
    if (!handled && !user_compare(I, op, a, b, out, &handled))
        return false;
    if (handled)
        return true;
    if (op == CMP_EQ || op == CMP_NE) {
        if (val_is_obj(a, OBJ_INSTANCE) || val_is_obj(b, OBJ_INSTANCE) ||
            val_is_obj(a, OBJ_NATIVE_OBJ) || val_is_obj(b, OBJ_NATIVE_OBJ))
            res = value_identical(a, b);
        else if (!value_eq(I, a, b, &res))
            return false;
        *out = val_bool(res == (op == CMP_EQ));
        return true;
    }
    if (!order(I, op, a, b, &res, &handled))
        return false;
    if (!handled)
        return interp_error(I, ERR_TYPE, "'%s' not supported between instances of '%s' and '%s'",
                            cmpop_symbol(op), value_type_name(a), value_type_name(b));
    *out = val_bool(res);
    return true;
}
