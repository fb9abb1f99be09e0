/* grad_struct.h - included by test_grad.c: structure cases of the
 * tape (a tensor used twice, shared weights, broadcasting, chained views,
 * zero-size tensors, a small MLP end to end) and its rules (persistent
 * tapes, unconnected sources, non-differentiable ops, custom VJPs).
 * Expected values are hand-derived or central differences.
 */

static NnTensor *vec(NnCtx *ctx, int ndim, const int64_t *shape, const double *v)
{
    return mk(ctx, NN_F64, ndim, shape, v);
}

static void test_square_by_mul(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[1] = {3};
    NnTensor *x = vec(ctx, 1, s, (double[]){1, -2, 3}), *g = NULL;
    NnTape *tp = nn_tape_new(ctx, false, false);
    nn_tape_watch(tp, x);
    NnTensor *in[2] = {x, x};
    NnTensor *y = rec(ctx, tp, NN_G_MUL, in, 2, NULL, nn_binary(ctx, NN_MUL, x, x, NN_F64));
    assert_int_equal(nn_tape_gradient(ctx, tp, y, NULL, &x, 1, &g), NN_OK);
    check_close(g, (double[]){2, -4, 6}, 3, 0, 0);      /* d(x*x)/dx = 2x */
    /* a second call on a non-persistent tape is an error */
    NnTensor *g2 = NULL;
    assert_int_equal(nn_tape_gradient(ctx, tp, y, NULL, &x, 1, &g2), NN_EARG);
    assert_non_null(strstr(nn_errmsg(ctx), "non-persistent GradientTape"));
    nn_clear_error(ctx);
    nn_tensor_unref(g);
    nn_tensor_unref(y);
    nn_tensor_unref(x);
    nn_tape_free(tp);
}

/* One weight matrix used by two products: its gradient is the sum of both. */
static void test_shared_weights(void **state)
{
    NnCtx *ctx = CTX;
    int64_t sx[2] = {1, 2}, sw[2] = {2, 2};
    NnTensor *a = vec(ctx, 2, sx, (double[]){1, 2}), *b = vec(ctx, 2, sx, (double[]){3, -1});
    NnTensor *w = vec(ctx, 2, sw, (double[]){0.5, -1, 2, 0.25}), *g = NULL;
    NnTape *tp = nn_tape_new(ctx, true, false);
    nn_tape_watch(tp, w);
    NnTensor *i1[2] = {a, w}, *i2[2] = {b, w};
    NnTensor *p = rec(ctx, tp, NN_G_MATMUL, i1, 2, NULL, nn_matmul(ctx, a, w));
    NnTensor *q = rec(ctx, tp, NN_G_MATMUL, i2, 2, NULL, nn_matmul(ctx, b, w));
    NnTensor *i3[2] = {p, q};
    NnTensor *s = rec(ctx, tp, NN_G_ADD, i3, 2, NULL, nn_binary(ctx, NN_ADD, p, q, NN_F64));
    NnGradAttrs all = {0};
    NnTensor *l = rec(ctx, tp, NN_G_SUM, &s, 1, &all, nn_reduce(ctx, NN_SUM, s, NULL, 0, false, NN_F64, 0));
    assert_int_equal(nn_tape_gradient(ctx, tp, l, NULL, &w, 1, &g), NN_OK);
    /* d/dW sum((a + b) W) = (a + b)^T 1 = [[4, 4], [1, 1]] */
    check_close(g, (double[]){4, 4, 1, 1}, 4, 1e-12, 0);
    nn_tensor_unref(g);
    /* persistent: a second gradient works and gives the same */
    assert_int_equal(nn_tape_gradient(ctx, tp, l, NULL, &w, 1, &g), NN_OK);
    check_close(g, (double[]){4, 4, 1, 1}, 4, 1e-12, 0);
    NnTensor *all_[] = {g, l, s, q, p, w, b, a};
    for (size_t i = 0; i < sizeof all_ / sizeof all_[0]; i++)
        nn_tensor_unref(all_[i]);
    nn_tape_free(tp);
}

/* A bias (3,) added to a batch (2, 3): its gradient sums over the batch;
 * a (2, 1) column added to it sums over the columns. */
