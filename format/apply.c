/* apply.c: validate an hvbundle payload and apply a variant's deltas in
 * place.  Freestanding C99: only memcpy, memset, memmove and memcmp from
 * outside (and the header-only hash).  No 64-bit division, so it builds
 * for -m32 without libgcc.  Built with HVB_APPLY_ZSTD (host, libzstd) or
 * HVB_APPLY_UNZSTD (the stub's decoder, hvb_unzstd in stub/unzstd.c) it
 * also decodes zstd-compressed regions; without, those give
 * HVB_E_COMPRESSION.  Built with HVB_APPLY_NO_REFOPS (stub-norefs.elf) it
 * has no encoding 2, which then gives HVB_E_ENCODING.
 * Format: FORMAT.md; every offset is named in hvb_format.h. */
#include <string.h>
#include "apply.h"
#include "hvb_hash.h"
#ifdef HVB_APPLY_ZSTD
#include <zstd.h>
#endif /* HVB_APPLY_ZSTD */
#if defined(HVB_APPLY_ZSTD) || defined(HVB_APPLY_UNZSTD)
#define HVB_APPLY_ANY_ZSTD 1	/* frames, and so op columns */
#endif /* HVB_APPLY_ZSTD || HVB_APPLY_UNZSTD */

/* Little-endian loads and stores of unaligned fields: one mov where the
 * machine is little-endian (x86: the stub, the host), inlined, as these
 * run once per site and per move-table probe; bytes elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HVB_LE_DIRECT 1
#endif /* __BYTE_ORDER__ */

static inline __attribute__((always_inline)) uint32_t ld32(const uint8_t *p)
{
#ifdef HVB_LE_DIRECT
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
#endif /* HVB_LE_DIRECT */
}

static inline __attribute__((always_inline)) void st32(uint8_t *p, uint32_t v)
{
#ifdef HVB_LE_DIRECT
	__builtin_memcpy(p, &v, 4);
#else
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
#endif /* HVB_LE_DIRECT */
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
	r->target = ld32(p + HVB_RE_TARGET);
	r->old_len = ld32(p + HVB_RE_OLD_LEN);
	r->new_len = ld32(p + HVB_RE_NEW_LEN);
	r->enc = p[HVB_RE_ENCODING];
	r->comp = p[HVB_RE_COMPRESSION];
	r->raw_len = ld32(p + HVB_RE_RAW_LEN);
	r->data_off = ld32(p + HVB_RE_DATA_OFF);
	r->data_len = ld32(p + HVB_RE_DATA_LEN);
}

static uint64_t region_scratch(const struct region *r)
{
	return hvb_region_scratch(r->enc, r->comp, r->old_len, r->raw_len);
}

static void rd_variant(const uint8_t *p, struct hvb_variant_info *vi)
{
	memcpy(vi->name, p + HVB_VE_NAME, HVB_NAME_SIZE);
	vi->name[HVB_NAME_MAX] = 0;
	vi->image_hash = ld64(p + HVB_VE_IMAGE_HASH);
	vi->vaddr = ld64(p + HVB_VE_VADDR);
	vi->filesz = ld64(p + HVB_VE_FILESZ);
	vi->memsz = ld64(p + HVB_VE_MEMSZ);
	vi->pvh_entry = ld64(p + HVB_VE_PVH_ENTRY);
	vi->xen_entry = ld64(p + HVB_VE_XEN_ENTRY);
	vi->elf_entry = ld64(p + HVB_VE_ELF_ENTRY);
	vi->regions = ld32(p + HVB_VE_REGION_COUNT);
	vi->delta_bytes = ld32(p + HVB_VE_DELTA_BYTES);
	vi->moves = ld32(p + HVB_VE_MOVE_COUNT);
	vi->move_len = ld32(p + HVB_VE_MOVE_LEN);
	vi->frame_off = ld32(p + HVB_VE_FRAME_OFF);
	vi->frame_len = ld32(p + HVB_VE_FRAME_LEN);
	vi->frame_raw = ld32(p + HVB_VE_FRAME_RAW);
	vi->flags = ld32(p + HVB_VE_FLAGS);
}

static int name_ok(const uint8_t *p)
{
	unsigned i;

	if (p[0] == 0)
		return 0;
	for (i = 0; i < HVB_NAME_SIZE; i++)
		if (p[i] == 0)
			break;
	if (i > HVB_NAME_MAX)
		return 0;
	for (; i < HVB_NAME_SIZE; i++)		/* NUL padded */
		if (p[i] != 0)
			return 0;
	return 1;
}

/* LEB128 unsigned varint */
static int rdvar_long(const uint8_t *d, size_t len, size_t *pos, uint64_t *v)
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

#ifdef HVB_APPLY_ZSTD
/* the format's uvarint reader, for the host's bundler as well (no copy
 * of its own): -1 if it runs off the end or past 64 bits */
int hvb_uvar(const uint8_t *d, size_t len, size_t *pos, uint64_t *v)
{
	return rdvar_long(d, len, pos, v);
}
#endif /* HVB_APPLY_ZSTD */

/* the same, a one-byte varint (most sites and ops) read inline */
static inline __attribute__((always_inline)) int rdvar(const uint8_t *d, size_t len, size_t *pos,
							uint64_t *v)
{
	size_t p = *pos;

	if (p < len && d[p] < 0x80) {
		*v = d[p];
		*pos = p + 1;
		return 0;
	}
	return rdvar_long(d, len, pos, v);
}

#ifndef HVB_APPLY_NO_REFOPS
/* A variant's move table (FORMAT.md 3.3), the len bytes at t: its three
 * columns of n uvarints, exactly len bytes; each entry non-empty and
 * inside the work area (sorted and disjoint as the gaps make them).  Into
 * out as n entries of HVB_MOVE_ENTRY_SIZE bytes, unless out is NULL. */
static int moves_walk(const uint8_t *t, size_t len, uint32_t n, uint64_t wsize,
		      uint8_t *out)
{
	size_t pos[3] = { 0, 0, 0 };
	uint64_t v[3], end = 0;	/* gap, length, delta change */
	uint32_t delta = 0, i, c;

	for (v[0] = 0; v[0] < 2 * (uint64_t)n; pos[2]++) {	/* where columns 2, 3 start */
		if (pos[2] >= len)
			return HVB_E_FORMAT;
		if (!(t[pos[2]] & 0x80) && ++v[0] == n)	/* a varint's last byte */
			pos[1] = pos[2] + 1;
	}
	for (i = 0; i < n; i++) {
		for (c = 0; c < 3; c++)
			if (rdvar(t, len, &pos[c], &v[c]))
				return HVB_E_FORMAT;
		if (v[1] == 0 || v[0] > wsize - end || v[1] > wsize - end - v[0] ||
		    v[2] > 0xffffffffu)
			return HVB_E_FORMAT;
		end += v[0];
		delta += (uint32_t)(v[2] >> 1) ^ (0u - (uint32_t)(v[2] & 1));
		if (out) {
			uint8_t *m = out + (uint64_t)i * HVB_MOVE_ENTRY_SIZE;

			st32(m + HVB_MV_START, (uint32_t)end);
			st32(m + HVB_MV_LEN, (uint32_t)v[1]);
			st32(m + HVB_MV_DELTA, delta);
		}
		end += v[1];
	}
	return pos[2] == len ? HVB_OK : HVB_E_FORMAT;
}
#endif /* !HVB_APPLY_NO_REFOPS */

