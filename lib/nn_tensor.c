/* nn_tensor.c - NnTensor: dtypes and promotion, creation with checked sizes,
 * reference counting (tensor and buffer counts separate), element access,
 * casts and copies, and the strided iteration helpers of nn_internal.h.
 *
 * Owned by the tensor runtime.  Views (reshape, transpose, slices, select,
 * broadcast) are in nn_view.c; item and slice assignment in nn_assign.c.
 * A buffer is one allocation: the NnBuffer header followed by the data,
 * aligned to 64 bytes for the SIMD kernels.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- dtypes ---- */

static const size_t dt_size[NN_NDTYPES] = {1, 1, 4, 8, 4, 8};
static const char *const dt_name[NN_NDTYPES] = {"bool", "uint8", "int32", "int64",
                                                "float32", "float64"};

size_t nn_dtype_size(NnDType dt) { return (unsigned)dt < NN_NDTYPES ? dt_size[dt] : 0; }
const char *nn_dtype_name(NnDType dt) { return (unsigned)dt < NN_NDTYPES ? dt_name[dt] : "?"; }

bool nn_dtype_from_name(const char *name, NnDType *out)
{
    static const struct { const char *s; NnDType dt; } tab[] = {
        {"bool", NN_BOOL}, {"bool_", NN_BOOL}, {"?", NN_BOOL}, {"b1", NN_BOOL},
        {"uint8", NN_U8}, {"u1", NN_U8}, {"|u1", NN_U8}, {"B", NN_U8},
        {"int32", NN_I32}, {"i4", NN_I32}, {"<i4", NN_I32}, {"intc", NN_I32},
        {"int64", NN_I64}, {"i8", NN_I64}, {"<i8", NN_I64}, {"int", NN_I64}, {"int_", NN_I64},
        {"long", NN_I64}, {"l", NN_I64},
        {"float32", NN_F32}, {"f4", NN_F32}, {"<f4", NN_F32}, {"single", NN_F32}, {"f", NN_F32},
        {"float64", NN_F64}, {"f8", NN_F64}, {"<f8", NN_F64}, {"float", NN_F64},
        {"double", NN_F64}, {"float_", NN_F64}, {"d", NN_F64},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(name, tab[i].s) == 0) {
            *out = tab[i].dt;
            return true;
        }
    return false;
}

/* numpy result_type for two array operands of these six dtypes */
NnDType nn_promote(NnDType a, NnDType b)
{
    if (a == b)
        return a;
    if (a > b) {
        NnDType t = a;
        a = b;
        b = t;
    }
    if (a == NN_BOOL)
        return b;
    if (b == NN_F32 && (a == NN_I32 || a == NN_I64))
        return NN_F64;
    return b;
}

/* ---- sizes ---- */

bool nn_shape_bytes(NnDType dt, int ndim, const int64_t *shape, size_t *bytes, double *bytes_d)
{
    uint64_t n = nn_dtype_size(dt);
    double d = (double)n;
    bool ok = true;
    for (int i = 0; i < ndim; i++) {
        uint64_t s = (uint64_t)shape[i];
        d *= (double)shape[i];
        if (s && n > UINT64_MAX / s)
            ok = false;
        else
            n *= s;
    }
    if (n > (uint64_t)SIZE_MAX / 2)
        ok = false;
    if (!ok)
        n = 0;
    if (bytes)
        *bytes = (size_t)n;
    if (bytes_d)
        *bytes_d = d;
    return ok || d == 0;
}

char *nn_shape_str(int ndim, const int64_t *shape, char *buf, size_t size)
{
    size_t len = 0;
    len += (size_t)snprintf(buf, size, "(");
    for (int i = 0; i < ndim && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? ", " : "",
                                (long long)shape[i]);
    if (len < size)
        snprintf(buf + len, size - len, ndim == 1 ? ",)" : ")");
    return buf;
}

/* ---- creation ---- */

static NnStatus check_shape(NnCtx *ctx, int ndim, const int64_t *shape)
{
    if (ndim < 0 || ndim > NN_MAXDIM)
        return nn_error(ctx, NN_EDIM, "a tensor has at most %d dimensions (got %d)", NN_MAXDIM, ndim);
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0)
            return nn_error(ctx, NN_EARG, "negative dimensions are not allowed");
    /* The product of the nonzero dimensions must fit in an int64 even when
     * another dimension is 0 (the strides are computed from it).  A product
     * that fits but whose bytes do not is a memory error, raised where the
     * bytes are computed, naming the size. */
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] > 1 && n > INT64_MAX / shape[i])
            return nn_error(ctx, NN_EARG, "array is too big; `arr.size * arr.dtype.itemsize` "
                            "is larger than the maximum possible size.");
        if (shape[i] > 0)
            n *= shape[i];
    }
    return NN_OK;
}

