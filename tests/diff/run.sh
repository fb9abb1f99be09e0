#!/bin/sh
# run.sh - differential harness (developer tool, not part of make check):
#   runs every tests/diff/*.nns probe (valid Python 3 + numpy) with
#   /usr/bin/python3 and with ./src/nnsh and reports where they differ:
#   stdout must match byte for byte; when Python ends with an uncaught
#   exception, nnsh's "FILE:L:C: error: Kind: message" line must carry the
#   same "Kind: message" as the traceback's last line (and exit status 1).
#   PROBE.echo files are fed line by line to the interactive loop of each
#   (python3 -i, nnsh -i /dev/null, stdin a pipe) and the echoed values on
#   stdout must match.
#   Usage: sh tests/diff/run.sh [-v] [PROBE.nns|PROBE.echo ...]   (from the top of the tree)
py=${PYTHON3:-/usr/bin/python3}
nnsh=${NNSH:-$(pwd)/src/nnsh}
verbose=0
[ "$1" = -v ] && { verbose=1; shift; }
dir=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$dir"/*.nns "$dir"/*.echo
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 failed=
for f in "$@"; do
    case $f in
    *.echo)
        name=$(basename "$f")
        (cd "$dir" && timeout 20 "$py" -q -i <"$name" >"$tmp/py.out" 2>/dev/null)
        (cd "$dir" && HOME="$tmp" timeout 20 "$nnsh" -q -i /dev/null <"$name" >"$tmp/nn.out" 2>/dev/null)
        if cmp -s "$tmp/py.out" "$tmp/nn.out"; then pass=$((pass + 1)); else
            fail=$((fail + 1)); failed="$failed $name"
            echo "DIFF: $name: echo (- python, + nnsh)"
            diff "$tmp/py.out" "$tmp/nn.out" | grep '^[<>]' | sed 's/^</-/;s/^>/+/' | head -${DIFFLINES:-12}
        fi
        continue ;;
    esac
    name=$(basename "$f" .nns)
    (cd "$dir" && timeout 20 "$py" "$name.nns" >"$tmp/py.out" 2>"$tmp/py.err" </dev/null)
    pyrc=$?
    (cd "$dir" && HOME="$tmp" timeout 20 "$nnsh" "$name.nns" >"$tmp/nn.out" 2>"$tmp/nn.err" </dev/null)
    nnrc=$?
    ok=1
    if ! cmp -s "$tmp/py.out" "$tmp/nn.out"; then
        ok=0
        echo "DIFF: $name: stdout (- python, + nnsh)"
        diff "$tmp/py.out" "$tmp/nn.out" | grep '^[<>]' | sed 's/^</-/;s/^>/+/' | head -${DIFFLINES:-12}
    fi
    if [ $pyrc -ne 0 ]; then
        want=$(tail -n 1 "$tmp/py.err" | sed 's/^__main__\.//')
        got=$(grep -m1 ': error: ' "$tmp/nn.err" | sed 's/^.*: error: //')
        if [ "$want" != "$got" ] || [ $nnrc -ne 1 ]; then
            ok=0
            echo "DIFF: $name: uncaught error (status py $pyrc, nnsh $nnrc)"
            echo "  python: $want"; echo "  nnsh:   $got"
        fi
    elif [ $nnrc -ne 0 ]; then
        ok=0
        echo "DIFF: $name: nnsh exit status $nnrc"; head -3 "$tmp/nn.err" | sed 's/^/  /'
    fi
    [ $verbose = 1 ] && [ -s "$tmp/nn.err" ] && [ $pyrc -eq 0 ] && { echo "stderr: $name"; head -3 "$tmp/nn.err"; }
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $name"; fi
done
echo "diff probes: $pass same, $fail differ${failed:+:$failed}"
[ $fail -eq 0 ]
