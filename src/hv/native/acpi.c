/* acpi.c: the CPU list from ACPI's MADT (QEMU's microvm has one with
 * acpi=on).  The RSDP comes from the PVH start_info (rsdp_paddr) or, when
 * that is 0, from the BIOS area 0xe0000-0xfffff; then the RSDT or XSDT
 * names the MADT ("APIC"), whose processor entries (local APIC, type 0;
 * x2APIC, type 9) give each enabled CPU's APIC id. */
#include "defs.h"
#include "native/native.h"
#include "paging.h"
#include <xen/arch-x86/hvm/start_info.h>

struct __packed acpi_rsdp {
	char sig[8];
	u8 csum;
	char oem[6];
	u8 rev;
	u32 rsdt;
	u32 len;
	u64 xsdt;
};

struct __packed acpi_hdr {
	char sig[4];
	u32 len;
	u8 rev, csum;
	char oem[6], table[8];
	u32 oem_rev, creator, creator_rev;
};

#define MADT_LAPIC	0
#define MADT_X2APIC	9
#define MADT_ENABLED	1

static bool sum_ok(const void *p, size_t n)
{
	const u8 *b = p;
	u8 s = 0;

	while (n--)
		s += *b++;
	return s == 0;
}

static const struct acpi_rsdp *find_rsdp(const struct boot_info *bi)
{
	const struct hvm_start_info *si = bi->platform;

	if (!strcmp(bi->entry, "pvh") && si && si->version >= 1 && si->rsdp_paddr &&
	    si->rsdp_paddr < DIRECT_MAP_LIMIT)
		return P2V(si->rsdp_paddr);
	for (u64 pa = 0xe0000; pa < 0x100000; pa += 16) {
		const struct acpi_rsdp *r = P2V(pa);
		if (!memcmp(r->sig, "RSD PTR ", 8) && sum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct acpi_hdr *find_table(const struct acpi_rsdp *r, const char *sig)
{
	bool x = r->rev >= 2 && r->xsdt;
	const struct acpi_hdr *root = P2V(x ? r->xsdt : (u64)r->rsdt);
	size_t width = x ? 8 : 4;
	const u8 *e = (const u8 *)(root + 1);

	for (size_t i = 0; i < (root->len - sizeof(*root)) / width; i++) {
		u64 pa = 0;
		memcpy(&pa, e + i * width, width);
		const struct acpi_hdr *t = P2V(pa);
		if (pa && pa < DIRECT_MAP_LIMIT && !memcmp(t->sig, sig, 4) && sum_ok(t, t->len))
			return t;
	}
	return NULL;
}

/* The APIC ids of the enabled CPUs, the boot CPU's (boot_id) first; 1 and
 * the boot CPU alone where there is no MADT. */
u32 acpi_cpu_ids(const struct boot_info *bi, u32 boot_id, u32 *ids, u32 max)
{
	const struct acpi_rsdp *r = find_rsdp(bi);
	const struct acpi_hdr *madt = r ? find_table(r, "APIC") : NULL;
	u32 n = 1;

	ids[0] = boot_id;
	if (!madt) {
		kprintf("hvbundle: no ACPI MADT: one CPU\n");
		return 1;
	}
	const u8 *p = (const u8 *)madt + sizeof(*madt) + 8;	/* LAPIC address, flags */
	const u8 *end = (const u8 *)madt + madt->len;
	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		u32 id, flags;
		if (p[0] == MADT_LAPIC && p[1] >= 8) {
			id = p[3];
			memcpy(&flags, p + 4, 4);
		} else if (p[0] == MADT_X2APIC && p[1] >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else
			continue;
		if ((flags & MADT_ENABLED) && id != boot_id && n < max)
			ids[n++] = id;
	}
	return n;
}
