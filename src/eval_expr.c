/* eval_expr.c - evaluation of expressions: literals, names (local, cell,
 * free, global, built-in), operators (chained comparisons evaluate each
 * operand once; and/or return an operand), calls with star-args and keyword dicts,
 * attributes, subscripts and slices, f-strings, lambdas and comprehensions
 * (each in its own scope).  Part of the language core (see object.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"


/* ---- names ---- */

static bool name_error(Interp *I, const char *name)
{
    Value names;
    const char *hint = NULL;
    if (interp_visible_names(I, &names)) {
        hint = suggest_name(name, names);
        if (hint)
            interp_error(I, ERR_NAME, "name '%s' is not defined. Did you mean: '%s'?", name, hint);
        value_decref(names);
    }
    if (!hint)
        interp_error(I, ERR_NAME, "name '%s' is not defined", name);
    return false;
}

static bool unbound_local(Interp *I, const char *name)
{
    interp_error(I, ERR_NAME, "cannot access local variable '%s' where it is not associated with a value", name);
    Value msg, exc;
    if (str_from_cstr(I, I->err_msg, &msg)) {
        if (exc_new(I, I->exc[X_UNBOUND], &msg, 1, &exc)) {
            ((ObjInstance *)exc.as.o)->msg = strdup(I->err_msg);
            I->err_exc = exc;
        }
        value_decref(msg);
    }
    return false;
}

static bool load_global(Interp *I, const char *name, Value *out)
{
    DictEntry *e = dict_find_cstr(I->globals, name);
    if (!e)
        e = dict_find_cstr(I->builtins, name);
    if (!e)
        return name_error(I, name);
    value_incref(e->value);
    *out = e->value;
    return true;
}

bool eval_load_name(Interp *I, const char *name, Value *out)
{
    Frame *f = I->frame;
    int idx = 0, k = f ? code_lookup(f->code, name, &idx) : 0;
    DictEntry *e;
    ObjCell *cell;
    switch (k) {
    case SC_LOCAL:
        e = dict_find_cstr(f->locals, name);
        if (e) {
            value_incref(e->value);
            *out = e->value;
            return true;
        }
        if (f->code->is_class)
            return load_global(I, name, out);
        return unbound_local(I, name);
    case SC_CELL: case SC_FREE:
        if (k == SC_CELL) {
            e = dict_find_cstr(f->locals, name);
            cell = e && val_is_obj(e->value, OBJ_CELL) ? (ObjCell *)e->value.as.o : NULL;
        } else {
            cell = f->closure ? f->closure[idx] : NULL;
        }
        if (cell && cell->v.kind != VAL_UNSET) {
            value_incref(cell->v);
            *out = cell->v;
            return true;
        }
        if (k == SC_CELL)
            return unbound_local(I, name);
        return interp_error(I, ERR_NAME,
                            "cannot access free variable '%s' where it is not associated with a value in enclosing scope", name);
    default:
        if (f && f->code && f->code->is_class && f->locals.kind == VAL_OBJ &&
            (e = dict_find_cstr(f->locals, name))) {   /* a class body's namespace first */
            value_incref(e->value);
            *out = e->value;
            return true;
        }
        return load_global(I, name, out);
    }
}

/* The cell for name in frame f (SC_CELL or SC_FREE), or NULL. */
static ObjCell *frame_cell(Frame *f, const char *name, int k, int idx)
{
    if (k == SC_FREE)
        return f->closure ? f->closure[idx] : NULL;
    DictEntry *e = dict_find_cstr(f->locals, name);
    return e && val_is_obj(e->value, OBJ_CELL) ? (ObjCell *)e->value.as.o : NULL;
}

bool eval_store_name(Interp *I, const char *name, Value v)
{
    Frame *f = I->frame;
    int idx = 0, k = f ? code_lookup(f->code, name, &idx) : 0;
    if (k == SC_LOCAL)
        return dict_set_str(I, f->locals, name, v);
    if (k == SC_CELL || k == SC_FREE) {
        ObjCell *c = frame_cell(f, name, k, idx);
        if (!c)
            return interp_error(I, ERR_RUNTIME, "no cell for '%s'", name);
        value_incref(v);
        value_decref(c->v);
        c->v = v;
        return true;
    }
    return dict_set_str(I, I->globals, name, v);
}

