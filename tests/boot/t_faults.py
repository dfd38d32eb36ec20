# Deliberate faults are reported (vector, RIP, error code, CR2) and end the
# run with failure status 4; tools/boot exits non-zero.
import subprocess
from hvbtest import *

img = image("native.elf")
syms = subprocess.run(["nm", img], stdout=subprocess.PIPE, check=True).stdout.decode()
text = [int(l.split()[0], 16) for l in syms.splitlines() if l.split()[1] in "tT"]
lo, hi = min(text), max(text)
expect = {"pf": (14, 0xffffc7fffffff000), "gp": (13, None), "ud": (6, None), "de": (0, None)}
for kind, (vector, cr2) in expect.items():
    b = boot(img, "native", [f"fault={kind}"], expect_rc=1)
    f = b.one("fault")
    check(f["vector"] == vector, f"fault={kind}: vector {f['vector']}, expected {vector}")
    rip = int(f["rip"], 16)
    check(lo <= rip <= hi, f"fault={kind}: rip {f['rip']} is not in the kernel's text")
    if cr2 is not None:
        check(int(f["cr2"], 16) == cr2, f"fault={kind}: cr2 {f['cr2']}, expected {cr2:x}")
    check("FAULT: vector" in b.out, f"fault={kind}: no human-readable report")
    check_done(b, 4)
