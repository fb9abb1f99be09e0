/* fuzz_idx.c - libFuzzer target: the IDX reader (raw and gzip), with the
 * lib memory limit the sandbox uses.  A file either loads, and then its
 * shape agrees with its element count, or fails with a message. */
#include <stdint.h>
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static NnCtx *ctx;
    if (!ctx)
        ctx = fuzz_ctx();
    const char *path = fuzz_write("in.idx", data, size);
    if (!path)
        return 0;
    NnTensor *t = nn_idx_load(ctx, path);
    if (!t) {
        fuzz_check_error(ctx);
        return 0;
    }
    int64_t n = 1;
    for (int d = 0; d < t->ndim; d++)
        n *= t->shape[d];
    if (n != nn_tensor_numel(t))
        abort();
    nn_tensor_unref(t);
    return 0;
}
