/* mod_keras.h - shared by the files of the Keras bindings (mod_keras.c:
 * modules, losses/optimizers/metrics/initializer objects, utils;
 * mod_keras_layers.c: layer classes; mod_keras_model.c: Sequential, summary,
 * compile, save/load; mod_keras_fit.c: fit/evaluate/predict, progress bars;
 * mod_keras_callbacks.c: History and the callbacks).  Owned by the model-runtime engineer.
 *
 * The runtime is lib's nn_model.h: a layer value holds an NnLayerConfig
 * (and, once added, its model and index); a Sequential value owns an
 * NnModel and the list of its layer values.
 */
#ifndef NNSH_MOD_KERAS_H
#define NNSH_MOD_KERAS_H

#include "tensor_value.h"

typedef struct KModel KModel;

typedef struct {
    NnLayerConfig cfg;
    KModel *model;          /* borrowed: the model holding the layer, or NULL */
    int index;              /* its index in model->m */
    bool has_input_shape;   /* input_shape= given (or an InputLayer) */
    int in_ndim;            /* that feature shape (batch excluded) */
    int64_t in_shape[NN_MAXDIM];
    Value own;              /* a private one-layer model for layer(x) (owned), or unset */
} KLayer;

struct KModel {
    NnModel *m;
    char name[64];
    Value layers;           /* list of layer values (owned) */
    Value optimizer;        /* the optimizer object (owned), unset before compile */
    Value loss;             /* the loss as given to compile (owned) */
    Value metrics;          /* list of metric names as given (owned) */
    bool stop_training;
    Value history;          /* the History of the last fit (owned), or unset */
    Value vars;             /* tf.Variables of the weights (owned; mod_keras_call.c), or unset */
    int busy;               /* inside fit/evaluate/predict: the model's weights are newer */
    bool functional;        /* made by keras.Model(inputs, outputs) */
    Value gen;              /* compile settings of the generic loop (mod_keras_generic.c)
                               when the loss or a metric is one lib cannot train with; unset
                               when fit runs lib's nn_fit */
};

/* The model a fit or evaluate runs on, as the callbacks see it: a
 * Sequential/Functional model (k) trained by lib's nn_fit or by the generic
 * loop, or a subclassed keras.Model (k NULL, always the generic loop). */
typedef struct {
    Value self;             /* the model value (borrowed) */
    KModel *k;              /* its runtime, or NULL for a subclassed model */
    Value optimizer;        /* the compiled optimizer object (borrowed), or unset */
    Value gen;              /* the generic loop's compile settings (borrowed), or unset */
    bool generic;           /* the generic loop: the tf.Variables hold the newest weights */
} KFitModel;

/* ---- classes ---- */
extern const NativeClass keras_model_class;
extern const NativeClass keras_history_class;
const NativeClass *keras_layer_class(NnLayerKind k);
KLayer *keras_layer_data(Value v);          /* NULL when v is not a layer */
KModel *keras_model_data(Value v);

/* ---- mod_keras.c ---- */
/* The next automatic name for `base` in this session ("dense", "dense_1"). */
bool keras_unique_name(Interp *I, const char *base, char *buf, size_t size);
/* Resets the name counters (tf.keras.backend.clear_session). */
bool keras_clear_session(Interp *I);
/* An optimizer argument: 'adam', an optimizer object; fills *cfg and gives
 * the object to keep (a new one for strings). */
bool keras_optimizer_arg(Interp *I, Value v, NnOptimConfig *cfg, Value *obj);
/* The optimizer object's config (NULL when v is not one). */
NnOptimConfig *keras_optimizer_config(Value v);
void keras_optimizer_add_iterations(Value v, int64_t n);  /* optimizer.iterations += n */
/* optimizer.apply_gradients(zip(grads, vars)) from C: grads borrowed (NULL:
 * no gradient for that variable), one step counted. */
bool keras_optimizer_apply(Interp *I, Value opt, NnTensor *const *grads, const Value *vars, int n);
/* A metric object's config and running sums (NULL when v is not one; kind
 * NN_METRIC_COUNT is metrics.Mean). */
