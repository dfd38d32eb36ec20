/* setup.c: Hyper-V boot glue (built only for the growth curve): refuse to
 * run off Hyper-V, say who we are (the guest OS id the TLFS requires
 * before anything else), map the reference TSC page, use the synthetic
 * EOI register when offered, then the native LAPIC timer on that clock. */
#include "defs.h"
#include "hyperv/hyperv.h"
#include "hv_detect.h"
#include "paging.h"
#include "trap.h"

/* Open source guest id (TLFS: bit 63 set, OS type 0x1 "Linux-like" is
 * reserved for Linux, so 0xff: another open source OS). */
#define HYPERV_GUEST_OS_ID	((1ull << 63) | (0xffull << 56))

struct hyperv_tsc_page hyperv_tsc_page __aligned(4096);
static bool msr_eoi;

const char *hyperv_setup(struct boot_info *bi)
{
	char raw[HV_SIGNATURE_LEN];
	struct cpuid_regs r;

	(void)bi;
	native_uart_init();
	platform_pit_wait = native_pit_wait;
	if (!hv_signature_read(x86_cpuid, raw) || memcmp(raw, "Microsoft Hv", 12))
		return "this is the hyperv variant on a platform that is not Hyper-V";
	x86_cpuid(HV_CPUID_FEATURES, 0, &r);
	if (!(r.eax & HV_ACCESS_REFERENCE_TSC))
		return "Hyper-V offers no reference TSC page";
	wrmsr(HV_X64_MSR_GUEST_OS_ID, HYPERV_GUEST_OS_ID);
	wrmsr(HV_X64_MSR_REFERENCE_TSC, V2P(&hyperv_tsc_page) | 1);
	msr_eoi = r.eax & HV_ACCESS_VP_APIC_MSRS;
	kprintf("hvbundle: Hyper-V reference TSC page on (sequence %u), EOI by %s\n",
		hyperv_tsc_page.tsc_sequence, msr_eoi ? "MSR" : "the LAPIC");
	return NULL;
}

void hyperv_setup_irq(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_init(hyperv_clock_ns);
}

/* The synthetic EOI register is a plain MSR write the hypervisor takes
 * without decoding an MMIO access. */
void hyperv_handle_irq(unsigned int vector)
{
	if (vector == VEC_SPURIOUS)
		return;
	if (msr_eoi)
		wrmsr(HV_X64_MSR_EOI, 0);
	else
		lapic_eoi();
	lapic_dispatch(vector);
}
