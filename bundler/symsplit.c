/* symsplit.c: the extract data's split residual (FORMAT.md section 4,
 * residual compressions 3 and 4).  A symbol entry's st_name is an offset
 * into the string table, so one name more in a variant changes the
 * st_name of every entry after it, and every 24-byte entry differs from
 * the base's.  The split form moves the st_name fields out of the entries
 * (left as zero) to the end of the residual, each as the difference from
 * the entry before's: what differs is then one entry and one difference
 * per name added, and the rest matches the base.  Host only. */
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include "bundler.h"

#define SYM_SIZE	HVB_XSPLIT_SYM_SIZE
#define TRAILER		HVB_XSPLIT_TRAILER_SIZE

/* Where im's .symtab lies in its residual (the bytes no segment of segs
 * covers, in file order): 0 with *roff and *n set, -1 if it has none of
 * 64-bit entries or a segment overlaps it. */
int symsplit_locate(const struct image *im, const struct buf *segs,
		    uint64_t *roff, uint32_t *n)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	uint64_t before = 0;
	size_t i;

	while ((scn = elf_nextscn(im->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	if (!scn || sh.sh_entsize != SYM_SIZE || !sh.sh_size ||
	    sh.sh_size % SYM_SIZE || sh.sh_size / SYM_SIZE > UINT32_MAX ||
	    sh.sh_offset > im->filesize || sh.sh_size > im->filesize - sh.sh_offset)
		return -1;
	for (i = 0; i + HVB_XSEG_ENTRY_SIZE <= segs->len; i += HVB_XSEG_ENTRY_SIZE) {
		uint64_t off = ld64(segs->p + i + HVB_XS_FILE_OFF);
		uint64_t len = ld64(segs->p + i + HVB_XS_LEN);

		if (off + len <= sh.sh_offset)
			before += len;
		else if (off < sh.sh_offset + sh.sh_size)
			return -1;
	}
	*roff = sh.sh_offset - before;
	*n = (uint32_t)(sh.sh_size / SYM_SIZE);
	return 0;
}

/* out = the residual with st_name zeroed in its n entries at roff, then
 * their st_name differences (u32 each), then {u64 roff, u32 n} */
/* the trailer both forms end with: where the entries are, how many */
static void put_trailer(struct buf *out, uint64_t roff, uint32_t n)
{
	uint8_t t[TRAILER];

	st64(t + HVB_XT_SYMTAB_OFF, roff);
	st32(t + HVB_XT_NSYMS, n);
	buf_put(out, t, sizeof(t));
}

void symsplit(const struct buf *raw, uint64_t roff, uint32_t n, struct buf *out)
{
	uint32_t i, prev = 0;

	out->len = 0;
	buf_put(out, raw->p, raw->len);
	for (i = 0; i < n; i++) {
		uint8_t *e = out->p + roff + (uint64_t)i * SYM_SIZE, d[4];
		uint32_t name = ld32(e);

		st32(d, name - prev);
		prev = name;
		memset(e, 0, 4);
		buf_put(out, d, 4);
	}
	put_trailer(out, roff, n);
}

/* the residual (rlen bytes, into raw) from its split form t: -1 unless t
 * is exactly rlen bytes, n differences and the trailer, the entries lie
 * inside, and their st_name fields are zero */
int symjoin(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen)
{
	uint64_t roff;
	uint32_t n, i, name = 0;

	if (tlen < rlen + TRAILER)
		return -1;
	roff = ld64(t + tlen - TRAILER + HVB_XT_SYMTAB_OFF);
	n = ld32(t + tlen - TRAILER + HVB_XT_NSYMS);
	if (tlen - rlen - TRAILER != (uint64_t)n * 4 || roff > rlen ||
	    (uint64_t)n * SYM_SIZE > rlen - roff)
		return -1;
	memcpy(raw, t, rlen);
	for (i = 0; i < n; i++) {
		uint8_t *e = raw + roff + (uint64_t)i * SYM_SIZE;

		if (ld32(e))
			return -1;
		name += ld32(t + rlen + 4 * (uint64_t)i);
		st32(e, name);
	}
	return 0;
}

/* The plane form (residual compression 6): the split form's idea taken
 * further.  A symbol table is columns (name, info, other, section index,
 * value, size) whose bytes compress best apart: each entry's st_name
 * becomes the difference from the entry before's, then the n entries are
 * stored as planes, in place: for each byte of an entry (the section
 * index as one 2-byte unit) that byte of every entry, in order.  The
 * residual keeps its length; the trailer {u64 roff, u32 n} follows.
 * Linux 6.1 tinyconfig native: 231,006 bytes split, 214,167 as planes. */
static const uint8_t plane_w[] = { 1, 1, 1, 1, 1, 1, 2,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

/* entries (n of them) to planes, or planes back to entries: src to dst */
static void planes_move(const uint8_t *src, uint8_t *dst, uint32_t n, int to_planes)
{
	size_t u, off = 0;
	uint32_t i;

	for (u = 0; u < sizeof(plane_w); off += plane_w[u++])
		for (i = 0; i < n; i++) {
			uint64_t col = (uint64_t)n * off + (uint64_t)i * plane_w[u];
			uint64_t ent = (uint64_t)i * SYM_SIZE + off;

			if (to_planes)
				memcpy(dst + col, src + ent, plane_w[u]);
			else
				memcpy(dst + ent, src + col, plane_w[u]);
		}
}

void symplanes(const struct buf *raw, uint64_t roff, uint32_t n, struct buf *out)
{
	uint8_t *e = xmalloc(n ? (uint64_t)n * SYM_SIZE : 1);
	uint32_t i, prev = 0;

	memcpy(e, raw->p + roff, (uint64_t)n * SYM_SIZE);
	for (i = 0; i < n; i++) {
		uint32_t name = ld32(e + (uint64_t)i * SYM_SIZE);

		st32(e + (uint64_t)i * SYM_SIZE, name - prev);
		prev = name;
	}
	out->len = 0;
	buf_put(out, raw->p, raw->len);
	planes_move(e, out->p + roff, n, 1);
	free(e);
	put_trailer(out, roff, n);
}

/* the residual (rlen bytes, into raw) from its plane form t: -1 unless t
 * is exactly rlen bytes and the trailer, and the entries lie inside */
int symunplane(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen)
{
	uint64_t roff;
	uint32_t n, i, name = 0;

	if (tlen != rlen + TRAILER)
		return -1;
	roff = ld64(t + rlen + HVB_XT_SYMTAB_OFF);
	n = ld32(t + rlen + HVB_XT_NSYMS);
	if (roff > rlen || (uint64_t)n * SYM_SIZE > rlen - roff)
		return -1;
	memcpy(raw, t, rlen);
	planes_move(t + roff, raw + roff, n, 0);
	for (i = 0; i < n; i++) {
		uint8_t *e = raw + roff + (uint64_t)i * SYM_SIZE;

		name += ld32(e);
		st32(e, name);
	}
	return 0;
}

/* The cut form (residual compression 5's frame content): a variant's
 * residual in base coordinates with the entries symnorm listed (left as
 * they are, nearly all names the base lacks) cut out of its symbol table
 * and put after it as planes, so that the entries the base has lie
 * together, as in the base's table.  uvarint roff, uvarint m, m uvarint
 * index gaps (each from the index after the one before), the residual
 * less the m entries, then the m entries' planes.  exc: m u32 indices,
 * increasing; they and the entries lie inside raw (symnorm_take's). */
void symcut(const struct buf *raw, uint64_t roff, const uint8_t *exc, uint32_t m,
	    struct buf *out)
{
	uint8_t *rows = xmalloc(m ? (uint64_t)m * SYM_SIZE : 1);
	uint64_t pos = 0, prev = 0;
	uint32_t k;

	out->len = 0;
	buf_var(out, roff);
	buf_var(out, m);
	for (k = 0; k < m; k++) {
		uint64_t at = roff + (uint64_t)ld32(exc + 4 * (uint64_t)k) * SYM_SIZE;

		buf_var(out, ld32(exc + 4 * (uint64_t)k) - prev);
		prev = ld32(exc + 4 * (uint64_t)k) + 1;
		memcpy(rows + (uint64_t)k * SYM_SIZE, raw->p + at, SYM_SIZE);
	}
	for (k = 0; k < m; k++) {
		uint64_t at = roff + (uint64_t)ld32(exc + 4 * (uint64_t)k) * SYM_SIZE;

		buf_put(out, raw->p + pos, at - pos);
		pos = at + SYM_SIZE;
	}
	buf_put(out, raw->p + pos, raw->len - pos);
	buf_zero(out, (uint64_t)m * SYM_SIZE);
	planes_move(rows, out->p + out->len - (uint64_t)m * SYM_SIZE, m, 1);
	free(rows);
}

/* the head of a cut form: roff, m and the m indices (into *exc, u32,
 * malloc'd); its length into *hlen; -1 if malformed or an entry would
 * not lie inside a residual of rlen bytes */
static int cut_head(const uint8_t *t, size_t tlen, uint64_t rlen, uint64_t *roff,
		    uint8_t **exc, uint32_t *m, size_t *hlen)
{
	uint64_t n, g, k, at = 0;
	size_t pos = 0;

	*exc = NULL;
	if (hvb_uvar(t, tlen, &pos, roff) || hvb_uvar(t, tlen, &pos, &n) || *roff > rlen ||
	    n > (rlen - *roff) / SYM_SIZE)
		return -1;
	*exc = xmalloc(n ? 4 * n : 1);
	for (k = 0; k < n; k++) {
		if (hvb_uvar(t, tlen, &pos, &g) || g > (rlen - *roff) / SYM_SIZE ||
		    at + g >= (rlen - *roff) / SYM_SIZE + 1 - (n - k)) {
			free(*exc);
			*exc = NULL;
			return -1;
		}
		at += g;
		st32(*exc + 4 * k, (uint32_t)at);
		at++;
	}
	*m = (uint32_t)n;
	*hlen = pos;
	return 0;
}

/* the residual (rlen bytes, into raw) from its cut form t, and the listed
 * indices (*exc, malloc'd, *m of them); -1 unless t is exactly the head,
 * rlen bytes and every entry inside */
int symuncut(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen, uint8_t **exc,
	     uint32_t *m)
{
	uint64_t roff, pos = 0, k;
	const uint8_t *cut;
	uint8_t *rows;
	size_t hlen;

	if (cut_head(t, tlen, rlen, &roff, exc, m, &hlen))
		return -1;
	if (tlen - hlen != rlen) {
		free(*exc);
		*exc = NULL;
		return -1;
	}
	cut = t + hlen;
	rows = xmalloc(*m ? (uint64_t)*m * SYM_SIZE : 1);
	planes_move(t + tlen - (uint64_t)*m * SYM_SIZE, rows, *m, 0);
	for (k = 0; k < *m; k++) {
		uint64_t at = roff + (uint64_t)ld32(*exc + 4 * k) * SYM_SIZE;

		memcpy(raw + pos, cut + pos - k * SYM_SIZE, at - pos);
		memcpy(raw + at, rows + k * SYM_SIZE, SYM_SIZE);
		pos = at + SYM_SIZE;
	}
	memcpy(raw + pos, cut + pos - k * SYM_SIZE, rlen - pos);
	free(rows);
	return 0;
}
