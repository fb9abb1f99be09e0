/* lex.h - the nnsh lexer: source bytes to tokens (Python 3 lexical rules).
 *
 * Owned by the language front end (lex.c); used only by parse.c and tests.
 * Depends on the C library only (no lib/ header).
 *
 * The lexer works in place on a borrowed buffer: tokens are byte ranges of
 * the source, so nothing is allocated and there is nothing to free.  It
 * produces INDENT/DEDENT/NEWLINE like CPython's tokenizer: blank and
 * comment-only lines produce nothing, newlines inside brackets and after a
 * backslash are joined, and the end of the text closes every block.
 *
 * Errors are tokens: TOK_ERROR carries the position and message (held in the
 * lexer, valid until the lexer is reused).  After an error every further call
 * returns the same error token.  With `incomplete` set, the error only means
 * "the text ended inside an open construct" (the REPL asks for more input).
 *
 * Columns are 1-based and count characters (UTF-8 sequences), not bytes; a
 * tab counts as one column, as in Python's error offsets.
 */
#ifndef NNSH_LEX_H
#define NNSH_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
    TOK_EOF, TOK_NEWLINE, TOK_INDENT, TOK_DEDENT, TOK_ERROR,
    TOK_NAME, TOK_INT, TOK_FLOAT, TOK_IMAG, TOK_STRING,
    /* keywords (keep in the order of lex.c's keyword table) */
    TOK_FALSE, TOK_NONE, TOK_TRUE, TOK_AND, TOK_AS, TOK_ASSERT, TOK_ASYNC,
    TOK_AWAIT, TOK_BREAK, TOK_CLASS, TOK_CONTINUE, TOK_DEF, TOK_DEL,
    TOK_ELIF, TOK_ELSE, TOK_EXCEPT, TOK_FINALLY, TOK_FOR, TOK_FROM,
    TOK_GLOBAL, TOK_IF, TOK_IMPORT, TOK_IN, TOK_IS, TOK_LAMBDA,
    TOK_NONLOCAL, TOK_NOT, TOK_OR, TOK_PASS, TOK_RAISE, TOK_RETURN,
    TOK_TRY, TOK_WHILE, TOK_WITH, TOK_YIELD,
    /* brackets and punctuation */
    TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET, TOK_LBRACE,
    TOK_RBRACE, TOK_COLON, TOK_COMMA, TOK_SEMI, TOK_DOT, TOK_ELLIPSIS,
    TOK_ARROW, TOK_WALRUS, TOK_AT, TOK_BANG, TOK_ASSIGN,
    /* operators */
    TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_DSLASH, TOK_PERCENT,
    TOK_DSTAR, TOK_AMP, TOK_PIPE, TOK_CARET, TOK_TILDE, TOK_LSHIFT,
    TOK_RSHIFT, TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
    /* augmented assignment: same order as BinOp in ast.h */
    TOK_PLUSEQ, TOK_MINUSEQ, TOK_STAREQ, TOK_SLASHEQ, TOK_DSLASHEQ,
    TOK_PERCENTEQ, TOK_DSTAREQ, TOK_ATEQ, TOK_LSHIFTEQ, TOK_RSHIFTEQ,
    TOK_AMPEQ, TOK_PIPEEQ, TOK_CARETEQ,
    TOK_COUNT
} TokType;

/* Flags of a TOK_STRING. */
enum { STR_RAW = 1, STR_F = 2, STR_BYTES = 4, STR_TRIPLE = 8 };

typedef struct Token {
    TokType type;
    int line, col;          /* 1-based position of the first byte */
    size_t start, len;      /* byte range in the source */
    int64_t ival;           /* TOK_INT */
    double fval;            /* TOK_FLOAT, TOK_IMAG */
    size_t body, body_len;  /* TOK_STRING: the text between the quotes */
    int str_flags;          /* TOK_STRING: STR_* */
    const char *msg;        /* TOK_ERROR: the message (lexer-owned) */
    bool incomplete;        /* TOK_ERROR: text ended inside an open construct */
} Token;

#define LEX_MAX_INDENT 200  /* = PARSE_MAX_DEPTH; the indentation stack */
#define LEX_MAX_BRACKETS 200

typedef struct Lexer {
    const char *src;
    size_t pos, end;
    int line;
    size_t line_start;      /* byte offset where the current line starts */
    size_t col_pos;         /* column cache: offset col_pos has column col_val */
    int col_val;
    bool interactive;
    bool sub;               /* lexing an f-string field: no NEWLINE/INDENT */
    bool at_bol;            /* at the beginning of a logical line */
    bool emitted;           /* some token of the current logical line was emitted */
    int pending;            /* > 0: DEDENTs still to emit; < 0: an INDENT */
    int nindent;
    int indent[LEX_MAX_INDENT + 1];     /* columns with tabs to 8 */
    int altindent[LEX_MAX_INDENT + 1];  /* columns with tabs to 1 */
    int nbrackets;
    char brackets[LEX_MAX_BRACKETS];
    int bline[LEX_MAX_BRACKETS], bcol[LEX_MAX_BRACKETS];
    bool failed;
    Token error;
    char msgbuf[256];
} Lexer;

/* Starts lexing src[0..len).  flags: PARSE_INTERACTIVE (parse.h) or 0. */
void lex_init(Lexer *lx, const char *src, size_t len, int flags);

/* Starts lexing the expression part of an f-string field, src[start..end),
 * whose first byte is at line/col: newlines are plain whitespace, no
 * NEWLINE/INDENT/DEDENT, an unmatched closing bracket is returned as a plain
 * token (the caller stops there), and '#' or '\' is an error. */
void lex_init_sub(Lexer *lx, const char *src, size_t start, size_t end,
                  int line, int col);

/* The next token.  Never fails to return; errors are TOK_ERROR tokens. */
Token lex_next(Lexer *lx);

/* Decodes the escapes of a string literal piece s[0..n) into out (which must
 * have room for n bytes: decoding never grows the text).  raw: backslashes
 * are kept.  Returns the decoded length, or -1 with *err set to a message and
 * *erroff to the offset of the bad escape. */
long lex_unescape(const char *s, size_t n, bool raw, char *out,
                  const char **err, size_t *erroff);

/* Column (1-based, in characters) of byte offset off of a line starting at
 * line_start. */
int lex_column(const char *src, size_t line_start, size_t off);

/* The keyword text of a keyword token, or a printable name for others. */
const char *lex_token_name(TokType t);

#endif
