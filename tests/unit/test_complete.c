/* test_complete.c - the completion context of a line (complete.c), checked
 * on hand-written lines with the expected word start, kind and chain, and
 * the keyword names read from signature strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "repl.h"
#include "shellcmd.h"

/* complete.c lists command names through shellcmd.c; the table is not
 * under test here. */
const char *shellcmd_name(size_t i)
{
    static const char *const names[] = {"help", "save", NULL};
    return i < 2 ? names[i] : NULL;
}

static CompleteContext ctx(const char *line)
{
    CompleteContext cc;
    complete_context(line, (int)strlen(line), &cc);
    return cc;
}

static void test_attribute_chain(void **state)
{
    (void)state;
    CompleteContext cc = ctx("tf.const");
    assert_int_equal(cc.kind, COMPLETE_ATTR);
    assert_string_equal(cc.chain, "tf");
    assert_int_equal(cc.start, 0);
    cc = ctx("x = tf.keras.layers.De");
    assert_int_equal(cc.kind, COMPLETE_ATTR);
    assert_string_equal(cc.chain, "tf.keras.layers");
    assert_int_equal(cc.start, 4);
    cc = ctx("y = math.sq");
    assert_string_equal(cc.chain, "math");
    assert_int_equal(cc.start, 4);
}

static void test_plain_name(void **state)
{
    (void)state;
    CompleteContext cc = ctx("pri");
    assert_int_equal(cc.kind, COMPLETE_NAME);
    assert_int_equal(cc.start, 0);
    assert_false(cc.kwarg_ok);
    cc = ctx("x = y + le");
    assert_int_equal(cc.kind, COMPLETE_NAME);
    assert_int_equal(cc.start, 8);
    assert_false(cc.kwarg_ok);
    cc = ctx("");
    assert_int_equal(cc.kind, COMPLETE_NAME);
    assert_int_equal(cc.start, 0);
}

static void test_keyword_argument(void **state)
{
    (void)state;
    CompleteContext cc = ctx("tf.constant(x, dt");
    assert_int_equal(cc.kind, COMPLETE_NAME);
    assert_true(cc.kwarg_ok);
    assert_string_equal(cc.callee, "tf.constant");
    assert_int_equal(cc.start, 15);
    /* the innermost open call is f's: g(b) is closed */
    cc = ctx("f(a, g(b), c");
    assert_true(cc.kwarg_ok);
    assert_string_equal(cc.callee, "f");
    cc = ctx("print(x");
    assert_true(cc.kwarg_ok);
    assert_string_equal(cc.callee, "print");
    /* an argument that is part of an expression is not a keyword position */
    cc = ctx("f(a + b");
    assert_false(cc.kwarg_ok);
    /* the callee is a call's result: nothing to look up */
    cc = ctx("f()(x");
    assert_false(cc.kwarg_ok);
}

static void test_strings_and_comments(void **state)
{
    (void)state;
    CompleteContext cc = ctx("open('data/fi");
    assert_int_equal(cc.kind, COMPLETE_FILE);
    assert_int_equal(cc.start, 6);
    cc = ctx("s = \"it's a\" + x.lo");        /* the quote inside is closed */
    assert_int_equal(cc.kind, COMPLETE_ATTR);
    assert_string_equal(cc.chain, "x");
    cc = ctx("s = 'a\\'b");                   /* an escaped quote stays inside */
    assert_int_equal(cc.kind, COMPLETE_FILE);
    assert_int_equal(cc.start, 5);
    cc = ctx("x = 1  # a com");
    assert_int_equal(cc.kind, COMPLETE_NONE);
}

static void test_not_completed(void **state)
{
    (void)state;
    assert_int_equal(ctx("f(x)[0].sh").kind, COMPLETE_NONE);
    assert_int_equal(ctx("x = 1.5").kind, COMPLETE_NONE);
    assert_int_equal(ctx("f(x).sh").kind, COMPLETE_NONE);
}

static void test_shell_commands(void **state)
{
    (void)state;
    CompleteContext cc = ctx(":sa");
    assert_int_equal(cc.kind, COMPLETE_COMMAND);
    assert_int_equal(cc.start, 1);
    cc = ctx("  :");
    assert_int_equal(cc.kind, COMPLETE_COMMAND);
    assert_int_equal(cc.start, 3);
    cc = ctx(":load examples/de");
    assert_int_equal(cc.kind, COMPLETE_FILE);
    assert_int_equal(cc.start, 6);
    cc = ctx(":help tf.co");
    assert_int_equal(cc.kind, COMPLETE_ATTR);
    assert_string_equal(cc.chain, "tf");
    assert_int_equal(cc.start, 6);
}

static void assert_list(char **got, const char *const *want)
{
    assert_non_null(got);
    size_t i = 0;
    for (; want[i]; i++) {
        assert_non_null(got[i]);
        assert_string_equal(got[i], want[i]);
    }
    assert_null(got[i]);
    complete_free_list(got);
}

static void test_signature_kwargs(void **state)
{
    (void)state;
    const char *sig = "constant(value, dtype=None, shape=None, name='Const')";
    assert_list(complete_sig_kwargs(sig, ""),
                (const char *const[]){"value=", "dtype=", "shape=", "name=", NULL});
    assert_list(complete_sig_kwargs(sig, "dt"), (const char *const[]){"dtype=", NULL});
    assert_list(complete_sig_kwargs(sig, "x"), (const char *const[]){NULL});
    /* positional-only before '/', *args and **kwargs are not keywords;
     * commas inside defaults do not split parameters */
    assert_list(complete_sig_kwargs("f(a, /, b, *args, c=(1, 2), d=',', **kw)", ""),
                (const char *const[]){"b=", "c=", "d=", NULL});
    assert_list(complete_sig_kwargs("g()", ""), (const char *const[]){NULL});
    assert_list(complete_sig_kwargs(NULL, ""), (const char *const[]){NULL});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attribute_chain),
        cmocka_unit_test(test_plain_name),
        cmocka_unit_test(test_keyword_argument),
        cmocka_unit_test(test_strings_and_comments),
        cmocka_unit_test(test_not_completed),
        cmocka_unit_test(test_shell_commands),
        cmocka_unit_test(test_signature_kwargs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
