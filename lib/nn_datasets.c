/* nn_datasets.c - the teaching sets (spiral, moons, circles, blobs, xor, a
 * simplified make_classification) and borrowing the ctx RNG for a
 * random_state.
 *
 * Part of the data layer (nn_io.h).  The generators follow the published
 * algorithms draw for draw - cs231n's spiral, sklearn 1.2's make_moons,
 * make_circles and make_blobs (including its shuffle: a permutation by
 * numpy's legacy shuffle, then noise) - so with the same seed they give
 * the same numbers as numpy/sklearn.  x is (n, dim) float64, y (n,) int64.
 * MNIST location is in nn_mnist.c.
 */
#include "nn_io_int.h"

#include <math.h>
#include <string.h>

void nn_io_rng_push(NnCtx *ctx, int64_t random_state, NnRngSave *s)
{
    s->saved = random_state >= 0;
    if (!s->saved)
        return;
    memcpy(s->mt, ctx->mt, sizeof s->mt);
    s->mti = ctx->mti;
    s->has_gauss = ctx->has_gauss;
    s->gauss = ctx->gauss;
    nn_rng_seed(ctx, (uint32_t)random_state);
}

void nn_io_rng_pop(NnCtx *ctx, NnRngSave *s)
{
    if (!s->saved)
        return;
    memcpy(ctx->mt, s->mt, sizeof s->mt);
    ctx->mti = s->mti;
    ctx->has_gauss = s->has_gauss;
    ctx->gauss = s->gauss;
}

/* numpy.linspace element i of num. */
static double lin(double start, double stop, int64_t num, bool endpoint, int64_t i)
{
    int64_t div = endpoint ? num - 1 : num;
    if (endpoint && num > 1 && i == num - 1)
        return stop;
    double step = div > 0 ? (stop - start) / (double)div : 0;
    return (double)i * step + start;
}

/* x (n, dim) float64 and y (n,) int64, both zeroed. */
static NnStatus xy_new(NnCtx *ctx, int64_t n, int dim, NnTensor **x, NnTensor **y)
{
    if (n < 0)
        return nn_error(ctx, NN_EARG, "n_samples must be non-negative, got %lld", (long long)n);
    int64_t sx[2] = {n, dim}, sy[1] = {n};
    *x = nn_tensor_new(ctx, NN_F64, 2, sx);
    *y = *x ? nn_tensor_new(ctx, NN_I64, 1, sy) : NULL;
    if (*y)
        return NN_OK;
    nn_tensor_unref(*x);
    *x = NULL;
    return nn_status(ctx);
}

static void xy_drop(NnTensor **x, NnTensor **y)
{
    nn_tensor_unref(*x);
    nn_tensor_unref(*y);
    *x = *y = NULL;
}

/* arange(n) shuffled by numpy's legacy RandomState.shuffle (Fisher-Yates
 * from the end with random_interval): numpy's permutation(n). */
static int64_t *perm_new(NnCtx *ctx, int64_t n)
{
    int64_t *p = nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *p, "permutation");
    if (!p)
        return NULL;
    for (int64_t i = 0; i < n; i++)
        p[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_rng_interval(ctx, (uint64_t)i), t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    return p;
}

/* sklearn.utils.shuffle(X, y): rows permuted by numpy's legacy shuffle of
 * arange(n). */
static NnStatus xy_shuffle(NnCtx *ctx, NnTensor *x, NnTensor *y)
{
    int64_t n = x->shape[0], d = x->shape[1];
    int64_t *p = perm_new(ctx, n);
    NnTensor *x2 = p ? nn_tensor_copy(ctx, x) : NULL;
    NnTensor *y2 = x2 ? nn_tensor_copy(ctx, y) : NULL;
    if (!y2) {
        nn_free(ctx, p);
        nn_tensor_unref(x2);
        return nn_status(ctx);
    }
    double *xd = x->buf->data, *xs = x2->buf->data;
    int64_t *yd = y->buf->data, *ys = y2->buf->data;
    for (int64_t i = 0; i < n; i++) {
        memcpy(xd + i * d, xs + p[i] * d, (size_t)d * sizeof *xd);
        yd[i] = ys[p[i]];
    }
    nn_free(ctx, p);
    nn_tensor_unref(x2);
    nn_tensor_unref(y2);
    return NN_OK;
}

