/* eval_genexpr.c - generator expressions run lazily, as in Python 3:
 * evaluating `(elt for x in it if c for y in inner)` evaluates `it` and
 * calls iter() on it at once (so `(x for x in 5)` raises TypeError there),
 * then returns a generator object (eval_gen.c); each next() resumes the
 * nested loops where they stopped, evaluating the conditions, the inner
 * iterables and the element only as values are asked for.
 *
 * A generator expression cannot yield, so it needs no coroutine: its state
 * is one iterator per `for` clause plus the innermost active clause, and a
 * step runs on the consumer's C stack with the expression's own frame
 * (locals for the loop variables, cells captured from the enclosing scope
 * at creation, as a lambda's) installed as the current frame.  Names of
 * the enclosing function are read through those cells at each step (late
 * binding), module names through the globals; in a class body the class
 * namespace is invisible but for the outermost iterable, as in Python.
 *
 * Ownership: a Genexpr holds one reference to its chunk (its nodes live in
 * the chunk's arena), its Code, its heap Frame and its active iterators;
 * the generator object owns the Genexpr.  When the expression is exhausted
 * or raises, the iterators and the frame are released at once.
 * Part of the language core (see object.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"

struct Genexpr {
    const Node *n;            /* NODE_GENEXP */
    Chunk *chunk;             /* retained: keeps n alive */
    Code *code;               /* the expression's scope */
    Frame *frame;             /* heap; NULL once finished */
    Value *its;               /* one iterator per `for` clause; unset when inactive */
    int level;                /* innermost active clause */
};

static int ngens(const Genexpr *gx) { return gx->n->u.comp.gens.n; }

/* Drops the iterators and the frame: nothing more will be produced.  The
 * frame's locals go as frame_leave releases a call's. */
static void genexpr_finish(Interp *I, Genexpr *gx)
{
    if (gx->its) {
        for (int i = 0; i < ngens(gx); i++) {
            Value it = gx->its[i];
            gx->its[i] = (Value){VAL_UNSET, {0}};
            value_decref(it);
        }
    }
    if (gx->frame) {
        Frame *saved = I->frame;
        gx->frame->back = saved;
        I->frame = gx->frame;
        frame_leave(I, gx->frame);
        I->frame = saved;
        free(gx->frame);
        gx->frame = NULL;
    }
}

void genexpr_free(Interp *I, Genexpr *gx)
{
    if (!gx)
        return;
    genexpr_finish(I, gx);
    free(gx->its);
    if (gx->code)
        code_unref(gx->code);
    chunk_unref(gx->chunk);
    free(gx);
}

/* The conditions of clause g for the values just bound; *keep: all true. */
static bool clause_ifs(Interp *I, const Node *gen, bool *keep)
{
    *keep = true;
    for (int i = 0; *keep && i < gen->u.compfor.ifs.n; i++) {
        Value t;
        if (!eval_expr(I, gen->u.compfor.ifs.items[i], &t))
            return false;
        bool ok = value_truth(I, t, keep);
        value_decref(t);
        if (!ok)
            return false;
    }
    return true;
}

/* Starts clause g (g >= 1): its iterable, evaluated now, and its iterator. */
static bool clause_start(Interp *I, Genexpr *gx, int g)
{
    Value v;
    if (!eval_expr(I, gx->n->u.comp.gens.items[g]->u.compfor.iter, &v))
        return false;
    bool ok = value_iter(I, v, &gx->its[g]);
    value_decref(v);
    return ok;
}

