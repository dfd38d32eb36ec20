# Frames against the base in reference space (FORMAT.md 3.3, variant flag
# HVB_VF_REFPREFIX) on the real bundle: make allvariants' native, xen and
# kvm packed with --compress zstd and stub-zstd.elf three times: the
# reference-space frames forced (HVB_PACK_REFPREFIX=always), ruled out
# (never), and as pack chooses.  Forced, both frames carry the flag and
# list says so; ruled out, neither; as pack chooses, the bundle stores the
# smaller of the two in frames plus the base's site table (which the
# reference-space frames make longer).  Each rebuilds xen.elf and kvm.elf
# byte for byte, and `pack --ref-prefix on|off|auto` makes the same three
# bundles.  Then bytes of the forced bundle's base site table are
# flipped (payload hash and the extract data's record of it fixed up): the
# table turns the prefix before decoding, so verify must stop with a clear
# message or still rebuild every image exactly, never anything else.
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bundle"))
from blib import F, check  # noqa: E402
from zbundle import rebuilt, variant_flags, verify_flips, zpack  # noqa: E402

BUNDLER = os.environ["BUNDLER"]
VARIANTS = ("xen", "kvm")
SAID = "against the base in reference space"


def base_table(data, pl):
    """[start, end) file offsets of the base's site table"""
    off, n = (struct.unpack_from("<I", data, pl["off"] + F[k])[0]
              for k in ("HVB_PH_REFS_OFF", "HVB_PH_REFS_LEN"))
    return pl["off"] + off, pl["off"] + off + n


def stored(data, pl):
    a, b = base_table(data, pl)
    return sum(pl["variants"][v]["frame_len"] for v in VARIANTS) + (b - a)


def listed(path):
    text = subprocess.run([BUNDLER, "list", path], check=True, stdout=subprocess.PIPE).stdout
    js = json.loads(subprocess.run([BUNDLER, "list", "--json", path], check=True,
                                   stdout=subprocess.PIPE).stdout)
    lines = {ln.split()[0]: ln for ln in text.decode().splitlines() if ln.split()}
    return lines, {e["name"]: e for e in js["variants"]}


rpath, rdata, rpl = zpack("refprefix.elf", HVB_PACK_REFPREFIX="always")
ppath, pdata, ppl = zpack("plainprefix.elf", HVB_PACK_REFPREFIX="never")
apath, adata, apl = zpack("auto.elf", HVB_PACK_REFPREFIX=None)
for path, data, pl, want in ((rpath, rdata, rpl, True), (ppath, pdata, ppl, False)):
    lines, js = listed(path)
    for v in VARIANTS:
        check(pl["variants"][v]["frame_len"] > 0, f"{v} is not framed in {path}")
        check(bool(variant_flags(data, pl, v) & F["HVB_VF_REFPREFIX"]) is want,
              f"{v}: flags {variant_flags(data, pl, v):#x} in {os.path.basename(path)}")
        check(js[v]["frame_refprefix"] is want, f"list --json: {v} frame_refprefix "
              f"{js[v]['frame_refprefix']} in {os.path.basename(path)}")
        check((SAID in lines[v]) is want, f"list: {lines[v]!r}")
a, b = base_table(rdata, rpl)
check(b > a, "the forced bundle has no base site table")
best = min(stored(rdata, rpl), stored(pdata, ppl))
check(stored(adata, apl) == best, f"pack stored {stored(adata, apl)} B in frames and the "
      f"base's table; reference space {stored(rdata, rpl)} B, plain {stored(pdata, ppl)} B")
for v in VARIANTS:
    print(f"{v}: frame against the base in reference space {rpl['variants'][v]['frame_len']} B, "
          f"plain {ppl['variants'][v]['frame_len']} B")
print(f"with the base's site table: {stored(rdata, rpl)} B against {stored(pdata, ppl)} B; "
      f"pack kept {stored(adata, apl)} B")
for path in (rpath, ppath, apath):
    rebuilt(path, VARIANTS)
# pack's own option says the same as the test switch; a wrong value is a
# usage error
for val, want in (("on", rdata), ("off", pdata), ("auto", adata)):
    _, data, _ = zpack(f"option-{val}.elf", "--ref-prefix", val, HVB_PACK_REFPREFIX=None)
    check(data == want, f"pack --ref-prefix {val} is not the bundle its switch makes")
p = subprocess.run([BUNDLER, "pack", "-o", "x.elf", "--base", "native=n.elf", "--stub", "s.elf",
                    "--ref-prefix", "maybe"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
check(p.returncode == 2 and b"usage" in p.stderr, f"--ref-prefix maybe: exit {p.returncode}")

# damage: every byte of the base's site table (at most 64 of them, spread)
step = max(1, (b - a) // 64)
spots = range(a, b, step)
refused = len(verify_flips(rdata, rpl, [(o, 0x21) for o in spots]))
print(f"{len(spots)} base-table bytes flipped: {refused} refused, "
      f"{len(spots) - refused} changed nothing the images hold")
check(refused > len(spots) // 2, f"only {refused} of {len(spots)} flips refused")
