/* smptest.c: the SMP self-test (kernel argument smp): every CPU runs a
 * thread and reports in; each CPU's %gs reaches its own record; an IPI to
 * each other CPU arrives; CPUs incrementing one counter under a ticket
 * lock end with the exact total; waiters pushed into the slow path
 * (lock_wait) are woken by the unlocker's kick; and a stress run that
 * sends every contended acquire to the slow path at once loses no
 * wake-up: no wait ended by its deadline (lock_wait.h) since boot. */
#include "defs.h"
#include "hv.h"
#include "percpu.h"
#include "spinlock.h"
#include "lock_wait.h"

#define WAIT_NS		30000000000ull	/* a step not over in 30 s fails */
#define COUNT_ROUNDS	5000
#define WAKE_ROUNDS	50
#define WAKE_SPIN	16		/* turns before the slow path, in the wake test */
#define HOLD_TURNS	(1u << 14)	/* how long a holder waits to see a sleeper */
#define STRESS_MS	300		/* the stress run's length (smp.stress_ms=N) */

static struct selftest_tally tally;

static void result(const char *name, bool ok, const char *detail)
{
	selftest_result(&tally, name, ok, detail);
}

/* Run fn(arg of CPU i) on every CPU, one thread each; wait for all to
 * end.  False if some did not within WAIT_NS. */
static bool on_every_cpu(const char *name, void (*fn)(void *), void *args, size_t argsz)
{
	struct thread *t[NR_CPUS];
	u32 n = smp_ncpus;

	for (u32 i = 0; i < n; i++)
		t[i] = thread_create_on(i, name, fn, (u8 *)args + i * argsz);
	u64 end = hv_clock_ns() + WAIT_NS;
	for (u32 i = 0; i < n; i++)
		while (thread_alive(t[i]))
			if (hv_clock_ns() > end)
				return false;
			else
				thread_yield();
	return true;
}

struct report_in {
	u32 cpu;
	struct percpu *self;
	u64 marker;
};

static void report_in(void *arg)
{
	struct report_in *r = arg;
	u32 cpu = smp_cpu_id();

	r->cpu = cpu;
	r->self = this_cpu();
	__asm__ __volatile__("movq %0, %%gs:%c1" : : "r"(0x5050000ull + cpu),
			     "i"(__builtin_offsetof(struct percpu, marker)) : "memory");
	r->marker = percpu_area[cpu].marker;
}

static void test_report_in(void)
{
	static struct report_in r[NR_CPUS];
	u32 n = smp_ncpus, in = 0, distinct = 0;
	char d[96];

	for (u32 i = 0; i < n; i++)
		r[i].cpu = ~0u;
	bool all = on_every_cpu("smp-in", report_in, r, sizeof(r[0]));
	for (u32 i = 0; i < n; i++) {
		in += r[i].cpu == i;
		distinct += r[i].self == &percpu_area[i] && r[i].marker == 0x5050000ull + i;
	}
	snprintf(d, sizeof(d), "%u of %u CPUs ran a thread and reported in", in, n);
	result("smp_cpus", all && in == n, d);
	snprintf(d, sizeof(d), "%u of %u CPUs saw their own record and marker through %%gs",
		 distinct, n);
	result("smp_percpu", all && distinct == n, d);
}

static void test_ipi(void)
{
	u32 n = smp_ncpus, arrived = 0;
	char d[64];

	for (u32 i = 1; i < n; i++) {
		u64 before = READ_ONCE(percpu_area[i].ipis), end = hv_clock_ns() + WAIT_NS;
		hv_send_ipi(i);
		while (READ_ONCE(percpu_area[i].ipis) == before && hv_clock_ns() < end)
			cpu_relax();
		arrived += READ_ONCE(percpu_area[i].ipis) != before;
	}
	snprintf(d, sizeof(d), "%u of %u IPIs arrived", arrived, n - 1);
	result("smp_ipi", arrived == n - 1, d);
}

static struct spinlock test_lock = SPINLOCK_INIT;
static u64 counter;			/* only ever changed under test_lock */
static volatile u32 sleepers_seen;

static void count_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNT_ROUNDS; i++) {
		unsigned long f = spin_lock_irqsave(&test_lock);
		counter++;
		spin_unlock_irqrestore(&test_lock, f);
	}
}

/* Each round: take the lock, and hold it until another CPU is seen in the
 * slow path (or a while has passed); the unlock must wake it. */
static void wake_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < WAKE_ROUNDS; i++) {
		spin_lock(&test_lock);
		counter++;
		for (u32 t = 0; smp_ncpus > 1 && t < HOLD_TURNS; t++) {
			if (READ_ONCE(test_lock.sleepers)) {
				__atomic_fetch_add(&sleepers_seen, 1, __ATOMIC_RELAXED);
				break;
			}
			cpu_relax();
		}
		spin_unlock(&test_lock);
	}
}

static volatile u32 stress_ready;
static volatile u64 stress_end;

