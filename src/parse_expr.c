/* parse_expr.c - expressions of the nnsh language: a Pratt parser with
 * Python's precedence, displays, comprehensions, calls, subscripts,
 * lambdas and assignment-target checks.  Part of the parser (parse_int.h);
 * f-strings and string literals are in parse_str.c.
 *
 * Precedence, loosest first: lambda < if-else < or < and < not < comparisons
 * (chained) < | < ^ < & < << >> < + - < * / // % @ < unary + - ~ < ** (right
 * associative; its right operand may be a unary expression, and a unary
 * operator on its left binds looser: -2**2 == -(2**2)) < primary.
 */
#include "parse_int.h"

#include <stdio.h>
#include <string.h>

enum {
    PREC_OR = 1, PREC_AND, PREC_NOT, PREC_CMP, PREC_BOR, PREC_BXOR, PREC_BAND,
    PREC_SHIFT, PREC_ARITH, PREC_TERM, PREC_UNARY, PREC_POWER
};

Node *parse_strings(Parser *p);                 /* parse_str.c */
static Node *parse_binary(Parser *p, int min);
static Node *parse_comp(Parser *p, NodeKind kind, Node *key, Node *elt, const Token *at);

bool starts_expr(TokType t)
{
    switch (t) {
    case TOK_NAME: case TOK_INT: case TOK_FLOAT: case TOK_IMAG: case TOK_STRING:
    case TOK_TRUE: case TOK_FALSE: case TOK_NONE: case TOK_ELLIPSIS:
    case TOK_LPAREN: case TOK_LBRACKET: case TOK_LBRACE: case TOK_MINUS:
    case TOK_PLUS: case TOK_TILDE: case TOK_NOT: case TOK_LAMBDA: case TOK_STAR:
    case TOK_AWAIT: case TOK_YIELD:
        return true;
    default:
        return false;
    }
}

/* Tokens after which a comma-separated list ends (trailing comma). */
static bool ends_list(TokType t)
{
    return !starts_expr(t) || t == TOK_YIELD;
}

/* ---- atoms -------------------------------------------------------------- */

/* `yield [testlist]` or `yield from test` (the current token is yield). */
static Node *parse_yield(Parser *p, const Token *t)
{
    Node *n = p_node_tok(p, NODE_YIELD, t);
    if (!n)
        return NULL;
    p_advance(p);
    if (!p->funcs)
        p_late_error(p, t->line, t->col, "'yield' outside function");
    if (p_match(p, TOK_FROM))
        return (n->u.yield_.from = true, n->u.yield_.value = parse_test(p)) ? n : NULL;
    if (starts_expr(p->cur.type) && !(n->u.yield_.value = parse_testlist(p, true)))
        return NULL;
    return n;
}

/* After an element inside brackets: two expressions in a row. */
static void bracket_error(Parser *p, const Node *last)
{
    if (p->cur.type != TOK_ERROR && last && starts_expr(p->cur.type)
        && p->cur.type != TOK_STAR && p->cur.type != TOK_MINUS
        && p->cur.type != TOK_PLUS && p->cur.type != TOK_NOT)
        p_error_at(p, last->line, last->col, "invalid syntax. Perhaps you forgot a comma?");
    else
        p_error(p, &p->cur, "invalid syntax");
}

static bool close_bracket(Parser *p, TokType t, const Node *last)
{
    if (p_match(p, t))
        return true;
    if (!p->failed)
        bracket_error(p, last);
    return false;
}

/* Elements up to the closing bracket into v (first already parsed). */
static bool seq_items(Parser *p, Vec *v, Node *first, TokType close)
{
    Node *last = first;
    if (!vec_push(p, v, first))
        return false;
    while (!p->failed && p_match(p, TOK_COMMA)) {
        if (p_check(p, close))
            break;
        last = parse_star_test(p);
        if (!last || !vec_push(p, v, last))
            return false;
    }
    return close_bracket(p, close, last);
}

static Node *parse_paren(Parser *p)
{
    Token open = p->cur;
    p_advance(p);
    if (p_match(p, TOK_RPAREN))
        return p_node_tok(p, NODE_TUPLE, &open);
    Node *first = parse_star_test(p);
    if (!first)
        return NULL;
    if (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC)) {
        Node *g = parse_comp(p, NODE_GENEXP, NULL, first, &open);
        return g && close_bracket(p, TOK_RPAREN, g) ? g : NULL;
    }
    if (!p_check(p, TOK_COMMA)) {
        if (first->kind == NODE_STARRED) {
            p_error_at(p, first->line, first->col, "cannot use starred expression here");
            return NULL;
        }
        return close_bracket(p, TOK_RPAREN, first) ? first : NULL;
    }
    Node *t = p_node_tok(p, NODE_TUPLE, &open);
    Vec v = { 0 };
    if (!t || !seq_items(p, &v, first, TOK_RPAREN))
        return NULL;
    t->u.seq.items = vec_list(&v);
    return t;
}

