/* trap.h: the frame every interrupt and exception entry builds. */
#ifndef HVB_TRAP_H
#define HVB_TRAP_H


#define VEC_DE		0
#define VEC_UD		6
#define VEC_DF		8
#define VEC_GP		13
#define VEC_PF		14
#define VEC_TIMER	0x40
#define VEC_IPI		0x41
#define VEC_XEN_UPCALL	0xf0
#define VEC_SPURIOUS	0xff

#ifndef __ASSEMBLER__
#include "types.h"

struct trapframe {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

/* A faulting instruction with a recovery address (as Linux's extable). */
struct ex_entry {
	u64 insn, fixup;
};

#endif /* __ASSEMBLER__ */

#endif /* HVB_TRAP_H */
