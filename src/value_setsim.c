/* value_setsim.c - sets of ints iterate and print in CPython's order.
 *
 * CPython iterates a set in the slot order of its hash table, and ints hash
 * to themselves, so the order of an int set is defined by the table's
 * history: insertions (open addressing, 9 linear probes, perturbation),
 * deletions (dummy slots, reused by later insertions), resizes (at 60%
 * fill; a merge sizes the table for both operands) and which operand each
 * set operation copies or walks.  nnsh keeps its sets as insertion-ordered
 * dicts and shadows each set of ints with this model of CPython 3.11's
 * setobject.c; the set operations below follow setobject.c's algorithms
 * (set_merge, set_intersection, set_difference, set_symmetric_difference,
 * set_pop) so the shadow sees what CPython's table sees.  A set that ever
 * holds anything but ints and bools has no shadow (strings hash randomly in
 * CPython: their order cannot be matched) and iterates in insertion order.
 * Part of the language core (see object.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"

enum { S_EMPTY, S_INT, S_BOOL, S_DUMMY };

typedef struct SetSim {
    size_t mask, fill, used, finger;
    uint8_t *st;              /* S_* per slot */
    int64_t *key;
} SetSim;

#define INVALID ((SetSim *)1)     /* the set held a non-int: no order */
#define LINEAR_PROBES 9

static uint64_t int_hash(int64_t v)
{
    const int64_t mod = (INT64_C(1) << 61) - 1;
    int64_t h = v % mod;
    return (uint64_t)(h == -1 ? -2 : h);
}

static SetSim *sim_alloc(size_t size)
{
    SetSim *s = calloc(1, sizeof *s);
    if (s && (!(s->st = calloc(size, 1)) || !(s->key = calloc(size, sizeof(int64_t))))) {
        free(s->st);
        free(s);
        return NULL;
    }
    if (s)
        s->mask = size - 1;
    return s;
}

static void sim_destroy(SetSim *s)
{
    if (s && s != INVALID) {
        free(s->st);
        free(s->key);
        free(s);
    }
}

void setsim_free(ObjDict *d)
{
    sim_destroy(d->sim);
    d->sim = NULL;
}

static void invalidate(ObjDict *d)
{
    sim_destroy(d->sim);
    d->sim = INVALID;
}

/* The shadow of a set, made empty on first use (while the set holds at
 * most `adding` items: the one just added); NULL when it has none. */
static SetSim *sim_of(ObjDict *d, size_t adding)
{
    if (d->sim == INVALID)
        return NULL;
    if (!d->sim) {
        if (d->len > adding || !(d->sim = sim_alloc(8))) {
            d->sim = INVALID;             /* filled before the shadow: unknown */
            return NULL;
        }
    }
    return d->sim;
}

/* setobject.c set_insert_clean: into a table without dummies or equals. */
static void insert_clean(uint8_t *st, int64_t *key, size_t mask, int64_t k, uint8_t kind)
{
    uint64_t hash = int_hash(k), perturb = hash;
    size_t i = hash & mask, e = i;
    for (;;) {
        if (st[e = i] == S_EMPTY)
            goto found;
        if (i + LINEAR_PROBES <= mask)
            for (int j = 0; j < LINEAR_PROBES; j++)
                if (st[++e] == S_EMPTY)
                    goto found;
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & mask;
    }
found:
    st[e] = kind;
    key[e] = k;
}

/* setobject.c set_table_resize: the smallest power of two above minused. */
static bool sim_resize(SetSim *s, size_t minused)
{
    size_t size = 8;
    while (size <= minused)
        size <<= 1;
    uint8_t *st = calloc(size, 1);
    int64_t *key = calloc(size, sizeof *key);
    if (!st || !key) {
        free(st);
        free(key);
        return false;
    }
    for (size_t i = 0; i <= s->mask; i++)
        if (s->st[i] == S_INT || s->st[i] == S_BOOL)
            insert_clean(st, key, size - 1, s->key[i], s->st[i]);
    free(s->st);
    free(s->key);
    s->st = st;
    s->key = key;
    s->mask = size - 1;
    s->fill = s->used;
    return true;
}

/* setobject.c set_add_entry (the last dummy passed is reused, fill grows
 * only on empty slots, a resize at 60% fill). */
