/* format.c: write the payload and the extract data (FORMAT.md); open a
 * bundle, rebuild a variant's loaded image (with stub/apply.c) and its
 * ELF file. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"
#include "apply.h"
#include "hvb_hash.h"

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static int seg_cmp(const void *x, const void *y)
{
	const struct seg *a = x, *b = y;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* ---- payload ---- */

void payload_build(const struct packctx *pc, struct buf *out)
{
	const struct image *bi = &pc->v[0].im;
	struct buf z = { 0 };
	uint64_t pos = 0, *roff = xcalloc(pc->nv, sizeof(uint64_t));
	size_t i, k, voff, data, zc;
	uint8_t *h;

	/* zero ranges: the work area minus the base's file-backed bytes */
	for (i = 0; i < bi->nloads; i++) {
		const struct seg *s = &bi->loads[i];
		uint64_t a = s->vaddr - pc->w0;

		if (!s->filesz)
			continue;
		if (a > pos) {
			buf_zero(&z, 8);
			st32(z.p + z.len - 8, (uint32_t)pos);
			st32(z.p + z.len - 4, (uint32_t)(a - pos));
		}
		pos = a + s->filesz;
	}
	if (pc->wsize > pos) {
		buf_zero(&z, 8);
		st32(z.p + z.len - 8, (uint32_t)pos);
		st32(z.p + z.len - 4, (uint32_t)(pc->wsize - pos));
	}
	zc = z.len / 8;

	voff = align8(HVB_PAYLOAD_HDR_SIZE + z.len);
	pos = align8(voff + pc->nv * HVB_VARIANT_ENTRY_SIZE);
	for (i = 0; i < pc->nv; i++) {
		roff[i] = pos;
		pos += pc->v[i].nr * HVB_REGION_ENTRY_SIZE;
	}
	data = pos;
	out->len = 0;
	buf_zero(out, data);
	h = out->p;
	memcpy(h, HVB_PAYLOAD_MAGIC, 8);
	st32(h + 8, HVB_PAYLOAD_VERSION);
	st32(h + 12, HVB_PAYLOAD_HDR_SIZE);
	st32(h + 32, (uint32_t)pc->nv);
	st32(h + 36, 0);
	st32(h + 40, (uint32_t)voff);
	st32(h + 44, HVB_VARIANT_ENTRY_SIZE);
	st32(h + 48, HVB_REGION_ENTRY_SIZE);
	st32(h + 52, (uint32_t)zc);
	st32(h + 56, HVB_PAYLOAD_HDR_SIZE);
	st32(h + 60, pc->max_scratch);
	st64(h + 64, pc->w0);
	st64(h + 72, pc->wsize);
	st64(h + 80, pc->v[0].pvh);
	st64(h + 88, pc->v[0].xen);
	st64(h + 96, pc->v[0].hash);
	st64(h + 104, bi->lo);
	st64(h + 112, bi->hi - bi->lo);
	st64(h + 120, bi->memend - bi->lo);
	memcpy(h + HVB_PAYLOAD_HDR_SIZE, z.p, z.len);
	free(z.p);

	for (i = 0; i < pc->nv; i++) {
		const struct pvar *v = &pc->v[i];
		uint8_t *e = out->p + voff + i * HVB_VARIANT_ENTRY_SIZE;
		uint64_t dsum = 0;

		strncpy((char *)e, v->name, 16);
		st64(e + 16, v->hash);
		st64(e + 24, v->im.lo);
		st64(e + 32, v->im.hi - v->im.lo);
		st64(e + 40, v->im.memend - v->im.lo);
		st64(e + 48, v->pvh);
		st64(e + 56, v->xen);
		st64(e + 64, v->im.eh.e_entry);
		st32(e + 72, (uint32_t)v->nr);
		st32(e + 76, (uint32_t)roff[i]);
		for (k = 0; k < v->nr; k++) {
			const struct rdelta *r = &v->r[k];
			uint8_t *re = out->p + roff[i] + k * HVB_REGION_ENTRY_SIZE;

			st32(re, (uint32_t)r->start);
			st32(re + 4, (uint32_t)r->old_len);
			st32(re + 8, (uint32_t)r->new_len);
			re[12] = (uint8_t)r->enc;
			re[13] = (uint8_t)r->comp;
			st32(re + 16, (uint32_t)r->raw_len);
			st32(re + 20, (uint32_t)out->len);
			st32(re + 24, (uint32_t)r->data.len);
			buf_put(out, r->data.p, r->data.len);
			dsum += r->data.len;
		}
		e = out->p + voff + i * HVB_VARIANT_ENTRY_SIZE;
		st32(e + 80, (uint32_t)dsum);
	}
	h = out->p;
	st64(h + 16, out->len);
	st64(h + HVB_PAYLOAD_HASH_OFF,
	     hvb_hash64(h + HVB_PAYLOAD_HASHED_FROM,
			out->len - HVB_PAYLOAD_HASHED_FROM));
	free(roff);
}

