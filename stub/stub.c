/* stub.c: the boot stub of an hvbundle bundle.  It finds out where it
 * runs (entry path, CPUID signature, hvb.variant= on the command line),
 * applies that variant's delta in place to the loaded base image with
 * hvb_apply (which checks the result's hash), says what it did in one
 * @hvb line, and enters the variant exactly as a directly booted one is
 * entered.  Any failure ends with a message, a stub_error line and done
 * status 5; no kernel is entered from an image that failed its check.
 * The contract with the bundler: format/FORMAT.md, format/hvb_format.h. */
#include <string.h>
#include "types.h"
#include "apply.h"
#include "x86.h"
#include "hv_detect.h"
#include "../src/hv/xen/hypercall.h"
#include <xen/arch-x86/hvm/start_info.h>

#define VBASE		0xffffffff80000000ull
#define P2V(pa)		((void *)(uintptr_t)((u64)(pa) + VBASE))
#define MAPPED_PHYS	HVB_STUB_MAPPED_PHYS	/* the PVH page tables map 1 GiB */
#define DEBUG_EXIT_PORT	0xf4
#define COM1		0x3f8
#define STATUS_STUB	5
#define PAGE		4096u

/* Filled by `bundler pack`; zero means the bundler never ran.  Its
 * layout is hvb_format.h's HVB_SP_* fields. */
struct stub_params {
	char magic[8];
	u64 payload_paddr;
	u64 payload_size;
	u64 xen_hypercall_page;		/* virtual, 0 if none */
	u64 scratch_size;		/* bytes at hvb_stub_scratch */
};
_Static_assert(offsetof(struct stub_params, payload_paddr) == HVB_SP_PAYLOAD_PADDR &&
	       offsetof(struct stub_params, payload_size) == HVB_SP_PAYLOAD_SIZE &&
	       offsetof(struct stub_params, xen_hypercall_page) == HVB_SP_HYPERCALL_PAGE &&
	       offsetof(struct stub_params, scratch_size) == HVB_SP_SCRATCH_SIZE &&
	       sizeof(struct stub_params) == HVB_STUB_PARAMS_SIZE, "hvb_format.h");
__attribute__((section(".data.hvb_stub_params"), used, aligned(8)))
struct stub_params hvb_stub_params;

/* Our own copy of Xen's hypercall page: the original lies in the work
 * area, which hvb_apply rewrites.  hypercall.h calls through this. */
__attribute__((section(".bss.pagealigned"), aligned(4096)))
char hypercall_page[4096];
/* The apply scratch: hvb_stub_params.scratch_size bytes, as many as the
 * payload needs (its max_scratch), from the end of the linked stub; pack
 * widens the stub's segment over them (stub.ld).  Not zeroed. */
extern u8 hvb_stub_scratch[];

extern char __stub_start[];
__noreturn void stub_enter_pvh(u32 entry, u32 start_info);
__noreturn void stub_enter_xen(u64 entry, start_info_t *si);

static bool on_xen;

/* --- console: one line at a time, COM1 (polled) or Xen's console_io --- */
static char line[320];
static size_t llen;

