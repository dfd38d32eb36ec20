/* apply_index_test.c: white-box test of apply.c's two search shortcuts
 * (it includes apply.c to reach them), each against the plain search it
 * replaces, on random inputs and at every edge:
 *  - move_delta through move_index's buckets, against a linear scan of
 *    the move table, for work areas from 1 byte (shift 0, offsets past
 *    the last bucket) to 4 GiB - 1, entries spanning buckets, adjacent,
 *    and offsets at every entry's and bucket's edges, with the 256
 *    buckets of struct moves and with more in room of several sizes;
 *  - inherit_copy's cursor (the first old site a copy carries, resumed
 *    from the last copy), against bringing back every whole site of each
 *    copy by a full scan, for copies going forward, far forward and back;
 *  - hvb_base_refs_turn (a frame's prefix in reference space), against
 *    each site's bias added one by one; and turning back what a walk
 *    turned, also one stopped by a bad table, gives the bytes back.
 * Exit status 0 when all agree. */
#include <stdio.h>
#include <stdlib.h>
#include "../../format/apply.c"

static unsigned long long rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int failures;

static uint32_t linear_delta(const uint8_t *t, uint32_t n, uint32_t b)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = ld32(t + 12 * i), len = ld32(t + 12 * i + 4);

		if (b >= s && b - s < len)
			return ld32(t + 12 * i + 8);
	}
	return 0;
}

static void check_delta(struct moves *mv, uint32_t b)
{
	uint32_t got = move_delta(mv, b), want = linear_delta(mv->t, mv->n, b);

	if (got != want && failures++ < 10)
		fprintf(stderr, "move_delta(%#x) = %#x, the table says %#x (n %u, shift %u)\n",
			b, got, want, mv->n, mv->shift);
}

/* room for the finer index (move_index's, in the scratch past the
 * regions' need): up to HVB_MOVE_BUCKETS_MAX + 1 buckets */
static uint32_t index_room_buf[HVB_MOVE_BUCKETS_MAX + 1];

/* one random move table over a work area of wsize bytes, indexed in
 * rlen bytes of room (0: the 256 buckets of struct moves) */
static void moves_case(uint64_t wsize, uint32_t want_n, uint8_t *t, size_t rlen)
{
	struct moves mv = { .t = t };
	uint64_t at = 0;
	uint32_t n = 0, i;

	while (n < want_n && at < wsize) {
		uint64_t room = wsize - at, gap = rnd() % 3 ? 0 : rnd() % (room / 4 + 1);
		uint64_t len;

		if (gap >= room)
			break;
		at += gap;
		len = 1 + (rnd() % 4 ? rnd() % ((wsize >> 8) + 3) : rnd() % (wsize - at));
		if (len > wsize - at)
			len = wsize - at;
		st32(t + 12 * n, (uint32_t)at);
		st32(t + 12 * n + 4, (uint32_t)len);
		st32(t + 12 * n + 8, rnd() | 1);
		n++;
		at += len;
	}
	mv.n = n;
	if (n)
		move_index(&mv, wsize, (uint8_t *)index_room_buf, rlen);
	if (n && (mv.nb + 1) * 4 > (rlen > sizeof(mv.lo_own) ? rlen : sizeof(mv.lo_own)) &&
	    failures++ < 10)
		fprintf(stderr, "move_index: %u buckets in %zu bytes of room\n", mv.nb, rlen);
	for (i = 0; i < n; i++) {	/* each entry's edges */
		uint32_t s = ld32(t + 12 * i), e = s + ld32(t + 12 * i + 4);

		check_delta(&mv, s - 1);
		check_delta(&mv, s);
		check_delta(&mv, s + 1);
		check_delta(&mv, e - 1);
		check_delta(&mv, e);
	}
	if (n)
		for (i = 0; i <= mv.nb + 1; i++) {	/* each bucket's edges */
			uint64_t b = (uint64_t)i << mv.shift;

			check_delta(&mv, (uint32_t)b - 1);
			check_delta(&mv, (uint32_t)b);
		}
	for (i = 0; i < 2000; i++)
		check_delta(&mv, rnd() % 4 ? (uint32_t)(rnd() % wsize) : rnd() << 16 ^ rnd());
	check_delta(&mv, 0);
	check_delta(&mv, 0xffffffffu);
	check_delta(&mv, (uint32_t)wsize);
}

