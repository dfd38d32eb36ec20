/* jailhouse/jailhouse.h: a Jailhouse non-root cell backend, built only for
 * the growth curve (tools/growth; there is no Jailhouse here to boot it).
 * A cell runs the native instructions on its own CPUs, so the ops are
 * native's but the console: Jailhouse's debug console is a hypercall per
 * character (JAILHOUSE_HC_DEBUG_CONSOLE_PUTC, 8: vmcall with the code in
 * rax and the character in rdi, on Intel).  Not done: a real cell has no
 * PIT, and its TSC rate would come from the communication region. */
#ifndef HV_JAILHOUSE_H
#define HV_JAILHOUSE_H

#include "native/native.h"
#ifdef __ASSEMBLER__
#define jailhouse_iret native_iret
#else
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC	8

#define jailhouse_irq_disable	native_irq_disable
#define jailhouse_irq_enable	native_irq_enable
#define jailhouse_irq_save	native_irq_save
#define jailhouse_irq_restore	native_irq_restore
#define jailhouse_cpuid		native_cpuid
#define jailhouse_load_root	native_load_root
#define jailhouse_halt		native_halt
#define jailhouse_shutdown	native_shutdown
#define jailhouse_set_pte	native_set_pte
#define jailhouse_flush_one	native_flush_one
#define jailhouse_flush_all	native_flush_all
#define jailhouse_make_pte	native_make_pte
#define jailhouse_pte_phys	native_pte_phys
#define jailhouse_pt_alloc	native_pt_alloc
#define jailhouse_clock_ns	native_clock_ns
#define jailhouse_timer_set	native_timer_set
#define jailhouse_lock_wait	native_lock_wait
#define jailhouse_lock_kick	native_lock_kick
#define jailhouse_setup_traps	native_setup_traps
#define jailhouse_fault_addr	native_fault_addr
#define jailhouse_smp_probe	native_smp_probe
#define jailhouse_cpu_start	native_cpu_start
#define jailhouse_cpu_init	native_cpu_init
#define jailhouse_send_ipi	native_send_ipi
#define jailhouse_setup_irq	native_setup_irq
#define jailhouse_handle_irq	native_handle_irq

static inline void jailhouse_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long code = JAILHOUSE_HC_DEBUG_CONSOLE_PUTC;
		__asm__ __volatile__("vmcall" : "+a"(code) : "D"((unsigned long)(u8)s[i])
				     : "memory");
	}
}

#define jailhouse_name "jailhouse"
#define jailhouse_clock_name "tsc"
const char *jailhouse_setup(struct boot_info *bi);
#endif /* __ASSEMBLER__ */
#endif /* HV_JAILHOUSE_H */
