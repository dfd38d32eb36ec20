/* smpboot.c: bringing the CPUs up.  The platform's CPU list, taken before
 * the boot line; then the others started one at a time once the boot CPU
 * is set up, each waited for until it reports in (smp.c's
 * smp_secondary_main).  Code that runs once (sources.mk, cold-y). */
#include "defs.h"
#include "hv.h"
#include "percpu.h"

#define SMP_STACK	16384
#define START_TIMEOUT_NS 2000000000ull	/* a CPU not in after 2 s is reported */

static u8 smp_stacks[NR_CPUS][SMP_STACK] __aligned(16);
static u32 cpu_ids[NR_CPUS];
static u32 cpus_found = 1;

void percpu_setup(u32 cpu, u32 hw_id)
{
	struct percpu *p = &percpu_area[cpu];

	p->self = p;
	p->cpu = cpu;
	p->hw_id = hw_id;
	p->dead_thread = -1;
	p->stack_top = (u64)(smp_stacks[cpu] + SMP_STACK);
}

/* The platform's CPUs, before the boot line reports their number. */
u32 smp_probe(struct boot_info *bi)
{
	u32 n = hv_smp_probe(bi, cpu_ids, NR_CPUS);

	cpus_found = n ? n : 1;
	percpu_area[0].hw_id = cpu_ids[0];
	return cpus_found;
}

static void smp_line(u32 up, u64 ns, const char *why)
{
	struct hvbline l;
	char ids[8 * NR_CPUS + 1];
	size_t k = 0;

	ids[0] = 0;
	for (u32 i = 0; i < up; i++)
		k += (size_t)snprintf(ids + k, sizeof(ids) - k, "%s%u", i ? "," : "",
				      percpu_area[i].hw_id);
	hvb_begin(&l, "smp");
	hvb_u64(&l, "cpus", cpus_found);
	hvb_u64(&l, "up", up);
	hvb_str(&l, "ids", ids);
	hvb_u64(&l, "start_ns", ns);
	if (why)
		hvb_str(&l, "error", why);
	hvb_end(&l);
}

/* Start every other CPU, one at a time (smp.max=N starts at most N in all). */
void smp_boot(void)
{
	u32 max = (u32)cmdline_u64("smp.max", NR_CPUS);
	const char *why = NULL;
	u64 t0 = hv_clock_ns();

	for (u32 i = 1; i < cpus_found && i < max; i++) {
		percpu_setup(i, cpu_ids[i]);
		why = hv_cpu_start(&percpu_area[i]);
		if (why)
			break;
		u64 t = hv_clock_ns();
		while (READ_ONCE(smp_ncpus) == i && hv_clock_ns() - t < START_TIMEOUT_NS)
			cpu_relax();
		if (READ_ONCE(smp_ncpus) == i) {
			why = "a CPU did not report in within 2 s";
			break;
		}
	}
	u32 up = smp_ncpus;
	kprintf("hvbundle: %u of %u CPUs up\n", up, cpus_found);
	smp_line(up, hv_clock_ns() - t0, why);
	if (why)
		kprintf("hvbundle: CPU %u: %s\n", up, why);
}
