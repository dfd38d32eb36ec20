# The growth curve's Linux guests (hyperv, vmware, acrn, jailhouse; build-
# only, no platform here) differ from the native build only in hypervisor
# support: every option whose value differs from native's is listed in
# configs/linux/hypervisor-options (the rule of tests/linux/t_config_diff.py),
# each has the guest support it is named for, and none has another's.
# make check writes their .configs (tools/linux-build --config-only).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "linux"))
from llib import ROOT, check, config, fail  # noqa: E402

GUESTS = {"hyperv": "HYPERV", "vmware": "VMWARE_VMCI", "acrn": "ACRN_GUEST",
          "jailhouse": "JAILHOUSE_GUEST"}
allowed = set()
with open(os.path.join(ROOT, "configs", "linux", "hypervisor-options")) as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            allowed.add(line.split()[0])

def same(k, a, b):
    """Equal, or both the one initramfs list tools/linux-build writes, named
    through two paths (a worktree whose build/linux links to another's)."""
    if a == b:
        return True
    return k == "INITRAMFS_SOURCE" and all(
        x and x.strip('"').endswith("/build/linux/initramfs.list") for x in (a, b))


native = config("native")
for v, opt in GUESTS.items():
    c = config(v)
    differ = sorted(k for k in set(native) | set(c) if not same(k, native.get(k), c.get(k)))
    stray = [f"{k}: native {native.get(k, 'unset')}, {v} {c.get(k, 'unset')}"
             for k in differ if k not in allowed]
    if stray:
        fail(f"{v} differs from native in non-hypervisor options:\n  " + "\n  ".join(stray))
    check(c.get(opt) == "y", f"{v}: CONFIG_{opt} is {c.get(opt)}, expected y")
    for other, o in GUESTS.items():
        if other != v:
            check(c.get(o) is None, f"{v}: CONFIG_{o} is set ({other}'s support)")
    for o in ("KVM_GUEST", "XEN"):
        check(c.get(o) is None, f"{v}: CONFIG_{o} is set")
    check(c.get("LOCALVERSION") == f'"-hvb-{v}"', f"{v}: LOCALVERSION does not name it")
    print(f"{v}: {len(differ)} options differ from native, all hypervisor support: "
          + " ".join(d for d in differ if d != "LOCALVERSION"))
