/* lex.c - the nnsh lexer (see lex.h).  Part of the language front end.
 *
 * A hand-written scanner after CPython's tokenizer: an indentation stack
 * measured twice (tabs to 8 columns and tabs to 1) to detect tab/space
 * mixes whose meaning depends on the tab size, a bracket stack for implicit
 * line joining and for "'(' was never closed", and in-place tokens.
 * String escapes are decoded later by lex_unescape (the parser needs the raw
 * text of f-strings).  Number and string scanning is in this file; the
 * tables are at the end.
 */
#include "lex.h"
#include "parse.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await",
    "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
    "while", "with", "yield"
};

/* ---- positions ---------------------------------------------------------- */

int lex_column(const char *src, size_t line_start, size_t off)
{
    int col = 1;
    for (size_t i = line_start; i < off; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Column of offset off on the current line; amortized O(1) because tokens
 * are requested in increasing order (a 1 MiB line stays linear). */
static int col_of(Lexer *lx, size_t off)
{
    if (off < lx->col_pos) {
        lx->col_pos = lx->line_start;
        lx->col_val = 1;
    }
    for (size_t i = lx->col_pos; i < off; i++)
        if (((unsigned char)lx->src[i] & 0xC0) != 0x80)
            lx->col_val++;
    lx->col_pos = off;
    return lx->col_val;
}

/* Length of the newline at pos: 1 for "\n", 2 for "\r\n", else 0. */
static int newline_len(const Lexer *lx, size_t pos)
{
    if (pos < lx->end && lx->src[pos] == '\n')
        return 1;
    if (pos + 1 < lx->end && lx->src[pos] == '\r' && lx->src[pos + 1] == '\n')
        return 2;
    return 0;
}

static void skip_newline(Lexer *lx, int n)
{
    lx->pos += (size_t)n;
    lx->line++;
    lx->line_start = lx->pos;
    lx->col_pos = lx->pos;
    lx->col_val = 1;
}

static int peekc(const Lexer *lx, size_t ahead)
{
    size_t p = lx->pos + ahead;
    return p < lx->end ? (unsigned char)lx->src[p] : -1;
}

/* ---- tokens and errors -------------------------------------------------- */

static Token make_tok(Lexer *lx, TokType t, size_t start, int line, int col)
{
    Token tk;
    memset(&tk, 0, sizeof tk);
    tk.type = t;
    tk.start = start;
    tk.len = lx->pos - start;
    tk.line = line;
    tk.col = col;
    lx->emitted = true;
    return tk;
}

/* Records the lexer's one error and returns it; later calls repeat it. */
static Token fail_at(Lexer *lx, int line, int col, bool incomplete,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->msgbuf, sizeof lx->msgbuf, fmt, ap);
    va_end(ap);
    memset(&lx->error, 0, sizeof lx->error);
    lx->error.type = TOK_ERROR;
    lx->error.line = line;
    lx->error.col = col;
    lx->error.start = lx->pos;
    lx->error.msg = lx->msgbuf;
    lx->error.incomplete = incomplete;
    lx->failed = true;
    return lx->error;
}

/* Decodes one UTF-8 sequence at s (avail bytes); returns its length, or 0
 * if it is malformed (overlong, surrogate, truncated, > U+10FFFF). */
static int utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    int n;
    uint32_t c = s[0], min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; c &= 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; c &= 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; c &= 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)n > avail)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Code points >= 0x80 that are punctuation or symbols, not letters: the
 * common ones pasted from documents (smart quotes, dashes, ×, ÷, nbsp). */
static bool is_symbol_cp(uint32_t c)
{
    if (c < 0xC0)
        return c != 0xAA && c != 0xB5 && c != 0xBA;
    return c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F)
        || (c >= 0x2190 && c <= 0x23FF) || (c >= 0x3000 && c <= 0x303F)
        || (c >= 0xFF01 && c <= 0xFF0F) || c == 0xFEFF;
}

