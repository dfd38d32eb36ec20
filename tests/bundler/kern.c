/* A toy "kernel" for the bundler tests: freestanding, one op whose body
 * depends on the hypervisor (HV_XEN / HV_KVM / native), linked with
 * kern.ld so that every function and object has the same address in
 * every variant (the shared layout). */
#if defined(HV_XEN)
static inline void irq_disable(void) { __asm__ volatile("movb $1, upcall_mask(%%rip)" ::: "memory"); }
const char hv_name[16] = "xen";
#elif defined(HV_KVM)
static inline void irq_disable(void) { __asm__ volatile("cli; nop; nop" ::: "memory"); }
const char hv_name[16] = "kvm";
#else
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
const char hv_name[16] = "native";
#endif

unsigned char upcall_mask;
unsigned long ticks;
unsigned long table[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
#ifdef BIGDATA		/* 3 MiB of data, more than the stub's scratch */
#define NBIG ((3 << 20) / 8)
unsigned long big[NBIG] = { [0 ... NBIG - 1] = 0x0123456789abcdefUL,
			    [0] = BIGDATA, [NBIG / 2] = BIGDATA, [NBIG - 1] = BIGDATA };
#endif

#ifdef RUNDATA		/* 512 KiB in two long runs of zeros, a few bytes set */
unsigned char runs[512 << 10] = { [0] = RUNDATA, [4096] = 7 * RUNDATA,
				  [300 << 10] = RUNDATA, [(512 << 10) - 1] = 1 };
#endif

void tick(void)
{
	irq_disable();
	ticks++;
}

unsigned long sum(void)
{
	unsigned long s = 0;
	int i;

	for (i = 0; i < 8; i++)
		s += table[i] * (unsigned long)(i + 1);
	return s;
}

void kmain(void)
{
	for (;;) {
		tick();
		table[ticks & 7] = sum();
	}
}
