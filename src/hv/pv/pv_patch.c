/* pv_patch.c: choose a backend at boot (the kernel's and the stub's one
 * detection routine, hv_detect.h; hvb.variant= overrides), fill the op
 * table, and patch every recorded call site before anything hot runs.
 * Then read each site back. */
#include "defs.h"
#include "pv/pv_backend.h"
#include "hv_detect.h"

extern const struct pv_site __pv_sites_start[], __pv_sites_end[];

void *pv_op_table[PV_NR_OPS];
const struct pv_backend *pv_backend;

static struct {
	const char *reason;
	bool patched, inline_ok;
	u32 sites, direct, inlined, nops, indirect, bytes;
	u64 ticks;
	char override[16];
} st;

/* Long NOPs, one instruction each for 1..11 bytes (the assembler's own
 * forms: PV_SITE pads built sites with them too). */
#define NOP_MAX 11
static const u8 nop_seq[NOP_MAX + 1][NOP_MAX] = {
	{ 0 },
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

/* The rest of a site after what was put in it, as one instruction: a long
 * nop, or past NOP_MAX bytes a short jump over int3s. */
static void fill(u8 *out, int n)
{
	if (n <= 0)
		return;
	if (n <= NOP_MAX) {
		memcpy(out, nop_seq[n], (size_t)n);
		return;
	}
	out[0] = 0xeb;
	out[1] = (u8)(n - 2);
	memset(out + 2, 0xcc, (size_t)n - 2);
}

/* The bytes a site should hold (len of them): what the patcher writes,
 * and what the read-back expects. */
static void expected(const struct pv_site *s, const struct pv_impl *im, int kind, u8 *out)
{
	int used = 0;

	if (!st.patched) {			/* as built: call *pv_op_table+8*op(%rip) */
		i32 rel = (i32)((u64)&pv_op_table[s->op] - (s->addr + PV_CALL_LEN));
		out[0] = 0xff;
		out[1] = 0x15;
		memcpy(out + 2, &rel, 4);
		used = PV_CALL_LEN;
	} else if (kind == PV_KIND_INLINE) {
		memcpy(out, im->insn, im->len);
		used = im->len;
	} else if (kind == PV_KIND_CALL) {
		/* "cs call rel32": 6 bytes, one instruction (the prefix is ignored
		 * in 64-bit mode), the length of the indirect call it replaces. */
		i32 rel = (i32)((u64)im->fn - (s->addr + PV_CALL_LEN));
		out[0] = 0x2e;
		out[1] = 0xe8;
		memcpy(out + 2, &rel, 4);
		used = PV_CALL_LEN;
	}
	fill(out + used, s->len - used);
}

/* What the patcher makes of a site for this implementation. */
static int decide(const struct pv_site *s, const struct pv_impl *im)
{
	if (im->kind == PV_KIND_NOP)
		return PV_KIND_NOP;
	if (im->kind == PV_KIND_INLINE && st.inline_ok && im->len <= s->len &&
	    !(im->clobbers & ~s->clobbers))
		return PV_KIND_INLINE;
	if (s->len < PV_CALL_LEN)
		panic("pvops site %016lx is %u bytes, too short for a call", s->addr, s->len);
	return PV_KIND_CALL;
}

static void patch(const struct pv_site *s, const struct pv_impl *im, int kind)
{
	u8 want[PV_SITE_MAX];

	expected(s, im, kind, want);
	memcpy((u8 *)s->addr, want, s->len);
	st.bytes += s->len;
}

static const char *check(const struct pv_site *s, const struct pv_impl *im, int kind)
{
	static const char *const what[] = {
		[PV_KIND_CALL] = "not a direct call to the backend's body",
		[PV_KIND_INLINE] = "not the inline instructions",
		[PV_KIND_NOP] = "not nops",
	};
	u8 want[PV_SITE_MAX];

	expected(s, im, kind, want);
	if (!memcmp((const u8 *)s->addr, want, s->len))
		return NULL;
	return st.patched ? what[kind] : "not the indirect call it was built as";
}

/* The backends, one for each platform detection names (HV_PLATFORMS). */
#define PV_GET(id, name) [HV_PLATFORM_##id] = pv_##name##_backend,
static const struct pv_backend *(*const backends[HV_NR_PLATFORMS])(void) = {
	HV_PLATFORMS(PV_GET)
};
#undef PV_GET

static const struct pv_backend *choose(struct boot_info *bi)
{
	struct hv_detect d;

	platform_detect(bi, &d);
	st.reason = d.platform_reason;
	int i = d.platform;
	if (!strcmp(d.reason, "override")) {
		memcpy(st.override, d.variant, sizeof(d.variant));
		if (hv_platform_index(d.variant) >= 0) {
			st.reason = "override";
			i = hv_platform_index(d.variant);
		}
	}
	return backends[i]();
}

void pv_early_init(struct boot_info *bi)
{
	u64 t0 = rdtsc();

	/* Until a backend is chosen, sites (detection's cpuid) reach the one
	 * the entry implies. */
	const struct pv_backend *pre = !strcmp(bi->entry, "xen") ? &pv_xen : &pv_native;
	for (int i = 0; i < PV_NR_OPS; i++)
		pv_op_table[i] = pre->impl[i].fn;
	cmdline_init(bi->cmdline);
	pv_backend = choose(bi);
	for (int i = 0; i < PV_NR_OPS; i++)
		pv_op_table[i] = pv_backend->impl[i].fn;

	/* pv.count=1: every call counted, so the sites stay indirect. */
	bool count = cmdline_u64("pv.count", 0) != 0;
	if (count)
		pv_count_install();
	st.patched = !count && cmdline_u64("pv.patch", 1) != 0;
	/* pv.inline=0: every site a call, as Linux patches Xen's irq ops (to
	 * its assembler stubs): the method to compare with. */
	st.inline_ok = cmdline_u64("pv.inline", 1) != 0;
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++) {
		const struct pv_impl *im = &pv_backend->impl[s->op];
		int kind = decide(s, im);
		st.sites++;
		if (!st.patched) {
			st.indirect++;
			continue;
		}
		patch(s, im, kind);
		if (kind == PV_KIND_NOP)
			st.nops++;
		else if (kind == PV_KIND_INLINE)
			st.inlined++;
		else
			st.direct++;
	}
	st.ticks = rdtsc() - t0;
}

