/* test_lex.c - unit tests of the lexer (src/lex.c).
 *
 * Each case lexes a text and compares a compact rendering of the token
 * stream with a stream written by hand from Python's tokenizer rules:
 *   NAME:x INT:42 FLOAT:1.5 STR:"body" (raw text between the quotes, with
 *   a prefix such as f/r/b/t for f-, raw, bytes and triple-quoted strings),
 *   keywords and operators as themselves, NL INDENT DEDENT EOF, and errors as
 *   ERR[line:col message] (ERR? when the error only means "incomplete").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lex.h"
#include "parse.h"

static void render(const char *src, size_t len, int flags, char *out, size_t cap)
{
    Lexer lx;
    size_t n = 0;
    lex_init(&lx, src, len, flags);
    out[0] = '\0';
    for (int guard = 0; guard < 10000; guard++) {
        Token t = lex_next(&lx);
        char buf[512];
        switch (t.type) {
        case TOK_NAME: snprintf(buf, sizeof buf, "NAME:%.*s", (int)t.len, src + t.start); break;
        case TOK_INT: snprintf(buf, sizeof buf, "INT:%lld", (long long)t.ival); break;
        case TOK_FLOAT: snprintf(buf, sizeof buf, "FLOAT:%.17g", t.fval); break;
        case TOK_STRING:
            snprintf(buf, sizeof buf, "STR:%s%s%s%s\"%.*s\"",
                     t.str_flags & STR_F ? "f" : "", t.str_flags & STR_RAW ? "r" : "",
                     t.str_flags & STR_BYTES ? "b" : "", t.str_flags & STR_TRIPLE ? "t" : "",
                     (int)t.body_len, src + t.body);
            break;
        case TOK_NEWLINE: snprintf(buf, sizeof buf, "NL"); break;
        case TOK_INDENT: snprintf(buf, sizeof buf, "INDENT"); break;
        case TOK_DEDENT: snprintf(buf, sizeof buf, "DEDENT"); break;
        case TOK_EOF: snprintf(buf, sizeof buf, "EOF"); break;
        case TOK_ERROR:
            snprintf(buf, sizeof buf, "ERR%s[%d:%d %s]", t.incomplete ? "?" : "",
                     t.line, t.col, t.msg);
            break;
        default: snprintf(buf, sizeof buf, "%s", lex_token_name(t.type)); break;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? " " : "", buf);
        if (t.type == TOK_EOF || t.type == TOK_ERROR || n >= cap - 1)
            break;
    }
}

static void check_flags(const char *src, int flags, const char *want)
{
    char got[8192];
    render(src, strlen(src), flags, got, sizeof got);
    if (strcmp(got, want) != 0) {
        print_error("source: %s\n  want: %s\n   got: %s\n", src, want, got);
        fail();
    }
}

static void check(const char *src, const char *want)
{
    check_flags(src, 0, want);
}

static void test_simple(void **state)
{
    (void)state;
    check("x = 1\n", "NAME:x = INT:1 NL EOF");
    check("x = 1", "NAME:x = INT:1 NL EOF");
    check("", "EOF");
    check("\n\n  \n", "EOF");
    check("print(a, b)\n", "NAME:print ( NAME:a , NAME:b ) NL EOF");
    check("if not x is None: pass\n", "if not NAME:x is None : pass NL EOF");
    check("lambda_ = True and False or None\n",
          "NAME:lambda_ = True and False or None NL EOF");
}

static void test_indent(void **state)
{
    (void)state;
    check("if x:\n    y\n    z\nw\n",
          "if NAME:x : NL INDENT NAME:y NL NAME:z NL DEDENT NAME:w NL EOF");
    check("if a:\n  if b:\n    c",
          "if NAME:a : NL INDENT if NAME:b : NL INDENT NAME:c NL DEDENT DEDENT EOF");
    check("for i in r:\n  a\n\n  # comment\n      \n  b\nc\n",
          "for NAME:i in NAME:r : NL INDENT NAME:a NL NAME:b NL DEDENT NAME:c NL EOF");
    check("if a:\n  if b:\n    c\nd\n",
          "if NAME:a : NL INDENT if NAME:b : NL INDENT NAME:c NL DEDENT DEDENT NAME:d NL EOF");
    /* a tab is 8 columns either way here: consistent */
    check("if a:\n\tb\n\tc\n", "if NAME:a : NL INDENT NAME:b NL NAME:c NL DEDENT EOF");
    check("  x\n", "INDENT NAME:x NL DEDENT EOF");
}

static void test_indent_errors(void **state)
{
    (void)state;
    check("if x:\n    a\n  b\n",
          "if NAME:x : NL INDENT NAME:a NL "
          "ERR[3:3 unindent does not match any outer indentation level]");
    /* tab = 8 columns equals 8 spaces, but with tab = 1 they differ */
    check("if x:\n\tpass\n        pass\n",
          "if NAME:x : NL INDENT pass NL "
          "ERR[3:1 inconsistent use of tabs and spaces in indentation]");
    check("if x:\n        a\n\tb\n",
          "if NAME:x : NL INDENT NAME:a NL "
          "ERR[3:1 inconsistent use of tabs and spaces in indentation]");
}

