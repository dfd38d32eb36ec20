/* The workload: the paths Linux's hypervisor ops sit on, each op looped and
 * timed with rdtsc in user space (under QEMU -icount the TSC counts
 * instructions, so the figures are exact).  A short untimed warm-up first,
 * so first-touch faults of our own code and stack are not counted. */
#include <linux/mman.h>
#include "hvb.h"

#define WARM 64

static int report(const char *op, unsigned long n, unsigned long long ticks)
{
	struct line l;

	line_begin(&l, "workload");
	line_str(&l, "op", op);
	line_u64(&l, "n", n);
	line_u64(&l, "ticks", ticks);
	line_u64(&l, "per_op", ticks / n);
	line_end(&l);
	return 0;
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
static int op_syscall(unsigned long n)
{
	unsigned long long t;
	unsigned long i;

	for (i = 0; i < WARM; i++)
		my_syscall0(__NR_getppid);
	t = rdtsc();
	for (i = 0; i < n; i++)
		my_syscall0(__NR_getppid);
	return report("syscall", n, rdtsc() - t);
}

static void *anon(unsigned long bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One write to each page of fresh anonymous memory: one fault each (page
 * allocation, zeroing, a page-table write). */
static int op_fault(unsigned long n)
{
	volatile char *p = anon(n * 4096);
	unsigned long long t;
	unsigned long i;

	if (!p)
		return fail("fault", "mmap");
	t = rdtsc();
	for (i = 0; i < n; i++)
		p[i * 4096] = 1;
	t = rdtsc() - t;
	munmap((void *)p, n * 4096);
	return report("fault", n, t);
}

/* munmap of 4 touched pages: page-table clears and a TLB flush. */
static int op_munmap(unsigned long n)
{
	unsigned long long t = 0, t0;
	unsigned long i, j;

	for (i = 0; i < n; i++) {
		volatile char *p = anon(4 * 4096);

		if (!p)
			return fail("munmap", "mmap");
		for (j = 0; j < 4; j++)
			p[j * 4096] = 1;
		t0 = rdtsc();
		if (munmap((void *)p, 4 * 4096))
			return fail("munmap", "munmap");
		t += rdtsc() - t0;
	}
	return report("munmap", n, t);
}

/* One byte there and back between two processes over two pipes: two
 * context switches (two address-space switches) per round trip. */
static int op_pipe(unsigned long n)
{
	int to[2], back[2], status = 0;
	unsigned long long t = 0;
	unsigned long i;
	char c = 'x';
	pid_t pid;

	if (my_syscall1(__NR_pipe, to) || my_syscall1(__NR_pipe, back))
		return fail("pipe", "pipe");
	pid = fork();
	if (pid < 0)
		return fail("pipe", "fork");
	if (pid == 0) {
		for (i = 0; i < n + WARM; i++)
			if (read(to[0], &c, 1) != 1 || write(back[1], &c, 1) != 1)
				exit(1);
		exit(0);
	}
	for (i = 0; i < n + WARM; i++) {
		if (i == WARM)
			t = rdtsc();
		if (write(to[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			return fail("pipe", "read/write");
	}
	t = rdtsc() - t;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		return fail("pipe", "child");
	close(to[0]); close(to[1]); close(back[0]); close(back[1]);
	return report("pipe", n, t);
}

/* clock_gettime(CLOCK_MONOTONIC) through the system call (the kernel's
 * clocksource read) and through the vDSO (user space, if it can). */
static int op_clock(unsigned long n)
{
	vdso_clock_fn vdso = vdso_clock_gettime(init_auxv);
	struct timespec ts;
	unsigned long long t;
	unsigned long i;

	for (i = 0; i < WARM; i++)
		my_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, &ts);
	t = rdtsc();
	for (i = 0; i < n; i++)
		my_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, &ts);
	report("clock_syscall", n, rdtsc() - t);
	if (!vdso)
		return fail("clock_vdso", "no __vdso_clock_gettime");
	for (i = 0; i < WARM; i++)
		vdso(CLOCK_MONOTONIC, &ts);
	t = rdtsc();
	for (i = 0; i < n; i++)
		vdso(CLOCK_MONOTONIC, &ts);
	return report("clock_vdso", n, rdtsc() - t);
}

int workload(void)
{
	int bad = 0;

	bad |= op_syscall(2000);
	bad |= op_fault(256);
	bad |= op_munmap(256);
	bad |= op_pipe(500);
	bad |= op_clock(2000);
	return bad;
}
