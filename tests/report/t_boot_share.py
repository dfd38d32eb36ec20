# The stub in proportion (reportlib/linuxcost.py's boot-to-init table, the
# boot-cost and in-short findings): tools/patchcost's counts of each boot
# from power-on to /init render cell for cell as the JSON says (the three
# boots, the bundle's minus pvops', the stub's share of the bundle's boot,
# pvops' patching's share of its own); every finding figure is found at its
# key and the finding gives the shares.  A boot not counted is said to be
# missing, never filled in.  The check can fail: a figure altered in the
# JSON no longer matches the rendering.  Last, the report of this tree,
# where linux.json has the counts and report.md is newer, renders them.
import copy
import json
import os
import sys

from hvbtest import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.claims_boot import boot_cost  # noqa: E402
from reportlib.findings import in_short  # noqa: E402
from reportlib.keys import resolve  # noqa: E402
from reportlib.linuxcost import compare, markdown  # noqa: E402

HEAD = "| platform | boot to init: direct build |"
DOM0 = "xen, dom0: its entry to /init"
BOOT = {"pvops on native": 271000123, "native on native": 267932821,
        "pvops on xen": 1480000777, "xen on xen": 1470000001}
STUB_BOOT = {"native on native": 277000009, "xen on xen": 1519000456}
# as Xen dom0: power-on to the image's first instruction (Xen's part)
ENTRY = {"pvops on xen": 270000111, "xen on xen": 280414038, "stub xen on xen": 261000222}


def fake():
    """tools/patchcost's output for native and Xen, boots counted."""
    linux = {k: {"alternative_instructions": 3883309 - 400000 * (k.startswith("native")),
                 "apply_paravirt": 344417 + i, "boot_to_init": b}
             for i, (k, b) in enumerate(BOOT.items())}
    del linux["native on native"]["apply_paravirt"]
    stub = {k: {"stub_rdtsc_total": 9000000 + 7 * i, "detect": 700, "payload_check": 419076,
                "rebuild": 294396, "image_hash": 8338105, "boot_to_init": b}
            for i, (k, b) in enumerate(STUB_BOOT.items())}
    for k, e in ENTRY.items():
        (stub if k.startswith("stub") else linux)[k.replace("stub ", "")]["boot_to_entry"] = e
    res = {"linux": linux, "stub": stub,
           "records": {f"{s} {k}": f"build/patchcost/{s}-{k.replace(' ', '-')}.json"
                       for s, d in (("linux", linux), ("stub", stub)) for k in d}}
    res["compare"] = compare(res)
    return res


def boot_rows(md):
    """{platform: [cells]} of the boot-to-init table in MD."""
    out, inside = {}, False
    for line in md:
        if line.startswith(HEAD):
            inside = True
        elif not line.startswith("|"):
            inside = False
        elif inside and not set(line) <= set("|-: "):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out[cells[0]] = cells
    return out


def want(c, span="boot_to_init"):
    """The cells a platform's comparison C must render as (SPAN: the whole
    boot, or dom0's from its entry)."""
    b = {k: c.get(f"{k}_{span}") for k in ("direct", "pvops", "bundle")}
    m = "**missing**"
    cell = [str(b[k]) if b[k] else m for k in ("direct", "pvops", "bundle")]
    cell.append(f"{b['bundle'] - b['pvops']:+d}" if b["bundle"] and b["pvops"] else m)
    cell += [str(c["stub"]), f"{100 * c['stub'] / b['bundle']:.2f}%" if b["bundle"] else m]
    cell += [str(c["pvops_patching"]),
             f"{100 * c['pvops_patching'] / b['pvops']:.2f}%" if b["pvops"] else m]
    return cell


def mismatches(md, cmp):
    rows, bad = boot_rows(md), []
    for p, label, span in (("native", "native", "boot_to_init"), ("xen", "xen", "boot_to_init"),
                           ("xen", DOM0, "entry_to_init")):
        if p in cmp and rows.get(label, [None])[1:] != want(cmp[p], span):
            bad.append(f"{label}: rendered {rows.get(label)}, JSON {want(cmp[p], span)}")
    return bad


res = fake()
cmp = res["compare"]
check(cmp["xen"]["bundle_entry_to_init"] == STUB_BOOT["xen on xen"] - ENTRY["stub xen on xen"]
      and cmp["xen"]["direct_entry_to_init"] == BOOT["xen on xen"] - ENTRY["xen on xen"]
      and "native_entry_to_init" not in cmp["native"], f"compare(): dom0's part: {cmp['xen']}")
