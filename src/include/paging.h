/* paging.h: x86-64 4-level paging constants and the kernel's address map. */
#ifndef HVB_PAGING_H
#define HVB_PAGING_H

#ifdef __ASSEMBLER__
#define _UL(x)		x
#else
#define _UL(x)		x##UL
#endif /* __ASSEMBLER__ */

#define PAGE_SHIFT	12
#define PAGE_SIZE	_UL(4096)
#define KERNEL_VBASE	_UL(0xffffffff80000000)
/* RAM below this is reachable at P2V(pa): the boot window maps 1 GiB. */
#define DIRECT_MAP_LIMIT _UL(0x40000000)
/* Kernel virtual area for 4 KiB mappings made with vm_map(). */
#define VMAP_BASE	_UL(0xffffc90000000000)
#define VMAP_SIZE	_UL(0x0000010000000000)

#define PTE_P		_UL(0x001)
#define PTE_W		_UL(0x002)
#define PTE_U		_UL(0x004)
#define PTE_PWT		_UL(0x008)
#define PTE_PCD		_UL(0x010)
#define PTE_A		_UL(0x020)
#define PTE_D		_UL(0x040)
#define PTE_PS		_UL(0x080)
#define PTE_G		_UL(0x100)
#define PTE_NX		(_UL(1) << 63)
#define PTE_ADDR_MASK	_UL(0x000ffffffffff000)

#ifndef __ASSEMBLER__
#define P2V(pa)		((void *)((unsigned long)(pa) + KERNEL_VBASE))
#define V2P(va)		((unsigned long)(va) - KERNEL_VBASE)
#define PT_INDEX(va, level) (((unsigned long)(va) >> (12 + 9 * ((level) - 1))) & 511)
#endif /* __ASSEMBLER__ */

#endif /* HVB_PAGING_H */