static void test_broadcast_backward(void **state)
{
    NnCtx *ctx = CTX;
    int64_t sx[2] = {2, 3}, sb[1] = {3}, sc[2] = {2, 1};
    NnTensor *x = vec(ctx, 2, sx, (double[]){1, 2, 3, 4, 5, 6});
    NnTensor *b = vec(ctx, 1, sb, (double[]){1, 1, 1}), *c = vec(ctx, 2, sc, (double[]){2, 3});
    NnTape *tp = nn_tape_new(ctx, false, false);
    nn_tape_watch(tp, b);
    nn_tape_watch(tp, c);
    NnTensor *i1[2] = {x, b};
    NnTensor *y = rec(ctx, tp, NN_G_ADD, i1, 2, NULL, nn_binary(ctx, NN_ADD, x, b, NN_F64));
    NnTensor *i2[2] = {y, c};
    NnTensor *z = rec(ctx, tp, NN_G_MUL, i2, 2, NULL, nn_binary(ctx, NN_MUL, y, c, NN_F64));
    NnTensor *src[2] = {b, c}, *g[2];
    assert_int_equal(nn_tape_gradient(ctx, tp, z, NULL, src, 2, g), NN_OK);
    check_shape(g[0], 1, sb);
    check_close(g[0], (double[]){5, 5, 5}, 3, 1e-12, 0);   /* column sums of c */
    check_shape(g[1], 2, sc);
    check_close(g[1], (double[]){9, 18}, 2, 1e-12, 0);     /* row sums of x + b */
    NnTensor *all_[] = {g[0], g[1], z, y, c, b, x};
    for (size_t i = 0; i < sizeof all_ / sizeof all_[0]; i++)
        nn_tensor_unref(all_[i]);
    nn_tape_free(tp);
}

/* reshape -> transpose -> slice -> select, then a weighted sum. */
static void test_chained_views(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s6[1] = {6}, s23[2] = {2, 3};
    NnTensor *x = vec(ctx, 1, s6, (double[]){1, 2, 3, 4, 5, 6}), *g = NULL;
    NnTape *tp = nn_tape_new(ctx, false, false);
    nn_tape_watch(tp, x);
    NnTensor *r = rec(ctx, tp, NN_G_RESHAPE, &x, 1, NULL, nn_tensor_reshape(ctx, x, 2, s23));
    NnGradAttrs tr = {.axes = {1, 0}, .naxes = 2};
    NnTensor *t = rec(ctx, tp, NN_G_TRANSPOSE, &r, 1, &tr, nn_tensor_transpose(ctx, r, tr.axes));
    NnGradAttrs sl = {.axes = {0}, .start = 1, .stop = 3, .step = 1};
    NnTensor *s = rec(ctx, tp, NN_G_SLICE, &t, 1, &sl, nn_tensor_slice(ctx, t, 0, 1, 3, 1));
    NnGradAttrs se = {.axes = {1}, .start = 1};
    NnTensor *e = rec(ctx, tp, NN_G_SELECT, &s, 1, &se, nn_tensor_select(ctx, s, 1, 1));
    /* x.reshape(2,3).T[1:3, 1] = [x[4], x[5]] */
    int64_t s2[1] = {2};
    NnTensor *w = vec(ctx, 1, s2, (double[]){10, 100});
    assert_int_equal(nn_tape_gradient(ctx, tp, e, w, &x, 1, &g), NN_OK);
    check_close(g, (double[]){0, 0, 0, 0, 10, 100}, 6, 0, 0);
    NnTensor *all_[] = {g, w, e, s, t, r, x};
    for (size_t i = 0; i < sizeof all_ / sizeof all_[0]; i++)
        nn_tensor_unref(all_[i]);
    nn_tape_free(tp);
}

