/* rows.c: what hostbench measures: one row per bench and backend, its loop
 * for each dispatch mechanism, the state it starts from and the check its
 * result must pass. */
#include <stdio.h>
#include "hb.h"

const char *const mech_name[M_NR] = {
	"inline", "direct", "indirect", "indirect_retpoline", "direct_thunk", "pv_unpatched",
	"pv_patched",
};

static void xen_state(int mask, int pending)
{
	hb_vcpu.evtchn_upcall_mask = (u8)mask;
	hb_vcpu.evtchn_upcall_pending = (u8)pending;
}
static void set_xen_unmasked(void) { xen_state(0, 0); }
static void set_xen_masked(void) { xen_state(1, 0); }
static void set_xen_masked_pending(void) { xen_state(1, 1); }
static void set_xen_restore_off(void) { xen_state(0, 0); hb_saved_flags = 0; }
static void set_native_restore_off(void) { hb_saved_flags = rflags() & ~X86_EFLAGS_IF; }
static void set_lock_word(void) { hb_lock_word = 7; }

static bool no_hypercalls(char *d, size_t n, bool ok, const char *what)
{
	u64 hc = hb_hypercalls - ctx.hypercalls0;
	snprintf(d, n, "%s; upcall mask %u, %llu hypercalls", what, hb_vcpu.evtchn_upcall_mask,
		 (unsigned long long)hc);
	return ok && hc == 0;
}
static bool chk_masked(char *d, size_t n)
{
	return no_hypercalls(d, n, hb_vcpu.evtchn_upcall_mask == 1, "masked after");
}
static bool chk_unmasked(char *d, size_t n)
{
	return no_hypercalls(d, n, hb_vcpu.evtchn_upcall_mask == 0, "unmasked after, pending branch not taken");
}
static bool chk_pending(char *d, size_t n)
{
	u64 hc = hb_hypercalls - ctx.hypercalls0;
	snprintf(d, n, "unmasked; %llu stub hypercalls for %llu enables (one each)",
		 (unsigned long long)hc, (unsigned long long)ctx.iters);
	return hb_vcpu.evtchn_upcall_mask == 0 && hc == ctx.iters;
}
static bool chk_xen_save(char *d, size_t n)
{
	snprintf(d, n, "masked: irq_save returned %#llx (IF clear)", (unsigned long long)hb_sink);
	return hb_sink == 0 && hb_vcpu.evtchn_upcall_mask == 1;
}
static bool chk_clock(char *d, size_t n, const struct pvclock_time_info *t, const char *what)
{
	u64 lo = pvclock_ref(t, ctx.t0), hi = pvclock_ref(t, ctx.t1), v = hb_sink;
	snprintf(d, n, "%s: last read %llu ns within [%llu, %llu]", what, (unsigned long long)v,
		 (unsigned long long)lo, (unsigned long long)hi);
	return lo <= v && v <= hi;
}
static bool chk_xen_clock(char *d, size_t n) { return chk_clock(d, n, xen_time(), "pvclock in vcpu_info"); }
static bool chk_kvm_clock(char *d, size_t n) { return chk_clock(d, n, &kvm_pvclock, "kvmclock"); }
static bool chk_native_clock(char *d, size_t n)
{
	u64 lo = (u64)(((unsigned __int128)(ctx.t0 - native_tsc.tsc0) * native_tsc.mult) >> 32);
	u64 hi = (u64)(((unsigned __int128)(ctx.t1 - native_tsc.tsc0) * native_tsc.mult) >> 32);
	snprintf(d, n, "tsc scale: last read %llu ns within [%llu, %llu]",
		 (unsigned long long)hb_sink, (unsigned long long)lo, (unsigned long long)hi);
	return lo <= hb_sink && hb_sink <= hi;
}
static bool chk_native_save(char *d, size_t n)
{
	snprintf(d, n, "pushf gave %#llx (IF and bit 1 set)", (unsigned long long)hb_sink);
	return (hb_sink & X86_EFLAGS_IF) && (hb_sink & 2);
}
static bool chk_native_if(char *d, size_t n)
{
	u64 f = rflags();
	snprintf(d, n, "popf of %#lx in ring 3: RFLAGS now %#llx, IF kept", hb_saved_flags,
		 (unsigned long long)f);
	return (f & X86_EFLAGS_IF) != 0;
}
static bool chk_native_sr(char *d, size_t n)
{
	u64 f = rflags();
	snprintf(d, n, "RFLAGS after popf of what pushf gave: %#llx, IF set", (unsigned long long)f);
	return (f & X86_EFLAGS_IF) != 0;
}
static bool chk_lock_word(char *d, size_t n)
{
	snprintf(d, n, "lock word %u untouched", hb_lock_word);
	return hb_lock_word == 7;
}

