/* mod_keras_callbacks.c - the callbacks of fit: the History object, the
 * built-in keras.callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau,
 * LearningRateScheduler, LambdaCallback, TerminateOnNaN, the Callback base
 * class that user callbacks subclass) and the dispatch of fit's events to a
 * list of callbacks, following tf.keras 2.12's rules and messages.
 * Owned by the model-runtime engineer; fit itself is in mod_keras_fit.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_keras.h"

/* Keras reports float32 metrics as Python floats. */
static double f32(double v) { return (double)(float)v; }

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
    .attrs = hist_attrs, .module = "keras.callbacks",
    .doc = "What fit returns: .history (a dict of per-epoch lists: loss, metrics, val_...), "
           ".epoch, .params.",
};

bool keras_history_new(Interp *I, Value *out)
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

bool keras_history_append(Interp *I, Value hv, int64_t epoch, Value logs)
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
    NnSnapshot *best_weights;   /* lib's fit: the model's blocks */
    NnTensor **best_vars;       /* the generic loop: copies of model.weights */
    int nbest_vars;
    bool have_best;
    NnCtx *ctx;
} KCallback;

static void best_free(KCallback *c)
{
    if (c->best_weights)
        nn_snapshot_free(c->ctx, c->best_weights);
    c->best_weights = NULL;
    for (int i = 0; i < c->nbest_vars; i++)
        nn_tensor_unref(c->best_vars[i]);
    free(c->best_vars);
    c->best_vars = NULL;
    c->nbest_vars = 0;
    c->have_best = false;
}

static void cb_finalize(void *d)
{
    KCallback *c = d;
    for (int i = 0; i < 6; i++)
        value_decref(c->fn[i]);
    best_free(c);
    free(c);
}

static bool cb_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<keras.callbacks.%s object at %p>", ((ObjNativeObj *)self.as.o)->cls->name,
              (void *)self.as.o);
    return true;
}

#define CBCLASS(N, D) { .name = N, .finalize = cb_finalize, .repr = cb_repr, .doc = D, \
    .module = "keras.callbacks" }
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

