/* dashboard_draw.c - painting the fit dashboard with ncurses.
 *
 * Program-only (see dashboard.c).  The charts are plot_grid.c grids copied
 * cell by cell onto stdscr; this file only lays them out and writes the
 * header, the progress bar and the status lines.
 *
 *   row 0        Epoch e/N  ......................  q stop  p pause  l log  s smooth
 *   rows 1..     batch loss (raw faint, smoothed bright), x in epochs
 *   ...          loss / val_loss per epoch  |  the metric / val_metric
 *   row H-3      step/steps [=====>.....] with the epoch's running logs
 *   row H-2      steps/s, elapsed, ETA, learning rate, best epoch
 *   row H-1      state (paused, stopping) or the key help
 */
#define NCURSES_WIDECHAR 1
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ncurses.h>
#include "dashboard_int.h"

/* ---------------------------------------------------------------- names */

int dash_find_name(const Dashboard *d, const char *name)
{
    for (int i = 0; i < d->nnames; i++)
        if (strcmp(d->names[i], name) == 0)
            return i;
    return -1;
}

int dash_name_index(Dashboard *d, const char *name)
{
    int k = dash_find_name(d, name);
    if (k >= 0 || d->nnames >= DASH_MAX_LOGS)
        return k;
    snprintf(d->names[d->nnames], sizeof d->names[0], "%s", name);
    return d->nnames++;
}

/* The first metric: a name that is neither "loss" nor "val_*". */
static int metric_index(const Dashboard *d)
{
    for (int i = 0; i < d->nnames; i++)
        if (strcmp(d->names[i], "loss") != 0 && strncmp(d->names[i], "val_", 4) != 0)
            return i;
    return -1;
}

/* ---------------------------------------------------------------- colours */

static short pair_fg[64], pair_bg[64];
static int npairs;

static short pair_for(const Dashboard *d, int fg, int bg)
{
    if (!d->colour || (fg < 0 && bg < 0))
        return 0;
    if (fg >= COLORS)
        fg = fg % 8;
    if (bg >= COLORS)
        bg = bg % 8;
    for (int i = 0; i < npairs; i++)
        if (pair_fg[i] == fg && pair_bg[i] == bg)
            return (short)(i + 1);
    if (npairs >= 63 || npairs + 1 >= COLOR_PAIRS)
        return 0;
    init_pair((short)(npairs + 1), (short)fg, (short)bg);
    pair_fg[npairs] = (short)fg;
    pair_bg[npairs] = (short)bg;
    return (short)++npairs;
}

static void paint(const Dashboard *d, const PlotGrid *g, int x0, int y0)
{
    for (int y = 0; y < g->h; y++) {
        for (int x = 0; x < g->w; x++) {
            const PlotCell *c = &g->cells[y * g->w + x];
            if (c->ch == ' ' && c->bg < 0)
                continue;
            attr_t a = 0;
            if (c->attr & PLOT_ATTR_DIM)
                a |= A_DIM;
            if (c->attr & PLOT_ATTR_BOLD)
                a |= A_BOLD;
            wchar_t wc[2] = { (wchar_t)c->ch, 0 };
            cchar_t cc;
            setcchar(&cc, wc, a, pair_for(d, c->fg, c->bg), NULL);
            mvadd_wch(y0 + y, x0 + x, &cc);
        }
    }
}

/* ---------------------------------------------------------------- charts */

/* At most `max` points of v[0..n): every k-th (the last always kept). */
static size_t decimate(const double *v, size_t n, size_t max, double *x, double *y,
                       double steps)
{
    size_t k = n > max ? (n + max - 1) / max : 1, m = 0;
    for (size_t i = 0; i < n; i += k) {
        size_t j = i + k >= n ? n - 1 : i;
        x[m] = (double)(j + 1) / steps;
        y[m++] = v[j];
        if (j == n - 1)
            break;
    }
    return m;
}

/* TensorBoard's smoothing: an exponential moving average, debiased. */
static void smooth(const double *v, size_t n, double *out)
{
    double s = 0, w = 0;
    const double a = 0.9;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            out[i] = v[i];
            continue;
        }
        s = a * s + (1 - a) * v[i];
        w = a * w + (1 - a);
        out[i] = s / w;
    }
}