/* Error for a byte that cannot start a token, Python style. */
static Token bad_char(Lexer *lx, int line, int col)
{
    const unsigned char *s = (const unsigned char *)lx->src + lx->pos;
    uint32_t cp;
    int n = utf8_decode(s, lx->end - lx->pos, &cp);
    if (n == 0)
        return fail_at(lx, line, col, false,
                       "invalid UTF-8 byte 0x%02x in source", s[0]);
    if (cp >= 0x80)
        return fail_at(lx, line, col, false, "invalid character '%.*s' (U+%04X)",
                       n, (const char *)s, (unsigned)cp);
    if (cp < 0x20 || cp == 0x7F)
        return fail_at(lx, line, col, false,
                       "invalid non-printable character U+%04X", (unsigned)cp);
    return fail_at(lx, line, col, false, "invalid syntax");
}

/* ---- set-up ------------------------------------------------------------- */

static void lex_reset(Lexer *lx, const char *src, size_t start, size_t end)
{
    memset(lx, 0, offsetof(Lexer, indent));
    lx->src = src;
    lx->pos = start;
    lx->end = end;
    lx->line = 1;
    lx->line_start = start;
    lx->col_pos = start;
    lx->col_val = 1;
    lx->nindent = 1;
    lx->indent[0] = 0;
    lx->altindent[0] = 0;
    lx->nbrackets = 0;
    lx->failed = false;
}

void lex_init(Lexer *lx, const char *src, size_t len, int flags)
{
    lex_reset(lx, src, 0, len);
    lx->interactive = (flags & PARSE_INTERACTIVE) != 0;
    lx->at_bol = true;
    const char *nul = memchr(src, '\0', len);
    if (nul) {
        size_t off = (size_t)(nul - src), ls = 0;
        int line = 1;
        for (size_t i = 0; i < off; i++)
            if (src[i] == '\n') {
                line++;
                ls = i + 1;
            }
        lx->pos = off;
        fail_at(lx, line, lex_column(src, ls, off), false,
                "source code cannot contain null bytes");
    }
}

void lex_init_sub(Lexer *lx, const char *src, size_t start, size_t end,
                  int line, int col)
{
    lex_reset(lx, src, start, end);
    lx->sub = true;
    lx->line = line;
    lx->col_val = col;
}

/* ---- indentation -------------------------------------------------------- */

/* Compares a line's indentation (col with tabs to 8, alt with tabs to 1)
 * with the stack.  The two measures must agree on the order, else the
 * meaning depends on the tab size: TabError. */
static bool set_indent(Lexer *lx, int col, int alt)
{
    int line = lx->line, tcol = col_of(lx, lx->pos);
    int top = lx->indent[lx->nindent - 1], alttop = lx->altindent[lx->nindent - 1];
    if (col == top) {
        if (alt != alttop)
            goto tab_error;
    } else if (col > top) {
        if (alt <= alttop)
            goto tab_error;
        if (lx->nindent > LEX_MAX_INDENT) {
            fail_at(lx, line, tcol, false, "too many levels of indentation");
            return false;
        }
        lx->indent[lx->nindent] = col;
        lx->altindent[lx->nindent++] = alt;
        lx->pending = -1;
    } else {
        int n = 0;
        while (lx->nindent > 1 && col < lx->indent[lx->nindent - 1]) {
            lx->nindent--;
            n++;
        }
        if (col != lx->indent[lx->nindent - 1]) {
            fail_at(lx, line, tcol, false,
                    "unindent does not match any outer indentation level");
            return false;
        }
        if (alt != lx->altindent[lx->nindent - 1])
            goto tab_error;
        lx->pending = n;
    }
    return true;
tab_error:
    fail_at(lx, line, 1, false, "inconsistent use of tabs and spaces in indentation");
    return false;
}

/* At the start of a line (outside brackets): skips blank and comment-only
 * lines, then compares the indentation with the stack and schedules INDENT
 * or DEDENTs in lx->pending.  Returns false after recording an error. */
