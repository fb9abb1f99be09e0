/* help.c - help texts: :help NAME, help(x), ?x.
 *
 * Built-ins carry their own help (NativeDef.sig and .doc, NativeClass.doc,
 * module docs); this file formats those, and holds the table of help texts
 * for the statements and keywords of the language and for each ":" shell
 * command.  It reaches values through value.h/interp.h only.
 * Owned with the nnsh program (main/repl/shellcmd); lives in libfront so
 * the help() built-in can use it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "help.h"


typedef struct Topic {
    const char *name;
    const char *text;
} Topic;

static const Topic topics[] = {
    {"if", "if CONDITION:\n    BLOCK\nelif CONDITION:\n    BLOCK\nelse:\n    BLOCK\n\n"
     "Runs the first block whose condition is true (Python truth: 0, 0.0, '', [], {},\n"
     "None and False are false).\n\nExample:\n    if loss < 0.1:\n        print('done')\n"},
    {"elif", "See if."},
    {"else", "The last branch of if, for, while and try.  See if."},
    {"for", "for TARGET in ITERABLE:\n    BLOCK\nelse:\n    BLOCK\n\n"
     "Runs the block once per item; TARGET may destructure (for i, x in enumerate(xs)).\n"
     "break leaves the loop, continue goes to the next item; else runs when no break.\n\n"
     "Example:\n    for epoch in range(3):\n        print(epoch)\n"},
    {"while", "while CONDITION:\n    BLOCK\n\nRepeats the block while the condition is true.  "
     "Ctrl-C interrupts it.\n\nExample:\n    n = 0\n    while n < 3:\n        n += 1\n"},
    {"break", "break\n\nLeaves the innermost for or while loop."},
    {"continue", "continue\n\nGoes on with the next iteration of the innermost loop."},
    {"pass", "pass\n\nDoes nothing: a placeholder where a block needs a statement."},
    {"def", "def NAME(PARAM, PARAM=DEFAULT, *args, KWONLY=DEFAULT, **kwargs):\n    BLOCK\n\n"
     "Defines a function.  Defaults are evaluated once, at definition; return gives\n"
     "the result (None without one).  Functions are closures over enclosing names.\n\n"
     "Example:\n    def scale(x, factor=2):\n        return x * factor\n"},
    {"return", "return [VALUE]\n\nEnds the function and gives VALUE (None when omitted)."},
    {"lambda", "lambda PARAMS: EXPRESSION\n\nA small anonymous function.\n\n"
     "Example:\n    sorted(pairs, key=lambda p: p[1])\n"},
    {"class", "class NAME(BASE):\n    BLOCK\n\nDefines a class; methods take self first, "
     "__init__ initialises instances.\n\nExample:\n    class Counter:\n"
     "        def __init__(self):\n            self.n = 0\n"},
    {"import", "import MODULE [as NAME]\nfrom MODULE import NAME [as ALIAS], ...\n\n"
     "Imports one of nnsh's built-in modules: tensorflow, keras, numpy, math,\n"
     "random, time, sys, os (and their sub-modules).  Other modules are an error.\n\n"
     "Example:\n    import tensorflow as tf\n    from tensorflow.keras import layers\n"},
    {"from", "See import."},
    {"as", "Names the value in import ... as, with ... as and except ... as."},
    {"with", "with EXPRESSION as NAME:\n    BLOCK\n\nRuns the block inside a context, "
     "e.g. a gradient tape.\n\nExample:\n    with tf.GradientTape() as tape:\n"
     "        y = x * x\n    tape.gradient(y, x)\n"},
    {"try", "try:\n    BLOCK\nexcept TYPE as NAME:\n    BLOCK\nelse:\n    BLOCK\nfinally:\n    BLOCK\n\n"
     "Catches errors raised in the first block.  finally always runs.\n\n"
     "Example:\n    try:\n        x = 1 / 0\n    except ZeroDivisionError as e:\n        print(e)\n"},
    {"except", "See try."},
    {"finally", "See try."},
    {"frozenset", "frozenset(iterable=())\n\nAn immutable set: the elements of iterable, each once.  It is\n"
     "hashable (a dict key, a member of another set) and equals a set with the same\n"
     "elements.  Methods: copy, difference, intersection, isdisjoint, issubset,\n"
     "issuperset, symmetric_difference, union; operators | & - ^ < <= > >= give a\n"
     "result of the left operand's type.  set(fs) is a mutable copy.\n\n"
     "Example:\n    fs = frozenset([3, 1, 2])\n    {fs: 'key'}[frozenset({1, 2, 3})]   # 'key'\n"
     "    fs | {4}                            # frozenset({1, 2, 3, 4})\n"},
    {"raise", "raise [EXCEPTION [from CAUSE]]\n\nRaises an error, e.g. raise ValueError('bad shape')."},
    {"assert", "assert CONDITION[, MESSAGE]\n\nRaises AssertionError when the condition is false."},
    {"del", "del TARGET, ...\n\nRemoves a name, a list item or slice, or a dict key."},
    {"global", "global NAME, ...\n\nInside a function: assignments to NAME change the global."},
    {"nonlocal", "nonlocal NAME, ...\n\nInside a nested function: assignments change the enclosing name."},
    {"in", "x in CONTAINER: membership test; also part of for."},
    {"is", "a is b: identity test (x is None)."},
    {"and", "a and b: b when a is true, else a (short-circuit)."},
    {"or", "a or b: a when a is true, else b (short-circuit)."},
    {"not", "not x: True when x is false."},
    {"None", "None: the absence of a value."},
    {"True", "True and False: the two bool values."},
    {"False", "True and False: the two bool values."},
    {"yield", "yield is not supported by nnsh (generators are not part of the language)."},
    /* the shell commands (shellcmd.c) */
    {":help", ":help [NAME]\n\nWithout NAME: the list of commands, statements and modules.\n"
     "With NAME (a statement, a command like :save, or any name such as tf.constant or\n"
     "tf.keras.layers.Dense): its signature with defaults, a paragraph and an example.\n"
     "help(x), ?x and x? do the same.\n\nExample:\n    :help tf.constant\n"},
    {":vars", ":vars\n\nLists the session's variables, one a line: name, type and a short value."},
    {":time", ":time STMT\n\nRuns STMT and prints the CPU and wall time it took, as IPython's %time.\n\n"
     "Example:\n    :time model.fit(x, y, epochs=1)\n"},
    {":load", ":load FILE\n\nRuns the script FILE in this session; its variables stay defined.\n\n"
     "Example:\n    :load examples/demo.nns\n"},
    {":save", ":save FILE.nns\n\nWrites the session's successful inputs as a runnable script\n"
     "(nnsh FILE.nns reproduces the session's output).  The file is replaced atomically.\n\n"
     "Example:\n    :save session.nns\n"},
    {":export", ":export FILE.md\n\nWrites the session as a Markdown notebook: each input in a\n"
     "```python block followed by its output (errors included) in a plain block.\n\n"
     "Example:\n    :export lesson.md\n"},
    {":history", ":history\n\nLists the numbered inputs of this session; ! marks the ones that failed.\n"
     "Earlier sessions are in ~/.nnsh_history (Up arrow, Ctrl-R)."},
    {":reset", ":reset\n\nForgets every variable; imported modules can be imported again."},
    {":seed", ":seed N\n\nSeeds the random generator shared by np.random, tf.random and\n"
     "weight initialisation, so runs repeat.\n\nExample:\n    :seed 42\n"},
    {":limit", ":limit memory [SIZE|none]\n\nShows or sets the session's memory budget for tensors: an\n"
     "operation that would go over it fails with a MemoryError and the session goes on.\n"
     "SIZE takes K, M, G or T suffixes; none removes the budget.\n\n"
     "Example:\n    :limit memory 4G\n"},
    {":threads", ":threads [N]\n\nShows or sets the number of threads used by tensor kernels and "
     "model training (the default is the number of cores). A fit is reproducible for a "
     "seed and a thread count; another thread count sums the products in another order, "
     "so the weights differ in the last bits.\n\n"
     "Example:\n    :threads 2\n"},
    {":tutor", ":tutor [N | next | stop]\n\nA guided lesson inside the REPL, as vimtutor is for vim: six short\n"
     "steps (tensors, operations, gradients, a first model, fitting with the live\n"
     "chart, evaluating).  Each explains one idea and shows the lines to type; the\n"
     "lesson checks the result and moves on.  :tutor N jumps to step N, :tutor next\n"
     "skips a step, :tutor stop leaves.  Progress is kept in ~/.nnsh/tutor, so\n"
     ":tutor resumes where you stopped.\n\nExample:\n    :tutor 1\n"},
    {":quit", ":quit\n\nLeaves nnsh (also :q, :exit, exit() or Ctrl-D)."},
    {":q", "See :quit."},
    {":exit", "See :quit."},
    {NULL, NULL}
};

