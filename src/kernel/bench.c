/* bench.c: ticks per operation for every op, and for the composite paths
 * that use them.  Each repetition times the loop at n and at 2n iterations
 * and takes the difference, so loop set-up cancels and, under TCG with
 * icount (one tick per instruction), the figure is the exact instruction
 * count of one iteration.  n adapts so one loop lasts about the target
 * time on the running platform.  The lock wait is timed after a kick, so
 * that it returns (alone, a real wait blocks until kicked).  Kernel
 * arguments: bench[=name,name...], bench.reps=N, bench.target_us=N. */
#include "defs.h"
#include "hv.h"
#include "paging.h"
#include "spinlock.h"

#define MAX_REPS 101

struct bench {
	const char *name;
	void (*loop)(u64 n);
	u64 max_iters;
	void (*setup)(void);
	void (*teardown)(void);
};

static unsigned long saved_flags;
static u64 *scratch_pte, scratch_val;
static unsigned long scratch_va;
static u64 scratch_pa;
static volatile u32 lock_word;
static struct spinlock bench_lock = SPINLOCK_INIT;
static volatile bool partner_stop;
static struct thread *partner;

/* The compiler must neither delete a loop nor hoist the op's work out of
 * it: each iteration starts at a barrier (memory is assumed changed, so
 * loads are redone), the op's inputs are made opaque (assumed changed, so
 * nothing is folded or hoisted) and its outputs are consumed.  The inputs
 * are loaded once, before the loop, into registers: the loop then holds
 * the op and the loop's own three instructions, nothing else.
 * tests/boot/t_bench_loops.py checks every loop in the disassembly. */
#define OPAQUE(v) __asm__ __volatile__("" : "+r"(v))
#define CONSUME(v) __asm__ __volatile__("" : : "r"(v))

#define BENCH_LOOP(fn, init, body)			\
	static noinline void fn(u64 n)			\
	{						\
		init;					\
		for (u64 i = 0; i < n; i++) {		\
			barrier();			\
			body;				\
		}					\
	}
#define NOINIT do { } while (0)

BENCH_LOOP(loop_irq_disable, NOINIT, hv_irq_disable())
BENCH_LOOP(loop_irq_enable, NOINIT, hv_irq_enable())
BENCH_LOOP(loop_irq_save, NOINIT, unsigned long f = hv_irq_save(); CONSUME(f))
BENCH_LOOP(loop_irq_restore, unsigned long f = saved_flags, OPAQUE(f); hv_irq_restore(f))
BENCH_LOOP(loop_irq_save_restore, NOINIT, hv_irq_restore(hv_irq_save()))
BENCH_LOOP(loop_cpuid, u32 leaf = 0,
	   struct cpuid_regs r; OPAQUE(leaf); hv_cpuid(leaf, 0, &r); CONSUME(r.eax))
BENCH_LOOP(loop_load_root, u64 root = vm_root(), OPAQUE(root); hv_load_root(root))
BENCH_LOOP(loop_set_pte, u64 *p = scratch_pte; u64 v = scratch_val,
	   OPAQUE(p); OPAQUE(v); hv_set_pte(p, v))
BENCH_LOOP(loop_flush_one, unsigned long va = scratch_va, OPAQUE(va); hv_flush_one(va))
BENCH_LOOP(loop_flush_all, NOINIT, hv_flush_all())
BENCH_LOOP(loop_clock_ns, NOINIT, u64 t = hv_clock_ns(); CONSUME(t))
BENCH_LOOP(loop_timer_set, NOINIT, hv_timer_set(0xffffffffffffULL + i))
BENCH_LOOP(loop_console_write, const char *s = ".", OPAQUE(s); hv_console_write(s, 1))
/* The slow path's two ends on one CPU: a kick (no CPU waits on the word,
 * so under Xen the scan of the waiting vCPUs and no hypercall), and a wait
 * on a word that already moved (it says what it waits on, looks, and
 * returns without polling).  A wait on an unmoved word would sleep. */
BENCH_LOOP(loop_lock_kick_wait, volatile u32 *p = &lock_word,
	   OPAQUE(p); hv_lock_kick(p); hv_lock_wait(p, *p + 1))
