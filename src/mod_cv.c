/* mod_cv.c - nnsh's cross-validation built-ins: kfold(model_fn, x, y, k=5)
 * gives the score of each fold, grid_search(model_fn, grid, x, y) the mean
 * k-fold score of every combination of the grid, as a table that prints
 * aligned with the best row marked.
 *
 * Owned by the data part.  Models are driven through the language
 * (model_fn(**params), model.fit(..., verbose=0), model.evaluate(...)), so
 * any model the Keras bindings build works.  The score is the metric
 * evaluate reports after the loss (accuracy), or the loss when there is
 * none (then lower is better).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mod_data.h"

typedef struct {
    int64_t k, epochs, batch_size, rs;
    bool shuffle;
    int64_t verbose;
} CvOpts;

/* obj.name(*pos, **kw) */
static bool call_method(Interp *I, Value obj, const char *name, int npos, const Value *pos,
                        int nkw, const char *const *kwn, const Value *kwv, Value *out)
{
    Value m;
    if (!value_getattr(I, obj, name, &m))
        return false;
    Args a = {npos, pos, nkw, kwn, kwv};
    bool ok = value_call(I, m, &a, out);
    value_decref(m);
    return ok;
}

/* The score of evaluate's result: [loss, metric, ...] -> metric; loss -> loss. */
static bool score_of(Interp *I, Value r, double *score, bool *is_loss)
{
    *is_loss = !(val_is_obj(r, OBJ_LIST) || val_is_obj(r, OBJ_TUPLE));
    if (*is_loss)
        return value_to_float(I, r, score);
    ObjList *l = as_list(r);
    if (l->len == 0)
        return interp_error(I, ERR_VALUE, "evaluate() returned no values");
    *is_loss = l->len < 2;
    return value_to_float(I, l->items[l->len < 2 ? 0 : 1], score);
}

/* One fold: build, fit on the train rows, evaluate on the test rows. */
static bool one_fold(Interp *I, Value fn, const Args *params, Value x, Value y, const NnTensor *tr,
                     const NnTensor *te, const CvOpts *o, double *score, bool *is_loss)
{
    Value xt = {0}, yt = {0}, xv = {0}, yv = {0}, model = {0}, h = {0}, r = {0};
    static const char *const fit_kw[3] = {"epochs", "batch_size", "verbose"};
    static const char *const ev_kw[1] = {"verbose"};
    Value fit_v[3] = {val_int(o->epochs), val_int(o->batch_size), val_int(o->verbose > 1)};
    Value ev_v[1] = {val_int(0)};
    bool ok = data_take_rows(I, x, tr, &xt) && data_take_rows(I, y, tr, &yt) &&
              data_take_rows(I, x, te, &xv) && data_take_rows(I, y, te, &yv) &&
              value_call(I, fn, params, &model);
    ok = ok && call_method(I, model, "fit", 2, (Value[2]){xt, yt}, 3, fit_kw, fit_v, &h);
    ok = ok && call_method(I, model, "evaluate", 2, (Value[2]){xv, yv}, 1, ev_kw, ev_v, &r);
    ok = ok && score_of(I, r, score, is_loss);
    Value all[7] = {xt, yt, xv, yv, model, h, r};
    for (int i = 0; i < 7; i++)
        value_decref(all[i]);
    return ok;
}

/* scores[k] of model_fn(**params) over the folds. */
static bool run_folds(Interp *I, Value fn, const Args *params, Value x, Value y, const CvOpts *o,
                      double *scores, bool *is_loss)
{
    int64_t n, ny;
    if (!value_len(I, x, &n) || !value_len(I, y, &ny))
        return false;
    if (n != ny)
        return interp_error(I, ERR_VALUE, "Found input variables with inconsistent numbers of "
                            "samples: [%lld, %lld]", (long long)n, (long long)ny);
    NnCtx *ctx = interp_nn(I);
    NnTensor *perm = nn_split_kfold_perm(ctx, n, o->shuffle, o->rs);
    if (!perm)
        return data_nn_error(I);
    bool ok = true;
    for (int64_t f = 0; ok && f < o->k; f++) {
        NnTensor *tr, *te;
        ok = nn_split_kfold(ctx, n, (int)o->k, (int)f, perm, &tr, &te) == NN_OK || data_nn_error(I);
        if (!ok)
            break;
        ok = one_fold(I, fn, params, x, y, tr, te, o, &scores[f], is_loss);
        nn_tensor_unref(tr);
        nn_tensor_unref(te);
        if (ok && o->verbose)
            interp_printf(I, "fold %lld/%lld: %s %.4f\n", (long long)f + 1, (long long)o->k,
                          *is_loss ? "loss" : "score", scores[f]);
        ok = ok && interp_check_interrupt(I);
    }
    nn_tensor_unref(perm);
    return ok;
}

