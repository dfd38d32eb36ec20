# The corruption sweep (tools/sweep) as a test: seeded corrupted copies of
# the bundle over every part of the file, 240 on native (each with a random
# variant override) and 4 on Xen.  No boot may start a wrong kernel, nor
# hang where the stub or the loader's checks can see the damage: the stub
# checks its own bytes before it acts (stub/selfcheck.S), the payload and the image hashes check the rest
# it reads, and tools/boot refuses, as a loader would, an image QEMU's
# loader would silently load wrong.  Every change in the stub's own
# segment must be caught by the stub.  Crashes and hangs (the goal is
# zero) are allowed only where no code in the bundle runs before the
# damage acts: the ELF and program headers and the notes, which tell the
# loader where the stub is and where to enter it (a changed PVH entry
# note sends the CPU anywhere); each one is printed, and each must be
# refused by bundler verify, whose boot check record covers those bytes.
# The same holds for the checker itself: the stub's entries up to the
# self-check and the self-check's code (stub/entry.S, stub/selfcheck.S,
# about 500 bytes) run before any check can, so a changed byte there may
# crash the boot (a changed imul in the hash loop did) instead of being
# caught; such boots too must be refused by verify, and are printed.
import json
import os
import subprocess
import sys

from blib import *

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib import stubs  # noqa: E402

SWEEP = os.path.join(ROOT, "tools", "sweep")
LOADER_PARTS = ("headers", "notes")


def stub_part(data):
    """The sweep's name of the PT_LOAD that holds the stub's entry."""
    entry, = struct.unpack_from("<Q", data, 24)
    for i, p in enumerate(phdrs(data)):
        if p["type"] == 1 and p["vaddr"] <= entry < p["vaddr"] + p["memsz"]:
            return f"load{i}@{p['vaddr']:x}"
    fail("no PT_LOAD holds the entry point")


def checker_spans(path, data):
    """File-offset spans of the code that runs before the stub's self-check
    has a verdict: [start, end) symbol pairs of the stub that pack put in
    the bundle, placed by the bundle's own PVH entry."""
    s = stubs.symbols(stubs.packed_stub(path, os.path.join(BUILD, "stub")))
    entry = stubs.symbols(path)["hvb_stub_pvh_entry"]
    pairs = (("hvb_stub_pvh_entry", "stub_pvh_checked"), ("hvb_stub_xen_entry", "stub_xen_checked"),
             ("stub_selfcheck32", "stub_corrupt_msg"))
    spans = []
    for a, b in pairs:
        check(a in s and b in s and s[a] < s[b], f"stub symbols {a}, {b} missing or out of order")
        va = entry + s[a] - s["hvb_stub_pvh_entry"]
        for p in phdrs(data):
            if p["type"] == 1 and p["vaddr"] <= va < p["vaddr"] + p["filesz"]:
                off = p["off"] + va - p["vaddr"]
                spans.append((off, off + s[b] - s[a]))
    check(len(spans) == len(pairs), f"checker code not found in the file: {spans}")
    return spans


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
checker = checker_spans(bundle(), open(bundle(), "rb").read())
for on, n, timeout in (("native", 240, 10), ("xen", 4, 90)):
    r = sweep(on, n, timeout)
    check(sum(r["total"].values()) == n, f"{on}: {sum(r['total'].values())} boots of {n}")
    check(len(r["parts"]) >= 5 or on == "xen", f"{on}: only parts {list(r['parts'])}")
    for b in r["boots"]:
        part = "stub" if b["part"] == stub else "notes" if b["part"].startswith("note") \
            else b["part"]
        if part == "stub" and any(lo < b["off"] + 4 and b["off"] < hi for lo, hi in checker):
            part = "checker"
        what = f"{on}: copy {b['i']} ({b['part']} offset {b['off']:#x}, {b['kind']})"
        check(b["class"] != "wrong", f"{what} started a wrong kernel: {b.get('tail')}")
        check(b["class"] != "hang" or part in LOADER_PARTS,
              f"{what} ended in a hang: {b.get('tail')}")
        check(b["class"] not in ("crash", "hang") or b.get("verify") == "refused",
              f"{what}: a {b['class']} that bundler verify does not refuse")
        check(b["class"] != "wrong" and (part != "checker" or b["class"] in ("caught", "crash")
              and (b["class"] == "caught" or b.get("verify") == "refused")),
              f"{what}: in the self-check's own code, neither caught nor a refused crash")
        check(part != "stub" or b["class"] == "caught",
              f"{what}: a changed stub byte not caught by the stub's self-check: {b['class']}")
        check(b["class"] != "crash" or part in LOADER_PARTS + ("checker",),
              f"{what} crashed: {b.get('tail')}")
        if b["class"] in ("crash", "hang"):
            print(f"{b['class']} ({part}, refused by verify, reported): {what}: "
                  f"{b.get('tail')}")
    print(f"{on}: {r['total']}")
