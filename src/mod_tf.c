/* mod_tf.c - the `tensorflow` module (tf.constant, tf.add, tf.reduce_sum,
 * tf.nn.*, tf.math.*, tf.random.*, tf.linalg.*, the dtypes, tf.print) and
 * tensor_install, which registers it and numpy.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Results are tf
 * tensors.  Arguments may be tensors, numpy arrays, Python numbers or nested
 * lists: Python values convert with TF's dtype rules (ints -> int32, floats ->
 * float32), numpy arrays keep their dtype.  Other parts add names to tf
 * through tensor_tf_extensions (see tensor_value.h).
 */
#include <string.h>
#include <math.h>
#include "tensor_value.h"
#include "modules.h"

const char *const tensor_tf_extensions[] = {
    "nnsh.tf_autodiff", "nnsh.tf_keras", "nnsh.tf_data", "nnsh.tf_extra", NULL
};

/* v as a tf value: tensors re-flavoured (same buffer), others converted. */
static bool tf_value(Interp *I, Value v, int dtype, Value *out)
{
    NnTensor *t;
    if (!tensor_from_value(I, v, dtype, TENSOR_TF, &t))
        return false;
    return tensor_value_new(I, t, TENSOR_TF, out);
}

static bool tf_tensor(Interp *I, Value v, NnTensor **out)
{
    return tensor_from_value(I, v, -1, TENSOR_TF, out);
}

static bool is_pynum(Value v)
{
    return v.kind == VAL_BOOL || v.kind == VAL_INT || v.kind == VAL_FLOAT;
}

/* ---- element-wise binary functions ---- */

static bool tf_bin(Interp *I, const Args *a, NnBinaryOp op, const char *fname, Value *out)
{
    Value v[3], x = {0}, y = {0};
    bool ok = false;
    if (!args_parse(I, fname, a, "x, y, name=", v))
        return false;
    bool keep_x = is_pynum(v[0]) && tensor_value_is(v[1]);   /* weak Python number */
    bool keep_y = is_pynum(v[1]) && tensor_value_is(v[0]);
    if (keep_x)
        x = v[0];
    else if (!tf_value(I, v[0], -1, &x))
        return false;
    if (keep_y)
        y = v[1];
    else if (!tf_value(I, v[1], -1, &y))
        goto done;
    ok = tensor_binary(I, op, x, y, out);
done:
    if (!keep_x)
        value_decref(x);
    if (!keep_y)
        value_decref(y);
    return ok;
}

#define TF_BIN(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return tf_bin(I, a, OP, NAME, out); }
TF_BIN(tf_add, NN_ADD, "add")
TF_BIN(tf_subtract, NN_SUB, "subtract")
TF_BIN(tf_multiply, NN_MUL, "multiply")
TF_BIN(tf_divide, NN_DIV, "divide")
TF_BIN(tf_floordiv, NN_FLOORDIV, "floordiv")
TF_BIN(tf_floormod, NN_MOD, "floormod")
TF_BIN(tf_pow, NN_POW, "pow")
TF_BIN(tf_maximum, NN_MAXIMUM, "maximum")
TF_BIN(tf_minimum, NN_MINIMUM, "minimum")
TF_BIN(tf_equal, NN_EQ, "equal")
TF_BIN(tf_not_equal, NN_NE, "not_equal")
TF_BIN(tf_greater, NN_GT, "greater")
TF_BIN(tf_greater_equal, NN_GE, "greater_equal")
TF_BIN(tf_less, NN_LT, "less")
TF_BIN(tf_less_equal, NN_LE, "less_equal")
TF_BIN(tf_logical_and, NN_LOGICAL_AND, "logical_and")
TF_BIN(tf_logical_or, NN_LOGICAL_OR, "logical_or")
TF_BIN(tf_logical_xor, NN_LOGICAL_XOR, "logical_xor")

/* ---- element-wise unary functions ---- */

static bool tf_un(Interp *I, const Args *a, NnUnaryOp op, const char *fname, Value *out)
{
    Value v[2], x;
    if (!args_parse(I, fname, a, "x, name=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    bool ok = tensor_unary(I, op, x, TENSOR_TF, out);
    value_decref(x);
    return ok;
}

#define TF_UN(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return tf_un(I, a, OP, NAME, out); }
TF_UN(tf_abs, NN_ABS, "abs")
TF_UN(tf_negative, NN_NEG, "negative")
TF_UN(tf_sign, NN_SIGN, "sign")
TF_UN(tf_square, NN_SQUARE, "square")
TF_UN(tf_sqrt, NN_SQRT, "sqrt")
TF_UN(tf_rsqrt, NN_RSQRT, "rsqrt")
TF_UN(tf_reciprocal, NN_RECIPROCAL, "reciprocal")
TF_UN(tf_exp, NN_EXP, "exp")
TF_UN(tf_log, NN_LOG, "log")
TF_UN(tf_log1p, NN_LOG1P, "log1p")
TF_UN(tf_sin, NN_SIN, "sin")
TF_UN(tf_cos, NN_COS, "cos")
TF_UN(tf_tan, NN_TAN, "tan")
TF_UN(tf_tanh, NN_TANH, "tanh")
TF_UN(tf_sigmoid, NN_SIGMOID, "sigmoid")
TF_UN(tf_relu, NN_RELU, "relu")
TF_UN(tf_relu6, NN_RELU6, "relu6")
TF_UN(tf_elu, NN_ELU, "elu")
TF_UN(tf_selu, NN_SELU, "selu")
TF_UN(tf_softplus, NN_SOFTPLUS, "softplus")
TF_UN(tf_softsign, NN_SOFTSIGN, "softsign")
TF_UN(tf_swish, NN_SWISH, "swish")
TF_UN(tf_gelu, NN_GELU, "gelu")
TF_UN(tf_floor, NN_FLOOR, "floor")
TF_UN(tf_ceil, NN_CEIL, "ceil")
TF_UN(tf_round, NN_ROUND, "round")
TF_UN(tf_logical_not, NN_LOGICAL_NOT, "logical_not")
TF_UN(tf_is_nan, NN_ISNAN, "is_nan")
TF_UN(tf_is_inf, NN_ISINF, "is_inf")
TF_UN(tf_is_finite, NN_ISFINITE, "is_finite")

static bool tf_leaky_relu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    double alpha = 0.2;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "leaky_relu", a, "features, alpha=, name=", v))
        return false;
    if (v[1].kind != VAL_UNSET && !arg_float(I, "leaky_relu", "alpha", v[1], &alpha))
        return false;
    if (!tensor_from_value(I, v[0], -1, TENSOR_TF, &t))
        return false;
    NnTensor *r = nn_leaky_relu(interp_nn(I), t, alpha);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_softmax_common(Interp *I, const Args *a, Value *out, bool log)
{
    Value v[3], x;
    NnTensor *t;
    int axis;
    if (!args_parse(I, log ? "log_softmax" : "softmax", a, "logits, axis=, name=", v))
        return false;
    if (!tf_value(I, v[0], -1, &x))
        return false;
    t = tensor_value_get(x);
    if (!nn_dtype_is_float(t->dtype)) {
        value_decref(x);
        return interp_error(I, ERR_TYPE, "softmax needs a float tensor, got %s",
                            nn_dtype_name(t->dtype));
    }
    bool ok = tensor_axis_arg(I, v[1], t->ndim, t->ndim - 1, &axis) &&
              tensor_value_wrap(I, log ? nn_log_softmax(interp_nn(I), t, axis)
                                       : nn_softmax(interp_nn(I), t, axis), TENSOR_TF, out);
    value_decref(x);
    return ok;
}

