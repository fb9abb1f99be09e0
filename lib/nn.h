/* nn.h - libnnsh, the tensor and model runtime of nnsh.
 *
 * The one header the program includes.  lib knows nothing of the nnsh
 * language or the terminal: it never prints, never exits, never longjmps;
 * every call reports failure through its status and the ctx message.
 *
 * A worked example:
 *
 *     NnCtx *ctx = nn_ctx_new();
 *     int64_t shape[2] = {2, 3};
 *     NnTensor *a = nn_tensor_full(ctx, NN_F32, 2, shape, 1.0);
 *     NnTensor *b = nn_binary(ctx, NN_ADD, a, a, NN_F32);    // all 2.0
 *     if (!b) fprintf(stderr, "%s\n", nn_errmsg(ctx));
 *     nn_tensor_unref(b);
 *     nn_tensor_unref(a);
 *     nn_ctx_free(ctx);
 */
#ifndef NN_H
#define NN_H

#include "nn_core.h"
#include "nn_tensor.h"
#include "nn_ops.h"
#include "nn_grad.h"
#include "nn_io.h"
#include "nn_model.h"
#include "nn_pcg64.h"   /* numpy Generator's PCG64 stream (nn_pcg64.c) */

#endif
