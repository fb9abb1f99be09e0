/* mod_np.c - the `numpy` module: array creation, element-wise math,
 * reductions, shape functions, where/unique/sort, dtypes and print options.
 * np.random and np.linalg are in mod_np_random.c; the shape-joining and
 * set functions in mod_np_shape.c.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Results are numpy
 * arrays, or numpy scalars when 0-d (np.sum(a)); Python ints become int64
 * and floats float64; tf tensors given to np functions give numpy results.
 * The print options live in the module's `_printoptions` value.
 */
#include <string.h>
#include <math.h>
#include "tensor_value.h"
#include "tensor_format.h"
#include "mod_np.h"
#include "modules.h"

bool np_tensor(Interp *I, Value v, NnTensor **out)
{
    return tensor_from_value(I, v, -1, TENSOR_NP, out);
}

bool np_value(Interp *I, Value v, Value *out)
{
    if (v.kind == VAL_BOOL || v.kind == VAL_INT || v.kind == VAL_FLOAT) {
        *out = v;
        return true;
    }
    NnTensor *t;
    if (!np_tensor(I, v, &t))
        return false;
    return tensor_value_np(I, t, out);
}

bool np_given(Value v)
{
    return v.kind != VAL_UNSET && v.kind != VAL_NONE;
}

/* ---- element-wise ---- */

static bool np_bin(Interp *I, const Args *a, NnBinaryOp op, const char *fname, Value *out)
{
    Value v[3], x, y;
    if (!args_parse(I, fname, a, "x1, x2, out=", v) || !np_value(I, v[0], &x))
        return false;
    if (!np_value(I, v[1], &y)) {
        value_decref(x);
        return false;
    }
    bool ok = tensor_binary(I, op, x, y, out);
    value_decref(x);
    value_decref(y);
    return ok;
}

#define NP_BIN(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return np_bin(I, a, OP, NAME, out); }
NP_BIN(np_add, NN_ADD, "add")
NP_BIN(np_subtract, NN_SUB, "subtract")
NP_BIN(np_multiply, NN_MUL, "multiply")
NP_BIN(np_divide, NN_DIV, "divide")
NP_BIN(np_floor_divide, NN_FLOORDIV, "floor_divide")
NP_BIN(np_mod, NN_MOD, "mod")
NP_BIN(np_power, NN_POW, "power")
NP_BIN(np_maximum, NN_MAXIMUM, "maximum")
NP_BIN(np_minimum, NN_MINIMUM, "minimum")
NP_BIN(np_equal, NN_EQ, "equal")
NP_BIN(np_not_equal, NN_NE, "not_equal")
NP_BIN(np_greater, NN_GT, "greater")
NP_BIN(np_greater_equal, NN_GE, "greater_equal")
NP_BIN(np_less, NN_LT, "less")
NP_BIN(np_less_equal, NN_LE, "less_equal")
NP_BIN(np_logical_and, NN_LOGICAL_AND, "logical_and")
NP_BIN(np_logical_or, NN_LOGICAL_OR, "logical_or")
NP_BIN(np_logical_xor, NN_LOGICAL_XOR, "logical_xor")
NP_BIN(np_arctan2, NN_ATAN2, "arctan2")

static bool np_un(Interp *I, const Args *a, NnUnaryOp op, const char *fname, Value *out)
{
    Value v[2], x;
    if (!args_parse(I, fname, a, "x, out=", v) || !np_value(I, v[0], &x))
        return false;
    bool ok;
    if (x.kind != VAL_OBJ) {   /* a Python number: np.exp(1.0) is a numpy scalar */
        NnTensor *t;
        Value tv;
        ok = np_tensor(I, x, &t) && tensor_value_np(I, t, &tv);
        if (!ok)
            return false;
        ok = tensor_unary(I, op, tv, TENSOR_NP, out);
        value_decref(tv);
        return ok;
    }
    ok = tensor_unary(I, op, x, TENSOR_NP, out);
    value_decref(x);
    return ok;
}

