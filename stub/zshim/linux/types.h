/* linux/types.h for lib/zstd in the stub: fixed-width types */
#ifndef ZSHIM_LINUX_TYPES_H
#define ZSHIM_LINUX_TYPES_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
#ifndef __LITTLE_ENDIAN
#define __LITTLE_ENDIAN 1234	/* what mem.h tests */
#endif
#endif /* ZSHIM_LINUX_TYPES_H */
