/* elfimg.c: read an x86-64 ELF executable with libelf: its loadable
 * segments, loaded memory image, symbols, sections and notes. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"
#include "hvb_hash.h"

#ifndef MAX_EXTENT	/* the fuzz targets set a smaller one */
#define MAX_EXTENT	(1ull << 30)	/* loaded images up to 1 GiB */
#endif /* MAX_EXTENT */

static int load_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->load < y->load ? -1 : x->load > y->load;
}

static int sym_cmp_name(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if ((c = strcmp(x->name, y->name)))
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int sym_cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* s is NULL for an image without symbols (stripped): qsort may not be
 * given NULL even for no elements. */
static void number_syms(struct sym *s, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	qsort(s, n, sizeof(*s), sym_cmp_name);
	for (i = 0; i < n; i++)
		s[i].occ = (i && s[i - 1].kind == s[i].kind &&
			    !strcmp(s[i - 1].name, s[i].name)) ? s[i - 1].occ + 1 : 0;
	qsort(s, n, sizeof(*s), sym_cmp_addr);
}

static int read_symtab(struct image *im, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;

	if (!d || sh->sh_entsize == 0) {
		ferr(im->path, "unreadable symbol table: %s", elf_errmsg(-1));
		return -1;
	}
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *name;
		int t;

		if (!gelf_getsym(d, (int)i, &s)) {
			ferr(im->path, "bad symbol %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		t = GELF_ST_TYPE(s.st_info);
		if ((t != STT_FUNC && t != STT_OBJECT) || s.st_size == 0 ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(im->elf, sh->sh_link, s.st_name);
		if (!name) {
			ferr(im->path, "bad symbol name: %s", elf_errmsg(-1));
			return -1;
		}
		im->syms = xrealloc(im->syms, (im->nsyms + 1) * sizeof(struct sym));
		im->syms[im->nsyms++] = (struct sym){ xstrdup(name),
			img_v2l(im, s.st_value),
			s.st_size, t == STT_FUNC ? K_FUNC : K_OBJECT, 0 };
	}
	return 0;
}

static int read_sections(struct image *im)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn = NULL;

	if (im->eh.e_shoff == 0)
		return 0;
	if (elf_getshdrnum(im->elf, &shnum) < 0 ||
	    elf_getshdrstrndx(im->elf, &shstrndx) < 0) {
		ferr(im->path, "bad section header table: %s", elf_errmsg(-1));
		return -1;
	}
	if (im->eh.e_shoff > im->filesize ||
	    (uint64_t)(shnum > im->eh.e_shnum ? shnum : im->eh.e_shnum) *
	    im->eh.e_shentsize > im->filesize - im->eh.e_shoff) {
		ferr(im->path, "truncated: section headers past end of file");
		return -1;
	}
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			ferr(im->path, "bad section header: %s", elf_errmsg(-1));
			return -1;
		}
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > im->filesize ||
		    sh.sh_size > im->filesize - sh.sh_offset)) {
			ferr(im->path, "truncated: section %zu past end of file",
			     elf_ndxscn(scn));
			return -1;
		}
		name = elf_strptr(im->elf, shstrndx, sh.sh_name);
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_size &&
		    !(sh.sh_flags & SHF_TLS) && sh.sh_type != SHT_NOBITS) {
			im->sects = xrealloc(im->sects,
					     (im->nsects + 1) * sizeof(struct sym));
			im->sects[im->nsects++] = (struct sym){
				xstrdup(name ? name : "?"), img_v2l(im, sh.sh_addr),
				sh.sh_size, K_SECTION, 0 };
		}
		if (sh.sh_type == SHT_SYMTAB && read_symtab(im, scn, &sh))
			return -1;
	}
	number_syms(im->syms, im->nsyms);
	number_syms(im->sects, im->nsects);
	return 0;
}

