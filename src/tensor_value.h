/* tensor_value.h - tensors as values of the nnsh language.
 *
 * One value type wraps an NnTensor* (lib) with a flavour that only changes
 * how it looks and how dtypes are inferred:
 *   TENSOR_TF      a TensorFlow EagerTensor: prints "tf.Tensor(..., shape=, dtype=)",
 *                  immutable, Python ints become int32 and floats float32;
 *   TENSOR_NP      a numpy ndarray: str/repr as numpy, item assignment,
 *                  Python ints become int64 and floats float64;
 *   TENSOR_SCALAR  a numpy scalar (np.float32(1), np.sum(a), a[0] of a 1-D
 *                  array): a 0-d tensor that prints and behaves like a number.
 *
 * Files: tensor_value.c (the classes, conversion, operators), tensor_index.c
 * (indexing and item assignment), tensor_methods.c (attributes and methods),
 * tensor_dtype.c (dtype objects, TensorShape, print options), mod_tf.c and
 * mod_np.c / mod_np_random.c (the tensorflow and numpy modules).
 * Depends on value.h, interp.h and lib's nn.h; nothing in lib knows it.
 *
 * Ownership: tensor_value_new takes the caller's reference to the tensor;
 * tensor_value_get lends one; tensor_from_value returns a new reference.
 * Every function returns false with the language error pending on failure.
 */
#ifndef NNSH_TENSOR_VALUE_H
#define NNSH_TENSOR_VALUE_H

#include "nn.h"
#include "interp.h"

typedef enum { TENSOR_TF, TENSOR_NP, TENSOR_SCALAR } TensorFlavour;

/* Wraps t (takes the caller's reference, also on failure).  A 0-d tensor
 * given TENSOR_NP stays a 0-d ndarray; use tensor_value_np for numpy results
 * that become scalars when 0-d. */
bool tensor_value_new(Interp *I, NnTensor *t, TensorFlavour fl, Value *out);
/* numpy's rule for function results: 0-d -> numpy scalar, else ndarray. */
bool tensor_value_np(Interp *I, NnTensor *t, Value *out);
/* As tensor_value_new; NULL t means the lib call failed: raises its error. */
bool tensor_value_wrap(Interp *I, NnTensor *t, TensorFlavour fl, Value *out);

/* The tensor of a tensor value (borrowed), NULL when v is not a tensor. */
NnTensor *tensor_value_get(Value v);
bool tensor_value_is(Value v);
TensorFlavour tensor_value_flavour(Value v);   /* TENSOR_NP for non-tensors */

/* Converts v (a tensor, a Python number or bool, nested lists/tuples of
 * them) to a tensor.  dtype < 0 infers it by the flavour's rules; otherwise
 * the result has that dtype (cast as numpy casts).  A tensor argument of the
 * right dtype is returned as a new reference to the same tensor.  Ragged
 * lists are a ValueError worded as numpy (or TF for TENSOR_TF). */
bool tensor_from_value(Interp *I, Value v, int dtype, TensorFlavour fl, NnTensor **out);

/* ---- dtypes ---- */
/* Accepts tf.float32, np.float32, a.dtype, 'float32' (also 'f4', 'float',
 * 'int'), and the Python types float/int/bool.  TypeError
 * "data type 'foo' not understood" otherwise. */
bool tensor_dtype_from_value(Interp *I, Value v, NnDType *out);
/* An optional dtype argument: unset/None gives -1. */
bool tensor_dtype_arg(Interp *I, Value v, int *out);
typedef enum { DTYPE_TF, DTYPE_NP, DTYPE_NP_TYPE } DTypeKind;
/* tf.float32 (DTYPE_TF), dtype('float32') (DTYPE_NP), np.float32 (DTYPE_NP_TYPE). */
bool tensor_dtype_value(Interp *I, NnDType dt, DTypeKind kind, Value *out);
/* A TensorShape value (tf's .shape) for the shape. */
bool tensor_shape_value(Interp *I, int ndim, const int64_t *shape, Value *out);
/* A tuple of ints. */
bool tensor_shape_tuple(Interp *I, int ndim, const int64_t *shape, Value *out);

/* ---- argument helpers shared by mod_tf.c and mod_np.c ---- */
/* A shape argument: an int, a list/tuple of ints, a TensorShape or a 1-D int tensor. */
bool tensor_shape_arg(Interp *I, const char *fname, Value v, int *ndim, int64_t *shape);
/* An axis argument: unset/None -> naxes 0 (all); an int or a sequence of
 * ints, normalised against ndim ("axis 2 is out of bounds for array of
 * dimension 2"). */
bool tensor_axes_arg(Interp *I, Value v, int ndim, int *axes, int *naxes);
/* One axis (normalised); unset/None gives `dflt` (NN_ALL_AXES allowed). */
bool tensor_axis_arg(Interp *I, Value v, int ndim, int dflt, int *axis);
/* A list/tuple of tensors (or tensor-likes) converted with tensor_from_value;
 * *ts gets an array of new references (free with tensor_list_free). */
bool tensor_list_arg(Interp *I, Value v, TensorFlavour fl, NnTensor ***ts, int *n);
void tensor_list_free(NnTensor **ts, int n);

/* ---- operations used by the operators and by the modules ---- */
/* a OP b with the dtype rules of the flavour of the result (tf if either
 * operand is tf).  Python numbers are weak operands. */
