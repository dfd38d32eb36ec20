/* smp.c: secondary CPUs on bare hardware (and KVM): the CPU list from the
 * ACPI MADT, each started through its LAPIC (INIT, SIPI, SIPI) at the
 * real-mode trampoline copied below 1 MiB, IPIs through the LAPIC. */
#include "defs.h"
#include "native/native.h"
#include "percpu.h"
#include "paging.h"
#include "trap.h"

#define TRAMPOLINE_PA	0x8000		/* trampoline.S is written for it */

extern const u8 native_trampoline[], native_trampoline_end[];
extern const u8 native_tr_cr3[], native_tr_stack[], native_tr_percpu[], native_tr_entry[];

static u32 boot_apic_id(void)
{
	struct cpuid_regs r;

	x86_cpuid(1, 0, &r);
	return r.ebx >> 24;
}

u32 native_smp_probe(struct boot_info *bi, u32 *ids, u32 max)
{
	return acpi_cpu_ids(bi, boot_apic_id(), ids, max);
}

/* The trampoline's call: ring 0, so the GS base is an MSR. */
static __noreturn void native_secondary_entry(struct percpu *pc)
{
	wrmsr(MSR_GS_BASE, (u64)pc);
	smp_secondary_main();
}

static void put64(u8 *tramp, const u8 *field, u64 v)
{
	memcpy(tramp + (field - native_trampoline), &v, sizeof(v));
}

const char *native_cpu_start(struct percpu *pc)
{
	u8 *t = P2V(TRAMPOLINE_PA);

	if (vm_root() >= (1ull << 32))
		return "the page-table root lies above 4 GiB, out of the trampoline's reach";
	memcpy(t, native_trampoline, (size_t)(native_trampoline_end - native_trampoline));
	put64(t, native_tr_cr3, vm_root());
	put64(t, native_tr_stack, pc->stack_top);
	put64(t, native_tr_percpu, (u64)pc);
	put64(t, native_tr_entry, (u64)native_secondary_entry);
	lapic_start_cpu(pc->hw_id, TRAMPOLINE_PA >> PAGE_SHIFT);
	return NULL;
}

void native_cpu_init(void)
{
	native_cpu_traps();
	lapic_cpu_init();
}

void native_send_ipi(u32 cpu)
{
	lapic_send_ipi(percpu_area[cpu].hw_id, VEC_IPI);
}
