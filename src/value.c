/* value.c - heap objects of the language: allocation, reference counting,
 * strings, lists, tuples, dicts and sets (insertion ordered), cells, native
 * functions, modules and native instances.  Operators live in value_ops.c,
 * attributes in value_attr.c, repr/str/eq/hash in value_repr.c.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "object.h"

Obj *obj_alloc(Interp *I, ObjKind kind, size_t size)
{
    Obj *o = calloc(1, size);
    if (!o) {
        if (I)
            interp_error(I, ERR_MEMORY, "out of memory");
        return NULL;
    }
    o->kind = kind;
    o->refcount = 1;
    return o;
}

void value_incref(Value v)
{
    if (v.kind == VAL_OBJ)
        v.as.o->refcount++;
}

static void free_items(Value *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        value_decref(items[i]);
}

static void dict_free_entries(ObjDict *d)
{
    for (size_t i = 0; i < d->nentries; i++) {
        value_decref(d->entries[i].key);
        value_decref(d->entries[i].value);
    }
    free(d->entries);
    free(d->index);
}

void code_unref(Code *c)
{
    if (!c || --c->refcount > 0)
        return;
    value_decref(c->names);
    for (int i = 0; i < c->nfree; i++)
        free(c->freenames[i]);
    free(c->freenames);
    free(c);
}

static void func_free(ObjFunc *f)
{
    for (int i = 0; i < f->nparams; i++)
        value_decref(f->defaults[i]);
    free(f->defaults);
    if (f->closure) {
        for (int i = 0; i < f->code->nfree; i++)
            if (f->closure[i])
                value_decref(val_obj(&f->closure[i]->obj));
        free(f->closure);
    }
    code_unref(f->code);
    free(f->qualname);
    value_decref(f->dict);
    chunk_unref(f->chunk);
}

static void type_free(ObjType *t)
{
    free(t->name);
    for (int i = 0; i < t->nbases; i++)
        value_decref(val_obj(&t->bases[i]->obj));
    free(t->bases);
    value_decref(t->dict);
}

static void obj_free(Obj *o)
{
    switch (o->kind) {
    case OBJ_STR: case OBJ_RANGE: break;
    case OBJ_LIST: case OBJ_TUPLE:
        free_items(((ObjList *)o)->items, ((ObjList *)o)->len);
        free(((ObjList *)o)->items);
        break;
    case OBJ_DICT: case OBJ_SET:
        dict_free_entries((ObjDict *)o);
        setsim_free((ObjDict *)o);
        break;
    case OBJ_SLICE: {
        ObjSlice *s = (ObjSlice *)o;
        value_decref(s->lower); value_decref(s->upper); value_decref(s->step);
        break;
    }
    case OBJ_FUNC: func_free((ObjFunc *)o); break;
    case OBJ_NATIVE: value_decref(((ObjNativeFn *)o)->self); break;
    case OBJ_BOUND:
        value_decref(((ObjBound *)o)->fn);
        value_decref(((ObjBound *)o)->self);
        break;
    case OBJ_MODULE: {
        ObjModule *m = (ObjModule *)o;
        free(m->name); free(m->doc); value_decref(m->dict);
        break;
    }
    case OBJ_TYPE: type_free((ObjType *)o); break;
    case OBJ_INSTANCE: {
        ObjInstance *in = (ObjInstance *)o;
        value_decref(in->dict); value_decref(in->args); free(in->msg);
        value_decref(val_obj(&in->cls->obj));
        break;
    }
    case OBJ_CELL: value_decref(((ObjCell *)o)->v); break;
    case OBJ_ITER: value_decref(((ObjIter *)o)->src); break;
    case OBJ_NATIVE_OBJ: {
        ObjNativeObj *n = (ObjNativeObj *)o;
        if (n->cls->finalize)
            n->cls->finalize(n->data);
        break;
    }
    default: break;
    }
    free(o);
}

/* Freeing a deeply nested structure (a list inside a list, 100000 deep)
 * must not recurse that deep in C: below a nesting of 64, objects that
 * reach zero are queued and the outermost free drains the queue (the
 * "trashcan" of CPython). */
