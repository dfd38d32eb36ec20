#!/bin/bash
# The one detection routine (src/lib/hv_detect.c), which the stub and the
# kernel both link: it compiles freestanding needing only mem*/str*, and
# on the host, fed made-up CPUID answers, it makes the documented choice
# for every odd input (tests/host/detect_test.c lists them).
set -eu
R=$(cd "$(dirname "$0")/../.." && pwd)
W=${TMPDIR:-/tmp}
FS="-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-stack-protector
    -nostdinc -isystem $(gcc -print-file-name=include) -I $R/src/include/libc
    -I $R/src/include"
# shellcheck disable=SC2086
gcc $FS -c -o "$W/hv_detect.o" "$R/src/lib/hv_detect.c" ||
	{ echo "FAIL: hv_detect.c does not compile freestanding"; exit 1; }
und=$(nm -u "$W/hv_detect.o" | awk '{print $2}' | grep -v '^\(mem\(cpy\|set\|cmp\)\|str\(len\|cmp\)\)$' || true)
[ -z "$und" ] || { echo "FAIL: hv_detect.c needs more than mem*/str*: $und"; exit 1; }
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I "$R/src/include" -o "$W/detect_test" \
	"$R/tests/host/detect_test.c" "$R/src/lib/hv_detect.c" ||
	{ echo "FAIL: detect_test does not build"; exit 1; }
"$W/detect_test" || { echo "FAIL: detect_test"; exit 1; }
