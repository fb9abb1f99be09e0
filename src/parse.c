/* parse.c - statements and the entry point of the nnsh parser (parse.h).
 * Expressions are in parse_expr.c, string literals in parse_str.c; the three
 * share parse_int.h.
 *
 * Recursive descent over the token stream of lex.c.  Errors: the first one
 * wins and parsing stops (panic mode with nothing to resume: one error per
 * input is reported, at its exact line and column).  Errors that Python's
 * compiler finds after parsing ('break' outside loop, 'return' outside
 * function, duplicate parameters) are kept aside and reported only when the
 * syntax is otherwise fine, so the order of messages matches Python's.
 *
 * Interactive mode (PARSE_INTERACTIVE): text that ends inside brackets, a
 * triple-quoted string, after a backslash, after a block header or a
 * decorator is PARSE_INCOMPLETE; so is a complete compound statement that is
 * not yet followed by an empty line (more elif/else or body lines may come).
 */
#include "parse_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens and errors -------------------------------------------------- */

void p_error_at(Parser *p, int line, int col, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    char msg[sizeof p->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err->line = line;
    p->err->col = col;
    if (p->fstring > 0 && strncmp(msg, "f-string", 8) != 0)
        snprintf(p->err->msg, sizeof p->err->msg, "f-string: %.230s", msg);
    else
        snprintf(p->err->msg, sizeof p->err->msg, "%s", msg);
}

void p_error(Parser *p, const Token *t, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t->type == TOK_ERROR) {     /* the lexer's error comes first */
        p->incomplete = t->incomplete;
        p_error_at(p, t->line, t->col, "%s", t->msg);
    } else {
        p_error_at(p, t->line, t->col, "%s", msg);
    }
}

void p_late_error(Parser *p, int line, int col, const char *msg)
{
    if (p->has_late)
        return;
    p->has_late = true;
    p->late.line = line;
    p->late.col = col;
    snprintf(p->late.msg, sizeof p->late.msg, "%s", msg);
}

void p_advance(Parser *p)
{
    if (p->failed)
        return;
    p->prev = p->cur;
    if (p->has_ahead) {
        p->cur = p->ahead;
        p->has_ahead = false;
    } else {
        p->cur = lex_next(p->lx);
    }
    if (p->cur.type == TOK_ERROR)
        p_error(p, &p->cur, "%s", p->cur.msg);
}

TokType p_peek2(Parser *p)
{
    if (!p->has_ahead) {
        p->ahead = lex_next(p->lx);
        p->has_ahead = true;
    }
    return p->ahead.type;
}

bool p_check(const Parser *p, TokType t)
{
    return !p->failed && p->cur.type == t;
}

bool p_match(Parser *p, TokType t)
{
    if (!p_check(p, t))
        return false;
    p_advance(p);
    return true;
}

bool p_expect(Parser *p, TokType t, const char *msg)
{
    if (p_match(p, t))
        return true;
    p_error(p, &p->cur, "%s", msg);
    return false;
}

bool p_enter(Parser *p)
{
    if (++p->depth > PARSE_MAX_HEIGHT) {
        p_error(p, &p->cur, "too deeply nested");
        p->depth--;
        return false;
    }
    return true;
}

void p_leave(Parser *p)
{
    p->depth--;
}

/* ---- nodes -------------------------------------------------------------- */

void *p_alloc(Parser *p, size_t n)
{
    void *x = arena_alloc(&p->chunk->arena, n);
    if (!x)
        p_error_at(p, p->cur.line, p->cur.col, "out of memory");
    return x;
}

Node *p_node(Parser *p, NodeKind kind, int line, int col)
{
    Node *n = p_alloc(p, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = line;
        n->col = col;
    }
    return n;
}

Node *p_node_tok(Parser *p, NodeKind kind, const Token *t)
{
    return p_node(p, kind, t->line, t->col);
}