/* ---- extract data ---- */

/* the file bytes no PT_LOAD carries, in file order; the segment table */
static void residual(struct pvar *v, uint64_t w0, struct buf *raw)
{
	const struct image *im = &v->im;
	struct seg *s = xmalloc(im->nloads * sizeof(*s));
	uint64_t pos = 0;
	size_t i, n = 0;

	for (i = 0; i < im->nloads; i++)
		if (im->loads[i].filesz)
			s[n++] = im->loads[i];
	qsort(s, n, sizeof(*s), seg_cmp);
	for (i = 0; i < n; i++) {
		if (s[i].offset > pos)
			buf_put(raw, im->file + pos, s[i].offset - pos);
		if (s[i].offset + s[i].filesz > pos)
			pos = s[i].offset + s[i].filesz;
		buf_zero(&v->segs, 24);
		st64(v->segs.p + v->segs.len - 24, s[i].offset);
		st64(v->segs.p + v->segs.len - 16, s[i].vaddr - w0);
		st64(v->segs.p + v->segs.len - 8, s[i].filesz);
	}
	if (im->filesize > pos)
		buf_put(raw, im->file + pos, im->filesize - pos);
	v->nsegs = (uint32_t)n;
	free(s);
}

void xblob_build(struct packctx *pc, uint64_t payload_hash, struct buf *out)
{
	struct buf braw = { 0 };
	size_t i, tab, pos;
	uint8_t *h;

	for (i = 0; i < pc->nv; i++) {
		struct pvar *v = &pc->v[i];
		struct buf raw = { 0 }, z1 = { 0 }, z2 = { 0 };
		size_t s1 = 0, s2 = 0;

		v->segs.len = 0;
		residual(v, pc->w0, &raw);
		v->res_len = raw.len;
		if (pc->xcompress && raw.len) {
			s1 = zs_compress(raw.p, raw.len, &z1, NULL, 0);
			if (i && braw.len)
				s2 = zs_compress(raw.p, raw.len, &z2, braw.p, braw.len);
		}
		v->res.len = 0;
		if (s2 && s2 < raw.len && (!s1 || s2 <= s1)) {
			v->rcomp = 2;
			buf_put(&v->res, z2.p, z2.len);
		} else if (s1 && s1 < raw.len) {
			v->rcomp = 1;
			buf_put(&v->res, z1.p, z1.len);
		} else {
			v->rcomp = 0;
			buf_put(&v->res, raw.p, raw.len);
		}
		if (i == 0)
			braw = raw;
		else
			free(raw.p);
		free(z1.p);
		free(z2.p);
	}
	free(braw.p);

	tab = XBLOB_HDR_SIZE;
	pos = tab + pc->nv * XBLOB_ENTRY_SIZE;
	out->len = 0;
	buf_zero(out, pos);
	for (i = 0; i < pc->nv; i++) {
		struct pvar *v = &pc->v[i];
		uint8_t *e;
		size_t soff = out->len, doff;
		int k;

		buf_put(out, v->segs.p, v->segs.len);
		doff = out->len;
		buf_put(out, v->res.p, v->res.len);
		e = out->p + tab + i * XBLOB_ENTRY_SIZE;
		strncpy((char *)e, v->name, 16);
		st64(e + 16, v->im.filesize);
		st64(e + 24, hvb_hash64(v->im.file, v->im.filesize));
		st64(e + 32, soff);
		st32(e + 40, v->nsegs);
		st32(e + 44, v->rcomp);
		st64(e + 48, v->res_len);
		st64(e + 56, doff);
		st64(e + 64, v->res.len);
		for (k = 0; k < K_NKINDS; k++) {
			st32(e + 72 + 4 * k, v->st.total[k]);
			st32(e + 84 + 4 * k, v->st.differ[k]);
		}
		st64(e + 96, v->bytes_differ);
		st64(e + 104, v->nr);
		st64(e + 112, v->delta_raw);
		st64(e + 120, v->delta_zstd);
		st64(e + 128, v->delta_prefix);
	}
	h = out->p;
	memcpy(h, XBLOB_MAGIC, 8);
	st32(h + 8, XBLOB_VERSION);
	st32(h + 12, XBLOB_HDR_SIZE);
	st64(h + 16, out->len);
	st32(h + 32, (uint32_t)pc->nv);
	st32(h + 36, XBLOB_ENTRY_SIZE);
	st64(h + 40, tab);
	st64(h + 48, payload_hash);
	st64(h + 24, hvb_hash64(h + 32, out->len - 32));
}

