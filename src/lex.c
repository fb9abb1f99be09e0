/* lex.c - to be written. */
