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
struct percpu;
u32 native_smp_probe(struct boot_info *bi, u32 *ids, u32 max);
const char *native_cpu_start(struct percpu *pc);
void native_cpu_init(void);
void native_send_ipi(u32 cpu);

static inline u64 native_fault_addr(void)
{
	return read_cr2();
}

/* Pieces the KVM backend shares (it is native plus kvmclock and PV EOI). */
void lapic_init(u64 (*clock_ns)(void));
void lapic_eoi(void);
void lapic_dispatch(unsigned int vector);
void lapic_cpu_init(void);
void lapic_start_cpu(u32 apic_id, u32 page);
void lapic_send_ipi(u32 apic_id, u32 vector);
void native_cpu_traps(void);
u32 acpi_cpu_ids(const struct boot_info *bi, u32 boot_id, u32 *ids, u32 max);

#endif /* __ASSEMBLER__ */
#endif /* HV_NATIVE_H */
