# Under Xen a fault reaches the kernel through its trap table (not Xen's
# crash path): the report names vector and CR2 (from vcpu_info), status 4.
from hvbtest import *

b = boot(image("xen.elf"), "xen", ["fault=pf"], expect_rc=1)
f = b.one("fault")
check(f["vector"] == 14 and int(f["cr2"], 16) == 0xffffc7fffffff000, f"fault line {f}")
check_done(b, 4)