static _Thread_local int free_depth;
static _Thread_local Obj **free_queue;
static _Thread_local size_t free_len, free_cap;

static void obj_free_deferred(Obj *o)
{
    if (free_depth >= 64) {
        if (free_len == free_cap) {
            size_t cap = free_cap ? free_cap * 2 : 256;
            Obj **q = realloc(free_queue, cap * sizeof *q);
            if (!q) {
                obj_free(o);      /* no memory for the queue: recurse */
                return;
            }
            free_queue = q;
            free_cap = cap;
        }
        free_queue[free_len++] = o;
        return;
    }
    free_depth++;
    obj_free(o);
    if (free_depth == 1) {
        while (free_len)
            obj_free(free_queue[--free_len]);
        free(free_queue);
        free_queue = NULL;
        free_cap = 0;
    }
    free_depth--;
}

void value_decref(Value v)
{
    if (v.kind != VAL_OBJ)
        return;
    if (--v.as.o->refcount <= 0)
        obj_free_deferred(v.as.o);
}

/* ---- strings ---- */

uint64_t str_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

size_t utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

bool str_new(Interp *I, const char *s, size_t len, Value *out)
{
    if (len > SIZE_MAX / 2)
        return interp_error(I, ERR_MEMORY, "string too long");
    ObjStr *o = (ObjStr *)obj_alloc(I, OBJ_STR, sizeof(ObjStr) + len + 1);
    if (!o)
        return false;
    o->len = len;
    if (len)
        memcpy(o->chars, s, len);
    o->chars[len] = '\0';
    *out = val_obj(&o->obj);
    return true;
}

bool str_from_cstr(Interp *I, const char *s, Value *out)
{
    return str_new(I, s, strlen(s), out);
}

bool str_printf(Interp *I, Value *out, const char *fmt, ...)
{
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return sb_to_str(I, &sb, out);
}

/* ---- lists and tuples ---- */

bool list_new(Interp *I, size_t cap, Value *out)
{
    ObjList *l = (ObjList *)obj_alloc(I, OBJ_LIST, sizeof(ObjList));
    if (!l)
        return false;
    if (cap) {
        l->items = malloc(cap * sizeof(Value));
        if (!l->items) {
            free(l);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
        l->cap = cap;
    }
    *out = val_obj(&l->obj);
    return true;
}

bool list_append(Interp *I, Value list, Value item)
{
    ObjList *l = as_list(list);
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        Value *p = realloc(l->items, cap * sizeof(Value));
        if (!p)
            return interp_error(I, ERR_MEMORY, "out of memory");
        l->items = p;
        l->cap = cap;
    }
    value_incref(item);
    l->items[l->len++] = item;
    return true;
}

bool tuple_new(Interp *I, size_t len, Value *out)
{
    ObjList *t = (ObjList *)obj_alloc(I, OBJ_TUPLE, sizeof(ObjList));
    if (!t)
        return false;
    if (len) {
        t->items = calloc(len, sizeof(Value));
        if (!t->items) {
            free(t);
            return interp_error(I, ERR_MEMORY, "out of memory");
        }
    }
    t->len = t->cap = len;
    *out = val_obj(&t->obj);
    return true;
}

bool tuple_pack(Interp *I, Value *out, size_t n, ...)
{
    Value t;
    if (!tuple_new(I, n, &t))
        return false;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        Value v = va_arg(ap, Value);
        value_incref(v);
        as_list(t)->items[i] = v;
    }
    va_end(ap);
    *out = t;
    return true;
}

