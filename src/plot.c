/* plot.c - nnsh's inline plots: plot, scatter, hist, plot_boundary, show;
 * and the libfront side of the fit dashboard (dashboard.h).
 *
 * Inline plots are text printed through interp_write, so they stay in the
 * scrollback and in :export transcripts: plot_grid.c computes the cells,
 * plot_data.c knows the terminal (width, colours, glyphs).  No ncurses
 * here: the dashboard (dashboard.c, program only) registers itself in
 * dashboard_ops.
 *
 * Owned by the plots/dashboard part.  Depends on value.h, interp.h,
 * tensor_value.h, plot_grid.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dashboard.h"
#include "modules.h"
#include "plot_int.h"
#include "tensor_value.h"

/* ---------------------------------------------------------------- dashboard */

const DashboardOps *dashboard_ops;

bool dashboard_wanted(Interp *I, int verbose, Value dashboard_kw)
{
    if (!dashboard_ops || verbose != 1 || !isatty(STDOUT_FILENO))
        return false;
    const char *env = getenv("NNSH_DASHBOARD");
    if (env && strcmp(env, "0") == 0)
        return false;
    if (dashboard_kw.kind == VAL_UNSET || dashboard_kw.kind == VAL_NONE)
        return true;
    bool on = true;
    if (!value_truth(I, dashboard_kw, &on)) {
        interp_clear_error(I);
        return false;
    }
    return on;
}

Dashboard *dashboard_start(Interp *I, const DashboardParams *p, NnFitCallbacks *cb)
{
    return dashboard_ops ? dashboard_ops->start(I, p, cb) : NULL;
}

void dashboard_finish(Dashboard *d)
{
    if (d && dashboard_ops)
        dashboard_ops->finish(d);
}

/* ---------------------------------------------------------------- helpers */

typedef struct Owned {          /* arrays to free at the end of a call */
    double *p[64];
    int n;
} Owned;

static void owned_free(Owned *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->p[i]);
    o->n = 0;
}

static double *owned_add(Owned *o, double *p)
{
    if (o->n < 64)
        o->p[o->n++] = p;
    return p;
}

static bool kw_str(Interp *I, const char *fname, const Args *a, const char *name, const char **out)
{
    Value v = plot_kw(a, name);
    *out = NULL;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    return arg_str(I, fname, name, v, out);
}

static bool kw_bool(Interp *I, const char *fname, const Args *a, const char *name, bool *out)
{
    Value v = plot_kw(a, name);
    *out = false;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    return arg_bool(I, fname, name, v, out);
}

/* width= / height= with the terminal's width as the default. */
static bool chart_size(Interp *I, const char *fname, const Args *a, const PlotEnv *e,
                       int dflt_h, int *w, int *h)
{
    return plot_kw_int(I, fname, a, "width", e->width, 20, 400, w) &&
           plot_kw_int(I, fname, a, "height", dflt_h, 5, 200, h);
}

static bool render_print(Interp *I, const PlotChart *c, const PlotEnv *e, int w, int h)
{
    PlotGrid g;
    if (!plot_grid_init(&g, w, h))
        return interp_error(I, ERR_MEMORY, "out of memory");
    plot_chart_render(c, &g, NULL);
    plot_emit(I, &g, e);
    plot_grid_free(&g);
    return true;
}

/* ---------------------------------------------------------------- plot */

/* The .history dict of a History object, or v itself when it is a dict;
 * *found false for anything else. */
static bool history_dict(Interp *I, Value v, Value *out, bool *found)
{
    *found = false;
    if (val_is_obj(v, OBJ_DICT)) {
        value_incref(v);
        *out = v;
        *found = true;
        return true;
    }
    if (v.kind != VAL_OBJ || tensor_value_is(v) || val_is_obj(v, OBJ_LIST) ||
        val_is_obj(v, OBJ_TUPLE))
        return true;
    Value h;
    if (!value_getattr(I, v, "history", &h)) {
        interp_clear_error(I);
        return true;
    }
    if (!val_is_obj(h, OBJ_DICT)) {
        value_decref(h);
        return true;
    }
    *out = h;
    *found = true;
    return true;
}

