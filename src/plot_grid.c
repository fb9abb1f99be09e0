/* plot_grid.c - charts, histograms, regions and images as cell grids.
 *
 * Pure computation (no terminal, no globals): see plot_grid.h.  Owned by
 * the plots/dashboard part of nnsh; plot.c and dashboard.c are its users.
 *
 * Coordinates: a chart's plot area has pw x ph cells and (pw*sx) x (ph*sy)
 * pixels (braille 2x4, half blocks 1x2, ASCII 1x1).  A value maps to the
 * pixel lround((v - lo) / (hi - lo) * (pixels - 1)), y counted from the top,
 * so the extremes land on the first and last pixel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot_grid.h"

#define U_HLINE 0x2500
#define U_VLINE 0x2502
#define U_CORNER 0x2514     /* └ */
#define U_YTICK 0x2524      /* ┤ */
#define U_XTICK 0x252c      /* ┬ */
#define U_UPPER 0x2580      /* ▀ */
#define U_LOWER 0x2584      /* ▄ */
#define U_FULL 0x2588       /* █ */
#define U_BRAILLE 0x2800

/* ---------------------------------------------------------------- grid */

bool plot_grid_init(PlotGrid *g, int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    g->cells = malloc((size_t)w * (size_t)h * sizeof *g->cells);
    if (!g->cells)
        return false;
    g->w = w;
    g->h = h;
    plot_grid_clear(g);
    return true;
}

void plot_grid_free(PlotGrid *g)
{
    free(g->cells);
    g->cells = NULL;
    g->w = g->h = 0;
}

void plot_grid_clear(PlotGrid *g)
{
    PlotCell blank = { ' ', PLOT_DEFAULT, PLOT_DEFAULT, 0, 0 };
    for (int i = 0; i < g->w * g->h; i++)
        g->cells[i] = blank;
}

/* Decodes one UTF-8 sequence at *s (advancing it); invalid bytes give '?'. */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0) {
        (*s)++;
        return '?';
    }
    if (n > 0)
        c &= 0x3f >> n;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s += i;
            return '?';
        }
        c = (c << 6) | (p[i] & 0x3f);
    }
    *s += n + 1;
    return c;
}

int plot_grid_text(PlotGrid *g, int x, int y, const char *s, int16_t fg, uint8_t attr)
{
    int n = 0;
    if (y < 0 || y >= g->h)
        return 0;
    while (*s && x < g->w) {
        uint32_t c = utf8_next(&s);
        if (x >= 0) {
            PlotCell *cell = plot_cell(g, x, y);
            cell->ch = c;
            cell->fg = fg;
            cell->attr = attr;
            cell->dots = 0;
            n++;
        }
        x++;
    }
    return n;
}

static void put_utf8(StrBuf *sb, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xc0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xe0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (c >> 18));
        b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    sb_append(sb, b, n);
}

static void put_sgr(StrBuf *sb, const PlotCell *c)
{
    sb_puts(sb, "\x1b[0");
    if (c->attr & PLOT_ATTR_BOLD)
        sb_puts(sb, ";1");
    if (c->attr & PLOT_ATTR_DIM)
        sb_puts(sb, ";2");
    if (c->fg >= 0 && c->fg < 8)
        sb_printf(sb, ";%d", 30 + c->fg);
    else if (c->fg >= 8)
        sb_printf(sb, ";38;5;%d", c->fg);
    if (c->bg >= 0 && c->bg < 8)
        sb_printf(sb, ";%d", 40 + c->bg);
    else if (c->bg >= 8)
        sb_printf(sb, ";48;5;%d", c->bg);
    sb_putc(sb, 'm');
}

static bool same_style(const PlotCell *a, const PlotCell *b)
{
    return a->fg == b->fg && a->bg == b->bg && a->attr == b->attr;
}