/* A new list or tuple holding src->items[lo..hi). */
bool list_copy_items(Interp *I, ObjList *src, size_t lo, size_t hi, bool tuple, Value *out)
{
    Value r;
    size_t n = hi > lo ? hi - lo : 0;
    if (tuple ? !tuple_new(I, n, &r) : !list_new(I, n, &r))
        return false;
    for (size_t i = 0; i < n; i++) {
        value_incref(src->items[lo + i]);
        as_list(r)->items[i] = src->items[lo + i];
    }
    as_list(r)->len = n;
    *out = r;
    return true;
}

/* ---- dicts and sets ---- */

static bool dict_alloc(Interp *I, ObjKind kind, Value *out)
{
    ObjDict *d = (ObjDict *)obj_alloc(I, kind, sizeof(ObjDict));
    if (!d)
        return false;
    *out = val_obj(&d->obj);
    return true;
}

bool dict_new(Interp *I, Value *out) { return dict_alloc(I, OBJ_DICT, out); }
bool set_new(Interp *I, Value *out) { return dict_alloc(I, OBJ_SET, out); }

/* Rebuilds the index (and compacts the entries) with room for `need` entries. */
static bool dict_resize(Interp *I, ObjDict *d, size_t need)
{
    size_t j = 0;
    for (size_t i = 0; i < d->nentries; i++)
        if (d->entries[i].key.kind != VAL_UNSET)
            d->entries[j++] = d->entries[i];
    d->nentries = j;
    size_t cap = 8;
    while (cap < need)
        cap *= 2;
    size_t icap = cap * 2;
    DictEntry *e = realloc(d->entries, cap * sizeof(DictEntry));
    int64_t *idx = malloc(icap * sizeof(int64_t));
    if (!e || !idx) {
        if (e)
            d->entries = e;
        free(idx);
        return interp_error(I, ERR_MEMORY, "out of memory growing a dict");
    }
    d->entries = e;
    d->cap = cap;
    free(d->index);
    d->index = idx;
    d->index_cap = icap;
    for (size_t i = 0; i < icap; i++)
        idx[i] = -1;
    for (size_t i = 0; i < d->nentries; i++) {
        size_t s = d->entries[i].hash & (icap - 1);
        while (idx[s] >= 0)
            s = (s + 1) & (icap - 1);
        idx[s] = (int64_t)i;
    }
    return true;
}

/* Finds the slot of key; *slot is the index slot where it is or would go.
 * Returns the entry or NULL.  False on an error comparing keys. */
static bool dict_lookup(Interp *I, ObjDict *d, Value key, uint64_t h,
                        DictEntry **entry, size_t *slot)
{
    *entry = NULL;
    if (!d->index_cap)
        return true;
    size_t s = h & (d->index_cap - 1);
    while (d->index[s] >= 0) {
        DictEntry *e = &d->entries[d->index[s]];
        if (e->key.kind != VAL_UNSET && e->hash == h) {
            bool eq;
            if (value_identical(e->key, key))
                eq = true;
            else if (!value_eq(I, e->key, key, &eq))
                return false;
            if (eq) {
                *entry = e;
                *slot = s;
                return true;
            }
        }
        s = (s + 1) & (d->index_cap - 1);
    }
    *slot = s;
    return true;
}

bool dict_set(Interp *I, Value dict, Value key, Value value)
{
    ObjDict *d = as_dict(dict);
    uint64_t h;
    if (!value_hash(I, key, &h))
        return false;
    DictEntry *e;
    size_t slot;
    if (!dict_lookup(I, d, key, h, &e, &slot))
        return false;
    if (e) {
        value_incref(value);
        value_decref(e->value);
        e->value = value;
        return true;
    }
    if (d->nentries == d->cap) {
        if (!dict_resize(I, d, d->len * 2 + 1))
            return false;
        dict_lookup(I, d, key, h, &e, &slot);
    }
    e = &d->entries[d->nentries];
    value_incref(key);
    value_incref(value);
    e->key = key;
    e->value = value;
    e->hash = h;
    d->index[slot] = (int64_t)d->nentries++;
    d->len++;
    return true;
}

