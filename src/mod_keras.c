/* mod_keras.c - the keras module and its small namespaces: optimizers,
 * losses, metrics, initializers, regularizers (configuration objects read
 * by compile and the layer constructors), activations, utils, backend,
 * models; session-wide automatic names; keras_install, which registers
 * `keras`, `tensorflow.keras` and the tf extension `nnsh.tf_keras`.
 *
 * Owned by the model-runtime engineer.  Other parts add submodules to keras
 * by registering a module under a name of keras_extensions (e.g.
 * "nnsh.keras_datasets" with an attribute `datasets`); its public attributes
 * are copied into keras when keras is created.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"
#include "modules.h"

static const char *const keras_extensions[] = {
    "nnsh.keras_datasets", "nnsh.keras_preprocessing", "nnsh.keras_extra", NULL
};

/* ---------------------------------------------------------------- names */

static bool state_dict(Interp *I, Value *out)
{
    Value k;
    bool found = false;
    if (!interp_import(I, "keras", &k))
        return false;
    bool ok = module_get(I, k, "_uids", out, &found);
    value_decref(k);
    if (ok && !found)
        return interp_error(I, ERR_RUNTIME, "keras: session state missing");
    return ok;
}

bool keras_unique_name(Interp *I, const char *base, char *buf, size_t size)
{
    Value d, n;
    bool found;
    if (!state_dict(I, &d))
        return false;
    bool ok = dict_get_str(I, d, base, &n, &found);
    int64_t k = ok && found && n.kind == VAL_INT ? n.as.i : 0;
    if (ok)
        ok = dict_set_str(I, d, base, val_int(k + 1));
    value_decref(d);
    if (k == 0)
        snprintf(buf, size, "%s", base);
    else
        snprintf(buf, size, "%s_%lld", base, (long long)k);
    return ok;
}

bool keras_clear_session(Interp *I)
{
    Value k, d;
    if (!interp_import(I, "keras", &k))
        return false;
    bool ok = dict_new(I, &d) && module_set(I, k, "_uids", d);
    value_decref(d);
    value_decref(k);
    return ok;
}

/* ---------------------------------------------------------------- configuration objects */

typedef enum { KO_OPT, KO_LOSS, KO_METRIC, KO_INIT, KO_REG } KObjKind;

/* Optimizer state of one variable updated by apply_gradients. */
typedef struct {
    Value var;              /* the variable (owned) */
    int64_t n;
    float *slots[3];
} VarSlots;

typedef struct {
    KObjKind kind;
    int sub;                /* NnOptimKind / NnLossKind / ... / 0 L1 1 L2 2 L1L2 */
    int64_t iterations;     /* apply_gradients steps */
    int nvars;
    VarSlots *vars;
    NnOptimConfig opt;
    NnLossConfig loss;
    NnMetricConfig metric;
    double msum, mcount;    /* a metric object's state (update_state / result) */
    NnInit init;
    NnRegularizer reg;
    char name[48];
} KObj;

static void kobj_finalize(void *d)
{
    KObj *k = d;
    for (int i = 0; i < k->nvars; i++) {
        value_decref(k->vars[i].var);
        for (int j = 0; j < 3; j++)
            free(k->vars[i].slots[j]);
    }
    free(k->vars);
    free(k);
}
static bool kobj_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
static bool kobj_setattr(Interp *I, Value self, const char *name, Value v);
static bool kobj_repr(Interp *I, Value self, StrBuf *sb);
static bool loss_call(Interp *I, Value self, const Args *a, Value *out);
static bool kobj_get_config(Interp *I, Value self, const Args *a, Value *out);
static bool opt_apply_gradients(Interp *I, Value self, const Args *a, Value *out);
static const NativeDef kobj_methods[] = {
    {"get_config", kobj_get_config, "get_config()", "The object's configuration as a dict."},
    {NULL, NULL, NULL, NULL},
};
static const NativeDef opt_methods[] = {
    {"get_config", kobj_get_config, "get_config()", "The object's configuration as a dict."},
    {"apply_gradients", opt_apply_gradients, "apply_gradients(grads_and_vars, name=None)",
     "One update of each variable by its gradient (custom training loops):\n"
     "    optimizer.apply_gradients(zip(grads, model_vars))"},
    {NULL, NULL, NULL, NULL},
};

/* M (KCLASS, OCLASS, LCLASS): the module tf.keras 2.12 defines the class in,
 * shown by its repr and __module__ (<class 'keras.optimizers.adam.Adam'>). */
#define KCLASS(N, M) { .name = N, .finalize = kobj_finalize, .getattr = kobj_getattr, \
    .setattr = kobj_setattr, .repr = kobj_repr, .methods = kobj_methods, .module = M }
#define OCLASS(N, M) { .name = N, .finalize = kobj_finalize, .getattr = kobj_getattr, \
    .setattr = kobj_setattr, .repr = kobj_repr, .methods = opt_methods, .module = M }
#define MCLASS(N) { .name = N, .finalize = kobj_finalize, .getattr = kobj_getattr, \
    .setattr = kobj_setattr, .repr = kobj_repr, .call = keras_metric_call, \
    .methods = keras_metric_methods }
#define LCLASS(N) { .name = N, .finalize = kobj_finalize, .getattr = kobj_getattr, \
    .setattr = kobj_setattr, .repr = kobj_repr, .call = loss_call, .methods = kobj_methods, \
    .module = "keras.losses" }

