/* pv_native.c: the native op bodies out of line, for the runtime table,
 * and the instructions a patched site may hold instead of a call. */
#include "defs.h"
#include "native/native.h"
#include "pv/pv_backend.h"

/* The same bodies the native variant inlines, one per op; the irq ops as
 * callee-save entries (they touch no register but the result). */
#define NATIVE_CS(op, len, ...) PV_BODY_CS(native, op, __VA_ARGS__)
#define NATIVE_ABI(op, len, ...) PV_BODY(native, op, __VA_ARGS__)
PV_IRQ_OPS(NATIVE_CS)
PV_ABI_OPS(NATIVE_ABI)

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
		/* The identity: hv_pte_phys() masks the frame, as Linux's pte_val. */
		[PV_pte_phys] = PV_INLINE(pv_native_pte_phys, PV_CLOBBER_RAX,
					  0x48, 0x89, 0xf8),		/* mov %rdi, %rax */
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
	.smp_probe = native_smp_probe,
	.cpu_start = native_cpu_start,
	.cpu_init = native_cpu_init,
	.send_ipi = native_send_ipi,
};

const struct pv_backend *pv_native_backend(void)
{
	return &pv_native;
}
