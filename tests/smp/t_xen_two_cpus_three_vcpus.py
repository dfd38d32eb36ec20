# Three dom0 vCPUs on two multi-threaded TCG CPUs, the pvops image and the
# direct one: the setup where waiters once slept past their kick (a waiter
# that polled on a word already naming its own ticket; and Xen's credit2
# leaving a kicked vCPU unrun, hence tools/boot's sched=credit).  The
# stress self-test sends every contended acquire to the slow path for 3 s
# (smp.stress_ms): the counter must be exact and no wait may reach its
# deadline (no @hvb lock_timeout line, which check_smp also requires).
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *

for img, variant in (("pvops.elf", "pvops"), ("xen.elf", "xen")):
    b = boot(image(img), "xen", ["smp", "smp.stress_ms=3000"], smp=2, dom0_vcpus=3, timeout=240,
             expect_rc=0)
    check_smp(b, 3, variant)
    check_done(b, 0)
    d = {e["name"]: e["detail"] for e in b.all("selftest")}["smp_lock_stress"]
    waits = int(d.split(" waits,")[0].split()[-1])
    check(waits >= 100, f"{img}: only {waits} waits in the slow path: the stress did not stress")
    print(f"{img}: {d}")
