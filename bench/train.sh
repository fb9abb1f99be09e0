#!/bin/sh
# bench/train.sh - `make bench`, second half: the training matrix, nnsh
# against PyTorch on Fashion-MNIST (bench/train_matrix.py prints the table
# and writes bench/results.json).  Never part of make check.
set -e
top_builddir=${top_builddir:-.}
here=$(dirname "$0")
if [ ! -x "$top_builddir/bench/nnsh_bench" ]; then
    echo "train.sh: $top_builddir/bench/nnsh_bench not built (run: make bench)" >&2
    exit 1
fi
echo "== Training: nnsh vs PyTorch, Fashion-MNIST =="
exec /usr/bin/python3 "$here/train_matrix.py" --builddir "$top_builddir" "$@"
