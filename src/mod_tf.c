/* mod_tf.c - to be written. */
