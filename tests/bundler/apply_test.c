/* Unit test of format/apply.c, built without zstd exactly like the stub:
 * payloads are written here by hand from format/FORMAT.md (the fields
 * named in hvb_format.h), then applied
 * and broken one way at a time.  Prints what failed; exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "hvb_hash.h"
#include "handpayload.h"

#define WV	0x1000u		/* work_vaddr */
#define WS	256u		/* work_size */
#define BFILE	200u		/* base file-backed bytes */
#define NV	4u		/* variants */
#define VOFF	(HVB_PAYLOAD_HDR_SIZE + HVB_ZERO_ENTRY_SIZE)	/* one zero range */
#define ROFF	(VOFF + NV * HVB_VARIANT_ENTRY_SIZE)
#define OPS_RE	(ROFF + HVB_REGION_ENTRY_SIZE)	/* the ops region's entry */

static uint8_t pl[4096], base[WS], exp_img[4][WS];
static size_t plen;
static int failures;


struct reg { uint32_t t, ol, nl; uint8_t enc, comp; const uint8_t *d; uint32_t dl; };

static const uint8_t ops[] = {
	4 << HVB_OP_SHIFT | HVB_OP_COPY,
	4 << HVB_OP_SHIFT | HVB_OP_ADD, 1, 1, 1, 1,
	(8 * 2) << HVB_OP_SHIFT | HVB_OP_SEEK,		/* +8 */
	8 << HVB_OP_SHIFT | HVB_OP_COPY,
	4 << HVB_OP_SHIFT | HVB_OP_LIT, 'w', 'x', 'y', 'z',
	0x9f, 0x01,		/* SEEK -20: varint of (39 << 2 | 3) */
	20 << HVB_OP_SHIFT | HVB_OP_COPY,
};
static const struct reg regs[4][2] = {
	{ { 0 } },
	{ { 16, 8, 8, 0, 0, (const uint8_t *)"ABCDEFGH", 8 } },
	{ { 64, 32, 40, 1, 0, ops, sizeof(ops) } },
	{ { 100, 20, 10, 0, 0, (const uint8_t *)"0123456789", 10 } },
};
static const char *names[4] = { "native", "lit", "ops", "shrink" };
static const uint32_t nregs[4] = { 0, 1, 1, 1 };
static const uint32_t filesz[4] = { BFILE, BFILE, BFILE, 150 };

static void expected(void)
{
	for (int v = 0; v < 4; v++)
		memcpy(exp_img[v], base, WS);
	memcpy(exp_img[1] + 16, "ABCDEFGH", 8);
	ops_region_expected(exp_img[2] + 64, base + 64);
	memcpy(exp_img[3] + 100, "0123456789", 10);
	memset(exp_img[3] + 110, 0, 10);
	for (int v = 0; v < 4; v++)
		memset(exp_img[v] + filesz[v], 0, WS - filesz[v]);
}

/* payload offset of the first op of the ops region */
static size_t ld_off_ops(void)
{
	const uint8_t *re = pl + OPS_RE + HVB_RE_DATA_OFF;

	return (size_t)re[0] | (size_t)re[1] << 8;
}

static void rehash(void)
{
	st64(pl + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(pl + HVB_PH_HASHED_FROM, plen - HVB_PH_HASHED_FROM));
}

