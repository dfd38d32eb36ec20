/* layout.c: where everything goes in the bundle (FORMAT.md section 2):
 * the base's segments widened over the work area, the stub's segments
 * with its parameters filled, the payload after the stub, and the notes
 * that send both entries to the stub. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

#define XEN_ELFNOTE_ENTRY		1
#define XEN_ELFNOTE_HYPERCALL_PAGE	2
#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define PAGE	4096u

int xen_entries(const struct image *im, uint64_t *pvh, uint64_t *xen)
{
	if (!img_note_entry(im, XEN_ELFNOTE_PHYS32_ENTRY, pvh))
		*pvh = 0;
	if (!img_note_entry(im, XEN_ELFNOTE_ENTRY, xen))
		*xen = 0;
	return 0;
}

/* its segments' bytes (to be moved and filled) and its extent */
static void stub_extent(struct stubinfo *st)
{
	size_t i;

	st->data = xcalloc(st->im.nloads, sizeof(*st->data));
	st->vlo = st->plo = UINT64_MAX;
	for (i = 0; i < st->im.nloads; i++) {
		const struct seg *s = &st->im.loads[i];

		st->data[i] = xmalloc(s->filesz ? s->filesz : 1);
		memcpy(st->data[i], st->im.file + s->offset, s->filesz);
		if (st->pvh_addr >= s->vaddr && st->pvh_addr < s->vaddr + s->memsz)
			st->pvh_phys = st->pvh_addr - s->vaddr + s->paddr;
		if (s->vaddr < st->vlo)
			st->vlo = s->vaddr;
		if (s->paddr < st->plo)
			st->plo = s->paddr;
		if (s->vaddr + s->memsz > st->vend)
			st->vend = s->vaddr + s->memsz;
		if (s->paddr + s->memsz > st->pend)
			st->pend = s->paddr + s->memsz;
	}
}

/* the stub's contract symbols and where its PVH entry is physically */
int stub_open(struct stubinfo *st, const char *path)
{
	uint64_t size;

	memset(st, 0, sizeof(*st));
	if (img_open(&st->im, path))
		return -1;
	st->open = 1;
	if (!img_lookup(&st->im, HVB_STUB_PVH_ENTRY_SYM, &st->pvh_addr, &size) ||
	    !img_lookup(&st->im, HVB_STUB_XEN_ENTRY_SYM, &st->xen_addr, &size) ||
	    !img_lookup(&st->im, HVB_STUB_PARAMS_SYM, &st->par_addr, &size)) {
		ferr(path, "not a boot stub (needs symbols %s, %s, %s)",
		     HVB_STUB_PVH_ENTRY_SYM, HVB_STUB_XEN_ENTRY_SYM,
		     HVB_STUB_PARAMS_SYM);
		return -1;
	}
	if (size && size < HVB_STUB_PARAMS_SIZE) {
		ferr(path, "%s is %llu bytes, needs %u", HVB_STUB_PARAMS_SYM,
		     (unsigned long long)size, HVB_STUB_PARAMS_SIZE);
		return -1;
	}
	stub_extent(st);
	if (!img_lookup(&st->im, HVB_STUB_SCRATCH_SYM, &st->scr_addr, &size) ||
	    st->scr_addr != st->vend || st->scr_addr & (PAGE - 1)) {
		ferr(path, "needs the symbol %s at the 4 KiB-aligned end of its "
		     "last segment (its scratch goes there)", HVB_STUB_SCRATCH_SYM);
		return -1;
	}
	if (!st->pvh_phys || st->pvh_phys > 0xffffffffu) {
		ferr(path, "%s 0x%llx is not in a segment below 4 GiB physical",
		     HVB_STUB_PVH_ENTRY_SYM, (unsigned long long)st->pvh_addr);
		return -1;
	}
	return stub_read_relocs(st);
}

void stub_close(struct stubinfo *st)
{
	size_t i;

	for (i = 0; st->data && i < st->im.nloads; i++)
		free(st->data[i]);
	free(st->data);
	free(st->rel);
	if (st->open)
		img_close(&st->im);
	memset(st, 0, sizeof(*st));
}

/* Xen fills the hypercall page at load, inside the work area; the stub
 * saves it before applying and puts it back after.  The page the
 * bundle's notes name: the base's, else the first variant's (0: none). */
