/* interp.h - the interpreter: running chunks, errors, globals, modules, output.
 *
 * An Interp holds the session: globals, the module registry, the pending
 * error, the lib context (NnCtx) and the output hooks.  eval.c walks the AST;
 * everything else reaches the language through this header and value.h.
 *
 * Errors: a function that fails sets the pending error with interp_error()
 * (which returns false, so `return interp_error(...)` reads well) and returns
 * false; callers unwind by returning false, releasing what they hold.  The
 * evaluator attaches the source position of the innermost node being
 * evaluated when the error is raised.  `try/except` clears it.
 */
#ifndef NNSH_INTERP_H
#define NNSH_INTERP_H

#include <signal.h>
#include "value.h"
#include "parse.h"

/* Python's exception kinds.  The name printed is Python's class name. */
typedef enum {
    ERR_EXCEPTION,       /* "Exception" (user raise of a base class) */
    ERR_SYNTAX,          /* SyntaxError */
    ERR_INDENT,          /* IndentationError (also TabError) */
    ERR_NAME,            /* NameError */
    ERR_TYPE,            /* TypeError */
    ERR_VALUE,           /* ValueError (also shape errors) */
    ERR_INDEX,           /* IndexError */
    ERR_KEY,             /* KeyError */
    ERR_ATTRIBUTE,       /* AttributeError */
    ERR_ZERO_DIVISION,   /* ZeroDivisionError */
    ERR_OVERFLOW,        /* OverflowError */
    ERR_RECURSION,       /* RecursionError */
    ERR_MEMORY,          /* MemoryError */
    ERR_IO,              /* OSError (FileNotFoundError for a missing file) */
    ERR_FILE_NOT_FOUND,  /* FileNotFoundError */
    ERR_IMPORT,          /* ImportError / ModuleNotFoundError */
    ERR_INTERRUPT,       /* KeyboardInterrupt */
    ERR_ASSERTION,       /* AssertionError */
    ERR_RUNTIME,         /* RuntimeError */
    ERR_NOT_IMPLEMENTED, /* NotImplementedError */
    ERR_STOP_ITERATION,  /* StopIteration */
    ERR_SYSTEM_EXIT,     /* SystemExit: exit() / quit() / sys.exit() */
    ERR_KIND_COUNT
} ErrKind;

/* Sets the pending error (message printf-style) and returns false. */
bool interp_error(Interp *I, ErrKind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The error of a failed lib call: maps the NnStatus in the ctx to a kind
 * (ENOMEM -> MemoryError, EDIM/EARG -> ValueError, EINDEX -> IndexError,
 * EIO -> OSError, EINTR -> KeyboardInterrupt, ...) and uses nn_errmsg. */
bool interp_error_from_nn(Interp *I);
bool interp_error_pending(const Interp *I);
ErrKind interp_error_kind(const Interp *I);
const char *interp_error_message(const Interp *I);
void interp_clear_error(Interp *I);
const char *errkind_name(ErrKind k);           /* "ValueError", ... */

/* The one global of the program: set by the SIGINT handler, polled by loops,
 * calls and the lib interrupt hook. */
extern volatile sig_atomic_t interp_interrupted;
/* Returns false with a KeyboardInterrupt pending when Ctrl-C was pressed. */
bool interp_check_interrupt(Interp *I);

/* ---- lifetime ---- */
Interp *interp_new(void);                      /* NULL on OOM */
void interp_free(Interp *I);
/* Forgets every user variable (:reset); modules stay registered. */
void interp_reset(Interp *I);

/* ---- running code ---- */
typedef enum {
    RUN_OK,
    RUN_ERROR,        /* interp_error_text() has the report */
    RUN_INCOMPLETE,   /* RUN_INTERACTIVE only: more lines are needed */
    RUN_EXIT          /* exit()/quit()/sys.exit(): interp_exit_status() */
} RunStatus;

enum {
    RUN_INTERACTIVE = 1,  /* the prompt: PARSE_INTERACTIVE, and each expression
                             statement's non-None value is echoed (repr) and
                             stored in `_` */
};

RunStatus interp_run(Interp *I, const char *src, size_t len,
                     const char *filename, int flags);
int interp_exit_status(const Interp *I);
/* After RUN_ERROR: the full report, e.g.
 *   "<stdin>:1:19: error: ValueError: shapes (3,) and (4,) cannot be broadcast\n"
 *   "a + tf.constant([1, 2, 3, 4])\n"
 *   "                  ^\n"
 * (borrowed; valid until the next run).  Clears nothing. */
const char *interp_error_text(const Interp *I);

/* Calls a callable value from native code (map, sorted(key=), callbacks). */
bool interp_call(Interp *I, Value fn, int npos, const Value *pos, Value *out);

/* ---- globals ---- */
bool interp_get_global(Interp *I, const char *name, Value *out, bool *found);
bool interp_set_global(Interp *I, const char *name, Value v);   /* retains v */
/* The globals dict (borrowed), for :vars and completion. */
Value interp_globals(Interp *I);
/* Names visible at the prompt (globals, then built-ins): a new list of str. */
bool interp_visible_names(Interp *I, Value *out);

/* ---- modules ---- */
/* Registers a module under a dotted name ("tensorflow", "numpy.random").
 * `create` builds it on first import (lazily, so start-up stays fast).
 * Aliases ("keras" for "tensorflow.keras") are registered the same way. */
typedef bool (*ModuleCreateFn)(Interp *I, Value *out);
bool interp_register_module(Interp *I, const char *dotted, ModuleCreateFn create);
/* Imports (creating on first use).  ModuleNotFoundError for unknown names:
 * "No module named 'pandas' (nnsh provides: tensorflow, keras, numpy, ...)". */
bool interp_import(Interp *I, const char *dotted, Value *out);
/* Adds a built-in function or value visible everywhere (print, len, ...). */
bool interp_add_builtin(Interp *I, const char *name, Value v);
bool interp_add_builtins(Interp *I, const NativeDef *defs);

/* ---- output ---- */
/* Everything the program prints (print, echo, tf.print, fit progress) goes
 * through interp_write, so the REPL can record it for :export.  Defaults to
 * stdout. */
typedef void (*WriteFn)(void *ud, const char *s, size_t n);
void interp_set_output(Interp *I, WriteFn fn, void *ud);
void interp_write(Interp *I, const char *s, size_t n);
void interp_printf(Interp *I, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Warnings go to stderr as "FILE:LINE: warning: msg" (the current position). */
void interp_warn(Interp *I, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the runtime behind the language ---- */
struct NnCtx;
struct NnCtx *interp_nn(Interp *I);            /* the lib context (seed, threads, errors) */

/* Where the current statement is (for warnings and tools). */
const char *interp_current_file(const Interp *I);
int interp_current_line(const Interp *I);


/* ---- added for help.c: a built-in by name (help('len'), :help print) ---- */
/* Like interp_get_global, for the built-ins (print, len, ...). */
bool interp_get_builtin(Interp *I, const char *name, Value *out, bool *found);

/* Raises a new instance of the built-in exception class named `cls`
 * ("EOFError", "PermissionError", "AxisError"; Exception if unknown) with
 * the formatted message, for classes that have no ErrKind.  Returns false. */
bool interp_error_named(Interp *I, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
