/* xen/xen.h: the Xen PV backend.  The kernel runs in ring 3 under Xen:
 * the interrupt flag is vcpu_info's upcall mask, page tables are Xen's to
 * validate (read-only to us, written with mmu_update, holding machine frame
 * numbers), time is the pvclock in vcpu_info, the timer and halt are
 * hypercalls, and the console is Xen's. */
#ifndef HV_XEN_H
#define HV_XEN_H

#ifdef __ASSEMBLER__
#include "xen/asm.h"
#define xen_iret XEN_IRET
#else
#include "xen/hypercall.h"
#include "pvclock.h"
#include "paging.h"
#include "percpu.h"
#include "lock_wait.h"

/* Xen may fire a timer this much before its deadline (timer_slop). */
#define XEN_TIMER_SLOP_NS 1000000ull

struct boot_info;

/* Each vCPU's event channels and what it waits on in lock_wait. */
struct xen_cpu {
	evtchn_port_t ipi;		/* IPIs: unmasked, handled by the upcall */
	evtchn_port_t kick;		/* lock kicks: kept masked, only polled */
	volatile u32 *volatile waiting;	/* the lock word this vCPU polls for */
};
extern struct xen_cpu xen_cpus[NR_CPUS];

/* This vCPU's vcpu_info: registered inside its per-CPU record, so the
 * irq ops reach it as %gs:XEN_GS_MASK (Linux's xen_vcpu_info the same
 * way); xen_vcpu is its address, for code that needs a pointer. */
#define XEN_GS_PENDING	(PERCPU_HV + 0)	/* vcpu_info.evtchn_upcall_pending */
#define XEN_GS_MASK	(PERCPU_HV + 1)	/* vcpu_info.evtchn_upcall_mask */
#define xen_vcpu ((struct vcpu_info *)this_cpu()->hv)
extern struct shared_info *xen_shared;
extern unsigned long *xen_p2m;		/* pseudo-physical frame -> machine frame */
extern bool xen_pv_started;		/* false: entered through PVH, not on Xen */
void xen_console_write_early(const char *s, size_t n);

/* A hypercall that can fail and did stops the kernel with one line naming
 * the call and Xen's error (the Mini-OS way): never run on with a page
 * table, a TLB or a timer Xen refused.  Out of line and cold, so a checked
 * call costs its callers a test and a branch not taken. */
__noreturn __attribute__((cold)) void xen_hypercall_failed(const char *call, long rc);

static inline void xen_check(long rc, const char *call)
{
	if (unlikely(rc < 0))
		xen_hypercall_failed(call, rc);
}

#define xen_m2p ((const unsigned long *)MACH2PHYS_VIRT_START)

static inline u64 xen_virt_to_machine(const void *va)
{
	unsigned long pa = V2P(va);
	return ((u64)xen_p2m[pa >> PAGE_SHIFT] << PAGE_SHIFT) | (pa & (PAGE_SIZE - 1));
}

/* Any hypercall delivers pending events on its way back. */
static inline void xen_force_callback(void)
{
	(void)HYPERVISOR_xen_version(0, NULL);
}

/* The shared info page, mapped by xen_setup over this page of the kernel. */
extern u8 xen_shared_info_page[PAGE_SIZE];

/* Is an event pending for this vCPU?  One compare; the caller branches
 * on its flags. */
static inline bool xen_upcall_pending(void)
{
	bool p;

	__asm__ __volatile__("cmpb $0, %%gs:%c1" : "=@ccnz"(p) : "i"(XEN_GS_PENDING) : "memory");
	return p;
}

/* irq: flags are an RFLAGS image, as on hardware: IF set means events are
 * unmasked, so one test of the flags serves every backend.  The pvops
 * entries are pv/pv_xen_irq.S: the same instructions. */
static inline void xen_irq_disable(void)
{
	__asm__ __volatile__("movb $1, %%gs:%c0" : : "i"(XEN_GS_MASK) : "memory");
}