bool eval_delete_name(Interp *I, const char *name)
{
    Frame *f = I->frame;
    int idx = 0, k = f ? code_lookup(f->code, name, &idx) : 0;
    Value key;
    bool found = false;
    if (k == SC_CELL || k == SC_FREE) {
        ObjCell *c = frame_cell(f, name, k, idx);
        if (!c || c->v.kind == VAL_UNSET)
            return unbound_local(I, name);
        value_decref(c->v);
        c->v = (Value){VAL_UNSET, {0}};
        return true;
    }
    Value dict = k == SC_LOCAL ? f->locals : I->globals;
    if (!str_from_cstr(I, name, &key))
        return false;
    bool ok = dict_del(I, dict, key, &found);
    value_decref(key);
    if (ok && !found)
        return k == SC_LOCAL ? unbound_local(I, name) : name_error(I, name);
    return ok;
}

/* ---- displays ---- */

static bool eval_seq_items(Interp *I, const NodeList *items, Value list)
{
    for (int i = 0; i < items->n; i++) {
        const Node *it = items->items[i];
        Value v;
        bool ok;
        if (it->kind == NODE_STARRED) {
            Value src, l;
            if (!eval_expr(I, it->u.starred.value, &src))
                return false;
            ok = value_to_list(I, src, &l);
            value_decref(src);
            if (!ok)
                return false;
            for (size_t j = 0; ok && j < as_list(l)->len; j++)
                ok = list_append(I, list, as_list(l)->items[j]);
            value_decref(l);
            if (!ok)
                return false;
            continue;
        }
        if (!eval_expr(I, it, &v))
            return false;
        ok = list_append(I, list, v);
        value_decref(v);
        if (!ok)
            return false;
    }
    return true;
}

/* What CPython's AST optimizer folds to a constant (literals, and unary
 * and binary operators over them). */
static bool is_constant(const Node *n)
{
    switch (n->kind) {
    case NODE_INT: case NODE_FLOAT: case NODE_STR: case NODE_TRUE: case NODE_FALSE:
    case NODE_NONE: case NODE_ELLIPSIS:
        return true;
    case NODE_UNARY: return n->u.unary.op != UN_NOT && is_constant(n->u.unary.operand);
    case NODE_BINARY: return is_constant(n->u.binary.left) && is_constant(n->u.binary.right);
    default: return false;
    }
}

static bool all_constant(const NodeList *items)
{
    for (int i = 0; i < items->n; i++)
        if (!is_constant(items->items[i]))
            return false;
    return true;
}

static bool eval_display(Interp *I, const Node *n, Value *out)
{
    Value l;
    if (!list_new(I, (size_t)n->u.seq.items.n, &l))
        return false;
    if (!eval_seq_items(I, &n->u.seq.items, l)) {
        value_decref(l);
        return false;
    }
    if (n->kind == NODE_LIST) {
        *out = l;
        return true;
    }
    bool ok;
    if (n->kind == NODE_TUPLE) {
        ok = list_copy_items(I, as_list(l), 0, as_list(l)->len, true, out);
    } else {
        ok = pyset_display(I, l, all_constant(&n->u.seq.items), out);
    }
    value_decref(l);
    return ok;
}

