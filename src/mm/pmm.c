/* pmm.c: physical pages.  Free pages come from the boot memory map above
 * the kernel image; freed pages go on a list threaded through the pages
 * themselves.  Start-up cost is independent of memory size (it matters
 * under KVM here, where each ring-0 instruction is emulated). */
#include "defs.h"
#include "paging.h"

extern char __image_end[];

static struct {
	struct mem_region r[BOOT_MAX_REGIONS];
	int n, cur;		/* regions, and the one being carved */
	u64 next;		/* next never-used page in r[cur] */
	u64 free_list;		/* physical address of first freed page */
	u64 nfree_list, total, used;
} pmm;

void pmm_init(struct boot_info *bi)
{
	u64 floor = (V2P(__image_end) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	for (int i = 0; i < bi->nmem; i++) {
		u64 b = bi->mem[i].base, e = b + bi->mem[i].len;
		if (bi->mem[i].type != MEM_USABLE)
			continue;
		if (b < floor)
			b = floor;
		if (e > DIRECT_MAP_LIMIT)
			e = DIRECT_MAP_LIMIT;
		b = (b + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		e &= ~(PAGE_SIZE - 1);
		if (b >= e)
			continue;
		pmm.r[pmm.n].base = b;
		pmm.r[pmm.n].len = e - b;
		pmm.total += (e - b) / PAGE_SIZE;
		pmm.n++;
	}
	if (!pmm.n)
		panic("no usable memory above the kernel image in the memory map");
	pmm.next = pmm.r[0].base;
	kprintf("hvbundle: %lu KiB free in %d regions\n", pmm.total * 4, pmm.n);
}

u64 pmm_alloc(void)
{
	u64 pa;

	if (pmm.free_list) {
		pa = pmm.free_list;
		pmm.free_list = *(u64 *)P2V(pa);
		pmm.nfree_list--;
	} else {
		while (pmm.cur < pmm.n && pmm.next >= pmm.r[pmm.cur].base + pmm.r[pmm.cur].len) {
			if (++pmm.cur < pmm.n)
				pmm.next = pmm.r[pmm.cur].base;
		}
		if (pmm.cur >= pmm.n)
			panic("out of physical memory (%lu pages in use)", pmm.used);
		pa = pmm.next;
		pmm.next += PAGE_SIZE;
	}
	pmm.used++;
	memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

void pmm_free(u64 pa)
{
	*(u64 *)P2V(pa) = pmm.free_list;
	pmm.free_list = pa;
	pmm.nfree_list++;
	pmm.used--;
}

u64 pmm_free_pages(void)
{
	return pmm.total - pmm.used;
}