static inline void xen_irq_enable(void)
{
	/* Unmask, then look: an event set between is seen. */
	__asm__ __volatile__("movb $0, %%gs:%c0" : : "i"(XEN_GS_MASK) : "memory");
	if (unlikely(xen_upcall_pending()))
		xen_force_callback();
}

/* Unmasked (mask < 1) sets the carry, sbb makes it all ones: IF or 0. */
static inline unsigned long xen_irq_save(void)
{
	unsigned long f;

	__asm__ __volatile__("cmpb $1, %%gs:%c1\n\tsbb %k0, %k0\n\tand %2, %k0"
			     : "=r"(f)
			     : "i"(XEN_GS_MASK), "i"(X86_EFLAGS_IF)
			     : "cc", "memory");
	return f;
}

/* mask = !(f & IF), set straight from the test's flags (as the pvops
 * stub does); the same flags then say whether to look for events. */
static inline void xen_irq_restore(unsigned long f)
{
	bool unmasked;

	__asm__ __volatile__("testl %2, %k1\n\tsetz %%gs:%c3"
			     : "=@ccnz"(unmasked)
			     : "r"(f), "i"(X86_EFLAGS_IF), "i"(XEN_GS_MASK)
			     : "memory");
	if (unmasked && unlikely(xen_upcall_pending()))
		xen_force_callback();
}

/* cpu: the forced-emulation prefix makes Xen answer with the guest's view. */
static inline void xen_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	if (unlikely(!xen_pv_started)) {
		x86_cpuid(leaf, sub, r);
		return;
	}
	__asm__ __volatile__("ud2a; .ascii \"xen\"; cpuid"
			     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			     : "a"(leaf), "c"(sub));
}

static inline void xen_load_root(u64 root_pa)
{
	struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };

	op.arg1.mfn = xen_p2m[root_pa >> PAGE_SHIFT];
	xen_check(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), "mmuext_op(NEW_BASEPTR)");
}

/* SCHEDOP_block unmasks events and sleeps until one is pending. */
static inline void xen_halt(void)
{
	xen_check(HYPERVISOR_sched_op(SCHEDOP_block, NULL), "sched_op(block)");
}

__noreturn void xen_shutdown(int status);

/* mmu */
static inline u64 xen_make_pte(u64 pa, u64 flags)
{
	return ((u64)xen_p2m[pa >> PAGE_SHIFT] << PAGE_SHIFT) | flags;
}

static inline u64 xen_pte_phys(u64 pte)
{
	return (u64)xen_m2p[(pte & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT;
}

static inline void xen_set_pte(u64 *ptep, u64 val)
{
	mmu_update_t u = { .ptr = xen_virt_to_machine(ptep) | MMU_NORMAL_PT_UPDATE, .val = val };

	xen_check(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), "mmu_update");
}

static inline void xen_flush_one(unsigned long va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL };

	op.arg1.linear_addr = va;
	xen_check(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), "mmuext_op(INVLPG_LOCAL)");
}

static inline void xen_flush_all(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

	xen_check(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), "mmuext_op(TLB_FLUSH_LOCAL)");
}

/* A frame may become a page table only once no writable mapping of it is
 * left: our one mapping of it, in the direct map, turns read-only. */
static inline void xen_pt_alloc(u64 pa, int level)
{
	(void)level;
	xen_check(HYPERVISOR_update_va_mapping((unsigned long)P2V(pa),
					       xen_make_pte(pa, PTE_P | PTE_A), UVMF_INVLPG),
		  "update_va_mapping(page table read-only)");
}

/* time */
static inline u64 xen_clock_ns(void)
{
	return pvclock_read_ns((const volatile struct pvclock_time_info *)&xen_vcpu->time);
}

static inline void xen_timer_set(u64 deadline_ns)
{
	xen_check(HYPERVISOR_set_timer_op(deadline_ns), "set_timer_op");
}

/* console: the one result not checked, since a failure could only be
 * reported through the console that failed. */
static inline void xen_console_write(const char *s, size_t n)
{
	if (likely(xen_pv_started))
		(void)HYPERVISOR_console_io(CONSOLEIO_write, n, s);
	else
		xen_console_write_early(s, n);
}

