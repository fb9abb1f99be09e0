/* nn_reduce_np.c - float sum, mean, var and std in numpy's order, so that
 * np.sum / a.mean() / a.std() give numpy 1.24's numbers to the last bit.
 *
 * Owned by the tensor runtime (called by the numpy front end; tf keeps
 * nn_reduce's double accumulation).  numpy adds in the dtype of the result
 * (float32 sums round in float32) and walks the input in memory order:
 * when the innermost (smallest-stride) axis is reduced, each run along it
 * (merged with outer reduced axes that continue it with the same stride) is summed
 * pairwise (numpy's pairwise_sum: below 8 values a plain loop, up to 128
 * eight interleaved accumulators, above that two halves split at a multiple
 * of 8) in buffers of 8192 values, the partial sums added in turn to an
 * accumulator starting at 0; when the innermost axis is kept, every value
 * is added in turn.  A reduction over all axes that do not form one run is
 * buffered: the values, in memory order, are summed pairwise 8192 at a time.  mean divides by the count (a 0-d result in double,
 * then rounded, as numpy's scalar path does); var subtracts the mean
 * (rounded to the dtype), squares, sums the same way and divides by
 * count - ddof; std is its square root.
 */
#include "nn_internal.h"
#include "nn_ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NP_BUFSIZE 8192

typedef struct {
    NnReduceOp op;
    bool f32;                            /* arithmetic in float32 */
    int ddof;
    int nkept;
    int64_t kshape[NN_MAXDIM], kstride[NN_MAXDIM];
    int nouter;                          /* reduced axes outside the run, memory order */
    int64_t oshape[NN_MAXDIM], ostride[NN_MAXDIM];
    int64_t row_len, row_stride;         /* the run along the innermost axis */
    int64_t K;
    const char *in;
    NnDType in_dt;
    size_t in_es;
    char *out;
    NnDType dt;
    size_t out_es;
    bool scalar;                         /* a 0-d result */
    bool flat;                           /* all axes reduced: one buffered sequence */
} NpRed;

