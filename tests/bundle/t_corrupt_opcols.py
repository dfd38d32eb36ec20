# Op columns (FORMAT.md 3.7) at boot: our kernel's native, xen and kvm
# packed with --compress zstd and the columns forced (HVB_PACK_OPCOLS=
# always).  The stub on native (hvb.variant=kvm) rebuilds kvm from its
# columns: its image hash is kvm.elf's.  Then kvm's frame is decoded here
# (tests/bundle/reframe.c, the bundler's own zstd code; the prefix is the
# work area as the base's file bytes fill it), its kinds column made all
# 0xff (no such kind) or all 0 (COPY, until the COPY lengths run out), and
# compressed again as pack does; the frame stays where it was, its room
# filled with a zstd skippable frame, the payload hash fixed up, so only
# the applier's column checks can see the damage: the stub stops with
# delta_corrupt or delta_bounds, host verify says "malformed delta" or
# "delta out of bounds", and no kernel starts.  Re-coding the frame
# unchanged gives pack's bytes exactly, so the damage is all there is.
import subprocess

from zbundle import *

REFRAME = os.path.join(TMP, "reframe")
subprocess.run(["gcc", "-std=gnu99", "-O2", "-I", os.path.join(ROOT, "bundler"), "-I",
                os.path.join(ROOT, "format"), "-I", os.path.join(ROOT, "src", "include"),
                "-o", REFRAME, os.path.join(ROOT, "tests", "bundle", "reframe.c"),
                os.path.join(ROOT, "bundler", "zs.c"), os.path.join(ROOT, "bundler", "util.c"),
                "-lzstd", "-lelf"], check=True)

out = os.path.join(TMP, "bundle-opcols.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + image("native.elf"),
                "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
                "--stub", stub_elf(), "--stub-zstd", stub_zstd_elf(), "--compress", "zstd"],
               check=True, env=dict(os.environ, HVB_PACK_OPCOLS="always",
                                    HVB_PACK_REFPREFIX="never"))	# reframe's plain prefix
data0 = bytes(open(out, "rb").read())
pl = payload(data0)
kv = pl["variants"]["kvm"]
PO = pl["off"]
flags, = struct.unpack_from("<I", data0, PO + kv["entry"] + F["HVB_VE_FLAGS"])
check(kv["frame_len"] > 0 and flags == F["HVB_VF_OPCOLS"], f"kvm has no op columns: "
      f"frame {kv['frame_len']} B, flags {flags:#x}")

b = boot(out, "native", ["hvb.variant=kvm"], expect_rc=1)	# kvm on TCG: status 3
ev = b.one("boot")
h = host_image_hash(image("kvm.elf"))
check(ev["variant"] == "kvm" and ev["image_hash"] == h, f"boot line {ev}, kvm.elf hashes {h}")
print(f"stub on native rebuilt kvm from op columns ({kv['frame_len']}-byte frame)")

# the work area as the base's file bytes fill it: the frame's prefix
wv, ws = (struct.unpack_from("<Q", data0, PO + F[k])[0]
          for k in ("HVB_PH_WORK_VADDR", "HVB_PH_WORK_SIZE"))
prefix = bytearray(ws)
for p in phdrs(data0):
    if p["type"] == 1 and wv <= p["vaddr"] < wv + ws:
        a = p["vaddr"] - wv
        n = min(p["filesz"], ws - a)
        prefix[a:a + n] = data0[p["off"]:p["off"] + n]
fo = PO + kv["frame_off"]
frame = data0[fo:fo + kv["frame_len"]]
ff, pf = write(frame, "kvm.frame"), write(prefix, "work.prefix")


def reframe(mode):
    o = os.path.join(TMP, "kvm.reframed")
    r = subprocess.run([REFRAME, ff, pf, str(kv["frame_raw"]), o, mode],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 0, f"reframe {mode}: {r.stderr.decode()}")
    return open(o, "rb").read(), r.stdout.decode().split()


same, kinds = reframe("same")
check(same == frame, "kvm's frame coded again unchanged is not pack's frame")
print(f"kvm's kinds column: decoded bytes {kinds[0]} to {kinds[1]}")
for mode, codes, said in (("kinds=0xff", ("delta_corrupt",), ("malformed delta",)),
                          ("kinds=0", ("delta_corrupt", "delta_bounds"),
                           ("malformed delta", "delta out of bounds"))):
    z, _ = reframe(mode)
    room = len(frame) - len(z)
    check(room == 0 or room >= 8, f"{mode}: frame of {len(z)} B does not fit "
          f"{len(frame)} B with a skippable frame")
    pad = struct.pack("<II", 0x184D2A50, room - 8) + bytes(room - 8) if room else b""
    d = bytearray(data0)
    d[fo:fo + len(frame)] = z + pad
    fix_payload_hash(d, pl)
    path = write(d, "opcols-damaged.elf")
    r = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    msg = r.stdout.decode()
    check(r.returncode == 1 and any(f"kvm: {s}" in msg for s in said),
          f"{mode}: verify said {msg}")
    expect_caught(path, "native", ["hvb.variant=kvm"], codes)
    print(f"{mode}: frame {len(z)} B + {room} B skippable; verify and the stub refused it")
