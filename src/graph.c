/* graph.c - graph(t): the computation that produced a tensor, printed as an
 * indented tree (op, shape, dtype per node; a node reached twice is shown
 * once and then referred to by its number) or written as Graphviz DOT.
 *
 * Owned by the autodiff part.  Eager tensors keep their producing operation
 * while the GradientTape that recorded them lives (NnTensor.node, see
 * lib/nn_grad.h); symbolic TF1 tensors keep theirs always (mod_tf1.c).  A
 * tensor without a recorded operation is a leaf, named after the global
 * variable that holds it when there is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "autodiff.h"

typedef struct GNode {
    const void *key;
    char *op, *info;
    int *kids;
    int nkids, capkids;
    int shown;              /* number given when first printed, 0 before */
} GNode;

struct GraphB {
    GNode *nodes;
    int n, cap;
    int next_no;
    Value globals;          /* borrowed: names for leaves */
};

int graph_node(Interp *I, GraphB *g, const void *key, bool *is_new)
{
    for (int i = 0; i < g->n; i++)
        if (g->nodes[i].key == key) {
            *is_new = false;
            return i;
        }
    if (g->n == g->cap) {
        int cap = g->cap ? g->cap * 2 : 16;
        GNode *nn = realloc(g->nodes, (size_t)cap * sizeof *nn);
        if (!nn) {
            interp_error(I, ERR_MEMORY, "out of memory");
            return -1;
        }
        g->nodes = nn;
        g->cap = cap;
    }
    memset(&g->nodes[g->n], 0, sizeof(GNode));
    g->nodes[g->n].key = key;
    *is_new = true;
    return g->n++;
}

bool graph_set(Interp *I, GraphB *g, int node, const char *op, const char *info)
{
    GNode *n = &g->nodes[node];
    free(n->op);
    free(n->info);
    n->op = strdup(op);
    n->info = strdup(info);
    return n->op && n->info ? true : interp_error(I, ERR_MEMORY, "out of memory");
}

bool graph_edge(Interp *I, GraphB *g, int parent, int child)
{
    GNode *n = &g->nodes[parent];
    if (n->nkids == n->capkids) {
        int cap = n->capkids ? n->capkids * 2 : 4;
        int *k = realloc(n->kids, (size_t)cap * sizeof *k);
        if (!k)
            return interp_error(I, ERR_MEMORY, "out of memory");
        n->kids = k;
        n->capkids = cap;
    }
    n->kids[n->nkids++] = child;
    return true;
}

static void graph_free(GraphB *g)
{
    for (int i = 0; i < g->n; i++) {
        free(g->nodes[i].op);
        free(g->nodes[i].info);
        free(g->nodes[i].kids);
    }
    free(g->nodes);
}

void graph_info(StrBuf *sb, int ndim, const int64_t *shape, int dtype)
{
    sb_puts(sb, "shape=");
    if (ndim < 0)
        sb_puts(sb, "<unknown>");
    else {
        sb_putc(sb, '(');
        for (int i = 0; i < ndim; i++) {
            if (i)
                sb_puts(sb, ", ");
            if (shape[i] < 0)
                sb_puts(sb, "None");
            else
                sb_printf(sb, "%lld", (long long)shape[i]);
        }
        sb_puts(sb, ndim == 1 ? ",)" : ")");
    }
    sb_printf(sb, "  dtype=%s", dtype < 0 ? "unknown" : nn_dtype_name((NnDType)dtype));
}

/* The name of the global variable holding t, or NULL. */
static const char *global_name(GraphB *g, const NnTensor *t)
{
    if (g->globals.kind != VAL_OBJ)
        return NULL;
    ObjDict *d = as_dict(g->globals);
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key.kind != VAL_UNSET && val_is_obj(e->key, OBJ_STR) &&
            str_cstr(e->key)[0] != '_' && tensor_value_get(e->value) == t)
            return str_cstr(e->key);
    }
    return NULL;
}

static bool describe_tensor(Interp *I, GraphB *g, int id, NnTensor *t)
{
    StrBuf op, info;
    sb_init(&op);
    sb_init(&info);
    const char *name = global_name(g, t);
    if (t->node) {
        const NnNode *nd = t->node;
        sb_puts(&op, nd->op == NN_G_NONDIFF || nd->op == NN_G_CUSTOM ? nd->attrs.name
                                                                     : nn_grad_op_name(nd->op));
        if (name)
            sb_printf(&op, " (%s)", name);
    } else {
        sb_printf(&op, "%s%s%s", name ? name : "", name ? ": " : "",
                  t->requires_grad ? "variable" : "tensor");
    }
    graph_info(&info, t->ndim, t->shape, t->dtype);
    bool ok = !op.oom && !info.oom && graph_set(I, g, id, op.data ? op.data : "", info.data);
    sb_free(&op);
    sb_free(&info);
    return ok || interp_error(I, ERR_MEMORY, "out of memory");
}

