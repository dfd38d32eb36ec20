/* benchloops.c: the loop of every bench (bench.c runs and times them):
 * one op, or one composite path, per iteration.  A hot path like any
 * other: under the hot inlining policy its hot ops are inlined, so each
 * loop measures what the kernel's own callers run.  The lock wait is
 * timed after a kick, so that it returns (alone, a real wait blocks until
 * kicked). */
#include "defs.h"
#include "hv.h"
#include "paging.h"
#include "spinlock.h"
#include "bench.h"

unsigned long bench_saved_flags;
u64 *bench_scratch_pte, bench_scratch_val;
unsigned long bench_scratch_va;
u64 bench_scratch_pa;
static volatile u32 lock_word;
static struct spinlock bench_lock = SPINLOCK_INIT;

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
BENCH_LOOP(loop_irq_restore, unsigned long f = bench_saved_flags, OPAQUE(f); hv_irq_restore(f))
BENCH_LOOP(loop_irq_save_restore, NOINIT, hv_irq_restore(hv_irq_save()))
BENCH_LOOP(loop_cpuid, u32 leaf = 0,
	   struct cpuid_regs r; OPAQUE(leaf); hv_cpuid(leaf, 0, &r); CONSUME(r.eax))
BENCH_LOOP(loop_load_root, u64 root = vm_root(), OPAQUE(root); hv_load_root(root))
BENCH_LOOP(loop_set_pte, u64 *p = bench_scratch_pte; u64 v = bench_scratch_val,
	   OPAQUE(p); OPAQUE(v); hv_set_pte(p, v))
BENCH_LOOP(loop_flush_one, unsigned long va = bench_scratch_va, OPAQUE(va); hv_flush_one(va))
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
BENCH_LOOP(loop_map_touch_unmap, unsigned long va = bench_scratch_va; u64 pa = bench_scratch_pa,
	   OPAQUE(va); OPAQUE(pa); vm_map(va, pa, PTE_W); *(volatile u64 *)va = i; vm_unmap(va))
BENCH_LOOP(loop_ctx_switch_pingpong, NOINIT, thread_yield())
BENCH_LOOP(loop_timer_irq_roundtrip, NOINIT,
	   u64 c = timer_irq_count(); hv_timer_set(hv_clock_ns()); while (timer_irq_count() == c) cpu_relax())

const struct bench bench_table[] = {
	{ "irq_disable", loop_irq_disable, 0, NULL, NULL },
	{ "irq_enable", loop_irq_enable, 0, NULL, bench_irqs_off },
	{ "irq_save", loop_irq_save, 0, NULL, NULL },
	{ "irq_restore", loop_irq_restore, 0, bench_save_off_flags, NULL },
	{ "irq_save_restore", loop_irq_save_restore, 0, NULL, NULL },
	{ "cpuid", loop_cpuid, 0, NULL, NULL },
	{ "load_root", loop_load_root, 0, NULL, NULL },
	{ "set_pte", loop_set_pte, 0, bench_scratch_map, bench_scratch_unmap },
	{ "flush_one", loop_flush_one, 0, bench_scratch_map, bench_scratch_unmap },
	{ "flush_all", loop_flush_all, 0, NULL, NULL },
	{ "clock_ns", loop_clock_ns, 0, NULL, NULL },
	{ "timer_set", loop_timer_set, 0, NULL, bench_timer_cancel },
	{ "console_write", loop_console_write, 16, NULL, bench_console_newline },
	{ "lock_kick", loop_lock_kick, 0, NULL, NULL },
	{ "lock_kick_wait", loop_lock_kick_wait, 0, NULL, NULL },
	{ "halt_wakeup", loop_halt_wakeup, 0, NULL, bench_timer_cancel },
	{ "spin_lock_irqsave", loop_spin_lock_irqsave, 0, NULL, NULL },
	{ "map_touch_unmap", loop_map_touch_unmap, 0, NULL, NULL },
	{ "ctx_switch_pingpong", loop_ctx_switch_pingpong, 0, bench_partner_start, bench_partner_end },
	{ "timer_irq_roundtrip", loop_timer_irq_roundtrip, 0, bench_irqs_on, bench_irqs_off },
};

const size_t bench_count = ARRAY_SIZE(bench_table);

/* lockbench (lockbench.c): each CPU's thread takes the lock over and over,
 * a short critical section, then as much work outside, until the end. */
struct lockbench_cpu lockbench_cpus[NR_CPUS];
volatile u64 lockbench_start, lockbench_end;
u64 lockbench_hold;
static struct spinlock lb_lock = SPINLOCK_INIT;
static volatile u64 lb_shared[8];

static void work(u64 turns, volatile u64 *where)
{
	for (u64 i = 0; i < turns; i++)
		where[i & 7]++;
}

void lockbench_thread(void *arg)
{
	struct lockbench_cpu *me = arg;
	volatile u64 mine[8] = { 0 };

	while (hv_clock_ns() < lockbench_start)
		cpu_relax();
	for (;;) {
		u64 t0 = hv_clock_ns();
		if (t0 >= lockbench_end)
			break;
		spin_lock(&lb_lock);
		u64 w = hv_clock_ns() - t0;
		work(lockbench_hold, lb_shared);
		spin_unlock(&lb_lock);
		me->acquired++;
		me->wait_sum += w;
		if (w > me->wait_max)
			me->wait_max = w;
		work(lockbench_hold, mine);
	}
}
