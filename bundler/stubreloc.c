/* stubreloc.c: move the boot stub to where the kernel is not.  The stub is
 * linked once (at 16 MiB) with --emit-relocs, so stub.elf keeps every
 * relocation ld resolved; moving it by a page multiple is then what a
 * loader does: absolute references into the stub get the offset added,
 * PC-relative ones out of it get it taken off.  The result is the stub as
 * ld would have linked it at the new address (t_stub_relocate.sh checks
 * exactly that). */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

/* the stub's own addresses: virtual or physical, ends included (a symbol
 * like __stub_end points just past it) */
static int in_stub(const struct stubinfo *st, uint64_t x)
{
	return (x >= st->vlo && x <= st->vend) || (x >= st->plo && x <= st->pend);
}

static int read_rela(struct stubinfo *st, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Scn *tscn = elf_getscn(st->im.elf, sh->sh_info);
	Elf_Scn *symscn = elf_getscn(st->im.elf, sh->sh_link);
	Elf_Data *d = elf_getdata(scn, NULL), *sd;
	GElf_Shdr tsh;
	size_t i, n;

	if (!tscn || !gelf_getshdr(tscn, &tsh) || !(tsh.sh_flags & SHF_ALLOC))
		return 0;	/* relocations of debug info and the like */
	if (!d || !symscn || !(sd = elf_getdata(symscn, NULL)) || !sh->sh_entsize) {
		ferr(st->im.path, "unreadable relocation section: %s", elf_errmsg(-1));
		return -1;
	}
	n = sh->sh_size / sh->sh_entsize;
	st->rel = xrealloc(st->rel, (st->nrel + n) * sizeof(*st->rel));
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym s;

		if (!gelf_getrela(d, (int)i, &r) ||
		    !gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &s)) {
			ferr(st->im.path, "bad relocation %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		st->rel[st->nrel++] = (struct srel){ r.r_offset,
			(uint32_t)GELF_R_TYPE(r.r_info),
			s.st_value + (uint64_t)r.r_addend };
	}
	return 0;
}

int stub_read_relocs(struct stubinfo *st)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(st->im.elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA &&
		    read_rela(st, scn, &sh))
			return -1;
	}
	return 0;
}

/* the file bytes of the stub at a virtual address, or NULL */
static uint8_t *site(struct stubinfo *st, uint64_t va, unsigned len)
{
	size_t i;

	for (i = 0; i < st->im.nloads; i++) {
		const struct seg *s = &st->im.loads[i];

		if (va >= s->vaddr && va - s->vaddr + len <= s->filesz)
			return st->data[i] + (va - s->vaddr);
	}
	return NULL;
}

static int fits(uint32_t type, uint64_t v)
{
	if (type == R_X86_64_32)
		return v <= 0xffffffffull;
	return v >= 0xffffffff80000000ull || v <= 0x7fffffffull;	/* 32S */
}

static int move_one(struct stubinfo *st, const struct srel *r, uint64_t delta)
{
	int abs = r->type == R_X86_64_64 || r->type == R_X86_64_32 ||
	    r->type == R_X86_64_32S;
	int pcrel = r->type == R_X86_64_PC32 || r->type == R_X86_64_PLT32 ||
	    r->type == R_X86_64_PC64;
	unsigned len = r->type == R_X86_64_64 || r->type == R_X86_64_PC64 ? 8 : 4;
	uint8_t *p;

	if (r->type == R_X86_64_NONE || (abs && !in_stub(st, r->target)) ||
	    (pcrel && in_stub(st, r->target)))
		return 0;	/* moves with the stub, or not at all */
	if (!abs && !pcrel) {
		ferr(st->im.path, "relocation type %u at 0x%llx: cannot move the "
		     "stub", r->type, (unsigned long long)r->site);
		return -1;
	}
	if (!(p = site(st, r->site, len)))
		return 0;	/* in bss: nothing stored */
	if (abs && len == 4 && !fits(r->type, r->target + delta)) {
		ferr(st->im.path, "relocation at 0x%llx overflows when the stub "
		     "moves by 0x%llx", (unsigned long long)r->site,
		     (unsigned long long)delta);
		return -1;
	}
	if (len == 8)
		st64(p, ld64(p) + (abs ? delta : -delta));
	else
		st32(p, ld32(p) + (uint32_t)(abs ? delta : -delta));
	return 0;
}

/* delta bytes up (mod 2^64, so also down), a multiple of the page size */
int stub_move(struct stubinfo *st, uint64_t delta)
{
	size_t i;

	if (!delta)
		return 0;
	for (i = 0; i < st->nrel; i++)
		if (move_one(st, &st->rel[i], delta))
			return -1;
	for (i = 0; i < st->im.nloads; i++) {
		st->im.loads[i].vaddr += delta;
		st->im.loads[i].paddr += delta;
		st->im.loads[i].load += delta;
	}
	if (in_stub(st, st->im.eh.e_entry))
		st->im.eh.e_entry += delta;
	st->pvh_addr += delta;
	st->xen_addr += delta;
	st->par_addr += delta;
	st->scr_addr += delta;
	st->pvh_phys += delta;
	st->vlo += delta;
	st->vend += delta;
	st->plo += delta;
	st->pend += delta;
	st->delta += delta;
	return 0;
}