static bool sim_add(SetSim *s, int64_t k, uint8_t kind)
{
    uint64_t hash = int_hash(k), perturb = hash;
    size_t i = hash & s->mask, freeslot = SIZE_MAX, j;
    for (;;) {
        int probes = i + LINEAR_PROBES <= s->mask ? LINEAR_PROBES : 0;
        j = i;
        do {
            if (s->st[j] == S_EMPTY)
                goto found_unused;
            if (s->st[j] == S_DUMMY) {
                freeslot = j;            /* the last dummy on the path, as 3.11 */
            } else if (s->key[j] == k) {
                return true;
            }
            j++;
        } while (probes--);
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & s->mask;
    }
found_unused:
    if (freeslot != SIZE_MAX) {
        s->st[freeslot] = kind;
        s->key[freeslot] = k;
        s->used++;
        return true;
    }
    s->st[j] = kind;
    s->key[j] = k;
    s->fill++;
    s->used++;
    if (s->fill * 5 < s->mask * 3)
        return true;
    return sim_resize(s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

/* setobject.c set_lookkey + set_discard_entry. */
static void sim_discard(SetSim *s, int64_t k)
{
    uint64_t hash = int_hash(k), perturb = hash;
    size_t i = hash & s->mask;
    for (;;) {
        int probes = i + LINEAR_PROBES <= s->mask ? LINEAR_PROBES : 0;
        size_t j = i;
        do {
            if (s->st[j] == S_EMPTY)
                return;
            if (s->st[j] != S_DUMMY && s->key[j] == k) {
                s->st[j] = S_DUMMY;
                s->used--;
                return;
            }
            j++;
        } while (probes--);
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & s->mask;
    }
}

static bool int_key(Value v, int64_t *k, uint8_t *kind)
{
    if (v.kind == VAL_INT) {
        *k = v.as.i;
        *kind = S_INT;
        return true;
    }
    if (v.kind == VAL_BOOL) {
        *k = v.as.b;
        *kind = S_BOOL;
        return true;
    }
    return false;
}

/* ---- hooks: value.c calls these as the set's dict changes ---- */

void setsim_added(ObjDict *d, Value item)
{
    int64_t k;
    uint8_t kind;
    SetSim *s = sim_of(d, 1);
    if (!s)
        return;
    if (!int_key(item, &k, &kind) || !sim_add(s, k, kind))
        invalidate(d);
}

void setsim_removed(ObjDict *d, Value item)
{
    int64_t k;
    uint8_t kind;
    SetSim *s = sim_of(d, 0);
    if (s && int_key(item, &k, &kind))
        sim_discard(s, k);
}

/* ---- CPython's order ---- */

/* A new list of the set's items in CPython's order; *done=false when the
 * set has no shadow (the caller falls back). */
bool setsim_order(Interp *I, Value set, Value *out, bool *done)
{
    ObjDict *d = as_dict(set);
    SetSim *s = d->sim == INVALID ? NULL : d->sim;
    *done = false;
    if (!s || s->used != d->len)
        return true;
    if (!list_new(I, s->used, out))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i <= s->mask; i++)
        if (s->st[i] == S_INT || s->st[i] == S_BOOL)
            ok = list_append(I, *out, s->st[i] == S_INT ? val_int(s->key[i])
                                                          : val_bool(s->key[i] != 0));
    if (!ok) {
        value_decref(*out);
        return false;
    }
    *done = true;
    return true;
}

/* Items of any set in its iteration order (a new list). */
static bool items_of(Interp *I, Value set, Value *out)
{
    bool done;
    if (!set_python_order(I, set, out, &done))
        return false;
    if (done)
        return true;
    if (!list_new(I, as_dict(set)->len, out))
        return false;
    size_t pos = 0;
    Value k;
    while (dict_next(set, &pos, &k, NULL))
        if (!list_append(I, *out, k)) {
            value_decref(*out);
            return false;
        }
    return true;
}

/* ---- the operations, as setobject.c does them ---- */

static bool contains(Interp *I, Value set, Value k, bool *found)
{
    Value got;
    if (!dict_get(I, set, k, &got, found))
        return false;
    if (*found)
        value_decref(got);
    return true;
}

/* set_merge: so |= other (a set), one resize up front for both. */
static bool merge(Interp *I, Value so, Value other)
{
    ObjDict *d = as_dict(so), *od = as_dict(other);
    if (so.as.o == other.as.o || od->len == 0)
        return true;
    SetSim *s = sim_of(d, 0), *os = od->sim == INVALID ? NULL : od->sim;
    Value items;
    if (!items_of(I, other, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++)
        ok = dict_set(I, so, as_list(items)->items[i], (Value){VAL_UNSET, {0}});
    value_decref(items);
    if (!ok || !s)
        return ok;
    if (!os || os->used != od->len) {
        invalidate(d);
        return true;
    }
    if ((s->fill + os->used) * 5 >= s->mask * 3 && !sim_resize(s, (s->used + os->used) * 2))
        return invalidate(d), true;
    bool was_empty = s->fill == 0;         /* after the resize dropped dummies */
    if (was_empty && s->mask == os->mask && os->fill == os->used) {
        for (size_t i = 0; i <= os->mask; i++) {
            s->st[i] = os->st[i] == S_DUMMY ? S_EMPTY : os->st[i];
            s->key[i] = os->key[i];
        }
        s->fill = s->used = os->used;
    } else if (was_empty) {
        for (size_t i = 0; i <= os->mask; i++)
            if (os->st[i] == S_INT || os->st[i] == S_BOOL)
                insert_clean(s->st, s->key, s->mask, os->key[i], os->st[i]);
        s->fill = s->used = os->used;
    } else {
        for (size_t i = 0; i <= os->mask; i++)
            if ((os->st[i] == S_INT || os->st[i] == S_BOOL) && !sim_add(s, os->key[i], os->st[i]))
                return invalidate(d), true;
    }
    return true;
}

/* set_update_internal: so |= any iterable. */
bool pyset_update(Interp *I, Value so, Value other)
{
    if (val_is_obj(other, OBJ_SET))
        return merge(I, so, other);
    SetSim *s = val_is_obj(other, OBJ_DICT) ? sim_of(as_dict(so), 0) : NULL;
    if (s) {   /* one resize for the dict's keys */
        size_t n = as_dict(other)->len;
        if ((s->fill + n) * 5 >= s->mask * 3 && !sim_resize(s, (s->used + n) * 2))
            invalidate(as_dict(so));
    }
    Value items;
    if (!value_to_list(I, other, &items))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < as_list(items)->len; i++)
        ok = set_add(I, so, as_list(items)->items[i]);
    value_decref(items);
    return ok;
}

/* make_new_set(iterable): set(x), s.copy(). */
bool pyset_from(Interp *I, Value iterable, Value *out)
{
    if (!set_new(I, out))
        return false;
    if (iterable.kind != VAL_UNSET && !pyset_update(I, *out, iterable)) {
        value_decref(*out);
        return false;
    }
    return true;
}

/* A set display {a, b, c}: CPython's compiler makes an all-constant
 * display of more than two items a frozenset constant, which its constant
 * merging rebuilds from its own items (frozenset(tuple(fs))); the code
 * merges that into a new set. */
bool pyset_display(Interp *I, Value items, bool constant, Value *out)
{
    Value frozen, order, again;
    if (!constant || as_list(items)->len <= 2)
        return pyset_from(I, items, out);
    if (!pyset_from(I, items, &frozen))
        return false;
    bool ok = items_of(I, frozen, &order);
    value_decref(frozen);
    if (!ok)
        return false;
    ok = pyset_from(I, order, &again);
    value_decref(order);
    if (!ok)
        return false;
    ok = pyset_from(I, again, out);
    value_decref(again);
    return ok;
}

/* set_intersection: walks the smaller set (other on a tie), adding what
 * the larger holds to a new set. */
static bool intersection(Interp *I, Value so, Value other, Value *out)
{
    Value items = {VAL_UNSET, {0}}, big = so;
    if (so.as.o == other.as.o)
        return pyset_from(I, so, out);
    if (!set_new(I, out))
        return false;
    bool ok;
    if (val_is_obj(other, OBJ_SET)) {
        if (as_dict(other)->len > as_dict(so)->len) {
            big = other;
            other = so;
        }
        ok = items_of(I, other, &items);
    } else {
        ok = value_to_list(I, other, &items);
    }
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        bool found;
        ok = contains(I, big, as_list(items)->items[i], &found);
        if (ok && found)
            ok = set_add(I, *out, as_list(items)->items[i]);
    }
    value_decref(items);
    if (!ok)
        value_decref(*out);
    return ok;
}