static bool dict_merge_into(Interp *I, Value d, Value src)
{
    if (!val_is_obj(src, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "'%s' object is not a mapping", value_type_name(src));
    size_t pos = 0;
    Value k, v;
    while (dict_next(src, &pos, &k, &v))
        if (!dict_set(I, d, k, v))
            return false;
    return true;
}

static bool eval_dict(Interp *I, const Node *n, Value *out)
{
    Value d;
    if (!dict_new(I, &d))
        return false;
    for (int i = 0; i < n->u.dict.keys.n; i++) {
        Value k = {VAL_UNSET, {0}}, v;
        const Node *kn = n->u.dict.keys.items[i];
        if (kn && !eval_expr(I, kn, &k))
            goto fail;
        if (!eval_expr(I, n->u.dict.values.items[i], &v)) {
            value_decref(k);
            goto fail;
        }
        bool ok = kn ? dict_set(I, d, k, v) : dict_merge_into(I, d, v);
        value_decref(k);
        value_decref(v);
        if (!ok)
            goto fail;
    }
    *out = d;
    return true;
fail:
    value_decref(d);
    return false;
}

/* ---- operators ---- */

static bool eval_binary(Interp *I, const Node *n, Value *out)
{
    Value a, b;
    if (!eval_expr(I, n->u.binary.left, &a))
        return false;
    if (!eval_expr(I, n->u.binary.right, &b)) {
        value_decref(a);
        return false;
    }
    I->cur_node = n;
    bool ok = value_binop(I, n->u.binary.op, a, b, out);
    value_decref(a);
    value_decref(b);
    return ok;
}

static bool eval_boolop(Interp *I, const Node *n, Value *out)
{
    Value v = {VAL_UNSET, {0}};
    for (int i = 0; i < n->u.boolop.values.n; i++) {
        bool t;
        value_decref(v);
        if (!eval_expr(I, n->u.boolop.values.items[i], &v))
            return false;
        if (i == n->u.boolop.values.n - 1)
            break;
        if (!value_truth(I, v, &t)) {
            value_decref(v);
            return false;
        }
        if (t != n->u.boolop.is_and)
            break;
    }
    *out = v;
    return true;
}

static bool eval_compare(Interp *I, const Node *n, Value *out)
{
    Value left, right, r = {VAL_UNSET, {0}};
    if (!eval_expr(I, n->u.compare.left, &left))
        return false;
    for (int i = 0; i < n->u.compare.rights.n; i++) {
        bool t = true;
        if (!eval_expr(I, n->u.compare.rights.items[i], &right)) {
            value_decref(left);
            return false;
        }
        I->cur_node = n;
        value_decref(r);
        bool ok = value_compare(I, n->u.compare.ops[i], left, right, &r);
        value_decref(left);
        left = right;
        if (ok && i + 1 < n->u.compare.rights.n)
            ok = value_truth(I, r, &t);
        if (!ok) {
            value_decref(left);
            return false;
        }
        if (!t)
            break;
    }
    value_decref(left);
    *out = r;
    return true;
}

/* ---- calls ---- */

typedef struct ArgBuf {
    Value *pos;
    int npos, cappos;
    const char **kwnames;
    Value *kwvals;
    int nkw, capkw;
    Value keep;          /* list holding the str keys of ** dicts alive */
} ArgBuf;

static bool argbuf_push(Interp *I, ArgBuf *b, Value v)
{
    if (b->npos == b->cappos) {
        int cap = b->cappos ? b->cappos * 2 : 8;
        Value *p = realloc(b->pos, (size_t)cap * sizeof(Value));
        if (!p)
            return interp_error(I, ERR_MEMORY, "out of memory");
        b->pos = p;
        b->cappos = cap;
    }
    value_incref(v);
    b->pos[b->npos++] = v;
    return true;
}

static bool argbuf_kw(Interp *I, ArgBuf *b, const char *name, Value v, const char *fname)
{
    for (int i = 0; i < b->nkw; i++)
        if (strcmp(b->kwnames[i], name) == 0)
            return interp_error(I, ERR_TYPE, "%s() got multiple values for keyword argument '%s'",
                                fname, name);
    if (b->nkw == b->capkw) {
        int cap = b->capkw ? b->capkw * 2 : 8;
        const char **n = realloc(b->kwnames, (size_t)cap * sizeof(char *));
        if (n)
            b->kwnames = n;
        Value *p = n ? realloc(b->kwvals, (size_t)cap * sizeof(Value)) : NULL;
        if (!p)
            return interp_error(I, ERR_MEMORY, "out of memory");
        b->kwvals = p;
        b->capkw = cap;
    }
    value_incref(v);
    b->kwnames[b->nkw] = name;
    b->kwvals[b->nkw++] = v;
    return true;
}

static void argbuf_free(ArgBuf *b)
{
    for (int i = 0; i < b->npos; i++)
        value_decref(b->pos[i]);
    for (int i = 0; i < b->nkw; i++)
        value_decref(b->kwvals[i]);
    free(b->pos);
    free(b->kwnames);
    free(b->kwvals);
    value_decref(b->keep);
}

static bool add_star(Interp *I, ArgBuf *b, Value v)
{
    Value l;
    if (!value_to_list(I, v, &l))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(l)->len; i++)
        ok = argbuf_push(I, b, as_list(l)->items[i]);
    value_decref(l);
    return ok;
}

