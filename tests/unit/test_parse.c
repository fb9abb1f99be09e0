/* test_parse.c - unit tests of the parser (src/parse*.c) through ast_dump.
 *
 * Expected trees are written by hand from Python 3.11's grammar (the dump
 * format is documented at the top of src/ast.c); error messages and
 * positions are Python's where nnsh reports the same position (Python's
 * SyntaxError msg/lineno/offset), otherwise the column of the offending
 * token.  The last tests feed random and mutated inputs: nothing may crash,
 * leak (run under valgrind or ASan) or take long.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "parse.h"

/* Parses src and compares the dump of the whole module body. */
static void check_flags(const char *src, int flags, const char *want)
{
    Chunk *c = NULL;
    ParseError e;
    ParseStatus st = parse_chunk(src, strlen(src), "<test>", flags, &c, &e);
    if (st != PARSE_OK) {
        print_error("source: %s\n  want: %s\n   got status %d %d:%d: %s\n",
                    src, want, st, e.line, e.col, e.msg);
        fail();
    }
    char *got = ast_dump(c->body);
    if (strcmp(got, want) != 0) {
        print_error("source: %s\n  want: %s\n   got: %s\n", src, want, got);
        free(got);
        chunk_unref(c);
        fail();
    }
    free(got);
    chunk_unref(c);
}

static void check(const char *src, const char *want)
{
    check_flags(src, 0, want);
}

/* One expression statement: compares the dump of the expression only. */
static void check_expr(const char *src, const char *want)
{
    char wrapped[4096];
    snprintf(wrapped, sizeof wrapped, "(block (expr %s))", want);
    check(src, wrapped);
}

static void check_error_flags(const char *src, size_t len, int flags, int line, int col,
                              const char *msg)
{
    Chunk *c = (Chunk *)1;
    ParseError e;
    ParseStatus st = parse_chunk(src, len, "<test>", flags, &c, &e);
    if (st != PARSE_ERROR || e.line != line || e.col != col || strcmp(e.msg, msg) != 0) {
        print_error("source: %s\n  want: ERROR %d:%d: %s\n   got: %d %d:%d: %s\n",
                    src, line, col, msg, st, e.line, e.col, e.msg);
        fail();
    }
    assert_null(c);
}

static void check_error(const char *src, int line, int col, const char *msg)
{
    check_error_flags(src, strlen(src), 0, line, col, msg);
}

static ParseStatus status_of(const char *src, int flags)
{
    Chunk *c = NULL;
    ParseError e;
    ParseStatus st = parse_chunk(src, strlen(src), "<stdin>", flags, &c, &e);
    chunk_unref(c);
    return st;
}

/* ---- expressions -------------------------------------------------------- */

static void test_literals(void **state)
{
    (void)state;
    check_expr("42", "(int 42)");
    check_expr("1.5", "(float 1.5)");
    check_expr("0.1", "(float 0.1)");
    check_expr("1e3", "(float 1000)");
    check_expr("'a\\tb'", "(str \"a\\tb\")");
    check_expr("'a' \"b\" '''c'''", "(str \"abc\")");
    check_expr("r'\\n'", "(str \"\\\\n\")");
    check_expr("b'xy'", "(str \"xy\")");
    check_expr("True", "(true)");
    check_expr("None", "(none)");
    check_expr("...", "(ellipsis)");
    check_expr("x", "(name x)");
    check_expr("caf\xc3\xa9", "(name caf\xc3\xa9)");
    check_expr("'\\u00e9'", "(str \"\xc3\xa9\")");
}

