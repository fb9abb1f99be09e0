/* mod_tfdata.c - tf.data.Dataset: from_tensor_slices, range, and the
 * transformations shuffle, batch, map, take, skip, repeat, prefetch, cache;
 * iteration in a for loop (elements are tf tensors, or tuples of them).
 *
 * Owned by the data part.  A dataset is a pipeline: each transformation is
 * a new Dataset holding its parent and its parameters, and iterating
 * materializes the pipeline from the source (so a shuffle reshuffles on
 * every pass, as reshuffle_each_iteration=True does).  Until a map, the
 * elements stay columnar (one tensor per component, elements on axis 0):
 * shuffle gathers rows and batch takes views, so a 60000-row set batches
 * without per-row values.  Reaches tf through the extension "nnsh.tf_data".
 */
#include <stdlib.h>
#include <string.h>
#include "mod_data.h"

#define DS_MAXCOMP 8

typedef enum { DS_SOURCE, DS_SHUFFLE, DS_BATCH, DS_MAP, DS_TAKE, DS_SKIP, DS_REPEAT, DS_SAME } DsOp;

typedef struct {
    DsOp op;
    Value parent;            /* the Dataset this one transforms (unset for a source) */
    int ncomp;               /* DS_SOURCE: components */
    bool tuple;              /* DS_SOURCE: elements are tuples */
    NnTensor *comp[DS_MAXCOMP];
    int64_t n;               /* shuffle buffer, batch size, take/skip/repeat count */
    int64_t seed;            /* shuffle: -1 for the session's generator */
    bool drop;               /* batch: drop_remainder */
    Value fn;                /* map */
    const char *name;        /* "_BatchDataset" ... */
} Ds;

/* A materialized pipeline: columnar (ncomp > 0) or a list of elements. */
typedef struct {
    int ncomp;
    bool tuple;
    NnTensor *comp[DS_MAXCOMP];
    Value list;
} Mat;

static const NativeClass ds_class;

static void ds_finalize(void *data)
{
    Ds *d = data;
    value_decref(d->parent);
    value_decref(d->fn);
    for (int i = 0; i < d->ncomp; i++)
        nn_tensor_unref(d->comp[i]);
    free(d);
}

static void mat_free(Mat *m)
{
    for (int i = 0; i < m->ncomp; i++)
        nn_tensor_unref(m->comp[i]);
    m->ncomp = 0;
    value_decref(m->list);
    m->list = (Value){0};
}

static int64_t mat_len(const Mat *m)
{
    return m->ncomp ? m->comp[0]->shape[0] : (int64_t)as_list(m->list)->len;
}

/* An element from its component tensors (references taken, also on
 * failure; a NULL one means a failed lib call): a tf tensor or a tuple. */
static bool make_element(Interp *I, NnTensor **ts, int n, bool tuple, Value *out)
{
    Value v[DS_MAXCOMP];
    int made = 0;
    bool ok = true;
    for (; made < n; made++)
        if (!(ok = tensor_value_wrap(I, ts[made], TENSOR_TF, &v[made])))
            break;
    for (int k = made + 1; k < n; k++)
        nn_tensor_unref(ts[k]);
    if (ok && !tuple) {
        *out = v[0];
        return true;
    }
    ok = ok && tuple_new(I, (size_t)n, out);
    for (int k = 0; k < made; k++) {
        if (ok)
            as_list(*out)->items[k] = v[k];
        else
            value_decref(v[k]);
    }
    return ok;
}

/* Element i of a columnar Mat (views of row i). */
static bool col_element(Interp *I, const Mat *m, int64_t i, Value *out)
{
    NnTensor *ts[DS_MAXCOMP];
    for (int k = 0; k < m->ncomp; k++)
        ts[k] = nn_tensor_select(interp_nn(I), m->comp[k], 0, i);
    return make_element(I, ts, m->ncomp, m->tuple, out);
}

/* Columnar -> list of elements. */
static bool mat_to_list(Interp *I, Mat *m)
{
    if (!m->ncomp)
        return true;
    Value lst;
    int64_t n = mat_len(m);
    if (!list_new(I, (size_t)n, &lst))
        return false;
    for (int64_t i = 0; i < n; i++) {
        Value e;
        if (!col_element(I, m, i, &e) || !list_append(I, lst, e)) {
            value_decref(lst);
            return false;
        }
        value_decref(e);
    }
    mat_free(m);
    m->list = lst;
    return true;
}

/* ---------------------------------------------------------------- the steps */