static void test_zero_size(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[2] = {0, 3};
    NnTensor *x = nn_tensor_new(ctx, NN_F32, 2, s), *g = NULL;
    NnTape *tp = nn_tape_new(ctx, false, false);
    nn_tape_watch(tp, x);
    NnTensor *i2[2] = {x, x};
    NnTensor *y = rec(ctx, tp, NN_G_MUL, i2, 2, NULL, nn_binary(ctx, NN_MUL, x, x, NN_F32));
    NnGradAttrs all = {0};
    NnTensor *l = rec(ctx, tp, NN_G_SUM, &y, 1, &all, nn_reduce(ctx, NN_SUM, y, NULL, 0, false, NN_F32, 0));
    assert_int_equal(nn_tape_gradient(ctx, tp, l, NULL, &x, 1, &g), NN_OK);
    check_shape(g, 2, s);
    assert_int_equal(g->dtype, NN_F32);
    NnTensor *all_[] = {g, l, y, x};
    for (size_t i = 0; i < sizeof all_ / sizeof all_[0]; i++)
        nn_tensor_unref(all_[i]);
    nn_tape_free(tp);
}

/* ---- a two-layer MLP with softmax cross-entropy, against central differences ---- */

typedef struct Mlp { NnTensor *x, *onehot, *p[4]; } Mlp;   /* W1 (3,5) b1 (5) W2 (5,2) b2 (2) */

static NnTensor *mlp_loss(NnCtx *ctx, Mlp *m, NnTape *tp)
{
    NnTensor *in[2];
    in[0] = m->x; in[1] = m->p[0];
    NnTensor *h0 = rec(ctx, tp, NN_G_MATMUL, in, 2, NULL, nn_matmul(ctx, m->x, m->p[0]));
    in[0] = h0; in[1] = m->p[1];
    NnTensor *h1 = rec(ctx, tp, NN_G_ADD, in, 2, NULL, nn_binary(ctx, NN_ADD, h0, m->p[1], NN_F64));
    NnTensor *h = rec(ctx, tp, NN_G_TANH, &h1, 1, NULL, nn_unary(ctx, NN_TANH, h1));
    in[0] = h; in[1] = m->p[2];
    NnTensor *z0 = rec(ctx, tp, NN_G_MATMUL, in, 2, NULL, nn_matmul(ctx, h, m->p[2]));
    in[0] = z0; in[1] = m->p[3];
    NnTensor *z = rec(ctx, tp, NN_G_ADD, in, 2, NULL, nn_binary(ctx, NN_ADD, z0, m->p[3], NN_F64));
    NnGradAttrs ax = {.axes = {1}};
    NnTensor *ls = rec(ctx, tp, NN_G_LOG_SOFTMAX, &z, 1, &ax, nn_log_softmax(ctx, z, 1));
    in[0] = ls; in[1] = m->onehot;
    NnTensor *pr = rec(ctx, tp, NN_G_MUL, in, 2, NULL, nn_binary(ctx, NN_MUL, ls, m->onehot, NN_F64));
    NnGradAttrs all = {0};
    NnTensor *l = rec(ctx, tp, NN_G_MEAN, &pr, 1, &all, nn_reduce(ctx, NN_MEAN, pr, NULL, 0, false, NN_F64, 0));
    NnTensor *tmp[] = {h0, h1, h, z0, z, ls, pr};
    for (size_t i = 0; i < sizeof tmp / sizeof tmp[0]; i++)
        nn_tensor_unref(tmp[i]);
    return l;
}

