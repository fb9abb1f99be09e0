#ifndef NNSH_REPL_H
#define NNSH_REPL_H
#endif
