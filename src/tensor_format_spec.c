/* tensor_format_spec.c - f"{t}" and format(t, spec) of tensors and numpy
 * values.
 *
 * TF formats a tensor through its numpy value (EagerTensor.__format__), so
 * f"{loss}" of a scalar gives "3.0" and f"{t}" of a vector "[1 2 3]", while
 * str(t) and print(t) keep the tf.Tensor(...) form.  A numpy scalar (and a
 * 0-d array) formats as the Python number it holds, as numpy 1.24 does:
 * f"{np.float32(0.1)}" is "0.10000000149011612" (float(x) formatted), and
 * f"{np.int64(2):>5}" is "    2".  Other numpy arrays use the generic
 * formatting (str for an empty spec). */
#include "interp.h"
#include "tensor_value.h"
#include "nn.h"

/* The Python number a one-element numpy value holds. */
static Value scalar_py(const NnTensor *t)
{
    if (t->dtype == NN_BOOL)
        return val_bool(nn_tensor_get_i64(t, 0) != 0);
    if (nn_dtype_is_int(t->dtype))
        return val_int(nn_tensor_get_i64(t, 0));
    return val_float(nn_tensor_get_f64(t, 0));
}

bool tensor_format_spec(Interp *I, Value self, const char *spec, size_t len, StrBuf *sb,
                        bool *handled)
{
    *handled = false;
    NnTensor *t = tensor_value_get(self);
    if (!t)
        return true;
    TensorFlavour fl = tensor_value_flavour(self);
    if (fl != TENSOR_TF && t->ndim == 0) {
        *handled = format_value(I, scalar_py(t), spec, len, sb);
        return *handled;
    }
    if (fl == TENSOR_NP && len != 0)
        return interp_error(I, ERR_TYPE, "unsupported format string passed to numpy.ndarray.__format__");
    if (len != 0 || fl != TENSOR_TF)
        return true;
    Value np;
    if (!tensor_value_new(I, nn_tensor_ref(t), TENSOR_NP, &np))
        return false;
    bool ok = value_str(I, np, sb);
    value_decref(np);
    *handled = ok;
    return ok;
}
