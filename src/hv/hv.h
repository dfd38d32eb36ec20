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
 * Which of the direct strategy's ops are inlined at their call sites and
 * which are calls to one out-of-line body (hv_ops.c) is the inlining
 * policy, below: Kconfig's all, hot or none.
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
#define hv_variant_name CONFIG_HV_NAME	/* the image's name: "pvops" */
#endif /* __ASSEMBLER__ */

#elif !defined(HV_BACKEND)
#error "no hypervisor backend configured (HV_BACKEND, from CONFIG_HV_NAME)"

#elif defined(__ASSEMBLER__)
#include HV_STR(HV_BACKEND/HV_BACKEND.h)
#define HV_IRET HV_PASTE(HV_BACKEND, iret)

#else /* CONFIG_STRATEGY_DIRECT, C: one backend */
#include "types.h"
#include "x86.h"
#include HV_STR(HV_BACKEND/HV_BACKEND.h)
#define HV(op) HV_PASTE(HV_BACKEND, op)

struct boot_info;

/* The inlining policy (Kconfig "Ops inlined at their call sites"): each
 * op below is HOT or COLD; HV_INLINE_<tier> says whether that tier's
 * bodies are inlined at the call sites of this file.  An op not inlined is
 * a plain call to hv_<op>, compiled once out of line by hv_ops.c (which
 * defines HV_OPS_C), so its callers see only the declaration and are the
 * same bytes in every variant.  Which ops are hot was measured: README,
 * "The inlining policy".  A site is hot only where the code runs on a
 * path, not once: under the hot policy a file of boot, self-test or
 * benchmark-harness code (sources.mk's cold-y, built with HV_CALLER_COLD)
 * calls every op out of line. */
#if defined(CONFIG_HV_INLINE_NONE) || (defined(CONFIG_HV_INLINE_HOT) && defined(HV_CALLER_COLD))
#define HV_INLINE_HOT 0
#define HV_INLINE_COLD 0
#elif defined(CONFIG_HV_INLINE_HOT)
#define HV_INLINE_HOT 1
#define HV_INLINE_COLD 0
#else /* CONFIG_HV_INLINE_ALL */
#define HV_INLINE_HOT 1
#define HV_INLINE_COLD 1
#endif /* CONFIG_HV_INLINE_NONE or a cold caller, CONFIG_HV_INLINE_HOT */

