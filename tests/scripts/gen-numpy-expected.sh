#!/bin/sh
# gen-numpy-expected.sh - writes NAME.out for the numpy-only script tests by
#   running the same code with Python 3 and numpy 1.24 (the originals nnsh
#   copies).  Usage: sh tests/scripts/gen-numpy-expected.sh [NAME.nns ...]
#   (default: every np_*.nns).  Run from anywhere; needs /usr/bin/python3
#   with numpy.
cd "$(dirname "$0")" || exit 1
py=${PYTHON3:-/usr/bin/python3}
[ $# -gt 0 ] || set -- np_*.nns
for f in "$@"; do
    name=$(basename "$f" .nns)
    "$py" "$name.nns" >"$name.out" || { echo "python3 failed on $name.nns" >&2; exit 1; }
    echo "wrote $name.out"
done
