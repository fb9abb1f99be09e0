/* nn_grad.h - reverse-mode automatic differentiation: the tape, the op
 * registry (NnGradOp) and the one backward switch.
 *
 * Depends on nn_ops.h.  A caller (the language front, or a model) records
 * each differentiable operation it performs while a tape is active with
 * nn_tape_record; nn_tape_gradient then walks the recorded nodes backwards
 * and accumulates vector-Jacobian products with `+=` (ggml's
 * ggml_compute_backward).  VJPs are computed with the ops of nn_ops.h.
 *
 * Ownership: a tape owns its nodes.  A node retains its inputs, its output
 * and its aux tensor; the output's `node` field points back at the node
 * (a borrowed pointer, cleared when the tape is freed), so a computed tensor
 * can be shown as a graph while its tape lives.  Only operations touching a
 * tracked tensor (watched, a variable with requires_grad when the tape
 * watches accessed variables, or the output of a node already recorded on
 * this tape) are recorded, as TensorFlow does.  Watched tensors are retained
 * by the tape.
 *
 * Non-differentiable operations (comparisons, argmax, rounding, casts to an
 * integer dtype) may be recorded as NN_G_NONDIFF nodes naming the op: no
 * gradient flows through them, and nn_tape_blocked() reports the name so
 * the front can explain a None gradient.
 */
#ifndef NN_GRAD_H
#define NN_GRAD_H

#include "nn_ops.h"

/* The op registry.  Every entry except NN_G_NONDIFF and NN_G_CUSTOM has a
 * VJP in the backward switch and a gradient check in tests/unit/test_grad.c. */
typedef enum {
    /* element-wise binary (inputs a, b; broadcasting) */
    NN_G_ADD, NN_G_SUB, NN_G_MUL, NN_G_DIV, NN_G_POW, NN_G_MAXIMUM, NN_G_MINIMUM,
    NN_G_ATAN2, NN_G_MOD,
    /* element-wise unary (input x) */
    NN_G_NEG, NN_G_POS, NN_G_ABS, NN_G_SQUARE, NN_G_RECIPROCAL, NN_G_SQRT, NN_G_RSQRT,
    NN_G_EXP, NN_G_EXPM1, NN_G_LOG, NN_G_LOG1P, NN_G_LOG2, NN_G_LOG10,
    NN_G_SIN, NN_G_COS, NN_G_TAN, NN_G_ASIN, NN_G_ACOS, NN_G_ATAN,
    NN_G_SINH, NN_G_COSH, NN_G_TANH, NN_G_SIGMOID, NN_G_RELU, NN_G_RELU6, NN_G_ELU,
    NN_G_SELU, NN_G_SOFTPLUS, NN_G_SOFTSIGN, NN_G_SWISH, NN_G_GELU, NN_G_ERF,
    NN_G_LEAKY_RELU,    /* attrs.alpha */
    NN_G_CLIP,          /* attrs.lo, attrs.hi (NaN: no bound) */
    NN_G_SOFTMAX, NN_G_LOG_SOFTMAX,   /* attrs.axes[0] (normalised) */
    /* reductions: attrs.axes[0..naxes) normalised (naxes 0 = all), keepdims, ddof */
    NN_G_SUM, NN_G_MEAN, NN_G_PROD, NN_G_MAX, NN_G_MIN, NN_G_STD, NN_G_VAR,
    NN_G_CUMSUM,        /* attrs.axes[0], or NN_ALL_AXES (flattened) */
    NN_G_MATMUL,        /* numpy matmul semantics (1-D operands, batch broadcast) */
    NN_G_CAST,          /* dtype change (float to float); copy when the same dtype */
    /* views and shape ops */
    NN_G_RESHAPE, NN_G_EXPAND_DIMS, NN_G_SQUEEZE,    /* any shape-preserving-order change */
    NN_G_TRANSPOSE,     /* attrs.axes = perm (naxes = ndim) */
    NN_G_SLICE,         /* attrs.axes[0] axis, start, stop, step (normalised, as nn_tensor_slice) */
    NN_G_SELECT,        /* attrs.axes[0] axis, start = index (normalised) */
    NN_G_BROADCAST_TO,
    NN_G_TAKE,          /* attrs.aux = int indices, attrs.axes[0] axis (NN_ALL_AXES: flattened) */
    NN_G_MASK_SELECT,   /* attrs.aux = bool mask */
    NN_G_CONCAT,        /* n inputs, attrs.axes[0] */
    NN_G_STACK,         /* n inputs, attrs.axes[0] */
    NN_G_WHERE,         /* inputs a, b; attrs.aux = bool condition */
    NN_G_COUNT_DIFF,    /* end of the differentiable ops */
    NN_G_NONDIFF = NN_G_COUNT_DIFF,   /* attrs.name: the op, e.g. "argmax" */
    NN_G_CUSTOM,        /* a caller's VJP (nn_tape_record_custom) */
    NN_G_COUNT
} NnGradOp;

