#!/bin/bash
# The bundler and the applier (format/apply.c, in the bundler and in the
# applier's unit test) built with -fsanitize=address,undefined
# -fno-sanitize-recover, then every bundler test run against them: any
# memory error, undefined behaviour or leak ends that test with a failure.
set -eu
R=$(cd "$(dirname "$0")/../.." && pwd)
O=${BUILD:-$R/build}/host-san
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

make -s -C "$R/bundler" O="$O" CFLAGS="-O1 -g -fno-omit-frame-pointer $SAN" \
	LDFLAGS="$SAN" || { echo "FAIL: the sanitized bundler does not build"; exit 1; }
# A build that silently lost its flags would pass everything: check.
nm "$O/bundler" | grep -q ' __asan_init' && nm "$O/bundler" | grep -q ' __ubsan_handle_' ||
	{ echo "FAIL: $O/bundler has no ASan/UBSan runtime"; exit 1; }
export BUNDLER=$O/bundler SANITIZE_CFLAGS="-g $SAN"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=23
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec python3 "$R/tests/run" bundler
