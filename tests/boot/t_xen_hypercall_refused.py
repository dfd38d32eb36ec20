# A Xen hypercall that fails stops the kernel with one line naming the call
# and Xen's error: fault=pte asks mmu_update to map the root page table
# writable, which Xen refuses.  On native the same request is a mapping
# like any other, made and removed, and the kernel goes on.
from hvbtest import *

b = boot(image("xen.elf"), "xen", ["fault=pte"], expect_rc=1)
p = b.one("panic")
check(p["message"].startswith("xen: hypercall mmu_update failed: -")
      and p["message"].endswith(")"), f"panic line {p}")
check("PANIC: " + p["message"] in b.out, "no PANIC line in words")
check_done(b, 2)

n = boot(image("native.elf"), "native", ["fault=pte"], expect_rc=0)
check("fault=pte: the platform took the mapping" in n.out, "native did not take the mapping")
check_done(n, 0)
