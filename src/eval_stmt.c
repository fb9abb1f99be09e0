/* eval_stmt.c - execution of statements: assignment (destructuring with a
 * starred target), augmented assignment (in place for lists), del, if,
 * loops with else/break/continue, def and class, return, imports, and the
 * top level of a chunk (echo at the prompt, `_`).  try/with/raise/assert
 * are in eval_try.c.  Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "object.h"
#include "parse.h"

int exec_try(Interp *I, const Node *n);           /* eval_try.c */
int exec_with(Interp *I, const Node *n);
int exec_raise(Interp *I, const Node *n);
int exec_assert(Interp *I, const Node *n);
bool class_new(Interp *I, const char *name, const Value *bases, int nbases, Value dict,
               Value *out);

/* ---- assignment ---- */

static bool unpack(Interp *I, const NodeList *targets, Value v)
{
    Value l;
    int star = -1, n = targets->n;
    for (int i = 0; i < n; i++)
        if (targets->items[i]->kind == NODE_STARRED)
            star = i;
    if (!val_is_obj(v, OBJ_LIST) && !val_is_obj(v, OBJ_TUPLE) && v.kind != VAL_OBJ)
        return interp_error(I, ERR_TYPE, "cannot unpack non-iterable %s object", value_type_name(v));
    if (!value_to_list(I, v, &l))
        return false;
    ObjList *items = as_list(l);
    int have = (int)items->len, need = star >= 0 ? n - 1 : n;
    bool ok = true;
    if (star < 0 && have > n)
        ok = interp_error(I, ERR_VALUE, "too many values to unpack (expected %d)", n);
    else if (have < need)
        ok = interp_error(I, ERR_VALUE, "not enough values to unpack (expected %s%d, got %d)",
                          star >= 0 ? "at least " : "", need, have);
    for (int i = 0, k = 0; ok && i < n; i++) {
        const Node *t = targets->items[i];
        if (i == star) {
            Value rest;
            int count = have - need;
            ok = list_copy_items(I, items, (size_t)k, (size_t)(k + count), false, &rest);
            if (ok) {
                ok = assign_target(I, t->u.starred.value, rest);
                value_decref(rest);
            }
            k += count;
        } else {
            ok = assign_target(I, t, items->items[k++]);
        }
    }
    value_decref(l);
    return ok;
}

bool assign_target(Interp *I, const Node *t, Value v)
{
    Value obj, key;
    bool ok;
    switch (t->kind) {
    case NODE_NAME: return eval_store_name(I, t->u.name, v);
    case NODE_TUPLE: case NODE_LIST: return unpack(I, &t->u.seq.items, v);
    case NODE_ATTR:
        if (!eval_expr(I, t->u.attr.object, &obj))
            return false;
        I->cur_node = t;
        ok = value_setattr(I, obj, t->u.attr.name, v);
        value_decref(obj);
        return ok;
    case NODE_INDEX:
        if (!eval_expr(I, t->u.index.object, &obj))
            return false;
        if (!eval_expr(I, t->u.index.index, &key)) {
            value_decref(obj);
            return false;
        }
        I->cur_node = t;
        ok = value_setitem(I, obj, key, v);
        value_decref(obj);
        value_decref(key);
        return ok;
    default:
        return interp_error(I, ERR_SYNTAX, "cannot assign to expression");
    }
}

static int exec_assign(Interp *I, const Node *n)
{
    Value v;
    if (!eval_expr(I, n->u.assign.value, &v))
        return EX_ERROR;
    bool ok = true;
    for (int i = 0; ok && i < n->u.assign.targets.n; i++)
        ok = assign_target(I, n->u.assign.targets.items[i], v);
    value_decref(v);
    return ok ? EX_NORMAL : EX_ERROR;
}

/* x OP= y: lists extend in place for +=, numpy arrays and user classes with
 * __iadd__ & co. update in place; everything else rebinds. */
