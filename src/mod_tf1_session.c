/* mod_tf1_session.c - TF1's Session.run (fetch structures, feed_dict
 * checks, numpy results), training steps of
 * tf.train.GradientDescentOptimizer(lr).minimize(loss), and the TF1 names
 * of the tensorflow module (Session, placeholder, compat.v1, ...).
 *
 * Owned by the autodiff part; the symbolic tensors are in mod_tf1.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf1_int.h"

/* ---- Session.run ---- */

/* The fetched value as TF1 returns it: numpy arrays and numpy scalars. */
static bool to_numpy(Interp *I, Value v, Value *out)
{
    NnTensor *t = tensor_value_get(v);
    if (!t) {
        value_incref(v);
        *out = v;
        return true;
    }
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);
    return c ? tensor_value_np(I, c, out) : interp_error_from_nn(I);
}

static bool fetch_one(Interp *I, Value v, Feed *f, int phase, Value *out)
{
    SymObj *s = tf1_sym_of(v);
    if ((s && s->kind == SYM_MINIMIZE) != (phase == 1)) {
        *out = val_none();
        return true;
    }
    Value r;
    if (!tf1_eval(I, v, f, &r))
        return false;
    bool ok = to_numpy(I, r, out);
    value_decref(r);
    return ok;
}

/* fetches (a tensor, or lists/tuples/dicts of them) -> the same structure of values.
 * Phase 0 computes everything but training steps, phase 1 only those (after). */
static bool fetch(Interp *I, Value v, Feed *f, int phase, Value prev, Value *out)
{
    bool tuple = val_is_obj(v, OBJ_TUPLE), dict = val_is_obj(v, OBJ_DICT);
    if (!tuple && !dict && !val_is_obj(v, OBJ_LIST)) {
        if (phase == 1 && prev.kind != VAL_NONE) {
            value_incref(prev);
            *out = prev;
            return true;
        }
        return fetch_one(I, v, f, phase, out);
    }
    Value r;
    if (dict) {
        ObjDict *d = as_dict(v);
        if (!dict_new(I, &r))
            return false;
        for (size_t i = 0; i < d->nentries; i++) {
            DictEntry *e = &d->entries[i];
            Value item, p = val_none();
            bool found = true;
            if (e->key.kind == VAL_UNSET)
                continue;
            if (prev.kind == VAL_OBJ && !dict_get(I, prev, e->key, &p, &found))
                goto fail;
            bool ok = fetch(I, e->value, f, phase, found ? p : val_none(), &item);
            if (prev.kind == VAL_OBJ && found)
                value_decref(p);
            if (!ok)
                goto fail;
            ok = dict_set(I, r, e->key, item);
            value_decref(item);
            if (!ok)
                goto fail;
        }
        *out = r;
        return true;
    }
    ObjList *l = as_list(v);
    if (!tuple_new(I, l->len, &r))
        return false;
    for (size_t i = 0; i < l->len; i++)
        if (!fetch(I, l->items[i], f, phase,
                   prev.kind == VAL_OBJ ? as_list(prev)->items[i] : val_none(),
                   &as_list(r)->items[i]))
            goto fail;
    if (!tuple) {       /* a list of fetches gives a list */
        Value lst;
        bool ok = value_to_list(I, r, &lst);
        value_decref(r);
        if (!ok)
            return false;
        r = lst;
    }
    *out = r;
    return true;
fail:
    value_decref(r);
    return false;
}

static bool feed_check(Interp *I, const SymObj *s, const NnTensor *t)
{
    bool ok = s->ndim < 0 || s->ndim == t->ndim;
    for (int i = 0; ok && i < s->ndim; i++)
        ok = s->shape[i] < 0 || s->shape[i] == t->shape[i];
    if (ok)
        return true;
    StrBuf sb;
    char got[160];
    sb_init(&sb);
    tf1_shape_text(s, &sb);
    nn_shape_str(t->ndim, t->shape, got, sizeof got);
    bool r = interp_error(I, ERR_VALUE, "Cannot feed value of shape %s for Tensor %s, which has "
                          "shape %s", got, s->name, sb.data ? sb.data : "");
    sb_free(&sb);
    return r;
}

