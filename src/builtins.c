/* builtins.c - Python's built-in functions: print, len, sorted, min, max,
 * sum, map, filter, getattr, input, exit, help, ... with
 * Python 3.11's results and error messages.  The type constructors (int,
 * str, list, range, enumerate, zip, isinstance, the exception classes) are
 * the language core's (types.c, convert.c); this file only adds functions.
 * The numeric ones (abs, round, pow, hex, hash, ...) are in builtins_num.c,
 * open() in builtins_file.c.
 *
 * Owned by the built-ins engineer.  Depends on value.h, interp.h, help.h.
 * Output goes through interp_write so the REPL can record it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "modules.h"
#include "help.h"
#include "methods_internal.h"

static const char *tname(Value v)
{
    return v.kind == VAL_NONE ? "NoneType" : value_type_name(v);
}

static bool given(Value v)
{
    return v.kind != VAL_UNSET;
}

/* ---- output and input ---- */

/* print's sep/end: None or unset -> dflt; otherwise must be a str. */
static bool print_text(Interp *I, const char *name, Value v, const char *dflt, const char **s,
                       size_t *n)
{
    if (!given(v) || v.kind == VAL_NONE) {
        *s = dflt;
        *n = strlen(dflt);
        return true;
    }
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s must be None or a string, not %s", name, tname(v));
    *s = str_cstr(v);
    *n = as_str(v)->len;
    return true;
}

/* Calls file.write(text) for print(..., file=f). */
static bool write_to(Interp *I, Value file, StrBuf *sb)
{
    Value fn, text, r;
    if (!value_getattr(I, file, "write", &fn))
        return false;
    bool ok = sb_to_str(I, sb, &text);
    if (ok) {
        ok = interp_call(I, fn, 1, &text, &r);
        if (ok)
            value_decref(r);
        value_decref(text);
    }
    value_decref(fn);
    return ok;
}

static bool b_print(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value kw[4] = {{VAL_UNSET, {0}}, {VAL_UNSET, {0}}, {VAL_UNSET, {0}}, {VAL_UNSET, {0}}};
    static const char *const names[] = {"sep", "end", "file", "flush"};
    for (int i = 0; i < a->nkw; i++) {
        int k = 0;
        while (k < 4 && strcmp(a->kwnames[i], names[k]) != 0)
            k++;
        if (k == 4)
            return interp_error(I, ERR_TYPE, "'%s' is an invalid keyword argument for print()",
                                a->kwnames[i]);
        kw[k] = a->kwvals[i];
    }
    const char *sep, *end;
    size_t nsep, nend;
    if (!print_text(I, "sep", kw[0], " ", &sep, &nsep) ||
        !print_text(I, "end", kw[1], "\n", &end, &nend))
        return false;
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < a->npos; i++) {
        if (i)
            sb_append(&sb, sep, nsep);
        if (!value_str(I, a->pos[i], &sb)) {
            sb_free(&sb);
            return false;
        }
    }
    sb_append(&sb, end, nend);
    bool ok = true;
    if (given(kw[2]) && kw[2].kind != VAL_NONE) {
        ok = write_to(I, kw[2], &sb);
    } else {
        interp_write(I, sb.data ? sb.data : "", sb.len);
        bool flush = false;
        if (given(kw[3]) && value_truth(I, kw[3], &flush) && flush)
            fflush(stdout);
    }
    sb_free(&sb);
    *out = val_none();
    return ok;
}

static bool b_input(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value prompt;
    if (!args_parse(I, "input", a, "prompt=", &prompt))
        return false;
    if (given(prompt)) {
        StrBuf sb;
        sb_init(&sb);
        if (!value_str(I, prompt, &sb)) {
            sb_free(&sb);
            return false;
        }
        interp_write(I, sb.data ? sb.data : "", sb.len);
        sb_free(&sb);
    }
    fflush(stdout);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        clearerr(stdin);
        return interp_error_named(I, "EOFError", "EOF when reading a line");
    }
    if (n > 0 && line[n - 1] == '\n')
        n--;
    bool ok = str_new(I, line, (size_t)n, out);
    free(line);
    return ok;
}