NnMetricConfig *keras_metric_state(Value v, double **sum, double **count);
bool keras_loss_arg(Interp *I, Value v, NnLossConfig *cfg);
bool keras_metric_arg(Interp *I, Value v, NnMetricConfig *cfg);
bool keras_init_arg(Interp *I, const char *fname, const char *pname, Value v, NnInit *out);
bool keras_reg_arg(Interp *I, const char *fname, const char *pname, Value v, NnRegularizer *out);
bool keras_activation_arg(Interp *I, const char *fname, Value v, NnActivation *out);

/* ---- mod_keras_utils.c ---- */
extern const NativeDef keras_activation_defs[];   /* keras.activations */
extern const NativeDef keras_utils_defs[];        /* keras.utils */
extern const NativeDef keras_backend_defs[];      /* keras.backend */

/* ---- mod_keras_layers.c ---- */
extern const NativeDef keras_layer_ctors[];     /* the keras.layers constructors */
/* The layer's kind and config as Keras prints it in summary: "dense (Dense)". */
bool keras_layer_new(Interp *I, const NnLayerConfig *c, bool has_input, Value *out);
bool keras_input(Interp *I, Value self, const Args *a, Value *out);

/* ---- mod_keras_model.c ---- */
bool keras_sequential(Interp *I, Value self, const Args *a, Value *out);
bool keras_model_wrap(Interp *I, NnModel *m, Value *out);   /* takes m */
bool keras_load_model(Interp *I, Value self, const Args *a, Value *out);
/* summary()'s table as tf.keras 2.12 prints it: rows are n (name, output
 * shape, params) triples; line_length and print_fn as summary's arguments
 * (unset: 65, stdout). */
bool keras_summary_table(Interp *I, const char *model_name, int n, const char *const *rows,
                         int64_t total, int64_t trainable, Value line_length, Value print_fn);
/* Adds layer i's weight counts to *total and (trainable ones) *trainable. */
void keras_layer_params(const NnModel *m, int i, int64_t *total, int64_t *trainable);
/* The feature shape of x for building: from a tensor value or nested list. */
bool keras_to_tensor(Interp *I, Value v, NnTensor **out);

/* ---- mod_keras_callbacks.c ---- */
typedef enum { KEV_TRAIN_BEGIN, KEV_TRAIN_END, KEV_EPOCH_BEGIN, KEV_EPOCH_END, KEV_BATCH_END } KEvent;
/* Sends one event of fit to every callback of the list cbs (unset: none);
 * false with a Python error pending.  logs is a dict the callbacks may add to. */
bool keras_callbacks_dispatch(Interp *I, KFitModel *fm, Value cbs, KEvent ev, int64_t n, Value logs);
/* model.stop_training of the model fit runs on (a callback may set it). */
bool keras_fm_stopping(Interp *I, KFitModel *fm);
bool keras_callbacks_create(Interp *I, Value *out);       /* the keras.callbacks module */
NnOptimConfig *keras_model_optimizer(KModel *k);          /* NULL before compile */
void keras_sync_lr(KModel *k);                            /* optimizer object's lr -> model */
void keras_set_lr(KModel *k, double lr);                  /* both */
bool keras_history_new(Interp *I, Value *out);
bool keras_history_append(Interp *I, Value h, int64_t epoch, Value logs);
Value keras_history_params(Value h);                      /* borrowed dict */

/* ---- mod_keras_fit.c ---- */
bool keras_fit(Interp *I, Value self, const Args *a, Value *out);
bool keras_evaluate(Interp *I, Value self, const Args *a, Value *out);
bool keras_predict(Interp *I, Value self, const Args *a, Value *out);
bool keras_predict_classes(Interp *I, Value self, const Args *a, Value *out);
bool keras_score(Interp *I, Value self, const Args *a, Value *out);
bool keras_train_on_batch(Interp *I, Value self, const Args *a, Value *out);

