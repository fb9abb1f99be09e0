/* value.h - the values of the nnsh language.
 *
 * A Value is a small tagged struct passed by value: None, bool, int (64-bit),
 * float (double), or a pointer to a reference-counted heap object (str,
 * list, tuple, dict, set, range, slice, function, native function, module,
 * type, exception, cell, iterator, or an instance of a NativeClass).
 * Everything the runtime adds (tensors, models, layers, optimizers, tapes,
 * datasets...) is a NativeClass instance, so this file never needs to know
 * about lib/.
 *
 * Ownership: a function that returns a Value through `Value *out` gives the
 * caller one reference (value_decref when done).  Value arguments are
 * borrowed; a callee that keeps one takes its own reference.  `*out` is left
 * untouched when a function fails (returns false); the error is then pending
 * in the Interp (see interp.h).
 *
 * Lists, dicts and sets are mutable, as in Python.  Reference cycles made by
 * user code (a list that contains itself) are not collected.
 */
#ifndef NNSH_VALUE_H
#define NNSH_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include "ast.h"

typedef struct Interp Interp;
typedef struct Obj Obj;

typedef enum {
    VAL_UNSET = 0,  /* internal: "no value" (absent argument, empty slot); never
                       visible to user code.  A zeroed Value is unset. */
    VAL_NONE,
    VAL_BOOL,
    VAL_INT,
    VAL_FLOAT,
    VAL_OBJ
} ValKind;

typedef struct Value {
    ValKind kind;
    union {
        bool b;
        int64_t i;
        double f;
        Obj *o;
    } as;
} Value;

typedef enum {
    OBJ_STR, OBJ_LIST, OBJ_TUPLE, OBJ_DICT, OBJ_SET, OBJ_RANGE, OBJ_SLICE,
    OBJ_FUNC,        /* a user function or lambda (closure) */
    OBJ_NATIVE,      /* a built-in function or a bound native method */
    OBJ_BOUND,       /* a user function bound to an instance (user classes) */
    OBJ_MODULE,
    OBJ_TYPE,        /* int, str, list, ValueError, a user class, ... */
    OBJ_INSTANCE,    /* an instance of a user class or an exception */
    OBJ_CELL,        /* a closure cell */
    OBJ_ITER,        /* a built-in iterator (list/range/dict/zip/enumerate/map...) */
    OBJ_NATIVE_OBJ   /* an instance of a NativeClass */
} ObjKind;

struct Obj {
    ObjKind kind;
    int refcount;
};

/* ---- constructors of immediate values (no reference counting) ---- */
static inline Value val_none(void) { Value v = {VAL_NONE, {0}}; return v; }
static inline Value val_bool(bool b) { Value v = {VAL_BOOL, {0}}; v.as.b = b; return v; }
static inline Value val_int(int64_t i) { Value v = {VAL_INT, {0}}; v.as.i = i; return v; }
static inline Value val_float(double f) { Value v = {VAL_FLOAT, {0}}; v.as.f = f; return v; }
static inline Value val_obj(Obj *o) { Value v = {VAL_OBJ, {0}}; v.as.o = o; return v; }
static inline bool val_is_obj(Value v, ObjKind k) { return v.kind == VAL_OBJ && v.as.o->kind == k; }

void value_incref(Value v);
void value_decref(Value v);                 /* frees at zero; unset/None/ints are no-ops */

/* ---- strings: UTF-8 bytes, immutable, length in bytes ---- */
typedef struct ObjStr {
    Obj obj;
    size_t len;
    uint64_t hash;      /* 0 until computed */
    char chars[];       /* NUL-terminated; may also hold NUL bytes inside */
} ObjStr;

/* The string constructors return false (memory error pending) on OOM. */
bool str_new(Interp *I, const char *s, size_t len, Value *out);
bool str_from_cstr(Interp *I, const char *s, Value *out);
bool str_printf(Interp *I, Value *out, const char *fmt, ...);
static inline ObjStr *as_str(Value v) { return (ObjStr *)v.as.o; }
static inline const char *str_cstr(Value v) { return ((ObjStr *)v.as.o)->chars; }