static const NativeClass opt_classes[NN_OPT_COUNT] = {
    OCLASS("SGD", "keras.optimizers.sgd"), OCLASS("Adam", "keras.optimizers.adam"),
    OCLASS("AdamW", "keras.optimizers.adamw"), OCLASS("RMSprop", "keras.optimizers.rmsprop"),
    OCLASS("Adagrad", "keras.optimizers.adagrad"),
};
static const NativeClass loss_classes[NN_LOSS_COUNT] = {
    LCLASS("MeanSquaredError"), LCLASS("MeanAbsoluteError"), LCLASS("CategoricalCrossentropy"),
    LCLASS("SparseCategoricalCrossentropy"), LCLASS("BinaryCrossentropy"), LCLASS("Hinge"),
    LCLASS("SquaredHinge"), LCLASS("Huber"),
};
/* the metric kinds, then Mean (kind NN_METRIC_COUNT: the mean of the values given) */
static const NativeClass metric_classes[NN_METRIC_COUNT + 1] = {
    MCLASS("Accuracy"), MCLASS("BinaryAccuracy"), MCLASS("CategoricalAccuracy"),
    MCLASS("SparseCategoricalAccuracy"), MCLASS("MeanSquaredError"), MCLASS("MeanAbsoluteError"),
    MCLASS("TopKCategoricalAccuracy"), MCLASS("SparseTopKCategoricalAccuracy"), MCLASS("Mean"),
};
/* the initializers keep the bare name in their repr (no module given) */
static const NativeClass init_classes[NN_INIT_COUNT] = {
    KCLASS("GlorotUniform", NULL), KCLASS("GlorotNormal", NULL), KCLASS("HeUniform", NULL),
    KCLASS("HeNormal", NULL), KCLASS("LecunUniform", NULL), KCLASS("LecunNormal", NULL),
    KCLASS("Zeros", NULL), KCLASS("Ones", NULL), KCLASS("Constant", NULL),
    KCLASS("RandomNormal", NULL), KCLASS("RandomUniform", NULL), KCLASS("TruncatedNormal", NULL),
};
static const NativeClass reg_classes[3] = {
    KCLASS("L1", "keras.regularizers"), KCLASS("L2", "keras.regularizers"),
    KCLASS("L1L2", "keras.regularizers"),
};

static KObj *kobj(Value v)
{
    if (!val_is_obj(v, OBJ_NATIVE_OBJ))
        return NULL;
    const NativeClass *c = ((ObjNativeObj *)v.as.o)->cls;
    if (c->finalize != kobj_finalize)
        return NULL;
    return ((ObjNativeObj *)v.as.o)->data;
}

static bool kobj_new(Interp *I, const NativeClass *cls, const KObj *k, Value *out)
{
    KObj *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    *d = *k;
    d->iterations = 0;
    d->nvars = 0;
    d->vars = NULL;
    return native_obj_new(I, cls, d, out);
}

/* The moments of variable v (created at its first update). */
static VarSlots *var_slots(Interp *I, KObj *k, Value v, int64_t n)
{
    for (int i = 0; i < k->nvars; i++)
        if (k->vars[i].var.as.o == v.as.o)
            return k->vars[i].n == n ? &k->vars[i] : NULL;
    VarSlots *vs = realloc(k->vars, sizeof *vs * (size_t)(k->nvars + 1));
    if (!vs) {
        interp_error(I, ERR_MEMORY, "out of memory");
        return NULL;
    }
    k->vars = vs;
    VarSlots *s = &vs[k->nvars];
    memset(s, 0, sizeof *s);
    s->n = n;
    for (int j = 0; j < nn_optim_nslots(&k->opt); j++)
        if (!(s->slots[j] = calloc((size_t)(n ? n : 1), sizeof(float)))) {
            for (int q = 0; q < j; q++)
                free(s->slots[q]);
            interp_error(I, ERR_MEMORY, "out of memory");
            return NULL;
        }
    if (k->opt.kind == NN_OPT_ADAGRAD)
        for (int64_t i = 0; i < n; i++)
            s->slots[0][i] = (float)k->opt.initial_accumulator;
    s->var = v;
    value_incref(v);
    k->nvars++;
    return s;
}

/* One update of a float32 variable by its gradient gt (borrowed). */
static bool apply_tensor(Interp *I, KObj *k, NnTensor *gt, Value v)
{
    NnTensor *w = tensor_value_get(v);
    if (!w || w->dtype != NN_F32 || !nn_tensor_is_contiguous(w))
        return interp_error(I, ERR_TYPE, "apply_gradients: expected float32 tf.Variable objects, "
                            "got %s", value_type_name(v));
    int64_t n = nn_tensor_numel(w);
    bool ok = nn_tensor_numel(gt) == n ||
              interp_error(I, ERR_VALUE, "apply_gradients: a gradient of %lld values for a "
                           "variable of %lld", (long long)nn_tensor_numel(gt), (long long)n);
    float *gc = ok ? malloc(sizeof(float) * (size_t)(n ? n : 1)) : NULL;
    VarSlots *s = ok ? var_slots(I, k, v, n) : NULL;
    if (ok && (!gc || !s))
        ok = s ? interp_error(I, ERR_MEMORY, "out of memory")
               : interp_error_pending(I) ? false
               : interp_error(I, ERR_VALUE, "apply_gradients: the variable changed size");
    if (ok) {
        for (int64_t i = 0; i < n; i++)
            gc[i] = (float)nn_tensor_get_f64(gt, i);
        nn_optim_update(&k->opt, k->iterations + 1, nn_tensor_data(w), gc, s->slots, n);
    }
    free(gc);
    return ok;
}

static bool apply_one(Interp *I, KObj *k, Value g, Value v)
{
    NnTensor *gt;
    if (!tensor_from_value(I, g, NN_F32, TENSOR_TF, &gt))
        return false;
    bool ok = apply_tensor(I, k, gt, v);
    nn_tensor_unref(gt);
    return ok;
}

