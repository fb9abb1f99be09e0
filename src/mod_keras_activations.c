/* mod_keras_activations.c - keras.activations: the activation functions on
 * tensors with tf.keras 2.12's signatures and formulas (keras/activations.py
 * and keras/backend.py), plus get / serialize / deserialize.  Also the
 * approximate gelu that tf.nn.gelu shares (mod_activations.h).
 *
 * Every function is composed of recorded ops (ad_unary / ad_binary / ad_rec),
 * in the order Keras composes them, so a GradientTape sees the same
 * gradients TensorFlow gives (relu with a threshold multiplies by the mask
 * x > threshold; hard_sigmoid clips with both ends inclusive).
 *
 * Float inputs keep their dtype; lists, Python numbers and integer tensors
 * become float32 (floatx).  Owned by the activations engineer; the module is
 * assembled in mod_keras.c from keras_activation_defs.
 */
#include <math.h>
#include <string.h>
#include "autodiff.h"
#include "mod_activations.h"
#include "mod_keras.h"

/* ---------------------------------------------------------------- composition */

/* The helpers below take (consume) their tensor arguments, which may be NULL
 * after an earlier failure: the result is then NULL with the status left in
 * the ctx, so one check at the end of a chain is enough. */

static NnTensor *scal(Interp *I, const NnTensor *like, double v)
{
    return like ? nn_tensor_scalar(interp_nn(I), like->dtype, v) : NULL;
}

static NnTensor *bin_take(Interp *I, NnBinaryOp op, NnTensor *a, NnTensor *b)
{
    NnTensor *r = NULL;
    if (a && b)
        r = ad_binary(I, nn_binary(interp_nn(I), op, a, b, nn_promote(a->dtype, b->dtype)), op, a,
                      b);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
    return r;
}

static NnTensor *un_take(Interp *I, NnUnaryOp op, NnTensor *a)
{
    NnTensor *r = a ? ad_unary(I, nn_unary(interp_nn(I), op, a), op, a) : NULL;
    nn_tensor_unref(a);
    return r;
}

/* clip(a, lo, hi) as tf.clip_by_value: the gradient passes at the bounds. */
static NnTensor *clip_take(Interp *I, NnTensor *a, double lo, double hi)
{
    NnGradAttrs at = {.lo = lo, .hi = hi};
    NnTensor *r = a ? ad_rec(I, nn_clip(interp_nn(I), a, lo, hi), NN_G_CLIP, &a, 1, &at) : NULL;
    nn_tensor_unref(a);
    return r;
}

/* cond ? a : b, cond = x > 0 (not recorded: no gradient flows to a mask). */
static NnTensor *where_pos_take(Interp *I, const NnTensor *x, NnTensor *a, NnTensor *b)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *zero = scal(I, x, 0), *r = NULL;
    NnTensor *cond = zero ? nn_binary(ctx, NN_GT, x, zero, x->dtype) : NULL;
    if (cond && a && b) {
        NnGradAttrs at = {.aux = cond};
        r = ad_rec(I, nn_where(ctx, cond, a, b, a->dtype), NN_G_WHERE, (NnTensor *[]){a, b}, 2, &at);
    }
    nn_tensor_unref(cond);
    nn_tensor_unref(zero);
    nn_tensor_unref(a);
    nn_tensor_unref(b);
    return r;
}

static NnTensor *ref(NnTensor *t) { return nn_tensor_ref(t); }

/* ---------------------------------------------------------------- formulas */

