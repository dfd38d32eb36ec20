/* calls.c: the op bodies reached by a call rather than inlined, for the
 * same loops as loops.c.  Compiled with the kernel's code-generation flags
 * (no red zone: an asm call must not land on the caller's locals). */
#include "hostbench.h"

#define L HB_LOOP

/* A callee-save entry called as a patched site calls it: the callee may
 * change rax and nothing else. */
#define CS0(sym) __asm__ __volatile__("call " #sym : : : "rax", "memory", "cc")
#define CS_SAVE(sym) ({							\
	unsigned long _f;						\
	__asm__ __volatile__("call " #sym : "=a"(_f) : : "memory", "cc"); \
	_f;								\
})
#define CS_RESTORE(sym, f) \
	__asm__ __volatile__("call " #sym : : "D"(f) : "rax", "memory", "cc")

/* C-ABI copies of the irq bodies, called as an ordinary function. */
#define HB_FN(be, op, ret, params, args) noinline ret hb_fn_##be##_##op params { return be##_##op args; }
#define HB_FN_XEN(op, len, ...) HB_FN(xen, op, __VA_ARGS__)
#define HB_FN_NATIVE(op, len, ...) HB_FN(native, op, __VA_ARGS__)
PV_IRQ_OPS(HB_FN_XEN)
PV_IRQ_OPS(HB_FN_NATIVE)

#define CALL_LOOPS(be)							\
	L(hb_direct_##be##_irq_disable, hb_fn_##be##_irq_disable())		\
	L(hb_direct_##be##_irq_enable, hb_fn_##be##_irq_enable())		\
	L(hb_direct_##be##_irq_save, hb_sink = hb_fn_##be##_irq_save())	\
	L(hb_direct_##be##_irq_restore, hb_fn_##be##_irq_restore(hb_saved_flags)) \
	L(hb_direct_##be##_irq_save_restore, hb_fn_##be##_irq_restore(hb_fn_##be##_irq_save())) \
	L(hb_direct_##be##_clock_ns, hb_sink = pv_##be##_clock_ns())	\
	L(hb_thunk_##be##_irq_disable, CS0(pv_##be##_irq_disable_cs))	\
	L(hb_thunk_##be##_irq_enable, CS0(pv_##be##_irq_enable_cs))	\
	L(hb_thunk_##be##_irq_save, hb_sink = CS_SAVE(pv_##be##_irq_save_cs)) \
	L(hb_thunk_##be##_irq_restore, CS_RESTORE(pv_##be##_irq_restore_cs, hb_saved_flags)) \
	L(hb_thunk_##be##_irq_save_restore,				\
	  CS_RESTORE(pv_##be##_irq_restore_cs, CS_SAVE(pv_##be##_irq_save_cs)))

CALL_LOOPS(xen)
CALL_LOOPS(native)
L(hb_direct_kvm_clock_ns, hb_sink = pv_kvm_clock_ns())
L(hb_direct_native_lock_kick, pv_native_lock_kick(&hb_lock_word))
L(hb_loop_empty, __asm__ __volatile__(""))

/* An ops table in C: the compiler reloads the pointer every iteration
 * (the callee might change it) and the site costs the C ABI's spills.
 * retpoline.c compiles the same loops with retpolines. */
struct hb_cabi hb_cabi;
HB_INDIRECT_LOOPS(indirect)

__asm__(".pushsection .text.hb_thunk_probe, \"ax\"\n"
	".globl hb_thunk_probe\n.type hb_thunk_probe, @function\n"
	"hb_thunk_probe:\n"
	"\tpushq %rbx\n\tpushq %r12\n"
	"\tmovq %rdi, %rbx\n\tmovq %rdx, %r12\n\tmovq %rsi, %rdi\n"
	"\tmovabsq $0x1111111111111111, %rcx\n"
	"\tmovabsq $0x2222222222222222, %rdx\n"
	"\tmovabsq $0x3333333333333333, %rsi\n"
	"\tmovabsq $0x5555555555555555, %r8\n"
	"\tmovabsq $0x6666666666666666, %r9\n"
	"\tmovabsq $0x7777777777777777, %r10\n"
	"\tmovabsq $0x8888888888888888, %r11\n"
	"\tcall *%rbx\n"
	"\tmovq %rcx, 0(%r12)\n\tmovq %rdx, 8(%r12)\n\tmovq %rsi, 16(%r12)\n"
	"\tmovq %rdi, 24(%r12)\n\tmovq %r8, 32(%r12)\n\tmovq %r9, 40(%r12)\n"
	"\tmovq %r10, 48(%r12)\n\tmovq %r11, 56(%r12)\n"
	"\tpopq %r12\n\tpopq %rbx\n\tret\n"
	".size hb_thunk_probe, .-hb_thunk_probe\n"
	".popsection\n");