int graph_tensor(Interp *I, GraphB *g, NnTensor *t)
{
    bool is_new;
    int id = graph_node(I, g, t, &is_new);
    if (id < 0 || !is_new)
        return id;
    if (!describe_tensor(I, g, id, t))
        return -1;
    const NnNode *nd = t->node;
    for (int i = 0; nd && i < nd->ninputs; i++) {
        int k = graph_tensor(I, g, nd->inputs[i]);
        if (k < 0 || !graph_edge(I, g, id, k))
            return -1;
    }
    return id;
}

/* ---- the tree ---- */

static void print_tree(GraphB *g, int id, StrBuf *prefix, bool last, bool root, StrBuf *sb)
{
    GNode *n = &g->nodes[id];
    sb_append(sb, prefix->data ? prefix->data : "", prefix->len);
    if (!root)
        sb_puts(sb, last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ");
    if (n->shown) {
        sb_printf(sb, "[%d] %s (shown above)\n", n->shown, n->op);
        return;
    }
    n->shown = ++g->next_no;
    sb_printf(sb, "[%d] %s  %s\n", n->shown, n->op, n->info);
    size_t keep = prefix->len;
    if (!root)
        sb_puts(prefix, last ? "    " : "\u2502   ");
    for (int i = 0; i < n->nkids; i++)
        print_tree(g, n->kids[i], prefix, i == n->nkids - 1, false, sb);
    prefix->len = keep;
    if (prefix->data)
        prefix->data[keep] = '\0';
}

/* ---- DOT ---- */

static void dot_escape(StrBuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *s);
    }
}

static void write_dot(GraphB *g, StrBuf *sb)
{
    sb_puts(sb, "digraph nnsh {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
    for (int i = 0; i < g->n; i++) {
        sb_printf(sb, "  n%d [label=\"", i);
        dot_escape(sb, g->nodes[i].op);
        sb_puts(sb, "\\n");
        dot_escape(sb, g->nodes[i].info);
        sb_puts(sb, g->nodes[i].nkids ? "\"];\n" : "\", style=rounded];\n");
    }
    for (int i = 0; i < g->n; i++)
        for (int k = 0; k < g->nodes[i].nkids; k++)
            sb_printf(sb, "  n%d -> n%d;\n", g->nodes[i].kids[k], i);
    sb_puts(sb, "}\n");
}

static bool write_file(Interp *I, const char *path, const StrBuf *sb)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return interp_error(I, ERR_IO, "cannot write '%s'", path);
    size_t n = fwrite(sb->data ? sb->data : "", 1, sb->len, f);
    if (fclose(f) != 0 || n != sb->len)
        return interp_error(I, ERR_IO, "cannot write '%s'", path);
    return true;
}

static int graph_root(Interp *I, GraphB *g, Value v)
{
    if (tf1_is_symbolic(v))
        return tf1_graph_add(I, g, v);
    NnTensor *t = tensor_value_get(v);
    if (!t) {
        interp_error(I, ERR_TYPE, "graph() takes a tensor, not %s", value_type_name(v));
        return -1;
    }
    return graph_tensor(I, g, t);
}

bool graph_builtin(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[2];
    const char *file = NULL;
    GraphB g = {0};
    StrBuf sb, prefix;
    (void)self;
    if (!args_parse(I, "graph", a, "t, file=", v) ||
        (v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE && !arg_str(I, "graph", "file", v[1], &file)))
        return false;
    g.globals = interp_globals(I);
    int root = graph_root(I, &g, v[0]);
    bool ok = root >= 0;
    sb_init(&sb);
    sb_init(&prefix);
    if (ok && file)
        write_dot(&g, &sb);
    else if (ok)
        print_tree(&g, root, &prefix, true, true, &sb);
    if (ok && (sb.oom || prefix.oom))
        ok = interp_error(I, ERR_MEMORY, "out of memory");
    if (ok && file)
        ok = write_file(I, file, &sb);
    else if (ok)
        interp_write(I, sb.data, sb.len);
    if (ok && !file && g.n == 1 && !tf1_is_symbolic(v[0]))
        interp_warn(I, "no recorded operations: tensors keep them when computed inside "
                    "`with tf.GradientTape():` (while the tape lives) or from a placeholder");
    sb_free(&sb);
    sb_free(&prefix);
    graph_free(&g);
    if (ok)
        *out = val_none();
    return ok;
}
