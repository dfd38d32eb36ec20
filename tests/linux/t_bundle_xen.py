"""The Linux bundle as Xen 4.17 PV dom0 (on QEMU TCG): the stub enters
through Xen's PV entry, chooses xen, rebuilds the xen kernel from its delta,
checks its image hash, puts back the hypercall page Xen wrote and enters
Linux's startup_xen with Xen's %rsi and %rsp; that Linux's init names the xen
variant and runs the workload to a clean status."""
from llib import boot_bundle

b = boot_bundle("xen", "xen")
print(b.one("stub"), b.one("linux"))
