/* mod_np_gen.c - numpy.random.default_rng(): the Generator object, with its
 * own PCG64 stream seeded through SeedSequence (lib/nn_pcg64.c), so that
 * default_rng(42) then random, standard_normal, normal, integers, uniform,
 * choice, permutation, shuffle, exponential, gamma, beta, poisson, binomial,
 * lognormal and laplace draw numpy 1.24's numbers exactly, with scalar
 * parameters or array ones (broadcast as numpy does, one draw per element).
 *
 * Owned by the tensor-language part (see mod_np.h).  The samplers beyond the
 * uniform ones are mod_np_rng.c's, run over this PCG64.  integers() of uint8
 * or bool dtype (numpy's buffered 8-bit draws) still calls the legacy randint
 * on the session generator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "mod_np.h"

#define CTX interp_nn(I)

typedef struct {
    NnPcg64 g;
} GenObj;

static bool gen_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "Generator(PCG64) at 0x%llX", (unsigned long long)(uintptr_t)self.as.o);
    return true;
}

static NnPcg64 *gen_of(Value self);

/* ---- shapes and results ---- */

typedef enum { G_DOUBLE, G_FLOAT, G_NORMAL } GenKind;

/* loc + scale * draw over the shape (numpy's cont() with scalar parameters). */
static NnTensor *gen_fill(Interp *I, NnPcg64 *g, GenKind k, int nd, const int64_t *shape,
                          double loc, double scale)
{
    NnTensor *t = nn_tensor_new(CTX, k == G_FLOAT ? NN_F32 : NN_F64, nd, shape);
    for (int64_t i = 0; t && i < nn_tensor_numel(t); i++) {
        double x;
        if (k == G_FLOAT)
            x = (float)(nn_pcg64_next32(g) >> 8) * (1.0f / 16777216.0f);
        else
            x = k == G_NORMAL ? nn_pcg64_normal(g) : nn_pcg64_double(g);
        nn_tensor_set_f64(t, i, loc + scale * x);
    }
    return t;
}

/* A float64 / float32 dtype= argument (others are a TypeError as numpy's). */
static bool float_dtype(Interp *I, const char *fname, Value v, bool allow32, bool *f32)
{
    int dt;
    *f32 = false;
    if (!tensor_dtype_arg(I, v, &dt))
        return false;
    if (dt < 0 || dt == NN_F64)
        return true;
    if (dt == NN_F32 && allow32)
        return *f32 = true;
    return interp_error(I, ERR_TYPE, dt == NN_F32 ? "nnsh's Generator.%s draws float64 only"
                        : "Unsupported dtype for %s", fname);
}

static bool g_random(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int nd;
    int64_t shape[NN_MAXDIM];
    bool scalar, f32;
    if (!args_parse(I, "random", a, "size=, dtype=, out=", v) ||
        !np_size_arg(I, "random", v[0], &nd, shape, &scalar) || !float_dtype(I, "random", v[1], true, &f32))
        return false;
    return np_draw_result(I, gen_fill(I, gen_of(self), f32 ? G_FLOAT : G_DOUBLE, nd, shape, 0, 1), scalar, out);
}

static bool g_standard_normal(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int nd;
    int64_t shape[NN_MAXDIM];
    bool scalar, f32;
    if (!args_parse(I, "standard_normal", a, "size=, dtype=, out=", v) ||
        !np_size_arg(I, "standard_normal", v[0], &nd, shape, &scalar) ||
        !float_dtype(I, "standard_normal", v[1], false, &f32))
        return false;
    return np_draw_result(I, gen_fill(I, gen_of(self), G_NORMAL, nd, shape, 0, 1), scalar, out);
}

/* ---- array parameters ----
 * numpy broadcasts the parameters (lists, tuples, arrays of at least one
 * dimension) and draws one value per output element in C order, each with
 * that element's parameters, from the same stream as the scalar draws.  The
 * checks run over the whole arrays before any draw, with numpy's array
 * wording, and the shape errors name numpy's iterator operands by position. */

typedef enum { C_NONE, C_NONNEG, C_POS, C_01, C_POISSON } Cons;

/* One operand of numpy's broadcast iterator: a shape. */
typedef struct {
    int nd;
    const int64_t *shape;
} Opnd;

/* The parameters of one draw: float64 (int64 for integers()) tensors as
 * given, then views of them broadcast to the draw's shape. */
typedef struct {
    int n;
    NnTensor *p[2], *view[2];
    int nd;
    int64_t shape[NN_MAXDIM];
} Params;

static bool array_like(Value v)
{
    NnTensor *t = tensor_value_get(v);
    return val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE) || (t && t->ndim > 0);
}

static bool any_array(const Value *v, int n)
{
    for (int i = 0; i < n; i++)
        if (np_given(v[i]) && array_like(v[i]))
            return true;
    return false;
}

static void params_free(Params *ps)
{
    for (int i = 0; i < 2; i++) {
        nn_tensor_unref(ps->p[i]);
        nn_tensor_unref(ps->view[i]);
    }
}

/* Parameter i: the value given, else a 0-d array of the default. */
static bool param_get(Interp *I, Params *ps, int i, Value v, int dt, double dflt)
{
    if (np_given(v))
        return tensor_from_value(I, v, dt, TENSOR_NP, &ps->p[i]);
    int64_t one = 1;
    if (!(ps->p[i] = nn_tensor_new(CTX, (NnDType)dt, 0, &one)))
        return interp_error_from_nn(I);
    nn_tensor_set_f64(ps->p[i], 0, dflt);
    return true;
}

