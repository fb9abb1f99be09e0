#ifndef NNSH_LEX_H
#define NNSH_LEX_H
#endif
