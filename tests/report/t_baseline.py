# tools/delta-baseline measures what it says: it builds the tree issue 9
# measured from git, and its figures are the bundles' own.  Its "as built"
# row is what that tree's bundle says of itself, today's images packed as
# make bundle packs them store what build/images/bundle.elf stores, and
# every row's total is its variants' sum; with frames allowed today's
# bundler never stores more than with raw deltas on the same images.
import json
import os
import subprocess

from hvbtest import *

REPORT = os.path.join(ROOT, "build", "report")
p = subprocess.run([os.path.join(ROOT, "tools", "delta-baseline"), "-q"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(p.returncode == 0, f"tools/delta-baseline failed: {p.stdout.decode()[-1500:]}")
res = json.load(open(os.path.join(REPORT, "baseline.json")))
if "missing" in res:
    skip(res["missing"])
rows = {(r["images"], r["bundler"], r["compress"]): r for r in res["rows"]}
for r in res["rows"]:
    check(r["total"] == r["per_variant"]["kvm"] + r["per_variant"]["xen"], f"sum: {r}")
    check(r["total"] > 0, f"no delta: {r}")


def listed(bundler, bundle):
    out = subprocess.run([bundler, "list", "--json", bundle], stdout=subprocess.PIPE, check=True)
    return {v["name"]: v["delta_bytes"] for v in json.loads(out.stdout)["variants"]
            if not v["base"]}


tree = os.path.join(ROOT, "build", "baseline", res["commit"][:12], "build")
own = listed(os.path.join(tree, "host", "bundler"), os.path.join(tree, "images", "bundle.elf"))
check(rows[("baseline", "baseline", "as built")]["per_variant"] == own,
      f"the baseline row is not what its bundle says: {own}")
ours = listed(os.path.join(ROOT, "build", "host", "bundler"), image("bundle.elf"))
check(rows[("today", "today", "auto")]["per_variant"] == ours,
      f"today's images packed as make bundle does: {rows[('today', 'today', 'auto')]} "
      f"against build/images/bundle.elf's {ours}")
for imgs in ("baseline", "today"):
    z, a = rows[(imgs, "today", "zstd")]["total"], rows[(imgs, "today", "auto")]["total"]
    check(z <= a, f"{imgs} images: frames store {z}, more than raw {a}")
check(res["target_bytes"] == rows[("baseline", "baseline", "as built")]["total"] // 2,
      "the target is not half the baseline's own deltas")
print(f"baseline {res['commit'][:12]}: {rows[('baseline', 'baseline', 'as built')]['total']} B "
      f"by its bundler, {rows[('baseline', 'today', 'zstd')]['total']} by today's with frames; "
      f"today's images {rows[('today', 'baseline', 'auto')]['total']} and "
      f"{rows[('today', 'today', 'zstd')]['total']}")
