/* nn_layer_softmax.c - the Softmax layer over an axis other than the last
 * (Softmax(axis=1) on (None, 3, 4) inputs), as Keras computes it:
 * y = exp(x - max) / sum(exp(x - max)) along the axis, and the backward
 * dx = y * (dy - sum(dy * y)) along it.  The last axis goes through the
 * row kernels of nn_layer_dense.c.  Part of the model runtime.
 *
 * The pooling layers of nn_layer_pool.c (AveragePooling2D and the global
 * poolings) take the same way out of the row kernels: the layer loops send
 * every kind without a kernel of its own to nn_actlayer_forward/backward,
 * which hand the layers this file claims to the functions below.
 */
#include "nn_layer.h"

#include <math.h>

/* The feature axis a Softmax layer's Keras axis names (batch excluded). */
static int feature_axis(const NnLayer *L)
{
    int a = L->cfg.axis;
    return a < 0 ? L->in_ndim + a : a - 1;
}

bool nn_softmax_axis_valid(const NnLayerConfig *c, int in_ndim)
{
    int a = c->axis < 0 ? in_ndim + c->axis : c->axis - 1;
    return a >= 0 && a < in_ndim;
}

bool nn_softmax_strided(const NnLayer *L)
{
    return L->cfg.kind == NN_LAYER_SOFTMAX && feature_axis(L) != L->in_ndim - 1;
}

/* outer blocks (batch included), axis length n, inner stride. */
static void geometry(const NnLayer *L, int64_t B, int64_t *outer, int64_t *n, int64_t *inner)
{
    int a = feature_axis(L);
    *outer = B;
    *inner = 1;
    for (int d = 0; d < a; d++)
        *outer *= L->in_shape[d];
    for (int d = a + 1; d < L->in_ndim; d++)
        *inner *= L->in_shape[d];
    *n = L->in_shape[a];
}

void nn_softmax_strided_forward(const NnLayer *L, const float *x, float *y, int64_t B)
{
    int64_t outer, n, inner;
    geometry(L, B, &outer, &n, &inner);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const float *xs = x + o * n * inner + i;
            float *ys = y + o * n * inner + i;
            double mx = xs[0], s = 0;
            for (int64_t j = 1; j < n; j++)
                mx = xs[j * inner] > mx ? xs[j * inner] : mx;
            for (int64_t j = 0; j < n; j++)
                s += exp(xs[j * inner] - mx);
            for (int64_t j = 0; j < n; j++)
                ys[j * inner] = (float)(exp(xs[j * inner] - mx) / s);
        }
}

void nn_softmax_strided_backward(const NnLayer *L, const float *y, const float *dy, float *dx,
                                 int64_t B)
{
    int64_t outer, n, inner;
    geometry(L, B, &outer, &n, &inner);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            int64_t base = o * n * inner + i;
            double dot = 0;
            for (int64_t j = 0; j < n; j++)
                dot += (double)dy[base + j * inner] * y[base + j * inner];
            for (int64_t j = 0; j < n; j++)
                dx[base + j * inner] = (float)(y[base + j * inner] * (dy[base + j * inner] - dot));
        }
}
