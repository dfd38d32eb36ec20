/* pv_xen.c: the Xen PV op bodies out of line, for the runtime table.  The
 * irq ops are pv_xen_irq.S's stubs; irq_disable and irq_save are patched
 * inline (one %gs-relative movb; cmpb, sbb, and), every other site becomes
 * a direct call. */
#include "defs.h"
#include "xen/xen.h"
#include "pv/pv_backend.h"
#include "pv/pv_xen_irq.h"

_Static_assert(XEN_GS_PENDING == PV_XEN_PENDING, "pending");
_Static_assert(XEN_GS_MASK == PV_XEN_MASK, "mask");
_Static_assert(__HYPERVISOR_xen_version * 32 == PV_XEN_HC_VERSION, "xen_version");
_Static_assert(X86_EFLAGS_IF == PV_XEN_IF, "IF");

void pv_xen_irq_disable_cs(void);
void pv_xen_irq_enable_cs(void);
void pv_xen_irq_save_cs(void);
void pv_xen_irq_restore_cs(void);

#define XEN_ABI(op, len, ...) PV_BODY(xen, op, __VA_ARGS__)
PV_ABI_OPS(XEN_ABI)

/* %gs:disp32, absolute (ModRM 04, SIB 25): this vCPU's upcall mask. */
#define GS_MASK 0x65
#define MASK_DISP PV_XEN_MASK, 0, 0, 0
_Static_assert(PV_XEN_MASK < 256, "the mask's displacement is one byte of four");

const struct pv_backend pv_xen = {
	.name = xen_name,
	.clock_name = xen_clock_name,
	.impl = {
		[PV_irq_disable] = PV_INLINE(pv_xen_irq_disable_cs, 0,
					     GS_MASK, 0xc6, 0x04, 0x25, MASK_DISP, 0x01),
						/* movb $1, %gs:mask */
		[PV_irq_enable] = PV_CALL(pv_xen_irq_enable_cs),
		[PV_irq_save] = PV_INLINE(pv_xen_irq_save_cs, PV_CLOBBER_RAX,
					  GS_MASK, 0x80, 0x3c, 0x25, MASK_DISP, 0x01, /* cmpb $1, %gs:mask */
					      0x19, 0xc0,			/* sbb %eax, %eax */
					      0x25, 0x00, 0x02, 0x00, 0x00),	/* and $0x200, %eax */
		[PV_irq_restore] = PV_CALL(pv_xen_irq_restore_cs),
		[PV_cpuid] = PV_CALL(pv_xen_cpuid),
		[PV_load_root] = PV_CALL(pv_xen_load_root),
		[PV_halt] = PV_CALL(pv_xen_halt),
		[PV_shutdown] = PV_CALL(pv_xen_shutdown),
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
	.smp_probe = xen_smp_probe,
	.cpu_start = xen_cpu_start,
	.cpu_init = xen_cpu_init,
	.send_ipi = xen_send_ipi,
};

const struct pv_backend *pv_xen_backend(void)
{
	return &pv_xen;
}
