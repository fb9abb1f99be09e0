/* interp.c - the Interp: lifetime, the pending error and its report,
 * globals and built-ins, the module registry (lazy, dotted names), running
 * chunks (interp_run), output hooks, warnings and the interrupt flag.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "object.h"
#include "modules.h"
#include "nn.h"

bool types_install_names(Interp *I);
void types_free(Interp *I);

volatile sig_atomic_t interp_interrupted = 0;

bool interp_check_interrupt(Interp *I)
{
    if (!interp_interrupted)
        return true;
    interp_interrupted = 0;
    return interp_error(I, ERR_INTERRUPT, "interrupted");
}

/* ---- the pending error ---- */

static void error_clear_fields(Interp *I)
{
    free(I->err_msg);
    I->err_msg = NULL;
    value_decref(I->err_exc);
    I->err_exc = (Value){VAL_UNSET, {0}};
    chunk_unref(I->err_chunk);
    I->err_chunk = NULL;
    I->err_line = I->err_col = 0;
}

void interp_note_position(Interp *I)
{
    chunk_unref(I->err_chunk);
    I->err_chunk = NULL;
    I->err_line = I->err_col = 0;
    if (I->cur_node && I->cur_chunk) {
        I->err_chunk = I->cur_chunk;
        chunk_ref(I->err_chunk);
        I->err_line = I->cur_node->line;
        I->err_col = I->cur_node->col;
    }
}

bool interp_error(Interp *I, ErrKind kind, const char *fmt, ...)
{
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    error_clear_fields(I);
    I->err = true;
    I->err_kind = kind;
    I->err_msg = sb.data ? sb.data : strdup(kind == ERR_MEMORY ? "out of memory" : "");
    interp_note_position(I);
    return false;
}

void interp_set_error_exc(Interp *I, Value exc)
{
    StrBuf sb;
    sb_init(&sb);
    ObjInstance *in = (ObjInstance *)exc.as.o;
    value_incref(exc);
    if (!exc_message(I, exc, &sb)) {
        sb_free(&sb);
        value_decref(exc);
        return;                      /* the error of str(e) stays pending */
    }
    error_clear_fields(I);
    I->err = true;
    I->err_kind = (ErrKind)exc_kind_of_class(in->cls);
    I->err_msg = sb.data ? sb.data : strdup("");
    I->err_exc = exc;
    interp_note_position(I);
}

/* numpy's "axis 2 is out of bounds for array of dimension 2" (raised by
 * the array code and by lib as a value error) is numpy.AxisError. */
static bool is_axis_error(int kind, const char *msg)
{
    return kind == ERR_VALUE && msg && strncmp(msg, "axis ", 5) == 0 &&
           strstr(msg, " is out of bounds for array of dimension ");
}

bool interp_error_x(Interp *I, int xkind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    interp_error_xv(I, xkind, fmt, ap);
    va_end(ap);
    return false;
}

bool interp_error_named(Interp *I, const char *cls, const char *fmt, ...)
{
    int x = ERR_EXCEPTION;
    for (int i = 0; i < X_COUNT; i++)
        if (I->exc[i] && strcmp(I->exc[i]->name, cls) == 0)
            x = i;
    va_list ap;
    va_start(ap, fmt);
    interp_error_xv(I, x, fmt, ap);
    va_end(ap);
    return false;
}

bool interp_error_xv(Interp *I, int xkind, const char *fmt, va_list ap)
{
    StrBuf sb;
    Value msg, exc;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    interp_error(I, (ErrKind)exc_kind_of_class(I->exc[xkind]), "%s", sb.data ? sb.data : "");
    if (sb.data && str_from_cstr(I, sb.data, &msg)) {
        if (exc_new(I, I->exc[xkind], &msg, 1, &exc)) {
            ((ObjInstance *)exc.as.o)->msg = strdup(sb.data);
            value_decref(I->err_exc);
            I->err_exc = exc;
        }
        value_decref(msg);
    }
    sb_free(&sb);
    return false;
}

