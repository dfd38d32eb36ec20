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

/* The callee-save entry of an op: the same body, compiled to preserve
 * every register it touches (GCC's no_caller_saved_registers), which is
 * what Linux's PV_CALLEE_SAVE thunks do by hand around a C body. */
#define PV_CALLEE_SAVE __attribute__((no_caller_saved_registers, __used__, __noinline__))

extern const struct pv_backend pv_native;
extern const struct pv_backend pv_xen;
extern struct pv_backend pv_kvm;
void pv_kvm_fill(void);

#endif /* HV_PV_BACKEND_H */