static bool aug_op(Interp *I, BinOp op, Value cur, Value rhs, Value *out)
{
    if (val_is_obj(cur, OBJ_SET) && !val_is_frozenset(cur) && val_is_obj(rhs, OBJ_SET) &&
        (op == BIN_BITOR || op == BIN_BITAND || op == BIN_SUB || op == BIN_BITXOR)) {
        if (!pyset_inplace(I, op, cur, rhs))  /* sets change in place, as in Python */
            return false;
        value_incref(cur);
        *out = cur;
        return true;
    }
    if (op == BIN_ADD && val_is_obj(cur, OBJ_LIST)) {
        Value l;
        if (!value_to_list(I, rhs, &l))
            return false;
        bool ok = true;
        for (size_t i = 0; ok && i < as_list(l)->len; i++)
            ok = list_append(I, cur, as_list(l)->items[i]);
        value_decref(l);
        if (ok) {
            value_incref(cur);
            *out = cur;
        }
        return ok;
    }
    static const char *const inplace[BIN_COUNT] = {
        "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
        "__ipow__", "__imatmul__", "__ilshift__", "__irshift__", "__iand__", "__ior__", "__ixor__"
    };
    bool found = false;
    if (val_is_obj(cur, OBJ_NATIVE_OBJ)) {
        const NativeClass *cls = ((ObjNativeObj *)cur.as.o)->cls;
        if (cls->inplace && !cls->inplace(I, op, cur, rhs, out, &found))
            return false;
    }
    if (!found && val_is_obj(cur, OBJ_INSTANCE) &&
        !user_instance_special(I, cur, inplace[op], 1, &rhs, out, &found))
        return false;
    return found ? true : value_binop(I, op, cur, rhs, out);
}

static int exec_augassign(Interp *I, const Node *n)
{
    const Node *t = n->u.augassign.target;
    Value obj = {VAL_UNSET, {0}}, key = {VAL_UNSET, {0}}, cur = {VAL_UNSET, {0}}, rhs, r;
    bool ok;
    if (t->kind == NODE_NAME) {
        ok = eval_load_name(I, t->u.name, &cur);
    } else if (t->kind == NODE_ATTR) {
        ok = eval_expr(I, t->u.attr.object, &obj) && value_getattr(I, obj, t->u.attr.name, &cur);
    } else if (t->kind == NODE_INDEX) {
        ok = eval_expr(I, t->u.index.object, &obj) && eval_expr(I, t->u.index.index, &key) &&
             value_getitem(I, obj, key, &cur);
    } else {
        ok = interp_error(I, ERR_SYNTAX, "illegal expression for augmented assignment");
    }
    if (ok && (ok = eval_expr(I, n->u.augassign.value, &rhs))) {
        I->cur_node = n;
        ok = aug_op(I, n->u.augassign.op, cur, rhs, &r);
        value_decref(rhs);
        if (ok) {
            if (t->kind == NODE_NAME)
                ok = eval_store_name(I, t->u.name, r);
            else if (t->kind == NODE_ATTR)
                ok = value_setattr(I, obj, t->u.attr.name, r);
            else
                ok = value_setitem(I, obj, key, r);
            value_decref(r);
        }
    }
    value_decref(cur);
    value_decref(obj);
    value_decref(key);
    return ok ? EX_NORMAL : EX_ERROR;
}

/* del obj.name / delattr(obj, name): from an instance's, class's or
 * module's own attributes. */
static bool delete_attr(Interp *I, Value obj, const char *name)
{
    Value key;
    Value *dict = val_is_obj(obj, OBJ_INSTANCE) ? &((ObjInstance *)obj.as.o)->dict
                : val_is_obj(obj, OBJ_TYPE) ? &((ObjType *)obj.as.o)->dict
                : val_is_obj(obj, OBJ_MODULE) ? &((ObjModule *)obj.as.o)->dict : NULL;
    bool found = false, ok = true;
    if (dict && dict->kind == VAL_OBJ && str_from_cstr(I, name, &key)) {
        ok = dict_del(I, *dict, key, &found);
        value_decref(key);
    }
    if (ok && !found) {
        if (val_is_obj(obj, OBJ_TYPE))
            return interp_error(I, ERR_ATTRIBUTE, "type object '%s' has no attribute '%s'",
                                ((ObjType *)obj.as.o)->name, name);
        return interp_error(I, ERR_ATTRIBUTE, "'%s' object has no attribute '%s'",
                            value_type_name(obj), name);
    }
    return ok;
}

