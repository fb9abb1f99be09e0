/* pymods_os.c - Python's os and os.path modules (files, directories, the
 * environment, path names as posixpath handles them) and functools.reduce.
 *
 * Owned by the built-ins engineer; registered by pymods_install in
 * pymods.c.  Depends on value.h and interp.h only.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "methods_internal.h"

extern char **environ;

static const char *tname(Value v)
{
    return v.kind == VAL_NONE ? "NoneType" : value_type_name(v);
}

static bool no_args(Interp *I, const char *fname, const Args *a)
{
    Value none_[1];
    return args_parse(I, fname, a, "", none_);
}

/* module.name = v, releasing v; `made` is whether v was created. */
static bool add_value(Interp *I, Value mod, const char *name, bool made, Value v)
{
    if (!made)
        return false;
    bool ok = module_set(I, mod, name, v);
    value_decref(v);
    return ok;
}

/* ---- os and os.path ---- */

static bool path_arg(Interp *I, const char *fname, Value v, const char **out)
{
    if (!val_is_obj(v, OBJ_STR))
        return interp_error(I, ERR_TYPE, "%s: path should be string, not %s", fname, tname(v));
    *out = str_cstr(v);
    return true;
}

static bool os_error(Interp *I, const char *path)
{
    int e = errno;
    return interp_error(I, e == ENOENT ? ERR_FILE_NOT_FOUND : ERR_IO, "[Errno %d] %s: '%s'", e,
                        strerror(e), path);
}

static bool os_getcwd(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    char buf[4096];
    if (!no_args(I, "os.getcwd", a))
        return false;
    if (!getcwd(buf, sizeof buf))
        return os_error(I, ".");
    return str_from_cstr(I, buf, out);
}

static bool os_listdir(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v, list;
    const char *path = ".";
    if (!args_parse(I, "os.listdir", a, "path=", &v))
        return false;
    if (v.kind != VAL_UNSET && !path_arg(I, "listdir", v, &path))
        return false;
    DIR *d = opendir(path);
    if (!d)
        return os_error(I, path);
    bool ok = list_new(I, 0, &list);
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        Value name;
        ok = str_from_cstr(I, e->d_name, &name) && list_append(I, list, name);
        if (ok)
            value_decref(name);
    }
    closedir(d);
    Value unset = {VAL_UNSET, {0}};
    if (ok && !methods_sort_list(I, list, unset, false))
        ok = false;
    if (!ok) {
        value_decref(list);
        return false;
    }
    *out = list;
    return true;
}

static bool os_getenv(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v[2];
    const char *key;
    if (!args_parse(I, "os.getenv", a, "key, default=", v) || !arg_str(I, "getenv", "key", v[0], &key))
        return false;
    const char *val = getenv(key);
    if (val)
        return str_from_cstr(I, val, out);
    *out = v[1].kind == VAL_UNSET ? val_none() : v[1];
    value_incref(*out);
    return true;
}

static bool os_makedirs(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v[3];
    const char *path;
    bool exist_ok = false;
    if (!args_parse(I, "os.makedirs", a, "name, mode=, exist_ok=", v) ||
        !path_arg(I, "makedirs", v[0], &path) ||
        (v[2].kind != VAL_UNSET && !value_truth(I, v[2], &exist_ok)))
        return false;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0777);
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0) {
        struct stat st;
        if (errno != EEXIST || !exist_ok || stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
            return os_error(I, path);
    }
    *out = val_none();
    return true;
}

static bool os_remove(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    const char *path;
    if (!args_parse(I, "os.remove", a, "path", &v) || !path_arg(I, "remove", v, &path))
        return false;
    if (unlink(path) != 0)
        return os_error(I, path);
    *out = val_none();
    return true;
}