/* One history key as a series (x = epoch 1..n); *ok false when absent. */
static bool history_series(Interp *I, Value dict, const char *key, Owned *own, PlotSeries *s,
                           bool *ok)
{
    Value v;
    bool found;
    *ok = false;
    if (!dict_get_str(I, dict, key, &v, &found))
        return false;
    if (!found)
        return true;
    double *y;
    size_t n;
    bool r = plot_values(I, "plot", v, &y, &n, NULL, NULL);
    value_decref(v);
    if (!r)
        return false;
    owned_add(own, y);
    s->y = y;
    s->n = n;
    s->x_offset = 1;
    *ok = true;
    return true;
}

static bool plot_history(Interp *I, Value dict, const Args *a, const PlotEnv *e)
{
    const char *key = "loss";
    if (a->npos > 1 && !arg_str(I, "plot", "metric", a->pos[1], &key))
        return false;
    char vkey[128], title[160];
    snprintf(vkey, sizeof vkey, "val_%s", key);
    snprintf(title, sizeof title, "model %s", key);
    Owned own = { .n = 0 };
    PlotSeries s[2];
    memset(s, 0, sizeof s);
    bool ok1 = false, ok2 = false;
    bool r = history_series(I, dict, key, &own, &s[0], &ok1) &&
             history_series(I, dict, vkey, &own, &s[ok1 ? 1 : 0], &ok2);
    if (r && !ok1 && !ok2)
        r = interp_error(I, ERR_KEY, "'%s'", key);
    int ns = (ok1 ? 1 : 0) + (ok2 ? 1 : 0);
    const char *labels[2] = { ok1 ? key : vkey, vkey };
    for (int k = 0; r && k < ns; k++) {
        s[k].label = labels[k];
        s[k].colour = plot_series_colour(k);
        s[k].marker = k ? '+' : '*';
    }
    int w, h;
    const char *t;
    bool logy;
    r = r && chart_size(I, "plot", a, e, 20, &w, &h) && kw_str(I, "plot", a, "title", &t) &&
        kw_bool(I, "plot", a, "logy", &logy);
    if (r) {
        PlotChart c;
        plot_chart_init(&c);
        c.series = s;
        c.nseries = ns;
        c.glyphs = e->glyphs;
        c.title = t ? t : title;
        c.xlabel = "epoch";
        c.xint = true;
        c.logy = logy;
        r = render_print(I, &c, e, w, h);
    }
    owned_free(&own);
    return r;
}

/* labels=[...]: the i-th label or NULL. */
static bool label_at(Interp *I, Value labels, int i, const char **out)
{
    *out = NULL;
    if (labels.kind == VAL_UNSET || labels.kind == VAL_NONE)
        return true;
    if (!val_is_obj(labels, OBJ_LIST) && !val_is_obj(labels, OBJ_TUPLE))
        return interp_error(I, ERR_TYPE, "plot() labels must be a list of str");
    ObjList *l = as_list(labels);
    if ((size_t)i >= l->len)
        return true;
    return arg_str(I, "plot", "labels", l->items[i], out);
}

static int64_t labels_len(Value labels)
{
    if (val_is_obj(labels, OBJ_LIST) || val_is_obj(labels, OBJ_TUPLE))
        return (int64_t)as_list(labels)->len;
    return -1;
}

/* One positional argument of plot() as numbers. */
typedef struct PArg {
    double *v;              /* owned by the call's Owned */
    size_t n;
    int64_t rows, cols;     /* a 1-D argument is n x 1 */
    bool two_d;
} PArg;

