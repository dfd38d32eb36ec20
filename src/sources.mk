# sources.mk: which files make up the kernel, in the Kbuild manner: the
# common part always, a backend's folder when its option is set.

src-y := \
	src/boot/pvh.S src/boot/pvh.c \
	src/kernel/main.c src/kernel/console.c src/kernel/hvbline.c \
	src/kernel/cmdline.c src/kernel/image.c src/kernel/platform.c \
	src/kernel/trap.c src/kernel/traps.S \
	src/kernel/timer.c src/kernel/thread.c src/kernel/switch.S src/kernel/smp.c \
	src/kernel/smpboot.c \
	src/kernel/spinlock.c \
	src/mm/pmm.c src/mm/vm.c \
	src/lib/string.c src/lib/printf.c src/lib/hv_detect.c

src-$(CONFIG_SELFTEST) += src/kernel/selftest.c src/kernel/smptest.c
src-$(CONFIG_BENCH) += src/kernel/bench.c src/kernel/benchloops.c src/kernel/work.c \
	src/kernel/lockbench.c

# Code that runs once, not on a path: boot, the self-tests, the benchmark
# harness (its loops, benchloops.c, are paths).  Under the hot inlining
# policy these files call every op out of line (hv.h, HV_CALLER_COLD), so
# they are the same bytes in every variant.
cold-y := src/kernel/main.c src/kernel/smpboot.c src/kernel/selftest.c src/kernel/smptest.c \
	src/kernel/bench.c src/kernel/lockbench.c

# The direct strategy: the out-of-line bodies of the ops its inlining
# policy leaves out of line (empty when every op is inlined).
src-$(CONFIG_STRATEGY_DIRECT) += src/hv/hv_ops.c

# The KVM backend is native plus kvmclock and PV EOI, so it links native's.
native-y := src/hv/native/setup.c src/hv/native/lapic.c src/hv/native/traps.c \
	src/hv/native/acpi.c src/hv/native/smp.c src/hv/native/trampoline.S
kvm-y := src/hv/kvm/setup.c
# Xen PV: its own entry and glue; only images with Xen in them carry Xen's
# notes, so Xen refuses the others.
xen-y := src/hv/xen/entry.S src/hv/xen/entry.c src/hv/xen/setup.c src/hv/xen/smp.c
src-$(CONFIG_HV_NATIVE) += $(native-y)
src-$(CONFIG_HV_KVM) += $(native-y) $(kvm-y)
src-$(CONFIG_HV_XEN) += $(xen-y)
# The runtime strategy: every backend, the ops table and the patcher.
src-$(CONFIG_STRATEGY_PVOPS) += $(native-y) $(kvm-y) $(xen-y) \
	src/hv/pv/pv_native.c src/hv/pv/pv_kvm.c src/hv/pv/pv_xen.c src/hv/pv/pv_xen_irq.S \
	src/hv/pv/pv_count.c src/hv/pv/pv_count.S \
	src/hv/pv/pv_patch.c
