/* pvh.S: the PVH entry.  QEMU (-kernel) and Xen (dom0=pvh) jump to
 * pvh_start32 in 32-bit protected mode, paging off, %ebx = physical address
 * of struct hvm_start_info.  We build boot page tables (identity and
 * higher half, 1 GiB of 2 MiB pages), enter long mode and call pvh_main(). */
#include "paging.h"
#include "boot_asm.h"
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.hvb.pvh, "a"
	.p2align 2
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long PA(pvh_start32)

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	movl %ebx, %esi			/* keep start_info */
	movl $PA(boot_stack_top), %esp

	/* Zero bss: loaders are asked to, but entry must not rely on it. */
	zero_bss32 __bss_start, __bss_end
	build_boot_pagetables boot_pml4, boot_pdpt, boot_pd
	enter_long_mode boot_pml4, boot_gdt_desc, 0x08, pvh_start64

	.code64
pvh_start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $1f, %rax
	jmp *%rax
1:	movq $boot_stack_top, %rsp
	movl %esi, %edi			/* pvh_main(start_info_pa) */
	xorl %ebp, %ebp
	call pvh_main
2:	cli
	hlt
	jmp 2b

/* The accessed bits are preset: the cpu would otherwise set them when the
 * segments load, writing into the image before its hash is taken. */
	.section .rodata
	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
boot_gdt_desc:
	.word boot_gdt_desc - boot_gdt - 1
	.long PA(boot_gdt)

	.section .bss.pagetables, "aw", @nobits
	.p2align 12
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096
	.p2align 4
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