/* The kick channels are masked and only polled: their pending bits are
 * read and cleared here, never by the upcall. */
static inline bool xen_port_pending(evtchn_port_t port)
{
	return (__atomic_load_n(&xen_shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
		(port % 64)) & 1;
}

static inline void xen_port_clear(evtchn_port_t port)
{
	__atomic_and_fetch(&xen_shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

/* lock slow path: say what this vCPU waits on, drop a kick left from an
 * earlier wait (else the poll would return at once), then poll the masked
 * kick channel while the lock word still reads val.  Each step is
 * sequentially consistent: an unlocker stores the word, then reads the
 * waiting slot and sends; so either the look at the word sees it moved,
 * or the kick comes after the clear and SCHEDOP_poll returns (at once if
 * the port is already pending when Xen looks).  Xen's kick wakes a poller
 * only when it sets the pending bit, which the clear before the look
 * guarantees for a kick that is still due.
 *
 * One waiting slot per vCPU: lock_wait is never re-entered, since no
 * interrupt handler takes a lock (Linux counts nesting for that case).
 *
 * The caller must pass a val that means "not yet mine" (spinlock.c): a
 * waiter that polls on a word that already says its turn has come has no
 * kick coming.  The poll's deadline is only there to report a wake-up
 * that did not happen in time (lock_wait.h): such a bug, or a kicked vCPU
 * that Xen did not run (docs/DESIGN.md, credit2); never to recover from
 * one quietly. */
static inline void xen_lock_wait(volatile u32 *ptr, u32 val)
{
	struct xen_cpu *c = &xen_cpus[smp_cpu_id()];
	evtchn_port_t port = c->kick;

	__atomic_store_n(&c->waiting, ptr, __ATOMIC_SEQ_CST);
	if (xen_port_pending(port))
		xen_port_clear(port);
	if (__atomic_load_n(ptr, __ATOMIC_SEQ_CST) == val) {
		struct sched_poll poll = { .nr_ports = 1 };
		u64 t0 = xen_clock_ns();

		set_xen_guest_handle(poll.ports, &port);
		poll.timeout = t0 + LOCK_WAIT_DEADLINE_NS;
		xen_check(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), "sched_op(poll)");
		/* The poll lasted its deadline (less Xen's timer slop): either
		 * no kick came, or it came and this vCPU was not run. */
		u64 t = xen_clock_ns();
		if (unlikely(t + XEN_TIMER_SLOP_NS >= poll.timeout))
			lock_wait_timed_out(ptr, val, t - t0, xen_port_pending(port));
	}
	__atomic_store_n(&c->waiting, NULL, __ATOMIC_RELEASE);
}

/* Kick every vCPU polling for this lock word. */
static inline void xen_lock_kick(volatile u32 *ptr)
{
	u32 n = __atomic_load_n(&smp_ncpus, __ATOMIC_RELAXED);

	for (u32 i = 0; i < n; i++) {
		if (__atomic_load_n(&xen_cpus[i].waiting, __ATOMIC_SEQ_CST) != ptr)
			continue;
		struct evtchn_send send = { .port = xen_cpus[i].kick };
		xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_send, &send), "event_channel_op(send)");
	}
}

static inline u64 xen_fault_addr(void)
{
	return xen_vcpu->arch.cr2;
}

#define xen_name "xen"
#define xen_clock_name "pvclock"
const char *xen_setup(struct boot_info *bi);
void xen_setup_irq(void);
void xen_handle_irq(unsigned int vector);
void xen_setup_traps(const u64 *vectors);
u32 xen_smp_probe(struct boot_info *bi, u32 *ids, u32 max);
const char *xen_cpu_start(struct percpu *pc);
void xen_cpu_init(void);
void xen_send_ipi(u32 cpu);
void xen_register_vcpu_info(u32 vcpu, struct percpu *pc);
void xen_bind_cpu_ports(u32 cpu, u32 vcpu);
extern struct trap_info xen_trap_table[33];

#endif /* __ASSEMBLER__ */
#endif /* HV_XEN_H */
