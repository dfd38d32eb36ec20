# The kvm image on KVM: platform kvm, time from kvmclock, self-test, bench.
from hvbtest import *

img = image("kvm.elf")
b = boot(img, "kvm", ["selftest", "bench", "bench.reps=3", "bench.target_us=500"], expect_rc=0)
ev = b.one("boot")
check(ev["variant"] == "kvm" and ev["platform"] == "kvm", f"boot line {ev}")
check(ev["clock"] == "kvmclock", f"clock {ev['clock']}")
check(ev["signature"] == "KVMKVMKVM", f"signature {ev['signature']!r}")
check(ev["image_hash"] == host_image_hash(img), "image hash differs from the file's")
check_selftest(b)
check_bench(b, "kvm")
check_done(b, 0)