static const char *topic_text(const char *name)
{
    for (size_t i = 0; topics[i].name; i++)
        if (strcmp(topics[i].name, name) == 0)
            return topics[i].text;
    return NULL;
}

/* Help texts for built-ins whose own NativeDef/NativeClass doc is empty,
 * keyed as help_walk names them: "Class.method", a class name, or a
 * function's qualified name ("tf.nn.relu", "len"). */
static const Topic extra_docs[] = {
    /* initializers (tf.keras.initializers) */
    {"Constant", "Constant(value=0)\n\nAn initializer that fills a weight with `value`.\n\n"
     "Example:\n    Dense(4, bias_initializer=tf.keras.initializers.Constant(0.1))"},
    {"GlorotNormal", "GlorotNormal(seed=None)\n\nXavier normal initializer: a truncated normal with\n"
     "stddev = sqrt(2 / (fan_in + fan_out)).\n\n"
     "Example:\n    Dense(64, kernel_initializer=tf.keras.initializers.GlorotNormal())"},
    {"GlorotUniform", "GlorotUniform(seed=None)\n\nXavier uniform initializer (the default for Dense and\n"
     "Conv2D kernels): uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).\n\n"
     "Example:\n    Dense(64, kernel_initializer='glorot_uniform')"},
    {"HeNormal", "HeNormal(seed=None)\n\nHe normal initializer, suited to ReLU layers: a truncated\n"
     "normal with stddev = sqrt(2 / fan_in).\n\nExample:\n    Dense(64, activation='relu', kernel_initializer='he_normal')"},
    {"HeUniform", "HeUniform(seed=None)\n\nHe uniform initializer: uniform in [-limit, limit],\n"
     "limit = sqrt(6 / fan_in).\n\nExample:\n    Dense(64, activation='relu', kernel_initializer='he_uniform')"},
    {"LecunNormal", "LecunNormal(seed=None)\n\nLeCun normal initializer: a truncated normal with\n"
     "stddev = sqrt(1 / fan_in).\n\nExample:\n    Dense(64, kernel_initializer='lecun_normal')"},
    {"LecunUniform", "LecunUniform(seed=None)\n\nLeCun uniform initializer: uniform in [-limit, limit],\n"
     "limit = sqrt(3 / fan_in).\n\nExample:\n    Dense(64, kernel_initializer='lecun_uniform')"},
    {"Ones", "Ones()\n\nAn initializer that fills a weight with ones.\n\n"
     "Example:\n    Dense(4, kernel_initializer='ones')"},
    {"Zeros", "Zeros()\n\nAn initializer that fills a weight with zeros (the default for biases).\n\n"
     "Example:\n    Dense(4, bias_initializer='zeros')"},
    {"RandomNormal", "RandomNormal(mean=0.0, stddev=0.05, seed=None)\n\nAn initializer drawing from a normal\n"
     "distribution.\n\nExample:\n    Dense(4, kernel_initializer=tf.keras.initializers.RandomNormal(stddev=0.01))"},
    {"RandomUniform", "RandomUniform(minval=-0.05, maxval=0.05, seed=None)\n\nAn initializer drawing uniformly\n"
     "from [minval, maxval).\n\nExample:\n    Dense(4, kernel_initializer=tf.keras.initializers.RandomUniform(-0.1, 0.1))"},
    {"TruncatedNormal", "TruncatedNormal(mean=0.0, stddev=0.05, seed=None)\n\nA normal distribution whose\n"
     "draws beyond two standard deviations are drawn again.\n\n"
     "Example:\n    Dense(4, kernel_initializer=tf.keras.initializers.TruncatedNormal(stddev=0.02))"},
    /* losses (tf.keras.losses) and metrics (tf.keras.metrics) */
    {"BinaryCrossentropy", "BinaryCrossentropy(from_logits=False, label_smoothing=0.0)\n\n"
     "The loss for two classes: -mean(y log p + (1 - y) log(1 - p)), with labels 0/1 and p\n"
     "the predicted probability of class 1 (a sigmoid output; from_logits=True when the\n"
     "model outputs raw scores).  Called as loss(y_true, y_pred) it returns a scalar.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss=tf.keras.losses.BinaryCrossentropy())"},
    {"CategoricalCrossentropy", "CategoricalCrossentropy(from_logits=False, label_smoothing=0.0)\n\n"
     "The loss for one of k classes with one-hot labels: -mean(sum(y * log p)) over a\n"
     "softmax output.  Use SparseCategoricalCrossentropy when labels are class numbers.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss=tf.keras.losses.CategoricalCrossentropy())"},
    {"SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy(from_logits=False)\n\n"
     "Categorical cross-entropy with integer labels (0..k-1) instead of one-hot vectors.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])"},
    {"Hinge", "Hinge()\n\nThe hinge loss mean(max(0, 1 - y * y_pred)) for labels -1/+1 (0/1 labels are\n"
     "turned into -1/+1), as a support vector machine uses.\n\n"
     "Example:\n    tf.keras.losses.Hinge()([0., 1.], [0.2, 0.7])"},
    {"SquaredHinge", "SquaredHinge()\n\nmean(max(0, 1 - y * y_pred) ** 2) for labels -1/+1.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss='squared_hinge')"},
    {"Huber", "Huber(delta=1.0)\n\nSquared error for small errors (|e| <= delta), absolute error\n"
     "beyond: a regression loss that outliers pull less.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss=tf.keras.losses.Huber(delta=0.5))"},
    {"MeanSquaredError", "MeanSquaredError()\n\nAs a loss: mean((y_true - y_pred) ** 2), the usual\n"
     "regression loss ('mse').  As a metric (tf.keras.metrics.MeanSquaredError) the\n"
     "same value averaged over the batches of an epoch.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss=tf.keras.losses.MeanSquaredError())"},
    {"MeanAbsoluteError", "MeanAbsoluteError()\n\nAs a loss: mean(|y_true - y_pred|) ('mae').  As a metric\n"
     "(tf.keras.metrics.MeanAbsoluteError) the same value averaged over an epoch.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss='mse', metrics=['mae'])"},
    {"Mean", "Mean(name='mean', dtype=None)\n\nA metric that keeps the running (weighted) mean of the\n"
     "values given to update_state; result() reads it, reset_state() starts again.\n\n"
     "Example:\n    m = tf.keras.metrics.Mean()\n    m.update_state([1.0, 3.0])\n    m.result()"},
    {"Accuracy", "Accuracy()\n\nThe fraction of predictions equal to the labels.  metrics=['accuracy']\n"
     "picks the right kind of accuracy from the loss, as Keras does.\n\n"
     "Example:\n    model.compile(optimizer='adam', loss='mse', metrics=[tf.keras.metrics.Accuracy()])"},
    {"BinaryAccuracy", "BinaryAccuracy(threshold=0.5)\n\nThe fraction of predictions on the right side of\n"
     "`threshold` (labels 0/1).\n\nExample:\n    metrics=[tf.keras.metrics.BinaryAccuracy()]"},
    {"CategoricalAccuracy", "CategoricalAccuracy()\n\nThe fraction of samples whose argmax matches the\n"
     "one-hot label's.\n\nExample:\n    metrics=[tf.keras.metrics.CategoricalAccuracy()]"},
    {"SparseCategoricalAccuracy", "SparseCategoricalAccuracy()\n\nThe fraction of samples whose argmax equals\n"
     "the integer label.\n\nExample:\n    metrics=[tf.keras.metrics.SparseCategoricalAccuracy()]"},
    {"TopKCategoricalAccuracy", "TopKCategoricalAccuracy(k=5)\n\nThe fraction of samples whose one-hot label is\n"
     "among the k highest predictions.\n\nExample:\n    metrics=[tf.keras.metrics.TopKCategoricalAccuracy(k=3)]"},
    {"SparseTopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy(k=5)\n\nThe fraction of samples whose integer\n"
     "label is among the k highest predictions.\n\n"
     "Example:\n    metrics=[tf.keras.metrics.SparseTopKCategoricalAccuracy(k=3)]"},
    /* optimizers (tf.keras.optimizers) */
    {"SGD", "SGD(learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,\n"
     "    clipnorm=None, clipvalue=None)\n\nGradient descent: w -= learning_rate * gradient, on the\n"
     "batch of each step (so batch_size picks batch, mini-batch or stochastic descent).\n"
     "momentum > 0 keeps a running velocity that smooths the steps.\n\n"
     "Example:\n    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), loss='mse')"},
    {"Adam", "Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,\n"
     "    weight_decay=None, clipnorm=None, clipvalue=None)\n\nAdaptive moments: each weight's step\n"
     "is scaled by running averages of its gradient and squared gradient.  A good\n"
     "default ('adam').\n\nExample:\n    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss='mse')"},
    {"AdamW", "AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,\n"
     "    epsilon=1e-07, amsgrad=False)\n\nAdam with decoupled weight decay: the weights shrink by\n"
     "learning_rate * weight_decay each step, a regularizer.\n\n"
     "Example:\n    model.compile(optimizer=tf.keras.optimizers.AdamW(weight_decay=0.01), loss='mse')"},
    {"RMSprop", "RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False)\n\n"
     "Divides each step by a running root mean square of recent gradients.\n\n"
     "Example:\n    model.compile(optimizer='rmsprop', loss='mse')"},
    {"Adagrad", "Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07)\n\n"
     "Scales each weight's step by the root of its summed squared gradients: rarely\n"
     "updated weights take larger steps.\n\nExample:\n    model.compile(optimizer='adagrad', loss='mse')"},
    /* regularizers (tf.keras.regularizers) */
    {"L1", "L1(l1=0.01)\n\nAdds l1 * sum(|w|) to the loss: pushes weights to exactly zero.\n\n"
     "Example:\n    Dense(64, kernel_regularizer=tf.keras.regularizers.l1(0.001))"},
    {"L2", "L2(l2=0.01)\n\nAdds l2 * sum(w ** 2) to the loss (weight decay): keeps weights small,\n"
     "a remedy for overfitting.\n\n"
     "Example:\n    Dense(64, kernel_regularizer=tf.keras.regularizers.l2(0.001))"},
    {"L1L2", "L1L2(l1=0.0, l2=0.0)\n\nBoth penalties: l1 * sum(|w|) + l2 * sum(w ** 2).\n\n"
     "Example:\n    Dense(64, kernel_regularizer=tf.keras.regularizers.l1_l2(l1=1e-5, l2=1e-4))"},
    {NULL, NULL}
};

