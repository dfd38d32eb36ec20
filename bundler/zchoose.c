/* zchoose.c: whether a bundle's deltas are stored with zstd, and so which
 * stub it carries (FORMAT.md section 6).  A stub with a zstd decoder
 * (stub-zstd.elf, which has the symbol HVB_STUB_UNZSTD_SYM) is larger by
 * the decoder's code; compressed deltas pay only when they save more than
 * that.  `auto` compares the two bootable totals, stub file bytes plus
 * stored deltas, and keeps the smaller; `zstd` and `none` force it. */
#include <string.h>
#include "bundler.h"

/* file-backed bytes of a stub, and whether it decodes zstd; -1 if it
 * is not a stub */
static int stub_measure(const char *path, uint64_t *bytes, int *unzstd)
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
	*unzstd = img_lookup(&st.im, HVB_STUB_UNZSTD_SYM, &a, &s) ||
		  elf_lookup(st.im.elf, HVB_STUB_UNZSTD_SYM, &a, &s);
	stub_close(&st);
	return 0;
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
