/* native/irq.h: interrupt flag ops with the real instructions. */
#ifndef HV_NATIVE_IRQ_H
#define HV_NATIVE_IRQ_H

#include "x86.h"

static inline void native_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void native_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline unsigned long native_irq_save(void)
{
	unsigned long f;
	__asm__ __volatile__("pushfq; popq %0" : "=rm"(f) : : "memory");
	return f;
}

static inline void native_irq_restore(unsigned long f)
{
	__asm__ __volatile__("pushq %0; popfq" : : "g"(f) : "memory", "cc");
}

#endif /* HV_NATIVE_IRQ_H */
