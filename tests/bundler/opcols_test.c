/* Unit test of format/apply.c's op columns (FORMAT.md 3.7, variant flag
 * HVB_VF_OPCOLS), built with zstd (HVB_APPLY_ZSTD, libzstd) as the host
 * bundler builds it: a payload written here by hand, one variant whose
 * frame holds the columns of two op regions' ops and a literal region's
 * bytes.  It must apply exactly; then every byte of the decoded frame is
 * damaged in turn (the frame compressed again, the payload hash fixed up)
 * and the applier must either still make the right image or stop with
 * delta_corrupt, delta_bounds or image_hash, never anything else; columns
 * left over or too long for the frame are delta_corrupt.  Prints what
 * failed; exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "apply.h"
#include "hvb_hash.h"
#include "handpayload.h"

#define WV	0x1000u		/* work_vaddr */
#define WS	256u		/* work_size */
#define BFILE	200u		/* base file-backed bytes */
#define NR	3u		/* regions of the variant */
#define VOFF	(HVB_PAYLOAD_HDR_SIZE + HVB_ZERO_ENTRY_SIZE)
#define ROFF	(VOFF + 2 * HVB_VARIANT_ENTRY_SIZE)
#define FOFF	(ROFF + NR * HVB_REGION_ENTRY_SIZE)

static uint8_t pl[8192], base[WS], prefix[WS], want[WS];
static size_t plen;
static int failures;


/* The frame: the seven column lengths, the columns, then the literal
 * region's 8 bytes.  Region A (64: 32 old bytes, 40 new): COPY 4, ADD 4,
 * SEEK +8, COPY 8, LIT 4, SEEK -20, COPY 20.  Region B (120: 16 bytes):
 * LIT 2, ADD 2, COPY 12. */
static const uint8_t frame[] = {
	10, 4, 2, 2, 2, 6, 6,			/* column lengths */
	0, 1, 3, 0, 2, 3, 0, 2, 1, 0,		/* kinds */
	4, 8, 20, 12,				/* COPY lengths */
	4, 2,					/* ADD lengths */
	4, 2,					/* LIT lengths */
	16, 39,					/* SEEK: zigzag +8, -20 */
	1, 1, 1, 1, 5, 5,			/* ADD bytes */
	'w', 'x', 'y', 'z', 'Q', 'R',		/* LIT bytes */
	'L', 'I', 'T', 'E', 'R', 'A', 'L', '!',	/* region C, literal */
};
#define COLS_LEN	(sizeof(frame) - 8)

struct reg { uint32_t t, ol, nl; uint8_t enc; uint32_t doff, dl; };
static const struct reg regs[NR] = {
	{ 64, 32, 40, HVB_ENC_OPS, COLS_LEN, 0 },
	{ 120, 16, 16, HVB_ENC_OPS, COLS_LEN, 0 },
	{ 160, 8, 8, HVB_ENC_LITERAL, COLS_LEN, 8 },
};

static void expected(void)
{
	const uint8_t *o = base + 120;
	uint8_t *d = want + 120;

	memcpy(want, base, WS);
	memset(want + BFILE, 0, WS - BFILE);
	ops_region_expected(want + 64, base + 64);	/* region A */
	memcpy(d, "QR", 2);
	d[2] = (uint8_t)(o[0] + 5);
	d[3] = (uint8_t)(o[1] + 5);
	memcpy(d + 4, o + 2, 12);
	memcpy(want + 160, "LITERAL!", 8);
}

static void header(void)
{
	memset(pl, 0, sizeof(pl));
	memcpy(pl + HVB_PH_MAGIC, HVB_PAYLOAD_MAGIC, 8);
	st32(pl + HVB_PH_VERSION, HVB_PAYLOAD_VERSION);
	st32(pl + HVB_PH_HDR_SIZE, HVB_PAYLOAD_HDR_SIZE);
	st32(pl + HVB_PH_NVARIANTS, 2);
	st32(pl + HVB_PH_VARIANT_OFF, VOFF);
	st32(pl + HVB_PH_VARIANT_ENTSIZE, HVB_VARIANT_ENTRY_SIZE);
	st32(pl + HVB_PH_REGION_ENTSIZE, HVB_REGION_ENTRY_SIZE);
	st32(pl + HVB_PH_ZERO_COUNT, 1);
	st32(pl + HVB_PH_ZERO_OFF, HVB_PAYLOAD_HDR_SIZE);
	st32(pl + HVB_PAYLOAD_HDR_SIZE + HVB_ZE_OFFSET, BFILE);
	st32(pl + HVB_PAYLOAD_HDR_SIZE + HVB_ZE_LENGTH, WS - BFILE);
	st64(pl + HVB_PH_WORK_VADDR, WV);
	st64(pl + HVB_PH_WORK_SIZE, WS);
	st64(pl + HVB_PH_BASE_PVH_ENTRY, 0x100000);
	st64(pl + HVB_PH_BASE_IMAGE_HASH, hvb_hash64(base, BFILE));
	st64(pl + HVB_PH_BASE_VADDR, WV);
	st64(pl + HVB_PH_BASE_FILESZ, BFILE);
	st64(pl + HVB_PH_BASE_MEMSZ, WS);
}

