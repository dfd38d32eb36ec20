/* bsdelta.c: run the bsdiff program on one region, decode its BSDIFF40
 * output (three bzip2 blocks) with libbz2, and re-encode it as the op
 * stream the stub applies (see format/FORMAT.md, encoding 1). */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;
#include <bzlib.h>
#include "bundler.h"

#define BZ_MAX_OUT	(256u << 20)

/* BSDIFF40 "offtin": 8-byte sign-magnitude little-endian */
static int64_t offtin(const uint8_t *b)
{
	uint64_t y = b[7] & 0x7f;
	int i;

	for (i = 6; i >= 0; i--)
		y = y * 256 + b[i];
	return (b[7] & 0x80) ? -(int64_t)y : (int64_t)y;
}

static int bunzip(const uint8_t *src, size_t len, struct buf *out)
{
	bz_stream s;
	int r;

	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -1;
	s.next_in = (char *)src;
	s.avail_in = (unsigned)len;
	do {
		if (out->cap - out->len < 65536) {
			buf_zero(out, 65536);
			out->len -= 65536;
		}
		s.next_out = (char *)out->p + out->len;
		s.avail_out = (unsigned)(out->cap - out->len);
		r = BZ2_bzDecompress(&s);
		out->len = out->cap - s.avail_out;
		if (out->len > BZ_MAX_OUT)
			r = BZ_DATA_ERROR;
	} while (r == BZ_OK && (s.avail_in || s.avail_out == 0));
	BZ2_bzDecompressEnd(&s);
	return r == BZ_STREAM_END ? 0 : -1;
}

/* op emitter: coalesces neighbouring ops of one kind */
struct em {
	struct buf *out;
	const uint8_t *old, *new_;
	size_t cur_old;		/* the decoder's old position */
	unsigned pk;
	size_t pn, pnew, pold;
};

static void em_flush(struct em *e)
{
	size_t i;

	if (!e->pn)
		return;
	if (e->pk != HVB_OP_LIT && e->cur_old != e->pold) {
		uint64_t z = e->pold > e->cur_old ?
		    (uint64_t)(e->pold - e->cur_old) * 2 :
		    (uint64_t)(e->cur_old - e->pold) * 2 - 1;

		buf_var(e->out, z << HVB_OP_SHIFT | HVB_OP_SEEK);
	}
	buf_var(e->out, (uint64_t)e->pn << HVB_OP_SHIFT | e->pk);
	if (e->pk == HVB_OP_ADD)
		for (i = 0; i < e->pn; i++)
			buf_byte(e->out, (uint8_t)(e->new_[e->pnew + i] -
						   e->old[e->pold + i]));
	else if (e->pk == HVB_OP_LIT)
		buf_put(e->out, e->new_ + e->pnew, e->pn);
	if (e->pk != HVB_OP_LIT)
		e->cur_old = e->pold + e->pn;
	e->pn = 0;
}

static void em_op(struct em *e, unsigned kind, size_t newp, size_t oldp,
		  size_t n)
{
	if (e->pn && e->pk == kind && e->pnew + e->pn == newp &&
	    (kind == HVB_OP_LIT || e->pold + e->pn == oldp)) {
		e->pn += n;
		return;
	}
	em_flush(e);
	e->pk = kind;
	e->pnew = newp;
	e->pold = oldp;
	e->pn = n;
}

/* the add part of a bsdiff triple: new[np, np+x) against old from op */
static void em_add(struct em *e, size_t olen, size_t np, int64_t op,
		   size_t x)
{
	size_t i = 0;

	while (i < x) {
		int64_t o = op + (int64_t)i;
		size_t j = i;

		if (o < 0 || o >= (int64_t)olen) {
			while (j < x && (op + (int64_t)j < 0 ||
					 op + (int64_t)j >= (int64_t)olen))
				j++;
			em_op(e, HVB_OP_LIT, np + i, 0, j - i);
		} else if (e->new_[np + i] == e->old[o]) {
			while (j < x && op + (int64_t)j < (int64_t)olen &&
			       e->new_[np + j] == e->old[op + (int64_t)j])
				j++;
			/* short equal runs inside an add cost less as add */
			em_op(e, (j - i < 3 && e->pn && e->pk == HVB_OP_ADD &&
				  j < x) ? HVB_OP_ADD : HVB_OP_COPY,
			      np + i, (size_t)o, j - i);
		} else {
			while (j < x && op + (int64_t)j < (int64_t)olen &&
			       e->new_[np + j] != e->old[op + (int64_t)j])
				j++;
			em_op(e, HVB_OP_ADD, np + i, (size_t)o, j - i);
		}
		i = j;
	}
}