/* Runs the loops, with the expression's frame current, to the next value. */
static bool genexpr_run(Interp *I, Genexpr *gx, Value *out, bool *done)
{
    const NodeList *gens = &gx->n->u.comp.gens;
    for (;;) {
        const Node *gen = gens->items[gx->level];
        Value x;
        bool end, keep;
        if (!interp_check_interrupt(I) || !value_next(I, gx->its[gx->level], &x, &end))
            return false;
        if (end) {
            Value it = gx->its[gx->level];
            gx->its[gx->level] = (Value){VAL_UNSET, {0}};
            value_decref(it);
            if (gx->level == 0) {
                *done = true;
                return true;
            }
            gx->level--;
            continue;
        }
        bool ok = assign_target(I, gen->u.compfor.target, x);
        value_decref(x);
        if (!ok || !clause_ifs(I, gen, &keep))
            return false;
        if (!keep)
            continue;
        if (gx->level + 1 < gens->n) {
            if (!clause_start(I, gx, gx->level + 1))
                return false;
            gx->level++;
            continue;
        }
        return eval_expr(I, gx->n->u.comp.elt, out);
    }
}

/* One next(): the next value (*out, new) or *done.  On an error or at the
 * end the expression is finished, so later next() calls end at once. */
bool genexpr_step(Interp *I, Genexpr *gx, Value *out, bool *done)
{
    *done = false;
    if (!gx->frame) {
        *done = true;
        return true;
    }
    if (I->depth >= MAX_DEPTH)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded");
    Frame *saved_frame = I->frame;
    Chunk *saved_chunk = I->cur_chunk;
    const Node *saved_node = I->cur_node, *saved_stmt = I->stmt;
    gx->frame->back = saved_frame;
    I->frame = gx->frame;
    I->cur_chunk = gx->chunk;
    I->depth++;
    bool ok = genexpr_run(I, gx, out, done);
    I->depth--;
    I->frame = saved_frame;
    I->cur_chunk = saved_chunk;
    I->cur_node = saved_node;
    I->stmt = saved_stmt;
    if (!ok || *done)
        genexpr_finish(I, gx);
    return ok;
}

/* "<genexpr>" at module level, "f.<locals>.<genexpr>" in a function,
 * (malloc'd; NULL on OOM). */
static char *genexpr_qualname(Interp *I)
{
    char q[200] = "";
    const Frame *f = I->frame;
    if (f && f->func) {
        char fq[160];
        func_qualname(f->func, fq, sizeof fq);
        snprintf(q, sizeof q, "%s.<locals>.", fq);
    }
    size_t len = strlen(q);
    snprintf(q + len, sizeof q - len, "<genexpr>");
    return strdup(q);
}

/* The expression's state around the outermost iterator `it` (taken). */
static bool genexpr_state(Interp *I, const Node *n, Value it, Genexpr **out)
{
    Genexpr *gx = calloc(1, sizeof *gx);
    Value *its = calloc((size_t)n->u.comp.gens.n, sizeof *its);
    Frame *fr = malloc(sizeof *fr);
    Code *code = NULL;
    if (!gx || !its || !fr) {
        interp_error(I, ERR_MEMORY, "out of memory");
        goto fail;
    }
    if (!(code = code_analyze(I, n, I->frame ? I->frame->code : NULL)) ||
        !frame_enter(I, fr, code, NULL))
        goto fail;
    I->frame = fr->back;
    for (int i = 0; i < n->u.comp.gens.n; i++)
        its[i] = (Value){VAL_UNSET, {0}};
    its[0] = it;
    gx->n = n;
    gx->chunk = I->cur_chunk;
    chunk_ref(gx->chunk);
    gx->code = code;
    gx->frame = fr;
    gx->its = its;
    *out = gx;
    return true;
fail:
    if (code)
        code_unref(code);
    free(fr);
    free(its);
    free(gx);
    value_decref(it);
    return false;
}

bool genexpr_eval(Interp *I, const Node *n, Value *out)
{
    Value first, it;
    Genexpr *gx;
    if (!eval_expr(I, n->u.comp.gens.items[0]->u.compfor.iter, &first))
        return false;
    bool ok = value_iter(I, first, &it);
    value_decref(first);
    if (!ok || !genexpr_state(I, n, it, &gx))
        return false;
    char *qualname = genexpr_qualname(I);
    if (!qualname) {
        genexpr_free(I, gx);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    return gen_new_genexpr(I, gx, qualname, out);
}