/* A move table's place in the payload (none at all when it has no
 * entry).  Its columns are walked where they are decoded, by
 * hvb_apply_opened before any region and by hvb_payload_moves: open
 * leaves the tables of variants it will not apply unread (on Linux that
 * saved the stub 273K instructions of a native boot). */
static int check_moves(const uint8_t *ve, uint64_t psize)
{
	uint32_t moff = ld32(ve + HVB_VE_MOVE_OFF), n = ld32(ve + HVB_VE_MOVE_COUNT);
	uint32_t mlen = ld32(ve + HVB_VE_MOVE_LEN);

	if (n == 0)
		return moff || mlen ? HVB_E_FORMAT : HVB_OK;
	return inside(moff, mlen, psize) && n <= mlen ? HVB_OK : HVB_E_FORMAT;
}

/* A variant's frame (FORMAT.md 3.3): inside the payload, not empty, and
 * not at all when it has none; only a delta has one. */
static int frame_ok(const struct hvb_variant_info *vi, uint64_t psize)
{
	if (!vi->frame_len)
		return vi->frame_off == 0 && vi->frame_raw == 0;
	return vi->regions && vi->frame_raw && inside(vi->frame_off, vi->frame_len, psize);
}

static int check_variant(const uint8_t *pl, uint64_t psize,
			 const uint8_t *ve, uint64_t wvaddr, uint64_t wsize,
			 uint32_t max_scratch)
{
	struct hvb_variant_info vi;
	uint64_t off, end = 0, sum = 0;
	uint32_t roff, i, cols;

	if (!name_ok(ve))
		return HVB_E_FORMAT;
	rd_variant(ve, &vi);
	roff = ld32(ve + HVB_VE_REGION_OFF);
	cols = ld32(ve + HVB_VE_FLAGS);
	if ((cols & ~(HVB_VF_OPCOLS | HVB_VF_REFPREFIX)) || (cols && !vi.frame_len))
		return HVB_E_FORMAT;	/* op columns, a turned prefix: only in a frame */
	if (!frame_ok(&vi, psize))
		return HVB_E_FORMAT;
	if (vi.vaddr < wvaddr || vi.filesz > vi.memsz)
		return HVB_E_FORMAT;
	off = vi.vaddr - wvaddr;
	if (!inside(off, vi.memsz, wsize) || vi.filesz == 0)
		return HVB_E_FORMAT;
	if (vi.regions > psize / HVB_REGION_ENTRY_SIZE ||
	    !inside(roff, (uint64_t)vi.regions * HVB_REGION_ENTRY_SIZE, psize))
		return HVB_E_FORMAT;
	for (i = 0; i < vi.regions; i++) {
		const uint8_t *re = pl + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE;
		struct region r;
		uint64_t ext;

		rd_region(re, &r);
		if (re[HVB_RE_RESERVED0] || re[HVB_RE_RESERVED0 + 1] ||
		    ld32(re + HVB_RE_RESERVED1))
			return HVB_E_FORMAT;	/* reserved, must be 0 */
		ext = r.old_len > r.new_len ? r.old_len : r.new_len;
		if (r.target < end || !inside(r.target, ext, wsize) || ext == 0)
			return HVB_E_DELTA_BOUNDS;
		end = (uint64_t)r.target + ext;
		if ((r.comp == HVB_COMP_FRAME) != (vi.frame_len != 0))
			return HVB_E_FORMAT;	/* a framed variant's regions, all and only */
		if (!inside(r.data_off, r.data_len, vi.frame_len ? vi.frame_raw : psize))
			return HVB_E_FORMAT;
		if ((r.comp == HVB_COMP_NONE || r.comp == HVB_COMP_FRAME) &&
		    r.raw_len != r.data_len)
			return HVB_E_FORMAT;
		if (r.enc == HVB_ENC_LITERAL && r.raw_len != r.new_len)
			return HVB_E_FORMAT;
		if ((cols & HVB_VF_OPCOLS) && r.enc == HVB_ENC_OPS && r.data_len)
			return HVB_E_FORMAT;	/* its ops are in the columns */
		if (r.comp == HVB_COMP_ZSTD_PREFIX && r.enc != HVB_ENC_LITERAL)
			return HVB_E_FORMAT;
		if (r.enc == HVB_ENC_REFOPS && ((r.comp != HVB_COMP_NONE &&
						 r.comp != HVB_COMP_FRAME) ||
						r.old_len != r.new_len))
			return HVB_E_FORMAT;
		if (hvb_variant_scratch(vi.frame_raw, vi.moves, region_scratch(&r)) > max_scratch)
			return HVB_E_FORMAT;
		sum += r.data_len;
	}
	if ((vi.frame_len ? vi.frame_len : sum) != vi.delta_bytes)
		return HVB_E_FORMAT;
	return check_moves(ve, psize);
}

/* The base's entry repeats what the header says of the base. */
static int base_agrees(const uint8_t *p, const uint8_t *be)
{
	static const uint8_t pair[][2] = {
		{ HVB_VE_IMAGE_HASH, HVB_PH_BASE_IMAGE_HASH },
		{ HVB_VE_VADDR, HVB_PH_BASE_VADDR },
		{ HVB_VE_FILESZ, HVB_PH_BASE_FILESZ },
		{ HVB_VE_MEMSZ, HVB_PH_BASE_MEMSZ },
		{ HVB_VE_PVH_ENTRY, HVB_PH_BASE_PVH_ENTRY },
		{ HVB_VE_XEN_ENTRY, HVB_PH_BASE_XEN_ENTRY },
	};
	unsigned i;

	for (i = 0; i < sizeof(pair) / sizeof(pair[0]); i++)
		if (ld64(be + pair[i][0]) != ld64(p + pair[i][1]))
			return 0;
	return ld32(be + HVB_VE_REGION_COUNT) == 0 && ld32(be + HVB_VE_MOVE_COUNT) == 0;
}

