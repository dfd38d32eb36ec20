/* machine.c: the host CPU hostbench runs on (its model, TSC rate, pinning,
 * instruction counter) and the fake hypervisor state the op bodies read. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include "hb.h"

char cpu_model[128] = "unknown";
int cpu_family = -1, cpu_modelno = -1;
bool have_rdtscp, invariant_tsc;
double tsc_mhz;
int pinned_cpu = -1;
int perf_fd = -1;
char perf_note[200];

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void calibrate(void)
{
	double m[3];

	for (int i = 0; i < 3; i++) {	/* the median of three 10 ms windows */
		double n0 = now_ns();
		u64 t0 = stamp();
		while (now_ns() - n0 < 10e6)
			;
		u64 t1 = stamp();
		double n1 = now_ns();
		m[i] = (double)(t1 - t0) * 1e3 / (n1 - n0);
	}
	qsort(m, 3, sizeof(m[0]), cmp_double);
	tsc_mhz = m[1];
	if (!(tsc_mhz > 1))
		die(EXIT_ENV, "the TSC does not advance (%.3f MHz measured)", tsc_mhz);
}

void cpu_info(void)
{
	unsigned a, b, c, d;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(d & (1u << 4)))
		die(EXIT_ENV, "this CPU has no time-stamp counter; nothing to measure with");
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		have_rdtscp = d & (1u << 27);
	if (__get_cpuid(0x80000007, &a, &b, &c, &d))
		invariant_tsc = d & (1u << 8);
	if (f) {
		while (fgets(line, sizeof(line), f) && line[0] != '\n') {
			char *v = strchr(line, ':');
			if (!v)
				continue;
			v += v[1] == ' ' ? 2 : 1;
			v[strcspn(v, "\n")] = 0;
			if (!strncmp(line, "model name", 10))
				snprintf(cpu_model, sizeof(cpu_model), "%s", v);
			else if (!strncmp(line, "cpu family", 10))
				cpu_family = atoi(v);
			else if (!strncmp(line, "model\t", 6))
				cpu_modelno = atoi(v);
			else if (!strncmp(line, "flags", 5))
				invariant_tsc = invariant_tsc ||
						(strstr(v, "constant_tsc") && strstr(v, "nonstop_tsc"));
		}
		fclose(f);
	}
	if (!strcmp(cpu_model, "unknown") && __get_cpuid(0x80000004, &a, &b, &c, &d)) {
		unsigned r[12];
		for (unsigned i = 0; i < 3; i++)
			__get_cpuid(0x80000002 + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2],
				    &r[4 * i + 3]);
		memcpy(cpu_model, r, 48);
		cpu_model[48] = 0;
	}
}

void pin(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (!opt_pin || cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		pinned_cpu = cpu;
}

void perf_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (perf_fd >= 0) {
		snprintf(perf_note, sizeof(perf_note),
			 "user-mode instructions per operation from perf_event_open");
		return;
	}
	snprintf(perf_note, sizeof(perf_note), "unavailable (perf_event_open: %s%s)", strerror(errno),
		 errno == ENOENT || errno == EOPNOTSUPP ? "; no hardware counters here, e.g. a VM without a virtual PMU"
		 : errno == EACCES || errno == EPERM ? "; see kernel.perf_event_paranoid" : "");
}

u64 perf_read(void)
{
	u64 v = 0;

	if (read(perf_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

static void pvclock_fill(struct pvclock_time_info *t)
{
	u64 khz = (u64)(tsc_mhz * 1000 + 0.5), mul = (1000000ULL << 32) / khz;
	int shift = 0;

	while (mul >= (1ULL << 32)) {
		mul >>= 1;
		shift++;
	}
	t->version = 2;		/* even: no update in progress */
	t->tsc_timestamp = stamp();
	t->system_time = 1000000000;	/* the guest has been up for 1 s */
	t->tsc_to_system_mul = (u32)mul;
	t->tsc_shift = (i8)shift;
	t->flags = 0;
}

/* The same conversion, written again, to check the bodies' answers. */
u64 pvclock_ref(const struct pvclock_time_info *t, u64 tsc)
{
	u64 d = tsc - t->tsc_timestamp;

	d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
	return t->system_time + (u64)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

struct pvclock_time_info *xen_time(void)
{
	return (struct pvclock_time_info *)&hb_vcpu.time;
}

void fakes_init(void)
{
	u64 khz = (u64)(tsc_mhz * 1000 + 0.5);

	memset(&hb_vcpu, 0, sizeof(hb_vcpu));
	pvclock_fill(xen_time());
	pvclock_fill(&kvm_pvclock);
	native_tsc.tsc0 = stamp();
	native_tsc.mult = (1000000ULL << 32) / khz;
	native_tsc.khz = khz;
}

u64 rflags(void)
{
	u64 f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}