bool vec_push(Parser *p, Vec *v, Node *x)
{
    if (v->n == v->cap) {
        if (v->cap > (1 << 28)) {
            p_error_at(p, p->cur.line, p->cur.col, "out of memory");
            return false;
        }
        int cap = v->cap ? v->cap * 2 : 4;
        Node **items = p_alloc(p, sizeof *items * (size_t)cap);
        if (!items)
            return false;
        if (v->n)
            memcpy(items, v->items, sizeof *items * (size_t)v->n);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
    return true;
}

NodeList vec_list(const Vec *v)
{
    NodeList l = { v->n, v->items };
    return l;
}

const char *p_name(Parser *p, const Token *t)
{
    char *s = arena_strndup(&p->chunk->arena, p->src + t->start, t->len);
    if (!s)
        p_error_at(p, t->line, t->col, "out of memory");
    return s;
}

/* ---- blocks ------------------------------------------------------------- */

static bool parse_statement(Parser *p, Vec *out);
static bool simple_stmts(Parser *p, Vec *out);

/* True when the token is the end of the text (EOF, or a DEDENT or NEWLINE
 * made up there), where the REPL may still add lines. */
static bool at_text_end(const Parser *p)
{
    TokType t = p->cur.type;
    return (t == TOK_EOF || t == TOK_DEDENT) && p->cur.start >= p->lx->end;
}

/* ':' then an indented block, or simple statements on the same line.
 * what/line name the header for "expected an indented block after ...". */
static Node *parse_block(Parser *p, const char *what, int line)
{
    if (!p_check(p, TOK_COLON)) {
        p_error(p, &p->cur, "expected ':'");
        return NULL;
    }
    p_advance(p);
    Node *b = p_node_tok(p, NODE_BLOCK, &p->cur);
    Vec v = { 0 };
    if (!b || !p_enter(p))
        return NULL;
    if (!p_match(p, TOK_NEWLINE)) {
        simple_stmts(p, &v);
    } else if (!p_check(p, TOK_INDENT)) {
        const Token *at = at_text_end(p) ? &p->prev : &p->cur;
        if (!p->failed && at_text_end(p) && p->interactive)
            p->incomplete = true;
        p_error(p, at, "expected an indented block after %s on line %d", what, line);
    } else {
        p_advance(p);
        b->line = p->cur.line;
        b->col = p->cur.col;
        while (!p->failed && !p_check(p, TOK_DEDENT) && !p_check(p, TOK_EOF))
            parse_statement(p, &v);
        p_match(p, TOK_DEDENT);
    }
    p_leave(p);
    b->u.block.stmts = vec_list(&v);
    return p->failed ? NULL : b;
}

/* ---- compound statements ------------------------------------------------ */

static Node *parse_if(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_IF, &kw);
    if (!n || !(n->u.if_.cond = parse_test(p)))
        return NULL;
    n->u.if_.body = parse_block(p, kw.type == TOK_IF ? "'if' statement"
                                : "'elif' statement", kw.line);
    if (!n->u.if_.body)
        return NULL;
    if (p_check(p, TOK_ELIF)) {
        if (!p_enter(p))
            return NULL;
        n->u.if_.orelse = parse_if(p);
        p_leave(p);
    } else if (p_check(p, TOK_ELSE)) {
        Token e = p->cur;
        p_advance(p);
        n->u.if_.orelse = parse_block(p, "'else' statement", e.line);
    }
    return p->failed ? NULL : n;
}

/* The optional else block of a loop (break in it belongs to outer loops). */
static bool loop_else(Parser *p, Node *n)
{
    if (!p_check(p, TOK_ELSE))
        return true;
    Token e = p->cur;
    p_advance(p);
    n->u.loop.orelse = parse_block(p, "'else' statement", e.line);
    return n->u.loop.orelse != NULL;
}

static Node *parse_while(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_WHILE, &kw);
    if (!n || !(n->u.loop.cond = parse_test(p)))
        return NULL;
    p->loops++;
    n->u.loop.body = parse_block(p, "'while' statement", kw.line);
    p->loops--;
    return n->u.loop.body && loop_else(p, n) ? n : NULL;
}

static Node *parse_for(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_FOR, &kw);
    if (!n || !(n->u.loop.target = parse_target_list(p))
        || !check_target(p, n->u.loop.target, TGT_FOR, true))
        return NULL;
    if (!p_expect(p, TOK_IN, "invalid syntax")
        || !(n->u.loop.iter = parse_testlist(p, true)))
        return NULL;
    p->loops++;
    n->u.loop.body = parse_block(p, "'for' statement", kw.line);
    p->loops--;
    return n->u.loop.body && loop_else(p, n) ? n : NULL;
}