static bool cv_opts(Interp *I, const char *f, const Value *v, int64_t dk, CvOpts *o)
{
    *o = (CvOpts){dk, 5, 32, -1, true, 0};
    if ((v[0].kind != VAL_UNSET && !arg_int(I, f, "k", v[0], &o->k)) ||
        (v[1].kind != VAL_UNSET && !arg_int(I, f, "epochs", v[1], &o->epochs)) ||
        (v[2].kind != VAL_UNSET && !arg_int(I, f, "batch_size", v[2], &o->batch_size)) ||
        (v[3].kind != VAL_UNSET && !arg_bool(I, f, "shuffle", v[3], &o->shuffle)) ||
        !data_random_state(I, f, v[4], &o->rs) ||
        (v[5].kind != VAL_UNSET && !arg_int(I, f, "verbose", v[5], &o->verbose)))
        return false;
    if (o->k < 2 || o->k > 1000)
        return interp_error(I, ERR_VALUE, "%s(): k must be between 2 and 1000", f);
    return true;
}

static bool b_kfold(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[9];
    CvOpts o;
    bool is_loss = false;
    (void)self;
    if (!args_parse(I, "kfold", a, "model_fn, x, y, k=, epochs=, batch_size=, shuffle=, "
                    "random_state=, verbose=", v) || !cv_opts(I, "kfold", v + 3, 5, &o))
        return false;
    int64_t s[1] = {o.k};
    NnTensor *t = nn_tensor_new(interp_nn(I), NN_F64, 1, s);
    if (!t)
        return data_nn_error(I);
    Args none = {0, NULL, 0, NULL, NULL};
    if (!run_folds(I, v[0], &none, v[1], v[2], &o, nn_tensor_data(t), &is_loss)) {
        nn_tensor_unref(t);
        return false;
    }
    return tensor_value_new(I, t, TENSOR_NP, out);
}

/* ---------------------------------------------------------------- grid_search */

typedef struct {
    int nkeys;
    int64_t ncombo;
    Value keys;           /* list of str */
    Value params;         /* list of dicts, one per combination */
    double *mean, *std;
    int64_t best;
    bool is_loss;
} Grid;

static const NativeClass grid_class;

static void grid_free(void *data)
{
    Grid *g = data;
    value_decref(g->keys);
    value_decref(g->params);
    free(g->mean);
    free(g->std);
    free(g);
}

/* The combinations of the grid (first key slowest), as dicts. */
static bool grid_combos(Interp *I, Value grid, Grid *g)
{
    if (!val_is_obj(grid, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "grid_search(): the grid must be a dict of lists");
    ObjDict *d = as_dict(grid);
    Value lists[32];
    bool ok = list_new(I, d->len, &g->keys) && list_new(I, 16, &g->params);
    g->ncombo = 1;
    for (size_t i = 0; ok && i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind == VAL_UNSET)
            continue;
        if (g->nkeys == 32 || !val_is_obj(e->key, OBJ_STR)) {
            ok = interp_error(I, ERR_VALUE, "grid_search(): at most 32 parameter names (str)");
            break;
        }
        ok = list_append(I, g->keys, e->key) && value_to_list(I, e->value, &lists[g->nkeys]);
        if (ok)
            g->ncombo *= (int64_t)as_list(lists[g->nkeys++])->len;
    }
    for (int64_t c = 0; ok && c < g->ncombo; c++) {
        Value p;
        ok = dict_new(I, &p);
        int64_t pick[32];
        for (int64_t rest = c, j = g->nkeys - 1; j >= 0; j--) {
            pick[j] = rest % (int64_t)as_list(lists[j])->len;
            rest /= (int64_t)as_list(lists[j])->len;
        }
        for (int j = 0; ok && j < g->nkeys; j++)
            ok = dict_set(I, p, as_list(g->keys)->items[j], as_list(lists[j])->items[pick[j]]);
        if (ok) {
            ok = list_append(I, g->params, p);
            value_decref(p);
        }
    }
    for (int j = 0; j < g->nkeys; j++)
        value_decref(lists[j]);
    return ok;
}

