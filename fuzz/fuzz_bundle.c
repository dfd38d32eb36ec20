/* fuzz_bundle.c: libFuzzer target for the host's bundle reader: what
 * `bundler verify` and `extract` do with a file (bundle.c, xblob.c,
 * bootverify.c, apply.c with zstd, the libelf calls).  The input is a
 * bundle; it is read as it is, then with the hashes of its payload,
 * extract data and boot check record fixed up where their magics are
 * found, so that mutations get past the hash checks to the code behind. */
#include <string.h>
#include "bundler.h"
#include "hvb_hash.h"
#include "memfile.h"

/* the u64 hash at +hash_at over [from, size), size a u64 at +size_at */
static void fix(uint8_t *d, size_t n, const char *magic, size_t size_at,
		size_t hash_at, size_t from)
{
	uint8_t *m = memmem(d, n, magic, 8);
	size_t left = m ? n - (size_t)(m - d) : 0;
	uint64_t len;

	if (!m || left < from || left < size_at + 8 || left < hash_at + 8)
		return;
	len = ld64(m + size_at);
	if (len >= from && len <= left)
		st64(m + hash_at, hvb_hash64(m + from, len - from));
}

static void read_bundle(const uint8_t *data, size_t size)
{
	struct bundle b;
	uint32_t v;

	if (bundle_open(&b, memfile(data, size)))
		return;
	if (!xblob_parse(&b)) {
		(void)bootcheck_verify(&b, 0);
		for (v = 0; v < b.pi.nvariants && v < 4; v++) {
			struct hvb_variant_info vi;
			uint8_t *f;
			size_t n;

			/* the host allocates the work area and scratch the
			 * payload declares (each under 4 GiB by the format);
			 * past 64 MiB that is only slow, not a finding */
			if (b.pi.work_size > (64u << 20) || b.pi.max_scratch > (64u << 20) ||
			    hvb_payload_variant(b.payload, b.payload_size, v, &vi))
				break;
			if (!bundle_file(&b, vi.name, &f, &n))
				free(f);
		}
	}
	bundle_close(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *d;

	if (elf_version(EV_CURRENT) == EV_NONE)
		abort();
	read_bundle(data, size);
	d = malloc(size ? size : 1);
	memcpy(d, data, size);
	fix(d, size, HVB_PAYLOAD_MAGIC, HVB_PH_PAYLOAD_SIZE, HVB_PH_PAYLOAD_HASH,
	    HVB_PH_HASHED_FROM);
	fix(d, size, HVB_XBLOB_MAGIC, HVB_XH_SIZE, HVB_XH_HASH, HVB_XH_HASHED_FROM);
	fix(d, size, HVB_BOOTCHECK_MAGIC, HVB_BC_SIZE, HVB_BC_HASH, HVB_BC_HASHED_FROM);
	if (memcmp(d, data, size))
		read_bundle(d, size);
	free(d);
	return 0;
}