bool keras_optimizer_apply(Interp *I, Value opt, NnTensor *const *grads, const Value *vars, int n)
{
    KObj *k = kobj(opt);
    if (!k || k->kind != KO_OPT)
        return interp_error(I, ERR_TYPE, "expected an optimizer, not %s", value_type_name(opt));
    for (int i = 0; i < n; i++)
        if (grads[i] && !apply_tensor(I, k, grads[i], vars[i]))
            return false;
    k->iterations++;
    return true;
}

static bool opt_apply_gradients(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], items;
    KObj *k = kobj(self);
    if (!args_parse(I, "apply_gradients", a, "grads_and_vars, name=, "
                    "skip_gradients_aggregation=", v) || !value_to_list(I, v[0], &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value pair;
        ok = value_to_list(I, as_list(items)->items[i], &pair);
        if (!ok)
            break;
        ObjList *p = as_list(pair);
        if (p->len != 2)
            ok = interp_error(I, ERR_VALUE, "apply_gradients expects (gradient, variable) pairs");
        else if (p->items[0].kind != VAL_NONE)
            ok = apply_one(I, k, p->items[0], p->items[1]);
        value_decref(pair);
    }
    value_decref(items);
    if (!ok)
        return false;
    *out = val_int(++k->iterations);
    return true;
}

/* A metric object's config and running state (NULL when v is not one). */
NnMetricConfig *keras_metric_state(Value v, double **sum, double **count)
{
    KObj *k = kobj(v);
    if (!k || k->kind != KO_METRIC)
        return NULL;
    *sum = &k->msum;
    *count = &k->mcount;
    return &k->metric;
}

/* fit and train_on_batch count their steps on the optimizer object too. */
void keras_optimizer_add_iterations(Value v, int64_t n)
{
    KObj *k = kobj(v);
    if (k && k->kind == KO_OPT)
        k->iterations += n;
}

NnOptimConfig *keras_optimizer_config(Value v)
{
    KObj *k = kobj(v);
    return k && k->kind == KO_OPT ? &k->opt : NULL;
}

static bool kobj_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    KObj *k = kobj(self);
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, k->name, out);
    if (k->kind == KO_OPT) {
        const NnOptimConfig *o = &k->opt;
        double lr = o->learning_rate;
        if (strcmp(name, "learning_rate") == 0 || strcmp(name, "lr") == 0) {
            *out = val_float((float)lr);
            return true;
        }
        if (strcmp(name, "iterations") == 0) {
            NnTensor *t = nn_tensor_scalar_i64(interp_nn(I), NN_I64, k->iterations);
            return t ? tensor_variable_new(I, t, "iteration:0", false, out) : interp_error_from_nn(I);
        }
        struct { const char *n; double v; } f[] = {
            { "momentum", o->momentum }, { "beta_1", o->beta_1 }, { "beta_2", o->beta_2 },
            { "epsilon", o->epsilon }, { "rho", o->rho }, { "weight_decay", o->weight_decay },
            { "initial_accumulator_value", o->initial_accumulator },
        };
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
            if (strcmp(name, f[i].n) == 0) {
                *out = val_float(f[i].v);
                return true;
            }
        if (strcmp(name, "nesterov") == 0 || strcmp(name, "amsgrad") == 0 ||
            strcmp(name, "centered") == 0) {
            *out = val_bool(name[0] == 'n' ? o->nesterov : name[0] == 'a' ? o->amsgrad : o->centered);
            return true;
        }
    }
    if (k->kind == KO_LOSS && strcmp(name, "from_logits") == 0) {
        *out = val_bool(k->loss.from_logits);
        return true;
    }
    if (k->kind == KO_REG && (strcmp(name, "l1") == 0 || strcmp(name, "l2") == 0)) {
        *out = val_float(name[1] == '1' ? k->reg.l1 : k->reg.l2);
        return true;
    }
    *found = false;
    return true;
}

static bool kobj_setattr(Interp *I, Value self, const char *name, Value v)
{
    KObj *k = kobj(self);
    if (k->kind == KO_OPT && (strcmp(name, "learning_rate") == 0 || strcmp(name, "lr") == 0)) {
        double lr;
        if (!arg_float(I, "optimizer", name, v, &lr))
            return false;
        k->opt.learning_rate = lr;
        return true;
    }
    return interp_error(I, ERR_ATTRIBUTE, "can't set attribute '%s'", name);
}

static bool kobj_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    static const char *const mods[] = {
        "keras.optimizers", "keras.losses", "keras.metrics", "keras.initializers",
        "keras.regularizers",
    };
    KObj *k = kobj(self);
    const char *cls = ((ObjNativeObj *)self.as.o)->cls->name;
    if (k->kind == KO_OPT) {    /* keras.optimizers.adam.Adam, as TF 2.12 */
        char lower[32];
        size_t i = 0;
        for (; cls[i] && i < sizeof lower - 1; i++)
            lower[i] = (char)(cls[i] >= 'A' && cls[i] <= 'Z' ? cls[i] + 32 : cls[i]);
        lower[i] = 0;
        sb_printf(sb, "<keras.optimizers.%s.%s object at %p>", lower, cls, (void *)self.as.o);
        return true;
    }
    sb_printf(sb, "<%s.%s object at %p>", mods[k->kind], cls, (void *)self.as.o);
    return true;
}

