/* mod_autodiff.c - tf.Variable, tf.GradientTape, tf.stop_gradient, grad(f, x)
 * and the recording hook the tensor files call (autodiff.h).
 *
 * Owned by the autodiff part.  A GradientTape value owns one lib NnTape.
 * While its `with` block runs the tape is on the active list, and every
 * differentiable op the front performs is recorded on each active tape of
 * the same Interp (only ops touching a watched tensor or a trainable
 * variable are kept, as TF does).  The nodes stay alive with the tape
 * value, so graph(loss) can show the computation after the block; they are
 * released when the tape value is (the next `with tf.GradientTape() as
 * tape:` of a training loop drops the previous one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "autodiff.h"

int autodiff_active;

typedef struct TapeObj {
    Interp *I;
    NnTape *tp;
    bool persistent, watch_vars, used;
    bool recording;             /* on the active list */
    struct TapeObj *next;       /* active list */
} TapeObj;

static TapeObj *active_tapes;

static bool tf_tensor_of(Interp *I, Value v, NnTensor **out)
{
    return tensor_from_value(I, v, -1, TENSOR_TF, out);
}

static void tape_activate(TapeObj *o)
{
    o->next = active_tapes;
    active_tapes = o;
    o->recording = true;
    autodiff_active++;
}

static void tape_deactivate(TapeObj *o)
{
    if (!o->recording)
        return;
    for (TapeObj **p = &active_tapes; *p; p = &(*p)->next)
        if (*p == o) {
            *p = o->next;
            break;
        }
    o->recording = false;
    autodiff_active--;
}

/* ---- the recording hook ---- */

NnTensor *autodiff_record(Interp *I, NnTensor *r, NnGradOp op, NnTensor *const *in, int n,
                          const NnGradAttrs *at)
{
    NnCtx *ctx = interp_nn(I);
    if (!r)
        return NULL;    /* the op failed: its error is pending in the ctx */
    for (TapeObj *o = active_tapes; o; o = o->next) {
        if (o->I != I)
            continue;
        if (nn_tape_record(ctx, o->tp, op, in, n, at, r) != NN_OK) {
            nn_tensor_unref(r);
            return NULL;
        }
    }
    return r;
}

NnTensor *autodiff_record_custom(Interp *I, NnTensor *out, const char *name, NnTensor *const *in,
                                 int n, NnVjpFn vjp, void *ud, void (*ud_free)(void *ud))
{
    TapeObj *o = active_tapes;
    while (o && o->I != I)
        o = o->next;
    if (!out || !o) {
        if (ud_free)
            ud_free(ud);
        return out;
    }
    if (nn_tape_record_custom(interp_nn(I), o->tp, name, in, n, out, vjp, ud, ud_free) != NN_OK) {
        nn_tensor_unref(out);
        return NULL;
    }
    return out;
}

NnGradOp autodiff_binary_op(NnBinaryOp op)
{
    switch (op) {
    case NN_ADD: return NN_G_ADD;
    case NN_SUB: return NN_G_SUB;
    case NN_MUL: return NN_G_MUL;
    case NN_DIV: return NN_G_DIV;
    case NN_POW: return NN_G_POW;
    case NN_MAXIMUM: return NN_G_MAXIMUM;
    case NN_MINIMUM: return NN_G_MINIMUM;
    case NN_ATAN2: return NN_G_ATAN2;
    case NN_MOD: return NN_G_MOD;
    default: return NN_G_NONDIFF;
    }
}

