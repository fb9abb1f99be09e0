#!/bin/sh
# examples.sh - every examples/*.nns runs to completion in quick mode
# (NNSH_QUICK=1: fewer epochs, a subset of the data), with stdout a pipe:
# exit status 0, something printed, and no CR or ESC byte in the output
# (the progress lines and plots must not redraw when not on a terminal).
# Examples that need Fashion-MNIST skip themselves cleanly (exit 0 with a
# message) when /usr/share/datasets/fashion-mnist is missing.
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; }

esc=$(printf '\033')
cr=$(printf '\r')
for f in "$srcdir"/examples/*.nns; do
    name=$(basename "$f")
    out="$tmp/$name.out"
    err="$tmp/$name.err"
    NNSH_QUICK=1 HOME="$tmp" TERM=dumb "$nnsh" "$f" >"$out" 2>"$err" </dev/null
    status=$?
    if [ $status -eq 0 ]; then
        ok "$name: exit 0"
    else
        not_ok "$name: exit $status"
        sed 's/^/    /' "$err" | tail -5
    fi
    if [ -s "$out" ]; then ok "$name: prints"; else not_ok "$name: prints nothing"; fi
    if grep -q "$esc" "$out" "$err"; then not_ok "$name: ESC in output"; else ok "$name: no ESC"; fi
    if grep -q "$cr" "$out" "$err"; then not_ok "$name: CR in output"; else ok "$name: no CR"; fi
done
echo "examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
