/* mod_keras_layers.c - the keras.layers classes: Dense, Activation, Softmax,
 * ReLU, Dropout, BatchNormalization, Flatten, Reshape, Conv2D, MaxPooling2D,
 * AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, InputLayer
 * (and keras.Input).  A layer value holds an NnLayerConfig; once
 * added to a Sequential model it also points at its model, so get_weights,
 * output_shape and count_params read the model's blocks.
 *
 * Constructors take Keras's arguments and names (automatic names per
 * session: dense, dense_1, ...).  Tutorial code that writes Softmax(10) for
 * "a softmax layer with 10 units" gets Dense(10, activation='softmax') and a
 * warning saying so.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"

static const char *const layer_modules[NN_LAYER_KIND_COUNT] = {
    "keras.engine.input_layer", "keras.layers.core.dense", "keras.layers.core.activation",
    "keras.layers.activation.softmax", "keras.layers.activation.relu",
    "keras.layers.regularization.dropout", "keras.layers.normalization.batch_normalization",
    "keras.layers.reshaping.flatten", "keras.layers.reshaping.reshape",
    "keras.layers.convolutional.conv2d", "keras.layers.pooling.max_pooling2d",
    "keras.layers.pooling.average_pooling2d", "keras.layers.pooling.global_average_pooling2d",
    "keras.layers.pooling.global_max_pooling2d", "keras.layers.activation.leaky_relu",
    "keras.layers.activation.elu",
};

static void layer_finalize(void *data)
{
    KLayer *L = data;
    value_decref(L->own);
    free(L);
}
static bool layer_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool layer_setattr(Interp *I, Value self, const char *name, Value v);
static bool layer_repr(Interp *I, Value self, StrBuf *sb);
extern const NativeDef layer_methods[];
static const char *const layer_attrs[] = {
    "name", "trainable", "units", "activation", "use_bias", "input_shape", "output_shape",
    "weights", "trainable_weights", "non_trainable_weights", "kernel", "bias", "built",
    "rate", "filters", "kernel_size", "strides", "padding", "pool_size", "momentum",
    "epsilon", "axis", "target_shape", "dtype", "keepdims", "data_format", "alpha",
    "max_value", "negative_slope", "threshold", NULL,
};

/* MOD: the module tf.keras 2.12 defines the class in, for its repr and
 * __module__ (<class 'keras.layers.core.dense.Dense'>). */
#define LAYER_CLASS(NAME, MOD, DOC) { .name = NAME, .finalize = layer_finalize, \
    .getattr = layer_getattr, .setattr = layer_setattr, .repr = layer_repr, \
    .call = keras_layer_call, .attrs = layer_attrs, .methods = layer_methods, .doc = DOC, \
    .module = MOD }

static const NativeClass layer_classes[NN_LAYER_KIND_COUNT] = {
    LAYER_CLASS("InputLayer", "keras.engine.input_layer",
                "The input of a model: its feature shape (batch excluded)."),
    LAYER_CLASS("Dense", "keras.layers.core.dense",
                "Dense(units, activation=None, use_bias=True, ...): "
                "activation(inputs @ kernel + bias)."),
    LAYER_CLASS("Activation", "keras.layers.core.activation",
                "Activation(activation): applies an activation function."),
    LAYER_CLASS("Softmax", "keras.layers.activation.softmax",
                "Softmax(axis=-1): softmax over the last axis."),
    LAYER_CLASS("ReLU", "keras.layers.activation.relu",
                "ReLU(max_value=None, negative_slope=0.0, threshold=0.0)."),
    LAYER_CLASS("Dropout", "keras.layers.regularization.dropout",
                "Dropout(rate): zeroes a fraction `rate` of the inputs in "
                "training (scaling the rest by 1/(1-rate)); inactive in predict/evaluate."),
    LAYER_CLASS("BatchNormalization", "keras.layers.normalization.batch_normalization",
                "BatchNormalization(momentum=0.99, epsilon=0.001): "
                "normalizes with batch statistics in training, moving statistics otherwise."),
    LAYER_CLASS("Flatten", "keras.layers.reshaping.flatten",
                "Flatten(): flattens each sample to one axis."),
    LAYER_CLASS("Reshape", "keras.layers.reshaping.reshape",
                "Reshape(target_shape): reshapes each sample."),
    LAYER_CLASS("Conv2D", "keras.layers.convolutional.conv2d",
                "Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', "
                "activation=None): 2-D convolution over NHWC images."),
    LAYER_CLASS("MaxPooling2D", "keras.layers.pooling.max_pooling2d",
                "MaxPooling2D(pool_size=(2, 2), strides=None, "
                "padding='valid')."),
    LAYER_CLASS("AveragePooling2D", "keras.layers.pooling.average_pooling2d",
                "AveragePooling2D(pool_size=(2, 2), strides=None, "
                "padding='valid', data_format=None): the mean of each pool_size window of "
                "(batch, height, width, channels) images, moved by strides (None: pool_size). "
                "padding='same' keeps ceil(size / stride) pixels and leaves the padded cells "
                "out of the mean, as TensorFlow does.  Alias: AvgPool2D.\n"
                "    model.add(tf.keras.layers.AveragePooling2D((2, 2)))"),
    LAYER_CLASS("GlobalAveragePooling2D", "keras.layers.pooling.global_average_pooling2d",
                "GlobalAveragePooling2D(data_format=None, "
                "keepdims=False): the mean over height and width of each channel, "
                "(None, H, W, C) -> (None, C), or (None, 1, 1, C) with keepdims=True; often "
                "used instead of Flatten after Conv2D.  Alias: GlobalAvgPool2D.\n"
                "    x = tf.keras.layers.GlobalAveragePooling2D()(x)"),
    LAYER_CLASS("GlobalMaxPooling2D", "keras.layers.pooling.global_max_pooling2d",
                "GlobalMaxPooling2D(data_format=None, keepdims=False): "
                "the max over height and width of each channel, (None, H, W, C) -> (None, C), "
                "or (None, 1, 1, C) with keepdims=True.  Alias: GlobalMaxPool2D.\n"
                "    x = tf.keras.layers.GlobalMaxPooling2D()(x)"),
    LAYER_CLASS("LeakyReLU", "keras.layers.activation.leaky_relu",
                "LeakyReLU(alpha=0.3): x if x > 0 else alpha * x, on inputs of "
                "any shape.\n    model.add(tf.keras.layers.LeakyReLU(alpha=0.2))"),
    LAYER_CLASS("ELU", "keras.layers.activation.elu",
                "ELU(alpha=1.0): x if x > 0 else alpha * (exp(x) - 1), on inputs of "
                "any shape.\n    model.add(tf.keras.layers.ELU())"),
};

