/* scope.c - Python's scoping rules, decided once per function (or lambda,
 * comprehension, class body) when it is created: a name assigned anywhere
 * in a function is local unless declared global/nonlocal; locals captured
 * by nested functions live in cells; names free here but bound by an
 * enclosing function are read through the closure; the rest are global.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include "object.h"

typedef struct ScopeInfo {
    Interp *I;
    Value bound, used, globals, nonlocals, nested_free;   /* dicts used as sets */
    bool ok;
    bool generator;     /* a yield in this scope (not in nested ones) */
    bool comp;          /* a comprehension: its (x := v) bind in the enclosing scope */
    bool walrus_scan;   /* only collecting the (x := v) targets of nested comprehensions */
} ScopeInfo;

static void walk_expr(ScopeInfo *s, const Node *n);
static void walk_stmt(ScopeInfo *s, const Node *n);
static bool free_names(Interp *I, const Node *scope, Value into);

static void add(ScopeInfo *s, Value set, const char *name)
{
    if (s->ok && name && !dict_find_cstr(set, name))
        s->ok = dict_set_str(s->I, set, name, val_none());
}

static void walk_list(ScopeInfo *s, const NodeList *l, bool stmts)
{
    for (int i = 0; i < l->n; i++)
        if (stmts)
            walk_stmt(s, l->items[i]);
        else
            walk_expr(s, l->items[i]);
}

static void walk_target(ScopeInfo *s, const Node *t)
{
    if (!t)
        return;
    switch (t->kind) {
    case NODE_NAME: add(s, s->bound, t->u.name); break;
    case NODE_TUPLE: case NODE_LIST:
        for (int i = 0; i < t->u.seq.items.n; i++)
            walk_target(s, t->u.seq.items.items[i]);
        break;
    case NODE_STARRED: walk_target(s, t->u.starred.value); break;
    default: walk_expr(s, t); break;
    }
}

static void nested(ScopeInfo *s, const Node *scope)
{
    if (s->ok)
        s->ok = free_names(s->I, scope, s->nested_free);
}

static void walk_params_defaults(ScopeInfo *s, const NodeList *params)
{
    for (int i = 0; i < params->n; i++)
        if (params->items[i]->u.param.def)
            walk_expr(s, params->items[i]->u.param.def);
}

/* The (x := v) inside a comprehension bind x in the scope around it. */
static void comp_walrus(ScopeInfo *s, const Node *n)
{
    bool saved = s->walrus_scan;
    s->walrus_scan = true;
    for (int i = 0; i < n->u.comp.gens.n; i++) {
        walk_expr(s, n->u.comp.gens.items[i]->u.compfor.iter);
        walk_list(s, &n->u.comp.gens.items[i]->u.compfor.ifs, false);
    }
    walk_expr(s, n->u.comp.elt);
    walk_expr(s, n->u.comp.key);
    s->walrus_scan = saved;
}

