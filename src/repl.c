/* repl.c - to be written. */
