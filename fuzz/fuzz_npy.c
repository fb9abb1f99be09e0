/* fuzz_npy.c - libFuzzer target: the .npy reader, and the .npz reader when
 * the input is a zip ("PK"): every entry of a loaded archive is read.  A
 * loaded array is written back with nn_npy_save and must read back equal. */
#include <stdint.h>
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(NnCtx *ctx, const NnTensor *t)
{
    const char *p = fuzz_path("back.npy");
    if (nn_npy_save(ctx, p, t) != NN_OK) {
        nn_clear_error(ctx);
        return;
    }
    NnTensor *b = nn_npy_load(ctx, p);
    if (!b) {
        fprintf(stderr, "saved .npy does not load: %s\n", nn_errmsg(ctx));
        abort();
    }
    bool same = b->dtype == t->dtype && b->ndim == t->ndim &&
                memcmp(b->shape, t->shape, sizeof(int64_t) * (size_t)t->ndim) == 0;
    if (same && nn_tensor_is_contiguous(t))
        same = memcmp(nn_tensor_data(b), nn_tensor_data(t),
                      (size_t)nn_tensor_numel(t) * nn_dtype_size(t->dtype)) == 0;
    if (!same)
        abort();
    nn_tensor_unref(b);
}

static void load_npz(NnCtx *ctx, const char *path)
{
    NnNpz *z = nn_npz_open(ctx, path);
    if (!z) {
        fuzz_check_error(ctx);
        return;
    }
    for (int i = 0; i < nn_npz_count(z) && i < 16; i++) {
        NnTensor *t = nn_npz_get(z, nn_npz_name(z, i));
        if (t)
            nn_tensor_unref(t);
        else
            fuzz_check_error(ctx);
    }
    nn_npz_close(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static NnCtx *ctx;
    if (!ctx)
        ctx = fuzz_ctx();
    bool zip = size >= 2 && data[0] == 'P' && data[1] == 'K';
    const char *path = fuzz_write(zip ? "in.npz" : "in.npy", data, size);
    if (!path)
        return 0;
    if (zip) {
        load_npz(ctx, path);
        return 0;
    }
    NnTensor *t = nn_npy_load(ctx, path);
    if (!t) {
        fuzz_check_error(ctx);
        return 0;
    }
    round_trip(ctx, t);
    nn_tensor_unref(t);
    return 0;
}
