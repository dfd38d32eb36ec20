/* measure.c: what a compressed payload could store, measured beside what
 * this one stores: all of a variant's regions as one zstd frame with the
 * whole base as its prefix, in plain bytes and in reference space (the
 * reference tables counted, uncompressed).  For list and the report.
 * Over MEASURE_MAX_MIB MiB of regions they are not measured: for a
 * distribution kernel (x86_64_defconfig, 29 MB of regions against a 38 MB
 * base) the two zstd -19 runs took 83 of pack's 258 s of CPU, for figures
 * only list shows; they are then HVB_XE_UNMEASURED, and list says so.
 * HVB_PACK_MEASURE=always|never overrides the size rule (for tests). */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

void measure_frames(struct packctx *pc, struct deltas *d, size_t i)
{
	struct pvar *v = &pc->v[i];
	struct buf np = { 0 }, nr = { 0 }, z = { 0 };
	uint64_t tlen = 0, all = 0;
	int force = pack_forced("HVB_PACK_MEASURE");
	uint8_t *rb;
	size_t k;

	for (k = 0; k < v->nr; k++)
		all += v->r[k].new_len;
	if (force == 0 || (force < 0 && all > ((uint64_t)MEASURE_MAX_MIB << 20))) {
		v->cl.frame_plain = v->cl.frame_ref = HVB_XE_UNMEASURED;
		return;
	}
	rb = xmalloc(pc->wsize);
	memcpy(rb, d->bw, pc->wsize);
	ref_table(&d->brefs, rb, 0, pc->wsize, v, NULL, 0, NULL, NULL, NULL);
	for (k = 0; k < v->nr; k++) {
		const struct rdelta *r = &v->r[k];
		const struct cands *c = &d->cand[i][k];
		const uint8_t *nb = d->vw[i] + r->start;

		buf_put(&np, nb, r->new_len);
		if (c->rnew) {
			buf_put(&nr, c->rnew, r->new_len);
			tlen += c->rtab.len;
		} else
			buf_put(&nr, nb, r->new_len);
	}
	v->cl.frame_plain = np.len ? zs_compress(np.p, np.len, &z, d->bw, pc->wsize) : 0;
	z.len = 0;
	v->cl.frame_ref = nr.len ? tlen + zs_compress(nr.p, nr.len, &z, rb, pc->wsize) : 0;
	free(np.p);
	free(nr.p);
	free(z.p);
	free(rb);
}
