/* hv_ops.c: the one out-of-line body of every op the inlining policy does
 * not inline at every site (hv.h, HV_OP): under the hot policy the hot ops
 * too, for the files of code that runs once (HV_CALLER_COLD).  Each is
 * hv_<op>, in its own section, so the shared layout gives it one address
 * in every variant: its callers are the same bytes everywhere and only
 * these bodies differ.  Under the "all" policy this file compiles to
 * nothing.
 *
 * With CONFIG_HV_OP_COUNT (a measuring build, policy "none") every body
 * first counts its call, and hv_op_count_report (called just before the
 * done line) prints them as @hvb op_count lines: how often each op runs
 * on a path, the evidence for which ops are hot. */
#include "defs.h"

#ifdef CONFIG_HV_OP_COUNT
#define HV_OP_COUNT_MAX 64

struct hv_op_counter {
	const char *name;	/* set at the op's first call */
	u64 calls;
};

static struct hv_op_counter hv_op_counts[HV_OP_COUNT_MAX];
static bool hv_op_counting = true;

/* Every op's body starts here; the op's index comes from __COUNTER__ at
 * its definition, so the list of ops stays in hv.h alone. */
static inline void hv_op_counted(unsigned int id, const char *name)
{
	if (!hv_op_counting)
		return;
	hv_op_counts[id].name = name;
	hv_op_counts[id].calls++;
}

#define HV_OP_ENTRY(name) hv_op_counted(__COUNTER__, #name);
#endif /* CONFIG_HV_OP_COUNT */

#define HV_OPS_C
#define HV_CALLER_COLD
#include "hv.h"

#if !HV_INLINE_COLD
const char hv_backend_name[] = HV(name);
const char hv_clock_name[] = HV(clock_name);
const char hv_variant_name[] = CONFIG_HV_NAME;
#endif /* !HV_INLINE_COLD */

#ifdef CONFIG_HV_OP_COUNT
_Static_assert(__COUNTER__ <= HV_OP_COUNT_MAX, "more ops than HV_OP_COUNT_MAX");

/* One line per op that ran; reporting stops counting (its own console
 * writes, and the shutdown after it, are not part of the path measured). */
void hv_op_count_report(void)
{
	struct hvbline l;

	hv_op_counting = false;
	for (unsigned int i = 0; i < HV_OP_COUNT_MAX; i++) {
		if (!hv_op_counts[i].name)
			continue;
		hvb_begin(&l, "op_count");
		hvb_str(&l, "op", hv_op_counts[i].name + 3);	/* without "hv_" */
		hvb_u64(&l, "calls", hv_op_counts[i].calls);
		hvb_end(&l);
	}
}
#endif /* CONFIG_HV_OP_COUNT */