static Node *parse_list(Parser *p)
{
    Token open = p->cur;
    p_advance(p);
    Node *l = p_node_tok(p, NODE_LIST, &open);
    if (!l || p_match(p, TOK_RBRACKET))
        return l;
    Node *first = parse_star_test(p);
    if (!first)
        return NULL;
    if (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC)) {
        Node *c = parse_comp(p, NODE_LISTCOMP, NULL, first, &open);
        return c && close_bracket(p, TOK_RBRACKET, c) ? c : NULL;
    }
    Vec v = { 0 };
    if (!seq_items(p, &v, first, TOK_RBRACKET))
        return NULL;
    l->u.seq.items = vec_list(&v);
    return l;
}

/* One dict item after the first: key ':' value or '**' expr. */
static bool dict_item(Parser *p, Vec *keys, Vec *vals)
{
    Node *k = NULL, *v;
    if (p_match(p, TOK_DSTAR)) {
        v = parse_bitor(p);
    } else {
        k = parse_test(p);
        if (!k)
            return false;
        if (!p_check(p, TOK_COLON)) {
            p_error_at(p, k->line, k->col, "':' expected after dictionary key");
            return false;
        }
        p_advance(p);
        v = parse_test(p);
    }
    return v && vec_push(p, keys, k) && vec_push(p, vals, v);
}

static Node *parse_dict(Parser *p, Node *d, Node *k, Node *v, const Token *open)
{
    if (k && (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC))) {
        Node *c = parse_comp(p, NODE_DICTCOMP, k, v, open);
        return c && close_bracket(p, TOK_RBRACE, c) ? c : NULL;
    }
    Vec keys = { 0 }, vals = { 0 };
    if (!vec_push(p, &keys, k) || !vec_push(p, &vals, v))
        return NULL;
    while (!p->failed && p_match(p, TOK_COMMA)) {
        if (p_check(p, TOK_RBRACE))
            break;
        if (!dict_item(p, &keys, &vals))
            return NULL;
    }
    if (!close_bracket(p, TOK_RBRACE, vals.items[vals.n - 1]))
        return NULL;
    d->u.dict.keys = vec_list(&keys);
    d->u.dict.values = vec_list(&vals);
    return d;
}

static Node *parse_brace(Parser *p)
{
    Token open = p->cur;
    p_advance(p);
    Node *d = p_node_tok(p, NODE_DICT, &open);
    if (!d || p_match(p, TOK_RBRACE))
        return d;
    if (p_match(p, TOK_DSTAR)) {
        Node *v = parse_bitor(p);
        return v ? parse_dict(p, d, NULL, v, &open) : NULL;
    }
    Node *first = parse_star_test(p);
    if (!first)
        return NULL;
    if (first->kind != NODE_STARRED && p_match(p, TOK_COLON)) {
        Node *v = parse_test(p);
        return v ? parse_dict(p, d, first, v, &open) : NULL;
    }
    if (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC)) {
        Node *c = parse_comp(p, NODE_SETCOMP, NULL, first, &open);
        return c && close_bracket(p, TOK_RBRACE, c) ? c : NULL;
    }
    d->kind = NODE_SET;
    Vec v = { 0 };
    if (!seq_items(p, &v, first, TOK_RBRACE))
        return NULL;
    d->u.seq.items = vec_list(&v);
    return d;
}

/* An int literal beyond int64 (the lexer leaves ival -1) as the expression
 * hi * base**len(lo) + lo over halves of its digits d[0..n), so the evaluator
 * builds the big int with its own arithmetic; the tree is balanced (depth
 * log n) and each leaf fits in int64 (at most 15 digits). */
static Node *big_literal(Parser *p, const Token *t, const char *d, size_t n, int base)
{
    Node *r;
    if (n <= 15) {
        if (!(r = p_node_tok(p, NODE_INT, t)))
            return NULL;
        r->u.ival = 0;
        for (size_t i = 0; i < n; i++)
            r->u.ival = r->u.ival * base + (d[i] <= '9' ? d[i] - '0' : (d[i] | 0x20) - 'a' + 10);
        return r;
    }
    size_t nlo = n / 2;
    Node *hi = big_literal(p, t, d, n - nlo, base), *lo = big_literal(p, t, d + n - nlo, nlo, base);
    Node *b = p_node_tok(p, NODE_INT, t), *e = p_node_tok(p, NODE_INT, t);
    Node *pw = p_node_tok(p, NODE_BINARY, t), *mul = p_node_tok(p, NODE_BINARY, t);
    if (!hi || !lo || !b || !e || !pw || !mul || !(r = p_node_tok(p, NODE_BINARY, t)))
        return NULL;
    b->u.ival = base;
    e->u.ival = (int64_t)nlo;
    pw->u.binary.op = BIN_POW; pw->u.binary.left = b; pw->u.binary.right = e;
    mul->u.binary.op = BIN_MUL; mul->u.binary.left = hi; mul->u.binary.right = pw;
    r->u.binary.op = BIN_ADD; r->u.binary.left = mul; r->u.binary.right = lo;
    return r;
}

