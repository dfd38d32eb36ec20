/* linux/limits.h for lib/zstd in the stub */
#ifndef ZSHIM_LINUX_LIMITS_H
#define ZSHIM_LINUX_LIMITS_H
#include <limits.h>
#endif /* ZSHIM_LINUX_LIMITS_H */