static bool del_target(Interp *I, const Node *t)
{
    Value obj, key;
    bool ok;
    switch (t->kind) {
    case NODE_NAME: return eval_delete_name(I, t->u.name);
    case NODE_TUPLE: case NODE_LIST:
        for (int i = 0; i < t->u.seq.items.n; i++)
            if (!del_target(I, t->u.seq.items.items[i]))
                return false;
        return true;
    case NODE_INDEX:
        if (!eval_expr(I, t->u.index.object, &obj))
            return false;
        if (!eval_expr(I, t->u.index.index, &key)) {
            value_decref(obj);
            return false;
        }
        I->cur_node = t;
        ok = value_delitem(I, obj, key);
        value_decref(obj);
        value_decref(key);
        return ok;
    case NODE_ATTR: {
        if (!eval_expr(I, t->u.attr.object, &obj))
            return false;
        ok = delete_attr(I, obj, t->u.attr.name);
        value_decref(obj);
        return ok;
    }
    default:
        return interp_error(I, ERR_SYNTAX, "cannot delete expression");
    }
}

/* ---- control flow ---- */

static int exec_block(Interp *I, const Node *b)
{
    for (int i = 0; i < b->u.block.stmts.n; i++) {
        int ex = exec_stmt(I, b->u.block.stmts.items[i]);
        if (ex != EX_NORMAL)
            return ex;
    }
    return EX_NORMAL;
}

static int exec_if(Interp *I, const Node *n)
{
    while (n && n->kind == NODE_IF) {
        Value c;
        bool t;
        I->cur_node = n;
        if (!eval_expr(I, n->u.if_.cond, &c))
            return EX_ERROR;
        bool ok = value_truth(I, c, &t);
        value_decref(c);
        if (!ok)
            return EX_ERROR;
        if (t)
            return exec_stmt(I, n->u.if_.body);
        n = n->u.if_.orelse;
    }
    return n ? exec_stmt(I, n) : EX_NORMAL;
}

static int exec_while(Interp *I, const Node *n)
{
    for (;;) {
        Value c;
        bool t;
        if (interp_interrupted && !interp_check_interrupt(I))
            return EX_ERROR;
        if (!eval_expr(I, n->u.loop.cond, &c))
            return EX_ERROR;
        bool ok = value_truth(I, c, &t);
        value_decref(c);
        if (!ok)
            return EX_ERROR;
        if (!t)
            break;
        int ex = exec_stmt(I, n->u.loop.body);
        if (ex == EX_BREAK)
            return EX_NORMAL;
        if (ex == EX_ERROR || ex == EX_RETURN)
            return ex;
    }
    return n->u.loop.orelse ? exec_stmt(I, n->u.loop.orelse) : EX_NORMAL;
}

static int exec_for(Interp *I, const Node *n)
{
    Value seq, it, x;
    bool done = false;
    int ex = EX_NORMAL;
    if (!eval_expr(I, n->u.loop.iter, &seq))
        return EX_ERROR;
    I->cur_node = n->u.loop.iter;
    bool ok = value_iter(I, seq, &it);
    value_decref(seq);
    if (!ok)
        return EX_ERROR;
    for (;;) {
        I->cur_node = n->u.loop.iter;
        if (!value_next(I, it, &x, &done)) {
            ex = EX_ERROR;
            break;
        }
        if (done)
            break;
        I->cur_node = n->u.loop.target;
        ok = assign_target(I, n->u.loop.target, x);
        value_decref(x);
        ex = ok ? exec_stmt(I, n->u.loop.body) : EX_ERROR;
        if (ex == EX_CONTINUE)
            ex = EX_NORMAL;
        if (ex != EX_NORMAL)
            break;
    }
    value_decref(it);
    if (ex == EX_BREAK)
        return EX_NORMAL;
    if (ex != EX_NORMAL || !done)
        return ex;
    return n->u.loop.orelse ? exec_stmt(I, n->u.loop.orelse) : EX_NORMAL;
}

