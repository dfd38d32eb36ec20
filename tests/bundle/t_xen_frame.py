# The xen variant as one frame although Xen writes its hypercall page into
# the work area (format/FORMAT.md 3.3, 3.10): our kernel's native, xen
# and kvm packed with --compress zstd.  The page the stub's parameters
# name lies inside the work area, on bytes the base does not load from
# its file (the zero table covers it whole), so the applier clears it
# before it decodes the frame.  As Xen's PV dom0 the stub decodes the
# frame, the kernel it starts hashes to xen.elf's hash, and its self-test
# passes (its hypercalls go through the page Xen wrote, put back by the
# stub).  The same bundle on native and KVM (skips without KVM) starts
# their own variants, kvm's also a frame.
from zbundle import *

zb, data, pl = zbundle("bundle-xenframe.elf")
PO = pl["off"]
for v in ("xen", "kvm"):
    e = pl["variants"][v]
    check(e["frame_len"] > 0 and all(r["comp"] == F["HVB_COMP_FRAME"] for r in e["regions"]),
          f"{v} is not one frame: {e['frame_len']} B, compressions "
          f"{sorted({r['comp'] for r in e['regions']})}")


def u32(at):
    return struct.unpack_from("<I", data, PO + at)[0]


wv, ws = struct.unpack_from("<QQ", data, PO + F["HVB_PH_WORK_VADDR"])
hc, = struct.unpack_from("<Q", data, params_off(data, zb) + F["HVB_SP_HYPERCALL_PAGE"])
check(hc and wv <= hc and hc + 4096 <= wv + ws,
      f"hypercall page {hc:#x} not inside the work area {wv:#x}+{ws:#x}")
zeros = [(u32(u32(F["HVB_PH_ZERO_OFF"]) + k * F["HVB_ZERO_ENTRY_SIZE"] + F["HVB_ZE_OFFSET"]),
          u32(u32(F["HVB_PH_ZERO_OFF"]) + k * F["HVB_ZERO_ENTRY_SIZE"] + F["HVB_ZE_LENGTH"]))
         for k in range(u32(F["HVB_PH_ZERO_COUNT"]))]
check(any(o <= hc - wv and hc - wv + 4096 <= o + n for o, n in zeros),
      f"hypercall page {hc:#x} not inside one zero range {[(hex(o), n) for o, n in zeros]}")
print(f"hypercall page {hc:#x} at work offset {hc - wv:#x}, in the zero table; "
      f"xen frame {pl['variants']['xen']['frame_len']} B, kvm frame "
      f"{pl['variants']['kvm']['frame_len']} B")

b = boot(zb, "xen", ["selftest"], expect_rc=0)
s = check_stub_line(b, "xen", "xen-entry", "xen")
check(s["delta_bytes"] == pl["variants"]["xen"]["frame_len"], f"stub delta_bytes {s}")
ev = b.one("boot")
h = host_image_hash(image("xen.elf"))
check(ev["variant"] == "xen" and ev["platform"] == "xen" and ev["image_hash"] == h,
      f"kernel {ev}, xen.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
print(f"xen: stub {s}")

for on in ("native", "kvm"):
    b = boot(zb, on, [])
    s = b.one("stub")
    ev = b.one("boot")
    h = host_image_hash(image(f"{on}.elf"))
    check(s["variant"] == on and ev["variant"] == on and ev["image_hash"] == h,
          f"{on}: stub {s}, kernel {ev}, {on}.elf hashes {h}")
    check_done(b, 0)
    print(f"{on}: stub {s}")
