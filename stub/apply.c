/* apply.c: validate an hvbundle payload and apply a variant's deltas in
 * place.  Freestanding C99: only memcpy, memset, memmove and memcmp from
 * outside (and the header-only hash).  No 64-bit division, so it builds
 * for -m32 without libgcc.  Built with HVB_APPLY_ZSTD (host only) it also
 * decodes zstd-compressed regions; without, those give HVB_E_COMPRESSION.
 * Format: bundler/FORMAT.md. */
#include <string.h>
#include "apply.h"
#include "hvb_hash.h"
#ifdef HVB_APPLY_ZSTD
#include <zstd.h>
#endif /* HVB_APPLY_ZSTD */

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

/* off and len lie inside [0, size) */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

struct region {
	uint32_t target, old_len, new_len;
	uint32_t enc, comp;
	uint32_t raw_len, data_off, data_len;
};

static void rd_region(const uint8_t *p, struct region *r)
{
	r->target = ld32(p);
	r->old_len = ld32(p + 4);
	r->new_len = ld32(p + 8);
	r->enc = p[12];
	r->comp = p[13];
	r->raw_len = ld32(p + 16);
	r->data_off = ld32(p + 20);
	r->data_len = ld32(p + 24);
}

static uint64_t region_scratch(const struct region *r)
{
	return hvb_region_scratch(r->enc, r->comp, r->old_len, r->raw_len);
}

static void rd_variant(const uint8_t *p, struct hvb_variant_info *vi)
{
	memcpy(vi->name, p, 16);
	vi->name[15] = 0;
	vi->image_hash = ld64(p + 16);
	vi->vaddr = ld64(p + 24);
	vi->filesz = ld64(p + 32);
	vi->memsz = ld64(p + 40);
	vi->pvh_entry = ld64(p + 48);
	vi->xen_entry = ld64(p + 56);
	vi->elf_entry = ld64(p + 64);
	vi->regions = ld32(p + 72);
	vi->delta_bytes = ld32(p + 80);
}

static int name_ok(const uint8_t *p)
{
	unsigned i;

	if (p[0] == 0)
		return 0;
	for (i = 0; i < 16; i++)
		if (p[i] == 0)
			break;
	if (i > HVB_NAME_MAX)
		return 0;
	for (; i < 16; i++)		/* NUL padded */
		if (p[i] != 0)
			return 0;
	return 1;
}

static int check_variant(const uint8_t *pl, uint64_t psize,
			 const uint8_t *ve, uint64_t wvaddr, uint64_t wsize,
			 uint32_t max_scratch)
{
	struct hvb_variant_info vi;
	uint64_t off, end = 0, sum = 0;
	uint32_t roff, i;

	if (!name_ok(ve))
		return HVB_E_FORMAT;
	rd_variant(ve, &vi);
	roff = ld32(ve + 76);
	if (ld32(ve + 84))		/* flags, none defined */
		return HVB_E_FORMAT;
	if (vi.vaddr < wvaddr || vi.filesz > vi.memsz)
		return HVB_E_FORMAT;
	off = vi.vaddr - wvaddr;
	if (!inside(off, vi.memsz, wsize) || vi.filesz == 0)
		return HVB_E_FORMAT;
	if (vi.regions > (psize >> 5) ||
	    !inside(roff, (uint64_t)vi.regions * HVB_REGION_ENTRY_SIZE, psize))
		return HVB_E_FORMAT;
	for (i = 0; i < vi.regions; i++) {
		struct region r;
		uint64_t ext;

		rd_region(pl + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE, &r);
		if (ld32(pl + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE + 12) >> 16 ||
		    ld32(pl + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE + 28))
			return HVB_E_FORMAT;	/* reserved, must be 0 */
		ext = r.old_len > r.new_len ? r.old_len : r.new_len;
		if (r.target < end || !inside(r.target, ext, wsize) || ext == 0)
			return HVB_E_DELTA_BOUNDS;
		end = (uint64_t)r.target + ext;
		if (!inside(r.data_off, r.data_len, psize))
			return HVB_E_FORMAT;
		if (r.comp == HVB_COMP_NONE && r.raw_len != r.data_len)
			return HVB_E_FORMAT;
		if (r.enc == HVB_ENC_LITERAL && r.raw_len != r.new_len)
			return HVB_E_FORMAT;
		if (r.comp == HVB_COMP_ZSTD_PREFIX && r.enc != HVB_ENC_LITERAL)
			return HVB_E_FORMAT;
		if (region_scratch(&r) > max_scratch)
			return HVB_E_FORMAT;
		sum += r.data_len;
	}
	if (sum != vi.delta_bytes)
		return HVB_E_FORMAT;
	return HVB_OK;
}

