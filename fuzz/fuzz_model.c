/* fuzz_model.c - libFuzzer target: the model loader.  When a fuzzed file
 * loads, the model is saved again and reloaded: the round trip must load,
 * with the same layers and the same weights bit for bit. */
#include <stdint.h>
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_weights(const NnModel *a, const NnModel *b)
{
    if (nn_model_nlayers(a) != nn_model_nlayers(b))
        abort();
    for (int i = 0; i < nn_model_nlayers(a); i++) {
        if (nn_model_layer_nweights(a, i) != nn_model_layer_nweights(b, i))
            abort();
        for (int j = 0; j < nn_model_layer_nweights(a, i); j++) {
            bool tr;
            int nd, nd2;
            int64_t sh[NN_MAXDIM], sh2[NN_MAXDIM], n = 1;
            nn_model_weight_info(a, i, j, &tr, &nd, sh);
            nn_model_weight_info(b, i, j, &tr, &nd2, sh2);
            if (nd != nd2 || memcmp(sh, sh2, sizeof(int64_t) * (size_t)nd) != 0)
                abort();
            for (int d = 0; d < nd; d++)
                n *= sh[d];
            if (n && memcmp(nn_model_weight_data(a, i, j), nn_model_weight_data(b, i, j),
                            (size_t)n * sizeof(float)) != 0)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static NnCtx *ctx;
    if (!ctx)
        ctx = fuzz_ctx();
    const char *path = fuzz_write("in.nnz", data, size);
    if (!path)
        return 0;
    NnModel *m = nn_model_load(ctx, path);
    if (!m) {
        fuzz_check_error(ctx);
        return 0;
    }
    const char *back = fuzz_path("back.nnz");
    if (nn_model_save(ctx, m, back) != NN_OK) {
        if (nn_status(ctx) != NN_ENOMEM) {
            fprintf(stderr, "a loaded model does not save: %s\n", nn_errmsg(ctx));
            abort();
        }
        nn_clear_error(ctx);
        nn_model_free(m);
        return 0;
    }
    NnModel *m2 = nn_model_load(ctx, back);
    if (!m2) {
        fprintf(stderr, "a saved model does not load: %s\n", nn_errmsg(ctx));
        abort();
    }
    same_weights(m, m2);
    nn_model_free(m2);
    nn_model_free(m);
    return 0;
}