/* ---- list and tuple: same item layout; a tuple never changes after creation ---- */
typedef struct ObjList {
    Obj obj;
    size_t len, cap;
    Value *items;
} ObjList;
typedef ObjList ObjTuple;

bool list_new(Interp *I, size_t cap, Value *out);          /* empty list */
bool list_append(Interp *I, Value list, Value item);       /* retains item */
bool tuple_new(Interp *I, size_t len, Value *out);         /* len unset slots to fill */
bool tuple_pack(Interp *I, Value *out, size_t n, ...);      /* retains each Value arg */
static inline ObjList *as_list(Value v) { return (ObjList *)v.as.o; }

/* ---- dict: insertion-ordered hash map (keys: hashable values) ---- */
typedef struct DictEntry {
    Value key, value;   /* key VAL_UNSET marks a deleted entry */
    uint64_t hash;
} DictEntry;
typedef struct ObjDict {
    Obj obj;
    size_t len;          /* live entries */
    size_t nentries, cap;
    DictEntry *entries;  /* in insertion order, with holes */
    int64_t *index;      /* open-addressing table of entry indices, -1 empty */
    size_t index_cap;
    struct SetSim *sim;  /* sets: CPython's table order (value_setsim.c) */
    bool frozen;         /* added for frozenset: a set that never changes after it
                            is built (hashable; no mutating methods) */
} ObjDict;
typedef ObjDict ObjSet;  /* a set is a dict whose values are unset */

bool dict_new(Interp *I, Value *out);
bool dict_set(Interp *I, Value dict, Value key, Value value);      /* retains both */
bool dict_set_str(Interp *I, Value dict, const char *key, Value value);
/* Lookup: returns true and sets *found; *out is a new reference when found.
 * Fails (false) only when the key is unhashable. */
bool dict_get(Interp *I, Value dict, Value key, Value *out, bool *found);
bool dict_get_str(Interp *I, Value dict, const char *key, Value *out, bool *found);
bool dict_del(Interp *I, Value dict, Value key, bool *found);
bool set_new(Interp *I, Value *out);
bool set_add(Interp *I, Value set, Value item);
/* Added for frozenset: is v a frozenset (an OBJ_SET with `frozen` set)?
 * Every set operation also accepts a frozenset. */
static inline bool val_is_frozenset(Value v)
{
    return v.kind == VAL_OBJ && v.as.o->kind == OBJ_SET && ((ObjDict *)v.as.o)->frozen;
}
static inline ObjDict *as_dict(Value v) { return (ObjDict *)v.as.o; }

/* ---- growable byte buffer for building text (repr, formatting, output) ---- */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
    bool oom;           /* set when an append could not grow the buffer */
} StrBuf;
void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
void sb_append(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_putc(StrBuf *sb, char c);
void sb_printf(StrBuf *sb, const char *fmt, ...);
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap);
/* Moves the text into a new str Value and resets the buffer. */
bool sb_to_str(Interp *I, StrBuf *sb, Value *out);

/* ---- calling convention of built-in functions ---- */

/* The arguments of one call.  Keyword names are borrowed C strings. */
typedef struct Args {
    int npos;
    const Value *pos;
    int nkw;
    const char *const *kwnames;
    const Value *kwvals;
} Args;

/* A built-in function.  `self` is the bound object for methods (unset for
 * plain functions).  Returns true with a new reference in *out, or false with
 * an error pending. */
typedef bool (*NativeFn)(Interp *I, Value self, const Args *a, Value *out);

/* One entry of a table of built-ins.  `sig` is the Python-style signature
 * with defaults, e.g. "constant(value, dtype=None, shape=None, name='Const')"
 * (help and keyword completion read it); `doc` is one paragraph and an
 * example for :help. */
typedef struct NativeDef {
    const char *name;
    NativeFn fn;
    const char *sig;
    const char *doc;
} NativeDef;

