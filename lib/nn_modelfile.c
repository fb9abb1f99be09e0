/* nn_modelfile.c - model files (.nnz): a zip (libzip) holding config.json
 * (json-c: architecture, compile settings, optimizer configuration and step)
 * and one numpy .npy entry (v1.0, '<f4', C order) per weight, named
 * "LAYER/WEIGHT.npy", so numpy.load('m.nnz')['dense/kernel'] reads a
 * weight.  Optimizer moments are flat entries "optimizer/slotN.npy".
 *
 * Saving writes a temporary file in the target's directory, fsyncs it and
 * renames it over the target.  Loading trusts nothing: every JSON field is
 * type-checked, every entry's header, dtype, shape and byte count is checked
 * against the configuration, and errors name the file and the cause
 * (NN_EFORMAT; NN_EIO when the file cannot be read).
 */
#include "nn_layer.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define NNZ_FORMAT "nnsh-model"
#define NNZ_VERSION 1
#define NNZ_MAX_JSON (16 << 20)

/* ---------------------------------------------------------------- config.json */

static json_object *jshape(int ndim, const int64_t *s)
{
    json_object *a = json_object_new_array();
    for (int d = 0; d < ndim; d++)
        json_object_array_add(a, json_object_new_int64(s[d]));
    return a;
}

static json_object *jinit(const NnInit *in)
{
    json_object *o = json_object_new_object(), *c = json_object_new_object();
    json_object_object_add(o, "class_name", json_object_new_string(nn_init_class_name(in->kind)));
    if (in->kind == NN_INIT_CONSTANT)
        json_object_object_add(c, "value", json_object_new_double(in->a));
    if (in->kind == NN_INIT_RANDOM_NORMAL || in->kind == NN_INIT_TRUNCATED_NORMAL) {
        json_object_object_add(c, "mean", json_object_new_double(in->a));
        json_object_object_add(c, "stddev", json_object_new_double(in->b));
    }
    if (in->kind == NN_INIT_RANDOM_UNIFORM) {
        json_object_object_add(c, "minval", json_object_new_double(in->a));
        json_object_object_add(c, "maxval", json_object_new_double(in->b));
    }
    json_object_object_add(o, "config", c);
    return o;
}

static json_object *jreg(const NnRegularizer *r)
{
    if (r->l1 == 0 && r->l2 == 0)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "l1", json_object_new_double(r->l1));
    json_object_object_add(o, "l2", json_object_new_double(r->l2));
    return o;
}

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

static json_object *layer_json(const NnLayerConfig *c)
{
    json_object *o = json_object_new_object(), *k = json_object_new_object();
    ADD(o, "class_name", json_object_new_string(nn_layer_class_name(c->kind)));
    ADD(k, "name", json_object_new_string(c->name));
    ADD(k, "trainable", json_object_new_boolean(c->trainable));
    if (c->ndim > 0)
        ADD(k, c->kind == NN_LAYER_RESHAPE ? "target_shape" : "input_shape", jshape(c->ndim, c->shape));
    switch (c->kind) {
    case NN_LAYER_DENSE: case NN_LAYER_CONV2D:
        ADD(k, c->kind == NN_LAYER_DENSE ? "units" : "filters", json_object_new_int64(c->units));
        ADD(k, "activation", json_object_new_string(nn_activation_name(c->activation)));
        ADD(k, "activation_alpha", json_object_new_double(c->act_alpha));
        ADD(k, "use_bias", json_object_new_boolean(c->use_bias));
        ADD(k, "kernel_initializer", jinit(&c->kernel_init));
        ADD(k, "bias_initializer", jinit(&c->bias_init));
        ADD(k, "kernel_regularizer", jreg(&c->kernel_reg));
        ADD(k, "bias_regularizer", jreg(&c->bias_reg));
        if (c->kind == NN_LAYER_DENSE)
            break;
        /* fall through */
    case NN_LAYER_MAXPOOL2D:
    case NN_LAYER_AVGPOOL2D:
        ADD(k, c->kind == NN_LAYER_CONV2D ? "kernel_size" : "pool_size",
            jshape(2, (int64_t[]){ c->kernel[0], c->kernel[1] }));
        /* strides 0 means "the pool size" in the config; Keras writes the
         * pool size itself, and the reader wants positive strides */
        ADD(k, "strides", jshape(2, (int64_t[]){ c->strides[0] > 0 ? c->strides[0] : c->kernel[0],
                                                 c->strides[1] > 0 ? c->strides[1] : c->kernel[1] }));
        ADD(k, "padding", json_object_new_string(c->same_padding ? "same" : "valid"));
        break;
    case NN_LAYER_ACTIVATION:
        ADD(k, "activation", json_object_new_string(nn_activation_name(c->activation)));
        ADD(k, "activation_alpha", json_object_new_double(c->act_alpha));
        break;
    case NN_LAYER_GLOBAL_AVGPOOL2D:
    case NN_LAYER_GLOBAL_MAXPOOL2D:
        ADD(k, "data_format", json_object_new_string("channels_last"));
        ADD(k, "keepdims", json_object_new_boolean(c->keepdims));
        break;
    case NN_LAYER_SOFTMAX:
        ADD(k, "axis", json_object_new_int(c->axis));
        break;
    case NN_LAYER_RELU:
        ADD(k, "max_value", isnan(c->max_value) ? NULL : json_object_new_double(c->max_value));
        ADD(k, "negative_slope", json_object_new_double(c->negative_slope));
        ADD(k, "threshold", json_object_new_double(c->threshold));
        break;
    case NN_LAYER_LEAKY_RELU:
    case NN_LAYER_ELU:
        ADD(k, "alpha", json_object_new_double(c->act_alpha));
        break;
    case NN_LAYER_DROPOUT:
        ADD(k, "rate", json_object_new_double(c->rate));
        break;
    case NN_LAYER_BATCHNORM:
        ADD(k, "momentum", json_object_new_double(c->momentum));
        ADD(k, "epsilon", json_object_new_double(c->epsilon));
        ADD(k, "center", json_object_new_boolean(c->center));
        ADD(k, "scale", json_object_new_boolean(c->scale));
        break;
    default:
        break;
    }
    ADD(o, "config", k);
    return o;
}

