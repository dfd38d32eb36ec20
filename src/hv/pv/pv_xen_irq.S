/* pv_xen_irq.S: Xen's irq ops for pvops call sites, written as Linux's
 * xen-asm.S writes its direct forms: this vCPU's vcpu_info reached through
 * %gs (its per-CPU record), a few instructions that touch only what
 * the site allows, and registers saved only on the slow path, when
 * unmasking finds an event pending and a hypercall must deliver it.
 *
 * Convention (the callee-save sites of pv.h): flags in rdi, result in rax;
 * each clobbers at most rax and the arithmetic flags, as noted. */
#include "pv/pv_xen_irq.h"

#define MASK	%gs:PV_XEN_MASK
#define PENDING	%gs:PV_XEN_PENDING

	.section .text.pv_xen_irq, "ax"

/* irq_disable: clobbers nothing.  Sites take the movb inline (9 bytes). */
	.globl pv_xen_irq_disable_cs
pv_xen_irq_disable_cs:
	movb $1, MASK
	ret

/* irq_enable: clobbers the flags. */
	.globl pv_xen_irq_enable_cs
pv_xen_irq_enable_cs:
	movb $0, MASK
	testb $0xff, PENDING
	jnz pv_xen_check_events
	ret

/* irq_save: rax = IF if unmasked, else 0; clobbers rax and the flags.
 * Sites take the three instructions inline (16 bytes). */
	.globl pv_xen_irq_save_cs
pv_xen_irq_save_cs:
	cmpb $1, MASK
	sbb %eax, %eax
	and $PV_XEN_IF, %eax
	ret

/* irq_restore: mask = !(rdi & IF); clobbers the flags. */
	.globl pv_xen_irq_restore_cs
pv_xen_irq_restore_cs:
	testl $PV_XEN_IF, %edi
	setz MASK
	jz 1f
	testb $0xff, PENDING
	jnz pv_xen_check_events
1:	ret

/* The slow path: any hypercall delivers pending events on its way back
 * (xen_version, no arguments).  Saves every register the hypercall may
 * clobber but rax, which each caller above may lose. */
pv_xen_check_events:
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	xor %edi, %edi
	xor %esi, %esi
	call hypercall_page + PV_XEN_HC_VERSION
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	ret

	.section .note.GNU-stack, "", @progbits