static double pw_d(const double *a, int64_t n)
{
    if (n < 8) {
        double res = 0.;
        for (int64_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        int64_t i;
        for (int k = 0; k < 8; k++)
            r[k] = a[k];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++)
                r[k] += a[i + k];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pw_d(a, n2) + pw_d(a + n2, n - n2);
}

static float pw_f(const double *a, int64_t n)
{
    if (n < 8) {
        float res = 0.f;
        for (int64_t i = 0; i < n; i++)
            res += (float)a[i];
        return res;
    }
    if (n <= 128) {
        float r[8];
        int64_t i;
        for (int k = 0; k < 8; k++)
            r[k] = (float)a[k];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++)
                r[k] += (float)a[i + k];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += (float)a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pw_f(a, n2) + pw_f(a + n2, n - n2);
}

/* Adds the buffered values' pairwise sum to the accumulator. */
static void np_flush(const NpRed *j, double *buf, int64_t *fill, double *accd, float *accf)
{
    if (j->f32)
        *accf += pw_f(buf, *fill);
    else
        *accd += pw_d(buf, *fill);
    *fill = 0;
}

/* Sum (squares: of x - mean) of the values at base, in numpy's order. */
static double np_block_sum(const NpRed *j, int64_t base, bool squares, double mean)
{
    double *buf = malloc(sizeof(double) * NP_BUFSIZE);
    double accd = 0.;
    float accf = 0.f;
    int64_t idx[NN_MAXDIM] = {0}, nrows = 1, fill = 0;
    if (j->K == 0 || !buf) {
        free(buf);
        return j->K == 0 ? 0. : NAN;
    }
    for (int d = 0; d < j->nouter; d++)
        nrows *= j->oshape[d];
    for (int64_t r = 0; r < nrows; r++) {
        int64_t off = base;
        for (int d = 0; d < j->nouter; d++)
            off += idx[d] * j->ostride[d];
        for (int64_t lo = 0; lo < j->row_len; ) {
            int64_t n = j->row_len - lo < NP_BUFSIZE - fill ? j->row_len - lo : NP_BUFSIZE - fill;
            double *b = buf + fill;
            nn_convert_run(b, NN_F64, 1, j->in + (off + lo * j->row_stride) * (int64_t)j->in_es,
                           j->in_dt, j->row_stride, n);
            for (int64_t i = 0; squares && i < n; i++) {
                if (j->f32) {
                    float x = (float)b[i] - (float)mean;
                    b[i] = x * x;
                } else {
                    double x = b[i] - mean;
                    b[i] = x * x;
                }
            }
            fill += n;
            lo += n;
            if (fill == NP_BUFSIZE || (!j->flat && lo == j->row_len))
                np_flush(j, buf, &fill, &accd, &accf);
        }
        for (int d = j->nouter - 1; d >= 0; d--) {
            if (++idx[d] < j->oshape[d])
                break;
            idx[d] = 0;
        }
    }
    if (fill)
        np_flush(j, buf, &fill, &accd, &accf);
    free(buf);
    return j->f32 ? (double)accf : accd;
}

/* s / n as numpy divides a result: in double for a 0-d result, else in the dtype. */
static double np_div(const NpRed *j, double s, double n, bool scalar)
{
    if (j->f32 && !scalar)
        return (double)((float)s / (float)n);
    return j->f32 ? (double)(float)(s / n) : s / n;
}

/* The result of output o from its sum s and (var/std) its sum of squares q. */
static void np_finish(const NpRed *j, int64_t o, double s, double q)
{
    double r = s, K = (double)j->K;
    if (j->op == NN_MEAN)
        r = np_div(j, s, K, j->scalar);
    if (j->op == NN_VAR || j->op == NN_STD) {
        r = np_div(j, q, K - j->ddof > 0 ? K - j->ddof : 0, j->scalar);
        if (j->op == NN_STD)
            r = j->f32 ? (double)sqrtf((float)r) : sqrt(r);
    }
    nn_store_f64(j->out + o * (int64_t)j->out_es, j->dt, r);
}

static void np_reduce_one(const NpRed *j, int64_t o)
{
    int64_t base = 0, rem = o;
    for (int d = j->nkept - 1; d >= 0; d--) {
        base += (rem % j->kshape[d]) * j->kstride[d];
        rem /= j->kshape[d];
    }
    double s = np_block_sum(j, base, false, 0), q = 0;
    if (j->op == NN_VAR || j->op == NN_STD)
        q = np_block_sum(j, base, true, np_div(j, s, (double)j->K, false));
    np_finish(j, o, s, q);
}

/* One pass when the innermost axis is kept: each reduced position in memory
 * order adds its values (squares of x - mean[o] when mean is given) to the
 * outputs' accumulators, read a kept run at a time. */
static bool np_seq_pass(const NpRed *j, int64_t nout, const double *mean, double *acc)
{
    int last = j->nkept - 1;
    int64_t len = j->kshape[last], ks = j->kstride[last], nrows = 1;
    int64_t ridx[NN_MAXDIM] = {0}, kidx[NN_MAXDIM] = {0};
    double *tmp = malloc(sizeof(double) * (size_t)len);
    float *accf = j->f32 ? calloc((size_t)nout, sizeof(float)) : NULL;
    if (!tmp || (j->f32 && !accf)) {
        free(tmp);
        free(accf);
        return false;
    }
    for (int64_t o = 0; o < nout; o++)
        acc[o] = 0;
    for (int d = 0; d < j->nouter; d++)
        nrows *= j->oshape[d];
    for (int64_t r = 0; r < nrows; r++) {
        int64_t roff = 0;
        for (int d = 0; d < j->nouter; d++)
            roff += ridx[d] * j->ostride[d];
        for (int64_t o0 = 0; o0 < nout; o0 += len) {
            int64_t off = roff;
            for (int d = 0; d < last; d++)
                off += kidx[d] * j->kstride[d];
            nn_convert_run(tmp, NN_F64, 1, j->in + off * (int64_t)j->in_es, j->in_dt, ks, len);
            if (j->f32)
                for (int64_t i = 0; i < len; i++) {
                    float v = (float)tmp[i];
                    if (mean)
                        v = (v - (float)mean[o0 + i]) * (v - (float)mean[o0 + i]);
                    accf[o0 + i] += v;
                }
            else
                for (int64_t i = 0; i < len; i++) {
                    double v = mean ? (tmp[i] - mean[o0 + i]) * (tmp[i] - mean[o0 + i]) : tmp[i];
                    acc[o0 + i] += v;
                }
            for (int d = last - 1; d >= 0; d--) {
                if (++kidx[d] < j->kshape[d])
                    break;
                kidx[d] = 0;
            }
        }
        for (int d = j->nouter - 1; d >= 0; d--) {
            if (++ridx[d] < j->oshape[d])
                break;
            ridx[d] = 0;
        }
    }
    for (int64_t o = 0; j->f32 && o < nout; o++)
        acc[o] = accf[o];
    free(tmp);
    free(accf);
    return true;
}

static bool np_seq_reduce(const NpRed *j, int64_t nout)
{
    bool var = j->op == NN_VAR || j->op == NN_STD;
    size_t n = (size_t)nout * (var ? 3 : 1);
    double *s = malloc(sizeof(double) * n);
    if (!s)
        return false;
    double *m = s + nout, *q = s + 2 * nout;
    bool ok = np_seq_pass(j, nout, NULL, s);
    if (ok && var) {
        for (int64_t o = 0; o < nout; o++)
            m[o] = np_div(j, s[o], (double)j->K, false);
        ok = np_seq_pass(j, nout, m, q);
    }
    for (int64_t o = 0; ok && o < nout; o++)
        np_finish(j, o, s[o], var ? q[o] : 0);
    free(s);
    return ok;
}

static void np_reduce_task(void *arg, int64_t lo, int64_t hi)
{
    for (int64_t o = lo; o < hi; o++)
        np_reduce_one(arg, o);
}

/* Orders the reduced axes by memory (largest |stride| first; a negative
 * stride is walked as it is, numpy's reductions do not flip it) and finds
 * the run along the innermost axis. */
static void np_plan(NpRed *j, const NnTensor *a, const bool *red)
{
    int order[NN_MAXDIM], n = 0, inner = -1;
    j->flat = true;
    for (int d = 0; d < a->ndim; d++) {
        if (a->shape[d] <= 1)
            continue;
        int64_t s = llabs(a->strides[d]);
        if (inner < 0 || s <= llabs(a->strides[inner]))
            inner = d;
        if (!red[d]) {
            j->flat = false;
            continue;
        }
        int k = n++;
        while (k > 0 && llabs(a->strides[order[k - 1]]) < s) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = d;
    }
    j->row_len = 1;
    j->row_stride = 1;
    if (inner >= 0 && red[inner]) {
        j->row_len = a->shape[inner];
        j->row_stride = a->strides[inner];
        n--;
        while (n > 0 && a->strides[order[n - 1]] == j->row_len * j->row_stride) {
            j->row_len *= a->shape[order[n - 1]];
            n--;
        }
    }
    j->nouter = n;
    for (int k = 0; k < n; k++) {
        j->oshape[k] = a->shape[order[k]];
        j->ostride[k] = a->strides[order[k]];
    }
}

NnTensor *nn_reduce_np(NnCtx *ctx, NnReduceOp op, const NnTensor *a, const int *axes, int naxes,
                       bool keepdims, NnDType dt, int ddof)
{
    bool numpy_op = op == NN_SUM || op == NN_MEAN || op == NN_VAR || op == NN_STD;
    if (!numpy_op || (dt != NN_F32 && dt != NN_F64) || (op == NN_SUM && !nn_dtype_is_float(a->dtype)))
        return nn_reduce(ctx, op, a, axes, naxes, keepdims, dt, ddof);
    bool red[NN_MAXDIM] = {false};
    int64_t oshape[NN_MAXDIM];
    int ond = 0;
    for (int d = 0; d < a->ndim; d++)
        red[d] = naxes == 0;
    for (int i = 0; i < naxes; i++) {
        int ax;
        if (nn_norm_axis(ctx, axes[i], a->ndim, &ax))
            return NULL;
        if (red[ax]) {
            nn_error(ctx, NN_EARG, "duplicate value in 'axis'");
            return NULL;
        }
        red[ax] = true;
    }
    for (int d = 0; d < a->ndim; d++)
        if (!red[d] || keepdims)
            oshape[ond++] = red[d] ? 1 : a->shape[d];
    NnTensor *out = nn_tensor_empty(ctx, dt, ond, oshape);
    if (!out)
        return NULL;
    NpRed *j = calloc(1, sizeof *j);
    if (!j) {
        nn_tensor_unref(out);
        nn_error(ctx, NN_ENOMEM, "out of memory");
        return NULL;
    }
    j->op = op;
    j->f32 = dt == NN_F32;
    j->ddof = ddof;
    j->K = 1;
    for (int d = 0; d < a->ndim; d++) {
        if (red[d]) {
            j->K *= a->shape[d];
        } else {
            j->kshape[j->nkept] = a->shape[d];
            j->kstride[j->nkept++] = a->strides[d];
        }
    }
    np_plan(j, a, red);
    j->in = nn_tensor_data(a);
    j->in_dt = a->dtype;
    j->in_es = nn_dtype_size(a->dtype);
    j->out = out->buf->data;
    j->dt = dt;
    j->out_es = nn_dtype_size(dt);
    j->scalar = out->ndim == 0;
    int64_t nout = nn_tensor_numel(out);
    int64_t per = j->K > 0 ? (1 << 16) / j->K + 1 : 1 << 16;
    bool ok = true;
    if (j->row_len == 1 && !j->flat && j->nkept > 0 && j->K > 0)
        ok = np_seq_reduce(j, nout);
    else
        nn_parallel_for(ctx, nout, per, np_reduce_task, j);
    free(j);
    if (!ok) {
        nn_tensor_unref(out);
        nn_error(ctx, NN_ENOMEM, "out of memory");
        return NULL;
    }
    return out;
}
