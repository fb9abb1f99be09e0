/* dashboard.h - the live training dashboard, as fit sees it.
 *
 * When model.fit runs with verbose=1 in a terminal, the Keras bindings ask
 * dashboard_wanted() and, when it says yes, dashboard_start() for an
 * NnFitCallbacks to pass to nn_fit instead of the text progress bar; after
 * nn_fit returns (whatever its status) they call dashboard_finish(), which
 * restores the terminal and prints the Keras per-epoch lines through
 * interp_write.  A NULL from dashboard_start means "use the text bar".
 *
 * The ncurses implementation lives in dashboard.c / dashboard_draw.c, which
 * are linked into the nnsh program only (libfront stays free of ncurses so
 * the unit tests link without it); they register themselves in
 * dashboard_ops at start-up.  dashboard_wanted/start/finish (plot.c, in
 * libfront) forward to it, and say "no" when it is not linked in.
 *
 * Ownership: the Dashboard belongs to the caller from start until finish
 * (finish frees it).  Params are copied; the model is borrowed until finish.
 */
#ifndef NNSH_DASHBOARD_H
#define NNSH_DASHBOARD_H

#include "nn.h"
#include "interp.h"

typedef struct Dashboard Dashboard;

typedef struct DashboardParams {
    int64_t epochs;             /* the epoch count of fit (last epoch + 1) */
    int64_t initial_epoch;
    int64_t steps;              /* batches per epoch (0: learnt at on_train_begin) */
    int nmetrics;               /* metric log names without "val_", may be 0 */
    const char *const *metric_names;
    NnModel *model;             /* for the learning rate shown; may be NULL */
} DashboardParams;

/* True when fit should use the dashboard: stdout is a terminal, verbose is
 * 1, NNSH_DASHBOARD is not "0", dashboard_kw is unset, None or true, and
 * the dashboard is linked into the program. */
bool dashboard_wanted(Interp *I, int verbose, Value dashboard_kw);
/* Takes over the terminal and fills *cb (cb->ud is the dashboard).  NULL
 * when the terminal cannot be used (then print the text progress instead). */
Dashboard *dashboard_start(Interp *I, const DashboardParams *p, NnFitCallbacks *cb);
/* Restores the terminal exactly, prints "Epoch i/N" + the final Keras
 * progress line of each completed epoch, frees d.  NULL is a no-op. */
void dashboard_finish(Dashboard *d);

/* The implementation behind the three calls above (set by dashboard.c). */
typedef struct DashboardOps {
    Dashboard *(*start)(Interp *I, const DashboardParams *p, NnFitCallbacks *cb);
    void (*finish)(Dashboard *d);
} DashboardOps;
extern const DashboardOps *dashboard_ops;

#endif
