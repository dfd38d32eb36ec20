/* boot.h: what every entry path (PVH, Xen PV) hands to kmain(). */
#ifndef HVB_BOOT_H
#define HVB_BOOT_H

#include "types.h"

#define BOOT_MAX_REGIONS 32
#define BOOT_CMDLINE_MAX 512
#define MEM_USABLE 1

struct mem_region {
	u64 base, len;
	u32 type;
};

struct boot_info {
	const char *entry;		/* "pvh" or "xen" */
	char cmdline[BOOT_CMDLINE_MAX];
	struct mem_region mem[BOOT_MAX_REGIONS];
	int nmem;
	u64 image_hash;			/* of the image as loaded */
	u64 pt_root;			/* physical address of the boot page-table root */
	void *platform;			/* entry-specific (Xen start_info) */
};

#endif /* HVB_BOOT_H */