/* HV_OP(tier, return type, name, (parameters), { body }) */
#define HV_OP(tier, ret, name, params, ...) \
	HV_PASTE(HV_OP, HV_INLINE_##tier)(ret, name, params, __VA_ARGS__)
#define HV_OP_1(ret, name, params, ...) static inline ret name params __VA_ARGS__
#ifdef HV_OPS_C
#ifndef HV_OP_ENTRY
#define HV_OP_ENTRY(name)
#endif /* HV_OP_ENTRY */
#define HV_OP_0(ret, name, params, ...) \
	ret name params { HV_OP_ENTRY(name) __VA_ARGS__ }
#else
#define HV_OP_0(ret, name, params, ...) ret name params;
#endif /* HV_OPS_C */

/* irq: flags are an RFLAGS image on every backend (IF set: enabled). */
HV_OP(HOT, void, hv_irq_disable, (void), { HV(irq_disable)(); })
HV_OP(HOT, void, hv_irq_enable, (void), { HV(irq_enable)(); })
HV_OP(HOT, unsigned long, hv_irq_save, (void), { return HV(irq_save)(); })
HV_OP(HOT, void, hv_irq_restore, (unsigned long f), { HV(irq_restore)(f); })
static inline bool hv_irq_flags_disabled(unsigned long f) { return !(f & X86_EFLAGS_IF); }

/* cpu */
HV_OP(COLD, void, hv_cpuid, (u32 leaf, u32 sub, struct cpuid_regs *r), { HV(cpuid)(leaf, sub, r); })
HV_OP(COLD, void, hv_load_root, (u64 root_pa), { HV(load_root)(root_pa); })
HV_OP(COLD, void, hv_halt, (void), { HV(halt)(); })
HV_OP(COLD, __noreturn void, hv_shutdown, (int status), { HV(shutdown)(status); })

/* mmu */
HV_OP(HOT, void, hv_set_pte, (u64 *ptep, u64 val), { HV(set_pte)(ptep, val); })
HV_OP(HOT, void, hv_flush_one, (unsigned long va), { HV(flush_one)(va); })
HV_OP(COLD, void, hv_flush_all, (void), { HV(flush_all)(); })
HV_OP(HOT, u64, hv_make_pte, (u64 pa, u64 flags), { return HV(make_pte)(pa, flags); })
HV_OP(HOT, u64, hv_pte_phys, (u64 pte), { return HV(pte_phys)(pte); })
HV_OP(HOT, void, hv_pt_alloc, (u64 pa, int level), { HV(pt_alloc)(pa, level); })

/* time */
HV_OP(HOT, u64, hv_clock_ns, (void), { return HV(clock_ns)(); })
HV_OP(HOT, void, hv_timer_set, (u64 deadline_ns), { HV(timer_set)(deadline_ns); })

/* console */
HV_OP(COLD, void, hv_console_write, (const char *s, size_t n), { HV(console_write)(s, n); })

/* lock slow path */
HV_OP(COLD, void, hv_lock_wait, (volatile u32 *p, u32 val), { HV(lock_wait)(p, val); })
HV_OP(HOT, void, hv_lock_kick, (volatile u32 *p), { HV(lock_kick)(p); })

/* Boot glue (not hot): setup returns NULL or why this backend cannot run
 * on this platform.  The names are cold too: out of line they are objects
 * of hv_ops.c, so no caller's string table differs between variants.
 * hv_variant_name is the image's name (CONFIG_HV_NAME). */
#if HV_INLINE_COLD
#define hv_backend_name HV(name)
#define hv_clock_name HV(clock_name)
#define hv_variant_name CONFIG_HV_NAME
#else
extern const char hv_backend_name[], hv_clock_name[], hv_variant_name[];
#endif /* HV_INLINE_COLD */
HV_OP(COLD, const char *, hv_setup, (struct boot_info *bi), { return HV(setup)(bi); })
HV_OP(COLD, void, hv_setup_irq, (void), { HV(setup_irq)(); })
HV_OP(HOT, void, hv_handle_irq, (unsigned int vector), { HV(handle_irq)(vector); })
HV_OP(COLD, void, hv_setup_traps, (const u64 *vectors), { HV(setup_traps)(vectors); })
HV_OP(HOT, u64, hv_fault_addr, (void), { return HV(fault_addr)(); })

/* SMP glue (not hot): the platform's CPUs (their ids, the boot CPU's
 * first), one started at smp_secondary_main() with its GS base at pc, a
 * started CPU's own set-up, an IPI. */
struct percpu;
HV_OP(COLD, u32, hv_smp_probe, (struct boot_info *bi, u32 *ids, u32 max), { return HV(smp_probe)(bi, ids, max); })
HV_OP(COLD, const char *, hv_cpu_start, (struct percpu *pc), { return HV(cpu_start)(pc); })
HV_OP(COLD, void, hv_cpu_init, (void), { HV(cpu_init)(); })
HV_OP(COLD, void, hv_send_ipi, (u32 cpu), { HV(send_ipi)(cpu); })

/* Nothing to choose or patch at boot in the direct strategy. */
static inline void hv_early_init(struct boot_info *bi) { (void)bi; }
static inline void hv_boot_report(void) { }

#endif /* CONFIG_STRATEGY_PVOPS, HV_BACKEND, __ASSEMBLER__ */

#ifndef __ASSEMBLER__
/* The op-counting build (CONFIG_HV_OP_COUNT, hv_ops.c) reports its counts
 * just before the done line; elsewhere there is nothing to report. */
#ifdef CONFIG_HV_OP_COUNT
void hv_op_count_report(void);
#else
static inline void hv_op_count_report(void) { }
#endif /* CONFIG_HV_OP_COUNT */
#endif /* __ASSEMBLER__ */

#endif /* HV_H */