NnGradOp autodiff_unary_op(NnUnaryOp op)
{
    static const int map[NN_UNARY_COUNT] = {
        [NN_NEG] = NN_G_NEG, [NN_POS] = NN_G_POS, [NN_ABS] = NN_G_ABS, [NN_SIGN] = -1,
        [NN_SQUARE] = NN_G_SQUARE, [NN_RECIPROCAL] = NN_G_RECIPROCAL, [NN_SQRT] = NN_G_SQRT,
        [NN_RSQRT] = NN_G_RSQRT, [NN_EXP] = NN_G_EXP, [NN_EXPM1] = NN_G_EXPM1, [NN_LOG] = NN_G_LOG,
        [NN_LOG1P] = NN_G_LOG1P, [NN_LOG2] = NN_G_LOG2, [NN_LOG10] = NN_G_LOG10,
        [NN_SIN] = NN_G_SIN, [NN_COS] = NN_G_COS, [NN_TAN] = NN_G_TAN, [NN_ASIN] = NN_G_ASIN,
        [NN_ACOS] = NN_G_ACOS, [NN_ATAN] = NN_G_ATAN, [NN_SINH] = NN_G_SINH,
        [NN_COSH] = NN_G_COSH, [NN_TANH] = NN_G_TANH, [NN_SIGMOID] = NN_G_SIGMOID,
        [NN_RELU] = NN_G_RELU, [NN_RELU6] = NN_G_RELU6, [NN_ELU] = NN_G_ELU,
        [NN_SELU] = NN_G_SELU, [NN_SOFTPLUS] = NN_G_SOFTPLUS, [NN_SOFTSIGN] = NN_G_SOFTSIGN,
        [NN_SWISH] = NN_G_SWISH, [NN_GELU] = NN_G_GELU, [NN_LEAKY_RELU] = NN_G_LEAKY_RELU,
        [NN_FLOOR] = -1, [NN_CEIL] = -1, [NN_ROUND] = -1, [NN_TRUNC] = -1, [NN_ERF] = NN_G_ERF,
        [NN_LOGICAL_NOT] = -1, [NN_ISNAN] = -1, [NN_ISINF] = -1, [NN_ISFINITE] = -1,
        [NN_INVERT] = -1,
    };
    return op >= 0 && op < NN_UNARY_COUNT && map[op] >= 0 && (op == NN_NEG || map[op] != 0)
           ? (NnGradOp)map[op] : NN_G_NONDIFF;
}

NnGradOp autodiff_reduce_op(NnReduceOp op)
{
    switch (op) {
    case NN_SUM: return NN_G_SUM;
    case NN_MEAN: return NN_G_MEAN;
    case NN_PROD: return NN_G_PROD;
    case NN_MAX: return NN_G_MAX;
    case NN_MIN: return NN_G_MIN;
    case NN_STD: return NN_G_STD;
    case NN_VAR: return NN_G_VAR;
    default: return NN_G_NONDIFF;
    }
}

NnTensor *autodiff_record_binary(Interp *I, NnTensor *r, NnBinaryOp op, NnTensor *a, NnTensor *b)
{
    NnGradAttrs at = {.name = nn_binary_name(op)};
    return autodiff_record(I, r, autodiff_binary_op(op), (NnTensor *[]){a, b}, 2, &at);
}

NnTensor *autodiff_record_unary(Interp *I, NnTensor *r, NnUnaryOp op, NnTensor *a)
{
    NnGradAttrs at = {.name = nn_unary_name(op), .alpha = 0.2};
    return autodiff_record(I, r, autodiff_unary_op(op), &a, 1, &at);
}

NnTensor *autodiff_record_reduce(Interp *I, NnTensor *r, NnReduceOp op, NnTensor *a,
                                 const int *axes, int naxes, bool keepdims, int ddof)
{
    NnGradAttrs at = {.naxes = naxes, .keepdims = keepdims, .ddof = ddof,
                      .name = op == NN_ARGMAX ? "argmax" : op == NN_ARGMIN ? "argmin" : "reduce"};
    if (naxes > 0)
        memcpy(at.axes, axes, (size_t)naxes * sizeof *axes);
    if (!r || (!nn_dtype_is_float(r->dtype) && op != NN_ARGMAX && op != NN_ARGMIN))
        return r;
    return autodiff_record(I, r, autodiff_reduce_op(op), &a, 1, &at);
}

/* ---- tf.GradientTape ---- */

static void tape_finalize(void *data)
{
    TapeObj *o = data;
    tape_deactivate(o);
    nn_tape_free(o->tp);
    free(o);
}

static const NativeClass tape_class;

static TapeObj *tape_of(Value v) { return native_obj_data(v, &tape_class); }

static bool tape_ensure(Interp *I, TapeObj *o)
{
    if (o->tp)
        return true;
    o->tp = nn_tape_new(interp_nn(I), true, o->watch_vars);   /* the front enforces one use */
    return o->tp ? true : interp_error_from_nn(I);
}

static bool tape_enter(Interp *I, Value self, Value *out)
{
    TapeObj *o = tape_of(self);
    if (o->recording)
        return interp_error(I, ERR_VALUE, "Tape is still recording, This can happen if you try "
                            "to re-enter an already-active tape.");
    if (!o->tp && !tape_ensure(I, o))
        return false;
    tape_activate(o);
    value_incref(self);
    *out = self;
    return true;
}