static Node *parse_handler(Parser *p, bool *bare_seen)
{
    Token kw = p->cur;
    p_advance(p);
    Node *h = p_node_tok(p, NODE_HANDLER, &kw);
    if (!h)
        return NULL;
    if (*bare_seen) {
        p_error(p, &kw, "default 'except:' must be last");
        return NULL;
    }
    if (p_check(p, TOK_STAR)) {
        p_error(p, &p->cur, "'except*' is not supported in nnsh");
        return NULL;
    }
    if (!p_check(p, TOK_COLON)) {
        if (!(h->u.handler.type = parse_test(p)))
            return NULL;
        if (p_check(p, TOK_COMMA)) {
            p_error_at(p, h->u.handler.type->line, h->u.handler.type->col,
                       "multiple exception types must be parenthesized");
            return NULL;
        }
        if (p_match(p, TOK_AS)) {
            if (!p_check(p, TOK_NAME)) {
                p_error(p, &p->cur, "invalid syntax");
                return NULL;
            }
            h->u.handler.name = p_name(p, &p->cur);
            p_advance(p);
        }
    } else {
        *bare_seen = true;
    }
    h->u.handler.body = parse_block(p, "'except' statement", kw.line);
    return h->u.handler.body ? h : NULL;
}

static Node *parse_try(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_TRY, &kw);
    if (!n || !(n->u.try_.body = parse_block(p, "'try' statement", kw.line)))
        return NULL;
    Vec hs = { 0 };
    bool bare = false;
    while (!p->failed && p_check(p, TOK_EXCEPT)) {
        Node *h = parse_handler(p, &bare);
        if (!h || !vec_push(p, &hs, h))
            return NULL;
    }
    n->u.try_.handlers = vec_list(&hs);
    if (hs.n > 0 && p_check(p, TOK_ELSE)) {
        Token e = p->cur;
        p_advance(p);
        if (!(n->u.try_.orelse = parse_block(p, "'else' statement", e.line)))
            return NULL;
    }
    if (p_check(p, TOK_FINALLY)) {
        Token f = p->cur;
        p_advance(p);
        if (!(n->u.try_.finally = parse_block(p, "'finally' statement", f.line)))
            return NULL;
    }
    if (!p->failed && hs.n == 0 && !n->u.try_.finally) {
        if (at_text_end(p) && p->interactive)
            p->incomplete = true;   /* the except/finally lines come next */
        p_error(p, &p->cur, "expected 'except' or 'finally' block");
    }
    return p->failed ? NULL : n;
}

static Node *parse_with(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_WITH, &kw);
    Vec items = { 0 };
    if (!n)
        return NULL;
    do {
        Node *it = p_node_tok(p, NODE_WITHITEM, &p->cur);
        if (!it || !(it->u.withitem.context = parse_test(p)))
            return NULL;
        if (p_match(p, TOK_AS) && (!(it->u.withitem.target = parse_bitor(p))
                                   || !check_target(p, it->u.withitem.target, TGT_WITH, true)))
            return NULL;
        if (!vec_push(p, &items, it))
            return NULL;
    } while (p_match(p, TOK_COMMA));
    n->u.with.items = vec_list(&items);
    n->u.with.body = parse_block(p, "'with' statement", kw.line);
    return n->u.with.body ? n : NULL;
}

/* A def or class body: a new function scope with no enclosing loop. */
static Node *scope_block(Parser *p, const char *what, int line, bool func)
{
    int loops = p->loops, funcs = p->funcs;
    bool in_class = p->in_class;
    p->loops = 0;
    p->funcs = func;
    p->in_class = !func;
    Node *b = parse_block(p, what, line);
    p->loops = loops;
    p->funcs = funcs;
    p->in_class = in_class;
    return b;
}

static Node *parse_def(Parser *p, Vec *decorators)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_DEF, &kw);
    if (!n)
        return NULL;
    if (!p_check(p, TOK_NAME)) {
        p_error(p, &p->cur, "invalid syntax");
        return NULL;
    }
    n->u.func.name = p_name(p, &p->cur);
    p_advance(p);
    Vec params = { 0 };
    if (!p_expect(p, TOK_LPAREN, "expected '('")
        || !parse_params(p, &params, TOK_RPAREN, true)
        || !p_expect(p, TOK_RPAREN, "invalid syntax"))
        return NULL;
    if (p_match(p, TOK_ARROW) && !parse_test(p))
        return NULL;
    n->u.func.params = vec_list(&params);
    n->u.func.decorators = vec_list(decorators);
    n->u.func.body = scope_block(p, "function definition", kw.line, true);
    return n->u.func.body ? n : NULL;
}