/* A native function value.  `qualname` (e.g. "tf.constant") appears in error
 * messages and help; it must outlive the value (a string literal).  `self` is
 * retained (unset for unbound). */
bool native_new(Interp *I, const NativeDef *def, const char *qualname, Value self, Value *out);

/* The shared argument parser.  `spec` names the parameters in order:
 *   "value, dtype=, shape=, name=, *, keyword_only="
 * A name followed by '=' is optional; names after '*' are keyword-only; a
 * leading "*args" or "**kwargs" is not supported here (read Args directly).
 * `out` receives borrowed Values, VAL_UNSET for optional parameters not given.
 * Errors (TypeError, as Python words them):
 *   "fname() missing 1 required positional argument: 'value'"
 *   "fname() takes at most 4 arguments (5 given)"
 *   "fname() got an unexpected keyword argument 'dtyp'" (with "; did you mean 'dtype'?")
 *   "fname() got multiple values for argument 'value'" */
bool args_parse(Interp *I, const char *fname, const Args *a, const char *spec, Value *out);

/* Conversions of one argument, with errors naming the function and parameter:
 * "tf.zeros() argument 'shape' must be a sequence of ints, not str". */
bool arg_int(Interp *I, const char *fname, const char *pname, Value v, int64_t *out);
bool arg_float(Interp *I, const char *fname, const char *pname, Value v, double *out);
bool arg_bool(Interp *I, const char *fname, const char *pname, Value v, bool *out);
bool arg_str(Interp *I, const char *fname, const char *pname, Value v, const char **out);
/* An int or a sequence of ints (list/tuple) into out[0..*n); at most `max`. */
bool arg_int_seq(Interp *I, const char *fname, const char *pname, Value v,
                 int64_t *out, int max, int *n);

/* ---- native classes: how the runtime adds types ---- */

/* Every slot is optional (NULL): the evaluator then reports the Python error
 * ("'Tensor' object is not subscriptable", ...).  Slots return false with an
 * error pending. */
typedef struct NativeClass {
    const char *name;                 /* type(x).__name__, e.g. "Tensor" */
    void (*finalize)(void *data);     /* frees the instance's data */
    /* Attribute lookup before `methods`: set *found=false to fall through. */
    bool (*getattr)(Interp *I, Value self, const char *name, Value *out, bool *found);
    bool (*setattr)(Interp *I, Value self, const char *name, Value v);
    bool (*repr)(Interp *I, Value self, StrBuf *sb);
    bool (*str)(Interp *I, Value self, StrBuf *sb);   /* NULL: use repr */
    /* a OP b where a or b is an instance of this class (self is one of them).
     * Set *handled=false (and return true) when the operands are not
     * supported, so the other operand or a TypeError gets its turn. */
    bool (*binop)(Interp *I, BinOp op, Value a, Value b, Value *out, bool *handled);
    bool (*compare)(Interp *I, CmpOp op, Value a, Value b, Value *out, bool *handled);
    bool (*unop)(Interp *I, UnOp op, Value self, Value *out);
    bool (*getitem)(Interp *I, Value self, Value key, Value *out);
    bool (*setitem)(Interp *I, Value self, Value key, Value v);
    bool (*len)(Interp *I, Value self, int64_t *out);
    bool (*iter)(Interp *I, Value self, Value *iterator); /* returns any iterable's iterator */
    bool (*next)(Interp *I, Value self, Value *out, bool *done); /* for iterator objects */
    bool (*call)(Interp *I, Value self, const Args *a, Value *out);
    bool (*truth)(Interp *I, Value self, bool *out);
    bool (*to_float)(Interp *I, Value self, double *out);   /* float(x) */
    bool (*to_int)(Interp *I, Value self, int64_t *out);    /* int(x), and x as an index */
    bool (*enter)(Interp *I, Value self, Value *out);       /* with x as y: y = *out */
    bool (*exit)(Interp *I, Value self, bool error_pending);
    /* Extra names for dir() and completion (NULL-terminated), beside methods. */
    const char *const *attrs;
    const NativeDef *methods;         /* terminated by an entry with name NULL */
    const char *doc;                  /* help text of the class itself */
    /* x OP= y in place (numpy arrays): *out is self after the update.  Set
     * *handled=false to fall back to x = x OP y. */
    bool (*inplace)(Interp *I, BinOp op, Value self, Value rhs, Value *out, bool *handled);
    /* Added by the tensor part: the module shown in the type's repr only
     * ("numpy" -> <class 'numpy.ndarray'>); NULL shows the bare name.
     * type(x).__name__ and messages keep `name`. */
    const char *module;
    /* format(x, spec) and f"{x:spec}" when the class formats differently from
     * str() (TF tensors format their values as numpy does).  Set
     * *handled=false to use the generic number/str formatting. */
    bool (*format)(Interp *I, Value self, const char *spec, size_t len, StrBuf *sb,
                   bool *handled);
} NativeClass;

