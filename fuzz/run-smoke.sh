#!/bin/sh
# fuzz/run-smoke.sh [SECONDS] [TARGET...] - builds the fuzz targets, replays
# each target's regression files, then fuzzes each target for SECONDS
# (default 30), one at a time (the machine is shared), from the seed corpus
# with the target's dictionary.  Prints "TARGET: N execs, corpus M files"
# per target; exits 1 when a target crashes (the input is left in
# $FUZZ_WORK/artifacts/, default fuzz/build/work).
# A smoke run is reproducible: the random seed is fixed (FUZZ_SEED, default 1)
# and each target stops after a fixed number of inputs (runs_of below, about
# 20 s each on a 2-core machine; FUZZ_RUNS=-1 lifts it), SECONDS being only a
# cap, so a given commit always meets the same inputs in the same order and
# a slower machine meets a prefix of them.  To find new inputs, fuzz longer
# with other seeds: FUZZ_SEED=7 FUZZ_RUNS=-1 fuzz/run-smoke.sh 600 eval.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-"parse eval idx npy csv model"}
build=${FUZZ_BUILD:-$top/fuzz/build}
work=${FUZZ_WORK:-$build/work}

"$top/fuzz/build.sh" "$build" >/dev/null
rm -rf "$work" && mkdir -p "$work/artifacts"
"$top/fuzz/make-corpus.sh" "$build" "$work/corpus"

dict_of() {
    case $1 in parse|eval) echo nns ;; *) echo "$1" ;; esac
}
runs_of() {
    if [ -n "${FUZZ_RUNS:-}" ]; then echo "$FUZZ_RUNS"; return; fi
    case $1 in
    eval) echo 4000 ;; parse) echo 100000 ;; idx) echo 150000 ;;
    npy) echo 400000 ;; csv) echo 300000 ;; *) echo 200000 ;;
    esac
}
status=0
for t in $targets; do
    bin=$build/fuzz_$t
    regs=$(ls "$top/fuzz/regressions/$t"/* 2>/dev/null || true)
    if [ -n "$regs" ] && ! "$bin" $regs >"$work/$t.replay.log" 2>&1; then
        echo "$t: a regression file fails (see $work/$t.replay.log)"; status=1; continue
    fi
    ok=1
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$bin" -seed="${FUZZ_SEED:-1}" -runs="$(runs_of "$t")" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$top/fuzz/dict/$(dict_of "$t").dict" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$t-" "$work/corpus/$t" >"$work/$t.log" 2>&1 || ok=0
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
    files=$(ls "$work/corpus/$t" | wc -l)
    if [ $ok = 1 ]; then
        echo "$t: ${execs:-0} execs (at most $(runs_of "$t"), ${secs}s), corpus $files files"
    else
        echo "$t: FAILED after ${execs:-?} execs; see $work/$t.log and $work/artifacts/"
        grep -m3 "ERROR\|SUMMARY\|abort\|error:" "$work/$t.log" || true
        status=1
    fi
done
exit $status
