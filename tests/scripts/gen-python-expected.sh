#!/bin/sh
# gen-python-expected.sh - regenerates tests/scripts/lang_*.out and py_*.out
#   (and diff_*.nns, the differential probes kept as regressions, valid
#   Python 3 with numpy) by running each with CPython,
#   so nnsh's output is compared with Python's own.  Scripts with a .status file (error cases)
#   have hand-written expectations and are skipped.
#   Usage: tests/scripts/gen-python-expected.sh [PYTHON3]
py=${1:-${PYTHON3:-/usr/bin/python3}}
dir=$(dirname "$0")
for f in "$dir"/lang_*.nns "$dir"/py_*.nns "$dir"/diff_*.nns; do
    name=${f%.nns}
    [ -f "$name.status" ] && continue
    (cd "$dir" && "$py" "$(basename "$f")") >"$name.out" || echo "python3 failed on $f" >&2
done
