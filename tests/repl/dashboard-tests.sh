#!/bin/sh
# dashboard-tests.sh - the live fit dashboard through tmux (DESIGN §10):
# at 100x30 model.fit(..., epochs=200, validation_split=0.1) shows the
# charts, axis labels, "loss" and the epoch counter within a second; resizing
# to 60x15 and 20x5 while training does not crash ("terminal too small");
# q and Ctrl-C return to nnsh> with a History shorter than 200 epochs and
# the Keras epoch lines in the scrollback; after :quit the terminal settings
# (stty -g) are the same, the cursor is visible and the alternate screen is
# left.  Exit 77 (skipped) without tmux or before the Keras bindings exist.
. "$(dirname "$0")/tmux-lib.sh"
need_tmux "dashboard tests"
find_nnsh
printf 'import tensorflow as tf\nm = tf.keras.Sequential()\nm.fit\nplot\n' | "$nnsh" >/dev/null 2>&1 ||
    { echo "no keras Sequential.fit or plot() in this nnsh yet: dashboard tests skipped"; exit 77; }

make_tmp
sess=dash dump_lines=30 dump_blank=1
mkdir "$tmp/home"
history_text() { capture 3000; }

# The wrapper shell catches SIGINT (a trap, not an ignore, so nnsh starts with
# the default disposition): Ctrl-C typed to nnsh reaches the whole foreground
# process group, and a shell that dies of it would close the pane.
cat >"$tmp/run.sh" <<EOF
trap : INT
stty -g >"$tmp/stty.before"
HOME="$tmp/home" TERM=xterm-256color LANG=C.UTF-8 NNSH_DASHBOARD= "$nnsh"
echo "status=\$?" >"$tmp/status"
stty -g >"$tmp/stty.after"
echo NNSH-EXITED
exec sleep 600
EOF
tm new-session -d -s "$sess" -x 100 -y 30 "sh $tmp/run.sh" || { echo "tmux failed"; exit 1; }
check "the prompt appears" '^nnsh> $' 10

type_line 'import numpy as np'
type_line 'import tensorflow as tf'
type_line 'np.random.seed(0)'
# Big enough that 200 epochs take well over the time the checks below need
# (nnsh trains this small set at several thousand steps per second).
type_line 'x = np.random.rand(20000, 200)'
type_line "y = (x[:, 0] > x[:, 1]).astype('float32')"
type_line "model = tf.keras.Sequential([tf.keras.layers.Dense(256, activation='relu'), tf.keras.layers.Dense(1, activation='sigmoid')])"
type_line "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])"
type_line 'print("ready")'
check "the model is built" '^ready$' 10

t0=$(now_ms)
type_line 'h = model.fit(x, y, epochs=200, validation_split=0.1)'
if wait_for 'Epoch [0-9]+/200' 5 && wait_for 'loss' 2 && wait_for '┤' 2 && wait_for 'epoch' 2; then
    t=$(( $(now_ms) - t0 ))
    if [ $t -le 1000 ]; then ok "dashboard with curves, axis labels, loss, epoch counter (${t} ms)"
    else not_ok "dashboard shown after ${t} ms (more than a second)"; fi
else
    not_ok "dashboard with curves, axis labels, loss and the epoch counter"
fi
screen | grep -q -F -e '⡇' -e '⣀' -e '⠁' -e '⢀' -e '⠉' && ok "braille curves are drawn" || not_ok "braille curves are drawn"
screen | grep -q -E 'steps/s .*elapsed .*ETA' && ok "progress line: steps/s, elapsed, ETA" ||
    not_ok "progress line: steps/s, elapsed, ETA"

resize() { tm resize-window -t "$sess" -x "$1" -y "$2" 2>/dev/null || tm resize-pane -t "$sess" -x "$1" -y "$2"; }
resize 60 15
check "resized to 60x15: still drawing" 'Epoch [0-9]+/200' 3
resize 20 5
check "resized to 20x5: terminal too small" 'terminal too small' 3
resize 100 30
check "back to 100x30: the charts again" 'Epoch [0-9]+/200' 3

tm send-keys -t "$sess" l
check "l: log scale on" 'log scale on' 3
tm send-keys -t "$sess" p
check "p: paused" 'PAUSED' 3
tm send-keys -t "$sess" p
tm send-keys -t "$sess" q
check "q returns to the prompt" '^nnsh> $' 10
type_line "len(h.history['loss']) < 200"
check "the History is shorter than 200 epochs" '^True$' 5
history_text | grep -q -E '^Epoch 1/200$' && ok "the Keras epoch lines are in the scrollback" ||
    not_ok "the Keras epoch lines are in the scrollback"
history_text | grep -q -E '^ *[0-9]+/[0-9]+ \[[=>.]+\] - [0-9]+s .* - loss: [0-9.e-]+ - accuracy: [0-9.e-]+ - val_loss' &&
    ok "epoch lines in Keras's format" || not_ok "epoch lines in Keras's format"
[ "$(tm display -p -t "$sess" '#{alternate_on}')" = 0 ] && ok "the alternate screen is left" ||
    not_ok "the alternate screen is left"
[ "$(tm display -p -t "$sess" '#{cursor_flag}')" = 1 ] && ok "the cursor is visible" ||
    not_ok "the cursor is visible"

type_line 'h2 = model.fit(x, y, epochs=200)'
check "a second fit shows the dashboard" 'Epoch [0-9]+/200' 5
tm send-keys -t "$sess" C-c
check "Ctrl-C returns to the prompt" '^nnsh> $' 10
type_line "len(h2.history['loss']) < 200"
check "Ctrl-C kept a shorter History" '^True$' 5

type_line 'h3 = model.fit(x[:2000], y[:2000], epochs=2, dashboard=False)'
check "dashboard=False: the text progress bar" '^Epoch 2/2' 20
check "dashboard=False: back at the prompt" '^nnsh> $' 20

type_line ':quit'
check "nnsh exits" 'NNSH-EXITED' 10
if cmp -s "$tmp/stty.before" "$tmp/stty.after"; then ok "stty -g unchanged after :quit"
else not_ok "stty -g unchanged after :quit"; fi
echo "dashboard tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
