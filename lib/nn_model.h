/* nn_model.h - Sequential models: layers, losses, metrics, optimizers, the
 * training loop (fit / evaluate / predict) and model files.
 *
 * Depends on nn_tensor.h and nn_ops.h (GEMM).  Semantics follow tf.keras 2.x
 * (TF 2.11+ optimizers): defaults, update formulas, loss reductions
 * (sum over batch size), the running epoch means Keras reports.
 *
 * Layout (llm.c style): the trainable parameters of a built model live in one
 * contiguous float32 block, their gradients in a second, every optimizer
 * moment in another block of the same size, and the non-trainable weights
 * (BatchNormalization moving statistics) in one more; a layer's weights are
 * views into these blocks.  Activations and backward temporaries live in a
 * workspace sized at the first batch; nothing is allocated per batch.
 *
 * Ownership: NnModel owns its layers, blocks and workspace.  NnHistory is
 * owned by whoever created it.  Tensors passed in are borrowed; functions
 * returning NnTensor* return a new reference (NULL + ctx message on error).
 *
 * Early stopping, checkpoints, LR schedules and progress printing are the
 * caller's (src/): NnFitCallbacks receives the running logs and may ask to
 * stop; nn_model_get_lr/set_lr and nn_model_snapshot/restore make
 * ReduceLROnPlateau and restore_best_weights cheap.
 *
 * Worked example (784-128-10, Keras defaults):
 *
 *     NnModel *m = nn_model_new(ctx);
 *     NnLayerConfig c;
 *     nn_layer_config_init(&c, NN_LAYER_DENSE);
 *     c.units = 128; c.activation = NN_ACT_RELU;  nn_model_add(ctx, m, &c);
 *     c.units = 10;  c.activation = NN_ACT_SOFTMAX; nn_model_add(ctx, m, &c);
 *     NnOptimConfig o; nn_optim_config_init(&o, NN_OPT_ADAM);
 *     NnLossConfig l;  nn_loss_config_init(&l, NN_LOSS_SPARSE_CCE);
 *     NnMetricConfig acc = { .kind = NN_METRIC_ACCURACY };
 *     nn_model_compile(ctx, m, &o, &l, &acc, 1);
 *     NnFitOptions f; nn_fit_options_init(&f); f.epochs = 5;
 *     NnHistory *h = nn_history_new(ctx);
 *     NnStatus st = nn_fit(ctx, m, x, y, &f, h);   // x (N, 784), y (N,)
 */
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include "nn_tensor.h"

/* ---------------------------------------------------------------- layers */

typedef enum {
    NN_LAYER_INPUT, NN_LAYER_DENSE, NN_LAYER_ACTIVATION, NN_LAYER_SOFTMAX,
    NN_LAYER_RELU, NN_LAYER_DROPOUT, NN_LAYER_BATCHNORM, NN_LAYER_FLATTEN,
    NN_LAYER_RESHAPE, NN_LAYER_CONV2D, NN_LAYER_MAXPOOL2D,
    NN_LAYER_AVGPOOL2D, NN_LAYER_GLOBAL_AVGPOOL2D, NN_LAYER_GLOBAL_MAXPOOL2D,
    NN_LAYER_LEAKY_RELU,        /* x > 0 ? x : act_alpha * x (alpha 0.3) */
    NN_LAYER_ELU,               /* x > 0 ? x : act_alpha * (exp(x) - 1) (alpha 1.0) */
    NN_LAYER_KIND_COUNT
} NnLayerKind;

/* "Dense", "BatchNormalization", ... (Keras class names) and the snake
 * prefix Keras uses for automatic layer names ("dense", "batch_normalization"). */
const char *nn_layer_class_name(NnLayerKind k);
const char *nn_layer_base_name(NnLayerKind k);
bool nn_layer_kind_from_class(const char *cls, NnLayerKind *out);

