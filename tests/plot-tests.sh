#!/bin/sh
# plot-tests.sh - inline plots printed when stdout is not a terminal:
# tests/scripts/plot_inline.nns run with a UTF-8 and with the C locale;
# every chart has at least 10 lines, the text has no ESC or CR byte, the C
# locale's text is pure ASCII, the labels and tick values are there.
# Exit 77 (skipped) when nnsh has no plot built-in yet.
srcdir=${top_srcdir:-.}
nnsh=${NNSH:-./src/nnsh}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

echo 'plot([1, 2])' | "$nnsh" >/dev/null 2>&1 || { echo "no plot() in this nnsh: skipped"; exit 77; }
script="$srcdir/tests/scripts/plot_inline.nns"
for loc in C.UTF-8 C; do
    out="$tmp/out.$loc"
    LC_ALL=$loc LANG=$loc TERM=xterm-256color "$nnsh" "$script" >"$out" 2>"$tmp/err" </dev/null
    check "$loc: runs" '[ $? -eq 0 ] && tail -1 "$out" | grep -qx done'
    check "$loc: no ESC byte" '! grep -q "$(printf "\033")" "$out"'
    check "$loc: no CR byte" '! grep -q "$(printf "\r")" "$out"'
    check "$loc: at most 80 columns" '[ "$(LC_ALL=C.UTF-8 wc -L <"$out")" -le 80 ]'
    # plot(list): from the first line to the x tick labels: >= 10 lines
    check "$loc: plot(list) draws at least 10 lines" \
        '[ "$(awk "NR==1,/^ *0 /" "$out" | wc -l)" -ge 10 ]'
    check "$loc: y ticks of the list plot (0..100 by 20)" \
        'grep -q "^ *100[^0-9]" "$out" && grep -q "^ *60[^0-9]" "$out" && grep -q "^ *20[^0-9]" "$out"'
    check "$loc: history plot has its title, legend and x label" \
        'grep -q "model loss" "$out" && grep -q "loss .*val_loss" "$out" && grep -q "epoch" "$out"'
    check "$loc: history plot is at least 10 lines" \
        '[ "$(awk "/model loss/,/epoch/" "$out" | wc -l)" -ge 10 ]'
    check "$loc: plot(h, 'accuracy')" 'grep -q "model accuracy" "$out" && grep -q "accuracy .*val_accuracy" "$out"'
done
check "C locale: ASCII only" '! LC_ALL=C grep -q "[^ -~]" "$tmp/out.C"'
check "C locale: ASCII axes" 'grep -q "^ *0+" "$tmp/out.C"'
check "UTF-8: braille glyphs" 'grep -q "$(printf "\342\240")\|$(printf "\342\241")\|$(printf "\342\242")\|$(printf "\342\243")" "$tmp/out.C.UTF-8"'
# [[0, 255], [255, 0]]: one cell per column of two pixels, mean 0.5 = ramp[5]
check "show() without a terminal: the ASCII ramp" 'grep -qx "++" "$tmp/out.C" && grep -qx "++" "$tmp/out.C.UTF-8"'
# several series: tests/scripts/plot_series.nns in the C locale (ASCII markers *, +, o)
ser="$tmp/series"
LC_ALL=C LANG=C "$nnsh" "$srcdir/tests/scripts/plot_series.nns" >"$ser" 2>"$tmp/err" </dev/null
check "plot(x, y1, y2): runs" '[ $? -eq 0 ] && tail -1 "$ser" | grep -qx done'
section() { awk -v a="$1" -v b="$2" 'index($0, a) {on = 1} on && b != "" && index($0, b) {exit} on' "$ser"; }
check "plot(x, y1, y2): two series with the legend, x ticks from x (10..40)" \
    'section "shared x" "rows" | grep -q "^ *\*\* tenth   ++ twentieth$" &&
     section "shared x" "rows" | grep -q "^ *10 .* 40$"'
check "plot(x, [y1, y2, y3]): one series per row" \
    'section "rows" "repeated x" | grep -q "^ *\*\* r0   ++ r1   oo r2$" &&
     section "rows" "repeated x" | grep -q "^ *10 .* 40$"'
check "plot(x, y1, x, y2): two series, x not drawn" \
    'section "repeated x" "no x" | grep -q "^ *\*\* up   ++ down$" &&
     ! section "repeated x" "no x" | grep -v "down$" | grep -q "o"'
check "plot(y1, y2, labels=[a, b]): no x (ticks 0..2)" \
    'section "no x" "" | grep -q "^ *\*\* a   ++ b$" && section "no x" "" | grep -q "^ *0 .* 2$"'
check "plot(x, y) of different lengths: matplotlib's error" \
    'grep -qx "ValueError: x and y must have same first dimension, but have shapes (3,) and (2,)" "$ser"'
# plot_boundary after training on the spiral (tests/scripts/plot_boundary_spiral.nns):
# without a terminal the regions are '.' (class 0) and '-' (class 1) under
# the points 'o' and 'x'; count them in the plot area (right of the y axis,
# between the legend and the x axis row)
bnd="$tmp/boundary"
LC_ALL=C LANG=C "$nnsh" "$srcdir/tests/scripts/plot_boundary_spiral.nns" >"$bnd" 2>"$tmp/err" </dev/null
check "plot_boundary(spiral): trains and draws" \
    '[ $? -eq 0 ] && grep -qx "trained: True" "$bnd" && tail -1 "$bnd" | grep -qx done'
counts=$(awk '/^ *o 0   x 1$/ {on = 1; next}
    on && /^ *[+][-+]*$/ {exit}
    on { i = match($0, /[|+]/); s = substr($0, i + 1)
         a = s; d += gsub(/[.]/, "", a); a = s; m += gsub(/-/, "", a)
         a = s; o += gsub(/o/, "", a); a = s; x += gsub(/x/, "", a) }
    END { printf "%d %d %d %d", d, m, o, x }' "$bnd")
read -r n_dot n_dash n_o n_x <<EOF
$counts
EOF
check "plot_boundary(spiral): both regions (. $n_dot cells, - $n_dash cells) and both classes' points (o $n_o, x $n_x)" \
    '[ "${n_dot:-0}" -ge 100 ] && [ "${n_dash:-0}" -ge 100 ] && [ "${n_o:-0}" -ge 20 ] && [ "${n_x:-0}" -ge 20 ]'
echo "plot tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
