/* parse.h - source text to a Chunk (lexer in lex.c, Pratt parser in parse.c).
 *
 * Depends on ast.h only.  The caller owns the returned Chunk (chunk_unref).
 */
#ifndef NNSH_PARSE_H
#define NNSH_PARSE_H

#include "ast.h"

typedef enum {
    PARSE_OK,
    PARSE_ERROR,        /* *err says where and why */
    PARSE_INCOMPLETE    /* the text ends inside an open construct: the REPL asks for more */
} ParseStatus;

typedef struct ParseError {
    int line, col;      /* 1-based */
    char msg[256];      /* e.g. "invalid syntax", "unexpected indent",
                           "inconsistent use of tabs and spaces in indentation" */
} ParseError;

enum {
    PARSE_INTERACTIVE = 1   /* prompt rules: a compound statement is complete only
                               after an empty line; open brackets, a trailing
                               backslash or an open triple-quoted string are
                               incomplete.  Without it, end of text closes
                               every block and an open bracket is an error. */
};

/* Parses `len` bytes of `src` (which need not be NUL-terminated; a NUL byte
 * inside is a syntax error).  On PARSE_OK *out is a new chunk holding a copy
 * of the source and the file name.  Nesting deeper than PARSE_MAX_DEPTH is a
 * syntax error ("too many nested parentheses" / "too deeply nested"), never a
 * stack overflow. */
#define PARSE_MAX_DEPTH 200
ParseStatus parse_chunk(const char *src, size_t len, const char *filename,
                        int flags, Chunk **out, ParseError *err);

#endif
