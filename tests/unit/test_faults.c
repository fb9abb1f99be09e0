/* test_faults.c - allocation-failure injection over the interpreter and the
 * runtime (SQLite's and Lua's practice).  For each scenario the n-th
 * allocation of its body is made to fail, for n = 1, 2, ... until the body
 * runs through without reaching the armed allocation.  Every iteration must
 * either complete or fail with a memory error (MemoryError in the language,
 * NN_ENOMEM in lib); afterwards the variables set up before the body are
 * unchanged, the session still runs code, and when the session is freed no
 * block allocated through the wrappers is left (fault_alloc.h).
 *
 * Language scenarios are here; lib scenarios (each layer's forward and
 * backward, each optimizer step, the loaders, model save) are in
 * test_faults_lib.c.  NNSH_FAULT_ONLY=name runs one scenario;
 * NNSH_FAULT_VERBOSE=1 prints the injection points per scenario.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "interp.h"
#include "nn.h"
#include "fault_alloc.h"
#include "faults.h"

long faults_total_points;
int faults_total_scenarios;

static void discard(void *ud, const char *s, size_t n)
{
    (void)ud; (void)s; (void)n;
}

typedef struct {
    const char *name;
    const char *setup;    /* run once, without failures: the "earlier" state */
    const char *body;     /* run under injection, repeatedly: must be re-runnable */
    const char *check;    /* run after every iteration: asserts setup's state */
} Scenario;

static const char CHECK_BASE[] =
    "assert keep_list == [1, 2, 3] and keep_dict == {'a': 1}\n"
    "assert keep_str == 'hello' and keep_f(3) == 9\n"
    "zz = [i * i for i in range(10)]\n"
    "assert zz[9] == 81 and str(zz[2]) == '4'\n";

static const char SETUP_BASE[] =
    "keep_list = [1, 2, 3]\n"
    "keep_dict = {'a': 1}\n"
    "keep_str = 'hel' + 'lo'\n"
    "def keep_f(x):\n"
    "    return x * x\n";

bool faults_wanted(const char *name)
{
    const char *only = getenv("NNSH_FAULT_ONLY");
    return !only || strcmp(only, name) == 0;
}

void faults_report(const char *name, long points)
{
    faults_total_points += points;
    faults_total_scenarios++;
    if (getenv("NNSH_FAULT_VERBOSE"))
        fprintf(stderr, "fault scenario %-24s %6ld injection points\n", name, points);
}

static void run_ok(Interp *I, const char *src, const char *what)
{
    RunStatus st = interp_run(I, src, strlen(src), "fault.nns", 0);
    if (st != RUN_OK)
        fail_msg("%s: %s", what, interp_error_text(I));
}

/* One language scenario: returns the number of injection points. */
static long run_scenario(const Scenario *s)
{
    long live0 = fault_live();
    Interp *I = interp_new();
    assert_non_null(I);
    interp_set_output(I, discard, NULL);
    nn_ctx_set_threads(interp_nn(I), 1);
    run_ok(I, SETUP_BASE, "base setup");
    if (s->setup)
        run_ok(I, s->setup, "setup");
    long n;
    for (n = 1;; n++) {
        fault_arm(n);
        RunStatus st = interp_run(I, s->body, strlen(s->body), "fault.nns", 0);
        bool fired = fault_fired();
        fault_arm(0);
        if (st == RUN_ERROR) {
            const char *err = interp_error_text(I);
            if (!fired || !strstr(err, "MemoryError"))
                fail_msg("%s: allocation %ld: not a memory error: %s", s->name, n, err);
        } else if (st != RUN_OK) {
            fail_msg("%s: allocation %ld: run status %d", s->name, n, (int)st);
        }
        run_ok(I, CHECK_BASE, s->name);
        if (s->check)
            run_ok(I, s->check, s->name);
        if (!fired)
            break;
    }
    interp_free(I);
    long leaked = fault_live() - live0;
    if (leaked != 0)
        fail_msg("%s: %ld blocks leaked", s->name, leaked);
    return n;
}

