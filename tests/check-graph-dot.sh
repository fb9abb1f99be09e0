#!/bin/sh
# check-graph-dot.sh - graph(t, file=...) writes DOT that Graphviz accepts:
#   runs a small two-layer computation through nnsh and renders the file
#   with `dot -Tsvg`.  Skipped (77) when Graphviz is not installed.
nnsh=${NNSH:-./src/nnsh}
command -v dot >/dev/null 2>&1 || exit 77
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/g.nns" <<'NNS'
import tensorflow as tf
x = tf.constant([[1., 2.], [3., 4.]])
w = tf.Variable([[0.5], [-0.5]])
b = tf.Variable(0.1)
with tf.GradientTape() as tape:
    h = tf.nn.relu(x @ w + b)
    loss = tf.reduce_mean(tf.square(h - 1.0) + h * h)
graph(loss, file='g.dot')
p = tf.placeholder(tf.float32, shape=(None, 2))
graph(tf.matmul(p, w) + b, file='p.dot')
NNS
(cd "$tmp" && "$nnsh" g.nns) || { echo "nnsh failed"; exit 1; }
for f in g p; do
    dot -Tsvg "$tmp/$f.dot" -o "$tmp/$f.svg" || { echo "dot rejected $f.dot"; cat "$tmp/$f.dot"; exit 1; }
    grep -q '<svg' "$tmp/$f.svg" || { echo "no svg for $f.dot"; exit 1; }
done
echo "graph DOT accepted by dot"
