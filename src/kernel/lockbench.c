/* lockbench.c: a contended lock, measured (kernel argument lockbench).
 * One thread per CPU takes one ticket lock over and over for
 * lockbench.ms milliseconds of the platform clock: a short critical
 * section (lockbench.hold turns of work on shared data), then as much
 * work outside.  Reported: acquisitions per second, and the worst and the
 * mean wait for the lock.  lock.spin=0 makes every waiter spin only;
 * otherwise waiters go to the backend's slow path after lock.spin turns,
 * which is the comparison tools/locktable tabulates.  timeouts: slow-path
 * waits that lasted their deadline (lock_wait.h; any is a failed run).
 * Wall-clock of the guest: under TCG neither a hardware figure nor a
 * quiet one. */
#include "defs.h"
#include "hv.h"
#include "percpu.h"
#include "spinlock.h"
#include "lock_wait.h"

struct lb_cpu {
	u64 acquired, wait_max, wait_sum;
} __aligned(64);

static struct spinlock lb_lock = SPINLOCK_INIT;
static volatile u64 lb_shared[8];
static struct lb_cpu lb[NR_CPUS];
static volatile u64 lb_start, lb_end;
static u64 lb_hold;

static void work(u64 turns, volatile u64 *where)
{
	for (u64 i = 0; i < turns; i++)
		where[i & 7]++;
}

static void lb_thread(void *arg)
{
	struct lb_cpu *me = arg;
	volatile u64 mine[8] = { 0 };

	while (hv_clock_ns() < lb_start)
		cpu_relax();
	for (;;) {
		u64 t0 = hv_clock_ns();
		if (t0 >= lb_end)
			break;
		spin_lock(&lb_lock);
		u64 w = hv_clock_ns() - t0;
		work(lb_hold, lb_shared);
		spin_unlock(&lb_lock);
		me->acquired++;
		me->wait_sum += w;
		if (w > me->wait_max)
			me->wait_max = w;
		work(lb_hold, mine);
	}
}

void lockbench_run(void)
{
	u64 ms = cmdline_u64("lockbench.ms", 200), n = smp_ncpus;
	struct thread *t[NR_CPUS];
	struct lb_cpu all = { 0, 0, 0 };
	struct hvbline l;

	lb_hold = cmdline_u64("lockbench.hold", 20);
	lb_start = hv_clock_ns() + 20000000;		/* every thread started by then */
	lb_end = lb_start + ms * 1000000;
	for (u32 i = 0; i < n; i++)
		t[i] = thread_create_on(i, "lockbench", lb_thread, &lb[i]);
	for (u32 i = 0; i < n; i++)
		while (thread_alive(t[i]))
			thread_yield();
	u64 secs_ns = hv_clock_ns() - lb_start;
	for (u32 i = 0; i < n; i++) {
		all.acquired += lb[i].acquired;
		all.wait_sum += lb[i].wait_sum;
		if (lb[i].wait_max > all.wait_max)
			all.wait_max = lb[i].wait_max;
	}
	hvb_begin(&l, "lockbench");
	hvb_u64(&l, "cpus", n);
	hvb_u64(&l, "spin", spin_slow_after);
	hvb_u64(&l, "hold", lb_hold);
	hvb_u64(&l, "ms", ms);
	hvb_u64(&l, "elapsed_us", secs_ns / 1000);
	hvb_u64(&l, "acquisitions", all.acquired);
	hvb_u64(&l, "per_s", all.acquired * 1000000000ull / (ms * 1000000));
	hvb_u64(&l, "wait_max_ns", all.wait_max);
	hvb_u64(&l, "wait_mean_ns", all.acquired ? all.wait_sum / all.acquired : 0);
	hvb_u64(&l, "timeouts", READ_ONCE(lock_wait_timeouts));
	hvb_end(&l);
}