/* keras.backend.relu(x, alpha, max_value, threshold); max_value NaN = None. */
static NnTensor *k_relu(Interp *I, NnTensor *x, double alpha, double max_value, double thr)
{
    NnCtx *ctx = interp_nn(I);
    bool clip = !isnan(max_value);
    if (alpha != 0 && !clip && thr == 0) {
        NnGradAttrs at = {.alpha = alpha};
        return ad_rec(I, nn_leaky_relu(ctx, x, alpha), NN_G_LEAKY_RELU, &x, 1, &at);
    }
    NnTensor *neg = NULL, *y;
    if (alpha != 0)
        neg = un_take(I, NN_RELU, thr != 0 ? bin_take(I, NN_ADD, un_take(I, NN_NEG, ref(x)),
                                                      scal(I, x, thr))
                                           : un_take(I, NN_NEG, ref(x)));
    if (thr != 0) {
        /* x * cast(x > threshold): keeps the sign of zeroed negatives (-0.) */
        NnTensor *t = scal(I, x, thr);
        NnTensor *gt = t ? nn_binary(ctx, NN_GT, x, t, x->dtype) : NULL;
        y = bin_take(I, NN_MUL, ref(x), gt ? nn_tensor_cast(ctx, gt, x->dtype) : NULL);
        nn_tensor_unref(gt);
        nn_tensor_unref(t);
    } else if (clip && max_value == 6) {
        y = un_take(I, NN_RELU6, ref(x));
        clip = false;
    } else {
        y = un_take(I, NN_RELU, ref(x));
    }
    if (clip)
        y = clip_take(I, y, 0, max_value);
    if (alpha != 0)
        y = bin_take(I, NN_SUB, y, bin_take(I, NN_MUL, scal(I, x, alpha), neg));
    return y;
}

/* keras.backend.elu: tf.nn.elu, then where(x > 0, res, alpha * res). */
static NnTensor *k_elu(Interp *I, NnTensor *x, double alpha)
{
    NnTensor *res = un_take(I, NN_ELU, ref(x));
    if (alpha == 1)
        return res;
    NnTensor *b = bin_take(I, NN_MUL, scal(I, x, alpha), res ? ref(res) : NULL);
    return where_pos_take(I, x, res, b);
}

/* tf.nn.gelu(approximate=True):
 * 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x^3))). */
static NnTensor *gelu_tanh(Interp *I, NnTensor *x)
{
    NnTensor *x3 = bin_take(I, NN_POW, ref(x), scal(I, x, 3));
    NnTensor *in = bin_take(I, NN_ADD, ref(x), bin_take(I, NN_MUL, scal(I, x, 0.044715), x3));
    NnTensor *t = un_take(I, NN_TANH, bin_take(I, NN_MUL, scal(I, x, 0.7978845608028654), in));
    NnTensor *h = bin_take(I, NN_MUL, scal(I, x, 0.5), ref(x));
    return bin_take(I, NN_MUL, h, bin_take(I, NN_ADD, scal(I, x, 1.0), t));
}

/* keras.backend.hard_sigmoid (Keras 2): clip(0.2 * x + 0.5, 0, 1). */
static NnTensor *k_hard_sigmoid(Interp *I, NnTensor *x)
{
    NnTensor *y = bin_take(I, NN_ADD, bin_take(I, NN_MUL, ref(x), scal(I, x, 0.2)),
                           scal(I, x, 0.5));
    return clip_take(I, y, 0, 1);
}

/* mish(x) = x * tanh(softplus(x)). */
static NnTensor *k_mish(Interp *I, NnTensor *x)
{
    return bin_take(I, NN_MUL, ref(x), un_take(I, NN_TANH, un_take(I, NN_SOFTPLUS, ref(x))));
}

/* ---------------------------------------------------------------- arguments */

/* x as a float tensor: float tensors as they are, everything else float32. */
static bool float_input(Interp *I, Value v, NnTensor **out)
{
    NnTensor *t;
    if (!tensor_from_value(I, v, -1, TENSOR_TF, &t))
        return false;
    if (nn_dtype_is_float(t->dtype)) {
        *out = t;
        return true;
    }
    NnTensor *f = nn_tensor_cast(interp_nn(I), t, NN_F32);
    nn_tensor_unref(t);
    if (!f)
        return tensor_value_wrap(I, NULL, TENSOR_TF, NULL);
    *out = f;
    return true;
}

