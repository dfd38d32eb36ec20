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

/* whether a region's smallest uncompressed form is encoding 2 */
int best_is_ref(const struct cands *c)
{
	size_t ref = c->rops.len ? c->rtab.len + c->rops.len : 0;
	size_t ops = c->ops.len && c->ops.len < c->lit.len ? c->ops.len : c->lit.len;

	return ref && ref <= ops;
}

/* ops (an op stream) to w's columns, or else to out */
static void put_ops(struct opcols_w *w, struct buf *out, const uint8_t *ops, size_t len)
{
	if (w)
		opcols_add(w, ops, len);
	else
		buf_put(out, ops, len);
}

/* A region's part of a frame.  With reflit, a region in reference space
 * whose ops there take half its bytes or more: encoding 2 with one LIT of
 * its new bytes in that space, which the frame then finds in its prefix,
 * the base in that space too (HVB_VF_REFPREFIX).  Fewer: its ops there
 * (most of it copied; so Linux, whose regions are whole sections: a LIT
 * everywhere would make its kvm frame 103,120 B, not 35,938).  Else
 * its smallest uncompressed form, as deltas_choose keeps it without zstd:
 * literal, ops, or tables + ops in reference space.  With w, its ops go
 * to w's columns and only the rest to out. */
static void best_part(const struct cands *c, uint64_t new_len, int reflit,
		      struct opcols_w *w, struct buf *out, unsigned *enc)
{
	if (reflit && c->rops.len && 2 * (c->rtab.len + c->rops.len) < new_len) {
		buf_put(out, c->rtab.p, c->rtab.len);	/* so every such region is */
		put_ops(w, out, c->rops.p, c->rops.len);	/* encoding 2 */
		*enc = HVB_ENC_REFOPS;
	} else if (reflit && c->rops.len) {
		struct buf op = { 0 };

		ref_lit_table(c, out);
		buf_var(&op, new_len << HVB_OP_SHIFT | HVB_OP_LIT);
		buf_put(&op, c->rnew, new_len);
		put_ops(w, out, op.p, op.len);
		free(op.p);
		*enc = HVB_ENC_REFOPS;
	} else if (best_is_ref(c)) {
		buf_put(out, c->rtab.p, c->rtab.len);
		put_ops(w, out, c->rops.p, c->rops.len);
		*enc = HVB_ENC_REFOPS;
	} else if (c->ops.len && c->ops.len < c->lit.len) {
		put_ops(w, out, c->ops.p, c->ops.len);
		*enc = HVB_ENC_OPS;
	} else {
		buf_put(out, c->lit.p, c->lit.len);
		*enc = HVB_ENC_LITERAL;
	}
}

void best_raw(const struct cands *c, struct buf *out, unsigned *enc)
{
	best_part(c, 0, 0, NULL, out, enc);
}

/* A frame's content: with op columns (cols) they come first (*head),
 * then each region's bytes (part[k], its encoding enc[k]): all of them,
 * or with columns all but its ops.  reflit: as best_part. */
void frame_parts(const struct cands *cs, const struct rdelta *rs, size_t nr, int cols,
		 int reflit, struct buf *head, struct buf *part, unsigned *enc)
{
	struct opcols_w w = { 0 };
	size_t k;

	for (k = 0; k < nr; k++)
		best_part(&cs[k], rs[k].new_len, reflit, cols ? &w : NULL, &part[k], &enc[k]);
	if (cols)
		opcols_put(&w, head);
	opcols_free(&w);
}

/* variant i's frame content, with or without op columns, with or
 * without reference-space literals, compressed against prefix (the work
 * area wsize bytes long) into *z (left empty if it cannot be made); its
 * decoded bytes */
static size_t frame_try(struct packctx *pc, struct deltas *d, size_t i, int cols,
			int reflit, const uint8_t *prefix, struct buf *z)
{
	struct pvar *v = &pc->v[i];
	struct buf raw = { 0 }, *part = xcalloc(v->nr + 1, sizeof(*part));
	unsigned *enc = xcalloc(v->nr + 1, sizeof(*enc));
	size_t k, n;

	frame_parts(d->cand[i], v->r, v->nr, cols, reflit, &raw, part, enc);
	for (k = 0; k < v->nr; k++) {
		buf_put(&raw, part[k].p, part[k].len);
		free(part[k].p);
	}
	free(part);
	free(enc);
	if (raw.len && raw.len <= HVB_STUB_SCRATCH_MAX && !d->noframes &&
	    !zs_compress_deep(raw.p, raw.len, z, prefix, pc->wsize))
		z->len = 0;
	n = raw.len;
	free(raw.p);
	return n;
}

/* Would deltas_choose keep variant i as a frame of zlen bytes decoding
 * to raw?  When it is smaller than its regions stored one by one, and the
 * stub's scratch holds the frame, the move table and a region's own need
 * (at most HVB_STUB_SCRATCH). */
int frame_fits(const struct packctx *pc, const struct deltas *d, size_t i, size_t zlen,
	       uint64_t raw)
{
	return zlen && zlen < d->region_best[i] &&
	    hvb_variant_scratch(raw, pc->v[i].nmv, HVB_STUB_SCRATCH) <= HVB_STUB_SCRATCH_MAX;
}

/* variant i's frame against prefix into *z: with op columns (*cols) or
 * without, the smaller (HVB_PACK_OPCOLS=always|never: the one named);
 * reflit as frame_parts.  Its decoded bytes. */
size_t frame_pick(struct packctx *pc, struct deltas *d, size_t i, int reflit,
		  const uint8_t *prefix, struct buf *z, int *cols)
{
	struct buf zc = { 0 };
	int force = pack_forced("HVB_PACK_OPCOLS");
	size_t raw = 0, rawc = 0;

	z->len = 0;
	if (force != 1)
		raw = frame_try(pc, d, i, 0, reflit, prefix, z);
	if (force != 0)
		rawc = frame_try(pc, d, i, 1, reflit, prefix, &zc);
	*cols = zc.len && (force == 1 || zc.len < z->len);
	if (verbose && force == -1 && zc.len && z->len)
		warnx_("%s: frame%s with op columns %zu B, with op streams %zu B: kept %s",
		       pc->v[i].name, reflit ? " in reference space" : "", zc.len, z->len,
		       *cols ? "columns" : "streams");
	if (*cols || force == 1) {
		free(z->p);
		*z = zc;
		return rawc;
	}
	free(zc.p);
	return raw;
}

/* variant i's frame into d->frame[i] (left empty where it cannot be: no
 * region, more than the stub's scratch may hold, or frames ruled out) */
void frame_build(struct packctx *pc, struct deltas *d, size_t i)
{
	struct pvar *v = &pc->v[i];
	size_t raw = frame_pick(pc, d, i, 0, d->bw, &d->frame[i], &d->frame_cols[i]);

	d->frame_raw[i] = raw;
	if (verbose)
		warnx_("%s: regions %zu B uncompressed; as one frame with the base "
		       "as prefix %zu B (region by region: %llu B)%s", v->name, raw,
		       d->frame[i].len, (unsigned long long)d->region_best[i],
		       d->noframes ? "; no frames: Xen's hypercall page is on the base's file bytes" :
		       raw > HVB_STUB_SCRATCH_MAX ? "; too large for the stub's scratch" : "");
}
