/* test_model_mutations.c - a structured corpus of damaged model files, past
 * what byte changes reach (test_corpora.c): a model with every layer kind,
 * initializers with parameters, a compile section and metrics is saved;
 * then every node of its config.json is in turn deleted and replaced by a
 * string, a negative int, 1e300, a bool, null, [] and {}, and every weight
 * entry is replaced by a .npy with the wrong dtype, shape, order, version or
 * header length.  Each file is rebuilt as a zip with libzip and must load or
 * be rejected with NN_EFORMAT naming the file, in under 100 ms of CPU, never
 * crashing, with no lib memory left behind.  Counts are printed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <zip.h>

#include "nn.h"
#include "io_test_util.h"

static NnCtx *ctx_;
static char src_path[300], bad_path[300];
static int n_files, n_loaded;
static double worst_ms;

typedef struct {
    char *name;
    void *data;
    zip_uint64_t size;
} Entry;

static Entry entries[64];
static int nentries;

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void add_layer(NnModel *m, NnLayerKind k, void (*tweak)(NnLayerConfig *))
{
    NnLayerConfig c;
    nn_layer_config_init(&c, k);
    if (tweak)
        tweak(&c);
    if (nn_model_add(ctx_, m, &c) != NN_OK)
        fail_msg("add %s: %s", nn_layer_class_name(k), nn_errmsg(ctx_));
}

static void conv(NnLayerConfig *c)
{
    c->units = 2;
    c->kernel[0] = c->kernel[1] = 3;
    c->same_padding = true;
    c->activation = NN_ACT_RELU;
    nn_init_from_name("he_normal", &c->kernel_init);
    c->bias_init.kind = NN_INIT_CONSTANT;
    c->bias_init.a = 0.5;
}
static void dense4(NnLayerConfig *c)
{
    c->units = 4;
    c->activation = NN_ACT_LEAKY_RELU;
    nn_init_from_name("random_uniform", &c->kernel_init);
    c->kernel_reg.l2 = 0.01;
}
static void dense3(NnLayerConfig *c)
{
    c->units = 3;
    nn_init_from_name("truncated_normal", &c->kernel_init);
}
static void act(NnLayerConfig *c) { c->activation = NN_ACT_TANH; }
static void relu(NnLayerConfig *c) { c->max_value = 6; c->negative_slope = 0.1; }
static void drop(NnLayerConfig *c) { c->rate = 0.25; }
static void reshape(NnLayerConfig *c) { c->ndim = 2; c->shape[0] = 2; c->shape[1] = 2; }

static void save_model(void)
{
    NnModel *m = nn_model_new(ctx_);
    add_layer(m, NN_LAYER_CONV2D, conv);
    add_layer(m, NN_LAYER_MAXPOOL2D, NULL);
    add_layer(m, NN_LAYER_FLATTEN, NULL);
    add_layer(m, NN_LAYER_DENSE, dense4);
    add_layer(m, NN_LAYER_BATCHNORM, NULL);
    add_layer(m, NN_LAYER_RESHAPE, reshape);
    add_layer(m, NN_LAYER_FLATTEN, NULL);
    add_layer(m, NN_LAYER_DROPOUT, drop);
    add_layer(m, NN_LAYER_ACTIVATION, act);
    add_layer(m, NN_LAYER_RELU, relu);
    add_layer(m, NN_LAYER_DENSE, dense3);
    add_layer(m, NN_LAYER_SOFTMAX, NULL);
    assert_int_equal(nn_model_build(ctx_, m, 3, (int64_t[]){ 6, 6, 1 }), NN_OK);
    NnOptimConfig o;
    NnLossConfig l;
    NnMetricConfig mc[2];
    nn_optim_config_init(&o, NN_OPT_ADAM);
    o.clipnorm = 1.0;
    nn_loss_config_init(&l, NN_LOSS_CCE);
    l.label_smoothing = 0.1;
    assert_true(nn_metric_from_name("accuracy", &mc[0]));
    assert_true(nn_metric_from_name("mae", &mc[1]));
    assert_int_equal(nn_model_compile(ctx_, m, &o, &l, mc, 2), NN_OK);
    assert_int_equal(nn_model_save(ctx_, m, src_path), NN_OK);
    nn_model_free(m);
}

static void read_entries(void)
{
    int err;
    zip_t *za = zip_open(src_path, ZIP_RDONLY, &err);
    assert_non_null(za);
    nentries = (int)zip_get_num_entries(za, 0);
    assert_true(nentries > 0 && nentries <= 64);
    for (int i = 0; i < nentries; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(za, (zip_uint64_t)i, 0, &st), 0);
        entries[i].name = strdup(st.name);
        entries[i].size = st.size;
        entries[i].data = malloc(st.size + 1);
        zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
        assert_int_equal(zip_fread(zf, entries[i].data, st.size), (zip_int64_t)st.size);
        zip_fclose(zf);
    }
    zip_close(za);
}

/* Writes the archive with entry `which` replaced by data/size. */
static void write_zip(int which, const void *data, size_t size)
{
    int err;
    zip_t *za = zip_open(bad_path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(za);
    for (int i = 0; i < nentries; i++) {
        const void *d = i == which ? data : entries[i].data;
        size_t n = i == which ? size : entries[i].size;
        zip_source_t *s = zip_source_buffer(za, d, n, 0);
        assert_non_null(s);
        assert_true(zip_file_add(za, entries[i].name, s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
}

static void check_load(const char *what)
{
    double t0 = cpu_ms();
    NnModel *m = nn_model_load(ctx_, bad_path);
    double ms = cpu_ms() - t0;
    if (ms > worst_ms)
        worst_ms = ms;
    if (ms > 100)
        fail_msg("%s: %.1f ms", what, ms);
    n_files++;
    if (m) {
        n_loaded++;
        nn_model_free(m);
        return;
    }
    NnStatus st = nn_status(ctx_);
    if (st != NN_EFORMAT || !strstr(nn_errmsg(ctx_), bad_path))
        fail_msg("%s: status %d: %s", what, (int)st, nn_errmsg(ctx_));
    nn_clear_error(ctx_);
}

static int config_index(void)
{
    for (int i = 0; i < nentries; i++)
        if (strcmp(entries[i].name, "config.json") == 0)
            return i;
    fail_msg("no config.json");
    return -1;
}

/* The replacements tried at each node. */
static json_object *replacement(int k)
{
    switch (k) {
    case 0: return json_object_new_string("bogus");
    case 1: return json_object_new_int(-1);
    case 2: return json_object_new_double(1e300);
    case 3: return json_object_new_boolean(1);
    case 4: return NULL;                       /* null */
    case 5: return json_object_new_array();
    default: return json_object_new_object();
    }
}
#define NREPL 7

/* Visits every node below `node` (parent and key/index known), mutating
 * the live tree in place, writing the variant, and restoring it. */
static void mutate_tree(json_object *root, json_object *node, int cfg)
{
    if (json_object_is_type(node, json_type_object)) {
        /* the keys first: deleting a key frees the iterator's copy */
        char *keys[64];
        int nk = 0;
        json_object_object_foreach(node, k0, v0) {
            (void)v0;
            if (nk < 64)
                keys[nk++] = strdup(k0);
        }
        for (int i = 0; i < nk; i++) {
            const char *key = keys[i];
            json_object *keep = json_object_get(json_object_object_get(node, key));
            char what[160];
            for (int k = -1; k < NREPL; k++) {
                if (k < 0)
                    json_object_object_del(node, key);
                else
                    json_object_object_add(node, key, replacement(k));
                const char *txt = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
                write_zip(cfg, txt, strlen(txt));
                snprintf(what, sizeof what, "config key %s %s", key, k < 0 ? "deleted" : "replaced");
                check_load(what);
            }
            json_object_object_add(node, key, keep);
            mutate_tree(root, keep, cfg);
            free(keys[i]);
        }
    } else if (json_object_is_type(node, json_type_array)) {
        size_t n = json_object_array_length(node);
        for (size_t i = 0; i < n; i++) {
            json_object *keep = json_object_get(json_object_array_get_idx(node, i));
            for (int k = 0; k < NREPL; k++) {
                json_object_array_put_idx(node, i, replacement(k));
                const char *txt = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
                write_zip(cfg, txt, strlen(txt));
                check_load("config array element replaced");
            }
            json_object_array_put_idx(node, i, keep);
            mutate_tree(root, keep, cfg);
        }
    }
}

static void test_config_mutations(void **state)
{
    (void)state;
    int cfg = config_index();
    json_object *root = json_tokener_parse((const char *)entries[cfg].data);
    assert_non_null(root);
    /* the rebuilt archive itself loads: the rejections below are the mutations' */
    const char *txt = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    write_zip(cfg, txt, strlen(txt));
    NnModel *m = nn_model_load(ctx_, bad_path);
    if (!m)
        fail_msg("the unmutated rebuild does not load: %s", nn_errmsg(ctx_));
    nn_model_free(m);
    int before = n_files;
    mutate_tree(root, root, cfg);
    json_object_put(root);
    printf("model files with a mutated config.json: %d\n", n_files - before);
}

/* .npy variants of a weight entry. */
static void test_weight_entry_mutations(void **state)
{
    (void)state;
    static const char *headers[] = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }",
        "{'descr': '<f4', 'fortran_order': True, 'shape': %s, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5, 6), }",
        "{'descr': '<f4', 'fortran_order': False, }",
        "{'descr': '|O', 'fortran_order': False, 'shape': %s, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (999999999999,), }",
    };
    int before = n_files;
    char hdr[256], shape[64], what[128];
    for (int i = 0; i < nentries; i++) {
        if (!strstr(entries[i].name, ".npy"))
            continue;
        /* the original shape, read back from the entry's own header */
        const char *h = (const char *)entries[i].data + 10;
        const char *sp = strstr(h, "'shape': ");
        assert_non_null(sp);
        sp += 9;
        const char *se = strchr(sp, ')');
        snprintf(shape, sizeof shape, "%.*s", (int)(se - sp + 1), sp);
        for (size_t v = 0; v < sizeof headers / sizeof *headers + 3; v++) {
            unsigned char buf[4096];
            size_t n;
            if (v < sizeof headers / sizeof *headers) {
                int l = snprintf(hdr, sizeof hdr, headers[v], shape);
                size_t hl = ((size_t)l + 1 + 10 + 63) / 64 * 64 - 10;
                memcpy(buf, "\x93NUMPY\x01\x00", 8);
                buf[8] = (unsigned char)(hl & 0xff);
                buf[9] = (unsigned char)(hl >> 8);
                memset(buf + 10, ' ', hl);
                memcpy(buf + 10, hdr, (size_t)l);
                buf[10 + hl - 1] = '\n';
                size_t data = entries[i].size - (10 + (size_t)(((unsigned char *)entries[i].data)[8] |
                                                               ((unsigned char *)entries[i].data)[9] << 8));
                if (data > sizeof buf - 10 - hl)
                    data = sizeof buf - 10 - hl;
                memcpy(buf + 10 + hl, (unsigned char *)entries[i].data + entries[i].size - data, data);
                n = 10 + hl + data;
            } else if (v == sizeof headers / sizeof *headers) {
                memcpy(buf, entries[i].data, n = 9);           /* header cut short */
            } else if (v == sizeof headers / sizeof *headers + 1) {
                memcpy(buf, "\x93NUMPY\x02\x00\xff\xff\xff\x7f", n = 12);   /* v2, huge length */
            } else {
                memcpy(buf, "not a numpy file at all", n = 23);
            }
            write_zip(i, buf, n);
            snprintf(what, sizeof what, "%s variant %zu", entries[i].name, v);
            check_load(what);
        }
    }
    printf("model files with a damaged weight entry: %d\n", n_files - before);
}

static int setup(void **state)
{
    (void)state;
    io_dir_make();
    ctx_ = nn_ctx_new();
    nn_ctx_set_threads(ctx_, 1);
    nn_ctx_set_mem_limit(ctx_, (size_t)64 << 20);
    nn_rng_seed(ctx_, 9);
    io_path(src_path, sizeof src_path, "all.nnz");
    io_path(bad_path, sizeof bad_path, "bad.nnz");
    save_model();
    read_entries();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < nentries; i++) {
        free(entries[i].name);
        free(entries[i].data);
    }
    assert_int_equal(nn_ctx_mem_used(ctx_), 0);
    nn_ctx_free(ctx_);
    io_dir_remove();
    printf("%d mutated model files, %d loaded, slowest %.1f ms\n", n_files, n_loaded, worst_ms);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_mutations),
        cmocka_unit_test(test_weight_entry_mutations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