#define NP_UN(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return np_un(I, a, OP, NAME, out); }
NP_UN(np_exp, NN_EXP, "exp")
NP_UN(np_expm1, NN_EXPM1, "expm1")
NP_UN(np_log, NN_LOG, "log")
NP_UN(np_log1p, NN_LOG1P, "log1p")
NP_UN(np_log2, NN_LOG2, "log2")
NP_UN(np_log10, NN_LOG10, "log10")
NP_UN(np_sqrt, NN_SQRT, "sqrt")
NP_UN(np_abs, NN_ABS, "absolute")
NP_UN(np_sign, NN_SIGN, "sign")
NP_UN(np_square, NN_SQUARE, "square")
NP_UN(np_negative, NN_NEG, "negative")
NP_UN(np_reciprocal, NN_RECIPROCAL, "reciprocal")
NP_UN(np_sin, NN_SIN, "sin")
NP_UN(np_cos, NN_COS, "cos")
NP_UN(np_tan, NN_TAN, "tan")
NP_UN(np_arcsin, NN_ASIN, "arcsin")
NP_UN(np_arccos, NN_ACOS, "arccos")
NP_UN(np_arctan, NN_ATAN, "arctan")
NP_UN(np_sinh, NN_SINH, "sinh")
NP_UN(np_cosh, NN_COSH, "cosh")
NP_UN(np_tanh, NN_TANH, "tanh")
NP_UN(np_floor, NN_FLOOR, "floor")
NP_UN(np_ceil, NN_CEIL, "ceil")
NP_UN(np_trunc, NN_TRUNC, "trunc")
NP_UN(np_isnan, NN_ISNAN, "isnan")
NP_UN(np_isinf, NN_ISINF, "isinf")
NP_UN(np_isfinite, NN_ISFINITE, "isfinite")
NP_UN(np_logical_not, NN_LOGICAL_NOT, "logical_not")

static bool np_round(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], x;
    (void)self;
    if (!args_parse(I, "round", a, "a, decimals=, out=", v) || !np_value(I, v[0], &x))
        return false;
    if (x.kind != VAL_OBJ) {
        NnTensor *t;
        if (!np_tensor(I, x, &t) || !tensor_value_np(I, t, &x))
            return false;
    }
    Value meth;
    bool ok = value_getattr(I, x, "round", &meth);
    if (ok) {
        Args ma = {v[1].kind == VAL_UNSET ? 0 : 1, &v[1], 0, NULL, NULL};
        ok = value_call(I, meth, &ma, out);
        value_decref(meth);
    }
    value_decref(x);
    return ok;
}

static bool np_clip(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, lo = {0};
    bool ok = false;
    (void)self;
    if (!args_parse(I, "clip", a, "a, a_min, a_max, out=", v) || !np_value(I, v[0], &x))
        return false;
    if (!np_given(v[1])) {
        lo = x;
        value_incref(lo);
        ok = true;
    } else {
        ok = tensor_binary(I, NN_MAXIMUM, x, v[1], &lo);
    }
    if (ok)
        ok = np_given(v[2]) ? tensor_binary(I, NN_MINIMUM, lo, v[2], out)
                            : (value_incref(lo), *out = lo, true);
    value_decref(lo);
    value_decref(x);
    return ok;
}

/* ---- reductions ---- */

static bool np_red(Interp *I, const Args *a, NnReduceOp op, const char *fname, Value *out)
{
    Value v[6];
    int64_t ddof = 0;
    bool sv = op == NN_STD || op == NN_VAR;
    if (!args_parse(I, fname, a, sv ? "a, axis=, dtype=, out=, ddof=, keepdims="
                                    : "a, axis=, dtype=, out=, keepdims=, initial=", v))
        return false;
    if (sv && v[4].kind != VAL_UNSET && !arg_int(I, fname, "ddof", v[4], &ddof))
        return false;
    return tensor_reduce(I, op, v[0], v[1], sv ? v[5] : v[4], TENSOR_NP, (int)ddof, out);
}