static bool handle_bol(Lexer *lx)
{
    for (;;) {
        int col = 0, alt = 0;
        while (lx->pos < lx->end) {
            char c = lx->src[lx->pos];
            if (c == ' ') { col++; alt++; }
            else if (c == '\t') { col = (col / 8 + 1) * 8; alt++; }
            else if (c == '\f') { col = alt = 0; }
            else break;
            lx->pos++;
        }
        if (lx->pos < lx->end && lx->src[lx->pos] == '#')
            while (lx->pos < lx->end && lx->src[lx->pos] != '\n')
                lx->pos++;
        int nl = newline_len(lx, lx->pos);
        if (nl) {
            skip_newline(lx, nl);
            continue;
        }
        if (lx->pos >= lx->end)
            return true;                /* EOF closes the blocks */
        lx->at_bol = false;
        return set_indent(lx, col, alt);
    }
}

/* ---- numbers ------------------------------------------------------------ */

static bool is_digit_in(int c, int base)
{
    if (c < 0)
        return false;
    if (base == 16)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return c >= '0' && c < '0' + base;
}

static bool is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
        || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Scans digit ( '_'? digit )* of base at pos.  Returns the number of digits,
 * or -1 if an underscore is not followed by a digit. */
static long scan_digits(Lexer *lx, int base, bool lead_underscore)
{
    long n = 0;
    for (;;) {
        int c = peekc(lx, 0);
        if (c == '_' && (n > 0 || lead_underscore)) {
            if (!is_digit_in(peekc(lx, 1), base))
                return -1;
            lx->pos++;
            continue;
        }
        if (!is_digit_in(c, base))
            return n;
        lx->pos++;
        n++;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

/* Value of the digits in src[from..to) (underscores skipped); false on
 * overflow of int64 (the token then carries ival -1: a literal never is
 * negative, and the parser builds the big value from the source text). */
static bool int_value(const char *s, size_t from, size_t to, int base, int64_t *out)
{
    uint64_t v = 0;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '_')
            continue;
        uint64_t d = (uint64_t)digit_value(s[i]);
        if (v > ((uint64_t)INT64_MAX - d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + d;
    }
    *out = (int64_t)v;
    return true;
}

static Token lex_radix(Lexer *lx, size_t start, int line, int col)
{
    int p = peekc(lx, 1) | 0x20;
    int base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
    const char *what = base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary";
    lx->pos += 2;
    size_t digits = lx->pos;
    long n = scan_digits(lx, base, true);
    if (n <= 0 || is_name_char(peekc(lx, 0))) {
        int c = peekc(lx, 0);
        if (n > 0 && c >= '0' && c <= '9')
            return fail_at(lx, line, col, false, "invalid digit '%c' in %s literal", c, what);
        return fail_at(lx, line, col, false, "invalid %s literal", what);
    }
    Token tk = make_tok(lx, TOK_INT, start, line, col);
    if (!int_value(lx->src, digits, lx->pos, base, &tk.ival))
        tk.ival = -1;           /* beyond int64: the parser reads the digits */
    return tk;
}

/* strtod on the literal without underscores, with '.' mapped to the
 * locale's decimal point (readline programs often call setlocale). */
static bool float_value(const char *s, size_t n, double *out)
{
    char small[128], *buf = n < sizeof small ? small : malloc(n + 8);
    if (!buf)
        return false;
    const char *dp = localeconv()->decimal_point;
    size_t o = 0, dpl = strlen(dp);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_' || s[i] == 'j' || s[i] == 'J')
            continue;
        if (s[i] == '.' && dpl == 1)
            buf[o++] = dp[0];
        else
            buf[o++] = s[i];
    }
    buf[o] = '\0';
    *out = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return true;
}

static Token lex_number(Lexer *lx, size_t start, int line, int col)
{
    int c1 = peekc(lx, 1) | 0x20;
    if (peekc(lx, 0) == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b'))
        return lex_radix(lx, start, line, col);
    bool is_float = false;
    if (peekc(lx, 0) != '.' && scan_digits(lx, 10, false) < 0)
        return fail_at(lx, line, col, false, "invalid decimal literal");
    if (peekc(lx, 0) == '.') {
        lx->pos++;
        is_float = true;
        if (scan_digits(lx, 10, false) < 0)
            return fail_at(lx, line, col, false, "invalid decimal literal");
    }
    int e = peekc(lx, 0);
    if (e == 'e' || e == 'E') {
        lx->pos++;
        if (peekc(lx, 0) == '+' || peekc(lx, 0) == '-')
            lx->pos++;
        if (scan_digits(lx, 10, false) <= 0)
            return fail_at(lx, line, col, false, "invalid decimal literal");
        is_float = true;
    }
    bool imag = peekc(lx, 0) == 'j' || peekc(lx, 0) == 'J';
    if (imag)
        lx->pos++;
    if (is_name_char(peekc(lx, 0)))
        return fail_at(lx, line, col, false, "invalid decimal literal");
    Token tk = make_tok(lx, imag ? TOK_IMAG : is_float ? TOK_FLOAT : TOK_INT,
                        start, line, col);
    if (tk.type != TOK_INT) {
        if (!float_value(lx->src + start, tk.len, &tk.fval))
            return fail_at(lx, line, col, false, "out of memory");
        return tk;
    }
    const char *s = lx->src + start;
    if (s[0] == '0') {
        for (size_t i = 1; i < tk.len; i++)
            if (s[i] != '0' && s[i] != '_')
                return fail_at(lx, line, col, false,
                               "leading zeros in decimal integer literals are not "
                               "permitted; use an 0o prefix for octal integers");
    }
    if (!int_value(lx->src, start, lx->pos, 10, &tk.ival)) {
        size_t nd = 0;
        for (size_t i = start; i < lx->pos; i++)
            nd += lx->src[i] != '_';
        if (nd > 4300)          /* Python 3.11's int_max_str_digits */
            return fail_at(lx, line, col, false, "Exceeds the limit (4300 digits) for integer "
                           "string conversion: value has %zu digits; use "
                           "sys.set_int_max_str_digits() to increase the limit - Consider "
                           "hexadecimal for huge integer literals to avoid decimal conversion "
                           "limits.", nd);
        tk.ival = -1;           /* beyond int64: the parser reads the digits */
    }
    return tk;
}

/* ---- strings ------------------------------------------------------------ */

/* "detected at line N" names the last line that has text, as Python does. */
static Token unterminated(Lexer *lx, int line, int col, bool triple, bool incomplete)
{
    int at = lx->line;
    if (lx->pos >= lx->end && lx->line_start == lx->end && at > line)
        at--;
    return fail_at(lx, line, col, incomplete && lx->interactive,
                   "unterminated %sstring literal (detected at line %d)",
                   triple ? "triple-quoted " : "", at);
}

/* pos is at the opening quote; start/line/col include the prefix. */
static Token lex_string(Lexer *lx, size_t start, int line, int col, int flags)
{
    char q = lx->src[lx->pos];
    bool triple = peekc(lx, 1) == q && peekc(lx, 2) == q, cont = false;
    lx->pos += triple ? 3 : 1;
    size_t body = lx->pos, body_end;
    for (;;) {
        if (lx->pos >= lx->end)
            return unterminated(lx, line, col, triple, triple || cont);
        unsigned char c = (unsigned char)lx->src[lx->pos];
        int nl = newline_len(lx, lx->pos);
        cont = false;
        if (c == '\\') {
            lx->pos++;
            nl = newline_len(lx, lx->pos);
            if (nl) {
                skip_newline(lx, nl);
                cont = true;
            } else if (lx->pos < lx->end && (unsigned char)lx->src[lx->pos] < 0x80) {
                lx->pos++;
            }
        } else if (c == (unsigned char)q
                   && (!triple || (peekc(lx, 1) == q && peekc(lx, 2) == q))) {
            body_end = lx->pos;
            lx->pos += triple ? 3 : 1;
            break;
        } else if (nl) {
            if (!triple)
                return unterminated(lx, line, col, false, false);
            skip_newline(lx, nl);
        } else if (c >= 0x80) {
            uint32_t cp;
            int n = utf8_decode((const unsigned char *)lx->src + lx->pos,
                                lx->end - lx->pos, &cp);
            if (n == 0)
                return fail_at(lx, lx->line, col_of(lx, lx->pos), false,
                               "invalid UTF-8 byte 0x%02x in string literal", c);
            lx->pos += (size_t)n;
        } else {
            lx->pos++;
        }
    }
    Token tk = make_tok(lx, TOK_STRING, start, line, col);
    tk.body = body;
    tk.body_len = body_end - body;
    tk.str_flags = flags | (triple ? STR_TRIPLE : 0);
    return tk;
}

/* String prefix flags of src[start..start+n), or -1 if it is not one. */
static int string_prefix(const char *s, size_t n)
{
    int flags = 0;
    if (n > 2)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int c = s[i] | 0x20, f = c == 'r' ? STR_RAW : c == 'f' ? STR_F
            : c == 'b' ? STR_BYTES : c == 'u' ? 16 : 0;
        if (!f || (flags & f))
            return -1;
        flags |= f;
    }
    if ((flags & 16) && n > 1)
        return -1;                       /* u combines with nothing */
    if ((flags & STR_F) && (flags & STR_BYTES))
        return -1;
    return flags & ~16;
}

static Token lex_name(Lexer *lx, size_t start, int line, int col)
{
    while (lx->pos < lx->end) {
        unsigned char c = (unsigned char)lx->src[lx->pos];
        if (c < 0x80) {
            if (!is_name_char(c))
                break;
            lx->pos++;
            continue;
        }
        uint32_t cp;
        int n = utf8_decode((const unsigned char *)lx->src + lx->pos,
                            lx->end - lx->pos, &cp);
        if (n == 0 || is_symbol_cp(cp))
            break;
        lx->pos += (size_t)n;
    }
    size_t n = lx->pos - start;
    int q = peekc(lx, 0);
    if ((q == '\'' || q == '"') && n <= 2) {
        int flags = string_prefix(lx->src + start, n);
        if (flags >= 0)
            return lex_string(lx, start, line, col, flags);
    }
    Token tk = make_tok(lx, TOK_NAME, start, line, col);
    if (n >= 2 && n <= 8) {
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strlen(keywords[k]) == n && memcmp(keywords[k], lx->src + start, n) == 0)
                tk.type = (TokType)(TOK_FALSE + (int)k);
    }
    return tk;
}

