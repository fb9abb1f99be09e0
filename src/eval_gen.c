/* eval_gen.c - generator functions run lazily, as in Python: calling one
 * binds its arguments and returns a generator object; each next() runs the
 * body up to its next `yield`, so a generator may be endless and its side
 * effects interleave with the consumer's.
 *
 * The tree-walking evaluator keeps its state on the C stack, so a suspended
 * body needs a C stack of its own: each started generator is a coroutine
 * (ucontext) on a stack from a small pool, and control passes strictly back
 * and forth on the one thread.  A switch swaps the evaluator's
 * per-activation state (frame, depth, current node, the exception being
 * handled) between the consumer and the generator.  AddressSanitizer and
 * valgrind are told about the switches and the stacks.  A generator dropped
 * before its end is closed: GeneratorExit is raised at its yield, its
 * finally blocks run and its coroutine ends; interp_free closes the live
 * ones before the globals go.
 * A generator expression (eval_genexpr.c) is a generator object of the same
 * type without a coroutine: it cannot yield, so each step simply runs its
 * loops on the consumer's stack.
 * Part of the language core (see object.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "object.h"

#if defined(__SANITIZE_ADDRESS__)
#define GEN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEN_ASAN 1
#endif
#endif
#ifdef GEN_ASAN
#include <dlfcn.h>
#include <sanitizer/common_interface_defs.h>
/* The switches are annotated (__sanitizer_*_switch_fiber), so glibc's own
 * swapcontext is called, past ASan's interceptor and its warning. */
static int swap_ctx(ucontext_t *from, const ucontext_t *to)
{
    static int (*real)(ucontext_t *, const ucontext_t *);
    if (!real) {
        void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
        if (libc)
            *(void **)&real = dlsym(libc, "swapcontext");
    }
    return real ? real(from, to) : swapcontext(from, to);
}
#else
#define swap_ctx swapcontext
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define GEN_VALGRIND 1
#endif
#endif

/* As deep as the session's own stack allows (MAX_DEPTH calls); reserved,
 * not committed, so only the pages a body touches cost memory. */
#define GEN_STACK ((size_t)256 << 20)

typedef struct Ctx {
    Frame *frame;
    int depth;
    Chunk *chunk;
    const Node *node, *stmt;
    Value handling;
    bool echo_top;
} Ctx;

enum { G_NEW, G_SUSPENDED, G_RUNNING, G_DONE };

typedef struct Gen {
    Interp *I;
    ObjFunc *f;               /* retained */
    Frame *frame;             /* the body's frame (heap), locals bound */
    int state;
    bool closing, failed, has_stack;
    ucontext_t uc, back_uc;   /* the body's context; the resumer's */
    void *stack;
    unsigned vg_id;
    const void *caller_bottom;   /* ASan: the resumer's stack */
    size_t caller_size;
    Value yielded, sent;      /* owned while in transit */
    Ctx gen_ctx, caller_ctx;
    struct Gen *prev, *next;  /* the interpreter's live generators */
    Genexpr *gx;              /* a generator expression's state (owned), or NULL */
    char *gx_qualname;        /* its __qualname__ (malloc'd) */
} Gen;

static void ctx_save(Interp *I, Ctx *c)
{
    c->frame = I->frame;
    c->depth = I->depth;
    c->chunk = I->cur_chunk;
    c->node = I->cur_node;
    c->stmt = I->stmt;
    c->handling = I->handling;
    c->echo_top = I->echo_top;
}

static void ctx_load(Interp *I, const Ctx *c)
{
    I->frame = c->frame;
    I->depth = c->depth;
    I->cur_chunk = c->chunk;
    I->cur_node = c->node;
    I->stmt = c->stmt;
    I->handling = c->handling;
    I->echo_top = c->echo_top;
}

/* ---- stacks: a few finished ones are kept for the next generator ---- */

#define POOL_MAX 8
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static void *pool[POOL_MAX];
static int npool;