#define NP_RED(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return np_red(I, a, OP, NAME, out); }
NP_RED(np_sum, NN_SUM, "sum")
NP_RED(np_mean, NN_MEAN, "mean")
NP_RED(np_prod, NN_PROD, "prod")
NP_RED(np_max, NN_MAX, "amax")
NP_RED(np_min, NN_MIN, "amin")
NP_RED(np_std, NN_STD, "std")
NP_RED(np_var, NN_VAR, "var")

static bool np_anyall(Interp *I, const Args *a, NnReduceOp op, Value *out)
{
    Value v[4];
    if (!args_parse(I, op == NN_ANY ? "any" : "all", a, "a, axis=, out=, keepdims=", v))
        return false;
    return tensor_reduce(I, op, v[0], v[1], v[3], TENSOR_NP, 0, out);
}

static bool np_any(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_anyall(I, a, NN_ANY, out);
}

static bool np_all(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_anyall(I, a, NN_ALL, out);
}

static bool np_arg(Interp *I, const Args *a, NnReduceOp op, Value *out)
{
    Value v[4];
    if (!args_parse(I, op == NN_ARGMAX ? "argmax" : "argmin", a, "a, axis=, out=, keepdims=", v))
        return false;
    return tensor_reduce(I, op, v[0], v[1], v[3], TENSOR_NP, 0, out);
}

static bool np_argmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_arg(I, a, NN_ARGMAX, out);
}

static bool np_argmin(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_arg(I, a, NN_ARGMIN, out);
}

static bool np_count_nonzero(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], b;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "count_nonzero", a, "a, axis=, keepdims=", v) ||
        !tensor_from_value(I, v[0], NN_BOOL, TENSOR_NP, &t) || !tensor_value_new(I, t, TENSOR_NP, &b))
        return false;
    bool ok = tensor_reduce(I, NN_SUM, b, v[1], v[2], TENSOR_NP, 0, out);
    value_decref(b);
    if (ok && !np_given(v[1]) && tensor_value_is(*out)) {   /* numpy gives a Python int */
        int64_t n = nn_tensor_get_i64(tensor_value_get(*out), 0);
        value_decref(*out);
        *out = val_int(n);
    }
    return ok;
}

static bool np_cumsum(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, meth;
    (void)self;
    if (!args_parse(I, "cumsum", a, "a, axis=, dtype=, out=", v) || !np_value(I, v[0], &x))
        return false;
    if (x.kind != VAL_OBJ) {
        NnTensor *t;
        if (!np_tensor(I, x, &t) || !tensor_value_new(I, t, TENSOR_NP, &x))
            return false;
    }
    bool ok = value_getattr(I, x, "cumsum", &meth);
    if (ok) {
        const char *kw[] = {"axis"};
        Args ma = {0, NULL, np_given(v[1]) ? 1 : 0, kw, &v[1]};
        ok = value_call(I, meth, &ma, out);
        value_decref(meth);
    }
    value_decref(x);
    return ok;
}

/* ---- linear algebra ---- */

