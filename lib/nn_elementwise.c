/* nn_elementwise.c - to be written. */
