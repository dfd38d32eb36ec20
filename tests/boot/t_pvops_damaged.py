# The patcher's read-back is the only guard against a bad patch, so it is
# made to fire: pv.damage=N flips the first byte of site N just before the
# read-back, which must name that site and stop the kernel with its panic
# (status 2), patched or not, on native and under Xen.  The damaged sites
# are flush_one's, an op the panic path never runs.
from hvbtest import *

img = image("pvops.elf")
sites = pvops_sites(img)
FLUSH_ONE = 9   # the op's number in pv.h's PV_OPS list
flush_sites = [i for i, (_, op) in enumerate(sites) if op == FLUSH_ONE]
check(len(flush_sites) >= 2, f"only {len(flush_sites)} flush_one sites in {img}")

PATCHED = ("not the inline instructions", "not a direct call to the backend's body")
cases = [("native", flush_sites[0], [], PATCHED),
         ("native", flush_sites[-1], ["pv.patch=0"], ("not the indirect call it was built as",)),
         ("xen", flush_sites[-1], [], PATCHED)]
for on, n, extra, whys in cases:
    addr = sites[n][0]
    b = boot(img, on, [f"pv.damage={n}"] + extra, expect_rc=1)
    p = b.one("pvops")
    check(p["bad_sites"] == 1, f"{on} pv.damage={n} {extra}: bad_sites {p['bad_sites']}, expected 1")
    line = f"hvbundle: pvops site {addr:016x} (op {FLUSH_ONE}, "
    check(any(l.startswith(line) and l.endswith(whys) for l in b.out.splitlines()),
          f"{on} pv.damage={n} {extra}: no line '{line}... is {' or '.join(whys)}'")
    msg = b.one("panic")["message"]
    check(msg == "1 pvops call sites do not hold what the patcher wrote",
          f"{on} pv.damage={n}: panic '{msg}'")
    check_done(b, 2)
    print(f"ok: {on} pv.damage={n} {' '.join(extra)}: site {addr:x} found bad, kernel stopped")

# Without the argument nothing is damaged (t_pvops checks bad_sites 0 too).
b = boot(img, "native", [f"pv.damage={len(sites)}"], expect_rc=0)
check(b.one("pvops")["bad_sites"] == 0, "pv.damage past the last site damaged one")