static json_object *compile_json(const NnModel *m, bool with_opt_state)
{
    json_object *c = json_object_new_object(), *l = json_object_new_object();
    ADD(l, "name", json_object_new_string(nn_loss_name(m->loss.kind)));
    ADD(l, "from_logits", json_object_new_boolean(m->loss.from_logits));
    ADD(l, "delta", json_object_new_double(m->loss.delta));
    ADD(l, "label_smoothing", json_object_new_double(m->loss.label_smoothing));
    ADD(c, "loss", l);
    json_object *ms = json_object_new_array();
    for (int i = 0; i < m->nmetrics; i++) {
        json_object *mo = json_object_new_object();
        ADD(mo, "kind", json_object_new_int(m->metrics[i].kind));
        ADD(mo, "name", json_object_new_string(m->metrics[i].name));
        ADD(mo, "k", json_object_new_int(m->metrics[i].k));
        ADD(mo, "threshold", json_object_new_double(m->metrics[i].threshold));
        json_object_array_add(ms, mo);
    }
    ADD(c, "metrics", ms);
    const NnOptimConfig *o = &m->opt;
    json_object *oj = json_object_new_object(), *oc = json_object_new_object();
    ADD(oj, "class_name", json_object_new_string(nn_optim_class_name(o->kind)));
    ADD(oc, "learning_rate", json_object_new_double(o->learning_rate));
    ADD(oc, "momentum", json_object_new_double(o->momentum));
    ADD(oc, "nesterov", json_object_new_boolean(o->nesterov));
    ADD(oc, "beta_1", json_object_new_double(o->beta_1));
    ADD(oc, "beta_2", json_object_new_double(o->beta_2));
    ADD(oc, "epsilon", json_object_new_double(o->epsilon));
    ADD(oc, "amsgrad", json_object_new_boolean(o->amsgrad));
    ADD(oc, "weight_decay", json_object_new_double(o->weight_decay));
    ADD(oc, "rho", json_object_new_double(o->rho));
    ADD(oc, "centered", json_object_new_boolean(o->centered));
    ADD(oc, "initial_accumulator_value", json_object_new_double(o->initial_accumulator));
    ADD(oc, "clipnorm", json_object_new_double(o->clipnorm));
    ADD(oc, "clipvalue", json_object_new_double(o->clipvalue));
    ADD(oj, "config", oc);
    int ns = 0;
    while (with_opt_state && ns < 3 && m->slots[ns])
        ns++;
    ADD(oj, "iterations", json_object_new_int64(with_opt_state ? m->iterations : 0));
    ADD(oj, "slots", json_object_new_int(ns));
    ADD(c, "optimizer", oj);
    return c;
}

static json_object *model_json(const NnModel *m, bool full)
{
    json_object *root = json_object_new_object(), *cfg = json_object_new_object();
    ADD(root, "format", json_object_new_string(NNZ_FORMAT));
    ADD(root, "version", json_object_new_int(NNZ_VERSION));
    ADD(root, "class_name", json_object_new_string(m->functional ? "Functional" : "Sequential"));
    ADD(cfg, "name", json_object_new_string(m->name[0] ? m->name : "sequential"));
    ADD(cfg, "input_shape", m->has_input ? jshape(m->in_ndim, m->in_shape) : NULL);
    if (m->input_name[0])
        ADD(cfg, "input_name", json_object_new_string(m->input_name));
    json_object *layers = json_object_new_array(), *ws = json_object_new_array();
    for (int i = 0; i < m->n; i++) {
        json_object_array_add(layers, layer_json(&m->layers[i].cfg));
        for (int j = 0; m->built && j < m->layers[i].nw; j++) {
            const NnWeight *w = &m->layers[i].w[j];
            json_object *wo = json_object_new_object();
            char name[160];
            snprintf(name, sizeof name, "%s/%s.npy", m->layers[i].cfg.name, w->name);
            ADD(wo, "layer", json_object_new_int(i));
            ADD(wo, "name", json_object_new_string(w->name));
            ADD(wo, "file", json_object_new_string(name));
            ADD(wo, "shape", jshape(w->ndim, w->shape));
            ADD(wo, "dtype", json_object_new_string("float32"));
            json_object_array_add(ws, wo);
        }
    }
    ADD(cfg, "layers", layers);
    ADD(root, "config", cfg);
    ADD(root, "built", json_object_new_boolean(m->built));
    ADD(root, "weights", ws);
    ADD(root, "compile", full && m->compiled ? compile_json(m, m->built) : NULL);
    return root;
}

