# The native image also runs on KVM (native ops work on any HVM platform),
# and says where it runs.
from hvbtest import *

b = boot(image("native.elf"), "kvm", ["selftest"], expect_rc=0)
ev = b.one("boot")
check(ev["variant"] == "native" and ev["platform"] == "kvm", f"boot line {ev}")
check_selftest(b)
