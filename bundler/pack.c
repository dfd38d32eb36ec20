/* pack.c: the pack command.  Parse the arguments, open the base, the
 * variants and the stub, find and encode the deltas (encode.c), lay the
 * bundle out (layout.c), write it (elfout.c), rebuild every input from it,
 * and say what it holds. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundler.h"

enum { C_AUTO = ZS_MODE_AUTO, C_NONE = ZS_MODE_NONE, C_ZSTD = ZS_MODE_ZSTD };

struct packargs {
	const char *out, *stub, *stub_zstd, *stub_norefs;
	const char *names[HVB_MAX_VARIANTS], *paths[HVB_MAX_VARIANTS + 3];
	size_t nv;
	int mode;
	int norefs;		/* --refs off: no encoding 2 */
	int refprefix;		/* --ref-prefix on 1, off 0, auto -1 */
	int no_selfcheck;	/* --no-self-check: for the tests only */
};

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

static int compress_mode(const char *val, int *mode)
{
	static const char *names[] = { "auto", "none", "zstd" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(val, names[i])) {
			*mode = i;
			return 0;
		}
	return 2;
}

/* --base NAME=IMG (index 0) or --variant NAME=IMG */
static int add_input(struct packargs *a, int base, char *val)
{
	char *eq = strchr(val, '=');
	size_t k;

	if (!eq || !eq[1] || (base && a->names[0]))
		return 2;
	if (!base && a->nv == HVB_MAX_VARIANTS) {
		warnx_("too many variants (at most %u)", HVB_MAX_VARIANTS - 1);
		return 1;
	}
	k = base ? 0 : a->nv++;
	*eq = 0;
	a->names[k] = val;
	a->paths[k] = eq + 1;
	if (!name_ok(val)) {
		warnx_("%s: bad variant name (1 to %u of [A-Za-z0-9_.-])", val,
		       HVB_NAME_MAX);
		return 1;
	}
	return 0;
}

/* 0, 1 (error, said) or 2 (usage) */
static int parse_args(int argc, char **argv, struct packargs *a)
{
	size_t i, k;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	a->refprefix = -1;
	a->nv = 1;
	for (i = 1; i < (size_t)argc && !rc; i++) {
		const char *o = argv[i];
		char *val = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-v") || !strcmp(o, "--verbose")) {
			verbose++;
			continue;
		}
		if (!strcmp(o, "-q") || !strcmp(o, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!strcmp(o, "--no-self-check")) {
			a->no_selfcheck = 1;
			continue;
		}
		if (!val)
			return 2;
		i++;
		if (!strcmp(o, "-o"))
			a->out = val;
		else if (!strcmp(o, "--stub"))
			a->stub = val;
		else if (!strcmp(o, "--stub-zstd"))
			a->stub_zstd = val;
		else if (!strcmp(o, "--stub-norefs"))
			a->stub_norefs = val;
		else if (!strcmp(o, "--compress"))
			rc = compress_mode(val, &a->mode);
		else if (!strcmp(o, "--refs") && (!strcmp(val, "on") || !strcmp(val, "off")))
			a->norefs = !strcmp(val, "off");
		else if (!strcmp(o, "--ref-prefix") && (!strcmp(val, "on") || !strcmp(val, "off") ||
							 !strcmp(val, "auto")))
			a->refprefix = !strcmp(val, "on") ? 1 : !strcmp(val, "off") ? 0 : -1;
		else if (!strcmp(o, "--base") || !strcmp(o, "--variant"))
			rc = add_input(a, o[2] == 'b', val);
		else
			rc = 2;
	}
	if (rc || !a->out || !a->stub || !a->names[0])
		return rc ? rc : 2;
	for (i = 0; i < a->nv; i++)
		for (k = 0; k < i; k++)
			if (!strcmp(a->names[i], a->names[k])) {
				warnx_("%s: variant named twice", a->names[i]);
				return 1;
			}
	return 0;
}

