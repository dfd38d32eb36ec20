/* bsdelta.c: run the bsdiff program on one region, decode its BSDIFF40
 * output (three bzip2 blocks) with libbz2, and re-encode it as the op
 * stream the stub applies (see FORMAT.md, encoding 1). */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;
#include <bzlib.h>
#include "bundler.h"
#include "apply.h"

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

		buf_var(e->out, z << 2 | HVB_OP_SEEK);
	}
	buf_var(e->out, (uint64_t)e->pn << 2 | e->pk);
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

/* Run bsdiff for every job, up to one per CPU at a time, then decode each
 * patch into the op stream.  Returns 0, or -1 after a message. */
int bsdelta_batch(struct bsjob *jobs, size_t n)
{
	char dir[4096], path[4200];
	pid_t *pid = xcalloc(n ? n : 1, sizeof(pid_t));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t next = 0, running = 0, done = 0, i;
	int rc = 0;

	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > 16)
		ncpu = 16;
	snprintf(dir, sizeof(dir), "%s/bundler.XXXXXX", tmpdir());
	if (!mkdtemp(dir)) {
		warnx_("%s: mkdtemp: %s", dir, strerror(errno));
		free(pid);
		return -1;
	}
	while (done < n) {
		while (rc == 0 && next < n && running < (size_t)ncpu) {
			struct bsjob *j = &jobs[next];
			char po[4200], pn[4200], pp[4200];
			char *av[] = { "bsdiff", po, pn, pp, NULL };
			int e;

			snprintf(po, sizeof(po), "%s/%zu.old", dir, next);
			snprintf(pn, sizeof(pn), "%s/%zu.new", dir, next);
			snprintf(pp, sizeof(pp), "%s/%zu.patch", dir, next);
			if (write_file(po, j->old, j->len, 0600) ||
			    write_file(pn, j->new_, j->len, 0600)) {
				rc = -1;
				break;
			}
			if ((e = posix_spawnp(&pid[next], "bsdiff", NULL, NULL, av,
					      environ))) {
				warnx_("cannot run bsdiff: %s", strerror(e));
				rc = -1;
				break;
			}
			next++;
			running++;
		}
		if (running == 0)
			break;
		{
			int st;
			pid_t p = wait(&st);

			if (p < 0) {
				if (errno == EINTR)
					continue;
				warnx_("wait: %s", strerror(errno));
				rc = -1;
				break;
			}
			for (i = 0; i < next && pid[i] != p; i++)
				;
			if (i == next)
				continue;
			running--;
			done++;
			pid[i] = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				warnx_("bsdiff failed (status %d)", st);
				rc = -1;
			}
			jobs[i].rc = -1;
			if (rc == 0) {
				uint8_t *patch;
				size_t plen;

				snprintf(path, sizeof(path), "%s/%zu.patch", dir, i);
				if (read_file(path, &patch, &plen) == 0) {
					jobs[i].rc = decode(patch, plen, jobs[i].old,
							    jobs[i].len, jobs[i].new_,
							    jobs[i].len, jobs[i].out);
					free(patch);
				}
				if (jobs[i].rc)
					rc = -1;
			}
		}
	}
	while (running > 0) {	/* after an error: reap the rest */
		if (wait(NULL) < 0 && errno != EINTR)
			break;
		running--;
	}
	for (i = 0; i < next + (next < n); i++) {	/* + a failed start */
		static const char *ext[] = { "old", "new", "patch" };
		int k;

		for (k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "%s/%zu.%s", dir, i, ext[k]);
			unlink(path);
		}
	}
	rmdir(dir);
	free(pid);
	return rc;
}
