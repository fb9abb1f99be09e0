/* mod_teach.c - nnsh's cross-validation built-ins: kfold and grid_search.
 *
 * kfold(model_fn, x, y, k=5, ...) trains k fresh models (model_fn() builds
 * and compiles one), each validated on a different k-th of the data, and
 * returns the k scores; grid_search(model_fn, {'units': [..], 'lr': [..]},
 * x, y, ...) runs kfold for every combination of the parameters (passed to
 * model_fn as keyword arguments) and returns a GridSearch result whose repr
 * is an aligned table with the best row marked.
 *
 * Everything goes through the language's own objects: numpy for the
 * permutation and index arrays (so :seed makes a run repeatable), indexing
 * for the folds, and the model's fit/evaluate methods through value_call, so
 * any model with the Keras interface works.  Part of libfront; installed by
 * teach_install (modules.h) unless kfold/grid_search already exist.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "modules.h"

/* ---- small helpers over values ---- */

/* obj.name(*pos, **kw) */
static bool call_method(Interp *I, Value obj, const char *name, int npos, const Value *pos,
                        int nkw, const char *const *kwn, const Value *kwv, Value *out)
{
    Value fn;
    if (!value_getattr(I, obj, name, &fn))
        return false;
    Args a = { npos, pos, nkw, kwn, kwv };
    bool ok = value_call(I, fn, &a, out);
    value_decref(fn);
    return ok;
}

/* <module>.<name>(arg), module "numpy" or "numpy.random" */
static bool np_call(Interp *I, const char *module, const char *name, Value arg, Value *out)
{
    Value mod;
    if (!interp_import(I, module, &mod))
        return false;
    bool ok = call_method(I, mod, name, 1, &arg, 0, NULL, NULL, out);
    value_decref(mod);
    return ok;
}

/* The score of an evaluate() result: the last metric (accuracy when the
 * model tracks it), or the loss when it is a single number. */
static bool score_of(Interp *I, Value r, double *out, bool *is_loss)
{
    *is_loss = !(val_is_obj(r, OBJ_LIST) || val_is_obj(r, OBJ_TUPLE));
    if (!*is_loss) {
        ObjList *l = as_list(r);
        if (l->len == 0)
            return interp_error(I, ERR_VALUE, "kfold(): evaluate() returned an empty list");
        return value_to_float(I, l->items[l->len - 1], out);
    }
    return value_to_float(I, r, out);
}

/* ---- the folds ---- */

typedef struct FitOpts {
    int64_t k;
    Value epochs, batch_size, verbose;   /* borrowed; unset: the defaults */
    bool shuffle;
    bool is_loss;        /* out: the scores are losses (lower is better) */
} FitOpts;

/* A list of the ints perm[from..to) or perm outside [from, to). */
static bool index_list(Interp *I, const int64_t *perm, int64_t n, int64_t from, int64_t to,
                       bool inside, Value *out)
{
    Value list, arr;
    if (!list_new(I, (size_t)n, &list))
        return false;
    for (int64_t i = 0; i < n; i++)
        if (((i >= from && i < to) == inside) && !list_append(I, list, val_int(perm[i]))) {
            value_decref(list);
            return false;
        }
    bool ok = np_call(I, "numpy", "array", list, &arr);
    value_decref(list);
    if (ok)
        *out = arr;
    return ok;
}