typedef enum {
    NN_ACT_LINEAR, NN_ACT_RELU, NN_ACT_SIGMOID, NN_ACT_TANH, NN_ACT_SOFTMAX,
    NN_ACT_ELU, NN_ACT_SELU, NN_ACT_SOFTPLUS, NN_ACT_SOFTSIGN, NN_ACT_SWISH,
    NN_ACT_GELU, NN_ACT_LEAKY_RELU, NN_ACT_EXPONENTIAL, NN_ACT_HARD_SIGMOID,
    NN_ACT_RELU6,
    NN_ACT_COUNT
} NnActivation;

/* Keras names: "linear" (also None), "relu", ..., "swish" (also "silu"),
 * "leaky_relu" (alpha 0.2), "hard_sigmoid" (Keras 2: clip(0.2x + 0.5)). */
bool nn_activation_from_name(const char *name, NnActivation *out);
const char *nn_activation_name(NnActivation a);

typedef enum {
    NN_INIT_GLOROT_UNIFORM, NN_INIT_GLOROT_NORMAL, NN_INIT_HE_UNIFORM,
    NN_INIT_HE_NORMAL, NN_INIT_LECUN_UNIFORM, NN_INIT_LECUN_NORMAL,
    NN_INIT_ZEROS, NN_INIT_ONES, NN_INIT_CONSTANT,
    NN_INIT_RANDOM_NORMAL,      /* a = mean (0), b = stddev (0.05) */
    NN_INIT_RANDOM_UNIFORM,     /* a = minval (-0.05), b = maxval (0.05) */
    NN_INIT_TRUNCATED_NORMAL,   /* a = mean (0), b = stddev (0.05), cut at 2 stddev */
    NN_INIT_COUNT
} NnInitKind;

typedef struct { NnInitKind kind; double a, b; } NnInit;   /* CONSTANT: a = value */

/* "glorot_uniform", "GlorotUniform", "zeros", "Zeros", "random_normal", ...
 * fills the Keras defaults of a and b. */
bool nn_init_from_name(const char *name, NnInit *out);
const char *nn_init_name(NnInitKind k);     /* snake name */
const char *nn_init_class_name(NnInitKind k); /* "GlorotUniform" */

/* l1 * sum|w| + l2 * sum w^2, added to the loss and the gradient. */
typedef struct { double l1, l2; } NnRegularizer;

typedef struct NnLayerConfig {
    NnLayerKind kind;
    char name[64];              /* "" = automatic per model ("dense", "dense_1") */
    bool trainable;             /* default true */
    /* Dense (units) / Conv2D (filters) */
    int64_t units;
    NnActivation activation;    /* Dense, Conv2D, Activation */
    double act_alpha;           /* leaky_relu slope (0.2); alpha of the LeakyReLU
                                 * (0.3) and ELU (1.0) layers */
    bool use_bias;
    NnInit kernel_init, bias_init;
    NnRegularizer kernel_reg, bias_reg;
    /* Conv2D / MaxPooling2D / AveragePooling2D */
    int kernel[2], strides[2];  /* pooling: kernel = pool_size, strides 0 = pool_size */
    bool same_padding;
    /* Dropout */
    double rate;
    /* BatchNormalization */
    double momentum, epsilon;
    bool center, scale;
    /* Softmax axis (-1) */
    int axis;
    /* ReLU layer: min(max_value, x >= threshold ? x : negative_slope*(x-threshold)) */
    double max_value;           /* <= 0 or NaN: none */
    double negative_slope, threshold;
    /* Input (shape) / Reshape (target_shape, one -1 allowed); batch excluded.
     * On any other first layer, ndim > 0 means input_shape= was given. */
    int ndim;
    int64_t shape[NN_MAXDIM];
    /* GlobalAveragePooling2D / GlobalMaxPooling2D: output (1, 1, C) instead of (C) */
    bool keepdims;
} NnLayerConfig;

/* Keras defaults for the kind (units 0, glorot_uniform, zeros, rate 0,
 * momentum 0.99, epsilon 1e-3, pool 2x2, strides 1 (conv) / pool size,
 * keepdims false). */
void nn_layer_config_init(NnLayerConfig *c, NnLayerKind kind);

/* ---------------------------------------------------------------- compile */

