/* hyperv/hyperv.h: a Hyper-V backend, built only for the growth curve
 * (tools/growth; there is no Hyper-V here to boot it).  Hyper-V runs the
 * native instructions, so most ops are native ones; what it adds without
 * a hypercall is the partition reference TSC page (the clock) and the
 * synthetic EOI register, both from the Hyper-V TLFS. */
#ifndef HV_HYPERV_H
#define HV_HYPERV_H

#include "native/native.h"
#ifdef __ASSEMBLER__
#define hyperv_iret native_iret
#else

#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_X64_MSR_TIME_REF_COUNT	0x40000020
#define HV_X64_MSR_REFERENCE_TSC	0x40000021
#define HV_X64_MSR_EOI			0x40000070
#define HV_CPUID_FEATURES		0x40000003
#define HV_ACCESS_VP_APIC_MSRS		(1u << 4)
#define HV_ACCESS_REFERENCE_TSC		(1u << 9)

/* The reference TSC page: time in 100 ns units is
 * ((tsc * tsc_scale) >> 64) + tsc_offset while tsc_sequence holds still
 * and is not 0 (0: the page is invalid, read the time-reference MSR). */
struct hyperv_tsc_page {
	volatile u32 tsc_sequence;
	u32 reserved;
	volatile u64 tsc_scale;
	volatile i64 tsc_offset;
};
extern struct hyperv_tsc_page hyperv_tsc_page;

#define hyperv_irq_disable	native_irq_disable
#define hyperv_irq_enable	native_irq_enable
#define hyperv_irq_save		native_irq_save
#define hyperv_irq_restore	native_irq_restore
#define hyperv_cpuid		native_cpuid
#define hyperv_load_root	native_load_root
#define hyperv_halt		native_halt
#define hyperv_shutdown		native_shutdown
#define hyperv_set_pte		native_set_pte
#define hyperv_flush_one	native_flush_one
#define hyperv_flush_all	native_flush_all
#define hyperv_make_pte		native_make_pte
#define hyperv_pte_phys		native_pte_phys
#define hyperv_pt_alloc		native_pt_alloc
#define hyperv_console_write	native_console_write
#define hyperv_lock_wait	native_lock_wait
#define hyperv_lock_kick	native_lock_kick
#define hyperv_setup_traps	native_setup_traps
#define hyperv_fault_addr	native_fault_addr
#define hyperv_smp_probe	native_smp_probe
#define hyperv_cpu_start	native_cpu_start
#define hyperv_cpu_init		native_cpu_init
#define hyperv_send_ipi		native_send_ipi

static inline u64 hyperv_clock_ns(void)
{
	u32 seq;
	u64 t;

	do {
		seq = hyperv_tsc_page.tsc_sequence;
		if (!seq)
			return rdmsr(HV_X64_MSR_TIME_REF_COUNT) * 100;
		__asm__ __volatile__("" ::: "memory");
		t = (u64)(((unsigned __int128)rdtsc() * hyperv_tsc_page.tsc_scale) >> 64) +
		    (u64)hyperv_tsc_page.tsc_offset;
		__asm__ __volatile__("" ::: "memory");
	} while (hyperv_tsc_page.tsc_sequence != seq);
	return t * 100;
}

static inline void hyperv_timer_set(u64 deadline_ns)
{
	lapic_timer_program(deadline_ns, hyperv_clock_ns());
}

#define hyperv_name "hyperv"
#define hyperv_clock_name "hyperv-tsc-page"
const char *hyperv_setup(struct boot_info *bi);
void hyperv_setup_irq(void);
void hyperv_handle_irq(unsigned int vector);

#endif /* __ASSEMBLER__ */
#endif /* HV_HYPERV_H */
