/* out.c: what hostbench prints: its checks as they happen, its errors, and
 * at the end every figure, as a table or as JSON lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hb.h"

void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

int checks_passed, checks_failed;

void check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (ok)
		checks_passed++;
	else
		checks_failed++;
	if (!ok)
		fprintf(stderr, "hostbench: FAIL check %s: %s\n", name, detail);
	if (opt_json) {
		printf("{\"event\":\"hostbench_check\"");
		json_str(stdout, "name", name);
		json_str(stdout, "result", ok ? "pass" : "fail");
		json_str(stdout, "detail", detail);
		printf("}\n");
	}
}

__noreturn void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hostbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(status);
}

void print_json(void)
{
	for (size_t i = 0; i < nrows; i++)
		for (int m = 0; m < M_NR; m++) {
			const struct fig *f = &figs[i][m];
			if (!f->done)
				continue;
			printf("{\"event\":\"hostbench\",\"name\":\"%s\",\"backend\":\"%s\","
			       "\"mechanism\":\"%s\",\"platform\":\"host-ring3\",\"unit\":\"tsc\","
			       "\"iters\":%llu,\"reps\":%d,\"cycles_min\":%.3f,\"cycles_median\":%.3f,"
			       "\"cycles_max\":%.3f",
			       rows[i].name, be_name[rows[i].be], f->mech, (unsigned long long)f->n,
			       opt_reps, f->min, f->med, f->max);
			if (f->have_insns)
				printf(",\"insns\":%.2f", f->insns);
			json_str(stdout, "cpu", cpu_model);
			printf("}\n");
		}
}

void print_table(void)
{
	static const char *const head[M_NR] = { "inline", "direct", "indirect", "retpoline",
						"thunk", "pv_unpatched", "pv_patched" };
	bool any_insns = false;

	printf("hostbench: %s (family %d, model %d), ring 3, %s\n", cpu_model, cpu_family, cpu_modelno,
	       pinned_cpu >= 0 ? "pinned to one cpu" : "not pinned");
	printf("  unit: TSC ticks per operation (TSC %.0f MHz%s; a tick is not a core cycle"
	       " when the core clock differs)\n",
	       tsc_mhz, invariant_tsc ? ", invariant" : ", NOT invariant");
	printf("  each cell: median/min of %d repetitions of (loop of 2n - loop of n) / n, each loop"
	       " the best of %d timings\n  (%s); the loop's own overhead is included"
	       " (see loop_empty)\n",
	       opt_reps, TRIES, have_rdtscp ? "rdtscp;lfence" : "lfence;rdtsc;lfence");
	printf("  instruction counts: %s\n\n", perf_note);
	printf("%-19s %-7s", "name", "backend");
	for (int m = 0; m < M_NR; m++)
		printf(" %13s", head[m]);
	printf("  patched as\n");
	for (size_t i = 0; i < nrows; i++) {
		const struct fig *fp = &figs[i][M_PV_PATCHED];
		bool any = false;
		for (int m = 0; m < M_NR; m++)
			any |= figs[i][m].done;
		if (!any)
			continue;
		printf("%-19s %-7s", rows[i].name, be_name[rows[i].be]);
		for (int m = 0; m < M_NR; m++) {
			const struct fig *f = &figs[i][m];
			char cell[32];
			if (f->done)
				snprintf(cell, sizeof(cell), "%.2f/%.2f", f->med, f->min);
			else
				snprintf(cell, sizeof(cell), "-");
			printf(" %13s", cell);
			any_insns |= f->have_insns;
		}
		printf("  %s\n", fp->done ? fp->mech + strlen("pv_patched_") : "");
	}
	if (any_insns) {
		printf("\ninstructions per operation (user mode, perf_event_open):\n");
		for (size_t i = 0; i < nrows; i++) {
			bool any = false;
			for (int m = 0; m < M_NR; m++)
				any |= figs[i][m].have_insns;
			if (!any)
				continue;
			printf("%-19s %-7s", rows[i].name, be_name[rows[i].be]);
			for (int m = 0; m < M_NR; m++) {
				char cell[32] = "-";
				if (figs[i][m].have_insns)
					snprintf(cell, sizeof(cell), "%.2f", figs[i][m].insns);
				printf(" %13s", cell);
			}
			printf("\n");
		}
	}
	printf("\n  inline: the direct variant (hv.h with HV_BACKEND=<backend>, body inlined);"
	       " direct: call to the out-of-line\n"
	       "  copy (C ABI: pv_<backend>.c's, or calls.c's for the irq ops); indirect: call through"
	       " a C ops table; retpoline: the same\n  built with -mindirect-branch=thunk-extern"
	       " (each call through a retpoline thunk); thunk: call to the\n"
	       "  callee-save entry (_cs: Xen's assembler stubs, native's no_caller_saved_registers);"
	       " pv_unpatched: pv.h's site `call *pv_op_table(%%rip)`\n"
	       "  (irq ops reach the _cs entry); pv_patched: the same site after pv_patch.c (cs call,"
	       " inline bytes + one filler, or nops).\n"
	       "  irq_enable_pending: the pending branch into a stub hypercall page (call, count,"
	       " ret), not a real hypercall.\n"
	       "  Not measurable in ring 3: cli, sti (native irq_disable/enable), hlt, cr3, invlpg,"
	       " port I/O, real hypercalls.\n");
	printf("checks: %d passed, %d failed\n", checks_passed, checks_failed);
}