/* set_difference_update_internal: discards other's items, then resizes
 * away the dummies when they are more than a quarter of the table. */
static bool difference_update(Interp *I, Value so, Value other)
{
    Value items;
    if (!(val_is_obj(other, OBJ_SET) ? items_of(I, other, &items) : value_to_list(I, other, &items)))
        return false;
    bool ok = true, found;
    for (size_t i = 0; ok && i < as_list(items)->len; i++)
        ok = dict_del(I, so, as_list(items)->items[i], &found);
    value_decref(items);
    SetSim *s = as_dict(so)->sim == INVALID ? NULL : as_dict(so)->sim;
    if (ok && s && s->fill - s->used > s->mask / 4 &&
        !sim_resize(s, s->used > 50000 ? s->used * 2 : s->used * 4))
        invalidate(as_dict(so));
    return ok;
}

/* set_difference: a copy minus other when so is over four times larger,
 * else so's items that other lacks, into a new set. */
static bool difference(Interp *I, Value so, Value other, Value *out)
{
    if (!val_is_obj(other, OBJ_SET) || (as_dict(so)->len >> 2) > as_dict(other)->len) {
        if (!pyset_from(I, so, out))
            return false;
        if (!difference_update(I, *out, other)) {
            value_decref(*out);
            return false;
        }
        return true;
    }
    Value items = {VAL_UNSET, {0}};
    if (!set_new(I, out))
        return false;
    bool ok = items_of(I, so, &items);
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        bool found;
        ok = contains(I, other, as_list(items)->items[i], &found);
        if (ok && !found)
            ok = set_add(I, *out, as_list(items)->items[i]);
    }
    value_decref(items);
    if (!ok)
        value_decref(*out);
    return ok;
}