bool builtins_exit(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    (void)out;
    Value code;
    if (!args_parse(I, "exit", a, "code=", &code))
        return false;
    if (!given(code) || code.kind == VAL_NONE)
        return interp_error(I, ERR_SYSTEM_EXIT, "%s", "");
    if (code.kind == VAL_INT || code.kind == VAL_BOOL)
        return interp_error(I, ERR_SYSTEM_EXIT, "%lld",
                            (long long)(code.kind == VAL_INT ? code.as.i : code.as.b));
    StrBuf sb;
    sb_init(&sb);
    if (value_str(I, code, &sb))
        interp_error(I, ERR_SYSTEM_EXIT, "%s", sb.data ? sb.data : "");
    sb_free(&sb);
    return false;
}

static bool b_help(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    if (!args_parse(I, "help", a, "request=", &x))
        return false;
    StrBuf sb;
    sb_init(&sb);
    bool ok = true;
    if (!given(x))
        sb_puts(&sb, "Type help(x) or :help NAME for the help of a function, module, method or "
                     "statement, e.g. help(print), :help tf.keras.layers.Dense, :help for.\n"
                     "Shell commands: :help :vars :time :load :save :export :history :reset "
                     ":seed :threads :quit\n");
    else if (val_is_obj(x, OBJ_STR))
        ok = help_topic(I, str_cstr(x), &sb);
    else
        ok = help_value(I, x, &sb);
    if (ok) {
        if (sb.len && sb.data[sb.len - 1] != '\n')
            sb_putc(&sb, '\n');
        interp_write(I, sb.data ? sb.data : "", sb.len);
    }
    sb_free(&sb);
    *out = val_none();
    return ok;
}

/* ---- sequences ---- */

static bool b_len(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    int64_t n;
    if (!args_parse(I, "len", a, "obj", &x) || !value_len(I, x, &n))
        return false;
    *out = val_int(n);
    return true;
}

static bool b_sorted(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3], list;
    bool reverse = false;
    if (!args_parse(I, "sorted", a, "iterable, *, key=, reverse=", v))
        return false;
    if (given(v[2]) && !value_truth(I, v[2], &reverse))
        return false;
    if (!value_to_list(I, v[0], &list))
        return false;
    if (!methods_sort_list(I, list, v[1], reverse)) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

/* An iterator over a new list (map, filter and reversed are eager). */
static bool iter_over(Interp *I, Value list, Value *out)
{
    bool ok = value_iter(I, list, out);
    value_decref(list);
    return ok;
}

static bool b_reversed(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value seq, list;
    if (!args_parse(I, "reversed", a, "sequence", &seq))
        return false;
    if (val_is_obj(seq, OBJ_SET) || val_is_obj(seq, OBJ_ITER) || seq.kind != VAL_OBJ)
        return interp_error(I, ERR_TYPE, "'%s' object is not reversible", tname(seq));
    if (!value_to_list(I, seq, &list))
        return false;
    ObjList *l = as_list(list);
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        Value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    return iter_over(I, list, out);
}

/* Calls fn on each element of src (a list), appending results to a list. */
static bool b_map(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "map() takes no keyword arguments");
    if (a->npos < 2)
        return interp_error(I, ERR_TYPE, "map() must have at least two arguments.");
    int n = a->npos - 1;
    Value lists[8], result;
    if (n > 8)
        return interp_error(I, ERR_TYPE, "map() supports at most 8 iterables");
    int got = 0;
    bool ok = true;
    for (; got < n && ok; got += ok)
        ok = value_to_list(I, a->pos[got + 1], &lists[got]);
    size_t len = SIZE_MAX;
    for (int i = 0; i < got; i++)
        if (as_list(lists[i])->len < len)
            len = as_list(lists[i])->len;
    ok = ok && list_new(I, len, &result);
    for (size_t k = 0; ok && k < len; k++) {
        Value args[8], r;
        for (int i = 0; i < n; i++)
            args[i] = as_list(lists[i])->items[k];
        ok = interp_check_interrupt(I) && interp_call(I, a->pos[0], n, args, &r);
        if (ok) {
            ok = list_append(I, result, r);
            value_decref(r);
        }
        if (!ok)
            value_decref(result);
    }
    for (int i = 0; i < got; i++)
        value_decref(lists[i]);
    return ok && iter_over(I, result, out);
}

