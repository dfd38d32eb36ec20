# A bundle whose deltas are stored with zstd, on KVM: CPUID says KVM, the
# stub decodes the kvm delta and the kernel it starts hashes to kvm.elf's
# hash.  Skips without KVM.
from zbundle import *

zb, _, _ = zbundle("bundle-zstd-kvm.elf")
b = boot(zb, "kvm", [])
s = b.one("stub")
check(s["variant"] == "kvm" and s["reason"] == "cpuid" and s["regions"] > 0, f"stub: {s}")
ev = b.one("boot")
h = host_image_hash(image("kvm.elf"))
check(ev["variant"] == "kvm" and ev["platform"] == "kvm" and ev["image_hash"] == h,
      f"kernel {ev}, kvm.elf hashes {h}")
check_done(b, 0)
print(f"stub: {s}")