static bool step_shuffle(Interp *I, const Ds *d, Mat *m)
{
    NnCtx *ctx = interp_nn(I);
    int64_t n = mat_len(m);
    NnTensor *perm = nn_split_kfold_perm(ctx, n, true, d->seed);
    if (!perm)
        return data_nn_error(I);
    bool ok = true;
    if (m->ncomp) {
        for (int k = 0; ok && k < m->ncomp; k++) {
            NnTensor *t = nn_take(ctx, m->comp[k], perm, 0);
            ok = t != NULL || data_nn_error(I);
            if (ok) {
                nn_tensor_unref(m->comp[k]);
                m->comp[k] = t;
            }
        }
    } else {
        Value lst;
        ok = list_new(I, (size_t)n, &lst);
        for (int64_t i = 0; ok && i < n; i++)
            ok = list_append(I, lst, as_list(m->list)->items[nn_tensor_get_i64(perm, i)]);
        if (ok) {
            value_decref(m->list);
            m->list = lst;
        }
    }
    nn_tensor_unref(perm);
    return ok;
}

/* Rows [lo, hi) of every component as views (columnar), or a sublist. */
static bool step_range(Interp *I, Mat *m, int64_t lo, int64_t hi)
{
    if (m->ncomp) {
        for (int k = 0; k < m->ncomp; k++) {
            NnTensor *t = nn_tensor_slice(interp_nn(I), m->comp[k], 0, lo, hi, 1);
            if (!t)
                return data_nn_error(I);
            nn_tensor_unref(m->comp[k]);
            m->comp[k] = t;
        }
        return true;
    }
    Value lst;
    if (!list_new(I, (size_t)(hi - lo), &lst))
        return false;
    for (int64_t i = lo; i < hi; i++)
        if (!list_append(I, lst, as_list(m->list)->items[i])) {
            value_decref(lst);
            return false;
        }
    value_decref(m->list);
    m->list = lst;
    return true;
}

/* Component k of list element e (a tensor, or item k of a tuple). */
static bool component(Interp *I, Value e, int k, NnTensor **out)
{
    Value c = val_is_obj(e, OBJ_TUPLE) ? as_list(e)->items[k] : e;
    return tensor_from_value(I, c, -1, TENSOR_TF, out);
}

/* Stacks list elements [lo, hi) component by component. */
static bool stack_elements(Interp *I, Value lst, int64_t lo, int64_t hi, Value *out)
{
    Value first = as_list(lst)->items[lo];
    bool tup = val_is_obj(first, OBJ_TUPLE);
    int nc = tup ? (int)as_list(first)->len : 1;
    int64_t n = hi - lo;
    NnTensor **ts = calloc((size_t)n + 1, sizeof *ts);
    Value parts[DS_MAXCOMP];
    bool ok = ts != NULL && nc <= DS_MAXCOMP;
    if (!ok)
        return free(ts), interp_error(I, ERR_VALUE, "dataset elements too large to batch");
    int k = 0;
    for (; ok && k < nc; k++) {
        int64_t got = 0;
        for (; ok && got < n; got++)
            ok = component(I, as_list(lst)->items[lo + got], k, &ts[got]);
        NnTensor *s = ok ? nn_stack(interp_nn(I), ts, (int)n, 0, ts[0]->dtype) : NULL;
        for (int64_t i = 0; i < got; i++)
            nn_tensor_unref(ts[i]);
        ok = ok && tensor_value_wrap(I, s, TENSOR_TF, &parts[k]);
    }
    free(ts);
    if (ok && !tup) {
        *out = parts[0];
        return true;
    }
    if (ok && tuple_new(I, (size_t)nc, out)) {
        for (int i = 0; i < nc; i++)
            as_list(*out)->items[i] = parts[i];
        return true;
    }
    for (int i = 0; i < (ok ? nc : k - 1); i++)
        value_decref(parts[i]);
    return false;
}

static bool step_batch(Interp *I, const Ds *d, Mat *m)
{
    int64_t n = mat_len(m), b = d->n;
    Value lst;
    bool colmode = m->ncomp > 0;
    if (!list_new(I, (size_t)(n / b + 1), &lst))
        return false;
    for (int64_t lo = 0; lo < n; lo += b) {
        int64_t hi = lo + b < n ? lo + b : n;
        if (hi - lo < b && d->drop)
            break;
        Value e;
        bool ok;
        if (colmode) {   /* a batch of rows is a view of each component */
            NnTensor *ts[DS_MAXCOMP];
            for (int k = 0; k < m->ncomp; k++)
                ts[k] = nn_tensor_slice(interp_nn(I), m->comp[k], 0, lo, hi, 1);
            ok = make_element(I, ts, m->ncomp, m->tuple, &e);
        } else {
            ok = stack_elements(I, m->list, lo, hi, &e);
        }
        if (!ok || !list_append(I, lst, e)) {
            if (ok)
                value_decref(e);
            value_decref(lst);
            return false;
        }
        value_decref(e);
    }
    mat_free(m);
    m->list = lst;
    return true;
}