static NnBuffer *buffer_new(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape)
{
    size_t nbytes;
    double d;
    bool ok = nn_shape_bytes(dt, ndim, shape, &nbytes, &d);
    size_t hdr = sizeof(NnBuffer) + 64;
    char what[160], sh[120];
    if (!ok || nbytes > SIZE_MAX - hdr) {
        char sz[32];
        nn_format_bytes(d, sz, sizeof sz);
        nn_error(ctx, NN_ENOMEM, "cannot allocate %s for a tensor of shape %s and dtype %s", sz,
                 nn_shape_str(ndim, shape, sh, sizeof sh), nn_dtype_name(dt));
        return NULL;
    }
    snprintf(what, sizeof what, "a tensor of shape %s and dtype %s",
             nn_shape_str(ndim, shape, sh, sizeof sh), nn_dtype_name(dt));
    char *p = nn_alloc(ctx, hdr + nbytes, what);
    if (!p) {
        char sz[32];   /* name the tensor's bytes, not the header's */
        nn_format_bytes((double)nbytes, sz, sizeof sz);
        nn_error(ctx, NN_ENOMEM, "cannot allocate %s for %s", sz, what);
        return NULL;
    }
    NnBuffer *b = (NnBuffer *)p;
    uintptr_t data = ((uintptr_t)(p + sizeof(NnBuffer)) + 63) & ~(uintptr_t)63;
    b->refcount = 1;
    b->nbytes = nbytes;
    b->data = (void *)data;
    b->ctx = ctx;
    return b;
}

static void buffer_unref(NnBuffer *b)
{
    if (b && --b->refcount == 0)
        nn_free(b->ctx, b);
}

/* A tensor header over buf (retained by the caller's reference). */
static NnTensor *header_new(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, NnBuffer *buf)
{
    NnTensor *t = nn_alloc(ctx, sizeof *t, "a tensor header");
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->refcount = 1;
    t->dtype = dt;
    t->ndim = ndim;
    int64_t st = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        t->shape[i] = shape[i];
        t->strides[i] = st;
        st *= shape[i] ? shape[i] : 1;
    }
    t->buf = buf;
    t->ctx = ctx;
    return t;
}

NnTensor *nn_tensor_empty(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape)
{
    if ((unsigned)dt >= NN_NDTYPES) {
        nn_error(ctx, NN_EARG, "bad dtype %d", (int)dt);
        return NULL;
    }
    if (check_shape(ctx, ndim, shape))
        return NULL;
    NnBuffer *b = buffer_new(ctx, dt, ndim, shape);
    if (!b)
        return NULL;
    NnTensor *t = header_new(ctx, dt, ndim, shape, b);
    if (!t)
        buffer_unref(b);
    return t;
}

NnTensor *nn_tensor_alloc_like_shape(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape)
{
    return nn_tensor_empty(ctx, dt, ndim, shape);
}

NnTensor *nn_tensor_new(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (t)
        memset(t->buf->data, 0, t->buf->nbytes);
    return t;
}

NnTensor *nn_tensor_from_data(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape,
                              const void *data)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (t && t->buf->nbytes)
        memcpy(t->buf->data, data, t->buf->nbytes);
    return t;
}

NnTensor *nn_tensor_scalar(NnCtx *ctx, NnDType dt, double v)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, 0, NULL);
    if (t)
        nn_store_f64(t->buf->data, dt, v);
    return t;
}

NnTensor *nn_tensor_scalar_i64(NnCtx *ctx, NnDType dt, int64_t v)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, 0, NULL);
    if (t)
        nn_store_i64(t->buf->data, dt, v);
    return t;
}

NnTensor *nn_tensor_full(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, double v)
{
    NnTensor *t = nn_tensor_empty(ctx, dt, ndim, shape);
    if (!t)
        return NULL;
    int64_t n = nn_tensor_numel(t);
    size_t es = nn_dtype_size(dt);
    char *p = t->buf->data;
    if (n > 0) {
        nn_store_f64(p, dt, v);
        for (int64_t i = 1; i < n; i++)
            memcpy(p + (size_t)i * es, p, es);
    }
    return t;
}

