/* handpayload.h: what the unit tests that write payloads by hand
 * (apply_test.c, opcols_test.c) share: little-endian stores, and the
 * bytes their one op region makes (COPY 4, ADD 4 of 1, SEEK +8, COPY 8,
 * LIT "wxyz", SEEK -20, COPY 20: 40 new bytes from 32 old ones), whether
 * its ops come as a stream or as columns. */
#ifndef HANDPAYLOAD_H
#define HANDPAYLOAD_H
#include <stdint.h>
#include <string.h>

static inline void st32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static inline void st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
}

/* the op region's new bytes d[0, 40) from its old bytes o, by hand */
static inline void ops_region_expected(uint8_t *d, const uint8_t *o)
{
	memcpy(d, o, 4);
	for (int i = 0; i < 4; i++)
		d[4 + i] = (uint8_t)(o[4 + i] + 1);
	memcpy(d + 8, o + 16, 8);
	memcpy(d + 16, "wxyz", 4);
	memcpy(d + 20, o + 4, 20);
}
#endif /* HANDPAYLOAD_H */