/* map(f): f(*element) for tuples, f(element) otherwise. */
static bool step_map(Interp *I, const Ds *d, Mat *m)
{
    if (!mat_to_list(I, m))
        return false;
    Value src = m->list, lst;
    size_t n = as_list(src)->len;
    if (!list_new(I, n, &lst))
        return false;
    for (size_t i = 0; i < n; i++) {
        Value e = as_list(src)->items[i], r;
        bool tup = val_is_obj(e, OBJ_TUPLE);
        bool ok = interp_call(I, d->fn, tup ? (int)as_list(e)->len : 1,
                              tup ? as_list(e)->items : &e, &r);
        if (!ok || !list_append(I, lst, r)) {
            if (ok)
                value_decref(r);
            value_decref(lst);
            return false;
        }
        value_decref(r);
    }
    value_decref(m->list);
    m->list = lst;
    return true;
}

static bool step_repeat(Interp *I, const Ds *d, Mat *m)
{
    if (!mat_to_list(I, m))
        return false;
    Value lst;
    size_t n = as_list(m->list)->len;
    if (d->n < 0)
        return interp_error(I, ERR_VALUE, "repeat() without a count is endless: give "
                            "repeat(count) (fit(epochs=...) repeats by itself)");
    if (!list_new(I, n * (size_t)d->n, &lst))
        return false;
    for (int64_t r = 0; r < d->n; r++)
        for (size_t i = 0; i < n; i++)
            if (!list_append(I, lst, as_list(m->list)->items[i])) {
                value_decref(lst);
                return false;
            }
    value_decref(m->list);
    m->list = lst;
    return true;
}

static bool materialize(Interp *I, Value dsv, Mat *m)
{
    Ds *d = native_obj_data(dsv, &ds_class);
    if (d->op == DS_SOURCE) {
        *m = (Mat){.ncomp = d->ncomp, .tuple = d->tuple};
        for (int k = 0; k < d->ncomp; k++)
            m->comp[k] = nn_tensor_ref(d->comp[k]);
        return true;
    }
    if (!materialize(I, d->parent, m))
        return false;
    int64_t n = mat_len(m);
    bool ok;
    switch (d->op) {
    case DS_SHUFFLE: ok = step_shuffle(I, d, m); break;
    case DS_BATCH: ok = step_batch(I, d, m); break;
    case DS_MAP: ok = step_map(I, d, m); break;
    case DS_TAKE: ok = step_range(I, m, 0, d->n < 0 || d->n > n ? n : d->n); break;
    case DS_SKIP: ok = step_range(I, m, d->n < 0 || d->n > n ? n : d->n, n); break;
    case DS_REPEAT: ok = step_repeat(I, d, m); break;
    default: ok = true; break;
    }
    if (!ok)
        mat_free(m);
    return ok;
}

/* The elements as a list (for iteration, len and the Keras bindings). */
bool data_dataset_elements(Interp *I, Value ds, Value *out)
{
    Mat m;
    if (!native_obj_is(ds, &ds_class))
        return interp_error(I, ERR_TYPE, "expected a tf.data.Dataset, not %s", value_type_name(ds));
    if (!materialize(I, ds, &m))
        return false;
    if (!mat_to_list(I, &m)) {
        mat_free(&m);
        return false;
    }
    *out = m.list;
    return true;
}

bool data_is_dataset(Value v)
{
    return native_obj_is(v, &ds_class);
}

static bool ds_iter(Interp *I, Value self, Value *it)
{
    Value lst;
    if (!data_dataset_elements(I, self, &lst))
        return false;
    bool ok = value_iter(I, lst, it);
    value_decref(lst);
    return ok;
}

static bool ds_len(Interp *I, Value self, int64_t *out)
{
    Mat m;
    if (!materialize(I, self, &m))
        return false;
    *out = mat_len(&m);
    mat_free(&m);
    return true;
}

/* ---------------------------------------------------------------- construction */