/* Critical sections and the work between them of pseudo-random length
 * (0 to 60 turns inside, 0 to 240 outside), so arrivals fall anywhere in
 * the holder's turn: the short holds hand the lock over while the next
 * waiter is on its way into the slow path (where a waiter that then
 * polled on its own ticket would never be kicked), the long ones make it
 * sleep and be kicked.  Half the rounds with events masked (Xen: the poll
 * must not need the upcall), half with them on.  Each CPU counts its own
 * acquisitions, so the shared counter's total is known. */
static void stress_thread(void *arg)
{
	u64 *mine = arg, i = 0, x = (u64)arg;

	/* All at once: a CPU that started late must not find the others done. */
	__atomic_fetch_add(&stress_ready, 1, __ATOMIC_SEQ_CST);
	while (READ_ONCE(stress_ready) < smp_ncpus)
		cpu_relax();
	for (; hv_clock_ns() < stress_end; i++) {
		unsigned long f = hv_irq_save();

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (i & 1)
			hv_irq_disable();
		spin_lock(&test_lock);
		counter++;
		for (u32 t = 0; t < (x >> 60) * 4; t++)
			cpu_relax();
		spin_unlock(&test_lock);
		hv_irq_restore(f);
		for (u32 t = 0; t < (x >> 52 & 15) * 16; t++)
			cpu_relax();
	}
	*mine = i;
}

/* Slow-path entries and lock_wait calls, every CPU, since boot. */
static void lock_slow_all(u64 *slow, u64 *waits)
{
	*slow = *waits = 0;
	for (u32 i = 0; i < smp_ncpus; i++) {
		*slow += READ_ONCE(percpu_area[i].lock_slow);
		*waits += READ_ONCE(percpu_area[i].lock_waits);
	}
}

static void test_lock_count(void)
{
	u32 n = smp_ncpus;
	char d[96];

	counter = 0;
	u64 t0 = hv_clock_ns();
	bool all = on_every_cpu("smp-count", count_thread, NULL, 0);
	snprintf(d, sizeof(d), "%u CPUs x %d increments: %lu in %lu us", n, COUNT_ROUNDS, counter,
		 (hv_clock_ns() - t0) / 1000);
	result("smp_lock_count", all && counter == (u64)n * COUNT_ROUNDS, d);
}

static void test_lock_wake(void)
{
	u32 n = smp_ncpus, saved = spin_slow_after;
	char d[128];

	counter = 0;
	sleepers_seen = 0;
	spin_slow_after = WAKE_SPIN;
	u64 t0 = hv_clock_ns();
	bool all = on_every_cpu("smp-wake", wake_thread, NULL, 0);
	spin_slow_after = saved;
	snprintf(d, sizeof(d), "%u CPUs x %d rounds: %lu in %lu us; a holder saw a sleeping "
		 "waiter %u times", n, WAKE_ROUNDS, counter, (hv_clock_ns() - t0) / 1000,
		 sleepers_seen);
	result("smp_lock_wake", all && counter == (u64)n * WAKE_ROUNDS && (n == 1 || sleepers_seen),
	       d);
}

/* Every contended acquire straight to the slow path (lock.spin=1) for
 * smp.stress_ms milliseconds: as many sleeps and kicks as the CPUs can
 * make, so a wake-up lost in a narrow window shows.  Fails on any wait
 * that ended by its deadline, here or in an earlier test.  Where
 * lock_wait only spins (native, KVM) every turn is a slow path with its
 * two atomics; it is timed, not counted, so that costs no more time. */
static void test_lock_stress(void)
{
	static u64 mine[NR_CPUS];
	u32 n = smp_ncpus, saved = spin_slow_after;
	u64 ms = cmdline_u64("smp.stress_ms", STRESS_MS), slow0, waits0, slow, waits, sum = 0;
	char d[192];

	counter = 0;
	stress_ready = 0;
	spin_slow_after = 1;
	lock_slow_all(&slow0, &waits0);
	u64 t0 = hv_clock_ns();
	stress_end = t0 + ms * 1000000;
	bool all = on_every_cpu("smp-stress", stress_thread, mine, sizeof(mine[0]));
	u64 us = (hv_clock_ns() - t0) / 1000;
	lock_slow_all(&slow, &waits);
	slow -= slow0;
	waits -= waits0;
	spin_slow_after = saved;
	for (u32 i = 0; i < n; i++)
		sum += mine[i];
	u32 lost = READ_ONCE(lock_wait_timeouts);
	snprintf(d, sizeof(d), "%u CPUs, %lu ms: %lu of %lu in %lu us; %lu slow paths, %lu waits, "
		 "%u waits since boot ended by the deadline", n, ms, counter, sum, us, slow, waits,
		 lost);
	result("smp_lock_stress", all && counter == sum && lost == 0 && (n == 1 || waits > 0), d);
}

int smp_selftest(void)
{
	struct hvbline l;

	kprintf("hvbundle: SMP self-test on %u CPUs\n", smp_ncpus);
	hv_irq_enable();
	test_report_in();
	test_ipi();
	test_lock_count();
	test_lock_wake();
	test_lock_stress();
	hvb_begin(&l, "smptest_done");
	hvb_u64(&l, "cpus", smp_ncpus);
	return selftest_tally_end(&l, &tally);
}
