/* refenc.c: encoding 2 (FORMAT.md 3.8) on the pack side.  A region's old
 * and new bytes go into reference space; bsdiff runs on those; then the
 * new side's sites are said only where the applier cannot inherit them:
 * a site of the old bytes that a COPY op carries whole into the new bytes
 * is a site there too, so only the new sites no COPY carried (extras) and
 * the carried ones that are not sites in the new bytes (exclusions) are
 * written down. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

#define TAIL_SHIFT	29	/* a site in a list: offset | kind << 29 */

static const unsigned tail_bytes[4] = { 0, 1, 2, 4 };

/* a site table being made: its sites' field offsets and kinds, in order */
struct sitetab {
	uint32_t *at;
	uint8_t *kind;
	size_t n;
};

static void put_site(struct sitetab *t, uint32_t at, unsigned kind)
{
	if ((t->n & (t->n - 1)) == 0) {	/* 0, 1, 2, 4, ...: room doubled */
		t->at = xrealloc(t->at, (2 * t->n + 1) * sizeof(*t->at));
		t->kind = xrealloc(t->kind, (2 * t->n + 1) * sizeof(*t->kind));
	}
	t->at[t->n] = at;
	t->kind[t->n++] = (uint8_t)kind;
}

/* The table (FORMAT.md 3.8) appended to out: count; then, if any site,
 * the count of kinds not 0, the bitmap of those, their kinds, the gaps.
 * Its sites are forgotten. */
static void sites_put(struct buf *out, struct sitetab *t)
{
	size_t i, m = 0, bm, kd;
	uint64_t prev = 0;

	buf_var(out, t->n);
	for (i = 0; i < t->n; i++)
		m += t->kind[i] != 0;
	if (t->n) {
		buf_var(out, m);
		bm = out->len;
		kd = bm + (t->n + 7) / 8;
		buf_zero(out, (t->n + 7) / 8 + (m * HVB_REF_KIND_BITS + 7) / 8);
		for (i = m = 0; i < t->n; i++)
			if (t->kind[i]) {
				out->p[bm + i / 8] |= (uint8_t)(1u << (i % 8));
				out->p[kd + m / 2] |= (uint8_t)(t->kind[i] << (m % 2 * HVB_REF_KIND_BITS));
				m++;
			}
	}
	for (i = 0; i < t->n; i++) {
		buf_var(out, t->at[i] - prev);
		prev = (uint64_t)t->at[i] + HVB_REF_FIELD;
	}
	free(t->at);
	free(t->kind);
	memset(t, 0, sizeof(*t));
}

void ref_table(const struct refs *r, uint8_t *buf, uint64_t s, uint64_t len,
	       const struct pvar *v, const struct move *inv, int newside,
	       struct buf *tab, uint32_t **out, size_t *nout)
{
	struct sitetab e = { 0 };
	uint64_t n = 0;
	size_t k;

	for (k = refs_at(r, s); k < r->n && r->s[k].off + HVB_REF_FIELD <= s + len; k++) {
		uint32_t at = (uint32_t)(r->s[k].off - s);
		uint32_t end = r->s[k].tail & HVB_REF_ABS ? 0u - r->wlo :
		    (uint32_t)(s + at + HVB_REF_FIELD + tail_bytes[r->s[k].tail & 3]);
		uint32_t t = ld32(buf + at) + end, x = t;
		int ok = 1;

		if (newside)
			x = moves_back(v->mv, inv, v->nmv, t, &ok);
		/* an absolute address whose target no variant moved is the
		 * same value in base and variants: no site, on either side */
		if (!ok || ((r->s[k].tail & HVB_REF_ABS) && r->moved &&
			    !(r->moved[x / 8] >> (x % 8) & 1)))
			continue;
		st32(buf + at, x);
		if (tab)
			put_site(&e, at, r->s[k].tail);
		if (out) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n] = at | (uint32_t)r->s[k].tail << TAIL_SHIFT;
		}
		n++;
	}
	if (nout)
		*nout = n;
	if (tab)
		sites_put(tab, &e);
}

int ref_prep(const struct refs *br, const struct refs *vr, const struct pvar *v,
	     const struct move *inv, const uint8_t *old, const uint8_t *new_,
	     uint64_t s, uint64_t len, struct cands *c)
{
	if (2 * len > HVB_STUB_SCRATCH)	/* old bytes and their sites */
		return 0;
	c->rold = xmalloc(len);
	c->rnew = xmalloc(len);
	memcpy(c->rold, old, len);
	memcpy(c->rnew, new_, len);
	ref_table(br, c->rold, s, len, NULL, NULL, 0, NULL, &c->osite, &c->nos);
	ref_table(vr, c->rnew, s, len, v, inv, 1, NULL, &c->vsite, &c->nvs);
	return c->nos + c->nvs > 0;
}

static int site_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x & ((1u << TAIL_SHIFT) - 1);
	uint32_t b = *(const uint32_t *)y & ((1u << TAIL_SHIFT) - 1);

	return a < b ? -1 : a > b;
}

