/* plot_int.h - what plot.c (the plot built-ins) and plot_data.c (turning
 * values into numbers, the output terminal's properties) share.  Part of
 * libfront; no ncurses.
 */
#ifndef NNSH_PLOT_INT_H
#define NNSH_PLOT_INT_H

#include "interp.h"
#include "plot_grid.h"

/* The terminal inline plots are printed for: stdout's width (80 columns
 * when stdout is not a terminal), colours only on a terminal without
 * NO_COLOR and with a TERM other than dumb, braille/blocks only in a UTF-8
 * locale and not on TERM=dumb. */
typedef struct PlotEnv {
    int width;
    bool colour;
    PlotGlyphs glyphs;
} PlotEnv;
void plot_env(PlotEnv *e);

/* Numbers of v (a tensor, a number, nested lists/tuples of numbers) as a
 * malloc'd array of doubles in C order (*out, free with free()), its shape
 * into ndim/shape (may be NULL).  TypeError naming fname otherwise. */
bool plot_values(Interp *I, const char *fname, Value v, double **out, size_t *n,
                 int *ndim, int64_t *shape);
/* True when v is a tensor of an unsigned 8-bit dtype (images). */
bool plot_is_u8(Value v);
/* Prints the grid through interp_write (scrollback, :export). */
void plot_emit(Interp *I, const PlotGrid *g, const PlotEnv *e);
/* A keyword argument of a, or unset. */
Value plot_kw(const Args *a, const char *name);
/* Rejects keywords not in the NULL-terminated list (TypeError as Python). */
bool plot_check_kws(Interp *I, const char *fname, const Args *a, const char *const *allowed);
/* An optional int keyword with bounds; dflt when unset/None. */
bool plot_kw_int(Interp *I, const char *fname, const Args *a, const char *name, int dflt,
                 int lo, int hi, int *out);

/* show(image, labels=None, width=None) (plot_show.c). */
bool plot_bi_show(Interp *I, Value self, const Args *a, Value *out);

#endif
