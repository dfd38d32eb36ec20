/* extract.c: the extract and verify commands. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"
#include "hvb_hash.h"

int cmd_extract(int argc, char **argv)
{
	const char *path = NULL, *name = NULL, *out = NULL;
	struct bundle b;
	uint8_t *f;
	size_t n;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return 2;
		else if (!path)
			path = argv[i];
		else if (!name)
			name = argv[i];
		else
			return 2;
	}
	if (!path || !name || !out)
		return 2;
	if (out_check(out, &path, 1) || bundle_open(&b, path))
		return 1;
	if (bundle_file(&b, name, &f, &n)) {
		bundle_close(&b);
		return 1;
	}
	rc = out_file(out, f, n) ? 1 : 0;
	free(f);
	bundle_close(&b);
	return rc;
}

/* the stub's parameter block, found by its symbol, points at the payload */
static int check_params(struct bundle *b)
{
	size_t phnum, i;
	uint64_t ppa = 0, at;
	const uint8_t *p = NULL;

	if (elf_getphdrnum(b->elf, &phnum) < 0)
		return -1;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(b->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    ph.p_vaddr == b->payload_vaddr)
			ppa = ph.p_paddr;
	}
	if (!bundle_symbol(b, HVB_STUB_PARAMS_SYM, &at) ||
	    !(p = bundle_at(b, at, HVB_STUB_PARAMS_SIZE))) {
		ferr(b->path, "no stub parameters (symbol %s missing or not in "
		     "the file)", HVB_STUB_PARAMS_SYM);
		return -1;
	}
	if (memcmp(p + HVB_SP_MAGIC, HVB_STUB_MAGIC, sizeof(HVB_STUB_MAGIC) - 1) ||
	    ld64(p + HVB_SP_PAYLOAD_PADDR) != ppa ||
	    ld64(p + HVB_SP_PAYLOAD_SIZE) != b->payload_size) {
		ferr(b->path, "stub parameters (%s at 0x%llx) not filled or not "
		     "pointing at the payload", HVB_STUB_PARAMS_SYM,
		     (unsigned long long)at);
		return -1;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	const struct hvb_payload_info *pi;
	struct bundle b;
	uint32_t v, bad = 0;

	if (argc != 2 || argv[1][0] == '-')
		return 2;
	if (bundle_open(&b, argv[1]))
		return 1;
	pi = &b.pi;
	if (xblob_parse(&b)) {
		bundle_close(&b);
		return 1;
	}
	bad += bootcheck_verify(&b, 1);
	bad += check_params(&b) ? 1 : 0;
	if (xblob_payload_hash(&b) != pi->payload_hash) {
		ferr(b.path, "extract data belongs to another payload");
		bad++;
	}
	for (v = 0; v < pi->nvariants; v++) {
		struct hvb_variant_info vi;
		uint8_t *f;
		size_t n;

		hvb_payload_variant(b.payload, b.payload_size, v, &vi);
		if (bundle_file(&b, vi.name, &f, &n)) {
			bad++;
			continue;
		}
		warnx_("%s: %s: ok: image %016llx (%u regions, %u delta bytes), "
		       "file %zu bytes %016llx", b.path, vi.name,
		       (unsigned long long)vi.image_hash, vi.regions,
		       vi.delta_bytes, n, (unsigned long long)hvb_hash64(f, n));
		free(f);
	}
	if (bad)
		ferr(b.path, "verify failed (%u problems)", bad);
	else
		warnx_("%s: all %u variants verified", b.path, pi->nvariants);
	bundle_close(&b);
	return bad ? 1 : 0;
}
