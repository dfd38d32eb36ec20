#!/bin/bash
# A payload with a bad magic or an unknown version is refused.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
read -r po ps < <(secinfo "$W/b.elf" .hvb_payload)
cp "$W/b.elf" "$W/m.elf"
poke "$W/m.elf" $((po + $(fmt HVB_PH_MAGIC))) "XXXPAYLD"
run_fail "verify, bad magic" 1 "m.elf: bad payload magic" "$BUNDLER" verify "$W/m.elf"
run_fail "list, bad magic" 1 "m.elf: bad payload magic" "$BUNDLER" list "$W/m.elf"
run_fail "extract, bad magic" 1 "m.elf: bad payload magic" \
	"$BUNDLER" extract "$W/m.elf" fast -o "$W/x"
cp "$W/b.elf" "$W/v.elf"
flip "$W/v.elf" $((po + $(fmt HVB_PH_VERSION) + 1))
run_fail "verify, bad version" 1 "v.elf: unsupported payload version" \
	"$BUNDLER" verify "$W/v.elf"
exit 0
