/* spinlock.h: fair ticket locks with the paravirt slow path.  A waiter
 * spins spin_slow_after turns, then counts itself among the lock's
 * sleepers and calls the backend's lock_wait, which may sleep in the
 * hypervisor until the lock word moves (Xen: SCHEDOP_poll on this CPU's
 * kick channel).  The unlocker calls lock_kick only when a waiter sleeps
 * (or is about to): an uncontended or merely spun-on unlock costs one
 * load more.  So a waiter whose lock holder's vCPU was preempted stops
 * burning its own time slice.
 *
 * No lost wake-up: the waiter counts itself, reads the word again and
 * waits only for a word that names another ticket (one that names its
 * own was handed over before it counted itself, by an unlock that kicked
 * nobody); in lock_wait it says what it waits on and reads the word once
 * more.  The unlocker stores the word, then reads the count, then (in
 * lock_kick) who waits.  All sequentially consistent, so either the
 * waiter sees the new word and does not sleep, or the unlocker sees it
 * waiting and kicks it.  A backend whose wait sleeps reports one that
 * lasted its deadline (lock_wait.h).  Only the waiter takes itself off
 * the count, after it woke: a flag the unlocker cleared could clear a
 * second waiter's claim with it. */
#ifndef HVB_SPINLOCK_H
#define HVB_SPINLOCK_H

#include "hv.h"

#define SPIN_THRESHOLD 1024

struct spinlock {
	volatile u32 next;	/* ticket handed to the next arrival */
	volatile u32 owner;	/* ticket now holding the lock */
	volatile u32 sleepers;	/* waiters in (or going into) lock_wait */
};

#define SPINLOCK_INIT { 0, 0, 0 }

/* Turns spun before the slow path (kernel argument lock.spin=N; 0: spin
 * only, never wait in the hypervisor).  Read only on the contended path. */
extern u32 spin_slow_after;

/* The contended path, out of line (spinlock.c), as Linux's slow path:
 * the uncontended acquire is the ticket, one load and one compare. */
void spin_lock_contended(struct spinlock *l, u32 me);

static inline void spin_lock(struct spinlock *l)
{
	u32 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

	if (unlikely(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me))
		spin_lock_contended(l, me);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_SEQ_CST);
	if (unlikely(__atomic_load_n(&l->sleepers, __ATOMIC_SEQ_CST)))
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
