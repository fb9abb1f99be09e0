/* eval_call.c - user functions: creating them (defaults evaluated once, at
 * def time; closures capture cells), frames, binding arguments with
 * Python's rules and TypeError wording, and the recursion limit.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "object.h"

/* The cells a new scope needs from the running frame, in code->freenames order. */
static bool capture_closure(Interp *I, Code *code, ObjCell ***out)
{
    *out = NULL;
    if (!code->nfree)
        return true;
    ObjCell **cells = calloc((size_t)code->nfree, sizeof *cells);
    if (!cells)
        return interp_error(I, ERR_MEMORY, "out of memory");
    Frame *f = I->frame;
    for (int i = 0; i < code->nfree; i++) {
        int idx = 0, k = f ? code_lookup(f->code, code->freenames[i], &idx) : 0;
        ObjCell *c = NULL;
        if (k == SC_CELL) {
            DictEntry *e = dict_find_cstr(f->locals, code->freenames[i]);
            if (e && val_is_obj(e->value, OBJ_CELL))
                c = (ObjCell *)e->value.as.o;
        } else if (k == SC_FREE && f->closure) {
            c = f->closure[idx];
        }
        if (c) {
            c->obj.refcount++;
        } else if (!cell_new(I, (Value){VAL_UNSET, {0}}, &c)) {
            for (int j = 0; j < i; j++)
                value_decref(val_obj(&cells[j]->obj));
            free(cells);
            return false;
        }
        cells[i] = c;
    }
    *out = cells;
    return true;
}

static void closure_free(ObjCell **cells, int n)
{
    if (!cells)
        return;
    for (int i = 0; i < n; i++)
        value_decref(val_obj(&cells[i]->obj));
    free(cells);
}

bool frame_enter(Interp *I, Frame *f, Code *code, ObjFunc *func)
{
    memset(f, 0, sizeof *f);
    f->code = code;
    f->func = func;
    if (func) {
        f->closure = func->closure;
    } else {
        if (!capture_closure(I, code, &f->closure))
            return false;
        f->own_closure = true;
    }
    if (!dict_new(I, &f->locals)) {
        if (f->own_closure)
            closure_free(f->closure, code->nfree);
        return false;
    }
    size_t pos = 0;
    Value k, v;
    while (dict_next(code->names, &pos, &k, &v)) {
        if ((v.as.i & 15) != SC_CELL)
            continue;
        ObjCell *c;
        bool ok = cell_new(I, (Value){VAL_UNSET, {0}}, &c);
        if (ok) {
            ok = dict_set(I, f->locals, k, val_obj(&c->obj));
            value_decref(val_obj(&c->obj));
        }
        if (!ok) {
            value_decref(f->locals);
            if (f->own_closure)
                closure_free(f->closure, code->nfree);
            return false;
        }
    }
    f->back = I->frame;
    I->frame = f;
    return true;
}

/* A recursive inner function (def helper(): ... helper(...)) holds the
 * cell that holds it.  When only that loop is left as the frame ends, it
 * is unreachable: empty the cell so both are freed (there is no cycle
 * collector; larger cycles stay, as documented in value.h). */
static void break_self_cycles(Frame *f)
{
    size_t pos = 0;
    Value k, v;
    while (dict_next(f->locals, &pos, &k, &v)) {
        if (!val_is_obj(v, OBJ_CELL))
            continue;
        ObjCell *c = (ObjCell *)v.as.o;
        if (!val_is_obj(c->v, OBJ_FUNC) || c->v.as.o->refcount != 1)
            continue;
        ObjFunc *fn = (ObjFunc *)c->v.as.o;
        int self_refs = 0;
        for (int i = 0; fn->closure && i < fn->code->nfree; i++)
            self_refs += fn->closure[i] == c;
        if (self_refs && c->obj.refcount == 1 + self_refs) {
            Value dead = c->v;
            c->v = (Value){VAL_UNSET, {0}};
            value_decref(dead);
        }
    }
}

void frame_leave(Interp *I, Frame *f)
{
    I->frame = f->back;
    break_self_cycles(f);
    value_decref(f->locals);
    if (f->own_closure)
        closure_free(f->closure, f->code->nfree);
}

void func_qualname(const ObjFunc *f, char *buf, size_t n)
{
    if (f->qualname)
        snprintf(buf, n, "%s", f->qualname);
    else if (f->owner)
        snprintf(buf, n, "%s.%s", f->owner->name, f->name);
    else
        snprintf(buf, n, "%s", f->name);
}

