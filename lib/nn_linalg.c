/* nn_linalg.c - to be written. */
