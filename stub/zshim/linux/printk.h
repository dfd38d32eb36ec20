/* linux/printk.h for lib/zstd in the stub: no debug output */
#ifndef ZSHIM_LINUX_PRINTK_H
#define ZSHIM_LINUX_PRINTK_H
#define pr_debug(...)	do { } while (0)
#endif /* ZSHIM_LINUX_PRINTK_H */