static Node *big_literal_tok(Parser *p, const Token *t)
{
    const char *s = p->lx->src + t->start;
    size_t len = t->len, k = 0;
    int base = 10;
    if (len > 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
        base = (s[1] | 0x20) == 'x' ? 16 : (s[1] | 0x20) == 'o' ? 8 : 2;
        s += 2;
        len -= 2;
    }
    char *d = arena_alloc(&p->chunk->arena, len + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '_')
            d[k++] = s[i];
    return big_literal(p, t, d, k, base);
}

static Node *parse_atom(Parser *p)
{
    Token t = p->cur;
    Node *n = NULL;
    switch (t.type) {
    case TOK_NAME:
        n = p_node_tok(p, NODE_NAME, &t);
        if (n && !(n->u.name = p_name(p, &t)))
            return NULL;
        p_advance(p);
        return n;
    case TOK_INT: case TOK_FLOAT:
        if (t.type == TOK_INT && t.ival < 0) {
            n = big_literal_tok(p, &t);
            p_advance(p);
            return n;
        }
        n = p_node_tok(p, t.type == TOK_INT ? NODE_INT : NODE_FLOAT, &t);
        if (n && t.type == TOK_INT)
            n->u.ival = t.ival;
        else if (n)
            n->u.fval = t.fval;
        p_advance(p);
        return n;
    case TOK_STRING: return parse_strings(p);
    case TOK_TRUE: n = p_node_tok(p, NODE_TRUE, &t); break;
    case TOK_FALSE: n = p_node_tok(p, NODE_FALSE, &t); break;
    case TOK_NONE: n = p_node_tok(p, NODE_NONE, &t); break;
    case TOK_ELLIPSIS: n = p_node_tok(p, NODE_ELLIPSIS, &t); break;
    case TOK_LPAREN: return parse_paren(p);
    case TOK_LBRACKET: return parse_list(p);
    case TOK_LBRACE: return parse_brace(p);
    case TOK_IMAG:
        p_error(p, &t, "complex numbers are not supported in nnsh");
        return NULL;
    case TOK_YIELD:
        return parse_yield(p, &t);
    case TOK_AWAIT:
        p_error(p, &t, "'%s' is not supported in nnsh", lex_token_name(t.type));
        return NULL;
    default:
        p_error(p, &t, "invalid syntax");
        return NULL;
    }
    p_advance(p);
    return n;
}

/* ---- trailers ----------------------------------------------------------- */

/* One subscript element: an expression or a slice lower:upper:step. */
static Node *slice_item(Parser *p)
{
    Token t = p->cur;
    Node *lower = NULL;
    if (!p_check(p, TOK_COLON) && !(lower = parse_star_test(p)))
        return NULL;
    if (!p_check(p, TOK_COLON))
        return lower;
    Node *s = p_node_tok(p, NODE_SLICE, &t);
    if (!s)
        return NULL;
    s->u.slice.lower = lower;
    p_advance(p);
    if (!p_check(p, TOK_COLON) && !p_check(p, TOK_COMMA) && !p_check(p, TOK_RBRACKET)
        && !(s->u.slice.upper = parse_test(p)))
        return NULL;
    if (p_match(p, TOK_COLON) && !p_check(p, TOK_COMMA) && !p_check(p, TOK_RBRACKET)
        && !(s->u.slice.step = parse_test(p)))
        return NULL;
    return s;
}

static Node *parse_subscript(Parser *p, Node *obj)
{
    Token open = p->cur;
    p_advance(p);
    Node *ix = p_node_tok(p, NODE_INDEX, &open);
    if (!ix)
        return NULL;
    ix->line = obj->line;
    ix->col = obj->col;
    ix->u.index.object = obj;
    Vec v = { 0 };
    bool tuple = false;
    Node *last;
    do {
        if (!(last = slice_item(p)) || !vec_push(p, &v, last))
            return NULL;
        if (!p_match(p, TOK_COMMA))
            break;
        tuple = true;
    } while (!p->failed && !p_check(p, TOK_RBRACKET));
    if (!close_bracket(p, TOK_RBRACKET, last))
        return NULL;
    if (!tuple) {
        ix->u.index.index = v.items[0];
        return ix;
    }
    Node *t = p_node(p, NODE_TUPLE, v.items[0]->line, v.items[0]->col);
    if (!t)
        return NULL;
    t->u.seq.items = vec_list(&v);
    ix->u.index.index = t;
    return ix;
}

