# Op columns (FORMAT.md 3.7, variant flag HVB_VF_OPCOLS) on the real
# bundle: make allvariants' native, xen and kvm packed with --compress
# zstd and stub-zstd.elf (which has encoding 2, so regions in reference
# space share the columns too), three times: with the columns forced
# (HVB_PACK_OPCOLS=always), without (never), and as pack chooses.  With
# them, both frames carry the flag, no encoding-1 region keeps bytes of
# its own, and extract rebuilds xen.elf and kvm.elf byte for byte (verify
# too), and list says so; without, no flag; as pack chooses, each frame is the smaller of
# the two.  Then bytes of the forced bundle's frames are flipped (payload
# hash, and the extract data's record of it, fixed up): verify must stop with a clear message or still rebuild
# every image exactly, never anything else.
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bundle"))
from blib import F, check  # noqa: E402
from zbundle import rebuilt, variant_flags, verify_flips, zpack  # noqa: E402

BUNDLER = os.environ["BUNDLER"]
VARIANTS = ("xen", "kvm")


def pack(name, cols):
    # columns alone: frames against the plain base (t_ref_prefix.py: both)
    return zpack(name, HVB_PACK_OPCOLS=cols, HVB_PACK_REFPREFIX="never")


cpath, cdata, cpl = pack("cols.elf", "always")
spath, sdata, spl = pack("streams.elf", "never")
apath, adata, apl = pack("auto.elf", None)
refops = 0
for v in VARIANTS:
    cv, sv, av = cpl["variants"][v], spl["variants"][v], apl["variants"][v]
    check(cv["frame_len"] and sv["frame_len"], f"{v} is not framed")
    check(variant_flags(cdata, cpl, v) == F["HVB_VF_OPCOLS"], f"{v}: columns forced, flags "
          f"{variant_flags(cdata, cpl, v):#x}")
    check(variant_flags(sdata, spl, v) == 0, f"{v}: columns off, flags {variant_flags(sdata, spl, v):#x}")
    for r in cv["regions"]:
        check(r["enc"] != F["HVB_ENC_OPS"] or r["data_len"] == 0,
              f"{v}: an encoding-1 region keeps {r['data_len']} bytes beside the columns")
    refops += sum(r["enc"] == F["HVB_ENC_REFOPS"] for r in cv["regions"])
    best = min(cv["frame_len"], sv["frame_len"])
    check(av["frame_len"] == best, f"{v}: pack kept a frame of {av['frame_len']} B, "
          f"columns {cv['frame_len']} B, streams {sv['frame_len']} B")
    print(f"{v}: frame with op columns {cv['frame_len']} B, with op streams "
          f"{sv['frame_len']} B; kept {av['frame_len']} B")
check(refops > 0, "no region in reference space (encoding 2) among the columns")
for path, want in ((cpath, True), (spath, False)):
    listed = json.loads(subprocess.run([BUNDLER, "list", "--json", path], check=True,
                                       stdout=subprocess.PIPE).stdout)
    for e in listed["variants"]:
        if e["name"] in VARIANTS:
            check(e["frame_opcols"] is want, f"list says {e['name']}'s frame_opcols is "
                  f"{e['frame_opcols']} in {os.path.basename(path)}")
for path in (cpath, spath, apath):
    rebuilt(path, VARIANTS)

# damage: every 97th byte of each forced frame, and its first 16
spots = []
for v in VARIANTS:
    cv = cpl["variants"][v]
    at = cpl["off"] + cv["frame_off"]
    spots += sorted(set(range(at, at + 16)) | set(range(at, at + cv["frame_len"], 97)))
said = verify_flips(cdata, cpl, [(o, 0x5a) for o in spots])
refused = len(said)
ops = sum("malformed delta" in e or "delta out of bounds" in e for e in said)
print(f"{len(spots)} frame bytes flipped: {refused} refused ({ops} by the op checks), "
      f"{len(spots) - refused} changed nothing the images hold")
check(refused > 0, "no flipped frame byte was refused")
