/* nn_grad_ops.c - the vector-Jacobian products of every NnGradOp: the one
 * backward switch (nn_grad_vjp) and its helpers.
 *
 * Owned by the autodiff part.  Element-wise VJPs are computed in float64
 * over dense copies of the operands broadcast to the output's shape (the
 * tape casts the result back to each input's dtype and sums broadcast
 * dimensions); structural VJPs (views, gathers, concatenation) scatter the
 * output gradient back into zeros of the input's shape with the view ops of
 * nn_tensor.h.  Every function returns a new reference or NULL with the
 * status in the ctx.
 */
#include <math.h>
#include <string.h>
#include "nn_grad.h"

#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

/* t broadcast to (ndim, shape) as a contiguous float64 tensor. */
static NnTensor *dense(NnCtx *ctx, const NnTensor *t, int ndim, const int64_t *shape)
{
    NnTensor *b = nn_tensor_broadcast_to(ctx, (NnTensor *)t, ndim, shape);
    if (!b)
        return NULL;
    NnTensor *c = nn_tensor_cast(ctx, b, NN_F64);
    nn_tensor_unref(b);
    return c;
}

static double *P(const NnTensor *t) { return (double *)nn_tensor_data(t); }

NnTensor *nn_grad_unbroadcast(NnCtx *ctx, const NnTensor *g, int ndim, const int64_t *shape)
{
    int axes[NN_MAXDIM], naxes = 0, lead = g->ndim - ndim;
    if (lead < 0) {
        nn_error(ctx, NN_EDIM, "internal: gradient of rank %d for a rank %d input", g->ndim, ndim);
        return NULL;
    }
    for (int d = 0; d < g->ndim; d++)
        if (d < lead || (shape[d - lead] == 1 && g->shape[d] != 1))
            axes[naxes++] = d;
    NnTensor *r = naxes ? nn_reduce(ctx, NN_SUM, g, axes, naxes, true, g->dtype, 0)
                        : nn_tensor_ref((NnTensor *)g);
    if (!r)
        return NULL;
    NnTensor *s = nn_tensor_reshape(ctx, r, ndim, shape);
    nn_tensor_unref(r);
    return s;
}

/* ---- element-wise ---- */

/* dy/dx of the unary ops at x with y = f(x). */
static double unary_d(NnGradOp op, double x, double y, const NnGradAttrs *at)
{
    switch (op) {
    case NN_G_NEG: return -1;
    case NN_G_POS: return 1;
    case NN_G_ABS: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case NN_G_SQUARE: return 2 * x;
    case NN_G_RECIPROCAL: return -y * y;
    case NN_G_SQRT: return 0.5 / y;
    case NN_G_RSQRT: return -0.5 * y * y * y;
    case NN_G_EXP: return y;
    case NN_G_EXPM1: return y + 1;
    case NN_G_LOG: return 1 / x;
    case NN_G_LOG1P: return 1 / (1 + x);
    case NN_G_LOG2: return 1 / (x * M_LN2);
    case NN_G_LOG10: return 1 / (x * M_LN10);
    case NN_G_SIN: return cos(x);
    case NN_G_COS: return -sin(x);
    case NN_G_TAN: return 1 + y * y;
    case NN_G_ASIN: return 1 / sqrt(1 - x * x);
    case NN_G_ACOS: return -1 / sqrt(1 - x * x);
    case NN_G_ATAN: return 1 / (1 + x * x);
    case NN_G_SINH: return cosh(x);
    case NN_G_COSH: return sinh(x);
    case NN_G_TANH: return 1 - y * y;
    case NN_G_SIGMOID: return y * (1 - y);
    case NN_G_RELU: return x > 0;
    case NN_G_RELU6: return x > 0 && x < 6;
    /* TensorFlow's EluGrad / SeluGrad test the output: at x = 0 the slope is the right one */
    case NN_G_ELU: return y < 0 ? y + 1 : 1;
    case NN_G_SELU: return y < 0 ? y + SELU_SCALE * SELU_ALPHA : SELU_SCALE;
    case NN_G_SOFTPLUS: return 1 / (1 + exp(-x));
    case NN_G_SOFTSIGN: return 1 / ((1 + fabs(x)) * (1 + fabs(x)));
    case NN_G_SWISH: { double s = 1 / (1 + exp(-x)); return s + x * s * (1 - s); }
    case NN_G_GELU:
        return 0.5 * (1 + erf(x * M_SQRT1_2)) + x * exp(-0.5 * x * x) / sqrt(2 * M_PI);
    case NN_G_ERF: return M_2_SQRTPI * exp(-x * x);
    case NN_G_LEAKY_RELU: return x > 0 ? 1 : at->alpha;
    case NN_G_CLIP:
        return (isnan(at->lo) || x >= at->lo) && (isnan(at->hi) || x <= at->hi);
    default: return 0;
    }
}