check(cmp["native"]["bundle_boot_to_init"] == STUB_BOOT["native on native"] and
      cmp["xen"]["pvops_boot_to_init"] == BOOT["pvops on xen"] and
      cmp["xen"]["direct_boot_to_init"] == BOOT["xen on xen"],
      f"compare() lost a boot count: {cmp}")
md = markdown(cmp)
bad = mismatches(md, cmp)
check(not bad, "the boot table renders unlike the JSON:\n  " + "\n  ".join(bad))
text = "\n".join(md)
check("Xen's own boot" in text and "firmware" in text and "not the guest TSC" in text
      and "host's clock" in text, "the table does not say what the count includes")
check(DOM0 in boot_rows(md) and not any(r.startswith("native,") for r in boot_rows(md)),
      f"dom0's row: {sorted(boot_rows(md))}")
altered = copy.deepcopy(cmp)
altered["native"]["bundle_boot_to_init"] += 1
altered["xen"]["stub"] += 1
check(len(mismatches(md, altered)) == 3, "figures altered in the JSON went unnoticed")
altered = copy.deepcopy(cmp)
altered["xen"]["pvops_entry_to_init"] += 1
check(len(mismatches(md, altered)) == 1, "dom0's figure altered in the JSON went unnoticed")
print("boot table:", boot_rows(md))

# The findings: every figure at its key, the three boots cited per
# platform, the shares said as the table says them.
lj = {"patch_cost_icount": res}
f = boot_cost({"linux.json": lj}, boot_cost.claim)
keys = {x["key"] for x in f["figures"]}
for p in ("native", "xen"):
    span = "entry_to_init" if p == "xen" else "boot_to_init"
    for k in ("direct", "pvops", "bundle"):
        check(f"patch_cost_icount.compare.{p}.{k}_{span}" in keys,
              f"boot-cost does not cite {p}'s {k} {span}: {sorted(keys)}")
    share = want(cmp[p], span)[5]
    check(f"its stub is {share} of its boot" in f["answer"],
          f"boot-cost does not give {p}'s stub share {share}: {f['answer']}")
s = in_short({"linux.json": lj}, in_short.claim)
check(f"its stub is {want(cmp['native'])[5]} of the bundle's boot to /init" in s["answer"],
      f"in-short does not give the stub's share: {s['answer']}")
for x in f["figures"] + s["figures"]:
    check(resolve(lj, x["key"]) == x["value"], f"{x['key']}: {x['value']} is not the JSON's")
check(f"the stub {want(cmp['xen'])[5]} of it" in f["answer"],
      f"boot-cost does not give the stub's share of Xen's whole boot: {f['answer']}")
print(f"boot-cost: {len(f['figures'])} figures at their keys; shares "
      f"{want(cmp['native'])[5]} (native), {want(cmp['xen'], 'entry_to_init')[5]} (Xen dom0), "
      f"{want(cmp['xen'])[5]} (Xen from power-on)")

# A boot not counted: missing, said, never filled in.
part = copy.deepcopy(res)
del part["stub"]["xen on xen"]["boot_to_init"]
part["stub"]["xen on xen"]["boot_to_init_missing"] = "the recorded boot (90 s) never reached /init"
del part["linux"]["pvops on native"]["boot_to_init"]
part["compare"] = compare(part)
md = markdown(part["compare"])
rows = boot_rows(md)
check(rows["xen"][3] == rows["xen"][4] == rows["xen"][6] == "**missing**" and
      rows["native"][2] == rows["native"][4] == rows["native"][8] == "**missing**",
      f"a boot not counted is not marked missing: {rows}")
check(not mismatches(md, part["compare"]), "\n".join(mismatches(md, part["compare"])))
check(any("Boot to init: **missing**" in x for x in md), "the missing boots are not said")
f = boot_cost({"linux.json": {"patch_cost_icount": part}}, boot_cost.claim)
check(f["answer"].count("the boots to /init are not counted") == 2 and
      "In proportion" not in f["answer"], f"boot-cost with boots missing: {f['answer']}")
print("boots not counted: marked missing in the table and the finding")

# The report of this tree: linux.json's counts as report.md renders them.
REPORT = os.path.join(ROOT, "build", "report")
lx, rep = os.path.join(REPORT, "linux.json"), os.path.join(REPORT, "report.md")
real = json.load(open(lx)).get("patch_cost_icount") if os.path.exists(lx) else None
if real and os.path.exists(rep) and os.path.getmtime(rep) >= os.path.getmtime(lx):
    text = open(rep).read().splitlines()
    bad = mismatches(text, real["compare"])
    check(not bad, "build/report/report.md and linux.json disagree:\n  " + "\n  ".join(bad))
    print("build/report/report.md renders linux.json's boots:", boot_rows(text))
else:
    print("no build/report/linux.json older than report.md: the report is not compared")
