/* plot_data.c - values to numbers and the output terminal, for the plot
 * built-ins (plot.c).  Part of libfront: no ncurses here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "plot_int.h"
#include "tensor_value.h"

static bool has_utf8(const char *v)
{
    for (; *v; v++)
        if (strncasecmp(v, "utf-8", 5) == 0 || strncasecmp(v, "utf8", 4) == 0)
            return true;
    return false;
}

static bool utf8_env(void)
{
    const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return has_utf8(v);
    }
    return false;
}

void plot_env(PlotEnv *e)
{
    bool tty = isatty(STDOUT_FILENO);
    const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
    bool dumb = !term || !*term || strcmp(term, "dumb") == 0;
    e->width = 80;
    struct winsize ws;
    if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        e->width = ws.ws_col;
    if (e->width < 20)
        e->width = 20;
    if (e->width > 400)
        e->width = 400;
    e->colour = tty && !dumb && !(nc && *nc);
    e->glyphs = (!(tty && dumb) && utf8_env()) ? PLOT_BRAILLE : PLOT_ASCII;
}

bool plot_values(Interp *I, const char *fname, Value v, double **out, size_t *n,
                 int *ndim, int64_t *shape)
{
    NnTensor *t = NULL;
    if (v.kind == VAL_NONE || val_is_obj(v, OBJ_STR) || val_is_obj(v, OBJ_DICT))
        return interp_error(I, ERR_TYPE, "%s() expects numbers (a list or an array), not %s",
                            fname, value_type_name(v));
    if (!tensor_from_value(I, v, NN_F64, TENSOR_NP, &t))
        return false;
    int64_t m = nn_tensor_numel(t);
    double *d = malloc((size_t)(m > 0 ? m : 1) * sizeof *d);
    if (!d) {
        nn_tensor_unref(t);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    for (int64_t i = 0; i < m; i++)
        d[i] = nn_tensor_get_f64(t, i);
    if (ndim)
        *ndim = t->ndim;
    if (shape)
        memcpy(shape, t->shape, sizeof t->shape);
    nn_tensor_unref(t);
    *out = d;
    *n = (size_t)m;
    return true;
}

bool plot_is_u8(Value v)
{
    NnTensor *t = tensor_value_get(v);
    return t && t->dtype == NN_U8;
}

void plot_emit(Interp *I, const PlotGrid *g, const PlotEnv *e)
{
    StrBuf sb;
    sb_init(&sb);
    plot_grid_to_text(g, e->colour, &sb);
    if (sb.len)
        interp_write(I, sb.data, sb.len);
    sb_free(&sb);
}

Value plot_kw(const Args *a, const char *name)
{
    for (int i = 0; i < a->nkw; i++)
        if (strcmp(a->kwnames[i], name) == 0)
            return a->kwvals[i];
    Value unset = { VAL_UNSET, { 0 } };
    return unset;
}

bool plot_check_kws(Interp *I, const char *fname, const Args *a, const char *const *allowed)
{
    for (int i = 0; i < a->nkw; i++) {
        bool ok = false;
        for (int j = 0; allowed[j] && !ok; j++)
            ok = strcmp(a->kwnames[i], allowed[j]) == 0;
        if (!ok)
            return interp_error(I, ERR_TYPE, "%s() got an unexpected keyword argument '%s'",
                                fname, a->kwnames[i]);
    }
    return true;
}

bool plot_kw_int(Interp *I, const char *fname, const Args *a, const char *name, int dflt,
                 int lo, int hi, int *out)
{
    Value v = plot_kw(a, name);
    *out = dflt;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    int64_t x;
    if (!arg_int(I, fname, name, v, &x))
        return false;
    if (x < lo || x > hi)
        return interp_error(I, ERR_VALUE, "%s(): %s must be between %d and %d, got %lld",
                            fname, name, lo, hi, (long long)x);
    *out = (int)x;
    return true;
}