/* ---------------------------------------------------------------- .npy */

/* A v1.0 .npy image of n floats with shape s: header padded to 64 bytes. */
static char *npy_image(NnCtx *ctx, int ndim, const int64_t *s, const float *data, size_t *len)
{
    char dict[512], dims[400] = "";
    size_t off = 0;
    for (int d = 0; d < ndim; d++)
        off += (size_t)snprintf(dims + off, sizeof dims - off, "%lld%s", (long long)s[d],
                                ndim == 1 ? "," : d + 1 < ndim ? ", " : "");
    int dl = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }",
                      dims);
    size_t hl = (size_t)dl + 1, total = 10 + hl;
    hl += (64 - total % 64) % 64;
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= s[d];
    *len = 10 + hl + sizeof(float) * (size_t)n;
    char *img = nn_alloc(ctx, *len, "model file entry");
    if (!img)
        return NULL;
    memcpy(img, "\x93NUMPY\x01\x00", 8);
    img[8] = (char)(hl & 0xff);
    img[9] = (char)(hl >> 8);
    memset(img + 10, ' ', hl);
    memcpy(img + 10, dict, (size_t)dl);
    img[10 + hl - 1] = '\n';
    memcpy(img + 10 + hl, data, sizeof(float) * (size_t)n);
    return img;
}

/* Parses a .npy image; checks '<f4', C order and the expected shape. */
static NnStatus npy_check(NnCtx *ctx, const char *path, const char *entry, const char *img,
                          size_t len, int ndim, const int64_t *s, const float **data)
{
    if (len < 10 || memcmp(img, "\x93NUMPY", 6) != 0 || img[6] != 1 || img[7] != 0)
        return nn_error(ctx, NN_EFORMAT, "%s: %s is not a numpy v1.0 .npy entry", path, entry);
    size_t hl = (unsigned char)img[8] | (size_t)(unsigned char)img[9] << 8;
    if (10 + hl > len || hl > 4096)
        return nn_error(ctx, NN_EFORMAT, "%s: %s: header length %zu runs past the entry (%zu bytes)",
                        path, entry, hl, len);
    char hdr[4100];
    memcpy(hdr, img + 10, hl);
    hdr[hl] = 0;
    if (!strstr(hdr, "'descr': '<f4'"))
        return nn_error(ctx, NN_EFORMAT, "%s: %s: dtype is not float32 ('<f4')", path, entry);
    if (!strstr(hdr, "'fortran_order': False"))
        return nn_error(ctx, NN_EFORMAT, "%s: %s: Fortran order is not supported", path, entry);
    const char *p = strstr(hdr, "'shape': (");
    if (!p)
        return nn_error(ctx, NN_EFORMAT, "%s: %s: no shape in the header", path, entry);
    p += 10;
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v != s[d])
            return nn_error(ctx, NN_EFORMAT, "%s: %s: shape does not match the configuration "
                            "(dimension %d should be %lld)", path, entry, d, (long long)s[d]);
        n *= s[d];
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (*p != ')')
        return nn_error(ctx, NN_EFORMAT, "%s: %s: shape has more dimensions than the configuration",
                        path, entry);
    if (len != 10 + hl + sizeof(float) * (size_t)n)
        return nn_error(ctx, NN_EFORMAT, "%s: %s: %zu data bytes where the shape needs %zu", path,
                        entry, len - 10 - hl, sizeof(float) * (size_t)n);
    *data = (const float *)(img + 10 + hl);
    return NN_OK;
}

/* ---------------------------------------------------------------- save */

typedef struct {
    NnCtx *ctx;
    zip_t *za;
    char **bufs;
    int nbufs, cap;
} Writer;