static bool np_matmul2(Interp *I, const Args *a, const char *fname, Value *out)
{
    Value v[3];
    if (!args_parse(I, fname, a, "a, b, out=", v))
        return false;
    NnTensor *x = tensor_value_get(v[0]), *y = tensor_value_get(v[1]);
    bool scalar = (x && x->ndim == 0) || (y && y->ndim == 0) ||
                  (!x && !val_is_obj(v[0], OBJ_LIST) && !val_is_obj(v[0], OBJ_TUPLE)) ||
                  (!y && !val_is_obj(v[1], OBJ_LIST) && !val_is_obj(v[1], OBJ_TUPLE));
    if (scalar && strcmp(fname, "dot") == 0)
        return tensor_binary(I, NN_MUL, v[0], v[1], out);
    if (strcmp(fname, "dot") == 0) {   /* numpy.dot's rules and its "not aligned" error */
        NnTensor *tx, *ty;
        if (!np_tensor(I, v[0], &tx))
            return false;
        if (!np_tensor(I, v[1], &ty)) {
            nn_tensor_unref(tx);
            return false;
        }
        NnTensor *r = nn_dot(interp_nn(I), tx, ty);
        nn_tensor_unref(tx);
        nn_tensor_unref(ty);
        return np_wrap(I, r, out);
    }
    Value xv, yv;
    if (!np_value(I, v[0], &xv))
        return false;
    if (!np_value(I, v[1], &yv)) {
        value_decref(xv);
        return false;
    }
    bool ok = tensor_matmul(I, xv, yv, TENSOR_NP, out);
    value_decref(xv);
    value_decref(yv);
    return ok;
}

static bool np_dot(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_matmul2(I, a, "dot", out);
}

static bool np_matmul(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return np_matmul2(I, a, "matmul", out);
}

static bool np_outer(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *x = NULL, *y = NULL, *cx = NULL, *cy = NULL;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "outer", a, "a, b, out=", v) || !np_tensor(I, v[0], &x))
        return false;
    if (np_tensor(I, v[1], &y)) {
        NnDType dt = nn_promote(x->dtype, y->dtype);
        cx = nn_tensor_cast(interp_nn(I), x, dt);
        cy = cx ? nn_tensor_cast(interp_nn(I), y, dt) : NULL;
        ok = tensor_value_wrap(I, cy ? nn_outer(interp_nn(I), cx, cy) : NULL, TENSOR_NP, out);
    }
    nn_tensor_unref(cx);
    nn_tensor_unref(cy);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

/* ---- comparisons of whole arrays ---- */

static bool close_flags(Interp *I, const Args *a, const char *fname, Value *out, bool all)
{
    Value v[5];
    NnTensor *x = NULL, *y = NULL;
    double rtol = 1e-05, atol = 1e-08;
    bool eqnan = false, ok = false;
    if (!args_parse(I, fname, a, "a, b, rtol=, atol=, equal_nan=", v) ||
        (v[2].kind != VAL_UNSET && !arg_float(I, fname, "rtol", v[2], &rtol)) ||
        (v[3].kind != VAL_UNSET && !arg_float(I, fname, "atol", v[3], &atol)) ||
        (v[4].kind != VAL_UNSET && !arg_bool(I, fname, "equal_nan", v[4], &eqnan)) ||
        !tensor_from_value(I, v[0], NN_F64, TENSOR_NP, &x))
        return false;
    if (!tensor_from_value(I, v[1], NN_F64, TENSOR_NP, &y))
        goto done;
    int nd;
    int64_t shape[NN_MAXDIM];
    if (nn_broadcast_shape(interp_nn(I), x->ndim, x->shape, y->ndim, y->shape, &nd, shape) != NN_OK) {
        interp_error_from_nn(I);
        goto done;
    }
    NnTensor *bx = nn_tensor_broadcast_to(interp_nn(I), x, nd, shape);
    NnTensor *by = bx ? nn_tensor_broadcast_to(interp_nn(I), y, nd, shape) : NULL;
    NnTensor *r = by ? nn_tensor_new(interp_nn(I), NN_BOOL, nd, shape) : NULL;
    bool every = true;
    for (int64_t i = 0; r && i < nn_tensor_numel(r); i++) {
        double p = nn_tensor_get_f64(bx, i), q = nn_tensor_get_f64(by, i);
        bool c = (isnan(p) || isnan(q)) ? (eqnan && isnan(p) && isnan(q))
               : p == q || fabs(p - q) <= atol + rtol * fabs(q);
        nn_tensor_set_i64(r, i, c);
        every = every && c;
    }
    nn_tensor_unref(bx);
    nn_tensor_unref(by);
    if (!r) {
        interp_error_from_nn(I);
        goto done;
    }
    if (all) {
        nn_tensor_unref(r);
        *out = val_bool(every);
        ok = true;
    } else {
        ok = tensor_value_np(I, r, out);
    }
done:
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool np_allclose(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return close_flags(I, a, "allclose", out, true);
}

static bool np_isclose(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return close_flags(I, a, "isclose", out, false);
}

static bool np_array_equal(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "array_equal", a, "a1, a2, equal_nan=", v) || !np_tensor(I, v[0], &x))
        return false;
    if (!np_tensor(I, v[1], &y)) {
        nn_tensor_unref(x);
        return false;
    }
    bool eq = nn_shape_equal(x, y);
    for (int64_t i = 0; eq && i < nn_tensor_numel(x); i++)
        eq = nn_dtype_is_float(x->dtype) || nn_dtype_is_float(y->dtype)
           ? nn_tensor_get_f64(x, i) == nn_tensor_get_f64(y, i)
           : nn_tensor_get_i64(x, i) == nn_tensor_get_i64(y, i);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    *out = val_bool(eq);
    return true;
}

