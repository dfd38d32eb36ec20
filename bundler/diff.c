/* diff.c: match functions, objects and sections of two images by name;
 * find the regions of a work area that differ; the diff command. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

#define MERGE_GAP	128	/* join regions closer than this */

static const char *kind_name[K_NKINDS] = { "function", "object", "section" };

static int key_cmp(const void *x, const void *y)
{
	const struct sym *a = *(const struct sym *const *)x;
	const struct sym *b = *(const struct sym *const *)y;
	int c;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return (int)a->occ - (int)b->occ;
}

static const struct sym **keyed(const struct image *im, size_t *n)
{
	const struct sym **v;
	size_t i, k = 0;

	*n = im->nsyms + im->nsects;
	v = xmalloc(*n * sizeof(*v));
	for (i = 0; i < im->nsyms; i++)
		v[k++] = &im->syms[i];
	for (i = 0; i < im->nsects; i++)
		v[k++] = &im->sects[i];
	qsort(v, *n, sizeof(*v), key_cmp);
	return v;
}

static void compare(const struct image *ia, const struct image *ib,
		    struct symdiff *d)
{
	const struct sym *a = d->a, *b = d->b;
	uint64_t n, i, cnt = 0;
	uint8_t *ta, *tb;
	const uint8_t *pa, *pb;

	if (!a || !b) {
		d->flags = a ? D_ONLY_A : D_ONLY_B;
		d->changed = a ? a->size : b->size;
		return;
	}
	n = a->size < b->size ? a->size : b->size;
	ta = xmalloc(n);
	tb = xmalloc(n);
	pa = img_bytes(ia, a->addr, n, ta);
	pb = img_bytes(ib, b->addr, n, tb);
	for (i = 0; i < n; i++)
		cnt += pa[i] != pb[i];
	free(ta);
	free(tb);
	d->changed = cnt + (a->size > b->size ? a->size - b->size :
			    b->size - a->size);
	if (cnt)
		d->flags |= D_BYTES;
	if (a->size != b->size)
		d->flags |= D_SIZE;
	if (a->addr != b->addr)
		d->flags |= D_MOVED;
}

void diff_symbols(const struct image *a, const struct image *b,
		  struct diffstat *st)
{
	const struct sym **va, **vb;
	size_t na, nb, i = 0, j = 0;

	memset(st, 0, sizeof(*st));
	va = keyed(a, &na);
	vb = keyed(b, &nb);
	st->d = xmalloc((na + nb + 1) * sizeof(struct symdiff));
	while (i < na || j < nb) {
		struct symdiff d = { 0, 0, 0, 0 };
		int c = i == na ? 1 : j == nb ? -1 : key_cmp(&va[i], &vb[j]);

		if (c <= 0)
			d.a = va[i++];
		if (c >= 0)
			d.b = vb[j++];
		compare(a, b, &d);
		st->total[(d.a ? d.a : d.b)->kind]++;
		if (d.flags) {
			st->differ[(d.a ? d.a : d.b)->kind]++;
			st->d[st->nd++] = d;
		}
	}
	free(va);
	free(vb);
}

void diff_free(struct diffstat *st)
{
	free(st->d);
	memset(st, 0, sizeof(*st));
}

/* ---- regions ---- */

struct ranges {
	struct range *r;
	size_t n;
};

static void add_range(struct ranges *rs, uint64_t s, uint64_t e)
{
	if (s >= e)
		return;
	rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof(struct range));
	rs->r[rs->n++] = (struct range){ s, e };
}

static int range_cmp(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* the units one difference widens to, as work offsets in [0, end) */
static void add_units(struct ranges *u, const struct image *im, uint64_t w0,
		      uint64_t end)
{
	size_t i, j;

#define CLIP(a, z) do { uint64_t s_ = (a) < w0 ? 0 : (a) - w0; \
	uint64_t e_ = (z) < w0 ? 0 : (z) - w0; \
	add_range(u, s_, e_ > end ? end : e_); } while (0)
	for (i = 0; i < im->nsyms; i++)
		CLIP(im->syms[i].addr, im->syms[i].addr + im->syms[i].size);
	/* sections holding no symbol (stripped images): the whole section */
	for (i = 0; i < im->nsects; i++) {
		const struct sym *s = &im->sects[i];

		for (j = 0; j < im->nsyms; j++)
			if (im->syms[j].addr >= s->addr &&
			    im->syms[j].addr < s->addr + s->size)
				break;
		if (j == im->nsyms)
			CLIP(s->addr, s->addr + s->size);
	}
	/* no section headers at all: whole loaded segments */
	if (im->nsects == 0)
		for (i = 0; i < im->nloads; i++)
			CLIP(im->loads[i].vaddr,
			     im->loads[i].vaddr + im->loads[i].filesz);
#undef CLIP
}

/* merge ranges that overlap (or are within gap) */
static void merge(struct ranges *rs, uint64_t gap)
{
	size_t i, k = 0;

	if (!rs->n)
		return;
	qsort(rs->r, rs->n, sizeof(struct range), range_cmp);
	for (i = 1; i < rs->n; i++) {
		if (rs->r[i].start < rs->r[k].end + gap) {
			if (rs->r[i].end > rs->r[k].end)
				rs->r[k].end = rs->r[i].end;
		} else {
			rs->r[++k] = rs->r[i];
		}
	}
	rs->n = k + 1;
}

