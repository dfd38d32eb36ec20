/* bundle.c: read a bundle: find its payload (opened and hashed once, with
 * format/apply.c), rebuild a variant's loaded image and its ELF file. */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "bundler.h"
#include "hvb_hash.h"

static int elf_ok(struct bundle *b, size_t *shstrndx)
{
	GElf_Ehdr eh;
	size_t shnum;

	if (b->filesize < SELFMAG || memcmp(b->file, ELFMAG, SELFMAG) ||
	    !(b->elf = elf_memory((char *)b->file, b->filesize)) ||
	    elf_kind(b->elf) != ELF_K_ELF) {
		ferr(b->path, "not an ELF file");
		return 0;
	}
	if (gelf_getclass(b->elf) != ELFCLASS64 || !gelf_getehdr(b->elf, &eh) ||
	    eh.e_machine != EM_X86_64) {
		ferr(b->path, "not an x86-64 ELF64 file (or truncated header)");
		return 0;
	}
	if (eh.e_shoff == 0 || elf_getshdrnum(b->elf, &shnum) < 0 ||
	    elf_getshdrstrndx(b->elf, shstrndx) < 0 ||
	    eh.e_shoff > b->filesize ||
	    (uint64_t)(shnum > eh.e_shnum ? shnum : eh.e_shnum) *
	    eh.e_shentsize > b->filesize - eh.e_shoff) {
		ferr(b->path, "truncated or not a bundle (no section header table)");
		return 0;
	}
	return 1;
}

/* one section of the bundle: the payload, the extract data, or counted */
static void take_section(struct bundle *b, const char *name, const GElf_Shdr *sh)
{
	if (!strcmp(name, HVB_SEC_PAYLOAD)) {
		b->payload = b->file + sh->sh_offset;
		b->payload_size = sh->sh_size;
		b->payload_vaddr = sh->sh_addr;
	} else if (!strcmp(name, HVB_SEC_EXTRACT)) {
		b->xblob = b->file + sh->sh_offset;
		b->xblob_size = sh->sh_size;
	} else if (!strcmp(name, HVB_SEC_CHECK)) {
		b->check = b->file + sh->sh_offset;
		b->check_size = sh->sh_size;
	} else if (!strncmp(name, HVB_SEC_STUB, strlen(HVB_SEC_STUB))) {
		b->stub_bytes += sh->sh_size;
	} else if (!strncmp(name, HVB_SEC_BASE, strlen(HVB_SEC_BASE))) {
		b->base_bytes += sh->sh_size;
	} else if (sh->sh_type == SHT_NOTE) {
		b->note_bytes += sh->sh_size;
	}
}

static int read_sections(struct bundle *b, size_t shstrndx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(b->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(b->elf, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > b->filesize ||
		    sh.sh_size > b->filesize - sh.sh_offset)) {
			ferr(b->path, "truncated: section %s past end of file", name);
			return -1;
		}
		take_section(b, name, &sh);
	}
	if (!b->payload) {
		ferr(b->path, "not a bundle (no %s section)", HVB_SEC_PAYLOAD);
		return -1;
	}
	return 0;
}

int bundle_open(struct bundle *b, const char *path)
{
	size_t shstrndx;
	int e;

	memset(b, 0, sizeof(*b));
	b->path = path;
	if (read_file(path, &b->file, &b->filesize))
		return -1;
	if (!elf_ok(b, &shstrndx) || read_sections(b, shstrndx))
		goto fail;
	if ((e = hvb_payload_open(b->payload, b->payload_size, &b->pi))) {
		if (e == HVB_E_VERSION)
			ferr(path, "%s: the payload is format version %u, this bundler "
			     "reads version %u only (pack the images again)",
			     hvb_apply_strerror(e), ld32(b->payload + HVB_PH_VERSION),
			     HVB_PAYLOAD_VERSION);
		else
			ferr(path, "%s", hvb_apply_strerror(e));
		goto fail;
	}
	return 0;
fail:
	bundle_close(b);	/* nothing of a bundle that did not open is kept */
	return -1;
}