typedef enum {
    NN_LOSS_MSE, NN_LOSS_MAE, NN_LOSS_CCE, NN_LOSS_SPARSE_CCE, NN_LOSS_BCE,
    NN_LOSS_HINGE, NN_LOSS_SQUARED_HINGE, NN_LOSS_HUBER,
    NN_LOSS_COUNT
} NnLossKind;

typedef struct {
    NnLossKind kind;
    bool from_logits;
    double delta;               /* huber (1.0) */
    double label_smoothing;     /* CCE / BCE (0) */
} NnLossConfig;

void nn_loss_config_init(NnLossConfig *c, NnLossKind kind);
/* "mse", "mean_squared_error", "MeanSquaredError", "categorical_crossentropy",
 * "sparse_categorical_crossentropy", "binary_crossentropy", "hinge", ... */
bool nn_loss_from_name(const char *name, NnLossKind *out);
/* The reduced loss of y_pred (rows, ..., cols) against y_true (same shape,
 * or integer labels for sparse losses) as a Keras loss object computes it
 * eagerly: probabilities clipped unless from_logits. */
NnStatus nn_loss_eval(NnCtx *ctx, const NnLossConfig *c, const NnTensor *y_true,
                      const NnTensor *y_pred, double *out);
const char *nn_loss_name(NnLossKind k);     /* Keras function name */

typedef enum {
    NN_METRIC_ACCURACY,         /* resolved at fit from output and label shapes, as Keras */
    NN_METRIC_BINARY_ACCURACY, NN_METRIC_CATEGORICAL_ACCURACY,
    NN_METRIC_SPARSE_CATEGORICAL_ACCURACY,
    NN_METRIC_MSE, NN_METRIC_MAE,
    NN_METRIC_TOP_K, NN_METRIC_SPARSE_TOP_K,
    NN_METRIC_COUNT
} NnMetricKind;

typedef struct {
    NnMetricKind kind;
    int k;                      /* top-k (5) */
    double threshold;           /* binary accuracy (0.5) */
    char name[48];              /* log name; "" = Keras default ("accuracy", "mse", ...) */
} NnMetricConfig;

void nn_metric_config_init(NnMetricConfig *c, NnMetricKind kind);
/* "accuracy"/"acc", "binary_accuracy", "mse", "mean_squared_error", "mae",
 * "top_k_categorical_accuracy", ...; fills the default log name as Keras
 * does (the string the user wrote for "acc"/"mse"; class names snake). */
bool nn_metric_from_name(const char *name, NnMetricConfig *out);

typedef enum {
    NN_OPT_SGD, NN_OPT_ADAM, NN_OPT_ADAMW, NN_OPT_RMSPROP, NN_OPT_ADAGRAD,
    NN_OPT_COUNT
} NnOptimKind;

typedef struct {
    NnOptimKind kind;
    double learning_rate;
    double momentum;            /* SGD (0), RMSprop (0) */
    bool nesterov;
    double beta_1, beta_2, epsilon;
    bool amsgrad;
    double weight_decay;        /* AdamW 0.004; 0 for the others */
    double rho;                 /* RMSprop 0.9 */
    bool centered;
    double initial_accumulator; /* Adagrad 0.1 */
    double clipnorm, clipvalue; /* per variable; 0 = off */
} NnOptimConfig;

void nn_optim_config_init(NnOptimConfig *c, NnOptimKind kind);  /* Keras defaults */
bool nn_optim_from_name(const char *name, NnOptimKind *out);    /* "adam", "Adam", "sgd", ... */
const char *nn_optim_class_name(NnOptimKind k);                 /* "Adam" */
/* Optimizers outside a model (apply_gradients of custom training loops):
 * the number of moment arrays the rule keeps, and one update of w (n
 * floats) by g (clipped in place) at step t (1-based).  slots[0..nslots)
 * hold n floats each, zero at the start (Adagrad's first slot starts at
 * initial_accumulator); unused entries may be NULL. */
int nn_optim_nslots(const NnOptimConfig *o);
void nn_optim_update(const NnOptimConfig *o, int64_t t, float *w, float *g, float *const *slots,
                     int64_t n);