static const Scenario SCENARIOS[] = {
    { "assign", NULL,
      "a1 = 12345678901\nb1, (c1, d1) = 'xy', [3.5, None]\ne1 = a1 * 2 + len(b1)\n",
      NULL },
    { "augassign", "acc = 0\n",
      "t2 = [1]\nt2 += [2, 3]\ns2 = 'a'\ns2 *= 40\nd2 = {}\nd2['k'] = s2\n",
      "assert acc == 0\n" },
    { "if_elif_else", NULL,
      "v3 = 7\nif v3 < 3:\n    r3 = 'low'\nelif v3 < 10:\n    r3 = 'mid' + str(v3)\nelse:\n    r3 = 'hi'\n",
      NULL },
    { "for_while", NULL,
      "out4 = []\nfor i4 in range(20):\n    if i4 % 3 == 0:\n        continue\n    out4.append(i4 * 1.5)\n"
      "k4 = 0\nwhile k4 < 10:\n    k4 += 1\n    if k4 == 8:\n        break\n",
      NULL },
    { "def_call_kwargs", NULL,
      "def f5(a, b=2, *args, c=3, **kw):\n    return [a, b, args, c, sorted(kw)]\n"
      "r5 = f5(1, 2, 3, 4, c=5, z=6, y=7)\ng5 = lambda x: x + 1\nq5 = g5(41)\n",
      NULL },
    { "closure_nonlocal", NULL,
      "def mk6():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\n"
      "c6 = mk6()\nc6()\nv6 = c6()\n",
      NULL },
    { "class", NULL,
      "class P7:\n    def __init__(self, x):\n        self.x = x\n    def __repr__(self):\n"
      "        return f'P7({self.x})'\n    @property\n    def double(self):\n        return self.x * 2\n"
      "p7 = P7(4)\nr7 = repr(p7) + str(p7.double)\n",
      NULL },
    { "try_except_finally", NULL,
      "log8 = []\ntry:\n    log8.append(1)\n    raise ValueError('bad ' + str(8))\n"
      "except ValueError as e:\n    log8.append(str(e))\nfinally:\n    log8.append('done')\n"
      "try:\n    {}['missing']\nexcept KeyError:\n    log8.append('k')\n",
      NULL },
    { "with_assert_del", NULL,
      "class Cm9:\n    def __enter__(self):\n        return 'in'\n    def __exit__(self, *a):\n        return False\n"
      "with Cm9() as w9:\n    x9 = w9 * 3\nassert x9 == 'ininin', 'with'\ny9 = [1, 2]\ndel y9[0]\ndel y9\n",
      NULL },
    { "import", NULL,
      "import math\nimport collections as co10\nfrom math import sqrt as sq10\nr10 = sq10(16) + math.pi\n"
      "c10 = co10.Counter('abracadabra')\n",
      NULL },
    { "comprehensions", NULL,
      "l11 = [x * y for x in range(6) for y in range(x) if (x + y) % 2]\n"
      "d11 = {str(k): k ** 2 for k in range(12)}\ns11 = {k % 5 for k in range(30)}\n"
      "g11 = sum(x for x in range(100))\n",
      NULL },
    { "strings_format", NULL,
      "name12 = 'nnsh'\nf12 = f'{name12!r:>10} {3.14159:.2f} {42:05d} {[1, 2]}'\n"
      "p12 = '%s=%d %.3e' % ('x', 7, 12345.678)\nq12 = '{0}-{1:^9}'.format('a', 'b')\n"
      "j12 = ','.join(w.upper() for w in 'a b c d'.split())\nr12 = name12.replace('n', 'N')[1:3]\n",
      NULL },
    { "containers_methods", NULL,
      "l13 = list(range(30))\nl13.insert(0, -1)\nl13.sort(reverse=True)\nl13.extend((1, 2))\n"
      "d13 = dict(a=1, b=2)\nd13.update({'c': 3})\nk13 = list(d13.items())\nt13 = tuple(l13[::3])\n"
      "z13 = list(zip(l13, t13))\ne13 = list(enumerate('abc'))\nm13 = max(l13) + min(t13)\n",
      NULL },
    { "recursion_error", NULL,
      "def deep14(n):\n    return deep14(n + 1)\ntry:\n    deep14(0)\nexcept RecursionError:\n    r14 = 'caught'\n",
      NULL },
    { "global_errors", "count15 = 0\n",
      "def bump15():\n    global count15\n    count15 = count15 + 0\n    return 1 / 1\nbump15()\n"
      "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    m15 = str(e)\n",
      "assert count15 == 0\n" },
    { "tensor_create", "import numpy as np\nimport tensorflow as tf\nkeep_t = np.arange(6.0).reshape(2, 3)\n",
      "a16 = tf.constant([[1.0, 2.0], [3.0, 4.0]])\nb16 = np.zeros((3, 4), dtype='float32')\n"
      "c16 = np.array([[1, 2], [3, 4]], dtype=np.int64)\nd16 = np.linspace(0, 1, 11)\n",
      "assert float(keep_t.sum()) == 15.0 and keep_t.shape == (2, 3)\n" },
    { "tensor_elementwise", "import numpy as np\nkeep_t = np.arange(6.0).reshape(2, 3)\n",
      "e17 = keep_t * 2.0 + np.ones(3)\nf17 = np.exp(-keep_t) / (1 + keep_t)\ng17 = np.maximum(keep_t, 2)\n"
      "h17 = (keep_t > 1) & (keep_t < 5)\n",
      "assert float(keep_t.sum()) == 15.0\n" },
    { "tensor_matmul_reduce", "import numpy as np\nimport tensorflow as tf\nkeep_t = np.arange(6.0).reshape(2, 3)\n",
      "m18 = keep_t @ keep_t.T\nn18 = tf.matmul(tf.ones((4, 5)), tf.ones((5, 3)))\n"
      "s18 = np.sum(keep_t, axis=0)\nr18 = tf.reduce_mean(n18, axis=1)\nx18 = np.argmax(keep_t, axis=1)\n",
      "assert float(keep_t.sum()) == 15.0\n" },
    { "tensor_index_shape", "import numpy as np\nkeep_t = np.arange(6.0).reshape(2, 3)\n",
      "i19 = keep_t[1, ::-1]\nj19 = keep_t[:, 1:]\nk19 = keep_t.reshape(3, 2).T\nl19 = np.concatenate([keep_t, keep_t])\n"
      "m19 = keep_t[keep_t > 2]\nn19 = np.stack([keep_t, keep_t], axis=0).shape\n",
      "assert float(keep_t.sum()) == 15.0 and keep_t.shape == (2, 3)\n" },
    { "tensor_softmax", "import tensorflow as tf\nkeep_t = tf.constant([[1.0, 2.0, 3.0]])\n",
      "p20 = tf.nn.softmax(keep_t)\nq20 = tf.nn.relu(keep_t - 2)\nr20 = tf.math.log(p20)\n",
      "assert float(tf.reduce_sum(keep_t)) == 6.0\n" },
};