/* X += normal(scale=noise, size=X.shape); nan noise means None (no draw). */
static void add_noise(NnCtx *ctx, NnTensor *x, double noise)
{
    if (isnan(noise))
        return;
    double *p = x->buf->data;
    int64_t n = nn_tensor_numel(x);
    for (int64_t i = 0; i < n; i++)
        p[i] += noise * nn_rng_gauss(ctx);
}

NnStatus nn_data_spiral(NnCtx *ctx, int64_t n, int classes, double noise, NnTensor **x,
                        NnTensor **y)
{
    if (classes < 1)
        return nn_error(ctx, NN_EARG, "spiral needs at least one class");
    NnStatus st = xy_new(ctx, n * classes, 2, x, y);
    if (st)
        return st;
    double *xp = (*x)->buf->data;
    int64_t *yp = (*y)->buf->data;
    for (int j = 0; j < classes; j++)
        for (int64_t i = 0; i < n; i++) {
            int64_t k = (int64_t)j * n + i;
            double r = lin(0.0, 1.0, n, true, i);
            double t = lin(j * 4.0, (j + 1) * 4.0, n, true, i) + nn_rng_gauss(ctx) * noise;
            xp[2 * k] = r * sin(t);
            xp[2 * k + 1] = r * cos(t);
            yp[k] = j;
        }
    return NN_OK;
}

/* The two halves of make_moons / make_circles: n_out points of class 0,
 * then n_in of class 1. */
static void two_curves(NnTensor *x, NnTensor *y, bool moons, double factor)
{
    int64_t n = x->shape[0], n_out = n / 2, n_in = n - n_out;
    double *p = x->buf->data;
    int64_t *l = y->buf->data;
    for (int64_t i = 0; i < n; i++) {
        bool in = i >= n_out;
        int64_t k = in ? i - n_out : i, m = in ? n_in : n_out;
        double a = moons ? lin(0, M_PI, m, true, k) : lin(0, 2 * M_PI, m, false, k);
        if (moons) {
            p[2 * i] = in ? 1 - cos(a) : cos(a);
            p[2 * i + 1] = in ? 1 - sin(a) - 0.5 : sin(a);
        } else {
            p[2 * i] = cos(a) * (in ? factor : 1.0);
            p[2 * i + 1] = sin(a) * (in ? factor : 1.0);
        }
        l[i] = in;
    }
}

static NnStatus curves(NnCtx *ctx, int64_t n, double noise, bool moons, double factor,
                       bool shuffle, int64_t rs, NnTensor **x, NnTensor **y)
{
    NnStatus st = xy_new(ctx, n, 2, x, y);
    if (st)
        return st;
    NnRngSave save;
    nn_io_rng_push(ctx, rs, &save);
    two_curves(*x, *y, moons, factor);
    if (shuffle)
        st = xy_shuffle(ctx, *x, *y);
    if (!st)
        add_noise(ctx, *x, noise);
    nn_io_rng_pop(ctx, &save);
    if (st)
        xy_drop(x, y);
    return st;
}

NnStatus nn_data_moons(NnCtx *ctx, int64_t n, double noise, bool shuffle, int64_t random_state,
                       NnTensor **x, NnTensor **y)
{
    return curves(ctx, n, noise, true, 0, shuffle, random_state, x, y);
}

NnStatus nn_data_circles(NnCtx *ctx, int64_t n, double noise, double factor, bool shuffle,
                         int64_t random_state, NnTensor **x, NnTensor **y)
{
    if (!(factor >= 0 && factor < 1))
        return nn_error(ctx, NN_EARG, "'factor' has to be between 0 and 1.");
    return curves(ctx, n, noise, false, factor, shuffle, random_state, x, y);
}

/* make_blobs after the centres are known: n // k points per centre (the
 * first n % k one more), each normal(loc=centre, scale=std). */
static void blob_points(NnCtx *ctx, NnTensor *x, NnTensor *y, int k, const double *c, int dim,
                        double std)
{
    int64_t n = x->shape[0], row = 0;
    double *p = x->buf->data;
    int64_t *l = y->buf->data;
    for (int j = 0; j < k; j++) {
        int64_t m = n / k + (j < n % k);
        for (int64_t i = 0; i < m; i++, row++) {
            for (int d = 0; d < dim; d++)
                p[row * dim + d] = c[j * dim + d] + std * nn_rng_gauss(ctx);
            l[row] = j;
        }
    }
}