static void variant(unsigned v, const char *name, const uint8_t *img, uint32_t nr)
{
	uint8_t *e = pl + VOFF + HVB_VARIANT_ENTRY_SIZE * v;

	strcpy((char *)e + HVB_VE_NAME, name);
	st64(e + HVB_VE_IMAGE_HASH, hvb_hash64(img, BFILE));
	st64(e + HVB_VE_VADDR, WV);
	st64(e + HVB_VE_FILESZ, BFILE);
	st64(e + HVB_VE_MEMSZ, WS);
	st64(e + HVB_VE_PVH_ENTRY, 0x100000);
	st32(e + HVB_VE_REGION_COUNT, nr);
	st32(e + HVB_VE_REGION_OFF, ROFF);
}

/* the payload with frame content f (n bytes), compressed with the work
 * area as the base fills it as prefix, as pack makes a frame */
static void build(const uint8_t *f, size_t n)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	uint8_t *e = pl + VOFF + HVB_VARIANT_ENTRY_SIZE;
	size_t z;

	header();
	variant(0, "native", base, 0);
	variant(1, "cols", want, NR);
	for (unsigned k = 0; k < NR; k++) {
		uint8_t *re = pl + ROFF + HVB_REGION_ENTRY_SIZE * k;

		st32(re + HVB_RE_TARGET, regs[k].t);
		st32(re + HVB_RE_OLD_LEN, regs[k].ol);
		st32(re + HVB_RE_NEW_LEN, regs[k].nl);
		re[HVB_RE_ENCODING] = regs[k].enc;
		re[HVB_RE_COMPRESSION] = HVB_COMP_FRAME;
		st32(re + HVB_RE_RAW_LEN, regs[k].dl);
		st32(re + HVB_RE_DATA_OFF, regs[k].doff + (uint32_t)(n - sizeof(frame)));
		st32(re + HVB_RE_DATA_LEN, regs[k].dl);
	}
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_refPrefix(cc, prefix, WS);
	z = ZSTD_compress2(cc, pl + FOFF, sizeof(pl) - FOFF, f, n);
	ZSTD_freeCCtx(cc);
	if (ZSTD_isError(z)) {
		printf("FAIL: zstd: %s\n", ZSTD_getErrorName(z));
		exit(1);
	}
	st32(e + HVB_VE_FLAGS, HVB_VF_OPCOLS);
	st32(e + HVB_VE_DELTA_BYTES, (uint32_t)z);
	st32(e + HVB_VE_FRAME_OFF, FOFF);
	st32(e + HVB_VE_FRAME_LEN, (uint32_t)z);
	st32(e + HVB_VE_FRAME_RAW, (uint32_t)n);
	st32(pl + HVB_PH_MAX_SCRATCH, (uint32_t)n + 32);
	plen = FOFF + z;
	st64(pl + HVB_PH_PAYLOAD_SIZE, plen);
	st64(pl + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(pl + HVB_PH_HASHED_FROM, plen - HVB_PH_HASHED_FROM));
}

static int run(uint8_t *img)
{
	static uint8_t scratch[1024];
	struct hvb_apply_result res;

	memcpy(img, base, WS);
	memset(img + BFILE, 0xee, WS - BFILE);	/* loader left garbage */
	return hvb_apply(pl, plen, "cols", img, WS, scratch, sizeof(scratch), &res);
}

#define EXPECT(what, got, want_) do { int g_ = (got); if (g_ != (want_)) { \
	printf("FAIL %s: got %d (%s), want %d (%s)\n", what, g_, \
	       hvb_apply_strerror(g_), want_, hvb_apply_strerror(want_)); \
	failures++; } } while (0)

