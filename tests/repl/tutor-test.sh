#!/bin/sh
# tutor-test.sh - :tutor completed end to end at a terminal (tmux), typing
# the lines each step asks for: every step is announced, each is accepted
# ("Correct!"), fit runs with its live chart and returns, the lesson ends
# with "tutor: done", and ~/.nnsh/tutor remembers the progress.  Then :tutor
# 3 jumps to step 3 in a fresh session, and a wrong line gets a hint.
# Exit 77 (skipped) when tmux is missing.
. "$(dirname "$0")/tmux-lib.sh"
need_tmux "tutor test"
find_nnsh
make_tmp
sess=nnshtutor scrollback=3000 wait_secs=10 dump_lines=25
mkdir "$tmp/home"

# wait_count PATTERN N: until at least N pane lines match.
wait_count() {
    end=$(( $(now_ms) + ${3:-15} * 1000 ))
    while [ "$(now_ms)" -lt "$end" ]; do
        [ "$(count_lines "$1")" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}
prompt_count() { count_lines '^nnsh> '; }
# type_wait TEXT: types a line, then waits for one more prompt.
type_wait() {
    n=$(prompt_count)
    type_line "$1"
    wait_count '^nnsh> ' $((n + 1)) 30
}

runs=0
start() {
    tm kill-server >/dev/null 2>&1
    runs=$((runs + 1))
    sock="$tmp/tmux$runs.sock"
    tm new-session -d -s "$sess" -x 110 -y 50 \
        "HOME='$tmp/home' TERM=xterm-256color '$nnsh'; echo NNSH-EXITED; sleep 600" ||
        { echo "tmux failed"; exit 1; }
    wait_for '^nnsh> $' 10
}

start
type_line ':tutor'
check "the lesson starts at step 1" 'tutor step 1 of 6: tensors'
type_wait 'a = tf.constant([[1, 2], [3, 4]])'
type_wait 'a.shape'
check "step 1 accepted, step 2 shown" 'tutor step 2 of 6: operations'
type_wait 'a * 10'
type_wait 'b = tf.matmul(a, a)'
check "step 3 shown" 'tutor step 3 of 6: gradients'
type_wait 'x = tf.Variable(3.0)'
type_line 'with tf.GradientTape() as tape: y = x * x'
wait_for '^\.\.\. ' 5
type_wait ''
type_wait 'g = tape.gradient(y, x)'
check "step 4 shown" 'tutor step 4 of 6: a first model'
type_wait "model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation='relu'), tf.keras.layers.Dense(1)])"
type_wait "model.compile(optimizer='adam', loss='mse')"
check "step 5 shown" 'tutor step 5 of 6: fitting'
type_wait 'history = model.fit(x_train, y_train, epochs=30)'
check "fit returns and step 6 is shown" 'tutor step 6 of 6: evaluating' 60
type_wait 'loss = model.evaluate(x_train, y_train)'
type_wait 'model.predict(np.array([[0.5]]))'
check "the lesson ends" 'tutor: done'
[ "$(count_lines '^Correct!')" -eq 6 ] && ok "six steps accepted" || not_ok "six steps accepted ($(count_lines '^Correct!'))"
grep -qx 'step 7' "$tmp/home/.nnsh/tutor" && ok "progress saved as finished" ||
    not_ok "progress saved as finished: $(cat "$tmp/home/.nnsh/tutor" 2>&1)"
type_line ':quit'
check "nnsh exits" 'NNSH-EXITED'

# a fresh session: :tutor N jumps (its setup defines what earlier steps made)
start
type_line ':tutor 6'
check ":tutor 6 jumps to step 6" 'tutor step 6 of 6: evaluating'
type_wait 'undefined_name'
check "an error gets a hint" 'tutor: not quite'
type_wait 'loss = model.evaluate(x_train, y_train)'
type_wait 'model.predict(np.array([[0.5]]))'
check "step 6 passes after a jump" 'tutor: done'
type_line ':tutor 9'
check ":tutor with a bad step is a usage error" 'usage: :tutor'
type_line ':quit'
check "nnsh exits again" 'NNSH-EXITED'

echo "tutor tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
