/* vm.c: 4-level page tables.  Entries are made and written only through
 * the mmu ops (hv_make_pte, hv_set_pte), and a page becomes a page table
 * only after hv_pt_alloc, so the same code is right where page tables are
 * the hypervisor's to validate (Xen PV). */
#include "defs.h"
#include "hv.h"
#include "paging.h"

static u64 kernel_root;
static unsigned long vmap_next = VMAP_BASE;

void vm_init(struct boot_info *bi)
{
	kernel_root = bi->pt_root;
}

u64 vm_root(void)
{
	return kernel_root;
}

/* The level-1 entry for va, creating the tables above it if asked. */
u64 *vm_walk(u64 root, unsigned long va, bool create)
{
	u64 *table = P2V(root);

	for (int level = 4; level > 1; level--) {
		u64 *e = &table[PT_INDEX(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			u64 pa = pmm_alloc();
			hv_pt_alloc(pa, level - 1);
			hv_set_pte(e, hv_make_pte(pa, PTE_P | PTE_W));
		} else if (*e & PTE_PS)
			return NULL;		/* inside a large page */
		table = P2V(hv_pte_phys(*e));
	}
	return &table[PT_INDEX(va, 1)];
}

void vm_map(unsigned long va, u64 pa, u64 flags)
{
	u64 *pte = vm_walk(kernel_root, va, true);

	if (!pte)
		panic("vm_map: %lx lies in a large page", va);
	hv_set_pte(pte, hv_make_pte(pa, flags | PTE_P));
}

void vm_unmap(unsigned long va)
{
	u64 *pte = vm_walk(kernel_root, va, false);

	if (pte && (*pte & PTE_P)) {
		hv_set_pte(pte, 0);
		hv_flush_one(va);
	}
}

/* Address space only; callers map what they need into it. */
unsigned long vm_alloc_va(size_t pages)
{
	unsigned long va = vmap_next;

	vmap_next += (pages + 1) * PAGE_SIZE;	/* one guard page */
	if (vmap_next > VMAP_BASE + VMAP_SIZE)
		panic("vmap area exhausted");
	return va;
}

void *vm_map_mmio(u64 pa, size_t len)
{
	size_t pages = (len + (pa & (PAGE_SIZE - 1)) + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned long va = vm_alloc_va(pages);

	for (size_t i = 0; i < pages; i++)
		vm_map(va + i * PAGE_SIZE, (pa & ~(PAGE_SIZE - 1)) + i * PAGE_SIZE,
		       PTE_W | PTE_PCD | PTE_PWT);
	return (void *)(va + (pa & (PAGE_SIZE - 1)));
}
