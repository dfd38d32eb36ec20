/* entry.c: from Xen's start_info to a boot_info.  Xen maps the image and
 * its own boot data (p2m list, start_info, page tables) plus some padding,
 * up to a 4 MiB boundary.  The kernel reaches RAM at P2V(pa), so the glue
 * maps the rest of the domain's pages there too, with L1 tables taken from
 * the top of that padding, before the common kernel starts. */
#include "defs.h"
#include "hv.h"
#include "xen/xen.h"
#include "paging.h"
#include "percpu.h"

static struct boot_info xen_boot;
bool xen_pv_started;
start_info_t *xen_start_info;

static __noreturn void die(const char *msg)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

	(void)HYPERVISOR_console_io(CONSOLEIO_write, strlen(msg), msg);
	(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
	for (;;)
		;
}

static u64 page_up(u64 a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static bool mapped(u64 root, u64 pa)
{
	u64 *pte = vm_walk(root, (unsigned long)P2V(pa), false);

	return pte && (*pte & PTE_P);
}

/* Map [from, to) at P2V; L1 tables come from below *pool_top. */
static void map_rest(u64 root, u64 from, u64 to, u64 *pool_top, u64 pool_floor)
{
	for (u64 pa = from; pa < to; pa += PAGE_SIZE) {
		u64 *pte = vm_walk(root, (unsigned long)P2V(pa), false);
		if (!pte) {			/* no L1 for this 2 MiB yet */
			if (*pool_top - PAGE_SIZE < pool_floor)
				die("hvbundle: xen: no padding left for direct-map page tables\n");
			*pool_top -= PAGE_SIZE;
			u64 l1 = *pool_top;
			u64 *t = P2V(l1);
			memset(t, 0, PAGE_SIZE);
			u64 base = pa & ~((PAGE_SIZE << 9) - 1);
			for (int i = 0; i < 512; i++) {
				u64 p = base + (u64)i * PAGE_SIZE;
				if (p >= from && p < to)
					t[i] = hv_make_pte(p, PTE_P | PTE_W | PTE_A | PTE_D);
			}
			hv_pt_alloc(l1, 1);
			/* Link it from the L2 entry for this 2 MiB. */
			u64 *l4 = P2V(root);
			u64 *l3 = P2V(hv_pte_phys(l4[PT_INDEX(P2V(pa), 4)]));
			u64 *l2e = P2V(hv_pte_phys(l3[PT_INDEX(P2V(pa), 3)]));
			hv_set_pte(&l2e[PT_INDEX(P2V(pa), 2)], hv_make_pte(l1, PTE_P | PTE_W | PTE_A));
			pa = base + (PAGE_SIZE << 9) - PAGE_SIZE;
		} else if (!(*pte & PTE_P))
			hv_set_pte(pte, hv_make_pte(pa, PTE_P | PTE_W | PTE_A | PTE_D));
	}
}

__noreturn void xen_pv_main(start_info_t *si)
{
	struct boot_info *bi = &xen_boot;
	extern char __image_end[];

	/* Before anything writes to .data: the hash of the image as loaded. */
	bi->image_hash = image_hash_now();
	bi->entry = "xen";
	bi->platform = si;
	xen_start_info = si;
	xen_p2m = (unsigned long *)si->mfn_list;
	xen_pv_started = true;
	/* This CPU's record through %gs, before any op can use it. */
	percpu_setup(0, 0);
	if (HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&percpu_area[0]))
		die("hvbundle: xen: set_segment_base(GS_KERNEL) refused\n");
	for (size_t i = 0; i < BOOT_CMDLINE_MAX - 1 && si->cmd_line[i]; i++)
		bi->cmdline[i] = (char)si->cmd_line[i];
	hv_early_init(bi);

	u64 root = V2P(si->pt_base);
	bi->pt_root = root;
	/* The first page after everything Xen put behind the image. */
	u64 used = page_up(V2P(__image_end));
	u64 ends[] = { page_up(V2P(si->mfn_list) + si->nr_pages * sizeof(unsigned long)),
		       page_up(V2P(si) + sizeof(*si)),
		       root + si->nr_pt_frames * PAGE_SIZE + PAGE_SIZE /* boot stack */ };
	for (size_t i = 0; i < ARRAY_SIZE(ends); i++)
		if (ends[i] > used)
			used = ends[i];
	u64 map_end = used;
	while (mapped(root, map_end))
		map_end += PAGE_SIZE;
	u64 ram_end = (u64)si->nr_pages * PAGE_SIZE;
	if (ram_end > DIRECT_MAP_LIMIT)
		ram_end = DIRECT_MAP_LIMIT;
	u64 pool_top = map_end;
	if (ram_end > map_end)
		map_rest(root, map_end, ram_end, &pool_top, used);

	bi->nmem = 0;
	/* Xen loaded more than this kernel when a bundle's stub and payload
	 * came with it: between the image and Xen's p2m list, free now. */
	u64 image_end = page_up(V2P(__image_end));
	u64 p2m = V2P(si->mfn_list) & ~(PAGE_SIZE - 1);
	if (p2m > image_end && p2m <= used)
		bi->mem[bi->nmem++] = (struct mem_region){ image_end, p2m - image_end, MEM_USABLE };
	bi->mem[bi->nmem++] = (struct mem_region){ used, pool_top - used, MEM_USABLE };
	if (ram_end > map_end)
		bi->mem[bi->nmem++] = (struct mem_region){ map_end, ram_end - map_end, MEM_USABLE };
	kmain(bi);
}
