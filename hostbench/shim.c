/* shim.c: what the kernel sources compiled into hostbench expect to find
 * at link time, in ordinary memory of a ring-3 process.
 *
 *  - the state the op bodies read: Xen's vcpu_info (in a fake shared info
 *    page here), kvmclock's record, the native TSC scale;
 *  - Xen's hypercall page: a stub, each entry `mov $-ENOSYS, %rax; ret`,
 *    except xen_version (what xen_force_callback() issues to collect
 *    pending events), which counts its calls and returns 0.  So a figure
 *    through it is the pending branch plus call, count and ret, never a
 *    real hypercall;
 *  - what pv_patch.c uses of the kernel: the command line, kprintf, panic,
 *    the @hvb line writer, platform detection;
 *  - the backends' boot glue, which pv_*.c's tables name but hostbench
 *    never calls (each stub says so and aborts if it ever is). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <asm/prctl.h>
#include "defs.h"
#include "hostbench.h"
#include "hv_detect.h"

volatile u64 hb_sink;
unsigned long hb_saved_flags;
volatile u32 hb_lock_word;
volatile u64 hb_hypercalls;

/* Per-CPU records: the process's GS base points at the first (as the
 * kernel's entry sets it), so the Xen bodies find their vcpu_info there. */
struct percpu percpu_area[NR_CPUS] __aligned(PAGE_SIZE);
volatile u32 smp_ncpus = 1;

__attribute__((constructor)) static void hb_set_gs(void)
{
	percpu_area[0].self = &percpu_area[0];
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)&percpu_area[0])) {
		perror("hostbench: arch_prctl(ARCH_SET_GS)");
		exit(2);
	}
}

/* Xen */
u8 xen_shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
struct shared_info *xen_shared;
unsigned long *xen_p2m;
struct xen_cpu xen_cpus[NR_CPUS];
bool xen_pv_started = true;

__asm__(".pushsection .text.hb_hypercall_page, \"ax\"\n"
	".balign 4096\n.globl hypercall_page\n.type hypercall_page, @object\n"
	"hypercall_page:\n"
	".set hb_i, 0\n"
	".rept 128\n"
	".if hb_i == 17\n"		/* __HYPERVISOR_xen_version */
	"\tincq hb_hypercalls(%rip)\n\txorl %eax, %eax\n\tret\n"
	".else\n"
	"\tmovq $-38, %rax\n\tret\n"
	".endif\n"
	".org hypercall_page + (hb_i + 1) * 32, 0xcc\n"
	".set hb_i, hb_i + 1\n"
	".endr\n"
	".size hypercall_page, 4096\n"
	".popsection\n");
_Static_assert(__HYPERVISOR_xen_version == 17, "the stub page counts entry 17");

/* KVM and native */
struct pvclock_time_info kvm_pvclock __aligned(64);
struct tsc_scale native_tsc;

static __noreturn void unreachable_glue(const char *fn)
{
	fprintf(stderr, "hostbench: internal error: kernel glue %s() called in ring 3\n", fn);
	abort();
}
#define GLUE(ret, fn, ...) ret fn(__VA_ARGS__) { unreachable_glue(#fn); }
GLUE(const char *, xen_setup, struct boot_info *bi)
GLUE(void, xen_setup_irq, void)
GLUE(void, xen_handle_irq, unsigned int v)
GLUE(void, xen_setup_traps, const u64 *v)
GLUE(__noreturn void, xen_shutdown, int s)
GLUE(void, xen_console_write_early, const char *s, size_t n)
GLUE(const char *, native_setup, struct boot_info *bi)
GLUE(void, native_setup_irq, void)
GLUE(void, native_handle_irq, unsigned int v)
GLUE(void, native_setup_traps, const u64 *v)
GLUE(void, lapic_timer_program, u64 deadline, u64 now)
GLUE(const char *, kvm_setup, struct boot_info *bi)
GLUE(void, kvm_setup_irq, void)
GLUE(void, kvm_handle_irq, unsigned int v)
GLUE(u32, xen_smp_probe, struct boot_info *bi, u32 *ids, u32 max)
GLUE(const char *, xen_cpu_start, struct percpu *pc)
GLUE(void, xen_cpu_init, void)
GLUE(void, xen_send_ipi, u32 cpu)
GLUE(u32, native_smp_probe, struct boot_info *bi, u32 *ids, u32 max)
GLUE(const char *, native_cpu_start, struct percpu *pc)
GLUE(void, native_cpu_init, void)
GLUE(void, native_send_ipi, u32 cpu)

/* The command line: space-separated key=value words. */
static char cmdline[BOOT_CMDLINE_MAX];

void cmdline_init(const char *s)
{
	snprintf(cmdline, sizeof(cmdline), "%s", s ? s : "");
}

const char *cmdline_get(const char *key, char *buf, size_t n)
{
	size_t k = strlen(key);

	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		const char *e = strchr(p, ' ');
		size_t w = e ? (size_t)(e - p) : strlen(p);
		if (w > k && !strncmp(p, key, k) && p[k] == '=') {
			size_t v = w - k - 1;
			if (v >= n)
				v = n - 1;
			memcpy(buf, p + k + 1, v);
			buf[v] = 0;
			return buf;
		}
		p += w;
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	char b[2];
	return cmdline_get(key, b, sizeof(b)) != NULL;
}

u64 cmdline_u64(const char *key, u64 dflt)
{
	char b[32];
	return cmdline_get(key, b, sizeof(b)) ? strtoull(b, NULL, 0) : dflt;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	fputs("hostbench: kernel says: ", stderr);
	r = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return r;
}

/* pv_patch.c panics when a site does not read back as it wrote it. */
__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hostbench: FAIL: kernel panic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* Xen's checked hypercalls (xen.h) stop here; the stub hypercall page
 * answers -ENOSYS, so no measured op may make one. */
__noreturn void xen_hypercall_failed(const char *call, long rc)
{
	panic("Xen hypercall %s failed: %ld (hostbench's stub page)", call, rc);
}

/* The lock slow path's report of a wait that lasted its deadline
 * (lock_wait.h): hostbench's lock_wait always sees a moved word and never
 * polls, so reaching this is a failure. */
void lock_wait_timed_out(volatile u32 *word, u32 val, u64 waited_ns, bool kicked)
{
	(void)word;
	(void)kicked;
	panic("lock wait on %u lasted its deadline (%lu ns) in hostbench", val,
	      (unsigned long)waited_ns);
}

/* pv_report()'s @hvb line: only its bad_sites is kept.  (Its counters add
 * up over every pv_early_init() call, and hostbench makes six.) */
int hb_pvops_bad = -1;

void hvb_begin(struct hvbline *l, const char *event) { (void)l; (void)event; }
void hvb_str(struct hvbline *l, const char *key, const char *val) { (void)l; (void)key; (void)val; }
void hvb_u64(struct hvbline *l, const char *key, u64 val)
{
	(void)l;
	if (!strcmp(key, "bad_sites"))
		hb_pvops_bad = (int)val;
}
void hvb_end(struct hvbline *l) { (void)l; }

/* The kernel's detection routine (src/lib/hv_detect.c) on a CPU that
 * shows no hypervisor: the backend is the hvb.variant= on the command
 * line hostbench builds. */
static void no_hypervisor(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	(void)leaf;
	(void)sub;
	memset(r, 0, sizeof(*r));
}

void platform_detect(struct boot_info *bi, struct hv_detect *d)
{
	hv_detect(d, !strcmp(bi->entry, "xen"), bi->cmdline, sizeof(bi->cmdline), no_hypervisor);
}
