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
    {":threads", ":threads [N]\n\nShows or sets the number of threads used by tensor kernels.\n\n"
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

/* ---- values ---- */

static void help_native_fn(const NativeDef *def, StrBuf *sb)
{
    if (def->sig)
        sb_puts(sb, def->sig);
    else
        sb_printf(sb, "%s(...)", def->name ? def->name : "?");
    if (def->doc && *def->doc)
        sb_printf(sb, "\n\n%s", def->doc);
    sb_putc(sb, '\n');
}

static void help_native_class(const NativeClass *cls, StrBuf *sb)
{
    sb_printf(sb, "class %s\n", cls->name);
    if (cls->doc && *cls->doc)
        sb_printf(sb, "\n%s\n", cls->doc);
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
        help_native_fn(def, sb);
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
    if (!lookup_dotted(I, name, &v))
        return false;
    bool ok = help_value(I, v, sb);
    value_decref(v);
    return ok;
}