typedef struct ObjNative {
    Obj obj;
    const NativeClass *cls;
    void *data;
} ObjNativeObj;

/* Wraps `data` (ownership passes to the value; cls->finalize frees it). */
bool native_obj_new(Interp *I, const NativeClass *cls, void *data, Value *out);
/* The data of an instance of `cls`, or NULL when v is not one. */
void *native_obj_data(Value v, const NativeClass *cls);
static inline bool native_obj_is(Value v, const NativeClass *cls)
{
    return val_is_obj(v, OBJ_NATIVE_OBJ) && ((ObjNativeObj *)v.as.o)->cls == cls;
}

/* ---- modules: attribute namespaces registered by the runtime ---- */
bool module_new(Interp *I, const char *name, const char *doc, Value *out);
bool module_set(Interp *I, Value module, const char *name, Value v);   /* retains v */
/* Adds a native function for each def; qualname is "<module name>.<def name>". */
bool module_add_natives(Interp *I, Value module, const NativeDef *defs);
bool module_get(Interp *I, Value module, const char *name, Value *out, bool *found);

/* ---- generic operations (Python semantics) ---- */
bool value_repr(Interp *I, Value v, StrBuf *sb);     /* repr(v) */
bool value_str(Interp *I, Value v, StrBuf *sb);      /* str(v) */
bool value_truth(Interp *I, Value v, bool *out);
bool value_eq(Interp *I, Value a, Value b, bool *out);
bool value_hash(Interp *I, Value v, uint64_t *out);  /* TypeError when unhashable */
bool value_binop(Interp *I, BinOp op, Value a, Value b, Value *out);
bool value_compare(Interp *I, CmpOp op, Value a, Value b, Value *out);
bool value_unop(Interp *I, UnOp op, Value v, Value *out);
bool value_getattr(Interp *I, Value obj, const char *name, Value *out);
bool value_setattr(Interp *I, Value obj, const char *name, Value v);
bool value_getitem(Interp *I, Value obj, Value key, Value *out);
bool value_setitem(Interp *I, Value obj, Value key, Value v);
bool value_delitem(Interp *I, Value obj, Value key);
bool value_len(Interp *I, Value v, int64_t *out);
bool value_iter(Interp *I, Value v, Value *iterator);
bool value_next(Interp *I, Value iterator, Value *out, bool *done);
/* Collects any iterable into a new list. */
bool value_to_list(Interp *I, Value v, Value *out);
bool value_call(Interp *I, Value fn, const Args *a, Value *out);
/* float(v) / int(v) / v as a sequence index (__index__). */
bool value_to_float(Interp *I, Value v, double *out);
bool value_to_int(Interp *I, Value v, int64_t *out);
bool value_as_index(Interp *I, Value v, int64_t *out);
/* Names for dir(v) and tab completion: a new list of str. */
bool value_dir(Interp *I, Value v, Value *out);
/* The Python type name: "int", "list", "Tensor", ... (borrowed). */
const char *value_type_name(Value v);

/* Python's shortest round-trip float repr: 0.1 + 0.2 -> "0.30000000000000004",
 * 1e16 -> "1e+16", 1.0 -> "1.0", nan -> "nan", inf -> "inf". */
