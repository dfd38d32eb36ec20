# The pvops image with two CPUs on every platform: the chosen backend's
# SMP glue through the table, Xen's patched %gs-relative irq sites on
# each vCPU, the lock's wait and kick sites patched.
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *
import os

runs = [("pvops.elf", "native", 2, ["selftest"], "pvops"),
        ("pvops.elf", "xen", 2, ["selftest"], "pvops")]
if os.access("/dev/kvm", os.R_OK | os.W_OK):
    runs.append(("pvops.elf", "kvm", 2, [], "pvops"))
smp_boots(runs)
