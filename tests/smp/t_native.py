# Several CPUs on native (QEMU TCG, multi-threaded, microvm's ACPI MADT):
# each direct image that runs there, 2 and 4 CPUs, and one CPU (no MADT
# entry but the boot CPU's); the boot line counts them, every CPU comes
# up, the op self-test still passes, and the SMP self-test passes.
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *

smp_boots([("native.elf", "native", 2, ["selftest"], "native"),
           ("native.elf", "native", 4, [], "native"),
           ("native.elf", "native", 1, [], "native")])
