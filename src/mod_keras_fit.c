/* mod_keras_fit.c - fit / evaluate / predict on top of lib's nn_fit, the
 * Keras progress output (tf.keras 2.12 Progbar: verbose 0/1/2; on a
 * terminal the bar redraws with \r, otherwise one line per epoch), the
 * History object and the callbacks (EarlyStopping, ModelCheckpoint,
 * ReduceLROnPlateau, LearningRateScheduler, LambdaCallback, TerminateOnNaN,
 * and user subclasses of keras.callbacks.Callback).
 *
 * lib calls back through NnFitCallbacks; a Python error raised inside a
 * callback stops training and is reported when nn_fit returns.  Ctrl-C and
 * a non-finite loss stop training with a warning and fit returns the History
 * so far (the model keeps the weights of the last completed step).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mod_keras.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Keras reports float32 metrics as Python floats. */
static double f32(double v) { return (double)(float)v; }

/* ---------------------------------------------------------------- progress bar */

typedef struct {
    Interp *I;
    int verbose;
    bool tty;
    int64_t target;
    double start, after_first, last_update;
    size_t prev_width;
} Progbar;

static void pb_start(Progbar *p, Interp *I, int verbose, int64_t target)
{
    p->I = I;
    p->verbose = verbose;
    p->tty = isatty(STDOUT_FILENO);
    p->target = target;
    p->start = now_s();
    p->after_first = -1;
    p->last_update = 0;
    p->prev_width = 0;
}

static void fmt_time(StrBuf *sb, double t, const char *unit)
{
    if (t >= 1 || t == 0)
        sb_printf(sb, " %.0fs/%s", t, unit);
    else if (t >= 1e-3)
        sb_printf(sb, " %.0fms/%s", t * 1e3, unit);
    else
        sb_printf(sb, " %.0fus/%s", t * 1e6, unit);
}

static void fmt_value(StrBuf *sb, double v, bool abs_test)
{
    if ((abs_test ? fabs(v) : v) > 1e-3)
        sb_printf(sb, " %.4f", v);
    else
        sb_printf(sb, " %.4e", v);
}

static int ndigits(int64_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* One update of the bar: current steps done, logs (may be NULL). */
static void pb_update(Progbar *p, int64_t current, const NnLogs *logs, bool finalize)
{
    double now = now_s();
    if (current == 1 && p->after_first < 0)
        p->after_first = now;
    if (p->verbose == 0 || (p->verbose == 2 && !finalize))
        return;
    if (p->verbose == 1 && !finalize && (!p->tty || now - p->last_update < 0.05))
        return;
    p->last_update = now;
    StrBuf sb;
    sb_init(&sb);
    double per = current > 1 && p->after_first >= 0 ? (now - p->after_first) / (double)(current - 1)
                                                   : current ? (now - p->start) / (double)current : 0;
    if (p->verbose == 2) {
        sb_printf(&sb, "%*lld/%lld - %.0fs", ndigits(p->target), (long long)current,
                  (long long)p->target, now - p->start);
        for (int i = 0; logs && i < logs->n; i++) {
            sb_printf(&sb, " - %s:", logs->names[i]);
            fmt_value(&sb, f32(logs->values[i]), false);
        }
        sb_puts(&sb, " -");
        fmt_time(&sb, now - p->start, "epoch");
        sb_puts(&sb, " -");
        fmt_time(&sb, (now - p->start) / (double)(p->target ? p->target : 1), "step");
        sb_putc(&sb, '\n');
    } else {
        if (p->tty)
            sb_putc(&sb, '\r');
        size_t w0 = sb.len;
        sb_printf(&sb, "%*lld/%lld [", ndigits(p->target), (long long)current, (long long)p->target);
        int width = 30, prog = (int)(width * (double)current / (double)(p->target ? p->target : 1));
        for (int i = 0; i < prog - 1; i++)
            sb_putc(&sb, '=');
        if (prog > 0)
            sb_putc(&sb, current < p->target ? '>' : '=');
        for (int i = prog; i < width; i++)
            sb_putc(&sb, '.');
        sb_putc(&sb, ']');
        if (finalize) {
            sb_printf(&sb, " - %.0fs", now - p->start);
            fmt_time(&sb, per, "step");
        } else {
            double eta = per * (double)(p->target - current);
            if (eta > 3600)
                sb_printf(&sb, " - ETA: %d:%02d:%02d", (int)(eta / 3600), (int)fmod(eta, 3600) / 60,
                          (int)fmod(eta, 60));
            else if (eta > 60)
                sb_printf(&sb, " - ETA: %d:%02d", (int)(eta / 60), (int)fmod(eta, 60));
            else
                sb_printf(&sb, " - ETA: %ds", (int)eta);
        }
        for (int i = 0; logs && i < logs->n; i++) {
            sb_printf(&sb, " - %s:", logs->names[i]);
            fmt_value(&sb, f32(logs->values[i]), true);
        }
        size_t w = sb.len - w0;
        if (p->tty && w < p->prev_width)
            for (size_t i = w; i < p->prev_width; i++)
                sb_putc(&sb, ' ');
        p->prev_width = w;
        if (finalize)
            sb_putc(&sb, '\n');
    }
    if (!sb.oom)
        interp_write(p->I, sb.data, sb.len);
    sb_free(&sb);
}

/* Ends a bar left mid-line on a terminal (interrupt, error). */
static void pb_abandon(Progbar *p)
{
    if (p->verbose == 1 && p->tty && p->prev_width)
        interp_write(p->I, "\n", 1);
}

/* ---------------------------------------------------------------- History */

typedef struct {
    Value history, epoch, params;   /* dict, list, dict */
} KHistory;

static void hist_finalize(void *d)
{
    KHistory *h = d;
    value_decref(h->history);
    value_decref(h->epoch);
    value_decref(h->params);
    free(h);
}

static bool hist_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    (void)I;
    KHistory *h = native_obj_data(self, &keras_history_class);
    Value v = strcmp(name, "history") == 0 ? h->history : strcmp(name, "epoch") == 0 ? h->epoch
            : strcmp(name, "params") == 0 ? h->params : (Value){0};
    *found = v.kind != VAL_UNSET;
    if (*found) {
        value_incref(v);
        *out = v;
    }
    return true;
}

