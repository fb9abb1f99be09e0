/* mod_sklearn.c - sklearn.model_selection (train_test_split, KFold) and
 * sklearn.preprocessing (StandardScaler, MinMaxScaler).
 *
 * Owned by the data part.  The splits are lib's (nn_io.h: the same
 * permutations as sklearn draws from numpy's legacy generator); this file
 * takes the rows (numpy arrays, tf tensors, or Python lists, which stay
 * lists as in sklearn).  Scalers work in float64 as sklearn does.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mod_data.h"

/* ---------------------------------------------------------------- rows */

/* v[idx] along the first axis: a list for a list, else a numpy array. */
bool data_take_rows(Interp *I, Value v, const NnTensor *idx, Value *out)
{
    int64_t n = nn_tensor_numel(idx);
    if (val_is_obj(v, OBJ_LIST)) {
        if (!list_new(I, (size_t)n, out))
            return false;
        for (int64_t i = 0; i < n; i++)
            if (!list_append(I, *out, as_list(v)->items[nn_tensor_get_i64(idx, i)])) {
                value_decref(*out);
                return false;
            }
        return true;
    }
    NnTensor *t;
    if (!tensor_from_value(I, v, -1, TENSOR_NP, &t))
        return false;
    NnTensor *r = nn_take(interp_nn(I), t, idx, 0);
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

static bool n_samples(Interp *I, const Args *a, int64_t *n)
{
    for (int i = 0; i < a->npos; i++) {
        int64_t m;
        if (!value_len(I, a->pos[i], &m))
            return false;
        if (i == 0)
            *n = m;
        else if (m != *n)
            return interp_error(I, ERR_VALUE, "Found input variables with inconsistent numbers "
                                "of samples: [%lld, %lld]", (long long)*n, (long long)m);
    }
    return true;
}

/* sklearn's sizes: test_size (fraction or count), or the rest of train_size. */
static bool tts_test_size(Interp *I, Value ts, Value trs, int64_t n, double *out)
{
    *out = 0.25;
    if (ts.kind != VAL_UNSET && ts.kind != VAL_NONE)
        return arg_float(I, "train_test_split", "test_size", ts, out);
    if (trs.kind == VAL_UNSET || trs.kind == VAL_NONE)
        return true;
    double tr;
    if (!arg_float(I, "train_test_split", "train_size", trs, &tr))
        return false;
    int64_t ntr = trs.kind == VAL_FLOAT ? (int64_t)floor(tr * (double)n) : (int64_t)tr;
    if (ntr <= 0 || ntr >= n)
        return interp_error(I, ERR_VALUE, "train_size=%g should be either positive and smaller "
                            "than the number of samples %lld or a float in the (0, 1) range", tr,
                            (long long)n);
    *out = (double)(n - ntr);
    return true;
}

static bool tts_options(Interp *I, const Args *a, double *test, int64_t *rs, bool *shuffle,
                        NnTensor **strat, int64_t n)
{
    Value ts = {0}, trs = {0}, r = {0}, sh = {0}, st = {0};
    for (int i = 0; i < a->nkw; i++) {
        const char *k = a->kwnames[i];
        Value *dst = !strcmp(k, "test_size") ? &ts : !strcmp(k, "train_size") ? &trs
                   : !strcmp(k, "random_state") ? &r : !strcmp(k, "shuffle") ? &sh
                   : !strcmp(k, "stratify") ? &st : NULL;
        if (!dst)
            return interp_error(I, ERR_TYPE, "train_test_split() got an unexpected keyword "
                                "argument '%s'", k);
        *dst = a->kwvals[i];
    }
    *shuffle = true;
    *strat = NULL;
    if (!tts_test_size(I, ts, trs, n, test) || !data_random_state(I, "train_test_split", r, rs) ||
        (sh.kind != VAL_UNSET && !arg_bool(I, "train_test_split", "shuffle", sh, shuffle)))
        return false;
    return st.kind == VAL_UNSET || st.kind == VAL_NONE ||
           tensor_from_value(I, st, NN_I64, TENSOR_NP, strat);
}

static bool ms_train_test_split(Interp *I, Value self, const Args *a, Value *out)
{
    int64_t n = 0, rs;
    double test;
    bool shuffle;
    NnTensor *strat, *tr = NULL, *te = NULL;
    (void)self;
    if (a->npos == 0)
        return interp_error(I, ERR_VALUE, "At least one array required as input");
    if (!n_samples(I, a, &n) || !tts_options(I, a, &test, &rs, &shuffle, &strat, n))
        return false;
    NnStatus st = nn_split_train_test(interp_nn(I), n, test, shuffle, rs, strat, &tr, &te);
    nn_tensor_unref(strat);
    if (st)
        return data_nn_error(I);
    Value lst = {0};
    bool ok = list_new(I, 2 * (size_t)a->npos, &lst);
    for (int i = 0; ok && i < a->npos; i++)
        for (int k = 0; ok && k < 2; k++) {
            Value part;
            ok = data_take_rows(I, a->pos[i], k ? te : tr, &part);
            if (ok) {
                ok = list_append(I, lst, part);
                value_decref(part);
            }
        }
    nn_tensor_unref(tr);
    nn_tensor_unref(te);
    if (ok)
        *out = lst;
    else
        value_decref(lst);
    return ok;
}

/* ---------------------------------------------------------------- KFold */

typedef struct {
    int64_t k;
    bool shuffle;
    int64_t rs;        /* -1: None */
} KFold;

static const NativeClass kfold_class;

static bool kfold_new(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    KFold f = {5, false, -1};
    (void)self;
    if (!args_parse(I, "KFold", a, "n_splits=, *, shuffle=, random_state=", v) ||
        (v[0].kind != VAL_UNSET && !arg_int(I, "KFold", "n_splits", v[0], &f.k)) ||
        (v[1].kind != VAL_UNSET && !arg_bool(I, "KFold", "shuffle", v[1], &f.shuffle)) ||
        !data_random_state(I, "KFold", v[2], &f.rs))
        return false;
    if (f.k < 2)
        return interp_error(I, ERR_VALUE, "k-fold cross-validation requires at least one "
                            "train/test split by setting n_splits=2 or more, got n_splits=%lld.",
                            (long long)f.k);
    if (!f.shuffle && f.rs >= 0)
        return interp_error(I, ERR_VALUE, "Setting a random_state has no effect since shuffle is "
                            "False. You should leave random_state to its default (None), or set "
                            "shuffle=True.");
    KFold *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    *d = f;
    return native_obj_new(I, &kfold_class, d, out);
}

/* The folds as a list of (train, test) index arrays, iterated. */
static bool kfold_split(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], lst;
    int64_t n;
    KFold *f = native_obj_data(self, &kfold_class);
    if (!args_parse(I, "split", a, "X, y=, groups=", v) || !value_len(I, v[0], &n))
        return false;
    NnCtx *ctx = interp_nn(I);
    NnTensor *perm = nn_split_kfold_perm(ctx, n, f->shuffle, f->rs);
    if (!perm)
        return data_nn_error(I);
    bool ok = list_new(I, (size_t)f->k, &lst);
    for (int64_t i = 0; ok && i < f->k; i++) {
        NnTensor *tr, *te;
        Value pair;
        ok = nn_split_kfold(ctx, n, (int)f->k, (int)i, perm, &tr, &te) == NN_OK ||
             data_nn_error(I);
        ok = ok && data_pair(I, tr, te, &pair);
        if (ok) {
            ok = list_append(I, lst, pair);
            value_decref(pair);
        }
    }
    nn_tensor_unref(perm);
    if (ok)
        ok = value_iter(I, lst, out);
    if (lst.kind == VAL_OBJ)
        value_decref(lst);
    return ok;
}

