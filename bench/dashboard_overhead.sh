#!/bin/sh
# dashboard_overhead.sh - builds bench/dashboard_overhead.c against the
# built objects (libfront, libnnsh, the dashboard) and runs it in this
# terminal: prints verbose=0 vs dashboard times.  Usage: sh bench/dashboard_overhead.sh [EPOCHS] [REPS]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${TMPDIR:-/tmp}/nnsh-dashboard-overhead
L=$(sed -n 's/^\(NCURSES_LIBS\|ZLIB_LIBS\|LIBZIP_LIBS\|JSONC_LIBS\|BLAS_LIBS\) = //p' Makefile | tr '\n' ' ')
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -Ilib -Isrc \
    bench/dashboard_overhead.c src/nnsh-dashboard.o src/nnsh-dashboard_draw.o \
    ${FRONT_A:-src/.libs/libfront.a} ${LIB_A:-lib/.libs/libnnsh.a} $L -lm -lpthread -o "$out"
"$out" "$@"