static int exec_return(Interp *I, const Node *n)
{
    Value v = val_none();
    if (n->u.ret.value && !eval_expr(I, n->u.ret.value, &v))
        return EX_ERROR;
    value_decref(I->retval);
    I->retval = v;
    return EX_RETURN;
}

/* ---- def and class ---- */

static bool apply_decorators(Interp *I, const NodeList *decs, Value *fn)
{
    Value d[16];
    int n = decs->n < 16 ? decs->n : 16;
    for (int i = 0; i < n; i++)
        if (!eval_expr(I, decs->items[i], &d[i])) {
            while (i--)
                value_decref(d[i]);
            return false;
        }
    bool ok = true;
    for (int i = n - 1; i >= 0; i--) {
        Value r;
        if (ok && (ok = interp_call(I, d[i], 1, fn, &r))) {
            value_decref(*fn);
            *fn = r;
        }
        value_decref(d[i]);
    }
    return ok;
}

static int exec_def(Interp *I, const Node *n)
{
    Value f;
    if (!eval_func_new(I, n, &f))
        return EX_ERROR;
    bool ok = apply_decorators(I, &n->u.func.decorators, &f) && eval_store_name(I, n->u.func.name, f);
    value_decref(f);
    return ok ? EX_NORMAL : EX_ERROR;
}

/* Does a class body hold x: T (parse.c's __annotations__['x'] = T)? */
static bool has_annotations(const Node *body)
{
    if (body->kind != NODE_BLOCK)
        return false;
    for (int i = 0; i < body->u.block.stmts.n; i++) {
        const Node *s = body->u.block.stmts.items[i];
        if (s->kind == NODE_BLOCK && has_annotations(s))
            return true;
        if (s->kind == NODE_ASSIGN && s->u.assign.targets.n == 1 &&
            s->u.assign.targets.items[0]->kind == NODE_INDEX &&
            s->u.assign.targets.items[0]->u.index.object->kind == NODE_NAME &&
            strcmp(s->u.assign.targets.items[0]->u.index.object->u.name, "__annotations__") == 0)
            return true;
    }
    return false;
}

static bool class_body(Interp *I, const Node *n, Value *ns)
{
    Frame f;
    Code *code = code_analyze(I, n, I->frame ? I->frame->code : NULL);
    if (!code)
        return false;
    bool ok = frame_enter(I, &f, code, NULL);
    if (ok) {
        /* __module__ first, as Python's class bodies start: the defining
         * module's __name__ ('__main__' for the session and scripts) */
        Value mod;
        bool found = false;
        if (dict_get_str(I, I->globals, "__name__", &mod, &found) && found) {
            ok = dict_set_str(I, f.locals, "__module__", mod);
            value_decref(mod);
        } else if (str_from_cstr(I, "__main__", &mod)) {
            ok = dict_set_str(I, f.locals, "__module__", mod);
            value_decref(mod);
        } else {
            ok = false;
        }
        if (!ok)
            frame_leave(I, &f);
    }
    if (ok && has_annotations(n->u.class_.body)) {
        Value ann;
        ok = dict_new(I, &ann);
        if (ok) {
            ok = dict_set_str(I, f.locals, "__annotations__", ann);
            value_decref(ann);
        }
        if (!ok)
            frame_leave(I, &f);
    }
    if (ok) {
        int ex = exec_stmt(I, n->u.class_.body);
        ok = ex != EX_ERROR;
        if (ex == EX_RETURN || ex == EX_BREAK || ex == EX_CONTINUE)
            ok = interp_error(I, ERR_SYNTAX, "'%s' outside function",
                              ex == EX_RETURN ? "return" : "break");
        if (ok) {
            value_incref(f.locals);
            *ns = f.locals;
        }
        frame_leave(I, &f);
    }
    code_unref(code);
    return ok;
}

