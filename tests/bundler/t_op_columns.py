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
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bundle"))
from blib import F, TMP, check, fail, image, payload, stub_elf, write  # noqa: E402
from reflib import fix_hashes  # noqa: E402
from zbundle import stub_zstd_elf  # noqa: E402

BUNDLER = os.environ["BUNDLER"]
VARIANTS = ("xen", "kvm")
CLEAR = ("compressed delta does not decode", "malformed delta", "delta out of bounds",
         "malformed reference table", "image hash mismatch")


def pack(name, cols):
    out = os.path.join(TMP, name)
    env = dict(os.environ)
    env.pop("HVB_PACK_OPCOLS", None)
    if cols:
        env["HVB_PACK_OPCOLS"] = cols
    subprocess.run([BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + image("native.elf"),
                    "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
                    "--stub", stub_elf(), "--stub-zstd", stub_zstd_elf(), "--compress", "zstd"],
                   check=True, env=env)
    data = bytes(open(out, "rb").read())
    return out, data, payload(data)


def flags(data, pl, v):
    return struct.unpack_from("<I", data, pl["off"] + pl["variants"][v]["entry"] +
                              F["HVB_VE_FLAGS"])[0]


def rebuilt(path):
    for v in VARIANTS:
        x = os.path.join(TMP, v + ".rebuilt")
        p = subprocess.run([BUNDLER, "extract", path, v, "-o", x], stderr=subprocess.PIPE)
        check(p.returncode == 0, f"extract {v}: {p.stderr.decode()}")
        check(open(x, "rb").read() == open(image(v + ".elf"), "rb").read(),
              f"extract did not rebuild {v}.elf byte for byte from {path}")
    p = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"verify {path}: {p.stderr.decode()}")


cpath, cdata, cpl = pack("cols.elf", "always")
spath, sdata, spl = pack("streams.elf", "never")
apath, adata, apl = pack("auto.elf", None)
refops = 0
for v in VARIANTS:
    cv, sv, av = cpl["variants"][v], spl["variants"][v], apl["variants"][v]
    check(cv["frame_len"] and sv["frame_len"], f"{v} is not framed")
    check(flags(cdata, cpl, v) == F["HVB_VF_OPCOLS"], f"{v}: columns forced, flags "
          f"{flags(cdata, cpl, v):#x}")
    check(flags(sdata, spl, v) == 0, f"{v}: columns off, flags {flags(sdata, spl, v):#x}")
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
    rebuilt(path)

# damage: every 97th byte of each forced frame, and its first 16
spots = []
for v in VARIANTS:
    cv = cpl["variants"][v]
    at = cpl["off"] + cv["frame_off"]
    spots += sorted(set(range(at, at + 16)) | set(range(at, at + cv["frame_len"], 97)))
refused, ops = 0, 0
for off in spots:
    d = bytearray(cdata)
    d[off] ^= 0x5a
    fix_hashes(d, cpl)
    p = subprocess.run([BUNDLER, "verify", write(d, "flip.elf")], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 0:
        continue
    check(p.returncode == 1, f"flip at {off}: verify exited {p.returncode}: {err}")
    if not any(c in err for c in CLEAR):
        fail(f"flip at {off}: unclear message: {err}")
    refused += 1
    ops += "malformed delta" in err or "delta out of bounds" in err
print(f"{len(spots)} frame bytes flipped: {refused} refused ({ops} by the op checks), "
      f"{len(spots) - refused} changed nothing the images hold")
check(refused > 0, "no flipped frame byte was refused")