/* ---------------------------------------------------------------- model */

typedef struct NnModel NnModel;

NnModel *nn_model_new(NnCtx *ctx);
void nn_model_free(NnModel *m);

/* Appends a layer (copied).  An empty name gets the next free automatic
 * name in this model.  Adding to a built model builds the new layer at once
 * (its weights initialised).  NN_EARG for a bad config, naming the field. */
NnStatus nn_model_add(NnCtx *ctx, NnModel *m, const NnLayerConfig *c);
/* Removes the last layer (NN_EARG "There are no layers in the model." when empty). */
NnStatus nn_model_pop(NnCtx *ctx, NnModel *m);
int nn_model_nlayers(const NnModel *m);
const NnLayerConfig *nn_model_layer_config(const NnModel *m, int i);
/* Shape inference and weight initialisation for inputs of feature shape
 * `shape` (batch excluded).  Already built: checks the shape. */
NnStatus nn_model_build(NnCtx *ctx, NnModel *m, int ndim, const int64_t *shape);
bool nn_model_is_built(const NnModel *m);
/* The feature shape the model expects (from Input, input_shape= or build);
 * false when not known yet. */
bool nn_model_input_shape(const NnModel *m, int *ndim, int64_t *shape);
/* Output feature shape of layer i (built model); batch excluded. */
void nn_model_layer_output_shape(const NnModel *m, int i, int *ndim, int64_t *shape);
int64_t nn_model_layer_count_params(const NnModel *m, int i);   /* trainable + not */
int64_t nn_model_count_params(const NnModel *m);
/* "(None, 28, 28)": a feature shape with Keras's batch axis, for messages and summary(). */
char *nn_shape_none_str(int ndim, const int64_t *shape, char *buf, size_t size);
int64_t nn_model_trainable_params(const NnModel *m);

/* Weights of layer i in Keras order (kernel, bias; BN: gamma, beta,
 * moving_mean, moving_variance).  Kernel shapes as Keras: Dense (in, units),
 * Conv2D (kh, kw, in, filters). */
int nn_model_layer_nweights(const NnModel *m, int i);
/* name "kernel" / "bias" / "gamma" ...; *trainable; shape of weight j. */
const char *nn_model_weight_info(const NnModel *m, int i, int j, bool *trainable,
                                 int *ndim, int64_t *shape);
float *nn_model_weight_data(const NnModel *m, int i, int j);    /* lent view into the block */
NnTensor *nn_model_get_weight(NnCtx *ctx, const NnModel *m, int i, int j);  /* float32 copy */
/* Copies t (any float/int dtype, cast) into weight j; NN_EDIM naming both
 * shapes when t's shape differs. */
NnStatus nn_model_set_weight(NnCtx *ctx, NnModel *m, int i, int j, const NnTensor *t);

/* Whole-model copies of the parameter blocks (restore_best_weights). */
typedef struct NnSnapshot NnSnapshot;
NnSnapshot *nn_model_snapshot(NnCtx *ctx, const NnModel *m);
NnStatus nn_model_restore(NnCtx *ctx, NnModel *m, const NnSnapshot *s);
void nn_snapshot_free(NnCtx *ctx, NnSnapshot *s);

/* Optimizer, loss and metrics; resets the optimizer state.  metrics may be
 * NULL when n == 0.  When the loss is a classification loss and no metric
 * is given, the caller (src) adds accuracy as the issue asks. */
NnStatus nn_model_compile(NnCtx *ctx, NnModel *m, const NnOptimConfig *o,
                          const NnLossConfig *l, const NnMetricConfig *metrics, int nmetrics);
bool nn_model_is_compiled(const NnModel *m);
const NnOptimConfig *nn_model_optim_config(const NnModel *m);
const NnLossConfig *nn_model_loss_config(const NnModel *m);
int nn_model_nmetrics(const NnModel *m);
const NnMetricConfig *nn_model_metric_config(const NnModel *m, int i);
double nn_model_get_lr(const NnModel *m);
void nn_model_set_lr(NnModel *m, double lr);
int64_t nn_model_optim_iterations(const NnModel *m);   /* optimizer steps taken */

