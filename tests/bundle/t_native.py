# The bundle on native (QEMU TCG): the stub detects TCG by CPUID, keeps the
# native variant, and the kernel it starts hashes to native.elf's hash.
from blib import *

b = boot(bundle(), "native", ["selftest"], expect_rc=0)
check_stub_line(b, "native", "cpuid", "pvh", "TCGTCGTCGTCG")
ev = b.one("boot")
check(ev["variant"] == "native" and ev["platform"] == "native", f"boot line {ev}")
h = host_image_hash(image("native.elf"))
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, native.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
