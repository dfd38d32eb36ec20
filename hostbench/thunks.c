/* thunks.c: the callee-save entries (_cs), checked to keep every register
 * but rax, as a patched site that calls them assumes. */
#include "hb.h"

static void check_thunk(const char *be, const char *op, void (*thunk)(void), unsigned long arg,
			bool (*effect)(unsigned long rax), const char *effect_what)
{
	static const u64 want[8] = { 0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0,
				     0x5555555555555555, 0x6666666666666666, 0x7777777777777777,
				     0x8888888888888888 };
	static const char *const reg[8] = { "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11" };
	u64 out[8];
	char name[64];
	unsigned long rax = hb_thunk_probe((void *)thunk, arg, out);
	int bad = -1;

	for (int i = 0; i < 8; i++)
		if (out[i] != (i == 3 ? arg : want[i]))
			bad = bad < 0 ? i : bad;
	snprintf(name, sizeof(name), "thunk:%s:%s", be, op);
	check(name, bad < 0 && effect(rax), "%s_cs kept rcx rdx rsi rdi r8-r11%s%s; %s",
	      op, bad < 0 ? "" : ", except ", bad < 0 ? "" : reg[bad], effect_what);
}

static bool eff_masked(unsigned long rax) { (void)rax; return hb_vcpu.evtchn_upcall_mask == 1; }
static bool eff_unmasked(unsigned long rax) { (void)rax; return hb_vcpu.evtchn_upcall_mask == 0; }
static bool eff_if(unsigned long rax) { return rax == X86_EFLAGS_IF; }
static bool eff_flags(unsigned long rax) { return (rax & X86_EFLAGS_IF) && (rax & 2); }
static bool eff_none(unsigned long rax) { (void)rax; return (rflags() & X86_EFLAGS_IF) != 0; }

void check_thunks(void)
{
	hb_vcpu.evtchn_upcall_mask = 0;
	hb_vcpu.evtchn_upcall_pending = 0;
	check_thunk("xen", "irq_disable", pv_xen_irq_disable_cs, 0, eff_masked, "upcall mask is 1");
	check_thunk("xen", "irq_enable", pv_xen_irq_enable_cs, 0, eff_unmasked, "upcall mask is 0");
	check_thunk("xen", "irq_save", pv_xen_irq_save_cs, 0, eff_if, "unmasked: returned IF");
	check_thunk("xen", "irq_restore", pv_xen_irq_restore_cs, 0, eff_masked,
		    "restore(0) set the mask");
	check_thunk("native", "irq_save", pv_native_irq_save_cs, 0, eff_flags,
		    "returned RFLAGS with IF");
	check_thunk("native", "irq_restore", pv_native_irq_restore_cs, rflags() & ~X86_EFLAGS_IF,
		    eff_none, "popf without IF in ring 3 left IF set");
	hb_vcpu.evtchn_upcall_mask = 0;
}
