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

#endif
