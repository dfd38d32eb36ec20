/* hb.h: the index of hostbench's own parts (main.c and the files beside it),
 * the state they share and the prototypes of what each one offers.
 * hostbench.h is what they share with the kernel code built into it. */
#ifndef HB_H
#define HB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "hostbench.h"

#if !defined(__x86_64__)
#error "hostbench measures x86-64 code"
#endif

#define EXIT_CHECK 1	/* a correctness check failed (figures still printed) */
#define EXIT_USAGE 2
#define EXIT_ENV 3	/* this machine cannot run it (no TSC, no writable text) */
#define MAX_REPS 1001
#define TRIES 3		/* timings of each loop length per repetition */

extern const struct pv_site __pv_sites_start[], __pv_sites_end[];
void pv_xen_lock_kick(volatile u32 *p);

/* main.c: the options */
extern int opt_reps;
extern u64 opt_target_us;
extern bool opt_json, opt_pin;
extern const char *opt_filter;

/* machine.c: the host CPU, its clocks, and the fake hypervisor state */
extern char cpu_model[128];
extern int cpu_family, cpu_modelno;
extern bool have_rdtscp, invariant_tsc;
extern double tsc_mhz;
extern int pinned_cpu;
extern int perf_fd;
extern char perf_note[200];
int cmp_double(const void *a, const void *b);
void calibrate(void);
void cpu_info(void);
void pin(void);
void perf_open(void);
u64 perf_read(void);
u64 pvclock_ref(const struct pvclock_time_info *t, u64 tsc);
struct pvclock_time_info *xen_time(void);
void fakes_init(void);
u64 rflags(void);

/* A TSC stamp, fenced so the measured loop cannot leak past it.  Inline:
 * it sits between the loops being timed. */
static inline u64 stamp(void)
{
	u32 lo, hi;

	if (have_rdtscp)
		__asm__ __volatile__("rdtscp; lfence" : "=a"(lo), "=d"(hi) : : "rcx", "memory");
	else
		__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* sites.c: the pvops call sites in this process's text */
enum be { BE_NONE, BE_XEN, BE_NATIVE, BE_KVM, BE_NR };
extern const char *const be_name[BE_NR];
extern size_t nsites;
void sites_init(void);
const char *site_kind(const struct pv_site *s);
void check_as_built(void);
void pvops_prepare(enum be be, bool patch);

/* thunks.c */
void check_thunks(void);

/* rows.c: what is measured */
enum mech { M_INLINE, M_DIRECT, M_INDIRECT, M_RETPOLINE, M_THUNK, M_PV_UNPATCHED, M_PV_PATCHED,
	    M_NR };
extern const char *const mech_name[M_NR];
struct row {
	const char *name;	/* the kernel's bench name (benchloops.c), or host-only */
	enum be be;
	int op;			/* the op whose site decides pv_patched's kind, -1 none */
	hb_loop_fn fn[M_NR];
	void (*setup)(void);
	bool (*check)(char *detail, size_t n);
};
struct fig {
	bool done;
	char mech[24];
	u64 n;
	double min, med, max, insns;
	bool have_insns;
};
extern const struct row rows[];
extern const size_t nrows;
extern struct fig figs[][M_NR];	/* one per row and mechanism */
void cabi_set(enum be be);

/* measure.c: what a figure's check may look at */
struct hb_ctx {
	u64 hypercalls0;	/* hb_hypercalls before the figure */
	u64 iters;		/* iterations the figure ran */
	u64 t0, t1;		/* stamps around the last loop */
};
extern struct hb_ctx ctx;
bool selected(const struct row *r);
void measure_all(void);

/* out.c */
extern int checks_passed, checks_failed;
void json_str(FILE *f, const char *key, const char *s);
void check(const char *name, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
__noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void print_json(void);
void print_table(void);

#endif /* HB_H */
