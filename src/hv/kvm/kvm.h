/* kvm/kvm.h: the KVM backend.  KVM runs the native instructions (cli, hlt,
 * invlpg, mov cr3 trap or run as they are), so most ops are native ones;
 * what KVM adds without a hypercall is kvmclock and PV EOI.  Hypercalls
 * (vmcall) never return on this project's KVM host, so none is used. */
#ifndef HV_KVM_H
#define HV_KVM_H

#include "native/native.h"
#ifdef __ASSEMBLER__
#define kvm_iret native_iret
#else
#include "pvclock.h"

#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01
#define MSR_KVM_PV_EOI_EN	0x4b564d04
#define KVM_CPUID_FEATURES	0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 3
#define KVM_FEATURE_PV_EOI	6

extern struct pvclock_time_info kvm_pvclock;

#define kvm_irq_disable		native_irq_disable
#define kvm_irq_enable		native_irq_enable
#define kvm_irq_save		native_irq_save
#define kvm_irq_restore		native_irq_restore
#define kvm_cpuid		native_cpuid
#define kvm_load_root		native_load_root
#define kvm_halt		native_halt
#define kvm_shutdown		native_shutdown
#define kvm_set_pte		native_set_pte
#define kvm_flush_one		native_flush_one
#define kvm_flush_all		native_flush_all
#define kvm_make_pte		native_make_pte
#define kvm_pte_phys		native_pte_phys
#define kvm_pt_alloc		native_pt_alloc
#define kvm_console_write	native_console_write
#define kvm_lock_wait		native_lock_wait
#define kvm_lock_kick		native_lock_kick
#define kvm_setup_traps		native_setup_traps
#define kvm_fault_addr		native_fault_addr
#define kvm_smp_probe		native_smp_probe
#define kvm_cpu_start		native_cpu_start
#define kvm_cpu_init		native_cpu_init
#define kvm_send_ipi		native_send_ipi

static inline u64 kvm_clock_ns(void)
{
	return pvclock_read_ns(&kvm_pvclock);
}

static inline void kvm_timer_set(u64 deadline_ns)
{
	lapic_timer_program(deadline_ns, kvm_clock_ns());
}

#define kvm_name "kvm"
#define kvm_clock_name "kvmclock"
const char *kvm_setup(struct boot_info *bi);
void kvm_setup_irq(void);
void kvm_handle_irq(unsigned int vector);

#endif /* __ASSEMBLER__ */
#endif /* HV_KVM_H */
