/* pv_count.S: counting entries for pv.count=1.  Thunk i counts a call of
 * op i and jumps on to the op's body: incq and an indirect jmp touch no
 * register but the flags, which every site lets the callee clobber, so a
 * thunk keeps every op's convention.  The sites stay indirect calls. */
#define PV_COUNT_MAX 32

	.section .text.pv_count, "ax"
	.globl pv_count_thunks
	.p2align 4
pv_count_thunks:
	.set i, 0
	.rept PV_COUNT_MAX
	incq pv_op_count + 8 * i(%rip)
	jmp *pv_count_next + 8 * i(%rip)
	.p2align 4
	.set i, i + 1
	.endr

	.section .note.GNU-stack, "", @progbits