/* A shape as Python prints a tuple: (), (2,), (3, 2). */
static void shape_repr(StrBuf *sb, int nd, const int64_t *s)
{
    sb_putc(sb, '(');
    for (int i = 0; i < nd; i++)
        sb_printf(sb, i ? ", %lld" : "%lld", (long long)s[i]);
    sb_puts(sb, nd == 1 ? ",)" : ")");
}

static bool shape_error(Interp *I, ErrKind kind, StrBuf *sb)
{
    bool r = interp_error(I, kind, "%s", sb->oom || !sb->data ? "shape mismatch" : sb->data);
    sb_free(sb);
    return r;
}

/* numpy's broadcast of n operands (PyArray_Broadcast), its error naming
 * the operand that set the dimension and the one that disagrees. */
static bool multi_shape(Interp *I, const Opnd *o, int n, int *nd, int64_t *out)
{
    int m = 0;
    for (int j = 0; j < n; j++)
        m = o[j].nd > m ? o[j].nd : m;
    for (int i = 0; i < m; i++) {
        int src = 0;
        out[i] = 1;
        for (int j = 0; j < n; j++) {
            int k = i + o[j].nd - m;
            if (k < 0 || o[j].shape[k] == 1)
                continue;
            if (out[i] == 1) {
                out[i] = o[j].shape[k];
                src = j;
            } else if (out[i] != o[j].shape[k]) {
                StrBuf sb = {0};
                sb_printf(&sb, "shape mismatch: objects cannot be broadcast to a single shape.  "
                          "Mismatch is between arg %d with shape ", src);
                shape_repr(&sb, o[src].nd, o[src].shape);
                sb_printf(&sb, " and arg %d with shape ", j);
                shape_repr(&sb, o[j].nd, o[j].shape);
                sb_putc(&sb, '.');
                return shape_error(I, ERR_VALUE, &sb);
            }
        }
    }
    *nd = m;
    return true;
}

/* A ufunc's broadcast error over two arrays (uniform's high - low,
 * integers' low >= high): "operands could not be broadcast together with
 * shapes (3,) (2,) ". */
static bool ufunc_shape(Interp *I, const NnTensor *a, const NnTensor *b)
{
    int nd;
    int64_t s[NN_MAXDIM];
    Opnd o[2] = {{a->ndim, a->shape}, {b->ndim, b->shape}};
    if (multi_shape(I, o, 2, &nd, s))
        return true;
    interp_clear_error(I);
    StrBuf sb = {0};
    sb_puts(&sb, "operands could not be broadcast together with shapes ");
    shape_repr(&sb, a->ndim, a->shape);
    sb_putc(&sb, ' ');
    shape_repr(&sb, b->ndim, b->shape);
    sb_putc(&sb, ' ');
    return shape_error(I, ERR_VALUE, &sb);
}

/* numpy's check_array_constraint over every element. */
static bool param_check(Interp *I, const NnTensor *t, const char *name, Cons c)
{
    bool big = false, neg = false;
    for (int64_t i = 0; c != C_NONE && i < nn_tensor_numel(t); i++) {
        double x = nn_tensor_get_f64(t, i);
        if (c == C_NONNEG && !np_param_nonneg(x))
            return interp_error(I, ERR_VALUE, "%s < 0", name);
        if (c == C_POS && !np_param_positive(x))
            return interp_error(I, ERR_VALUE, "%s <= 0", name);
        if (c == C_01 && !(x >= 0 && x <= 1))
            return interp_error(I, ERR_VALUE, "%s < 0, %s > 1 or %s contains NaNs", name, name, name);
        big |= !(x <= 9.223372006484771e18);
        neg |= !(x >= 0);
    }
    if (c == C_POISSON && (big || neg))
        return interp_error(I, ERR_VALUE, big ? "%s value too large" : "%s < 0 or %s contains NaNs", name, name);
    return true;
}

/* The draw's shape: the parameters' broadcast, or size= when given (the
 * output array is numpy's operand out_at, first or last; check_out: it
 * must be the broadcast's whole shape, cont()'s "Output size" test), and
 * views of the parameters over the broadcast shape. */
static bool draw_shape(Interp *I, Params *ps, bool sized, int out_at, bool check_out)
{
    Opnd o[3];
    int k = 0, nd;
    int64_t b[NN_MAXDIM];
    if (sized && out_at == 0)
        o[k++] = (Opnd){ps->nd, ps->shape};
    for (int i = 0; i < ps->n; i++)
        o[k++] = (Opnd){ps->p[i]->ndim, ps->p[i]->shape};
    if (sized && out_at > 0)
        o[k++] = (Opnd){ps->nd, ps->shape};
    if (!multi_shape(I, o, k, &nd, b))
        return false;
    if (sized && check_out && (nd != ps->nd || memcmp(b, ps->shape, sizeof *b * (size_t)nd))) {
        StrBuf sb = {0};
        sb_puts(&sb, "Output size ");
        shape_repr(&sb, ps->nd, ps->shape);
        sb_puts(&sb, " is not compatible with broadcast dimensions of inputs ");
        Opnd *in = o + (out_at == 0);
        int bnd;
        int64_t bs[NN_MAXDIM];
        multi_shape(I, in, ps->n, &bnd, bs);
        shape_repr(&sb, bnd, bs);
        sb_putc(&sb, '.');
        return shape_error(I, ERR_VALUE, &sb);
    }
    if (!sized) {
        ps->nd = nd;
        memcpy(ps->shape, b, sizeof *b * (size_t)nd);
    }
    for (int i = 0; i < ps->n; i++)
        if (!(ps->view[i] = nn_tensor_broadcast_to(CTX, ps->p[i], nd, b)))
            return interp_error_from_nn(I);
    return true;
}