/* Trains one model on the fold's training part, returns its score on the rest. */
static bool run_fold(Interp *I, Value model, Value x, Value y, Value tr, Value te,
                     FitOpts *o, double *score)
{
    Value xtr = {0}, ytr = {0}, xte = {0}, yte = {0}, r = {0};
    const char *kwn[3];
    Value kwv[3];
    int nkw = 0;
    kwn[nkw] = "epochs", kwv[nkw++] = o->epochs.kind ? o->epochs : val_int(10);
    kwn[nkw] = "batch_size", kwv[nkw++] = o->batch_size.kind ? o->batch_size : val_int(32);
    kwn[nkw] = "verbose", kwv[nkw++] = o->verbose.kind ? o->verbose : val_int(0);
    bool ok = value_getitem(I, x, tr, &xtr) && value_getitem(I, y, tr, &ytr) &&
              value_getitem(I, x, te, &xte) && value_getitem(I, y, te, &yte);
    Value fitpos[2] = { xtr, ytr }, evpos[2] = { xte, yte };
    const char *evn[1] = { "verbose" };
    Value evv[1] = { val_int(0) };
    Value h = {0};
    ok = ok && call_method(I, model, "fit", 2, fitpos, nkw, kwn, kwv, &h);
    value_decref(h);
    ok = ok && call_method(I, model, "evaluate", 2, evpos, 1, evn, evv, &r) &&
         score_of(I, r, score, &o->is_loss);
    value_decref(r);
    value_decref(xtr), value_decref(ytr), value_decref(xte), value_decref(yte);
    return ok;
}

/* k scores into scores[0..k): model_fn(**params) for each fold. */
static bool cross_validate(Interp *I, Value model_fn, const Args *params, Value x, Value y,
                           FitOpts *o, double *scores)
{
    int64_t n, ny;
    if (!value_len(I, x, &n) || !value_len(I, y, &ny))
        return false;
    if (n != ny)
        return interp_error(I, ERR_VALUE, "x and y have different lengths (%lld and %lld)",
                            (long long)n, (long long)ny);
    if (o->k < 2 || o->k > n)
        return interp_error(I, ERR_VALUE, "k must be between 2 and the number of samples (%lld), got %lld",
                            (long long)n, (long long)o->k);
    int64_t *perm = malloc((size_t)n * sizeof *perm);
    if (!perm)
        return interp_error(I, ERR_MEMORY, "out of memory");
    bool ok = true;
    for (int64_t i = 0; i < n; i++)
        perm[i] = i;
    if (o->shuffle) {
        Value p;
        ok = np_call(I, "numpy.random", "permutation", val_int(n), &p);
        for (int64_t i = 0; ok && i < n; i++) {
            Value e;
            ok = value_getitem(I, p, val_int(i), &e) && value_to_int(I, e, &perm[i]);
            value_decref(e);
        }
        if (ok)
            value_decref(p);
    }
    for (int64_t f = 0; ok && f < o->k; f++) {
        int64_t from = f * n / o->k, to = (f + 1) * n / o->k;
        Value tr = {0}, te = {0}, model = {0};
        ok = index_list(I, perm, n, from, to, false, &tr) && index_list(I, perm, n, from, to, true, &te) &&
             value_call(I, model_fn, params, &model) &&
             run_fold(I, model, x, y, tr, te, o, &scores[f]);
        value_decref(model), value_decref(tr), value_decref(te);
        ok = ok && interp_check_interrupt(I);
    }
    free(perm);
    return ok;
}

/* Reads the shared keyword options from v[first..]: k, epochs, batch_size,
 * shuffle, verbose. */
static bool fit_opts(Interp *I, const char *fname, const Value *v, int64_t kdef, FitOpts *o)
{
    o->k = kdef;
    o->shuffle = true;
    if (v[0].kind && !arg_int(I, fname, "k", v[0], &o->k))
        return false;
    o->epochs = v[1];
    o->batch_size = v[2];
    if (v[3].kind && !arg_bool(I, fname, "shuffle", v[3], &o->shuffle))
        return false;
    o->verbose = v[4];
    return true;
}

/* A numpy array of the doubles. */
static bool float_array(Interp *I, const double *x, int64_t n, Value *out)
{
    Value list;
    if (!list_new(I, (size_t)n, &list))
        return false;
    for (int64_t i = 0; i < n; i++)
        if (!list_append(I, list, val_float(x[i]))) {
            value_decref(list);
            return false;
        }
    bool ok = np_call(I, "numpy", "array", list, out);
    value_decref(list);
    return ok;
}

