/* sandbox.h - the evaluator fuzz target's sandbox (sandbox.c): no file
 * system, a memory cap and a time budget while an input runs. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <signal.h>

void sandbox_init(volatile sig_atomic_t *interrupt_flag);
void sandbox_enter(int budget_ms);
void sandbox_leave(void);

#define SANDBOX_WRAPS "fopen,open,mkdir,mkstemp,opendir,remove,rename,unlink,zip_open," \
                      "malloc,calloc,realloc,free"

#endif
