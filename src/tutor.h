/* tutor.h - :tutor, a guided lesson inside the REPL (as vimtutor is for vim).
 *
 * A fixed sequence of short steps (tensors, operations, gradients, a first
 * model, fitting with the live chart, evaluating).  Each step explains one
 * idea and shows the lines to type; after every input the step's check
 * expression is evaluated in the session, and when it holds the lesson
 * moves on.  The step reached is kept in ~/.nnsh/tutor, so :tutor resumes.
 * Part of the nnsh program (repl.c calls tutor_after_input, shellcmd.c runs
 * :tutor); the state hangs off the Repl and is freed with it.
 */
#ifndef NNSH_TUTOR_H
#define NNSH_TUTOR_H

#include <stdbool.h>
#include "repl.h"

typedef struct Tutor Tutor;

/* :tutor [N | next | stop]: starts or resumes the lesson, jumps to step N,
 * skips a step or leaves.  Returns false after printing a one-line error
 * (bad argument). */
bool tutor_command(Repl *R, const char *arg);

/* After each code input of the session (ok: it ran without error): checks
 * the current step and moves on when it is done.  No-op when no lesson is
 * running. */
void tutor_after_input(Repl *R, bool ok);

/* The number of steps (for tests and help). */
int tutor_steps(void);

/* Releases the lesson state of R (repl_free calls it). */
void tutor_free(Repl *R);

#endif
