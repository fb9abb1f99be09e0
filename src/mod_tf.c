/* mod_tf.c - the `tensorflow` module (tf.constant, tf.add, tf.reduce_sum,
 * tf.nn.*, tf.math.*, tf.random.*, tf.linalg.*, the dtypes, tf.print) and
 * tensor_install, which registers it and numpy.
 *
 * Owned by the tensor-language part (see tensor_value.h).  Results are tf
 * tensors.  Arguments may be tensors, numpy arrays, Python numbers or nested
 * lists: Python values convert with TF's dtype rules (ints -> int32, floats ->
 * float32), numpy arrays keep their dtype.  Other parts add names to tf
 * through tensor_tf_extensions (see tensor_value.h).  Shape and linear
 * algebra functions are in mod_tf_shape.c.
 */
#include <string.h>
#include <math.h>
#include "tensor_value.h"
#include "modules.h"
#include "mod_tf.h"
#include "autodiff.h"
#include "mod_activations.h"

const char *const tensor_tf_extensions[] = {
    "nnsh.tf_autodiff", "nnsh.tf_keras", "nnsh.tf_data", "nnsh.tf_extra", NULL
};

bool tf_value(Interp *I, Value v, int dtype, Value *out)
{
    NnTensor *t;
    if (!tensor_from_value(I, v, dtype, TENSOR_TF, &t))
        return false;
    return tensor_value_new(I, t, TENSOR_TF, out);
}

bool tf_tensor(Interp *I, Value v, NnTensor **out)
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
    { (void)self; TF1_DEFER(I, fn, NAME, a, out); return tf_bin(I, a, OP, NAME, out); }
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
    { (void)self; TF1_DEFER(I, fn, NAME, a, out); return tf_un(I, a, OP, NAME, out); }
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
TF_UN(tf_floor, NN_FLOOR, "floor")
TF_UN(tf_ceil, NN_CEIL, "ceil")
TF_UN(tf_round, NN_ROUND, "round")
TF_UN(tf_logical_not, NN_LOGICAL_NOT, "logical_not")
TF_UN(tf_is_nan, NN_ISNAN, "is_nan")
TF_UN(tf_is_inf, NN_ISINF, "is_inf")
TF_UN(tf_is_finite, NN_ISFINITE, "is_finite")

/* gelu(features, approximate=False): the tanh form is composed in
 * mod_keras_activations.c, shared with keras.activations.gelu. */
static bool tf_gelu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    bool approx = false;
    (void)self;
    TF1_DEFER(I, tf_gelu, "gelu", a, out);
    if (!args_parse(I, "gelu", a, "features, approximate=, name=", v) ||
        (v[1].kind != VAL_UNSET && !value_truth(I, v[1], &approx)))
        return false;
    return activations_gelu(I, v[0], approx, out);
}

static bool tf_leaky_relu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    double alpha = 0.2;
    NnTensor *t;
    (void)self;
    TF1_DEFER(I, tf_leaky_relu, "leaky_relu", a, out);
    if (!args_parse(I, "leaky_relu", a, "features, alpha=, name=", v))
        return false;
    if (v[1].kind != VAL_UNSET && !arg_float(I, "leaky_relu", "alpha", v[1], &alpha))
        return false;
    if (!tensor_from_value(I, v[0], -1, TENSOR_TF, &t))
        return false;
    NnGradAttrs at = {.alpha = alpha};
    NnTensor *r = ad_rec(I, nn_leaky_relu(interp_nn(I), t, alpha), NN_G_LEAKY_RELU, &t, 1, &at);
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
    bool ok = tensor_axis_arg(I, v[1], t->ndim, t->ndim - 1, &axis);
    if (ok) {
        NnGradAttrs at = {.axes = {axis}};
        NnTensor *r = log ? nn_log_softmax(interp_nn(I), t, axis) : nn_softmax(interp_nn(I), t, axis);
        r = ad_rec(I, r, log ? NN_G_LOG_SOFTMAX : NN_G_SOFTMAX, &t, 1, &at);
        ok = tensor_value_wrap(I, r, TENSOR_TF, out);
    }
    value_decref(x);
    return ok;
}

static bool tf_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    TF1_DEFER(I, tf_softmax, "softmax", a, out);
    return tf_softmax_common(I, a, out, false);
}

static bool tf_log_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    TF1_DEFER(I, tf_log_softmax, "log_softmax", a, out);
    return tf_softmax_common(I, a, out, true);
}

/* ---- reductions ---- */