static bool hist_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<keras.callbacks.History object at %p>", (void *)self.as.o);
    return true;
}

static const char *const hist_attrs[] = { "history", "epoch", "params", NULL };
const NativeClass keras_history_class = {
    .name = "History", .finalize = hist_finalize, .getattr = hist_getattr, .repr = hist_repr,
    .attrs = hist_attrs,
    .doc = "What fit returns: .history (a dict of per-epoch lists: loss, metrics, val_...), "
           ".epoch, .params.",
};

static bool hist_new(Interp *I, Value *out)
{
    KHistory *h = calloc(1, sizeof *h);
    if (!h)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!dict_new(I, &h->history) || !list_new(I, 0, &h->epoch) || !dict_new(I, &h->params)) {
        hist_finalize(h);
        return false;
    }
    return native_obj_new(I, &keras_history_class, h, out);
}

static bool hist_append(Interp *I, Value hv, int64_t epoch, Value logs)
{
    KHistory *h = native_obj_data(hv, &keras_history_class);
    if (!list_append(I, h->epoch, val_int(epoch)))
        return false;
    size_t pos = 0;
    Value k, v;
    ObjDict *d = as_dict(logs);
    for (pos = 0; pos < d->nentries; pos++) {
        k = d->entries[pos].key;
        v = d->entries[pos].value;
        if (k.kind == VAL_UNSET)
            continue;
        Value lst;
        bool found;
        if (!dict_get(I, h->history, k, &lst, &found))
            return false;
        if (!found) {
            if (!list_new(I, 0, &lst) || !dict_set(I, h->history, k, lst)) {
                value_decref(lst);
                return false;
            }
        }
        bool ok = list_append(I, lst, v);
        value_decref(lst);
        if (!ok)
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- built-in callbacks */

typedef enum { CB_BASE, CB_EARLY, CB_CHECKPOINT, CB_PLATEAU, CB_SCHEDULER, CB_LAMBDA, CB_NAN,
               CB_HISTORY, CB_COUNT } CbKind;

typedef struct {
    CbKind kind;
    char monitor[64];
    double min_delta, baseline, factor, min_lr;
    int64_t patience, cooldown, verbose, start_from_epoch;
    bool maximize, restore_best, save_best_only, save_weights_only, has_baseline;
    Value fn[6];            /* scheduler: fn[0]; lambda: epoch_begin, epoch_end, batch_begin,
                               batch_end, train_begin, train_end; checkpoint: fn[0] = filepath */
    /* state */
    double best;
    int64_t wait, cooldown_counter, best_epoch, stopped_epoch;
    NnSnapshot *best_weights;
    NnCtx *ctx;
} KCallback;

static void cb_finalize(void *d)
{
    KCallback *c = d;
    for (int i = 0; i < 6; i++)
        value_decref(c->fn[i]);
    if (c->best_weights)
        nn_snapshot_free(c->ctx, c->best_weights);
    free(c);
}

static bool cb_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<keras.callbacks.%s object at %p>", ((ObjNativeObj *)self.as.o)->cls->name,
              (void *)self.as.o);
    return true;
}

#define CBCLASS(N, D) { .name = N, .finalize = cb_finalize, .repr = cb_repr, .doc = D }
static const NativeClass cb_classes[CB_COUNT] = {
    CBCLASS("Callback", "Base class of callbacks: subclass it and define on_epoch_end(self, "
            "epoch, logs=None), on_train_batch_end, on_train_begin, ...; self.model is the model."),
    CBCLASS("EarlyStopping", "EarlyStopping(monitor='val_loss', min_delta=0, patience=0, "
            "verbose=0, mode='auto', baseline=None, restore_best_weights=False)."),
    CBCLASS("ModelCheckpoint", "ModelCheckpoint(filepath, monitor='val_loss', verbose=0, "
            "save_best_only=False, save_weights_only=False, mode='auto')."),
    CBCLASS("ReduceLROnPlateau", "ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=10, "
            "verbose=0, mode='auto', min_delta=0.0001, cooldown=0, min_lr=0)."),
    CBCLASS("LearningRateScheduler", "LearningRateScheduler(schedule, verbose=0): "
            "lr = schedule(epoch, lr) at each epoch's start."),
    CBCLASS("LambdaCallback", "LambdaCallback(on_epoch_begin=None, on_epoch_end=None, "
            "on_batch_begin=None, on_batch_end=None, on_train_begin=None, on_train_end=None)."),
    CBCLASS("TerminateOnNaN", "Stops training at a NaN loss (nnsh always does)."),
    CBCLASS("History", "Records the per-epoch logs (fit adds one itself)."),
};

static KCallback *cbdata(Value v)
{
    if (!val_is_obj(v, OBJ_NATIVE_OBJ) || ((ObjNativeObj *)v.as.o)->cls->finalize != cb_finalize)
        return NULL;
    return ((ObjNativeObj *)v.as.o)->data;
}

static bool mode_arg(Interp *I, const char *f, Value v, const char *monitor, bool *maximize)
{
    const char *mode = "auto";
    if (v.kind != VAL_UNSET && !arg_str(I, f, "mode", v, &mode))
        return false;
    if (strcmp(mode, "max") == 0)
        *maximize = true;
    else if (strcmp(mode, "min") == 0)
        *maximize = false;
    else
        *maximize = strstr(monitor, "acc") || strstr(monitor, "auc");
    return true;
}

static bool opt_int(Interp *I, const char *f, const char *p, Value v, int64_t *out)
{
    return v.kind == VAL_UNSET || arg_int(I, f, p, v, out);
}