const char *help_extra_doc(const char *key)
{
    for (size_t i = 0; extra_docs[i].name; i++)
        if (strcmp(extra_docs[i].name, key) == 0)
            return extra_docs[i].text;
    return NULL;
}

/* The supplement for a def whose doc is empty: looked up by "Class.name"
 * when the class is known, else by any key ending in ".name" or equal to
 * name whose text starts with the same signature. */
static const char *extra_for_def(const NativeDef *def, const char *cls_name)
{
    char key[256];
    if (!def->name)
        return NULL;
    if (cls_name) {
        snprintf(key, sizeof key, "%s.%s", cls_name, def->name);
        return help_extra_doc(key);
    }
    size_t n = strlen(def->name);
    for (size_t i = 0; extra_docs[i].name; i++) {
        const char *k = extra_docs[i].name;
        size_t kl = strlen(k);
        if (kl >= n && strcmp(k + kl - n, def->name) == 0 && (kl == n || k[kl - n - 1] == '.'))
            return extra_docs[i].text;
    }
    return NULL;
}

/* ---- values ---- */

static void help_native_fn(const NativeDef *def, const char *cls_name, StrBuf *sb)
{
    if (cls_name)
        sb_printf(sb, "%s.", cls_name);
    if (def->sig)
        sb_puts(sb, def->sig);
    else
        sb_printf(sb, "%s(...)", def->name ? def->name : "?");
    const char *doc = def->doc && *def->doc ? def->doc : extra_for_def(def, cls_name);
    if (doc && *doc)
        sb_printf(sb, "\n\n%s", doc);
    sb_putc(sb, '\n');
}

