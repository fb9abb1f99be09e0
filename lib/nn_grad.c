/* nn_grad.c - the autodiff tape: watching, recording nodes, and the reverse
 * walk that accumulates gradients (the VJPs are in nn_grad_ops.c).
 *
 * Owned by the autodiff part.  See nn_grad.h for the ownership rules.  The
 * tape keeps an open-addressing set of tracked tensors (pointer -> slot) so
 * recording and the backward walk find a tensor's producer in O(1).
 */
#include <string.h>
#include <math.h>
#include "nn_grad.h"

typedef struct Slot {
    const NnTensor *key;    /* NULL: empty */
    int node;               /* producing node, -1 for a watched leaf */
} Slot;

struct NnTape {
    NnCtx *ctx;
    bool persistent, watch_vars, used;
    NnTensor **watched;
    int nwatched, capwatched;
    NnNode **nodes;
    int nnodes, capnodes;
    Slot *set;
    size_t setcap, setlen;
    const char *blocked;
};

static const char *const op_names[NN_G_COUNT] = {
    "add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "atan2", "mod",
    "negative", "positive", "abs", "square", "reciprocal", "sqrt", "rsqrt",
    "exp", "expm1", "log", "log1p", "log2", "log10",
    "sin", "cos", "tan", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "sigmoid", "relu", "relu6", "elu",
    "selu", "softplus", "softsign", "swish", "gelu", "erf",
    "leaky_relu", "clip", "softmax", "log_softmax",
    "reduce_sum", "reduce_mean", "reduce_prod", "reduce_max", "reduce_min", "reduce_std",
    "reduce_variance", "cumsum", "matmul", "cast",
    "reshape", "expand_dims", "squeeze", "transpose", "slice", "select", "broadcast_to",
    "gather", "boolean_mask", "concat", "stack", "where",
    "nondifferentiable", "custom",
};

const char *nn_grad_op_name(NnGradOp op)
{
    return op >= 0 && op < NN_G_COUNT ? op_names[op] : "?";
}

/* ---- the tracked set ---- */

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x ^ (x >> 29));
}

static Slot *set_find(const NnTape *tp, const NnTensor *t)
{
    if (!tp->setcap)
        return NULL;
    size_t mask = tp->setcap - 1;
    for (size_t i = ptr_hash(t) & mask;; i = (i + 1) & mask) {
        if (tp->set[i].key == t)
            return &tp->set[i];
        if (!tp->set[i].key)
            return NULL;
    }
}

static void set_put_raw(Slot *set, size_t cap, const NnTensor *t, int node)
{
    size_t mask = cap - 1;
    size_t i = ptr_hash(t) & mask;
    while (set[i].key && set[i].key != t)
        i = (i + 1) & mask;
    set[i].key = t;
    set[i].node = node;
}

static NnStatus set_put(NnTape *tp, const NnTensor *t, int node)
{
    Slot *s = set_find(tp, t);
    if (s) {
        if (node >= 0)
            s->node = node;
        return NN_OK;
    }
    if ((tp->setlen + 1) * 2 > tp->setcap) {
        size_t cap = tp->setcap ? tp->setcap * 2 : 64;
        Slot *ns = nn_calloc(tp->ctx, cap, sizeof *ns, "the tape's tensor set");
        if (!ns)
            return NN_ENOMEM;
        for (size_t i = 0; i < tp->setcap; i++)
            if (tp->set[i].key)
                set_put_raw(ns, cap, tp->set[i].key, tp->set[i].node);
        nn_free(tp->ctx, tp->set);
        tp->set = ns;
        tp->setcap = cap;
    }
    set_put_raw(tp->set, tp->setcap, t, node);
    tp->setlen++;
    return NN_OK;
}

/* ---- lifetime ---- */

NnTape *nn_tape_new(NnCtx *ctx, bool persistent, bool watch_vars)
{
    NnTape *tp = nn_calloc(ctx, 1, sizeof *tp, "a gradient tape");
    if (!tp)
        return NULL;
    tp->ctx = ctx;
    tp->persistent = persistent;
    tp->watch_vars = watch_vars;
    return tp;
}

static void node_free(NnCtx *ctx, NnNode *n)
{
    if (n->output && n->output->node == n)
        n->output->node = NULL;
    for (int i = 0; i < n->ninputs; i++)
        nn_tensor_unref(n->inputs[i]);
    nn_tensor_unref(n->output);
    nn_tensor_unref(n->attrs.aux);
    if (n->ud_free)
        n->ud_free(n->ud);
    nn_free(ctx, n);
}

