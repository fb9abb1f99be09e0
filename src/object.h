/* object.h - private layouts of the heap objects and of the Interp, shared
 * by value.c, value_ops.c, value_attr.c, types.c, args.c, interp.c, scope.c
 * and eval_*.c (the language core).  Nothing outside the core includes it:
 * other files reach values through value.h and interp.h only.
 *
 * Ownership follows value.h: struct fields holding a Value or an Obj* own
 * one reference; Chunk* fields own one chunk reference.
 */
#ifndef NNSH_OBJECT_H
#define NNSH_OBJECT_H

#include "interp.h"

/* ---- built-in type tags (index into Interp.types) ---- */
typedef enum {
    T_NONE, T_BOOL, T_INT, T_FLOAT, T_STR, T_LIST, T_TUPLE, T_DICT, T_SET,
    T_RANGE, T_SLICE, T_FUNCTION, T_BUILTIN, T_METHOD, T_MODULE, T_TYPE,
    T_OBJECT, T_CELL, T_ITER, T_ENUMERATE, T_ZIP, T_FROZENSET, T_COUNT
} TypeTag;

/* Exception classes beyond ErrKind's (indices after ERR_KIND_COUNT). */
typedef enum {
    X_BASE = ERR_KIND_COUNT, X_ARITH, X_LOOKUP, X_UNBOUND, X_MODNOTFOUND,
    X_TABERROR, X_EOF, X_PERMISSION, X_ISADIR, X_NOTADIR, X_FILEEXISTS, X_TIMEOUT,
    X_CONNECTION, X_UNICODE, X_UNICODE_DECODE, X_UNICODE_ENCODE, X_FLOATINGPOINT,
    X_GENEXIT, X_WARNING, X_USERWARNING, X_DEPRECATION, X_PENDINGDEPRECATION,
    X_RUNTIMEWARNING, X_FUTUREWARNING, X_SYNTAXWARNING, X_IMPORTWARNING,
    X_AXIS,                   /* numpy.AxisError(ValueError, IndexError); not a builtin */
    X_COUNT
} ExcExtra;

typedef struct ObjType {
    Obj obj;
    char *name;
    struct ObjType **bases;   /* retained */
    int nbases;
    Value dict;               /* attributes and methods (a dict) */
    int tag;                  /* TypeTag for built-in types, -1 otherwise */
    int exc;                  /* ErrKind/ExcExtra for exception classes, -1 otherwise */
    bool is_exception;        /* an exception class or subclass */
    const NativeClass *ncls;  /* the class of native instances, or NULL */
    NativeFn ctor;            /* native class types: what calling the type does */
} ObjType;

typedef struct ObjInstance {
    Obj obj;
    ObjType *cls;             /* retained */
    Value dict;               /* instance attributes */
    Value args;               /* exceptions: the args tuple (unset otherwise) */
    char *msg;                /* exceptions made from a C error: literal str(e) */
} ObjInstance;

typedef struct ObjCell {
    Obj obj;
    Value v;                  /* unset when empty */
} ObjCell;

/* Scope information of one function, lambda, comprehension or class body. */
enum { SC_LOCAL = 1, SC_CELL, SC_FREE, SC_GLOBAL };
typedef struct Code {
    int refcount;
    Value names;              /* dict: name -> int (kind | index << 4) */
    int nfree;
    char **freenames;         /* malloc'd copies */
    bool is_class;
    bool is_generator;        /* the body holds a yield (generators run eagerly) */
} Code;

typedef struct ObjFunc {
    Obj obj;
    const Node *node;         /* NODE_DEF or NODE_LAMBDA */
    Chunk *chunk;             /* retained: keeps node alive */
    Code *code;
    const char *name;         /* in the chunk arena */
    Value *defaults;          /* one per param (unset: none) */
    int nparams;
    ObjCell **closure;        /* code->nfree retained cells */
    Value dict;               /* function attributes (lazy) */
    ObjType *owner;           /* borrowed: the class whose body defined it (super()) */
    char *qualname;           /* malloc'd "outer.<locals>.name" for a function
                                 made inside another one, else NULL */
} ObjFunc;

typedef struct ObjNativeFn {
    Obj obj;
    const NativeDef *def;
    const char *qualname;
    Value self;
} ObjNativeFn;

typedef struct ObjBound {
    Obj obj;
    Value fn, self;
} ObjBound;

typedef struct ObjModule {
    Obj obj;
    char *name;
    char *doc;
    Value dict;
} ObjModule;

typedef struct ObjRange {
    Obj obj;
    int64_t start, stop, step;
} ObjRange;

typedef struct ObjSlice {
    Obj obj;
    Value lower, upper, step;
} ObjSlice;

