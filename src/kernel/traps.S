/* traps.S: one small entry per vector pushes an error code (a zero where
 * the cpu pushes none) and the vector number, then the common path saves
 * the registers and calls trap_dispatch(frame).  The return is the
 * backend's (HV_IRET): iretq, or Xen's iret hypercall for a PV kernel. */
#include "hv.h"
#include "asm_repeat.h"

	.section .text.trap_entry, "ax"
	.p2align 4
	.globl trap_common
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	movq %rsp, %rbx
	andq $-16, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	HV_IRET

/* Vectors whose exceptions push an error code: 8, 10-14, 17, 21, 29, 30. */
.macro vector n
	.p2align 4
vec_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

	for_each_n vector, 0, 63
	for_each_n vector, 64, 127
	for_each_n vector, 128, 191
	for_each_n vector, 192, 255

.macro vecaddr n
	.quad vec_\n
.endm
	.section .rodata
	.p2align 3
	.globl trap_vectors
trap_vectors:
	for_each_n vecaddr, 0, 63
	for_each_n vecaddr, 64, 127
	for_each_n vecaddr, 128, 191
	for_each_n vecaddr, 192, 255

/* int probe_read64(const void *addr, u64 *out): 0, or -14 if the read
 * faulted (the page-fault handler resumes at the fixup). */
	.section .text.probe_read64, "ax"
	.globl probe_read64
probe_read64:
1:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-14, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