NnTensor *nn_tensor_ref(NnTensor *t)
{
    if (t)
        t->refcount++;
    return t;
}

void nn_tensor_unref(NnTensor *t)
{
    if (!t)
        return;
    if (t->refcount <= 0) {
        nn_error(t->ctx, NN_EARG, "internal: tensor unref below zero");
        return;
    }
    if (--t->refcount > 0)
        return;
    buffer_unref(t->buf);
    nn_free(t->ctx, t);
}

/* A new header sharing t's buffer (the view functions fill the layout). */
NnTensor *nn_tensor_view_of(NnCtx *ctx, const NnTensor *t)
{
    NnTensor *v = nn_alloc(ctx, sizeof *v, "a tensor header");
    if (!v)
        return NULL;
    *v = *t;
    v->refcount = 1;
    v->node = NULL;
    v->requires_grad = false;
    v->ctx = ctx;
    v->buf->refcount++;
    return v;
}

/* ---- inspection ---- */

int64_t nn_tensor_numel(const NnTensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->shape[i];
    return n;
}

bool nn_tensor_is_contiguous(const NnTensor *t)
{
    int64_t st = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] != 1 && t->strides[i] != st)
            return false;
        st *= t->shape[i];
    }
    return true;
}

void *nn_tensor_data(const NnTensor *t)
{
    return (char *)t->buf->data + t->offset * (int64_t)nn_dtype_size(t->dtype);
}

bool nn_shape_equal(const NnTensor *a, const NnTensor *b)
{
    if (a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

/* ---- element access ---- */

static char *elem_ptr(const NnTensor *t, int64_t flat)
{
    int64_t off = t->offset;
    for (int d = t->ndim - 1; d >= 0; d--) {
        int64_t s = t->shape[d];
        off += (flat % s) * t->strides[d];
        flat /= s;
    }
    return (char *)t->buf->data + off * (int64_t)nn_dtype_size(t->dtype);
}

/* float -> int as numpy on x86: truncation, out of range and NaN give INT_MIN */
static int64_t f2i(double v)
{
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)v;
}

double nn_load_f64(const void *p, NnDType dt)
{
    switch (dt) {
    case NN_BOOL: return *(const bool *)p;
    case NN_U8: return *(const uint8_t *)p;
    case NN_I32: return *(const int32_t *)p;
    case NN_I64: return (double)*(const int64_t *)p;
    case NN_F32: return *(const float *)p;
    case NN_F64: return *(const double *)p;
    default: return 0;
    }
}

int64_t nn_load_i64(const void *p, NnDType dt)
{
    switch (dt) {
    case NN_BOOL: return *(const bool *)p;
    case NN_U8: return *(const uint8_t *)p;
    case NN_I32: return *(const int32_t *)p;
    case NN_I64: return *(const int64_t *)p;
    case NN_F32: return f2i(*(const float *)p);
    case NN_F64: return f2i(*(const double *)p);
    default: return 0;
    }
}

void nn_store_f64(void *p, NnDType dt, double v)
{
    switch (dt) {
    case NN_BOOL: *(bool *)p = v != 0; break;
    case NN_U8: *(uint8_t *)p = (uint8_t)f2i(v); break;
    case NN_I32: *(int32_t *)p = (v >= -2147483648.0 && v < 2147483648.0) ? (int32_t)v : INT32_MIN; break;
    case NN_I64: *(int64_t *)p = f2i(v); break;
    case NN_F32: *(float *)p = (float)v; break;
    case NN_F64: *(double *)p = v; break;
    default: break;
    }
}

void nn_store_i64(void *p, NnDType dt, int64_t v)
{
    switch (dt) {
    case NN_BOOL: *(bool *)p = v != 0; break;
    case NN_U8: *(uint8_t *)p = (uint8_t)v; break;
    case NN_I32: *(int32_t *)p = (int32_t)(uint32_t)v; break;
    case NN_I64: *(int64_t *)p = v; break;
    case NN_F32: *(float *)p = (float)v; break;
    case NN_F64: *(double *)p = (double)v; break;
    default: break;
    }
}

double nn_tensor_get_f64(const NnTensor *t, int64_t flat) { return nn_load_f64(elem_ptr(t, flat), t->dtype); }
int64_t nn_tensor_get_i64(const NnTensor *t, int64_t flat) { return nn_load_i64(elem_ptr(t, flat), t->dtype); }
void nn_tensor_set_f64(NnTensor *t, int64_t flat, double v) { nn_store_f64(elem_ptr(t, flat), t->dtype, v); }
void nn_tensor_set_i64(NnTensor *t, int64_t flat, int64_t v) { nn_store_i64(elem_ptr(t, flat), t->dtype, v); }

/* ---- iteration ---- */

void nn_broadcast_strides(const NnTensor *t, int ndim, const int64_t *shape, int64_t *out)
{
    (void)shape;
    int lead = ndim - t->ndim;
    for (int i = 0; i < ndim; i++) {
        int j = i - lead;
        out[i] = (j < 0 || t->shape[j] == 1) ? 0 : t->strides[j];
    }
}

void nn_iter_init(NnIter *it, int ndim, const int64_t *shape, int nop, const int64_t *const *strides)
{
    it->nop = nop;
    it->ndim = 0;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] == 1)
            continue;   /* size-1 dims never move */
        int k = it->ndim;
        bool merge = k > 0;
        for (int o = 0; o < nop && merge; o++)
            merge = strides[o][d] * shape[d] == it->strides[o][k - 1];
        if (merge) {
            it->shape[k - 1] *= shape[d];
            for (int o = 0; o < nop; o++)
                it->strides[o][k - 1] = strides[o][d];
            continue;
        }
        it->shape[k] = shape[d];
        for (int o = 0; o < nop; o++)
            it->strides[o][k] = strides[o][d];
        it->ndim++;
    }
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0) {   /* empty: one dim of size 0 */
            it->ndim = 1;
            it->shape[0] = 0;
            for (int o = 0; o < nop; o++)
                it->strides[o][0] = 0;
            break;
        }
}

