# A variant stored as one frame (format/FORMAT.md 3.3: all its region data
# as one zstd frame, the base's work area as prefix): our kernel's native
# and kvm packed with --compress zstd (no Xen image, so no hypercall page
# in the work area), kvm framed.  The stub on native (hvb.variant=kvm)
# decodes it and enters the kvm kernel, whose own hash is kvm.elf's (and
# which then stops with status 3: it is not on KVM).  Then
# damage, the payload hash fixed up each time so that only the frame's
# checks can see it: a byte flipped in the frame (its header, its middle)
# ends in decompress, or in what it decodes to failing its bounds or the
# image hash; a frame past the payload, a region of
# the framed variant that is not in the frame, the reserved word, a
# frame_raw that does not fit max_scratch: format; frame_raw one short:
# decompress.  verify on the host refuses each, and no kernel starts.
import subprocess

from zbundle import *

out = os.path.join(TMP, "bundle-frame.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + image("native.elf"),
                "--variant", "kvm=" + image("kvm.elf"), "--stub", stub_elf(),
                "--stub-zstd", stub_zstd_elf(), "--compress", "zstd"], check=True)
data0 = bytes(open(out, "rb").read())
pl = payload(data0)
kv = pl["variants"]["kvm"]
check(kv["frame_len"] > 0 and kv["frame_raw"] > 0, f"kvm is not framed: {kv}")
check(all(r["comp"] == F["HVB_COMP_FRAME"] for r in kv["regions"]),
      "a region of the framed kvm is not in its frame")
check(kv["delta_bytes"] == kv["frame_len"], "delta_bytes is not the frame's bytes")
print(f"kvm: {len(kv['regions'])} regions in one frame of {kv['frame_len']} B "
      f"({kv['frame_raw']} B decoded)")

b = boot(out, "native", ["hvb.variant=kvm"], expect_rc=1)	# kvm on TCG: status 3
s = check_stub_line(b, "kvm", "override", "pvh")
check(s["delta_bytes"] == kv["frame_len"], f"stub delta_bytes {s['delta_bytes']}")
ev = b.one("boot")
h = host_image_hash(image("kvm.elf"))
check(ev["variant"] == "kvm" and ev["image_hash"] == h, f"boot line {ev}, kvm.elf hashes {h}")
check_done(b, 3)

PO, E = pl["off"], kv["entry"]
MAX_SCRATCH, = struct.unpack_from("<I", data0, PO + F["HVB_PH_MAX_SCRATCH"])


def put32(d, at, v):
    struct.pack_into("<I", d, PO + at, v & 0xffffffff)


def bump32(d, at):
    v, = struct.unpack_from("<I", d, PO + at)
    put32(d, at, v + 1)


def flip(at):
    return lambda d: d.__setitem__(PO + at, d[PO + at] ^ 0x5a)


# what a damaged frame can end in: it does not decode, or it decodes to
# an op stream or a site table that breaks its own bounds, or to bytes the
# image hash refuses
DAMAGED = ("decompress", "delta_corrupt", "delta_bounds", "ref_table", "image_hash")
roff = struct.unpack_from("<I", data0, PO + E + F["HVB_VE_REGION_OFF"])[0]
CASES = [
    ("a byte of the frame header", flip(kv["frame_off"] + 5), DAMAGED),
    ("a byte mid-frame", flip(kv["frame_off"] + kv["frame_len"] // 2), DAMAGED),
    ("frame past the payload", lambda d: put32(d, E + F["HVB_VE_FRAME_OFF"], pl["size"] - 4),
     ("format",)),
    ("move table one byte longer than it is", lambda d: bump32(d, E + F["HVB_VE_MOVE_LEN"]),
     ("format",)),
    ("a region of a framed variant not in the frame",
     lambda d: d.__setitem__(PO + roff + F["HVB_RE_COMPRESSION"], F["HVB_COMP_NONE"]), ("format",)),
    ("frame_raw past max_scratch",
     lambda d: put32(d, E + F["HVB_VE_FRAME_RAW"], MAX_SCRATCH + 1),
     ("format",)),
    ("frame_raw one short", lambda d: put32(d, E + F["HVB_VE_FRAME_RAW"], kv["frame_raw"] - 1),
     ("decompress", "format")),
]
for what, change, codes in CASES:
    d = bytearray(data0)
    change(d)
    fix_payload_hash(d, pl)
    path = write(d, "frame-" + "".join(c if c.isalnum() else "_" for c in what) + ".elf")
    v = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(v.returncode == 1, f"{what}: verify exited {v.returncode}: {v.stdout.decode()}")
    bb = boot(path, "native", ["hvb.variant=kvm"], timeout=60)
    errs = bb.all("stub_error")
    if not errs:
        print(bb.out)
        fail(f"{what}: no stub_error line")
    check(errs[0]["code"] in codes, f"{what}: stub_error {errs[0]}, expected one of {codes}")
    check(not bb.all("stub") and not bb.all("boot"), f"{what}: a kernel started")
    check_done(bb, 5)
    print(f"{what}: stub_error {errs[0]['code']}; verify refuses it")
