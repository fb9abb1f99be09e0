/* plot_grid.h - charts as grids of character cells (pure: no terminal).
 *
 * Series of numbers go in, a PlotGrid comes out: w x h cells, each one
 * Unicode code point with a foreground colour, a background colour and an
 * attribute.  plot.c prints grids inline (as text, with ANSI colours when
 * the terminal has them) and dashboard.c paints the same grids with ncurses,
 * so every picture nnsh draws is computed here and unit-tested without a
 * terminal (tests/unit/test_plot_grid.c).
 *
 * Glyph sets: braille (U+2800 block, 2x4 dots per cell) for lines, half
 * blocks (U+2580/U+2584/U+2588, 1x2 pixels per cell), or ASCII (one
 * marker character per cell) for TERM=dumb and non-UTF-8 locales.
 *
 * Colours are xterm indices 0..255 (PLOT_DEFAULT = the terminal's own);
 * series use the 8 basic colours so 8-colour terminals show them.
 *
 * Ownership: a PlotGrid owns its cells (plot_grid_init / plot_grid_free).
 * Chart specs borrow every array and string they point to.  Functions
 * returning bool fail only on memory.
 */
#ifndef NNSH_PLOT_GRID_H
#define NNSH_PLOT_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "value.h"      /* StrBuf */

#define PLOT_DEFAULT (-1)

enum { PLOT_ATTR_DIM = 1, PLOT_ATTR_BOLD = 2 };

typedef enum { PLOT_BRAILLE, PLOT_BLOCK, PLOT_ASCII } PlotGlyphs;

typedef struct PlotCell {
    uint32_t ch;        /* a code point; ' ' when empty */
    int16_t fg, bg;     /* xterm colour index or PLOT_DEFAULT */
    uint8_t attr;       /* PLOT_ATTR_* */
    uint8_t dots;       /* braille dot bits / half-block bits drawn so far */
} PlotCell;

typedef struct PlotGrid {
    int w, h;
    PlotCell *cells;    /* h rows of w cells */
} PlotGrid;

bool plot_grid_init(PlotGrid *g, int w, int h);      /* all blank */
void plot_grid_free(PlotGrid *g);
void plot_grid_clear(PlotGrid *g);
static inline PlotCell *plot_cell(PlotGrid *g, int x, int y) { return &g->cells[y * g->w + x]; }
/* Writes an ASCII/UTF-8 string from (x, y), clipped at the right edge;
 * returns the number of cells written. */
int plot_grid_text(PlotGrid *g, int x, int y, const char *s, int16_t fg, uint8_t attr);

/* Rows as text: UTF-8, trailing blanks trimmed, one '\n' per row.  With
 * `colour`, SGR escapes (8-colour codes for 0..7, 38;5/48;5 above) and a
 * reset at the end of each coloured row; without, no escape byte at all. */
void plot_grid_to_text(const PlotGrid *g, bool colour, StrBuf *sb);

/* ---- ticks ---- */
/* Up to `max` "nice" ticks (steps 1, 2, 5 x 10^k) inside [lo, hi];
 * returns how many were written; *step gets the step.  [0, 1] with max 6
 * gives 0, 0.2, ..., 1. */
int plot_nice_ticks(double lo, double hi, int max, double *ticks, double *step);
/* A tick label: the value with the step's decimals, trailing zeros
 * dropped ("0", "0.2", "1.5", "250"), or %g for very large/small values. */
void plot_tick_label(double v, double step, char *buf, size_t size);

/* ---- line and point charts ---- */
typedef enum { PLOT_LINE, PLOT_POINTS } PlotStyle;

typedef struct PlotSeries {
    const double *x;    /* NULL: 0, 1, ..., n-1 (plus x_offset) */
    const double *y;    /* NaN values are gaps */
    size_t n;
    double x_offset;
    const char *label;  /* NULL: not in the legend */
    int16_t colour;
    PlotStyle style;
    bool faint;
    char marker;        /* ASCII glyphs and points: '*', '+', 'o', ... (0: '*') */
} PlotSeries;

typedef struct PlotChart {
    const PlotSeries *series;
    int nseries;
    PlotGlyphs glyphs;
    bool logy;          /* log10 y axis; values <= 0 are skipped */
    const char *title;  /* NULL: no title row */
    const char *xlabel; /* NULL: no x label row */
    bool legend;        /* a legend row under the title for labelled series */
    bool xint;          /* x ticks at whole numbers only (epochs, indices) */
    /* Fixed ranges; NaN = from the data. */
    double xmin, xmax, ymin, ymax;
} PlotChart;

void plot_chart_init(PlotChart *c);          /* zeros, NaN ranges, braille, legend */

/* The geometry a chart gets in a w x h grid (for tests and for
 * plot_boundary, which paints under the plot area). */
typedef struct PlotLayout {
    int left, top, pw, ph;        /* plot area in cells */
    int sx, sy;                   /* pixels per cell of the glyph set */
    double x0, x1, y0, y1;        /* data range (y in log10 when logy) */
    int nyt, nxt;
    double yt[12], xt[16], ystep, xstep;
} PlotLayout;

/* Draws axes, ticks, labels, legend and every series into g (which keeps
 * its size; too small a grid draws what fits).  *lay may be NULL. */
bool plot_chart_render(const PlotChart *c, PlotGrid *g, PlotLayout *lay);

/* ---- histogram ---- */
/* counts[nbins] over [lo, hi]: vertical bars with eighth blocks (or '#'),
 * y axis in counts, x ticks at bin edges. */
bool plot_hist_render(const double *counts, int nbins, double lo, double hi,
                      PlotGlyphs glyphs, int16_t colour, PlotGrid *g);

/* ---- regions (decision boundaries) ---- */
/* Fills the plot area of lay with one class per cell: cls[row * pw + col]
 * (row 0 at the top), painted as a background colour when `colour`, else
 * as a faint per-class character ('.', '-', ':', '=', '~', '^').  Returns nothing to
 * fail. */
void plot_regions_paint(PlotGrid *g, const PlotLayout *lay, const int *cls, bool colour);
/* A point of class k as its marker on top (after plot_regions_paint). */
void plot_point_mark(PlotGrid *g, const PlotLayout *lay, double x, double y, int k, bool colour);
/* The colour and marker of class k (scatter, boundary). */
int16_t plot_class_colour(int k);
char plot_class_marker(int k);
int16_t plot_series_colour(int k);

/* ---- images ---- */
/* pix[ih * iw * nch] in [0, 1] (nch 1 grey or 3 RGB) resampled into a
 * w x h cell area at (x, y): half blocks with the upper pixel as the
 * foreground and the lower as the background (256-colour greys 232..255,
 * or the 6x6x6 cube) when `colour`, else the ASCII ramp " .:-=+*#%@". */
void plot_image_paint(PlotGrid *g, int x, int y, int w, int h, const double *pix,
                      int ih, int iw, int nch, bool colour, PlotGlyphs glyphs);

#endif