typedef enum { IT_SEQ, IT_STR, IT_RANGE, IT_DICT, IT_ENUMERATE, IT_ZIP,
               IT_GETITEM, /* x[0], x[1], ... until IndexError */
               IT_GENEXP   /* a generator expression's values (computed at once) */ } IterKind;
typedef struct ObjIter {
    Obj obj;
    IterKind ik;
    Value src;                /* the iterated object (or inner iterators tuple) */
    int64_t pos, count;       /* position; enumerate counter */
    size_t expect_len;        /* dicts: size at start */
} ObjIter;

/* ---- the interpreter ---- */
typedef struct Frame {
    struct Frame *back;
    Code *code;               /* NULL at module level */
    ObjFunc *func;            /* the running function (borrowed), or NULL */
    Value locals;             /* dict (unset at module level) */
    ObjCell **closure;
    bool own_closure;         /* comprehensions and class bodies capture their own */
    struct Gen *gen_state;    /* a generator's body frame: its generator (eval_gen.c) */
} Frame;

/* How a statement ended. */
enum { EX_NORMAL, EX_ERROR, EX_BREAK, EX_CONTINUE, EX_RETURN };

typedef struct ModEntry {
    char *name;
    ModuleCreateFn create;
} ModEntry;

struct Interp {
    Value globals, builtins, modules;
    ModEntry *registry;
    int nregistry, capregistry;
    ObjType *types[T_COUNT];
    ObjType *exc[X_COUNT];
    Value native_types;       /* dict: int(NativeClass*) -> type */
    struct NnCtx *nn;
    /* the pending error */
    bool err;
    ErrKind err_kind;
    char *err_msg;
    Value err_exc;            /* the exception instance, or unset */
    Chunk *err_chunk;
    int err_line, err_col;
    StrBuf err_text;
    Value handling;           /* exception of the innermost active except */
    Value retval;             /* the value of a `return` being unwound */
    int exit_status;
    /* evaluation state */
    Frame *frame;
    const Node *cur_node;
    Chunk *cur_chunk;
    int depth;
    const Node *stmt;         /* current statement (warnings) */
    /* repr recursion guard */
    Obj *repr_stack[800];
    int repr_depth;
    int cdepth;               /* nesting of eq/hash over containers */
    WriteFn out_fn;
    void *out_ud;
    /* at the prompt, expression statements at module level (also inside a
     * top-level for/if/while/try/with) echo their value, as Python's
     * "single" mode does; never inside a function or class body */
    bool echo_top;
    struct Gen *live_gens;    /* generators not yet finished (eval_gen.c) */
};

#define MAX_DEPTH 1000

/* value.c */
Obj *obj_alloc(Interp *I, ObjKind kind, size_t size);   /* refcount 1; NULL + MemoryError */
uint64_t str_hash_bytes(const char *s, size_t n);
size_t utf8_len(const char *s, size_t n);
/* dict lookup by C string without building a str */
DictEntry *dict_find_cstr(Value dict, const char *key);
bool dict_next(Value dict, size_t *pos, Value *key, Value *val);   /* borrowed */
bool value_is_hashable(Value v);
bool cell_new(Interp *I, Value v, ObjCell **out);
void code_unref(Code *c);
bool sb_repr_str(StrBuf *sb, const char *s, size_t n);
bool list_copy_items(Interp *I, ObjList *src, size_t lo, size_t hi, bool tuple, Value *out);

/* descr.c */
bool descr_install(Interp *I);
bool descr_get(Interp *I, Value attr, Value obj, ObjType *cls, Value *out, bool *handled);
bool descr_set(Interp *I, Value obj, const char *name, Value v, bool *handled);

/* value_repr.c */
bool set_python_order(Interp *I, Value set, Value *out, bool *done);
/* hash() of a user instance: its class's __hash__() result, TypeError when
 * the class defines __eq__ without __hash__, *identity=true otherwise. */
bool value_instance_hash(Interp *I, Value v, int64_t *out, bool *identity);

/* value_setsim.c: sets of ints in CPython's table order, and the set
 * operations done as CPython does them (see the file's comment). */
void setsim_free(ObjDict *d);
void setsim_added(ObjDict *d, Value item);      /* set_add put in a new item */
void setsim_removed(ObjDict *d, Value item);    /* dict_del took one out */
bool setsim_order(Interp *I, Value set, Value *out, bool *done);
bool pyset_display(Interp *I, Value items, bool constant, Value *out);   /* {a, b} */

/* value_attr.c */
bool value_setattr_plain(Interp *I, Value obj, const char *name, Value v);
const char *suggest_name(const char *name, Value names);   /* borrowed from names */

