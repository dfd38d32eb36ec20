/* encode.c: pack's deltas.  For every variant: the regions where it
 * differs from the base (diff.c), every way of storing each one (literal,
 * bsdiff ops, bsdiff ops in reference space with the reference tables,
 * and the zstd forms measured beside them), then the choice. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"



static int allzero(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static uint64_t min2(uint64_t a, uint64_t b)
{
	return a && a < b ? a : b;
}

static uint64_t sz_ref(const struct cands *c)
{
	return c->rops.len ? c->rtab.len + c->rops.len : 0;
}

/* the smaller of literal and ops (no encoding 2) */
static uint64_t sz_plain(const struct cands *c)
{
	return c->ops.len && c->ops.len < c->lit.len ? c->ops.len : c->lit.len;
}

static uint64_t sz_raw(const struct cands *c)
{
	return min2(sz_ref(c), sz_plain(c));
}

static uint64_t sz_zstd(const struct cands *c)
{
	return min2(c->zops.len, min2(c->zlit.len, sz_raw(c)));
}

static uint64_t sz_pref(const struct cands *c)
{
	return min2(c->zpref.len, sz_raw(c));
}

static void cands_free(struct cands *c)
{
	free(c->lit.p);
	free(c->ops.p);
	free(c->zlit.p);
	free(c->zops.p);
	free(c->zpref.p);
	free(c->rtab.p);
	free(c->rops.p);
	free(c->rold);
	free(c->rnew);
	free(c->osite);
	free(c->vsite);
	memset(c, 0, sizeof(*c));
}

/* bsdiff has run (c->ops); add the literal and the zstd measurements */
static void encode(const uint8_t *old, const uint8_t *new_, uint64_t len,
		   struct cands *c)
{
	buf_put(&c->lit, new_, len);
	zs_compress(c->lit.p, c->lit.len, &c->zlit, NULL, 0);
	/* the stub's scratch holds old bytes and the decoded ops together */
	if (c->ops.len && len + c->ops.len <= HVB_STUB_SCRATCH)
		zs_compress(c->ops.p, c->ops.len, &c->zops, NULL, 0);
	if (!allzero(old, len))
		zs_compress(new_, len, &c->zpref, old, len);
}

/* regions under 16 bytes, or over zeros, are stored literal */
static int wants_bsdiff(const uint8_t *old, uint64_t len)
{
	return len >= 16 && !allzero(old, len);
}

static void take(struct rdelta *r, struct buf *b, unsigned enc, unsigned comp,
		 uint64_t raw_len)
{
	r->data = *b;
	memset(b, 0, sizeof(*b));
	r->enc = enc;
	r->comp = comp;
	r->raw_len = raw_len;
}

static void choose(struct rdelta *r, struct cands *c, int zstd)
{
	if (zstd && c->zpref.len && c->zpref.len < sz_raw(c) &&
	    c->zpref.len <= sz_zstd(c))
		take(r, &c->zpref, HVB_ENC_LITERAL, HVB_COMP_ZSTD_PREFIX, r->new_len);
	else if (zstd && c->zops.len && c->zops.len < sz_raw(c) &&
		 c->zops.len <= c->zlit.len)
		take(r, &c->zops, HVB_ENC_OPS, HVB_COMP_ZSTD, c->ops.len);
	else if (zstd && c->zlit.len && c->zlit.len < sz_raw(c))
		take(r, &c->zlit, HVB_ENC_LITERAL, HVB_COMP_ZSTD, c->lit.len);
	else if (sz_ref(c) && sz_ref(c) == sz_raw(c)) {
		buf_put(&c->rtab, c->rops.p, c->rops.len);
		take(r, &c->rtab, HVB_ENC_REFOPS, HVB_COMP_NONE, c->rtab.len);
	} else if (c->ops.len && c->ops.len < c->lit.len)
		take(r, &c->ops, HVB_ENC_OPS, HVB_COMP_NONE, c->ops.len);
	else
		take(r, &c->lit, HVB_ENC_LITERAL, HVB_COMP_NONE, c->lit.len);
	cands_free(c);
}

/* regions no longer than half the stub's scratch (which holds a region's
 * old bytes while it is rebuilt, and for encoding 2 the list of their
 * reference sites, at most as long again), cut where they are longer */
