/* mod_np_rng.c - numpy.random distributions beyond the basics (exponential,
 * poisson, binomial, gamma, beta, standard_normal, ...) and the object APIs
 * np.random.default_rng() (Generator) and np.random.RandomState.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_np.h).  The
 * distributions port numpy's legacy algorithms (distributions.c and
 * legacy-distributions.c: inversion/BTPE binomial, multiplication/PTRS
 * poisson, Marsaglia-Tsang gamma, Johnk beta) over the session generator,
 * so after np.random.seed(n) they draw numpy's RandomState numbers.
 * A Generator (default_rng, mod_np_gen.c) draws from its own PCG64 stream;
 * its distributions not ported yet call the functions here (np_random_call).
 * RandomState(seed) reseeds the session generator.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mod_np.h"

#define UNUSED_SELF (void)self
#define CTX interp_nn(I)

/* ---- numpy's legacy samplers ---- */

/* The uniform source of a draw: the session generator (RandomState's
 * legacy algorithms), or a Generator's PCG64 (numpy's Generator runs the same
 * samplers over its ziggurat normal and exponential). */
typedef struct {
    NnCtx *ctx;
    NnPcg64 *g;
} Src;

static double src_double(const Src *s)
{
    return s->g ? nn_pcg64_double(s->g) : nn_rng_double(s->ctx);
}

static double src_gauss(const Src *s)
{
    return s->g ? nn_pcg64_normal(s->g) : nn_rng_gauss(s->ctx);
}

static double std_exponential(const Src *ctx)
{
    return ctx->g ? nn_pcg64_exponential(ctx->g) : -log(1.0 - src_double(ctx));
}

static double std_gamma(const Src *ctx, double shape)
{
    if (shape == 1.0)
        return std_exponential(ctx);
    if (shape == 0.0)
        return 0.0;
    if (shape < 1.0) {
        for (;;) {
            double u = src_double(ctx), v = std_exponential(ctx), x, y;
            if (u <= 1.0 - shape) {
                x = pow(u, 1. / shape);
                if (x <= v)
                    return x;
            } else {
                y = -log((1 - u) / shape);
                x = pow(1.0 - shape + shape * y, 1. / shape);
                if (x <= v + y)
                    return x;
            }
        }
    }
    double b = shape - 1. / 3., c = 1. / sqrt(9 * b);
    for (;;) {
        double x, v, u;
        do {
            x = src_gauss(ctx);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        u = src_double(ctx);
        if (u < 1.0 - 0.0331 * (x * x) * (x * x))
            return b * v;
        if (log(u) < 0.5 * x * x + b * (1. - v + log(v)))
            return b * v;
    }
}

static double beta_draw(const Src *ctx, double a, double b)
{
    if (a <= 1.0 && b <= 1.0) {   /* Johnk */
        for (;;) {
            double u = src_double(ctx), v = src_double(ctx);
            double x = pow(u, 1.0 / a), y = pow(v, 1.0 / b);
            if (x + y <= 1.0 && (!ctx->g || u + v > 0.0)) {
                if (x + y > 0)
                    return x / (x + y);
                double lx = log(u) / a, ly = log(v) / b, lm = lx > ly ? lx : ly;
                lx -= lm;
                ly -= lm;
                return exp(lx - log(exp(lx) + exp(ly)));
            }
        }
    }
    double ga = std_gamma(ctx, a), gb = std_gamma(ctx, b);
    return ga / (ga + gb);
}

static double loggam(double x)
{
    static const double a[10] = {
        8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
        -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
        6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01,
        -1.39243221690590e+00};
    if (x == 1.0 || x == 2.0)
        return 0.0;
    int64_t n = x < 7.0 ? (int64_t)(7 - x) : 0;
    double x0 = x + n, x2 = (1.0 / x0) * (1.0 / x0), gl0 = a[9];
    for (int k = 8; k >= 0; k--) {
        gl0 *= x2;
        gl0 += a[k];
    }
    double gl = gl0 / x0 + 0.5 * 1.8378770664093453e+00 + (x0 - 0.5) * log(x0) - x0;
    if (x < 7.0)
        for (int64_t k = 1; k <= n; k++) {
            gl -= log(x0 - 1.0);
            x0 -= 1.0;
        }
    return gl;
}

static int64_t poisson_draw(const Src *ctx, double lam)
{
    if (lam == 0)
        return 0;
    if (lam < 10) {   /* multiplication */
        double enlam = exp(-lam), prod = 1.0;
        int64_t x = 0;
        for (;;) {
            prod *= src_double(ctx);
            if (prod > enlam)
                x++;
            else
                return x;
        }
    }
    double slam = sqrt(lam), loglam = log(lam), b = 0.931 + 2.53 * slam;   /* PTRS */
    double a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double u = src_double(ctx) - 0.5, v = src_double(ctx), us = 0.5 - fabs(u);
        int64_t k = (int64_t)floor((2 * a / us + b) * u + lam + 0.43);
        if (us >= 0.07 && v <= vr)
            return k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1))
            return k;
    }
}

