# Several CPUs under KVM (INIT/SIPI through the LAPIC, as native): the kvm
# image and the native image on KVM.
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *

smp_boots([("kvm.elf", "kvm", 2, ["selftest"], "kvm"),
           ("native.elf", "kvm", 2, [], "native")])