bool tensor_binary(Interp *I, NnBinaryOp op, Value a, Value b, Value *out);
/* An element-wise math function (exp, sqrt, ...): integer input is cast to
 * float32 (tf) or float64 (np) first.  flavour from the argument (np for
 * lists). */
bool tensor_unary(Interp *I, NnUnaryOp op, Value a, TensorFlavour fl, Value *out);
/* Reductions with numpy's result dtypes (sum of ints -> int64 in np; tf
 * keeps the dtype).  axis/keepdims as numpy. */
bool tensor_reduce(Interp *I, NnReduceOp op, Value a, Value axis, Value keepdims,
                   TensorFlavour fl, int ddof, Value *out);
/* matmul with promotion of the operands to one dtype. */
bool tensor_matmul(Interp *I, Value a, Value b, TensorFlavour fl, Value *out);

/* ---- indexing (tensor_index.c) ---- */
bool tensor_getitem(Interp *I, Value self, Value key, Value *out);
bool tensor_setitem(Interp *I, Value self, Value key, Value v);

/* ---- attributes and methods (tensor_methods.c) ---- */
bool tensor_getattr(Interp *I, Value self, const char *name, Value *out, bool *found);
extern const NativeDef tensor_methods[];
extern const char *const tensor_attr_names[];

/* ---- display (tensor_dtype.c): numpy print options are per Interp,
 * kept in the numpy module (np._printoptions). ---- */
bool tensor_repr(Interp *I, Value self, StrBuf *sb);
bool tensor_str(Interp *I, Value self, StrBuf *sb);
/* tf.print's text of a tensor (numpy str of the values). */
bool tensor_print_text(Interp *I, NnTensor *t, StrBuf *sb);
/* The numpy module's `_printoptions` value (a new one holds the defaults)
 * and its PrintOptions (tensor_format.h), NULL when v is not one. */
struct PrintOptions;
bool tensor_printoptions_new(Interp *I, Value *out);
struct PrintOptions *tensor_printoptions_get(Value v);

/* ---- extension of the tf namespace by other parts ----
 * When the tensorflow module is created, the modules registered under the
 * names in tensor_tf_extensions (e.g. "nnsh.tf_autodiff") are imported if
 * registered and each of their attributes is copied into tf; so the autodiff,
 * keras and data parts can add tf.Variable, tf.keras, tf.data without
 * editing mod_tf.c. */
extern const char *const tensor_tf_extensions[];

/* ---- tf.Variable (added for autodiff; behaviour in mod_autodiff.c) ----
 * A variable is a tensor value whose instance data starts like every tensor
 * value's ({t, fl} with fl TENSOR_TF), so tensor_value_get, the operators
 * and the tensor methods accept it; it adds a name and the trainable flag.
 * Its tensor is updated in place by assign/assign_add/assign_sub, and has
 * requires_grad set when trainable, so GradientTapes watch it on first read. */
typedef struct TensorObj {
    NnTensor *t;
    TensorFlavour fl;
} TensorObj;
typedef struct VarObj {
    TensorObj base;
    char *name;                 /* "Variable:0" (malloc'd) */
    bool trainable;
} VarObj;
/* Wraps t (takes the caller's reference, also on failure) as a variable. */
bool tensor_variable_new(Interp *I, NnTensor *t, const char *name, bool trainable, Value *out);
VarObj *tensor_variable_get(Value v);          /* NULL when v is not a variable */
extern const NativeClass tensor_variable_class;

/* The modules' create functions (registered by tensor_install). */
bool mod_tf_create(Interp *I, Value *out);
bool mod_np_create(Interp *I, Value *out);
bool mod_np_random_create(Interp *I, Value *out);
bool mod_np_linalg_create(Interp *I, Value *out);

/* ---- added for the display of types and for `...` (tensor part) ---- */
/* The type value of numpy arrays (np.ndarray) and of tf tensors (tf.Tensor). */
bool tensor_np_type(Interp *I, Value *out);
bool tensor_tf_type(Interp *I, Value *out);
/* The class of the Ellipsis singleton (tensor_index.c); tensor_install adds
 * the one instance as the built-in `Ellipsis`, which `...` evaluates to. */
extern const NativeClass tensor_ellipsis_class;

/* ---- numpy scalar types as classes (tensor_nptypes.c) ----
 * np.float64 & co. are the classes of numpy scalars (type(a[0]) is
 * np.float64), with numpy 1.24's abstract bases (generic, number, integer,
 * signedinteger, unsignedinteger, inexact, floating; np.float64 also
 * subclasses float); calling one makes a scalar (tensor_np_scalar_call). */
bool tensor_np_scalar_type(Interp *I, NnDType dt, Value *out);      /* new reference */
bool tensor_np_scalar_type_dtype(Value v, NnDType *out);            /* v is np.<dtype> */
bool tensor_np_scalar_call(Interp *I, NnDType dt, const Args *a, Value *out);
/* Adds the abstract classes to the numpy module m and sets the scalar
 * types' bases. */
bool tensor_np_types_install(Interp *I, Value m);
/* The class of numpy scalars of dtype dt (tensor_value.c); NULL for none. */
const NativeClass *tensor_scalar_class(NnDType dt);
extern const NativeDef np_types_defs[];   /* np.issubdtype */
/* Raises numpy.<cls_attr>(msg) (e.g. "_UFuncOutputCastingError"); false. */
bool tensor_np_raise(Interp *I, const char *cls_attr, const char *msg);

#endif
