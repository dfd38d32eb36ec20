#!/bin/bash
# One C file built three times with different -D flags, as static non-PIE
# executables with no shared layout, round-trips byte for byte.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
for v in native:base fast:fast big:big; do
	n=${v%%:*} f=${v#*:}
	run_ok "extract $n" "$BUNDLER" extract "$W/b.elf" "$n" -o "$W/x.$n"
	same "$W/$f" "$W/x.$n"
	[ "$("$W/x.$n" a b)" = "$("$W/$f" a b)" ] || fail "extracted $n runs differently"
done
run_ok verify "$BUNDLER" verify "$W/b.elf"
grep -q "all 3 variants verified" "$W/err" || fail "verify did not report 3 variants"
# the deltas must be much smaller than the images they rebuild
run_ok list "$BUNDLER" list --json "$W/b.elf"
delta=$(( $(grep -o '"delta_bytes":[0-9]*' "$W/out" | cut -d: -f2 | paste -sd+) ))
size=$(stat -c %s "$W/base")
[ "$delta" -gt 0 ] && [ "$delta" -lt $((size / 4)) ] ||
	fail "delta bytes $delta not between 0 and a quarter of $size"
exit 0
