/* pymods_itertools.c - Python's itertools.  count, repeat, cycle and islice
 * are lazy iterators (so `islice(count(), 5)` and `for i in count():`
 * work); the finite ones (product, permutations, combinations, chain,
 * accumulate, zip_longest, groupby, pairwise, starmap, takewhile,
 * dropwhile, compress) compute their elements eagerly, in Python's order,
 * and return an iterator over them.
 *
 * Owned by the built-ins engineer; registered by pymods_install.
 */
#include <stdlib.h>
#include <string.h>
#include "methods_internal.h"

/* ---- lazy iterators ---- */

typedef enum { LZ_COUNT, LZ_REPEAT, LZ_CYCLE, LZ_ISLICE } LazyKind;

typedef struct Lazy {
    LazyKind kind;
    Value a, b;             /* count: cur, step; repeat: obj; cycle: list; islice: iterator */
    int64_t left;           /* repeat: remaining (-1: forever); cycle: position */
    int64_t next, stop, step, pos;   /* islice: next index to yield, stop (-1: none) */
} Lazy;

static const NativeClass lazy_class;

static void lazy_finalize(void *data)
{
    Lazy *z = data;
    value_decref(z->a);
    value_decref(z->b);
    free(z);
}

static bool lazy_iter(Interp *I, Value self, Value *out)
{
    (void)I;
    value_incref(self);
    *out = self;
    return true;
}

static bool islice_next(Interp *I, Lazy *z, Value *out, bool *done)
{
    *done = true;
    if (z->stop >= 0 && z->next >= z->stop)
        return true;
    for (;;) {
        Value v;
        bool end;
        if (!interp_check_interrupt(I) || !value_next(I, z->a, &v, &end))
            return false;
        if (end) {
            z->stop = 0;
            return true;
        }
        if (z->pos++ == z->next) {
            z->next += z->step;
            *out = v;
            *done = false;
            return true;
        }
        value_decref(v);
    }
}

static bool lazy_next(Interp *I, Value self, Value *out, bool *done)
{
    Lazy *z = native_obj_data(self, &lazy_class);
    *done = false;
    switch (z->kind) {
    case LZ_COUNT: {
        Value nxt;
        if (!value_binop(I, BIN_ADD, z->a, z->b, &nxt))
            return false;
        *out = z->a;       /* the reference moves to the caller */
        z->a = nxt;
        return true;
    }
    case LZ_REPEAT:
        if (z->left == 0) {
            *done = true;
            return true;
        }
        if (z->left > 0)
            z->left--;
        value_incref(z->a);
        *out = z->a;
        return true;
    case LZ_CYCLE: {
        ObjList *l = as_list(z->a);
        if (l->len == 0) {
            *done = true;
            return true;
        }
        *out = l->items[z->left++ % (int64_t)l->len];
        value_incref(*out);
        return true;
    }
    case LZ_ISLICE:
        return islice_next(I, z, out, done);
    }
    return true;
}

static bool lazy_repr(Interp *I, Value self, StrBuf *sb)
{
    Lazy *z = native_obj_data(self, &lazy_class);
    static const char *const names[] = {"count", "repeat", "cycle", "islice"};
    if (z->kind == LZ_COUNT) {
        sb_puts(sb, "count(");
        bool ok = value_repr(I, z->a, sb);
        if (ok && !(z->b.kind == VAL_INT && z->b.as.i == 1)) {
            sb_puts(sb, ", ");
            ok = value_repr(I, z->b, sb);
        }
        sb_putc(sb, ')');
        return ok;
    }
    sb_printf(sb, "<itertools.%s object at %p>", names[z->kind], (void *)self.as.o);
    return true;
}

static const NativeClass lazy_class = {
    .name = "itertools_iterator", .finalize = lazy_finalize, .repr = lazy_repr,
    .iter = lazy_iter, .next = lazy_next,
    .doc = "A lazy iterator of the itertools module (count, repeat, cycle, islice).",
};

static bool lazy_new(Interp *I, LazyKind kind, Value a, Value b, Value *out, Lazy **zp)
{
    Lazy *z = calloc(1, sizeof *z);
    if (!z)
        return interp_error(I, ERR_MEMORY, "out of memory");
    z->kind = kind;
    value_incref(a);
    value_incref(b);
    z->a = a;
    z->b = b;
    if (zp)
        *zp = z;
    return native_obj_new(I, &lazy_class, z, out);
}

