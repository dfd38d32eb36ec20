#!/bin/bash
# diff names the function that changed, and only what changed.
set -eu
. "$(dirname "$0")/lib.sh"

build_kern k.native
build_kern k.xen -DHV_XEN
run_ok diff "$BUNDLER" diff "$W/k.native" "$W/k.xen"
grep -q '^function *tick .*bytes differ' "$W/out" || fail "tick not reported: $(cat "$W/out")"
grep -q '^object *hv_name ' "$W/out" || fail "hv_name not reported"
! grep -q ' sum ' "$W/out" || fail "sum reported although it is the same"
grep -q '^functions: 2 of 3 differ; objects: 1 of 4 differ' "$W/out" ||
	fail "wrong summary: $(tail -1 "$W/out")"
run_ok "diff --json" "$BUNDLER" diff --json "$W/k.native" "$W/k.xen"
python3 - "$W/out" <<'PY' || fail "diff --json content"
import json, sys
d = json.load(open(sys.argv[1]))
by = {(x["kind"], x["name"]): x for x in d["differences"]}
t = by[("function", "tick")]
assert "changed" in t["status"] and t["bytes_changed"] > 0, t
assert ("function", "sum") not in by
assert d["summary"]["functions"] == {"total": 3, "differ": 2}, d["summary"]
PY
# no shared layout: compute changes and resizes, unchanged only moves
build_prog a -DSCALE=1
build_prog b -DSCALE=1 -DFAST
run_ok "diff prog" "$BUNDLER" diff --json "$W/a" "$W/b"
python3 - "$W/out" <<'PY' || fail "diff of the -D pair"
import json, sys
d = json.load(open(sys.argv[1]))
by = {(x["kind"], x["name"]): x for x in d["differences"]}
c = by[("function", "compute")]
assert "resized" in c["status"] and "changed" in c["status"], c
u = by.get(("function", "unchanged"))
assert u is None or u["status"] == ["moved"], u
PY
exit 0
