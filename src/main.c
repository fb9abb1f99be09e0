/* main.c - the nnsh command line: options, then a script, -c code, stdin or
 * the interactive session (repl.c).
 *
 * Like lua.c, the program is a thin client of the interpreter (interp.h):
 * it parses GNU-style options, sets sys.argv, runs the code and maps the
 * outcome to an exit status: 0 success, 1 an error in the program, 2 a
 * usage error, 130 after Ctrl-C in a script, exit(n) -> n.
 *
 * The whole session runs on a thread with a large reserved stack (only the
 * pages touched are used), so deep recursion in user code meets the
 * interpreter's recursion limit, never the end of the C stack.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "interp.h"
#include "repl.h"

#define NNSH_VERSION "0.1.0"
#define SESSION_STACK ((size_t)256 << 20)

typedef struct Options {
    const char *code;        /* -c CODE */
    const char *file;        /* FILE ("-" is stdin) */
    const char *export_md;   /* --export FILE.md */
    char **args;             /* script arguments after FILE or CODE */
    int nargs;
    bool interactive;        /* -i */
    bool quiet;              /* -q */
    int status;              /* the exit status, set by the session */
} Options;

static void usage(FILE *f)
{
    fputs("Usage: nnsh [OPTION]... [FILE [ARG]...]\n"
          "  or:  nnsh [OPTION]... -c CODE [ARG]...\n"
          "A neural-network shell: a Python-flavoured language for tensors and Keras models.\n"
          "\n"
          "With no FILE, or when FILE is -, read the program from standard input:\n"
          "an interactive session when it is a terminal, a script otherwise.\n"
          "\n"
          "  -c CODE        run CODE (sys.argv is ['-c', ARG...])\n"
          "  -i             stay at the prompt after running FILE or CODE\n"
          "  -q, --quiet    do not print the banner at the prompt\n"
          "      --export=NOTEBOOK.md\n"
          "                 run FILE and also write it with its output as a\n"
          "                 Markdown notebook\n"
          "      --help     display this help and exit\n"
          "      --version  output version information and exit\n"
          "\n"
          "At the prompt, type :help for the commands and topics.\n"
          "Exit status: 0 success, 1 an error in the program, 2 a usage error,\n"
          "130 interrupted by Ctrl-C; exit(N) exits with N.\n"
          "\n"
          "Full documentation: man nnsh\n", f);
}

static void version(void)
{
    fputs("nnsh " NNSH_VERSION "\n"
          "Copyright (C) 2026 the nnsh authors.\n"
          "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
          "This is free software: you are free to change and redistribute it.\n"
          "There is NO WARRANTY, to the extent permitted by law.\n", stdout);
}

static int usage_error(const char *fmt, const char *what)
{
    fputs("nnsh: ", stderr);
    fprintf(stderr, fmt, what);
    fputs("\nTry 'nnsh --help' for more information.\n", stderr);
    return 2;
}

/* Parses a cluster of short options ("-qi", "-c CODE", "-cCODE").  Returns
 * -1 to go on, or an exit status. */
static int parse_short(Options *o, int argc, char **argv, int *i)
{
    const char *p = argv[*i] + 1;
    for (; *p; p++) {
        if (*p == 'q') {
            o->quiet = true;
        } else if (*p == 'i') {
            o->interactive = true;
        } else if (*p == 'c') {
            if (p[1]) {
                o->code = p + 1;
            } else if (*i + 1 < argc) {
                o->code = argv[++*i];
            } else {
                return usage_error("option requires an argument -- '%s'", "c");
            }
            return -1;
        } else {
            char opt[2] = {*p, 0};
            return usage_error("invalid option -- '%s'", opt);
        }
    }
    return -1;
}

static int parse_long(Options *o, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    if (strncmp(arg, "--export", 8) == 0 && (arg[8] == '=' || arg[8] == '\0')) {
        if (arg[8] == '=')
            o->export_md = arg + 9;
        else if (*i + 1 < argc)
            o->export_md = argv[++*i];
        else
            return usage_error("option '%s' requires an argument", "--export");
        return -1;
    }
    if (strcmp(arg, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        version();
        return 0;
    }
    return usage_error("unrecognized option '%s'", arg);
}

/* Fills `o` from the command line.  Returns -1 to run, or an exit status
 * (--help, --version, a usage error). */
static int parse_options(Options *o, int argc, char **argv)
{
    int i = 1;
    for (; i < argc && !o->code; i++) {
        const char *a = argv[i];
        int st = -1;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1] == '-') {
            st = parse_long(o, argc, argv, &i);
        } else if (a[0] == '-' && a[1] != '\0') {
            st = parse_short(o, argc, argv, &i);
        } else {
            break;
        }
        if (st >= 0)
            return st;
    }
    if (!o->code && i < argc)
        o->file = argv[i++];
    if (o->export_md && (!o->file || o->code || (o->export_md[0] == '\0')))
        return usage_error("%s", "--export needs a script FILE (nnsh --export=OUT.md FILE)");
    o->args = argv + i;
    o->nargs = argc - i;
    return -1;
}

