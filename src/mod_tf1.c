/* mod_tf1.c - TensorFlow 1 style graphs on top of eager nnsh: placeholders,
 * symbolic tensors, tf.Session().run(fetches, feed_dict=...), the
 * initializer op, tf.train.GradientDescentOptimizer(...).minimize(loss),
 * tf.enable/disable_eager_execution and tensorflow.compat.v1.
 *
 * Owned by the autodiff part.  nnsh stays eager: a tf function or operator
 * given a symbolic tensor (a placeholder, or a result computed from one)
 * records the call itself (the C function and its arguments) as a node
 * instead of running it; Session.run replays the nodes with the fed values.
 * Shapes and dtypes of a new node are inferred by running it on stand-in
 * values whose unknown (None) dimensions are 1, then 2: dimensions that
 * change are None.  Errors in a node therefore show where it is built, as
 * in TF1.  disable_eager_execution() keeps nnsh eager and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "autodiff.h"

int tf1_nsym;

typedef enum { SYM_PLACEHOLDER, SYM_CALL, SYM_BINOP, SYM_UNOP, SYM_GETITEM, SYM_NOOP,
               SYM_MINIMIZE } SymKind;

typedef struct SymObj {
    SymKind kind;
    char name[80];              /* "add_1:0" (ops: "init") */
    char op[40];                /* "add" */
    int dtype;                  /* -1 unknown */
    int ndim;                   /* -1 unknown rank */
    int64_t shape[NN_MAXDIM];   /* -1 = None */
    NativeFn fn;                /* SYM_CALL */
    int code;                   /* BinOp / UnOp / CmpOp + 100 */
    Value args;                 /* tuple: positional arguments */
    Value kwnames, kwvals;      /* tuples (SYM_CALL), or unset */
    Value dummy[2];             /* stand-in results (None dims 1 and 2) */
    double lr;                  /* SYM_MINIMIZE */
} SymObj;

static const NativeClass sym_class, op_class;

static SymObj *sym_of(Value v)
{
    SymObj *s = native_obj_data(v, &sym_class);
    return s ? s : native_obj_data(v, &op_class);
}

bool tf1_is_symbolic(Value v) { return sym_of(v) != NULL; }

static void sym_finalize(void *data)
{
    SymObj *s = data;
    value_decref(s->args);
    value_decref(s->kwnames);
    value_decref(s->kwvals);
    value_decref(s->dummy[0]);
    value_decref(s->dummy[1]);
    free(s);
    tf1_nsym--;
}

/* ---- names: add, add_1, add_2 ... per graph ---- */

typedef struct NameCount { char base[40]; int n; } NameCount;
static NameCount *names;
static int nnames, capnames;

static void unique_name(const char *base, char *out, size_t size, bool tensor)
{
    int i;
    for (i = 0; i < nnames; i++)
        if (strcmp(names[i].base, base) == 0)
            break;
    if (i == nnames && nnames == capnames) {
        int cap = capnames ? capnames * 2 : 16;
        NameCount *nn = realloc(names, (size_t)cap * sizeof *nn);
        if (nn) {
            names = nn;
            capnames = cap;
        }
    }
    int k = 0;
    if (i < nnames)
        k = names[i].n++;
    else if (i < capnames) {
        snprintf(names[i].base, sizeof names[i].base, "%s", base);
        names[i].n = 1;
        nnames++;
    }
    if (k == 0)
        snprintf(out, size, tensor ? "%s:0" : "%s", base);
    else
        snprintf(out, size, tensor ? "%s_%d:0" : "%s_%d", base, k);
}

