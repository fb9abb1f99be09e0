# tmux-lib.sh - the common part of the tests that drive nnsh through tmux
# (run-repl-tests.sh, tutor-test.sh, dashboard-tests.sh, notebook-test.sh).
# Sourced, never run as a test: each script does
#     . "$(dirname "$0")/tmux-lib.sh"
# before any cd, so it is found next to the script in the source tree, also
# when the build directory is another one (make distcheck, CI's build-asan/).
#
# Every tmux command goes to a private server on a socket in the script's
# temporary directory ($sock, see tm), never to the default server.
#
# Settings a script may change after sourcing (the defaults are in brackets):
#   sess        the tmux session that screen, type_line & co. talk to [nnsh]
#   scrollback  history lines screen() captures; empty: the visible pane []
#   wait_secs   default timeout of wait_for and check, in seconds [5]
#   dump_lines  pane lines not_ok prints after a failure; 0: none [0]
#   dump_blank  1: keep blank lines in that dump; 0: drop them [0]
# The tally is in $pass and $fail.

sess=nnsh
scrollback=
wait_secs=5
dump_lines=0
dump_blank=0
pass=0 fail=0

# find_nnsh: $nnsh is $NNSH (else ./src/nnsh) as an absolute path; exits 1
# when it is not an executable.
find_nnsh() {
    nnsh=${NNSH:-./src/nnsh}
    case $nnsh in /*) ;; *) nnsh=$(pwd)/$nnsh ;; esac
    [ -x "$nnsh" ] || { echo "no nnsh at $nnsh"; exit 1; }
}

# need_tmux WHAT: exits 77 (skipped) when tmux is missing.
need_tmux() {
    command -v tmux >/dev/null 2>&1 || { echo "tmux not found: $1 skipped"; exit 77; }
}

# make_tmp: a temporary directory $tmp holding the socket $sock, removed
# (after the tmux server on $sock is ended) when the script exits.
make_tmp() {
    tmp=$(mktemp -d) || exit 1
    sock="$tmp/tmux.sock"
    trap cleanup EXIT
}
cleanup() { tm kill-server >/dev/null 2>&1; rm -rf "$tmp"; }

# tm ARGS: tmux on the private socket, without any config file.
tm() { tmux -S "$sock" -f /dev/null "$@"; }

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() {
    fail=$((fail + 1)); echo "FAIL - $1"
    [ "$dump_lines" -gt 0 ] || return 0
    echo "---- screen ----"
    if [ "$dump_blank" = 1 ]; then screen | tail -"$dump_lines"
    else screen | grep -v '^$' | tail -"$dump_lines"; fi
    echo "----------------"
}

# capture [DEPTH]: the pane's text, with DEPTH lines of history if given.
capture() {
    if [ -n "$1" ]; then tm capture-pane -p -J -S "-$1" -t "$sess" 2>/dev/null
    else tm capture-pane -p -J -t "$sess" 2>/dev/null; fi
}
screen() { capture "$scrollback"; }
now_ms() { date +%s%3N; }

# wait_for PATTERN [SECONDS] [grep options]: polls the pane until grep
# matches (extended regex by default); returns 1 on timeout.
wait_for() {
    pat=$1 secs=${2:-$wait_secs} opt=${3:--E}
    end=$(( $(now_ms) + secs * 1000 ))
    while [ "$(now_ms)" -lt "$end" ]; do
        screen | grep -q $opt -- "$pat" && return 0
        sleep 0.05
    done
    return 1
}
# count_lines PATTERN: how many pane lines match.
count_lines() { screen | grep -c -E -- "$1"; }
# type_line TEXT: sends the text literally, then Enter.
type_line() { tm send-keys -t "$sess" -l -- "$1"; tm send-keys -t "$sess" Enter; }
# check NAME PATTERN [SECONDS]: ok when PATTERN shows up in time.
check() { if wait_for "$2" "${3:-$wait_secs}"; then ok "$1"; else not_ok "$1"; fi; }
