/* pack.c: the pack command.  Reads the base, the variants and the stub,
 * computes each variant's region deltas against the base, and writes the
 * bundle ELF: base segments, stub segments, payload segment, one PT_NOTE
 * redirecting the entries to the stub, and the extract data. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundler.h"
#include "apply.h"

/* text bytes Debian's libzstd.a decoder adds to a freestanding stub
 * (measured, FORMAT.md): zstd in the payload must save more than this */
#define ZSTD_DECODER_COST	222626u

#define XEN_ELFNOTE_ENTRY		1
#define XEN_ELFNOTE_HYPERCALL_PAGE	2
#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define FILE_ALIGN 16
#define PAGE	4096u

enum { C_AUTO, C_NONE, C_ZSTD };

/* every way of storing one region; the choice is made once the totals
 * are known */
struct cands {
	struct buf lit, ops, zlit, zops, zpref;
};

static int allzero(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static uint64_t sz_raw(const struct cands *c)
{
	return c->ops.len && c->ops.len < c->lit.len ? c->ops.len : c->lit.len;
}

static uint64_t min2(uint64_t a, uint64_t b)
{
	return a && a < b ? a : b;
}

static uint64_t sz_zstd(const struct cands *c)
{
	return min2(c->zops.len, min2(c->zlit.len, sz_raw(c)));
}

static uint64_t sz_pref(const struct cands *c)
{
	return min2(c->zpref.len, sz_raw(c));
}

/* bsdiff has run (c->ops); add the literal and the zstd measurements */
static void encode(const uint8_t *old, const uint8_t *new_, uint64_t len,
		   struct cands *c)
{
	buf_put(&c->lit, new_, len);
	zs_compress(c->lit.p, c->lit.len, &c->zlit, NULL, 0);
	if (c->ops.len)
		zs_compress(c->ops.p, c->ops.len, &c->zops, NULL, 0);
	if (!allzero(old, len))
		zs_compress(new_, len, &c->zpref, old, len);
}

static int wants_bsdiff(const uint8_t *old, uint64_t len)
{
	return len >= 16 && !allzero(old, len);
}

static void take(struct rdelta *r, struct buf *b, unsigned enc, unsigned comp,
		 uint64_t raw_len)
{
	r->data = *b;
	memset(b, 0, sizeof(*b));
	r->enc = enc;
	r->comp = comp;
	r->raw_len = raw_len;
}

static void choose(struct rdelta *r, struct cands *c, int zstd)
{
	uint64_t best = sz_raw(c);

	if (zstd) {
		if (c->zpref.len && c->zpref.len < best &&
		    c->zpref.len <= sz_zstd(c)) {
			take(r, &c->zpref, HVB_ENC_LITERAL, HVB_COMP_ZSTD_PREFIX,
			     r->new_len);
			goto done;
		}
		if (c->zops.len && c->zops.len < best &&
		    c->zops.len <= c->zlit.len) {
			take(r, &c->zops, HVB_ENC_OPS, HVB_COMP_ZSTD, c->ops.len);
			goto done;
		}
		if (c->zlit.len && c->zlit.len < best) {
			take(r, &c->zlit, HVB_ENC_LITERAL, HVB_COMP_ZSTD,
			     c->lit.len);
			goto done;
		}
	}
	if (c->ops.len && c->ops.len < c->lit.len)
		take(r, &c->ops, HVB_ENC_OPS, HVB_COMP_NONE, c->ops.len);
	else
		take(r, &c->lit, HVB_ENC_LITERAL, HVB_COMP_NONE, c->lit.len);
done:
	free(c->lit.p);
	free(c->ops.p);
	free(c->zlit.p);
	free(c->zops.p);
	free(c->zpref.p);
}

static uint64_t scratch_of(const struct rdelta *r)
{
	return hvb_region_scratch(r->enc, r->comp, r->old_len, r->raw_len);
}

static int name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > HVB_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i])))
			return 0;
	return 1;
}

/* ---- the output ELF ---- */

struct oseg {
	uint64_t vaddr, paddr, memsz, filesz, align, offset;
	uint32_t flags;
	const uint8_t *data;
	char sname[32];
	const char *what;
};

static int oseg_cmp(const void *x, const void *y)
{
	const struct oseg *a = x, *b = y;

	return a->vaddr < b->vaddr ? -1 : a->vaddr > b->vaddr;
}