const char *nn_grad_op_name(NnGradOp op);   /* "add", "matmul", "reduce_sum", ... */

typedef struct NnGradAttrs {
    int axes[NN_MAXDIM];
    int naxes;
    bool keepdims;
    int ddof;
    double alpha, lo, hi;
    int64_t start, stop, step;
    NnTensor *aux;          /* borrowed here; the node retains it */
    const char *name;       /* NN_G_NONDIFF/CUSTOM: a static string */
} NnGradAttrs;

/* A custom VJP: given gout (the gradient of the output, the output's shape
 * and dtype) fills gin[i] (new references, or NULL for no gradient) for the
 * n inputs.  Used to record a whole model's forward pass as one node whose
 * VJP runs the model's backward pass. */
typedef NnStatus (*NnVjpFn)(NnCtx *ctx, void *ud, const NnTensor *gout,
                            NnTensor *const *inputs, int n, const NnTensor *output,
                            NnTensor **gin);

typedef struct NnNode {
    NnGradOp op;
    int ninputs;
    NnTensor **inputs;      /* retained */
    NnTensor *output;       /* retained */
    NnGradAttrs attrs;      /* attrs.aux retained */
    NnVjpFn vjp;            /* NN_G_CUSTOM */
    void *ud;
    void (*ud_free)(void *ud);
    int index;              /* position on its tape */
    struct NnTape *tape;
} NnNode;

typedef struct NnTape NnTape;

/* A new empty tape (NULL on OOM).  persistent: gradient may be called more
 * than once.  watch_vars: tensors with requires_grad are tracked when an
 * op first reads them (TF's watch_accessed_variables). */
NnTape *nn_tape_new(NnCtx *ctx, bool persistent, bool watch_vars);
/* Frees the nodes (clearing their outputs' node pointers) and releases
 * every retained tensor.  NULL is a no-op. */
void nn_tape_free(NnTape *tape);
bool nn_tape_persistent(const NnTape *tape);
/* Tracks t (retains it).  Watching twice is harmless. */
NnStatus nn_tape_watch(NnTape *tape, NnTensor *t);
/* True when t is watched or produced by a node of this tape. */
bool nn_tape_tracks(const NnTape *tape, const NnTensor *t);
int nn_tape_count(const NnTape *tape);              /* recorded nodes */
int nn_tape_nwatched(const NnTape *tape);           /* watched tensors (borrowed below) */
NnTensor *nn_tape_watched(const NnTape *tape, int i);
NnNode *nn_tape_node(const NnTape *tape, int i);

/* Records op(inputs) -> output when some input is tracked (else does
 * nothing and returns NN_OK).  attrs may be NULL (all zero).  Inputs, output
 * and attrs->aux are retained.  NN_ENOMEM on failure (nothing recorded). */
NnStatus nn_tape_record(NnCtx *ctx, NnTape *tape, NnGradOp op, NnTensor *const *inputs,
                        int ninputs, const NnGradAttrs *attrs, NnTensor *output);
/* Records a node with the caller's VJP; ud is freed with ud_free when the
 * tape is (also when recording fails or nothing is tracked). */
NnStatus nn_tape_record_custom(NnCtx *ctx, NnTape *tape, const char *name,
                               NnTensor *const *inputs, int ninputs, NnTensor *output,
                               NnVjpFn vjp, void *ud, void (*ud_free)(void *));

/* d(sum(target * seed))/d(sources[i]) into out_grads[i] (new references
 * with the source's shape and dtype, or NULL when the source is not
 * connected to the target or not a float tensor).  seed NULL means ones
 * (TF sums a non-scalar target).  On a non-persistent tape a second call
 * is an NN_EARG error.  On failure no out_grads are set. */
NnStatus nn_tape_gradient(NnCtx *ctx, NnTape *tape, NnTensor *target, const NnTensor *seed,
                          NnTensor *const *sources, int n, NnTensor **out_grads);
/* After nn_tape_gradient: the name of a non-differentiable op the gradient
 * reached ("argmax", "equal", "cast"), or NULL. */
const char *nn_tape_blocked(const NnTape *tape);

/* ---- the VJPs (nn_grad_ops.c), exposed for tests and for models ---- */
/* Fills gin[0..node->ninputs) with the gradients of the node's inputs
 * given gout (new references; NULL where an input gets none). */
NnStatus nn_grad_vjp(NnCtx *ctx, const NnNode *node, const NnTensor *gout, NnTensor **gin);
/* g summed over the dimensions broadcast from (ndim, shape): a new
 * tensor of that shape. */
NnTensor *nn_grad_unbroadcast(NnCtx *ctx, const NnTensor *g, int ndim, const int64_t *shape);

#endif