static bool parg_read(Interp *I, Value v, Owned *own, PArg *p)
{
    int nd;
    int64_t shape[NN_MAXDIM];
    if (!plot_values(I, "plot", v, &p->v, &p->n, &nd, shape))
        return false;
    owned_add(own, p->v);
    p->two_d = nd == 2;
    p->rows = nd == 2 ? shape[0] : (int64_t)p->n;
    p->cols = nd == 2 ? shape[1] : 1;
    return true;
}

static bool parg_is_x(const PArg *p) { return p->cols == 1; }

/* y can be drawn against an x of nx values: nx values, or a 2-D array with
 * nx rows (its columns are the series) or nx columns (its rows are). */
static bool parg_fits(const PArg *p, size_t nx)
{
    return (size_t)p->rows == nx || (p->two_d && (size_t)p->cols == nx);
}

static bool parg_same(const PArg *a, const PArg *b)
{
    if (a->n != b->n || a->cols != b->cols)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] != b->v[i])
            return false;
    return true;
}

/* The rule for plot(a0, a1, ...) (see the help text):
 *   PX_NONE   every argument is a series against 0, 1, 2, ...
 *   PX_SHARED a0 is x, every other argument a series against it; an argument
 *             equal to a0 at an even position is x repeated (matplotlib's
 *             plot(x, y1, x, y2)) and is skipped
 *   PX_PAIRS  matplotlib's plot(x1, y1, x2, y2, ...) with different x's */
typedef enum { PX_NONE, PX_SHARED, PX_PAIRS } PxRule;

static PxRule x_rule(const PArg *p, int n, int64_t nlabels)
{
    if (n < 2 || nlabels == n)             /* one label per argument: all are series */
        return PX_NONE;
    bool shared = parg_is_x(&p[0]);
    for (int i = 1; shared && i < n; i++)
        shared = (i % 2 == 0 && n % 2 == 0 && parg_same(&p[0], &p[i])) || parg_fits(&p[i], p[0].n);
    if (shared)
        return PX_SHARED;
    bool pairs = n % 2 == 0;
    for (int i = 0; pairs && i < n; i += 2)
        pairs = parg_is_x(&p[i]) && parg_fits(&p[i + 1], p[i].n);
    return pairs ? PX_PAIRS : PX_NONE;
}

/* Adds the series of one argument against x (NULL: the index): a 2-D
 * array gives one series per column, or per row when its rows have x's
 * length and its columns do not. */
static bool add_series(Interp *I, const PArg *y, const double *x, size_t nx, Owned *own,
                       PlotSeries *s, int *ns)
{
    bool by_row = x && y->two_d && (size_t)y->rows != nx && (size_t)y->cols == nx;
    int64_t count = by_row ? y->rows : y->cols, len = by_row ? y->cols : y->rows;
    for (int64_t k = 0; k < count && *ns < 16; k++) {
        double *col = by_row ? y->v + k * y->cols : y->v;
        if (!by_row && y->cols > 1) {
            col = owned_add(own, malloc((size_t)(len ? len : 1) * sizeof *col));
            if (!col)
                return interp_error(I, ERR_MEMORY, "out of memory");
            for (int64_t r = 0; r < len; r++)
                col[r] = y->v[r * y->cols + k];
        }
        PlotSeries *p = &s[(*ns)++];
        memset(p, 0, sizeof *p);
        p->x = x;
        p->y = col;
        p->n = (size_t)len;
        p->colour = plot_series_colour(*ns - 1);
        p->marker = "*+ox#@%&"[(*ns - 1) % 8];
    }
    return true;
}

/* The series of plot()'s positional arguments by x_rule; plot(x, y) with
 * lengths that differ is matplotlib's error. */