/* The pending error as an exception instance (made on first use). */
bool interp_error_exc_value(Interp *I, Value *out)
{
    if (I->err_exc.kind == VAL_UNSET) {
        Value msg, exc;
        int kind = I->err_kind;
        /* args as Python has them: () for a bare error, the key itself
         * (unquoted) for a KeyError whose message is its repr */
        const char *em = I->err_msg ? I->err_msg : "";
        size_t elen = strlen(em);
        bool ok = kind == ERR_KEY && elen >= 2 && em[0] == '\'' && em[elen - 1] == '\'' &&
                  !memchr(em + 1, '\'', elen - 2)
                  ? str_new(I, em + 1, elen - 2, &msg) : str_from_cstr(I, em, &msg);
        if (!ok)
            return false;
        ObjType *cls = exc_class_for_kind(I, kind);
        Value args[3] = {msg, val_none(), val_none()};
        int nargs = elen > 0;
        long long ax, nd;
        if (is_axis_error(kind, em) && sscanf(em, "axis %lld is out of bounds for array of "
                                              "dimension %lld", &ax, &nd) == 2) {
            cls = I->exc[X_AXIS];       /* numpy's args: (axis, ndim, msg_prefix) */
            args[0] = val_int(ax);
            args[1] = val_int(nd);
            nargs = 3;
        }
        if (!exc_new(I, cls, args, nargs, &exc)) {
            value_decref(msg);
            return false;
        }
        value_decref(msg);
        /* str(e) has no hint: Python adds "Did you mean" only to the report */
        char *m = strdup(I->err_msg ? I->err_msg : "");
        char *hint = m ? strstr(m, ". Did you mean: '") : NULL;
        if (hint && (kind == ERR_NAME || kind == ERR_ATTRIBUTE))
            *hint = '\0';
        ((ObjInstance *)exc.as.o)->msg = m;
        I->err_exc = exc;
    }
    value_incref(I->err_exc);
    *out = I->err_exc;
    return true;
}

void err_save(Interp *I, ErrState *st)
{
    st->err = I->err;
    st->kind = I->err_kind;
    st->msg = I->err_msg;
    st->exc = I->err_exc;
    st->chunk = I->err_chunk;
    st->line = I->err_line;
    st->col = I->err_col;
    I->err = false;
    I->err_msg = NULL;
    I->err_exc = (Value){VAL_UNSET, {0}};
    I->err_chunk = NULL;
    I->err_line = I->err_col = 0;
}

void err_restore(Interp *I, ErrState *st)
{
    error_clear_fields(I);
    I->err = st->err;
    I->err_kind = st->kind;
    I->err_msg = st->msg;
    I->err_exc = st->exc;
    I->err_chunk = st->chunk;
    I->err_line = st->line;
    I->err_col = st->col;
    memset(st, 0, sizeof *st);
}

void err_drop(ErrState *st)
{
    free(st->msg);
    value_decref(st->exc);
    chunk_unref(st->chunk);
    memset(st, 0, sizeof *st);
}

bool interp_error_pending(const Interp *I) { return I->err; }
ErrKind interp_error_kind(const Interp *I) { return I->err_kind; }
const char *interp_error_message(const Interp *I) { return I->err_msg ? I->err_msg : ""; }

void interp_clear_error(Interp *I)
{
    error_clear_fields(I);
    I->err = false;
}

bool interp_error_from_nn(Interp *I)
{
    NnCtx *ctx = I->nn;
    ErrKind k;
    switch (nn_status(ctx)) {
    case NN_ENOMEM: k = ERR_MEMORY; break;
    case NN_EINDEX: k = ERR_INDEX; break;
    case NN_ETYPE: k = ERR_TYPE; break;
    case NN_EIO: k = ERR_IO; break;
    case NN_EINTR: k = ERR_INTERRUPT; break;
    default: k = ERR_VALUE; break;
    }
    interp_error(I, k, "%s", nn_errmsg(ctx));
    nn_clear_error(ctx);
    if (k == ERR_INTERRUPT)
        interp_interrupted = 0;
    return false;
}

