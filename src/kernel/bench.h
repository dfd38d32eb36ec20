/* bench.h: the benchmarks' two halves.  benchloops.c holds the loops,
 * the paths measured, built as any hot path is; bench.c the harness that
 * times them, code that runs once (sources.mk, cold-y).  Internal to
 * bench.c, lockbench.c, benchloops.c. */
#ifndef HVB_BENCH_H
#define HVB_BENCH_H

#include "types.h"
#include "percpu.h"

struct bench {
	const char *name;
	void (*loop)(u64 n);
	u64 max_iters;
	void (*setup)(void);
	void (*teardown)(void);
};

/* benchloops.c: every bench, in the order they run */
extern const struct bench bench_table[];
extern const size_t bench_count;

/* The loops' inputs, which the set-ups write. */
extern unsigned long bench_saved_flags;
extern u64 *bench_scratch_pte, bench_scratch_val;
extern unsigned long bench_scratch_va;
extern u64 bench_scratch_pa;

/* bench.c: set-ups and tear-downs */
void bench_irqs_on(void);
void bench_irqs_off(void);
void bench_save_off_flags(void);
void bench_scratch_map(void);
void bench_scratch_unmap(void);
void bench_timer_cancel(void);
void bench_console_newline(void);
void bench_partner_start(void);
void bench_partner_end(void);

/* lockbench: one thread per CPU (benchloops.c), its tally, the window
 * it runs in and its critical section's turns of work (lockbench.c) */
struct lockbench_cpu {
	u64 acquired, wait_max, wait_sum;
} __aligned(64);

extern struct lockbench_cpu lockbench_cpus[NR_CPUS];
extern volatile u64 lockbench_start, lockbench_end;
extern u64 lockbench_hold;
void lockbench_thread(void *arg);

#endif /* HVB_BENCH_H */
