/* nn_split.c - index splits: sklearn's train_test_split (ShuffleSplit and
 * StratifiedShuffleSplit, draw for draw with numpy's legacy generator) and
 * KFold.
 *
 * Part of the data layer (nn_io.h).  Only indices are computed here; the
 * caller takes rows with them.  Index tensors are int64.
 */
#include "nn_io_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static NnTensor *idx_tensor(NnCtx *ctx, const int64_t *v, int64_t n)
{
    int64_t s[1] = {n};
    NnTensor *t = nn_tensor_empty(ctx, NN_I64, 1, s);
    if (t && n)
        memcpy(t->buf->data, v, (size_t)n * sizeof *v);
    return t;
}

/* Fisher-Yates from the end, numpy's legacy shuffle. */
static void shuffle_i64(NnCtx *ctx, int64_t *p, int64_t n)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_rng_interval(ctx, (uint64_t)i), t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

static int64_t *iota_new(NnCtx *ctx, int64_t n)
{
    int64_t *p = nn_alloc(ctx, (size_t)(n ? n : 1) * sizeof *p, "indices");
    for (int64_t i = 0; p && i < n; i++)
        p[i] = i;
    return p;
}

/* sklearn _validate_shuffle_split with train_size None. */
static NnStatus sizes(NnCtx *ctx, int64_t n, double test_size, int64_t *n_train, int64_t *n_test)
{
    if (test_size <= 0 || (test_size >= 1 && test_size != floor(test_size)) ||
        (test_size >= 1 && test_size >= (double)n))
        return nn_error(ctx, NN_EARG, "test_size=%g should be either positive and smaller than "
                        "the number of samples %lld or a float in the (0, 1) range", test_size,
                        (long long)n);
    *n_test = test_size < 1 ? (int64_t)ceil(test_size * (double)n) : (int64_t)test_size;
    *n_train = n - *n_test;
    if (*n_train <= 0)
        return nn_error(ctx, NN_EARG, "With n_samples=%lld, test_size=%g and train_size=None, "
                        "the resulting train set will be empty. Adjust any of the aforementioned "
                        "parameters.", (long long)n, test_size);
    return NN_OK;
}

/* ---- stratified (StratifiedShuffleSplit._iter_indices) ---- */

typedef struct {
    int k;              /* classes */
    int64_t *order;     /* indices stably sorted by class */
    int64_t *count;     /* k class counts */
} Classes;

static int cmp_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;   /* (label, index) pairs */
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

static NnStatus classes_new(NnCtx *ctx, const NnTensor *y, int64_t n, Classes *c)
{
    int64_t *pair = nn_alloc(ctx, (size_t)(2 * n + 2) * sizeof *pair, "stratify");
    c->order = nn_alloc(ctx, (size_t)(n + 1) * sizeof *c->order, "stratify");
    c->count = nn_calloc(ctx, (size_t)n + 1, sizeof *c->count, "stratify");
    if (!pair || !c->order || !c->count) {
        nn_free(ctx, pair);
        return NN_ENOMEM;
    }
    for (int64_t i = 0; i < n; i++) {
        pair[2 * i] = nn_tensor_get_i64(y, i);
        pair[2 * i + 1] = i;
    }
    qsort(pair, (size_t)n, 2 * sizeof *pair, cmp_pair);
    c->k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0 && pair[2 * i] != pair[2 * i - 2])
            c->k++;
        c->count[c->k]++;
        c->order[i] = pair[2 * i + 1];
    }
    c->k += n > 0;
    nn_free(ctx, pair);
    return NN_OK;
}

/* sklearn.utils._approximate_mode: floors of the proportional share, the
 * rest given to the largest remainders (ties broken by rng.choice). */
