/* work.c: a whole workload, the paths a real kernel hits, timed as one:
 * map, touch and unmap many pages; two threads ping-ponging over a lock;
 * timer interrupts; console output.  Under icount its ticks are its total
 * instructions (no phase waits on the clock: timers are armed already due,
 * nothing halts), so direct, pvops patched and pvops unpatched compare
 * exactly.  With pvops and pv.count=1 every op it runs is counted too.
 * Kernel arguments: work, work.pages=N, work.rounds=N, work.irqs=N,
 * work.lines=N. */
#include "defs.h"
#include "hv.h"
#include "paging.h"
#include "spinlock.h"

#define MAX_PAGES 1024

struct work {
	u64 pages, rounds, irqs, lines;
	unsigned long va;
	u64 frames[MAX_PAGES];
};

static struct work w;
static struct spinlock work_lock = SPINLOCK_INIT;
static volatile u64 shared_counter;
static volatile bool partner_stop;

static void map_touch_unmap(void)
{
	for (u64 i = 0; i < w.pages; i++)
		vm_map(w.va + i * PAGE_SIZE, w.frames[i], PTE_W);
	for (u64 i = 0; i < w.pages; i++)
		*(volatile u64 *)(w.va + i * PAGE_SIZE) = i;
	for (u64 i = 0; i < w.pages; i++)
		vm_unmap(w.va + i * PAGE_SIZE);
}

static void bump(void)
{
	unsigned long f = spin_lock_irqsave(&work_lock);
	shared_counter++;
	spin_unlock_irqrestore(&work_lock, f);
}

static void partner(void *arg)
{
	(void)arg;
	while (!partner_stop) {
		bump();
		thread_yield();
	}
}

static void ping_pong(void)
{
	for (u64 i = 0; i < w.rounds; i++) {
		bump();
		thread_yield();
	}
}

/* Each timer armed already due: the interrupt comes at once. */
static void timer_irqs(void)
{
	hv_irq_enable();
	for (u64 i = 0; i < w.irqs; i++) {
		u64 c = timer_irq_count();
		hv_timer_set(hv_clock_ns());
		while (timer_irq_count() == c)
			cpu_relax();
	}
	hv_irq_disable();
}

static void console(void)
{
	for (u64 i = 0; i < w.lines; i++)
		kprintf("hvbundle: work: console line %lu of %lu\n", i + 1, w.lines);
}

static const struct {
	const char *name;
	void (*run)(void);
} phases[] = {
	{ "map_touch_unmap", map_touch_unmap },
	{ "ping_pong", ping_pong },
	{ "timer_irqs", timer_irqs },
	{ "console", console },
};

#ifdef CONFIG_STRATEGY_PVOPS
static u64 ops_before[PV_NR_OPS];
static void count_start(void)
{
	if (pv_counting())
		pv_count_snapshot(ops_before);
}
static void count_report(void)
{
	if (pv_counting())
		pv_count_report("work_ops", ops_before);
}
#else
static void count_start(void) { }
static void count_report(void) { }
#endif /* CONFIG_STRATEGY_PVOPS */

static void setup(void)
{
	w.pages = cmdline_u64("work.pages", 256);
	w.rounds = cmdline_u64("work.rounds", 200);
	w.irqs = cmdline_u64("work.irqs", 20);
	w.lines = cmdline_u64("work.lines", 8);
	if (w.pages > MAX_PAGES)
		w.pages = MAX_PAGES;
	w.va = vm_alloc_va(w.pages);
	for (u64 i = 0; i < w.pages; i++)
		w.frames[i] = pmm_alloc();
}

void work_run(const char *platform)
{
	u64 ticks[ARRAY_SIZE(phases)];
	struct hvbline l;

	setup();
	partner_stop = false;
	struct thread *t = thread_create("work-partner", partner, NULL);
	hv_irq_disable();
	count_start();
	u64 t0 = rdtsc();
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
		u64 s = rdtsc();
		phases[i].run();
		ticks[i] = rdtsc() - s;
	}
	u64 total = rdtsc() - t0;
	count_report();
	partner_stop = true;
	while (thread_alive(t))
		thread_yield();

	hvb_begin(&l, "work");
	hvb_str(&l, "platform", platform);
	hvb_str(&l, "variant", hv_variant_name);
	hvb_str(&l, "strategy", CONFIG_STRATEGY_NAME);
	hvb_u64(&l, "pages", w.pages);
	hvb_u64(&l, "rounds", w.rounds);
	hvb_u64(&l, "irqs", w.irqs);
	hvb_u64(&l, "lines", w.lines);
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++)
		hvb_u64(&l, phases[i].name, ticks[i]);
	hvb_u64(&l, "ticks", total);
	hvb_end(&l);
}
