# The reference tables of the real bundle (make allvariants): the regions'
# site tables and the base's site table (each of its columns), damaged one
# byte at a time with the payload hash (and the extract data's copy of
# it) fixed up, so only the applier's own
# checks stand between the damage and a wrong image: `bundler verify` must
# either stop with a clear message (exit 1) or, where the byte changed
# nothing the image depends on, still rebuild every image exactly (exit 0;
# verify compares each with its hash).  Never anything else, and the table
# checks themselves must catch some.  Also: xen's delta uses encoding 2 at
# all, and extract rebuilds xen.elf byte for byte.  The bundle is packed
# from make allvariants' images with stub.elf alone, which has encoding 2
# (make bundle also gives stub-norefs.elf, and our kernel's bundle is then
# smaller without encoding 2: FORMAT.md 3.10).
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bundle"))
from blib import F, TMP, check, image, payload, stub_elf, write  # noqa: E402
from reflib import fix_hashes, ref_regions, site_table  # noqa: E402

BUNDLER = os.environ["BUNDLER"]
CLEAR = ("malformed reference table", "image hash mismatch", "malformed delta",
         "delta out of bounds")

refs_bundle = os.path.join(TMP, "refs.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", refs_bundle, "--base", "native=" + image("native.elf"),
                "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
                "--stub", stub_elf()], check=True)


def bundle():
    return refs_bundle


data = bytes(open(bundle(), "rb").read())
pl = payload(bytearray(data))
regs = ref_regions(data, pl, "xen") + ref_regions(data, pl, "kvm")
check(regs, "no region of xen or kvm uses encoding 2 (reference-aware)")
x = os.path.join(TMP, "xen.rebuilt")
p = subprocess.run([BUNDLER, "extract", bundle(), "xen", "-o", x], stderr=subprocess.PIPE)
check(p.returncode == 0 and open(x, "rb").read() == open(image("xen.elf"), "rb").read(),
      "extract did not rebuild xen.elf byte for byte")

# every byte of the first regions' tables, up to 64 flips, and the first
# 8 bytes of each column of the base's site table (its counts, the bitmap
# of sites whose kind is not 0, their kinds, the gaps)
spots = []
for r in regs:
    for a, b in r["tables"]:
        spots += range(a, b)
spots = spots[:64]
ro, rl = (struct.unpack_from("<I", data, pl["off"] + F[k])[0]
          for k in ("HVB_PH_REFS_OFF", "HVB_PH_REFS_LEN"))
check(rl > 0, "the payload has no base site table")
st = site_table(data, pl["off"] + ro)
check(st["end"] == pl["off"] + ro + rl, "the base site table's columns do not end at its length")
for c in ("counts", "bitmap", "kinds", "gaps"):
    check(st[c][1] > st[c][0], f"the base site table's {c} column is empty")
    spots += range(st[c][0], min(st[c][1], st[c][0] + 8))
caught = kept = 0
for off in spots:
    d = bytearray(data)
    d[off] ^= 0x24
    fix_hashes(d, pl)
    path = write(d, "flip.elf")
    p = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 0:
        kept += 1
        continue
    check(p.returncode == 1, f"flip at {off}: verify exited {p.returncode}: {err}")
    check(any(c in err for c in CLEAR), f"flip at {off}: unclear message: {err}")
    caught += "malformed reference table" in err
print(f"{len(spots)} table bytes flipped: {len(spots) - kept} refused "
      f"({caught} by the table check), {kept} changed nothing the images hold")
check(caught > 0, "no flip was caught by the reference-table check itself")
