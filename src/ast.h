/* ast.h - the syntax tree of the nnsh language.
 *
 * The parser (parse.c) turns source text into a Chunk: the source, its file
 * name and a tree of Nodes, all allocated from the chunk's arena.  The
 * evaluator walks the tree; user functions keep their chunk alive with a
 * reference (chunk_ref/chunk_unref), so a function defined at the prompt can
 * still report errors with its own source line after later inputs.
 *
 * Depends on nothing but the C library; includes no lib/ header.
 * Ownership: every Node, NodeList array and string in a chunk belongs to the
 * chunk's arena and lives exactly as long as the chunk.
 */
#ifndef NNSH_AST_H
#define NNSH_AST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct Node Node;

typedef struct NodeList {
    int n;
    Node **items;
} NodeList;

typedef enum {
    /* expressions */
    NODE_INT,        /* ival */
    NODE_FLOAT,      /* fval */
    NODE_STR,        /* str.s, str.len (escapes already decoded; may hold NUL) */
    NODE_FSTRING,    /* fstr.parts: NODE_STR and NODE_FORMATTED pieces, in order */
    NODE_FORMATTED,  /* one {expr!conv:spec} of an f-string: fmt.value, fmt.conv
                        ('r', 's', 'a' or 0), fmt.spec (NODE_FSTRING or NULL),
                        fmt.self_doc: source text for f"{x=}" or NULL */
    NODE_NAME,       /* name */
    NODE_TRUE, NODE_FALSE, NODE_NONE, NODE_ELLIPSIS,
    NODE_LIST,       /* seq.items (may hold NODE_STARRED) */
    NODE_TUPLE,      /* seq.items */
    NODE_SET,        /* seq.items */
    NODE_DICT,       /* dict.keys, dict.values; a NULL key means **value */
    NODE_UNARY,      /* unary.op (UnOp), unary.operand */
    NODE_BINARY,     /* binary.op (BinOp), binary.left, binary.right */
    NODE_BOOLOP,     /* boolop.is_and, boolop.values (2 or more) */
    NODE_COMPARE,    /* compare.left, compare.ops[i] (CmpOp), compare.rights */
    NODE_CALL,       /* call.func, call.args (NODE_ARG items) */
    NODE_ARG,        /* arg.kind (ArgKind), arg.name (keyword or NULL), arg.value */
    NODE_ATTR,       /* attr.object, attr.name */
    NODE_INDEX,      /* index.object, index.index (a NODE_TUPLE for x[a, b]) */
    NODE_SLICE,      /* slice.lower, slice.upper, slice.step (each may be NULL) */
    NODE_LAMBDA,     /* func.params, func.body (an expression), func.name = "<lambda>" */
    NODE_IFEXP,      /* ifexp.cond, ifexp.then, ifexp.orelse */
    NODE_LISTCOMP,   /* comp.elt, comp.gens (NODE_COMPFOR items) */
    NODE_SETCOMP,    /* comp.elt, comp.gens */
    NODE_GENEXP,     /* comp.elt, comp.gens (a lazy generator: eval_genexpr.c) */
    NODE_DICTCOMP,   /* comp.key, comp.elt (the value), comp.gens */
    NODE_COMPFOR,    /* compfor.target, compfor.iter, compfor.ifs */
    NODE_STARRED,    /* starred.value: *x in calls, displays and assignment targets */
    NODE_YIELD,      /* yield_.value (or NULL), yield_.from: `yield x`, `yield from it` */

    /* statements */
    NODE_BLOCK,      /* block.stmts */
    NODE_EXPR_STMT,  /* expr_stmt.value */
    NODE_ASSIGN,     /* assign.targets (a = b = v has two), assign.value */
    NODE_AUGASSIGN,  /* augassign.target, augassign.op (BinOp), augassign.value */
    NODE_IF,         /* if_.cond, if_.body, if_.orelse (NODE_BLOCK, NODE_IF for elif, or NULL) */
    NODE_WHILE,      /* loop.cond, loop.body, loop.orelse */
    NODE_FOR,        /* loop.target, loop.iter, loop.body, loop.orelse */
    NODE_BREAK, NODE_CONTINUE, NODE_PASS,
    NODE_RETURN,     /* ret.value (NULL for bare return) */
    NODE_DEF,        /* func.name, func.params (NODE_PARAM items), func.body (NODE_BLOCK),
                        func.decorators */
    NODE_PARAM,      /* param.name, param.kind (ParamKind), param.def (default value or NULL) */
    NODE_CLASS,      /* class_.name, class_.bases, class_.body */
    NODE_DEL,        /* del.targets */
    NODE_IMPORT,     /* import.names, import.asnames (NULL entries where no 'as') */
    NODE_FROMIMPORT, /* import.module, import.names, import.asnames; names[0]="*" for star */
    NODE_WITH,       /* with.items (NODE_WITHITEM), with.body */
    NODE_WITHITEM,   /* withitem.context, withitem.target (or NULL) */
    NODE_TRY,        /* try_.body, try_.handlers (NODE_HANDLER), try_.orelse, try_.finally */
    NODE_HANDLER,    /* handler.type (or NULL for bare except), handler.name (or NULL),
                        handler.body */
    NODE_RAISE,      /* raise.exc (or NULL to re-raise), raise.cause (or NULL) */
    NODE_ASSERT,     /* assert_.test, assert_.msg (or NULL) */
    NODE_GLOBAL,     /* names.names */
    NODE_NONLOCAL,   /* names.names */
    NODE_KIND_COUNT
} NodeKind;

