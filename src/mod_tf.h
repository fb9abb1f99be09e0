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

#endif