size_t diff_regions(const struct image *base, const struct image *var,
		    const uint8_t *bw, const uint8_t *vw, uint64_t w0,
		    uint64_t cmp_end, struct range **out)
{
	struct ranges units = { 0, 0 }, runs = { 0, 0 };
	uint64_t i = 0;
	size_t k, lo;

	add_units(&units, base, w0, cmp_end);
	add_units(&units, var, w0, cmp_end);
	merge(&units, 0);	/* components of overlapping units */

	while (i < cmp_end) {
		uint64_t s;

		if (bw[i] == vw[i]) {
			i++;
			continue;
		}
		s = i;
		while (i < cmp_end && bw[i] != vw[i])
			i++;
		add_range(&runs, s, i);
	}
	/* widen each run to the components it touches */
	lo = 0;
	for (k = 0; k < runs.n; k++) {
		struct range *r = &runs.r[k];
		size_t c;

		while (lo < units.n && units.r[lo].end <= r->start)
			lo++;
		for (c = lo; c < units.n && units.r[c].start < r->end; c++) {
			if (units.r[c].start < r->start)
				r->start = units.r[c].start;
			if (units.r[c].end > r->end)
				r->end = units.r[c].end;
		}
	}
	merge(&runs, MERGE_GAP);
	free(units.r);
	*out = runs.r;
	return runs.n;
}

/* ---- the diff command ---- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_text(const struct image *a, const struct image *b,
		       const struct diffstat *st, const struct classes *cl)
{
	size_t i;
	int k;

	for (i = 0; i < st->nd; i++) {
		const struct symdiff *d = &st->d[i];
		const struct sym *s = d->a ? d->a : d->b;
		char name[300];

		if (s->occ)
			snprintf(name, sizeof(name), "%s#%u", s->name, s->occ);
		else
			snprintf(name, sizeof(name), "%s", s->name);
		printf("%-8s %-32s", kind_name[s->kind], name);
		if (d->flags & D_ONLY_A) {
			printf(" only in %s (%llu bytes at 0x%llx)\n", a->path,
			       (unsigned long long)s->size,
			       (unsigned long long)s->addr);
			continue;
		}
		if (d->flags & D_ONLY_B) {
			printf(" only in %s (%llu bytes at 0x%llx)\n", b->path,
			       (unsigned long long)s->size,
			       (unsigned long long)s->addr);
			continue;
		}
		if (d->flags & D_MOVED)
			printf(" moved 0x%llx -> 0x%llx,",
			       (unsigned long long)d->a->addr,
			       (unsigned long long)d->b->addr);
		if (d->flags & D_SIZE)
			printf(" size %llu -> %llu,",
			       (unsigned long long)d->a->size,
			       (unsigned long long)d->b->size);
		else
			printf(" size %llu,", (unsigned long long)d->a->size);
		printf(" %llu bytes differ\n", (unsigned long long)d->changed);
	}
	for (k = 0; k < K_NKINDS; k++)
		printf("%s%ss: %u of %u differ", k ? "; " : "", kind_name[k],
		       st->differ[k], st->total[k]);
	printf("\n");
	classes_text(b->path, cl, 0);
}

static void print_json(const struct image *a, const struct image *b,
		       const struct diffstat *st, const struct classes *cl)
{
	size_t i;
	int k;

	printf("{\"a\":");
	json_str(stdout, a->path);
	printf(",\"b\":");
	json_str(stdout, b->path);
	printf(",\"summary\":{");
	for (k = 0; k < K_NKINDS; k++)
		printf("%s\"%ss\":{\"total\":%u,\"differ\":%u}", k ? "," : "",
		       kind_name[k], st->total[k], st->differ[k]);
	printf("},\"differences\":[");
	for (i = 0; i < st->nd; i++) {
		const struct symdiff *d = &st->d[i];
		const struct sym *s = d->a ? d->a : d->b;
		int n = 0;

		printf("%s{\"kind\":\"%s\",\"name\":", i ? "," : "",
		       kind_name[s->kind]);
		json_str(stdout, s->name);
		printf(",\"occurrence\":%u,\"status\":[", s->occ);
#define ST(f, w) if (d->flags & (f)) printf("%s\"%s\"", n++ ? "," : "", w)
		ST(D_BYTES, "changed");
		ST(D_SIZE, "resized");
		ST(D_MOVED, "moved");
		ST(D_ONLY_A, "only_in_a");
		ST(D_ONLY_B, "only_in_b");
#undef ST
		printf("]");
		if (d->a)
			printf(",\"addr_a\":\"0x%llx\",\"size_a\":%llu",
			       (unsigned long long)d->a->addr,
			       (unsigned long long)d->a->size);
		if (d->b)
			printf(",\"addr_b\":\"0x%llx\",\"size_b\":%llu",
			       (unsigned long long)d->b->addr,
			       (unsigned long long)d->b->size);
		printf(",\"bytes_changed\":%llu}", (unsigned long long)d->changed);
	}
	printf("],");
	classes_json(cl, 0);
	printf("}\n");
}

int cmd_diff(int argc, char **argv)
{
	struct image a, b;
	struct diffstat st;
	struct classes cl;
	const char *pa = NULL, *pb = NULL;
	int json = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return 2;
		else if (!pa)
			pa = argv[i];
		else if (!pb)
			pb = argv[i];
		else
			return 2;
	}
	if (!pb)
		return 2;
	if (img_open(&a, pa))
		return 1;
	if (img_open(&b, pb)) {
		img_close(&a);
		return 1;
	}
	diff_symbols(&a, &b, &st);
	if (classes_of(&a, &b, &st, &cl))
		rc = 1;
	else {
		if (json)
			print_json(&a, &b, &st, &cl);
		else
			print_text(&a, &b, &st, &cl);
		rc = fflush(stdout) ? 1 : 0;
	}
	diff_free(&st);
	img_close(&a);
	img_close(&b);
	return rc;
}
