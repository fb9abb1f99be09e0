/* ast.c - the chunk arena, chunk lifetime and the S-expression dump of the
 * syntax tree (see ast.h).  Part of the language front end; depends on the C
 * library only.
 *
 * ast_dump format (stable; the parser tests compare against it):
 *   literals    (int 42) (float 1.5) (str "a\n") (true) (false) (none) (ellipsis)
 *               floats print with the shortest %.Ng that round-trips;
 *               strings escape \\ \" \n \t \r and other bytes < 0x20 as \xHH
 *   f-string    (fstring PART...)  PART = (str ...) | (fmt VALUE [!c] [:SPEC] [="text"])
 *               SPEC is an (fstring ...); ="text" is the f"{x=}" source text
 *   names       (name x)
 *   displays    (list E...) (tuple E...) (set E...) (dict (K V)... (** V)...)
 *   operators   (unary - E) (binary + L R) (and A B...) (or A B...)
 *               (compare L OP R OP R...)  e.g. (compare (name a) < (name b) not in (name c))
 *   calls       (call F ARG...)  ARG = E | (* E) | (kw name E) | (** E)
 *   trailers    (attr E name) (index E I) (slice L U S) with _ for a missing part
 *   others      (lambda (params P...) BODY) (ifexp COND THEN ELSE) (starred E)
 *               (listcomp ELT GEN...) (setcomp ELT GEN...) (genexp ELT GEN...)
 *               (dictcomp K V GEN...)  GEN = (for TARGET ITER [(if C)]...)
 *   params      (param a) (param a DEFAULT) (varargs a) (varargs) (kwonly a [DEFAULT])
 *               (varkw a)
 *   statements  (block S...) (expr E) (assign T... VALUE) (augassign += T V)
 *               (if C BODY [ELSE]) (while C BODY [ELSE]) (for T ITER BODY [ELSE])
 *               (break) (continue) (pass) (return [E])
 *               (def name (params P...) [(decorators D...)] BODY)
 *               (class name (bases B...) BODY) (del T...)
 *               (import a.b [(as a.b x)]...) (from a.b x (as y z)...) (from a *)
 *               (with (item CTX [TARGET])... BODY)
 *               (try BODY (except TYPE|_ NAME|_ BODY)... [(else BODY)] [(finally BODY)])
 *               (raise [E [(from C)]]) (assert T [MSG]) (global a b) (nonlocal a b)
 *   ELSE of if is the (block ...) of else, or the nested (if ...) of an elif.
 */
#include "ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena -------------------------------------------------------------- */

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, cap;
};

#define ARENA_ALIGN 16
#define ARENA_HDR ((sizeof(ArenaBlock) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))
#define ARENA_BLOCK (64 * 1024)

static ArenaBlock *block_new(size_t cap)
{
    ArenaBlock *b = calloc(1, ARENA_HDR + cap);
    if (b)
        b->cap = cap;
    return b;
}

