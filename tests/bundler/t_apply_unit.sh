#!/bin/bash
# format/apply.c: compiles freestanding for -m32 and -m64 with only
# mem* left undefined, and passes the hand-built payload unit test and
# the white-box test of its search shortcuts (apply_index_test.c).
set -eu
. "$(dirname "$0")/lib.sh"

R=$(cd "$HERE/../.." && pwd)
FS="-std=c99 -O2 -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-stack-protector
    -nostdinc -isystem $(gcc -print-file-name=include) -I $R/src/include/libc
    -I $R/src/include -I $R/format -idirafter /usr/include"
for m in 32 64; do
	# shellcheck disable=SC2086
	gcc -m$m $FS -c -o "$W/apply$m.o" "$R/format/apply.c" ||
		fail "apply.c does not compile freestanding -m$m"
	und=$(nm -u "$W/apply$m.o" | awk '{print $2}' | grep -v '^mem\(cpy\|set\|move\|cmp\)$' || true)
	[ -z "$und" ] || fail "apply.c -m$m needs more than mem*: $und"
done
# SANITIZE_CFLAGS: tests/sanitize builds it with the sanitizers.
# shellcheck disable=SC2086
gcc -std=c99 -O2 -Wall -Wextra -Werror ${SANITIZE_CFLAGS:-} -I "$R/format" -I "$R/src/include" \
	-o "$W/apply_test" "$HERE/apply_test.c" "$R/format/apply.c" ||
	fail "apply_test does not build"
"$W/apply_test" || fail "apply_test failed"
# apply.c's move-table index and site cursor against full searches
# shellcheck disable=SC2086
gcc -std=gnu11 -O2 -Wall -Wextra -Werror ${SANITIZE_CFLAGS:-} -I "$R/format" -I "$R/src/include" \
	-o "$W/apply_index_test" "$HERE/apply_index_test.c" ||
	fail "apply_index_test does not build"
"$W/apply_index_test" || fail "apply_index_test failed"
exit 0