/* high - low over their broadcast (uniform's range), replacing high. */
static bool uniform_range(Interp *I, Params *ps)
{
    NnTensor *lo = ps->p[0], *hi = ps->p[1];
    int nd;
    int64_t s[NN_MAXDIM];
    Opnd o[2] = {{lo->ndim, lo->shape}, {hi->ndim, hi->shape}};
    if (!ufunc_shape(I, hi, lo) || !multi_shape(I, o, 2, &nd, s))
        return false;
    NnTensor *r = nn_tensor_new(CTX, NN_F64, nd, s);
    NnTensor *lv = r ? nn_tensor_broadcast_to(CTX, lo, nd, s) : NULL;
    NnTensor *hv = lv ? nn_tensor_broadcast_to(CTX, hi, nd, s) : NULL;
    bool ok = hv || interp_error_from_nn(I), finite = true;
    for (int64_t i = 0; ok && i < nn_tensor_numel(r); i++) {
        double x = nn_tensor_get_f64(hv, i) - nn_tensor_get_f64(lv, i);
        finite &= isfinite(x) != 0;
        nn_tensor_set_f64(r, i, x);
    }
    nn_tensor_unref(lv);
    nn_tensor_unref(hv);
    nn_tensor_unref(hi);
    ps->p[1] = r;
    if (ok && !finite)
        return interp_error(I, ERR_OVERFLOW, "Range exceeds valid bounds");
    return ok && param_check(I, r, "high - low", C_NONNEG);
}

/* normal(loc, scale) or uniform(low, high) with an array parameter:
 * loc + scale * draw (uniform: low + (high - low) * draw) per element. */
static bool two_arrays(Interp *I, NnPcg64 *g, bool normal, const Value *v, Value *out)
{
    const char *fname = normal ? "normal" : "uniform";
    Params ps = {.n = 2};
    bool scalar, ok = false;
    NnTensor *t = NULL;
    if (!np_size_arg(I, fname, v[2], &ps.nd, ps.shape, &scalar) ||
        !param_get(I, &ps, 0, v[0], NN_F64, 0) || !param_get(I, &ps, 1, v[1], NN_F64, 1) ||
        !(normal ? param_check(I, ps.p[1], "scale", C_NONNEG) : uniform_range(I, &ps)) ||
        !draw_shape(I, &ps, !scalar, 0, true))
        goto done;
    if (!(t = nn_tensor_new(CTX, NN_F64, ps.nd, ps.shape))) {
        interp_error_from_nn(I);
        goto done;
    }
    for (int64_t i = 0; i < nn_tensor_numel(t); i++) {
        double x = normal ? nn_pcg64_normal(g) : nn_pcg64_double(g);
        nn_tensor_set_f64(t, i, nn_tensor_get_f64(ps.view[0], i) + nn_tensor_get_f64(ps.view[1], i) * x);
    }
    ok = tensor_value_new(I, t, TENSOR_NP, out);
done:
    params_free(&ps);
    return ok;
}

/* numpy's low >= high (low > high with endpoint) over low and high's broadcast. */
static bool ints_ordered(Interp *I, const Params *ps, bool endpoint)
{
    Params q = {.n = 2, .p = {ps->p[0], ps->p[1]}};
    bool ok = draw_shape(I, &q, false, 0, false);
    for (int64_t i = 0; ok && i < nn_tensor_numel(q.view[0]); i++) {
        int64_t lo = nn_tensor_get_i64(q.view[0], i), hi = nn_tensor_get_i64(q.view[1], i);
        if (endpoint ? lo > hi : lo >= hi)
            ok = interp_error(I, ERR_VALUE, endpoint ? "low > high" : "low >= high");
    }
    nn_tensor_unref(q.view[0]);
    nn_tensor_unref(q.view[1]);
    return ok;
}

/* integers() with an array low or high: numpy's _rand_int64_broadcast
 * (its checks, then one bounded draw per element of size's array, the
 * parameters taken in the order of their broadcast with it). */
static bool ints_arrays(Interp *I, NnPcg64 *g, const Value *v, NnDType dt, bool endpoint, Value *out)
{
    Params ps = {.n = 2};
    bool scalar, ok = false, i32 = dt == NN_I32;
    NnTensor *t = NULL;
    int at = np_given(v[1]) ? 0 : 1;   /* integers(high): low is 0 */
    if (!np_size_arg(I, "integers", v[2], &ps.nd, ps.shape, &scalar) ||
        !param_get(I, &ps, at, v[0], NN_I64, 0) || !param_get(I, &ps, 1 - at, v[1], NN_I64, 0))
        goto done;
    for (int64_t i = 0; i32 && i < nn_tensor_numel(ps.p[0]); i++)
        if (nn_tensor_get_i64(ps.p[0], i) < INT32_MIN) {
            interp_error(I, ERR_VALUE, "low is out of bounds for int32");
            goto done;
        }
    for (int64_t i = 0; i32 && i < nn_tensor_numel(ps.p[1]); i++)
        if (nn_tensor_get_i64(ps.p[1], i) - !endpoint > INT32_MAX) {
            interp_error(I, ERR_VALUE, "high is out of bounds for int32");
            goto done;
        }
    if (!ufunc_shape(I, ps.p[0], ps.p[1]) || !ints_ordered(I, &ps, endpoint) ||
        !draw_shape(I, &ps, !scalar, 2, false))
        goto done;
    if (!(t = nn_tensor_new(CTX, dt, ps.nd, ps.shape))) {
        interp_error_from_nn(I);
        goto done;
    }
    for (int64_t i = 0; i < nn_tensor_numel(t); i++) {
        int64_t lo = nn_tensor_get_i64(ps.view[0], i), hi = nn_tensor_get_i64(ps.view[1], i);
        uint64_t rng = (uint64_t)hi - (uint64_t)lo - (endpoint ? 0 : 1);
        nn_tensor_set_i64(t, i, (int64_t)((uint64_t)lo + nn_pcg64_bounded(g, rng)));
    }
    ok = tensor_value_new(I, t, TENSOR_NP, out);
done:
    params_free(&ps);
    return ok;
}

