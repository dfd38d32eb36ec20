/* hostbench.h: what the host benchmark's parts share.  The kernel's own
 * headers come first: the backend bodies (xen.h, kvm.h, native.h through
 * kvm.h) and the runtime strategy's tables (pv_backend.h).  hv.h is not
 * included here: it is loops.c's, compiled once per configuration. */
#ifndef HOSTBENCH_H
#define HOSTBENCH_H

#include "xen/xen.h"
#include "kvm/kvm.h"
#include "pv/pv_backend.h"

typedef void (*hb_loop_fn)(u64 n);

/* loops.c: the kernel's bench loops, one copy per configuration. */
#define HB_OPS(X) X(irq_disable) X(irq_enable) X(irq_save) X(irq_restore) \
	X(irq_save_restore) X(clock_ns) X(lock_kick)
#define HB_DECL_LOOPS(op)						\
	void hb_xen_##op(u64 n); void hb_native_##op(u64 n);		\
	void hb_kvm_##op(u64 n); void hb_pv_##op(u64 n);		\
	void hb_indirect_##op(u64 n); void hb_retpoline_##op(u64 n);
HB_OPS(HB_DECL_LOOPS)

/* A bench loop, as the kernel's (src/kernel/benchloops.c): a barrier each
 * iteration, so no load of the op is hoisted out; results are stored to
 * hb_sink, which hostbench's checks read. */
#define HB_LOOP(fn, body)						\
	noinline void fn(u64 n)						\
	{								\
		for (u64 i = 0; i < n; i++) {				\
			barrier();					\
			body;						\
		}							\
	}

/* The ops called through a C table: calls.c (plain indirect calls) and
 * retpoline.c (the same, built with -mindirect-branch=thunk-extern). */
#define HB_INDIRECT_LOOPS(p)						\
	HB_LOOP(hb_##p##_irq_disable, hb_cabi.irq_disable())		\
	HB_LOOP(hb_##p##_irq_enable, hb_cabi.irq_enable())		\
	HB_LOOP(hb_##p##_irq_save, hb_sink = hb_cabi.irq_save())	\
	HB_LOOP(hb_##p##_irq_restore, hb_cabi.irq_restore(hb_saved_flags)) \
	HB_LOOP(hb_##p##_irq_save_restore, hb_cabi.irq_restore(hb_cabi.irq_save())) \
	HB_LOOP(hb_##p##_clock_ns, hb_sink = hb_cabi.clock_ns())	\
	HB_LOOP(hb_##p##_lock_kick, hb_cabi.lock_kick(&hb_lock_word))

/* calls.c: the same bodies reached by call.  direct: the out-of-line copy
 * pv_<be>.c holds for the ops table (C ABI); thunk: its callee-save entry
 * (_cs, what a patched Xen irq site calls); indirect: a C ops table. */
#define HB_DECL_IRQ(be, op) void hb_direct_##be##_##op(u64 n); void hb_thunk_##be##_##op(u64 n);
#define HB_DECL_IRQ_ALL(be)						\
	HB_DECL_IRQ(be, irq_disable) HB_DECL_IRQ(be, irq_enable)		\
	HB_DECL_IRQ(be, irq_save) HB_DECL_IRQ(be, irq_restore)		\
	HB_DECL_IRQ(be, irq_save_restore) void hb_direct_##be##_clock_ns(u64 n);
HB_DECL_IRQ_ALL(xen)
HB_DECL_IRQ_ALL(native)
void hb_direct_kvm_clock_ns(u64 n);
void hb_direct_native_lock_kick(u64 n);
void hb_loop_empty(u64 n);

struct hb_cabi {
	void (*irq_disable)(void);
	void (*irq_enable)(void);
	unsigned long (*irq_save)(void);
	void (*irq_restore)(unsigned long f);
	u64 (*clock_ns)(void);
	void (*lock_kick)(volatile u32 *p);
};
extern struct hb_cabi hb_cabi;

/* Call a callee-save entry with every caller-saved register but rax set
 * to a known value (rdi to arg); out[] gets rcx, rdx, rsi, rdi, r8..r11
 * as the entry left them.  Returns rax. */
unsigned long hb_thunk_probe(void *thunk, unsigned long arg, u64 out[8]);

/* The out-of-line bodies in src/hv/pv/pv_*.c (no header declares them),
 * and calls.c's C-ABI copies of the irq bodies, hb_fn_<be>_<op>() (the
 * kernel's tables hold only callee-save entries for these). */
#define HB_DECL_PV(be)							\
	void hb_fn_##be##_irq_disable(void); void hb_fn_##be##_irq_enable(void); \
	unsigned long hb_fn_##be##_irq_save(void);			\
	void hb_fn_##be##_irq_restore(unsigned long f);			\
	void pv_##be##_irq_disable_cs(void); void pv_##be##_irq_enable_cs(void); \
	void pv_##be##_irq_save_cs(void); void pv_##be##_irq_restore_cs(void);	\
	u64 pv_##be##_clock_ns(void);
HB_DECL_PV(xen)
HB_DECL_PV(native)
u64 pv_kvm_clock_ns(void);
void pv_native_lock_kick(volatile u32 *p);

/* shim.c: the state the op bodies read, in ordinary memory. */
extern volatile u64 hb_sink;
extern unsigned long hb_saved_flags;
extern volatile u32 hb_lock_word;
#define hb_vcpu (*(struct vcpu_info *)percpu_area[0].hv)	/* the process's %gs record (shim.c) */
extern volatile u64 hb_hypercalls;		/* calls into the stub hypercall page */
extern int hb_pvops_bad;			/* bad_sites in pv_report()'s @hvb line */

#endif /* HOSTBENCH_H */
