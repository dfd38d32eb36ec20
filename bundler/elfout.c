/* elfout.c: write the bundle ELF from its layout: file offsets, one
 * section per file-backed segment, the notes, the stub's contract
 * symbols, the extract data, and the headers (with libelf). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundler.h"

#define FILE_ALIGN	16
#define MAX_SECS	(MAX_OSEGS + 8)

struct osec {
	const char *name;
	uint32_t type;
	uint64_t flags, addr, offset, align;
	const void *data;
	uint64_t size;
	Elf_Type dtype;
	uint32_t link, info, entsize;
};

struct elfout {
	struct osec sec[MAX_SECS];
	size_t ns;
	uint64_t off;			/* next free file offset */
	uint64_t note_off;
	Elf64_Sym sym[4];
	struct buf strtab, shstr;
};

/* Loaders here copy segments (QEMU's PVH loader, Xen's libelf); none maps
 * them, so file offsets need no page alignment, and page-aligning them
 * would pad the file by kilobytes. */
static void place_segs(struct elfout *eo, struct layout *lo)
{
	size_t i;

	for (i = 0; i < lo->nseg; i++) {
		struct oseg *s = &lo->segs[i];
		uint64_t a = s->align > 1 ? s->align : 1;

		if (a & (a - 1))
			a = 1;
		if (a > FILE_ALIGN)
			a = FILE_ALIGN;
		s->align = a;
		eo->off += (s->vaddr - eo->off) & (a - 1);
		s->offset = eo->off;
		eo->off += s->filesz;
		if (s->filesz)
			eo->sec[eo->ns++] = (struct osec){ s->sname, SHT_PROGBITS,
				SHF_ALLOC | ((s->flags & PF_W) ? SHF_WRITE : 0) |
				((s->flags & PF_X) ? SHF_EXECINSTR : 0),
				s->vaddr, s->offset, 1, s->data, s->filesz,
				ELF_T_BYTE, 0, 0, 0 };
	}
}

static void add_sec(struct elfout *eo, const char *name, uint32_t type,
		    uint64_t align, const void *data, uint64_t size)
{
	eo->off = (eo->off + align - 1) & ~(align - 1);
	eo->sec[eo->ns++] = (struct osec){ name, type, 0, 0, eo->off, align,
		data, size, ELF_T_BYTE, 0, 0, 0 };
	eo->off += size;
}

/* the section (1-based) of a loaded address */
static uint16_t sec_of(const struct elfout *eo, uint64_t addr)
{
	size_t i;

	for (i = 0; i < eo->ns; i++)
		if (eo->sec[i].flags & SHF_ALLOC && addr >= eo->sec[i].addr &&
		    addr - eo->sec[i].addr < eo->sec[i].size)
			return (uint16_t)(i + 1);
	return SHN_ABS;
}

/* .symtab and .strtab: the stub's contract symbols, so that tools (and
 * verify) find them by name */
static void add_symtab(struct elfout *eo, const struct layout *lo)
{
	size_t i, n = lo->nsyms + 1;

	memset(eo->sym, 0, sizeof(eo->sym));
	buf_byte(&eo->strtab, 0);
	for (i = 0; i < lo->nsyms; i++) {
		Elf64_Sym *s = &eo->sym[i + 1];

		s->st_name = (uint32_t)eo->strtab.len;
		buf_put(&eo->strtab, lo->syms[i].name, strlen(lo->syms[i].name) + 1);
		s->st_info = ELF64_ST_INFO(STB_GLOBAL, lo->syms[i].type);
		s->st_shndx = sec_of(eo, lo->syms[i].addr);
		s->st_value = lo->syms[i].addr;
		s->st_size = lo->syms[i].size;
	}
	add_sec(eo, ".symtab", SHT_SYMTAB, 8, eo->sym, n * sizeof(Elf64_Sym));
	eo->sec[eo->ns - 1].dtype = ELF_T_SYM;
	eo->sec[eo->ns - 1].link = (uint32_t)eo->ns + 1;	/* .strtab, next */
	eo->sec[eo->ns - 1].info = 1;
	eo->sec[eo->ns - 1].entsize = sizeof(Elf64_Sym);
	add_sec(eo, ".strtab", SHT_STRTAB, 1, eo->strtab.p, eo->strtab.len);
}

static void add_shstrtab(struct elfout *eo, uint32_t *shname)
{
	size_t i;

	buf_byte(&eo->shstr, 0);
	for (i = 0; i < eo->ns; i++) {
		shname[i] = (uint32_t)eo->shstr.len;
		buf_put(&eo->shstr, eo->sec[i].name, strlen(eo->sec[i].name) + 1);
	}
	shname[eo->ns] = (uint32_t)eo->shstr.len;
	buf_put(&eo->shstr, ".shstrtab", 10);
	add_sec(eo, ".shstrtab", SHT_STRTAB, 1, eo->shstr.p, eo->shstr.len);
}