static void help_native_class(const NativeClass *cls, StrBuf *sb)
{
    sb_printf(sb, "class %s\n", cls->name);
    const char *doc = cls->doc && *cls->doc ? cls->doc : help_extra_doc(cls->name);
    if (doc && *doc)
        sb_printf(sb, "\n%s\n", doc);
    if (cls->methods && cls->methods[0].name) {
        sb_puts(sb, "\nMethods:\n");
        for (const NativeDef *m = cls->methods; m->name; m++)
            sb_printf(sb, "  %s\n", m->sig ? m->sig : m->name);
    }
    if (cls->attrs && cls->attrs[0]) {
        sb_puts(sb, "\nAttributes:\n ");
        for (const char *const *a = cls->attrs; *a; a++)
            sb_printf(sb, " %s", *a);
        sb_putc(sb, '\n');
    }
}

/* The names of dir(v) in columns (public names only). */
static bool list_members(Interp *I, Value v, const char *title, StrBuf *sb)
{
    Value names;
    if (!value_dir(I, v, &names))
        return false;
    size_t col = 0;
    if (val_is_obj(names, OBJ_LIST) && as_list(names)->len)
        sb_printf(sb, "\n%s:\n", title);
    for (size_t i = 0; val_is_obj(names, OBJ_LIST) && i < as_list(names)->len; i++) {
        Value s = as_list(names)->items[i];
        if (!val_is_obj(s, OBJ_STR) || str_cstr(s)[0] == '_')
            continue;
        size_t len = as_str(s)->len;
        if (col > 0 && col + len + 2 > 78) {
            sb_putc(sb, '\n');
            col = 0;
        }
        sb_printf(sb, "  %s", str_cstr(s));
        col += len + 2;
    }
    if (col)
        sb_putc(sb, '\n');
    value_decref(names);
    return true;
}

