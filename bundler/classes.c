/* classes.c: what every differing byte is (issue 9, item 4).  Each
 * function and object of a variant against the base: identical,
 * identical once its references are resolved (rel32 and RIP-relative
 * targets compared in reference space, through the move table: code that
 * only moved, or whose callees or data moved), truly changed, or only in
 * one image.  Then how many stored delta bytes each class costs, and the
 * floor: zstd -19 of the truly changed bytes (and the variant's own). */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

const char *const class_name[CL_N] = { "identical", "ref_identical", "changed",
	"only_in_one" };

/* equal once both sides' references are in reference space */
static int ref_equal(const struct clsin *in, uint64_t ba, uint64_t va, uint64_t n)
{
	uint8_t *x = xmalloc(n), *y = xmalloc(n);
	int eq;

	memcpy(x, in->bw + ba, n);
	memcpy(y, in->vw + va, n);
	ref_table(in->br, x, ba, n, in->v, in->inv, 0, NULL, NULL, NULL);
	ref_table(in->vr, y, va, n, in->v, in->inv, 1, NULL, NULL, NULL);
	eq = !memcmp(x, y, n);
	free(x);
	free(y);
	return eq;
}

/* the class of one differing pair, or single */
static int pair_class(const struct clsin *in, const struct symdiff *d)
{
	uint64_t ba, va;

	if (!d->a || !d->b)
		return CL_ONLY;
	if (d->a->size != d->b->size)
		return CL_CHANGED;
	ba = img_v2l(in->b, d->a->addr) - in->w0;
	va = img_v2l(&in->v->im, d->b->addr) - in->w0;
	if (ba >= in->wsize || va >= in->wsize || d->a->size > in->wsize - ba ||
	    d->a->size > in->wsize - va)
		return CL_CHANGED;
	return ref_equal(in, ba, va, d->a->size) ? CL_REFSAME : CL_CHANGED;
}

static void mark(uint8_t *cls, uint64_t wsize, uint64_t a, uint64_t n, int c)
{
	if (a < wsize)
		memset(cls + a, c, n > wsize - a ? wsize - a : n);
}

/* Classify, fill out's counts and floor; cls (wsize bytes) gets each work
 * byte's class (CL_N: no symbol) for classes_delta. */
void classify(const struct clsin *in, struct classes *out, uint8_t *cls)
{
	const struct image *vi = &in->v->im;
	const struct diffstat *st = &in->v->st;
	struct buf chg = { 0 }, z = { 0 };
	size_t i;
	int k;

	memset(out, 0, sizeof(*out));
	memset(cls, CL_N, in->wsize);
	for (i = 0; i < vi->nsyms; i++)
		mark(cls, in->wsize, img_v2l(vi, vi->syms[i].addr) - in->w0,
		     vi->syms[i].size, CL_SAME);
	for (k = 0; k < 2; k++)
		out->n[k][CL_SAME] = st->total[k] - st->differ[k];
	for (i = 0; i < st->nd; i++) {
		const struct symdiff *d = &st->d[i];
		const struct sym *s = d->b ? d->b : d->a;
		const struct image *im = d->b ? vi : in->b;
		uint64_t at;
		int c;

		if (s->kind == K_SECTION)
			continue;
		c = pair_class(in, d);
		out->n[s->kind][c]++;
		at = img_v2l(im, s->addr) - in->w0;
		if (d->b || cls[at < in->wsize ? at : 0] == CL_N)
			mark(cls, in->wsize, at, s->size, c);
		if (d->b && c != CL_REFSAME && at < in->wsize &&
		    s->size <= in->wsize - at)
			buf_put(&chg, in->vw + at, s->size);
	}
	out->changed_bytes = chg.len;
	out->floor = chg.len ? zs_compress(chg.p, chg.len, &z, NULL, 0) : 0;
	free(chg.p);
	free(z.p);
}

/* each region's stored bytes shared out over its classes, by bytes */
void classes_delta(const uint8_t *cls, uint64_t wsize, const struct rdelta *r,
		   size_t nr, struct classes *out)
{
	size_t k;

	for (k = 0; k < nr; k++) {
		uint64_t cnt[CL_N + 1] = { 0 }, len = r[k].old_len > r[k].new_len ?
		    r[k].old_len : r[k].new_len, j, given = 0;
		int c, top = 0;

		for (j = r[k].start; j < r[k].start + len && j < wsize; j++)
			cnt[cls[j]]++;
		for (c = 0; c <= CL_N; c++) {
			uint64_t share = len ? r[k].data.len * cnt[c] / len : 0;

			out->delta[c] += share;
			given += share;
			if (cnt[c] > cnt[top])
				top = c;
		}
		out->delta[top] += r[k].data.len - given;	/* rounding */
	}
}

/* The classes of image b against a (bundler diff), over a work area that
 * holds both: st is diff_symbols' result.  0, or -1 after a message. */
int classes_of(const struct image *a, const struct image *b,
	       const struct diffstat *st, struct classes *out)
{
	uint64_t w0 = a->lo < b->lo ? a->lo : b->lo;
	uint64_t end = a->memend > b->memend ? a->memend : b->memend;
	struct pvar v = { 0 };
	struct refs ra, rb;
	struct clsin in;
	uint8_t *aw, *bw, *cls;
	int rc = -1;

	if (end - w0 > (1ull << 32)) {
		warnx_("%s, %s: loaded 4 GiB or more apart; no classes", a->path, b->path);
		return -1;
	}
	aw = xmalloc(end - w0);
	bw = xmalloc(end - w0);
	cls = xmalloc(end - w0);
	img_fill(a, aw, w0, end - w0);
	img_fill(b, bw, w0, end - w0);
	v.im = *b;
	v.st = *st;
	if (!refs_scan(a, aw, w0, end - w0, &ra)) {
		if (!refs_scan(b, bw, w0, end - w0, &rb)) {
			struct move *inv;

			v.nmv = moves_build(a, b, w0, st, &v.mv);
			inv = moves_inverse(v.mv, v.nmv);
			in = (struct clsin){ a, &v, w0, end - w0, aw, bw, &ra, &rb, inv };
			classify(&in, out, cls);
			free(inv);
			free(v.mv);
			refs_free(&rb);
			rc = 0;
		}
		refs_free(&ra);
	}
	free(aw);
	free(bw);
	free(cls);
	return rc;
}
