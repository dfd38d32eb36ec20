# The bundle with two CPUs: the stub applies the variant's delta and
# enters it as ever (it passes nothing to secondaries: each kernel entry
# sets its own per-CPU %gs, and secondaries start in the kernel itself).
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *
import os

runs = [("bundle.elf", "native", 2, ["selftest"], "native"),
        ("bundle.elf", "xen", 2, ["selftest"], "xen")]
if os.access("/dev/kvm", os.R_OK | os.W_OK):
    runs.append(("bundle.elf", "kvm", 2, [], "kvm"))
smp_boots(runs)
