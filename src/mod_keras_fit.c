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
#include "mod_keras_fit.h"
#include "mod_data.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Keras reports float32 metrics as Python floats. */
static double f32(double v) { return (double)(float)v; }

/* ---------------------------------------------------------------- progress bar */

typedef KProgbar Progbar;

void keras_pb_start(Progbar *p, Interp *I, int verbose, int64_t target)
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

void keras_pb_update(Progbar *p, int64_t current, const NnLogs *logs, bool finalize)
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

void keras_pb_abandon(Progbar *p)
{
    if (p->verbose == 1 && p->tty && p->prev_width)
        interp_write(p->I, "\n", 1);
}

/* ---------------------------------------------------------------- the fit context */

typedef KFit Fit;

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

/* ---- lib hooks ---- */

static void h_train_begin(void *ud, int64_t epochs, int64_t steps, int64_t samples)
{
    Fit *f = ud;
    (void)samples;
    f->epochs = f->total_epochs ? f->total_epochs : epochs;
    f->steps = steps;
    if (f->skip_begin)
        return;
    if (f->dash && f->dcb.on_train_begin)
        f->dcb.on_train_begin(f->dcb.ud, epochs, steps, samples);
    Interp *I = f->I;
    Value params = keras_history_params(f->hist);
    if (!dict_set_str(I, params, "verbose", val_int(f->verbose)) ||
        !dict_set_str(I, params, "epochs", val_int(f->epochs)) ||
        !dict_set_str(I, params, "steps", val_int(steps))) {
        f->failed = true;
        return;
    }
    Value logs;
    if (!dict_new(I, &logs)) {
        f->failed = true;
        return;
    }
    if (!keras_callbacks_dispatch(f->I, &f->fm, f->cbs, KEV_TRAIN_BEGIN, 0, logs))
        f->failed = true;
    value_decref(logs);
}

static bool h_epoch_begin(void *ud, int64_t epoch)
{
    Fit *f = ud;
    if (f->failed || keras_fm_stopping(f->I, &f->fm))
        return true;
    bool stop = false;
    if (f->dash)
        stop = f->dcb.on_epoch_begin && f->dcb.on_epoch_begin(f->dcb.ud, epoch);
    else if (f->verbose && f->epochs > 1)
        interp_printf(f->I, "Epoch %lld/%lld\n", (long long)epoch + 1, (long long)f->epochs);
    keras_pb_start(&f->pb, f->I, f->dash ? 0 : f->verbose, f->steps);
    Value logs;
    if (!dict_new(f->I, &logs))
        f->failed = true;
    else {
        if (!keras_callbacks_dispatch(f->I, &f->fm, f->cbs, KEV_EPOCH_BEGIN, epoch, logs))
            f->failed = true;
        value_decref(logs);
    }
    if (f->fm.k)
        keras_sync_lr(f->fm.k);
    return f->stopped = stop || f->failed || keras_fm_stopping(f->I, &f->fm);
}

static bool h_batch_end(void *ud, int64_t step, const NnLogs *running)
{
    Fit *f = ud;
    bool stop = false;
    if (f->dash)
        stop = f->dcb.on_batch_end && f->dcb.on_batch_end(f->dcb.ud, step, running);
    else
        keras_pb_update(&f->pb, step, running, false);
    ObjList *l = f->cbs.kind == VAL_OBJ ? as_list(f->cbs) : NULL;
    if (l && l->len) {
        Value logs;
        if (!logs_dict(f->I, running, &logs))
            f->failed = true;
        else {
            if (!keras_callbacks_dispatch(f->I, &f->fm, f->cbs, KEV_BATCH_END, step - 1, logs))
                f->failed = true;
            value_decref(logs);
        }
    }
    return f->stopped = stop || f->failed || keras_fm_stopping(f->I, &f->fm);
}

