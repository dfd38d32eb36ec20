# More dom0 vCPUs than CPUs (QEMU -smp 1, dom0_max_vcpus=3): Xen's
# scheduler preempts vCPUs, lock holders among them; every vCPU still
# comes up, the counter is exact and no sleeping waiter is left unwoken
# (the stress self-test for 2 s: no wait reached its deadline).
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *

b = boot(image("xen.elf"), "xen", ["smp", "smp.stress_ms=2000"], smp=1, dom0_vcpus=3, timeout=240,
         expect_rc=0)
check_smp(b, 3, "xen")
check_done(b, 0)
names = {e["name"]: e["detail"] for e in b.all("selftest")}
print(names["smp_lock_wake"])
print(names["smp_lock_stress"])
