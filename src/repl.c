/* repl.c - the interactive session: GNU Readline prompt loop, continuation
 * lines, the record of inputs, persistent history and Ctrl-C.
 *
 * Lines are accumulated while interp_run() says RUN_INCOMPLETE (the sqlite
 * shell's way), then the whole input runs at once.  A line starting with ':'
 * at the start of an input is a shell command (shellcmd.c); `?name` and
 * `name?` show help.  Everything the program prints goes through the
 * interpreter's output hook, which this file tees into the record so that
 * :export can write each input with its output.
 *
 * Ctrl-C: at the prompt readline runs in callback mode under select(), and
 * SIGINT only sets a flag that the loop turns into "clear the line".  During
 * evaluation the handler sets interp_interrupted, which the evaluator polls;
 * a second press within the same statement restores SIG_DFL and kills.
 * Signal handling lives only here and in main.c (STYLE.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>
#include "help.h"
#include "repl.h"
#include "shellcmd.h"
#include "tutor.h"

#define HISTORY_MAX 1000
#define BANNER "nnsh 0.1.0 \xe2\x80\x94 type :help, or paste Keras code\n"
#define PROMPT "nnsh> "
#define PROMPT_MORE "... "

/* ---- SIGINT ---- */

static volatile sig_atomic_t prompt_sigint;   /* Ctrl-C while reading a line */
static volatile sig_atomic_t eval_presses;    /* Ctrl-C presses in this statement */

static void set_sigint(void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: blocking reads see EINTR */
    sigaction(SIGINT, &sa, NULL);
}

static void on_sigint_eval(int sig)
{
    if (eval_presses++ > 0) {
        /* The statement did not stop at the first press: let this one kill. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interp_interrupted = 1;
}

/* The self-pipe the prompt waits on beside stdin: the signal may be
 * delivered to any thread (the runtime's workers too), so the handler wakes
 * the session thread through it. */
static int wake_pipe[2] = {-1, -1};

static void on_sigint_prompt(int sig)
{
    (void)sig;
    int saved = errno;
    prompt_sigint = 1;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
        /* full pipe: a wake-up is already pending */
    }
    errno = saved;
}

/* SIGTERM/SIGHUP while readline holds the terminal in raw mode: the loop
 * restores the terminal first, then dies of the signal as usual. */
static volatile sig_atomic_t prompt_fatal;

static void on_fatal_prompt(int sig)
{
    int saved = errno;
    prompt_fatal = sig;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
        /* a wake-up is already pending */
    }
    errno = saved;
}