static int put_ehdr(Elf *e, const struct image *base, const struct layout *lo,
		    const struct elfout *eo)
{
	GElf_Ehdr eh;

	if (!gelf_newehdr(e, ELFCLASS64) || !gelf_getehdr(e, &eh))
		return -1;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = base->eh.e_ident[EI_OSABI];
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = lo->entry;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_shoff = (eo->off + 7) & ~7ull;
	eh.e_flags = 0;
	eh.e_shstrndx = (uint16_t)eo->ns;
	return gelf_update_ehdr(e, &eh) ? 0 : -1;
}

static int put_shdrs(Elf *e, const struct elfout *eo, const uint32_t *shname)
{
	size_t i;

	for (i = 0; i < eo->ns; i++) {
		const struct osec *o = &eo->sec[i];
		Elf_Scn *scn = elf_newscn(e);
		Elf_Data *d;
		GElf_Shdr sh;

		if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
			return -1;
		d->d_buf = (void *)o->data;
		d->d_size = o->size;
		d->d_type = o->dtype;
		d->d_align = 1;
		d->d_off = 0;
		d->d_version = EV_CURRENT;
		sh = (GElf_Shdr){ shname[i], o->type, o->flags, o->addr, o->offset,
			o->size, o->link, o->info, o->align, o->entsize };
		if (!gelf_update_shdr(scn, &sh))
			return -1;
	}
	return 0;
}

static int put_phdrs(Elf *e, const struct layout *lo, const struct elfout *eo)
{
	GElf_Phdr note = { PT_NOTE, PF_R, eo->note_off, 0, 0, lo->notes.len,
		lo->notes.len, 4 };
	size_t i;

	if (!gelf_newphdr(e, lo->nseg + 1))
		return -1;
	for (i = 0; i < lo->nseg; i++) {
		const struct oseg *s = &lo->segs[i];
		GElf_Phdr ph = { PT_LOAD, s->flags, s->offset, s->vaddr, s->paddr,
			s->filesz, s->memsz, s->align };

		if (!gelf_update_phdr(e, (int)i, &ph))
			return -1;
	}
	return gelf_update_phdr(e, (int)lo->nseg, &note) ? 0 : -1;
}

static int emit(int fd, const struct image *base, const struct layout *lo,
		const struct elfout *eo, const uint32_t *shname)
{
	Elf *e = elf_begin(fd, ELF_C_WRITE, NULL);
	int rc = -1;

	if (e && !put_ehdr(e, base, lo, eo) && !put_phdrs(e, lo, eo) &&
	    !put_shdrs(e, eo, shname)) {
		elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
		elf_fill(0);
		rc = elf_update(e, ELF_C_WRITE) < 0 ? -1 : 0;
	}
	if (e)
		elf_end(e);
	return rc;
}

int write_elf(int fd, const char *path, const struct image *base,
	      struct layout *lo, const struct buf *xblob)
{
	struct elfout *eo;
	uint32_t shname[MAX_SECS + 1];
	uint8_t *check;
	uint64_t check_off;
	int rc = -1;

	if (lo->nseg > MAX_OSEGS) {
		ferr(path, "too many segments (%zu, at most %u)", lo->nseg,
		     MAX_OSEGS);
		return -1;
	}
	eo = xcalloc(1, sizeof(*eo));
	eo->off = sizeof(Elf64_Ehdr) + (lo->nseg + 1) * sizeof(Elf64_Phdr);
	place_segs(eo, lo);
	add_sec(eo, HVB_SEC_NOTE, SHT_NOTE, 4, lo->notes.p, lo->notes.len);
	eo->note_off = eo->sec[eo->ns - 1].offset;
	add_symtab(eo, lo);
	add_sec(eo, HVB_SEC_EXTRACT, SHT_PROGBITS, 8, xblob->p, xblob->len);
	/* the boot check record: zero now, filled from what was written */
	check = xcalloc(1, bootcheck_size(lo));
	add_sec(eo, HVB_SEC_CHECK, SHT_PROGBITS, 8, check, bootcheck_size(lo));
	check_off = eo->sec[eo->ns - 1].offset;
	add_shstrtab(eo, shname);
	if (emit(fd, base, lo, eo, shname))
		ferr(path, "writing ELF: %s", elf_errmsg(-1));
	else
		rc = bootcheck_write(fd, path, check_off, lo, eo->note_off);
	free(check);
	free(eo->strtab.p);
	free(eo->shstr.p);
	free(eo);
	return rc;
}