void nn_tape_free(NnTape *tp)
{
    if (!tp)
        return;
    for (int i = tp->nnodes - 1; i >= 0; i--)
        node_free(tp->ctx, tp->nodes[i]);
    for (int i = 0; i < tp->nwatched; i++)
        nn_tensor_unref(tp->watched[i]);
    nn_free(tp->ctx, tp->nodes);
    nn_free(tp->ctx, tp->watched);
    nn_free(tp->ctx, tp->set);
    nn_free(tp->ctx, tp);
}

bool nn_tape_persistent(const NnTape *tp) { return tp->persistent; }
int nn_tape_count(const NnTape *tp) { return tp->nnodes; }
int nn_tape_nwatched(const NnTape *tp) { return tp->nwatched; }
NnTensor *nn_tape_watched(const NnTape *tp, int i) { return tp->watched[i]; }
NnNode *nn_tape_node(const NnTape *tp, int i) { return tp->nodes[i]; }
const char *nn_tape_blocked(const NnTape *tp) { return tp->blocked; }

bool nn_tape_tracks(const NnTape *tp, const NnTensor *t)
{
    return set_find(tp, t) != NULL;
}

NnStatus nn_tape_watch(NnTape *tp, NnTensor *t)
{
    if (set_find(tp, t))
        return NN_OK;
    if (tp->nwatched == tp->capwatched) {
        int cap = tp->capwatched ? tp->capwatched * 2 : 8;
        NnTensor **w = nn_realloc(tp->ctx, tp->watched, (size_t)cap * sizeof *w, "watched tensors");
        if (!w)
            return NN_ENOMEM;
        tp->watched = w;
        tp->capwatched = cap;
    }
    if (set_put(tp, t, -1))
        return NN_ENOMEM;
    tp->watched[tp->nwatched++] = nn_tensor_ref(t);
    return NN_OK;
}

/* ---- recording ---- */

/* True when some input is tracked; watches variables on first read. */
static bool any_tracked(NnTape *tp, NnTensor *const *in, int n, NnStatus *st)
{
    bool any = false;
    *st = NN_OK;
    for (int i = 0; i < n; i++) {
        if (!in[i])
            continue;
        if (set_find(tp, in[i]))
            any = true;
        else if (tp->watch_vars && in[i]->requires_grad && nn_dtype_is_float(in[i]->dtype)) {
            if ((*st = nn_tape_watch(tp, in[i])) != NN_OK)
                return false;
            any = true;
        }
    }
    return any;
}

static NnNode *node_new(NnCtx *ctx, NnGradOp op, NnTensor *const *inputs, int n,
                        const NnGradAttrs *attrs, NnTensor *output)
{
    NnNode *nd = nn_calloc(ctx, 1, sizeof *nd + (size_t)n * sizeof(NnTensor *), "a tape node");
    if (!nd)
        return NULL;
    nd->op = op;
    nd->ninputs = n;
    nd->inputs = (NnTensor **)(nd + 1);
    for (int i = 0; i < n; i++)
        nd->inputs[i] = nn_tensor_ref(inputs[i]);
    nd->output = nn_tensor_ref(output);
    if (attrs)
        nd->attrs = *attrs;
    if (nd->attrs.aux)
        nn_tensor_ref(nd->attrs.aux);
    return nd;
}

static NnStatus tape_push(NnCtx *ctx, NnTape *tp, NnNode *nd)
{
    if (tp->nnodes == tp->capnodes) {
        int cap = tp->capnodes ? tp->capnodes * 2 : 32;
        NnNode **ns = nn_realloc(ctx, tp->nodes, (size_t)cap * sizeof *ns, "the tape");
        if (!ns)
            return NN_ENOMEM;
        tp->nodes = ns;
        tp->capnodes = cap;
    }
    if (set_put(tp, nd->output, tp->nnodes))
        return NN_ENOMEM;
    nd->index = tp->nnodes;
    nd->tape = tp;
    tp->nodes[tp->nnodes++] = nd;
    nd->output->node = nd;
    return NN_OK;
}