static bool collect_series(Interp *I, const Args *a, int64_t nl, Owned *own, PlotSeries *s,
                           int *ns, bool *has_x)
{
    PArg p[16];
    int n = a->npos;
    if (n > 16)
        return interp_error(I, ERR_TYPE, "plot() takes at most 16 positional arguments (%d given)", n);
    for (int i = 0; i < n; i++)
        if (!parg_read(I, a->pos[i], own, &p[i]))
            return false;
    PxRule rule = x_rule(p, n, nl);
    if (n == 2 && nl != 2 && rule == PX_NONE)
        return interp_error(I, ERR_VALUE, "x and y must have same first dimension, but have "
                            "shapes (%zu,) and (%lld,)", p[0].n, (long long)p[1].rows);
    *has_x = rule != PX_NONE;
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        if (rule == PX_SHARED && (i == 0 || (i % 2 == 0 && n % 2 == 0 && parg_same(&p[0], &p[i]))))
            continue;
        if (rule == PX_PAIRS && i % 2 == 0)
            continue;
        const PArg *x = rule == PX_SHARED ? &p[0] : rule == PX_PAIRS ? &p[i - 1] : NULL;
        ok = add_series(I, &p[i], x ? x->v : NULL, x ? x->n : 0, own, s, ns);
    }
    return ok;
}

static bool plot_series(Interp *I, const Args *a, const PlotEnv *e)
{
    Value labels = plot_kw(a, "labels");
    Owned own = { .n = 0 };
    PlotSeries s[16];
    int ns = 0;
    bool has_x = false;
    bool r = collect_series(I, a, labels_len(labels), &own, s, &ns, &has_x);
    for (int k = 0; r && k < ns; k++)
        r = label_at(I, labels, k, &s[k].label);
    int w, h;
    const char *t, *xl;
    bool logy;
    r = r && chart_size(I, "plot", a, e, 20, &w, &h) && kw_str(I, "plot", a, "title", &t) &&
        kw_str(I, "plot", a, "xlabel", &xl) && kw_bool(I, "plot", a, "logy", &logy);
    if (r) {
        PlotChart c;
        plot_chart_init(&c);
        c.series = s;
        c.nseries = ns;
        c.glyphs = e->glyphs;
        c.title = t;
        c.xlabel = xl;
        c.logy = logy;
        c.xint = !has_x;
        r = render_print(I, &c, e, w, h);
    }
    owned_free(&own);
    return r;
}

static const char *const plot_kws[] = { "labels", "title", "xlabel", "logy", "width", "height", NULL };

static bool bi_plot(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!plot_check_kws(I, "plot", a, plot_kws))
        return false;
    if (a->npos < 1)
        return interp_error(I, ERR_TYPE, "plot() missing 1 required positional argument: 'y'");
    PlotEnv e;
    plot_env(&e);
    Value dict;
    bool found;
    if (!history_dict(I, a->pos[0], &dict, &found))
        return false;
    bool r;
    if (found) {
        r = plot_history(I, dict, a, &e);
        value_decref(dict);
    } else {
        r = plot_series(I, a, &e);
    }
    if (r)
        *out = val_none();
    return r;
}

/* ---------------------------------------------------------------- scatter */

/* x, y and classes of scatter()/plot_boundary(): either (x, y[, c]) or an
 * (N, 2) array followed by optional classes. */
typedef struct Points {
    double *x, *y, *c;
    size_t n;
    int nclass;
} Points;

static void points_free(Points *p)
{
    free(p->x);
    free(p->y);
    free(p->c);
    memset(p, 0, sizeof *p);
}

/* Class labels: (N,) or (N, 1) rounded; (N, k) one-hot / scores: argmax. */
static bool class_values(Interp *I, const char *fname, Value v, size_t n, double **out)
{
    double *c;
    size_t m;
    int nd;
    int64_t shape[NN_MAXDIM];
    if (!plot_values(I, fname, v, &c, &m, &nd, shape))
        return false;
    if (nd == 2 && shape[1] > 1 && (size_t)shape[0] == n) {
        int64_t k = shape[1];
        for (size_t i = 0; i < n; i++) {
            int64_t best = 0;
            for (int64_t j = 1; j < k; j++)
                if (c[i * k + j] > c[i * k + best])
                    best = j;
            c[i] = (double)best;
        }
        m = n;
    }
    if (m != n) {
        free(c);
        return interp_error(I, ERR_VALUE, "%s(): %zu class labels for %zu points", fname, m, n);
    }
    for (size_t i = 0; i < n; i++)
        c[i] = isfinite(c[i]) ? (double)((long long)llround(c[i]) & 7) : 0;
    *out = c;
    return true;
}

