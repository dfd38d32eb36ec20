/* linux/kernel.h for lib/zstd in the stub.  Its assert() becomes
 * WARN_ON(!x): the stub has nowhere to warn, and a failed internal
 * assertion in the decoder still ends in a size or hash mismatch. */
#ifndef ZSHIM_LINUX_KERNEL_H
#define ZSHIM_LINUX_KERNEL_H
#include <linux/types.h>
#define WARN_ON(x)	((void)(x))
#endif /* ZSHIM_LINUX_KERNEL_H */