static const NativeDef os_defs[] = {
    {"getcwd", os_getcwd, "getcwd()", "The current working directory.\nExample: os.getcwd()"},
    {"getenv", os_getenv, "getenv(key, default=None)", "The environment variable key, or default.\nExample: os.getenv('HOME')"},
    {"listdir", os_listdir, "listdir(path='.')", "The names of the entries of a directory (sorted in nnsh).\nExample: os.listdir('data')"},
    {"makedirs", os_makedirs, "makedirs(name, mode=0o777, exist_ok=False)", "Creates a directory and its missing parents.\nExample: os.makedirs('out/models', exist_ok=True)"},
    {"remove", os_remove, "remove(path)", "Deletes a file.\nExample: os.remove('old.nns')"},
    {NULL, NULL, NULL, NULL},
};

static bool stat_pred(Interp *I, const Args *a, const char *fname, int what, Value *out)
{
    Value v;
    const char *path;
    struct stat st;
    if (!args_parse(I, fname, a, "path", &v) || !path_arg(I, fname + 8, v, &path))
        return false;
    bool r = stat(path, &st) == 0;
    if (what == 1)
        r = r && S_ISREG(st.st_mode);
    else if (what == 2)
        r = r && S_ISDIR(st.st_mode);
    *out = val_bool(r);
    return true;
}

static bool p_exists(Interp *I, Value s, const Args *a, Value *o) { (void)s; return stat_pred(I, a, "os.path.exists", 0, o); }
static bool p_isfile(Interp *I, Value s, const Args *a, Value *o) { (void)s; return stat_pred(I, a, "os.path.isfile", 1, o); }
static bool p_isdir(Interp *I, Value s, const Args *a, Value *o) { (void)s; return stat_pred(I, a, "os.path.isdir", 2, o); }

static bool p_getsize(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    const char *path;
    struct stat st;
    if (!args_parse(I, "os.path.getsize", a, "path", &v) || !path_arg(I, "getsize", v, &path))
        return false;
    if (stat(path, &st) != 0)
        return os_error(I, path);
    *out = val_int((int64_t)st.st_size);
    return true;
}

static bool p_join(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    StrBuf sb;
    if (a->nkw || a->npos < 1)
        return interp_error(I, ERR_TYPE, "join() missing 1 required positional argument: 'a'");
    sb_init(&sb);
    for (int i = 0; i < a->npos; i++) {
        const char *p;
        if (!path_arg(I, "join()", a->pos[i], &p)) {
            sb_free(&sb);
            return false;
        }
        if (p[0] == '/')
            sb.len = 0;
        else if (sb.len && sb.data[sb.len - 1] != '/')
            sb_putc(&sb, '/');
        sb_puts(&sb, p);
    }
    return sb_to_str(I, &sb, out);
}

/* Index just past the last '/' of p (0 when none). */
static size_t tail_start(const char *p, size_t n)
{
    while (n && p[n - 1] != '/')
        n--;
    return n;
}

static bool p_split_parts(Interp *I, const Args *a, const char *fname, int which, Value *out)
{
    Value v;
    const char *p;
    if (!args_parse(I, fname, a, "p", &v) || !path_arg(I, fname + 8, v, &p))
        return false;
    size_t n = as_str(v)->len, t = tail_start(p, n), h = t;
    while (h > 1 && p[h - 1] == '/')   /* dirname strips trailing slashes except root */
        h--;
    if (which == 0)
        return str_new(I, p + t, n - t, out);
    if (which == 1)
        return str_new(I, p, h, out);
    Value head, tail;
    if (!str_new(I, p, h, &head))
        return false;
    if (!str_new(I, p + t, n - t, &tail)) {
        value_decref(head);
        return false;
    }
    bool ok = tuple_pack(I, out, 2, head, tail);
    value_decref(head);
    value_decref(tail);
    return ok;
}

static bool p_basename(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_split_parts(I, a, "os.path.basename", 0, o); }
static bool p_dirname(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_split_parts(I, a, "os.path.dirname", 1, o); }
static bool p_split(Interp *I, Value s, const Args *a, Value *o) { (void)s; return p_split_parts(I, a, "os.path.split", 2, o); }

