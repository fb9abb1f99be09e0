/* mod_datasets.c - datasets in the language: keras.datasets.{mnist,
 * fashion_mnist}.load_data(), nnsh's teaching-set built-ins (spiral, moons,
 * circles, xor, blobs) and sklearn.datasets (make_moons, make_circles,
 * make_blobs, make_classification); data_install registers them, the
 * sklearn modules (mod_sklearn.c), tf.data (mod_tfdata.c) and the
 * built-ins kfold and grid_search (mod_cv.c).
 *
 * Owned by the data part.  The generators are lib's (nn_io.h), which draw
 * as numpy/sklearn do: random_state=None uses the session's generator
 * (np.random.seed / :seed), an int seeds a private one.  keras.datasets
 * reaches keras through keras's extension hook ("nnsh.keras_datasets").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod_data.h"
#include "modules.h"

bool data_pair(Interp *I, NnTensor *a, NnTensor *b, Value *out)
{
    Value va, vb;
    if (!tensor_value_new(I, a, TENSOR_NP, &va)) {
        nn_tensor_unref(b);
        return false;
    }
    if (!tensor_value_new(I, b, TENSOR_NP, &vb)) {
        value_decref(va);
        return false;
    }
    bool ok = tuple_pack(I, out, 2, va, vb);
    value_decref(va);
    value_decref(vb);
    return ok;
}

bool data_random_state(Interp *I, const char *fname, Value v, int64_t *out)
{
    *out = -1;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE)
        return true;
    if (!arg_int(I, fname, "random_state", v, out))
        return false;
    if (*out < 0 || *out > 0xffffffffLL)
        return interp_error(I, ERR_VALUE, "Seed must be between 0 and 2**32 - 1");
    return true;
}

/* The (x, y) of a generator call, or its error. */
static bool xy_result(Interp *I, NnStatus st, NnTensor **x, NnTensor **y, Value *out)
{
    if (st)
        return data_nn_error(I);
    return data_pair(I, *x, *y, out);   /* pointers: the call above fills them */
}

static bool opt_int(Interp *I, const char *f, const char *p, Value v, int64_t dflt, int64_t *out)
{
    *out = dflt;
    return v.kind == VAL_UNSET || arg_int(I, f, p, v, out);
}

static bool opt_float(Interp *I, const char *f, const char *p, Value v, double dflt, double *out)
{
    *out = dflt;
    return v.kind == VAL_UNSET || v.kind == VAL_NONE || arg_float(I, f, p, v, out);
}

/* ---------------------------------------------------------------- keras.datasets */

static bool load_data(Interp *I, const Args *a, const char *name, Value *out)
{
    Value v[1], tr, te;
    NnTensor *t[4];
    if (!args_parse(I, "load_data", a, "path=", v))
        return false;
    if (nn_data_load_mnist(interp_nn(I), name, t))
        return data_nn_error(I);
    if (!data_pair(I, t[0], t[1], &tr)) {
        nn_tensor_unref(t[2]);
        nn_tensor_unref(t[3]);
        return false;
    }
    if (!data_pair(I, t[2], t[3], &te)) {
        value_decref(tr);
        return false;
    }
    bool ok = tuple_pack(I, out, 2, tr, te);
    value_decref(tr);
    value_decref(te);
    return ok;
}

static bool mnist_load(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return load_data(I, a, "mnist", out);
}

static bool fashion_load(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return load_data(I, a, "fashion_mnist", out);
}

static const NativeDef mnist_defs[] = {
    {"load_data", mnist_load, "load_data(path='mnist.npz')",
     "MNIST digits as ((x_train, y_train), (x_test, y_test)), uint8 arrays (60000, 28, 28), "
     "(60000,), (10000, 28, 28), (10000,).  Read from $NNSH_DATA/mnist, "
     "~/.keras/datasets/mnist.npz or ~/.nnsh/datasets/mnist/ (nnsh never downloads).\n"
     "    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()"},
    {NULL, NULL, NULL, NULL}
};
static const NativeDef fashion_defs[] = {
    {"load_data", fashion_load, "load_data()",
     "Fashion-MNIST as ((x_train, y_train), (x_test, y_test)), uint8 arrays, from the Debian "
     "package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), $NNSH_DATA or "
     "~/.nnsh/datasets/fashion-mnist/.\n"
     "    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()"},
    {NULL, NULL, NULL, NULL}
};

