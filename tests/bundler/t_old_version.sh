#!/bin/bash
# A bundle of an earlier payload format (version 1: no reference-aware
# deltas, 88-byte variant entries; version 2: 96-byte entries, no frames;
# version 3: site and move tables not yet in columns) is refused by list, verify and extract with a message that names both
# versions; nothing is written.  Extract data of an earlier version (1:
# 136-byte entries; 2: no residual compression 6) is refused by extract
# the same way.
set -eu
. "$(dirname "$0")/lib.sh"

# put_version FILE OFFSET V: V as a little-endian u32 at OFFSET
put_version() {
	printf "\\$(printf %03o "$3")\000\000\000" | dd of="$1" bs=1 seek="$2" \
		conv=notrunc status=none
}

pack_dflags
read -r po ps < <(secinfo "$W/b.elf" .hvb_payload)
[ -n "$ps" ] || fail "no payload section"
cur=$(fmt HVB_PAYLOAD_VERSION)
[ "$cur" -ge 4 ] || fail "HVB_PAYLOAD_VERSION is $cur"
for old in $(seq 1 $((cur - 1))); do
	cp "$W/b.elf" "$W/old.elf"
	put_version "$W/old.elf" $((po + $(fmt HVB_PH_VERSION))) "$old"
	want="old.elf: unsupported payload version: the payload is format version $old, this bundler reads version $cur only"
	run_fail "verify, version $old" 1 "$want" "$BUNDLER" verify "$W/old.elf"
	run_fail "list, version $old" 1 "$want" "$BUNDLER" list "$W/old.elf"
	run_fail "extract, version $old" 1 "$want" "$BUNDLER" extract "$W/old.elf" fast -o "$W/x"
	[ ! -e "$W/x" ] || fail "extract wrote a file from a version-$old bundle"
done
read -r xo xs < <(secinfo "$W/b.elf" .hvb_extract)
[ -n "$xs" ] || fail "no extract section"
xcur=$(fmt HVB_XBLOB_VERSION)
[ "$xcur" -ge 3 ] || fail "HVB_XBLOB_VERSION is $xcur"
for old in $(seq 1 $((xcur - 1))); do
	cp "$W/b.elf" "$W/old.elf"
	put_version "$W/old.elf" $((xo + $(fmt HVB_XH_VERSION))) "$old"
	want="old.elf: extract data: unsupported version: it is version $old, this bundler reads version $xcur only"
	run_fail "extract, extract data version $old" 1 "$want" "$BUNDLER" extract "$W/old.elf" fast -o "$W/x"
	[ ! -e "$W/x" ] || fail "extract wrote a file from version-$old extract data"
done
run_ok "verify, current version" "$BUNDLER" verify "$W/b.elf"
exit 0
