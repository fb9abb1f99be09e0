/* tf1_int.h - private to the TF1 files: mod_tf1.c (symbolic tensors, the
 * deferred calls and their replay) and mod_tf1_session.c (Session.run,
 * feeding, training steps, the tf1 names of the tensorflow module).
 *
 * Owned by the autodiff part.
 */
#ifndef NNSH_TF1_INT_H
#define NNSH_TF1_INT_H

#include "autodiff.h"

typedef enum { SYM_PLACEHOLDER, SYM_CALL, SYM_BINOP, SYM_UNOP, SYM_GETITEM, SYM_NOOP,
               SYM_MINIMIZE } SymKind;

typedef struct SymObj {
    SymKind kind;
    char name[80];              /* "add_1:0" (ops: "init") */
    char op[40];                /* "add" */
    int dtype;                  /* -1 unknown */
    int ndim;                   /* -1 unknown rank */
    int64_t shape[NN_MAXDIM];   /* -1 = None */
    NativeFn fn;                /* SYM_CALL */
    int code;                   /* BinOp / UnOp / CmpOp + 100 */
    Value args;                 /* tuple: positional arguments */
    Value kwnames, kwvals;      /* tuples (SYM_CALL), or unset */
    Value dummy[2];             /* stand-in results (None dims 1 and 2) */
    double lr;                  /* SYM_MINIMIZE */
} SymObj;

/* The values known during one evaluation: fed placeholders first, then
 * every node computed (memoised).  mode 0/1 uses the stand-in values. */
typedef struct Feed {
    int mode;                   /* 0, 1: stand-ins; 2: fed values */
    SymObj **keys;
    Value *vals;                /* fed, then memoised results */
    int n, cap;
} Feed;

extern const NativeClass tf1_sym_class, tf1_op_class;

SymObj *tf1_sym_of(Value v);              /* NULL when v is not symbolic */
/* A new node named after base ("add", "add_1", ...); *out owns it. */
bool tf1_sym_new(Interp *I, SymKind kind, const char *base, const NativeClass *cls,
                 SymObj **so, Value *out);
void tf1_reset_names(void);
/* v with its symbolic parts computed (a new reference). */
bool tf1_eval(Interp *I, Value v, Feed *f, Value *out);
bool tf1_feed_put(Interp *I, Feed *f, SymObj *s, Value v);
void tf1_feed_free(Feed *f);
bool tf1_pack(Interp *I, int n, const Value *vals, Value *out);   /* a tuple */
void tf1_shape_text(const SymObj *s, StrBuf *sb);                 /* "(None, 3)" */
/* tf.placeholder(dtype, shape=None, name=None) */
bool tf1_placeholder(Interp *I, Value self, const Args *a, Value *out);
/* mod_tf1_session.c */
bool tf1_run_fetches(Interp *I, Value fetches, Value feed_dict, Value *out);
bool tf1_run_minimize(Interp *I, SymObj *s, Feed *f);

#endif