static bool tape_exit(Interp *I, Value self, bool error_pending)
{
    (void)I;
    (void)error_pending;
    tape_deactivate(tape_of(self));
    return true;
}

static bool tape_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<tensorflow.python.eager.backprop.GradientTape object at %p>",
              (void *)self.as.o);
    return true;
}

/* Calls fn on every tensor of a nested list/tuple structure. */
typedef bool (*LeafFn)(Interp *I, TapeObj *o, Value v, void *ud);

static bool each_leaf(Interp *I, TapeObj *o, Value v, LeafFn fn, void *ud)
{
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) {
        ObjList *l = as_list(v);
        for (size_t i = 0; i < l->len; i++)
            if (!each_leaf(I, o, l->items[i], fn, ud))
                return false;
        return true;
    }
    if (val_is_obj(v, OBJ_DICT)) {
        ObjDict *d = as_dict(v);
        for (size_t i = 0; i < d->nentries; i++)
            if (d->entries[i].key.kind != VAL_UNSET && !each_leaf(I, o, d->entries[i].value, fn, ud))
                return false;
        return true;
    }
    return fn(I, o, v, ud);
}

static bool watch_one(Interp *I, TapeObj *o, Value v, void *ud)
{
    (void)ud;
    NnTensor *t = tensor_value_get(v);
    if (!t)
        return interp_error(I, ERR_VALUE, "Passed in object of type %s, not tf.Tensor or "
                            "tf.Variable or ExtensionType.", value_type_name(v));
    if (!nn_dtype_is_float(t->dtype)) {
        interp_warn(I, "The dtype of the watched tensor must be floating (e.g. tf.float32), "
                    "got %s", nn_dtype_name(t->dtype));
        return true;
    }
    return nn_tape_watch(o->tp, t) == NN_OK ? true : interp_error_from_nn(I);
}

static bool tape_watch(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    Value v[1];
    if (!args_parse(I, "watch", a, "tensor", v) || !tape_ensure(I, o) ||
        !each_leaf(I, o, v[0], watch_one, NULL))
        return false;
    *out = val_none();
    return true;
}

/* ---- tape.gradient ---- */

typedef struct Flat {
    NnTensor **t;
    int n, cap;
} Flat;

static bool collect_source(Interp *I, TapeObj *o, Value v, void *ud)
{
    Flat *f = ud;
    (void)o;
    NnTensor *t = tensor_value_get(v);
    if (!t)
        return interp_error(I, ERR_TYPE, "gradient: sources must be tensors or variables, not %s",
                            value_type_name(v));
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 8;
        NnTensor **nt = realloc(f->t, (size_t)cap * sizeof *nt);
        if (!nt)
            return interp_error(I, ERR_MEMORY, "out of memory");
        f->t = nt;
        f->cap = cap;
    }
    f->t[f->n++] = t;
    return true;
}

/* The gradient value of one source: a tf tensor, None, or zeros. */
static bool grad_value(Interp *I, NnTensor *g, const NnTensor *src, bool zero, Value *out)
{
    if (g)
        return tensor_value_new(I, nn_tensor_ref(g), TENSOR_TF, out);
    if (!zero) {
        *out = val_none();
        return true;
    }
    return tensor_value_wrap(I, nn_tensor_new(interp_nn(I), src->dtype, src->ndim, src->shape),
                             TENSOR_TF, out);
}

/* Rebuilds the structure of `src` with gradients in place of tensors. */
static bool rebuild(Interp *I, Value src, const Flat *f, NnTensor **g, int *k, bool zero,
                    Value *out)
{
    bool tuple = val_is_obj(src, OBJ_TUPLE);
    if (val_is_obj(src, OBJ_LIST) || tuple) {
        ObjList *l = as_list(src);
        Value r;
        if (!(tuple ? tuple_new(I, l->len, &r) : list_new(I, l->len, &r)))
            return false;
        for (size_t i = 0; i < l->len; i++) {
            Value item;
            if (!rebuild(I, l->items[i], f, g, k, zero, &item)) {
                value_decref(r);
                return false;
            }
            if (tuple)
                as_list(r)->items[i] = item;
            else {
                bool ok = list_append(I, r, item);
                value_decref(item);
                if (!ok) {
                    value_decref(r);
                    return false;
                }
            }
        }
        *out = r;
        return true;
    }
    if (val_is_obj(src, OBJ_DICT)) {
        ObjDict *d = as_dict(src);
        Value r;
        if (!dict_new(I, &r))
            return false;
        for (size_t i = 0; i < d->nentries; i++) {
            Value item;
            if (d->entries[i].key.kind == VAL_UNSET)
                continue;
            bool ok = rebuild(I, d->entries[i].value, f, g, k, zero, &item);
            ok = ok && dict_set(I, r, d->entries[i].key, item);
            if (ok)
                value_decref(item);
            else {
                value_decref(r);
                return false;
            }
        }
        *out = r;
        return true;
    }
    int i = (*k)++;
    return grad_value(I, g[i], f->t[i], zero, out);
}

