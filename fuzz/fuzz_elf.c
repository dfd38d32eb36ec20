/* fuzz_elf.c: libFuzzer target for the host's ELF reader (elfimg.c, the
 * code that opens every input of `bundler pack` and both sides of `diff`):
 * open the input as an image (which also fills its loaded bytes), then
 * what pack asks of one: its image hash, its notes' entries, a symbol. */
#include <string.h>
#include "bundler.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im;
	uint64_t pvh, xen, a, s;

	if (elf_version(EV_CURRENT) == EV_NONE)
		abort();
	if (img_open(&im, memfile(data, size)))
		return 0;
	(void)img_hash(&im);
	(void)xen_entries(&im, &pvh, &xen);
	(void)img_lookup(&im, "hvb_stub_params", &a, &s);
	img_close(&im);
	return 0;
}