static Node *parse_class(Parser *p)
{
    Token kw = p->cur;
    p_advance(p);
    Node *n = p_node_tok(p, NODE_CLASS, &kw);
    if (!n)
        return NULL;
    if (!p_check(p, TOK_NAME)) {
        p_error(p, &p->cur, "invalid syntax");
        return NULL;
    }
    n->u.class_.name = p_name(p, &p->cur);
    p_advance(p);
    if (p_check(p, TOK_LPAREN)) {
        Node *call = parse_call_args(p, NULL, true);
        if (!call)
            return NULL;
        Vec bases = { 0 };
        for (int i = 0; i < call->u.call.args.n; i++) {
            Node *a = call->u.call.args.items[i];
            if (a->u.arg.kind == ARG_POS && !vec_push(p, &bases, a->u.arg.value))
                return NULL;
        }
        n->u.class_.bases = vec_list(&bases);
    }
    n->u.class_.body = scope_block(p, "class definition", kw.line, false);
    return n->u.class_.body ? n : NULL;
}

/* @d1 @d2 class C: ... runs as the class statement followed by
 * C = d1(d2(C)) (a block run inline). */
static Node *decorate_class(Parser *p, Node *cls, const Vec *decs)
{
    if (!cls || decs->n == 0)
        return cls;
    Node *value = p_node(p, NODE_NAME, cls->line, cls->col);
    if (!value)
        return NULL;
    value->u.name = cls->u.class_.name;
    for (int i = decs->n - 1; i >= 0; i--) {
        Node *call = p_node(p, NODE_CALL, cls->line, cls->col);
        Node *arg = p_node(p, NODE_ARG, cls->line, cls->col);
        Vec args = { 0 };
        if (!call || !arg || !vec_push(p, &args, arg))
            return NULL;
        arg->u.arg.kind = ARG_POS;
        arg->u.arg.value = value;
        call->u.call.func = decs->items[i];
        call->u.call.args = vec_list(&args);
        value = call;
    }
    Node *target = p_node(p, NODE_NAME, cls->line, cls->col);
    Node *assign = p_node(p, NODE_ASSIGN, cls->line, cls->col);
    Node *block = p_node(p, NODE_BLOCK, cls->line, cls->col);
    Vec t = { 0 }, s = { 0 };
    if (!target || !assign || !block || !vec_push(p, &t, target) || !vec_push(p, &s, cls) ||
        !vec_push(p, &s, assign))
        return NULL;
    target->u.name = cls->u.class_.name;
    assign->u.assign.targets = vec_list(&t);
    assign->u.assign.value = value;
    block->u.block.stmts = vec_list(&s);
    return block;
}

static Node *parse_decorated(Parser *p)
{
    Vec decs = { 0 };
    while (!p->failed && p_match(p, TOK_AT)) {
        Node *d = parse_test(p);
        if (!d || !vec_push(p, &decs, d) || !p_expect(p, TOK_NEWLINE, "invalid syntax"))
            return NULL;
    }
    if (p_check(p, TOK_DEF))
        return parse_def(p, &decs);
    if (p_check(p, TOK_CLASS))
        return decorate_class(p, parse_class(p), &decs);
    if (!p->failed && at_text_end(p) && p->interactive)
        p->incomplete = true;
    p_error(p, &p->cur, "invalid syntax");
    return NULL;
}

static bool parse_statement(Parser *p, Vec *out)
{
    Node *n;
    switch (p->cur.type) {
    case TOK_IF: n = parse_if(p); break;
    case TOK_WHILE: n = parse_while(p); break;
    case TOK_FOR: n = parse_for(p); break;
    case TOK_TRY: n = parse_try(p); break;
    case TOK_WITH: n = parse_with(p); break;
    case TOK_DEF: {
        Vec none = { 0 };
        n = parse_def(p, &none);
        break;
    }
    case TOK_CLASS: n = parse_class(p); break;
    case TOK_AT: n = parse_decorated(p); break;
    case TOK_ASYNC:
        p_error(p, &p->cur, "'async' is not supported in nnsh");
        return false;
    case TOK_INDENT:
        p_error(p, &p->cur, "unexpected indent");
        return false;
    case TOK_NEWLINE:
        p_advance(p);
        return true;
    default:
        return simple_stmts(p, out);
    }
    return n && vec_push(p, out, n);
}

