/* trap.c: exception reports, and dispatch of device interrupts to
 * the backend.  An exception the kernel did not ask for is reported with
 * vector, RIP, error code and CR2, and ends the run with a failure status:
 * never a hang, never a silent reset. */
#include "defs.h"
#include "hv.h"
#include "trap.h"
#include "paging.h"

#define STATUS_FAULT 4

extern const u64 trap_vectors[256];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static u64 last_fault_addr;
static int in_fault;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
};

void trap_init(void)
{
	hv_setup_traps(trap_vectors);
}

u64 trap_last_fault_addr(void)
{
	return last_fault_addr;
}

static bool fixup(struct trapframe *tf)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == tf->rip) {
			tf->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static __noreturn void report(struct trapframe *tf, u64 cr2)
{
	struct hvbline l;
	const char *name = tf->vector < 32 && exc_names[tf->vector] ? exc_names[tf->vector] : "exception";

	if (in_fault++) {		/* faulted while reporting: stop at once */
		hv_shutdown(STATUS_FAULT);
	}
	kprintf("\nFAULT: vector %lu (%s) at rip %016lx, error %lx, cr2 %016lx\n"
		"       rsp %016lx rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
		tf->vector, name, tf->rip, tf->error, cr2, tf->rsp, tf->rax, tf->rbx,
		tf->rcx, tf->rdx);
	hvb_begin(&l, "fault");
	hvb_u64(&l, "vector", tf->vector);
	hvb_str(&l, "name", name);
	hvb_hex(&l, "rip", tf->rip);
	hvb_hex(&l, "error", tf->error);
	hvb_hex(&l, "cr2", cr2);
	hvb_end(&l);
	kernel_done(STATUS_FAULT);
}

void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector >= 32) {
		hv_handle_irq((unsigned int)tf->vector);
		return;
	}
	u64 cr2 = tf->vector == VEC_PF ? hv_fault_addr() : 0;
	if (tf->vector == VEC_PF && fixup(tf)) {
		last_fault_addr = cr2;
		return;
	}
	report(tf, cr2);
}

#ifdef CONFIG_FAULT_INJECT
/* fault=pf|gp|ud|de: make the cpu raise that exception, to show (and test)
 * that the report is clear and the run ends with a failure status. */
void fault_inject(const char *kind)
{
	volatile u64 *bad = (volatile u64 *)0xffffc7fffffff000UL;

	kprintf("hvbundle: injecting fault \"%s\"\n", kind);
	if (!strcmp(kind, "pf"))
		(void)*bad;
	else if (!strcmp(kind, "gp"))
		(void)*(volatile u64 *)0x8000000000000000UL;	/* non-canonical */
	else if (!strcmp(kind, "ud"))
		__asm__ __volatile__("ud2");
	else if (!strcmp(kind, "de"))
		__asm__ __volatile__("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
	else if (!strcmp(kind, "pte")) {
		/* Map the root page table writable: Xen's mmu_update refuses
		 * that, and a refused hypercall must stop the kernel.  Only
		 * Xen checks; elsewhere the mapping is made and taken away. */
		unsigned long va = vm_alloc_va(1);
		vm_map(va, vm_root(), PTE_P | PTE_W);
		vm_unmap(va);
		kprintf("hvbundle: fault=pte: the platform took the mapping (only Xen refuses it)\n");
		return;
	} else
		kprintf("hvbundle: unknown fault kind \"%s\" (pf, gp, ud, de, pte)\n", kind);
	panic("fault=%s did not fault", kind);
}
#endif /* CONFIG_FAULT_INJECT */