/* every byte of the frame damaged: the right image or a clear stop */
static void flips(void)
{
	static const uint8_t x[] = { 0x01, 0x80, 0xff };
	uint8_t f[sizeof(frame)], img[WS];
	unsigned caught = 0, kept = 0, hash = 0;

	for (size_t i = 0; i < sizeof(frame); i++)
		for (size_t j = 0; j < sizeof(x); j++) {
			int e;

			memcpy(f, frame, sizeof(f));
			f[i] ^= x[j];
			build(f, sizeof(f));
			e = run(img);
			if (e == HVB_OK && memcmp(img, want, BFILE) == 0)
				kept++;
			else if (e == HVB_E_DELTA_CORRUPT || e == HVB_E_DELTA_BOUNDS)
				caught++;
			else if (e == HVB_E_IMAGE_HASH)
				hash++;
			else {
				printf("FAIL frame byte %zu ^ %#x: %d (%s)\n", i, x[j], e,
				       hvb_apply_strerror(e));
				failures++;
			}
		}
	printf("%zu damaged frames: %u stopped by the op checks, %u by the image "
	       "hash, %u still right\n", sizeof(frame) * sizeof(x), caught, hash, kept);
	if (!caught) {
		printf("FAIL: no damage caught by the op checks\n");
		failures++;
	}
}

int main(void)
{
	uint8_t img[WS], f[sizeof(frame) + 3];

	for (unsigned i = 0; i < WS; i++)
		base[i] = i < BFILE ? (uint8_t)(i * 37 + 11) : 0;
	memcpy(prefix, base, WS);
	expected();

	build(frame, sizeof(frame));
	EXPECT("columns apply", run(img), HVB_OK);
	if (memcmp(img, want, WS)) {
		printf("FAIL: columns applied to the wrong image\n");
		failures++;
	}

	/* an op left over in the columns: one more LIT of 1 byte */
	memcpy(f, frame, 7);
	f[0] = 11;	/* kinds */
	f[3] = 3;	/* LIT lengths */
	f[6] = 7;	/* LIT bytes */
	memcpy(f + 7, frame + 7, 10);
	f[17] = HVB_OP_LIT;
	memcpy(f + 18, frame + 17, 4 + 2 + 2);	/* COPY, ADD, LIT lengths */
	f[26] = 1;
	memcpy(f + 27, frame + 25, 2 + 6 + 6);	/* SEEK, ADD bytes, LIT bytes */
	f[41] = '+';
	memcpy(f + 42, frame + COLS_LEN, 8);
	build(f, sizeof(frame) + 3);
	EXPECT("an op left over", run(img), HVB_E_DELTA_CORRUPT);

	/* a column longer than the frame */
	memcpy(f, frame, sizeof(frame));
	f[6] = 0x7f;
	build(f, sizeof(frame));
	EXPECT("LIT bytes past the frame", run(img), HVB_E_DELTA_CORRUPT);

	/* an encoding-1 region with data of its own, beside the columns */
	build(frame, sizeof(frame));
	st32(pl + ROFF + HVB_RE_DATA_LEN, 1);
	st32(pl + ROFF + HVB_RE_RAW_LEN, 1);
	st64(pl + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(pl + HVB_PH_HASHED_FROM, plen - HVB_PH_HASHED_FROM));
	EXPECT("ops region with data", run(img), HVB_E_FORMAT);

	/* the flag without a frame, and an unknown flag */
	build(frame, sizeof(frame));
	st32(pl + VOFF + HVB_VE_FLAGS, HVB_VF_OPCOLS);	/* the base */
	st64(pl + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(pl + HVB_PH_HASHED_FROM, plen - HVB_PH_HASHED_FROM));
	EXPECT("columns without a frame", run(img), HVB_E_FORMAT);
	build(frame, sizeof(frame));
	st32(pl + VOFF + HVB_VARIANT_ENTRY_SIZE + HVB_VE_FLAGS, HVB_VF_OPCOLS | 4);	/* 4: none */
	st64(pl + HVB_PH_PAYLOAD_HASH,
	     hvb_hash64(pl + HVB_PH_HASHED_FROM, plen - HVB_PH_HASHED_FROM));
	EXPECT("an unknown variant flag", run(img), HVB_E_FORMAT);

	flips();
	if (failures)
		return 1;
	printf("opcols_test: all passed\n");
	return 0;
}
