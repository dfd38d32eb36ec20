"""stubs.py: which stub ELF `bundler pack` put into a bundle.  pack chooses
among the stubs the build makes (build/stub/: stub.elf, stub-zstd.elf with
the zstd decoder, stub-norefs.elf without encoding 2) by measured size, and
may move the one it takes; the bundle keeps only the stub's entry and
parameter symbols.  The stubs differ in size, so the distance from the PVH
entry to the parameters names the one in the bundle."""
import os
import subprocess

NAMES = ("stub.elf", "stub-zstd.elf", "stub-norefs.elf")


def symbols(path):
    """{name: address} of an ELF's symbol table (nm)."""
    p = subprocess.run(["nm", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode:
        raise ValueError(f"{path}: nm failed: {p.stderr.decode().strip()}")
    out = {}
    for line in p.stdout.decode().splitlines():
        f = line.split()
        if len(f) == 3:
            out[f[2]] = int(f[0], 16)
    return out


def span(path):
    s = symbols(path)
    if "hvb_stub_params" not in s or "hvb_stub_pvh_entry" not in s:
        raise ValueError(f"{path}: no stub symbols (hvb_stub_params, hvb_stub_pvh_entry)")
    return s["hvb_stub_params"] - s["hvb_stub_pvh_entry"]


def packed_stub(bundle, stub_dir):
    """The path of the stub in BUNDLE, one of NAMES in STUB_DIR."""
    want = span(bundle)
    found = [p for p in (os.path.join(stub_dir, n) for n in NAMES)
             if os.path.isfile(p) and span(p) == want]
    if len(found) != 1:
        raise ValueError(f"{bundle}: its stub is not one of {stub_dir}/{{{','.join(NAMES)}}} "
                         f"(matches: {found})")
    return found[0]
