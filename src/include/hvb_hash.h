/* hvb_hash.h: the one image hash of hvbundle, shared by kernel, stub and
 * host tools.  XXH64 (seed 0) from libxxhash, compiled inline so that the
 * freestanding builds need no library.  It identifies images and catches
 * corruption; it is not a cryptographic signature. */
#ifndef HVB_HASH_H
#define HVB_HASH_H

#ifdef HVB_HASH_EXTERN
/* The boot stub's apply.c: the one copy in stub/hash.c, built for speed
 * (the stub hashes the payload and the whole rebuilt image). */
unsigned long long hvb_hash64_ext(const void *p, unsigned long len);
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