NnStatus nn_data_blobs(NnCtx *ctx, int64_t n, int centers, const double *center_xy, int dim,
                       double std, double box_lo, double box_hi, bool shuffle,
                       int64_t random_state, NnTensor **x, NnTensor **y)
{
    if (centers < 1 || dim < 1)
        return nn_error(ctx, NN_EARG, "blobs needs at least one centre and one feature");
    NnStatus st = xy_new(ctx, n, dim, x, y);
    if (st)
        return st;
    double *c = nn_alloc(ctx, (size_t)centers * (size_t)dim * sizeof *c, "blob centres");
    if (!c) {
        xy_drop(x, y);
        return NN_ENOMEM;
    }
    NnRngSave save;
    nn_io_rng_push(ctx, random_state, &save);
    for (int i = 0; i < centers * dim; i++)
        c[i] = center_xy ? center_xy[i] : box_lo + (box_hi - box_lo) * nn_rng_double(ctx);
    blob_points(ctx, *x, *y, centers, c, dim, std);
    if (shuffle)
        st = xy_shuffle(ctx, *x, *y);
    nn_io_rng_pop(ctx, &save);
    nn_free(ctx, c);
    if (st)
        xy_drop(x, y);
    return st;
}

NnStatus nn_data_xor(NnCtx *ctx, int64_t n, double noise, NnTensor **x, NnTensor **y)
{
    NnStatus st = xy_new(ctx, n, 2, x, y);
    if (st)
        return st;
    double *p = (*x)->buf->data;
    int64_t *l = (*y)->buf->data;
    for (int64_t i = 0; i < 2 * n; i++)
        p[i] = -1.0 + 2.0 * nn_rng_double(ctx);
    for (int64_t i = 0; i < n; i++)
        l[i] = (p[2 * i] > 0) != (p[2 * i + 1] > 0);
    if (noise > 0)
        add_noise(ctx, *x, noise);
    return NN_OK;
}

/* Class c's centroid: vertex c of the hypercube {-sep, +sep}^n_inf. */
static void class_points(NnCtx *ctx, NnTensor *x, NnTensor *y, int n_inf, int n_classes,
                         double sep)
{
    int64_t n = x->shape[0], dim = x->shape[1];
    double *p = x->buf->data;
    int64_t *l = y->buf->data;
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % n_classes);
        for (int64_t d = 0; d < dim; d++) {
            double centre = d < n_inf ? ((c >> d) & 1 ? sep : -sep) : 0.0;
            p[i * dim + d] = centre + nn_rng_gauss(ctx);
        }
        l[i] = c;
    }
}

NnStatus nn_data_classification(NnCtx *ctx, int64_t n, int n_features, int n_informative,
                                int n_classes, double class_sep, double flip_y,
                                int64_t random_state, NnTensor **x, NnTensor **y)
{
    if (n_informative < 1 || n_informative > n_features || n_informative > 30)
        return nn_error(ctx, NN_EARG, "n_informative must be between 1 and n_features");
    if (n_classes < 2 || n_classes > (1 << n_informative))
        return nn_error(ctx, NN_EARG, "n_classes(%d) * n_clusters_per_class(1) must be smaller "
                        "or equal 2**n_informative(%d)=%d", n_classes, n_informative,
                        1 << n_informative);
    NnStatus st = xy_new(ctx, n, n_features, x, y);
    if (st)
        return st;
    NnRngSave save;
    nn_io_rng_push(ctx, random_state, &save);
    class_points(ctx, *x, *y, n_informative, n_classes, class_sep);
    int64_t *l = (*y)->buf->data;
    for (int64_t i = 0; i < n && flip_y > 0; i++)
        if (nn_rng_double(ctx) < flip_y)
            l[i] = (int64_t)nn_rng_interval(ctx, (uint64_t)n_classes - 1);
    st = xy_shuffle(ctx, *x, *y);
    nn_io_rng_pop(ctx, &save);
    if (st)
        xy_drop(x, y);
    return st;
}
