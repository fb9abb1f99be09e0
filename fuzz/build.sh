#!/bin/sh
# fuzz/build.sh [BUILDDIR] - builds the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) into BUILDDIR (default fuzz/build).
# Needs a configured tree - the source tree, or the build directory named by
# FUZZ_CFG_DIR (the source lists, config.h and the library flags come from
# its generated Makefile) - and libclang-rt-14-dev.
# Objects are rebuilt only when their source is newer.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/fuzz/build}
CC=${FUZZ_CC:-clang}
cfg=$(cd "${FUZZ_CFG_DIR:-$top}" && pwd)
mkdir -p "$out/obj"
cd "$cfg"

vars() {
    make -s --no-print-directory -f Makefile -f - fuzz-print-vars <<'MK'
fuzz-print-vars:
	@echo "SOURCES=$(filter %.c,$(lib_libnnsh_la_SOURCES) $(src_libfront_la_SOURCES))"
	@echo "CFLAGS=$(BLAS_CFLAGS) $(LAPACKE_CFLAGS) $(GMP_CFLAGS) $(ZLIB_CFLAGS) $(LIBZIP_CFLAGS) $(JSONC_CFLAGS)"
	@echo "LIBS=$(BLAS_LIBS) $(LAPACKE_LIBS) $(GMP_LIBS) $(ZLIB_LIBS) $(LIBZIP_LIBS) $(JSONC_LIBS) $(NCURSES_LIBS) $(READLINE_LIBS) $(LIBS)"
MK
}
SOURCES=$(vars | sed -n 's/^SOURCES=//p')
DEPCFLAGS=$(vars | sed -n 's/^CFLAGS=//p')
DEPLIBS=$(vars | sed -n 's/^LIBS=//p')

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -Wall -Wextra -g -O1 -fno-omit-frame-pointer $SAN -I$cfg -I$top/lib -I$top/src \
 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $DEPCFLAGS"

objs=
pids=
for src in $SOURCES; do
    o="$out/obj/$(echo "$src" | tr / _).o"
    objs="$objs $o"
    if [ ! -f "$o" ] || [ "$top/$src" -nt "$o" ] || [ -n "$(find "$top/lib" "$top/src" -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$top/$src" -o "$o" &
        pids="$pids $!"
        # two compilers at a time: the machine is shared
        if [ $(echo $pids | wc -w) -ge 2 ]; then
            for p in $pids; do wait $p; done
            pids=
        fi
    fi
done
for p in $pids; do wait $p; done
rm -f "$out/libnnsh-fuzz.a"
ar rcs "$out/libnnsh-fuzz.a" $objs

link() {  # target extra-objects extra-ldflags
    t=$1; shift
    $CC $CFLAGS -fsanitize=fuzzer "$top/fuzz/$t.c" "$@" "$out/libnnsh-fuzz.a" $DEPLIBS -lm -lpthread \
        -o "$out/$t"
}
link fuzz_parse
link fuzz_idx
link fuzz_npy
link fuzz_csv
link fuzz_model
wraps=$(sed -n 's/.*SANDBOX_WRAPS *"\(.*\)".*/\1/p; s/^ *"\(.*\)"$/\1/p' "$top/fuzz/sandbox.h" | tr -d '\n' | sed 's/,*$//')
$CC $CFLAGS -c "$top/fuzz/sandbox.c" -o "$out/obj/sandbox.o"
link fuzz_eval "$out/obj/sandbox.o" "-Wl,--wrap=$(echo "$wraps" | sed 's/,/,--wrap=/g')"

$CC $CFLAGS "$top/fuzz/gen_seeds.c" "$out/libnnsh-fuzz.a" $DEPLIBS -lm -lpthread -o "$out/gen_seeds"
echo "fuzz targets in $out"
