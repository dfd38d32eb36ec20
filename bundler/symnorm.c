/* symnorm.c: a variant's symbols in the base's coordinates, for its
 * extract data (FORMAT.md 4, residual compression 5).  Without a shared
 * layout nearly every symbol of a variant lies elsewhere than the base's
 * of the same name, so its .symtab differs from the base's in nearly
 * every entry, and zstd with the base's residual as prefix finds only
 * short matches.  Taken back through the variant's move table (the one
 * the stub re-resolves references with), a value that only moved becomes
 * the base's value again.  Its name (an offset into its own string table,
 * which shifts wherever a name was added or dropped before it) becomes
 * the same place in the same string of the base's string table: the
 * string holding it, which for a name the linker merged into the tail of
 * another is that other.  Its section index becomes the base's section
 * of the same name.  Undone exactly: a stored value x in the work area
 * is x + delta(x); a stored name the same place in the first string of
 * the variant's own table that equals the base's string there; a stored
 * section the variant's first of the base's section's name.  The entries
 * for which that would not give the original back (names the base lacks,
 * among them) are listed (by index) and stored as they are. */
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

/* the start of the string holding offset o of a table (o < t->len) */
static uint64_t strs_start(const struct strs *t, uint64_t o)
{
	while (o && t->p[o - 1])
		o--;
	return o;
}

/* A symbol file: its .symtab (file offset, entries), string table, and
 * for each of its sections the index of the other file's section of the
 * same name (the first), SECT_NONE if none. */
#define SECT_NONE	UINT32_MAX
struct symfile {
	const uint8_t *f;
	size_t len;
	Elf64_Ehdr eh;
	uint64_t off, n;
	struct strs st;
	uint32_t *sect;
};

static Elf64_Shdr shdr_at(const struct symfile *s, uint32_t i)
{
	Elf64_Shdr sh;

	memcpy(&sh, s->f + s->eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
	return sh;
}

/* the name of section i, or NULL (no section name table, or not in it) */
static const char *sect_name(const struct symfile *s, uint32_t i)
{
	Elf64_Shdr str = shdr_at(s, s->eh.e_shstrndx), sh = shdr_at(s, i);

	if (s->eh.e_shstrndx >= s->eh.e_shnum || str.sh_offset > s->len ||
	    str.sh_size > s->len - str.sh_offset || sh.sh_name >= str.sh_size ||
	    !memchr(s->f + str.sh_offset + sh.sh_name, 0, str.sh_size - sh.sh_name))
		return NULL;
	return (const char *)s->f + str.sh_offset + sh.sh_name;
}

/* a->sect: for each section of a, b's first section of the same name */
static void sect_map(struct symfile *a, const struct symfile *b)
{
	uint32_t i, j;

	a->sect = xmalloc((a->eh.e_shnum ? a->eh.e_shnum : 1) * sizeof(*a->sect));
	for (i = 0; i < a->eh.e_shnum; i++) {
		const char *na = sect_name(a, i), *nb;

		a->sect[i] = SECT_NONE;
		for (j = 0; na && j < b->eh.e_shnum; j++)
			if ((nb = sect_name(b, j)) && !strcmp(na, nb)) {
				a->sect[i] = j;
				break;
			}
	}
}

/* The .symtab of an ELF64 file: 0 if it has one that lies wholly in the
 * file and outside every PT_LOAD's file bytes (so that only the residual
 * holds it), -1 if not.  The bundler runs on little-endian x86-64 hosts,
 * as the files it reads. */
static int find_symtab(const struct image *im, const uint8_t *f, size_t len,
		       struct symfile *s)
{
	Elf64_Shdr sh;
	uint32_t i;
	size_t k;

	memset(s, 0, sizeof(*s));
	s->f = f;
	s->len = len;
	if (len < sizeof(s->eh))
		return -1;
	memcpy(&s->eh, f, sizeof(s->eh));
	if (memcmp(s->eh.e_ident, ELFMAG, SELFMAG) || s->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    s->eh.e_ident[EI_DATA] != ELFDATA2LSB || s->eh.e_shentsize != sizeof(sh) ||
	    s->eh.e_shoff > len || (uint64_t)s->eh.e_shnum * sizeof(sh) > len - s->eh.e_shoff)
		return -1;
	for (i = 0; i < s->eh.e_shnum; i++) {
		sh = shdr_at(s, i);
		if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(Elf64_Sym))
			continue;
		if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset ||
		    sh.sh_size % sizeof(Elf64_Sym))
			return -1;
		for (k = 0; im && k < im->nloads; k++) {
			const struct seg *g = &im->loads[k];

			if (g->filesz && sh.sh_offset < g->offset + g->filesz &&
			    g->offset < sh.sh_offset + sh.sh_size)
				return -1;
		}
		s->off = sh.sh_offset;
		s->n = sh.sh_size / sizeof(Elf64_Sym);
		return strs_of(f, len, &s->eh, sh.sh_link, &s->st);
	}
	return -1;
}