static bool bi_kfold(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[8];
    FitOpts o;
    if (!args_parse(I, "kfold", a, "model_fn, x, y, k=, epochs=, batch_size=, shuffle=, verbose=", v) ||
        !fit_opts(I, "kfold", v + 3, 5, &o))
        return false;
    if (o.k < 2 || o.k > 1000)
        return interp_error(I, ERR_VALUE, "kfold(): k must be between 2 and 1000, got %lld", (long long)o.k);
    double scores[1000];
    Args none = { 0, NULL, 0, NULL, NULL };
    Value x = {0}, y = {0};
    bool ok = np_call(I, "numpy", "asarray", v[1], &x) && np_call(I, "numpy", "asarray", v[2], &y) &&
              cross_validate(I, v[0], &none, x, y, &o, scores) && float_array(I, scores, o.k, out);
    value_decref(x);
    value_decref(y);
    return ok;
}

/* ---- grid search ---- */

typedef struct GridRow {
    Value params;           /* dict: name -> value */
    double mean, std;
} GridRow;

typedef struct Grid {
    GridRow *rows;
    size_t n, best;
    bool is_loss;
} Grid;

static void grid_finalize(void *data)
{
    Grid *g = data;
    for (size_t i = 0; i < g->n; i++)
        value_decref(g->rows[i].params);
    free(g->rows);
    free(g);
}

/* repr(v) into a new malloc'd string ("?" when it fails). */
static char *repr_cstr(Interp *I, Value v)
{
    StrBuf sb;
    sb_init(&sb);
    if (!value_repr(I, v, &sb)) {
        interp_clear_error(I);
        sb.len = 0;
        sb_puts(&sb, "?");
    }
    char *s = strdup(sb.data ? sb.data : "");
    sb_free(&sb);
    return s;
}

static size_t param_width(Interp *I, const Grid *g, size_t col, const char *name)
{
    size_t w = strlen(name);
    for (size_t r = 0; r < g->n; r++) {
        char *s = repr_cstr(I, as_dict(g->rows[r].params)->entries[col].value);
        if (s && strlen(s) > w)
            w = strlen(s);
        free(s);
    }
    return w;
}

/* The table: one row per combination, "*" on the best. */
static bool grid_repr(Interp *I, Value self, StrBuf *sb)
{
    Grid *g = ((ObjNativeObj *)self.as.o)->data;
    if (g->n == 0) {
        sb_puts(sb, "GridSearch(no combinations)");
        return true;
    }
    ObjDict *first = as_dict(g->rows[0].params);
    size_t ncol = first->nentries, widths[64];
    if (ncol > 64)
        ncol = 64;
    sb_puts(sb, "  ");
    for (size_t c = 0; c < ncol; c++) {
        const char *name = str_cstr(first->entries[c].key);
        widths[c] = param_width(I, g, c, name);
        sb_printf(sb, "%-*s  ", (int)widths[c], name);
    }
    sb_printf(sb, "%10s  %8s", g->is_loss ? "mean loss" : "mean score", "std");
    for (size_t r = 0; r < g->n; r++) {
        sb_printf(sb, "\n%c ", r == g->best ? '*' : ' ');
        for (size_t c = 0; c < ncol; c++) {
            char *s = repr_cstr(I, as_dict(g->rows[r].params)->entries[c].value);
            sb_printf(sb, "%-*s  ", (int)widths[c], s ? s : "?");
            free(s);
        }
        sb_printf(sb, "%10.4f  %8.4f", g->rows[r].mean, g->rows[r].std);
    }
    return true;
}

static bool grid_results(Interp *I, const Grid *g, Value *out)
{
    if (!list_new(I, g->n, out))
        return false;
    for (size_t r = 0; r < g->n; r++) {
        Value d;
        bool ok = dict_new(I, &d);
        ObjDict *p = as_dict(g->rows[r].params);
        for (size_t c = 0; ok && c < p->nentries; c++)
            ok = dict_set(I, d, p->entries[c].key, p->entries[c].value);
        ok = ok && dict_set_str(I, d, "mean", val_float(g->rows[r].mean)) &&
             dict_set_str(I, d, "std", val_float(g->rows[r].std)) && list_append(I, *out, d);
        value_decref(d);
        if (!ok) {
            value_decref(*out);
            return false;
        }
    }
    return true;
}