void bundle_close(struct bundle *b)
{
	if (b->elf)
		elf_end(b->elf);
	free(b->xv);
	free(b->file);
	memset(b, 0, sizeof(*b));
}

int bundle_symbol(struct bundle *b, const char *name, uint64_t *addr)
{
	uint64_t size;

	return elf_lookup(b->elf, name, addr, &size);
}

const uint8_t *bundle_at(struct bundle *b, uint64_t vaddr, uint64_t len)
{
	size_t phnum, i;

	if (elf_getphdrnum(b->elf, &phnum) < 0)
		return NULL;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(b->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    vaddr < ph.p_vaddr || vaddr - ph.p_vaddr > ph.p_filesz ||
		    len > ph.p_filesz - (vaddr - ph.p_vaddr))
			continue;
		if (ph.p_offset > b->filesize ||
		    ph.p_filesz > b->filesize - ph.p_offset)
			return NULL;
		return b->file + ph.p_offset + (vaddr - ph.p_vaddr);
	}
	return NULL;
}

/* the work area as the loader leaves it: the bundle's file bytes where
 * its PT_LOADs have them, junk elsewhere (the applier must zero it).
 * Each PT_LOAD lies at p_paddr + D, D from the first one (the base's). */
static uint8_t *loaded_work(struct bundle *b)
{
	const struct hvb_payload_info *pi = &b->pi;
	uint8_t *w = xmalloc(pi->work_size);
	size_t phnum, i;
	uint64_t d = 0;
	int first = 1;

	memset(w, 0xa5, pi->work_size);
	if (elf_getphdrnum(b->elf, &phnum) < 0)
		phnum = 0;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		uint64_t a, z;

		if (!gelf_getphdr(b->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (first)
			d = ph.p_vaddr - ph.p_paddr;
		first = 0;
		ph.p_vaddr = ph.p_paddr + d;
		if (ph.p_offset > b->filesize ||
		    ph.p_filesz > b->filesize - ph.p_offset) {
			ferr(b->path, "truncated: segment %zu past end of file", i);
			free(w);
			return NULL;
		}
		a = ph.p_vaddr > pi->work_vaddr ? ph.p_vaddr : pi->work_vaddr;
		z = ph.p_vaddr + ph.p_filesz;
		if (z > pi->work_vaddr + pi->work_size)
			z = pi->work_vaddr + pi->work_size;
		if (a < z)
			memcpy(w + (a - pi->work_vaddr),
			       b->file + ph.p_offset + (a - ph.p_vaddr), z - a);
	}
	return w;
}

int bundle_image(struct bundle *b, const char *name, uint8_t **img)
{
	struct hvb_apply_result res;
	uint8_t *w, *scratch;
	uint32_t idx;
	int e;

	if ((e = hvb_payload_find(b->payload, b->payload_size, name, &idx))) {
		ferr(b->path, "%s: %s", name, hvb_apply_strerror(e));
		return -1;
	}
	if (!(w = loaded_work(b)))
		return -1;
	scratch = xmalloc(b->pi.max_scratch ? b->pi.max_scratch : 1);
	e = hvb_apply_opened(b->payload, &b->pi, idx, w, b->pi.work_size,
			     scratch, b->pi.max_scratch, &res);
	free(scratch);
	if (e) {
		ferr(b->path, "%s: %s", name, hvb_apply_strerror(e));
		free(w);
		return -1;
	}
	*img = w;
	return 0;
}

/* a split residual (compression 3 or 4) as stored before zstd: its
 * length is the frame's content size, at least the residual and its
 * trailer, at most that and one u32 per 24 bytes of residual */
static int split_of(struct bundle *b, const struct xvariant *v, uint8_t **out,
		    size_t *len)
{
	const uint8_t *d = b->xblob + v->data_off;
	unsigned long long n = ZSTD_getFrameContentSize(d, v->data_len);
	uint8_t *base = NULL;
	size_t blen = 0;
	int rc;

	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ||
	    n < v->res_len + HVB_XSPLIT_TRAILER_SIZE ||
	    n > v->res_len + v->res_len / 6 + HVB_XSPLIT_TRAILER_SIZE)
		return -1;
	if (v->comp == HVB_XCOMP_ZSTD_SPLIT_BASE &&
	    (v == &b->xv[0] || b->xv[0].comp != HVB_XCOMP_ZSTD_SPLIT ||
	     split_of(b, &b->xv[0], &base, &blen)))
		return -1;
	*out = xmalloc(n);
	*len = n;
	rc = zs_decompress(d, v->data_len, *out, n, base, blen);
	free(base);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* a residual stored in its plane form (compression 6): the frame must
 * decode to exactly the residual and the trailer */
static int planes_of(const uint8_t *d, uint64_t dlen, uint8_t *r, uint64_t rlen)
{
	uint64_t n = rlen + HVB_XSPLIT_TRAILER_SIZE;
	uint8_t *t = xmalloc(n);
	int rc = zs_decompress(d, dlen, t, n, NULL, 0) ||
	    symunplane(t, n, r, rlen) ? -1 : 0;

	free(t);
	return rc;
}

/* a variant's residual, decompressed */
static int residual_of(struct bundle *b, const struct xvariant *v,
		       uint8_t **out)
{
	const uint8_t *d = b->xblob + v->data_off;
	uint8_t *r = xmalloc(v->res_len ? v->res_len : 1), *base = NULL;
	size_t slen;
	uint64_t dlen = v->data_len;
	int rc = 0;

	if (v->comp == HVB_XCOMP_NONE) {
		memcpy(r, d, v->res_len);
	} else if (v->comp == HVB_XCOMP_ZSTD) {
		rc = zs_decompress(d, dlen, r, v->res_len, NULL, 0);
	} else if (v->comp == HVB_XCOMP_ZSTD_BASE || v->comp == HVB_XCOMP_ZSTD_BASE_SYMS) {
		if (v == &b->xv[0] || residual_of(b, &b->xv[0], &base))
			rc = -1;
		else if (v->comp == HVB_XCOMP_ZSTD_BASE_SYMS)
			rc = xblob_syms(v, d, base, b->xv[0].res_len, r, NULL, NULL);
		else
			rc = zs_decompress(d, dlen, r, v->res_len, base,
					   b->xv[0].res_len);
		free(base);
	} else if (v->comp == HVB_XCOMP_ZSTD_PLANES) {
		rc = planes_of(d, dlen, r, v->res_len);
	} else {
		rc = split_of(b, v, &base, &slen) ? -1 :
		    symjoin(base, slen, r, v->res_len);
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

/* the file from the segment table: segments from the work image, the
 * gaps from the residual, which must be used up exactly.  With f NULL it
 * only checks the table, so that file_size is known to be made of bytes
 * the bundle holds before anything that large is allocated. */
static int assemble(struct bundle *b, const struct xvariant *v,
		    const uint8_t *img, const uint8_t *res, uint8_t *f)
{
	uint64_t pos = 0, rp = 0, wsize = b->pi.work_size, prev = 0;
	uint32_t i;

	for (i = 0; i < v->nsegs; i++) {
		const uint8_t *s = b->xblob + v->segs_off +
		    (uint64_t)i * HVB_XSEG_ENTRY_SIZE;
		uint64_t off = ld64(s + HVB_XS_FILE_OFF);
		uint64_t wo = ld64(s + HVB_XS_WORK_OFF), n = ld64(s + HVB_XS_LEN);

		if ((i && off < prev) || off > v->file_size ||
		    n > v->file_size - off || wo > wsize || n > wsize - wo)
			return -1;	/* not sorted, or out of bounds */
		prev = off;
		if (off > pos) {
			if (off - pos > v->res_len - rp)
				return -1;
			if (f)
				memcpy(f + pos, res + rp, off - pos);
			rp += off - pos;
		}
		if (f)
			memcpy(f + off, img + wo, n);
		if (off + n > pos)
			pos = off + n;
	}
	if (v->file_size - pos != v->res_len - rp)
		return -1;
	if (f)
		memcpy(f + pos, res + rp, v->file_size - pos);
	return 0;
}

static const struct xvariant *xvariant(struct bundle *b, const char *name)
{
	uint32_t i;

	for (i = 0; i < b->nx; i++)
		if (!strcmp(b->xv[i].name, name))
			return &b->xv[i];
	ferr(b->path, "%s: variant has no extract data", name);
	return NULL;
}

/* residual compression 5's listed entries (their indices) */
static int sym_listed(struct bundle *b, const struct xvariant *v, uint8_t **exc,
		      uint32_t *nexc)
{
	uint8_t *base = NULL, *r = xmalloc(v->res_len ? v->res_len : 1);
	int rc = residual_of(b, &b->xv[0], &base) ? -1 :
	    xblob_syms(v, b->xblob + v->data_off, base, b->xv[0].res_len, r, exc, nexc);

	free(base);
	free(r);
	return rc;
}

/* variant idx's move table, decoded from the payload (its nm entries) */
static struct move *payload_moves(const struct bundle *b, uint32_t idx, uint32_t *nm)
{
	const uint8_t *ve = b->payload + ld32(b->payload + HVB_PH_VARIANT_OFF) +
	    (uint64_t)idx * HVB_VARIANT_ENTRY_SIZE;
	uint8_t *me;
	struct move *m;
	uint32_t k;

	*nm = ld32(ve + HVB_VE_MOVE_COUNT);	/* checked by hvb_payload_open */
	me = xmalloc((*nm ? *nm : 1) * (size_t)HVB_MOVE_ENTRY_SIZE);
	m = xmalloc((*nm ? *nm : 1) * sizeof(*m));
	if (hvb_payload_moves(b->payload, &b->pi, idx, me)) {
		free(me);
		free(m);
		return NULL;
	}
	for (k = 0; k < *nm; k++) {
		const uint8_t *e = me + (uint64_t)k * HVB_MOVE_ENTRY_SIZE;

		m[k] = (struct move){ ld32(e + HVB_MV_START), ld32(e + HVB_MV_LEN),
				      ld32(e + HVB_MV_DELTA) };
	}
	free(me);
	return m;
}

/* residual compression 5: the symbols back from base coordinates,
 * through the variant's move table in the payload */
static int symbols_back(struct bundle *b, const struct xvariant *v, uint8_t *f)
{
	uint8_t *bf = NULL, *exc = NULL;
	size_t blen;
	uint32_t nexc = 0;
	struct move *m;
	uint32_t idx, nm;
	int rc;

	if (v == &b->xv[0] || hvb_payload_find(b->payload, b->payload_size, v->name, &idx))
		return -1;	/* the base's symbols are its own */
	if (!(m = payload_moves(b, idx, &nm)))
		return -1;
	rc = -1;
	if (!sym_listed(b, v, &exc, &nexc) &&
	    !bundle_file(b, b->xv[0].name, &bf, &blen))	/* the base's: comp != 3 */
		rc = symnorm_undo(f, v->file_size, bf, blen, b->pi.work_vaddr, b->pi.work_size,
				  m, nm, exc, nexc);
	free(bf);
	free(exc);
	free(m);
	return rc;
}

int bundle_file(struct bundle *b, const char *name, uint8_t **file,
		size_t *len)
{
	const struct xvariant *v;
	uint8_t *img = NULL, *res = NULL, *f = NULL;
	int rc = -1;

	if (xblob_parse(b) || bundle_image(b, name, &img))
		return -1;
	if (!(v = xvariant(b, name)) || residual_of(b, v, &res))
		goto out;
	if (assemble(b, v, img, res, NULL)) {
		ferr(b->path, "%s: extract data inconsistent", name);
		goto out;
	}
	f = xcalloc(v->file_size ? v->file_size : 1, 1);
	if (assemble(b, v, img, res, f) ||
	    (v->comp == HVB_XCOMP_ZSTD_BASE_SYMS && symbols_back(b, v, f)))
		ferr(b->path, "%s: extract data inconsistent", name);
	else if (hvb_hash64(f, v->file_size) != v->file_hash)
		ferr(b->path, "%s: rebuilt file does not match its recorded hash",
		     name);
	else
		rc = 0;
out:
	free(res);
	free(img);
	if (rc) {
		free(f);
		return -1;
	}
	*file = f;
	*len = v->file_size;
	return 0;
}
