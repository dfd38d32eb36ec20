# A bundle whose deltas are stored with zstd (pack --compress zstd, with
# stub-zstd.elf): the stub decodes them and the kernel it starts hashes to
# the directly built image, on native (TCG, the kvm and xen deltas by
# hvb.variant=) and as Xen's PV dom0 (KVM: t_compress_kvm.py).  Under
# icount, the decoding's cost beside the uncompressed bundle's.
from zbundle import *

zb, _, zpl = zbundle()
rb, _, _ = zbundle("bundle-raw.elf", "none")


def stub_line(img, on, variant, args=(), icount=False):
    b = boot(img, on, list(args), icount=icount)
    s = b.one("stub")
    check(s["variant"] == variant, f"{on}: stub chose {s['variant']}, expected {variant}")
    ev = b.one("boot")
    h = host_image_hash(image(f"{variant}.elf"))
    check(ev["variant"] == variant and ev["image_hash"] == h,
          f"{on}: kernel {ev['variant']} hashed {ev['image_hash']}, {variant}.elf hashes {h}")
    return b, s


ticks = {}
for v in ("kvm", "xen"):
    for name, img in (("zstd", zb), ("none", rb)):
        b, s = stub_line(img, "native", v, [f"hvb.variant={v}"], icount=True)
        ticks[v, name] = s
    z, n = ticks[v, "zstd"], ticks[v, "none"]
    check(z["delta_bytes"] < n["delta_bytes"],
          f"{v}: zstd delta {z['delta_bytes']} not smaller than {n['delta_bytes']}")
    print(f"icount, native, {v}: stub {z['ticks']} instructions with zstd "
          f"({z['delta_bytes']} delta bytes), {n['ticks']} uncompressed "
          f"({n['delta_bytes']} bytes): decoding costs {z['ticks'] - n['ticks']}")

# each platform's own variant, to a clean end (the self-test is the
# direct boot tests' business: its clock check is loaded-host sensitive)
for on in ("native", "xen"):
    b, _ = stub_line(zb, on, on)
    check_done(b, 0)
