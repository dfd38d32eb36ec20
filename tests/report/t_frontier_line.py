# The replicate finding's sentence on the inlining policies
# (reportlib/claims_size.frontier_line) rests on frontier.json: fed a
# frontier.json of figures made up here, every figure it gives resolves,
# at its key, to that value; the sentence names each policy's figures;
# the stub-against-patcher clause comes only when the bundle is the
# larger; and with no frontier.json there is no sentence.  Where the
# report of this tree has frontier.json, the same holds for it.
import json
import os
import sys

from hvbtest import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.claims_size import MECH, frontier_line  # noqa: E402
from reportlib.keys import resolve  # noqa: E402


def policy(differ, bundle, pvops, stub, patcher):
    return {"functions_differ": {"xen": differ, "kvm": differ // 4},
            "bundle_zstd19": bundle, "images_zstd19": {"native": 1000, "pvops": pvops},
            "zaccount_buckets": {"bundle.elf": {MECH: {"bytes": 1, "share": stub}},
                                 "pvops.elf": {MECH: {"bytes": 1, "share": patcher}}}}


def resolves(fr, figs):
    for f in figs:
        check(f["json"].endswith("frontier.json"), f"{f['what']}: from {f['json']}")
        check(resolve(fr, f["key"]) == f["value"],
              f"{f['what']}: {f['key']} is {resolve(fr, f['key'])}, the figure {f['value']}")


fr = {"sizes": {"all": policy(131, 51001, 33003, 6007, 3001),
                "hot": policy(127, 42002, 33003, 6005, 3001),
                "none": policy(83, 37004, 33003, 6003, 3001)}}
text, figs = frontier_line({"frontier.json": fr})
check(text is not None, "no sentence from a frontier.json")
resolves(fr, figs)
for p, n, z in [("all", 131, 51001), ("hot", 127, 42002), ("none", 83, 37004)]:
    check(f"{p}, {n} xen functions differ and the bundle is {z} bytes" in text,
          f"policy {p} not in: {text}")
check("is 33003." in text and "4001 bytes larger" in text and "weigh 6003" in text
      and "site table 3001" in text, f"the pvops comparison: {text}")
check(len(figs) == 9, f"{len(figs)} figures, expected 3 per policy, pvops and two shares")

# a bundle no larger than pvops.elf: no "larger" clause
fr["sizes"]["none"]["bundle_zstd19"] = 33003
text, figs = frontier_line({"frontier.json": fr})
resolves(fr, figs)
check("larger" not in text and len(figs) == 7, f"bundle = pvops, yet: {text}")

check(frontier_line({"frontier.json": None}) == (None, []), "a sentence without frontier.json")
check(frontier_line({}) == (None, []), "a sentence without frontier.json")

# this tree's own, when made (make report)
path = os.path.join(ROOT, "build", "report", "frontier.json")
if os.path.exists(path):
    real = json.load(open(path))
    text, figs = frontier_line({"frontier.json": real})
    resolves(real, figs)
    print(f"this tree's frontier.json: {text.strip()}")
print(f"frontier_line: {len(figs)} figures, each at its key")