static bool b_filter(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], items, result;
    if (!args_parse(I, "filter", a, "function, iterable", v) || !value_to_list(I, v[1], &items))
        return false;
    bool ok = list_new(I, 0, &result);
    for (size_t k = 0; ok && k < as_list(items)->len; k++) {
        Value x = as_list(items)->items[k], r = x;
        bool keep;
        if (v[0].kind != VAL_NONE && !(ok = interp_call(I, v[0], 1, &x, &r)))
            break;
        ok = value_truth(I, r, &keep);
        if (v[0].kind != VAL_NONE)
            value_decref(r);
        if (ok && keep)
            ok = list_append(I, result, x);
    }
    value_decref(items);
    if (!ok) {
        value_decref(result);
        return false;
    }
    return iter_over(I, result, out);
}

/* any(): True at the first true element; all(): False at the first false
 * one.  `stop_on` is the truth value that ends the scan (and is returned). */
static bool any_all(Interp *I, const Args *a, const char *fname, bool stop_on, Value *out)
{
    Value x, it, item;
    if (!args_parse(I, fname, a, "iterable", &x) || !value_iter(I, x, &it))
        return false;
    bool done = false, ok = true, result = !stop_on;
    for (;;) {
        if (!interp_check_interrupt(I) || !value_next(I, it, &item, &done)) {
            ok = false;
            break;
        }
        if (done)
            break;
        bool t;
        ok = value_truth(I, item, &t);
        value_decref(item);
        if (!ok || t == stop_on) {
            result = stop_on;
            break;
        }
    }
    value_decref(it);
    if (ok)
        *out = val_bool(result);
    return ok;
}

static bool b_any(Interp *I, Value self, const Args *a, Value *out) { (void)self; return any_all(I, a, "any", true, out); }
static bool b_all(Interp *I, Value self, const Args *a, Value *out) { (void)self; return any_all(I, a, "all", false, out); }

/* iter(callable, sentinel): calls callable until it returns sentinel. */
typedef struct CallIter {
    Value fn, sentinel;           /* retained; fn unset once exhausted */
} CallIter;

static void calliter_finalize(void *data)
{
    CallIter *c = data;
    value_decref(c->fn);
    value_decref(c->sentinel);
    free(c);
}

static const NativeClass calliter_class;

static bool calliter_next(Interp *I, Value self, Value *out, bool *done)
{
    CallIter *c = native_obj_data(self, &calliter_class);
    bool eq = false;
    *done = c->fn.kind == VAL_UNSET;
    if (*done)
        return true;
    if (!interp_call(I, c->fn, 0, NULL, out))
        return false;
    if (!value_eq(I, *out, c->sentinel, &eq)) {
        value_decref(*out);
        return false;
    }
    if (eq) {
        value_decref(*out);
        value_decref(c->fn);
        c->fn = (Value){VAL_UNSET, {0}};
        *done = true;
    }
    return true;
}

static const NativeClass calliter_class = {
    .name = "callable_iterator", .finalize = calliter_finalize, .next = calliter_next,
    .doc = "The iterator of iter(callable, sentinel): callable's results until one equals "
           "sentinel.",
};

