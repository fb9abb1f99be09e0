#!/bin/sh
# fuzz/make-corpus.sh BUILDDIR OUTDIR - the seed corpora: OUTDIR/TARGET/.
#   parse, eval: every script in tests/scripts/ and examples/ (parse gets a
#     leading options byte: 0 = script rules, 1 = prompt rules), plus the
#     regression files;
#   idx, npy, csv, model: files written by the library (gen_seeds.c).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 out=$2
for t in parse eval idx npy csv model; do mkdir -p "$out/$t"; done
for f in "$top"/tests/scripts/*.nns "$top"/examples/*.nns; do
    [ -f "$f" ] || continue
    n=$(basename "$f" .nns)
    { printf '\000'; cat "$f"; } > "$out/parse/$n"
    { printf '\001'; cat "$f"; } > "$out/parse/$n.prompt"
    cp "$f" "$out/eval/$n"
done
"$build/gen_seeds" "$out"
# hand-written seeds: parse ones get the options byte too
for f in "$top"/fuzz/seeds/parse/*; do
    [ -f "$f" ] || continue
    { printf '\000'; cat "$f"; } > "$out/parse/seed-$(basename "$f")"
    { printf '\001'; cat "$f"; } > "$out/parse/seed-$(basename "$f").prompt"
done
for t in parse eval idx npy csv model; do
    if [ -d "$top/fuzz/regressions/$t" ]; then
        for f in "$top/fuzz/regressions/$t"/*; do
            [ -f "$f" ] && cp "$f" "$out/$t/regression-$(basename "$f")"
        done
    fi
done
exit 0
