# The kvm image on a platform without KVM says so and ends with status 3.
from hvbtest import *

b = boot(image("kvm.elf"), "native", ["selftest"], expect_rc=1)
ev = b.one("boot")
check(ev["variant"] == "kvm" and ev["platform"] == "native", f"boot line {ev}")
e = b.one("error")
check("not KVM" in e["message"], f"error message: {e['message']}")
check(not b.all("selftest"), "the self-test ran on the wrong platform")
check_done(b, 3)
