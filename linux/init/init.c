/* hvbundle's init for real Linux: the only program of each variant's
 * initramfs.  It says which kernel and hypervisor it sees, runs the
 * workload, prints the done line tools/boot reads, and ends the run. */
#include <linux/personality.h>
#include <linux/reboot.h>
#include <linux/utsname.h>
#include "hvb.h"

static void cpuid(unsigned int leaf, unsigned int r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* The hypervisor signature of CPUID leaf 0x40000000 ("" when the
 * hypervisor bit of leaf 1 is clear: bare hardware, or QEMU's TCG). */
static void cpuid_signature(char sig[13])
{
	unsigned int r[4];

	sig[0] = 0;
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))
		return;
	cpuid(0x40000000, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
}

/* nolibc 6.1 has no strstr. */
static const char *find(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (!strncmp(s, sub, n))
			return s;
	return NULL;
}

/* The rest of the kernel log line that starts with PREFIX, or "". */
static void klog_find(const char *log, const char *prefix, char *out, int size)
{
	const char *p = find(log, prefix);
	int i = 0;

	if (p)
		for (p += strlen(prefix); *p && *p != '\n' && i < size - 1; p++)
			out[i++] = *p;
	out[i] = 0;
}

static char klog[1 << 16];

static void hello(void)
{
	struct new_utsname u;
	char sig[13], hv[64];
	const char *variant;
	struct line l;
	long n;

	memset(&u, 0, sizeof(u));
	my_syscall1(__NR_uname, &u);
	variant = find(u.release, "-hvb-");
	cpuid_signature(sig);
	n = my_syscall3(__NR_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, klog, sizeof(klog) - 1);
	klog[n > 0 ? n : 0] = 0;
	klog_find(klog, "Hypervisor detected: ", hv, sizeof(hv));

	line_begin(&l, "linux");
	line_str(&l, "release", u.release);
	line_str(&l, "variant", variant ? variant + 5 : "");
	line_str(&l, "cpuid", sig);
	line_str(&l, "detected", hv);
	line_end(&l);
}

/* Address-space randomisation moves munmap's cost between boots: the
 * measuring process runs without it (it takes effect at the next exec). */
static void no_aslr(char **argv, char **envp)
{
	long p = my_syscall1(__NR_personality, 0xffffffff);

	if (p >= 0 && !(p & ADDR_NO_RANDOMIZE)) {
		my_syscall1(__NR_personality, p | ADDR_NO_RANDOMIZE);
		execve("/init", argv, envp);
	}
}

/* The done line, then the end of the run: QEMU's isa-debug-exit port (exit
 * status (status << 1) | 1, what tools/boot expects), else a restart, which
 * ends QEMU under -no-reboot. */
static void finish(int status)
{
	struct line l;

	line_begin(&l, "done");
	line_u64(&l, "status", status);
	line_end(&l);
	ioctl(1, 0x5409 /* TCSBRK: wait until the console has sent it all */, (void *)1);
	if (my_syscall3(__NR_ioperm, 0xf4, 4, 1) == 0)
		__asm__ volatile("outb %b0, %w1" :: "a"(status), "Nd"(0xf4));
	reboot(LINUX_REBOOT_CMD_RESTART);
	for (;;)
		sched_yield();
}

int main(int argc, char **argv, char **envp)
{
	char **e = envp;

	while (*e)
		e++;
	init_auxv = (const unsigned long *)(e + 1);
	no_aslr(argv, envp);
	hello();
	finish(workload() ? 1 : 0);
	return 0;
}
