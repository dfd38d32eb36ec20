/* pv_backend.h: what a backend hands the runtime strategy: for each op an
 * out-of-line body (callable through the table with the site's convention)
 * and, where the op is a short instruction sequence or nothing at all,
 * the bytes the patcher may put in the site instead. */
#ifndef HV_PV_BACKEND_H
#define HV_PV_BACKEND_H

#include "pv/pv.h"
#include "hv_detect.h"

struct percpu;

enum pv_kind { PV_KIND_CALL, PV_KIND_INLINE, PV_KIND_NOP };

#define PV_INSN_MAX 16

struct pv_impl {
	void *fn;		/* the body, with the site's calling convention */
	u8 kind;
	u8 len;			/* inline bytes */
	u8 clobbers;		/* PV_CLOBBER_RAX if the inline bytes write rax */
	u8 insn[PV_INSN_MAX];	/* position-independent: the same at every site */
};

struct pv_backend {
	const char *name, *clock_name;
	struct pv_impl impl[PV_NR_OPS];
	const char *(*setup)(struct boot_info *bi);
	void (*setup_irq)(void);
	void (*handle_irq)(unsigned int vector);
	void (*setup_traps)(const u64 *vectors);
	u32 (*smp_probe)(struct boot_info *bi, u32 *ids, u32 max);
	const char *(*cpu_start)(struct percpu *pc);
	void (*cpu_init)(void);
	void (*send_ipi)(u32 cpu);
};

#define PV_CALL(f) { .fn = (void *)(f), .kind = PV_KIND_CALL }
#define PV_NOP(f) { .fn = (void *)(f), .kind = PV_KIND_NOP }
#define PV_INLINE(f, clob, ...)						\
	{ .fn = (void *)(f), .kind = PV_KIND_INLINE, .clobbers = (clob),	\
	  .len = sizeof((u8[]){ __VA_ARGS__ }), .insn = { __VA_ARGS__ } }

/* The callee-save entry of an op: the same body, compiled to preserve
 * every register it touches (GCC's no_caller_saved_registers).  Right for
 * a body without a slow path; Xen's irq ops have one and are stubs. */
#define PV_CALLEE_SAVE __attribute__((no_caller_saved_registers, __used__, __noinline__))

/* Out-of-line bodies generated from the op lists: pv_<be>_<op>() wraps
 * the backend's inline body <be>_<op>(); for the callee-save ops the
 * wrapper is pv_<be>_<op>_cs().  A backend file defines its own X, e.g.
 * #define X(op, len, ...) PV_BODY(native, op, __VA_ARGS__). */
#define PV_BODY(be, op, ret, params, args) \
	__used noinline ret pv_##be##_##op params { return be##_##op args; }
#define PV_BODY_CS(be, op, ret, params, args) \
	PV_CALLEE_SAVE ret pv_##be##_##op##_cs params { return be##_##op args; }

extern const struct pv_backend pv_native;
extern const struct pv_backend pv_xen;

/* Each platform's backend, pv_<name>_backend(), as pv_patch.c's table
 * names them (HV_PLATFORMS in hv_detect.h). */
#define PV_GET_DECL(id, name) const struct pv_backend *pv_##name##_backend(void);
HV_PLATFORMS(PV_GET_DECL)
#undef PV_GET_DECL

#endif /* HV_PV_BACKEND_H */