static const char SCRIPT50[] =
    "import math\n"
    "import numpy as np\n"
    "data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]\n"
    "def mean(xs):\n"
    "    return sum(xs) / len(xs)\n"
    "def stdev(xs):\n"
    "    m = mean(xs)\n"
    "    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))\n"
    "class Stats:\n"
    "    def __init__(self, xs):\n"
    "        self.xs = list(xs)\n"
    "        self.n = len(xs)\n"
    "    def summary(self):\n"
    "        return {'n': self.n, 'mean': mean(self.xs), 'sd': stdev(self.xs)}\n"
    "st = Stats(data)\n"
    "summ = st.summary()\n"
    "lines = []\n"
    "for k, v in summ.items():\n"
    "    lines.append(f'{k:>5}: {v:8.3f}')\n"
    "text = '\\n'.join(lines)\n"
    "hist = {}\n"
    "for x in data:\n"
    "    hist[x] = hist.get(x, 0) + 1\n"
    "top = sorted(hist.items(), key=lambda kv: (-kv[1], kv[0]))[:3]\n"
    "fib = [0, 1]\n"
    "while len(fib) < 30:\n"
    "    fib.append(fib[-1] + fib[-2])\n"
    "evens = [f for f in fib if f % 2 == 0]\n"
    "try:\n"
    "    bad = data[100]\n"
    "except IndexError as e:\n"
    "    msg = 'index: ' + str(e)\n"
    "finally:\n"
    "    cleaned = True\n"
    "w = 0.0\n"
    "for step in range(20):\n"
    "    grad = 2 * (w - 3)\n"
    "    w -= 0.1 * grad\n"
    "arr = np.array(data, dtype='float32')\n"
    "norm = (arr - arr.mean()) / arr.std()\n"
    "mat = np.outer(norm[:4], norm[:4])\n"
    "tot = float(mat.sum())\n"
    "words = 'the quick brown fox jumps over the lazy dog'.split()\n"
    "caps = ' '.join(w.capitalize() for w in words)\n"
    "counts = {w: words.count(w) for w in set(words)}\n"
    "pairs = list(zip(words, range(len(words))))\n"
    "nested = [[i * j for j in range(5)] for i in range(5)]\n"
    "flat = [x for row in nested for x in row]\n"
    "assert len(flat) == 25 and summ['n'] == 11\n"
    "report = '%d words, w=%.4f, %s' % (len(words), w, caps[:9])\n";

