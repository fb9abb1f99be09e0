/* mod_activations.h - activation functions shared between keras.activations
 * (mod_keras_activations.c, which owns them) and tf.nn (mod_tf.c).
 * Depends on tensor_value.h.
 */
#ifndef NNSH_MOD_ACTIVATIONS_H
#define NNSH_MOD_ACTIVATIONS_H

#include "tensor_value.h"

/* tf.nn.gelu / keras.activations.gelu of x (a tensor-like): exact
 * 0.5 * x * (1 + erf(x / sqrt(2))), or the tanh form when approximate.
 * Float inputs keep their dtype, others become float32; recorded on active
 * tapes.  Returns false with the error pending. */
bool activations_gelu(Interp *I, Value x, bool approximate, Value *out);

#endif
