/* symnorm.c: a variant's symbol values in the base's coordinates, for its
 * extract data (FORMAT.md 4, residual compression 3).  Without a shared
 * layout nearly every symbol of a variant lies elsewhere than the base's
 * of the same name, so its .symtab differs from the base's in nearly
 * every entry, and zstd with the base's residual as prefix finds only
 * short matches.  Taken back through the variant's move table (the one
 * the stub re-resolves references with), a value that only moved becomes
 * the base's value again.  Its name (an offset into its own string table,
 * which shifts wherever a name was added or dropped before it) becomes the
 * offset of the same string in the base's string table.  Undone exactly:
 * a stored value x in the work area is x + delta(x), a stored name the
 * first string of the variant's own table that equals the base's there;
 * the entries for which that would not give the original back (names the
 * base lacks, among them) are listed (by index) and stored as they are. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "bundler.h"

/* entry k of a symbol table at off */
#define SYM_AT(f, off, k)	((f) + (off) + (k) * sizeof(Elf64_Sym))

/* a string table, and for each string in it its first offset */
struct strs {
	const char *p;
	uint64_t len;
	uint64_t *slot;		/* hash table of offsets + 1, 0: empty */
	uint64_t mask;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* the first offset of string s in the table, or -1 */
static int64_t strs_find(const struct strs *t, const char *s)
{
	uint64_t i;

	for (i = str_hash(s) & t->mask; t->slot[i]; i = (i + 1) & t->mask)
		if (!strcmp(t->p + t->slot[i] - 1, s))
			return (int64_t)t->slot[i] - 1;
	return -1;
}

/* the string at offset o, if the table holds one there */
static const char *strs_at(const struct strs *t, uint64_t o)
{
	return o < t->len && memchr(t->p + o, 0, t->len - o) ? t->p + o : NULL;
}

/* section link of f: a string table ending in NUL, every string hashed */
static int strs_of(const uint8_t *f, size_t len, const Elf64_Ehdr *eh, uint32_t link,
		   struct strs *st)
{
	Elf64_Shdr sh;
	uint64_t o, cap = 16;

	if (link >= eh->e_shnum)
		return -1;
	memcpy(&sh, f + eh->e_shoff + (uint64_t)link * sizeof(sh), sizeof(sh));
	if (sh.sh_type != SHT_STRTAB || sh.sh_offset > len || sh.sh_size > len - sh.sh_offset ||
	    !sh.sh_size || f[sh.sh_offset + sh.sh_size - 1])
		return -1;
	st->p = (const char *)f + sh.sh_offset;
	st->len = sh.sh_size;
	while (cap < 2 * sh.sh_size)
		cap <<= 1;
	st->slot = xcalloc(cap, sizeof(*st->slot));
	st->mask = cap - 1;
	for (o = 0; o < st->len; o += strlen(st->p + o) + 1)
		if (strs_find(st, st->p + o) < 0) {
			uint64_t i = str_hash(st->p + o) & st->mask;

			while (st->slot[i])
				i = (i + 1) & st->mask;
			st->slot[i] = o + 1;
		}
	return 0;
}

/* The .symtab of an ELF64 file: its file offset and entries.  0 if it has
 * one that lies wholly in the file and outside every PT_LOAD's file bytes
 * (so that only the residual holds it), -1 if not.  The bundler runs on
 * little-endian x86-64 hosts, as the files it reads. */
static int find_symtab(const struct image *im, const uint8_t *f, size_t len,
		       uint64_t *off, uint64_t *n, struct strs *st)
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
		return strs_of(f, len, &eh, sh.sh_link, st);
	}
	return -1;
}

static int in_work(uint64_t v, uint64_t w0, uint64_t wsize)
{
	return v >= w0 && v - w0 < wsize;
}

/* where both files' tables are, and the variant's move table */
struct symctx {
	const struct move *m, *inv;
	size_t nm;
	uint64_t w0, wsize;
	struct strs bs, vs;	/* the base's and the variant's string tables */
};

