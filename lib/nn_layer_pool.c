/* nn_layer_pool.c - AveragePooling2D, GlobalAveragePooling2D and
 * GlobalMaxPooling2D (NHWC, channels_last), as Keras 2.x computes them:
 *
 *   AveragePooling2D: each output pixel is the channel-wise mean of its
 *     window's pixels inside the image; with padding='same' the padded
 *     cells are not counted (TensorFlow's AvgPool), the extra row/column of
 *     padding at the bottom/right.  Backward: each window pixel gets
 *     dy / count.
 *   GlobalAveragePooling2D: the mean over height and width; dx = dy / (H*W).
 *   GlobalMaxPooling2D: the max over height and width; the gradient of
 *     tf.reduce_max: dy shared equally by the pixels equal to the max.
 *
 * The geometry (oh, ow, pad_t, pad_l, strides 0 = pool size) is
 * nn_layer.c's infer_spatial; keepdims only changes the output shape
 * ((1, 1, C) instead of (C)), not the data.  Part of the model runtime.
 */
#include "nn_layer.h"

#include <string.h>

static int64_t stride(const NnLayer *L, int d)
{
    return L->cfg.strides[d] ? L->cfg.strides[d] : L->cfg.kernel[d];
}

/* The window of output pixel (oy, ox), clipped to the image: rows
 * [*y0, *y1), columns [*x0, *x1). */
static void window(const NnLayer *L, int64_t oy, int64_t ox, int64_t *y0, int64_t *y1,
                   int64_t *x0, int64_t *x1)
{
    int64_t ty = oy * stride(L, 0) - L->pad_t, tx = ox * stride(L, 1) - L->pad_l;
    int64_t by = ty + L->cfg.kernel[0], bx = tx + L->cfg.kernel[1];
    *y0 = ty > 0 ? ty : 0;
    *x0 = tx > 0 ? tx : 0;
    *y1 = by < L->ih ? by : L->ih;
    *x1 = bx < L->iw ? bx : L->iw;
}

static void avgpool_forward(const NnLayer *L, const float *x, float *y, int64_t B)
{
    int64_t C = L->ic;
    for (int64_t b = 0; b < B; b++) {
        const float *xb = x + b * L->in_size;
        for (int64_t oy = 0; oy < L->oh; oy++)
            for (int64_t ox = 0; ox < L->ow; ox++) {
                float *out = y + b * L->out_size + (oy * L->ow + ox) * C;
                int64_t y0, y1, x0, x1;
                window(L, oy, ox, &y0, &y1, &x0, &x1);
                memset(out, 0, sizeof(float) * (size_t)C);
                for (int64_t iy = y0; iy < y1; iy++)
                    for (int64_t ix = x0; ix < x1; ix++) {
                        const float *xi = xb + (iy * L->iw + ix) * C;
                        for (int64_t c = 0; c < C; c++)
                            out[c] += xi[c];
                    }
                int64_t n = (y1 - y0) * (x1 - x0);
                if (n > 0)
                    for (int64_t c = 0; c < C; c++)
                        out[c] /= (float)n;
            }
    }
}

static void avgpool_backward(const NnLayer *L, const float *dy, float *dx, int64_t B)
{
    int64_t C = L->ic;
    memset(dx, 0, sizeof(float) * (size_t)(B * L->in_size));
    for (int64_t b = 0; b < B; b++) {
        float *dxb = dx + b * L->in_size;
        for (int64_t oy = 0; oy < L->oh; oy++)
            for (int64_t ox = 0; ox < L->ow; ox++) {
                const float *g = dy + b * L->out_size + (oy * L->ow + ox) * C;
                int64_t y0, y1, x0, x1;
                window(L, oy, ox, &y0, &y1, &x0, &x1);
                int64_t n = (y1 - y0) * (x1 - x0);
                if (n <= 0)
                    continue;
                for (int64_t iy = y0; iy < y1; iy++)
                    for (int64_t ix = x0; ix < x1; ix++) {
                        float *d = dxb + (iy * L->iw + ix) * C;
                        for (int64_t c = 0; c < C; c++)
                            d[c] += g[c] / (float)n;
                    }
            }
    }
}

/* Channel-wise mean (max) over the HW pixels of each sample. */
static void global_forward(const NnLayer *L, const float *x, float *y, int64_t B, bool max)
{
    int64_t C = L->ic, hw = L->ih * L->iw;
    for (int64_t b = 0; b < B; b++) {
        const float *xb = x + b * L->in_size;
        float *out = y + b * C;
        memcpy(out, xb, sizeof(float) * (size_t)C);
        for (int64_t p = 1; p < hw; p++) {
            const float *xi = xb + p * C;
            if (max) {
                for (int64_t c = 0; c < C; c++)
                    out[c] = xi[c] > out[c] ? xi[c] : out[c];
            } else {
                for (int64_t c = 0; c < C; c++)
                    out[c] += xi[c];
            }
        }
        if (!max)
            for (int64_t c = 0; c < C; c++)
                out[c] /= (float)hw;
    }
}

static void global_avg_backward(const NnLayer *L, const float *dy, float *dx, int64_t B)
{
    int64_t C = L->ic, hw = L->ih * L->iw;
    for (int64_t b = 0; b < B; b++)
        for (int64_t p = 0; p < hw; p++)
            for (int64_t c = 0; c < C; c++)
                dx[b * L->in_size + p * C + c] = dy[b * C + c] / (float)hw;
}

/* tf.reduce_max's gradient: indicators (x == max) / their count * dy. */
static void global_max_backward(const NnLayer *L, const float *x, const float *dy, float *dx,
                                int64_t B)
{
    int64_t C = L->ic, hw = L->ih * L->iw;
    for (int64_t b = 0; b < B; b++) {
        const float *xb = x + b * L->in_size, *yb = L->out + b * C;
        float *dxb = dx + b * L->in_size;
        for (int64_t c = 0; c < C; c++) {
            int64_t n = 0;
            for (int64_t p = 0; p < hw; p++)
                n += xb[p * C + c] == yb[c];
            float g = n > 0 ? dy[b * C + c] / (float)n : 0.0f;
            for (int64_t p = 0; p < hw; p++)
                dxb[p * C + c] = xb[p * C + c] == yb[c] ? g : 0.0f;
        }
    }
}

void nn_pool_forward(NnLayer *L, const float *x, int64_t B)
{
    if (L->cfg.kind == NN_LAYER_AVGPOOL2D)
        avgpool_forward(L, x, L->out, B);
    else
        global_forward(L, x, L->out, B, L->cfg.kind == NN_LAYER_GLOBAL_MAXPOOL2D);
}

void nn_pool_backward(const NnLayer *L, const float *x, const float *dy, float *dx, int64_t B)
{
    if (L->cfg.kind == NN_LAYER_AVGPOOL2D)
        avgpool_backward(L, dy, dx, B);
    else if (L->cfg.kind == NN_LAYER_GLOBAL_AVGPOOL2D)
        global_avg_backward(L, dy, dx, B);
    else
        global_max_backward(L, x, dy, dx, B);
}