static int decode(const uint8_t *p, size_t plen, const uint8_t *old,
		  size_t olen, const uint8_t *new_, size_t nlen,
		  struct buf *out)
{
	struct buf ctrl = { 0 }, diff = { 0 }, extra = { 0 };
	int64_t clen, dlen, nsize, op = 0;
	size_t np = 0, dp = 0, ep = 0, t;
	struct em e = { out, old, new_, 0, 0, 0, 0, 0 };
	int rc = -1;

	if (plen < 32 || memcmp(p, "BSDIFF40", 8)) {
		warnx_("bsdiff output: bad header");
		return -1;
	}
	clen = offtin(p + 8);
	dlen = offtin(p + 16);
	nsize = offtin(p + 24);
	if (clen < 0 || dlen < 0 || (uint64_t)clen > plen - 32 ||
	    (uint64_t)dlen > plen - 32 - (uint64_t)clen ||
	    nsize != (int64_t)nlen) {
		warnx_("bsdiff output: bad lengths");
		return -1;
	}
	if (bunzip(p + 32, (size_t)clen, &ctrl) ||
	    bunzip(p + 32 + clen, (size_t)dlen, &diff) ||
	    bunzip(p + 32 + clen + dlen, plen - 32 - (size_t)(clen + dlen), &extra) ||
	    ctrl.len % 24) {
		warnx_("bsdiff output: bad bzip2 block");
		goto out;
	}
	for (t = 0; t < ctrl.len; t += 24) {
		int64_t x = offtin(ctrl.p + t), y = offtin(ctrl.p + t + 8);
		int64_t z = offtin(ctrl.p + t + 16);
		size_t i;

		if (x < 0 || y < 0 || (uint64_t)x > nlen - np ||
		    (uint64_t)x > diff.len - dp) {
			warnx_("bsdiff output: control out of bounds");
			goto out;
		}
		for (i = 0; i < (size_t)x; i++) {	/* sanity: it must agree */
			int64_t o = op + (int64_t)i;
			uint8_t ob = (o >= 0 && o < (int64_t)olen) ? old[o] : 0;

			if ((uint8_t)(ob + diff.p[dp + i]) != new_[np + i]) {
				warnx_("bsdiff output does not reproduce the input");
				goto out;
			}
		}
		em_add(&e, olen, np, op, (size_t)x);
		np += (size_t)x;
		dp += (size_t)x;
		op += x;
		if ((uint64_t)y > nlen - np || (uint64_t)y > extra.len - ep ||
		    memcmp(extra.p + ep, new_ + np, (size_t)y)) {
			warnx_("bsdiff output: bad extra block");
			goto out;
		}
		if (y)
			em_op(&e, HVB_OP_LIT, np, 0, (size_t)y);
		np += (size_t)y;
		ep += (size_t)y;
		op += z;
	}
	if (np != nlen) {
		warnx_("bsdiff output: short (%zu of %zu bytes)", np, nlen);
		goto out;
	}
	em_flush(&e);
	rc = 0;
out:
	free(ctrl.p);
	free(diff.p);
	free(extra.p);
	return rc;
}

struct batch {
	char dir[4096];
	struct bsjob *jobs;
	size_t n;
	pid_t *pid;
	size_t next, running, done;
	int rc;
};

static void job_path(const struct batch *bt, size_t i, const char *ext,
		     char *path, size_t len)
{
	snprintf(path, len, "%s/%zu.%s", bt->dir, i, ext);
}

/* bsdiff's scan can go quadratic in long runs of one byte: on a 512 KiB
 * region of a distribution kernel's data (99% zeros in two runs of about
 * 300 KiB, 5,913 bytes differing where they lie) it had used 49 s of CPU
 * and was still running.  Such a region, whose new bytes' runs cost
 * more than RUN_COST (the sum of their squares: about one run of 32 KiB)
 * and which differs from the old bytes in at most one byte of 64 at the
 * same offsets, is taken at the same offsets: equal bytes copied, the
 * others added, so it costs at most a 64th of its length more than
 * bsdiff's ops could.  (At one byte of 16 it also took two regions of the
 * small Linux bundle, where bsdiff was quick and 43 KB smaller: run
 * length alone does not predict bsdiff's time.)  Deterministic, so the
 * same inputs still give the same bundle. */
#define RUN_MIN		256
#define RUN_COST	(1ull << 30)
static int bsdiff_would_crawl(const struct bsjob *j)
{
	const uint8_t *p = j->new_;
	uint64_t cost = 0;
	size_t i = 0, k, differ = 0;

	while (i < j->len) {
		for (k = i + 1; k < j->len && p[k] == p[i]; k++)
			;
		if (k - i >= RUN_MIN)
			cost += (uint64_t)(k - i) * (k - i);
		i = k;
	}
	if (cost <= RUN_COST)
		return 0;
	for (i = 0; i < j->len; i++)
		differ += j->old[i] != p[i];
	return differ <= j->len / 64;
}