/* Log names of evaluate's results: "loss", then each metric name. */
int nn_model_nlogs(const NnModel *m);
const char *nn_model_log_name(const NnModel *m, int i);

/* ---------------------------------------------------------------- training */

/* Running logs: names "loss", metrics, then (epoch end) "val_loss", "val_...". */
#define NN_MAX_LOGS 16
typedef struct {
    int n;
    const char *names[NN_MAX_LOGS];
    double values[NN_MAX_LOGS];
} NnLogs;

/* Progress hooks; any may be NULL.  A hook returning true asks fit to stop
 * (after the current batch for on_batch_end; after the epoch for on_epoch_end).
 * steps = batches per epoch; step is 1-based. */
typedef struct {
    void *ud;
    void (*on_train_begin)(void *ud, int64_t epochs, int64_t steps, int64_t samples);
    void (*on_train_end)(void *ud, const NnLogs *last_epoch);
    bool (*on_epoch_begin)(void *ud, int64_t epoch);            /* 0-based, as Keras */
    bool (*on_batch_end)(void *ud, int64_t step, const NnLogs *running);
    bool (*on_epoch_end)(void *ud, int64_t epoch, const NnLogs *logs);
} NnFitCallbacks;

typedef struct {
    int64_t epochs;             /* 1 */
    int64_t batch_size;         /* 32 */
    int64_t initial_epoch;      /* 0 */
    bool shuffle;               /* true */
    double validation_split;    /* 0; the LAST fraction, taken before shuffling */
    const NnTensor *val_x, *val_y;   /* validation_data (wins over the split) */
    int64_t validation_batch_size;   /* 0 = batch_size */
    const double *class_weight; /* weight per class index, or NULL */
    int64_t nclass_weight;
    const NnTensor *sample_weight;   /* (N,) or NULL */
    const NnFitCallbacks *cb;   /* NULL = silent */
} NnFitOptions;

void nn_fit_options_init(NnFitOptions *o);

/* History: per-epoch values of every log key. */
typedef struct NnHistory NnHistory;
NnHistory *nn_history_new(NnCtx *ctx);
void nn_history_free(NnHistory *h);
int nn_history_nkeys(const NnHistory *h);
const char *nn_history_key(const NnHistory *h, int k);
int64_t nn_history_nepochs(const NnHistory *h);
const double *nn_history_values(const NnHistory *h, int k);   /* nepochs values */
const int64_t *nn_history_epochs(const NnHistory *h);         /* epoch indices */

/* Trains; appends one entry per completed epoch to hist (may be NULL).
 * x: (N, features...) any float or int dtype; y: (N, outputs...) or integer
 * labels (N,) / (N, 1) for sparse losses.  Builds the model at the first
 * call.  Statuses: NN_EARG (not compiled: "You must compile your model
 * before training/testing. Use `model.compile(optimizer, loss)`."),
 * NN_EDIM (x/y lengths or shapes, naming both), NN_EINTR ("epoch 3, batch
 * 17: interrupted", weights of the last step kept), NN_ENAN ("epoch 3,
 * batch 17: loss is nan", the update of that batch not applied). */
NnStatus nn_fit(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                const NnFitOptions *o, NnHistory *hist);

/* Loss and metrics over the whole set (inference mode), in nn_model_log_name
 * order, into out[nn_model_nlogs(m)].  cb->on_batch_end reports progress
 * (may be NULL).  batch_size 0 = 32. */
NnStatus nn_evaluate(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                     int64_t batch_size, const NnFitCallbacks *cb, double *out);

/* Forward pass in inference mode; float32 (N, outputs...). */
NnTensor *nn_predict(NnCtx *ctx, NnModel *m, const NnTensor *x, int64_t batch_size,
                     const NnFitCallbacks *cb);

/* One optimizer step on one batch (train_on_batch); logs get the batch's
 * loss and metrics when not NULL. */
NnStatus nn_train_on_batch(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                           NnLogs *logs);

