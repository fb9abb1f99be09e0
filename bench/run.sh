#!/bin/sh
# bench/run.sh - `make bench`: nnsh's benchmarks (never part of make check).
# GEMM: GFLOP/s of the built-in kernel and of the BLAS at the shapes of a
# 784-128-10 MLP at batch 32 and 128, with 1 and 2 threads.
set -e
top_builddir=${top_builddir:-.}
gemm="$top_builddir/bench/gemm"
if [ ! -x "$gemm" ]; then
    echo "run.sh: $gemm not built (run: make bench)" >&2
    exit 1
fi
for t in 1 2; do
    echo "== GEMM, $t thread(s) =="
    OPENBLAS_NUM_THREADS=$t "$gemm" -t "$t" -b 32 -b 128
    echo
done
