#!/bin/bash
# format/apply.c's op columns (FORMAT.md 3.7) on a hand-built payload,
# built with libzstd as the host bundler builds apply.c: they apply
# exactly, and every damaged byte of the frame ends in the right image or
# a clear stop (tests/bundler/opcols_test.c).
set -eu
. "$(dirname "$0")/lib.sh"

R=$(cd "$HERE/../.." && pwd)
# SANITIZE_CFLAGS: tests/sanitize builds it with the sanitizers.
# shellcheck disable=SC2086
gcc -std=c99 -O2 -Wall -Wextra -Werror ${SANITIZE_CFLAGS:-} -DHVB_APPLY_ZSTD \
	-I "$R/format" -I "$R/src/include" -o "$W/opcols_test" "$HERE/opcols_test.c" \
	"$R/format/apply.c" -lzstd || fail "opcols_test does not build"
"$W/opcols_test" || fail "opcols_test failed"
