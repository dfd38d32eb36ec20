/* spinlock.c: the ticket locks' contended path and their one tunable
 * (spinlock.h says why the slow path is safe), and the report of a
 * slow-path wait that ended by its deadline (lock_wait.h). */
#include "defs.h"
#include "spinlock.h"
#include "percpu.h"

u32 spin_slow_after = SPIN_THRESHOLD;
volatile u32 lock_wait_timeouts;

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
		spins = 0;
		this_cpu()->lock_slow++;
		__atomic_fetch_add(&l->sleepers, 1, __ATOMIC_SEQ_CST);
		/* Counted as a sleeper first: from now on, whoever moves the
		 * word kicks.  Wait only on a word that still says another
		 * ticket holds the lock; if it says ours, the unlock that
		 * handed it over came before the count and kicks nobody. */
		u32 now = __atomic_load_n(&l->owner, __ATOMIC_SEQ_CST);
		if (now != me) {
			this_cpu()->lock_waits++;
			hv_lock_wait(&l->owner, now);
		}
		__atomic_fetch_sub(&l->sleepers, 1, __ATOMIC_RELAXED);
	}
}

/* A lost wake-up: loud, counted, and the caller goes on (it looks at the
 * word again, and waits again if it must). */
__attribute__((cold)) void lock_wait_timed_out(volatile u32 *word, u32 val, u64 waited_ns,
						bool kicked)
{
	struct hvbline l;

	__atomic_fetch_add(&lock_wait_timeouts, 1, __ATOMIC_SEQ_CST);
	hvb_begin(&l, "lock_timeout");
	hvb_u64(&l, "cpu", smp_cpu_id());
	hvb_hex(&l, "word", (u64)(unsigned long)word);
	hvb_u64(&l, "val", val);
	hvb_u64(&l, "now", *word);
	hvb_u64(&l, "waited_ns", waited_ns);
	hvb_u64(&l, "kicked", kicked);
	hvb_end(&l);
}
