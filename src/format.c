/* format.c - to be written. */
