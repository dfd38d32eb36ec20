/* hypercall.h: Xen hypercalls as small static inlines (the Mini-OS way).
 * Each is a call into the hypercall page Xen filled at load time, entry
 * nr * 32; arguments in rdi, rsi, rdx, r10, r8.  Xen may clobber argument
 * registers (debug builds poison them), so all are outputs too. */
#ifndef HV_XEN_HYPERCALL_H
#define HV_XEN_HYPERCALL_H

#include "types.h"

/* The 4.14 interface (without it the public headers pick compat
 * hypercalls); the upcall mask field in vcpu_info. */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif /* __XEN_INTERFACE_VERSION__ */
#define XEN_HAVE_PV_UPCALL_MASK 1
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/callback.h>
#include <xen/physdev.h>
#include <xen/vcpu.h>
#include <xen/version.h>

extern char hypercall_page[4096];

#define _hypercall(nr, a1, a2, a3, a4, a5) ({				\
	register unsigned long _r1 __asm__("rdi") = (unsigned long)(a1);	\
	register unsigned long _r2 __asm__("rsi") = (unsigned long)(a2);	\
	register unsigned long _r3 __asm__("rdx") = (unsigned long)(a3);	\
	register unsigned long _r4 __asm__("r10") = (unsigned long)(a4);	\
	register unsigned long _r5 __asm__("r8") = (unsigned long)(a5);	\
	long _res;							\
	__asm__ __volatile__("call hypercall_page + %c[off]"		\
			     : "=a"(_res), "+r"(_r1), "+r"(_r2), "+r"(_r3),	\
			       "+r"(_r4), "+r"(_r5)			\
			     : [off] "i"((nr) * 32)			\
			     : "memory", "rcx", "r11");			\
	_res;								\
})

static inline long HYPERVISOR_set_trap_table(const struct trap_info *t)
{
	return _hypercall(__HYPERVISOR_set_trap_table, t, 0, 0, 0, 0);
}

static inline long HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int n,
					 unsigned int *done, domid_t dom)
{
	return _hypercall(__HYPERVISOR_mmu_update, req, n, done, dom, 0);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int n,
					unsigned int *done, domid_t dom)
{
	return _hypercall(__HYPERVISOR_mmuext_op, op, n, done, dom, 0);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, u64 pte, unsigned long flags)
{
	return _hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long HYPERVISOR_set_timer_op(u64 deadline_ns)
{
	return _hypercall(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0, 0, 0);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned long n, const char *s)
{
	return _hypercall(__HYPERVISOR_console_io, cmd, n, s, 0, 0);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_callback_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{
	return _hypercall(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return _hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

#endif /* HV_XEN_HYPERCALL_H */