/* A number argument (unset keeps *out); None is allowed when none_ok (NaN). */
static bool num_arg(Interp *I, const char *f, const char *p, Value v, bool none_ok, double *out)
{
    if (v.kind == VAL_UNSET)
        return true;
    if (v.kind == VAL_NONE && none_ok) {
        *out = NAN;
        return true;
    }
    return arg_float(I, f, p, v, out);
}

static bool finish(Interp *I, NnTensor *x, NnTensor *r, Value *out)
{
    nn_tensor_unref(x);
    return tensor_value_wrap(I, r, TENSOR_TF, out);
}

/* ---------------------------------------------------------------- functions */

static bool a_relu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    double alpha = 0, max_value = NAN, thr = 0;
    NnTensor *x;
    (void)self;
    if (!args_parse(I, "relu", a, "x, alpha=, max_value=, threshold=", v) ||
        !num_arg(I, "relu", "alpha", v[1], false, &alpha) ||
        !num_arg(I, "relu", "max_value", v[2], true, &max_value) ||
        !num_arg(I, "relu", "threshold", v[3], false, &thr) || !float_input(I, v[0], &x))
        return false;
    return finish(I, x, k_relu(I, x, alpha, max_value, thr), out);
}

static bool a_elu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    double alpha = 1;
    NnTensor *x;
    (void)self;
    if (!args_parse(I, "elu", a, "x, alpha=", v) || !num_arg(I, "elu", "alpha", v[1], false, &alpha) ||
        !float_input(I, v[0], &x))
        return false;
    return finish(I, x, k_elu(I, x, alpha), out);
}

static bool a_gelu(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *x;
    bool approx = false;
    (void)self;
    if (!args_parse(I, "gelu", a, "x, approximate=", v) ||
        (v[1].kind != VAL_UNSET && !value_truth(I, v[1], &approx)) || !float_input(I, v[0], &x))
        return false;
    return finish(I, x, approx ? gelu_tanh(I, x) : un_take(I, NN_GELU, ref(x)), out);
}

static bool a_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *x;
    int axis;
    (void)self;
    if (!args_parse(I, "softmax", a, "x, axis=", v) || !float_input(I, v[0], &x))
        return false;
    if (x->ndim <= 1) {
        StrBuf sb;
        sb_init(&sb);
        Value xv;
        bool ok = tensor_value_new(I, x, TENSOR_TF, &xv);
        if (ok) {
            ok = value_str(I, xv, &sb);
            value_decref(xv);
        }
        if (ok)
            interp_error(I, ERR_VALUE, "Cannot apply softmax to a tensor that is 1D. Received "
                         "input: %.*s", (int)sb.len, sb.data ? sb.data : "");
        sb_free(&sb);
        return false;
    }
    if (!tensor_axis_arg(I, v[1], x->ndim, x->ndim - 1, &axis)) {
        nn_tensor_unref(x);
        return false;
    }
    NnGradAttrs at = {.axes = {axis}};
    NnTensor *r = ad_rec(I, nn_softmax(interp_nn(I), x, axis), NN_G_SOFTMAX, &x, 1, &at);
    return finish(I, x, r, out);
}

enum { K_HARD_SIGMOID = -1, K_MISH = -2, K_LINEAR = -3 };

static bool act_unary(Interp *I, const Args *a, const char *f, int op, Value *out)
{
    Value v[1];
    NnTensor *x, *r;
    if (!args_parse(I, f, a, "x", v))
        return false;
    if (op == K_LINEAR) {       /* the input itself, as Keras returns x */
        *out = v[0];
        value_incref(v[0]);
        return true;
    }
    if (!float_input(I, v[0], &x))
        return false;
    if (op == K_HARD_SIGMOID)
        r = k_hard_sigmoid(I, x);
    else if (op == K_MISH)
        r = k_mish(I, x);
    else
        r = un_take(I, (NnUnaryOp)op, ref(x));
    return finish(I, x, r, out);
}

