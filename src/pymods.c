/* pymods.c - to be written. */