bool keras_callbacks_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "keras.callbacks", "Callbacks for fit.", &m))
        return false;
    for (int k = 0; k < CB_COUNT; k++) {
        Value t;
        if (!keras_class_type(I, &cb_classes[k], cb_ctor, &t)) {
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

NnOptimConfig *keras_model_optimizer(KModel *k) { return keras_optimizer_config(k->optimizer); }

/* ---------------------------------------------------------------- the model fit runs on */

/* The learning rate: lib's model during nn_fit, else the optimizer object's. */
static double fm_lr(KFitModel *fm)
{
    NnOptimConfig *o = keras_optimizer_config(fm->optimizer);
    if (fm->k && !fm->generic)
        return nn_model_get_lr(fm->k->m);
    return o ? o->learning_rate : 0;
}

static void fm_set_lr(KFitModel *fm, double lr)
{
    NnOptimConfig *o = keras_optimizer_config(fm->optimizer);
    if (fm->k)
        keras_set_lr(fm->k, lr);
    if (o)
        o->learning_rate = lr;
}

static void fm_sync_lr(KFitModel *fm)
{
    if (fm->k)
        keras_sync_lr(fm->k);
}

bool keras_fm_stopping(Interp *I, KFitModel *fm)
{
    Value v;
    bool stop = false;
    if (fm->k)
        return fm->k->stop_training;
    if (!value_getattr(I, fm->self, "stop_training", &v)) {
        interp_clear_error(I);
        return false;
    }
    if (!value_truth(I, v, &stop))
        interp_clear_error(I);
    value_decref(v);
    return stop;
}

static bool fm_stop(Interp *I, KFitModel *fm)
{
    if (fm->k) {
        fm->k->stop_training = true;
        return true;
    }
    return value_setattr(I, fm->self, "stop_training", val_bool(true));
}

/* Keeps the current weights as the best ones (restore_best_weights). */
static bool best_take(Interp *I, KFitModel *fm, KCallback *c)
{
    Value w;
    best_free(c);
    if (!fm->generic) {
        c->best_weights = nn_model_snapshot(c->ctx, fm->k->m);
        return (c->have_best = c->best_weights != NULL) || interp_error_from_nn(I);
    }
    if (!value_getattr(I, fm->self, "weights", &w))
        return false;
    ObjList *l = as_list(w);
    c->best_vars = calloc(l->len ? l->len : 1, sizeof *c->best_vars);
    bool ok = c->best_vars || interp_error(I, ERR_MEMORY, "out of memory");
    for (size_t i = 0; ok && i < l->len; i++) {
        NnTensor *t = tensor_value_get(l->items[i]);
        c->best_vars[c->nbest_vars] = t ? nn_tensor_copy(c->ctx, t) : NULL;
        ok = !t || c->best_vars[c->nbest_vars] || interp_error_from_nn(I);
        c->nbest_vars++;
    }
    value_decref(w);
    c->have_best = ok;
    return ok;
}

static bool best_restore(Interp *I, KFitModel *fm, KCallback *c)
{
    Value w;
    if (!fm->generic)
        return nn_model_restore(c->ctx, fm->k->m, c->best_weights) == NN_OK || interp_error_from_nn(I);
    if (!value_getattr(I, fm->self, "weights", &w))
        return false;
    ObjList *l = as_list(w);
    bool ok = true;
    for (size_t i = 0; ok && i < l->len && (int)i < c->nbest_vars; i++) {
        NnTensor *t = tensor_value_get(l->items[i]);
        if (t && c->best_vars[i] && nn_tensor_numel(t) == nn_tensor_numel(c->best_vars[i]))
            ok = nn_tensor_assign(c->ctx, t, c->best_vars[i]) == NN_OK || interp_error_from_nn(I);
    }
    value_decref(w);
    return ok;
}

static NnStatus fm_save(Interp *I, KFitModel *fm, const char *path, bool weights_only)
{
    NnCtx *ctx = interp_nn(I);
    if (!fm->k)
        return nn_error(ctx, NN_EARG, "ModelCheckpoint: saving a subclassed keras.Model is not "
                        "supported by nnsh; build the model with Sequential or the functional API");
    if (fm->generic)
        keras_weights_use(I, fm->k);
    return weights_only ? nn_model_save_weights(ctx, fm->k->m, path) : nn_model_save(ctx, fm->k->m, path);
}

void keras_sync_lr(KModel *k)
{
    NnOptimConfig *o = keras_model_optimizer(k);
    if (o)
        nn_model_set_lr(k->m, o->learning_rate);
}

void keras_set_lr(KModel *k, double lr)
{
    NnOptimConfig *o = keras_model_optimizer(k);
    if (o)
        o->learning_rate = lr;
    nn_model_set_lr(k->m, lr);
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

static bool early_epoch_end(Interp *I, KFitModel *fm, KCallback *c, int64_t epoch, Value logs)
{
    double cur;
    bool found;
    if (!logs_get(I, logs, c->monitor, &cur, &found))
        return false;
    if (!found) {
        interp_warn(I, "Early stopping conditioned on metric `%s` which is not available.",
                    c->monitor);
        return true;
    }
    if (epoch < c->start_from_epoch)
        return true;
    if (c->restore_best && !c->have_best && !best_take(I, fm, c))
        return false;
    c->wait++;
    if (improved(c, cur, c->best, c->min_delta)) {
        c->best = cur;
        c->best_epoch = epoch;
        if (c->restore_best && !best_take(I, fm, c))
            return false;
        if (!c->has_baseline || improved(c, cur, c->baseline, c->min_delta))
            c->wait = 0;
        return true;
    }
    if (c->wait >= c->patience && epoch > 0) {
        c->stopped_epoch = epoch;
        if (!fm_stop(I, fm))
            return false;
        if (c->restore_best && c->have_best) {
            if (c->verbose > 0)
                interp_printf(I, "Restoring model weights from the end of the best epoch: %lld.\n",
                              (long long)c->best_epoch + 1);
            return best_restore(I, fm, c);
        }
    }
    return true;
}

static bool checkpoint_epoch_end(Interp *I, KFitModel *fm, KCallback *c, int64_t epoch, Value logs)
{
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
        st = fm_save(I, fm, str_cstr(path), c->save_weights_only);
    value_decref(path);
    return st == NN_OK || interp_error_from_nn(I);
}

static bool plateau_epoch_end(Interp *I, KFitModel *fm, KCallback *c, int64_t epoch, Value logs)
{
    double cur, lr = fm_lr(fm);
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
            fm_set_lr(fm, nl);
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
    best_free(c);
}


bool keras_callbacks_dispatch(Interp *I, KFitModel *fm, Value cbs, KEvent ev, int64_t n, Value logs)
{
    ObjList *l = cbs.kind == VAL_OBJ ? as_list(cbs) : NULL;
    Value args[2] = { val_int(n), logs };
    for (size_t i = 0; l && i < l->len; i++) {
        Value cb = l->items[i];
        KCallback *c = cbdata(cb);
        bool ok = true;
        if (!c) {
            static const char *const names[] = { "on_train_begin", "on_train_end", "on_epoch_begin",
                                                 "on_epoch_end", "on_train_batch_end" };
            ok = ev <= KEV_TRAIN_END ? call_method(I, cb, names[ev], 1, &logs)
                                    : call_method(I, cb, names[ev], 2, args);
            if (ok && ev == KEV_BATCH_END)
                ok = call_method(I, cb, "on_batch_end", 2, args);
            fm_sync_lr(fm);
        } else if (c->kind == CB_LAMBDA) {
            static const int slot[] = { 4, 5, 0, 1, 3 };
            ok = ev <= KEV_TRAIN_END ? call_fn(I, c->fn[slot[ev]], 1, &logs)
                                    : call_fn(I, c->fn[slot[ev]], 2, args);
            fm_sync_lr(fm);
        } else if (ev == KEV_TRAIN_BEGIN) {
            cb_reset(c);
        } else if (ev == KEV_EPOCH_END && c->kind == CB_EARLY) {
            ok = early_epoch_end(I, fm, c, n, logs);
        } else if (ev == KEV_EPOCH_END && c->kind == CB_CHECKPOINT) {
            ok = checkpoint_epoch_end(I, fm, c, n, logs);
        } else if (ev == KEV_EPOCH_END && c->kind == CB_PLATEAU) {
            ok = plateau_epoch_end(I, fm, c, n, logs);
        } else if (ev == KEV_EPOCH_END && c->kind == CB_SCHEDULER) {
            ok = dict_set_str(I, logs, "lr", val_float(f32(fm_lr(fm))));
        } else if (ev == KEV_EPOCH_BEGIN && c->kind == CB_SCHEDULER) {
            Value a2[2] = { val_int(n), val_float(f32(fm_lr(fm))) }, r;
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
                fm_set_lr(fm, lr);
                if (c->verbose > 0)
                    interp_printf(I, "\nEpoch %lld: LearningRateScheduler setting learning rate to "
                                  "%g.\n", (long long)n + 1, lr);
            }
        } else if (ev == KEV_TRAIN_END && c->kind == CB_EARLY && c->stopped_epoch > 0 && c->verbose > 0) {
            interp_printf(I, "Epoch %lld: early stopping\n", (long long)c->stopped_epoch + 1);
        }
        if (!ok)
            return false;
    }
    return true;
}

Value keras_history_params(Value h)
{
    return ((KHistory *)native_obj_data(h, &keras_history_class))->params;
}