/* the inputs, and the work area: every variant's loaded extent, bss
 * included */
static int open_inputs(struct packctx *pc, const struct packargs *a)
{
	uint64_t wend;
	size_t i;

	pc->nv = a->nv;
	pc->v = xcalloc(a->nv, sizeof(struct pvar));
	for (i = 0; i < a->nv; i++) {
		struct pvar *v = &pc->v[i];

		progress("open", i + 1, a->nv);
		if (img_open(&v->im, a->paths[i]))
			return -1;
		v->name = a->names[i];
		v->hash = img_hash(&v->im);
		xen_entries(&v->im, &v->pvh, &v->xen);
	}
	pc->w0 = pc->v[0].im.lo;
	wend = pc->v[0].im.memend;
	for (i = 1; i < a->nv; i++) {
		if (pc->v[i].im.lo < pc->w0)
			pc->w0 = pc->v[i].im.lo;
		if (pc->v[i].im.memend > wend)
			wend = pc->v[i].im.memend;
	}
	pc->wsize = wend - pc->w0;
	if (pc->wsize > 0xffffffffu) {
		warnx_("variants' loaded extents span more than 4 GiB");
		return -1;
	}
	return 0;
}

static void report_variant(const struct pvar *v)
{
	char hb[32];

	if (quiet)
		return;
	warnx_("%s: %u of %u functions, %u of %u objects, %u of %u "
	       "sections differ; %llu bytes differ in %zu regions, delta %s",
	       v->name, v->st.differ[K_FUNC], v->st.total[K_FUNC],
	       v->st.differ[K_OBJECT], v->st.total[K_OBJECT],
	       v->st.differ[K_SECTION], v->st.total[K_SECTION],
	       (unsigned long long)v->bytes_differ, v->nr,
	       human(v->delta_bytes, hb, sizeof(hb)));
	if (verbose && v->cl.frame_plain != HVB_XE_UNMEASURED)
		warnx_("%s: delta %llu B stored; one zstd frame with the base as "
		       "prefix would be %llu B, in reference space %llu B",
		       v->name, (unsigned long long)v->delta_bytes,
		       (unsigned long long)v->cl.frame_plain,
		       (unsigned long long)v->cl.frame_ref);
}

static void report_bundle(const char *out, const struct packctx *pc,
			  const struct stubinfo *st, size_t payload,
			  size_t xblob)
{
	char h1[32], h2[32], h3[32], h4[32], h5[32], h6[32];
	uint64_t sb = 0, deltas = 0;
	size_t i;

	if (quiet)
		return;
	for (i = 0; i < st->im.nloads; i++)
		sb += st->im.loads[i].filesz;
	for (i = 1; i < pc->nv; i++)
		deltas += pc->v[i].delta_bytes + pc->v[i].nr * HVB_REGION_ENTRY_SIZE;
	warnx_("%s: stub %s, base %s, payload %s (deltas and tables %s, base "
	       "site table %s), extract data %s", out, human(sb, h1, sizeof(h1)),
	       human(pc->v[0].im.hi - pc->v[0].im.lo, h2, sizeof(h2)),
	       human(payload, h3, sizeof(h3)), human(deltas, h4, sizeof(h4)),
	       human(pc->btab.len, h6, sizeof(h6)), human(xblob, h5, sizeof(h5)));
}

static void free_pc(struct packctx *pc)
{
	size_t i, k;

	for (i = 0; i < pc->nv; i++) {
		for (k = 0; k < pc->v[i].nr; k++)
			free(pc->v[i].r[k].data.p);
		free(pc->v[i].r);
		free(pc->v[i].mv);
		free(pc->v[i].res.p);
		free(pc->v[i].segs.p);
		free(pc->v[i].frame.p);
		diff_free(&pc->v[i].st);
		img_close(&pc->v[i].im);
	}
	free(pc->v);
	free(pc->btab.p);
}