#define ACT(fn, NAME, OP) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { (void)self; return act_unary(I, a, NAME, OP, out); }
ACT(a_sigmoid, "sigmoid", NN_SIGMOID)
ACT(a_tanh, "tanh", NN_TANH)
ACT(a_selu, "selu", NN_SELU)
ACT(a_softplus, "softplus", NN_SOFTPLUS)
ACT(a_softsign, "softsign", NN_SOFTSIGN)
ACT(a_swish, "swish", NN_SWISH)
ACT(a_exponential, "exponential", NN_EXP)
ACT(a_hard_sigmoid, "hard_sigmoid", K_HARD_SIGMOID)
ACT(a_mish, "mish", K_MISH)
ACT(a_linear, "linear", K_LINEAR)

bool activations_gelu(Interp *I, Value x, bool approximate, Value *out)
{
    NnTensor *t;
    if (!float_input(I, x, &t))
        return false;
    return finish(I, t, approximate ? gelu_tanh(I, t) : un_take(I, NN_GELU, ref(t)), out);
}

/* ---------------------------------------------------------------- get, serialize */

/* The function named `name` in keras.activations, or in tf.nn for the names
 * nnsh's layers accept beyond Keras 2.12's ("leaky_relu", "relu6"). */
static bool lookup(Interp *I, const char *name, Value *out)
{
    Value m;
    bool found = false;
    if (!interp_import(I, "keras.activations", &m))
        return false;
    bool ok = module_get(I, m, name, out, &found);
    value_decref(m);
    if (!ok || found)
        return ok;
    if (!interp_import(I, "tensorflow", &m))
        return false;
    Value nn;
    ok = value_getattr(I, m, "nn", &nn);
    value_decref(m);
    if (!ok)
        return false;
    ok = module_get(I, nn, name, out, &found);
    value_decref(nn);
    if (ok && !found)
        ok = interp_error(I, ERR_VALUE, "Unknown activation function: '%s'.", name);
    return ok;
}

static bool by_name(Interp *I, const char *fname, Value id, Value *out)
{
    NnActivation act;
    if (!keras_activation_arg(I, fname, id, &act))
        return false;
    return lookup(I, nn_activation_name(act), out);
}

static bool a_deserialize(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    (void)self;
    if (!args_parse(I, "deserialize", a, "name, custom_objects=, use_legacy_format=", v))
        return false;
    if (val_is_obj(v[1], OBJ_DICT) && val_is_obj(v[0], OBJ_STR)) {
        bool found = false;
        if (!dict_get(I, v[1], v[0], out, &found))
            return false;
        if (found)
            return true;
    }
    if (!val_is_obj(v[0], OBJ_STR))
        return interp_error(I, ERR_TYPE, "Could not interpret serialized activation function: %s",
                            value_type_name(v[0]));
    return by_name(I, "deserialize", v[0], out);
}

static bool a_get(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], cls;
    bool found = false;
    (void)self;
    if (!args_parse(I, "get", a, "identifier", v))
        return false;
    if (v[0].kind == VAL_NONE)
        return lookup(I, "linear", out);
    if (val_is_obj(v[0], OBJ_STR))
        return by_name(I, "get", v[0], out);
    if (val_is_obj(v[0], OBJ_DICT)) {
        if (!dict_get_str(I, v[0], "class_name", &cls, &found))
            return false;
        if (!found || !val_is_obj(cls, OBJ_STR))
            return interp_error(I, ERR_VALUE, "Could not interpret activation function "
                                "identifier: a dict without a 'class_name'");
        bool ok = by_name(I, "get", cls, out);
        value_decref(cls);
        return ok;
    }
    if (v[0].kind == VAL_OBJ && (v[0].as.o->kind == OBJ_FUNC || v[0].as.o->kind == OBJ_NATIVE ||
                                 v[0].as.o->kind == OBJ_BOUND || keras_layer_data(v[0]))) {
        *out = v[0];
        value_incref(v[0]);
        return true;
    }
    StrBuf sb;
    sb_init(&sb);
    if (value_repr(I, v[0], &sb))
        interp_error(I, ERR_TYPE, "Could not interpret activation function identifier: %.*s",
                     (int)sb.len, sb.data ? sb.data : "");
    sb_free(&sb);
    return false;
}