/* TF1's op name of a tf function: add -> Add, reduce_sum -> Sum, matmul -> MatMul. */
static void op_name(const char *fname, char *out, size_t size)
{
    static const char *const special[][2] = {
        {"subtract", "Sub"}, {"multiply", "Mul"}, {"divide", "truediv"}, {"negative", "Neg"},
        {"matmul", "MatMul"}, {"argmax", "ArgMax"}, {"argmin", "ArgMin"},
        {"transpose", "transpose"}, {"reduce_variance", "Variance"}, {"floormod", "FloorMod"},
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (strcmp(fname, special[i][0]) == 0) {
            snprintf(out, size, "%s", special[i][1]);
            return;
        }
    if (strncmp(fname, "reduce_", 7) == 0)
        fname += 7;
    size_t j = 0;
    bool up = true;
    for (; *fname && j + 1 < size; fname++) {
        if (*fname == '_') {
            up = true;
            continue;
        }
        out[j++] = up ? (char)toupper((unsigned char)*fname) : *fname;
        up = false;
    }
    out[j] = '\0';
}

static bool sym_new(Interp *I, SymKind kind, const char *base, const NativeClass *cls,
                    SymObj **so, Value *out)
{
    SymObj *s = calloc(1, sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->kind = kind;
    s->dtype = -1;
    s->ndim = -1;
    snprintf(s->op, sizeof s->op, "%s", base);
    unique_name(base, s->name, sizeof s->name, cls == &sym_class);
    tf1_nsym++;
    if (!native_obj_new(I, cls, s, out)) {
        sym_finalize(s);
        return false;
    }
    *so = s;
    return true;
}

/* ---- evaluation: replaying a node with its arguments' values ---- */

typedef struct Feed {
    int mode;                   /* 0, 1: stand-ins; 2: fed values */
    SymObj **keys;
    Value *vals;                /* fed, then memoised results */
    int n, cap;
} Feed;

static bool eval_value(Interp *I, Value v, Feed *f, Value *out);

static bool feed_put(Interp *I, Feed *f, SymObj *s, Value v)
{
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 16;
        SymObj **k = realloc(f->keys, (size_t)cap * sizeof *k);
        if (k)
            f->keys = k;
        Value *nv = k ? realloc(f->vals, (size_t)cap * sizeof *nv) : NULL;
        if (!nv)
            return interp_error(I, ERR_MEMORY, "out of memory");
        f->vals = nv;
        f->cap = cap;
    }
    value_incref(v);
    f->keys[f->n] = s;
    f->vals[f->n++] = v;
    return true;
}

static void feed_free(Feed *f)
{
    for (int i = 0; i < f->n; i++)
        value_decref(f->vals[i]);
    free(f->keys);
    free(f->vals);
}

/* Evaluates the symbolic items of a tuple (and of lists inside it, one level). */
static bool eval_items(Interp *I, Value tup, Feed *f, Value *out)
{
    ObjList *l = as_list(tup);
    bool tuple = val_is_obj(tup, OBJ_TUPLE);
    Value r;
    if (!(tuple ? tuple_new(I, l->len, &r) : list_new(I, l->len, &r)))
        return false;
    for (size_t i = 0; i < l->len; i++) {
        Value item, src = l->items[i];
        bool ok = (val_is_obj(src, OBJ_LIST) || val_is_obj(src, OBJ_TUPLE))
                  ? eval_items(I, src, f, &item) : eval_value(I, src, f, &item);
        if (ok && tuple)
            as_list(r)->items[i] = item;
        else if (ok) {
            ok = list_append(I, r, item);
            value_decref(item);
        }
        if (!ok) {
            value_decref(r);
            return false;
        }
    }
    *out = r;
    return true;
}

static bool missing_feed(Interp *I, const SymObj *s)
{
    StrBuf sb;
    sb_init(&sb);
    sb_putc(&sb, '[');
    for (int i = 0; i < s->ndim; i++) {
        if (i)
            sb_putc(&sb, ',');
        if (s->shape[i] < 0)
            sb_putc(&sb, '?');
        else
            sb_printf(&sb, "%lld", (long long)s->shape[i]);
    }
    sb_putc(&sb, ']');
    char base[80];
    snprintf(base, sizeof base, "%s", s->name);
    char *colon = strrchr(base, ':');
    if (colon)
        *colon = '\0';
    const char *dt = s->dtype == NN_F32 ? "float" : s->dtype < 0 ? "unknown"
                   : nn_dtype_name((NnDType)s->dtype);
    bool r = interp_error(I, ERR_VALUE, "You must feed a value for placeholder tensor '%s' with "
                          "dtype %s%s%s", base, dt, s->ndim >= 0 ? " and shape " : "",
                          s->ndim >= 0 ? sb.data : "");
    sb_free(&sb);
    return r;
}

static bool run_minimize(Interp *I, SymObj *s, Feed *f);

static bool eval_node(Interp *I, SymObj *s, Feed *f, Value *out)
{
    Value args = {0}, kw = {0};
    bool ok = false;
    if (s->kind == SYM_PLACEHOLDER)
        return missing_feed(I, s);
    if (s->kind == SYM_NOOP) {
        *out = val_none();
        return true;
    }
    if (s->kind == SYM_MINIMIZE) {
        *out = val_none();
        return run_minimize(I, s, f);
    }
    if (!eval_items(I, s->args, f, &args) ||
        (s->kwvals.kind == VAL_OBJ && !eval_items(I, s->kwvals, f, &kw)))
        goto done;
    ObjList *p = as_list(args);
    if (s->kind == SYM_BINOP)
        ok = s->code >= 100 ? value_compare(I, (CmpOp)(s->code - 100), p->items[0], p->items[1], out)
                            : value_binop(I, (BinOp)s->code, p->items[0], p->items[1], out);
    else if (s->kind == SYM_UNOP)
        ok = value_unop(I, (UnOp)s->code, p->items[0], out);
    else if (s->kind == SYM_GETITEM)
        ok = value_getitem(I, p->items[0], p->items[1], out);
    else {
        const char *kwn[16];
        Args a = {.npos = (int)p->len, .pos = p->items};
        if (kw.kind == VAL_OBJ) {
            a.nkw = (int)as_list(kw)->len;
            for (int i = 0; i < a.nkw && i < 16; i++)
                kwn[i] = str_cstr(as_list(s->kwnames)->items[i]);
            a.kwnames = kwn;
            a.kwvals = as_list(kw)->items;
        }
        ok = s->fn(I, val_none(), &a, out);
    }
done:
    value_decref(args);
    value_decref(kw);
    return ok;
}

static bool eval_value(Interp *I, Value v, Feed *f, Value *out)
{
    SymObj *s = sym_of(v);
    if (!s) {
        value_incref(v);
        *out = v;
        return true;
    }
    if (f->mode < 2 && s->dummy[f->mode].kind != VAL_UNSET) {
        value_incref(s->dummy[f->mode]);
        *out = s->dummy[f->mode];
        return true;
    }
    for (int i = 0; i < f->n; i++)
        if (f->keys[i] == s) {
            value_incref(f->vals[i]);
            *out = f->vals[i];
            return true;
        }
    if (!interp_check_interrupt(I) || !eval_node(I, s, f, out))
        return false;
    return feed_put(I, f, s, *out);
}

/* ---- building nodes ---- */

static bool has_sym(Value v)
{
    if (sym_of(v))
        return true;
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) {
        ObjList *l = as_list(v);
        for (size_t i = 0; i < l->len; i++)
            if (sym_of(l->items[i]))
                return true;
    }
    return false;
}

