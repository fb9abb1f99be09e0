#!/bin/sh
# notebook-test.sh - the session record as a lesson's notebook and script.
# A session of a few inputs (a tensor echo, a print, a block, an inline plot,
# an error) is exported with :export and saved with :save:
#   - the notebook holds every input in a ```python block followed by its
#     exact output (the expected Markdown is written out here by hand);
#   - the :save'd script skips the failed input, reruns with `nnsh FILE` and
#     prints exactly what the session printed;
#   - typed at a terminal (tmux), a session with a fit (the live dashboard)
#     exports without any escape sequence or carriage return.
. "$(dirname "$0")/tmux-lib.sh"
find_nnsh
make_tmp
sess=nb
cd "$tmp" || exit 1
export HOME="$tmp"
same() { # same NAME FILE: the file equals ./want
    if cmp -s want "$2"; then ok "$1"; else not_ok "$1"; diff want "$2" | head -20; fi
}

cat >session.in <<'EOF2'
import tensorflow as tf
a = tf.constant([1, 2, 3])
a * 2
print(tf.reduce_sum(a))
for k in range(2):
    print(k * 10)

b = a + tf.constant([1, 2])
plot([0, 1, 4, 9], height=6, width=30)
:export nb.md
:save nb.nns
EOF2
LC_ALL=C TERM=dumb "$nnsh" -q -i <session.in >out 2>err
[ $? -eq 0 ] && ok "the session runs" || not_ok "the session runs"

# what each input printed, as Python/TensorFlow print it
cat >want <<'EOF2'
# nnsh session

**In [1]:**

```python
import tensorflow as tf
```

**In [2]:**

```python
a = tf.constant([1, 2, 3])
```

**In [3]:**

```python
a * 2
```

```
tf.Tensor([2 4 6], shape=(3,), dtype=int32)
```

**In [4]:**

```python
print(tf.reduce_sum(a))
```

```
tf.Tensor(6, shape=(), dtype=int32)
```

**In [5]:**

```python
for k in range(2):
    print(k * 10)
```

```
0
10
```

**In [6]:**

```python
b = a + tf.constant([1, 2])
```

```
<stdin>:1:5: error: ValueError: shapes (3,) and (2,) cannot be broadcast together in add
b = a + tf.constant([1, 2])
    ^
```
EOF2
# the cells before the plot's, and the plot's cell (its input, then the chart)
sed -n '/^\*\*In \[7\]:\*\*$/,$p' nb.md >plotcell
sed '/^\*\*In \[7\]:\*\*$/,$d' nb.md | sed '$d' >nb.head
same ":export: each input and its exact output, the error included" nb.head
if grep -qx 'plot(\[0, 1, 4, 9\], height=6, width=30)' plotcell && [ "$(grep -c '^```' plotcell)" -eq 4 ] &&
   grep -q '^ *5[+|┤]' plotcell && grep -q '^ *0[+|┤]' plotcell; then
    ok ":export: the plot is a text block below its input"
else
    not_ok ":export: the plot is a text block below its input"; cat plotcell
fi
grep -q "$(printf '\033')" nb.md && not_ok ":export: no ESC" || ok ":export: no ESC"

# the session's own output, minus the two command reports
grep -v '^Exported \|^Saved ' out >want
"$nnsh" nb.nns >rerun 2>rerun.err
[ $? -eq 0 ] && ok "the saved script runs" || { not_ok "the saved script runs"; cat rerun.err; }
LC_ALL=C TERM=dumb "$nnsh" nb.nns >rerun 2>/dev/null
same "the saved script prints what the session printed" rerun
grep -q 'tf.constant(\[1, 2\])' nb.nns && not_ok ":save leaves out the failed input" || ok ":save leaves out the failed input"

# at a terminal, with the live fit dashboard
if command -v tmux >/dev/null 2>&1; then
    cat >run.sh <<EOF2
HOME='$tmp' TERM=xterm-256color '$nnsh' -q
echo NNSH-EXITED; sleep 600
EOF2
    tm new-session -d -s nb -x 100 -y 40 "sh $tmp/run.sh"
    wait_for() {
        i=0
        while [ $i -lt 300 ]; do
            tm capture-pane -p -t nb | grep -q -E -- "$1" && return 0
            sleep 0.1; i=$((i + 1))
        done
        return 1
    }
    t() { tm send-keys -t nb -l -- "$1"; tm send-keys -t nb Enter; }
    wait_for '^nnsh> '
    t 'import numpy as np'
    t 'import tensorflow as tf'
    t 'model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])'
    t "model.compile(optimizer='sgd', loss='mse')"
    t 'h = model.fit(np.zeros((64, 1)), np.ones((64, 1)), epochs=3)'
    wait_for '^Epoch 3/3'          # the dashboard reads keys until fit ends
    wait_for '^nnsh> $'
    t 'print(len(h.history["loss"]))'
    t ':export tty.md'
    wait_for '^Exported 6 inputs to tty.md' && ok ":export at a terminal" || not_ok ":export at a terminal"
    t ':quit'
    wait_for NNSH-EXITED
    if [ ! -f tty.md ] || grep -q "$(printf '\033')" tty.md || grep -q "$(printf '\r')" tty.md; then
        not_ok "a terminal session exports without ESC or CR"
    else
        ok "a terminal session exports without ESC or CR"
    fi
    grep -q '^Epoch 3/3$' tty.md && grep -qx 3 tty.md && ok "the fit's epoch lines are in the notebook" ||
        { not_ok "the fit's epoch lines are in the notebook"; cat tty.md; }
else
    echo "tmux not found: terminal part skipped"
fi

echo "notebook tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
