#!/bin/sh
# bench/blas-shapes.sh - `make bench`: the BLAS choice, measured.  Builds
# bench/blas_shapes.c against OpenBLAS (what nnsh links) and against BLIS
# (Debian's libblis-dev, when installed) and runs both on one thread with
# the environment as it is (OPENBLAS_CORETYPE included).  Informational:
# nnsh keeps OpenBLAS unless BLIS wins the training shapes.
here=$(dirname "$0")
cc=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "== BLAS at the training shapes, 1 thread (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}) =="
if $cc -O2 -o "$tmp/openblas" "$here/blas_shapes.c" -lopenblas 2>/dev/null; then
    OPENBLAS_NUM_THREADS=1 "$tmp/openblas" OpenBLAS
else
    echo "  OpenBLAS: cannot build against -lopenblas"
fi
if $cc -O2 -o "$tmp/blis" "$here/blas_shapes.c" -lblis -lm -lpthread 2>/dev/null; then
    BLIS_NUM_THREADS=1 "$tmp/blis" "BLIS"
else
    echo "  BLIS: not installed (apt-get install libblis-dev to compare)"
fi
echo
