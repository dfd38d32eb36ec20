#!/bin/bash
# A region of long runs of one byte (512 KiB of zeros with a few bytes set,
# as in a distribution kernel's data), where bsdiff's scan goes quadratic,
# is aligned at the same offsets without bsdiff (pack -v says so), its
# delta stays small and both images rebuild exactly; a region of the same
# size without such runs (t_cut_regions' pattern) still goes to bsdiff.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern a -DRUNDATA=1
build_kern b -DRUNDATA=2 -DHV_XEN
run_ok pack "$BUNDLER" pack -v -o "$W/c.elf" --base native="$W/a" --variant xen="$W/b" \
	--stub "$W/stub.elf"
grep -q 'in long runs: aligned at the same offsets' "$W/err" ||
	{ cat "$W/err" >&2; fail "the long runs went to bsdiff"; }
run_ok verify "$BUNDLER" verify "$W/c.elf"
run_ok "extract xen" "$BUNDLER" extract "$W/c.elf" xen -o "$W/x"
same "$W/b" "$W/x"
run_ok "extract native" "$BUNDLER" extract "$W/c.elf" native -o "$W/n"
same "$W/a" "$W/n"
run_ok list "$BUNDLER" list --json "$W/c.elf"
python3 - "$W/out" <<'PY' || fail "delta too large: $(cat "$W/out")"
import json, sys
x = [v for v in json.load(open(sys.argv[1]))["variants"] if v["name"] == "xen"][0]
assert x["delta_bytes"] < 4096, x
print(f"xen: {x['regions']} regions, delta {x['delta_bytes']} B")
PY

build_kern p -DBIGDATA=1
build_kern q -DBIGDATA=2 -DHV_XEN
run_ok "pack without runs" "$BUNDLER" pack -v -o "$W/d.elf" --base native="$W/p" \
	--variant xen="$W/q" --stub "$W/stub.elf"
if grep -q 'in long runs' "$W/err"; then
	cat "$W/err" >&2
	fail "a region without long runs skipped bsdiff"
fi
exit 0