static bool add_dstar(Interp *I, ArgBuf *b, Value v, const char *fname)
{
    if (!val_is_obj(v, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "%s() argument after ** must be a mapping, not %s",
                            fname, value_type_name(v));
    if (b->keep.kind == VAL_UNSET && !list_new(I, 0, &b->keep))
        return false;
    if (!list_append(I, b->keep, v))
        return false;
    size_t pos = 0;
    Value k, x;
    while (dict_next(v, &pos, &k, &x)) {
        if (!val_is_obj(k, OBJ_STR))
            return interp_error(I, ERR_TYPE, "keywords must be strings");
        if (!argbuf_kw(I, b, str_cstr(k), x, fname))
            return false;
    }
    return true;
}

/* The name Python's call errors use: __main__.f, __main__.A.m for user
 * functions and methods (a per-thread buffer), print for built-ins. */
static const char *callee_name(Value fn)
{
    static _Thread_local char buf[200];
    if (val_is_obj(fn, OBJ_BOUND))
        fn = ((ObjBound *)fn.as.o)->fn;
    if (val_is_obj(fn, OBJ_FUNC)) {
        char q[160];
        func_qualname((ObjFunc *)fn.as.o, q, sizeof q);
        snprintf(buf, sizeof buf, "__main__.%s", q);
        return buf;
    }
    if (val_is_obj(fn, OBJ_NATIVE))
        return ((ObjNativeFn *)fn.as.o)->qualname;
    if (val_is_obj(fn, OBJ_TYPE))
        return ((ObjType *)fn.as.o)->name;
    return value_type_name(fn);
}

/* Can v be iterated at all (for the wording of f(*v) errors)? */
static bool iterable(Value v)
{
    Value fn;
    if (v.kind != VAL_OBJ)
        return false;
    switch (v.as.o->kind) {
    case OBJ_INSTANCE:
        return type_lookup(((ObjInstance *)v.as.o)->cls, "__iter__", &fn) ||
               type_lookup(((ObjInstance *)v.as.o)->cls, "__getitem__", &fn);
    case OBJ_NATIVE_OBJ:
        return ((ObjNativeObj *)v.as.o)->cls->iter || ((ObjNativeObj *)v.as.o)->cls->next;
    case OBJ_FUNC: case OBJ_NATIVE: case OBJ_BOUND: case OBJ_MODULE: case OBJ_TYPE:
    case OBJ_CELL: case OBJ_SLICE:
        return false;
    default:
        return true;
    }
}

static bool eval_args(Interp *I, const NodeList *args, Value fn, ArgBuf *b)
{
    for (int i = 0; i < args->n; i++) {
        const Node *a = args->items[i];
        Value v;
        if (!eval_expr(I, a->u.arg.value, &v))
            return false;
        bool ok;
        switch (a->u.arg.kind) {
        case ARG_POS: ok = argbuf_push(I, b, v); break;
        case ARG_STAR:
            ok = add_star(I, b, v);
            if (!ok && interp_error_kind(I) == ERR_TYPE && !iterable(v)) {
                interp_clear_error(I);
                interp_error(I, ERR_TYPE, "%s() argument after * must be an iterable, not %s",
                             callee_name(fn), value_type_name(v));
            }
            break;
        case ARG_KW: ok = argbuf_kw(I, b, a->u.arg.name, v, callee_name(fn)); break;
        default: ok = add_dstar(I, b, v, callee_name(fn)); break;
        }
        value_decref(v);
        if (!ok)
            return false;
    }
    return true;
}

static bool eval_call(Interp *I, const Node *n, Value *out)
{
    Value fn;
    ArgBuf b;
    memset(&b, 0, sizeof b);
    if (!eval_expr(I, n->u.call.func, &fn))
        return false;
    bool ok = eval_args(I, &n->u.call.args, fn, &b);
    if (ok) {
        Args a = {b.npos, b.pos, b.nkw, b.kwnames, b.kwvals};
        I->cur_node = n;
        ok = value_call(I, fn, &a, out);
    }
    argbuf_free(&b);
    value_decref(fn);
    return ok;
}

/* ---- subscripts ---- */

static bool eval_slice(Interp *I, const Node *n, Value *out)
{
    ObjSlice *s = (ObjSlice *)obj_alloc(I, OBJ_SLICE, sizeof(ObjSlice));
    if (!s)
        return false;
    Value v = val_obj(&s->obj);
    if ((n->u.slice.lower && !eval_expr(I, n->u.slice.lower, &s->lower)) ||
        (n->u.slice.upper && !eval_expr(I, n->u.slice.upper, &s->upper)) ||
        (n->u.slice.step && !eval_expr(I, n->u.slice.step, &s->step))) {
        value_decref(v);
        return false;
    }
    *out = v;
    return true;
}

static bool eval_index(Interp *I, const Node *n, Value *out)
{
    Value obj, key;
    if (!eval_expr(I, n->u.index.object, &obj))
        return false;
    if (!eval_expr(I, n->u.index.index, &key)) {
        value_decref(obj);
        return false;
    }
    I->cur_node = n;
    bool ok = value_getitem(I, obj, key, out);
    value_decref(obj);
    value_decref(key);
    return ok;
}

static bool eval_attr(Interp *I, const Node *n, Value *out)
{
    Value obj;
    if (!eval_expr(I, n->u.attr.object, &obj))
        return false;
    I->cur_node = n;
    bool ok = value_getattr(I, obj, n->u.attr.name, out);
    value_decref(obj);
    return ok;
}

/* ---- f-strings ---- */

static bool eval_formatted(Interp *I, const Node *n, StrBuf *sb)
{
    Value v, spec = {VAL_UNSET, {0}};
    char conv = n->u.fmt.conv;
    if (n->u.fmt.self_doc) {
        const char *d = n->u.fmt.self_doc;
        size_t len = strlen(d), k = len;
        sb_puts(sb, d);
        while (k && (d[k - 1] == ' ' || d[k - 1] == '\t'))
            k--;
        if (!k || d[k - 1] != '=')
            sb_putc(sb, '=');
        if (!conv && !n->u.fmt.spec)
            conv = 'r';
    }
    if (!eval_expr(I, n->u.fmt.value, &v))
        return false;
    if (n->u.fmt.spec && !eval_expr(I, n->u.fmt.spec, &spec)) {
        value_decref(v);
        return false;
    }
    bool ok = true;
    if (conv == 'r' || conv == 'a' || conv == 's') {
        StrBuf tmp;
        sb_init(&tmp);
        ok = conv == 's' ? value_str(I, v, &tmp) : value_repr(I, v, &tmp);
        value_decref(v);
        v = (Value){VAL_UNSET, {0}};
        ok = ok && sb_to_str(I, &tmp, &v);
        if (!ok)
            sb_free(&tmp);
    }
    if (ok) {
        if (spec.kind == VAL_OBJ)
            ok = format_value(I, v, str_cstr(spec), as_str(spec)->len, sb);
        else
            ok = format_value(I, v, "", 0, sb);
    }
    value_decref(v);
    value_decref(spec);
    return ok;
}

static bool eval_fstring(Interp *I, const Node *n, Value *out)
{
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < n->u.fstr.parts.n; i++) {
        const Node *p = n->u.fstr.parts.items[i];
        if (p->kind == NODE_STR) {
            sb_append(&sb, p->u.str.s, p->u.str.len);
        } else if (p->kind == NODE_FORMATTED) {
            if (!eval_formatted(I, p, &sb)) {
                sb_free(&sb);
                return false;
            }
        } else {
            Value v;
            bool ok = eval_expr(I, p, &v);
            if (ok) {
                ok = value_str(I, v, &sb);
                value_decref(v);
            }
            if (!ok) {
                sb_free(&sb);
                return false;
            }
        }
    }
    return sb_to_str(I, &sb, out);
}