static bool tf_red(Interp *I, const Args *a, NnReduceOp op, const char *fname, Value *out)
{
    Value v[6], x;
    if (!args_parse(I, fname, a, "input_tensor, axis=, keepdims=, name=, reduction_indices=, "
                    "keep_dims=", v) || !tf_value(I, v[0], -1, &x))
        return false;
    if (v[1].kind == VAL_UNSET)     /* TF1's names of axis and keepdims */
        v[1] = v[4];
    if (v[2].kind == VAL_UNSET)
        v[2] = v[5];
    bool ok = tensor_reduce(I, op, x, v[1], v[2], TENSOR_TF, 0, out);
    value_decref(x);
    return ok;
}

#define TF_RED(fn, OP, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; TF1_DEFER(I, fn, NAME, a, out); return tf_red(I, a, OP, NAME, out); }
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
    TF1_DEFER(I, tf_argmax, "argmax", a, out);
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

bool tf_eye(Interp *I, Value self, const Args *a, Value *out)
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
    const NativeDef *tables[] = {tf_binary_defs, tf_unary_defs, tf_reduce_defs, tf_extra_math_defs,
                                  NULL};
    return make_module(I, "tensorflow.math", "Element-wise math and reductions (tf.math.*).",
                       tables, out);
}

static bool mod_tf_nn_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_nn_defs, tf_extra_nn_defs, NULL};
    return make_module(I, "tensorflow.nn", "Activation functions (tf.nn.relu, tf.nn.softmax, ...).",
                       tables, out);
}

static bool mod_tf_random_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_random_defs, tf_extra_random_defs, NULL};
    return make_module(I, "tensorflow.random", "Random tensors from the session's seeded generator.",
                       tables, out);
}

static bool mod_tf_linalg_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_linalg_defs, tf_extra_linalg_defs, NULL};
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
    return module_merge(I, tf, tensor_tf_extensions);
}

bool mod_tf_create(Interp *I, Value *out)
{
    const NativeDef *tables[] = {tf_main_defs, tf_shape_defs, tf_binary_defs, tf_unary_defs,
                                  tf_reduce_defs, tf_extra_defs, NULL};
    Value m, ver, tt;
    if (!make_module(I, "tensorflow", "TensorFlow 2 as nnsh provides it: tensors, math, "
                     "tf.nn, tf.random, tf.keras.", tables, &m))
        return false;
    bool ok = add_dtypes(I, m) && module_set(I, m, "newaxis", val_none()) && tensor_tf_type(I, &tt);
    if (ok) {   /* isinstance(x, tf.Tensor) */
        ok = module_set(I, m, "Tensor", tt);
        value_decref(tt);
    }
    ok = ok &&
              attach(I, m, "math", "tensorflow.math") && attach(I, m, "nn", "tensorflow.nn") &&
              attach(I, m, "random", "tensorflow.random") &&
              attach(I, m, "linalg", "tensorflow.linalg") && str_from_cstr(I, "2.12.0", &ver);
    if (ok) {
        ok = module_set(I, m, "__version__", ver);
        value_decref(ver);
    }
    ok = ok && merge_extensions(I, m) && tf1_add_compat(I, m);
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

/* `import tensorflow.compat.v1 as tf`: the v1 module built with tensorflow. */
static bool mod_tf_compat_v1_create(Interp *I, Value *out)
{
    Value tf, compat;
    bool found = false;
    if (!interp_import(I, "tensorflow", &tf))
        return false;
    bool ok = module_get(I, tf, "compat", &compat, &found) && found;
    value_decref(tf);
    if (!ok)
        return interp_error(I, ERR_IMPORT, "No module named 'tensorflow.compat.v1'");
    ok = module_get(I, compat, "v1", out, &found) && found;
    value_decref(compat);
    return ok ? true : interp_error(I, ERR_IMPORT, "No module named 'tensorflow.compat.v1'");
}

/* The built-in `Ellipsis`: the one instance of the ellipsis class. */
static bool add_ellipsis(Interp *I)
{
    Value e;
    if (!native_obj_new(I, &tensor_ellipsis_class, NULL, &e))
        return false;
    bool ok = interp_add_builtin(I, "Ellipsis", e);
    value_decref(e);
    return ok;
}

bool tensor_install(Interp *I)
{
    return add_ellipsis(I) && interp_register_module(I, "tensorflow", mod_tf_create) &&
           interp_register_module(I, "tensorflow.math", mod_tf_math_create) &&
           interp_register_module(I, "tensorflow.nn", mod_tf_nn_create) &&
           interp_register_module(I, "tensorflow.random", mod_tf_random_create) &&
           interp_register_module(I, "tensorflow.linalg", mod_tf_linalg_create) &&
           interp_register_module(I, "numpy", mod_np_create) &&
           interp_register_module(I, "numpy.random", mod_np_random_create) &&
           interp_register_module(I, "numpy.linalg", mod_np_linalg_create) &&
           interp_register_module(I, "tensorflow.compat.v1", mod_tf_compat_v1_create) &&
           autodiff_install(I);
}