static void note_put(struct buf *b, const char *name, uint32_t type,
		     const uint8_t *desc, size_t dsz)
{
	uint8_t h[12];
	size_t nsz = strlen(name) + 1;

	st32(h, (uint32_t)nsz);
	st32(h + 4, (uint32_t)dsz);
	st32(h + 8, type);
	buf_put(b, h, 12);
	buf_put(b, name, nsz);
	buf_align(b, 4);
	buf_put(b, desc, dsz);
	buf_align(b, 4);
}

/* the base's notes with the entries pointing at the stub; Xen notes only
 * the variants carry are added */
static void build_notes(const struct packctx *pc, uint64_t pvh_phys,
			uint64_t xen_virt, struct buf *out)
{
	const struct image *b = &pc->v[0].im;
	int have_pvh = 0;
	size_t i, k;
	uint8_t v[8];

	for (k = 0; k < pc->nv; k++) {
		const struct image *im = &pc->v[k].im;

		for (i = 0; i < im->nnotes; i++) {
			const struct note *n = &im->notes[i];
			const uint8_t *d = n->desc;

			if (k && (strcmp(n->name, "Xen") ||
				  img_note(b, n->name, n->type)))
				continue;	/* only Xen notes the base lacks */
			if (k) {
				size_t j;

				for (j = 1; j < k; j++)	/* first variant wins */
					if (img_note(&pc->v[j].im, "Xen", n->type))
						break;
				if (j < k)
					continue;
				warnx_("%s: Xen note type %u taken from variant %s",
				       b->path, n->type, pc->v[k].name);
			}
			if (!strcmp(n->name, "Xen") &&
			    n->type == XEN_ELFNOTE_PHYS32_ENTRY && n->descsz >= 4) {
				st64(v, pvh_phys);
				d = v;
				have_pvh = 1;
			} else if (!strcmp(n->name, "Xen") &&
				   n->type == XEN_ELFNOTE_ENTRY &&
				   (n->descsz == 4 || n->descsz == 8)) {
				st64(v, xen_virt);
				d = v;
			}
			note_put(out, n->name, n->type, d,
				 d == v ? (n->descsz > 8 ? 8 : n->descsz) : n->descsz);
		}
	}
	if (!have_pvh) {
		st32(v, (uint32_t)pvh_phys);
		note_put(out, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, v, 4);
	}
}

static int overlaps(const struct oseg *s, size_t n, const char *out)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const struct oseg *a = &s[i], *b = &s[j];

			if (!a->memsz || !b->memsz)
				continue;
			if ((a->vaddr < b->vaddr + b->memsz &&
			     b->vaddr < a->vaddr + a->memsz) ||
			    (a->paddr < b->paddr + b->memsz &&
			     b->paddr < a->paddr + a->memsz)) {
				ferr(out, "%s [0x%llx, 0x%llx) overlaps %s "
				     "[0x%llx, 0x%llx)", a->what,
				     (unsigned long long)a->vaddr,
				     (unsigned long long)(a->vaddr + a->memsz),
				     b->what, (unsigned long long)b->vaddr,
				     (unsigned long long)(b->vaddr + b->memsz));
				return -1;
			}
		}
	return 0;
}

struct osec {
	const char *name;
	uint32_t type;
	uint64_t flags, addr, offset, align;
	const uint8_t *data;
	uint64_t size;
};