/* ---- print options ---- */

static PrintOptions *np_options(Interp *I, Value self)
{
    (void)self;
    Value np, po;
    bool found = false;
    PrintOptions *o = NULL;
    if (!interp_import(I, "numpy", &np))
        return NULL;
    if (module_get(I, np, "_printoptions", &po, &found) && found) {
        o = tensor_printoptions_get(po);
        value_decref(po);
    }
    value_decref(np);
    if (!o && !interp_error_pending(I))
        interp_error(I, ERR_RUNTIME, "numpy print options are missing");
    return o;
}

static bool np_set_printoptions(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[8];
    int64_t n;
    PrintOptions *o = np_options(I, self);
    if (!o || !args_parse(I, "set_printoptions", a, "precision=, threshold=, edgeitems=, "
                          "linewidth=, suppress=, nanstr=, infstr=, sign=", v))
        return false;
    if (np_given(v[0])) {
        if (!arg_int(I, "set_printoptions", "precision", v[0], &n))
            return false;
        o->precision = (int)n;
    }
    if (np_given(v[1])) {
        double th;
        if (!arg_float(I, "set_printoptions", "threshold", v[1], &th))
            return false;
        o->threshold = th > 9.2e18 ? INT64_MAX : (int64_t)th;
    }
    if (np_given(v[2])) {
        if (!arg_int(I, "set_printoptions", "edgeitems", v[2], &n))
            return false;
        o->edgeitems = (int)n;
    }
    if (np_given(v[3])) {
        if (!arg_int(I, "set_printoptions", "linewidth", v[3], &n))
            return false;
        o->linewidth = (int)n;
    }
    if (np_given(v[4]) && !arg_bool(I, "set_printoptions", "suppress", v[4], &o->suppress))
        return false;
    if (np_given(v[7])) {
        const char *s;
        if (!arg_str(I, "set_printoptions", "sign", v[7], &s))
            return false;
        if (strcmp(s, "-") && strcmp(s, "+") && strcmp(s, " "))
            return interp_error(I, ERR_VALUE, "sign option must be one of ' ', '+', or '-'");
        o->sign = s[0];
    }
    *out = val_none();
    return true;
}