static NnStatus record_node(NnCtx *ctx, NnTape *tp, NnNode *nd)
{
    NnStatus st = tape_push(ctx, tp, nd);
    if (st) {
        nd->ud_free = NULL;    /* the caller frees ud on failure */
        node_free(ctx, nd);
    }
    return st;
}

NnStatus nn_tape_record(NnCtx *ctx, NnTape *tp, NnGradOp op, NnTensor *const *inputs,
                        int ninputs, const NnGradAttrs *attrs, NnTensor *output)
{
    NnStatus st;
    if (!output || !any_tracked(tp, inputs, ninputs, &st))
        return output ? st : NN_OK;
    for (int i = 0; i < ninputs; i++)
        if (inputs[i] == output)    /* an op that returned its input: nothing to record */
            return NN_OK;
    NnNode *nd = node_new(ctx, op, inputs, ninputs, attrs, output);
    if (!nd)
        return NN_ENOMEM;
    return record_node(ctx, tp, nd);
}

NnStatus nn_tape_record_custom(NnCtx *ctx, NnTape *tp, const char *name,
                               NnTensor *const *inputs, int ninputs, NnTensor *output,
                               NnVjpFn vjp, void *ud, void (*ud_free)(void *))
{
    NnStatus st = NN_OK;
    NnNode *nd = NULL;
    if (output && any_tracked(tp, inputs, ninputs, &st)) {
        NnGradAttrs at = {.name = name};
        nd = node_new(ctx, NN_G_CUSTOM, inputs, ninputs, &at, output);
        if (!nd)
            st = NN_ENOMEM;
    }
    if (!nd) {
        if (ud_free)
            ud_free(ud);
        return st;
    }
    nd->vjp = vjp;
    nd->ud = ud;
    nd->ud_free = ud_free;
    st = record_node(ctx, tp, nd);
    if (st && ud_free)
        ud_free(ud);
    return st;
}

/* ---- the reverse walk ---- */

/* *acc += g (g cast to the slot's dtype and shape already). */
static NnStatus accumulate(NnCtx *ctx, NnTensor **acc, NnTensor *g)
{
    if (!*acc) {
        *acc = nn_tensor_ref(g);
        return NN_OK;
    }
    NnTensor *s = nn_binary(ctx, NN_ADD, *acc, g, (*acc)->dtype);
    if (!s)
        return nn_status(ctx);
    nn_tensor_unref(*acc);
    *acc = s;
    return NN_OK;
}

/* The gradient of input x as x's dtype and shape (broadcast summed). */
static NnTensor *fit_grad(NnCtx *ctx, NnTensor *g, const NnTensor *x)
{
    NnTensor *u = nn_shape_equal(g, x) ? nn_tensor_ref(g)
                                       : nn_grad_unbroadcast(ctx, g, x->ndim, x->shape);
    if (!u || u->dtype == x->dtype)
        return u;
    NnTensor *c = nn_tensor_cast(ctx, u, x->dtype);
    nn_tensor_unref(u);
    return c;
}

typedef struct Walk {
    NnTensor **node_grads;      /* per node: gradient of its output */
    NnTensor **leaf_grads;      /* per watched tensor */
} Walk;

static NnTensor **slot_of(NnTape *tp, Walk *w, const NnTensor *t)
{
    Slot *s = set_find(tp, t);
    if (!s)
        return NULL;
    if (s->node >= 0)
        return &w->node_grads[s->node];
    for (int i = 0; i < tp->nwatched; i++)
        if (tp->watched[i] == t)
            return &w->leaf_grads[i];
    return NULL;
}

/* A gradient reached a tracked integer tensor: name the op that made it. */
static void note_blocked(NnTape *tp, const NnTensor *x)
{
    Slot *s = set_find(tp, x);
    if (tp->blocked || !s || s->node < 0)
        return;
    const NnNode *p = tp->nodes[s->node];
    tp->blocked = p->op == NN_G_NONDIFF && p->attrs.name ? p->attrs.name : nn_grad_op_name(p->op);
}