/* ---- reading a bundle ---- */

int bundle_open(struct bundle *b, const char *path)
{
	GElf_Ehdr eh;
	size_t shnum, shstrndx;
	Elf_Scn *scn = NULL;

	memset(b, 0, sizeof(*b));
	b->path = path;
	if (read_file(path, &b->file, &b->filesize))
		return -1;
	if (b->filesize < SELFMAG || memcmp(b->file, ELFMAG, SELFMAG) ||
	    !(b->elf = elf_memory((char *)b->file, b->filesize)) ||
	    elf_kind(b->elf) != ELF_K_ELF) {
		ferr(path, "not an ELF file");
		return -1;
	}
	if (gelf_getclass(b->elf) != ELFCLASS64 || !gelf_getehdr(b->elf, &eh) ||
	    eh.e_machine != EM_X86_64) {
		ferr(path, "not an x86-64 ELF64 file (or truncated header)");
		return -1;
	}
	if (eh.e_shoff == 0 || elf_getshdrnum(b->elf, &shnum) < 0 ||
	    elf_getshdrstrndx(b->elf, &shstrndx) < 0 ||
	    eh.e_shoff > b->filesize ||
	    (uint64_t)(shnum > eh.e_shnum ? shnum : eh.e_shnum) *
	    eh.e_shentsize > b->filesize - eh.e_shoff) {
		ferr(path, "truncated or not a bundle (no section header table)");
		return -1;
	}
	while ((scn = elf_nextscn(b->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(b->elf, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > b->filesize ||
		    sh.sh_size > b->filesize - sh.sh_offset)) {
			ferr(path, "truncated: section %s past end of file", name);
			return -1;
		}
		if (!strcmp(name, ".hvb_payload")) {
			b->payload = b->file + sh.sh_offset;
			b->payload_size = sh.sh_size;
			b->payload_vaddr = sh.sh_addr;
		} else if (!strcmp(name, ".hvb_extract")) {
			b->xblob = b->file + sh.sh_offset;
			b->xblob_size = sh.sh_size;
		} else if (!strncmp(name, ".hvb_stub", 9)) {
			b->stub_bytes += sh.sh_size;
		} else if (!strncmp(name, ".hvb_base", 9)) {
			b->base_bytes += sh.sh_size;
		} else if (sh.sh_type == SHT_NOTE) {
			b->note_bytes += sh.sh_size;
		}
	}
	if (!b->payload) {
		ferr(path, "not a bundle (no .hvb_payload section)");
		return -1;
	}
	return 0;
}

void bundle_close(struct bundle *b)
{
	if (b->elf)
		elf_end(b->elf);
	free(b->xv);
	free(b->file);
	memset(b, 0, sizeof(*b));
}

int bundle_image(struct bundle *b, const char *name, uint8_t **img,
		 int report)
{
	struct hvb_payload_info pi;
	struct hvb_apply_result res;
	size_t phnum, i;
	uint8_t *w, *scratch;
	int e;

	if ((e = hvb_payload_open(b->payload, b->payload_size, &pi))) {
		ferr(b->path, "%s", hvb_apply_strerror(e));
		return -1;
	}
	w = xmalloc(pi.work_size);
	/* what the loader leaves outside the base's file bytes is not
	 * trusted: the applier must zero it */
	memset(w, 0xa5, pi.work_size);
	if (elf_getphdrnum(b->elf, &phnum) < 0)
		phnum = 0;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		uint64_t a, z;

		if (!gelf_getphdr(b->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > b->filesize ||
		    ph.p_filesz > b->filesize - ph.p_offset) {
			ferr(b->path, "truncated: segment %zu past end of file", i);
			free(w);
			return -1;
		}
		a = ph.p_vaddr > pi.work_vaddr ? ph.p_vaddr : pi.work_vaddr;
		z = ph.p_vaddr + ph.p_filesz;
		if (z > pi.work_vaddr + pi.work_size)
			z = pi.work_vaddr + pi.work_size;
		if (a < z)
			memcpy(w + (a - pi.work_vaddr),
			       b->file + ph.p_offset + (a - ph.p_vaddr), z - a);
	}
	scratch = xmalloc(pi.max_scratch);
	e = hvb_apply(b->payload, b->payload_size, name, w, pi.work_size,
		      scratch, pi.max_scratch, &res);
	free(scratch);
	if (e) {
		ferr(b->path, "%s: %s", name, hvb_apply_strerror(e));
		free(w);
		return -1;
	}
	if (report)
		warnx_("%s: %s: %u regions applied, image hash %016llx ok",
		       b->path, name, res.regions_applied,
		       (unsigned long long)res.computed_hash);
	*img = w;
	return 0;
}

int xblob_parse(struct bundle *b)
{
	const uint8_t *x = b->xblob;
	uint64_t size, tab;
	uint32_t n, i;

	if (!x) {
		ferr(b->path, "no extract data (.hvb_extract section missing)");
		return -1;
	}
	if (b->xblob_size < XBLOB_HDR_SIZE || memcmp(x, XBLOB_MAGIC, 8)) {
		ferr(b->path, "extract data: bad magic");
		return -1;
	}
	if (ld32(x + 8) != XBLOB_VERSION) {
		ferr(b->path, "extract data: unsupported version %u", ld32(x + 8));
		return -1;
	}
	size = ld64(x + 16);
	if (size > b->xblob_size || size < XBLOB_HDR_SIZE) {
		ferr(b->path, "extract data: truncated");
		return -1;
	}
	if (hvb_hash64(x + 32, size - 32) != ld64(x + 24)) {
		ferr(b->path, "extract data: hash mismatch (corrupt)");
		return -1;
	}
	n = ld32(x + 32);
	tab = ld64(x + 40);
	if (n == 0 || n > HVB_MAX_VARIANTS || ld32(x + 36) != XBLOB_ENTRY_SIZE ||
	    tab > size || (uint64_t)n * XBLOB_ENTRY_SIZE > size - tab) {
		ferr(b->path, "extract data: bad table");
		return -1;
	}
	b->nx = n;
	b->xv = xcalloc(n, sizeof(struct xvariant));
	for (i = 0; i < n; i++) {
		const uint8_t *e = x + tab + (uint64_t)i * XBLOB_ENTRY_SIZE;
		struct xvariant *v = &b->xv[i];
		int k;

		memcpy(v->name, e, 16);
		v->name[15] = 0;
		v->file_size = ld64(e + 16);
		v->file_hash = ld64(e + 24);
		v->segs_off = ld64(e + 32);
		v->nsegs = ld32(e + 40);
		v->comp = ld32(e + 44);
		v->res_len = ld64(e + 48);
		v->data_off = ld64(e + 56);
		v->data_len = ld64(e + 64);
		for (k = 0; k < K_NKINDS; k++) {
			v->total[k] = ld32(e + 72 + 4 * k);
			v->differ[k] = ld32(e + 84 + 4 * k);
		}
		v->bytes_differ = ld64(e + 96);
		v->regions = ld64(e + 104);
		v->delta_raw = ld64(e + 112);
		v->delta_zstd = ld64(e + 120);
		v->delta_prefix = ld64(e + 128);
		if (v->segs_off > size || v->nsegs > size / 24 ||
		    (uint64_t)v->nsegs * 24 > size - v->segs_off ||
		    v->data_off > size || v->data_len > size - v->data_off ||
		    v->comp > 2 || v->file_size > (1ull << 32) ||
		    v->res_len > v->file_size ||
		    (v->comp == 0 && v->data_len != v->res_len)) {
			ferr(b->path, "extract data: bad entry %u", i);
			return -1;
		}
	}
	return 0;
}

static int residual_of(struct bundle *b, const struct xvariant *v,
		       uint8_t **out)
{
	const uint8_t *d = b->xblob + v->data_off;
	uint8_t *r = xmalloc(v->res_len), *base = NULL;
	int rc = 0;

	if (v->comp == 0) {
		memcpy(r, d, v->res_len);
	} else if (v->comp == 1) {
		rc = zs_decompress(d, v->data_len, r, v->res_len, NULL, 0);
	} else {
		if (v == &b->xv[0] || residual_of(b, &b->xv[0], &base))
			rc = -1;
		else
			rc = zs_decompress(d, v->data_len, r, v->res_len, base,
					   b->xv[0].res_len);
		free(base);
	}
	if (rc) {
		ferr(b->path, "%s: extract data does not decompress", v->name);
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

int bundle_file(struct bundle *b, const char *name, uint8_t **file,
		size_t *len)
{
	const struct xvariant *v = NULL;
	struct hvb_payload_info pi;
	uint8_t *img = NULL, *res = NULL, *f;
	uint64_t pos = 0, rp = 0, wsize;
	uint32_t i;

	if (!b->xv && xblob_parse(b))
		return -1;
	for (i = 0; i < b->nx; i++)
		if (!strcmp(b->xv[i].name, name))
			v = &b->xv[i];
	if (bundle_image(b, name, &img, 0))
		return -1;
	if (!v) {
		ferr(b->path, "%s: variant has no extract data", name);
		free(img);
		return -1;
	}
	hvb_payload_open(b->payload, b->payload_size, &pi);
	wsize = pi.work_size;
	if (residual_of(b, v, &res)) {
		free(img);
		return -1;
	}
	f = xcalloc(v->file_size ? v->file_size : 1, 1);
	for (i = 0; i < v->nsegs; i++) {
		const uint8_t *s = b->xblob + v->segs_off + 24 * (uint64_t)i;
		uint64_t off = ld64(s), io = ld64(s + 8), n = ld64(s + 16);

		if (off < pos && i && off < ld64(s - 24)) {
			break;	/* not sorted */
		}
		if (off > v->file_size || n > v->file_size - off ||
		    io > wsize || n > wsize - io)
			break;
		if (off > pos) {
			if (off - pos > v->res_len - rp)
				break;
			memcpy(f + pos, res + rp, off - pos);
			rp += off - pos;
		}
		memcpy(f + off, img + io, n);
		if (off + n > pos)
			pos = off + n;
	}
	if (i == v->nsegs && v->file_size - pos == v->res_len - rp) {
		memcpy(f + pos, res + rp, v->file_size - pos);
		rp = v->res_len;
	} else {
		rp = v->res_len + 1;
	}
	free(res);
	free(img);
	if (rp != v->res_len) {
		ferr(b->path, "%s: extract data inconsistent", name);
		free(f);
		return -1;
	}
	if (hvb_hash64(f, v->file_size) != v->file_hash) {
		ferr(b->path, "%s: rebuilt file does not match its recorded hash",
		     name);
		free(f);
		return -1;
	}
	*file = f;
	*len = v->file_size;
	return 0;
}