static bool opt_num(Interp *I, const char *f, const char *p, Value v, double *out)
{
    return v.kind == VAL_UNSET || v.kind == VAL_NONE || arg_float(I, f, p, v, out);
}

static bool monitor_arg(Interp *I, const char *f, Value v, char *buf)
{
    const char *m = "val_loss";
    if (v.kind != VAL_UNSET && !arg_str(I, f, "monitor", v, &m))
        return false;
    snprintf(buf, 64, "%s", m);
    return true;
}

static bool cb_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    const NativeClass *cls = type_native_class(self);
    int k = cls && cls >= cb_classes && cls < cb_classes + CB_COUNT ? (int)(cls - cb_classes) : 0;
    const char *f = cb_classes[k].name;
    Value v[8];
    KCallback c = { .kind = (CbKind)k, .ctx = interp_nn(I) };
    bool ok = true;
    switch (k) {
    case CB_EARLY:
        ok = args_parse(I, f, a, "monitor=, min_delta=, patience=, verbose=, mode=, baseline=, "
                        "restore_best_weights=, start_from_epoch=", v) &&
             monitor_arg(I, f, v[0], c.monitor) && opt_num(I, f, "min_delta", v[1], &c.min_delta) &&
             opt_int(I, f, "patience", v[2], &c.patience) && opt_int(I, f, "verbose", v[3], &c.verbose) &&
             mode_arg(I, f, v[4], c.monitor, &c.maximize) &&
             opt_num(I, f, "baseline", v[5], &c.baseline) &&
             (v[6].kind == VAL_UNSET || arg_bool(I, f, "restore_best_weights", v[6], &c.restore_best)) &&
             opt_int(I, f, "start_from_epoch", v[7], &c.start_from_epoch);
        c.has_baseline = v[5].kind != VAL_UNSET && v[5].kind != VAL_NONE;
        c.min_delta = fabs(c.min_delta);
        break;
    case CB_CHECKPOINT:
        ok = args_parse(I, f, a, "filepath, monitor=, verbose=, save_best_only=, "
                        "save_weights_only=, mode=, save_freq=, options=", v) &&
             val_is_obj(v[0], OBJ_STR) && monitor_arg(I, f, v[1], c.monitor) &&
             opt_int(I, f, "verbose", v[2], &c.verbose) &&
             (v[3].kind == VAL_UNSET || arg_bool(I, f, "save_best_only", v[3], &c.save_best_only)) &&
             (v[4].kind == VAL_UNSET || arg_bool(I, f, "save_weights_only", v[4], &c.save_weights_only)) &&
             mode_arg(I, f, v[5], c.monitor, &c.maximize);
        if (ok) {
            c.fn[0] = v[0];
            value_incref(v[0]);
        } else if (!interp_error_pending(I)) {
            ok = interp_error(I, ERR_TYPE, "ModelCheckpoint: filepath must be a string");
        }
        break;
    case CB_PLATEAU:
        c.factor = 0.1;
        c.patience = 10;
        c.min_delta = 1e-4;
        ok = args_parse(I, f, a, "monitor=, factor=, patience=, verbose=, mode=, min_delta=, "
                        "cooldown=, min_lr=", v) &&
             monitor_arg(I, f, v[0], c.monitor) && opt_num(I, f, "factor", v[1], &c.factor) &&
             opt_int(I, f, "patience", v[2], &c.patience) && opt_int(I, f, "verbose", v[3], &c.verbose) &&
             mode_arg(I, f, v[4], c.monitor, &c.maximize) &&
             opt_num(I, f, "min_delta", v[5], &c.min_delta) &&
             opt_int(I, f, "cooldown", v[6], &c.cooldown) && opt_num(I, f, "min_lr", v[7], &c.min_lr);
        if (ok && c.factor >= 1.0)
            ok = interp_error(I, ERR_VALUE, "ReduceLROnPlateau does not support a factor >= 1.0. "
                              "Got %g", c.factor);
        break;
    case CB_SCHEDULER:
        ok = args_parse(I, f, a, "schedule, verbose=", v) && opt_int(I, f, "verbose", v[1], &c.verbose);
        if (ok) {
            c.fn[0] = v[0];
            value_incref(v[0]);
        }
        break;
    case CB_LAMBDA:
        ok = args_parse(I, f, a, "on_epoch_begin=, on_epoch_end=, on_batch_begin=, on_batch_end=, "
                        "on_train_begin=, on_train_end=", v);
        for (int i = 0; ok && i < 6; i++)
            if (v[i].kind != VAL_UNSET && v[i].kind != VAL_NONE) {
                c.fn[i] = v[i];
                value_incref(v[i]);
            }
        break;
    default:
        ok = args_parse(I, f, a, "", v);
        break;
    }
    KCallback *d = ok ? malloc(sizeof *d) : NULL;
    if (!d) {
        for (int i = 0; i < 6; i++)
            value_decref(c.fn[i]);
        return ok ? interp_error(I, ERR_MEMORY, "out of memory") : false;
    }
    *d = c;
    return native_obj_new(I, &cb_classes[k], d, out);
}

const NativeDef keras_callback_ctors[] = { {NULL, NULL, NULL, NULL} };

bool keras_callbacks_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "keras.callbacks", "Callbacks for fit.", &m))
        return false;
    for (int k = 0; k < CB_COUNT; k++) {
        Value t;
        if (!native_class_type(I, &cb_classes[k], cb_ctor, &t)) {
            value_decref(m);
            return false;
        }
        bool ok = module_set(I, m, cb_classes[k].name, t);
        value_decref(t);
        if (!ok) {
            value_decref(m);
            return false;
        }
    }
    *out = m;
    return true;
}

/* ---------------------------------------------------------------- the fit context */

