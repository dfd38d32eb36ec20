/* native/lock.h: the lock slow path on bare hardware spins politely; there
 * is nobody to ask for the lock holder to run. */
#ifndef HV_NATIVE_LOCK_H
#define HV_NATIVE_LOCK_H

#include "x86.h"

static inline void native_lock_wait(volatile u32 *ptr, u32 val)
{
	if (*ptr == val)
		cpu_relax();
}

static inline void native_lock_kick(volatile u32 *ptr)
{
	(void)ptr;
}

#endif /* HV_NATIVE_LOCK_H */
