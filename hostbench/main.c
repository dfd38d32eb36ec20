/* hostbench: real CPU cycles (TSC ticks) for the op bodies that are legal
 * in ring 3, and for every way the kernel dispatches to them, on the host
 * CPU (docs/DESIGN.md, principle 7).  The bodies and the dispatch are the
 * kernel's own: loops.c is compiled from hv.h once per configuration, the
 * out-of-line copies, callee-save entries and ops tables are
 * src/hv/pv/pv_*.c, and the
 * call sites are patched by src/hv/pv/pv_patch.c, here in this process's
 * text.  See `hostbench --help`. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <cpuid.h>
#include "boot.h"
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

_Static_assert(sizeof(((struct vcpu_info *)0)->time) == sizeof(struct pvclock_time_info),
	       "xen_clock_ns() reads vcpu_info.time as a pvclock_time_info");

/* Options */
static int opt_reps = 11;
static u64 opt_target_us = 200;
static bool opt_json, opt_pin = true;
static const char *opt_filter;

/* The machine */
static char cpu_model[128] = "unknown";
static int cpu_family = -1, cpu_modelno = -1;
static bool have_rdtscp, invariant_tsc;
static double tsc_mhz;
static int pinned_cpu = -1;
static int perf_fd = -1;
static char perf_note[200];

/* ------------------------------------------------------------------ */
/* Output helpers */

static void json_str(FILE *f, const char *key, const char *s)
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

static int checks_passed, checks_failed;

static void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(const char *name, bool ok, const char *fmt, ...)
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

static __noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static __noreturn void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hostbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(status);
}

