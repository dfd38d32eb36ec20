# The xen image as a PV dom0 on the real Xen 4.17 (in QEMU TCG): boot line
# says xen/xen, the kernel's image hash is the file's, the same self-test
# passes and every bench line is there.
from hvbtest import *

img = image("xen.elf")
b = boot(img, "xen", ["selftest", "bench", "bench.reps=3", "bench.target_us=500"], expect_rc=0)
ev = b.one("boot")
check(ev["variant"] == "xen" and ev["platform"] == "xen", f"boot line {ev}")
check(ev["entry"] == "xen" and ev["clock"] == "pvclock", f"boot line {ev}")
h = host_image_hash(img)
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, file hashes {h}")
check_selftest(b)
check_bench(b, "xen")
check_done(b, 0)