static bool tf_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_softmax_common(I, a, out, false);
}

static bool tf_log_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_softmax_common(I, a, out, true);
}

/* ---- reductions ---- */

static bool tf_red(Interp *I, const Args *a, NnReduceOp op, const char *fname, Value *out)
{
    Value v[4], x;
    if (!args_parse(I, fname, a, "input_tensor, axis=, keepdims=, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    bool ok = tensor_reduce(I, op, x, v[1], v[2], TENSOR_TF, 0, out);
    value_decref(x);
    return ok;
}

#define TF_RED(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return tf_red(I, a, OP, NAME, out); }
TF_RED(tf_reduce_sum, NN_SUM, "reduce_sum")
TF_RED(tf_reduce_mean, NN_MEAN, "reduce_mean")
TF_RED(tf_reduce_max, NN_MAX, "reduce_max")
TF_RED(tf_reduce_min, NN_MIN, "reduce_min")
TF_RED(tf_reduce_prod, NN_PROD, "reduce_prod")
TF_RED(tf_reduce_any, NN_ANY, "reduce_any")
TF_RED(tf_reduce_all, NN_ALL, "reduce_all")
TF_RED(tf_reduce_std, NN_STD, "reduce_std")
TF_RED(tf_reduce_variance, NN_VAR, "reduce_variance")

static bool tf_arg(Interp *I, const Args *a, NnReduceOp op, Value *out)
{
    Value v[4], x;
    if (!args_parse(I, op == NN_ARGMAX ? "argmax" : "argmin", a,
                    "input, axis=, output_type=, name=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    Value axis = v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE ? val_int(0) : v[1];
    Value r;
    bool ok = tensor_reduce(I, op, x, axis, val_none(), TENSOR_TF, 0, &r);
    value_decref(x);
    if (!ok)
        return false;
    int dt;
    if (!tensor_dtype_arg(I, v[2], &dt) || dt < 0 || dt == NN_I64) {
        *out = r;
        return !interp_error_pending(I);
    }
    ok = tf_value(I, r, dt, out);
    value_decref(r);
    return ok;
}

static bool tf_argmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_arg(I, a, NN_ARGMAX, out);
}

static bool tf_argmin(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_arg(I, a, NN_ARGMIN, out);
}

/* ---- creation ---- */

static bool tf_constant(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int dt, ndim;
    int64_t shape[NN_MAXDIM];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "constant", a, "value, dtype=, shape=, name=", v) ||
        !tensor_dtype_arg(I, v[1], &dt) || !tensor_from_value(I, v[0], dt, TENSOR_TF, &t))
        return false;
    if (tensor_value_is(v[0])) {   /* a tf value never shares a numpy array's buffer */
        NnTensor *c = nn_tensor_copy(interp_nn(I), t);
        nn_tensor_unref(t);
        if (!c)
            return interp_error_from_nn(I);
        t = c;
    }
    if (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE) {
        if (!tensor_shape_arg(I, "constant", v[2], &ndim, shape)) {
            nn_tensor_unref(t);
            return false;
        }
        NnTensor *r = nn_tensor_numel(t) == 1
            ? nn_tensor_full(interp_nn(I), t->dtype, ndim, shape, nn_tensor_get_f64(t, 0))
            : nn_tensor_reshape(interp_nn(I), t, ndim, shape);
        nn_tensor_unref(t);
        t = r;
    }
    return tensor_value_wrap(I, t, TENSOR_TF, out);
}

static bool tf_convert_to_tensor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int dt;
    (void)self;
    if (!args_parse(I, "convert_to_tensor", a, "value, dtype=, dtype_hint=, name=", v) ||
        !tensor_dtype_arg(I, v[1], &dt))
        return false;
    return tf_value(I, v[0], dt, out);
}

static bool tf_full(Interp *I, const Args *a, const char *fname, double fillv, Value *out)
{
    Value v[3];
    int dt, ndim;
    int64_t shape[NN_MAXDIM];
    if (!args_parse(I, fname, a, "shape, dtype=, name=", v) || !tensor_dtype_arg(I, v[1], &dt) ||
        !tensor_shape_arg(I, fname, v[0], &ndim, shape))
        return false;
    NnDType d = dt < 0 ? NN_F32 : (NnDType)dt;
    return tensor_value_wrap(I, nn_tensor_full(interp_nn(I), d, ndim, shape, fillv), TENSOR_TF, out);
}

static bool tf_zeros(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_full(I, a, "zeros", 0, out);
}

static bool tf_ones(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_full(I, a, "ones", 1, out);
}