static bool help_module(Interp *I, Value v, StrBuf *sb)
{
    StrBuf r;
    sb_init(&r);
    bool ok = value_repr(I, v, &r);
    sb_printf(sb, "%s\n", ok && r.data ? r.data : "module");
    sb_free(&r);
    const char *doc = module_doc(v);
    if (doc && *doc)
        sb_printf(sb, "\n%s\n", doc);
    return list_members(I, v, "Members", sb);
}

bool help_value(Interp *I, Value v, StrBuf *sb)
{
    const NativeDef *def = native_def(v);
    if (def) {
        help_native_fn(def, NULL, sb);
        return true;
    }
    if (val_is_obj(v, OBJ_NATIVE_OBJ)) {
        help_native_class(((ObjNativeObj *)v.as.o)->cls, sb);
        return true;
    }
    const NativeClass *cls = type_native_class(v);
    if (cls) {
        help_native_class(cls, sb);
        return true;
    }
    if (val_is_obj(v, OBJ_MODULE))
        return help_module(I, v, sb);
    StrBuf r;
    sb_init(&r);
    if (!value_repr(I, v, &r)) {
        sb_free(&r);
        return false;
    }
    sb_printf(sb, "%s\n", r.data ? r.data : "");
    sb_free(&r);
    if (val_is_obj(v, OBJ_FUNC) || val_is_obj(v, OBJ_BOUND))
        return true;
    sb_printf(sb, "\nAn object of type %s.\n", value_type_name(v));
    return list_members(I, v, "Attributes and methods", sb);
}