/* The Generator samplers of mod_np_rng.c: their parameters, numpy's
 * constraints on them, and which come first in numpy's iterator (binomial
 * iterates p before n). */
static const struct {
    const char *name, *spec, *pname[2];
    int n;
    Cons cons[2];
    double dflt[2];
    bool ints, swap;   /* int64 draws; binomial's order (and its int64 n) */
} gen_dists[] = {
    {"exponential", "scale=, size=", {"scale"}, 1, {C_NONNEG}, {1.0}, false, false},
    {"gamma", "shape, scale=, size=", {"shape", "scale"}, 2, {C_NONNEG, C_NONNEG}, {0, 1.0}, false, false},
    {"standard_gamma", "shape, size=", {"shape"}, 1, {C_NONNEG}, {0}, false, false},
    {"beta", "a, b, size=", {"a", "b"}, 2, {C_POS, C_POS}, {0, 0}, false, false},
    {"poisson", "lam=, size=", {"lam"}, 1, {C_POISSON}, {1.0}, true, false},
    {"binomial", "n, p, size=", {"p", "n"}, 2, {C_01, C_NONNEG}, {0, 0}, true, true},
    {"lognormal", "mean=, sigma=, size=", {"mean", "sigma"}, 2, {C_NONE, C_NONNEG}, {0, 1.0}, false, false},
    {"laplace", "loc=, scale=, size=", {"loc", "scale"}, 2, {C_NONE, C_NONNEG}, {0, 1.0}, false, false},
};

/* One draw of sampler d with the parameters of element i (np_dist_pcg's
 * scalar call, so the algorithm and the stream are the scalar case's). */
static bool dist_one(Interp *I, NnPcg64 *g, int d, const Params *ps, int64_t i, Value *out)
{
    Value pos[2];
    for (int k = 0; k < ps->n; k++) {
        int at = gen_dists[d].swap ? ps->n - 1 - k : k;   /* back to the call's order */
        double x = nn_tensor_get_f64(ps->view[k], i);
        pos[at] = gen_dists[d].swap && at == 0 ? val_int((int64_t)x) : val_float(x);
    }
    Args a = {.npos = ps->n, .pos = pos};
    return np_dist_pcg(I, gen_dists[d].name, &a, g, out);
}

/* Sampler d with an array parameter (v: its parsed arguments). */
static bool dist_arrays(Interp *I, NnPcg64 *g, int d, const Value *v, Value *out)
{
    Params ps = {.n = gen_dists[d].n};
    bool scalar, ok = false;
    NnTensor *t = NULL;
    if (!np_size_arg(I, gen_dists[d].name, v[ps.n], &ps.nd, ps.shape, &scalar))
        goto done;
    for (int k = 0; k < ps.n; k++) {
        int at = gen_dists[d].swap ? ps.n - 1 - k : k;
        if (!param_get(I, &ps, k, v[at], gen_dists[d].swap && at == 0 ? NN_I64 : NN_F64, gen_dists[d].dflt[at]))
            goto done;
    }
    for (int k = 0; k < ps.n; k++)
        if (!param_check(I, ps.p[k], gen_dists[d].pname[k], gen_dists[d].cons[k]))
            goto done;
    if (!draw_shape(I, &ps, !scalar, 0, true))
        goto done;
    if (!(t = nn_tensor_new(CTX, gen_dists[d].ints ? NN_I64 : NN_F64, ps.nd, ps.shape))) {
        interp_error_from_nn(I);
        goto done;
    }
    for (int64_t i = 0; i < nn_tensor_numel(t); i++) {
        Value x;
        if (!dist_one(I, g, d, &ps, i, &x))
            goto done;
        if (x.kind == VAL_INT)
            nn_tensor_set_i64(t, i, x.as.i);
        else
            nn_tensor_set_f64(t, i, x.as.f);
    }
    ok = tensor_value_new(I, t, TENSOR_NP, out);
    t = NULL;
done:
    nn_tensor_unref(t);
    params_free(&ps);
    return ok;
}

/* Generator.NAME of mod_np_rng.c's samplers: scalar parameters there,
 * array ones broadcast here. */
static bool gen_dist(Interp *I, Value self, const Args *a, const char *name, Value *out)
{
    Value v[3];
    for (int d = 0; d < (int)(sizeof gen_dists / sizeof gen_dists[0]); d++) {
        if (strcmp(gen_dists[d].name, name))
            continue;
        if (!args_parse(I, name, a, gen_dists[d].spec, v))
            return false;
        if (any_array(v, gen_dists[d].n))
            return dist_arrays(I, gen_of(self), d, v, out);
        break;
    }
    return np_dist_pcg(I, name, a, gen_of(self), out);
}

/* normal(loc, scale, size) and uniform(low, high, size). */
static bool g_two(Interp *I, Value self, const Args *a, bool normal, Value *out)
{
    Value v[3];
    int nd;
    int64_t shape[NN_MAXDIM];
    bool scalar;
    double p0 = 0, p1 = 1;
    const char *fname = normal ? "normal" : "uniform";
    if (!args_parse(I, fname, a, normal ? "loc=, scale=, size=" : "low=, high=, size=", v))
        return false;
    if (any_array(v, 2))
        return two_arrays(I, gen_of(self), normal, v, out);
    if ((np_given(v[0]) && !arg_float(I, fname, normal ? "loc" : "low", v[0], &p0)) ||
        (np_given(v[1]) && !arg_float(I, fname, normal ? "scale" : "high", v[1], &p1)) ||
        !np_size_arg(I, fname, v[2], &nd, shape, &scalar))
        return false;
    if (normal && !np_param_nonneg(p1))
        return interp_error(I, ERR_VALUE, "scale < 0");
    if (!normal && !isfinite(p1 - p0))
        return interp_error(I, ERR_OVERFLOW, "high - low range exceeds valid bounds");
    double scale = normal ? p1 : p1 - p0;
    return np_draw_result(I, gen_fill(I, gen_of(self), normal ? G_NORMAL : G_DOUBLE, nd, shape, p0, scale),
                      scalar, out);
}

