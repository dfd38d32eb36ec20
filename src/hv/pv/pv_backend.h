/* pv_backend.h: what a backend hands the runtime strategy: for each op an
 * out-of-line body (callable through the table with the site's convention)
 * and, where the op is a short instruction sequence or nothing at all,
 * the bytes the patcher may put in the site instead. */
#ifndef HV_PV_BACKEND_H
#define HV_PV_BACKEND_H

#include "pv/pv.h"

enum pv_kind { PV_KIND_CALL, PV_KIND_INLINE, PV_KIND_NOP };

struct pv_impl {
	void *fn;		/* the body, with the site's calling convention */
	u8 kind;
	u8 len;			/* inline bytes */
	u8 clobbers;		/* PV_CLOBBER_RAX if the inline bytes write rax */
	u8 insn[8];
};

struct pv_backend {
	const char *name, *clock_name;
	struct pv_impl impl[PV_NR_OPS];
	const char *(*setup)(struct boot_info *bi);
	void (*setup_irq)(void);
	void (*handle_irq)(unsigned int vector);
	void (*setup_traps)(const u64 *vectors);
};

#define PV_CALL(f) { .fn = (void *)(f), .kind = PV_KIND_CALL }
#define PV_NOP(f) { .fn = (void *)(f), .kind = PV_KIND_NOP }
#define PV_INLINE(f, clob, ...)						\
	{ .fn = (void *)(f), .kind = PV_KIND_INLINE, .clobbers = (clob),	\
	  .len = sizeof((u8[]){ __VA_ARGS__ }), .insn = { __VA_ARGS__ } }

/* A callee-save entry for C body fn: fn##_cs saves every caller-saved
 * register but rax, aligns the stack for the C call, and restores. */
#define PV_CALLEE_SAVE_THUNK(fn)					\
	__asm__(".pushsection .text." #fn "_cs, \"ax\"\n"		\
		".globl " #fn "_cs\n" #fn "_cs:\n"			\
		"\tpushq %rcx\n\tpushq %rdx\n\tpushq %rsi\n\tpushq %rdi\n" \
		"\tpushq %r8\n\tpushq %r9\n\tpushq %r10\n\tpushq %r11\n" \
		"\tpushq %rbp\n\tmovq %rsp, %rbp\n\tandq $-16, %rsp\n"	\
		"\tcall " #fn "\n"					\
		"\tmovq %rbp, %rsp\n\tpopq %rbp\n"			\
		"\tpopq %r11\n\tpopq %r10\n\tpopq %r9\n\tpopq %r8\n"	\
		"\tpopq %rdi\n\tpopq %rsi\n\tpopq %rdx\n\tpopq %rcx\n"	\
		"\tret\n.popsection\n");				\
	void fn##_cs(void)

extern const struct pv_backend pv_native;
extern const struct pv_backend pv_xen;
extern struct pv_backend pv_kvm;
void pv_kvm_fill(void);

#endif /* HV_PV_BACKEND_H */