static int read_notes(struct image *im, const GElf_Phdr *ph)
{
	Elf_Data *d;
	GElf_Nhdr nh;
	size_t off = 0, noff, doff;

	d = elf_getdata_rawchunk(im->elf, (int64_t)ph->p_offset, ph->p_filesz,
				 ELF_T_NHDR);
	if (!d) {
		ferr(im->path, "unreadable PT_NOTE: %s", elf_errmsg(-1));
		return -1;
	}
	while (off < d->d_size &&
	       (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
		struct note *n;
		const char *nm = (const char *)d->d_buf + noff;

		im->notes = xrealloc(im->notes,
				     (im->nnotes + 1) * sizeof(struct note));
		n = &im->notes[im->nnotes++];
		n->name = xmalloc(nh.n_namesz + 1);
		memcpy(n->name, nm, nh.n_namesz);
		n->name[nh.n_namesz] = 0;
		n->type = nh.n_type;
		n->descsz = nh.n_descsz;
		n->desc = xmalloc(nh.n_descsz + 1);
		memcpy(n->desc, (const char *)d->d_buf + doff, nh.n_descsz);
	}
	return 0;
}

static int check_ehdr(struct image *im)
{
	const char *what = "not an x86-64 ELF executable";

	if (im->filesize < SELFMAG || memcmp(im->file, ELFMAG, SELFMAG) ||
	    !(im->elf = elf_memory((char *)im->file, im->filesize)) ||
	    elf_kind(im->elf) != ELF_K_ELF) {
		ferr(im->path, "not an ELF file");
		return -1;
	}
	if (gelf_getclass(im->elf) != ELFCLASS64) {
		ferr(im->path, "%s (not ELF64)", what);
		return -1;
	}
	if (!gelf_getehdr(im->elf, &im->eh)) {
		ferr(im->path, "truncated or bad ELF header: %s", elf_errmsg(-1));
		return -1;
	}
	if (im->eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    im->eh.e_machine != EM_X86_64) {
		ferr(im->path, "%s (machine %u)", what, im->eh.e_machine);
		return -1;
	}
	if (im->eh.e_type != ET_EXEC && im->eh.e_type != ET_DYN) {
		ferr(im->path, "%s (ELF type %u)", what, im->eh.e_type);
		return -1;
	}
	return 0;
}

/* one program header: notes read, PT_LOADs kept */
static int read_phdr(struct image *im, size_t i)
{
	GElf_Phdr ph;

	if (!gelf_getphdr(im->elf, (int)i, &ph)) {
		ferr(im->path, "bad program header %zu: %s", i, elf_errmsg(-1));
		return -1;
	}
	if (ph.p_filesz && (ph.p_offset > im->filesize ||
	    ph.p_filesz > im->filesize - ph.p_offset)) {
		ferr(im->path, "truncated: segment %zu extends past end of file", i);
		return -1;
	}
	if (ph.p_type == PT_NOTE && read_notes(im, &ph))
		return -1;
	if (ph.p_type != PT_LOAD)
		return 0;
	if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr) {
		ferr(im->path, "bad PT_LOAD %zu (filesz > memsz or wraps)", i);
		return -1;
	}
	im->loads = xrealloc(im->loads, (im->nloads + 1) * sizeof(struct seg));
	im->loads[im->nloads++] = (struct seg){ ph.p_vaddr, ph.p_paddr,
		ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_align, ph.p_vaddr,
		ph.p_type, ph.p_flags };
	return 0;
}

/* Where each PT_LOAD lies in the loaded image: at p_paddr + D, D being
 * the first PT_LOAD's p_vaddr - p_paddr, as Xen's and QEMU's loaders
 * place them.  That is p_vaddr wherever all segments agree; Linux's
 * per-CPU segment (p_vaddr 0) is placed by its physical address. */
static void place_loads(struct image *im)
{
	uint64_t d = im->loads[0].vaddr - im->loads[0].paddr;
	size_t i;

	for (i = 0; i < im->nloads; i++)
		if (im->loads[i].vaddr - im->loads[i].paddr != d)
			break;
	if (i == im->nloads)
		return;		/* load = vaddr, as read */
	for (i = 0; i < im->nloads; i++)
		im->loads[i].load = im->loads[i].paddr + d;
	im->placed_by_paddr = 1;
}

/* a virtual address (a symbol's, a section's) in the loaded image */
uint64_t img_v2l(const struct image *im, uint64_t va)
{
	size_t i;

	if (!im->placed_by_paddr)
		return va;
	for (i = 0; i < im->nloads; i++) {
		const struct seg *s = &im->loads[i];

		if (va >= s->vaddr && va - s->vaddr < (s->memsz ? s->memsz : 1))
			return va - s->vaddr + s->load;
	}
	return va;
}

static int read_phdrs(struct image *im)
{
	size_t phnum, i;

	if (elf_getphdrnum(im->elf, &phnum) < 0 || phnum == 0 ||
	    im->eh.e_phoff > im->filesize ||
	    (uint64_t)phnum * im->eh.e_phentsize > im->filesize - im->eh.e_phoff) {
		ferr(im->path, "truncated or missing program headers");
		return -1;
	}
	for (i = 0; i < phnum; i++)
		if (read_phdr(im, i))
			return -1;
	if (!im->nloads) {
		ferr(im->path, "not an x86-64 ELF executable (no loadable segment)");
		return -1;
	}
	place_loads(im);
	qsort(im->loads, im->nloads, sizeof(struct seg), load_cmp);
	return 0;
}