static void draw_chart(const Dashboard *d, PlotChart *c, int x, int y, int w, int h)
{
    PlotGrid g;
    if (w < 10 || h < 4 || !plot_grid_init(&g, w, h))
        return;
    c->glyphs = d->glyphs;
    plot_chart_render(c, &g, NULL);
    paint(d, &g, x, y);
    plot_grid_free(&g);
}

static void batch_chart(const Dashboard *d, int x, int y, int w, int h)
{
    size_t n = d->nbatch, max = (size_t)(w > 0 ? w : 1) * 2;
    double *buf = malloc((4 * max + n + 1) * sizeof *buf);
    if (!buf)
        return;
    double *rx = buf, *ry = buf + max, *sx = buf + 2 * max, *sy = buf + 3 * max;
    double *sm = buf + 4 * max;
    double steps = d->steps > 0 ? (double)d->steps : 1;
    PlotSeries s[2];
    memset(s, 0, sizeof s);
    size_t m = decimate(d->batch, n, max, rx, ry, steps);
    s[0] = (PlotSeries){ .x = rx, .y = ry, .n = m, .colour = 6, .faint = d->smooth,
                         .marker = '.', .x_offset = 0 };
    int ns = 1;
    if (d->smooth && n > 0) {
        smooth(d->batch, n, sm);
        size_t m2 = decimate(sm, n, max, sx, sy, steps);
        s[1] = (PlotSeries){ .x = sx, .y = sy, .n = m2, .colour = 6, .marker = '*' };
        ns = 2;
    }
    PlotChart c;
    plot_chart_init(&c);
    c.series = s;
    c.nseries = ns;
    c.logy = d->logy;
    c.legend = false;
    c.xmin = 0;
    c.title = d->smooth ? "training loss per batch (smoothed; raw faint)" : "training loss per batch";
    draw_chart(d, &c, x, y, w, h);
    free(buf);
}

/* name and val_name per epoch, x = epoch number (1-based). */
static void epoch_chart(const Dashboard *d, int k, int x, int y, int w, int h, bool logy)
{
    size_t n = d->nep;
    double *buf = malloc((3 * n + 1) * sizeof *buf);
    if (!buf)
        return;
    double *ex = buf, *a = buf + n, *b = buf + 2 * n;
    char vname[64];
    snprintf(vname, sizeof vname, "val_%s", d->names[k]);
    int kv = dash_find_name(d, vname);
    for (size_t i = 0; i < n; i++) {
        ex[i] = (double)d->ep[i].epoch + 1;
        a[i] = d->ep[i].values[k];
        b[i] = kv >= 0 ? d->ep[i].values[kv] : NAN;
    }
    PlotSeries s[2] = {
        { .x = ex, .y = a, .n = n, .label = d->names[k], .colour = 6, .marker = '*' },
        { .x = ex, .y = b, .n = n, .label = kv >= 0 ? d->names[kv] : NULL, .colour = 3, .marker = '+' },
    };
    PlotChart c;
    plot_chart_init(&c);
    c.series = s;
    c.nseries = kv >= 0 ? 2 : 1;
    c.logy = logy;
    c.xint = true;
    c.xmin = 1;
    c.xmax = (double)(d->p.epochs > (int64_t)n ? d->p.epochs : (int64_t)n);
    if (c.xmax <= 1)
        c.xmax = 2;
    c.xlabel = "epoch";
    draw_chart(d, &c, x, y, w, h);
    free(buf);
}

/* ---------------------------------------------------------------- text */

