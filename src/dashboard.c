/* dashboard.c - the live fit dashboard: terminal, signals, keys, callbacks.
 *
 * Linked into the nnsh program only (ncurses); it registers itself in
 * dashboard_ops (declared in dashboard.h, defined in plot.c) by a
 * constructor, so libfront never references curses.  Painting is in
 * dashboard_draw.c.
 *
 * The screen is a newterm() on /dev/tty (stdout/stdin when there is none),
 * in cbreak mode: Ctrl-C still raises SIGINT, which the dashboard's own
 * handler turns into "stop after this batch" (the same as q), so fit
 * returns its History normally.  SIGWINCH sets a flag and the next check
 * resizes.  SIGTERM and SIGHUP restore the terminal with async-signal-safe
 * calls (write of rmcup/cnorm/sgr0, tcsetattr of the saved modes) and are
 * re-raised with the previous disposition; SIGTSTP does the same, stops,
 * and on SIGCONT the next check re-enters the screen.  Every handler is the
 * previous one again after dashboard_finish.
 *
 * Cost per batch when nothing is redrawn: a few stores and one
 * clock_gettime (vDSO); keys and the screen are looked at every 50 ms.
 */
#define NCURSES_WIDECHAR 1
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <ncurses.h>
#include "dashboard_int.h"

#define CHECK_NS 50000000LL             /* keys: 20 looks a second */
#define DRAW_NS 250000000LL             /* redraws: 4 a second (each one costs ~ms) */

static volatile sig_atomic_t dash_sigint, dash_winch, dash_cont;
static int dash_fd = -1;
static struct termios dash_tio;
static char dash_leave[256];
static size_t dash_leave_len;
static bool dash_live;
static const int dash_signals[] = { SIGINT, SIGWINCH, SIGTERM, SIGHUP, SIGTSTP };
#define NSIG_DASH ((int)(sizeof dash_signals / sizeof dash_signals[0]))
static struct sigaction dash_old[NSIG_DASH];

int64_t dash_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------------------------------------------------------------- signals */

/* Leaves the alternate screen and puts the saved tty modes back using only
 * async-signal-safe calls. */
static void restore_async(void)
{
    if (dash_fd < 0)
        return;
    ssize_t r = write(dash_fd, dash_leave, dash_leave_len);
    (void)r;
    tcsetattr(dash_fd, TCSADRAIN, &dash_tio);
}

static void on_sigint(int sig)
{
    (void)sig;
    dash_sigint = 1;
}

static void on_winch(int sig)
{
    (void)sig;
    dash_winch = 1;
}

static int sig_slot(int sig)
{
    for (int i = 0; i < NSIG_DASH; i++)
        if (dash_signals[i] == sig)
            return i;
    return 0;
}

static void on_fatal(int sig)
{
    int saved = errno;
    restore_async();
    sigaction(sig, &dash_old[sig_slot(sig)], NULL);
    raise(sig);                 /* delivered when this handler returns */
    errno = saved;
}

static void install(int sig, void (*fn)(int));

static void on_tstp(int sig)
{
    int saved = errno;
    restore_async();
    signal(sig, SIG_DFL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, sig);
    raise(sig);
    pthread_sigmask(SIG_UNBLOCK, &m, NULL);     /* stops here until SIGCONT */
    install(SIGTSTP, on_tstp);
    dash_cont = 1;
    errno = saved;
}

static void install(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(sig, &sa, NULL);
}

static void signals_save(void)
{
    for (int i = 0; i < NSIG_DASH; i++)
        sigaction(dash_signals[i], NULL, &dash_old[i]);
}

static void signals_install(void)
{
    dash_sigint = dash_winch = dash_cont = 0;
    install(SIGINT, on_sigint);
    install(SIGWINCH, on_winch);
    install(SIGTERM, on_fatal);
    install(SIGHUP, on_fatal);
    install(SIGTSTP, on_tstp);
}

