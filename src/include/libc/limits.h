/* Freestanding limits.h from the compiler's predefined macros (gcc's own
 * limits.h chains to the C library's, which freestanding code lacks). */
#ifndef _HVB_LIMITS_H
#define _HVB_LIMITS_H
#define CHAR_BIT   __CHAR_BIT__
#define INT_MAX    __INT_MAX__
#define UINT_MAX   (__INT_MAX__ * 2U + 1U)
#define LONG_MAX   __LONG_MAX__
#define ULONG_MAX  (__LONG_MAX__ * 2UL + 1UL)
#define LLONG_MAX  __LONG_LONG_MAX__
#define ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1ULL)
#define SIZE_MAX   __SIZE_MAX__
#endif