static void test_mlp_end_to_end(void **state)
{
    NnCtx *ctx = CTX;
    uint64_t seed = 42;
    int64_t sx[2] = {4, 3}, so[2] = {4, 2}, sp[4][2] = {{3, 5}, {5, 0}, {5, 2}, {2, 0}};
    int np[4] = {2, 1, 2, 1};
    Mlp m;
    m.x = nn_tensor_new(ctx, NN_F64, 2, sx);
    m.onehot = vec(ctx, 2, so, (double[]){1, 0, 0, 1, 0, 1, 1, 0});
    for (int64_t i = 0; i < 12; i++)
        nn_tensor_set_f64(m.x, i, lcg_next(&seed));
    for (int k = 0; k < 4; k++) {
        m.p[k] = nn_tensor_new(ctx, NN_F64, np[k], sp[k]);
        for (int64_t i = 0; i < nn_tensor_numel(m.p[k]); i++)
            nn_tensor_set_f64(m.p[k], i, lcg_next(&seed));
    }
    NnTape *tp = nn_tape_new(ctx, false, false);
    for (int k = 0; k < 4; k++)
        nn_tape_watch(tp, m.p[k]);
    NnTensor *l = mlp_loss(ctx, &m, tp), *g[4];
    assert_int_equal(nn_tape_gradient(ctx, tp, l, NULL, m.p, 4, g), NN_OK);
    for (int k = 0; k < 4; k++) {
        double num[16];
        for (int64_t i = 0; i < nn_tensor_numel(m.p[k]); i++) {
            double v = nn_tensor_get_f64(m.p[k], i);
            nn_tensor_set_f64(m.p[k], i, v + 1e-6);
            NnTensor *lp = mlp_loss(ctx, &m, NULL);
            nn_tensor_set_f64(m.p[k], i, v - 1e-6);
            NnTensor *lm = mlp_loss(ctx, &m, NULL);
            nn_tensor_set_f64(m.p[k], i, v);
            num[i] = (nn_tensor_get_f64(lp, 0) - nn_tensor_get_f64(lm, 0)) / 2e-6;
            nn_tensor_unref(lp);
            nn_tensor_unref(lm);
        }
        check_close(g[k], num, nn_tensor_numel(m.p[k]), 1e-5, 1e-3);
        nn_tensor_unref(g[k]);
    }
    nn_tensor_unref(l);
    nn_tape_free(tp);
    for (int k = 0; k < 4; k++)
        nn_tensor_unref(m.p[k]);
    nn_tensor_unref(m.x);
    nn_tensor_unref(m.onehot);
}

/* ---- rules ---- */

static void test_unconnected_and_nondiff(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[1] = {3};
    NnTensor *x = vec(ctx, 1, s, (double[]){1, 5, 2}), *u = vec(ctx, 1, s, (double[]){0, 0, 0});
    NnTape *tp = nn_tape_new(ctx, true, false);
    nn_tape_watch(tp, x);
    nn_tape_watch(tp, u);
    NnTensor *am = nn_reduce(ctx, NN_ARGMAX, x, NULL, 0, false, NN_I64, 0);
    NnGradAttrs nd = {.name = "argmax"};
    rec(ctx, tp, NN_G_NONDIFF, &x, 1, &nd, am);
    NnTensor *amf = rec(ctx, tp, NN_G_CAST, &am, 1, NULL, nn_tensor_cast(ctx, am, NN_F64));
    NnTensor *src[2] = {x, u}, *g[2] = {x, x};
    assert_int_equal(nn_tape_gradient(ctx, tp, amf, NULL, src, 2, g), NN_OK);
    assert_null(g[0]);                  /* blocked by argmax */
    assert_null(g[1]);                  /* never used */
    assert_string_equal(nn_tape_blocked(tp), "argmax");
    /* the gradient of a watched tensor with respect to itself is ones */
    assert_int_equal(nn_tape_gradient(ctx, tp, x, NULL, &x, 1, g), NN_OK);
    check_close(g[0], (double[]){1, 1, 1}, 3, 0, 0);
    nn_tensor_unref(g[0]);
    nn_tensor_unref(amf);
    nn_tensor_unref(am);
    nn_tensor_unref(u);
    nn_tensor_unref(x);
    nn_tape_free(tp);
}

/* Variables (requires_grad) are tracked on first read when the tape
 * watches accessed variables; ops on constants only are not recorded. */