static bool kfold_get_n_splits(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    if (!args_parse(I, "get_n_splits", a, "X=, y=, groups=", v))
        return false;
    *out = val_int(((KFold *)native_obj_data(self, &kfold_class))->k);
    return true;
}

static bool kfold_repr(Interp *I, Value self, StrBuf *sb)
{
    KFold *f = native_obj_data(self, &kfold_class);
    (void)I;
    sb_printf(sb, "KFold(n_splits=%lld, random_state=", (long long)f->k);
    if (f->rs < 0)
        sb_puts(sb, "None");
    else
        sb_printf(sb, "%lld", (long long)f->rs);
    sb_printf(sb, ", shuffle=%s)", f->shuffle ? "True" : "False");
    return true;
}

static bool kfold_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    KFold *f = native_obj_data(self, &kfold_class);
    (void)I;
    *found = true;
    if (strcmp(name, "n_splits") == 0)
        *out = val_int(f->k);
    else if (strcmp(name, "shuffle") == 0)
        *out = val_bool(f->shuffle);
    else if (strcmp(name, "random_state") == 0)
        *out = f->rs < 0 ? val_none() : val_int(f->rs);
    else
        *found = false;
    return true;
}

static const NativeDef kfold_methods[] = {
    {"split", kfold_split, "split(X, y=None, groups=None)",
     "Yields (train_index, test_index) for each fold."},
    {"get_n_splits", kfold_get_n_splits, "get_n_splits(X=None, y=None, groups=None)",
     "The number of folds."},
    {NULL, NULL, NULL, NULL}
};
static const char *const kfold_attrs[] = {"n_splits", "shuffle", "random_state", NULL};

