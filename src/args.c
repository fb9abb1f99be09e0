/* args.c - to be written. */