static bool b_iter(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    if (!args_parse(I, "iter", a, "object, sentinel=", v))
        return false;
    if (!given(v[1]))
        return value_iter(I, v[0], out);
    CallIter *c = malloc(sizeof *c);
    if (!c)
        return interp_error(I, ERR_MEMORY, "out of memory");
    value_incref(v[0]);
    value_incref(v[1]);
    c->fn = v[0];
    c->sentinel = v[1];
    return native_obj_new(I, &calliter_class, c, out);
}

static bool b_next(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    bool done;
    if (!args_parse(I, "next", a, "iterator, default=", v))
        return false;
    if (!val_is_obj(v[0], OBJ_ITER) && !val_is_obj(v[0], OBJ_NATIVE_OBJ) &&
        !val_is_obj(v[0], OBJ_INSTANCE))
        return interp_error(I, ERR_TYPE, "'%s' object is not an iterator", tname(v[0]));
    if (!value_next(I, v[0], out, &done))
        return false;
    if (!done)
        return true;
    if (!given(v[1]))
        return interp_error(I, ERR_STOP_ITERATION, "%s", "");
    value_incref(v[1]);
    *out = v[1];
    return true;
}

/* ---- min, max, sum ---- */

static bool min_max(Interp *I, const Args *a, const char *fname, CmpOp op, Value *out)
{
    Value key = {VAL_UNSET, {0}}, dflt = {VAL_UNSET, {0}};
    for (int i = 0; i < a->nkw; i++) {
        if (strcmp(a->kwnames[i], "key") == 0)
            key = a->kwvals[i];
        else if (strcmp(a->kwnames[i], "default") == 0)
            dflt = a->kwvals[i];
        else
            return interp_error(I, ERR_TYPE, "'%s' is an invalid keyword argument for %s()",
                                a->kwnames[i], fname);
    }
    if (a->npos == 0)
        return interp_error(I, ERR_TYPE, "%s expected at least 1 argument, got 0", fname);
    if (a->npos > 1 && given(dflt))
        return interp_error(I, ERR_TYPE, "Cannot specify a default for %s() with multiple "
                            "positional arguments", fname);
    Value items;
    if (a->npos == 1) {
        if (!value_to_list(I, a->pos[0], &items))
            return false;
    } else {
        if (!list_new(I, (size_t)a->npos, &items))
            return false;
        for (int i = 0; i < a->npos; i++)
            list_append(I, items, a->pos[i]);
    }
    ObjList *l = as_list(items);
    bool haskey = given(key) && key.kind != VAL_NONE, ok = true;
    if (l->len == 0) {
        if (given(dflt)) {
            value_incref(dflt);
            *out = dflt;
        } else {
            ok = interp_error(I, ERR_VALUE, "%s() arg is an empty sequence", fname);
        }
        value_decref(items);
        return ok;
    }
    Value best = l->items[0], bestkey = best;
    if (haskey && !interp_call(I, key, 1, &best, &bestkey)) {
        value_decref(items);
        return false;
    }
    for (size_t i = 1; ok && i < l->len; i++) {
        Value k = l->items[i], r;
        bool better = false;
        if (haskey && !(ok = interp_call(I, key, 1, &l->items[i], &k)))
            break;
        ok = value_compare(I, op, k, bestkey, &r);
        if (ok) {
            ok = value_truth(I, r, &better);
            value_decref(r);
        }
        if (ok && better) {
            best = l->items[i];
            if (haskey)
                value_decref(bestkey);
            bestkey = k;
        } else if (haskey) {
            value_decref(k);
        }
    }
    if (haskey)
        value_decref(bestkey);
    if (ok) {
        value_incref(best);
        *out = best;
    }
    value_decref(items);
    return ok;
}

static bool b_min(Interp *I, Value self, const Args *a, Value *out) { (void)self; return min_max(I, a, "min", CMP_LT, out); }
static bool b_max(Interp *I, Value self, const Args *a, Value *out) { (void)self; return min_max(I, a, "max", CMP_GT, out); }