static void build(void)
{
	uint32_t doff = ROFF + 3 * HVB_REGION_ENTRY_SIZE, r = 0;

	memset(pl, 0, sizeof(pl));
	memcpy(pl + HVB_PH_MAGIC, HVB_PAYLOAD_MAGIC, 8);
	st32(pl + HVB_PH_VERSION, HVB_PAYLOAD_VERSION);
	st32(pl + HVB_PH_HDR_SIZE, HVB_PAYLOAD_HDR_SIZE);
	st32(pl + HVB_PH_NVARIANTS, NV);
	st32(pl + HVB_PH_BASE_INDEX, 0);
	st32(pl + HVB_PH_VARIANT_OFF, VOFF);
	st32(pl + HVB_PH_VARIANT_ENTSIZE, HVB_VARIANT_ENTRY_SIZE);
	st32(pl + HVB_PH_REGION_ENTSIZE, HVB_REGION_ENTRY_SIZE);
	st32(pl + HVB_PH_ZERO_COUNT, 1);	/* zero range [BFILE, WS) */
	st32(pl + HVB_PH_ZERO_OFF, HVB_PAYLOAD_HDR_SIZE);
	st32(pl + HVB_PAYLOAD_HDR_SIZE + HVB_ZE_OFFSET, BFILE);
	st32(pl + HVB_PAYLOAD_HDR_SIZE + HVB_ZE_LENGTH, WS - BFILE);
	st32(pl + HVB_PH_MAX_SCRATCH, 32);	/* the ops region */
	st64(pl + HVB_PH_WORK_VADDR, WV);
	st64(pl + HVB_PH_WORK_SIZE, WS);
	st64(pl + HVB_PH_BASE_PVH_ENTRY, 0x100000);
	st64(pl + HVB_PH_BASE_XEN_ENTRY, 0);
	st64(pl + HVB_PH_BASE_IMAGE_HASH, hvb_hash64(base, BFILE));
	st64(pl + HVB_PH_BASE_VADDR, WV);
	st64(pl + HVB_PH_BASE_FILESZ, BFILE);
	st64(pl + HVB_PH_BASE_MEMSZ, WS);
	for (unsigned v = 0; v < NV; v++) {
		uint8_t *e = pl + VOFF + HVB_VARIANT_ENTRY_SIZE * v;
		uint32_t sum = 0;

		strcpy((char *)e + HVB_VE_NAME, names[v]);
		st64(e + HVB_VE_IMAGE_HASH, hvb_hash64(exp_img[v], filesz[v]));
		st64(e + HVB_VE_VADDR, WV);
		st64(e + HVB_VE_FILESZ, filesz[v]);
		st64(e + HVB_VE_MEMSZ, WS);
		st64(e + HVB_VE_PVH_ENTRY, v ? 0x100010 + v : 0x100000);
		st64(e + HVB_VE_ELF_ENTRY, 0xffffffff80100000ull);
		st32(e + HVB_VE_REGION_COUNT, nregs[v]);
		st32(e + HVB_VE_REGION_OFF, ROFF + HVB_REGION_ENTRY_SIZE * r);
		for (uint32_t k = 0; k < nregs[v]; k++, r++) {
			const struct reg *g = &regs[v][k];
			uint8_t *re = pl + ROFF + HVB_REGION_ENTRY_SIZE * r;

			st32(re + HVB_RE_TARGET, g->t);
			st32(re + HVB_RE_OLD_LEN, g->ol);
			st32(re + HVB_RE_NEW_LEN, g->nl);
			re[HVB_RE_ENCODING] = g->enc;
			re[HVB_RE_COMPRESSION] = g->comp;
			st32(re + HVB_RE_RAW_LEN, g->dl);
			st32(re + HVB_RE_DATA_OFF, doff);
			st32(re + HVB_RE_DATA_LEN, g->dl);
			memcpy(pl + doff, g->d, g->dl);
			doff += g->dl;
			sum += g->dl;
		}
		st32(e + HVB_VE_DELTA_BYTES, sum);
	}
	plen = doff;
	st64(pl + HVB_PH_PAYLOAD_SIZE, plen);
	rehash();
}

static int run(const char *name, size_t psize, size_t room, size_t scr,
	       uint8_t *img)
{
	static uint8_t scratch[64];
	struct hvb_apply_result res;

	memcpy(img, base, WS);
	memset(img + BFILE, 0xee, WS - BFILE);	/* loader left garbage */
	return hvb_apply(pl, psize, name, img, room, scratch, scr, &res);
}

#define EXPECT(what, got, want) do { int g_ = (got); if (g_ != (want)) { \
	printf("FAIL %s: got %d (%s), want %d (%s)\n", what, g_, \
	       hvb_apply_strerror(g_), want, hvb_apply_strerror(want)); \
	failures++; } } while (0)

