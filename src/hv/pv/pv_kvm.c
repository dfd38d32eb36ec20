/* pv_kvm.c: KVM in the runtime table: the native entries (KVM runs the
 * native instructions) except time, which is kvmclock. */
#include "defs.h"
#include "kvm/kvm.h"
#include "pv/pv_backend.h"

PV_BODY(kvm, clock_ns, u64, (void), ())
PV_BODY(kvm, timer_set, void, (u64 d), (d))

static struct pv_backend pv_kvm;

/* Native's table with kvmclock's time, filled when first asked for. */
const struct pv_backend *pv_kvm_backend(void)
{
	pv_kvm = pv_native;
	pv_kvm.name = kvm_name;
	pv_kvm.clock_name = kvm_clock_name;
	pv_kvm.impl[PV_clock_ns] = (struct pv_impl)PV_CALL(pv_kvm_clock_ns);
	pv_kvm.impl[PV_timer_set] = (struct pv_impl)PV_CALL(pv_kvm_timer_set);
	pv_kvm.setup = kvm_setup;
	pv_kvm.setup_irq = kvm_setup_irq;
	pv_kvm.handle_irq = kvm_handle_irq;
	return &pv_kvm;
}