static void row_to_text(const PlotGrid *g, int y, bool colour, StrBuf *sb)
{
    const PlotCell *row = g->cells + (size_t)y * g->w;
    int end = g->w;
    while (end > 0 && row[end - 1].ch == ' ' && (!colour || row[end - 1].bg < 0))
        end--;
    PlotCell plain = { ' ', PLOT_DEFAULT, PLOT_DEFAULT, 0, 0 };
    const PlotCell *cur = &plain;
    for (int x = 0; x < end; x++) {
        if (colour && !same_style(cur, &row[x])) {
            put_sgr(sb, &row[x]);
            cur = &row[x];
        }
        put_utf8(sb, row[x].ch);
    }
    if (cur != &plain && !same_style(cur, &plain))
        sb_puts(sb, "\x1b[0m");
    sb_putc(sb, '\n');
}

void plot_grid_to_text(const PlotGrid *g, bool colour, StrBuf *sb)
{
    for (int y = 0; y < g->h; y++)
        row_to_text(g, y, colour, sb);
}

/* ---------------------------------------------------------------- ticks */

int plot_nice_ticks(double lo, double hi, int max, double *ticks, double *step)
{
    if (max < 2)
        max = 2;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
        ticks[0] = lo;
        *step = 1;
        return 1;
    }
    double raw = (hi - lo) / (max - 1);
    double mag = pow(10, floor(log10(raw)));
    static const double nice[] = { 1, 2, 5, 10 };
    double s = 10 * mag;
    int n = 0;
    for (int i = 0; i < 4; i++) {
        s = nice[i] * mag;
        /* the count of multiples of s inside [lo, hi] (with a tolerance) */
        double first = ceil(lo / s - 1e-9), last = floor(hi / s + 1e-9);
        if (last - first + 1 <= max)
            break;
    }
    double first = ceil(lo / s - 1e-9), last = floor(hi / s + 1e-9);
    for (double k = first; k <= last && n < max; k++) {
        double v = k * s;
        ticks[n++] = fabs(v) < s * 1e-9 ? 0.0 : v;
    }
    *step = s;
    return n;
}

void plot_tick_label(double v, double step, char *buf, size_t size)
{
    double a = fabs(v);
    if (v != 0 && (a >= 1e6 || a < 1e-4 || step < 1e-4)) {
        snprintf(buf, size, "%.3g", v);
        return;
    }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6)
        dec = 6;
    snprintf(buf, size, "%.*f", dec, v);
    if (strchr(buf, '.')) {
        size_t n = strlen(buf);
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
}

/* ---------------------------------------------------------------- colours */

int16_t plot_series_colour(int k)
{
    static const int16_t pal[] = { 6, 3, 2, 5, 1, 4, 7 };
    return pal[(k % 7 + 7) % 7];
}

int16_t plot_class_colour(int k)
{
    static const int16_t pal[] = { 39, 208, 46, 201, 51, 226, 196, 255 };
    return pal[(k % 8 + 8) % 8];
}

static int16_t region_colour(int k)
{
    static const int16_t pal[] = { 24, 94, 22, 53, 23, 58, 52, 238 };
    return pal[(k % 8 + 8) % 8];
}

char plot_class_marker(int k)
{
    static const char m[] = "ox+*#@%&";
    return m[(k % 8 + 8) % 8];
}

/* ---------------------------------------------------------------- layout */

void plot_chart_init(PlotChart *c)
{
    memset(c, 0, sizeof *c);
    c->glyphs = PLOT_BRAILLE;
    c->legend = true;
    c->xmin = c->xmax = c->ymin = c->ymax = NAN;
}

static double tr_y(const PlotChart *c, double y)
{
    if (!c->logy)
        return y;
    return y > 0 ? log10(y) : NAN;
}

static double series_x(const PlotSeries *s, size_t i)
{
    return s->x ? s->x[i] : (double)i + s->x_offset;
}

