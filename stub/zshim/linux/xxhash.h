/* linux/xxhash.h for lib/zstd in the stub: the kernel's xxh64 names over
 * the stub's one XXH64 (stub/hash.c, Debian's libxxhash; hvb_hash.h).
 * zstd needs it only for frame checksums and dictionary IDs; the bundler
 * writes neither, but the decoder must still be able to check a frame
 * that has one. */
#ifndef ZSHIM_LINUX_XXHASH_H
#define ZSHIM_LINUX_XXHASH_H
#define HVB_HASH_EXTERN 1
#include "hvb_hash.h"
#include <linux/types.h>
struct xxh64_state {
	struct hvb_xxh64 s;
};
static inline void xxh64_reset(struct xxh64_state *st, u64 seed)
{
	hvb_xxh64_reset(&st->s, seed);
}
static inline int xxh64_update(struct xxh64_state *st, const void *p, size_t len)
{
	hvb_xxh64_update(&st->s, p, len);
	return 0;
}
static inline u64 xxh64_digest(const struct xxh64_state *st)
{
	return hvb_xxh64_digest(&st->s);
}
static inline u64 xxh64(const void *p, size_t len, u64 seed)
{
	struct xxh64_state st;

	xxh64_reset(&st, seed);
	xxh64_update(&st, p, len);
	return xxh64_digest(&st);
}
#endif /* ZSHIM_LINUX_XXHASH_H */