static bool ds_new(Interp *I, DsOp op, const char *name, Value parent, Ds **d, Value *out)
{
    *d = calloc(1, sizeof **d);
    if (!*d)
        return interp_error(I, ERR_MEMORY, "out of memory");
    (*d)->op = op;
    (*d)->name = name;
    (*d)->seed = -1;
    (*d)->parent = parent;
    value_incref(parent);
    return native_obj_new(I, &ds_class, *d, out);
}

static bool count_arg(Interp *I, const char *f, const char *p, Value v, int64_t dflt, int64_t *out)
{
    *out = dflt;
    return v.kind == VAL_UNSET || v.kind == VAL_NONE || arg_int(I, f, p, v, out);
}

static bool m_shuffle(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t buf, seed;
    Ds *d;
    if (!args_parse(I, "shuffle", a, "buffer_size, seed=, reshuffle_each_iteration=, name=", v) ||
        !arg_int(I, "shuffle", "buffer_size", v[0], &buf) ||
        !data_random_state(I, "shuffle", v[1], &seed) ||
        !ds_new(I, DS_SHUFFLE, "_ShuffleDataset", self, &d, out))
        return false;
    d->n = buf;      /* the whole set is shuffled: a buffer of any size mixes fully */
    d->seed = seed;
    return true;
}

static bool m_batch(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    int64_t b;
    bool drop = false;
    Ds *d;
    if (!args_parse(I, "batch", a, "batch_size, drop_remainder=, num_parallel_calls=, "
                    "deterministic=, name=", v) ||
        !arg_int(I, "batch", "batch_size", v[0], &b) ||
        (v[1].kind != VAL_UNSET && !arg_bool(I, "batch", "drop_remainder", v[1], &drop)))
        return false;
    if (b < 1)
        return interp_error(I, ERR_VALUE, "batch_size must be positive, got %lld", (long long)b);
    if (!ds_new(I, DS_BATCH, "_BatchDataset", self, &d, out))
        return false;
    d->n = b;
    d->drop = drop;
    return true;
}

static bool m_map(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    Ds *d;
    if (!args_parse(I, "map", a, "map_func, num_parallel_calls=, deterministic=, name=", v) ||
        !ds_new(I, DS_MAP, "_MapDataset", self, &d, out))
        return false;
    d->fn = v[0];
    value_incref(v[0]);
    return true;
}

static bool counted(Interp *I, Value self, const Args *a, Value *out, const char *f, DsOp op,
                    const char *name, int64_t dflt)
{
    Value v[2];
    int64_t n;
    Ds *d;
    if (!args_parse(I, f, a, dflt == -2 ? "count, name=" : "count=, name=", v) ||
        !count_arg(I, f, "count", v[0], dflt, &n) || !ds_new(I, op, name, self, &d, out))
        return false;
    d->n = n;
    return true;
}

static bool m_take(Interp *I, Value self, const Args *a, Value *out)
{
    return counted(I, self, a, out, "take", DS_TAKE, "_TakeDataset", -2);
}

static bool m_skip(Interp *I, Value self, const Args *a, Value *out)
{
    return counted(I, self, a, out, "skip", DS_SKIP, "_SkipDataset", -2);
}

static bool m_repeat(Interp *I, Value self, const Args *a, Value *out)
{
    return counted(I, self, a, out, "repeat", DS_REPEAT, "_RepeatDataset", -1);
}

static bool m_prefetch(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    Ds *d;
    return args_parse(I, "prefetch", a, "buffer_size, name=", v) &&
           ds_new(I, DS_SAME, "_PrefetchDataset", self, &d, out);
}

static bool m_cache(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    Ds *d;
    return args_parse(I, "cache", a, "filename=, name=", v) &&
           ds_new(I, DS_SAME, "_CacheDataset", self, &d, out);
}

/* Elements with numpy arrays in place of tf tensors. */
static bool np_element(Interp *I, Value e, Value *out)
{
    if (val_is_obj(e, OBJ_TUPLE)) {
        size_t n = as_list(e)->len;
        if (!tuple_new(I, n, out))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!np_element(I, as_list(e)->items[i], &as_list(*out)->items[i])) {
                for (size_t j = i; j < n; j++)
                    as_list(*out)->items[j] = val_none();
                value_decref(*out);
                return false;
            }
        return true;
    }
    NnTensor *t = tensor_value_get(e);
    if (!t) {
        value_incref(e);
        *out = e;
        return true;
    }
    return tensor_value_wrap(I, nn_tensor_ref(t), TENSOR_NP, out);
}

