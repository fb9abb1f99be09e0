/* nn_optim.c - compile, the optimizers and weight regularization.
 *
 * Update rules are those of the TF 2.11+ Keras optimizers (keras/optimizers/):
 *   SGD      v = m*v - lr*g; w += v (nesterov: w += m*v - lr*g); m = 0: w -= lr*g
 *   Adam     m += (g-m)(1-b1); v += (g^2-v)(1-b2);
 *            w -= m * lr*sqrt(1-b2^t)/(1-b1^t) / (sqrt(v) + eps)    (amsgrad: max v)
 *   RMSprop  v = rho*v + (1-rho) g^2; w -= lr*g / sqrt(v + eps)  (centered, momentum)
 *   Adagrad  a += g^2; w -= lr*g / sqrt(a + eps), a starts at initial_accumulator_value
 *   weight decay (AdamW and any optimizer given weight_decay): w -= w*wd*lr first.
 * Each is one pass over a contiguous range of the parameter block per weight
 * of every trainable layer; the moments are blocks parallel to it.
 */
#include "nn_layer.h"
#include "nn_internal.h"   /* nn_parallel_for: the ctx thread pool */

#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#define NN_VECTORIZE __attribute__((optimize("O3", "no-math-errno")))
#else
#define NN_VECTORIZE
#endif

/* Adam is the default optimizer and its pass over the parameters is a large
 * part of a small model's step, so it has an AVX2 path chosen at run time.
 * It performs the scalar loop's operations in the same order (no FMA), so
 * both paths give bit-identical weights. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NN_HAVE_AVX2_PATH 1

__attribute__((target("avx2")))
static int64_t adam_avx2(float *w, const float *g, float *m1, float *m2, int64_t n, float c1,
                         float c2, float alpha, float eps)
{
    __m256 vc1 = _mm256_set1_ps(c1), vc2 = _mm256_set1_ps(c2);
    __m256 va = _mm256_set1_ps(alpha), ve = _mm256_set1_ps(eps);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i), mi = _mm256_loadu_ps(m1 + i);
        __m256 vi = _mm256_loadu_ps(m2 + i), wi = _mm256_loadu_ps(w + i);
        mi = _mm256_add_ps(mi, _mm256_mul_ps(_mm256_sub_ps(gi, mi), vc1));
        vi = _mm256_add_ps(vi, _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(gi, gi), vi), vc2));
        __m256 den = _mm256_add_ps(_mm256_sqrt_ps(vi), ve);
        wi = _mm256_sub_ps(wi, _mm256_div_ps(_mm256_mul_ps(mi, va), den));
        _mm256_storeu_ps(m1 + i, mi);
        _mm256_storeu_ps(m2 + i, vi);
        _mm256_storeu_ps(w + i, wi);
    }
    return i;
}

static bool have_avx2(void)
{
    static int cached = -1;
    if (cached < 0)
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    return cached;
}
#endif

static const char *const opt_names[NN_OPT_COUNT] = { "SGD", "Adam", "AdamW", "RMSprop", "Adagrad" };

void nn_optim_config_init(NnOptimConfig *c, NnOptimKind kind)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->learning_rate = kind == NN_OPT_SGD ? 0.01 : 0.001;
    c->beta_1 = 0.9;
    c->beta_2 = 0.999;
    c->epsilon = 1e-7;
    c->rho = 0.9;
    c->initial_accumulator = 0.1;
    c->weight_decay = kind == NN_OPT_ADAMW ? 0.004 : 0;
}

bool nn_optim_from_name(const char *name, NnOptimKind *out)
{
    for (int k = 0; k < NN_OPT_COUNT; k++) {
        const char *s = opt_names[k], *t = name;
        while (*s && *t && (*s | 32) == (*t | 32))
            s++, t++;
        if (!*s && !*t) {
            *out = (NnOptimKind)k;
            return true;
        }
    }
    return false;
}

const char *nn_optim_class_name(NnOptimKind k) { return (unsigned)k < NN_OPT_COUNT ? opt_names[k] : "?"; }

static int nslots(const NnOptimConfig *o)
{
    switch (o->kind) {
    case NN_OPT_SGD: return o->momentum > 0;
    case NN_OPT_ADAM: case NN_OPT_ADAMW: return o->amsgrad ? 3 : 2;
    case NN_OPT_RMSPROP: return 1 + (o->momentum > 0) + o->centered;
    default: return 1;
    }
}

/* (Re)allocates and zeroes the moment blocks for the model's parameters. */
NnStatus nn_optim_alloc(NnCtx *ctx, NnModel *m)
{
    int k = nslots(&m->opt);
    for (int i = 0; i < 3; i++) {
        nn_free(ctx, m->slots[i]);
        m->slots[i] = NULL;
    }
    for (int i = 0; i < k; i++) {
        m->slots[i] = nn_calloc(ctx, (size_t)(m->nparams ? m->nparams : 1), sizeof(float),
                                "optimizer state");
        if (!m->slots[i])
            return NN_ENOMEM;
    }
    if (m->opt.kind == NN_OPT_ADAGRAD)
        for (int64_t i = 0; i < m->nparams; i++)
            m->slots[0][i] = (float)m->opt.initial_accumulator;
    m->iterations = 0;
    return NN_OK;
}

