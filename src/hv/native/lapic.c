/* lapic.c: the local APIC timer in one-shot mode, calibrated against the
 * backend's clock, and end-of-interrupt.  Shared by native and KVM. */
#include "defs.h"
#include "native/native.h"
#include "trap.h"

#define MSR_APIC_BASE	0x1b
#define LAPIC_TPR	0x080
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_PENDING	(1u << 12)
#define ICR_INIT	0x4500		/* INIT, level assert */
#define ICR_SIPI	0x4600		/* start-up, vector = page */
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_ICR	0x380
#define LAPIC_TIMER_CCR	0x390
#define LAPIC_TIMER_DCR	0x3e0
#define LVT_MASKED	(1u << 16)
#define CALIBRATE_NS	2000000

static volatile u32 *lapic;
static u64 lapic_mult;		/* timer counts per ns, 32.32 fixed point */
static u64 (*lapic_clock)(void);	/* the backend's clock, for delays */

static inline void lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
}

static inline u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

void lapic_init(u64 (*clock_ns)(void))
{
	u64 base = rdmsr(MSR_APIC_BASE);

	lapic_clock = clock_ns;
	wrmsr(MSR_APIC_BASE, base | (1u << 11));	/* global enable */
	lapic = vm_map_mmio(base & ~0xfffUL, PAGE_SIZE);
	lapic_cpu_init();
	lapic_write(LAPIC_TIMER_DCR, 0x3);		/* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	u64 t0 = clock_ns(), t1;
	while ((t1 = clock_ns()) - t0 < CALIBRATE_NS)
		cpu_relax();
	u32 counted = 0xffffffff - lapic_read(LAPIC_TIMER_CCR);
	lapic_write(LAPIC_TIMER_ICR, 0);
	if (!counted)
		panic("the LAPIC timer does not count");
	lapic_mult = ((u64)counted << 32) / (t1 - t0);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);		/* one-shot, unmasked */
	kprintf("hvbundle: LAPIC timer %lu kHz (divided by 16)\n",
		(u64)(((unsigned __int128)lapic_mult * 1000000) >> 32));
}

/* Counts are rounded up so the interrupt never arrives before deadline. */
void lapic_timer_program(u64 deadline_ns, u64 now_ns)
{
	u64 count;

	if (!deadline_ns) {
		lapic_write(LAPIC_TIMER_ICR, 0);
		return;
	}
	if (deadline_ns <= now_ns)
		count = 1;
	else {
		count = (u64)((((unsigned __int128)(deadline_ns - now_ns) * lapic_mult) >> 32) + 1);
		if (count > 0xffffffffULL)
			count = 0xffffffffULL;
	}
	lapic_write(LAPIC_TIMER_ICR, (u32)count);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* What a LAPIC vector means, once the backend has done its EOI (native
 * and KVM, and any backend built on the LAPIC, differ only in the EOI). */
void lapic_dispatch(unsigned int vector)
{
	if (vector == VEC_TIMER)
		timer_interrupt();
	else if (vector == VEC_IPI)
		smp_ipi_interrupt();
	else
		kprintf("hvbundle: unexpected interrupt vector %u\n", vector);
}

/* Each CPU's own LAPIC (at the same address): accept every priority,
 * software-enabled. */
void lapic_cpu_init(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
}

static void icr_send(u32 apic_id, u32 low)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, low);
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		cpu_relax();
}

static void delay_ns(u64 ns)
{
	u64 t0 = lapic_clock();

	while (lapic_clock() - t0 < ns)
		cpu_relax();
}

/* INIT, then two start-ups (the second is ignored by a CPU already
 * running), with the waits the MP specification asks for. */
void lapic_start_cpu(u32 apic_id, u32 page)
{
	icr_send(apic_id, ICR_INIT);
	delay_ns(10000000);
	icr_send(apic_id, ICR_SIPI | page);
	delay_ns(200000);
	icr_send(apic_id, ICR_SIPI | page);
}

void lapic_send_ipi(u32 apic_id, u32 vector)
{
	icr_send(apic_id, vector);		/* fixed delivery, physical */
}
