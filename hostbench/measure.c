/* measure.c: one figure: the loop length for the target time, then the
 * median of repetitions of (loop of 2n - loop of n) / n in TSC ticks. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hb.h"

struct hb_ctx ctx;

bool selected(const struct row *r)
{
	const char *p = opt_filter;
	size_t n = strlen(r->name);

	if (!p)
		return true;
	while (*p) {
		if (!strncmp(p, r->name, n) && (p[n] == ',' || p[n] == 0))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

static void run(hb_loop_fn fn, u64 n)
{
	fn(n);
	ctx.iters += n;
}

static void measure(size_t ri, enum mech m, const char *mech)
{
	const struct row *r = &rows[ri];
	struct fig *f = &figs[ri][m];
	hb_loop_fn fn = r->fn[m];
	double v[MAX_REPS];
	u64 target = (u64)(opt_target_us * tsc_mhz), n = 64, cap = 1ULL << 26;
	char name[96], detail[256];

	if (r->setup)
		r->setup();
	ctx.hypercalls0 = hb_hypercalls;
	ctx.iters = 0;
	for (;;) {			/* n so one loop lasts about the target time */
		u64 t0 = stamp();
		run(fn, n);
		u64 dt = stamp() - t0;
		if (dt >= target / 2 || n * 2 > cap)
			break;
		n *= 2;
	}
	run(fn, n);			/* warm */
	if (perf_fd >= 0) {
		double best = 0;
		for (int k = 0; k < 3; k++) {
			u64 c0 = perf_read();
			run(fn, n);
			u64 c1 = perf_read();
			run(fn, 2 * n);
			u64 c2 = perf_read();
			double x = ((double)(c2 - c1) - (double)(c1 - c0)) / (double)n;
			best = k == 0 || x < best ? x : best;
		}
		f->insns = best < 0 ? 0 : best;
		f->have_insns = true;
	}
	/* A repetition: the loop at n and at 2n, each timed TRIES times and the
	 * fastest kept (an interrupt or preemption only ever adds), then the
	 * difference: loop set-up cancels, as in the kernel's bench.c. */
	for (int k = 0; k < opt_reps; k++) {
		u64 best1 = ~0ULL, best2 = ~0ULL;
		for (int t = 0; t < TRIES; t++) {
			u64 s0 = stamp();
			run(fn, n);
			u64 s1 = stamp();
			run(fn, 2 * n);
			u64 s2 = stamp();
			best1 = s1 - s0 < best1 ? s1 - s0 : best1;
			best2 = s2 - s1 < best2 ? s2 - s1 : best2;
			ctx.t0 = s1;
			ctx.t1 = s2;
		}
		i64 d = (i64)best2 - (i64)best1;
		v[k] = d > 0 ? (double)d / (double)n : 0;
	}
	qsort(v, (size_t)opt_reps, sizeof(v[0]), cmp_double);
	f->done = true;
	f->n = n;
	f->min = v[0];
	f->med = v[opt_reps / 2];
	f->max = v[opt_reps - 1];
	snprintf(f->mech, sizeof(f->mech), "%s", mech);
	if (r->check) {
		snprintf(name, sizeof(name), "after:%s/%s/%s", r->name, be_name[r->be], mech);
		check(name, r->check(detail, sizeof(detail)), "%s", detail);
	}
}

void measure_all(void)
{
	/* Everything but the patchable sites: nothing to set up. */
	for (size_t i = 0; i < nrows; i++) {
		if (!selected(&rows[i]))
			continue;
		cabi_set(rows[i].be);
		for (int m = M_INLINE; m <= M_THUNK; m++)
			if (rows[i].fn[m])
				measure(i, m, mech_name[m]);
	}
	/* The sites, per backend: as built (indirect through the table pv_patch.c
	 * filled), then patched. */
	for (enum be be = BE_XEN; be < BE_NR; be++) {
		for (int patch = 0; patch <= 1; patch++) {
			pvops_prepare(be, patch);
			for (size_t i = 0; i < nrows; i++) {
				const struct row *r = &rows[i];
				char mech[24];
				if (r->be != be || !selected(r))
					continue;
				if (!patch) {
					measure(i, M_PV_UNPATCHED, mech_name[M_PV_UNPATCHED]);
					continue;
				}
				const char *kind = "?";
				for (size_t s = 0; s < nsites; s++)
					if (__pv_sites_start[s].op == r->op) {
						kind = site_kind(&__pv_sites_start[s]);
						break;
					}
				snprintf(mech, sizeof(mech), "pv_patched_%s", kind);
				measure(i, M_PV_PATCHED, mech);
			}
		}
	}
}
