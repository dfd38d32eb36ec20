/* retpoline.c: calls.c's ops-table loops again, built with
 * -mindirect-branch=thunk-extern as Spectre-era kernels are: each indirect
 * call becomes a call to __x86_indirect_thunk_<reg>, which sends the
 * speculative path into a pause/lfence loop and the real one, through a
 * rewritten return address, to the target.  The price of an unpatched
 * indirect call on this CPU. */
#include "hostbench.h"

HB_INDIRECT_LOOPS(retpoline)

/* The thunks, one per register GCC may call through. */
__asm__(".pushsection .text.hb_retpoline, \"ax\"\n"
	".irp reg, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15\n"
	".globl __x86_indirect_thunk_\\reg\n"
	".type __x86_indirect_thunk_\\reg, @function\n"
	"__x86_indirect_thunk_\\reg:\n"
	"\tcall 1f\n"
	"2:\tpause\n\tlfence\n\tjmp 2b\n"
	"1:\tmov %\\reg, (%rsp)\n\tret\n"
	".size __x86_indirect_thunk_\\reg, .-__x86_indirect_thunk_\\reg\n"
	".endr\n"
	".popsection\n");
