/* autodiff_var.c - tf.Variable: the constructor, assign/assign_add/
 * assign_sub (in place, returning the variable), numpy()/value(), name and
 * trainable, and its display.
 *
 * Owned by the autodiff part.  The variable class itself lives beside the
 * other tensor classes in tensor_value.c (a variable is a tensor value, so
 * operators and tf functions accept it); this file gives it its attributes.
 * A trainable float variable's tensor has requires_grad set, so tapes watch
 * it when an operation first reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "autodiff.h"
#include "tensor_format.h"

/* ---- tf.Variable ---- */

const char *const autodiff_var_attrs[] = {
    "name", "trainable", "shape", "dtype", "ndim", "device", NULL
};

bool autodiff_var_repr(Interp *I, Value self, StrBuf *sb)
{
    VarObj *v = tensor_variable_get(self);
    if (!tensor_format_variable(v->base.t, v->name, sb))
        return interp_error(I, ERR_MEMORY, "out of memory");
    return true;
}

bool autodiff_var_getattr(Interp *I, Value self, const char *name, Value *out, bool *found)
{
    VarObj *v = tensor_variable_get(self);
    *found = true;
    if (strcmp(name, "name") == 0)
        return str_from_cstr(I, v->name, out);
    if (strcmp(name, "trainable") == 0) {
        *out = val_bool(v->trainable);
        return true;
    }
    if (strcmp(name, "device") == 0)
        return str_from_cstr(I, "/job:localhost/replica:0/task:0/device:CPU:0", out);
    return tensor_getattr(I, self, name, out, found);
}

/* value as a tensor of the variable's dtype and shape (a new reference). */
static bool var_operand(Interp *I, VarObj *v, Value value, const char *what, NnTensor **out)
{
    NnTensor *t;
    if (!tensor_from_value(I, value, v->base.t->dtype, TENSOR_TF, &t))
        return false;
    if (!nn_shape_equal(t, v->base.t)) {
        char a[128], b[128];
        nn_shape_str(v->base.t->ndim, v->base.t->shape, a, sizeof a);
        nn_shape_str(t->ndim, t->shape, b, sizeof b);
        nn_tensor_unref(t);
        return interp_error(I, ERR_VALUE, "Cannot %s to variable '%s': Shape mismatch.The "
                            "variable shape %s, and the assigned value shape %s are incompatible.",
                            what, v->name, a, b);
    }
    *out = t;
    return true;
}

/* v = value, v + value or v - value, in place; returns the variable. */
static bool var_update(Interp *I, Value self, const Args *a, NnBinaryOp op, const char *fname,
                       Value *out)
{
    VarObj *v = tensor_variable_get(self);
    NnCtx *ctx = interp_nn(I);
    Value args[4];
    NnTensor *t = NULL, *n = NULL;
    if (!args_parse(I, fname, a, "value, use_locking=, name=, read_value=", args) ||
        !var_operand(I, v, args[0], "assign", &t))
        return false;
    if (op != NN_EQ)
        n = nn_binary(ctx, op, v->base.t, t, v->base.t->dtype);
    NnStatus st = op != NN_EQ && !n ? nn_status(ctx) : nn_tensor_assign(ctx, v->base.t, n ? n : t);
    nn_tensor_unref(n);
    nn_tensor_unref(t);
    if (st != NN_OK)
        return interp_error_from_nn(I);
    value_incref(self);
    *out = self;
    return true;
}

static bool var_assign(Interp *I, Value self, const Args *a, Value *out)
{
    return var_update(I, self, a, NN_EQ, "assign", out);
}

static bool var_assign_add(Interp *I, Value self, const Args *a, Value *out)
{
    return var_update(I, self, a, NN_ADD, "assign_add", out);
}

static bool var_assign_sub(Interp *I, Value self, const Args *a, Value *out)
{
    return var_update(I, self, a, NN_SUB, "assign_sub", out);
}

/* A snapshot of the value: numpy (v.numpy()) or tf (v.value(), v.read_value()). */
static bool var_snapshot(Interp *I, Value self, const Args *a, bool np, Value *out)
{
    if (!args_parse(I, np ? "numpy" : "read_value", a, "", (Value[1]){{0}}))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), tensor_variable_get(self)->base.t);
    if (!c)
        return interp_error_from_nn(I);
    return np ? tensor_value_np(I, c, out) : tensor_value_new(I, c, TENSOR_TF, out);
}

static bool var_numpy(Interp *I, Value self, const Args *a, Value *out)
{
    return var_snapshot(I, self, a, true, out);
}

static bool var_value(Interp *I, Value self, const Args *a, Value *out)
{
    return var_snapshot(I, self, a, false, out);
}

static bool var_get_shape(Interp *I, Value self, const Args *a, Value *out)
{
    NnTensor *t = tensor_variable_get(self)->base.t;
    if (!args_parse(I, "get_shape", a, "", (Value[1]){{0}}))
        return false;
    return tensor_shape_value(I, t->ndim, t->shape, out);
}

const NativeDef autodiff_var_methods[] = {
    {"assign", var_assign, "assign(value, use_locking=False, name=None, read_value=True)",
     "Sets the variable to value (same shape) in place and returns the variable.\n  w.assign([1., 2.])"},
    {"assign_add", var_assign_add, "assign_add(delta, use_locking=False, name=None, read_value=True)",
     "Adds delta to the variable in place.\n  step.assign_add(1)"},
    {"assign_sub", var_assign_sub, "assign_sub(delta, use_locking=False, name=None, read_value=True)",
     "Subtracts delta from the variable in place (a gradient step).\n  w.assign_sub(0.1 * dw)"},
    {"numpy", var_numpy, "numpy()", "A copy of the value as a numpy array (or numpy scalar)."},
    {"value", var_value, "value()", "The current value as a tf tensor."},
    {"read_value", var_value, "read_value()", "The current value as a tf tensor."},
    {"get_shape", var_get_shape, "get_shape()", "The shape (a TensorShape)."},
    {NULL, NULL, NULL, NULL}
};

bool autodiff_variable_ctor(Interp *I, Value self, const Args *a, Value *out)
{
    Value v[7];
    int dt;
    bool trainable = true;
    const char *name = NULL;
    NnTensor *t;
    char full[256];
    (void)self;
    if (!args_parse(I, "Variable", a, "initial_value=, trainable=, validate_shape=, "
                    "caching_device=, name=, variable_def=, dtype=", v) ||
        !tensor_dtype_arg(I, v[6], &dt))
        return false;
    if (v[0].kind == VAL_UNSET)
        return interp_error(I, ERR_VALUE, "initial_value must be specified.");
    if ((v[1].kind != VAL_UNSET && v[1].kind != VAL_NONE &&
         !arg_bool(I, "Variable", "trainable", v[1], &trainable)) ||
        (v[4].kind != VAL_UNSET && v[4].kind != VAL_NONE &&
         !arg_str(I, "Variable", "name", v[4], &name)))
        return false;
    if (!tensor_from_value(I, v[0], dt, TENSOR_TF, &t))
        return false;
    NnTensor *c = nn_tensor_copy(interp_nn(I), t);   /* never shares the initial value's buffer */
    nn_tensor_unref(t);
    if (!c)
        return interp_error_from_nn(I);
    snprintf(full, sizeof full, "%s:0", name ? name : "Variable");
    return tensor_variable_new(I, c, full, trainable, out);
}