bool dict_set_str(Interp *I, Value dict, const char *key, Value value)
{
    Value k;
    if (!str_from_cstr(I, key, &k))
        return false;
    bool ok = dict_set(I, dict, k, value);
    value_decref(k);
    return ok;
}

bool dict_get(Interp *I, Value dict, Value key, Value *out, bool *found)
{
    uint64_t h;
    if (!value_hash(I, key, &h))
        return false;
    DictEntry *e;
    size_t slot;
    if (!dict_lookup(I, as_dict(dict), key, h, &e, &slot))
        return false;
    *found = e != NULL;
    if (e) {
        value_incref(e->value);
        *out = e->value;
    }
    return true;
}

DictEntry *dict_find_cstr(Value dict, const char *key)
{
    ObjDict *d = as_dict(dict);
    if (!d->index_cap)
        return NULL;
    size_t n = strlen(key);
    uint64_t h = str_hash_bytes(key, n);
    size_t s = h & (d->index_cap - 1);
    while (d->index[s] >= 0) {
        DictEntry *e = &d->entries[d->index[s]];
        if (e->hash == h && val_is_obj(e->key, OBJ_STR) && as_str(e->key)->len == n &&
            memcmp(as_str(e->key)->chars, key, n) == 0)
            return e;
        s = (s + 1) & (d->index_cap - 1);
    }
    return NULL;
}

bool dict_get_str(Interp *I, Value dict, const char *key, Value *out, bool *found)
{
    (void)I;
    DictEntry *e = dict_find_cstr(dict, key);
    *found = e != NULL;
    if (e) {
        value_incref(e->value);
        *out = e->value;
    }
    return true;
}

bool dict_del(Interp *I, Value dict, Value key, bool *found)
{
    ObjDict *d = as_dict(dict);
    uint64_t h;
    if (!value_hash(I, key, &h))
        return false;
    DictEntry *e;
    size_t slot;
    if (!dict_lookup(I, d, key, h, &e, &slot))
        return false;
    *found = e != NULL;
    if (e) {
        Value k = e->key, v = e->value;
        if (d->obj.kind == OBJ_SET)
            setsim_removed(d, k);
        e->key.kind = VAL_UNSET;
        e->value.kind = VAL_UNSET;
        d->len--;
        value_decref(k);
        value_decref(v);
    }
    return true;
}

bool dict_next(Value dict, size_t *pos, Value *key, Value *val)
{
    ObjDict *d = as_dict(dict);
    while (*pos < d->nentries) {
        DictEntry *e = &d->entries[(*pos)++];
        if (e->key.kind != VAL_UNSET) {
            *key = e->key;
            if (val)
                *val = e->value;
            return true;
        }
    }
    return false;
}

bool set_add(Interp *I, Value set, Value item)
{
    Value unset = {VAL_UNSET, {0}};
    size_t before = as_dict(set)->len;
    if (!dict_set(I, set, item, unset))
        return false;
    if (as_dict(set)->len > before)
        setsim_added(as_dict(set), item);
    return true;
}

/* ---- cells, native functions, modules, native instances ---- */

bool cell_new(Interp *I, Value v, ObjCell **out)
{
    ObjCell *c = (ObjCell *)obj_alloc(I, OBJ_CELL, sizeof(ObjCell));
    if (!c)
        return false;
    value_incref(v);
    c->v = v;
    *out = c;
    return true;
}

bool native_new(Interp *I, const NativeDef *def, const char *qualname, Value self, Value *out)
{
    ObjNativeFn *f = (ObjNativeFn *)obj_alloc(I, OBJ_NATIVE, sizeof(ObjNativeFn));
    if (!f)
        return false;
    f->def = def;
    f->qualname = qualname ? qualname : def->name;
    value_incref(self);
    f->self = self;
    *out = val_obj(&f->obj);
    return true;
}