/* ---- names ---- */

/* The value of a single name: a global, a built-in, or a module (also by
 * its usual alias: tf, np). */
static bool lookup_first(Interp *I, const char *name, Value *out)
{
    bool found = false;
    if (!interp_get_global(I, name, out, &found))
        return false;
    if (found)
        return true;
    if (interp_get_builtin(I, name, out, &found) && found)
        return true;
    interp_clear_error(I);
    const char *module = strcmp(name, "tf") == 0 ? "tensorflow" :
                         strcmp(name, "np") == 0 ? "numpy" : name;
    if (interp_import(I, module, out))
        return true;
    interp_clear_error(I);
    return interp_error(I, ERR_NAME, "name '%s' is not defined", name);
}

/* The value of a dotted name ("tf.keras.layers.Dense"). */
static bool lookup_dotted(Interp *I, const char *dotted, Value *out)
{
    char buf[256];
    if (strlen(dotted) >= sizeof buf)
        return interp_error(I, ERR_NAME, "name too long");
    strcpy(buf, dotted);
    char *part = buf, *dot = strchr(part, '.');
    if (dot)
        *dot = '\0';
    Value v;
    if (!lookup_first(I, part, &v))
        return false;
    while (dot) {
        part = dot + 1;
        dot = strchr(part, '.');
        if (dot)
            *dot = '\0';
        Value next;
        bool ok = value_getattr(I, v, part, &next);
        value_decref(v);
        if (!ok)
            return false;
        v = next;
    }
    *out = v;
    return true;
}

static bool is_dotted_name(const char *s)
{
    if (!*s || *s == '.' || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || (unsigned char)c >= 0x80))
            return false;
    }
    return true;
}

static bool help_method(Interp *I, const char *name, StrBuf *sb);