static bool g_normal(Interp *I, Value self, const Args *a, Value *out)
{
    return g_two(I, self, a, true, out);
}

static bool g_uniform(Interp *I, Value self, const Args *a, Value *out)
{
    return g_two(I, self, a, false, out);
}

/* ---- integers ---- */

/* lo + [0, rng] per element, numpy's random_bounded_uint64_fill (Lemire). */
static NnTensor *gen_ints(Interp *I, NnPcg64 *g, NnDType dt, int nd, const int64_t *shape,
                          int64_t lo, uint64_t rng)
{
    NnTensor *t = nn_tensor_new(CTX, dt, nd, shape);
    for (int64_t i = 0; t && i < nn_tensor_numel(t); i++)
        nn_tensor_set_i64(t, i, (int64_t)((uint64_t)lo + nn_pcg64_bounded(g, rng)));
    return t;
}

/* integers(low, high=None, size=None, dtype=np.int64, endpoint=False). */
static bool g_integers(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    int64_t lo, hi, shape[NN_MAXDIM];
    int nd, dt;
    bool endpoint = false, scalar;
    if (!args_parse(I, "integers", a, "low, high=, size=, dtype=, endpoint=", v) ||
        (np_given(v[4]) && !value_truth(I, v[4], &endpoint)) || !tensor_dtype_arg(I, v[3], &dt))
        return false;
    if (dt >= 0 && dt != NN_I64 && dt != NN_I32)   /* 8-bit draws: not ported */
        return np_random_call(I, "randint", a, out);
    if (any_array(v, 2))
        return ints_arrays(I, gen_of(self), v, dt < 0 ? NN_I64 : (NnDType)dt, endpoint, out);
    if (!arg_int(I, "integers", "low", v[0], &lo) ||
        (np_given(v[1]) && !arg_int(I, "integers", "high", v[1], &hi)) ||
        !np_size_arg(I, "integers", v[2], &nd, shape, &scalar))
        return false;
    if (!np_given(v[1])) {
        hi = lo;
        lo = 0;
    }
    if (endpoint ? lo > hi : lo >= hi)
        return interp_error(I, ERR_VALUE, endpoint ? "low > high" : "low >= high");
    uint64_t rng = (uint64_t)hi - (uint64_t)lo - (endpoint ? 0 : 1);
    if (dt == NN_I32 && (lo < INT32_MIN || hi - !endpoint > INT32_MAX))
        return interp_error(I, ERR_VALUE, lo < INT32_MIN ? "low is out of bounds for int32"
                                                         : "high is out of bounds for int32");
    NnTensor *t = gen_ints(I, gen_of(self), dt < 0 ? NN_I64 : (NnDType)dt, nd, shape, lo, rng);
    if (!t)
        return interp_error_from_nn(I);
    return scalar ? tensor_value_np(I, t, out) : tensor_value_new(I, t, TENSOR_NP, out);   /* np.int64 */
}

/* ---- shuffle and permutation ---- */

static bool shuffle_list(Interp *I, NnPcg64 *g, Value x)
{
    ObjList *l = as_list(x);
    (void)I;
    for (size_t i = l->len; i-- > 1;) {
        size_t j = (size_t)nn_pcg64_interval(g, i);
        Value tmp = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = tmp;
    }
    return true;
}

static bool g_shuffle(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t axis = 0;
    if (!args_parse(I, "shuffle", a, "x, axis=", v) ||
        (np_given(v[1]) && !arg_int(I, "shuffle", "axis", v[1], &axis)))
        return false;
    if (axis != 0)
        return interp_error(I, ERR_VALUE, "nnsh's Generator.shuffle shuffles along axis 0 only");
    *out = val_none();
    if (val_is_obj(v[0], OBJ_LIST))
        return shuffle_list(I, gen_of(self), v[0]);
    NnTensor *t = tensor_value_get(v[0]);
    if (!t || tensor_value_flavour(v[0]) != TENSOR_NP)
        return interp_error(I, ERR_TYPE, "shuffle() needs a numpy array or a list (it shuffles in place)");
    if (t->ndim == 0)
        return interp_error(I, ERR_TYPE, "shuffle() needs an array of at least one dimension");
    return nn_random_shuffle_pcg(CTX, t, gen_of(self)) == NN_OK || interp_error_from_nn(I);
}

static bool g_permutation(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t, *c;
    int64_t axis = 0;
    if (!args_parse(I, "permutation", a, "x, axis=", v) ||
        (np_given(v[1]) && !arg_int(I, "permutation", "axis", v[1], &axis)))
        return false;
    if (axis != 0)
        return interp_error(I, ERR_VALUE, "nnsh's Generator.permutation permutes along axis 0 only");
    if (v[0].kind == VAL_INT) {
        int64_t n = v[0].as.i, shape[1] = {n};
        if (n < 0)   /* numpy: arange(n) is empty */
            shape[0] = n = 0;
        c = nn_tensor_new(CTX, NN_I64, 1, shape);
        for (int64_t i = 0; c && i < n; i++)
            nn_tensor_set_i64(c, i, i);
    } else {
        if (!np_tensor(I, v[0], &t))
            return false;
        if (t->ndim == 0) {
            nn_tensor_unref(t);
            return interp_error(I, ERR_INDEX, "x must be an integer or at least 1-dimensional");
        }
        c = nn_tensor_copy(CTX, t);
        nn_tensor_unref(t);
    }
    if (c && nn_random_shuffle_pcg(CTX, c, gen_of(self)) != NN_OK) {
        nn_tensor_unref(c);
        c = NULL;
    }
    return tensor_value_wrap(I, c, TENSOR_NP, out);
}

