/* selftest.c: check that each op really did its job, by its effect on the
 * machine rather than by asking the op again where that is possible: an
 * interrupt is or is not delivered, a mapping reads back or faults, a
 * stale translation is gone after a flush, the clock moves at a sane rate. */
#include "defs.h"
#include "hv.h"
#include "paging.h"
#include "spinlock.h"
#include "native/time.h"		/* PIT_HZ */

static struct selftest_tally tally;

/* One self-test result as an @hvb line, counted in T (the SMP self-test,
 * smptest.c, keeps its own tally and reports through this too). */
void selftest_result(struct selftest_tally *t, const char *name, bool ok, const char *detail)
{
	struct hvbline l;

	hvb_begin(&l, "selftest");
	hvb_str(&l, "name", name);
	hvb_str(&l, "result", ok ? "pass" : "fail");
	if (detail && *detail)
		hvb_str(&l, "detail", detail);
	hvb_end(&l);
	if (ok)
		t->passed++;
	else
		t->failed++;
}

/* End a *_done line begun by the caller with T's counts; 1 if any failed. */
int selftest_tally_end(struct hvbline *l, const struct selftest_tally *t)
{
	hvb_u64(l, "passed", (u64)t->passed);
	hvb_u64(l, "failed", (u64)t->failed);
	hvb_end(l);
	return t->failed ? 1 : 0;
}

static void result(const char *name, bool ok, const char *detail)
{
	selftest_result(&tally, name, ok, detail);
}

/* Spin (interrupts as they are) until the timer count moves or ns pass. */
static bool wait_irq(u64 count0, u64 ns)
{
	u64 end = hv_clock_ns() + ns;

	while (hv_clock_ns() < end)
		if (timer_irq_count() != count0)
			return true;
	return timer_irq_count() != count0;
}

static void test_irq_flags(void)
{
	char d[96];
	hv_irq_disable();
	unsigned long off = hv_irq_save();
	hv_irq_enable();
	unsigned long on = hv_irq_save();
	hv_irq_restore(off);
	unsigned long after_restore_off = hv_irq_save();
	hv_irq_restore(on);
	unsigned long after_restore_on = hv_irq_save();
	hv_irq_disable();
	bool ok = hv_irq_flags_disabled(off) && !hv_irq_flags_disabled(on) &&
		  hv_irq_flags_disabled(after_restore_off) && !hv_irq_flags_disabled(after_restore_on);
	snprintf(d, sizeof(d), "flags off=%lx on=%lx restored %lx/%lx", off, on,
		 after_restore_off, after_restore_on);
	result("irq_flags", ok, d);
}

/* The flag must gate delivery: a due timer interrupt waits while disabled
 * and arrives once enabled, by hv_irq_enable and by hv_irq_restore, at
 * once where that is the op's job.  Under Xen the op itself must look for
 * a pending event and have it delivered before its caller reads anything;
 * late would not do, since Xen delivers a pending event on its next entry
 * anyway, so an op that forgot to look would pass a test that waits.  On
 * hardware and KVM the CPU or the hypervisor injects it (KVM at its next
 * entry, not always before the next instruction), so there late is right. */
static void test_irq_delivery(void)
{
	char d[160];
	bool op_delivers = !strcmp(hv_backend_name, "xen");

	hv_irq_disable();
	u64 c0 = timer_irq_count();
	hv_timer_set(hv_clock_ns() + 10000);
	bool early = wait_irq(c0, 20000000);	/* 20 ms: due long before the unmask */
	hv_irq_enable();
	bool at_once = timer_irq_count() != c0;
	bool arrived = wait_irq(c0, 1000000000);	/* 1 s: a loaded host's QEMU can be late */
	hv_irq_disable();

	unsigned long off = hv_irq_save();
	hv_irq_enable();
	unsigned long on = hv_irq_save();
	hv_irq_disable();
	u64 c1 = timer_irq_count();
	hv_timer_set(hv_clock_ns() + 10000);
	hv_irq_restore(off);
	bool early2 = wait_irq(c1, 20000000);
	hv_irq_restore(on);
	bool at_once2 = timer_irq_count() != c1;
	bool arrived2 = wait_irq(c1, 1000000000);
	hv_irq_disable();
	snprintf(d, sizeof(d), "disabled held it=%d, enable delivered=%d (at once %d), "
		 "restore(off) held=%d, restore(on) delivered=%d (at once %d)",
		 !early, arrived, at_once, !early2, arrived2, at_once2);
	result("irq_delivery", !early && arrived && !early2 && arrived2 &&
	       ((at_once && at_once2) || !op_delivers), d);
}