/* ---- operators and brackets --------------------------------------------- */

static Token open_bracket(Lexer *lx, TokType t, size_t start, int line, int col)
{
    if (lx->nbrackets >= LEX_MAX_BRACKETS)
        return fail_at(lx, line, col, false, "too many nested parentheses");
    lx->brackets[lx->nbrackets] = lx->src[start];
    lx->bline[lx->nbrackets] = line;
    lx->bcol[lx->nbrackets++] = col;
    lx->pos++;
    return make_tok(lx, t, start, line, col);
}

static Token close_bracket(Lexer *lx, TokType t, size_t start, int line, int col)
{
    char c = lx->src[start];
    char want = c == ')' ? '(' : c == ']' ? '[' : '{';
    lx->pos++;
    if (lx->nbrackets == 0) {
        if (lx->sub)
            return make_tok(lx, t, start, line, col);
        return fail_at(lx, line, col, false, "unmatched '%c'", c);
    }
    int k = lx->nbrackets - 1;
    if (lx->brackets[k] != want) {
        if (lx->bline[k] != line)
            return fail_at(lx, line, col, false, "closing parenthesis '%c' does not "
                           "match opening parenthesis '%c' on line %d",
                           c, lx->brackets[k], lx->bline[k]);
        return fail_at(lx, line, col, false, "closing parenthesis '%c' does not "
                       "match opening parenthesis '%c'", c, lx->brackets[k]);
    }
    lx->nbrackets--;
    return make_tok(lx, t, start, line, col);
}

