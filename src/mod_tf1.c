/* mod_tf1.c - TensorFlow 1 style graphs on top of eager nnsh: placeholders
 * and symbolic tensors, the deferred calls and their replay, and graph()
 * of a symbolic tensor.  Session.run, training steps and the TF1 names of
 * the tensorflow module are in mod_tf1_session.c.
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
#include "tf1_int.h"

int tf1_nsym;



SymObj *tf1_sym_of(Value v)
{
    SymObj *s = native_obj_data(v, &tf1_sym_class);
    return s ? s : native_obj_data(v, &tf1_op_class);
}

bool tf1_is_symbolic(Value v) { return tf1_sym_of(v) != NULL; }

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

void tf1_reset_names(void)
{
    nnames = 0;
}

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

bool tf1_sym_new(Interp *I, SymKind kind, const char *base, const NativeClass *cls,
                    SymObj **so, Value *out)
{
    SymObj *s = calloc(1, sizeof *s);
    if (!s)
        return interp_error(I, ERR_MEMORY, "out of memory");
    s->kind = kind;
    s->dtype = -1;
    s->ndim = -1;
    snprintf(s->op, sizeof s->op, "%s", base);
    unique_name(base, s->name, sizeof s->name, cls == &tf1_sym_class);
    tf1_nsym++;
    if (!native_obj_new(I, cls, s, out))   /* finalizes s on failure */
        return false;
    *so = s;
    return true;
}

/* ---- evaluation: replaying a node with its arguments' values ---- */


bool tf1_eval(Interp *I, Value v, Feed *f, Value *out);

bool tf1_feed_put(Interp *I, Feed *f, SymObj *s, Value v)
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

void tf1_feed_free(Feed *f)
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
                  ? eval_items(I, src, f, &item) : tf1_eval(I, src, f, &item);
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
        return tf1_run_minimize(I, s, f);
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

bool tf1_eval(Interp *I, Value v, Feed *f, Value *out)
{
    SymObj *s = tf1_sym_of(v);
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
    return tf1_feed_put(I, f, s, *out);
}

/* ---- building nodes ---- */

static bool has_sym(Value v)
{
    if (tf1_sym_of(v))
        return true;
    if (val_is_obj(v, OBJ_LIST) || val_is_obj(v, OBJ_TUPLE)) {
        ObjList *l = as_list(v);
        for (size_t i = 0; i < l->len; i++)
            if (tf1_sym_of(l->items[i]))
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

bool tf1_pack(Interp *I, int n, const Value *vals, Value *out)
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
        tf1_feed_free(&f);
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
    if (!tf1_sym_new(I, SYM_CALL, base, &tf1_sym_class, &s, &node))
        return false;
    s->fn = fn;
    bool ok = tf1_pack(I, a->npos, a->pos, &s->args);
    if (ok && a->nkw) {
        ok = tf1_pack(I, a->nkw, a->kwvals, &s->kwvals) && tuple_new(I, (size_t)a->nkw, &s->kwnames);
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
    if (!tf1_sym_new(I, kind, base, &tf1_sym_class, &s, &node))
        return false;
    s->code = code;
    if (!tf1_pack(I, n, v, &s->args)) {
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

void tf1_shape_text(const SymObj *s, StrBuf *sb)
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
    SymObj *s = tf1_sym_of(self);
    (void)I;
    sb_printf(sb, "Tensor(\"%s\", shape=", s->name);
    tf1_shape_text(s, sb);
    sb_printf(sb, ", dtype=%s)", dtype_text(s));
    return true;
}

static bool sym_repr(Interp *I, Value self, StrBuf *sb)
{
    SymObj *s = tf1_sym_of(self);
    (void)I;
    sb_printf(sb, "<tf.Tensor '%s' shape=", s->name);
    tf1_shape_text(s, sb);
    sb_printf(sb, " dtype=%s>", dtype_text(s));
    return true;
}

static bool op_repr(Interp *I, Value self, StrBuf *sb)
{
    SymObj *s = tf1_sym_of(self);
    (void)I;
    sb_printf(sb, "<tf.Operation '%s' type=%s>", s->name, s->op);
    return true;
}


static bool sym_eval(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    if (!args_parse(I, "eval", a, "feed_dict=, session=", v))
        return false;
    return tf1_run_fetches(I, self, v[0], out);
}

static const NativeDef sym_methods[] = {
    {"eval", sym_eval, "eval(feed_dict=None, session=None)",
     "The value of this symbolic tensor, computed with the fed placeholders (as sess.run)."},
    {NULL, NULL, NULL, NULL}
};

static bool sym_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    SymObj *s = tf1_sym_of(self);
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

const NativeClass tf1_sym_class = {
    .name = "Tensor", .finalize = sym_finalize, .getattr = sym_getattr, .repr = sym_repr,
    .str = sym_str, .binop = sym_binop, .compare = sym_compare, .unop = sym_unop,
    .getitem = sym_getitem, .attrs = sym_attrs, .methods = sym_methods + 0,
    .doc = "A symbolic TF1 tensor: a placeholder or a result computed from one.\n"
           "Its value comes from sess.run(t, feed_dict={x: ...}).",
};

const NativeClass tf1_op_class = {
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

bool tf1_placeholder(Interp *I, Value self, const Args *a, Value *out)
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
    if (!tf1_sym_new(I, SYM_PLACEHOLDER, name, &tf1_sym_class, &s, &node))
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

/* ---- graph() of a symbolic tensor ---- */

int tf1_graph_add(Interp *I, GraphB *g, Value v)
{
    SymObj *s = tf1_sym_of(v);
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
