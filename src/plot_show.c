/* plot_show.c - show(image) / show(images, labels=...): pictures inline.
 *
 * Half blocks (U+2580) with the upper pixel as the foreground and the lower
 * as the background, in 256-colour greys (or the colour cube for RGB) when
 * the terminal has colours; the ASCII ramp " .:-=+*#%@" otherwise.  One
 * cell is one pixel wide and two high, so a 28x28 image takes 28x14 cells;
 * larger images shrink to the terminal's width.  Part of libfront.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn.h"
#include "plot_int.h"

typedef struct Images {
    double *pix;            /* n images of ih x iw x nch, scaled to [0, 1] */
    int n, ih, iw, nch;
} Images;

/* (H, W), (H, W, 1|3|4) one image; (N, H, W) or (N, H, W, C) a batch. */
static bool image_shape(Interp *I, int nd, const int64_t *s, Images *im)
{
    int64_t n = 1, h, w, c = 1;
    if (nd == 2) {
        h = s[0]; w = s[1];
    } else if (nd == 3 && (s[2] == 1 || s[2] == 3 || s[2] == 4)) {
        h = s[0]; w = s[1]; c = s[2];
    } else if (nd == 3) {
        n = s[0]; h = s[1]; w = s[2];
    } else if (nd == 4) {
        n = s[0]; h = s[1]; w = s[2]; c = s[3];
    } else {
        return interp_error(I, ERR_TYPE, "show() expects an image (H, W[, C]) or images (N, H, W[, C]), "
                                         "not an array of %d dimensions", nd);
    }
    if (n < 1 || h < 1 || w < 1 || n > 1000 || h > 10000 || w > 10000)
        return interp_error(I, ERR_VALUE, "show(): empty or too large image");
    im->n = (int)n; im->ih = (int)h; im->iw = (int)w; im->nch = (int)c;
    return true;
}

/* uint8 or values over 1: /255; negatives: min-max normalised. */
static void scale(double *v, size_t n, bool u8)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    double a = 0, b = 1;
    if (u8 || (hi > 1 && lo >= 0)) {
        b = 1.0 / 255;
    } else if (lo < 0) {
        a = lo;
        b = hi > lo ? 1 / (hi - lo) : 1;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = isfinite(v[i]) ? (v[i] - a) * b : 0;
}

/* RGBA: drop alpha (pix keeps 3 of every 4 values in place). */
static void drop_alpha(Images *im)
{
    size_t px = (size_t)im->n * im->ih * im->iw;
    for (size_t i = 0; i < px; i++)
        for (int c = 0; c < 3; c++)
            im->pix[i * 3 + c] = im->pix[i * 4 + c];
    im->nch = 3;
}

static bool label_text(Interp *I, Value labels, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (labels.kind == VAL_UNSET || labels.kind == VAL_NONE)
        return true;
    Value key = val_int(i), v;
    if (!value_getitem(I, labels, key, &v))
        return false;
    StrBuf sb;
    sb_init(&sb);
    bool r = value_str(I, v, &sb);
    value_decref(v);
    if (r)
        snprintf(buf, size, "%s", sb.data ? sb.data : "");
    sb_free(&sb);
    return r;
}

/* Paints the images side by side, rows of them as the width allows. */
static bool draw_images(Interp *I, const Images *im, Value labels, const PlotEnv *e, int width)
{
    int cw = im->iw, chh = (im->ih + 1) / 2;
    if (cw > width - 1) {
        cw = width - 1;
        chh = (int)((double)im->ih * cw / im->iw / 2 + 0.5);
        if (chh < 1)
            chh = 1;
    }
    bool haslab = labels.kind != VAL_UNSET && labels.kind != VAL_NONE;
    int per = (width + 2) / (cw + 2);
    if (per < 1)
        per = 1;
    size_t isz = (size_t)im->ih * im->iw * im->nch;
    for (int first = 0; first < im->n; first += per) {
        int cnt = im->n - first < per ? im->n - first : per;
        PlotGrid g;
        if (!plot_grid_init(&g, cnt * (cw + 2) - 2, chh + (haslab ? 1 : 0)))
            return interp_error(I, ERR_MEMORY, "out of memory");
        bool ok = true;
        for (int k = 0; k < cnt && ok; k++) {
            plot_image_paint(&g, k * (cw + 2), 0, cw, chh, im->pix + (first + k) * isz,
                             im->ih, im->iw, im->nch, e->colour, e->glyphs);
            char lab[64];
            ok = label_text(I, labels, first + k, lab, sizeof lab);
            if (ok && lab[0]) {
                int len = (int)strlen(lab) > cw ? cw : (int)strlen(lab);
                lab[len] = '\0';
                plot_grid_text(&g, k * (cw + 2) + (cw - len) / 2, chh, lab, PLOT_DEFAULT, 0);
            }
        }
        if (ok)
            plot_emit(I, &g, e);
        plot_grid_free(&g);
        if (!ok)
            return false;
    }
    return true;
}

static const char *const show_kws[] = { "labels", "width", "cmap", NULL };

bool plot_bi_show(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!plot_check_kws(I, "show", a, show_kws))
        return false;
    if (a->npos != 1)
        return interp_error(I, ERR_TYPE, "show() takes one image or a batch of images");
    PlotEnv e;
    plot_env(&e);
    int width;
    if (!plot_kw_int(I, "show", a, "width", e.width, 4, 400, &width))
        return false;
    Images im;
    size_t n;
    int nd;
    int64_t shape[NN_MAXDIM];
    if (!plot_values(I, "show", a->pos[0], &im.pix, &n, &nd, shape))
        return false;
    bool r = image_shape(I, nd, shape, &im);
    if (r) {
        scale(im.pix, n, plot_is_u8(a->pos[0]));
        if (im.nch == 4)
            drop_alpha(&im);
        r = draw_images(I, &im, plot_kw(a, "labels"), &e, width);
    }
    free(im.pix);
    if (r)
        *out = val_none();
    return r;
}