static const NativeClass kfold_class = {
    .name = "KFold", .finalize = free, .getattr = kfold_getattr, .repr = kfold_repr,
    .attrs = kfold_attrs, .methods = kfold_methods,
    .doc = "K-fold cross-validation indices: for train, test in KFold(5, shuffle=True, "
           "random_state=0).split(X): ...",
};

/* ---------------------------------------------------------------- scalers */

typedef struct {
    bool minmax;
    bool with_mean, with_std;   /* StandardScaler */
    double lo, hi;              /* MinMaxScaler feature_range */
    bool fitted;
    int64_t nf, nseen;
    double *p[4];   /* standard: mean_, var_, scale_; minmax: data_min_, data_max_, scale_, min_ */
} Scaler;

static const NativeClass scaler_class;

static void scaler_free(void *data)
{
    Scaler *s = data;
    for (int i = 0; i < 4; i++)
        free(s->p[i]);
    free(s);
}

static const char *scaler_name(const Scaler *s)
{
    return s->minmax ? "MinMaxScaler" : "StandardScaler";
}

/* X as a contiguous (n, f) float64 tensor. */
static bool x2d(Interp *I, const Scaler *s, Value v, NnTensor **out)
{
    NnTensor *t, *c;
    if (!tensor_from_value(I, v, NN_F64, TENSOR_NP, &t))
        return false;
    if (t->ndim != 2) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "%s: Expected 2D array, got %dD array instead. "
                            "Reshape your data either using array.reshape(-1, 1) if your data "
                            "has a single feature or array.reshape(1, -1) if it contains a "
                            "single sample.", scaler_name(s), t->ndim);
    }
    c = nn_tensor_copy(interp_nn(I), t);
    nn_tensor_unref(t);
    if (!c)
        return data_nn_error(I);
    *out = c;
    return true;
}

static void fit_standard(Scaler *s, const double *x, int64_t n)
{
    for (int64_t j = 0; j < s->nf; j++) {
        double m = 0, v = 0;
        for (int64_t i = 0; i < n; i++)
            m += x[i * s->nf + j];
        m /= (double)n;
        for (int64_t i = 0; i < n; i++)
            v += (x[i * s->nf + j] - m) * (x[i * s->nf + j] - m);
        v /= (double)n;
        s->p[0][j] = m;
        s->p[1][j] = v;
        s->p[2][j] = v == 0 ? 1.0 : sqrt(v);
    }
}