static bool unconnected_arg(Interp *I, Value v, bool *zero)
{
    const char *s;
    *zero = false;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_str(I, "gradient", "unconnected_gradients", v, &s))
        return false;
    if (strcmp(s, "zero") == 0)
        *zero = true;
    else if (strcmp(s, "none") != 0)
        return interp_error(I, ERR_VALUE, "Unknown value for unconnected_gradients: '%s'", s);
    return true;
}

/* The target as one tensor: a list of targets is the sum of their sums,
 * recorded on the tape so the gradient flows into each. */
static bool target_tensor(Interp *I, TapeObj *o, Value target, NnTensor **out)
{
    NnCtx *ctx = interp_nn(I);
    NnTensor *t = tensor_value_get(target);
    if (t) {
        *out = nn_tensor_ref(t);
        return true;
    }
    if (!val_is_obj(target, OBJ_LIST) && !val_is_obj(target, OBJ_TUPLE))
        return interp_error(I, ERR_TYPE, "gradient: target must be a tensor, not %s",
                            value_type_name(target));
    NnTensor *acc = NULL;
    ObjList *l = as_list(target);
    for (size_t i = 0; i < l->len; i++) {
        NnTensor *ti = tensor_value_get(l->items[i]);
        if (!ti || !nn_dtype_is_float(ti->dtype))
            continue;
        NnGradAttrs all = {0};
        NnTensor *s = nn_reduce(ctx, NN_SUM, ti, NULL, 0, false, ti->dtype, 0);
        if (s && nn_tape_record(ctx, o->tp, NN_G_SUM, &ti, 1, &all, s) != NN_OK) {
            nn_tensor_unref(s);
            s = NULL;
        }
        NnTensor *n = s && acc ? nn_binary(ctx, NN_ADD, acc, s, acc->dtype) : s;
        if (n && n != s && nn_tape_record(ctx, o->tp, NN_G_ADD, (NnTensor *[]){acc, s}, 2, NULL, n))
            n = NULL;
        if (n != s)
            nn_tensor_unref(s);
        nn_tensor_unref(acc);
        acc = n;
        if (!acc)
            return interp_error_from_nn(I);
    }
    *out = acc ? acc : nn_tensor_scalar(ctx, NN_F32, 0);
    return *out ? true : interp_error_from_nn(I);
}

static bool check_use(Interp *I, TapeObj *o)
{
    if (o->used && !o->persistent)
        return interp_error(I, ERR_RUNTIME, "A non-persistent GradientTape can only be used to "
                            "compute one set of gradients (or jacobians)");
    o->used = true;
    return true;
}

static void note_blocked(Interp *I, TapeObj *o, NnTensor **g, int n)
{
    const char *b = nn_tape_blocked(o->tp);
    for (int i = 0; b && i < n; i++)
        if (!g[i]) {
            interp_warn(I, "no gradient flows through '%s' (not differentiable): the gradient "
                        "is None", b);
            return;
        }
}

static bool tape_gradient(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    Value v[4];
    Flat f = {0};
    NnTensor *target = NULL, **g = NULL, *seed = NULL;
    bool zero, ok = false;
    int k = 0;
    if (!args_parse(I, "gradient", a, "target, sources, output_gradients=, unconnected_gradients=",
                    v) || !unconnected_arg(I, v[3], &zero) || !check_use(I, o))
        return false;
    if (!each_leaf(I, o, v[1], collect_source, &f) || !target_tensor(I, o, v[0], &target))
        goto done;
    if (!nn_dtype_is_float(target->dtype))
        interp_warn(I, "The dtype of the target tensor must be floating (e.g. tf.float32) when "
                    "calling GradientTape.gradient, got %s", nn_dtype_name(target->dtype));
    if (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE &&
        !tensor_from_value(I, v[2], target->dtype, TENSOR_TF, &seed))
        goto done;
    g = calloc((size_t)f.n + 1, sizeof *g);
    if (!g) {
        interp_error(I, ERR_MEMORY, "out of memory");
        goto done;
    }
    if (nn_tape_gradient(interp_nn(I), o->tp, target, seed, f.t, f.n, g) != NN_OK) {
        interp_error_from_nn(I);
        goto done;
    }
    note_blocked(I, o, g, f.n);
    ok = rebuild(I, v[1], &f, g, &k, zero, out);
done:
    for (int i = 0; g && i < f.n; i++)
        nn_tensor_unref(g[i]);
    free(g);
    free(f.t);
    nn_tensor_unref(target);
    nn_tensor_unref(seed);
    return ok;
}