static bool kobj_get_config(Interp *I, Value self, const Args *a, Value *out)
{
    Value none_[1], d, s;
    KObj *k = kobj(self);
    if (!args_parse(I, "get_config", a, "", none_) || !dict_new(I, &d))
        return false;
    bool ok = str_from_cstr(I, k->name, &s) && dict_set_str(I, d, "name", s);
    value_decref(s);
    if (ok && k->kind == KO_OPT)
        ok = dict_set_str(I, d, "learning_rate", val_float((float)k->opt.learning_rate));
    if (ok && k->kind == KO_LOSS)
        ok = dict_set_str(I, d, "from_logits", val_bool(k->loss.from_logits));
    if (ok && k->kind == KO_REG)
        ok = dict_set_str(I, d, "l1", val_float(k->reg.l1)) &&
             dict_set_str(I, d, "l2", val_float(k->reg.l2));
    if (!ok) {
        value_decref(d);
        return false;
    }
    *out = d;
    return true;
}

/* loss(y_true, y_pred): the reduced loss as a float32 scalar tensor. */
static bool loss_call(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *yt = NULL, *yp = NULL;
    KObj *k = kobj(self);
    if (!args_parse(I, k->name, a, "y_true, y_pred, sample_weight=", v))
        return false;
    bool ok = tensor_from_value(I, v[0], -1, TENSOR_TF, &yt) &&
              tensor_from_value(I, v[1], -1, TENSOR_TF, &yp) &&
              keras_loss_call(I, &k->loss, yt, yp, out);
    nn_tensor_unref(yt);
    nn_tensor_unref(yp);
    return ok;
}

/* ---- constructors ---- */

static int class_index(Value type, const NativeClass *table, int n)
{
    const NativeClass *c = type_native_class(type);
    return c && c >= table && c < table + n ? (int)(c - table) : 0;
}

static bool name_arg(Interp *I, const char *f, Value v, const char *dflt, char *buf)
{
    const char *n = dflt;
    if (v.kind != VAL_UNSET && v.kind != VAL_NONE && !arg_str(I, f, "name", v, &n))
        return false;
    snprintf(buf, 48, "%s", n);
    return true;
}

static bool optf(Interp *I, const char *f, const char *p, Value v, double *out)
{
    return v.kind == VAL_UNSET || v.kind == VAL_NONE || arg_float(I, f, p, v, out);
}

static bool optb(Interp *I, const char *f, const char *p, Value v, bool *out)
{
    return v.kind == VAL_UNSET || arg_bool(I, f, p, v, out);
}

static const char *const opt_specs[NN_OPT_COUNT] = {
    "learning_rate=, momentum=, nesterov=, weight_decay=, clipnorm=, clipvalue=, "
    "global_clipnorm=, use_ema=, ema_momentum=, ema_overwrite_frequency=, jit_compile=, name=, *, lr=",
    "learning_rate=, beta_1=, beta_2=, epsilon=, amsgrad=, weight_decay=, clipnorm=, clipvalue=, "
    "global_clipnorm=, use_ema=, ema_momentum=, ema_overwrite_frequency=, jit_compile=, name=, *, lr=",
    "learning_rate=, weight_decay=, beta_1=, beta_2=, epsilon=, amsgrad=, clipnorm=, clipvalue=, "
    "global_clipnorm=, use_ema=, ema_momentum=, ema_overwrite_frequency=, jit_compile=, name=, *, lr=",
    "learning_rate=, rho=, momentum=, epsilon=, centered=, weight_decay=, clipnorm=, clipvalue=, "
    "global_clipnorm=, use_ema=, ema_momentum=, ema_overwrite_frequency=, jit_compile=, name=, *, lr=",
    "learning_rate=, initial_accumulator_value=, epsilon=, weight_decay=, clipnorm=, clipvalue=, "
    "global_clipnorm=, use_ema=, ema_momentum=, ema_overwrite_frequency=, jit_compile=, name=, *, lr=",
};

/* Reads keyword `key` from the parsed values by its position in spec. */
static Value spec_get(const char *spec, const Value *v, const char *key)
{
    int i = 0;
    size_t kl = strlen(key);
    for (const char *p = spec; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*') {
            p++;
            continue;
        }
        const char *e = p;
        while (*e && *e != '=' && *e != ',')
            e++;
        if ((size_t)(e - p) == kl && strncmp(p, key, kl) == 0)
            return v[i];
        i++;
        while (*e && *e != ',')
            e++;
        p = e;
    }
    Value u = {0};
    return u;
}

static bool optimizer_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    int k = class_index(self, opt_classes, NN_OPT_COUNT);
    const char *f = opt_classes[k].name, *sp = opt_specs[k];
    Value v[24];
    KObj o = { .kind = KO_OPT, .sub = k };
    nn_optim_config_init(&o.opt, (NnOptimKind)k);
    if (!args_parse(I, f, a, sp, v))
        return false;
    NnOptimConfig *c = &o.opt;
    Value lr = spec_get(sp, v, "learning_rate");
    if (lr.kind == VAL_UNSET)
        lr = spec_get(sp, v, "lr");
    if (!optf(I, f, "learning_rate", lr, &c->learning_rate) ||
        !optf(I, f, "momentum", spec_get(sp, v, "momentum"), &c->momentum) ||
        !optb(I, f, "nesterov", spec_get(sp, v, "nesterov"), &c->nesterov) ||
        !optf(I, f, "beta_1", spec_get(sp, v, "beta_1"), &c->beta_1) ||
        !optf(I, f, "beta_2", spec_get(sp, v, "beta_2"), &c->beta_2) ||
        !optf(I, f, "epsilon", spec_get(sp, v, "epsilon"), &c->epsilon) ||
        !optb(I, f, "amsgrad", spec_get(sp, v, "amsgrad"), &c->amsgrad) ||
        !optf(I, f, "weight_decay", spec_get(sp, v, "weight_decay"), &c->weight_decay) ||
        !optf(I, f, "rho", spec_get(sp, v, "rho"), &c->rho) ||
        !optb(I, f, "centered", spec_get(sp, v, "centered"), &c->centered) ||
        !optf(I, f, "initial_accumulator_value", spec_get(sp, v, "initial_accumulator_value"),
              &c->initial_accumulator) ||
        !optf(I, f, "clipnorm", spec_get(sp, v, "clipnorm"), &c->clipnorm) ||
        !optf(I, f, "clipvalue", spec_get(sp, v, "clipvalue"), &c->clipvalue) ||
        !name_arg(I, f, spec_get(sp, v, "name"), f, o.name))
        return false;
    if (c->learning_rate < 0 || c->momentum < 0 || c->momentum > 1)
        return interp_error(I, ERR_VALUE, "%s: learning_rate must be >= 0 and momentum in [0, 1]", f);
    return kobj_new(I, &opt_classes[k], &o, out);
}