static bool b_sum(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], it, item;
    if (!args_parse(I, "sum", a, "iterable, start=", v))
        return false;
    Value acc = given(v[1]) ? v[1] : val_int(0);
    if (val_is_obj(acc, OBJ_STR))
        return interp_error(I, ERR_TYPE, "sum() can't sum strings [use ''.join(seq) instead]");
    if (!value_iter(I, v[0], &it))
        return false;
    value_incref(acc);
    bool ok = true, done = false;
    while (ok) {
        if (!interp_check_interrupt(I) || !value_next(I, it, &item, &done)) {
            ok = false;
            break;
        }
        if (done)
            break;
        Value r;
        if (acc.kind == VAL_FLOAT && item.kind == VAL_FLOAT) {
            r = val_float(acc.as.f + item.as.f);
        } else {
            ok = value_binop(I, BIN_ADD, acc, item, &r);
        }
        value_decref(item);
        if (ok) {
            value_decref(acc);
            acc = r;
        }
    }
    value_decref(it);
    if (!ok) {
        value_decref(acc);
        return false;
    }
    *out = acc;
    return true;
}

/* ---- text of values ---- */

static bool b_format(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    if (!args_parse(I, "format", a, "value, format_spec=", v))
        return false;
    const char *spec = "";
    size_t n = 0;
    if (given(v[1])) {
        if (!val_is_obj(v[1], OBJ_STR))
            return interp_error(I, ERR_TYPE, "format() argument 2 must be str, not %s",
                                tname(v[1]));
        spec = str_cstr(v[1]);
        n = as_str(v[1])->len;
    }
    StrBuf sb;
    sb_init(&sb);
    if (!format_value(I, v[0], spec, n, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

static bool b_repr(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    StrBuf sb;
    if (!args_parse(I, "repr", a, "obj", &x))
        return false;
    sb_init(&sb);
    if (!value_repr(I, x, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

static bool b_ascii(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    StrBuf sb;
    if (!args_parse(I, "ascii", a, "obj", &x))
        return false;
    Args one = {1, &x, 0, NULL, NULL};
    Value unset = {VAL_UNSET, {0}};
    sb_init(&sb);
    if (!format_template(I, "{!a}", 4, &one, unset, &sb)) {
        sb_free(&sb);
        return false;
    }
    return sb_to_str(I, &sb, out);
}

/* ---- identity ---- */

static bool b_id(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    if (!args_parse(I, "id", a, "obj", &x))
        return false;
    uint64_t id;
    if (x.kind == VAL_OBJ)
        id = (uint64_t)(uintptr_t)x.as.o;
    else
        id = 0x100000u + (uint64_t)x.kind * 0x1000u + (x.kind == VAL_INT ? (uint64_t)x.as.i * 32u : 0u);
    *out = val_int((int64_t)(id & INT64_MAX));
    return true;
}

static bool b_callable(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x, fn;
    if (!args_parse(I, "callable", a, "obj", &x))
        return false;
    bool c = false;
    if (x.kind == VAL_OBJ) {
        switch (x.as.o->kind) {
        case OBJ_FUNC: case OBJ_NATIVE: case OBJ_BOUND: case OBJ_TYPE:
            c = true;
            break;
        case OBJ_NATIVE_OBJ:
            c = ((ObjNativeObj *)x.as.o)->cls->call != NULL;
            break;
        case OBJ_INSTANCE:
            c = value_getattr(I, x, "__call__", &fn);
            if (c)
                value_decref(fn);
            else
                interp_clear_error(I);
            break;
        default:
            break;
        }
    }
    *out = val_bool(c);
    return true;
}

/* ---- attributes ---- */

static bool attr_name(Interp *I, const char *fname, Value v, const char **name)
{
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s(): attribute name must be string, not '%s'", fname,
                            tname(v));
    *name = str_cstr(v);
    return true;
}

static bool b_getattr(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    const char *name;
    if (!args_parse(I, "getattr", a, "object, name, default=", v) ||
        !attr_name(I, "getattr", v[1], &name))
        return false;
    if (value_getattr(I, v[0], name, out))
        return true;
    if (!given(v[2]) || interp_error_kind(I) != ERR_ATTRIBUTE)
        return false;
    interp_clear_error(I);
    value_incref(v[2]);
    *out = v[2];
    return true;
}

static bool b_hasattr(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], r;
    const char *name;
    if (!args_parse(I, "hasattr", a, "obj, name", v) || !attr_name(I, "hasattr", v[1], &name))
        return false;
    if (value_getattr(I, v[0], name, &r)) {
        value_decref(r);
        *out = val_bool(true);
        return true;
    }
    if (interp_error_kind(I) != ERR_ATTRIBUTE)
        return false;
    interp_clear_error(I);
    *out = val_bool(false);
    return true;
}

static bool b_setattr(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3];
    const char *name;
    if (!args_parse(I, "setattr", a, "obj, name, value", v) ||
        !attr_name(I, "setattr", v[1], &name) || !value_setattr(I, v[0], name, v[2]))
        return false;
    *out = val_none();
    return true;
}

/* ---- namespaces ---- */

static bool b_dir(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x, list;
    if (!args_parse(I, "dir", a, "object=", &x))
        return false;
    if (given(x))
        return value_dir(I, x, out);
    if (!list_new(I, 0, &list))
        return false;
    ObjDict *g = as_dict(interp_globals(I));
    for (size_t i = 0; i < g->nentries; i++)
        if (g->entries[i].key.kind != VAL_UNSET && !list_append(I, list, g->entries[i].key)) {
            value_decref(list);
            return false;
        }
    Value unset = {VAL_UNSET, {0}};
    if (!methods_sort_list(I, list, unset, false)) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

static bool b_globals(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    if (a->npos || a->nkw)
        return interp_error(I, ERR_TYPE, "globals() takes no arguments (%d given)",
                            a->npos + a->nkw);
    *out = interp_globals(I);
    value_incref(*out);
    return true;
}

static bool b_vars(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value x;
    if (!args_parse(I, "vars", a, "object=", &x))
        return false;
    if (!given(x)) {
        *out = interp_globals(I);
        value_incref(*out);
        return true;
    }
    if (value_getattr(I, x, "__dict__", out))
        return true;
    interp_clear_error(I);
    return interp_error(I, ERR_TYPE, "vars() argument must have __dict__ attribute");
}

/* ---- the table ---- */

static const NativeDef builtin_defs[] = {
    {"all", b_all, "all(iterable)", "True when every element of iterable is true (or it is empty).\nExample: all([1, True, 'x']) -> True"},
    {"any", b_any, "any(iterable)", "True when some element of iterable is true.\nExample: any([0, '', 3]) -> True"},
    {"ascii", b_ascii, "ascii(obj)", "Like repr(), with non-ASCII characters escaped.\nExample: ascii('caf\xc3\xa9') -> \"'caf\\\\xe9'\""},
    {"callable", b_callable, "callable(obj)", "True when obj can be called (a function, class or callable object).\nExample: callable(print) -> True"},
    {"dir", b_dir, "dir(object=None)", "The sorted names of the session (no argument) or the attributes of object.\nExample: dir('abc') lists the str methods"},
    {"exit", builtins_exit, "exit(code=None)", "Ends the program (or the session) with exit status code (0 for None; a message prints and gives 1).\nExample: exit(0)"},
    {"filter", b_filter, "filter(function, iterable)", "An iterator over the elements for which function is true (None: the true elements).\nExample: list(filter(lambda x: x > 1, [1, 2, 3])) -> [2, 3]"},
    {"format", b_format, "format(value, format_spec='')", "value formatted with the format-spec mini-language.\nExample: format(3.14159, '.2f') -> '3.14'"},
    {"getattr", b_getattr, "getattr(object, name, default=<unset>)", "The attribute `name` of object, or default when it has none.\nExample: getattr('abc', 'upper')() -> 'ABC'"},
    {"globals", b_globals, "globals()", "The dict of the session's global variables.\nExample: 'x' in globals()"},
    {"hasattr", b_hasattr, "hasattr(obj, name)", "True when obj has an attribute called name.\nExample: hasattr([], 'append') -> True"},
    {"help", b_help, "help(request=None)", "Prints the help of a function, class, module or topic name.\nExample: help(print); help('for')"},
    {"id", b_id, "id(obj)", "A number that identifies obj while it exists.\nExample: id(xs) == id(ys) tells whether xs and ys are the same list"},
    {"input", b_input, "input(prompt='')", "Writes prompt, then reads one line from standard input (without the newline).\nExample: name = input('name? ')"},
    {"iter", b_iter, "iter(object)", "An iterator over object.\nExample: it = iter([1, 2]); next(it) -> 1"},
    {"len", b_len, "len(obj)", "The number of items of a sequence, dict, set or string (or a tensor's first dimension).\nExample: len([1, 2, 3]) -> 3"},
    {"locals", b_globals, "locals()", "The dict of the current variables (the globals at the top level).\nExample: locals()['x']"},
    {"map", b_map, "map(function, iterable, *iterables)", "An iterator over function applied to each element (to elements in parallel with several iterables).\nExample: list(map(str, [1, 2])) -> ['1', '2']"},
    {"max", b_max, "max(iterable, *, key=None, default=<unset>) or max(a, b, *args, key=None)", "The largest element (the first of equal ones); default when the iterable is empty.\nExample: max([3, 1, 4]) -> 4; max(['aa', 'b'], key=len) -> 'aa'"},
    {"min", b_min, "min(iterable, *, key=None, default=<unset>) or min(a, b, *args, key=None)", "The smallest element (the first of equal ones); default when the iterable is empty.\nExample: min(3, 1, 4) -> 1"},
    {"next", b_next, "next(iterator, default=<unset>)", "The next element of iterator; default (or StopIteration) when it is exhausted.\nExample: next(iter([]), 'none') -> 'none'"},
    {"open", builtins_open, "open(file, mode='r', buffering=-1, encoding=None, *, errors=None, newline=None)", "Opens a text file: mode 'r' (read), 'w' (write, truncating), 'a' (append), 'x' (create), with '+' for both.\nExample: with open('log.txt', 'w') as f: f.write('done\\n')"},
    {"print", b_print, "print(*values, sep=' ', end='\\n', file=None, flush=False)", "Writes the values as str(), separated by sep and followed by end (file: sys.stderr or any object with write()).\nExample: print('loss', 0.25, sep=': ') prints loss: 0.25"},
    {"quit", builtins_exit, "quit(code=None)", "Same as exit().\nExample: quit()"},
    {"repr", b_repr, "repr(obj)", "The printable representation of obj (what the prompt echoes).\nExample: repr('hi') -> \"'hi'\""},
    {"reversed", b_reversed, "reversed(sequence)", "An iterator over the elements of a sequence in reverse order.\nExample: list(reversed([1, 2, 3])) -> [3, 2, 1]"},
    {"setattr", b_setattr, "setattr(obj, name, value)", "Sets the attribute `name` of obj to value.\nExample: setattr(layer, 'trainable', False)"},
    {"sorted", b_sorted, "sorted(iterable, *, key=None, reverse=False)", "A new sorted list of the elements (stable); key maps each element to its sort key.\nExample: sorted(['b', 'A', 'c'], key=str.lower) -> ['A', 'b', 'c']"},
    {"sum", b_sum, "sum(iterable, start=0)", "start plus the sum of the elements.\nExample: sum([1, 2, 3]) -> 6; sum([[1], [2]], []) -> [1, 2]"},
    {"vars", b_vars, "vars(object=None)", "The __dict__ of object, or the session's variables without an argument.\nExample: vars()['x']"},
    {NULL, NULL, NULL, NULL},
};

bool pybuiltins_install(Interp *I)
{
    return interp_add_builtins(I, builtin_defs) && interp_add_builtins(I, builtins_num_defs);
}