static void test_timer(void)
{
	char d[96];
	const u64 delay = 1000000;	/* 1 ms */
	u64 c0 = timer_irq_count();
	u64 t0 = hv_clock_ns();

	hv_timer_set(t0 + delay);
	while (timer_irq_count() == c0 && hv_clock_ns() - t0 < 1000000000ULL)
		hv_halt();		/* enables, waits; the handler runs */
	hv_irq_disable();
	u64 fired = timer_last_irq_ns();
	bool ok = timer_irq_count() != c0 && fired >= t0 + delay && fired - t0 < 500000000ULL;
	snprintf(d, sizeof(d), "asked %lu ns, fired after %lu ns", delay, fired - t0);
	result("timer_halt", ok, d);
}

/* A time sample: the TSC and the clock read back to back. */
static void sample(u64 *ns, u64 *tsc)
{
	*tsc = rdtsc();
	*ns = hv_clock_ns();
}

/* The clock's rate against an independent clock, the PIT, where there is
 * one (platform_pit_wait; not under Xen PV, which has no port I/O): the
 * TSC comparison below
 * cannot see a clock that is wrongly scaled (kvmclock read at twice its
 * rate still ticks steadily against the TSC).  Over 10 ms of PIT counts,
 * the best of three tries (a preempted try only reads long), in parts per
 * thousand of the PIT's time; 0 when there is no PIT here. */
static u64 clock_vs_pit(void)
{
	const u64 ticks = PIT_HZ / 100;
	u64 best = 0;

	if (!platform_pit_wait)
		return 0;
	for (int i = 0; i < 3; i++) {
		u64 t0 = hv_clock_ns();
		u64 n = platform_pit_wait(ticks);
		u64 t1 = hv_clock_ns();
		if (!n)
			return 1;	/* a PIT that does not count: fails */
		u64 ppt = (t1 - t0) * PIT_HZ / n / 1000000;	/* ns per s / 1e6 */
		u64 dist = ppt > 1000 ? ppt - 1000 : 1000 - ppt;
		u64 bdist = best > 1000 ? best - 1000 : 1000 - best;
		if (!best || dist < bdist)
			best = ppt;
	}
	return best;
}

static void test_clock(void)
{
	char d[160];
	u64 t0, t1, t2, k0, k1, k2, prev;
	bool mono = true;

	for (int i = 0; i < 1000; i++)	/* warm up: first runs of code are slow under TCG */
		(void)hv_clock_ns();
	sample(&t0, &k0);
	prev = t0;
	for (int i = 0; i < 20000; i++) {
		u64 now = hv_clock_ns();
		if (now < prev)
			mono = false;
		prev = now;
	}
	sample(&t1, &k1);
	for (int i = 0; i < 20000; i++)
		cpu_relax();
	sample(&t2, &k2);
	/* The same rate against the TSC in both intervals (within 10%: Xen
	 * under TCG steers its pvclock by a few percent), and a plausible TSC
	 * rate: 10 MHz to 100 GHz. */
	u64 r1 = (k1 - k0) * 1000 / (t1 - t0 + 1), r2 = (k2 - k1) * 1000 / (t2 - t1 + 1);
	bool steady = r1 * 100 <= r2 * 110 + 1000 && r2 * 100 <= r1 * 110 + 1000;
	bool sane = r1 >= 10 && r1 <= 100000;
	/* Within a factor of 1.5 of the PIT: a doubled or halved clock is
	 * outside, while a busy host running TCG with several CPUs (the PIT
	 * and the TSC then advance with the host's time, each read when QEMU
	 * gets to it) was seen at 798/1000. */
	u64 pit = clock_vs_pit();
	bool agrees = !pit || (pit >= 667 && pit <= 1500);
	int n = snprintf(d, sizeof(d), "monotonic=%d advanced %lu ns, %lu.%03lu ticks/ns then "
			 "%lu.%03lu", mono, t2 - t0, r1 / 1000, r1 % 1000, r2 / 1000, r2 % 1000);
	if (pit)
		snprintf(d + n, sizeof(d) - (size_t)n, ", rate %lu/1000 of the PIT's", pit);
	result("clock", mono && t2 > t0 && steady && sane && agrees, d);
}

static void test_map_unmap(void)
{
	char d[128];
	unsigned long va = vm_alloc_va(1);
	u64 pa = pmm_alloc();
	u64 v = 0;

	vm_map(va, pa, PTE_W);
	*(volatile u64 *)va = 0x5eedf00dcafe1234ULL;
	bool rb = *(volatile u64 *)P2V(pa) == 0x5eedf00dcafe1234ULL;
	vm_unmap(va);
	int r = probe_read64((void *)va, &v);
	bool faulted = r != 0 && trap_last_fault_addr() == va;
	snprintf(d, sizeof(d), "readback=%d unmapped read faulted=%d at %lx", rb, faulted,
		 trap_last_fault_addr());
	result("map_unmap", rb && faulted, d);
	pmm_free(pa);
}

/* A stale translation must be gone after a flush: map va->A, use it, point
 * the entry at B, flush, read: B's contents, not A's.  Whether a stale
 * translation survives a skipped flush at all is the platform's: TCG's
 * software TLB keeps it (the unflushed read sees A), so there a flush_one
 * that does nothing fails; on a hypervisor that shadows the page tables
 * (this project's KVM host, KVM PVM: every guest page-table write traps
 * and the shadow entry is replaced), no stale translation outlives the
 * write, so no guest test can see a skipped flush there; the unflushed
 * read in the detail says which case a run is (docs/testing.md). */