static void *stack_get(void)
{
    void *s = NULL;
    pthread_mutex_lock(&pool_mu);
    if (npool > 0)
        s = pool[--npool];
    pthread_mutex_unlock(&pool_mu);
    if (s)
        return s;
    s = mmap(NULL, GEN_STACK, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (s == MAP_FAILED)
        return NULL;
    mprotect(s, 4096, PROT_NONE);          /* overflow faults, not corrupts */
    return s;
}

static void stack_put(void *s)
{
    pthread_mutex_lock(&pool_mu);
    if (npool < POOL_MAX) {
        pool[npool++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&pool_mu);
    if (s)
        munmap(s, GEN_STACK);
}

/* ---- switching ---- */

/* Consumer -> generator; returns when the generator yields or ends. */
static void switch_in(Gen *g)
{
#ifdef GEN_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, g->stack, GEN_STACK);
#endif
    swap_ctx(&g->back_uc, &g->uc);
#ifdef GEN_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

/* Generator -> consumer; returns when resumed (never when `last`). */
static void switch_out(Gen *g, bool last)
{
#ifdef GEN_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(last ? NULL : &fake, g->caller_bottom, g->caller_size);
#else
    (void)last;
#endif
    swap_ctx(&g->uc, &g->back_uc);
#ifdef GEN_ASAN
    __sanitizer_finish_switch_fiber(fake, &g->caller_bottom, &g->caller_size);
#endif
}

/* The body's frame ends: its locals go, as frame_leave does for calls. */
static void frame_drop(Interp *I, Gen *g)
{
    Frame *saved = I->frame;
    g->frame->back = saved;
    I->frame = g->frame;
    frame_leave(I, g->frame);
    I->frame = saved;
    free(g->frame);
    g->frame = NULL;
}

static _Thread_local Gen *starting;

/* The coroutine's entry: runs the body, then hands back for good. */
static void gen_entry(void)
{
    Gen *g = starting;
    Interp *I = g->I;
#ifdef GEN_ASAN
    __sanitizer_finish_switch_fiber(NULL, &g->caller_bottom, &g->caller_size);
#endif
    int ex = exec_stmt(I, g->f->node->u.func.body);
    value_decref(I->retval);             /* `return v` ends the generator */
    I->retval = (Value){VAL_UNSET, {0}};
    g->failed = ex == EX_ERROR;
    frame_drop(I, g);
    g->state = G_DONE;
    ctx_load(I, &g->caller_ctx);
    switch_out(g, true);
    abort();                             /* a finished generator is never resumed */
}

static bool start_coroutine(Interp *I, Gen *g)
{
    if (!(g->stack = stack_get()))
        return interp_error(I, ERR_MEMORY, "cannot start the generator (no memory for its stack)");
    g->has_stack = true;
#ifdef GEN_VALGRIND
    g->vg_id = VALGRIND_STACK_REGISTER((char *)g->stack + 4096, (char *)g->stack + GEN_STACK);
#endif
    getcontext(&g->uc);
    g->uc.uc_stack.ss_sp = (char *)g->stack + 4096;
    g->uc.uc_stack.ss_size = GEN_STACK - 4096;
    g->uc.uc_link = NULL;
    makecontext(&g->uc, gen_entry, 0);
    starting = g;
    g->gen_ctx.frame = g->frame;
    g->gen_ctx.chunk = g->f->chunk;
    g->gen_ctx.node = I->cur_node;
    g->gen_ctx.stmt = I->stmt;
    g->gen_ctx.handling = (Value){VAL_UNSET, {0}};
    g->gen_ctx.echo_top = false;
    return true;
}

static void release_stack(Gen *g)
{
    if (!g->has_stack)
        return;
#ifdef GEN_VALGRIND
    VALGRIND_STACK_DEREGISTER(g->vg_id);
#endif
    stack_put(g->stack);
    g->has_stack = false;
}

/* A generator expression's next value: its loops run on this stack. */
static bool genexpr_resume(Interp *I, Gen *g, Value *out, bool *done)
{
    g->state = G_RUNNING;
    bool ok = genexpr_step(I, g->gx, out, done);
    g->state = ok && !*done ? G_SUSPENDED : G_DONE;
    if (!ok && interp_error_kind(I) == ERR_STOP_ITERATION) {
        interp_clear_error(I);
        interp_error(I, ERR_RUNTIME, "generator raised StopIteration");
    }
    return ok;
}

/* Runs the body to its next yield (*out, new) or its end (*done). */
static bool gen_resume(Interp *I, Gen *g, Value sent, Value *out, bool *done)
{
    *done = false;
    if (g->state == G_DONE) {
        *done = true;
        return true;
    }
    if (g->state == G_RUNNING)
        return interp_error(I, ERR_VALUE, "generator already executing");
    if (g->state == G_NEW && sent.kind != VAL_NONE)
        return interp_error(I, ERR_TYPE, "can't send non-None value to a just-started generator");
    if (g->gx)
        return genexpr_resume(I, g, out, done);
    if (I->depth >= MAX_DEPTH)
        return interp_error(I, ERR_RECURSION, "maximum recursion depth exceeded");
    if (g->state == G_NEW && !start_coroutine(I, g))
        return false;
    value_incref(sent);
    g->sent = sent;
    g->frame->back = I->frame;
    g->gen_ctx.depth = I->depth + 1;
    ctx_save(I, &g->caller_ctx);
    ctx_load(I, &g->gen_ctx);
    g->state = G_RUNNING;
    switch_in(g);                        /* back here with the caller's context */
    if (g->state != G_DONE) {
        *out = g->yielded;
        g->yielded = (Value){VAL_UNSET, {0}};
        return true;
    }
    release_stack(g);
    *done = true;
    if (!g->failed)
        return true;
    if (interp_error_kind(I) == ERR_STOP_ITERATION) {
        interp_clear_error(I);
        interp_error(I, ERR_RUNTIME, "generator raised StopIteration");
    }
    return false;
}

bool gen_yield(Interp *I, Value v, Value *sent)
{
    Gen *g = I->frame ? I->frame->gen_state : NULL;
    if (!g)
        return interp_error(I, ERR_SYNTAX, "'yield' outside function");
    if (g->closing)
        return interp_error_named(I, "GeneratorExit", "%s", "");
    value_incref(v);
    g->yielded = v;
    ctx_save(I, &g->gen_ctx);
    ctx_load(I, &g->caller_ctx);
    g->state = G_SUSPENDED;
    switch_out(g, false);                /* resumed with our context loaded */
    *sent = g->sent;
    g->sent = (Value){VAL_UNSET, {0}};
    if (g->closing) {
        value_decref(*sent);
        return interp_error_named(I, "GeneratorExit", "%s", "");
    }
    return true;
}

/* Ends a suspended generator: GeneratorExit at its yield, so its finally
 * blocks run; whatever error was pending stays pending. */
static void gen_close(Gen *g)
{
    Interp *I = g->I;
    if (g->gx) {
        genexpr_free(I, g->gx);
        g->gx = NULL;
        g->state = G_DONE;
        return;
    }
    if (g->state == G_NEW) {
        frame_drop(I, g);
        g->state = G_DONE;
    }
    if (g->state != G_SUSPENDED)
        return;
    ErrState st;
    err_save(I, &st);
    g->closing = true;
    while (g->state == G_SUSPENDED) {
        Value out;
        bool done;
        if (gen_resume(I, g, val_none(), &out, &done) && !done)
            value_decref(out);
    }
    err_restore(I, &st);
}

void gen_close_all(Interp *I)
{
    while (I->live_gens) {
        Gen *g = I->live_gens;
        gen_close(g);
        I->live_gens = g->next;          /* stays alive until its last ref */
        if (g->next)
            g->next->prev = NULL;
        g->prev = g->next = NULL;
        g->I = I;
    }
}

static void gen_finalize(void *data)
{
    Gen *g = data;
    Interp *I = g->I;
    gen_close(g);
    if (g->prev)
        g->prev->next = g->next;
    else if (I->live_gens == g)
        I->live_gens = g->next;
    if (g->next)
        g->next->prev = g->prev;
    if (g->frame)
        frame_drop(I, g);
    if (g->f)
        value_decref(val_obj(&g->f->obj));
    free(g->gx_qualname);
    value_decref(g->yielded);
    value_decref(g->sent);
    release_stack(g);
    free(g);
}

/* ---- the generator object ---- */

static const NativeClass gen_class;

static bool gen_next(Interp *I, Value self, Value *out, bool *done)
{
    return gen_resume(I, native_obj_data(self, &gen_class), val_none(), out, done);
}

static bool gen_repr(Interp *I, Value self, StrBuf *sb)
{
    (void)I;
    Gen *g = native_obj_data(self, &gen_class);
    char q[160];
    if (g->f)
        func_qualname(g->f, q, sizeof q);
    sb_printf(sb, "<generator object %s at %p>", g->f ? q : g->gx_qualname, (void *)self.as.o);
    return true;
}

static bool m_send(Interp *I, Value self, const Args *a, Value *out)
{
    Value v;
    bool done;
    if (!args_parse(I, "send", a, "value", &v) ||
        !gen_resume(I, native_obj_data(self, &gen_class), v, out, &done))
        return false;
    return done ? interp_error(I, ERR_STOP_ITERATION, "%s", "") : true;
}

static bool m_close(Interp *I, Value self, const Args *a, Value *out)
{
    if (!args_parse(I, "close", a, "", NULL))
        return false;
    if (((Gen *)native_obj_data(self, &gen_class))->state == G_RUNNING)
        return interp_error(I, ERR_VALUE, "generator already executing");
    gen_close(native_obj_data(self, &gen_class));
    *out = val_none();
    return true;
}

/* gi_running, gi_suspended, __name__, __qualname__ */
static bool gen_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    Gen *g = native_obj_data(self, &gen_class);
    char q[160];
    *found = true;
    if (strcmp(name, "gi_running") == 0) {
        *out = val_bool(g->state == G_RUNNING);
        return true;
    }
    if (strcmp(name, "gi_suspended") == 0) {
        *out = val_bool(g->state == G_SUSPENDED);
        return true;
    }
    if (strcmp(name, "__name__") == 0)
        return str_from_cstr(I, g->f ? g->f->name : "<genexpr>", out);
    if (strcmp(name, "__qualname__") == 0) {
        if (g->f)
            func_qualname(g->f, q, sizeof q);
        return str_from_cstr(I, g->f ? q : g->gx_qualname, out);
    }
    *found = false;
    return true;
}

static const char *const gen_attrs[] = {"gi_running", "gi_suspended", "__name__",
                                        "__qualname__", NULL};

static const NativeDef gen_methods[] = {
    {"send", m_send, "send(value)", "Resumes the generator; the paused yield gives value.\n"
     "Example: g.send(None)"},
    {"close", m_close, "close()", "Ends the generator: GeneratorExit at its yield, so its "
     "finally blocks run.\nExample: g.close()"},
    {NULL, NULL, NULL, NULL},
};

static const NativeClass gen_class = {
    .name = "generator",
    .finalize = gen_finalize,
    .repr = gen_repr,
    .getattr = gen_getattr,
    .attrs = gen_attrs,
    .next = gen_next,
    .methods = gen_methods,
    .doc = "A generator: made by calling a function whose body has yield, or by a "
           "generator expression (x*x for x in it); next() runs it to its next value.",
};

const NativeClass *gen_native_class(void) { return &gen_class; }

bool gen_new(Interp *I, ObjFunc *f, Frame *fr, Value *out)
{
    Gen *g = calloc(1, sizeof *g);
    if (!g) {
        frame_leave(I, fr);
        free(fr);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    g->I = I;
    g->f = f;
    value_incref(val_obj(&f->obj));
    g->frame = fr;
    fr->gen_state = g;
    g->yielded = g->sent = (Value){VAL_UNSET, {0}};
    if (!native_obj_new(I, &gen_class, g, out))
        return false;                    /* finalize freed g and the frame */
    g->next = I->live_gens;
    if (g->next)
        g->next->prev = g;
    I->live_gens = g;
    return true;
}

bool gen_new_genexpr(Interp *I, Genexpr *gx, char *qualname, Value *out)
{
    Gen *g = calloc(1, sizeof *g);
    if (!g) {
        genexpr_free(I, gx);
        free(qualname);
        return interp_error(I, ERR_MEMORY, "out of memory");
    }
    g->I = I;
    g->gx = gx;
    g->gx_qualname = qualname;
    g->yielded = g->sent = (Value){VAL_UNSET, {0}};
    return native_obj_new(I, &gen_class, g, out);   /* on failure finalize freed g */
}
