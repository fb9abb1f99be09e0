/* parse_str.c - string literals and f-strings.  Part of the parser
 * (parse_int.h).
 *
 * Adjacent literals are concatenated here ("a" 'b' f"{c}").  An f-string
 * token is split on braces as Python 3.11 does: the text between fields is
 * decoded like a plain literal ({{ and }} are single braces), each field's
 * expression is parsed by a sub-lexer over the same source bytes (so error
 * positions are real), and the format spec after ':' is itself an f-string
 * whose fields may nest one more level.  For f"{x=}" the node keeps the
 * source text "x=" in self_doc and, as Python does, converts with repr
 * (conv 'r') unless a conversion or a spec is given.
 */
#include "parse_int.h"

#include <string.h>

typedef struct StrBuild {
    Vec parts;          /* NODE_STR / NODE_FORMATTED pieces of an f-string */
    char *buf;          /* pending literal text (arena) */
    size_t n, cap;
    int line, col;      /* position of the pending literal */
} StrBuild;

typedef struct PosCur {  /* walks an f-string's bytes, tracking line/col */
    size_t off;
    int line, col;
} PosCur;

static void pos_to(const char *src, PosCur *pc, size_t off)
{
    for (; pc->off < off; pc->off++) {
        unsigned char c = (unsigned char)src[pc->off];
        if (c == '\n') {
            pc->line++;
            pc->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            pc->col++;
        }
    }
}

/* Makes room for n more bytes of literal text. */
static bool lit_reserve(Parser *p, StrBuild *b, size_t n)
{
    if (b->n + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1)
        cap *= 2;
    char *nb = p_alloc(p, cap);
    if (!nb)
        return false;
    if (b->n)
        memcpy(nb, b->buf, b->n);
    b->buf = nb;
    b->cap = cap;
    return true;
}

/* Appends the decoded text of s[0..n) (a piece of token t). */
static bool lit_decoded(Parser *p, StrBuild *b, const char *s, size_t n, bool raw,
                        const Token *t)
{
    if (n == 0)
        return true;
    if (!lit_reserve(p, b, n))
        return false;
    const char *err = NULL;
    size_t erroff = 0;
    long got = lex_unescape(s, n, raw, b->buf + b->n, &err, &erroff);
    if (got < 0) {
        p_error(p, t, "%s", err);
        return false;
    }
    b->n += (size_t)got;
    b->buf[b->n] = '\0';
    return true;
}

static bool lit_char(Parser *p, StrBuild *b, char c)
{
    if (!lit_reserve(p, b, 1))
        return false;
    b->buf[b->n++] = c;
    b->buf[b->n] = '\0';
    return true;
}

/* Turns the pending literal into a NODE_STR part (nothing if empty). */
static bool lit_flush(Parser *p, StrBuild *b)
{
    if (b->n == 0)
        return true;
    Node *s = p_node(p, NODE_STR, b->line, b->col);
    if (!s)
        return false;
    s->u.str.s = b->buf;
    s->u.str.len = b->n;
    b->buf = NULL;
    b->n = b->cap = 0;
    return vec_push(p, &b->parts, s);
}

static Node *fstring_node(Parser *p, StrBuild *b, int line, int col)
{
    if (!lit_flush(p, b))
        return NULL;
    Node *f = p_node(p, NODE_FSTRING, line, col);
    if (f)
        f->u.fstr.parts = vec_list(&b->parts);
    return f;
}

static bool fstring_body(Parser *p, StrBuild *b, const Token *t, PosCur *pc,
                         size_t i, size_t end, int nest, size_t *spec_end);

typedef struct Saved {
    Lexer *lx;
    Token cur, prev, ahead;
    bool has_ahead;
} Saved;

/* Parses the expression of a field starting at i; *stop is the token that
 * ended it (} ! : = or :=). */
static Node *field_expr(Parser *p, PosCur *pc, size_t i, size_t end, Token *stop)
{
    Saved sv = { p->lx, p->cur, p->prev, p->ahead, p->has_ahead };
    Lexer sub;
    pos_to(p->src, pc, i);
    lex_init_sub(&sub, p->src, i, end, pc->line, pc->col);
    p->lx = &sub;
    p->has_ahead = false;
    p->fstring++;
    p_advance(p);
    Node *e = NULL;
    TokType t = p->cur.type;
    if (t == TOK_RBRACE || t == TOK_BANG || t == TOK_COLON || t == TOK_ASSIGN
        || t == TOK_EOF || t == TOK_WALRUS)
        p_error(p, &p->cur, "f-string: empty expression not allowed");
    else
        e = parse_testlist(p, true);
    *stop = p->cur;
    p->fstring--;
    p->lx = sv.lx;
    p->cur = sv.cur;
    p->prev = sv.prev;
    p->ahead = sv.ahead;
    p->has_ahead = sv.has_ahead;
    return p->failed ? NULL : e;
}

/* One {expr[=][!c][:spec]} field; i is just after '{'.  Returns the offset
 * after the closing '}', or 0 after an error. */
