"""The scale set (make linux-scale, configs/linux/scale/): native and xen,
both from x86_64_defconfig, differ only in hypervisor support: every option
whose value differs is listed in configs/linux/hypervisor-options or
configs/linux/scale/hypervisor-options (XEN_* as a pattern), native has
paravirt and every guest option off and the PVH entry on, and xen has
Xen PV dom0 support.  Skips when `make linux-scale` has not configured."""
import fnmatch
import os
from llib import ROOT, check, fail, read_config
from hvbtest import skip

SCALE = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")), "linux-scale")


def config(v):
    p = os.path.join(SCALE, v, ".config")
    if not os.path.exists(p):
        skip(f"{p} is missing: run 'make linux-scale' (or tools/linux-build --set scale --config-only)")
    return read_config(p)


allowed = []
for rel in (("configs", "linux", "hypervisor-options"),
            ("configs", "linux", "scale", "hypervisor-options")):
    with open(os.path.join(ROOT, *rel)) as f:
        allowed += [ln.split()[0] for ln in f if ln.strip() and not ln.startswith("#")]

native, xen = config("native"), config("xen")
differ = sorted(k for k in set(native) | set(xen) if native.get(k) != xen.get(k))
stray = [f"{k}: native {native.get(k, 'unset')}, xen {xen.get(k, 'unset')}"
         for k in differ if not any(fnmatch.fnmatchcase(k, a) for a in allowed)]
if stray:
    fail("xen differs from native in non-hypervisor options:\n  " + "\n  ".join(stray))
print(f"xen: {len(differ)} options differ from native, all hypervisor support")

for opt in ("PARAVIRT", "KVM_GUEST", "XEN", "HYPERV", "JAILHOUSE_GUEST", "ACRN_GUEST",
            "INTEL_TDX_GUEST"):
    check(opt not in native, f"native: CONFIG_{opt}={native.get(opt)}, expected unset")
for v, c in (("native", native), ("xen", xen)):
    check(c.get("PVH") == "y", f"{v}: CONFIG_PVH is {c.get('PVH')}, expected y")
    check(c.get("SMP") == "y", f"{v}: CONFIG_SMP is {c.get('SMP')}, expected y (the defconfig's)")
    check(c.get("LOCALVERSION") == f'"-hvb-scale-{v}"', f"{v}: LOCALVERSION does not name it")
for opt in ("PARAVIRT", "XEN", "XEN_PV", "XEN_DOM0"):
    check(xen.get(opt) == "y", f"xen: CONFIG_{opt} is {xen.get(opt)}, expected y")
