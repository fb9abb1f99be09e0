/* nn_shape.c - to be written. */
