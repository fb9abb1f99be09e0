/* autodiff.h - the language side of autodiff, TF1 graphs and graph():
 * shared by mod_autodiff.c (tf.Variable behaviour, tf.GradientTape, grad,
 * tf.stop_gradient), mod_tf1.c (placeholders, symbolic tensors, Session),
 * graph.c (graph(t)) and the tensor files that record operations.
 *
 * Recording: every front function that runs a differentiable lib op passes
 * its result through ad_rec() / ad_binary() / ad_unary() / ad_reduce().
 * When no GradientTape is recording anywhere (autodiff_active == 0) that
 * costs one integer test; otherwise the op is recorded on every active tape
 * of the Interp (lib's nn_tape_record).  On failure the result is released
 * and NULL returned with the status in the ctx, so the caller's
 * tensor_value_wrap(I, NULL, ...) raises the MemoryError.
 *
 * Deferred (TF1) calls: tf functions start with TF1_DEFER(I, fn, "name", a,
 * out): when an argument is a symbolic tensor (a placeholder or a result
 * computed from one), the call is recorded as a graph node instead of run.
 * When no symbolic tensor exists (tf1_nsym == 0) that is one integer test.
 *
 * Owned by the autodiff part.  Depends on tensor_value.h.
 */
#ifndef NNSH_AUTODIFF_H
#define NNSH_AUTODIFF_H

#include "tensor_value.h"

/* ---- recording on active tapes (mod_autodiff.c) ---- */
extern int autodiff_active;             /* tapes recording, all Interps */
NnTensor *autodiff_record(Interp *I, NnTensor *r, NnGradOp op, NnTensor *const *in, int n,
                          const NnGradAttrs *at);
NnGradOp autodiff_binary_op(NnBinaryOp op);    /* NN_G_NONDIFF for comparisons ... */
NnGradOp autodiff_unary_op(NnUnaryOp op);
NnGradOp autodiff_reduce_op(NnReduceOp op);

static inline NnTensor *ad_rec(Interp *I, NnTensor *r, NnGradOp op, NnTensor *const *in, int n,
                               const NnGradAttrs *at)
{
    return autodiff_active && r ? autodiff_record(I, r, op, in, n, at) : r;
}

NnTensor *autodiff_record_binary(Interp *I, NnTensor *r, NnBinaryOp op, NnTensor *a, NnTensor *b);
NnTensor *autodiff_record_unary(Interp *I, NnTensor *r, NnUnaryOp op, NnTensor *a);
NnTensor *autodiff_record_reduce(Interp *I, NnTensor *r, NnReduceOp op, NnTensor *a,
                                 const int *axes, int naxes, bool keepdims, int ddof);

static inline NnTensor *ad_binary(Interp *I, NnTensor *r, NnBinaryOp op, NnTensor *a, NnTensor *b)
{
    return autodiff_active && r ? autodiff_record_binary(I, r, op, a, b) : r;
}

static inline NnTensor *ad_unary(Interp *I, NnTensor *r, NnUnaryOp op, NnTensor *a)
{
    return autodiff_active && r ? autodiff_record_unary(I, r, op, a) : r;
}

static inline NnTensor *ad_reduce(Interp *I, NnTensor *r, NnReduceOp op, NnTensor *a,
                                  const int *axes, int naxes, bool keepdims, int ddof)
{
    return autodiff_active && r ? autodiff_record_reduce(I, r, op, a, axes, naxes, keepdims, ddof)
                                : r;
}

/* For models and other callers that compute `out` from `in` themselves
 * (outside the front's ops): records one node whose VJP is `vjp` (see
 * lib/nn_grad.h NnVjpFn) on the innermost recording tape of I, when one is
 * recording and an input is tracked.  ud is freed with ud_free when the
 * tape is (at once when nothing records).  Returns out, or NULL (out
 * released, MemoryError status in the ctx) on failure.  A Keras model
 * records its forward pass as one node whose VJP runs its backward pass,
 * with the weight tensors among `in` (wrap them as variables with
 * tensor_variable_new so tape.gradient(loss, model.trainable_variables)
 * finds them). */
