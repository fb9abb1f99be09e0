/* nn_reduce.c - to be written. */
