#!/bin/bash
# A truncated bundle (or input image) is refused with a clear message.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
size=$(stat -c %s "$W/b.elf")
read -r po ps < <(secinfo "$W/b.elf" .hvb_payload)
for n in 10 100 $((po + 50)) $((po + ps / 2)) $((size - 1)); do
	head -c "$n" "$W/b.elf" > "$W/t.elf"
	run_fail "verify, truncated to $n" 1 "t.elf: .*truncated\|t.elf: not an ELF" \
		"$BUNDLER" verify "$W/t.elf"
	run_fail "extract, truncated to $n" 1 "t.elf: " \
		"$BUNDLER" extract "$W/t.elf" fast -o "$W/x"
done
head -c "$(( $(stat -c %s "$W/fast") / 2 ))" "$W/fast" > "$W/tfast"
run_fail "pack, truncated variant" 1 "tfast: truncated" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" \
	--variant fast="$W/tfast" --stub "$W/stub.elf"
[ ! -e "$W/q.elf" ] || fail "pack wrote output for a truncated input"
exit 0
