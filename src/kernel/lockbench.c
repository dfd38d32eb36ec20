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
 * quiet one.  The threads' loop is benchloops.c's lockbench_thread; this
 * harness is code that runs once (sources.mk, cold-y). */
#include "defs.h"
#include "hv.h"
#include "percpu.h"
#include "spinlock.h"
#include "bench.h"
#include "lock_wait.h"

void lockbench_run(void)
{
	u64 ms = cmdline_u64("lockbench.ms", 200), n = smp_ncpus;
	struct thread *t[NR_CPUS];
	struct lockbench_cpu all = { 0, 0, 0 };
	struct hvbline l;

	lockbench_hold = cmdline_u64("lockbench.hold", 20);
	lockbench_start = hv_clock_ns() + 20000000;		/* every thread started by then */
	lockbench_end = lockbench_start + ms * 1000000;
	for (u32 i = 0; i < n; i++)
		t[i] = thread_create_on(i, "lockbench", lockbench_thread, &lockbench_cpus[i]);
	for (u32 i = 0; i < n; i++)
		while (thread_alive(t[i]))
			thread_yield();
	u64 secs_ns = hv_clock_ns() - lockbench_start;
	for (u32 i = 0; i < n; i++) {
		all.acquired += lockbench_cpus[i].acquired;
		all.wait_sum += lockbench_cpus[i].wait_sum;
		if (lockbench_cpus[i].wait_max > all.wait_max)
			all.wait_max = lockbench_cpus[i].wait_max;
	}
	hvb_begin(&l, "lockbench");
	hvb_u64(&l, "cpus", n);
	hvb_u64(&l, "spin", spin_slow_after);
	hvb_u64(&l, "hold", lockbench_hold);
	hvb_u64(&l, "ms", ms);
	hvb_u64(&l, "elapsed_us", secs_ns / 1000);
	hvb_u64(&l, "acquisitions", all.acquired);
	hvb_u64(&l, "per_s", all.acquired * 1000000000ull / (ms * 1000000));
	hvb_u64(&l, "wait_max_ns", all.wait_max);
	hvb_u64(&l, "wait_mean_ns", all.acquired ? all.wait_sum / all.acquired : 0);
	hvb_u64(&l, "timeouts", READ_ONCE(lock_wait_timeouts));
	hvb_end(&l);
}