static Node *parse_primary(Parser *p)
{
    Node *e = parse_atom(p);
    int chain = 0;
    while (e && !p->failed) {
        TokType t = p->cur.type;
        if (t != TOK_DOT && t != TOK_LPAREN && t != TOK_LBRACKET)
            break;
        if (!p_enter(p)) {
            e = NULL;
            break;
        }
        chain++;
        if (t == TOK_DOT) {
            p_advance(p);
            if (!p_check(p, TOK_NAME)) {
                p_error(p, &p->cur, "invalid syntax");
                e = NULL;
                break;
            }
            Node *a = p_node(p, NODE_ATTR, e->line, e->col);
            if (!a || !(a->u.attr.name = p_name(p, &p->cur))) {
                e = NULL;
                break;
            }
            a->u.attr.object = e;
            e = a;
            p_advance(p);
        } else if (t == TOK_LPAREN) {
            e = parse_call_args(p, e, false);
        } else {
            e = parse_subscript(p, e);
        }
    }
    p->depth -= chain;
    return p->failed ? NULL : e;
}

/* ---- calls -------------------------------------------------------------- */

typedef struct ArgState {
    bool kw, dstar, genexp;     /* genexp: an unparenthesized f(x for x in y) */
    Vec args;
} ArgState;

static bool call_arg(Parser *p, ArgState *st)
{
    Token t = p->cur;
    Node *a = p_node_tok(p, NODE_ARG, &t);
    if (!a)
        return false;
    if (p_match(p, TOK_STAR) || p_match(p, TOK_DSTAR)) {
        a->u.arg.kind = t.type == TOK_STAR ? ARG_STAR : ARG_DSTAR;
        if (t.type == TOK_STAR && st->dstar) {
            p_error(p, &t, "iterable argument unpacking follows keyword argument unpacking");
            return false;
        }
        st->dstar |= t.type == TOK_DSTAR;
        return (a->u.arg.value = parse_test(p)) && vec_push(p, &st->args, a);
    }
    Node *e = parse_test(p);
    if (!e)
        return false;
    if (p_check(p, TOK_ASSIGN)) {
        if (e->kind != NODE_NAME) {
            p_error_at(p, e->line, e->col,
                       "expression cannot contain assignment, perhaps you meant \"==\"?");
            return false;
        }
        for (int i = 0; i < st->args.n; i++) {
            const char *nm = st->args.items[i]->u.arg.name;
            if (nm && strcmp(nm, e->u.name) == 0) {
                p_error_at(p, e->line, e->col, "keyword argument repeated: %s", nm);
                return false;
            }
        }
        p_advance(p);
        a->u.arg.kind = ARG_KW;
        a->u.arg.name = e->u.name;
        st->kw = true;
        return (a->u.arg.value = parse_test(p)) && vec_push(p, &st->args, a);
    }
    if (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC)) {
        e = parse_comp(p, NODE_GENEXP, NULL, e, &t);
        if (!e)
            return false;
        if (st->args.n > 0) {
            p_error_at(p, e->line, e->col, "Generator expression must be parenthesized");
            return false;
        }
        st->genexp = true;
    } else if (st->kw || st->dstar) {
        p_error_at(p, e->line, e->col, st->dstar
                   ? "positional argument follows keyword argument unpacking"
                   : "positional argument follows keyword argument");
        return false;
    }
    a->u.arg.kind = ARG_POS;
    a->u.arg.value = e;
    return vec_push(p, &st->args, a);
}

/* '(' args ')' after func.  class_bases: the list of a class statement
 * (keyword arguments such as metaclass= are parsed and dropped). */
Node *parse_call_args(Parser *p, Node *func, bool class_bases)
{
    Token open = p->cur;
    p_advance(p);
    Node *c = p_node(p, NODE_CALL, func ? func->line : open.line, func ? func->col : open.col);
    if (!c)
        return NULL;
    c->u.call.func = func;
    ArgState st = { false, false, false, { 0 } };
    while (!p->failed && !p_check(p, TOK_RPAREN)) {
        if (st.genexp) {
            const Node *g = st.args.items[0]->u.arg.value;
            p_error_at(p, g->line, g->col, "Generator expression must be parenthesized");
            return NULL;
        }
        if (!call_arg(p, &st) || !p_match(p, TOK_COMMA))
            break;
    }
    const Node *last = st.args.n ? st.args.items[st.args.n - 1]->u.arg.value : NULL;
    if (p->failed || !close_bracket(p, TOK_RPAREN, last))
        return NULL;
    c->u.call.args = vec_list(&st.args);
    (void)class_bases;
    return c;
}

/* ---- operators ---------------------------------------------------------- */

