#!/bin/bash
# Stripped executables (no symbols: section granularity) and executables
# without section headers (segment granularity) round-trip.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_prog base -DSCALE=1
build_prog fast -DSCALE=2 -DFAST
for f in base fast; do
	strip -s -o "$W/$f.s" "$W/$f"
	# no section header table at all: e_shoff, e_shnum, e_shstrndx = 0
	cp "$W/$f.s" "$W/$f.n"
	printf '\0\0\0\0\0\0\0\0' | dd of="$W/$f.n" bs=1 seek=40 conv=notrunc status=none
	printf '\0\0\0\0' | dd of="$W/$f.n" bs=1 seek=60 conv=notrunc status=none
done
readelf -S "$W/base.n" 2>&1 | grep -q "no sections" || fail "section headers not removed"
for k in s n; do
	run_ok "pack .$k" "$BUNDLER" pack -o "$W/b.$k" --base native="$W/base.$k" \
		--variant fast="$W/fast.$k" --stub "$W/stub.elf"
	run_ok "verify .$k" "$BUNDLER" verify "$W/b.$k"
	for f in native:base fast:fast; do
		run_ok "extract .$k" "$BUNDLER" extract "$W/b.$k" "${f%%:*}" -o "$W/x"
		same "$W/${f#*:}.$k" "$W/x"
	done
done
exit 0
