/* shellcmd.c - the REPL's ":" commands, one table of {name, usage,
 * summary, fn} (the sqlite shell's dot-commands).
 *
 * Each command gets the rest of its line (trimmed) and prints through the
 * interpreter's output, so what it shows is recorded for :export.  Errors
 * are one line on stderr.  The long help of each command is in help.c.
 * Part of the nnsh program (with repl.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "help.h"
#include "nn.h"
#include "shellcmd.h"
#include "tutor.h"

typedef ShellStatus (*ShellFn)(Repl *R, const char *arg);

typedef struct ShellCmd {
    const char *name;
    const char *usage;      /* shown on a bad argument and by :help */
    const char *summary;    /* one line for the :help list */
    ShellFn fn;
} ShellCmd;

static const ShellCmd *command_table(void);
static const ShellCmd *running;     /* the command being run (its usage line) */

static ShellStatus usage_error(void)
{
    fflush(stdout);
    fprintf(stderr, "usage: %s\n", running->usage);
    return SHELL_ERROR;
}

static ShellStatus fail(const char *fmt, const char *a, const char *b)
{
    fflush(stdout);
    fputs("error: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return SHELL_ERROR;
}

static void out(Repl *R, const char *s)
{
    repl_print(R, s);
}

static void outf(Repl *R, StrBuf *sb)
{
    if (sb->data)
        repl_print(R, sb->data);
    sb->len = 0;
}

/* ---- :help ---- */

static ShellStatus cmd_help(Repl *R, const char *arg)
{
    StrBuf sb;
    sb_init(&sb);
    if (!*arg) {
        sb_puts(&sb, "Shell commands (type :help :NAME for details):\n");
        for (const ShellCmd *c = command_table(); c->name; c++)
            sb_printf(&sb, "  %-18s %s\n", c->usage, c->summary);
        sb_puts(&sb, "\nStatements and keywords (:help NAME):\n"
                "  if  for  while  break  continue  def  return  lambda  class  import\n"
                "  from  with  try  raise  assert  del  pass  global\n"
                "\nModules (import NAME; :help NAME lists the members):\n"
                "  tensorflow (tf)  keras  numpy (np)  sklearn  math  random  time  sys  os\n"
                "  functools  collections  string  json  itertools\n"
                "\nnnsh's own: plot  scatter  hist  plot_boundary  show  graph  grad  kfold\n"
                "  grid_search  spiral  moons  circles  xor  blobs\n"
                "\nAny name: :help NAME, help(NAME), ?NAME or NAME? shows its signature,\n"
                "a paragraph and an example, e.g. :help tf.constant, :help fit, :help Adam.\n"
                "New here?  :tutor is a guided lesson in six steps.\n");
        outf(R, &sb);
        sb_free(&sb);
        return SHELL_OK;
    }
    bool ok = help_topic(R->I, arg, &sb);
    if (ok) {
        if (sb.len && sb.data[sb.len - 1] != '\n')
            sb_putc(&sb, '\n');
        outf(R, &sb);
    } else {
        fflush(stdout);
        fprintf(stderr, "error: %s: %s\n", errkind_name(interp_error_kind(R->I)),
                interp_error_message(R->I));
        interp_clear_error(R->I);
    }
    sb_free(&sb);
    return ok ? SHELL_OK : SHELL_ERROR;
}

/* ---- :vars ---- */

/* repr(v) on one line, cut to `max` bytes with "...". */
static void short_repr(Interp *I, Value v, StrBuf *sb, size_t max)
{
    StrBuf r;
    sb_init(&r);
    if (!value_repr(I, v, &r)) {
        interp_clear_error(I);
        sb_puts(sb, "?");
        sb_free(&r);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r.len && n < max; i++) {
        char c = r.data[i];
        if (c == '\n') {
            sb_putc(sb, ' ');
            while (i + 1 < r.len && r.data[i + 1] == ' ')
                i++;
        } else {
            sb_putc(sb, c);
        }
        n++;
    }
    if (n >= max && r.len > max)
        sb_puts(sb, "...");
    sb_free(&r);
}

static ShellStatus cmd_vars(Repl *R, const char *arg)
{
    (void)arg;
    Value g = interp_globals(R->I);
    if (!val_is_obj(g, OBJ_DICT))
        return SHELL_OK;
    ObjDict *d = as_dict(g);
    int wname = 8, wtype = 4;
    size_t shown = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind == VAL_UNSET || !val_is_obj(e->key, OBJ_STR) || str_cstr(e->key)[0] == '_')
            continue;
        int ln = (int)as_str(e->key)->len, lt = (int)strlen(value_type_name(e->value));
        wname = ln > wname ? ln : wname;
        wtype = lt > wtype ? lt : wtype;
        shown++;
    }
    if (shown == 0) {
        out(R, "Interactive namespace is empty.\n");
        return SHELL_OK;
    }
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%-*s  %-*s  %s\n", wname, "Variable", wtype, "Type", "Data/Info");
    for (int i = 0; i < wname + wtype + 4 + 30; i++)
        sb_putc(&sb, '-');
    sb_putc(&sb, '\n');
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind == VAL_UNSET || !val_is_obj(e->key, OBJ_STR) || str_cstr(e->key)[0] == '_')
            continue;
        sb_printf(&sb, "%-*s  %-*s  ", wname, str_cstr(e->key), wtype, value_type_name(e->value));
        short_repr(R->I, e->value, &sb, 60);
        sb_putc(&sb, '\n');
    }
    outf(R, &sb);
    sb_free(&sb);
    return SHELL_OK;
}