static void test_joining(void **state)
{
    (void)state;
    check("f(1,\n   2)\n", "NAME:f ( INT:1 , INT:2 ) NL EOF");
    check("x = [\n  1,\n# c\n\n  2]\n", "NAME:x = [ INT:1 , INT:2 ] NL EOF");
    check("x = 1 + \\\n    2\n", "NAME:x = INT:1 + INT:2 NL EOF");
    check("d = {'a':\n 1}\ny\n", "NAME:d = { STR:\"a\" : INT:1 } NL NAME:y NL EOF");
    check("x = 1 \\ y", "NAME:x = INT:1 "
          "ERR[1:8 unexpected character after line continuation character]");
    check("x = 1 \\\n", "NAME:x = INT:1 ERR[1:8 unexpected EOF while parsing]");
    check_flags("x = 1 \\\n", PARSE_INTERACTIVE,
                "NAME:x = INT:1 ERR?[1:8 unexpected EOF while parsing]");
}

static void test_numbers(void **state)
{
    (void)state;
    check("0x1F 0o17 0b101 0X_ff 1_000 0 00 42\n",
          "INT:31 INT:15 INT:5 INT:255 INT:1000 INT:0 INT:0 INT:42 NL EOF");
    check("1.5 1e-3 .5 5. 1_000.0 2E+2 0.25e1\n",
          "FLOAT:1.5 FLOAT:0.001 FLOAT:0.5 FLOAT:5 FLOAT:1000 FLOAT:200 FLOAT:2.5 NL EOF");
    check("9223372036854775807\n", "INT:9223372036854775807 NL EOF");
    /* beyond int64: ival -1, the parser builds the big int from the text */
    check("9223372036854775808\n", "INT:-1 NL EOF");
    check("x = 0x8000000000000000\n", "NAME:x = INT:-1 NL EOF");
    check("x = 007\n", "NAME:x = ERR[1:5 leading zeros in decimal integer literals "
          "are not permitted; use an 0o prefix for octal integers]");
    check("1_\n", "ERR[1:1 invalid decimal literal]");
    check("1__0\n", "ERR[1:1 invalid decimal literal]");
    check("1e\n", "ERR[1:1 invalid decimal literal]");
    check("0x\n", "ERR[1:1 invalid hexadecimal literal]");
    check("0b102\n", "ERR[1:1 invalid digit '2' in binary literal]");
    check("12abc\n", "ERR[1:1 invalid decimal literal]");
    check("x.y 1.0.real\n", "NAME:x . NAME:y FLOAT:1 . NAME:real NL EOF");
}

static void test_strings(void **state)
{
    (void)state;
    check("'a' \"b\" '''c\nd''' \"\"\"e\"\"\"\n",
          "STR:\"a\" STR:\"b\" STR:t\"c\nd\" STR:t\"e\" NL EOF");
    check("r'\\d' b'x' rb'y' BR'z' f'{x}' Rf\"{y!r}\" u'w'\n",
          "STR:r\"\\d\" STR:b\"x\" STR:rb\"y\" STR:rb\"z\" STR:f\"{x}\" STR:fr\"{y!r}\" "
          "STR:\"w\" NL EOF");
    check("'it\\'s' \"say \\\"hi\\\"\"\n", "STR:\"it\\'s\" STR:\"say \\\"hi\\\"\" NL EOF");
    check("x = '''a\nb'''\ny\n", "NAME:x = STR:t\"a\nb\" NL NAME:y NL EOF");
    check("'abc\n", "ERR[1:1 unterminated string literal (detected at line 1)]");
    check("x = f'abc\n", "NAME:x = ERR[1:5 unterminated string literal (detected at line 1)]");
    check("x = '''abc\n", "NAME:x = "
          "ERR[1:5 unterminated triple-quoted string literal (detected at line 1)]");
    check("s = \"\"\"a\nb\nc", "NAME:s = "
          "ERR[1:5 unterminated triple-quoted string literal (detected at line 3)]");
    check_flags("x = '''abc\n", PARSE_INTERACTIVE, "NAME:x = "
                "ERR?[1:5 unterminated triple-quoted string literal (detected at line 1)]");
    check("fr = 1\n", "NAME:fr = INT:1 NL EOF");
}

static void check_unescape(const char *src, const char *want, size_t want_len)
{
    char out[256];
    const char *err = NULL;
    size_t off = 0;
    long n = lex_unescape(src, strlen(src), false, out, &err, &off);
    assert_int_equal(n, (long)want_len);
    assert_memory_equal(out, want, want_len);
}

