/* platform.c: where are we running, and which variant was asked for?
 * The kernel's call of the one detection routine (src/lib/hv_detect.c),
 * which the bundle's stub uses too: same rules, same answers. */
#include "defs.h"
#include "hv.h"
#include "hv_detect.h"

u64 (*platform_pit_wait)(u64 ticks);

static void platform_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	hv_cpuid(leaf, sub, r);
}

void platform_detect(struct boot_info *bi, struct hv_detect *d)
{
	hv_detect(d, !strcmp(bi->entry, "xen"), bi->cmdline, sizeof(bi->cmdline), platform_cpuid);
}