static int exec_class(Interp *I, const Node *n)
{
    Value bases[16], ns, cls;
    int nb = n->u.class_.bases.n < 16 ? n->u.class_.bases.n : 16, ex = EX_ERROR;
    for (int i = 0; i < nb; i++)
        if (!eval_expr(I, n->u.class_.bases.items[i], &bases[i])) {
            while (i--)
                value_decref(bases[i]);
            return EX_ERROR;
        }
    if (class_body(I, n, &ns)) {
        DictEntry *cells = dict_find_cstr(ns, "__qualname__");
        (void)cells;
        if (class_new(I, n->u.class_.name, bases, nb, ns, &cls)) {
            ex = eval_store_name(I, n->u.class_.name, cls) ? EX_NORMAL : EX_ERROR;
            value_decref(cls);
        }
        value_decref(ns);
    }
    for (int i = 0; i < nb; i++)
        value_decref(bases[i]);
    return ex;
}

/* ---- imports ---- */

static int exec_import(Interp *I, const Node *n)
{
    for (int i = 0; i < n->u.import.n; i++) {
        const char *name = n->u.import.names[i];
        const char *as = n->u.import.asnames ? n->u.import.asnames[i] : NULL;
        Value m;
        if (!interp_import(I, name, &m))
            return EX_ERROR;
        bool ok;
        if (as) {
            ok = eval_store_name(I, as, m);
        } else {
            char top[256];
            size_t len = strcspn(name, ".");
            if (len >= sizeof top)
                len = sizeof top - 1;
            memcpy(top, name, len);
            top[len] = '\0';
            Value t;
            ok = interp_import(I, top, &t);
            if (ok) {
                ok = eval_store_name(I, top, t);
                value_decref(t);
            }
        }
        value_decref(m);
        if (!ok)
            return EX_ERROR;
    }
    return EX_NORMAL;
}

static bool import_star(Interp *I, Value m)
{
    if (!val_is_obj(m, OBJ_MODULE))
        return true;
    size_t pos = 0;
    Value k, v;
    while (dict_next(((ObjModule *)m.as.o)->dict, &pos, &k, &v))
        if (val_is_obj(k, OBJ_STR) && str_cstr(k)[0] != '_' && str_cstr(k)[0] != ' ' &&
            !eval_store_name(I, str_cstr(k), v))
            return false;
    return true;
}

static bool import_from_one(Interp *I, Value m, const char *modname, const char *name, Value *out)
{
    bool found = false;
    if (val_is_obj(m, OBJ_MODULE) && !module_get(I, m, name, out, &found))
        return false;
    if (found)
        return true;
    if (!val_is_obj(m, OBJ_MODULE) && value_getattr(I, m, name, out))
        return true;
    interp_clear_error(I);
    char sub[512];
    snprintf(sub, sizeof sub, "%s.%s", modname, name);
    if (interp_import(I, sub, out))
        return true;
    if (interp_error_kind(I) != ERR_IMPORT)
        return false;
    return interp_error(I, ERR_IMPORT, "cannot import name '%s' from '%s' (unknown location)",
                        name, modname);
}

static int exec_fromimport(Interp *I, const Node *n)
{
    Value m;
    if (!interp_import(I, n->u.import.module, &m))
        return EX_ERROR;
    bool ok = true;
    for (int i = 0; ok && i < n->u.import.n; i++) {
        const char *name = n->u.import.names[i];
        const char *as = n->u.import.asnames ? n->u.import.asnames[i] : NULL;
        Value v;
        if (strcmp(name, "*") == 0) {
            ok = import_star(I, m);
            continue;
        }
        ok = import_from_one(I, m, n->u.import.module, name, &v);
        if (ok) {
            ok = eval_store_name(I, as ? as : name, v);
            value_decref(v);
        }
    }
    value_decref(m);
    return ok ? EX_NORMAL : EX_ERROR;
}

