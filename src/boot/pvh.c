/* pvh.c: turn the PVH start_info into a boot_info and start the kernel. */
#include "defs.h"
#include "paging.h"
#include "hv.h"
#include "percpu.h"
#include "x86.h"
#include <xen/arch-x86/hvm/start_info.h>

static struct boot_info pvh_boot;
extern u64 boot_pml4[512];

static void copy_cmdline(char *dst, u64 pa)
{
	size_t i = 0;

	if (pa && pa < DIRECT_MAP_LIMIT) {
		const char *s = P2V(pa);
		for (; s[i] && i < BOOT_CMDLINE_MAX - 1; i++)
			dst[i] = s[i];
	}
	dst[i] = 0;
}

__noreturn void pvh_main(u32 start_info_pa)
{
	struct boot_info *bi = &pvh_boot;
	const struct hvm_start_info *si = P2V((u64)start_info_pa);

	/* Before anything writes to .data: the hash of the image as loaded. */
	bi->image_hash = image_hash_now();
	bi->entry = "pvh";
	bi->pt_root = V2P(boot_pml4);
	bi->platform = (void *)si;
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		bi->nmem = -1;		/* kmain reports it once the console is up */
	else {
		copy_cmdline(bi->cmdline, si->cmdline_paddr);
		if (si->version >= 1 && si->memmap_paddr) {
			const struct hvm_memmap_table_entry *e = P2V(si->memmap_paddr);
			for (u32 i = 0; i < si->memmap_entries && bi->nmem < BOOT_MAX_REGIONS; i++) {
				bi->mem[bi->nmem].base = e[i].addr;
				bi->mem[bi->nmem].len = e[i].size;
				bi->mem[bi->nmem].type = e[i].type;
				bi->nmem++;
			}
		}
	}
	/* This CPU's record through %gs (ring 0: the MSR), before any op. */
	percpu_setup(0, 0);
	wrmsr(MSR_GS_BASE, (u64)&percpu_area[0]);
	hv_early_init(bi);
	kmain(bi);
}
