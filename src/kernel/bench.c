/* bench.c: ticks per operation for every op, and for the composite paths
 * that use them (the loops: benchloops.c).  Each repetition times the loop
 * at n and at 2n iterations and takes the difference, so loop set-up
 * cancels and, under TCG with icount (one tick per instruction), the
 * figure is the exact instruction count of one iteration.  n adapts so one
 * loop lasts about the target time on the running platform.  Kernel
 * arguments: bench[=name,name...], bench.reps=N, bench.target_us=N.
 * Code that runs once (sources.mk, cold-y). */
#include "defs.h"
#include "hv.h"
#include "paging.h"
#include "bench.h"

#define MAX_REPS 101

static volatile bool partner_stop;
static struct thread *partner;

void bench_irqs_on(void)
{
	hv_irq_enable();
}

void bench_irqs_off(void)
{
	hv_irq_disable();
}

void bench_save_off_flags(void)
{
	hv_irq_disable();
	bench_saved_flags = hv_irq_save();
}

void bench_scratch_map(void)
{
	bench_scratch_pte = vm_walk(vm_root(), bench_scratch_va, true);
	bench_scratch_val = hv_make_pte(bench_scratch_pa, PTE_P | PTE_W);
	hv_set_pte(bench_scratch_pte, bench_scratch_val);
}

void bench_scratch_unmap(void)
{
	vm_unmap(bench_scratch_va);
}

void bench_timer_cancel(void)
{
	hv_timer_set(0);
}

void bench_console_newline(void)
{
	hv_console_write("\n", 1);
}

static void partner_loop(void *arg)
{
	(void)arg;
	while (!partner_stop)
		thread_yield();
}

void bench_partner_start(void)
{
	partner_stop = false;
	partner = thread_create("bench-partner", partner_loop, NULL);
}

void bench_partner_end(void)
{
	partner_stop = true;
	while (thread_alive(partner))
		thread_yield();
}

/* Is name in the comma-separated list (NULL list: all)? */
static bool selected(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list || !*list)
		return true;
	for (const char *p = list; *p;) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
			return true;
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return false;
}

static void sort(i64 *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			i64 t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void run_one(const struct bench *b, const char *platform, int reps, u64 target_ns)
{
	i64 per_milli[MAX_REPS];
	u64 cap = b->max_iters ? b->max_iters : (1ULL << 24);
	u64 n = 1;
	struct hvbline l;

	if (b->setup)
		b->setup();
	for (;;) {			/* adapt n to the platform's speed */
		u64 t0 = hv_clock_ns();
		b->loop(n);
		u64 dt = hv_clock_ns() - t0;
		if (dt >= target_ns / 2 || n * 2 > cap)
			break;
		n *= 2;
	}
	for (int r = 0; r < reps; r++) {
		u64 s0 = rdtsc();
		b->loop(n);
		u64 s1 = rdtsc();
		b->loop(2 * n);
		u64 s2 = rdtsc();
		i64 d = (i64)(s2 - s1) - (i64)(s1 - s0);
		per_milli[r] = d > 0 ? (i64)((u64)d * 1000 / n) : 0;
	}
	if (b->teardown)
		b->teardown();
	sort(per_milli, reps);
	hvb_begin(&l, "bench");
	hvb_str(&l, "name", b->name);
	hvb_str(&l, "platform", platform);
	hvb_u64(&l, "iters", n);
	hvb_u64(&l, "reps", (u64)reps);
	hvb_milli(&l, "ticks_min", (u64)per_milli[0]);
	hvb_milli(&l, "ticks_median", (u64)per_milli[reps / 2]);
	hvb_milli(&l, "ticks_max", (u64)per_milli[reps - 1]);
	hvb_end(&l);
}

void bench_run(const char *platform)
{
	static char listbuf[BOOT_CMDLINE_MAX];
	const char *list = cmdline_get("bench", listbuf, sizeof(listbuf));
	int reps = (int)cmdline_u64("bench.reps", CONFIG_BENCH_REPS);
	u64 target_ns = cmdline_u64("bench.target_us", CONFIG_BENCH_TARGET_US) * 1000;
	struct hvbline l;

	if (reps < 1)
		reps = 1;
	if (reps > MAX_REPS)
		reps = MAX_REPS;
	bench_scratch_va = vm_alloc_va(1);
	bench_scratch_pa = pmm_alloc();
	hv_irq_disable();

	u64 c0 = hv_clock_ns(), k0 = rdtsc();
	kprintf("hvbundle: benchmarks, %d repetitions, ~%lu us per loop\n", reps, target_ns / 1000);
	for (size_t i = 0; i < bench_count; i++)
		if (selected(list, bench_table[i].name))
			run_one(&bench_table[i], platform, reps, target_ns);
	u64 c1 = hv_clock_ns(), k1 = rdtsc();

	hvb_begin(&l, "bench_info");
	hvb_str(&l, "platform", platform);
	hvb_str(&l, "variant", hv_variant_name);
	hvb_str(&l, "strategy", CONFIG_STRATEGY_NAME);
	hvb_u64(&l, "reps", (u64)reps);
	hvb_u64(&l, "target_us", target_ns / 1000);
	hvb_u64(&l, "tsc_khz", (k1 - k0) * 1000000 / (c1 - c0 + 1));
	hvb_u64(&l, "elapsed_us", (c1 - c0) / 1000);
	hvb_end(&l);
}