/* sys.argv = [argv0, ARGS...], as Python sets it. */
static bool set_argv(Interp *I, const char *argv0, char **args, int nargs)
{
    Value sys, list, s;
    bool ok = false;
    if (!interp_import(I, "sys", &sys))
        return false;
    if (!list_new(I, (size_t)nargs + 1, &list))
        goto done_sys;
    for (int i = -1; i < nargs; i++) {
        if (!str_from_cstr(I, i < 0 ? argv0 : args[i], &s))
            goto done;
        bool appended = list_append(I, list, s);
        value_decref(s);
        if (!appended)
            goto done;
    }
    ok = module_set(I, sys, "argv", list);
done:
    value_decref(list);
done_sys:
    value_decref(sys);
    return ok;
}

/* Reads a whole stream into a malloc'd buffer (NUL-terminated; *len bytes).
 * NULL with errno set on failure. */
static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (ferror(f)) {
            int e = errno;
            free(buf);
            errno = e ? e : EIO;
            return NULL;
        }
        if (feof(f))
            break;
        if (n + 1 == cap) {
            char *bigger = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The exit status of a finished script run; reports the error. */
static int script_status(Interp *I, RunStatus st)
{
    fflush(stdout);
    switch (st) {
    case RUN_OK:
    case RUN_INCOMPLETE:
        return 0;
    case RUN_EXIT:
        return interp_exit_status(I);
    case RUN_ERROR:
        break;
    }
    fputs(interp_error_text(I), stderr);
    fflush(stderr);
    return interp_error_kind(I) == ERR_INTERRUPT ? 130 : 1;
}

/* Runs a whole program; *exited tells exit() apart from other endings. */
static int run_text(Interp *I, const char *src, size_t len, const char *name,
                    bool *exited)
{
    repl_sigint_eval();
    RunStatus st = interp_run(I, src, len, name, 0);
    repl_sigint_default();
    *exited = st == RUN_EXIT;
    return script_status(I, st);
}

/* Runs FILE ("-" is stdin).  *ran is false when the file cannot be read
 * (a usage error, status 2, as Python does). */
static int run_file(Interp *I, const char *path, const char *export_md, bool *ran,
                    bool *exited)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    size_t len = 0;
    char *src = f ? read_stream(f, &len) : NULL;
    int e = errno;
    if (f && !is_stdin)
        fclose(f);
    *ran = src != NULL;
    if (!src) {
        fprintf(stderr, "nnsh: can't open file '%s': %s\n", path, strerror(e));
        return 2;
    }
    const char *name = is_stdin ? "<stdin>" : path;
    int status = export_md ? repl_export_script(I, src, len, name, export_md) :
                 run_text(I, src, len, name, exited);
    free(src);
    return status;
}

static int run_session(Options *o)
{
    Interp *I = interp_new();
    if (!I) {
        fputs("nnsh: out of memory\n", stderr);
        return 1;
    }
    int status = 0;
    bool tty = isatty(STDIN_FILENO);
    bool stay = o->interactive || (!o->code && !o->file && tty);
    const char *argv0 = o->code ? "-c" : o->file ? o->file : "";
    if (!set_argv(I, argv0, o->args, o->nargs))
        interp_clear_error(I);     /* no sys module: nothing to set */
    bool ran = true, exited = false;
    if (o->code)
        status = run_text(I, o->code, strlen(o->code), "<string>", &exited);
    else if (o->file)
        status = run_file(I, o->file, o->export_md, &ran, &exited);
    else if (!stay)
        status = run_file(I, "-", NULL, &ran, &exited);
    /* -i: an error in the script still leaves the person at the prompt
     * (as python -i does); exit() and an unreadable file do not. */
    if (stay && ran && !exited)
        status = repl_main(I, o->quiet || o->code || o->file);
    interp_free(I);
    fflush(stdout);
    return status;
}

static void *session_thread(void *arg)
{
    Options *o = arg;
    o->status = run_session(o);
    return NULL;
}

/* Runs the session on a thread with a large stack; falls back to the main
 * thread when one cannot be made. */
static int run_on_big_stack(Options *o)
{
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0)
        return run_session(o);
    int err = pthread_attr_setstacksize(&attr, SESSION_STACK);
    if (err == 0)
        err = pthread_create(&th, &attr, session_thread, o);
    pthread_attr_destroy(&attr);
    if (err != 0)
        return run_session(o);
    /* Ctrl-C belongs to the session thread: keep it away from this one. */
    repl_block_sigint_here();
    pthread_join(th, NULL);
    return o->status;
}

int main(int argc, char **argv)
{
    Options o = {0};
    int st = parse_options(&o, argc, argv);
    if (st >= 0)
        return st;
    st = run_on_big_stack(&o);
    fflush(stdout);
    return st;
}