static int write_elf(const char *path, const struct image *base,
		     uint64_t entry, struct oseg *segs, size_t nseg,
		     const struct buf *notes, const struct buf *xblob)
{
	struct osec sec[200];
	size_t ns = 0, i, nph = nseg + 1;
	struct buf shstr = { 0 };
	uint64_t off = 64 + nph * 56, note_off, x_off, shoff;
	uint32_t shname[200];
	GElf_Ehdr eh;
	Elf *e;
	int fd, rc = -1;

	if (nseg + 8 > 200) {
		ferr(path, "too many segments");
		return -1;
	}
	for (i = 0; i < nseg; i++) {
		struct oseg *s = &segs[i];
		uint64_t a = s->align > 1 ? s->align : 1;

		/* Loaders here copy segments (QEMU's PVH loader, Xen's libelf);
		 * none maps them, so file offsets need no page alignment, and
		 * page-aligning them would pad the file by kilobytes. */
		if (a & (a - 1))
			a = 1;
		if (a > FILE_ALIGN)
			a = FILE_ALIGN;
		s->align = a;
		off += (s->vaddr - off) & (a - 1);
		s->offset = off;
		off += s->filesz;
		if (s->filesz)
			sec[ns++] = (struct osec){ s->sname, SHT_PROGBITS,
				SHF_ALLOC | ((s->flags & PF_W) ? SHF_WRITE : 0) |
				((s->flags & PF_X) ? SHF_EXECINSTR : 0),
				s->vaddr, s->offset, 1, s->data, s->filesz };
	}
	off = (off + 3) & ~3ull;
	note_off = off;
	sec[ns++] = (struct osec){ ".note.hvb", SHT_NOTE, 0, 0, off, 4,
		notes->p, notes->len };
	off = (off + notes->len + 7) & ~7ull;
	x_off = off;
	sec[ns++] = (struct osec){ ".hvb_extract", SHT_PROGBITS, 0, 0, off, 8,
		xblob->p, xblob->len };
	off += xblob->len;
	buf_byte(&shstr, 0);
	for (i = 0; i < ns; i++) {
		shname[i] = (uint32_t)shstr.len;
		buf_put(&shstr, sec[i].name, strlen(sec[i].name) + 1);
	}
	shname[ns] = (uint32_t)shstr.len;
	buf_put(&shstr, ".shstrtab", 10);
	sec[ns] = (struct osec){ ".shstrtab", SHT_STRTAB, 0, 0, off, 1,
		shstr.p, shstr.len };
	ns++;
	off += shstr.len;
	shoff = (off + 7) & ~7ull;
	(void)x_off;

	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755)) < 0) {
		ferr(path, "%s", strerror(errno));
		free(shstr.p);
		return -1;
	}
	if (!(e = elf_begin(fd, ELF_C_WRITE, NULL)) ||
	    !gelf_newehdr(e, ELFCLASS64) || !gelf_getehdr(e, &eh))
		goto lerr;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = base->eh.e_ident[EI_OSABI];
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = 64;
	eh.e_shoff = shoff;
	eh.e_flags = 0;
	eh.e_shstrndx = (uint16_t)ns;
	if (!gelf_update_ehdr(e, &eh) || !gelf_newphdr(e, nph))
		goto lerr;
	for (i = 0; i < ns; i++) {
		Elf_Scn *scn = elf_newscn(e);
		Elf_Data *d;
		GElf_Shdr sh;

		if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
			goto lerr;
		d->d_buf = (void *)sec[i].data;
		d->d_size = sec[i].size;
		d->d_type = ELF_T_BYTE;
		d->d_align = 1;
		d->d_off = 0;
		d->d_version = EV_CURRENT;
		sh.sh_name = shname[i];
		sh.sh_type = sec[i].type;
		sh.sh_flags = sec[i].flags;
		sh.sh_addr = sec[i].addr;
		sh.sh_offset = sec[i].offset;
		sh.sh_size = sec[i].size;
		sh.sh_addralign = sec[i].align;
		if (!gelf_update_shdr(scn, &sh))
			goto lerr;
	}
	for (i = 0; i < nseg; i++) {
		GElf_Phdr ph = { PT_LOAD, segs[i].flags, segs[i].offset,
			segs[i].vaddr, segs[i].paddr, segs[i].filesz,
			segs[i].memsz, segs[i].align };

		if (!gelf_update_phdr(e, (int)i, &ph))
			goto lerr;
	}
	{
		GElf_Phdr ph = { PT_NOTE, PF_R, note_off, 0, 0, notes->len,
			notes->len, 4 };

		if (!gelf_update_phdr(e, (int)nseg, &ph))
			goto lerr;
	}
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	elf_fill(0);
	if (elf_update(e, ELF_C_WRITE) < 0)
		goto lerr;
	rc = 0;
	goto out;
lerr:
	ferr(path, "writing ELF: %s", elf_errmsg(-1));
out:
	if (e)
		elf_end(e);
	if (close(fd) < 0 && !rc) {
		ferr(path, "%s", strerror(errno));
		rc = -1;
	}
	free(shstr.p);
	return rc;
}

/* ---- pack ---- */

static int pack_usage(void)
{
	return 2;
}