static int infix_prec(Parser *p, TokType t)
{
    switch (t) {
    case TOK_OR: return PREC_OR;
    case TOK_AND: return PREC_AND;
    case TOK_NOT: return p_peek2(p) == TOK_IN ? PREC_CMP : -1;
    case TOK_IN: case TOK_IS: case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE:
    case TOK_GT: case TOK_GE:
        return PREC_CMP;
    case TOK_PIPE: return PREC_BOR;
    case TOK_CARET: return PREC_BXOR;
    case TOK_AMP: return PREC_BAND;
    case TOK_LSHIFT: case TOK_RSHIFT: return PREC_SHIFT;
    case TOK_PLUS: case TOK_MINUS: return PREC_ARITH;
    case TOK_STAR: case TOK_SLASH: case TOK_DSLASH: case TOK_PERCENT: case TOK_AT:
        return PREC_TERM;
    case TOK_DSTAR: return PREC_POWER;
    default: return -1;
    }
}

static BinOp binop_of(TokType t)
{
    switch (t) {
    case TOK_PLUS: return BIN_ADD;
    case TOK_MINUS: return BIN_SUB;
    case TOK_STAR: return BIN_MUL;
    case TOK_SLASH: return BIN_DIV;
    case TOK_DSLASH: return BIN_FLOORDIV;
    case TOK_PERCENT: return BIN_MOD;
    case TOK_DSTAR: return BIN_POW;
    case TOK_AT: return BIN_MATMUL;
    case TOK_LSHIFT: return BIN_LSHIFT;
    case TOK_RSHIFT: return BIN_RSHIFT;
    case TOK_AMP: return BIN_BITAND;
    case TOK_PIPE: return BIN_BITOR;
    default: return BIN_BITXOR;
    }
}

/* Consumes a comparison operator; false if cur is not one. */
static bool cmp_op(Parser *p, CmpOp *op)
{
    switch (p->cur.type) {
    case TOK_EQ: *op = CMP_EQ; break;
    case TOK_NE: *op = CMP_NE; break;
    case TOK_LT: *op = CMP_LT; break;
    case TOK_LE: *op = CMP_LE; break;
    case TOK_GT: *op = CMP_GT; break;
    case TOK_GE: *op = CMP_GE; break;
    case TOK_IN: *op = CMP_IN; break;
    case TOK_IS:
        p_advance(p);
        *op = p_match(p, TOK_NOT) ? CMP_IS_NOT : CMP_IS;
        return true;
    case TOK_NOT:
        if (p_peek2(p) != TOK_IN)
            return false;
        p_advance(p);
        *op = CMP_NOT_IN;
        break;
    default: return false;
    }
    p_advance(p);
    return true;
}

static Node *parse_compare(Parser *p, Node *left)
{
    Node *c = p_node(p, NODE_COMPARE, left->line, left->col);
    if (!c)
        return NULL;
    c->u.compare.left = left;
    Vec rights = { 0 };
    CmpOp ops[64], *opv = ops;
    int cap = 64;
    CmpOp op;
    while (!p->failed && cmp_op(p, &op)) {
        if (rights.n == cap) {
            CmpOp *nv = p_alloc(p, sizeof *nv * (size_t)cap * 2);
            if (!nv)
                return NULL;
            memcpy(nv, opv, sizeof *nv * (size_t)cap);
            opv = nv;
            cap *= 2;
        }
        opv[rights.n] = op;
        Node *r = parse_binary(p, PREC_CMP + 1);
        if (!r || !vec_push(p, &rights, r))
            return NULL;
    }
    c->u.compare.ops = p_alloc(p, sizeof *opv * (size_t)rights.n);
    if (!c->u.compare.ops)
        return NULL;
    memcpy(c->u.compare.ops, opv, sizeof *opv * (size_t)rights.n);
    c->u.compare.rights = vec_list(&rights);
    return c;
}

static Node *parse_boolop(Parser *p, Node *left, bool is_and)
{
    Node *b = p_node(p, NODE_BOOLOP, left->line, left->col);
    Vec v = { 0 };
    if (!b || !vec_push(p, &v, left))
        return NULL;
    b->u.boolop.is_and = is_and;
    TokType t = is_and ? TOK_AND : TOK_OR;
    while (!p->failed && p_match(p, t)) {
        Node *r = parse_binary(p, is_and ? PREC_NOT : PREC_AND);
        if (!r || !vec_push(p, &v, r))
            return NULL;
    }
    b->u.boolop.values = vec_list(&v);
    return b;
}

static Node *parse_infix(Parser *p, Node *left, int prec)
{
    if (prec == PREC_OR || prec == PREC_AND)
        return parse_boolop(p, left, prec == PREC_AND);
    if (prec == PREC_CMP)
        return parse_compare(p, left);
    TokType t = p->cur.type;
    p_advance(p);
    Node *right = parse_binary(p, t == TOK_DSTAR ? PREC_UNARY : prec + 1);
    if (!right)
        return NULL;
    Node *b = p_node(p, NODE_BINARY, left->line, left->col);
    if (!b)
        return NULL;
    b->u.binary.op = binop_of(t);
    b->u.binary.left = left;
    b->u.binary.right = right;
    return b;
}