void nn_iter_run(const NnIter *it, int64_t lo, int64_t hi, NnRunFn fn, void *arg)
{
    int nd = it->ndim, nop = it->nop;
    int64_t off[NN_ITER_MAXOP] = {0}, step[NN_ITER_MAXOP] = {0}, idx[NN_MAXDIM];
    if (hi <= lo)
        return;
    if (nd == 0) {
        fn(arg, 1, off, step);
        return;
    }
    int64_t rem = lo;
    for (int d = nd - 1; d >= 0; d--) {
        idx[d] = rem % it->shape[d];
        rem /= it->shape[d];
        for (int o = 0; o < nop; o++)
            off[o] += idx[d] * it->strides[o][d];
    }
    for (int o = 0; o < nop; o++)
        step[o] = it->strides[o][nd - 1];
    int64_t pos = lo, inner = it->shape[nd - 1];
    while (pos < hi) {
        int64_t n = inner - idx[nd - 1];
        if (n > hi - pos)
            n = hi - pos;
        fn(arg, n, off, step);
        pos += n;
        if (pos >= hi)
            break;
        /* advance to the start of the next row */
        for (int o = 0; o < nop; o++)
            off[o] += (n - 1) * step[o];
        idx[nd - 1] += n - 1;
        for (int d = nd - 1; d >= 0; d--) {
            if (++idx[d] < it->shape[d]) {
                for (int o = 0; o < nop; o++)
                    off[o] += it->strides[o][d];
                break;
            }
            for (int o = 0; o < nop; o++)
                off[o] -= (it->shape[d] - 1) * it->strides[o][d];
            idx[d] = 0;
        }
    }
}

/* ---- casting copies ---- */

#define CONV_LOOP(DT, ST, EXPR)                                                      \
    do {                                                                             \
        DT *d_ = dst;                                                                \
        const ST *s_ = src;                                                          \
        if (ds == 1 && ss == 1)                                                      \
            for (int64_t i = 0; i < n; i++) { ST x = s_[i]; d_[i] = (DT)(EXPR); }    \
        else                                                                         \
            for (int64_t i = 0; i < n; i++) { ST x = s_[i * ss]; d_[i * ds] = (DT)(EXPR); } \
    } while (0)

#define CONV_FROM(DT, FEXPR)                                              \
    switch (sd) {                                                         \
    case NN_BOOL: CONV_LOOP(DT, bool, x); break;                          \
    case NN_U8: CONV_LOOP(DT, uint8_t, x); break;                         \
    case NN_I32: CONV_LOOP(DT, int32_t, x); break;                        \
    case NN_I64: CONV_LOOP(DT, int64_t, x); break;                        \
    case NN_F32: CONV_LOOP(DT, float, FEXPR); break;                      \
    case NN_F64: CONV_LOOP(DT, double, FEXPR); break;                     \
    default: break;                                                       \
    }