static bool loss_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    int k = class_index(self, loss_classes, NN_LOSS_COUNT);
    const char *f = loss_classes[k].name;
    Value v[6];
    KObj o = { .kind = KO_LOSS, .sub = k };
    nn_loss_config_init(&o.loss, (NnLossKind)k);
    bool ce = k == NN_LOSS_CCE || k == NN_LOSS_SPARSE_CCE || k == NN_LOSS_BCE;
    const char *spec = k == NN_LOSS_HUBER ? "delta=, reduction=, name=" :
                       ce ? "from_logits=, label_smoothing=, axis=, reduction=, name=, ignore_class=" :
                            "reduction=, name=";
    if (!args_parse(I, f, a, spec, v))
        return false;
    if (k == NN_LOSS_HUBER) {
        if (!optf(I, f, "delta", v[0], &o.loss.delta) || !name_arg(I, f, v[2], "huber_loss", o.name))
            return false;
    } else if (ce) {
        if (!optb(I, f, "from_logits", v[0], &o.loss.from_logits) ||
            (k != NN_LOSS_SPARSE_CCE && !optf(I, f, "label_smoothing", v[1], &o.loss.label_smoothing)) ||
            !name_arg(I, f, v[4], nn_loss_name((NnLossKind)k), o.name))
            return false;
    } else if (!name_arg(I, f, v[1], nn_loss_name((NnLossKind)k), o.name)) {
        return false;
    }
    return kobj_new(I, &loss_classes[k], &o, out);
}

static bool metric_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    static const char *const dflt[NN_METRIC_COUNT + 1] = {
        "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "mean_squared_error", "mean_absolute_error", "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy", "mean",
    };
    int k = class_index(self, metric_classes, NN_METRIC_COUNT + 1);
    const char *f = metric_classes[k].name;
    Value v[4];
    KObj o = { .kind = KO_METRIC, .sub = k };
    nn_metric_config_init(&o.metric, (NnMetricKind)k);
    int64_t kk = 5;
    if (!args_parse(I, f, a, k == NN_METRIC_BINARY_ACCURACY ? "name=, dtype=, threshold=" :
                    (k == NN_METRIC_TOP_K || k == NN_METRIC_SPARSE_TOP_K) ? "k=, name=, dtype=" :
                    "name=, dtype=", v))
        return false;
    bool topk = k == NN_METRIC_TOP_K || k == NN_METRIC_SPARSE_TOP_K;
    if ((topk && v[0].kind != VAL_UNSET && !arg_int(I, f, "k", v[0], &kk)) ||
        (k == NN_METRIC_BINARY_ACCURACY && !optf(I, f, "threshold", v[2], &o.metric.threshold)) ||
        !name_arg(I, f, v[topk ? 1 : 0], dflt[k], o.name))
        return false;
    o.metric.k = (int)kk;
    snprintf(o.metric.name, sizeof o.metric.name, "%s", o.name);
    return kobj_new(I, &metric_classes[k], &o, out);
}

static bool init_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    int k = class_index(self, init_classes, NN_INIT_COUNT);
    const char *f = init_classes[k].name;
    Value v[3];
    KObj o = { .kind = KO_INIT, .sub = k };
    nn_init_from_name(f, &o.init);
    snprintf(o.name, sizeof o.name, "%s", f);
    if (k == NN_INIT_CONSTANT) {
        if (!args_parse(I, f, a, "value=", v) || !optf(I, f, "value", v[0], &o.init.a))
            return false;
    } else if (k == NN_INIT_RANDOM_NORMAL || k == NN_INIT_TRUNCATED_NORMAL) {
        if (!args_parse(I, f, a, "mean=, stddev=, seed=", v) || !optf(I, f, "mean", v[0], &o.init.a) ||
            !optf(I, f, "stddev", v[1], &o.init.b))
            return false;
    } else if (k == NN_INIT_RANDOM_UNIFORM) {
        if (!args_parse(I, f, a, "minval=, maxval=, seed=", v) ||
            !optf(I, f, "minval", v[0], &o.init.a) || !optf(I, f, "maxval", v[1], &o.init.b))
            return false;
    } else if (!args_parse(I, f, a, "seed=", v)) {
        return false;
    }
    return kobj_new(I, &init_classes[k], &o, out);
}

static bool reg_make(Interp *I, const Args *a, int k, double d1, double d2, const char *f,
                     Value *out)
{
    Value v[2];
    KObj o = { .kind = KO_REG, .sub = k };
    snprintf(o.name, sizeof o.name, "%s", reg_classes[k].name);
    o.reg.l1 = d1;
    o.reg.l2 = d2;
    const char *spec = k == 0 ? "l1=" : k == 1 ? "l2=" : "l1=, l2=";
    if (!args_parse(I, f, a, spec, v))
        return false;
    if (k == 0 && !optf(I, f, "l1", v[0], &o.reg.l1))
        return false;
    if (k == 1 && !optf(I, f, "l2", v[0], &o.reg.l2))
        return false;
    if (k == 2 && (!optf(I, f, "l1", v[0], &o.reg.l1) || !optf(I, f, "l2", v[1], &o.reg.l2)))
        return false;
    return kobj_new(I, &reg_classes[k], &o, out);
}

