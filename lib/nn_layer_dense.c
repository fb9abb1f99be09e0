/* nn_layer_dense.c - activation functions (forward and backward over rows)
 * and the layers built from them: Dense's bias and activation (its products
 * are in nn_dense_step.c), Activation, Softmax, ReLU, LeakyReLU, ELU.
 *
 * Formulas are Keras's (keras/activations.py, TF 2.x): selu constants,
 * exact gelu (approximate=False), hard_sigmoid clip(0.2x + 0.5, 0, 1),
 * leaky_relu slope cfg.act_alpha.
 */
#include "nn_layer.h"
#include "nn_train_fast.h"

#include <math.h>
#include <string.h>

static const char *const act_names[NN_ACT_COUNT] = {
    "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
    "swish", "gelu", "leaky_relu", "exponential", "hard_sigmoid", "relu6",
};

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

bool nn_activation_from_name(const char *name, NnActivation *out)
{
    if (!name || strcmp(name, "None") == 0 || !name[0]) {
        *out = NN_ACT_LINEAR;
        return true;
    }
    if (strcmp(name, "silu") == 0) {
        *out = NN_ACT_SWISH;
        return true;
    }
    for (int a = 0; a < NN_ACT_COUNT; a++)
        if (strcmp(name, act_names[a]) == 0) {
            *out = (NnActivation)a;
            return true;
        }
    return false;
}

const char *nn_activation_name(NnActivation a)
{
    return (unsigned)a < NN_ACT_COUNT ? act_names[a] : "?";
}

static inline float sigm(float z)
{
    return z >= 0 ? 1.0f / (1.0f + expf(-z)) : expf(z) / (1.0f + expf(z));
}

static void softmax_rows(const float *z, float *y, int64_t rows, int64_t cols)
{
    for (int64_t r = 0; r < rows; r++) {
        const float *zr = z + r * cols;
        float *yr = y + r * cols;
        float mx = zr[0];
        for (int64_t j = 1; j < cols; j++)
            mx = zr[j] > mx ? zr[j] : mx;
        float s = 0;
        for (int64_t j = 0; j < cols; j++) {
            yr[j] = expf(zr[j] - mx);
            s += yr[j];
        }
        float inv = 1.0f / s;
        for (int64_t j = 0; j < cols; j++)
            yr[j] *= inv;
    }
}

static float act1(NnActivation a, float alpha, float z)
{
    switch (a) {
    case NN_ACT_RELU: return z > 0 ? z : 0;
    case NN_ACT_SIGMOID: return sigm(z);
    case NN_ACT_TANH: return tanhf(z);
    case NN_ACT_ELU: return z > 0 ? z : expm1f(z);
    case NN_ACT_SELU: return (float)(z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * expm1f(z));
    case NN_ACT_SOFTPLUS: return z > 0 ? z + log1pf(expf(-z)) : log1pf(expf(z));
    case NN_ACT_SOFTSIGN: return z / (fabsf(z) + 1);
    case NN_ACT_SWISH: return z * sigm(z);
    case NN_ACT_GELU: return (float)(0.5 * z * (1.0 + erf(z / 1.4142135623730951)));
    case NN_ACT_LEAKY_RELU: return z > 0 ? z : alpha * z;
    case NN_ACT_EXPONENTIAL: return expf(z);
    case NN_ACT_HARD_SIGMOID: {
        float y = 0.2f * z + 0.5f;
        return y < 0 ? 0 : y > 1 ? 1 : y;
    }
    case NN_ACT_RELU6: return z < 0 ? 0 : z > 6 ? 6 : z;
    default: return z;
    }
}

/* y (rows, cols) = f(z); y may be z except for softmax-free in-place use. */
void nn_act_forward(NnActivation a, double alpha, const float *z, float *y, int64_t rows,
                    int64_t cols)
{
    int64_t n = rows * cols;
    if (a == NN_ACT_SOFTMAX) {
        softmax_rows(z, y, rows, cols);
    } else if (a == NN_ACT_RELU) {
        if (y == z)
            nn_train_bias_relu(y, NULL, 1, n);      /* in place, vectorized */
        else
            nn_train_relu(y, z, n);
    } else if (a == NN_ACT_LINEAR) {
        if (y != z)
            memcpy(y, z, sizeof(float) * (size_t)n);
    } else {
        for (int64_t i = 0; i < n; i++)
            y[i] = act1(a, (float)alpha, z[i]);
    }
}

static float dact1(NnActivation a, float alpha, float z, float y)
{
    switch (a) {
    case NN_ACT_RELU: return y > 0;
    case NN_ACT_SIGMOID: return y * (1 - y);
    case NN_ACT_TANH: return 1 - y * y;
    case NN_ACT_ELU: return z > 0 ? 1 : expf(z);
    case NN_ACT_SELU: return (float)(z < 0 ? SELU_SCALE * SELU_ALPHA * exp(z) : SELU_SCALE);
    case NN_ACT_SOFTPLUS: return sigm(z);
    case NN_ACT_SOFTSIGN: {
        float d = 1 + fabsf(z);
        return 1 / (d * d);
    }
    case NN_ACT_SWISH: {
        float s = sigm(z);
        return s + z * s * (1 - s);
    }
    case NN_ACT_GELU:
        return (float)(0.5 * (1.0 + erf(z / 1.4142135623730951)) +
                       z * exp(-0.5 * (double)z * z) * 0.3989422804014327);
    case NN_ACT_LEAKY_RELU: return y > 0 ? 1 : alpha;
    case NN_ACT_EXPONENTIAL: return y;
    case NN_ACT_HARD_SIGMOID: return y > 0 && y < 1 ? 0.2f : 0;
    case NN_ACT_RELU6: return y > 0 && y < 6;
    default: return 1;
    }
}

