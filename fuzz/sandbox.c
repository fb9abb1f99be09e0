/* sandbox.c - the evaluator fuzz target's sandbox, linked in with
 * -Wl,--wrap=... (see build.sh).  While sandbox_on is set:
 *   - every call that opens, creates, renames or removes a file fails with
 *     EACCES, so the language's open(), np.load/np.save, model.save, os.*
 *     raise OSError and never touch the disk (a link-time guard cannot be
 *     bypassed from the language, e.g. by getattr with a computed name);
 *   - allocations made by nnsh's own code are capped at SANDBOX_MEM bytes
 *     live (the interpreter's lists and strings; tensors are also capped by
 *     the lib memory limit), so [0] * 10**9 is a MemoryError, not an OOM kill;
 *   - a watchdog thread raises the interrupt flag after SANDBOX_MS, so
 *     `while True: pass` ends with KeyboardInterrupt (the step/time budget).
 * Outside the sandbox (libFuzzer reading its corpus) everything passes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include "sandbox.h"

#define SANDBOX_MEM ((long)256 << 20)

volatile int sandbox_on;
static long mem_live;
static volatile long deadline_ms;     /* 0 = no deadline armed */
static volatile sig_atomic_t *flag;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *ud)
{
    (void)ud;
    for (;;) {
        usleep(5000);
        long d = deadline_ms;
        if (d && now_ms() > d && flag)
            *flag = 1;
    }
    return NULL;
}

void sandbox_init(volatile sig_atomic_t *interrupt_flag)
{
    static pthread_t th;
    flag = interrupt_flag;
    if (!freopen("/dev/null", "r", stdin))
        abort();
    pthread_create(&th, NULL, watchdog, NULL);
}

void sandbox_enter(int budget_ms)
{
    mem_live = 0;
    deadline_ms = now_ms() + budget_ms;
    sandbox_on = 1;
}

void sandbox_leave(void)
{
    sandbox_on = 0;
    deadline_ms = 0;
}

/* ---- file system ---- */
#define DENY(ret) do { if (sandbox_on) { errno = EACCES; return ret; } } while (0)

FILE *__real_fopen(const char *p, const char *m);
int __real_open(const char *p, int fl, ...);
int __real_mkdir(const char *p, mode_t m);
int __real_mkstemp(char *t);
DIR *__real_opendir(const char *p);
int __real_remove(const char *p);
int __real_rename(const char *a, const char *b);
int __real_unlink(const char *p);
zip_t *__real_zip_open(const char *p, int fl, int *err);

FILE *__wrap_fopen(const char *p, const char *m);
int __wrap_open(const char *p, int fl, ...);
int __wrap_mkdir(const char *p, mode_t m);
int __wrap_mkstemp(char *t);
DIR *__wrap_opendir(const char *p);
int __wrap_remove(const char *p);
int __wrap_rename(const char *a, const char *b);
int __wrap_unlink(const char *p);
zip_t *__wrap_zip_open(const char *p, int fl, int *err);

FILE *__wrap_fopen(const char *p, const char *m) { DENY(NULL); return __real_fopen(p, m); }
int __wrap_mkdir(const char *p, mode_t m) { DENY(-1); return __real_mkdir(p, m); }
int __wrap_mkstemp(char *t) { DENY(-1); return __real_mkstemp(t); }
DIR *__wrap_opendir(const char *p) { DENY(NULL); return __real_opendir(p); }
int __wrap_remove(const char *p) { DENY(-1); return __real_remove(p); }
int __wrap_rename(const char *a, const char *b) { DENY(-1); return __real_rename(a, b); }
int __wrap_unlink(const char *p) { DENY(-1); return __real_unlink(p); }

int __wrap_open(const char *p, int fl, ...)
{
    mode_t mode = 0;
    if (fl & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, fl);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    DENY(-1);
    return __real_open(p, fl, mode);
}

zip_t *__wrap_zip_open(const char *p, int fl, int *err)
{
    if (sandbox_on) {
        if (err)
            *err = ZIP_ER_OPEN;
        errno = EACCES;
        return NULL;
    }
    return __real_zip_open(p, fl, err);
}

/* ---- memory ---- */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static bool over(size_t n)
{
    return sandbox_on && (n > (size_t)SANDBOX_MEM || mem_live + (long)n > SANDBOX_MEM);
}

static void *track(void *p)
{
    if (p && sandbox_on)
        mem_live += (long)malloc_usable_size(p);
    return p;
}

void *__wrap_malloc(size_t n) { return over(n) ? NULL : track(__real_malloc(n)); }

void *__wrap_calloc(size_t n, size_t s)
{
    if (s && n > (size_t)SANDBOX_MEM / s)
        return sandbox_on ? NULL : __real_calloc(n, s);
    return over(n * s) ? NULL : track(__real_calloc(n, s));
}

void *__wrap_realloc(void *p, size_t n)
{
    if (over(n))
        return NULL;
    long old = p && sandbox_on ? (long)malloc_usable_size(p) : 0;
    void *q = __real_realloc(p, n);
    if (q && sandbox_on)
        mem_live += (long)malloc_usable_size(q) - old;
    return q;
}

void __wrap_free(void *p)
{
    if (p && sandbox_on)
        mem_live -= (long)malloc_usable_size(p);
    __real_free(p);
}
