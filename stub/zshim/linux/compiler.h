/* linux/compiler.h for lib/zstd in the stub: the attributes it uses */
#ifndef ZSHIM_LINUX_COMPILER_H
#define ZSHIM_LINUX_COMPILER_H
#define fallthrough	__attribute__((__fallthrough__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define noinline	__attribute__((__noinline__))
#endif /* ZSHIM_LINUX_COMPILER_H */
