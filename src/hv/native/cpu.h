/* native/cpu.h: cpuid, page-table root, halt and shutdown on bare hardware
 * (and any HVM platform, where they trap or run as they are). */
#ifndef HV_NATIVE_CPU_H
#define HV_NATIVE_CPU_H

#include "x86.h"

#define NATIVE_DEBUG_EXIT_PORT 0xf4

static inline void native_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	x86_cpuid(leaf, sub, r);
}

static inline void native_load_root(u64 root_pa)
{
	write_cr3(root_pa);
}

/* Enable interrupts and wait for one, atomically: sti's one-instruction
 * shadow covers hlt, so a wakeup cannot slip in between. */
static inline void native_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/* isa-debug-exit ends QEMU with (status << 1) | 1; without that device
 * the cpu stops with interrupts off and the caller's timeout ends it. */
static inline __noreturn void native_shutdown(int status)
{
	outl(NATIVE_DEBUG_EXIT_PORT, (u32)status);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

#endif /* HV_NATIVE_CPU_H */