static bool a_serialize(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    (void)self;
    if (!args_parse(I, "serialize", a, "activation, use_legacy_format=", v))
        return false;
    if (val_is_obj(v[0], OBJ_NATIVE) && native_def(v[0]))
        return str_from_cstr(I, strcmp(native_def(v[0])->name, "silu") == 0 ? "swish"
                                                                           : native_def(v[0])->name,
                             out);
    if (v[0].kind == VAL_OBJ && v[0].as.o->kind == OBJ_FUNC)
        return value_getattr(I, v[0], "__name__", out);
    StrBuf sb;
    sb_init(&sb);
    if (value_repr(I, v[0], &sb))
        interp_error(I, ERR_VALUE, "('Cannot serialize', %.*s)", (int)sb.len,
                     sb.data ? sb.data : "");
    sb_free(&sb);
    return false;
}

const NativeDef keras_activation_defs[] = {
    {"relu", a_relu, "relu(x, alpha=0.0, max_value=None, threshold=0.0)",
     "max(x, 0); with alpha, alpha * (x - threshold) below the threshold; max_value caps it;\n"
     "values at or below a nonzero threshold become 0.\n"
     "    tf.keras.activations.relu(x, alpha=0.1)   # leaky ReLU"},
    {"sigmoid", a_sigmoid, "sigmoid(x)", "1 / (1 + exp(-x))."},
    {"tanh", a_tanh, "tanh(x)", "Hyperbolic tangent."},
    {"softmax", a_softmax, "softmax(x, axis=-1)",
     "exp(x) / sum(exp(x)) along axis; x must have at least 2 dimensions, as in Keras."},
    {"elu", a_elu, "elu(x, alpha=1.0)", "x if x > 0 else alpha * (exp(x) - 1)."},
    {"selu", a_selu, "selu(x)", "Scaled exponential linear unit: 1.0507 * elu(x, 1.67326)."},
    {"softplus", a_softplus, "softplus(x)", "log(exp(x) + 1)."},
    {"softsign", a_softsign, "softsign(x)", "x / (|x| + 1)."},
    {"swish", a_swish, "swish(x)", "x * sigmoid(x)."},
    {"gelu", a_gelu, "gelu(x, approximate=False)",
     "Gaussian error linear unit: x * P(X <= x) = 0.5 * x * (1 + erf(x / sqrt(2))); with\n"
     "approximate=True, 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))."},
    {"exponential", a_exponential, "exponential(x)", "exp(x)."},
    {"hard_sigmoid", a_hard_sigmoid, "hard_sigmoid(x)",
     "Keras 2's piecewise-linear sigmoid: max(0, min(1, 0.2 * x + 0.5))."},
    {"mish", a_mish, "mish(x)", "x * tanh(softplus(x))."},
    {"linear", a_linear, "linear(x)", "The identity (returns x itself)."},
    {"get", a_get, "get(identifier)",
     "The activation function for a name ('relu'), None (linear) or a function (itself).\n"
     "    f = tf.keras.activations.get('relu')"},
    {"serialize", a_serialize, "serialize(activation)",
     "The name of an activation function: serialize(tf.keras.activations.relu) is 'relu'."},
    {"deserialize", a_deserialize, "deserialize(name, custom_objects=None)",
     "The activation function named `name` (custom_objects is looked in first)."},
    {NULL, NULL, NULL, NULL},
};