static void fit_minmax(Scaler *s, const double *x, int64_t n)
{
    for (int64_t j = 0; j < s->nf; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int64_t i = 0; i < n; i++) {
            lo = fmin(lo, x[i * s->nf + j]);
            hi = fmax(hi, x[i * s->nf + j]);
        }
        double range = hi - lo;
        s->p[0][j] = lo;
        s->p[1][j] = hi;
        s->p[2][j] = (s->hi - s->lo) / (range == 0 ? 1.0 : range);
        s->p[3][j] = s->lo - lo * s->p[2][j];
    }
}

static bool scaler_fit_tensor(Interp *I, Scaler *s, const NnTensor *t)
{
    int64_t n = t->shape[0];
    if (n == 0)
        return interp_error(I, ERR_VALUE, "Found array with 0 sample(s) (shape=(0, %lld)) while "
                            "a minimum of 1 is required by %s.", (long long)t->shape[1],
                            scaler_name(s));
    s->nf = t->shape[1];
    for (int i = 0; i < 4; i++) {
        free(s->p[i]);
        if (!(s->p[i] = calloc((size_t)s->nf + 1, sizeof(double))))
            return interp_error(I, ERR_MEMORY, "out of memory");
    }
    if (s->minmax)
        fit_minmax(s, nn_tensor_data(t), n);
    else
        fit_standard(s, nn_tensor_data(t), n);
    s->nseen = n;
    s->fitted = true;
    return true;
}

/* In place: forward (transform) or back (inverse_transform). */
static void apply(const Scaler *s, double *x, int64_t n, bool inverse)
{
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < s->nf; j++) {
            double *v = &x[i * s->nf + j];
            if (s->minmax) {
                *v = inverse ? (*v - s->p[3][j]) / s->p[2][j] : *v * s->p[2][j] + s->p[3][j];
            } else if (inverse) {
                *v = *v * (s->with_std ? s->p[2][j] : 1) + (s->with_mean ? s->p[0][j] : 0);
            } else {
                *v = (*v - (s->with_mean ? s->p[0][j] : 0)) / (s->with_std ? s->p[2][j] : 1);
            }
        }
}

static bool transform(Interp *I, Value self, Value xv, bool fit, bool inverse, Value *out)
{
    Scaler *s = native_obj_data(self, &scaler_class);
    NnTensor *t;
    if (!x2d(I, s, xv, &t))
        return false;
    if (fit && !scaler_fit_tensor(I, s, t)) {
        nn_tensor_unref(t);
        return false;
    }
    if (!s->fitted || t->shape[1] != s->nf) {
        int64_t f = t->shape[1];
        nn_tensor_unref(t);
        if (!s->fitted)
            return interp_error(I, ERR_VALUE, "This %s instance is not fitted yet. Call 'fit' "
                                "with appropriate arguments before using this estimator.",
                                scaler_name(s));
        return interp_error(I, ERR_VALUE, "X has %lld features, but %s is expecting %lld "
                            "features as input.", (long long)f, scaler_name(s),
                            (long long)s->nf);
    }
    apply(s, nn_tensor_data(t), t->shape[0], inverse);
    return tensor_value_new(I, t, TENSOR_NP, out);
}

static bool sc_fit(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    NnTensor *t;
    Scaler *s = native_obj_data(self, &scaler_class);
    if (!args_parse(I, "fit", a, "X, y=, sample_weight=", v) || !x2d(I, s, v[0], &t))
        return false;
    bool ok = scaler_fit_tensor(I, s, t);
    nn_tensor_unref(t);
    if (ok) {
        value_incref(self);
        *out = self;
    }
    return ok;
}

static bool sc_transform(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    return args_parse(I, "transform", a, "X, copy=", v) && transform(I, self, v[0], false, false, out);
}