/* Data extent of every series (y transformed), NaNs ignored. */
static void data_range(const PlotChart *c, double *x0, double *x1, double *y0, double *y1)
{
    *x0 = *y0 = INFINITY;
    *x1 = *y1 = -INFINITY;
    for (int k = 0; k < c->nseries; k++) {
        const PlotSeries *s = &c->series[k];
        for (size_t i = 0; i < s->n; i++) {
            double x = series_x(s, i), y = tr_y(c, s->y[i]);
            if (!isfinite(x) || !isfinite(y))
                continue;
            *x0 = fmin(*x0, x);
            *x1 = fmax(*x1, x);
            *y0 = fmin(*y0, y);
            *y1 = fmax(*y1, y);
        }
    }
    if (!isnan(c->xmin)) *x0 = c->xmin;
    if (!isnan(c->xmax)) *x1 = c->xmax;
    if (!isnan(c->ymin)) *y0 = tr_y(c, c->ymin);
    if (!isnan(c->ymax)) *y1 = tr_y(c, c->ymax);
}

static void widen(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
    } else if (*hi <= *lo) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 0.5;
        *lo -= d;
        *hi += d;
    }
}

/* Linear y ticks.  With ext_lo/ext_hi (a range taken from the data) the
 * range grows to the multiples of the tick step around it, so the top and
 * bottom rows carry a label: nice ticks inside [0, 0.97] stop at 0.8, one
 * or more rows under the top, and the chart's top value went unlabelled.
 * The step is the finest nice one whose grown range still has at most
 * `max` ticks. */
static void y_ticks_linear(PlotLayout *L, int max, bool ext_lo, bool ext_hi)
{
    for (int m = max;; m--) {
        L->nyt = plot_nice_ticks(L->y0, L->y1, m, L->yt, &L->ystep);
        if ((!ext_lo && !ext_hi) || L->nyt < 1 || !(L->y1 > L->y0))
            return;
        double s = L->ystep;
        double lo = ext_lo ? floor(L->y0 / s + 1e-9) * s : L->y0;
        double hi = ext_hi ? ceil(L->y1 / s - 1e-9) * s : L->y1;
        double first = ceil(lo / s - 1e-9), last = floor(hi / s + 1e-9);
        if (last - first + 1 > max && m > 2)
            continue;
        L->y0 = lo;
        L->y1 = hi;
        L->nyt = 0;
        for (double k = first; k <= last && L->nyt < 12; k++)
            L->yt[L->nyt++] = fabs(k * s) < s * 1e-9 ? 0.0 : k * s;
        return;
    }
}

/* y ticks; on a log axis the decades inside the range, or nice values of
 * the untransformed range when fewer than two decades fit. */
static void y_ticks(PlotLayout *L, bool logy, bool ext_lo, bool ext_hi)
{
    int max = L->ph / 2 + 1;
    if (max > 8)
        max = 8;
    if (!logy) {
        y_ticks_linear(L, max, ext_lo, ext_hi);
        return;
    }
    L->nyt = 0;
    for (double e = ceil(L->y0 - 1e-9); e <= L->y1 + 1e-9 && L->nyt < 12; e++)
        L->yt[L->nyt++] = e;
    L->ystep = 1;
    if (L->nyt >= 2)
        return;
    double lin[12];
    int n = plot_nice_ticks(pow(10, L->y0), pow(10, L->y1), max, lin, &L->ystep);
    L->nyt = 0;
    for (int i = 0; i < n; i++)
        if (lin[i] > 0)
            L->yt[L->nyt++] = log10(lin[i]);
}

static void y_label(const PlotLayout *L, bool logy, int i, char *buf, size_t size)
{
    double v = logy ? pow(10, L->yt[i]) : L->yt[i];
    double step = logy ? (L->ystep == 1 && L->nyt >= 2 ? v : L->ystep) : L->ystep;
    plot_tick_label(v, step, buf, size);
}

static int glyph_sx(PlotGlyphs g) { return g == PLOT_BRAILLE ? 2 : 1; }
static int glyph_sy(PlotGlyphs g) { return g == PLOT_BRAILLE ? 4 : g == PLOT_BLOCK ? 2 : 1; }

/* Fills L for a grid of w x h with `top` rows used above the plot area and
 * `bottom` rows below the x axis (tick labels, x label).  ext: bit 0 lets
 * the y range grow down to a tick, bit 1 up to a tick (see y_ticks_linear). */
