/* The init's shared pieces: @hvb line output, the TSC, raw syscalls nolibc
 * 6.1 lacks. */
#ifndef HVB_INIT_H
#define HVB_INIT_H

/* One @hvb JSON line, built in a buffer and written with one write(2) so
 * kernel messages cannot split it. */
struct line {
	char buf[512];
	unsigned int len;
	int fields;
};

void line_begin(struct line *l, const char *event);
void line_str(struct line *l, const char *key, const char *val);
void line_u64(struct line *l, const char *key, unsigned long long val);
void line_end(struct line *l);

static inline unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((unsigned long long)hi << 32) | lo;
}

/* The workload: each op's loop, timed in TSC ticks; returns 0 or -1. */
int workload(void);

/* __vdso_clock_gettime from the vDSO whose ELF header the kernel passed in
 * the aux vector, or NULL. */
typedef int (*vdso_clock_fn)(int clk, struct timespec *ts);
vdso_clock_fn vdso_clock_gettime(const unsigned long *auxv);
extern const unsigned long *init_auxv;

#endif /* HVB_INIT_H */
