/* hash.c: the stub's one XXH64 (hvb_hash.h: libxxhash's, inline), for
 * apply.c and for zstd's frame checksums (zshim/linux/xxhash.h), both
 * built with HVB_HASH_EXTERN.  Streaming only: the one-shot hash is
 * reset, update, digest, which keeps a single copy of the stripe loop.
 * The stub hashes the payload and the whole rebuilt image, 10 MB on
 * Linux: the update is built at -O2 with its loop unrolled, 21.5
 * instructions per 32-byte stripe where -Os takes 27 (1.7 million
 * fewer per Linux boot, for 286 bytes); the rest at -Os. */
#include "hvb_hash.h"

/* struct hvb_xxh64 is 11 words: an XXH64_state_t must fit */
_Static_assert(sizeof(XXH64_state_t) <= 11 * sizeof(unsigned long long),
	       "XXH64_state_t larger than struct hvb_xxh64");
_Static_assert(_Alignof(XXH64_state_t) <= _Alignof(unsigned long long),
	       "XXH64_state_t more aligned than struct hvb_xxh64");

__attribute__((noinline)) void hvb_xxh64_reset(struct hvb_xxh64 *st, unsigned long long seed)
{
	(void)XXH64_reset((XXH64_state_t *)(void *)st, seed);
}

__attribute__((noinline, optimize("O2", "unroll-loops"))) void hvb_xxh64_update(struct hvb_xxh64 *st, const void *p,
					   unsigned long len)
{
	(void)XXH64_update((XXH64_state_t *)(void *)st, p, (size_t)len);
}

__attribute__((noinline)) unsigned long long hvb_xxh64_digest(const struct hvb_xxh64 *st)
{
	return XXH64_digest((const XXH64_state_t *)(const void *)st);
}

unsigned long long hvb_hash64_ext(const void *p, unsigned long len)
{
	struct hvb_xxh64 st;

	hvb_xxh64_reset(&st, 0);
	hvb_xxh64_update(&st, p, len);
	return hvb_xxh64_digest(&st);
}