void *arena_alloc(Arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    ArenaBlock *b = a->head;
    if (b && b->cap - b->used >= n) {
        void *p = (char *)b + ARENA_HDR + b->used;
        b->used += n;
        return p;
    }
    if (n > ARENA_BLOCK / 4 && b) {
        /* a big request gets its own block, kept behind the current one */
        ArenaBlock *big = block_new(n);
        if (!big)
            return NULL;
        big->used = n;
        big->next = b->next;
        b->next = big;
        return (char *)big + ARENA_HDR;
    }
    b = block_new(n > ARENA_BLOCK ? n : ARENA_BLOCK);
    if (!b)
        return NULL;
    b->next = a->head;
    a->head = b;
    b->used = n;
    return (char *)b + ARENA_HDR;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void arena_free_all(Arena *a)
{
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- chunks ------------------------------------------------------------- */

void chunk_ref(Chunk *c)
{
    if (c)
        c->refcount++;
}

void chunk_unref(Chunk *c)
{
    if (!c || --c->refcount > 0)
        return;
    arena_free_all(&c->arena);
    free(c->filename);
    free(c->source);
    free(c);
}

const char *chunk_line(const Chunk *c, int line, size_t *len)
{
    if (!c || !c->source || line < 1)
        return NULL;
    const char *s = c->source, *end = s + c->source_len;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            return NULL;
        s = nl + 1;
    }
    if (s == end && line > 1)
        return NULL;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    *len = n;
    return s;
}

/* ---- operator symbols --------------------------------------------------- */

const char *binop_symbol(BinOp op)
{
    static const char *const s[BIN_COUNT] = {
        "+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^"
    };
    return (unsigned)op < BIN_COUNT ? s[op] : "?";
}

const char *unop_symbol(UnOp op)
{
    static const char *const s[UN_COUNT] = { "-", "+", "not", "~" };
    return (unsigned)op < UN_COUNT ? s[op] : "?";
}

const char *cmpop_symbol(CmpOp op)
{
    static const char *const s[CMP_COUNT] = {
        "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"
    };
    return (unsigned)op < CMP_COUNT ? s[op] : "?";
}

/* ---- dump --------------------------------------------------------------- */

typedef struct Out {
    char *s;
    size_t n, cap;
    bool oom;
} Out;

static void put(Out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *p = realloc(o->s, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->s = p;
        o->cap = cap;
    }
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = '\0';
}

static void puts_(Out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void putf(Out *o, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void put_quoted(Out *o, const char *s, size_t n)
{
    put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': puts_(o, "\\\\"); break;
        case '"': puts_(o, "\\\""); break;
        case '\n': puts_(o, "\\n"); break;
        case '\t': puts_(o, "\\t"); break;
        case '\r': puts_(o, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F)
                putf(o, "\\x%02x", c);
            else
                put(o, (const char *)&s[i], 1);
        }
    }
    put(o, "\"", 1);
}

/* Shortest round-trip digits, fixed notation for exponents -4..15 and
 * scientific otherwise (like Python's repr, without its ".0"). */
static void put_float(Out *o, double v)
{
    char buf[64];
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    const char *e = strchr(buf, 'e');
    int exp = e ? atoi(e + 1) : 0;
    if (e && exp >= -4 && exp < 16) {
        int decimals = prec - 1 - exp;
        snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 0, v);
    }
    puts_(o, buf);
}

static void dump(Out *o, const Node *n);

static void dump_list(Out *o, const NodeList *l)
{
    for (int i = 0; i < l->n; i++) {
        put(o, " ", 1);
        dump(o, l->items[i]);
    }
}

/* " X" for a present child, nothing for NULL. */
static void dump_opt(Out *o, const Node *n)
{
    if (n) {
        put(o, " ", 1);
        dump(o, n);
    }
}

/* " X" for a present child, " _" for NULL. */
static void dump_or_(Out *o, const Node *n)
{
    put(o, " ", 1);
    if (n)
        dump(o, n);
    else
        put(o, "_", 1);
}

static void dump_names(Out *o, const char *head, int n, const char **names)
{
    putf(o, "(%s", head);
    for (int i = 0; i < n; i++) {
        put(o, " ", 1);
        puts_(o, names[i]);
    }
    put(o, ")", 1);
}

static void dump_import(Out *o, const Node *n)
{
    if (n->kind == NODE_IMPORT)
        puts_(o, "(import");
    else {
        puts_(o, "(from ");
        puts_(o, n->u.import.module);
    }
    for (int i = 0; i < n->u.import.n; i++) {
        const char *as = n->u.import.asnames ? n->u.import.asnames[i] : NULL;
        put(o, " ", 1);
        if (as)
            putf(o, "(as ");
        puts_(o, n->u.import.names[i]);
        if (as) {
            put(o, " ", 1);
            puts_(o, as);
            put(o, ")", 1);
        }
    }
    put(o, ")", 1);
}

static void dump_param(Out *o, const Node *n)
{
    static const char *const kinds[] = { "param", "varargs", "kwonly", "varkw" };
    putf(o, "(%s", kinds[n->u.param.kind]);
    if (n->u.param.name) {
        put(o, " ", 1);
        puts_(o, n->u.param.name);
    }
    dump_opt(o, n->u.param.def);
    put(o, ")", 1);
}

