/* entry.S: the stub's two entries and its two ways into the kernel.
 *
 * PVH (QEMU -kernel): 32-bit protected mode, paging off, %ebx = physical
 * address of struct hvm_start_info.  We zero our bss, map the first GiB
 * twice (identity and at 0xffffffff80000000, 2 MiB pages), enter long mode
 * and call stub_pvh_main(start_info).  stub_enter_pvh() undoes all of it:
 * back to 32-bit flat protected mode, paging off, %ebx = start_info, and a
 * jump to the variant's own PVH entry, as if QEMU had entered it.
 *
 * Both entries first check the stub's own bytes (selfcheck.S).
 *
 * Xen PV: 64-bit, ring 3, Xen's page tables, %rsi = start_info, events
 * masked.  We keep Xen's %rsp, run on our own stack, and stub_enter_xen()
 * gives the kernel back %rsp and %rsi as Xen left them. */
#include "paging.h"
#include "boot_asm.h"
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18

	/* Lets stub.elf boot alone (and fail cleanly: params not filled). */
	.section .note.hvbstub, "a"
	.p2align 2
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long PA(hvb_stub_pvh_entry)

	.section .text.entry, "ax"
	.code32
	.globl hvb_stub_pvh_entry
	.type hvb_stub_pvh_entry, @function
hvb_stub_pvh_entry:
	cli
	cld
	movl %ebx, %esi
	jmp stub_selfcheck32		/* selfcheck.S: on, or stop */
	.globl stub_pvh_checked
stub_pvh_checked:
	zero_bss32 __bss_start, __bss_end
	build_boot_pagetables stub_pml4, stub_pdpt, stub_pd
	enter_long_mode stub_pml4, stub_gdt_desc, SEL_CODE64, 2f

	.code64
2:	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movabsq $3f, %rax
	jmp *%rax
3:	movq $stub_stack_top, %rsp
	movl %esi, %edi
	xorl %ebp, %ebp
	call stub_pvh_main
4:	cli
	hlt
	jmp 4b

/* noreturn void stub_enter_pvh(u32 entry, u32 start_info) */
	.globl stub_enter_pvh
	.type stub_enter_pvh, @function
stub_enter_pvh:
	cli
	movl %esi, %ebx
	movl $PA(1f), %eax
	jmp *%rax			/* to the identity-mapped copy */
1:	pushq $SEL_CODE32
	pushq $PA(2f)
	lretq				/* compatibility mode */
	.code32
2:	movl %cr0, %eax
	andl $0x7fffffff, %eax		/* paging off: long mode inactive */
	movl %eax, %cr0
	movl $0xc0000080, %ecx
	rdmsr
	andl $~0x100, %eax		/* EFER.LME off */
	wrmsr
	movl %cr4, %eax
	andl $~0x20, %eax		/* PAE off */
	movl %eax, %cr4
	xorl %eax, %eax
	movl %eax, %cr3
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss
	movl $PA(stub_stack_top), %esp
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	jmp *%edi

	.code64
	.globl hvb_stub_xen_entry
	.type hvb_stub_xen_entry, @function
hvb_stub_xen_entry:
	cld
	jmp stub_selfcheck64		/* selfcheck.S: on, or stop */
	.globl stub_xen_checked
stub_xen_checked:
	movq %rsi, %rbx
	movq %rsp, %r12
	zero_bss64 __bss_start, __bss_end
	movq %r12, stub_xen_rsp
	movq $stub_stack_top, %rsp
	movq %rbx, %rdi
	xorl %ebp, %ebp
	call stub_xen_main
5:	jmp 5b

/* noreturn void stub_enter_xen(u64 entry, start_info_t *si) */
	.globl stub_enter_xen
	.type stub_enter_xen, @function
stub_enter_xen:
	movq stub_xen_rsp, %rsp
	xorl %ebp, %ebp
	jmp *%rdi

	.section .rodata
	.p2align 3
stub_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: flat data */
	.quad 0x00cf9b000000ffff	/* 0x18: flat 32-bit code */
stub_gdt_desc:
	.word stub_gdt_desc - stub_gdt - 1
	.long PA(stub_gdt)

/* The stub's self-check word: XXH32 of every byte before it, from
 * __stub_start; the bundler fills the hash (stub.ld puts this last of
 * the file-backed bytes, 16-aligned; hvb_format.h HVB_SC_*). */
	.section .hvbcheck, "aw"
	.p2align 4
	.globl hvb_stub_check
	.type hvb_stub_check, @object
hvb_stub_check:
	.long 0				/* HVB_SC_HASH */
	.long __stub_check_len		/* HVB_SC_LEN */
	.size hvb_stub_check, 8

	.section .bss.pagealigned, "aw", @nobits
	.p2align 12
stub_pml4:	.skip 4096
stub_pdpt:	.skip 4096
stub_pd:	.skip 4096
	.p2align 4
stub_stack:	.skip 8192
	.globl stub_stack_top
stub_stack_top:
	.section .bss, "aw", @nobits
	.p2align 3
stub_xen_rsp:	.skip 8
	.section .note.GNU-stack, "", @progbits