/* d target[i] / d source for every element i: shape target.shape + source.shape. */
static NnTensor *jacobian_one(Interp *I, TapeObj *o, NnTensor *target, NnTensor *src, bool zero)
{
    NnCtx *ctx = interp_nn(I);
    int64_t shape[2 * NN_MAXDIM], nt = nn_tensor_numel(target), ns = nn_tensor_numel(src);
    int nd = target->ndim + src->ndim;
    if (nd > NN_MAXDIM) {
        interp_error(I, ERR_VALUE, "jacobian: the result would have %d dimensions (at most %d)",
                     nd, NN_MAXDIM);
        return NULL;
    }
    memcpy(shape, target->shape, (size_t)target->ndim * sizeof *shape);
    memcpy(shape + target->ndim, src->shape, (size_t)src->ndim * sizeof *shape);
    NnTensor *r = nn_tensor_new(ctx, src->dtype, nd, shape);
    NnTensor *seed = r ? nn_tensor_new(ctx, target->dtype, target->ndim, target->shape) : NULL;
    bool any = false;
    for (int64_t i = 0; seed && i < nt; i++) {
        NnTensor *g = NULL;
        nn_tensor_set_f64(seed, i, 1);
        NnStatus st = nn_tape_gradient(ctx, o->tp, target, seed, &src, 1, &g);
        nn_tensor_set_f64(seed, i, 0);
        if (st != NN_OK) {
            nn_tensor_unref(r);
            r = NULL;
            break;
        }
        for (int64_t j = 0; g && j < ns; j++)
            nn_tensor_set_f64(r, i * ns + j, nn_tensor_get_f64(g, j));
        any |= g != NULL;
        nn_tensor_unref(g);
    }
    nn_tensor_unref(seed);
    if (!r)
        interp_error_from_nn(I);
    else if (!any && !zero) {
        nn_tensor_unref(r);
        return (NnTensor *)1;   /* None */
    }
    return r;
}

static bool tape_jacobian(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    Value v[5];
    bool zero;
    NnTensor *target = NULL;
    if (!args_parse(I, "jacobian", a, "target, sources, unconnected_gradients=, "
                    "parallel_iterations=, experimental_use_pfor=", v) ||
        !unconnected_arg(I, v[2], &zero) || !check_use(I, o) || !target_tensor(I, o, v[0], &target))
        return false;
    NnTensor *src = tensor_value_get(v[1]);
    if (!src) {
        nn_tensor_unref(target);
        return interp_error(I, ERR_TYPE, "jacobian: nnsh takes one source tensor");
    }
    NnTensor *r = jacobian_one(I, o, target, src, zero);
    nn_tensor_unref(target);
    if (r == (NnTensor *)1) {
        *out = val_none();
        return true;
    }
    return r ? tensor_value_new(I, r, TENSOR_TF, out) : false;
}

static bool tape_watched_variables(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    Value l;
    if (!args_parse(I, "watched_variables", a, "", (Value[1]){{0}}) || !list_new(I, 0, &l))
        return false;
    for (int i = 0; i < nn_tape_nwatched(o->tp); i++) {
        Value t;
        bool ok = tensor_value_new(I, nn_tensor_ref(nn_tape_watched(o->tp, i)), TENSOR_TF, &t);
        ok = ok && list_append(I, l, t);
        if (ok)
            value_decref(t);
        else {
            value_decref(l);
            return false;
        }
    }
    *out = l;
    return true;
}

static bool tape_reset(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    if (!args_parse(I, "reset", a, "", (Value[1]){{0}}))
        return false;
    nn_tape_free(o->tp);
    o->tp = NULL;
    o->used = false;
    if (!tape_ensure(I, o))
        return false;
    *out = val_none();
    return true;
}