static void layout(PlotLayout *L, int w, int h, int top, int bottom, bool logy, bool xint,
                   PlotGlyphs glyphs, int ext)
{
    L->top = top;
    L->ph = h - top - 1 - bottom;
    if (L->ph < 1)
        L->ph = 1;
    L->sx = glyph_sx(glyphs);
    L->sy = glyph_sy(glyphs);
    y_ticks(L, logy, ext & 1, ext & 2);
    int lw = 1;
    for (int i = 0; i < L->nyt; i++) {
        char b[32];
        y_label(L, logy, i, b, sizeof b);
        if ((int)strlen(b) > lw)
            lw = (int)strlen(b);
    }
    L->left = lw + 1;
    L->pw = w - L->left - 1;
    if (L->pw < 1)
        L->pw = 1;
    int maxx = L->pw / 8 + 1;
    if (maxx > 16)
        maxx = 16;
    if (maxx < 2)
        maxx = 2;
    L->nxt = plot_nice_ticks(L->x0, L->x1, maxx, L->xt, &L->xstep);
    if (xint && L->xstep < 1) {
        L->nxt = 0;
        for (double v = ceil(L->x0); v <= L->x1 && L->nxt < 16; v++)
            L->xt[L->nxt++] = v;
        L->xstep = 1;
    }
}

static int px_of(const PlotLayout *L, double x)
{
    double f = (x - L->x0) / (L->x1 - L->x0);
    return (int)lround(f * (L->pw * L->sx - 1));
}

static int py_of(const PlotLayout *L, double y)
{
    double f = (L->y1 - y) / (L->y1 - L->y0);
    return (int)lround(f * (L->ph * L->sy - 1));
}

/* The y axis with ticks and labels, the x axis with ticks, and the x tick
 * labels on the row under it. */
static void draw_axes(PlotGrid *g, const PlotLayout *L, bool logy, bool ascii)
{
    int ax = L->left - 1, ay = L->top + L->ph;
    for (int r = L->top; r < ay; r++)
        plot_cell(g, ax, r)->ch = ascii ? '|' : U_VLINE;
    for (int i = 0; i < L->nyt; i++) {
        int r = L->top + py_of(L, L->yt[i]) / L->sy;
        if (r < L->top || r >= ay)
            continue;
        char b[32];
        y_label(L, logy, i, b, sizeof b);
        plot_grid_text(g, ax - (int)strlen(b), r, b, PLOT_DEFAULT, 0);
        plot_cell(g, ax, r)->ch = ascii ? '+' : U_YTICK;
    }
    if (ay >= g->h)
        return;
    plot_cell(g, ax, ay)->ch = ascii ? '+' : U_CORNER;
    for (int c = L->left; c < L->left + L->pw && c < g->w; c++)
        plot_cell(g, c, ay)->ch = ascii ? '-' : U_HLINE;
    int next_free = 0;
    for (int i = 0; i < L->nxt; i++) {
        int c = L->left + px_of(L, L->xt[i]) / L->sx;
        if (c < L->left || c >= L->left + L->pw || c >= g->w)
            continue;
        plot_cell(g, c, ay)->ch = ascii ? '+' : U_XTICK;
        char b[32];
        plot_tick_label(L->xt[i], L->xstep, b, sizeof b);
        int len = (int)strlen(b), s = c - len / 2;
        if (s + len > g->w)
            s = g->w - len;
        if (s < next_free || ay + 1 >= g->h)
            continue;
        plot_grid_text(g, s, ay + 1, b, PLOT_DEFAULT, 0);
        next_free = s + len + 1;
    }
}

/* ---------------------------------------------------------------- drawing */