static bool feed_load(Interp *I, Value feed_dict, Feed *f)
{
    if (feed_dict.kind == VAL_UNSET || feed_dict.kind == VAL_NONE)
        return true;
    if (!val_is_obj(feed_dict, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "feed_dict must be a dict, not %s",
                            value_type_name(feed_dict));
    ObjDict *d = as_dict(feed_dict);
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        SymObj *s = e->key.kind == VAL_UNSET ? NULL : tf1_sym_of(e->key);
        Value v;
        NnTensor *t;
        if (e->key.kind == VAL_UNSET)
            continue;
        if (!s)
            return interp_error(I, ERR_TYPE, "Cannot interpret feed_dict key as Tensor: a %s is "
                                "not a placeholder", value_type_name(e->key));
        if (!tensor_from_value(I, e->value, s->dtype, TENSOR_TF, &t))
            return false;
        if (!feed_check(I, s, t)) {
            nn_tensor_unref(t);
            return false;
        }
        if (!tensor_value_new(I, t, TENSOR_TF, &v))
            return false;
        bool ok = tf1_feed_put(I, f, s, v);
        value_decref(v);
        if (!ok)
            return false;
    }
    return true;
}

static int nfed_of(const Feed *f) { return f->n; }

static Feed *current_feed;      /* the run in progress (training steps copy its feeds) */
static int current_nfed;

bool tf1_run_fetches(Interp *I, Value fetches, Value feed_dict, Value *out)
{
    Feed f = {.mode = 2};
    Value first = {0};
    Feed *saved = current_feed;
    int saved_n = current_nfed;
    bool ok = feed_load(I, feed_dict, &f);
    current_feed = &f;
    current_nfed = nfed_of(&f);
    ok = ok && fetch(I, fetches, &f, 0, val_none(), &first);
    ok = ok && fetch(I, fetches, &f, 1, first, out);
    current_feed = saved;
    current_nfed = saved_n;
    value_decref(first);
    tf1_feed_free(&f);
    return ok;
}

/* ---- training steps: tf.train.GradientDescentOptimizer(lr).minimize(loss) ---- */

typedef struct LossRun { SymObj *s; Feed *f; Value loss; } LossRun;

static bool eval_loss(Interp *I, void *ud)
{
    LossRun *lr = ud;
    return tf1_eval(I, as_list(lr->s->args)->items[0], lr->f, &lr->loss);
}

bool tf1_run_minimize(Interp *I, SymObj *s, Feed *outer)
{
    Feed f = {.mode = 2};
    bool ok = true;
    for (int i = 0; ok && outer == current_feed && i < current_nfed; i++)
        ok = tf1_feed_put(I, &f, outer->keys[i], outer->vals[i]);
    LossRun lr = {.s = s, .f = &f};
    NnTape *tp = ok ? autodiff_run_recorded(I, eval_loss, &lr) : NULL;
    if (tp)
        ok = autodiff_descend(I, tp, tensor_value_get(lr.loss), s->lr);
    else
        ok = false;
    nn_tape_free(tp);
    value_decref(lr.loss);
    tf1_feed_free(&f);
    return ok;
}

/* ---- tf.Session ---- */

typedef struct SessObj { bool closed; } SessObj;

static const NativeClass sess_class;

static bool sess_run(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    SessObj *s = native_obj_data(self, &sess_class);
    if (!args_parse(I, "run", a, "fetches, feed_dict=, options=, run_metadata=", v))
        return false;
    if (s->closed)
        return interp_error(I, ERR_RUNTIME, "Attempted to use a closed Session.");
    return tf1_run_fetches(I, v[0], v[1], out);
}

static bool sess_close(Interp *I, Value self, const Args *a, Value *out)
{
    if (!args_parse(I, "close", a, "", (Value[1]){{0}}))
        return false;
    ((SessObj *)native_obj_data(self, &sess_class))->closed = true;
    *out = val_none();
    return true;
}

static bool sess_enter(Interp *I, Value self, Value *out)
{
    (void)I;
    value_incref(self);
    *out = self;
    return true;
}

