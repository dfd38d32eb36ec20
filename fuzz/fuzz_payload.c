/* fuzz_payload.c: libFuzzer target for the payload parser and applier,
 * format/apply.c built as the stub builds it (no zstd): the code that
 * runs at boot on whatever the payload holds.  The input is a payload.
 * It is opened as it is (so the magic, version, length and hash checks
 * are fuzzed), then with its hash fixed up (so every table rule and the
 * op decoder are reached, not only the hash check), and every variant is
 * applied to a work area of its declared size (capped, so that a huge
 * declared size is refused by HVB_E_ROOM, as the stub's would be). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "hvb_hash.h"

#define WORK_CAP	(8u << 20)	/* bytes of work area given at most */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void apply_all(const uint8_t *p, size_t n, const struct hvb_payload_info *pi)
{
	size_t room = pi->work_size < WORK_CAP ? (size_t)pi->work_size : WORK_CAP;
	size_t sc = pi->max_scratch < WORK_CAP ? pi->max_scratch : WORK_CAP;
	uint8_t *work = malloc(room ? room : 1), *scratch = malloc(sc ? sc : 1);
	struct hvb_apply_result res;

	for (uint32_t v = 0; v < pi->nvariants && work && scratch; v++) {
		struct hvb_variant_info vi;
		uint32_t idx;

		memset(work, 0xa5, room);
		if (hvb_payload_variant(p, n, v, &vi) == HVB_OK &&
		    hvb_payload_find(p, n, vi.name, &idx) == HVB_OK)
			(void)hvb_apply_opened(p, pi, idx, work, room, scratch, sc, &res);
	}
	free(work);
	free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvb_payload_info pi;
	uint8_t *p;

	if (hvb_payload_open(data, size, &pi) == HVB_OK)
		apply_all(data, size, &pi);
	if (size < HVB_PAYLOAD_HDR_SIZE)
		return 0;
	/* the same bytes with the hash they claim to have */
	p = malloc(size);
	memcpy(p, data, size);
	uint64_t psz = 0;
	for (int i = 7; i >= 0; i--)
		psz = psz << 8 | p[HVB_PH_PAYLOAD_SIZE + i];
	if (psz >= HVB_PH_HASHED_FROM && psz <= size) {
		put64(p + HVB_PH_PAYLOAD_HASH,
		      hvb_hash64(p + HVB_PH_HASHED_FROM, psz - HVB_PH_HASHED_FROM));
		if (hvb_payload_open(p, size, &pi) == HVB_OK)
			apply_all(p, size, &pi);
	}
	free(p);
	return 0;
}