static void test_precedence(void **state)
{
    (void)state;
    /* ** binds tighter than unary minus on its left: -(2**2) */
    check_expr("-2**2", "(unary - (binary ** (int 2) (int 2)))");
    /* ** is right associative and its right side may be unary */
    check_expr("2**3**2", "(binary ** (int 2) (binary ** (int 3) (int 2)))");
    check_expr("2**-1", "(binary ** (int 2) (unary - (int 1)))");
    /* not binds looser than comparisons */
    check_expr("not a == b", "(unary not (compare (name a) == (name b)))");
    /* conditional expressions nest to the right */
    check_expr("a if b else c if d else e",
               "(ifexp (name b) (name a) (ifexp (name d) (name c) (name e)))");
    check_expr("1 < x < 3", "(compare (int 1) < (name x) < (int 3))");
    check_expr("a not in b is not c", "(compare (name a) not in (name b) is not (name c))");
    check_expr("a or b and not c",
               "(or (name a) (and (name b) (unary not (name c))))");
    check_expr("a or b or c", "(or (name a) (name b) (name c))");
    check_expr("1 + 2 * 3 - 4", "(binary - (binary + (int 1) (binary * (int 2) (int 3))) (int 4))");
    check_expr("a | b ^ c & d << e + f",
               "(binary | (name a) (binary ^ (name b) (binary & (name c) "
               "(binary << (name d) (binary + (name e) (name f))))))");
    check_expr("a @ b // c % d / e",
               "(binary / (binary % (binary // (binary @ (name a) (name b)) (name c)) "
               "(name d)) (name e))");
    check_expr("-a * b", "(binary * (unary - (name a)) (name b))");
    check_expr("~-+x", "(unary ~ (unary - (unary + (name x))))");
    check_expr("a < b == c", "(compare (name a) < (name b) == (name c))");
    check_expr("x | y < z", "(compare (binary | (name x) (name y)) < (name z))");
    check_expr("lambda: a if b else c",
               "(lambda (params) (ifexp (name b) (name a) (name c)))");
    check_expr("-x.y ** 2", "(unary - (binary ** (attr (name x) y) (int 2)))");
    check_expr("(1 + 2) * 3", "(binary * (binary + (int 1) (int 2)) (int 3))");
}

static void test_primaries(void **state)
{
    (void)state;
    check_expr("f(a, *b, k=1, **d)",
               "(call (name f) (name a) (* (name b)) (kw k (int 1)) (** (name d)))");
    check_expr("f()", "(call (name f))");
    check_expr("f(a,)", "(call (name f) (name a))");
    check_expr("a.b.c(1)[2]", "(index (call (attr (attr (name a) b) c) (int 1)) (int 2))");
    check_expr("x[a, b:c, ..., None]",
               "(index (name x) (tuple (name a) (slice (name b) (name c) _) (ellipsis) (none)))");
    check_expr("x[::2]", "(index (name x) (slice _ _ (int 2)))");
    check_expr("x[1:]", "(index (name x) (slice (int 1) _ _))");
    check_expr("x[:, 1:3]", "(index (name x) (tuple (slice _ _ _) (slice (int 1) (int 3) _)))");
    check_expr("x[-1]", "(index (name x) (unary - (int 1)))");
    check_expr("x[1,]", "(index (name x) (tuple (int 1)))");
    check_expr("f(x for x in y)",
               "(call (name f) (genexp (name x) (for (name x) (name y))))");
    check_expr("np.random.rand(3, 4)",
               "(call (attr (attr (name np) random) rand) (int 3) (int 4))");
}

static void test_displays(void **state)
{
    (void)state;
    check_expr("[]", "(list)");
    check_expr("[1, 2,]", "(list (int 1) (int 2))");
    check_expr("[*a, b]", "(list (starred (name a)) (name b))");
    check_expr("()", "(tuple)");
    check_expr("(1,)", "(tuple (int 1))");
    check_expr("(1)", "(int 1)");
    check_expr("1, 2", "(tuple (int 1) (int 2))");
    check_expr("{}", "(dict)");
    check_expr("{'a': 1, **d, 'b': 2}",
               "(dict ((str \"a\") (int 1)) (** (name d)) ((str \"b\") (int 2)))");
    check_expr("{1, 2}", "(set (int 1) (int 2))");
    check_expr("[x * 2 for x in xs if x if y for z in w]",
               "(listcomp (binary * (name x) (int 2)) (for (name x) (name xs) "
               "(if (name x)) (if (name y))) (for (name z) (name w)))");
    check_expr("{k: v for k, v in d.items()}",
               "(dictcomp (name k) (name v) (for (tuple (name k) (name v)) "
               "(call (attr (name d) items))))");
    check_expr("{x for x in s}", "(setcomp (name x) (for (name x) (name s)))");
    check_expr("(x for x in s)", "(genexp (name x) (for (name x) (name s)))");
    check_expr("[a if c else b for a in l]",
               "(listcomp (ifexp (name c) (name a) (name b)) (for (name a) (name l)))");
}

