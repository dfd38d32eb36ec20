/* spinlock.h: ticket locks.  After SPIN_THRESHOLD turns of spinning a
 * waiter calls the backend's lock slow path (hv_lock_wait), and an unlock
 * that sees waiters kicks them (hv_lock_kick): the PV spinlock scheme,
 * where a preempted lock holder must not be spun on forever. */
#ifndef HVB_SPINLOCK_H
#define HVB_SPINLOCK_H

#include "hv.h"

#define SPIN_THRESHOLD 1024

struct spinlock {
	volatile u32 next;	/* ticket handed to the next arrival */
	volatile u32 owner;	/* ticket now holding the lock */
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	u32 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	u32 spins = 0;

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
		if (++spins < SPIN_THRESHOLD) {
			cpu_relax();
			continue;
		}
		hv_lock_wait(&l->owner, l->owner);
		spins = 0;
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	u32 next_owner = l->owner + 1;

	__atomic_store_n(&l->owner, next_owner, __ATOMIC_RELEASE);
	if (unlikely(__atomic_load_n(&l->next, __ATOMIC_RELAXED) != next_owner))
		hv_lock_kick(&l->owner);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long f = hv_irq_save();

	hv_irq_disable();
	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long f)
{
	spin_unlock(l);
	hv_irq_restore(f);
}

#endif /* HVB_SPINLOCK_H */
