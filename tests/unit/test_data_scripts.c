/* test_data_scripts.c - the data part's script tests: each
 * tests/data_scripts/NAME.nns runs in a fresh interpreter (in a private
 * temp directory that is also $HOME) and its output must equal NAME.out,
 * which Python 3 with numpy and sklearn printed for the same code
 * (gen-expected.sh).  The interpreter gets the data part through
 * data_install/data_install_numpy (idempotent, so this holds whether or
 * not interp_new already calls them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include "interp.h"
#include "modules.h"

typedef struct {
    char *buf;
    size_t len, cap;
} Capture;

static void capture(void *ud, const char *s, size_t n)
{
    Capture *c = ud;
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->buf = realloc(c->buf, c->cap);
        assert_non_null(c->buf);
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->buf[c->len] = 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    b[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return b;
}

static void run_script(const char *name)
{
    char dir[] = "/tmp/nnsh-datascript-XXXXXX", src[2200], want[2200], cwd[1000], cmd[128];
    const char *top = getenv("top_srcdir");
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(src, sizeof src, "%.999s/%.999s/tests/data_scripts/%.60s.nns", top && *top == '/' ? "" : cwd,
             top ? top : ".", name);
    snprintf(want, sizeof want, "%.999s/%.999s/tests/data_scripts/%.60s.out", top && *top == '/' ? "" : cwd,
             top ? top : ".", name);
    assert_non_null(mkdtemp(dir));
    setenv("HOME", dir, 1);
    unsetenv("NNSH_DATA");
    assert_int_equal(chdir(dir), 0);
    size_t n, wn;
    char *code = slurp(src, &n), *exp = slurp(want, &wn);
    Interp *I = interp_new();
    Value np;
    Capture out = {0};
    assert_non_null(I);
    assert_true(data_install(I));
    assert_true(interp_import(I, "numpy", &np));
    assert_true(data_install_numpy(I, np));
    value_decref(np);
    interp_set_output(I, capture, &out);
    RunStatus st = interp_run(I, code, n, src, 0);
    if (st != RUN_OK)
        fail_msg("%s: %s", name, interp_error_text(I));
    if (!out.buf || strcmp(out.buf, exp) != 0)
        fail_msg("%s: output differs.\n--- got\n%s\n--- want\n%s", name, out.buf ? out.buf : "",
                 exp);
    interp_free(I);
    free(out.buf);
    free(code);
    free(exp);
    assert_int_equal(chdir(cwd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_npy(void **state) { (void)state; run_script("data_npy"); }
static void test_csv(void **state) { (void)state; run_script("data_csv"); }
static void test_sklearn(void **state) { (void)state; run_script("data_sklearn"); }
static void test_teaching(void **state) { (void)state; run_script("data_teaching"); }
/* data_tfdata.out is written by hand from TensorFlow 2.12's documented
 * behaviour (TensorFlow is not in Debian): every value is a row of
 * arange(10).reshape(5, 2) or its label. */
static void test_tfdata(void **state) { (void)state; run_script("data_tfdata"); }
/* kfold and grid_search: properties of the scores and the table (the
 * scores themselves depend on training). */
static void test_cv(void **state) { (void)state; run_script("data_cv"); }

static void test_keras(void **state)
{
    (void)state;
    if (access("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", R_OK) != 0)
        skip();
    run_script("data_keras");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy), cmocka_unit_test(test_csv), cmocka_unit_test(test_sklearn),
        cmocka_unit_test(test_teaching), cmocka_unit_test(test_tfdata), cmocka_unit_test(test_cv),
        cmocka_unit_test(test_keras),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
