"""Linux's native variant boots on native, its init names the variant and runs the
whole workload to a clean status."""
from llib import boot_linux

b = boot_linux("native", "native")
print(b.one("linux"))