static bool grid_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    Grid *g = ((ObjNativeObj *)self.as.o)->data;
    *found = true;
    if (g->n && (strcmp(name, "best_params") == 0 || strcmp(name, "best_params_") == 0)) {
        *out = g->rows[g->best].params;
        value_incref(*out);
        return true;
    }
    if (g->n && (strcmp(name, "best_score") == 0 || strcmp(name, "best_score_") == 0)) {
        *out = val_float(g->rows[g->best].mean);
        return true;
    }
    if (strcmp(name, "results") == 0)
        return grid_results(I, g, out);
    *found = false;
    return true;
}

static const char *const grid_attrs[] = { "best_params", "best_score", "results", NULL };

static const NativeClass grid_class = {
    .name = "GridSearch",
    .finalize = grid_finalize,
    .getattr = grid_getattr,
    .repr = grid_repr,
    .attrs = grid_attrs,
    .doc = "The result of grid_search(): printed as a table of the combinations with\n"
           "the mean and spread of their k-fold scores, the best row marked with *.\n"
           ".best_params (a dict), .best_score, .results (a list of dicts).\n"
           "Example: r = grid_search(make_model, {'units': [16, 64]}, x, y); r.best_params",
};

/* The combination number `c` (mixed radix, the last parameter fastest) as
 * keyword arguments and as a dict. */
static bool combination(Interp *I, Value keys, Value lists, size_t c, const char **kwn,
                        Value *kwv, Value *dict)
{
    size_t nk = as_list(keys)->len;
    if (!dict_new(I, dict))
        return false;
    for (size_t j = nk; j-- > 0;) {
        ObjList *l = as_list(as_list(lists)->items[j]);
        kwn[j] = str_cstr(as_list(keys)->items[j]);
        kwv[j] = l->items[c % l->len];
        c /= l->len;
    }
    for (size_t j = 0; j < nk; j++)
        if (!dict_set(I, *dict, as_list(keys)->items[j], kwv[j])) {
            value_decref(*dict);
            return false;
        }
    return true;
}

/* keys: a list of the grid's names; lists: the value lists. */
static bool grid_axes(Interp *I, Value grid, Value *keys, Value *lists, size_t *count)
{
    if (!val_is_obj(grid, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "grid_search() param_grid must be a dict of lists, not %s",
                            value_type_name(grid));
    *count = 1;
    if (!list_new(I, 0, keys) || !list_new(I, 0, lists))
        return false;
    ObjDict *d = as_dict(grid);
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        Value l;
        if (e->key.kind == VAL_UNSET)
            continue;
        if (!val_is_obj(e->key, OBJ_STR))
            return interp_error(I, ERR_TYPE, "grid_search() param_grid keys must be str");
        if (!value_to_list(I, e->value, &l))
            return false;
        bool ok = as_list(l)->len > 0 && as_list(*keys)->len < 16;
        *count *= as_list(l)->len;
        ok = ok && list_append(I, *keys, e->key) && list_append(I, *lists, l);
        value_decref(l);
        if (!ok)
            return interp_error_pending(I) ? false :
                   interp_error(I, ERR_VALUE, "grid_search() needs 1 to 16 parameters, each with values");
    }
    if (*count > 10000)
        return interp_error(I, ERR_VALUE, "grid_search(): %zu combinations is too many", *count);
    return true;
}

static bool grid_row(Interp *I, Value model_fn, Value keys, Value lists, size_t c, Value x, Value y,
                     FitOpts *o, GridRow *row)
{
    const char *kwn[16];
    Value kwv[16];
    double scores[1000];
    if (!combination(I, keys, lists, c, kwn, kwv, &row->params))
        return false;
    Args params = { 0, NULL, (int)as_list(keys)->len, kwn, kwv };
    if (!cross_validate(I, model_fn, &params, x, y, o, scores))
        return false;
    double sum = 0, sq = 0;
    for (int64_t f = 0; f < o->k; f++)
        sum += scores[f];
    row->mean = sum / (double)o->k;
    for (int64_t f = 0; f < o->k; f++)
        sq += (scores[f] - row->mean) * (scores[f] - row->mean);
    row->std = sqrt(sq / (double)o->k);
    return true;
}

