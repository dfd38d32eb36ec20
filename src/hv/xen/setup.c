/* setup.c: Xen boot glue.  Shared info mapped, exceptions and the event
 * upcall registered, the timer VIRQ bound to an event channel, and the
 * event demultiplexer.  The xen variant entered through PVH (not on Xen)
 * has no hypercall page: it reports that through the UART and leaves. */
#include "defs.h"
#include "xen/xen.h"
#include "native/console.h"
#include "native/cpu.h"
#include "trap.h"

struct shared_info *xen_shared;
unsigned long *xen_p2m;
static evtchn_port_t timer_port;	/* VIRQ_TIMER, bound to vCPU 0 */
struct trap_info xen_trap_table[33];
u8 xen_shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

extern bool xen_pv_started;
extern start_info_t *xen_start_info;
extern const u64 xen_trap_stubs[32];
void xen_hypervisor_callback(void);
void xen_failsafe_callback(void);

const char *xen_setup(struct boot_info *bi)
{
	(void)bi;
	if (!xen_pv_started) {
		native_uart_init();
		return "this is the xen variant on a platform that is not Xen (no Xen PV entry)";
	}
	/* Shared info is given as a machine address: map it over a page of ours. */
	if (HYPERVISOR_update_va_mapping((unsigned long)xen_shared_info_page,
					 xen_start_info->shared_info | PTE_P | PTE_W | PTE_A | PTE_D,
					 UVMF_INVLPG))
		return "cannot map Xen's shared info page";
	xen_shared = (struct shared_info *)xen_shared_info_page;
	xen_register_vcpu_info(0, &percpu_area[0]);
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);
	kprintf("hvbundle: Xen %ld.%ld, PV dom0, %lu pages\n", v >> 16, v & 0xffff,
		xen_start_info->nr_pages);
	return NULL;
}

/* Kernel faults raise events-masked (flag 4); #BP and #OF may come from
 * int3/into at any privilege (3). */
void xen_setup_traps(const u64 *vectors)
{
	struct trap_info *table = xen_trap_table;
	static const u8 vecs[] = { 0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 18, 19 };
	int n = 0;

	(void)vectors;			/* xen_trap_stubs lead there */
	for (size_t i = 0; i < ARRAY_SIZE(vecs); i++) {
		u8 v = vecs[i];
		table[n].vector = v;
		table[n].flags = 4 | ((v == 3 || v == 4) ? 3 : 0);
		table[n].cs = FLAT_KERNEL_CS;
		table[n].address = xen_trap_stubs[v];
		n++;
	}
	table[n].address = 0;
	xen_check(HYPERVISOR_set_trap_table(table), "set_trap_table");

	struct callback_register ev = { .type = CALLBACKTYPE_event,
					.address = (unsigned long)xen_hypervisor_callback };
	struct callback_register fs = { .type = CALLBACKTYPE_failsafe,
					.flags = CALLBACKF_mask_events,
					.address = (unsigned long)xen_failsafe_callback };
	xen_check(HYPERVISOR_callback_op(CALLBACKOP_register, &ev), "callback_op(register event)");
	xen_check(HYPERVISOR_callback_op(CALLBACKOP_register, &fs),
		  "callback_op(register failsafe)");
}

void xen_setup_irq(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

	xen_check(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		  "vcpu_op(stop_periodic_timer)");
	xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv),
		  "event_channel_op(bind_virq VIRQ_TIMER)");
	timer_port = bv.port;
	xen_bind_cpu_ports(0, 0);
	struct evtchn_unmask um = { .port = timer_port };
	xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), "event_channel_op(unmask)");
	kprintf("hvbundle: xen timer on event channel %u, IPIs on %u, lock kicks on %u\n",
		timer_port, xen_cpus[0].ipi, xen_cpus[0].kick);
}

/* Whose is this port: this vCPU's to handle (true), or another's, whose
 * upcall will handle it (its selector bit was set too). */
static bool port_is_mine(evtchn_port_t port, u32 me)
{
	if (port == timer_port)
		return me == 0;
	for (u32 i = 0; i < NR_CPUS; i++)
		if (xen_cpus[i].ipi == port && port)
			return i == me;
	return true;
}

static void handle_port(evtchn_port_t port, u32 me)
{
	if (port == timer_port)
		timer_interrupt();
	else if (port == xen_cpus[me].ipi)
		smp_ipi_interrupt();
}

/* Two-level event channels: selector word, then pending & ~mask bits;
 * only the ports bound to this vCPU are taken. */
void xen_handle_irq(unsigned int vector)
{
	struct vcpu_info *v = xen_vcpu;
	u32 me = smp_cpu_id();

	if (vector != VEC_XEN_UPCALL) {
		kprintf("hvbundle: unexpected vector %u under Xen\n", vector);
		return;
	}
	while (v->evtchn_upcall_pending) {
		v->evtchn_upcall_pending = 0;
		unsigned long sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzl(sel);
			sel &= sel - 1;
			unsigned long bits = xen_shared->evtchn_pending[w] & ~xen_shared->evtchn_mask[w];
			while (bits) {
				unsigned int b = (unsigned int)__builtin_ctzl(bits);
				bits &= bits - 1;
				if (!port_is_mine(w * 64 + b, me))
					continue;
				__atomic_and_fetch(&xen_shared->evtchn_pending[w], ~(1UL << b),
						   __ATOMIC_SEQ_CST);
				handle_port(w * 64 + b, me);
			}
		}
	}
}

/* A pass/fail status QEMU can report: with I/O privilege, the write to
 * isa-debug-exit ends QEMU at once.  Should it not, a reboot request ends
 * Xen and (with -no-reboot) QEMU. */
__noreturn void xen_shutdown(int status)
{
	if (xen_pv_started) {
		struct physdev_set_iopl iopl = { .iopl = 1 };
		struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };

		/* Without I/O privilege the port write would fault: then only
		 * the reboot request is left (the status is lost). */
		if (HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl) == 0)
			outl(NATIVE_DEBUG_EXIT_PORT, (u32)status);
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
		for (;;)
			(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
	}
	native_shutdown(status);
}

/* Xen's error numbers by name (xen/errno.h lists them for this use). */
static const struct {
	int value;
	const char *name;
} xen_errnos[] = {
#define XEN_ERRNO(name, value) { value, #name },
#include <xen/errno.h>
};

__noreturn void xen_hypercall_failed(const char *call, long rc)
{
	const char *name = "unknown error";

	for (size_t i = 0; i < ARRAY_SIZE(xen_errnos); i++)
		if (-rc == xen_errnos[i].value) {
			name = xen_errnos[i].name;
			break;
		}
	panic("xen: hypercall %s failed: %ld (%s)", call, rc, name);
}

__noreturn void xen_failsafe(void)
{
	panic("xen: failsafe callback (Xen could not return to the kernel)");
}

void xen_console_write_early(const char *s, size_t n)
{
	native_console_write(s, n);
}