/* value_ops.c */
bool value_identical(Value a, Value b);
bool value_notimpl_install(Interp *I);                   /* the NotImplemented builtin */
bool num_as_double(Value v, double *out);
bool value_slice_get(Interp *I, Value obj, ObjSlice *sl, Value *out);
bool slice_indices(Interp *I, ObjSlice *sl, int64_t len, int64_t *start, int64_t *stop,
                   int64_t *step, int64_t *count);
bool value_contains(Interp *I, Value container, Value item, bool *out);
bool iter_new(Interp *I, IterKind ik, Value src, Value *out);

/* types.c */
bool types_install(Interp *I);
ObjType *value_type_obj(Interp *I, Value v);            /* borrowed */
bool type_is_subclass(const ObjType *t, const ObjType *base);
ObjType *exc_class_for_kind(Interp *I, int kind);
int exc_kind_of_class(const ObjType *t);
bool type_call(Interp *I, ObjType *t, const Args *a, Value *out);
bool type_lookup(ObjType *t, const char *name, Value *out);  /* borrowed; MRO */
bool exc_new(Interp *I, ObjType *cls, const Value *args, int nargs, Value *out);
bool exc_message(Interp *I, Value exc, StrBuf *sb);      /* str(e) */
bool native_type_get(Interp *I, const NativeClass *cls, ObjType **out);

/* interp.c */
void interp_set_error_exc(Interp *I, Value exc);         /* raise an instance (retains) */
bool interp_error_exc_value(Interp *I, Value *out);      /* the pending error as instance */
void interp_note_position(Interp *I);
/* Raises a new instance of I->exc[xkind] (EOFError, ...) with the message;
 * returns false. */
bool interp_error_x(Interp *I, int xkind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool interp_error_xv(Interp *I, int xkind, const char *fmt, va_list ap);

/* A saved pending error (try/finally, with): moved out of and back into I. */
typedef struct ErrState {
    bool err;
    ErrKind kind;
    char *msg;
    Value exc;
    Chunk *chunk;
    int line, col;
} ErrState;
void err_save(Interp *I, ErrState *st);       /* I has no pending error after */
void err_restore(Interp *I, ErrState *st);    /* replaces whatever is pending */
void err_drop(ErrState *st);

/* scope.c */
Code *code_analyze(Interp *I, const Node *fn, const Code *parent);
int code_lookup(const Code *c, const char *name, int *index);

/* eval_*.c */
bool eval_expr(Interp *I, const Node *n, Value *out);
bool eval_chunk(Interp *I, Chunk *c, bool interactive);
int exec_stmt(Interp *I, const Node *n);                 /* EX_* */
bool eval_load_name(Interp *I, const char *name, Value *out);
bool eval_store_name(Interp *I, const char *name, Value v);
bool eval_delete_name(Interp *I, const char *name);
bool eval_func_new(Interp *I, const Node *n, Value *out);
bool frame_enter(Interp *I, Frame *f, Code *code, ObjFunc *func);
void frame_leave(Interp *I, Frame *f);
bool assign_target(Interp *I, const Node *t, Value v);
bool func_call(Interp *I, ObjFunc *f, const Args *a, Value *out);
/* eval_gen.c: a generator over the body of f, whose frame fr (malloc'd,
 * arguments bound, no longer the current frame) it takes. */
bool gen_new(Interp *I, ObjFunc *f, Frame *fr, Value *out);
/* eval_gen.c: `yield v` (v borrowed); *sent: the value send() passed (None
 * for next()), owned.  Fails with GeneratorExit when the generator closes. */
bool gen_yield(Interp *I, Value v, Value *sent);
void gen_close_all(Interp *I);
extern const NativeDef eval_builtin_defs[];   /* eval_stmt.c: eval(), exec() */           /* interp_free, before the globals go */
const NativeClass *gen_native_class(void);   /* type(generator) */
/* Python's __qualname__: "g", "A.m", "f.<locals>.g", "<lambda>.<locals>.<lambda>" */
void func_qualname(const ObjFunc *f, char *buf, size_t n);
bool user_instance_special(Interp *I, Value self, const char *name, int npos,
                           const Value *pos, Value *out, bool *found);

/* eval_genexpr.c: generator expressions, lazy as in Python.  genexpr_eval
 * evaluates a NODE_GENEXP: the outermost iterable and its iterator now, and
 * a generator object (gen_new_genexpr) that runs the rest on next(). */
typedef struct Genexpr Genexpr;
bool genexpr_eval(Interp *I, const Node *n, Value *out);
/* The next value (*out, new) or *done; finished after an error or the end. */
bool genexpr_step(Interp *I, Genexpr *gx, Value *out, bool *done);
void genexpr_free(Interp *I, Genexpr *gx);                 /* NULL is fine */
/* eval_gen.c: a generator object over gx, taking gx and qualname (malloc'd). */
bool gen_new_genexpr(Interp *I, Genexpr *gx, char *qualname, Value *out);

#endif