const NativeClass *keras_layer_class(NnLayerKind k) { return &layer_classes[k]; }

KLayer *keras_layer_data(Value v)
{
    if (!val_is_obj(v, OBJ_NATIVE_OBJ))
        return NULL;
    const NativeClass *c = ((ObjNativeObj *)v.as.o)->cls;
    if (c < layer_classes || c >= layer_classes + NN_LAYER_KIND_COUNT)
        return NULL;
    return ((ObjNativeObj *)v.as.o)->data;
}

bool keras_layer_new(Interp *I, const NnLayerConfig *c, bool has_input, Value *out)
{
    KLayer *L = calloc(1, sizeof *L);
    if (!L)
        return interp_error(I, ERR_MEMORY, "out of memory");
    L->cfg = *c;
    L->has_input_shape = has_input;
    L->index = -1;
    if (has_input && c->kind != NN_LAYER_RESHAPE) {
        L->in_ndim = c->ndim;
        memcpy(L->in_shape, c->shape, sizeof L->in_shape);
    }
    return native_obj_new(I, &layer_classes[c->kind], L, out);
}

/* ---------------------------------------------------------------- arguments */

/* Common keyword arguments of every layer, appended to each spec. */
#define COMMON ", *, name=, trainable=, dtype=, input_shape=, input_dim=, batch_input_shape=, " \
               "batch_size="
enum { NCOMMON = 7 };

static bool shape_arg(Interp *I, const char *fname, const char *pname, Value v, int *ndim,
                      int64_t *shape, bool allow_none_first)
{
    int n = 0;
    int64_t tmp[NN_MAXDIM + 1];
    if (val_is_obj(v, OBJ_TUPLE) || val_is_obj(v, OBJ_LIST)) {
        ObjList *l = as_list(v);
        if (l->len > NN_MAXDIM)
            return interp_error(I, ERR_VALUE, "%s: %s has too many dimensions", fname, pname);
        for (size_t i = 0; i < l->len; i++) {
            if (l->items[i].kind == VAL_NONE && i == 0 && allow_none_first) {
                tmp[n++] = -1;
                continue;
            }
            if (!arg_int(I, fname, pname, l->items[i], &tmp[n++]))
                return false;
        }
    } else if (!arg_int(I, fname, pname, v, &tmp[n++])) {
        return false;
    }
    int start = allow_none_first && n > 0 && tmp[0] == -1 ? 1 : 0;
    for (int i = start; i < n; i++)
        if (tmp[i] <= 0 && !(tmp[i] == -1 && !allow_none_first))
            return interp_error(I, ERR_VALUE, "%s: %s must contain positive integers", fname,
                                pname);
    *ndim = n - start;
    memcpy(shape, tmp + start, sizeof(int64_t) * (size_t)*ndim);
    return true;
}

/* name, trainable, input_shape / input_dim / batch_input_shape. */
static bool common_args(Interp *I, const char *fname, const Value *v, NnLayerConfig *c,
                        bool *has_input)
{
    const char *name = NULL;
    if (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE) {
        if (!arg_str(I, fname, "name", v[0], &name))
            return false;
        if (strlen(name) >= sizeof c->name || !name[0] || strchr(name, '/'))
            return interp_error(I, ERR_VALUE, "%s: bad layer name '%s'", fname, name);
        snprintf(c->name, sizeof c->name, "%s", name);
    }
    if (v[1].kind != VAL_UNSET && !arg_bool(I, fname, "trainable", v[1], &c->trainable))
        return false;
    *has_input = false;
    if (v[3].kind != VAL_UNSET && v[3].kind != VAL_NONE) {
        if (!shape_arg(I, fname, "input_shape", v[3], &c->ndim, c->shape, false))
            return false;
        *has_input = true;
    } else if (v[4].kind != VAL_UNSET && v[4].kind != VAL_NONE) {
        c->ndim = 1;
        if (!arg_int(I, fname, "input_dim", v[4], &c->shape[0]))
            return false;
        *has_input = true;
    } else if (v[5].kind != VAL_UNSET && v[5].kind != VAL_NONE) {
        if (!shape_arg(I, fname, "batch_input_shape", v[5], &c->ndim, c->shape, true))
            return false;
        *has_input = true;
    }
    return true;
}

static bool finish(Interp *I, NnLayerConfig *c, bool has_input, Value *out)
{
    if (!c->name[0] && !keras_unique_name(I, nn_layer_base_name(c->kind), c->name, sizeof c->name))
        return false;
    return keras_layer_new(I, c, has_input, out);
}

static bool opt_int2(Interp *I, const char *fname, const char *pname, Value v, int *out)
{
    int64_t s[NN_MAXDIM];
    int n = 0;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_int_seq(I, fname, pname, v, s, 2, &n))
        return false;
    if (n == 1)
        s[1] = s[0];
    if (n < 1 || s[0] <= 0 || s[1] <= 0 || s[0] > 1 << 20 || s[1] > 1 << 20)
        return interp_error(I, ERR_VALUE, "%s: %s must be one or two positive integers", fname,
                            pname);
    out[0] = (int)s[0];
    out[1] = (int)s[1];
    return true;
}

static bool padding_arg(Interp *I, const char *fname, Value v, bool *same)
{
    const char *p;
    if (v.kind == VAL_UNSET)
        return true;
    if (!arg_str(I, fname, "padding", v, &p))
        return false;
    if (strcasecmp(p, "same") != 0 && strcasecmp(p, "valid") != 0)
        return interp_error(I, ERR_VALUE, "The `padding` argument must be a list/tuple or one "
                            "of \"valid\", \"same\" (or \"causal\", only for `Conv1D). "
                            "Received: %s", p);
    *same = strcasecmp(p, "same") == 0;
    return true;
}

