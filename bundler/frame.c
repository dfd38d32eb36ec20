/* frame.c: a variant's regions as one zstd frame (FORMAT.md 3.3, region
 * compression HVB_COMP_FRAME).  Each region keeps its smallest
 * uncompressed form (literal, ops, or tables and ops in reference space);
 * all of them, one after the other, are compressed as one zstd -19 frame
 * (deep search: zs_compress_deep)
 * with the base's whole work area as prefix, which the stub has in
 * memory already.  One frame instead of one per region: one set of
 * entropy tables, and matches across regions and into the whole base. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

/* a region's smallest uncompressed form, as deltas_choose keeps it
 * without zstd: literal, ops, or tables + ops in reference space */
void best_raw(const struct cands *c, struct buf *out, unsigned *enc)
{
	size_t ref = c->rops.len ? c->rtab.len + c->rops.len : 0;
	size_t ops = c->ops.len && c->ops.len < c->lit.len ? c->ops.len : c->lit.len;

	if (ref && ref <= ops) {
		buf_put(out, c->rtab.p, c->rtab.len);
		buf_put(out, c->rops.p, c->rops.len);
		*enc = HVB_ENC_REFOPS;
	} else if (c->ops.len && c->ops.len < c->lit.len) {
		buf_put(out, c->ops.p, c->ops.len);
		*enc = HVB_ENC_OPS;
	} else {
		buf_put(out, c->lit.p, c->lit.len);
		*enc = HVB_ENC_LITERAL;
	}
}

/* variant i's frame into d->frame[i] (left empty where it cannot be: no
 * region, more than the stub's scratch may hold, or frames ruled out) */
void frame_build(struct packctx *pc, struct deltas *d, size_t i)
{
	struct pvar *v = &pc->v[i];
	struct buf raw = { 0 };
	unsigned enc;
	size_t k;

	for (k = 0; k < v->nr; k++)
		best_raw(&d->cand[i][k], &raw, &enc);
	d->frame[i].len = 0;
	d->frame_raw[i] = raw.len;
	if (raw.len && raw.len <= HVB_STUB_SCRATCH_MAX && !d->noframes &&
	    !zs_compress_deep(raw.p, raw.len, &d->frame[i], d->bw, pc->wsize))
		d->frame[i].len = 0;
	if (verbose)
		warnx_("%s: regions %zu B uncompressed; as one frame with the base "
		       "as prefix %zu B (region by region: %llu B)%s", v->name, raw.len,
		       d->frame[i].len, (unsigned long long)d->region_best[i],
		       d->noframes ? "; no frames: Xen's hypercall page is on the base's file bytes" :
		       raw.len > HVB_STUB_SCRATCH_MAX ? "; too large for the stub's scratch" : "");
	free(raw.p);
}