static size_t field(Parser *p, StrBuild *b, const Token *t, PosCur *pc,
                    size_t i, size_t end, int nest)
{
    const char *src = p->src;
    Token stop;
    if (nest >= 2) {
        pos_to(src, pc, i);
        p_error_at(p, pc->line, pc->col, "f-string: expressions nested too deeply");
        return 0;
    }
    Node *value = field_expr(p, pc, i, end, &stop);
    Node *fm = value ? p_node(p, NODE_FORMATTED, value->line, value->col) : NULL;
    if (!fm)
        return 0;
    fm->u.fmt.value = value;
    size_t j = stop.start;
    if (stop.type == TOK_ASSIGN) {
        for (j++; j < end && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n'); j++)
            ;
        if (!(fm->u.fmt.self_doc = arena_strndup(&p->chunk->arena, src + i, j - i))) {
            p_error(p, t, "out of memory");
            return 0;
        }
    } else if (stop.type != TOK_RBRACE && stop.type != TOK_BANG
               && stop.type != TOK_COLON && stop.type != TOK_WALRUS) {
        p_error(p, &stop, "f-string: expecting '}'");
        return 0;
    }
    if (j < end && src[j] == '!') {
        j++;
        if (j >= end || (src[j] != 's' && src[j] != 'r' && src[j] != 'a')) {
            pos_to(src, pc, j);
            p_error_at(p, pc->line, pc->col, "f-string: invalid conversion character: "
                       "expected 's', 'r', or 'a'");
            return 0;
        }
        fm->u.fmt.conv = src[j++];
    }
    if (j < end && src[j] == ':') {
        StrBuild sb = { { 0 }, NULL, 0, 0, 0, 0 };
        pos_to(src, pc, j + 1);
        sb.line = pc->line;
        sb.col = pc->col;
        if (!fstring_body(p, &sb, t, pc, j + 1, end, nest + 1, &j)
            || !(fm->u.fmt.spec = fstring_node(p, &sb, sb.line, sb.col)))
            return 0;
    }
    if (j >= end || src[j] != '}') {
        pos_to(src, pc, j);
        p_error_at(p, pc->line, pc->col, "f-string: expecting '}'");
        return 0;
    }
    if (fm->u.fmt.self_doc && !fm->u.fmt.conv && !fm->u.fmt.spec)
        fm->u.fmt.conv = 'r';
    if (!lit_flush(p, b) || !vec_push(p, &b->parts, fm))
        return 0;
    return j + 1;
}

/* The text of an f-string (or of a format spec when spec_end is non-NULL:
 * it then ends at the first unmatched '}', whose offset goes to *spec_end). */
static bool fstring_body(Parser *p, StrBuild *b, const Token *t, PosCur *pc,
                         size_t i, size_t end, int nest, size_t *spec_end)
{
    const char *src = p->src;
    bool raw = (t->str_flags & STR_RAW) != 0;
    size_t run = i;
    while (i < end && !p->failed) {
        char c = src[i];
        if (c == '{' || c == '}') {
            if (!lit_decoded(p, b, src + run, i - run, raw, t))
                return false;
            if (c == '}' && spec_end) {
                *spec_end = i;
                return true;
            }
            if (!spec_end && i + 1 < end && src[i + 1] == c) {
                if (!lit_char(p, b, c))
                    return false;
                i += 2;
            } else if (c == '}') {
                pos_to(src, pc, i);
                p_error_at(p, pc->line, pc->col, "f-string: single '}' is not allowed");
                return false;
            } else if (!(i = field(p, b, t, pc, i + 1, end, nest))) {
                return false;
            }
            if (b->n == 0) {
                pos_to(src, pc, i);
                b->line = pc->line;
                b->col = pc->col;
            }
            run = i;
        } else if (c == '\\' && !raw && i + 1 < end && src[i + 1] != '{' && src[i + 1] != '}') {
            i += 2;
        } else {
            i++;
        }
    }
    if (p->failed || !lit_decoded(p, b, src + run, (i < end ? i : end) - run, raw, t))
        return false;
    if (spec_end) {
        pos_to(src, pc, end);
        p_error_at(p, pc->line, pc->col, "f-string: expecting '}'");
        return false;
    }
    return true;
}

/* One or more adjacent string tokens -> NODE_STR or NODE_FSTRING. */
Node *parse_strings(Parser *p)
{
    Token first = p->cur;
    StrBuild b = { { 0 }, NULL, 0, 0, first.line, first.col };
    bool is_f = false;
    while (!p->failed && p_check(p, TOK_STRING)) {
        Token t = p->cur;
        if ((t.str_flags & STR_BYTES) != (first.str_flags & STR_BYTES)) {
            p_error(p, &first, "cannot mix bytes and nonbytes literals");
            return NULL;
        }
        if (t.str_flags & STR_F) {
            PosCur pc = { t.start, t.line, t.col };
            is_f = true;
            if (!p_enter(p))
                return NULL;
            bool ok = fstring_body(p, &b, &t, &pc, t.body, t.body + t.body_len, 0, NULL);
            p_leave(p);
            if (!ok)
                return NULL;
        } else if (!lit_decoded(p, &b, p->src + t.body, t.body_len,
                                (t.str_flags & STR_RAW) != 0, &t)) {
            return NULL;
        }
        p_advance(p);
    }
    if (p->failed)
        return NULL;
    if (is_f)
        return fstring_node(p, &b, first.line, first.col);
    Node *s = p_node_tok(p, NODE_STR, &first);
    if (!s)
        return NULL;
    s->u.str.s = b.buf ? b.buf : "";
    s->u.str.len = b.n;
    return s;
}
