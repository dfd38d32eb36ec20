/* The workload: the paths Linux's hypervisor ops sit on, each op looped and
 * timed with rdtsc in user space (under QEMU -icount the TSC counts
 * instructions).  A short untimed warm-up first, so first-touch faults of
 * our own code and stack are not counted.  Each loop runs REPS times and the
 * fewest ticks count: a rep is well under a timer tick (4 ms, 4 million
 * instructions under icount), so the best rep has no tick in it and the
 * figures are exact, wherever the tick falls. */
#include <linux/mman.h>
#include "hvb.h"

#define WARM 64
#define REPS 5

static int report(const char *op, unsigned long n, unsigned long long ticks)
{
	struct line l;

	line_begin(&l, "workload");
	line_str(&l, "op", op);
	line_u64(&l, "n", n);
	line_u64(&l, "reps", REPS);
	line_u64(&l, "ticks", ticks);
	line_u64(&l, "per_op", ticks / n);
	line_end(&l);
	return 0;
}

/* The fewest ticks of REPS runs of LOOP (n ops each; ~0 means it failed). */
static unsigned long long best(unsigned long long (*loop)(unsigned long n), unsigned long n)
{
	unsigned long long t, min = ~0ull;
	int r;

	for (r = 0; r < REPS; r++) {
		t = loop(n);
		if (t == ~0ull)
			return t;
		if (t < min)
			min = t;
	}
	return min;
}

static int fail(const char *op, const char *what)
{
	struct line l;

	line_begin(&l, "error");
	line_str(&l, "op", op);
	line_str(&l, "what", what);
	line_end(&l);
	return -1;
}

/* getppid: the cheapest real system call (entry, exit, the syscall path). */
static unsigned long long loop_syscall(unsigned long n)
{
	unsigned long long t = rdtsc();
	unsigned long i;

	for (i = 0; i < n; i++)
		my_syscall0(__NR_getppid);
	return rdtsc() - t;
}

static void *anon(unsigned long bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One write to each page of fresh anonymous memory: one fault each (page
 * allocation, zeroing, a page-table write). */
static unsigned long long loop_fault(unsigned long n)
{
	volatile char *p = anon(n * 4096);
	unsigned long long t;
	unsigned long i;

	if (!p)
		return ~0ull;
	t = rdtsc();
	for (i = 0; i < n; i++)
		p[i * 4096] = 1;
	t = rdtsc() - t;
	munmap((void *)p, n * 4096);
	return t;
}

/* munmap of 4 touched pages: page-table clears and a TLB flush. */
static unsigned long long loop_munmap(unsigned long n)
{
	unsigned long long t = 0, t0;
	unsigned long i, j;

	for (i = 0; i < n; i++) {
		volatile char *p = anon(4 * 4096);

		if (!p)
			return ~0ull;
		for (j = 0; j < 4; j++)
			p[j * 4096] = 1;
		t0 = rdtsc();
		if (munmap((void *)p, 4 * 4096))
			return ~0ull;
		t += rdtsc() - t0;
	}
	return t;
}

/* One byte there and back between two processes over two pipes: two
 * context switches (two address-space switches) per round trip.  The
 * partner echoes until its pipe closes. */
static int to[2], back[2];

static unsigned long long loop_pipe(unsigned long n)
{
	unsigned long long t = rdtsc();
	unsigned long i;
	char c = 'x';

	for (i = 0; i < n; i++)
		if (write(to[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			return ~0ull;
	return rdtsc() - t;
}

static int op_pipe(unsigned long n)
{
	unsigned long long t;
	int status = 0;
	char c;
	pid_t pid;

	if (my_syscall1(__NR_pipe, to) || my_syscall1(__NR_pipe, back))
		return fail("pipe", "pipe");
	pid = fork();
	if (pid < 0)
		return fail("pipe", "fork");
	if (pid == 0) {
		close(to[1]);
		while (read(to[0], &c, 1) == 1)
			if (write(back[1], &c, 1) != 1)
				exit(1);
		exit(0);
	}
	close(to[0]);
	close(back[1]);
	t = loop_pipe(WARM) == ~0ull ? ~0ull : best(loop_pipe, n);
	close(to[1]);
	if (waitpid(pid, &status, 0) != pid || status != 0)
		return fail("pipe", "child");
	close(back[0]);
	return t == ~0ull ? fail("pipe", "read/write") : report("pipe", n, t);
}

/* clock_gettime(CLOCK_MONOTONIC) through the system call (the kernel's
 * clocksource read) and through the vDSO (user space, if it can). */
static vdso_clock_fn vdso;

static unsigned long long loop_clock_syscall(unsigned long n)
{
	unsigned long long t = rdtsc();
	struct timespec ts;
	unsigned long i;

	for (i = 0; i < n; i++)
		my_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, &ts);
	return rdtsc() - t;
}

static unsigned long long loop_clock_vdso(unsigned long n)
{
	unsigned long long t = rdtsc();
	struct timespec ts;
	unsigned long i;

	for (i = 0; i < n; i++)
		vdso(CLOCK_MONOTONIC, &ts);
	return rdtsc() - t;
}

/* One op: warm up, the best of REPS loops, its @hvb line. */
static int op(const char *name, unsigned long long (*loop)(unsigned long n), unsigned long n)
{
	unsigned long long t = loop(WARM);

	if (t != ~0ull)
		t = best(loop, n);
	return t == ~0ull ? fail(name, "the loop failed") : report(name, n, t);
}

int workload(void)
{
	int bad = 0;

	bad |= op("syscall", loop_syscall, 1000);
	bad |= op("fault", loop_fault, 64);
	bad |= op("munmap", loop_munmap, 64);
	bad |= op_pipe(100);
	bad |= op("clock_syscall", loop_clock_syscall, 1000);
	vdso = vdso_clock_gettime(init_auxv);
	if (vdso)
		bad |= op("clock_vdso", loop_clock_vdso, 1000);
	else
		bad |= fail("clock_vdso", "no __vdso_clock_gettime");
	return bad;
}