static NnStatus approx_mode(NnCtx *ctx, const int64_t *counts, int k, int64_t draws, int64_t *out)
{
    int64_t total = 0, need = draws;
    for (int i = 0; i < k; i++)
        total += counts[i];
    double *rem = nn_alloc(ctx, (size_t)k * sizeof *rem, "stratify");
    int64_t *inds = nn_alloc(ctx, (size_t)k * sizeof *inds, "stratify");
    if (!rem || !inds) {
        nn_free(ctx, rem);
        nn_free(ctx, inds);
        return NN_ENOMEM;
    }
    for (int i = 0; i < k; i++) {
        double cont = (double)counts[i] / (double)total * (double)draws;
        out[i] = (int64_t)floor(cont);
        rem[i] = cont - floor(cont);
        need -= out[i];
    }
    double last = INFINITY;
    while (need > 0) {
        double v = -1;   /* the next smaller distinct remainder */
        for (int i = 0; i < k; i++)
            if (rem[i] < last && rem[i] > v)
                v = rem[i];
        int m = 0;
        for (int i = 0; i < k; i++)
            if (rem[i] == v)
                inds[m++] = i;
        if (m == 0)
            break;
        int64_t add = m < need ? m : need;
        int64_t *perm = iota_new(ctx, m);   /* rng.choice(inds, add, replace=False) */
        if (!perm)
            break;
        shuffle_i64(ctx, perm, m);
        for (int64_t j = 0; j < add; j++)
            out[inds[perm[j]]]++;
        nn_free(ctx, perm);
        need -= add;
        last = v;
    }
    nn_free(ctx, rem);
    nn_free(ctx, inds);
    return need > 0 ? NN_ENOMEM : NN_OK;
}

static NnStatus strat_check(NnCtx *ctx, const Classes *c, int64_t n_train, int64_t n_test)
{
    for (int i = 0; i < c->k; i++)
        if (c->count[i] < 2)
            return nn_error(ctx, NN_EARG, "The least populated class in y has only 1 member, "
                            "which is too few. The minimum number of groups for any class cannot "
                            "be less than 2.");
    if (n_train < c->k)
        return nn_error(ctx, NN_EARG, "The train_size = %lld should be greater or equal to the "
                        "number of classes = %d", (long long)n_train, c->k);
    if (n_test < c->k)
        return nn_error(ctx, NN_EARG, "The test_size = %lld should be greater or equal to the "
                        "number of classes = %d", (long long)n_test, c->k);
    return NN_OK;
}

/* train/test (sized n_train/n_test) filled class by class, then each
 * permuted, as StratifiedShuffleSplit does. */
static NnStatus strat_fill(NnCtx *ctx, const Classes *c, const int64_t *n_i, const int64_t *t_i,
                           int64_t *train, int64_t *test)
{
    int64_t base = 0, a = 0, b = 0;
    for (int i = 0; i < c->k; i++) {
        int64_t *perm = iota_new(ctx, c->count[i]);
        if (!perm)
            return NN_ENOMEM;
        shuffle_i64(ctx, perm, c->count[i]);
        for (int64_t j = 0; j < n_i[i]; j++)
            train[a++] = c->order[base + perm[j]];
        for (int64_t j = n_i[i]; j < n_i[i] + t_i[i]; j++)
            test[b++] = c->order[base + perm[j]];
        nn_free(ctx, perm);
        base += c->count[i];
    }
    shuffle_i64(ctx, train, a);
    shuffle_i64(ctx, test, b);
    return NN_OK;
}

static NnStatus stratified(NnCtx *ctx, const NnTensor *y, int64_t n, int64_t n_train,
                           int64_t n_test, int64_t *train, int64_t *test)
{
    if (nn_tensor_numel(y) != n)
        return nn_error(ctx, NN_EARG, "Found input variables with inconsistent numbers of "
                        "samples: [%lld, %lld]", (long long)n, (long long)nn_tensor_numel(y));
    Classes c = {0};
    NnStatus st = classes_new(ctx, y, n, &c);
    int64_t *n_i = NULL, *t_i = NULL;
    if (!st)
        st = strat_check(ctx, &c, n_train, n_test);
    if (!st) {
        n_i = nn_calloc(ctx, (size_t)c.k, sizeof *n_i, "stratify");
        t_i = nn_calloc(ctx, (size_t)c.k, sizeof *t_i, "stratify");
        st = n_i && t_i ? approx_mode(ctx, c.count, c.k, n_train, n_i) : NN_ENOMEM;
    }
    if (!st) {
        for (int i = 0; i < c.k; i++)
            c.count[i] -= n_i[i];
        st = approx_mode(ctx, c.count, c.k, n_test, t_i);
        for (int i = 0; i < c.k; i++)
            c.count[i] += n_i[i];
    }
    if (!st)
        st = strat_fill(ctx, &c, n_i, t_i, train, test);
    nn_free(ctx, n_i);
    nn_free(ctx, t_i);
    nn_free(ctx, c.order);
    nn_free(ctx, c.count);
    return st;
}