static bool p_splitext(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v, root, ext;
    const char *p;
    if (!args_parse(I, "os.path.splitext", a, "p", &v) || !path_arg(I, "splitext", v, &p))
        return false;
    size_t n = as_str(v)->len, t = tail_start(p, n), dot = n;
    size_t lead = t;
    while (lead < n && p[lead] == '.')   /* leading dots of the name do not count */
        lead++;
    for (size_t i = n; i > lead; i--)
        if (p[i - 1] == '.') {
            dot = i - 1;
            break;
        }
    if (!str_new(I, p, dot, &root))
        return false;
    if (!str_new(I, p + dot, n - dot, &ext)) {
        value_decref(root);
        return false;
    }
    bool ok = tuple_pack(I, out, 2, root, ext);
    value_decref(root);
    value_decref(ext);
    return ok;
}

/* Python's posixpath.normpath: collapses "//", "." and "a/.." ("" -> "."). */
static void normpath(const char *p, StrBuf *sb)
{
    bool abs = p[0] == '/';
    size_t base = 0;
    StrBuf t;
    sb_init(&t);
    if (abs)
        sb_putc(&t, '/');
    base = t.len;
    for (const char *q = p; *q;) {
        while (*q == '/')
            q++;
        size_t n = strcspn(q, "/");
        if (n == 0 || (n == 1 && q[0] == '.')) {
            q += n;
            continue;
        }
        bool up = n == 2 && q[0] == '.' && q[1] == '.';
        size_t last = t.len;
        while (last > base && t.data[last - 1] != '/')
            last--;
        bool prev_up = t.len > base && t.len - last == 2 && t.data[last] == '.' &&
                       t.data[last + 1] == '.';
        if (up && t.len > base && !prev_up) {
            t.len = last > base ? last - 1 : base;
        } else if (!(up && abs && t.len == base)) {
            if (t.len > base)
                sb_putc(&t, '/');
            sb_append(&t, q, n);
        }
        q += n;
    }
    if (t.len == 0)
        sb_putc(&t, '.');
    sb_append(sb, t.data, t.len);
    sb_free(&t);
}

static bool p_normpath(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    const char *p;
    if (!args_parse(I, "os.path.normpath", a, "path", &v) || !path_arg(I, "normpath", v, &p))
        return false;
    StrBuf sb;
    sb_init(&sb);
    normpath(p, &sb);
    return sb_to_str(I, &sb, out);
}

static bool p_abspath(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    const char *p;
    char buf[4096];
    if (!args_parse(I, "os.path.abspath", a, "path", &v) || !path_arg(I, "abspath", v, &p))
        return false;
    StrBuf full, sb;
    sb_init(&full);
    if (p[0] != '/') {
        if (!getcwd(buf, sizeof buf))
            return os_error(I, ".");
        sb_puts(&full, buf);
        sb_putc(&full, '/');
    }
    sb_puts(&full, p);
    sb_init(&sb);
    normpath(full.data, &sb);
    sb_free(&full);
    return sb_to_str(I, &sb, out);
}

static bool p_expanduser(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v;
    const char *p, *home = getenv("HOME");
    if (!args_parse(I, "os.path.expanduser", a, "path", &v) || !path_arg(I, "expanduser", v, &p))
        return false;
    if (p[0] == '~' && (p[1] == '/' || !p[1]) && home)
        return str_printf(I, out, "%s%s", home, p + 1);
    value_incref(v);
    *out = v;
    return true;
}

