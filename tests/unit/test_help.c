/* test_help.c - help for every name: every native function, class and
 * method reachable from the built-ins and nnsh's modules (tf, tf.keras, np,
 * sklearn, the plot built-ins, the Python modules), walked recursively, and
 * every method of the classes whose instances only constructors make, has
 * a signature and a help text (its own doc or help.c's supplement); and the
 * help of the names a lesson looks up says what it must (Dense's units,
 * activation and use_bias with their defaults; fit's epochs and batch_size). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "help.h"

static int setup(void **state)
{
    Interp *I = interp_new();
    *state = I;
    return I ? 0 : -1;
}

static int teardown(void **state)
{
    interp_free(*state);
    return 0;
}

typedef struct Coverage {
    int functions, classes, methods, missing;
    bool seen_constant, seen_fit, seen_zeros, seen_plot, seen_dense;
} Coverage;

static bool empty(const char *s)
{
    return !s || !*s;
}

static void visit(void *ud, HelpItemKind kind, const char *qualname,
                  const NativeDef *def, const NativeClass *cls)
{
    Coverage *c = ud;
    const char *doc = kind == HELP_CLASS ? cls->doc : def->doc;
    bool no_doc = empty(doc) && empty(help_extra_doc(qualname));
    bool no_sig = kind != HELP_CLASS && empty(def->sig);
    if (kind == HELP_FUNCTION)
        c->functions++;
    else if (kind == HELP_CLASS)
        c->classes++;
    else
        c->methods++;
    if (no_doc || no_sig) {
        c->missing++;
        printf("missing %s%s%s: %s\n", no_sig ? "sig" : "", no_sig && no_doc ? " and " : "",
               no_doc ? "doc" : "", qualname);
    }
    c->seen_constant |= strcmp(qualname, "tf.constant") == 0;
    c->seen_fit |= strcmp(qualname, "Sequential.fit") == 0;
    c->seen_zeros |= strcmp(qualname, "np.zeros") == 0;
    c->seen_plot |= strcmp(qualname, "plot") == 0;
    c->seen_dense |= kind == HELP_CLASS && strcmp(qualname, "Dense") == 0;
}

/* Instances of the classes that only constructor functions make (no type
 * value to reach them by): the walk reads their methods from the variables. */
static const char instances[] =
    "import tensorflow as tf\n"
    "import numpy as np\n"
    "from sklearn.preprocessing import StandardScaler, MinMaxScaler\n"
    "tensor = tf.constant([1.0, 2.0])\n"
    "shape = tensor.shape\n"
    "array = np.zeros(2)\n"
    "rng = np.random.default_rng(0)\n"
    "state = np.random.RandomState(0)\n"
    "finfo = np.finfo(np.float32)\n"
    "iinfo = np.iinfo(np.int32)\n"
    "scaler = StandardScaler()\n"
    "minmax = MinMaxScaler()\n"
    "dataset = tf.data.Dataset.from_tensor_slices(np.zeros((4, 2)))\n"
    "inputs = tf.keras.Input(shape=(2,))\n"
    "functional = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(inputs))\n"
    "sequential = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])\n"
    "sequential.compile(optimizer='sgd', loss='mse')\n"
    "history = sequential.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)\n";

static void test_every_builtin_has_help(void **state)
{
    Coverage c = {0};
    Interp *I = *state;
    if (interp_run(I, instances, strlen(instances), "<instances>", 0) != RUN_OK) {
        print_error("%s", interp_error_text(I));
        fail();
    }
    assert_true(help_walk(I, NULL, visit, &c));
    printf("# %d functions, %d classes, %d methods; %d without help\n",
           c.functions, c.classes, c.methods, c.missing);
    /* the walk reaches the corners it must */
    printf("# reached: tf.constant %d, Sequential.fit %d, np.zeros %d, plot %d, Dense %d\n", c.seen_constant, c.seen_fit, c.seen_zeros, c.seen_plot, c.seen_dense);
    assert_true(c.seen_constant && c.seen_fit && c.seen_zeros && c.seen_plot && c.seen_dense);
    assert_true(c.functions > 200);
    assert_int_equal(c.missing, 0);
}

static char *help_of(Interp *I, const char *name)
{
    StrBuf sb;
    sb_init(&sb);
    if (!help_topic(I, name, &sb)) {
        print_error("help_topic(%s): %s\n", name, interp_error_message(I));
        fail();
    }
    assert_non_null(sb.data);
    return sb.data;
}

static void assert_mentions(const char *text, const char *const *words)
{
    for (; *words; words++)
        if (!strstr(text, *words)) {
            print_error("help text lacks '%s':\n%s\n", *words, text);
            fail();
        }
}

static void test_dense(void **state)
{
    static const char *const words[] = {"units", "activation=None", "use_bias=True", NULL};
    char *t = help_of(*state, "tf.keras.layers.Dense");
    assert_mentions(t, words);
    free(t);
}

static void test_fit_by_method_name(void **state)
{
    static const char *const words[] = {"Sequential.fit", "epochs", "batch_size", NULL};
    char *t = help_of(*state, "fit");
    assert_mentions(t, words);
    free(t);
    t = help_of(*state, "Sequential.fit");
    assert_mentions(t, words);
    free(t);
}

static void test_statements_and_commands(void **state)
{
    static const char *const names[] = {"for", "def", "with", ":save", ":export", ":tutor", NULL};
    for (const char *const *n = names; *n; n++) {
        char *t = help_of(*state, *n);
        assert_true(strlen(t) > 20);
        free(t);
    }
}

static void test_unknown_name_is_an_error(void **state)
{
    StrBuf sb;
    sb_init(&sb);
    assert_false(help_topic(*state, "no_such_name_anywhere", &sb));
    assert_int_equal(interp_error_kind(*state), ERR_NAME);
    interp_clear_error(*state);
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_builtin_has_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_by_method_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_and_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_name_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
