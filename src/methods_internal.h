/* methods_internal.h - shared between methods.c (list, tuple, dict, set and
 * the dispatch) and methods_str.c (str).  Private to those two files; owned
 * by the built-ins engineer.  Depends on value.h and interp.h only.
 */
#ifndef NNSH_METHODS_INTERNAL_H
#define NNSH_METHODS_INTERNAL_H

#include "interp.h"

/* One method: the NativeDef and the qualified name shown in errors/help. */
typedef struct Method {
    const char *qualname;       /* "str.split" */
    NativeDef def;
} Method;

#define METHOD(cls, name, fn, sig, doc) {cls "." name, {name, fn, cls "." sig, doc}}

/* The str methods, terminated by an entry with qualname NULL. */
extern const Method str_methods[];

/* Helpers shared by both files. */
bool meth_str_arg(Interp *I, const char *fname, int argno, Value v);  /* TypeError unless str */
/* Code point index (negative from the end, clamped) -> byte offset in s. */
size_t meth_cp_offset(const char *s, size_t n, int64_t idx);
size_t meth_cp_count(const char *s, size_t n);
/* Optional start/end arguments as byte offsets into s (unset: 0 and n). */
bool meth_range(Interp *I, const char *fname, const char *s, size_t n, Value start, Value end,
                size_t *lo, size_t *hi);

/* Sorts a list in place: stable, keys from key (unset/None: the items),
 * Python's reverse semantics.  Used by list.sort and sorted(). */
bool methods_sort_list(Interp *I, Value list, Value key, bool reverse);

#endif
