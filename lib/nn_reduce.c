/* nn_reduce.c - reductions over any set of axes (sum, mean, prod, max, min,
 * any, all, var/std with ddof, argmax/argmin) and running sums/products.
 *
 * Owned by the tensor runtime.  Each output element reduces a strided block
 * of K input elements; the block is gathered in chunks of CHUNK values
 * converted to double (or to int64 for integer sums, products and
 * extremes), so floats accumulate in double whatever their dtype and a
 * 10^6-element float32 sum agrees with a float64 reference to ~1e-12.
 * Output elements are split over the ctx's threads; the order of every sum
 * is fixed, so results do not depend on the thread count.  Empty
 * reductions follow numpy: sum 0, prod 1, mean nan, max/min an error.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHUNK 1024

static const char *const red_names[NN_REDUCE_COUNT] = {
    "sum", "mean", "prod", "maximum", "minimum", "any", "all", "std", "var", "argmax", "argmin",
};

typedef struct {
    NnReduceOp op;
    bool ints;               /* accumulate in int64 */
    int ddof;
    NnDType dt, in_dt;
    const char *in;          /* a's element [0...] */
    size_t in_es;
    int nkept;
    int64_t kshape[NN_MAXDIM], kstride[NN_MAXDIM];
    NnIter red;              /* the reduced sub-block */
    int64_t K;
    char *out;
    size_t out_es;
} RedJob;

typedef struct {
    const RedJob *j;
    int64_t base;
    void *buf;
    int64_t fill;
} Gather;

static void gather_run(void *arg, int64_t n, const int64_t *off, const int64_t *step)
{
    Gather *g = arg;
    const RedJob *j = g->j;
    NnDType to = j->ints ? NN_I64 : NN_F64;
    char *dst = (char *)g->buf + g->fill * 8;
    nn_convert_run(dst, to, 1, j->in + (g->base + off[0]) * (int64_t)j->in_es, j->in_dt, step[0], n);
    g->fill += n;
}

/* Values [lo, hi) of the block at `base` into buf (hi - lo <= CHUNK). */
static void gather(const RedJob *j, int64_t base, int64_t lo, int64_t hi, void *buf)
{
    Gather g = {j, base, buf, 0};
    nn_iter_run(&j->red, lo, hi, gather_run, &g);
}

typedef struct {
    double s, p, m, arg_v;
    int64_t is, ip, im, arg;
    bool any, all, first;
} Acc;

static void acc_f(NnReduceOp op, Acc *a, const double *x, int64_t n, int64_t pos, double mean)
{
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        switch (op) {
        case NN_SUM: case NN_MEAN: a->s += v; break;
        case NN_PROD: a->p *= v; break;
        case NN_MAX: /* nan propagates */
            if (a->first || (!isnan(a->m) && (isnan(v) || v > a->m)))
                a->m = v;
            break;
        case NN_MIN:
            if (a->first || (!isnan(a->m) && (isnan(v) || v < a->m)))
                a->m = v;
            break;
        case NN_ANY: a->any |= v != 0; break;
        case NN_ALL: a->all &= v != 0; break;
        case NN_VAR: case NN_STD: a->s += (v - mean) * (v - mean); break;
        case NN_ARGMAX:
            if (a->first || (!isnan(a->arg_v) && (v > a->arg_v || isnan(v)))) {
                a->arg_v = v;
                a->arg = pos + i;
            }
            break;
        case NN_ARGMIN:
            if (a->first || (!isnan(a->arg_v) && (v < a->arg_v || isnan(v)))) {
                a->arg_v = v;
                a->arg = pos + i;
            }
            break;
        default: break;
        }
        a->first = false;
    }
}

static void acc_i(const RedJob *j, Acc *a, const int64_t *x, int64_t n, int64_t pos)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t v = x[i];
        switch (j->op) {
        case NN_SUM: a->is = (int64_t)((uint64_t)a->is + (uint64_t)v); break;
        case NN_PROD: a->ip = (int64_t)((uint64_t)a->ip * (uint64_t)v); break;
        case NN_MAX: if (a->first || v > a->im) a->im = v; break;
        case NN_MIN: if (a->first || v < a->im) a->im = v; break;
        case NN_ANY: a->any |= v != 0; break;
        case NN_ALL: a->all &= v != 0; break;
        case NN_ARGMAX: if (a->first || v > a->im) { a->im = v; a->arg = pos + i; } break;
        case NN_ARGMIN: if (a->first || v < a->im) { a->im = v; a->arg = pos + i; } break;
        default: break;
        }
        a->first = false;
    }
}

/* One pass of `op` over the block at base; mean is used by var/std. */
static void block_pass(const RedJob *j, NnReduceOp op, int64_t base, Acc *a, double mean)
{
    union { double d[CHUNK]; int64_t i[CHUNK]; } buf;
    for (int64_t lo = 0; lo < j->K; lo += CHUNK) {
        int64_t hi = lo + CHUNK < j->K ? lo + CHUNK : j->K;
        gather(j, base, lo, hi, &buf);
        if (j->ints)
            acc_i(j, a, buf.i, hi - lo, lo);
        else
            acc_f(op, a, buf.d, hi - lo, lo, mean);
    }
}

