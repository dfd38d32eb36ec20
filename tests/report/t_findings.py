# The findings rest on data, not on hand-written numbers: tools/report
# (which runs tools/findings) runs on the data present, and every figure in findings.json is found, at
# its key, in the JSON file it names (and its run file exists); every
# finding says its platform and whether it is exact, or is marked missing
# or untestable with a reason.  The check can fail: a figure altered in a
# copy of findings.json is caught.
import copy
import json
import os
import subprocess
import sys

from hvbtest import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.keys import resolve  # noqa: E402

REPORT = os.path.join(ROOT, "build", "report")
p = subprocess.run([os.path.join(ROOT, "tools", "report")], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
check(p.returncode == 0, f"tools/report failed: {p.stderr.decode()[-600:]}")
fj = json.load(open(os.path.join(REPORT, "findings.json")))
CLAIMS = {"replicate", "250mb", "nop-or-call", "0.97", "no-impact", "callee-save",
          "lock-slow-path"}
ids = {f["id"] for f in fj["findings"]}
check(CLAIMS <= ids, f"claims without a finding: {sorted(CLAIMS - ids)}")
cache = {}


def bad_figures(findings):
    bad = []
    for f in findings:
        for x in f["figures"]:
            path = os.path.join(ROOT, x["json"])
            if path not in cache:
                cache[path] = json.load(open(path))
            try:
                v = resolve(cache[path], x["key"])
            except KeyError as e:
                bad.append(f"{f['id']}: {e}")
                continue
            if v != x["value"]:
                bad.append(f"{f['id']}: {x['json']} {x['key']} is {v}, the finding says {x['value']}")
            if "run" in x and not os.path.exists(os.path.join(ROOT, x["run"])):
                bad.append(f"{f['id']}: run file {x['run']} does not exist")
    return bad


n = 0
for f in fj["findings"]:
    n += len(f["figures"])
    if f["status"] in ("missing",) or f["status"].startswith("untestable"):
        check(f.get("why"), f"{f['id']} is {f['status']} without saying why")
    if f["status"] != "missing":
        # an untestable claim may lack its analogue's figure (no runs yet:
        # a clean clone's make check), but then it must say why
        check(f["figures"] or f["status"].startswith("untestable"),
              f"{f['id']} is {f['status']} with no figure")
        check(not f["figures"] or (f["platform"] not in ("", "-") and f["exact"] is not None),
              f"{f['id']}: no platform or exactness")
    print(f"{f['id']}: {f['status']}, {len(f['figures'])} figures")
bad = bad_figures(fj["findings"])
check(not bad, "figures that are not in their files:\n  " + "\n  ".join(bad))
check(n > 0, "no figure at all: no data under build/report/ (run make report)")

altered = copy.deepcopy(fj["findings"])
victim = next(f for f in altered if f["figures"])
victim["figures"][0]["value"] = (victim["figures"][0]["value"] or 0) + 1
check(len(bad_figures(altered)) == 1, "an altered figure went unnoticed")
print(f"{n} figures, each found at its key; an altered one is caught")

# Linux's boot-time patching against its bundle's stub (tools/patchcost's
# "compare", reportlib/linuxcost): the bundle's path is its stub plus the
# direct build's own patching, and the boot-cost finding cites both
# platforms' figures from linux.json when they are measured.
from reportlib.linuxcost import compare  # noqa: E402

fake = {"linux": {"pvops on native": {"alternative_instructions": 1000, "apply_paravirt": 300},
                  "native on native": {"alternative_instructions": 200}},
        "stub": {"native on native": {"stub_rdtsc_total": 5000, "detect": 7,
                                      "payload_check": 900, "rebuild": 100,
                                      "image_hash": 3900}}}
cmp = compare(fake)
check(cmp["native"]["bundle_total"] == 5200 and cmp["native"]["paravirt_added"] == 800,
      f"linuxcost.compare: {cmp['native']}")
check("xen" not in cmp and cmp["kvm"]["measured"] is False and cmp["kvm"]["why"],
      f"linuxcost.compare: a platform without runs, or KVM: {cmp}")
del fake["stub"]["native on native"]
cmp = compare(fake)
check(cmp["native"]["paravirt_added"] == 800 and "bundle_total" not in cmp["native"],
      f"linuxcost.compare without the stub's run: {cmp['native']}")
lx = json.load(open(os.path.join(REPORT, "linux.json"))) \
    if os.path.exists(os.path.join(REPORT, "linux.json")) else None
measured = sorted(((lx or {}).get("patch_cost_icount") or {}).get("compare") or {})
boot = next(f for f in fj["findings"] if f["id"] == "boot-cost")
for plat in (p for p in measured if p != "kvm"):
    keys = {x["key"] for x in boot["figures"] if x["json"] == "build/report/linux.json"}
    want = ["paravirt_added"] + (["bundle_total"] if "stub" in lx["patch_cost_icount"][
        "compare"][plat] else [])
    for k in want:
        check(f"patch_cost_icount.compare.{plat}.{k}" in keys,
              f"boot-cost does not cite Linux's {plat} {k}: {sorted(keys)}")
if measured:
    check("on KVM not measured" in boot["answer"],
          "boot-cost does not say why Linux's KVM boot is not measured")
print(f"Linux patch cost cited for: {', '.join(p for p in measured if p != 'kvm') or 'none (no linux.json)'}")