static void test_flushes(void)
{
	char d[128];
	unsigned long va = vm_alloc_va(1);
	u64 a = pmm_alloc(), b = pmm_alloc();
	*(u64 *)P2V(a) = 0xaaaa;
	*(u64 *)P2V(b) = 0xbbbb;
	u64 *pte = vm_walk(vm_root(), va, true);

	hv_set_pte(pte, hv_make_pte(a, PTE_P | PTE_W));
	u64 r0 = *(volatile u64 *)va;
	hv_set_pte(pte, hv_make_pte(b, PTE_P | PTE_W));
	u64 unflushed = *(volatile u64 *)va;
	hv_flush_one(va);
	u64 r1 = *(volatile u64 *)va;
	hv_set_pte(pte, hv_make_pte(a, PTE_P | PTE_W));
	hv_flush_all();
	u64 r2 = *(volatile u64 *)va;
	snprintf(d, sizeof(d), "read %lx, unflushed %lx, after flush_one %lx, after flush_all %lx",
		 r0, unflushed, r1, r2);
	result("tlb_flush", r0 == 0xaaaa && r1 == 0xbbbb && r2 == 0xaaaa, d);
	vm_unmap(va);
	pmm_free(a);
	pmm_free(b);
}

/* A second root that differs from the kernel's in one mapping: loading it
 * must change what that address reads. */
static void test_load_root(void)
{
	char d[96];
	unsigned long va = vm_alloc_va(1);
	u64 a = pmm_alloc(), b = pmm_alloc();
	*(u64 *)P2V(a) = 0x1111;
	*(u64 *)P2V(b) = 0x2222;
	vm_map(va, a, PTE_W);

	u64 root2 = pmm_alloc();
	u64 *k = P2V(vm_root()), *n = P2V(root2);
	int idx = (int)PT_INDEX(va, 4);
	for (int i = 0; i < 512; i++)
		if (i != idx)
			n[i] = k[i];
	hv_pt_alloc(root2, 4);
	u64 *pte = vm_walk(root2, va, true);
	hv_set_pte(pte, hv_make_pte(b, PTE_P | PTE_W));

	u64 r0 = *(volatile u64 *)va;
	hv_load_root(root2);
	u64 r1 = *(volatile u64 *)va;
	hv_load_root(vm_root());
	u64 r2 = *(volatile u64 *)va;
	snprintf(d, sizeof(d), "read %lx, under new root %lx, back %lx", r0, r1, r2);
	result("load_root", r0 == 0x1111 && r1 == 0x2222 && r2 == 0x1111, d);
	vm_unmap(va);
}

static volatile int ping;

static void ping_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		ping++;
		thread_yield();
	}
}

static void test_threads(void)
{
	char d[64];
	struct thread *t = thread_create("ping", ping_thread, NULL);
	int seen[4], n = 0;

	while (thread_alive(t) && n < 4) {
		thread_yield();
		seen[n++] = ping;
	}
	bool ok = !thread_alive(t) && ping == 3 && seen[0] == 1 && seen[1] == 2;
	snprintf(d, sizeof(d), "ping=%d after %d switches", ping, n);
	result("context_switch", ok, d);
}

static void test_lock(void)
{
	static struct spinlock l = SPINLOCK_INIT;
	char d[64];

	hv_irq_enable();
	unsigned long f = spin_lock_irqsave(&l);
	bool off_inside = hv_irq_flags_disabled(hv_irq_save());
	bool held = l.owner != l.next;
	spin_unlock_irqrestore(&l, f);
	bool on_after = !hv_irq_flags_disabled(hv_irq_save());
	bool free = l.owner == l.next;
	hv_irq_disable();
	hv_lock_kick(&l.owner);
	hv_lock_wait(&l.owner, l.owner + 1);	/* value differs: returns */
	snprintf(d, sizeof(d), "held=%d irqs_off=%d released=%d irqs_on=%d", held, off_inside,
		 free, on_after);
	result("spinlock_irqsave", off_inside && held && on_after && free, d);
}

static void test_cpuid(void)
{
	struct cpuid_regs r;
	char d[64], vendor[13];

	hv_cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = 0;
	snprintf(d, sizeof(d), "max leaf %u, vendor %s", r.eax, vendor);
	result("cpuid", r.eax >= 1 && vendor[0], d);
}

int selftest_run(void)
{
	struct hvbline l;

	kprintf("hvbundle: self-test\n");
	test_cpuid();
	test_irq_flags();
	test_irq_delivery();
	test_clock();
	test_timer();
	test_map_unmap();
	test_flushes();
	test_load_root();
	test_threads();
	test_lock();
	hvb_begin(&l, "selftest_done");
	return selftest_tally_end(&l, &tally);
}
