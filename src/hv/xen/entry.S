/* entry.S: the Xen PV entry.  Xen reads the notes below, loads the image
 * at VIRT_BASE + p_paddr, fills hypercall_page, and starts xen_start in
 * 64-bit mode (ring 3) with %rsi = start_info and events masked.  Also the
 * PV trap stubs: Xen bounces an exception with rcx and r11 pushed above the
 * hardware-style frame; we pop them and join the common trap path. */
#include "paging.h"
#include "trap.h"
#include "asm_repeat.h"
#include "boot_asm.h"
#include <xen/elfnote.h>

.macro xen_note_begin type
	.section .note.hvb.xen, "a"
	.p2align 2
	.long 4, 2f - 1f, \type
	.asciz "Xen"
	.p2align 2
1:
.endm
.macro xen_note_end
2:	.p2align 2
.endm
.macro xen_note_str type, str
	xen_note_begin \type
	.asciz "\str"
	xen_note_end
.endm
.macro xen_note_quad type, value
	xen_note_begin \type
	.quad \value
	xen_note_end
.endm

	xen_note_str XEN_ELFNOTE_XEN_VERSION, xen-3.0
	xen_note_str XEN_ELFNOTE_LOADER, generic
	xen_note_str XEN_ELFNOTE_GUEST_OS, hvbundle
	xen_note_quad XEN_ELFNOTE_VIRT_BASE, KERNEL_VBASE
	xen_note_quad XEN_ELFNOTE_PADDR_OFFSET, 0
	xen_note_quad XEN_ELFNOTE_ENTRY, xen_start
	xen_note_quad XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page

	.section .boot.text, "ax"
	.code64
	.globl xen_start
xen_start:
	cld
	movq %rsi, %rbx
	zero_bss64 __bss_start, __bss_end
	movq $boot_stack_top, %rsp
	movq %rbx, %rdi
	xorl %ebp, %ebp
	call xen_pv_main
1:	jmp 1b

/* A secondary vCPU starts here (xen/smp.c): events masked, its GS base
 * and first stack (16-byte aligned) set by its start-up context. */
	.section .text.xen_secondary, "ax"
	.globl xen_secondary_start
xen_secondary_start:
	xorl %ebp, %ebp
	call smp_secondary_main
1:	jmp 1b

	.section .text.xen_traps, "ax"
.macro xen_trap n
	.p2align 3
xen_trap_\n:
	popq %rcx
	popq %r11
	jmp *(trap_vectors + 8 * \n)
.endm
	for_each_n xen_trap, 0, 31

/* Event upcall: no error code; it runs as pseudo-vector VEC_XEN_UPCALL. */
	.globl xen_hypervisor_callback
xen_hypervisor_callback:
	popq %rcx
	popq %r11
	pushq $0
	pushq $VEC_XEN_UPCALL
	jmp trap_common

/* Xen could not return to us (bad segment state): nothing to resume. */
	.globl xen_failsafe_callback
xen_failsafe_callback:
	andq $-16, %rsp
	call xen_failsafe

.macro xen_trap_addr n
	.quad xen_trap_\n
.endm
	.section .rodata
	.p2align 3
	.globl xen_trap_stubs
xen_trap_stubs:
	for_each_n xen_trap_addr, 0, 31

/* Filled by Xen at load; outside the hashed bytes and outside bss. */
	.section .hypercall_page, "aw", @nobits
	.p2align 12
	.globl hypercall_page
hypercall_page:
	.skip 4096