/* ---- simple statements -------------------------------------------------- */

typedef struct SVec {
    const char **items;
    int n, cap;
} SVec;

static bool svec_push(Parser *p, SVec *v, const char *s)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 4;
        const char **items = p_alloc(p, sizeof *items * (size_t)cap);
        if (!items)
            return false;
        if (v->n)
            memcpy(items, v->items, sizeof *items * (size_t)v->n);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = s;
    return true;
}

/* NAME ('.' NAME)*, for from-imports with optional leading dots. */
static const char *dotted_name(Parser *p, bool allow_dots)
{
    size_t cap = 64, n = 0;
    char *buf = malloc(cap);
    const char *res = NULL;
    bool want_name = true, dots_ok = allow_dots;
    if (!buf) {
        p_error(p, &p->cur, "out of memory");
        return NULL;
    }
    for (;;) {
        Token t = p->cur;
        bool dot = dots_ok && (t.type == TOK_DOT || t.type == TOK_ELLIPSIS);
        if (p->failed || (!dot && t.type != TOK_NAME))
            break;
        if (n + t.len + 2 > cap) {
            while (n + t.len + 2 > cap)
                cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                goto done;
            buf = nb;
        }
        memcpy(buf + n, p->src + t.start, t.len);
        n += t.len;
        p_advance(p);
        want_name = false;
        if (!dot) {
            dots_ok = false;
            if (!p_match(p, TOK_DOT))
                break;
            buf[n++] = '.';
            want_name = true;
        }
    }
    if (p->failed)
        goto done;
    if (n == 0 || (want_name && !dots_ok)) {
        p_error(p, &p->cur, "invalid syntax");
        goto done;
    }
    res = arena_strndup(&p->chunk->arena, buf, n);
    if (!res)
        p_error(p, &p->cur, "out of memory");
done:
    free(buf);
    if (!res && !p->failed)
        p_error(p, &p->cur, "out of memory");
    return p->failed ? NULL : res;
}

/* [as NAME] after an imported name. */
static bool as_name(Parser *p, const char **as)
{
    *as = NULL;
    if (!p_match(p, TOK_AS))
        return true;
    if (!p_check(p, TOK_NAME)) {
        p_error(p, &p->cur, "invalid syntax");
        return false;
    }
    *as = p_name(p, &p->cur);
    p_advance(p);
    return *as != NULL;
}

static Node *parse_import(Parser *p, Node *n)
{
    SVec names = { 0 }, as = { 0 };
    do {
        const char *nm = dotted_name(p, false), *a;
        if (!nm || !as_name(p, &a) || !svec_push(p, &names, nm) || !svec_push(p, &as, a))
            return NULL;
    } while (p_match(p, TOK_COMMA));
    n->u.import.n = names.n;
    n->u.import.names = names.items;
    n->u.import.asnames = as.items;
    return n;
}

static Node *parse_from(Parser *p, Node *n)
{
    SVec names = { 0 }, as = { 0 };
    n->kind = NODE_FROMIMPORT;
    if (!(n->u.import.module = dotted_name(p, true))
        || !p_expect(p, TOK_IMPORT, "invalid syntax"))
        return NULL;
    if (p_match(p, TOK_STAR)) {
        if (!svec_push(p, &names, "*") || !svec_push(p, &as, NULL))
            return NULL;
    } else {
        bool paren = p_match(p, TOK_LPAREN);
        do {
            if (paren && p_check(p, TOK_RPAREN) && names.n > 0)
                break;
            const char *a, *nm = p_check(p, TOK_NAME) ? p_name(p, &p->cur) : NULL;
            if (!nm) {
                p_error(p, &p->cur, "invalid syntax");
                return NULL;
            }
            p_advance(p);
            if (!as_name(p, &a) || !svec_push(p, &names, nm) || !svec_push(p, &as, a))
                return NULL;
        } while (p_match(p, TOK_COMMA));
        if (paren && !p_expect(p, TOK_RPAREN, "invalid syntax"))
            return NULL;
    }
    n->u.import.n = names.n;
    n->u.import.names = names.items;
    n->u.import.asnames = as.items;
    return n;
}