/* ---- choice ---- */

/* numpy's checks of p (float64, 1-d, pop_size entries, summing to 1). */
static bool choice_p(Interp *I, Value pv, int64_t pop, double **out)
{
    NnTensor *t;
    if (!tensor_from_value(I, pv, NN_F64, TENSOR_NP, &t))
        return false;
    bool ok = false;
    double sum = 0, c = 0, *p = NULL;
    if (t->ndim != 1)
        interp_error(I, ERR_VALUE, "p must be 1-dimensional");
    else if (t->shape[0] != pop)
        interp_error(I, ERR_VALUE, "a and p must have same size");
    else if (!(p = malloc(sizeof *p * (size_t)(pop ? pop : 1))))
        interp_error(I, ERR_MEMORY, "out of memory");
    else
        ok = true;
    for (int64_t i = 0; ok && i < pop; i++) {   /* Kahan, as numpy's kahan_sum */
        p[i] = nn_tensor_get_f64(t, i);
        double y = p[i] - c, s = sum + y;
        c = (s - sum) - y;
        sum = s;
        if (p[i] < 0)
            ok = interp_error(I, ERR_VALUE, "probabilities are not non-negative");
    }
    nn_tensor_unref(t);
    if (ok && isnan(sum))
        ok = interp_error(I, ERR_VALUE, "probabilities contain NaN");
    if (ok && fabs(sum - 1.0) > sqrt(2.220446049250313e-16))
        ok = interp_error(I, ERR_VALUE, "probabilities do not sum to 1");
    if (!ok)
        free(p);
    *out = ok ? p : NULL;
    return ok;
}

/* cdf = cumsum(p) / its last; the first index whose cdf exceeds x. */
static void cdf_of(const double *p, int64_t n, double *cdf)
{
    double acc = 0;
    for (int64_t i = 0; i < n; i++)
        cdf[i] = acc += p[i];
    for (int64_t i = 0; i < n; i++)
        cdf[i] /= cdf[n - 1];
}