/* Picks t2 if the next char is c2 (a two-char operator), else t1. */
#define PICK(c2, t2, t1) (c1 == (c2) ? (n = 2, (t2)) : (t1))

static Token lex_op(Lexer *lx, size_t start, int line, int col)
{
    int c = peekc(lx, 0), c1 = peekc(lx, 1), c2 = peekc(lx, 2), n = 1;
    TokType t;
    switch (c) {
    case '(': return open_bracket(lx, TOK_LPAREN, start, line, col);
    case '[': return open_bracket(lx, TOK_LBRACKET, start, line, col);
    case '{': return open_bracket(lx, TOK_LBRACE, start, line, col);
    case ')': return close_bracket(lx, TOK_RPAREN, start, line, col);
    case ']': return close_bracket(lx, TOK_RBRACKET, start, line, col);
    case '}': return close_bracket(lx, TOK_RBRACE, start, line, col);
    case ':': t = PICK('=', TOK_WALRUS, TOK_COLON); break;
    case ',': t = TOK_COMMA; break;
    case ';': t = TOK_SEMI; break;
    case '~': t = TOK_TILDE; break;
    case '.':
        if (c1 == '.' && c2 == '.') { t = TOK_ELLIPSIS; n = 3; }
        else t = TOK_DOT;
        break;
    case '+': t = PICK('=', TOK_PLUSEQ, TOK_PLUS); break;
    case '-':
        if (c1 == '>') { t = TOK_ARROW; n = 2; }
        else t = PICK('=', TOK_MINUSEQ, TOK_MINUS);
        break;
    case '*':
        if (c1 == '*') { t = c2 == '=' ? TOK_DSTAREQ : TOK_DSTAR; n = c2 == '=' ? 3 : 2; }
        else t = PICK('=', TOK_STAREQ, TOK_STAR);
        break;
    case '/':
        if (c1 == '/') { t = c2 == '=' ? TOK_DSLASHEQ : TOK_DSLASH; n = c2 == '=' ? 3 : 2; }
        else t = PICK('=', TOK_SLASHEQ, TOK_SLASH);
        break;
    case '<':
        if (c1 == '<') { t = c2 == '=' ? TOK_LSHIFTEQ : TOK_LSHIFT; n = c2 == '=' ? 3 : 2; }
        else t = PICK('=', TOK_LE, TOK_LT);
        break;
    case '>':
        if (c1 == '>') { t = c2 == '=' ? TOK_RSHIFTEQ : TOK_RSHIFT; n = c2 == '=' ? 3 : 2; }
        else t = PICK('=', TOK_GE, TOK_GT);
        break;
    case '%': t = PICK('=', TOK_PERCENTEQ, TOK_PERCENT); break;
    case '@': t = PICK('=', TOK_ATEQ, TOK_AT); break;
    case '&': t = PICK('=', TOK_AMPEQ, TOK_AMP); break;
    case '|': t = PICK('=', TOK_PIPEEQ, TOK_PIPE); break;
    case '^': t = PICK('=', TOK_CARETEQ, TOK_CARET); break;
    case '=': t = PICK('=', TOK_EQ, TOK_ASSIGN); break;
    case '!': t = PICK('=', TOK_NE, TOK_BANG); break;
    default: return bad_char(lx, line, col);
    }
    lx->pos += (size_t)n;
    return make_tok(lx, t, start, line, col);
}
#undef PICK

