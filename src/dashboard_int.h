/* dashboard_int.h - the state shared by dashboard.c (terminal, signals,
 * callbacks, keys, the closing text) and dashboard_draw.c (painting).
 * Program-only (ncurses); nothing in libfront includes it.
 */
#ifndef NNSH_DASHBOARD_INT_H
#define NNSH_DASHBOARD_INT_H

#include <stdio.h>
#include <termios.h>
#include "dashboard.h"
#include "plot_grid.h"

#define DASH_MAX_LOGS NN_MAX_LOGS
#define DASH_MIN_W 40
#define DASH_MIN_H 12

typedef struct DashEpoch {
    double values[DASH_MAX_LOGS];   /* by name index; NaN when absent */
    double seconds;
    int64_t epoch;                  /* 0-based */
    int64_t steps;                  /* batches run in the epoch */
} DashEpoch;

struct Dashboard {
    Interp *I;
    DashboardParams p;
    NnModel *model;
    /* terminal */
    void *screen;                   /* SCREEN * */
    FILE *tty_out, *tty_in;
    bool own_tty;
    int fd;
    struct termios saved;
    bool have_saved;
    char *saved_locale;
    bool colour, active;
    PlotGlyphs glyphs;
    /* log names seen (epoch logs and running logs) */
    int nnames;
    char names[DASH_MAX_LOGS][48];
    /* per-batch training loss (derived from the running epoch mean) */
    double *batch;
    size_t nbatch, capbatch;
    double prev_mean;
    /* per-epoch logs */
    DashEpoch *ep;
    size_t nep, capep;
    int64_t epoch;                  /* current (0-based) */
    int64_t step;                   /* last finished step in the epoch */
    int64_t steps;
    int64_t total_steps;            /* finished steps since train begin */
    double running[DASH_MAX_LOGS];  /* running logs of the epoch, by name index */
    /* clocks (ns, monotonic) */
    int64_t t_start, t_epoch, t_check, t_draw, paused_ns;
    /* keys */
    bool stop, logy, paused, smooth, too_small, redraw;
    int rate_steps;                 /* for steps/s over the last second */
    int64_t rate_t0, rate_n0;
    double rate;
};

/* dashboard_draw.c */
void dash_draw(Dashboard *d);
int dash_name_index(Dashboard *d, const char *name);     /* adds; -1 when full */
int dash_find_name(const Dashboard *d, const char *name);
int64_t dash_now_ns(void);

#endif