NnStatus nn_model_compile(NnCtx *ctx, NnModel *m, const NnOptimConfig *o, const NnLossConfig *l,
                          const NnMetricConfig *metrics, int nmetrics)
{
    if (nmetrics < 0 || nmetrics > NN_MAX_METRICS)
        return nn_error(ctx, NN_EARG, "compile: at most %d metrics are supported", NN_MAX_METRICS);
    if ((unsigned)o->kind >= NN_OPT_COUNT || !(o->learning_rate >= 0))
        return nn_error(ctx, NN_EARG, "compile: bad optimizer settings");
    if ((unsigned)l->kind >= NN_LOSS_COUNT)
        return nn_error(ctx, NN_EARG, "compile: unknown loss");
    m->opt = *o;
    m->loss = *l;
    m->nmetrics = nmetrics;
    strcpy(m->lognames[0], "loss");
    for (int i = 0; i < nmetrics; i++) {
        m->metrics[i] = metrics[i];
        m->resolved[i] = metrics[i].kind;
        if (!m->metrics[i].name[0]) {
            static const char *const def[NN_METRIC_COUNT] = {
                "accuracy", "binary_accuracy", "categorical_accuracy",
                "sparse_categorical_accuracy", "mse", "mae", "top_k_categorical_accuracy",
                "sparse_top_k_categorical_accuracy",
            };
            strcpy(m->metrics[i].name, def[metrics[i].kind]);
        }
        if (m->metrics[i].k <= 0)
            m->metrics[i].k = 5;
        snprintf(m->lognames[i + 1], sizeof m->lognames[0], "%s", m->metrics[i].name);
    }
    m->compiled = true;
    m->iterations = 0;
    if (m->built)
        return nn_optim_alloc(ctx, m);
    return NN_OK;
}

bool nn_model_is_compiled(const NnModel *m) { return m->compiled; }
const NnOptimConfig *nn_model_optim_config(const NnModel *m) { return &m->opt; }
const NnLossConfig *nn_model_loss_config(const NnModel *m) { return &m->loss; }
int nn_model_nmetrics(const NnModel *m) { return m->nmetrics; }
const NnMetricConfig *nn_model_metric_config(const NnModel *m, int i) { return &m->metrics[i]; }
double nn_model_get_lr(const NnModel *m) { return m->opt.learning_rate; }
void nn_model_set_lr(NnModel *m, double lr) { m->opt.learning_rate = lr; }
int64_t nn_model_optim_iterations(const NnModel *m) { return m->iterations; }
int nn_model_nlogs(const NnModel *m) { return 1 + m->nmetrics; }
const char *nn_model_log_name(const NnModel *m, int i) { return m->lognames[i]; }

/* ---------------------------------------------------------------- updates */

NN_VECTORIZE
static void sgd(const NnOptimConfig *o, float *restrict w, const float *restrict g,
                float *restrict v, int64_t n)
{
    float lr = (float)o->learning_rate, mo = (float)o->momentum;
    if (!v) {
        for (int64_t i = 0; i < n; i++)
            w[i] -= lr * g[i];
    } else if (o->nesterov) {
        for (int64_t i = 0; i < n; i++) {
            v[i] = mo * v[i] - lr * g[i];
            w[i] += mo * v[i] - lr * g[i];
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            v[i] = mo * v[i] - lr * g[i];
            w[i] += v[i];
        }
    }
}

/* Adam's step size at iteration t: lr * sqrt(1 - b2^t) / (1 - b1^t). */
static float adam_alpha(const NnOptimConfig *o, int64_t t)
{
    return (float)(o->learning_rate * sqrt(1 - pow(o->beta_2, (double)t)) /
                   (1 - pow(o->beta_1, (double)t)));
}

