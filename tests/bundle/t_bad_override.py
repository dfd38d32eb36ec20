# An hvb.variant= that names no possible variant (over 15 bytes, or empty)
# gets one behaviour everywhere, from the one detection routine: the stub
# stops with bad_override (status 5) and names the problem; the kernel
# booted directly stops with an error line (status 3).
from blib import *

LONG = "hvb.variant=" + "k" * 16
for args in ([LONG], ["selftest", "hvb.variant="]):
    b = expect_stub_error(bundle(), "native", args, "bad_override")
    msg = b.one("stub_error")["message"]
    check(msg.startswith("hvb.variant= names"), f"stub_error message {msg!r}")

k = boot(image("native.elf"), "native", [LONG], expect_rc=1)
check(k.one("error")["message"] == "hvb.variant= names a variant longer than 15 bytes",
      f"kernel error line {k.one('error')}")
check_done(k, 3)
