/* setup.c: KVM boot glue: refuse to run off KVM, turn on kvmclock and PV
 * EOI (both plain MSR writes, no hypercall), then the native LAPIC timer
 * calibrated against kvmclock. */
#include "defs.h"
#include "kvm/kvm.h"
#include "hv_detect.h"
#include "paging.h"
#include "trap.h"

struct pvclock_time_info kvm_pvclock __aligned(64);
static volatile u32 kvm_pv_eoi __aligned(64);
static bool pv_eoi_on;

const char *kvm_setup(struct boot_info *bi)
{
	struct cpuid_regs r;
	struct hv_detect d;

	(void)bi;
	native_uart_init();
	platform_pit_wait = native_pit_wait;
	hv_detect(&d, false, NULL, 0, x86_cpuid);
	if (d.platform != HV_PLATFORM_KVM)
		return "this is the kvm variant on a platform that is not KVM";
	x86_cpuid(KVM_CPUID_FEATURES, 0, &r);
	if (!(r.eax & (1u << KVM_FEATURE_CLOCKSOURCE2)))
		return "KVM offers no kvmclock (CLOCKSOURCE2)";
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, V2P(&kvm_pvclock) | 1);
	if (r.eax & (1u << KVM_FEATURE_PV_EOI)) {
		wrmsr(MSR_KVM_PV_EOI_EN, V2P(&kvm_pv_eoi) | 1);
		pv_eoi_on = true;
	}
	kprintf("hvbundle: kvmclock on (version %u, mul %u, shift %d), PV EOI %s\n",
		kvm_pvclock.version, kvm_pvclock.tsc_to_system_mul, kvm_pvclock.tsc_shift,
		pv_eoi_on ? "on" : "off");
	return NULL;
}

void kvm_setup_irq(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_init(kvm_clock_ns);
}

/* With PV EOI, KVM sets bit 0 when it will need no EOI write from us: one
 * locked bit-test-and-clear in memory instead of an MMIO exit. */
void kvm_handle_irq(unsigned int vector)
{
	if (vector == VEC_SPURIOUS)
		return;
	bool skip = false;
	if (pv_eoi_on)
		__asm__ __volatile__("lock btrl $0, %0; setc %1"
				     : "+m"(kvm_pv_eoi), "=qm"(skip) : : "memory", "cc");
	if (!skip)
		lapic_eoi();
	lapic_dispatch(vector);
}
