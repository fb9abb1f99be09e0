#!/bin/sh
# valgrind.sh [PATTERN] - `make check-valgrind`: every script test
# (tests/scripts/*.nns, or those matching PATTERN) run by nnsh under
# valgrind's memcheck; a script passes when valgrind reports no invalid
# access, no use of uninitialised memory and no definitely or indirectly
# lost block.  Still-reachable memory of readline and ncurses is suppressed
# (tests/valgrind.supp); nothing else is.  Prints one line per script.
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
dir="$srcdir/tests/scripts"
supp=$(cd "$srcdir/tests" && pwd)/valgrind.supp
nnsh=$(cd "$(dirname "$nnsh")" && pwd)/$(basename "$nnsh")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for script in "$dir"/*${1:-}*.nns; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .nns)
    # the seed's Fashion-MNIST scripts train on the full data set (minutes
    # under memcheck); make check runs them under ASan in the sanitizer build
    grep -q '^# seed-check: \(slow\|needs\)' "$script" && continue
    (cd "$dir" && HOME="$tmp" NNSH_QUICK=1 valgrind -q --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --suppressions="$supp" --num-callers=20 \
        "$nnsh" "$name.nns" >/dev/null 2>"$tmp/$name.vg" </dev/null)
    if [ $? = 99 ]; then
        fail=$((fail + 1)); echo "FAIL: $name"; grep "^==" "$tmp/$name.vg" | head -30
    else
        pass=$((pass + 1)); echo "PASS: $name"
    fi
done
echo "valgrind: $pass clean, $fail with errors"
[ $fail -eq 0 ]
