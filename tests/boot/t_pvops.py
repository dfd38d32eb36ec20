# The runtime-patched image on every platform: the hypervisor is detected
# (or overridden), every call site is patched and reads back right, the
# same self-test passes; and with pv.patch=0 every site stays indirect.
from hvbtest import *

img = image("pvops.elf")
import os
import sys


ops = [op for _, op in pvops_sites(img)]
# Xen's irq_disable (op 0) and irq_save (op 2) are patched inline.
xen_inline = sum(1 for o in ops if o in (0, 2))
platforms = [("native", "native", "cpuid"), ("xen", "xen", "xen-entry")]
if os.environ.get("HVB_PVOPS_KVM"):
    platforms = [("kvm", "kvm", "cpuid")]
for on, backend, reason in platforms:
    for patched in (1, 0):
        args = ["selftest"] + ([] if patched else ["pv.patch=0"])
        b = boot(img, on, args, expect_rc=0)
        ev = b.one("boot")
        check(ev["variant"] == "pvops" and ev["strategy"] == "pvops" and ev["platform"] == on,
              f"{on}: boot line {ev}")
        p = b.one("pvops")
        check(p["backend"] == backend and p["reason"] == reason, f"{on}: pvops line {p}")
        check(p["sites"] > 50, f"{on}: only {p['sites']} call sites recorded")
        check(p["bad_sites"] == 0, f"{on}: {p['bad_sites']} sites failed the read-back")
        kinds = p["direct"] + p["inline"] + p["nop"] + p["indirect"]
        check(kinds == p["sites"], f"{on}: site kinds do not add up: {p}")
        if patched:
            check(p["indirect"] == 0 and p["bytes_patched"] >= 5 * p["sites"], f"{on}: {p}")
            check(p["sites"] == len(ops), f"{on}: {p['sites']} sites, the image records {len(ops)}")
            if backend == "xen":
                check(p["inline"] == xen_inline and p["direct"] == p["sites"] - xen_inline,
                      f"xen: {xen_inline} irq_disable and irq_save sites should be inline, "
                      f"the rest direct calls: {p}")
            else:
                check(p["inline"] > 0 and p["nop"] > 0, f"{on}: no inline or nop sites: {p}")
        else:
            check(p["indirect"] == p["sites"] and p["bytes_patched"] == 0, f"{on}: {p}")
        check_selftest(b)
        check_done(b, 0)

if os.environ.get("HVB_PVOPS_KVM"):
    sys.exit(0)

# The override picks a backend by name, as the stub's does: kvm on a
# non-KVM platform refuses to run (status 3) instead of misbehaving.
b = boot(img, "native", ["selftest", "hvb.variant=kvm"], expect_rc=1)
p = b.one("pvops")
check(p["backend"] == "kvm" and p["reason"] == "override", f"override: {p}")
check("not KVM" in b.one("error")["message"], "override to kvm on native: no clear error")
check_done(b, 3)
