#!/bin/bash
# A difference longer than the stub's scratch (a 3 MiB object, changed at
# its start, middle and end, against HVB_STUB_SCRATCH, 1 MiB) is cut into
# regions the stub can apply (pieces of half the scratch, so that encoding
# 2 fits its list of sites beside the old bytes): no region needs more
# scratch than the stub has, the deltas stay small, and both images
# rebuild exactly.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern a -DBIGDATA=1
build_kern b -DBIGDATA=2 -DHV_XEN
run_ok pack "$BUNDLER" pack -o "$W/c.elf" --base native="$W/a" --variant xen="$W/b" \
	--stub "$W/stub.elf"
run_ok verify "$BUNDLER" verify "$W/c.elf"
run_ok "extract xen" "$BUNDLER" extract "$W/c.elf" xen -o "$W/x"
same "$W/b" "$W/x"
run_ok list "$BUNDLER" list --json "$W/c.elf"
python3 - "$W/out" "$(fmt HVB_STUB_SCRATCH)" <<'PY' || fail "regions not cut: $(cat "$W/out")"
import json, sys
d, cap = json.load(open(sys.argv[1])), int(sys.argv[2])
x = [v for v in d["variants"] if v["name"] == "xen"][0]
assert d["max_scratch"] == cap // 2, (d["max_scratch"], cap)	# ops, 512 KiB pieces
assert x["regions"] >= 6 and x["delta_bytes"] < 4096, x
print(f"xen: {x['regions']} regions, max scratch {d['max_scratch']} of {cap}")
PY
exit 0
