#!/bin/sh
# run-scripts.sh - runs every tests/scripts/*.nns with nnsh and compares
#   stdout with NAME.out, and, when they exist, stderr with NAME.err and the
#   exit status with NAME.status (default 0).  Prints one line per script and
#   a closing "N passed, N failed" line.  The seed tutorial's scripts
#   (seed_*.nns: output checked by pattern, data that may be missing) are
#   left to tests/seed-check.sh.
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
dir="$srcdir/tests/scripts"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for script in "$dir"/*.nns; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .nns)
    case $name in seed_*) continue ;; esac    # tests/seed-check.sh runs these
    want_status=0
    [ -f "$dir/$name.status" ] && want_status=$(cat "$dir/$name.status")
    (cd "$dir" && HOME="$tmp" NNSH_QUICK=1 "$nnsh" "$name.nns" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" </dev/null)
    status=$?
    ok=1
    if [ -f "$dir/$name.out" ] && ! cmp -s "$dir/$name.out" "$tmp/$name.stdout"; then
        echo "FAIL: $name: stdout differs"; diff "$dir/$name.out" "$tmp/$name.stdout" | head -20; ok=0
    fi
    if [ -f "$dir/$name.err" ] && ! cmp -s "$dir/$name.err" "$tmp/$name.stderr"; then
        echo "FAIL: $name: stderr differs"; diff "$dir/$name.err" "$tmp/$name.stderr" | head -20; ok=0
    fi
    if [ "$status" != "$want_status" ]; then
        echo "FAIL: $name: exit status $status, expected $want_status"; head -5 "$tmp/$name.stderr"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); echo "PASS: $name"; else fail=$((fail + 1)); fi
done
echo "scripts: $pass passed, $fail failed"
[ $fail -eq 0 ]
