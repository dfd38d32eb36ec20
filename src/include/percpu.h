/* percpu.h: each CPU's own data, reached through %gs.  The GS base of a
 * CPU holds the address of its struct percpu (set by the entry path: the
 * GS base MSR in ring 0, HYPERVISOR_set_segment_base under Xen PV, and
 * for a secondary CPU its start-up context), so one %gs-relative
 * instruction reads or writes a field of this CPU's record.
 *
 * The backend's record sits at a fixed offset (PERCPU_HV): under Xen the
 * vCPU's vcpu_info, registered with VCPUOP_register_vcpu_info, so the irq
 * ops mask events with one `movb $1, %gs:PERCPU_HV+1`. */
#ifndef HVB_PERCPU_H
#define HVB_PERCPU_H

#define NR_CPUS		8	/* at most this many CPUs are brought up */
#define PERCPU_SELF	0	/* offsetof(struct percpu, self) */
#define PERCPU_CPU	8	/* offsetof(struct percpu, cpu) */
#define PERCPU_HV	64	/* offsetof(struct percpu, hv) */
#define PERCPU_HV_SIZE	64
#define MSR_GS_BASE	0xc0000101

#ifndef __ASSEMBLER__
#include "types.h"

struct percpu {
	struct percpu *self;		/* %gs:0: this record's address */
	u32 cpu;			/* %gs:8: 0 for the boot CPU, then 1, 2, ... */
	u32 hw_id;			/* the platform's id: APIC id, or Xen vCPU id */
	int thread;			/* the thread running here (thread.c) */
	int dead_thread;		/* a thread that exited here, its stack still in use */
	u64 stack_top;			/* a secondary CPU's first stack */
	u64 ipis;			/* IPIs received */
	volatile u64 marker;		/* what the SMP self-test wrote through %gs */
	u32 lock_slow;			/* contended acquires gone to the slow path */
	u32 lock_waits;			/* of those, calls of the backend's lock_wait */
	u8 pad0[PERCPU_HV - 56];
	u8 hv[PERCPU_HV_SIZE] __aligned(64);	/* the backend's (Xen: vcpu_info) */
} __aligned(64);

_Static_assert(__builtin_offsetof(struct percpu, self) == PERCPU_SELF, "self");
_Static_assert(__builtin_offsetof(struct percpu, cpu) == PERCPU_CPU, "cpu");
_Static_assert(__builtin_offsetof(struct percpu, hv) == PERCPU_HV, "hv");

extern struct percpu percpu_area[NR_CPUS];

/* The CPUs brought up so far (smp.c); 1 until then. */
extern volatile u32 smp_ncpus;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__("movq %%gs:%c1, %0" : "=r"(p) : "i"(PERCPU_SELF));
	return p;
}

static inline u32 smp_cpu_id(void)
{
	u32 c;

	__asm__("movl %%gs:%c1, %0" : "=r"(c) : "i"(PERCPU_CPU));
	return c;
}

/* Fill CPU cpu's record (before its GS base points at it): smpboot.c. */
void percpu_setup(u32 cpu, u32 hw_id);

#endif /* __ASSEMBLER__ */
#endif /* HVB_PERCPU_H */