#define CUT	(HVB_STUB_SCRATCH / 2)
static size_t cut_regions(struct range **rg, size_t n)
{
	struct range *out = NULL;
	size_t k, m = 0;

	for (k = 0; k < n; k++) {
		uint64_t a = (*rg)[k].start, e = (*rg)[k].end;

		do {
			uint64_t z = e - a > CUT ? a + CUT : e;

			out = xrealloc(out, (m + 1) * sizeof(*out));
			out[m++] = (struct range){ a, z };
			a = z;
		} while (a < e);
	}
	free(*rg);
	*rg = out;
	return m;
}

/* variant i's regions against the base, its references, move table and
 * classes */
static int find_regions(struct packctx *pc, struct deltas *d, size_t i)
{
	struct pvar *v = &pc->v[i];
	const struct image *b = &pc->v[0].im;
	struct range *rg = NULL;
	struct refs *vr = &d->vrefs[i];
	struct move *inv;
	struct clsin ci;
	uint64_t dend = (v->im.hi > b->hi ? v->im.hi : b->hi) - pc->w0, j;
	size_t k;

	d->vw[i] = xmalloc(pc->wsize);
	img_fill(&v->im, d->vw[i], pc->w0, pc->wsize);
	if (refs_scan(&v->im, d->vw[i], pc->w0, pc->wsize, vr))
		return -1;
	v->nmv = moves_build(b, &v->im, pc->w0, &v->st, &v->mv);
	inv = moves_inverse(v->mv, v->nmv);
	ci = (struct clsin){ b, v, pc->w0, pc->wsize, d->bw, d->vw[i], &d->brefs, vr, inv };
	d->cls[i] = xmalloc(pc->wsize);
	classify(&ci, &v->cl, d->cls[i]);
	free(inv);
	for (j = 0; j < dend; j++)
		v->bytes_differ += d->bw[j] != d->vw[i][j];
	v->nr = cut_regions(&rg, diff_regions(b, &v->im, d->bw, d->vw[i],
						 pc->w0, v->im.hi - pc->w0, &rg));
	v->r = xcalloc(v->nr ? v->nr : 1, sizeof(struct rdelta));
	d->cand[i] = xcalloc(v->nr ? v->nr : 1, sizeof(struct cands));
	for (k = 0; k < v->nr; k++) {
		v->r[k].start = rg[k].start;
		v->r[k].old_len = v->r[k].new_len = rg[k].end - rg[k].start;
	}
	free(rg);
	return 0;
}

/* An absolute address is a site only where its target moved in some
 * variant: elsewhere base and variants hold the same value. */
static void moved_map(struct packctx *pc, struct deltas *d)
{
	size_t i, k;
	uint64_t a;

	d->moved = xcalloc(pc->wsize / 8 + 1, 1);
	for (i = 1; i < pc->nv; i++)
		for (k = 0; k < pc->v[i].nmv; k++) {
			const struct move *m = &pc->v[i].mv[k];

			for (a = m->start; m->delta && a < (uint64_t)m->start + m->len &&
			     a < pc->wsize; a++)
				d->moved[a / 8] |= (uint8_t)(1u << (a % 8));
		}
	d->brefs.moved = d->moved;
	for (i = 1; i < pc->nv; i++)
		d->vrefs[i].moved = d->moved;
}

/* bsdiff jobs for variant i's regions: plain, and in reference space */
static void queue_jobs(struct packctx *pc, struct deltas *d, size_t i,
		       struct bsjob **jobs, size_t *njobs)
{
	struct pvar *v = &pc->v[i];
	struct move *inv = moves_inverse(v->mv, v->nmv);
	size_t k;

	for (k = 0; k < v->nr; k++) {
		struct rdelta *r = &v->r[k];
		struct cands *c = &d->cand[i][k];

		if (!wants_bsdiff(d->bw + r->start, r->old_len))
			continue;
		*jobs = xrealloc(*jobs, (*njobs + 2) * sizeof(**jobs));
		(*jobs)[(*njobs)++] = (struct bsjob){ d->bw + r->start,
			d->vw[i] + r->start, r->old_len, &c->ops, 0 };
		if (!pc->norefs && ref_prep(&d->brefs, &d->vrefs[i], v, inv, d->bw + r->start,
					    d->vw[i] + r->start, r->start, r->old_len, c))
			(*jobs)[(*njobs)++] = (struct bsjob){ c->rold, c->rnew,
				r->old_len, &c->rops, 0 };
	}
	free(inv);
}

