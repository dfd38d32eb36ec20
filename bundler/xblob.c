/* xblob.c: the extract data (FORMAT.md section 4): what `extract` needs
 * beyond the loaded images to rebuild every input file byte for byte.
 * Written by pack, parsed by extract, verify and list. */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "bundler.h"
#include "hvb_hash.h"

static int seg_cmp(const void *x, const void *y)
{
	const struct seg *a = x, *b = y;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* the file bytes no PT_LOAD carries, in file order (of file, the
 * variant's file or a copy of it); the segment table */
static void residual(struct pvar *v, const uint8_t *file, uint64_t w0, struct buf *raw)
{
	const struct image *im = &v->im;
	struct seg *s = xmalloc(im->nloads * sizeof(*s));
	uint64_t pos = 0;
	size_t i, n = 0;

	for (i = 0; i < im->nloads; i++)
		if (im->loads[i].filesz)
			s[n++] = im->loads[i];
	qsort(s, n, sizeof(*s), seg_cmp);
	v->segs.len = 0;
	for (i = 0; i < n; i++) {
		uint8_t *e;

		if (s[i].offset > pos)
			buf_put(raw, file + pos, s[i].offset - pos);
		if (s[i].offset + s[i].filesz > pos)
			pos = s[i].offset + s[i].filesz;
		buf_zero(&v->segs, HVB_XSEG_ENTRY_SIZE);
		e = v->segs.p + v->segs.len - HVB_XSEG_ENTRY_SIZE;
		st64(e + HVB_XS_FILE_OFF, s[i].offset);
		st64(e + HVB_XS_WORK_OFF, s[i].load - w0);
		st64(e + HVB_XS_LEN, s[i].filesz);
	}
	if (im->filesize > pos)
		buf_put(raw, file + pos, im->filesize - pos);
	v->nsegs = (uint32_t)n;
	free(s);
}

/* keep the smallest of the candidates a store_residual measured */
static void keep(struct buf *best, uint32_t *comp, const struct buf *z,
		 uint32_t c)
{
	if (z->len && z->len < best->len) {
		best->len = 0;
		buf_put(best, z->p, z->len);
		*comp = c;
	}
}

/* the residual with the variant's symbols in base coordinates (symnorm.c)
 * in its cut form (symsplit.c), zstd against the base's residual (z3) */
static size_t residual_syms(struct packctx *pc, struct pvar *v,
			    const struct buf *braw, struct buf *z3)
{
	uint8_t *f = xmalloc(v->im.filesize ? v->im.filesize : 1);
	struct buf exc = { 0 }, raw = { 0 }, cut = { 0 }, segs = v->segs;
	uint64_t roff;
	uint32_t nsym;
	size_t n = 0;

	memcpy(f, v->im.file, v->im.filesize);
	if (!symsplit_locate(&v->im, &segs, &roff, &nsym) &&
	    !symnorm_take(&v->im, f, v->im.filesize, pc->v[0].im.file, pc->v[0].im.filesize,
			  pc->w0, pc->wsize, v->mv, v->nmv, &exc)) {
		memset(&v->segs, 0, sizeof(v->segs));
		residual(v, f, pc->w0, &raw);	/* the same length, other bytes */
		free(v->segs.p);
		symcut(&raw, roff, exc.p, (uint32_t)(exc.len / 4), &cut);
		if (verbose)
			warnx_("%s: %llu of its symbols kept as they are", v->name,
			       (unsigned long long)(exc.len / 4));
		n = zs_compress_big(cut.p, cut.len, z3, braw->p, braw->len);
		n = n ? z3->len : 0;
	}
	v->segs = segs;
	free(exc.p);
	free(raw.p);
	free(cut.p);
	free(f);
	return n;
}

/* the base's residual in its plane form (symsplit.c), zstd, if smaller */
static void residual_planes(struct pvar *v, const struct buf *raw, uint64_t roff,
			    uint32_t n, struct buf *z)
{
	struct buf pl = { 0 };

	symplanes(raw, roff, n, &pl);
	z->len = 0;
	zs_compress_big(pl.p, pl.len, z, NULL, 0);
	keep(&v->res, &v->rcomp, z, HVB_XCOMP_ZSTD_PLANES);
	free(pl.p);
}

/* store the residual raw, zstd, or zstd against the base's residual (also
 * with the symbol values in base coordinates, symnorm.c); or, where it has
 * a symbol table, its split form (symsplit.c) with zstd, alone or against
 * the base's split form, or (the base) its plane form: whichever is
 * smallest.  bsplit is the base's split
 * form when the base is stored split, else empty. */
static void store_residual(struct packctx *pc, struct pvar *v, const struct buf *raw,
			   const struct buf *braw, const struct buf *bsplit,
			   struct buf *split, int zstd)
{
	struct buf z = { 0 };
	uint64_t roff;
	uint32_t n;

	v->res_len = raw->len;
	v->res.len = 0;
	v->rcomp = HVB_XCOMP_NONE;
	buf_put(&v->res, raw->p, raw->len);
	split->len = 0;
	if (!zstd || !raw->len)
		return;
	if (!symsplit_locate(&v->im, &v->segs, &roff, &n)) {
		symsplit(raw, roff, n, split);
		zs_compress_big(split->p, split->len, &z, NULL, 0);
		keep(&v->res, &v->rcomp, &z, HVB_XCOMP_ZSTD_SPLIT);
		if (!bsplit)	/* the base: its plane form too */
			residual_planes(v, raw, roff, n, &z);
		if (bsplit && bsplit->len) {
			z.len = 0;
			zs_compress_big(split->p, split->len, &z, bsplit->p, bsplit->len);
			keep(&v->res, &v->rcomp, &z, HVB_XCOMP_ZSTD_SPLIT_BASE);
		}
	}
	z.len = 0;
	zs_compress_big(raw->p, raw->len, &z, NULL, 0);
	keep(&v->res, &v->rcomp, &z, HVB_XCOMP_ZSTD);
	if (braw && braw->len) {
		z.len = 0;
		zs_compress_big(raw->p, raw->len, &z, braw->p, braw->len);
		keep(&v->res, &v->rcomp, &z, HVB_XCOMP_ZSTD_BASE);
		z.len = 0;
		if (residual_syms(pc, v, braw, &z))
			keep(&v->res, &v->rcomp, &z, HVB_XCOMP_ZSTD_BASE_SYMS);
	}
	free(z.p);
}

static void put_xentry(uint8_t *e, const struct pvar *v, size_t soff,
		       size_t doff)
{
	int k;

	strncpy((char *)e + HVB_XE_NAME, v->name, HVB_NAME_SIZE);
	st64(e + HVB_XE_FILE_SIZE, v->im.filesize);
	st64(e + HVB_XE_FILE_HASH, hvb_hash64(v->im.file, v->im.filesize));
	st64(e + HVB_XE_SEGS_OFF, soff);
	st32(e + HVB_XE_NSEGS, v->nsegs);
	st32(e + HVB_XE_RES_COMP, v->rcomp);
	st64(e + HVB_XE_RES_LEN, v->res_len);
	st64(e + HVB_XE_DATA_OFF, doff);
	st64(e + HVB_XE_DATA_LEN, v->res.len);
	for (k = 0; k < K_NKINDS; k++) {
		st32(e + HVB_XE_TOTALS + 4 * k, v->st.total[k]);
		st32(e + HVB_XE_DIFFER + 4 * k, v->st.differ[k]);
	}
	st64(e + HVB_XE_BYTES_DIFFER, v->bytes_differ);
	st64(e + HVB_XE_REGIONS, v->nr);
	st64(e + HVB_XE_DELTA_RAW, v->delta_raw);
	st64(e + HVB_XE_DELTA_ZSTD, v->delta_zstd);
	st64(e + HVB_XE_DELTA_PREFIX, v->delta_prefix);
	for (k = 0; k < CL_N; k++) {
		st32(e + HVB_XE_CLASS_FUNCS + 4 * k, v->cl.n[K_FUNC][k]);
		st32(e + HVB_XE_CLASS_OBJS + 4 * k, v->cl.n[K_OBJECT][k]);
	}
	for (k = 0; k <= CL_N; k++)
		st64(e + HVB_XE_CLASS_DELTA + 8 * k, v->cl.delta[k]);
	st64(e + HVB_XE_CHANGED_BYTES, v->cl.changed_bytes);
	st64(e + HVB_XE_FLOOR, v->cl.floor);
	st64(e + HVB_XE_FRAME_PLAIN, v->cl.frame_plain);
	st64(e + HVB_XE_FRAME_REF, v->cl.frame_ref);
}

static void put_xheader(uint8_t *h, size_t size, size_t n, uint64_t payload_hash)
{
	memcpy(h + HVB_XH_MAGIC, HVB_XBLOB_MAGIC, sizeof(HVB_XBLOB_MAGIC) - 1);
	st32(h + HVB_XH_VERSION, HVB_XBLOB_VERSION);
	st32(h + HVB_XH_HDR_SIZE, HVB_XBLOB_HDR_SIZE);
	st64(h + HVB_XH_SIZE, size);
	st32(h + HVB_XH_NENTRIES, (uint32_t)n);
	st32(h + HVB_XH_ENTSIZE, HVB_XBLOB_ENTRY_SIZE);
	st64(h + HVB_XH_TABLE_OFF, HVB_XBLOB_HDR_SIZE);
	st64(h + HVB_XH_PAYLOAD_HASH, payload_hash);
	st64(h + HVB_XH_HASH, hvb_hash64(h + HVB_XH_HASHED_FROM,
					 size - HVB_XH_HASHED_FROM));
}

void xblob_build(struct packctx *pc, uint64_t payload_hash, struct buf *out)
{
	struct buf braw = { 0 }, bsplit = { 0 };
	size_t i;

	for (i = 0; i < pc->nv; i++) {
		struct buf raw = { 0 }, split = { 0 };

		residual(&pc->v[i], pc->v[i].im.file, pc->w0, &raw);
		store_residual(pc, &pc->v[i], &raw, i ? &braw : NULL,
			       i ? &bsplit : NULL, &split, pc->xcompress);
		if (i == 0) {
			braw = raw;
			if (pc->v[0].rcomp == HVB_XCOMP_ZSTD_SPLIT)
				bsplit = split;
			else
				free(split.p);
		} else {
			free(raw.p);
			free(split.p);
		}
	}
	free(braw.p);
	free(bsplit.p);
	out->len = 0;
	buf_zero(out, HVB_XBLOB_HDR_SIZE + pc->nv * HVB_XBLOB_ENTRY_SIZE);
	for (i = 0; i < pc->nv; i++) {
		struct pvar *v = &pc->v[i];
		size_t soff = out->len, doff;

		buf_put(out, v->segs.p, v->segs.len);
		doff = out->len;
		buf_put(out, v->res.p, v->res.len);
		put_xentry(out->p + HVB_XBLOB_HDR_SIZE + i * HVB_XBLOB_ENTRY_SIZE,
			   v, soff, doff);
	}
	put_xheader(out->p, out->len, pc->nv, payload_hash);
}

/* ---- reading ---- */

static int xheader_ok(struct bundle *b, uint64_t *size)
{
	const uint8_t *x = b->xblob;
	uint64_t tab;
	uint32_t n;

	if (!x) {
		ferr(b->path, "no extract data (%s section missing)", HVB_SEC_EXTRACT);
		return 0;
	}
	if (b->xblob_size < HVB_XBLOB_HDR_SIZE ||
	    memcmp(x + HVB_XH_MAGIC, HVB_XBLOB_MAGIC, sizeof(HVB_XBLOB_MAGIC) - 1)) {
		ferr(b->path, "extract data: bad magic");
		return 0;
	}
	if (ld32(x + HVB_XH_VERSION) != HVB_XBLOB_VERSION) {
		ferr(b->path, "extract data: unsupported version: it is version %u, "
		     "this bundler reads version %u only (pack the images again)",
		     ld32(x + HVB_XH_VERSION), HVB_XBLOB_VERSION);
		return 0;
	}
	*size = ld64(x + HVB_XH_SIZE);
	if (*size > b->xblob_size || *size < HVB_XBLOB_HDR_SIZE) {
		ferr(b->path, "extract data: truncated");
		return 0;
	}
	if (hvb_hash64(x + HVB_XH_HASHED_FROM, *size - HVB_XH_HASHED_FROM) !=
	    ld64(x + HVB_XH_HASH)) {
		ferr(b->path, "extract data: hash mismatch (corrupt)");
		return 0;
	}
	n = ld32(x + HVB_XH_NENTRIES);
	tab = ld64(x + HVB_XH_TABLE_OFF);
	if (n == 0 || n > HVB_MAX_VARIANTS ||
	    ld32(x + HVB_XH_ENTSIZE) != HVB_XBLOB_ENTRY_SIZE || tab > *size ||
	    (uint64_t)n * HVB_XBLOB_ENTRY_SIZE > *size - tab) {
		ferr(b->path, "extract data: bad table");
		return 0;
	}
	return 1;
}

static void rd_xentry(const uint8_t *e, struct xvariant *v)
{
	int k;

	memcpy(v->name, e + HVB_XE_NAME, HVB_NAME_SIZE);
	v->name[HVB_NAME_MAX] = 0;
	v->file_size = ld64(e + HVB_XE_FILE_SIZE);
	v->file_hash = ld64(e + HVB_XE_FILE_HASH);
	v->segs_off = ld64(e + HVB_XE_SEGS_OFF);
	v->nsegs = ld32(e + HVB_XE_NSEGS);
	v->comp = ld32(e + HVB_XE_RES_COMP);
	v->res_len = ld64(e + HVB_XE_RES_LEN);
	v->data_off = ld64(e + HVB_XE_DATA_OFF);
	v->data_len = ld64(e + HVB_XE_DATA_LEN);
	for (k = 0; k < K_NKINDS; k++) {
		v->total[k] = ld32(e + HVB_XE_TOTALS + 4 * k);
		v->differ[k] = ld32(e + HVB_XE_DIFFER + 4 * k);
	}
	v->bytes_differ = ld64(e + HVB_XE_BYTES_DIFFER);
	v->regions = ld64(e + HVB_XE_REGIONS);
	v->delta_raw = ld64(e + HVB_XE_DELTA_RAW);
	v->delta_zstd = ld64(e + HVB_XE_DELTA_ZSTD);
	v->delta_prefix = ld64(e + HVB_XE_DELTA_PREFIX);
	for (k = 0; k < CL_N; k++) {
		v->cl.n[K_FUNC][k] = ld32(e + HVB_XE_CLASS_FUNCS + 4 * k);
		v->cl.n[K_OBJECT][k] = ld32(e + HVB_XE_CLASS_OBJS + 4 * k);
	}
	for (k = 0; k <= CL_N; k++)
		v->cl.delta[k] = ld64(e + HVB_XE_CLASS_DELTA + 8 * k);
	v->cl.changed_bytes = ld64(e + HVB_XE_CHANGED_BYTES);
	v->cl.floor = ld64(e + HVB_XE_FLOOR);
	v->cl.frame_plain = ld64(e + HVB_XE_FRAME_PLAIN);
	v->cl.frame_ref = ld64(e + HVB_XE_FRAME_REF);
}

static int xentry_ok(const struct xvariant *v, uint64_t size)
{
	return v->segs_off <= size && v->nsegs <= size / HVB_XSEG_ENTRY_SIZE &&
	    (uint64_t)v->nsegs * HVB_XSEG_ENTRY_SIZE <= size - v->segs_off &&
	    v->data_off <= size && v->data_len <= size - v->data_off &&
	    v->comp <= HVB_XCOMP_ZSTD_PLANES && v->file_size <= (1ull << 32) &&
	    v->res_len <= v->file_size &&
	    (v->comp != HVB_XCOMP_NONE || v->data_len == v->res_len);
}

int xblob_parse(struct bundle *b)
{
	uint64_t size, tab;
	uint32_t n, i;

	if (b->xv)
		return 0;
	if (!xheader_ok(b, &size))
		return -1;
	n = ld32(b->xblob + HVB_XH_NENTRIES);
	tab = ld64(b->xblob + HVB_XH_TABLE_OFF);
	b->xv = xcalloc(n, sizeof(struct xvariant));
	b->nx = n;
	for (i = 0; i < n; i++) {
		rd_xentry(b->xblob + tab + (uint64_t)i * HVB_XBLOB_ENTRY_SIZE, &b->xv[i]);
		if (!xentry_ok(&b->xv[i], size)) {
			ferr(b->path, "extract data: bad entry %u", i);
			free(b->xv);
			b->xv = NULL;
			b->nx = 0;
			return -1;
		}
	}
	return 0;
}

uint64_t xblob_payload_hash(const struct bundle *b)
{
	return ld64(b->xblob + HVB_XH_PAYLOAD_HASH);
}

/* residual compression 5: the variant's residual (v->res_len bytes, into
 * r) from its frame against the base's residual, and the listed entries'
 * indices (*exc, malloc'd, *nexc of them) if exc is not NULL.  The frame's
 * content is the cut form (symsplit.c): the head, then exactly the
 * residual's bytes; -1 if it is not. */
int xblob_syms(const struct xvariant *v, const uint8_t *d, const uint8_t *base,
	       uint64_t blen, uint8_t *r, uint8_t **exc, uint32_t *nexc)
{
	unsigned long long n = ZSTD_getFrameContentSize(d, v->data_len);
	uint8_t *t, *x = NULL;
	uint32_t m = 0;
	int rc;

	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n < v->res_len ||
	    n - v->res_len > 20 + 5 * (v->res_len / HVB_XSPLIT_SYM_SIZE))
		return -1;
	t = xmalloc(n ? n : 1);
	rc = zs_decompress(d, v->data_len, t, n, base, blen) ||
	    symuncut(t, n, r, v->res_len, &x, &m) ? -1 : 0;
	free(t);
	if (!rc && exc) {
		*exc = x;
		*nexc = m;
	} else {
		free(x);
	}
	return rc;
}
