/* linux/swab.h for lib/zstd in the stub */
#ifndef ZSHIM_LINUX_SWAB_H
#define ZSHIM_LINUX_SWAB_H
#define swab16(x)	__builtin_bswap16(x)
#define swab32(x)	__builtin_bswap32(x)
#define swab64(x)	__builtin_bswap64(x)
#endif /* ZSHIM_LINUX_SWAB_H */