/* the literal and zstd forms of variant i's regions, and their sizes */
static void measure(struct packctx *pc, struct deltas *d, size_t i)
{
	struct pvar *v = &pc->v[i];
	size_t k;

	for (k = 0; k < v->nr; k++) {
		struct rdelta *r = &v->r[k];
		struct cands *c = &d->cand[i][k];

		encode(d->bw + r->start, d->vw[i] + r->start, r->old_len, c);
		v->delta_raw += sz_raw(c);
		v->delta_zstd += sz_zstd(c);
		v->delta_prefix += sz_pref(c);
		if (verbose > 1)
			warnx_("%s: region 0x%llx+%llu: literal %zu, ops %zu, "
			       "refs %zu + ops %zu, zstd %zu/%zu, zstd-prefix %zu", v->name,
			       (unsigned long long)(pc->w0 + r->start),
			       (unsigned long long)r->old_len, c->lit.len,
			       c->ops.len, c->rtab.len, c->rops.len, c->zlit.len, c->zops.len,
			       c->zpref.len);
	}
	measure_frames(pc, d, i);
	d->tot_raw += v->delta_raw;
	d->tot_zstd += v->delta_zstd;
	d->tot_pref += v->delta_prefix;
	for (k = 0; k < v->nr; k++)
		d->region_best[i] += min2(sz_pref(&d->cand[i][k]), sz_zstd(&d->cand[i][k]));
	frame_build(pc, d, i);
	d->tot_best += d->frame[i].len ? min2(d->frame[i].len, d->region_best[i]) :
	    d->region_best[i];
}

/* Xen writes its hypercall page into the work area when it loads the
 * bundle.  A frame's prefix is the work area as the base fills it; the
 * applier clears the bytes the base does not load from its file (the
 * zero table, FORMAT.md 3.2) before it decodes a frame, while the stub
 * holds Xen's page aside, so there the prefix is whole again.  Frames
 * are ruled out (*no = 1) only when the page overlaps the base's file
 * bytes, which Xen overwrote for good.  0, or -1 after a message. */
static int hypercall_page_rule(const struct packctx *pc, int *no)
{
	const struct image *bi = &pc->v[0].im;
	uint64_t hc;
	size_t i;

	*no = 0;
	if (bundle_hypercall_page(pc, &hc))
		return -1;
	if (!hc || hc + 4096 <= pc->w0 || hc >= pc->w0 + pc->wsize)
		return 0;
	for (i = 0; i < bi->nloads && !*no; i++)
		*no = bi->loads[i].filesz && hc < bi->loads[i].load + bi->loads[i].filesz &&
		    bi->loads[i].load < hc + 4096;
	if (*no && verbose)
		warnx_("no frames: Xen's hypercall page 0x%llx lies on bytes the base "
		       "loads from its file (PT_LOAD %zu), which Xen overwrites at load",
		       (unsigned long long)hc, i - 1);
	return 0;
}

int deltas_find(struct packctx *pc, struct deltas *d)
{
	struct bsjob *jobs = NULL;
	size_t njobs = 0, i, k;
	int rc;

	memset(d, 0, sizeof(*d));
	d->bw = xmalloc(pc->wsize);
	d->vw = xcalloc(pc->nv, sizeof(*d->vw));
	d->cand = xcalloc(pc->nv, sizeof(*d->cand));
	d->vrefs = xcalloc(pc->nv, sizeof(*d->vrefs));
	d->cls = xcalloc(pc->nv, sizeof(*d->cls));
	d->frame = xcalloc(pc->nv, sizeof(*d->frame));
	d->frame_raw = xcalloc(pc->nv, sizeof(*d->frame_raw));
	d->frame_cols = xcalloc(pc->nv, sizeof(*d->frame_cols));
	d->region_best = xcalloc(pc->nv, sizeof(*d->region_best));
	if (hypercall_page_rule(pc, &d->noframes))
		return -1;
	img_fill(&pc->v[0].im, d->bw, pc->w0, pc->wsize);
	if (refs_scan(&pc->v[0].im, d->bw, pc->w0, pc->wsize, &d->brefs))
		return -1;
	for (i = 0; i < pc->nv; i++) {
		progress("diff", i + 1, pc->nv);
		diff_symbols(&pc->v[0].im, &pc->v[i].im, &pc->v[i].st);
		if (i && find_regions(pc, d, i))
			return -1;
	}
	moved_map(pc, d);
	for (i = 1; i < pc->nv; i++)
		queue_jobs(pc, d, i, &jobs, &njobs);
	rc = bsdelta_batch(jobs, njobs);
	free(jobs);
	if (rc)
		return -1;
	for (i = 1; i < pc->nv; i++)
		for (k = 0; k < pc->v[i].nr; k++)
			if (d->cand[i][k].rops.len)
				ref_finish(&d->cand[i][k]);
	for (i = 1; i < pc->nv; i++) {
		progress("measure", i, pc->nv - 1);
		measure(pc, d, i);
	}
	return 0;
}

