/* zs.c: zstd compression (plain, or with a reference prefix). */
#include <string.h>
#include <zstd.h>
#include "bundler.h"

#define ZS_LEVEL	19	/* what FORMAT.md's measurements use */
#define ZS_LEVEL_BIG	9	/* extract data over ZS_BIG: host-only bytes */
#define ZS_BIG		(16u << 20)

/* compress src into out (appending); returns the compressed size or 0 */
size_t zs_compress(const void *src, size_t len, struct buf *out,
		   const void *prefix, size_t plen)
{
	return zs_compress_level(src, len, out, prefix, plen, ZS_LEVEL);
}

/* The extract data of a kernel with symbols is tens of MiB: zstd -19
 * takes about a second a MiB of it (three times per variant), -9 with
 * long-distance matching a twentieth of that for 17% more bytes. */
size_t zs_compress_big(const void *src, size_t len, struct buf *out,
		       const void *prefix, size_t plen)
{
	return zs_compress_level(src, len, out, prefix, plen,
				 len + plen > ZS_BIG ? -ZS_LEVEL_BIG : ZS_LEVEL);
}

/* The stub passes a prefix to zstd as a raw-content dictionary (its
 * static context cannot build the DDict a real prefix needs), and zstd
 * reads a dictionary that starts with its dictionary magic as a
 * structured one: so no prefix may start with it. */
static int prefix_is_dict(const void *prefix, size_t plen)
{
	const uint8_t *p = prefix;

	return prefix && plen >= 4 &&
	    ld32(p) == ZSTD_MAGIC_DICTIONARY;
}

static size_t zs_compress_opt(const void *src, size_t len, struct buf *out,
			      const void *prefix, size_t plen, int level, int deep);

/* level < 0: that level with long-distance matching */
size_t zs_compress_level(const void *src, size_t len, struct buf *out,
			 const void *prefix, size_t plen, int level)
{
	return zs_compress_opt(src, len, out, prefix, plen, level, 0);
}

/* deep search (a variant's frame, FORMAT.md 6.1): level 19 picks its
 * match finder's tables for the input's size (hash 2^22, chain 2^24
 * entries for a few MiB); against a 10 MiB prefix they are too small.
 * Tables as large as the window (chain log one more, the binary tree's
 * most) and a longer target length find the matches level 22 finds
 * (Linux xen frame 260,994 to 256,587 bytes), at level 19's speed.  The
 * frame's format is the same: the decoder (window, prefix) sees no
 * difference. */
static void zs_deep(ZSTD_CCtx *c, unsigned wlog)
{
	ZSTD_CCtx_setParameter(c, ZSTD_c_hashLog, (int)(wlog < 24 ? wlog : 24));
	ZSTD_CCtx_setParameter(c, ZSTD_c_chainLog, (int)(wlog + 1 < 30 ? wlog + 1 : 30));
	ZSTD_CCtx_setParameter(c, ZSTD_c_searchLog, 9);
	ZSTD_CCtx_setParameter(c, ZSTD_c_targetLength, 999);
}

size_t zs_compress_deep(const void *src, size_t len, struct buf *out,
			const void *prefix, size_t plen)
{
	return zs_compress_opt(src, len, out, prefix, plen, ZS_LEVEL, 1);
}

static size_t zs_compress_opt(const void *src, size_t len, struct buf *out,
			      const void *prefix, size_t plen, int level, int deep)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(len), r;

	if (!c)
		return 0;
	if (prefix_is_dict(prefix, plen)) {
		ZSTD_freeCCtx(c);
		return 0;
	}
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level < 0 ? -level : level);
	if (level < 0)
		ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
	if ((prefix && plen) || level < 0 || deep) {
		/* the window must reach back over the whole prefix (and over
		 * the whole input for long-distance matching) */
		unsigned wlog = 10;

		while (wlog < 30 && ((size_t)1 << wlog) < len + plen)
			wlog++;
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, (int)wlog);
		if (deep)
			zs_deep(c, wlog);
	}
	if (prefix && plen)
		ZSTD_CCtx_refPrefix(c, prefix, plen);
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
