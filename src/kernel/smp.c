/* smp.c: the CPUs at run time: every CPU's record (percpu.h), and what a
 * secondary CPU runs: its own set-up, then the idle loop of its threads.
 * Bringing them up is smpboot.c. */
#include "defs.h"
#include "hv.h"
#include "percpu.h"
#include "paging.h"

struct percpu percpu_area[NR_CPUS] __aligned(PAGE_SIZE);
volatile u32 smp_ncpus = 1;

/* Where a started CPU arrives, its GS base set, on its first stack. */
__noreturn void smp_secondary_main(void)
{
	struct percpu *me = this_cpu();

	hv_cpu_init();
	thread_cpu_init();
	__atomic_store_n(&smp_ncpus, me->cpu + 1, __ATOMIC_RELEASE);
	for (;;) {
		thread_yield();
		hv_irq_disable();
		if (thread_runnable_here())
			hv_irq_enable();
		else
			hv_halt();	/* enables, waits; an IPI says there is work */
	}
}

void smp_ipi_interrupt(void)
{
	this_cpu()->ipis++;
}