static void reduce_one(const RedJob *j, int64_t o)
{
    int64_t base = 0, rem = o;
    for (int d = j->nkept - 1; d >= 0; d--) {
        base += (rem % j->kshape[d]) * j->kstride[d];
        rem /= j->kshape[d];
    }
    Acc a = {.p = 1, .ip = 1, .all = true, .first = true};
    bool var = j->op == NN_VAR || j->op == NN_STD;
    block_pass(j, var ? NN_SUM : j->op, base, &a, 0);
    char *dst = j->out + o * (int64_t)j->out_es;
    double K = (double)j->K;
    switch (j->op) {
    case NN_SUM: j->ints ? nn_store_i64(dst, j->dt, a.is) : nn_store_f64(dst, j->dt, a.s); break;
    case NN_PROD: j->ints ? nn_store_i64(dst, j->dt, a.ip) : nn_store_f64(dst, j->dt, a.p); break;
    case NN_MAX: case NN_MIN: j->ints ? nn_store_i64(dst, j->dt, a.im) : nn_store_f64(dst, j->dt, a.m); break;
    case NN_MEAN: nn_store_f64(dst, j->dt, a.s / K); break;
    case NN_ANY: nn_store_i64(dst, j->dt, a.any); break;
    case NN_ALL: nn_store_i64(dst, j->dt, a.all); break;
    case NN_ARGMAX: case NN_ARGMIN: nn_store_i64(dst, j->dt, a.arg); break;
    case NN_VAR: case NN_STD: {
        double mean = a.s / K;
        Acc b = {.first = true};
        block_pass(j, j->op, base, &b, mean);
        double d = K - j->ddof > 0 ? K - j->ddof : 0;
        double var = b.s / d;
        nn_store_f64(dst, j->dt, j->op == NN_STD ? sqrt(var) : var);
        break;
    }
    default: break;
    }
}

static void reduce_task(void *arg, int64_t lo, int64_t hi)
{
    for (int64_t o = lo; o < hi; o++)
        reduce_one(arg, o);
}

static NnStatus red_axes(NnCtx *ctx, const NnTensor *a, NnReduceOp op, const int *axes, int naxes,
                         bool *red)
{
    memset(red, 0, sizeof(bool) * NN_MAXDIM);
    if (naxes == 0) {
        for (int d = 0; d < a->ndim; d++)
            red[d] = true;
        return NN_OK;
    }
    if ((op == NN_ARGMAX || op == NN_ARGMIN) && naxes > 1)
        return nn_error(ctx, NN_EARG, "%s takes one axis", red_names[op]);
    for (int i = 0; i < naxes; i++) {
        int ax;
        if (nn_norm_axis(ctx, axes[i], a->ndim, &ax))
            return NN_EARG;
        if (red[ax])
            return nn_error(ctx, NN_EARG, "duplicate value in 'axis'");
        red[ax] = true;
    }
    return NN_OK;
}

static NnTensor *reduce_kernel(NnCtx *ctx, NnReduceOp op, const NnTensor *a, const bool *red,
                               bool keepdims, NnDType dt, int ddof)
{
    RedJob j = {.op = op, .ddof = ddof, .dt = dt, .in_dt = a->dtype};
    int64_t oshape[NN_MAXDIM], rshape[NN_MAXDIM], rstride[NN_MAXDIM];
    int ond = 0, rnd = 0;
    j.K = 1;
    for (int d = 0; d < a->ndim; d++) {
        if (red[d]) {
            rshape[rnd] = a->shape[d];
            rstride[rnd++] = a->strides[d];
            j.K *= a->shape[d];
            if (keepdims)
                oshape[ond++] = 1;
        } else {
            j.kshape[j.nkept] = a->shape[d];
            j.kstride[j.nkept++] = a->strides[d];
            oshape[ond++] = a->shape[d];
        }
    }
    NnTensor *out = nn_tensor_empty(ctx, dt, ond, oshape);
    if (!out)
        return NULL;
    const int64_t *rs[1] = {rstride};
    nn_iter_init(&j.red, rnd, rshape, 1, rs);
    j.ints = !nn_dtype_is_float(a->dtype) && op != NN_MEAN && op != NN_VAR && op != NN_STD &&
             (nn_dtype_is_int(dt) || dt == NN_BOOL || op == NN_ARGMAX || op == NN_ARGMIN);
    j.in = nn_tensor_data(a);
    j.in_es = nn_dtype_size(a->dtype);
    j.out = out->buf->data;
    j.out_es = nn_dtype_size(dt);
    int64_t nout = nn_tensor_numel(out);
    int64_t per = j.K > 0 ? (1 << 16) / j.K + 1 : 1 << 16;
    nn_parallel_for(ctx, nout, per, reduce_task, &j);
    return out;
}