static void set_fatal_handlers(void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void die_of_fatal_signal(void)
{
    int sig = prompt_fatal;
    rl_callback_handler_remove();       /* the terminal back to normal */
    fflush(stdout);
    set_fatal_handlers(SIG_DFL);
    raise(sig);
}

static void wake_pipe_open(void)
{
    if (pipe(wake_pipe) != 0) {
        wake_pipe[0] = wake_pipe[1] = -1;
        return;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    }
}

static void wake_pipe_close(void)
{
    int w = wake_pipe[1];
    wake_pipe[1] = -1;           /* the handler stops writing first */
    if (w >= 0)
        close(w);
    if (wake_pipe[0] >= 0)
        close(wake_pipe[0]);
    wake_pipe[0] = -1;
}

static void wake_pipe_drain(void)
{
    char buf[64];
    while (wake_pipe[0] >= 0 && read(wake_pipe[0], buf, sizeof buf) > 0)
        continue;
}

void repl_sigint_eval(void)
{
    eval_presses = 0;
    interp_interrupted = 0;
    set_sigint(on_sigint_eval);
}

void repl_sigint_default(void)
{
    set_sigint(SIG_DFL);
}

void repl_block_sigint_here(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* ---- output and the record ---- */

static void tee_output(void *ud, const char *s, size_t n)
{
    Repl *R = ud;
    fwrite(s, 1, n, stdout);
    if (R && R->capturing)
        sb_append(&R->capture, s, n);
}

void repl_print(Repl *R, const char *s)
{
    interp_write(R->I, s, strlen(s));
}

static char *dup_or_empty(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* True when `text` is one expression statement (its printed value is the
 * REPL's echo, which :save has to reproduce explicitly). */
static bool is_single_expression(const char *text, size_t len)
{
    Chunk *c = NULL;
    ParseError err;
    bool yes = false;
    if (parse_chunk(text, len, "<stdin>", 0, &c, &err) == PARSE_OK && c->body) {
        const NodeList *stmts = &c->body->u.block.stmts;
        const Node *e = stmts->n == 1 && stmts->items[0]->kind == NODE_EXPR_STMT ?
                        stmts->items[0]->u.expr_stmt.value : NULL;
        /* print(...) shows its own output and gives None: nothing to echo */
        bool is_print = e && e->kind == NODE_CALL && e->u.call.func->kind == NODE_NAME &&
                        strcmp(e->u.call.func->u.name, "print") == 0;
        yes = e && !is_print;
    }
    chunk_unref(c);
    return yes;
}

/* Appends an input to the record: text (len bytes, a final newline is
 * dropped), the captured output, and the error report when it failed. */
static void record_input(Repl *R, const char *text, size_t len, bool is_command,
                         const char *error)
{
    while (len > 0 && text[len - 1] == '\n')
        len--;
    if (R->ninputs == R->cap) {
        size_t cap = R->cap ? R->cap * 2 : 32;
        ReplInput *bigger = realloc(R->inputs, cap * sizeof *bigger);
        if (!bigger)
            return;
        R->inputs = bigger;
        R->cap = cap;
    }
    ReplInput *in = &R->inputs[R->ninputs];
    in->text = dup_or_empty(text, len);
    in->output = dup_or_empty(R->capture.data ? R->capture.data : "", R->capture.len);
    in->error = error ? strdup(error) : NULL;
    in->is_command = is_command;
    in->echoed = false;
    if (!in->text || !in->output) {
        free(in->text);
        free(in->output);
        free(in->error);
        return;
    }
    if (!is_command && !error && in->output[0])
        in->echoed = is_single_expression(in->text, len);
    R->ninputs++;
}

static void begin_capture(Repl *R)
{
    R->capture.len = 0;
    if (R->capture.data)
        R->capture.data[0] = '\0';
    R->capture.oom = false;
    R->capturing = true;
}

static void end_capture(Repl *R)
{
    R->capturing = false;
    fflush(stdout);
}

RunStatus repl_run_code(Repl *R, const char *src, size_t len,
                        const char *filename, int flags)
{
    repl_sigint_eval();
    RunStatus st = interp_run(R->I, src, len, filename, flags);
    set_sigint(on_sigint_prompt);
    interp_interrupted = 0;
    if (st == RUN_ERROR) {
        fflush(stdout);
        if (R->interactive_tty && interp_error_kind(R->I) == ERR_INTERRUPT)
            fputc('\n', stderr);        /* past the "^C" the terminal echoed */
        fputs(interp_error_text(R->I), stderr);
        fflush(stderr);
    } else if (st == RUN_EXIT) {
        R->quit = true;
        R->exit_status = interp_exit_status(R->I);
    }
    return st;
}

/* ---- one input ---- */

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || (unsigned char)c >= 0x80;
}

/* `?name` or `name?` (a dotted name): copies the name into buf. */
static bool help_request(const char *line, char *buf, size_t size)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    const char *s = line;
    if (n > 1 && s[0] == '?') {
        s++, n--;
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
    } else if (n > 1 && s[n - 1] == '?') {
        n--;
    } else {
        return false;
    }
    if (n == 0 || n >= size || s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(s[i]))
            return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

static void run_help_request(Repl *R, const char *line, const char *name)
{
    StrBuf sb;
    sb_init(&sb);
    begin_capture(R);
    bool ok = help_topic(R->I, name, &sb);
    if (ok) {
        if (sb.len && sb.data[sb.len - 1] != '\n')
            sb_putc(&sb, '\n');
        if (sb.data)
            repl_print(R, sb.data);
    } else {
        fflush(stdout);
        fprintf(stderr, "error: %s: %s\n", errkind_name(interp_error_kind(R->I)),
                interp_error_message(R->I));
        interp_clear_error(R->I);
    }
    end_capture(R);
    record_input(R, line, strlen(line), true, ok ? NULL : "no help");
    sb_free(&sb);
}

static void run_command(Repl *R, const char *line)
{
    begin_capture(R);
    ShellStatus st = shellcmd_run(R, line);
    end_capture(R);
    if (st == SHELL_QUIT) {
        R->quit = true;
        return;
    }
    record_input(R, line, strlen(line), true, st == SHELL_ERROR ? "error" : NULL);
}

/* Runs the accumulated input.  Returns true when more lines are needed. */
static bool run_pending(Repl *R)
{
    begin_capture(R);
    RunStatus st = repl_run_code(R, R->pending.data, R->pending.len, "<stdin>",
                                 RUN_INTERACTIVE);
    end_capture(R);
    if (st == RUN_INCOMPLETE)
        return true;
    record_input(R, R->pending.data, R->pending.len, false,
                 st == RUN_ERROR ? interp_error_text(R->I) : NULL);
    if (st == RUN_ERROR)
        interp_clear_error(R->I);
    R->pending.len = 0;
    tutor_after_input(R, st != RUN_ERROR);
    return false;
}

/* Handles one physical line.  Returns true when the next prompt is a
 * continuation prompt. */
static bool feed_line(Repl *R, const char *line)
{
    char name[256];
    if (R->pending.len == 0) {
        const char *p = line + strspn(line, " \t");
        if (*p == '\0')
            return false;
        if (*p == ':') {
            run_command(R, p);
            return false;
        }
        if (help_request(p, name, sizeof name)) {
            run_help_request(R, p, name);
            return false;
        }
    }
    sb_puts(&R->pending, line);
    sb_putc(&R->pending, '\n');
    if (R->pending.oom) {
        fputs("error: MemoryError: input too long\n", stderr);
        R->pending.len = 0;
        R->pending.oom = false;
        return false;
    }
    return run_pending(R);
}

/* A pasted block arrives as one line holding newlines: feed each line in
 * turn, as if typed. */
static bool feed_text(Repl *R, const char *text)
{
    bool more = false;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = dup_or_empty(p, n);
        if (!line)
            return false;
        more = feed_line(R, line);
        free(line);
        if (!nl || R->quit)
            break;
        p = nl + 1;
        if (*p == '\0')
            break;
    }
    return more;
}

/* ---- history ---- */

static void history_warn(Repl *R, const char *what, int err)
{
    fprintf(stderr, "nnsh: warning: cannot %s history file '%s': %s; history will not be saved\n",
            what, R->history_path, strerror(err));
    free(R->history_path);
    R->history_path = NULL;
}

static char *history_file_path(void)
{
    const char *env = getenv("NNSH_HISTFILE");
    if (env)
        return *env ? strdup(env) : NULL;
    const char *home = getenv("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home)
        return NULL;
    size_t n = strlen(home) + sizeof "/.nnsh_history";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/.nnsh_history", home);
    return path;
}

static void history_open(Repl *R)
{
    using_history();
    stifle_history(HISTORY_MAX);
    R->history_path = history_file_path();
    if (!R->history_path)
        return;
    int err = read_history(R->history_path);
    if (err == ENOENT) {
        err = write_history(R->history_path);
        if (err == 0)
            chmod(R->history_path, 0600);    /* what was typed is private */
    }
    if (err != 0)
        history_warn(R, "use", err);
}

static void history_add(Repl *R, const char *line)
{
    if (line[strspn(line, " \t")] == '\0')
        return;
    add_history(line);
    if (R->history_path) {
        int err = append_history(1, R->history_path);
        if (err != 0)
            history_warn(R, "write", err);
    }
}

static void history_close(Repl *R)
{
    if (R->history_path)
        history_truncate_file(R->history_path, HISTORY_MAX);
    clear_history();
}

/* ---- the readline loop (callback mode under select) ---- */

static char *got_line;
static bool got;

static void on_line(char *line)
{
    got_line = line;
    got = true;
    rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: forget the line (and any unfinished block), show a
 * fresh prompt. */
static void clear_after_sigint(Repl *R)
{
    rl_point = rl_end;           /* show "^C" after the text, as bash does */
    rl_redisplay();
    fputs("^C", rl_outstream);
    rl_crlf();
    fflush(rl_outstream);
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_on_new_line();            /* the next prompt starts a fresh line */
    rl_callback_handler_remove();
    R->pending.len = 0;
}

/* Reads one line with readline.  Returns NULL at end of input.  SIGINT is
 * blocked except inside pselect(), so a Ctrl-C is never lost between the
 * check of the flag and the wait. */
static char *read_line_tty(Repl *R, bool *more)
{
    int fd = fileno(rl_instream);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGINT);
    got = false;
    got_line = NULL;
    fflush(stdout);
    fflush(stderr);
    set_fatal_handlers(on_fatal_prompt);
    rl_callback_handler_install(*more ? PROMPT_MORE : PROMPT, on_line);
    while (!got) {
        if (prompt_fatal)
            die_of_fatal_signal();
        if (prompt_sigint) {
            prompt_sigint = 0;
            clear_after_sigint(R);
            *more = false;
            rl_callback_handler_install(PROMPT, on_line);
            continue;
        }
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fd, &fds);
        if (wake_pipe[0] >= 0)
            FD_SET(wake_pipe[0], &fds);
        int nfds = (fd > wake_pipe[0] ? fd : wake_pipe[0]) + 1;
        int r = pselect(nfds, &fds, NULL, NULL, NULL, &waitmask);
        if (r < 0 && errno != EINTR) {
            rl_callback_handler_remove();
            break;
        }
        if (r > 0 && wake_pipe[0] >= 0 && FD_ISSET(wake_pipe[0], &fds))
            wake_pipe_drain();
        if (r > 0 && FD_ISSET(fd, &fds))
            rl_callback_read_char();
    }
    set_fatal_handlers(SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &block, NULL);
    return got_line;
}

static void loop_tty(Repl *R)
{
    bool more = false;
    rl_catch_signals = 0;        /* SIGINT is ours (see read_line_tty) */
    rl_instream = stdin;
    rl_outstream = stdout;
    complete_install(R);
    history_open(R);
    wake_pipe_open();
    while (!R->quit) {
        char *line = read_line_tty(R, &more);
        if (!line) {
            fputc('\n', stdout);
            break;
        }
        history_add(R, line);
        more = feed_text(R, line);
        free(line);
    }
    wake_pipe_close();
    history_close(R);
}

/* ---- the plain loop: stdin is not a terminal (nnsh -i < file) ---- */

static void loop_plain(Repl *R)
{
    char *buf = NULL;
    size_t cap = 0;
    bool more = false;
    while (!R->quit) {
        fflush(stdout);
        fputs(more ? PROMPT_MORE : PROMPT, stderr);
        fflush(stderr);
        errno = 0;
        ssize_t n = getline(&buf, &cap, stdin);
        if (n < 0) {
            if (errno == EINTR && prompt_sigint) {
                prompt_sigint = 0;
                clearerr(stdin);
                R->pending.len = 0;
                more = false;
                fputc('\n', stderr);
                continue;
            }
            fputc('\n', stderr);
            break;
        }
        if (n > 0 && buf[n - 1] == '\n')
            buf[--n] = '\0';
        more = feed_line(R, buf);
    }
    free(buf);
}

static void repl_free(Repl *R)
{
    for (size_t i = 0; i < R->ninputs; i++) {
        free(R->inputs[i].text);
        free(R->inputs[i].output);
        free(R->inputs[i].error);
    }
    free(R->inputs);
    free(R->history_path);
    tutor_free(R);
    sb_free(&R->pending);
    sb_free(&R->capture);
}

static void repl_init(Repl *R, Interp *I)
{
    memset(R, 0, sizeof *R);
    R->I = I;
    sb_init(&R->pending);
    sb_init(&R->capture);
    interp_set_output(I, tee_output, R);
}

static void repl_done(Repl *R)
{
    fflush(stdout);
    interp_set_output(R->I, tee_output, NULL);   /* R is going away */
    repl_free(R);
}

int repl_main(Interp *I, bool quiet)
{
    Repl R;
    repl_init(&R, I);
    R.interactive_tty = isatty(STDIN_FILENO);
    set_sigint(on_sigint_prompt);
    if (!quiet) {
        fputs(BANNER, R.interactive_tty ? stdout : stderr);
        fflush(stdout);
    }
    if (R.interactive_tty)
        loop_tty(&R);
    else
        loop_plain(&R);
    set_sigint(SIG_DFL);
    int status = R.exit_status;
    repl_done(&R);
    return status;
}

/* ---- nnsh --export: a script as a notebook ---- */

/* Byte offset of the start of 1-based line `line` of src. */
static size_t line_offset(const char *src, size_t len, int line)
{
    size_t off = 0;
    for (int l = 1; l < line && off < len; off++)
        if (src[off] == '\n')
            l++;
    return off;
}

static int stmt_first_line(const Node *n)
{
    if (n->kind == NODE_DEF && n->u.func.decorators.n > 0)
        return n->u.func.decorators.items[0]->line;
    return n->line;
}

/* Runs src[from, to) (starting at line `line`) so that error reports carry
 * the script's own line numbers: the text is preceded by line-1 newlines. */
static RunStatus run_piece(Repl *R, const char *src, size_t from, size_t to, int line,
                           const char *filename)
{
    StrBuf buf;
    sb_init(&buf);
    for (int l = 1; l < line; l++)
        sb_putc(&buf, '\n');
    sb_append(&buf, src + from, to - from);
    RunStatus st = RUN_ERROR;
    if (!buf.oom)
        st = repl_run_code(R, buf.data ? buf.data : "", buf.len, filename, 0);
    else
        fputs("nnsh: out of memory\n", stderr);
    sb_free(&buf);
    return st;
}

/* Runs the statements of a parsed script one line-group at a time; a cell
 * of the notebook ends with each statement that printed something. */
static int run_cells(Repl *R, const Chunk *c, const char *src, size_t len)
{
    const NodeList *st = &c->body->u.block.stmts;
    size_t cell_from = 0;
    int status = 0;
    begin_capture(R);
    for (int i = 0; i < st->n && status == 0;) {
        int line = stmt_first_line(st->items[i]), j = i + 1;
        while (j < st->n && stmt_first_line(st->items[j]) <= line)
            j++;                          /* statements sharing a line run together */
        size_t from = i == 0 ? 0 : line_offset(src, len, line);
        size_t to = j < st->n ? line_offset(src, len, stmt_first_line(st->items[j])) : len;
        RunStatus rs = run_piece(R, src, from, to, i == 0 ? 1 : line, c->filename);
        if (rs == RUN_ERROR)
            status = interp_error_kind(R->I) == ERR_INTERRUPT ? 130 : 1;
        else if (rs == RUN_EXIT)
            status = R->exit_status;
        if (R->capture.len > 0 || rs != RUN_OK || j == st->n) {
            end_capture(R);
            record_input(R, src + cell_from, to - cell_from, false,
                         rs == RUN_ERROR ? interp_error_text(R->I) : NULL);
            begin_capture(R);
            cell_from = to;
        }
        interp_clear_error(R->I);
        i = j;
    }
    end_capture(R);
    return status;
}

int repl_export_script(Interp *I, const char *src, size_t len, const char *filename,
                       const char *md_path)
{
    Repl R;
    Chunk *c = NULL;
    ParseError pe;
    int status;
    size_t count;
    repl_init(&R, I);
    if (parse_chunk(src, len, filename, 0, &c, &pe) == PARSE_OK) {
        status = run_cells(&R, c, src, len);
    } else {                      /* let the interpreter report it */
        begin_capture(&R);
        RunStatus rs = repl_run_code(&R, src, len, filename, 0);
        end_capture(&R);
        record_input(&R, src, len, false, rs == RUN_ERROR ? interp_error_text(I) : NULL);
        status = rs == RUN_ERROR ? 1 : 0;
        interp_clear_error(I);
    }
    chunk_unref(c);
    repl_sigint_default();
    if (!shellcmd_write_notebook(&R, md_path, filename, &count) && status == 0)
        status = 1;
    repl_done(&R);
    return status;
}
