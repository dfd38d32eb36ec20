"""Linux's kvm variant boots on kvm, its init names the variant and runs the
whole workload to a clean status."""
from llib import boot_linux

b = boot_linux("kvm", "kvm")
print(b.one("linux"))