typedef struct {
    Interp *I;
    Value self;             /* the model value (borrowed) */
    KModel *k;
    Value cbs;              /* list of callbacks (owned), may be unset */
    Value hist;             /* the History value (owned) */
    Progbar pb;
    int verbose;
    int64_t epochs, steps;
    bool failed;            /* a Python error is pending */
} Fit;

static NnOptimConfig *opt_cfg(KModel *k) { return keras_optimizer_config(k->optimizer); }

static void sync_lr_to_model(KModel *k)
{
    NnOptimConfig *o = opt_cfg(k);
    if (o)
        nn_model_set_lr(k->m, o->learning_rate);
}

static void set_lr(KModel *k, double lr)
{
    NnOptimConfig *o = opt_cfg(k);
    if (o)
        o->learning_rate = lr;
    nn_model_set_lr(k->m, lr);
}

static bool logs_dict(Interp *I, const NnLogs *logs, Value *out)
{
    if (!dict_new(I, out))
        return false;
    for (int i = 0; logs && i < logs->n; i++)
        if (!dict_set_str(I, *out, logs->names[i], val_float(f32(logs->values[i])))) {
            value_decref(*out);
            return false;
        }
    return true;
}

static bool logs_get(Interp *I, Value logs, const char *key, double *v, bool *found)
{
    Value x;
    if (!dict_get_str(I, logs, key, &x, found))
        return false;
    if (*found) {
        bool ok = value_to_float(I, x, v);
        value_decref(x);
        return ok;
    }
    return true;
}

/* Calls obj.method(args...) when obj has it (user callbacks). */
static bool call_method(Interp *I, Value obj, const char *method, int n, const Value *args)
{
    Value fn, r;
    if (!value_getattr(I, obj, method, &fn)) {
        if (interp_error_kind(I) == ERR_ATTRIBUTE) {
            interp_clear_error(I);
            return true;
        }
        return false;
    }
    bool ok = interp_call(I, fn, n, args, &r);
    value_decref(fn);
    if (ok)
        value_decref(r);
    return ok;
}

static bool call_fn(Interp *I, Value fn, int n, const Value *args)
{
    Value r;
    if (fn.kind == VAL_UNSET)
        return true;
    if (!interp_call(I, fn, n, args, &r))
        return false;
    value_decref(r);
    return true;
}

static bool improved(const KCallback *c, double cur, double best, double delta)
{
    return c->maximize ? cur - delta > best : cur + delta < best;
}

static bool early_epoch_end(Fit *f, KCallback *c, int64_t epoch, Value logs)
{
    double cur;
    bool found;
    Interp *I = f->I;
    if (!logs_get(I, logs, c->monitor, &cur, &found))
        return false;
    if (!found) {
        interp_warn(I, "Early stopping conditioned on metric `%s` which is not available.",
                    c->monitor);
        return true;
    }
    if (epoch < c->start_from_epoch)
        return true;
    if (c->restore_best && !c->best_weights)
        c->best_weights = nn_model_snapshot(c->ctx, f->k->m);
    c->wait++;
    if (improved(c, cur, c->best, c->min_delta)) {
        c->best = cur;
        c->best_epoch = epoch;
        if (c->restore_best) {
            nn_snapshot_free(c->ctx, c->best_weights);
            c->best_weights = nn_model_snapshot(c->ctx, f->k->m);
        }
        if (!c->has_baseline || improved(c, cur, c->baseline, c->min_delta))
            c->wait = 0;
        return true;
    }
    if (c->wait >= c->patience && epoch > 0) {
        c->stopped_epoch = epoch;
        f->k->stop_training = true;
        if (c->restore_best && c->best_weights) {
            if (c->verbose > 0)
                interp_printf(I, "Restoring model weights from the end of the best epoch: %lld.\n",
                              (long long)c->best_epoch + 1);
            nn_model_restore(c->ctx, f->k->m, c->best_weights);
        }
    }
    return true;
}

static bool checkpoint_epoch_end(Fit *f, KCallback *c, int64_t epoch, Value logs)
{
    Interp *I = f->I;
    Value path;
    StrBuf sb;
    sb_init(&sb);
    /* filepath.format(epoch=epoch + 1, **logs) */
    const char *names[NN_MAX_LOGS + 1];
    Value vals[NN_MAX_LOGS + 1];
    int n = 0;
    names[n] = "epoch";
    vals[n++] = val_int(epoch + 1);
    ObjDict *d = as_dict(logs);
    for (size_t i = 0; i < d->nentries && n <= NN_MAX_LOGS; i++)
        if (d->entries[i].key.kind != VAL_UNSET) {
            names[n] = str_cstr(d->entries[i].key);
            vals[n++] = d->entries[i].value;
        }
    Args fa = { 0, NULL, n, names, vals };
    if (!format_template(I, str_cstr(c->fn[0]), as_str(c->fn[0])->len, &fa, (Value){0}, &sb) ||
        !sb_to_str(I, &sb, &path)) {
        sb_free(&sb);
        return false;
    }
    bool save = true;
    if (c->save_best_only) {
        double cur;
        bool found;
        if (!logs_get(I, logs, c->monitor, &cur, &found)) {
            value_decref(path);
            return false;
        }
        if (!found) {
            interp_warn(I, "Can save best model only with %s available, skipping.", c->monitor);
            save = false;
        } else if (improved(c, cur, c->best, 0)) {
            if (c->verbose > 0)
                interp_printf(I, "\nEpoch %lld: %s improved from %.5f to %.5f, saving model to %s\n",
                              (long long)epoch + 1, c->monitor, c->best, cur, str_cstr(path));
            c->best = cur;
        } else {
            if (c->verbose > 0)
                interp_printf(I, "\nEpoch %lld: %s did not improve from %.5f\n",
                              (long long)epoch + 1, c->monitor, c->best);
            save = false;
        }
    } else if (c->verbose > 0) {
        interp_printf(I, "\nEpoch %lld: saving model to %s\n", (long long)epoch + 1, str_cstr(path));
    }
    NnStatus st = NN_OK;
    if (save)
        st = c->save_weights_only ? nn_model_save_weights(c->ctx, f->k->m, str_cstr(path))
                                  : nn_model_save(c->ctx, f->k->m, str_cstr(path));
    value_decref(path);
    return st == NN_OK || interp_error_from_nn(I);
}