static bool tf_like(Interp *I, const Args *a, const char *fname, double fillv, Value *out)
{
    Value v[3];
    int dt;
    NnTensor *t;
    if (!args_parse(I, fname, a, "input, dtype=, name=", v) || !tensor_dtype_arg(I, v[1], &dt) ||
        !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_tensor_full(interp_nn(I), dt < 0 ? t->dtype : (NnDType)dt, t->ndim, t->shape,
                                 fillv);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_zeros_like(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_like(I, a, "zeros_like", 0, out);
}

static bool tf_ones_like(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_like(I, a, "ones_like", 1, out);
}

static bool tf_fill(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int ndim;
    int64_t shape[NN_MAXDIM];
    NnTensor *val;
    (void)self;
    if (!args_parse(I, "fill", a, "dims, value, name=", v) ||
        !tensor_shape_arg(I, "fill", v[0], &ndim, shape) || !tf_tensor(I, v[1], &val))
        return false;
    NnTensor *r = nn_tensor_broadcast_to(interp_nn(I), val, ndim, shape);
    NnTensor *c = r ? nn_tensor_copy(interp_nn(I), r) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(val);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

static bool tf_eye(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    int64_t n, m;
    int dt;
    (void)self;
    if (!args_parse(I, "eye", a, "num_rows, num_columns=, batch_shape=, dtype=, name=", v) ||
        !arg_int(I, "eye", "num_rows", v[0], &n) || !tensor_dtype_arg(I, v[3], &dt))
        return false;
    m = n;
    if (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE && !arg_int(I, "eye", "num_columns", v[1], &m))
        return false;
    return tensor_value_wrap(I, nn_eye(interp_nn(I), n, m, 0, dt < 0 ? NN_F32 : (NnDType)dt),
                             TENSOR_TF, out);
}

static bool tf_range(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    double start = 0, limit, delta = 1;
    int dt;
    (void)self;
    if (!args_parse(I, "range", a, "start, limit=, delta=, dtype=, name=", v) ||
        !tensor_dtype_arg(I, v[3], &dt))
        return false;
    bool one = v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE;
    bool isf = v[0].kind == VAL_FLOAT || v[1].kind == VAL_FLOAT || v[2].kind == VAL_FLOAT;
    if (!arg_float(I, "range", "start", v[0], one ? &limit : &start) ||
        (!one && !arg_float(I, "range", "limit", v[1], &limit)) ||
        (v[2].kind != VAL_UNSET && !arg_float(I, "range", "delta", v[2], &delta)))
        return false;
    if (delta == 0)
        return interp_error(I, ERR_VALUE, "Requires delta != 0: 0");
    NnDType d = dt >= 0 ? (NnDType)dt : isf ? NN_F32 : NN_I32;
    return tensor_value_wrap(I, nn_arange(interp_nn(I), start, limit, delta, d), TENSOR_TF, out);
}

static bool tf_linspace(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    double start, stop;
    int64_t num;
    (void)self;
    if (!args_parse(I, "linspace", a, "start, stop, num, name=, axis=", v) ||
        !arg_float(I, "linspace", "start", v[0], &start) ||
        !arg_float(I, "linspace", "stop", v[1], &stop) || !arg_int(I, "linspace", "num", v[2], &num))
        return false;
    NnDType d = v[0].kind == VAL_FLOAT || v[1].kind == VAL_FLOAT ? NN_F32 : NN_F64;
    NnTensor *t = tensor_value_get(v[0]);
    if (t)
        d = nn_dtype_is_float(t->dtype) ? t->dtype : NN_F64;
    return tensor_value_wrap(I, nn_linspace(interp_nn(I), start, stop, num, true, d), TENSOR_TF, out);
}

/* ---- shapes ---- */

static bool tf_reshape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int ndim;
    int64_t shape[NN_MAXDIM];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "reshape", a, "tensor, shape, name=", v) ||
        !tensor_shape_arg(I, "reshape", v[1], &ndim, shape) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_tensor_reshape(interp_nn(I), t, ndim, shape);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_transpose(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t raw[NN_MAXDIM];
    int perm[NN_MAXDIM], n = 0;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "transpose", a, "a, perm=, conjugate=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    bool has = v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE;
    if (has && !arg_int_seq(I, "transpose", "perm", v[1], raw, NN_MAXDIM, &n)) {
        nn_tensor_unref(t);
        return false;
    }
    if (has && n != t->ndim) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "transpose: perm has %d entries for a tensor of rank %d",
                            n, t->ndim);
    }
    for (int i = 0; i < n; i++)
        perm[i] = (int)(raw[i] < 0 ? raw[i] + n : raw[i]);
    NnTensor *r = nn_tensor_transpose(interp_nn(I), t, has ? perm : NULL);
    NnTensor *c = r ? nn_tensor_copy(interp_nn(I), r) : NULL;
    nn_tensor_unref(r);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

static bool tf_expand_dims(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t ax;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "expand_dims", a, "input, axis, name=", v) ||
        !arg_int(I, "expand_dims", "axis", v[1], &ax) || !tf_tensor(I, v[0], &t))
        return false;
    if (ax < -t->ndim - 1 || ax > t->ndim) {
        int nd = t->ndim;
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "axis %lld is out of bounds for array of dimension %d",
                            (long long)ax, nd + 1);
    }
    if (ax < 0)
        ax += t->ndim + 1;
    NnTensor *r = nn_tensor_expand_dims(interp_nn(I), t, (int)ax);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_squeeze(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int axis;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "squeeze", a, "input, axis=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = NULL;
    if (tensor_axis_arg(I, v[1], t->ndim, NN_ALL_AXES, &axis)) {
        r = nn_tensor_squeeze(interp_nn(I), t, axis);
        if (!r)
            interp_error_from_nn(I);
    }
    nn_tensor_unref(t);
    return r ? tensor_value_new(I, r, TENSOR_TF, out) : false;
}