int bundle_hypercall_page(const struct packctx *pc, uint64_t *hc)
{
	size_t k;

	*hc = 0;
	for (k = 0; k < pc->nv; k++)
		if (img_note_entry(&pc->v[k].im, XEN_ELFNOTE_HYPERCALL_PAGE, hc))
			break;
	if (k == pc->nv)
		*hc = 0;
	if (*hc & (PAGE - 1)) {
		ferr(pc->v[k].im.path, "Xen hypercall page 0x%llx is not "
		     "page-aligned", (unsigned long long)*hc);
		return -1;
	}
	return 0;
}

static struct oseg *new_seg(struct layout *lo)
{
	lo->segs = xrealloc(lo->segs, (lo->nseg + 1) * sizeof(*lo->segs));
	memset(&lo->segs[lo->nseg], 0, sizeof(*lo->segs));
	return &lo->segs[lo->nseg++];
}

/* the base's PT_LOADs, each widened to reach the next so that the loader
 * zeroes (and reserves) the gaps and room for the biggest variant */
static void base_segs(const struct packctx *pc, struct layout *lo)
{
	const struct image *b = &pc->v[0].im;
	uint64_t wend = pc->w0 + pc->wsize;
	size_t i;

	if (pc->w0 < b->lo) {
		struct oseg *s = new_seg(lo);

		s->vaddr = pc->w0;
		s->paddr = b->loads[0].paddr - (b->lo - pc->w0);
		s->memsz = b->lo - pc->w0;
		s->flags = PF_R | PF_W;
		s->align = PAGE;
		s->what = "room below the base";
	}
	for (i = 0; i < b->nloads; i++) {
		const struct seg *l = &b->loads[i];
		uint64_t next = i + 1 < b->nloads ? b->loads[i + 1].load : wend;
		struct oseg *s = new_seg(lo);

		s->vaddr = l->vaddr;
		s->paddr = l->paddr;
		s->filesz = l->filesz;
		s->memsz = next - l->load;
		s->align = l->align;
		s->flags = l->flags;
		s->data = b->file + l->offset;
		snprintf(s->sname, sizeof(s->sname), "%s%zu", HVB_SEC_BASE, i);
		s->what = "the kernel work area";
	}
}

static void fill_params(uint8_t *p, const struct layout *lo, uint64_t psize,
			uint64_t scratch)
{
	memcpy(p + HVB_SP_MAGIC, HVB_STUB_MAGIC, sizeof(HVB_STUB_MAGIC) - 1);
	st64(p + HVB_SP_PAYLOAD_PADDR, lo->payload_paddr);
	st64(p + HVB_SP_PAYLOAD_SIZE, psize);
	st64(p + HVB_SP_HYPERCALL_PAGE, lo->hcpage);
	st64(p + HVB_SP_SCRATCH_SIZE, scratch);
}

/* the stub's PT_LOADs, as moved, with hvb_stub_params filled; the one
 * that ends at its scratch symbol widened over the scratch */
static int stub_segs(struct stubinfo *st, struct layout *lo, uint64_t psize)
{
	const struct image *im = &st->im;
	int filled = 0;
	size_t i;

	for (i = 0; i < im->nloads; i++) {
		const struct seg *l = &im->loads[i];
		struct oseg *s = new_seg(lo);

		*s = (struct oseg){ l->vaddr, l->paddr, l->memsz, l->filesz,
			l->align, 0, l->flags, st->data[i], "", "the stub", 1 };
		if (l->vaddr + l->memsz == st->scr_addr)
			s->memsz += st->scratch;
		snprintf(s->sname, sizeof(s->sname), "%s%zu", HVB_SEC_STUB, i);
		if (st->par_addr >= l->vaddr &&
		    st->par_addr + HVB_STUB_PARAMS_SIZE <= l->vaddr + l->filesz) {
			fill_params(st->data[i] + (st->par_addr - l->vaddr), lo, psize,
				    st->scratch);
			filled = 1;
		}
	}
	if (!filled)
		ferr(im->path, "%s is not in a file-backed segment (.data)",
		     HVB_STUB_PARAMS_SYM);
	return filled ? 0 : -1;
}

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* the payload's place: the first page after the stub and its scratch */
static void payload_place(const struct stubinfo *st, uint64_t *va, uint64_t *pa)
{
	const struct seg *ls = &st->im.loads[st->im.nloads - 1];

	*va = page_up(st->vend + st->scratch);
	*pa = *va - (ls->vaddr - ls->paddr);
}

