/* fuzz_parse.c - libFuzzer target: the lexer and the parser.  The first
 * byte chooses the prompt rules (PARSE_INTERACTIVE) or script rules; the
 * rest is source.  Any input must give PARSE_OK with a chunk, or an error
 * with a position and a message, never a crash, a leak or deep C recursion. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int flags = (data[0] & 1) ? PARSE_INTERACTIVE : 0;
    Chunk *chunk = NULL;
    ParseError pe = { 0 };
    ParseStatus st = parse_chunk((const char *)data + 1, size - 1, "<fuzz>", flags, &chunk, &pe);
    if (st == PARSE_OK) {
        if (!chunk)
            abort();
        chunk_unref(chunk);
    } else if (st == PARSE_ERROR && (!pe.msg[0] || pe.line < 1 || pe.col < 1)) {
        fprintf(stderr, "parse error without a message or position\n");
        abort();
    }
    return 0;
}