/* tape.stop_recording(): a context manager pausing this tape. */
typedef struct PauseObj { Value tape; } PauseObj;

static void pause_finalize(void *data)
{
    PauseObj *p = data;
    value_decref(p->tape);
    free(p);
}

static bool pause_enter(Interp *I, Value self, Value *out)
{
    (void)I;
    PauseObj *p = ((ObjNativeObj *)self.as.o)->data;
    tape_deactivate(tape_of(p->tape));
    *out = val_none();
    return true;
}

static bool pause_exit(Interp *I, Value self, bool error_pending)
{
    (void)I;
    (void)error_pending;
    PauseObj *p = ((ObjNativeObj *)self.as.o)->data;
    TapeObj *o = tape_of(p->tape);
    if (!o->recording)
        tape_activate(o);
    return true;
}

static const NativeClass pause_class = {
    .name = "_StopRecording", .finalize = pause_finalize, .enter = pause_enter,
    .exit = pause_exit, .doc = "with tape.stop_recording(): ops inside are not recorded.",
};

static bool tape_stop_recording(Interp *I, Value self, const Args *a, Value *out)
{
    TapeObj *o = tape_of(self);
    if (!args_parse(I, "stop_recording", a, "", (Value[1]){{0}}))
        return false;
    if (!o->recording)
        return interp_error(I, ERR_RUNTIME, "Tape must be recording when stop_recording is called.");
    PauseObj *p = malloc(sizeof *p);
    if (!p)
        return interp_error(I, ERR_MEMORY, "out of memory");
    value_incref(self);
    p->tape = self;
    return native_obj_new(I, &pause_class, p, out);
}

static const NativeDef tape_methods[] = {
    {"watch", tape_watch, "watch(tensor)",
     "Records operations on tensor (or a list of tensors) too; variables are watched already."},
    {"gradient", tape_gradient,
     "gradient(target, sources, output_gradients=None, unconnected_gradients='none')",
     "d(target)/d(sources) by reverse accumulation over the recorded operations; a non-scalar "
     "target is summed.\n  with tf.GradientTape() as tape:\n      y = x * x\n  tape.gradient(y, x)"},
    {"jacobian", tape_jacobian, "jacobian(target, sources, unconnected_gradients='none')",
     "The full Jacobian d(target[i])/d(source[j]), shape target.shape + source.shape."},
    {"reset", tape_reset, "reset()", "Forgets everything recorded so far."},
    {"stop_recording", tape_stop_recording, "stop_recording()",
     "with tape.stop_recording(): operations inside are not recorded."},
    {"watched_variables", tape_watched_variables, "watched_variables()",
     "The tensors this tape watches (variables read inside it, and tape.watch'ed ones)."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass tape_class = {
    .name = "GradientTape", .finalize = tape_finalize, .repr = tape_repr,
    .enter = tape_enter, .exit = tape_exit, .methods = tape_methods,
    .doc = "Records operations for automatic differentiation.\n"
           "  x = tf.Variable(3.0)\n  with tf.GradientTape() as tape:\n      y = x * x\n"
           "  tape.gradient(y, x)   # tf.Tensor(6.0, shape=(), dtype=float32)",
};

static bool tape_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    bool persistent = false, watch = true;
    (void)self;
    if (!args_parse(I, "GradientTape", a, "persistent=, watch_accessed_variables=", v) ||
        (v[0].kind != VAL_UNSET && !arg_bool(I, "GradientTape", "persistent", v[0], &persistent)) ||
        (v[1].kind != VAL_UNSET &&
         !arg_bool(I, "GradientTape", "watch_accessed_variables", v[1], &watch)))
        return false;
    TapeObj *o = calloc(1, sizeof *o);
    if (!o)
        return interp_error(I, ERR_MEMORY, "out of memory");
    o->I = I;
    o->persistent = persistent;
    o->watch_vars = watch;
    if (!tape_ensure(I, o)) {
        free(o);
        return false;
    }
    return native_obj_new(I, &tape_class, o, out);   /* finalizes o on failure */
}

/* ---- tf.stop_gradient, grad(f, x) ---- */

static bool tf_stop_gradient(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    NnTensor *t;
    (void)self;
    if (!args_parse(I, "stop_gradient", a, "input, name=", v) || !tf_tensor_of(I, v[0], &t))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);      /* a new tensor no tape knows */
    nn_tensor_unref(t);
    return tensor_value_wrap(I, c, TENSOR_TF, out);
}