int main(void)
{
	uint8_t img[WS];
	struct hvb_payload_info pi;
	int i, j;

	for (i = 0; i < (int)BFILE; i++)
		base[i] = (uint8_t)(i * 7 + 3);
	expected();
	build();

	EXPECT("open", hvb_payload_open(pl, plen, &pi), HVB_OK);
	if (pi.nvariants != 4 || pi.work_size != WS || pi.max_scratch != 32)
		printf("FAIL open: wrong info\n"), failures++;
	for (i = 0; i < 4; i++) {
		EXPECT(names[i], run(names[i], plen, WS, 64, img), HVB_OK);
		if (memcmp(img, exp_img[i], WS))
			printf("FAIL %s: wrong image\n", names[i]), failures++;
	}
	EXPECT("bigger buffer than payload", run("ops", plen + 100, WS, 64, img), HVB_OK);
	EXPECT("missing variant", run("xen", plen, WS, 64, img), HVB_E_NO_VARIANT);
	EXPECT("name prefix", run("op", plen, WS, 64, img), HVB_E_NO_VARIANT);
	EXPECT("room", run("lit", plen, WS - 1, 64, img), HVB_E_ROOM);
	EXPECT("scratch", run("ops", plen, WS, 31, img), HVB_E_SCRATCH);
	EXPECT("truncated header", run("lit", 100, WS, 64, img), HVB_E_TRUNCATED);
	EXPECT("truncated payload", run("lit", plen - 1, WS, 64, img), HVB_E_TRUNCATED);

	pl[3] ^= 1;
	EXPECT("magic", run("lit", plen, WS, 64, img), HVB_E_MAGIC);
	pl[3] ^= 1;
	st32(pl + HVB_PH_VERSION, HVB_PAYLOAD_VERSION + 1);
	EXPECT("version", run("lit", plen, WS, 64, img), HVB_E_VERSION);
	st32(pl + HVB_PH_VERSION, HVB_PAYLOAD_VERSION);
	pl[plen - 1] ^= 0x40;
	EXPECT("payload hash", run("lit", plen, WS, 64, img), HVB_E_PAYLOAD_HASH);
	/* a delta byte changed and the payload hash recomputed: only the
	 * image hash can catch it */
	rehash();
	EXPECT("image hash", run("shrink", plen, WS, 64, img), HVB_E_IMAGE_HASH);
	build();

	/* region fields, each with the payload hash fixed up */
	{
		uint8_t *re = pl + OPS_RE;		/* the ops region */
		uint8_t *lit = re - HVB_REGION_ENTRY_SIZE;	/* the lit one */

		st32(re + HVB_RE_NEW_LEN, 41);		/* new length != ops */
		rehash();
		EXPECT("ops short", run("ops", plen, WS, 64, img), HVB_E_DELTA_CORRUPT);
		build();
		pl[ld_off_ops()] = 31 << HVB_OP_SHIFT | HVB_OP_COPY;	/* then ADD past old */
		rehash();
		EXPECT("ops bounds", run("ops", plen, WS, 64, img), HVB_E_DELTA_BOUNDS);
		build();
		lit[HVB_RE_COMPRESSION] = HVB_COMP_ZSTD;
		rehash();
		EXPECT("zstd in stub build", run("lit", plen, WS, 64, img),
		       HVB_E_COMPRESSION);
		build();
		re[HVB_RE_ENCODING] = 7;
		rehash();
		EXPECT("encoding", run("ops", plen, WS, 64, img), HVB_E_ENCODING);
		build();
		st32(re + HVB_RE_TARGET, WS - 8);	/* past the work area */
		rehash();
		EXPECT("region bounds", run("ops", plen, WS, 64, img),
		       HVB_E_DELTA_BOUNDS);
		build();
		st32(re + HVB_RE_DATA_OFF, (uint32_t)plen);	/* data past payload */
		rehash();
		EXPECT("data bounds", run("ops", plen, WS, 64, img), HVB_E_FORMAT);
		build();
	}
	st32(pl + HVB_PH_NVARIANTS, 0);
	rehash();
	EXPECT("no variants", run("lit", plen, WS, 64, img), HVB_E_FORMAT);
	build();
	memcpy(pl + VOFF + HVB_VARIANT_ENTRY_SIZE + HVB_VE_NAME, "native", 7);	/* duplicate */
	rehash();
	EXPECT("duplicate name", run("ops", plen, WS, 64, img), HVB_E_FORMAT);
	build();

	for (i = 0; i < HVB_E_COUNT; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(hvb_apply_strerror(i), hvb_apply_strerror(j)))
				printf("FAIL strerror %d == %d\n", i, j), failures++;
	if (failures)
		printf("%d failures\n", failures);
	else
		printf("apply_test: all passed\n");
	return failures ? 1 : 0;
}