const struct row rows[] = {
	{ "loop_empty", BE_NONE, -1, { hb_loop_empty }, NULL, NULL },
	/* Xen PV: the upcall mask in vcpu_info, and its pvclock */
	{ "irq_disable", BE_XEN, PV_irq_disable,
	  { hb_xen_irq_disable, hb_direct_xen_irq_disable, hb_indirect_irq_disable, hb_retpoline_irq_disable,
	    hb_thunk_xen_irq_disable, hb_pv_irq_disable, hb_pv_irq_disable },
	  set_xen_unmasked, chk_masked },
	{ "irq_enable", BE_XEN, PV_irq_enable,
	  { hb_xen_irq_enable, hb_direct_xen_irq_enable, hb_indirect_irq_enable, hb_retpoline_irq_enable,
	    hb_thunk_xen_irq_enable, hb_pv_irq_enable, hb_pv_irq_enable },
	  set_xen_masked, chk_unmasked },
	{ "irq_enable_pending", BE_XEN, PV_irq_enable,
	  { hb_xen_irq_enable, hb_direct_xen_irq_enable, hb_indirect_irq_enable, hb_retpoline_irq_enable,
	    hb_thunk_xen_irq_enable, hb_pv_irq_enable, hb_pv_irq_enable },
	  set_xen_masked_pending, chk_pending },
	{ "irq_save", BE_XEN, PV_irq_save,
	  { hb_xen_irq_save, hb_direct_xen_irq_save, hb_indirect_irq_save, hb_retpoline_irq_save,
	    hb_thunk_xen_irq_save, hb_pv_irq_save, hb_pv_irq_save },
	  set_xen_masked, chk_xen_save },
	{ "irq_restore", BE_XEN, PV_irq_restore,
	  { hb_xen_irq_restore, hb_direct_xen_irq_restore, hb_indirect_irq_restore, hb_retpoline_irq_restore,
	    hb_thunk_xen_irq_restore, hb_pv_irq_restore, hb_pv_irq_restore },
	  set_xen_restore_off, chk_masked },
	{ "irq_save_restore", BE_XEN, PV_irq_save,
	  { hb_xen_irq_save_restore, hb_direct_xen_irq_save_restore, hb_indirect_irq_save_restore, hb_retpoline_irq_save_restore,
	    hb_thunk_xen_irq_save_restore, hb_pv_irq_save_restore, hb_pv_irq_save_restore },
	  set_xen_masked, chk_masked },
	{ "clock_ns", BE_XEN, PV_clock_ns,
	  { hb_xen_clock_ns, hb_direct_xen_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_xen_clock },
	/* native: pushf/popf (cli, sti fault in ring 3), the TSC clock, lock kick */
	{ "irq_save", BE_NATIVE, PV_irq_save,
	  { hb_native_irq_save, hb_direct_native_irq_save, hb_indirect_irq_save, hb_retpoline_irq_save,
	    hb_thunk_native_irq_save, hb_pv_irq_save, hb_pv_irq_save },
	  NULL, chk_native_save },
	{ "irq_restore", BE_NATIVE, PV_irq_restore,
	  { hb_native_irq_restore, hb_direct_native_irq_restore, hb_indirect_irq_restore, hb_retpoline_irq_restore,
	    hb_thunk_native_irq_restore, hb_pv_irq_restore, hb_pv_irq_restore },
	  set_native_restore_off, chk_native_if },
	{ "irq_save_restore", BE_NATIVE, PV_irq_save,
	  { hb_native_irq_save_restore, hb_direct_native_irq_save_restore,
	    hb_indirect_irq_save_restore, hb_retpoline_irq_save_restore, hb_thunk_native_irq_save_restore,
	    hb_pv_irq_save_restore, hb_pv_irq_save_restore },
	  NULL, chk_native_sr },
	{ "clock_ns", BE_NATIVE, PV_clock_ns,
	  { hb_native_clock_ns, hb_direct_native_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_native_clock },
	{ "lock_kick", BE_NATIVE, PV_lock_kick,
	  { hb_native_lock_kick, hb_direct_native_lock_kick, hb_indirect_lock_kick, hb_retpoline_lock_kick, NULL,
	    hb_pv_lock_kick, hb_pv_lock_kick },
	  set_lock_word, chk_lock_word },
	/* KVM: kvmclock (its other ops are native's) */
	{ "clock_ns", BE_KVM, PV_clock_ns,
	  { hb_kvm_clock_ns, hb_direct_kvm_clock_ns, hb_indirect_clock_ns, hb_retpoline_clock_ns, NULL,
	    hb_pv_clock_ns, hb_pv_clock_ns },
	  NULL, chk_kvm_clock },
};
const size_t nrows = ARRAY_SIZE(rows);
struct fig figs[ARRAY_SIZE(rows)][M_NR];

void cabi_set(enum be be)
{
	if (be == BE_XEN)
		hb_cabi = (struct hb_cabi){ hb_fn_xen_irq_disable, hb_fn_xen_irq_enable, hb_fn_xen_irq_save,
					    hb_fn_xen_irq_restore, pv_xen_clock_ns, pv_xen_lock_kick };
	else
		hb_cabi = (struct hb_cabi){ hb_fn_native_irq_disable, hb_fn_native_irq_enable,
					    hb_fn_native_irq_save, hb_fn_native_irq_restore,
					    be == BE_KVM ? pv_kvm_clock_ns : pv_native_clock_ns,
					    pv_native_lock_kick };
}
