#!/bin/bash
# Reference-aware deltas where code moved: prog.c built three ways (static,
# no shared layout, so nearly every function lies elsewhere) packs into a
# bundle whose regions use encoding 2, whose move tables are not empty,
# where most functions are identical after reference resolution, and whose
# deltas are smaller than with --refs off; every file comes back byte for
# byte, and list's text and JSON say the same classes.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
cp "$W/b.elf" "$W/refs.elf"
run_ok "pack --refs off" "$BUNDLER" pack -o "$W/plain.elf" --base native="$W/base" \
	--variant fast="$W/fast" --variant big="$W/big" --stub "$W/stub.elf" --refs off
for v in native:base fast:fast big:big; do
	run_ok "extract ${v%%:*}" "$BUNDLER" extract "$W/refs.elf" "${v%%:*}" -o "$W/x"
	same "$W/${v#*:}" "$W/x"
done
run_ok "list --json" "$BUNDLER" list --json "$W/refs.elf"
cp "$W/out" "$W/refs.json"
run_ok "list" "$BUNDLER" list "$W/refs.elf"
cp "$W/out" "$W/refs.txt"
run_ok "list --json, refs off" "$BUNDLER" list --json "$W/plain.elf"
cp "$W/out" "$W/plain.json"
python3 - "$W" <<'PYEOF' || fail "see above"
import json, re, sys
w = sys.argv[1]
refs = {v["name"]: v for v in json.load(open(f"{w}/refs.json"))["variants"]}
plain = {v["name"]: v for v in json.load(open(f"{w}/plain.json"))["variants"]}
txt = open(f"{w}/refs.txt").read()
ok = True
for n in ("fast", "big"):
    r, p = refs[n], plain[n]
    c = r["classes"]
    f = c["functions"]
    print(f"{n}: delta {r['delta_bytes']} B with references resolved, {p['delta_bytes']} B "
          f"without; functions {f}")
    if not r["delta_bytes"] < p["delta_bytes"]:
        print(f"FAIL {n}: encoding 2 did not make the delta smaller"); ok = False
    if not f["ref_identical"] > f["changed"]:
        print(f"FAIL {n}: fewer functions identical after resolution than changed"); ok = False
    for k in ("functions", "objects"):
        m = re.search(rf"^{n}: {k}: (\d+) identical, (\d+) identical after reference "
                      rf"resolution, (\d+) changed, (\d+) only in one image$", txt, re.M)
        want = [c[k][x] for x in ("identical", "ref_identical", "changed", "only_in_one")]
        if not m or [int(x) for x in m.groups()] != want:
            print(f"FAIL {n} {k}: text {m and m.groups()} and JSON {want} differ"); ok = False
    if sum(c["delta_by_class"].values()) != r["delta_bytes"]:
        print(f"FAIL {n}: delta by class {c['delta_by_class']} does not add up to "
              f"{r['delta_bytes']}"); ok = False
sys.exit(0 if ok else 1)
PYEOF
# encoding 2 is in the payload, and a move table
python3 - "$W/refs.elf" "$(dirname "$0")/../bundle" <<'PYEOF' || fail "no encoding-2 region or no move table"
import struct, sys
sys.path.insert(0, sys.argv[2])
from blib import F, payload
d = bytearray(open(sys.argv[1], "rb").read())
pl = payload(d)
encs = [r["enc"] for r in pl["variants"]["fast"]["regions"]]
p = d[pl["off"]:pl["off"] + pl["size"]]
voff = struct.unpack_from("<I", p, F["HVB_PH_VARIANT_OFF"])[0]
moves = [struct.unpack_from("<I", p, voff + i * F["HVB_VARIANT_ENTRY_SIZE"] + F["HVB_VE_MOVE_COUNT"])[0]
         for i in range(3)]
print(f"fast encodings {encs}, move table entries {moves}")
sys.exit(0 if F["HVB_ENC_REFOPS"] in encs and moves[0] == 0 and moves[1] > 0 else 1)
PYEOF
exit 0