bool tf1_args_symbolic(const Args *a)
{
    for (int i = 0; i < a->npos; i++)
        if (has_sym(a->pos[i]))
            return true;
    for (int i = 0; i < a->nkw; i++)
        if (has_sym(a->kwvals[i]))
            return true;
    return false;
}

static bool pack(Interp *I, int n, const Value *vals, Value *out)
{
    if (!tuple_new(I, (size_t)n, out))
        return false;
    for (int i = 0; i < n; i++) {
        value_incref(vals[i]);
        as_list(*out)->items[i] = vals[i];
    }
    return true;
}

/* Runs the node on the stand-ins and sets its shape and dtype. */
static bool infer(Interp *I, SymObj *s)
{
    for (int k = 0; k < 2; k++) {
        Feed f = {.mode = k};
        bool ok = eval_node(I, s, &f, &s->dummy[k]);
        feed_free(&f);
        if (!ok && k == 0)
            return false;
        if (!ok) {              /* unusual op: keep the first stand-in's shape */
            interp_clear_error(I);
            value_incref(s->dummy[0]);
            s->dummy[1] = s->dummy[0];
        }
    }
    NnTensor *a = tensor_value_get(s->dummy[0]), *b = tensor_value_get(s->dummy[1]);
    if (!a || !b)
        return true;
    s->dtype = a->dtype;
    s->ndim = a->ndim == b->ndim ? a->ndim : -1;
    for (int i = 0; i < s->ndim; i++)
        s->shape[i] = a->shape[i] == b->shape[i] ? a->shape[i] : -1;
    return true;
}

static bool defer_finish(Interp *I, SymObj *s, Value node, Value *out)
{
    if (!infer(I, s)) {
        value_decref(node);
        return false;
    }
    *out = node;
    return true;
}