static int64_t search_right(const double *cdf, int64_t n, double x)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Without replacement by p: draw, drop the found, repeat (numpy's loop). */
static bool choice_p_unique(Interp *I, NnPcg64 *g, double *p, int64_t pop, int64_t size, int64_t *idx)
{
    int64_t nz = 0, got = 0;
    for (int64_t i = 0; i < pop; i++)
        nz += p[i] > 0;
    if (nz < size)
        return interp_error(I, ERR_VALUE, "Fewer non-zero entries in p than size");
    double *cdf = malloc(sizeof *cdf * (size_t)(pop ? pop : 1));
    double *x = malloc(sizeof *x * (size_t)(size ? size : 1));
    int64_t *fresh = malloc(sizeof *fresh * (size_t)(size ? size : 1));
    if (!cdf || !x || !fresh) {
        free(cdf);
        free(x);
        free(fresh);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    while (got < size) {
        int64_t want = size - got, nf = 0;
        for (int64_t k = 0; k < want; k++)
            x[k] = nn_pcg64_double(g);
        for (int64_t k = 0; k < got; k++)
            p[idx[k]] = 0;
        cdf_of(p, pop, cdf);
        for (int64_t k = 0; k < want; k++)
            fresh[k] = search_right(cdf, pop, x[k]);
        for (int64_t k = 0; k < want; k++) {   /* first occurrences, in draw order */
            bool seen = false;
            for (int64_t m = 0; m < k && !seen; m++)
                seen = fresh[m] == fresh[k];
            if (!seen)
                fresh[nf++] = fresh[k];
        }
        memcpy(idx + got, fresh, sizeof *fresh * (size_t)nf);
        got += nf;
    }
    free(cdf);
    free(x);
    free(fresh);
    return true;
}

static uint64_t fill_mask(uint64_t m)
{
    for (int s = 1; s < 64; s <<= 1)
        m |= m >> s;
    return m;
}

/* Fisher-Yates of data[first..n-1] from the end with Lemire draws. */
static void shuffle_int(NnPcg64 *g, int64_t n, int64_t first, int64_t *data)
{
    for (int64_t i = n - 1; i >= first; i--) {
        int64_t j = (int64_t)nn_pcg64_bounded(g, (uint64_t)i), t = data[j];
        data[j] = data[i];
        data[i] = t;
    }
}

/* Without replacement, uniform: a tail shuffle of range(pop) for large
 * samples of large populations, else Floyd's algorithm with a hash set. */
static bool choice_unique(Interp *I, NnPcg64 *g, int64_t pop, int64_t size, bool shuf, int64_t *idx)
{
    if (pop > 10000 && size > pop / (shuf ? 50 : 20)) {
        int64_t *all = malloc(sizeof *all * (size_t)pop);
        if (!all)
            return interp_error(I, ERR_MEMORY, "out of memory");
        for (int64_t i = 0; i < pop; i++)
            all[i] = i;
        shuffle_int(g, pop, pop - size > 1 ? pop - size : 1, all);
        memcpy(idx, all + pop - size, sizeof *idx * (size_t)size);
        free(all);
        return true;
    }
    uint64_t mask = fill_mask((uint64_t)(1.2 * (double)size));
    uint64_t *set = malloc(sizeof *set * (size_t)(mask + 1));
    if (!set)
        return interp_error(I, ERR_MEMORY, "out of memory");
    memset(set, 0xff, sizeof *set * (size_t)(mask + 1));
    for (int64_t j = pop - size; j < pop; j++) {
        uint64_t val = nn_pcg64_bounded(g, (uint64_t)j), loc = val & mask;
        while (set[loc] != UINT64_MAX && set[loc] != val)
            loc = (loc + 1) & mask;
        if (set[loc] == UINT64_MAX) {
            set[loc] = val;
        } else {
            val = (uint64_t)j;
            for (loc = val & mask; set[loc] != UINT64_MAX; loc = (loc + 1) & mask)
                ;
            set[loc] = val;
        }
        idx[j - pop + size] = (int64_t)val;
    }
    free(set);
    if (shuf)
        shuffle_int(g, size, 1, idx);
    return true;
}

/* The drawn indices (int64 of the size's shape). */
static NnTensor *choice_idx(Interp *I, NnPcg64 *g, Value *v, int64_t pop, int nd, const int64_t *shape,
                            bool replace, bool shuf)
{
    double *p = NULL;
    NnTensor *t;
    if (np_given(v[3]) && !choice_p(I, v[3], pop, &p))
        return NULL;
    if (!(t = nn_tensor_new(CTX, NN_I64, nd, shape))) {
        free(p);
        interp_error_from_nn(I);
        return NULL;
    }
    int64_t size = nn_tensor_numel(t), *idx = nn_tensor_data(t);
    bool ok = true;
    if (replace && p) {
        double *cdf = malloc(sizeof *cdf * (size_t)pop);
        ok = cdf || interp_error(I, ERR_MEMORY, "out of memory");
        if (ok)
            cdf_of(p, pop, cdf);
        for (int64_t k = 0; ok && k < size; k++)
            idx[k] = search_right(cdf, pop, nn_pcg64_double(g));
        free(cdf);
    } else if (replace) {
        for (int64_t k = 0; k < size; k++)
            idx[k] = (int64_t)nn_pcg64_bounded(g, (uint64_t)pop - 1);
    } else if (size > pop) {
        ok = interp_error(I, ERR_VALUE, "Cannot take a larger sample than population when replace is False");
    } else {
        ok = p ? choice_p_unique(I, g, p, pop, size, idx) : choice_unique(I, g, pop, size, shuf, idx);
    }
    free(p);
    if (!ok) {
        nn_tensor_unref(t);
        return NULL;
    }
    return t;
}

/* A list or tuple holding strings (numpy makes a str array of it). */
static bool has_strings(Value a)
{
    if (!val_is_obj(a, OBJ_LIST) && !val_is_obj(a, OBJ_TUPLE))
        return false;
    for (size_t i = 0; i < as_list(a)->len; i++)
        if (val_is_obj(as_list(a)->items[i], OBJ_STR))
            return true;
    return false;
}

/* The items of a list of strings at idx: one item for a scalar draw, else
 * a list (nnsh has no str arrays). */
static bool choice_items(Interp *I, Value a, NnTensor *idx, bool scalar, Value *out)
{
    ObjList *l = as_list(a);
    bool ok = true;
    if (scalar) {
        *out = l->items[nn_tensor_get_i64(idx, 0)];
        value_incref(*out);
    } else if ((ok = list_new(I, (size_t)nn_tensor_numel(idx), out))) {
        for (int64_t k = 0; ok && k < nn_tensor_numel(idx); k++)
            ok = list_append(I, *out, l->items[nn_tensor_get_i64(idx, k)]);
        if (!ok)
            value_decref(*out);
    }
    nn_tensor_unref(idx);
    return ok;
}

/* choice(a, size=None, replace=True, p=None, axis=0, shuffle=True). */
static bool g_choice(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    NnTensor *pool = NULL, *idx;
    int64_t pop, shape[NN_MAXDIM], axis = 0;
    int nd;
    bool scalar, replace = true, shuf = true;
    if (!args_parse(I, "choice", a, "a, size=, replace=, p=, axis=, shuffle=", v) ||
        !np_size_arg(I, "choice", v[1], &nd, shape, &scalar) ||
        (np_given(v[2]) && !arg_bool(I, "choice", "replace", v[2], &replace)) ||
        (np_given(v[4]) && !arg_int(I, "choice", "axis", v[4], &axis)) ||
        (np_given(v[5]) && !arg_bool(I, "choice", "shuffle", v[5], &shuf)))
        return false;
    if (axis != 0)
        return interp_error(I, ERR_VALUE, "nnsh's Generator.choice draws along axis 0 only");
    int64_t total = 1;
    for (int i = 0; i < nd; i++)
        total *= shape[i];
    if (has_strings(v[0])) {
        pop = (int64_t)as_list(v[0])->len;
        idx = choice_idx(I, gen_of(self), v, pop, nd, shape, replace, shuf);
        return idx && choice_items(I, v[0], idx, scalar, out);
    }
    if (v[0].kind == VAL_INT) {
        pop = v[0].as.i;
        if (pop <= 0 && total != 0)
            return interp_error(I, ERR_VALUE, "a must be a positive integer unless no samples are taken");
    } else {
        if (!np_tensor(I, v[0], &pool))
            return false;
        if (pool->ndim == 0) {
            nn_tensor_unref(pool);
            return interp_error(I, ERR_VALUE, "a must be a sequence or an integer, not a 0-d array");
        }
        pop = pool->shape[0];
        if (pop == 0 && total != 0) {
            nn_tensor_unref(pool);
            return interp_error(I, ERR_VALUE, "a cannot be empty unless no samples are taken");
        }
    }
    idx = choice_idx(I, gen_of(self), v, pop, nd, shape, replace, shuf);
    if (!idx || !pool) {
        nn_tensor_unref(pool);
        return idx ? np_draw_result(I, idx, scalar, out) : false;
    }
    NnTensor *r = nn_take(CTX, pool, idx, 0);
    nn_tensor_unref(idx);
    nn_tensor_unref(pool);
    if (!r)
        return interp_error_from_nn(I);
    return scalar ? tensor_value_np(I, r, out) : tensor_value_new(I, r, TENSOR_NP, out);
}

/* ---- the class ---- */

/* The samplers shared with RandomState's functions, over this PCG64. */
#define DIST(fn, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { return gen_dist(I, self, a, NAME, out); }
DIST(g_exponential, "exponential")
DIST(g_standard_exponential, "standard_exponential")
DIST(g_gamma, "gamma")
DIST(g_standard_gamma, "standard_gamma")
DIST(g_beta, "beta")
DIST(g_poisson, "poisson")
DIST(g_binomial, "binomial")
DIST(g_lognormal, "lognormal")
DIST(g_laplace, "laplace")

static const NativeDef generator_methods[] = {
    {"random", g_random, "random(size=None, dtype=np.float64)", "Uniform floats in [0, 1)."},
    {"integers", g_integers, "integers(low, high=None, size=None, dtype=np.int64, endpoint=False)",
     "Random integers in [low, high) (or [low, high] with endpoint=True)."},
    {"normal", g_normal, "normal(loc=0.0, scale=1.0, size=None)", "Normal samples."},
    {"standard_normal", g_standard_normal, "standard_normal(size=None)", "Standard normal samples."},
    {"uniform", g_uniform, "uniform(low=0.0, high=1.0, size=None)", "Uniform samples in [low, high)."},
    {"choice", g_choice, "choice(a, size=None, replace=True, p=None, axis=0, shuffle=True)",
     "Random samples from a (or range(a))."},
    {"shuffle", g_shuffle, "shuffle(x)", "Shuffles x (an array or a list) in place along its first axis."},
    {"permutation", g_permutation, "permutation(x)", "A shuffled copy (or of range(x))."},
    {"exponential", g_exponential, "exponential(scale=1.0, size=None)", "Exponential samples (ziggurat)."},
    {"standard_exponential", g_standard_exponential, "standard_exponential(size=None)",
     "Exponential samples with scale 1."},
    {"gamma", g_gamma, "gamma(shape, scale=1.0, size=None)", "Gamma samples (Marsaglia-Tsang)."},
    {"standard_gamma", g_standard_gamma, "standard_gamma(shape, size=None)", "Gamma samples with scale 1."},
    {"beta", g_beta, "beta(a, b, size=None)", "Beta samples."},
    {"poisson", g_poisson, "poisson(lam=1.0, size=None)", "Poisson samples."},
    {"binomial", g_binomial, "binomial(n, p, size=None)", "Binomial samples."},
    {"lognormal", g_lognormal, "lognormal(mean=0.0, sigma=1.0, size=None)", "Log-normal samples."},
    {"laplace", g_laplace, "laplace(loc=0.0, scale=1.0, size=None)", "Laplace samples."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass generator_class = {
    .name = "Generator", .module = "numpy.random._generator", .finalize = free, .repr = gen_repr,
    .methods = generator_methods,
    .doc = "numpy's Generator over its own PCG64 stream: default_rng(seed) draws numpy's numbers\n"
           "(random, normal, integers, uniform, choice, permutation, shuffle, exponential, ...).",
};

static NnPcg64 *gen_of(Value self)
{
    return &((GenObj *)native_obj_data(self, &generator_class))->g;
}

/* The seed's 32-bit words as SeedSequence reads an int or a sequence of ints. */
static bool seed_words(Interp *I, Value s, uint32_t *w, size_t *n)
{
    size_t cnt = 1;
    const Value *items = &s;
    if (val_is_obj(s, OBJ_LIST) || val_is_obj(s, OBJ_TUPLE)) {
        cnt = as_list(s)->len;
        items = as_list(s)->items;
        if (cnt > 32)
            return interp_error(I, ERR_VALUE, "nnsh's default_rng takes at most 32 seed integers");
    }
    *n = 0;
    for (size_t i = 0; i < cnt; i++) {
        int64_t x;
        if (!arg_int(I, "default_rng", "seed", items[i], &x))
            return false;
        if (x < 0)
            return interp_error(I, ERR_VALUE, "expected non-negative integer");
        w[(*n)++] = (uint32_t)x;
        if ((uint64_t)x >> 32)
            w[(*n)++] = (uint32_t)((uint64_t)x >> 32);
    }
    return true;
}

/* Fresh entropy for default_rng() without a seed. */
static size_t os_entropy(uint32_t *w)
{
    size_t n = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        n = fread(w, sizeof *w, 4, f);
        fclose(f);
    }
    if (n < 4) {
        struct timespec ts;
        timespec_get(&ts, TIME_UTC);
        w[0] = (uint32_t)ts.tv_sec;
        w[1] = (uint32_t)ts.tv_nsec;
        w[2] = (uint32_t)(uintptr_t)&ts;
        w[3] = (uint32_t)clock();
        n = 4;
    }
    return n;
}

bool np_generator_new(Interp *I, const Args *a, Value *out)
{
    Value v[1];
    uint32_t w[64];
    size_t n = 0;
    if (!args_parse(I, "default_rng", a, "seed=", v))
        return false;
    if (native_obj_data(v[0], &generator_class)) {
        value_incref(v[0]);
        *out = v[0];
        return true;
    }
    if (np_given(v[0]) ? !seed_words(I, v[0], w, &n) : !(n = os_entropy(w)))
        return false;
    GenObj *o = malloc(sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    nn_pcg64_seed(&o->g, w, n);
    return native_obj_new(I, &generator_class, o, out);
}