static NnStatus add_entry(Writer *w, const char *name, char *buf, size_t len, bool store)
{
    if (w->nbufs == w->cap) {
        int cap = w->cap ? 2 * w->cap : 16;
        char **b = nn_realloc(w->ctx, w->bufs, sizeof(char *) * (size_t)cap, "model file");
        if (!b) {
            nn_free(w->ctx, buf);
            return NN_ENOMEM;
        }
        w->bufs = b;
        w->cap = cap;
    }
    w->bufs[w->nbufs++] = buf;
    zip_source_t *src = zip_source_buffer(w->za, buf, len, 0);
    zip_int64_t idx = src ? zip_file_add(w->za, name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
        if (src)
            zip_source_free(src);
        return nn_error(w->ctx, NN_EIO, "zip: cannot add %s: %s", name, zip_strerror(w->za));
    }
    if (store)
        zip_set_file_compression(w->za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    return NN_OK;
}

static NnStatus add_npy(Writer *w, const char *name, int ndim, const int64_t *s, const float *d)
{
    size_t len;
    char *img = npy_image(w->ctx, ndim, s, d, &len);
    return img ? add_entry(w, name, img, len, true) : NN_ENOMEM;
}

static NnStatus write_entries(Writer *w, const NnModel *m, bool full)
{
    json_object *root = model_json(m, full);
    const char *js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t jl = strlen(js);
    char *jb = nn_alloc(w->ctx, jl + 1, "model file");
    NnStatus st = jb ? NN_OK : NN_ENOMEM;
    if (jb) {
        memcpy(jb, js, jl + 1);
        st = add_entry(w, "config.json", jb, jl, false);
    }
    json_object_put(root);
    for (int i = 0; !st && m->built && i < m->n; i++)
        for (int j = 0; !st && j < m->layers[i].nw; j++) {
            const NnWeight *wt = &m->layers[i].w[j];
            char name[160];
            snprintf(name, sizeof name, "%s/%s.npy", m->layers[i].cfg.name, wt->name);
            st = add_npy(w, name, wt->ndim, wt->shape, nn_weight_ptr(m, &m->layers[i], j));
        }
    for (int k = 0; !st && full && m->compiled && m->built && k < 3 && m->slots[k]; k++) {
        char name[64];
        snprintf(name, sizeof name, "optimizer/slot%d.npy", k);
        st = add_npy(w, name, 1, &m->nparams, m->slots[k]);
    }
    return st;
}

static NnStatus sync_rename(NnCtx *ctx, const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        if (fd >= 0)
            close(fd);
        return nn_error(ctx, NN_EIO, "%s: %s", path, strerror(errno));
    }
    close(fd);
    if (rename(tmp, path) != 0)
        return nn_error(ctx, NN_EIO, "%s: %s", path, strerror(errno));
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    fd = open(slash ? dir : ".", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return NN_OK;
}

static NnStatus save(NnCtx *ctx, const NnModel *m, const char *path, bool full)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp)
        return nn_error(ctx, NN_EIO, "%s: path too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return nn_error(ctx, NN_EIO, "%s: cannot create a file there: %s", path, strerror(errno));
    close(fd);
    int err = 0;
    Writer w = { ctx, zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &err), NULL, 0, 0 };
    NnStatus st = w.za ? write_entries(&w, m, full)
                       : nn_error(ctx, NN_EIO, "%s: cannot write a zip file (libzip error %d)",
                                  path, err);
    if (w.za && !st && zip_close(w.za) != 0) {
        st = nn_error(ctx, NN_EIO, "%s: %s", path, zip_strerror(w.za));
        zip_discard(w.za);
    } else if (w.za && st) {
        zip_discard(w.za);
    }
    for (int i = 0; i < w.nbufs; i++)
        nn_free(ctx, w.bufs[i]);
    nn_free(ctx, w.bufs);
    if (!st)
        st = sync_rename(ctx, tmp, path);
    if (st)
        unlink(tmp);
    return st;
}

NnStatus nn_model_save(NnCtx *ctx, const NnModel *m, const char *path)
{
    return save(ctx, m, path, true);
}

NnStatus nn_model_save_weights(NnCtx *ctx, const NnModel *m, const char *path)
{
    if (!m->built)
        return nn_error(ctx, NN_EARG, "Unable to save weights: the model has not been built yet");
    return save(ctx, m, path, false);
}

/* ---------------------------------------------------------------- load */

typedef struct {
    NnCtx *ctx;
    const char *path;
    zip_t *za;
} Reader;

static NnStatus bad(Reader *r, const char *fmt, const char *what)
{
    return nn_error(r->ctx, NN_EFORMAT, "%s: %s%s", r->path, fmt, what ? what : "");
}

