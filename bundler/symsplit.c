/* symsplit.c: the extract data's split residual (FORMAT.md section 4,
 * residual compressions 3 and 4).  A symbol entry's st_name is an offset
 * into the string table, so one name more in a variant changes the
 * st_name of every entry after it, and every 24-byte entry differs from
 * the base's.  The split form moves the st_name fields out of the entries
 * (left as zero) to the end of the residual, each as the difference from
 * the entry before's: what differs is then one entry and one difference
 * per name added, and the rest matches the base.  Host only. */
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
void symsplit(const struct buf *raw, uint64_t roff, uint32_t n, struct buf *out)
{
	uint32_t i, prev = 0;
	uint8_t t[TRAILER];

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
	st64(t + HVB_XT_SYMTAB_OFF, roff);
	st32(t + HVB_XT_NSYMS, n);
	buf_put(out, t, sizeof(t));
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
