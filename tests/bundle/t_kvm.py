# The bundle on KVM: CPUID says KVMKVMKVM, the stub applies the kvm delta
# and the kernel it starts hashes to kvm.elf's hash.  Skips without KVM.
from blib import *

check_bundle_boot("kvm", "kvm", "cpuid", "pvh", "KVMKVMKVM")
