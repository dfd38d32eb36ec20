/* zs.c: zstd compression (plain, or with a reference prefix). */
#include <string.h>
#include <zstd.h>
#include "bundler.h"

#define ZS_LEVEL 19

/* compress src into out (appending); returns the compressed size or 0 */
size_t zs_compress(const void *src, size_t len, struct buf *out,
		   const void *prefix, size_t plen)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(len), r;

	if (!c)
		return 0;
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, ZS_LEVEL);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
	if (prefix && plen) {
		/* the window must reach back over the whole prefix */
		unsigned wlog = 10;

		while (wlog < 30 && ((size_t)1 << wlog) < len + plen)
			wlog++;
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, (int)wlog);
		ZSTD_CCtx_refPrefix(c, prefix, plen);
	}
	buf_zero(out, cap);
	out->len -= cap;
	r = ZSTD_compress2(c, out->p + out->len, cap, src, len);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(r))
		return 0;
	out->len += r;
	return r;
}

int zs_decompress(const void *src, size_t len, void *dst, size_t dlen,
		  const void *prefix, size_t plen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	size_t r;

	if (!d)
		return -1;
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 30);
	if (prefix && plen)
		ZSTD_DCtx_refPrefix(d, prefix, plen);
	r = ZSTD_decompressDCtx(d, dst, dlen, src, len);
	ZSTD_freeDCtx(d);
	return (ZSTD_isError(r) || r != dlen) ? -1 : 0;
}