static bool is_number(Value v)
{
    return v.kind == VAL_INT || v.kind == VAL_FLOAT || v.kind == VAL_BOOL;
}

static bool it_count(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    if (!args_parse(I, "itertools.count", a, "start=, step=", v))
        return false;
    Value start = v[0].kind == VAL_UNSET ? val_int(0) : v[0];
    Value step = v[1].kind == VAL_UNSET ? val_int(1) : v[1];
    if (!is_number(start) || !is_number(step))
        return interp_error(I, ERR_TYPE, "a number is required");
    return lazy_new(I, LZ_COUNT, start, step, out, NULL);
}

static bool it_repeat(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2];
    int64_t times = -1;
    Lazy *z;
    if (!args_parse(I, "itertools.repeat", a, "object, times=", v))
        return false;
    if (v[1].kind != VAL_UNSET && !arg_int(I, "repeat", "times", v[1], &times))
        return false;
    if (!lazy_new(I, LZ_REPEAT, v[0], val_none(), out, &z))
        return false;
    z->left = v[1].kind == VAL_UNSET ? -1 : times < 0 ? 0 : times;
    return true;
}

static bool it_cycle(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value it, list;
    if (!args_parse(I, "itertools.cycle", a, "iterable", &it) || !value_to_list(I, it, &list))
        return false;
    bool ok = lazy_new(I, LZ_CYCLE, list, val_none(), out, NULL);
    value_decref(list);
    return ok;
}

static bool slice_arg(Interp *I, Value v, const char *what, int64_t dflt, int64_t *out)
{
    *out = dflt;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    bool ok = (v.kind == VAL_INT || v.kind == VAL_BOOL) && value_as_index(I, v, out);
    if (ok && *out >= 0)
        return true;
    if (!ok)
        interp_clear_error(I);
    if (strcmp(what, "Step") == 0)
        return interp_error(I, ERR_VALUE, "Step for islice() must be a positive integer or None.");
    return interp_error(I, ERR_VALUE, "%s for islice() must be None or an integer: "
                        "0 <= x <= sys.maxsize.", what);
}

static bool it_islice(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    int64_t start = 0, stop, step = 1;
    if (a->nkw || a->npos < 2 || a->npos > 4)
        return interp_error(I, ERR_TYPE, "islice expected 2 to 4 arguments, got %d", a->npos);
    if (a->npos == 2) {
        if (!slice_arg(I, a->pos[1], "Stop argument", -1, &stop))
            return false;
    } else if (!slice_arg(I, a->pos[1], "Indices", 0, &start) ||
               !slice_arg(I, a->pos[2], "Stop argument", -1, &stop) ||
               (a->npos == 4 && !slice_arg(I, a->pos[3], "Step", 1, &step))) {
        return false;
    }
    if (step == 0)
        return interp_error(I, ERR_VALUE, "Step for islice() must be a positive integer or None.");
    Value it;
    Lazy *z;
    if (!value_iter(I, a->pos[0], &it))
        return false;
    bool ok = lazy_new(I, LZ_ISLICE, it, val_none(), out, &z);
    value_decref(it);
    if (ok) {
        z->next = start;
        z->stop = stop;
        z->step = step;
    }
    return ok;
}

/* ---- eager helpers ---- */

/* Collects each positional argument into a list: lists[0..n). */
static bool all_lists(Interp *I, const Args *a, int first, Value *lists, int max, int *n)
{
    *n = 0;
    if (a->npos - first > max)
        return interp_error(I, ERR_TYPE, "at most %d iterables are supported", max);
    for (int i = first; i < a->npos; i++) {
        if (!value_to_list(I, a->pos[i], &lists[*n])) {
            for (int k = 0; k < *n; k++)
                value_decref(lists[k]);
            return false;
        }
        (*n)++;
    }
    return true;
}

static void free_lists(Value *lists, int n)
{
    for (int i = 0; i < n; i++)
        value_decref(lists[i]);
}