/* ---- comprehensions ---- */

typedef struct Comp {
    const Node *n;
    Value result;
} Comp;

static bool comp_emit(Interp *I, Comp *c)
{
    Value v, k;
    const Node *n = c->n;
    if (n->kind == NODE_DICTCOMP) {
        if (!eval_expr(I, n->u.comp.key, &k))
            return false;
        if (!eval_expr(I, n->u.comp.elt, &v)) {
            value_decref(k);
            return false;
        }
        bool ok = dict_set(I, c->result, k, v);
        value_decref(k);
        value_decref(v);
        return ok;
    }
    if (!eval_expr(I, n->u.comp.elt, &v))
        return false;
    bool ok = n->kind == NODE_SETCOMP ? set_add(I, c->result, v) : list_append(I, c->result, v);
    value_decref(v);
    return ok;
}

static bool comp_loop(Interp *I, Comp *c, int g, Value iterable)
{
    const Node *gen = c->n->u.comp.gens.items[g];
    Value it, x;
    bool done = false, ok;
    if (!value_iter(I, iterable, &it))
        return false;
    for (;;) {
        ok = value_next(I, it, &x, &done);
        if (!ok || done)
            break;
        ok = assign_target(I, gen->u.compfor.target, x);
        value_decref(x);
        bool keep = true;
        for (int i = 0; ok && keep && i < gen->u.compfor.ifs.n; i++) {
            Value t;
            ok = eval_expr(I, gen->u.compfor.ifs.items[i], &t) && value_truth(I, t, &keep);
            if (ok)
                value_decref(t);
        }
        if (ok && keep) {
            if (g + 1 == c->n->u.comp.gens.n) {
                ok = comp_emit(I, c);
            } else {
                Value inner;
                ok = eval_expr(I, c->n->u.comp.gens.items[g + 1]->u.compfor.iter, &inner);
                if (ok) {
                    ok = comp_loop(I, c, g + 1, inner);
                    value_decref(inner);
                }
            }
        }
        if (!ok)
            break;
    }
    value_decref(it);
    return ok;
}