NN_VECTORIZE
static void adam(const NnOptimConfig *o, float alpha, float *restrict w, const float *restrict g,
                 float *restrict m1, float *restrict m2, float *restrict vh, int64_t n)
{
    float b1 = (float)o->beta_1, b2 = (float)o->beta_2, eps = (float)o->epsilon;
    float c1 = 1 - b1, c2 = 1 - b2;
    if (vh) {
        for (int64_t i = 0; i < n; i++) {
            m1[i] += (g[i] - m1[i]) * c1;
            m2[i] += (g[i] * g[i] - m2[i]) * c2;
            vh[i] = vh[i] > m2[i] ? vh[i] : m2[i];
            w[i] -= m1[i] * alpha / (sqrtf(vh[i]) + eps);
        }
        return;
    }
    int64_t i = 0;
#ifdef NN_HAVE_AVX2_PATH
    if (have_avx2())
        i = adam_avx2(w, g, m1, m2, n, c1, c2, alpha, eps);
#endif
    for (; i < n; i++) {
        m1[i] += (g[i] - m1[i]) * c1;
        m2[i] += (g[i] * g[i] - m2[i]) * c2;
        w[i] -= m1[i] * alpha / (sqrtf(m2[i]) + eps);
    }
}

NN_VECTORIZE
static void rmsprop(const NnOptimConfig *o, float *restrict w, const float *restrict g,
                    float *restrict v, float *restrict mom, float *restrict avg, int64_t n)
{
    float rho = (float)o->rho, lr = (float)o->learning_rate, eps = (float)o->epsilon;
    float mo = (float)o->momentum;
    for (int64_t i = 0; i < n; i++) {
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
        float den = v[i] + eps;
        if (avg) {
            avg[i] = rho * avg[i] + (1 - rho) * g[i];
            den -= avg[i] * avg[i];
        }
        float inc = lr * g[i] / sqrtf(den);
        if (mom) {
            mom[i] = mo * mom[i] + inc;
            inc = mom[i];
        }
        w[i] -= inc;
    }
}

NN_VECTORIZE
static void adagrad(const NnOptimConfig *o, float *restrict w, const float *restrict g,
                    float *restrict acc, int64_t n)
{
    float lr = (float)o->learning_rate, eps = (float)o->epsilon;
    for (int64_t i = 0; i < n; i++) {
        acc[i] += g[i] * g[i];
        w[i] -= lr * g[i] / sqrtf(acc[i] + eps);
    }
}

static void clip(const NnOptimConfig *o, float *g, int64_t n)
{
    if (o->clipvalue > 0) {
        float c = (float)o->clipvalue;
        for (int64_t i = 0; i < n; i++)
            g[i] = g[i] > c ? c : g[i] < -c ? -c : g[i];
    }
    if (o->clipnorm > 0) {
        double s = 0;
        for (int64_t i = 0; i < n; i++)
            s += (double)g[i] * g[i];
        s = sqrt(s);
        if (s > o->clipnorm)
            for (int64_t i = 0; i < n; i++)
                g[i] = (float)(g[i] * o->clipnorm / s);
    }
}

int nn_optim_nslots(const NnOptimConfig *o) { return nslots(o); }

/* The update of one weight array: clipping, weight decay, then the rule. */
void nn_optim_update(const NnOptimConfig *o, int64_t t, float *w, float *g, float *const *slots,
                     int64_t n)
{
    float *s0 = slots[0], *s1 = slots[1], *s2 = slots[2];
    clip(o, g, n);
    if (o->weight_decay > 0) {
        float k = (float)(o->weight_decay * o->learning_rate);
        for (int64_t i = 0; i < n; i++)
            w[i] -= w[i] * k;
    }
    switch (o->kind) {
    case NN_OPT_SGD: sgd(o, w, g, s0, n); break;
    case NN_OPT_ADAM: case NN_OPT_ADAMW: adam(o, adam_alpha(o, t), w, g, s0, s1, s2, n); break;
    case NN_OPT_RMSPROP:
        rmsprop(o, w, g, s0, o->momentum > 0 ? s1 : NULL,
                o->centered ? (o->momentum > 0 ? s2 : s1) : NULL, n);
        break;
    default: adagrad(o, w, g, s0, n); break;
    }
}

/* The update of parameters [off, off + n) of the block, in nn_optim_step
 * or ahead of it in a layer's backward pass (the caller then records the
 * layer as done with nn_optim_updated_early). */
void nn_optim_update_range(NnModel *m, int64_t off, int64_t n)
{
    float *slots[3];
    for (int k = 0; k < 3; k++)
        slots[k] = m->slots[k] ? m->slots[k] + off : NULL;
    nn_optim_update(&m->opt, m->iterations + 1, m->params + off, m->grads + off, slots, n);
}

typedef struct {
    NnModel *m;
    int64_t off, n;         /* the range left after the early updates */
    int parts;
} StepJob;

static void step_task(void *arg, int64_t lo, int64_t hi)
{
    const StepJob *j = arg;
    for (int64_t p = lo; p < hi; p++) {
        int64_t a = j->n * p / j->parts, b = j->n * (p + 1) / j->parts;
        nn_optim_update_range(j->m, j->off + a, b - a);
    }
}

