/* pvclock.h: the time record KVM (kvmclock) and Xen (vcpu_info.time) share.
 * Legal in ring 3: it only reads memory and the TSC. */
#ifndef HV_PVCLOCK_H
#define HV_PVCLOCK_H

#include "x86.h"

struct pvclock_time_info {
	u32 version;		/* odd while the hypervisor updates it */
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;	/* ns at tsc_timestamp */
	u32 tsc_to_system_mul;	/* 32.32 fixed point after the shift */
	i8 tsc_shift;
	u8 flags;
	u8 pad[2];
} __packed;

static inline u64 pvclock_read_ns(const volatile struct pvclock_time_info *t)
{
	u32 v;
	u64 ns;

	do {
		v = t->version;
		barrier();
		u64 d = rdtsc() - t->tsc_timestamp;
		i8 sh = t->tsc_shift;
		d = sh >= 0 ? d << sh : d >> -sh;
		ns = t->system_time +
		     (u64)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
		barrier();
	} while ((v & 1) || v != t->version);
	return ns;
}

#endif /* HV_PVCLOCK_H */