static Node *parse_prefix(Parser *p, int min)
{
    Token t = p->cur;
    UnOp op;
    int prec;
    switch (t.type) {
    case TOK_NOT: op = UN_NOT; prec = PREC_NOT; break;
    case TOK_MINUS: op = UN_NEG; prec = PREC_UNARY; break;
    case TOK_PLUS: op = UN_POS; prec = PREC_UNARY; break;
    case TOK_TILDE: op = UN_INVERT; prec = PREC_UNARY; break;
    default: return parse_primary(p);
    }
    if (prec < min) {
        p_error(p, &t, "invalid syntax");
        return NULL;
    }
    p_advance(p);
    Node *operand = parse_binary(p, prec);
    if (!operand)
        return NULL;
    Node *u = p_node_tok(p, NODE_UNARY, &t);
    if (!u)
        return NULL;
    u->u.unary.op = op;
    u->u.unary.operand = operand;
    return u;
}

/* Operators binding at least as tightly as min. */
static Node *parse_binary(Parser *p, int min)
{
    if (!p_enter(p))
        return NULL;
    Node *left = parse_prefix(p, min);
    int chain = 0;
    while (left && !p->failed) {
        int prec = infix_prec(p, p->cur.type);
        if (prec < min)
            break;
        if (!p_enter(p)) {
            left = NULL;
            break;
        }
        chain++;
        left = parse_infix(p, left, prec);
    }
    p->depth -= chain;
    p_leave(p);
    return p->failed ? NULL : left;
}

Node *parse_or_expr(Parser *p)
{
    return parse_binary(p, PREC_OR);
}

Node *parse_bitor(Parser *p)
{
    return parse_binary(p, PREC_BOR);
}

/* ---- lambda, if-else, lists --------------------------------------------- */

static Node *parse_lambda(Parser *p)
{
    Token t = p->cur;
    p_advance(p);
    Node *f = p_node_tok(p, NODE_LAMBDA, &t);
    Vec params = { 0 };
    if (!f || !parse_params(p, &params, TOK_COLON, false))
        return NULL;
    if (!p_expect(p, TOK_COLON, "expected ':'"))
        return NULL;
    f->u.func.name = "<lambda>";
    f->u.func.params = vec_list(&params);
    int funcs = p->funcs, loops = p->loops;
    p->funcs = 1;
    p->loops = 0;
    f->u.func.body = parse_test(p);
    p->funcs = funcs;
    p->loops = loops;
    return f->u.func.body ? f : NULL;
}

/* NAME := value, an assignment expression: a NODE_ASSIGN in expression
 * position (its value is the expression's value). */
static Node *parse_walrus(Parser *p, Node *target)
{
    if (target->kind != NODE_NAME) {
        p_error_at(p, target->line, target->col, "cannot use assignment expressions with %s",
                   target->kind == NODE_ATTR ? "attribute" : target->kind == NODE_INDEX
                   ? "subscript" : "expression");
        return NULL;
    }
    Node *n = p_node(p, NODE_ASSIGN, target->line, target->col);
    Vec v = { 0 };
    p_advance(p);
    if (!n || !vec_push(p, &v, target) || !p_enter(p))
        return NULL;
    n->u.assign.targets = vec_list(&v);
    n->u.assign.value = parse_test(p);
    p_leave(p);
    return n->u.assign.value ? n : NULL;
}

Node *parse_test(Parser *p)
{
    if (p_check(p, TOK_LAMBDA)) {
        if (!p_enter(p))
            return NULL;
        Node *l = parse_lambda(p);
        p_leave(p);
        return l;
    }
    Node *e = parse_binary(p, PREC_OR);
    if (!e)
        return NULL;
    if (p_check(p, TOK_WALRUS) && p->fstring == 0)   /* f"{x:=5}" is a spec */
        return parse_walrus(p, e);
    if (!p_match(p, TOK_IF))
        return e;
    Node *x = p_node(p, NODE_IFEXP, e->line, e->col);
    if (!x || !(x->u.ifexp.cond = parse_binary(p, PREC_OR)))
        return NULL;
    if (!p_match(p, TOK_ELSE)) {
        if (!p->failed)
            p_error_at(p, e->line, e->col, "expected 'else' after 'if' expression");
        return NULL;
    }
    if (!p_enter(p))
        return NULL;
    x->u.ifexp.then = e;
    x->u.ifexp.orelse = parse_test(p);
    p_leave(p);
    return x->u.ifexp.orelse ? x : NULL;
}

Node *parse_star_test(Parser *p)
{
    if (!p_check(p, TOK_STAR))
        return parse_test(p);
    Token t = p->cur;
    p_advance(p);
    Node *s = p_node_tok(p, NODE_STARRED, &t);
    if (!s || !(s->u.starred.value = parse_bitor(p)))
        return NULL;
    return s;
}