/* lo, hi and memend of the loaded image */
static int extent(struct image *im)
{
	size_t i;

	im->lo = im->loads[0].load;
	for (i = 0; i < im->nloads; i++) {
		const struct seg *s = &im->loads[i];

		if (s->filesz > s->memsz || s->load + s->memsz < s->load) {
			/* else hi could pass memend */
			ferr(im->path, "a PT_LOAD's memory size (%llu) is below its file "
			     "size (%llu) or wraps", (unsigned long long)s->memsz,
			     (unsigned long long)s->filesz);
			return -1;
		}
		if (i && s->load < im->loads[i - 1].load + im->loads[i - 1].memsz) {
			ferr(im->path, "PT_LOAD segments overlap in memory");
			return -1;
		}
		if (s->filesz && s->load + s->filesz > im->hi)
			im->hi = s->load + s->filesz;
		if (s->load + s->memsz > im->memend)
			im->memend = s->load + s->memsz;
	}
	if (im->hi <= im->lo) {
		ferr(im->path, "not an x86-64 ELF executable (no file-backed "
		     "loadable bytes)");
		return -1;
	}
	if (im->memend - im->lo > MAX_EXTENT) {
		ferr(im->path, "loaded extent too large (%llu bytes)",
		     (unsigned long long)(im->memend - im->lo));
		return -1;
	}
	return 0;
}

int img_open(struct image *im, const char *path)
{
	memset(im, 0, sizeof(*im));
	im->path = path;
	if (read_file(path, &im->file, &im->filesize) || check_ehdr(im) ||
	    read_phdrs(im) || extent(im) || read_sections(im)) {
		img_close(im);	/* nothing of an image that did not open is kept */
		return -1;
	}
	im->mem = xmalloc(im->memend - im->lo);
	img_fill(im, im->mem, im->lo, im->memend - im->lo);
	return 0;
}

void img_close(struct image *im)
{
	size_t i;

	if (im->elf)
		elf_end(im->elf);
	for (i = 0; i < im->nsyms; i++)
		free(im->syms[i].name);
	for (i = 0; i < im->nsects; i++)
		free(im->sects[i].name);
	for (i = 0; i < im->nnotes; i++) {
		free(im->notes[i].name);
		free(im->notes[i].desc);
	}
	free(im->syms);
	free(im->sects);
	free(im->notes);
	free(im->loads);
	free(im->mem);
	free(im->file);
	memset(im, 0, sizeof(*im));
}

void img_fill(const struct image *im, uint8_t *buf, uint64_t w0,
	      uint64_t wsize)
{
	size_t i;

	memset(buf, 0, wsize);
	for (i = 0; i < im->nloads; i++) {
		const struct seg *s = &im->loads[i];
		uint64_t a = s->load, e = s->load + s->filesz;

		if (a < w0)
			a = w0;
		if (e > w0 + wsize)
			e = w0 + wsize;
		if (a < e)
			memcpy(buf + (a - w0), im->file + s->offset + (a - s->load),
			       e - a);
	}
}

uint64_t img_hash(const struct image *im)
{
	return hvb_hash64(im->mem, (unsigned long)(im->hi - im->lo));
}

const uint8_t *img_bytes(const struct image *im, uint64_t addr,
			 uint64_t size, uint8_t *tmp)
{
	uint64_t i;

	if (addr >= im->lo && addr + size <= im->memend)
		return im->mem + (addr - im->lo);
	for (i = 0; i < size; i++)
		tmp[i] = (addr + i >= im->lo && addr + i < im->memend) ?
		    im->mem[addr + i - im->lo] : 0;
	return tmp;
}

const struct sym *img_findsym(const struct image *im, const char *name)
{
	size_t i;

	for (i = 0; i < im->nsyms; i++)
		if (!strcmp(im->syms[i].name, name))
			return &im->syms[i];
	return NULL;
}

const struct note *img_note(const struct image *im, const char *name,
			    uint32_t type)
{
	size_t i;

	for (i = 0; i < im->nnotes; i++)
		if (im->notes[i].type == type && !strcmp(im->notes[i].name, name))
			return &im->notes[i];
	return NULL;
}

/* value of a Xen note holding an address (4 or 8 bytes) */
int img_note_entry(const struct image *im, uint32_t type, uint64_t *v)
{
	const struct note *n = img_note(im, "Xen", type);

	if (!n || (n->descsz != 4 && n->descsz != 8))
		return 0;
	*v = n->descsz == 4 ? ld32(n->desc) : ld64(n->desc);
	return 1;
}

/* any defined symbol by name (the stub's entry labels may be NOTYPE) */
int elf_lookup(Elf *e, const char *name, uint64_t *addr, uint64_t *size)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 1; i < n; i++) {
			GElf_Sym s;
			const char *nm;

			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF)
				continue;
			nm = elf_strptr(e, sh.sh_link, s.st_name);
			if (nm && !strcmp(nm, name)) {
				*addr = s.st_value;
				*size = s.st_size;
				return 1;
			}
		}
	}
	return 0;
}

int img_lookup(const struct image *im, const char *name, uint64_t *addr,
	       uint64_t *size)
{
	return elf_lookup(im->elf, name, addr, size);
}
