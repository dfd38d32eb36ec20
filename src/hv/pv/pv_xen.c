/* pv_xen.c: the Xen PV op bodies out of line, for the runtime table.
 * None is a short native instruction, so every site becomes a direct call;
 * the irq ops go through callee-save thunks. */
#include "defs.h"
#include "xen/xen.h"
#include "pv/pv_backend.h"

__used noinline void pv_xen_irq_disable(void) { xen_irq_disable(); }
__used noinline void pv_xen_irq_enable(void) { xen_irq_enable(); }
__used noinline unsigned long pv_xen_irq_save(void) { return xen_irq_save(); }
__used noinline void pv_xen_irq_restore(unsigned long f) { xen_irq_restore(f); }
PV_CALLEE_SAVE void pv_xen_irq_disable_cs(void) { xen_irq_disable(); }
PV_CALLEE_SAVE void pv_xen_irq_enable_cs(void) { xen_irq_enable(); }
PV_CALLEE_SAVE unsigned long pv_xen_irq_save_cs(void) { return xen_irq_save(); }
PV_CALLEE_SAVE void pv_xen_irq_restore_cs(unsigned long f) { xen_irq_restore(f); }

void pv_xen_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r) { xen_cpuid(leaf, sub, r); }
void pv_xen_load_root(u64 pa) { xen_load_root(pa); }
void pv_xen_halt(void) { xen_halt(); }
void pv_xen_set_pte(u64 *p, u64 v) { xen_set_pte(p, v); }
void pv_xen_flush_one(unsigned long va) { xen_flush_one(va); }
void pv_xen_flush_all(void) { xen_flush_all(); }
u64 pv_xen_make_pte(u64 pa, u64 flags) { return xen_make_pte(pa, flags); }
u64 pv_xen_pte_phys(u64 pte) { return xen_pte_phys(pte); }
void pv_xen_pt_alloc(u64 pa, int level) { xen_pt_alloc(pa, level); }
u64 pv_xen_clock_ns(void) { return xen_clock_ns(); }
void pv_xen_timer_set(u64 d) { xen_timer_set(d); }
void pv_xen_console_write(const char *s, size_t n) { xen_console_write(s, n); }
void pv_xen_lock_wait(volatile u32 *p, u32 v) { xen_lock_wait(p, v); }
void pv_xen_lock_kick(volatile u32 *p) { xen_lock_kick(p); }
u64 pv_xen_fault_addr(void) { return xen_fault_addr(); }

const struct pv_backend pv_xen = {
	.name = xen_name,
	.clock_name = xen_clock_name,
	.impl = {
		[PV_irq_disable] = PV_CALL(pv_xen_irq_disable_cs),
		[PV_irq_enable] = PV_CALL(pv_xen_irq_enable_cs),
		[PV_irq_save] = PV_CALL(pv_xen_irq_save_cs),
		[PV_irq_restore] = PV_CALL(pv_xen_irq_restore_cs),
		[PV_cpuid] = PV_CALL(pv_xen_cpuid),
		[PV_load_root] = PV_CALL(pv_xen_load_root),
		[PV_halt] = PV_CALL(pv_xen_halt),
		[PV_shutdown] = PV_CALL(xen_shutdown),
		[PV_set_pte] = PV_CALL(pv_xen_set_pte),
		[PV_flush_one] = PV_CALL(pv_xen_flush_one),
		[PV_flush_all] = PV_CALL(pv_xen_flush_all),
		[PV_make_pte] = PV_CALL(pv_xen_make_pte),
		[PV_pte_phys] = PV_CALL(pv_xen_pte_phys),
		[PV_pt_alloc] = PV_CALL(pv_xen_pt_alloc),
		[PV_clock_ns] = PV_CALL(pv_xen_clock_ns),
		[PV_timer_set] = PV_CALL(pv_xen_timer_set),
		[PV_console_write] = PV_CALL(pv_xen_console_write),
		[PV_lock_wait] = PV_CALL(pv_xen_lock_wait),
		[PV_lock_kick] = PV_CALL(pv_xen_lock_kick),
		[PV_fault_addr] = PV_CALL(pv_xen_fault_addr),
	},
	.setup = xen_setup,
	.setup_irq = xen_setup_irq,
	.handle_irq = xen_handle_irq,
	.setup_traps = xen_setup_traps,
};
