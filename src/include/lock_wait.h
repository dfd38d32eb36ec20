/* lock_wait.h: what a backend's lock_wait that sleeps owes its callers.
 * A sleeping waiter is woken by the unlocker's kick, never by a clock: the
 * sleep has a deadline only so that a kick that did not come (a lost
 * wake-up, a kernel bug) is caught.  A wait that ends by its deadline is
 * reported at once as an @hvb lock_timeout line and counted; the SMP
 * self-test fails on any, and so do the tests that read the console. */
#ifndef HVB_LOCK_WAIT_H
#define HVB_LOCK_WAIT_H

#include "types.h"

/* No lock in this kernel is held for anywhere near this long: critical
 * sections are microseconds, a preempted holder's vCPU is back within a
 * few of the hypervisor's time slices (tens of ms). */
#define LOCK_WAIT_DEADLINE_NS 1000000000ull

/* Waits that ended by their deadline, since boot (every CPU). */
extern volatile u32 lock_wait_timeouts;

/* Called by the backend when a wait on *word == val lasted its deadline
 * (waited_ns): counts it and prints the @hvb line (spinlock.c).  kicked:
 * the kick had come (its channel pending) but the vCPU did not run. */
void lock_wait_timed_out(volatile u32 *word, u32 val, u64 waited_ns, bool kicked);

#endif /* HVB_LOCK_WAIT_H */
