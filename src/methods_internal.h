/* methods_internal.h - shared by the built-ins engineer's files: methods.c
 * (list, tuple, dict, set and the dispatch), methods_str.c (str),
 * builtins.c and the pymods*.c files; private to them.  Depends on
 * value.h and interp.h only.
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

/* format.c, for format_template.c: str(v) ('s'), repr(v) ('r') or ascii(v)
 * ('a') into sb; a str formatted with a spec (format(s, spec)). */
bool format_convert(Interp *I, Value v, char conv, StrBuf *sb);
bool format_str_spec(Interp *I, const char *s, size_t n, const char *spec, size_t len,
                     StrBuf *sb);
/* builtins_num.c: abs, round, pow, hex, hash, ... (installed by builtins.c). */
extern const NativeDef builtins_num_defs[];
/* unicode_tables.c (generated): Python's str.isalpha & co. per code point. */
bool uni_isalpha(uint32_t c);
bool uni_isdecimal(uint32_t c);
bool uni_isdigit(uint32_t c);
bool uni_isnumeric(uint32_t c);
bool uni_isspace(uint32_t c);
/* builtins_num.c: CPython's hash of a float (hash(1.5), random.seed(1.5)). */
int64_t builtins_hash_double(double v);
/* builtins_num.c: attributes and methods of int, bool and float (real,
 * imag, bit_length, is_integer, as_integer_ratio, ...); *found=false when
 * there is none of that name. */
bool num_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
/* builtins.c: exit()/quit()/sys.exit(): raises SystemExit with the code. */
bool builtins_exit(Interp *I, Value self, const Args *a, Value *out);
/* builtins_file.c: open(file, mode='r', ...) -> a text file object. */
bool builtins_open(Interp *I, Value self, const Args *a, Value *out);
/* builtins_file.c: sys.stdin, a readable file object over stdin. */
bool builtins_file_stdin(Interp *I, Value *out);
/* Module constructors for pymods_install: pymods_random.c, pymods_os.c. */
bool pymods_random_create(Interp *I, Value *out);
bool pymods_os_create(Interp *I, Value *out);
bool pymods_os_path_create(Interp *I, Value *out);
bool pymods_functools_create(Interp *I, Value *out);
bool pymods_collections_create(Interp *I, Value *out);   /* pymods_collections.c */
bool pymods_json_create(Interp *I, Value *out);          /* pymods_json.c */
bool pymods_itertools_create(Interp *I, Value *out);     /* pymods_itertools.c */
/* pymods_src.c: modules written in the language itself. */
bool pymods_heapq_create(Interp *I, Value *out);
bool pymods_bisect_create(Interp *I, Value *out);
bool pymods_copy_create(Interp *I, Value *out);
bool pymods_operator_create(Interp *I, Value *out);
bool pymods_typing_create(Interp *I, Value *out);
bool pymods_dataclasses_create(Interp *I, Value *out);
bool pymods_collections_extra(Interp *I, Value mod);   /* deque, namedtuple */
/* Runs src (nnsh source) and sets the names it defines in mod (pymods_src.c). */
bool pymods_src_add(Interp *I, Value mod, const char *name, const char *src);
bool pymods_functools_extra(Interp *I, Value mod);     /* pymods_src2.c */
bool pymods_itertools_extra(Interp *I, Value mod);     /* pymods_src2.c */
/* pymods_stats.c: fractions and statistics, written in the language. */
bool pymods_fractions_create(Interp *I, Value *out);
bool pymods_statistics_create(Interp *I, Value *out);

#endif
