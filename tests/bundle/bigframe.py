"""bigframe: what t_bigframe.py and t_bigframe_xen.py share (imported,
not a test): our kernel relinked with a 6 MiB array in .data, packed so
that the variant is one frame decoding past the stub's old 4 MiB, and
the checks of that bundle and its boot."""
import os
import random
import re
import subprocess

from zbundle import *  # noqa: F401,F403

BIG = 6 << 20
OLD_FRAME_ROOM = 4 << 20	# HVB_STUB_FRAME_SCRATCH before the scratch was sized per bundle


def kldflags():
    """The kernel's link flags, from the Makefile (KLDFLAGS)."""
    mk = open(os.path.join(ROOT, "Makefile")).read()
    m = re.search(r"^KLDFLAGS\s*:=\s*((?:.*\\\n)*.*)$", mk, re.M)
    check(m, "no KLDFLAGS in the Makefile")
    return m.group(1).replace("\\\n", " ").split()


def big_object():
    """big.o: the array, in .data (kept by -u: --gc-sections drops
    what nothing refers to)."""
    rnd = random.Random(20261203)
    block = bytes(rnd.getrandbits(8) for _ in range(128 << 10))
    blob = write(block * (BIG // len(block)), "bigframe.bin")
    src = write((f'\t.section .data.hvb_big, "aw"\n\t.globl hvb_big\nhvb_big:\n'
                 f'\t.incbin "{blob}"\n\t.section .note.GNU-stack, "", @progbits\n').encode(),
                "bigframe.S")
    obj = os.path.join(TMP, "bigframe.o")
    subprocess.run(["as", "--64", "-o", obj, src], check=True)
    return obj


def fixed_hypercall_page_ld():
    """src/kernel.ld with Xen's hypercall page at a fixed 8 MiB past the
    image's start, after the array: a bundle's Xen variants share the page
    the bundle's notes name, so base and variant must put it alike."""
    ld = open(os.path.join(ROOT, "src", "kernel.ld")).read()
    a = ".hypercall_page (NOLOAD) :"
    check(a in ld, "src/kernel.ld has no .hypercall_page")
    return write(ld.replace(a, ".hypercall_page KERNEL_VBASE + 0x900000 (NOLOAD) :").encode(),
                 "bigframe-kernel.ld")


def relink(variant, obj, script="src/kernel.ld", name=None):
    """The variant's objects as its own build linked them (its map's LOAD
    lines), with obj (if any), by script: a real image of our kernel."""
    vmap = os.path.join(BUILD, "variants", variant, "layout.map")
    objs = [l.split()[1] for l in open(vmap) if l.startswith("LOAD ")]
    check(objs, f"{vmap}: no LOAD lines")
    out = os.path.join(TMP, name or f"{variant}-big.elf")
    subprocess.run(["ld"] + kldflags() + (["-u", "hvb_big"] if obj else []) +
                   ["-T", script, "-o", out] + objs + ([obj] if obj else []),
                   check=True, cwd=ROOT)
    nm = subprocess.run(["nm", "-S", out], stdout=subprocess.PIPE, check=True).stdout.decode()
    check(not obj or re.search(r" hvb_big$", nm, re.M), f"{out}: the array was not linked in")
    return out


def pack(name, base, variant, vpath):
    out = os.path.join(TMP, name)
    p = subprocess.run([BUNDLER, "pack", "-v", "-o", out, "--base", base,
                        "--variant", f"{variant}={vpath}", "--stub", stub_elf(),
                        "--stub-zstd", stub_zstd_elf(), "--compress", "zstd"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    msg = p.stdout.decode()
    if p.returncode:
        print(msg)
        fail(f"pack {name}: exit {p.returncode}")
    return out, msg


def check_framed(out, variant):
    """The variant is one frame decoding past the old 4 MiB, and the stub
    has the scratch the payload needs, inside its PT_LOAD."""
    data = bytes(open(out, "rb").read())
    pl = payload(data)
    v = pl["variants"][variant]
    check(v["frame_len"] > 0 and all(r["comp"] == F["HVB_COMP_FRAME"] for r in v["regions"]),
          f"{variant} is not framed: {v['frame_len']} B frame")
    check(v["frame_raw"] > OLD_FRAME_ROOM, f"{variant}'s frame decodes to {v['frame_raw']} B only")
    need, = struct.unpack_from("<I", data, pl["off"] + F["HVB_PH_MAX_SCRATCH"])
    po = params_off(data, out)
    have, = struct.unpack_from("<Q", data, po + F["HVB_SP_SCRATCH_SIZE"])
    check(v["frame_raw"] < need <= have <= F["HVB_STUB_SCRATCH_MAX"],
          f"frame_raw {v['frame_raw']}, max_scratch {need}, stub scratch {have}")
    nm = subprocess.run(["nm", out], stdout=subprocess.PIPE, check=True).stdout.decode()
    at = [int(l.split()[0], 16) for l in nm.splitlines()
          if l.endswith(" " + F["HVB_STUB_SCRATCH_SYM"])]
    seg = next(p for p in phdrs(data) if p["type"] == 1 and p["off"] <= po < p["off"] + p["filesz"])
    if at:	# the bundle names it; else it is where the stub's segment ended
        check(at[0] + have == seg["vaddr"] + seg["memsz"], "the scratch does not end the stub")
    check(seg["memsz"] - seg["filesz"] >= have, f"stub segment {seg}: scratch {have} not in memsz")
    print(f"{variant}: frame {v['frame_len']} B decoding to {v['frame_raw']} B; "
          f"max_scratch {need}, stub scratch {have}, stub memsz {seg['memsz']}")
    return data, po, need, v


def boot_big(out, on, variant, vpath, frame_len, rc):
    b = boot(out, on, [f"hvb.variant={variant}"], expect_rc=rc, timeout=180)
    s = check_stub_line(b, variant, "override", "pvh" if on == "native" else "xen")
    check(s["delta_bytes"] == frame_len, f"stub delta_bytes {s['delta_bytes']}, frame {frame_len}")
    ev = b.one("boot")
    h = host_image_hash(vpath)
    check(ev["image_hash"] == h, f"{on}: kernel hashed {ev['image_hash']}, {vpath} hashes {h}")
    print(f"{on}: the stub applied {variant}'s frame and entered it; image hash {h}")
    return b