static void dump_arg(Out *o, const Node *n)
{
    switch (n->u.arg.kind) {
    case ARG_POS: dump(o, n->u.arg.value); return;
    case ARG_STAR: puts_(o, "(*"); break;
    case ARG_DSTAR: puts_(o, "(**"); break;
    case ARG_KW: puts_(o, "(kw "); puts_(o, n->u.arg.name ? n->u.arg.name : "?"); break;
    }
    dump_opt(o, n->u.arg.value);
    put(o, ")", 1);
}

static void dump_fmt(Out *o, const Node *n)
{
    puts_(o, "(fmt");
    dump_opt(o, n->u.fmt.value);
    if (n->u.fmt.conv)
        putf(o, " !%c", n->u.fmt.conv);
    if (n->u.fmt.spec) {
        puts_(o, " :");
        dump(o, n->u.fmt.spec);
    }
    if (n->u.fmt.self_doc) {
        puts_(o, " =");
        put_quoted(o, n->u.fmt.self_doc, strlen(n->u.fmt.self_doc));
    }
    put(o, ")", 1);
}

static void dump_dict(Out *o, const Node *n)
{
    puts_(o, "(dict");
    for (int i = 0; i < n->u.dict.values.n; i++) {
        const Node *k = n->u.dict.keys.items[i];
        puts_(o, k ? " (" : " (**");
        if (k)
            dump(o, k);
        put(o, " ", 1);
        dump(o, n->u.dict.values.items[i]);
        put(o, ")", 1);
    }
    put(o, ")", 1);
}

static void dump_compare(Out *o, const Node *n)
{
    puts_(o, "(compare ");
    dump(o, n->u.compare.left);
    for (int i = 0; i < n->u.compare.rights.n; i++) {
        put(o, " ", 1);
        puts_(o, cmpop_symbol(n->u.compare.ops[i]));
        put(o, " ", 1);
        dump(o, n->u.compare.rights.items[i]);
    }
    put(o, ")", 1);
}

static void dump_comp(Out *o, const Node *n)
{
    static const char *const heads[] = { "listcomp", "setcomp", "genexp", "dictcomp" };
    puts_(o, "(");
    puts_(o, heads[n->kind - NODE_LISTCOMP]);
    dump_opt(o, n->u.comp.key);
    dump_opt(o, n->u.comp.elt);
    dump_list(o, &n->u.comp.gens);
    put(o, ")", 1);
}

static void dump_compfor(Out *o, const Node *n)
{
    puts_(o, "(for ");
    dump(o, n->u.compfor.target);
    put(o, " ", 1);
    dump(o, n->u.compfor.iter);
    for (int i = 0; i < n->u.compfor.ifs.n; i++) {
        puts_(o, " (if ");
        dump(o, n->u.compfor.ifs.items[i]);
        put(o, ")", 1);
    }
    put(o, ")", 1);
}

static void dump_func(Out *o, const Node *n)
{
    if (n->kind == NODE_LAMBDA)
        puts_(o, "(lambda (params");
    else
        putf(o, "(def %s (params", n->u.func.name ? n->u.func.name : "?");
    dump_list(o, &n->u.func.params);
    put(o, ")", 1);
    if (n->u.func.decorators.n) {
        puts_(o, " (decorators");
        dump_list(o, &n->u.func.decorators);
        put(o, ")", 1);
    }
    dump_opt(o, n->u.func.body);
    put(o, ")", 1);
}

static void dump_try(Out *o, const Node *n)
{
    puts_(o, "(try");
    dump_opt(o, n->u.try_.body);
    dump_list(o, &n->u.try_.handlers);
    if (n->u.try_.orelse) {
        puts_(o, " (else");
        dump_opt(o, n->u.try_.orelse);
        put(o, ")", 1);
    }
    if (n->u.try_.finally) {
        puts_(o, " (finally");
        dump_opt(o, n->u.try_.finally);
        put(o, ")", 1);
    }
    put(o, ")", 1);
}