static bool tf_join(Interp *I, const Args *a, bool stack, Value *out)
{
    Value v[3];
    NnTensor **ts;
    int n, axis;
    const char *fname = stack ? "stack" : "concat";
    if (!args_parse(I, fname, a, stack ? "values, axis=, name=" : "values, axis, name=", v) ||
        !tensor_list_arg(I, v[0], TENSOR_TF, &ts, &n))
        return false;
    if (n == 0) {
        tensor_list_free(ts, n);
        return interp_error(I, ERR_VALUE, "%s: the list of tensors is empty", fname);
    }
    NnDType dt = ts[0]->dtype;
    for (int i = 1; i < n; i++)
        dt = nn_promote(dt, ts[i]->dtype);
    NnTensor *r = NULL;
    if (tensor_axis_arg(I, v[1], ts[0]->ndim + (stack ? 1 : 0), 0, &axis))
        r = stack ? nn_stack(interp_nn(I), ts, n, axis, dt) : nn_concat(interp_nn(I), ts, n, axis, dt);
    else
        axis = -1;
    tensor_list_free(ts, n);
    if (axis == -1)
        return false;
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_concat(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_join(I, a, false, out);
}

static bool tf_stack(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_join(I, a, true, out);
}

static bool tf_cast(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnDType dt;
    (void)self;
    if (!args_parse(I, "cast", a, "x, dtype, name=", v) || !tensor_dtype_from_value(I, v[1], &dt))
        return false;
    return tf_value(I, v[0], dt, out);
}

static bool tf_matmul(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, y;
    bool ta = false, tb = false, ok = false;
    (void)self;
    if (!args_parse(I, "matmul", a, "a, b, transpose_a=, transpose_b=, name=", v))
        return false;
    if ((v[2].kind != VAL_UNSET && !arg_bool(I, "matmul", "transpose_a", v[2], &ta)) ||
        (v[3].kind != VAL_UNSET && !arg_bool(I, "matmul", "transpose_b", v[3], &tb)))
        return false;
    if (!tf_value(I, v[0], -1, &x))
        return false;
    if (!tf_value(I, v[1], -1, &y)) {
        value_decref(x);
        return false;
    }
    Value xs = x, ys = y;
    if (ta && !tensor_getattr(I, x, "T", &xs, &ok))
        goto done;
    if (tb && !tensor_getattr(I, y, "T", &ys, &ok))
        goto done;
    ok = tensor_matmul(I, xs, ys, TENSOR_TF, out);
done:
    if (ta && xs.kind == VAL_OBJ && xs.as.o != x.as.o)
        value_decref(xs);
    if (tb && ys.kind == VAL_OBJ && ys.as.o != y.as.o)
        value_decref(ys);
    value_decref(x);
    value_decref(y);
    return ok;
}

/* axes: an int N, or a pair (axes of a, axes of b), each an int or a list. */
static bool tensordot_axes(Interp *I, Value axes, const NnTensor *a, const NnTensor *b,
                           int *n, int *aa, int *ab)
{
    int64_t ra[NN_MAXDIM], rb[NN_MAXDIM];
    int na, nb;
    if (axes.kind == VAL_INT) {
        if (axes.as.i < 0 || axes.as.i > a->ndim || axes.as.i > b->ndim)
            return interp_error(I, ERR_VALUE, "tensordot: axes=%lld is out of range for ranks %d "
                                "and %d", (long long)axes.as.i, a->ndim, b->ndim);
        *n = (int)axes.as.i;
        for (int i = 0; i < *n; i++) {
            aa[i] = a->ndim - *n + i;
            ab[i] = i;
        }
        return true;
    }
    if ((!val_is_obj(axes, OBJ_LIST) && !val_is_obj(axes, OBJ_TUPLE)) || as_list(axes)->len != 2)
        return interp_error(I, ERR_VALUE, "tensordot: axes must be an int or a pair of axis lists");
    if (!arg_int_seq(I, "tensordot", "axes", as_list(axes)->items[0], ra, NN_MAXDIM, &na) ||
        !arg_int_seq(I, "tensordot", "axes", as_list(axes)->items[1], rb, NN_MAXDIM, &nb))
        return false;
    if (na != nb)
        return interp_error(I, ERR_VALUE, "tensordot: %d axes of a but %d axes of b", na, nb);
    for (int i = 0; i < na; i++) {
        aa[i] = (int)(ra[i] < 0 ? ra[i] + a->ndim : ra[i]);
        ab[i] = (int)(rb[i] < 0 ? rb[i] + b->ndim : rb[i]);
    }
    *n = na;
    return true;
}

static bool tf_tensordot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *x = NULL, *y = NULL, *cx = NULL, *cy = NULL;
    int n = 0, aa[NN_MAXDIM], ab[NN_MAXDIM];
    bool ok = false;
    (void)self;
    if (!args_parse(I, "tensordot", a, "a, b, axes, name=", v) || !tf_tensor(I, v[0], &x))
        return false;
    if (!tf_tensor(I, v[1], &y) || !tensordot_axes(I, v[2], x, y, &n, aa, ab))
        goto done;
    NnDType dt = nn_promote(x->dtype, y->dtype);
    cx = nn_tensor_cast(interp_nn(I), x, dt);
    cy = cx ? nn_tensor_cast(interp_nn(I), y, dt) : NULL;
    if (!cy) {
        interp_error_from_nn(I);
        goto done;
    }
    ok = tensor_value_wrap(I, nn_tensordot(interp_nn(I), cx, cy, n, aa, ab), TENSOR_TF, out);
done:
    nn_tensor_unref(cx);
    nn_tensor_unref(cy);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool tf_one_hot(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[7];
    int64_t depth;
    double on = 1, off = 0;
    int dt;
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "one_hot", a, "indices, depth, on_value=, off_value=, axis=, dtype=, name=", v) ||
        !arg_int(I, "one_hot", "depth", v[1], &depth) || !tensor_dtype_arg(I, v[5], &dt))
        return false;
    if ((v[2].kind != VAL_UNSET && !arg_float(I, "one_hot", "on_value", v[2], &on)) ||
        (v[3].kind != VAL_UNSET && !arg_float(I, "one_hot", "off_value", v[3], &off)))
        return false;
    if (!tf_tensor(I, v[0], &t))
        return false;
    NnTensor *r = nn_one_hot(interp_nn(I), t, depth, on, off, dt < 0 ? NN_F32 : (NnDType)dt);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* tf.where(cond): the coordinates of the true entries, int64 (N, rank). */
static NnTensor *where_coords(Interp *I, const NnTensor *c)
{
    int64_t n = nn_tensor_numel(c), cnt = 0;
    for (int64_t i = 0; i < n; i++)
        cnt += nn_tensor_get_f64(c, i) != 0;
    int64_t shape[2] = {cnt, c->ndim};
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_I64, 2, shape);
    if (!r)
        return NULL;
    for (int64_t i = 0, row = 0; i < n; i++) {
        if (nn_tensor_get_f64(c, i) == 0)
            continue;
        int64_t rem = i;
        for (int d = c->ndim - 1; d >= 0; d--) {
            nn_tensor_set_i64(r, row * c->ndim + d, rem % c->shape[d]);
            rem /= c->shape[d];
        }
        row++;
    }
    return r;
}