/* Appends tuple(items[idx[0..r)]) (or the items themselves, idx NULL). */
static bool push_tuple(Interp *I, Value result, const Value *items, const int64_t *idx, int64_t r)
{
    Value t;
    if (!tuple_new(I, (size_t)r, &t))
        return false;
    for (int64_t i = 0; i < r; i++) {
        Value v = idx ? items[idx[i]] : items[i];
        value_incref(v);
        as_list(t)->items[i] = v;
    }
    bool ok = list_append(I, result, t);
    value_decref(t);
    return ok;
}

static bool finish(Interp *I, bool ok, Value result, Value *out)
{
    if (ok)
        ok = value_iter(I, result, out);
    value_decref(result);
    return ok;
}

#define MAX_ITERABLES 32

static bool it_chain(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value result, lists[MAX_ITERABLES];
    int n;
    if (a->nkw)
        return interp_error(I, ERR_TYPE, "chain() takes no keyword arguments");
    if (!all_lists(I, a, 0, lists, MAX_ITERABLES, &n))
        return false;
    bool ok = list_new(I, 0, &result);
    for (int i = 0; ok && i < n; i++)
        for (size_t k = 0; ok && k < as_list(lists[i])->len; k++)
            ok = list_append(I, result, as_list(lists[i])->items[k]);
    free_lists(lists, n);
    return ok ? finish(I, true, result, out) : false;
}

/* Odometer over pools: every combination of one item per pool. */
static bool product_fill(Interp *I, Value *pools, int npools, Value result)
{
    int64_t idx[MAX_ITERABLES] = {0};
    Value row[MAX_ITERABLES];
    for (int i = 0; i < npools; i++)
        if (as_list(pools[i])->len == 0)
            return true;
    for (;;) {
        if (!interp_check_interrupt(I))
            return false;
        for (int i = 0; i < npools; i++)
            row[i] = as_list(pools[i])->items[idx[i]];
        if (!push_tuple(I, result, row, NULL, npools))
            return false;
        int i = npools - 1;
        while (i >= 0 && ++idx[i] == (int64_t)as_list(pools[i])->len)
            idx[i--] = 0;
        if (i < 0)
            return true;
    }
}

