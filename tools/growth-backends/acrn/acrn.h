/* acrn/acrn.h: an ACRN guest backend, built only for the growth curve
 * (tools/growth; there is no ACRN here to boot it).  An ACRN guest runs
 * the native instructions and the native LAPIC, so every op is native's;
 * what differs is the glue: ACRN is recognised by its CPUID signature and
 * nothing else is set up (Linux's ACRN support likewise adds detection
 * and an upcall vector, not pvops). */
#ifndef HV_ACRN_H
#define HV_ACRN_H

#include "native/native.h"
#ifdef __ASSEMBLER__
#define acrn_iret native_iret
#else
#define acrn_irq_disable	native_irq_disable
#define acrn_irq_enable		native_irq_enable
#define acrn_irq_save		native_irq_save
#define acrn_irq_restore	native_irq_restore
#define acrn_cpuid		native_cpuid
#define acrn_load_root		native_load_root
#define acrn_halt		native_halt
#define acrn_shutdown		native_shutdown
#define acrn_set_pte		native_set_pte
#define acrn_flush_one		native_flush_one
#define acrn_flush_all		native_flush_all
#define acrn_make_pte		native_make_pte
#define acrn_pte_phys		native_pte_phys
#define acrn_pt_alloc		native_pt_alloc
#define acrn_clock_ns		native_clock_ns
#define acrn_timer_set		native_timer_set
#define acrn_console_write	native_console_write
#define acrn_lock_wait		native_lock_wait
#define acrn_lock_kick		native_lock_kick
#define acrn_setup_traps	native_setup_traps
#define acrn_fault_addr		native_fault_addr
#define acrn_smp_probe		native_smp_probe
#define acrn_cpu_start		native_cpu_start
#define acrn_cpu_init		native_cpu_init
#define acrn_send_ipi		native_send_ipi
#define acrn_setup_irq		native_setup_irq
#define acrn_handle_irq		native_handle_irq
#define acrn_name "acrn"
#define acrn_clock_name "tsc"
const char *acrn_setup(struct boot_info *bi);
#endif /* __ASSEMBLER__ */
#endif /* HV_ACRN_H */