bool help_topic(Interp *I, const char *name, StrBuf *sb)
{
    const char *text = topic_text(name);
    if (text) {
        sb_puts(sb, text);
        if (text[strlen(text) - 1] != '\n')
            sb_putc(sb, '\n');
        return true;
    }
    if (name[0] == ':')
        return interp_error(I, ERR_NAME, "no shell command '%s'", name);
    if (!is_dotted_name(name))
        return interp_error(I, ERR_NAME, "no help for '%s'", name);
    Value v;
    if (!lookup_dotted(I, name, &v)) {
        ErrKind k = interp_error_kind(I);
        if (k != ERR_NAME && k != ERR_ATTRIBUTE)
            return false;
        char *msg = strdup(interp_error_message(I));
        interp_clear_error(I);
        bool found = help_method(I, name, sb);
        interp_clear_error(I);
        if (!found)
            interp_error(I, k, "%s", msg ? msg : "no help");
        free(msg);
        return found;
    }
    bool ok = help_value(I, v, sb);
    value_decref(v);
    return ok;
}

/* ---- the registry walk ---- */

typedef struct Seen {
    const void **items;
    size_t n, cap;
} Seen;

typedef struct Walk {
    Interp *I;
    HelpVisitFn fn;
    void *ud;
    Seen mods, classes, defs;
    bool oom;
} Walk;

/* True when p was not seen before (and is now). */
static bool seen_add(Walk *w, Seen *s, const void *p)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i] == p)
            return false;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        const void **bigger = realloc(s->items, cap * sizeof *bigger);
        if (!bigger) {
            w->oom = true;
            return false;
        }
        s->items = bigger;
        s->cap = cap;
    }
    s->items[s->n++] = p;
    return true;
}

static void walk_class(Walk *w, const NativeClass *cls)
{
    if (!seen_add(w, &w->classes, cls))
        return;
    w->fn(w->ud, HELP_CLASS, cls->name, NULL, cls);
    char q[256];
    for (const NativeDef *m = cls->methods; m && m->name; m++) {
        snprintf(q, sizeof q, "%s.%s", cls->name, m->name);
        w->fn(w->ud, HELP_METHOD, q, m, cls);
    }
}

static void walk_module(Walk *w, Value m, const char *qual, int depth);

static void walk_value(Walk *w, Value v, const char *qual, int depth)
{
    const NativeDef *def = native_def(v);
    const NativeClass *cls = type_native_class(v);
    if (def) {
        if (seen_add(w, &w->defs, def))
            w->fn(w->ud, HELP_FUNCTION, qual, def, NULL);
    } else if (cls) {
        walk_class(w, cls);
    } else if (val_is_obj(v, OBJ_NATIVE_OBJ)) {
        walk_class(w, ((ObjNativeObj *)v.as.o)->cls);
    } else if (val_is_obj(v, OBJ_MODULE) && depth < 8 && seen_add(w, &w->mods, v.as.o)) {
        walk_module(w, v, qual, depth + 1);
    }
}

static void walk_module(Walk *w, Value m, const char *qual, int depth)
{
    Value names;
    if (!value_dir(w->I, m, &names)) {
        interp_clear_error(w->I);
        return;
    }
    char q[256];
    /* the module's own members first, then its sub-modules: tf.constant is
     * named so, not tf.compat.v1.constant */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < as_list(names)->len && !w->oom; i++) {
            Value s = as_list(names)->items[i], a;
            if (!val_is_obj(s, OBJ_STR) || str_cstr(s)[0] == '_')
                continue;
            if (!value_getattr(w->I, m, str_cstr(s), &a)) {
                interp_clear_error(w->I);
                continue;
            }
            if (val_is_obj(a, OBJ_MODULE) == (pass == 1)) {
                snprintf(q, sizeof q, "%s.%s", qual, str_cstr(s));
                walk_value(w, a, q, depth);
            }
            value_decref(a);
        }
    }
    value_decref(names);
}

/* The session's variables and the built-ins: an instance a user made
 * (scaler = StandardScaler()) brings its class's methods into the walk. */