/* job i aligned without bsdiff: new against old at the same offsets */
static void same_offsets(struct batch *bt, size_t i)
{
	struct bsjob *j = &bt->jobs[i];
	struct em e = { j->out, j->old, j->new_, 0, 0, 0, 0, 0 };

	if (verbose)
		warnx_("a region of %zu bytes in long runs: aligned at the same "
		       "offsets, without bsdiff", j->len);
	em_add(&e, j->len, 0, 0, j->len);
	em_flush(&e);
	j->rc = 0;
	bt->done++;
	progress("bsdiff", bt->done, bt->n);
}

/* write job next's old and new bytes and start bsdiff on them (or align
 * it at once, where bsdiff would take too long) */
static int start_job(struct batch *bt)
{
	struct bsjob *j = &bt->jobs[bt->next];
	char po[4200], pn[4200], pp[4200];
	char *av[] = { "bsdiff", po, pn, pp, NULL };
	int e;

	if (bsdiff_would_crawl(j)) {
		same_offsets(bt, bt->next++);
		return 0;
	}

	job_path(bt, bt->next, "old", po, sizeof(po));
	job_path(bt, bt->next, "new", pn, sizeof(pn));
	job_path(bt, bt->next, "patch", pp, sizeof(pp));
	if (write_file(po, j->old, j->len, 0600) ||
	    write_file(pn, j->new_, j->len, 0600))
		return -1;
	if ((e = posix_spawnp(&bt->pid[bt->next], "bsdiff", NULL, NULL, av,
			      environ))) {
		warnx_("cannot run bsdiff: %s", strerror(e));
		return -1;
	}
	bt->next++;
	bt->running++;
	return 0;
}

/* job i's bsdiff ended with status st: decode its patch */
static void finish_job(struct batch *bt, size_t i, int st)
{
	struct bsjob *j = &bt->jobs[i];
	char path[4200];
	uint8_t *patch;
	size_t plen;

	bt->running--;
	bt->done++;
	bt->pid[i] = 0;
	progress("bsdiff", bt->done, bt->n);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		warnx_("bsdiff failed (status %d)", st);
		bt->rc = -1;
	}
	j->rc = -1;
	if (bt->rc)
		return;
	job_path(bt, i, "patch", path, sizeof(path));
	if (read_file(path, &patch, &plen) == 0) {
		j->rc = decode(patch, plen, j->old, j->len, j->new_, j->len, j->out);
		free(patch);
	}
	if (j->rc)
		bt->rc = -1;
}

/* wait for one bsdiff; 0, or -1 when waiting failed */
static int reap_one(struct batch *bt)
{
	int st;
	size_t i;
	pid_t p = wait(&st);

	if (p < 0) {
		if (errno == EINTR)
			return 0;
		warnx_("wait: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < bt->next && bt->pid[i] != p; i++)
		;
	if (i < bt->next)
		finish_job(bt, i, st);
	return 0;
}

static void cleanup(struct batch *bt)
{
	static const char *ext[] = { "old", "new", "patch" };
	char path[4200];
	size_t i;
	int k;

	while (bt->running > 0) {	/* after an error: reap the rest */
		if (wait(NULL) < 0 && errno != EINTR)
			break;
		bt->running--;
	}
	for (i = 0; i < bt->next + (bt->next < bt->n); i++)	/* + a failed start */
		for (k = 0; k < 3; k++) {
			job_path(bt, i, ext[k], path, sizeof(path));
			unlink(path);
		}
	rmdir(bt->dir);
	free(bt->pid);
}

/* Run bsdiff for every job, up to one per CPU at a time, then decode each
 * patch into the op stream.  Returns 0, or -1 after a message. */
int bsdelta_batch(struct bsjob *jobs, size_t n)
{
	struct batch bt = { .jobs = jobs, .n = n };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	ncpu = ncpu < 1 ? 1 : ncpu > 16 ? 16 : ncpu;
	snprintf(bt.dir, sizeof(bt.dir), "%s/bundler.XXXXXX", tmpdir());
	if (!mkdtemp(bt.dir)) {
		warnx_("%s: mkdtemp: %s", bt.dir, strerror(errno));
		return -1;
	}
	bt.pid = xcalloc(n ? n : 1, sizeof(pid_t));
	while (bt.done < n) {
		while (bt.rc == 0 && bt.next < n && bt.running < (size_t)ncpu)
			if (start_job(&bt))
				bt.rc = -1;
		if (bt.running == 0)
			break;
		if (reap_one(&bt)) {
			bt.rc = -1;
			break;
		}
	}
	cleanup(&bt);
	return bt.rc;
}