static void test_escapes(void **state)
{
    (void)state;
    check_unescape("a\\nb\\tc", "a\nb\tc", 5);
    check_unescape("\\\\ \\' \\\" \\a\\b\\f\\r\\v", "\\ ' \" \a\b\f\r\v", 11);
    check_unescape("\\x41\\101\\0", "AA\0", 3);
    check_unescape("\\u00e9\\U0001F600", "\xc3\xa9\xf0\x9f\x98\x80", 6);
    check_unescape("\\xe9", "\xc3\xa9", 2);        /* str semantics: U+00E9 */
    check_unescape("\\d\\q", "\\d\\q", 4);         /* unknown escapes stay */
    check_unescape("a\\\nb", "ab", 2);             /* backslash-newline joins */
    char out[64];
    const char *err = NULL;
    size_t off = 99;
    assert_int_equal(lex_unescape("ab\\x4", 5, false, out, &err, &off), -1);
    assert_int_equal(off, 2);
    assert_non_null(strstr(err, "truncated \\xXX escape"));
    assert_int_equal(lex_unescape("\\n\\x", 4, true, out, &err, &off), 4);
    assert_memory_equal(out, "\\n\\x", 4);
}

static void test_operators(void **state)
{
    (void)state;
    check("a **= b //= c @= d -> e := f ... g != h <= i >>= j << k\n",
          "NAME:a **= NAME:b //= NAME:c @= NAME:d -> NAME:e := NAME:f ... NAME:g != "
          "NAME:h <= NAME:i >>= NAME:j << NAME:k NL EOF");
    check("+= -= *= /= %= &= |= ^= <<= ** // ~ ^ & | % @ == < > >= = ; !\n",
          "+= -= *= /= %= &= |= ^= <<= ** // ~ ^ & | % @ == < > >= = ; ! NL EOF");
    check("x[1:2, ::3]\n", "NAME:x [ INT:1 : INT:2 , : : INT:3 ] NL EOF");
}

static void test_errors(void **state)
{
    (void)state;
    check("x = )\n", "NAME:x = ERR[1:5 unmatched ')']");
    check("x = (]\n", "NAME:x = ( ERR[1:6 closing parenthesis ']' does not match "
          "opening parenthesis '(']");
    check("x = (\n]\n", "NAME:x = ( ERR[2:1 closing parenthesis ']' does not match "
          "opening parenthesis '(' on line 1]");
    check("foo(\n", "NAME:foo ( ERR[1:4 '(' was never closed]");
    check_flags("foo(\n", PARSE_INTERACTIVE, "NAME:foo ( ERR?[1:4 '(' was never closed]");
    check("x = $\n", "NAME:x = ERR[1:5 invalid syntax]");
    check("x = \xe2\x80\x9chi\xe2\x80\x9d\n",
          "NAME:x = ERR[1:5 invalid character '\xe2\x80\x9c' (U+201C)]");
    check("a\xff\n", "NAME:a ERR[1:2 invalid UTF-8 byte 0xff in source]");
    static const char nul[] = "x = 1\ny = 2\0\n";
    char got[512];
    render(nul, sizeof nul - 1, 0, got, sizeof got);
    assert_string_equal(got, "ERR[2:6 source code cannot contain null bytes]");
    /* a NUL inside a string is reported too */
    render("'\0'", 3, 0, got, sizeof got);
    assert_string_equal(got, "ERR[1:2 source code cannot contain null bytes]");
    /* after an error, the lexer keeps returning it */
    Lexer lx;
    lex_init(&lx, ")", 1, 0);
    assert_int_equal(lex_next(&lx).type, TOK_ERROR);
    assert_int_equal(lex_next(&lx).type, TOK_ERROR);
}

static void test_positions(void **state)
{
    (void)state;
    const char *src = "if x:\n    caf\xc3\xa9 = '\xc3\xa9' + y\n";
    Lexer lx;
    lex_init(&lx, src, strlen(src), 0);
    int want[][2] = { {1, 1}, {1, 4}, {1, 5}, {1, 6}, {2, 5}, {2, 5}, {2, 10},
                      {2, 12}, {2, 16}, {2, 18} };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Token t = lex_next(&lx);
        assert_int_equal(t.line, want[i][0]);
        assert_int_equal(t.col, want[i][1]);
    }
    /* columns count characters: the name is café, 4 characters */
    assert_int_equal(lex_column(src, 6, 14), 9);
}

static void test_many_brackets(void **state)
{
    (void)state;
    char *src = malloc(5001);
    memset(src, '(', 5000);
    src[5000] = '\0';
    Lexer lx;
    lex_init(&lx, src, 5000, 0);
    Token t;
    int n = 0;
    while ((t = lex_next(&lx)).type == TOK_LPAREN)
        n++;
    assert_int_equal(n, 200);
    assert_int_equal(t.type, TOK_ERROR);
    assert_int_equal(t.col, 201);
    assert_string_equal(t.msg, "too many nested parentheses");
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_indent),
        cmocka_unit_test(test_indent_errors),
        cmocka_unit_test(test_joining),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_many_brackets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