static void walk_expr(ScopeInfo *s, const Node *n)
{
    if (!n || !s->ok)
        return;
    if (s->walrus_scan && (n->kind == NODE_NAME || n->kind == NODE_LAMBDA))
        return;
    if (s->walrus_scan && (n->kind == NODE_LISTCOMP || n->kind == NODE_SETCOMP ||
                           n->kind == NODE_GENEXP || n->kind == NODE_DICTCOMP)) {
        comp_walrus(s, n);
        return;
    }
    switch (n->kind) {
    case NODE_NAME: add(s, s->used, n->u.name); break;
    case NODE_FSTRING: walk_list(s, &n->u.fstr.parts, false); break;
    case NODE_FORMATTED: walk_expr(s, n->u.fmt.value); walk_expr(s, n->u.fmt.spec); break;
    case NODE_LIST: case NODE_TUPLE: case NODE_SET: walk_list(s, &n->u.seq.items, false); break;
    case NODE_DICT:
        for (int i = 0; i < n->u.dict.keys.n; i++) {
            walk_expr(s, n->u.dict.keys.items[i]);
            walk_expr(s, n->u.dict.values.items[i]);
        }
        break;
    case NODE_UNARY: walk_expr(s, n->u.unary.operand); break;
    case NODE_BINARY: walk_expr(s, n->u.binary.left); walk_expr(s, n->u.binary.right); break;
    case NODE_BOOLOP: walk_list(s, &n->u.boolop.values, false); break;
    case NODE_COMPARE: walk_expr(s, n->u.compare.left); walk_list(s, &n->u.compare.rights, false); break;
    case NODE_CALL: walk_expr(s, n->u.call.func); walk_list(s, &n->u.call.args, false); break;
    case NODE_ARG: walk_expr(s, n->u.arg.value); break;
    case NODE_ATTR: walk_expr(s, n->u.attr.object); break;
    case NODE_INDEX: walk_expr(s, n->u.index.object); walk_expr(s, n->u.index.index); break;
    case NODE_SLICE:
        walk_expr(s, n->u.slice.lower); walk_expr(s, n->u.slice.upper); walk_expr(s, n->u.slice.step);
        break;
    case NODE_LAMBDA: walk_params_defaults(s, &n->u.func.params); nested(s, n); break;
    case NODE_IFEXP:
        walk_expr(s, n->u.ifexp.cond); walk_expr(s, n->u.ifexp.then); walk_expr(s, n->u.ifexp.orelse);
        break;
    case NODE_LISTCOMP: case NODE_SETCOMP: case NODE_GENEXP: case NODE_DICTCOMP:
        if (n->u.comp.gens.n)
            walk_expr(s, n->u.comp.gens.items[0]->u.compfor.iter);
        nested(s, n);
        comp_walrus(s, n);
        break;
    case NODE_STARRED: walk_expr(s, n->u.starred.value); break;
    case NODE_ASSIGN:                    /* (name := value) */
        if (s->comp)
            add(s, s->nonlocals, n->u.assign.targets.items[0]->u.name);
        else
            add(s, s->bound, n->u.assign.targets.items[0]->u.name);
        walk_expr(s, n->u.assign.value);
        break;
    case NODE_YIELD: s->generator = true; walk_expr(s, n->u.yield_.value); break;
    default: break;
    }
}

static void walk_import(ScopeInfo *s, const Node *n)
{
    for (int i = 0; i < n->u.import.n; i++) {
        const char *as = n->u.import.asnames ? n->u.import.asnames[i] : NULL;
        const char *name = n->u.import.names[i];
        if (as) {
            add(s, s->bound, as);
        } else if (strcmp(name, "*") != 0) {
            char buf[256];
            size_t len = strcspn(name, ".");
            if (len >= sizeof buf)
                len = sizeof buf - 1;
            memcpy(buf, name, len);
            buf[len] = '\0';
            add(s, s->bound, buf);
        }
    }
}

