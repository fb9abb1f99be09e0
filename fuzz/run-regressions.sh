#!/bin/sh
# fuzz/run-regressions.sh - `make check`: every file in
# fuzz/regressions/TARGET/ (each an input a fuzzer once crashed on, named
# after the bug) replayed through that target's harness built without
# libFuzzer (fuzz/replay.c).  One line per file; fails on any crash.
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
status=0 n=0
for dir in "$srcdir"/fuzz/regressions/*/; do
    t=$(basename "$dir")
    bin=$builddir/fuzz/replay_$t
    [ -x "$bin" ] || { echo "FAIL: $bin missing"; status=1; continue; }
    for f in "$dir"*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        if "$bin" "$f" >/dev/null 2>&1; then
            echo "PASS: $t/$(basename "$f")"
        else
            echo "FAIL: $t/$(basename "$f")"; status=1
        fi
    done
done
echo "fuzz regressions: $n files"
exit $status