/* ------------------------------------------------------------------ */
/* Time */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static inline u64 stamp(void)
{
	u32 lo, hi;

	if (have_rdtscp)
		__asm__ __volatile__("rdtscp; lfence" : "=a"(lo), "=d"(hi) : : "rcx", "memory");
	else
		__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void calibrate(void)
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

/* ------------------------------------------------------------------ */
/* The machine */

static void cpu_info(void)
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

static void pin(void)
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

static void perf_open(void)
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

static u64 perf_read(void)
{
	u64 v = 0;

	if (read(perf_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

/* ------------------------------------------------------------------ */
/* The fake hypervisor state the bodies read */

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
static u64 pvclock_ref(const struct pvclock_time_info *t, u64 tsc)
{
	u64 d = tsc - t->tsc_timestamp;

	d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
	return t->system_time + (u64)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static struct pvclock_time_info *xen_time(void)
{
	return (struct pvclock_time_info *)&hb_vcpu.time;
}

static void fakes_init(void)
{
	u64 khz = (u64)(tsc_mhz * 1000 + 0.5);

	memset(&hb_vcpu, 0, sizeof(hb_vcpu));
	pvclock_fill(xen_time());
	pvclock_fill(&kvm_pvclock);
	native_tsc.tsc0 = stamp();
	native_tsc.mult = (1000000ULL << 32) / khz;
	native_tsc.khz = khz;
}

static u64 rflags(void)
{
	u64 f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

/* ------------------------------------------------------------------ */
/* pvops sites: this process's own, emitted by pv.h in loops.c */

#define PV_NAME(op, ...) #op,
static const char *const pv_op_name[PV_NR_OPS] = { PV_OPS(PV_NAME) };
#undef PV_NAME

static u8 (*site_orig)[16];
static size_t nsites;
static unsigned long text_lo, text_hi;

static void sites_init(void)
{
	long pg = sysconf(_SC_PAGESIZE);

	nsites = (size_t)(__pv_sites_end - __pv_sites_start);
	if (!nsites)
		die(EXIT_ENV, "internal error: no pvops sites linked in (.pv_sites is empty)");
	site_orig = calloc(nsites, sizeof(*site_orig));
	if (!site_orig)
		die(EXIT_ENV, "out of memory");
	text_lo = ~0UL;
	for (size_t i = 0; i < nsites; i++) {
		const struct pv_site *s = &__pv_sites_start[i];
		if (s->len > sizeof(site_orig[i]) || s->op >= PV_NR_OPS)
			die(EXIT_ENV, "internal error: site %zu record is malformed", i);
		memcpy(site_orig[i], (const void *)s->addr, s->len);
		if (s->addr < text_lo)
			text_lo = s->addr;
		if (s->addr + s->len > text_hi)
			text_hi = s->addr + s->len;
	}
	text_lo &= ~(unsigned long)(pg - 1);
	text_hi = (text_hi + (unsigned long)pg - 1) & ~(unsigned long)(pg - 1);
}

static void text_writable(bool w)
{
	int prot = PROT_READ | PROT_EXEC | (w ? PROT_WRITE : 0);

	if (mprotect((void *)text_lo, text_hi - text_lo, prot))
		die(EXIT_ENV, "cannot make the pvops call sites %s (mprotect %s at %#lx: %s); "
		    "the patched-site figures need self-modifying code", w ? "writable" : "executable again",
		    w ? "RWX" : "RX", text_lo, strerror(errno));
}

static const char *fn_name(const void *p)
{
	static const struct { const void *fn; const char *name; } known[] = {
#define K(f) { (const void *)(f), #f }
		K(pv_xen_irq_disable_cs), K(pv_xen_irq_enable_cs), K(pv_xen_irq_save_cs),
		K(pv_xen_irq_restore_cs), K(pv_xen_clock_ns), K(pv_xen_lock_kick),
		K(pv_native_irq_disable_cs), K(pv_native_irq_enable_cs), K(pv_native_irq_save_cs),
		K(pv_native_irq_restore_cs), K(pv_native_clock_ns), K(pv_native_lock_kick),
		K(pv_kvm_clock_ns),
#undef K
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].fn == p)
			return known[i].name;
	return "?";
}

/* The rest of a site after its contents: one instruction, a long nop of
 * 1..11 bytes (the assembler's forms, which pv_patch.c writes too) or,
 * longer, a short jmp over int3s.  Written down here independently. */
static bool is_fill(const u8 *p, int n)
{
	static const char *const nop[12] = {
		"", "\x90", "\x66\x90", "\x0f\x1f\x00", "\x0f\x1f\x40\x00",
		"\x0f\x1f\x44\x00\x00", "\x66\x0f\x1f\x44\x00\x00",
		"\x0f\x1f\x80\x00\x00\x00\x00", "\x0f\x1f\x84\x00\x00\x00\x00\x00",
		"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00",
		"\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00",
		"\x66\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00",
	};
	if (n <= 0)
		return n == 0;
	if (n <= 11)
		return !memcmp(p, nop[n], (size_t)n);
	if (p[0] != 0xeb || p[1] != n - 2)
		return false;
	for (int i = 2; i < n; i++)
		if (p[i] != 0xcc)
			return false;
	return true;
}

static const void *rel_target(const struct pv_site *s)
{
	i32 rel;

	memcpy(&rel, (const u8 *)s->addr + 2, 4);
	return (const void *)(s->addr + 6 + (i64)rel);
}

static const char *site_kind(const struct pv_site *s)
{
	const u8 *p = (const u8 *)s->addr;

	if (s->len >= 6 && p[0] == 0xff && p[1] == 0x15)
		return "indirect";
	if (s->len >= 6 && p[0] == 0x2e && p[1] == 0xe8)
		return "call";
	if (is_fill(p, s->len))
		return "nop";
	return "inline";
}

enum be { BE_NONE, BE_XEN, BE_NATIVE, BE_KVM, BE_NR };
static const char *const be_name[BE_NR] = { "none", "xen", "native", "kvm" };

/* What each site must hold after pv_patch.c ran for a backend: written
 * down here from pv_native.c's table and README's list, not taken from
 * the tables pv_patch.c reads. */
static bool site_expected(enum be be, const struct pv_site *s, char *why, size_t n)
{
	const u8 *p = (const u8 *)s->addr;
	const void *call = NULL;
	const u8 *ins = NULL;
	int ilen = 0;
	static const u8 cli[] = { 0xfa }, sti[] = { 0xfb }, save[] = { 0x9c, 0x58 },
			restore[] = { 0x57, 0x9d };
	/* Xen's inline forms: movb $1, %gs:mask; cmpb $1, %gs:mask; sbb %eax,
	 * %eax; and $0x200, %eax.  The mask is this CPU's vcpu_info field in
	 * its per-CPU record, an absolute %gs displacement. */
	static const u8 xdis[9] = { 0x65, 0xc6, 0x04, 0x25, XEN_GS_MASK, 0, 0, 0, 0x01 };
	static const u8 xsave[16] = { 0x65, 0x80, 0x3c, 0x25, XEN_GS_MASK, 0, 0, 0, 0x01,
				      0x19, 0xc0, 0x25, 0x00, 0x02, 0, 0 };

	if (be == BE_XEN) {
		switch (s->op) {
		case PV_irq_disable: ins = xdis; ilen = 9; break;
		case PV_irq_enable: call = (const void *)pv_xen_irq_enable_cs; break;
		case PV_irq_save: ins = xsave; ilen = 16; break;
		case PV_irq_restore: call = (const void *)pv_xen_irq_restore_cs; break;
		case PV_clock_ns: call = (const void *)pv_xen_clock_ns; break;
		case PV_lock_kick: call = (const void *)pv_xen_lock_kick; break;
		}
	} else {
		switch (s->op) {
		case PV_irq_disable: ins = cli; ilen = 1; break;
		case PV_irq_enable: ins = sti; ilen = 1; break;
		case PV_irq_save: ins = save; ilen = 2; break;
		case PV_irq_restore: ins = restore; ilen = 2; break;
		case PV_clock_ns:
			call = be == BE_KVM ? (const void *)pv_kvm_clock_ns : (const void *)pv_native_clock_ns;
			break;
		case PV_lock_kick: ins = cli; ilen = 0; break;	/* nothing: only nops */
		}
	}
	if (!call && !ins) {
		snprintf(why, n, "no expectation for op %s", pv_op_name[s->op]);
		return false;
	}
	if (call) {
		if (p[0] != 0x2e || p[1] != 0xe8 || rel_target(s) != call || !is_fill(p + 6, s->len - 6)) {
			snprintf(why, n, "%s site is not `cs call %s`", pv_op_name[s->op], fn_name(call));
			return false;
		}
		return true;
	}
	if (memcmp(p, ins, (size_t)ilen) || !is_fill(p + ilen, s->len - ilen)) {
		snprintf(why, n, "%s site is not %d inline byte(s) and one filler", pv_op_name[s->op], ilen);
		return false;
	}
	return true;
}

static void site_lines(const char *be, const char *phase)
{
	if (!opt_json)
		return;
	for (size_t i = 0; i < nsites; i++) {
		const struct pv_site *s = &__pv_sites_start[i];
		const char *kind = site_kind(s);
		char hex[40] = "";
		for (unsigned k = 0; k < s->len && k < 16; k++)
			sprintf(hex + 2 * k, "%02x", ((const u8 *)s->addr)[k]);
		printf("{\"event\":\"hostbench_site\",\"backend\":\"%s\",\"phase\":\"%s\",\"op\":\"%s\","
		       "\"addr\":\"%#lx\",\"len\":%u,\"bytes\":\"%s\",\"kind\":\"%s\"",
		       be, phase, pv_op_name[s->op], (unsigned long)s->addr, s->len, hex, kind);
		if (!strcmp(kind, "call"))
			json_str(stdout, "target", fn_name(rel_target(s)));
		else if (!strcmp(kind, "indirect"))
			printf(",\"target\":\"pv_op_table[%u]\"", s->op);
		printf("}\n");
	}
}

static void check_as_built(void)
{
	size_t bad = 0;
	char name[64];

	for (size_t i = 0; i < nsites; i++) {
		const struct pv_site *s = &__pv_sites_start[i];
		const u8 *p = (const u8 *)s->addr;
		if (s->len < 6 || p[0] != 0xff || p[1] != 0x15 || rel_target(s) != &pv_op_table[s->op] ||
		    !is_fill(p + 6, s->len - 6))
			bad++;
	}
	snprintf(name, sizeof(name), "sites:as_built");
	check(name, bad == 0, "%zu of %zu sites are `call *pv_op_table+8*op(%%rip)` (ff 15 rel32) "
	      "and one long nop",
	      nsites - bad, nsites);
	site_lines("none", "as_built");
}

/* Put every site back as built, then let the kernel's pv_early_init()
 * choose the backend (hvb.variant=) and patch (pv.patch=1) or not, and its
 * pv_report() read every site back (it panics on a mismatch). */
static void pvops_prepare(enum be be, bool patch)
{
	static struct boot_info bi;
	const char *phase = patch ? "patched" : "unpatched";
	const struct pv_backend *want = be == BE_XEN ? &pv_xen : be == BE_KVM ? pv_kvm_backend() : &pv_native;
	char name[64], why[160] = "";
	size_t bad = 0;

	text_writable(true);
	for (size_t i = 0; i < nsites; i++)
		memcpy((void *)__pv_sites_start[i].addr, site_orig[i], __pv_sites_start[i].len);
	memset(&bi, 0, sizeof(bi));
	bi.entry = be == BE_XEN ? "xen" : "pvh";
	snprintf(bi.cmdline, sizeof(bi.cmdline), "hvb.variant=%s pv.patch=%d", be_name[be], patch);
	pv_early_init(&bi);
	text_writable(false);

	hb_pvops_bad = -1;
	pv_report();
	snprintf(name, sizeof(name), "pv_report:%s:%s", be_name[be], phase);
	check(name, pv_backend == want && hb_pvops_bad == 0,
	      "pv_patch.c chose %s and its read-back found %d bad sites", pv_backend_name(),
	      hb_pvops_bad);

	for (size_t i = 0; i < nsites; i++) {
		const struct pv_site *s = &__pv_sites_start[i];
		bool ok;
		if (patch) {
			ok = site_expected(be, s, bad ? (char[160]){ 0 } : why, sizeof(why));
		} else {
			ok = !memcmp((const void *)s->addr, site_orig[i], s->len) &&
			     pv_op_table[s->op] == want->impl[s->op].fn;
			if (!ok && !bad)
				snprintf(why, sizeof(why), "%s site changed or table entry wrong",
					 pv_op_name[s->op]);
		}
		bad += !ok;
	}
	snprintf(name, sizeof(name), "sites:%s:%s", be_name[be], phase);
	check(name, bad == 0, "%zu of %zu sites read back as expected%s%s", nsites - bad, nsites,
	      bad ? "; first: " : "", bad ? why : "");
	site_lines(be_name[be], phase);
}

/* ------------------------------------------------------------------ */
/* Callee-save entries (_cs): every register but rax comes back unchanged. */

static void check_thunk(const char *be, const char *op, void (*thunk)(void), unsigned long arg,
			bool (*effect)(unsigned long rax), const char *effect_what)
{
	static const u64 want[8] = { 0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0,
				     0x5555555555555555, 0x6666666666666666, 0x7777777777777777,
				     0x8888888888888888 };
	static const char *const reg[8] = { "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11" };
	u64 out[8];
	char name[64];
	unsigned long rax = hb_thunk_probe((void *)thunk, arg, out);
	int bad = -1;

	for (int i = 0; i < 8; i++)
		if (out[i] != (i == 3 ? arg : want[i]))
			bad = bad < 0 ? i : bad;
	snprintf(name, sizeof(name), "thunk:%s:%s", be, op);
	check(name, bad < 0 && effect(rax), "%s_cs kept rcx rdx rsi rdi r8-r11%s%s; %s",
	      op, bad < 0 ? "" : ", except ", bad < 0 ? "" : reg[bad], effect_what);
}

static bool eff_masked(unsigned long rax) { (void)rax; return hb_vcpu.evtchn_upcall_mask == 1; }
static bool eff_unmasked(unsigned long rax) { (void)rax; return hb_vcpu.evtchn_upcall_mask == 0; }
static bool eff_if(unsigned long rax) { return rax == X86_EFLAGS_IF; }
static bool eff_flags(unsigned long rax) { return (rax & X86_EFLAGS_IF) && (rax & 2); }
static bool eff_none(unsigned long rax) { (void)rax; return (rflags() & X86_EFLAGS_IF) != 0; }

static void check_thunks(void)
{
	hb_vcpu.evtchn_upcall_mask = 0;
	hb_vcpu.evtchn_upcall_pending = 0;
	check_thunk("xen", "irq_disable", pv_xen_irq_disable_cs, 0, eff_masked, "upcall mask is 1");
	check_thunk("xen", "irq_enable", pv_xen_irq_enable_cs, 0, eff_unmasked, "upcall mask is 0");
	check_thunk("xen", "irq_save", pv_xen_irq_save_cs, 0, eff_if, "unmasked: returned IF");
	check_thunk("xen", "irq_restore", pv_xen_irq_restore_cs, 0, eff_masked,
		    "restore(0) set the mask");
	check_thunk("native", "irq_save", pv_native_irq_save_cs, 0, eff_flags,
		    "returned RFLAGS with IF");
	check_thunk("native", "irq_restore", pv_native_irq_restore_cs, rflags() & ~X86_EFLAGS_IF,
		    eff_none, "popf without IF in ring 3 left IF set");
	hb_vcpu.evtchn_upcall_mask = 0;
}

/* ------------------------------------------------------------------ */
/* What is measured */

enum mech { M_INLINE, M_DIRECT, M_INDIRECT, M_RETPOLINE, M_THUNK, M_PV_UNPATCHED, M_PV_PATCHED,
	    M_NR };
static const char *const mech_name[M_NR] = {
	"inline", "direct", "indirect", "indirect_retpoline", "direct_thunk", "pv_unpatched",
	"pv_patched",
};

/* What a figure's check may look at: */
static struct {
	u64 hypercalls0;	/* hb_hypercalls before the figure */
	u64 iters;		/* iterations the figure ran */
	u64 t0, t1;		/* stamps around the last loop */
} ctx;

struct row {
	const char *name;	/* the kernel's bench name (src/kernel/bench.c), or host-only */
	enum be be;
	int op;			/* the op whose site decides pv_patched's kind, -1 none */
	hb_loop_fn fn[M_NR];
	void (*setup)(void);
	bool (*check)(char *detail, size_t n);
};

static void xen_state(int mask, int pending)
{
	hb_vcpu.evtchn_upcall_mask = (u8)mask;
	hb_vcpu.evtchn_upcall_pending = (u8)pending;
}
static void set_xen_unmasked(void) { xen_state(0, 0); }
static void set_xen_masked(void) { xen_state(1, 0); }
static void set_xen_masked_pending(void) { xen_state(1, 1); }
static void set_xen_restore_off(void) { xen_state(0, 0); hb_saved_flags = 0; }
static void set_native_restore_off(void) { hb_saved_flags = rflags() & ~X86_EFLAGS_IF; }
static void set_lock_word(void) { hb_lock_word = 7; }

static bool no_hypercalls(char *d, size_t n, bool ok, const char *what)
{
	u64 hc = hb_hypercalls - ctx.hypercalls0;
	snprintf(d, n, "%s; upcall mask %u, %llu hypercalls", what, hb_vcpu.evtchn_upcall_mask,
		 (unsigned long long)hc);
	return ok && hc == 0;
}
static bool chk_masked(char *d, size_t n)
{
	return no_hypercalls(d, n, hb_vcpu.evtchn_upcall_mask == 1, "masked after");
}
static bool chk_unmasked(char *d, size_t n)
{
	return no_hypercalls(d, n, hb_vcpu.evtchn_upcall_mask == 0, "unmasked after, pending branch not taken");
}
static bool chk_pending(char *d, size_t n)
{
	u64 hc = hb_hypercalls - ctx.hypercalls0;
	snprintf(d, n, "unmasked; %llu stub hypercalls for %llu enables (one each)",
		 (unsigned long long)hc, (unsigned long long)ctx.iters);
	return hb_vcpu.evtchn_upcall_mask == 0 && hc == ctx.iters;
}
static bool chk_xen_save(char *d, size_t n)
{
	snprintf(d, n, "masked: irq_save returned %#llx (IF clear)", (unsigned long long)hb_sink);
	return hb_sink == 0 && hb_vcpu.evtchn_upcall_mask == 1;
}
static bool chk_clock(char *d, size_t n, const struct pvclock_time_info *t, const char *what)
{
	u64 lo = pvclock_ref(t, ctx.t0), hi = pvclock_ref(t, ctx.t1), v = hb_sink;
	snprintf(d, n, "%s: last read %llu ns within [%llu, %llu]", what, (unsigned long long)v,
		 (unsigned long long)lo, (unsigned long long)hi);
	return lo <= v && v <= hi;
}
static bool chk_xen_clock(char *d, size_t n) { return chk_clock(d, n, xen_time(), "pvclock in vcpu_info"); }
static bool chk_kvm_clock(char *d, size_t n) { return chk_clock(d, n, &kvm_pvclock, "kvmclock"); }
static bool chk_native_clock(char *d, size_t n)
{
	u64 lo = (u64)(((unsigned __int128)(ctx.t0 - native_tsc.tsc0) * native_tsc.mult) >> 32);
	u64 hi = (u64)(((unsigned __int128)(ctx.t1 - native_tsc.tsc0) * native_tsc.mult) >> 32);
	snprintf(d, n, "tsc scale: last read %llu ns within [%llu, %llu]",
		 (unsigned long long)hb_sink, (unsigned long long)lo, (unsigned long long)hi);
	return lo <= hb_sink && hb_sink <= hi;
}
static bool chk_native_save(char *d, size_t n)
{
	snprintf(d, n, "pushf gave %#llx (IF and bit 1 set)", (unsigned long long)hb_sink);
	return (hb_sink & X86_EFLAGS_IF) && (hb_sink & 2);
}
static bool chk_native_if(char *d, size_t n)
{
	u64 f = rflags();
	snprintf(d, n, "popf of %#lx in ring 3: RFLAGS now %#llx, IF kept", hb_saved_flags,
		 (unsigned long long)f);
	return (f & X86_EFLAGS_IF) != 0;
}
static bool chk_native_sr(char *d, size_t n)
{
	u64 f = rflags();
	snprintf(d, n, "RFLAGS after popf of what pushf gave: %#llx, IF set", (unsigned long long)f);
	return (f & X86_EFLAGS_IF) != 0;
}
static bool chk_lock_word(char *d, size_t n)
{
	snprintf(d, n, "lock word %u untouched", hb_lock_word);
	return hb_lock_word == 7;
}

static const struct row rows[] = {
	{ "loop_empty", BE_NONE, -1, { hb_loop_empty }, NULL, NULL },
	/* Xen PV: the upcall mask in vcpu_info, and its pvclock */
	{ "irq_disable", BE_XEN, PV_irq_disable,
	  { hb_xen_irq_disable, hb_direct_xen_irq_disable, hb_indirect_irq_disable, hb_retpoline_irq_disable,
	    hb_thunk_xen_irq_disable, hb_pv_irq_disable, hb_pv_irq_disable },
	  set_xen_unmasked, chk_masked },
	{ "irq_enable", BE_XEN, PV_irq_enable,
	  { hb_xen_irq_enable, hb_direct_xen_irq_enable, hb_indirect_irq_enable, hb_retpoline_irq_enable,
	    hb_thunk_xen_irq_enable, hb_pv_irq_enable, hb_pv_irq_enable },
	  set_xen_masked, chk_unmasked },
	{ "irq_enable_pending", BE_XEN, PV_irq_enable,
	  { hb_xen_irq_enable, hb_direct_xen_irq_enable, hb_indirect_irq_enable, hb_retpoline_irq_enable,
	    hb_thunk_xen_irq_enable, hb_pv_irq_enable, hb_pv_irq_enable },
	  set_xen_masked_pending, chk_pending },
	{ "irq_save", BE_XEN, PV_irq_save,
	  { hb_xen_irq_save, hb_direct_xen_irq_save, hb_indirect_irq_save, hb_retpoline_irq_save,
	    hb_thunk_xen_irq_save, hb_pv_irq_save, hb_pv_irq_save },
	  set_xen_masked, chk_xen_save },
	{ "irq_restore", BE_XEN, PV_irq_restore,
	  { hb_xen_irq_restore, hb_direct_xen_irq_restore, hb_indirect_irq_restore, hb_retpoline_irq_restore,
	    hb_thunk_xen_irq_restore, hb_pv_irq_restore, hb_pv_irq_restore },
	  set_xen_restore_off, chk_masked },
	{ "irq_save_restore", BE_XEN, PV_irq_save,
	  { hb_xen_irq_save_restore, hb_direct_xen_irq_save_restore, hb_indirect_irq_save_restore, hb_retpoline_irq_save_restore,
	    hb_thunk_xen_irq_save_restore, hb_pv_irq_save_restore, hb_pv_irq_save_restore },
	  set_xen_masked, chk_masked },
	{ "clock_ns", BE_XEN, PV_clock_ns,
	  { hb_xen_clock_ns, hb_direct_xen_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_xen_clock },
	/* native: pushf/popf (cli, sti fault in ring 3), the TSC clock, lock kick */
	{ "irq_save", BE_NATIVE, PV_irq_save,
	  { hb_native_irq_save, hb_direct_native_irq_save, hb_indirect_irq_save, hb_retpoline_irq_save,
	    hb_thunk_native_irq_save, hb_pv_irq_save, hb_pv_irq_save },
	  NULL, chk_native_save },
	{ "irq_restore", BE_NATIVE, PV_irq_restore,
	  { hb_native_irq_restore, hb_direct_native_irq_restore, hb_indirect_irq_restore, hb_retpoline_irq_restore,
	    hb_thunk_native_irq_restore, hb_pv_irq_restore, hb_pv_irq_restore },
	  set_native_restore_off, chk_native_if },
	{ "irq_save_restore", BE_NATIVE, PV_irq_save,
	  { hb_native_irq_save_restore, hb_direct_native_irq_save_restore,
	    hb_indirect_irq_save_restore, hb_retpoline_irq_save_restore, hb_thunk_native_irq_save_restore,
	    hb_pv_irq_save_restore, hb_pv_irq_save_restore },
	  NULL, chk_native_sr },
	{ "clock_ns", BE_NATIVE, PV_clock_ns,
	  { hb_native_clock_ns, hb_direct_native_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_native_clock },
	{ "lock_kick", BE_NATIVE, PV_lock_kick,
	  { hb_native_lock_kick, hb_direct_native_lock_kick, hb_indirect_lock_kick, hb_retpoline_lock_kick, NULL,
	    hb_pv_lock_kick, hb_pv_lock_kick },
	  set_lock_word, chk_lock_word },
	/* KVM: kvmclock (its other ops are native's) */
	{ "clock_ns", BE_KVM, PV_clock_ns,
	  { hb_kvm_clock_ns, hb_direct_kvm_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_kvm_clock },
};
#define NROWS ARRAY_SIZE(rows)

static void cabi_set(enum be be)
{
	if (be == BE_XEN)
		hb_cabi = (struct hb_cabi){ hb_fn_xen_irq_disable, hb_fn_xen_irq_enable, hb_fn_xen_irq_save,
					    hb_fn_xen_irq_restore, pv_xen_clock_ns, pv_xen_lock_kick };
	else
		hb_cabi = (struct hb_cabi){ hb_fn_native_irq_disable, hb_fn_native_irq_enable,
					    hb_fn_native_irq_save, hb_fn_native_irq_restore,
					    be == BE_KVM ? pv_kvm_clock_ns : pv_native_clock_ns,
					    pv_native_lock_kick };
}

struct fig {
	bool done;
	char mech[24];
	u64 n;
	double min, med, max, insns;
	bool have_insns;
};
static struct fig figs[NROWS][M_NR];

static bool selected(const struct row *r)
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

static void measure_all(void)
{
	/* Everything but the patchable sites: nothing to set up. */
	for (size_t i = 0; i < NROWS; i++) {
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
			for (size_t i = 0; i < NROWS; i++) {
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

/* ------------------------------------------------------------------ */
/* Output */

static void print_json(void)
{
	for (size_t i = 0; i < NROWS; i++)
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

static void print_table(void)
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
	for (size_t i = 0; i < NROWS; i++) {
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
		for (size_t i = 0; i < NROWS; i++) {
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

/* ------------------------------------------------------------------ */

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
		for (size_t i = 0; i < NROWS; i++)
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
