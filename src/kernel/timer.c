/* timer.c: what the kernel does when the one-shot timer fires, whichever
 * backend delivered it (LAPIC vector, Xen event channel). */
#include "defs.h"
#include "hv.h"

static volatile u64 irq_count;
static volatile u64 last_irq_ns;

void timer_interrupt(void)
{
	last_irq_ns = hv_clock_ns();
	irq_count++;
}

u64 timer_irq_count(void)
{
	return irq_count;
}

u64 timer_last_irq_ns(void)
{
	return last_irq_ns;
}