/* reopen what we wrote (tmp, the output before its rename), check its
 * boot check record and rebuild every input file from it */
static int selfcheck(const char *tmp, const char *out, const struct packctx *pc)
{
	struct bundle b;
	size_t i;
	int rc = 0;

	if (bundle_open(&b, tmp) || xblob_parse(&b)) {
		bundle_close(&b);
		return -1;
	}
	b.path = out;
	if (bootcheck_verify(&b, 0))
		rc = -1;
	for (i = 0; i < pc->nv && !rc; i++) {
		uint8_t *f;
		size_t n;

		progress("self-check", i + 1, pc->nv);
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

/* payload, extract data, layout, file (a temporary one beside out,
 * renamed over it only when it passed the self-check) */
static int write_bundle(const char *out, struct packctx *pc,
			struct stubinfo *st, int no_selfcheck)
{
	struct buf payload = { 0 }, xblob = { 0 };
	struct outfile of = { .fd = -1 };
	struct layout lo;
	int rc = -1;

	payload_build(pc, &payload);
	memset(&lo, 0, sizeof(lo));
	if (payload.len > 0xffffffffu) {
		warnx_("payload larger than 4 GiB");
		goto out;
	}
	progress("extract data", 1, 1);
	xblob_build(pc, ld64(payload.p + HVB_PH_PAYLOAD_HASH), &xblob);
	if (layout_bundle(pc, st, &payload, out, &lo) || out_open(&of, out) ||
	    write_elf(of.fd, out, &pc->v[0].im, &lo, &xblob) ||
	    (!no_selfcheck && selfcheck(of.tmp, out, pc)) || out_commit(&of))
		goto out;
	progress_done();
	report_bundle(out, pc, st, payload.len, xblob.len);
	rc = 0;
out:
	out_abort(&of);		/* nothing left behind on failure */
	layout_free(&lo);
	free(payload.p);
	free(xblob.p);
	return rc;
}

int cmd_pack(int argc, char **argv)
{
	struct packargs a;
	struct packctx pc;
	struct stubinfo st;
	struct deltas d;
	const char *stub;
	size_t i;
	int rc;

	if ((rc = parse_args(argc, argv, &a)))
		return rc;
	if (getenv("HVB_PACK_NO_SELF_CHECK") && *getenv("HVB_PACK_NO_SELF_CHECK") == '1')
		a.no_selfcheck = 1;	/* the tests' switch, like --no-self-check */
	memset(&pc, 0, sizeof(pc));
	memset(&st, 0, sizeof(st));
	memset(&d, 0, sizeof(d));
	pc.norefs = a.norefs;
	pc.refprefix = a.refprefix;
	rc = 1;
	/* for out_check: the stubs are inputs too */
	a.paths[a.nv] = a.stub;
	a.paths[a.nv + 1] = a.stub_zstd ? a.stub_zstd : a.stub_norefs;
	a.paths[a.nv + 2] = a.stub_zstd ? a.stub_norefs : NULL;
	if (out_check(a.out, a.paths, a.nv + 1 + !!a.stub_zstd + !!a.stub_norefs) ||
	    open_inputs(&pc, &a) || deltas_find(&pc, &d) ||
	    zs_choose(&d, a.mode, a.stub, a.stub_zstd, &stub, &pc.compress) ||
	    (!pc.compress && refs_choose(&pc, &d, a.mode, stub, a.stub_norefs, &stub)) ||
	    stub_open(&st, stub))
		goto out;
	pc.xcompress = a.mode != C_NONE;
	if (deltas_choose(&pc, &d, pc.compress))
		goto out;
	deltas_free(&pc, &d);
	for (i = 1; i < pc.nv; i++)
		report_variant(&pc.v[i]);
	if (write_bundle(a.out, &pc, &st, a.no_selfcheck) == 0)
		rc = 0;
out:
	progress_done();
	deltas_free(&pc, &d);
	stub_close(&st);
	free_pc(&pc);
	return rc;
}