static bool sc_fit_transform(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    return args_parse(I, "fit_transform", a, "X, y=", v) && transform(I, self, v[0], true, false, out);
}

static bool sc_inverse(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    return args_parse(I, "inverse_transform", a, "X, copy=", v) &&
           transform(I, self, v[0], false, true, out);
}

static bool vec_value(Interp *I, const double *p, int64_t n, Value *out)
{
    int64_t s[1] = {n};
    return tensor_value_wrap(I, nn_tensor_from_data(interp_nn(I), NN_F64, 1, s, p), TENSOR_NP, out);
}

/* The fitted attributes (AttributeError before fit, as sklearn). */
static bool sc_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    Scaler *s = native_obj_data(self, &scaler_class);
    static const char *const std_names[] = {"mean_", "var_", "scale_", NULL};
    static const char *const mm_names[] = {"data_min_", "data_max_", "scale_", "min_", NULL};
    const char *const *names = s->minmax ? mm_names : std_names;
    *found = true;
    bool attr = strcmp(name, "n_features_in_") == 0 || strcmp(name, "n_samples_seen_") == 0 ||
                (s->minmax && strcmp(name, "data_range_") == 0);
    for (int i = 0; names[i]; i++)
        attr = attr || strcmp(name, names[i]) == 0;
    if (!attr) {
        *found = false;
        return true;
    }
    if (!s->fitted)
        return interp_error(I, ERR_ATTRIBUTE, "'%s' object has no attribute '%s'", scaler_name(s),
                            name);
    if (name[0] == 'n') {
        *out = val_int(name[2] == 'f' ? s->nf : s->nseen);
        return true;
    }
    if (strcmp(name, "data_range_") == 0) {
        double *r = malloc((size_t)s->nf * sizeof *r + 1);
        if (!r)
            return interp_error(I, ERR_MEMORY, "out of memory");
        for (int64_t j = 0; j < s->nf; j++)
            r[j] = s->p[1][j] - s->p[0][j];
        bool ok = vec_value(I, r, s->nf, out);
        free(r);
        return ok;
    }
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return vec_value(I, s->p[i], s->nf, out);
    return true;
}

static bool sc_repr(Interp *I, Value self, StrBuf *sb)
{
    Scaler *s = native_obj_data(self, &scaler_class);
    (void)I;
    sb_printf(sb, "%s(", scaler_name(s));
    if (s->minmax && (s->lo != 0 || s->hi != 1)) {
        sb_puts(sb, "feature_range=(");
        format_float_repr(s->lo, sb);
        sb_puts(sb, ", ");
        format_float_repr(s->hi, sb);
        sb_putc(sb, ')');
    }
    if (!s->minmax && !s->with_mean)
        sb_puts(sb, s->with_std ? "with_mean=False" : "with_mean=False, with_std=False");
    else if (!s->minmax && !s->with_std)
        sb_puts(sb, "with_std=False");
    sb_putc(sb, ')');
    return true;
}

static const NativeDef scaler_methods[] = {
    {"fit", sc_fit, "fit(X, y=None)", "Learns the per-feature statistics of X; returns the scaler."},
    {"transform", sc_transform, "transform(X)", "Scales X with the learned statistics."},
    {"fit_transform", sc_fit_transform, "fit_transform(X, y=None)", "fit(X) then transform(X)."},
    {"inverse_transform", sc_inverse, "inverse_transform(X)", "Undoes transform."},
    {NULL, NULL, NULL, NULL}
};
static const char *const scaler_attrs[] = {"mean_", "var_", "scale_", "data_min_", "data_max_",
                                           "data_range_", "min_", "n_features_in_",
                                           "n_samples_seen_", NULL};

static const NativeClass scaler_class = {
    .name = "Scaler", .finalize = scaler_free, .getattr = sc_getattr, .repr = sc_repr,
    .attrs = scaler_attrs, .methods = scaler_methods,
    .doc = "StandardScaler (zero mean, unit variance per feature) or MinMaxScaler (each feature "
           "to feature_range).",
};

