/* nn_core.c - to be written. */