static void walk_builtins(Walk *w)
{
    Value names;
    if (!interp_visible_names(w->I, &names)) {
        interp_clear_error(w->I);
        return;
    }
    for (size_t i = 0; i < as_list(names)->len && !w->oom; i++) {
        Value s = as_list(names)->items[i], v;
        bool found = false;
        if (!val_is_obj(s, OBJ_STR) || str_cstr(s)[0] == '_')
            continue;
        if ((interp_get_global(w->I, str_cstr(s), &v, &found) && found) ||
            (interp_get_builtin(w->I, str_cstr(s), &v, &found) && found)) {
            walk_value(w, v, str_cstr(s), 0);
            value_decref(v);
        }
        interp_clear_error(w->I);
    }
    value_decref(names);
}

static const char *const all_roots[] = {
    "tensorflow", "numpy", "keras", "sklearn", "math", "random", "time", "sys", "os",
    "functools", "collections", "string", "json", "itertools", NULL
};

bool help_walk(Interp *I, const char *const *roots, HelpVisitFn fn, void *ud)
{
    Walk w = { .I = I, .fn = fn, .ud = ud };
    walk_builtins(&w);
    for (const char *const *r = roots ? roots : all_roots; *r && !w.oom; r++) {
        Value m;
        if (!interp_import(I, *r, &m)) {
            interp_clear_error(I);
            continue;
        }
        const char *q = strcmp(*r, "tensorflow") == 0 ? "tf" : strcmp(*r, "numpy") == 0 ? "np" : *r;
        walk_value(&w, m, q, 0);
        value_decref(m);
    }
    free(w.mods.items);
    free(w.classes.items);
    free(w.defs.items);
    return !w.oom;
}

/* ---- :help METHOD: a method name alone ("fit"), "Class.method", or a
 * class known by its name alone ("Adam") ---- */

typedef struct MethodSearch {
    const char *cls;      /* the class part, or NULL */
    const char *name;     /* the method name */
    const NativeDef *found[8];
    const char *found_cls[8][4];   /* the classes sharing each method */
    int ncls[8];
    int n;
    const NativeClass *klass;   /* a class of that name ("Adam"), or NULL */
} MethodSearch;

static void method_visit(void *ud, HelpItemKind kind, const char *qualname,
                         const NativeDef *def, const NativeClass *cls)
{
    MethodSearch *m = ud;
    (void)qualname;
    if (kind == HELP_CLASS && !m->cls && !m->klass && strcmp(cls->name, m->name) == 0)
        m->klass = cls;
    if (kind != HELP_METHOD || m->n == 8 || strcmp(def->name, m->name) != 0 ||
        (m->cls && strcmp(cls->name, m->cls) != 0))
        return;
    for (int i = 0; i < m->n; i++)      /* one entry per distinct method */
        if (m->found[i]->fn == def->fn) {
            if (m->ncls[i] < 4)
                m->found_cls[i][m->ncls[i]++] = cls->name;
            return;
        }
    m->found[m->n] = def;
    m->found_cls[m->n][0] = cls->name;
    m->ncls[m->n++] = 1;
}

/* The class a shared method is shown under: Sequential (what lessons use)
 * when it is one of them, else the first found. */
static int shown_class(const MethodSearch *m, int i)
{
    for (int j = 0; j < m->ncls[i]; j++)
        if (strcmp(m->found_cls[i][j], "Sequential") == 0)
            return j;
    return 0;
}

/* The help of every native method called `name` (or Class.method).  False
 * (nothing written) when there is none. */
static bool help_method(Interp *I, const char *name, StrBuf *sb)
{
    char buf[256];
    if (strlen(name) >= sizeof buf)
        return false;
    strcpy(buf, name);
    MethodSearch m = { .name = buf };
    char *dot = strrchr(buf, '.');
    if (dot) {
        if (strchr(buf, '.') != dot)
            return false;               /* a.b.c: not Class.method */
        *dot = '\0';
        m.cls = buf;
        m.name = dot + 1;
    }
    if (!help_walk(I, NULL, method_visit, &m) || (m.n == 0 && !m.klass))
        return false;
    if (m.klass) {
        help_native_class(m.klass, sb);
        return true;
    }
    for (int i = 0; i < m.n; i++) {
        if (i)
            sb_putc(sb, '\n');
        int shown = shown_class(&m, i);
        help_native_fn(m.found[i], m.found_cls[i][shown], sb);
        for (int j = 0, first = 1; j < m.ncls[i]; j++)
            if (j != shown) {
                sb_printf(sb, "%s%s.%s", first ? "(also " : ", ", m.found_cls[i][j], m.name);
                first = 0;
            }
        if (m.ncls[i] > 1)
            sb_puts(sb, ")\n");
    }
    return true;
}