static bool get_points(Interp *I, const char *fname, Value a0, Value a1, Value cls, Points *p)
{
    memset(p, 0, sizeof *p);
    int nd;
    int64_t shape[NN_MAXDIM];
    double *v;
    size_t n;
    if (!plot_values(I, fname, a0, &v, &n, &nd, shape))
        return false;
    if (nd == 2 && shape[1] == 2) {                /* X (N, 2) [, labels] */
        p->n = (size_t)shape[0];
        p->x = malloc((p->n + 1) * sizeof *p->x);
        p->y = malloc((p->n + 1) * sizeof *p->y);
        if (!p->x || !p->y) {
            free(v);
            points_free(p);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
        for (size_t i = 0; i < p->n; i++) {
            p->x[i] = v[2 * i];
            p->y[i] = v[2 * i + 1];
        }
        free(v);
        if (cls.kind == VAL_UNSET || cls.kind == VAL_NONE)
            cls = a1;
    } else {
        p->x = v;
        p->n = n;
        if (a1.kind == VAL_UNSET || a1.kind == VAL_NONE) {
            points_free(p);
            return interp_error(I, ERR_TYPE, "%s() needs x and y, or an (N, 2) array", fname);
        }
        size_t m;
        if (!plot_values(I, fname, a1, &p->y, &m, NULL, NULL)) {
            points_free(p);
            return false;
        }
        if (m != n) {
            points_free(p);
            return interp_error(I, ERR_VALUE, "x and y must be the same size");
        }
    }
    if (cls.kind != VAL_UNSET && cls.kind != VAL_NONE &&
        !class_values(I, fname, cls, p->n, &p->c)) {
        points_free(p);
        return false;
    }
    p->nclass = 1;
    for (size_t i = 0; p->c && i < p->n; i++)
        if ((int)p->c[i] + 1 > p->nclass)
            p->nclass = (int)p->c[i] + 1;
    return true;
}

/* One point series per class (NaN where a point is of another class). */
static bool class_series(Interp *I, const Points *p, bool colour, Owned *own, PlotSeries *s,
                         char names[][16])
{
    for (int k = 0; k < p->nclass; k++) {
        double *y = owned_add(own, malloc((p->n + 1) * sizeof *y));
        if (!y)
            return interp_error(I, ERR_MEMORY, "out of memory");
        for (size_t i = 0; i < p->n; i++)
            y[i] = !p->c || (int)p->c[i] == k ? p->y[i] : NAN;
        snprintf(names[k], 16, "%d", k);
        s[k] = (PlotSeries){ .x = p->x, .y = y, .n = p->n, .style = PLOT_POINTS,
                             .marker = plot_class_marker(k),
                             .colour = colour ? plot_class_colour(k) : PLOT_DEFAULT,
                             .label = p->c ? names[k] : NULL };
    }
    return true;
}

static const char *const scatter_kws[] = { "c", "title", "width", "height", NULL };

static bool bi_scatter(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!plot_check_kws(I, "scatter", a, scatter_kws))
        return false;
    if (a->npos < 1 || a->npos > 3)
        return interp_error(I, ERR_TYPE, "scatter() takes x, y and c=labels");
    Value unset = { VAL_UNSET, { 0 } };
    Value c = a->npos > 2 ? a->pos[2] : plot_kw(a, "c");
    PlotEnv e;
    plot_env(&e);
    Points p;
    if (!get_points(I, "scatter", a->pos[0], a->npos > 1 ? a->pos[1] : unset, c, &p))
        return false;
    Owned own = { .n = 0 };
    PlotSeries s[8];
    char names[8][16];
    int w, h;
    const char *t;
    bool r = class_series(I, &p, e.colour, &own, s, names) &&
             chart_size(I, "scatter", a, &e, 20, &w, &h) && kw_str(I, "scatter", a, "title", &t);
    if (r) {
        PlotChart ch;
        plot_chart_init(&ch);
        ch.series = s;
        ch.nseries = p.nclass;
        ch.glyphs = e.glyphs;
        ch.title = t;
        r = render_print(I, &ch, &e, w, h);
    }
    owned_free(&own);
    points_free(&p);
    if (r)
        *out = val_none();
    return r;
}

