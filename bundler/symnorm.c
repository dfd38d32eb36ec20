/* symnorm.c: a variant's symbol values in the base's coordinates, for its
 * extract data (FORMAT.md 4, residual compression 3).  Without a shared
 * layout nearly every symbol of a variant lies elsewhere than the base's
 * of the same name, so its .symtab differs from the base's in nearly
 * every entry, and zstd with the base's residual as prefix finds only
 * short matches.  Taken back through the variant's move table (the one
 * the stub re-resolves references with), a value that only moved becomes
 * the base's value again.  Undone exactly: a stored value x in the work
 * area is x + delta(x); the few entries for which that would not give the
 * original back are listed (by index) and stored as they are. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "bundler.h"

/* where st_value lies in entry k of a symbol table at off */
#define SYM_AT(f, off, k)	((f) + (off) + (k) * sizeof(Elf64_Sym) + offsetof(Elf64_Sym, st_value))

/* The .symtab of an ELF64 file: its file offset and entries.  0 if it has
 * one that lies wholly in the file and outside every PT_LOAD's file bytes
 * (so that only the residual holds it), -1 if not.  The bundler runs on
 * little-endian x86-64 hosts, as the files it reads. */
static int find_symtab(const struct image *im, const uint8_t *f, size_t len,
		       uint64_t *off, uint64_t *n)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	uint32_t i;
	size_t k;

	if (len < sizeof(eh))
		return -1;
	memcpy(&eh, f, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(sh) ||
	    eh.e_shoff > len || (uint64_t)eh.e_shnum * sizeof(sh) > len - eh.e_shoff)
		return -1;
	for (i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, f + eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(Elf64_Sym))
			continue;
		if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset ||
		    sh.sh_size % sizeof(Elf64_Sym))
			return -1;
		for (k = 0; im && k < im->nloads; k++) {
			const struct seg *s = &im->loads[k];

			if (s->filesz && sh.sh_offset < s->offset + s->filesz &&
			    s->offset < sh.sh_offset + sh.sh_size)
				return -1;
		}
		*off = sh.sh_offset;
		*n = sh.sh_size / sizeof(Elf64_Sym);
		return 0;
	}
	return -1;
}

static int in_work(uint64_t v, uint64_t w0, uint64_t wsize)
{
	return v >= w0 && v - w0 < wsize;
}

/* Into base coordinates, in f (a copy of the variant's file): the listed
 * exceptions (u32 entry indices) into exc.  -1 if there is no symbol
 * table to take (then f is untouched). */
int symnorm_take(const struct image *im, uint8_t *f, size_t len, uint64_t w0,
		 uint64_t wsize, const struct move *m, size_t nm, struct buf *exc)
{
	struct move *inv;
	uint64_t off, n, k;

	if (!nm || find_symtab(im, f, len, &off, &n))
		return -1;
	inv = moves_inverse(m, nm);
	for (k = 0; k < n; k++) {
		uint8_t *e = SYM_AT(f, off, k);
		uint64_t v = ld64(e), x;
		uint32_t t;
		int ok;

		if (!in_work(v, w0, wsize))
			continue;
		t = (uint32_t)(v - w0);
		x = moves_back(m, inv, nm, t, &ok);
		if (ok && in_work(w0 + x, w0, wsize) &&
		    (uint32_t)(x + moves_delta(m, nm, (uint32_t)x)) == t) {
			st64(e, w0 + x);
		} else if (moves_delta(m, nm, t) != 0) {	/* kept as it is: listed */
			uint8_t b[4];

			st32(b, (uint32_t)k);
			buf_put(exc, b, 4);
		}
	}
	free(inv);
	return 0;
}

/* Undo symnorm_take in a rebuilt file; exc: nexc u32 indices, sorted.
 * -1 if the file has no symbol table or an index is out of range. */
int symnorm_undo(uint8_t *f, size_t len, uint64_t w0, uint64_t wsize,
		 const struct move *m, size_t nm, const uint8_t *exc, uint32_t nexc)
{
	uint64_t off, n, k;
	uint32_t j = 0;

	if (find_symtab(NULL, f, len, &off, &n))
		return -1;
	for (k = 0; k < n; k++) {
		uint8_t *e = SYM_AT(f, off, k);
		uint64_t v = ld64(e);

		if (j < nexc && ld32(exc + 4 * (uint64_t)j) == k) {
			j++;
			continue;
		}
		if (in_work(v, w0, wsize))
			st64(e, w0 + (uint32_t)(v - w0 + moves_delta(m, nm, (uint32_t)(v - w0))));
	}
	return j == nexc ? 0 : -1;
}