/* ---- :time ---- */

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void cpu_times(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
    *sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* IPython's _format_time: 3 significant digits in s, ms, us or ns. */
static void format_time(StrBuf *sb, double t)
{
    static const char *const units[] = {"s", "ms", "us", "ns"};
    static const double scale[] = {1, 1e3, 1e6, 1e9};
    if (t >= 60) {
        long m = (long)(t / 60);
        sb_printf(sb, "%ldmin %.0fs", m, t - 60.0 * m);
        return;
    }
    int order = 3;
    if (t > 0) {
        int e = 0;
        double x = t;
        while (x < 1 && e > -12) {
            x *= 10;
            e--;
        }
        order = (-e + 2) / 3;   /* floor(log10 t) in [-3k-2, -3k] -> k */
        order = order > 3 ? 3 : order;
    }
    sb_printf(sb, "%.3g %s", t * scale[order], units[order]);
}

static ShellStatus cmd_time(Repl *R, const char *arg)
{
    if (!*arg)
        return usage_error();
    /* ":time for i in x: f(i)" is complete: the empty line a block needs
     * at the prompt is implied. */
    StrBuf code;
    sb_init(&code);
    sb_printf(&code, "%s\n\n", arg);
    if (code.oom) {
        sb_free(&code);
        return fail("%s%s", "out of memory", "");
    }
    double u0, s0, u1, s1, w0 = now_wall();
    cpu_times(&u0, &s0);
    RunStatus st = repl_run_code(R, code.data, code.len, "<stdin>", RUN_INTERACTIVE);
    sb_free(&code);
    if (st == RUN_INCOMPLETE) {
        fputs("error: :time runs one complete statement\n", stderr);
        return SHELL_ERROR;
    }
    double w = now_wall() - w0;
    cpu_times(&u1, &s1);
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, "CPU times: user ");
    format_time(&sb, u1 - u0);
    sb_puts(&sb, ", sys: ");
    format_time(&sb, s1 - s0);
    sb_puts(&sb, ", total: ");
    format_time(&sb, (u1 - u0) + (s1 - s0));
    sb_puts(&sb, "\nWall time: ");
    format_time(&sb, w);
    sb_putc(&sb, '\n');
    outf(R, &sb);
    sb_free(&sb);
    if (st == RUN_ERROR)
        interp_clear_error(R->I);
    return st == RUN_ERROR ? SHELL_ERROR : SHELL_OK;
}

/* ---- :load ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 65536;
            char *b = realloc(buf, cap + 1);
            if (!b) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f), e = errno;
    fclose(f);
    if (bad) {
        free(buf);
        errno = e ? e : EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static ShellStatus cmd_load(Repl *R, const char *arg)
{
    if (!*arg)
        return usage_error();
    size_t len;
    char *src = read_file(arg, &len);
    if (!src)
        return fail("cannot read '%s': %s", arg, strerror(errno));
    RunStatus st = repl_run_code(R, src, len, arg, 0);
    free(src);
    if (st == RUN_ERROR)
        interp_clear_error(R->I);
    return st == RUN_ERROR ? SHELL_ERROR : SHELL_OK;
}

/* ---- :save and :export (atomic: a temp file renamed over the target) ---- */