/* ---------------------------------------------------------------- hist */

static const char *const hist_kws[] = { "bins", "title", "width", "height", NULL };

static bool bi_hist(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!plot_check_kws(I, "hist", a, hist_kws))
        return false;
    if (a->npos < 1 || a->npos > 2)
        return interp_error(I, ERR_TYPE, "hist() takes values and bins=10");
    PlotEnv e;
    plot_env(&e);
    int bins = 10, w, h;
    const char *t;
    if (a->npos > 1) {
        int64_t b;
        if (!arg_int(I, "hist", "bins", a->pos[1], &b))
            return false;
        bins = (int)(b < 1 ? 0 : b > 1000 ? 1000 : b);
    } else if (!plot_kw_int(I, "hist", a, "bins", 10, 1, 1000, &bins)) {
        return false;
    }
    if (bins < 1)
        return interp_error(I, ERR_VALUE, "`bins` must be positive, when an integer");
    if (!chart_size(I, "hist", a, &e, 15, &w, &h) || !kw_str(I, "hist", a, "title", &t))
        return false;
    double *v;
    size_t n;
    if (!plot_values(I, "hist", a->pos[0], &v, &n, NULL, NULL))
        return false;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    if (!isfinite(lo)) {
        lo = 0;
        hi = 1;
    } else if (hi <= lo) {              /* numpy: (v - 0.5, v + 0.5) */
        lo -= 0.5;
        hi += 0.5;
    }
    double *counts = calloc((size_t)bins, sizeof *counts);
    PlotGrid g;
    bool r = counts && plot_grid_init(&g, w, h - (t ? 1 : 0));
    if (!r) {
        free(v);
        free(counts);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        int b = (int)((v[i] - lo) / (hi - lo) * bins);
        counts[b >= bins ? bins - 1 : b < 0 ? 0 : b]++;      /* the last edge is inside */
    }
    if (t) {
        PlotGrid tg;
        if (plot_grid_init(&tg, w, 1)) {
            plot_grid_text(&tg, (w - (int)strlen(t)) / 2, 0, t, PLOT_DEFAULT, PLOT_ATTR_BOLD);
            plot_emit(I, &tg, &e);
            plot_grid_free(&tg);
        }
    }
    plot_hist_render(counts, bins, lo, hi, e.glyphs, e.colour ? plot_series_colour(0) : PLOT_DEFAULT, &g);
    plot_emit(I, &g, &e);
    plot_grid_free(&g);
    free(counts);
    free(v);
    *out = val_none();
    return true;
}

/* ---------------------------------------------------------------- plot_boundary */

/* The (M, 2) grid of plot-area cell positions as an ndarray, float32. */
static bool grid_points(Interp *I, const PlotLayout *L, Value *out)
{
    int64_t shape[2] = { (int64_t)L->pw * L->ph, 2 };
    NnTensor *t = nn_tensor_new(interp_nn(I), NN_F32, 2, shape);
    if (!t)
        return interp_error_from_nn(I);
    float *f = nn_tensor_data(t);
    for (int r = 0; r < L->ph; r++)
        for (int c = 0; c < L->pw; c++) {
            double fx = L->pw > 1 ? (double)c / (L->pw - 1) : 0.5;
            double fy = L->ph > 1 ? (double)r / (L->ph - 1) : 0.5;
            f[2 * (r * L->pw + c)] = (float)(L->x0 + fx * (L->x1 - L->x0));
            f[2 * (r * L->pw + c) + 1] = (float)(L->y1 - fy * (L->y1 - L->y0));
        }
    return tensor_value_new(I, t, TENSOR_NP, out);
}