/* ---- the token loop ----------------------------------------------------- */

static Token at_eof(Lexer *lx, bool after_backslash, int bs_line, int bs_col)
{
    int line = lx->line, col = col_of(lx, lx->pos);
    if (lx->nbrackets > 0 && !lx->sub) {
        int k = lx->nbrackets - 1;
        return fail_at(lx, lx->bline[k], lx->bcol[k], lx->interactive,
                       "'%c' was never closed", lx->brackets[k]);
    }
    if (after_backslash)
        return fail_at(lx, bs_line, bs_col + 1, lx->interactive,
                       "unexpected EOF while parsing");
    Token tk;
    memset(&tk, 0, sizeof tk);
    tk.start = lx->pos;
    tk.line = line;
    tk.col = col;
    tk.type = TOK_EOF;
    if (lx->sub)
        return tk;
    if (lx->emitted) {
        lx->emitted = false;
        tk.type = TOK_NEWLINE;
    } else if (lx->nindent > 1) {
        lx->pending = lx->nindent - 2;
        lx->nindent = 1;
        tk.type = TOK_DEDENT;
    }
    return tk;
}

static Token block_token(Lexer *lx, TokType t)
{
    Token tk;
    memset(&tk, 0, sizeof tk);
    tk.type = t;
    tk.start = lx->pos;
    tk.line = lx->line;
    tk.col = col_of(lx, lx->pos);
    return tk;
}

