/* hostbench: real CPU cycles (TSC ticks) for the op bodies that are legal
 * in ring 3, and for every way the kernel dispatches to them, on the host
 * CPU (docs/DESIGN.md, principle 7).  The bodies and the dispatch are the
 * kernel's own: loops.c is compiled from hv.h once per configuration, the
 * out-of-line copies, callee-save entries and ops tables are
 * src/hv/pv/pv_*.c, and the
 * call sites are patched by src/hv/pv/pv_patch.c, here in this process's
 * text.  See `hostbench --help`; hb.h indexes the parts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hb.h"

_Static_assert(sizeof(((struct vcpu_info *)0)->time) == sizeof(struct pvclock_time_info),
	       "xen_clock_ns() reads vcpu_info.time as a pvclock_time_info");

int opt_reps = 11;
u64 opt_target_us = 200;
bool opt_json, opt_pin = true;
const char *opt_filter;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostbench [--reps N] [--target-us N] [--json] [--filter NAME,...] [--no-pin]\n"
		"\n"
		"Real CPU cycles, as TSC ticks per operation, for the hypervisor op bodies that\n"
		"are legal in ring 3 (Xen's upcall-mask irq ops, pvclock and kvmclock reads,\n"
		"pushf/popf, the TSC clock) and for every way hvbundle dispatches to them:\n"
		"inlined (direct variant), direct call, indirect call, callee-save entry, and\n"
		"the pvops call site as built and after the kernel's own pv_patch.c rewrote it\n"
		"in this process's text.  Checks what must hold on the way (upcall mask, site\n"
		"bytes, registers kept by the callee-save entries, clock values); never checks\n"
		"timing.\n"
		"\n"
		"  --reps N        repetitions per figure, 1..%d (default 11)\n"
		"  --target-us N   length of the loop at n in microseconds (default 200)\n"
		"  --json          one JSON object per line: {\"event\":\"hostbench\",...} per figure,\n"
		"                  hostbench_info, hostbench_site, hostbench_check, hostbench_done\n"
		"  --filter LIST   only these bench names (e.g. irq_disable,clock_ns)\n"
		"  --no-pin        do not pin to the current cpu\n"
		"  --help          this text\n"
		"\n"
		"Exit status: 0 ok, 1 a check failed, 2 usage, 3 this machine cannot run it.\n",
		MAX_REPS);
}

static u64 number(const char *opt, const char *s, u64 lo, u64 hi)
{
	char *end;
	unsigned long long v;

	if (!s)
		die(EXIT_USAGE, "%s needs a number (try --help)", opt);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
		die(EXIT_USAGE, "%s: '%s' is not a number from %llu to %llu", opt, s,
		    (unsigned long long)lo, (unsigned long long)hi);
	return v;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--reps")) {
			opt_reps = (int)number(a, i + 1 < argc ? argv[++i] : NULL, 1, MAX_REPS);
		} else if (!strcmp(a, "--target-us")) {
			opt_target_us = number(a, i + 1 < argc ? argv[++i] : NULL, 1, 1000000);
		} else if (!strcmp(a, "--json")) {
			opt_json = true;
		} else if (!strcmp(a, "--no-pin")) {
			opt_pin = false;
		} else if (!strcmp(a, "--filter")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				die(EXIT_USAGE, "--filter needs a list of bench names (try --help)");
			opt_filter = argv[++i];
		} else {
			fprintf(stderr, "hostbench: unknown argument '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (opt_filter) {
		bool any = false;
		for (size_t i = 0; i < nrows; i++)
			any |= selected(&rows[i]);
		if (!any)
			die(EXIT_USAGE, "--filter %s matches no bench name", opt_filter);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	cpu_info();
	pin();
	calibrate();
	perf_open();
	fakes_init();
	sites_init();
	if (opt_json) {
		printf("{\"event\":\"hostbench_info\",\"platform\":\"host-ring3\",\"unit\":\"tsc\"");
		json_str(stdout, "cpu", cpu_model);
		printf(",\"cpu_family\":%d,\"cpu_model\":%d,\"tsc_mhz\":%.1f,\"invariant_tsc\":%s,"
		       "\"stamp\":\"%s\",\"reps\":%d,\"target_us\":%llu,\"pinned_cpu\":%d,\"sites\":%zu",
		       cpu_family, cpu_modelno, tsc_mhz, invariant_tsc ? "true" : "false",
		       have_rdtscp ? "rdtscp;lfence" : "lfence;rdtsc;lfence", opt_reps,
		       (unsigned long long)opt_target_us, pinned_cpu, nsites);
		json_str(stdout, "insns", perf_note);
		printf("}\n");
	}

	check_as_built();
	check_thunks();
	measure_all();

	if (opt_json) {
		print_json();
		printf("{\"event\":\"hostbench_done\",\"status\":%d,\"checks_passed\":%d,"
		       "\"checks_failed\":%d}\n",
		       checks_failed ? EXIT_CHECK : 0, checks_passed, checks_failed);
	} else {
		print_table();
	}
	return checks_failed ? EXIT_CHECK : 0;
}
