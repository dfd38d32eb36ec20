/* payload.c: write the payload the stub reads (FORMAT.md section 3):
 * header, zero table, variant table, region tables, region data. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"
#include "hvb_hash.h"

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void zero_entry(struct buf *z, uint64_t off, uint64_t len)
{
	buf_zero(z, HVB_ZERO_ENTRY_SIZE);
	st32(z->p + z->len - HVB_ZERO_ENTRY_SIZE + HVB_ZE_OFFSET, (uint32_t)off);
	st32(z->p + z->len - HVB_ZERO_ENTRY_SIZE + HVB_ZE_LENGTH, (uint32_t)len);
}

/* the work area minus the base's file-backed bytes */
static void zero_table(const struct packctx *pc, struct buf *z)
{
	const struct image *bi = &pc->v[0].im;
	uint64_t pos = 0;
	size_t i;

	for (i = 0; i < bi->nloads; i++) {
		const struct seg *s = &bi->loads[i];
		uint64_t a = s->load - pc->w0;

		if (!s->filesz)
			continue;
		if (a > pos)
			zero_entry(z, pos, a - pos);
		pos = a + s->filesz;
	}
	if (pc->wsize > pos)
		zero_entry(z, pos, pc->wsize - pos);
}

static void put_header(uint8_t *h, const struct packctx *pc, size_t voff,
		       size_t zcount)
{
	const struct image *bi = &pc->v[0].im;

	memcpy(h + HVB_PH_MAGIC, HVB_PAYLOAD_MAGIC, sizeof(HVB_PAYLOAD_MAGIC) - 1);
	st32(h + HVB_PH_VERSION, HVB_PAYLOAD_VERSION);
	st32(h + HVB_PH_HDR_SIZE, HVB_PAYLOAD_HDR_SIZE);
	st32(h + HVB_PH_NVARIANTS, (uint32_t)pc->nv);
	st32(h + HVB_PH_BASE_INDEX, 0);
	st32(h + HVB_PH_VARIANT_OFF, (uint32_t)voff);
	st32(h + HVB_PH_VARIANT_ENTSIZE, HVB_VARIANT_ENTRY_SIZE);
	st32(h + HVB_PH_REGION_ENTSIZE, HVB_REGION_ENTRY_SIZE);
	st32(h + HVB_PH_ZERO_COUNT, (uint32_t)zcount);
	st32(h + HVB_PH_ZERO_OFF, HVB_PAYLOAD_HDR_SIZE);
	st32(h + HVB_PH_MAX_SCRATCH, pc->max_scratch);
	st64(h + HVB_PH_WORK_VADDR, pc->w0);
	st64(h + HVB_PH_WORK_SIZE, pc->wsize);
	st64(h + HVB_PH_BASE_PVH_ENTRY, pc->v[0].pvh);
	st64(h + HVB_PH_BASE_XEN_ENTRY, pc->v[0].xen);
	st64(h + HVB_PH_BASE_IMAGE_HASH, pc->v[0].hash);
	st64(h + HVB_PH_BASE_VADDR, bi->lo);
	st64(h + HVB_PH_BASE_FILESZ, bi->hi - bi->lo);
	st64(h + HVB_PH_BASE_MEMSZ, bi->memend - bi->lo);
}

static void put_region(uint8_t *re, const struct rdelta *r, size_t data_off)
{
	st32(re + HVB_RE_TARGET, (uint32_t)r->start);
	st32(re + HVB_RE_OLD_LEN, (uint32_t)r->old_len);
	st32(re + HVB_RE_NEW_LEN, (uint32_t)r->new_len);
	re[HVB_RE_ENCODING] = (uint8_t)r->enc;
	re[HVB_RE_COMPRESSION] = (uint8_t)r->comp;
	st32(re + HVB_RE_RAW_LEN, (uint32_t)r->raw_len);
	st32(re + HVB_RE_DATA_OFF, (uint32_t)data_off);
	st32(re + HVB_RE_DATA_LEN, (uint32_t)r->data.len);
}

/* a move table (FORMAT.md 3.3): the gaps, the lengths, the delta
 * changes (zigzag), each a column of uvarints */
static void put_moves(struct buf *out, const struct move *m, size_t n)
{
	uint32_t end = 0, d = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		buf_var(out, m[k].start - end);
		end = m[k].start + m[k].len;
	}
	for (k = 0; k < n; k++)
		buf_var(out, m[k].len);
	for (k = 0; k < n; k++) {
		int32_t c = (int32_t)(m[k].delta - d);

		buf_var(out, c < 0 ? 2 * (uint64_t)(-(int64_t)c) - 1 : 2 * (uint64_t)c);
		d = m[k].delta;
	}
}