static bool plateau_epoch_end(Fit *f, KCallback *c, int64_t epoch, Value logs)
{
    Interp *I = f->I;
    double cur, lr = nn_model_get_lr(f->k->m);
    bool found;
    if (!dict_set_str(I, logs, "lr", val_float(f32(lr))) || !logs_get(I, logs, c->monitor, &cur, &found))
        return false;
    if (!found) {
        interp_warn(I, "Learning rate reduction is conditioned on metric `%s` which is not "
                    "available.", c->monitor);
        return true;
    }
    bool cooling = c->cooldown_counter > 0;
    if (cooling) {
        c->cooldown_counter--;
        c->wait = 0;
    }
    if (improved(c, cur, c->best, c->min_delta)) {
        c->best = cur;
        c->wait = 0;
    } else if (!(c->cooldown_counter > 0) && ++c->wait >= c->patience) {
        if (lr > (double)(float)c->min_lr) {
            double nl = (double)(float)lr * c->factor;
            nl = nl > c->min_lr ? nl : c->min_lr;
            set_lr(f->k, nl);
            if (c->verbose > 0)
                interp_printf(I, "\nEpoch %lld: ReduceLROnPlateau reducing learning rate to %g.\n",
                              (long long)epoch + 1, (double)(float)nl);
            c->cooldown_counter = c->cooldown;
            c->wait = 0;
        }
    }
    return true;
}

static void cb_reset(KCallback *c)
{
    c->wait = c->cooldown_counter = c->best_epoch = c->stopped_epoch = 0;
    c->best = c->maximize ? -INFINITY : INFINITY;
    if (c->best_weights) {
        nn_snapshot_free(c->ctx, c->best_weights);
        c->best_weights = NULL;
    }
}

typedef enum { EV_TRAIN_BEGIN, EV_TRAIN_END, EV_EPOCH_BEGIN, EV_EPOCH_END, EV_BATCH_END } Event;