static bool sub_module(Interp *I, Value parent, const char *name, const char *doc,
                       const NativeDef *defs)
{
    Value m;
    if (!module_new(I, name, doc, &m))
        return false;
    bool ok = module_add_natives(I, m, defs) && module_set(I, parent, strrchr(name, '.') + 1, m);
    value_decref(m);
    return ok;
}

static bool keras_datasets_create(Interp *I, Value *out)
{
    Value m;
    if (!module_new(I, "keras.datasets", "Datasets as Keras loads them: mnist, fashion_mnist.",
                    &m))
        return false;
    if (!sub_module(I, m, "keras.datasets.mnist", "MNIST handwritten digits.", mnist_defs) ||
        !sub_module(I, m, "keras.datasets.fashion_mnist", "Fashion-MNIST clothing images.",
                    fashion_defs)) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

/* nnsh.keras_datasets: keras copies its `datasets` into the keras module. */
static bool keras_ext_create(Interp *I, Value *out)
{
    Value m, d;
    if (!module_new(I, "nnsh.keras_datasets", "keras.datasets", &m))
        return false;
    if (!interp_import(I, "keras.datasets", &d)) {
        value_decref(m);
        return false;
    }
    bool ok = module_set(I, m, "datasets", d);
    value_decref(d);
    if (!ok) {
        value_decref(m);
        return false;
    }
    *out = m;
    return true;
}

/* ---------------------------------------------------------------- nnsh built-ins */

static bool b_spiral(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t n, k;
    double noise;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "spiral", a, "n=, classes=, noise=", v) ||
        !opt_int(I, "spiral", "n", v[0], 100, &n) || !opt_int(I, "spiral", "classes", v[1], 3, &k) ||
        !opt_float(I, "spiral", "noise", v[2], 0.2, &noise))
        return false;
    if (n < 0 || k < 1 || k > 1000)
        return interp_error(I, ERR_VALUE, "spiral(): n must be >= 0 and classes >= 1");
    return xy_result(I, nn_data_spiral(interp_nn(I), n, (int)k, noise, &x, &y), &x, &y, out);
}

static bool b_moons(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[3];
    int64_t n, rs;
    double noise;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "moons", a, "n=, noise=, random_state=", v) ||
        !opt_int(I, "moons", "n", v[0], 200, &n) || !opt_float(I, "moons", "noise", v[1], 0.1, &noise) ||
        !data_random_state(I, "moons", v[2], &rs))
        return false;
    return xy_result(I, nn_data_moons(interp_nn(I), n, noise, true, rs, &x, &y), &x, &y, out);
}

static bool b_circles(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[4];
    int64_t n, rs;
    double noise, factor;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "circles", a, "n=, noise=, factor=, random_state=", v) ||
        !opt_int(I, "circles", "n", v[0], 200, &n) ||
        !opt_float(I, "circles", "noise", v[1], 0.05, &noise) ||
        !opt_float(I, "circles", "factor", v[2], 0.5, &factor) ||
        !data_random_state(I, "circles", v[3], &rs))
        return false;
    return xy_result(I, nn_data_circles(interp_nn(I), n, noise, factor, true, rs, &x, &y), &x, &y,
                     out);
}

static bool b_xor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    int64_t n;
    double noise;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "xor", a, "n=, noise=", v) || !opt_int(I, "xor", "n", v[0], 200, &n) ||
        !opt_float(I, "xor", "noise", v[1], 0.0, &noise))
        return false;
    return xy_result(I, nn_data_xor(interp_nn(I), n, noise, &x, &y), &x, &y, out);
}

