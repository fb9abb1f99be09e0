/* fault_alloc.h - allocation-failure injection for the whole program, as
 * SQLite's and Lua's test suites do it: the test binary is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,
 * --wrap=strndup so every allocation made by nnsh's own code (src/ and lib/,
 * which are static convenience libraries) goes through fault_alloc.c.  No
 * source file of the interpreter changes: the hook is the linker's.
 *
 * fault_arm(n) makes the n-th allocation from now fail (once; later ones
 * succeed again, the harder case for recovery); fault_arm(0) disarms.
 * fault_live() counts blocks allocated through the wrappers and not yet
 * freed, so a scenario can check that it returns every byte.
 * Allocations made inside shared libraries (libc's getline, zlib, libzip,
 * json-c, cmocka) are not seen: they cannot be failed this way.
 */
#ifndef FAULT_ALLOC_H
#define FAULT_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void fault_arm(long n);       /* fail the n-th allocation from now; 0 = never */
bool fault_fired(void);       /* the armed failure has happened */
long fault_count(void);       /* allocations since the last fault_arm */
long fault_live(void);        /* blocks live through the wrappers */

#endif