/* ---- the dispatcher ---- */

static bool echo(Interp *I, Value v);

static int exec_node(Interp *I, const Node *n)
{
    Value v;
    switch (n->kind) {
    case NODE_BLOCK: return exec_block(I, n);
    case NODE_EXPR_STMT:
        if (!eval_expr(I, n->u.expr_stmt.value, &v))
            return EX_ERROR;
        if (I->echo_top && !I->frame) {
            bool ok = echo(I, v);
            value_decref(v);
            return ok ? EX_NORMAL : EX_ERROR;
        }
        value_decref(v);
        return EX_NORMAL;
    case NODE_ASSIGN: return exec_assign(I, n);
    case NODE_AUGASSIGN: return exec_augassign(I, n);
    case NODE_IF: return exec_if(I, n);
    case NODE_WHILE: return exec_while(I, n);
    case NODE_FOR: return exec_for(I, n);
    case NODE_BREAK: return EX_BREAK;
    case NODE_CONTINUE: return EX_CONTINUE;
    case NODE_PASS: case NODE_GLOBAL: case NODE_NONLOCAL: return EX_NORMAL;
    case NODE_RETURN: return exec_return(I, n);
    case NODE_DEF: return exec_def(I, n);
    case NODE_CLASS: return exec_class(I, n);
    case NODE_DEL:
        for (int i = 0; i < n->u.del.targets.n; i++)
            if (!del_target(I, n->u.del.targets.items[i]))
                return EX_ERROR;
        return EX_NORMAL;
    case NODE_IMPORT: return exec_import(I, n);
    case NODE_FROMIMPORT: return exec_fromimport(I, n);
    case NODE_WITH: return exec_with(I, n);
    case NODE_TRY: return exec_try(I, n);
    case NODE_RAISE: return exec_raise(I, n);
    case NODE_ASSERT: return exec_assert(I, n);
    default:
        if (!eval_expr(I, n, &v))
            return EX_ERROR;
        value_decref(v);
        return EX_NORMAL;
    }
}

int exec_stmt(Interp *I, const Node *n)
{
    if (n->kind == NODE_BLOCK)
        return exec_block(I, n);
    const Node *saved_node = I->cur_node;
    I->stmt = n;
    I->cur_node = n;
    int ex = exec_node(I, n);
    I->cur_node = saved_node;
    return ex;
}

/* ---- the top level ---- */