/* ---- mod_keras_call.c ---- */
extern const NativeClass keras_tensor_class;      /* KerasTensor (functional API) */
extern const NativeClass keras_functional_class;  /* models made by keras.Model() */
/* Variables: the lists of model.weights (which 0), trainable (1) and
 * non-trainable (2) weights of layer `layer` (-1: all) as tf.Variables. */
bool keras_var_list(Interp *I, KModel *k, int layer, int which, Value *out);
bool keras_var_get(Interp *I, KModel *k, int layer, const char *wname, Value *out, bool *found);
void keras_weights_use(Interp *I, KModel *k);     /* variables -> model, before lib reads */
bool keras_weights_changed(Interp *I, KModel *k); /* model -> variables, after lib writes */
void keras_vars_drop(Interp *I, KModel *k);       /* before the layers change */
/* model(x): the outputs as a tf.Tensor, recorded on an active GradientTape. */
bool keras_model_call(Interp *I, Value owner, KModel *k, NnTensor *x, bool training, Value *out);
bool keras_layer_call(Interp *I, Value self, const Args *a, Value *out);
bool keras_layer_adopt_weights(Interp *I, KLayer *L, KModel *k, int index);
bool keras_loss_call(Interp *I, const NnLossConfig *c, NnTensor *yt, NnTensor *yp, Value *out);
bool keras_input_tensor(Interp *I, Value input_layer, Value *out);
Value keras_tensor_input_layer(Value v);          /* the InputLayer of keras.Input(), or unset */
bool keras_functional(Interp *I, Value self, const Args *a, Value *out);
extern const NativeDef keras_metric_methods[];    /* update_state, result, reset_state */
bool keras_metric_call(Interp *I, Value self, const Args *a, Value *out);
/* ---- mod_keras_subclass.c ---- */
/* keras.Model: a class user code can subclass; calling it is keras_functional. */
bool keras_model_base_class(Interp *I, Value *out);

bool keras_dataset_xy(Interp *I, Value ds, NnTensor **x, NnTensor **y, int64_t *batch);

/* ---- mod_keras_generic.c ---- */
/* compile's settings for the generic loop (a native object, Keras's
 * model.compiled_loss): the optimizer object, the loss (a lib loss, a
 * keras.losses function or any callable of (y_true, y_pred)) and the metrics
 * (lib's, or callables averaged per value as Keras's MeanMetricWrapper).
 * *all_lib tells that lib's nn_fit can train with them all (NULL: not asked). */
bool keras_generic_compile(Interp *I, Value optimizer, Value loss, Value metrics, bool *all_lib,
                           Value *out);
/* The log names of a generic compile (gen): "loss", then the metrics; 0
 * when gen is not one. */
int keras_generic_log_names(Value gen, const char **names);
/* model.summary() of a subclassed model ("multiple" output shapes). */
bool keras_subclass_summary(Interp *I, Value self, const Args *a, Value *out);

/* ---- mod_keras_lossclass.c ---- */
/* Adds keras.losses.Loss (user losses subclass it) and LogCosh,
 * KLDivergence, Poisson, ... (the classes lib's fit lacks) to module. */
bool keras_loss_classes_add(Interp *I, Value module);

/* ---- mod_keras_lossfn.c ---- */
extern const NativeDef keras_loss_fn_defs[];     /* keras.losses functions (per-sample values) */
extern const NativeDef keras_metric_fn_defs[];   /* keras.metrics functions */

/* ---- mod_keras_utils.c: class identity ---- */
/* native_class_type, plus the type's __module__ (cls->module, the module
 * tf.keras 2.12 defines it in: keras.layers.core.dense) in its dict.  *out
 * is a new reference. */
bool keras_class_type(Interp *I, const NativeClass *cls, NativeFn ctor, Value *out);
/* __module__ = module in a class made by class_new (keras.Model), or in
 * the dict given to class_new. */
bool keras_class_set_module(Interp *I, Value cls, const char *module);
/* Types (and __module__) of History, Functional and KerasTensor. */
bool keras_class_types_register(Interp *I);

#endif