/* n elements from src (dtype sd, stride ss) to dst (dtype dd, stride ds),
 * with numpy's casting: floats truncate toward zero, bool is != 0. */
void nn_convert_run(void *dst, NnDType dd, int64_t ds, const void *src, NnDType sd, int64_t ss,
                    int64_t n)
{
    if (dd == sd) {
        size_t es = dt_size[dd];
        if (ds == 1 && ss == 1) {
            memmove(dst, src, (size_t)n * es);
            return;
        }
        switch (es) {
        case 1: CONV_LOOP(uint8_t, uint8_t, x); return;
        case 4: CONV_LOOP(uint32_t, uint32_t, x); return;
        default: CONV_LOOP(uint64_t, uint64_t, x); return;
        }
    }
    switch (dd) {
    case NN_BOOL: CONV_FROM(bool, x != 0); break;
    case NN_U8: CONV_FROM(uint8_t, (uint8_t)f2i(x)); break;
    case NN_I32: CONV_FROM(int32_t, (x >= -2147483648.0 && x < 2147483648.0) ? (int32_t)x : INT32_MIN); break;
    case NN_I64: CONV_FROM(int64_t, f2i(x)); break;
    case NN_F32: CONV_FROM(float, x); break;
    case NN_F64: CONV_FROM(double, x); break;
    default: break;
    }
}

typedef struct {
    char *d, *s;
    NnDType dd, sd;
    size_t des, ses;
    NnIter it;
} CopyJob;

static void copy_run(void *arg, int64_t n, const int64_t *off, const int64_t *step)
{
    CopyJob *j = arg;
    nn_convert_run(j->d + off[0] * (int64_t)j->des, j->dd, step[0],
                   j->s + off[1] * (int64_t)j->ses, j->sd, step[1], n);
}

static void copy_task(void *arg, int64_t lo, int64_t hi)
{
    CopyJob *j = arg;
    nn_iter_run(&j->it, lo, hi, copy_run, j);
}

/* dst (any layout) = src broadcast to dst's shape, cast to dst's dtype.
 * Buffers must not overlap (nn_tensor_assign handles overlap). */
void nn_copy_into(NnCtx *ctx, NnTensor *dst, const NnTensor *src)
{
    CopyJob j;
    int64_t sstr[NN_MAXDIM];
    nn_broadcast_strides(src, dst->ndim, dst->shape, sstr);
    const int64_t *strides[2] = {dst->strides, sstr};
    nn_iter_init(&j.it, dst->ndim, dst->shape, 2, strides);
    j.d = (char *)dst->buf->data + dst->offset * (int64_t)dt_size[dst->dtype];
    j.s = (char *)src->buf->data + src->offset * (int64_t)dt_size[src->dtype];
    j.dd = dst->dtype;
    j.sd = src->dtype;
    j.des = dt_size[dst->dtype];
    j.ses = dt_size[src->dtype];
    nn_parallel_for(ctx, nn_tensor_numel(dst), 1 << 17, copy_task, &j);
}

NnTensor *nn_tensor_cast(NnCtx *ctx, const NnTensor *t, NnDType dt)
{
    NnTensor *r = nn_tensor_empty(ctx, dt, t->ndim, t->shape);
    if (r)
        nn_copy_into(ctx, r, t);
    return r;
}

NnTensor *nn_tensor_copy(NnCtx *ctx, const NnTensor *t)
{
    return nn_tensor_cast(ctx, t, t->dtype);
}

NnTensor *nn_tensor_contiguous(NnCtx *ctx, NnTensor *t)
{
    if (nn_tensor_is_contiguous(t))
        return nn_tensor_ref(t);
    return nn_tensor_copy(ctx, t);
}

NnTensor *nn_as_dtype(NnCtx *ctx, const NnTensor *t, NnDType dt)
{
    if (t->dtype == dt)
        return nn_tensor_ref((NnTensor *)t);
    return nn_tensor_cast(ctx, t, dt);
}

NnStatus nn_norm_axis(NnCtx *ctx, int axis, int ndim, int *out)
{
    if (axis < -ndim || axis >= ndim)
        return nn_error(ctx, NN_EARG, "axis %d is out of bounds for array of dimension %d", axis, ndim);
    *out = axis < 0 ? axis + ndim : axis;
    return NN_OK;
}