static bool b_blobs(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[5];
    int64_t n, k, dim, rs;
    double std;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, "blobs", a, "n=, centers=, std=, dim=, random_state=", v) ||
        !opt_int(I, "blobs", "n", v[0], 200, &n) || !opt_int(I, "blobs", "centers", v[1], 3, &k) ||
        !opt_float(I, "blobs", "std", v[2], 1.0, &std) || !opt_int(I, "blobs", "dim", v[3], 2, &dim) ||
        !data_random_state(I, "blobs", v[4], &rs))
        return false;
    if (k < 1 || k > 100000 || dim < 1 || dim > 100000)
        return interp_error(I, ERR_VALUE, "blobs(): centers and dim must be positive");
    return xy_result(I, nn_data_blobs(interp_nn(I), n, (int)k, NULL, (int)dim, std, -10, 10, true,
                                      rs, &x, &y), &x, &y, out);
}

static const NativeDef builtin_defs[] = {
    {"spiral", b_spiral, "spiral(n=100, classes=3, noise=0.2)",
     "The spiral of the cs231n notes: n points per class on `classes` arms; returns (x, y), "
     "x (n*classes, 2) float64, y int64 labels.\n    x, y = spiral(100, 3)"},
    {"moons", b_moons, "moons(n=200, noise=0.1, random_state=None)",
     "Two interleaving half circles (sklearn's make_moons); returns (x, y).\n    x, y = moons(300)"},
    {"circles", b_circles, "circles(n=200, noise=0.05, factor=0.5, random_state=None)",
     "A circle inside another (sklearn's make_circles); returns (x, y).\n    x, y = circles()"},
    {"xor", b_xor, "xor(n=200, noise=0.0)",
     "Points in [-1, 1)^2 labelled 1 where the coordinates' signs differ; returns (x, y).\n"
     "    x, y = xor(400, noise=0.05)"},
    {"blobs", b_blobs, "blobs(n=200, centers=3, std=1.0, dim=2, random_state=None)",
     "Gaussian clusters around random centres (sklearn's make_blobs); returns (x, y).\n"
     "    x, y = blobs(300, centers=4)"},
    {NULL, NULL, NULL, NULL}
};

/* ---------------------------------------------------------------- sklearn.datasets */

static bool sk_curves(Interp *I, const Args *a, bool moons, Value *out)
{
    const char *f = moons ? "make_moons" : "make_circles";
    Value v[5];
    int64_t n, rs;
    double noise, factor;
    bool shuffle = true;
    NnTensor *x = NULL, *y = NULL;
    if (!args_parse(I, f, a, moons ? "n_samples=, *, shuffle=, noise=, random_state="
                                   : "n_samples=, *, shuffle=, noise=, random_state=, factor=", v) ||
        !opt_int(I, f, "n_samples", v[0], 100, &n) ||
        (v[1].kind != VAL_UNSET && !arg_bool(I, f, "shuffle", v[1], &shuffle)) ||
        !opt_float(I, f, "noise", v[2], NAN, &noise) || !data_random_state(I, f, v[3], &rs) ||
        !opt_float(I, f, "factor", moons ? val_none() : v[4], 0.8, &factor))
        return false;
    NnCtx *ctx = interp_nn(I);
    NnStatus st = moons ? nn_data_moons(ctx, n, noise, shuffle, rs, &x, &y)
                        : nn_data_circles(ctx, n, noise, factor, shuffle, rs, &x, &y);
    return xy_result(I, st, &x, &y, out);
}

static bool sk_make_moons(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return sk_curves(I, a, true, out);
}

static bool sk_make_circles(Interp *I, Value self, const Args *a, Value *out)
{
    (void)self;
    return sk_curves(I, a, false, out);
}

