/* pv/pv.h: the runtime strategy (the Linux way).  Every hv_*() call site
 * is an indirect call through pv_op_table, recorded in .pv_sites (address,
 * length, op, the registers the site lets the callee clobber).  At boot
 * pv_early_init() picks a backend, fills the table, and rewrites each
 * site into a direct call, the inline instructions, or nops.
 *
 * Conventions, per op:
 *  - callee-save (irq_disable, irq_enable, irq_save, irq_restore): the
 *    callee preserves every register but rax and the arithmetic flags
 *    (Linux's PV_CALLEE_SAVE), so these hot sites cost the caller nothing
 *    in spills.  Argument in rdi, result in rax.  Xen's entries are
 *    assembler stubs that save registers only on their slow path
 *    (pv_xen_irq.S); native's are compiled with no_caller_saved_registers.
 *  - C ABI (all others): arguments in rdi, rsi, rdx, result in rax; the
 *    callee may clobber every caller-saved register.
 *
 * A site is as long as the longest replacement any backend has for its op
 * (Linux pads a site to its longest alternative): 6 bytes hold a direct
 * call; Xen's irq_disable is one 9-byte %gs-relative movb to vcpu_info and
 * its irq_save three instructions in 16 bytes.  What a replacement leaves
 * unused is filled with one instruction (a long nop, or a short jump over
 * the rest), so padding costs at most one instruction. */
#ifndef HV_PV_H
#define HV_PV_H

#include "types.h"
#include "x86.h"
#include "paging.h"

struct boot_info;

/* X(op, site bytes, return type, parameters, arguments): the one list of
 * ops, by convention; the backends' out-of-line bodies are generated from
 * it.  The op numbers follow this order. */
/* Callee-save: the callee may change rax and the flags, nothing else. */
#define PV_IRQ_OPS(X)								\
	X(irq_disable, 9, void, (void), ())					\
	X(irq_enable, 6, void, (void), ())					\
	X(irq_save, 16, unsigned long, (void), ())				\
	X(irq_restore, 6, void, (unsigned long f), (f))
/* C ABI: the callee may change every caller-saved register. */
#define PV_ABI_OPS(X)								\
	X(cpuid, 6, void, (u32 leaf, u32 sub, struct cpuid_regs *r), (leaf, sub, r)) \
	X(load_root, 6, void, (u64 pa), (pa))					\
	X(halt, 6, void, (void), ())						\
	X(shutdown, 6, void, (int status), (status))				\
	X(set_pte, 6, void, (u64 *p, u64 v), (p, v))				\
	X(flush_one, 6, void, (unsigned long va), (va))				\
	X(flush_all, 6, void, (void), ())					\
	X(make_pte, 6, u64, (u64 pa, u64 flags), (pa, flags))			\
	X(pte_phys, 6, u64, (u64 pte), (pte))					\
	X(pt_alloc, 6, void, (u64 pa, int level), (pa, level))			\
	X(clock_ns, 6, u64, (void), ())						\
	X(timer_set, 6, void, (u64 d), (d))					\
	X(console_write, 6, void, (const char *s, size_t n), (s, n))		\
	X(lock_wait, 6, void, (volatile u32 *p, u32 v), (p, v))			\
	X(lock_kick, 6, void, (volatile u32 *p), (p))				\
	X(fault_addr, 6, u64, (void), ())
#define PV_OPS(X) PV_IRQ_OPS(X) PV_ABI_OPS(X)

#define PV_ENUM(op, ...) PV_##op,
enum pv_op { PV_OPS(PV_ENUM) PV_NR_OPS };
#undef PV_ENUM
#define PV_LEN(op, len, ...) PV_LEN_##op = len,
enum { PV_OPS(PV_LEN) };
#undef PV_LEN
/* A site holds at least a call and at most what the patcher builds. */
#define PV_SITE_MAX 32
#define PV_LEN_OK(op, len, ...) _Static_assert(len >= 6 && len <= PV_SITE_MAX, #op " site length");
PV_OPS(PV_LEN_OK)
#undef PV_LEN_OK

