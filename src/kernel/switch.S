/* switch.S: void ctx_switch(u64 *save_rsp, u64 load_rsp).  Saves the
 * callee-saved registers on the old stack, swaps stacks, restores. */
	.section .text.ctx_switch, "ax"
	.globl ctx_switch
ctx_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
