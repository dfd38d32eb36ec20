/* sites.c: the pvops call sites in hostbench's own text (pv.h emits them in
 * loops.c): saved as built, patched by the kernel's pv_patch.c per backend,
 * and read back against what each backend must leave there. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "boot.h"
#include "hb.h"

#define PV_NAME(op, ...) #op,
static const char *const pv_op_name[PV_NR_OPS] = { PV_OPS(PV_NAME) };
#undef PV_NAME

static u8 (*site_orig)[16];
size_t nsites;
static unsigned long text_lo, text_hi;

void sites_init(void)
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

const char *site_kind(const struct pv_site *s)
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

const char *const be_name[BE_NR] = { "none", "xen", "native", "kvm" };

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

void check_as_built(void)
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
void pvops_prepare(enum be be, bool patch)
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
