/* apply.h: validate an hvbundle payload and apply one variant's deltas in
 * place to the loaded base image.  Freestanding C99; the same file is
 * linked into the boot stub and into the host bundler (extract, verify).
 * The payload format: FORMAT.md, its fields: hvb_format.h (both here). */
#ifndef HVB_APPLY_H
#define HVB_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "hvb_format.h"

/* Scratch bytes a region needs: the old bytes when the decoder reads
 * them, plus the decompressed op stream when it is compressed, plus the
 * list of old reference sites for encoding 2.  The
 * bundler records the largest; the applier checks against it. */
/* A variant's whole need: its decoded frame, its decoded move table
 * (moves entries of HVB_MOVE_ENTRY_SIZE bytes), then the region's. */
static inline uint64_t hvb_variant_scratch(uint64_t frame_raw, uint64_t moves,
					   uint64_t region_need)
{
	return frame_raw + moves * HVB_MOVE_ENTRY_SIZE + region_need;
}

/* The move table's index (apply.c, move_index): MOVE_BUCKETS buckets of
 * its own, or where the scratch has room past max_scratch about
 * MOVE_BUCKETS_PER per entry, up to MOVE_BUCKETS_MAX.  The room a variant
 * of `moves` entries wants there (4 bytes a bucket and one, 3 to align);
 * pack gives the stub that much scratch beyond the payload's max_scratch. */
#define HVB_MOVE_BUCKETS	256u
#define HVB_MOVE_BUCKETS_PER	4u
#define HVB_MOVE_BUCKETS_MAX	(1u << 16)
static inline uint64_t hvb_move_index_room(uint64_t moves)
{
	uint64_t nb = HVB_MOVE_BUCKETS;

	while (nb < HVB_MOVE_BUCKETS_MAX && nb < moves * HVB_MOVE_BUCKETS_PER)
		nb *= 2;
	return nb > HVB_MOVE_BUCKETS ? (nb + 1) * 4 + 3 : 0;
}

static inline uint64_t hvb_region_scratch(uint32_t enc, uint32_t comp, uint64_t old_len,
					  uint64_t raw_len)
{
	uint64_t n = 0;

	if (enc == HVB_ENC_OPS || enc == HVB_ENC_REFOPS || comp == HVB_COMP_ZSTD_PREFIX)
		n += old_len;
	if (comp == HVB_COMP_ZSTD && enc == HVB_ENC_OPS)
		n += raw_len;
	if (enc == HVB_ENC_REFOPS)	/* the old sites, 4 bytes each, at most */
		n += old_len;
	return n;
}

enum hvb_apply_error {
	HVB_OK = 0,
	HVB_E_ARG,		/* NULL pointer or bad argument */
	HVB_E_TRUNCATED,	/* payload shorter than it says */
	HVB_E_MAGIC,		/* bad magic */
	HVB_E_VERSION,		/* unknown version */
	HVB_E_PAYLOAD_HASH,	/* payload hash mismatch */
	HVB_E_FORMAT,		/* a table, offset or length out of bounds */
	HVB_E_NO_VARIANT,	/* variant not in the payload */
	HVB_E_ROOM,		/* image room smaller than the work area */
	HVB_E_SCRATCH,		/* scratch smaller than a region needs */
	HVB_E_DELTA_BOUNDS,	/* a region or delta op out of bounds */
	HVB_E_DELTA_CORRUPT,	/* malformed op stream */
	HVB_E_ENCODING,		/* unknown encoding */
	HVB_E_COMPRESSION,	/* compression not supported by this build */
	HVB_E_DECOMPRESS,	/* compressed data does not decode */
	HVB_E_IMAGE_HASH,	/* result does not match the variant's hash */
	HVB_E_REF_TABLE,	/* malformed reference table */
	HVB_E_COUNT
};

/* Validated header information. */
struct hvb_payload_info {
	uint32_t version;
	uint32_t nvariants;
	uint32_t base_index;
	uint32_t max_scratch;	/* scratch bytes the worst region needs */
	uint64_t payload_size;
	uint64_t payload_hash;
	uint64_t work_vaddr;	/* image_base_ptr corresponds to this */
	uint64_t work_size;	/* bytes of image room needed */
};

