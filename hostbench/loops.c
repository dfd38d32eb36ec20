/* loops.c: the kernel's bench loops (src/kernel/benchloops.c), compiled
 * from the same interface header once per configuration: -DHV_BACKEND=<backend>
 * for each backend tools/variants lists (the direct variants: each hv_*()
 * is the backend's body inlined) and -DCONFIG_STRATEGY_PVOPS (each hv_*()
 * is a pvops site, `call *pv_op_table+8*op(%rip)`, recorded in .pv_sites
 * and patched at run time by the kernel's own pv_patch.c).  HB_CFG names
 * the copy: hb_<cfg>_<op>.  A barrier each iteration, as the kernel's:
 * nothing of the op is hoisted out of the loop.  Some of these loops (cli,
 * sti) never run in ring 3; they are compiled because the kernel compiles
 * them. */
#include "hv.h"

extern volatile u64 hb_sink;
extern unsigned long hb_saved_flags;
extern volatile u32 hb_lock_word;

#define HB_NAME_(cfg, op) hb_##cfg##_##op
#define HB_NAME(cfg, op) HB_NAME_(cfg, op)

#define BENCH_LOOP(op, body)					\
	void HB_NAME(HB_CFG, op)(u64 n);			\
	noinline void HB_NAME(HB_CFG, op)(u64 n)		\
	{							\
		for (u64 i = 0; i < n; i++) {			\
			barrier();				\
			body;					\
		}						\
	}

BENCH_LOOP(irq_disable, hv_irq_disable())
BENCH_LOOP(irq_enable, hv_irq_enable())
BENCH_LOOP(irq_save, hb_sink = hv_irq_save())
BENCH_LOOP(irq_restore, hv_irq_restore(hb_saved_flags))
BENCH_LOOP(irq_save_restore, hv_irq_restore(hv_irq_save()))
BENCH_LOOP(clock_ns, hb_sink = hv_clock_ns())
BENCH_LOOP(lock_kick, hv_lock_kick(&hb_lock_word))
