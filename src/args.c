/* args.c - the one argument parser of built-in functions (args_parse) and
 * the converters of single arguments (arg_int, arg_float, ...), with
 * Python's TypeError wording.  Part of the language core (see object.h).
 */
#include <string.h>
#include <stdio.h>
#include "object.h"

#define MAX_SPEC 48

typedef struct Spec {
    int n, npos;                 /* all parameters; those accepted by position */
    char names[MAX_SPEC][48];
    bool optional[MAX_SPEC];
    bool kwonly[MAX_SPEC];
} Spec;

static void spec_parse(const char *spec, Spec *s)
{
    bool kwonly = false;
    s->n = s->npos = 0;
    const char *p = spec;
    while (*p && s->n < MAX_SPEC) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '=')
            e++;
        size_t len = (size_t)(e - p);
        bool opt = *e == '=';
        while (*e && *e != ',')
            e++;
        if (len == 1 && *p == '*') {
            kwonly = true;
        } else {
            if (len >= sizeof s->names[0])
                len = sizeof s->names[0] - 1;
            memcpy(s->names[s->n], p, len);
            s->names[s->n][len] = '\0';
            s->optional[s->n] = opt;
            s->kwonly[s->n] = kwonly;
            if (!kwonly)
                s->npos++;
            s->n++;
        }
        p = e;
    }
}

static const char *closest(const Spec *s, const char *name)
{
    static const char *none = NULL;
    size_t best = strlen(name) / 3 + 2;
    const char *r = none;
    for (int i = 0; i < s->n; i++) {
        const char *c = s->names[i];
        size_t n = strlen(name), m = strlen(c), row[49];
        if (n > 48 || m > 48)
            continue;
        for (size_t j = 0; j <= m; j++)
            row[j] = j;
        for (size_t x = 1; x <= n; x++) {
            size_t prev = row[0];
            row[0] = x;
            for (size_t j = 1; j <= m; j++) {
                size_t cur = row[j], b = prev + (name[x - 1] != c[j - 1]);
                if (row[j] + 1 < b)
                    b = row[j] + 1;
                if (row[j - 1] + 1 < b)
                    b = row[j - 1] + 1;
                row[j] = b;
                prev = cur;
            }
        }
        if (row[m] < best) {
            best = row[m];
            r = c;
        }
    }
    return r;
}

static bool missing_error(Interp *I, const char *fname, const Spec *s, const Value *out,
                          bool kwonly)
{
    char list[512] = "";
    int count = 0, total = 0;
    for (int i = 0; i < s->n; i++)
        if (!s->optional[i] && s->kwonly[i] == kwonly && out[i].kind == VAL_UNSET)
            total++;
    if (!total)
        return true;
    for (int i = 0; i < s->n; i++) {
        if (s->optional[i] || s->kwonly[i] != kwonly || out[i].kind != VAL_UNSET)
            continue;
        count++;
        size_t l = strlen(list);
        const char *sep = count == 1 ? "" : count < total ? ", " : total == 2 ? " and " : ", and ";
        snprintf(list + l, sizeof list - l, "%s'%s'", sep, s->names[i]);
    }
    return interp_error(I, ERR_TYPE, "%s() missing %d required %s argument%s: %s", fname, total,
                        kwonly ? "keyword-only" : "positional", total == 1 ? "" : "s", list);
}

