/* shellcmd.c - to be written. */
