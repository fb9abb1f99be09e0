/* complete.c - to be written. */