static void test_moves(void)
{
	static uint8_t t[12 * 3000];
	static const uint64_t sizes[] = { 1, 2, 255, 256, 257, 1000, 4096, 65537,
					  10584064, 0x80000000ull, 0xffffffffull };

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (unsigned k = 0; k < 20; k++)
			for (unsigned r = 0; r < 3; r++)	/* none, some, ample room */
				moves_case(sizes[s], k < 5 ? k + 1 : rnd() % 3000 + 1, t,
					   r == 0 ? 0 : r == 1 ? 4 * 700 + 3 : sizeof(index_room_buf));
}

#define NLEN 4096

/* the reference: every whole old site of the copy comes back */
static void copy_ref(const uint8_t *sites, uint32_t ns, uint8_t *dst, uint32_t o,
		     uint32_t p, uint32_t n, const struct moves *mv)
{
	for (uint32_t k = 0; k < ns; k++) {
		uint32_t v = ld32(sites + 4 * k), at = SITE_OFF(v), q = p + (at - o);

		if (at >= o && at + HVB_REF_FIELD <= o + n)
			ref_back(dst + q, ref_bias(SITE_KIND(v), 0, q, mv->wlo), mv);
	}
}

static void test_cursor(void)
{
	static uint8_t sites[4 * NLEN], a[NLEN + 8], b[NLEN + 8];
	struct bt_cursor cur = { 0 };
	struct moves mv = { .n = 0, .wlo = 0x81000000u, .cur = &cur };

	for (unsigned round = 0; round < 200; round++) {
		struct inherit ih = { .sites = sites, .mv = &mv };
		uint32_t ns = 0, at = 0, o = 0;

		while (ns < NLEN / 4) {	/* sorted sites, dense or sparse */
			at += rnd() % (round % 3 ? 3 : 40);
			if (at + HVB_REF_FIELD > NLEN)
				break;
			st32(sites + 4 * ns++, at | (rnd() & 7) << 29);
			at += HVB_REF_FIELD;
		}
		ih.ns = ns;
		for (unsigned i = 0; i < sizeof(a); i++)
			a[i] = b[i] = (uint8_t)rnd();
		for (unsigned c = 0; c < 300; c++) {
			uint32_t n, p, r = rnd() % 8;

			if (r < 4)		/* on, or a little further */
				o += rnd() % 8;
			else if (r < 6)		/* far on */
				o += rnd() % 600;
			else if (r < 7)		/* back */
				o -= rnd() % (o + 1);
			else
				o = rnd() % NLEN;
			if (o >= NLEN)
				o = rnd() % NLEN;
			n = 1 + rnd() % (NLEN - o < 64 ? NLEN - o : 64);
			p = rnd() % (NLEN - n + 1);
			if (inherit_copy(&ih, a, NLEN, o, p, n) != HVB_OK) {
				if (failures++ < 10)
					fprintf(stderr, "inherit_copy failed (round %u copy %u)\n", round, c);
				return;
			}
			copy_ref(sites, ns, b, o, p, n, &mv);
			if (memcmp(a, b, sizeof(a))) {
				if (failures++ < 10)
					fprintf(stderr, "inherit_copy(o %u, p %u, n %u) differs from a full "
						"scan (round %u copy %u, %u sites)\n", o, p, n, round, c, ns);
				return;
			}
			o += n;
		}
	}
}

