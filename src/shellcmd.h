/* shellcmd.h - the REPL's ":" commands (:help, :vars, :save, ...).
 *
 * A line typed at the start of an input that begins with ':' is a shell
 * command, not code.  The commands are one table in shellcmd.c
 * ({name, usage, summary, fn}); their long help texts live in help.c so
 * help(":save") and :help :save read the same text.  Owned by the nnsh
 * program, next to repl.c.
 */
#ifndef NNSH_SHELLCMD_H
#define NNSH_SHELLCMD_H

#include "repl.h"

typedef enum {
    SHELL_OK,       /* done */
    SHELL_ERROR,    /* a one-line error was printed to stderr */
    SHELL_QUIT      /* :quit */
} ShellStatus;

/* Runs the command line `line` (it starts with ':'). */
ShellStatus shellcmd_run(Repl *R, const char *line);

/* Writes the record as a Markdown notebook (:export, nnsh --export):
 * a "# title" line, then each code input in a ```python block and its
 * output (escape sequences dropped, errors included) in a plain block.
 * Atomic (temp file + rename).  False after printing a one-line error. */
bool shellcmd_write_notebook(Repl *R, const char *path, const char *title, size_t *count);

/* The i-th command name without the ':' ("help", "vars", ...), NULL past
 * the end: for completion. */
const char *shellcmd_name(size_t i);

/* True when the command takes a file name argument (:load, :save, :export). */
bool shellcmd_takes_file(const char *name, size_t len);

#endif
