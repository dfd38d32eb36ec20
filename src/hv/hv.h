/* hv.h: the hypervisor operation interface, and the one place where a
 * backend is chosen (as Linux's irqflags.h picks native_* or pv_*).
 * Common code calls hv_*() and never names a hypervisor.
 *
 * The direct strategy compiles one backend, named by HV_BACKEND (the
 * Makefile passes CONFIG_HV_NAME as a bare word, e.g. -DHV_BACKEND=kvm):
 * its header is <name>/<name>.h and its ops are <name>_<op>.  So adding a
 * backend needs no line here (README, "Adding a hypervisor backend").  A
 * backend name is a lower-case C identifier that is not a predefined
 * macro (not "linux" or "unix").
 *
 * Assembly includes this file too and gets HV_IRET, how an exception or
 * interrupt entry returns to the interrupted code: <name>_iret, defined
 * by the backend header's __ASSEMBLER__ part. */
#ifndef HV_H
#define HV_H

#define HV_STR_(x) #x
#define HV_STR(x) HV_STR_(x)
#define HV_PASTE_(a, b) a##_##b
#define HV_PASTE(a, b) HV_PASTE_(a, b)

#if defined(CONFIG_STRATEGY_PVOPS)
/* All backends in; every hv_*() site patched at boot. */
#ifdef __ASSEMBLER__
/* One image for every platform: the entry path decided which return. */
#include "xen/asm.h"
#define HV_IRET testb $1, xen_pv_started(%rip); jz 9f; XEN_IRET; 9: iretq
#else
#include "pv/pv.h"
#endif /* __ASSEMBLER__ */

#elif !defined(HV_BACKEND)
#error "no hypervisor backend configured (HV_BACKEND, from CONFIG_HV_NAME)"

#elif defined(__ASSEMBLER__)
#include HV_STR(HV_BACKEND/HV_BACKEND.h)
#define HV_IRET HV_PASTE(HV_BACKEND, iret)

#else /* CONFIG_STRATEGY_DIRECT, C: one backend, its bodies inlined */
#include "types.h"
#include "x86.h"
#include HV_STR(HV_BACKEND/HV_BACKEND.h)
#define HV(op) HV_PASTE(HV_BACKEND, op)

struct boot_info;

/* irq: flags are an RFLAGS image on every backend (IF set: enabled). */
static inline void hv_irq_disable(void) { HV(irq_disable)(); }
static inline void hv_irq_enable(void) { HV(irq_enable)(); }
static inline unsigned long hv_irq_save(void) { return HV(irq_save)(); }
static inline void hv_irq_restore(unsigned long f) { HV(irq_restore)(f); }
static inline bool hv_irq_flags_disabled(unsigned long f) { return !(f & X86_EFLAGS_IF); }

/* cpu */
static inline void hv_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r) { HV(cpuid)(leaf, sub, r); }
static inline void hv_load_root(u64 root_pa) { HV(load_root)(root_pa); }
static inline void hv_halt(void) { HV(halt)(); }
static inline __noreturn void hv_shutdown(int status) { HV(shutdown)(status); }

/* mmu */
static inline void hv_set_pte(u64 *ptep, u64 val) { HV(set_pte)(ptep, val); }
static inline void hv_flush_one(unsigned long va) { HV(flush_one)(va); }
static inline void hv_flush_all(void) { HV(flush_all)(); }
static inline u64 hv_make_pte(u64 pa, u64 flags) { return HV(make_pte)(pa, flags); }
static inline u64 hv_pte_phys(u64 pte) { return HV(pte_phys)(pte); }
static inline void hv_pt_alloc(u64 pa, int level) { HV(pt_alloc)(pa, level); }

/* time */
static inline u64 hv_clock_ns(void) { return HV(clock_ns)(); }
static inline void hv_timer_set(u64 deadline_ns) { HV(timer_set)(deadline_ns); }

/* console */
static inline void hv_console_write(const char *s, size_t n) { HV(console_write)(s, n); }

/* lock slow path */
static inline void hv_lock_wait(volatile u32 *p, u32 val) { HV(lock_wait)(p, val); }
static inline void hv_lock_kick(volatile u32 *p) { HV(lock_kick)(p); }

/* Boot glue (not hot): setup returns NULL or why this backend cannot run
 * on this platform. */
#define hv_backend_name HV(name)
#define hv_clock_name HV(clock_name)
static inline const char *hv_setup(struct boot_info *bi) { return HV(setup)(bi); }
static inline void hv_setup_irq(void) { HV(setup_irq)(); }
static inline void hv_handle_irq(unsigned int vector) { HV(handle_irq)(vector); }
static inline void hv_setup_traps(const u64 *vectors) { HV(setup_traps)(vectors); }
static inline u64 hv_fault_addr(void) { return HV(fault_addr)(); }

/* Nothing to choose or patch at boot in the direct strategy. */
static inline void hv_early_init(struct boot_info *bi) { (void)bi; }
static inline void hv_boot_report(void) { }

#endif /* CONFIG_STRATEGY_PVOPS, HV_BACKEND, __ASSEMBLER__ */

#endif /* HV_H */