/* magic, version, lengths and hash, in that order (FORMAT.md 3.1) */
static int check_header(const uint8_t *p, size_t payload_size, uint64_t *psize)
{
	uint32_t hsize;

	if (payload_size < sizeof(HVB_PAYLOAD_MAGIC) - 1)
		return HVB_E_TRUNCATED;
	if (memcmp(p + HVB_PH_MAGIC, HVB_PAYLOAD_MAGIC, sizeof(HVB_PAYLOAD_MAGIC) - 1))
		return HVB_E_MAGIC;
	if (payload_size < HVB_PH_VERSION + 8)
		return HVB_E_TRUNCATED;
	if (ld32(p + HVB_PH_VERSION) != HVB_PAYLOAD_VERSION)
		return HVB_E_VERSION;
	if (payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_TRUNCATED;
	hsize = ld32(p + HVB_PH_HDR_SIZE);
	*psize = ld64(p + HVB_PH_PAYLOAD_SIZE);
	if (*psize > payload_size)
		return HVB_E_TRUNCATED;
	if (hsize != HVB_PAYLOAD_HDR_SIZE || *psize < hsize)
		return HVB_E_FORMAT;
	if (hvb_hash64(p + HVB_PH_HASHED_FROM,
		       (unsigned long)(*psize - HVB_PH_HASHED_FROM)) !=
	    ld64(p + HVB_PH_PAYLOAD_HASH))
		return HVB_E_PAYLOAD_HASH;
	return HVB_OK;
}

/* the header's tables and the work area */
static int check_tables(const uint8_t *p, uint64_t psize)
{
	uint32_t nvar = ld32(p + HVB_PH_NVARIANTS);
	uint32_t voff = ld32(p + HVB_PH_VARIANT_OFF);
	uint32_t zcount = ld32(p + HVB_PH_ZERO_COUNT);
	uint32_t zoff = ld32(p + HVB_PH_ZERO_OFF);
	uint64_t wvaddr = ld64(p + HVB_PH_WORK_VADDR);
	uint64_t wsize = ld64(p + HVB_PH_WORK_SIZE);
	uint32_t i, j;

	if (nvar == 0 || nvar > HVB_MAX_VARIANTS ||
	    ld32(p + HVB_PH_BASE_INDEX) >= nvar)
		return HVB_E_FORMAT;
	if (ld32(p + HVB_PH_VARIANT_ENTSIZE) != HVB_VARIANT_ENTRY_SIZE ||
	    ld32(p + HVB_PH_REGION_ENTSIZE) != HVB_REGION_ENTRY_SIZE)
		return HVB_E_FORMAT;
	if (!inside(voff, (uint64_t)nvar * HVB_VARIANT_ENTRY_SIZE, psize))
		return HVB_E_FORMAT;
	if (!inside(ld32(p + HVB_PH_REFS_OFF), ld32(p + HVB_PH_REFS_LEN), psize))
		return HVB_E_FORMAT;
	if (zcount > psize / HVB_ZERO_ENTRY_SIZE ||
	    !inside(zoff, (uint64_t)zcount * HVB_ZERO_ENTRY_SIZE, psize))
		return HVB_E_FORMAT;
	if (wsize == 0 || wsize > 0xffffffffu || wsize > (size_t)-1 ||
	    wvaddr + wsize < wvaddr)
		return HVB_E_FORMAT;
	for (i = 0; i < zcount; i++) {
		const uint8_t *ze = p + zoff + HVB_ZERO_ENTRY_SIZE * i;

		if (!inside(ld32(ze + HVB_ZE_OFFSET), ld32(ze + HVB_ZE_LENGTH), wsize))
			return HVB_E_FORMAT;
	}
	for (i = 0; i < nvar; i++) {
		const uint8_t *ve = p + voff + (uint64_t)i * HVB_VARIANT_ENTRY_SIZE;
		int e = check_variant(p, psize, ve, wvaddr, wsize,
				      ld32(p + HVB_PH_MAX_SCRATCH));

		if (e)
			return e;
		for (j = 0; j < i; j++)
			if (memcmp(ve + HVB_VE_NAME, p + voff + (uint64_t)j *
				   HVB_VARIANT_ENTRY_SIZE + HVB_VE_NAME, HVB_NAME_SIZE) == 0)
				return HVB_E_FORMAT;
	}
	if (!base_agrees(p, p + voff + (uint64_t)ld32(p + HVB_PH_BASE_INDEX) *
			 HVB_VARIANT_ENTRY_SIZE))
		return HVB_E_FORMAT;
	return HVB_OK;
}

int hvb_payload_open(const void *payload, size_t payload_size,
		     struct hvb_payload_info *info)
{
	const uint8_t *p = payload;
	uint64_t psize;
	int e;

	if (!p || !info)
		return HVB_E_ARG;
	if ((e = check_header(p, payload_size, &psize)) ||
	    (e = check_tables(p, psize)))
		return e;
	info->version = HVB_PAYLOAD_VERSION;
	info->nvariants = ld32(p + HVB_PH_NVARIANTS);
	info->base_index = ld32(p + HVB_PH_BASE_INDEX);
	info->max_scratch = ld32(p + HVB_PH_MAX_SCRATCH);
	info->payload_size = psize;
	info->payload_hash = ld64(p + HVB_PH_PAYLOAD_HASH);
	info->work_vaddr = ld64(p + HVB_PH_WORK_VADDR);
	info->work_size = ld64(p + HVB_PH_WORK_SIZE);
	return HVB_OK;
}

int hvb_payload_variant(const void *payload, size_t payload_size,
			uint32_t index, struct hvb_variant_info *vi)
{
	const uint8_t *p = payload;

	if (!p || !vi || payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_ARG;
	if (index >= ld32(p + HVB_PH_NVARIANTS))
		return HVB_E_NO_VARIANT;
	rd_variant(p + ld32(p + HVB_PH_VARIANT_OFF) +
		   (uint64_t)index * HVB_VARIANT_ENTRY_SIZE, vi);
	return HVB_OK;
}

#ifndef HVB_APPLY_NO_REFOPS
int hvb_payload_moves(const void *payload, const struct hvb_payload_info *info,
		      uint32_t index, void *out)
{
	const uint8_t *p = payload, *ve;

	if (!p || !info || !out || index >= info->nvariants)
		return HVB_E_ARG;
	ve = p + ld32(p + HVB_PH_VARIANT_OFF) + (uint64_t)index * HVB_VARIANT_ENTRY_SIZE;
	return moves_walk(p + ld32(ve + HVB_VE_MOVE_OFF), ld32(ve + HVB_VE_MOVE_LEN),
			  ld32(ve + HVB_VE_MOVE_COUNT), info->work_size, out);
}
#endif /* !HVB_APPLY_NO_REFOPS */

int hvb_payload_find(const void *payload, size_t payload_size,
		     const char *name, uint32_t *index)
{
	const uint8_t *p = payload;
	uint32_t i, n, k;

	if (!p || !name || !index || payload_size < HVB_PAYLOAD_HDR_SIZE)
		return HVB_E_ARG;
	n = ld32(p + HVB_PH_NVARIANTS);
	for (i = 0; i < n; i++) {
		const uint8_t *ve = p + ld32(p + HVB_PH_VARIANT_OFF) +
		    (uint64_t)i * HVB_VARIANT_ENTRY_SIZE + HVB_VE_NAME;

		for (k = 0; k < HVB_NAME_SIZE; k++) {
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

/* ---- encoding 2: reference-aware regions (FORMAT.md 3.8) ---- */

/* A site table being read (FORMAT.md 3.8): its columns, n sites of which
 * m have a kind other than 0, the bitmap saying which at bm, their kinds
 * at kd, the gaps from pos on; i sites read so far, j kinds. */
struct sites {
	const uint8_t *d;
	size_t len, bm, kd, pos;
	uint64_t n, m, i, j;
};

/* Where the last walk of the base's site table stopped: the next site,
 * read ahead (have: its field at work offset at, kind kind), after the
 * field that ended at prev; end, the end of the region that walk served.
 * A region that starts at or after end resumes there, so a variant whose
 * regions come in address order reads the table once, not once per
 * region. */
struct bt_cursor {
	struct sites s;
	uint64_t at, prev, end;
	unsigned kind;
	int have, open;
};

/* The move table's index (built once per variant, move_index): for each
 * of nb buckets of 2^shift work offsets, lo[b] is the first entry that
 * ends past the bucket's start.  The entry covering x lies in [lo[b],
 * lo[b + 1] + 1): entries before lo[b] end before x's bucket, and of those
 * from lo[b + 1] on only the first can start before the next bucket
 * (sorted, disjoint).  Offsets past the last bucket search [lo[nb], n).
 * HVB_MOVE_BUCKETS (apply.h) in struct moves itself; where the scratch has room past
 * what the payload's regions need (info.max_scratch), about
 * HVB_MOVE_BUCKETS_PER buckets per entry there, so that a lookup (one per
 * site of encoding 2) mostly finds its entry at once: on Linux's xen
 * (1,931 entries) 5.6 million instructions with 256 buckets, about 2.4
 * million fewer with 8,192.  Pack gives the stub that room
 * (hvb_move_index_room). */

struct moves {
	const uint8_t *t;	/* the variant's move table */
	uint32_t n;
	uint32_t wlo;		/* low 32 bits of work_vaddr */
	const uint8_t *bt;	/* the base's site table */
	uint32_t btlen;
	struct bt_cursor *cur;
	unsigned shift;		/* bucket size, log2 */
	uint32_t nb;		/* buckets */
	uint32_t *lo;		/* nb + 1 of them: lo_own or in the scratch */
	uint32_t lo_own[HVB_MOVE_BUCKETS + 1];
};

#ifndef HVB_APPLY_NO_REFOPS

/* instruction bytes after a site's field, by HVB_REF_TAIL_* */
static const uint8_t ref_tail[4] = { 0, 1, 2, 4 };
#define SITE_OFF(v)	((v) & 0x1fffffffu)	/* a listed site: offset | kind << 29 */
#define SITE_KIND(v)	((v) >> 29)

/* the move table's index, over a work area of wsize bytes (> 0), in
 * room (bytes, aligned to 4) if it holds more buckets than lo_own */
static void move_index(struct moves *mv, uint64_t wsize, uint8_t *room, size_t rlen)
{
	uint32_t j = 0, b;

	mv->nb = HVB_MOVE_BUCKETS;
	mv->lo = mv->lo_own;
	while (mv->nb < HVB_MOVE_BUCKETS_MAX && mv->nb < (uint64_t)mv->n * HVB_MOVE_BUCKETS_PER &&
	       ((uint64_t)mv->nb * 2 + 1) * 4 <= rlen)
		mv->nb *= 2;
	if (mv->nb > HVB_MOVE_BUCKETS)
		mv->lo = (uint32_t *)(void *)room;
	mv->shift = 0;
	while (((wsize - 1) >> mv->shift) >= mv->nb)
		mv->shift++;
	for (b = 0; b <= mv->nb; b++) {
		uint64_t at = (uint64_t)b << mv->shift;

		while (j < mv->n && (uint64_t)ld32(mv->t + (uint64_t)j * HVB_MOVE_ENTRY_SIZE + HVB_MV_START) +
		       ld32(mv->t + (uint64_t)j * HVB_MOVE_ENTRY_SIZE + HVB_MV_LEN) <= at)
			j++;
		mv->lo[b] = j;
	}
}

/* the delta of the move entry covering base offset b, 0 if none: a
 * binary search of the entries move_index leaves for b's bucket */
static inline __attribute__((always_inline)) uint32_t move_delta(const struct moves *mv,
								  uint32_t b)
{
	uint32_t k, lo, hi;

	if (!mv->n)
		return 0;	/* no table, and no index built */
	k = b >> mv->shift;
	if (k >= mv->nb) {
		lo = mv->lo[mv->nb];
		hi = mv->n;
	} else {
		lo = mv->lo[k];
		hi = mv->lo[k + 1] < mv->n ? mv->lo[k + 1] + 1 : mv->n;
	}
	while (lo < hi) {
		uint32_t m = lo + ((hi - lo) >> 1);
		const uint8_t *e = mv->t + (uint64_t)m * HVB_MOVE_ENTRY_SIZE;
		uint32_t s = ld32(e + HVB_MV_START);

		if (b < s)
			hi = m;
		else if (b - s >= ld32(e + HVB_MV_LEN))
			lo = m + 1;
		else
			return ld32(e + HVB_MV_DELTA);
	}
	return 0;
}

/* Room for a finer move index: the scratch past what the payload's
 * regions need (info.max_scratch from base) and past used (the frame and
 * the move table), 4-aligned; its bytes into *len. */
static uint8_t *index_room(uint8_t *base, size_t total, const uint8_t *used,
			   uint32_t max_scratch, size_t *len)
{
	size_t off = (size_t)(used - base);

	if (off < max_scratch)
		off = max_scratch;
	off += (size_t)(0u - (uintptr_t)(base + off)) & 3;
	*len = off < total ? total - off : 0;
	return base + off;
}

/* What a site's field is relative to: the end of its instruction (a work
 * offset), or for an absolute address minus work_vaddr's low 32 bits.  In
 * reference space the field holds value + that: the work offset of what it
 * points at. */
static uint32_t ref_bias(unsigned kind, uint32_t target, uint32_t at, uint32_t wlo)
{
	if (kind & HVB_REF_ABS)
		return 0u - wlo;
	return target + at + HVB_REF_FIELD + ref_tail[kind & 3];
}

/* a field in reference space made what it was again: what it points at,
 * re-resolved through the move table, minus its bias */
static void ref_back(uint8_t *f, uint32_t bias, const struct moves *mv)
{
	uint32_t x = ld32(f);

	st32(f, x + move_delta(mv, x) - bias);
}

/* Open the site table at d[*pos] (d is len bytes long): at most max
 * sites, its columns inside d.  *pos ends after them. */
static int sites_open(struct sites *s, const uint8_t *d, size_t len, size_t *pos,
		      uint64_t max)
{
	s->d = d;
	s->len = len;
	s->i = s->j = s->m = 0;
	if (rdvar_long(d, len, pos, &s->n) || s->n > max || s->n > len - *pos)
		return HVB_E_REF_TABLE;
	if (s->n && (rdvar_long(d, len, pos, &s->m) || s->m > s->n))
		return HVB_E_REF_TABLE;
	s->bm = *pos;
	s->kd = s->bm + (size_t)((s->n + 7) >> 3);	/* n <= len: no overflow */
	s->pos = s->kd + (size_t)((s->m * HVB_REF_KIND_BITS + 7) >> 3);
	if (s->pos > len)
		return HVB_E_REF_TABLE;
	return HVB_OK;
}

/* the next site (s->i < s->n): its gap and its kind (1 to 7 when its
 * bit is set, else 0) */
static inline __attribute__((always_inline)) int sites_next(struct sites *s, uint64_t *gap,
								unsigned *kind)
{
	uint64_t i = s->i++;

	if (rdvar(s->d, s->len, &s->pos, gap))
		return HVB_E_REF_TABLE;
	*kind = 0;
	if (s->d[s->bm + (size_t)(i >> 3)] >> (i & 7) & 1) {
		uint64_t j = s->j++;

		if (j >= s->m)
			return HVB_E_REF_TABLE;
		*kind = s->d[s->kd + (size_t)(j >> 1)] >> (j & 1) * HVB_REF_KIND_BITS & 15;
		if (*kind == 0 || *kind > (HVB_REF_ABS | 3))
			return HVB_E_REF_TABLE;
	}
	return HVB_OK;
}

/* One site table at d[*pos].  Each site is a 4-byte field of buf, the
 * region at work offset target, len bytes long, in reference space: it
 * comes back (ref_back).  With buf NULL the table is only checked. */
static int ref_walk(const uint8_t *d, size_t dlen, size_t *pos, uint8_t *buf,
		    uint32_t len, uint32_t target, const struct moves *mv)
{
	struct sites s;
	uint64_t gap;
	uint32_t at = 0;
	unsigned kind;
	int e;

	if ((e = sites_open(&s, d, dlen, pos, len / HVB_REF_FIELD)))
		return e;
	while (s.i < s.n) {
		if ((e = sites_next(&s, &gap, &kind)))
			return e;
		if (gap > len - at || HVB_REF_FIELD > len - at - gap)
			return HVB_E_REF_TABLE;
		at += (uint32_t)gap;
		if (buf)
			ref_back(buf + at, ref_bias(kind, target, at, mv->wlo), mv);
		at += HVB_REF_FIELD;
	}
	if (s.j != s.m)
		return HVB_E_REF_TABLE;		/* kinds left over */
	*pos = s.pos;
	return HVB_OK;
}

/* The base's site table (header HVB_PH_REFS_*), whose offsets are work
 * offsets: the sites that lie whole in the region [target, + len) go into
 * reference space in old (the region's old bytes) and are listed.  The
 * walk resumes at mv->cur when the region starts after the last one. */
static int ref_walk_base(const struct moves *mv, uint8_t *old, uint32_t target,
			 uint32_t len, uint8_t *list, uint32_t *nlist)
{
	struct bt_cursor *c = mv->cur;
	struct sites s;		/* the cursor's state in locals while it walks: */
	uint64_t gap, at, prev;	/* the stores into old would make the compiler */
	uint32_t k = 0, o;	/* read the cursor again for every site */
	unsigned kind;
	size_t pos = 0;
	int e, have;

	*nlist = 0;
	if (!mv->btlen)
		return HVB_OK;
	if (!c->open || target < c->end) {	/* from the start */
		if ((e = sites_open(&c->s, mv->bt, mv->btlen, &pos, mv->btlen)))
			return e;
		c->prev = 0;
		c->have = 0;
		c->open = 1;
	}
	s = c->s;
	at = c->at;
	prev = c->prev;
	kind = c->kind;
	have = c->have;
	c->end = (uint64_t)target + len;
	for (;;) {
		if (!have) {
			if (s.i == s.n)
				break;
			if ((e = sites_next(&s, &gap, &kind)) || gap > 0xffffffffu)
				return HVB_E_REF_TABLE;
			at = prev + gap;
			have = 1;
		}
		if (at + HVB_REF_FIELD > (uint64_t)target + len)
			break;		/* a later region starts with it */
		if (at >= target) {
			o = (uint32_t)(at - target);
			st32(old + o, ld32(old + o) + ref_bias(kind, target, o, mv->wlo));
			st32(list + 4 * (uint64_t)k++, o | (uint32_t)kind << 29);
		}
		prev = at + HVB_REF_FIELD;
		have = 0;
	}
	c->s = s;
	c->at = at;
	c->prev = prev;
	c->kind = kind;
	c->have = have;
	*nlist = k;
	return HVB_OK;
}

/* The first *n sites of the base's site table (bt, btlen bytes), whose
 * offsets are work offsets, turned in the work area img (wsize bytes):
 * into reference space, or with back out of it again; *n becomes the
 * number turned, which on an error (the table breaks a rule, or a field
 * leaves the work area) is where it stopped.  Turning back the sites a
 * walk turned undoes it exactly: fields never overlap, and each is one
 * addition mod 2^32.  One walk checks and turns, so a table is read
 * twice, not three times (Linux's base table: 62,000 sites). */
int hvb_base_refs_turn(const uint8_t *bt, size_t btlen, uint8_t *img,
		       uint64_t wsize, uint32_t wlo, int back, uint64_t *n)
{
	struct sites s;
	uint64_t gap, at = 0, max = *n;
	size_t pos = 0;
	unsigned kind;
	uint32_t b;
	int e;

	*n = 0;
	if (!btlen)
		return HVB_OK;
	if ((e = sites_open(&s, bt, btlen, &pos, wsize / HVB_REF_FIELD)))
		return e;
	while (s.i < s.n && *n < max) {
		if ((e = sites_next(&s, &gap, &kind)))
			return e;
		if (gap > wsize - at || HVB_REF_FIELD > wsize - at - gap)
			return HVB_E_REF_TABLE;
		at += gap;
		b = ref_bias(kind, 0, (uint32_t)at, wlo);
		st32(img + at, ld32(img + at) + (back ? 0u - b : b));
		++*n;
		at += HVB_REF_FIELD;
	}
	return s.i < s.n || s.j == s.m ? HVB_OK : HVB_E_REF_TABLE;
}

/* The new side's sites that COPY ops carry from the old one, less the
 * excluded ones (a sorted list read as the copies reach them). */
struct inherit {
	const uint8_t *sites;	/* the old sites, listed by ref_walk */
	uint32_t ns, target;
	const struct moves *mv;
	const uint8_t *x;	/* exclusions: uvarint gaps */
	size_t xlen, xpos;
	uint64_t xleft;		/* exclusions not yet reached */
	uint32_t xnext, xend;	/* the next one's offset; the end of the last */
	uint32_t cur;		/* where the last copy's sites ended */
};

/* the next exclusion's offset into ih->xnext, if any is left */
static int excl_next(struct inherit *ih, uint32_t nlen)
{
	uint64_t gap;

	if (!ih->xleft)
		return HVB_OK;
	if (rdvar(ih->x, ih->xlen, &ih->xpos, &gap) || gap > nlen - ih->xend ||
	    HVB_REF_FIELD > nlen - ih->xend - gap)
		return HVB_E_REF_TABLE;
	ih->xnext = ih->xend + (uint32_t)gap;
	ih->xend = ih->xnext + HVB_REF_FIELD;
	return HVB_OK;
}

/* COPY of old [o, o + n) to new at p: its whole old sites come back */
static int inherit_copy(struct inherit *ih, uint8_t *dst, uint32_t nlen,
			size_t o, size_t p, size_t n)
{
	uint32_t lo = 0, hi = ih->ns, k, at, q;
	int e;

	/* The first site at or after o.  Copies mostly go forward: from where
	 * the last one stopped, a few steps, else a binary search on the side
	 * of the cursor o lies on (the sites are sorted). */
	k = ih->cur;
	if (k && SITE_OFF(ld32(ih->sites + 4 * (uint64_t)(k - 1))) >= o) {
		hi = k - 1;	/* o at or before site k - 1 */
	} else {
		for (at = 0; at < 4 && k < hi && SITE_OFF(ld32(ih->sites + 4 * (uint64_t)k)) < o; at++)
			k++;
		lo = k;
		if (at < 4)
			hi = k;	/* found: site k is the first at or after o, or none is */
	}
	while (lo < hi) {
		uint32_t m = lo + ((hi - lo) >> 1);

		if (SITE_OFF(ld32(ih->sites + 4 * (uint64_t)m)) < o)
			lo = m + 1;
		else
			hi = m;
	}
	for (k = lo; k < ih->ns; k++) {
		uint32_t v = ld32(ih->sites + 4 * (uint64_t)k);

		at = SITE_OFF(v);
		if (at + HVB_REF_FIELD > o + n)
			break;
		q = (uint32_t)(p + (at - o));
		if (ih->xleft && ih->xnext < q)
			return HVB_E_REF_TABLE;		/* passed, never met */
		if (ih->xleft && ih->xnext == q) {
			ih->xleft--;
			if ((e = excl_next(ih, nlen)))
				return e;
			continue;
		}
		ref_back(dst + q, ref_bias(SITE_KIND(v), ih->target, q, ih->mv->wlo), ih->mv);
	}
	ih->cur = k;
	return HVB_OK;
}

#else
struct inherit;
/* no encoding 2: apply_ops is never given sites to carry (ih is NULL) */
#define inherit_copy(ih, dst, nlen, o, p, n)	HVB_OK
#endif /* !HVB_APPLY_NO_REFOPS */

/* Where ops come from: an op stream d[0, len) (FORMAT.md 3.7), read at
 * pos, or (cols not NULL) a variant's op columns. */
struct opcols;
struct opsrc {
	const uint8_t *d;
	size_t len, pos;
	struct opcols *cols;
};

#ifdef HVB_APPLY_ANY_ZSTD
/* A variant's op columns (FORMAT.md 3.7), in its decoded frame f: column
 * j is f[at[j], end[j]), at[j] its cursor, shared by its regions in
 * order. */
struct opcols {
	const uint8_t *f;
	size_t at[HVB_OPCOL_COUNT], end[HVB_OPCOL_COUNT];
};

/* The columns at the start of a decoded frame of flen bytes: their
 * lengths, each column inside the frame. */
static int opcols_open(struct opcols *c, const uint8_t *f, size_t flen)
{
	uint64_t n[HVB_OPCOL_COUNT];
	size_t pos = 0;
	unsigned j;

	c->f = f;
	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		if (rdvar_long(f, flen, &pos, &n[j]))
			return HVB_E_DELTA_CORRUPT;
	for (j = 0; j < HVB_OPCOL_COUNT; j++) {
		if (n[j] > flen - pos)
			return HVB_E_DELTA_CORRUPT;
		c->at[j] = pos;
		pos += (size_t)n[j];
		c->end[j] = pos;
	}
	return HVB_OK;
}

/* the next op's kind and length n from the columns */
static int opcols_head(struct opcols *c, unsigned *kind, uint64_t *n)
{
	if (c->at[HVB_OPCOL_KINDS] == c->end[HVB_OPCOL_KINDS])
		return HVB_E_DELTA_CORRUPT;
	*kind = c->f[c->at[HVB_OPCOL_KINDS]++];
	if (*kind > HVB_OP_SEEK ||
	    rdvar(c->f, c->end[HVB_OPCOL_LEN + *kind], &c->at[HVB_OPCOL_LEN + *kind], n))
		return HVB_E_DELTA_CORRUPT;
	return *n ? HVB_OK : HVB_E_DELTA_CORRUPT;
}

/* an ADD's or LIT's n bytes from the columns, NULL if they have fewer */
static const uint8_t *opcols_bytes(struct opcols *c, unsigned kind, uint64_t n)
{
	unsigned j = kind == HVB_OP_ADD ? HVB_OPCOL_ADD : HVB_OPCOL_LIT;
	const uint8_t *b = c->f + c->at[j];

	if (n > c->end[j] - c->at[j])
		return 0;
	c->at[j] += (size_t)n;
	return b;
}
#define SRC_COLS(s)	((s)->cols)

/* after the last region: every column read to its end */
static int opcols_done(const struct opcols *c)
{
	unsigned j;

	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		if (c->at[j] != c->end[j])
			return HVB_E_DELTA_CORRUPT;
	return HVB_OK;
}
#else
#define SRC_COLS(s)	0	/* no frames, so no columns */
#define opcols_head(c, kind, n)	HVB_E_DELTA_CORRUPT
#define opcols_bytes(c, kind, n)	((void)(kind), (const uint8_t *)0)
#endif /* HVB_APPLY_ANY_ZSTD */

/* the next op's kind and length n (>= 1) */
static inline __attribute__((always_inline)) int op_head(struct opsrc *s, unsigned *kind,
							  uint64_t *n)
{
	uint64_t v;

	if (SRC_COLS(s))
		return opcols_head(s->cols, kind, n);
	if (rdvar(s->d, s->len, &s->pos, &v))
		return HVB_E_DELTA_CORRUPT;
	*n = v >> HVB_OP_SHIFT;
	*kind = (unsigned)(v & ((1u << HVB_OP_SHIFT) - 1));
	return *n ? HVB_OK : HVB_E_DELTA_CORRUPT;
}

/* an ADD's or LIT's n bytes, NULL if the data has fewer */
static inline __attribute__((always_inline)) const uint8_t *op_bytes(struct opsrc *s,
								      unsigned kind, uint64_t n)
{
	const uint8_t *b;

	if (SRC_COLS(s))
		return opcols_bytes(s->cols, kind, n);
	if (n > s->len - s->pos)
		return 0;
	b = s->d + s->pos;
	s->pos += (size_t)n;
	return b;
}

/* Decode ops: dst[0, nlen) from old[0, olen).  A stream ends where its
 * data does, the columns where the region is whole. */
static int apply_ops(struct opsrc *s, const uint8_t *old,
		     size_t olen, uint8_t *dst, size_t nlen, struct inherit *ih)
{
	size_t op = 0, np = 0, i;
	const uint8_t *b;
	uint64_t n;
	unsigned kind;
	int e;

	while (SRC_COLS(s) ? np < nlen : s->pos < s->len) {
		if ((e = op_head(s, &kind, &n)))
			return e;
		switch (kind) {
		case HVB_OP_COPY:
			if (n > olen - op || n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			memcpy(dst + np, old + op, (size_t)n);
			if (ih && (e = inherit_copy(ih, dst, (uint32_t)nlen, op, np, (size_t)n)))
				return e;
			op += (size_t)n;
			np += (size_t)n;
			break;
		case HVB_OP_ADD:
			if (n > olen - op || n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			if (!(b = op_bytes(s, kind, n)))
				return HVB_E_DELTA_CORRUPT;
			for (i = 0; i < (size_t)n; i++)
				dst[np + i] = (uint8_t)(old[op + i] + b[i]);
			op += (size_t)n;
			np += (size_t)n;
			break;
		case HVB_OP_LIT:
			if (n > nlen - np)
				return HVB_E_DELTA_BOUNDS;
			if (!(b = op_bytes(s, kind, n)))
				return HVB_E_DELTA_CORRUPT;
			memcpy(dst + np, b, (size_t)n);
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

#ifndef HVB_APPLY_NO_REFOPS
/* Encoding 2: the old bytes into reference space by the base's site
 * table (their sites listed in scratch after them), the op stream with the sites COPY carries brought
 * back as it goes, then the new side's extra sites. */
static int apply_refops(const uint8_t *d, size_t dlen, const struct region *r,
			uint8_t *old, uint8_t *dst, const struct moves *mv,
			struct opcols *cols)
{
	struct opsrc src = { d, dlen, 0, cols };
	struct inherit ih;
	size_t pos = 0, extras, i;
	uint64_t gap;
	int e;

	ih.sites = old + r->old_len;
	if ((e = ref_walk_base(mv, old, r->target, r->old_len, old + r->old_len, &ih.ns)))
		return e;
	extras = pos;
	if ((e = ref_walk(d, dlen, &pos, 0, r->new_len, r->target, mv)))
		return e;
	if (rdvar(d, dlen, &pos, &ih.xleft) || ih.xleft > r->new_len / HVB_REF_FIELD)
		return HVB_E_REF_TABLE;
	ih.x = d;
	ih.xlen = dlen;
	ih.xpos = pos;
	for (i = 0; i < ih.xleft; i++)	/* step over them to the ops */
		if (rdvar(d, dlen, &pos, &gap))
			return HVB_E_REF_TABLE;
	ih.target = r->target;
	ih.mv = mv;
	ih.xend = 0;
	ih.cur = 0;
	if ((e = excl_next(&ih, r->new_len)))
		return e;
	if (cols && pos != dlen)
		return HVB_E_DELTA_CORRUPT;	/* its ops are in the columns */
	src.pos = pos;
	if ((e = apply_ops(&src, old, r->old_len, dst, r->new_len, &ih)))
		return e;
	if (ih.xleft)
		return HVB_E_REF_TABLE;		/* an exclusion no copy reached */
	return ref_walk(d, dlen, &extras, dst, r->new_len, r->target, mv);
}
#endif /* !HVB_APPLY_NO_REFOPS */

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
#elif defined(HVB_APPLY_UNZSTD)
#define unzstd hvb_unzstd
#endif /* HVB_APPLY_ZSTD */

/* src: the payload, or for HVB_COMP_FRAME the variant's decoded frame */
static int apply_region(const uint8_t *src, const struct region *r,
			uint8_t *img, uint8_t *scratch, size_t scratch_size,
			const struct moves *mv, struct opcols *cols)
{
	const uint8_t *data = src + r->data_off;
	struct opsrc ops = { data, r->data_len, 0, r->comp == HVB_COMP_FRAME ? cols : 0 };
	uint8_t *dst = img + r->target;
	uint8_t *old = scratch;
	int e;

	if (r->enc > HVB_ENC_REFOPS)
		return HVB_E_ENCODING;
	if (r->comp > HVB_COMP_FRAME)
		return HVB_E_COMPRESSION;
#ifndef HVB_APPLY_ANY_ZSTD
	if (r->comp != HVB_COMP_NONE)
		return HVB_E_COMPRESSION;
#endif /* !HVB_APPLY_ANY_ZSTD */
	if (region_scratch(r) > scratch_size)
		return HVB_E_SCRATCH;
	if (r->enc != HVB_ENC_LITERAL || r->comp == HVB_COMP_ZSTD_PREFIX)
		memcpy(old, dst, r->old_len);

	if (r->comp == HVB_COMP_NONE || r->comp == HVB_COMP_FRAME) {
		if (r->enc == HVB_ENC_LITERAL)
			memcpy(dst, data, r->new_len);
		else if (r->enc == HVB_ENC_REFOPS) {
#ifdef HVB_APPLY_NO_REFOPS
			(void)mv;
			return HVB_E_ENCODING;
#else
			if ((e = apply_refops(data, r->data_len, r, old, dst, mv, ops.cols)))
				return e;
#endif /* HVB_APPLY_NO_REFOPS */
		}
		else if ((e = apply_ops(&ops, old, r->old_len, dst, r->new_len, 0)))
			return e;
	}
#ifdef HVB_APPLY_ANY_ZSTD
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
		ops.d = raw;
		ops.len = r->raw_len;
		if ((e = apply_ops(&ops, old, r->old_len, dst, r->new_len, 0)))
			return e;
	}
#endif /* HVB_APPLY_ANY_ZSTD */
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

/* ---- frames (FORMAT.md 3.3): a variant's region data as one zstd frame
 * whose prefix is the work area as the base fills it ---- */

#if defined(HVB_APPLY_ANY_ZSTD) && !defined(HVB_APPLY_NO_REFOPS)
/* A frame made against the work area with the base's sites in reference
 * space: the sites turned (the table checked as they are), the frame
 * decoded, the sites turned back (as many as were turned, whatever the
 * table or the decoder said). */
static int turned_unzstd(const uint8_t *p, const struct hvb_payload_info *info,
			 const struct hvb_variant_info *vi, uint8_t *img, uint8_t *scratch)
{
	const uint8_t *bt = p + ld32(p + HVB_PH_REFS_OFF);
	size_t btlen = ld32(p + HVB_PH_REFS_LEN);
	uint32_t wlo = (uint32_t)info->work_vaddr;
	uint64_t n = ~0ull, k;
	int e;

	if (!btlen)
		return HVB_E_REF_TABLE;	/* nothing to turn: not as pack makes it */
	if ((e = hvb_base_refs_turn(bt, btlen, img, info->work_size, wlo, 0, &n)) == HVB_OK)
		e = unzstd(scratch, vi->frame_raw, p + vi->frame_off, vi->frame_len,
			   img, (size_t)info->work_size);
	k = n;
	hvb_base_refs_turn(bt, btlen, img, info->work_size, wlo, 1, &k);
	return e;
}
#endif /* HVB_APPLY_ANY_ZSTD && !HVB_APPLY_NO_REFOPS */

/* Decode variant vi's frame into scratch.  The prefix must be the work
 * area exactly as pack saw it: the base's bytes, zero everywhere else, so
 * the whole zero table is cleared first (not only up to the variant's
 * extent, as for a variant without a frame). */
static int apply_frame(const uint8_t *p, const struct hvb_payload_info *info,
		       const struct hvb_variant_info *vi, uint8_t *img,
		       uint8_t *scratch, size_t scratch_size)
{
	uint32_t zcount = ld32(p + HVB_PH_ZERO_COUNT), zoff = ld32(p + HVB_PH_ZERO_OFF), i;

	if (!scratch || vi->frame_raw > scratch_size)
		return HVB_E_SCRATCH;
	for (i = 0; i < zcount; i++) {
		const uint8_t *z = p + zoff + HVB_ZERO_ENTRY_SIZE * i;

		memset(img + ld32(z + HVB_ZE_OFFSET), 0, ld32(z + HVB_ZE_LENGTH));
	}
#ifdef HVB_APPLY_ANY_ZSTD
	if (vi->flags & HVB_VF_REFPREFIX)
#ifdef HVB_APPLY_NO_REFOPS
		return HVB_E_ENCODING;
#else
		return turned_unzstd(p, info, vi, img, scratch);
#endif /* HVB_APPLY_NO_REFOPS */
	return unzstd(scratch, vi->frame_raw, p + vi->frame_off, vi->frame_len,
		      img, (size_t)info->work_size);
#else
	(void)info;
	return HVB_E_COMPRESSION;
#endif /* HVB_APPLY_ANY_ZSTD */
}

/* The parts of the work area the base does not load from its file
 * (gaps, bss, room for bigger variants) made zero up to end, the
 * variant's file-backed extent; past it hvb_apply_opened zeroes anyway.
 * A variant with a frame has apply_frame clear them whole instead. */
static void zero_unloaded(const uint8_t *p, uint64_t end, uint8_t *img)
{
	uint32_t zcount = ld32(p + HVB_PH_ZERO_COUNT), zoff = ld32(p + HVB_PH_ZERO_OFF), i;

	for (i = 0; i < zcount; i++) {
		const uint8_t *z = p + zoff + HVB_ZERO_ENTRY_SIZE * i;
		uint64_t zs = ld32(z + HVB_ZE_OFFSET);
		uint64_t ze = zs + ld32(z + HVB_ZE_LENGTH);

		if (ze > end)
			ze = end;
		if (zs < ze)
			memset(img + zs, 0, (size_t)(ze - zs));
	}
}

#ifndef HVB_APPLY_NO_REFOPS
/* Variant vi's move table (payload p, its entry ve) decoded, and so
 * checked, once, after its frame, into the scratch at *scratch (taking
 * its room from it), and indexed in what room the regions leave (the
 * scratch from base on). */
static int moves_open(struct moves *mv, const uint8_t *p, const uint8_t *ve,
		      const struct hvb_variant_info *vi, const struct hvb_payload_info *info,
		      uint8_t *base, uint8_t **scratch, size_t *scratch_size)
{
	size_t total = (size_t)(*scratch - base) + *scratch_size, ilen;
	uint64_t need = (uint64_t)vi->moves * HVB_MOVE_ENTRY_SIZE;
	uint8_t *ir;
	int e;

	if (need > *scratch_size)
		return HVB_E_SCRATCH;
	if ((e = moves_walk(p + ld32(ve + HVB_VE_MOVE_OFF), ld32(ve + HVB_VE_MOVE_LEN),
			    vi->moves, info->work_size, *scratch)))
		return e;
	mv->t = *scratch;
	mv->n = vi->moves;
	*scratch += (size_t)need;
	*scratch_size -= (size_t)need;
	ir = index_room(base, total, *scratch, info->max_scratch, &ilen);
	move_index(mv, info->work_size, ir, ilen);
	if (mv->lo != mv->lo_own)		/* the regions stay clear of it */
		*scratch_size = (size_t)(ir - *scratch);
	return HVB_OK;
}
#endif /* !HVB_APPLY_NO_REFOPS */

int hvb_apply_opened(const void *payload, const struct hvb_payload_info *pinfo,
		     uint32_t idx, void *image_base_ptr, size_t image_room,
		     void *scratch_, size_t scratch_size, struct hvb_apply_result *out)
{
	const uint8_t *p = payload;
	uint8_t *img = image_base_ptr;
	struct hvb_payload_info info;
	struct hvb_variant_info vi;
	uint32_t i, roff;
	uint64_t voff, hash;
	struct moves mv;
	struct bt_cursor cur = { 0 };
	struct opcols *cols = 0;
#ifdef HVB_APPLY_ANY_ZSTD
	struct opcols oc;
#endif /* HVB_APPLY_ANY_ZSTD */
	const uint8_t *ve, *src;
	uint8_t *scratch = scratch_;
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

	voff = vi.vaddr - info.work_vaddr;
	if (!vi.frame_len)
		zero_unloaded(p, voff + vi.filesz, img);

	ve = p + ld32(p + HVB_PH_VARIANT_OFF) + (uint64_t)idx * HVB_VARIANT_ENTRY_SIZE;
	roff = ld32(ve + HVB_VE_REGION_OFF);
	src = p;
	if (vi.frame_len) {	/* decoded once, before any region */
		if ((e = apply_frame(p, &info, &vi, img, scratch, scratch_size)))
			return e;
#ifdef HVB_APPLY_ANY_ZSTD	/* (without, apply_frame has failed) */
		if (vi.flags & HVB_VF_OPCOLS) {
			if ((e = opcols_open(&oc, scratch, vi.frame_raw)))
				return e;
			cols = &oc;
		}
#endif /* HVB_APPLY_ANY_ZSTD */
		src = scratch;
		scratch += vi.frame_raw;
		scratch_size -= vi.frame_raw;
	}
	mv.n = 0;
	mv.wlo = (uint32_t)info.work_vaddr;
	mv.bt = p + ld32(p + HVB_PH_REFS_OFF);
	mv.btlen = ld32(p + HVB_PH_REFS_LEN);
	mv.cur = &cur;
#ifndef HVB_APPLY_NO_REFOPS
	if (vi.moves && (e = moves_open(&mv, p, ve, &vi, &info, scratch_, &scratch,
					&scratch_size)))
		return e;
#endif /* !HVB_APPLY_NO_REFOPS */
	for (i = 0; i < vi.regions; i++) {
		struct region r;

		rd_region(p + roff + (uint64_t)i * HVB_REGION_ENTRY_SIZE, &r);
		if ((e = apply_region(src, &r, img, scratch, scratch_size, &mv, cols)))
			return e;
		out->regions_applied++;
		out->bytes_written += r.new_len;
	}
#ifdef HVB_APPLY_ANY_ZSTD
	if (cols && (e = opcols_done(cols)))
		return e;
#endif /* HVB_APPLY_ANY_ZSTD */

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
	case HVB_E_REF_TABLE: return "malformed reference table";
	default: return "unknown error";
	}
}