BENCH_LOOP(loop_lock_kick, volatile u32 *p = &lock_word, OPAQUE(p); hv_lock_kick(p))
BENCH_LOOP(loop_halt_wakeup, NOINIT, hv_timer_set(hv_clock_ns()); hv_halt(); hv_irq_disable())
BENCH_LOOP(loop_spin_lock_irqsave, NOINIT,
	   unsigned long f = spin_lock_irqsave(&bench_lock); spin_unlock_irqrestore(&bench_lock, f))
BENCH_LOOP(loop_map_touch_unmap, unsigned long va = scratch_va; u64 pa = scratch_pa,
	   OPAQUE(va); OPAQUE(pa); vm_map(va, pa, PTE_W); *(volatile u64 *)va = i; vm_unmap(va))
BENCH_LOOP(loop_ctx_switch_pingpong, NOINIT, thread_yield())
BENCH_LOOP(loop_timer_irq_roundtrip, NOINIT,
	   u64 c = timer_irq_count(); hv_timer_set(hv_clock_ns()); while (timer_irq_count() == c) cpu_relax())

static void irqs_on(void)
{
	hv_irq_enable();
}

static void irqs_off(void)
{
	hv_irq_disable();
}

static void save_off_flags(void)
{
	hv_irq_disable();
	saved_flags = hv_irq_save();
}

static void scratch_map(void)
{
	scratch_pte = vm_walk(vm_root(), scratch_va, true);
	scratch_val = hv_make_pte(scratch_pa, PTE_P | PTE_W);
	hv_set_pte(scratch_pte, scratch_val);
}

static void scratch_unmap(void)
{
	vm_unmap(scratch_va);
}

static void timer_cancel(void)
{
	hv_timer_set(0);
}

static void console_newline(void)
{
	hv_console_write("\n", 1);
}

static void partner_loop(void *arg)
{
	(void)arg;
	while (!partner_stop)
		thread_yield();
}

static void partner_start(void)
{
	partner_stop = false;
	partner = thread_create("bench-partner", partner_loop, NULL);
}

static void partner_end(void)
{
	partner_stop = true;
	while (thread_alive(partner))
		thread_yield();
}

static const struct bench benches[] = {
	{ "irq_disable", loop_irq_disable, 0, NULL, NULL },
	{ "irq_enable", loop_irq_enable, 0, NULL, irqs_off },
	{ "irq_save", loop_irq_save, 0, NULL, NULL },
	{ "irq_restore", loop_irq_restore, 0, save_off_flags, NULL },
	{ "irq_save_restore", loop_irq_save_restore, 0, NULL, NULL },
	{ "cpuid", loop_cpuid, 0, NULL, NULL },
	{ "load_root", loop_load_root, 0, NULL, NULL },
	{ "set_pte", loop_set_pte, 0, scratch_map, scratch_unmap },
	{ "flush_one", loop_flush_one, 0, scratch_map, scratch_unmap },
	{ "flush_all", loop_flush_all, 0, NULL, NULL },
	{ "clock_ns", loop_clock_ns, 0, NULL, NULL },
	{ "timer_set", loop_timer_set, 0, NULL, timer_cancel },
	{ "console_write", loop_console_write, 16, NULL, console_newline },
	{ "lock_kick", loop_lock_kick, 0, NULL, NULL },
	{ "lock_kick_wait", loop_lock_kick_wait, 0, NULL, NULL },
	{ "halt_wakeup", loop_halt_wakeup, 0, NULL, timer_cancel },
	{ "spin_lock_irqsave", loop_spin_lock_irqsave, 0, NULL, NULL },
	{ "map_touch_unmap", loop_map_touch_unmap, 0, NULL, NULL },
	{ "ctx_switch_pingpong", loop_ctx_switch_pingpong, 0, partner_start, partner_end },
	{ "timer_irq_roundtrip", loop_timer_irq_roundtrip, 0, irqs_on, irqs_off },
};

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
	scratch_va = vm_alloc_va(1);
	scratch_pa = pmm_alloc();
	hv_irq_disable();

	u64 c0 = hv_clock_ns(), k0 = rdtsc();
	kprintf("hvbundle: benchmarks, %d repetitions, ~%lu us per loop\n", reps, target_ns / 1000);
	for (size_t i = 0; i < ARRAY_SIZE(benches); i++)
		if (selected(list, benches[i].name))
			run_one(&benches[i], platform, reps, target_ns);
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