static void free_pc(struct packctx *pc)
{
	size_t i, k;

	for (i = 0; i < pc->nv; i++) {
		for (k = 0; k < pc->v[i].nr; k++)
			free(pc->v[i].r[k].data.p);
		free(pc->v[i].r);
		free(pc->v[i].res.p);
		free(pc->v[i].segs.p);
		diff_free(&pc->v[i].st);
		img_close(&pc->v[i].im);
	}
	free(pc->v);
}

/* reopen what we wrote and rebuild every input file from it */
static int selfcheck(const char *out, const struct packctx *pc)
{
	struct bundle b;
	size_t i;
	int rc = 0;

	if (bundle_open(&b, out) || xblob_parse(&b)) {
		bundle_close(&b);
		return -1;
	}
	for (i = 0; i < pc->nv && !rc; i++) {
		uint8_t *f;
		size_t n;

		if (bundle_file(&b, pc->v[i].name, &f, &n)) {
			rc = -1;
			break;
		}
		if (n != pc->v[i].im.filesize || memcmp(f, pc->v[i].im.file, n)) {
			ferr(out, "self-check: %s does not rebuild exactly",
			     pc->v[i].name);
			rc = -1;
		}
		free(f);
	}
	bundle_close(&b);
	return rc;
}

int cmd_pack(int argc, char **argv)
{
	const char *out = NULL, *stubp = NULL, *names[HVB_MAX_VARIANTS];
	const char *paths[HVB_MAX_VARIANTS];
	struct packctx pc;
	struct image stub;
	struct oseg *segs = NULL;
	struct buf payload = { 0 }, xblob = { 0 }, notes = { 0 };
	struct cands **cand = NULL;
	uint8_t *bw = NULL, **vws = NULL, **stubdata = NULL;
	struct bsjob *jobs = NULL;
	size_t njobs = 0;
	uint64_t wend, tot_raw = 0, tot_zstd = 0, tot_pref = 0, tot_delta = 0;
	uint64_t pvh_addr, xen_addr, par_addr, size, pvh_phys, pv, ppa, send = 0;
	uint64_t hcpage = 0;
	size_t nv = 1, i, k, nseg = 0;
	int mode = C_AUTO, rc = 1, stub_open = 0, zstd;
	char h1[32], h2[32], h3[32], h4[32], h5[32];

	memset(&pc, 0, sizeof(pc));
	names[0] = NULL;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i], *val = i + 1 < (size_t)argc ? argv[i + 1] : NULL;
		const char **np;
		char *eq;

		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose++;
			continue;
		}
		if (!val)
			return pack_usage();
		i++;
		if (!strcmp(a, "-o"))
			out = val;
		else if (!strcmp(a, "--stub"))
			stubp = val;
		else if (!strcmp(a, "--compress")) {
			if (!strcmp(val, "auto"))
				mode = C_AUTO;
			else if (!strcmp(val, "none"))
				mode = C_NONE;
			else if (!strcmp(val, "zstd"))
				mode = C_ZSTD;
			else
				return pack_usage();
		} else if (!strcmp(a, "--base") || !strcmp(a, "--variant")) {
			if (!(eq = strchr(val, '=')) || !eq[1])
				return pack_usage();
			if (a[2] == 'b') {
				if (names[0])
					return pack_usage();
				np = &names[0];
				k = 0;
			} else {
				if (nv == HVB_MAX_VARIANTS) {
					warnx_("too many variants (at most %u)",
					       HVB_MAX_VARIANTS - 1);
					return 1;
				}
				k = nv++;
				np = &names[k];
			}
			*eq = 0;
			*np = val;
			paths[k] = eq + 1;
			if (!name_ok(val)) {
				warnx_("%s: bad variant name (1 to %u of "
				       "[A-Za-z0-9_.-])", val, HVB_NAME_MAX);
				return 1;
			}
		} else
			return pack_usage();
	}
	if (!out || !stubp || !names[0])
		return pack_usage();
	for (i = 0; i < nv; i++)
		for (k = 0; k < i; k++)
			if (!strcmp(names[i], names[k])) {
				warnx_("%s: variant named twice", names[i]);
				return 1;
			}

	pc.nv = nv;
	pc.v = xcalloc(nv, sizeof(struct pvar));
	for (i = 0; i < nv; i++) {
		struct pvar *v = &pc.v[i];

		if (img_open(&v->im, paths[i]))
			goto out;
		v->name = names[i];
		v->hash = img_hash(&v->im);
		if (!img_note_entry(&v->im, XEN_ELFNOTE_PHYS32_ENTRY, &v->pvh))
			v->pvh = 0;
		if (!img_note_entry(&v->im, XEN_ELFNOTE_ENTRY, &v->xen))
			v->xen = 0;
	}
	if (img_open(&stub, stubp))
		goto out;
	stub_open = 1;

	/* the work area: every variant's loaded extent, bss included */
	pc.w0 = pc.v[0].im.lo;
	wend = pc.v[0].im.memend;
	for (i = 1; i < nv; i++) {
		if (pc.v[i].im.lo < pc.w0)
			pc.w0 = pc.v[i].im.lo;
		if (pc.v[i].im.memend > wend)
			wend = pc.v[i].im.memend;
	}
	pc.wsize = wend - pc.w0;
	if (pc.wsize > 0xffffffffu) {
		warnx_("variants' loaded extents span more than 4 GiB");
		goto out;
	}

	/* deltas: regions first, then bsdiff for all of them at once, then
	 * the measurements */
	bw = xmalloc(pc.wsize);
	vws = xcalloc(nv, sizeof(*vws));
	img_fill(&pc.v[0].im, bw, pc.w0, pc.wsize);
	cand = xcalloc(nv, sizeof(*cand));
	for (i = 0; i < nv; i++) {
		struct pvar *v = &pc.v[i];
		struct range *rg = NULL;
		uint64_t cmp_end, dend, j;

		diff_symbols(&pc.v[0].im, &v->im, &v->st);
		if (i == 0)
			continue;
		vws[i] = xmalloc(pc.wsize);
		img_fill(&v->im, vws[i], pc.w0, pc.wsize);
		cmp_end = v->im.hi - pc.w0;
		dend = (v->im.hi > pc.v[0].im.hi ? v->im.hi : pc.v[0].im.hi) - pc.w0;
		for (j = 0; j < dend; j++)
			v->bytes_differ += bw[j] != vws[i][j];
		v->nr = diff_regions(&pc.v[0].im, &v->im, bw, vws[i], pc.w0,
				     cmp_end, &rg);
		v->r = xcalloc(v->nr ? v->nr : 1, sizeof(struct rdelta));
		cand[i] = xcalloc(v->nr ? v->nr : 1, sizeof(struct cands));
		for (k = 0; k < v->nr; k++) {
			struct rdelta *r = &v->r[k];

			r->start = rg[k].start;
			r->old_len = r->new_len = rg[k].end - rg[k].start;
			if (wants_bsdiff(bw + r->start, r->old_len)) {
				jobs = xrealloc(jobs, (njobs + 1) * sizeof(*jobs));
				jobs[njobs++] = (struct bsjob){ bw + r->start,
					vws[i] + r->start, r->old_len,
					&cand[i][k].ops, 0 };
			}
		}
		free(rg);
	}
	if (bsdelta_batch(jobs, njobs))
		goto out;
	for (i = 1; i < nv; i++) {
		struct pvar *v = &pc.v[i];

		for (k = 0; k < v->nr; k++) {
			struct rdelta *r = &v->r[k];

			encode(bw + r->start, vws[i] + r->start, r->old_len,
			       &cand[i][k]);
			v->delta_raw += sz_raw(&cand[i][k]);
			v->delta_zstd += sz_zstd(&cand[i][k]);
			v->delta_prefix += sz_pref(&cand[i][k]);
			if (verbose > 1)
				warnx_("%s: region 0x%llx+%llu: literal %zu, ops %zu, "
				       "zstd %zu/%zu, zstd-prefix %zu", v->name,
				       (unsigned long long)(pc.w0 + r->start),
				       (unsigned long long)r->old_len,
				       cand[i][k].lit.len, cand[i][k].ops.len,
				       cand[i][k].zlit.len, cand[i][k].zops.len,
				       cand[i][k].zpref.len);
		}
		tot_raw += v->delta_raw;
		tot_zstd += v->delta_zstd;
		tot_pref += v->delta_prefix;
	}

	/* compression: zstd in the payload only if it saves more than the
	 * decoder would add to the stub */
	{
		uint64_t zbest = tot_zstd < tot_pref ? tot_zstd : tot_pref;

		zstd = mode == C_ZSTD ||
		    (mode == C_AUTO && tot_raw > zbest + ZSTD_DECODER_COST);
		if (verbose || mode == C_AUTO)
			warnx_("deltas: uncompressed %s, bsdiff+zstd %s, zstd with "
			       "base prefix %s; zstd decoder %s of stub text: %s",
			       human(tot_raw, h1, sizeof(h1)),
			       human(tot_zstd, h2, sizeof(h2)),
			       human(tot_pref, h3, sizeof(h3)),
			       human(ZSTD_DECODER_COST, h4, sizeof(h4)),
			       zstd ? "zstd" : "uncompressed");
	}
	pc.compress = zstd;
	pc.xcompress = mode != C_NONE;
	for (i = 1; i < nv; i++) {
		struct pvar *v = &pc.v[i];
		char hb[32];

		for (k = 0; k < v->nr; k++) {
			choose(&v->r[k], &cand[i][k], zstd);
			v->delta_bytes += v->r[k].data.len;
			if (scratch_of(&v->r[k]) > pc.max_scratch)
				pc.max_scratch = (uint32_t)scratch_of(&v->r[k]);
		}
		tot_delta += v->delta_bytes + v->nr * HVB_REGION_ENTRY_SIZE;
		warnx_("%s: %u of %u functions, %u of %u objects, %u of %u "
		       "sections differ; %llu bytes differ in %zu regions, "
		       "delta %s", v->name, v->st.differ[K_FUNC],
		       v->st.total[K_FUNC], v->st.differ[K_OBJECT],
		       v->st.total[K_OBJECT], v->st.differ[K_SECTION],
		       v->st.total[K_SECTION],
		       (unsigned long long)v->bytes_differ, v->nr,
		       human(v->delta_bytes, hb, sizeof(hb)));
		free(cand[i]);
		cand[i] = NULL;
	}

	/* the stub */
	if (!img_lookup(&stub, "hvb_stub_pvh_entry", &pvh_addr, &size) ||
	    !img_lookup(&stub, "hvb_stub_xen_entry", &xen_addr, &size) ||
	    !img_lookup(&stub, "hvb_stub_params", &par_addr, &size)) {
		ferr(stubp, "not a boot stub (needs symbols hvb_stub_pvh_entry, "
		     "hvb_stub_xen_entry, hvb_stub_params)");
		goto out;
	}
	if (size && size < 32) {
		ferr(stubp, "hvb_stub_params is %llu bytes, needs 32",
		     (unsigned long long)size);
		goto out;
	}
	pvh_phys = 0;
	for (i = 0; i < stub.nloads; i++) {
		const struct seg *s = &stub.loads[i];

		if (pvh_addr >= s->vaddr && pvh_addr < s->vaddr + s->memsz)
			pvh_phys = pvh_addr - s->vaddr + s->paddr;
		if (s->vaddr + s->memsz > send)
			send = s->vaddr + s->memsz;
	}
	if (!pvh_phys || pvh_phys > 0xffffffffu) {
		ferr(stubp, "hvb_stub_pvh_entry 0x%llx is not in a segment "
		     "below 4 GiB physical", (unsigned long long)pvh_addr);
		goto out;
	}

	payload_build(&pc, &payload);
	if (payload.len > 0xffffffffu) {
		warnx_("payload larger than 4 GiB");
		goto out;
	}
	xblob_build(&pc, ld64(payload.p + HVB_PAYLOAD_HASH_OFF), &xblob);

	/* Xen fills the hypercall page at load, inside the work area; the
	 * stub saves it before applying and puts it back after.  The page
	 * the bundle's notes name: the base's, else the first variant's. */
	for (k = 0; k < pc.nv; k++)
		if (img_note_entry(&pc.v[k].im, XEN_ELFNOTE_HYPERCALL_PAGE, &hcpage))
			break;
	if (k == pc.nv)
		hcpage = 0;
	if (hcpage & (PAGE - 1)) {
		ferr(pc.v[k].im.path, "Xen hypercall page 0x%llx is not "
		     "page-aligned", (unsigned long long)hcpage);
		goto out;
	}

	pv = (send + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	{
		const struct seg *ls = &stub.loads[stub.nloads - 1];

		ppa = pv - (ls->vaddr - ls->paddr);
	}

	/* segments of the bundle */
	segs = xcalloc(pc.v[0].im.nloads + stub.nloads + 2, sizeof(*segs));
	stubdata = xcalloc(stub.nloads, sizeof(*stubdata));
	{
		const struct image *b = &pc.v[0].im;

		if (pc.w0 < b->lo) {	/* room below the base */
			struct oseg *s = &segs[nseg++];

			s->vaddr = pc.w0;
			s->paddr = b->loads[0].paddr - (b->lo - pc.w0);
			s->memsz = b->lo - pc.w0;
			s->flags = PF_R | PF_W;
			s->align = PAGE;
			s->what = "room below the base";
		}
		for (i = 0; i < b->nloads; i++) {
			struct oseg *s = &segs[nseg++];
			const struct seg *l = &b->loads[i];
			uint64_t next = i + 1 < b->nloads ? b->loads[i + 1].vaddr : wend;

			s->vaddr = l->vaddr;
			s->paddr = l->paddr;
			s->filesz = l->filesz;
			/* cover gaps and the biggest variant so the loader
			 * zeroes (and reserves) them */
			s->memsz = next - l->vaddr;
			s->align = l->align;
			s->flags = l->flags;
			s->data = b->file + l->offset;
			snprintf(s->sname, sizeof(s->sname), ".hvb_base%zu", i);
			s->what = "the kernel work area";
		}
		for (i = 0; i < stub.nloads; i++) {
			struct oseg *s = &segs[nseg++];
			const struct seg *l = &stub.loads[i];

			stubdata[i] = xmalloc(l->filesz);
			memcpy(stubdata[i], stub.file + l->offset, l->filesz);
			s->vaddr = l->vaddr;
			s->paddr = l->paddr;
			s->filesz = l->filesz;
			s->memsz = l->memsz;
			s->align = l->align;
			s->flags = l->flags;
			s->data = stubdata[i];
			snprintf(s->sname, sizeof(s->sname), ".hvb_stub%zu", i);
			s->what = "the stub";
			if (par_addr >= l->vaddr && par_addr + 32 <= l->vaddr + l->filesz) {
				uint8_t *p = stubdata[i] + (par_addr - l->vaddr);

				memcpy(p, "HVBSTUB1", 8);
				st64(p + 8, ppa);
				st64(p + 16, payload.len);
				st64(p + 24, hcpage);
				par_addr = 0;
			}
		}
		if (par_addr) {
			ferr(stubp, "hvb_stub_params is not in a file-backed "
			     "segment (.data)");
			goto out;
		}
		segs[nseg] = (struct oseg){ pv, ppa, payload.len, payload.len,
			PAGE, 0, PF_R, payload.p, ".hvb_payload", "the payload" };
		nseg++;
	}
	qsort(segs, nseg, sizeof(*segs), oseg_cmp);
	if (overlaps(segs, nseg, out))
		goto out;
	build_notes(&pc, pvh_phys, xen_addr, &notes);
	if (write_elf(out, &pc.v[0].im, stub.eh.e_entry, segs, nseg, &notes,
		      &xblob))
		goto out;
	if (selfcheck(out, &pc)) {
		unlink(out);
		goto out;
	}
	{
		uint64_t sb = 0;

		for (i = 0; i < stub.nloads; i++)
			sb += stub.loads[i].filesz;
		warnx_("%s: stub %s, base %s, payload %s (deltas and tables "
		       "%s), extract data %s", out, human(sb, h1, sizeof(h1)),
		       human(pc.v[0].im.hi - pc.v[0].im.lo, h2, sizeof(h2)),
		       human(payload.len, h3, sizeof(h3)),
		       human(tot_delta, h4, sizeof(h4)),
		       human(xblob.len, h5, sizeof(h5)));
	}
	rc = 0;
out:
	if (cand)
		for (i = 0; i < nv; i++)
			if (cand[i]) {
				for (k = 0; k < pc.v[i].nr; k++) {
					free(cand[i][k].lit.p);
					free(cand[i][k].ops.p);
					free(cand[i][k].zlit.p);
					free(cand[i][k].zops.p);
					free(cand[i][k].zpref.p);
				}
				free(cand[i]);
			}
	free(cand);
	if (stubdata)
		for (i = 0; i < stub.nloads; i++)
			free(stubdata[i]);
	free(stubdata);
	free(segs);
	free(bw);
	if (vws)
		for (i = 0; i < nv; i++)
			free(vws[i]);
	free(vws);
	free(jobs);
	free(payload.p);
	free(xblob.p);
	free(notes.p);
	if (stub_open)
		img_close(&stub);
	free_pc(&pc);
	return rc;
}