static int64_t binomial_inversion(const Src *ctx, int64_t n, double p)
{
    double q = 1.0 - p, qn = exp(n * log(q)), np_ = n * p;
    double bnd = np_ + 10.0 * sqrt(np_ * q + 1);
    int64_t bound = (double)n < bnd ? n : (int64_t)bnd, x = 0;
    double px = qn, u = src_double(ctx);
    while (u > px) {
        x++;
        if (x > bound) {
            x = 0;
            px = qn;
            u = src_double(ctx);
        } else {
            u -= px;
            px = ((n - x + 1) * p * px) / (x * q);
        }
    }
    return x;
}

/* Stirling-series correction term of BTPE's final acceptance test. */
static double btpe_term(double v)
{
    double v2 = v * v;
    return (13680. - (462. - (132. - (99. - 140. / v2) / v2) / v2) / v2) / v / 166320.;
}

/* Kachitvichyanukul and Schmeiser's BTPE, as numpy writes it (p <= 0.5).
 * Long because it is one published algorithm with its step labels. */
static int64_t binomial_btpe(const Src *ctx, int64_t n, double p)
{
    double r = p < 1.0 - p ? p : 1.0 - p, q = 1.0 - r, fm = n * r + r;
    int64_t m = (int64_t)floor(fm);
    double p1 = floor(2.195 * sqrt(n * r * q) - 4.6 * q) + 0.5, xm = m + 0.5;
    double xl = xm - p1, xr = xm + p1, c = 0.134 + 20.5 / (15.3 + m);
    double a = (fm - xl) / (fm - xl * r), laml = a * (1.0 + a / 2.0);
    a = (xr - fm) / (xr * q);
    double lamr = a * (1.0 + a / 2.0), p2 = p1 * (1.0 + 2.0 * c), p3 = p2 + c / laml;
    double p4 = p3 + c / lamr, nrq = n * r * q;
    for (;;) {
        double u = src_double(ctx) * p4, v = src_double(ctx), x;
        int64_t y;
        if (u <= p1) {
            y = (int64_t)floor(xm - p1 * v + u);
            return y;
        }
        if (u <= p2) {
            x = xl + (u - p1) / c;
            v = v * c + 1.0 - fabs(m - x + 0.5) / p1;
            if (v > 1.0)
                continue;
            y = (int64_t)floor(x);
        } else if (u <= p3) {
            y = (int64_t)floor(xl + log(v) / laml);
            if (y < 0 || v == 0.0)
                continue;
            v = v * (u - p2) * laml;
        } else {
            y = (int64_t)floor(xr - log(v) / lamr);
            if (y > n || v == 0.0)
                continue;
            v = v * (u - p3) * lamr;
        }
        int64_t k = llabs(y - m);
        if (!(k > 20 && k < nrq / 2.0 - 1)) {
            double s = r / q, aa = s * (n + 1), f = 1.0;
            if (m < y)
                for (int64_t i = m + 1; i <= y; i++)
                    f *= aa / i - s;
            else if (m > y)
                for (int64_t i = y + 1; i <= m; i++)
                    f /= aa / i - s;
            if (v > f)
                continue;
            return y;
        }
        double rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
        double t = -k * k / (2 * nrq), A = log(v);
        if (A < t - rho)
            return y;
        if (A > t + rho)
            continue;
        double x1 = y + 1, f1 = m + 1, z = n + 1 - m, w = n - y + 1;
        if (A > xm * log(f1 / x1) + (n - m + 0.5) * log(z / w) + (y - m) * log(w * r / (x1 * q)) +
                btpe_term(f1) + btpe_term(z) + btpe_term(x1) + btpe_term(w))
            continue;
        return y;
    }
}