/* model.predict(points, verbose=0) (without verbose= when refused). */
static bool predict(Interp *I, Value model, Value pts, Value *out)
{
    Value fn;
    if (!value_getattr(I, model, "predict", &fn))
        return false;
    const char *kwn[1] = { "verbose" };
    Value kwv[1] = { val_int(0) };
    Args a = { 1, &pts, 1, kwn, kwv };
    bool r = value_call(I, fn, &a, out);
    if (!r && interp_error_kind(I) == ERR_TYPE && strstr(interp_error_message(I), "verbose")) {
        interp_clear_error(I);
        a.nkw = 0;
        r = value_call(I, fn, &a, out);
    }
    value_decref(fn);
    return r;
}

/* The class of each cell from the predictions: (M,) or (M, 1)
 * probabilities over 0.5, else the argmax of (M, k). */
static bool cell_classes(Interp *I, Value pred, size_t m, int *cls)
{
    double *p;
    size_t n;
    int nd;
    int64_t shape[NN_MAXDIM];
    if (!plot_values(I, "plot_boundary", pred, &p, &n, &nd, shape))
        return false;
    size_t k = n / (m ? m : 1);
    if (k * m != n || k == 0) {
        free(p);
        return interp_error(I, ERR_VALUE, "plot_boundary(): predict returned %zu values for %zu points",
                            n, m);
    }
    for (size_t i = 0; i < m; i++) {
        size_t best = 0;
        for (size_t j = 1; j < k; j++)
            if (p[i * k + j] > p[i * k + best])
                best = j;
        cls[i] = k == 1 ? p[i] > 0.5 : (int)best;
    }
    free(p);
    return true;
}

static bool draw_boundary(Interp *I, Value model, const Points *p, const PlotEnv *e,
                          const char *title, int w, int h)
{
    Owned own = { .n = 0 };
    PlotSeries s[8];
    char names[8][16];
    PlotGrid g;
    if (!class_series(I, p, e->colour, &own, s, names) || !plot_grid_init(&g, w, h)) {
        owned_free(&own);
        return interp_error_pending(I) ? false : interp_error(I, ERR_MEMORY, "out of memory");
    }
    PlotChart c;
    plot_chart_init(&c);
    c.series = s;
    c.nseries = p->nclass;
    c.glyphs = PLOT_ASCII;              /* one cell per region sample */
    c.title = title;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < p->n; i++) {
        x0 = fmin(x0, p->x[i]); x1 = fmax(x1, p->x[i]);
        y0 = fmin(y0, p->y[i]); y1 = fmax(y1, p->y[i]);
    }
    double dx = (x1 - x0) * 0.05, dy = (y1 - y0) * 0.05;
    c.xmin = x0 - dx; c.xmax = x1 + dx; c.ymin = y0 - dy; c.ymax = y1 + dy;
    PlotLayout L;
    plot_chart_render(&c, &g, &L);
    Value pts, pred;
    int *cls = malloc(((size_t)L.pw * L.ph + 1) * sizeof *cls);
    bool r = cls && grid_points(I, &L, &pts);
    if (r) {
        r = predict(I, model, pts, &pred);
        value_decref(pts);
    }
    if (r) {
        r = cell_classes(I, pred, (size_t)L.pw * L.ph, cls);
        value_decref(pred);
    }
    if (r) {
        plot_regions_paint(&g, &L, cls, e->colour);
        for (size_t i = 0; i < p->n; i++)
            plot_point_mark(&g, &L, p->x[i], p->y[i], p->c ? (int)p->c[i] : 0, e->colour);
        plot_emit(I, &g, e);
    } else if (!cls) {
        r = interp_error(I, ERR_MEMORY, "out of memory");
    }
    free(cls);
    plot_grid_free(&g);
    owned_free(&own);
    return r;
}