static bool eval_comp(Interp *I, const Node *n, Value *out)
{
    Comp c = {n, {VAL_UNSET, {0}}};
    Value first;
    Frame f;
    if (!eval_expr(I, n->u.comp.gens.items[0]->u.compfor.iter, &first))
        return false;
    Code *code = code_analyze(I, n, I->frame ? I->frame->code : NULL);
    bool ok = code != NULL;
    if (ok)
        ok = n->kind == NODE_DICTCOMP ? dict_new(I, &c.result)
           : n->kind == NODE_SETCOMP ? set_new(I, &c.result) : list_new(I, 0, &c.result);
    if (ok && (ok = frame_enter(I, &f, code, NULL))) {
        ok = comp_loop(I, &c, 0, first);
        frame_leave(I, &f);
    }
    code_unref(code);
    value_decref(first);
    if (!ok) {
        value_decref(c.result);
        return false;
    }
    *out = c.result;
    return true;
}

/* ---- yield ---- */

/* yield v: suspends the generator's body (eval_gen.c) and gives the value
 * send() passes back; yield from: each item in turn. */
static bool eval_yield(Interp *I, const Node *n, Value *out)
{
    Value v = val_none(), it, x, sent;
    if (!I->frame || !I->frame->gen_state)
        return interp_error(I, ERR_SYNTAX, "'yield' outside function");
    if (n->u.yield_.value && !eval_expr(I, n->u.yield_.value, &v))
        return false;
    bool ok = true, done = false;
    if (!n->u.yield_.from) {
        ok = gen_yield(I, v, &sent);
        value_decref(v);
        if (ok)
            *out = sent;
        return ok;
    }
    if ((ok = value_iter(I, v, &it))) {
        while (ok && (ok = value_next(I, it, &x, &done)) && !done) {
            ok = gen_yield(I, x, &sent);
            value_decref(x);
            if (ok)
                value_decref(sent);
        }
        value_decref(it);
    }
    value_decref(v);
    *out = val_none();
    return ok;
}

