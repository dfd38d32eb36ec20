#!/bin/bash
# A byte flipped in the payload (a delta, a table) or in the extract data
# makes verify and extract fail with a clear message.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
read -r po ps < <(secinfo "$W/b.elf" .hvb_payload)
read -r xo xs < <(secinfo "$W/b.elf" .hvb_extract)
[ -n "$po" ] && [ -n "$xo" ] || fail "no payload/extract sections"
# last byte of the payload is delta data; 200 is inside the tables
for off in $((po + ps - 1)) $((po + 200)); do
	cp "$W/b.elf" "$W/c.elf"
	flip "$W/c.elf" "$off"
	run_fail "verify, flipped payload byte at $off" 1 \
		"c.elf: payload hash mismatch (corrupt payload)" \
		"$BUNDLER" verify "$W/c.elf"
	run_fail "extract, flipped payload byte" 1 "payload hash mismatch" \
		"$BUNDLER" extract "$W/c.elf" fast -o "$W/x"
	[ ! -e "$W/x" ] || fail "extract wrote a file from a corrupt bundle"
done
cp "$W/b.elf" "$W/c.elf"
flip "$W/c.elf" $((xo + xs - 1))
run_fail "verify, flipped extract byte" 1 "extract data: hash mismatch" \
	"$BUNDLER" verify "$W/c.elf"
# the base's loaded bytes are checked by each variant's image hash
cp "$W/b.elf" "$W/c.elf"
read -r bo bs < <(secinfo "$W/b.elf" .hvb_base1)
flip "$W/c.elf" $((bo + bs / 2))
run_fail "verify, flipped base byte" 1 "image hash mismatch" \
	"$BUNDLER" verify "$W/c.elf"
# the untouched bundle still verifies
run_ok verify "$BUNDLER" verify "$W/b.elf"
exit 0
