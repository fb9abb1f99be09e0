/* mod_np.c - to be written. */
