# hvb.variant=kvm on native: the stub applies kvm although CPUID says TCG;
# the kernel is byte for byte kvm.elf, says it is the kvm variant on a
# platform that is not KVM, and stops with status 3.
from blib import *

b = boot(bundle(), "native", ["hvb.variant=kvm", "selftest"], expect_rc=1)
check_stub_line(b, "kvm", "override", "pvh", "TCGTCGTCGTCG")
ev = b.one("boot")
check(ev["variant"] == "kvm" and ev["platform"] == "native", f"boot line {ev}")
h = host_image_hash(image("kvm.elf"))
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, kvm.elf hashes {h}")
check(not b.all("selftest"), "the self-test ran on the wrong platform")
check_done(b, 3)