static bool sess_exit(Interp *I, Value self, bool error_pending)
{
    (void)I;
    (void)error_pending;
    ((SessObj *)native_obj_data(self, &sess_class))->closed = true;
    return true;
}

static bool sess_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    sb_printf(sb, "<tensorflow.python.client.session.Session object at %p>", (void *)self.as.o);
    return true;
}

static const NativeDef sess_methods[] = {
    {"run", sess_run, "run(fetches, feed_dict=None, options=None, run_metadata=None)",
     "The values of fetches (a tensor, or a list, tuple or dict of them) as numpy values, with "
     "placeholders fed from feed_dict.\n  sess.run(y, feed_dict={x: [[1., 2.]]})"},
    {"close", sess_close, "close()", "Closes the session."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass sess_class = {
    .name = "Session", .finalize = free, .repr = sess_repr, .enter = sess_enter,
    .exit = sess_exit, .methods = sess_methods,
    .doc = "A TF1 session: sess.run(t, feed_dict=...) evaluates tensors (nnsh is eager "
           "underneath, so ordinary tensors are already computed).",
};

static bool sess_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    (void)self;
    if (!args_parse(I, "Session", a, "target=, graph=, config=", v))
        return false;
    SessObj *s = calloc(1, sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    return native_obj_new(I, &sess_class, s, out);   /* frees s on failure */
}

/* ---- the optimizer ---- */

typedef struct OptObj { double lr; } OptObj;

static const NativeClass gd_class;

static bool gd_minimize(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], node;
    SymObj *s;
    if (!args_parse(I, "minimize", a, "loss, global_step=, var_list=", v))
        return false;
    if (!tf1_sym_new(I, SYM_MINIMIZE, "GradientDescent", &tf1_op_class, &s, &node))
        return false;
    s->lr = ((OptObj *)native_obj_data(self, &gd_class))->lr;
    if (!tf1_pack(I, 1, v, &s->args)) {
        value_decref(node);
        return false;
    }
    *out = node;
    return true;
}

static const NativeDef gd_methods[] = {
    {"minimize", gd_minimize, "minimize(loss, global_step=None, var_list=None)",
     "An op that, each time sess.run runs it, takes one gradient-descent step on every "
     "trainable variable the loss reads."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass gd_class = {
    .name = "GradientDescentOptimizer", .finalize = free, .methods = gd_methods,
    .doc = "TF1's plain gradient descent: tf.train.GradientDescentOptimizer(0.5).minimize(loss).",
};

static bool gd_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    OptObj *o;
    (void)self;
    if (!args_parse(I, "GradientDescentOptimizer", a, "learning_rate, use_locking=, name=", v))
        return false;
    if (!(o = calloc(1, sizeof *o)))
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!arg_float(I, "GradientDescentOptimizer", "learning_rate", v[0], &o->lr)) {
        free(o);
        return false;
    }
    return native_obj_new(I, &gd_class, o, out);     /* frees o on failure */
}

/* ---- module functions ---- */

static bool tf1_initializer(Interp *I, Value self, const Args *a, Value *out)
{
    SymObj *s;
    (void)self;
    (void)a;
    if (!tf1_sym_new(I, SYM_NOOP, "init", &tf1_op_class, &s, out))
        return false;
    snprintf(s->op, sizeof s->op, "NoOp");
    return true;
}

static bool tf1_enable_eager(Interp *I, Value self, const Args *a, Value *out)
{
    (void)I;
    (void)self;
    (void)a;
    *out = val_none();
    return true;
}

static bool tf1_disable_eager(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    (void)a;
    interp_warn(I, "nnsh stays eager: tensors are computed at once, placeholders build a graph "
                "and Session.run works either way");
    *out = val_none();
    return true;
}

static bool tf1_reset_graph(Interp *I, Value self, const Args *a, Value *out)
{
    (void)I;
    (void)self;
    (void)a;
    tf1_reset_names();
    *out = val_none();
    return true;
}

static const NativeDef tf1_defs[] = {
    {"placeholder", tf1_placeholder, "placeholder(dtype, shape=None, name=None)",
     "A TF1 input: operations on it build a graph that sess.run(..., feed_dict={x: value}) "
     "evaluates.\n  x = tf.placeholder(tf.float32, shape=(None, 3))"},
    {"global_variables_initializer", tf1_initializer, "global_variables_initializer()",
     "An op for sess.run; nnsh's variables are initialised when created, so it does nothing."},
    {"initialize_all_variables", tf1_initializer, "initialize_all_variables()",
     "The old name of global_variables_initializer()."},
    {"enable_eager_execution", tf1_enable_eager, "enable_eager_execution(config=None)",
     "Accepted: nnsh always executes eagerly."},
    {"disable_eager_execution", tf1_disable_eager, "disable_eager_execution()",
     "nnsh stays eager (and says so); placeholders and Session.run work either way."},
    {"disable_v2_behavior", tf1_disable_eager, "disable_v2_behavior()",
     "nnsh stays eager (and says so); placeholders and Session.run work either way."},
    {"reset_default_graph", tf1_reset_graph, "reset_default_graph()",
     "Restarts the numbering of TF1 op names (Placeholder, add, ...)."},
    {NULL, NULL, NULL, NULL}
};

static bool set_type(Interp *I, Value m, const char *name, const NativeClass *cls, NativeFn ctor)
{
    Value t;
    if (!native_class_type(I, cls, ctor, &t))
        return false;
    bool ok = module_set(I, m, name, t);
    value_decref(t);
    return ok;
}

bool tf1_add_names(Interp *I, Value m)
{
    Value train;
    if (!module_add_natives(I, m, tf1_defs) || !set_type(I, m, "Session", &sess_class, sess_ctor) ||
        !set_type(I, m, "InteractiveSession", &sess_class, sess_ctor) ||
        !module_new(I, "tensorflow.train", "TF1 training ops.", &train))
        return false;
    bool ok = set_type(I, train, "GradientDescentOptimizer", &gd_class, gd_ctor) &&
              module_set(I, m, "train", train);
    value_decref(train);
    return ok;
}

/* TF1 names of functions that moved: tf.log is tf.math.log ... */
static bool add_aliases(Interp *I, Value tf)
{
    static const char *const alias[][3] = {
        {"log", "math", "log"}, {"random_normal", "random", "normal"},
        {"random_uniform", "random", "uniform"}, {"set_random_seed", "random", "set_seed"},
    };
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof alias / sizeof alias[0]; i++) {
        Value sub, fn;
        bool found = false, f2 = false;
        ok = module_get(I, tf, alias[i][0], &fn, &found);
        if (ok && found) {
            value_decref(fn);
            continue;
        }
        ok = ok && module_get(I, tf, alias[i][1], &sub, &found);
        if (!ok || !found)
            continue;
        ok = module_get(I, sub, alias[i][2], &fn, &f2);
        value_decref(sub);
        if (ok && f2) {
            ok = module_set(I, tf, alias[i][0], fn);
            value_decref(fn);
        }
    }
    return ok;
}

