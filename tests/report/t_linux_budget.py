# Where the Linux bundle's 1.1x budget goes (reportlib/linuxbudget.py):
# what only a variant has, taken by the bundler's diff, is checked against
# nm on our own native and xen images (the same names, the same bytes:
# bss has none); the budget's arithmetic against figures made up here, so
# a slip in any line of it fails; the section renders the figures; and
# where the report of this tree has the Linux budget, it agrees with the
# bundle's own figures beside it.
import collections
import json
import os
import subprocess
import sys

from hvbtest import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib import linuxbudget  # noqa: E402

BUNDLER = os.path.join(ROOT, "build", "host", "bundler")
NATIVE, XEN = image("native.elf"), image("xen.elf")


def nm_symbols(path):
    """{name: (type, size)} of the sized symbols nm lists, and how often
    each name stands (a name twice would make the by-name check loose)."""
    out = subprocess.run(["nm", "-S", "--defined-only", path], stdout=subprocess.PIPE,
                         check=True, text=True).stdout
    syms, seen = {}, collections.Counter()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTdDrRbB":
            syms[f[3]] = (f[2], int(f[1], 16))
            seen[f[3]] += 1
    return syms, seen


raw, z, nfun, nobj = linuxbudget.only_in_variant(BUNDLER, NATIVE, XEN, "t_linux_budget")
a, _ = nm_symbols(NATIVE)
b, seen = nm_symbols(XEN)
only = [n for n in b if n not in a]
check(all(seen[n] == 1 for n in only), "a name only xen has stands twice in it")
want_fun = sum(b[n][0] in "tT" for n in only)
want_obj = len(only) - want_fun
want_raw = sum(b[n][1] for n in only if b[n][0] not in "bB")
check((nfun, nobj) == (want_fun, want_obj),
      f"only in xen: {nfun} functions, {nobj} objects; nm says {want_fun}, {want_obj}")
check(raw == want_raw and raw > 0, f"only in xen: {raw} bytes; nm's sizes say {want_raw}")
check(0 < z < raw, f"only in xen: {z} B under zstd -19 for {raw} B")

# the arithmetic, on figures made up so that every line shows
g = linuxbudget.budget(native_z=1000000, pvops_z=1100000, bundle_z=1300000, xen_delta=200000,
                       own_z=50000)
want = {"target_bytes": 1210000, "budget_beyond_native": 210000, "xen_delta": 200000,
        "xen_own_zstd19": 50000, "xen_second_copy": 150000, "everything_else": 100000,
        "second_copy_allowed": 60000, "second_copy_allowed_share": 0.4, "over_target": 90000}
check(g == want, f"budget: {g}, want {want}")
g["only_in_xen"] = {"raw_bytes": 123456, "zstd19_bytes": 50000, "functions": 1228,
                    "objects": 393}
text = "\n".join(linuxbudget.markdown(g))
for fig in ("1,210,000", "210,000", "200,000", "1,228 functions", "393 objects", "123,456",
            "150,000", "100,000", "60,000 B, 40%"):
    check(fig in text, f"the budget section lacks {fig}: {text}")

# the report of this tree, where it has the Linux budget
path = os.path.join(ROOT, "build", "report", "linux.json")
lj = json.load(open(path)) if os.path.exists(path) else {}
bud = (lj.get("bundle") or {}).get("budget")
if bud:
    bz, nz = lj["bundle"]["zstd19_bytes"], lj["sizes"]["native"]["zstd19_bytes"]
    xd = lj["bundle"]["variants"]["xen"]["delta_bytes"]
    check(bud["xen_delta"] == xd, f"linux.json: budget's xen delta {bud['xen_delta']}, "
          f"the bundle's {xd}")
    check(bud["everything_else"] == bz - nz - xd, "linux.json: everything else is not the "
          "bundle less native less xen's delta")
    check(bud["target_bytes"] == int(linuxbudget.TARGET * lj["sizes"]["pvops"]["zstd19_bytes"]
                                     + 0.5),
          "linux.json: the target is not 1.1x pvops")
    print(f"linux.json: second copy {bud['xen_second_copy']:,} B, "
          f"{bud['second_copy_allowed']:,} B allowed for 1.1x")
else:
    print("linux.json without the Linux budget (make linux, then make report): "
          "its figures not checked")
print("PASS")
