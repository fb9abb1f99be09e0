/* mod_np.h - shared between the files of the numpy module (mod_np.c,
 * mod_np_shape.c, mod_np_random.c); owned by the tensor-language part.
 */
#ifndef NNSH_MOD_NP_H
#define NNSH_MOD_NP_H

#include "tensor_value.h"

/* v as a numpy tensor (new reference), Python ints -> int64, floats -> float64. */
bool np_tensor(Interp *I, Value v, NnTensor **out);
/* v as a numpy value: Python numbers stay numbers (weak operands), the rest
 * becomes an ndarray / numpy scalar value (new reference). */
bool np_value(Interp *I, Value v, Value *out);
/* The argument was given and is not None. */
bool np_given(Value v);

extern const NativeDef np_create_defs[];   /* mod_np_shape.c */
extern const NativeDef np_shape_defs[];    /* mod_np_shape.c */

#endif