/* variant i as one frame: every region in its smallest uncompressed form,
 * data inside the frame */
static void take_frame(struct pvar *v, struct deltas *d, size_t i)
{
	struct buf head = { 0 }, *part = xcalloc(v->nr + 1, sizeof(*part));
	unsigned *enc = xcalloc(v->nr + 1, sizeof(*enc));
	size_t k;

	frame_parts(d->cand[i], v->r, v->nr, d->frame_cols[i], d->refprefix, &head, part, enc);
	v->refprefix = d->refprefix;
	v->opcols = d->frame_cols[i];
	v->frame_raw = head.len;	/* the columns, if any, come first */
	free(head.p);
	for (k = 0; k < v->nr; k++) {
		struct rdelta *r = &v->r[k];

		r->foff = v->frame_raw;
		r->data = part[k];
		r->enc = enc[k];
		r->comp = HVB_COMP_FRAME;
		r->raw_len = r->data.len;
		v->frame_raw += r->data.len;
		cands_free(&d->cand[i][k]);
	}
	free(part);
	free(enc);
	v->frame = d->frame[i];
	memset(&d->frame[i], 0, sizeof(d->frame[i]));
	v->delta_bytes = v->frame.len;
}

int deltas_choose(struct packctx *pc, struct deltas *d, int zstd)
{
	size_t i, k;

	if (zstd && !d->noframes && !pc->norefs)
		refprefix_choose(pc, d);
	for (i = 1; i < pc->nv; i++) {
		struct pvar *v = &pc->v[i];
		int framed = zstd && frame_fits(pc, d, i, d->frame[i].len, d->frame_raw[i]);

		if (framed)
			take_frame(v, d, i);
		for (k = 0; k < v->nr; k++) {
			uint64_t need;

			if (!framed) {
				choose(&v->r[k], &d->cand[i][k], zstd);
				v->delta_bytes += v->r[k].data.len;
			}
			need = hvb_variant_scratch(v->frame_raw, v->nmv,
						   hvb_region_scratch(v->r[k].enc, v->r[k].comp,
								    v->r[k].old_len, v->r[k].raw_len));
			if (need > pc->max_scratch)
				pc->max_scratch = (uint32_t)need;
		}
		classes_delta(d->cls[i], pc->wsize, v->r, v->nr, &v->cl);
	}
	base_table(pc, d);
	return refprefix_check(pc, d);
}

/* the stored deltas, uncompressed, if no region used encoding 2 */
uint64_t deltas_plain_total(const struct packctx *pc, const struct deltas *d)
{
	uint64_t t = 0;
	size_t i, k;

	for (i = 1; i < pc->nv; i++)
		for (k = 0; k < pc->v[i].nr; k++)
			t += sz_plain(&d->cand[i][k]);
	return t;
}

/* no region may use encoding 2 (the stub has none): forget its forms */
void deltas_drop_refs(struct packctx *pc, struct deltas *d)
{
	size_t i, k;

	pc->norefs = 1;
	for (i = 1; i < pc->nv; i++)
		for (k = 0; k < pc->v[i].nr; k++)
			d->cand[i][k].rops.len = d->cand[i][k].rtab.len = 0;
}

void deltas_free(struct packctx *pc, struct deltas *d)
{
	size_t i, k;

	for (i = 0; i < pc->nv; i++) {
		if (d->cand && d->cand[i])
			for (k = 0; k < pc->v[i].nr; k++)
				cands_free(&d->cand[i][k]);
		if (d->cand)
			free(d->cand[i]);
		if (d->vw)
			free(d->vw[i]);
		if (d->vrefs)
			refs_free(&d->vrefs[i]);
		if (d->cls)
			free(d->cls[i]);
	}
	for (i = 0; d->frame && i < pc->nv; i++)
		free(d->frame[i].p);
	free(d->frame);
	free(d->frame_raw);
	free(d->frame_cols);
	free(d->region_best);
	free(d->vrefs);
	free(d->cls);
	free(d->cand);
	free(d->reftab.p);
	free(d->vw);
	free(d->bw);
	free(d->moved);
	refs_free(&d->brefs);
	memset(d, 0, sizeof(*d));
}