static void signals_restore(void)
{
    for (int i = 0; i < NSIG_DASH; i++)
        sigaction(dash_signals[i], &dash_old[i], NULL);
}

/* ---------------------------------------------------------------- terminal */

static void leave_append(const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (dash_leave_len + n < sizeof dash_leave) {
        memcpy(dash_leave + dash_leave_len, s, n);
        dash_leave_len += n;
    }
}

static bool utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void open_tty(Dashboard *d)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r+") : NULL;
    if (f) {
        d->tty_out = d->tty_in = f;
        d->own_tty = true;
    } else {
        if (fd >= 0)
            close(fd);
        d->tty_out = stdout;
        d->tty_in = stdin;
    }
    d->fd = fileno(d->tty_out);
}

static void close_tty(Dashboard *d)
{
    if (d->own_tty && d->tty_out)
        fclose(d->tty_out);
    d->tty_out = d->tty_in = NULL;
    d->own_tty = false;
}

static void locale_restore(Dashboard *d)
{
    if (d->saved_locale) {
        setlocale(LC_CTYPE, d->saved_locale);
        free(d->saved_locale);
        d->saved_locale = NULL;
    }
}

static bool screen_open(Dashboard *d)
{
    const char *term = getenv("TERM");
    if (!term || !*term || strcmp(term, "dumb") == 0)
        return false;
    open_tty(d);
    d->have_saved = tcgetattr(d->fd, &d->saved) == 0;
    const char *loc = setlocale(LC_CTYPE, NULL);
    d->saved_locale = loc ? strdup(loc) : NULL;
    setlocale(LC_CTYPE, "");
    signals_save();
    SCREEN *s = newterm(NULL, d->tty_out, d->tty_in);
    if (!s) {
        signals_restore();
        locale_restore(d);
        close_tty(d);
        return false;
    }
    d->screen = s;
    set_term(s);
    cbreak();
    noecho();
    nonl();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    const char *nc = getenv("NO_COLOR");
    d->colour = has_colors() && !(nc && *nc);
    if (d->colour) {
        start_color();
        use_default_colors();
    }
    d->glyphs = utf8_locale() ? PLOT_BRAILLE : PLOT_ASCII;
    dash_leave_len = 0;
    leave_append("sgr0");
    leave_append("cnorm");
    leave_append("rmcup");
    dash_tio = d->saved;
    dash_fd = d->have_saved ? d->fd : -1;
    signals_install();
    d->active = true;
    return true;
}

static void screen_close(Dashboard *d)
{
    if (!d->active)
        return;
    curs_set(1);
    endwin();
    signals_restore();
    if (d->have_saved)
        tcsetattr(d->fd, TCSADRAIN, &d->saved);
    dash_fd = -1;
    delscreen(d->screen);
    d->screen = NULL;
    close_tty(d);
    locale_restore(d);
    d->active = false;
}

/* ---------------------------------------------------------------- keys */

