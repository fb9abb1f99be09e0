/* nn_layer_norm.c - Dropout (inverted dropout, active in training only) and
 * BatchNormalization over the last axis, as Keras: batch statistics in
 * training, moving statistics in inference, moving = moving * momentum +
 * batch * (1 - momentum).  Like TensorFlow, the moving variance takes the
 * biased batch variance for 2-D inputs and the unbiased one (the fused
 * kernel's) for 4-D image inputs.
 */
#include "nn_layer.h"

#include <math.h>
#include <string.h>

void nn_dropout_forward(NnCtx *ctx, NnLayer *L, const float *x, int64_t B, bool training)
{
    int64_t n = B * L->in_size;
    if (!training) {
        memcpy(L->out, x, sizeof(float) * (size_t)n);
        return;
    }
    double rate = L->cfg.rate;
    uint32_t cut = (uint32_t)(rate * 4294967296.0 > 4294967295.0 ? 4294967295.0
                                                                  : rate * 4294967296.0);
    float scale = (float)(1.0 / (1.0 - rate));
    float *mask = L->aux;                                   /* (B, in_size) */
    for (int64_t i = 0; i < n; i++) {
        mask[i] = nn_rng_u32(ctx) >= cut ? scale : 0.0f;
        L->out[i] = x[i] * mask[i];
    }
}

void nn_dropout_backward(NnLayer *L, const float *dy, float *dx, int64_t B, bool training)
{
    int64_t n = B * L->in_size;
    if (!training) {
        memcpy(dx, dy, sizeof(float) * (size_t)n);
        return;
    }
    for (int64_t i = 0; i < n; i++)
        dx[i] = dy[i] * L->aux[i];
}

/* Weight indices of a BatchNormalization layer (-1 when absent). */
typedef struct { int gamma, beta, mean, var; } BnIdx;

static BnIdx bn_idx(const NnLayer *L)
{
    BnIdx ix = { -1, -1, -1, -1 };
    int j = 0;
    if (L->cfg.scale)
        ix.gamma = j++;
    if (L->cfg.center)
        ix.beta = j++;
    ix.mean = j++;
    ix.var = j;
    return ix;
}

/* Batch mean and biased variance of channel c of x (N, C), in double. */
static double bn_stats(const NnLayer *L, const float *x, int64_t N, int64_t C, int64_t c,
                       float *mean, float *invstd)
{
    {
        double s = 0;
        for (int64_t r = 0; r < N; r++)
            s += x[r * C + c];
        double mu = s / (double)N, v = 0;
        for (int64_t r = 0; r < N; r++) {
            double d = x[r * C + c] - mu;
            v += d * d;
        }
        v /= (double)N;
        mean[c] = (float)mu;
        invstd[c] = (float)(1.0 / sqrt(v + L->cfg.epsilon));
        return v;
    }
}

void nn_batchnorm_forward(const NnModel *m, NnLayer *L, const float *x, int64_t B, bool training)
{
    BnIdx ix = bn_idx(L);
    int64_t C = L->in_shape[L->in_ndim - 1], N = B * L->in_size / C;
    const float *gamma = ix.gamma >= 0 ? nn_weight_ptr(m, L, ix.gamma) : NULL;
    const float *beta = ix.beta >= 0 ? nn_weight_ptr(m, L, ix.beta) : NULL;
    float *mm = nn_weight_ptr(m, L, ix.mean), *mv = nn_weight_ptr(m, L, ix.var);
    float *mean = L->aux2, *invstd = L->aux2 + C, *xhat = L->aux;
    L->batch_stats = training;
    if (training) {
        double mom = L->cfg.momentum;
        for (int64_t c = 0; c < C; c++) {
            double v = bn_stats(L, x, N, C, c, mean, invstd);
            if (L->in_ndim >= 3 && N > 1)
                v *= (double)N / (double)(N - 1);
            mm[c] = (float)(mm[c] * mom + mean[c] * (1 - mom));
            mv[c] = (float)(mv[c] * mom + v * (1 - mom));
        }
    } else {
        for (int64_t c = 0; c < C; c++) {
            mean[c] = mm[c];
            invstd[c] = (float)(1.0 / sqrt((double)mv[c] + L->cfg.epsilon));
        }
    }
    for (int64_t r = 0; r < N; r++)
        for (int64_t c = 0; c < C; c++) {
            float h = (x[r * C + c] - mean[c]) * invstd[c];
            xhat[r * C + c] = h;
            L->out[r * C + c] = (gamma ? gamma[c] : 1.0f) * h + (beta ? beta[c] : 0.0f);
        }
}

void nn_batchnorm_backward(const NnModel *m, NnLayer *L, const float *dy, float *dx, int64_t B)
{
    BnIdx ix = bn_idx(L);
    int64_t C = L->in_shape[L->in_ndim - 1], N = B * L->in_size / C;
    const float *gamma = ix.gamma >= 0 ? nn_weight_ptr(m, L, ix.gamma) : NULL;
    const float *invstd = L->aux2 + C, *xhat = L->aux;
    bool tr = L->cfg.trainable, batch = L->batch_stats;
    for (int64_t c = 0; c < C; c++) {
        double sdy = 0, sdyx = 0;
        for (int64_t r = 0; r < N; r++) {
            sdy += dy[r * C + c];
            sdyx += (double)dy[r * C + c] * xhat[r * C + c];
        }
        if (tr && ix.gamma >= 0)
            nn_grad_ptr(m, L, ix.gamma)[c] = (float)sdyx;
        if (tr && ix.beta >= 0)
            nn_grad_ptr(m, L, ix.beta)[c] = (float)sdy;
        if (!dx)
            continue;
        double g = gamma ? gamma[c] : 1.0;
        if (!batch) {   /* inference mode (or a frozen layer): an affine map */
            for (int64_t r = 0; r < N; r++)
                dx[r * C + c] = (float)(g * invstd[c] * dy[r * C + c]);
            continue;
        }
        double k = g * invstd[c] / (double)N;
        for (int64_t r = 0; r < N; r++) {
            double v = (double)N * dy[r * C + c] - sdy - xhat[r * C + c] * sdyx;
            dx[r * C + c] = (float)(k * v);
        }
    }
}
