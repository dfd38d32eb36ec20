/* trampoline.S: where a secondary CPU starts (INIT, then SIPI with vector
 * TRAMPOLINE_PA >> 12): 16-bit real mode at physical TRAMPOLINE_PA, so
 * this code is copied there first (native/smp.c) and is written for that
 * address.  Protected mode, PAE, long mode with the kernel's page tables
 * (whose identity map of the low 1 GiB holds this page), then a call of
 * the 64-bit entry with the CPU's per-CPU record, on its own stack.  The
 * four parameters at the end are filled in before each start. */
#include "paging.h"
#include "boot_asm.h"

#define TRAMPOLINE_PA	0x8000
#define T(x)		((x) - native_trampoline + TRAMPOLINE_PA)

	.section .rodata.native_trampoline, "a"
	.code16
	.globl native_trampoline
native_trampoline:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(tr_gdt_desc)
	movl %cr0, %eax
	orl $1, %eax			/* PE */
	movl %eax, %cr0
	ljmpl $0x18, $T(tr32)

	.code32
tr32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl T(native_tr_cr3), %eax
	movl %eax, %cr3
	long_mode_paging_on
	ljmp $0x08, $T(tr64)

	.code64
tr64:
	movq T(native_tr_stack), %rsp
	movq T(native_tr_percpu), %rdi
	movq T(native_tr_entry), %rax
	call *%rax
1:	hlt
	jmp 1b

/* 0x08 is 64-bit code, as in the kernel's own GDT, so an interrupt gate's
 * selector means the same in either; 0x18 is the 32-bit code between. */
	.p2align 3
tr_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
	.quad 0x00cf9b000000ffff	/* 0x18: 32-bit code */
tr_gdt_desc:
	.word tr_gdt_desc - tr_gdt - 1
	.long T(tr_gdt)

	.p2align 3
	.globl native_tr_cr3, native_tr_stack, native_tr_percpu, native_tr_entry
native_tr_cr3:	.quad 0		/* the page-table root, below 4 GiB */
native_tr_stack: .quad 0
native_tr_percpu: .quad 0
native_tr_entry: .quad 0
	.globl native_trampoline_end
native_trampoline_end:

	.section .note.GNU-stack, "", @progbits
