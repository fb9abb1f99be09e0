/* methods.c - to be written. */