/* A function made while another one runs is "outer.<locals>.name". */
static bool set_qualname(Interp *I, ObjFunc *f)
{
    if (!I->frame || !I->frame->func)
        return true;
    char outer[160];
    func_qualname(I->frame->func, outer, sizeof outer);
    size_t len = strlen(outer) + strlen(f->name) + sizeof ".<locals>.";
    if (!(f->qualname = malloc(len)))
        return interp_error(I, ERR_MEMORY, "out of memory");
    snprintf(f->qualname, len, "%s.<locals>.%s", outer, f->name);
    return true;
}

bool eval_func_new(Interp *I, const Node *n, Value *out)
{
    ObjFunc *f = (ObjFunc *)obj_alloc(I, OBJ_FUNC, sizeof(ObjFunc));
    if (!f)
        return false;
    Value fv = val_obj(&f->obj);
    f->node = n;
    f->chunk = I->cur_chunk;
    chunk_ref(f->chunk);
    f->name = n->kind == NODE_LAMBDA ? "<lambda>" : n->u.func.name;
    if (!set_qualname(I, f)) {
        value_decref(fv);
        return false;
    }
    f->code = code_analyze(I, n, I->frame ? I->frame->code : NULL);
    if (!f->code) {
        value_decref(fv);
        return false;
    }
    int np = n->u.func.params.n;
    f->defaults = calloc((size_t)np + 1, sizeof(Value));
    if (!f->defaults) {
        value_decref(fv);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    f->nparams = np;
    for (int i = 0; i < np; i++) {
        const Node *d = n->u.func.params.items[i]->u.param.def;
        if (d && !eval_expr(I, d, &f->defaults[i])) {
            value_decref(fv);
            return false;
        }
    }
    if (!capture_closure(I, f->code, &f->closure)) {
        value_decref(fv);
        return false;
    }
    *out = fv;
    return true;
}

/* ---- binding arguments ---- */

typedef struct Binding {
    ObjFunc *f;
    const NodeList *ps;
    Value *vals;         /* one per param, borrowed or (varargs/varkw) owned */
    int npositional, varargs, varkw;
    char qualname[160];
} Binding;

static bool missing_args(Interp *I, Binding *b, ParamKind kind)
{
    char list[512] = "";
    int total = 0, count = 0;
    for (int i = 0; i < b->ps->n; i++) {
        const Node *p = b->ps->items[i];
        if (p->u.param.kind == kind && p->u.param.name && b->vals[i].kind == VAL_UNSET)
            total++;
    }
    if (!total)
        return true;
    for (int i = 0; i < b->ps->n; i++) {
        const Node *p = b->ps->items[i];
        if (p->u.param.kind != kind || !p->u.param.name || b->vals[i].kind != VAL_UNSET)
            continue;
        count++;
        size_t l = strlen(list);
        const char *sep = count == 1 ? "" : count < total ? ", " : total == 2 ? " and " : ", and ";
        snprintf(list + l, sizeof list - l, "%s'%s'", sep, p->u.param.name);
    }
    return interp_error(I, ERR_TYPE, "%s() missing %d required %s argument%s: %s", b->qualname,
                        total, kind == PARAM_KWONLY ? "keyword-only" : "positional",
                        total == 1 ? "" : "s", list);
}

static bool too_many(Interp *I, Binding *b, int given)
{
    int required = 0;
    for (int i = 0; i < b->npositional; i++)
        if (b->f->defaults[i].kind == VAL_UNSET)
            required++;
    char takes[64];
    if (required < b->npositional)
        snprintf(takes, sizeof takes, "from %d to %d positional arguments", required, b->npositional);
    else
        snprintf(takes, sizeof takes, "%d positional argument%s", b->npositional,
                 b->npositional == 1 ? "" : "s");
    return interp_error(I, ERR_TYPE, "%s() takes %s but %d %s given", b->qualname, takes, given,
                        given == 1 ? "was" : "were");
}

static bool bind_keywords(Interp *I, Binding *b, const Args *a)
{
    for (int k = 0; k < a->nkw; k++) {
        int j = -1;
        for (int i = 0; i < b->ps->n && j < 0; i++) {
            const Node *p = b->ps->items[i];
            if ((p->u.param.kind == PARAM_NORMAL || p->u.param.kind == PARAM_KWONLY) &&
                p->u.param.name && strcmp(p->u.param.name, a->kwnames[k]) == 0)
                j = i;
        }
        if (j >= 0) {
            if (b->vals[j].kind != VAL_UNSET)
                return interp_error(I, ERR_TYPE, "%s() got multiple values for argument '%s'",
                                    b->qualname, a->kwnames[k]);
            b->vals[j] = a->kwvals[k];
        } else if (b->varkw >= 0) {
            if (!dict_set_str(I, b->vals[b->varkw], a->kwnames[k], a->kwvals[k]))
                return false;
        } else {
            return interp_error(I, ERR_TYPE, "%s() got an unexpected keyword argument '%s'",
                                b->qualname, a->kwnames[k]);
        }
    }
    return true;
}

static bool bind_positional(Interp *I, Binding *b, const Args *a)
{
    int n = a->npos < b->npositional ? a->npos : b->npositional;
    for (int i = 0; i < n; i++)
        b->vals[i] = a->pos[i];
    if (b->varargs >= 0) {
        int extra = a->npos - n;
        Value t;
        if (!tuple_new(I, (size_t)extra, &t))
            return false;
        for (int i = 0; i < extra; i++) {
            value_incref(a->pos[n + i]);
            as_list(t)->items[i] = a->pos[n + i];
        }
        b->vals[b->varargs] = t;
    } else if (a->npos > b->npositional) {
        return too_many(I, b, a->npos);
    }
    if (b->varkw >= 0 && !dict_new(I, &b->vals[b->varkw]))
        return false;
    return true;
}

static bool bind_store(Interp *I, Binding *b)
{
    for (int i = 0; i < b->ps->n; i++) {
        if (b->vals[i].kind == VAL_UNSET && b->f->defaults[i].kind != VAL_UNSET)
            b->vals[i] = b->f->defaults[i];
    }
    if (!missing_args(I, b, PARAM_NORMAL) || !missing_args(I, b, PARAM_KWONLY))
        return false;
    for (int i = 0; i < b->ps->n; i++) {
        const Node *p = b->ps->items[i];
        if (p->u.param.name && !eval_store_name(I, p->u.param.name, b->vals[i]))
            return false;
    }
    return true;
}

static bool bind_args(Interp *I, ObjFunc *f, const Args *a)
{
    Value stack[12];
    Binding b;
    b.f = f;
    b.ps = &f->node->u.func.params;
    b.npositional = 0;
    b.varargs = b.varkw = -1;
    func_qualname(f, b.qualname, sizeof b.qualname);
    b.vals = b.ps->n <= 12 ? stack : calloc((size_t)b.ps->n, sizeof(Value));
    if (!b.vals)
        return interp_error(I, ERR_MEMORY, "out of memory");
    for (int i = 0; i < b.ps->n; i++) {
        const Node *p = b.ps->items[i];
        b.vals[i] = (Value){VAL_UNSET, {0}};
        if (p->u.param.kind == PARAM_NORMAL)
            b.npositional++;
        else if (p->u.param.kind == PARAM_VARARGS && p->u.param.name)
            b.varargs = i;
        else if (p->u.param.kind == PARAM_VARKW)
            b.varkw = i;
    }
    bool ok = bind_positional(I, &b, a) && bind_keywords(I, &b, a) && bind_store(I, &b);
    if (b.varargs >= 0)
        value_decref(b.vals[b.varargs]);
    if (b.varkw >= 0)
        value_decref(b.vals[b.varkw]);
    if (b.vals != stack)
        free(b.vals);
    return ok;
}

/* Calling a generator function binds its arguments into a frame of its
 * own and returns the generator (eval_gen.c); the body runs on next(). */
static bool gen_call(Interp *I, ObjFunc *f, const Args *a, Value *out)
{
    Frame *fr = malloc(sizeof *fr);
    if (!fr)
        return interp_error(I, ERR_MEMORY, "out of memory");
    if (!frame_enter(I, fr, f->code, f)) {
        free(fr);
        return false;
    }
    if (!bind_args(I, f, a)) {
        frame_leave(I, fr);
        free(fr);
        return false;
    }
    I->frame = fr->back;
    return gen_new(I, f, fr, out);
}

bool func_call(Interp *I, ObjFunc *f, const Args *a, Value *out)
{
    Frame fr;
    if (I->depth >= MAX_DEPTH)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded");
    if (!interp_check_interrupt(I))
        return false;
    if (f->code->is_generator)
        return gen_call(I, f, a, out);
    if (!frame_enter(I, &fr, f->code, f))
        return false;
    Chunk *saved_chunk = I->cur_chunk;
    const Node *saved_node = I->cur_node, *saved_stmt = I->stmt;
    I->depth++;
    bool ok = bind_args(I, f, a);
    I->cur_chunk = f->chunk;
    if (ok && f->node->kind == NODE_LAMBDA) {
        ok = eval_expr(I, f->node->u.func.body, out);
    } else if (ok) {
        int ex = exec_stmt(I, f->node->u.func.body);
        ok = ex != EX_ERROR;
        if (ex == EX_RETURN) {
            *out = I->retval;
            I->retval = (Value){VAL_UNSET, {0}};
        } else if (ok) {
            *out = val_none();
        }
    }
    I->depth--;
    I->cur_chunk = saved_chunk;
    I->cur_node = saved_node;
    I->stmt = saved_stmt;
    frame_leave(I, &fr);
    return ok;
}