static void walk_stmt(ScopeInfo *s, const Node *n)
{
    if (!n || !s->ok)
        return;
    switch (n->kind) {
    case NODE_BLOCK: walk_list(s, &n->u.block.stmts, true); break;
    case NODE_EXPR_STMT: walk_expr(s, n->u.expr_stmt.value); break;
    case NODE_ASSIGN:
        for (int i = 0; i < n->u.assign.targets.n; i++)
            walk_target(s, n->u.assign.targets.items[i]);
        walk_expr(s, n->u.assign.value);
        break;
    case NODE_AUGASSIGN:
        walk_target(s, n->u.augassign.target);
        walk_expr(s, n->u.augassign.target);
        walk_expr(s, n->u.augassign.value);
        break;
    case NODE_IF: walk_expr(s, n->u.if_.cond); walk_stmt(s, n->u.if_.body); walk_stmt(s, n->u.if_.orelse); break;
    case NODE_WHILE: walk_expr(s, n->u.loop.cond); walk_stmt(s, n->u.loop.body); walk_stmt(s, n->u.loop.orelse); break;
    case NODE_FOR:
        walk_target(s, n->u.loop.target); walk_expr(s, n->u.loop.iter);
        walk_stmt(s, n->u.loop.body); walk_stmt(s, n->u.loop.orelse);
        break;
    case NODE_RETURN: walk_expr(s, n->u.ret.value); break;
    case NODE_DEF:
        add(s, s->bound, n->u.func.name);
        walk_list(s, &n->u.func.decorators, false);
        walk_params_defaults(s, &n->u.func.params);
        nested(s, n);
        break;
    case NODE_CLASS:
        add(s, s->bound, n->u.class_.name);
        walk_list(s, &n->u.class_.bases, false);
        nested(s, n);
        break;
    case NODE_DEL:
        for (int i = 0; i < n->u.del.targets.n; i++)
            walk_target(s, n->u.del.targets.items[i]);
        break;
    case NODE_IMPORT: case NODE_FROMIMPORT: walk_import(s, n); break;
    case NODE_WITH:
        for (int i = 0; i < n->u.with.items.n; i++) {
            walk_expr(s, n->u.with.items.items[i]->u.withitem.context);
            walk_target(s, n->u.with.items.items[i]->u.withitem.target);
        }
        walk_stmt(s, n->u.with.body);
        break;
    case NODE_TRY:
        walk_stmt(s, n->u.try_.body);
        for (int i = 0; i < n->u.try_.handlers.n; i++) {
            const Node *h = n->u.try_.handlers.items[i];
            walk_expr(s, h->u.handler.type);
            add(s, s->bound, h->u.handler.name);
            walk_stmt(s, h->u.handler.body);
        }
        walk_stmt(s, n->u.try_.orelse);
        walk_stmt(s, n->u.try_.finally);
        break;
    case NODE_RAISE: walk_expr(s, n->u.raise.exc); walk_expr(s, n->u.raise.cause); break;
    case NODE_ASSERT: walk_expr(s, n->u.assert_.test); walk_expr(s, n->u.assert_.msg); break;
    case NODE_GLOBAL:
        for (int i = 0; i < n->u.names.n; i++)
            add(s, s->globals, n->u.names.names[i]);
        break;
    case NODE_NONLOCAL:
        for (int i = 0; i < n->u.names.n; i++)
            add(s, s->nonlocals, n->u.names.names[i]);
        break;
    default: walk_expr(s, n); break;
    }
}

static bool info_init(Interp *I, ScopeInfo *s)
{
    memset(s, 0, sizeof *s);
    s->I = I;
    s->ok = dict_new(I, &s->bound) && dict_new(I, &s->used) && dict_new(I, &s->globals) &&
            dict_new(I, &s->nonlocals) && dict_new(I, &s->nested_free);
    return s->ok;
}

static void info_free(ScopeInfo *s)
{
    value_decref(s->bound);
    value_decref(s->used);
    value_decref(s->globals);
    value_decref(s->nonlocals);
    value_decref(s->nested_free);
}

/* Collects what one scope binds and uses. */
static bool scan_scope(ScopeInfo *s, const Node *scope)
{
    switch (scope->kind) {
    case NODE_DEF: case NODE_LAMBDA:
        for (int i = 0; i < scope->u.func.params.n; i++)
            add(s, s->bound, scope->u.func.params.items[i]->u.param.name);
        if (scope->kind == NODE_LAMBDA)
            walk_expr(s, scope->u.func.body);
        else
            walk_stmt(s, scope->u.func.body);
        break;
    case NODE_CLASS: walk_stmt(s, scope->u.class_.body); break;
    default:   /* comprehensions */
        s->comp = true;
        for (int i = 0; i < scope->u.comp.gens.n; i++) {
            const Node *g = scope->u.comp.gens.items[i];
            walk_target(s, g->u.compfor.target);
            if (i > 0)
                walk_expr(s, g->u.compfor.iter);
            walk_list(s, &g->u.compfor.ifs, false);
        }
        walk_expr(s, scope->u.comp.elt);
        walk_expr(s, scope->u.comp.key);
        break;
    }
    return s->ok;
}

static bool is_local(ScopeInfo *s, const char *name)
{
    return dict_find_cstr(s->bound, name) && !dict_find_cstr(s->globals, name) &&
           !dict_find_cstr(s->nonlocals, name);
}