/* ---------------------------------------------------------------- files */

/* A zip: config.json + one .npy per weight ("dense/kernel.npy", ...),
 * written to a temporary file in the same directory, fsynced and renamed. */
NnStatus nn_model_save(NnCtx *ctx, const NnModel *m, const char *path);
/* NULL with NN_EIO / NN_EFORMAT "PATH: cause" on a missing, truncated,
 * corrupted or inconsistent file. */
NnModel *nn_model_load(NnCtx *ctx, const char *path);
/* Weights only (the same zip without compile settings); load checks that
 * every layer's weights match this model. */
NnStatus nn_model_save_weights(NnCtx *ctx, const NnModel *m, const char *path);
NnStatus nn_model_load_weights(NnCtx *ctx, NnModel *m, const char *path);

/* ---------------------------------------------------------------- calls (nn_model_call.c) */

/* A model called on a tensor outside fit: model(x) and layer(x) in custom
 * training loops.  nn_model_call runs the forward pass of x (N, features...)
 * in training or inference mode (builds an unbuilt model for x's feature
 * shape) and returns the outputs (float32, new reference).  With trace not
 * NULL, *trace receives the saved activations (a workspace of its own), so
 * nn_model_call_backward can run the backward pass later, in any order with
 * other calls.  Training mode updates BatchNormalization's moving
 * statistics and draws Dropout masks, as Keras does. */
typedef struct NnTrace NnTrace;
NnTensor *nn_model_call(NnCtx *ctx, NnModel *m, const NnTensor *x, bool training, NnTrace **trace);
/* Backward pass of a traced call: gout has the output's shape.  Leaves the
 * gradient of every trainable weight of trainable layers where
 * nn_model_grad_data finds it (until the next backward or fit step) and,
 * when dx is not NULL, returns d/d x (float32, x's shape).  NN_EARG when the
 * model's layers changed since the call. */
NnStatus nn_model_call_backward(NnCtx *ctx, NnModel *m, NnTrace *tr, const NnTensor *gout,
                                NnTensor **dx);
void nn_trace_free(NnCtx *ctx, NnTrace *tr);
/* The gradient of weight j of layer i after nn_model_call_backward (lent;
 * NULL for a non-trainable weight such as a moving mean). */
const float *nn_model_grad_data(const NnModel *m, int i, int j);
/* A loss object called on tensors: the reduced loss and, when dpred is not
 * NULL, d loss / d y_pred (float32, y_pred's shape; w.r.t. the logits when
 * from_logits). */
NnStatus nn_loss_value_grad(NnCtx *ctx, const NnLossConfig *c, const NnTensor *y_true,
                            const NnTensor *y_pred, double *loss, NnTensor **dpred);
/* A metric object's update in a custom loop: adds the metric's per-sample
 * values of (y_true, y_pred) to *sum and their number to *count (accuracy
 * of kind NN_METRIC_ACCURACY compares values for equality, as
 * keras.metrics.Accuracy).  NN_EDIM when the shapes do not match. */
NnStatus nn_metric_eval(NnCtx *ctx, const NnMetricConfig *c, const NnTensor *y_true,
                        const NnTensor *y_pred, double *sum, double *count);
/* The output feature shape of a layer config for inputs of feature shape
 * `shape` (the functional API's symbolic calls); NN_EDIM/NN_EARG as build. */
NnStatus nn_layer_output_shape(NnCtx *ctx, const NnLayerConfig *c, int ndim,
                               const int64_t *shape, int *out_ndim, int64_t *out_shape);
/* The model's name ("" = unnamed), kept in model files. */
void nn_model_set_name(NnModel *m, const char *name);
const char *nn_model_name(const NnModel *m);
/* Made by the functional API (keras.Model(inputs, outputs)): kept in model
 * files, so a loaded model is a Functional again. */
void nn_model_set_functional(NnModel *m, bool functional);
bool nn_model_is_functional(const NnModel *m);
/* The name of the model's Input ("input_1" unless named), "" without one. */
const char *nn_model_input_name(const NnModel *m);

#endif
