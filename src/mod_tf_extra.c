/* mod_tf_extra.c - tensorflow names beyond the basics, merged into tf
 * through the "nnsh.tf_extra" extension.
 *
 * Owned by the tensor-language part (see tensor_value.h, mod_tf.h).
 */
#include <string.h>
#include <math.h>
#include "mod_tf.h"

const NativeDef tf_extra_defs[] = {
    {NULL, NULL, NULL, NULL}
};