static int64_t binomial_draw(const Src *ctx, int64_t n, double p)
{
    if (n == 0 || p == 0.0)
        return 0;
    if (p <= 0.5)
        return p * n <= 30.0 ? binomial_inversion(ctx, n, p) : binomial_btpe(ctx, n, p);
    double q = 1.0 - p;
    return n - (q * n <= 30.0 ? binomial_inversion(ctx, n, q) : binomial_btpe(ctx, n, q));
}

/* ---- the module functions ---- */

typedef enum { D_EXP, D_GAMMA, D_BETA, D_POISSON, D_BINOMIAL, D_STDNORM, D_STDEXP,
               D_LOGNORMAL, D_LAPLACE } DistKind;

/* Draws one value of the distribution with parameters p0, p1. */
static double draw_one(const Src *ctx, DistKind k, double p0, double p1)
{
    switch (k) {
    case D_EXP: return p0 * std_exponential(ctx);
    case D_GAMMA: return p1 * std_gamma(ctx, p0);
    case D_BETA: return beta_draw(ctx, p0, p1);
    case D_POISSON: return (double)poisson_draw(ctx, p0);
    case D_BINOMIAL: return (double)binomial_draw(ctx, (int64_t)p0, p1);
    case D_STDNORM: return src_gauss(ctx);
    case D_STDEXP: return std_exponential(ctx);
    case D_LOGNORMAL: return exp(p0 + p1 * src_gauss(ctx));
    case D_LAPLACE: {
        double u = src_double(ctx);
        while (ctx->g && u == 0.0)   /* Generator draws again */
            u = src_double(ctx);
        return u >= 0.5 ? p0 - p1 * log(2.0 - u - u) : u > 0.0 ? p0 + p1 * log(u + u) : p0;
    }
    }
    return 0;
}

/* Generator's wording of the parameter errors where it differs. */
static bool gen_param_check(Interp *I, DistKind k, double p0, double p1)
{
    switch (k) {
    case D_POISSON: return ((p0 >= 0 && !isnan(p0)) || interp_error(I, ERR_VALUE, "lam < 0 or lam is NaN")) &&
                           (p0 < 9.223372006484771e18 || interp_error(I, ERR_VALUE, "lam value too large"));
    case D_BINOMIAL: return (p0 >= 0 || interp_error(I, ERR_VALUE, "n < 0")) &&
                            ((p1 >= 0 && p1 <= 1 && !isnan(p1)) ||
                             interp_error(I, ERR_VALUE, "p < 0, p > 1 or p is NaN"));
    default: return true;
    }
}

