/* smp.c: Xen PV vCPUs.  The dom0's vCPUs are those VCPUOP_is_up knows;
 * each gets a vcpu_info inside its per-CPU record (registered, so the irq
 * ops reach it through %gs), two event channels bound to it (IPIs, and
 * lock kicks kept masked for SCHEDOP_poll), and a start-up context: the
 * kernel's page tables, trap table and callbacks, its first stack, and its
 * GS base at its per-CPU record.  Then VCPUOP_initialise, VCPUOP_up. */
#include "defs.h"
#include "xen/xen.h"
#include "percpu.h"
#include "paging.h"

struct xen_cpu xen_cpus[NR_CPUS];
extern bool xen_pv_started;
void xen_hypervisor_callback(void);
void xen_failsafe_callback(void);
void xen_secondary_start(void);

_Static_assert(sizeof(struct vcpu_info) <= PERCPU_HV_SIZE, "vcpu_info fits its slot");
_Static_assert(__builtin_offsetof(struct vcpu_info, evtchn_upcall_mask) == XEN_GS_MASK - PERCPU_HV,
	       "mask");

u32 xen_smp_probe(struct boot_info *bi, u32 *ids, u32 max)
{
	u32 n = 0;

	(void)bi;
	if (!xen_pv_started)
		return 1;
	while (n < max && HYPERVISOR_vcpu_op(VCPUOP_is_up, n, NULL) >= 0) {
		ids[n] = n;
		n++;
	}
	return n;
}

/* Xen copies the vCPU's current vcpu_info into the new place and marks
 * every event pending there, so nothing is lost in the move. */
void xen_register_vcpu_info(u32 vcpu, struct percpu *pc)
{
	u64 pa = V2P(pc->hv);
	struct vcpu_register_vcpu_info r = { .mfn = xen_p2m[pa >> PAGE_SHIFT],
					     .offset = (u32)(pa & (PAGE_SIZE - 1)) };

	xen_check(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r),
		  "vcpu_op(register_vcpu_info)");
}

static evtchn_port_t bind_ipi(u32 vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b), "event_channel_op(bind_ipi)");
	return b.port;
}

void xen_bind_cpu_ports(u32 cpu, u32 vcpu)
{
	struct xen_cpu *c = &xen_cpus[cpu];

	c->kick = bind_ipi(vcpu);
	/* The kick channel stays masked: it is only ever polled. */
	__atomic_or_fetch(&xen_shared->evtchn_mask[c->kick / 64], 1UL << (c->kick % 64),
			  __ATOMIC_SEQ_CST);
	c->ipi = bind_ipi(vcpu);
	struct evtchn_unmask um = { .port = c->ipi };
	xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), "event_channel_op(unmask)");
}

static void fill_context(struct vcpu_guest_context *c, struct percpu *pc)
{
	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel;
	c->user_regs.rip = (u64)xen_secondary_start;
	c->user_regs.rsp = pc->stack_top;
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
	c->user_regs.rflags = X86_EFLAGS_IF | 2;
	for (const struct trap_info *t = xen_trap_table; t->address; t++)
		c->trap_ctxt[t->vector] = *t;
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = pc->stack_top;
	c->ctrlreg[3] = xen_pfn_to_cr3(xen_p2m[vm_root() >> PAGE_SHIFT]);
	c->event_callback_eip = (u64)xen_hypervisor_callback;
	c->failsafe_callback_eip = (u64)xen_failsafe_callback;
	c->gs_base_kernel = (u64)pc;
}

const char *xen_cpu_start(struct percpu *pc)
{
	static struct vcpu_guest_context ctx;
	u32 vcpu = pc->hw_id;

	xen_register_vcpu_info(vcpu, pc);
	((struct vcpu_info *)pc->hv)->evtchn_upcall_mask = 1;
	xen_bind_cpu_ports(pc->cpu, vcpu);
	fill_context(&ctx, pc);
	xen_check(HYPERVISOR_vcpu_op(VCPUOP_initialise, vcpu, &ctx), "vcpu_op(initialise)");
	xen_check(HYPERVISOR_vcpu_op(VCPUOP_up, vcpu, NULL), "vcpu_op(up)");
	return NULL;
}

/* On the new vCPU: no periodic tick (only vCPU 0 keeps time). */
void xen_cpu_init(void)
{
	xen_check(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, this_cpu()->hw_id, NULL),
		  "vcpu_op(stop_periodic_timer)");
}

void xen_send_ipi(u32 cpu)
{
	struct evtchn_send s = { .port = xen_cpus[cpu].ipi };

	xen_check(HYPERVISOR_event_channel_op(EVTCHNOP_send, &s), "event_channel_op(send IPI)");
}
