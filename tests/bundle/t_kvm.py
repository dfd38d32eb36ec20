# The bundle on KVM: CPUID says KVMKVMKVM, the stub applies the kvm delta
# and the kernel it starts hashes to kvm.elf's hash.  Skips without KVM.
from blib import *

b = boot(bundle(), "kvm", ["selftest"], expect_rc=0)
check_stub_line(b, "kvm", "cpuid", "pvh", "KVMKVMKVM")
ev = b.one("boot")
check(ev["variant"] == "kvm" and ev["platform"] == "kvm", f"boot line {ev}")
h = host_image_hash(image("kvm.elf"))
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, kvm.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