/* a value x as stored: the variant's value */
static uint64_t value_back(const struct symctx *c, uint64_t x)
{
	if (!in_work(x, c->w0, c->wsize))
		return x;
	return c->w0 + (uint32_t)(x - c->w0 + moves_delta(c->m, c->nm, (uint32_t)(x - c->w0)));
}

/* entry e into base coordinates if both its value and its name come back
 * exactly (value_back, and the variant's first offset of the base's string);
 * 0, or -1 with e untouched */
static int take_one(const struct symctx *c, uint8_t *e)
{
	Elf64_Sym sy;
	uint64_t v, x;
	const char *name;
	int64_t nb;
	int ok = 1;

	memcpy(&sy, e, sizeof(sy));
	v = x = sy.st_value;
	if (in_work(v, c->w0, c->wsize)) {
		x = c->w0 + moves_back(c->m, c->inv, c->nm, (uint32_t)(v - c->w0), &ok);
		if (!ok)
			x = v;
	}
	if (value_back(c, x) != v || !(name = strs_at(&c->vs, sy.st_name)) ||
	    (nb = strs_find(&c->bs, name)) < 0 || nb > UINT32_MAX ||
	    strs_find(&c->vs, name) != (int64_t)sy.st_name)
		return -1;
	sy.st_value = x;
	sy.st_name = (uint32_t)nb;
	memcpy(e, &sy, sizeof(sy));
	return 0;
}

/* Into base coordinates, in f (a copy of the variant's file; bf the
 * base's file): the entries left as they are listed into exc (u32
 * indices).  -1 if either has no symbol table (then f is untouched). */
int symnorm_take(const struct image *im, uint8_t *f, size_t len, const uint8_t *bf,
		 size_t blen, uint64_t w0, uint64_t wsize, const struct move *m, size_t nm,
		 struct buf *exc)
{
	struct symctx c = { .m = m, .nm = nm, .w0 = w0, .wsize = wsize };
	uint64_t off, n, boff, bn, k;
	struct move *inv;
	int rc = -1;

	if (find_symtab(im, f, len, &off, &n, &c.vs))
		return -1;
	if (find_symtab(NULL, bf, blen, &boff, &bn, &c.bs))
		goto out;
	c.inv = inv = moves_inverse(m, nm);
	for (k = 0; k < n; k++)
		if (take_one(&c, SYM_AT(f, off, k))) {
			uint8_t b[4];

			st32(b, (uint32_t)k);
			buf_put(exc, b, 4);
		}
	free(inv);
	rc = 0;
out:
	free(c.vs.slot);
	free(c.bs.slot);
	return rc;
}

/* Undo symnorm_take in a rebuilt file f (bf: the base's file); exc: nexc
 * u32 indices, sorted.  -1 if a file has no symbol table, an index is out
 * of range or a name is not in both string tables. */
int symnorm_undo(uint8_t *f, size_t len, const uint8_t *bf, size_t blen, uint64_t w0,
		 uint64_t wsize, const struct move *m, size_t nm, const uint8_t *exc,
		 uint32_t nexc)
{
	struct symctx c = { .m = m, .nm = nm, .w0 = w0, .wsize = wsize };
	uint64_t off, n, boff, bn, k;
	uint32_t j = 0;
	int rc = -1;

	if (find_symtab(NULL, f, len, &off, &n, &c.vs))
		return -1;
	if (find_symtab(NULL, bf, blen, &boff, &bn, &c.bs))
		goto out;
	for (k = 0; k < n; k++) {
		uint8_t *e = SYM_AT(f, off, k);
		const char *name;
		int64_t nv;
		Elf64_Sym sy;

		if (j < nexc && ld32(exc + 4 * (uint64_t)j) == k) {
			j++;
			continue;
		}
		memcpy(&sy, e, sizeof(sy));
		if (!(name = strs_at(&c.bs, sy.st_name)) || (nv = strs_find(&c.vs, name)) < 0)
			goto out;
		sy.st_name = (uint32_t)nv;
		sy.st_value = value_back(&c, sy.st_value);
		memcpy(e, &sy, sizeof(sy));
	}
	rc = j == nexc ? 0 : -1;
out:
	free(c.vs.slot);
	free(c.bs.slot);
	return rc;
}
