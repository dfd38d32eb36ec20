/* zchoose.c: whether a bundle's deltas are stored with zstd, and so which
 * stub it carries (FORMAT.md section 6).  A stub with a zstd decoder
 * (stub-zstd.elf, which has the symbol HVB_STUB_UNZSTD_SYM) is larger by
 * the decoder's code; compressed deltas pay only when they save more than
 * that.  `auto` compares the two bootable totals, stub file bytes plus
 * stored deltas, and keeps the smaller; `zstd` and `none` force it. */
#include <string.h>
#include "bundler.h"

/* file-backed bytes of a stub, and whether it decodes zstd (or, with
 * sym HVB_STUB_NOREFS_SYM, lacks encoding 2); -1 if it is not a stub */
static int stub_has(const char *path, uint64_t *bytes, int *has, const char *sym)
{
	struct stubinfo st;
	uint64_t a, s;
	size_t i;

	if (stub_open(&st, path)) {
		stub_close(&st);
		return -1;
	}
	*bytes = 0;
	for (i = 0; i < st.im.nloads; i++)
		*bytes += st.im.loads[i].filesz;
	*has = img_lookup(&st.im, sym, &a, &s) || elf_lookup(st.im.elf, sym, &a, &s);
	stub_close(&st);
	return 0;
}

static int stub_measure(const char *path, uint64_t *bytes, int *unzstd)
{
	return stub_has(path, bytes, unzstd, HVB_STUB_UNZSTD_SYM);
}

static void say(const struct deltas *d, uint64_t plain, uint64_t zs,
		int zok, int zstd)
{
	char h[6][32];

	if (quiet)
		return;
	warnx_("deltas: uncompressed %s, with zstd %s (bsdiff+zstd %s, zstd "
	       "with base prefix %s); stub %s, with a zstd decoder %s; stored %s",
	       human(d->tot_raw, h[0], sizeof(h[0])),
	       human(d->tot_best, h[1], sizeof(h[1])),
	       human(d->tot_zstd, h[2], sizeof(h[2])),
	       human(d->tot_pref, h[3], sizeof(h[3])),
	       human(plain, h[4], sizeof(h[4])),
	       zok ? human(zs, h[5], sizeof(h[5])) : "not given",
	       zstd ? "with zstd" : "uncompressed");
}

/* pick the stub (*stub) and whether deltas use zstd (*zstd); 0, or -1
 * after a message */
int zs_choose(const struct deltas *d, int mode, const char *stub,
	      const char *stub_zstd, const char **use, int *zstd)
{
	uint64_t pb = 0, zb = 0;
	int pz = 0, zz = 0;

	if (stub_measure(stub, &pb, &pz) ||
	    (stub_zstd && stub_measure(stub_zstd, &zb, &zz)))
		return -1;
	if (stub_zstd && !zz) {
		ferr(stub_zstd, "this stub has no zstd decoder (no symbol %s)",
		     HVB_STUB_UNZSTD_SYM);
		return -1;
	}
	if (!stub_zstd && pz) {		/* --stub decodes zstd itself */
		stub_zstd = stub;
		zb = pb;
		zz = 1;
	}
	*use = stub;
	*zstd = 0;
	if (mode == ZS_MODE_ZSTD && !zz) {
		ferr(stub, "--compress zstd needs a stub with a zstd decoder "
		     "(--stub-zstd, e.g. build/stub/stub-zstd.elf)");
		return -1;
	}
	if (mode == ZS_MODE_ZSTD ||
	    (mode == ZS_MODE_AUTO && zz && zb + d->tot_best < pb + d->tot_raw)) {
		*use = stub_zstd;
		*zstd = 1;
	}
	if (verbose || (mode == ZS_MODE_AUTO && !quiet))
		say(d, pb, zb, zz, *zstd);
	return 0;
}

/* Without compression, encoding 2 costs the stub its decoder (the
 * difference between stub.elf and stub-norefs.elf) and saves delta bytes
 * only where code moved: auto keeps the smaller bootable total, stub file
 * bytes plus stored deltas; --refs off takes the stub without it, and a
 * --stub without it turns encoding 2 off. */
int refs_choose(struct packctx *pc, struct deltas *d, int mode,
		const char *stub, const char *stub_norefs, const char **use)
{
	uint64_t pb = 0, nb = 0, plain;
	int pn = 0, nn = 0;
	char h[4][32];

	if (stub_has(stub, &pb, &pn, HVB_STUB_NOREFS_SYM) ||
	    (stub_norefs && stub_has(stub_norefs, &nb, &nn, HVB_STUB_NOREFS_SYM)))
		return -1;
	if (stub_norefs && !nn) {
		ferr(stub_norefs, "this stub has encoding 2 (no symbol %s)",
		     HVB_STUB_NOREFS_SYM);
		return -1;
	}
	*use = stub;
	if (pn) {			/* --stub has no encoding 2 itself */
		deltas_drop_refs(pc, d);
		return 0;
	}
	if (!stub_norefs)
		return 0;
	plain = deltas_plain_total(pc, d);
	if (pc->norefs || (mode == ZS_MODE_AUTO && nb + plain < pb + d->tot_raw)) {
		deltas_drop_refs(pc, d);
		*use = stub_norefs;
	}
	if (!quiet && (verbose || mode == ZS_MODE_AUTO))
		warnx_("encoding 2: deltas %s with it, %s without; stub %s, without "
		       "it %s; kept %s", human(d->tot_raw, h[0], sizeof(h[0])),
		       human(plain, h[1], sizeof(h[1])), human(pb, h[2], sizeof(h[2])),
		       human(nb, h[3], sizeof(h[3])),
		       *use == stub ? "with it" : "without it");
	return 0;
}
