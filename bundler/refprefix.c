/* refprefix.c: frames against the base in reference space (FORMAT.md
 * 3.3, HVB_VF_REFPREFIX).  A variant's changed code holds calls, jumps
 * and RIP-relative operands whose fields differ from the base's even
 * where the instructions are the same, because what they are relative to
 * moved.  In reference space each field holds what it points at, and the
 * base's matching code reads the same: so every region that has sites is
 * stored in that space (its ops there, or one LIT of its new bytes with
 * all its sites extra: frame.c best_part), compressed against the work
 * area with the base's site table turned into that space too.  It pays when the frames shrink by more than the
 * base's table grows (it must then hold the sites of every such region),
 * and by at least a byte for every two sites the stub turns: it walks
 * the table twice, about 40 instructions a site each time.  So our
 * kernel takes them (issue 9's images: 10,341 to 10,053 B of frames and
 * table, 302 sites), Linux does not (353,926 to 339,393 B, but 62,000
 * sites: kvm's stub 23.6 to 31.9 million instructions). */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

/* Only when every variant is a frame either way: then the regions in
 * reference space are exactly those base_table will list. */
void refprefix_choose(struct packctx *pc, struct deltas *d)
{
	struct buf tab = { 0 }, plain = { 0 }, *z = xcalloc(pc->nv, sizeof(*z));
	size_t *raw = xcalloc(pc->nv, sizeof(*raw)), i;
	int *cols = xcalloc(pc->nv, sizeof(*cols));
	int force = pc->refprefix >= 0 ? pc->refprefix : pack_forced("HVB_PACK_REFPREFIX");
	int ok = force != 0;
	uint64_t was = 0, now = 0, sites = 0;
	uint8_t *rb = NULL;

	for (i = 1; i < pc->nv && ok; i++)
		ok = frame_fits(pc, d, i, d->frame[i].len, d->frame_raw[i]);
	if (ok) {
		base_table_refable(pc, d, &tab);
		ok = tab.len != 0;
	}
	if (ok) {
		rb = xmalloc(pc->wsize);
		memcpy(rb, d->bw, pc->wsize);
		sites = ~0ull;
		ok = !hvb_base_refs_turn(tab.p, tab.len, rb, pc->wsize, d->brefs.wlo, 0, &sites);
	}
	for (i = 1; i < pc->nv && ok; i++) {
		progress("reference-space frames", i, pc->nv - 1);
		raw[i] = frame_pick(pc, d, i, 1, rb, &z[i], &cols[i]);
		ok = frame_fits(pc, d, i, z[i].len, raw[i]);
		was += d->frame[i].len;
		now += z[i].len;
	}
	if (ok) {
		base_table_framed(pc, d, &plain);
		was += plain.len;
		now += tab.len;
		ok = force == 1 || (now < was && 2 * (was - now) >= sites);
		if (verbose)
			warnx_("frames against the base in reference space: %llu B with "
			       "the base's site table, against %llu B, the stub turning "
			       "%llu sites: %s", (unsigned long long)now,
			       (unsigned long long)was, (unsigned long long)sites,
			       ok ? "kept" : "not kept");
	}
	for (i = 1; i < pc->nv; i++) {
		if (ok) {
			free(d->frame[i].p);
			d->frame[i] = z[i];
			d->frame_raw[i] = raw[i];
			d->frame_cols[i] = cols[i];
		} else
			free(z[i].p);
	}
	d->refprefix = ok;
	if (ok)
		d->reftab = tab;
	else
		free(tab.p);
	free(plain.p);
	free(rb);
	free(z);
	free(raw);
	free(cols);
}

/* the base's table that pack stores is the one the frames were made
 * against; 0, or -1 after a message */
int refprefix_check(const struct packctx *pc, const struct deltas *d)
{
	if (!d->refprefix || (pc->btab.len == d->reftab.len &&
			      !memcmp(pc->btab.p, d->reftab.p, d->reftab.len)))
		return 0;
	warnx_("internal error: the base's site table differs from the one "
	       "the reference-space frames were made against");
	return -1;
}
