/* nn_layer_conv.c - Conv2D (NHWC, im2col + one GEMM per batch, through the
 * Dense layers' GEMM policy, which never wakes OpenBLAS's own threads) and
 * MaxPooling2D, as Keras: kernel (kh, kw, in, filters), 'same' padding puts
 * the extra row/column at the bottom/right (TensorFlow's rule), max pooling
 * with 'same' ignores the padded cells.
 */
#include "nn_layer.h"
#include "nn_train_fast.h"   /* the training GEMM policy, nn_train_colsum */

#include <float.h>
#include <string.h>

/* The row loops are written for the vectorizer; ISO C mode at -O2 leaves
 * the max-pooling selects as branches. */
#if defined(__GNUC__) && !defined(__clang__)
#define NN_FAST __attribute__((optimize("O3", "no-math-errno")))
#else
#define NN_FAST
#endif

/* n floats; the patches of a first layer are a few floats long, where a
 * loop beats a call to memcpy. */
static inline void copy_floats(float *restrict dst, const float *restrict src, int64_t n)
{
    if (n > 16) {
        memcpy(dst, src, sizeof(float) * (size_t)n);
        return;
    }
    for (int64_t i = 0; i < n; i++)
        dst[i] = src[i];
}

static int64_t conv_k(const NnLayer *L)
{
    return (int64_t)L->cfg.kernel[0] * L->cfg.kernel[1] * L->ic;
}

static int64_t stride_h(const NnLayer *L)
{
    return L->cfg.strides[0] ? L->cfg.strides[0] : L->cfg.kernel[0];
}

static int64_t stride_w(const NnLayer *L)
{
    return L->cfg.strides[1] ? L->cfg.strides[1] : L->cfg.kernel[1];
}

/* cols (B*oh*ow, kh*kw*ic) from x (B, ih, iw, ic); zero where padded.  In
 * NHWC the kw pixels of one kernel row are contiguous, so a row inside the
 * image is one copy of kw*ic floats. */
static void im2col(const NnLayer *L, const float *x, float *cols, int64_t B)
{
    int64_t kh = L->cfg.kernel[0], kw = L->cfg.kernel[1], C = L->ic, K = conv_k(L);
    int64_t sh = stride_h(L), sw = stride_w(L);
    for (int64_t b = 0; b < B; b++)
        for (int64_t oy = 0; oy < L->oh; oy++)
            for (int64_t ox = 0; ox < L->ow; ox++) {
                float *dst = cols + ((b * L->oh + oy) * L->ow + ox) * K;
                int64_t ix0 = ox * sw - L->pad_l;
                bool inside_x = ix0 >= 0 && ix0 + kw <= L->iw;
                for (int64_t ky = 0; ky < kh; ky++) {
                    int64_t iy = oy * sh - L->pad_t + ky;
                    const float *row = x + (b * L->ih + iy) * L->iw * C;
                    if (iy < 0 || iy >= L->ih) {
                        memset(dst, 0, sizeof(float) * (size_t)(kw * C));
                        dst += kw * C;
                        continue;
                    }
                    if (inside_x) {
                        copy_floats(dst, row + ix0 * C, kw * C);
                        dst += kw * C;
                        continue;
                    }
                    for (int64_t kx = 0; kx < kw; kx++, dst += C) {
                        int64_t ix = ix0 + kx;
                        if (ix < 0 || ix >= L->iw)
                            memset(dst, 0, sizeof(float) * (size_t)C);
                        else
                            copy_floats(dst, row + ix * C, C);
                    }
                }
            }
}

/* dx (B, ih, iw, ic) = sum of the dcols patches (col2im). */
static void col2im(const NnLayer *L, const float *dcols, float *dx, int64_t B)
{
    int64_t kh = L->cfg.kernel[0], kw = L->cfg.kernel[1], C = L->ic, K = conv_k(L);
    int64_t sh = stride_h(L), sw = stride_w(L);
    memset(dx, 0, sizeof(float) * (size_t)(B * L->in_size));
    for (int64_t b = 0; b < B; b++)
        for (int64_t oy = 0; oy < L->oh; oy++)
            for (int64_t ox = 0; ox < L->ow; ox++) {
                const float *src = dcols + ((b * L->oh + oy) * L->ow + ox) * K;
                for (int64_t ky = 0; ky < kh; ky++) {
                    int64_t iy = oy * sh - L->pad_t + ky;
                    for (int64_t kx = 0; kx < kw; kx++, src += C) {
                        int64_t ix = ox * sw - L->pad_l + kx;
                        if (iy < 0 || iy >= L->ih || ix < 0 || ix >= L->iw)
                            continue;
                        float *d = dx + ((b * L->ih + iy) * L->iw + ix) * C;
                        for (int64_t c = 0; c < C; c++)
                            d[c] += src[c];
                    }
                }
            }
}

