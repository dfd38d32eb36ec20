/* pv_count.c: a dynamic count of every op executed (pv.count=1): the op
 * table points at counting thunks (pv_count.S) which go on to the chosen
 * backend's bodies; the sites are left indirect. */
#include "defs.h"
#include "pv/pv_backend.h"

#define PV_COUNT_MAX 32		/* thunks in pv_count.S */
_Static_assert(PV_NR_OPS <= PV_COUNT_MAX, "more ops than counting thunks");

extern const u8 pv_count_thunks[];
u64 pv_op_count[PV_COUNT_MAX];
void *pv_count_next[PV_COUNT_MAX];

#define PV_NAME(op, ...) #op,
static const char *const names[PV_NR_OPS] = { PV_OPS(PV_NAME) };

/* Route every table entry through its thunk. */
void pv_count_install(void)
{
	for (int i = 0; i < PV_NR_OPS; i++) {
		pv_count_next[i] = pv_op_table[i];
		pv_op_table[i] = (void *)(pv_count_thunks + 16 * i);
	}
}

bool pv_counting(void)
{
	return pv_count_next[0] != NULL;
}

void pv_count_snapshot(u64 *out)
{
	memcpy(out, pv_op_count, sizeof(u64) * PV_NR_OPS);
}

/* One @hvb line: the ops run since snapshot `from`, by name, and their sum. */
void pv_count_report(const char *event, const u64 *from)
{
	struct hvbline l;
	u64 total = 0;

	hvb_begin(&l, event);
	for (int i = 0; i < PV_NR_OPS; i++) {
		u64 n = pv_op_count[i] - from[i];
		total += n;
		hvb_u64(&l, names[i], n);
	}
	hvb_u64(&l, "total", total);
	hvb_end(&l);
}
