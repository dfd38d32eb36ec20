/* pv_native.c: the native op bodies out of line, for the runtime table,
 * and the instructions a patched site may hold instead of a call. */
#include "defs.h"
#include "native/native.h"
#include "pv/pv_backend.h"

/* The same bodies the native variant inlines: one body per op.  The irq
 * ops also get callee-save entries (_cs), which the table points at. */
__used noinline void pv_native_irq_disable(void) { native_irq_disable(); }
__used noinline void pv_native_irq_enable(void) { native_irq_enable(); }
__used noinline unsigned long pv_native_irq_save(void) { return native_irq_save(); }
__used noinline void pv_native_irq_restore(unsigned long f) { native_irq_restore(f); }
PV_CALLEE_SAVE void pv_native_irq_disable_cs(void) { native_irq_disable(); }
PV_CALLEE_SAVE void pv_native_irq_enable_cs(void) { native_irq_enable(); }
PV_CALLEE_SAVE unsigned long pv_native_irq_save_cs(void) { return native_irq_save(); }
PV_CALLEE_SAVE void pv_native_irq_restore_cs(unsigned long f) { native_irq_restore(f); }

void pv_native_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r) { native_cpuid(leaf, sub, r); }
void pv_native_load_root(u64 pa) { native_load_root(pa); }
void pv_native_halt(void) { native_halt(); }
void pv_native_shutdown(int status) { native_shutdown(status); }
void pv_native_set_pte(u64 *p, u64 v) { native_set_pte(p, v); }
void pv_native_flush_one(unsigned long va) { native_flush_one(va); }
void pv_native_flush_all(void) { native_flush_all(); }
u64 pv_native_make_pte(u64 pa, u64 flags) { return native_make_pte(pa, flags); }
u64 pv_native_pte_phys(u64 pte) { return native_pte_phys(pte); }
void pv_native_pt_alloc(u64 pa, int level) { native_pt_alloc(pa, level); }
u64 pv_native_clock_ns(void) { return native_clock_ns(); }
void pv_native_timer_set(u64 d) { native_timer_set(d); }
void pv_native_console_write(const char *s, size_t n) { native_console_write(s, n); }
void pv_native_lock_wait(volatile u32 *p, u32 v) { native_lock_wait(p, v); }
void pv_native_lock_kick(volatile u32 *p) { native_lock_kick(p); }
u64 pv_native_fault_addr(void) { return native_fault_addr(); }

/* Inline bytes follow the site conventions: argument in rdi (rsi second),
 * result in rax. */
const struct pv_backend pv_native = {
	.name = native_name,
	.clock_name = native_clock_name,
	.impl = {
		[PV_irq_disable] = PV_INLINE(pv_native_irq_disable_cs, 0, 0xfa),	/* cli */
		[PV_irq_enable] = PV_INLINE(pv_native_irq_enable_cs, 0, 0xfb),	/* sti */
		[PV_irq_save] = PV_INLINE(pv_native_irq_save_cs, PV_CLOBBER_RAX,
					  0x9c, 0x58),			/* pushfq; pop %rax */
		[PV_irq_restore] = PV_INLINE(pv_native_irq_restore_cs, 0,
					     0x57, 0x9d),		/* push %rdi; popfq */
		[PV_cpuid] = PV_CALL(pv_native_cpuid),
		[PV_load_root] = PV_INLINE(pv_native_load_root, 0,
					   0x0f, 0x22, 0xdf),		/* mov %rdi, %cr3 */
		[PV_halt] = PV_INLINE(pv_native_halt, 0, 0xfb, 0xf4),	/* sti; hlt */
		[PV_shutdown] = PV_CALL(pv_native_shutdown),
		[PV_set_pte] = PV_INLINE(pv_native_set_pte, 0,
					 0x48, 0x89, 0x37),		/* mov %rsi, (%rdi) */
		[PV_flush_one] = PV_INLINE(pv_native_flush_one, 0,
					   0x0f, 0x01, 0x3f),		/* invlpg (%rdi) */
		[PV_flush_all] = PV_INLINE(pv_native_flush_all, PV_CLOBBER_RAX,
					   0x0f, 0x20, 0xd8,		/* mov %cr3, %rax */
					   0x0f, 0x22, 0xd8),		/* mov %rax, %cr3 */
		[PV_make_pte] = PV_INLINE(pv_native_make_pte, PV_CLOBBER_RAX,
					  0x48, 0x89, 0xf8,		/* mov %rdi, %rax */
					  0x48, 0x09, 0xf0),		/* or %rsi, %rax */
		[PV_pte_phys] = PV_CALL(pv_native_pte_phys),
		[PV_pt_alloc] = PV_NOP(pv_native_pt_alloc),
		[PV_clock_ns] = PV_CALL(pv_native_clock_ns),
		[PV_timer_set] = PV_CALL(pv_native_timer_set),
		[PV_console_write] = PV_CALL(pv_native_console_write),
		[PV_lock_wait] = PV_CALL(pv_native_lock_wait),
		[PV_lock_kick] = PV_NOP(pv_native_lock_kick),
		[PV_fault_addr] = PV_INLINE(pv_native_fault_addr, PV_CLOBBER_RAX,
					    0x0f, 0x20, 0xd0),		/* mov %cr2, %rax */
	},
	.setup = native_setup,
	.setup_irq = native_setup_irq,
	.handle_irq = native_handle_irq,
	.setup_traps = native_setup_traps,
};
