/* tensor_format_spec.c - f"{t}" and format(t, spec) of TensorFlow tensors.
 *
 * TF formats a tensor through its numpy value (EagerTensor.__format__), so
 * f"{loss}" of a scalar gives "3.0" and f"{t}" of a vector "[1 2 3]", while
 * str(t) and print(t) keep the tf.Tensor(...) form.  numpy arrays and
 * scalars use the generic formatting (str for an empty spec, the number for
 * a numeric spec). */
#include "interp.h"
#include "tensor_value.h"
#include "nn.h"

bool tensor_format_spec(Interp *I, Value self, const char *spec, size_t len, StrBuf *sb,
                        bool *handled)
{
    (void)spec;
    *handled = false;
    NnTensor *t = tensor_value_get(self);
    if (!t || len != 0 || tensor_value_flavour(self) != TENSOR_TF)
        return true;
    Value np;
    if (!tensor_value_new(I, nn_tensor_ref(t), TENSOR_NP, &np))
        return false;
    bool ok = value_str(I, np, sb);
    value_decref(np);
    *handled = ok;
    return ok;
}
