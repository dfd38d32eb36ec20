/* linux/module.h for lib/zstd in the stub: no modules, no exports */
#ifndef ZSHIM_LINUX_MODULE_H
#define ZSHIM_LINUX_MODULE_H
#define EXPORT_SYMBOL(s)	struct zshim_export_##s
#define EXPORT_SYMBOL_GPL(s)	struct zshim_export_##s
#define MODULE_LICENSE(s)	struct zshim_module_license
#define MODULE_DESCRIPTION(s)	struct zshim_module_description
#endif /* ZSHIM_LINUX_MODULE_H */
