/* fault_alloc.c - the --wrap allocator behind fault_alloc.h: counts
 * allocations, fails the armed one, and keeps a set of live blocks (open
 * addressing with backward-shift deletion) so frees of blocks that libc
 * allocated itself (getline, strdup inside shared libraries) are ignored
 * instead of miscounted.  Single-threaded use only: the fault tests set
 * the lib thread count to 1. */
#include "fault_alloc.h"

#include <stdint.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#define SET_BITS 21
#define SET_SIZE ((size_t)1 << SET_BITS)

static void *live_set[SET_SIZE];
static long live_n;
static long count, fail_at;
static bool fired;

static size_t slot_of(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> (64 - SET_BITS));
}

static void live_add(void *p)
{
    if (!p || live_n >= (long)(SET_SIZE - SET_SIZE / 4))
        return;
    size_t i = slot_of(p);
    while (live_set[i])
        i = (i + 1) & (SET_SIZE - 1);
    live_set[i] = p;
    live_n++;
}

static void live_del(void *p)
{
    if (!p)
        return;
    size_t i = slot_of(p);
    while (live_set[i] && live_set[i] != p)
        i = (i + 1) & (SET_SIZE - 1);
    if (!live_set[i])
        return;
    live_set[i] = NULL;
    live_n--;
    /* backward shift: move later members of the run into the hole */
    size_t hole = i;
    for (size_t j = (i + 1) & (SET_SIZE - 1); live_set[j]; j = (j + 1) & (SET_SIZE - 1)) {
        size_t home = slot_of(live_set[j]);
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            live_set[hole] = live_set[j];
            live_set[j] = NULL;
            hole = j;
        }
    }
}

static bool should_fail(void)
{
    count++;
    if (fail_at && count == fail_at) {
        fired = true;
        return true;
    }
    return false;
}

void fault_arm(long n)
{
    count = 0;
    fail_at = n;
    fired = false;
}

bool fault_fired(void) { return fired; }
long fault_count(void) { return count; }
long fault_live(void) { return live_n; }

void *__wrap_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __real_malloc(n);
    live_add(p);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = __real_calloc(n, size);
    live_add(p);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (!p)
        return __wrap_malloc(n);
    if (n == 0) {
        __wrap_free(p);
        return NULL;
    }
    if (should_fail())
        return NULL;
    void *q = __real_realloc(p, n);
    if (q) {
        live_del(p);
        live_add(q);
    }
    return q;
}

void __wrap_free(void *p)
{
    live_del(p);
    __real_free(p);
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = __wrap_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *__wrap_strdup(const char *s)
{
    return __wrap_strndup(s, SIZE_MAX);
}
