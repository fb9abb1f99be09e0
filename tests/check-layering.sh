#!/bin/sh
# check-layering.sh - the house rules of DESIGN §2, checked on #include lines:
# lib/ never reaches src/, readline or ncurses, never prints or exits;
# src/ reaches lib only through nn.h; readline only in repl.c/complete.c,
# ncurses only in the plot files.
srcdir=${top_srcdir:-.}
fail=0
bad() { echo "layering: $*"; fail=1; }

for f in "$srcdir"/lib/*.c "$srcdir"/lib/*.h; do
    [ -f "$f" ] || continue
    grep -nE '#include *[<"](readline|curses|ncurses|term)' "$f" && bad "$f includes a terminal library"
    grep -nE '#include *"(\.\./)?src/' "$f" && bad "$f includes from src/"
    grep -nE '#include *"(value|interp|eval|parse|ast|lex|repl)\.h"' "$f" && bad "$f includes a src header"
    grep -nE '\b(printf|puts|putchar|exit|abort|longjmp|fprintf *\( *std(out|err))\b *\(' "$f" \
        | grep -vE '^\s*[0-9]+:\s*(/?\*|//)' | grep -v 'snprintf' && bad "$f prints, exits or jumps"
done
for f in "$srcdir"/src/*.c "$srcdir"/src/*.h; do
    [ -f "$f" ] || continue
    base=$(basename "$f")
    grep -nE '#include *"nn_[a-z_]*\.h"' "$f" && bad "$f includes an internal lib header (use nn.h)"
    case "$base" in
        repl.c|complete.c|shellcmd.c|main.c) ;;
        *) grep -nE '#include *<readline/' "$f" && bad "$f includes readline" ;;
    esac
    case "$base" in
        plot*.c|dashboard*.c) ;;
        *) grep -nE '#include *<n?curses' "$f" && bad "$f includes ncurses" ;;
    esac
    case "$base" in
        lex.*|parse.*|ast.*) grep -nE '#include *"nn\.h"' "$f" && bad "$f (front end) includes nn.h" ;;
    esac
done
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