/* ---- the report ---- */

static const char *error_class_name(const Interp *I)
{
    if (I->err_exc.kind == VAL_OBJ && ((ObjInstance *)I->err_exc.as.o)->cls == I->exc[X_AXIS])
        return "numpy.AxisError";
    if (I->err_exc.kind == VAL_OBJ)
        return ((ObjInstance *)I->err_exc.as.o)->cls->name;
    if (is_axis_error(I->err_kind, I->err_msg))
        return "numpy.AxisError";
    return errkind_name(I->err_kind);
}

/* The class name as Python's traceback shows it: "module.Name" unless the
 * class's __module__ is builtins or __main__ (numpy.linalg.LinAlgError). */
static const char *error_class_qualname(Interp *I, char *buf, size_t size)
{
    const char *name = error_class_name(I);
    Value mod = {0};
    bool found = false;
    if (I->err_exc.kind != VAL_OBJ || name != ((ObjInstance *)I->err_exc.as.o)->cls->name)
        return name;
    ObjType *cls = ((ObjInstance *)I->err_exc.as.o)->cls;
    if (cls->dict.kind != VAL_OBJ || !dict_get_str(I, cls->dict, "__module__", &mod, &found) || !found)
        return name;
    Value qual = {0};
    bool has_qual = dict_get_str(I, cls->dict, "__qualname__", &qual, &found) && found &&
                    val_is_obj(qual, OBJ_STR);
    if (val_is_obj(mod, OBJ_STR) && strcmp(str_cstr(mod), "builtins") != 0 &&
        strcmp(str_cstr(mod), "__main__") != 0) {
        snprintf(buf, size, "%s.%s", str_cstr(mod), has_qual ? str_cstr(qual) : name);
        name = buf;
    }
    value_decref(qual);
    value_decref(mod);
    return name;
}

/* The line and a caret under column `col` (1-based bytes), keeping tabs. */
static void report_source(StrBuf *sb, const char *line, size_t len, int col)
{
    sb_append(sb, line, len);
    sb_putc(sb, '\n');
    for (size_t i = 0; i + 1 < (size_t)col && i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '\t')
            sb_putc(sb, '\t');
        else if ((c & 0xC0) != 0x80)
            sb_putc(sb, ' ');
    }
    sb_puts(sb, "^\n");
}

static void build_report(Interp *I, const char *file, int line, int col, const char *kind,
                         const char *msg, const char *src_line, size_t src_len)
{
    StrBuf *sb = &I->err_text;
    sb_free(sb);
    if (line > 0)
        sb_printf(sb, "%s:%d:%d: error: %s", file, line, col > 0 ? col : 1, kind);
    else
        sb_printf(sb, "%s: error: %s", file, kind);
    if (msg && *msg)
        sb_printf(sb, ": %s", msg);
    sb_putc(sb, '\n');
    if (src_line)
        report_source(sb, src_line, src_len, col > 0 ? col : 1);
}

static void report_runtime_error(Interp *I, const char *filename)
{
    const char *src = NULL;
    size_t len = 0;
    const char *file = filename;
    if (I->err_chunk) {
        src = chunk_line(I->err_chunk, I->err_line, &len);
        file = I->err_chunk->filename;
    }
    char qual[256];
    build_report(I, file, I->err_chunk ? I->err_line : 0, I->err_col, error_class_qualname(I, qual, sizeof qual),
                 I->err_msg, src, len);
}

static const char *line_of(const char *src, size_t n, int line, size_t *len)
{
    const char *p = src, *end = src + n;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p > end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((nl ? nl : end) - p);
    if (*len && p[*len - 1] == '\r')
        (*len)--;
    return p;
}