static bool bi_grid_search(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[9], keys = {0}, lists = {0};
    FitOpts o;
    size_t count = 0;
    if (!args_parse(I, "grid_search", a,
                    "model_fn, param_grid, x, y, k=, epochs=, batch_size=, shuffle=, verbose=", v) ||
        !fit_opts(I, "grid_search", v + 4, 3, &o))
        return false;
    if (o.k < 2 || o.k > 1000)
        return interp_error(I, ERR_VALUE, "grid_search(): k must be between 2 and 1000");
    Grid *g = calloc(1, sizeof *g);
    Value x = {0}, y = {0};
    bool ok = g && grid_axes(I, v[1], &keys, &lists, &count) &&
              np_call(I, "numpy", "asarray", v[2], &x) && np_call(I, "numpy", "asarray", v[3], &y);
    if (g && ok) {
        g->rows = calloc(count, sizeof *g->rows);
        ok = g->rows != NULL;
    }
    for (size_t c = 0; ok && c < count; c++) {
        ok = grid_row(I, v[0], keys, lists, c, x, y, &o, &g->rows[c]);
        g->n = c + 1;       /* the row's params are owned from here on */
        if (ok && (o.is_loss ? g->rows[c].mean < g->rows[g->best].mean
                             : g->rows[c].mean > g->rows[g->best].mean))
            g->best = c;
    }
    value_decref(keys);
    value_decref(lists);
    value_decref(x);
    value_decref(y);
    if (g)
        g->is_loss = o.is_loss;
    if (ok)     /* native_obj_new frees g when it fails */
        return native_obj_new(I, &grid_class, g, out);
    if (!interp_error_pending(I))
        interp_error(I, ERR_MEMORY, "out of memory");
    if (g)
        grid_finalize(g);
    return false;
}

static const NativeDef teach_defs[] = {
    {"kfold", bi_kfold,
     "kfold(model_fn, x, y, k=5, epochs=10, batch_size=32, shuffle=True, verbose=0)",
     "k-fold cross-validation: the samples are shuffled (np.random, so :seed repeats\n"
     "a run) and cut into k folds; for each fold a fresh model from model_fn() is fitted\n"
     "on the other k-1 folds and evaluated on this one.  Returns the k scores as an\n"
     "array: the last metric evaluate() gives (accuracy when compiled with it), else\n"
     "the loss.  Their mean estimates how well the model generalises; their spread,\n"
     "how much to trust that.\n"
     "Example: scores = kfold(make_model, x, y, k=5, epochs=20); scores.mean()"},
    {"grid_search", bi_grid_search,
     "grid_search(model_fn, param_grid, x, y, k=3, epochs=10, batch_size=32, shuffle=True, verbose=0)",
     "Tries every combination of the values in param_grid (a dict of lists), calling\n"
     "model_fn(**params) for each, and scores each by k-fold cross-validation (see\n"
     "kfold).  Returns a GridSearch result: printed as a table (one row per\n"
     "combination, the mean and spread of its scores, the best row marked with *),\n"
     "with .best_params, .best_score and .results (a list of dicts).\n"
     "Example: grid_search(make_model, {'units': [16, 64], 'lr': [0.001, 0.01]}, x, y)"},
    {NULL, NULL, NULL, NULL}
};

bool teach_install(Interp *I)
{
    bool found = false;
    Value v;
    if (interp_get_builtin(I, "kfold", &v, &found) && found) {
        value_decref(v);
        return true;            /* the data part provides them */
    }
    interp_clear_error(I);
    return interp_add_builtins(I, teach_defs);
}