/* Mean and standard deviation of the k-fold scores of one combination. */
static bool grid_one(Interp *I, Grid *g, int64_t c, Value fn, Value x, Value y, const CvOpts *o,
                     double *scores)
{
    const char *kwn[32];
    Value kwv[32];
    Value p = as_list(g->params)->items[c];
    for (int j = 0; j < g->nkeys; j++) {
        bool found;
        kwn[j] = str_cstr(as_list(g->keys)->items[j]);
        if (!dict_get(I, p, as_list(g->keys)->items[j], &kwv[j], &found))
            return false;
        value_decref(kwv[j]);   /* the dict keeps it alive */
    }
    Args params = {0, NULL, g->nkeys, kwn, kwv};
    if (!run_folds(I, fn, &params, x, y, o, scores, &g->is_loss))
        return false;
    double m = 0, v = 0;
    for (int64_t f = 0; f < o->k; f++)
        m += scores[f];
    m /= (double)o->k;
    for (int64_t f = 0; f < o->k; f++)
        v += (scores[f] - m) * (scores[f] - m);
    g->mean[c] = m;
    g->std[c] = sqrt(v / (double)o->k);
    if (c == 0 || (g->is_loss ? m < g->mean[g->best] : m > g->mean[g->best]))
        g->best = c;
    return true;
}

