/* nn_random.c - to be written. */
