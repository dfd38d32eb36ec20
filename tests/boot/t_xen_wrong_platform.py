# Wrong platforms: the xen image booted by plain QEMU (PVH entry) says it is
# the Xen variant off Xen and ends with status 3; the native image handed to
# Xen is refused by Xen (it has no Xen notes), and tools/boot says so with a
# non-zero exit instead of hanging or passing.
from hvbtest import *

b = boot(image("xen.elf"), "native", ["selftest"], expect_rc=1)
ev = b.one("boot")
check(ev["variant"] == "xen" and ev["platform"] == "native", f"boot line {ev}")
check("not Xen" in b.one("error")["message"], "no clear wrong-platform message")
check(not b.all("selftest"), "the self-test ran on the wrong platform")
check_done(b, 3)

b = boot(image("native.elf"), "xen", ["selftest"], timeout=60, expect_rc=3)
check(not b.all("boot"), "the native kernel started under Xen")
check("Xen refused it" in b.out or "without a done line" in b.out,
      f"tools/boot did not say why: {b.out[-300:]}")