NnTensor *nn_reduce(NnCtx *ctx, NnReduceOp op, const NnTensor *a, const int *axes, int naxes,
                    bool keepdims, NnDType dt, int ddof)
{
    bool red[NN_MAXDIM];
    if ((unsigned)op >= NN_REDUCE_COUNT) {
        nn_error(ctx, NN_EARG, "bad reduction %d", (int)op);
        return NULL;
    }
    if (red_axes(ctx, a, op, axes, naxes, red))
        return NULL;
    int64_t K = 1;
    for (int d = 0; d < a->ndim; d++)
        if (red[d])
            K *= a->shape[d];
    if (K == 0 && (op == NN_MAX || op == NN_MIN)) {
        nn_error(ctx, NN_EARG, "zero-size array to reduction operation %s which has no identity",
                 red_names[op]);
        return NULL;
    }
    if (K == 0 && (op == NN_ARGMAX || op == NN_ARGMIN)) {
        nn_error(ctx, NN_EARG, "attempt to get %s of an empty sequence", red_names[op]);
        return NULL;
    }
    if (op == NN_ARGMAX || op == NN_ARGMIN) {
        if (!nn_dtype_is_int(dt))
            dt = NN_I64;
        if (naxes == 0 && a->ndim > 1) {   /* flattened, as numpy */
            NnTensor *c = nn_tensor_contiguous(ctx, (NnTensor *)a);
            if (!c)
                return NULL;
            NnTensor flat = *c;
            flat.ndim = 1;
            flat.shape[0] = nn_tensor_numel(c);
            flat.strides[0] = 1;
            bool r1[NN_MAXDIM] = {true};
            NnTensor *out = reduce_kernel(ctx, op, &flat, r1, false, dt, ddof);
            nn_tensor_unref(c);
            return out;
        }
    }
    return reduce_kernel(ctx, op, a, red, keepdims, dt, ddof);
}

/* ---- cumulative sums and products ---- */

#define SCAN(T, OP)                                                              \
    do {                                                                         \
        T *p = c->buf->data;                                                     \
        for (int64_t o = 0; o < outer; o++) {                                    \
            T *blk = p + o * len * inner;                                        \
            for (int64_t i = 1; i < len; i++)                                    \
                for (int64_t x = 0; x < inner; x++) {                            \
                    T prev = blk[(i - 1) * inner + x], cur = blk[i * inner + x];   \
                    blk[i * inner + x] = OP;                                     \
                }                                                                \
        }                                                                        \
    } while (0)

static NnTensor *scan_kernel(NnCtx *ctx, const NnTensor *a, int axis, NnDType dt, bool prod)
{
    NnTensor *c = nn_tensor_cast(ctx, a, dt);
    int ax;
    if (!c)
        return NULL;
    if (axis == NN_ALL_AXES || a->ndim == 0) {
        c->ndim = 1;
        c->shape[0] = nn_tensor_numel(a);
        c->strides[0] = 1;
        ax = 0;
    } else if (nn_norm_axis(ctx, axis, a->ndim, &ax)) {
        nn_tensor_unref(c);
        return NULL;
    }
    int64_t outer = 1, inner = 1, len = c->shape[ax];
    for (int d = 0; d < ax; d++)
        outer *= c->shape[d];
    for (int d = ax + 1; d < c->ndim; d++)
        inner *= c->shape[d];
    switch (dt) {
    case NN_F32: if (prod) SCAN(float, prev * cur); else SCAN(float, prev + cur); break;
    case NN_F64: if (prod) SCAN(double, prev * cur); else SCAN(double, prev + cur); break;
    case NN_I32: if (prod) SCAN(int32_t, (int32_t)((uint32_t)prev * (uint32_t)cur)); else SCAN(int32_t, (int32_t)((uint32_t)prev + (uint32_t)cur)); break;
    case NN_I64: if (prod) SCAN(int64_t, (int64_t)((uint64_t)prev * (uint64_t)cur)); else SCAN(int64_t, (int64_t)((uint64_t)prev + (uint64_t)cur)); break;
    case NN_U8: if (prod) SCAN(uint8_t, (uint8_t)(prev * cur)); else SCAN(uint8_t, (uint8_t)(prev + cur)); break;
    case NN_BOOL: if (prod) SCAN(bool, prev && cur); else SCAN(bool, prev || cur); break;
    default: break;
    }
    return c;
}

NnTensor *nn_cumsum(NnCtx *ctx, const NnTensor *a, int axis, NnDType dt)
{
    return scan_kernel(ctx, a, axis, dt, false);
}

NnTensor *nn_cumprod(NnCtx *ctx, const NnTensor *a, int axis, NnDType dt)
{
    return scan_kernel(ctx, a, axis, dt, true);
}
