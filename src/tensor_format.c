/* tensor_format.c - to be written. */