static ShellStatus write_atomic(const char *path, const StrBuf *sb)
{
    if (sb->oom)
        return fail("cannot write '%s': %s", path, strerror(ENOMEM));
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return fail("cannot write '%s': %s", path, strerror(ENOMEM));
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(sb->data ? sb->data : "", 1, sb->len, f) == sb->len &&
              fflush(f) == 0 && fsync(fileno(f)) == 0;   /* on disk before the rename */
    int e = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok && f)
        remove(tmp);
    free(tmp);
    return ok ? SHELL_OK : fail("cannot write '%s': %s", path, strerror(e));
}

static void say_written(Repl *R, const char *what, size_t count, const char *path)
{
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s %zu input%s to %s\n", what, count, count == 1 ? "" : "s", path);
    outf(R, &sb);
    sb_free(&sb);
}

static const char echo_helper[] =
    "def _echo(value):\n"
    "    # what the prompt shows for an expression statement\n"
    "    if value is not None:\n"
    "        print(repr(value))\n\n";

static ShellStatus cmd_save(Repl *R, const char *arg)
{
    if (!*arg)
        return usage_error();
    StrBuf sb;
    sb_init(&sb);
    size_t count = 0;
    bool need_echo = false;
    for (size_t i = 0; i < R->ninputs; i++)
        need_echo |= !R->inputs[i].is_command && R->inputs[i].echoed;
    sb_puts(&sb, "#!/usr/bin/env nnsh\n# An nnsh session saved with :save.\n\n");
    if (need_echo)
        sb_puts(&sb, echo_helper);
    for (size_t i = 0; i < R->ninputs; i++) {
        const ReplInput *in = &R->inputs[i];
        if (in->is_command || in->error)
            continue;
        if (in->echoed)
            sb_printf(&sb, "_echo(%s)\n", in->text);
        else
            sb_printf(&sb, "%s\n", in->text);
        if (strchr(in->text, '\n'))
            sb_putc(&sb, '\n');          /* a block ends with an empty line */
        count++;
    }
    ShellStatus st = write_atomic(arg, &sb);
    sb_free(&sb);
    if (st == SHELL_OK)
        say_written(R, "Saved", count, arg);
    return st;
}

/* A fence longer than any run of backticks inside `text`. */
static void fence(StrBuf *sb, const char *text, const char *lang)
{
    int longest = 0, run = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    for (int i = 0; i < (longest >= 3 ? longest + 1 : 3); i++)
        sb_putc(sb, '`');
    sb_puts(sb, lang);
    sb_putc(sb, '\n');
}

static void export_block(StrBuf *sb, const char *text, const char *lang)
{
    fence(sb, text, lang);
    sb_puts(sb, text);
    if (*text && text[strlen(text) - 1] != '\n')
        sb_putc(sb, '\n');
    fence(sb, text, "");
}

/* Output as plain text: terminal escape sequences (colours, cursor moves)
 * are dropped, and a line redrawn with '\r' keeps its last version. */
static void plain_text(StrBuf *sb, const char *s)
{
    size_t line_start = sb->len;
    for (; *s; s++) {
        if (*s == '\x1b' && s[1] == '[') {
            s += 2;
            while (*s && !(*s >= '@' && *s <= '~'))
                s++;
            if (!*s)
                break;
        } else if (*s == '\r' && s[1] != '\n') {
            sb->len = line_start;
        } else if (*s != '\r') {
            sb_putc(sb, *s);
            if (*s == '\n')
                line_start = sb->len;
        }
    }
}

bool shellcmd_write_notebook(Repl *R, const char *path, const char *title, size_t *count)
{
    StrBuf sb, both;
    sb_init(&sb);
    sb_init(&both);
    *count = 0;
    sb_printf(&sb, "# %s\n", title);
    for (size_t i = 0; i < R->ninputs; i++) {
        const ReplInput *in = &R->inputs[i];
        if (in->is_command)
            continue;
        sb_printf(&sb, "\n**In [%zu]:**\n\n", i + 1);
        export_block(&sb, in->text, "python");
        both.len = 0;
        plain_text(&both, in->output);
        if (in->error)
            plain_text(&both, in->error);
        if (both.len) {
            sb_putc(&sb, '\n');
            export_block(&sb, both.data, "");
        }
        (*count)++;
    }
    ShellStatus st = write_atomic(path, &sb);
    sb_free(&sb);
    sb_free(&both);
    return st == SHELL_OK;
}