static NnStatus backprop_node(NnCtx *ctx, NnTape *tp, Walk *w, NnNode *nd, NnTensor *g)
{
    NnTensor *gin[64] = {0};
    NnTensor **gins = nd->ninputs <= 64 ? gin
                    : nn_calloc(ctx, (size_t)nd->ninputs, sizeof *gins, "gradients");
    if (!gins)
        return NN_ENOMEM;
    NnStatus st = NN_OK;
    if (nd->op == NN_G_NONDIFF) {
        for (int i = 0; i < nd->ninputs && !tp->blocked; i++)
            if (set_find(tp, nd->inputs[i]))
                tp->blocked = nd->attrs.name ? nd->attrs.name : "a non-differentiable op";
        goto done;
    }
    st = nn_grad_vjp(ctx, nd, g, gins);
    for (int i = 0; !st && i < nd->ninputs; i++) {
        NnTensor *x = nd->inputs[i];
        NnTensor **acc = slot_of(tp, w, x);
        if (gins[i] && acc && !nn_dtype_is_float(x->dtype))
            note_blocked(tp, x);
        if (!gins[i] || !acc || !nn_dtype_is_float(x->dtype))
            continue;
        NnTensor *f = fit_grad(ctx, gins[i], x);
        st = f ? accumulate(ctx, acc, f) : nn_status(ctx);
        nn_tensor_unref(f);
    }
done:
    for (int i = 0; i < nd->ninputs; i++)
        nn_tensor_unref(gins[i]);
    if (gins != gin)
        nn_free(ctx, gins);
    return st;
}

static NnTensor *make_seed(NnCtx *ctx, const NnTensor *target, const NnTensor *seed)
{
    if (!seed)
        return nn_tensor_full(ctx, target->dtype, target->ndim, target->shape, 1.0);
    NnTensor *b = nn_tensor_broadcast_to(ctx, (NnTensor *)seed, target->ndim, target->shape);
    NnTensor *c = b ? nn_tensor_cast(ctx, b, target->dtype) : NULL;
    nn_tensor_unref(b);
    return c;
}

static NnStatus walk_run(NnCtx *ctx, NnTape *tp, Walk *w, NnTensor *target, const NnTensor *seed)
{
    NnTensor **acc = slot_of(tp, w, target);
    if (!acc || !nn_dtype_is_float(target->dtype))
        return NN_OK;
    NnTensor *s = make_seed(ctx, target, seed);
    if (!s)
        return nn_status(ctx);
    *acc = s;
    Slot *ts = set_find(tp, target);
    for (int i = ts->node; i >= 0; i--) {
        if (!w->node_grads[i])
            continue;
        if (nn_interrupted(ctx))
            return NN_EINTR;
        NnStatus st = backprop_node(ctx, tp, w, tp->nodes[i], w->node_grads[i]);
        if (st)
            return st;
    }
    return NN_OK;
}

static void walk_free(NnCtx *ctx, NnTape *tp, Walk *w)
{
    if (w->node_grads)
        for (int i = 0; i < tp->nnodes; i++)
            nn_tensor_unref(w->node_grads[i]);
    if (w->leaf_grads)
        for (int i = 0; i < tp->nwatched; i++)
            nn_tensor_unref(w->leaf_grads[i]);
    nn_free(ctx, w->node_grads);
    nn_free(ctx, w->leaf_grads);
}

NnStatus nn_tape_gradient(NnCtx *ctx, NnTape *tp, NnTensor *target, const NnTensor *seed,
                          NnTensor *const *sources, int n, NnTensor **out_grads)
{
    if (tp->used && !tp->persistent)
        return nn_error(ctx, NN_EARG, "A non-persistent GradientTape can only be used to "
                        "compute one set of gradients (or jacobians)");
    Walk w = {0};
    NnStatus st = NN_OK;
    tp->blocked = NULL;
    w.node_grads = nn_calloc(ctx, (size_t)tp->nnodes + 1, sizeof *w.node_grads, "gradients");
    w.leaf_grads = nn_calloc(ctx, (size_t)tp->nwatched + 1, sizeof *w.leaf_grads, "gradients");
    if (!w.node_grads || !w.leaf_grads) {
        st = NN_ENOMEM;
        goto done;
    }
    if ((st = walk_run(ctx, tp, &w, target, seed)) != NN_OK)
        goto done;
    for (int i = 0; i < n; i++) {
        NnTensor **acc = sources[i] ? slot_of(tp, &w, sources[i]) : NULL;
        out_grads[i] = acc && *acc && nn_dtype_is_float(sources[i]->dtype)
                       ? nn_tensor_ref(*acc) : NULL;
    }
    tp->used = true;
done:
    walk_free(ctx, tp, &w);
    return st;
}
