/* unzstd.c: the stub's zstd decoder, for stub-zstd.elf.  Linux's own
 * lib/zstd decompressor (zstd 1.5.2, from Debian's linux-source-6.1,
 * compiled at build time by stub/Makefile with the size options below and
 * the headers in stub/zshim/) on a static context: no malloc, no SSE, no
 * BMI2 dispatch.  apply.c calls hvb_unzstd() for compressed regions.
 *
 * A reference prefix (HVB_COMP_ZSTD_PREFIX) is passed as a raw-content
 * dictionary: a static context cannot allocate the DDict that
 * ZSTD_DCtx_refPrefix builds, and raw content decodes the same frames (the
 * bundler never makes a prefix that starts with the dictionary magic).
 * zstd checks every length against its input and output buffers, so
 * corrupt data ends in an error or a short output, which this reports. */
#include <linux/zstd.h>
#include "apply.h"

/* ZSTD_estimateDCtxSize() of Linux 6.1's zstd: 161,488 bytes (mostly the
 * literals buffer, a whole 128 KiB block); checked at run time */
#define DCTX_ROOM	(160u << 10)

static unsigned long long dctx_ws[DCTX_ROOM / 8]
	__attribute__((section(".noinit.unzstd")));	/* not zeroed */

int hvb_unzstd(void *dst, size_t cap, const void *src, size_t len,
	       const void *prefix, size_t plen)
{
	ZSTD_DCtx *dc;
	size_t r;

	if (ZSTD_estimateDCtxSize() > sizeof(dctx_ws))
		return HVB_E_DECOMPRESS;
	dc = ZSTD_initStaticDCtx(dctx_ws, sizeof(dctx_ws));
	if (!dc)
		return HVB_E_DECOMPRESS;
	if (prefix && plen)
		r = ZSTD_decompress_usingDict(dc, dst, cap, src, len, prefix, plen);
	else
		r = ZSTD_decompressDCtx(dc, dst, cap, src, len);
	if (ZSTD_isError(r) || r != cap)
		return HVB_E_DECOMPRESS;
	return HVB_OK;
}
