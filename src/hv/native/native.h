/* native/native.h: the native backend, every op body once. */
#ifndef HV_NATIVE_H
#define HV_NATIVE_H

#ifdef __ASSEMBLER__
#define native_iret iretq	/* an entry's return (hv.h's HV_IRET) */
#else
#include "native/irq.h"
#include "native/cpu.h"
#include "native/mmu.h"
#include "native/time.h"
#include "native/console.h"
#include "native/lock.h"

struct boot_info;

#define native_name "native"
#define native_clock_name "tsc"
const char *native_setup(struct boot_info *bi);
void native_setup_irq(void);
void native_handle_irq(unsigned int vector);
void native_setup_traps(const u64 *vectors);

static inline u64 native_fault_addr(void)
{
	return read_cr2();
}

/* Pieces the KVM backend shares (it is native plus kvmclock and PV EOI). */
void lapic_init(u64 (*clock_ns)(void));
void lapic_eoi(void);

#endif /* __ASSEMBLER__ */
#endif /* HV_NATIVE_H */