static void resize(Dashboard *d)
{
    dash_winch = 0;
    struct winsize ws;
    if (ioctl(d->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
    d->redraw = true;
}

static void resume(void)
{
    dash_cont = 0;
    endwin();
    refresh();
    clearok(curscr, TRUE);
}

static void key(Dashboard *d, int c)
{
    d->redraw = true;
    switch (c) {
    case 'q': case 'Q': case 3:
        d->stop = true;
        d->paused = false;
        break;
    case 'l': case 'L':
        d->logy = !d->logy;
        break;
    case 'p': case 'P': case ' ':
        d->paused = !d->paused;
        break;
    case 's': case 'S':
        d->smooth = !d->smooth;
        break;
    case KEY_RESIZE:
        clearok(curscr, TRUE);
        break;
    default:
        break;
    }
}

static void read_keys(Dashboard *d)
{
    int c;
    while ((c = getch()) != ERR)
        key(d, c);
}

/* Waits (reading keys, redrawing) while paused. */
static void pause_loop(Dashboard *d)
{
    int64_t t0 = dash_now_ns();
    while (d->paused && !d->stop && !dash_sigint) {
        dash_draw(d);
        timeout(100);
        int c = getch();
        nodelay(stdscr, TRUE);
        if (c != ERR)
            key(d, c);
        if (dash_winch)
            resize(d);
        if (dash_cont)
            resume();
    }
    d->paused_ns += dash_now_ns() - t0;
}

/* The 20-per-second look: signals, keys, pause, redraw. */
static void check(Dashboard *d, int64_t now)
{
    d->t_check = now;
    if (dash_winch)
        resize(d);
    if (dash_cont)
        resume();
    read_keys(d);
    if (dash_sigint)
        d->stop = true;
    if (d->paused)
        pause_loop(d);
    if (dash_sigint)
        d->stop = true;
    if (now - d->t_draw >= DRAW_NS || d->t_draw == 0 || d->redraw) {
        d->redraw = false;
        dash_draw(d);
        d->t_draw = dash_now_ns();
    }
}

/* ---------------------------------------------------------------- callbacks */

static void cb_train_begin(void *ud, int64_t epochs, int64_t steps, int64_t samples)
{
    Dashboard *d = ud;
    (void)samples;
    d->p.epochs = epochs;
    d->steps = steps;
    d->t_start = d->t_epoch = dash_now_ns();
    check(d, d->t_start);
}

static bool cb_epoch_begin(void *ud, int64_t epoch)
{
    Dashboard *d = ud;
    d->epoch = epoch;
    d->step = 0;
    d->prev_mean = 0;
    d->t_epoch = dash_now_ns();
    for (int i = 0; i < DASH_MAX_LOGS; i++)
        d->running[i] = NAN;
    return d->stop;
}

static void push_batch(Dashboard *d, double v)
{
    if (d->nbatch == d->capbatch) {
        if (d->capbatch >= ((size_t)1 << 22)) {     /* keep memory bounded: halve */
            for (size_t i = 0; i < d->nbatch / 2; i++)
                d->batch[i] = d->batch[2 * i + 1];
            d->nbatch /= 2;
        } else {
            size_t cap = d->capbatch ? 2 * d->capbatch : 1024;
            double *b = realloc(d->batch, cap * sizeof *b);
            if (!b)
                return;
            d->batch = b;
            d->capbatch = cap;
        }
    }
    d->batch[d->nbatch++] = v;
}

static bool cb_batch_end(void *ud, int64_t step, const NnLogs *logs)
{
    Dashboard *d = ud;
    d->step = step;
    d->total_steps++;
    if (logs && logs->n > 0) {
        double m = logs->values[0];
        push_batch(d, (double)step * m - (double)(step - 1) * d->prev_mean);
        d->prev_mean = m;
        for (int i = 0; i < logs->n && i < DASH_MAX_LOGS; i++) {
            int k = dash_name_index(d, logs->names[i]);
            if (k >= 0)
                d->running[k] = logs->values[i];
        }
    }
    int64_t now = dash_now_ns();
    if (now - d->t_check >= CHECK_NS || dash_winch || dash_sigint || dash_cont)
        check(d, now);
    return d->stop;
}

static bool cb_epoch_end(void *ud, int64_t epoch, const NnLogs *logs)
{
    Dashboard *d = ud;
    if (d->nep == d->capep) {
        size_t cap = d->capep ? 2 * d->capep : 64;
        DashEpoch *e = realloc(d->ep, cap * sizeof *e);
        if (!e)
            return d->stop;
        d->ep = e;
        d->capep = cap;
    }
    DashEpoch *e = &d->ep[d->nep++];
    for (int i = 0; i < DASH_MAX_LOGS; i++)
        e->values[i] = NAN;
    for (int i = 0; logs && i < logs->n; i++) {
        int k = dash_name_index(d, logs->names[i]);
        if (k >= 0)
            e->values[k] = logs->values[i];
    }
    e->epoch = epoch;
    e->seconds = (double)(dash_now_ns() - d->t_epoch) / 1e9;
    e->steps = d->step;
    int64_t now = dash_now_ns();
    if (now - d->t_check >= CHECK_NS || dash_winch || dash_sigint || dash_cont)
        check(d, now);
    return d->stop;
}

static void cb_train_end(void *ud, const NnLogs *last)
{
    Dashboard *d = ud;
    (void)last;
    if (d->active)
        dash_draw(d);
}

/* ---------------------------------------------------------------- the record */

/* Keras 2's Progbar numbers: ' %.4f', or ' %.4e' for |v| <= 1e-3. */
static void put_value(StrBuf *sb, double v)
{
    sb_printf(sb, fabs(v) > 1e-3 ? " %.4f" : " %.4e", v);
}

static void put_epoch_line(Dashboard *d, const DashEpoch *e, StrBuf *sb)
{
    int64_t steps = d->steps > 0 ? d->steps : e->steps;
    sb_printf(sb, "Epoch %lld/%lld\n", (long long)e->epoch + 1, (long long)d->p.epochs);
    int w = snprintf(NULL, 0, "%lld", (long long)steps);
    sb_printf(sb, "%*lld/%lld [", w, (long long)e->steps, (long long)steps);
    int prog = steps > 0 ? (int)(30 * e->steps / steps) : 30;
    for (int i = 0; i < 30; i++)
        sb_putc(sb, i < prog - 1 ? '=' : i == prog - 1 ? (e->steps < steps ? '>' : '=') : '.');
    double per = e->steps > 0 ? e->seconds / (double)e->steps : 0;
    sb_printf(sb, "] - %.0fs", e->seconds);
    if (per >= 1 || per == 0)
        sb_printf(sb, " %.0fs/step", per);
    else if (per >= 1e-3)
        sb_printf(sb, " %.0fms/step", per * 1e3);
    else
        sb_printf(sb, " %.0fus/step", per * 1e6);
    for (int k = 0; k < d->nnames; k++) {
        if (isnan(e->values[k]))
            continue;
        sb_printf(sb, " - %s:", d->names[k]);
        put_value(sb, e->values[k]);
    }
    sb_putc(sb, '\n');
}

static void print_record(Dashboard *d)
{
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < d->nep; i++)
        put_epoch_line(d, &d->ep[i], &sb);
    if (sb.len)
        interp_write(d->I, sb.data, sb.len);
    sb_free(&sb);
}

/* ---------------------------------------------------------------- lifetime */

static Dashboard *dash_start(Interp *I, const DashboardParams *p, NnFitCallbacks *cb)
{
    if (dash_live)
        return NULL;
    Dashboard *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->I = I;
    d->p = *p;
    d->model = p->model;
    d->steps = p->steps;
    d->epoch = p->initial_epoch;
    d->smooth = true;
    for (int i = 0; i < DASH_MAX_LOGS; i++)
        d->running[i] = NAN;
    fflush(stdout);
    fflush(stderr);
    if (!screen_open(d)) {
        free(d);
        return NULL;
    }
    dash_live = true;
    d->t_start = d->t_epoch = d->t_check = dash_now_ns();
    memset(cb, 0, sizeof *cb);
    cb->ud = d;
    cb->on_train_begin = cb_train_begin;
    cb->on_train_end = cb_train_end;
    cb->on_epoch_begin = cb_epoch_begin;
    cb->on_batch_end = cb_batch_end;
    cb->on_epoch_end = cb_epoch_end;
    return d;
}

static void dash_finish(Dashboard *d)
{
    if (!d)
        return;
    screen_close(d);
    dash_live = false;
    print_record(d);
    free(d->batch);
    free(d->ep);
    free(d);
}

static const DashboardOps ops = { dash_start, dash_finish };

__attribute__((constructor)) static void dash_register(void)
{
    dashboard_ops = &ops;
}