static void test_fstrings(void **state)
{
    (void)state;
    check_expr("f'a{x}b'", "(fstring (str \"a\") (fmt (name x)) (str \"b\"))");
    check_expr("f'{x!r:>{w}.2f}'",
               "(fstring (fmt (name x) !r :(fstring (str \">\") (fmt (name w)) (str \".2f\"))))");
    check_expr("f'{{x}}'", "(fstring (str \"{x}\"))");
    check_expr("f'{x=}'", "(fstring (fmt (name x) !r =\"x=\"))");
    check_expr("f'{x = :.1f}'", "(fstring (fmt (name x) :(fstring (str \".1f\")) =\"x = \"))");
    check_expr("f'{a[\"k\"]:3d}\\n'",
               "(fstring (fmt (index (name a) (str \"k\")) :(fstring (str \"3d\"))) (str \"\\n\"))");
    check_expr("'a' f'{b}' 'c'", "(fstring (str \"a\") (fmt (name b)) (str \"c\"))");
    check_expr("f'{x!=y}'", "(fstring (fmt (compare (name x) != (name y))))");
    check_expr("f'{x:=10}'", "(fstring (fmt (name x) :(fstring (str \"=10\"))))");
    check_expr("f'{d[1:2]}'", "(fstring (fmt (index (name d) (slice (int 1) (int 2) _))))");
    check_expr("rf'\\d{x}'", "(fstring (str \"\\\\d\") (fmt (name x)))");
    check_expr("f'{a, b}'", "(fstring (fmt (tuple (name a) (name b))))");
    check_error("f'{}'", 1, 4, "f-string: empty expression not allowed");
    check_error("f'{x'", 1, 5, "f-string: expecting '}'");
    check_error("f'}'", 1, 3, "f-string: single '}' is not allowed");
    check_error("f'{x!z}'", 1, 6,
                "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    check_error("f'{#}'", 1, 4, "f-string expression part cannot include '#'");
    check_error("f'{a:{b:{c}}}'", 1, 10, "f-string: expressions nested too deeply");
    check_error("x = 1\nf'''\n{1 +}'''", 3, 5, "f-string: invalid syntax");
}

/* ---- statements --------------------------------------------------------- */

static void test_assignment(void **state)
{
    (void)state;
    check("a = b = 1\n", "(block (assign (name a) (name b) (int 1)))");
    check("(a, b), c = (1, 2), 3\n",
          "(block (assign (tuple (tuple (name a) (name b)) (name c)) "
          "(tuple (tuple (int 1) (int 2)) (int 3))))");
    check("a, *b = x\n", "(block (assign (tuple (name a) (starred (name b))) (name x)))");
    check("[a, b] = x\n", "(block (assign (list (name a) (name b)) (name x)))");
    check("x.y = z[0] = 1\n",
          "(block (assign (attr (name x) y) (index (name z) (int 0)) (int 1)))");
    check("x = 1, 2\n", "(block (assign (name x) (tuple (int 1) (int 2))))");
    check("x += 1\ny //= 2\nz **= 3\nw @= m\n",
          "(block (augassign += (name x) (int 1)) (augassign //= (name y) (int 2)) "
          "(augassign **= (name z) (int 3)) (augassign @= (name w) (name m)))");
    check("x: int = 5\n", "(block (assign (name x) (int 5)))");
    check("x: int\n", "(block (pass))");
    check("self.w: list = []\n", "(block (assign (attr (name self) w) (list)))");
    check("a = 1; b = 2;\n", "(block (assign (name a) (int 1)) (assign (name b) (int 2)))");
    check_error("1 = x", 1, 1, "cannot assign to literal here. Maybe you meant '==' instead of '='?");
    check_error("f() = 1", 1, 1,
                "cannot assign to function call here. Maybe you meant '==' instead of '='?");
    check_error("a, f() = 1", 1, 4, "cannot assign to function call");
    check_error("None = 1", 1, 1, "cannot assign to None");
    check_error("(a, b) += 1", 1, 1, "'tuple' is an illegal expression for augmented assignment");
    check_error("*a = 1", 1, 1, "starred assignment target must be in a list or tuple");
    check_error("a, *b, *c = 1", 1, 1, "multiple starred expressions in assignment");
    check_error("x = *a", 1, 5, "can't use starred expression here");
    check_error("del f()", 1, 5, "cannot delete function call");
    check_error("a + 1 = 2", 1, 1,
                "cannot assign to expression here. Maybe you meant '==' instead of '='?");
}

static void test_compound(void **state)
{
    (void)state;
    check("if a:\n    b\nelif c:\n    d\nelse:\n    e\n",
          "(block (if (name a) (block (expr (name b))) "
          "(if (name c) (block (expr (name d))) (block (expr (name e))))))");
    check("if x: y\n", "(block (if (name x) (block (expr (name y)))))");
    check("if x: y; z\n", "(block (if (name x) (block (expr (name y)) (expr (name z)))))");
    check("while x:\n  break\nelse:\n  pass\n",
          "(block (while (name x) (block (break)) (block (pass))))");
    check("for i, (a, b) in enumerate(z):\n  continue\n",
          "(block (for (tuple (name i) (tuple (name a) (name b))) "
          "(call (name enumerate) (name z)) (block (continue))))");
    check("for k, v in d.items(): print(k)\nelse: pass\n",
          "(block (for (tuple (name k) (name v)) (call (attr (name d) items)) "
          "(block (expr (call (name print) (name k)))) (block (pass))))");
    check("for x in 1, 2: pass\n",
          "(block (for (name x) (tuple (int 1) (int 2)) (block (pass))))");
    check("with a as b, c as (d, e), f:\n  pass\n",
          "(block (with (item (name a) (name b)) (item (name c) (tuple (name d) (name e))) "
          "(item (name f)) (block (pass))))");
    check("try:\n  a\nexcept E as e:\n  b\nexcept (A, B):\n  c\nexcept:\n  d\n"
          "else:\n  f\nfinally:\n  g\n",
          "(block (try (block (expr (name a))) (except (name E) e (block (expr (name b)))) "
          "(except (tuple (name A) (name B)) _ (block (expr (name c)))) "
          "(except _ _ (block (expr (name d)))) (else (block (expr (name f)))) "
          "(finally (block (expr (name g))))))");
    check("try:\n  a\nfinally:\n  b\n",
          "(block (try (block (expr (name a))) (finally (block (expr (name b))))))");
    check("if a:\n  if b:\n    c\nd\n",
          "(block (if (name a) (block (if (name b) (block (expr (name c)))))) (expr (name d)))");
}

static void test_functions(void **state)
{
    (void)state;
    check("def f(a, b=1, *args, c, d=2, **kw):\n  return a, b\n",
          "(block (def f (params (param a) (param b (int 1)) (varargs args) (kwonly c) "
          "(kwonly d (int 2)) (varkw kw)) (block (return (tuple (name a) (name b))))))");
    check("def g(x: int, *, y: str = 'a') -> int:\n  return\n",
          "(block (def g (params (param x) (varargs) (kwonly y (str \"a\"))) "
          "(block (return))))");
    check("@dec\n@mod.dec(1)\ndef h(): pass\n",
          "(block (def h (params) (decorators (name dec) (call (attr (name mod) dec) (int 1))) "
          "(block (pass))))");
    check("f = lambda x, y=2: x + y\n",
          "(block (assign (name f) (lambda (params (param x) (param y (int 2))) "
          "(binary + (name x) (name y)))))");
    check("lambda *a, **k: 0\n",
          "(block (expr (lambda (params (varargs a) (varkw k)) (int 0))))");
    check("class C(Base, metaclass=M):\n  x = 1\n  def m(self): return self.x\n",
          "(block (class C (bases (name Base)) (block (assign (name x) (int 1)) "
          "(def m (params (param self)) (block (return (attr (name self) x)))))))");
    check("class D: pass\n", "(block (class D (bases) (block (pass))))");
    check("def f():\n  global g\n  nonlocal h, i\n  for x in y:\n    def k(): return\n",
          "(block (def f (params) (block (global g) (nonlocal h i) (for (name x) (name y) "
          "(block (def k (params) (block (return))))))))");
    check_error("def f(a=1, b): pass", 1, 12, "non-default argument follows default argument");
    check_error("def f(*): pass", 1, 7, "named arguments must follow bare *");
    check_error("def f(**k, a): pass", 1, 12, "arguments cannot follow var-keyword argument");
    check_error("def f(a, a): pass", 1, 10, "duplicate argument 'a' in function definition");
    check_error("def f:\n  pass\n", 1, 6, "expected '('");
}

static void test_simple_statements(void **state)
{
    (void)state;
    check("import a.b.c, numpy as np\n",
          "(block (import a.b.c (as numpy np)))");
    check("from a.b import x as y, z\n", "(block (from a.b (as x y) z))");
    check("from m import (x, y,)\n", "(block (from m x y))");
    check("from m import *\n", "(block (from m *))");
    check("from .. import q\n", "(block (from .. q))");
    check("del a, b[0], c.d\n",
          "(block (del (name a) (index (name b) (int 0)) (attr (name c) d)))");
    check("raise ValueError('x') from e\n",
          "(block (raise (call (name ValueError) (str \"x\")) (from (name e))))");
    check("raise\n", "(block (raise))");
    check("assert x > 0, 'msg'\n",
          "(block (assert (compare (name x) > (int 0)) (str \"msg\")))");
    check("pass\n\n\n# end\n", "(block (pass))");
    check("x = 1\r\ny = 2\r\n", "(block (assign (name x) (int 1)) (assign (name y) (int 2)))");
    check("#!/usr/bin/env nnsh\nx\n", "(block (expr (name x)))");
}

static void test_positions(void **state)
{
    (void)state;
    const char *src = "x = 1\nif y:\n    z = a + b\n";
    Chunk *c;
    ParseError e;
    assert_int_equal(parse_chunk(src, strlen(src), "f.nns", 0, &c, &e), PARSE_OK);
    Node *ifs = c->body->u.block.stmts.items[1];
    assert_int_equal(ifs->line, 2);
    assert_int_equal(ifs->col, 1);
    Node *asg = ifs->u.if_.body->u.block.stmts.items[0];
    assert_int_equal(asg->line, 3);
    assert_int_equal(asg->col, 5);
    Node *plus = asg->u.assign.value;
    assert_int_equal(plus->col, 9);
    assert_int_equal(plus->u.binary.right->col, 13);
    size_t len;
    const char *l = chunk_line(c, 3, &len);
    assert_int_equal(len, 13);
    assert_memory_equal(l, "    z = a + b", 13);
    assert_null(chunk_line(c, 4, &len));
    assert_string_equal(c->filename, "f.nns");
    chunk_ref(c);
    chunk_unref(c);
    chunk_unref(c);
}

/* ---- errors ------------------------------------------------------------- */

static void test_syntax_errors(void **state)
{
    (void)state;
    check_error("x = )", 1, 5, "unmatched ')'");
    check_error("if x\n  pass\n", 1, 5, "expected ':'");
    check_error("for i in x:\npass\n", 2, 1,
                "expected an indented block after 'for' statement on line 1");
    check_error("for i in x:\n", 1, 12,
                "expected an indented block after 'for' statement on line 1");
    check_error("def f():\nreturn 1\n", 2, 1,
                "expected an indented block after function definition on line 1");
    check_error("  x = 1\n", 1, 3, "unexpected indent");
    check_error("if x:\n    a\n  b\n", 3, 3,
                "unindent does not match any outer indentation level");
    check_error("x = (1,\n", 1, 5, "'(' was never closed");
    check_error("x = [1, 2\ny = 3\n", 1, 5, "'[' was never closed");
    check_error("x = 'abc\n", 1, 5, "unterminated string literal (detected at line 1)");
    check_error("x = '''abc\n", 1, 5,
                "unterminated triple-quoted string literal (detected at line 1)");
    check_error("x = 1 \\\n", 1, 8, "unexpected EOF while parsing");
    check_error("break\n", 1, 1, "'break' outside loop");
    check_error("continue\n", 1, 1, "'continue' not properly in loop");
    check_error("return 1\n", 1, 1, "'return' outside function");
    check_error("while x:\n  def f():\n    break\n", 3, 5, "'break' outside loop");
    check_error("class C:\n  return\n", 2, 3, "'return' outside function");
    /* a syntax error is reported before an earlier 'break' outside loop */
    check_error("break\nx = )\n", 2, 5, "unmatched ')'");
    check_error("f(a=1, b)", 1, 8, "positional argument follows keyword argument");
    check_error("f(**k, b)", 1, 8, "positional argument follows keyword argument unpacking");
    check_error("f(**k, *b)", 1, 8,
                "iterable argument unpacking follows keyword argument unpacking");
    check_error("f(x=1, x=2)", 1, 8, "keyword argument repeated: x");
    check_error("f(a for a in b, c)", 1, 3, "Generator expression must be parenthesized");
    check_error("f(a b)", 1, 3, "invalid syntax. Perhaps you forgot a comma?");
    check_error("f(1 + 1 = 2)", 1, 3,
                "expression cannot contain assignment, perhaps you meant \"==\"?");
    check_error("x = 1 +\n", 1, 8, "invalid syntax");
    check_error("x = 1 if 2\n", 1, 5, "expected 'else' after 'if' expression");
    check_error("a b\n", 1, 3, "invalid syntax");
    check_error("else:\n", 1, 1, "invalid syntax");
    check_error("a = 1; ; b\n", 1, 8, "invalid syntax");
    check_error("x[1:2:3:4]\n", 1, 8, "invalid syntax");
    check_error("a.1\n", 1, 2, "invalid syntax");
    check_error("a == not b\n", 1, 6, "invalid syntax");
    check_error("try:\n  pass\nx = 1\n", 3, 1, "expected 'except' or 'finally' block");
    check_error("if x:\n  pass\nelif y\n", 3, 7, "expected ':'");
    check_error("x = {1: 2, 3}\n", 1, 12, "':' expected after dictionary key");
    check_error("nonlocal x\n", 1, 1, "nonlocal declaration not allowed at module level");
    check_error("print 'a'\n", 1, 1,
                "Missing parentheses in call to 'print'. Did you mean print(...)?");
    check_error("x = '\\x1'\n", 1, 5, "(unicode error) 'unicodeescape' codec can't decode "
                "bytes in position 0-2: truncated \\xXX escape");
    check_error("if x:\n\tpass\n        pass\n", 3, 1,
                "inconsistent use of tabs and spaces in indentation");
    check_error_flags("x = 1\n\0y\n", 8, 0, 2, 1, "source code cannot contain null bytes");
    check_error("x = 'a' b'b'\n", 1, 5, "cannot mix bytes and nonbytes literals");
    check_error("yield x\n", 1, 1, "'yield' outside function");
    check("def g():\n    yield 1, 2\n    yield from y\n    yield\n",
          "(block (def g (params) (block (expr (yield (tuple (int 1) (int 2)))) "
          "(expr (yield-from (name y))) (expr (yield)))))");
    check_error("x = 1j\n", 1, 5, "complex numbers are not supported in nnsh");
    check("(x := 1)\n", "(block (expr (assign (name x) (int 1))))");
    check_error("x.a := 1\n", 1, 1, "cannot use assignment expressions with attribute");
}

static void test_interactive(void **state)
{
    (void)state;
    const int I = PARSE_INTERACTIVE;
    assert_int_equal(status_of("for i in [1, 2]:", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("for i in [1, 2]:\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("for i in [1,2]:\n    print(i)\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("for i in [1,2]:\n    print(i)\n\n", I), PARSE_OK);
    assert_int_equal(status_of("for i in [1,2]:\n    print(i)\n   \n", I), PARSE_OK);
    assert_int_equal(status_of("x = (1,\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("x = {'a': [1,\n 2", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("x = 1 \\\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("s = '''abc\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("x = )", I), PARSE_ERROR);
    assert_int_equal(status_of("x = 'abc", I), PARSE_ERROR);
    assert_int_equal(status_of("if x:\n  y\nelse:\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("if x: y", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("if x: y\n\n", I), PARSE_OK);
    assert_int_equal(status_of("@dec\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("def f():\n  if x:\n", I), PARSE_INCOMPLETE);
    assert_int_equal(status_of("x = 1", I), PARSE_OK);
    assert_int_equal(status_of("x = 1\n", I), PARSE_OK);
    assert_int_equal(status_of("", I), PARSE_OK);
    assert_int_equal(status_of("f(a b", I), PARSE_ERROR);
    assert_int_equal(status_of("x = 1 +", I), PARSE_ERROR);
    /* without the flag, the end of the text closes blocks */
    assert_int_equal(status_of("for i in [1,2]:\n    print(i)\n", 0), PARSE_OK);
    assert_int_equal(status_of("if x: y", 0), PARSE_OK);
    assert_int_equal(status_of("x = (1,\n", 0), PARSE_ERROR);
    assert_int_equal(status_of("@dec\n", 0), PARSE_ERROR);
    check_flags("for i in [1, 2]:\n    print(i * 10)\n\n", I,
                "(block (for (name i) (list (int 1) (int 2)) "
                "(block (expr (call (name print) (binary * (name i) (int 10)))))))");
}

/* ---- limits and robustness ---------------------------------------------- */

static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * (size_t)n + tl + 1), *p = s;
    memcpy(p, head, hl);
    p += hl;
    for (int i = 0; i < n; i++, p += ul)
        memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    return s;
}

static void test_depth_limits(void **state)
{
    (void)state;
    char *open = repeat("", "(", 5000, "");
    char *s = repeat(open, "1", 1, "");
    char *src = repeat(s, ")", 5000, "\n");
    check_error(src, 1, 201, "too many nested parentheses");
    free(open);
    free(s);
    free(src);
    /* 200 levels are fine */
    open = repeat("x = ", "[", 200, "");
    src = repeat(open, "]", 200, "\n");
    assert_int_equal(status_of(src, 0), PARSE_OK);
    free(open);
    free(src);
    src = repeat("x = ", "-", 100000, "1\n");
    check_error(src, 1, 2005, "too deeply nested");
    free(src);
    src = repeat("x = 1", " + 1", 100000, "\n");
    assert_int_equal(status_of(src, 0), PARSE_ERROR);
    free(src);
    src = repeat("x = 1", " + 1", 1000, "\n");
    assert_int_equal(status_of(src, 0), PARSE_OK);
    free(src);
    src = repeat("x = a", ".b", 100000, "\n");
    assert_int_equal(status_of(src, 0), PARSE_ERROR);
    free(src);
    /* indentation deeper than 200 levels */
    char *deep = malloc(400000), *p = deep;
    for (int i = 0; i < 250; i++) {
        memset(p, ' ', (size_t)i);
        p += i;
        p += sprintf(p, "if x:\n");
    }
    memset(p, ' ', 250);
    p += 250;
    strcpy(p, "pass\n");
    check_error(deep, 202, 202, "too many levels of indentation");
    free(deep);
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *src = calloc(n + 16, 1);
    assert_non_null(src);
    memcpy(src, "x = '", 5);
    for (size_t i = 0; i < n; i++)
        src[5 + i] = 'a';
    memcpy(src + 5 + n, "'\n", 3);
    clock_t t0 = clock();
    Chunk *c;
    ParseError e;
    assert_int_equal(parse_chunk(src, strlen(src), "<t>", 0, &c, &e), PARSE_OK);
    assert_int_equal(c->body->u.block.stmts.items[0]->u.assign.value->u.str.len, n);
    chunk_unref(c);
    /* a 1 MiB list display */
    size_t k = 0;
    k += (size_t)sprintf(src, "x = [");
    while (k < n - 8)
        k += (size_t)sprintf(src + k, "12345, ");
    strcpy(src + k, "1]\n");
    assert_int_equal(parse_chunk(src, strlen(src), "<t>", 0, &c, &e), PARSE_OK);
    chunk_unref(c);
    /* a 1 MiB f-string and a 1 MiB comment */
    memcpy(src, "f'", 2);
    for (k = 2; k < n; k += 4)
        memcpy(src + k, "{x}a", 4);
    strcpy(src + k, "'\n# ");
    assert_int_equal(parse_chunk(src, strlen(src), "<t>", 0, &c, &e), PARSE_OK);
    chunk_unref(c);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    free(src);
}

/* Parses, dumps and frees; only checks that the result is consistent. */
static void parse_any(const char *src, size_t len, int flags)
{
    Chunk *c = (Chunk *)1;
    ParseError e;
    ParseStatus st = parse_chunk(src, len, "<fuzz>", flags, &c, &e);
    if (st == PARSE_OK) {
        char *d = ast_dump(c->body);
        assert_non_null(d);
        free(d);
        chunk_unref(c);
    } else {
        assert_null(c);
        assert_true(e.line >= 1 && e.col >= 1);
        assert_true(strlen(e.msg) > 0);
    }
}

static const char *const corpus[] = {
    "def f(a, b=2, *c, d, **e):\n    return [x**2 for x in range(a) if x % 2]\n",
    ("class A(B):\n    def m(self):\n        with open(f'{self.x!r:>{w}}') as g:\n"
     "            try:\n                pass\n            except E as e:\n"
     "                raise X from e\n"),
    "x = {'a': [1, 2.5e-3, (3,)], **d}\nfor i, (a, b) in enumerate(z): print(i, a[1:2, ::3])\n",
    "while not a and b or c is not None:\n    x += lambda y: y if y else -y ** 2\n",
    ("import numpy as np\nfrom tensorflow.keras import layers as L, models\n"
     "model.fit(x, y, epochs=3, batch_size=32)\n"),
};

static void test_fuzz(void **state)
{
    (void)state;
    static const char alphabet[] = "abc xy019_.,:;()[]{}'\"\\#=+-*/%@<>!&|^~\n\t\r "
                                   "fFrRbB\xc3\xa9\xff";
    unsigned seed = 12345;
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof buf;
        if (iter % 3 == 0) {
            for (size_t i = 0; i < len; i++) {      /* random bytes */
                seed = seed * 1103515245u + 12345u;
                buf[i] = (char)(seed >> 16);
            }
        } else if (iter % 3 == 1) {
            for (size_t i = 0; i < len; i++) {      /* random tokens-ish */
                seed = seed * 1103515245u + 12345u;
                buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
        } else {                                    /* a mutated program */
            const char *base = corpus[(seed >> 16) % (sizeof corpus / sizeof corpus[0])];
            len = strlen(base);
            memcpy(buf, base, len);
            for (int m = 0; m < 4; m++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 16) % len;
                seed = seed * 1103515245u + 12345u;
                int op = (int)((seed >> 16) % 3);
                char ch = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
                if (op == 0)
                    buf[at] = ch;
                else if (op == 1 && len > 1)
                    memmove(buf + at, buf + at + 1, len-- - at - 1);
                else if (len < sizeof buf - 1) {
                    memmove(buf + at + 1, buf + at, len++ - at);
                    buf[at] = ch;
                }
            }
        }
        parse_any(buf, len, iter & 1 ? PARSE_INTERACTIVE : 0);
        for (size_t cut = 0; cut < len && iter % 50 == 0; cut += 7)
            parse_any(buf, cut, PARSE_INTERACTIVE);   /* every prefix too */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_primaries),
        cmocka_unit_test(test_displays),
        cmocka_unit_test(test_fstrings),
        cmocka_unit_test(test_assignment),
        cmocka_unit_test(test_compound),
        cmocka_unit_test(test_functions),
        cmocka_unit_test(test_simple_statements),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_interactive),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
