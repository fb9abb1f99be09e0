/* sha512.h - SHA-512 (FIPS 180-4), as hashlib.sha512: random.seed(str)
 * hashes the seed as CPython does.  Part of the language core. */
#ifndef NNSH_SHA512_H
#define NNSH_SHA512_H

#include <stddef.h>
#include <stdint.h>

/* The 64-byte digest of data[0..n). */
void sha512(const void *data, size_t n, uint8_t digest[64]);

#endif
