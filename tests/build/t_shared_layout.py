# make allvariants links native, xen and kvm with one layout: every function
# and object present in two variants sits at the same address in both, the
# loaded extents are equal, and the padding this costs is reported.
import json
import os
import subprocess
from hvbtest import *


def symbols(img):
    out = subprocess.run(["nm", "-S", img], stdout=subprocess.PIPE, check=True).stdout.decode()
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTdDbBrR":
            syms[f[3]] = int(f[0], 16)
    return syms


def extent(img):
    out = subprocess.run(["readelf", "-lW", img], stdout=subprocess.PIPE, check=True).stdout.decode()
    return [l.split()[1:6] for l in out.splitlines() if l.strip().startswith("LOAD")]


names = ["native", "xen", "kvm"]
syms = {n: symbols(image(f"{n}.elf")) for n in names}
for a in names:
    for b in names:
        if a >= b:
            continue
        common = set(syms[a]) & set(syms[b])
        check(len(common) > 100, f"{a}/{b}: only {len(common)} common symbols")
        moved = sorted(s for s in common if syms[a][s] != syms[b][s])
        check(not moved, f"{a}/{b}: {len(moved)} symbols at different addresses, e.g. {moved[:5]}")
exts = {n: extent(image(f"{n}.elf")) for n in names}
check(exts["native"] == exts["xen"] == exts["kvm"], f"loaded extents differ: {exts}")
lay = json.load(open(os.path.join(os.environ["BUILD"], "layout", "layout.json")))
for n in names:
    pad = lay["variants"][n]["padding_bytes"]
    check(0 < pad < lay["layout_loaded_bytes"], f"{n}: padding {pad} not reported sensibly")
print("padding: " + ", ".join(f"{n} {lay['variants'][n]['padding_bytes']} B" for n in names)
      + f" of {lay['layout_loaded_bytes']} loaded bytes")