static void dump_handler(Out *o, const Node *n)
{
    puts_(o, "(except");
    dump_or_(o, n->u.handler.type);
    put(o, " ", 1);
    puts_(o, n->u.handler.name ? n->u.handler.name : "_");
    dump_opt(o, n->u.handler.body);
    put(o, ")", 1);
}

static void dump_raise(Out *o, const Node *n)
{
    puts_(o, "(raise");
    dump_opt(o, n->u.raise.exc);
    if (n->u.raise.cause) {
        puts_(o, " (from ");
        dump(o, n->u.raise.cause);
        put(o, ")", 1);
    }
    put(o, ")", 1);
}

/* Nodes of the form (head CHILD...) with children in a fixed order. */
static bool dump_simple(Out *o, const Node *n)
{
    const char *head;
    const Node *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    switch (n->kind) {
    case NODE_TRUE: head = "true"; break;
    case NODE_FALSE: head = "false"; break;
    case NODE_NONE: head = "none"; break;
    case NODE_ELLIPSIS: head = "ellipsis"; break;
    case NODE_BREAK: head = "break"; break;
    case NODE_CONTINUE: head = "continue"; break;
    case NODE_PASS: head = "pass"; break;
    case NODE_STARRED: head = "starred"; a = n->u.starred.value; break;
    case NODE_YIELD: head = n->u.yield_.from ? "yield-from" : "yield"; a = n->u.yield_.value; break;
    case NODE_IFEXP: head = "ifexp"; a = n->u.ifexp.cond; b = n->u.ifexp.then;
        c = n->u.ifexp.orelse; break;
    case NODE_EXPR_STMT: head = "expr"; a = n->u.expr_stmt.value; break;
    case NODE_IF: head = "if"; a = n->u.if_.cond; b = n->u.if_.body;
        c = n->u.if_.orelse; break;
    case NODE_WHILE: head = "while"; a = n->u.loop.cond; b = n->u.loop.body;
        c = n->u.loop.orelse; break;
    case NODE_FOR: head = "for"; a = n->u.loop.target; b = n->u.loop.iter;
        c = n->u.loop.body; d = n->u.loop.orelse; break;
    case NODE_RETURN: head = "return"; a = n->u.ret.value; break;
    case NODE_WITHITEM: head = "item"; a = n->u.withitem.context;
        b = n->u.withitem.target; break;
    case NODE_ASSERT: head = "assert"; a = n->u.assert_.test; b = n->u.assert_.msg; break;
    default: return false;
    }
    putf(o, "(%s", head);
    dump_opt(o, a);
    dump_opt(o, b);
    dump_opt(o, c);
    dump_opt(o, d);
    put(o, ")", 1);
    return true;
}

/* Nodes of the form (head X... LIST...). */
static bool dump_listy(Out *o, const Node *n)
{
    const char *head;
    const NodeList *l;
    const Node *before = NULL, *after = NULL;
    switch (n->kind) {
    case NODE_FSTRING: head = "fstring"; l = &n->u.fstr.parts; break;
    case NODE_LIST: head = "list"; l = &n->u.seq.items; break;
    case NODE_TUPLE: head = "tuple"; l = &n->u.seq.items; break;
    case NODE_SET: head = "set"; l = &n->u.seq.items; break;
    case NODE_BOOLOP: head = n->u.boolop.is_and ? "and" : "or";
        l = &n->u.boolop.values; break;
    case NODE_CALL: head = "call"; before = n->u.call.func; l = &n->u.call.args; break;
    case NODE_BLOCK: head = "block"; l = &n->u.block.stmts; break;
    case NODE_ASSIGN: head = "assign"; l = &n->u.assign.targets;
        after = n->u.assign.value; break;
    case NODE_DEL: head = "del"; l = &n->u.del.targets; break;
    case NODE_WITH: head = "with"; l = &n->u.with.items; after = n->u.with.body; break;
    default: return false;
    }
    putf(o, "(%s", head);
    dump_opt(o, before);
    dump_list(o, l);
    dump_opt(o, after);
    put(o, ")", 1);
    return true;
}

