"""The Linux variants differ only in hypervisor support: every option whose
value differs from the native build's is listed in
configs/linux/hypervisor-options, and each variant has the support it is
named for."""
from llib import ROOT, VARIANTS, check, config, fail
import os

allowed = set()
with open(os.path.join(ROOT, "configs", "linux", "hypervisor-options")) as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            allowed.add(line.split()[0])

native = config("native")
for v in VARIANTS[1:]:
    c = config(v)
    differ = sorted(k for k in set(native) | set(c) if native.get(k) != c.get(k))
    stray = [f"{k}: native {native.get(k, 'unset')}, {v} {c.get(k, 'unset')}"
             for k in differ if k not in allowed]
    if stray:
        fail(f"{v} differs from native in non-hypervisor options:\n  " + "\n  ".join(stray))
    print(f"{v}: {len(differ)} options differ from native, all hypervisor support")

want = {  # option: (native, kvm, xen, pvops); None = unset
    "PARAVIRT": (None, "y", "y", "y"),
    "KVM_GUEST": (None, "y", None, "y"),
    "XEN_PV": (None, None, "y", "y"),
    "XEN_DOM0": (None, None, "y", "y"),
    "PVH": ("y", "y", "y", "y"),
    "SMP": (None, None, None, None),
    "ACPI": ("y", "y", "y", "y"),
    "PCI": ("y", "y", "y", "y"),
    "X86_IO_APIC": ("y", "y", "y", "y"),
}
for opt, vals in want.items():
    for v, val in zip(VARIANTS, vals):
        got = config(v).get(opt)
        check(got == val, f"{v}: CONFIG_{opt} is {got}, expected {val}")
for v in VARIANTS:
    check(config(v)["LOCALVERSION"] == f'"-hvb-{v}"', f"{v}: LOCALVERSION does not name it")