static ShellStatus cmd_export(Repl *R, const char *arg)
{
    size_t count;
    if (!*arg)
        return usage_error();
    if (!shellcmd_write_notebook(R, arg, "nnsh session", &count))
        return SHELL_ERROR;
    say_written(R, "Exported", count, arg);
    return SHELL_OK;
}

/* ---- :history, :reset, :seed, :threads, :quit ---- */

static ShellStatus cmd_history(Repl *R, const char *arg)
{
    (void)arg;
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < R->ninputs; i++) {
        const char *t = R->inputs[i].text;
        sb_printf(&sb, "%4zu%c ", i + 1, R->inputs[i].error ? '!' : ' ');
        for (; *t; t++) {
            sb_putc(&sb, *t);
            if (*t == '\n')
                sb_puts(&sb, "      ");
        }
        sb_putc(&sb, '\n');
    }
    outf(R, &sb);
    sb_free(&sb);
    return SHELL_OK;
}

static ShellStatus cmd_reset(Repl *R, const char *arg)
{
    (void)arg;
    interp_reset(R->I);
    return SHELL_OK;
}

/* A whole decimal number in [lo, hi]. */
static bool parse_number(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static ShellStatus cmd_seed(Repl *R, const char *arg)
{
    long long n;
    if (!parse_number(arg, 0, 4294967295LL, &n))
        return usage_error();
    nn_rng_seed(interp_nn(R->I), (uint32_t)n);
    return SHELL_OK;
}

static ShellStatus cmd_threads(Repl *R, const char *arg)
{
    long long n;
    if (!*arg) {
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%d\n", nn_ctx_threads(interp_nn(R->I)));
        outf(R, &sb);
        sb_free(&sb);
        return SHELL_OK;
    }
    if (!parse_number(arg, 1, 1024, &n))
        return usage_error();
    nn_ctx_set_threads(interp_nn(R->I), (int)n);
    return SHELL_OK;
}

/* :limit memory SIZE - the session's budget for tensor memory (the lib
 * allocator limit): SIZE is bytes with an optional K, M, G or T (binary
 * units, "4G" = 4 GiB), or "none"; an operation over it fails with a
 * MemoryError and the session goes on.  Without SIZE: the limit and use. */
static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0)
        return false;
    static const char units[] = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end && !u)
        return false;
    for (int k = u ? (int)(u - units) + 1 : 0; k > 0; k--)
        v *= 1024;
    if (u)
        end++;
    if (*end == 'i' || *end == 'I')
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end || v >= 18446744073709551615.0)
        return false;
    *out = (size_t)v;
    return true;
}

static ShellStatus cmd_limit(Repl *R, const char *arg)
{
    NnCtx *ctx = interp_nn(R->I);
    if (strncmp(arg, "memory", 6) != 0 || (arg[6] && arg[6] != ' '))
        return *arg ? usage_error() : cmd_limit(R, "memory");
    const char *v = arg + 6;
    while (*v == ' ')
        v++;
    size_t bytes = 0;
    if (*v && strcmp(v, "none") != 0 && (!parse_size(v, &bytes) || bytes == 0))
        return usage_error();
    if (*v) {
        nn_ctx_set_mem_limit(ctx, bytes);
        return SHELL_OK;
    }
    StrBuf sb;
    sb_init(&sb);
    size_t lim = nn_ctx_mem_limit(ctx), used = nn_ctx_mem_used(ctx);
    if (lim)
        sb_printf(&sb, "memory: %.1f MiB of %.1f MiB\n", used / 1048576.0, lim / 1048576.0);
    else
        sb_printf(&sb, "memory: %.1f MiB, no limit\n", used / 1048576.0);
    outf(R, &sb);
    sb_free(&sb);
    return SHELL_OK;
}

static ShellStatus cmd_tutor(Repl *R, const char *arg)
{
    return tutor_command(R, arg) ? SHELL_OK : SHELL_ERROR;
}