/* Skips blanks, comments and joined newlines.  Returns 1 when a token
 * starts at pos, 0 at end of text, 2 when *out holds a NEWLINE or error. */
static int skip_space(Lexer *lx, Token *out, bool *bs, int *bs_line, int *bs_col)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\f' || (c == '\r' && !newline_len(lx, lx->pos))) {
            lx->pos++;
            continue;
        }
        if (c < 0)
            return 0;
        int nl = newline_len(lx, lx->pos);
        if (c == '#') {
            if (lx->sub) {
                *out = fail_at(lx, lx->line, col_of(lx, lx->pos), false,
                               "f-string expression part cannot include '#'");
                return 2;
            }
            while (lx->pos < lx->end && lx->src[lx->pos] != '\n')
                lx->pos++;
        } else if (nl && (lx->sub || lx->nbrackets > 0)) {
            skip_newline(lx, nl);
        } else if (nl) {
            *out = block_token(lx, TOK_NEWLINE);
            out->len = (size_t)nl;
            skip_newline(lx, nl);
            lx->at_bol = true;
            lx->emitted = false;
            return 2;
        } else if (c == '\\') {
            int line = lx->line, col = col_of(lx, lx->pos);
            if (lx->sub) {
                *out = fail_at(lx, line, col, false,
                               "f-string expression part cannot include a backslash");
                return 2;
            }
            nl = newline_len(lx, lx->pos + 1);
            if (!nl && lx->pos + 1 < lx->end) {
                *out = fail_at(lx, line, col + 1, false,
                               "unexpected character after line continuation character");
                return 2;
            }
            *bs = true;
            *bs_line = line;
            *bs_col = col;
            lx->pos++;
            if (nl)
                skip_newline(lx, nl);
        } else {
            return 1;
        }
    }
}

Token lex_next(Lexer *lx)
{
    if (lx->failed)
        return lx->error;
    if (lx->pending > 0) {
        lx->pending--;
        return block_token(lx, TOK_DEDENT);
    }
    if (lx->pending < 0) {
        lx->pending = 0;
        return block_token(lx, TOK_INDENT);
    }
    if (lx->at_bol && !lx->sub) {
        if (!handle_bol(lx))
            return lx->error;
        lx->at_bol = false;
        if (lx->pending)
            return lex_next(lx);
    }
    Token tk;
    bool bs = false;
    int bs_line = 0, bs_col = 0;
    int r = skip_space(lx, &tk, &bs, &bs_line, &bs_col);
    if (r == 2)
        return tk;
    if (r == 0)
        return at_eof(lx, bs, bs_line, bs_col);
    size_t start = lx->pos;
    int line = lx->line, col = col_of(lx, start);
    unsigned char c = (unsigned char)lx->src[start];
    if ((c >= '0' && c <= '9') || (c == '.' && is_digit_in(peekc(lx, 1), 10)))
        return lex_number(lx, start, line, col);
    if (c == '\'' || c == '"')
        return lex_string(lx, start, line, col, 0);
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
        uint32_t cp = c;
        if (c >= 0x80 && (utf8_decode((const unsigned char *)lx->src + start,
                                      lx->end - start, &cp) == 0 || is_symbol_cp(cp)))
            return bad_char(lx, line, col);
        return lex_name(lx, start, line, col);
    }
    return lex_op(lx, start, line, col);
}