static NnStatus reader_open(Reader *r)
{
    int err = 0;
    r->za = zip_open(r->path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (r->za)
        return NN_OK;
    if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        NnStatus st = nn_error(r->ctx, NN_EIO, "%s: %s", r->path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    NnStatus st = nn_error(r->ctx, NN_EFORMAT, "%s: not a valid model file (%s)", r->path,
                           zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return st;
}

/* Reads a whole entry (at most max bytes) into a new buffer (NUL-terminated). */
static NnStatus read_entry(Reader *r, const char *name, size_t max, char **buf, size_t *len)
{
    zip_stat_t sb;
    *buf = NULL;
    if (zip_stat(r->za, name, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE))
        return nn_error(r->ctx, NN_EFORMAT, "%s: missing entry %s", r->path, name);
    if (sb.size > max)
        return nn_error(r->ctx, NN_EFORMAT, "%s: entry %s is too large (%llu bytes)", r->path,
                        name, (unsigned long long)sb.size);
    char *b = nn_alloc(r->ctx, (size_t)sb.size + 1, "model file");
    if (!b)
        return NN_ENOMEM;
    zip_file_t *zf = zip_fopen(r->za, name, 0);
    zip_int64_t got = zf ? zip_fread(zf, b, sb.size) : -1;
    char extra;
    bool more = zf && got == (zip_int64_t)sb.size && zip_fread(zf, &extra, 1) != 0;
    int cerr = zf ? zip_fclose(zf) : -1;
    if (got != (zip_int64_t)sb.size || more || cerr != 0) {
        nn_free(r->ctx, b);
        return nn_error(r->ctx, NN_EFORMAT, "%s: entry %s is corrupted (%s)", r->path, name,
                        zip_strerror(r->za));
    }
    b[sb.size] = 0;
    *buf = b;
    *len = (size_t)sb.size;
    return NN_OK;
}

/* Field helpers: a missing key keeps the default; a present key of the wrong
 * type is an error naming it. */
static bool jhas(json_object *o, const char *k, json_object **v)
{
    return json_object_object_get_ex(o, k, v) && *v && !json_object_is_type(*v, json_type_null);
}

static NnStatus jnum(Reader *r, json_object *o, const char *k, double *out)
{
    json_object *v;
    if (!jhas(o, k, &v))
        return NN_OK;
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        return bad(r, "config.json: field is not a number: ", k);
    *out = json_object_get_double(v);
    return NN_OK;
}

static NnStatus jbool(Reader *r, json_object *o, const char *k, bool *out)
{
    json_object *v;
    if (!jhas(o, k, &v))
        return NN_OK;
    if (!json_object_is_type(v, json_type_boolean))
        return bad(r, "config.json: field is not a boolean: ", k);
    *out = json_object_get_boolean(v);
    return NN_OK;
}

static NnStatus jstr(Reader *r, json_object *o, const char *k, const char **out)
{
    json_object *v;
    if (!jhas(o, k, &v))
        return NN_OK;
    if (!json_object_is_type(v, json_type_string))
        return bad(r, "config.json: field is not a string: ", k);
    *out = json_object_get_string(v);
    return NN_OK;
}

static NnStatus jint(Reader *r, json_object *o, const char *k, int64_t lo, int64_t hi, int64_t *out)
{
    json_object *v;
    if (!jhas(o, k, &v))
        return NN_OK;
    if (!json_object_is_type(v, json_type_int))
        return bad(r, "config.json: field is not an integer: ", k);
    int64_t x = json_object_get_int64(v);
    if (x < lo || x > hi)
        return bad(r, "config.json: field out of range: ", k);
    *out = x;
    return NN_OK;
}

static NnStatus jshape_read(Reader *r, json_object *o, const char *k, int maxdim, int *ndim,
                            int64_t *s, bool allow_m1)
{
    json_object *v;
    if (!jhas(o, k, &v))
        return NN_OK;
    if (!json_object_is_type(v, json_type_array) || (int)json_object_array_length(v) > maxdim)
        return bad(r, "config.json: bad shape in field ", k);
    int n = (int)json_object_array_length(v);
    for (int d = 0; d < n; d++) {
        json_object *e = json_object_array_get_idx(v, (size_t)d);
        int64_t x = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : 0;
        if (x <= 0 && !(allow_m1 && x == -1))
            return bad(r, "config.json: bad shape in field ", k);
        if (x > ((int64_t)1 << 40))
            return bad(r, "config.json: dimension too large in field ", k);
        s[d] = x;
    }
    *ndim = n;
    return NN_OK;
}

static NnStatus jinit_read(Reader *r, json_object *o, const char *k, NnInit *in)
{
    json_object *v, *c;
    const char *cls = NULL;
    if (!jhas(o, k, &v))
        return NN_OK;
    NnStatus st = jstr(r, v, "class_name", &cls);
    if (st || !cls || !nn_init_from_name(cls, in))
        return st ? st : bad(r, "config.json: unknown initializer in ", k);
    if (!jhas(v, "config", &c))
        return NN_OK;
    if ((st = jnum(r, c, "value", &in->a)) || (st = jnum(r, c, "mean", &in->a)) ||
        (st = jnum(r, c, "stddev", &in->b)) || (st = jnum(r, c, "minval", &in->a)) ||
        (st = jnum(r, c, "maxval", &in->b)))
        return st;
    return NN_OK;
}

static NnStatus jreg_read(Reader *r, json_object *o, const char *k, NnRegularizer *g)
{
    json_object *v;
    NnStatus st;
    if (!jhas(o, k, &v))
        return NN_OK;
    if ((st = jnum(r, v, "l1", &g->l1)) || (st = jnum(r, v, "l2", &g->l2)))
        return st;
    return NN_OK;
}

static NnStatus layer_read(Reader *r, json_object *lo, NnLayerConfig *c)
{
    const char *cls = NULL, *name = NULL, *act = NULL, *pad = NULL;
    json_object *k;
    NnLayerKind kind;
    NnStatus st = jstr(r, lo, "class_name", &cls);
    if (st || !cls || !nn_layer_kind_from_class(cls, &kind) || kind == NN_LAYER_INPUT)
        return st ? st : bad(r, "config.json: unknown layer class ", cls ? cls : "(none)");
    nn_layer_config_init(c, kind);
    if (!jhas(lo, "config", &k))
        return bad(r, "config.json: layer without config: ", cls);
    int64_t units = 0, axis = -1;
    int nd = 0, ndk = 2, nds = 2;
    int64_t ks[2] = { c->kernel[0], c->kernel[1] }, ss[2] = { c->strides[0], c->strides[1] };
    if ((st = jstr(r, k, "name", &name)) || (st = jbool(r, k, "trainable", &c->trainable)) ||
        (st = jint(r, k, kind == NN_LAYER_CONV2D ? "filters" : "units", 1, 1 << 30, &units)) ||
        (st = jstr(r, k, "activation", &act)) || (st = jnum(r, k, "activation_alpha", &c->act_alpha)) ||
        (st = jnum(r, k, "alpha", &c->act_alpha)) ||
        (st = jbool(r, k, "use_bias", &c->use_bias)) ||
        (st = jinit_read(r, k, "kernel_initializer", &c->kernel_init)) ||
        (st = jinit_read(r, k, "bias_initializer", &c->bias_init)) ||
        (st = jreg_read(r, k, "kernel_regularizer", &c->kernel_reg)) ||
        (st = jreg_read(r, k, "bias_regularizer", &c->bias_reg)) ||
        (st = jshape_read(r, k, kind == NN_LAYER_CONV2D ? "kernel_size" : "pool_size", 2, &ndk, ks, false)) ||
        (st = jshape_read(r, k, "strides", 2, &nds, ss, false)) ||
        (st = jstr(r, k, "padding", &pad)) || (st = jnum(r, k, "rate", &c->rate)) ||
        (st = jnum(r, k, "momentum", &c->momentum)) || (st = jnum(r, k, "epsilon", &c->epsilon)) ||
        (st = jbool(r, k, "center", &c->center)) || (st = jbool(r, k, "scale", &c->scale)) ||
        (st = jbool(r, k, "keepdims", &c->keepdims)) ||
        (st = jint(r, k, "axis", -8, 8, &axis)) || (st = jnum(r, k, "max_value", &c->max_value)) ||
        (st = jnum(r, k, "negative_slope", &c->negative_slope)) ||
        (st = jnum(r, k, "threshold", &c->threshold)) ||
        (st = jshape_read(r, k, kind == NN_LAYER_RESHAPE ? "target_shape" : "input_shape",
                          NN_MAXDIM - 1, &nd, c->shape, kind == NN_LAYER_RESHAPE)))
        return st;
    if (!name || !name[0] || strlen(name) >= sizeof c->name || strchr(name, '/'))
        return bad(r, "config.json: bad layer name ", name ? name : "(none)");
    snprintf(c->name, sizeof c->name, "%s", name);
    if (act && !nn_activation_from_name(act, &c->activation))
        return bad(r, "config.json: unknown activation ", act);
    if (ndk != 2 || nds != 2 || (pad && strcmp(pad, "same") && strcmp(pad, "valid")))
        return bad(r, "config.json: bad kernel, strides or padding in layer ", name);
    c->units = units;
    c->axis = (int)axis;
    c->ndim = nd;
    c->kernel[0] = (int)ks[0];
    c->kernel[1] = (int)ks[1];
    c->strides[0] = (int)ss[0];
    c->strides[1] = (int)ss[1];
    c->same_padding = pad && strcmp(pad, "same") == 0;
    return NN_OK;
}

static NnStatus read_weights(Reader *r, json_object *root, NnModel *m)
{
    json_object *ws;
    int64_t total = 0;
    for (int i = 0; i < m->n; i++)
        total += m->layers[i].nw;
    if (!jhas(root, "weights", &ws) || !json_object_is_type(ws, json_type_array) ||
        (int64_t)json_object_array_length(ws) != total)
        return bad(r, "config.json: the weight list does not match the architecture", NULL);
    size_t e = 0;
    for (int i = 0; i < m->n; i++)
        for (int j = 0; j < m->layers[i].nw; j++, e++) {
            const NnWeight *w = &m->layers[i].w[j];
            json_object *wo = json_object_array_get_idx(ws, e);
            const char *file = NULL;
            int nd = 0;
            int64_t s[NN_MAXDIM];
            NnStatus st = jstr(r, wo, "file", &file);
            if (!st)
                st = jshape_read(r, wo, "shape", NN_MAXDIM, &nd, s, false);
            if (st)
                return st;
            if (!file || nd != w->ndim || memcmp(s, w->shape, sizeof(int64_t) * (size_t)nd))
                return nn_error(r->ctx, NN_EFORMAT, "%s: config.json: weight %s/%s does not "
                                "match its layer's shape", r->path, m->layers[i].cfg.name, w->name);
            char *buf;
            size_t len;
            const float *data;
            if ((st = read_entry(r, file, 10 + 4096 + sizeof(float) * (size_t)w->numel, &buf, &len)))
                return st;
            st = npy_check(r->ctx, r->path, file, buf, len, w->ndim, w->shape, &data);
            if (!st)
                memcpy(nn_weight_ptr(m, &m->layers[i], j), data, sizeof(float) * (size_t)w->numel);
            nn_free(r->ctx, buf);
            if (st)
                return st;
        }
    return NN_OK;
}

static NnStatus read_compile(Reader *r, json_object *c, NnModel *m)
{
    json_object *l, *ms, *o, *oc;
    const char *lname = NULL, *oname = NULL;
    NnLossConfig lc;
    NnOptimConfig opt;
    NnMetricConfig mets[NN_MAX_METRICS];
    NnLossKind lk;
    NnOptimKind ok;
    NnStatus st;
    if (!jhas(c, "loss", &l) || (st = jstr(r, l, "name", &lname)) || !lname ||
        !nn_loss_from_name(lname, &lk))
        return bad(r, "config.json: bad or missing loss", NULL);
    nn_loss_config_init(&lc, lk);
    if ((st = jbool(r, l, "from_logits", &lc.from_logits)) || (st = jnum(r, l, "delta", &lc.delta)) ||
        (st = jnum(r, l, "label_smoothing", &lc.label_smoothing)))
        return st;
    int nm = 0;
    if (jhas(c, "metrics", &ms)) {
        if (!json_object_is_type(ms, json_type_array) ||
            json_object_array_length(ms) > NN_MAX_METRICS)
            return bad(r, "config.json: bad metrics list", NULL);
        for (; nm < (int)json_object_array_length(ms); nm++) {
            json_object *mo = json_object_array_get_idx(ms, (size_t)nm);
            int64_t kind = -1, k = 5;
            const char *name = "";
            nn_metric_config_init(&mets[nm], NN_METRIC_ACCURACY);
            if ((st = jint(r, mo, "kind", 0, NN_METRIC_COUNT - 1, &kind)) ||
                (st = jint(r, mo, "k", 1, 1 << 20, &k)) || (st = jstr(r, mo, "name", &name)) ||
                (st = jnum(r, mo, "threshold", &mets[nm].threshold)))
                return st;
            if (kind < 0 || strlen(name) >= sizeof mets[nm].name)
                return bad(r, "config.json: bad metric", NULL);
            mets[nm].kind = (NnMetricKind)kind;
            mets[nm].k = (int)k;
            strcpy(mets[nm].name, name);
        }
    }
    if (!jhas(c, "optimizer", &o) || (st = jstr(r, o, "class_name", &oname)) || !oname ||
        !nn_optim_from_name(oname, &ok))
        return bad(r, "config.json: bad or missing optimizer", NULL);
    nn_optim_config_init(&opt, ok);
    if (jhas(o, "config", &oc) &&
        ((st = jnum(r, oc, "learning_rate", &opt.learning_rate)) ||
         (st = jnum(r, oc, "momentum", &opt.momentum)) || (st = jbool(r, oc, "nesterov", &opt.nesterov)) ||
         (st = jnum(r, oc, "beta_1", &opt.beta_1)) || (st = jnum(r, oc, "beta_2", &opt.beta_2)) ||
         (st = jnum(r, oc, "epsilon", &opt.epsilon)) || (st = jbool(r, oc, "amsgrad", &opt.amsgrad)) ||
         (st = jnum(r, oc, "weight_decay", &opt.weight_decay)) || (st = jnum(r, oc, "rho", &opt.rho)) ||
         (st = jbool(r, oc, "centered", &opt.centered)) ||
         (st = jnum(r, oc, "initial_accumulator_value", &opt.initial_accumulator)) ||
         (st = jnum(r, oc, "clipnorm", &opt.clipnorm)) || (st = jnum(r, oc, "clipvalue", &opt.clipvalue))))
        return st;
    if ((st = nn_model_compile(r->ctx, m, &opt, &lc, mets, nm)))   /* settings out of range */
        return st == NN_ENOMEM ? st
             : nn_error(r->ctx, NN_EFORMAT, "%s: config.json: %s", r->path, nn_errmsg(r->ctx));
    int64_t iters = 0, nslots = 0;
    if ((st = jint(r, o, "iterations", 0, INT64_MAX / 2, &iters)) ||
        (st = jint(r, o, "slots", 0, 3, &nslots)))
        return st;
    for (int k = 0; k < nslots; k++) {
        char name[64], *buf;
        size_t len;
        const float *data;
        snprintf(name, sizeof name, "optimizer/slot%d.npy", k);
        if (!m->slots[k])
            return bad(r, "config.json: optimizer state does not match the optimizer", NULL);
        if ((st = read_entry(r, name, 10 + 4096 + sizeof(float) * (size_t)m->nparams, &buf, &len)))
            return st;
        st = npy_check(r->ctx, r->path, name, buf, len, 1, &m->nparams, &data);
        if (!st)
            memcpy(m->slots[k], data, sizeof(float) * (size_t)m->nparams);
        nn_free(r->ctx, buf);
        if (st)
            return st;
    }
    m->iterations = nslots ? iters : 0;
    return NN_OK;
}

static NnStatus read_json(Reader *r, json_object **root)
{
    char *buf;
    size_t len;
    NnStatus st = read_entry(r, "config.json", NNZ_MAX_JSON, &buf, &len);
    if (st)
        return st;
    json_tokener *tok = json_tokener_new();
    *root = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
    enum json_tokener_error je = tok ? json_tokener_get_error(tok) : json_tokener_error_depth;
    if (tok)
        json_tokener_free(tok);
    nn_free(r->ctx, buf);
    if (!*root || je != json_tokener_success) {
        json_object_put(*root);
        *root = NULL;
        return bad(r, "config.json: ", json_tokener_error_desc(je));
    }
    const char *fmt = NULL;
    int64_t ver = 0;
    if (!json_object_is_type(*root, json_type_object) || jstr(r, *root, "format", &fmt) || !fmt ||
        strcmp(fmt, NNZ_FORMAT) != 0 || jint(r, *root, "version", 1, 1 << 20, &ver) || ver == 0) {
        json_object_put(*root);
        *root = NULL;
        return bad(r, "not an nnsh model file (config.json has no \"format\": \"" NNZ_FORMAT "\")", NULL);
    }
    if (ver > NNZ_VERSION) {
        json_object_put(*root);
        *root = NULL;
        return bad(r, "written by a newer nnsh (format version too new)", NULL);
    }
    return NN_OK;
}

static NnStatus read_model(Reader *r, json_object *root, NnModel *m)
{
    json_object *cfg, *layers, *comp;
    NnStatus st;
    if (!jhas(root, "config", &cfg) || !jhas(cfg, "layers", &layers) ||
        !json_object_is_type(layers, json_type_array))
        return bad(r, "config.json: no layer list", NULL);
    int nd = 0;
    int64_t shape[NN_MAXDIM];
    const char *iname = NULL, *mname = NULL;
    if ((st = jshape_read(r, cfg, "input_shape", NN_MAXDIM - 1, &nd, shape, false)) ||
        (st = jstr(r, cfg, "input_name", &iname)) || (st = jstr(r, cfg, "name", &mname)))
        return st;
    if (mname && strlen(mname) < sizeof m->name)
        nn_model_set_name(m, mname);
    const char *cls = NULL;
    if ((st = jstr(r, root, "class_name", &cls)))
        return st;
    m->functional = cls && strcmp(cls, "Functional") == 0;
    if (nd > 0) {
        NnLayerConfig in;
        nn_layer_config_init(&in, NN_LAYER_INPUT);
        in.ndim = nd;
        memcpy(in.shape, shape, sizeof(int64_t) * (size_t)nd);
        if (iname)
            snprintf(in.name, sizeof in.name, "%s", iname);
        if ((st = nn_model_add(r->ctx, m, &in)))
            return st;
    }
    for (size_t i = 0; i < json_object_array_length(layers); i++) {
        NnLayerConfig c;
        if ((st = layer_read(r, json_object_array_get_idx(layers, i), &c)))
            return st;
        if ((st = nn_model_add(r->ctx, m, &c)))
            return st == NN_ENOMEM ? st
                 : nn_error(r->ctx, NN_EFORMAT, "%s: config.json: %s", r->path, nn_errmsg(r->ctx));
    }
    bool built = false;
    if ((st = jbool(r, root, "built", &built)))
        return st;
    if (built) {
        if (nd == 0)
            return bad(r, "config.json: a built model without an input shape", NULL);
        if ((st = nn_model_build(r->ctx, m, nd, shape)))
            return st == NN_ENOMEM ? st
                 : nn_error(r->ctx, NN_EFORMAT, "%s: config.json: %s", r->path, nn_errmsg(r->ctx));
        if ((st = read_weights(r, root, m)))
            return st;
    }
    if (jhas(root, "compile", &comp))
        return read_compile(r, comp, m);
    return NN_OK;
}

NnModel *nn_model_load(NnCtx *ctx, const char *path)
{
    Reader r = { ctx, path, NULL };
    json_object *root = NULL;
    NnModel *m = NULL;
    NnStatus st = reader_open(&r);
    if (!st)
        st = read_json(&r, &root);
    if (!st && !(m = nn_model_new(ctx)))
        st = NN_ENOMEM;
    if (!st)
        st = read_model(&r, root, m);
    json_object_put(root);
    if (r.za)
        zip_discard(r.za);
    if (st) {
        nn_model_free(m);
        return NULL;
    }
    return m;
}

NnStatus nn_model_load_weights(NnCtx *ctx, NnModel *m, const char *path)
{
    Reader r = { ctx, path, NULL };
    json_object *root = NULL, *cfg;
    NnStatus st = reader_open(&r);
    if (!st)
        st = read_json(&r, &root);
    if (!st && !m->built) {
        int nd = 0;
        int64_t shape[NN_MAXDIM];
        if (jhas(root, "config", &cfg))
            st = jshape_read(&r, cfg, "input_shape", NN_MAXDIM - 1, &nd, shape, false);
        if (!st && nd == 0)
            st = bad(&r, "the model is not built and the file has no input shape", NULL);
        if (!st)
            st = nn_model_build(ctx, m, nd, shape);
    }
    if (!st)
        st = read_weights(&r, root, m);
    json_object_put(root);
    if (r.za)
        zip_discard(r.za);
    return st;
}
