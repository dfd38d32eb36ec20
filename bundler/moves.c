/* moves.c: a variant's move table (FORMAT.md 3.3): where its functions,
 * objects and sections lie against the same ones of the base, as
 * {base offset, length, delta} pieces, sorted and disjoint.  The applier
 * re-resolves every reference-space value through it; with a shared
 * layout it is empty. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

struct mvs {
	struct move *m;
	size_t n;
};

static void mv_add(struct mvs *v, uint64_t s, uint64_t len, uint32_t d)
{
	if (!len || s > 0xffffffffu || len > 0xffffffffu - s)
		return;
	v->m = xrealloc(v->m, (v->n + 1) * sizeof(*v->m));
	v->m[v->n++] = (struct move){ (uint32_t)s, (uint32_t)len, d };
}

static int mv_cmp(const void *x, const void *y)
{
	const struct move *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* sorted, the overlapping ones dropped, neighbours of one delta joined */
static void mv_norm(struct mvs *v)
{
	size_t i, k = 0;

	if (v->n)
		qsort(v->m, v->n, sizeof(*v->m), mv_cmp);
	for (i = 0; i < v->n; i++) {
		struct move *p = k ? &v->m[k - 1] : NULL;

		if (p && v->m[i].start < p->start + p->len)
			continue;
		if (p && p->delta == v->m[i].delta)
			p->len = v->m[i].start + v->m[i].len - p->start;
		else
			v->m[k++] = v->m[i];
	}
	v->n = k;
}

/* the part of [s, e) that no piece of v covers, as pieces of delta d */
static void mv_fill(const struct mvs *v, struct mvs *out, uint64_t s, uint64_t e,
		    uint32_t d)
{
	size_t i;

	for (i = 0; i < v->n && s < e; i++) {
		uint64_t a = v->m[i].start, b = a + v->m[i].len;

		if (b <= s)
			continue;
		if (a >= e)
			break;
		if (a > s)
			mv_add(out, s, a - s, d);
		s = b;
	}
	if (s < e)
		mv_add(out, s, e - s, d);
}

/* Pieces for every function and object that lies elsewhere in the
 * variant, then for the rest of every moved section. */
size_t moves_build(const struct image *b, const struct image *v, uint64_t w0,
		   const struct diffstat *st, struct move **out)
{
	struct mvs sy = { 0 }, se = { 0 }, fill = { 0 };
	size_t i;

	for (i = 0; i < st->nd; i++) {
		const struct symdiff *d = &st->d[i];
		uint64_t ba, va;

		if (!d->a || !d->b || !(d->flags & D_MOVED))
			continue;
		ba = img_v2l(b, d->a->addr) - w0;
		va = img_v2l(v, d->b->addr) - w0;
		if (ba == va)
			continue;
		mv_add(d->a->kind == K_SECTION ? &se : &sy, ba, d->a->size,
		       (uint32_t)(va - ba));
	}
	mv_norm(&sy);
	for (i = 0; i < se.n; i++)
		mv_fill(&sy, &fill, se.m[i].start, (uint64_t)se.m[i].start + se.m[i].len,
			se.m[i].delta);
	for (i = 0; i < fill.n; i++)
		mv_add(&sy, fill.m[i].start, fill.m[i].len, fill.m[i].delta);
	free(se.m);
	free(fill.m);
	mv_norm(&sy);
	*out = sy.m;
	return sy.n;
}

/* the delta of the piece covering base offset x, 0 if none (as the
 * applier looks it up) */
uint32_t moves_delta(const struct move *m, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t k = lo + (hi - lo) / 2;

		if (x < m[k].start)
			hi = k;
		else if (x - m[k].start >= m[k].len)
			lo = k + 1;
		else
			return m[k].delta;
	}
	return 0;
}

static int inv_cmp(const void *x, const void *y)
{
	const struct move *a = x, *b = y;
	uint32_t sa = a->start + a->delta, sb = b->start + b->delta;

	return sa < sb ? -1 : sa > sb;
}

/* the pieces sorted by where they lie in the variant, for moves_back */
struct move *moves_inverse(const struct move *m, size_t n)
{
	struct move *inv = xmalloc((n ? n : 1) * sizeof(*inv));

	if (n) {
		memcpy(inv, m, n * sizeof(*inv));
		qsort(inv, n, sizeof(*inv), inv_cmp);
	}
	return inv;
}

/* A variant's target t in base coordinates: x with x + delta(x) == t as
 * the applier resolves it, with *ok set; *ok clear when there is none. */
uint32_t moves_back(const struct move *m, const struct move *inv, size_t n,
		    uint32_t t, int *ok)
{
	size_t lo = 0, hi = n;

	*ok = 1;
	while (lo < hi) {	/* the last piece starting at or below t */
		size_t k = lo + (hi - lo) / 2;

		if (inv[k].start + inv[k].delta <= t)
			lo = k + 1;
		else
			hi = k;
	}
	if (lo) {
		const struct move *p = &inv[lo - 1];
		uint32_t x = t - p->delta;

		if (x - p->start < p->len && moves_delta(m, n, x) == p->delta)
			return x;
	}
	if (moves_delta(m, n, t) == 0)
		return t;
	*ok = 0;
	return 0;
}