static bool h_epoch_end(void *ud, int64_t epoch, const NnLogs *logs)
{
    Fit *f = ud;
    bool stop = false;
    f->last = *logs;
    if (f->dash)
        stop = f->dcb.on_epoch_end && f->dcb.on_epoch_end(f->dcb.ud, epoch, logs);
    else
        keras_pb_update(&f->pb, f->steps, logs, true);
    Value d;
    if (!logs_dict(f->I, logs, &d))
        f->failed = true;
    else {
        if (!keras_callbacks_dispatch(f->I, &f->fm, f->cbs, KEV_EPOCH_END, epoch, d) ||
            !keras_history_append(f->I, f->hist, epoch, d))
            f->failed = true;
        value_decref(d);
    }
    return f->stopped = stop || f->failed || keras_fm_stopping(f->I, &f->fm);
}

static void h_train_end(void *ud, const NnLogs *last)
{
    Fit *f = ud;
    if (f->skip_end)
        return;
    if (f->dash && f->dcb.on_train_end)
        f->dcb.on_train_end(f->dcb.ud, last);
    if (f->failed)
        return;
    Value logs;
    if (!logs_dict(f->I, last, &logs))
        f->failed = true;
    else {
        if (!keras_callbacks_dispatch(f->I, &f->fm, f->cbs, KEV_TRAIN_END, 0, logs))
            f->failed = true;
        value_decref(logs);
    }
}

