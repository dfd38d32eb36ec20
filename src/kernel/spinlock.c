/* spinlock.c: the ticket locks' contended path and their one tunable
 * (spinlock.h says why the slow path is safe). */
#include "defs.h"
#include "spinlock.h"

u32 spin_slow_after = SPIN_THRESHOLD;

/* lock.spin=N: turns before the slow path; lock.spin=0: spin only. */
void spinlock_init(void)
{
	u64 n = cmdline_u64("lock.spin", SPIN_THRESHOLD);

	spin_slow_after = n ? (u32)n : 0;	/* 0: ++spins never equals it */
}

void spin_lock_contended(struct spinlock *l, u32 me)
{
	u32 spins = 0;

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
		if (++spins != spin_slow_after) {
			cpu_relax();
			continue;
		}
		__atomic_fetch_add(&l->sleepers, 1, __ATOMIC_SEQ_CST);
		hv_lock_wait(&l->owner, __atomic_load_n(&l->owner, __ATOMIC_SEQ_CST));
		__atomic_fetch_sub(&l->sleepers, 1, __ATOMIC_RELAXED);
		spins = 0;
	}
}