bool tf1_defer(Interp *I, NativeFn fn, const char *tfname, const Args *a, Value *out)
{
    char base[40];
    SymObj *s;
    Value node;
    op_name(tfname, base, sizeof base);
    if (!sym_new(I, SYM_CALL, base, &sym_class, &s, &node))
        return false;
    s->fn = fn;
    bool ok = pack(I, a->npos, a->pos, &s->args);
    if (ok && a->nkw) {
        ok = pack(I, a->nkw, a->kwvals, &s->kwvals) && tuple_new(I, (size_t)a->nkw, &s->kwnames);
        for (int i = 0; ok && i < a->nkw; i++)
            ok = str_from_cstr(I, a->kwnames[i], &as_list(s->kwnames)->items[i]);
    }
    if (!ok) {
        value_decref(node);
        return false;
    }
    return defer_finish(I, s, node, out);
}

static bool defer_op(Interp *I, SymKind kind, int code, const char *base, int n, const Value *v,
                     Value *out)
{
    SymObj *s;
    Value node;
    if (!sym_new(I, kind, base, &sym_class, &s, &node))
        return false;
    s->code = code;
    if (!pack(I, n, v, &s->args)) {
        value_decref(node);
        return false;
    }
    return defer_finish(I, s, node, out);
}

static bool sym_binop(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled)
{
    static const char *const names[BIN_COUNT] = {
        [BIN_ADD] = "add", [BIN_SUB] = "sub", [BIN_MUL] = "mul", [BIN_DIV] = "truediv",
        [BIN_FLOORDIV] = "floordiv", [BIN_MOD] = "mod", [BIN_POW] = "pow",
        [BIN_MATMUL] = "matmul",
    };
    *handled = names[op] != NULL;
    if (!*handled)
        return true;
    return defer_op(I, SYM_BINOP, op, names[op], 2, (Value[]){a, b}, out);
}

static bool sym_compare(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled)
{
    const char *name = op == CMP_LT ? "Less" : op == CMP_LE ? "LessEqual"
                     : op == CMP_GT ? "Greater" : op == CMP_GE ? "GreaterEqual" : NULL;
    *handled = name != NULL;
    if (!name)
        return true;
    return defer_op(I, SYM_BINOP, 100 + op, name, 2, (Value[]){a, b}, out);
}

static bool sym_unop(Interp *I, UnOp op, Value self, Value *out)
{
    if (op == UN_NOT)
        return interp_error(I, ERR_TYPE, "Using a symbolic `tf.Tensor` as a Python `bool` is "
                            "not allowed: run it in a Session first.");
    return defer_op(I, SYM_UNOP, op, op == UN_NEG ? "Neg" : op == UN_POS ? "Identity" : "Invert",
                    1, &self, out);
}

static bool sym_getitem(Interp *I, Value self, Value key, Value *out)
{
    return defer_op(I, SYM_GETITEM, 0, "strided_slice", 2, (Value[]){self, key}, out);
}

/* ---- display and attributes ---- */

static void shape_text(const SymObj *s, StrBuf *sb)
{
    if (s->ndim < 0) {
        sb_puts(sb, "<unknown>");
        return;
    }
    sb_putc(sb, '(');
    for (int i = 0; i < s->ndim; i++) {
        if (i)
            sb_puts(sb, ", ");
        if (s->shape[i] < 0)
            sb_puts(sb, "None");
        else
            sb_printf(sb, "%lld", (long long)s->shape[i]);
    }
    sb_puts(sb, s->ndim == 1 ? ",)" : ")");
}

static const char *dtype_text(const SymObj *s)
{
    return s->dtype < 0 ? "unknown" : nn_dtype_name((NnDType)s->dtype);
}

static bool sym_str(Interp *I, Value self, StrBuf *sb)
{
    SymObj *s = sym_of(self);
    (void)I;
    sb_printf(sb, "Tensor(\"%s\", shape=", s->name);
    shape_text(s, sb);
    sb_printf(sb, ", dtype=%s)", dtype_text(s));
    return true;
}

static bool sym_repr(Interp *I, Value self, StrBuf *sb)
{
    SymObj *s = sym_of(self);
    (void)I;
    sb_printf(sb, "<tf.Tensor '%s' shape=", s->name);
    shape_text(s, sb);
    sb_printf(sb, " dtype=%s>", dtype_text(s));
    return true;
}

static bool op_repr(Interp *I, Value self, StrBuf *sb)
{
    SymObj *s = sym_of(self);
    (void)I;
    sb_printf(sb, "<tf.Operation '%s' type=%s>", s->name, s->op);
    return true;
}