/* Dispatches one event to every callback; false with a Python error pending. */
static bool dispatch(Fit *f, Event ev, int64_t n, Value logs)
{
    Interp *I = f->I;
    ObjList *l = f->cbs.kind == VAL_OBJ ? as_list(f->cbs) : NULL;
    Value args[2] = { val_int(n), logs };
    for (size_t i = 0; l && i < l->len; i++) {
        Value cb = l->items[i];
        KCallback *c = cbdata(cb);
        bool ok = true;
        if (!c) {
            static const char *const names[] = { "on_train_begin", "on_train_end", "on_epoch_begin",
                                                 "on_epoch_end", "on_train_batch_end" };
            ok = ev <= EV_TRAIN_END ? call_method(I, cb, names[ev], 1, &logs)
                                    : call_method(I, cb, names[ev], 2, args);
            if (ok && ev == EV_BATCH_END)
                ok = call_method(I, cb, "on_batch_end", 2, args);
            sync_lr_to_model(f->k);
        } else if (c->kind == CB_LAMBDA) {
            static const int slot[] = { 4, 5, 0, 1, 3 };
            ok = ev <= EV_TRAIN_END ? call_fn(I, c->fn[slot[ev]], 1, &logs)
                                    : call_fn(I, c->fn[slot[ev]], 2, args);
            sync_lr_to_model(f->k);
        } else if (ev == EV_TRAIN_BEGIN) {
            cb_reset(c);
        } else if (ev == EV_EPOCH_END && c->kind == CB_EARLY) {
            ok = early_epoch_end(f, c, n, logs);
        } else if (ev == EV_EPOCH_END && c->kind == CB_CHECKPOINT) {
            ok = checkpoint_epoch_end(f, c, n, logs);
        } else if (ev == EV_EPOCH_END && c->kind == CB_PLATEAU) {
            ok = plateau_epoch_end(f, c, n, logs);
        } else if (ev == EV_EPOCH_END && c->kind == CB_SCHEDULER) {
            ok = dict_set_str(I, logs, "lr", val_float(f32(nn_model_get_lr(f->k->m))));
        } else if (ev == EV_EPOCH_BEGIN && c->kind == CB_SCHEDULER) {
            Value a2[2] = { val_int(n), val_float(f32(nn_model_get_lr(f->k->m))) }, r;
            ok = interp_call(I, c->fn[0], 2, a2, &r);
            if (!ok && interp_error_kind(I) == ERR_TYPE) {
                interp_clear_error(I);
                ok = interp_call(I, c->fn[0], 1, a2, &r);
            }
            double lr;
            if (ok) {
                ok = value_to_float(I, r, &lr);
                value_decref(r);
            }
            if (ok) {
                set_lr(f->k, lr);
                if (c->verbose > 0)
                    interp_printf(I, "\nEpoch %lld: LearningRateScheduler setting learning rate to "
                                  "%g.\n", (long long)n + 1, lr);
            }
        } else if (ev == EV_TRAIN_END && c->kind == CB_EARLY && c->stopped_epoch > 0 && c->verbose > 0) {
            interp_printf(I, "Epoch %lld: early stopping\n", (long long)c->stopped_epoch + 1);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* ---- lib hooks ---- */

static void h_train_begin(void *ud, int64_t epochs, int64_t steps, int64_t samples)
{
    Fit *f = ud;
    (void)samples;
    f->epochs = epochs;
    f->steps = steps;
    KHistory *h = native_obj_data(f->hist, &keras_history_class);
    Interp *I = f->I;
    if (!dict_set_str(I, h->params, "verbose", val_int(f->verbose)) ||
        !dict_set_str(I, h->params, "epochs", val_int(epochs)) ||
        !dict_set_str(I, h->params, "steps", val_int(steps))) {
        f->failed = true;
        return;
    }
    Value logs;
    if (!dict_new(I, &logs)) {
        f->failed = true;
        return;
    }
    if (!dispatch(f, EV_TRAIN_BEGIN, 0, logs))
        f->failed = true;
    value_decref(logs);
}

static bool h_epoch_begin(void *ud, int64_t epoch)
{
    Fit *f = ud;
    if (f->failed || f->k->stop_training)
        return true;
    if (f->verbose && f->epochs > 1)
        interp_printf(f->I, "Epoch %lld/%lld\n", (long long)epoch + 1, (long long)f->epochs);
    pb_start(&f->pb, f->I, f->verbose, f->steps);
    Value logs;
    if (!dict_new(f->I, &logs) || !dispatch(f, EV_EPOCH_BEGIN, epoch, logs))
        f->failed = true;
    if (!f->failed)
        value_decref(logs);
    sync_lr_to_model(f->k);
    return f->failed || f->k->stop_training;
}

static bool h_batch_end(void *ud, int64_t step, const NnLogs *running)
{
    Fit *f = ud;
    pb_update(&f->pb, step, running, false);
    ObjList *l = f->cbs.kind == VAL_OBJ ? as_list(f->cbs) : NULL;
    if (l && l->len) {
        Value logs;
        if (!logs_dict(f->I, running, &logs))
            f->failed = true;
        else if (!dispatch(f, EV_BATCH_END, step - 1, logs))
            f->failed = true;
        if (!f->failed)
            value_decref(logs);
    }
    return f->failed || f->k->stop_training;
}

static bool h_epoch_end(void *ud, int64_t epoch, const NnLogs *logs)
{
    Fit *f = ud;
    pb_update(&f->pb, f->steps, logs, true);
    Value d;
    if (!logs_dict(f->I, logs, &d))
        f->failed = true;
    else if (!dispatch(f, EV_EPOCH_END, epoch, d) || !hist_append(f->I, f->hist, epoch, d))
        f->failed = true;
    if (!f->failed)
        value_decref(d);
    return f->failed || f->k->stop_training;
}

static void h_train_end(void *ud, const NnLogs *last)
{
    Fit *f = ud;
    if (f->failed)
        return;
    Value logs;
    if (!logs_dict(f->I, last, &logs) || !dispatch(f, EV_TRAIN_END, 0, logs))
        f->failed = true;
    if (!f->failed)
        value_decref(logs);
}

/* ---------------------------------------------------------------- arguments */

static bool verbose_arg(Interp *I, const char *f, Value v, int *out)
{
    int64_t n = 1;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE || (val_is_obj(v, OBJ_STR) &&
                                                      strcmp(str_cstr(v), "auto") == 0)) {
        *out = 1;
        return true;
    }
    if (!arg_int(I, f, "verbose", v, &n))
        return false;
    *out = n <= 0 ? 0 : n == 1 ? 1 : 2;
    return true;
}

static bool batch_arg(Interp *I, const char *f, Value v, int64_t *out)
{
    *out = 32;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_int(I, f, "batch_size", v, out))
        return false;
    if (*out <= 0)
        return interp_error(I, ERR_VALUE, "%s: batch_size must be a positive integer, got %lld", f,
                            (long long)*out);
    return true;
}

static bool need_data(Interp *I, const char *f, Value x)
{
    if (x.kind == VAL_UNSET || x.kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, "%s: x is required", f);
    return true;
}

static bool class_weights(Interp *I, Value v, double **cw, int64_t *n)
{
    *cw = NULL;
    *n = 0;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!val_is_obj(v, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "`class_weight` must be a dict mapping class indices to "
                            "weights");
    ObjDict *d = as_dict(v);
    int64_t mx = -1;
    for (size_t i = 0; i < d->nentries; i++) {
        int64_t c;
        if (d->entries[i].key.kind == VAL_UNSET)
            continue;
        if (!value_to_int(I, d->entries[i].key, &c))
            return false;
        if (c < 0 || c > 1 << 24)
            return interp_error(I, ERR_VALUE, "class_weight: bad class index %lld", (long long)c);
        mx = c > mx ? c : mx;
    }
    *n = mx + 1;
    *cw = malloc(sizeof(double) * (size_t)(*n ? *n : 1));
    if (!*cw)
        return interp_error(I, ERR_MEMORY, "out of memory");
    for (int64_t i = 0; i < *n; i++)
        (*cw)[i] = 1.0;
    for (size_t i = 0; i < d->nentries; i++) {
        int64_t c;
        if (d->entries[i].key.kind == VAL_UNSET)
            continue;
        value_to_int(I, d->entries[i].key, &c);
        if (!value_to_float(I, d->entries[i].value, &(*cw)[c])) {
            free(*cw);
            *cw = NULL;
            return false;
        }
    }
    return true;
}

static bool check_compiled(Interp *I, KModel *k)
{
    if (!nn_model_is_compiled(k->m))
        return interp_error(I, ERR_RUNTIME, "You must compile your model before training/testing. "
                            "Use `model.compile(optimizer, loss)`.");
    if (k->loss.kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, "No loss found. You may have forgotten to provide a "
                            "`loss` argument in the `compile()` method.");
    return true;
}

/* Stops reported by lib that fit survives: Ctrl-C and a non-finite loss. */
static bool soft_stop(Fit *f, NnStatus st)
{
    NnCtx *ctx = interp_nn(f->I);
    if (st != NN_EINTR && st != NN_ENAN)
        return false;
    pb_abandon(&f->pb);
    if (st == NN_EINTR) {
        interp_warn(f->I, "KeyboardInterrupt: %s; training stopped, the model keeps the weights of "
                    "the last completed batch", nn_errmsg(ctx));
        interp_interrupted = 0;
    } else {
        interp_warn(f->I, "%s; training stopped, the model keeps the weights of the last finite "
                    "step", nn_errmsg(ctx));
    }
    nn_clear_error(ctx);
    return true;
}

bool keras_fit(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[19];
    const char *fn = "fit";
    KModel *k = keras_model_data(self);
    if (!args_parse(I, fn, a, "x=, y=, batch_size=, epochs=, verbose=, callbacks=, "
                    "validation_split=, validation_data=, shuffle=, class_weight=, sample_weight=, "
                    "initial_epoch=, steps_per_epoch=, validation_steps=, validation_batch_size=, "
                    "validation_freq=, max_queue_size=, workers=, use_multiprocessing=", v) ||
        !check_compiled(I, k) || !need_data(I, fn, v[0]))
        return false;
    if (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, "fit: y is required (targets for x)");
    Fit f = { .I = I, .self = self, .k = k };
    NnFitOptions o;
    nn_fit_options_init(&o);
    NnTensor *x = NULL, *y = NULL, *vx = NULL, *vy = NULL, *sw = NULL;
    double *cw = NULL;
    bool ok = batch_arg(I, fn, v[2], &o.batch_size) &&
              (v[3].kind == VAL_UNSET || arg_int(I, fn, "epochs", v[3], &o.epochs)) &&
              verbose_arg(I, fn, v[4], &f.verbose) &&
              (v[6].kind == VAL_UNSET || arg_float(I, fn, "validation_split", v[6], &o.validation_split)) &&
              (v[8].kind == VAL_UNSET || val_is_obj(v[8], OBJ_STR) ||
               value_truth(I, v[8], &o.shuffle)) &&
              (v[11].kind == VAL_UNSET || arg_int(I, fn, "initial_epoch", v[11], &o.initial_epoch)) &&
              (v[14].kind == VAL_UNSET || v[14].kind == VAL_NONE ||
               arg_int(I, fn, "validation_batch_size", v[14], &o.validation_batch_size)) &&
              class_weights(I, v[9], &cw, &o.nclass_weight) &&
              keras_to_tensor(I, v[0], &x) && keras_to_tensor(I, v[1], &y);
    o.class_weight = cw;
    if (ok && v[10].kind != VAL_UNSET && v[10].kind != VAL_NONE)
        ok = tensor_from_value(I, v[10], NN_F64, TENSOR_NP, &sw);
    o.sample_weight = sw;
    if (ok && v[7].kind != VAL_UNSET && v[7].kind != VAL_NONE) {
        Value vd;
        ok = value_to_list(I, v[7], &vd);
        if (ok) {
            ObjList *l = as_list(vd);
            ok = l->len >= 2 || interp_error(I, ERR_VALUE, "`validation_data` should be a tuple "
                                              "`(val_x, val_y)` or `(val_x, val_y, val_sample_weights)`.");
            ok = ok && keras_to_tensor(I, l->items[0], &vx) && keras_to_tensor(I, l->items[1], &vy);
            value_decref(vd);
        }
        o.val_x = vx;
        o.val_y = vy;
    }
    if (ok && v[5].kind != VAL_UNSET && v[5].kind != VAL_NONE)
        ok = value_to_list(I, v[5], &f.cbs);
    ok = ok && hist_new(I, &f.hist);
    if (ok) {
        ObjList *l = f.cbs.kind == VAL_OBJ ? as_list(f.cbs) : NULL;
        for (size_t i = 0; ok && l && i < l->len; i++)
            if (!cbdata(l->items[i]) && val_is_obj(l->items[i], OBJ_INSTANCE))
                ok = value_setattr(I, l->items[i], "model", self);
    }
    if (ok) {
        NnFitCallbacks cb = { &f, h_train_begin, h_train_end, h_epoch_begin, h_batch_end, h_epoch_end };
        o.cb = &cb;
        k->stop_training = false;
        sync_lr_to_model(k);
        pb_start(&f.pb, I, 0, 1);
        NnStatus st = nn_fit(interp_nn(I), k->m, x, y, &o, NULL);
        NnOptimConfig *oc = opt_cfg(k);
        if (oc)
            oc->learning_rate = nn_model_get_lr(k->m);
        if (f.failed) {
            pb_abandon(&f.pb);
            ok = false;
            if (st)
                nn_clear_error(interp_nn(I));
        } else if (st && !soft_stop(&f, st)) {
            pb_abandon(&f.pb);
            ok = interp_error_from_nn(I);
        }
    }
    free(cw);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    nn_tensor_unref(vx);
    nn_tensor_unref(vy);
    nn_tensor_unref(sw);
    value_decref(f.cbs);
    if (!ok) {
        value_decref(f.hist);
        return false;
    }
    value_decref(k->history);
    k->history = f.hist;
    value_incref(f.hist);
    *out = f.hist;
    return true;
}

/* ---------------------------------------------------------------- evaluate / predict */

typedef struct {
    Progbar pb;
    int64_t steps;
} EvalProgress;

static bool e_batch_end(void *ud, int64_t step, const NnLogs *running)
{
    EvalProgress *e = ud;
    pb_update(&e->pb, step, running, step >= e->steps);
    return false;
}

static bool evaluate_core(Interp *I, Value self, const Args *a, const char *fn, int force_verbose,
                          double *res, int *n, bool *return_dict)
{
    Value v[8];
    KModel *k = keras_model_data(self);
    if (!args_parse(I, fn, a, "x=, y=, batch_size=, verbose=, sample_weight=, steps=, callbacks=, "
                    "return_dict=", v) || !check_compiled(I, k) || !need_data(I, fn, v[0]))
        return false;
    if (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE)
        return interp_error(I, ERR_VALUE, "%s: y is required", fn);
    int64_t batch;
    int verbose;
    NnTensor *x = NULL, *y = NULL;
    *return_dict = false;
    bool ok = batch_arg(I, fn, v[2], &batch) && verbose_arg(I, fn, v[3], &verbose) &&
              (v[7].kind == VAL_UNSET || value_truth(I, v[7], return_dict)) &&
              keras_to_tensor(I, v[0], &x) && keras_to_tensor(I, v[1], &y);
    if (force_verbose >= 0)
        verbose = force_verbose;
    if (ok) {
        EvalProgress e;
        int64_t nrows = x->ndim ? x->shape[0] : 0;
        e.steps = (nrows + batch - 1) / batch;
        pb_start(&e.pb, I, verbose, e.steps);
        NnFitCallbacks cb = { .ud = &e, .on_batch_end = e_batch_end };
        NnStatus st = nn_evaluate(interp_nn(I), k->m, x, y, batch, &cb, res);
        if (st) {
            pb_abandon(&e.pb);
            ok = interp_error_from_nn(I);
        }
        *n = nn_model_nlogs(k->m);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool results_value(Interp *I, KModel *k, const double *res, int n, bool as_dict, Value *out)
{
    if (as_dict) {
        if (!dict_new(I, out))
            return false;
        for (int i = 0; i < n; i++)
            if (!dict_set_str(I, *out, nn_model_log_name(k->m, i), val_float(f32(res[i])))) {
                value_decref(*out);
                return false;
            }
        return true;
    }
    if (n == 1) {
        *out = val_float(f32(res[0]));
        return true;
    }
    if (!list_new(I, (size_t)n, out))
        return false;
    for (int i = 0; i < n; i++)
        if (!list_append(I, *out, val_float(f32(res[i])))) {
            value_decref(*out);
            return false;
        }
    return true;
}

bool keras_evaluate(Interp *I, Value self, const Args *a, Value *out)
{
    double res[NN_MAX_LOGS];
    int n = 0;
    bool as_dict;
    if (!evaluate_core(I, self, a, "evaluate", -1, res, &n, &as_dict))
        return false;
    return results_value(I, keras_model_data(self), res, n, as_dict, out);
}

bool keras_score(Interp *I, Value self, const Args *a, Value *out)
{
    double res[NN_MAX_LOGS];
    int n = 0;
    bool as_dict;
    KModel *k = keras_model_data(self);
    if (!evaluate_core(I, self, a, "score", 0, res, &n, &as_dict))
        return false;
    for (int i = 1; i < n; i++)
        if (strstr(nn_model_log_name(k->m, i), "acc")) {
            *out = val_float(f32(res[i]));
            return true;
        }
    return interp_error(I, ERR_VALUE, "score() needs an accuracy metric (compile with "
                        "metrics=['accuracy'])");
}

static bool p_batch_end(void *ud, int64_t step, const NnLogs *running)
{
    (void)running;
    EvalProgress *e = ud;
    pb_update(&e->pb, step, NULL, step >= e->steps);
    return false;
}

static bool predict_tensor(Interp *I, Value self, const Args *a, const char *fn, int force_verbose,
                           NnTensor **out)
{
    Value v[5];
    KModel *k = keras_model_data(self);
    int64_t batch;
    int verbose;
    NnTensor *x = NULL;
    if (!args_parse(I, fn, a, "x, batch_size=, verbose=, steps=, *, callbacks=", v) ||
        !batch_arg(I, fn, v[1], &batch) || !verbose_arg(I, fn, v[2], &verbose) ||
        !keras_to_tensor(I, v[0], &x))
        return false;
    if (force_verbose >= 0)
        verbose = force_verbose;
    EvalProgress e;
    int64_t nrows = x->ndim ? x->shape[0] : 0;
    e.steps = (nrows + batch - 1) / batch;
    pb_start(&e.pb, I, verbose, e.steps);
    NnFitCallbacks cb = { .ud = &e, .on_batch_end = p_batch_end };
    *out = nn_predict(interp_nn(I), k->m, x, batch, &cb);
    nn_tensor_unref(x);
    if (!*out) {
        pb_abandon(&e.pb);
        return interp_error_from_nn(I);
    }
    return true;
}

bool keras_predict(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t;
    if (!predict_tensor(I, self, a, "predict", -1, &t))
        return false;
    return tensor_value_new(I, t, TENSOR_NP, out);
}

bool keras_predict_classes(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t;
    if (!predict_tensor(I, self, a, "predict_classes", 0, &t))
        return false;
    NnCtx *ctx = interp_nn(I);
    NnTensor *r;
    if (t->ndim >= 1 && t->shape[t->ndim - 1] > 1) {
        int axis = -1;
        r = nn_reduce(ctx, NN_ARGMAX, t, &axis, 1, false, NN_I64, 0);
    } else {
        r = nn_tensor_new(ctx, NN_I32, t->ndim, t->shape);
        if (r)
            for (int64_t i = 0; i < nn_tensor_numel(t); i++)
                ((int32_t *)nn_tensor_data(r))[i] = ((float *)nn_tensor_data(t))[i] > 0.5f;
    }
    nn_tensor_unref(t);
    return tensor_value_wrap(I, r, TENSOR_NP, out);
}

bool keras_train_on_batch(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[6];
    KModel *k = keras_model_data(self);
    NnTensor *x = NULL, *y = NULL;
    if (!args_parse(I, "train_on_batch", a, "x, y=, sample_weight=, class_weight=, "
                    "reset_metrics=, return_dict=", v) || !check_compiled(I, k))
        return false;
    bool ok = keras_to_tensor(I, v[0], &x) && keras_to_tensor(I, v[1], &y);
    NnLogs logs;
    if (ok) {
        sync_lr_to_model(k);
        if (nn_train_on_batch(interp_nn(I), k->m, x, y, &logs))
            ok = interp_error_from_nn(I);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    if (!ok)
        return false;
    bool as_dict = false;
    if (v[5].kind != VAL_UNSET && !value_truth(I, v[5], &as_dict))
        return false;
    return results_value(I, k, logs.values, logs.n, as_dict, out);
}
