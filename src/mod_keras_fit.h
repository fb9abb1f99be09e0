/* mod_keras_fit.h - what fit's two training loops share: the tf.keras 2.12
 * progress bar, the fit context whose hooks print progress, run the
 * callbacks and fill the History (lib's NnFitCallbacks, called by nn_fit or
 * by the generic loop alike), and fit's parsed data.
 *
 * mod_keras_fit.c owns the hooks, the argument parsing and lib's fast path;
 * mod_keras_generic.c owns the generic loop (GradientTape steps through the
 * model's call, for subclassed models and for losses or metrics lib does not
 * implement).  Owned by the Keras bindings; nothing outside mod_keras*.c
 * includes it.
 */
#ifndef NNSH_MOD_KERAS_FIT_H
#define NNSH_MOD_KERAS_FIT_H

#include "mod_keras.h"
#include "dashboard.h"

typedef struct {
    Interp *I;
    int verbose;
    bool tty;
    int64_t target;
    double start, after_first, last_update;
    size_t prev_width;
} KProgbar;

void keras_pb_start(KProgbar *p, Interp *I, int verbose, int64_t target);
/* One update: steps done, logs (may be NULL); finalize prints the epoch's last line. */
void keras_pb_update(KProgbar *p, int64_t current, const NnLogs *logs, bool finalize);
/* Ends a bar left mid-line on a terminal (interrupt, error). */
void keras_pb_abandon(KProgbar *p);

/* One fit call.  Its hooks (keras_fit_hooks) are what lib's NnFitCallbacks
 * expects; the generic loop calls them the same way. */
typedef struct {
    Interp *I;
    KFitModel fm;
    Value cbs;              /* list of callbacks (owned), may be unset */
    Value hist;             /* the History value (owned) */
    KProgbar pb;
    Dashboard *dash;        /* the live dashboard replacing the bar, or NULL */
    NnFitCallbacks dcb;     /* its hooks */
    int verbose;
    int64_t epochs, steps;
    int64_t total_epochs;   /* fixed by the caller when fit runs one epoch per nn_fit call */
    bool skip_begin, skip_end;   /* those calls: train begin/end only once */
    NnLogs last;            /* the last epoch's logs */
    bool failed;            /* a Python error is pending */
    bool stopped;           /* a hook asked fit to stop */
} KFit;

void keras_fit_hooks(KFit *f, NnFitCallbacks *cb);

/* fit's data and options, parsed (tensors owned). */
typedef struct {
    NnFitOptions o;
    NnTensor *x, *y, *vx, *vy, *sw;
    double *cw;
    Value ds;               /* x when it is a tf.data Dataset (borrowed), else unset */
} KFitData;

/* x and y of a Dataset of (x, y) batches, and its batch size (mod_keras_fit.c). */
bool keras_fit_dataset_xy(Interp *I, const char *fn, Value ds, NnTensor **x, NnTensor **y,
                          int64_t *batch);

/* ---- mod_keras_generic.c ---- */

/* Trains with the generic loop; calls f's hooks as nn_fit does.  Returns
 * NN_OK; NN_EINTR / NN_ENAN with the ctx message as nn_fit words it (the
 * History so far is kept); or another status with f->failed set and a
 * Python error pending. */
NnStatus keras_generic_fit(Interp *I, KFit *f, KFitData *d);
/* Loss and metrics over (x, y) in inference mode, into res (names[i] are
 * lent, valid while the model is compiled); progress as evaluate prints it. */
bool keras_generic_evaluate(Interp *I, KFitModel *fm, NnTensor *x, NnTensor *y, int64_t batch,
                            int verbose, double *res, const char **names, int *n);
/* model(x) in inference mode by batches, as one float32 array (a new reference). */
bool keras_generic_predict(Interp *I, KFitModel *fm, NnTensor *x, int64_t batch, int verbose,
                           NnTensor **out);
/* The generic compile settings of a model value (KModel gen or a subclassed
 * model's compiled_loss), or NULL when it trains with lib's fit. */
bool keras_generic_compiled(Interp *I, Value self, KFitModel *fm);

#endif
