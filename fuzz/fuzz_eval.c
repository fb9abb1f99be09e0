/* fuzz_eval.c - libFuzzer target: the evaluator, sandboxed (sandbox.c: no
 * file I/O, 256 MiB for the interpreter's own allocations, a 64 MiB lib
 * memory limit for tensors, a 300 ms time budget enforced through the
 * interrupt flag).  Each input runs as a script in a fresh session and must
 * end normally or with a reported error (RUN_ERROR with a text); then the
 * session must still run code.  Like main.c, the session runs on a thread
 * with a 256 MiB reserved stack, so deep recursion meets the interpreter's
 * recursion limit, not the end of the C stack. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "nn.h"
#include "sandbox.h"

#define BUDGET_MS 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void discard(void *ud, const char *s, size_t n)
{
    (void)ud; (void)s; (void)n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    sandbox_init(&interp_interrupted);
    return 0;
}

typedef struct {
    const uint8_t *data;
    size_t size;
} Input;

static void *run_input(void *ud)
{
    const Input *in = ud;
    Interp *I = interp_new();
    if (!I)
        abort();
    interp_set_output(I, discard, NULL);
    nn_ctx_set_threads(interp_nn(I), 1);
    nn_ctx_set_mem_limit(interp_nn(I), (size_t)64 << 20);
    interp_interrupted = 0;
    sandbox_enter(BUDGET_MS);
    RunStatus st = interp_run(I, (const char *)in->data, in->size, "fuzz.nns", 0);
    sandbox_leave();
    interp_interrupted = 0;
    if (st == RUN_ERROR && !interp_error_text(I)[0]) {
        fprintf(stderr, "an error without a report\n");
        abort();
    }
    static const char probe[] = "probe_x = [1, 2]\nassert probe_x[1] == 2\n";
    if (interp_run(I, probe, sizeof probe - 1, "probe.nns", 0) != RUN_OK) {
        fprintf(stderr, "the session no longer runs code: %s\n", interp_error_text(I));
        abort();
    }
    interp_free(I);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, (size_t)256 << 20) != 0 ||
        pthread_create(&th, &attr, run_input, &in) != 0)
        abort();
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    return 0;
}
