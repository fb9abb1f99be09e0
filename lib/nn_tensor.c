/* nn_tensor.c - to be written. */