static bool run_fetches(Interp *I, Value fetches, Value feed_dict, Value *out);

static bool sym_eval(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    if (!args_parse(I, "eval", a, "feed_dict=, session=", v))
        return false;
    return run_fetches(I, self, v[0], out);
}

static const NativeDef sym_methods[] = {
    {"eval", sym_eval, "eval(feed_dict=None, session=None)",
     "The value of this symbolic tensor, computed with the fed placeholders (as sess.run)."},
    {NULL, NULL, NULL, NULL}
};

static bool sym_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    SymObj *s = sym_of(self);
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, s->name, out);
    if (strcmp(name, "dtype") == 0 && s->dtype >= 0)
        return tensor_dtype_value(I, (NnDType)s->dtype, DTYPE_TF, out);
    if (strcmp(name, "shape") == 0 && s->ndim >= 0) {
        if (!tuple_new(I, (size_t)s->ndim, out))
            return false;
        for (int i = 0; i < s->ndim; i++)
            as_list(*out)->items[i] = s->shape[i] < 0 ? val_none() : val_int(s->shape[i]);
        return true;
    }
    if (strcmp(name, "ndim") == 0 && s->ndim >= 0) {
        *out = val_int(s->ndim);
        return true;
    }
    *found = false;
    return true;
}

static const char *const sym_attrs[] = {"name", "shape", "dtype", "ndim", NULL};

static const NativeClass sym_class = {
    .name = "Tensor", .finalize = sym_finalize, .getattr = sym_getattr, .repr = sym_repr,
    .str = sym_str, .binop = sym_binop, .compare = sym_compare, .unop = sym_unop,
    .getitem = sym_getitem, .attrs = sym_attrs, .methods = sym_methods + 0,
    .doc = "A symbolic TF1 tensor: a placeholder or a result computed from one.\n"
           "Its value comes from sess.run(t, feed_dict={x: ...}).",
};

static const NativeClass op_class = {
    .name = "Operation", .finalize = sym_finalize, .repr = op_repr,
    .doc = "A TF1 operation run for its effect: sess.run(op) returns None.",
};

/* ---- tf.placeholder ---- */

static bool shape_spec(Interp *I, Value v, SymObj *s)
{
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        s->ndim = -1;
        return true;
    }
    if (!val_is_obj(v, OBJ_LIST) && !val_is_obj(v, OBJ_TUPLE)) {
        int nd;
        return tensor_shape_arg(I, "placeholder", v, &nd, s->shape) && ((s->ndim = nd), true);
    }
    ObjList *l = as_list(v);
    if (l->len > NN_MAXDIM)
        return interp_error(I, ERR_VALUE, "placeholder: at most %d dimensions", NN_MAXDIM);
    s->ndim = (int)l->len;
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i].kind == VAL_NONE)
            s->shape[i] = -1;
        else if (!arg_int(I, "placeholder", "shape", l->items[i], &s->shape[i]))
            return false;
        else if (s->shape[i] < 0)
            s->shape[i] = -1;
    }
    return true;
}

static bool placeholder_dummy(Interp *I, SymObj *s, int k)
{
    int64_t shape[NN_MAXDIM];
    for (int i = 0; i < s->ndim; i++)
        shape[i] = s->shape[i] < 0 ? k + 1 : s->shape[i];
    NnTensor *t = nn_tensor_full(interp_nn(I), (NnDType)s->dtype, s->ndim < 0 ? 0 : s->ndim,
                                 shape, 1.0);
    return tensor_value_wrap(I, t, TENSOR_TF, &s->dummy[k]);
}

static bool tf1_placeholder(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], node;
    NnDType dt;
    const char *name = "Placeholder";
    SymObj *s;
    (void)self;
    if (!args_parse(I, "placeholder", a, "dtype, shape=, name=", v) ||
        !tensor_dtype_from_value(I, v[0], &dt) ||
        (v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE && !arg_str(I, "placeholder", "name", v[2], &name)))
        return false;
    if (!sym_new(I, SYM_PLACEHOLDER, name, &sym_class, &s, &node))
        return false;
    s->dtype = dt;
    snprintf(s->op, sizeof s->op, "Placeholder");
    if (!shape_spec(I, v[1], s) || !placeholder_dummy(I, s, 0) || !placeholder_dummy(I, s, 1)) {
        value_decref(node);
        return false;
    }
    *out = node;
    return true;
}

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
    SymObj *s = sym_of(v);
    if ((s && s->kind == SYM_MINIMIZE) != (phase == 1)) {
        *out = val_none();
        return true;
    }
    Value r;
    if (!eval_value(I, v, f, &r))
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
    shape_text(s, &sb);
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
        SymObj *s = e->key.kind == VAL_UNSET ? NULL : sym_of(e->key);
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
        bool ok = feed_put(I, f, s, v);
        value_decref(v);
        if (!ok)
            return false;
    }
    return true;
}