/* What a site lets the callee clobber. */
#define PV_CLOBBER_RAX	1		/* callee-save ops */
#define PV_CLOBBER_ABI	3		/* rax and every other caller-saved register */

/* The bytes of a direct or indirect call. */
#define PV_CALL_LEN	6

struct pv_site {
	u64 addr;
	u8 op, len, clobbers, pad[5];
};

extern void *pv_op_table[PV_NR_OPS];

/* The site as built: the indirect call, then one long nop for the rest. */
#define PV_SITE								\
	"771:\n\tcall *pv_op_table+%c[pv_off](%%rip)\n"			\
	"\t.if %c[pv_len] > 6\n\t.nops %c[pv_len] - 6, 11\n\t.endif\n772:\n" \
	"\t.pushsection .pv_sites, \"a\"\n\t.balign 8\n"		\
	"\t.quad 771b\n\t.byte %c[pv_id], 772b-771b, %c[pv_clob], 0, 0, 0, 0, 0\n" \
	"\t.popsection\n"
#define PV_ARGS(op, clob) \
	[pv_off] "i"(PV_##op * 8), [pv_id] "i"(PV_##op), [pv_clob] "i"(clob), \
	[pv_len] "i"(PV_LEN_##op)
#define PV_ABI_CLOBBERS "rcx", "r8", "r9", "r10", "r11", "memory", "cc"

#define PVOP_CALL0(op) ({						\
	unsigned long _r, _d, _s, _x;					\
	__asm__ __volatile__(PV_SITE					\
			     : "=a"(_r), "=D"(_d), "=S"(_s), "=d"(_x)	\
			     : PV_ARGS(op, PV_CLOBBER_ABI)		\
			     : PV_ABI_CLOBBERS);			\
	_r;								\
})
#define PVOP_CALL1(op, a1) ({						\
	unsigned long _r, _d = (unsigned long)(a1), _s, _x;		\
	__asm__ __volatile__(PV_SITE					\
			     : "=a"(_r), "+D"(_d), "=S"(_s), "=d"(_x)	\
			     : PV_ARGS(op, PV_CLOBBER_ABI)		\
			     : PV_ABI_CLOBBERS);			\
	_r;								\
})
#define PVOP_CALL2(op, a1, a2) ({					\
	unsigned long _r, _d = (unsigned long)(a1), _s = (unsigned long)(a2), _x; \
	__asm__ __volatile__(PV_SITE					\
			     : "=a"(_r), "+D"(_d), "+S"(_s), "=d"(_x)	\
			     : PV_ARGS(op, PV_CLOBBER_ABI)		\
			     : PV_ABI_CLOBBERS);			\
	_r;								\
})
#define PVOP_CALL3(op, a1, a2, a3) ({					\
	unsigned long _r, _d = (unsigned long)(a1), _s = (unsigned long)(a2); \
	unsigned long _x = (unsigned long)(a3);				\
	__asm__ __volatile__(PV_SITE					\
			     : "=a"(_r), "+D"(_d), "+S"(_s), "+d"(_x)	\
			     : PV_ARGS(op, PV_CLOBBER_ABI)		\
			     : PV_ABI_CLOBBERS);			\
	_r;								\
})

/* irq: callee-save sites. */
static inline void hv_irq_disable(void)
{
	__asm__ __volatile__(PV_SITE : : PV_ARGS(irq_disable, PV_CLOBBER_RAX)
			     : "rax", "memory", "cc");
}

static inline void hv_irq_enable(void)
{
	__asm__ __volatile__(PV_SITE : : PV_ARGS(irq_enable, PV_CLOBBER_RAX)
			     : "rax", "memory", "cc");
}

static inline unsigned long hv_irq_save(void)
{
	unsigned long f;

	__asm__ __volatile__(PV_SITE : "=a"(f) : PV_ARGS(irq_save, PV_CLOBBER_RAX)
			     : "memory", "cc");
	return f;
}

static inline void hv_irq_restore(unsigned long f)
{
	__asm__ __volatile__(PV_SITE : : "D"(f), PV_ARGS(irq_restore, PV_CLOBBER_RAX)
			     : "rax", "memory", "cc");
}

