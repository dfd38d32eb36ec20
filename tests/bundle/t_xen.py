# The bundle as Xen's PV dom0: the Xen entry means xen; the stub applies
# the xen delta (keeping the hypercall page Xen wrote) and the kernel it
# starts hashes to xen.elf's hash and passes its self-test.
from blib import *

b = boot(bundle(), "xen", ["selftest"], expect_rc=0)
check_stub_line(b, "xen", "xen-entry", "xen")
ev = b.one("boot")
check(ev["variant"] == "xen" and ev["platform"] == "xen" and ev["entry"] == "xen",
      f"boot line {ev}")
h = host_image_hash(image("xen.elf"))
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, xen.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
