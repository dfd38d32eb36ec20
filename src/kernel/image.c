/* image.c: the hash of the kernel image as it sits in memory, over the
 * same bytes the bundler hashes in the ELF file (text, rodata, data). */
#include "defs.h"
#include "hvb_hash.h"

extern const char __image_start[], __image_filend[];

u64 image_hash_now(void)
{
	return hvb_hash64(__image_start, (unsigned long)(__image_filend - __image_start));
}
