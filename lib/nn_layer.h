/* nn_layer.h - internal to the model runtime (nn_layer*.c, nn_loss.c,
 * nn_optim.c, nn_train.c, nn_init.c, nn_modelfile.c): the layer and model
 * structs, the per-kind forward/backward kernels, losses, metrics and the
 * optimizer step.  Not installed; src/ sees only nn_model.h.
 *
 * Kernels work on float* rows: a batch is B rows of a layer's flattened
 * feature size (NHWC for images).  Backward kernels overwrite the weight
 * gradients of their layer (one batch per step, no accumulation) and write
 * dx when it is not NULL; dy is scratch they may overwrite.
 */
#ifndef NN_LAYER_H
#define NN_LAYER_H

#include "nn_model.h"
#include "nn_ops.h"

#define NN_MAX_WEIGHTS 4
#define NN_MAX_METRICS (NN_MAX_LOGS / 2 - 1)

typedef struct {
    char name[24];          /* "kernel", "bias", "gamma", "moving_mean" ... */
    int ndim;
    int64_t shape[4];
    int64_t numel;
    bool trainable;         /* lives in m->params (else m->state) */
    int64_t offset;         /* in its block */
} NnWeight;

typedef struct {
    NnLayerConfig cfg;
    int in_ndim, out_ndim;
    int64_t in_shape[NN_MAXDIM], out_shape[NN_MAXDIM];
    int64_t in_size, out_size;          /* per sample */
    int nw;
    NnWeight w[NN_MAX_WEIGHTS];
    /* geometry for Conv2D / MaxPooling2D (NHWC) */
    int64_t ih, iw, ic, oh, ow, oc, pad_t, pad_l;
    /* workspace views, sized for m->ws_rows rows */
    float *out;             /* (B, out_size); aliases the input when `alias` */
    float *z;               /* (B, out_size) pre-activation, or NULL */
    float *aux;             /* dropout scale / BN xhat / conv cols / pool argmax */
    float *aux2;            /* BN: mean (C), invstd (C) */
    bool alias;
    bool skip_act_backward; /* the loss already returned d(pre-activation) */
    bool batch_stats;       /* BatchNormalization: the last forward used batch statistics */
} NnLayer;

struct NnModel {
    NnCtx *ctx;
    NnLayer *layers;
    int n, cap;
    bool has_input;         /* input shape known (Input / input_shape= / build) */
    int in_ndim;
    int64_t in_shape[NN_MAXDIM];
    char input_name[64];    /* an explicit InputLayer's name, "" otherwise */
    bool built;
    float *params, *grads;  /* trainable block and its gradients */
    int64_t nparams;
    float *state;           /* non-trainable block */
    int64_t nstate;
    float *slots[3];        /* optimizer moments (nparams each) */
    /* compile */
    bool compiled;
    NnOptimConfig opt;
    NnLossConfig loss;
    int nmetrics;
    NnMetricConfig metrics[NN_MAX_METRICS];
    NnMetricKind resolved[NN_MAX_METRICS];  /* accuracy resolved at the first batch */
    char lognames[NN_MAX_LOGS][56];
    int64_t iterations;
    /* workspace */
    int64_t ws_rows;
    float *ws;
    float *dbuf[2];         /* backward ping-pong, (rows, max feature size) */
    float *scratch;         /* conv dcols / softmax probabilities */
    float *xb, *yb, *swb;   /* gathered batch */
    int64_t *idx;           /* sample order of the current epoch */
    int64_t nidx;
    bool nofuse;            /* tests: cross-entropy from probabilities, never logits */
    bool update_early;      /* a training step's backward: layers may update themselves */
    int64_t updated_prefix; /* parameters [0, this) were updated in the backward pass */
    float *partial;         /* nn_dense_step.c: partial products of a split layer */
    int64_t partial_cap;    /* floats */
    char name[64];          /* nn_model_set_name; "" = unnamed */
    bool functional;        /* nn_model_set_functional */
};

/* nn_layer.c */
NnStatus nn_layer_infer(NnCtx *ctx, NnLayer *L, int ndim, const int64_t *shape);
void nn_layer_weights_layout(NnLayer *L);
int64_t nn_layer_ws_floats(const NnLayer *L, int64_t rows, bool *alias);
float *nn_weight_ptr(const NnModel *m, const NnLayer *L, int j);
float *nn_grad_ptr(const NnModel *m, const NnLayer *L, int j);
bool nn_act_needs_z(NnActivation a);

/* nn_layer_dense.c: activations and Dense */
/* out = act(z + b) row by row (b may be NULL); z == out allowed for
 * activations whose backward needs only the output.  ReLU is fused. */
void nn_bias_act(const NnLayer *L, float *z, float *out, const float *b, int64_t rows,
                 int64_t cols);
void nn_act_forward(NnActivation a, double alpha, const float *z, float *y, int64_t rows,
                    int64_t cols);
