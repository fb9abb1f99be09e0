/* repl.h - the interactive session: the prompt loop, its record of inputs,
 * and the completion context analysis used by Tab.
 *
 * Owned by the nnsh program (main.c, repl.c, complete.c, shellcmd.c); it is
 * not part of libfront.  A Repl borrows its Interp (main.c owns it) and owns
 * the record of the session: every input typed, whether it succeeded and the
 * text it printed, which :history, :save and :export read.
 * GNU Readline is used only by repl.c and complete.c.
 */
#ifndef NNSH_REPL_H
#define NNSH_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include "interp.h"

/* One numbered input of the session. */
typedef struct ReplInput {
    char *text;        /* as typed, lines joined with '\n', no final newline */
    char *output;      /* what it printed through interp_write ("" when nothing) */
    char *error;       /* the error report, or NULL when it succeeded */
    bool is_command;   /* a ":" shell command or a ?help request, not code */
    bool echoed;       /* code: a single expression statement that printed */
} ReplInput;

typedef struct Repl {
    Interp *I;                 /* borrowed */
    ReplInput *inputs;         /* the record, in order; input N is inputs[N-1] */
    size_t ninputs, cap;
    StrBuf pending;            /* lines of an unfinished block */
    StrBuf capture;            /* output of the input being run */
    bool capturing;
    bool quit;                 /* :quit, exit() or end of input */
    int exit_status;
    bool interactive_tty;      /* readline on a terminal (vs. plain lines) */
    char *history_path;        /* NULL when history is off */
    struct Tutor *tutor;       /* :tutor's lesson state (tutor.c), NULL until used */
} Repl;

/* Runs the interactive session until :quit, exit() or end of input.
 * Uses GNU Readline when stdin is a terminal, plain lines otherwise (prompts
 * then go to stderr, as Python does).  Returns the exit status. */
int repl_main(Interp *I, bool quiet);

/* nnsh --export FILE.md SCRIPT: runs the script (named `filename`) one
 * top-level statement at a time and writes it as a Markdown notebook, a
 * cell ending with each statement that printed something.  Returns the
 * script's exit status (1 also when the notebook cannot be written). */
int repl_export_script(Interp *I, const char *src, size_t len, const char *filename,
                       const char *md_path);

/* Runs `src` as a chunk of the session (used by :load and :time); errors are
 * printed to stderr.  Returns the run status. */
RunStatus repl_run_code(Repl *R, const char *src, size_t len,
                        const char *filename, int flags);

/* Writes the text through the interpreter's output (so it is recorded). */
void repl_print(Repl *R, const char *s);

/* ---- SIGINT (repl.c; the only signal code besides main.c) ---- */

/* Before running code: Ctrl-C sets interp_interrupted; a second press in
 * the same statement kills the process (SIG_DFL). */
void repl_sigint_eval(void);
/* After a script: the default action again. */
void repl_sigint_default(void);
/* Blocks SIGINT and SIGWINCH in the calling thread (main's, while the
 * session thread runs), so they reach the session thread. */
void repl_block_sigint_here(void);

/* ---- tab completion (complete.c) ---- */

typedef enum {
    COMPLETE_NONE,      /* nothing sensible to offer */
    COMPLETE_NAME,      /* a global, built-in or keyword: prefix */
    COMPLETE_ATTR,      /* an attribute: chain "." prefix */
    COMPLETE_COMMAND,   /* a shell command name after ':' at the start */
    COMPLETE_FILE       /* a file name inside a string literal or after :load */
} CompleteKind;

typedef struct CompleteContext {
    CompleteKind kind;
    int start;          /* byte offset where the completed word starts */
    char chain[256];    /* COMPLETE_ATTR: the object's name chain, "tf.keras" */
    char callee[256];   /* inside an open call: the callee's name chain, or "" */
    bool kwarg_ok;      /* the word is an argument position: offer "name=" */
} CompleteContext;

/* Finds what the word before byte offset `point` of `line` is: a pure
 * function of the text (no session), so it can be tested alone. */
void complete_context(const char *line, int point, CompleteContext *cc);

/* The keyword names of a signature string "f(a, b=1, *, c=None)" that start
 * with `prefix`, each with "=" appended: a new NULL-terminated array of
 * malloc'd strings (free with complete_free_list), NULL on OOM. */
char **complete_sig_kwargs(const char *sig, const char *prefix);
void complete_free_list(char **list);

/* Installs readline's completion hooks for the session. */
void complete_install(Repl *R);

#endif