/* Adds to `into` the names that `scope` needs from enclosing scopes. */
static bool free_names(Interp *I, const Node *scope, Value into)
{
    ScopeInfo s;
    bool ok = info_init(I, &s) && scan_scope(&s, scope);
    Value sets[3] = {s.used, s.nested_free, s.nonlocals};
    for (int k = 0; ok && k < 3; k++) {
        size_t pos = 0;
        Value name;
        while (ok && dict_next(sets[k], &pos, &name, NULL)) {
            const char *n = str_cstr(name);
            bool local = scope->kind == NODE_CLASS && k == 1 ? false : is_local(&s, n);
            if (k == 2 || (!local && !dict_find_cstr(s.globals, n)))
                ok = dict_set(I, into, name, val_none());
        }
    }
    info_free(&s);
    return ok;
}

int code_lookup(const Code *c, const char *name, int *index)
{
    if (!c)
        return 0;
    DictEntry *e = dict_find_cstr(c->names, name);
    if (!e)
        return 0;
    if (index)
        *index = (int)(e->value.as.i >> 4);
    return (int)(e->value.as.i & 15);
}

static bool parent_provides(const Code *parent, const char *name)
{
    int k = code_lookup(parent, name, NULL);
    if (!parent)
        return false;
    if (parent->is_class)
        return k == SC_FREE;
    return k == SC_LOCAL || k == SC_CELL || k == SC_FREE;
}

static bool code_add_free(Interp *I, Code *c, const char *name)
{
    char **p = realloc(c->freenames, ((size_t)c->nfree + 1) * sizeof(char *));
    if (!p)
        return interp_error(I, ERR_MEMORY, "out of memory");
    c->freenames = p;
    if (!(p[c->nfree] = strdup(name)))
        return interp_error(I, ERR_MEMORY, "out of memory");
    int idx = c->nfree++;
    return dict_set_str(I, c->names, name, val_int(SC_FREE | (int64_t)idx << 4));
}

static bool code_fill(Interp *I, Code *c, ScopeInfo *s, const Code *parent)
{
    size_t pos = 0;
    Value name;
    bool ok = true;
    while (ok && dict_next(s->bound, &pos, &name, NULL)) {
        const char *n = str_cstr(name);
        if (!is_local(s, n))
            continue;
        int kind = !c->is_class && dict_find_cstr(s->nested_free, n) ? SC_CELL : SC_LOCAL;
        ok = dict_set(I, c->names, name, val_int(kind));
    }
    pos = 0;
    while (ok && dict_next(s->globals, &pos, &name, NULL))
        ok = dict_set(I, c->names, name, val_int(SC_GLOBAL));
    Value sets[3] = {s->nonlocals, s->used, s->nested_free};
    for (int k = 0; ok && k < 3; k++) {
        pos = 0;
        while (ok && dict_next(sets[k], &pos, &name, NULL)) {
            const char *n = str_cstr(name);
            if (dict_find_cstr(c->names, n) && !(c->is_class && k == 2 &&
                                                 code_lookup(c, n, NULL) == SC_LOCAL))
                continue;
            if (c->is_class && k == 2 && code_lookup(c, n, NULL) == SC_LOCAL)
                continue;
            if (parent_provides(parent, n))
                ok = code_add_free(I, c, n);
            else if (k == 0 && s->comp)     /* (x := v) in a comprehension at module level */
                ok = dict_set(I, c->names, name, val_int(SC_GLOBAL));
            else if (k == 0)
                ok = interp_error(I, ERR_SYNTAX, "no binding for nonlocal '%s' found", n);
        }
    }
    return ok;
}

Code *code_analyze(Interp *I, const Node *fn, const Code *parent)
{
    ScopeInfo s;
    memset(&s, 0, sizeof s);
    Code *c = calloc(1, sizeof *c);
    if (!c) {
        interp_error(I, ERR_MEMORY, "out of memory");
        return NULL;
    }
    c->refcount = 1;
    c->is_class = fn->kind == NODE_CLASS;
    bool ok = dict_new(I, &c->names) && info_init(I, &s) && scan_scope(&s, fn) &&
              code_fill(I, c, &s, parent);
    c->is_generator = s.generator && fn->kind == NODE_DEF;
    info_free(&s);
    if (!ok) {
        code_unref(c);
        return NULL;
    }
    return c;
}