/* grad's arguments as watched tensors (xs[i] new references) and the
 * values f is called with (vals[i] new references). */
static bool grad_inputs(Interp *I, TapeObj *o, const Args *a, NnTensor **xs, Value *vals)
{
    for (int i = 1; i < a->npos; i++) {
        Value v = a->pos[i];
        NnTensor *t = NULL;
        bool ok = tensor_from_value(I, v, -1, TENSOR_TF, &t);
        if (ok && !nn_dtype_is_float(t->dtype)) {
            NnTensor *c = nn_tensor_cast(interp_nn(I), t, NN_F32);
            nn_tensor_unref(t);
            t = c;
            ok = c != NULL || interp_error_from_nn(I);
        }
        xs[i - 1] = t;
        if (!ok)
            return false;
        if (tensor_value_is(v) && tensor_value_get(v) == t) {
            value_incref(v);
            vals[i - 1] = v;
        } else if (!tensor_value_new(I, nn_tensor_ref(t), TENSOR_TF, &vals[i - 1])) {
            return false;
        }
        if (nn_tape_watch(o->tp, t) != NN_OK)
            return interp_error_from_nn(I);
    }
    return true;
}

/* One gradient as the value grad returns: a float for a Python number argument. */
static bool grad_result(Interp *I, Value arg, NnTensor *g, const NnTensor *x, Value *out)
{
    if (arg.kind == VAL_INT || arg.kind == VAL_FLOAT || arg.kind == VAL_BOOL) {
        *out = val_float(g ? nn_tensor_get_f64(g, 0) : 0.0);
        return true;
    }
    return grad_value(I, g, x, true, out);
}

static bool grad_run(Interp *I, TapeObj *o, const Args *a, NnTensor **xs, Value *vals, Value *out)
{
    int n = a->npos - 1;
    Value y = {0};
    NnTensor *g[NN_MAXDIM * 4] = {0}, *target = NULL;
    if (!grad_inputs(I, o, a, xs, vals))
        return false;
    tape_activate(o);
    bool ok = interp_call(I, a->pos[0], n, vals, &y);
    tape_deactivate(o);
    if (!ok)
        return false;
    ok = tensor_from_value(I, y, -1, TENSOR_TF, &target);
    value_decref(y);
    if (ok && nn_tape_gradient(interp_nn(I), o->tp, target, NULL, xs, n, g) != NN_OK)
        ok = interp_error_from_nn(I);
    nn_tensor_unref(target);
    if (ok && n == 1) {
        note_blocked(I, o, g, n);
        ok = grad_result(I, a->pos[1], g[0], xs[0], out);
    } else if (ok && (ok = tuple_new(I, (size_t)n, out))) {
        for (int i = 0; i < n && ok; i++)
            ok = grad_result(I, a->pos[i + 1], g[i], xs[i], &as_list(*out)->items[i]);
    }
    for (int i = 0; i < n; i++)
        nn_tensor_unref(g[i]);
    return ok;
}

/* grad(f, x, ...): df/dx at x, with f called under a fresh tape. */
static bool grad_builtin(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *xs[NN_MAXDIM * 4] = {0};
    Value vals[NN_MAXDIM * 4] = {{0}};
    (void)self;
    if (a->npos < 2 || a->nkw)
        return interp_error(I, ERR_TYPE, "grad(f, x, ...) takes a function and the point(s) "
                            "where to differentiate it");
    if (a->npos - 1 > NN_MAXDIM * 4)
        return interp_error(I, ERR_TYPE, "grad: too many arguments");
    TapeObj o = {.I = I, .watch_vars = true};
    o.tp = nn_tape_new(interp_nn(I), true, true);
    if (!o.tp)
        return interp_error_from_nn(I);
    bool ok = grad_run(I, &o, a, xs, vals, out);
    for (int i = 0; i < a->npos - 1; i++) {
        nn_tensor_unref(xs[i]);
        value_decref(vals[i]);
    }
    nn_tape_free(o.tp);
    return ok;
}

/* ---- training steps for TF1's optimizer (mod_tf1.c) ---- */