static bool param_check(Interp *I, DistKind k, double p0, double p1, bool gen)
{
    if (gen)
        switch (k) {
        case D_POISSON: case D_BINOMIAL: return gen_param_check(I, k, p0, p1);
        default: break;
        }
    switch (k) {
    case D_EXP: return np_param_nonneg(p0) || interp_error(I, ERR_VALUE, "scale < 0");
    case D_GAMMA: return (np_param_nonneg(p0) || interp_error(I, ERR_VALUE, "shape < 0")) &&
                         (np_param_nonneg(p1) || interp_error(I, ERR_VALUE, "scale < 0"));
    case D_BETA: return (np_param_positive(p0) || interp_error(I, ERR_VALUE, "a <= 0")) &&
                        (np_param_positive(p1) || interp_error(I, ERR_VALUE, "b <= 0"));
    case D_POISSON: return (p0 >= 0 || interp_error(I, ERR_VALUE, "lam < 0")) &&
                           (p0 < 9.223372006484771e18 || interp_error(I, ERR_VALUE, "lam value too large"));
    case D_BINOMIAL: return (p0 >= 0 || interp_error(I, ERR_VALUE, "n < 0")) &&
                            (p1 >= 0 || interp_error(I, ERR_VALUE, "p < 0")) &&
                            (p1 <= 1 || interp_error(I, ERR_VALUE, "p > 1")) &&
                            (!isnan(p1) || interp_error(I, ERR_VALUE, "p is nan"));
    case D_LOGNORMAL: return np_param_nonneg(p1) || interp_error(I, ERR_VALUE, "sigma < 0");
    case D_LAPLACE: return np_param_nonneg(p1) || interp_error(I, ERR_VALUE, "scale < 0");
    default: return true;
    }
}

static bool dist_common(Interp *I, const Args *a, DistKind k, const char *fname, const char *spec,
                        double d0, double d1, NnPcg64 *g, Value *out)
{
    Src src = {CTX, g};
    Value v[3];
    double p[2] = {d0, d1};
    int np_ = 0, nd;
    int64_t shape[NN_MAXDIM];
    bool scalar;
    for (const char *s = spec; *s; s++)
        np_ += *s == ',';
    if (!args_parse(I, fname, a, spec, v))
        return false;
    for (int i = 0; i < np_; i++)
        if (np_given(v[i]) && !arg_float(I, fname, i ? "p1" : "p0", v[i], &p[i]))
            return false;
    if (!np_size_arg(I, fname, v[np_], &nd, shape, &scalar) || !param_check(I, k, p[0], p[1], g != NULL))
        return false;
    bool ints = k == D_POISSON || k == D_BINOMIAL;
    NnTensor *t = nn_tensor_new(CTX, ints ? NN_I64 : NN_F64, nd, shape);
    if (!t)
        return interp_error_from_nn(I);
    for (int64_t i = 0; i < nn_tensor_numel(t); i++) {
        double x = draw_one(&src, k, p[0], p[1]);
        if (ints)
            nn_tensor_set_i64(t, i, (int64_t)x);
        else
            nn_tensor_set_f64(t, i, x);
    }
    if (!scalar)
        return tensor_value_new(I, t, TENSOR_NP, out);
    *out = ints ? val_int(nn_tensor_get_i64(t, 0)) : val_float(nn_tensor_get_f64(t, 0));
    nn_tensor_unref(t);
    return true;
}

static const struct {
    const char *name, *spec;
    DistKind k;
    double d0, d1;
} gen_dists[] = {
    {"exponential", "scale=, size=", D_EXP, 1.0, 0},
    {"standard_exponential", "size=", D_STDEXP, 0, 0},
    {"gamma", "shape, scale=, size=", D_GAMMA, 0, 1.0},
    {"standard_gamma", "shape, size=", D_GAMMA, 0, 1.0},
    {"beta", "a, b, size=", D_BETA, 0, 0},
    {"poisson", "lam=, size=", D_POISSON, 1.0, 0},
    {"binomial", "n, p, size=", D_BINOMIAL, 0, 0},
    {"lognormal", "mean=, sigma=, size=", D_LOGNORMAL, 0, 1.0},
    {"laplace", "loc=, scale=, size=", D_LAPLACE, 0, 1.0},
};