static void report_parse_error(Interp *I, const char *src, size_t n, const char *file,
                               const ParseError *pe)
{
    const char *kind = "SyntaxError";
    bool oom = strcmp(pe->msg, "out of memory") == 0;   /* the parser ran out */
    if (oom)
        kind = "MemoryError";
    else if (strstr(pe->msg, "tabs and spaces"))
        kind = "TabError";
    else if (strstr(pe->msg, "indent"))
        kind = "IndentationError";
    size_t len = 0;
    const char *line = line_of(src, n, pe->line, &len);
    if (line && memchr(line, '\0', len))
        line = NULL;
    build_report(I, file, pe->line, pe->col, kind, pe->msg, line, len);
    error_clear_fields(I);
    I->err = true;
    I->err_kind = oom ? ERR_MEMORY : strcmp(kind, "SyntaxError") ? ERR_INDENT : ERR_SYNTAX;
    I->err_msg = strdup(pe->msg);
}

/* SystemExit: the status from the message ("3", "", "None") or 1 with the
 * message written to stderr, as Python does for sys.exit("msg"). */
static void take_exit_status(Interp *I)
{
    const char *m = I->err_msg ? I->err_msg : "";
    char *end;
    long v = strtol(m, &end, 10);
    if (!*m || strcmp(m, "None") == 0)
        I->exit_status = 0;
    else if (!*end)
        I->exit_status = (int)v;
    else {
        fflush(stdout);
        fprintf(stderr, "%s\n", m);
        I->exit_status = 1;
    }
}

RunStatus interp_run(Interp *I, const char *src, size_t len, const char *filename, int flags)
{
    Chunk *chunk = NULL;
    ParseError pe;
    bool interactive = flags & RUN_INTERACTIVE;
    interp_clear_error(I);
    sb_free(&I->err_text);
    memset(&pe, 0, sizeof pe);
    ParseStatus ps = parse_chunk(src, len, filename ? filename : "<string>",
                                 interactive ? PARSE_INTERACTIVE : 0, &chunk, &pe);
    if (ps == PARSE_INCOMPLETE && interactive)
        return RUN_INCOMPLETE;
    if (ps != PARSE_OK) {
        if (ps == PARSE_INCOMPLETE && !pe.msg[0])
            snprintf(pe.msg, sizeof pe.msg, "unexpected EOF while parsing");
        report_parse_error(I, src, len, filename ? filename : "<string>", &pe);
        I->exit_status = 1;
        return RUN_ERROR;
    }
    bool ok = eval_chunk(I, chunk, interactive);
    RunStatus st = RUN_OK;
    if (!ok) {
        if (I->err_kind == ERR_SYSTEM_EXIT) {
            take_exit_status(I);
            st = RUN_EXIT;
        } else {
            report_runtime_error(I, chunk->filename);
            I->exit_status = I->err_kind == ERR_INTERRUPT ? 130 : 1;
            st = RUN_ERROR;
        }
    }
    chunk_unref(chunk);
    fflush(stdout);
    return st;
}

int interp_exit_status(const Interp *I) { return I->exit_status; }

const char *interp_error_text(const Interp *I)
{
    return I->err_text.data ? I->err_text.data : "";
}

bool interp_call(Interp *I, Value fn, int npos, const Value *pos, Value *out)
{
    Args a = {npos, pos, 0, NULL, NULL};
    return value_call(I, fn, &a, out);
}

/* ---- globals and built-ins ---- */

bool interp_get_global(Interp *I, const char *name, Value *out, bool *found)
{
    return dict_get_str(I, I->globals, name, out, found);
}

bool interp_set_global(Interp *I, const char *name, Value v)
{
    return dict_set_str(I, I->globals, name, v);
}

Value interp_globals(Interp *I) { return I->globals; }

static bool append_keys(Interp *I, Value list, Value dict)
{
    size_t pos = 0;
    Value k;
    while (dict_next(dict, &pos, &k, NULL))
        if (!list_append(I, list, k))
            return false;
    return true;
}

bool interp_visible_names(Interp *I, Value *out)
{
    Value l;
    if (!list_new(I, 0, &l))
        return false;
    if (!append_keys(I, l, I->globals) || !append_keys(I, l, I->builtins)) {
        value_decref(l);
        return false;
    }
    *out = l;
    return true;
}

