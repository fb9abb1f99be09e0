/* tutor.c - :tutor, the guided lesson inside the REPL (see tutor.h).
 *
 * The lesson is a table of steps.  Starting step N runs the `setup` code of
 * steps 1..N silently (imports, and what earlier steps would have defined
 * when it is missing, so `:tutor 4` works in a fresh session), then prints its text and the lines
 * to type.  After each input, `check` (an expression) is evaluated in the
 * session; true moves on.  Progress ("step N") lives in ~/.nnsh/tutor.
 * Part of the nnsh program, beside repl.c and shellcmd.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tutor.h"

typedef struct Step {
    const char *title;
    const char *text;     /* the idea, a few lines */
    const char *type;     /* the lines to type, one per line */
    const char *setup;    /* run silently when the step starts (may be NULL) */
    const char *check;    /* an expression: true when the step is done */
} Step;

struct Tutor {
    int step;             /* 0-based index of the current step */
    bool active;
};

static const Step steps[] = {
    {"tensors",
     "A tensor is an array of numbers with a shape and a dtype: a scalar has\n"
     "shape (), a vector (3,), a matrix (2, 2).  tf.constant makes one from a\n"
     "Python list (tf and np are imported for you).",
     "a = tf.constant([[1, 2], [3, 4]])\n"
     "a.shape\n",
     "import tensorflow as tf\nimport numpy as np\n",
     "tuple(a.shape) == (2, 2) and tuple(_) == (2, 2)"},
    {"operations",
     "Operations take tensors and give new ones.  + and * work element by\n"
     "element; tf.matmul (or @) is the matrix product that every dense layer\n"
     "computes: each output is a weighted sum of the inputs.",
     "a * 10\n"
     "b = tf.matmul(a, a)\n",
     "try:\n    a\nexcept NameError:\n    a = tf.constant([[1, 2], [3, 4]])\n",
     "b.numpy().tolist() == [[7, 10], [15, 22]]"},
    {"gradients",
     "Training needs the slope of the loss with respect to each weight.  A\n"
     "tf.Variable is a tensor that can change; a GradientTape records what is\n"
     "computed from it, and tape.gradient gives d y / d x.  For y = x * x at\n"
     "x = 3 the slope is 2 * 3 = 6.  (After the `with` line, press Enter on\n"
     "the empty `...` line to end the block.)",
     "x = tf.Variable(3.0)\n"
     "with tf.GradientTape() as tape: y = x * x\n"
     "g = tape.gradient(y, x)\n",
     NULL,
     "float(g) == 6.0"},
    {"a first model",
     "A Sequential model is a stack of layers.  Dense(8, activation='relu')\n"
     "computes relu(x @ W + b) with 8 units; the last Dense(1) outputs one\n"
     "number.  compile chooses how to learn: the optimizer (adam) and the\n"
     "loss to make small (mse, the mean squared error).",
     "model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation='relu'), tf.keras.layers.Dense(1)])\n"
     "model.compile(optimizer='adam', loss='mse')\n",
     NULL,
     "isinstance(model, tf.keras.Sequential) and model.optimizer is not None"},
    {"fitting with the live chart",
     "x_train holds 200 points on [-1, 1] and y_train = 2 * x_train + 1 (made\n"
     "for you).  fit shows them to the model `epochs` times, nudging the\n"
     "weights after every batch of 32.  In a terminal a live chart draws the\n"
     "loss as it falls; press q to stop early, l for a log scale.",
     "history = model.fit(x_train, y_train, epochs=30)\n",
     "try:\n    model.optimizer\nexcept NameError:\n"
     "    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation='relu'), tf.keras.layers.Dense(1)])\n"
     "    model.compile(optimizer='adam', loss='mse')\n"
     "x_train = np.linspace(-1, 1, 200).reshape(-1, 1)\n"
     "y_train = 2 * x_train + 1\n",
     "len(history.history['loss']) >= 1"},
    {"evaluating",
     "evaluate gives the loss on data (use data the model has not seen to\n"
     "judge it honestly); predict gives the model's outputs.  plot(history)\n"
     "draws the loss per epoch.  For x = 0.5 the truth is 2 * 0.5 + 1 = 2.",
     "loss = model.evaluate(x_train, y_train)\n"
     "model.predict(np.array([[0.5]]))\n",
     "try:\n    history\nexcept NameError:\n    history = model.fit(x_train, y_train, epochs=30, verbose=0)\n",
     "isinstance(loss, float) and tuple(_.shape) == (1, 1)"},
};

#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

int tutor_steps(void)
{
    return NSTEPS;
}

/* ---- progress file ---- */

/* ~/.nnsh/tutor into buf; false without HOME. */
static bool progress_path(char *buf, size_t size, bool make_dir)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return false;
    if (make_dir) {
        snprintf(buf, size, "%s/.nnsh", home);
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return false;
    }
    return (size_t)snprintf(buf, size, "%s/.nnsh/tutor", home) < size;
}

/* The saved step (0-based; NSTEPS when finished), 0 when none. */
static int progress_load(void)
{
    char path[4096];
    int n = 0;
    if (!progress_path(path, sizeof path, false))
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "step %d", &n) != 1 || n < 1 || n > NSTEPS + 1)
        n = 1;
    fclose(f);
    return n - 1;
}