static void fmt_time(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void header(const Dashboard *d, int W)
{
    attron(A_BOLD);
    mvprintw(0, 1, "Epoch %lld/%lld", (long long)d->epoch + 1, (long long)d->p.epochs);
    attroff(A_BOLD);
    const char *help = "q stop  p pause  l log  s smooth";
    int len = (int)strlen(help);
    if (W > len + 20)
        mvaddstr(0, W - len - 1, help);
}

static void progress(const Dashboard *d, int row, int W)
{
    int64_t steps = d->steps > 0 ? d->steps : 1;
    int bw = W / 3;
    if (bw > 40)
        bw = 40;
    int fill = (int)(bw * d->step / steps);
    char head[64];
    snprintf(head, sizeof head, "%lld/%lld [", (long long)d->step, (long long)steps);
    mvaddstr(row, 1, head);
    short pr = pair_for(d, 2, -1);
    attron(COLOR_PAIR(pr));
    for (int i = 0; i < bw; i++)
        addch(i < fill - 1 ? '=' : i == fill - 1 ? (d->step < steps ? '>' : '=') : '.');
    attroff(COLOR_PAIR(pr));
    addch(']');
    for (int k = 0; k < d->nnames; k++) {
        char item[96];
        int len = snprintf(item, sizeof item, "  %s: %.4f", d->names[k], d->running[k]);
        if (!isnan(d->running[k]) && getcurx(stdscr) + len < W - 1)
            addstr(item);
    }
}

static void best_epoch(const Dashboard *d, char *buf, size_t size)
{
    int k = dash_find_name(d, "val_loss");
    if (k < 0)
        k = dash_find_name(d, "loss");
    buf[0] = '\0';
    if (k < 0 || d->nep == 0)
        return;
    size_t best = 0;
    for (size_t i = 1; i < d->nep; i++)
        if (d->ep[i].values[k] < d->ep[best].values[k])
            best = i;
    snprintf(buf, size, "  best epoch %lld (%s %.4f)", (long long)d->ep[best].epoch + 1,
             d->names[k], d->ep[best].values[k]);
}

static void stats(const Dashboard *d, int row)
{
    double el = (double)(dash_now_ns() - d->t_start - d->paused_ns) / 1e9;
    double rate = el > 0 ? (double)d->total_steps / el : 0;
    int64_t steps = d->steps > 0 ? d->steps : 1;
    int64_t left = (d->p.epochs - d->epoch - 1) * steps + (steps - d->step);
    char e[32], eta[32], best[96];
    fmt_time(el, e, sizeof e);
    if (rate > 0)
        fmt_time((double)left / rate, eta, sizeof eta);
    else
        snprintf(eta, sizeof eta, "-");
    best_epoch(d, best, sizeof best);
    char line[256];
    snprintf(line, sizeof line, "%.1f steps/s  elapsed %s  ETA %s  lr %g%s", rate, e, eta,
             d->model ? nn_model_get_lr(d->model) : NAN, best);
    mvaddnstr(row, 1, line, COLS - 2);
}

static void footer(const Dashboard *d, int row)
{
    attron(A_BOLD);
    if (d->stop)
        mvaddstr(row, 1, "stopping after this batch...");
    else if (d->paused)
        mvaddstr(row, 1, "PAUSED - p to resume, q to stop");
    attroff(A_BOLD);
    if (!d->stop && !d->paused)
        mvprintw(row, 1, "log scale %s, smoothing %s", d->logy ? "on" : "off",
                 d->smooth ? "on" : "off");
}

/* ---------------------------------------------------------------- screen */

void dash_draw(Dashboard *d)
{
    int H = LINES, W = COLS;
    erase();
    if (W < DASH_MIN_W || H < DASH_MIN_H) {
        const char *msg = "terminal too small";
        int len = (int)strlen(msg);
        mvaddnstr(H / 2, W > len ? (W - len) / 2 : 0, msg, W);
        refresh();
        return;
    }
    header(d, W);
    int top = 1, ch = H - 4;
    int hb = ch / 2, he = ch - hb;
    batch_chart(d, 0, top, W, hb);
    int km = metric_index(d), kl = dash_find_name(d, "loss");
    int we = km >= 0 ? W / 2 : W;
    if (kl >= 0)
        epoch_chart(d, kl, 0, top + hb, we, he, d->logy);
    if (km >= 0)
        epoch_chart(d, km, we, top + hb, W - we, he, false);
    progress(d, H - 3, W);
    stats(d, H - 2);
    footer(d, H - 1);
    refresh();
}
