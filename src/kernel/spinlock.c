/* spinlock.c: the one tunable of the ticket locks (spinlock.h). */
#include "defs.h"
#include "spinlock.h"

u32 spin_slow_after = SPIN_THRESHOLD;

/* lock.spin=N: turns before the slow path; lock.spin=0: spin only. */
void spinlock_init(void)
{
	u64 n = cmdline_u64("lock.spin", SPIN_THRESHOLD);

	spin_slow_after = n ? (u32)n : 0;	/* 0: ++spins never equals it */
}