/* Every rule is element-wise, so when no layer is frozen and no per-weight
 * norm is needed the whole block is one range, cut into one contiguous
 * part per thread, part p on thread p (the split never changes the
 * results), of at least 64k parameters: below that, the weights another
 * core updated must travel back to the core running the next forward
 * product, which cost as much as the split saved.  Part p of a 512x512
 * kernel is about the rows that thread p multiplies in the Dense layer's
 * regions (nn_dense_step.c). */
void nn_optim_step(NnModel *m)
{
    bool flat = m->opt.clipnorm == 0;
    for (int i = 0; flat && i < m->n; i++)
        flat = m->layers[i].cfg.trainable;
    if (flat) {
        StepJob j = { m, m->updated_prefix, m->nparams - m->updated_prefix, 1 };
        int64_t most = j.n >> 16;
        int threads = nn_ctx_threads(m->ctx);
        j.parts = most < 1 ? 1 : most < threads ? (int)most : threads;
        nn_parallel_parts(m->ctx, j.parts, step_task, &j);
    } else {
        for (int i = 0; i < m->n; i++) {
            NnLayer *L = &m->layers[i];
            if (!L->cfg.trainable)
                continue;
            for (int j = 0; j < L->nw; j++)
                if (L->w[j].trainable)
                    nn_optim_update_range(m, L->w[j].offset, L->w[j].numel);
        }
    }
    m->updated_prefix = 0;
    m->iterations++;
}

static const NnRegularizer *weight_reg(const NnLayer *L, int j);

/* A layer's update can run in its backward pass, as soon as its gradients
 * are complete, when every parameter's update depends on that parameter
 * alone: no gradient norm to clip (which needs the whole gradient) and no
 * regularization term (added to the gradients after the backward pass).
 * The layer's weights must start the parameter block, so that the pass
 * over the rest stays one contiguous range. */
bool nn_optim_can_update_early(const NnModel *m, const NnLayer *L)
{
    if (!m->update_early || m->opt.clipnorm != 0 || !L->cfg.trainable || L->nw < 1 ||
        L->w[0].offset != 0)
        return false;
    for (int i = 0; i < m->n; i++)
        if (!m->layers[i].cfg.trainable)
            return false;
    int64_t end = 0;
    for (int j = 0; j < L->nw; j++) {
        const NnRegularizer *r = weight_reg(L, j);
        if (!L->w[j].trainable || L->w[j].offset != end || (r && (r->l1 != 0 || r->l2 != 0)))
            return false;
        end += L->w[j].numel;
    }
    return true;
}

void nn_optim_updated_early(NnModel *m, const NnLayer *L)
{
    const NnWeight *w = &L->w[L->nw - 1];
    m->updated_prefix = w->offset + w->numel;
}

/* ---------------------------------------------------------------- regularization */

static const NnRegularizer *weight_reg(const NnLayer *L, int j)
{
    if (strcmp(L->w[j].name, "kernel") == 0)
        return &L->cfg.kernel_reg;
    if (strcmp(L->w[j].name, "bias") == 0)
        return &L->cfg.bias_reg;
    return NULL;
}

double nn_reg_loss(const NnModel *m)
{
    double total = 0;
    for (int i = 0; i < m->n; i++)
        for (int j = 0; j < m->layers[i].nw; j++) {
            const NnRegularizer *r = weight_reg(&m->layers[i], j);
            if (!r || (r->l1 == 0 && r->l2 == 0))
                continue;
            const float *w = nn_weight_ptr(m, &m->layers[i], j);
            double s1 = 0, s2 = 0;
            for (int64_t k = 0; k < m->layers[i].w[j].numel; k++) {
                s1 += fabs(w[k]);
                s2 += (double)w[k] * w[k];
            }
            total += r->l1 * s1 + r->l2 * s2;
        }
    return total;
}

void nn_reg_grad(NnModel *m)
{
    for (int i = 0; i < m->n; i++)
        for (int j = 0; j < m->layers[i].nw; j++) {
            const NnRegularizer *r = weight_reg(&m->layers[i], j);
            if (!r || (r->l1 == 0 && r->l2 == 0) || !m->layers[i].cfg.trainable)
                continue;
            const float *w = nn_weight_ptr(m, &m->layers[i], j);
            float *g = nn_grad_ptr(m, &m->layers[i], j);
            float l1 = (float)r->l1, l2 = (float)(2 * r->l2);
            for (int64_t k = 0; k < m->layers[i].w[j].numel; k++)
                g[k] += l1 * (float)((w[k] > 0) - (w[k] < 0)) + l2 * w[k];
        }
}