static Node *parse_names(Parser *p, Node *n)
{
    SVec v = { 0 };
    do {
        if (!p_check(p, TOK_NAME)) {
            p_error(p, &p->cur, "invalid syntax");
            return NULL;
        }
        if (!svec_push(p, &v, p_name(p, &p->cur)))
            return NULL;
        p_advance(p);
    } while (p_match(p, TOK_COMMA));
    n->u.names.n = v.n;
    n->u.names.names = v.items;
    return n;
}

static Node *parse_del(Parser *p, Node *n)
{
    Vec v = { 0 };
    do {
        Node *t = parse_bitor(p);
        if (!t || !check_target(p, t, TGT_DEL, true) || !vec_push(p, &v, t))
            return NULL;
    } while (p_match(p, TOK_COMMA) && starts_expr(p->cur.type));
    n->u.del.targets = vec_list(&v);
    return n;
}

static bool no_bare_star(Parser *p, const Node *e)
{
    if (e && e->kind == NODE_STARRED) {
        p_error_at(p, e->line, e->col, "can't use starred expression here");
        return false;
    }
    return e != NULL;
}

/* In a class body, x: T records T as __annotations__['x'] (dataclasses
 * read it): the statement __annotations__['x'] = T, which the class body
 * runs with a fresh __annotations__ dict (eval_stmt.c). */
static Node *class_annotation(Parser *p, Node *target, Node *ann)
{
    Node *rec = p_node(p, NODE_ASSIGN, target->line, target->col);
    Node *idx = p_node(p, NODE_INDEX, target->line, target->col);
    Node *obj = p_node(p, NODE_NAME, target->line, target->col);
    Node *key = p_node(p, NODE_STR, target->line, target->col);
    Vec v = { 0 };
    if (!rec || !idx || !obj || !key || !vec_push(p, &v, idx))
        return NULL;
    obj->u.name = "__annotations__";
    key->u.str.s = target->u.name;
    key->u.str.len = strlen(target->u.name);
    idx->u.index.object = obj;
    idx->u.index.index = key;
    rec->u.assign.targets = vec_list(&v);
    rec->u.assign.value = ann;
    return rec;
}

/* x: T [= v] -- outside class bodies the annotation is parsed and dropped. */
static Node *annotated(Parser *p, Node *n, Node *target)
{
    if (target->kind == NODE_TUPLE) {
        p_error_at(p, target->line, target->col,
                   "only single target (not tuple) can be annotated");
        return NULL;
    }
    if (target->kind != NODE_NAME && target->kind != NODE_ATTR
        && target->kind != NODE_INDEX) {
        p_error_at(p, target->line, target->col, "illegal target for annotation");
        return NULL;
    }
    p_advance(p);
    Node *ann = parse_test(p);
    if (!ann)
        return NULL;
    Node *rec = p->in_class && p->funcs == 0 && target->kind == NODE_NAME
              ? class_annotation(p, target, ann) : NULL;
    if (!p_match(p, TOK_ASSIGN)) {
        if (rec)
            return rec;
        n->kind = NODE_PASS;
        return n;
    }
    Vec v = { 0 };
    if (!vec_push(p, &v, target) || !no_bare_star(p, n->u.assign.value = parse_testlist(p, true)))
        return NULL;
    n->kind = NODE_ASSIGN;
    n->u.assign.targets = vec_list(&v);
    if (!rec)
        return n;
    Node *b = p_node(p, NODE_BLOCK, n->line, n->col);   /* both, run inline */
    Vec s = { 0 };
    if (!b || !vec_push(p, &s, rec) || !vec_push(p, &s, n))
        return NULL;
    b->u.block.stmts = vec_list(&s);
    return b;
}

