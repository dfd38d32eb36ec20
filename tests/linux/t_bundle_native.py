"""The Linux bundle (build/linux/bundle.elf) on native (QEMU TCG, PVH entry):
the stub chooses native, checks its image hash and enters Linux's PVH entry;
that Linux's init names the native variant and runs the workload to a clean
status.  With hvb.variant=kvm the stub rebuilds the kvm kernel from its delta
instead (its hash checked) and enters it the same way: the one boot of the
kvm delta this machine can run (its KVM cannot run Linux)."""
from llib import boot_bundle

b = boot_bundle("native", "native")
print(b.one("stub"), b.one("linux"))
b = boot_bundle("kvm", "native", args=["hvb.variant=kvm"])
print(b.one("stub"), b.one("linux"))