/* a site table (FORMAT.md 3.8) of the ns sites at[], kind[] into t */
static size_t put_uvar(uint8_t *t, size_t i, uint64_t v)
{
	do {
		t[i++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	return i;
}

static size_t table(uint8_t *t, const uint32_t *at, const uint8_t *kind, uint32_t ns)
{
	size_t i = put_uvar(t, 0, ns), bm, kd;
	uint32_t m = 0, j, prev = 0;

	for (j = 0; j < ns; j++)
		m += kind[j] != 0;
	if (!ns)
		return i;
	i = put_uvar(t, i, m);
	bm = i;
	kd = bm + (ns + 7) / 8;
	i = kd + (m * HVB_REF_KIND_BITS + 7) / 8;
	memset(t + bm, 0, i - bm);
	for (j = m = 0; j < ns; j++)
		if (kind[j]) {
			t[bm + j / 8] |= (uint8_t)(1u << (j % 8));
			t[kd + m / 2] |= (uint8_t)(kind[j] << (m % 2 * HVB_REF_KIND_BITS));
			m++;
		}
	for (j = 0; j < ns; j++) {
		i = put_uvar(t, i, at[j] - prev);
		prev = at[j] + HVB_REF_FIELD;
	}
	return i;
}

static void turn_fail(const char *what, unsigned round)
{
	if (failures++ < 10)
		fprintf(stderr, "hvb_base_refs_turn: %s (round %u)\n", what, round);
}

static void test_turn(void)
{
	static uint8_t t[8 * NLEN], img[NLEN], orig[NLEN], want[NLEN];
	static uint32_t at[NLEN / 4];
	static uint8_t kind[NLEN / 4];
	const uint32_t wlo = 0x81000000u;

	for (unsigned round = 0; round < 300; round++) {
		uint32_t ns = 0, a = 0, cut;
		uint64_t n = ~0ull, k;
		size_t len;
		int e;

		while (ns < NLEN / 4) {
			a += rnd() % (round % 3 ? 3 : 200);
			if (a + HVB_REF_FIELD > NLEN)
				break;
			at[ns] = a;
			kind[ns++] = (uint8_t)(rnd() % 8);
			a += HVB_REF_FIELD;
		}
		len = table(t, at, kind, ns);
		for (unsigned i = 0; i < NLEN; i++)
			img[i] = orig[i] = want[i] = (uint8_t)rnd();
		for (uint32_t j = 0; j < ns; j++)
			st32(want + at[j], ld32(want + at[j]) + ref_bias(kind[j], 0, at[j], wlo));
		e = hvb_base_refs_turn(t, len, img, NLEN, wlo, 0, &n);
		if (e || n != ns || memcmp(img, want, NLEN))
			turn_fail("into reference space differs from site by site", round);
		k = n;
		e = hvb_base_refs_turn(t, len, img, NLEN, wlo, 1, &k);
		if (e || k != ns || memcmp(img, orig, NLEN))
			turn_fail("back does not give the bytes back", round);
		if (!ns)
			continue;
		/* site cut's field made to leave the work area: the walk stops
		 * there, and turning back the sites it turned restores all */
		cut = rnd() % ns;
		at[cut] = NLEN - 1 - rnd() % 3;
		len = table(t, at, kind, cut + 1);
		n = ~0ull;
		e = hvb_base_refs_turn(t, len, img, NLEN, wlo, 0, &n);
		if (e != HVB_E_REF_TABLE || n != cut)
			turn_fail("a field past the work area not refused where it lies", round);
		k = n;
		hvb_base_refs_turn(t, len, img, NLEN, wlo, 1, &k);
		if (k != cut || memcmp(img, orig, NLEN))
			turn_fail("a stopped walk not undone exactly", round);
	}
}

int main(void)
{
	test_moves();
	test_cursor();
	test_turn();
	if (failures) {
		fprintf(stderr, "apply_index_test: %d failures\n", failures);
		return 1;
	}
	printf("apply_index_test: move index, site cursor and base-table turns agree with full searches\n");
	return 0;
}