static bool m_as_numpy_iterator(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[1], lst, np = {0};
    if (!args_parse(I, "as_numpy_iterator", a, "", v) || !data_dataset_elements(I, self, &lst))
        return false;
    bool ok = list_new(I, as_list(lst)->len, &np);
    for (size_t i = 0; ok && i < as_list(lst)->len; i++) {
        Value e;
        ok = np_element(I, as_list(lst)->items[i], &e);
        if (ok) {
            ok = list_append(I, np, e);
            value_decref(e);
        }
    }
    value_decref(lst);
    if (ok)
        ok = value_iter(I, np, out);
    if (np.kind == VAL_OBJ)
        value_decref(np);
    return ok;
}

/* ---------------------------------------------------------------- display */

static void spec_of(Interp *I, NnTensor *t, bool drop_first, bool unknown_batch, StrBuf *sb)
{
    int64_t s[NN_MAXDIM];
    int nd = 0;
    for (int i = drop_first ? 1 : 0; i < t->ndim; i++)
        s[nd++] = t->shape[i];
    sb_puts(sb, "TensorSpec(shape=(");
    for (int i = 0; i < nd; i++) {
        if (i == 0 && unknown_batch)
            sb_puts(sb, "None");
        else
            sb_printf(sb, "%lld", (long long)s[i]);
        sb_puts(sb, nd == 1 ? "," : i + 1 < nd ? ", " : "");
    }
    sb_printf(sb, "), dtype=tf.%s, name=None)", nn_dtype_name(t->dtype));
    (void)I;
}

static bool ds_repr(Interp *I, Value self, StrBuf *sb)
{
    Ds *d = native_obj_data(self, &ds_class);
    Mat m;
    if (!materialize(I, self, &m))
        return false;
    bool unknown = false;
    for (Ds *p = d; p; p = p->parent.kind == VAL_OBJ ? native_obj_data(p->parent, &ds_class) : NULL)
        if (p->op == DS_BATCH && !p->drop)
            unknown = true;
    sb_printf(sb, "<%s element_spec=", d->name);
    Value e = {0};
    bool tup = m.ncomp ? m.tuple : (as_list(m.list)->len && val_is_obj(as_list(m.list)->items[0], OBJ_TUPLE));
    int nc = m.ncomp ? m.ncomp : !as_list(m.list)->len ? 0 : tup ? (int)as_list(as_list(m.list)->items[0])->len : 1;
    if (!m.ncomp && nc)
        e = as_list(m.list)->items[0];
    if (tup)
        sb_putc(sb, '(');
    for (int k = 0; k < nc; k++) {
        NnTensor *t = m.ncomp ? m.comp[k] : tensor_value_get(tup ? as_list(e)->items[k] : e);
        if (k)
            sb_puts(sb, ", ");
        if (t)
            spec_of(I, t, m.ncomp > 0, unknown && !m.ncomp, sb);
        else
            sb_puts(sb, "?");
    }
    if (tup)
        sb_putc(sb, ')');
    sb_putc(sb, '>');
    mat_free(&m);
    return true;
}

static const NativeDef ds_methods[] = {
    {"shuffle", m_shuffle, "shuffle(buffer_size, seed=None, reshuffle_each_iteration=None)",
     "Shuffles the elements (again on every pass)."},
    {"batch", m_batch, "batch(batch_size, drop_remainder=False)",
     "Groups consecutive elements into batches."},
    {"map", m_map, "map(map_func)", "Applies map_func to each element (a tuple is passed as "
     "separate arguments)."},
    {"take", m_take, "take(count)", "The first count elements."},
    {"skip", m_skip, "skip(count)", "All but the first count elements."},
    {"repeat", m_repeat, "repeat(count=None)", "The elements count times over."},
    {"prefetch", m_prefetch, "prefetch(buffer_size)", "The same elements (nnsh reads eagerly)."},
    {"cache", m_cache, "cache(filename='')", "The same elements."},
    {"as_numpy_iterator", m_as_numpy_iterator, "as_numpy_iterator()",
     "Iterates the elements as numpy arrays."},
    {NULL, NULL, NULL, NULL}
};

static const NativeClass ds_class = {
    .name = "Dataset", .finalize = ds_finalize, .repr = ds_repr, .iter = ds_iter, .len = ds_len,
    .methods = ds_methods,
    .doc = "A tf.data pipeline: Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32); "
           "iterate it with for, or pass it to model.fit.",
};

/* ---------------------------------------------------------------- tf.data.Dataset */