bool np_dist_pcg(Interp *I, const char *name, const Args *a, NnPcg64 *g, Value *out)
{
    for (size_t i = 0; i < sizeof gen_dists / sizeof gen_dists[0]; i++)
        if (!strcmp(gen_dists[i].name, name))
            return dist_common(I, a, gen_dists[i].k, name, gen_dists[i].spec, gen_dists[i].d0,
                               gen_dists[i].d1, g, out);
    return interp_error(I, ERR_ATTRIBUTE, "'Generator' object has no attribute '%s'", name);
}

#define DIST(fn, K, NAME, SPEC, D0, D1) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { UNUSED_SELF; return dist_common(I, a, K, NAME, SPEC, D0, D1, NULL, out); }
DIST(npr_exponential, D_EXP, "exponential", "scale=, size=", 1.0, 0)
DIST(npr_gamma, D_GAMMA, "gamma", "shape, scale=, size=", 0, 1.0)
DIST(npr_beta, D_BETA, "beta", "a, b, size=", 0, 0)
DIST(npr_poisson, D_POISSON, "poisson", "lam=, size=", 1.0, 0)
DIST(npr_binomial, D_BINOMIAL, "binomial", "n, p, size=", 0, 0)
DIST(npr_standard_normal, D_STDNORM, "standard_normal", "size=", 0, 0)
DIST(npr_standard_exponential, D_STDEXP, "standard_exponential", "size=", 0, 0)
DIST(npr_lognormal, D_LOGNORMAL, "lognormal", "mean=, sigma=, size=", 0, 1.0)
DIST(npr_laplace, D_LAPLACE, "laplace", "loc=, scale=, size=", 0, 1.0)

/* ---- RandomState objects (Generator: mod_np_gen.c) ---- */

typedef struct {
    bool legacy;   /* always true: a RandomState */
} RngObj;

static bool rs_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "RandomState(MT19937) at 0x%llX", (unsigned long long)(uintptr_t)self.as.o);
    return true;
}

/* Calls numpy.random.NAME with the method's arguments. */
bool np_random_call(Interp *I, const char *name, const Args *a, Value *out)
{
    Value mod, fn;
    bool found = false;
    if (!interp_import(I, "numpy.random", &mod))
        return false;
    bool ok = module_get(I, mod, name, &fn, &found);
    value_decref(mod);
    if (!ok || !found)
        return ok ? interp_error(I, ERR_ATTRIBUTE, "numpy.random has no attribute '%s'", name) : false;
    ok = value_call(I, fn, a, out);
    value_decref(fn);
    return ok;
}

#define VIA(fn, NAME) \
    static bool fn(Interp *I, Value self, const Args *a, Value *out) \
    { UNUSED_SELF; return np_random_call(I, NAME, a, out); }
VIA(g_random, "random_sample")
VIA(g_normal, "normal")
VIA(g_uniform, "uniform")
VIA(g_choice, "choice")
VIA(g_shuffle, "shuffle")
VIA(g_permutation, "permutation")
VIA(g_standard_normal, "standard_normal")
VIA(g_exponential, "exponential")
VIA(g_poisson, "poisson")
VIA(g_binomial, "binomial")
VIA(g_beta, "beta")
VIA(g_gamma, "gamma")
VIA(g_rand, "rand")
VIA(g_randn, "randn")
VIA(g_randint, "randint")
VIA(g_seed, "seed")

