#ifndef NNSH_SHELLCMD_H
#define NNSH_SHELLCMD_H
#endif