static Node *expr_or_assign(Parser *p)
{
    Node *first = parse_testlist(p, true);
    if (!first)
        return NULL;
    Node *n = p_node(p, NODE_EXPR_STMT, first->line, first->col);
    if (!n)
        return NULL;
    TokType t = p->cur.type;
    if (t == TOK_ASSIGN) {
        Vec targets = { 0 };
        Node *e = first;
        while (!p->failed && p_match(p, TOK_ASSIGN)) {
            if (!check_target(p, e, TGT_ASSIGN, true) || !vec_push(p, &targets, e))
                return NULL;
            e = parse_testlist(p, true);
            if (!e)
                return NULL;
        }
        n->kind = NODE_ASSIGN;
        n->u.assign.targets = vec_list(&targets);
        n->u.assign.value = e;
        return no_bare_star(p, e) ? n : NULL;
    }
    if (t >= TOK_PLUSEQ && t <= TOK_CARETEQ) {
        if (!check_target(p, first, TGT_AUG, true))
            return NULL;
        p_advance(p);
        n->kind = NODE_AUGASSIGN;
        n->u.augassign.target = first;
        n->u.augassign.op = (BinOp)(t - TOK_PLUSEQ);
        n->u.augassign.value = parse_testlist(p, true);
        return no_bare_star(p, n->u.augassign.value) ? n : NULL;
    }
    if (t == TOK_COLON)
        return annotated(p, n, first);
    n->u.expr_stmt.value = first;
    return no_bare_star(p, first) ? n : NULL;
}

static Node *simple_stmt(Parser *p)
{
    Token t = p->cur;
    NodeKind kind;
    switch (t.type) {
    case TOK_PASS: kind = NODE_PASS; break;
    case TOK_BREAK: kind = NODE_BREAK; break;
    case TOK_CONTINUE: kind = NODE_CONTINUE; break;
    case TOK_RETURN: kind = NODE_RETURN; break;
    case TOK_RAISE: kind = NODE_RAISE; break;
    case TOK_GLOBAL: kind = NODE_GLOBAL; break;
    case TOK_NONLOCAL: kind = NODE_NONLOCAL; break;
    case TOK_DEL: kind = NODE_DEL; break;
    case TOK_ASSERT: kind = NODE_ASSERT; break;
    case TOK_IMPORT: kind = NODE_IMPORT; break;
    case TOK_FROM: kind = NODE_IMPORT; break;
    default: return expr_or_assign(p);
    }
    Node *n = p_node_tok(p, kind, &t);
    if (!n)
        return NULL;
    p_advance(p);
    switch (t.type) {
    case TOK_BREAK:
        if (!p->loops)
            p_late_error(p, t.line, t.col, "'break' outside loop");
        return n;
    case TOK_CONTINUE:
        if (!p->loops)
            p_late_error(p, t.line, t.col, "'continue' not properly in loop");
        return n;
    case TOK_RETURN:
        if (!p->funcs)
            p_late_error(p, t.line, t.col, "'return' outside function");
        if (starts_expr(p->cur.type)
            && !no_bare_star(p, n->u.ret.value = parse_testlist(p, true)))
            return NULL;
        return n;
    case TOK_RAISE:
        if (starts_expr(p->cur.type) && !(n->u.raise.exc = parse_test(p)))
            return NULL;
        if (n->u.raise.exc && p_match(p, TOK_FROM) && !(n->u.raise.cause = parse_test(p)))
            return NULL;
        return n;
    case TOK_NONLOCAL:
        if (!p->funcs)
            p_late_error(p, t.line, t.col, "nonlocal declaration not allowed at module level");
        return parse_names(p, n);
    case TOK_GLOBAL: return parse_names(p, n);
    case TOK_DEL: return parse_del(p, n);
    case TOK_ASSERT:
        if (!(n->u.assert_.test = parse_test(p)))
            return NULL;
        if (p_match(p, TOK_COMMA) && !(n->u.assert_.msg = parse_test(p)))
            return NULL;
        return n;
    case TOK_IMPORT: return parse_import(p, n);
    case TOK_FROM: return parse_from(p, n);
    default: return n;
    }
}

/* simple_stmt (';' simple_stmt)* [';'] NEWLINE */
static bool simple_stmts(Parser *p, Vec *out)
{
    Node *s;
    do {
        if (!(s = simple_stmt(p)) || !vec_push(p, out, s))
            return false;
    } while (p_match(p, TOK_SEMI) && !p_check(p, TOK_NEWLINE) && !p_check(p, TOK_EOF));
    if (p_match(p, TOK_NEWLINE) || p_check(p, TOK_EOF) || p->failed)
        return !p->failed;
    const Node *v = s->kind == NODE_EXPR_STMT ? s->u.expr_stmt.value : NULL;
    if (v && v->kind == NODE_NAME && (strcmp(v->u.name, "print") == 0
                                      || strcmp(v->u.name, "exec") == 0)
        && starts_expr(p->cur.type))
        p_error_at(p, v->line, v->col, "Missing parentheses in call to '%s'. "
                   "Did you mean %s(...)?", v->u.name, v->u.name);
    else
        p_error(p, &p->cur, "invalid syntax");
    return false;
}