static bool tf_where(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    NnTensor *c = NULL, *x = NULL, *y = NULL;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "where", a, "condition, x=, y=, name=", v) ||
        !tensor_from_value(I, v[0], NN_BOOL, TENSOR_TF, &c))
        return false;
    if (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE) {
        ok = tensor_value_wrap(I, where_coords(I, c), TENSOR_TF, out);
    } else if (tf_tensor(I, v[1], &x) && tf_tensor(I, v[2], &y)) {
        NnDType dt = nn_promote(x->dtype, y->dtype);
        ok = tensor_value_wrap(I, nn_where(interp_nn(I), c, x, y, dt), TENSOR_TF, out);
    }
    nn_tensor_unref(c);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool tf_shape(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "shape", a, "input, out_type=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    int64_t n = t->ndim;
    NnTensor *r = nn_tensor_new(interp_nn(I), NN_I32, 1, &n);
    for (int i = 0; r && i < t->ndim; i++)
        nn_tensor_set_i64(r, i, t->shape[i]);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_size_rank(Interp *I, const Args *a, bool size, Value *out)
{
    Value v[3];
    NnTensor *t;
    if (!args_parse(I, size ? "size" : "rank", a, "input, out_type=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    int64_t n = size ? nn_tensor_numel(t) : t->ndim;
    nn_tensor_unref(t);
    return tensor_value_wrap(I, nn_tensor_scalar_i64(interp_nn(I), NN_I32, n), TENSOR_TF, out);
}

static bool tf_size(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_size_rank(I, a, true, out);
}

static bool tf_rank(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_size_rank(I, a, false, out);
}

static bool tf_clip_by_value(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4], x, lo = {0};
    bool ok = false;
    (void)self;
    if (!args_parse(I, "clip_by_value", a, "t, clip_value_min, clip_value_max, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    if (tensor_binary(I, NN_MAXIMUM, x, v[1], &lo))
        ok = tensor_binary(I, NN_MINIMUM, lo, v[2], out);
    value_decref(lo);
    value_decref(x);
    return ok;
}

static bool tf_gather(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *p = NULL, *idx = NULL;
    int axis;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "gather", a, "params, indices, validate_indices=, axis=, name=", v) ||
        !tf_tensor(I, v[0], &p))
        return false;
    if (tensor_from_value(I, v[1], NN_I64, TENSOR_TF, &idx) &&
        tensor_axis_arg(I, v[3], p->ndim, 0, &axis))
        ok = tensor_value_wrap(I, nn_take(interp_nn(I), p, idx, axis), TENSOR_TF, out);
    nn_tensor_unref(p);
    nn_tensor_unref(idx);
    return ok;
}

static bool tf_sort_common(Interp *I, const Args *a, bool arg, Value *out)
{
    Value v[5];
    NnTensor *t;
    int axis;
    bool desc = false, ok = false;
    const char *fname = arg ? "argsort" : "sort";
    if (!args_parse(I, fname, a, "values, axis=, direction=, stable=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    if (val_is_obj(v[2], OBJ_STR)) {
        desc = strcmp(str_cstr(v[2]), "DESCENDING") == 0;
        if (!desc && strcmp(str_cstr(v[2]), "ASCENDING") != 0) {
            nn_tensor_unref(t);
            return interp_error(I, ERR_VALUE, "%s: direction must be 'ASCENDING' or 'DESCENDING', "
                                "not '%s'", fname, str_cstr(v[2]));
        }
    }
    if (tensor_axis_arg(I, v[1], t->ndim, t->ndim - 1, &axis)) {
        NnTensor *r = arg ? nn_argsort(interp_nn(I), t, axis, desc) : nn_sort(interp_nn(I), t, axis, desc);
        if (r && arg) {
            NnTensor *c = nn_tensor_cast(interp_nn(I), r, NN_I32);
            nn_tensor_unref(r);
            r = c;
        }
        ok = tensor_value_wrap(I, r, TENSOR_TF, out);
    }
    nn_tensor_unref(t);
    return ok;
}

static bool tf_sort(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_sort_common(I, a, false, out);
}

static bool tf_argsort(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_sort_common(I, a, true, out);
}

static bool tf_cumsum(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    NnTensor *t;
    int axis;
    bool ok = false;
    (void)self;
    if (!args_parse(I, "cumsum", a, "x, axis=, exclusive=, reverse=, name=", v) ||
        !tf_tensor(I, v[0], &t))
        return false;
    if (tensor_axis_arg(I, v[1], t->ndim, 0, &axis))
        ok = tensor_value_wrap(I, nn_cumsum(interp_nn(I), t, axis, t->dtype), TENSOR_TF, out);
    nn_tensor_unref(t);
    return ok;
}

static bool tf_norm(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5], x, sq = {0}, s = {0};
    bool ok = false;
    (void)self;
    if (!args_parse(I, "norm", a, "tensor, ord=, axis=, keepdims=, name=", v) ||
        !tf_value(I, v[0], -1, &x))
        return false;
    if (tensor_unary(I, NN_SQUARE, x, TENSOR_TF, &sq) &&
        tensor_reduce(I, NN_SUM, sq, v[2], v[3], TENSOR_TF, 0, &s))
        ok = tensor_unary(I, NN_SQRT, s, TENSOR_TF, out);
    value_decref(s);
    value_decref(sq);
    value_decref(x);
    return ok;
}

/* ---- tf.print: TF's own C++ formatting (%g floats, summarize=3) ---- */

static void tfprint_elem(const NnTensor *t, int64_t flat, StrBuf *sb)
{
    if (nn_dtype_is_float(t->dtype))
        sb_printf(sb, "%g", nn_tensor_get_f64(t, flat));
    else
        sb_printf(sb, "%lld", (long long)nn_tensor_get_i64(t, flat));
}

static void tfprint_sep(StrBuf *sb, const NnTensor *t, int dim)
{
    if (dim + 1 == t->ndim) {
        sb_putc(sb, ' ');
        return;
    }
    sb_putc(sb, '\n');
    for (int d = 0; d <= dim; d++)
        sb_putc(sb, ' ');
}

static void tfprint_rec(const NnTensor *t, int dim, int64_t base, StrBuf *sb)
{
    if (dim == t->ndim) {
        tfprint_elem(t, base, sb);
        return;
    }
    int64_t n = t->shape[dim], inner = 1;
    for (int d = dim + 1; d < t->ndim; d++)
        inner *= t->shape[d];
    sb_putc(sb, '[');
    for (int64_t i = 0; i < n; i++) {
        if (n > 6 && i == 3) {   /* summarize=3: the first and last three */
            tfprint_sep(sb, t, dim);
            sb_puts(sb, "...");
            i = n - 3;
        }
        if (i > 0)
            tfprint_sep(sb, t, dim);
        tfprint_rec(t, dim + 1, base + i * inner, sb);
    }
    sb_putc(sb, ']');
}

static bool tf_print(Interp *I, Value self, const Args *a, Value *out)
{
    const char *sep = " ", *end = "\n";
    StrBuf sb;
    (void)self;
    for (int k = 0; k < a->nkw; k++) {
        const char **dst = strcmp(a->kwnames[k], "sep") == 0 ? &sep
                         : strcmp(a->kwnames[k], "end") == 0 ? &end : NULL;
        if (dst && !arg_str(I, "print", a->kwnames[k], a->kwvals[k], dst))
            return false;
    }
    sb_init(&sb);
    for (int i = 0; i < a->npos; i++) {
        NnTensor *t = tensor_value_get(a->pos[i]);
        if (i)
            sb_puts(&sb, sep);
        if (t)
            tfprint_rec(t, 0, 0, &sb);
        else if (!value_str(I, a->pos[i], &sb)) {
            sb_free(&sb);
            return false;
        }
    }
    sb_puts(&sb, end);
    if (sb.oom) {
        sb_free(&sb);
        return interp_error(I, ERR_MEMORY, "out of memory in tf.print");
    }
    interp_write(I, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    *out = val_none();
    return true;
}

static bool tf_executing_eagerly(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!args_parse(I, "executing_eagerly", a, "", (Value[1]){{0}}))
        return false;
    *out = val_bool(true);
    return true;
}

/* ---- tf.random ---- */

static bool tf_random_dist(Interp *I, const Args *a, bool normal, Value *out)
{
    Value v[6];
    int ndim, dt;
    int64_t shape[NN_MAXDIM], seed;
    double p0 = 0, p1 = 1;
    const char *fname = normal ? "normal" : "uniform";
    if (!args_parse(I, fname, a, normal ? "shape, mean=, stddev=, dtype=, seed=, name="
                                        : "shape, minval=, maxval=, dtype=, seed=, name=", v) ||
        !tensor_shape_arg(I, fname, v[0], &ndim, shape) || !tensor_dtype_arg(I, v[3], &dt))
        return false;
    if ((v[1].kind != VAL_UNSET && !arg_float(I, fname, normal ? "mean" : "minval", v[1], &p0)) ||
        (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE &&
         !arg_float(I, fname, normal ? "stddev" : "maxval", v[2], &p1)))
        return false;
    if (v[4].kind != VAL_UNSET && v[4].kind != VAL_NONE) {
        if (!arg_int(I, fname, "seed", v[4], &seed))
            return false;
        nn_rng_seed(interp_nn(I), (uint32_t)seed);
    }
    NnDType d = dt < 0 ? NN_F32 : (NnDType)dt;
    NnTensor *r = normal ? nn_random_normal(interp_nn(I), d, ndim, shape, p0, p1)
                : nn_dtype_is_float(d) ? nn_random_uniform(interp_nn(I), d, ndim, shape, p0, p1)
                : nn_random_randint(interp_nn(I), d, ndim, shape, (int64_t)p0, (int64_t)p1);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

static bool tf_random_normal(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_random_dist(I, a, true, out);
}

static bool tf_random_uniform(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return tf_random_dist(I, a, false, out);
}

static bool tf_random_shuffle(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "shuffle", a, "value, seed=, name=", v) || !tf_tensor(I, v[0], &t))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);
    nn_tensor_unref(t);
    if (c && nn_random_shuffle(interp_nn(I), c) != NN_OK) {
        nn_tensor_unref(c);
        c = NULL;
    }
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

static bool tf_random_set_seed(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    int64_t seed;
    (void)self;
    if (!args_parse(I, "set_seed", a, "seed", v) || !arg_int(I, "set_seed", "seed", v[0], &seed))
        return false;
    nn_rng_seed(interp_nn(I), (uint32_t)seed);
    *out = val_none();
    return true;
}

/* ---- the tables ---- */

#define D(name, fn, sig, doc) {name, fn, sig, doc}

static const NativeDef tf_binary_defs[] = {
    D("add", tf_add, "add(x, y, name=None)", "x + y element-wise, with broadcasting.\n  tf.add([1, 2], [3, 4])"),
    D("subtract", tf_subtract, "subtract(x, y, name=None)", "x - y element-wise."),
    D("multiply", tf_multiply, "multiply(x, y, name=None)", "x * y element-wise.\n  tf.multiply([1, 2, 3], [4, 5, 6])"),
    D("divide", tf_divide, "divide(x, y, name=None)", "x / y (true division; ints give float64)."),
    D("truediv", tf_divide, "truediv(x, y, name=None)", "x / y (true division)."),
    D("floordiv", tf_floordiv, "floordiv(x, y, name=None)", "x // y, rounding down."),
    D("floormod", tf_floormod, "floormod(x, y, name=None)", "x % y with the sign of y."),
    D("mod", tf_floormod, "mod(x, y, name=None)", "x % y with the sign of y."),
    D("pow", tf_pow, "pow(x, y, name=None)", "x ** y element-wise."),
    D("maximum", tf_maximum, "maximum(x, y, name=None)", "The larger of x and y element-wise."),
    D("minimum", tf_minimum, "minimum(x, y, name=None)", "The smaller of x and y element-wise."),
    D("equal", tf_equal, "equal(x, y, name=None)", "x == y element-wise (bool)."),
    D("not_equal", tf_not_equal, "not_equal(x, y, name=None)", "x != y element-wise (bool)."),
    D("greater", tf_greater, "greater(x, y, name=None)", "x > y element-wise (bool)."),
    D("greater_equal", tf_greater_equal, "greater_equal(x, y, name=None)", "x >= y element-wise (bool)."),
    D("less", tf_less, "less(x, y, name=None)", "x < y element-wise (bool)."),
    D("less_equal", tf_less_equal, "less_equal(x, y, name=None)", "x <= y element-wise (bool)."),
    D("logical_and", tf_logical_and, "logical_and(x, y, name=None)", "x and y element-wise."),
    D("logical_or", tf_logical_or, "logical_or(x, y, name=None)", "x or y element-wise."),
    D("logical_xor", tf_logical_xor, "logical_xor(x, y, name=None)", "x xor y element-wise."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_unary_defs[] = {
    D("abs", tf_abs, "abs(x, name=None)", "|x| element-wise."),
    D("negative", tf_negative, "negative(x, name=None)", "-x element-wise."),
    D("sign", tf_sign, "sign(x, name=None)", "-1, 0 or 1 element-wise."),
    D("square", tf_square, "square(x, name=None)", "x * x element-wise."),
    D("sqrt", tf_sqrt, "sqrt(x, name=None)", "Square root element-wise."),
    D("rsqrt", tf_rsqrt, "rsqrt(x, name=None)", "1 / sqrt(x) element-wise."),
    D("reciprocal", tf_reciprocal, "reciprocal(x, name=None)", "1 / x element-wise."),
    D("exp", tf_exp, "exp(x, name=None)", "e ** x element-wise."),
    D("log", tf_log, "log(x, name=None)", "Natural logarithm element-wise."),
    D("log1p", tf_log1p, "log1p(x, name=None)", "log(1 + x) element-wise."),
    D("sin", tf_sin, "sin(x, name=None)", "Sine element-wise."),
    D("cos", tf_cos, "cos(x, name=None)", "Cosine element-wise."),
    D("tan", tf_tan, "tan(x, name=None)", "Tangent element-wise."),
    D("tanh", tf_tanh, "tanh(x, name=None)", "Hyperbolic tangent element-wise."),
    D("sigmoid", tf_sigmoid, "sigmoid(x, name=None)", "1 / (1 + exp(-x)) element-wise."),
    D("softplus", tf_softplus, "softplus(features, name=None)", "log(exp(x) + 1) element-wise."),
    D("floor", tf_floor, "floor(x, name=None)", "Rounds down element-wise."),
    D("ceil", tf_ceil, "ceil(x, name=None)", "Rounds up element-wise."),
    D("round", tf_round, "round(x, name=None)", "Rounds half to even element-wise."),
    D("logical_not", tf_logical_not, "logical_not(x, name=None)", "not x element-wise."),
    D("is_nan", tf_is_nan, "is_nan(x, name=None)", "True where x is NaN."),
    D("is_inf", tf_is_inf, "is_inf(x, name=None)", "True where x is infinite."),
    D("is_finite", tf_is_finite, "is_finite(x, name=None)", "True where x is finite."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_reduce_defs[] = {
    D("reduce_sum", tf_reduce_sum, "reduce_sum(input_tensor, axis=None, keepdims=False, name=None)",
      "Sum over the given axes (all by default).\n  tf.reduce_sum(x, axis=1)"),
    D("reduce_mean", tf_reduce_mean, "reduce_mean(input_tensor, axis=None, keepdims=False, name=None)",
      "Mean over the given axes (ints stay ints, as TF)."),
    D("reduce_max", tf_reduce_max, "reduce_max(input_tensor, axis=None, keepdims=False, name=None)", "Maximum."),
    D("reduce_min", tf_reduce_min, "reduce_min(input_tensor, axis=None, keepdims=False, name=None)", "Minimum."),
    D("reduce_prod", tf_reduce_prod, "reduce_prod(input_tensor, axis=None, keepdims=False, name=None)", "Product."),
    D("reduce_any", tf_reduce_any, "reduce_any(input_tensor, axis=None, keepdims=False, name=None)", "Logical or."),
    D("reduce_all", tf_reduce_all, "reduce_all(input_tensor, axis=None, keepdims=False, name=None)", "Logical and."),
    D("reduce_std", tf_reduce_std, "reduce_std(input_tensor, axis=None, keepdims=False, name=None)", "Standard deviation."),
    D("reduce_variance", tf_reduce_variance, "reduce_variance(input_tensor, axis=None, keepdims=False, name=None)", "Variance."),
    D("argmax", tf_argmax, "argmax(input, axis=None, output_type=tf.int64, name=None)", "Index of the largest value along axis (0 by default)."),
    D("argmin", tf_argmin, "argmin(input, axis=None, output_type=tf.int64, name=None)", "Index of the smallest value along axis (0 by default)."),
    D("cumsum", tf_cumsum, "cumsum(x, axis=0, exclusive=False, reverse=False, name=None)", "Running sum along axis."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_main_defs[] = {
    D("constant", tf_constant, "constant(value, dtype=None, shape=None, name='Const')",
      "A tensor from a value: Python ints become int32, floats float32, numpy arrays keep their dtype.\n  tf.constant([[1, 2], [3, 4]])"),
    D("convert_to_tensor", tf_convert_to_tensor, "convert_to_tensor(value, dtype=None, dtype_hint=None, name=None)", "A tensor from a tensor-like value."),
    D("zeros", tf_zeros, "zeros(shape, dtype=tf.float32, name=None)", "A tensor of zeros.\n  tf.zeros((2, 3))"),
    D("ones", tf_ones, "ones(shape, dtype=tf.float32, name=None)", "A tensor of ones."),
    D("zeros_like", tf_zeros_like, "zeros_like(input, dtype=None, name=None)", "Zeros with input's shape."),
    D("ones_like", tf_ones_like, "ones_like(input, dtype=None, name=None)", "Ones with input's shape."),
    D("fill", tf_fill, "fill(dims, value, name=None)", "A tensor of shape dims filled with value."),
    D("eye", tf_eye, "eye(num_rows, num_columns=None, batch_shape=None, dtype=tf.float32, name=None)", "An identity matrix."),
    D("range", tf_range, "range(start, limit=None, delta=1, dtype=None, name='range')", "Numbers from start to limit (exclusive) by delta.\n  tf.range(5)"),
    D("linspace", tf_linspace, "linspace(start, stop, num, name=None, axis=0)", "num evenly spaced values from start to stop."),
    D("reshape", tf_reshape, "reshape(tensor, shape, name=None)", "The values in a new shape (one -1 inferred)."),
    D("transpose", tf_transpose, "transpose(a, perm=None, conjugate=False, name='transpose')", "Axes permuted (reversed by default)."),
    D("expand_dims", tf_expand_dims, "expand_dims(input, axis, name=None)", "A size-1 axis inserted at axis."),
    D("squeeze", tf_squeeze, "squeeze(input, axis=None, name=None)", "Size-1 axes removed."),
    D("concat", tf_concat, "concat(values, axis, name='concat')", "Tensors joined along an existing axis."),
    D("stack", tf_stack, "stack(values, axis=0, name='stack')", "Tensors joined along a new axis."),
    D("cast", tf_cast, "cast(x, dtype, name=None)", "x converted to dtype.\n  tf.cast(x, tf.float32)"),
    D("matmul", tf_matmul, "matmul(a, b, transpose_a=False, transpose_b=False, name=None)", "Matrix product (batched)."),
    D("tensordot", tf_tensordot, "tensordot(a, b, axes, name=None)", "Sum over the given axes of a and b.\n  tf.tensordot(x, y, axes=1)"),
    D("one_hot", tf_one_hot, "one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None)", "One-hot vectors of length depth."),
    D("where", tf_where, "where(condition, x=None, y=None, name=None)", "x where condition else y; with one argument the coordinates of true entries."),
    D("shape", tf_shape, "shape(input, out_type=tf.int32, name=None)", "The shape as an int32 tensor."),
    D("size", tf_size, "size(input, out_type=tf.int32, name=None)", "The number of elements."),
    D("rank", tf_rank, "rank(input, name=None)", "The number of dimensions."),
    D("clip_by_value", tf_clip_by_value, "clip_by_value(t, clip_value_min, clip_value_max, name=None)", "Values limited to [min, max]."),
    D("gather", tf_gather, "gather(params, indices, validate_indices=None, axis=None, name=None)", "Slices of params at indices along axis."),
    D("sort", tf_sort, "sort(values, axis=-1, direction='ASCENDING', name=None)", "Sorted values."),
    D("argsort", tf_argsort, "argsort(values, axis=-1, direction='ASCENDING', stable=False, name=None)", "Indices that sort values."),
    D("norm", tf_norm, "norm(tensor, ord='euclidean', axis=None, keepdims=None, name=None)", "Euclidean norm."),
    D("print", tf_print, "print(*inputs, sep=' ', end='\\n')", "Prints tensors as TF does: tf.print(t) shows [1 2 3]."),
    D("executing_eagerly", tf_executing_eagerly, "executing_eagerly()", "True: nnsh always runs eagerly."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_nn_defs[] = {
    D("relu", tf_relu, "relu(features, name=None)", "max(x, 0) element-wise."),
    D("relu6", tf_relu6, "relu6(features, name=None)", "min(max(x, 0), 6) element-wise."),
    D("elu", tf_elu, "elu(features, name=None)", "Exponential linear unit."),
    D("selu", tf_selu, "selu(features, name=None)", "Scaled exponential linear unit."),
    D("gelu", tf_gelu, "gelu(features, approximate=False, name=None)", "Gaussian error linear unit."),
    D("swish", tf_swish, "swish(features, name=None)", "x * sigmoid(x)."),
    D("silu", tf_swish, "silu(features, name=None)", "x * sigmoid(x)."),
    D("leaky_relu", tf_leaky_relu, "leaky_relu(features, alpha=0.2, name=None)", "x if x > 0 else alpha * x."),
    D("sigmoid", tf_sigmoid, "sigmoid(x, name=None)", "1 / (1 + exp(-x))."),
    D("tanh", tf_tanh, "tanh(x, name=None)", "Hyperbolic tangent."),
    D("softplus", tf_softplus, "softplus(features, name=None)", "log(exp(x) + 1)."),
    D("softsign", tf_softsign, "softsign(features, name=None)", "x / (|x| + 1)."),
    D("softmax", tf_softmax, "softmax(logits, axis=None, name=None)", "exp(x) / sum(exp(x)) along the last axis."),
    D("log_softmax", tf_log_softmax, "log_softmax(logits, axis=None, name=None)", "log(softmax(x))."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_random_defs[] = {
    D("normal", tf_random_normal, "normal(shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, name=None)", "Normally distributed values."),
    D("uniform", tf_random_uniform, "uniform(shape, minval=0, maxval=None, dtype=tf.float32, seed=None, name=None)", "Uniformly distributed values in [minval, maxval)."),
    D("shuffle", tf_random_shuffle, "shuffle(value, seed=None, name=None)", "A copy shuffled along the first axis."),
    D("set_seed", tf_random_set_seed, "set_seed(seed)", "Seeds the session's one generator (also np.random's)."),
    {NULL, NULL, NULL, NULL}
};

static const NativeDef tf_linalg_defs[] = {
    D("matmul", tf_matmul, "matmul(a, b, transpose_a=False, transpose_b=False, name=None)", "Matrix product."),
    D("tensordot", tf_tensordot, "tensordot(a, b, axes, name=None)", "Tensor contraction."),
    D("matrix_transpose", tf_transpose, "matrix_transpose(a, name=None)", "Transpose."),
    D("norm", tf_norm, "norm(tensor, ord='euclidean', axis=None, keepdims=None, name=None)", "Euclidean norm."),
    D("eye", tf_eye, "eye(num_rows, num_columns=None, batch_shape=None, dtype=tf.float32, name=None)", "Identity matrix."),
    {NULL, NULL, NULL, NULL}
};

/* ---- modules ---- */

static bool add_dtypes(Interp *I, Value m)
{
    static const struct { const char *name; NnDType dt; } names[] = {
        {"float32", NN_F32}, {"float64", NN_F64}, {"double", NN_F64}, {"int32", NN_I32},
        {"int64", NN_I64}, {"uint8", NN_U8}, {"bool", NN_BOOL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        Value d;
        if (!tensor_dtype_value(I, names[i].dt, DTYPE_TF, &d))
            return false;
        bool ok = module_set(I, m, names[i].name, d);
        value_decref(d);
        if (!ok)
            return false;
    }
    return true;
}

static bool make_module(Interp *I, const char *name, const char *doc,
                        const NativeDef *const *tables, Value *out)
{
    Value m;
    if (!module_new(I, name, doc, &m))
        return false;
    for (int i = 0; tables[i]; i++)
        if (!module_add_natives(I, m, tables[i])) {
            value_decref(m);
            return false;
        }
    *out = m;
    return true;
}

static bool mod_tf_math_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_binary_defs, tf_unary_defs, tf_reduce_defs, NULL};
    return make_module(I, "tensorflow.math", "Element-wise math and reductions (tf.math.*).",
                       tables, out);
}

static bool mod_tf_nn_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_nn_defs, NULL};
    return make_module(I, "tensorflow.nn", "Activation functions (tf.nn.relu, tf.nn.softmax, ...).",
                       tables, out);
}

static bool mod_tf_random_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_random_defs, NULL};
    return make_module(I, "tensorflow.random", "Random tensors from the session's seeded generator.",
                       tables, out);
}

static bool mod_tf_linalg_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_linalg_defs, NULL};
    return make_module(I, "tensorflow.linalg", "Linear algebra (tf.linalg.matmul, norm, ...).",
                       tables, out);
}

/* Imports `dotted` and stores it as attribute `name` of m. */
static bool attach(Interp *I, Value m, const char *name, const char *dotted)
{
    Value sub;
    if (!interp_import(I, dotted, &sub))
        return false;
    bool ok = module_set(I, m, name, sub);
    value_decref(sub);
    return ok;
}

/* Copies every public attribute of the registered extension modules into tf. */
static bool merge_extensions(Interp *I, Value tf)
{
    for (int i = 0; tensor_tf_extensions[i]; i++) {
        Value ext, names;
        if (!interp_import(I, tensor_tf_extensions[i], &ext)) {
            interp_clear_error(I);   /* not registered: that part is absent */
            continue;
        }
        bool ok = value_dir(I, ext, &names);
        for (size_t k = 0; ok && k < as_list(names)->len; k++) {
            const char *n = str_cstr(as_list(names)->items[k]);
            Value v;
            bool found = false;
            if (n[0] == '_')
                continue;
            ok = module_get(I, ext, n, &v, &found);
            if (ok && found) {
                ok = module_set(I, tf, n, v);
                value_decref(v);
            }
        }
        if (ok)
            value_decref(names);
        value_decref(ext);
        if (!ok)
            return false;
    }
    return true;
}

bool mod_tf_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_main_defs, tf_binary_defs, tf_unary_defs, tf_reduce_defs, NULL};
    Value m, ver;
    if (!make_module(I, "tensorflow", "TensorFlow 2 as nnsh provides it: tensors, math, "
                     "tf.nn, tf.random, tf.keras.", tables, &m))
        return false;
    bool ok = add_dtypes(I, m) && module_set(I, m, "newaxis", val_none()) &&
              attach(I, m, "math", "tensorflow.math") && attach(I, m, "nn", "tensorflow.nn") &&
              attach(I, m, "random", "tensorflow.random") &&
              attach(I, m, "linalg", "tensorflow.linalg") && str_from_cstr(I, "2.12.0", &ver);
    if (ok) {
        ok = module_set(I, m, "__version__", ver);
        value_decref(ver);
    }
    ok = ok && merge_extensions(I, m);
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

bool tensor_install(Interp *I)
{
    return interp_register_module(I, "tensorflow", mod_tf_create) &&
           interp_register_module(I, "tensorflow.math", mod_tf_math_create) &&
           interp_register_module(I, "tensorflow.nn", mod_tf_nn_create) &&
           interp_register_module(I, "tensorflow.random", mod_tf_random_create) &&
           interp_register_module(I, "tensorflow.linalg", mod_tf_linalg_create) &&
           interp_register_module(I, "numpy", mod_np_create) &&
           interp_register_module(I, "numpy.random", mod_np_random_create) &&
           interp_register_module(I, "numpy.linalg", mod_np_linalg_create);
}