static const uint8_t braille_bit[4][2] = {
    { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
};

typedef struct Pen {
    PlotGrid *g;
    const PlotLayout *L;
    PlotGlyphs glyphs;
    int16_t colour;
    uint8_t attr;
    char marker;
} Pen;

static void set_pixel(const Pen *p, int px, int py)
{
    const PlotLayout *L = p->L;
    if (px < 0 || py < 0 || px >= L->pw * L->sx || py >= L->ph * L->sy)
        return;
    int cx = L->left + px / L->sx, cy = L->top + py / L->sy;
    if (cx >= p->g->w || cy >= p->g->h)
        return;
    PlotCell *c = plot_cell(p->g, cx, cy);
    if (p->glyphs == PLOT_ASCII) {
        c->ch = (uint32_t)p->marker;
    } else if (p->glyphs == PLOT_BLOCK) {
        c->dots |= (uint8_t)(py % 2 ? 2 : 1);
        c->ch = c->dots == 1 ? U_UPPER : c->dots == 2 ? U_LOWER : U_FULL;
    } else {
        if (c->ch < U_BRAILLE || c->ch > U_BRAILLE + 0xff)
            c->dots = 0;
        c->dots |= braille_bit[py % 4][px % 2];
        c->ch = U_BRAILLE + c->dots;
    }
    bool was_bright = c->fg != PLOT_DEFAULT && !(c->attr & PLOT_ATTR_DIM);
    if (!(p->attr & PLOT_ATTR_DIM) || !was_bright) {
        c->fg = p->colour;
        c->attr = p->attr;
    }
}

/* Bresenham from (x0, y0) to (x1, y1), both ends included. */
static void draw_line(const Pen *p, int x0, int y0, int x1, int y1)
{
    int dx = abs(x1 - x0), dy = -abs(y1 - y0);
    int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        set_pixel(p, x0, y0);
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

static void draw_marker(const Pen *p, int px, int py)
{
    const PlotLayout *L = p->L;
    if (px < 0 || py < 0 || px >= L->pw * L->sx || py >= L->ph * L->sy)
        return;
    int cx = L->left + px / L->sx, cy = L->top + py / L->sy;
    if (cx >= p->g->w || cy >= p->g->h)
        return;
    PlotCell *c = plot_cell(p->g, cx, cy);
    c->ch = (uint32_t)p->marker;
    c->fg = p->colour;
    c->attr = p->attr;
    c->dots = 0;
}

static void draw_series(PlotGrid *g, const PlotLayout *L, const PlotChart *c, int k)
{
    const PlotSeries *s = &c->series[k];
    Pen p = { g, L, c->glyphs, s->colour, s->faint ? PLOT_ATTR_DIM : 0, s->marker ? s->marker : '*' };
    bool have = false;
    int lx = 0, ly = 0;
    for (size_t i = 0; i < s->n; i++) {
        double x = series_x(s, i), y = tr_y(c, s->y[i]);
        if (!isfinite(x) || !isfinite(y) || x < L->x0 || x > L->x1 || y < L->y0 || y > L->y1) {
            have = false;
            continue;
        }
        int px = px_of(L, x), py = py_of(L, y);
        if (s->style == PLOT_POINTS)
            draw_marker(&p, px, py);
        else if (have)
            draw_line(&p, lx, ly, px, py);
        else
            set_pixel(&p, px, py);
        have = true;
        lx = px;
        ly = py;
    }
}

static void draw_legend(PlotGrid *g, const PlotChart *c, int row, int x)
{
    for (int k = 0; k < c->nseries; k++) {
        const PlotSeries *s = &c->series[k];
        if (!s->label)
            continue;
        const char *sample = s->style == PLOT_POINTS ? NULL
                           : c->glyphs == PLOT_ASCII ? NULL : "\xe2\x94\x80\xe2\x94\x80";
        char mk[3] = { s->marker ? s->marker : '*', 0, 0 };
        if (!sample && s->style == PLOT_LINE)
            mk[1] = mk[0];
        x += plot_grid_text(g, x, row, sample ? sample : mk, s->colour, 0);
        x += plot_grid_text(g, x, row, " ", PLOT_DEFAULT, 0);
        x += plot_grid_text(g, x, row, s->label, PLOT_DEFAULT, 0);
        x += plot_grid_text(g, x, row, "   ", PLOT_DEFAULT, 0);
    }
}

static bool any_label(const PlotChart *c)
{
    for (int k = 0; k < c->nseries; k++)
        if (c->series[k].label)
            return true;
    return false;
}

static void centre_text(PlotGrid *g, const PlotLayout *L, int row, const char *s)
{
    int len = (int)strlen(s);
    int x = L->left + (L->pw - len) / 2;
    if (x + len > g->w)
        x = g->w - len;
    plot_grid_text(g, x < 0 ? 0 : x, row, s, PLOT_DEFAULT, PLOT_ATTR_BOLD);
}

bool plot_chart_render(const PlotChart *c, PlotGrid *g, PlotLayout *lay)
{
    PlotLayout L;
    memset(&L, 0, sizeof L);
    data_range(c, &L.x0, &L.x1, &L.y0, &L.y1);
    widen(&L.x0, &L.x1);
    widen(&L.y0, &L.y1);
    bool legend = c->legend && any_label(c);
    int top = (c->title ? 1 : 0) + (legend ? 1 : 0);
    int bottom = 1 + (c->xlabel ? 1 : 0);
    int ext = (isnan(c->ymin) ? 1 : 0) | (isnan(c->ymax) ? 2 : 0);
    layout(&L, g->w, g->h, top, bottom, c->logy, c->xint, c->glyphs, ext);
    draw_axes(g, &L, c->logy, c->glyphs == PLOT_ASCII);
    if (c->title)
        centre_text(g, &L, 0, c->title);
    if (legend)
        draw_legend(g, c, c->title ? 1 : 0, L.left);
    if (c->xlabel && L.top + L.ph + 2 < g->h)
        centre_text(g, &L, L.top + L.ph + 2, c->xlabel);
    for (int k = 0; k < c->nseries; k++)
        draw_series(g, &L, c, k);
    if (lay)
        *lay = L;
    return true;
}

/* ---------------------------------------------------------------- histogram */

bool plot_hist_render(const double *counts, int nbins, double lo, double hi,
                      PlotGlyphs glyphs, int16_t colour, PlotGrid *g)
{
    double cmax = 0;
    for (int b = 0; b < nbins; b++)
        cmax = fmax(cmax, counts[b]);
    PlotLayout L;
    memset(&L, 0, sizeof L);
    L.x0 = lo;
    L.x1 = hi;
    L.y0 = 0;
    L.y1 = cmax > 0 ? cmax : 1;
    widen(&L.x0, &L.x1);
    layout(&L, g->w, g->h, 0, 1, false, false, PLOT_ASCII, 2);
    if (L.ystep < 1) {          /* counts: whole ticks only */
        L.nyt = plot_nice_ticks(0, L.y1, 2, L.yt, &L.ystep);
    }
    draw_axes(g, &L, false, glyphs == PLOT_ASCII);
    for (int b = 0; b < nbins; b++) {
        int c0 = L.left + (int)((long)b * L.pw / nbins);
        int c1 = L.left + (int)((long)(b + 1) * L.pw / nbins);
        if (c1 - c0 >= 3)
            c1--;                               /* a gap between wide bars */
        int eighths = (int)lround(counts[b] / L.y1 * L.ph * 8);
        if (glyphs == PLOT_ASCII)
            eighths = (eighths + 4) / 8 * 8;
        for (int x = c0; x < c1 && x < g->w; x++) {
            for (int r = 0; r < L.ph && eighths - r * 8 > 0; r++) {
                int e = eighths - r * 8 > 8 ? 8 : eighths - r * 8;
                PlotCell *cell = plot_cell(g, x, L.top + L.ph - 1 - r);
                cell->ch = glyphs == PLOT_ASCII ? '#' : e == 8 ? U_FULL : (uint32_t)(0x2580 + e);
                cell->fg = colour;
            }
        }
    }
    return true;
}

/* ---------------------------------------------------------------- regions */

void plot_regions_paint(PlotGrid *g, const PlotLayout *L, const int *cls, bool colour)
{
    /* every class visible (a blank region could not be told from no
     * region), none of them a point marker (plot_class_marker) */
    static const char mono[] = ".-:=~^";
    for (int r = 0; r < L->ph; r++) {
        for (int c = 0; c < L->pw; c++) {
            int y = L->top + r, x = L->left + c;
            if (x >= g->w || y >= g->h)
                continue;
            int k = cls[r * L->pw + c];
            PlotCell *cell = plot_cell(g, x, y);
            cell->dots = 0;
            if (colour) {
                cell->ch = ' ';
                cell->bg = region_colour(k);
            } else {
                cell->ch = (uint32_t)mono[(k % 6 + 6) % 6];
                cell->attr = PLOT_ATTR_DIM;
            }
        }
    }
}

void plot_point_mark(PlotGrid *g, const PlotLayout *L, double x, double y, int k, bool colour)
{
    if (!(x >= L->x0 && x <= L->x1 && y >= L->y0 && y <= L->y1))
        return;
    int cx = L->left + px_of(L, x) / L->sx, cy = L->top + py_of(L, y) / L->sy;
    if (cx >= g->w || cy >= g->h)
        return;
    PlotCell *cell = plot_cell(g, cx, cy);
    cell->ch = (uint32_t)plot_class_marker(k);
    cell->fg = colour ? plot_class_colour(k) : PLOT_DEFAULT;
    cell->attr = PLOT_ATTR_BOLD;
    cell->dots = 0;
}

/* ---------------------------------------------------------------- images */

/* Mean of channel ch over the source box of virtual pixel (vx, vy) in a
 * vw x vh resampling of the ih x iw image. */
static double box_mean(const double *pix, int ih, int iw, int nch, int ch,
                       int vx, int vy, int vw, int vh)
{
    int y0 = (int)((long)vy * ih / vh), y1 = (int)((long)(vy + 1) * ih / vh);
    int x0 = (int)((long)vx * iw / vw), x1 = (int)((long)(vx + 1) * iw / vw);
    if (y1 <= y0)
        y1 = y0 + 1;
    if (x1 <= x0)
        x1 = x0 + 1;
    double s = 0;
    int n = 0;
    for (int y = y0; y < y1 && y < ih; y++)
        for (int x = x0; x < x1 && x < iw; x++, n++)
            s += pix[((size_t)y * iw + x) * nch + ch];
    double v = n ? s / n : 0;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static int16_t pixel_colour(const double *pix, int ih, int iw, int nch, int vx, int vy,
                            int vw, int vh)
{
    if (nch < 3)
        return (int16_t)(232 + lround(box_mean(pix, ih, iw, nch, 0, vx, vy, vw, vh) * 23));
    int q[3];
    for (int c = 0; c < 3; c++)
        q[c] = (int)lround(box_mean(pix, ih, iw, nch, c, vx, vy, vw, vh) * 5);
    return (int16_t)(16 + 36 * q[0] + 6 * q[1] + q[2]);
}

static double pixel_grey(const double *pix, int ih, int iw, int nch, int vx, int vy, int vw, int vh)
{
    if (nch < 3)
        return box_mean(pix, ih, iw, nch, 0, vx, vy, vw, vh);
    double s = 0;
    for (int c = 0; c < 3; c++)
        s += box_mean(pix, ih, iw, nch, c, vx, vy, vw, vh);
    return s / 3;
}

void plot_image_paint(PlotGrid *g, int x, int y, int w, int h, const double *pix,
                      int ih, int iw, int nch, bool colour, PlotGlyphs glyphs)
{
    static const char ramp[] = " .:-=+*#%@";
    bool blocks = colour && glyphs != PLOT_ASCII;
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            if (x + c < 0 || x + c >= g->w || y + r < 0 || y + r >= g->h)
                continue;
            PlotCell *cell = plot_cell(g, x + c, y + r);
            cell->dots = 0;
            cell->attr = 0;
            if (blocks) {
                cell->ch = U_UPPER;
                cell->fg = pixel_colour(pix, ih, iw, nch, c, 2 * r, w, 2 * h);
                cell->bg = pixel_colour(pix, ih, iw, nch, c, 2 * r + 1, w, 2 * h);
            } else {
                double v = (pixel_grey(pix, ih, iw, nch, c, 2 * r, w, 2 * h) +
                            pixel_grey(pix, ih, iw, nch, c, 2 * r + 1, w, 2 * h)) / 2;
                cell->ch = (uint32_t)ramp[lround(v * 9)];
            }
        }
    }
}