NnStatus nn_split_train_test(NnCtx *ctx, int64_t n, double test_size, bool shuffle,
                             int64_t random_state, const NnTensor *stratify,
                             NnTensor **train_idx, NnTensor **test_idx)
{
    int64_t n_train = 0, n_test = 0;
    *train_idx = *test_idx = NULL;
    NnStatus st = sizes(ctx, n, test_size, &n_train, &n_test);
    if (st)
        return st;
    if (stratify && !shuffle)
        return nn_error(ctx, NN_EARG, "Stratified train/test split is not implemented for "
                        "shuffle=False");
    int64_t *p = iota_new(ctx, n);
    if (!p)
        return NN_ENOMEM;
    int64_t *train = p + n_test, *test = p;   /* ShuffleSplit: test first */
    NnRngSave save;
    nn_io_rng_push(ctx, random_state, &save);
    if (stratify) {
        train = p;
        test = p + n_train;
        st = stratified(ctx, stratify, n, n_train, n_test, train, test);
    } else if (shuffle) {
        shuffle_i64(ctx, p, n);
    } else {
        train = p;
        test = p + n_train;
    }
    nn_io_rng_pop(ctx, &save);
    if (!st) {
        *train_idx = idx_tensor(ctx, train, n_train);
        *test_idx = *train_idx ? idx_tensor(ctx, test, n_test) : NULL;
        if (!*test_idx) {
            st = nn_status(ctx);
            nn_tensor_unref(*train_idx);
            *train_idx = NULL;
        }
    }
    nn_free(ctx, p);
    return st;
}

NnTensor *nn_split_kfold_perm(NnCtx *ctx, int64_t n, bool shuffle, int64_t random_state)
{
    int64_t *p = iota_new(ctx, n);
    if (!p)
        return NULL;
    if (shuffle) {
        NnRngSave save;
        nn_io_rng_push(ctx, random_state, &save);
        shuffle_i64(ctx, p, n);
        nn_io_rng_pop(ctx, &save);
    }
    NnTensor *t = idx_tensor(ctx, p, n);
    nn_free(ctx, p);
    return t;
}

NnStatus nn_split_kfold(NnCtx *ctx, int64_t n, int k, int fold, const NnTensor *perm,
                        NnTensor **train_idx, NnTensor **test_idx)
{
    *train_idx = *test_idx = NULL;
    if (k < 2 || k > n)
        return nn_error(ctx, NN_EARG, k < 2 ? "k-fold cross-validation requires at least one "
                        "train/test split by setting n_splits=2 or more, got n_splits=%d."
                        : "Cannot have number of splits n_splits=%d greater than the number of "
                        "samples: n_samples=%lld.", k, (long long)n);
    if (fold < 0 || fold >= k || (perm && nn_tensor_numel(perm) != n))
        return nn_error(ctx, NN_EARG, "fold %d of %d: bad fold or permutation", fold, k);
    int64_t start = 0;
    for (int f = 0; f < fold; f++)
        start += n / k + (f < n % k);
    int64_t stop = start + n / k + (fold < n % k), nt = stop - start;
    bool *in_test = nn_calloc(ctx, (size_t)n + 1, 1, "kfold mask");
    int64_t *tr = in_test ? nn_alloc(ctx, (size_t)(n + 1) * sizeof *tr, "kfold") : NULL;
    if (!tr) {
        nn_free(ctx, in_test);
        return NN_ENOMEM;
    }
    for (int64_t i = start; i < stop; i++)
        in_test[perm ? nn_tensor_get_i64(perm, i) : i] = true;
    int64_t a = 0, b = n - nt;   /* train first, test after, both ascending */
    for (int64_t i = 0; i < n; i++)
        tr[in_test[i] ? b++ : a++] = i;
    *train_idx = idx_tensor(ctx, tr, n - nt);
    *test_idx = *train_idx ? idx_tensor(ctx, tr + n - nt, nt) : NULL;
    nn_free(ctx, tr);
    nn_free(ctx, in_test);
    if (!*test_idx) {
        nn_tensor_unref(*train_idx);
        *train_idx = NULL;
        return nn_status(ctx);
    }
    return NN_OK;
}