void nn_conv2d_forward(NnCtx *ctx, const NnModel *m, NnLayer *L, const float *x, int64_t B)
{
    int64_t K = conv_k(L), F = L->oc, rows = B * L->oh * L->ow;
    float *z = L->z ? L->z : L->out;
    const float *W = nn_weight_ptr(m, L, 0);                       /* (K, F) */
    im2col(L, x, L->aux, B);
    nn_train_gemm(ctx, false, false, rows, F, K, L->aux, K, W, F, z, F);
    nn_bias_act(L, z, L->out, L->nw > 1 ? nn_weight_ptr(m, L, 1) : NULL, rows, F);
}

void nn_conv2d_backward(NnCtx *ctx, const NnModel *m, NnLayer *L, const float *x, float *dy,
                        float *dx, int64_t B)
{
    (void)x;
    int64_t K = conv_k(L), F = L->oc, rows = B * L->oh * L->ow;
    if (!L->skip_act_backward)
        nn_act_backward(L->cfg.activation, L->cfg.act_alpha, L->z, L->out, dy, rows, F);
    if (L->cfg.trainable) {
        nn_train_gemm(ctx, true, false, K, F, rows, L->aux, K, dy, F, nn_grad_ptr(m, L, 0), F);
        if (L->nw > 1)
            nn_train_colsum(dy, rows, F, nn_grad_ptr(m, L, 1));
    }
    if (dx) {
        nn_train_gemm(ctx, false, true, rows, K, F, dy, F, nn_weight_ptr(m, L, 0), F, m->scratch,
                      K);
        col2im(L, m->scratch, dx, B);
    }
}

/* ---------------------------------------------------------------- MaxPooling2D */

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* out[c], ar[c] <- xi[c], base + c where xi[c] > out[c]: four channels at a
 * time with compare masks (the compiler leaves the scalar selects as
 * branches). */
static inline void max_into(float *restrict out, int32_t *restrict ar, const float *restrict xi,
                            int32_t base, int64_t C)
{
    int64_t c = 0;
    for (; c + 4 <= C; c += 4) {
        v4f v, m;
        v4i a, vb, mb;
        memcpy(&v, xi + c, sizeof v);
        memcpy(&m, out + c, sizeof m);
        memcpy(&a, ar + c, sizeof a);
        v4i gt = v > m;                                 /* -1 where greater */
        v4i idx = (v4i){ 0, 1, 2, 3 } + (base + (int32_t)c);
        memcpy(&vb, &v, sizeof vb);
        memcpy(&mb, &m, sizeof mb);
        v4i r = (gt & vb) | (~gt & mb);
        a = (gt & idx) | (~gt & a);
        memcpy(out + c, &r, sizeof r);
        memcpy(ar + c, &a, sizeof a);
    }
    for (; c < C; c++)
        if (xi[c] > out[c]) {
            out[c] = xi[c];
            ar[c] = base + (int32_t)c;
        }
}

/* Each output pixel is the channel-wise max over its window's pixels inside
 * the image, taken as whole rows of C channels (contiguous in NHWC); the
 * first pixel of the window seeds it, a later one wins only when strictly
 * greater, and aux records where each max came from for the backward. */
NN_FAST
void nn_maxpool_forward(NnLayer *L, const float *x, int64_t B)
{
    int64_t kh = L->cfg.kernel[0], kw = L->cfg.kernel[1], C = L->ic;
    int64_t sh = stride_h(L), sw = stride_w(L);
    int32_t *arg = (int32_t *)L->aux;
    for (int64_t b = 0; b < B; b++) {
        const float *xb = x + b * L->in_size;
        for (int64_t oy = 0; oy < L->oh; oy++)
            for (int64_t ox = 0; ox < L->ow; ox++) {
                int64_t o0 = b * L->out_size + (oy * L->ow + ox) * C;
                float *restrict out = L->out + o0;
                int32_t *restrict ar = arg + o0;
                bool first = true;
                for (int64_t ky = 0; ky < kh; ky++) {
                    int64_t iy = oy * sh - L->pad_t + ky;
                    if (iy < 0 || iy >= L->ih)
                        continue;
                    for (int64_t kx = 0; kx < kw; kx++) {
                        int64_t ix = ox * sw - L->pad_l + kx;
                        if (ix < 0 || ix >= L->iw)
                            continue;
                        int32_t base = (int32_t)((iy * L->iw + ix) * C);
                        const float *restrict xi = xb + base;
                        if (first) {
                            for (int64_t c = 0; c < C; c++) {
                                out[c] = xi[c];
                                ar[c] = base + (int32_t)c;
                            }
                            first = false;
                            continue;
                        }
                        max_into(out, ar, xi, base, C);
                    }
                }
                if (first)                  /* a window entirely in the padding */
                    for (int64_t c = 0; c < C; c++) {
                        out[c] = -FLT_MAX;
                        ar[c] = -1;
                    }
            }
    }
}

void nn_maxpool_backward(NnLayer *L, const float *dy, float *dx, int64_t B)
{
    const int32_t *arg = (const int32_t *)L->aux;
    memset(dx, 0, sizeof(float) * (size_t)(B * L->in_size));
    for (int64_t b = 0; b < B; b++)
        for (int64_t o = 0; o < L->out_size; o++) {
            int64_t k = b * L->out_size + o;
            if (arg[k] >= 0)
                dx[b * L->in_size + arg[k]] += dy[k];
        }
}
