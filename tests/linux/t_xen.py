"""Linux's xen variant boots on xen, its init names the variant and runs the
whole workload to a clean status."""
from llib import boot_linux

b = boot_linux("xen", "xen")
print(b.one("linux"))
