/* nn_init.c - weight initializers with Keras's definitions
 * (keras/initializers): VarianceScaling for glorot/he/lecun (normal ones
 * truncated at two standard deviations, stddev divided by .87962566103423978
 * so the truncated distribution keeps the intended variance), RandomNormal
 * (0, 0.05), RandomUniform (-0.05, 0.05), TruncatedNormal (0, 0.05),
 * zeros, ones, constant.  Draws come from the ctx generator, so a seed
 * reproduces a model.
 */
#include "nn_layer.h"

#include <math.h>
#include <string.h>

static const char *const snake[NN_INIT_COUNT] = {
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
    "lecun_normal", "zeros", "ones", "constant", "random_normal", "random_uniform",
    "truncated_normal",
};
static const char *const camel[NN_INIT_COUNT] = {
    "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
    "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
};

const char *nn_init_name(NnInitKind k) { return (unsigned)k < NN_INIT_COUNT ? snake[k] : "?"; }
const char *nn_init_class_name(NnInitKind k) { return (unsigned)k < NN_INIT_COUNT ? camel[k] : "?"; }

bool nn_init_from_name(const char *name, NnInit *out)
{
    int k = -1;
    for (int i = 0; i < NN_INIT_COUNT && k < 0; i++)
        if (strcmp(name, snake[i]) == 0 || strcmp(name, camel[i]) == 0)
            k = i;
    if (k < 0 && strcmp(name, "zero") == 0)
        k = NN_INIT_ZEROS;
    if (k < 0 && strcmp(name, "one") == 0)
        k = NN_INIT_ONES;
    if (k < 0)
        return false;
    out->kind = (NnInitKind)k;
    out->a = 0;
    out->b = 0;
    if (k == NN_INIT_RANDOM_NORMAL || k == NN_INIT_TRUNCATED_NORMAL)
        out->b = 0.05;
    if (k == NN_INIT_RANDOM_UNIFORM) {
        out->a = -0.05;
        out->b = 0.05;
    }
    return true;
}

static double truncated(NnCtx *ctx)
{
    for (;;) {
        double g = nn_rng_gauss(ctx);
        if (g >= -2.0 && g <= 2.0)
            return g;
    }
}

/* Fills w[0..n) for a weight whose kernel fans are fan_in / fan_out. */
void nn_init_fill(NnCtx *ctx, const NnInit *init, float *w, int64_t n, double fan_in,
                  double fan_out)
{
    double scale = 1, fan = (fan_in + fan_out) / 2;
    switch (init->kind) {
    case NN_INIT_HE_UNIFORM: case NN_INIT_HE_NORMAL:
        scale = 2;
        /* fall through */
    case NN_INIT_LECUN_UNIFORM: case NN_INIT_LECUN_NORMAL:
        fan = fan_in;
        break;
    default:
        break;
    }
    if (fan < 1)
        fan = 1;
    double limit = sqrt(3.0 * scale / fan);
    double stddev = sqrt(scale / fan) / .87962566103423978;
    for (int64_t i = 0; i < n; i++) {
        double v;
        switch (init->kind) {
        case NN_INIT_GLOROT_UNIFORM: case NN_INIT_HE_UNIFORM: case NN_INIT_LECUN_UNIFORM:
            v = -limit + 2 * limit * nn_rng_double(ctx);
            break;
        case NN_INIT_GLOROT_NORMAL: case NN_INIT_HE_NORMAL: case NN_INIT_LECUN_NORMAL:
            v = stddev * truncated(ctx);
            break;
        case NN_INIT_ONES: v = 1; break;
        case NN_INIT_CONSTANT: v = init->a; break;
        case NN_INIT_RANDOM_NORMAL: v = init->a + init->b * nn_rng_gauss(ctx); break;
        case NN_INIT_TRUNCATED_NORMAL: v = init->a + init->b * truncated(ctx); break;
        case NN_INIT_RANDOM_UNIFORM: v = init->a + (init->b - init->a) * nn_rng_double(ctx); break;
        default: v = 0; break;
        }
        w[i] = (float)v;
    }
}