void keras_fit_hooks(KFit *f, NnFitCallbacks *cb)
{
    *cb = (NnFitCallbacks){ f, h_train_begin, h_train_end, h_epoch_begin, h_batch_end, h_epoch_end };
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

bool keras_fit_dataset_xy(Interp *I, const char *fn, Value ds, NnTensor **x, NnTensor **y,
                    int64_t *batch)
{
    if (!keras_dataset_xy(I, ds, x, y, batch))
        return false;
    if (!*y) {
        nn_tensor_unref(*x);
        *x = NULL;
        return interp_error(I, ERR_VALUE, "%s: the Dataset must yield (x, y) tuples", fn);
    }
    return true;
}

/* The first `steps` batches of t (a new reference: t itself or a view). */
static NnTensor *first_steps(Interp *I, NnTensor *t, int64_t steps, int64_t batch)
{
    if (!t || steps <= 0 || t->ndim == 0 || steps * batch >= t->shape[0])
        return t;
    NnTensor *v = nn_tensor_slice(interp_nn(I), t, 0, 0, steps * batch, 1);
    nn_tensor_unref(t);
    return v;
}

static bool steps_arg(Interp *I, const char *fn, Value v, int64_t *out)
{
    *out = 0;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_int(I, fn, "steps", v, out))
        return false;
    if (*out <= 0)
        return interp_error(I, ERR_VALUE, "%s: steps must be a positive integer, got %lld", fn,
                            (long long)*out);
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
    keras_pb_abandon(&f->pb);
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

/* The model fit/evaluate run on: compiled, and which loop trains it. */
static bool fit_model(Interp *I, Value self, KFitModel *fm)
{
    KModel *k = keras_model_data(self);
    *fm = (KFitModel){ .self = self, .k = k };
    if (!k)
        return keras_generic_compiled(I, self, fm);
    if (!check_compiled(I, k))
        return false;
    fm->optimizer = k->optimizer;
    fm->gen = k->gen;
    fm->generic = k->gen.kind == VAL_OBJ;
    return true;
}

static void fit_data_free(KFitData *d)
{
    free(d->cw);
    nn_tensor_unref(d->x);
    nn_tensor_unref(d->y);
    nn_tensor_unref(d->vx);
    nn_tensor_unref(d->vy);
    nn_tensor_unref(d->sw);
}

static bool validation_arg(Interp *I, Value v, KFitData *d)
{
    if (data_is_dataset(v)) {
        int64_t vb;
        if (!keras_fit_dataset_xy(I, "validation_data", v, &d->vx, &d->vy, &vb))
            return false;
        d->o.validation_batch_size = vb;
    } else if (v.kind != VAL_UNSET && v.kind != VAL_NONE) {
        Value vd;
        if (!value_to_list(I, v, &vd))
            return false;
        ObjList *l = as_list(vd);
        bool ok = l->len >= 2 || interp_error(I, ERR_VALUE, "`validation_data` should be a tuple "
                                              "`(val_x, val_y)` or `(val_x, val_y, val_sample_weights)`.");
        ok = ok && keras_to_tensor(I, l->items[0], &d->vx) && keras_to_tensor(I, l->items[1], &d->vy);
        value_decref(vd);
        if (!ok)
            return false;
    }
    d->o.val_x = d->vx;
    d->o.val_y = d->vy;
    return true;
}

/* fit's arguments into d and f (verbose, callbacks). */
static bool fit_args(Interp *I, const Value *v, KFitData *d, KFit *f)
{
    const char *fn = "fit";
    bool ds = data_is_dataset(v[0]);
    if (!need_data(I, fn, v[0]))
        return false;
    if (!ds && (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE))
        return interp_error(I, ERR_VALUE, "fit: y is required (targets for x)");
    if (ds && v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE)
        return interp_error(I, ERR_VALUE, "`y` argument is not supported when using dataset as "
                            "input.");
    NnFitOptions *o = &d->o;
    nn_fit_options_init(o);
    d->ds = ds ? v[0] : (Value){0};
    bool ok = (!ds || keras_fit_dataset_xy(I, "fit", v[0], &d->x, &d->y, &o->batch_size)) &&
              (ds || batch_arg(I, fn, v[2], &o->batch_size)) &&
              (v[3].kind == VAL_UNSET || arg_int(I, fn, "epochs", v[3], &o->epochs)) &&
              verbose_arg(I, fn, v[4], &f->verbose) &&
              (v[6].kind == VAL_UNSET || arg_float(I, fn, "validation_split", v[6], &o->validation_split)) &&
              (v[8].kind == VAL_UNSET || val_is_obj(v[8], OBJ_STR) ||
               value_truth(I, v[8], &o->shuffle)) &&
              (v[11].kind == VAL_UNSET || arg_int(I, fn, "initial_epoch", v[11], &o->initial_epoch)) &&
              (v[14].kind == VAL_UNSET || v[14].kind == VAL_NONE ||
               arg_int(I, fn, "validation_batch_size", v[14], &o->validation_batch_size)) &&
              class_weights(I, v[9], &d->cw, &o->nclass_weight) &&
              (ds || (keras_to_tensor(I, v[0], &d->x) && keras_to_tensor(I, v[1], &d->y)));
    if (ds)
        o->shuffle = false;     /* the Dataset's own shuffle() orders the samples */
    o->class_weight = d->cw;
    if (ok && v[10].kind != VAL_UNSET && v[10].kind != VAL_NONE)
        ok = tensor_from_value(I, v[10], NN_F64, TENSOR_NP, &d->sw);
    o->sample_weight = d->sw;
    ok = ok && validation_arg(I, v[7], d);
    if (ok && v[5].kind != VAL_UNSET && v[5].kind != VAL_NONE)
        ok = value_to_list(I, v[5], &f->cbs);
    ObjList *l = ok && f->cbs.kind == VAL_OBJ ? as_list(f->cbs) : NULL;
    for (size_t i = 0; ok && l && i < l->len; i++)
        if (val_is_obj(l->items[i], OBJ_INSTANCE))
            ok = value_setattr(I, l->items[i], "model", f->fm.self);
    return ok;
}

/* lib's nn_fit.  A Dataset is read again for every epoch after the first
 * (one nn_fit call per epoch), so its shuffle() reorders it each epoch as
 * reshuffle_each_iteration=True does. */
static NnStatus fast_fit(Interp *I, KFit *f, KFitData *d)
{
    KModel *k = f->fm.k;
    NnFitCallbacks cb;
    keras_fit_hooks(f, &cb);
    d->o.cb = &cb;
    keras_weights_use(I, k);
    int64_t it0 = nn_model_optim_iterations(k->m);
    k->busy++;
    NnStatus st;
    if (d->ds.kind == VAL_UNSET || d->o.epochs - d->o.initial_epoch <= 1) {
        st = nn_fit(interp_nn(I), k->m, d->x, d->y, &d->o, NULL);
    } else {
        NnFitOptions o = d->o;
        int64_t batch;
        f->total_epochs = d->o.epochs;
        st = NN_OK;
        for (int64_t e = d->o.initial_epoch; !st && e < d->o.epochs; e++) {
            if (e > d->o.initial_epoch) {
                nn_tensor_unref(d->x);
                nn_tensor_unref(d->y);
                d->x = d->y = NULL;
                if (!keras_fit_dataset_xy(I, "fit", d->ds, &d->x, &d->y, &batch)) {
                    f->failed = true;
                    st = NN_EARG;
                    break;
                }
            }
            o.initial_epoch = e;
            o.epochs = e + 1;
            f->skip_begin = e > d->o.initial_epoch;
            f->skip_end = e + 1 < d->o.epochs;
            st = nn_fit(interp_nn(I), k->m, d->x, d->y, &o, NULL);
            if (!st && f->stopped && e + 1 < d->o.epochs) {
                f->skip_end = false;    /* stopped early: the end event is still due */
                h_train_end(f, &f->last);
                break;
            }
        }
    }
    k->busy--;
    keras_weights_changed(I, k);
    keras_optimizer_add_iterations(k->optimizer, nn_model_optim_iterations(k->m) - it0);
    NnOptimConfig *oc = keras_model_optimizer(k);
    if (oc)
        oc->learning_rate = nn_model_get_lr(k->m);
    return st;
}

/* The metric log names (without "loss") for the dashboard. */
static int metric_names(KFit *f, const char **names)
{
    const char *all[NN_MAX_LOGS];
    int n;
    if (f->fm.generic) {
        n = keras_generic_log_names(f->fm.gen, all);
    } else {
        n = nn_model_nlogs(f->fm.k->m);
        for (int i = 0; i < n; i++)
            all[i] = nn_model_log_name(f->fm.k->m, i);
    }
    for (int i = 1; i < n; i++)
        names[i - 1] = all[i];
    return n > 0 ? n - 1 : 0;
}

bool keras_fit(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[20];
    KFit f = { .I = I };
    KFitData d = { 0 };
    if (!args_parse(I, "fit", a, "x=, y=, batch_size=, epochs=, verbose=, callbacks=, "
                    "validation_split=, validation_data=, shuffle=, class_weight=, sample_weight=, "
                    "initial_epoch=, steps_per_epoch=, validation_steps=, validation_batch_size=, "
                    "validation_freq=, max_queue_size=, workers=, use_multiprocessing=, *, dashboard=",
                    v) || !fit_model(I, self, &f.fm))
        return false;
    bool ok = fit_args(I, v, &d, &f) && keras_history_new(I, &f.hist);
    if (ok) {
        if (f.fm.k)
            f.fm.k->stop_training = false;
        else
            ok = value_setattr(I, self, "stop_training", val_bool(false));
    }
    if (ok) {
        if (f.fm.k)
            keras_sync_lr(f.fm.k);
        keras_pb_start(&f.pb, I, 0, 1);
        const char *mnames[NN_MAX_LOGS];
        int nm = metric_names(&f, mnames);
        if (dashboard_wanted(I, f.verbose, v[19])) {
            DashboardParams dp = { d.o.epochs, d.o.initial_epoch, 0, nm, mnames,
                                   f.fm.k && !f.fm.generic ? f.fm.k->m : NULL };
            f.dash = dashboard_start(I, &dp, &f.dcb);
        }
        NnStatus st = f.fm.generic ? keras_generic_fit(I, &f, &d) : fast_fit(I, &f, &d);
        dashboard_finish(f.dash);
        f.dash = NULL;
        if (f.failed) {
            keras_pb_abandon(&f.pb);
            ok = false;
            if (st)
                nn_clear_error(interp_nn(I));
        } else if (st && !soft_stop(&f, st)) {
            keras_pb_abandon(&f.pb);
            ok = interp_error_from_nn(I);
        }
    }
    fit_data_free(&d);
    value_decref(f.cbs);
    if (!ok) {
        value_decref(f.hist);
        return false;
    }
    if (f.fm.k) {
        value_decref(f.fm.k->history);
        f.fm.k->history = f.hist;
        value_incref(f.hist);
    } else if (!value_setattr(I, self, "history", f.hist)) {
        value_decref(f.hist);
        return false;
    }
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
    keras_pb_update(&e->pb, step, running, step >= e->steps);
    return false;
}

/* Loss and metrics of lib's evaluate, or of the generic loop. */
static bool evaluate_run(Interp *I, KFitModel *fm, NnTensor *x, NnTensor *y, int64_t batch,
                         int verbose, double *res, const char **names, int *n)
{
    KModel *k = fm->k;
    if (fm->generic)
        return keras_generic_evaluate(I, fm, x, y, batch, verbose, res, names, n);
    EvalProgress e;
    int64_t nrows = x->ndim ? x->shape[0] : 0;
    e.steps = (nrows + batch - 1) / batch;
    keras_pb_start(&e.pb, I, verbose, e.steps);
    NnFitCallbacks cb = { .ud = &e, .on_batch_end = e_batch_end };
    keras_weights_use(I, k);
    k->busy++;
    NnStatus st = nn_evaluate(interp_nn(I), k->m, x, y, batch, &cb, res);
    k->busy--;
    if (st) {
        keras_pb_abandon(&e.pb);
        return interp_error_from_nn(I);
    }
    *n = nn_model_nlogs(k->m);
    for (int i = 0; i < *n; i++)
        names[i] = nn_model_log_name(k->m, i);
    return true;
}

static bool evaluate_core(Interp *I, Value self, const Args *a, const char *fn, int force_verbose,
                          double *res, const char **names, int *n, bool *return_dict)
{
    Value v[8];
    KFitModel fm;
    if (!args_parse(I, fn, a, "x=, y=, batch_size=, verbose=, sample_weight=, steps=, callbacks=, "
                    "return_dict=", v) || !fit_model(I, self, &fm) || !need_data(I, fn, v[0]))
        return false;
    bool ds = data_is_dataset(v[0]);
    if (!ds && (v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE))
        return interp_error(I, ERR_VALUE, "%s: y is required", fn);
    int64_t batch, steps;
    int verbose;
    NnTensor *x = NULL, *y = NULL;
    *return_dict = false;
    bool ok = (ds ? keras_fit_dataset_xy(I, fn, v[0], &x, &y, &batch) : batch_arg(I, fn, v[2], &batch)) &&
              verbose_arg(I, fn, v[3], &verbose) && steps_arg(I, fn, v[5], &steps) &&
              (v[7].kind == VAL_UNSET || value_truth(I, v[7], return_dict)) &&
              (ds || (keras_to_tensor(I, v[0], &x) && keras_to_tensor(I, v[1], &y)));
    if (force_verbose >= 0)
        verbose = force_verbose;
    if (ok) {
        x = first_steps(I, x, steps, batch);
        y = first_steps(I, y, steps, batch);
        ok = (x && y) || interp_error_from_nn(I);
    }
    ok = ok && evaluate_run(I, &fm, x, y, batch, verbose, res, names, n);
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    return ok;
}

static bool results_value(Interp *I, const char *const *names, const double *res, int n,
                          bool as_dict, Value *out)
{
    if (as_dict) {
        if (!dict_new(I, out))
            return false;
        for (int i = 0; i < n; i++)
            if (!dict_set_str(I, *out, names[i], val_float(f32(res[i])))) {
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
    const char *names[NN_MAX_LOGS];
    int n = 0;
    bool as_dict;
    if (!evaluate_core(I, self, a, "evaluate", -1, res, names, &n, &as_dict))
        return false;
    return results_value(I, names, res, n, as_dict, out);
}

bool keras_score(Interp *I, Value self, const Args *a, Value *out)
{
    double res[NN_MAX_LOGS];
    const char *names[NN_MAX_LOGS];
    int n = 0;
    bool as_dict;
    if (!evaluate_core(I, self, a, "score", 0, res, names, &n, &as_dict))
        return false;
    for (int i = 1; i < n; i++)
        if (strstr(names[i], "acc")) {
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
    keras_pb_update(&e->pb, step, NULL, step >= e->steps);
    return false;
}

static bool predict_tensor(Interp *I, Value self, const Args *a, const char *fn, int force_verbose,
                           NnTensor **out)
{
    Value v[5];
    KModel *k = keras_model_data(self);
    int64_t batch, steps;
    int verbose;
    NnTensor *x = NULL, *y = NULL;
    if (!args_parse(I, fn, a, "x, batch_size=, verbose=, steps=, *, callbacks=", v) ||
        !verbose_arg(I, fn, v[2], &verbose) || !steps_arg(I, fn, v[3], &steps))
        return false;
    if (data_is_dataset(v[0])) {
        if (!keras_dataset_xy(I, v[0], &x, &y, &batch))
            return false;
        nn_tensor_unref(y);
    } else if (!batch_arg(I, fn, v[1], &batch) || !keras_to_tensor(I, v[0], &x)) {
        return false;
    }
    if (!(x = first_steps(I, x, steps, batch)))
        return interp_error_from_nn(I);
    if (force_verbose >= 0)
        verbose = force_verbose;
    if (!k) {
        KFitModel fm = { .self = self, .generic = true };
        bool ok = keras_generic_predict(I, &fm, x, batch, verbose, out);
        nn_tensor_unref(x);
        return ok;
    }
    EvalProgress e;
    int64_t nrows = x->ndim ? x->shape[0] : 0;
    e.steps = (nrows + batch - 1) / batch;
    keras_pb_start(&e.pb, I, verbose, e.steps);
    NnFitCallbacks cb = { .ud = &e, .on_batch_end = p_batch_end };
    keras_weights_use(I, k);
    k->busy++;
    *out = nn_predict(interp_nn(I), k->m, x, batch, &cb);
    k->busy--;
    nn_tensor_unref(x);
    if (!*out) {
        keras_pb_abandon(&e.pb);
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
    if (k->gen.kind == VAL_OBJ)
        return interp_error(I, ERR_NOT_IMPLEMENTED, "train_on_batch: this model's loss or metrics "
                            "are computed in Python; use fit(x, y, batch_size=len(x), epochs=1, "
                            "shuffle=False) for one step");
    bool ok = keras_to_tensor(I, v[0], &x) && keras_to_tensor(I, v[1], &y);
    NnLogs logs;
    if (ok) {
        keras_sync_lr(k);
        keras_weights_use(I, k);
        int64_t it0 = nn_model_optim_iterations(k->m);
        if (nn_train_on_batch(interp_nn(I), k->m, x, y, &logs))
            ok = interp_error_from_nn(I);
        keras_weights_changed(I, k);
        keras_optimizer_add_iterations(k->optimizer, nn_model_optim_iterations(k->m) - it0);
    }
    nn_tensor_unref(x);
    nn_tensor_unref(y);
    if (!ok)
        return false;
    bool as_dict = false;
    if (v[5].kind != VAL_UNSET && !value_truth(I, v[5], &as_dict))
        return false;
    const char *names[NN_MAX_LOGS];
    for (int i = 0; i < logs.n; i++)
        names[i] = nn_model_log_name(k->m, i);
    return results_value(I, names, logs.values, logs.n, as_dict, out);
}