static inline bool hv_irq_flags_disabled(unsigned long f) { return !(f & X86_EFLAGS_IF); }

/* cpu */
static inline void hv_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r) { PVOP_CALL3(cpuid, leaf, sub, r); }
static inline void hv_load_root(u64 root_pa) { PVOP_CALL1(load_root, root_pa); }
static inline void hv_halt(void) { PVOP_CALL0(halt); }
static inline __noreturn void hv_shutdown(int status)
{
	PVOP_CALL1(shutdown, (unsigned long)status);
	__builtin_unreachable();
}

/* mmu */
static inline void hv_set_pte(u64 *ptep, u64 val) { PVOP_CALL2(set_pte, ptep, val); }
static inline void hv_flush_one(unsigned long va) { PVOP_CALL1(flush_one, va); }
static inline void hv_flush_all(void) { PVOP_CALL0(flush_all); }
static inline u64 hv_make_pte(u64 pa, u64 flags) { return PVOP_CALL2(make_pte, pa, flags); }
/* As Linux's pte_val: the op gives the entry with its frame translated
 * (native: the identity, patched inline as one mov), the caller masks. */
static inline u64 hv_pte_phys(u64 pte) { return PVOP_CALL1(pte_phys, pte) & PTE_ADDR_MASK; }
static inline void hv_pt_alloc(u64 pa, int level) { PVOP_CALL2(pt_alloc, pa, (unsigned long)level); }

/* time, console, lock slow path */
static inline u64 hv_clock_ns(void) { return PVOP_CALL0(clock_ns); }
static inline void hv_timer_set(u64 deadline_ns) { PVOP_CALL1(timer_set, deadline_ns); }
static inline void hv_console_write(const char *s, size_t n) { PVOP_CALL2(console_write, s, n); }
static inline void hv_lock_wait(volatile u32 *p, u32 val) { PVOP_CALL2(lock_wait, p, val); }
static inline void hv_lock_kick(volatile u32 *p) { PVOP_CALL1(lock_kick, p); }
static inline u64 hv_fault_addr(void) { return PVOP_CALL0(fault_addr); }

/* Boot glue goes through the chosen backend's table, unpatched: cold. */
struct pv_backend;
extern const struct pv_backend *pv_backend;
const char *pv_backend_name(void);
const char *pv_clock_name(void);
const char *pv_setup(struct boot_info *bi);
void pv_setup_irq(void);
void pv_handle_irq(unsigned int vector);
void pv_setup_traps(const u64 *vectors);
struct percpu;
u32 pv_smp_probe(struct boot_info *bi, u32 *ids, u32 max);
const char *pv_cpu_start(struct percpu *pc);
void pv_cpu_init(void);
void pv_send_ipi(u32 cpu);
void pv_early_init(struct boot_info *bi);
void pv_report(void);

/* pv.count=1: every op call counted (pv_count.c). */
void pv_count_install(void);
bool pv_counting(void);
void pv_count_snapshot(u64 *out);
void pv_count_report(const char *event, const u64 *from);

#define hv_backend_name pv_backend_name()
#define hv_clock_name pv_clock_name()
static inline const char *hv_setup(struct boot_info *bi) { return pv_setup(bi); }
static inline void hv_setup_irq(void) { pv_setup_irq(); }
static inline void hv_handle_irq(unsigned int vector) { pv_handle_irq(vector); }
static inline void hv_setup_traps(const u64 *vectors) { pv_setup_traps(vectors); }
static inline u32 hv_smp_probe(struct boot_info *bi, u32 *ids, u32 max) { return pv_smp_probe(bi, ids, max); }
static inline const char *hv_cpu_start(struct percpu *pc) { return pv_cpu_start(pc); }
static inline void hv_cpu_init(void) { pv_cpu_init(); }
static inline void hv_send_ipi(u32 cpu) { pv_send_ipi(cpu); }
static inline void hv_early_init(struct boot_info *bi) { pv_early_init(bi); }
static inline void hv_boot_report(void) { pv_report(); }

#endif /* HV_PV_H */