static void flush(void)
{
	if (on_xen) {
		(void)HYPERVISOR_console_io(CONSOLEIO_write, llen, line);
	} else {
		for (size_t i = 0; i < llen; i++) {
			for (u32 spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
				;
			outb(COM1, (u8)line[i]);
		}
	}
	llen = 0;
}

static void putc_(char c)
{
	if (llen == sizeof(line))
		flush();
	line[llen++] = c;
	if (c == '\n')
		flush();
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putu(u64 v)
{
	char b[20];
	int n = 0;

	do
		b[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		putc_(b[--n]);
}

static void puthex(u64 v)
{
	puts_("0x");
	for (int s = 60; s >= 0; s -= 4)
		putc_("0123456789abcdef"[(v >> s) & 15]);
}

/* a JSON string's body: printable ASCII as is, the rest escaped */
static void putjs(const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		u8 c = (u8)s[i];

		if (c == '"' || c == '\\') {
			putc_('\\');
			putc_((char)c);
		} else if (c < 0x20 || c > 0x7e) {
			puts_("\\u00");
			putc_("0123456789abcdef"[c >> 4]);
			putc_("0123456789abcdef"[c & 15]);
		} else {
			putc_((char)c);
		}
	}
}

static void kv(const char *key, const char *val, size_t max)
{
	puts_(",\"");
	puts_(key);
	puts_("\":\"");
	putjs(val, max);
	putc_('"');
}

static void kvu(const char *key, u64 v)
{
	puts_(",\"");
	puts_(key);
	puts_("\":");
	putu(v);
}

/* --- stopping --- */
static __noreturn void stop(int status)
{
	if (on_xen) {
		struct physdev_set_iopl iopl = { .iopl = 1 };
		struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };

		(void)HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl);
		outl(DEBUG_EXIT_PORT, (u32)status);
		for (;;)
			(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
	}
	outl(DEBUG_EXIT_PORT, (u32)status);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static const char *const ecode[HVB_E_COUNT] = {
	[HVB_OK] = "ok",
	[HVB_E_ARG] = "arg",
	[HVB_E_TRUNCATED] = "truncated",
	[HVB_E_MAGIC] = "magic",
	[HVB_E_VERSION] = "version",
	[HVB_E_PAYLOAD_HASH] = "payload_hash",
	[HVB_E_FORMAT] = "format",
	[HVB_E_NO_VARIANT] = "no_variant",
	[HVB_E_ROOM] = "room",
	[HVB_E_SCRATCH] = "scratch",
	[HVB_E_DELTA_BOUNDS] = "delta_bounds",
	[HVB_E_DELTA_CORRUPT] = "delta_corrupt",
	[HVB_E_ENCODING] = "encoding",
	[HVB_E_COMPRESSION] = "compression",
	[HVB_E_DECOMPRESS] = "decompress",
	[HVB_E_IMAGE_HASH] = "image_hash",
	[HVB_E_REF_TABLE] = "ref_table",
};

/* What went wrong, for people and for tools; never returns.  The code
 * names the check (FORMAT.md 3.10); msg, when there is one, says more
 * (a payload error has none: `bundler verify` explains its code). */
static __noreturn void fail(const char *code, const char *msg, const char *variant,
			  const char *what, u64 a, u64 b)
{
	puts_("hvbundle stub: FATAL: ");
	puts_(code);
	if (msg) {
		puts_(": ");
		puts_(msg);
	}
	if (variant) {
		puts_(" (variant ");
		puts_(variant);
		putc_(')');
	}
	if (what) {
		puts_(": ");
		puts_(what);
		putc_(' ');
		puthex(a);
		puts_(", ");
		puthex(b);
	}
	puts_("; no kernel started\n");
	puts_("@hvb {\"event\":\"stub_error\"");
	kv("code", code, 32);
	if (msg)
		kv("message", msg, 200);
	if (variant)
		kv("variant", variant, 16);
	puts_("}\n@hvb {\"event\":\"done\",\"status\":");
	putu(STATUS_STUB);
	puts_("}\n");
	stop(STATUS_STUB);
}

static __noreturn void fail_apply(int e, const char *variant)
{
	fail(e > 0 && e < HVB_E_COUNT ? ecode[e] : "unknown", NULL, variant, NULL, 0, 0);
}

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* the stub's bytes, its scratch included */
static u64 stub_len(void)
{
	return (u64)(uintptr_t)hvb_stub_scratch + hvb_stub_params.scratch_size -
	       (u64)(uintptr_t)__stub_start;
}

/* One boot of the stub: what the loader gave, and what was found. */
struct boot {
	const char *entry;		/* "pvh" or "xen" */
	const char *cmdline;		/* may be NULL */
	size_t cmax;
	u64 keep[3][2];			/* the loader's data: {vaddr, size} */
	int nkeep;
	struct hv_detect d;
	const void *payload;
	size_t psize;
	struct hvb_payload_info pi;
	u64 hypercall_page;		/* Xen's, inside the work area; 0 if not */
	u64 ticks;
};

static bool params_filled(void)
{
	return !memcmp(hvb_stub_params.magic, HVB_STUB_MAGIC, sizeof(hvb_stub_params.magic));
}

static void check_params(void)
{
	if (!params_filled())
		fail("no_params", "not packed by 'bundler pack'", NULL, NULL, 0, 0);
}

/* Which variant: the shared detection routine (src/lib/hv_detect.c). */
static void choose(struct boot *b)
{
	hv_detect(&b->d, on_xen, b->cmdline, b->cmax, x86_cpuid);
	if (!strcmp(b->d.platform_reason, "unknown-signature")) {
		puts_("hvbundle stub: WARNING: unknown hypervisor signature \"");
		putjs(b->d.signature, HV_SIGNATURE_LEN);
		puts_("\": taking the native variant\n");
	}
	if (b->d.error)
		fail("bad_override", b->d.error, NULL, NULL, 0, 0);
}

/* The payload, where the bundler said, inside the mapped GiB and clear of
 * the stub; then its header and the variant's entry in it. */
static u32 open_payload(struct boot *b)
{
	const struct stub_params *pp = &hvb_stub_params;
	const char *name = b->d.variant;
	u32 index;
	int e;

	b->payload = P2V(pp->payload_paddr);
	b->psize = (size_t)pp->payload_size;
	if (pp->payload_paddr > MAPPED_PHYS || pp->payload_size > MAPPED_PHYS - pp->payload_paddr ||
	    overlap((u64)(uintptr_t)b->payload, b->psize, (u64)(uintptr_t)__stub_start, stub_len()))
		fail("payload_address", "outside the mapped GiB or on the stub", NULL,
		     "paddr, size", pp->payload_paddr, pp->payload_size);
	e = hvb_payload_open(b->payload, b->psize, &b->pi);
	if (e)
		fail_apply(e, name);
	e = hvb_payload_find(b->payload, b->psize, name, &index);
	if (e)
		fail_apply(e, name);
	/* the scratch (pack placed it in the mapped GiB): what the payload needs */
	if (b->pi.max_scratch > pp->scratch_size)
		fail("scratch", NULL, name, "needed, have", b->pi.max_scratch, pp->scratch_size);
	return index;
}

/* The work area (the image the delta rewrites) must be mapped and must
 * not hold the stub, the payload, or what the loader handed over (boot
 * info, command line, memory map). */
static void check_work_area(const struct boot *b)
{
	u64 wv = b->pi.work_vaddr, ws = b->pi.work_size;
	const char *name = b->d.variant;

	if (wv < VBASE || ws > MAPPED_PHYS || wv - VBASE > MAPPED_PHYS - ws ||
	    overlap(wv, ws, (u64)(uintptr_t)__stub_start, stub_len()) ||
	    overlap(wv, ws, (u64)(uintptr_t)b->payload, b->psize))
		fail("work_area", "outside the mapped GiB or on the stub or payload", name,
		     "vaddr, size", wv, ws);
	for (int i = 0; i < b->nkeep; i++)
		if (overlap(wv, ws, b->keep[i][0], b->keep[i][1]))
			fail("work_area", "holds the loader's boot information", name,
			     "vaddr, size", b->keep[i][0], b->keep[i][1]);
}

/* Xen wrote its hypercall page into the work area: where, to put it back
 * after the rewrite (0: nothing to keep). */
static u64 xen_page_in_work(const struct boot *b)
{
	u64 hc = hvb_stub_params.xen_hypercall_page;
	u64 wv = b->pi.work_vaddr, ws = b->pi.work_size;

	if (!on_xen || hc < wv || hc - wv >= ws)
		return 0;
	if (hc & (PAGE - 1) || ws - (hc - wv) < PAGE)
		fail("hypercall_page", "not a whole page in the work area", b->d.variant,
		     "vaddr, work", hc, wv);
	return hc;
}

/* Rewrite the work area into the variant (hvb_apply checks its hash). */
static void apply(struct boot *b, u32 index, struct hvb_apply_result *res, u64 t0)
{
	const char *name = b->d.variant;
	int e;

	res->variant_index = index;
	e = hvb_apply_opened(b->payload, &b->pi, index, (void *)(uintptr_t)b->pi.work_vaddr,
			     (size_t)b->pi.work_size, hvb_stub_scratch,
			     (size_t)hvb_stub_params.scratch_size, res);
	b->ticks = rdtsc() - t0;
	if (e)
		fail_apply(e, name);
	if (b->hypercall_page)
		memcpy((void *)(uintptr_t)b->hypercall_page, hypercall_page, PAGE);
	if (on_xen ? !res->v.xen_entry : !res->v.pvh_entry || res->v.pvh_entry >= 0xffffffffull)
		fail("no_entry", on_xen ? "no Xen PV entry" : "no PVH entry below 4 GiB", name,
		     "pvh_entry, xen_entry", res->v.pvh_entry, res->v.xen_entry);
}

/* What was done: the @hvb stub line (one line, for people and tools). */
static void report(const struct boot *b, const struct hvb_apply_result *res)
{
	const struct hv_detect *d = &b->d;

	puts_("@hvb {\"event\":\"stub\"");
	kv("variant", d->variant, HV_NAME_MAX);
	kv("signature", d->signature, HV_SIGNATURE_LEN);
	kv("reason", d->reason, 32);
	kv("entry", b->entry, 8);
	kvu("regions", res->v.regions);
	kvu("delta_bytes", res->v.delta_bytes);
	kvu("ticks", b->ticks);
	puts_("}\n");
}

/* Detect, apply, check, report; res gets the variant's entry points. */
static void run(struct boot *b, struct hvb_apply_result *res)
{
	u64 t0 = rdtsc();

	check_params();
	choose(b);
	u32 index = open_payload(b);
	check_work_area(b);
	b->hypercall_page = xen_page_in_work(b);
	apply(b, index, res, t0);
	report(b, res);
}

/* What the loader handed over, which the rewrite must not touch. */
static void keep(struct boot *b, const void *p, u64 len)
{
	b->keep[b->nkeep][0] = (u64)(uintptr_t)p;
	b->keep[b->nkeep++][1] = len;
}

/* QEMU's PVH start info, and in it the command line and memory map. */
static void pvh_boot_info(u32 si_pa, struct boot *b)
{
	const struct hvm_start_info *si = P2V(si_pa);

	keep(b, si, sizeof(*si));
	if (!si_pa || si_pa >= MAPPED_PHYS - sizeof(*si) || si->magic != XEN_HVM_START_MAGIC_VALUE)
		return;
	if (si->cmdline_paddr && si->cmdline_paddr < MAPPED_PHYS) {
		b->cmdline = P2V(si->cmdline_paddr);
		b->cmax = MAPPED_PHYS - si->cmdline_paddr;
		if (b->cmax > 4096)
			b->cmax = 4096;
		keep(b, b->cmdline, b->cmax);
	}
	if (si->version >= 1 && si->memmap_paddr && si->memmap_paddr < MAPPED_PHYS)
		keep(b, P2V(si->memmap_paddr),
		     (u64)si->memmap_entries * sizeof(struct hvm_memmap_table_entry));
}

__noreturn void stub_pvh_main(u32 si_pa)
{
	struct hvb_apply_result res;
	struct boot b = { .entry = "pvh" };

	pvh_boot_info(si_pa, &b);
	run(&b, &res);
	stub_enter_pvh((u32)res.v.pvh_entry, si_pa);
}

/* The 64-bit PV hypercall page as Xen writes it, for the few calls the
 * stub makes when the bundle did not say where Xen put the real one. */
static void make_hypercall_page(void)
{
	for (u32 i = 0; i < PAGE / 32; i++) {
		u8 *p = (u8 *)hypercall_page + i * 32;

		p[0] = 0x51;			/* push %rcx */
		p[1] = 0x41; p[2] = 0x53;	/* push %r11 */
		p[3] = 0xb8;			/* mov $i, %eax */
		memcpy(p + 4, &i, 4);
		p[8] = 0x0f; p[9] = 0x05;	/* syscall */
		p[10] = 0x41; p[11] = 0x5b;	/* pop %r11 */
		p[12] = 0x59;			/* pop %rcx */
		p[13] = 0xc3;			/* ret */
	}
}

__noreturn void stub_xen_main(start_info_t *si)
{
	struct hvb_apply_result res;
	struct stub_params *pp = &hvb_stub_params;
	u64 hc = pp->xen_hypercall_page;

	on_xen = true;
	if (params_filled() && hc && !(hc & (PAGE - 1)) && hc >= VBASE)
		memcpy(hypercall_page, (void *)(uintptr_t)hc, PAGE);
	else
		make_hypercall_page();
	struct boot b = { .entry = "xen", .cmdline = (const char *)si->cmd_line,
			  .cmax = sizeof(si->cmd_line) };

	keep(&b, si, sizeof(*si));
	run(&b, &res);
	stub_enter_xen(res.v.xen_entry, si);
}
