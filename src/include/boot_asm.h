/* boot_asm.h: assembler macros both entries of the kernel and the bundle's
 * stub use: clear bss, and (in 32-bit code, paging off) build the boot
 * page tables and enter long mode.  Include after paging.h. */
#ifndef HVB_BOOT_ASM_H
#define HVB_BOOT_ASM_H

#define PA(x) ((x) - KERNEL_VBASE)

/* Zero [start, end) in 4-byte steps, 32-bit code with physical addresses. */
.macro zero_bss32 start, end
	movl $PA(\start), %edi
	movl $PA(\end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
.endm

/* The same in 64-bit code at the link addresses. */
.macro zero_bss64 start, end
	movq $\start, %rdi
	movq $\end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
	rep stosq
.endm

/* 1 GiB of 2 MiB pages, mapped both at 0 (identity) and at KERNEL_VBASE:
 * PML4[0] and PML4[511] -> pdpt; pdpt[0] and pdpt[510] -> pd. */
.macro build_boot_pagetables pml4, pdpt, pd
	movl $PA(\pdpt) + (PTE_P | PTE_W), %eax
	movl %eax, PA(\pml4)
	movl %eax, PA(\pml4) + 511 * 8
	movl $PA(\pd) + (PTE_P | PTE_W), %eax
	movl %eax, PA(\pdpt)
	movl %eax, PA(\pdpt) + 510 * 8
	movl $PA(\pd), %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b
.endm

/* In 32-bit code with %cr3 loaded: PAE, EFER.LME, then paging (and
 * protection, a no-op where it is on already) on; a far jump to 64-bit
 * code follows.  The application processors' trampoline uses it too. */
.macro long_mode_paging_on
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $0x100, %eax		/* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG | PE */
	movl %eax, %cr0
.endm

/* The boot page tables and GDT loaded, long mode on, then a far jump to
 * 64-bit code at target. */
.macro enter_long_mode pml4, gdt_desc, code_sel, target
	movl $PA(\pml4), %eax
	movl %eax, %cr3
	lgdt PA(\gdt_desc)
	long_mode_paging_on
	ljmp $\code_sel, $PA(\target)
.endm

#endif /* HVB_BOOT_ASM_H */
