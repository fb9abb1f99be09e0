#!/bin/sh
# run-cli-tests.sh - the nnsh command line: options, exit statuses, code
# from -c and from a pipe, script arguments, Ctrl-C in a script, and the
# session record (:save reruns to the same output, :export holds each input
# and its output) through `nnsh -i` fed from a pipe.
# Expected texts are written here by hand from Python's and GNU's behaviour.
# Ends with "N passed, N failed".
nnsh=${NNSH:-./src/nnsh}
case $nnsh in /*) ;; *) nnsh=$(pwd)/$nnsh ;; esac
[ -x "$nnsh" ] || { echo "no nnsh at $nnsh"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME="$tmp"
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; }

# expect NAME WANT_STATUS WANT_STDOUT_FILE [WANT_STDERR_FILE] -- CMD...
# (stdout/stderr of the last `run` are in out/err, its status in $st)
run() { "$@" >out 2>err </dev/null; st=$?; }
same() { # same NAME FILE TEXT: file content equals text (printf %s)
    printf '%s' "$3" >want
    if cmp -s want "$2"; then ok "$1"; else not_ok "$1"; echo "  want: $(od -c want | head -3)"; echo "  got:  $(od -c "$2" | head -3)"; fi
}
status_is() { if [ "$st" = "$2" ]; then ok "$1"; else not_ok "$1 (status $st, want $2)"; head -3 err; fi; }

run "$nnsh" -c 'print(1 + 2)'
same "-c runs code" out '3
'
status_is "-c exits 0" 0

printf 'x = 2\nprint(x ** 10)\n' | "$nnsh" >out 2>err; st=$?
same "a pipe runs as a script, no prompt or escapes" out '1024
'
same "a pipe prints nothing on stderr" err ''

printf 'print(1)\nprint(undefined_y)\n' | "$nnsh" >out 2>err; st=$?
status_is "an error in piped code exits 1" 1
grep -q "^<stdin>:2:7: error: NameError: name 'undefined_y' is not defined$" err &&
    ok "a piped error is reported as <stdin>:LINE:COL" || not_ok "a piped error is reported as <stdin>:LINE:COL"

run "$nnsh" --version
status_is "--version exits 0" 0
head -1 out >first
same "--version prints the version first" first 'nnsh 0.1.0
'
grep -q 'GPL' out && ok "--version names the license" || not_ok "--version names the license"

run "$nnsh" --help
status_is "--help exits 0" 0
grep -q '^Usage: nnsh' out && ok "--help prints the usage to stdout" || not_ok "--help prints the usage to stdout"

run "$nnsh" --bogus
status_is "an unknown option exits 2" 2
same "an unknown option is explained" err "nnsh: unrecognized option '--bogus'
Try 'nnsh --help' for more information.
"
run "$nnsh" -z
status_is "an unknown short option exits 2" 2
same "an unknown short option is explained" err "nnsh: invalid option -- 'z'
Try 'nnsh --help' for more information.
"
run "$nnsh" -c
status_is "-c without code exits 2" 2

run "$nnsh" nope.nns
status_is "a missing script exits 2" 2
same "a missing script is explained" err "nnsh: can't open file 'nope.nns': No such file or directory
"

run "$nnsh" -c 'import sys
print(sys.argv)' a 'b c'
same "-c sets sys.argv" out "['-c', 'a', 'b c']
"
printf '#!/usr/bin/env nnsh\nimport sys\nprint(sys.argv)\n' >args.nns
run "$nnsh" args.nns one --two
same "a script gets sys.argv and may start with #!" out "['args.nns', 'one', '--two']
"
run "$nnsh" -c 'exit(4)'
status_is "exit(4) exits 4" 4
run "$nnsh" -c 'import sys
sys.exit(3)'
status_is "sys.exit(3) exits 3" 3
run "$nnsh" -c 'print(1 / 0)'
status_is "an error in -c code exits 1" 1
grep -q '^<string>:1:' err && ok "-c errors name <string>" || not_ok "-c errors name <string>"

run "$nnsh" -c 'def f(n):
    return f(n + 1)
f(0)'
status_is "unbounded recursion is an error, not a crash" 1
grep -q 'RecursionError' err && ok "unbounded recursion is a RecursionError" || not_ok "unbounded recursion is a RecursionError"

# Ctrl-C in a script: KeyboardInterrupt, status 130.
"$nnsh" -c 'while True:
    pass' >out 2>err &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid"; st=$?
status_is "Ctrl-C in a script exits 130" 130

# The session record: -i reads the session from the pipe.
cat >session.in <<'EOF'
a = 3
a * 2
print("hi")
undefined_z
for k in range(2):
    print(k)

:save saved.nns
:export saved.md
:history
EOF
"$nnsh" -q -i <session.in >out 2>err; st=$?
status_is "nnsh -i reads a session from a pipe" 0
grep -q '^Saved 4 inputs to saved.nns$' out && ok ":save reports what it wrote" || not_ok ":save reports what it wrote"
grep -q '^   4! undefined_z$' out && ok ":history numbers inputs and marks errors" || not_ok ":history numbers inputs and marks errors"
run "$nnsh" saved.nns
same "the :saved script reruns to the same output" out '6
hi
0
1
'
if grep -q '^a \* 2$' saved.md && grep -q '^```python$' saved.md && grep -q 'undefined_z' saved.md &&
   grep -q "NameError: name 'undefined_z' is not defined" saved.md; then
    ok ":export holds inputs, outputs and errors"
else
    not_ok ":export holds inputs, outputs and errors"
fi

printf ':seed x\n:nope\n:hepl\n:threads 0\n' | "$nnsh" -q -i >out 2>err
grep -q 'usage: :seed N$' err && ok "a bad argument prints the usage" || not_ok "a bad argument prints the usage"
grep -q ':nope: unknown command; type :help for the list$' err && ok "an unknown command is one line" || not_ok "an unknown command is one line"

grep -q ':hepl: unknown command; did you mean :help?$' err && ok "an unknown command suggests the closest" || not_ok "an unknown command suggests the closest"

# nnsh --export: a script as a notebook, a cell per statement that prints.
printf 'a = 6\nprint(a * 7)\nb = 1; print(b)\nprint(nope)\n' >nb.nns
run "$nnsh" --export=nb.md nb.nns
status_is "--export keeps the script's exit status" 1
same "--export writes the cells with outputs and the error" nb.md '# nb.nns

**In [1]:**

```python
a = 6
print(a * 7)
```

```
42
```

**In [2]:**

```python
b = 1; print(b)
```

```
1
```

**In [3]:**

```python
print(nope)
```

```
nb.nns:4:7: error: NameError: name '"'nope'"' is not defined
print(nope)
      ^
```
'
run "$nnsh" --export=x.md
status_is "--export without a script is a usage error" 2

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