static void test_language(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SCENARIOS / sizeof *SCENARIOS; i++) {
        if (!faults_wanted(SCENARIOS[i].name))
            continue;
        faults_report(SCENARIOS[i].name, run_scenario(&SCENARIOS[i]));
    }
}

static void test_script50(void **state)
{
    (void)state;
    static const Scenario s = { "script50", NULL, SCRIPT50, NULL };
    int lines = 0;
    for (const char *p = SCRIPT50; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 50);
    if (faults_wanted(s.name))
        faults_report(s.name, run_scenario(&s));
}

/* interp_new itself under injection: NULL or a working session. */
static void test_interp_new(void **state)
{
    (void)state;
    if (!faults_wanted("interp_new"))
        return;
    long live0 = fault_live(), n;
    for (n = 1;; n++) {
        fault_arm(n);
        Interp *I = interp_new();
        bool fired = fault_fired();
        fault_arm(0);
        if (I) {
            interp_set_output(I, discard, NULL);
            run_ok(I, "x = [1, 2]\nassert x[1] == 2\n", "interp_new");
            interp_free(I);
        }
        assert_int_equal(fault_live(), live0);
        if (!fired)
            break;
    }
    faults_report("interp_new", n);
}

static void test_summary(void **state)
{
    (void)state;
    printf("fault injection: %d scenarios, %ld injection points\n",
           faults_total_scenarios, faults_total_points);
}

/* The tests run on a thread with a 256 MiB stack, as nnsh's session does
 * (main.c): recursion meets the interpreter's limit, not the C stack, also
 * in the sanitizer build whose frames are larger. */
static void *run_all(void *rc)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interp_new),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_script50),
        FAULTS_LIB_TESTS,
        cmocka_unit_test(test_summary),
    };
    *(int *)rc = cmocka_run_group_tests(tests, NULL, NULL);
    return NULL;
}

int main(void)
{
    int rc = 1;
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, (size_t)256 << 20) != 0 ||
        pthread_create(&th, &attr, run_all, &rc) != 0)
        run_all(&rc);
    else
        pthread_join(th, NULL);
    return rc;
}
