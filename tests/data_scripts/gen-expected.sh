#!/bin/sh
# gen-expected.sh - writes NAME.out for the data part's script tests by
#   running them with Python 3, numpy 1.24 and sklearn 1.2 (Debian's
#   python3-numpy and python3-sklearn), nnsh's built-ins defined by
#   nnsh_builtins.py.  data_keras.out is written by hand (no TensorFlow in
#   Debian): its numbers come from data_keras_expected.py, which reads the
#   IDX files with Python's gzip module.  Usage: sh gen-expected.sh [NAME.nns ...]
cd "$(dirname "$0")" || exit 1
py=${PYTHON3:-/usr/bin/python3}
[ $# -gt 0 ] || set -- data_npy.nns data_csv.nns data_sklearn.nns data_teaching.nns
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
    name=$(basename "$f" .nns)
    cat nnsh_builtins.py "$name.nns" > "$tmp/$name.py"
    (cd "$tmp" && "$py" "$name.py" 2>/dev/null) >"$name.out" || { echo "python3 failed on $name.nns" >&2; exit 1; }
    echo "wrote $name.out"
done
