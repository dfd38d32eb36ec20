/* native/mmu.h: page-table entries hold physical addresses and are written
 * directly; TLB maintenance is invlpg and a cr3 reload. */
#ifndef HV_NATIVE_MMU_H
#define HV_NATIVE_MMU_H

#include "x86.h"
#include "paging.h"

static inline void native_set_pte(u64 *ptep, u64 val)
{
	WRITE_ONCE(*ptep, val);
}

static inline void native_flush_one(unsigned long va)
{
	invlpg(va);
}

static inline void native_flush_all(void)
{
	write_cr3(read_cr3());
}

/* pa is page-aligned: callers pass frames. */
static inline u64 native_make_pte(u64 pa, u64 flags)
{
	return pa | flags;
}

static inline u64 native_pte_phys(u64 pte)
{
	return pte & PTE_ADDR_MASK;
}

/* Bare hardware needs no notice before a page becomes a page table. */
static inline void native_pt_alloc(u64 pa, int level)
{
	(void)pa;
	(void)level;
}

#endif /* HV_NATIVE_MMU_H */
