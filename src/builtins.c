/* builtins.c - to be written. */