void format_float_repr(double f, StrBuf *sb);
/* The format-spec mini-language (f"{x:>8.3f}", format(x, spec), str.format):
 * applies `spec` to v. */
bool format_value(Interp *I, Value v, const char *spec, size_t speclen, StrBuf *sb);
/* printf-style: "%d %s %.2f" % args (a tuple, a single value, or a dict). */
bool format_percent(Interp *I, Value fmt, Value args, Value *out);

/* Added by format.c's owner: str.format / str.format_map.  Appends the
 * expansion of the template fmt[0..len) to sb, taking fields from a's
 * positional and keyword arguments, or (format_map) from `mapping` when it
 * is set.  Errors as Python's: "Replacement index 1 out of range for
 * positional args tuple" (IndexError), KeyError for a missing name. */
bool format_template(Interp *I, const char *fmt, size_t len, const Args *a, Value mapping,
                     StrBuf *sb);


/* ---- introspection for help and completion (added for help.c and
 * complete.c; implemented next to the object layouts in value.c) ---- */
/* The NativeDef of a native function or bound native method, or NULL when
 * v is not one (help shows def->sig and def->doc; Tab reads def->sig for
 * keyword names). */
const NativeDef *native_def(Value v);
/* The doc string of a module value, or NULL (none, or v is not a module). */
const char *module_doc(Value v);
/* The NativeClass behind a type value that stands for a native class
 * (e.g. a layer class used as a constructor), or NULL. */
const NativeClass *type_native_class(Value v);

/* ---- added by the language core (value.c/types.c/value_seq.c) ---- */
/* A type value for a native class: what type(x) returns for its instances,
 * usable with isinstance() and as a base class.  Calling it calls `ctor`
 * (self is the type value; NULL ctor: TypeError "cannot create 'X'
 * instances").  The same cls always gives the same type; the first non-NULL
 * ctor registered wins. */
bool native_class_type(Interp *I, const NativeClass *cls, NativeFn ctor, Value *out);
/* range(start, stop, step) as a value (step != 0). */
bool range_new(Interp *I, int64_t start, int64_t stop, int64_t step, Value *out);
/* isinstance(v, cls) where cls is a type or a tuple of types. */
bool value_isinstance(Interp *I, Value v, Value cls, bool *out);
/* type(v) as a value (a new reference). */
bool value_type(Interp *I, Value v, Value *out);
/* `item in container` (str, list, tuple, dict, set, range, any iterable). */
bool value_in(Interp *I, Value container, Value item, bool *out);
/* d[k] = src[k] for k in src.keys() when src is a non-dict mapping (Counter,
 * defaultdict, a class with keys()); *handled false when src has no keys(). (convert.c) */
bool dict_update_mapping(Interp *I, Value d, Value src, bool *handled);
/* Sets built and combined as CPython does it, so sets of ints iterate in
 * CPython's order (value_setsim.c): set(x) (unset: empty), so |= iterable,
 * the union/intersection/difference methods with n operands (op BIN_BITOR,
 * BIN_BITAND, BIN_SUB; in_place: the *_update forms, *out untouched),
 * so ^= other, clear() and pop() (*done=false when CPython's choice is not
 * known: any item will do). */
bool pyset_from(Interp *I, Value iterable, Value *out);
bool pyset_update(Interp *I, Value so, Value other);
bool pyset_multi(Interp *I, BinOp op, bool in_place, Value so, int n, const Value *others,
                 Value *out);
bool pyset_binop(Interp *I, BinOp op, Value a, Value b, Value *out);
bool pyset_inplace(Interp *I, BinOp op, Value so, Value other);
void pyset_clear(Value so);
bool pyset_pop(Interp *I, Value so, Value *out, bool *done);

/* Copies every public attribute of the modules named in `dotted` (a
 * NULL-terminated list; unregistered names are skipped) into `target`. */
bool module_merge(Interp *I, Value target, const char *const *dotted);

#endif