bool native_obj_new(Interp *I, const NativeClass *cls, void *data, Value *out)
{
    ObjNativeObj *n = (ObjNativeObj *)obj_alloc(I, OBJ_NATIVE_OBJ, sizeof(ObjNativeObj));
    if (!n) {
        if (cls->finalize)
            cls->finalize(data);
        return false;
    }
    n->cls = cls;
    n->data = data;
    *out = val_obj(&n->obj);
    return true;
}

void *native_obj_data(Value v, const NativeClass *cls)
{
    return native_obj_is(v, cls) ? ((ObjNativeObj *)v.as.o)->data : NULL;
}

bool module_new(Interp *I, const char *name, const char *doc, Value *out)
{
    ObjModule *m = (ObjModule *)obj_alloc(I, OBJ_MODULE, sizeof(ObjModule));
    if (!m)
        return false;
    Value mv = val_obj(&m->obj);
    m->name = strdup(name);
    m->doc = doc ? strdup(doc) : NULL;
    if (!m->name || (doc && !m->doc) || !dict_new(I, &m->dict)) {
        value_decref(mv);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    *out = mv;
    return true;
}

bool module_set(Interp *I, Value module, const char *name, Value v)
{
    return dict_set_str(I, ((ObjModule *)module.as.o)->dict, name, v);
}

bool module_get(Interp *I, Value module, const char *name, Value *out, bool *found)
{
    return dict_get_str(I, ((ObjModule *)module.as.o)->dict, name, out, found);
}

/* Copies every public attribute (no leading '_') of each module named in
 * `dotted` (NULL-terminated) into `target`.  A name that is not registered is
 * skipped: that part of nnsh is absent.  Used by tf and keras to take in the
 * names other parts add (tf.Variable, tf.keras, keras.datasets ...). */
bool module_merge(Interp *I, Value target, const char *const *dotted)
{
    for (int i = 0; dotted[i]; i++) {
        Value ext, names;
        if (!interp_import(I, dotted[i], &ext)) {
            interp_clear_error(I);
            continue;
        }
        if (!value_dir(I, ext, &names)) {
            value_decref(ext);
            return false;
        }
        bool ok = true;
        for (size_t k = 0; ok && k < as_list(names)->len; k++) {
            const char *n = str_cstr(as_list(names)->items[k]);
            Value v;
            bool found = false;
            if (n[0] == '_')
                continue;
            ok = module_get(I, ext, n, &v, &found);
            if (ok && found) {
                ok = module_set(I, target, n, v);
                value_decref(v);
            }
        }
        value_decref(names);
        value_decref(ext);
        if (!ok)
            return false;
    }
    return true;
}

/* Qualified names must outlive the values: they are kept in the module
 * dict under a hidden key as str objects whose bytes never move. */
bool module_add_natives(Interp *I, Value module, const NativeDef *defs)
{
    ObjModule *m = (ObjModule *)module.as.o;
    for (const NativeDef *d = defs; d->name; d++) {
        Value q, f;
        if (!str_printf(I, &q, "%s.%s", m->name, d->name))
            return false;
        Value key;
        if (!str_printf(I, &key, " qualname %s", d->name)) {
            value_decref(q);
            return false;
        }
        bool ok = dict_set(I, m->dict, key, q);
        value_decref(key);
        if (ok && native_new(I, d, str_cstr(q), (Value){VAL_UNSET, {0}}, &f)) {
            ok = module_set(I, module, d->name, f);
            value_decref(f);
        } else {
            ok = false;
        }
        value_decref(q);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- introspection for help and completion ---- */

const NativeDef *native_def(Value v)
{
    return val_is_obj(v, OBJ_NATIVE) ? ((ObjNativeFn *)v.as.o)->def : NULL;
}

const char *module_doc(Value v)
{
    return val_is_obj(v, OBJ_MODULE) ? ((ObjModule *)v.as.o)->doc : NULL;
}
