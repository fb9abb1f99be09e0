/* nn_tensor.h - NnTensor: dtype, shape, strides, reference-counted buffer, views.
 *
 * Depends on nn_core.h.  Tensors are reference counted (nn_tensor_ref /
 * nn_tensor_unref; unref(NULL) is a no-op).  Arguments are borrowed; a
 * function that returns NnTensor* returns a new reference, or NULL with the
 * status and message in the ctx.  A view shares its base's buffer (the
 * buffer has its own reference count), so writing through a view writes the
 * base, as numpy does.
 *
 * Strides are in elements and may be zero (broadcast) or negative
 * (reversed slices).  Every size and byte count is computed with overflow
 * checks before anything is allocated.
 */
#ifndef NN_TENSOR_H
#define NN_TENSOR_H

#include "nn_core.h"

#define NN_MAXDIM 8

/* Ordered by promotion rank within each kind. */
typedef enum {
    NN_BOOL, NN_U8, NN_I32, NN_I64, NN_F32, NN_F64,
    NN_NDTYPES
} NnDType;

size_t nn_dtype_size(NnDType dt);
const char *nn_dtype_name(NnDType dt);          /* "float32", "int64", "bool", "uint8" */
bool nn_dtype_from_name(const char *name, NnDType *out); /* also "float", "int", "f4", "<i8" */
static inline bool nn_dtype_is_float(NnDType dt) { return dt == NN_F32 || dt == NN_F64; }
static inline bool nn_dtype_is_int(NnDType dt) { return dt == NN_U8 || dt == NN_I32 || dt == NN_I64; }
/* numpy's result type of two arrays: bool < ints < floats; u8+i32 -> i32 ... */
NnDType nn_promote(NnDType a, NnDType b);

typedef struct NnBuffer {
    int refcount;
    size_t nbytes;
    void *data;
    NnCtx *ctx;
} NnBuffer;

struct NnNode;  /* autodiff: the operation that produced a tensor (nn_grad.h) */

typedef struct NnTensor {
    int refcount;
    NnDType dtype;
    int ndim;                       /* 0 for a scalar */
    int64_t shape[NN_MAXDIM];
    int64_t strides[NN_MAXDIM];     /* elements */
    int64_t offset;                 /* elements from buf->data to element [0,...,0] */
    NnBuffer *buf;
    NnCtx *ctx;
    struct NnNode *node;            /* producing op on the tape, or NULL */
    bool requires_grad;             /* a watched leaf (tf.Variable, tape.watch) */
} NnTensor;

/* ---- creation ---- */
NnTensor *nn_tensor_new(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape);   /* zero-filled */
NnTensor *nn_tensor_empty(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape); /* uninitialised */
NnTensor *nn_tensor_from_data(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape,
                              const void *data);                                   /* copies */
NnTensor *nn_tensor_scalar(NnCtx *ctx, NnDType dt, double v);
NnTensor *nn_tensor_scalar_i64(NnCtx *ctx, NnDType dt, int64_t v);
NnTensor *nn_tensor_full(NnCtx *ctx, NnDType dt, int ndim, const int64_t *shape, double v);

NnTensor *nn_tensor_ref(NnTensor *t);           /* returns t */
void nn_tensor_unref(NnTensor *t);

/* ---- inspection ---- */
int64_t nn_tensor_numel(const NnTensor *t);
bool nn_tensor_is_contiguous(const NnTensor *t);  /* C order, no gaps */
void *nn_tensor_data(const NnTensor *t);          /* address of element [0,...,0] */
bool nn_shape_equal(const NnTensor *a, const NnTensor *b);
/* "(2, 3)" / "(3,)" / "()" into buf (Python tuple text); returns buf. */
char *nn_shape_str(int ndim, const int64_t *shape, char *buf, size_t size);

/* Element access by flat C-order index (any strides).  get_f64 of an int64
 * beyond 2^53 loses precision: use get_i64 for ints. */
double nn_tensor_get_f64(const NnTensor *t, int64_t flat);
int64_t nn_tensor_get_i64(const NnTensor *t, int64_t flat);
void nn_tensor_set_f64(NnTensor *t, int64_t flat, double v);
void nn_tensor_set_i64(NnTensor *t, int64_t flat, int64_t v);

/* ---- copies and conversions ---- */
NnTensor *nn_tensor_copy(NnCtx *ctx, const NnTensor *t);          /* contiguous deep copy */
NnTensor *nn_tensor_contiguous(NnCtx *ctx, NnTensor *t);          /* t itself (ref) when already */
NnTensor *nn_tensor_cast(NnCtx *ctx, const NnTensor *t, NnDType dt); /* new contiguous; numpy casting */

/* ---- views (no copy when the layout allows) ---- */
/* shape may hold one -1 (inferred).  View when contiguous, else a copy.
 * Error (numpy's text): "cannot reshape array of size 10 into shape (3,4)". */
NnTensor *nn_tensor_reshape(NnCtx *ctx, NnTensor *t, int ndim, const int64_t *shape);
/* perm NULL reverses the axes. */
NnTensor *nn_tensor_transpose(NnCtx *ctx, NnTensor *t, const int *perm);
/* numpy slice semantics on one axis (start/stop already clamped by the caller
 * with nn_slice_indices); step != 0. */
NnTensor *nn_tensor_slice(NnCtx *ctx, NnTensor *t, int axis, int64_t start, int64_t stop, int64_t step);
/* Python slice normalisation: fills *start and *stop for length n and returns the
 * number of elements.  has_* false means the bound was omitted. */
int64_t nn_slice_indices(int64_t n, bool has_start, int64_t *start, bool has_stop,
                         int64_t *stop, int64_t step);
/* Drops `axis` by taking position `index` (negative counts from the end).
 * Error: "index 5 is out of bounds for axis 0 with size 3". */
NnTensor *nn_tensor_select(NnCtx *ctx, NnTensor *t, int axis, int64_t index);
NnTensor *nn_tensor_expand_dims(NnCtx *ctx, NnTensor *t, int axis);
/* axis -1... ; axis = NN_ALL_AXES squeezes every size-1 axis. */
#define NN_ALL_AXES 0x7fff
NnTensor *nn_tensor_squeeze(NnCtx *ctx, NnTensor *t, int axis);
NnTensor *nn_tensor_broadcast_to(NnCtx *ctx, NnTensor *t, int ndim, const int64_t *shape);

/* Broadcast shape of two shapes (numpy rules); NN_EDIM with
 * "shapes (3,) and (4,) cannot be broadcast together" otherwise. */
NnStatus nn_broadcast_shape(NnCtx *ctx, int na, const int64_t *sa, int nb, const int64_t *sb,
                            int *nout, int64_t *sout);

/* ---- writes (numpy item and slice assignment) ---- */
/* Copies src into dst (a view of the target), broadcasting src and casting. */
NnStatus nn_tensor_assign(NnCtx *ctx, NnTensor *dst, const NnTensor *src);
/* dst[mask] = src (src broadcast to the number of true entries, or a scalar). */
NnStatus nn_tensor_mask_assign(NnCtx *ctx, NnTensor *dst, const NnTensor *mask, const NnTensor *src);
/* dst[index] = src along axis 0 with an integer index array. */
NnStatus nn_tensor_put(NnCtx *ctx, NnTensor *dst, const NnTensor *index, const NnTensor *src);
/* x[mask] -> 1-D copy of the selected elements (mask has x's shape, or a
 * prefix of it, selecting sub-arrays). */
NnTensor *nn_tensor_mask_select(NnCtx *ctx, const NnTensor *t, const NnTensor *mask);

#endif