static void symfile_free(struct symfile *s)
{
	free(s->st.slot);
	free(s->sect);
}

static int in_work(uint64_t v, uint64_t w0, uint64_t wsize)
{
	return v >= w0 && v - w0 < wsize;
}

/* both files, and the variant's move table */
struct symctx {
	const struct move *m, *inv;
	size_t nm;
	uint64_t w0, wsize;
	struct symfile b, v;	/* the base's, the variant's */
};

/* a value x as stored: the variant's value */
static uint64_t value_back(const struct symctx *c, uint64_t x)
{
	if (!in_work(x, c->w0, c->wsize))
		return x;
	return c->w0 + (uint32_t)(x - c->w0 + moves_delta(c->m, c->nm, (uint32_t)(x - c->w0)));
}

/* a name o as stored (an offset into the base's string table): the
 * variant's, the same place in the first string of its own table that
 * equals the base's string holding o; -1 if none */
static int64_t name_back(const struct symctx *c, uint64_t o)
{
	uint64_t s;
	int64_t x;

	if (o >= c->b.st.len)
		return -1;
	s = strs_start(&c->b.st, o);
	x = strs_find(&c->v.st, c->b.st.p + s);
	return x < 0 || (uint64_t)x + (o - s) > UINT32_MAX ? -1 : x + (int64_t)(o - s);
}

/* a section index x as stored (the base's): the variant's */
static uint16_t sect_back(const struct symctx *c, uint16_t x)
{
	return x < c->b.eh.e_shnum && c->b.sect[x] != SECT_NONE ? (uint16_t)c->b.sect[x] : x;
}

/* A name (an offset into the variant's string table) into base
 * coordinates: the string holding it, found in the base's table, the
 * same distance in (a name the linker merged into the tail of another
 * string comes back with it); -1 if that would not come back */
static int64_t name_take(const struct symctx *c, uint64_t o)
{
	uint64_t s;
	int64_t x;

	if (o >= c->v.st.len)
		return -1;
	s = strs_start(&c->v.st, o);
	x = strs_find(&c->b.st, c->v.st.p + s);
	if (x < 0 || (uint64_t)strs_find(&c->v.st, c->v.st.p + s) != s ||
	    (uint64_t)x + (o - s) > UINT32_MAX)
		return -1;
	return x + (int64_t)(o - s);
}

/* A listed entry's name is stored as the difference from the end of the
 * listed entry before's (past its NUL; the first against 0): the linker
 * lays the strings out in the order of the entries, so that a name the
 * base lacks mostly follows the one before.  The end of name o: */
static uint64_t name_end(const struct symctx *c, uint64_t o)
{
	return o + (o < c->v.st.len ? strlen(c->v.st.p + o) : 0) + 1;
}

/* entry e into base coordinates if its value, name and section all come
 * back exactly; 0, or -1 with e untouched */
