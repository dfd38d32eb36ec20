/* linux/stddef.h for lib/zstd in the stub */
#ifndef ZSHIM_LINUX_STDDEF_H
#define ZSHIM_LINUX_STDDEF_H
#include <stddef.h>
#endif /* ZSHIM_LINUX_STDDEF_H */
