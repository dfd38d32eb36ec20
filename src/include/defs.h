/* defs.h: the index of the kernel's functions, one section per file. */
#ifndef HVB_DEFS_H
#define HVB_DEFS_H

#include "types.h"
#include "boot.h"

struct trapframe;
struct spinlock;
struct thread;

/* main.c */
__noreturn void kmain(struct boot_info *bi);
__noreturn void kernel_done(int status);

/* image.c */
u64 image_hash_now(void);

/* cmdline.c */
bool cmdline_has(const char *key);
const char *cmdline_get(const char *key, char *buf, size_t n);
u64 cmdline_u64(const char *key, u64 dflt);
void cmdline_init(const char *s);

/* console.c */
void kputs(const char *s);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* lib/printf.c */
int vsnprintf(char *buf, size_t n, const char *fmt, __builtin_va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* hvbline.c: @hvb console lines, one JSON object each */
struct hvbline {
	char buf[640];
	size_t n;
	bool first;
};
void hvb_begin(struct hvbline *l, const char *event);
void hvb_str(struct hvbline *l, const char *key, const char *val);
void hvb_u64(struct hvbline *l, const char *key, u64 val);
void hvb_i64(struct hvbline *l, const char *key, i64 val);
void hvb_hex(struct hvbline *l, const char *key, u64 val);
void hvb_milli(struct hvbline *l, const char *key, u64 milli);
void hvb_end(struct hvbline *l);

/* platform.c: the kernel's call of hv_detect() (hv_detect.h) */
struct hv_detect;
void platform_detect(struct boot_info *bi, struct hv_detect *d);
/* The PIT, where the backend's glue has one (native and KVM set it at
 * setup): the self-test's reference clock.  A pointer, not a weak symbol,
 * so common code is the same bytes in every variant. */
extern u64 (*platform_pit_wait)(u64 ticks);

/* trap.c */
void trap_init(void);
void trap_dispatch(struct trapframe *tf);
void fault_inject(const char *kind);
int probe_read64(const void *addr, u64 *out);
u64 trap_last_fault_addr(void);

/* pmm.c */
void pmm_init(struct boot_info *bi);
u64 pmm_alloc(void);		/* zeroed page, physical address; panics if none */
void pmm_free(u64 pa);
u64 pmm_free_pages(void);

/* vm.c */
void vm_init(struct boot_info *bi);
u64 vm_root(void);
void vm_map(unsigned long va, u64 pa, u64 flags);
void vm_unmap(unsigned long va);
u64 *vm_walk(u64 root, unsigned long va, bool create);
unsigned long vm_alloc_va(size_t pages);
void *vm_map_mmio(u64 pa, size_t len);

/* timer.c */
void timer_interrupt(void);
u64 timer_irq_count(void);
u64 timer_last_irq_ns(void);

/* spinlock.c */
void spinlock_init(void);

/* smpboot.c */
u32 smp_probe(struct boot_info *bi);
void smp_boot(void);

/* smp.c */
__noreturn void smp_secondary_main(void);
void smp_ipi_interrupt(void);
int smp_selftest(void);		/* smptest.c */

/* thread.c */
void thread_init(void);
void thread_cpu_init(void);
bool thread_runnable_here(void);
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_create_on(u32 cpu, const char *name, void (*fn)(void *), void *arg);
void thread_yield(void);
__noreturn void thread_exit(void);
bool thread_alive(struct thread *t);
int thread_count(void);

/* selftest.c */
struct selftest_tally { int passed, failed; };
int selftest_run(void);
void selftest_result(struct selftest_tally *t, const char *name, bool ok, const char *detail);
int selftest_tally_end(struct hvbline *l, const struct selftest_tally *t);

/* bench.c */
void bench_run(const char *platform);
void work_run(const char *platform);	/* work.c: the whole-workload cost */
void lockbench_run(void);		/* lockbench.c: a contended lock */

/* lib/string.c: see libc/string.h */
#include <string.h>

#endif /* HVB_DEFS_H */
