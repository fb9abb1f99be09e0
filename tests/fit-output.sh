#!/bin/sh
# fit-output.sh - the Keras progress output of fit/evaluate/predict when
# stdout is not a terminal (tf.keras 2.12's Progbar; timings vary, so lines
# are matched by regular expressions):
#   verbose=1   "Epoch 1/3", then only the epoch's final bar line
#               "32/32 [==============================] - 0s 2ms/step - loss: 0.6931 - accuracy: 0.5000"
#   verbose=2   "Epoch 1/3", then
#               "32/32 - 0s - loss: 0.6931 - accuracy: 0.5000 - 63ms/epoch - 2ms/step"
#               (val_ values before the timings)
#   verbose=0   nothing
# no carriage return and no escape byte anywhere; values under 1e-3 in
# Keras's %.4e ("0.0000e+00").
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; echo "---- output ----"; cat "$out"; echo "----"; fi; }

printf 'import tensorflow as tf\ntf.keras.Sequential().fit\n' | "$nnsh" >/dev/null 2>&1 ||
    { echo "no keras fit in this nnsh: skipped"; exit 77; }
cat >"$tmp/fit.nns" <<'EOF'
import numpy as np
import tensorflow as tf
np.random.seed(0)
x = np.random.rand(1000, 4)
y = (x[:, 0] > 0.5).astype('int64')
model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation='softmax', input_shape=(4,))])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
print('== verbose=1')
h = model.fit(x, y, epochs=3)
print('== verbose=2')
h = model.fit(x, y, epochs=3, verbose=2)
print('== verbose=2 validation')
h = model.fit(x, y, epochs=2, verbose=2, validation_split=0.2)
print('== verbose=0')
h = model.fit(x, y, epochs=2, verbose=0)
print('== evaluate')
r = model.evaluate(x, y)
print('== zero loss')
z = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer='zeros', input_shape=(4,))])
z.compile(optimizer='sgd', loss='mse')
h = z.fit(x[:64], np.zeros((64, 1)), epochs=1, verbose=2)
print('== end')
EOF
out="$tmp/out"
"$nnsh" "$tmp/fit.nns" >"$out" 2>"$tmp/err" </dev/null
check "the script runs" '[ $? -eq 0 ] && tail -1 "$out" | grep -qx "== end"'
check "no carriage return" '! grep -q "$(printf "\r")" "$out"'
check "no escape byte" '! grep -q "$(printf "\033")" "$out"'

# the lines between "== NAME" and the next "== " marker
section() { awk -v s="== $1" '$0 == s {on = 1; next} /^== / {on = 0} on' "$out"; }
num='[0-9]+\.[0-9]{4}(e[-+][0-9]{2})?'
t='[0-9]+(us|ms|s)'
bar1="^32/32 \[==============================\] - [0-9]+s $t/step - loss: $num - accuracy: $num\$"
bar2="^32/32 - [0-9]+s - loss: $num - accuracy: $num - $t/epoch - $t/step\$"
bar2v="^25/25 - [0-9]+s - loss: $num - accuracy: $num - val_loss: $num - val_accuracy: $num - $t/epoch - $t/step\$"
# each section must be exactly: Epoch i/n, then one line matching the bar, per epoch
shape() {   # shape SECTION EPOCHS REGEX
    section "$1" >"$tmp/sec"
    [ "$(wc -l <"$tmp/sec")" -eq $(($2 * 2)) ] || return 1
    i=1
    while [ $i -le "$2" ]; do
        [ "$(sed -n "$((2 * i - 1))p" "$tmp/sec")" = "Epoch $i/$2" ] || return 1
        sed -n "$((2 * i))p" "$tmp/sec" | grep -Eq "$3" || return 1
        i=$((i + 1))
    done
}
check "verbose=1: Epoch i/3 and the final bar line per epoch" 'shape "verbose=1" 3 "$bar1"'
check "verbose=2: Epoch i/3 and N/N - Xs - loss - accuracy - Yms/epoch - Zms/step" 'shape "verbose=2" 3 "$bar2"'
check "verbose=2 with validation: val_ values before the timings" 'shape "verbose=2 validation" 2 "$bar2v"'
check "verbose=0: nothing" '[ -z "$(section "verbose=0")" ]'
check "evaluate: one final bar line" \
    '[ "$(section evaluate | wc -l)" -eq 1 ] && section evaluate | grep -Eq "$bar1"'
check "a value under 1e-3 is written %.4e (loss: 0.0000e+00)" \
    'section "zero loss" | grep -Eq "^2/2 - [0-9]+s - loss: 0\.0000e\+00 - $t/epoch - $t/step\$"'
echo "fit output tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