/* Binary operators, also used by augmented assignment and by the value layer. */
typedef enum {
    BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_FLOORDIV, BIN_MOD, BIN_POW,
    BIN_MATMUL, BIN_LSHIFT, BIN_RSHIFT, BIN_BITAND, BIN_BITOR, BIN_BITXOR,
    BIN_COUNT
} BinOp;

typedef enum { UN_NEG, UN_POS, UN_NOT, UN_INVERT, UN_COUNT } UnOp;

typedef enum {
    CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE,
    CMP_IN, CMP_NOT_IN, CMP_IS, CMP_IS_NOT, CMP_COUNT
} CmpOp;

typedef enum { ARG_POS, ARG_STAR, ARG_KW, ARG_DSTAR } ArgKind;

typedef enum {
    PARAM_NORMAL,    /* a or a=1 */
    PARAM_VARARGS,   /* *args (name NULL for a bare '*' separator) */
    PARAM_KWONLY,    /* after *args or '*' */
    PARAM_VARKW      /* **kwargs */
} ParamKind;

struct Node {
    NodeKind kind;
    int line, col;       /* 1-based position of the node's first token */
    union {
        int64_t ival;
        double fval;
        const char *name;
        struct { const char *s; size_t len; } str;
        struct { NodeList parts; } fstr;
        struct { Node *value; char conv; Node *spec; const char *self_doc; } fmt;
        struct { NodeList items; } seq;
        struct { NodeList keys, values; } dict;
        struct { UnOp op; Node *operand; } unary;
        struct { BinOp op; Node *left, *right; } binary;
        struct { bool is_and; NodeList values; } boolop;
        struct { Node *left; CmpOp *ops; NodeList rights; } compare;
        struct { Node *func; NodeList args; } call;
        struct { ArgKind kind; const char *name; Node *value; } arg;
        struct { Node *object; const char *name; } attr;
        struct { Node *object, *index; } index;
        struct { Node *lower, *upper, *step; } slice;
        struct { Node *cond, *then, *orelse; } ifexp;
        struct { Node *elt, *key; NodeList gens; } comp;
        struct { Node *target, *iter; NodeList ifs; } compfor;
        struct { Node *value; } starred;
        struct { Node *value; bool from; } yield_;

        struct { NodeList stmts; } block;
        struct { Node *value; } expr_stmt;
        struct { NodeList targets; Node *value; } assign;
        struct { Node *target; BinOp op; Node *value; } augassign;
        struct { Node *cond, *body, *orelse; } if_;
        struct { Node *cond, *target, *iter, *body, *orelse; } loop;
        struct { Node *value; } ret;
        struct {
            const char *name;
            NodeList params, decorators;
            Node *body;
        } func;
        struct { const char *name; ParamKind kind; Node *def; } param;
        struct { const char *name; NodeList bases; Node *body; } class_;
        struct { NodeList targets; } del;
        struct {
            const char *module;       /* NODE_FROMIMPORT only: dotted module name */
            int n;
            const char **names;       /* dotted names for NODE_IMPORT */
            const char **asnames;
        } import;
        struct { NodeList items; Node *body; } with;
        struct { Node *context, *target; } withitem;
        struct { Node *body; NodeList handlers; Node *orelse, *finally; } try_;
        struct { Node *type; const char *name; Node *body; } handler;
        struct { Node *exc, *cause; } raise;
        struct { Node *test, *msg; } assert_;
        struct { int n; const char **names; } names;
    } u;
};

/* A bump arena: nodes and strings of one chunk. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
} Arena;

void *arena_alloc(Arena *a, size_t n);               /* zeroed; NULL on OOM */
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free_all(Arena *a);

/* One parsed unit: a script, a line typed at the prompt, a -c string. */
typedef struct Chunk {
    int refcount;
    Arena arena;
    char *filename;      /* "<stdin>", "<string>", or the script path (malloc'd) */
    char *source;        /* the whole source text, NUL-terminated (malloc'd) */
    size_t source_len;
    Node *body;          /* NODE_BLOCK */
} Chunk;

void chunk_ref(Chunk *c);
void chunk_unref(Chunk *c);                           /* frees at zero; NULL is fine */

/* The text of line `line` (1-based) of the chunk, without its newline,
 * stored in *len; NULL past the end. */
const char *chunk_line(const Chunk *c, int line, size_t *len);

/* Writes the tree as an S-expression, e.g. (assign (name x) (binary + (int 1) (int 2))).
 * Used by the parser tests.  Returns a malloc'd string. */
char *ast_dump(const Node *n);

const char *binop_symbol(BinOp op);                  /* "+", "//", "@", ... */
const char *unop_symbol(UnOp op);                    /* "-", "+", "not", "~" */
const char *cmpop_symbol(CmpOp op);                  /* "==", "not in", "is not", ... */

#endif