/* ---------------------------------------------------------------- constructors */

/* activation=: a name or function (keras_activation_arg), or an activation
 * layer used as the function, as Keras allows
 * (Dense(64, activation=tf.keras.layers.LeakyReLU(alpha=0.1))). */
static bool activation_arg(Interp *I, const char *f, Value v, NnLayerConfig *c)
{
    const KLayer *L = keras_layer_data(v);
    if (!L)
        return keras_activation_arg(I, f, v, &c->activation);
    const NnLayerConfig *lc = &L->cfg;
    bool plain_relu = lc->kind == NN_LAYER_RELU && lc->negative_slope == 0 && lc->threshold == 0;
    if (lc->kind == NN_LAYER_LEAKY_RELU) {
        c->activation = NN_ACT_LEAKY_RELU;
        c->act_alpha = lc->act_alpha;
    } else if (lc->kind == NN_LAYER_ELU && lc->act_alpha == 1) {
        c->activation = NN_ACT_ELU;
    } else if (plain_relu && (isnan(lc->max_value) || lc->max_value == 6)) {
        c->activation = isnan(lc->max_value) ? NN_ACT_RELU : NN_ACT_RELU6;
    } else if (lc->kind == NN_LAYER_ACTIVATION) {
        c->activation = lc->activation;
        c->act_alpha = lc->act_alpha;
    } else {
        return interp_error(I, ERR_TYPE, "%s(): this %s layer cannot be used as activation= "
                            "(LeakyReLU, ELU(alpha=1.0), ReLU() and ReLU(max_value=6) can); add "
                            "it as a layer of its own", f, nn_layer_class_name(lc->kind));
    }
    return true;
}