static bool add_source(Interp *I, Ds *d, Value v)
{
    NnTensor *t;
    if (d->ncomp == DS_MAXCOMP)
        return interp_error(I, ERR_VALUE, "from_tensor_slices(): at most %d components",
                            DS_MAXCOMP);
    if (!tensor_from_value(I, v, -1, TENSOR_TF, &t))
        return false;
    d->comp[d->ncomp++] = t;
    if (t->ndim == 0)
        return interp_error(I, ERR_VALUE, "Unbatching a tensor is only supported for rank >= 1");
    if (t->shape[0] != d->comp[0]->shape[0])
        return interp_error(I, ERR_VALUE, "Dimensions %lld and %lld are not compatible",
                            (long long)d->comp[0]->shape[0], (long long)t->shape[0]);
    return true;
}

static bool from_tensor_slices(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2], ds;
    Ds *d;
    (void)self;
    if (!args_parse(I, "from_tensor_slices", a, "tensors, name=", v))
        return false;
    if (val_is_obj(v[0], OBJ_DICT))
        return interp_error(I, ERR_NOT_IMPLEMENTED, "from_tensor_slices(): dict elements are not "
                            "supported; pass a tuple (x, y)");
    if (!ds_new(I, DS_SOURCE, "_TensorSliceDataset", (Value){0}, &d, &ds))
        return false;
    bool ok = true;
    d->tuple = val_is_obj(v[0], OBJ_TUPLE);
    if (d->tuple)
        for (size_t i = 0; ok && i < as_list(v[0])->len; i++)
            ok = add_source(I, d, as_list(v[0])->items[i]);
    else
        ok = add_source(I, d, v[0]);
    if (!ok) {
        value_decref(ds);
        return false;
    }
    *out = ds;
    return true;
}

static bool ds_range(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3], ds;
    int64_t lo = 0, hi, step = 1;
    Ds *d;
    (void)self;
    if (!args_parse(I, "range", a, "start, stop=, step=", v) || !arg_int(I, "range", "start", v[0], &hi) ||
        (v[1].kind != VAL_UNSET && (lo = hi, !arg_int(I, "range", "stop", v[1], &hi))) ||
        (v[2].kind != VAL_UNSET && !arg_int(I, "range", "step", v[2], &step)))
        return false;
    if (step == 0)
        return interp_error(I, ERR_VALUE, "range() arg 3 must not be zero");
    int64_t n = step > 0 ? (hi > lo ? (hi - lo + step - 1) / step : 0)
                         : (lo > hi ? (lo - hi - step - 1) / -step : 0);
    int64_t s[1] = {n};
    NnTensor *t = nn_tensor_empty(interp_nn(I), NN_I64, 1, s);
    if (!t)
        return data_nn_error(I);
    for (int64_t i = 0; i < n; i++)
        ((int64_t *)nn_tensor_data(t))[i] = lo + i * step;
    if (!ds_new(I, DS_SOURCE, "_RangeDataset", (Value){0}, &d, &ds)) {
        nn_tensor_unref(t);
        return false;
    }
    d->comp[d->ncomp++] = t;
    *out = ds;
    return true;
}

static const NativeDef dataset_defs[] = {
    {"from_tensor_slices", from_tensor_slices, "from_tensor_slices(tensors, name=None)",
     "A dataset of the rows of a tensor, or of tuples of rows of several.\n"
     "    ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1000).batch(32)"},
    {"range", ds_range, "range(start, stop=None, step=1)",
     "A dataset of int64 scalars, as Python's range.\n    tf.data.Dataset.range(5)"},
    {NULL, NULL, NULL, NULL}
};

/* nnsh.tf_data: tf copies its `data` into the tensorflow module. */
bool data_tf_data_create(Interp *I, Value *out)
{
    Value ext, data, dataset;
    if (!module_new(I, "nnsh.tf_data", "tf.data", &ext))
        return false;
    bool ok = module_new(I, "tf.data", "Input pipelines: tf.data.Dataset.", &data);
    if (ok) {
        ok = module_new(I, "tf.data.Dataset", "Dataset constructors: from_tensor_slices, range.",
                        &dataset);
        ok = ok && module_add_natives(I, dataset, dataset_defs) &&
             module_set(I, data, "Dataset", dataset) && (value_decref(dataset), true);
        ok = ok && module_set(I, ext, "data", data);
        value_decref(data);
    }
    if (!ok) {
        value_decref(ext);
        return false;
    }
    *out = ext;
    return true;
}
