# The bundle as Xen's PV dom0: the Xen entry means xen; the stub applies
# the xen delta (keeping the hypercall page Xen wrote) and the kernel it
# starts hashes to xen.elf's hash and passes its self-test.
from blib import *

check_bundle_boot("xen", "xen", "xen-entry", "xen")