void nn_act_backward(NnActivation a, double alpha, const float *z, const float *y, float *dy,
                     int64_t rows, int64_t cols)
{
    int64_t n = rows * cols;
    if (a == NN_ACT_LINEAR)
        return;
    if (a == NN_ACT_RELU) {
        nn_train_relu_backward(dy, y, n);
    } else if (a == NN_ACT_SOFTMAX) {
        for (int64_t r = 0; r < rows; r++) {
            const float *yr = y + r * cols;
            float *dr = dy + r * cols;
            double s = 0;
            for (int64_t j = 0; j < cols; j++)
                s += (double)dr[j] * yr[j];
            for (int64_t j = 0; j < cols; j++)
                dr[j] = yr[j] * (dr[j] - (float)s);
        }
    } else {
        for (int64_t i = 0; i < n; i++)
            dy[i] *= dact1(a, (float)alpha, z ? z[i] : 0, y[i]);
    }
}

/* ---------------------------------------------------------------- Dense */

void nn_bias_act(const NnLayer *L, float *z, float *out, const float *b, int64_t rows,
                 int64_t cols)
{
    NnActivation a = L->cfg.activation;
    if (a == NN_ACT_RELU && z == out) {
        nn_train_bias_relu(out, b, rows, cols);
        return;
    }
    if (b)
        for (int64_t r = 0; r < rows; r++) {
            float *zr = z + r * cols;
            for (int64_t j = 0; j < cols; j++)
                zr[j] += b[j];
        }
    nn_act_forward(a, L->cfg.act_alpha, z, out, rows, cols);
}

/* ------------------------------------------- Activation, Softmax, ReLU, LeakyReLU, ELU */

static float relu_layer1(const NnLayerConfig *c, float x)
{
    float thr = (float)c->threshold;
    if (x > thr) {
        if (c->max_value > 0 && x > (float)c->max_value)
            return (float)c->max_value;
        return x;
    }
    if (x < thr && c->negative_slope != 0)
        return (float)c->negative_slope * (x - thr);
    /* Keras: relu(x) gives +0; with a threshold it is x * (x > thr), signed zero */
    return thr != 0 ? x * 0.0f : 0.0f;
}

static NnActivation layer_act(const NnLayer *L)
{
    return L->cfg.kind == NN_LAYER_SOFTMAX ? NN_ACT_SOFTMAX : L->cfg.activation;
}

/* LeakyReLU: tf.nn.leaky_relu (alpha 0 is tf.nn.relu, +0 for negatives);
 * ELU: Keras's backend.elu, where(x > 0, x, alpha * expm1(x)). */
static void leaky_elu_forward(const NnLayerConfig *c, const float *x, float *y, int64_t n)
{
    float alpha = (float)c->act_alpha;
    if (c->kind == NN_LAYER_ELU) {
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : alpha * expm1f(x[i]);
    } else if (alpha == 0) {
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : 0.0f;
    } else {
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }
}

/* dx = dy * f'(x): TF's LeakyReluGrad (alpha where x <= 0) and, for ELU,
 * alpha * exp(x) where x <= 0 (EluGrad through Keras's where). */
static void leaky_elu_backward(const NnLayerConfig *c, const float *x, const float *dy,
                               float *dx, int64_t n)
{
    float alpha = (float)c->act_alpha;
    bool elu = c->kind == NN_LAYER_ELU;
    for (int64_t i = 0; i < n; i++) {
        float d = x[i] > 0 ? 1.0f : elu ? alpha * expf(x[i]) : alpha;
        dx[i] = dy[i] * d;
    }
}

void nn_actlayer_forward(NnLayer *L, const float *x, int64_t B)
{
    int64_t n = B * L->in_size;
    if (L->cfg.kind == NN_LAYER_RELU) {
        for (int64_t i = 0; i < n; i++)
            L->out[i] = relu_layer1(&L->cfg, x[i]);
        return;
    }
    if (L->cfg.kind == NN_LAYER_LEAKY_RELU || L->cfg.kind == NN_LAYER_ELU) {
        leaky_elu_forward(&L->cfg, x, L->out, n);
        return;
    }
    if (nn_softmax_strided(L)) {
        nn_softmax_strided_forward(L, x, L->out, B);
        return;
    }
    int64_t cols = L->in_shape[L->in_ndim - 1];
    nn_act_forward(layer_act(L), L->cfg.act_alpha, x, L->out, n / cols, cols);
}

void nn_actlayer_backward(NnLayer *L, const float *x, float *dy, float *dx, int64_t B)
{
    int64_t n = B * L->in_size;
    if (L->cfg.kind == NN_LAYER_RELU) {
        const NnLayerConfig *c = &L->cfg;
        float thr = (float)c->threshold;
        for (int64_t i = 0; i < n; i++) {
            float v = x[i], d;
            if (v > thr)
                d = c->max_value > 0 && v >= (float)c->max_value ? 0 : 1;
            else
                d = v < thr ? (float)c->negative_slope : 0;
            dx[i] = dy[i] * d;
        }
        return;
    }
    if (L->cfg.kind == NN_LAYER_LEAKY_RELU || L->cfg.kind == NN_LAYER_ELU) {
        leaky_elu_backward(&L->cfg, x, dy, dx, n);
        return;
    }
    if (nn_softmax_strided(L)) {
        nn_softmax_strided_backward(L, L->out, dy, dx, B);
        return;
    }
    int64_t cols = L->in_shape[L->in_ndim - 1];
    if (!L->skip_act_backward)
        nn_act_backward(layer_act(L), L->cfg.act_alpha, x, L->out, dy, n / cols, cols);
    memcpy(dx, dy, sizeof(float) * (size_t)n);
}