static ShellStatus cmd_quit(Repl *R, const char *arg)
{
    (void)R;
    (void)arg;
    return SHELL_QUIT;
}

/* In the order :help lists them. */
static const ShellCmd commands[] = {
    {"help", ":help [NAME]", "list the topics, or show the help of NAME", cmd_help},
    {"vars", ":vars", "list the session's variables: name, type, value", cmd_vars},
    {"time", ":time STMT", "run STMT and print the time it took", cmd_time},
    {"load", ":load FILE", "run a script in this session", cmd_load},
    {"save", ":save FILE.nns", "write the successful inputs as a script", cmd_save},
    {"export", ":export FILE.md", "write inputs and outputs as a Markdown notebook", cmd_export},
    {"history", ":history", "list the numbered inputs (! marks errors)", cmd_history},
    {"reset", ":reset", "forget every variable", cmd_reset},
    {"seed", ":seed N", "seed the random generator (0 <= N < 2**32)", cmd_seed},
    {"threads", ":threads [N]", "show or set the number of worker threads", cmd_threads},
    {"limit", ":limit memory [SIZE|none]", "show or set the memory budget for tensors (4G, 512M)",
     cmd_limit},
    {"tutor", ":tutor [N]", "a guided lesson; N jumps to step N", cmd_tutor},
    {"quit", ":quit", "leave nnsh (also :q, :exit, Ctrl-D)", cmd_quit},
    {NULL, NULL, NULL, NULL}
};

static const ShellCmd *command_table(void)
{
    return commands;
}

/* Aliases of :quit. */
static bool is_quit_alias(const char *name, size_t len)
{
    return (len == 1 && name[0] == 'q') || (len == 4 && strncmp(name, "exit", 4) == 0);
}

static const ShellCmd *find_command(const char *name, size_t len)
{
    for (size_t i = 0; commands[i].name; i++)
        if (strlen(commands[i].name) == len &&
            strncmp(commands[i].name, name, len) == 0)
            return &commands[i];
    return is_quit_alias(name, len) ? find_command("quit", 4) : NULL;
}

static size_t edit_distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b), row[32];
    if (la >= 31 || lb >= 31)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static ShellStatus unknown_command(const char *name, size_t len)
{
    const char *best = NULL;
    size_t bestd = 99;
    for (size_t i = 0; commands[i].name; i++) {
        size_t d = len && strncmp(commands[i].name, name, len) == 0 ? 0 :
                   edit_distance(name, len, commands[i].name);
        if (d < bestd) {
            bestd = d;
            best = commands[i].name;
        }
    }
    fflush(stdout);
    if (best && bestd <= 2)
        fprintf(stderr, ":%.*s: unknown command; did you mean :%s?\n", (int)len, name, best);
    else
        fprintf(stderr, ":%.*s: unknown command; type :help for the list\n", (int)len, name);
    return SHELL_ERROR;
}

ShellStatus shellcmd_run(Repl *R, const char *line)
{
    const char *name = line + 1;
    size_t len = strcspn(name, " \t");
    const char *arg = name + len;
    arg += strspn(arg, " \t");
    size_t alen = strlen(arg);
    while (alen > 0 && (arg[alen - 1] == ' ' || arg[alen - 1] == '\t' || arg[alen - 1] == '\r'))
        alen--;
    const ShellCmd *c = find_command(name, len);
    if (!c)
        return unknown_command(name, len);
    char *a = malloc(alen + 1);
    if (!a)
        return fail("%s%s", "out of memory", "");
    memcpy(a, arg, alen);
    a[alen] = '\0';
    running = c;
    ShellStatus st = c->fn(R, a);
    free(a);
    return st;
}

const char *shellcmd_name(size_t i)
{
    static const char *const names[] = {
        "help", "vars", "time", "load", "save", "export", "history", "reset",
        "seed", "threads", "tutor", "quit", "q", "exit", NULL
    };
    return i < sizeof names / sizeof names[0] ? names[i] : NULL;
}

bool shellcmd_takes_file(const char *name, size_t len)
{
    return (len == 4 && strncmp(name, "load", 4) == 0) ||
           (len == 4 && strncmp(name, "save", 4) == 0) ||
           (len == 6 && strncmp(name, "export", 6) == 0);
}