/* ---- escapes ------------------------------------------------------------ */

static size_t utf8_encode(uint32_t c, char *out)
{
    if (c < 0x80) { out[0] = (char)c; return 1; }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static char simple_escape(char e)
{
    switch (e) {
    case '\\': return '\\';
    case '\'': return '\'';
    case '"': return '"';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return 0;
    }
}

/* Decodes the escape at s[i] == '\\' into out; returns the number of source
 * bytes used, or 0 with *err set. */
static size_t one_escape(const char *s, size_t n, size_t i, char *out, size_t *o,
                         const char **err)
{
    static char msg[160];
    char e = s[i + 1], se = simple_escape(e);
    if (se) {
        out[(*o)++] = se;
        return 2;
    }
    if (e >= '0' && e <= '7') {
        uint32_t v = 0;
        size_t k = i + 1;
        while (k < n && k < i + 4 && s[k] >= '0' && s[k] <= '7')
            v = v * 8 + (uint32_t)(s[k++] - '0');
        *o += utf8_encode(v, out + *o);
        return k - i;
    }
    int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    if (digits) {
        uint32_t v = 0;
        for (int d = 0; d < digits; d++) {
            size_t k = i + 2 + (size_t)d;
            if (k >= n || !is_digit_in((unsigned char)s[k], 16)) {
                snprintf(msg, sizeof msg, "(unicode error) 'unicodeescape' codec can't "
                         "decode bytes in position %zu-%zu: truncated \\%c%s escape",
                         i, k - 1, e, e == 'x' ? "XX" : e == 'u' ? "XXXX" : "XXXXXXXX");
                *err = msg;
                return 0;
            }
            v = v * 16 + (uint32_t)digit_value(s[k]);
        }
        if (v > 0x10FFFF) {
            snprintf(msg, sizeof msg, "(unicode error) 'unicodeescape' codec can't "
                     "decode bytes in position %zu-%zu: illegal Unicode character",
                     i, i + 9);
            *err = msg;
            return 0;
        }
        *o += utf8_encode(v, out + *o);
        return 2 + (size_t)digits;
    }
    if (e == 'N') {
        *err = "(unicode error) \\N{...} escapes are not supported";
        return 0;
    }
    out[(*o)++] = '\\';                  /* unknown escape: kept as is */
    return 1;
}

long lex_unescape(const char *s, size_t n, bool raw, char *out,
                  const char **err, size_t *erroff)
{
    size_t o = 0, i = 0;
    while (i < n) {
        if (s[i] != '\\' || raw || i + 1 >= n) {
            out[o++] = s[i++];
            if (raw && s[i - 1] == '\\' && i < n)
                out[o++] = s[i++];        /* r"\"" keeps both characters */
            continue;
        }
        if (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n')) {
            i += s[i + 1] == '\n' ? 2 : 3;    /* backslash-newline: joined */
            continue;
        }
        size_t used = one_escape(s, n, i, out, &o, err);
        if (used == 0) {
            *erroff = i;
            return -1;
        }
        i += used;
    }
    return (long)o;
}

/* ---- names -------------------------------------------------------------- */

const char *lex_token_name(TokType t)
{
    static const char *const names[] = {
        "end of input", "newline", "indent", "dedent", "error", "name",
        "integer", "float", "imaginary", "string"
    };
    static const char *const ops[] = {
        "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "...", "->", ":=",
        "@", "!", "=", "+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "~",
        "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "+=", "-=", "*=", "/=",
        "//=", "%=", "**=", "@=", "<<=", ">>=", "&=", "|=", "^="
    };
    if (t <= TOK_STRING)
        return names[t];
    if (t < TOK_LPAREN)
        return keywords[t - TOK_FALSE];
    if (t < TOK_COUNT)
        return ops[t - TOK_LPAREN];
    return "?";
}
