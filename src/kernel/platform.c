/* platform.c: where are we running?  The Xen PV entry means Xen; otherwise
 * the hypervisor CPUID leaf names it.  The same rules as the bundle's stub. */
#include "defs.h"
#include "hv.h"

void platform_detect(struct boot_info *bi, struct platform *p)
{
	struct cpuid_regs r;

	p->signature[0] = 0;
	p->known = true;
	if (!strcmp(bi->entry, "xen")) {
		p->name = "xen";
		return;
	}
	hv_cpuid(1, 0, &r);
	if (r.ecx & (1u << 31)) {		/* hypervisor present */
		hv_cpuid(0x40000000, 0, &r);
		memcpy(p->signature + 0, &r.ebx, 4);
		memcpy(p->signature + 4, &r.ecx, 4);
		memcpy(p->signature + 8, &r.edx, 4);
		p->signature[12] = 0;
		for (int i = 0; i < 12; i++)	/* keep the line printable */
			if (p->signature[i] && (p->signature[i] < 0x20 || p->signature[i] > 0x7e))
				p->signature[i] = '?';
	}
	if (!memcmp(p->signature, "KVMKVMKVM\0\0\0", 12))
		p->name = "kvm";
	else {
		p->name = "native";
		p->known = !p->signature[0] || !strcmp(p->signature, "TCGTCGTCGTCG");
	}
}