/* tf.compat.v1: every name of tf plus the TF1 ones; tf.compat.v2 is not provided. */
bool tf1_add_compat(Interp *I, Value tf)
{
    Value compat, v1, names;
    if (!add_aliases(I, tf))
        return false;
    if (!module_new(I, "tensorflow.compat", "TF1 compatibility: tf.compat.v1.", &compat))
        return false;
    bool ok = module_new(I, "tensorflow.compat.v1", "TensorFlow 1 names (Session, placeholder, "
                         "...) and every tf function.", &v1);
    if (!ok) {
        value_decref(compat);
        return false;
    }
    ok = value_dir(I, tf, &names);
    for (size_t k = 0; ok && k < as_list(names)->len; k++) {
        const char *n = str_cstr(as_list(names)->items[k]);
        Value v;
        bool found = false;
        if (n[0] == '_' || strcmp(n, "compat") == 0)
            continue;
        ok = module_get(I, tf, n, &v, &found);
        if (ok && found) {
            ok = module_set(I, v1, n, v);
            value_decref(v);
        }
    }
    if (ok)
        value_decref(names);
    ok = ok && tf1_add_names(I, v1) && module_set(I, compat, "v1", v1) &&
         module_set(I, tf, "compat", compat);
    value_decref(v1);
    value_decref(compat);
    return ok;
}

