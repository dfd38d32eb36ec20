/* main.c: bring the kernel up in a fixed order, run what the kernel
 * arguments ask for (selftest, bench, fault=), report, shut down. */
#include "defs.h"
#include "hv.h"
#include "hv_detect.h"

#define STATUS_OK		0
#define STATUS_WRONG_PLATFORM	3

static const char *const variant = hv_variant_name;
static const char *const strategy = CONFIG_STRATEGY_NAME;

__noreturn void kernel_done(int status)
{
	struct hvbline l;

	hv_op_count_report();
	hvb_begin(&l, "done");
	hvb_i64(&l, "status", status);
	hvb_end(&l);
	hv_shutdown(status);
}

/* An argument asking for something this configuration left out. */
static inline void not_built(const char *arg, const char *option)
{
	if (cmdline_has(arg))
		kprintf("hvbundle: \"%s\" ignored: this kernel is built without %s\n", arg, option);
}

static void boot_line(struct boot_info *bi, const struct hv_detect *d, u32 cpus)
{
	struct hvbline l;

	hvb_begin(&l, "boot");
	hvb_str(&l, "variant", variant);
	hvb_str(&l, "platform", hv_platform_names[d->platform]);
	hvb_str(&l, "signature", d->signature);
	hvb_str(&l, "strategy", strategy);
	hvb_str(&l, "entry", bi->entry);
	hvb_str(&l, "clock", hv_clock_name);
	hvb_u64(&l, "cpus", cpus);
	hvb_hex(&l, "image_hash", bi->image_hash);
	hvb_end(&l);
}

/* This variant cannot run: say why, in words and as an @hvb line. */
static __noreturn void refuse(const char *why)
{
	struct hvbline l;

	kprintf("hvbundle: %s\n", why);
	hvb_begin(&l, "error");
	hvb_str(&l, "message", why);
	hvb_end(&l);
	kernel_done(STATUS_WRONG_PLATFORM);
}

__noreturn void kmain(struct boot_info *bi)
{
	struct hv_detect plat;
	int status = STATUS_OK;

	cmdline_init(bi->cmdline);
	const char *why = hv_setup(bi);
	kprintf("hvbundle: %s variant, %s ops, entered through %s, args \"%s\"\n",
		variant, strategy, bi->entry, bi->cmdline);
	platform_detect(bi, &plat);
	boot_line(bi, &plat, why ? 1 : smp_probe(bi));
	hv_boot_report();
	if (!strcmp(plat.platform_reason, "unknown-signature"))
		kprintf("hvbundle: unknown hypervisor signature \"%s\": taking the native variant\n",
			plat.signature);
	if (why)
		refuse(why);
	if (plat.error)			/* the stub stops on the same argument */
		refuse(plat.error);
	if (bi->nmem <= 0)
		panic("the boot loader gave no memory map (entry %s)", bi->entry);

	trap_init();
	pmm_init(bi);
	vm_init(bi);
	hv_setup_irq();
	spinlock_init();
	thread_init();
	smp_boot();

#ifdef CONFIG_FAULT_INJECT
	char fault[16];
	const char *f = cmdline_get("fault", fault, sizeof(fault));
	if (f)
		fault_inject(f);
#else
	not_built("fault", "CONFIG_FAULT_INJECT");
#endif /* CONFIG_FAULT_INJECT */
#ifdef CONFIG_SELFTEST
	if (cmdline_has("selftest"))
		status |= selftest_run();
	if (cmdline_has("smp"))
		status |= smp_selftest();
#else
	not_built("selftest", "CONFIG_SELFTEST");
	not_built("smp", "CONFIG_SELFTEST");
#endif /* CONFIG_SELFTEST */
#ifdef CONFIG_BENCH
	if (cmdline_has("bench"))
		bench_run(hv_platform_names[plat.platform]);
	if (cmdline_has("work"))
		work_run(hv_platform_names[plat.platform]);
	if (cmdline_has("lockbench"))
		lockbench_run();
#else
	not_built("bench", "CONFIG_BENCH");
	not_built("work", "CONFIG_BENCH");
	not_built("lockbench", "CONFIG_BENCH");
#endif /* CONFIG_BENCH */
	kernel_done(status);
}