/* centers: an int (random centres in center_box) or an array (k, n_features). */
static bool blob_centers(Interp *I, Value v, int64_t *k, int64_t *dim, NnTensor **c)
{
    *c = NULL;
    if (v.kind == VAL_UNSET || v.kind == VAL_NONE) {
        *k = 3;
        return true;
    }
    if (v.kind == VAL_INT)
        return arg_int(I, "make_blobs", "centers", v, k);
    if (!tensor_from_value(I, v, NN_F64, TENSOR_NP, c))
        return false;
    NnTensor *cc = nn_tensor_contiguous(interp_nn(I), *c);
    nn_tensor_unref(*c);
    *c = cc;
    if (!cc)
        return data_nn_error(I);
    if (cc->ndim != 2) {
        nn_tensor_unref(cc);
        *c = NULL;
        return interp_error(I, ERR_VALUE, "make_blobs(): centers must be an int or a 2-D array");
    }
    *k = cc->shape[0];
    *dim = cc->shape[1];
    return true;
}

static bool sk_make_blobs(Interp *I, Value self, const Args *a, Value *out)
{
    const char *f = "make_blobs";
    Value v[9];
    int64_t n, dim, k, rs;
    double std, box[2] = {-10, 10};
    bool shuffle = true;
    NnTensor *x = NULL, *y = NULL, *c = NULL;
    (void)self;
    if (!args_parse(I, f, a, "n_samples=, n_features=, *, centers=, cluster_std=, center_box=, "
                    "shuffle=, random_state=, return_centers=", v) ||
        !opt_int(I, f, "n_samples", v[0], 100, &n) || !opt_int(I, f, "n_features", v[1], 2, &dim) ||
        !opt_float(I, f, "cluster_std", v[3], 1.0, &std) ||
        (v[5].kind != VAL_UNSET && !arg_bool(I, f, "shuffle", v[5], &shuffle)) ||
        !data_random_state(I, f, v[6], &rs))
        return false;
    if (v[4].kind != VAL_UNSET) {
        Value b0, b1;
        bool ok = value_getitem(I, v[4], val_int(0), &b0);
        ok = ok && value_getitem(I, v[4], val_int(1), &b1);
        ok = ok && value_to_float(I, b0, &box[0]) && value_to_float(I, b1, &box[1]);
        if (!ok)
            return false;
    }
    if (!blob_centers(I, v[2], &k, &dim, &c))
        return false;
    if (k < 1 || dim < 1 || k > 1000000 || dim > 1000000) {
        nn_tensor_unref(c);
        return interp_error(I, ERR_VALUE, "make_blobs(): centers and n_features must be positive");
    }
    NnStatus st = nn_data_blobs(interp_nn(I), n, (int)k, c ? nn_tensor_data(c) : NULL, (int)dim,
                                std, box[0], box[1], shuffle, rs, &x, &y);
    nn_tensor_unref(c);
    return xy_result(I, st, &x, &y, out);
}

static bool sk_make_classification(Interp *I, Value self, const Args *a, Value *out)
{
    const char *f = "make_classification";
    Value v[16];
    int64_t n, nf, ni, nr, nc, rs;
    double sep, flip;
    NnTensor *x = NULL, *y = NULL;
    (void)self;
    if (!args_parse(I, f, a, "n_samples=, n_features=, *, n_informative=, n_redundant=, "
                    "n_repeated=, n_classes=, n_clusters_per_class=, weights=, flip_y=, "
                    "class_sep=, hypercube=, shift=, scale=, shuffle=, random_state=", v) ||
        !opt_int(I, f, "n_samples", v[0], 100, &n) || !opt_int(I, f, "n_features", v[1], 20, &nf) ||
        !opt_int(I, f, "n_informative", v[2], 2, &ni) ||
        !opt_int(I, f, "n_redundant", v[3], 2, &nr) || !opt_int(I, f, "n_classes", v[5], 2, &nc) ||
        !opt_float(I, f, "flip_y", v[8], 0.01, &flip) ||
        !opt_float(I, f, "class_sep", v[9], 1.0, &sep) || !data_random_state(I, f, v[14], &rs))
        return false;
    if (ni + nr > nf)
        return interp_error(I, ERR_VALUE, "Number of informative, redundant and repeated features "
                            "must sum to less than the number of total features");
    if (nf > 100000 || ni > 30 || nc > 1000)
        return interp_error(I, ERR_VALUE, "make_classification(): sizes out of range");
    return xy_result(I, nn_data_classification(interp_nn(I), n, (int)nf, (int)ni, (int)nc, sep,
                                               flip, rs, &x, &y), &x, &y, out);
}