/* One variant's table entry. */
struct hvb_variant_info {
	char name[HVB_NAME_SIZE];
	uint64_t image_hash;
	uint64_t vaddr, filesz, memsz;	/* loaded extent */
	uint64_t pvh_entry;	/* physical PVH entry, 0 if none */
	uint64_t xen_entry;	/* Xen PV entry (virtual), 0 if none */
	uint64_t elf_entry;	/* e_entry of the variant's ELF */
	uint32_t regions;
	uint32_t delta_bytes;	/* data bytes of its regions */
	uint32_t moves;		/* entries of its move table */
	uint32_t move_len;	/* its bytes */
	uint32_t frame_off, frame_len, frame_raw;	/* its frame; len 0: none */
	uint32_t flags;		/* HVB_VF_* */
};

struct hvb_apply_result {
	uint32_t variant_index;
	struct hvb_variant_info v;
	uint64_t computed_hash;	/* hash of the image after applying */
	uint32_t regions_applied;
	uint32_t bytes_written;	/* new bytes written by regions */
};

/* The stub's zstd decoder (stub/unzstd.c, in stub-zstd.elf only): decode
 * one frame of len bytes into exactly cap bytes at dst, with an optional
 * raw-content prefix.  HVB_OK or HVB_E_DECOMPRESS. */
int hvb_unzstd(void *dst, size_t cap, const void *src, size_t len,
	       const void *prefix, size_t plen);

/* a uvarint at d[*pos] (len bytes): 0, or -1 (host builds only) */
int hvb_uvar(const uint8_t *d, size_t len, size_t *pos, uint64_t *v);

/* the first *n sites of the base's site table turned over the work area
 * (FORMAT.md 3.3); *n: how many were */
int hvb_base_refs_turn(const uint8_t *bt, size_t btlen, uint8_t *img,
		       uint64_t wsize, uint32_t wlo, int back, uint64_t *n);

/* Check everything checkable without touching an image: size, magic,
 * version, payload hash, every table, offset and length. */
int hvb_payload_open(const void *payload, size_t payload_size,
		     struct hvb_payload_info *info);

/* Variant by index (after a successful hvb_payload_open). */
int hvb_payload_variant(const void *payload, size_t payload_size,
			uint32_t index, struct hvb_variant_info *vi);

/* Variant index's move table (of a payload hvb_payload_open accepted),
 * decoded into out: its moves entries of HVB_MOVE_ENTRY_SIZE bytes
 * (HVB_MV_*).  HVB_OK, or HVB_E_ARG / HVB_E_FORMAT.  Not in a build without
 * encoding 2 (HVB_APPLY_NO_REFOPS), which never reads move tables. */
int hvb_payload_moves(const void *payload, const struct hvb_payload_info *info,
		      uint32_t index, void *out);

/* Find a variant by name; returns HVB_E_NO_VARIANT if absent. */
int hvb_payload_find(const void *payload, size_t payload_size,
		     const char *name, uint32_t *index);

/* Validate the payload, then turn the loaded base image at image_base_ptr
 * (which corresponds to work_vaddr; image_room bytes usable) into the
 * named variant's image, in place, and check its hash.  scratch must not
 * overlap the image or the payload. */
int hvb_apply(const void *payload, size_t payload_size,
	      const char *variant_name,
	      void *image_base_ptr, size_t image_room,
	      void *scratch, size_t scratch_size,
	      struct hvb_apply_result *out);

/* hvb_apply for a payload the caller has already opened (and so checked
 * and hashed) with hvb_payload_open, and variant index idx found in it:
 * the same work without hashing the payload a second time. */
int hvb_apply_opened(const void *payload, const struct hvb_payload_info *info,
		     uint32_t idx, void *image_base_ptr, size_t image_room,
		     void *scratch, size_t scratch_size, struct hvb_apply_result *out);

const char *hvb_apply_strerror(int err);

#endif /* HVB_APPLY_H */