static void test_watch_variables(void **state)
{
    NnCtx *ctx = CTX;
    NnTensor *v = nn_tensor_scalar(ctx, NN_F32, 3), *c = nn_tensor_scalar(ctx, NN_F32, 2), *g;
    v->requires_grad = true;
    NnTape *tp = nn_tape_new(ctx, false, true);
    NnTensor *cc[2] = {c, c};
    NnTensor *k = rec(ctx, tp, NN_G_MUL, cc, 2, NULL, nn_binary(ctx, NN_MUL, c, c, NN_F32));
    assert_int_equal(nn_tape_count(tp), 0);
    NnTensor *vv[2] = {v, v};
    NnTensor *y = rec(ctx, tp, NN_G_MUL, vv, 2, NULL, nn_binary(ctx, NN_MUL, v, v, NN_F32));
    assert_int_equal(nn_tape_count(tp), 1);
    assert_ptr_equal(y->node, nn_tape_node(tp, 0));
    assert_int_equal(nn_tape_gradient(ctx, tp, y, NULL, &v, 1, &g), NN_OK);
    assert_int_equal(g->dtype, NN_F32);
    check_close(g, (double[]){6}, 1, 0, 0);
    nn_tape_free(tp);
    assert_null(y->node);               /* the tape is gone: no dangling node */
    nn_tensor_unref(g);
    nn_tensor_unref(y);
    nn_tensor_unref(k);
    nn_tensor_unref(c);
    nn_tensor_unref(v);
}

/* A custom node: y = 3 x with its own VJP, as a model's forward would be. */
static NnStatus triple_vjp(NnCtx *ctx, void *ud, const NnTensor *gout, NnTensor *const *in,
                           int n, const NnTensor *out, NnTensor **gin)
{
    (void)in; (void)n; (void)out;
    NnTensor *three = nn_tensor_scalar(ctx, NN_F64, *(double *)ud);
    gin[0] = nn_binary(ctx, NN_MUL, gout, three, gout->dtype);
    nn_tensor_unref(three);
    return gin[0] ? NN_OK : nn_status(ctx);
}

static void test_custom_node(void **state)
{
    NnCtx *ctx = CTX;
    int64_t s[1] = {2};
    static double three = 3;
    NnTensor *x = vec(ctx, 1, s, (double[]){1, 2}), *g;
    NnTensor *y = vec(ctx, 1, s, (double[]){3, 6});
    NnTape *tp = nn_tape_new(ctx, false, false);
    nn_tape_watch(tp, x);
    assert_int_equal(nn_tape_record_custom(ctx, tp, "model", &x, 1, y, triple_vjp, &three, NULL),
                     NN_OK);
    assert_int_equal(nn_tape_gradient(ctx, tp, y, NULL, &x, 1, &g), NN_OK);
    check_close(g, (double[]){3, 3}, 2, 0, 0);
    nn_tensor_unref(g);
    nn_tensor_unref(y);
    nn_tensor_unref(x);
    nn_tape_free(tp);
}

/* Every allocation failure on the record/gradient path is NN_ENOMEM with no leak. */
static void test_alloc_failures(void **state)
{
    Fx *f = *state;
    NnCtx *ctx = CTX;
    int64_t s[1] = {3};
    for (long n = 1;; n++) {
        NnTensor *x = vec(ctx, 1, s, (double[]){1, 2, 3}), *g = NULL, *y = NULL;
        f->ta.count = 0;
        f->ta.fail_at = n;
        NnStatus st = NN_ENOMEM;
        NnTape *tp = nn_tape_new(ctx, false, false);
        if (tp && nn_tape_watch(tp, x) == NN_OK) {
            NnTensor *in[2] = {x, x};
            y = nn_binary(ctx, NN_MUL, x, x, NN_F64);
            if (y && nn_tape_record(ctx, tp, NN_G_MUL, in, 2, NULL, y) == NN_OK)
                st = nn_tape_gradient(ctx, tp, y, NULL, &x, 1, &g);
        }
        f->ta.fail_at = 0;
        nn_tensor_unref(g);
        nn_tensor_unref(y);
        nn_tape_free(tp);
        nn_tensor_unref(x);
        nn_clear_error(ctx);
        assert_int_equal(nn_ctx_mem_used(ctx), 0);
        if (st == NN_OK)
            break;
        assert_int_equal(st, NN_ENOMEM);
        assert_true(n < 200);
    }
}

#define STRUCT_TESTS \
    T(test_square_by_mul), T(test_shared_weights), T(test_broadcast_backward), \
    T(test_chained_views), T(test_zero_size), T(test_mlp_end_to_end), \
    T(test_unconnected_and_nondiff), T(test_watch_variables), T(test_custom_node), \
    T(test_alloc_failures)