/* elem (',' elem)* [','] -> the element, or a tuple when there is a comma.
 * Elements are star_test (star) or test. */
static Node *parse_list_of(Parser *p, Node *(*elem)(Parser *))
{
    Node *first = elem(p);
    if (!first || !p_check(p, TOK_COMMA))
        return first;
    Node *t = p_node(p, NODE_TUPLE, first->line, first->col);
    Vec v = { 0 };
    if (!t || !vec_push(p, &v, first))
        return NULL;
    while (!p->failed && p_match(p, TOK_COMMA)) {
        if (ends_list(p->cur.type))
            break;
        Node *e = elem(p);
        if (!e || !vec_push(p, &v, e))
            return NULL;
    }
    t->u.seq.items = vec_list(&v);
    return p->failed ? NULL : t;
}

Node *parse_testlist(Parser *p, bool star)
{
    return parse_list_of(p, star ? parse_star_test : parse_test);
}

static Node *target_elem(Parser *p)
{
    if (!p_check(p, TOK_STAR))
        return parse_bitor(p);
    Token t = p->cur;
    p_advance(p);
    Node *s = p_node_tok(p, NODE_STARRED, &t);
    if (!s || !(s->u.starred.value = parse_bitor(p)))
        return NULL;
    return s;
}

Node *parse_target_list(Parser *p)
{
    return parse_list_of(p, target_elem);
}

/* ---- comprehensions ----------------------------------------------------- */

static Node *parse_comp(Parser *p, NodeKind kind, Node *key, Node *elt, const Token *at)
{
    Node *c = p_node_tok(p, kind, at);
    if (!c)
        return NULL;
    c->u.comp.key = key;
    c->u.comp.elt = elt;
    Vec gens = { 0 };
    while (!p->failed && (p_check(p, TOK_FOR) || p_check(p, TOK_ASYNC))) {
        if (p_check(p, TOK_ASYNC)) {
            p_error(p, &p->cur, "'async' is not supported in nnsh");
            return NULL;
        }
        Node *g = p_node_tok(p, NODE_COMPFOR, &p->cur);
        p_advance(p);
        if (!g || !(g->u.compfor.target = parse_target_list(p))
            || !check_target(p, g->u.compfor.target, TGT_FOR, true))
            return NULL;
        if (!p_expect(p, TOK_IN, "invalid syntax"))
            return NULL;
        if (!(g->u.compfor.iter = parse_or_expr(p)))
            return NULL;
        Vec ifs = { 0 };
        while (!p->failed && p_match(p, TOK_IF)) {
            Node *cond = parse_or_expr(p);
            if (!cond || !vec_push(p, &ifs, cond))
                return NULL;
        }
        g->u.compfor.ifs = vec_list(&ifs);
        if (!vec_push(p, &gens, g))
            return NULL;
    }
    c->u.comp.gens = vec_list(&gens);
    return p->failed ? NULL : c;
}

/* ---- parameters --------------------------------------------------------- */

typedef struct ParamState {
    bool star, dstar, bare_star, defaults;
} ParamState;

static bool param_one(Parser *p, Vec *out, ParamState *st, bool annotations, TokType close)
{
    Token t = p->cur;
    Node *pm = p_node_tok(p, NODE_PARAM, &t);
    if (!pm)
        return false;
    if (st->dstar) {
        p_error(p, &t, "arguments cannot follow var-keyword argument");
        return false;
    }
    if (p_match(p, TOK_STAR) || p_match(p, TOK_DSTAR)) {
        if (t.type == TOK_STAR && st->star) {
            p_error(p, &t, "* argument may appear only once");
            return false;
        }
        pm->u.param.kind = t.type == TOK_STAR ? PARAM_VARARGS : PARAM_VARKW;
        st->star |= t.type == TOK_STAR;
        st->dstar |= t.type == TOK_DSTAR;
        if (t.type == TOK_STAR && (p_check(p, TOK_COMMA) || p_check(p, close))) {
            st->bare_star = true;
            return vec_push(p, out, pm);
        }
    } else {
        pm->u.param.kind = st->star ? PARAM_KWONLY : PARAM_NORMAL;
        st->bare_star = false;
    }
    if (!p_check(p, TOK_NAME)) {
        p_error(p, &p->cur, "invalid syntax");
        return false;
    }
    pm->u.param.name = p_name(p, &p->cur);
    for (int i = 0; i < out->n; i++)
        if (out->items[i]->u.param.name && pm->u.param.name
            && strcmp(out->items[i]->u.param.name, pm->u.param.name) == 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "duplicate argument '%.100s' in function definition",
                     pm->u.param.name);
            p_late_error(p, p->cur.line, p->cur.col, msg);
        }
    p_advance(p);
    if (annotations && p_match(p, TOK_COLON) && !parse_test(p))
        return false;
    if (p_check(p, TOK_ASSIGN)) {
        if (pm->u.param.kind == PARAM_VARARGS || pm->u.param.kind == PARAM_VARKW) {
            p_error(p, &p->cur, "var-positional argument cannot have default value");
            return false;
        }
        p_advance(p);
        if (!(pm->u.param.def = parse_test(p)))
            return false;
        st->defaults |= pm->u.param.kind == PARAM_NORMAL;
    } else if (pm->u.param.kind == PARAM_NORMAL && st->defaults) {
        p_error(p, &t, "non-default argument follows default argument");
        return false;
    }
    return vec_push(p, out, pm);
}

