/* pv/pv_xen_irq.h: what pv_xen_irq.S needs to know of Xen's structures,
 * for C and assembler alike; pv_xen.c checks each against Xen's headers. */
#ifndef HV_PV_XEN_IRQ_H
#define HV_PV_XEN_IRQ_H

/* This vCPU's vcpu_info, %gs-relative (percpu.h: PERCPU_HV + field). */
#define PV_XEN_PENDING	64		/* vcpu_info.evtchn_upcall_pending */
#define PV_XEN_MASK	65		/* vcpu_info.evtchn_upcall_mask */
#define PV_XEN_HC_VERSION (17 * 32)	/* __HYPERVISOR_xen_version's page entry */
#define PV_XEN_IF	0x200		/* X86_EFLAGS_IF */

#endif /* HV_PV_XEN_IRQ_H */