static bool scaler_make(Interp *I, Scaler *s, Value *out)
{
    Scaler *d = malloc(sizeof *d);
    if (!d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    *d = *s;
    return native_obj_new(I, &scaler_class, d, out);
}

static bool standard_scaler(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    Scaler s = {.with_mean = true, .with_std = true};
    (void)self;
    if (!args_parse(I, "StandardScaler", a, "*, copy=, with_mean=, with_std=", v) ||
        (v[1].kind != VAL_UNSET && !arg_bool(I, "StandardScaler", "with_mean", v[1], &s.with_mean)) ||
        (v[2].kind != VAL_UNSET && !arg_bool(I, "StandardScaler", "with_std", v[2], &s.with_std)))
        return false;
    return scaler_make(I, &s, out);
}

static bool minmax_scaler(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    Scaler s = {.minmax = true, .lo = 0, .hi = 1};
    (void)self;
    if (!args_parse(I, "MinMaxScaler", a, "feature_range=, *, copy=, clip=", v))
        return false;
    if (v[0].kind != VAL_UNSET) {
        Value b0, b1;
        bool ok = value_getitem(I, v[0], val_int(0), &b0);
        if (ok && !value_getitem(I, v[0], val_int(1), &b1)) {
            value_decref(b0);
            return false;
        }
        if (!ok)
            return false;
        ok = value_to_float(I, b0, &s.lo) && value_to_float(I, b1, &s.hi);
        value_decref(b0);
        value_decref(b1);
        if (!ok)
            return false;
        if (s.lo >= s.hi)
            return interp_error(I, ERR_VALUE, "Minimum of desired feature range must be smaller "
                                "than maximum. Got (%g, %g).", s.lo, s.hi);
    }
    return scaler_make(I, &s, out);
}

/* ---------------------------------------------------------------- modules */

static const NativeDef ms_defs[] = {
    {"train_test_split", ms_train_test_split, "train_test_split(*arrays, test_size=None, "
     "train_size=None, random_state=None, shuffle=True, stratify=None)",
     "Splits arrays into random train and test subsets (test_size 0.25 by default), as sklearn "
     "draws them.\n    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, "
     "random_state=0)"},
    {NULL, NULL, NULL, NULL}
};

static bool add_class(Interp *I, Value m, const char *name, const NativeClass *cls, NativeFn ctor)
{
    Value t;
    if (!native_class_type(I, cls, ctor, &t))
        return false;
    bool ok = module_set(I, m, name, t);
    value_decref(t);
    return ok;
}

bool sklearn_model_selection_create(Interp *I, Value *out)
{
    if (!module_new(I, "sklearn.model_selection", "train_test_split and KFold.", out))
        return false;
    if (!module_add_natives(I, *out, ms_defs) ||
        !add_class(I, *out, "KFold", &kfold_class, kfold_new)) {
        value_decref(*out);
        return false;
    }
    return true;
}

/* Two constructors share one class; each is a plain function. */
static const NativeDef pp_defs[] = {
    {"StandardScaler", standard_scaler, "StandardScaler(*, copy=True, with_mean=True, "
     "with_std=True)",
     "Standardizes features: (x - mean_) / scale_ per column.\n"
     "    x = StandardScaler().fit_transform(x)"},
    {"MinMaxScaler", minmax_scaler, "MinMaxScaler(feature_range=(0, 1), *, copy=True, clip=False)",
     "Scales each feature to feature_range.\n    x = MinMaxScaler().fit_transform(x)"},
    {NULL, NULL, NULL, NULL}
};

bool sklearn_preprocessing_create(Interp *I, Value *out)
{
    if (!module_new(I, "sklearn.preprocessing", "StandardScaler and MinMaxScaler.", out))
        return false;
    if (!module_add_natives(I, *out, pp_defs)) {
        value_decref(*out);
        return false;
    }
    return true;
}