/* set_symmetric_difference_update: each item of other (as a set) is
 * discarded when present, else added. */
static bool symdiff_update(Interp *I, Value so, Value other)
{
    Value os, items = {VAL_UNSET, {0}};
    if (val_is_obj(other, OBJ_SET)) {
        value_incref(other);
        os = other;
    } else if (!pyset_from(I, other, &os)) {
        return false;
    }
    bool ok = items_of(I, os, &items);
    for (size_t i = 0; ok && i < as_list(items)->len; i++) {
        bool found;
        ok = dict_del(I, so, as_list(items)->items[i], &found);
        if (ok && !found)
            ok = set_add(I, so, as_list(items)->items[i]);
    }
    value_decref(items);
    value_decref(os);
    return ok;
}

/* a | b, a & b, a - b, a ^ b on sets. */
static bool set_binop_new(Interp *I, BinOp op, Value a, Value b, Value *out)
{
    switch (op) {
    case BIN_BITOR:
        if (!pyset_from(I, a, out))
            return false;
        if (!merge(I, *out, b)) {
            value_decref(*out);
            return false;
        }
        return true;
    case BIN_BITAND: return intersection(I, a, b, out);
    case BIN_SUB: return difference(I, a, b, out);
    case BIN_BITXOR:
        if (!pyset_from(I, b, out))
            return false;
        if (!symdiff_update(I, *out, a)) {
            value_decref(*out);
            return false;
        }
        return true;
    default:
        return interp_error(I, ERR_TYPE, "unsupported set operation");
    }
}

/* a OP b as a new set; a frozenset when a is one (the left operand's type,
 * as in Python: frozenset({1}) | {2} is a frozenset, {2} | frozenset({1})
 * a set). */
bool pyset_binop(Interp *I, BinOp op, Value a, Value b, Value *out)
{
    if (!set_binop_new(I, op, a, b, out))
        return false;
    as_dict(*out)->frozen = as_dict(a)->frozen;
    return true;
}

static size_t finger_of(ObjDict *d)
{
    return d->sim && d->sim != INVALID ? d->sim->finger : 0;
}

static void set_finger(ObjDict *d, size_t f)
{
    SetSim *s = sim_of(d, 0);
    if (s)
        s->finger = f;
}

/* Exchanges two sets' contents (setobject.c set_swap_bodies); pop's
 * finger stays with each set, as there. */