static bool reg_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    int k = class_index(self, reg_classes, 3);
    return reg_make(I, a, k, k == 0 ? 0.01 : 0, k == 1 ? 0.01 : 0, reg_classes[k].name, out);
}

static bool reg_l1_l2(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return reg_make(I, a, 2, 0.01, 0.01, "l1_l2", out);
}

/* ---------------------------------------------------------------- argument readers */

bool keras_optimizer_arg(Interp *I, Value v, NnOptimConfig *cfg, Value *obj)
{
    KObj *k = kobj(v);
    if (k && k->kind == KO_OPT) {
        *cfg = k->opt;
        value_incref(v);
        *obj = v;
        return true;
    }
    const char *s;
    NnOptimKind kind;
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_VALUE, "Could not interpret optimizer identifier: %s",
                            value_type_name(v));
    s = str_cstr(v);
    if (!nn_optim_from_name(s, &kind))
        return interp_error(I, ERR_VALUE, "Could not interpret optimizer identifier: %s", s);
    KObj o = { .kind = KO_OPT, .sub = kind };
    nn_optim_config_init(&o.opt, kind);
    snprintf(o.name, sizeof o.name, "%s", nn_optim_class_name(kind));
    *cfg = o.opt;
    return kobj_new(I, &opt_classes[kind], &o, obj);
}

bool keras_loss_arg(Interp *I, Value v, NnLossConfig *cfg)
{
    KObj *k = kobj(v);
    NnLossKind kind;
    if (k && k->kind == KO_LOSS) {
        *cfg = k->loss;
        return true;
    }
    if (val_is_obj(v, OBJ_NATIVE)) {
        const NativeDef *d = native_def(v);
        if (d && nn_loss_from_name(d->name, &kind)) {
            nn_loss_config_init(cfg, kind);
            return true;
        }
        if (d)
            return interp_error(I, ERR_VALUE, "compile: fit cannot train with the loss function "
                                "%s; it trains with mean_squared_error, mean_absolute_error, "
                                "categorical_crossentropy, sparse_categorical_crossentropy, "
                                "binary_crossentropy, hinge, squared_hinge and huber (other losses "
                                "work in a GradientTape loop)", d->name);
    }
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_VALUE, "Could not interpret loss function identifier: %s",
                            value_type_name(v));
    if (!nn_loss_from_name(str_cstr(v), &kind))
        return interp_error(I, ERR_VALUE, "Unknown loss function: '%s'. Please ensure you are "
                            "using a `keras.utils.custom_object_scope` and that this object is "
                            "included in the scope.", str_cstr(v));
    nn_loss_config_init(cfg, kind);
    return true;
}

bool keras_metric_arg(Interp *I, Value v, NnMetricConfig *cfg)
{
    KObj *k = kobj(v);
    if (k && k->kind == KO_METRIC) {
        if (k->metric.kind == NN_METRIC_COUNT)
            return interp_error(I, ERR_VALUE, "compile: metrics.Mean averages values given to it "
                                "in custom loops; compile takes metrics of (y_true, y_pred)");
        *cfg = k->metric;
        return true;
    }
    if (k && k->kind == KO_LOSS && (k->sub == NN_LOSS_MSE || k->sub == NN_LOSS_MAE)) {
        nn_metric_config_init(cfg, k->sub == NN_LOSS_MSE ? NN_METRIC_MSE : NN_METRIC_MAE);
        snprintf(cfg->name, sizeof cfg->name, "%s", k->name);
        return true;
    }
    const char *s = val_is_obj(v, OBJ_STR) ? str_cstr(v) : NULL;
    if (!s && val_is_obj(v, OBJ_NATIVE) && native_def(v))
        s = native_def(v)->name;
    if (!s)
        return interp_error(I, ERR_VALUE, "Could not interpret metric identifier: %s",
                            value_type_name(v));
    if (!nn_metric_from_name(s, cfg))
        return interp_error(I, ERR_VALUE, "Unknown metric function: '%s'. Please ensure you are "
                            "using a `keras.utils.custom_object_scope` and that this object is "
                            "included in the scope.", s);
    return true;
}

bool keras_init_arg(Interp *I, const char *fname, const char *pname, Value v, NnInit *out)
{
    KObj *k = kobj(v);
    if (v.kind == VAL_UNSET)
        return true;
    if (k && k->kind == KO_INIT) {
        *out = k->init;
        return true;
    }
    if (val_is_obj(v, OBJ_STR) && nn_init_from_name(str_cstr(v), out))
        return true;
    if (val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_VALUE, "Unknown initializer: '%s'. Please ensure you are using "
                            "a `keras.utils.custom_object_scope` and that this object is included "
                            "in the scope.", str_cstr(v));
    return interp_error(I, ERR_TYPE, "%s() argument '%s' must be an initializer name or object, "
                        "not %s", fname, pname, value_type_name(v));
}