/* Parameters up to (not including) close: def f(...) or lambda ...: */
bool parse_params(Parser *p, Vec *out, TokType close, bool annotations)
{
    ParamState st = { false, false, false, false };
    while (!p->failed && !p_check(p, close)) {
        if (p_check(p, TOK_SLASH)) {            /* positional-only marker */
            p_advance(p);
        } else if (!param_one(p, out, &st, annotations, close)) {
            return false;
        }
        if (!p_match(p, TOK_COMMA))
            break;
    }
    if (!p->failed && st.bare_star) {
        const Node *last = out->items[out->n - 1];
        p_error_at(p, last->line, last->col, "named arguments must follow bare *");
    }
    return !p->failed;
}

/* ---- assignment targets ------------------------------------------------- */

static const char *expr_name(const Node *e)
{
    switch (e->kind) {
    case NODE_TRUE: return "True";
    case NODE_FALSE: return "False";
    case NODE_NONE: return "None";
    case NODE_ELLIPSIS: return "ellipsis";
    case NODE_INT: case NODE_FLOAT: case NODE_STR: return "literal";
    case NODE_FSTRING: return "f-string expression";
    case NODE_CALL: return "function call";
    case NODE_COMPARE: return "comparison";
    case NODE_LAMBDA: return "lambda";
    case NODE_IFEXP: return "conditional expression";
    case NODE_LISTCOMP: return "list comprehension";
    case NODE_SETCOMP: return "set comprehension";
    case NODE_DICTCOMP: return "dict comprehension";
    case NODE_GENEXP: return "generator expression";
    case NODE_DICT: return "dict literal";
    case NODE_SET: return "set display";
    case NODE_TUPLE: return "tuple";
    case NODE_LIST: return "list";
    case NODE_STARRED: return "starred";
    case NODE_YIELD: return "yield expression";
    case NODE_NAME: return "name";
    case NODE_ATTR: return "attribute";
    case NODE_INDEX: return "subscript";
    default: return "expression";
    }
}

static bool bad_target(Parser *p, const Node *e, TargetCtx ctx, bool top)
{
    const char *what = expr_name(e);
    if (ctx == TGT_AUG)
        p_error_at(p, e->line, e->col,
                   "'%s' is an illegal expression for augmented assignment", what);
    else if (ctx == TGT_DEL)
        p_error_at(p, e->line, e->col, "cannot delete %s", what);
    else if (ctx == TGT_ASSIGN && top && e->kind != NODE_TRUE && e->kind != NODE_FALSE
             && e->kind != NODE_NONE && e->kind != NODE_ELLIPSIS)
        p_error_at(p, e->line, e->col,
                   "cannot assign to %s here. Maybe you meant '==' instead of '='?", what);
    else
        p_error_at(p, e->line, e->col, "cannot assign to %s", what);
    return false;
}

/* Checks that e can be assigned to (or deleted) in context ctx; top: e is
 * the whole target, not an element of a tuple or list. */
bool check_target(Parser *p, Node *e, TargetCtx ctx, bool top)
{
    if (!e)
        return false;
    switch (e->kind) {
    case NODE_NAME: case NODE_ATTR: case NODE_INDEX:
        return true;
    case NODE_STARRED:
        if (ctx == TGT_DEL)
            return bad_target(p, e, ctx, top);
        if (top && ctx != TGT_AUG) {
            p_error_at(p, e->line, e->col,
                       "starred assignment target must be in a list or tuple");
            return false;
        }
        return check_target(p, e->u.starred.value, ctx, false);
    case NODE_TUPLE: case NODE_LIST: {
        if (ctx == TGT_AUG)
            return bad_target(p, e, ctx, top);
        int stars = 0;
        for (int i = 0; i < e->u.seq.items.n; i++) {
            Node *x = e->u.seq.items.items[i];
            if (x->kind == NODE_STARRED && ctx != TGT_DEL && ++stars > 1) {
                p_error_at(p, e->line, e->col, "multiple starred expressions in assignment");
                return false;
            }
            if (x->kind == NODE_STARRED && ctx != TGT_DEL) {
                if (!check_target(p, x->u.starred.value, ctx, false))
                    return false;
            } else if (!check_target(p, x, ctx, false)) {
                return false;
            }
        }
        return true;
    }
    default:
        return bad_target(p, e, ctx, top);
    }
}
