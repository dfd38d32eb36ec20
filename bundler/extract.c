/* extract.c: the extract and verify commands. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"
#include "apply.h"
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
	if (bundle_open(&b, path))
		return 1;
	if (bundle_file(&b, name, &f, &n)) {
		bundle_close(&b);
		return 1;
	}
	rc = write_file(out, f, n, 0755) ? 1 : 0;
	free(f);
	bundle_close(&b);
	return rc;
}

/* the stub's parameter block must point at the payload */
static int check_params(struct bundle *b)
{
	size_t phnum, i;
	uint64_t ppa = 0;
	const uint8_t *p, *end;

	if (elf_getphdrnum(b->elf, &phnum) < 0)
		return -1;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(b->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    ph.p_vaddr == b->payload_vaddr)
			ppa = ph.p_paddr;
	}
	for (p = b->file, end = b->file + b->filesize - 32; p <= end; p++) {
		p = memchr(p, 'H', (size_t)(end - p) + 1);
		if (!p)
			break;
		if (!memcmp(p, "HVBSTUB1", 8) && ld64(p + 8) == ppa &&
		    ld64(p + 16) == b->payload_size)
			return 0;
	}
	ferr(b->path, "stub parameters (HVBSTUB1) missing or not pointing "
	     "at the payload");
	return -1;
}

int cmd_verify(int argc, char **argv)
{
	struct hvb_payload_info pi;
	struct bundle b;
	uint32_t v, bad = 0;
	int e;

	if (argc != 2 || argv[1][0] == '-')
		return 2;
	if (bundle_open(&b, argv[1]))
		return 1;
	if ((e = hvb_payload_open(b.payload, b.payload_size, &pi))) {
		ferr(b.path, "%s", hvb_apply_strerror(e));
		bundle_close(&b);
		return 1;
	}
	if (xblob_parse(&b) || check_params(&b)) {
		bundle_close(&b);
		return 1;
	}
	if (ld64(b.xblob + 48) != pi.payload_hash) {
		ferr(b.path, "extract data belongs to another payload");
		bad++;
	}
	for (v = 0; v < pi.nvariants; v++) {
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
		warnx_("%s: all %u variants verified", b.path, pi.nvariants);
	bundle_close(&b);
	return bad ? 1 : 0;
}