bool keras_reg_arg(Interp *I, const char *fname, const char *pname, Value v, NnRegularizer *out)
{
    KObj *k = kobj(v);
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (k && k->kind == KO_REG) {
        *out = k->reg;
        return true;
    }
    if (val_is_obj(v, OBJ_STR)) {
        const char *s = str_cstr(v);
        if (strcmp(s, "l1") == 0 || strcmp(s, "L1") == 0) {
            out->l1 = 0.01;
            return true;
        }
        if (strcmp(s, "l2") == 0 || strcmp(s, "L2") == 0) {
            out->l2 = 0.01;
            return true;
        }
        if (strcmp(s, "l1_l2") == 0 || strcmp(s, "L1L2") == 0) {
            out->l1 = out->l2 = 0.01;
            return true;
        }
        return interp_error(I, ERR_VALUE, "Unknown regularizer: '%s'. Please ensure you are "
                            "using a `keras.utils.custom_object_scope` and that this object is "
                            "included in the scope.", s);
    }
    return interp_error(I, ERR_TYPE, "%s() argument '%s' must be a regularizer, not %s", fname,
                        pname, value_type_name(v));
}

bool keras_activation_arg(Interp *I, const char *fname, Value v, NnActivation *out)
{
    const char *s = NULL;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        *out = NN_ACT_LINEAR;
        return true;
    }
    if (val_is_obj(v, OBJ_STR))
        s = str_cstr(v);
    else if (val_is_obj(v, OBJ_NATIVE) && native_def(v))
        s = native_def(v)->name;
    if (s && strcmp(s, "leaky_relu") == 0) {
        *out = NN_ACT_LEAKY_RELU;
        return true;
    }
    if (s && nn_activation_from_name(s, out))
        return true;
    if (s)
        return interp_error(I, ERR_VALUE, "Unknown activation function: '%s'. Please ensure you "
                            "are using a `keras.utils.custom_object_scope` and that this object "
                            "is included in the scope.", s);
    return interp_error(I, ERR_TYPE, "%s() argument 'activation' must be a name or a built-in "
                        "activation function, not %s", fname, value_type_name(v));
}

static const NativeDef reg_fn_defs[] = {
    {"l1_l2", reg_l1_l2, "l1_l2(l1=0.01, l2=0.01)", "An L1L2 regularizer."},
    {NULL, NULL, NULL, NULL},
};

/* ---------------------------------------------------------------- modules */

static bool add_classes(Interp *I, Value mod, const NativeClass *cls, int n, NativeFn ctor)
{
    for (int i = 0; i < n; i++) {
        Value t;
        if (!keras_class_type(I, &cls[i], ctor, &t))
            return false;
        bool ok = module_set(I, mod, cls[i].name, t);
        value_decref(t);
        if (!ok)
            return false;
    }
    return true;
}

/* mod.alias = mod.target */
static bool alias(Interp *I, Value mod, const char *name, const char *target)
{
    Value v;
    bool found;
    if (!module_get(I, mod, target, &v, &found))
        return false;
    if (!found)
        return true;
    bool ok = module_set(I, mod, name, v);
    value_decref(v);
    return ok;
}

static bool submodule(Interp *I, Value keras, const char *name, const char *doc, Value *out)
{
    char full[64];
    snprintf(full, sizeof full, "keras.%s", name);
    return module_new(I, full, doc, out) && module_set(I, keras, name, *out);
}

static bool make_optimizers(Interp *I, Value k)
{
    Value m;
    if (!submodule(I, k, "optimizers", "Optimizers with Keras (TF 2.11+) defaults and update rules.", &m))
        return false;
    bool ok = add_classes(I, m, opt_classes, NN_OPT_COUNT, optimizer_ctor);
    Value legacy;
    if (ok && (ok = module_new(I, "keras.optimizers.legacy", "The same optimizers.", &legacy))) {
        ok = add_classes(I, legacy, opt_classes, NN_OPT_COUNT, optimizer_ctor) &&
             module_set(I, m, "legacy", legacy);
        value_decref(legacy);
    }
    value_decref(m);
    return ok;
}

static bool make_losses(Interp *I, Value k)
{
    Value m;
    if (!submodule(I, k, "losses", "Loss classes (sum over batch size reduction, as Keras) and loss "
                   "functions (one value per sample).", &m))
        return false;
    bool ok = add_classes(I, m, loss_classes, NN_LOSS_COUNT, loss_ctor) &&
              module_add_natives(I, m, keras_loss_fn_defs) && keras_loss_classes_add(I, m);
    value_decref(m);
    return ok;
}

static bool make_metrics(Interp *I, Value k)
{
    Value m;
    if (!submodule(I, k, "metrics", "Metric classes for compile(metrics=[...]).", &m))
        return false;
    bool ok = add_classes(I, m, metric_classes, NN_METRIC_COUNT + 1, metric_ctor) &&
              module_add_natives(I, m, keras_metric_fn_defs);
    value_decref(m);
    return ok;
}

static bool make_inits(Interp *I, Value k)
{
    Value m;
    if (!submodule(I, k, "initializers", "Weight initializers.", &m))
        return false;
    bool ok = add_classes(I, m, init_classes, NN_INIT_COUNT, init_ctor);
    static const char *const snake[][2] = {
        { "glorot_uniform", "GlorotUniform" }, { "glorot_normal", "GlorotNormal" },
        { "he_uniform", "HeUniform" }, { "he_normal", "HeNormal" },
        { "lecun_uniform", "LecunUniform" }, { "lecun_normal", "LecunNormal" },
        { "zeros", "Zeros" }, { "ones", "Ones" }, { "constant", "Constant" },
        { "random_normal", "RandomNormal" }, { "random_uniform", "RandomUniform" },
        { "truncated_normal", "TruncatedNormal" },
    };
    for (size_t i = 0; ok && i < sizeof snake / sizeof snake[0]; i++)
        ok = alias(I, m, snake[i][0], snake[i][1]);
    value_decref(m);
    return ok;
}