/* pv.damage=N, a debug argument: flip the first byte of site N (counted
 * from 0 in the image's table) just before the read-back, as a bad patch
 * would leave it.  The read-back must find it and stop the kernel: the
 * test of the only guard against a bad patch.  The site is never run. */
static void damage_for_test(void)
{
	u64 n = cmdline_u64("pv.damage", ~0ULL);

	if (n >= (u64)(__pv_sites_end - __pv_sites_start))
		return;
	const struct pv_site *s = &__pv_sites_start[n];
	*(volatile u8 *)s->addr ^= 0xff;
	kprintf("hvbundle: pv.damage=%lu: flipped the first byte of site %016lx\n", n, s->addr);
}

/* After the console is up: check every site, then say what was done. */
void pv_report(void)
{
	struct hvbline l;
	u32 bad = 0;

	damage_for_test();
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++) {
		const struct pv_impl *im = &pv_backend->impl[s->op];
		const char *why = check(s, im, decide(s, im));
		if (why && bad++ < 5)
			kprintf("hvbundle: pvops site %016lx (op %u, %u bytes) is %s\n", s->addr,
				s->op, s->len, why);
	}
	if (st.override[0] && strcmp(st.reason, "override"))
		kprintf("hvbundle: unknown hvb.variant=%s: chose %s by detection\n", st.override,
			pv_backend->name);
	hvb_begin(&l, "pvops");
	hvb_str(&l, "backend", pv_backend->name);
	hvb_str(&l, "reason", st.reason);
	hvb_u64(&l, "patched", st.patched);
	hvb_u64(&l, "inline_ok", st.inline_ok);
	hvb_u64(&l, "counting", pv_counting());
	hvb_u64(&l, "sites", st.sites);
	hvb_u64(&l, "direct", st.direct);
	hvb_u64(&l, "inline", st.inlined);
	hvb_u64(&l, "nop", st.nops);
	hvb_u64(&l, "indirect", st.indirect);
	hvb_u64(&l, "bytes_patched", st.bytes);
	hvb_u64(&l, "ticks", st.ticks);
	hvb_u64(&l, "bad_sites", bad);
	hvb_end(&l);
	if (bad)
		panic("%u pvops call sites do not hold what the patcher wrote", bad);
}

const char *pv_backend_name(void) { return pv_backend->name; }
const char *pv_clock_name(void) { return pv_backend->clock_name; }
const char *pv_setup(struct boot_info *bi) { return pv_backend->setup(bi); }
void pv_setup_irq(void) { pv_backend->setup_irq(); }
void pv_handle_irq(unsigned int vector) { pv_backend->handle_irq(vector); }
void pv_setup_traps(const u64 *vectors) { pv_backend->setup_traps(vectors); }
u32 pv_smp_probe(struct boot_info *bi, u32 *ids, u32 max) { return pv_backend->smp_probe(bi, ids, max); }
const char *pv_cpu_start(struct percpu *pc) { return pv_backend->cpu_start(pc); }
void pv_cpu_init(void) { pv_backend->cpu_init(); }
void pv_send_ipi(u32 cpu) { pv_backend->send_ipi(cpu); }
