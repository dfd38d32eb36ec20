# Several CPUs under KVM (INIT/SIPI through the LAPIC, as native): the kvm
# image and the native image on KVM.
# hvbtest: alone.  The native image's ticket lock has no paravirt wait, so
# a waiter whose vCPU the host has preempted stalls every hand-over (the
# lock-waiter preemption problem PV spinlocks exist for): its 10,000
# locked increments take 0.15 s with the cores to itself, and took 30 to
# 75 s, past the test's 30 s limit, beside another 2-vCPU guest.  So the
# two boots run one after the other, and no other test runs beside this.
from hvbtest import *

smp_boots([("kvm.elf", "kvm", 2, ["selftest"], "kvm"),
           ("native.elf", "kvm", 2, [], "native")], together=1)