int hvb_payload_open(const void *payload, size_t payload_size,
		     struct hvb_payload_info *info)
{
	const uint8_t *p = payload;
	uint64_t psize, wvaddr, wsize, hash;
	uint32_t hsize, nvar, voff, zcount, zoff, i, j;

	if (!p || !info)
		return HVB_E_ARG;
	if (payload_size < 8)
		return HVB_E_TRUNCATED;
	if (memcmp(p, HVB_PAYLOAD_MAGIC, 8) != 0)
		return HVB_E_MAGIC;
	if (payload_size < 16)
		return HVB_E_TRUNCATED;
	if (ld32(p + 8) != HVB_PAYLOAD_VERSION)
		return HVB_E_VERSION;
	if (payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_TRUNCATED;
	hsize = ld32(p + 12);
	psize = ld64(p + 16);
	if (psize > payload_size)
		return HVB_E_TRUNCATED;
	if (hsize != HVB_PAYLOAD_HDR_SIZE || psize < hsize)
		return HVB_E_FORMAT;
	hash = ld64(p + HVB_PAYLOAD_HASH_OFF);
	if (hvb_hash64(p + HVB_PAYLOAD_HASHED_FROM,
		       (unsigned long)(psize - HVB_PAYLOAD_HASHED_FROM)) != hash)
		return HVB_E_PAYLOAD_HASH;

	nvar = ld32(p + 32);
	voff = ld32(p + 40);
	zcount = ld32(p + 52);
	zoff = ld32(p + 56);
	wvaddr = ld64(p + 64);
	wsize = ld64(p + 72);
	if (nvar == 0 || nvar > HVB_MAX_VARIANTS || ld32(p + 36) >= nvar)
		return HVB_E_FORMAT;
	if (ld32(p + 44) != HVB_VARIANT_ENTRY_SIZE ||
	    ld32(p + 48) != HVB_REGION_ENTRY_SIZE)
		return HVB_E_FORMAT;
	if (!inside(voff, (uint64_t)nvar * HVB_VARIANT_ENTRY_SIZE, psize))
		return HVB_E_FORMAT;
	if (zcount > (psize >> 3) || !inside(zoff, (uint64_t)zcount * 8, psize))
		return HVB_E_FORMAT;
	if (wsize == 0 || wsize > 0xffffffffu || wsize > (size_t)-1 ||
	    wvaddr + wsize < wvaddr)
		return HVB_E_FORMAT;
	for (i = 0; i < zcount; i++)
		if (!inside(ld32(p + zoff + 8 * i), ld32(p + zoff + 8 * i + 4),
			    wsize))
			return HVB_E_FORMAT;
	for (i = 0; i < nvar; i++) {
		const uint8_t *ve = p + voff + (uint64_t)i * HVB_VARIANT_ENTRY_SIZE;
		int e = check_variant(p, psize, ve, wvaddr, wsize, ld32(p + 60));

		if (e)
			return e;
		for (j = 0; j < i; j++)
			if (memcmp(ve, p + voff + (uint64_t)j *
				   HVB_VARIANT_ENTRY_SIZE, 16) == 0)
				return HVB_E_FORMAT;
	}
	/* the base entry agrees with the header's copy */
	{
		const uint8_t *be = p + voff +
		    (uint64_t)ld32(p + 36) * HVB_VARIANT_ENTRY_SIZE;

		if (ld64(be + 16) != ld64(p + 96) || ld64(be + 24) != ld64(p + 104) ||
		    ld64(be + 32) != ld64(p + 112) || ld64(be + 40) != ld64(p + 120) ||
		    ld64(be + 48) != ld64(p + 80) || ld64(be + 56) != ld64(p + 88) ||
		    ld32(be + 72) != 0)
			return HVB_E_FORMAT;
	}
	info->version = HVB_PAYLOAD_VERSION;
	info->nvariants = nvar;
	info->base_index = ld32(p + 36);
	info->max_scratch = ld32(p + 60);
	info->payload_size = psize;
	info->payload_hash = hash;
	info->work_vaddr = wvaddr;
	info->work_size = wsize;
	return HVB_OK;
}

int hvb_payload_variant(const void *payload, size_t payload_size,
			uint32_t index, struct hvb_variant_info *vi)
{
	const uint8_t *p = payload;

	if (!p || !vi || payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_ARG;
	if (index >= ld32(p + 32))
		return HVB_E_NO_VARIANT;
	rd_variant(p + ld32(p + 40) + (uint64_t)index * HVB_VARIANT_ENTRY_SIZE,
		   vi);
	return HVB_OK;
}

int hvb_payload_find(const void *payload, size_t payload_size,
		     const char *name, uint32_t *index)
{
	const uint8_t *p = payload;
	uint32_t i, n, k;

	if (!p || !name || !index || payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_ARG;
	n = ld32(p + 32);
	for (i = 0; i < n; i++) {
		const uint8_t *ve = p + ld32(p + 40) +
		    (uint64_t)i * HVB_VARIANT_ENTRY_SIZE;

		for (k = 0; k < 16; k++) {
			if ((uint8_t)name[k] != ve[k])
				break;
			if (name[k] == 0) {
				*index = i;
				return HVB_OK;
			}
		}
	}
	return HVB_E_NO_VARIANT;
}

/* LEB128 unsigned varint */
static int rdvar(const uint8_t *d, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	while (*pos < len) {
		uint8_t b = d[(*pos)++];

		if (shift == 63 && (b & 0x7e))
			return -1;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -1;
	}
	return -1;
}

/* Decode an op stream: dst[0, nlen) from old[0, olen) and the data. */
static int apply_ops(const uint8_t *d, size_t dlen, const uint8_t *old,
		     size_t olen, uint8_t *dst, size_t nlen)
{
	size_t pos = 0, op = 0, np = 0, i;
	uint64_t v, n;

	while (pos < dlen) {
		if (rdvar(d, dlen, &pos, &v))
			return HVB_E_DELTA_CORRUPT;
		n = v >> 2;
		if (n == 0)
			return HVB_E_DELTA_CORRUPT;
		switch ((unsigned)(v & 3)) {
		case HVB_OP_COPY:
			if (n > olen - op || n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			memcpy(dst + np, old + op, (size_t)n);
			op += (size_t)n;
			np += (size_t)n;
			break;
		case HVB_OP_ADD:
			if (n > olen - op || n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			if (n > dlen - pos)
				return HVB_E_DELTA_CORRUPT;
			for (i = 0; i < (size_t)n; i++)
				dst[np + i] = (uint8_t)(old[op + i] + d[pos + i]);
			pos += (size_t)n;
			op += (size_t)n;
			np += (size_t)n;
			break;
		case HVB_OP_LIT:
			if (n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			if (n > dlen - pos)
				return HVB_E_DELTA_CORRUPT;
			memcpy(dst + np, d + pos, (size_t)n);
			pos += (size_t)n;
			np += (size_t)n;
			break;
		default:	/* SEEK, zigzag */
			if (n & 1) {
				uint64_t m = (n >> 1) + 1;

				if (m > op)
					return HVB_E_DELTA_BOUNDS;
				op -= (size_t)m;
			} else {
				if ((n >> 1) > olen - op)
					return HVB_E_DELTA_BOUNDS;
				op += (size_t)(n >> 1);
			}
			break;
		}
	}
	if (np != nlen)
		return HVB_E_DELTA_CORRUPT;
	return HVB_OK;
}

#ifdef HVB_APPLY_ZSTD
static int unzstd(void *dst, size_t cap, const void *src, size_t len,
		  const void *prefix, size_t plen)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	size_t r;

	if (!dc)
		return HVB_E_DECOMPRESS;
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, 30);
	if (prefix && ZSTD_isError(ZSTD_DCtx_refPrefix(dc, prefix, plen))) {
		ZSTD_freeDCtx(dc);
		return HVB_E_DECOMPRESS;
	}
	r = ZSTD_decompressDCtx(dc, dst, cap, src, len);
	ZSTD_freeDCtx(dc);
	if (ZSTD_isError(r) || r != cap)
		return HVB_E_DECOMPRESS;
	return HVB_OK;
}
#endif /* HVB_APPLY_ZSTD */

static int apply_region(const uint8_t *pl, const struct region *r,
			uint8_t *img, uint8_t *scratch, size_t scratch_size)
{
	const uint8_t *data = pl + r->data_off;
	uint8_t *dst = img + r->target;
	uint8_t *old = scratch;
	int e;

	if (r->enc > HVB_ENC_OPS)
		return HVB_E_ENCODING;
	if (r->comp > HVB_COMP_ZSTD_PREFIX)
		return HVB_E_COMPRESSION;
#ifndef HVB_APPLY_ZSTD
	if (r->comp != HVB_COMP_NONE)
		return HVB_E_COMPRESSION;
#endif /* !HVB_APPLY_ZSTD */
	if (region_scratch(r) > scratch_size)
		return HVB_E_SCRATCH;
	if (r->enc == HVB_ENC_OPS || r->comp == HVB_COMP_ZSTD_PREFIX)
		memcpy(old, dst, r->old_len);

	if (r->comp == HVB_COMP_NONE) {
		if (r->enc == HVB_ENC_LITERAL)
			memcpy(dst, data, r->new_len);
		else if ((e = apply_ops(data, r->data_len, old, r->old_len,
					dst, r->new_len)))
			return e;
	}
#ifdef HVB_APPLY_ZSTD
	else if (r->comp == HVB_COMP_ZSTD_PREFIX) {
		if ((e = unzstd(dst, r->new_len, data, r->data_len,
				old, r->old_len)))
			return e;
	} else if (r->enc == HVB_ENC_LITERAL) {
		if ((e = unzstd(dst, r->new_len, data, r->data_len, 0, 0)))
			return e;
	} else {
		uint8_t *raw = scratch + r->old_len;

		if ((e = unzstd(raw, r->raw_len, data, r->data_len, 0, 0)))
			return e;
		if ((e = apply_ops(raw, r->raw_len, old, r->old_len,
				   dst, r->new_len)))
			return e;
	}
#endif /* HVB_APPLY_ZSTD */
	if (r->new_len < r->old_len)
		memset(dst + r->new_len, 0, r->old_len - r->new_len);
	return HVB_OK;
}

int hvb_apply(const void *payload, size_t payload_size,
	      const char *variant_name,
	      void *image_base_ptr, size_t image_room,
	      void *scratch, size_t scratch_size,
	      struct hvb_apply_result *out)
{
	struct hvb_payload_info info;
	uint32_t idx;
	int e;

	if (!variant_name || !image_base_ptr || !out)
		return HVB_E_ARG;
	memset(out, 0, sizeof(*out));
	if ((e = hvb_payload_open(payload, payload_size, &info)))
		return e;
	if ((e = hvb_payload_find(payload, payload_size, variant_name, &idx)))
		return e;
	return hvb_apply_opened(payload, &info, idx, image_base_ptr, image_room,
				scratch, scratch_size, out);
}

int hvb_apply_opened(const void *payload, const struct hvb_payload_info *pinfo,
		     uint32_t idx, void *image_base_ptr, size_t image_room,
		     void *scratch, size_t scratch_size, struct hvb_apply_result *out)
{
	const uint8_t *p = payload;
	uint8_t *img = image_base_ptr;
	struct hvb_payload_info info;
	struct hvb_variant_info vi;
	uint32_t i, zcount, zoff, roff;
	uint64_t voff, hash;
	size_t payload_size;
	int e;

	if (!p || !pinfo || !img || !out)
		return HVB_E_ARG;
	info = *pinfo;
	payload_size = (size_t)info.payload_size;
	memset(out, 0, sizeof(*out));
	if ((e = hvb_payload_variant(payload, payload_size, idx, &vi)))
		return e;
	out->variant_index = idx;
	out->v = vi;
	if (image_room < info.work_size)
		return HVB_E_ROOM;
	if (!scratch)
		scratch_size = 0;

	/* parts of the work area the base does not load from its file:
	 * gaps, bss, room for bigger variants; make them zero.  Past the
	 * variant's file-backed extent the last step zeroes anyway. */
	voff = vi.vaddr - info.work_vaddr;
	zcount = ld32(p + 52);
	zoff = ld32(p + 56);
	for (i = 0; i < zcount; i++) {
		uint64_t zs = ld32(p + zoff + 8 * i);
		uint64_t ze = zs + ld32(p + zoff + 8 * i + 4);

		if (ze > voff + vi.filesz)
			ze = voff + vi.filesz;
		if (zs < ze)
			memset(img + zs, 0, (size_t)(ze - zs));
	}

	roff = ld32(p + ld32(p + 40) + (uint64_t)idx * HVB_VARIANT_ENTRY_SIZE + 76);
	for (i = 0; i < vi.regions; i++) {
		struct region r;

		rd_region(p + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE, &r);
		if ((e = apply_region(p, &r, img, scratch, scratch_size)))
			return e;
		out->regions_applied++;
		out->bytes_written += r.new_len;
	}

	/* everything past the variant's file-backed extent is zero (its bss
	 * and beyond) */
	memset(img + voff + vi.filesz, 0,
	       (size_t)(info.work_size - voff - vi.filesz));
	hash = hvb_hash64(img + voff, (unsigned long)vi.filesz);
	out->computed_hash = hash;
	if (hash != vi.image_hash)
		return HVB_E_IMAGE_HASH;
	return HVB_OK;
}

const char *hvb_apply_strerror(int err)
{
	switch (err) {
	case HVB_OK: return "success";
	case HVB_E_ARG: return "bad argument";
	case HVB_E_TRUNCATED: return "payload truncated";
	case HVB_E_MAGIC: return "bad payload magic";
	case HVB_E_VERSION: return "unsupported payload version";
	case HVB_E_PAYLOAD_HASH: return "payload hash mismatch (corrupt payload)";
	case HVB_E_FORMAT: return "malformed payload table";
	case HVB_E_NO_VARIANT: return "variant not in bundle";
	case HVB_E_ROOM: return "image room too small";
	case HVB_E_SCRATCH: return "scratch space too small";
	case HVB_E_DELTA_BOUNDS: return "delta out of bounds";
	case HVB_E_DELTA_CORRUPT: return "malformed delta";
	case HVB_E_ENCODING: return "unsupported delta encoding";
	case HVB_E_COMPRESSION: return "unsupported compression";
	case HVB_E_DECOMPRESS: return "compressed delta does not decode";
	case HVB_E_IMAGE_HASH: return "image hash mismatch after applying delta";
	default: return "unknown error";
	}
}