static const NativeDef sk_datasets_defs[] = {
    {"make_moons", sk_make_moons, "make_moons(n_samples=100, *, shuffle=True, noise=None, "
     "random_state=None)",
     "Two interleaving half circles; returns (X, y) as sklearn does, draw for draw.\n"
     "    X, y = make_moons(n_samples=200, noise=0.1, random_state=0)"},
    {"make_circles", sk_make_circles, "make_circles(n_samples=100, *, shuffle=True, noise=None, "
     "random_state=None, factor=0.8)",
     "A small circle inside a large one; returns (X, y).\n"
     "    X, y = make_circles(n_samples=200, noise=0.05, factor=0.5)"},
    {"make_blobs", sk_make_blobs, "make_blobs(n_samples=100, n_features=2, *, centers=None, "
     "cluster_std=1.0, center_box=(-10.0, 10.0), shuffle=True, random_state=None)",
     "Gaussian blobs; returns (X, y).\n    X, y = make_blobs(n_samples=300, centers=4, "
     "random_state=42)"},
    {"make_classification", sk_make_classification, "make_classification(n_samples=100, "
     "n_features=20, *, n_informative=2, n_redundant=2, n_repeated=0, n_classes=2, "
     "n_clusters_per_class=2, weights=None, flip_y=0.01, class_sep=1.0, hypercube=True, "
     "shift=0.0, scale=1.0, shuffle=True, random_state=None)",
     "A classification problem: one gaussian cluster per class on a hypercube vertex in the "
     "informative features, the rest noise (a simplified sklearn: n_clusters_per_class is 1, "
     "redundant features are noise).\n    X, y = make_classification(n_samples=500, "
     "n_features=4, random_state=0)"},
    {NULL, NULL, NULL, NULL}
};

static bool sk_datasets_create(Interp *I, Value *out)
{
    if (!module_new(I, "sklearn.datasets", "Toy datasets: make_moons, make_circles, make_blobs, "
                    "make_classification.", out))
        return false;
    if (!module_add_natives(I, *out, sk_datasets_defs)) {
        value_decref(*out);
        return false;
    }
    return true;
}

static bool sklearn_create(Interp *I, Value *out)
{
    static const char *const subs[3] = {"datasets", "model_selection", "preprocessing"};
    if (!module_new(I, "sklearn", "The pieces of scikit-learn that Keras tutorials import: "
                    "datasets, model_selection, preprocessing.", out))
        return false;
    for (int i = 0; i < 3; i++) {
        char name[64];
        Value m;
        snprintf(name, sizeof name, "sklearn.%s", subs[i]);
        if (!interp_import(I, name, &m)) {
            value_decref(*out);
            return false;
        }
        bool ok = module_set(I, *out, subs[i], m);
        value_decref(m);
        if (!ok) {
            value_decref(*out);
            return false;
        }
    }
    return true;
}

bool data_install(Interp *I)
{
    return interp_register_module(I, "keras.datasets", keras_datasets_create) &&
           interp_register_module(I, "nnsh.keras_datasets", keras_ext_create) &&
           interp_register_module(I, "nnsh.tf_data", data_tf_data_create) &&
           interp_register_module(I, "sklearn", sklearn_create) &&
           interp_register_module(I, "sklearn.datasets", sk_datasets_create) &&
           interp_register_module(I, "sklearn.model_selection", sklearn_model_selection_create) &&
           interp_register_module(I, "sklearn.preprocessing", sklearn_preprocessing_create) &&
           interp_add_builtins(I, builtin_defs) && interp_add_builtins(I, data_cv_defs);
}