static void swap_bodies(ObjDict *a, ObjDict *b)
{
    ObjDict t = *a;
    size_t off = offsetof(ObjDict, len), fa = finger_of(a), fb = finger_of(b);
    memcpy((char *)a + off, (char *)b + off, sizeof *a - off);
    memcpy((char *)b + off, (char *)&t + off, sizeof *a - off);
    b->frozen = a->frozen;               /* each keeps its own type */
    a->frozen = t.frozen;
    if (a->sim != INVALID)
        set_finger(a, fa);
    if (b->sim != INVALID)
        set_finger(b, fb);
}

/* so OP= other in place (|=, &=, -=, ^= and the *_update methods). */
bool pyset_inplace(Interp *I, BinOp op, Value so, Value other)
{
    Value tmp;
    switch (op) {
    case BIN_BITOR: return pyset_update(I, so, other);
    case BIN_SUB:
        if (so.as.o == other.as.o) {
            pyset_clear(so);
            return true;
        }
        return difference_update(I, so, other);
    case BIN_BITXOR:
        if (so.as.o == other.as.o) {
            pyset_clear(so);
            return true;
        }
        return symdiff_update(I, so, other);
    case BIN_BITAND:
        if (!intersection(I, so, other, &tmp))
            return false;
        swap_bodies(as_dict(so), as_dict(tmp));
        value_decref(tmp);
        return true;
    default:
        return interp_error(I, ERR_TYPE, "unsupported set operation");
    }
}

/* set.clear(): an empty table of 8 slots. */
void pyset_clear(Value so)
{
    ObjDict *d = as_dict(so);
    ObjDict empty;
    memset(&empty, 0, sizeof empty);
    swap_bodies(d, &empty);              /* d is empty; its old body is in `empty` */
    for (size_t i = 0; i < empty.nentries; i++) {
        value_decref(empty.entries[i].key);
        value_decref(empty.entries[i].value);
    }
    free(empty.entries);
    free(empty.index);
    sim_destroy(empty.sim);
}

/* set.pop(): CPython's choice (scanning from the last pop's slot); *done
 * false when the set has no shadow. */
bool pyset_pop(Interp *I, Value so, Value *out, bool *done)
{
    ObjDict *d = as_dict(so);
    SetSim *s = d->sim == INVALID ? NULL : d->sim;
    *done = false;
    if (!s || s->used != d->len || s->used == 0)
        return true;
    size_t i = s->finger & s->mask;
    while (s->st[i] != S_INT && s->st[i] != S_BOOL)
        i = (i + 1) & s->mask;
    Value k = s->st[i] == S_INT ? val_int(s->key[i]) : val_bool(s->key[i] != 0);
    bool found;
    if (!dict_del(I, so, k, &found))       /* makes slot i the dummy */
        return false;
    s->finger = i + 1;
    *out = k;
    *done = true;
    return true;
}

/* The methods with any number of operands: union, intersection and
 * difference (op BIN_BITOR, BIN_BITAND, BIN_SUB), as new sets or, with
 * in_place, as update, intersection_update and difference_update. */
bool pyset_multi(Interp *I, BinOp op, bool in_place, Value so, int n, const Value *others,
                 Value *out)
{
    Value r, next;
    bool ok = true;
    if (in_place && op != BIN_BITAND) {
        for (int i = 0; ok && i < n; i++)
            ok = pyset_inplace(I, op, so, others[i]);
        return ok;
    }
    if (n == 0 || op == BIN_BITOR) {
        if (!pyset_from(I, so, &r))
            return false;
        for (int i = 0; ok && i < n; i++)
            ok = others[i].as.o == so.as.o || pyset_update(I, r, others[i]);
    } else if (op == BIN_SUB) {
        if (!difference(I, so, others[0], &r))
            return false;
        for (int i = 1; ok && i < n; i++)
            ok = difference_update(I, r, others[i]);
    } else {
        value_incref(so);
        r = so;
        for (int i = 0; ok && i < n; i++) {
            ok = intersection(I, r, others[i], &next);
            value_decref(r);
            r = ok ? next : val_none();
        }
    }
    if (!ok) {
        value_decref(r);
        return false;
    }
    if (in_place) {                      /* intersection_update */
        swap_bodies(as_dict(so), as_dict(r));
        value_decref(r);
        return true;
    }
    as_dict(r)->frozen = as_dict(so)->frozen;   /* the type of self */
    *out = r;
    return true;
}