bool interp_add_builtin(Interp *I, const char *name, Value v)
{
    return dict_set_str(I, I->builtins, name, v);
}

bool interp_add_builtins(Interp *I, const NativeDef *defs)
{
    for (const NativeDef *d = defs; d->name; d++) {
        Value f;
        if (!native_new(I, d, d->name, (Value){VAL_UNSET, {0}}, &f))
            return false;
        bool ok = interp_add_builtin(I, d->name, f);
        value_decref(f);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- modules ---- */

bool interp_register_module(Interp *I, const char *dotted, ModuleCreateFn create)
{
    for (int i = 0; i < I->nregistry; i++)
        if (strcmp(I->registry[i].name, dotted) == 0) {
            I->registry[i].create = create;
            return true;
        }
    if (I->nregistry == I->capregistry) {
        int cap = I->capregistry ? I->capregistry * 2 : 16;
        ModEntry *r = realloc(I->registry, (size_t)cap * sizeof(ModEntry));
        if (!r)
            return interp_error(I, ERR_MEMORY, "out of memory");
        I->registry = r;
        I->capregistry = cap;
    }
    char *name = strdup(dotted);
    if (!name)
        return interp_error(I, ERR_MEMORY, "out of memory");
    I->registry[I->nregistry].name = name;
    I->registry[I->nregistry++].create = create;
    return true;
}

static bool not_found(Interp *I, const char *dotted)
{
    StrBuf sb;
    sb_init(&sb);
    int n = 0;
    for (int i = 0; i < I->nregistry; i++)
        if (!strchr(I->registry[i].name, '.')) {
            sb_printf(&sb, "%s%s", n++ ? ", " : "", I->registry[i].name);
        }
    if (n)
        interp_error(I, ERR_IMPORT, "No module named '%s' (nnsh provides: %s)", dotted, sb.data);
    else
        interp_error(I, ERR_IMPORT, "No module named '%s'", dotted);
    sb_free(&sb);
    /* str(e) and e.args are Python's; the list of modules is only in the report */
    Value exc, msg;
    sb_init(&sb);
    sb_printf(&sb, "No module named '%s'", dotted);
    if (sb.data && str_from_cstr(I, sb.data, &msg)) {
        if (exc_new(I, I->exc[X_MODNOTFOUND], &msg, 1, &exc)) {
            ((ObjInstance *)exc.as.o)->msg = strdup(sb.data);
            I->err_exc = exc;
        }
        value_decref(msg);
    }
    sb_free(&sb);
    return false;
}

/* Creates a registered module and links it into its parent. */
static bool import_registered(Interp *I, const char *dotted, ModuleCreateFn create, Value *out)
{
    Value m;
    if (!create(I, &m))
        return false;
    if (!dict_set_str(I, I->modules, dotted, m)) {
        value_decref(m);
        return false;
    }
    const char *dot = strrchr(dotted, '.');
    if (dot) {
        char parent[256];
        size_t pl = (size_t)(dot - dotted);
        if (pl < sizeof parent) {
            memcpy(parent, dotted, pl);
            parent[pl] = '\0';
            Value p;
            if (interp_import(I, parent, &p)) {
                if (val_is_obj(p, OBJ_MODULE) && !dict_find_cstr(((ObjModule *)p.as.o)->dict, dot + 1))
                    module_set(I, p, dot + 1, m);
                value_decref(p);
            } else {
                interp_clear_error(I);
            }
        }
    }
    *out = m;
    return true;
}

bool interp_import(Interp *I, const char *dotted, Value *out)
{
    DictEntry *e = dict_find_cstr(I->modules, dotted);
    if (e) {
        value_incref(e->value);
        *out = e->value;
        return true;
    }
    for (int i = 0; i < I->nregistry; i++)
        if (strcmp(I->registry[i].name, dotted) == 0)
            return import_registered(I, dotted, I->registry[i].create, out);
    const char *dot = strrchr(dotted, '.');
    if (!dot || dot - dotted >= 255)
        return not_found(I, dotted);
    char parent[256];
    memcpy(parent, dotted, (size_t)(dot - dotted));
    parent[dot - dotted] = '\0';
    Value p;
    bool found = false;
    if (!interp_import(I, parent, &p))
        return false;
    if (val_is_obj(p, OBJ_MODULE) && !module_get(I, p, dot + 1, out, &found)) {
        value_decref(p);
        return false;
    }
    value_decref(p);
    return found ? true : not_found(I, dotted);
}

/* ---- output ---- */

static void stdout_write(void *ud, const char *s, size_t n)
{
    (void)ud;
    fwrite(s, 1, n, stdout);
}

void interp_set_output(Interp *I, WriteFn fn, void *ud)
{
    I->out_fn = fn ? fn : stdout_write;
    I->out_ud = fn ? ud : NULL;
}

void interp_write(Interp *I, const char *s, size_t n)
{
    I->out_fn(I->out_ud, s, n);
}

void interp_printf(Interp *I, const char *fmt, ...)
{
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (sb.data)
        interp_write(I, sb.data, sb.len);
    sb_free(&sb);
}

void interp_warn(Interp *I, const char *fmt, ...)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: warning: ", interp_current_file(I), interp_current_line(I));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

const char *interp_current_file(const Interp *I)
{
    return I->cur_chunk ? I->cur_chunk->filename : "<stdin>";
}

int interp_current_line(const Interp *I)
{
    return I->stmt ? I->stmt->line : I->cur_node ? I->cur_node->line : 0;
}

struct NnCtx *interp_nn(Interp *I) { return I->nn; }

/* ---- lifetime ---- */

static bool nn_interrupt_hook(void *ud)
{
    (void)ud;
    return interp_interrupted != 0;
}

static bool interp_init(Interp *I)
{
    I->out_fn = stdout_write;
    I->nn = nn_ctx_new();
    if (!I->nn)
        return false;
    nn_ctx_set_interrupt(I->nn, nn_interrupt_hook, I);
    if (!dict_new(I, &I->globals) || !dict_new(I, &I->builtins) || !dict_new(I, &I->modules) ||
        !dict_new(I, &I->native_types))
        return false;
    Value name;
    if (!str_from_cstr(I, "__main__", &name))
        return false;
    bool ok = interp_set_global(I, "__name__", name);
    value_decref(name);
    return ok && types_install(I) && pybuiltins_install(I) && types_install_names(I) && descr_install(I) &&
           pymods_install(I) && tensor_install(I) && keras_install(I) &&
           data_install(I) && plot_install(I) && interp_add_builtins(I, eval_builtin_defs) &&
           value_notimpl_install(I);
}

Interp *interp_new(void)
{
    Interp *I = calloc(1, sizeof *I);
    if (!I)
        return NULL;
    sb_init(&I->err_text);
    if (!interp_init(I)) {
        interp_free(I);
        return NULL;
    }
    interp_clear_error(I);
    return I;
}

void interp_free(Interp *I)
{
    if (!I)
        return;
    gen_close_all(I);
    error_clear_fields(I);
    value_decref(I->handling);
    value_decref(I->globals);
    value_decref(I->builtins);
    value_decref(I->modules);
    value_decref(I->native_types);
    types_free(I);
    for (int i = 0; i < I->nregistry; i++)
        free(I->registry[i].name);
    free(I->registry);
    sb_free(&I->err_text);
    if (I->nn)
        nn_ctx_free(I->nn);
    free(I);
}

void interp_reset(Interp *I)
{
    Value g, name;
    if (!dict_new(I, &g))
        return;
    value_decref(I->globals);
    I->globals = g;
    if (str_from_cstr(I, "__main__", &name)) {
        interp_set_global(I, "__name__", name);
        value_decref(name);
    }
}

bool interp_get_builtin(Interp *I, const char *name, Value *out, bool *found)
{
    return dict_get_str(I, I->builtins, name, out, found);
}
