/* asm/unaligned.h for lib/zstd in the stub: x86-64 is little-endian and
 * loads unaligned; the packed struct tells the compiler so. */
#ifndef ZSHIM_ASM_UNALIGNED_H
#define ZSHIM_ASM_UNALIGNED_H
#include <linux/types.h>

#define ZSHIM_UNALIGNED(bits) \
struct zshim_u##bits { u##bits v; } __attribute__((packed, may_alias)); \
static inline u##bits get_unaligned_le##bits(const void *p) \
{ return ((const struct zshim_u##bits *)p)->v; } \
static inline void put_unaligned_le##bits(u##bits v, void *p) \
{ ((struct zshim_u##bits *)p)->v = v; }
ZSHIM_UNALIGNED(16)
ZSHIM_UNALIGNED(32)
ZSHIM_UNALIGNED(64)

static inline u32 get_unaligned_be32(const void *p)
{ return __builtin_bswap32(get_unaligned_le32(p)); }
static inline u64 get_unaligned_be64(const void *p)
{ return __builtin_bswap64(get_unaligned_le64(p)); }
static inline void put_unaligned_be32(u32 v, void *p)
{ put_unaligned_le32(__builtin_bswap32(v), p); }
static inline void put_unaligned_be64(u64 v, void *p)
{ put_unaligned_le64(__builtin_bswap64(v), p); }

/* any type, through a packed wrapper of that type */
#define get_unaligned(p) \
	(((const struct { __typeof__(*(p)) v; } __attribute__((packed, may_alias)) *)(p))->v)
#define put_unaligned(x, p) \
	((void)(((struct { __typeof__(*(p)) v; } __attribute__((packed, may_alias)) *)(p))->v = (x)))
#endif /* ZSHIM_ASM_UNALIGNED_H */
