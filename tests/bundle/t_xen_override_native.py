# hvb.variant=native through the Xen entry: the native variant has no Xen
# PV entry, so the stub refuses to enter it (never a wrong kernel).
from blib import *

b = expect_stub_error(bundle(), "xen", ["hvb.variant=native"], "no_entry")
check(b.one("stub_error").get("variant") == "native", "error line does not name native")
