/* help.h - help texts: :help NAME, help(x), ?x.
 *
 * Built-in functions carry their help in their NativeDef (sig + doc), native
 * classes in NativeClass.doc, modules in their doc string; statements,
 * keywords and shell commands have a table in help.c.
 */
#ifndef NNSH_HELP_H
#define NNSH_HELP_H

#include "interp.h"

/* Writes the help of a value (function, class, module, method) to sb. */
bool help_value(Interp *I, Value v, StrBuf *sb);
/* Writes the help of a dotted name ("tf.keras.layers.Dense", "for", ":save"),
 * resolving names through the session; false with a NameError when unknown. */
bool help_topic(Interp *I, const char *name, StrBuf *sb);

/* ---- the registry walk (help coverage test, :help METHOD) ---- */

typedef enum { HELP_FUNCTION, HELP_CLASS, HELP_METHOD } HelpItemKind;

/* One documented thing: a function (def set), a class (cls set) or a
 * method (both set; qualname "Class.method").  Everything is borrowed. */
typedef void (*HelpVisitFn)(void *ud, HelpItemKind kind, const char *qualname,
                            const NativeDef *def, const NativeClass *cls);

/* Visits every native function reachable from the session's variables, the
 * built-ins and the modules named in `roots` (NULL-terminated, e.g.
 * "tensorflow"; NULL: all of nnsh's), recursing into sub-modules, and every native class reached (as a
 * type or an instance) with its methods.  Each item is visited once, under
 * the first name found.  A root that cannot be imported is skipped.  False
 * only on out-of-memory. */
bool help_walk(Interp *I, const char *const *roots, HelpVisitFn fn, void *ud);

/* The help text kept in help.c for a built-in whose own doc is empty
 * (keyed by "Class.method", a class name or a function's qualified name),
 * or NULL. */
const char *help_extra_doc(const char *key);

#endif
