/* nn_gemm.c - to be written. */
