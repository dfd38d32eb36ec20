/* linux/xxhash.h for lib/zstd in the stub: the kernel's xxh64 names over
 * Debian's libxxhash (inline, as hvb_hash.h uses it).  zstd needs it only
 * for frame checksums and dictionary IDs; the bundler writes neither, but
 * the decoder must still be able to check a frame that has one. */
#ifndef ZSHIM_LINUX_XXHASH_H
#define ZSHIM_LINUX_XXHASH_H
/* xxhash.h spells its own fallthrough attribute */
#pragma push_macro("fallthrough")
#undef fallthrough
#include "hvb_hash.h"
#pragma pop_macro("fallthrough")
#include <linux/types.h>
struct xxh64_state {
	XXH64_state_t s;
};
static inline u64 xxh64(const void *p, size_t len, u64 seed)
{
	return XXH64(p, len, seed);
}
static inline void xxh64_reset(struct xxh64_state *st, u64 seed)
{
	(void)XXH64_reset(&st->s, seed);
}
static inline int xxh64_update(struct xxh64_state *st, const void *p, size_t len)
{
	return XXH64_update(&st->s, p, len) == XXH_OK ? 0 : -1;
}
static inline u64 xxh64_digest(const struct xxh64_state *st)
{
	return XXH64_digest(&st->s);
}
#endif /* ZSHIM_LINUX_XXHASH_H */
