"""The Linux bundle on KVM (PVH entry): the stub chooses kvm by its CPUID
signature and enters the kvm kernel.  Skips with one line where this
machine's KVM cannot run Linux (tools/boot says why)."""
from llib import boot_bundle

b = boot_bundle("kvm", "kvm")
print(b.one("stub"), b.one("linux"))