static void progress_save(int step)
{
    char path[4096];
    if (!progress_path(path, sizeof path, true))
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "step %d\n", step + 1);
    fclose(f);
}

/* ---- running code in the session ---- */

static void say(Repl *R, const char *s)
{
    repl_print(R, s);
}

/* Runs code silently (its errors are dropped: setup is best effort). */
static void run_silent(Repl *R, const char *src)
{
    if (!src)
        return;
    RunStatus st = interp_run(R->I, src, strlen(src), "<tutor>", 0);
    if (st == RUN_ERROR)
        interp_clear_error(R->I);
}

/* The truth of a step's check expression; any error counts as false. */
static bool check_passes(Repl *R, const char *expr)
{
    static const char var[] = "__tutor_ok__";
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s = bool(%s)\n", var, expr);
    bool ok = false;
    if (!sb.oom && interp_run(R->I, sb.data, sb.len, "<tutor>", 0) == RUN_OK) {
        Value v, key;
        bool found = false;
        if (interp_get_global(R->I, var, &v, &found) && found) {
            ok = v.kind == VAL_BOOL && v.as.b;
            value_decref(v);
        }
        if (str_from_cstr(R->I, var, &key)) {
            dict_del(R->I, interp_globals(R->I), key, &found);
            value_decref(key);
        }
    }
    interp_clear_error(R->I);
    sb_free(&sb);
    return ok;
}

/* ---- the lesson ---- */

static void show_step(Repl *R, int i)
{
    const Step *s = &steps[i];
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "\n-- tutor step %d of %d: %s ", i + 1, NSTEPS, s->title);
    for (size_t n = strlen(s->title); n < 48; n++)
        sb_putc(&sb, '-');
    sb_printf(&sb, "\n%s\n\nType:\n", s->text);
    for (const char *p = s->type; *p;) {
        size_t n = strcspn(p, "\n");
        sb_printf(&sb, "    %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    sb_puts(&sb, "(:tutor next skips this step, :tutor stop leaves the lesson)\n\n");
    if (sb.data)
        say(R, sb.data);
    sb_free(&sb);
}

static void start_step(Repl *R, int i)
{
    R->tutor->step = i;
    R->tutor->active = true;
    progress_save(i);
    for (int k = 0; k <= i; k++)         /* what steps 1..i would have made */
        run_silent(R, steps[k].setup);
    show_step(R, i);
}

static void finish(Repl *R)
{
    R->tutor->active = false;
    R->tutor->step = NSTEPS;
    progress_save(NSTEPS);
    say(R, "\n-- tutor: done ----------------------------------------------------\n"
        "You made tensors, computed a gradient, built, trained and evaluated a\n"
        "model.  Next: run examples/tutorial.nns (the whole lesson path), look\n"
        "anything up with :help NAME, and :save or :export this session.\n"
        ":tutor 1 starts the lesson again.\n\n");
}

static void advance(Repl *R)
{
    say(R, "Correct!\n");
    if (R->tutor->step + 1 >= NSTEPS)
        finish(R);
    else
        start_step(R, R->tutor->step + 1);
}

void tutor_after_input(Repl *R, bool ok)
{
    Tutor *t = R->tutor;
    if (!t || !t->active)
        return;
    if (check_passes(R, steps[t->step].check)) {
        advance(R);
        return;
    }
    if (!ok) {
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "(tutor: not quite; type the lines of step %d, or :tutor %d to see them again)\n",
                  t->step + 1, t->step + 1);
        if (sb.data)
            say(R, sb.data);
        sb_free(&sb);
    }
}

static bool parse_step(const char *arg, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno || end == arg || *end || n < 1 || n > NSTEPS)
        return false;
    *out = (int)n - 1;
    return true;
}

bool tutor_command(Repl *R, const char *arg)
{
    if (!R->tutor) {
        R->tutor = calloc(1, sizeof *R->tutor);
        if (!R->tutor) {
            fputs("error: out of memory\n", stderr);
            return false;
        }
    }
    Tutor *t = R->tutor;
    int n;
    if (strcmp(arg, "stop") == 0) {
        t->active = false;
        say(R, "Tutor stopped; :tutor resumes where you left off.\n");
    } else if (strcmp(arg, "next") == 0) {
        if (t->active && t->step + 1 < NSTEPS)
            start_step(R, t->step + 1);
        else if (t->active)
            finish(R);
        else
            start_step(R, progress_load() % NSTEPS);
    } else if (!*arg) {
        int saved = progress_load();
        if (saved >= NSTEPS) {
            say(R, "You finished the tutor before; starting again from step 1.\n");
            saved = 0;
        } else if (saved == 0) {
            say(R, "Welcome to the nnsh tutor: six short steps from a tensor to a trained\n"
                "model.  Type the lines shown at the prompt; the lesson moves on when\n"
                "they have run.  :tutor N jumps to step N.\n");
        }
        start_step(R, saved);
    } else if (parse_step(arg, &n)) {
        start_step(R, n);
    } else {
        fflush(stdout);
        fprintf(stderr, "usage: :tutor [N | next | stop]  (N from 1 to %d)\n", NSTEPS);
        return false;
    }
    return true;
}

void tutor_free(Repl *R)
{
    free(R->tutor);
    R->tutor = NULL;
}