static bool np_get_printoptions(Interp *I, Value self, const Args *a, Value *out)
{
    PrintOptions *o = np_options(I, self);
    Value d, s = {0};
    if (!o || !args_parse(I, "get_printoptions", a, "", (Value[1]){{0}}) || !dict_new(I, &d))
        return false;
    char sign[2] = {o->sign, 0};
    Value fm = {0}, nan = {0}, inf = {0}, legacy = {0};
    /* numpy 1.24's keys, in its order */
    bool ok = dict_set_str(I, d, "edgeitems", val_int(o->edgeitems)) &&
              dict_set_str(I, d, "threshold", val_int(o->threshold)) && str_from_cstr(I, "maxprec", &fm) &&
              dict_set_str(I, d, "floatmode", fm) && dict_set_str(I, d, "precision", val_int(o->precision)) &&
              dict_set_str(I, d, "suppress", val_bool(o->suppress)) &&
              dict_set_str(I, d, "linewidth", val_int(o->linewidth)) &&
              str_from_cstr(I, o->nanstr ? o->nanstr : "nan", &nan) && dict_set_str(I, d, "nanstr", nan) &&
              str_from_cstr(I, o->infstr ? o->infstr : "inf", &inf) && dict_set_str(I, d, "infstr", inf) &&
              str_from_cstr(I, sign, &s) && dict_set_str(I, d, "sign", s) &&
              dict_set_str(I, d, "formatter", val_none()) &&
              (o->legacy_113 ? str_from_cstr(I, "1.13", &legacy) : (legacy = val_bool(false), true)) &&
              dict_set_str(I, d, "legacy", legacy);
    value_decref(s);
    value_decref(fm);
    value_decref(nan);
    value_decref(inf);
    value_decref(legacy);
    if (!ok) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

/* ---- tables and the module ---- */

#define D(name, fn, sig, doc) {name, fn, sig, doc}

static const NativeDef np_math_defs[] = {
    D("add", np_add, "add(x1, x2)", "x1 + x2 element-wise."),
    D("subtract", np_subtract, "subtract(x1, x2)", "x1 - x2 element-wise."),
    D("multiply", np_multiply, "multiply(x1, x2)", "x1 * x2 element-wise."),
    D("divide", np_divide, "divide(x1, x2)", "x1 / x2 element-wise (true division)."),
    D("true_divide", np_divide, "true_divide(x1, x2)", "x1 / x2 element-wise."),
    D("floor_divide", np_floor_divide, "floor_divide(x1, x2)", "x1 // x2 element-wise."),
    D("mod", np_mod, "mod(x1, x2)", "x1 % x2 element-wise."),
    D("remainder", np_mod, "remainder(x1, x2)", "x1 % x2 element-wise."),
    D("power", np_power, "power(x1, x2)", "x1 ** x2 element-wise."),
    D("maximum", np_maximum, "maximum(x1, x2)", "Element-wise maximum (NaN propagates)."),
    D("minimum", np_minimum, "minimum(x1, x2)", "Element-wise minimum (NaN propagates)."),
    D("equal", np_equal, "equal(x1, x2)", "x1 == x2 element-wise."),
    D("not_equal", np_not_equal, "not_equal(x1, x2)", "x1 != x2 element-wise."),
    D("greater", np_greater, "greater(x1, x2)", "x1 > x2 element-wise."),
    D("greater_equal", np_greater_equal, "greater_equal(x1, x2)", "x1 >= x2 element-wise."),
    D("less", np_less, "less(x1, x2)", "x1 < x2 element-wise."),
    D("less_equal", np_less_equal, "less_equal(x1, x2)", "x1 <= x2 element-wise."),
    D("logical_and", np_logical_and, "logical_and(x1, x2)", "Element-wise and."),
    D("logical_or", np_logical_or, "logical_or(x1, x2)", "Element-wise or."),
    D("logical_xor", np_logical_xor, "logical_xor(x1, x2)", "Element-wise xor."),
    D("arctan2", np_arctan2, "arctan2(x1, x2)", "Angle of the point (x2, x1)."),
    D("exp", np_exp, "exp(x)", "e ** x element-wise."),
    D("expm1", np_expm1, "expm1(x)", "exp(x) - 1 element-wise."),
    D("log", np_log, "log(x)", "Natural logarithm element-wise."),
    D("log1p", np_log1p, "log1p(x)", "log(1 + x) element-wise."),
    D("log2", np_log2, "log2(x)", "Base-2 logarithm element-wise."),
    D("log10", np_log10, "log10(x)", "Base-10 logarithm element-wise."),
    D("sqrt", np_sqrt, "sqrt(x)", "Square root element-wise."),
    D("abs", np_abs, "abs(x)", "|x| element-wise."),
    D("absolute", np_abs, "absolute(x)", "|x| element-wise."),
    D("fabs", np_abs, "fabs(x)", "|x| element-wise."),
    D("sign", np_sign, "sign(x)", "-1, 0 or 1 element-wise."),
    D("square", np_square, "square(x)", "x * x element-wise."),
    D("negative", np_negative, "negative(x)", "-x element-wise."),
    D("reciprocal", np_reciprocal, "reciprocal(x)", "1 / x element-wise."),
    D("sin", np_sin, "sin(x)", "Sine."), D("cos", np_cos, "cos(x)", "Cosine."),
    D("tan", np_tan, "tan(x)", "Tangent."), D("arcsin", np_arcsin, "arcsin(x)", "Inverse sine."),
    D("arccos", np_arccos, "arccos(x)", "Inverse cosine."),
    D("arctan", np_arctan, "arctan(x)", "Inverse tangent."),
    D("sinh", np_sinh, "sinh(x)", "Hyperbolic sine."), D("cosh", np_cosh, "cosh(x)", "Hyperbolic cosine."),
    D("tanh", np_tanh, "tanh(x)", "Hyperbolic tangent."),
    D("floor", np_floor, "floor(x)", "Rounds down."), D("ceil", np_ceil, "ceil(x)", "Rounds up."),
    D("trunc", np_trunc, "trunc(x)", "Rounds toward zero."),
    D("round", np_round, "round(a, decimals=0)", "Rounds half to even."),
    D("around", np_round, "around(a, decimals=0)", "Rounds half to even."),
    D("isnan", np_isnan, "isnan(x)", "True where x is NaN."),
    D("isinf", np_isinf, "isinf(x)", "True where x is infinite."),
    D("isfinite", np_isfinite, "isfinite(x)", "True where x is finite."),
    D("logical_not", np_logical_not, "logical_not(x)", "Element-wise not."),
    D("clip", np_clip, "clip(a, a_min, a_max)", "Values limited to [a_min, a_max]."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef np_reduce_defs[] = {
    D("sum", np_sum, "sum(a, axis=None, dtype=None, keepdims=False)", "Sum of the elements.\n  np.sum(a, axis=0)"),
    D("mean", np_mean, "mean(a, axis=None, dtype=None, keepdims=False)", "Arithmetic mean."),
    D("prod", np_prod, "prod(a, axis=None, keepdims=False)", "Product of the elements."),
    D("max", np_max, "max(a, axis=None, keepdims=False)", "Largest element."),
    D("amax", np_max, "amax(a, axis=None, keepdims=False)", "Largest element."),
    D("min", np_min, "min(a, axis=None, keepdims=False)", "Smallest element."),
    D("amin", np_min, "amin(a, axis=None, keepdims=False)", "Smallest element."),
    D("std", np_std, "std(a, axis=None, ddof=0, keepdims=False)", "Standard deviation."),
    D("var", np_var, "var(a, axis=None, ddof=0, keepdims=False)", "Variance."),
    D("any", np_any, "any(a, axis=None, keepdims=False)", "True when any element is true."),
    D("all", np_all, "all(a, axis=None, keepdims=False)", "True when all elements are true."),
    D("argmax", np_argmax, "argmax(a, axis=None)", "Index of the largest element (flattened by default)."),
    D("argmin", np_argmin, "argmin(a, axis=None)", "Index of the smallest element."),
    D("count_nonzero", np_count_nonzero, "count_nonzero(a, axis=None)", "Number of non-zero elements."),
    D("cumsum", np_cumsum, "cumsum(a, axis=None)", "Running sum."),
    D("dot", np_dot, "dot(a, b)", "Dot product / matrix product."),
    D("matmul", np_matmul, "matmul(a, b)", "Matrix product (batched)."),
    D("outer", np_outer, "outer(a, b)", "Outer product of two vectors."),
    D("allclose", np_allclose, "allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)", "True when all elements are close."),
    D("isclose", np_isclose, "isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)", "Element-wise closeness."),
    D("array_equal", np_array_equal, "array_equal(a1, a2)", "True when shapes and elements are equal."),
    D("set_printoptions", np_set_printoptions, "set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, suppress=None, sign=None)", "Sets how arrays print in this session."),
    D("get_printoptions", np_get_printoptions, "get_printoptions()", "The current print options as a dict."),
    {NULL, NULL, NULL, NULL}
};

static bool add_np_names(Interp *I, Value m)
{
    static const struct { const char *name; NnDType dt; } types[] = {
        {"float32", NN_F32}, {"float64", NN_F64}, {"float_", NN_F64}, {"double", NN_F64},
        {"int32", NN_I32}, {"int64", NN_I64}, {"int_", NN_I64}, {"uint8", NN_U8},
        {"bool_", NN_BOOL}, {"bool8", NN_BOOL},
    };
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof types / sizeof types[0]; i++) {
        Value d;
        ok = tensor_dtype_value(I, types[i].dt, DTYPE_NP_TYPE, &d);
        if (ok) {
            ok = module_set(I, m, types[i].name, d);   /* retains d on success */
            value_decref(d);
        }
    }
    Value po, nd;
    ok = ok && tensor_np_types_install(I, m);
    if (ok && (ok = tensor_np_type(I, &nd))) {   /* isinstance(x, np.ndarray) */
        ok = module_set(I, m, "ndarray", nd);
        value_decref(nd);
    }
    ok = ok && module_set(I, m, "nan", val_float(NAN)) && module_set(I, m, "NaN", val_float(NAN)) &&
         module_set(I, m, "inf", val_float(INFINITY)) && module_set(I, m, "Inf", val_float(INFINITY)) &&
         module_set(I, m, "pi", val_float(M_PI)) && module_set(I, m, "e", val_float(M_E)) &&
         module_set(I, m, "newaxis", val_none()) && tensor_printoptions_new(I, &po);
    if (ok) {
        ok = module_set(I, m, "_printoptions", po);
        value_decref(po);
    }
    return ok;
}

static bool attach(Interp *I, Value m, const char *name, const char *dotted)
{
    Value sub;
    if (!interp_import(I, dotted, &sub))
        return false;
    bool ok = module_set(I, m, name, sub);
    value_decref(sub);
    return ok;
}

bool mod_np_create(Interp *I, Value *out)
{
    Value m, ver;
    if (!module_new(I, "numpy", "numpy as nnsh provides it: arrays, math, reductions, "
                    "np.random, np.linalg.", &m))
        return false;
    bool ok = module_add_natives(I, m, np_create_defs) && module_add_natives(I, m, np_math_defs) &&
              module_add_natives(I, m, np_reduce_defs) && module_add_natives(I, m, np_shape_defs) &&
              module_add_natives(I, m, np_extra_defs) && module_add_natives(I, m, np_more_defs) &&
              module_add_natives(I, m, np_search_defs) && module_add_natives(I, m, np_linalg_top_defs) &&
              module_add_natives(I, m, np_types_defs) && module_add_natives(I, m, np_print_defs) &&
              module_add_natives(I, m, np_stats_defs) && np_grid_install(I, m) &&
              add_np_names(I, m) && data_install_numpy(I, m) && attach(I, m, "random", "numpy.random") &&
              attach(I, m, "linalg", "numpy.linalg") && str_from_cstr(I, "1.24.2", &ver);
    if (ok) {
        ok = module_set(I, m, "__version__", ver);
        value_decref(ver);
    }
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}
