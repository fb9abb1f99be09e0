/* tensor_inplace.c - numpy's in-place operators (a += b, a *= 2, ...).
 *
 * numpy computes the result into the left operand's buffer, so every view of
 * it sees the change, the dtype stays the left operand's, and a result that
 * cannot be cast back under the 'same_kind' rule (float into int, anything
 * into bool) or that broadcasts to a larger shape is an error.  TensorFlow
 * tensors and numpy scalars are immutable: they rebind as x = x OP y. */
#include <stdio.h>
#include <string.h>
#include "interp.h"
#include "tensor_value.h"
#include "nn.h"

static const char *ufunc_name(BinOp op)
{
    switch (op) {
    case BIN_ADD: return "add";
    case BIN_SUB: return "subtract";
    case BIN_MUL: return "multiply";
    case BIN_DIV: return "divide";
    case BIN_FLOORDIV: return "floor_divide";
    case BIN_MOD: return "remainder";
    case BIN_POW: return "power";
    case BIN_MATMUL: return "matmul";
    default: return "operation";
    }
}

/* numpy's 'same_kind' casting of a result dtype back into the target's. */
static bool same_kind(NnDType from, NnDType to)
{
    if (from == to || to == NN_F64 || to == NN_F32)
        return true;
    if (nn_dtype_is_float(from))
        return false;
    if (to == NN_BOOL)
        return from == NN_BOOL;
    return true;   /* int or bool into int */
}

/* "(2, 3)" -> "(2,3)": numpy's wording in this message has no spaces. */
static void shape_nospace(const NnTensor *t, char *buf, size_t size)
{
    char tmp[160];
    nn_shape_str(t->ndim, t->shape, tmp, sizeof tmp);
    size_t j = 0;
    for (size_t i = 0; tmp[i] && j + 1 < size; i++)
        if (tmp[i] != ' ')
            buf[j++] = tmp[i];
    buf[j] = '\0';
}

bool tensor_inplace(Interp *I, BinOp op, Value self, Value rhs, Value *out, bool *handled)
{
    *handled = false;
    NnTensor *t = tensor_value_get(self);
    if (!t || tensor_value_flavour(self) != TENSOR_NP || op == BIN_MATMUL)
        return true;
    Value r;
    if (!value_binop(I, op, self, rhs, &r))
        return false;
    NnTensor *rt = tensor_value_get(r);
    bool ok = true;
    if (!rt) {
        value_decref(r);
        return true;
    }
    if (!same_kind(rt->dtype, t->dtype)) {
        char msg[200];
        snprintf(msg, sizeof msg, "Cannot cast ufunc '%s' output from dtype('%s') to "
                 "dtype('%s') with casting rule 'same_kind'", ufunc_name(op),
                 nn_dtype_name(rt->dtype), nn_dtype_name(t->dtype));
        ok = tensor_np_raise(I, "_UFuncOutputCastingError", msg);   /* a TypeError */
    } else if (!nn_shape_equal(rt, t)) {
        char a[160], b[160];
        shape_nospace(t, a, sizeof a);
        shape_nospace(rt, b, sizeof b);
        ok = interp_error(I, ERR_VALUE, "non-broadcastable output operand with shape %s "
                          "doesn't match the broadcast shape %s", a, b);
    } else if (nn_tensor_assign(interp_nn(I), t, rt) != NN_OK) {
        ok = interp_error_from_nn(I);
    }
    value_decref(r);
    if (ok) {
        value_incref(self);
        *out = self;
        *handled = true;
    }
    return ok;
}