static int span_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Move the stub (and the payload after it) where the kernel is not, if
 * it is not already: just above the work area, else just below it, in
 * the first GiB the stub maps. */
static int place_stub(const struct packctx *pc, struct stubinfo *st,
		      uint64_t psize, const char *out)
{
	const struct seg *b0 = &pc->v[0].im.loads[0];
	uint64_t wp = pc->w0 - (b0->load - b0->paddr);	/* work area, physical */
	uint64_t va, pa, need, cand[3];
	int i;

	if (wp >= HVB_STUB_MAPPED_PHYS || pc->wsize > HVB_STUB_MAPPED_PHYS - wp) {
		ferr(out, "the kernel work area [0x%llx, 0x%llx) physical is not "
		     "below %llu MiB, all the stub maps", (unsigned long long)wp,
		     (unsigned long long)(wp + pc->wsize),
		     (unsigned long long)(HVB_STUB_MAPPED_PHYS >> 20));
		return -1;
	}
	payload_place(st, &va, &pa);
	need = pa + psize - st->plo;	/* stub, scratch, gap, payload */
	cand[0] = st->plo;
	cand[1] = (wp + pc->wsize + 0x1fffff) & ~0x1fffffull;	/* 2 MiB up */
	cand[2] = (wp - need) & ~(uint64_t)(PAGE - 1);
	for (i = 0; i < 3; i++) {
		if (i == 2 && (wp < need || cand[2] < 0x100000))
			break;
		if (cand[i] + need > HVB_STUB_MAPPED_PHYS ||
		    span_overlaps(cand[i], need, wp, pc->wsize))
			continue;
		if (i && !st->nrel) {
			ferr(out, "the stub [0x%llx, 0x%llx) overlaps the kernel work "
			     "area [0x%llx, 0x%llx) physical, and %s has no "
			     "relocations to move it (link it with --emit-relocs)",
			     (unsigned long long)st->plo,
			     (unsigned long long)(st->plo + need),
			     (unsigned long long)wp,
			     (unsigned long long)(wp + pc->wsize), st->im.path);
			return -1;
		}
		if (i && !quiet)
			warnx_("stub moved from 0x%llx to 0x%llx physical",
			       (unsigned long long)st->plo,
			       (unsigned long long)cand[i]);
		return stub_move(st, cand[i] - st->plo);
	}
	ferr(out, "no room for the stub, its scratch (%llu bytes) and the payload "
	     "(%llu bytes in all) below %llu MiB physical outside the kernel work "
	     "area [0x%llx, 0x%llx)", (unsigned long long)st->scratch,
	     (unsigned long long)need,
	     (unsigned long long)(HVB_STUB_MAPPED_PHYS >> 20),
	     (unsigned long long)wp, (unsigned long long)(wp + pc->wsize));
	return -1;
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

static void note_put(struct buf *b, const char *name, uint32_t type,
		     const uint8_t *desc, size_t dsz)
{
	uint8_t h[sizeof(Elf64_Nhdr)];
	size_t nsz = strlen(name) + 1;

	st32(h + offsetof(Elf64_Nhdr, n_namesz), (uint32_t)nsz);
	st32(h + offsetof(Elf64_Nhdr, n_descsz), (uint32_t)dsz);
	st32(h + offsetof(Elf64_Nhdr, n_type), type);
	buf_put(b, h, sizeof(h));
	buf_put(b, name, nsz);
	buf_align(b, 4);
	buf_put(b, desc, dsz);
	buf_align(b, 4);
}

/* a variant's Xen note the base lacks and no earlier variant has */
static int note_wanted(const struct packctx *pc, size_t k, const struct note *n)
{
	size_t j;

	if (k == 0)
		return 1;
	if (strcmp(n->name, "Xen") || img_note(&pc->v[0].im, n->name, n->type))
		return 0;
	for (j = 1; j < k; j++)
		if (img_note(&pc->v[j].im, "Xen", n->type))
			return 0;
	if (!quiet)
		warnx_("%s: Xen note type %u taken from variant %s",
		       pc->v[0].im.path, n->type, pc->v[k].name);
	return 1;
}

/* one note, its entry redirected to the stub; 1 if it is the PVH one */
static int note_one(struct buf *out, const struct note *n, uint64_t pvh_phys,
		    uint64_t xen_virt)
{
	uint8_t v[8];
	int xen = !strcmp(n->name, "Xen");

	if (xen && n->type == XEN_ELFNOTE_PHYS32_ENTRY && n->descsz >= 4) {
		st64(v, pvh_phys);
		note_put(out, n->name, n->type, v, n->descsz > 8 ? 8 : n->descsz);
		return 1;
	}
	if (xen && n->type == XEN_ELFNOTE_ENTRY &&
	    (n->descsz == 4 || n->descsz == 8)) {
		st64(v, xen_virt);
		note_put(out, n->name, n->type, v, n->descsz);
	} else {
		note_put(out, n->name, n->type, n->desc, n->descsz);
	}
	return 0;
}

/* the base's notes with the entries pointing at the stub; Xen notes only
 * the variants carry are added */
static void build_notes(const struct packctx *pc, uint64_t pvh_phys,
			uint64_t xen_virt, struct buf *out)
{
	int have_pvh = 0;
	size_t i, k;
	uint8_t v[4];

	for (k = 0; k < pc->nv; k++) {
		const struct image *im = &pc->v[k].im;

		for (i = 0; i < im->nnotes; i++)
			if (note_wanted(pc, k, &im->notes[i]))
				have_pvh |= note_one(out, &im->notes[i], pvh_phys,
						     xen_virt);
	}
	if (!have_pvh) {
		st32(v, (uint32_t)pvh_phys);
		note_put(out, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, v, 4);
	}
}

/* the stub's contract symbols, for the bundle's .symtab */
static void stub_syms(const struct stubinfo *st, struct layout *lo)
{
	lo->syms[0] = (struct osym){ HVB_STUB_PVH_ENTRY_SYM, st->pvh_addr, 0,
		STT_FUNC };
	lo->syms[1] = (struct osym){ HVB_STUB_XEN_ENTRY_SYM, st->xen_addr, 0,
		STT_FUNC };
	lo->syms[2] = (struct osym){ HVB_STUB_PARAMS_SYM, st->par_addr,
		HVB_STUB_PARAMS_SIZE, STT_OBJECT };
	lo->nsyms = 3;
}

int layout_bundle(const struct packctx *pc, struct stubinfo *st,
		  const struct buf *payload, const char *out, struct layout *lo)
{
	uint64_t pv;
	struct oseg *s;
	size_t k;

	memset(lo, 0, sizeof(*lo));
	/* the scratch the payload needs (encode.c frames within the cap),
	 * and beyond it room for the largest move table's index */
	st->scratch = 0;
	for (k = 0; k < pc->nv; k++)
		if (hvb_move_index_room(pc->v[k].nmv) > st->scratch)
			st->scratch = hvb_move_index_room(pc->v[k].nmv);
	st->scratch += pc->max_scratch;
	if (st->scratch > HVB_STUB_SCRATCH_MAX) {
		ferr(out, "the payload needs %llu bytes of stub scratch, more than "
		     "HVB_STUB_SCRATCH_MAX (%u)", (unsigned long long)st->scratch,
		     HVB_STUB_SCRATCH_MAX);
		return -1;
	}
	if (bundle_hypercall_page(pc, &lo->hcpage) ||
	    place_stub(pc, st, payload->len, out))
		return -1;
	payload_place(st, &pv, &lo->payload_paddr);
	/* the base first (its first PT_LOAD places the loaded image,
	 * FORMAT.md), then the stub, then the payload */
	base_segs(pc, lo);
	if (stub_segs(st, lo, payload->len) || stubcheck_fill(st, lo))
		return -1;
	s = new_seg(lo);
	*s = (struct oseg){ pv, lo->payload_paddr, payload->len, payload->len,
		PAGE, 0, PF_R, payload->p, HVB_SEC_PAYLOAD, "the payload", 0 };
	if (overlaps(lo->segs, lo->nseg, out))
		return -1;
	build_notes(pc, st->pvh_phys, st->xen_addr, &lo->notes);
	stub_syms(st, lo);
	lo->entry = st->im.eh.e_entry;
	return 0;
}

void layout_free(struct layout *lo)
{
	free(lo->segs);
	free(lo->notes.p);
	memset(lo, 0, sizeof(*lo));
}