static bool it_product(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value result, lists[MAX_ITERABLES], pools[MAX_ITERABLES];
    int64_t repeat = 1;
    int n;
    for (int i = 0; i < a->nkw; i++) {
        if (strcmp(a->kwnames[i], "repeat") != 0)
            return interp_error(I, ERR_TYPE, "product() got an unexpected keyword argument '%s'",
                                a->kwnames[i]);
        if (!arg_int(I, "product", "repeat", a->kwvals[i], &repeat))
            return false;
    }
    if (repeat < 0)
        return interp_error(I, ERR_VALUE, "repeat argument cannot be negative");
    if (!all_lists(I, a, 0, lists, MAX_ITERABLES, &n))
        return false;
    if ((int64_t)n * repeat > MAX_ITERABLES) {
        free_lists(lists, n);
        return interp_error(I, ERR_VALUE, "product() of more than %d pools", MAX_ITERABLES);
    }
    int np = 0;
    for (int64_t r = 0; r < repeat; r++)
        for (int i = 0; i < n; i++)
            pools[np++] = lists[i];
    bool ok = list_new(I, 0, &result);
    if (ok && np == 0)
        ok = push_tuple(I, result, NULL, NULL, 0);
    else if (ok)
        ok = product_fill(I, pools, np, result);
    free_lists(lists, n);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

typedef enum { C_PERM, C_COMB, C_COMB_REP } CombKind;

/* Index tuples in lexicographic order: distinct (permutations), increasing
 * (combinations) or non-decreasing (with replacement). */
static bool comb_fill(Interp *I, CombKind kind, const Value *items, int64_t n, int64_t r,
                      int64_t *idx, bool *used, int64_t depth, Value result)
{
    if (depth == r)
        return push_tuple(I, result, items, idx, r);
    if (!interp_check_interrupt(I))
        return false;
    int64_t from = kind == C_PERM || depth == 0 ? 0 : idx[depth - 1] + (kind == C_COMB);
    for (int64_t i = from; i < n; i++) {
        if (kind == C_PERM && used[i])
            continue;
        idx[depth] = i;
        used[i] = true;
        bool ok = comb_fill(I, kind, items, n, r, idx, used, depth + 1, result);
        used[i] = false;
        if (!ok)
            return false;
    }
    return true;
}

static bool combinatoric(Interp *I, const Args *a, const char *fname, CombKind kind, Value *out)
{
    Value v[2], pool, result;
    int64_t r;
    if (!args_parse(I, fname, a, kind == C_PERM ? "iterable, r=" : "iterable, r", v) ||
        !value_to_list(I, v[0], &pool))
        return false;
    int64_t n = (int64_t)as_list(pool)->len;
    r = n;
    bool ok = v[1].kind == VAL_UNSET || v[1].kind == VAL_NONE || arg_int(I, fname + 10, "r", v[1], &r);
    if (ok && r < 0)
        ok = interp_error(I, ERR_VALUE, "r must be non-negative");
    int64_t *idx = ok ? calloc((size_t)(r + 1), sizeof *idx) : NULL;
    bool *used = ok ? calloc((size_t)(n + 1), sizeof *used) : NULL;
    if (ok && (!idx || !used))
        ok = interp_error(I, ERR_MEMORY, "out of memory");
    ok = ok && list_new(I, 0, &result);
    if (ok && (kind == C_COMB_REP ? (n > 0 || r == 0) : r <= n))
        ok = comb_fill(I, kind, as_list(pool)->items, n, r, idx, used, 0, result) ||
             (value_decref(result), false);
    free(idx);
    free(used);
    value_decref(pool);
    return ok ? finish(I, true, result, out) : false;
}

static bool it_permutations(Interp *I, Value s, const Args *a, Value *o) { (void)s; return combinatoric(I, a, "itertools.permutations", C_PERM, o); }
static bool it_combinations(Interp *I, Value s, const Args *a, Value *o) { (void)s; return combinatoric(I, a, "itertools.combinations", C_COMB, o); }
static bool it_combinations_wr(Interp *I, Value s, const Args *a, Value *o) { (void)s; return combinatoric(I, a, "itertools.combinations_with_replacement", C_COMB_REP, o); }

static bool it_accumulate(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[3], items, result, acc = {VAL_UNSET, {0}};
    if (!args_parse(I, "itertools.accumulate", a, "iterable, func=, *, initial=", v) ||
        !value_to_list(I, v[0], &items))
        return false;
    bool ok = list_new(I, 0, &result), fn = v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE;
    if (ok && v[2].kind != VAL_UNSET && v[2].kind != VAL_NONE) {
        acc = v[2];
        value_incref(acc);
        ok = list_append(I, result, acc);
    }
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value x = as_list(items)->items[i], r;
        if (acc.kind == VAL_UNSET) {
            value_incref(x);
            r = x;
        } else if (fn) {
            Value args[2] = {acc, x};
            ok = interp_call(I, v[1], 2, args, &r);
        } else {
            ok = value_binop(I, BIN_ADD, acc, x, &r);
        }
        if (!ok)
            break;
        value_decref(acc);
        acc = r;
        ok = list_append(I, result, acc);
    }
    value_decref(acc);
    value_decref(items);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

static bool it_zip_longest(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value lists[MAX_ITERABLES], result, fill = val_none(), row[MAX_ITERABLES];
    int n;
    for (int i = 0; i < a->nkw; i++) {
        if (strcmp(a->kwnames[i], "fillvalue") != 0)
            return interp_error(I, ERR_TYPE, "zip_longest() got an unexpected keyword argument "
                                "'%s'", a->kwnames[i]);
        fill = a->kwvals[i];
    }
    if (!all_lists(I, a, 0, lists, MAX_ITERABLES, &n))
        return false;
    size_t len = 0;
    for (int i = 0; i < n; i++)
        if (as_list(lists[i])->len > len)
            len = as_list(lists[i])->len;
    bool ok = list_new(I, len, &result);
    for (size_t k = 0; ok && k < len; k++) {
        for (int i = 0; i < n; i++)
            row[i] = k < as_list(lists[i])->len ? as_list(lists[i])->items[k] : fill;
        ok = push_tuple(I, result, row, NULL, n);
    }
    free_lists(lists, n);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

static bool it_pairwise(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value it, items, result;
    if (!args_parse(I, "itertools.pairwise", a, "iterable", &it) || !value_to_list(I, it, &items))
        return false;
    bool ok = list_new(I, 0, &result);
    for (size_t i = 1; ok && i < as_list(items)->len; i++)
        ok = push_tuple(I, result, as_list(items)->items + i - 1, NULL, 2);
    value_decref(items);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

static bool it_starmap(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], items, result;
    if (!args_parse(I, "itertools.starmap", a, "function, iterable", v) ||
        !value_to_list(I, v[1], &items))
        return false;
    bool ok = list_new(I, 0, &result);
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value argl, r;
        ok = value_to_list(I, as_list(items)->items[i], &argl);
        if (!ok)
            break;
        ok = interp_call(I, v[0], (int)as_list(argl)->len, as_list(argl)->items, &r);
        value_decref(argl);
        if (ok) {
            ok = list_append(I, result, r);
            value_decref(r);
        }
    }
    value_decref(items);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

/* takewhile (take=true) / dropwhile (take=false). */
static bool while_pred(Interp *I, const Args *a, const char *fname, bool take, Value *out)
{
    Value v[2], items, result;
    if (!args_parse(I, fname, a, "predicate, iterable", v) || !value_to_list(I, v[1], &items))
        return false;
    bool ok = list_new(I, 0, &result), passing = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        Value x = as_list(items)->items[i], r;
        bool t = false;
        if (passing) {
            ok = interp_call(I, v[0], 1, &x, &r);
            if (!ok)
                break;
            ok = value_truth(I, r, &t);
            value_decref(r);
            passing = t;
        }
        if (take && !passing)
            break;
        if (ok && (take || !passing))
            ok = list_append(I, result, x);
    }
    value_decref(items);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

static bool it_takewhile(Interp *I, Value s, const Args *a, Value *o) { (void)s; return while_pred(I, a, "itertools.takewhile", true, o); }
static bool it_dropwhile(Interp *I, Value s, const Args *a, Value *o) { (void)s; return while_pred(I, a, "itertools.dropwhile", false, o); }

static bool it_compress(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], data, sel, result;
    if (!args_parse(I, "itertools.compress", a, "data, selectors", v) ||
        !value_to_list(I, v[0], &data))
        return false;
    if (!value_to_list(I, v[1], &sel)) {
        value_decref(data);
        return false;
    }
    bool ok = list_new(I, 0, &result);
    for (size_t i = 0; ok && i < as_list(data)->len && i < as_list(sel)->len; i++) {
        bool t;
        ok = value_truth(I, as_list(sel)->items[i], &t);
        if (ok && t)
            ok = list_append(I, result, as_list(data)->items[i]);
    }
    value_decref(data);
    value_decref(sel);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

/* groupby: (key, iterator over the run) for each run of equal keys. */
static bool it_groupby(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    Value v[2], items, result, group = {VAL_UNSET, {0}}, gkey = {VAL_UNSET, {0}};
    if (!args_parse(I, "itertools.groupby", a, "iterable, key=", v) || !value_to_list(I, v[0], &items))
        return false;
    bool ok = list_new(I, 0, &result), haskey = v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE;
    size_t n = as_list(items)->len;
    for (size_t i = 0; ok && i <= n; i++) {
        Value k = {VAL_UNSET, {0}};
        bool same = false;
        if (i < n) {
            Value x = as_list(items)->items[i];
            if (haskey)
                ok = interp_call(I, v[1], 1, &x, &k);
            else
                value_incref(k = x);
            if (ok && gkey.kind != VAL_UNSET)
                ok = value_eq(I, k, gkey, &same);
        }
        if (ok && !same && gkey.kind != VAL_UNSET) {   /* close the current run */
            Value it, pair;
            ok = value_iter(I, group, &it);
            if (ok) {
                ok = tuple_pack(I, &pair, 2, gkey, it) && list_append(I, result, pair);
                if (ok)
                    value_decref(pair);
                value_decref(it);
            }
            value_decref(group);
            value_decref(gkey);
            group.kind = gkey.kind = VAL_UNSET;
        }
        if (ok && i < n && gkey.kind == VAL_UNSET) {
            gkey = k;
            k.kind = VAL_UNSET;
            ok = list_new(I, 0, &group);
        }
        value_decref(k);
        if (ok && i < n)
            ok = list_append(I, group, as_list(items)->items[i]);
    }
    value_decref(group);
    value_decref(gkey);
    value_decref(items);
    return ok ? finish(I, true, result, out) : (value_decref(result), false);
}

static const NativeDef itertools_defs[] = {
    {"accumulate", it_accumulate, "accumulate(iterable, func=None, *, initial=None)", "Running totals (or running func(acc, x)).\nExample: list(accumulate([1, 2, 3])) -> [1, 3, 6]"},
    {"chain", it_chain, "chain(*iterables)", "The elements of each iterable in turn.\nExample: list(chain([1], (2, 3))) -> [1, 2, 3]"},
    {"combinations", it_combinations, "combinations(iterable, r)", "The r-length tuples of elements in sorted index order, without repeats.\nExample: list(combinations('abc', 2)) -> [('a', 'b'), ('a', 'c'), ('b', 'c')]"},
    {"combinations_with_replacement", it_combinations_wr, "combinations_with_replacement(iterable, r)", "Like combinations, allowing an element to repeat.\nExample: list(combinations_with_replacement('ab', 2)) -> [('a', 'a'), ('a', 'b'), ('b', 'b')]"},
    {"compress", it_compress, "compress(data, selectors)", "The elements of data whose selector is true.\nExample: list(compress('abc', [1, 0, 1])) -> ['a', 'c']"},
    {"count", it_count, "count(start=0, step=1)", "An endless iterator start, start+step, ... (lazy).\nExample: list(islice(count(10, 5), 3)) -> [10, 15, 20]"},
    {"cycle", it_cycle, "cycle(iterable)", "Repeats the elements of iterable endlessly (lazy).\nExample: list(islice(cycle('ab'), 5)) -> ['a', 'b', 'a', 'b', 'a']"},
    {"dropwhile", it_dropwhile, "dropwhile(predicate, iterable)", "Skips elements while predicate is true, then yields the rest.\nExample: list(dropwhile(lambda x: x < 3, [1, 4, 1])) -> [4, 1]"},
    {"groupby", it_groupby, "groupby(iterable, key=None)", "(key, group) pairs for runs of consecutive elements with equal keys.\nExample: [(k, list(g)) for k, g in groupby('aab')] -> [('a', ['a', 'a']), ('b', ['b'])]"},
    {"islice", it_islice, "islice(iterable, stop) or islice(iterable, start, stop, step=1)", "Selected elements of an iterator, lazily, like a slice.\nExample: list(islice('abcdef', 1, 5, 2)) -> ['b', 'd']"},
    {"pairwise", it_pairwise, "pairwise(iterable)", "Overlapping pairs of consecutive elements.\nExample: list(pairwise([1, 2, 3])) -> [(1, 2), (2, 3)]"},
    {"permutations", it_permutations, "permutations(iterable, r=None)", "The r-length orderings of elements (all of them by default).\nExample: list(permutations('ab')) -> [('a', 'b'), ('b', 'a')]"},
    {"product", it_product, "product(*iterables, repeat=1)", "The Cartesian product, as tuples, rightmost element varying fastest.\nExample: list(product([0, 1], repeat=2)) -> [(0, 0), (0, 1), (1, 0), (1, 1)]"},
    {"repeat", it_repeat, "repeat(object, times=None)", "object again and again (endlessly without times; lazy).\nExample: list(repeat('x', 3)) -> ['x', 'x', 'x']"},
    {"starmap", it_starmap, "starmap(function, iterable)", "function(*args) for each argument tuple.\nExample: list(starmap(pow, [(2, 3), (3, 2)])) -> [8, 9]"},
    {"takewhile", it_takewhile, "takewhile(predicate, iterable)", "Elements while predicate is true.\nExample: list(takewhile(lambda x: x < 3, [1, 2, 5, 1])) -> [1, 2]"},
    {"zip_longest", it_zip_longest, "zip_longest(*iterables, fillvalue=None)", "Like zip, running to the longest iterable and filling the gaps.\nExample: list(zip_longest('ab', 'x', fillvalue='-')) -> [('a', 'x'), ('b', '-')]"},
    {NULL, NULL, NULL, NULL},
};

bool pymods_itertools_create(Interp *I, Value *out)
{
    Value mod;
    if (!module_new(I, "itertools", "Python's itertools: count/cycle/repeat/islice (lazy) and "
                    "product, permutations, combinations, chain, groupby, ...", &mod))
        return false;
    if (!module_add_natives(I, mod, itertools_defs) || !pymods_itertools_extra(I, mod)) {
        value_decref(mod);
        return false;
    }
    *out = mod;
    return true;
}