static bool b_grid_search(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[10];
    CvOpts o;
    (void)self;
    if (!args_parse(I, "grid_search", a, "model_fn, grid, x, y, k=, epochs=, batch_size=, "
                    "shuffle=, random_state=, verbose=", v) ||
        !cv_opts(I, "grid_search", v + 4, 3, &o))
        return false;
    Grid *g = calloc(1, sizeof *g);
    double *scores = calloc((size_t)o.k, sizeof *scores);
    if (!g || !scores) {
        free(g);
        free(scores);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    bool ok = grid_combos(I, v[1], g);
    if (ok && g->ncombo == 0)
        ok = interp_error(I, ERR_VALUE, "grid_search(): the grid has no combinations");
    if (ok) {
        g->mean = calloc((size_t)g->ncombo + 1, sizeof *g->mean);
        g->std = calloc((size_t)g->ncombo + 1, sizeof *g->std);
        ok = (g->mean && g->std) || interp_error(I, ERR_MEMORY, "out of memory");
    }
    for (int64_t c = 0; ok && c < g->ncombo; c++)
        ok = grid_one(I, g, c, v[0], v[2], v[3], &o, scores);
    free(scores);
    if (!ok) {
        grid_free(g);
        return false;
    }
    return native_obj_new(I, &grid_class, g, out);
}

/* Cell text of row r (-1: the header), column j (nkeys: score, +1: std). */
static bool grid_cell(Interp *I, Grid *g, int64_t r, int j, StrBuf *sb)
{
    if (r < 0) {
        if (j < g->nkeys)
            sb_puts(sb, str_cstr(as_list(g->keys)->items[j]));
        else
            sb_puts(sb, j == g->nkeys ? (g->is_loss ? "loss" : "score") : "std");
        return true;
    }
    if (j >= g->nkeys) {
        sb_printf(sb, "%.4f", j == g->nkeys ? g->mean[r] : g->std[r]);
        return true;
    }
    Value v;
    bool found;
    if (!dict_get(I, as_list(g->params)->items[r], as_list(g->keys)->items[j], &v, &found))
        return false;
    bool ok = value_repr(I, v, sb);
    value_decref(v);
    return ok;
}

/* The table, columns padded to their widest cell, the best row marked. */
static bool grid_repr(Interp *I, Value self, StrBuf *sb)
{
    Grid *g = native_obj_data(self, &grid_class);
    int nc = g->nkeys + 2;
    size_t w[34] = {0};
    for (int64_t r = -1; r < g->ncombo; r++)
        for (int j = 0; j < nc; j++) {
            StrBuf c;
            sb_init(&c);
            bool ok = grid_cell(I, g, r, j, &c);
            if (ok && c.len > w[j])
                w[j] = c.len;
            sb_free(&c);
            if (!ok)
                return false;
        }
    for (int64_t r = -1; r < g->ncombo; r++) {
        for (int j = 0; j < nc; j++) {
            size_t before = sb->len;
            if (!grid_cell(I, g, r, j, sb))
                return false;
            for (size_t k = sb->len - before; j + 1 < nc && k < w[j] + 2; k++)
                sb_putc(sb, ' ');
        }
        if (r == g->best)
            sb_puts(sb, "  <- best");
        if (r + 1 < g->ncombo)
            sb_putc(sb, '\n');
    }
    return true;
}

static bool grid_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    Grid *g = native_obj_data(self, &grid_class);
    *found = true;
    if (strcmp(name, "best_params_") == 0) {
        *out = as_list(g->params)->items[g->best];
        value_incref(*out);
        return true;
    }
    if (strcmp(name, "best_score_") == 0) {
        *out = val_float(g->mean[g->best]);
        return true;
    }
    if (strcmp(name, "results") != 0) {
        *found = false;
        return true;
    }
    bool ok = list_new(I, (size_t)g->ncombo, out);
    for (int64_t c = 0; ok && c < g->ncombo; c++) {
        Value d, p = as_list(g->params)->items[c];
        ok = dict_new(I, &d);
        ObjDict *pd = as_dict(p);
        for (size_t i = 0; ok && i < pd->nentries; i++)
            if (pd->entries[i].key.kind != VAL_UNSET)
                ok = dict_set(I, d, pd->entries[i].key, pd->entries[i].value);
        ok = ok && dict_set_str(I, d, g->is_loss ? "loss" : "score", val_float(g->mean[c])) &&
             dict_set_str(I, d, "std", val_float(g->std[c]));
        if (d.kind == VAL_OBJ) {
            ok = ok && list_append(I, *out, d);
            value_decref(d);
        }
    }
    return ok;
}

static const char *const grid_attrs[] = {"best_params_", "best_score_", "results", NULL};

static const NativeClass grid_class = {
    .name = "GridSearchResult", .finalize = grid_free, .getattr = grid_getattr,
    .repr = grid_repr, .attrs = grid_attrs,
    .doc = "The k-fold scores of every combination of a grid: printed as a table (best row "
           "marked); .best_params_, .best_score_, .results.",
};

const NativeDef data_cv_defs[] = {
    {"kfold", b_kfold, "kfold(model_fn, x, y, k=5, epochs=5, batch_size=32, shuffle=True, "
     "random_state=None, verbose=0)",
     "k-fold cross-validation: for each fold, model_fn() builds a compiled model, which is fit on "
     "the other folds and evaluated on this one; returns the k scores (accuracy, or the loss "
     "when the model has no metric).\n    scores = kfold(build, x, y, k=5); scores.mean()"},
    {"grid_search", b_grid_search, "grid_search(model_fn, grid, x, y, k=3, epochs=5, "
     "batch_size=32, shuffle=True, random_state=None, verbose=0)",
     "Tries every combination of the grid's values as keyword arguments of model_fn, scoring "
     "each by k-fold cross-validation; prints as a table with the best row marked.\n"
     "    grid_search(build, {'units': [32, 64], 'lr': [1e-3, 1e-2]}, x, y)"},
    {NULL, NULL, NULL, NULL}
};
