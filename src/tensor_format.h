/* tensor_format.h - printing tensors exactly as numpy 1.24 and TensorFlow 2
 * print them.
 *
 * numpy's arrayprint rules (shortest round-trip digits capped at
 * `precision`, shared column widths, the switch to scientific notation,
 * wrapping at `linewidth`, summarising with `...` above `threshold`
 * elements) are reproduced over any NnTensor (any strides), with float32
 * values printed with float32's own shortest digits.  TF's formats wrap
 * numpy's str/repr the way tf.Tensor.__str__/__repr__ do.
 *
 * Depends on value.h (StrBuf) and lib's nn.h only, and reads tensor
 * elements itself (data, strides, offset), so it needs no lib call.
 * Tensors are borrowed; text is appended to the caller's StrBuf.  Every
 * function returns false only when the StrBuf ran out of memory (sb->oom).
 */
#ifndef NNSH_TENSOR_FORMAT_H
#define NNSH_TENSOR_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include "value.h"
#include "nn.h"

/* numpy's np.set_printoptions state.  Strings are borrowed: the caller keeps
 * them alive while the options are in use. */
typedef struct PrintOptions {
    int precision;          /* max digits after the point (8) */
    int64_t threshold;      /* summarise when size > threshold (1000); wide
                               so sys.maxsize fits */
    int edgeitems;          /* items kept at each end of a summarised axis (3) */
    int linewidth;          /* 75 */
    bool suppress;          /* suppress_small: no scientific for tiny values */
    const char *nanstr, *infstr;   /* "nan", "inf" */
    char sign;              /* '-', '+' or ' ' */
    bool legacy_113;        /* legacy='1.13' */
} PrintOptions;

/* numpy's defaults: 8, 1000, 3, 75, False, "nan", "inf", '-', legacy off. */
void print_options_default(PrintOptions *o);

/* numpy: str(a) / print(a).  o NULL means the defaults. */
bool tensor_format_np_str(const NnTensor *t, const PrintOptions *o, StrBuf *sb);
/* numpy: repr(a): "array([1, 2, 3])", "array([0.5, 1. ], dtype=float32)". */
bool tensor_format_np_repr(const NnTensor *t, const PrintOptions *o, StrBuf *sb);

/* TF: str(t) / print(t) and nnsh's prompt echo of a tf tensor:
 * "tf.Tensor([5 7 9], shape=(3,), dtype=int32)", with the body on a new line
 * when numpy's str of it has several lines.  Uses numpy's default options. */
bool tensor_format_tf(const NnTensor *t, StrBuf *sb);
/* TF: repr(t): "<tf.Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>". */
bool tensor_format_tf_repr(const NnTensor *t, StrBuf *sb);

/* A numpy scalar (element 0 of t0d, normally a 0-d tensor): str and, in
 * numpy 1.24, repr alike: "0.5", "6.0", "1e-05", "5", "True".  repr only
 * differs under legacy 1.13 (not through this call: both print the same). */
bool tensor_format_scalar_np(const NnTensor *t0d, StrBuf *sb, bool repr);

/* TF: repr of a variable; `name` is the full name ("Variable:0"):
 * "<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>". */
bool tensor_format_variable(const NnTensor *t, const char *name, StrBuf *sb);

/* ---- additions beyond the TF defaults ---- */

/* As tensor_format_tf / tensor_format_tf_repr, but with the numpy print
 * options in force (TF prints through numpy, so np.set_printoptions applies
 * to tf tensors too).  o NULL means the defaults. */
bool tensor_format_tf_opts(const NnTensor *t, const PrintOptions *o, StrBuf *sb);
bool tensor_format_tf_repr_opts(const NnTensor *t, const PrintOptions *o, StrBuf *sb);

/* A numpy scalar under print options: as tensor_format_scalar_np, except
 * that legacy='1.13' prints floats the 1.13 way (repr %.17g / %.8g, str
 * %.12g / %.6g for float64 / float32).  o NULL means the defaults. */
bool tensor_format_scalar_np_opts(const NnTensor *t0d, const PrintOptions *o, StrBuf *sb,
                                  bool repr);

/* numpy's name of a dtype: "float32", "int64", "bool", "uint8". */
const char *tensor_format_dtype_name(NnDType dt);
/* Python's tuple text of a shape: "(2, 3)", "(3,)", "()". */
void tensor_format_shape(int ndim, const int64_t *shape, StrBuf *sb);

#endif