/* ---- the dispatcher ---- */

static bool eval_node(Interp *I, const Node *n, Value *out)
{
    switch (n->kind) {
    case NODE_INT: *out = val_int(n->u.ival); return true;
    case NODE_FLOAT: *out = val_float(n->u.fval); return true;
    case NODE_STR: return str_new(I, n->u.str.s, n->u.str.len, out);
    case NODE_FSTRING: return eval_fstring(I, n, out);
    case NODE_NAME: return eval_load_name(I, n->u.name, out);
    case NODE_TRUE: *out = val_bool(true); return true;
    case NODE_FALSE: *out = val_bool(false); return true;
    case NODE_NONE: *out = val_none(); return true;
    case NODE_ELLIPSIS: {   /* the built-in singleton (tensor_install adds it) */
        bool found = false;
        if (!dict_get_str(I, I->builtins, "Ellipsis", out, &found))
            return false;
        return found || str_from_cstr(I, "Ellipsis", out);
    }
    case NODE_LIST: case NODE_TUPLE: case NODE_SET: return eval_display(I, n, out);
    case NODE_DICT: return eval_dict(I, n, out);
    case NODE_UNARY: {
        Value v;
        if (!eval_expr(I, n->u.unary.operand, &v))
            return false;
        I->cur_node = n;
        bool ok = value_unop(I, n->u.unary.op, v, out);
        value_decref(v);
        return ok;
    }
    case NODE_BINARY: return eval_binary(I, n, out);
    case NODE_BOOLOP: return eval_boolop(I, n, out);
    case NODE_COMPARE: return eval_compare(I, n, out);
    case NODE_CALL: return eval_call(I, n, out);
    case NODE_ATTR: return eval_attr(I, n, out);
    case NODE_INDEX: return eval_index(I, n, out);
    case NODE_SLICE: return eval_slice(I, n, out);
    case NODE_LAMBDA: return eval_func_new(I, n, out);
    case NODE_IFEXP: {
        Value c;
        bool t;
        if (!eval_expr(I, n->u.ifexp.cond, &c))
            return false;
        bool ok = value_truth(I, c, &t);
        value_decref(c);
        return ok && eval_expr(I, t ? n->u.ifexp.then : n->u.ifexp.orelse, out);
    }
    case NODE_LISTCOMP: case NODE_SETCOMP: case NODE_DICTCOMP:
        return eval_comp(I, n, out);
    case NODE_GENEXP:
        return genexpr_eval(I, n, out);
    case NODE_STARRED:
        return interp_error(I, ERR_SYNTAX, "can't use starred expression here");
    case NODE_YIELD:
        return eval_yield(I, n, out);
    case NODE_ASSIGN:                    /* (name := value) */
        if (!eval_expr(I, n->u.assign.value, out))
            return false;
        if (!assign_target(I, n->u.assign.targets.items[0], *out)) {
            value_decref(*out);
            return false;
        }
        return true;
    default:
        return interp_error(I, ERR_SYNTAX, "invalid expression");
    }
}

bool eval_expr(Interp *I, const Node *n, Value *out)
{
    const Node *saved = I->cur_node;
    I->cur_node = n;
    bool ok = eval_node(I, n, out);
    I->cur_node = saved;
    return ok;
}
