# The distribution-size measurement in the report (reportlib/scale.py, the
# "scale" finding): tools/linux-scale-measure writes a real JSON here (on
# our own three images, in seconds: the tool is the same one `make
# linux-scale-debian` runs on Debian's 100 MB kernels), and the report's
# tables and finding render it: every kernel's sizes and function count in
# its row, the pack's CPU, memory and wall clock in the pack's row, every
# finding figure found at its key; kernels this small are said not to test
# the claim, Debian-sized ones do.  A missing file is said to be not run,
# with the make target that writes it.  The check can fail: a figure
# altered in the JSON no longer matches the rendering.
import copy
import json
import os
import subprocess
import sys

from hvbtest import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.claims_scale import scale  # noqa: E402
from reportlib.keys import resolve  # noqa: E402
from reportlib.scale import SCALE_FILES, section  # noqa: E402

TMP = os.environ.get("TMPDIR", "/tmp")
OUT = os.path.join(TMP, "scale.json")
p = subprocess.run([os.path.join(ROOT, "tools", "linux-scale-measure"),
                    "--base", f"native={image('native.elf')}",
                    "--variant", f"xen={image('xen.elf')}", "--variant", f"kvm={image('kvm.elf')}",
                    "--bundle", os.path.join(TMP, "bundle.elf"), "-o", OUT],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(p.returncode == 0, f"tools/linux-scale-measure failed: {p.stdout.decode()[-1500:]}")
s = json.load(open(OUT))


def rows(md, first):
    """{first cell: [cells]} of the Markdown table whose first column is FIRST."""
    out, inside = {}, False
    for line in md:
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") \
            else None
        if cells and cells[0] == first:
            inside = True
        elif not cells:
            inside = False
        elif inside and not set(cells[0]) <= set("-:"):
            out[cells[0]] = cells
    return out


def mismatches(md, s):
    """What the rendered section says differently from the JSON S."""
    bad = []
    kr = rows(md, "kernel")
    for i, (v, k) in enumerate(s["kernels"].items()):
        r = next((c for n, c in kr.items() if n.startswith(f"{v} (")), None)
        want = [str(k["file_bytes"]), str(k["loaded_bytes"]), str(k["functions"]),
                str(k["zstd19_bytes"])]
        if r is None or r[1:5] != want:
            bad.append(f"kernel {v}: row {r}, JSON {want}")
        if r and ("base" if i == 0 else "variant") not in r[0]:
            bad.append(f"kernel {v}: row {r[0]} does not say base/variant")
    br = rows(md, "bundle")
    if br.get("bundle.elf", [None])[1:3] != [str(s["bundle"]["file_bytes"]),
                                             str(s["bundle"]["zstd19_bytes"])]:
        bad.append(f"bundle row {br.get('bundle.elf')}")
    for v, k in s["kernels"].items():
        d = k.get("delta")
        if d and br.get(f"{v}: stored delta ({d['regions']} regions)", [0, 0])[1] != \
                str(d["delta_bytes"]):
            bad.append(f"{v}'s delta row")
    sr = rows(md, "step")
    pk = s["pack"]
    want = [str(pk["cpu_s"]), str(pk["user_s"]), str(pk["sys_s"]),
            f"{pk['peak_rss_kib'] / 1024:.0f}", str(pk["wall_s"])]
    if sr.get("pack", [None])[1:] != want:
        bad.append(f"pack row {sr.get('pack')}, JSON {want}")
    for v in s["kernels"]:
        if f"extract {v}, byte for byte" not in sr:
            bad.append(f"no byte-exact extract row for {v}: {sorted(sr)}")
    return bad


for name, *_ in SCALE_FILES:
    md = section({name: s})
    bad = mismatches(md, s)
    check(not bad, f"{name} rendered unlike the JSON:\n  " + "\n  ".join(bad))
    check(f"`build/report/{name}`" in "\n".join(md), f"the section does not name {name}")
print(f"the scale tables render {OUT}: {len(s['kernels'])} kernels, pack "
      f"{s['pack']['cpu_s']} s CPU, {s['pack']['peak_rss_kib']} KiB")

altered = copy.deepcopy(s)
altered["pack"]["cpu_s"] += 1
altered["kernels"]["xen"]["functions"] += 1
check(len(mismatches(section({"scale-debian.json": s}), altered)) == 2,
      "figures altered in the JSON went unnoticed")

# The finding: figures at their keys, the verdict by the kernels' size.
f = scale({"scale-debian.json": s}, scale.claim)
for x in f["figures"]:
    check(x["json"] == "build/report/scale-debian.json", f"figure from {x['json']}")
    check(resolve(s, x["key"]) == x["value"], f"{x['key']}: {x['value']} is not the JSON's")
check(str(s["pack"]["cpu_s"]) in f["answer"] and str(s["pack"]["wall_s"]) in f["answer"],
      f"the finding does not give the pack's CPU and wall time: {f['answer']}")
check(f["status"].startswith("untestable") and f.get("why") and "does not test" in f["answer"],
      f"kernels of {max(k['functions'] for k in s['kernels'].values())} functions "
      f"tested the claim: {f['status']}: {f['answer'][:300]}")
big = copy.deepcopy(s)
big["kernels"]["native"]["functions"] = 49345
f = scale({"scale-debian.json": big}, scale.claim)
ok = big["pack"]["cpu_s"] < 300 and big["pack"]["peak_rss_kib"] < 2 * 1024 * 1024
check(f["status"] == "measured" and f["answer"].startswith("Yes" if ok else "No"),
      f"a Debian-sized kernel: {f['status']}: {f['answer'][:200]}")
big["pack"]["cpu_s"] = 400.0
check(scale({"scale-debian.json": big}, scale.claim)["answer"].startswith("No"),
      "a pack of 400 s of CPU was called within the limits")
print(f"finding: {len(f['figures'])} figures at their keys; small kernels do not test "
      "the claim, 49,345 functions do, 400 s is over")

# Missing: said, with the target that writes it, never a figure.
md = "\n".join(section({}))
for name, _t, _w, target, _c in SCALE_FILES:
    check(f"`build/report/{name}`" in md and f"`{target}`" in md and "not run" in md,
          f"a missing {name} is not said to be missing with `{target}`")
f = scale({}, scale.claim)
check(f["status"] == "missing" and not f["figures"] and "make linux-scale-debian" in f["why"],
      f"no scale file: {f}")

# The report of this tree, where a scale file is present and the report is
# newer: its section is the rendering of that file.
report = os.path.join(ROOT, "build", "report", "report.md")
text = open(report).read().splitlines() if os.path.exists(report) else []
for name, title, *_ in SCALE_FILES:
    path = os.path.join(ROOT, "build", "report", name)
    if not text or os.path.getmtime(report) < os.path.getmtime(path if os.path.exists(path)
                                                                 else report):
        continue
    start = text.index(f"### {title}")
    end = next((i for i in range(start + 1, len(text)) if text[i].startswith("#")), len(text))
    part = text[start:end]
    if not os.path.exists(path):
        check(any(f"`build/report/{name}`" in x and "not run" in x for x in part),
              f"report.md does not say {name} was not run")
        continue
    real = json.load(open(path))
    bad = mismatches(part, real)
    check(not bad, f"build/report/report.md and {name} disagree:\n  " + "\n  ".join(bad))
    print(f"build/report/report.md renders {name} (pack {real['pack']['cpu_s']} s CPU)")