static void dump(Out *o, const Node *n)
{
    if (!n) {
        puts_(o, "_");
        return;
    }
    if (dump_simple(o, n) || dump_listy(o, n))
        return;
    switch (n->kind) {
    case NODE_INT: putf(o, "(int %lld)", (long long)n->u.ival); break;
    case NODE_FLOAT: puts_(o, "(float "); put_float(o, n->u.fval); put(o, ")", 1); break;
    case NODE_STR:
        puts_(o, "(str ");
        put_quoted(o, n->u.str.s, n->u.str.len);
        put(o, ")", 1);
        break;
    case NODE_FORMATTED: dump_fmt(o, n); break;
    case NODE_NAME: putf(o, "(name "); puts_(o, n->u.name); put(o, ")", 1); break;
    case NODE_DICT: dump_dict(o, n); break;
    case NODE_UNARY:
        putf(o, "(unary %s ", unop_symbol(n->u.unary.op));
        dump(o, n->u.unary.operand);
        put(o, ")", 1);
        break;
    case NODE_BINARY:
        putf(o, "(binary %s ", binop_symbol(n->u.binary.op));
        dump(o, n->u.binary.left);
        put(o, " ", 1);
        dump(o, n->u.binary.right);
        put(o, ")", 1);
        break;
    case NODE_COMPARE: dump_compare(o, n); break;
    case NODE_ARG: dump_arg(o, n); break;
    case NODE_ATTR:
        puts_(o, "(attr ");
        dump(o, n->u.attr.object);
        putf(o, " ");
        puts_(o, n->u.attr.name);
        put(o, ")", 1);
        break;
    case NODE_INDEX:
        puts_(o, "(index ");
        dump(o, n->u.index.object);
        put(o, " ", 1);
        dump(o, n->u.index.index);
        put(o, ")", 1);
        break;
    case NODE_SLICE:
        puts_(o, "(slice");
        dump_or_(o, n->u.slice.lower);
        dump_or_(o, n->u.slice.upper);
        dump_or_(o, n->u.slice.step);
        put(o, ")", 1);
        break;
    case NODE_LAMBDA: case NODE_DEF: dump_func(o, n); break;
    case NODE_LISTCOMP: case NODE_SETCOMP: case NODE_GENEXP: case NODE_DICTCOMP:
        dump_comp(o, n);
        break;
    case NODE_COMPFOR: dump_compfor(o, n); break;
    case NODE_AUGASSIGN:
        putf(o, "(augassign %s= ", binop_symbol(n->u.augassign.op));
        dump(o, n->u.augassign.target);
        put(o, " ", 1);
        dump(o, n->u.augassign.value);
        put(o, ")", 1);
        break;
    case NODE_PARAM: dump_param(o, n); break;
    case NODE_CLASS:
        putf(o, "(class ");
        puts_(o, n->u.class_.name);
        puts_(o, " (bases");
        dump_list(o, &n->u.class_.bases);
        put(o, ")", 1);
        dump_opt(o, n->u.class_.body);
        put(o, ")", 1);
        break;
    case NODE_IMPORT: case NODE_FROMIMPORT: dump_import(o, n); break;
    case NODE_TRY: dump_try(o, n); break;
    case NODE_HANDLER: dump_handler(o, n); break;
    case NODE_RAISE: dump_raise(o, n); break;
    case NODE_GLOBAL: dump_names(o, "global", n->u.names.n, n->u.names.names); break;
    case NODE_NONLOCAL: dump_names(o, "nonlocal", n->u.names.n, n->u.names.names); break;
    default: putf(o, "(?%d)", (int)n->kind); break;
    }
}

char *ast_dump(const Node *n)
{
    Out o = { NULL, 0, 0, false };
    dump(&o, n);
    if (o.oom) {
        free(o.s);
        return NULL;
    }
    if (!o.s)
        return strdup("");
    return o.s;
}