static bool l_dense(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[10 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    const char *f = "Dense";
    nn_layer_config_init(&c, NN_LAYER_DENSE);
    if (!args_parse(I, f, a, "units, activation=, use_bias=, kernel_initializer=, "
                    "bias_initializer=, kernel_regularizer=, bias_regularizer=, "
                    "activity_regularizer=, kernel_constraint=, bias_constraint=" COMMON, v) ||
        !arg_int(I, f, "units", v[0], &c.units))
        return false;
    if (c.units <= 0)
        return interp_error(I, ERR_VALUE, "Received an invalid value for `units`, expected a "
                            "positive integer. Received: units=%lld", (long long)c.units);
    if (!activation_arg(I, f, v[1], &c) ||
        (v[2].kind != VAL_UNSET && !arg_bool(I, f, "use_bias", v[2], &c.use_bias)) ||
        !keras_init_arg(I, f, "kernel_initializer", v[3], &c.kernel_init) ||
        !keras_init_arg(I, f, "bias_initializer", v[4], &c.bias_init) ||
        !keras_reg_arg(I, f, "kernel_regularizer", v[5], &c.kernel_reg) ||
        !keras_reg_arg(I, f, "bias_regularizer", v[6], &c.bias_reg) ||
        !common_args(I, f, v + 10, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool l_activation(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[1 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    nn_layer_config_init(&c, NN_LAYER_ACTIVATION);
    if (!args_parse(I, "Activation", a, "activation" COMMON, v) ||
        !activation_arg(I, "Activation", v[0], &c) ||
        !common_args(I, "Activation", v + 1, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool l_softmax(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[1 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    int64_t axis = -1;
    nn_layer_config_init(&c, NN_LAYER_SOFTMAX);
    if (!args_parse(I, "Softmax", a, "axis=" COMMON, v) ||
        (v[0].kind != VAL_UNSET && !arg_int(I, "Softmax", "axis", v[0], &axis)) ||
        !common_args(I, "Softmax", v + 1, &c, &hi))
        return false;
    if (axis >= 2 && a->npos >= 1) {
        /* Softmax(10) in a tutorial means "a softmax layer with 10 units" */
        interp_warn(I, "Softmax(%lld): %lld is not an axis of a Dense output; read as a softmax "
                    "layer with %lld units, Dense(%lld, activation='softmax')", (long long)axis,
                    (long long)axis, (long long)axis, (long long)axis);
        NnLayerConfig d;
        nn_layer_config_init(&d, NN_LAYER_DENSE);
        d.units = axis;
        d.activation = NN_ACT_SOFTMAX;
        d.trainable = c.trainable;
        d.ndim = c.ndim;
        memcpy(d.shape, c.shape, sizeof d.shape);
        memcpy(d.name, c.name, sizeof d.name);
        return finish(I, &d, hi, out);
    }
    if (axis == 0 || axis < -NN_MAXDIM || axis >= NN_MAXDIM)
        return interp_error(I, ERR_VALUE, "Softmax: axis=%lld is not a feature axis (the batch "
                            "axis is 0)", (long long)axis);
    c.axis = (int)axis;     /* checked against the input's rank at build */
    return finish(I, &c, hi, out);
}

static bool l_relu(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    nn_layer_config_init(&c, NN_LAYER_RELU);
    if (!args_parse(I, "ReLU", a, "max_value=, negative_slope=, threshold=" COMMON, v) ||
        (v[0].kind != VAL_UNSET && v[0].kind != VAL_NONE &&
         !arg_float(I, "ReLU", "max_value", v[0], &c.max_value)) ||
        (v[1].kind != VAL_UNSET && !arg_float(I, "ReLU", "negative_slope", v[1], &c.negative_slope)) ||
        (v[2].kind != VAL_UNSET && !arg_float(I, "ReLU", "threshold", v[2], &c.threshold)) ||
        !common_args(I, "ReLU", v + 3, &c, &hi))
        return false;
    if (c.max_value < 0 || c.negative_slope < 0)
        return interp_error(I, ERR_VALUE, "max_value of a ReLU layer cannot be a negative value");
    return finish(I, &c, hi, out);
}

/* alpha of LeakyReLU / ELU: Keras refuses None and keeps float32(alpha). */
static bool alpha_arg(Interp *I, const char *f, Value v, double *out)
{
    if (v.kind == VAL_UNSET)
        return true;
    if (v.kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, strcmp(f, "ELU") == 0 ?
                            "Alpha of an ELU layer cannot be None, expecting a float. Received: None" :
                            "The alpha value of a Leaky ReLU layer cannot be None, Expecting a "
                            "float. Received: None");
    if (val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_VALUE, "could not convert string to float: '%s'", str_cstr(v));
    if (!arg_float(I, f, "alpha", v, out))
        return false;
    *out = (float)*out;
    return true;
}

static bool leaky_or_elu(Interp *I, const Args *a, NnLayerKind kind, Value *out)
{
    Value v[1 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    const char *f = kind == NN_LAYER_ELU ? "ELU" : "LeakyReLU";
    nn_layer_config_init(&c, kind);
    if (!args_parse(I, f, a, "alpha=" COMMON, v) || !alpha_arg(I, f, v[0], &c.act_alpha) ||
        !common_args(I, f, v + 1, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool l_leaky_relu(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return leaky_or_elu(I, a, NN_LAYER_LEAKY_RELU, out);
}

static bool l_elu(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return leaky_or_elu(I, a, NN_LAYER_ELU, out);
}

static bool l_dropout(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    nn_layer_config_init(&c, NN_LAYER_DROPOUT);
    if (!args_parse(I, "Dropout", a, "rate, noise_shape=, seed=" COMMON, v) ||
        !arg_float(I, "Dropout", "rate", v[0], &c.rate) ||
        !common_args(I, "Dropout", v + 3, &c, &hi))
        return false;
    if (!(c.rate >= 0 && c.rate <= 1))
        return interp_error(I, ERR_VALUE, "Invalid value received for argument `rate`. Expected "
                            "a float value between 0 and 1. Received: rate=%g", c.rate);
    if (c.rate >= 1)
        return interp_error(I, ERR_VALUE, "Dropout: rate 1 drops everything");
    return finish(I, &c, hi, out);
}

static bool l_batchnorm(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[5 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    int64_t axis = -1;
    const char *f = "BatchNormalization";
    nn_layer_config_init(&c, NN_LAYER_BATCHNORM);
    if (!args_parse(I, f, a, "axis=, momentum=, epsilon=, center=, scale=" COMMON, v) ||
        (v[0].kind != VAL_UNSET && !arg_int(I, f, "axis", v[0], &axis)) ||
        (v[1].kind != VAL_UNSET && !arg_float(I, f, "momentum", v[1], &c.momentum)) ||
        (v[2].kind != VAL_UNSET && !arg_float(I, f, "epsilon", v[2], &c.epsilon)) ||
        (v[3].kind != VAL_UNSET && !arg_bool(I, f, "center", v[3], &c.center)) ||
        (v[4].kind != VAL_UNSET && !arg_bool(I, f, "scale", v[4], &c.scale)) ||
        !common_args(I, f, v + 5, &c, &hi))
        return false;
    if (axis != -1 && axis != 1 && axis != 3)
        return interp_error(I, ERR_VALUE, "BatchNormalization: only the last axis is supported");
    return finish(I, &c, hi, out);
}

static bool l_flatten(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[1 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    nn_layer_config_init(&c, NN_LAYER_FLATTEN);
    if (!args_parse(I, "Flatten", a, "data_format=" COMMON, v) ||
        !common_args(I, "Flatten", v + 1, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool l_reshape(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[1 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    int nd;
    int64_t s[NN_MAXDIM];
    nn_layer_config_init(&c, NN_LAYER_RESHAPE);
    if (!args_parse(I, "Reshape", a, "target_shape" COMMON, v) ||
        !common_args(I, "Reshape", v + 1, &c, &hi))
        return false;
    /* cfg.shape holds the target shape; an input_shape= is kept beside it */
    int in_nd = c.ndim;
    int64_t in_s[NN_MAXDIM];
    memcpy(in_s, c.shape, sizeof in_s);
    if (!shape_arg(I, "Reshape", "target_shape", v[0], &nd, s, false))
        return false;
    c.ndim = nd;
    memcpy(c.shape, s, sizeof s);
    if (!finish(I, &c, hi, out))
        return false;
    KLayer *L = keras_layer_data(*out);
    L->in_ndim = in_nd;
    memcpy(L->in_shape, in_s, sizeof in_s);
    return true;
}

static bool l_conv2d(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[13 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    const char *f = "Conv2D";
    nn_layer_config_init(&c, NN_LAYER_CONV2D);
    if (!args_parse(I, f, a, "filters, kernel_size, strides=, padding=, data_format=, "
                    "dilation_rate=, groups=, activation=, use_bias=, kernel_initializer=, "
                    "bias_initializer=, kernel_regularizer=, bias_regularizer=" COMMON, v) ||
        !arg_int(I, f, "filters", v[0], &c.units) || !opt_int2(I, f, "kernel_size", v[1], c.kernel) ||
        !opt_int2(I, f, "strides", v[2], c.strides) || !padding_arg(I, f, v[3], &c.same_padding) ||
        !activation_arg(I, f, v[7], &c) ||
        (v[8].kind != VAL_UNSET && !arg_bool(I, f, "use_bias", v[8], &c.use_bias)) ||
        !keras_init_arg(I, f, "kernel_initializer", v[9], &c.kernel_init) ||
        !keras_init_arg(I, f, "bias_initializer", v[10], &c.bias_init) ||
        !keras_reg_arg(I, f, "kernel_regularizer", v[11], &c.kernel_reg) ||
        !keras_reg_arg(I, f, "bias_regularizer", v[12], &c.bias_reg) ||
        !common_args(I, f, v + 13, &c, &hi))
        return false;
    if (c.units <= 0)
        return interp_error(I, ERR_VALUE, "Invalid value for argument `filters`. Expected a "
                            "strictly positive value. Received filters=%lld.", (long long)c.units);
    int dil[2] = { 1, 1 };
    if (!opt_int2(I, f, "dilation_rate", v[5], dil))
        return false;
    if (dil[0] != 1 || dil[1] != 1)
        return interp_error(I, ERR_VALUE, "Conv2D: dilation_rate other than 1 is not supported");
    return finish(I, &c, hi, out);
}

static bool l_maxpool(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[4 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    const char *f = "MaxPooling2D";
    nn_layer_config_init(&c, NN_LAYER_MAXPOOL2D);
    if (!args_parse(I, f, a, "pool_size=, strides=, padding=, data_format=" COMMON, v) ||
        !opt_int2(I, f, "pool_size", v[0], c.kernel) || !opt_int2(I, f, "strides", v[1], c.strides) ||
        !padding_arg(I, f, v[2], &c.same_padding) || !common_args(I, f, v + 4, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

/* data_format=: channels_last (the default, None) is the only layout. */
static bool data_format_arg(Interp *I, const char *fname, Value v)
{
    const char *df;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_str(I, fname, "data_format", v, &df))
        return false;
    if (strcmp(df, "channels_last") == 0)
        return true;
    if (strcmp(df, "channels_first") == 0)
        return interp_error(I, ERR_VALUE, "%s: data_format='channels_first' is not supported "
                            "(images are (batch, height, width, channels))", fname);
    return interp_error(I, ERR_VALUE, "The `data_format` argument must be one of "
                        "\"channels_first\", \"channels_last\". Received: %s", df);
}

static bool l_avgpool(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[4 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    const char *f = "AveragePooling2D";
    nn_layer_config_init(&c, NN_LAYER_AVGPOOL2D);
    if (!args_parse(I, f, a, "pool_size=, strides=, padding=, data_format=" COMMON, v) ||
        !opt_int2(I, f, "pool_size", v[0], c.kernel) || !opt_int2(I, f, "strides", v[1], c.strides) ||
        !padding_arg(I, f, v[2], &c.same_padding) || !data_format_arg(I, f, v[3]) ||
        !common_args(I, f, v + 4, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool global_pool(Interp *I, const char *f, NnLayerKind kind, const Args *a, Value *out)
{
    Value v[2 + NCOMMON];
    NnLayerConfig c;
    bool hi;
    nn_layer_config_init(&c, kind);
    if (!args_parse(I, f, a, "data_format=, keepdims=" COMMON, v) ||
        !data_format_arg(I, f, v[0]) ||
        (v[1].kind != VAL_UNSET && !arg_bool(I, f, "keepdims", v[1], &c.keepdims)) ||
        !common_args(I, f, v + 2, &c, &hi))
        return false;
    return finish(I, &c, hi, out);
}

static bool l_global_avgpool(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return global_pool(I, "GlobalAveragePooling2D", NN_LAYER_GLOBAL_AVGPOOL2D, a, out);
}

static bool l_global_maxpool(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return global_pool(I, "GlobalMaxPooling2D", NN_LAYER_GLOBAL_MAXPOOL2D, a, out);
}

static bool input_common(Interp *I, const char *f, Value shape, Value name, Value *out)
{
    NnLayerConfig c;
    nn_layer_config_init(&c, NN_LAYER_INPUT);
    if (shape.kind == VAL_UNSET || shape.kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, "Please provide to Input a `shape` or a `tensor` or a "
                            "`type_spec` argument. Note that `shape` does not include the batch "
                            "dimension.");
    if (!shape_arg(I, f, "shape", shape, &c.ndim, c.shape, false))
        return false;
    if (name.kind != VAL_UNSET && name.kind != VAL_NONE) {
        const char *n;
        if (!arg_str(I, f, "name", name, &n))
            return false;
        snprintf(c.name, sizeof c.name, "%s", n);
    } else {
        char buf[64];
        if (!keras_unique_name(I, "input", buf, sizeof buf))
            return false;
        /* Keras numbers inputs from 1: input_1, input_2 */
        if (strcmp(buf, "input") == 0)
            snprintf(c.name, sizeof c.name, "input_1");
        else
            snprintf(c.name, sizeof c.name, "input_%d", atoi(buf + 6) + 1);
    }
    return keras_layer_new(I, &c, true, out);
}

bool keras_input(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[6];
    Value layer;
    if (!args_parse(I, "Input", a, "shape=, batch_size=, name=, dtype=, sparse=, tensor=", v) ||
        !input_common(I, "Input", v[0], v[2], &layer))
        return false;
    bool ok = keras_input_tensor(I, layer, out);
    value_decref(layer);
    return ok;
}

static bool l_inputlayer(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[5];
    if (!args_parse(I, "InputLayer", a, "input_shape=, batch_size=, dtype=, input_tensor=, "
                    "*, name=", v))
        return false;
    return input_common(I, "InputLayer", v[0], v[4], out);
}

const NativeDef keras_layer_ctors[] = {
    {"Dense", l_dense, "Dense(units, activation=None, use_bias=True, "
     "kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, "
     "bias_regularizer=None, name=None, input_shape=None)",
     "A densely connected layer: activation(inputs @ kernel + bias).\n"
     "    model.add(tf.keras.layers.Dense(64, activation='relu'))"},
    {"Activation", l_activation, "Activation(activation)", "Applies an activation function."},
    {"Softmax", l_softmax, "Softmax(axis=-1)", "Softmax over the last axis."},
    {"ReLU", l_relu, "ReLU(max_value=None, negative_slope=0.0, threshold=0.0)",
     "Rectified linear unit layer."},
    {"LeakyReLU", l_leaky_relu, "LeakyReLU(alpha=0.3)",
     "Leaky rectified linear unit layer: x if x > 0 else alpha * x (inputs of any shape).\n"
     "    model.add(tf.keras.layers.Dense(64))\n"
     "    model.add(tf.keras.layers.LeakyReLU(alpha=0.2))"},
    {"ELU", l_elu, "ELU(alpha=1.0)",
     "Exponential linear unit layer: x if x > 0 else alpha * (exp(x) - 1)."},
    {"Dropout", l_dropout, "Dropout(rate, noise_shape=None, seed=None)",
     "Randomly zeroes a fraction `rate` of the inputs during training."},
    {"BatchNormalization", l_batchnorm, "BatchNormalization(axis=-1, momentum=0.99, "
     "epsilon=0.001, center=True, scale=True)", "Normalizes its inputs per feature."},
    {"Flatten", l_flatten, "Flatten(data_format=None)", "Flattens each sample."},
    {"Reshape", l_reshape, "Reshape(target_shape)", "Reshapes each sample to target_shape."},
    {"Conv2D", l_conv2d, "Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', "
     "activation=None, use_bias=True, kernel_initializer='glorot_uniform')",
     "2-D convolution over images (batch, height, width, channels)."},
    {"MaxPooling2D", l_maxpool, "MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid')",
     "Max pooling over 2-D windows."},
    {"AveragePooling2D", l_avgpool, "AveragePooling2D(pool_size=(2, 2), strides=None, "
     "padding='valid', data_format=None)",
     "Average pooling over 2-D windows: the mean of each pool_size window, moved by strides\n"
     "(None: pool_size).  padding='same' keeps ceil(size / stride) pixels and leaves the\n"
     "padded cells out of the mean, as TensorFlow does.  Alias: AvgPool2D.\n"
     "    model.add(tf.keras.layers.AveragePooling2D((2, 2)))"},
    {"GlobalAveragePooling2D", l_global_avgpool, "GlobalAveragePooling2D(data_format=None, "
     "keepdims=False)",
     "The mean over height and width of each channel: (None, H, W, C) -> (None, C), or\n"
     "(None, 1, 1, C) with keepdims=True.  Often used instead of Flatten after Conv2D.\n"
     "Alias: GlobalAvgPool2D.\n"
     "    x = tf.keras.layers.GlobalAveragePooling2D()(x)"},
    {"GlobalMaxPooling2D", l_global_maxpool, "GlobalMaxPooling2D(data_format=None, "
     "keepdims=False)",
     "The max over height and width of each channel: (None, H, W, C) -> (None, C), or\n"
     "(None, 1, 1, C) with keepdims=True.  Alias: GlobalMaxPool2D.\n"
     "    x = tf.keras.layers.GlobalMaxPooling2D()(x)"},
    {"InputLayer", l_inputlayer, "InputLayer(input_shape=None, name=None)",
     "The input of a model."},
    {NULL, NULL, NULL, NULL},
};

/* ---------------------------------------------------------------- attributes */

static bool tuple_of(Interp *I, int n, const int64_t *s, bool none_first, Value *out)
{
    if (!tuple_new(I, (size_t)n + none_first, out))
        return false;
    ObjList *t = as_list(*out);
    if (none_first)
        t->items[0] = val_none();
    for (int i = 0; i < n; i++)
        t->items[i + none_first] = val_int(s[i]);
    return true;
}

static bool weights_list(Interp *I, KLayer *L, int which, Value *out)
{
    if (!list_new(I, 0, out))
        return false;
    if (!L->model || !nn_model_is_built(L->model->m))
        return true;
    NnModel *m = L->model->m;
    keras_weights_use(I, L->model);
    for (int j = 0; j < nn_model_layer_nweights(m, L->index); j++) {
        bool tr;
        nn_model_weight_info(m, L->index, j, &tr, NULL, NULL);
        if ((which == 1 && !tr) || (which == 2 && tr))
            continue;
        Value t;
        NnTensor *w = nn_model_get_weight(interp_nn(I), m, L->index, j);
        if (!tensor_value_wrap(I, w, TENSOR_NP, &t) || !list_append(I, *out, t)) {
            value_decref(*out);
            return false;
        }
        value_decref(t);
    }
    return true;
}

static bool named_weight(Interp *I, KLayer *L, const char *name, Value *out, bool *found)
{
    if (!L->model || !nn_model_is_built(L->model->m))
        return true;
    return keras_var_get(I, L->model, L->index, name, out, found);
}

static bool shape_attr(Interp *I, KLayer *L, bool output, Value *out)
{
    const NnLayerConfig *c = &L->cfg;
    if (L->model && nn_model_is_built(L->model->m)) {
        int nd;
        int64_t s[NN_MAXDIM];
        if (output || L->index == 0) {
            if (output)
                nn_model_layer_output_shape(L->model->m, L->index, &nd, s);
            else
                nn_model_input_shape(L->model->m, &nd, s);
        } else {
            nn_model_layer_output_shape(L->model->m, L->index - 1, &nd, s);
        }
        return tuple_of(I, nd, s, true, out);
    }
    if (c->kind == NN_LAYER_INPUT || (!output && L->has_input_shape))
        return tuple_of(I, c->ndim, c->shape, true, out);
    return interp_error(I, ERR_ATTRIBUTE, "The layer \"%s\" has never been called and thus has "
                        "no defined %s shape.", c->name, output ? "output" : "input");
}

/* A float32 0-d numpy array: what Keras's backend.cast_to_floatx keeps. */
static bool f32_array(Interp *I, double v, Value *out)
{
    NnTensor *t = nn_tensor_scalar(interp_nn(I), NN_F32, v);
    return t ? tensor_value_new(I, t, TENSOR_NP, out) : interp_error_from_nn(I);
}

/* The hyperparameters of ReLU, LeakyReLU and ELU: *found false for other names. */
static bool act_layer_attr(Interp *I, const NnLayerConfig *c, const char *name, Value *out,
                           bool *found)
{
    *found = true;
    if ((c->kind == NN_LAYER_LEAKY_RELU || c->kind == NN_LAYER_ELU) && strcmp(name, "alpha") == 0)
        return f32_array(I, c->act_alpha, out);
    if (c->kind == NN_LAYER_RELU && strcmp(name, "max_value") == 0) {
        if (isnan(c->max_value)) {
            *out = val_none();
            return true;
        }
        return f32_array(I, c->max_value, out);
    }
    if (c->kind == NN_LAYER_RELU && strcmp(name, "negative_slope") == 0)
        return f32_array(I, c->negative_slope, out);
    if (c->kind == NN_LAYER_RELU && strcmp(name, "threshold") == 0)
        return f32_array(I, c->threshold, out);
    *found = false;
    return true;
}

static bool layer_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    KLayer *L = keras_layer_data(self);
    const NnLayerConfig *c = &L->cfg;
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, c->name, out);
    if (strcmp(name, "trainable") == 0) {
        *out = val_bool(c->trainable);
        return true;
    }
    if (strcmp(name, "dtype") == 0)
        return str_from_cstr(I, "float32", out);
    if (strcmp(name, "built") == 0) {
        *out = val_bool(L->model && nn_model_is_built(L->model->m));
        return true;
    }
    if (strcmp(name, "weights") == 0 || strcmp(name, "variables") == 0)
        return keras_var_list(I, L->model, L->index, 0, out);
    if (strcmp(name, "trainable_weights") == 0 || strcmp(name, "trainable_variables") == 0)
        return keras_var_list(I, L->model, L->index, 1, out);
    if (strcmp(name, "non_trainable_weights") == 0 || strcmp(name, "non_trainable_variables") == 0)
        return keras_var_list(I, L->model, L->index, 2, out);
    if (strcmp(name, "input_shape") == 0 || strcmp(name, "output_shape") == 0)
        return shape_attr(I, L, name[0] == 'o', out);
    bool dense = c->kind == NN_LAYER_DENSE, conv = c->kind == NN_LAYER_CONV2D;
    if ((dense && strcmp(name, "units") == 0) || (conv && strcmp(name, "filters") == 0)) {
        *out = val_int(c->units);
        return true;
    }
    if ((dense || conv || c->kind == NN_LAYER_ACTIVATION) && strcmp(name, "activation") == 0) {
        Value acts;
        bool ok = interp_import(I, "keras.activations", &acts);
        if (ok) {
            bool f = false;
            ok = module_get(I, acts, nn_activation_name(c->activation), out, &f);
            value_decref(acts);
            if (ok && !f)
                ok = str_from_cstr(I, nn_activation_name(c->activation), out);
        }
        return ok;
    }
    if ((dense || conv) && strcmp(name, "use_bias") == 0) {
        *out = val_bool(c->use_bias);
        return true;
    }
    if ((dense || conv) && (strcmp(name, "kernel") == 0 || strcmp(name, "bias") == 0)) {
        *found = false;
        if (!named_weight(I, L, name, out, found))
            return false;
        if (*found)
            return true;
        *found = true;
        *out = val_none();
        return true;
    }
    if (c->kind == NN_LAYER_BATCHNORM && (strcmp(name, "gamma") == 0 || strcmp(name, "beta") == 0 ||
                                          strcmp(name, "moving_mean") == 0 ||
                                          strcmp(name, "moving_variance") == 0)) {
        *found = false;
        return named_weight(I, L, name, out, found);
    }
    if (c->kind == NN_LAYER_DROPOUT && strcmp(name, "rate") == 0) {
        *out = val_float(c->rate);
        return true;
    }
    if (c->kind == NN_LAYER_BATCHNORM && strcmp(name, "momentum") == 0) {
        *out = val_float(c->momentum);
        return true;
    }
    if (c->kind == NN_LAYER_BATCHNORM && strcmp(name, "epsilon") == 0) {
        *out = val_float(c->epsilon);
        return true;
    }
    bool pool = c->kind == NN_LAYER_MAXPOOL2D || c->kind == NN_LAYER_AVGPOOL2D;
    bool global = c->kind == NN_LAYER_GLOBAL_AVGPOOL2D || c->kind == NN_LAYER_GLOBAL_MAXPOOL2D;
    if ((conv && strcmp(name, "kernel_size") == 0) || (pool && strcmp(name, "pool_size") == 0))
        return tuple_of(I, 2, (int64_t[]){ c->kernel[0], c->kernel[1] }, false, out);
    if ((conv || pool) && strcmp(name, "strides") == 0)
        return tuple_of(I, 2, (int64_t[]){ c->strides[0] ? c->strides[0] : c->kernel[0],
                                          c->strides[1] ? c->strides[1] : c->kernel[1] },
                        false, out);
    if ((conv || pool) && strcmp(name, "padding") == 0)
        return str_from_cstr(I, c->same_padding ? "same" : "valid", out);
    if ((conv || pool || global) && strcmp(name, "data_format") == 0)
        return str_from_cstr(I, "channels_last", out);
    if (global && strcmp(name, "keepdims") == 0) {
        *out = val_bool(c->keepdims);
        return true;
    }
    if (c->kind == NN_LAYER_RESHAPE && strcmp(name, "target_shape") == 0)
        return tuple_of(I, c->ndim, c->shape, false, out);
    if (c->kind == NN_LAYER_SOFTMAX && strcmp(name, "axis") == 0) {
        *out = val_int(c->axis);
        return true;
    }
    return act_layer_attr(I, c, name, out, found);
}

static bool layer_setattr(Interp *I, Value self, const char *name, Value v)
{
    KLayer *L = keras_layer_data(self);
    if (strcmp(name, "trainable") == 0) {
        bool t;
        if (!arg_bool(I, "Layer", "trainable", v, &t))
            return false;
        L->cfg.trainable = t;
        if (L->model)
            ((NnLayerConfig *)nn_model_layer_config(L->model->m, L->index))->trainable = t;
        return true;
    }
    return interp_error(I, ERR_ATTRIBUTE, "can't set attribute '%s' of a %s layer", name,
                        nn_layer_class_name(L->cfg.kind));
}

static bool layer_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    KLayer *L = keras_layer_data(self);
    sb_printf(sb, "<%s.%s object at %p>", layer_modules[L->cfg.kind],
              nn_layer_class_name(L->cfg.kind), (void *)self.as.o);
    return true;
}

/* ---------------------------------------------------------------- methods */

static bool m_get_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    if (!args_parse(I, "get_weights", a, "", none_))
        return false;
    return weights_list(I, keras_layer_data(self), 0, out);
}

static bool m_set_weights(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    KLayer *L = keras_layer_data(self);
    if (!args_parse(I, "set_weights", a, "weights", v))
        return false;
    if (!val_is_obj(v[0], OBJ_LIST) && !val_is_obj(v[0], OBJ_TUPLE))
        return interp_error(I, ERR_TYPE, "set_weights() expects a list of arrays");
    int nw = L->model && nn_model_is_built(L->model->m) ? nn_model_layer_nweights(L->model->m, L->index) : 0;
    ObjList *l = as_list(v[0]);
    if ((int)l->len != nw)
        return interp_error(I, ERR_VALUE, "You called `set_weights(weights)` on layer \"%s\" with "
                            "a weight list of length %zu, but the layer was expecting %d "
                            "weights.", L->cfg.name, l->len, nw);
    for (int j = 0; j < nw; j++) {
        NnTensor *t;
        if (!tensor_from_value(I, l->items[j], NN_F32, TENSOR_NP, &t))
            return false;
        keras_weights_use(I, L->model);
        NnStatus st = nn_model_set_weight(interp_nn(I), L->model->m, L->index, j, t);
        nn_tensor_unref(t);
        keras_weights_changed(I, L->model);
        if (st)
            return interp_error_from_nn(I);
    }
    *out = val_none();
    return true;
}

static bool m_count_params(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1];
    KLayer *L = keras_layer_data(self);
    if (!args_parse(I, "count_params", a, "", none_))
        return false;
    if (!L->model || !nn_model_is_built(L->model->m))
        return interp_error(I, ERR_VALUE, "You tried to call `count_params` on layer %s, but the "
                            "layer isn't built. You can build it manually via: "
                            "`%s.build(batch_input_shape)`.", L->cfg.name, L->cfg.name);
    *out = val_int(nn_model_layer_count_params(L->model->m, L->index));
    return true;
}

/* get_config's entries of the pooling layers in Keras's order: pool_size,
 * padding, strides, data_format; data_format and keepdims of the global ones. */
static bool pool_config(Interp *I, const NnLayerConfig *c, Value d)
{
    bool pool = c->kind == NN_LAYER_MAXPOOL2D || c->kind == NN_LAYER_AVGPOOL2D;
    bool global = c->kind == NN_LAYER_GLOBAL_AVGPOOL2D || c->kind == NN_LAYER_GLOBAL_MAXPOOL2D;
    if (!pool && !global)
        return true;
    Value v[4];
    const char *keys[4] = { "pool_size", "padding", "strides", "data_format" };
    int n = pool ? 0 : 3;
    bool ok = true;
    if (pool) {
        int64_t ks[2] = { c->kernel[0], c->kernel[1] };
        int64_t st[2] = { c->strides[0] ? c->strides[0] : c->kernel[0],
                          c->strides[1] ? c->strides[1] : c->kernel[1] };
        ok = tuple_of(I, 2, ks, false, &v[0]) && ++n &&
             str_from_cstr(I, c->same_padding ? "same" : "valid", &v[1]) && ++n &&
             tuple_of(I, 2, st, false, &v[2]) && ++n;
    }
    ok = ok && str_from_cstr(I, "channels_last", &v[3]) && ++n;
    for (int i = pool ? 0 : 3; i < n; i++) {
        ok = ok && dict_set_str(I, d, keys[i], v[i]);
        value_decref(v[i]);
    }
    return ok && (!global || dict_set_str(I, d, "keepdims", val_bool(c->keepdims)));
}

/* get_config's entries of the activation layers, as Keras 2.12 writes them:
 * Activation's name, Softmax's axis, ReLU's float32 arrays (max_value None
 * or an array), and LeakyReLU/ELU's alpha as float(float32(alpha)). */
static bool act_config(Interp *I, const NnLayerConfig *c, Value d)
{
    static const char *const relu_keys[] = { "max_value", "negative_slope", "threshold" };
    Value s;
    bool ok = true, found;
    switch (c->kind) {
    case NN_LAYER_ACTIVATION:
        ok = str_from_cstr(I, nn_activation_name(c->activation), &s) &&
             dict_set_str(I, d, "activation", s);
        value_decref(s);
        return ok;
    case NN_LAYER_SOFTMAX:
        return dict_set_str(I, d, "axis", val_int(c->axis));
    case NN_LAYER_LEAKY_RELU:
    case NN_LAYER_ELU:
        return dict_set_str(I, d, "alpha", val_float((float)c->act_alpha));
    case NN_LAYER_RELU:
        for (int i = 0; ok && i < 3; i++) {
            s = val_none();
            ok = act_layer_attr(I, c, relu_keys[i], &s, &found) && dict_set_str(I, d, relu_keys[i], s);
            value_decref(s);
        }
        return ok;
    default:
        return true;
    }
}

static bool m_get_config(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], d, s;
    KLayer *L = keras_layer_data(self);
    const NnLayerConfig *c = &L->cfg;
    if (!args_parse(I, "get_config", a, "", none_) || !dict_new(I, &d))
        return false;
    bool ok = str_from_cstr(I, c->name, &s) && dict_set_str(I, d, "name", s);
    value_decref(s);
    ok = ok && dict_set_str(I, d, "trainable", val_bool(c->trainable));
    if (ok && L->has_input_shape && c->kind != NN_LAYER_INPUT) {   /* Keras's order */
        s = val_none();
        ok = tuple_of(I, L->in_ndim, L->in_shape, true, &s) &&
             dict_set_str(I, d, "batch_input_shape", s);
        value_decref(s);
    }
    if (ok) {
        s = val_none();
        ok = str_from_cstr(I, "float32", &s) && dict_set_str(I, d, "dtype", s);
        value_decref(s);
    }
    if (ok && (c->kind == NN_LAYER_DENSE || c->kind == NN_LAYER_CONV2D)) {
        ok = dict_set_str(I, d, c->kind == NN_LAYER_DENSE ? "units" : "filters", val_int(c->units)) &&
             str_from_cstr(I, nn_activation_name(c->activation), &s) &&
             dict_set_str(I, d, "activation", s);
        value_decref(s);
        ok = ok && dict_set_str(I, d, "use_bias", val_bool(c->use_bias));
    }
    if (ok && c->kind == NN_LAYER_DROPOUT)
        ok = dict_set_str(I, d, "rate", val_float(c->rate));
    if (ok)
        ok = pool_config(I, c, d) && act_config(I, c, d);
    if (!ok) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

const NativeDef layer_methods[] = {
    {"get_weights", m_get_weights, "get_weights()", "The layer's weights as numpy arrays "
     "(Dense: kernel (in, units), bias (units,))."},
    {"set_weights", m_set_weights, "set_weights(weights)", "Sets the weights from arrays."},
    {"count_params", m_count_params, "count_params()", "The number of weights of the layer."},
    {"get_config", m_get_config, "get_config()", "The layer's configuration as a dict."},
    {NULL, NULL, NULL, NULL},
};