static const char *const boundary_kws[] = { "title", "width", "height", NULL };

static bool bi_plot_boundary(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (!plot_check_kws(I, "plot_boundary", a, boundary_kws))
        return false;
    if (a->npos < 2 || a->npos > 3)
        return interp_error(I, ERR_TYPE, "plot_boundary() takes model, x and y");
    PlotEnv e;
    plot_env(&e);
    int w, h;
    const char *t;
    if (!chart_size(I, "plot_boundary", a, &e, 24, &w, &h) || !kw_str(I, "plot_boundary", a, "title", &t))
        return false;
    Value unset = { VAL_UNSET, { 0 } };
    Points p;
    if (!get_points(I, "plot_boundary", a->pos[1], unset, a->npos > 2 ? a->pos[2] : unset, &p))
        return false;
    if (p.n == 0) {
        points_free(&p);
        return interp_error(I, ERR_VALUE, "plot_boundary(): no points");
    }
    bool r = draw_boundary(I, a->pos[0], &p, &e, t, w, h);
    points_free(&p);
    if (r)
        *out = val_none();
    return r;
}

static const NativeDef plot_defs[] = {
    { "plot", bi_plot, "plot(*args, labels=None, title=None, xlabel=None, logy=False, width=None, height=None)",
      "Draws a line chart inline (it stays in the scrollback and in :export).\n"
      "plot(history) draws loss and val_loss per epoch; plot(history, 'accuracy')\n"
      "the metric.  plot(y) draws y against 0, 1, 2, ...; a 2-D y one series per\n"
      "column.  Several series on one chart, with a legend from labels=:\n"
      "  plot(x, y1, y2, labels=['a', 'b'])     the first argument is x when there\n"
      "      are several and its length matches every other argument;\n"
      "  plot(x, [y1, y2, y3], labels=[...])    a 2-D y whose rows have x's length\n"
      "      gives one series per row (per column when its columns do not);\n"
      "  plot(x, y1, x, y2)                     x repeated, as matplotlib;\n"
      "  plot(x1, y1, x2, y2)                   pairs with their own x;\n"
      "  plot(y1, y2, labels=['a', 'b'])        one label per argument: every\n"
      "      argument is a series against 0, 1, 2, ... (no x).\n"
      "Example: plot([1, 4, 9, 16])" },
    { "scatter", bi_scatter, "scatter(x, y=None, c=None, title=None, width=None, height=None)",
      "Draws 2-D points inline, one marker and colour per class c.\n"
      "scatter(X) takes an (N, 2) array.  Example: scatter(x[:, 0], x[:, 1], c=y)" },
    { "hist", bi_hist, "hist(values, bins=10, title=None, width=None, height=None)",
      "Draws a histogram of the values inline.  Example: hist(np.random.randn(1000))" },
    { "plot_boundary", bi_plot_boundary, "plot_boundary(model, x, y, title=None, width=None, height=None)",
      "Draws the decision regions of a 2-D classifier (the class model.predict\n"
      "gives at each cell) with the points (x, classes y) on top.\n"
      "Example: plot_boundary(model, x_train, y_train)" },
    { "show", plot_bi_show, "show(image, labels=None, width=None)",
      "Draws an image (H, W), (H, W, 1) or (H, W, 3) with Unicode half blocks in\n"
      "256-colour greys (an ASCII ramp without colours); a batch (N, H, W) side\n"
      "by side with labels.  Example: show(x_train[0])" },
    { NULL, NULL, NULL, NULL }
};

bool plot_install(Interp *I)
{
    return interp_add_builtins(I, plot_defs);
}
