/* mod_tf.h - shared between the files of the tensorflow module (mod_tf.c,
 * mod_tf_shape.c); owned by the tensor-language part.
 */
#ifndef NNSH_MOD_TF_H
#define NNSH_MOD_TF_H

#include "tensor_value.h"

/* v as a tf value: tensors re-flavoured (same buffer), others converted
 * with TF's dtype rules (dtype -1 infers). */
bool tf_value(Interp *I, Value v, int dtype, Value *out);
/* v as a tensor with TF's dtype rules (new reference). */
bool tf_tensor(Interp *I, Value v, NnTensor **out);
bool tf_eye(Interp *I, Value self, const Args *a, Value *out);      /* mod_tf.c */
bool tf_cumsum(Interp *I, Value self, const Args *a, Value *out);   /* mod_tf_shape.c */

extern const NativeDef tf_shape_defs[];    /* mod_tf_shape.c */
extern const NativeDef tf_linalg_defs[];   /* mod_tf_shape.c */

/* mod_tf_extra.c: more tf names, added to tf and its submodules by mod_tf.c. */
extern const NativeDef tf_extra_defs[];
extern const NativeDef tf_extra_math_defs[];
extern const NativeDef tf_extra_linalg_defs[];
extern const NativeDef tf_extra_nn_defs[];
extern const NativeDef tf_extra_random_defs[];

#endif
