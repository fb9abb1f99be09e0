#!/bin/sh
# seed-check.sh - the seed tutorial's snippets, run verbatim by nnsh
# (tests/scripts/seed_*.nns, see DESIGN §1: "the code a reader copies out of a
# tutorial runs as it is and prints what the tutorial shows").
#
# Each seed_NAME.nns is checked against one of:
#   seed_NAME.out   exact stdout (deterministic snippets: tensors, the session,
#                   summary tables), with seed_NAME.err / .status when present;
#   seed_NAME.pat   stdout line by line, for snippets that train: a line that
#                   starts with "re:" is an extended regular expression the whole
#                   output line must match, any other line must match exactly.
#                   seed_NAME.errpat is the same for stderr (when present).
#   In re: lines, {num} stands for a Keras log value (0.1234 or 1.2345e-05)
#   and {time} for the progress bar's "- 0s 2ms/step" timing.
# Directives inside the script:
#   # seed-check: needs PATH    skip the script when PATH does not exist
#   # seed-check: slow          run only when SEED_SLOW=1 (make check-slow)
#
# run-scripts.sh leaves the .pat scripts to this driver.  Exit status: 1 when a
# script fails, else 77 (skipped, for automake) when a script was skipped
# because its data is missing, else 0.
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
dir="$srcdir/tests/scripts"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
num='[0-9]+\.[0-9]{4}(e[-+][0-9]{2})?'
time_re='[0-9]+s [0-9]+(us|ms|s)/step'

# same_lines WANT GOT: GOT matches WANT line by line (exact or re:).
same_lines()
{
    n=0
    while :; do
        IFS= read -r want <&3; w=$?
        IFS= read -r got <&4; g=$?
        [ $w -ne 0 ] && [ $g -ne 0 ] && return 0
        n=$((n + 1))
        if [ $w -ne 0 ]; then echo "    line $n: unexpected: $got"; return 1; fi
        if [ $g -ne 0 ]; then echo "    line $n: missing: $want"; return 1; fi
        case $want in
        re:*)
            re=$(printf '%s\n' "${want#re:}" | sed -e "s/{num}/$num/g" -e "s#{time}#$time_re#g")
            printf '%s\n' "$got" | grep -Eqx -e "$re" && continue ;;
        *)
            [ "$got" = "$want" ] && continue ;;
        esac
        echo "    line $n: expected: $want"
        echo "    line $n:      got: $got"
        return 1
    done 3<"$1" 4<"$2"
}

# directive SCRIPT WORD: the argument of "# seed-check: WORD ARG" (or WORD).
directive()
{
    sed -n "s/^# seed-check: $2 *//p" "$1" | head -1
}

for script in "$dir"/seed_*.nns; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .nns)
    base="$dir/$name"
    if grep -q '^# seed-check: slow' "$script" && [ "${SEED_SLOW:-0}" != 1 ]; then
        continue
    fi
    need=$(directive "$script" needs)
    if [ -n "$need" ] && [ ! -e "$need" ]; then
        skip=$((skip + 1)); echo "SKIP: $name: $need is missing"; continue
    fi
    (cd "$dir" && env -u NNSH_DATA HOME="$tmp" "$nnsh" "$name.nns" \
        >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" </dev/null)
    status=$?
    want_status=0
    [ -f "$base.status" ] && want_status=$(cat "$base.status")
    ok=1
    if [ -f "$base.pat" ]; then
        same_lines "$base.pat" "$tmp/$name.stdout" || { echo "  ($name: stdout)"; ok=0; }
    elif [ -f "$base.out" ]; then
        cmp -s "$base.out" "$tmp/$name.stdout" || { diff "$base.out" "$tmp/$name.stdout" | head -20; ok=0; }
    fi
    if [ -f "$base.errpat" ]; then
        same_lines "$base.errpat" "$tmp/$name.stderr" || { echo "  ($name: stderr)"; ok=0; }
    elif [ -f "$base.err" ]; then
        cmp -s "$base.err" "$tmp/$name.stderr" || { diff "$base.err" "$tmp/$name.stderr" | head -20; ok=0; }
    fi
    if [ "$status" != "$want_status" ]; then
        echo "    exit status $status, expected $want_status"; head -5 "$tmp/$name.stderr"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); echo "PASS: $name"; else fail=$((fail + 1)); echo "FAIL: $name"; fi
done
echo "seed: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || exit 1
[ $skip -eq 0 ] || exit 77
exit 0
