# The bundle on native (QEMU TCG): the stub detects TCG by CPUID, keeps the
# native variant, and the kernel it starts hashes to native.elf's hash.
from blib import *

check_bundle_boot("native", "native", "cpuid", "pvh", "TCGTCGTCGTCG")