NnTape *autodiff_run_recorded(Interp *I, bool (*fn)(Interp *I, void *ud), void *ud)
{
    TapeObj o = {.I = I, .watch_vars = true};
    o.tp = nn_tape_new(interp_nn(I), true, true);
    if (!o.tp) {
        interp_error_from_nn(I);
        return NULL;
    }
    tape_activate(&o);
    bool ok = fn(I, ud);
    tape_deactivate(&o);
    if (!ok) {
        nn_tape_free(o.tp);
        return NULL;
    }
    return o.tp;
}

bool autodiff_descend(Interp *I, NnTape *tp, NnTensor *loss, double lr)
{
    NnCtx *ctx = interp_nn(I);
    int n = nn_tape_nwatched(tp);
    if (!loss)
        return interp_error(I, ERR_TYPE, "minimize: the loss is not a tensor");
    for (int i = 0; i < n; i++) {
        NnTensor *v = nn_tape_watched(tp, i), *g = NULL;
        if (!v->requires_grad)
            continue;
        if (nn_tape_gradient(ctx, tp, loss, NULL, &v, 1, &g) != NN_OK)
            return interp_error_from_nn(I);
        if (!g)
            continue;
        NnTensor *step = nn_tensor_scalar(ctx, v->dtype, lr);
        NnTensor *d = step ? nn_binary(ctx, NN_MUL, g, step, v->dtype) : NULL;
        NnTensor *nv = d ? nn_binary(ctx, NN_SUB, v, d, v->dtype) : NULL;
        NnStatus st = nv ? nn_tensor_assign(ctx, v, nv) : nn_status(ctx);
        nn_tensor_unref(step);
        nn_tensor_unref(d);
        nn_tensor_unref(nv);
        nn_tensor_unref(g);
        if (st != NN_OK)
            return interp_error_from_nn(I);
    }
    return true;
}

/* ---- the module ---- */

static const NativeDef autodiff_defs[] = {
    {"stop_gradient", tf_stop_gradient, "stop_gradient(input, name=None)",
     "The value of input, with no gradient flowing back through it."},
    {NULL, NULL, NULL, NULL}
};

static const NativeDef autodiff_builtins[] = {
    {"grad", grad_builtin, "grad(f, x, ...)",
     "The derivative of f at x (nnsh's own): f is called under a GradientTape.\n"
     "  grad(lambda x: x ** 3, 2.0)   # 12.0"},
    {"graph", graph_builtin, "graph(t, file=None)",
     "Prints the computation that produced t as a tree (op, shape, dtype per node); "
     "file='g.dot' writes Graphviz DOT instead.\n"
     "Tensors keep their operations when computed inside a GradientTape (while the tape "
     "lives) or from a placeholder.\n"
     "  with tf.GradientTape() as tape:\n      loss = tf.reduce_mean((x @ w + b - y) ** 2)\n"
     "  graph(loss)"},
    {NULL, NULL, NULL, NULL}
};

static bool add_type(Interp *I, Value m, const char *name, const NativeClass *cls, NativeFn ctor)
{
    Value t;
    if (!native_class_type(I, cls, ctor, &t))
        return false;
    bool ok = module_set(I, m, name, t);
    value_decref(t);
    return ok;
}

static bool add_unconnected(Interp *I, Value m)
{
    Value u, none, zero;
    if (!module_new(I, "UnconnectedGradients", "How tape.gradient reports unconnected sources: "
                    "NONE gives None, ZERO gives zeros.", &u))
        return false;
    bool ok = str_from_cstr(I, "none", &none);
    if (ok && !str_from_cstr(I, "zero", &zero)) {
        value_decref(none);
        ok = false;
    }
    if (ok) {
        ok = module_set(I, u, "NONE", none) && module_set(I, u, "ZERO", zero) &&
             module_set(I, m, "UnconnectedGradients", u);
        value_decref(none);
        value_decref(zero);
    }
    value_decref(u);
    return ok;
}

static bool mod_autodiff_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "nnsh.tf_autodiff", "tf.Variable, tf.GradientTape, TF1 sessions", &m))
        return false;
    bool ok = module_add_natives(I, m, autodiff_defs) &&
              add_type(I, m, "Variable", &tensor_variable_class, autodiff_variable_ctor) &&
              add_type(I, m, "GradientTape", &tape_class, tape_ctor) && add_unconnected(I, m) &&
              tf1_add_names(I, m);
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

bool autodiff_install(Interp *I)
{
    return interp_register_module(I, "nnsh.tf_autodiff", mod_autodiff_create) &&
           interp_add_builtins(I, autodiff_builtins);
}
