/* reframe: for tests/bundle/t_corrupt_opcols.py (not a test itself).
 *   reframe FRAME PREFIX RAW_LEN OUT MODE
 * decodes the zstd frame FRAME (with PREFIX, the work area as the base
 * fills it, as the stub decodes a variant's frame) into RAW_LEN bytes,
 * which must begin with op columns (FORMAT.md 3.7); MODE "same" leaves
 * them, "kinds=X" sets every byte of the kinds column to X.  Then it
 * compresses them again exactly as pack makes a frame (the bundler's own
 * zs_compress_deep) into OUT.  Prints the kinds column's [start, end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

static uint64_t var(const uint8_t *p, size_t n, size_t *i)
{
	uint64_t v = 0;
	unsigned s = 0;

	while (*i < n && s < 64) {
		uint8_t b = p[(*i)++];

		v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			return v;
		s += 7;
	}
	fprintf(stderr, "reframe: bad column lengths\n");
	exit(1);
}

int main(int argc, char **argv)
{
	uint8_t *f, *pre, *raw;
	size_t flen, plen, rlen, i = 0, at;
	uint64_t n[HVB_OPCOL_COUNT];
	struct buf out = { 0 };
	unsigned j;

	if (argc != 6 || read_file(argv[1], &f, &flen) || read_file(argv[2], &pre, &plen))
		return 2;
	rlen = strtoul(argv[3], NULL, 0);
	raw = xmalloc(rlen);
	if (zs_decompress(f, flen, raw, rlen, pre, plen)) {
		fprintf(stderr, "reframe: the frame does not decode to %zu bytes\n", rlen);
		return 1;
	}
	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		n[j] = var(raw, rlen, &i);
	for (at = i, j = 0; j < HVB_OPCOL_COUNT; j++)
		at += n[j];
	if (at > rlen) {
		fprintf(stderr, "reframe: columns of %zu bytes in %zu\n", at, rlen);
		return 1;
	}
	if (!strncmp(argv[5], "kinds=", 6))
		memset(raw + i, (int)strtoul(argv[5] + 6, NULL, 0), n[HVB_OPCOL_KINDS]);
	else if (strcmp(argv[5], "same"))
		return 2;
	if (!zs_compress_deep(raw, rlen, &out, pre, plen) ||
	    write_file(argv[4], out.p, out.len, 0644))
		return 1;
	printf("%zu %zu\n", i, i + (size_t)n[HVB_OPCOL_KINDS]);
	return 0;
}