static const NativeDef randomstate_methods[] = {
    {"rand", g_rand, "rand(d0, d1, ...)", "Uniform samples of the given shape."},
    {"randn", g_randn, "randn(d0, d1, ...)", "Standard normal samples of the given shape."},
    {"randint", g_randint, "randint(low, high=None, size=None)", "Integers in [low, high)."},
    {"random", g_random, "random(size=None)", "Uniform floats in [0, 1)."},
    {"random_sample", g_random, "random_sample(size=None)", "Uniform floats in [0, 1)."},
    {"seed", g_seed, "seed(seed=None)", "Reseeds the session's generator."},
    {"normal", g_normal, "normal(loc=0.0, scale=1.0, size=None)", "Normal samples."},
    {"standard_normal", g_standard_normal, "standard_normal(size=None)", "Standard normal samples."},
    {"uniform", g_uniform, "uniform(low=0.0, high=1.0, size=None)", "Uniform samples in [low, high)."},
    {"choice", g_choice, "choice(a, size=None, replace=True, p=None)", "Random samples from a."},
    {"shuffle", g_shuffle, "shuffle(x)", "Shuffles x in place along its first axis."},
    {"permutation", g_permutation, "permutation(x)", "A shuffled copy (or of range(x))."},
    {"exponential", g_exponential, "exponential(scale=1.0, size=None)", "Exponential samples."},
    {"poisson", g_poisson, "poisson(lam=1.0, size=None)", "Poisson samples."},
    {"binomial", g_binomial, "binomial(n, p, size=None)", "Binomial samples."},
    {"beta", g_beta, "beta(a, b, size=None)", "Beta samples."},
    {"gamma", g_gamma, "gamma(shape, scale=1.0, size=None)", "Gamma samples."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass randomstate_class = {
    .name = "RandomState", .module = "numpy.random.mtrand", .finalize = free, .repr = rs_repr, .methods = randomstate_methods,
    .doc = "numpy's RandomState over the session's generator (the legacy algorithms:\n"
           "RandomState(seed) draws numpy's numbers for that seed).",
};

/* RandomState(seed): reseeds the session generator (numpy's MT19937 seeding). */
static bool npr_randomstate(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1];
    UNUSED_SELF;
    if (!args_parse(I, "RandomState", a, "seed=", v))
        return false;
    if (np_given(v[0])) {
        int64_t s;
        if (!arg_int(I, "RandomState", "seed", v[0], &s))
            return false;
        if (s < 0 || s > 0xffffffffLL)
            return interp_error(I, ERR_VALUE, "Seed must be between 0 and 2**32 - 1");
        nn_rng_seed(CTX, (uint32_t)s);
    }
    RngObj *o = malloc(sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    o->legacy = true;
    return native_obj_new(I, &randomstate_class, o, out);
}

static bool npr_default_rng(Interp *I, Value self, const Args *a, Value *out)
{
    UNUSED_SELF;
    return np_generator_new(I, a, out);
}

const NativeDef np_random_more_defs[] = {
    {"exponential", npr_exponential, "exponential(scale=1.0, size=None)", "Exponential samples (numpy's legacy algorithm)."},
    {"standard_exponential", npr_standard_exponential, "standard_exponential(size=None)", "Exponential samples with scale 1."},
    {"gamma", npr_gamma, "gamma(shape, scale=1.0, size=None)", "Gamma samples (Marsaglia-Tsang)."},
    {"standard_gamma", npr_gamma, "standard_gamma(shape, size=None)", "Gamma samples with scale 1."},
    {"beta", npr_beta, "beta(a, b, size=None)", "Beta samples."},
    {"poisson", npr_poisson, "poisson(lam=1.0, size=None)", "Poisson samples."},
    {"binomial", npr_binomial, "binomial(n, p, size=None)", "Binomial samples.\n  np.random.binomial(10, 0.5, size=5)"},
    {"standard_normal", npr_standard_normal, "standard_normal(size=None)", "Standard normal samples."},
    {"lognormal", npr_lognormal, "lognormal(mean=0.0, sigma=1.0, size=None)", "Log-normal samples."},
    {"laplace", npr_laplace, "laplace(loc=0.0, scale=1.0, size=None)", "Laplace samples."},
    {"default_rng", npr_default_rng, "default_rng(seed=None)",
     "A Generator with its own PCG64 stream (numpy's numbers for the same seed).\n"
     "  rng = np.random.default_rng(0); rng.normal(size=3)"},
    {"RandomState", npr_randomstate, "RandomState(seed=None)", "A RandomState over the session's generator."},
    {NULL, NULL, NULL, NULL}
};
