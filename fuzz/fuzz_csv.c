/* fuzz_csv.c - libFuzzer target: the text-table reader (np.loadtxt and
 * np.genfromtxt).  The first byte picks the options (delimiter, names,
 * genfromtxt, skiprows, ndmin, dtype, usecols), the rest is the file. */
#include <stdint.h>
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static NnCtx *ctx;
    static const char *delims[] = { ",", NULL, ";", "\t" };
    static const NnDType dtypes[] = { NN_F64, NN_F32, NN_I64, NN_U8 };
    static const int cols[] = { 0, -1 };
    if (!ctx)
        ctx = fuzz_ctx();
    if (size < 1)
        return 0;
    uint8_t b = data[0];
    const char *path = fuzz_write("in.csv", data + 1, size - 1);
    if (!path)
        return 0;
    NnTextOptions o;
    nn_text_options_init(&o);
    o.delimiter = delims[b & 3];
    o.genfromtxt = b & 4;
    o.names = o.genfromtxt && (b & 8);
    o.skiprows = (b >> 4) & 1;
    o.ndmin = (b >> 5) & 1 ? 2 : 0;
    o.dtype = dtypes[(b >> 6) & 3];
    if (b == 0xff) {
        o.usecols = cols;
        o.nusecols = 2;
    }
    char **names = NULL;
    int nnames = 0;
    NnTensor *t = nn_text_load(ctx, path, &o, o.names ? &names : NULL, &nnames);
    if (!t) {
        fuzz_check_error(ctx);
        return 0;
    }
    if (names)
        nn_text_names_free(ctx, names, nnames);
    nn_tensor_unref(t);
    return 0;
}
