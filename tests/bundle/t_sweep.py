# The corruption sweep (tools/sweep) as a test: seeded corrupted copies of
# the bundle over every part of the file, 240 on native (each with a random
# variant override) and 4 on Xen.  No boot may start a wrong kernel, hang
# or crash unless the change was in the stub's own segment or in what
# places it and enters it (the ELF and program headers, the entry notes):
# UNPROTECTED, since the stub does not yet check its own bytes (issue 12
# item 1, open: a corrupt stub can start a wrong kernel) and no stub can
# check where the loader put it.  Every other boot ends in the stub's error
# with a failure status, the loader's refusal, or the right kernel.
import json
import os
import subprocess
import sys

from blib import *

SWEEP = os.path.join(ROOT, "tools", "sweep")
UNPROTECTED = ("headers", "notes", "stub")


def stub_part(data):
    """The sweep's name of the PT_LOAD that holds the stub's entry."""
    entry, = struct.unpack_from("<Q", data, 24)
    for i, p in enumerate(phdrs(data)):
        if p["type"] == 1 and p["vaddr"] <= entry < p["vaddr"] + p["memsz"]:
            return f"load{i}@{p['vaddr']:x}"
    fail("no PT_LOAD holds the entry point")


def sweep(on, n, timeout):
    out = os.path.join(TMP, f"sweep-{on}.json")
    p = subprocess.run([sys.executable, SWEEP, bundle(), "--images", IMAGES, "--on", on,
                        "-n", str(n), "--seed", "12", "--timeout", str(timeout), "--json", out],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(p.stdout.decode())
    if p.returncode == 77:
        skip(f"{on} not available")
    check(os.path.exists(out), f"sweep on {on} exited {p.returncode} without results")
    return json.load(open(out))


stub = stub_part(open(bundle(), "rb").read())
for on, n, timeout in (("native", 240, 10), ("xen", 4, 90)):
    r = sweep(on, n, timeout)
    check(sum(r["total"].values()) == n, f"{on}: {sum(r['total'].values())} boots of {n}")
    check(len(r["parts"]) >= 5 or on == "xen", f"{on}: only parts {list(r['parts'])}")
    for b in r["boots"]:
        part = "stub" if b["part"] == stub else "notes" if b["part"].startswith("note") \
            else b["part"]
        check(b["class"] not in ("crash", "hang", "wrong") or part in UNPROTECTED,
              f"{on}: copy {b['i']} ({b['part']} offset {b['off']:#x}, {b['kind']}) ended in a "
              f"{b['class']}: {b.get('tail')}")
    print(f"{on}: {r['total']}")
