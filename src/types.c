/* types.c - to be written. */