/* variant entry ve_off and its region table at roff; its data appended */
static void put_variant(struct buf *out, size_t ve_off, size_t roff,
			const struct pvar *v)
{
	uint64_t dsum = 0;
	size_t k, moff = 0, foff = 0;
	uint8_t *e;

	for (k = 0; k < v->nr && !v->frame.len; k++) {
		put_region(out->p + roff + k * HVB_REGION_ENTRY_SIZE, &v->r[k],
			   out->len);
		buf_put(out, v->r[k].data.p, v->r[k].data.len);
		dsum += v->r[k].data.len;
	}
	if (v->frame.len) {	/* the regions' data lies in the frame */
		for (k = 0; k < v->nr; k++)
			put_region(out->p + roff + k * HVB_REGION_ENTRY_SIZE, &v->r[k],
				   v->r[k].foff);
		foff = out->len;
		buf_put(out, v->frame.p, v->frame.len);
		dsum = v->frame.len;
	}
	if (v->nmv)
		moff = out->len;
	put_moves(out, v->mv, v->nmv);
	e = out->p + ve_off;	/* buf_put may have moved it */
	strncpy((char *)e + HVB_VE_NAME, v->name, HVB_NAME_SIZE);
	st64(e + HVB_VE_IMAGE_HASH, v->hash);
	st64(e + HVB_VE_VADDR, v->im.lo);
	st64(e + HVB_VE_FILESZ, v->im.hi - v->im.lo);
	st64(e + HVB_VE_MEMSZ, v->im.memend - v->im.lo);
	st64(e + HVB_VE_PVH_ENTRY, v->pvh);
	st64(e + HVB_VE_XEN_ENTRY, v->xen);
	st64(e + HVB_VE_ELF_ENTRY, v->im.eh.e_entry);
	st32(e + HVB_VE_REGION_COUNT, (uint32_t)v->nr);
	st32(e + HVB_VE_REGION_OFF, (uint32_t)roff);
	st32(e + HVB_VE_DELTA_BYTES, (uint32_t)dsum);
	st32(e + HVB_VE_MOVE_OFF, (uint32_t)moff);
	st32(e + HVB_VE_MOVE_COUNT, (uint32_t)v->nmv);
	st32(e + HVB_VE_MOVE_LEN, (uint32_t)(v->nmv ? out->len - moff : 0));
	st32(e + HVB_VE_FRAME_OFF, (uint32_t)foff);
	st32(e + HVB_VE_FRAME_LEN, (uint32_t)v->frame.len);
	st32(e + HVB_VE_FRAME_RAW, v->frame.len ? (uint32_t)v->frame_raw : 0);
	st32(e + HVB_VE_FLAGS, !v->frame.len ? 0 :
	     (v->opcols ? HVB_VF_OPCOLS : 0) | (v->refprefix ? HVB_VF_REFPREFIX : 0));
}

void payload_build(const struct packctx *pc, struct buf *out)
{
	struct buf z = { 0 };
	size_t i, voff, roff;

	zero_table(pc, &z);
	voff = align8(HVB_PAYLOAD_HDR_SIZE + z.len);
	roff = align8(voff + pc->nv * HVB_VARIANT_ENTRY_SIZE);
	out->len = 0;
	buf_zero(out, roff);
	for (i = 0; i < pc->nv; i++)
		buf_zero(out, pc->v[i].nr * HVB_REGION_ENTRY_SIZE);
	put_header(out->p, pc, voff, z.len / HVB_ZERO_ENTRY_SIZE);
	memcpy(out->p + HVB_PAYLOAD_HDR_SIZE, z.p, z.len);
	free(z.p);
	for (i = 0; i < pc->nv; i++) {
		put_variant(out, voff + i * HVB_VARIANT_ENTRY_SIZE, roff, &pc->v[i]);
		roff += pc->v[i].nr * HVB_REGION_ENTRY_SIZE;
	}
	if (pc->btab.len) {	/* the base's site table, for encoding 2 */
		st32(out->p + HVB_PH_REFS_OFF, (uint32_t)out->len);
		st32(out->p + HVB_PH_REFS_LEN, (uint32_t)pc->btab.len);
		buf_put(out, pc->btab.p, pc->btab.len);
	}
	st64(out->p + HVB_PH_PAYLOAD_SIZE, out->len);
	st64(out->p + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(out->p + HVB_PH_HASHED_FROM, out->len - HVB_PH_HASHED_FROM));
}
