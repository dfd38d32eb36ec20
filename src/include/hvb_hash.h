/* hvb_hash.h: the one image hash of hvbundle, shared by kernel, stub and
 * host tools.  XXH64 (seed 0) from libxxhash, compiled inline so that the
 * freestanding builds need no library.  It identifies images and catches
 * corruption; it is not a cryptographic signature. */
#ifndef HVB_HASH_H
#define HVB_HASH_H

/* The boot stub's one copy of XXH64 (stub/hash.c, built for speed: the
 * stub hashes the payload and the whole rebuilt image), for its apply.c
 * and Linux's zstd's frame checksums, both built with HVB_HASH_EXTERN.
 * Streaming, on an XXH64_state_t kept opaque: */
struct hvb_xxh64 {
	unsigned long long s[11];
};
void hvb_xxh64_reset(struct hvb_xxh64 *st, unsigned long long seed);
void hvb_xxh64_update(struct hvb_xxh64 *st, const void *p, unsigned long len);
unsigned long long hvb_xxh64_digest(const struct hvb_xxh64 *st);
unsigned long long hvb_hash64_ext(const void *p, unsigned long len);

#ifdef HVB_HASH_EXTERN
#define hvb_hash64 hvb_hash64_ext
#else
#define XXH_INLINE_ALL
#define XXH_NO_INLINE_HINTS 1
/* Direct (packed) loads: freestanding builds have no builtin memcpy, and
 * xxhash would call memcpy for every 8 bytes.  Same hash values. */
#ifndef XXH_FORCE_MEMORY_ACCESS
#define XXH_FORCE_MEMORY_ACCESS 1
#endif /* XXH_FORCE_MEMORY_ACCESS */
#include <xxhash.h>

static inline unsigned long long hvb_hash64(const void *p, unsigned long len)
{
	return (unsigned long long)XXH64(p, (size_t)len, 0);
}
#endif /* HVB_HASH_EXTERN */

#endif /* HVB_HASH_H */
