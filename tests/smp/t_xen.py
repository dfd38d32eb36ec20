# Two vCPUs under Xen (the dom0's, QEMU -smp 2): started with
# VCPUOP_initialise/up, a vcpu_info registered per vCPU and reached
# through %gs, IPIs and lock kicks on event channels.  (Four vCPUs on four
# multi-threaded TCG CPUs work too, but on a 2-core host shared with other
# boots a ticket lock whose next waiter's host thread is descheduled
# crawls: t_xen_overcommit runs more vCPUs than CPUs instead.)
# hvbtest: alone (several vCPUs: see docs/testing.md, "Lost wake-ups")
from hvbtest import *

# The stress self-test runs 2 s here: with two vCPUs on two CPUs arrivals
# meet handovers most often (a waiter that polled on its own ticket, the
# bug that was, failed 3 of 5 such boots).
smp_boots([("xen.elf", "xen", 2, ["selftest", "smp.stress_ms=2000"], "xen")])