NnTensor *autodiff_record_custom(Interp *I, NnTensor *out, const char *name, NnTensor *const *in,
                                 int n, NnVjpFn vjp, void *ud, void (*ud_free)(void *ud));

/* A float-to-float cast is differentiable; a cast to an integer or bool is not. */
static inline NnTensor *ad_cast(Interp *I, NnTensor *r, NnTensor *a)
{
    NnGradAttrs at = {.name = "cast"};
    if (!autodiff_active || !r)
        return r;
    return autodiff_record(I, r, nn_dtype_is_float(r->dtype) ? NN_G_CAST : NN_G_NONDIFF,
                           &a, 1, &at);
}

/* tf.Variable's attributes and display (mod_autodiff.c), used by the
 * variable class in tensor_value.c. */
bool autodiff_var_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
bool autodiff_var_repr(Interp *I, Value self, StrBuf *sb);
extern const char *const autodiff_var_attrs[];
extern const NativeDef autodiff_var_methods[];
/* tf.Variable(initial_value, trainable=True, name=None, dtype=None, ...) */
bool autodiff_variable_ctor(Interp *I, Value self, const Args *a, Value *out);

/* Runs fn(I, ud) with a fresh tape recording (watching the variables it
 * reads); returns the tape (the caller frees it) or NULL with the error. */
NnTape *autodiff_run_recorded(Interp *I, bool (*fn)(Interp *I, void *ud), void *ud);
/* One gradient-descent step on every trainable variable tp watched. */
bool autodiff_descend(Interp *I, NnTape *tp, NnTensor *loss, double lr);

/* Registers nnsh.tf_autodiff and the graph/grad built-ins (called by tensor_install). */
bool autodiff_install(Interp *I);

/* ---- TF1 symbolic tensors (mod_tf1.c) ---- */
extern int tf1_nsym;                    /* live symbolic tensors, all Interps */
bool tf1_args_symbolic(const Args *a);
/* Records fn(*a) as a node named after `tfname` ("add" -> "Add:0") and
 * returns the symbolic result in *out. */
bool tf1_defer(Interp *I, NativeFn fn, const char *tfname, const Args *a, Value *out);
#define TF1_DEFER(I, fn, tfname, a, out) \
    do { if (tf1_nsym && tf1_args_symbolic(a)) return tf1_defer(I, fn, tfname, a, out); } while (0)
bool tf1_is_symbolic(Value v);
/* The tf1 names merged into tf (Session, placeholder, compat, ...). */
bool tf1_add_names(Interp *I, Value module);
/* tensorflow.compat(.v1): built by mod_tf_create from the finished tf module. */
bool tf1_add_compat(Interp *I, Value tf);

/* ---- graph(t) (graph.c) ----
 * graph.c collects the nodes of a computation into a GraphB (deduplicated
 * by key: an NnTensor* or a symbolic tensor) and prints it as a tree or as
 * Graphviz DOT.  mod_tf1.c adds symbolic tensors through the same calls. */
typedef struct GraphB GraphB;
/* The node of key (added when new: *is_new true, then describe it with
 * graph_set); -1 with a MemoryError pending on OOM. */
int graph_node(Interp *I, GraphB *g, const void *key, bool *is_new);
/* op: "matmul", "Placeholder", "w"; info: "shape=(2, 3)  dtype=float32" (copied). */
bool graph_set(Interp *I, GraphB *g, int node, const char *op, const char *info);
bool graph_edge(Interp *I, GraphB *g, int parent, int child);
/* Adds t and the recorded operations that produced it; returns its node. */
int graph_tensor(Interp *I, GraphB *g, NnTensor *t);
/* "shape=(None, 3)  dtype=float32" for a tensor's shape (-1 dims print None). */
void graph_info(StrBuf *sb, int ndim, const int64_t *shape, int dtype);
bool graph_builtin(Interp *I, Value self, const Args *a, Value *out);
/* Adds a symbolic tensor (mod_tf1.c); returns its node or -1. */
int tf1_graph_add(Interp *I, GraphB *g, Value sym);

#endif