/* ---- entry point -------------------------------------------------------- */

static bool is_compound(const Node *n)
{
    switch (n->kind) {
    case NODE_IF: case NODE_WHILE: case NODE_FOR: case NODE_TRY: case NODE_WITH:
    case NODE_DEF: case NODE_CLASS:
        return true;
    default:
        return false;
    }
}

/* Interactive input ends a compound statement with an empty line: the text
 * (without its final newline) ends in a newline plus optional blanks. */
static bool ends_with_blank_line(const char *s, size_t n)
{
    if (n > 0 && s[n - 1] == '\n')
        n--;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\f'))
        n--;
    return n > 0 && s[n - 1] == '\n';
}

static Chunk *chunk_new(const char *src, size_t len, const char *filename)
{
    Chunk *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refcount = 1;
    c->source = malloc(len + 1);
    c->filename = strdup(filename ? filename : "<string>");
    if (!c->source || !c->filename) {
        chunk_unref(c);
        return NULL;
    }
    memcpy(c->source, src, len);
    c->source[len] = '\0';
    c->source_len = len;
    return c;
}

/* After a parser error, Python tokenizes the rest of the text and prefers
 * a tokenizer error found there ("'(' was never closed" over "invalid
 * syntax. Perhaps you forgot a comma?"). */
static void prefer_lexer_error(Parser *p)
{
    if (p->cur.type == TOK_ERROR || p->lx->failed)
        return;
    Token t = p->has_ahead ? p->ahead : lex_next(p->lx);
    while (t.type != TOK_EOF && t.type != TOK_ERROR)
        t = lex_next(p->lx);
    if (t.type == TOK_ERROR) {
        p->incomplete = false;
        p->err->line = t.line;
        p->err->col = t.col;
        snprintf(p->err->msg, sizeof p->err->msg, "%s", t.msg);
    }
}

static ParseStatus finish(Parser *p, const Vec *stmts)
{
    if (p->failed && !p->incomplete)
        prefer_lexer_error(p);
    if (p->failed)
        return p->incomplete ? PARSE_INCOMPLETE : PARSE_ERROR;
    if (p->interactive && stmts->n > 0 && is_compound(stmts->items[stmts->n - 1])
        && !ends_with_blank_line(p->src, p->chunk->source_len)) {
        p->err->line = p->cur.line;
        p->err->col = p->cur.col;
        snprintf(p->err->msg, sizeof p->err->msg, "incomplete input");
        return PARSE_INCOMPLETE;
    }
    if (p->has_late) {
        *p->err = p->late;
        return PARSE_ERROR;
    }
    return PARSE_OK;
}

ParseStatus parse_chunk(const char *src, size_t len, const char *filename,
                        int flags, Chunk **out, ParseError *err)
{
    ParseError dummy;
    if (!err)
        err = &dummy;
    memset(err, 0, sizeof *err);
    *out = NULL;
    Chunk *c = chunk_new(src ? src : "", src ? len : 0, filename);
    Lexer *lx = malloc(sizeof *lx);
    if (!c || !lx) {
        free(lx);
        chunk_unref(c);
        err->line = err->col = 1;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return PARSE_ERROR;
    }
    Parser p;
    memset(&p, 0, sizeof p);
    p.lx = lx;
    p.chunk = c;
    p.src = c->source;
    p.interactive = (flags & PARSE_INTERACTIVE) != 0;
    p.err = err;
    lex_init(lx, c->source, c->source_len, flags);
    p_advance(&p);
    Vec stmts = { 0 };
    Node *body = p_node(&p, NODE_BLOCK, 1, 1);
    while (!p.failed && !p_check(&p, TOK_EOF))
        parse_statement(&p, &stmts);
    ParseStatus st = finish(&p, &stmts);
    free(lx);
    if (st != PARSE_OK) {
        chunk_unref(c);
        return st;
    }
    body->u.block.stmts = vec_list(&stmts);
    c->body = body;
    *out = c;
    return PARSE_OK;
}