/* the first old site at or after offset o */
static size_t first_at(const struct cands *c, size_t o)
{
	size_t lo = 0, hi = c->nos;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if ((c->osite[m] & ((1u << TAIL_SHIFT) - 1)) < o)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* the old sites each COPY op of the stream carries whole, at their new
 * offsets, in order (the ops write the new bytes front to back) */
static size_t inherited(const struct cands *c, uint32_t **out)
{
	const uint8_t *d = c->rops.p;
	size_t pos = 0, n = 0, k, o = 0, p = 0;

	while (pos < c->rops.len) {
		uint64_t v = 0, len;
		unsigned sh = 0;

		do
			v |= (uint64_t)(d[pos] & 0x7f) << sh, sh += 7;
		while (d[pos++] & 0x80);
		len = v >> HVB_OP_SHIFT;
		switch ((unsigned)(v & 3)) {
		case HVB_OP_COPY:
			for (k = first_at(c, o); k < c->nos; k++) {
				uint32_t at = c->osite[k] & ((1u << TAIL_SHIFT) - 1);

				if (at + HVB_REF_FIELD > o + len)
					break;
				{
					*out = xrealloc(*out, (n + 1) * sizeof(**out));
					(*out)[n++] = (uint32_t)(p + at - o) |
					    (c->osite[k] & ~((1u << TAIL_SHIFT) - 1));
				}
			}
			o += len;
			p += len;
			break;
		case HVB_OP_ADD:
			pos += len;
			o += len;
			p += len;
			break;
		case HVB_OP_LIT:
			pos += len;
			p += len;
			break;
		default:
			o = len & 1 ? o - ((len >> 1) + 1) : o + (len >> 1);
		}
	}
	return n;
}

void ref_finish(struct cands *c)
{
	uint32_t *in = NULL;
	size_t nin = inherited(c, &in), i = 0, j = 0, ne = 0;
	struct sitetab ex = { 0 };
	struct buf xc = { 0 };
	uint64_t px = 0;

	if (c->nvs)
		qsort(c->vsite, c->nvs, sizeof(*c->vsite), site_cmp);	/* by offset */
	while (i < nin || j < c->nvs) {	/* both sorted by offset */
		uint32_t a = i < nin ? in[i] & ((1u << TAIL_SHIFT) - 1) : UINT32_MAX;
		uint32_t b = j < c->nvs ? c->vsite[j] & ((1u << TAIL_SHIFT) - 1) : UINT32_MAX;

		if (a == b && in[i] == c->vsite[j]) {
			i++, j++;
		} else if (a <= b) {	/* carried, not a site here: excluded */
			buf_var(&xc, (uint64_t)(a - px));
			px = a + HVB_REF_FIELD;
			ne++;
			i++;
		} else {		/* a site no COPY carried: extra */
			put_site(&ex, b, c->vsite[j] >> TAIL_SHIFT);
			j++;
		}
	}
	sites_put(&c->rtab, &ex);
	buf_var(&c->rtab, ne);
	buf_put(&c->rtab, xc.p, xc.len);
	free(in);
	free(xc.p);
}

/* The base's sites whose 4 bytes lie in the marked work bytes (in), into
 * out: the base's site table (FORMAT.md 3.8).  Absolute sites whose
 * target no variant moved are left out, as ref_table leaves them. */
static void table_of(const struct deltas *d, const uint8_t *in, struct buf *out)
{
	struct sitetab e = { 0 };
	size_t k;

	for (k = 0; k < d->brefs.n; k++) {
		const struct rsite *st = &d->brefs.s[k];
		uint32_t t = ld32(d->bw + st->off) + (st->tail & HVB_REF_ABS ? 0u - d->brefs.wlo :
		    st->off + HVB_REF_FIELD + tail_bytes[st->tail & 3]);

		if (!(in[st->off / 8] >> (st->off % 8) & 1) ||
		    !(in[(st->off + 3) / 8] >> ((st->off + 3) % 8) & 1))
			continue;
		if ((st->tail & HVB_REF_ABS) && !(d->moved[t / 8] >> (t % 8) & 1))
			continue;
		put_site(&e, st->off, st->tail);
	}
	out->len = 0;
	if (e.n)
		sites_put(out, &e);
}

/* the base's table of the regions that want(): in any variant */
static void table_where(const struct packctx *pc, const struct deltas *d,
			int (*want)(const struct deltas *, size_t, size_t, const struct rdelta *),
			struct buf *out)
{
	uint8_t *in = xcalloc(pc->wsize / 8 + 1, 1);
	uint64_t a;
	size_t i, k;

	for (i = 1; i < pc->nv; i++)
		for (k = 0; k < pc->v[i].nr; k++) {
			const struct rdelta *r = &pc->v[i].r[k];

			if (!want(d, i, k, r))
				continue;
			for (a = r->start; a < r->start + r->old_len; a++)
				in[a / 8] |= (uint8_t)(1u << (a % 8));
		}
	table_of(d, in, out);
	free(in);
}

static int stored_refops(const struct deltas *d, size_t i, size_t k, const struct rdelta *r)
{
	(void)d, (void)i, (void)k;
	return r->enc == HVB_ENC_REFOPS;
}

static int framed_refops(const struct deltas *d, size_t i, size_t k, const struct rdelta *r)
{
	(void)r;
	return best_is_ref(&d->cand[i][k]);
}

static int refable(const struct deltas *d, size_t i, size_t k, const struct rdelta *r)
{
	(void)r;
	return d->cand[i][k].rops.len != 0;
}

void base_table(struct packctx *pc, const struct deltas *d)
{
	table_where(pc, d, stored_refops, &pc->btab);
}

void base_table_framed(const struct packctx *pc, const struct deltas *d, struct buf *out)
{
	table_where(pc, d, framed_refops, out);
}

void base_table_refable(const struct packctx *pc, const struct deltas *d, struct buf *out)
{
	table_where(pc, d, refable, out);
}

/* A region in reference space with no op but one LIT of its new bytes:
 * the extras are all its sites, and there is no exclusion. */
void ref_lit_table(const struct cands *c, struct buf *out)
{
	struct sitetab t = { 0 };
	size_t j;

	for (j = 0; j < c->nvs; j++)
		put_site(&t, c->vsite[j] & ((1u << TAIL_SHIFT) - 1), c->vsite[j] >> TAIL_SHIFT);
	sites_put(out, &t);
	buf_var(out, 0);
}