static const NativeDef path_defs[] = {
    {"abspath", p_abspath, "abspath(path)", "The absolute version of path.\nExample: os.path.abspath('data')"},
    {"basename", p_basename, "basename(p)", "The final component of a path.\nExample: os.path.basename('a/b.csv') -> 'b.csv'"},
    {"dirname", p_dirname, "dirname(p)", "The directory part of a path.\nExample: os.path.dirname('a/b.csv') -> 'a'"},
    {"exists", p_exists, "exists(path)", "True when path names an existing file or directory.\nExample: os.path.exists('model.h5')"},
    {"expanduser", p_expanduser, "expanduser(path)", "Replaces a leading ~ with the home directory.\nExample: os.path.expanduser('~/data')"},
    {"getsize", p_getsize, "getsize(path)", "The size of a file in bytes.\nExample: os.path.getsize('data.csv')"},
    {"isdir", p_isdir, "isdir(path)", "True when path is an existing directory.\nExample: os.path.isdir('data')"},
    {"isfile", p_isfile, "isfile(path)", "True when path is an existing regular file.\nExample: os.path.isfile('data.csv')"},
    {"join", p_join, "join(a, *p)", "Joins path components with '/'.\nExample: os.path.join('data', 'x.csv') -> 'data/x.csv'"},
    {"normpath", p_normpath, "normpath(path)", "path with redundant separators and '.'/'..' parts collapsed.\nExample: os.path.normpath('a//b/../c') -> 'a/c'"},
    {"split", p_split, "split(p)", "The pair (dirname, basename).\nExample: os.path.split('a/b.csv') -> ('a', 'b.csv')"},
    {"splitext", p_splitext, "splitext(p)", "The pair (root, extension).\nExample: os.path.splitext('model.h5') -> ('model', '.h5')"},
    {NULL, NULL, NULL, NULL},
};

bool pymods_os_path_create(Interp *I, Value *out)
{
    Value mod, sep;
    if (!module_new(I, "os.path", "Python's os.path: path names.", &mod))
        return false;
    bool ok = module_add_natives(I, mod, path_defs) &&
              add_value(I, mod, "sep", str_from_cstr(I, "/", &sep), sep);
    if (!ok) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}

static bool environ_dict(Interp *I, Value *out)
{
    Value d;
    if (!dict_new(I, &d))
        return false;
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        Value k, v;
        if (!eq)
            continue;
        if (!str_new(I, *e, (size_t)(eq - *e), &k))
            goto fail;
        bool ok = str_from_cstr(I, eq + 1, &v) && dict_set(I, d, k, v);
        value_decref(k);
        if (!ok)
            goto fail;
        value_decref(v);
    }
    *out = d;
    return true;
fail:
    value_decref(d);
    return false;
}

bool pymods_os_create(Interp *I, Value *out)
{
    Value mod, v;
    if (!module_new(I, "os", "Python's os module: files, directories and the environment.",
                    &mod))
        return false;
    bool ok = module_add_natives(I, mod, os_defs) &&
              add_value(I, mod, "path", interp_import(I, "os.path", &v), v) &&
              add_value(I, mod, "environ", environ_dict(I, &v), v) &&
              add_value(I, mod, "sep", str_from_cstr(I, "/", &v), v) &&
              add_value(I, mod, "name", str_from_cstr(I, "posix", &v), v);
    if (!ok) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}

/* ---- functools ---- */

static bool f_reduce(Interp *I, Value s, const Args *a, Value *out)
{
    (void)s;
    Value v[3], items;
    if (!args_parse(I, "functools.reduce", a, "function, iterable, initial=", v) ||
        !value_to_list(I, v[1], &items))
        return false;
    ObjList *l = as_list(items);
    size_t i = 0;
    Value acc = v[2];
    if (acc.kind == VAL_UNSET) {
        if (l->len == 0) {
            value_decref(items);
            return interp_error(I, ERR_TYPE, "reduce() of empty iterable with no initial value");
        }
        acc = l->items[i++];
    }
    value_incref(acc);
    bool ok = true;
    for (; ok && i < l->len; i++) {
        Value args[2] = {acc, l->items[i]}, r;
        ok = interp_call(I, v[0], 2, args, &r);
        if (ok) {
            value_decref(acc);
            acc = r;
        }
    }
    value_decref(items);
    if (!ok) {
        value_decref(acc);
        return false;
    }
    *out = acc;
    return true;
}

static const NativeDef functools_defs[] = {
    {"reduce", f_reduce, "reduce(function, iterable, initial=<unset>)", "Folds iterable from the left with a two-argument function.\nExample: functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]) -> 24"},
    {NULL, NULL, NULL, NULL},
};

bool pymods_functools_create(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "functools", "Python's functools: reduce, partial, lru_cache, cache, "
                    "wraps, total_ordering, cmp_to_key, cached_property.", &mod))
        return false;
    if (!module_add_natives(I, mod, functools_defs) || !pymods_functools_extra(I, mod)) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}
