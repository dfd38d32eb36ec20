/* linux/math64.h for lib/zstd in the stub (64-bit: plain division) */
#ifndef ZSHIM_LINUX_MATH64_H
#define ZSHIM_LINUX_MATH64_H
#include <linux/types.h>
static inline u64 div_u64(u64 a, u32 b)
{
	return a / b;
}
#endif /* ZSHIM_LINUX_MATH64_H */