static int nfed_of(const Feed *f) { return f->n; }

static Feed *current_feed;      /* the run in progress (training steps copy its feeds) */
static int current_nfed;

static bool run_fetches(Interp *I, Value fetches, Value feed_dict, Value *out)
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
    feed_free(&f);
    return ok;
}

/* ---- training steps: tf.train.GradientDescentOptimizer(lr).minimize(loss) ---- */

typedef struct LossRun { SymObj *s; Feed *f; Value loss; } LossRun;

static bool eval_loss(Interp *I, void *ud)
{
    LossRun *lr = ud;
    return eval_value(I, as_list(lr->s->args)->items[0], lr->f, &lr->loss);
}

static bool run_minimize(Interp *I, SymObj *s, Feed *outer)
{
    Feed f = {.mode = 2};
    bool ok = true;
    for (int i = 0; ok && outer == current_feed && i < current_nfed; i++)
        ok = feed_put(I, &f, outer->keys[i], outer->vals[i]);
    LossRun lr = {.s = s, .f = &f};
    NnTape *tp = ok ? autodiff_run_recorded(I, eval_loss, &lr) : NULL;
    if (tp)
        ok = autodiff_descend(I, tp, tensor_value_get(lr.loss), s->lr);
    else
        ok = false;
    nn_tape_free(tp);
    value_decref(lr.loss);
    feed_free(&f);
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
    return run_fetches(I, v[0], v[1], out);
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
    return native_obj_new(I, &sess_class, s, out) ? true : (free(s), false);
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
    if (!sym_new(I, SYM_MINIMIZE, "GradientDescent", &op_class, &s, &node))
        return false;
    s->lr = ((OptObj *)native_obj_data(self, &gd_class))->lr;
    if (!pack(I, 1, v, &s->args)) {
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
    return native_obj_new(I, &gd_class, o, out) ? true : (free(o), false);
}

/* ---- module functions ---- */

static bool tf1_initializer(Interp *I, Value self, const Args *a, Value *out)
{
    SymObj *s;
    (void)self;
    (void)a;
    if (!sym_new(I, SYM_NOOP, "init", &op_class, &s, out))
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
    nnames = 0;
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

/* tf.compat.v1: every name of tf plus the TF1 ones; tf.compat.v2 is not provided. */
bool tf1_add_compat(Interp *I, Value tf)
{
    Value compat, v1, names;
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

/* ---- graph() of a symbolic tensor ---- */

int tf1_graph_add(Interp *I, GraphB *g, Value v)
{
    SymObj *s = sym_of(v);
    bool is_new;
    if (!s) {
        NnTensor *t = tensor_value_get(v);
        return t ? graph_tensor(I, g, t) : -2;     /* -2: not a tensor (an attribute) */
    }
    int id = graph_node(I, g, s, &is_new);
    if (id < 0 || !is_new)
        return id;
    StrBuf info;
    sb_init(&info);
    graph_info(&info, s->ndim, s->shape, s->dtype);
    char op[160];
    snprintf(op, sizeof op, "%s (%s)", s->op, s->name);
    bool ok = graph_set(I, g, id, op, info.data ? info.data : "");
    sb_free(&info);
    ObjList *l = s->args.kind == VAL_OBJ ? as_list(s->args) : NULL;
    for (size_t i = 0; ok && l && i < l->len; i++) {
        Value item = l->items[i];
        ObjList *inner = val_is_obj(item, OBJ_LIST) || val_is_obj(item, OBJ_TUPLE) ? as_list(item) : NULL;
        size_t n = inner ? inner->len : 1;
        for (size_t j = 0; ok && j < n; j++) {
            int k = tf1_graph_add(I, g, inner ? inner->items[j] : item);
            ok = k != -1 && (k == -2 || graph_edge(I, g, id, k));
        }
    }
    return ok ? id : -1;
}
