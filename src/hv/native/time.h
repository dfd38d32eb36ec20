/* native/time.h: the clock is the TSC scaled by a factor calibrated against
 * the PIT at boot; the timer is the LAPIC in one-shot mode. */
#ifndef HV_NATIVE_TIME_H
#define HV_NATIVE_TIME_H

#include "x86.h"

struct tsc_scale {
	u64 tsc0;	/* TSC at calibration: clock zero */
	u64 mult;	/* ns = ((tsc - tsc0) * mult) >> 32 */
	u64 khz;	/* measured TSC frequency */
};

extern struct tsc_scale native_tsc;

#define PIT_HZ		1193182
u64 native_pit_wait(u64 ticks);

static inline u64 native_clock_ns(void)
{
	u64 d = rdtsc() - native_tsc.tsc0;
	return (u64)(((unsigned __int128)d * native_tsc.mult) >> 32);
}

void lapic_timer_program(u64 deadline_ns, u64 now_ns);

/* deadline 0 cancels the timer. */
static inline void native_timer_set(u64 deadline_ns)
{
	lapic_timer_program(deadline_ns, native_clock_ns());
}

#endif /* HV_NATIVE_TIME_H */
