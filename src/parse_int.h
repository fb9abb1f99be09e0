/* parse_int.h - internals shared by parse.c (statements, entry point) and
 * parse_expr.c (expressions, f-strings, assignment targets).  Not used
 * outside the parser.  Everything a Parser allocates comes from its chunk's
 * arena, so an error needs no cleanup beyond freeing the chunk.
 */
#ifndef NNSH_PARSE_INT_H
#define NNSH_PARSE_INT_H

#include "ast.h"
#include "lex.h"
#include "parse.h"

/* Bound on the height of the tree (nesting plus left-deep chains such as
 * a+b+c or f()()()), so that the parser, ast_dump and the evaluator can
 * recurse over any tree it returns without overflowing the C stack. */
#define PARSE_MAX_HEIGHT 2000

typedef struct Parser {
    Lexer *lx;
    Token cur, prev, ahead;
    bool has_ahead;
    Chunk *chunk;
    const char *src;
    bool interactive;
    bool failed, incomplete;
    ParseError *err;
    int depth;              /* current height, limited by PARSE_MAX_HEIGHT */
    int loops, funcs;       /* enclosing loops / functions (reset by def, class) */
    bool in_class;
    int fstring;            /* > 0 while parsing an f-string field */
    bool has_late;          /* a semantic error found while parsing ... */
    ParseError late;        /* ... reported only if the syntax is fine */
} Parser;

typedef struct Vec {
    Node **items;
    int n, cap;
} Vec;

/* parse.c: tokens, errors, nodes */
void p_advance(Parser *p);
bool p_check(const Parser *p, TokType t);
bool p_match(Parser *p, TokType t);
bool p_expect(Parser *p, TokType t, const char *msg);
TokType p_peek2(Parser *p);
void p_error_at(Parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void p_error(Parser *p, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void p_late_error(Parser *p, int line, int col, const char *msg);
bool p_enter(Parser *p);
void p_leave(Parser *p);
Node *p_node(Parser *p, NodeKind kind, int line, int col);
Node *p_node_tok(Parser *p, NodeKind kind, const Token *t);
bool vec_push(Parser *p, Vec *v, Node *x);
NodeList vec_list(const Vec *v);
void *p_alloc(Parser *p, size_t n);
const char *p_name(Parser *p, const Token *t);

/* parse_expr.c */
Node *parse_test(Parser *p);                    /* lambda, if-else, or ... */
Node *parse_or_expr(Parser *p);                 /* an or_test (no if-else) */
Node *parse_bitor(Parser *p);                   /* a | b and tighter */
Node *parse_star_test(Parser *p);               /* *x or test */
Node *parse_testlist(Parser *p, bool star);     /* a, b, ... as a tuple */
Node *parse_target_list(Parser *p);             /* for-loop targets */
Node *parse_call_args(Parser *p, Node *func, bool class_bases);
bool parse_params(Parser *p, Vec *out, TokType close, bool annotations);
bool starts_expr(TokType t);

typedef enum { TGT_ASSIGN, TGT_FOR, TGT_WITH, TGT_DEL, TGT_AUG } TargetCtx;
bool check_target(Parser *p, Node *e, TargetCtx ctx, bool top);

#endif