/* dy <- dy * f'(z) in place (softmax: the row Jacobian, from y). */
void nn_act_backward(NnActivation a, double alpha, const float *z, const float *y, float *dy,
                     int64_t rows, int64_t cols);
void nn_actlayer_forward(NnLayer *L, const float *x, int64_t B);
void nn_actlayer_backward(NnLayer *L, const float *x, float *dy, float *dx, int64_t B);

/* nn_dense_step.c: Dense in the model's steps, its kernel's rows cut into
 * blocks over the ctx's threads; the backward of the first layer of a
 * training step also updates its weights (nn_optim_can_update_early). */
void nn_dense_forward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, int64_t B);
void nn_dense_backward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, float *dy,
                       float *dx, int64_t B);

/* nn_layer_softmax.c: Softmax over a feature axis other than the last */
bool nn_softmax_axis_valid(const NnLayerConfig *c, int in_ndim);
bool nn_softmax_strided(const NnLayer *L);
void nn_softmax_strided_forward(const NnLayer *L, const float *x, float *y, int64_t B);
/* dx from dy and the forward output y (dy is not changed). */
void nn_softmax_strided_backward(const NnLayer *L, const float *y, const float *dy, float *dx,
                                 int64_t B);

/* nn_layer_conv.c */
void nn_conv2d_forward(NnCtx *ctx, const NnModel *m, NnLayer *L, const float *x, int64_t B);
void nn_conv2d_backward(NnCtx *ctx, const NnModel *m, NnLayer *L, const float *x, float *dy,
                        float *dx, int64_t B);
void nn_maxpool_forward(NnLayer *L, const float *x, int64_t B);
void nn_maxpool_backward(NnLayer *L, const float *dy, float *dx, int64_t B);

/* nn_layer_norm.c */
void nn_dropout_forward(NnCtx *ctx, NnLayer *L, const float *x, int64_t B, bool training);
void nn_dropout_backward(NnLayer *L, const float *dy, float *dx, int64_t B, bool training);
void nn_batchnorm_forward(const NnModel *m, NnLayer *L, const float *x, int64_t B,
                          bool training);
void nn_batchnorm_backward(const NnModel *m, NnLayer *L, const float *dy, float *dx, int64_t B);

/* nn_init.c */
void nn_init_fill(NnCtx *ctx, const NnInit *init, float *w, int64_t n, double fan_in,
                  double fan_out);

/* nn_loss.c */
typedef enum { NN_Z_NONE, NN_Z_SOFTMAX, NN_Z_SIGMOID } NnLogitMode;
typedef struct {
    int64_t B, rows, cols;  /* rows = B * prod(output shape[:-1]); cols = last axis */
    const float *p;         /* (rows, cols) the model's output */
    const float *z;         /* logits when mode != NONE (or from_logits) */
    NnLogitMode mode;
    const float *y;         /* (rows, cols), or (rows) labels for sparse */
    const float *sw;        /* (B) sample weights or NULL */
    float *grad;            /* (rows, cols) d loss / d p (or d z when fused), or NULL */
    bool grad_is_dz;        /* out: grad is w.r.t. the logits */
} NnLossArgs;

/* Returns the batch loss (sum over batch size) or NAN; NN_EARG for a label
 * out of range is reported through ctx and *st. */
double nn_loss_compute(NnCtx *ctx, const NnLossConfig *c, NnLossArgs *a, NnStatus *st);
/* Adds the metric's per-row values over the batch to *sum, rows to *count. */
void nn_metric_update(NnMetricKind k, const NnMetricConfig *c, const NnLossArgs *a,
                      bool sparse_y, double *sum, double *count);
bool nn_loss_is_sparse(const NnLossConfig *c);

/* nn_optim.c */
NnStatus nn_optim_alloc(NnCtx *ctx, NnModel *m);
void nn_optim_step(NnModel *m);
bool nn_optim_can_update_early(const NnModel *m, const NnLayer *L);
void nn_optim_update_range(NnModel *m, int64_t off, int64_t n);
void nn_optim_updated_early(NnModel *m, const NnLayer *L);
double nn_reg_loss(const NnModel *m);
void nn_reg_grad(NnModel *m);

/* nn_train.c */
NnStatus nn_ws_ensure(NnCtx *ctx, NnModel *m, int64_t rows);
void nn_model_forward(NnCtx *ctx, NnModel *m, const float *x, int64_t B, bool training);
void nn_layer_backward(NnCtx *ctx, NnModel *m, NnLayer *L, const float *x, float *dy, float *dx,
                       int64_t B, bool training);
NnStatus nn_model_loss_grad(NnCtx *ctx, NnModel *m, const NnTensor *x, const NnTensor *y,
                            bool training, double *loss);

/* nn_layer_pool.c: AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D.
 * The backward takes the layer's input x (GlobalMaxPooling2D routes the
 * gradient to the maxima). */
void nn_pool_forward(NnLayer *L, const float *x, int64_t B);
void nn_pool_backward(const NnLayer *L, const float *x, const float *dy, float *dx, int64_t B);

#endif