static bool make_regs(Interp *I, Value k)
{
    Value m;
    if (!submodule(I, k, "regularizers", "Weight regularizers (added to the loss).", &m))
        return false;
    bool ok = add_classes(I, m, reg_classes, 3, reg_ctor) && alias(I, m, "l1", "L1") &&
              alias(I, m, "l2", "L2") && module_add_natives(I, m, reg_fn_defs);
    value_decref(m);
    return ok;
}

static bool make_plain(Interp *I, Value k, const char *name, const char *doc, const NativeDef *defs)
{
    Value m;
    if (!submodule(I, k, name, doc, &m))
        return false;
    bool ok = module_add_natives(I, m, defs);
    value_decref(m);
    return ok;
}

static bool make_layers(Interp *I, Value k)
{
    Value m, t;
    if (!submodule(I, k, "layers", "Layers for Sequential models.", &m))
        return false;
    bool ok = true;
    for (int i = 0; ok && keras_layer_ctors[i].name; i++) {
        NnLayerKind kind;
        ok = nn_layer_kind_from_class(keras_layer_ctors[i].name, &kind) &&
             keras_class_type(I, keras_layer_class(kind), keras_layer_ctors[i].fn, &t);
        if (ok) {
            ok = module_set(I, m, keras_layer_ctors[i].name, t);
            value_decref(t);
        }
    }
    static const NativeDef input_def[] = {
        {"Input", keras_input, "Input(shape=None, batch_size=None, name=None, dtype=None)",
         "The input of a model: Input(shape=(784,)) (the batch axis excluded)."},
        {NULL, NULL, NULL, NULL},
    };
    /* Keras's short names: the same classes */
    static const char *const short_names[][2] = {
        { "MaxPool2D", "MaxPooling2D" }, { "AvgPool2D", "AveragePooling2D" },
        { "GlobalAvgPool2D", "GlobalAveragePooling2D" },
        { "GlobalMaxPool2D", "GlobalMaxPooling2D" },
    };
    for (size_t i = 0; ok && i < sizeof short_names / sizeof short_names[0]; i++)
        ok = alias(I, m, short_names[i][0], short_names[i][1]);
    ok = ok && module_add_natives(I, m, input_def) && module_add_natives(I, k, input_def);
    value_decref(m);
    return ok;
}

static bool make_models(Interp *I, Value k)
{
    static const NativeDef defs[] = {
        {"load_model", keras_load_model, "load_model(filepath, custom_objects=None, compile=True)",
         "Loads a model saved by model.save('m.nnz') (also .h5/.keras names)."},
        {NULL, NULL, NULL, NULL},
    };
    Value m, t;
    if (!submodule(I, k, "models", "Model classes and model files.", &m))
        return false;
    bool ok = module_add_natives(I, m, defs) &&
              keras_class_type(I, &keras_model_class, keras_sequential, &t);
    if (ok) {
        ok = module_set(I, m, "Sequential", t) && module_set(I, k, "Sequential", t);
        value_decref(t);
    }
    ok = ok && keras_model_base_class(I, &t);
    if (ok && !keras_class_set_module(I, t, "keras.engine.training")) {
        value_decref(t);
        ok = false;
    }
    if (ok) {
        ok = module_set(I, m, "Model", t) && module_set(I, k, "Model", t);
        value_decref(t);
    }
    value_decref(m);
    return ok;
}

static bool merge_extensions(Interp *I, Value keras)
{
    return module_merge(I, keras, keras_extensions);
}

static bool keras_create(Interp *I, Value *out)
{
    Value k, uids, ver, cb;
    if (!module_new(I, "keras", "Keras (tf.keras 2.x) on nnsh's model runtime: Sequential, "
                    "layers, compile, fit, evaluate, predict, save.", &k))
        return false;
    bool ok = dict_new(I, &uids);
    if (ok) {
        ok = module_set(I, k, "_uids", uids);
        value_decref(uids);
    }
    ok = ok && str_from_cstr(I, "2.12.0", &ver);
    if (ok) {
        ok = module_set(I, k, "__version__", ver);
        value_decref(ver);
    }
    ok = ok && make_layers(I, k) && make_models(I, k) && make_optimizers(I, k) &&
         make_losses(I, k) && make_metrics(I, k) && make_inits(I, k) && make_regs(I, k) &&
         make_plain(I, k, "activations", "Activation functions on tensors.", keras_activation_defs) &&
         make_plain(I, k, "utils", "Utilities: to_categorical, set_random_seed.", keras_utils_defs) &&
         make_plain(I, k, "backend", "Session helpers: clear_session, floatx.", keras_backend_defs) &&
         keras_callbacks_create(I, &cb);
    if (ok) {
        ok = module_set(I, k, "callbacks", cb);
        value_decref(cb);
    }
    ok = ok && keras_class_types_register(I) && merge_extensions(I, k);
    if (!ok) {
        value_decref(k);
        return false;
    }
    *out = k;
    return true;
}

/* tensorflow.keras is the same module object as keras. */
static bool tf_keras_alias(Interp *I, Value *out)
{
    return interp_import(I, "keras", out);
}

/* nnsh.tf_keras: what mod_tf copies into tf (tf.keras). */
static bool tf_keras_ext(Interp *I, Value *out)
{
    Value m, k;
    if (!module_new(I, "nnsh.tf_keras", "tf.keras", &m))
        return false;
    if (!interp_import(I, "keras", &k)) {
        value_decref(m);
        return false;
    }
    bool ok = module_set(I, m, "keras", k);
    value_decref(k);
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

bool keras_install(Interp *I)
{
    return interp_register_module(I, "keras", keras_create) &&
           interp_register_module(I, "tensorflow.keras", tf_keras_alias) &&
           interp_register_module(I, "nnsh.tf_keras", tf_keras_ext);
}
