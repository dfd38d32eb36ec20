#!/bin/bash
# Kernel-like images with a shared layout: small per-function deltas, the
# bundle's notes point at the stub, every variant rebuilds exactly.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern k.native
build_kern k.xen -DHV_XEN
build_kern k.kvm -DHV_KVM
run_ok pack "$BUNDLER" pack -o "$W/b.elf" --base native="$W/k.native" \
	--variant xen="$W/k.xen" --variant kvm="$W/k.kvm" --stub "$W/stub.elf"
grep -q "xen: 2 of 3 functions, 1 of 4 objects" "$W/err" || fail "pack stats: $(cat "$W/err")"
run_ok verify "$BUNDLER" verify "$W/b.elf"
for v in native xen kvm; do
	run_ok "extract $v" "$BUNDLER" extract "$W/b.elf" $v -o "$W/x.$v"
	same "$W/k.$v" "$W/x.$v"
done
# the entries: PVH physical and Xen virtual go to the stub
readelf -nW "$W/b.elf" > "$W/notes"
grep -A0 'Unknown note type: (0x00000012)' "$W/notes" | grep -q '00 00 00 01' ||
	fail "PHYS32_ENTRY not the stub's: $(cat "$W/notes")"
xe=$(nm "$W/stub.elf" | awk '$3 == "hvb_stub_xen_entry" {print $1}')
grep 'NT_VERSION\|0x00000001' "$W/notes" | grep -q "$(echo "$xe" | sed 's/\(..\)/\1 /g' |
	awk '{for (i = NF; i > 0; i--) printf "%s ", $i}' | sed 's/ $//')" ||
	fail "Xen ENTRY not hvb_stub_xen_entry ($xe): $(cat "$W/notes")"
readelf -hW "$W/b.elf" | grep -q "Entry point address: *0x$xe" || fail "e_entry not the stub's"
readelf -lW "$W/b.elf" | grep -q '^ *NOTE .* 0x4$' || fail "PT_NOTE p_align is not 4"
# base segments at their addresses, payload after the stub
readelf -lW "$W/b.elf" | grep -q 'LOAD .* 0xffffffff80100000 0x0000000000100000' ||
	fail "base segment moved"
run_ok list "$BUNDLER" list --json "$W/b.elf"
python3 - "$W/out" <<'PY' || fail "list --json"
import json, sys
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
assert v["native"]["base"] and v["native"]["regions"] == 0
for n in ("xen", "kvm"):
    assert 1 <= v[n]["regions"] <= 3, v[n]
    assert 0 < v[n]["delta_bytes"] < 200, v[n]
    assert v[n]["functions"] == {"differ": 2, "total": 3}, v[n]
assert int(d["payload_vaddr"], 16) >= 0xffffffff81001000
PY
exit 0
