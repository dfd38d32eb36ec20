/* pv_patch.c: choose a backend at boot (the stub's rules: Xen entry means
 * xen, CPUID signature KVMKVMKVM means kvm, anything else native, and
 * hvb.variant= overrides), fill the op table, and patch every recorded
 * call site before anything hot runs.  Then read each site back. */
#include "defs.h"
#include "pv/pv_backend.h"
#include "hv_detect.h"

extern const struct pv_site __pv_sites_start[], __pv_sites_end[];

void *pv_op_table[PV_NR_OPS];
const struct pv_backend *pv_backend;

static struct {
	const char *reason;
	bool patched;
	u32 sites, direct, inlined, nops, indirect, bytes;
	u64 ticks;
	char override[16];
} st;

/* A direct call fills a 6-byte site as "cs call rel32": one instruction
 * (the prefix is ignored in 64-bit mode), so a patched call site never
 * executes more instructions than the indirect call it replaces. */
#define CALL_LEN 6

/* Long NOPs, one instruction each for 1..8 bytes. */
static const u8 nop_seq[9][8] = {
	{ 0 },
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static void fill_nops(u8 *p, int n)
{
	while (n > 0) {
		int k = n > 8 ? 8 : n;
		memcpy(p, nop_seq[k], (size_t)k);
		p += k;
		n -= k;
	}
}

static bool is_nops(const u8 *p, int n)
{
	while (n > 0) {
		int k = n > 8 ? 8 : n;
		if (memcmp(p, nop_seq[k], (size_t)k))
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/* What the patcher makes of a site for this implementation. */
static int decide(const struct pv_site *s, const struct pv_impl *im)
{
	if (im->kind == PV_KIND_NOP)
		return PV_KIND_NOP;
	if (im->kind == PV_KIND_INLINE && im->len <= s->len && !(im->clobbers & ~s->clobbers))
		return PV_KIND_INLINE;
	if (s->len < CALL_LEN)
		panic("pvops site %016lx is %u bytes, too short for a call", s->addr, s->len);
	return PV_KIND_CALL;
}


static i64 rel_call(const struct pv_site *s, const struct pv_impl *im)
{
	return (i64)((u64)im->fn - (s->addr + CALL_LEN));
}

static void patch(const struct pv_site *s, const struct pv_impl *im, int kind)
{
	u8 *p = (u8 *)s->addr;

	if (kind == PV_KIND_NOP) {
		fill_nops(p, s->len);
	} else if (kind == PV_KIND_INLINE) {
		memcpy(p, im->insn, im->len);
		fill_nops(p + im->len, s->len - im->len);
	} else {
		i32 rel = (i32)rel_call(s, im);
		p[0] = 0x2e;
		p[1] = 0xe8;
		memcpy(p + 2, &rel, 4);
		fill_nops(p + CALL_LEN, s->len - CALL_LEN);
	}
	st.bytes += s->len;
}

/* A site as it was emitted: call *pv_op_table+8*op(%rip). */
static bool is_indirect(const struct pv_site *s)
{
	const u8 *p = (const u8 *)s->addr;
	i32 rel;

	memcpy(&rel, p + 2, 4);
	return s->len == 6 && p[0] == 0xff && p[1] == 0x15 &&
	       s->addr + 6 + (i64)rel == (u64)&pv_op_table[s->op];
}

static const char *check(const struct pv_site *s, const struct pv_impl *im, int kind)
{
	const u8 *p = (const u8 *)s->addr;

	if (!st.patched)
		return is_indirect(s) ? NULL : "not the indirect call it was built as";
	if (kind == PV_KIND_NOP)
		return is_nops(p, s->len) ? NULL : "not nops";
	if (kind == PV_KIND_INLINE)
		return !memcmp(p, im->insn, im->len) && is_nops(p + im->len, s->len - im->len)
			       ? NULL : "not the inline instructions";
	i32 rel;
	memcpy(&rel, p + 2, 4);
	return p[0] == 0x2e && p[1] == 0xe8 && rel == (i32)rel_call(s, im) &&
			       is_nops(p + CALL_LEN, s->len - CALL_LEN)
		       ? NULL : "not a direct call to the backend's body";
}

static const struct pv_backend *choose(struct boot_info *bi)
{
	struct hv_detect d;
	const char *name;

	platform_detect(bi, &d);
	st.reason = d.platform_reason;
	name = hv_platform_names[d.platform];
	if (!strcmp(d.reason, "override")) {
		memcpy(st.override, d.variant, sizeof(d.variant));
		if (hv_platform_index(d.variant) >= 0) {
			st.reason = "override";
			name = d.variant;
		}
	}
	if (!strcmp(name, "xen"))
		return &pv_xen;
	if (!strcmp(name, "kvm")) {
		pv_kvm_fill();
		return &pv_kvm;
	}
	return &pv_native;
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

	st.patched = cmdline_u64("pv.patch", 1) != 0;
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

/* After the console is up: check every site, then say what was done. */
void pv_report(void)
{
	struct hvbline l;
	u32 bad = 0;

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