static bool echo(Interp *I, Value v)
{
    if (v.kind == VAL_NONE)
        return true;
    StrBuf sb;
    sb_init(&sb);
    if (!value_repr(I, v, &sb)) {
        sb_free(&sb);
        return false;
    }
    sb_putc(&sb, '\n');
    if (sb.oom) {
        sb_free(&sb);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    interp_write(I, sb.data, sb.len);
    sb_free(&sb);
    return interp_set_global(I, "_", v);
}


bool eval_chunk(Interp *I, Chunk *c, bool interactive)
{
    Frame *saved_frame = I->frame;
    Chunk *saved_chunk = I->cur_chunk;
    const Node *saved_node = I->cur_node, *saved_stmt = I->stmt;
    int saved_depth = I->depth;
    bool ok = true, saved_echo = I->echo_top;
    I->echo_top = interactive;
    I->frame = NULL;
    I->cur_chunk = c;
    for (int i = 0; ok && c->body && i < c->body->u.block.stmts.n; i++) {
        const Node *s = c->body->u.block.stmts.items[i];
        int ex = exec_stmt(I, s);
        if (ex == EX_ERROR) {
            ok = false;
        } else if (ex != EX_NORMAL) {
            I->cur_node = s;
            value_decref(I->retval);
            I->retval = (Value){VAL_UNSET, {0}};
            ok = interp_error(I, ERR_SYNTAX, "'%s' outside %s",
                              ex == EX_RETURN ? "return" : ex == EX_BREAK ? "break" : "continue",
                              ex == EX_RETURN ? "function" : "loop");
        }
    }
    I->frame = saved_frame;
    I->cur_chunk = saved_chunk;
    I->cur_node = saved_node;
    I->stmt = saved_stmt;
    I->depth = saved_depth;
    I->echo_top = saved_echo;
    return ok;
}

/* ---- eval() and exec() ---- */

/* Runs source text: eval gives its one expression's value, exec runs its
 * statements (None).  With a globals dict, the text sees that dict as its
 * module; without, the current scope.  Syntax errors are SyntaxErrors. */
static bool run_source(Interp *I, const Args *a, bool is_eval, Value *out)
{
    const char *fname = is_eval ? "eval" : "exec";
    Value v[3];
    if (!args_parse(I, fname, a, "source, globals=, locals=", v))
        return false;
    if (!val_is_obj(v[0], OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s() arg 1 must be a string, bytes or code object",
                            fname);
    const char *src = str_cstr(v[0]);
    size_t len = as_str(v[0])->len;
    while (is_eval && len && (*src == ' ' || *src == '\t'))
        src++, len--;
    Chunk *chunk = NULL;
    ParseError pe;
    if (parse_chunk(src, len, "<string>", 0, &chunk, &pe) != PARSE_OK) {
        chunk_unref(chunk);
        return interp_error(I, ERR_SYNTAX, "%s (<string>, line %d)", pe.msg, pe.line);
    }
    const NodeList *body = &chunk->body->u.block.stmts;
    if (is_eval && (body->n != 1 || body->items[0]->kind != NODE_EXPR_STMT)) {
        chunk_unref(chunk);
        return interp_error(I, ERR_SYNTAX, "invalid syntax (<string>, line 1)");
    }
    bool own_globals = val_is_obj(v[1], OBJ_DICT);
    Value saved_globals = I->globals;
    Frame *saved_frame = I->frame;
    Chunk *saved_chunk = I->cur_chunk;
    const Node *saved_node = I->cur_node, *saved_stmt = I->stmt;
    if (own_globals) {
        I->globals = v[1];
        I->frame = NULL;
    }
    I->cur_chunk = chunk;
    bool ok = true;
    if (is_eval) {
        ok = eval_expr(I, body->items[0]->u.expr_stmt.value, out);
    } else {
        for (int i = 0; ok && i < body->n; i++)
            ok = exec_stmt(I, body->items[i]) == EX_NORMAL;
        if (ok)
            *out = val_none();
    }
    I->globals = saved_globals;
    I->frame = saved_frame;
    I->cur_chunk = saved_chunk;
    I->cur_node = saved_node;
    I->stmt = saved_stmt;
    chunk_unref(chunk);
    return ok;
}

static bool b_eval(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return run_source(I, a, true, out);
}

static bool b_exec(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return run_source(I, a, false, out);
}

static bool b_delattr(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    (void)self;
    if (!args_parse(I, "delattr", a, "obj, name", v))
        return false;
    if (!val_is_obj(v[1], OBJ_STR))
        return interp_error(I, ERR_TYPE, "attribute name must be string, not '%s'",
                            value_type_name(v[1]));
    if (!delete_attr(I, v[0], str_cstr(v[1])))
        return false;
    *out = val_none();
    return true;
}

const NativeDef eval_builtin_defs[] = {
    {"delattr", b_delattr, "delattr(obj, name)",
     "Deletes the attribute name of obj (del obj.name).\nExample: delattr(p, 'x')"},
    {"eval", b_eval, "eval(source, globals=None, locals=None)",
     "The value of the expression in the string source.\nExample: eval('1 + 2') -> 3"},
    {"exec", b_exec, "exec(source, globals=None, locals=None)",
     "Runs the statements in the string source.\nExample: exec('x = 5')"},
    {NULL, NULL, NULL, NULL},
};