bool args_parse(Interp *I, const char *fname, const Args *a, const char *spec, Value *out)
{
    Spec s;
    spec_parse(spec, &s);
    for (int i = 0; i < s.n; i++)
        out[i] = (Value){VAL_UNSET, {0}};
    if (a->npos > s.npos) {
        bool any_opt = false;
        for (int i = 0; i < s.npos; i++)
            any_opt |= s.optional[i];
        if (s.npos == 0)
            return interp_error(I, ERR_TYPE, "%s() takes no positional arguments", fname);
        return interp_error(I, ERR_TYPE, "%s() takes %s %d argument%s (%d given)", fname,
                            any_opt ? "at most" : "exactly", s.npos, s.npos == 1 ? "" : "s",
                            a->npos + a->nkw);
    }
    for (int i = 0; i < a->npos; i++)
        out[i] = a->pos[i];
    for (int k = 0; k < a->nkw; k++) {
        int i = 0;
        while (i < s.n && strcmp(s.names[i], a->kwnames[k]) != 0)
            i++;
        if (i == s.n) {
            const char *hint = closest(&s, a->kwnames[k]);
            if (hint)
                return interp_error(I, ERR_TYPE,
                                    "%s() got an unexpected keyword argument '%s'; did you mean '%s'?",
                                    fname, a->kwnames[k], hint);
            return interp_error(I, ERR_TYPE, "%s() got an unexpected keyword argument '%s'",
                                fname, a->kwnames[k]);
        }
        if (out[i].kind != VAL_UNSET)
            return interp_error(I, ERR_TYPE, "%s() got multiple values for argument '%s'", fname,
                                s.names[i]);
        out[i] = a->kwvals[k];
    }
    return missing_error(I, fname, &s, out, false) && missing_error(I, fname, &s, out, true);
}

static bool arg_type_error(Interp *I, const char *fname, const char *pname, const char *want,
                           Value v)
{
    return interp_error(I, ERR_TYPE, "%s() argument '%s' must be %s, not %s", fname, pname, want,
                        value_type_name(v));
}

bool arg_int(Interp *I, const char *fname, const char *pname, Value v, int64_t *out)
{
    if (v.kind == VAL_INT || v.kind == VAL_BOOL ||
        (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->to_int))
        return value_as_index(I, v, out);
    return arg_type_error(I, fname, pname, "int", v);
}

bool arg_float(Interp *I, const char *fname, const char *pname, Value v, double *out)
{
    if (num_as_double(v, out))
        return true;
    if (val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls->to_float)
        return value_to_float(I, v, out);
    return arg_type_error(I, fname, pname, "float", v);
}

bool arg_bool(Interp *I, const char *fname, const char *pname, Value v, bool *out)
{
    if (v.kind == VAL_BOOL) {
        *out = v.as.b;
        return true;
    }
    if (v.kind == VAL_INT) {
        *out = v.as.i != 0;
        return true;
    }
    if (v.kind == VAL_NONE) {
        *out = false;
        return true;
    }
    return arg_type_error(I, fname, pname, "bool", v);
}

bool arg_str(Interp *I, const char *fname, const char *pname, Value v, const char **out)
{
    if (val_is_obj(v, OBJ_STR)) {
        *out = str_cstr(v);
        return true;
    }
    return arg_type_error(I, fname, pname, "str", v);
}

bool arg_int_seq(Interp *I, const char *fname, const char *pname, Value v,
                 int64_t *out, int max, int *n)
{
    if (v.kind == VAL_INT || v.kind == VAL_BOOL) {
        if (max < 1)
            return interp_error(I, ERR_VALUE, "%s() argument '%s' has too many values", fname, pname);
        out[0] = v.kind == VAL_INT ? v.as.i : v.as.b;
        *n = 1;
        return true;
    }
    if (!val_is_obj(v, OBJ_LIST) && !val_is_obj(v, OBJ_TUPLE))
        return arg_type_error(I, fname, pname, "a sequence of ints", v);
    ObjList *l = as_list(v);
    if ((int64_t)l->len > max)
        return interp_error(I, ERR_VALUE, "%s() argument '%s' has too many values (at most %d)",
                            fname, pname, max);
    for (size_t i = 0; i < l->len; i++) {
        Value x = l->items[i];
        if (x.kind == VAL_INT || x.kind == VAL_BOOL)
            out[i] = x.kind == VAL_INT ? x.as.i : x.as.b;
        else if (x.kind == VAL_NONE)
            out[i] = -1;
        else if (!(val_is_obj(x, OBJ_NATIVE_OBJ) && value_as_index(I, x, &out[i])))
            return arg_type_error(I, fname, pname, "a sequence of ints", v);
    }
    *n = (int)l->len;
    return true;
}
