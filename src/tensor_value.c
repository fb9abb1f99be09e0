/* tensor_value.c - to be written. */