static NnStatus vjp_unary(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *x = nd->inputs[0], *o = nd->output;
    NnTensor *xd = dense(ctx, x, o->ndim, o->shape), *yd = dense(ctx, o, o->ndim, o->shape);
    NnTensor *gd = dense(ctx, gout, o->ndim, o->shape);
    NnTensor *r = xd && yd && gd ? nn_tensor_empty(ctx, NN_F64, o->ndim, o->shape) : NULL;
    if (r) {
        int64_t n = nn_tensor_numel(o);
        double *xp = P(xd), *yp = P(yd), *gp = P(gd), *rp = P(r);
        for (int64_t i = 0; i < n; i++)
            rp[i] = gp[i] * unary_d(nd->op, xp[i], yp[i], &nd->attrs);
    }
    nn_tensor_unref(xd);
    nn_tensor_unref(yd);
    nn_tensor_unref(gd);
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

/* Partials of z = a op b at (a, b, z), times g, into *ga and *gb. */
static void binary_d(NnGradOp op, double a, double b, double z, double g, double *ga, double *gb)
{
    switch (op) {
    case NN_G_ADD: *ga = g; *gb = g; break;
    case NN_G_SUB: *ga = g; *gb = -g; break;
    case NN_G_MUL: *ga = g * b; *gb = g * a; break;
    case NN_G_DIV: *ga = g / b; *gb = -g * a / (b * b); break;
    case NN_G_POW:
        *ga = b == 0 ? 0 : g * b * pow(a, b - 1);
        *gb = a > 0 ? g * z * log(a) : 0;
        break;
    case NN_G_MAXIMUM: *ga = a >= b ? g : 0; *gb = a >= b ? 0 : g; break;
    case NN_G_MINIMUM: *ga = a <= b ? g : 0; *gb = a <= b ? 0 : g; break;
    case NN_G_ATAN2: *ga = g * b / (a * a + b * b); *gb = -g * a / (a * a + b * b); break;
    case NN_G_MOD: *ga = g; *gb = -g * floor(a / b); break;
    default: *ga = *gb = 0;
    }
}

static NnStatus vjp_binary(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *o = nd->output;
    int nd_ = o->ndim;
    const int64_t *sh = o->shape;
    NnTensor *ad = dense(ctx, nd->inputs[0], nd_, sh), *bd = dense(ctx, nd->inputs[1], nd_, sh);
    NnTensor *zd = dense(ctx, o, nd_, sh), *gd = dense(ctx, gout, nd_, sh);
    NnTensor *ra = NULL, *rb = NULL;
    if (ad && bd && zd && gd) {
        ra = nn_tensor_empty(ctx, NN_F64, nd_, sh);
        rb = ra ? nn_tensor_empty(ctx, NN_F64, nd_, sh) : NULL;
    }
    if (rb) {
        int64_t n = nn_tensor_numel(o);
        double *ap = P(ad), *bp = P(bd), *zp = P(zd), *gp = P(gd), *pa = P(ra), *pb = P(rb);
        for (int64_t i = 0; i < n; i++)
            binary_d(nd->op, ap[i], bp[i], zp[i], gp[i], &pa[i], &pb[i]);
    }
    nn_tensor_unref(ad);
    nn_tensor_unref(bd);
    nn_tensor_unref(zd);
    nn_tensor_unref(gd);
    if (!rb) {
        nn_tensor_unref(ra);
        return nn_status(ctx);
    }
    gin[0] = ra;
    gin[1] = rb;
    return NN_OK;
}

static NnStatus vjp_where(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *o = nd->output;
    NnTensor *cd = dense(ctx, nd->attrs.aux, o->ndim, o->shape);
    NnTensor *gd = cd ? dense(ctx, gout, o->ndim, o->shape) : NULL;
    NnTensor *ra = gd ? nn_tensor_empty(ctx, NN_F64, o->ndim, o->shape) : NULL;
    NnTensor *rb = ra ? nn_tensor_empty(ctx, NN_F64, o->ndim, o->shape) : NULL;
    if (rb) {
        int64_t n = nn_tensor_numel(o);
        for (int64_t i = 0; i < n; i++) {
            bool c = P(cd)[i] != 0;
            P(ra)[i] = c ? P(gd)[i] : 0;
            P(rb)[i] = c ? 0 : P(gd)[i];
        }
    }
    nn_tensor_unref(cd);
    nn_tensor_unref(gd);
    if (!rb) {
        nn_tensor_unref(ra);
        return nn_status(ctx);
    }
    gin[0] = ra;
    gin[1] = rb;
    return NN_OK;
}

/* ---- softmax ---- */

static NnStatus vjp_softmax(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *o = nd->output;
    int axis = nd->attrs.axes[0];
    bool log = nd->op == NN_G_LOG_SOFTMAX;
    NnTensor *y = nn_tensor_cast(ctx, o, NN_F64), *g = nn_tensor_cast(ctx, gout, NN_F64);
    NnTensor *p = NULL, *prod = NULL, *s = NULL, *t = NULL, *r = NULL;
    if (!y || !g)
        goto done;
    p = log ? nn_unary(ctx, NN_EXP, y) : nn_tensor_ref(y);      /* softmax values */
    prod = p && !log ? nn_binary(ctx, NN_MUL, g, y, NN_F64) : nn_tensor_ref(g);
    s = p && prod ? nn_reduce(ctx, NN_SUM, prod, &axis, 1, true, NN_F64, 0) : NULL;
    if (!s)
        goto done;
    if (log) {      /* g - softmax * sum(g) */
        t = nn_binary(ctx, NN_MUL, p, s, NN_F64);
        r = t ? nn_binary(ctx, NN_SUB, g, t, NN_F64) : NULL;
    } else {        /* y * (g - sum(g * y)) */
        t = nn_binary(ctx, NN_SUB, g, s, NN_F64);
        r = t ? nn_binary(ctx, NN_MUL, y, t, NN_F64) : NULL;
    }
done:
    nn_tensor_unref(y);
    nn_tensor_unref(g);
    nn_tensor_unref(p);
    nn_tensor_unref(prod);
    nn_tensor_unref(s);
    nn_tensor_unref(t);
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

/* ---- reductions ---- */

/* The reduced axes as flags and the count of reduced elements. */
static int64_t reduced(const NnNode *nd, bool *flag)
{
    const NnTensor *x = nd->inputs[0];
    int64_t n = 1;
    for (int d = 0; d < x->ndim; d++)
        flag[d] = nd->attrs.naxes == 0;
    for (int i = 0; i < nd->attrs.naxes; i++)
        flag[nd->attrs.axes[i]] = true;
    for (int d = 0; d < x->ndim; d++)
        if (flag[d])
            n *= x->shape[d];
    return n;
}

/* t (a reduction's output, or its gradient) as float64 broadcast to the input's shape. */
static NnTensor *spread(NnCtx *ctx, const NnNode *nd, const NnTensor *t)
{
    const NnTensor *x = nd->inputs[0];
    bool flag[NN_MAXDIM];
    int64_t ks[NN_MAXDIM];
    reduced(nd, flag);
    for (int d = 0; d < x->ndim; d++)
        ks[d] = flag[d] ? 1 : x->shape[d];
    NnTensor *k = nn_tensor_reshape(ctx, (NnTensor *)t, x->ndim, ks);
    NnTensor *r = k ? dense(ctx, k, x->ndim, x->shape) : NULL;
    nn_tensor_unref(k);
    return r;
}

/* float64 count of the maxima (x == max) per reduced group, spread. */
static NnTensor *extreme_count(NnCtx *ctx, const NnNode *nd, const NnTensor *mask)
{
    bool flag[NN_MAXDIM];
    int axes[NN_MAXDIM], na = 0;
    reduced(nd, flag);
    for (int d = 0; d < mask->ndim; d++)
        if (flag[d])
            axes[na++] = d;
    NnTensor *c = na ? nn_reduce(ctx, NN_SUM, mask, axes, na, true, NN_F64, 0)
                     : nn_tensor_ref((NnTensor *)mask);
    NnTensor *r = c ? dense(ctx, c, mask->ndim, mask->shape) : NULL;
    nn_tensor_unref(c);
    return r;
}

static NnTensor *mean_spread(NnCtx *ctx, const NnNode *nd)
{
    bool flag[NN_MAXDIM];
    int axes[NN_MAXDIM], na = 0;
    const NnTensor *x = nd->inputs[0];
    reduced(nd, flag);
    for (int d = 0; d < x->ndim; d++)
        if (flag[d])
            axes[na++] = d;
    NnTensor *m = na ? nn_reduce(ctx, NN_MEAN, x, axes, na, true, NN_F64, 0)
                     : nn_tensor_cast(ctx, x, NN_F64);
    NnTensor *r = m ? dense(ctx, m, x->ndim, x->shape) : NULL;
    nn_tensor_unref(m);
    return r;
}

static void reduce_loop(const NnNode *nd, int64_t count, double *r, const double *g,
                        const double *x, const double *y, const double *aux)
{
    const NnTensor *in = nd->inputs[0];
    int64_t n = nn_tensor_numel(in);
    double dof = (double)(count - nd->attrs.ddof);
    for (int64_t i = 0; i < n; i++) {
        switch (nd->op) {
        case NN_G_SUM: r[i] = g[i]; break;
        case NN_G_MEAN: r[i] = g[i] / (double)count; break;
        case NN_G_PROD: r[i] = g[i] * y[i] / x[i]; break;
        case NN_G_MAX: case NN_G_MIN: r[i] = x[i] == y[i] ? g[i] / aux[i] : 0; break;
        case NN_G_VAR: r[i] = g[i] * 2 * (x[i] - aux[i]) / dof; break;
        case NN_G_STD: r[i] = y[i] == 0 ? 0 : g[i] * (x[i] - aux[i]) / (dof * y[i]); break;
        default: r[i] = 0;
        }
    }
}

static NnStatus vjp_reduce(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *x = nd->inputs[0];
    bool flag[NN_MAXDIM];
    int64_t count = reduced(nd, flag);
    NnTensor *g = spread(ctx, nd, gout), *y = g ? spread(ctx, nd, nd->output) : NULL;
    NnTensor *xd = y ? dense(ctx, x, x->ndim, x->shape) : NULL, *aux = NULL, *mask = NULL;
    NnTensor *r = NULL;
    if (!xd)
        goto done;
    if (nd->op == NN_G_MAX || nd->op == NN_G_MIN) {
        mask = nn_binary(ctx, NN_EQ, xd, y, NN_F64);
        aux = mask ? extreme_count(ctx, nd, mask) : NULL;
    } else if (nd->op == NN_G_VAR || nd->op == NN_G_STD) {
        aux = mean_spread(ctx, nd);
    } else {
        aux = nn_tensor_ref(xd);
    }
    r = aux ? nn_tensor_empty(ctx, NN_F64, x->ndim, x->shape) : NULL;
    if (r)
        reduce_loop(nd, count, P(r), P(g), P(xd), P(y), P(aux));
done:
    nn_tensor_unref(g);
    nn_tensor_unref(y);
    nn_tensor_unref(xd);
    nn_tensor_unref(aux);
    nn_tensor_unref(mask);
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

static NnStatus vjp_cumsum(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *x = nd->inputs[0];
    int axis = nd->attrs.axes[0] == NN_ALL_AXES ? 0 : nd->attrs.axes[0];
    NnTensor *f = nn_flip(ctx, gout, axis);
    NnTensor *c = f ? nn_cumsum(ctx, f, axis, gout->dtype) : NULL;
    NnTensor *b = c ? nn_flip(ctx, c, axis) : NULL;
    NnTensor *r = b ? nn_tensor_reshape(ctx, b, x->ndim, x->shape) : NULL;
    nn_tensor_unref(f);
    nn_tensor_unref(c);
    nn_tensor_unref(b);
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

/* ---- matmul ---- */

/* x as a matrix operand: 1-D a -> (1, k), 1-D b -> (k, 1). */
static NnTensor *as_matrix(NnCtx *ctx, NnTensor *x, bool left)
{
    if (x->ndim != 1)
        return nn_tensor_ref(x);
    int64_t s[2] = {left ? 1 : x->shape[0], left ? x->shape[0] : 1};
    return nn_tensor_reshape(ctx, x, 2, s);
}

static NnTensor *swap_last(NnCtx *ctx, NnTensor *x)
{
    int perm[NN_MAXDIM];
    for (int i = 0; i < x->ndim; i++)
        perm[i] = i;
    perm[x->ndim - 1] = x->ndim - 2;
    perm[x->ndim - 2] = x->ndim - 1;
    return nn_tensor_transpose(ctx, x, perm);
}

/* g @ other^T (left) or other^T @ g, fitted to x's shape. */
static NnTensor *matmul_part(NnCtx *ctx, NnTensor *g2, NnTensor *other2, const NnTensor *x2,
                             const NnTensor *x, bool left)
{
    NnTensor *ot = swap_last(ctx, other2);
    NnTensor *p = !ot ? NULL : left ? nn_matmul(ctx, g2, ot) : nn_matmul(ctx, ot, g2);
    NnTensor *u = p ? nn_grad_unbroadcast(ctx, p, x2->ndim, x2->shape) : NULL;
    NnTensor *r = u ? nn_tensor_reshape(ctx, u, x->ndim, x->shape) : NULL;
    nn_tensor_unref(ot);
    nn_tensor_unref(p);
    nn_tensor_unref(u);
    return r;
}

static NnStatus vjp_matmul(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    NnTensor *a = nd->inputs[0], *b = nd->inputs[1];
    NnTensor *a2 = as_matrix(ctx, a, true), *b2 = a2 ? as_matrix(ctx, b, false) : NULL;
    NnTensor *g2 = NULL, *gc = NULL;
    NnStatus st = NN_OK;
    if (!b2)
        goto fail;
    int64_t gs[NN_MAXDIM];      /* the output shape with the removed axes put back */
    int bn = a2->ndim > b2->ndim ? a2->ndim : b2->ndim;
    for (int d = 0; d < bn - 2; d++)
        gs[d] = d < bn - 2 ? nd->output->shape[d] : 1;
    gs[bn - 2] = a2->shape[a2->ndim - 2];
    gs[bn - 1] = b2->shape[b2->ndim - 1];
    gc = nn_tensor_cast(ctx, gout, a->dtype);
    g2 = gc ? nn_tensor_reshape(ctx, gc, bn, gs) : NULL;
    if (!g2)
        goto fail;
    gin[0] = matmul_part(ctx, g2, b2, a2, a, true);
    gin[1] = gin[0] ? matmul_part(ctx, g2, a2, b2, b, false) : NULL;
    if (!gin[1])
        goto fail;
    goto done;
fail:
    st = nn_status(ctx);
    nn_tensor_unref(gin[0]);
    gin[0] = NULL;
done:
    nn_tensor_unref(a2);
    nn_tensor_unref(b2);
    nn_tensor_unref(gc);
    nn_tensor_unref(g2);
    return st;
}

/* ---- views and shape ops ---- */

static NnTensor *zeros_like_in(NnCtx *ctx, const NnTensor *x, const NnTensor *g)
{
    return nn_tensor_new(ctx, g->dtype, x->ndim, x->shape);
}

/* zeros of x's shape with g written into the view picked by the node. */
static NnStatus vjp_scatter(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnGradAttrs *at = &nd->attrs;
    NnTensor *z = zeros_like_in(ctx, nd->inputs[0], gout), *v = NULL;
    NnStatus st = z ? NN_OK : nn_status(ctx);
    if (st)
        return st;
    if (nd->op == NN_G_MASK_SELECT) {
        st = nn_tensor_mask_assign(ctx, z, at->aux, gout);
    } else {
        v = nd->op == NN_G_SLICE ? nn_tensor_slice(ctx, z, at->axes[0], at->start, at->stop, at->step)
                                 : nn_tensor_select(ctx, z, at->axes[0], at->start);
        st = v ? nn_tensor_assign(ctx, v, gout) : nn_status(ctx);
    }
    nn_tensor_unref(v);
    if (st) {
        nn_tensor_unref(z);
        return st;
    }
    gin[0] = z;
    return NN_OK;
}

static NnStatus vjp_take(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *x = nd->inputs[0], *idx = nd->attrs.aux;
    int axis = nd->attrs.axes[0];
    int64_t outer = 1, n = nn_tensor_numel(x), inner = 1, m = nn_tensor_numel(idx);
    if (axis != NN_ALL_AXES) {
        for (int d = 0; d < axis; d++)
            outer *= x->shape[d];
        for (int d = axis + 1; d < x->ndim; d++)
            inner *= x->shape[d];
        n = x->shape[axis];
    }
    NnTensor *g = nn_tensor_cast(ctx, gout, NN_F64);
    NnTensor *r = g ? nn_tensor_new(ctx, NN_F64, x->ndim, x->shape) : NULL;
    if (r) {
        const double *gp = P(g);
        double *rp = P(r);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t j = 0; j < m; j++) {
                int64_t k = nn_tensor_get_i64(idx, j);
                k = k < 0 ? k + n : k;
                for (int64_t i = 0; i < inner && k >= 0 && k < n; i++)
                    rp[(o * n + k) * inner + i] += gp[(o * m + j) * inner + i];
            }
    }
    nn_tensor_unref(g);
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

static NnStatus vjp_pieces(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    int axis = nd->attrs.axes[0];
    int64_t off = 0;
    for (int i = 0; i < nd->ninputs; i++) {
        const NnTensor *x = nd->inputs[i];
        NnTensor *v = nd->op == NN_G_STACK
            ? nn_tensor_select(ctx, (NnTensor *)gout, axis, i)
            : nn_tensor_slice(ctx, (NnTensor *)gout, axis, off, off + x->shape[axis], 1);
        if (nd->op == NN_G_CONCAT)
            off += x->shape[axis];
        gin[i] = v ? nn_tensor_copy(ctx, v) : NULL;
        nn_tensor_unref(v);
        if (!gin[i])
            return nn_status(ctx);
    }
    return NN_OK;
}

static NnStatus vjp_shape(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    const NnTensor *x = nd->inputs[0];
    NnTensor *r = NULL;
    if (nd->op == NN_G_TRANSPOSE) {
        int inv[NN_MAXDIM];
        for (int i = 0; i < x->ndim; i++)
            inv[nd->attrs.axes[i]] = i;
        NnTensor *t = nn_tensor_transpose(ctx, (NnTensor *)gout, inv);
        r = t ? nn_tensor_copy(ctx, t) : NULL;
        nn_tensor_unref(t);
    } else if (nd->op == NN_G_BROADCAST_TO) {
        r = nn_grad_unbroadcast(ctx, gout, x->ndim, x->shape);
    } else if (nd->op == NN_G_CAST) {
        r = nn_tensor_ref((NnTensor *)gout);
    } else {    /* reshape, expand_dims, squeeze: the same elements in order */
        NnTensor *c = nn_tensor_copy(ctx, gout);
        r = c ? nn_tensor_reshape(ctx, c, x->ndim, x->shape) : NULL;
        nn_tensor_unref(c);
    }
    gin[0] = r;
    return r ? NN_OK : nn_status(ctx);
}

/* The backward switch: one case per op of the registry. */
NnStatus nn_grad_vjp(NnCtx *ctx, const NnNode *nd, const NnTensor *gout, NnTensor **gin)
{
    for (int i = 0; i < nd->ninputs; i++)
        gin[i] = NULL;
    switch (nd->op) {
    case NN_G_ADD: case NN_G_SUB: case NN_G_MUL: case NN_G_DIV: case NN_G_POW:
    case NN_G_MAXIMUM: case NN_G_MINIMUM: case NN_G_ATAN2: case NN_G_MOD:
        return vjp_binary(ctx, nd, gout, gin);
    case NN_G_NEG: case NN_G_POS: case NN_G_ABS: case NN_G_SQUARE: case NN_G_RECIPROCAL:
    case NN_G_SQRT: case NN_G_RSQRT: case NN_G_EXP: case NN_G_EXPM1: case NN_G_LOG:
    case NN_G_LOG1P: case NN_G_LOG2: case NN_G_LOG10: case NN_G_SIN: case NN_G_COS:
    case NN_G_TAN: case NN_G_ASIN: case NN_G_ACOS: case NN_G_ATAN: case NN_G_SINH:
    case NN_G_COSH: case NN_G_TANH: case NN_G_SIGMOID: case NN_G_RELU: case NN_G_RELU6:
    case NN_G_ELU: case NN_G_SELU: case NN_G_SOFTPLUS: case NN_G_SOFTSIGN: case NN_G_SWISH:
    case NN_G_GELU: case NN_G_ERF: case NN_G_LEAKY_RELU: case NN_G_CLIP:
        return vjp_unary(ctx, nd, gout, gin);
    case NN_G_SOFTMAX: case NN_G_LOG_SOFTMAX:
        return vjp_softmax(ctx, nd, gout, gin);
    case NN_G_SUM: case NN_G_MEAN: case NN_G_PROD: case NN_G_MAX: case NN_G_MIN:
    case NN_G_STD: case NN_G_VAR:
        return vjp_reduce(ctx, nd, gout, gin);
    case NN_G_CUMSUM:
        return vjp_cumsum(ctx, nd, gout, gin);
    case NN_G_MATMUL:
        return vjp_matmul(ctx, nd, gout, gin);
    case NN_G_CAST: case NN_G_RESHAPE: case NN_G_EXPAND_DIMS: case NN_G_SQUEEZE:
    case NN_G_TRANSPOSE: case NN_G_BROADCAST_TO:
        return vjp_shape(ctx, nd, gout, gin);
    case NN_G_SLICE: case NN_G_SELECT: case NN_G_MASK_SELECT:
        return vjp_scatter(ctx, nd, gout, gin);
    case NN_G_TAKE:
        return vjp_take(ctx, nd, gout, gin);
    case NN_G_CONCAT: case NN_G_STACK:
        return vjp_pieces(ctx, nd, gout, gin);
    case NN_G_WHERE:
        return vjp_where(ctx, nd, gout, gin);
    case NN_G_CUSTOM:
        return nd->vjp(ctx, nd->ud, gout, nd->inputs, nd->ninputs, nd->output, gin);
    case NN_G_NONDIFF: case NN_G_COUNT:
        break;
    }
    return NN_OK;
}