static int take_one(const struct symctx *c, uint8_t *e)
{
	Elf64_Sym sy;
	uint64_t v, x;
	int64_t nb;
	uint16_t sx;
	int ok = 1;

	memcpy(&sy, e, sizeof(sy));
	v = x = sy.st_value;
	if (in_work(v, c->w0, c->wsize)) {
		x = c->w0 + moves_back(c->m, c->inv, c->nm, (uint32_t)(v - c->w0), &ok);
		if (!ok)
			x = v;
	}
	sx = sy.st_shndx < c->v.eh.e_shnum && c->v.sect[sy.st_shndx] != SECT_NONE ?
	    (uint16_t)c->v.sect[sy.st_shndx] : sy.st_shndx;
	if (value_back(c, x) != v || (nb = name_take(c, sy.st_name)) < 0 ||
	    name_back(c, (uint64_t)nb) != sy.st_name || sect_back(c, sx) != sy.st_shndx)
		return -1;
	sy.st_value = x;
	sy.st_name = (uint32_t)nb;
	sy.st_shndx = sx;
	memcpy(e, &sy, sizeof(sy));
	return 0;
}

/* both files' symbol tables and section maps into c; -1 if either has
 * none (im: the variant's, whose table must lie outside its segments) */
static int ctx_open(struct symctx *c, const struct image *im, const uint8_t *f, size_t len,
		    const uint8_t *bf, size_t blen)
{
	if (find_symtab(im, f, len, &c->v) || find_symtab(NULL, bf, blen, &c->b))
		return -1;
	sect_map(&c->v, &c->b);
	sect_map(&c->b, &c->v);
	return 0;
}

/* Into base coordinates, in f (a copy of the variant's file; bf the
 * base's file): the entries left as they are (but for their names, see
 * name_end) listed into exc (u32 indices).  -1 if either has no symbol
 * table (then f is untouched). */
int symnorm_take(const struct image *im, uint8_t *f, size_t len, const uint8_t *bf,
		 size_t blen, uint64_t w0, uint64_t wsize, const struct move *m, size_t nm,
		 struct buf *exc)
{
	struct symctx c = { .m = m, .nm = nm, .w0 = w0, .wsize = wsize };
	struct move *inv;
	uint64_t k, end = 0;
	int rc = -1;

	if (ctx_open(&c, im, f, len, bf, blen))
		goto out;
	c.inv = inv = moves_inverse(m, nm);
	for (k = 0; k < c.v.n; k++)
		if (take_one(&c, SYM_AT(f, c.v.off, k))) {
			uint8_t b[4], *e = SYM_AT(f, c.v.off, k);
			uint32_t o = ld32(e);

			st32(b, (uint32_t)k);
			buf_put(exc, b, 4);
			st32(e, (uint32_t)(o - end));
			end = name_end(&c, o);
		}
	free(inv);
	rc = 0;
out:
	symfile_free(&c.v);
	symfile_free(&c.b);
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
	uint64_t k, end = 0;
	uint32_t j = 0;
	int rc = -1;

	if (ctx_open(&c, NULL, f, len, bf, blen))
		goto out;
	for (k = 0; k < c.v.n; k++) {
		uint8_t *e = SYM_AT(f, c.v.off, k);
		int64_t nv;
		Elf64_Sym sy;

		if (j < nexc && ld32(exc + 4 * (uint64_t)j) == k) {
			uint32_t o = (uint32_t)(ld32(e) + end);

			st32(e, o);
			end = name_end(&c, o);
			j++;
			continue;
		}
		memcpy(&sy, e, sizeof(sy));
		if ((nv = name_back(&c, sy.st_name)) < 0)
			goto out;
		sy.st_name = (uint32_t)nv;
		sy.st_value = value_back(&c, sy.st_value);
		sy.st_shndx = sect_back(&c, sy.st_shndx);
		memcpy(e, &sy, sizeof(sy));
	}
	rc = j == nexc ? 0 : -1;
out:
	symfile_free(&c.v);
	symfile_free(&c.b);
	return rc;
}
